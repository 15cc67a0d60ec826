/* Tests of the backward lesson: frames, their order, exact captions for every
 * op, grads at every frame, and the final grads against mg_backward. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

#include <micrograd/engine.h>
#include <micrograd/lesson.h>

/* ---- helpers ------------------------------------------------------------- */

static mg_lesson *lesson_of(mg_graph *g, mg_value root, int precision)
{
    mg_lesson_options o = {.precision = precision};
    mg_lesson *l = NULL;
    mg_error err;
    mg_status s = mg_lesson_new(g, root, &o, &l, &err);
    if (s != MG_OK)
        fail_msg("mg_lesson_new: %s (%s)", mg_status_str(s), err.message);
    assert_int_equal(err.status, MG_OK);
    assert_non_null(l);
    return l;
}

/* The video's first example: L = (a*b + c) * f, every value named. */
typedef struct video_l {
    mg_value a, b, c, e, d, f, L;
} video_l;

static video_l build_l(mg_graph *g)
{
    video_l v;
    v.a = mg_leaf(g, 2.0, "a");
    v.b = mg_leaf(g, -3.0, "b");
    v.c = mg_leaf(g, 10.0, "c");
    v.e = mg_mul(g, v.a, v.b);
    mg_set_label(g, v.e, "e");
    v.d = mg_add(g, v.e, v.c);
    mg_set_label(g, v.d, "d");
    v.f = mg_leaf(g, -2.0, "f");
    v.L = mg_mul(g, v.d, v.f);
    mg_set_label(g, v.L, "L");
    return v;
}

/* The caption of frame 2 of a one-op graph y = op(a[, b]). */
static void expect_step(mg_graph *g, mg_value y, const char *want)
{
    mg_set_label(g, y, "y");
    mg_lesson *l = lesson_of(g, y, -1);
    assert_int_equal(mg_lesson_frame_count(l), 3);
    assert_string_equal(mg_lesson_caption(l, 2), want);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* ---- the video's examples ------------------------------------------------ */

static void video_l_frames_in_backward_order(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson *l = lesson_of(g, v.L, -1);
    assert_int_equal(mg_lesson_frame_count(l), 5);
    assert_false(mg_value_ok(mg_lesson_current(l, 0)));
    assert_int_equal(mg_lesson_current(l, 1).index, v.L.index);
    assert_int_equal(mg_lesson_current(l, 2).index, v.L.index);
    assert_int_equal(mg_lesson_current(l, 3).index, v.d.index);
    assert_int_equal(mg_lesson_current(l, 4).index, v.e.index);
    assert_false(mg_value_ok(mg_lesson_current(l, 5)));
    assert_string_equal(mg_lesson_caption(l, 0),
        "forward pass: every value is computed from its operands, L = -8.0000, and every grad starts at 0");
    assert_string_equal(mg_lesson_caption(l, 1),
        "L.grad = 1: dL/dL = 1, the root's gradient with respect to itself");
    assert_string_equal(mg_lesson_caption(l, 2),
        "L = d * f: '*' multiplies the gradient by the other operand: "
        "d.grad += f.data × L.grad = -2.0000 × 1.0000 = -2.0000; "
        "f.grad += d.data × L.grad = 4.0000 × 1.0000 = 4.0000");
    assert_string_equal(mg_lesson_caption(l, 3),
        "d = e + c: '+' routes the gradient unchanged: "
        "e.grad += 1 × d.grad = -2.0000; c.grad += 1 × d.grad = -2.0000");
    assert_string_equal(mg_lesson_caption(l, 4),
        "e = a * b: '*' multiplies the gradient by the other operand: "
        "a.grad += b.data × e.grad = -3.0000 × -2.0000 = 6.0000; "
        "b.grad += a.data × e.grad = 2.0000 × -2.0000 = -4.0000");
    assert_string_equal(mg_lesson_caption(l, 5), "");
    /* Left at the last frame: the video's grads. */
    assert_same_double(mg_grad(g, v.a), 6.0);
    assert_same_double(mg_grad(g, v.b), -4.0);
    assert_same_double(mg_grad(g, v.c), -2.0);
    assert_same_double(mg_grad(g, v.f), 4.0);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* The grads at every frame, stepping forward, jumping back and forth. */
static void video_l_grads_at_each_frame(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson *l = lesson_of(g, v.L, -1);
    const mg_value order[7] = {v.a, v.b, v.c, v.e, v.d, v.f, v.L};
    static const double want[5][7] = {
        /* a    b    c    e    d    f    L */
        {0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0, 1},
        {0, 0, 0, 0, -2, 4, 1},
        {0, 0, -2, -2, -2, 4, 1},
        {6, -4, -2, -2, -2, 4, 1},
    };
    assert_ptr_equal(mg_lesson_graph(l), g);
    assert_int_equal(mg_lesson_root(l).index, v.L.index);
    assert_int_equal(mg_lesson_at(l), 4); /* made: at the last frame */
    static const size_t visits[] = {0, 1, 2, 3, 4, 2, 4, 0, 3, 1, 1, 4};
    for (size_t k = 0; k < sizeof visits / sizeof *visits; k++) {
        size_t f = visits[k];
        assert_int_equal(mg_lesson_goto(l, f), MG_OK);
        assert_int_equal(mg_lesson_at(l), f);
        for (size_t i = 0; i < 7; i++)
            assert_same_double(mg_grad(g, order[i]), want[f][i]);
    }
    assert_int_equal(mg_lesson_goto(l, 5), MG_ERR_INVALID);
    assert_int_equal(mg_lesson_at(l), 4);
    assert_same_double(mg_grad(g, v.a), 6.0); /* nothing changed */
    assert_null(mg_lesson_graph(NULL));
    assert_false(mg_value_ok(mg_lesson_root(NULL)));
    assert_int_equal(mg_lesson_at(NULL), 0);
    mg_lesson_free(l);
    mg_graph_free(g);
}

static void video_l_changed_and_flags(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson *l = lesson_of(g, v.L, -1);
    mg_value ch[2];
    assert_int_equal(mg_lesson_changed(l, 0, ch, 2), 0);
    assert_int_equal(mg_lesson_changed(l, 1, ch, 2), 1);
    assert_int_equal(ch[0].index, v.L.index);
    assert_int_equal(mg_lesson_changed(l, 3, ch, 2), 2);
    assert_int_equal(ch[0].index, v.e.index);
    assert_int_equal(ch[1].index, v.c.index);
    assert_int_equal(mg_lesson_changed(l, 4, NULL, 0), 2); /* the count without copying */
    uint8_t flags[7];
    mg_lesson_flags(l, 2, flags, 7);
    const uint8_t want2[7] = {0, 0, 0, 0, MG_LESSON_CHANGED, MG_LESSON_CHANGED,
                              MG_LESSON_CURRENT};
    assert_memory_equal(flags, want2, 7);
    mg_lesson_flags(l, 1, flags, 7);
    /* "L.grad = 1" runs no op: L changed, not current (its op stays plain) */
    const uint8_t want1[7] = {0, 0, 0, 0, 0, 0, MG_LESSON_CHANGED};
    assert_memory_equal(flags, want1, 7);
    mg_lesson_flags(l, 0, flags, 7);
    const uint8_t none[7] = {0};
    assert_memory_equal(flags, none, 7);
    mg_lesson_flags(l, 9, flags, 7);
    assert_memory_equal(flags, none, 7);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* o = tanh(x1*w1 + x2*w2 + b), the video's neuron. */
static void video_neuron_captions(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x1 = mg_leaf(g, 2.0, "x1"), x2 = mg_leaf(g, 0.0, "x2");
    mg_value w1 = mg_leaf(g, -3.0, "w1"), w2 = mg_leaf(g, 1.0, "w2");
    mg_value b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value x1w1 = mg_mul(g, x1, w1), x2w2 = mg_mul(g, x2, w2);
    mg_value s = mg_add(g, x1w1, x2w2), n = mg_add(g, s, b), o = mg_tanh(g, n);
    mg_set_label(g, x1w1, "x1w1");
    mg_set_label(g, x2w2, "x2w2");
    mg_set_label(g, s, "x1w1x2w2");
    mg_set_label(g, n, "n");
    mg_set_label(g, o, "o");
    mg_lesson *l = lesson_of(g, o, -1);
    static const char *const want[] = {
        "forward pass: every value is computed from its operands, o = 0.7071, and every grad starts at 0",
        "o.grad = 1: do/do = 1, the root's gradient with respect to itself",
        "o = tanh(n): 'tanh' scales the gradient by 1 - tanh²: "
        "n.grad += (1 - o.data²) × o.grad = (1 - 0.7071²) × 1.0000 = 0.5000",
        "n = x1w1x2w2 + b: '+' routes the gradient unchanged: "
        "x1w1x2w2.grad += 1 × n.grad = 0.5000; b.grad += 1 × n.grad = 0.5000",
        "x1w1x2w2 = x1w1 + x2w2: '+' routes the gradient unchanged: "
        "x1w1.grad += 1 × x1w1x2w2.grad = 0.5000; x2w2.grad += 1 × x1w1x2w2.grad = 0.5000",
        "x2w2 = x2 * w2: '*' multiplies the gradient by the other operand: "
        "x2.grad += w2.data × x2w2.grad = 1.0000 × 0.5000 = 0.5000; "
        "w2.grad += x2.data × x2w2.grad = 0.0000 × 0.5000 = 0.0000",
        "x1w1 = x1 * w1: '*' multiplies the gradient by the other operand: "
        "x1.grad += w1.data × x1w1.grad = -3.0000 × 0.5000 = -1.5000; "
        "w1.grad += x1.data × x1w1.grad = 2.0000 × 0.5000 = 1.0000",
    };
    assert_int_equal(mg_lesson_frame_count(l), 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(mg_lesson_caption(l, i), want[i]);
    assert_close(mg_grad(g, x1), -1.5, 1e-12);
    assert_close(mg_grad(g, w1), 1.0, 1e-12);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* ---- every op ------------------------------------------------------------ */

static void caption_sub(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 5.0, "a"), b = mg_leaf(g, 3.0, "b");
    expect_step(g, mg_sub(g, a, b),
        "y = a - b: '-' routes the gradient, negated for the right operand: "
        "a.grad += 1 × y.grad = 1.0000; b.grad += -1 × y.grad = -1 × 1.0000 = -1.0000");
}

static void caption_div(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 6.0, "a"), b = mg_leaf(g, 3.0, "b");
    expect_step(g, mg_div(g, a, b),
        "y = a / b: '/' divides the gradient by the divisor, and sends the divisor "
        "-(quotient / divisor) times it: "
        "a.grad += (1 / b.data) × y.grad = (1 / 3.0000) × 1.0000 = 0.3333; "
        "b.grad += (-y.data / b.data) × y.grad = (-2.0000 / 3.0000) × 1.0000 = -0.6667");
}

static void caption_neg(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    expect_step(g, mg_neg(g, mg_leaf(g, 2.0, "a")),
        "y = -a: 'neg' flips the sign of the gradient: "
        "a.grad += -1 × y.grad = -1 × 1.0000 = -1.0000");
}

static void caption_pow(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    expect_step(g, mg_pow(g, mg_leaf(g, 2.0, "a"), 3.0),
        "y = a**3: '**' brings the exponent down: exponent × base^(exponent-1): "
        "a.grad += (3 × a.data^2) × y.grad = (3 × 2.0000^2) × 1.0000 = 12.0000");
    g = mg_graph_new();
    expect_step(g, mg_pow(g, mg_leaf(g, -2.0, "a"), -1.0),
        "y = a**-1: '**' brings the exponent down: exponent × base^(exponent-1): "
        "a.grad += (-1 × a.data^-2) × y.grad = (-1 × (-2.0000)^-2) × 1.0000 = -0.2500");
    g = mg_graph_new();
    expect_step(g, mg_pow(g, mg_leaf(g, -3.0, "a"), 2.0),
        "y = a**2: '**' brings the exponent down: exponent × base^(exponent-1): "
        "a.grad += (2 × a.data) × y.grad = (2 × (-3.0000)) × 1.0000 = -6.0000");
    g = mg_graph_new();
    expect_step(g, mg_pow(g, mg_leaf(g, 4.0, "a"), 0.5),
        "y = a**0.5: '**' brings the exponent down: exponent × base^(exponent-1): "
        "a.grad += (0.5 × a.data^-0.5) × y.grad = (0.5 × 4.0000^-0.5) × 1.0000 = 0.2500");
}

static void caption_exp_log(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    expect_step(g, mg_exp(g, mg_leaf(g, 0.0, "a")),
        "y = exp(a): 'exp' is its own derivative: "
        "a.grad += y.data × y.grad = 1.0000 × 1.0000 = 1.0000");
    g = mg_graph_new();
    expect_step(g, mg_log(g, mg_leaf(g, 4.0, "a")),
        "y = log(a): 'log' divides the gradient by its input: "
        "a.grad += (1 / a.data) × y.grad = (1 / 4.0000) × 1.0000 = 0.2500");
}

static void caption_tanh_relu_sigmoid(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    /* tanh(-atanh(0.6)) = -0.6: the negative output is parenthesized before ². */
    expect_step(g, mg_tanh(g, mg_leaf(g, -0.69314718055994529, "a")),
        "y = tanh(a): 'tanh' scales the gradient by 1 - tanh²: "
        "a.grad += (1 - y.data²) × y.grad = (1 - (-0.6000)²) × 1.0000 = 0.6400");
    g = mg_graph_new();
    expect_step(g, mg_relu(g, mg_leaf(g, -1.0, "a")),
        "y = relu(a): 'relu' passes the gradient only where its output is positive: "
        "a.grad += (y.data > 0 ? 1 : 0) × y.grad = (0.0000 > 0 ? 1 : 0) × 1.0000 = 0.0000");
    g = mg_graph_new();
    expect_step(g, mg_relu(g, mg_leaf(g, 2.0, "a")),
        "y = relu(a): 'relu' passes the gradient only where its output is positive: "
        "a.grad += (y.data > 0 ? 1 : 0) × y.grad = (2.0000 > 0 ? 1 : 0) × 1.0000 = 1.0000");
    g = mg_graph_new();
    expect_step(g, mg_sigmoid(g, mg_leaf(g, 0.0, "a")),
        "y = sigmoid(a): 'sigmoid' scales the gradient by σ × (1 - σ): "
        "a.grad += (y.data × (1 - y.data)) × y.grad = (0.5000 × (1 - 0.5000)) × 1.0000 = 0.2500");
}

/* Unnamed values: constants by their number, op results by their index. */
static void caption_unnamed_values(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a");
    mg_value y = mg_mul_dv(g, 2.0, a);      /* (2) is value 1, y value 2 */
    mg_value z = mg_add_vd(g, y, -1.5);     /* (-1.5) is value 3, z value 4 */
    mg_lesson *l = lesson_of(g, z, -1);
    assert_int_equal(mg_lesson_frame_count(l), 4);
    assert_string_equal(mg_lesson_caption(l, 1),
        "v4.grad = 1: dv4/dv4 = 1, the root's gradient with respect to itself");
    assert_string_equal(mg_lesson_caption(l, 2),
        "v4 = v2 + (-1.5): '+' routes the gradient unchanged: "
        "v2.grad += 1 × v4.grad = 1.0000; (-1.5).grad += 1 × v4.grad = 1.0000");
    assert_string_equal(mg_lesson_caption(l, 3),
        "v2 = (2) * a: '*' multiplies the gradient by the other operand: "
        "(2).grad += a.data × v2.grad = 3.0000 × 1.0000 = 3.0000; "
        "a.grad += (2).data × v2.grad = 2.0000 × 1.0000 = 2.0000");
    (void)y;
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* A value used twice visibly receives two contributions, each summed. */
static void caption_value_used_twice(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a");
    mg_value b = mg_mul(g, a, a);
    mg_set_label(g, b, "b");
    mg_value c = mg_add(g, b, a);
    mg_set_label(g, c, "c");
    mg_lesson *l = lesson_of(g, c, -1);
    assert_int_equal(mg_lesson_frame_count(l), 4);
    assert_string_equal(mg_lesson_caption(l, 2),
        "c = b + a: '+' routes the gradient unchanged: "
        "b.grad += 1 × c.grad = 1.0000; a.grad += 1 × c.grad = 1.0000");
    assert_string_equal(mg_lesson_caption(l, 3),
        "b = a * a: '*' multiplies the gradient by the other operand: "
        "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 1.0000 + 3.0000 = 4.0000; "
        "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 4.0000 + 3.0000 = 7.0000");
    assert_same_double(mg_grad(g, a), 7.0); /* d(a² + a)/da = 2a + 1 */
    mg_value ch[2];
    assert_int_equal(mg_lesson_changed(l, 3, ch, 2), 1); /* a, listed once */
    assert_int_equal(ch[0].index, a.index);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* A negative contribution to a non-zero grad reads as a subtraction. */
static void caption_negative_accumulation(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, 5.0, "b");
    mg_value v = mg_mul(g, a, b);
    mg_set_label(g, v, "v");
    mg_value y = mg_sub(g, a, v);
    mg_set_label(g, y, "y");
    mg_lesson *l = lesson_of(g, y, -1);
    assert_string_equal(mg_lesson_caption(l, 3),
        "v = a * b: '*' multiplies the gradient by the other operand: "
        "a.grad += b.data × v.grad = 5.0000 × -1.0000 = -5.0000 → a.grad = 1.0000 - 5.0000 = -4.0000; "
        "b.grad += a.data × v.grad = 2.0000 × -1.0000 = -2.0000");
    assert_same_double(mg_grad(g, a), -4.0); /* d(a - ab)/da = 1 - b */
    mg_lesson_free(l);
    mg_graph_free(g);
}

static void caption_precision(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson *l = lesson_of(g, v.L, 1);
    assert_string_equal(mg_lesson_caption(l, 3),
        "d = e + c: '+' routes the gradient unchanged: "
        "e.grad += 1 × d.grad = -2.0; c.grad += 1 × d.grad = -2.0");
    mg_lesson_free(l);
    l = lesson_of(g, v.L, 0);
    assert_string_equal(mg_lesson_caption(l, 0),
        "forward pass: every value is computed from its operands, L = -8, and every grad starts at 0");
    mg_lesson_free(l);
    mg_graph_free(g);
}

static void names_are_clean_utf8(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1.0, NULL);
    char buf[16];
    mg_set_label_n(g, x, "a\nb\xff\0c", 6);
    assert_string_equal(mg_lesson_value_name(g, x, buf, sizeof buf),
                        "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c");
    mg_set_label(g, x, "αβγδεζηθ"); /* 16 bytes: cut to 14 + NUL, on a boundary */
    assert_string_equal(mg_lesson_value_name(g, x, buf, sizeof buf), "αβγδεζη");
    mg_value p = mg_leaf_role(g, 0.25, MG_ROLE_PARAM);
    assert_string_equal(mg_lesson_value_name(g, p, buf, sizeof buf), "v1");
    mg_value c = mg_leaf_role(g, 0.1, MG_ROLE_CONST);
    assert_string_equal(mg_lesson_value_name(g, c, buf, sizeof buf), "(0.1)");
    /* a label that is a formula reads as one name */
    char wide[64];
    mg_set_label(g, x, "x1*w1 + x2*w2");
    assert_string_equal(mg_lesson_value_name(g, x, wide, sizeof wide), "(x1*w1 + x2*w2)");
    mg_set_label(g, x, "ŷ = θ·x");
    assert_string_equal(mg_lesson_value_name(g, x, buf, sizeof buf), "(ŷ = θ·x)");
    mg_set_label(g, x, "a very long label");
    assert_string_equal(mg_lesson_value_name(g, x, buf, sizeof buf), "(a very long l)"); /* cut, still closed */
    mg_graph_free(g);
}

/* ---- against mg_backward ------------------------------------------------- */

/* Builds the same graph with every op, reuse and constants into g. */
static mg_value build_mixed(mg_graph *g)
{
    mg_value a = mg_leaf(g, 0.7, "a"), b = mg_leaf(g, -1.3, "b"), c = mg_leaf(g, 2.1, "c");
    mg_value t = mg_tanh(g, mg_add(g, mg_mul(g, a, b), c));
    mg_value u = mg_div(g, mg_sub(g, mg_exp(g, t), mg_pow(g, a, 3.0)), mg_add_vd(g, c, 1.0));
    mg_value w = mg_mul(g, mg_sigmoid(g, mg_neg(g, u)), mg_log(g, mg_mul(g, c, c)));
    mg_value r = mg_relu(g, mg_add(g, w, mg_mul(g, t, a)));
    return mg_add(g, mg_mul(g, r, r), mg_mul_dv(g, 0.5, b));
}

static void final_grads_equal_backward(void **state)
{
    (void)state;
    mg_graph *g1 = mg_graph_new(), *g2 = mg_graph_new();
    mg_value r1 = build_mixed(g1), r2 = build_mixed(g2);
    /* A value the root does not depend on keeps its grad, as with mg_backward. */
    mg_value lone1 = mg_leaf(g1, 1.0, "lone"), lone2 = mg_leaf(g2, 1.0, "lone");
    mg_set_grad(g1, lone1, 42.0);
    mg_set_grad(g2, lone2, 42.0);
    mg_lesson *l = lesson_of(g1, r1, -1);
    assert_int_equal(mg_backward(g2, r2), MG_OK);
    size_t n = mg_graph_size(g1);
    size_t ops = 0;
    for (size_t i = 0; i < n; i++) {
        assert_same_double(mg_grad(g1, mg_value_at(g1, i)), mg_grad(g2, mg_value_at(g2, i)));
        ops += mg_value_op(g1, mg_value_at(g1, i)) != MG_OP_LEAF;
    }
    assert_int_equal(mg_lesson_frame_count(l), ops + 2);
    /* Back to the start and forward again, by jumps: the same grads. */
    assert_int_equal(mg_lesson_goto(l, 0), MG_OK);
    assert_same_double(mg_grad(g1, mg_value_at(g1, 0)), 0.0);
    assert_same_double(mg_grad(g1, lone1), 42.0);
    assert_int_equal(mg_lesson_goto(l, 5), MG_OK);
    assert_int_equal(mg_lesson_goto(l, mg_lesson_frame_count(l) - 1), MG_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(mg_grad(g1, mg_value_at(g1, i)), mg_grad(g2, mg_value_at(g2, i)));
    /* Frames run in reverse creation order. */
    for (size_t f = 3; f < mg_lesson_frame_count(l); f++)
        assert_true(mg_lesson_current(l, f).index < mg_lesson_current(l, f - 1).index);
    mg_lesson_free(l);
    mg_graph_free(g1);
    mg_graph_free(g2);
}

/* A lesson from dirty grads starts from zero: same result as from clean ones. */
static void lesson_starts_from_zero_grads(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_set_grad(g, v.a, 100.0);
    mg_set_grad(g, v.d, -7.0);
    mg_lesson *l = lesson_of(g, v.L, -1);
    assert_same_double(mg_grad(g, v.a), 6.0);
    assert_same_double(mg_grad(g, v.d), -2.0);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* A leaf root: two frames, nothing to step. */
static void leaf_root(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_lesson *l = lesson_of(g, x, -1);
    assert_int_equal(mg_lesson_frame_count(l), 2);
    assert_string_equal(mg_lesson_caption(l, 1),
                        "x.grad = 1: dx/dx = 1, the root's gradient with respect to itself");
    assert_same_double(mg_grad(g, x), 1.0);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* ---- errors -------------------------------------------------------------- */

static void errors_leave_grads_alone(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    video_l v = build_l(g);
    mg_set_grad(g, v.a, 5.0);
    mg_lesson *l = (mg_lesson *)&l; /* not NULL: must be cleared */
    mg_error err;
    mg_lesson_options o = {.precision = 18};
    assert_int_equal(mg_lesson_new(g, v.L, &o, &l, &err), MG_ERR_INVALID);
    assert_null(l);
    assert_string_equal(err.message, "precision must be between 0 and 17");
    /* recorded in the graph, which it takes */
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "precision must be between 0 and 17");
    /* a graph keeping an earlier error: the status still names this failure */
    assert_int_equal(mg_lesson_new(g, MG_NONE, NULL, &l, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "the root is not a value of this graph");
    mg_graph_clear_error(g);
    assert_int_equal(mg_lesson_new(g, MG_NONE, NULL, &l, &err), MG_ERR_INVALID);
    assert_null(l);
    assert_string_equal(err.message, "an operand is MG_NONE (the result of an earlier error)");
    assert_string_equal(mg_graph_error(g), err.message);
    mg_graph_clear_error(g);
    mg_value stranger = mg_leaf(other, 1.0, "s");
    (void)stranger;
    mg_value foreign = {v.L.index, 0xdeadbeef};
    assert_int_equal(mg_lesson_new(g, foreign, NULL, &l, &err), MG_ERR_FOREIGN);
    assert_string_equal(err.message, "value 6 belongs to another graph");
    assert_int_equal(mg_graph_status(g), MG_ERR_FOREIGN);
    mg_graph_clear_error(g);
    assert_int_equal(mg_lesson_new(NULL, v.L, NULL, &l, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "no graph or no place for the lesson");
    assert_int_equal(mg_lesson_new(g, v.L, NULL, NULL, NULL), MG_ERR_INVALID);
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_same_double(mg_grad(g, v.a), 5.0);
    assert_int_equal(mg_lesson_frame_count(NULL), 0);
    assert_string_equal(mg_lesson_caption(NULL, 0), "");
    assert_int_equal(mg_lesson_goto(NULL, 0), MG_ERR_INVALID);
    mg_lesson_free(NULL);
    mg_graph_free(g);
    mg_graph_free(other);
}

/* ---- forward, path and nudge frames, the assign bug ----------------------- */

static mg_lesson *lesson_with(mg_graph *g, mg_value root, const mg_lesson_options *o)
{
    mg_lesson *l = NULL;
    mg_error err;
    if (mg_lesson_new(g, root, o, &l, &err) != MG_OK)
        fail_msg("mg_lesson_new: %s", err.message);
    return l;
}

/* --forward: the leaves, then e, d, L computed in creation order, each frame
 * flagging the values not computed yet; grads stay 0 until the backward part. */
static void forward_frames(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson_options o = {.precision = -1, .forward = 1};
    mg_lesson *l = lesson_with(g, v.L, &o);
    assert_int_equal(mg_lesson_frame_count(l), 4 + 5);
    const mg_lesson_frame_kind kinds[] = {
        MG_LESSON_FRAME_LEAVES, MG_LESSON_FRAME_COMPUTE, MG_LESSON_FRAME_COMPUTE,
        MG_LESSON_FRAME_COMPUTE, MG_LESSON_FRAME_FORWARD, MG_LESSON_FRAME_ROOT,
        MG_LESSON_FRAME_STEP, MG_LESSON_FRAME_STEP, MG_LESSON_FRAME_STEP};
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(mg_lesson_frame_kind_of(l, i), kinds[i]);
    assert_int_equal(mg_lesson_current(l, 1).index, v.e.index);
    assert_int_equal(mg_lesson_current(l, 3).index, v.L.index);
    assert_false(mg_value_ok(mg_lesson_current(l, 0)));
    assert_string_equal(mg_lesson_caption(l, 1), "e = a * b = 2.0000 * (-3.0000) = -6.0000");
    uint8_t flags[7];
    mg_lesson_flags(l, 0, flags, 7);
    const uint8_t leaves[7] = {0, 0, 0, MG_LESSON_UNKNOWN, MG_LESSON_UNKNOWN, 0, MG_LESSON_UNKNOWN};
    assert_memory_equal(flags, leaves, 7);
    mg_lesson_flags(l, 2, flags, 7); /* d computed: current; L still unknown */
    const uint8_t at_d[7] = {0, 0, 0, 0, MG_LESSON_CURRENT, 0, MG_LESSON_UNKNOWN};
    assert_memory_equal(flags, at_d, 7);
    /* the backward frames are the plain lesson's */
    mg_lesson *plain = lesson_of(g, v.L, -1);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(mg_lesson_caption(l, i + 4), mg_lesson_caption(plain, i));
    mg_lesson_free(plain);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(mg_lesson_goto(l, i), MG_OK);
        assert_same_double(mg_grad(g, v.L), 0.0);
        assert_same_double(mg_grad(g, v.a), 0.0);
    }
    mg_lesson_goto(l, 8);
    assert_same_double(mg_grad(g, v.a), 6.0);
    mg_lesson_free(l);
    mg_graph_free(g);
}

/* --path a on L: one path, its product the engine's grad; b = a + a: two. */
static void path_frames(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson_options o = {.precision = -1, .path = &v.a};
    mg_lesson *l = lesson_with(g, v.L, &o);
    assert_int_equal(mg_lesson_frame_count(l), 5 + 2);
    assert_int_equal(mg_lesson_frame_kind_of(l, 5), MG_LESSON_FRAME_PATH);
    assert_int_equal(mg_lesson_frame_kind_of(l, 6), MG_LESSON_FRAME_PATH_SUM);
    assert_int_equal(mg_lesson_current(l, 5).index, v.a.index);
    assert_string_equal(mg_lesson_caption(l, 5),
                        "path 1 of 1 from L to a: L → d → e → a: dL/dd · dd/de · de/da = "
                        "(-2.0000)·(1.0000)·(-3.0000) = 6.0000");
    uint8_t flags[7];
    mg_lesson_flags(l, 5, flags, 7); /* on the path: a e d L; off it: b c f */
    const uint8_t path[7] = {MG_LESSON_CHANGED, MG_LESSON_DIM, MG_LESSON_DIM, MG_LESSON_CHANGED,
                             MG_LESSON_CHANGED, MG_LESSON_DIM, MG_LESSON_CHANGED};
    assert_memory_equal(flags, path, 7);
    mg_lesson_goto(l, 6);
    assert_same_double(mg_grad(g, v.a), 6.0);
    /* the same caption as LaTeX and Markdown, from the same pieces */
    assert_string_equal(mg_lesson_caption_in(l, 6, MG_LESSON_FORMAT_LATEX),
                        "$\\frac{\\partial L}{\\partial a}$ is the product along its one path: "
                        "$6.0000$, what backward accumulated in $a.\\mathrm{grad} = 6.0000$");
    assert_string_equal(mg_lesson_caption_in(l, 3, MG_LESSON_FORMAT_MARKDOWN),
                        "$d = e + c$: '+' routes the gradient unchanged: $e.\\mathrm{grad} "
                        "\\mathrel{+}= 1 \\times d.\\mathrm{grad} = -2.0000$; $c.\\mathrm{grad} "
                        "\\mathrel{+}= 1 \\times d.\\mathrm{grad} = -2.0000$");
    assert_string_equal(mg_lesson_caption_in(l, 3, MG_LESSON_FORMAT_TEXT), mg_lesson_caption(l, 3));
    assert_string_equal(mg_lesson_caption_in(l, 3, (mg_lesson_format)3), "");
    assert_string_equal(mg_lesson_caption_in(l, 7, MG_LESSON_FORMAT_LATEX), "");
    mg_lesson_free(l);
    mg_graph_free(g);

    g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a"), b = mg_add(g, a, a);
    mg_set_label(g, b, "b");
    o.path = &a;
    l = lesson_with(g, b, &o);
    assert_int_equal(mg_lesson_frame_count(l), 3 + 3);
    assert_string_equal(mg_lesson_caption(l, 5),
                        "db/da is the sum over the paths of their products: 1.0000 + 1.0000 = "
                        "2.0000, what backward accumulated in a.grad = 2.0000");
    mg_lesson_free(l);
    /* a value the root does not depend on has no path: refused */
    mg_value c = mg_leaf(g, 1.0, "c");
    o.path = &c;
    mg_error err;
    assert_int_equal(mg_lesson_new(g, b, &o, &l, &err), MG_ERR_INVALID);
    assert_null(l);
    assert_string_equal(err.message, "b does not depend on c: no path leads to it");
    mg_graph_free(g);
}

/* --nudge 0.01 on L: -8 goes to -7.286496 (the lecture's number), as the
 * lecture's own cell computes it here; every value's data comes back, bit
 * for bit, when the lesson leaves the frame or is freed. */
static void nudge_frame(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    video_l v = build_l(g);
    mg_lesson_options o = {.precision = -1, .nudge = 0.01};
    mg_lesson *l = lesson_with(g, v.L, &o);
    assert_int_equal(mg_lesson_frame_count(l), 6);
    assert_int_equal(mg_lesson_frame_kind_of(l, 5), MG_LESSON_FRAME_NUDGE);
    assert_int_equal(mg_lesson_at(l), 4); /* left at backward's end, not nudged */
    assert_same_double(mg_data(g, v.L), -8.0);
    double a = 2.0 + 0.01 * 6.0, b = -3.0 + 0.01 * -4.0, c = 10.0 + 0.01 * -2.0,
           f = -2.0 + 0.01 * 4.0;
    assert_int_equal(mg_lesson_goto(l, 5), MG_OK);
    assert_same_double(mg_data(g, v.a), a);
    assert_same_double(mg_data(g, v.f), f);
    assert_same_double(mg_data(g, v.e), a * b);
    assert_same_double(mg_data(g, v.L), (a * b + c) * f);
    assert_true(fabs(mg_data(g, v.L) - -7.286496) < 1e-15);
    assert_same_double(mg_grad(g, v.a), 6.0); /* the grads are backward's */
    uint8_t flags[7];
    mg_lesson_flags(l, 5, flags, 7); /* the moved leaves and the root */
    const uint8_t moved[7] = {MG_LESSON_CHANGED, MG_LESSON_CHANGED, MG_LESSON_CHANGED, 0, 0,
                              MG_LESSON_CHANGED, MG_LESSON_CHANGED};
    assert_memory_equal(flags, moved, 7);
    assert_int_equal(mg_lesson_goto(l, 2), MG_OK);
    assert_same_double(mg_data(g, v.a), 2.0);
    assert_same_double(mg_data(g, v.L), -8.0);
    mg_lesson_goto(l, 5);
    mg_lesson_free(l); /* freed at the nudge frame: the data come back too */
    assert_same_double(mg_data(g, v.c), 10.0);
    assert_same_double(mg_data(g, v.d), 4.0);
    o.nudge = (double)INFINITY;
    mg_error err;
    assert_int_equal(mg_lesson_new(g, v.L, &o, &l, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "the nudge's step must be a finite number");
    mg_graph_free(g);
}

/* MG_LESSON_BUG_ASSIGN: b = a + a leaves a.grad = 1 (not 2), flagged wrong
 * from the step that lost a contribution; the neuron written with exp goes
 * wrong at e, used twice, and everything below it. */
static void assign_bug(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a"), b = mg_add(g, a, a);
    mg_set_label(g, b, "b");
    mg_lesson_options o = {.precision = -1, .bug = MG_LESSON_BUG_ASSIGN};
    mg_lesson *l = lesson_with(g, b, &o);
    assert_same_double(mg_grad(g, a), 1.0);
    assert_string_equal(mg_lesson_caption(l, 2),
                        "BUG, grads assigned (=) instead of accumulated (+=): b = a + a: '+' "
                        "routes the gradient unchanged: a.grad = 1 × b.grad = 1.0000; a.grad = 1 "
                        "× b.grad = 1.0000 (WRONG: the 1.0000 already in a.grad is lost; += "
                        "would give 2.0000)");
    uint8_t flags[2];
    mg_lesson_flags(l, 1, flags, 2);
    assert_int_equal(flags[0] & MG_LESSON_WRONG, 0);
    mg_lesson_flags(l, 2, flags, 2);
    assert_int_equal(flags[0], MG_LESSON_CHANGED | MG_LESSON_WRONG);
    assert_int_equal(flags[1], MG_LESSON_CURRENT);
    mg_lesson_free(l);
    /* a value used once is right under the bug too */
    video_l v = build_l(g);
    l = lesson_with(g, v.L, &o);
    for (size_t f = 0; f < mg_lesson_frame_count(l); f++) {
        uint8_t all[10];
        mg_lesson_flags(l, f, all, 10);
        for (size_t i = 0; i < 10; i++)
            assert_int_equal(all[i] & MG_LESSON_WRONG, 0);
    }
    assert_same_double(mg_grad(g, v.a), 6.0);
    mg_lesson_free(l);
    /* the bug shows backward only */
    o.nudge = 0.1;
    mg_error err;
    assert_int_equal(mg_lesson_new(g, v.L, &o, &l, &err), MG_ERR_INVALID);
    assert_string_equal(err.message,
                        "a lesson of a bug shows the backward pass only (no paths, no nudge)");
    o.nudge = 0.0;
    o.bug = (mg_lesson_bug)7;
    assert_int_equal(mg_lesson_new(g, v.L, &o, &l, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "no such bug");
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(video_l_frames_in_backward_order),
        cmocka_unit_test(video_l_grads_at_each_frame),
        cmocka_unit_test(video_l_changed_and_flags),
        cmocka_unit_test(video_neuron_captions),
        cmocka_unit_test(caption_sub),
        cmocka_unit_test(caption_div),
        cmocka_unit_test(caption_neg),
        cmocka_unit_test(caption_pow),
        cmocka_unit_test(caption_exp_log),
        cmocka_unit_test(caption_tanh_relu_sigmoid),
        cmocka_unit_test(caption_unnamed_values),
        cmocka_unit_test(caption_value_used_twice),
        cmocka_unit_test(caption_negative_accumulation),
        cmocka_unit_test(caption_precision),
        cmocka_unit_test(names_are_clean_utf8),
        cmocka_unit_test(final_grads_equal_backward),
        cmocka_unit_test(lesson_starts_from_zero_grads),
        cmocka_unit_test(leaf_root),
        cmocka_unit_test(errors_leave_grads_alone),
        cmocka_unit_test(forward_frames),
        cmocka_unit_test(path_frames),
        cmocka_unit_test(nudge_frame),
        cmocka_unit_test(assign_bug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
