/* The engine: an arena of 32-byte values in creation (= topological) order,
 * each op's forward and backward side by side, and a backward that is one
 * reverse sweep over the arena with no sort, no hash and no allocation. */
#include <micrograd/engine.h>

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_formulas.h"

/* Hints for the hot paths: errors and growth are rare, keep them out of line. */
#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define COLD __attribute__((noinline, cold))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define COLD
#endif

/* ---- storage ------------------------------------------------------------- */

/* The hot record: everything forward and backward touch, nothing else. */
typedef struct mg_node {
    double data;
    double grad;
    uint32_t a, b;  /* operand indices; for POW, b indexes g->exponents */
    uint8_t op;     /* mg_op */
    uint8_t role;   /* mg_role */
    uint8_t seen;   /* mg_backward/mg_trace: reached from the root when the sweep's mark */
    uint8_t grouped; /* 1: groups[index] holds the value's group */
    uint32_t label; /* 1 + pool offset of the label (see pool_put), 0 when none */
} mg_node;

static_assert(sizeof(mg_node) == 32, "a value is 32 bytes");
static_assert(MG_OP_COUNT <= UINT8_MAX, "ops fit the op byte");

#define NO_OPERAND UINT32_MAX
#define MAX_VALUES (UINT32_MAX - 1u)
/* Labels and groups live in chunks that never move, so a pointer mg_label()
 * returned stays valid while more labels are added. Chunk k holds
 * POOL_FIRST << k bytes at pool offsets [pool_start(k), pool_start(k + 1));
 * an entry never straddles two chunks. 24 chunks keep every offset, plus one,
 * within the uint32 of a node's label. */
#define POOL_FIRST ((size_t)256)
#define POOL_CHUNKS 24

struct mg_graph {
    /* What every op reads, on one cache line: the records, their count and
     * room, and the tag its handles carry. */
    mg_node *nodes;
    uint32_t count, capacity;
    uint32_t tag;
    uint32_t *groups;   /* per value, like label, where grouped; NULL until the first */
    double *exponents;  /* pow exponents, indexed by mg_node.b */
    uint32_t exponent_count, exponent_capacity;
    char *chunks[POOL_CHUNKS]; /* labels and groups: [uint32 length][bytes][NUL] */
    size_t pool_len;    /* offsets in use: the next entry goes here or later */
    size_t pool_bytes;  /* bytes of the chunks allocated */
    uint32_t last_group; /* the most recent group entry, reused when equal */
    uint32_t resets;    /* resets so far: tells one reset from the next */
    uint8_t sweep;      /* the last sweep's mark (see new_sweep) */
    /* A root whose backward found every op value before it reached (as a
     * loss's are): index + 1, 0 when none; good while resets is dense_resets. */
    uint32_t dense_root, dense_resets;
    mg_mark undo_from, undo_end; /* the last reset: from undo_end back to undo_from */
    mg_status status;
    char message[256];
};

static mg_status pool_put(mg_graph *g, const char *bytes, size_t len, const char *call,
                          uint32_t *entry);

/* Records the first error only: later ones are consequences of it. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(mg_graph *g, mg_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(mg_graph *g, mg_status status, const char *fmt, ...)
{
    if (g->status != MG_OK)
        return;
    g->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
}

mg_graph *mg_graph_new(void)
{
    mg_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    /* The tag tells this graph's handles from another's; never 0 (MG_NONE). */
    uintptr_t p = (uintptr_t)g;
    g->tag = (uint32_t)((p >> 4) ^ (p >> 32)) * 2654435761u | 1u;
    return g;
}

void mg_graph_free(mg_graph *g)
{
    if (!g)
        return;
    free(g->nodes);
    free(g->groups);
    free(g->exponents);
    for (int k = 0; k < POOL_CHUNKS; k++)
        free(g->chunks[k]);
    free(g);
}

size_t mg_graph_size(const mg_graph *g) { return g ? g->count : 0; }

size_t mg_graph_bytes(const mg_graph *g)
{
    if (!g)
        return 0;
    return sizeof *g + (size_t)g->capacity * sizeof *g->nodes +
           (g->groups ? (size_t)g->capacity * sizeof *g->groups : 0) +
           (size_t)g->exponent_capacity * sizeof *g->exponents + g->pool_bytes;
}

size_t mg_graph_value_bytes(void)
{
    return sizeof(mg_node) + sizeof(uint32_t);
}

mg_status mg_graph_status(const mg_graph *g) { return g ? g->status : MG_ERR_INVALID; }

const char *mg_graph_error(const mg_graph *g)
{
    if (!g)
        return "no graph";
    return g->status == MG_OK ? "" : g->message;
}

void mg_graph_clear_error(mg_graph *g)
{
    if (!g)
        return;
    g->status = MG_OK;
    g->message[0] = '\0';
}

void mg_graph_set_error(mg_graph *g, mg_status status, const char *message)
{
    if (!g || status == MG_OK)
        return;
    fail(g, status, "%s", message ? message : mg_status_str(status));
}

/* Grows an array to hold at least `need` items of `size` bytes, doubling. */
static int grow(void **items, uint32_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return 1;
    size_t cap = *capacity ? *capacity : 64;
    while (cap < need)
        cap *= 2;
    if (cap > MAX_VALUES)
        cap = MAX_VALUES;
    void *p = realloc(*items, cap * size);
    if (!p)
        return 0;
    *items = p;
    *capacity = (uint32_t)cap;
    return 1;
}

/* Grows the value storage (and the group table, once there is one) to hold at
 * least n values. Internal calls come here, not through the exported symbol. */
static mg_status reserve(mg_graph *g, size_t n)
{
    if (n > MAX_VALUES)
        return MG_ERR_LIMIT;
    uint32_t old = g->capacity;
    if (!grow((void **)&g->nodes, &g->capacity, n, sizeof *g->nodes))
        return MG_ERR_NOMEM;
    if (g->groups && g->capacity > old) {
        uint32_t *p = realloc(g->groups, (size_t)g->capacity * sizeof *p);
        if (!p) {
            g->capacity = old; /* nodes may stay larger; capacity is the min */
            return MG_ERR_NOMEM;
        }
        g->groups = p;
    }
    return MG_OK;
}

mg_status mg_graph_reserve(mg_graph *g, size_t n)
{
    if (!g)
        return MG_ERR_INVALID;
    mg_status s = reserve(g, n);
    if (s == MG_ERR_LIMIT)
        fail(g, s, "mg_graph_reserve: a graph holds at most %u values", (unsigned)MAX_VALUES);
    else if (s != MG_OK)
        fail(g, s, "mg_graph_reserve: out of memory for %zu values", n);
    return s;
}

mg_mark mg_graph_mark(const mg_graph *g)
{
    mg_mark m = {0, 0, 0, 0};
    if (g) {
        m.values = g->count;
        m.exponents = g->exponent_count;
        m.label_bytes = g->pool_len;
        m.resets = g->resets;
    }
    return m;
}

static int same_place(mg_mark a, mg_mark b)
{
    return a.values == b.values && a.exponents == b.exponents && a.label_bytes == b.label_bytes;
}

void mg_graph_reset(mg_graph *g, mg_mark m)
{
    if (!g)
        return;
    if (m.values > g->count || m.exponents > g->exponent_count || m.label_bytes > g->pool_len) {
        fail(g, MG_ERR_INVALID, "mg_graph_reset: the mark is past the graph's end");
        return;
    }
    g->undo_end = mg_graph_mark(g);
    g->undo_from = m;
    g->resets++;
    g->count = m.values;
    g->exponent_count = m.exponents;
    g->pool_len = m.label_bytes;
    if (g->last_group > g->pool_len)
        g->last_group = 0;
    /* A kept value labelled or grouped after the mark points into the dropped
     * part of the pool, which the next labels overwrite (a stale length read
     * there runs off the pool): it loses that label or group instead. */
    for (uint32_t i = 0; i < g->count; i++) {
        if (g->nodes[i].label > g->pool_len)
            g->nodes[i].label = 0;
        if (g->nodes[i].grouped && g->groups[i] > g->pool_len)
            g->nodes[i].grouped = 0;
    }
}

int mg_graph_unreset(mg_graph *g, mg_mark end)
{
    /* One reset since `end` was taken, that one dropped exactly [from, end),
     * and nothing was made or labelled since: the dropped records, exponents
     * and label bytes are still there, untouched. */
    if (!g || end.resets + 1 != g->resets || !same_place(end, g->undo_end) ||
        !same_place(mg_graph_mark(g), g->undo_from))
        return 0;
    g->count = end.values;
    g->exponent_count = end.exponents;
    g->pool_len = end.label_bytes;
    if (g->dense_resets == end.resets) /* what held at end holds again */
        g->dense_resets = g->resets;
    return 1;
}

/* ---- handles ------------------------------------------------------------- */

/* (The word form below: a handle built field by field came out through
 * vector registers, on the hot path of every leaf.) */
static inline uint64_t handle_word(mg_value v);
static inline mg_value word_handle(uint64_t w);

static mg_value handle(const mg_graph *g, uint32_t index)
{
    return word_handle((uint64_t)g->tag << 32 | index);
}

/* A handle as one 64-bit word, index in the low half, tag in the high half
 * (how it travels in a register): the ops' fast paths test and make handles
 * with word arithmetic. */
static inline uint64_t handle_word(mg_value v)
{
    return (uint64_t)v.tag << 32 | v.index;
}

static inline mg_value word_handle(uint64_t w)
{
    return (mg_value){(uint32_t)w, (uint32_t)(w >> 32)};
}

static int valid(const mg_graph *g, mg_value v)
{
    return g && v.tag == g->tag && v.index < g->count;
}

/* Records why v is not a value of g (g not NULL). call is NULL for an op's
 * operand; a setter names itself and gets MG_ERR_FOREIGN for every bad handle,
 * MG_NONE included, as it always has. Returns the status recorded. */
static COLD mg_status bad_handle(mg_graph *g, mg_value v, const char *call)
{
    const char *name = call ? call : "", *colon = call ? ": " : "";
    if (!mg_value_ok(v)) {
        if (!call) {
            fail(g, MG_ERR_INVALID, "an operand is MG_NONE (the result of an earlier error)");
            return MG_ERR_INVALID;
        }
        fail(g, MG_ERR_FOREIGN, "%s: the value is MG_NONE (the result of an earlier error)", call);
    } else if (v.tag != g->tag) {
        fail(g, MG_ERR_FOREIGN, "%s%svalue %u belongs to another graph", name, colon, v.index);
    } else {
        fail(g, MG_ERR_FOREIGN, "%s%svalue %u no longer exists (dropped by a reset)", name, colon,
             v.index);
    }
    return MG_ERR_FOREIGN;
}

/* Checks an operand handle, recording why it is unusable. */
static int usable(mg_graph *g, mg_value v)
{
    if (LIKELY(valid(g, v)))
        return 1;
    bad_handle(g, v, NULL);
    return 0;
}

/* ---- ops: the formulas are ops_formulas.h's ------------------------------ */

/* The second number of v's formula: operand b's data, or POW's exponent. */
static inline double second(const mg_graph *g, const mg_node *v)
{
    if (v->op == MG_OP_POW)
        return g->exponents[v->b];
    return op_is_binary(v->op) ? g->nodes[v->b].data : 0.0;
}

/* backward_one's rarer ops, through the op table's formulas; *, + and relu
 * never come here. */
static void backward_other(const mg_graph *g, mg_node *n, const mg_node *v, uint8_t mark)
{
    const double a = n[v->a].data, b = second(g, v);
    n[v->a].grad += op_chain((mg_op)v->op, 0, a, b, v->data, v->grad);
    n[v->a].seen = mark;
    if (op_is_binary(v->op)) {
        n[v->b].grad += op_chain((mg_op)v->op, 1, a, b, v->data, v->grad);
        n[v->b].seen = mark;
    }
}

/* Adds v's contribution to its operands' grads: d v / d operand * v.grad.
 * With flag, marks the operands as reached (their `seen` byte set to the
 * sweep's mark); without, mark is 0 and the rare ops' path stores that, which
 * no sweep takes for its own.
 * *, + and relu first, by compare and branch: nearly every value of a network
 * is one of them, and the switch's indirect jump costs more than three tests. */
static inline void backward_one(const mg_graph *g, mg_node *n, const mg_node *v, uint8_t mark,
                                int flag)
{
    const double grad = v->grad;
    if (v->op == MG_OP_MUL) {
        mg_node *a = &n[v->a], *b = &n[v->b];
        a->grad += b->data * grad; /* op_chain's MUL and ADD, inlined by hand */
        b->grad += a->data * grad;
        if (flag)
            a->seen = b->seen = mark;
    } else if (v->op == MG_OP_ADD) {
        mg_node *a = &n[v->a], *b = &n[v->b];
        a->grad += grad;
        b->grad += grad;
        if (flag)
            a->seen = b->seen = mark;
    } else if (v->op == MG_OP_RELU) {
        mg_node *a = &n[v->a];
        a->grad += op_chain(MG_OP_RELU, 0, a->data, 0.0, v->data, grad);
        if (flag)
            a->seen = mark;
    } else if (v->op != MG_OP_LEAF) {
        backward_other(g, n, v, mark);
    }
}

/* append's slow path: the arena is full. Returns 1 once there is room, or 0
 * with a sticky error. */
static COLD int append_grow(mg_graph *g)
{
    if (g->count >= MAX_VALUES) {
        fail(g, MG_ERR_LIMIT, "a graph holds at most %u values", (unsigned)MAX_VALUES);
        return 0;
    }
    mg_status s = reserve(g, (size_t)g->count + 1);
    if (s != MG_OK) {
        fail(g, s, "cannot grow the graph past %u values", g->count);
        return 0;
    }
    return 1;
}

/* Room for one more value: 1, or 0 with a sticky error. */
static inline int room(mg_graph *g)
{
    if (LIKELY(g->count < g->capacity))
        return 1;
    return append_grow(g);
}

/* Appends a value where room() made space; returns its index. Inlined into
 * every op: one record written, nothing else. */
static inline uint32_t push(mg_graph *g, mg_op op, uint32_t a, uint32_t b, double data,
                            mg_role role)
{
    uint32_t i = g->count++;
    mg_node *v = &g->nodes[i];
    v->data = data;
    v->grad = 0.0;
    v->a = a;
    v->b = b;
    v->op = (uint8_t)op;
    v->role = (uint8_t)role;
    v->seen = 0;
    v->grouped = 0; /* so push never touches the group table */
    v->label = 0;
    return i;
}

/* unary's rare cases: a bad handle, a full arena. */
static COLD mg_value unary_slow(mg_graph *g, mg_op op, mg_value a)
{
    if (!usable(g, a) || !room(g))
        return MG_NONE;
    double x = op_forward(op, g->nodes[a.index].data, 0.0);
    return handle(g, push(g, op, a.index, NO_OPERAND, x, MG_ROLE_RESULT));
}

/* The ops' fast paths test everything in one branch and hand the rare cases
 * whole to a cold function, as a tail call: the fast path then needs no
 * stack frame and keeps nothing across a call. */
static inline mg_value unary(mg_graph *g, mg_op op, mg_value a)
{
    if (UNLIKELY(!g))
        return MG_NONE;
    const uint64_t base = (uint64_t)g->tag << 32, ia = handle_word(a) - base;
    const uint32_t n = g->count;
    if (UNLIKELY((ia >= n) | (n >= g->capacity)))
        return unary_slow(g, op, a);
    double x = op_forward(op, g->nodes[ia].data, 0.0);
    return word_handle(base | push(g, op, (uint32_t)ia, NO_OPERAND, x, MG_ROLE_RESULT));
}

/* binary's rare cases: records why a or b is unusable (the first bad one, as
 * usable() does), or grows a full arena and makes the value. */
static COLD mg_value binary_slow(mg_graph *g, mg_op op, mg_value a, mg_value b)
{
    if (!usable(g, a) || !usable(g, b) || !room(g))
        return MG_NONE;
    double x = op_forward(op, g->nodes[a.index].data, g->nodes[b.index].data);
    return handle(g, push(g, op, a.index, b.index, x, MG_ROLE_RESULT));
}

static inline mg_value binary(mg_graph *g, mg_op op, mg_value a, mg_value b)
{
    if (UNLIKELY(!g))
        return MG_NONE;
    /* A handle minus the graph's tag in the high half is its index when the
     * tag is the graph's, and at least 2^32 when not: so one comparison with
     * the count checks tag and index at once, and the larger of the two
     * operands' answers both (MG_NONE fails too: count < MAX_VALUES). With
     * the room, one branch on the hot path. */
    const uint64_t base = (uint64_t)g->tag << 32;
    const uint64_t ia = handle_word(a) - base, ib = handle_word(b) - base;
    const uint32_t n = g->count;
    if (UNLIKELY(((ia > ib ? ia : ib) >= n) | (n >= g->capacity)))
        return binary_slow(g, op, a, b);
    double x = op_forward(op, g->nodes[ia].data, g->nodes[ib].data);
    return word_handle(base | push(g, op, (uint32_t)ia, (uint32_t)ib, x, MG_ROLE_RESULT));
}

mg_value mg_unary(mg_graph *g, mg_op op, mg_value a)
{
    if (!g)
        return MG_NONE;
    if ((unsigned)op >= MG_OP_COUNT || mg_op_arity(op) != 1 || op == MG_OP_POW) {
        fail(g, MG_ERR_INVALID, "mg_unary: '%s' is not a one-operand op", mg_op_symbol(op));
        return MG_NONE;
    }
    return unary(g, op, a);
}

mg_value mg_binary(mg_graph *g, mg_op op, mg_value a, mg_value b)
{
    if (!g)
        return MG_NONE;
    if (!op_is_binary(op)) {
        fail(g, MG_ERR_INVALID, "mg_binary: '%s' is not a two-operand op", mg_op_symbol(op));
        return MG_NONE;
    }
    return binary(g, op, a, b);
}

/* leaf's rare cases: a bad role, a full arena. */
static COLD mg_value leaf_slow(mg_graph *g, double data, mg_role role)
{
    if ((unsigned)role > MG_ROLE_PARAM) {
        fail(g, MG_ERR_INVALID, "a leaf's role must be INPUT, CONST or PARAM");
        return MG_NONE;
    }
    if (!room(g))
        return MG_NONE;
    return handle(g, push(g, MG_OP_LEAF, NO_OPERAND, NO_OPERAND, data, role));
}

/* A leaf; internal calls come here, not through the exported symbol. */
static inline mg_value leaf(mg_graph *g, double data, mg_role role)
{
    if (UNLIKELY(!g))
        return MG_NONE;
    if (UNLIKELY(((unsigned)role > MG_ROLE_PARAM) | (g->count >= g->capacity)))
        return leaf_slow(g, data, role);
    return handle(g, push(g, MG_OP_LEAF, NO_OPERAND, NO_OPERAND, data, role));
}

mg_value mg_leaf_role(mg_graph *g, double data, mg_role role) { return leaf(g, data, role); }

/* mg_leaf with a label, out of line: the unlabelled leaf, nearly every one
 * a program makes, then needs no stack frame. */
static COLD mg_value leaf_labelled(mg_graph *g, double data, const char *label)
{
    mg_value v = leaf(g, data, MG_ROLE_INPUT);
    if (!mg_value_ok(v))
        return v;
    uint32_t entry;
    if (pool_put(g, label, strlen(label), "mg_leaf", &entry) != MG_OK) {
        g->count--; /* no leaf without its label: the newest value goes again */
        return MG_NONE;
    }
    g->nodes[v.index].label = entry;
    return v;
}

mg_value mg_leaf(mg_graph *g, double data, const char *label)
{
    if (LIKELY(!label))
        return leaf(g, data, MG_ROLE_INPUT);
    return leaf_labelled(g, data, label);
}

mg_value mg_add(mg_graph *g, mg_value a, mg_value b) { return binary(g, MG_OP_ADD, a, b); }
mg_value mg_sub(mg_graph *g, mg_value a, mg_value b) { return binary(g, MG_OP_SUB, a, b); }
mg_value mg_mul(mg_graph *g, mg_value a, mg_value b) { return binary(g, MG_OP_MUL, a, b); }
mg_value mg_div(mg_graph *g, mg_value a, mg_value b) { return binary(g, MG_OP_DIV, a, b); }
mg_value mg_neg(mg_graph *g, mg_value a) { return unary(g, MG_OP_NEG, a); }
mg_value mg_exp(mg_graph *g, mg_value a) { return unary(g, MG_OP_EXP, a); }
mg_value mg_log(mg_graph *g, mg_value a) { return unary(g, MG_OP_LOG, a); }
mg_value mg_tanh(mg_graph *g, mg_value a) { return unary(g, MG_OP_TANH, a); }
mg_value mg_relu(mg_graph *g, mg_value a) { return unary(g, MG_OP_RELU, a); }
mg_value mg_sigmoid(mg_graph *g, mg_value a) { return unary(g, MG_OP_SIGMOID, a); }
mg_value mg_pow_value(mg_graph *g, mg_value a, mg_value b) { return binary(g, MG_OP_POWV, a, b); }

mg_value mg_pow(mg_graph *g, mg_value a, double k)
{
    if (!g || !usable(g, a))
        return MG_NONE;
    if (!grow((void **)&g->exponents, &g->exponent_capacity, (size_t)g->exponent_count + 1,
              sizeof *g->exponents)) {
        fail(g, MG_ERR_NOMEM, "cannot store a pow exponent");
        return MG_NONE;
    }
    if (!room(g))
        return MG_NONE;
    double x = op_forward(MG_OP_POW, g->nodes[a.index].data, k);
    uint32_t i = push(g, MG_OP_POW, a.index, g->exponent_count, x, MG_ROLE_RESULT);
    g->exponents[g->exponent_count++] = k;
    return handle(g, i);
}

/* Mixed forms: the double becomes a CONST leaf on its own side. */
#define MIXED(name, op)                                                       \
    mg_value name##_vd(mg_graph *g, mg_value a, double b)                     \
    {                                                                         \
        return binary(g, op, a, leaf(g, b, MG_ROLE_CONST));                   \
    }                                                                         \
    mg_value name##_dv(mg_graph *g, double a, mg_value b)                     \
    {                                                                         \
        return binary(g, op, leaf(g, a, MG_ROLE_CONST), b);                   \
    }
MIXED(mg_add, MG_OP_ADD)
MIXED(mg_sub, MG_OP_SUB)
MIXED(mg_mul, MG_OP_MUL)
MIXED(mg_div, MG_OP_DIV)
#undef MIXED

/* ---- reading and writing values ------------------------------------------ */

double mg_data(const mg_graph *g, mg_value v) { return valid(g, v) ? g->nodes[v.index].data : (double)NAN; }
double mg_grad(const mg_graph *g, mg_value v) { return valid(g, v) ? g->nodes[v.index].grad : (double)NAN; }

mg_status mg_set_data(mg_graph *g, mg_value v, double data)
{
    if (UNLIKELY(!valid(g, v)))
        return g ? bad_handle(g, v, "mg_set_data") : MG_ERR_FOREIGN;
    g->nodes[v.index].data = data;
    return MG_OK;
}

mg_status mg_set_grad(mg_graph *g, mg_value v, double grad)
{
    if (UNLIKELY(!valid(g, v)))
        return g ? bad_handle(g, v, "mg_set_grad") : MG_ERR_FOREIGN;
    g->nodes[v.index].grad = grad;
    return MG_OK;
}

mg_op mg_value_op(const mg_graph *g, mg_value v)
{
    return valid(g, v) ? (mg_op)g->nodes[v.index].op : MG_OP_LEAF;
}

mg_role mg_value_role(const mg_graph *g, mg_value v)
{
    return valid(g, v) ? (mg_role)g->nodes[v.index].role : MG_ROLE_INPUT;
}

mg_status mg_set_role(mg_graph *g, mg_value v, mg_role role)
{
    if (!valid(g, v))
        return g ? bad_handle(g, v, "mg_set_role") : MG_ERR_FOREIGN;
    mg_node *n = &g->nodes[v.index];
    /* An op value is always a RESULT; a leaf can't claim to be one. */
    if ((unsigned)role > MG_ROLE_RESULT) {
        fail(g, MG_ERR_INVALID, "mg_set_role: %d is not a role", (int)role);
        return MG_ERR_INVALID;
    }
    if ((role == MG_ROLE_RESULT) != (n->op != MG_OP_LEAF)) {
        fail(g, MG_ERR_INVALID, "mg_set_role: %s", role == MG_ROLE_RESULT
                 ? "a leaf cannot be a RESULT" : "a value made by an op is always a RESULT");
        return MG_ERR_INVALID;
    }
    n->role = (uint8_t)role;
    return MG_OK;
}

mg_value mg_operand(const mg_graph *g, mg_value v, int i)
{
    if (!valid(g, v) || i < 0 || i >= mg_op_arity((mg_op)g->nodes[v.index].op))
        return MG_NONE;
    const mg_node *n = &g->nodes[v.index];
    return handle(g, i == 0 ? n->a : n->b);
}

double mg_pow_exponent(const mg_graph *g, mg_value v)
{
    if (!valid(g, v) || g->nodes[v.index].op != MG_OP_POW)
        return (double)NAN;
    return g->exponents[g->nodes[v.index].b];
}

double mg_value_local_grad(const mg_graph *g, mg_value v, int k)
{
    if (!valid(g, v))
        return (double)NAN;
    const mg_node *n = &g->nodes[v.index];
    if (k < 0 || k >= mg_op_arity((mg_op)n->op))
        return (double)NAN;
    return mg_op_local_grad((mg_op)n->op, k, g->nodes[n->a].data, second(g, n), n->data);
}

double mg_value_chain(const mg_graph *g, mg_value v, int k)
{
    if (!valid(g, v))
        return 0.0;
    const mg_node *n = &g->nodes[v.index];
    if (k < 0 || k >= mg_op_arity((mg_op)n->op))
        return 0.0;
    return op_chain((mg_op)n->op, k, g->nodes[n->a].data, second(g, n), n->data, n->grad);
}

mg_value mg_value_at(const mg_graph *g, size_t index)
{
    return g && index < g->count ? handle(g, (uint32_t)index) : MG_NONE;
}

/* ---- labels and groups: a pool of chunks that never move ----------------- */

/* The first pool offset of chunk k. */
static size_t pool_start(unsigned k) { return POOL_FIRST * (((size_t)1 << k) - 1); }

/* The chunk holding pool offset `at` (at < pool_start(POOL_CHUNKS)): the
 * floor of log2(at / POOL_FIRST + 1). */
static unsigned pool_chunk(size_t at)
{
    unsigned long long x = at / POOL_FIRST + 1;
#if defined(__GNUC__)
    return 63u - (unsigned)__builtin_clzll(x);
#else
    unsigned k = 0;
    while (x >>= 1)
        k++;
    return k;
#endif
}

/* Copies bytes into the pool and sets *entry to 1 + their offset. Returns
 * MG_OK, or MG_ERR_LIMIT / MG_ERR_NOMEM recorded in the graph (call names the
 * caller in the message). bytes may point into the pool: the chunks never
 * move, so the source stays where it is while it is copied. */
static mg_status pool_put(mg_graph *g, const char *bytes, size_t len, const char *call,
                          uint32_t *entry)
{
    const size_t end = pool_start(POOL_CHUNKS);
    size_t at = g->pool_len, size = sizeof(uint32_t) + len + 1;
    int fits = len < end - sizeof(uint32_t) - 1 && at < end;
    unsigned k = fits ? pool_chunk(at) : POOL_CHUNKS;
    while (k < POOL_CHUNKS && at + size > pool_start(k + 1))
        at = pool_start(++k); /* the rest of chunk k is too small: skip it */
    if (k >= POOL_CHUNKS) {
        fail(g, MG_ERR_LIMIT, "%s: the graph's labels and groups would exceed %zu bytes", call,
             end);
        return MG_ERR_LIMIT;
    }
    if (!g->chunks[k]) {
        g->chunks[k] = malloc(POOL_FIRST << k);
        if (!g->chunks[k]) {
            fail(g, MG_ERR_NOMEM, "%s: out of memory for %zu bytes of labels", call,
                 POOL_FIRST << k);
            return MG_ERR_NOMEM;
        }
        g->pool_bytes += POOL_FIRST << k;
    }
    char *p = g->chunks[k] + (at - pool_start(k));
    uint32_t len32 = (uint32_t)len;
    memcpy(p, &len32, sizeof len32);
    if (len)
        memcpy(p + sizeof len32, bytes, len);
    p[sizeof len32 + len] = '\0';
    g->pool_len = at + size;
    *entry = (uint32_t)at + 1;
    return MG_OK;
}

static const char *pool_get(const mg_graph *g, uint32_t entry, size_t *len)
{
    size_t at = (size_t)entry - 1;
    unsigned k = pool_chunk(at);
    const char *p = g->chunks[k] + (at - pool_start(k));
    uint32_t len32;
    memcpy(&len32, p, sizeof len32);
    if (len)
        *len = len32;
    return p + sizeof len32;
}

static mg_status set_label(mg_graph *g, mg_value v, const char *bytes, size_t len,
                           const char *call)
{
    if (!valid(g, v))
        return g ? bad_handle(g, v, call) : MG_ERR_FOREIGN;
    if (!bytes && len) {
        fail(g, MG_ERR_INVALID, "%s: no bytes for a label of %zu bytes", call, len);
        return MG_ERR_INVALID;
    }
    uint32_t entry = 0;
    mg_status s = bytes ? pool_put(g, bytes, len, call, &entry) : MG_OK;
    if (s != MG_OK)
        return s;
    g->nodes[v.index].label = entry;
    return MG_OK;
}

mg_status mg_set_label_n(mg_graph *g, mg_value v, const char *bytes, size_t len)
{
    return set_label(g, v, bytes, len, "mg_set_label_n");
}

mg_status mg_set_label(mg_graph *g, mg_value v, const char *label)
{
    return set_label(g, v, label, label ? strlen(label) : 0, "mg_set_label");
}

const char *mg_label(const mg_graph *g, mg_value v, size_t *len)
{
    if (len)
        *len = 0;
    if (!valid(g, v) || !g->nodes[v.index].label)
        return NULL;
    return pool_get(g, g->nodes[v.index].label, len);
}

mg_status mg_set_group(mg_graph *g, mg_value v, const char *group)
{
    if (!valid(g, v))
        return g ? bad_handle(g, v, "mg_set_group") : MG_ERR_FOREIGN;
    if (!group) {
        g->nodes[v.index].grouped = 0;
        return MG_OK;
    }
    if (!g->groups) {
        g->groups = calloc(g->capacity, sizeof *g->groups);
        if (!g->groups) {
            fail(g, MG_ERR_NOMEM, "mg_set_group: out of memory for the group table");
            return MG_ERR_NOMEM;
        }
    }
    /* Values of one neuron share a group: reuse the last entry when equal. */
    size_t len = strlen(group);
    size_t last_len = 0;
    if (g->last_group && g->last_group <= g->pool_len &&
        strcmp(pool_get(g, g->last_group, &last_len), group) == 0 && last_len == len) {
        g->groups[v.index] = g->last_group;
        g->nodes[v.index].grouped = 1;
        return MG_OK;
    }
    uint32_t entry;
    mg_status s = pool_put(g, group, len, "mg_set_group", &entry);
    if (s != MG_OK)
        return s;
    g->groups[v.index] = g->last_group = entry;
    g->nodes[v.index].grouped = 1;
    return MG_OK;
}

const char *mg_group(const mg_graph *g, mg_value v)
{
    if (!valid(g, v) || !g->nodes[v.index].grouped)
        return NULL;
    return pool_get(g, g->groups[v.index], NULL);
}

/* ---- autograd ------------------------------------------------------------ */

/* A mark for a sweep that flags what a root reaches: a `seen` byte equal to
 * it means reached in this sweep, whatever earlier sweeps left, so no sweep
 * clears its flags (a store a value saved). When the 255 marks come round
 * again, every record that can be a value again (up to what mg_graph_unreset
 * may bring back) is cleared first; push() starts each record at 0, which is
 * never a mark. */
static uint8_t new_sweep(mg_graph *g)
{
    if (++g->sweep == 0) {
        size_t end = g->undo_end.values > g->count ? g->undo_end.values : g->count;
        for (size_t i = 0; i < end; i++)
            g->nodes[i].seen = 0;
        g->sweep = 1;
    }
    return g->sweep;
}

mg_status mg_backward(mg_graph *g, mg_value root)
{
    if (!g)
        return MG_ERR_INVALID;
    if (!valid(g, root))
        return bad_handle(g, root, NULL);
    mg_node *n = g->nodes;
    n[root.index].grad = 1.0;
    /* Operands precede results, so one reverse sweep is a topological order. */
    if (g->dense_root == root.index + 1 && g->dense_resets == g->resets) {
        /* Every op value up to root is reached, as the last sweep from root
         * found, and the records are the same: no flags to set or test. */
        for (uint32_t i = root.index + 1; i-- > 0;)
            backward_one(g, n, &n[i], 0, 0);
        return MG_OK;
    }
    /* The mark limits the sweep to what root depends on. */
    const uint8_t mark = new_sweep(g);
    n[root.index].seen = mark;
    uint32_t missed = 0; /* op values root does not reach */
    for (uint32_t i = root.index + 1; i-- > 0;) {
        const mg_node *v = &n[i];
        if (v->seen == mark)
            backward_one(g, n, v, mark, 1);
        else
            missed += v->op != MG_OP_LEAF;
    }
    if (missed == 0) {
        g->dense_root = root.index + 1;
        g->dense_resets = g->resets;
    }
    return MG_OK;
}

mg_status mg_backward_local(mg_graph *g, mg_value v)
{
    if (!g)
        return MG_ERR_INVALID;
    if (!valid(g, v))
        return bad_handle(g, v, NULL);
    mg_node *n = g->nodes;
    backward_one(g, n, &n[v.index], 0, 0);
    return MG_OK;
}

void mg_zero_grad(mg_graph *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->count; i++)
        g->nodes[i].grad = 0.0;
}

/* Recomputes values [from, count) and, when zero_grads, clears their grads.
 * + and * first, each its own test: they are nearly every value of a neuron. */
static void forward_from(mg_graph *g, uint32_t from, int zero_grads)
{
    mg_node *n = g->nodes;
    const uint32_t end = g->count;
    for (uint32_t i = from; i < end; i++) {
        mg_node *v = &n[i];
        const uint8_t op = v->op;
        if (zero_grads)
            v->grad = 0.0;
        if (op == MG_OP_ADD)
            v->data = op_forward(MG_OP_ADD, n[v->a].data, n[v->b].data);
        else if (op == MG_OP_MUL)
            v->data = op_forward(MG_OP_MUL, n[v->a].data, n[v->b].data);
        else if (op != MG_OP_LEAF)
            v->data = op_forward((mg_op)op, n[v->a].data, second(g, v));
    }
}

void mg_forward(mg_graph *g)
{
    if (g)
        forward_from(g, 0, 0);
}

void mg_replay(mg_graph *g, mg_mark from)
{
    if (g && from.values <= g->count)
        forward_from(g, from.values, 1);
}

size_t mg_trace(mg_graph *g, mg_value root, mg_value *out, size_t cap)
{
    if (!g || !usable(g, root))
        return 0;
    mg_node *n = g->nodes;
    const uint8_t mark = new_sweep(g);
    /* Mark what root reaches, sweeping down; then collect upwards in order. */
    n[root.index].seen = mark;
    for (uint32_t i = root.index + 1; i-- > 0;) {
        const mg_node *v = &n[i];
        if (v->seen != mark || v->op == MG_OP_LEAF)
            continue;
        n[v->a].seen = mark;
        if (op_is_binary(v->op))
            n[v->b].seen = mark;
    }
    size_t found = 0;
    for (uint32_t i = 0; i <= root.index; i++) {
        if (n[i].seen != mark)
            continue;
        if (found < cap)
            out[found] = handle(g, i);
        found++;
    }
    return found;
}
