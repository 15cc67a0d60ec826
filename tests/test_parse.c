/* Parser tests: precedence as in Python, folding of plain numbers, names and
 * aliases, depth without recursion, and every error with its exact position. */
#include <micrograd/parse.h>
#include <micrograd/suggest.h>

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
    {"y = z + 1", 0, 1, 5, MG_ERR_NAME, "'z' is not defined"},
    {"y = y + 1", 0, 1, 5, MG_ERR_NAME, "'y' is not defined"},
    {"a = 1\nb = foo(a)", 0, 2, 5, MG_ERR_NAME,
     "unknown function 'foo' (functions: Value tanh exp log relu sigmoid draw_dot)"},
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
    {"x = \xc3\xa9", 0, 1, 5, MG_ERR_NAME, "'\xc3\xa9' is not defined"},
    {"x = \xc3(", 0, 1, 5, MG_ERR_SYNTAX, "unexpected byte 0xC3"},
    {"x", 0, 1, 1, MG_ERR_NAME, "'x' is not defined"},
    {"x + 1", 0, 1, 1, MG_ERR_NAME, "'x' is not defined"},
    {"3 = x", 0, 1, 3, MG_ERR_SYNTAX,
     "cannot assign to an expression: the left of '=' must be a name (or x.label, x.data, x.grad)"},
    {"", 0, 1, 1, MG_ERR_SYNTAX, "no statement: write at least one 'name = expression'"},
    {"# only a comment\n", 0, 2, 1, MG_ERR_SYNTAX,
     "no statement: write at least one 'name = expression'"},
    {"a = 1 2", 0, 1, 7, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found '2'"},
    {"x = 1 = 2", 0, 1, 7, MG_ERR_SYNTAX,
     "cannot assign to an expression: the left of '=' must be a name (or x.label, x.data, x.grad)"},
    {"a = ", 0, 1, 5, MG_ERR_SYNTAX, "expected an expression, found end of file"},
    {"a = 1\n  b = a *\n", 0, 2, 10, MG_ERR_SYNTAX, "expected an expression, found end of line"},
    {"a = 1; b = (a,)", 0, 1, 14, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found ','"},
};

/* Each case fails to parse with exactly its position, status and message. */
static void check_errors(const error_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const error_case *c = &cases[i];
        parsed r = parse_n(c->src, c->len ? c->len : strlen(c->src));
        if (r.p)
            fail_msg("case %zu '%s' parsed but should not", i, c->src);
        if (r.diag.line != c->line || r.diag.col != c->col || r.diag.status != c->status ||
            strcmp(r.diag.message, c->message) != 0)
            fail_msg("case %zu '%s': got %d:%d [%d] %s; want %d:%d [%d] %s", i, c->src,
                     r.diag.line, r.diag.col, r.diag.status, r.diag.message, c->line, c->col,
                     c->status, c->message);
        done(&r);
    }
}

static void every_error_with_its_position(void **state)
{
    (void)state;
    check_errors(errors, sizeof errors / sizeof *errors);
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
                        "'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq...' is not defined");
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

/* ---- the lecture's language: micrograd's straight-line Python ------------ */

/* micrograd's README example, verbatim but for its print lines. */
static const char readme_example[] =
    "from micrograd.engine import Value\n"
    "\n"
    "a = Value(-4.0)\n"
    "b = Value(2.0)\n"
    "c = a + b\n"
    "d = a * b + b**3\n"
    "c += c + 1\n"
    "c += 1 + c + (-a)\n"
    "d += d * 2 + (b + a).relu()\n"
    "d += 3 * d + (b - a).relu()\n"
    "e = c - d\n"
    "f = e**2\n"
    "g = f / 2.0\n"
    "g += 10.0 / f\n"
    "g.backward()\n";

static void micrograd_readme_verbatim(void **state)
{
    (void)state;
    for (int micrograd = 0; micrograd < 2; micrograd++) {
        parsed r;
        mg_parse_options o = {.as_micrograd = micrograd};
        r.g = mg_graph_new();
        mg_parse_with(r.g, readme_example, strlen(readme_example), &o, &r.p, &r.diag);
        assert_non_null(r.p);
        assert_int_equal(mg_program_sets_grads(r.p), 1);
        assert_string_equal(mg_program_name(r.p, mg_program_root(r.p)), "g");
        /* micrograd's own numbers, to the last bit */
        assert_same_double(data_of(&r, "g"), 24.70408163265306);
        assert_same_double(grad_of(&r, "a"), 138.83381924198252);
        assert_same_double(grad_of(&r, "b"), 645.5772594752186);
        done(&r);
    }
}

static void rebinding_makes_a_new_value(void **state)
{
    (void)state;
    parsed r = parse_ok("x = 1\ny = x * 2\nx = 5\nx += y\nz = x\n");
    /* every binding an entry; find gives the latest */
    assert_int_equal(mg_program_count(r.p), 5);
    const char *names[] = {"x", "y", "x", "x", "z"};
    const int latest[] = {0, 1, 0, 1, 1};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(mg_program_name(r.p, i), names[i]);
        assert_int_equal(mg_program_is_latest(r.p, i), latest[i]);
        assert_int_equal(mg_program_line(r.p, i), (int)i + 1);
        assert_int_equal(mg_program_col(r.p, i), 1);
    }
    assert_int_equal(mg_program_find(r.p, "x"), 3);
    assert_same_double(data_of(&r, "x"), 7.0);
    assert_same_double(data_of(&r, "y"), 2.0);
    /* y was made from the first x, which keeps its value but not the name */
    mg_value first = mg_program_value(r.p, 0), third = mg_program_value(r.p, 2);
    assert_same_double(mg_data(r.g, first), 1.0);
    assert_null(mg_label(r.g, first, NULL));
    assert_null(mg_label(r.g, third, NULL));
    assert_string_equal(mg_label(r.g, value_of(&r, "x"), NULL), "x");
    assert_int_equal(mg_value_op(r.g, value_of(&r, "x")), MG_OP_ADD);
    assert_int_equal(mg_operand(r.g, value_of(&r, "x"), 0).index, third.index);
    assert_int_equal(mg_program_sets_grads(r.p), 0);
    assert_int_equal(mg_program_root(r.p), 4);
    done(&r);
    /* a label given in the file stays on its value, as micrograd draws it */
    r = parse_ok("a = Value(1.0, label='first a')\na = a * 3\na.label = 'a'\n");
    assert_string_equal(mg_label(r.g, mg_program_value(r.p, 0), NULL), "first a");
    assert_string_equal(mg_label(r.g, value_of(&r, "a"), NULL), "a");
    done(&r);
    /* every augmented operator */
    assert_same_double(root_value("a = 2; a += 3; a -= 1; a *= 6; a /= 8; a **= 2"), 9.0);
}

static void value_constructor_and_labels(void **state)
{
    (void)state;
    parsed r = parse_ok("a = Value(2.0)\nb = Value(-3.0, label='b')\nc = Value(data=10.0, label=\"c\")\n"
                        "e = a*b; e.label = 'e'\nd = e + c; d.label = 'x1*w1 + x2*w2'\n"
                        "f = Value(-2.0, label='θ w₁ 中文')\nL = d * f; L.label = 'L'\n");
    assert_int_equal(mg_graph_size(r.g), 7);
    assert_string_equal(mg_label(r.g, value_of(&r, "a"), NULL), "a");
    assert_string_equal(mg_label(r.g, value_of(&r, "c"), NULL), "c");
    assert_string_equal(mg_label(r.g, value_of(&r, "d"), NULL), "x1*w1 + x2*w2");
    assert_string_equal(mg_label(r.g, value_of(&r, "f"), NULL), "θ w₁ 中文");
    assert_int_equal(mg_value_role(r.g, value_of(&r, "a")), MG_ROLE_INPUT);
    assert_same_double(data_of(&r, "L"), -8.0);
    assert_int_equal(mg_program_sets_grads(r.p), 0);
    done(&r);
    /* strings: both quotes, escapes, raw and triple-quoted; a docstring is a statement */
    r = parse_ok("\"\"\"a docstring\nover two lines\"\"\"\n"
                 "a = Value(1, label='it\\'s \\u03b8\\t\\x41\\\\')\nb = Value(2, label=r'\\n')\n");
    assert_string_equal(mg_label(r.g, value_of(&r, "a"), NULL), "it's θ\tA\\");
    assert_string_equal(mg_label(r.g, value_of(&r, "b"), NULL), "\\n");
    assert_int_equal(mg_program_line(r.p, 1), 4);
    done(&r);
    /* label='' is micrograd's default, no label: the name gives one; x.label = '' takes it away */
    r = parse_ok("x = Value(1.0, label='')\ny = x * 2\ny.label = \"\"\n");
    assert_string_equal(mg_label(r.g, value_of(&r, "x"), NULL), "x");
    assert_null(mg_label(r.g, value_of(&r, "y"), NULL));
    done(&r);
}

static void methods_and_attributes(void **state)
{
    (void)state;
    parsed r = parse_ok("x = Value(0.5)\nt = x.tanh(); e = x.exp(); l = x.log(); r = (x - 1).relu()\n"
                        "s = x.sigmoid(); u = Value(2.0).tanh()\nk = x.data * 4 + 1\n");
    assert_same_double(data_of(&r, "t"), (exp(1.0) - 1.0) / (exp(1.0) + 1.0)); /* the lecture's */
    assert_same_double(data_of(&r, "e"), exp(0.5));
    assert_same_double(data_of(&r, "l"), log(0.5));
    assert_same_double(data_of(&r, "r"), 0.0);
    assert_same_double(data_of(&r, "s"), 1.0 / (1.0 + exp(-0.5)));
    assert_same_double(data_of(&r, "u"), tanh(2.0));
    assert_int_equal(mg_value_op(r.g, value_of(&r, "t")), MG_OP_TANH_MICROGRAD); /* the method is micrograd's */
    /* x.data is a plain number: k is a leaf, folded */
    assert_int_equal(mg_value_op(r.g, value_of(&r, "k")), MG_OP_LEAF);
    assert_same_double(data_of(&r, "k"), 3.0);
    done(&r);
}

/* The lecture's manual backpropagation: grads set by hand, _backward() one at a time. */
static void grads_by_hand(void **state)
{
    (void)state;
    parsed r = parse_ok("a = Value(2.0, label='a'); b = Value(-3.0, label='b')\n"
                        "c = Value(10.0, label='c'); e = a*b; e.label = 'e'\n"
                        "d = e + c; d.label = 'd'; f = Value(-2.0, label='f')\n"
                        "L = d * f; L.label = 'L'\n"
                        "L.grad = 1.0\nf.grad = 4.0\nd.grad = -2.0\n"
                        "c.grad = -2.0; e.grad = -2.0\na.grad = -2.0 * -3.0\nb.grad = e.grad * a.data\n");
    assert_int_equal(mg_program_sets_grads(r.p), 1);
    assert_same_double(grad_of(&r, "a"), 6.0);
    assert_same_double(grad_of(&r, "b"), -4.0);
    assert_same_double(grad_of(&r, "L"), 1.0);
    assert_int_equal(mg_program_root(r.p), mg_program_count(r.p) - 1);
    done(&r);
    r = parse_ok("x = Value(2.0); w = Value(-3.0); n = x*w; o = n.tanh()\n"
                 "o.grad = 1.0\no._backward()\nn._backward()\n");
    assert_same_double(grad_of(&r, "n"), 1.0 - tanh(-6.0) * tanh(-6.0));
    assert_same_double(grad_of(&r, "x"), -3.0 * (1.0 - tanh(-6.0) * tanh(-6.0)));
    done(&r);
    /* the lecture's step: data nudged along the grad, then the forward pass again */
    r = parse_ok("a = Value(2.0); b = Value(-3.0); L = a * b; L.backward()\n"
                 "a.data += 0.01 * a.grad\nb.data -= 0.01 * b.grad\nL = a * b\n");
    assert_same_double(data_of(&r, "a"), 2.0 + 0.01 * -3.0);
    assert_same_double(data_of(&r, "L"), (2.0 + 0.01 * -3.0) * (-3.0 - 0.01 * 2.0));
    /* backward() marked the root: the first L */
    assert_int_equal(mg_program_root(r.p), 2);
    done(&r);
}

static void backward_and_draw_dot_mark_the_root(void **state)
{
    (void)state;
    parsed r = parse_ok("a = 3\nb = a * a\nc = b + 1\ndraw_dot(b)\n");
    assert_string_equal(mg_program_name(r.p, mg_program_root(r.p)), "b");
    assert_int_equal(mg_program_sets_grads(r.p), 0);
    assert_same_double(grad_of(&r, "a"), 0.0);
    done(&r);
    r = parse_ok("a = Value(3.0, label='a')\nb = a + a; b.label = 'b'\nb.backward()\nx = b * 2\n"
                 "draw_dot(b, format='svg', rankdir='LR')\n");
    assert_string_equal(mg_program_name(r.p, mg_program_root(r.p)), "b");
    assert_same_double(grad_of(&r, "a"), 2.0);
    assert_same_double(grad_of(&r, "x"), 0.0);
    done(&r);
}

static void python_numbers(void **state)
{
    (void)state;
    assert_same_double(root_value("x = 1_000"), 1000.0);
    assert_same_double(root_value("x = 0x10"), 16.0);
    assert_same_double(root_value("x = 0XfF"), 255.0);
    assert_same_double(root_value("x = 0o17"), 15.0);
    assert_same_double(root_value("x = 0b101"), 5.0);
    assert_same_double(root_value("x = 0b_1_0"), 2.0);
    assert_same_double(root_value("x = 1e3"), 1000.0);
    assert_same_double(root_value("x = 1_0.2_5e1_0"), 10.25e10);
    assert_same_double(root_value("x = 0"), 0.0);
    assert_same_double(root_value("x = 00"), 0.0);
    assert_same_double(root_value("x = 0x1fffffffffffff1"), 144115188075855856.0);
    assert_same_double(root_value("x = 0b11111111111111111111111111111111111111111111111111111111"),
                       72057594037927936.0);
}

static void unicode_names(void **state)
{
    (void)state;
    parsed r = parse_ok("θ = 2.0\nx = 3\nŷ = θ * x\nвес = 1; 重み = вес + ŷ\nθ·x = θ\n");
    assert_same_double(data_of(&r, "ŷ"), 6.0);
    assert_same_double(data_of(&r, "重み"), 7.0);
    assert_string_equal(mg_label(r.g, value_of(&r, "ŷ"), NULL), "ŷ");
    assert_int_equal(mg_program_find(r.p, "θ·x"), 5); /* · is XID_Continue, as in Python */
    done(&r);
}

static void parameters_marked_in_the_file(void **state)
{
    (void)state;
    parsed r = parse_ok("x1 = Value(2.0, label='x1')\n"
                        "w1 = Value(-3.0, label='w1')  # mg: param\n"
                        "b = 6.88; c = 1  #   mg: param  \n"
                        "n = x1*w1 + b  # param, not a pragma\n");
    assert_int_equal(mg_value_role(r.g, value_of(&r, "x1")), MG_ROLE_INPUT);
    assert_int_equal(mg_value_role(r.g, value_of(&r, "w1")), MG_ROLE_PARAM);
    assert_int_equal(mg_value_role(r.g, value_of(&r, "b")), MG_ROLE_PARAM);
    assert_int_equal(mg_value_role(r.g, value_of(&r, "c")), MG_ROLE_PARAM);
    assert_int_equal(mg_value_role(r.g, value_of(&r, "n")), MG_ROLE_RESULT);
    done(&r);
}

static parsed parse_micrograd(const char *src)
{
    parsed r;
    mg_parse_options o = {.as_micrograd = 1};
    r.g = mg_graph_new();
    mg_parse_with(r.g, src, strlen(src), &o, &r.p, &r.diag);
    if (!r.p)
        fail_msg("'%s' did not parse: %s", src, r.diag.message);
    return r;
}

/* The ops of the graph in creation order, as "leaf const mul add". */
static void graph_ops(const mg_graph *g, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < mg_graph_size(g); i++) {
        mg_value v = mg_value_at(g, i);
        mg_op op = mg_value_op(g, v);
        const char *word = op == MG_OP_LEAF && mg_value_role(g, v) == MG_ROLE_CONST
                               ? "const" : mg_op_info_of(op)->name;
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
    }
}

static void as_micrograd_builds_micrograds_graph(void **state)
{
    (void)state;
    static const struct {
        const char *src, *ops;
        double root;
    } cases[] = {
        {"a = 5; b = 2; y = a - b", "leaf leaf const mul add", 3.0},
        {"a = 5; b = 2; y = a / b", "leaf leaf pow mul", 2.5},
        {"a = 5; y = -a", "leaf const mul", -5.0},
        {"a = 5; y = a - 2", "leaf const add", 3.0},
        {"a = 5; y = a / 2", "leaf const mul", 2.5},
        {"a = 5; y = 2 - a", "leaf const mul const add", -3.0},
        {"a = 5; y = 2 / a", "leaf pow const mul", 0.4},
        {"a = 5; y = 2 * a + 1", "leaf const mul const add", 11.0},
        {"a = 5; y = a ** 2", "leaf pow", 25.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        parsed r = parse_micrograd(cases[i].src);
        char ops[128];
        graph_ops(r.g, ops, sizeof ops);
        if (strcmp(ops, cases[i].ops) != 0)
            fail_msg("'%s': %s, want %s", cases[i].src, ops, cases[i].ops);
        assert_same_double(data_of(&r, "y"), cases[i].root);
        done(&r);
    }
    /* 2 * a is a * 2: the constant is operand 1, as __rmul__ makes it */
    parsed r = parse_micrograd("a = 5; y = 2 * a");
    assert_int_equal(mg_operand(r.g, value_of(&r, "y"), 0).index, value_of(&r, "a").index);
    done(&r);
    /* the neuron written with exp: micrograd's last digit */
    r = parse_micrograd("x1 = Value(2.0); x2 = Value(0.0); w1 = Value(-3.0); w2 = Value(1.0)\n"
                        "b = Value(6.8813735870195432)\nn = x1*w1 + x2*w2 + b\n"
                        "e = (2*n).exp()\no = (e - 1) / (e + 1)\no.backward()\n");
    assert_same_double(data_of(&r, "o"), 0.7071067811865477);
    assert_same_double(grad_of(&r, "x1"), -1.5); /* micrograd's grads too */
    assert_same_double(grad_of(&r, "w1"), 1.0);
    assert_same_double(grad_of(&r, "x2"), 0.5);
    done(&r);
    r = parse_ok("x1 = 2.0; x2 = 0.0; w1 = -3.0; w2 = 1.0; b = 6.8813735870195432\n"
                 "n = x1*w1 + x2*w2 + b\ne = exp(2*n)\no = (e - 1) / (e + 1)\n");
    assert_same_double(data_of(&r, "o"), 0.7071067811865476);
    done(&r);
}

static void pow_of_values_and_constants(void **state)
{
    (void)state;
    /* a constant exponent stays one pow value, no exponent leaf */
    parsed r = parse_ok("x = 3; y = x ** 2; z = x ** (1 + 1)");
    char ops[128];
    graph_ops(r.g, ops, sizeof ops);
    assert_string_equal(ops, "leaf pow pow");
    done(&r);
    r = parse_ok("a = 2; b = 3; y = a ** b; z = 2 ** a");
    graph_ops(r.g, ops, sizeof ops);
    assert_string_equal(ops, "leaf leaf powv const powv");
    mg_backward(r.g, value_of(&r, "y"));
    assert_same_double(data_of(&r, "y"), 8.0);
    assert_same_double(grad_of(&r, "a"), 12.0);        /* b a^(b-1) */
    assert_same_double(grad_of(&r, "b"), 8.0 * log(2.0)); /* ln(a) a^b */
    done(&r);
}

static void mg_suggest_finds_misspellings(void **state)
{
    (void)state;
    static const char *const words[] = {"draw", "grad", "check", "steps", "train", "bench", NULL};
    assert_string_equal(mg_suggest("drwa", 4, words, 7), "draw");
    assert_string_equal(mg_suggest("grd", 3, words, 7), "grad");
    assert_string_equal(mg_suggest("trian", 5, words, 7), "train");
    assert_string_equal(mg_suggest("chekc", 5, words, 7), "check");
    assert_null(mg_suggest("draw", 4, words, 7));  /* no misspelling */
    assert_null(mg_suggest("xyzzy", 5, words, 7)); /* nothing near */
    assert_null(mg_suggest("d", 1, words, 7));
    assert_null(mg_suggest(NULL, 0, words, 7));
    static const char *const options[] = {"--json", "--root", "--strict"};
    assert_string_equal(mg_suggest("--jsn", 5, options, 3), "--json");
    assert_string_equal(mg_suggest("--stirct", 8, options, 3), "--strict");
    assert_int_equal(mg_edit_distance("tnah", 4, "tanh", 4, 5), 1);
    assert_int_equal(mg_edit_distance("kitten", 6, "sitting", 7, 5), 3);
    assert_int_equal(mg_edit_distance("kitten", 6, "sitting", 7, 2), 3); /* capped: limit + 1 */
    assert_int_equal(mg_edit_distance("", 0, "abc", 3, 5), 3);
}

/* Every new construct's errors, with their exact positions. */
static const error_case lecture_errors[] = {
    {"a = 1; b = a ^ 2", 0, 1, 14, MG_ERR_SYNTAX,
     "'^' is not a power in Python (it is bitwise xor): write x ** 2"},
    {"a = 1; b = tnah(a)", 0, 1, 12, MG_ERR_NAME,
     "unknown function 'tnah': did you mean 'tanh'? (functions: Value tanh exp log relu sigmoid "
     "draw_dot)"},
    {"a = 1; b = a.tnah()", 0, 1, 14, MG_ERR_NAME,
     "a Value has no attribute 'tnah': did you mean 'tanh'? (it has data, grad, label and the "
     "methods tanh() exp() log() relu() sigmoid() backward())"},
    {"res = 1; y = rse * 2", 0, 1, 14, MG_ERR_NAME, "'rse' is not defined: did you mean 'res'?"},
    {"import math\nimport numpy as np", 0, 2, 1, MG_ERR_SYNTAX,
     "'import numpy': this language has no modules (micrograd's own imports are taken, and "
     "ignored)"},
    {"from graphviz import Digraph", 0, 1, 1, MG_ERR_SYNTAX,
     "'from graphviz': this language has no modules (micrograd's own imports are taken, and "
     "ignored); 'micrograd draw FILE' draws the graph"},
    {"a = 1\nfor i in range(3):", 0, 2, 1, MG_ERR_SYNTAX,
     "'for' (a loop) is not part of this language: 'micrograd train' runs a training loop"},
    {"while x:", 0, 1, 1, MG_ERR_SYNTAX,
     "'while' (a loop) is not part of this language: 'micrograd train' runs a training loop"},
    {"def f(x):", 0, 1, 1, MG_ERR_SYNTAX,
     "'def' (a function) is not part of this language: write its body out, one "
     "'name = expression' per line"},
    {"class Value:", 0, 1, 1, MG_ERR_SYNTAX, "'class' is not part of this language: Value is built in"},
    {"if a > 0:", 0, 1, 1, MG_ERR_SYNTAX,
     "'if' is not part of this language: it takes straight-line code (assignments, Value(...), "
     "operators and methods)"},
    {"a = 1\nprint(a.data)", 0, 2, 1, MG_ERR_NAME,
     "print(...) is not needed: 'micrograd grad FILE' prints every value"},
    {"n = MLP(3, [4, 4, 1])", 0, 1, 5, MG_ERR_NAME,
     "MLP(...) is micrograd's nn module: 'micrograd train' trains a network, "
     "'micrograd draw --mlp 3,4,4,1' draws one"},
    {"n = Neuron(2)", 0, 1, 5, MG_ERR_NAME,
     "Neuron(...) is micrograd's nn module: 'micrograd draw --mlp 2,1' draws a neuron, "
     "or write it out: n = x1*w1 + x2*w2 + b"},
    {"l = Layer(3, 4)", 0, 1, 5, MG_ERR_NAME,
     "Layer(...) is micrograd's nn module: 'micrograd draw --mlp 3,4' draws a layer"},
    {"x = 1/0", 0, 1, 6, MG_ERR_INVALID, "division by zero (Python raises ZeroDivisionError)"},
    {"a = 1; a.grad /= 0", 0, 1, 15, MG_ERR_INVALID,
     "division by zero (Python raises ZeroDivisionError)"},
    {"x = 0**-1", 0, 1, 6, MG_ERR_INVALID,
     "0 cannot be raised to a negative power (Python raises ZeroDivisionError)"},
    {"x = (-8)**(1/3)", 0, 1, 9, MG_ERR_INVALID,
     "a negative number to a fractional power is a complex number in Python"},
    {"x = 10.0**400", 0, 1, 9, MG_ERR_INVALID, "'**' overflows (Python raises OverflowError)"},
    {"w\xe2\x82\x81 = 1", 0, 1, 2, MG_ERR_SYNTAX,
     "invalid character '\xe2\x82\x81' (U+2081) in a name (a label can hold it: "
     "Value(1.0, label='\xe2\x82\x81'))"},
    {"x = 007", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '007'"},
    {"x = 1__0", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '1__0'"},
    {"x = 0x", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '0x'"},
    {"x = 1j", 0, 1, 5, MG_ERR_SYNTAX, "invalid number '1j'"},
    {"x = 'abc", 0, 1, 5, MG_ERR_SYNTAX, "this string is never closed"},
    {"x = 'abc\ny = 2'", 0, 1, 5, MG_ERR_SYNTAX, "this string is never closed"},
    {"x = Value(1, label='\\x4')", 0, 1, 20, MG_ERR_SYNTAX, "bad '\\x' escape in a string"},
    {"x = 'text'", 0, 1, 5, MG_ERR_SYNTAX,
     "a name holds a Value, not text: give a label with Value(1.0, label='...') or x.label = '...'"},
    {"x = Value(2.0, lable='x')", 0, 1, 16, MG_ERR_NAME,
     "Value() has no argument 'lable': did you mean 'label'? (it takes data and label)"},
    {"x = Value()", 0, 1, 5, MG_ERR_SYNTAX, "Value() needs its data: Value(2.0)"},
    {"x = Value(1, 2)", 0, 1, 14, MG_ERR_SYNTAX,
     "Value()'s _children is micrograd's own bookkeeping: build values with + - * / ** and the "
     "methods, and give a label with label='...'"},
    {"x = Value(1, data=2)", 0, 1, 19, MG_ERR_SYNTAX, "Value() got data twice"},
    {"x = Value(1, label=2)", 0, 1, 20, MG_ERR_SYNTAX, "a label is text: label='...'"},
    {"x = Value('a')", 0, 1, 11, MG_ERR_SYNTAX, "Value() takes a number"},
    {"a = 1; x = Value(a)", 0, 1, 18, MG_ERR_SYNTAX,
     "Value() takes a number; this is already a Value"},
    {"x = Value(Value(1))", 0, 1, 11, MG_ERR_SYNTAX,
     "Value(...) inside a call's arguments: give it a name first"},
    {"x = Value(1, label='a', data=1, _op='+', more=1)", 0, 1, 42, MG_ERR_SYNTAX,
     "Value(...) takes at most 4 arguments"},
    {"x = Value(1.0\ny = 2", 0, 1, 10, MG_ERR_SYNTAX, "this '(' is never closed"},
    {"x = (1 +\ny = 2", 0, 1, 5, MG_ERR_SYNTAX, "this '(' is never closed"},
    {"x = Value", 0, 1, 5, MG_ERR_SYNTAX, "'Value' is a function: write Value(x)"},
    {"Value = 2", 0, 1, 1, MG_ERR_NAME, "'Value' is a function name and cannot be assigned"},
    {"c += 1", 0, 1, 1, MG_ERR_NAME, "'c' is not defined"},
    {"c.grad = 1", 0, 1, 1, MG_ERR_NAME, "'c' is not defined"},
    {"a = 1; a.foo = 2", 0, 1, 10, MG_ERR_NAME,
     "'foo' cannot be set: a Value's label, data and grad can"},
    {"a = 1; a.label += 'x'", 0, 1, 16, MG_ERR_SYNTAX, "a label is set with '='"},
    {"a = 1; a.label = 2", 0, 1, 18, MG_ERR_SYNTAX, "a label is text: x.label = '...'"},
    {"a = 1; b = a.label", 0, 1, 14, MG_ERR_SYNTAX,
     "a label can be set (x.label = '...') but not computed with"},
    {"a = 1; b = a.tanh", 0, 1, 14, MG_ERR_SYNTAX, "'tanh' is a method: write x.tanh()"},
    {"a = 1; b = a.tanh(2)", 0, 1, 19, MG_ERR_SYNTAX, "tanh() takes no arguments"},
    {"b = (2.0).exp()", 0, 1, 11, MG_ERR_SYNTAX, "only a Value has .exp: write Value(2.0).exp()"},
    {"a = 1; b = a.", 0, 1, 14, MG_ERR_SYNTAX,
     "expected a method or attribute name after '.', found end of file"},
    {"a = 1; b = a.backward()", 0, 1, 14, MG_ERR_SYNTAX, "backward() gives nothing (None) to name"},
    {"a = 1; b = a.backward() + 1", 0, 1, 14, MG_ERR_SYNTAX,
     "backward() gives nothing (None) to compute with"},
    {"a = 1; (a * 2).backward()", 0, 1, 16, MG_ERR_SYNTAX,
     "backward() runs from a name: L = ...; L.backward()"},
    {"a = 1; draw_dot(a * 2)", 0, 1, 8, MG_ERR_SYNTAX,
     "draw_dot() takes the name of the value to draw: draw_dot(L)"},
    {"a = 1; b = 'x' + a", 0, 1, 12, MG_ERR_SYNTAX,
     "a string is not a number (text goes in a label: Value(1.0, label='...'))"},
    {"a = Value(1.0)\nb = a * 2  # mg: param", 0, 2, 1, MG_ERR_SYNTAX,
     "'# mg: param' marks a leaf, and 'b' is made by '*'"},
    {"'''doc\nmore'''\nb = zz", 0, 3, 5, MG_ERR_NAME, "'zz' is not defined"},
    {"a = 1\nb = '''x\ny\nz", 0, 2, 5, MG_ERR_SYNTAX, "this string is never closed"},
    {"x = 1 \"\"\"two\nlines\"\"\"", 0, 1, 7, MG_ERR_SYNTAX,
     "expected an operator or the end of the statement, found a string"},
    {"ys = [1.0, -1.0, -1.0, 1.0]", 0, 1, 6, MG_ERR_SYNTAX,
     "'[': lists and dicts are not part of this language (one name per value; "
     "'micrograd train --data FILE.csv' trains on a data set)"},
};

static void lecture_errors_with_their_positions(void **state)
{
    (void)state;
    check_errors(lecture_errors, sizeof lecture_errors / sizeof *lecture_errors);
    /* micrograd's ** takes only a number exponent */
    parsed r;
    mg_parse_options o = {.as_micrograd = 1};
    r.g = mg_graph_new();
    assert_int_equal(mg_parse_with(r.g, "a = 2; b = a ** a", 17, &o, &r.p, &r.diag), MG_ERR_SYNTAX);
    assert_int_equal(mg_graph_status(r.g), MG_ERR_SYNTAX);
    assert_null(r.p);
    assert_int_equal(r.diag.col, 14);
    assert_string_equal(r.diag.message,
                        "micrograd's '**' takes a Value and a number exponent (int or float)");
    done(&r);
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
        cmocka_unit_test(micrograd_readme_verbatim),
        cmocka_unit_test(rebinding_makes_a_new_value),
        cmocka_unit_test(value_constructor_and_labels),
        cmocka_unit_test(methods_and_attributes),
        cmocka_unit_test(grads_by_hand),
        cmocka_unit_test(backward_and_draw_dot_mark_the_root),
        cmocka_unit_test(python_numbers),
        cmocka_unit_test(unicode_names),
        cmocka_unit_test(parameters_marked_in_the_file),
        cmocka_unit_test(as_micrograd_builds_micrograds_graph),
        cmocka_unit_test(pow_of_values_and_constants),
        cmocka_unit_test(mg_suggest_finds_misspellings),
        cmocka_unit_test(lecture_errors_with_their_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
