/* Each op's forward formula and backward term, side by side: the one place
 * they are written. Internal to lib/: the engine inlines them into its hot
 * loops, lib/ops.c exports them as mg_op_forward / mg_op_chain. */
#ifndef MICROGRAD_OPS_FORMULAS_H
#define MICROGRAD_OPS_FORMULAS_H

#include <math.h>

#include <micrograd/ops.h>

/* The ops with two value operands (arity 2 in lib/ops.c's table; the unit
 * tests check the two agree). A mask, because the engine's sweeps ask it of
 * every value. */
#define OP_BINARY_MASK                                                        \
    ((1u << MG_OP_ADD) | (1u << MG_OP_SUB) | (1u << MG_OP_MUL) | (1u << MG_OP_DIV) | \
     (1u << MG_OP_POWV))

static inline int op_is_binary(unsigned op)
{
    return op < MG_OP_COUNT && ((1u << op) & OP_BINARY_MASK) != 0;
}

/* The result of op on a and b (b: the second operand, or POW's exponent). */
static inline double op_forward(mg_op op, double a, double b)
{
    switch (op) {
    case MG_OP_LEAF: return a;
    case MG_OP_ADD: return a + b;
    case MG_OP_SUB: return a - b;
    case MG_OP_MUL: return a * b;
    case MG_OP_DIV: return a / b;
    case MG_OP_NEG: return -a;
    case MG_OP_POW: return pow(a, b);
    case MG_OP_EXP: return exp(a);
    case MG_OP_LOG: return log(a);
    case MG_OP_TANH: return tanh(a); /* finite everywhere, unlike (e^2x-1)/(e^2x+1) */
    case MG_OP_RELU: return a < 0 ? 0.0 : a; /* micrograd's test: NaN stays NaN */
    case MG_OP_SIGMOID: return 1.0 / (1.0 + exp(-a));
    case MG_OP_POWV: return pow(a, b);
    case MG_OP_TANH_MICROGRAD: {
        /* The lecture's formula, its last bit included; where e^2a overflows
         * (a > 354, where micrograd gives NaN) the limit tanh gives. */
        double e = exp(2.0 * a);
        return isfinite(e) || isnan(e) ? (e - 1.0) / (e + 1.0) : tanh(a);
    }
    case MG_OP_COUNT: break;
    }
    return (double)NAN;
}

/* d out / d b of a ** b: out * ln(a) where a > 0; at a = 0 with b >= 0 the
 * limit 0 (a ** b is flat there in b: 0 for b > 0, 1 for b = 0); NaN for a < 0,
 * where ln(a) is not real, and for a = 0 with b < 0 (out is infinite). */
static inline double powv_exponent_grad(double a, double b, double out)
{
    if (a > 0)
        return out * log(a);
    if (a == 0 && b >= 0)
        return 0.0;
    return (double)NAN;
}

/* What backward adds to operand k (0 or 1) when the result out has grad g:
 * micrograd's `self.grad += local * out.grad`, term for term as micrograd
 * writes it (so sums agree with it to the last bit). */
static inline double op_chain(mg_op op, int k, double a, double b, double out, double g)
{
    switch (op) {
    case MG_OP_ADD: return g;
    case MG_OP_SUB: return k == 0 ? g : -g;
    case MG_OP_MUL: return (k == 0 ? b : a) * g;
    case MG_OP_DIV: return k == 0 ? g / b : -(out / b) * g;
    case MG_OP_NEG: return -g;
    case MG_OP_POW: return (b * pow(a, b - 1.0)) * g;
    case MG_OP_EXP: return out * g;
    case MG_OP_LOG: return g / a;
    case MG_OP_TANH:
    case MG_OP_TANH_MICROGRAD: return (1.0 - out * out) * g;
    case MG_OP_RELU: return (out > 0 ? 1.0 : 0.0) * g;
    case MG_OP_SIGMOID: return out * (1.0 - out) * g;
    case MG_OP_POWV:
        return k == 0 ? (b * pow(a, b - 1.0)) * g : powv_exponent_grad(a, b, out) * g;
    case MG_OP_LEAF:
    case MG_OP_COUNT: break;
    }
    return 0.0;
}

/* Which smooth piece of op's domain the operands a, b lie on: an op that is
 * differentiable wherever it is defined has one piece (0); relu has three,
 * -1, 0 and 1 for an input below, at and above its kink at 0. The gradient
 * check (lib/check.c) calls a step that changes an op's piece a kink. */
static inline int op_piece(mg_op op, double a, double b)
{
    (void)b;
    switch (op) {
    case MG_OP_RELU: return (a > 0) - (a < 0);
    case MG_OP_LEAF:
    case MG_OP_ADD:
    case MG_OP_SUB:
    case MG_OP_MUL:
    case MG_OP_DIV:
    case MG_OP_NEG:
    case MG_OP_POW:
    case MG_OP_EXP:
    case MG_OP_LOG:
    case MG_OP_TANH:
    case MG_OP_SIGMOID:
    case MG_OP_POWV:
    case MG_OP_TANH_MICROGRAD:
    case MG_OP_COUNT: break;
    }
    return 0;
}

#endif
