/* The gradient check: the lecture's numbers exactly, the leaves and values it
 * lists, kinks, steps scaled to large values and large roots, the cost of a
 * nudge, and its errors. */
#include <micrograd/check.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* The first example of the video: L = (a*b + c) * f, values in this order. */
typedef struct video {
    mg_graph *g;
    mg_value a, b, c, e, d, f, L;
} video;

static video video_new(void)
{
    video v;
    v.g = mg_graph_new();
    v.a = mg_leaf(v.g, 2.0, "a");
    v.b = mg_leaf(v.g, -3.0, "b");
    v.c = mg_leaf(v.g, 10.0, "c");
    v.e = mg_mul(v.g, v.a, v.b);
    v.d = mg_add(v.g, v.e, v.c);
    v.f = mg_leaf(v.g, -2.0, "f");
    v.L = mg_mul(v.g, v.d, v.f);
    return v;
}

static void leaves_of_the_video_example(void **state)
{
    (void)state;
    video v = video_new();
    mg_check_report r;
    mg_error err;
    assert_int_equal(mg_check(v.g, v.L, NULL, &r, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    assert_int_equal(r.count, 4);
    const mg_value want[] = {v.a, v.b, v.c, v.f};
    const double grads[] = {6.0, -4.0, -2.0, 4.0};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r.results[i].value.index, want[i].index);
        assert_same_double(r.results[i].analytic, grads[i]);
        assert_close(r.results[i].numeric, grads[i], 1e-9);
        assert_int_equal(r.results[i].verdict, MG_CHECK_OK);
    }
    assert_int_equal(r.failed, 0);
    assert_int_equal(r.kinks, 0);
    /* the grads are backward's, and the data untouched */
    assert_same_double(mg_grad(v.g, v.a), 6.0);
    assert_same_double(mg_grad(v.g, v.L), 1.0);
    assert_same_double(mg_data(v.g, v.L), -8.0);
    assert_same_double(mg_data(v.g, v.d), 4.0);
    mg_check_report_free(&r);
    assert_int_equal(r.count, 0);
    assert_null(r.results);
    mg_graph_free(v.g);
}

/* The lecture's nudges, h = 0.001 exactly, forward difference, every value:
 * the numbers its notebook prints. */
static void the_lecture_numbers(void **state)
{
    (void)state;
    video v = video_new();
    mg_check_options o = mg_check_options_default();
    o.values = MG_CHECK_ALL;
    o.scheme = MG_CHECK_FORWARD;
    o.h = 0.001;
    o.exact_step = 1;
    o.tol = 1e-3;
    mg_check_report r;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, NULL), MG_OK);
    assert_int_equal(r.count, 7);
    const double numeric[] = {6.000000000000227, -3.9999999999995595, -1.9999999999988916,
                              -2.000000000000668, -2.000000000000668, 3.9999999999995595,
                              1.000000000000334};
    const mg_value order[] = {v.a, v.b, v.c, v.e, v.d, v.f, v.L};
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r.results[i].value.index, order[i].index);
        assert_same_double(r.results[i].numeric, numeric[i]);
        assert_same_double(r.results[i].step, 0.001);
        assert_int_equal(r.results[i].verdict, MG_CHECK_OK);
    }
    mg_check_report_free(&r);
    mg_graph_free(v.g);
}

/* Only what the root depends on: d's check lists a, b, c, not f. */
static void only_what_the_root_depends_on(void **state)
{
    (void)state;
    video v = video_new();
    mg_check_report r;
    assert_int_equal(mg_check(v.g, v.d, NULL, &r, NULL), MG_OK);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.results[0].value.index, v.a.index);
    assert_int_equal(r.results[1].value.index, v.b.index);
    assert_int_equal(r.results[2].value.index, v.c.index);
    assert_same_double(mg_grad(v.g, v.d), 1.0);
    assert_same_double(mg_grad(v.g, v.a), -3.0);
    mg_check_report_free(&r);
    mg_graph_free(v.g);
}

/* A list: only its values, each once, in its order; those root does not
 * depend on and (for leaves) the non-leaves are left out. */
static void only_a_list(void **state)
{
    (void)state;
    video v = video_new();
    mg_check_options o = mg_check_options_default();
    const mg_value list[] = {v.f, v.e, v.a, v.f, v.a};
    o.only = list;
    o.only_count = 5;
    mg_check_report r;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, NULL), MG_OK);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.results[0].value.index, v.f.index);
    assert_int_equal(r.results[1].value.index, v.a.index);
    mg_check_report_free(&r);
    o.values = MG_CHECK_ALL;
    const mg_value under_e[] = {v.c, v.f, v.e, v.a};
    o.only = under_e;
    o.only_count = 4;
    assert_int_equal(mg_check(v.g, v.e, &o, &r, NULL), MG_OK);
    assert_int_equal(r.count, 2); /* c (made before e) and f (after): not under e */
    assert_int_equal(r.results[0].value.index, v.e.index);
    assert_int_equal(r.results[1].value.index, v.a.index);
    mg_check_report_free(&r);
    mg_graph_free(v.g);
}

/* relu at 0 is not differentiable: a kink, not a failure, in either scheme;
 * the same relu away from 0 checks fine. */
static void a_relu_at_zero_is_a_kink(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 0.0, "x");
    mg_value y = mg_relu(g, x);
    mg_check_options o = mg_check_options_default();
    for (int scheme = MG_CHECK_CENTRAL; scheme <= MG_CHECK_FORWARD; scheme++) {
        o.scheme = (mg_check_scheme)scheme;
        mg_check_report r;
        assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
        assert_int_equal(r.count, 1);
        assert_int_equal(r.results[0].verdict, MG_CHECK_KINK);
        assert_same_double(r.results[0].analytic, 0.0);
        assert_same_double(r.results[0].numeric, scheme == MG_CHECK_CENTRAL ? 0.5 : 1.0);
        assert_int_equal(r.kinks, 1);
        assert_int_equal(r.failed, 0);
        mg_check_report_free(&r);
    }
    /* just beside the kink, within a step: still a kink */
    mg_set_data(g, x, 1e-7);
    mg_forward(g);
    mg_check_report r;
    o.scheme = MG_CHECK_CENTRAL;
    assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_KINK);
    mg_check_report_free(&r);
    mg_set_data(g, x, 0.5);
    mg_forward(g);
    assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_OK);
    assert_int_equal(r.kinks, 0);
    mg_check_report_free(&r);
    mg_graph_free(g);
}

/* A wrong grad fails: the check compares against backward's grads, so a grad
 * changed after would not show; a function the engine gets right cannot fail,
 * so fail it through the tolerance. */
static void a_difference_beyond_the_tolerance_fails(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value y = mg_pow(g, x, 3.0);
    mg_check_options o = mg_check_options_default();
    o.exact_step = 1;
    o.h = 0.1; /* central: 27 + h² = 27.01 */
    mg_check_report r;
    assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_FAIL);
    assert_int_equal(r.failed, 1);
    assert_close(r.results[0].numeric, 27.01, 1e-12);
    mg_check_report_free(&r);
    o.tol = 1e-3;
    assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_OK);
    mg_check_report_free(&r);
    mg_graph_free(g);
}

/* h scaled to the value: x = 1e8, y = x + 1 passes (an absolute 1e-6 gives
 * 0.998...), with a power-of-two step. */
static void the_step_scales_with_the_value(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1e8, "x");
    mg_value y = mg_add_vd(g, x, 1.0);
    mg_check_report r;
    assert_int_equal(mg_check(g, y, NULL, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_OK);
    assert_same_double(r.results[0].numeric, 1.0);
    assert_same_double(r.results[0].step, 128.0);
    mg_check_report_free(&r);
    mg_check_options o = mg_check_options_default();
    o.exact_step = 1;
    assert_int_equal(mg_check(g, y, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_FAIL);
    mg_check_report_free(&r);
    mg_graph_free(g);
}

/* A sum of 5,000 leaves x_i = i: a root of 12.5 million drowns a 1e-6 step
 * of x_1 in rounding; the grown step checks every leaf. */
static void a_large_root_grows_the_step(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    enum { N = 5000 };
    mg_value sum = mg_leaf(g, 1.0, "x1");
    for (int i = 2; i <= N; i++)
        sum = mg_add(g, sum, mg_leaf(g, (double)i, NULL));
    mg_check_report r;
    assert_int_equal(mg_check(g, sum, NULL, &r, NULL), MG_OK);
    assert_int_equal(r.count, N);
    assert_int_equal(r.failed, 0);
    for (size_t i = 0; i < r.count; i++)
        assert_same_double(r.results[i].numeric, 1.0);
    assert_true(r.results[0].step > 1e-3);
    mg_check_report_free(&r);
    mg_graph_free(g);
}

/* A nudge recomputes only what depends on the nudged value: a leaf at the end
 * of a 200,000-link chain sees only the last product move, one at its start
 * every link; both come out right. */
static void a_nudge_recomputes_only_what_follows(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value k = mg_leaf(g, 0.5, "k");
    mg_value y = mg_leaf(g, 1.0, "y0");
    for (int i = 0; i < 200000; i++)
        y = mg_add(g, y, k);
    mg_value last = mg_leaf(g, 2.0, "last");
    mg_value root = mg_mul(g, y, last);
    mg_check_options o = mg_check_options_default();
    o.only = &last;
    o.only_count = 1;
    mg_check_report r;
    assert_int_equal(mg_check(g, root, &o, &r, NULL), MG_OK);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.results[0].verdict, MG_CHECK_OK);
    assert_same_double(r.results[0].numeric, 100001.0);
    mg_check_report_free(&r);
    /* k feeds every link: d root / d k = 200000 * last, exactly (the sums
     * of halves and a power-of-two step round nowhere) */
    o.only = &k;
    assert_int_equal(mg_check(g, root, &o, &r, NULL), MG_OK);
    assert_int_equal(r.results[0].verdict, MG_CHECK_OK);
    assert_same_double(r.results[0].analytic, 400000.0);
    assert_same_double(r.results[0].numeric, 400000.0);
    mg_check_report_free(&r);
    mg_graph_free(g);
}

typedef struct progress_log {
    size_t calls, last_done, total;
    int in_order;
} progress_log;

static void log_progress(void *ctx, size_t done, size_t total)
{
    progress_log *p = ctx;
    p->in_order &= done == p->last_done + 1;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

static void progress_is_reported(void **state)
{
    (void)state;
    video v = video_new();
    progress_log log = {.in_order = 1};
    mg_check_options o = mg_check_options_default();
    o.progress = log_progress;
    o.progress_ctx = &log;
    mg_check_report r;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, NULL), MG_OK);
    assert_int_equal(log.calls, 4);
    assert_int_equal(log.last_done, 4);
    assert_int_equal(log.total, 4);
    assert_true(log.in_order);
    mg_check_report_free(&r);
    mg_graph_free(v.g);
}

static void errors_are_reported_and_recorded(void **state)
{
    (void)state;
    video v = video_new();
    mg_check_report r = {.count = 99};
    mg_error err;
    mg_check_options o = mg_check_options_default();
    o.h = 0.0;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, &err), MG_ERR_INVALID);
    assert_int_equal(r.count, 0);
    assert_null(r.results);
    assert_string_equal(err.message, "mg_check: h and tol must be finite and positive");
    assert_int_equal(mg_graph_status(v.g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(v.g), err.message);
    /* a graph in error: its status, and nothing checked */
    assert_int_equal(mg_check(v.g, v.L, NULL, &r, &err), MG_ERR_INVALID);
    assert_string_equal(err.message,
                        "the graph is in error: mg_check: h and tol must be finite and positive");
    mg_graph_clear_error(v.g);

    o = mg_check_options_default();
    o.tol = (double)NAN;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, NULL), MG_ERR_INVALID);
    mg_graph_clear_error(v.g);
    o = mg_check_options_default();
    o.scheme = (mg_check_scheme)7;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, NULL), MG_ERR_INVALID);
    mg_graph_clear_error(v.g);

    assert_int_equal(mg_check(v.g, MG_NONE, NULL, &r, &err), MG_ERR_INVALID);
    assert_string_equal(err.message,
                        "mg_check: the root is MG_NONE (the result of an earlier error)");
    mg_graph_clear_error(v.g);

    mg_graph *other = mg_graph_new();
    mg_value stranger = mg_leaf(other, 1.0, "s");
    assert_int_equal(mg_check(v.g, stranger, NULL, &r, &err), MG_ERR_FOREIGN);
    assert_string_equal(err.message, "mg_check: the root 0 is not a value of this graph");
    mg_graph_clear_error(v.g);
    o = mg_check_options_default();
    o.only = &stranger;
    o.only_count = 1;
    assert_int_equal(mg_check(v.g, v.L, &o, &r, &err), MG_ERR_FOREIGN);
    assert_string_equal(err.message, "mg_check: a listed value 0 is not a value of this graph");
    assert_int_equal(mg_graph_status(v.g), MG_ERR_FOREIGN);
    mg_graph_clear_error(v.g);

    assert_int_equal(mg_check(NULL, v.L, NULL, &r, &err), MG_ERR_INVALID);
    assert_int_equal(mg_check(v.g, v.L, NULL, NULL, &err), MG_ERR_INVALID);
    mg_check_report_free(NULL);
    /* after all that, a clean check still works */
    mg_graph_clear_error(v.g);
    assert_int_equal(mg_check(v.g, v.L, NULL, &r, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    assert_string_equal(err.message, "");
    mg_check_report_free(&r);
    mg_graph_free(other);
    mg_graph_free(v.g);
}

static void the_comparison(void **state)
{
    (void)state;
    assert_true(mg_check_close(1.0, 1.0 + 1e-7, 1e-6));
    assert_false(mg_check_close(1.0, 1.0 + 1e-5, 1e-6));
    assert_true(mg_check_close(1e6, 1e6 + 0.5, 1e-6)); /* relative to the larger */
    assert_true(mg_check_close(0.0, 1e-7, 1e-6));       /* absolute below 1 */
    assert_false(mg_check_close((double)NAN, (double)NAN, 1e-6));
    assert_false(mg_check_close(1.0, (double)NAN, 1e-6));
    assert_true(mg_check_close((double)INFINITY, (double)INFINITY, 1e-6));
    assert_false(mg_check_close((double)INFINITY, -(double)INFINITY, 1e-6));
    assert_false(mg_check_close((double)INFINITY, 1e308, 1e-6));
    assert_string_equal(mg_check_verdict_name(MG_CHECK_OK), "ok");
    assert_string_equal(mg_check_verdict_name(MG_CHECK_FAIL), "FAIL");
    assert_string_equal(mg_check_verdict_name(MG_CHECK_KINK), "kink");
    assert_string_equal(mg_check_verdict_name((mg_check_verdict)9), "?");
}

/* ---- one variable ------------------------------------------------------ */

/* f(x) = 3x**2 - 4x + 5 built as the lecture writes it: 3*x**2 - 4*x + 5. */
static mg_value parabola(mg_graph *g, mg_value x)
{
    mg_value t = mg_mul_dv(g, 3.0, mg_pow(g, x, 2.0));
    return mg_add_vd(g, mg_sub(g, t, mg_mul_dv(g, 4.0, x)), 5.0);
}

static mg_slope slope_at(mg_graph *g, mg_value y, mg_value x, double at, double h)
{
    mg_slope s;
    mg_error err;
    assert_int_equal(mg_check_slope(g, y, x, at, h, &s, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    assert_true(s.x == at && s.h == h);
    return s;
}

static void the_lecture_opening(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 0.0, "x");
    mg_value y = parabola(g, x);
    mg_slope s = slope_at(g, y, x, 3.0, 0.001);
    assert_true(s.y == 20.0 && s.analytic == 14.0);
    assert_true(s.numeric == 14.00300000000243); /* Python's (f(3.001) - f(3)) / 0.001 */
    assert_true(slope_at(g, y, x, 3.0, 0.000001).numeric == 14.000003002223593);
    assert_true(slope_at(g, y, x, -3.0, 0.001).analytic == -22.0);
    assert_true(slope_at(g, y, x, 2.0 / 3.0, 0.001).analytic == 0.0);
    assert_true(mg_data(g, x) == 2.0 / 3.0 && mg_grad(g, x) == 0.0); /* left at the point */
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

static void a_curve_is_sampled_and_the_graph_put_back(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value y = parabola(g, x);
    mg_value z = mg_log(g, x);
    const double xs[] = {-5.0, 0.0, 2.0 / 3.0, 3.0};
    double ys[4];
    assert_int_equal(mg_check_sample(g, y, x, xs, 4, ys, NULL), MG_OK);
    assert_true(ys[0] == 100.0 && ys[1] == 5.0 && ys[3] == 20.0);
    assert_true(ys[2] == 3.0 * (2.0 / 3.0) * (2.0 / 3.0) - 4.0 * (2.0 / 3.0) + 5.0);
    assert_true(mg_data(g, x) == 3.0 && mg_data(g, y) == 20.0);
    assert_int_equal(mg_check_sample(g, z, x, xs, 4, ys, NULL), MG_OK);
    assert_true(isnan(ys[0]) && isinf(ys[1]) && ys[1] < 0 && ys[3] == log(3.0));
    mg_graph_free(g);
}

static void one_variable_errors(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value u = mg_leaf(g, 1.0, "u");
    mg_value y = parabola(g, x);
    mg_slope s = {.y = 7.0};
    mg_error err;
    double ys[1], xs[1] = {0.0};
    assert_int_equal(mg_check_slope(g, y, u, 3.0, 0.001, &s, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "mg_check_slope: the root does not depend on the variable");
    assert_true(s.y == 0.0);
    mg_graph_clear_error(g);
    assert_int_equal(mg_check_slope(g, y, y, 3.0, 0.001, &s, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "mg_check_slope: the variable is not a leaf");
    mg_graph_clear_error(g);
    assert_int_equal(mg_check_slope(g, y, x, 3.0, 0.0, &s, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "mg_check: h and tol must be finite and positive");
    mg_graph_clear_error(g);
    assert_int_equal(mg_check_sample(g, y, MG_NONE, xs, 1, ys, &err), MG_ERR_INVALID);
    assert_string_equal(err.message,
                        "mg_check: the variable is MG_NONE (the result of an earlier error)");
    assert_int_equal(mg_check_sample(g, y, x, NULL, 1, ys, &err), MG_ERR_INVALID);
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_int_equal(mg_check_sample(g, y, x, xs, 1, ys, &err), MG_ERR_INVALID); /* in error */
    assert_int_equal(mg_check_sample(NULL, y, x, xs, 1, ys, &err), MG_ERR_INVALID);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leaves_of_the_video_example),
        cmocka_unit_test(the_lecture_numbers),
        cmocka_unit_test(only_what_the_root_depends_on),
        cmocka_unit_test(only_a_list),
        cmocka_unit_test(a_relu_at_zero_is_a_kink),
        cmocka_unit_test(a_difference_beyond_the_tolerance_fails),
        cmocka_unit_test(the_step_scales_with_the_value),
        cmocka_unit_test(a_large_root_grows_the_step),
        cmocka_unit_test(a_nudge_recomputes_only_what_follows),
        cmocka_unit_test(progress_is_reported),
        cmocka_unit_test(errors_are_reported_and_recorded),
        cmocka_unit_test(the_comparison),
        cmocka_unit_test(the_lecture_opening),
        cmocka_unit_test(a_curve_is_sampled_and_the_graph_put_back),
        cmocka_unit_test(one_variable_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
