/* Engine tests: every op's value and derivative (by hand, against libm bit for
 * bit, and against central differences), backward's order and accumulation,
 * mark/reset, labels, groups, and errors. */
#include <micrograd/check.h>
#include <micrograd/engine.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* ---- helpers ------------------------------------------------------------- */

/* One op applied to leaves x (and y for binary ops); k is the pow exponent. */
static mg_value apply(mg_graph *g, mg_op op, mg_value x, mg_value y, double k)
{
    if (op == MG_OP_POW)
        return mg_pow(g, x, k);
    return mg_op_arity(op) == 2 ? mg_binary(g, op, x, y) : mg_unary(g, op, x);
}

/* f(x, y) through a fresh graph: the op's forward value. */
static double value_at(mg_op op, double x, double y, double k)
{
    mg_graph *g = mg_graph_new();
    double out = mg_data(g, apply(g, op, mg_leaf(g, x, "x"), mg_leaf(g, y, "y"), k));
    mg_graph_free(g);
    return out;
}

/* The analytic grads of op at (x, y), by backward. */
static void grads_at(mg_op op, double x, double y, double k, double *gx, double *gy)
{
    mg_graph *g = mg_graph_new();
    mg_value vx = mg_leaf(g, x, "x"), vy = mg_leaf(g, y, "y");
    assert_int_equal(mg_backward(g, apply(g, op, vx, vy, k)), MG_OK);
    *gx = mg_grad(g, vx);
    *gy = mg_grad(g, vy);
    mg_graph_free(g);
}

/* ---- values and derivatives by hand -------------------------------------- */

typedef struct op_case {
    mg_op op;
    double x, y, k;
    double value, dx, dy; /* exact, derived by hand */
} op_case;

static const op_case hand_cases[] = {
    {MG_OP_ADD, 2.0, -3.0, 0, -1.0, 1.0, 1.0},
    {MG_OP_SUB, 2.0, -3.0, 0, 5.0, 1.0, -1.0},
    {MG_OP_MUL, 3.0, -2.0, 0, -6.0, -2.0, 3.0},
    {MG_OP_DIV, 1.0, 4.0, 0, 0.25, 0.25, -0.0625},
    {MG_OP_DIV, 6.0, -2.0, 0, -3.0, -0.5, -1.5},
    {MG_OP_NEG, 2.5, 0, 0, -2.5, -1.0, 0},
    {MG_OP_POW, 3.0, 0, 2.0, 9.0, 6.0, 0},
    {MG_OP_POW, 4.0, 0, 0.5, 2.0, 0.25, 0},
    {MG_OP_POW, 2.0, 0, -1.0, 0.5, -0.25, 0},
    {MG_OP_EXP, 0.0, 0, 0, 1.0, 1.0, 0},
    {MG_OP_LOG, 1.0, 0, 0, 0.0, 1.0, 0},
    {MG_OP_LOG, 4.0, 0, 0, 1.3862943611198906, 0.25, 0},
    {MG_OP_TANH, 0.0, 0, 0, 0.0, 1.0, 0},
    {MG_OP_TANH, 1000.0, 0, 0, 1.0, 0.0, 0},
    {MG_OP_TANH, -1000.0, 0, 0, -1.0, 0.0, 0},
    {MG_OP_RELU, -1.0, 0, 0, 0.0, 0.0, 0},
    {MG_OP_RELU, 2.0, 0, 0, 2.0, 1.0, 0},
    {MG_OP_RELU, 0.0, 0, 0, 0.0, 0.0, 0},
    {MG_OP_SIGMOID, 0.0, 0, 0, 0.5, 0.25, 0},
    {MG_OP_SIGMOID, -1000.0, 0, 0, 0.0, 0.0, 0},
};

static void every_op_by_hand(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hand_cases / sizeof *hand_cases; i++) {
        const op_case *c = &hand_cases[i];
        double gx, gy;
        grads_at(c->op, c->x, c->y, c->k, &gx, &gy);
        double v = value_at(c->op, c->x, c->y, c->k);
        double want_gy = mg_op_arity(c->op) == 2 ? c->dy : 0.0; /* an unused leaf gets nothing */
        if (v != c->value || gx != c->dx || gy != want_gy)
            fail_msg("%s(%g, %g) = %.17g, grads %.17g %.17g; want %.17g, %.17g %.17g",
                     mg_op_symbol(c->op), c->x, c->y, v, gx, gy, c->value, c->dx, want_gy);
    }
}

/* Where the formula is libm's, the value is libm's to the last bit. */
static void values_match_libm_bit_for_bit(void **state)
{
    (void)state;
    const double xs[] = {-20.5, -3.0, -0.7, -1e-9, 0.3, 0.8813735870195432, 2.0, 19.0, 354.0, 400.0};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double x = xs[i];
        assert_same_double(value_at(MG_OP_EXP, x, 0, 0), exp(x));
        assert_same_double(value_at(MG_OP_TANH, x, 0, 0), tanh(x));
        assert_same_double(value_at(MG_OP_SIGMOID, x, 0, 0), 1.0 / (1.0 + exp(-x)));
        assert_same_double(value_at(MG_OP_POW, x, 0, 3.0), pow(x, 3.0));
        assert_same_double(value_at(MG_OP_DIV, x, 7.0, 0), x / 7.0);
        if (x > 0)
            assert_same_double(value_at(MG_OP_LOG, x, 0, 0), log(x));
    }
}

/* tanh stays finite where micrograd's (e^2x - 1)/(e^2x + 1) gives NaN. */
static void tanh_is_finite_for_every_finite_input(void **state)
{
    (void)state;
    const double xs[] = {355.0, 356.0, 710.0, 1e300, -1e300, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double gx, gy;
        assert_same_double(value_at(MG_OP_TANH, xs[i], 0, 0), xs[i] > 0 ? 1.0 : -1.0);
        grads_at(MG_OP_TANH, xs[i], 0, 0, &gx, &gy);
        assert_same_double(gx, 0.0);
    }
}

/* ---- derivatives against central differences ----------------------------- */

/* Every op's backward against the gradient check (central differences), at
 * points inside its domain. */
static void every_op_against_central_differences(void **state)
{
    (void)state;
    const double points[][2] = {{0.7, -1.3}, {-2.1, 0.4}, {1.9, 2.6}, {0.35, 3.2}};
    for (int op = MG_OP_ADD; op < MG_OP_COUNT; op++) {
        for (size_t p = 0; p < sizeof points / sizeof *points; p++) {
            double x = points[p][0], y = points[p][1], k = 2.5;
            if (op == MG_OP_LOG || op == MG_OP_POW || op == MG_OP_POWV)
                x = fabs(x); /* stay in the domain */
            mg_graph *g = mg_graph_new();
            mg_value vx = mg_leaf(g, x, "x"), vy = mg_leaf(g, y, "y");
            mg_value out = apply(g, (mg_op)op, vx, vy, k);
            mg_check_report r;
            assert_int_equal(mg_check(g, out, NULL, &r, NULL), MG_OK);
            assert_int_equal(r.count, mg_op_arity((mg_op)op) == 2 ? 2 : 1);
            for (size_t i = 0; i < r.count; i++)
                if (r.results[i].verdict != MG_CHECK_OK)
                    fail_msg("%s at (%g, %g), operand %zu: analytic %.17g, numeric %.17g",
                             mg_op_symbol((mg_op)op), x, y, i, r.results[i].analytic,
                             r.results[i].numeric);
            mg_check_report_free(&r);
            mg_graph_free(g);
        }
    }
}

/* ---- the video's examples ------------------------------------------------ */

/* The first example of the video: L = (a*b + c) * f. */
static void video_example_L(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, -3.0, "b");
    mg_value c = mg_leaf(g, 10.0, "c");
    mg_value e = mg_mul(g, a, b);
    mg_value d = mg_add(g, e, c);
    mg_value f = mg_leaf(g, -2.0, "f");
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

/* The neuron of the video, o = tanh(x1*w1 + x2*w2 + b), with tanh as an op
 * (spelled_out = 0) or written out as (e^2n - 1) / (e^2n + 1). */
static void neuron(int spelled_out)
{
    mg_graph *g = mg_graph_new();
    mg_value x1 = mg_leaf(g, 2.0, "x1"), x2 = mg_leaf(g, 0.0, "x2");
    mg_value w1 = mg_leaf(g, -3.0, "w1"), w2 = mg_leaf(g, 1.0, "w2");
    mg_value b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value n = mg_add(g, mg_add(g, mg_mul(g, x1, w1), mg_mul(g, x2, w2)), b);
    mg_value o;
    if (spelled_out) {
        mg_value e = mg_exp(g, mg_mul_dv(g, 2.0, n));
        o = mg_div(g, mg_sub_vd(g, e, 1.0), mg_add_vd(g, e, 1.0));
    } else {
        o = mg_tanh(g, n);
    }
    mg_backward(g, o);
    assert_close(mg_data(g, o), 0.7071067811865476, 1e-15);
    assert_close(mg_grad(g, x1), -1.5, 1e-14);
    assert_close(mg_grad(g, w1), 1.0, 1e-14);
    assert_close(mg_grad(g, x2), 0.5, 1e-14);
    assert_same_double(mg_grad(g, w2), 0.0);
    assert_close(mg_grad(g, b), 0.5, 1e-14);
    mg_graph_free(g);
}

static void video_neuron_tanh(void **state) { (void)state; neuron(0); }
static void video_neuron_exp(void **state) { (void)state; neuron(1); }

/* micrograd's test_engine.py test_sanity_check, against PyTorch's numbers. */
static void micrograd_sanity_check(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, -4.0, "x");
    mg_value z = mg_add(g, mg_add_vd(g, mg_mul_dv(g, 2.0, x), 2.0), x);
    mg_value q = mg_add(g, mg_relu(g, z), mg_mul(g, z, x));
    mg_value h = mg_relu(g, mg_mul(g, z, z));
    mg_value y = mg_add(g, mg_add(g, h, q), mg_mul(g, q, x));
    mg_backward(g, y);
    assert_same_double(mg_data(g, y), -20.0);
    assert_same_double(mg_grad(g, x), 46.0);
    mg_graph_free(g);
}

/* The mixed forms with a plain double, micrograd's `a + 1`, `2 * a`, `1 - a`,
 * `1 / a`: the double is a CONST leaf on its own side, and the grads follow. */
static void every_mixed_form(void **state)
{
    (void)state;
    typedef mg_value (*vd)(mg_graph *, mg_value, double);
    typedef mg_value (*dv)(mg_graph *, double, mg_value);
    static const struct {
        mg_op op;
        vd value_double;
        dv double_value;
    } forms[] = {
        {MG_OP_ADD, mg_add_vd, mg_add_dv},
        {MG_OP_SUB, mg_sub_vd, mg_sub_dv},
        {MG_OP_MUL, mg_mul_vd, mg_mul_dv},
        {MG_OP_DIV, mg_div_vd, mg_div_dv},
    };
    const double x = 4.0, k = 0.5;
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        for (int left = 0; left < 2; left++) {
            mg_graph *g = mg_graph_new();
            mg_value a = mg_leaf(g, x, "a");
            mg_value y = left ? forms[i].double_value(g, k, a) : forms[i].value_double(g, a, k);
            mg_value c = mg_operand(g, y, left ? 0 : 1);
            assert_int_equal(mg_value_op(g, y), forms[i].op);
            assert_int_equal(mg_operand(g, y, left ? 1 : 0).index, a.index);
            assert_int_equal(mg_value_role(g, c), MG_ROLE_CONST);
            assert_same_double(mg_data(g, c), k);
            assert_same_double(mg_data(g, y), left ? mg_op_forward(forms[i].op, k, x)
                                                   : mg_op_forward(forms[i].op, x, k));
            assert_int_equal(mg_backward(g, y), MG_OK);
            assert_same_double(mg_grad(g, a), mg_op_local_grad(forms[i].op, left ? 1 : 0,
                                                               left ? k : x, left ? x : k,
                                                               mg_data(g, y)));
            mg_graph_free(g);
        }
    }
    /* by hand, the one no other test uses: 1 / a at a = 4 */
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 4.0, "a");
    mg_value r = mg_div_dv(g, 1.0, a);
    assert_same_double(mg_data(g, r), 0.25);
    mg_backward(g, r);
    assert_same_double(mg_grad(g, a), -0.0625);
    mg_graph_free(g);
}

/* ---- backward ------------------------------------------------------------ */

static void value_used_twice_gets_both_contributions(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a");
    mg_value s = mg_add(g, a, a);
    mg_backward(g, s);
    assert_same_double(mg_data(g, s), 6.0);
    assert_same_double(mg_grad(g, a), 2.0);
    mg_value p = mg_mul(g, a, a);
    mg_zero_grad(g);
    mg_backward(g, p);
    assert_same_double(mg_grad(g, a), 6.0);
    mg_graph_free(g);
}

/* Values the root does not depend on keep their grads, even where their
 * local derivative is infinite (0 * inf would be NaN). */
static void backward_touches_only_what_root_depends_on(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a"), z = mg_leaf(g, 0.0, "z");
    mg_value l = mg_log(g, z); /* -inf, local derivative 1/0 */
    mg_value r = mg_mul(g, a, a);
    mg_value other = mg_add(g, l, a);
    mg_backward(g, r);
    assert_same_double(mg_grad(g, a), 4.0);
    assert_same_double(mg_grad(g, z), 0.0);
    assert_same_double(mg_grad(g, l), 0.0);
    assert_same_double(mg_grad(g, other), 0.0);
    mg_graph_free(g);
}

/* Backward sweeps only what its root reaches, however many sweeps came
 * before (their marks come round every 255) and whichever root a sweep
 * before remembered as reaching everything below it. */
static void backward_reach_stays_exact_over_many_sweeps(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x"), y = mg_leaf(g, 5.0, "y");
    mg_value u = mg_mul(g, x, y); /* reached from top, not from w */
    mg_value w = mg_add(g, x, y);
    mg_value top = mg_add(g, u, w);
    mg_value out[8];
    for (int i = 0; i < 600; i++) {
        mg_zero_grad(g);
        if (i % 200 == 0) {
            assert_int_equal(mg_backward(g, top), MG_OK); /* d/dx (xy + x + y) = y + 1 */
            assert_same_double(mg_grad(g, x), 6.0);
            assert_same_double(mg_grad(g, y), 4.0);
            mg_zero_grad(g);
        }
        /* a grad left on u: a sweep from w that wrongly took u in would add
         * 2 * y to x's grad */
        assert_int_equal(mg_set_grad(g, u, 2.0), MG_OK);
        assert_int_equal(mg_backward(g, w), MG_OK);
        assert_same_double(mg_grad(g, x), 1.0);
        assert_same_double(mg_grad(g, y), 1.0);
        assert_same_double(mg_grad(g, u), 2.0);
        if (i % 7 == 0) {
            assert_int_equal(mg_trace(g, w, out, 8), 3);
            assert_int_equal(out[2].index, w.index);
        }
    }
    mg_graph_free(g);
}

/* A root remembered as reaching everything below it is forgotten when a
 * reset lets a different graph take its place, and holds again when
 * mg_graph_unreset brings the same records back. */
static void backward_after_reset_sweeps_the_new_graph(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x"), y = mg_leaf(g, 5.0, "y");
    mg_mark from = mg_graph_mark(g);
    mg_value root = mg_add(g, mg_mul(g, x, y), x); /* reaches both ops */
    assert_int_equal(mg_backward(g, root), MG_OK);
    assert_same_double(mg_grad(g, x), 6.0);
    mg_mark end = mg_graph_mark(g);
    mg_graph_reset(g, from);
    assert_int_equal(mg_graph_unreset(g, end), 1);
    mg_zero_grad(g);
    assert_int_equal(mg_backward(g, root), MG_OK);
    assert_same_double(mg_grad(g, x), 6.0);
    assert_same_double(mg_grad(g, y), 3.0);
    /* the same root index, now with an op it does not reach below it */
    mg_graph_reset(g, from);
    mg_value b = mg_add(g, x, y);
    mg_value root2 = mg_mul(g, x, y);
    assert_int_equal(root2.index, root.index);
    mg_zero_grad(g);
    assert_int_equal(mg_set_grad(g, b, 7.0), MG_OK);
    assert_int_equal(mg_backward(g, root2), MG_OK);
    assert_same_double(mg_grad(g, x), 5.0);
    assert_same_double(mg_grad(g, y), 3.0);
    mg_graph_free(g);
}

static void backward_accumulates_and_zero_grad_resets(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_value y = mg_mul_vd(g, a, 5.0);
    mg_backward(g, y);
    mg_backward(g, y);
    assert_same_double(mg_grad(g, a), 10.0); /* micrograd's +=: no reset */
    mg_zero_grad(g);
    assert_same_double(mg_grad(g, a), 0.0);
    assert_same_double(mg_grad(g, y), 0.0);
    mg_backward(g, y);
    assert_same_double(mg_grad(g, a), 5.0);
    mg_graph_free(g);
}

static void backward_local_steps_equal_backward(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 0.5, "a"), b = mg_leaf(g, -1.5, "b");
    mg_value y = mg_tanh(g, mg_add(g, mg_mul(g, a, b), mg_pow(g, a, 3.0)));
    mg_backward(g, y);
    double ga = mg_grad(g, a), gb = mg_grad(g, b);
    mg_zero_grad(g);
    mg_value order[16];
    size_t n = mg_trace(g, y, order, 16);
    assert_int_equal(n, 6);
    mg_set_grad(g, y, 1.0);
    for (size_t i = n; i-- > 0;)
        assert_int_equal(mg_backward_local(g, order[i]), MG_OK);
    assert_same_double(mg_grad(g, a), ga);
    assert_same_double(mg_grad(g, b), gb);
    mg_graph_free(g);
}

static void trace_lists_dependencies_in_creation_order(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 1.0, "a"), b = mg_leaf(g, 2.0, "b"), c = mg_leaf(g, 3.0, "c");
    mg_value ac = mg_mul(g, a, c);
    mg_value unused = mg_add(g, b, b);
    mg_value r = mg_exp(g, ac);
    (void)unused;
    mg_value out[8];
    assert_int_equal(mg_trace(g, r, out, 8), 4);
    assert_int_equal(out[0].index, a.index);
    assert_int_equal(out[1].index, c.index);
    assert_int_equal(out[2].index, ac.index);
    assert_int_equal(out[3].index, r.index);
    assert_int_equal(mg_trace(g, r, NULL, 0), 4); /* counting only */
    mg_graph_free(g);
}

/* Ten million values in a chain: no recursion, bounded memory. */
static void chain_of_ten_million(void **state)
{
    (void)state;
    const size_t n = 10 * 1000 * 1000;
    mg_graph *g = mg_graph_new();
    assert_int_equal(mg_graph_reserve(g, n + 2), MG_OK);
    mg_value x = mg_leaf(g, 0.5, "x"), k = mg_leaf(g, 1.0, "k");
    mg_value y = x;
    for (size_t i = 0; i < n; i++)
        y = mg_mul(g, y, k);
    assert_int_equal(mg_graph_size(g), n + 2);
    assert_int_equal(mg_backward(g, y), MG_OK);
    assert_same_double(mg_data(g, y), 0.5);
    assert_same_double(mg_grad(g, x), 1.0);
    assert_same_double(mg_grad(g, k), 0.5 * (double)n);
    assert_true(mg_graph_bytes(g) / mg_graph_size(g) <= 64);
    mg_graph_free(g);
}

/* ---- forward recompute --------------------------------------------------- */

static void forward_recomputes_after_set_data(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_value y = mg_add_vd(g, mg_pow(g, a, 2.0), 1.0);
    assert_same_double(mg_data(g, y), 5.0);
    mg_set_data(g, a, 3.0);
    mg_forward(g);
    assert_same_double(mg_data(g, y), 10.0);
    mg_graph_free(g);
}

/* ---- non-finite values propagate ----------------------------------------- */

static void non_finite_values_propagate(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value m = mg_leaf(g, -1.0, "m"), z = mg_leaf(g, 0.0, "z");
    assert_true(isnan(mg_data(g, mg_log(g, m))));
    assert_true(isnan(mg_data(g, mg_div(g, z, z))));
    assert_true(isinf(mg_data(g, mg_exp(g, mg_leaf(g, 1000.0, "big")))));
    mg_value nan_relu = mg_relu(g, mg_div(g, z, z));
    assert_true(isnan(mg_data(g, nan_relu)));
    assert_int_equal(mg_backward(g, nan_relu), MG_OK);
    assert_true(isnan(mg_grad(g, z)));
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

/* ---- memory: mark and reset ---------------------------------------------- */

static void reset_to_mark_keeps_memory_flat(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value w = mg_leaf_role(g, 0.5, MG_ROLE_PARAM);
    mg_mark mark = mg_graph_mark(g);
    size_t bytes = 0;
    for (int step = 0; step < 50; step++) {
        mg_value acc = w;
        for (int i = 0; i < 1000; i++) {
            acc = mg_pow(g, mg_mul_vd(g, acc, 1.0), 1.0);
            mg_set_group(g, acc, "layer 1/neuron 1");
        }
        mg_set_label(g, acc, "loss");
        mg_backward(g, acc);
        assert_same_double(mg_grad(g, w), 1.0);
        mg_set_data(g, w, mg_data(g, w) - 0.1 * mg_grad(g, w));
        mg_graph_reset(g, mark);
        mg_set_grad(g, w, 0.0);
        assert_int_equal(mg_graph_size(g), 1);
        if (step == 1)
            bytes = mg_graph_bytes(g);
        if (step > 1)
            assert_int_equal(mg_graph_bytes(g), bytes);
    }
    assert_close(mg_data(g, w), 0.5 - 5.0, 1e-12);
    mg_graph_free(g);
}

/* ---- labels, groups, roles ------------------------------------------------ */

static void labels_hold_any_bytes(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value v = mg_leaf(g, 1.0, NULL);
    size_t len = 99;
    assert_null(mg_label(g, v, &len));
    assert_int_equal(len, 0);
    const char bytes[] = {'a', '\0', '|', '{', (char)0xff, '"'};
    assert_int_equal(mg_set_label_n(g, v, bytes, sizeof bytes), MG_OK);
    const char *got = mg_label(g, v, &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(got, bytes, sizeof bytes);
    assert_int_equal(got[len], '\0');
    assert_int_equal(mg_set_label(g, v, "x1w1"), MG_OK);
    assert_string_equal(mg_label(g, v, NULL), "x1w1");
    mg_graph_free(g);
}

/* A label pointer stays valid until the next reset or free, as engine.h says:
 * labels live in chunks that never move. Giving one value another's label
 * reads the source while the pool grows (a buffer grown with realloc read
 * freed memory here), and a label held across many more labels stays put. */
static void label_pointers_stay_valid(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value prev = mg_leaf(g, 0.0, "seed label");
    const char *held = mg_label(g, prev, NULL);
    for (int i = 1; i <= 3000; i++) {
        mg_value v = mg_leaf(g, (double)i, NULL);
        const char *src = mg_label(g, prev, NULL);
        assert_int_equal(mg_set_label(g, v, src), MG_OK); /* copies from the pool into it */
        assert_ptr_equal(mg_label(g, prev, NULL), src);
        assert_string_equal(mg_label(g, v, NULL), "seed label");
        if (i % 7 == 0) { /* longer and longer labels, so every chunk fills in turn */
            char text[600];
            snprintf(text, sizeof text, "%0*d", i % 590 + 1, i);
            assert_true(mg_value_ok(mg_leaf(g, 1.0, text)));
        }
        prev = v;
    }
    assert_ptr_equal(mg_label(g, mg_value_at(g, 0), NULL), held);
    assert_string_equal(held, "seed label");
    /* Groups: the same pool, the same promise. */
    assert_int_equal(mg_set_group(g, prev, "layer 1/neuron 1"), MG_OK);
    const char *group = mg_group(g, prev);
    for (int i = 0; i < 2000; i++)
        assert_true(mg_value_ok(mg_leaf(g, 1.0, "a label of some length, again and again")));
    assert_ptr_equal(mg_group(g, prev), group);
    assert_int_equal(mg_set_group(g, mg_value_at(g, 1), mg_group(g, prev)), MG_OK);
    assert_string_equal(mg_group(g, mg_value_at(g, 1)), "layer 1/neuron 1");
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

/* A label bigger than the pool's next chunks goes to the first chunk that
 * holds it whole; smaller ones after it still fit, and a reset reuses it all. */
static void labels_of_every_size(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    static char big[300000];
    memset(big, 'x', sizeof big - 1);
    mg_value a = mg_leaf(g, 1.0, "a");
    mg_mark m = mg_graph_mark(g);
    size_t bytes = 0;
    for (int round = 0; round < 3; round++) {
        mg_value b = mg_leaf(g, 2.0, big);
        mg_value c = mg_leaf(g, 3.0, "c");
        size_t len = 0;
        assert_int_equal(strlen(mg_label(g, b, &len)), sizeof big - 1);
        assert_int_equal(len, sizeof big - 1);
        assert_string_equal(mg_label(g, c, NULL), "c");
        assert_string_equal(mg_label(g, a, NULL), "a");
        if (round == 0)
            bytes = mg_graph_bytes(g);
        assert_int_equal(mg_graph_bytes(g), bytes); /* the chunks are kept */
        mg_graph_reset(g, m);
    }
    assert_int_equal(mg_set_label_n(g, a, "", 0), MG_OK); /* an empty label is a label */
    size_t len = 9;
    assert_string_equal(mg_label(g, a, &len), "");
    assert_int_equal(len, 0);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

static void groups_and_roles(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value w = mg_leaf_role(g, 0.1, MG_ROLE_PARAM);
    mg_value c = mg_leaf_role(g, 2.0, MG_ROLE_CONST);
    mg_value x = mg_leaf(g, 1.0, "x");
    mg_value y = mg_mul(g, w, x);
    assert_null(mg_group(g, y));
    assert_int_equal(mg_set_group(g, w, "layer 1/neuron 1"), MG_OK);
    assert_int_equal(mg_set_group(g, y, "layer 1/neuron 1"), MG_OK);
    assert_int_equal(mg_set_group(g, x, "inputs"), MG_OK);
    assert_string_equal(mg_group(g, w), "layer 1/neuron 1");
    assert_string_equal(mg_group(g, y), "layer 1/neuron 1");
    assert_string_equal(mg_group(g, x), "inputs");
    assert_null(mg_group(g, c));
    mg_value later = mg_add(g, y, c); /* made after groups exist: no group */
    assert_null(mg_group(g, later));
    assert_int_equal(mg_set_group(g, x, NULL), MG_OK);
    assert_null(mg_group(g, x));
    assert_int_equal(mg_value_role(g, w), MG_ROLE_PARAM);
    assert_int_equal(mg_value_role(g, c), MG_ROLE_CONST);
    assert_int_equal(mg_value_role(g, x), MG_ROLE_INPUT);
    assert_int_equal(mg_value_role(g, y), MG_ROLE_RESULT);
    assert_int_equal(mg_set_role(g, y, MG_ROLE_PARAM), MG_ERR_INVALID);
    assert_int_equal(mg_set_role(g, x, MG_ROLE_RESULT), MG_ERR_INVALID);
    assert_int_equal(mg_set_role(g, x, MG_ROLE_PARAM), MG_OK);
    mg_graph_free(g);
}

static void op_table_and_operands(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_value p = mg_pow(g, a, 3.0);
    mg_value s = mg_sub_dv(g, 1.0, p);
    assert_string_equal(mg_op_symbol(MG_OP_POW), "**");
    assert_string_equal(mg_op_symbol(MG_OP_TANH), "tanh");
    assert_int_equal(mg_value_op(g, p), MG_OP_POW);
    assert_same_double(mg_pow_exponent(g, p), 3.0);
    assert_true(isnan(mg_pow_exponent(g, s)));
    assert_int_equal(mg_operand(g, p, 0).index, a.index);
    assert_false(mg_value_ok(mg_operand(g, p, 1)));
    mg_value one = mg_operand(g, s, 0);
    assert_int_equal(mg_value_role(g, one), MG_ROLE_CONST);
    assert_same_double(mg_data(g, one), 1.0);
    assert_int_equal(mg_operand(g, s, 1).index, p.index);
    assert_same_double(mg_data(g, s), -7.0);
    mg_graph_free(g);
}

/* ---- errors --------------------------------------------------------------- */

static void errors_are_sticky_and_never_crash(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value a = mg_leaf(g, 1.0, "a");
    mg_value foreign = mg_leaf(other, 1.0, "f");
    assert_false(mg_value_ok(mg_add(g, a, foreign)));
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    assert_string_equal(mg_graph_error(g), "value 0 belongs to another graph");
    assert_false(mg_value_ok(mg_mul(g, a, MG_NONE))); /* first error kept */
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    mg_graph_clear_error(g);
    assert_string_equal(mg_graph_error(g), "");
    assert_false(mg_value_ok(mg_exp(g, MG_NONE)));
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_true(isnan(mg_data(g, foreign)));
    assert_true(isnan(mg_grad(g, MG_NONE)));
    assert_int_equal(mg_set_data(g, foreign, 2.0), MG_ERR_FOREIGN);
    assert_false(mg_value_ok(mg_unary(g, MG_OP_ADD, a)));
    assert_false(mg_value_ok(mg_binary(g, MG_OP_TANH, a, a)));

    mg_graph_clear_error(g);
    mg_mark m = mg_graph_mark(g);
    mg_value dropped = mg_exp(g, a);
    mg_graph_reset(g, m);
    assert_false(mg_value_ok(mg_neg(g, dropped)));
    assert_string_equal(mg_graph_error(g), "value 1 no longer exists (dropped by a reset)");
    assert_int_equal(mg_backward(g, dropped), MG_ERR_FOREIGN);

    /* A NULL graph is refused everywhere. */
    assert_string_equal(mg_graph_error(NULL), "no graph");
    assert_int_equal(mg_graph_status(NULL), MG_ERR_INVALID);
    assert_false(mg_value_ok(mg_leaf(NULL, 1.0, "x")));
    assert_int_equal(mg_backward(NULL, a), MG_ERR_INVALID);
    mg_zero_grad(NULL);
    mg_forward(NULL);
    mg_graph_free(NULL);
    assert_string_equal(mg_status_str(MG_ERR_NOMEM), "out of memory");
    assert_string_equal(mg_status_str((mg_status)999), "unknown status");
    mg_graph_free(g);
    mg_graph_free(other);
}

/* What a reset dropped comes back as it was, once, only if nothing happened
 * since; a replay after new leaf data gives the bits of a rebuild. */
static void unreset_and_replay_match_a_rebuild(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value w = mg_leaf_role(g, 0.5, MG_ROLE_PARAM);
    mg_mark from = mg_graph_mark(g);
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value y = mg_tanh(g, mg_add(g, mg_mul(g, w, x), mg_pow(g, x, 2.0)));
    assert_int_equal(mg_set_group(g, y, "layer 1/neuron 1"), MG_OK);
    assert_int_equal(mg_backward(g, y), MG_OK);
    mg_mark end = mg_graph_mark(g);
    mg_graph_reset(g, from);
    assert_int_equal(mg_graph_unreset(g, end), 1);
    assert_int_equal(mg_graph_size(g), 6);
    assert_string_equal(mg_label(g, x, NULL), "x");
    assert_string_equal(mg_group(g, y), "layer 1/neuron 1");
    assert_same_double(mg_pow_exponent(g, mg_operand(g, mg_operand(g, y, 0), 1)), 2.0);
    /* new parameter data: the replay and a fresh build agree to the bit */
    assert_int_equal(mg_set_data(g, w, -1.25), MG_OK);
    assert_int_equal(mg_set_grad(g, w, 0.0), MG_OK);
    mg_replay(g, from);
    assert_same_double(mg_grad(g, x), 0.0);
    assert_int_equal(mg_backward(g, y), MG_OK);
    double data = mg_data(g, y), grad = mg_grad(g, w);
    mg_graph_reset(g, from);
    assert_int_equal(mg_set_grad(g, w, 0.0), MG_OK);
    mg_value x2 = mg_leaf(g, 3.0, "x");
    mg_value y2 = mg_tanh(g, mg_add(g, mg_mul(g, w, x2), mg_pow(g, x2, 2.0)));
    assert_int_equal(mg_backward(g, y2), MG_OK);
    assert_same_double(mg_data(g, y2), data);
    assert_same_double(mg_grad(g, w), grad);
    assert_same_double(data, tanh(-1.25 * 3.0 + 9.0));
    /* refused: after a value is made, after a second reset, twice */
    end = mg_graph_mark(g);
    mg_graph_reset(g, from);
    mg_leaf(g, 1.0, NULL);
    assert_int_equal(mg_graph_unreset(g, end), 0);
    mg_graph_reset(g, from);
    assert_int_equal(mg_graph_unreset(g, end), 0);
    assert_int_equal(mg_graph_size(g), 1);
    mg_value z = mg_neg(g, w);
    end = mg_graph_mark(g);
    mg_graph_reset(g, from);
    assert_int_equal(mg_graph_unreset(g, end), 1);
    assert_int_equal(mg_graph_unreset(g, end), 0);
    assert_same_double(mg_data(g, z), 1.25);
    /* a label given after the reset would overwrite the dropped bytes */
    mg_graph_reset(g, from);
    assert_int_equal(mg_set_label(g, w, "w"), MG_OK);
    assert_int_equal(mg_graph_unreset(g, end), 0);
    assert_int_equal(mg_graph_unreset(NULL, end), 0);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_op_by_hand),
        cmocka_unit_test(values_match_libm_bit_for_bit),
        cmocka_unit_test(tanh_is_finite_for_every_finite_input),
        cmocka_unit_test(every_op_against_central_differences),
        cmocka_unit_test(video_example_L),
        cmocka_unit_test(video_neuron_tanh),
        cmocka_unit_test(video_neuron_exp),
        cmocka_unit_test(micrograd_sanity_check),
        cmocka_unit_test(every_mixed_form),
        cmocka_unit_test(value_used_twice_gets_both_contributions),
        cmocka_unit_test(backward_touches_only_what_root_depends_on),
        cmocka_unit_test(backward_reach_stays_exact_over_many_sweeps),
        cmocka_unit_test(backward_after_reset_sweeps_the_new_graph),
        cmocka_unit_test(backward_accumulates_and_zero_grad_resets),
        cmocka_unit_test(backward_local_steps_equal_backward),
        cmocka_unit_test(trace_lists_dependencies_in_creation_order),
        cmocka_unit_test(chain_of_ten_million),
        cmocka_unit_test(forward_recomputes_after_set_data),
        cmocka_unit_test(non_finite_values_propagate),
        cmocka_unit_test(reset_to_mark_keeps_memory_flat),
        cmocka_unit_test(labels_hold_any_bytes),
        cmocka_unit_test(label_pointers_stay_valid),
        cmocka_unit_test(labels_of_every_size),
        cmocka_unit_test(groups_and_roles),
        cmocka_unit_test(op_table_and_operands),
        cmocka_unit_test(errors_are_sticky_and_never_crash),
        cmocka_unit_test(unreset_and_replay_match_a_rebuild),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
