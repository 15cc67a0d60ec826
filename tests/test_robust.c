/* The library API under misuse: a NULL graph, MG_NONE operands, handles of
 * another graph, handles dropped by a reset, and NULL or odd arguments to the
 * parser. Each gives an error code, a sticky graph error or a documented neutral
 * answer, never a crash. */
#include <micrograd/parse.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* Every op and accessor with no graph: MG_NONE, NaN, 0, NULL or an error. */
static void null_graph(void **state)
{
    (void)state;
    mg_value v = {0, 1};
    assert_false(mg_value_ok(mg_leaf(NULL, 1.0, "a")));
    assert_false(mg_value_ok(mg_leaf_role(NULL, 1.0, MG_ROLE_CONST)));
    assert_false(mg_value_ok(mg_add(NULL, v, v)));
    assert_false(mg_value_ok(mg_div(NULL, v, v)));
    assert_false(mg_value_ok(mg_pow(NULL, v, 2.0)));
    assert_false(mg_value_ok(mg_tanh(NULL, v)));
    assert_false(mg_value_ok(mg_unary(NULL, MG_OP_EXP, v)));
    assert_false(mg_value_ok(mg_binary(NULL, MG_OP_MUL, v, v)));
    assert_false(mg_value_ok(mg_mul_dv(NULL, 2.0, v)));
    assert_false(mg_value_ok(mg_sub_vd(NULL, v, 2.0)));
    assert_true(isnan(mg_data(NULL, v)));
    assert_true(isnan(mg_grad(NULL, v)));
    assert_int_equal(mg_set_data(NULL, v, 1.0), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_grad(NULL, v, 1.0), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_role(NULL, v, MG_ROLE_PARAM), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_label(NULL, v, "x"), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_group(NULL, v, "g"), MG_ERR_FOREIGN);
    assert_null(mg_label(NULL, v, NULL));
    assert_null(mg_group(NULL, v));
    assert_int_equal(mg_value_op(NULL, v), MG_OP_LEAF);
    assert_false(mg_value_ok(mg_operand(NULL, v, 0)));
    assert_false(mg_value_ok(mg_value_at(NULL, 0)));
    assert_true(isnan(mg_pow_exponent(NULL, v)));
    assert_int_equal(mg_backward(NULL, v), MG_ERR_INVALID);
    assert_int_equal(mg_backward_local(NULL, v), MG_ERR_INVALID);
    assert_int_equal(mg_trace(NULL, v, NULL, 0), 0);
    mg_forward(NULL);
    mg_zero_grad(NULL);
    mg_graph_reset(NULL, mg_graph_mark(NULL));
    mg_graph_clear_error(NULL);
    assert_int_equal(mg_graph_status(NULL), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(NULL), "no graph");
    assert_int_equal(mg_graph_size(NULL), 0);
    assert_int_equal(mg_graph_bytes(NULL), 0);
    assert_int_equal(mg_graph_reserve(NULL, 10), MG_ERR_INVALID);
    mg_graph_free(NULL);
}

/* An op on MG_NONE (an earlier failure) gives MG_NONE, appends nothing, and
 * leaves one sticky MG_ERR_INVALID; later errors don't overwrite the first. */
static void none_operands(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    assert_false(mg_value_ok(mg_add(g, a, MG_NONE)));
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "an operand is MG_NONE (the result of an earlier error)");
    assert_false(mg_value_ok(mg_tanh(g, MG_NONE)));
    assert_false(mg_value_ok(mg_pow(g, MG_NONE, 2.0)));
    assert_false(mg_value_ok(mg_mul_vd(g, MG_NONE, 2.0)));
    mg_graph *other = mg_graph_new();
    assert_false(mg_value_ok(mg_neg(g, mg_leaf(other, 1.0, NULL))));
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID); /* the first error stays */
    /* mul_vd made its CONST leaf before failing on MG_NONE: a plus 1 */
    assert_int_equal(mg_graph_size(g), 2);
    assert_int_equal(mg_backward(g, MG_NONE), MG_ERR_INVALID);
    assert_int_equal(mg_trace(g, MG_NONE, NULL, 0), 0);
    assert_int_equal(mg_set_data(g, MG_NONE, 1.0), MG_ERR_FOREIGN);
    assert_true(isnan(mg_data(g, MG_NONE)));
    assert_null(mg_label(g, MG_NONE, NULL));
    /* The graph still works once the error is cleared. */
    mg_graph_clear_error(g);
    mg_value b = mg_mul(g, a, a);
    assert_int_equal(mg_backward(g, b), MG_OK);
    assert_same_double(mg_grad(g, a), 4.0);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(other);
    mg_graph_free(g);
}

/* A handle made by another live graph is MG_ERR_FOREIGN everywhere, even when
 * its index is in range in this graph. */
static void foreign_handles(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *h = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_value x = mg_leaf(h, 5.0, "x");
    assert_int_equal(a.index, x.index);
    assert_int_not_equal(a.tag, x.tag);
    assert_false(mg_value_ok(mg_mul(g, a, x)));
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    assert_string_equal(mg_graph_error(g), "value 0 belongs to another graph");
    assert_int_equal(mg_graph_size(g), 1);
    assert_true(isnan(mg_data(g, x)));
    assert_true(isnan(mg_grad(g, x)));
    assert_int_equal(mg_set_data(g, x, 1.0), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_label(g, x, "y"), MG_ERR_FOREIGN);
    assert_int_equal(mg_set_group(g, x, "layer 1"), MG_ERR_FOREIGN);
    assert_null(mg_label(g, x, NULL));
    assert_false(mg_value_ok(mg_operand(g, x, 0)));
    mg_graph_clear_error(g);
    assert_int_equal(mg_backward(g, x), MG_ERR_FOREIGN);
    mg_graph_clear_error(g);
    assert_int_equal(mg_backward_local(g, x), MG_ERR_FOREIGN);
    mg_graph_clear_error(g);
    assert_int_equal(mg_trace(g, x, NULL, 0), 0);
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    /* h is untouched by all this */
    assert_same_double(mg_data(h, x), 5.0);
    assert_int_equal(mg_graph_status(h), MG_OK);
    /* A forged handle: right tag, index past the end. */
    mg_graph_clear_error(g);
    mg_value past = {7, a.tag};
    assert_false(mg_value_ok(mg_exp(g, past)));
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    assert_string_equal(mg_graph_error(g), "value 7 no longer exists (dropped by a reset)");
    mg_graph_free(h);
    mg_graph_free(g);
}

/* Handles made after a mark are invalid once reset to it, until new values
 * take their indices; the kept ones go on working. */
static void handles_dropped_by_reset(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value w = mg_leaf_role(g, 3.0, MG_ROLE_PARAM);
    mg_mark m = mg_graph_mark(g);
    mg_value y = mg_mul(g, w, w);
    mg_value z = mg_tanh(g, y);
    assert_int_equal(mg_set_label(g, z, "z"), MG_OK);
    mg_graph_reset(g, m);
    assert_int_equal(mg_graph_size(g), 1);
    assert_true(isnan(mg_data(g, z)));
    assert_null(mg_label(g, z, NULL));
    assert_int_equal(mg_set_grad(g, y, 1.0), MG_ERR_FOREIGN);
    /* the setter's failure is sticky, as the ops' are */
    assert_string_equal(mg_graph_error(g), "mg_set_grad: value 1 no longer exists (dropped by a reset)");
    mg_graph_clear_error(g);
    assert_int_equal(mg_backward(g, z), MG_ERR_FOREIGN);
    assert_string_equal(mg_graph_error(g), "value 2 no longer exists (dropped by a reset)");
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_add(g, w, y)));
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    mg_graph_clear_error(g);
    /* the kept parameter */
    mg_value q = mg_mul_vd(g, w, 2.0);
    assert_int_equal(mg_backward(g, q), MG_OK);
    assert_same_double(mg_grad(g, w), 2.0);
    /* A mark from later than the graph is now (or from another graph) is
     * ignored, and recorded. */
    mg_mark late = {1000, 0, 0, 0};
    mg_graph_reset(g, late);
    assert_int_equal(mg_graph_size(g), 3);
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_graph_reset: the mark is past the graph's end");
    mg_graph_free(g);
}

/* A kept value labelled after the mark loses that label at the reset (its
 * bytes are dropped and reused), rather than reading someone else's bytes with
 * a stale length; one labelled before the mark keeps it. Groups alike. */
static void labels_set_after_the_mark(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value p = mg_leaf(g, 1.0, "p");
    assert_int_equal(mg_set_group(g, p, "layer 1"), MG_OK);
    mg_value x = mg_leaf(g, 1.0, NULL), w = mg_leaf(g, 1.0, NULL);
    mg_mark m = mg_graph_mark(g);
    assert_int_equal(mg_set_label(g, x, "a"), MG_OK);
    assert_int_equal(mg_set_label(g, w, "weight"), MG_OK);
    assert_int_equal(mg_set_group(g, w, "layer 2/neuron 1"), MG_OK);
    assert_int_equal(mg_set_label(g, p, "renamed"), MG_OK);
    mg_graph_reset(g, m);
    mg_value v = mg_leaf(g, 2.0, "abcdefghij");
    assert_int_equal(mg_set_group(g, v, "zzzzzzzzzzzzzzzzzzzzzzzz"), MG_OK);
    size_t len = 99;
    assert_null(mg_label(g, w, &len));
    assert_int_equal(len, 0);
    assert_null(mg_label(g, x, NULL));
    assert_null(mg_group(g, w));
    /* p's new label was dropped; its group from before the mark stays */
    assert_null(mg_label(g, p, NULL));
    assert_string_equal(mg_group(g, p), "layer 1");
    assert_string_equal(mg_label(g, v, &len), "abcdefghij");
    assert_int_equal(len, 10);
    mg_graph_free(g);
}

/* mg_unary/mg_binary refuse ops of the wrong arity or out of range. */
static void wrong_ops_and_roles(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 1.0, "a");
    assert_false(mg_value_ok(mg_unary(g, MG_OP_ADD, a)));
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_unary(g, MG_OP_POW, a)));
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_unary(g, (mg_op)200, a)));
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_binary(g, MG_OP_TANH, a, a)));
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_binary(g, (mg_op)-1, a, a)));
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_leaf_role(g, 1.0, MG_ROLE_RESULT)));
    mg_graph_clear_error(g);
    /* Setters record their failures too, the first one staying. */
    assert_int_equal(mg_set_role(g, a, MG_ROLE_RESULT), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_set_role: a leaf cannot be a RESULT");
    assert_int_equal(mg_set_role(g, a, (mg_role)9), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_set_role: a leaf cannot be a RESULT");
    mg_graph_clear_error(g);
    assert_int_equal(mg_set_role(g, a, (mg_role)9), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_set_role: 9 is not a role");
    mg_graph_clear_error(g);
    assert_int_equal(mg_set_role(g, mg_exp(g, a), MG_ROLE_PARAM), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_set_role: a value made by an op is always a RESULT");
    mg_graph_clear_error(g);
    assert_int_equal(mg_set_label_n(g, a, NULL, 3), MG_ERR_INVALID);
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_set_label_n: no bytes for a label of 3 bytes");
    mg_graph_clear_error(g);
    assert_false(mg_value_ok(mg_operand(g, a, 0)));
    assert_false(mg_value_ok(mg_operand(g, mg_exp(g, a), 1)));
    assert_false(mg_value_ok(mg_operand(g, mg_exp(g, a), -1)));
    assert_false(mg_value_ok(mg_value_at(g, 4)));
    assert_string_equal(mg_op_symbol((mg_op)99), "?");
    assert_int_equal(mg_op_arity((mg_op)99), 0);
    assert_string_equal(mg_status_str((mg_status)99), "unknown status");
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_int_equal(mg_graph_reserve(g, (size_t)UINT32_MAX + 1), MG_ERR_LIMIT);
    assert_int_equal(mg_graph_size(g), 4);
    assert_int_equal(mg_graph_status(g), MG_ERR_LIMIT);
    assert_string_equal(mg_graph_error(g), "mg_graph_reserve: a graph holds at most 4294967294 values");
    mg_graph_free(g);
}

/* The parser with no graph, no text, no mg_error, and the program accessors
 * with no program or an index past the end. */
static void parser_misuse(void **state)
{
    (void)state;
    mg_error d;
    mg_program *p;
    assert_int_equal(mg_parse(NULL, "a = 1", 5, &p, &d), MG_ERR_INVALID);
    assert_int_equal(d.status, MG_ERR_INVALID);
    assert_string_equal(d.message, "no graph or no text to parse");
    mg_graph *g = mg_graph_new();
    assert_int_equal(mg_parse(g, NULL, 5, &p, &d), MG_ERR_INVALID);
    assert_int_equal(d.status, MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_int_equal(mg_parse(g, NULL, 0, &p, &d), MG_ERR_SYNTAX);
    assert_null(p);
    assert_int_equal(d.status, MG_ERR_SYNTAX);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.col, 1);
    assert_string_equal(d.message, "no statement: write at least one 'name = expression'");
    mg_graph_clear_error(g);
    /* no mg_error: still an error, recorded in the graph, no crash */
    assert_int_equal(mg_parse(g, "a = ", 4, &p, NULL), MG_ERR_SYNTAX);
    assert_string_equal(mg_graph_error(g), "expected an expression, found end of file");
    mg_graph_clear_error(g);
    /* Not NUL-terminated: exactly len bytes are read. */
    char exact[5] = {'a', ' ', '=', ' ', '7'};
    assert_int_equal(mg_parse(g, exact, sizeof exact, &p, &d), MG_OK);
    assert_non_null(p);
    assert_same_double(mg_data(g, mg_program_value(p, 0)), 7.0);
    assert_int_equal(mg_program_count(p), 1);
    assert_null(mg_program_name(p, 1));
    assert_false(mg_value_ok(mg_program_value(p, 1)));
    assert_int_equal(mg_program_line(p, 1), 0);
    assert_int_equal(mg_program_find(p, "b"), -1);
    assert_int_equal(mg_program_find(p, NULL), -1);
    assert_int_equal(mg_program_find(p, "a"), 0);
    mg_program_free(p);
    assert_int_equal(mg_program_count(NULL), 0);
    assert_null(mg_program_name(NULL, 0));
    assert_false(mg_value_ok(mg_program_value(NULL, 0)));
    assert_int_equal(mg_program_line(NULL, 0), 0);
    assert_int_equal(mg_program_find(NULL, "a"), -1);
    assert_int_equal(mg_program_root(NULL), 0);
    mg_program_free(NULL);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

/* A parse that fails part way: values built so far stay and the failure is
 * the graph's sticky error; a reset to a mark taken before drops the values,
 * and once the error is cleared a second parse in the same graph works. */
static void failed_parse_then_reset(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_mark m = mg_graph_mark(g);
    const char *bad = "a = 1\nb = a * 2\nc = b +\n";
    mg_error d;
    mg_program *p;
    assert_int_equal(mg_parse(g, bad, strlen(bad), &p, &d), MG_ERR_SYNTAX);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 8);
    assert_int_equal(mg_graph_status(g), MG_ERR_SYNTAX);
    assert_string_equal(mg_graph_error(g), d.message);
    assert_true(mg_graph_size(g) > 0);
    mg_graph_reset(g, m);
    assert_int_equal(mg_graph_size(g), 0);
    const char *good = "a = 1\nb = a * 2\n";
    assert_int_equal(mg_parse(g, good, strlen(good), &p, &d), MG_ERR_SYNTAX); /* refused */
    assert_null(p);
    assert_string_equal(d.message, "the graph is in error: expected an expression, found end of line");
    mg_graph_clear_error(g);
    assert_int_equal(mg_parse(g, good, strlen(good), &p, &d), MG_OK);
    assert_int_equal(mg_backward(g, mg_program_value(p, 1)), MG_OK);
    assert_same_double(mg_grad(g, mg_program_value(p, 0)), 2.0);
    mg_program_free(p);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_graph),
        cmocka_unit_test(none_operands),
        cmocka_unit_test(foreign_handles),
        cmocka_unit_test(handles_dropped_by_reset),
        cmocka_unit_test(labels_set_after_the_mark),
        cmocka_unit_test(wrong_ops_and_roles),
        cmocka_unit_test(parser_misuse),
        cmocka_unit_test(failed_parse_then_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
