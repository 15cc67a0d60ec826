/* The lesson through the viz module: scenes made from the lesson (the last
 * frame shows what the draw picture shows, with every box named as the
 * captions name it, boxes sized by the lesson's
 * frames, each frame the lesson's grads and flags) and the lesson page. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

#include <micrograd/engine.h>
#include <micrograd/lesson.h>
#include <micrograd/parse.h>
#include <micrograd/viz.h>

static const char *const sources[] = {
    "a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n",
    ("x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
     "x1w1 = x1*w1\nx2w2 = x2*w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)\n"),
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

/* Checks that every value box of a frame's summary shows the name captions
 * call the value (mg_lesson_value_name), and removes that name from the boxes
 * of unnamed values (which draw leaves without a name). */
static void check_and_strip_names(char *sum, const mg_graph *g)
{
    char *w = sum, *line = sum;
    unsigned index = 0, want = 0; /* want: 1 after "vN", 2 after "a_vN" */
    int n = 0;
    while (*line) {
        char *eol = strchr(line, '\n');
        size_t len = (size_t)(eol - line);
        int keep = 1;
        if (want == 2) {
            char name[96], text[128];
            mg_value v = mg_value_at(g, index);
            mg_lesson_value_name(g, v, name, sizeof name);
            snprintf(text, sizeof text, "%.*s", (int)len, line);
            assert_string_equal(text, name);
            size_t label_len = 0;
            keep = mg_label(g, v, &label_len) && label_len > 0;
            want = 0;
        } else if (want == 1) {
            want = strncmp(line, "a_v", 3) == 0 ? 2 : 0;
        } else if (sscanf(line, "v%u%n", &index, &n) == 1 && (size_t)n == len) {
            want = 1;
        }
        if (keep) {
            memmove(w, line, len + 1);
            w += len + 1;
        }
        line = eol + 1;
    }
    *w = '\0';
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
        assert_int_equal(mg_viz_scene_new(viz, l, NULL, &scene, &err), MG_OK);
        size_t last = mg_lesson_frame_count(l) - 1;
        char *frame = NULL, *first = NULL, *draw = NULL;
        size_t len;
        assert_int_equal(mg_viz_scene_render(scene, 0, "svg", &first, &len, &err), MG_OK);
        assert_int_equal(mg_viz_scene_render(scene, last, "svg", &frame, &len, &err), MG_OK);
        /* draw: forward, backward from zero grads, the default picture */
        mg_graph *g2 = mg_graph_new();
        mg_program *p2 = NULL;
        assert_int_equal(mg_parse(g2, sources[s], strlen(sources[s]), &p2, NULL), MG_OK);
        mg_value root2 = mg_program_value(p2, mg_program_root(p2));
        assert_int_equal(mg_backward(g2, root2), MG_OK);
        assert_int_equal(mg_viz_render(viz, g2, &root2, 1, NULL, "svg", &draw, &len, &err), MG_OK);
        char *a = summary(frame), *b = summary(draw), *c = summary(first);
        /* but for the names of unnamed values, which the captions use */
        check_and_strip_names(a, g);
        check_and_strip_names(c, g);
        assert_string_equal(a, b);
        assert_string_not_equal(a, c); /* frame 0 shows other grads: the summary sees texts */
        assert_true(strlen(a) > 200);
        free(a);
        free(b);
        free(c);
        mg_viz_free_output(frame);
        mg_viz_free_output(first);
        mg_viz_free_output(draw);
        mg_viz_scene_free(scene);
        mg_lesson_free(l);
        mg_program_free(p);
        mg_program_free(p2);
        mg_graph_free(g);
        mg_graph_free(g2);
    }
}

/* A lesson of the program src, with its graph and program. */
typedef struct parsed {
    mg_graph *g;
    mg_program *p;
    mg_value root;
    mg_lesson *lesson;
} parsed;

static parsed parse_lesson(const char *src)
{
    parsed r = {.g = mg_graph_new()};
    assert_non_null(r.g);
    assert_int_equal(mg_parse(r.g, src, strlen(src), &r.p, NULL), MG_OK);
    r.root = mg_program_value(r.p, mg_program_root(r.p));
    assert_int_equal(mg_lesson_new(r.g, r.root, NULL, &r.lesson, NULL), MG_OK);
    return r;
}

static void parsed_free(parsed *r)
{
    mg_lesson_free(r->lesson);
    mg_program_free(r->p);
    mg_graph_free(r->g);
}

/* The width (inches) of node `name` in Graphviz's plain output. */
static double plain_width(const char *plain, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\nnode %s ", name);
    const char *line = strstr(plain, key);
    assert_non_null(line);
    double x, y, w;
    assert_int_equal(sscanf(line + strlen(key), "%lf %lf %lf", &x, &y, &w), 3);
    return w;
}

/* x's grad is 1, 1, -99, then 1 again: the widest text it ever shows is in
 * the middle of the lesson, and its box is as wide as that in every frame. */
static void scene_boxes_are_sized_by_the_lesson(void **state)
{
    mg_viz *viz = *state;
    parsed r = parse_lesson("x = 5\ny = x*100 - x*100 + x\n");
    mg_value x = mg_program_value(r.p, (size_t)mg_program_find(r.p, "x"));
    assert_int_equal(x.index, 0);
    size_t frames = mg_lesson_frame_count(r.lesson);
    assert_int_equal(frames, 6);
    mg_error err;
    char *plain;
    size_t len;
    double drawn[6];
    for (size_t i = 0; i < frames; i++) { /* draw's own boxes, fitted to each frame's text */
        assert_int_equal(mg_lesson_goto(r.lesson, i), MG_OK);
        assert_int_equal(mg_viz_render(viz, r.g, &r.root, 1, NULL, "plain", &plain, &len, &err),
                         MG_OK);
        drawn[i] = plain_width(plain, "v0");
        mg_viz_free_output(plain);
    }
    assert_same_double(mg_grad(r.g, x), 1.0);
    assert_true(drawn[4] > drawn[5]); /* "grad -99.0000" is wider than "grad 1.0000" */
    assert_int_equal(mg_lesson_goto(r.lesson, 2), MG_OK);
    mg_viz_scene *scene;
    assert_int_equal(mg_viz_scene_new(viz, r.lesson, NULL, &scene, &err), MG_OK);
    assert_int_equal(mg_lesson_at(r.lesson), 2); /* left where it was */
    assert_same_double(mg_grad(r.g, x), 1.0);
    double first = 0;
    for (size_t i = 0; i < frames; i++) {
        assert_int_equal(mg_viz_scene_render(scene, i, "plain", &plain, &len, &err),
                         MG_OK);
        double w = plain_width(plain, "v0");
        mg_viz_free_output(plain);
        if (i == 0)
            first = w;
        assert_same_double(w, first);
        assert_true(w >= drawn[4]);
    }
    mg_viz_scene_free(scene);
    parsed_free(&r);
}

/* The class attribute of node `id` in an SVG ("" if there is none). */
static void node_class(char *buf, size_t size, const char *svg, const char *id)
{
    char key[64];
    snprintf(key, sizeof key, "<g id=\"%s\" class=\"", id);
    const char *p = strstr(svg, key);
    buf[0] = '\0';
    if (p) {
        p += strlen(key);
        snprintf(buf, size, "%.*s", (int)strcspn(p, "\""), p);
    }
}

/* Every frame of a scene: the lesson moved there, the lesson's flags drawn as
 * the nodes' classes (the same ones mg_viz_render draws from the same bits),
 * bytes that do not depend on the order frames are rendered in. */
static void scene_frames_follow_the_lesson(void **state)
{
    mg_viz *viz = *state;
    parsed r = parse_lesson(sources[0]);
    size_t frames = mg_lesson_frame_count(r.lesson), n = mg_graph_size(r.g);
    mg_viz_scene *scene;
    mg_error err;
    assert_int_equal(mg_viz_scene_new(viz, r.lesson, NULL, &scene, &err), MG_OK);
    char *svg[5];
    size_t len;
    uint8_t flags[7];
    assert_int_equal(frames, 5);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < frames; i++) {
        assert_int_equal(mg_viz_scene_render(scene, i, "svg", &svg[i], &len, &err),
                         MG_OK);
        assert_int_equal(mg_lesson_at(r.lesson), i);
        mg_lesson_flags(r.lesson, i, flags, n);
        mg_viz_options o = mg_viz_options_default();
        o.flags = flags;
        char *draw;
        assert_int_equal(mg_viz_render(viz, r.g, &r.root, 1, &o, "svg", &draw, &len, &err), MG_OK);
        for (size_t v = 0; v < n; v++) {
            char id[16], cls[128], draw_cls[128];
            snprintf(id, sizeof id, "v%zu", v);
            node_class(cls, sizeof cls, svg[i], id);
            node_class(draw_cls, sizeof draw_cls, draw, id);
            assert_string_equal(cls, draw_cls);
            assert_int_equal(strstr(cls, " current") != NULL, (flags[v] & MG_LESSON_CURRENT) != 0);
            assert_int_equal(strstr(cls, " changed") != NULL, (flags[v] & MG_LESSON_CHANGED) != 0);
        }
        mg_viz_free_output(draw);
    }
    /* frame 3 (d = e + c): d and its op current, e and c changed */
    char cls[128];
    node_class(cls, sizeof cls, svg[3], "v4");
    assert_string_equal(cls, "node value result current");
    node_class(cls, sizeof cls, svg[3], "v4_op");
    assert_string_equal(cls, "node op current");
    node_class(cls, sizeof cls, svg[3], "v2");
    assert_string_equal(cls, "node value input changed");
    /* out of order, the same bytes */
    const size_t order[] = {3, 0, 4, 1, 1};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        char *again;
        assert_int_equal(mg_viz_scene_render(scene, order[k], "svg", &again, &len, &err), MG_OK);
        assert_int_equal(len, strlen(svg[order[k]]));
        assert_memory_equal(again, svg[order[k]], len);
        mg_viz_free_output(again);
    }
    char *none = (char *)&err;
    assert_int_equal(mg_viz_scene_render(scene, 5, "svg", &none, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "no frame 5 in a lesson of 5 frames");
    assert_null(none);
    assert_int_equal(mg_lesson_at(r.lesson), 1); /* unmoved */
    for (size_t i = 0; i < frames; i++)
        mg_viz_free_output(svg[i]);
    mg_viz_scene_free(scene);
    parsed_free(&r);
}

/* ---- the page ------------------------------------------------------------ */

static size_t count_of(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The text of frame i's caption in the page, its lines joined back as the
 * lesson writes them: the headline span, then "; " between term lines. */
static char *page_caption(const char *page, size_t i)
{
    char key[64];
    snprintf(key, sizeof key, "id=\"caption-%zu\">", i + 1);
    const char *from = strstr(page, key);
    assert_non_null(from);
    from += strlen(key);
    const char *end = strstr(from, "</figcaption>");
    char *out = calloc((size_t)(end - from) + 1, 1);
    assert_non_null(out);
    size_t n = 0, terms = 0;
    static const char term[] = "<span class=\"term\">";
    for (const char *p = from; p < end;) {
        if (strncmp(p, term, strlen(term)) == 0) {
            /* the first term line after the headline's ":", then "; " */
            n += (size_t)sprintf(out + n, terms++ ? "; " : " ");
            p += strlen(term);
        } else if (*p == '<') {
            p = strchr(p, '>') + 1; /* other tags: their text only */
        } else {
            out[n++] = *p++;
        }
    }
    return out;
}

static void page_holds_every_frame_caption_and_control(void **state)
{
    mg_viz *viz = *state;
    parsed r = parse_lesson(sources[1]); /* the neuron: 7 frames */
    size_t frames = mg_lesson_frame_count(r.lesson);
    assert_int_equal(frames, 7);
    assert_int_equal(mg_lesson_goto(r.lesson, 2), MG_OK);
    double grad_n = mg_grad(r.g, mg_value_at(r.g, 8));
    mg_error err;
    char *page, *again;
    size_t len, len2;
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, NULL, "neuron", &page, &len, &err), MG_OK);
    assert_int_equal(strlen(page), len);
    assert_int_equal(mg_lesson_at(r.lesson), 2); /* left where it was */
    assert_same_double(mg_grad(r.g, mg_value_at(r.g, 8)), grad_n);
    assert_true(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    /* the picture left to right, and top to bottom for a phone held upright
     * (its ids prefixed); a caption per frame, the first shown */
    assert_int_equal(count_of(page, "<svg"), 2);
    assert_int_equal(count_of(page, "</svg>"), 2);
    assert_int_equal(count_of(page, "<svg class=\"wide\" width="), 1);
    assert_int_equal(count_of(page, "<svg class=\"tall\" width="), 1);
    assert_int_equal(count_of(page, "<g id=\"v8\" class=\"node"), 1);
    assert_int_equal(count_of(page, "<g id=\"tv8\" class=\"node"), 1);
    assert_true(strstr(page, "<svg class=\"wide\"") < strstr(page, "<svg class=\"tall\""));
    assert_int_equal(count_of(page, "<figcaption class=\"caption"), frames);
    assert_int_equal(count_of(page, "<figcaption class=\"caption shown\" id=\"caption-1\">"), 1);
    for (size_t i = 0; i < frames; i++) {
        char *caption = page_caption(page, i);
        assert_string_equal(caption, mg_lesson_caption(r.lesson, i));
        free(caption);
    }
    /* a formula breaks only before its relation signs */
    assert_non_null(strstr(page, "<span class=\"term\">n.grad <span class=\"nb\">+= (1 - "
                                 "o.data²) × o.grad</span> <span class=\"nb\">= (1 - 0.7071²) × "
                                 "1.0000</span> <span class=\"nb\">= 0.5000</span></span>"));
    static const char *const controls[] = {
        "<button id=\"prev\" type=\"button\" disabled>",
        "<button id=\"next\" type=\"button\">",
        "<input id=\"slider\" type=\"range\" min=\"0\" max=\"6\" value=\"0\"",
        "<button id=\"zoom\" type=\"button\" aria-pressed=\"false\"",
        "<span id=\"counter\" aria-live=\"polite\">step 1 of 7</span>",
        "<title>neuron · backpropagation, step by step</title>", "<h1>neuron</h1>",
        "<script>\n", "ArrowRight: step + 1", "Home: 0, End: n - 1",
        "<script type=\"application/json\" id=\"mg-frames\">{\"precision\":4,\"quiz\":false,"};
    for (size_t i = 0; i < sizeof controls / sizeof *controls; i++)
        if (!strstr(page, controls[i]))
            fail_msg("no %s in the page", controls[i]);
    /* the picture is the master layout's (widest texts), the frames its
     * changes: frame 0 the grads 0, frame 1 the root o (v9) changed, its op
     * (which does not run) not highlighted; frame 2 o's tanh current */
    assert_non_null(strstr(page, "<g id=\"v9\" class=\"node value result root\">"));
    assert_non_null(strstr(page, "<g id=\"v9_out\" class=\"edge\">"));
    assert_non_null(strstr(page, ">grad 8.8888</text>"));
    assert_non_null(strstr(page, ">data 8.8888</text>"));
    assert_non_null(strstr(page, "[9,-1,\"o: data 0.7071067811865477, grad 0.0\",1,\"data 0.7071\","
                                 "2,\"grad 0.0000\"]]"));
    assert_non_null(strstr(page, "],[[9,2,\"o: data 0.7071067811865477, grad 1.0\",2,\"grad 1.0000\"]],"
                                 "[[8,2,\"n: data 0.8813735870195432, grad 0.4999999999999998\",2,"
                                 "\"grad 0.5000\"],[9,1,null]],"));
    assert_null(strstr(page, "<!--"));
    assert_null(strstr(page, "xmlns"));
    /* the same bytes from a second call */
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, NULL, "neuron", &again, &len2, &err), MG_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, page, len);
    mg_viz_free_output(again);
    /* the quiz asks, per frame, for the grads it changes, as the boxes show them */
    mg_viz_options o = mg_viz_options_default();
    o.quiz = 1;
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, &o, "neuron", &again, &len2, &err), MG_OK);
    assert_non_null(strstr(again, "\"quiz\":true,"));
    assert_non_null(strstr(again, ",\"ask\":[[],[[9,\"o\",2,\"1.0000\"]],[[8,\"n\",2,\"0.5000\"]],"));
    mg_viz_free_output(again);
    mg_viz_free_output(page);
    parsed_free(&r);
}

/* One source per colour: the CSS custom property the legend uses is the very
 * fill the current value has in the pictures, in every theme. */
static void page_colours_come_from_the_theme(void **state)
{
    mg_viz *viz = *state;
    parsed r = parse_lesson(sources[0]);
    const mg_viz_theme themes[] = {MG_VIZ_THEME_LIGHT, MG_VIZ_THEME_DARK, MG_VIZ_THEME_PRINT};
    char seen[3][16];
    for (size_t t = 0; t < 3; t++) {
        mg_viz_options o = mg_viz_options_default();
        o.theme = themes[t];
        mg_error err;
    char *page;
        size_t len;
        assert_int_equal(mg_viz_lesson_page(viz, r.lesson, &o, NULL, &page, &len, &err), MG_OK);
        assert_non_null(strstr(page, "<h1>L</h1>")); /* no title: the root's name */
        assert_non_null(strstr(page, ".legend .current{background:var(--mg-current-fill);"
                                     "border-color:var(--mg-current-line);"
                                     "border-width:var(--mg-current-width)}"));
        assert_non_null(strstr(page, "<i class=\"current\"></i>this step"));
        assert_non_null(strstr(page, "<i class=\"changed\"></i>grad just changed"));
        const char *var = strstr(page, "--mg-current-fill:");
        assert_non_null(var);
        var += strlen("--mg-current-fill:");
        size_t n = strcspn(var, ";");
        assert_true(n > 0 && n < sizeof seen[t]);
        snprintf(seen[t], sizeof seen[t], "%.*s", (int)n, var);
        /* the current value is filled with it, by the page's rule */
        assert_non_null(strstr(page, ".node.current :is(polygon,path,ellipse){fill:var(--mg-current-fill);"));
        char *svg = NULL;
        mg_viz_scene *scene = NULL;
        assert_int_equal(mg_viz_scene_new(viz, r.lesson, &o, &scene, &err), MG_OK);
        assert_int_equal(mg_viz_scene_render(scene, 3, "svg", &svg, &len, &err), MG_OK);
        const char *node = strstr(svg, "<g id=\"v4\" class=\"node value result current\">");
        assert_non_null(node);
        char fill[64];
        snprintf(fill, sizeof fill, "fill=\"%s\"", seen[t]);
        const char *at = strstr(node, fill);
        assert_true(at && at < strstr(node, "</g>"));
        mg_viz_free_output(svg);
        mg_viz_scene_free(scene);
        mg_viz_free_output(page);
    }
    assert_string_equal(seen[0], "#fff3a3");
    assert_string_not_equal(seen[1], seen[0]);
    parsed_free(&r);
}

static void page_errors(void **state)
{
    mg_viz *viz = *state;
    parsed r = parse_lesson(sources[0]);
    mg_viz_options o = mg_viz_options_default();
    o.max_nodes = 6;
    mg_error err;
    char *page = (char *)&err;
    size_t len = 99;
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, &o, "L", &page, &len, &err),
                     MG_ERR_LIMIT);
    assert_string_equal(err.message, "the graph has 7 values, more than the limit of 6");
    assert_null(page);
    assert_int_equal(len, 0);
    assert_int_equal(mg_lesson_at(r.lesson), 4);
    assert_int_equal(mg_graph_status(r.g), MG_OK); /* a picture's failure, not the graph's */
    o = mg_viz_options_default();
    o.precision = 18;
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, &o, "L", &page, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "precision 18 is not in 0..17");
    assert_int_equal(mg_viz_lesson_page(viz, NULL, NULL, "L", &page, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "a required argument is NULL");
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, NULL, "L", NULL, &len, NULL),
                     MG_ERR_INVALID);
    /* the title is text: escaped */
    assert_int_equal(mg_viz_lesson_page(viz, r.lesson, NULL, "a<b & \"c\"", &page, &len, &err),
                     MG_OK);
    assert_non_null(strstr(page, "<h1>a&lt;b &amp; &quot;c&quot;</h1>"));
    assert_int_equal(err.status, MG_OK); /* a success clears err */
    assert_string_equal(err.message, "");
    mg_viz_free_output(page);
    parsed_free(&r);
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
        cmocka_unit_test(scene_boxes_are_sized_by_the_lesson),
        cmocka_unit_test(scene_frames_follow_the_lesson),
        cmocka_unit_test(page_holds_every_frame_caption_and_control),
        cmocka_unit_test(page_colours_come_from_the_theme),
        cmocka_unit_test(page_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
