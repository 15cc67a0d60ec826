/* The op table (micrograd/ops.h): every entry consistent with the engine, each
 * op's local derivative against hand-derived numbers and central differences,
 * the engine's backward bit for bit equal to mg_op_chain, and Value ** Value. */
#include "test_common.h"

#include <string.h>

#include <micrograd/engine.h>
#include <micrograd/ops.h>

/* Operand points where every op is smooth (log and the powers need a > 0). */
static const double points[][2] = {{0.7, 1.3}, {2.0, -0.5}, {1.5, 2.5}};

static void every_entry_is_complete(void **state)
{
    (void)state;
    for (int op = 0; op < MG_OP_COUNT; op++) {
        const mg_op_info *info = mg_op_info_of((mg_op)op);
        assert_non_null(info->name);
        assert_true(strcmp(info->name, "?") != 0);
        assert_non_null(info->symbol);
        assert_non_null(info->explain);
        assert_true(info->arity >= 0 && info->arity <= 2);
        for (int k = 0; k < 2; k++)
            assert_true((info->rule[k] != NULL) == (k < info->arity));
        assert_ptr_equal(mg_op_symbol((mg_op)op), info->symbol);
        assert_int_equal(mg_op_arity((mg_op)op), info->arity);
        /* An op of arity 2 is one the engine builds with mg_binary, and only
         * those (the engine's own fast test of arity must agree). */
        mg_graph *g = mg_graph_new();
        mg_value a = mg_leaf(g, 1.0, "a"), b = mg_leaf(g, 2.0, "b");
        mg_value v = mg_binary(g, (mg_op)op, a, b);
        assert_int_equal(mg_value_ok(v), info->arity == 2);
        if (mg_value_ok(v)) {
            assert_int_equal(mg_value_op(g, v), op);
            assert_int_equal(mg_operand(g, v, 1).index, b.index);
        }
        mg_graph_free(g);
    }
    assert_string_equal(mg_op_info_of(MG_OP_MUL)->name, "mul");
    assert_string_equal(mg_op_info_of(MG_OP_POW)->symbol, "**");
    assert_int_equal(mg_op_info_of(MG_OP_POW)->has_exponent, 1);
    assert_int_equal(mg_op_info_of(MG_OP_POWV)->has_exponent, 0);
    assert_int_equal(mg_op_info_of(MG_OP_ADD)->commutative, 1);
    assert_int_equal(mg_op_info_of(MG_OP_SUB)->commutative, 0);
}

static void out_of_range_is_harmless(void **state)
{
    (void)state;
    const mg_op_info *info = mg_op_info_of((mg_op)99);
    assert_string_equal(info->name, "?");
    assert_int_equal(info->arity, 0);
    assert_true(isnan(mg_op_forward((mg_op)99, 1.0, 2.0)));
    assert_true(isnan(mg_op_forward(MG_OP_COUNT, 1.0, 2.0)));
    assert_true(isnan(mg_op_local_grad(MG_OP_MUL, 2, 1.0, 2.0, 2.0)));
    assert_true(isnan(mg_op_local_grad(MG_OP_TANH, 1, 1.0, 0.0, tanh(1.0))));
    assert_true(isnan(mg_op_local_grad(MG_OP_LEAF, 0, 1.0, 0.0, 1.0)));
    assert_same_double(mg_op_chain(MG_OP_MUL, -1, 1.0, 2.0, 2.0, 1.0), 0.0);
    assert_same_double(mg_op_chain((mg_op)99, 0, 1.0, 2.0, 2.0, 1.0), 0.0);
}

/* Hand-derived values and local derivatives at one point each. */
static void hand_derived(void **state)
{
    (void)state;
    const struct { mg_op op; double a, b, out, d0, d1; } cases[] = {
        {MG_OP_ADD, 2.0, -3.0, -1.0, 1.0, 1.0},
        {MG_OP_SUB, 2.0, -3.0, 5.0, 1.0, -1.0},
        {MG_OP_MUL, 2.0, -3.0, -6.0, -3.0, 2.0},
        {MG_OP_DIV, 6.0, 3.0, 2.0, 1.0 / 3.0, -2.0 / 3.0},
        {MG_OP_NEG, 2.0, 0.0, -2.0, -1.0, (double)NAN},
        {MG_OP_POW, 3.0, 2.0, 9.0, 6.0, (double)NAN},
        {MG_OP_EXP, 0.0, 0.0, 1.0, 1.0, (double)NAN},
        {MG_OP_LOG, 4.0, 0.0, log(4.0), 0.25, (double)NAN},
        {MG_OP_TANH, 0.0, 0.0, 0.0, 1.0, (double)NAN},
        {MG_OP_RELU, -1.0, 0.0, 0.0, 0.0, (double)NAN},
        {MG_OP_RELU, 2.0, 0.0, 2.0, 1.0, (double)NAN},
        {MG_OP_SIGMOID, 0.0, 0.0, 0.5, 0.25, (double)NAN},
        {MG_OP_POWV, 2.0, 3.0, 8.0, 12.0, 8.0 * log(2.0)},
        {MG_OP_TANH_MICROGRAD, 0.0, 0.0, 0.0, 1.0, (double)NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double out = mg_op_forward(cases[i].op, cases[i].a, cases[i].b);
        assert_same_double(out, cases[i].out);
        assert_close(mg_op_local_grad(cases[i].op, 0, cases[i].a, cases[i].b, out),
                     cases[i].d0, 1e-15);
        assert_close(mg_op_local_grad(cases[i].op, 1, cases[i].a, cases[i].b, out),
                     cases[i].d1, 1e-15);
    }
}

/* Every op's local derivative against the central difference of its forward. */
static void local_grads_match_central_differences(void **state)
{
    (void)state;
    const double h = 1e-6;
    for (int op = MG_OP_ADD; op < MG_OP_COUNT; op++) {
        const mg_op_info *info = mg_op_info_of((mg_op)op);
        for (size_t p = 0; p < sizeof points / sizeof *points; p++) {
            double a = points[p][0], b = points[p][1];
            if (op == MG_OP_RELU && fabs(a) < 2 * h)
                continue;
            double out = mg_op_forward((mg_op)op, a, b);
            double da = (mg_op_forward((mg_op)op, a + h, b) -
                         mg_op_forward((mg_op)op, a - h, b)) / (2 * h);
            assert_close(mg_op_local_grad((mg_op)op, 0, a, b, out), da, 1e-6);
            if (info->arity == 2) {
                double db = (mg_op_forward((mg_op)op, a, b + h) -
                             mg_op_forward((mg_op)op, a, b - h)) / (2 * h);
                assert_close(mg_op_local_grad((mg_op)op, 1, a, b, out), db, 1e-6);
            }
        }
    }
}

/* The engine's backward adds exactly mg_op_chain's terms, bit for bit, and its
 * forward is mg_op_forward's. */
static void engine_backward_is_the_table(void **state)
{
    (void)state;
    for (int op = MG_OP_ADD; op < MG_OP_COUNT; op++) {
        const mg_op_info *info = mg_op_info_of((mg_op)op);
        for (size_t p = 0; p < sizeof points / sizeof *points; p++) {
            double a = points[p][0], b = points[p][1], grad = -1.75;
            mg_graph *g = mg_graph_new();
            mg_value x = mg_leaf(g, a, "x"), y = mg_leaf(g, b, "y");
            mg_value v = info->has_exponent ? mg_pow(g, x, b)
                       : info->arity == 2   ? mg_binary(g, (mg_op)op, x, y)
                                            : mg_unary(g, (mg_op)op, x);
            assert_true(mg_value_ok(v));
            double out = mg_op_forward((mg_op)op, a, b);
            assert_same_double(mg_data(g, v), out);
            /* backward from a scaled root: root = v * grad */
            mg_value root = mg_mul(g, v, mg_leaf_role(g, grad, MG_ROLE_CONST));
            assert_int_equal(mg_backward(g, root), MG_OK);
            assert_same_double(mg_grad(g, v), grad);
            assert_same_double(mg_grad(g, x), mg_op_chain((mg_op)op, 0, a, b, out, grad));
            assert_same_double(mg_value_chain(g, v, 0), mg_grad(g, x));
            assert_same_double(mg_value_local_grad(g, v, 0),
                               mg_op_local_grad((mg_op)op, 0, a, b, out));
            if (info->arity == 2)
                assert_same_double(mg_grad(g, y), mg_op_chain((mg_op)op, 1, a, b, out, grad));
            else
                assert_same_double(mg_grad(g, y), 0.0);
            mg_graph_free(g);
        }
    }
}

/* Value ** Value where the base is not positive: the documented results. */
static void powv_at_and_below_zero(void **state)
{
    (void)state;
    /* 0 ** 2 = 0: d/da = 2·0 = 0, d/db the limit 0 */
    assert_same_double(mg_op_forward(MG_OP_POWV, 0.0, 2.0), 0.0);
    assert_same_double(mg_op_local_grad(MG_OP_POWV, 0, 0.0, 2.0, 0.0), 0.0);
    assert_same_double(mg_op_local_grad(MG_OP_POWV, 1, 0.0, 2.0, 0.0), 0.0);
    /* 0 ** 0 = 1, flat in b */
    assert_same_double(mg_op_forward(MG_OP_POWV, 0.0, 0.0), 1.0);
    assert_same_double(mg_op_local_grad(MG_OP_POWV, 1, 0.0, 0.0, 1.0), 0.0);
    /* 0 ** -1 = inf: no derivative in b */
    assert_true(isinf(mg_op_forward(MG_OP_POWV, 0.0, -1.0)));
    assert_true(isnan(mg_op_local_grad(MG_OP_POWV, 1, 0.0, -1.0, (double)INFINITY)));
    /* (-2) ** 2 = 4: d/da = 2·(-2) = -4; ln(-2) is not real, so d/db is NaN */
    assert_same_double(mg_op_forward(MG_OP_POWV, -2.0, 2.0), 4.0);
    assert_same_double(mg_op_local_grad(MG_OP_POWV, 0, -2.0, 2.0, 4.0), -4.0);
    assert_true(isnan(mg_op_local_grad(MG_OP_POWV, 1, -2.0, 2.0, 4.0)));
    /* (-8) ** (1/3) is NaN, as C's pow and Python's float ** give no real root */
    assert_true(isnan(mg_op_forward(MG_OP_POWV, -8.0, 1.0 / 3.0)));
}

/* tanh as micrograd computes it: the lecture's formula to the last bit, and
 * finite where e^2x overflows (micrograd's gives NaN there). */
static void tanh_micrograd_is_the_lectures(void **state)
{
    (void)state;
    const double x = 0.8813735870195432; /* the lecture neuron's n */
    double e = exp(2.0 * x);
    assert_same_double(mg_op_forward(MG_OP_TANH_MICROGRAD, x, 0.0), (e - 1.0) / (e + 1.0));
    assert_same_double(mg_op_forward(MG_OP_TANH_MICROGRAD, 400.0, 0.0), 1.0);
    assert_same_double(mg_op_forward(MG_OP_TANH_MICROGRAD, -400.0, 0.0), -1.0);
    assert_true(isnan(mg_op_forward(MG_OP_TANH_MICROGRAD, (double)NAN, 0.0)));
    assert_string_equal(mg_op_symbol(MG_OP_TANH_MICROGRAD), "tanh");
}

/* x ** 2 with a constant exponent keeps its one-value graph; a ** b adds none. */
static void pow_constant_and_value_graphs(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a"), b = mg_leaf(g, 2.0, "b");
    mg_value p = mg_pow(g, a, 2.0);
    assert_int_equal(mg_graph_size(g), 3);
    assert_int_equal(mg_value_op(g, p), MG_OP_POW);
    assert_same_double(mg_pow_exponent(g, p), 2.0);
    assert_int_equal(mg_value_ok(mg_operand(g, p, 1)), 0);
    mg_value q = mg_pow_value(g, a, b);
    assert_int_equal(mg_graph_size(g), 4);
    assert_int_equal(mg_value_op(g, q), MG_OP_POWV);
    assert_true(isnan(mg_pow_exponent(g, q)));
    assert_same_double(mg_data(g, q), mg_data(g, p));
    mg_backward(g, q);
    assert_same_double(mg_grad(g, a), 6.0);
    assert_same_double(mg_grad(g, b), 9.0 * log(3.0));
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_entry_is_complete),
        cmocka_unit_test(out_of_range_is_harmless),
        cmocka_unit_test(hand_derived),
        cmocka_unit_test(local_grads_match_central_differences),
        cmocka_unit_test(engine_backward_is_the_table),
        cmocka_unit_test(powv_at_and_below_zero),
        cmocka_unit_test(pow_constant_and_value_graphs),
        cmocka_unit_test(tanh_micrograd_is_the_lectures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
