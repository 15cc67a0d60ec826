/* The op table (see micrograd/ops.h): one entry per op with its name, symbol,
 * arity and what captions say; the formulas live in ops_formulas.h, shared
 * with the engine's hot loops. */
#include <micrograd/ops.h>

#include <assert.h>
#include <math.h>
#include <stddef.h>

#include "ops_formulas.h"

static const mg_op_info table[] = {
    [MG_OP_LEAF] = {"leaf", "", 0, 0, 0, 0, "a leaf has no operands", {NULL, NULL}},
    [MG_OP_ADD] = {"add", "+", 2, 1, 1, 0, "'+' routes the gradient unchanged", {"1", "1"}},
    [MG_OP_SUB] = {"sub", "-", 2, 0, 1, 0,
                   "'-' routes the gradient, negated for the right operand", {"1", "-1"}},
    [MG_OP_MUL] = {"mul", "*", 2, 1, 1, 0,
                   "'*' multiplies the gradient by the other operand", {"{b}", "{a}"}},
    [MG_OP_DIV] = {"div", "/", 2, 0, 1, 0,
                   "'/' divides the gradient by the divisor, and sends the divisor "
                   "-(quotient / divisor) times it",
                   {"1 / {b}", "-{out} / {b}"}},
    [MG_OP_NEG] = {"neg", "neg", 1, 0, 0, 0, "'neg' flips the sign of the gradient",
                   {"-1", NULL}},
    [MG_OP_POW] = {"pow", "**", 1, 0, 1, 1,
                   "'**' brings the exponent down: exponent × base^(exponent-1)", {"{b} × {a}^{b-1}", NULL}},
    [MG_OP_EXP] = {"exp", "exp", 1, 0, 0, 0, "'exp' is its own derivative", {"{out}", NULL}},
    [MG_OP_LOG] = {"log", "log", 1, 0, 0, 0, "'log' divides the gradient by its input",
                   {"1 / {a}", NULL}},
    [MG_OP_TANH] = {"tanh", "tanh", 1, 0, 0, 0, "'tanh' scales the gradient by 1 - tanh²",
                    {"1 - {out}²", NULL}},
    [MG_OP_RELU] = {"relu", "relu", 1, 0, 0, 0,
                    "'relu' passes the gradient only where its output is positive",
                    {"{out} > 0 ? 1 : 0", NULL}},
    [MG_OP_SIGMOID] = {"sigmoid", "sigmoid", 1, 0, 0, 0,
                       "'sigmoid' scales the gradient by σ × (1 - σ)",
                       {"{out} × (1 - {out})", NULL}},
    [MG_OP_TANH_MICROGRAD] = {"tanh_micrograd", "tanh", 1, 0, 0, 0,
                              "'tanh' (as micrograd computes it, (e^2x - 1) / (e^2x + 1)) "
                              "scales the gradient by 1 - tanh²",
                              {"1 - {out}²", NULL}},
    [MG_OP_POWV] = {"powv", "**", 2, 0, 1, 0,
                    "'**' of two values: the base gets exponent × base^(exponent-1), the "
                    "exponent gets ln(base) × result",
                    {"{b} × {a}^({b} - 1)", "ln({a}) × {out}"}},
};
static_assert(sizeof table / sizeof *table == MG_OP_COUNT, "one table entry per op");

static_assert(MG_OP_COUNT <= 32, "OP_BINARY_MASK holds every op");

static const mg_op_info unknown = {"?", "?", 0, 0, 0, 0, "?", {NULL, NULL}};

const mg_op_info *mg_op_info_of(mg_op op)
{
    return (unsigned)op < MG_OP_COUNT && table[op].name ? &table[op] : &unknown;
}

const char *mg_op_symbol(mg_op op) { return mg_op_info_of(op)->symbol; }

int mg_op_arity(mg_op op) { return mg_op_info_of(op)->arity; }

double mg_op_forward(mg_op op, double a, double b)
{
    return (unsigned)op < MG_OP_COUNT ? op_forward(op, a, b) : (double)NAN;
}

double mg_op_chain(mg_op op, int k, double a, double b, double out, double grad)
{
    if (k < 0 || k >= mg_op_arity(op))
        return 0.0;
    return op_chain(op, k, a, b, out, grad);
}

double mg_op_local_grad(mg_op op, int k, double a, double b, double out)
{
    if (k < 0 || k >= mg_op_arity(op))
        return (double)NAN;
    /* Every term is local × grad (or grad / b for /): with grad 1 it is the
     * local derivative itself, exactly. */
    return op_chain(op, k, a, b, out, 1.0);
}
