/* The op table: every op of the engine defined once — its name, symbol, arity,
 * forward formula, local derivative per operand and what a lesson's caption
 * says about it. The engine's backward, the parser's constant folding, the
 * captions, the pictures' edge labels and the Python module all call these
 * functions, so an op's arithmetic exists in exactly one place.
 *
 *     const mg_op_info *op = mg_op_info_of(MG_OP_MUL);      // "mul", "*", arity 2
 *     double out = mg_op_forward(MG_OP_MUL, 2.0, -3.0);     // -6
 *     double da = mg_op_local_grad(MG_OP_MUL, 0, 2.0, -3.0, out);  // d out/d a = -3
 *     double ga = mg_op_chain(MG_OP_MUL, 0, 2.0, -3.0, out, 0.5);  // what backward
 *                                                           // adds to a.grad: -1.5
 *
 * Adding an op: one X() line below, its two cases in lib/ops_formulas.h, its
 * tests and its docs (HACKING.md has the recipe).
 */
#ifndef MICROGRAD_OPS_H
#define MICROGRAD_OPS_H

#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ops. Each has one entry in lib/ops.c's table (name, symbol, arity, caption
 * rules) and its cases in lib/ops_formulas.h; -Wswitch-enum and a static_assert
 * catch an op added to one and not the others. */
typedef enum mg_op {
    MG_OP_LEAF,    /* a value no op made: an input, a constant, a parameter */
    MG_OP_ADD,     /* a + b */
    MG_OP_SUB,     /* a - b */
    MG_OP_MUL,     /* a * b */
    MG_OP_DIV,     /* a / b */
    MG_OP_NEG,     /* -a */
    MG_OP_POW,     /* a ** k, k a constant (micrograd's int/float exponent) */
    MG_OP_EXP,     /* exp(a) */
    MG_OP_LOG,     /* log(a), the natural logarithm */
    MG_OP_TANH,    /* tanh(a) */
    MG_OP_RELU,    /* relu(a) = max(a, 0) */
    MG_OP_SIGMOID, /* 1 / (1 + exp(-a)) */
    MG_OP_POWV,    /* a ** b, both values */
    MG_OP_TANH_MICROGRAD, /* tanh as the lecture's Value.tanh computes it: (e^2a - 1) / (e^2a + 1) */
    MG_OP_COUNT
} mg_op;

typedef struct mg_op_info {
    const char *name;    /* a word for messages and bindings: "add", "pow", "tanh" */
    const char *symbol;  /* as micrograd draws it: "+", "*", "**", "tanh"; "" for a leaf */
    int arity;           /* value operands: 0 leaf, 1 unary and POW, 2 binary and POWV */
    int commutative;     /* 1: the operands' order does not matter (+, *) */
    int infix;           /* 1: written between its operands (a + b, a ** 2); 0: f(a) */
    int has_exponent;    /* 1 for POW: its second number is a constant exponent */
    /* The caption's one-line explanation of the op's local derivative. */
    const char *explain;
    /* d out / d operand k as captions write it, with {a} for operand 0's data,
     * {b} for operand 1's (POW: the exponent), {b-1} for that number less one,
     * {out} for the result; NULL past the arity. */
    const char *rule[2];
} mg_op_info;

/* The op's entry, never NULL: an op out of range gets an entry named "?" with
 * symbol "?" and arity 0. Can't fail. */
MG_API const mg_op_info *mg_op_info_of(mg_op op);
/* The op's symbol (mg_op_info_of(op)->symbol) and arity, for short. */
MG_API const char *mg_op_symbol(mg_op op);
MG_API int mg_op_arity(mg_op op);

/* The op's result from operand a and b (the second operand, or POW's exponent;
 * unary ops ignore b): exactly what the engine computes. A leaf returns a; an
 * op out of range NaN. */
MG_API double mg_op_forward(mg_op op, double a, double b);
/* The local derivative d out / d operand k (0 <= k < arity) from the operands
 * (as mg_op_forward) and the result out; NaN for k out of range. */
MG_API double mg_op_local_grad(mg_op op, int k, double a, double b, double out);
/* What backward adds to operand k's grad when the result's grad is grad: the
 * local derivative times grad, computed exactly as the engine does (for / the
 * first operand gets grad / b, as micrograd's formula reads). 0 for k out of
 * range. */
MG_API double mg_op_chain(mg_op op, int k, double a, double b, double out, double grad);

#ifdef __cplusplus
}
#endif

#endif
