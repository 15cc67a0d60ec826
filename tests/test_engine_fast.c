/* The engine's fast paths keep the slow paths' behaviour: the one-branch
 * handle check still names the bad operand, growth across many doublings keeps
 * data, grads and groups, and backward's * and + fast path agrees with every
 * other op's formula, exactly. */
#include <micrograd/engine.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

static void expect_error(mg_graph *g, mg_status status, const char *message)
{
    assert_int_equal(mg_graph_status(g), status);
    assert_string_equal(mg_graph_error(g), message);
    mg_graph_clear_error(g);
}

static void bad_operands_are_named_in_order(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value a = mg_leaf(g, 1.0, NULL), b = mg_leaf(g, 2.0, NULL);
    mg_value stranger = mg_leaf(other, 3.0, NULL);
    mg_mark mark = mg_graph_mark(g);
    mg_value gone = mg_add(g, a, b); /* value 2, dropped below */
    mg_graph_reset(g, mark);

    assert_false(mg_value_ok(mg_mul(g, a, stranger)));
    expect_error(g, MG_ERR_FOREIGN, "value 0 belongs to another graph");
    assert_false(mg_value_ok(mg_add(g, MG_NONE, b)));
    expect_error(g, MG_ERR_INVALID, "an operand is MG_NONE (the result of an earlier error)");
    assert_false(mg_value_ok(mg_sub(g, a, gone)));
    expect_error(g, MG_ERR_FOREIGN, "value 2 no longer exists (dropped by a reset)");
    /* Both bad: the first operand is the one reported. */
    assert_false(mg_value_ok(mg_div(g, gone, stranger)));
    expect_error(g, MG_ERR_FOREIGN, "value 2 no longer exists (dropped by a reset)");
    assert_false(mg_value_ok(mg_binary(g, MG_OP_MUL, stranger, MG_NONE)));
    expect_error(g, MG_ERR_FOREIGN, "value 0 belongs to another graph");
    /* Unary ops go through the same checks. */
    assert_false(mg_value_ok(mg_tanh(g, gone)));
    expect_error(g, MG_ERR_FOREIGN, "value 2 no longer exists (dropped by a reset)");
    assert_false(mg_value_ok(mg_pow(g, stranger, 2.0)));
    expect_error(g, MG_ERR_FOREIGN, "value 0 belongs to another graph");
    /* Sticky: the first error stays, later ones don't overwrite it. */
    mg_add(g, MG_NONE, a);
    mg_add(g, a, stranger);
    expect_error(g, MG_ERR_INVALID, "an operand is MG_NONE (the result of an earlier error)");
    /* None of the failures made a value. */
    assert_int_equal(mg_graph_size(g), 2);
    /* A mixed form checks its value operand too. */
    assert_false(mg_value_ok(mg_mul_vd(g, stranger, 2.0)));
    expect_error(g, MG_ERR_FOREIGN, "value 0 belongs to another graph");
    assert_true(mg_value_ok(mg_add(g, a, b)));
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_false(mg_value_ok(mg_add(NULL, a, b)));
    mg_graph_free(g);
    mg_graph_free(other);
}

/* y = y*k + c over many doublings of the arena, against plain doubles. */
static void growth_keeps_values_grads_and_groups(void **state)
{
    (void)state;
    const int links = 40000;
    mg_graph *g = mg_graph_new();
    mg_value k = mg_leaf(g, 0.999, "k"), c = mg_leaf(g, 0.25, "c");
    mg_value y0 = mg_leaf(g, 1.0, "y0");
    assert_int_equal(mg_set_group(g, k, "params"), MG_OK);
    mg_value y = y0;
    double yd = 1.0, dy0 = 1.0;
    for (int i = 0; i < links; i++) {
        y = mg_add(g, mg_mul(g, y, k), c);
        yd = yd * 0.999 + 0.25;
    }
    assert_int_equal(mg_graph_size(g), 3 + 2 * links);
    assert_same_double(mg_data(g, y), yd);
    assert_int_equal(mg_backward(g, y), MG_OK);
    /* dy/dc = 1 + k + k^2 + ...; dy/dy0 = k^links, summed as backward does. */
    double dc = 0.0;
    for (int i = 0; i < links; i++) {
        dc += dy0;
        dy0 = 0.999 * dy0;
    }
    assert_same_double(mg_grad(g, c), dc);
    assert_same_double(mg_grad(g, y0), dy0);
    assert_string_equal(mg_group(g, k), "params");
    assert_null(mg_group(g, y));
    size_t len;
    assert_string_equal(mg_label(g, y0, &len), "y0");
    assert_int_equal(len, 2);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

/* Every op in one graph: backward's fast path (* and +) and its switch
 * (everything else) against hand-derived derivatives. */
static void every_op_backward_exact(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a"), b = mg_leaf(g, 4.0, "b");
    mg_value z = mg_leaf(g, 0.0, "z"), two = mg_leaf(g, 2.0, "two");
    mg_value m = mg_leaf(g, -1.0, "m"), unused = mg_leaf(g, 7.0, "unused");
    mg_set_grad(g, unused, 5.0);
    mg_value terms[] = {
        mg_sub(g, a, b),     /* d/da 1, d/db -1 */
        mg_div(g, a, b),     /* d/da 1/4, d/db -3/16 */
        mg_neg(g, a),        /* d/da -1 */
        mg_pow(g, a, 2.0),   /* d/da 6 */
        mg_exp(g, z),        /* d/dz 1 */
        mg_log(g, two),      /* d/dtwo 1/2 */
        mg_tanh(g, z),       /* d/dz 1 */
        mg_relu(g, m),       /* d/dm 0 */
        mg_sigmoid(g, z),    /* d/dz 1/4 */
        mg_mul(g, a, a),     /* d/da 6, through the fast path, a twice */
    };
    mg_value sum = terms[0];
    for (size_t i = 1; i < sizeof terms / sizeof *terms; i++)
        sum = mg_add(g, sum, terms[i]);
    assert_int_equal(mg_backward(g, sum), MG_OK);
    assert_same_double(mg_grad(g, a), 1.0 + 0.25 - 1.0 + 6.0 + 6.0);
    assert_same_double(mg_grad(g, b), -1.0 + -0.1875);
    assert_same_double(mg_grad(g, z), 1.0 + 1.0 + 0.25);
    assert_same_double(mg_grad(g, two), 0.5);
    assert_same_double(mg_grad(g, m), 0.0);
    assert_same_double(mg_grad(g, unused), 5.0); /* not reached: untouched */
    /* The sweep left no marks behind: a backward from a smaller root reaches
     * only what that root depends on. */
    mg_zero_grad(g);
    mg_set_grad(g, terms[0], 1.0); /* a stale mark on a - b would pass this on */
    assert_int_equal(mg_backward(g, terms[3]), MG_OK);
    assert_same_double(mg_grad(g, a), 6.0);
    assert_same_double(mg_grad(g, b), 0.0);
    assert_same_double(mg_grad(g, sum), 0.0);
    /* backward_local runs one value's rule through the same code. */
    mg_zero_grad(g);
    mg_set_grad(g, terms[9], 1.0);
    assert_int_equal(mg_backward_local(g, terms[9]), MG_OK);
    assert_same_double(mg_grad(g, a), 6.0);
    mg_value trace[32];
    assert_int_equal(mg_trace(g, terms[9], trace, 32), 2); /* a, a*a */
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_operands_are_named_in_order),
        cmocka_unit_test(growth_keeps_values_grads_and_groups),
        cmocka_unit_test(every_op_backward_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
