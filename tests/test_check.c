/* check tests: mg_grad_check on the video's L example (grads by hand, the
 * central differences close to them), a failing leaf, and its argument errors. */
#include <micrograd/check.h>

#include <string.h>

#include "test_common.h"

/* L = (a*b + c) * f; returns L, the leaves in leaves[0..4). */
static mg_value build_L(mg_graph *g, mg_value *leaves)
{
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, -3.0, "b"), c = mg_leaf(g, 10.0, "c");
    mg_value f = mg_leaf(g, -2.0, "f");
    leaves[0] = a, leaves[1] = b, leaves[2] = c, leaves[3] = f;
    return mg_mul(g, mg_add(g, mg_mul(g, a, b), c), f);
}

static void checks_the_L_example(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value leaves[4];
    mg_value L = build_L(g, leaves);
    mg_set_grad(g, leaves[0], 123.0); /* zeroed first: not accumulated into */
    mg_grad_check_result r[4];
    assert_int_equal(mg_grad_check(g, L, leaves, 4, 1e-6, 1e-6, r), MG_OK);
    const double want[4] = {6.0, -4.0, -2.0, 4.0};
    for (int i = 0; i < 4; i++) {
        assert_same_double(r[i].analytic, want[i]);
        assert_close(r[i].numeric, want[i], 1e-6);
        assert_true(r[i].ok);
        assert_same_double(mg_grad(g, leaves[i]), want[i]); /* backward's grads stay */
    }
    assert_same_double(mg_data(g, leaves[0]), 2.0); /* the data are put back */
    assert_same_double(mg_data(g, L), -8.0);
    mg_graph_free(g);
}

/* relu at 0: backward says 0, the central difference 1/2. */
static void a_kink_fails(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 0.0, "x");
    mg_value y = mg_relu(g, x);
    mg_grad_check_result r;
    assert_int_equal(mg_grad_check(g, y, &x, 1, 1e-6, 1e-6, &r), MG_OK);
    assert_same_double(r.analytic, 0.0);
    assert_close(r.numeric, 0.5, 1e-9);
    assert_false(r.ok);
    mg_graph_free(g);
}

static void bad_arguments_are_errors(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value leaves[4];
    mg_value L = build_L(g, leaves);
    mg_grad_check_result r[4];
    assert_int_equal(mg_grad_check(g, L, leaves, 4, 0.0, 1e-6, r), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "the step h and the tolerance tol must be positive");
    mg_graph_clear_error(g);
    assert_int_equal(mg_grad_check(g, L, leaves, 4, 1e-6, NAN, r), MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_int_equal(mg_grad_check(g, L, &L, 1, 1e-6, 1e-6, r), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "only leaves can be checked");
    mg_graph_clear_error(g);
    mg_value foreign = mg_leaf(other, 1.0, "z");
    assert_int_equal(mg_grad_check(g, L, &foreign, 1, 1e-6, 1e-6, r), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "a value to check is not a value of this graph");
    mg_graph_clear_error(g);
    assert_int_equal(mg_grad_check(g, L, leaves, 4, 1e-6, 1e-6, NULL), MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_int_equal(mg_grad_check(g, MG_NONE, leaves, 4, 1e-6, 1e-6, r), MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_int_equal(mg_grad_check(NULL, L, leaves, 4, 1e-6, 1e-6, r), MG_ERR_INVALID);
    assert_int_equal(mg_grad_check(g, L, NULL, 0, 1e-6, 1e-6, NULL), MG_OK);
    mg_graph_free(other);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checks_the_L_example),
        cmocka_unit_test(a_kink_fails),
        cmocka_unit_test(bad_arguments_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
