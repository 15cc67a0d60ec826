/* Out of memory in the drawing module (see oom.h): every allocation our code
 * makes while rendering a graph (SVG, PNG, DOT, plain), a network's neuron
 * view, a lesson scene and its frames, and a training plot fails in turn.
 * Each failure must give MG_ERR_NOMEM with a message, no output, no block of
 * ours left behind, and for a scene the same failure in the graph. Graphviz's
 * and cairo's own allocations are not failed: Graphviz exits the process when
 * its allocator fails. */
#include <micrograd/engine.h>
#include <micrograd/nn.h>
#include <micrograd/plot.h>
#include <micrograd/rng.h>
#include <micrograd/viz.h>

#include <stdio.h>
#include <string.h>

#include "oom.h"

/* Made before any allocation is failed, and only read by the renders. */
static mg_viz *viz;
static mg_graph *video;  /* L = (a*b + c) * f, after backward */
static mg_value L;
static mg_graph *net_graph;
static mg_mlp *net;      /* MLP(2, [3, 1]) and one example's forward graph */
static mg_value net_out;
static mg_dataset points;

static int setup(void **state)
{
    (void)state;
    if (mg_viz_new(&viz, NULL) != MG_OK)
        return -1;
    video = mg_graph_new();
    mg_value a = mg_leaf(video, 2.0, "a"), b = mg_leaf(video, -3.0, "b");
    mg_value c = mg_leaf(video, 10.0, "c"), f = mg_leaf(video, -2.0, "f");
    L = mg_mul(video, mg_add(video, mg_mul(video, a, b), c), f);
    mg_set_label(video, L, "L");
    mg_set_group(video, L, "out");
    mg_backward(video, L);
    net_graph = mg_graph_new();
    mg_rng rng;
    mg_rng_seed(&rng, 7);
    const size_t sizes[] = {2, 3, 1};
    if (mg_mlp_new(net_graph, sizes, 3, MG_ACT_TANH, MG_ACT_TANH, &rng, &net, NULL) != MG_OK ||
        mg_mlp_forward_inputs(net_graph, net, (double[]){1, -2}, &net_out, MG_NN_ANNOTATE) !=
            MG_OK ||
        mg_backward(net_graph, net_out) != MG_OK)
        return -1;
    return mg_dataset_moons(&points, 20, 0.1, &rng) == MG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mg_dataset_free(&points);
    mg_mlp_free(net);
    mg_graph_free(net_graph);
    mg_graph_free(video);
    mg_viz_free(viz);
    return 0;
}

/* A render's failure leaves no output. Call it after the render (not with
 * the render as an argument: out and len would be read before it). */
static mg_status rendered(mg_status s, char *out, size_t len)
{
    if (s != MG_OK)
        assert_true(out == NULL && len == 0);
    mg_viz_free_output(out);
    return s;
}

static mg_status render_scenario(mg_error *err)
{
    mg_viz *mine;
    mg_status s = mg_viz_new(&mine, err);
    if (s != MG_OK)
        return s;
    mg_viz_options o = mg_viz_options_default();
    o.title = "the first example";
    o.edge_grads = 1;
    o.color_grad = 1;
    uint8_t flags[16] = {0};
    flags[L.index] = MG_LESSON_CURRENT;
    o.flags = flags;
    static const char *const formats[] = {"svg", "dot", "plain", "png"};
    for (size_t i = 0; i < 4 && s == MG_OK; i++) {
        char *out = (char *)1;
        size_t len = 1;
        s = mg_viz_render(mine, video, &L, 1, &o, formats[i], &out, &len, err);
        s = rendered(s, out, len);
    }
    mg_viz_free(mine);
    return s;
}

static void renders_fail_cleanly(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("mg_viz_render", render_scenario) >= 10);
}

static mg_status neurons_scenario(mg_error *err)
{
    char *out = (char *)1;
    size_t len = 1;
    mg_status s = mg_viz_render_neurons(viz, net_graph, net, &net_out, 1, NULL, "svg", &out,
                                        &len, err);
    return rendered(s, out, len);
}

static void neuron_views_fail_cleanly(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("mg_viz_render_neurons", neurons_scenario) >= 5);
}

/* A lesson's scene, three of its frames and its page. The scene takes the
 * lesson, not the graph: its failures stay in its mg_error. */
static mg_status scene_scenario(mg_error *err)
{
    mg_viz_options o = mg_viz_options_default();
    o.title = "a lesson";
    double grad = mg_grad(video, L);
    mg_lesson *lesson = NULL;
    mg_status s = mg_lesson_new(video, L, NULL, &lesson, err);
    if (s != MG_OK) {
        assert_null(lesson);
        OOM_GRAPH_RESULT(video, err, s); /* it takes the graph: recorded there */
        mg_graph_clear_error(video);
        return s;
    }
    mg_viz_scene *scene = NULL;
    s = mg_viz_scene_new(viz, lesson, &o, &scene, err);
    if (s != MG_OK)
        assert_null(scene);
    assert_int_equal(mg_graph_status(video), MG_OK);
    for (size_t frame = 0; frame < 3 && s == MG_OK; frame++) {
        char *out = (char *)1;
        size_t len = 1;
        s = mg_viz_scene_render(scene, frame, frame == 2 ? "png" : "svg", &out, &len, err);
        s = rendered(s, out, len);
    }
    if (s == MG_OK) {
        char *out = (char *)1;
        size_t len = 1;
        s = mg_viz_lesson_page(viz, lesson, &o, "L", &out, &len, err);
        s = rendered(s, out, len);
    }
    mg_viz_scene_free(scene);
    mg_lesson_goto(lesson, mg_lesson_frame_count(lesson) - 1);
    mg_lesson_free(lesson);
    assert_same_double(mg_grad(video, L), grad); /* the grads end as backward leaves them */
    return s;
}

static void scenes_fail_cleanly(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("mg_viz_scene", scene_scenario) >= 10);
}

static int plot_score(void *ctx, const double *xy, size_t n, double *out)
{
    (void)ctx;
    return mg_mlp_eval(net_graph, net, xy, n, out) != MG_OK;
}

static mg_status plot_scenario(mg_error *err)
{
    static const double loss[] = {1.5, 0.9, 0.4, 0.35, 0.2};
    mg_plot p = {.title = "moons", .loss = loss, .steps = 5, .data = &points,
                 .score = plot_score};
    mg_status s = MG_OK;
    for (int f = 0; f < 2 && s == MG_OK; f++) {
        unsigned char *bytes = (unsigned char *)1;
        size_t len = 1;
        s = mg_plot_render(&p, f ? MG_PLOT_SVG : MG_PLOT_PNG, &bytes, &len, err);
        if (s != MG_OK)
            assert_true(bytes == NULL && len == 0);
        free(bytes);
    }
    /* a score failing for want of memory is the model's failure, not ours:
     * mg_plot_render says the scores could not be computed (MG_ERR_RENDER) */
    return s == MG_ERR_RENDER && strstr(err->message, "scores")
               ? mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory (%s)", err->message)
               : s;
}

static void plots_fail_cleanly(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("mg_plot_render", plot_scenario) >= 3);
}

/* The lecture's parabola with its tangent at 3, as PNG and SVG. */
static mg_status function_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory (the graph)");
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value y = mg_add_vd(g, mg_sub(g, mg_mul_dv(g, 3.0, mg_pow(g, x, 2.0)),
                                     mg_mul_dv(g, 4.0, x)), 5.0);
    mg_plot_function f = {.title = "y = 3*x**2 - 4*x + 5", .lo = -5, .hi = 5, .has_at = 1,
                          .at = 3.0, .h = 0.001};
    mg_status s = mg_graph_status(g) == MG_OK ? MG_OK
                  : mg_error_set(err, mg_graph_status(g), 0, 0, "%s", mg_graph_error(g));
    for (int k = 0; k < 2 && s == MG_OK; k++) {
        unsigned char *bytes = (unsigned char *)1;
        size_t len = 1;
        mg_plot_function_report r;
        s = mg_plot_function_render(g, y, x, &f, k ? MG_PLOT_SVG : MG_PLOT_PNG, &bytes, &len,
                                    &r, err);
        if (s != MG_OK)
            assert_true(bytes == NULL && len == 0);
        else
            assert_true(r.slope.numeric == 14.00300000000243);
        free(bytes);
    }
    mg_graph_free(g);
    return s;
}

static void function_plots_fail_cleanly(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("mg_plot_function_render", function_scenario) >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_fail_cleanly),
        cmocka_unit_test(neuron_views_fail_cleanly),
        cmocka_unit_test(scenes_fail_cleanly),
        cmocka_unit_test(plots_fail_cleanly),
        cmocka_unit_test(function_plots_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
