/* micrograd engine: scalar values in an arena-owned graph, reverse-mode autograd.
 *
 * A worked example (the first one of the video):
 *
 *     mg_graph *g = mg_graph_new();
 *     mg_value a = mg_leaf(g, 2.0, "a");
 *     mg_value b = mg_leaf(g, -3.0, "b");
 *     mg_value c = mg_leaf(g, 10.0, "c");
 *     mg_value f = mg_leaf(g, -2.0, "f");
 *     mg_value L = mg_mul(g, mg_add(g, mg_mul(g, a, b), c), f);   // L = (a*b + c) * f
 *     mg_backward(g, L);
 *     if (mg_graph_status(g) != MG_OK) fprintf(stderr, "%s\n", mg_graph_error(g));
 *     printf("L = %g, dL/da = %g\n", mg_data(g, L), mg_grad(g, a));     // -8, 6
 *     mg_graph_free(g);                                               // frees every value
 *
 * Ownership: the graph owns every value, label and scratch buffer made in it.
 * Values are handles (an index plus a tag of the graph that made them), never
 * pointers, so the arena may grow and move without invalidating them. The tag
 * comes from the graph's address: a handle of a freed graph can pass for one of
 * a new graph allocated at the same address.
 *
 * Errors are sticky, as in cairo: every failure of a call that takes a
 * (non-const) mg_graph * is recorded in the graph, and the first one stays
 * until mg_graph_clear_error(). An op that fails (out of memory, a handle of
 * another graph, an operand that is itself an error) returns MG_NONE; ops on
 * MG_NONE return MG_NONE. The engine's calls keep working on a graph in error;
 * mg_parse, mg_mlp_new, mg_mlp_loss and mg_mlp_train_step refuse to build on
 * one (its values may be missing). Check mg_graph_status() once at the end.
 * The library never prints, exits or aborts on bad input.
 *
 *   Record and return: the ops (MG_NONE), mg_leaf, mg_set_data, mg_set_grad,
 *   mg_set_role, mg_set_label(_n), mg_set_group, mg_graph_reserve,
 *   mg_graph_reset (a mark past the end), mg_backward, mg_backward_local,
 *   mg_trace (a bad root); above the engine, every call taking a non-const
 *   graph: mg_parse, mg_lesson_new, the nn calls. (A lesson's scene and page
 *   take the lesson, not the graph: their failures are the picture's and stay
 *   in their mg_error.)
 *   Only return (they cannot record): every call given a NULL graph
 *   (MG_ERR_INVALID, or MG_ERR_FOREIGN from the setters), and the calls that
 *   take a const graph: the getters (NaN / NULL / MG_NONE for a bad handle),
 *   mg_mlp_eval and the renders, which report through their mg_error.
 *
 * A status names the failure of the call that returns it, even when the graph
 * keeps an earlier one.
 *
 * Not thread-safe per graph; distinct graphs may be used from distinct threads.
 */
#ifndef MICROGRAD_ENGINE_H
#define MICROGRAD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <micrograd/error.h>
#include <micrograd/export.h>
#include <micrograd/ops.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ops ----------------------------------------------------------------- */

/* mg_op, the op table and each op's formulas: see <micrograd/ops.h>. */

/* What a value is for; the picture styles them apart. */
typedef enum mg_role {
    MG_ROLE_INPUT = 0,  /* a named leaf: an input or variable */
    MG_ROLE_CONST = 1,  /* an unnamed constant (the 2 of `2 * a`) */
    MG_ROLE_PARAM = 2,  /* a trainable parameter (nn weight or bias) */
    MG_ROLE_RESULT = 3  /* made by an op */
} mg_role;

/* ---- graph --------------------------------------------------------------- */

typedef struct mg_graph mg_graph;

/* A handle to a value: index in creation order plus the tag of its graph.
 * Creation order is a topological order: operands always precede results. */
typedef struct mg_value {
    uint32_t index;
    uint32_t tag;
} mg_value;

/* The error handle: what failing ops return. */
#define MG_NONE ((mg_value){UINT32_MAX, 0})
/* 1 if v is not MG_NONE (it may still belong to another graph). */
static inline int mg_value_ok(mg_value v) { return v.index != UINT32_MAX; }

/* A new, empty graph, or NULL if memory is short. Free with mg_graph_free(). */
MG_API mg_graph *mg_graph_new(void);
/* Frees the graph and every value, label and buffer in it. NULL is a no-op. */
MG_API void mg_graph_free(mg_graph *g);

/* Number of values in the graph (the next value's index). */
MG_API size_t mg_graph_size(const mg_graph *g);
/* Bytes the graph holds from the allocator (values, labels, scratch). */
MG_API size_t mg_graph_bytes(const mg_graph *g);
/* Grows the value storage to hold at least n values; on failure nothing changes
 * and MG_ERR_NOMEM or MG_ERR_LIMIT is returned and recorded. */
MG_API mg_status mg_graph_reserve(mg_graph *g, size_t n);

/* The first error recorded (MG_OK if none), its detail message (never NULL;
 * "" when OK, owned by the graph), and a way to clear it. */
MG_API mg_status mg_graph_status(const mg_graph *g);
MG_API const char *mg_graph_error(const mg_graph *g);
MG_API void mg_graph_clear_error(mg_graph *g);
/* Records an error found by a layer above the engine (the parser, the nn
 * library, the lesson, viz scenes): the first error wins, as for the ops.
 * message is copied (truncated to 255 bytes; NULL: mg_status_str(status)); a
 * status of MG_OK or a NULL graph does nothing. */
MG_API void mg_graph_set_error(mg_graph *g, mg_status status, const char *message);

/* Mark/reset: a training loop makes its parameters, takes a mark, and after
 * each step resets to it, dropping every value, label and group made since,
 * while keeping the memory for the next step (no allocation once warm). */
typedef struct mg_mark {
    uint32_t values;
    uint32_t exponents;
    size_t label_bytes;
    uint32_t resets; /* resets of the graph before the mark was taken */
} mg_mark;
MG_API mg_mark mg_graph_mark(const mg_graph *g);
/* Handles to values made after the mark become invalid (MG_ERR_FOREIGN) until
 * new values reuse their indices: after that an old handle names the new value
 * (the check is an index bound, not a generation). A mark beyond the graph's
 * current size is ignored and recorded (MG_ERR_INVALID); one taken after an
 * earlier reset and made stale by later growth is not detected. A kept value
 * labelled or grouped after the mark loses that label or group (its bytes were
 * dropped). Label memory is kept for the next step, as value memory is. */
MG_API void mg_graph_reset(mg_graph *g, mg_mark mark);
/* Brings back what the last reset dropped, as it was (data, grads, labels,
 * groups, exponents), when `end` is the mark taken just before that reset and
 * nothing was made, labelled or reset since: returns 1 and the graph ends at
 * `end` again. Otherwise returns 0 and changes nothing. A training loop whose
 * graph has the same shape every step replays it (mg_replay) instead of
 * building it again. */
MG_API int mg_graph_unreset(mg_graph *g, mg_mark end);

/* ---- making values ------------------------------------------------------- */

/* A leaf with the given data. label may be NULL; it is copied. Role: INPUT.
 * If the label cannot be stored, no leaf is made: MG_NONE, with MG_ERR_NOMEM
 * (or MG_ERR_LIMIT) recorded. */
MG_API mg_value mg_leaf(mg_graph *g, double data, const char *label);
/* A leaf with a role chosen by the caller (CONST for literals, PARAM for weights). */
MG_API mg_value mg_leaf_role(mg_graph *g, double data, mg_role role);

MG_API mg_value mg_add(mg_graph *g, mg_value a, mg_value b);
MG_API mg_value mg_sub(mg_graph *g, mg_value a, mg_value b);
MG_API mg_value mg_mul(mg_graph *g, mg_value a, mg_value b);
MG_API mg_value mg_div(mg_graph *g, mg_value a, mg_value b);
MG_API mg_value mg_neg(mg_graph *g, mg_value a);
/* a ** exponent with a constant exponent (micrograd allows int/float only). */
MG_API mg_value mg_pow(mg_graph *g, mg_value a, double exponent);
/* a ** b with both values (MG_OP_POWV): d/da = b·a^(b-1); d/db = ln(a)·a^b for
 * a > 0, 0 for a = 0 and b >= 0 (the limit), NaN otherwise (see ops.h). */
MG_API mg_value mg_pow_value(mg_graph *g, mg_value a, mg_value b);
MG_API mg_value mg_exp(mg_graph *g, mg_value a);
MG_API mg_value mg_log(mg_graph *g, mg_value a);
/* tanh through libm's tanh(): finite for every finite input. */
MG_API mg_value mg_tanh(mg_graph *g, mg_value a);
MG_API mg_value mg_relu(mg_graph *g, mg_value a);
MG_API mg_value mg_sigmoid(mg_graph *g, mg_value a);

/* The same, by op: mg_unary takes every op of arity 1 but POW (NEG EXP LOG TANH
 * RELU SIGMOID), mg_binary every op of arity 2 (ADD SUB MUL DIV POWV); another op
 * is MG_ERR_INVALID. */
MG_API mg_value mg_unary(mg_graph *g, mg_op op, mg_value a);
MG_API mg_value mg_binary(mg_graph *g, mg_op op, mg_value a, mg_value b);

/* Mixed forms with a plain double, as micrograd's `a + 1`, `2 * a`, `1 - a`:
 * the double becomes an unnamed CONST leaf on the same side. */
MG_API mg_value mg_add_vd(mg_graph *g, mg_value a, double b);
MG_API mg_value mg_add_dv(mg_graph *g, double a, mg_value b);
MG_API mg_value mg_sub_vd(mg_graph *g, mg_value a, double b);
MG_API mg_value mg_sub_dv(mg_graph *g, double a, mg_value b);
MG_API mg_value mg_mul_vd(mg_graph *g, mg_value a, double b);
MG_API mg_value mg_mul_dv(mg_graph *g, double a, mg_value b);
MG_API mg_value mg_div_vd(mg_graph *g, mg_value a, double b);
MG_API mg_value mg_div_dv(mg_graph *g, double a, mg_value b);

/* ---- reading and writing values ------------------------------------------ */

/* Getters return NaN / MG_OP_LEAF / MG_ROLE_INPUT / MG_NONE / NULL for a bad
 * handle and never crash; setters return MG_ERR_FOREIGN (MG_NONE included),
 * record it and change nothing. mg_set_role records MG_ERR_INVALID for a role
 * the value cannot have (RESULT is for op values only, and they keep it). */
MG_API double mg_data(const mg_graph *g, mg_value v);
MG_API double mg_grad(const mg_graph *g, mg_value v);
MG_API mg_status mg_set_data(mg_graph *g, mg_value v, double data);
MG_API mg_status mg_set_grad(mg_graph *g, mg_value v, double grad);
MG_API mg_op mg_value_op(const mg_graph *g, mg_value v);
MG_API mg_role mg_value_role(const mg_graph *g, mg_value v);
MG_API mg_status mg_set_role(mg_graph *g, mg_value v, mg_role role);
/* Operand i (0 or 1) of v, or MG_NONE if v has fewer operands. */
MG_API mg_value mg_operand(const mg_graph *g, mg_value v, int i);
/* The constant exponent of a pow value (NaN for other ops). */
MG_API double mg_pow_exponent(const mg_graph *g, mg_value v);
/* v's local derivative with respect to its operand k (d v / d operand k), and
 * what backward adds to that operand's grad from v's current grad: the op
 * table's mg_op_local_grad / mg_op_chain on v's own numbers. NaN and 0 for a
 * bad handle, a leaf or k out of range. */
MG_API double mg_value_local_grad(const mg_graph *g, mg_value v, int k);
MG_API double mg_value_chain(const mg_graph *g, mg_value v, int k);
/* The value with this index (creation order), or MG_NONE if out of range. */
MG_API mg_value mg_value_at(const mg_graph *g, size_t index);

/* Labels: any bytes (NUL included), copied into the graph; bytes may be
 * another label of the graph (`mg_set_label(g, b, mg_label(g, a, NULL))`).
 * Returns MG_OK, or MG_ERR_NOMEM / MG_ERR_LIMIT / MG_ERR_FOREIGN /
 * MG_ERR_INVALID (NULL bytes with a length), recorded, the label unchanged. */
MG_API mg_status mg_set_label(mg_graph *g, mg_value v, const char *label);
MG_API mg_status mg_set_label_n(mg_graph *g, mg_value v, const char *bytes, size_t len);
/* The label (NUL-terminated, owned by the graph) and its length, or NULL if
 * the value has none. The pointer stays valid until the next reset or free:
 * labels live in memory that never moves, so making more values and labels
 * does not invalidate it. */
MG_API const char *mg_label(const mg_graph *g, mg_value v, size_t *len);

/* Groups tag values for clustering in pictures: a path like "layer 1/neuron 2"
 * makes nested clusters. Copied into the graph. NULL removes the group.
 * Errors as mg_set_label. */
MG_API mg_status mg_set_group(mg_graph *g, mg_value v, const char *group);
/* The group path (owned by the graph, valid as long as a label) or NULL. */
MG_API const char *mg_group(const mg_graph *g, mg_value v);

/* ---- autograd ------------------------------------------------------------ */

/* Sets root.grad = 1 and accumulates d root / d v into every value root depends
 * on, in reverse creation order (a topological order), without recursion and
 * without allocating. A value used twice gets both contributions. Grads of
 * values root does not depend on are untouched. */
MG_API mg_status mg_backward(mg_graph *g, mg_value root);
/* Runs v's local chain rule once: adds (d v / d operand) * v.grad into each
 * operand's grad. A leaf does nothing. The lesson steps backward with it. */
MG_API mg_status mg_backward_local(mg_graph *g, mg_value v);
/* Sets every grad in the graph to 0. */
MG_API void mg_zero_grad(mg_graph *g);
/* Recomputes the data of every op value from its operands, in creation order
 * (after mg_set_data on leaves, for example for finite differences). */
MG_API void mg_forward(mg_graph *g);
/* A step's forward pass again over values already made: recomputes the data of
 * every op value made after `from` from its operands, in creation order, and
 * sets the grad of every value made after `from` to 0. The same ops on the same
 * numbers as when they were made, so the same bits as building them anew (after
 * mg_set_data on leaves, new parameters for example). */
MG_API void mg_replay(mg_graph *g, mg_mark from);

/* The values root depends on (root included), in creation order: micrograd's
 * trace(). Writes up to cap handles to out (out may be NULL when cap is 0) and
 * returns how many there are, or 0 with a sticky error on a bad root. */
MG_API size_t mg_trace(mg_graph *g, mg_value root, mg_value *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
