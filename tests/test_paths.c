/* Tests of the chain rule along paths (micrograd/paths.h): the lecture's
 * numbers, a value used twice, the sum against the engine's grads on the
 * examples, values the root does not depend on, too many paths, bad handles. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

#include <micrograd/engine.h>
#include <micrograd/parse.h>
#include <micrograd/paths.h>

/* ---- helpers ------------------------------------------------------------- */

static mg_paths *paths_of(const mg_graph *g, mg_value root, mg_value target, size_t max)
{
    mg_paths *p = NULL;
    mg_error err;
    mg_status s = mg_paths_find(g, root, target, max, &p, &err);
    if (s != MG_OK)
        fail_msg("mg_paths_find: %s (%s)", mg_status_str(s), err.message);
    assert_non_null(p);
    return p;
}

/* An example file parsed into g; its program in *prog. */
static void load_example(mg_graph *g, const char *name, mg_program **prog)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", MG_EXAMPLES_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char src[8192];
    size_t len = fread(src, 1, sizeof src, f);
    fclose(f);
    mg_error err;
    if (mg_parse(g, src, len, prog, &err) != MG_OK)
        fail_msg("%s: %s", name, err.message);
}

static mg_value named(const mg_program *prog, const char *name)
{
    long i = mg_program_find(prog, name);
    assert_true(i >= 0);
    return mg_program_value(prog, (size_t)i);
}

/* ---- the lecture's numbers ----------------------------------------------- */

/* dL/da = (-2)·1·(-3) = 6 along L -> d -> e -> a. */
static void lecture_l_to_a(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_program *prog;
    load_example(g, "L.mg", &prog);
    mg_value L = named(prog, "L"), d = named(prog, "d"), e = named(prog, "e"),
             a = named(prog, "a");
    mg_paths *p = paths_of(g, L, a, 16);
    assert_int_equal(mg_paths_count(p), 1);
    assert_int_equal(mg_paths_total(p), 1);
    assert_false(mg_paths_truncated(p));
    assert_int_equal(mg_paths_length(p, 0), 4);
    const mg_value want[] = {L, d, e, a};
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(mg_paths_value(p, 0, j).index, want[j].index);
    assert_same_double(mg_paths_local_grad(p, 0, 0), -2.0);
    assert_same_double(mg_paths_local_grad(p, 0, 1), 1.0);
    assert_same_double(mg_paths_local_grad(p, 0, 2), -3.0);
    assert_true(isnan(mg_paths_local_grad(p, 0, 3)));
    assert_int_equal(mg_paths_operand(p, 0, 0), 0);
    assert_int_equal(mg_paths_operand(p, 0, 1), 0);
    assert_int_equal(mg_paths_operand(p, 0, 2), 0);
    assert_int_equal(mg_paths_operand(p, 0, 3), -1);
    assert_same_double(mg_paths_product(p, 0), 6.0);
    assert_same_double(mg_paths_sum(p), 6.0);
    mg_paths_free(p);
    mg_program_free(prog);
    mg_graph_free(g);
}

/* b = a + a: two paths, one per operand, 1 + 1 = 2. */
static void value_used_twice(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a");
    mg_value b = mg_add(g, a, a);
    mg_paths *p = paths_of(g, b, a, 16);
    assert_int_equal(mg_paths_count(p), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(mg_paths_length(p, i), 2);
        assert_int_equal(mg_paths_value(p, i, 0).index, b.index);
        assert_int_equal(mg_paths_value(p, i, 1).index, a.index);
        assert_int_equal(mg_paths_operand(p, i, 0), (int)i);
        assert_same_double(mg_paths_local_grad(p, i, 0), 1.0);
        assert_same_double(mg_paths_product(p, i), 1.0);
    }
    assert_same_double(mg_paths_sum(p), 2.0);
    mg_backward(g, b);
    assert_same_double(mg_paths_sum(p), mg_grad(g, a));
    mg_paths_free(p);
    mg_graph_free(g);
}

/* The root itself: one path of one value, product 1 (d L / d L). */
static void root_to_itself(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a"), y = mg_tanh(g, a);
    mg_paths *p = paths_of(g, y, y, 16);
    assert_int_equal(mg_paths_count(p), 1);
    assert_int_equal(mg_paths_length(p, 0), 1);
    assert_int_equal(mg_paths_value(p, 0, 0).index, y.index);
    assert_int_equal(mg_paths_operand(p, 0, 0), -1);
    assert_same_double(mg_paths_product(p, 0), 1.0);
    assert_same_double(mg_paths_sum(p), 1.0);
    mg_paths_free(p);
    mg_graph_free(g);
}

/* ---- against the engine -------------------------------------------------- */

/* 1 if backward computes path 0's product in the same order: one path (so
 * no sum at a shared value) and no edge where the engine divides instead of
 * multiplying by the local derivative (/'s first operand: grad / b; log:
 * grad / a). */
static int same_order(const mg_graph *g, const mg_paths *p)
{
    if (mg_paths_total(p) != 1)
        return 0;
    for (size_t j = 0; j + 1 < mg_paths_length(p, 0); j++) {
        mg_op op = mg_value_op(g, mg_paths_value(p, 0, j));
        if ((op == MG_OP_DIV && mg_paths_operand(p, 0, j) == 0) || op == MG_OP_LOG)
            return 0;
    }
    return 1;
}

/* For every value of every example: the sum over paths is the engine's grad.
 * Bit for bit where the arithmetic is the same; otherwise within 1e-12 of
 * max(1, |grad|): where paths share a value, backward adds their grads there
 * before multiplying on (l·(x + y)), the paths multiply first (l·x + l·y),
 * and the two round differently in the last bits. */
static void sum_is_the_engines_grad(void **state)
{
    (void)state;
    const char *files[] = {"L.mg", "neuron.mg", "neuron_exp.mg"};
    int exact = 0, near = 0;
    for (size_t f = 0; f < 3; f++) {
        mg_graph *g = mg_graph_new();
        mg_program *prog;
        load_example(g, files[f], &prog);
        mg_value root = mg_program_value(prog, mg_program_root(prog));
        mg_backward(g, root);
        for (size_t i = 0; i < mg_graph_size(g); i++) {
            mg_value v = mg_value_at(g, i);
            mg_paths *p = paths_of(g, root, v, 1000);
            assert_false(mg_paths_truncated(p));
            if (mg_paths_total(p) == 0) {
                assert_same_double(mg_grad(g, v), 0.0);
            } else if (same_order(g, p)) {
                assert_true(mg_paths_sum(p) == mg_grad(g, v));
                exact++;
            } else {
                assert_close(mg_paths_sum(p), mg_grad(g, v), 1e-12);
                near++;
            }
            mg_paths_free(p);
        }
        mg_program_free(prog);
        mg_graph_free(g);
    }
    /* L and the neuron: every value on one path, none through / or log (7 +
     * 10); the neuron written with exp: o, e + 1 and its 1 (e is used twice,
     * so e and everything below it have two paths; e - 1 and its 1 are
     * reached through /'s first operand) */
    assert_int_equal(exact, 7 + 10 + 3);
    assert_int_equal(near, 14);
}

/* ---- no path, many paths ------------------------------------------------- */

/* examples/L.mg with d as the root: f comes after d, c is unrelated to e. */
static void value_the_root_does_not_depend_on(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_program *prog;
    load_example(g, "L.mg", &prog);
    mg_value d = named(prog, "d"), f = named(prog, "f"), e = named(prog, "e"),
             c = named(prog, "c");
    const mg_value pairs[][2] = {{d, f}, {e, c}};
    for (size_t k = 0; k < 2; k++) {
        mg_paths *p = paths_of(g, pairs[k][0], pairs[k][1], 16);
        assert_int_equal(mg_paths_count(p), 0);
        assert_int_equal(mg_paths_total(p), 0);
        assert_false(mg_paths_truncated(p));
        assert_same_double(mg_paths_sum(p), 0.0);
        assert_int_equal(mg_paths_length(p, 0), 0);
        assert_false(mg_value_ok(mg_paths_value(p, 0, 0)));
        assert_true(isnan(mg_paths_product(p, 0)));
        mg_paths_free(p);
    }
    mg_program_free(prog);
    mg_graph_free(g);
}

/* y_k = y_(k-1) + y_(k-1): 2^k paths. The first max are listed (operand 0
 * first: every edge of path 0 is operand 0, path 1 differs at the last). */
static void more_paths_than_asked(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1.0, "x"), y = x;
    for (int k = 0; k < 10; k++)
        y = mg_add(g, y, y);
    mg_paths *p = paths_of(g, y, x, 5);
    assert_int_equal(mg_paths_count(p), 5);
    assert_int_equal(mg_paths_total(p), 1024);
    assert_true(mg_paths_truncated(p));
    assert_same_double(mg_paths_sum(p), 5.0);
    assert_int_equal(mg_paths_operand(p, 0, 9), 0);
    assert_int_equal(mg_paths_operand(p, 1, 9), 1);
    assert_int_equal(mg_paths_operand(p, 1, 8), 0);
    mg_paths_free(p);
    p = paths_of(g, y, x, 0);
    assert_int_equal(mg_paths_count(p), 0);
    assert_true(mg_paths_truncated(p));
    mg_paths_free(p);
    for (int k = 0; k < 70; k++) /* 2^80 paths: the count saturates */
        y = mg_add(g, y, y);
    p = paths_of(g, y, x, 2);
    assert_int_equal(mg_paths_total(p), SIZE_MAX);
    assert_int_equal(mg_paths_count(p), 2);
    mg_paths_free(p);
    mg_graph_free(g);
}

/* ---- bad handles --------------------------------------------------------- */

static void expect_refusal(const mg_graph *g, mg_value root, mg_value target, mg_status want,
                           const char *message)
{
    mg_paths *p = (mg_paths *)&p; /* must be set to NULL */
    mg_error err;
    assert_int_equal(mg_paths_find(g, root, target, 16, &p, &err), want);
    assert_null(p);
    assert_int_equal(err.status, want);
    assert_string_equal(err.message, message);
}

static void bad_handles(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_mark mark = mg_graph_mark(g);
    mg_value y = mg_tanh(g, a);
    mg_value z = mg_leaf(other, 1.0, "z");
    expect_refusal(NULL, y, a, MG_ERR_INVALID,
                   "mg_paths_find: no graph or no place for the paths");
    assert_int_equal(mg_paths_find(g, y, a, 16, NULL, NULL), MG_ERR_INVALID);
    expect_refusal(g, MG_NONE, a, MG_ERR_INVALID,
                   "mg_paths_find: the root is MG_NONE (the result of an earlier error)");
    expect_refusal(g, y, MG_NONE, MG_ERR_INVALID,
                   "mg_paths_find: the target is MG_NONE (the result of an earlier error)");
    expect_refusal(g, z, a, MG_ERR_FOREIGN,
                   "mg_paths_find: the root (value 0) belongs to another graph");
    mg_graph_reset(g, mark);
    expect_refusal(g, y, a, MG_ERR_FOREIGN,
                   "mg_paths_find: the root (value 1) no longer exists (dropped by a reset)");
    /* the graph is only read: no sticky error */
    assert_int_equal(mg_graph_status(g), MG_OK);
    /* the accessors take NULL */
    assert_int_equal(mg_paths_count(NULL), 0);
    assert_int_equal(mg_paths_total(NULL), 0);
    assert_false(mg_paths_truncated(NULL));
    assert_same_double(mg_paths_sum(NULL), 0.0);
    mg_paths_free(NULL);
    mg_graph_free(g);
    mg_graph_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lecture_l_to_a),
        cmocka_unit_test(value_used_twice),
        cmocka_unit_test(root_to_itself),
        cmocka_unit_test(sum_is_the_engines_grad),
        cmocka_unit_test(value_the_root_does_not_depend_on),
        cmocka_unit_test(more_paths_than_asked),
        cmocka_unit_test(bad_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
