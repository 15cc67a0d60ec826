/* The lesson through the viz module's scenes: the last frame shows what the
 * draw picture shows: the same nodes and edges with the same texts. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

#include <micrograd/engine.h>
#include <micrograd/lesson.h>
#include <micrograd/parse.h>
#include <micrograd/viz.h>

static const char *const sources[] = {
    "a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n",
    "x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
    "x1w1 = x1*w1\nx2w2 = x2*w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)\n",
    "a = 3\nb = a*a\nc = b + a*2 - exp(a)/4\n",
    "x = 0.5\ny = -x**3 + log(x + 2) * sigmoid(x) - relu(x - 1) / 3\n",
};

/* Every <text>'s content, one per line, and one line per node and edge group:
 * what a reader of the picture sees, without where the layout put it. (A
 * scene pads its boxes for the widest grad of any frame and for the highlight
 * outline, so its coordinates are not draw's.) */
static char *summary(const char *svg)
{
    size_t n = 0;
    char *out = malloc(strlen(svg) + 1);
    assert_non_null(out);
    for (const char *p = svg; (p = strchr(p, '<')) != NULL; p++) {
        const char *from = NULL, *end = NULL;
        if (strncmp(p, "<text", 5) == 0) {
            from = strchr(p, '>') + 1;
            end = strstr(from, "</text>");
        } else if (strncmp(p, "<g id=\"", 7) == 0) {
            from = p + 7;          /* the group's id: v3, v3_op, edge2 */
            end = strchr(from, '"');
        }
        if (end) {
            memcpy(out + n, from, (size_t)(end - from));
            n += (size_t)(end - from);
            out[n++] = '\n';
            p = end;
        }
    }
    out[n] = '\0';
    return out;
}

static void last_frame_is_the_draw_picture(void **state)
{
    mg_viz *viz = *state;
    for (size_t s = 0; s < sizeof sources / sizeof *sources; s++) {
        mg_graph *g = mg_graph_new();
        mg_program *p = NULL;
        assert_int_equal(mg_parse(g, sources[s], strlen(sources[s]), &p, NULL), MG_OK);
        mg_value root = mg_program_value(p, mg_program_root(p));
        mg_error err;
        mg_lesson *l = NULL;
        assert_int_equal(mg_lesson_new(g, root, NULL, &l, &err), MG_OK);
        mg_viz_scene *scene = NULL;
        assert_int_equal(mg_viz_scene_new(viz, g, root, NULL, &scene, &err), MG_OK);
        size_t n = mg_graph_size(g), last = mg_lesson_frame_count(l) - 1;
        unsigned char *flags = malloc(n);
        assert_non_null(flags);
        char *frame = NULL, *first = NULL, *draw = NULL;
        size_t len;
        assert_int_equal(mg_lesson_goto(l, 0), MG_OK);
        assert_int_equal(mg_viz_scene_render(scene, NULL, "svg", &first, &len, &err), MG_OK);
        assert_int_equal(mg_lesson_goto(l, last), MG_OK);
        mg_lesson_flags(l, last, flags, n);
        assert_int_equal(mg_viz_scene_render(scene, flags, "svg", &frame, &len, &err), MG_OK);
        /* draw: forward, backward from zero grads, the default picture */
        mg_graph *g2 = mg_graph_new();
        mg_program *p2 = NULL;
        assert_int_equal(mg_parse(g2, sources[s], strlen(sources[s]), &p2, NULL), MG_OK);
        mg_value root2 = mg_program_value(p2, mg_program_root(p2));
        assert_int_equal(mg_backward(g2, root2), MG_OK);
        assert_int_equal(mg_viz_render(viz, g2, &root2, 1, NULL, "svg", &draw, &len, &err), MG_OK);
        char *a = summary(frame), *b = summary(draw), *c = summary(first);
        assert_string_equal(a, b);
        assert_string_not_equal(a, c); /* frame 0 shows other grads: the summary sees texts */
        assert_true(strlen(a) > 200);
        free(a);
        free(b);
        free(c);
        mg_viz_free_output(frame);
        mg_viz_free_output(first);
        mg_viz_free_output(draw);
        free(flags);
        mg_viz_scene_free(scene);
        mg_lesson_free(l);
        mg_program_free(p);
        mg_program_free(p2);
        mg_graph_free(g);
        mg_graph_free(g2);
    }
}

static int setup(void **state)
{
    mg_viz *viz;
    if (mg_viz_new(&viz, NULL) != MG_OK)
        return -1;
    *state = viz;
    return 0;
}

static int teardown(void **state)
{
    mg_viz_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(last_frame_is_the_draw_picture),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
