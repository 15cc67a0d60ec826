/* Parser tests: precedence, folding, names, and every error with its position. */
#include <micrograd/parse.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

static void parses_video_example(void **state)
{
    (void)state;
    const char *src = "a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n";
    mg_graph *g = mg_graph_new();
    mg_diag diag;
    mg_program *p = mg_parse(g, src, strlen(src), &diag);
    assert_non_null(p);
    assert_int_equal(mg_program_count(p), 7);
    assert_string_equal(mg_program_name(p, mg_program_root(p)), "L");
    assert_same_double(mg_data(g, mg_program_value(p, 6)), -8.0);
    mg_program_free(p);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_video_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
