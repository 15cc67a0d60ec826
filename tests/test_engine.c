/* Engine tests: every op's value and derivative, backward's order and
 * accumulation, mark/reset, labels, groups, errors. */
#include <micrograd/engine.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* The first example of the video: L = (a*b + c) * f. */
static void video_example_L(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, -3.0, "b");
    mg_value c = mg_leaf(g, 10.0, "c"), f = mg_leaf(g, -2.0, "f");
    mg_value e = mg_mul(g, a, b);
    mg_value d = mg_add(g, e, c);
    mg_value L = mg_mul(g, d, f);
    assert_int_equal(mg_backward(g, L), MG_OK);
    assert_same_double(mg_data(g, L), -8.0);
    assert_same_double(mg_grad(g, a), 6.0);
    assert_same_double(mg_grad(g, b), -4.0);
    assert_same_double(mg_grad(g, c), -2.0);
    assert_same_double(mg_grad(g, e), -2.0);
    assert_same_double(mg_grad(g, d), -2.0);
    assert_same_double(mg_grad(g, f), 4.0);
    assert_same_double(mg_grad(g, L), 1.0);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(video_example_L),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
