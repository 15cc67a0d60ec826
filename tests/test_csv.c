/* csv tests: numeric tables with a header, comments, CRLF and spaces, the
 * dataset made from one, and every error with its line, column and message. */
#include <micrograd/csv.h>
#include <micrograd/nn.h>

#include <string.h>

#include "test_common.h"

static void table_parses_header_comments_crlf(void **state)
{
    (void)state;
    const char text[] = "# points\r\nx0, x1 ,y\r\n\r\n1,2,-1\n  0.5 ,-3e-1, 1 # a comment\n"
                        "# end\n4,5,1";
    mg_table t;
    mg_error diag;
    assert_int_equal(mg_table_parse(text, sizeof text - 1, &t, &diag), MG_OK);
    assert_int_equal(t.header, 1);
    assert_int_equal(t.rows, 3);
    assert_int_equal(t.cols, 3);
    const double want[] = {1, 2, -1, 0.5, -0.3, 1, 4, 5, 1};
    for (size_t i = 0; i < 9; i++)
        assert_same_double(t.cells[i], want[i]);
    assert_int_equal(t.lines[0], 4);
    assert_int_equal(t.lines[1], 5);
    assert_int_equal(t.lines[2], 7);
    mg_dataset d;
    assert_int_equal(mg_dataset_from_table(&d, &t), MG_OK);
    assert_int_equal(d.inputs, 2);
    assert_same_double(d.x[2], 0.5);
    assert_same_double(d.y[1], 1.0);
    mg_dataset_free(&d);
    mg_table_free(&t);
    /* one column, no header: an init file */
    assert_int_equal(mg_table_parse("0.25\n# c\n-1\n", 11, &t, NULL), MG_OK);
    assert_int_equal(t.header, 0);
    assert_int_equal(t.rows, 2);
    assert_int_equal(t.cols, 1);
    assert_int_equal(mg_dataset_from_table(&d, &t), MG_ERR_INVALID);
    mg_table_free(&t);
}

/* Parses text and expects an error at line:col with this message. */
static void expect_csv_error(const char *text, size_t len, int line, int col, const char *message)
{
    mg_table t;
    mg_error diag;
    assert_int_equal(mg_table_parse(text, len, &t, &diag), MG_ERR_SYNTAX);
    assert_int_equal(t.rows, 0);
    assert_null(t.cells);
    if (diag.line != line || diag.col != col || strcmp(diag.message, message) != 0)
        fail_msg("got %d:%d '%s', want %d:%d '%s'", diag.line, diag.col, diag.message, line,
                 col, message);
}

#define CSV_ERROR(text, line, col, message) \
    expect_csv_error(text, sizeof text - 1, line, col, message)

static void table_errors_have_positions(void **state)
{
    (void)state;
    CSV_ERROR("1,2,3\n4,abc,6\n", 2, 3, "expected a number, found 'abc'");
    CSV_ERROR("x,y\n1,2\n3,  4x \n", 3, 5, "expected a number, found '4x'");
    CSV_ERROR("1,2,3\n4,5\n", 2, 4, "expected 3 fields, found 2");
    CSV_ERROR("1,2,3\n4,5,6,7\n", 2, 7, "expected 3 fields, found 4");
    CSV_ERROR("1,,3\n", 1, 3, "empty field");
    CSV_ERROR("1,2\n3,\n", 2, 3, "empty field");
    CSV_ERROR("1,inf\n", 1, 3, "'inf' is not a finite number");
    CSV_ERROR("1,1e999\n", 1, 3, "'1e999' is not a finite number");
    CSV_ERROR("1,2\n3,4\0,5\n", 2, 4, "NUL byte in the input");
    CSV_ERROR("", 1, 1, "no data rows");
    CSV_ERROR("# only a comment\n\nx,y\n", 3, 1, "no data rows");
    CSV_ERROR("1,x\n", 1, 3, "expected a number, found 'x'"); /* mixed: not a header */
}

/* No text at all, (NULL, 0) as well as "": no rows, and no undefined NULL + 0. */
static void table_of_no_text(void **state)
{
    (void)state;
    expect_csv_error(NULL, 0, 1, 1, "no data rows");
    expect_csv_error("", 0, 1, 1, "no data rows");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_parses_header_comments_crlf),
        cmocka_unit_test(table_errors_have_positions),
        cmocka_unit_test(table_of_no_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
