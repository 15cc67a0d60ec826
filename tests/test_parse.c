/* Parser tests: precedence as in Python, folding of plain numbers, names and
 * aliases, depth without recursion, and every error with its exact position. */
#include <micrograd/parse.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* ---- helpers ------------------------------------------------------------- */

typedef struct parsed {
    mg_graph *g;
    mg_program *p;
    mg_error diag;
} parsed;

/* Parses into a new graph. Whatever the outcome, the status returned is the
 * one in diag, and a failure is also the graph's sticky error, word for word. */
static parsed parse_n(const char *src, size_t len)
{
    parsed r;
    r.g = mg_graph_new();
    mg_status s = mg_parse(r.g, src, len, &r.p, &r.diag);
    assert_int_equal(s, r.diag.status);
    assert_true((s == MG_OK) == (r.p != NULL));
    assert_int_equal(mg_graph_status(r.g), s);
    assert_string_equal(mg_graph_error(r.g), r.diag.message);
    if (s == MG_OK)
        assert_true(r.diag.line == 0 && r.diag.col == 0 && r.diag.message[0] == '\0');
    return r;
}

static parsed parse_ok(const char *src)
{
    parsed r = parse_n(src, strlen(src));
    if (!r.p)
        fail_msg("'%s' did not parse: %d:%d: %s", src, r.diag.line, r.diag.col, r.diag.message);
    return r;
}

static void done(parsed *r)
{
    mg_program_free(r->p);
    mg_graph_free(r->g);
}

/* The data of the value a name is bound to. */
static double data_of(const parsed *r, const char *name)
{
    long i = mg_program_find(r->p, name);
    if (i < 0)
        fail_msg("no name '%s'", name);
    return mg_data(r->g, mg_program_value(r->p, (size_t)i));
}

static double grad_of(const parsed *r, const char *name)
{
    return mg_grad(r->g, mg_program_value(r->p, (size_t)mg_program_find(r->p, name)));
}

static mg_value value_of(const parsed *r, const char *name)
{
    return mg_program_value(r->p, (size_t)mg_program_find(r->p, name));
}

static double root_value(const char *src)
{
    parsed r = parse_ok(src);
    double x = mg_data(r.g, mg_program_value(r.p, mg_program_root(r.p)));
    done(&r);
    return x;
}

/* ---- programs that parse ------------------------------------------------- */

static void video_example(void **state)
{
    (void)state;
    parsed r = parse_ok("# the first example of the video\na = 2.0\nb = -3.0\nc = 10\n"
                        "e = a*b\nd = e + c\nf = -2.0\nL = d * f\n");
    assert_int_equal(mg_program_count(r.p), 7);
    const char *names[] = {"a", "b", "c", "e", "d", "f", "L"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(mg_program_name(r.p, i), names[i]);
    assert_int_equal(mg_program_root(r.p), 6);
    assert_int_equal(mg_program_line(r.p, 0), 2);
    assert_int_equal(mg_program_line(r.p, 6), 8);
    mg_backward(r.g, value_of(&r, "L"));
    assert_same_double(data_of(&r, "L"), -8.0);
    assert_same_double(grad_of(&r, "a"), 6.0);
    assert_same_double(grad_of(&r, "b"), -4.0);
    assert_same_double(grad_of(&r, "c"), -2.0);
    assert_same_double(grad_of(&r, "e"), -2.0);
    assert_same_double(grad_of(&r, "d"), -2.0);
    assert_same_double(grad_of(&r, "f"), 4.0);
    /* 7 named values and nothing else: no hidden constants. */
    assert_int_equal(mg_graph_size(r.g), 7);
    assert_string_equal(mg_label(r.g, value_of(&r, "e"), NULL), "e");
    done(&r);
}

static void neuron_with_tanh_and_with_exp(void **state)
{
    (void)state;
    const char *head = "x1 = 2.0; x2 = 0.0; w1 = -3.0; w2 = 1.0; b = 6.8813735870195432\n"
                       "n = x1*w1 + x2*w2 + b\n";
    const char *tails[] = {"o = tanh(n)\n", "e = exp(2*n)\no = (e - 1) / (e + 1)\n"};
    for (int t = 0; t < 2; t++) {
        char src[256];
        snprintf(src, sizeof src, "%s%s", head, tails[t]);
        parsed r = parse_ok(src);
        mg_backward(r.g, value_of(&r, "o"));
        assert_close(data_of(&r, "o"), 0.7071067811865476, 1e-15);
        assert_close(grad_of(&r, "x1"), -1.5, 1e-14);
        assert_close(grad_of(&r, "w1"), 1.0, 1e-14);
        assert_close(grad_of(&r, "x2"), 0.5, 1e-14);
        assert_same_double(grad_of(&r, "w2"), 0.0);
        done(&r);
    }
}

/* micrograd's test_more_ops (its README's example), one name per value. */
static void micrograd_more_ops(void **state)
{
    (void)state;
    parsed r = parse_ok("a = -4.0\nb = 2.0\nc = a + b\nd = a * b + b**3\n"
                        "c1 = c + (c + 1)\nc2 = c1 + (1 + c1 + (-a))\n"
                        "d1 = d + (d * 2 + relu(b + a))\nd2 = d1 + (3 * d1 + relu(b - a))\n"
                        "e = c2 - d2\nf = e**2\ng0 = f / 2.0\ng = g0 + 10.0 / f\n");
    mg_backward(r.g, value_of(&r, "g"));
    assert_close(data_of(&r, "g"), 24.70408163265306, 1e-14);
    assert_close(grad_of(&r, "a"), 138.83381924198252, 1e-13);
    assert_close(grad_of(&r, "b"), 645.5772594752186, 1e-13);
    done(&r);
}

static void precedence_as_in_python(void **state)
{
    (void)state;
    assert_same_double(root_value("x = 3; y = -x**2"), -9.0);
    assert_same_double(root_value("x = 2; y = -x ** -2"), -0.25);
    assert_same_double(root_value("x = 2; y = x ** 3 ** 2"), 512.0);
    assert_same_double(root_value("a = 10; b = 3; c = 2; y = a - b - c"), 5.0);
    assert_same_double(root_value("a = 24; b = 4; c = 3; y = a / b / c"), 2.0);
    assert_same_double(root_value("a = 1; b = 2; c = 3; y = a + b * c"), 7.0);
    assert_same_double(root_value("a = 1; b = 2; c = 3; y = (a + b) * c"), 9.0);
    assert_same_double(root_value("a = 5; y = - -a"), 5.0);
    assert_same_double(root_value("a = 5; y = +a - -a"), 10.0);
    assert_same_double(root_value("a = 3; y = a ** (1 + 1)"), 9.0);
    assert_same_double(root_value("a = 2; y = 2 * a ** 2 / 4"), 2.0);
    assert_same_double(root_value("a = 3; y = tanh(a - a) + exp(0 * a)"), 1.0);
    assert_same_double(root_value("x = -2**2"), -4.0);
    assert_same_double(root_value("x = 2**-1"), 0.5);
    assert_same_double(root_value("x = (-8) ** 2"), 64.0);
}

static void plain_numbers_fold_and_become_leaves(void **state)
{
    (void)state;
    parsed r = parse_ok("k = 2 * 3 + 1\na = 1.5\ny = a * 2\nz = 2 ** 0.5 * a\n");
    mg_value k = value_of(&r, "k");
    assert_int_equal(mg_value_op(r.g, k), MG_OP_LEAF);
    assert_int_equal(mg_value_role(r.g, k), MG_ROLE_INPUT);
    assert_same_double(mg_data(r.g, k), 7.0);
    mg_value y = value_of(&r, "y");
    mg_value two = mg_operand(r.g, y, 1);
    assert_int_equal(mg_value_role(r.g, two), MG_ROLE_CONST);
    assert_same_double(mg_data(r.g, two), 2.0);
    assert_null(mg_label(r.g, two, NULL));
    mg_value z = value_of(&r, "z");
    assert_same_double(mg_data(r.g, mg_operand(r.g, z, 0)), pow(2.0, 0.5));
    done(&r);
}

static void pow_keeps_its_constant_exponent(void **state)
{
    (void)state;
    parsed r = parse_ok("x = 3\ny = x ** -(1/2)\n");
    mg_value y = value_of(&r, "y");
    assert_int_equal(mg_value_op(r.g, y), MG_OP_POW);
    assert_same_double(mg_pow_exponent(r.g, y), -0.5);
    assert_same_double(mg_data(r.g, y), pow(3.0, -0.5));
    done(&r);
}

static void a_name_for_an_existing_value_is_an_alias(void **state)
{
    (void)state;
    parsed r = parse_ok("a = 2; b = a; c = b*b\n");
    assert_int_equal(mg_program_count(r.p), 3);
    assert_int_equal(value_of(&r, "b").index, value_of(&r, "a").index);
    assert_string_equal(mg_label(r.g, value_of(&r, "b"), NULL), "a");
    mg_backward(r.g, value_of(&r, "c"));
    assert_same_double(grad_of(&r, "a"), 4.0);
    assert_same_double(grad_of(&r, "b"), 4.0);
    done(&r);
}

static void numbers_and_layout(void **state)
{
    (void)state;
    assert_same_double(root_value("x = 1e-3"), 1e-3);
    assert_same_double(root_value("x = .5"), 0.5);
    assert_same_double(root_value("x = 3."), 3.0);
    assert_same_double(root_value("x = 2.5E+2"), 250.0);
    assert_same_double(root_value("x = 6.8813735870195432"), 6.8813735870195432);
    assert_same_double(root_value("\r\n\t x\t=\t4 # comment\r\n;;\n"), 4.0);
    assert_same_double(root_value("a = 1; b = a + 1; a2 = b * 3;"), 6.0);
    parsed r = parse_ok("a = 1\nb = 2\n");
    assert_int_equal(mg_program_find(r.p, "c"), -1);
    assert_int_equal(mg_program_find(r.p, "b"), 1);
    done(&r);
}

/* 200,000 nested parentheses: an explicit stack, not the C stack. */
static void deep_nesting_parses(void **state)
{
    (void)state;
    const size_t depth = 200000;
    size_t len = 8 + 2 * depth + 8;
    char *src = malloc(len);
    size_t n = (size_t)sprintf(src, "a = 2\nx = ");
    memset(src + n, '(', depth);
    n += depth;
    n += (size_t)sprintf(src + n, "a*a");
    memset(src + n, ')', depth);
    n += depth;
    parsed r = parse_n(src, n);
    assert_non_null(r.p);
    assert_same_double(data_of(&r, "x"), 4.0);
    done(&r);
    /* ... and as many unary minus signs. */
    n = (size_t)sprintf(src, "a = 2\nx = ");
    memset(src + n, '-', depth);
    n += depth;
    src[n++] = 'a';
    r = parse_n(src, n);
    assert_non_null(r.p);
    assert_same_double(data_of(&r, "x"), 2.0);
    done(&r);
    free(src);
}

static void long_sums_and_long_names(void **state)
{
    (void)state;
    const size_t terms = 100000;
    char *src = malloc(terms * 4 + 64);
    size_t n = (size_t)sprintf(src, "a = 1\ns = a");
    for (size_t i = 1; i < terms; i++)
        n += (size_t)sprintf(src + n, " + a");
    parsed r = parse_n(src, n);
    assert_non_null(r.p);
    mg_backward(r.g, value_of(&r, "s"));
    assert_same_double(data_of(&r, "s"), (double)terms);
    assert_same_double(grad_of(&r, "a"), (double)terms);
    done(&r);
    /* A 100,000-character name. */
    memset(src, 'n', 100000);
    n = 100000;
    n += (size_t)sprintf(src + n, " = 3\ny = ");
    memset(src + n, 'n', 100000);
    n += 100000;
    n += (size_t)sprintf(src + n, " * 2\n");
    r = parse_n(src, n);
    assert_non_null(r.p);
    assert_same_double(data_of(&r, "y"), 6.0);
    done(&r);
    free(src);
}

/* ---- errors -------------------------------------------------------------- */

typedef struct error_case {
    const char *src;
    size_t len; /* 0: strlen(src) */
    int line, col;
    mg_status status;
    const char *message;
} error_case;

static const error_case errors[] = {
    {"a = 1\nb = a +* 2\n", 0, 2, 8, MG_ERR_SYNTAX, "expected an expression, found '*'"},
    {"a = 1\r\nb = a +* 2\r\n", 0, 2, 8, MG_ERR_SYNTAX, "expected an expression, found '*'"},
    {"x = 1; x = 2", 0, 1, 8, MG_ERR_NAME, "'x' is already defined (line 1)"},
    {"y = z + 1", 0, 1, 5, MG_ERR_NAME, "'z' is not defined"},
    {"y = y + 1", 0, 1, 5, MG_ERR_NAME, "'y' is not defined"},
    {"a = 1\nb = foo(a)", 0, 2, 5, MG_ERR_NAME,
     "unknown function 'foo' (functions: tanh exp log relu sigmoid)"},
    {"a = 1\nb = tanh(a, a)", 0, 2, 11, MG_ERR_SYNTAX, "'tanh' takes one argument"},
    {"b = exp()", 0, 1, 9, MG_ERR_SYNTAX, "'exp' takes one argument"},
    {"b = tanh + 1", 0, 1, 5, MG_ERR_SYNTAX, "'tanh' is a function: write tanh(x)"},
    {"relu = 3", 0, 1, 1, MG_ERR_NAME, "'relu' is a function name and cannot be assigned"},
    {"x = (1 + 2", 0, 1, 5, MG_ERR_SYNTAX, "this '(' is never closed"},
    {"x = tanh((1)", 0, 1, 9, MG_ERR_SYNTAX, "this '(' is never closed"},
    {"x = 1)", 0, 1, 6, MG_ERR_SYNTAX, "unmatched ')'"},
    {"x = 2a", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '2a'"},
    {"x = 1.2.3", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '1.2.3'"},
    {"x = 1e", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '1e'"},
    {"x = @", 0, 1, 5, MG_ERR_SYNTAX, "unexpected '@'"},
    {"x = 1\0", 6, 1, 6, MG_ERR_SYNTAX, "unexpected NUL byte"},
    {"x = \xc3\xa9", 0, 1, 5, MG_ERR_SYNTAX, "unexpected byte 0xC3"},
    {"x", 0, 1, 2, MG_ERR_SYNTAX, "expected '=' after 'x', found end of file"},
    {"x + 1", 0, 1, 3, MG_ERR_SYNTAX, "expected '=' after 'x', found '+'"},
    {"3 = x", 0, 1, 1, MG_ERR_SYNTAX, "expected a name to assign to, found '3'"},
    {"", 0, 1, 1, MG_ERR_SYNTAX, "no statement: write at least one 'name = expression'"},
    {"# only a comment\n", 0, 2, 1, MG_ERR_SYNTAX,
     "no statement: write at least one 'name = expression'"},
    {"a = 1 2", 0, 1, 7, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found '2'"},
    {"x = 1 = 2", 0, 1, 7, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found '='"},
    {"a = ", 0, 1, 5, MG_ERR_SYNTAX, "expected an expression, found end of file"},
    {"a = 1\n  b = a *\n", 0, 2, 10, MG_ERR_SYNTAX, "expected an expression, found end of line"},
    {"a = 1; b = (a,)", 0, 1, 14, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found ','"},
};

static void every_error_with_its_position(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
        const error_case *c = &errors[i];
        parsed r = parse_n(c->src, c->len ? c->len : strlen(c->src));
        if (r.p)
            fail_msg("case %zu parsed but should not", i);
        if (r.diag.line != c->line || r.diag.col != c->col || r.diag.status != c->status ||
            strcmp(r.diag.message, c->message) != 0)
            fail_msg("case %zu: got %d:%d [%d] %s; want %d:%d [%d] %s", i, r.diag.line,
                     r.diag.col, r.diag.status, r.diag.message, c->line, c->col, c->status,
                     c->message);
        done(&r);
    }
}

static void long_names_in_messages_are_shortened(void **state)
{
    (void)state;
    char src[300];
    memset(src, 'q', 200);
    strcpy(src + 200, " = 1 + zz");
    parsed r = parse_n(src, strlen(src));
    assert_null(r.p);
    assert_string_equal(r.diag.message, "'zz' is not defined");
    done(&r);
    memset(src, 'q', 200);
    strcpy(src + 200, " + 1");
    r = parse_n(src, strlen(src));
    assert_null(r.p);
    assert_string_equal(r.diag.message,
                        "expected '=' after 'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq...', "
                        "found '+'");
    done(&r);
}

static void bad_arguments(void **state)
{
    (void)state;
    mg_error diag;
    mg_program *p = (mg_program *)&diag; /* set to NULL on every failure */
    assert_int_equal(mg_parse(NULL, "a = 1", 5, &p, &diag), MG_ERR_INVALID);
    assert_int_equal(diag.status, MG_ERR_INVALID);
    assert_null(p);
    mg_graph *g = mg_graph_new();
    assert_int_equal(mg_parse(g, NULL, 3, &p, NULL), MG_ERR_INVALID);
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    mg_graph_clear_error(g);
    assert_int_equal(mg_parse(g, "a = 1", 5, NULL, &diag), MG_ERR_INVALID);
    assert_string_equal(diag.message, "no graph or no text to parse");
    mg_graph_clear_error(g);
    /* A graph already in error is refused: its values may be missing. */
    assert_false(mg_value_ok(mg_exp(g, MG_NONE)));
    assert_int_equal(mg_parse(g, "a = 1", 5, &p, &diag), MG_ERR_INVALID);
    assert_null(p);
    assert_int_equal(diag.line, 0);
    assert_string_equal(diag.message, "the graph is in error: an operand is MG_NONE (the "
                                      "result of an earlier error)");
    assert_int_equal(mg_graph_size(g), 0);
    mg_graph_clear_error(g);
    assert_int_equal(mg_parse(g, "a = 1", 5, &p, &diag), MG_OK);
    assert_int_equal(diag.status, MG_OK);
    mg_program_free(p);
    mg_program_free(NULL);
    assert_int_equal(mg_program_count(NULL), 0);
    assert_null(mg_program_name(NULL, 0));
    assert_int_equal(mg_program_find(NULL, "a"), -1);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(video_example),
        cmocka_unit_test(neuron_with_tanh_and_with_exp),
        cmocka_unit_test(micrograd_more_ops),
        cmocka_unit_test(precedence_as_in_python),
        cmocka_unit_test(plain_numbers_fold_and_become_leaves),
        cmocka_unit_test(pow_keeps_its_constant_exponent),
        cmocka_unit_test(a_name_for_an_existing_value_is_an_alias),
        cmocka_unit_test(numbers_and_layout),
        cmocka_unit_test(deep_nesting_parses),
        cmocka_unit_test(long_sums_and_long_names),
        cmocka_unit_test(every_error_with_its_position),
        cmocka_unit_test(long_names_in_messages_are_shortened),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
