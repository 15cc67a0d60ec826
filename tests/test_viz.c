/* Unit tests of the viz module: labels and escaping, node and edge counts,
 * determinism, scenes that keep every node in place, options and errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <micrograd/engine.h>
#include <micrograd/format.h>
#include <micrograd/lesson.h>
#include <micrograd/nn.h>
#include <micrograd/viz.h>

#include "test_common.h"

static mg_viz *viz;

static int setup(void **state)
{
    (void)state;
    return mg_viz_new(&viz, NULL) == MG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mg_viz_free(viz);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

/* The video's first example: L = (a*b + c) * f, after backward. */
static mg_value build_L(mg_graph *g)
{
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, -3.0, "b"), c = mg_leaf(g, 10.0, "c");
    mg_value e = mg_mul(g, a, b);
    mg_set_label(g, e, "e");
    mg_value d = mg_add(g, e, c);
    mg_set_label(g, d, "d");
    mg_value f = mg_leaf(g, -2.0, "f");
    mg_value L = mg_mul(g, d, f);
    mg_set_label(g, L, "L");
    return L;
}

static unsigned long long lcg_state;

static double lcg_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* micrograd's MLP(3, [4, 4, 1]) summed squared error over the video's four
 * examples, value for value as micrograd builds it (398 values: inputs are
 * floats, so each `wi*xi` of layer 1 makes a constant; `ypred - ygt` adds the
 * constant -ygt; sum() starts from 0), with seeded weights and one group per
 * neuron ("layer L/neuron N"). */
static mg_value build_mlp_loss(mg_graph *g)
{
    static const double xs[4][3] = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
    static const double ys[4] = {1, -1, -1, 1};
    static const int sizes[] = {3, 4, 4, 1};
    mg_value w[3][4][5]; /* layer, neuron, weights then bias */
    char group[64];
    lcg_state = 42;
    for (int l = 0; l < 3; l++)
        for (int n = 0; n < sizes[l + 1]; n++) {
            snprintf(group, sizeof group, "layer %d/neuron %d", l + 1, n + 1);
            for (int i = 0; i <= sizes[l]; i++) {
                w[l][n][i] = mg_leaf_role(g, lcg_uniform(), MG_ROLE_PARAM);
                mg_set_group(g, w[l][n][i], group);
            }
        }
    mg_value loss = MG_NONE;
    for (int k = 0; k < 4; k++) {
        mg_value in[4];
        for (int l = 0; l < 3; l++) {
            mg_value out[4];
            for (int n = 0; n < sizes[l + 1]; n++) {
                snprintf(group, sizeof group, "layer %d/neuron %d", l + 1, n + 1);
                mg_value act = w[l][n][sizes[l]];
                for (int i = 0; i < sizes[l]; i++) {
                    mg_value p = l == 0 ? mg_mul_vd(g, w[l][n][i], xs[k][i])
                                        : mg_mul(g, w[l][n][i], in[i]);
                    act = mg_add(g, act, p);
                    mg_set_group(g, p, group);
                    mg_set_group(g, act, group);
                }
                out[n] = mg_tanh(g, act);
                mg_set_group(g, out[n], group);
            }
            memcpy(in, out, sizeof out);
        }
        mg_value sq = mg_pow(g, mg_add_vd(g, in[0], -ys[k]), 2.0);
        loss = k == 0 ? mg_add_vd(g, sq, 0.0) : mg_add(g, loss, sq);
    }
    return loss;
}

/* Renders roots (defaults when o is NULL); fails the test unless MG_OK. */
static char *render(mg_graph *g, const mg_value *roots, size_t n, const mg_viz_options *o,
                    const char *format, size_t *len)
{
    mg_error err;
    char *out = NULL;
    size_t n_out = 0;
    mg_status s = mg_viz_render(viz, g, roots, n, o, format, &out, &n_out, &err);
    if (s != MG_OK)
        fail_msg("render %s: %s (%s)", format, mg_status_str(s), err.message);
    assert_non_null(out);
    assert_int_equal(out[n_out], '\0');
    if (len)
        *len = n_out;
    return out;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A one-leaf graph labelled with len bytes, rendered to format. */
static char *render_label(const char *bytes, size_t len, const char *format)
{
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1.5, NULL);
    assert_int_equal(mg_set_label_n(g, x, bytes, len), MG_OK);
    char *out = render(g, &x, 1, NULL, format, NULL);
    mg_graph_free(g);
    return out;
}

/* ---- labels ------------------------------------------------------------------- */

static void test_record_label_and_op_nodes(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    char *dot = render(g, &L, 1, NULL, "dot", NULL);
    assert_non_null(strstr(dot, "label=\"{ a | data 2.0000 | grad 6.0000 }\""));
    assert_non_null(strstr(dot, "label=\"{ b | data -3.0000 | grad -4.0000 }\""));
    assert_non_null(strstr(dot, "label=\"{ L | data -8.0000 | grad 1.0000 }\""));
    assert_non_null(strstr(dot, "rankdir=LR"));
    /* 7 values, 3 op nodes; edges: 2 operands + 1 result per op */
    assert_int_equal(count(dot, "label=\"{"), 7);
    assert_int_equal(count(dot, "class=op"), 3);
    assert_int_equal(count(dot, " -> "), 9);
    assert_non_null(strstr(dot, "v0 -> v3_op;"));
    assert_non_null(strstr(dot, "v3_op -> v3;"));
    assert_non_null(strstr(dot, "class=\"value result root\""));
    /* tooltips carry the numbers in full */
    /* the one formatter: 10 is "10.0" (Python's repr), never "1e+01" */
    assert_non_null(strstr(dot, "tooltip=\"c: data 10.0, grad -2.0\""));
    assert_non_null(strstr(dot, "tooltip=\"a: data 2.0, grad 6.0\""));
    assert_non_null(strstr(dot, "tooltip=\"e: data -6.0, grad -2.0\""));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

static void test_op_texts(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 3.0, "x");
    mg_value y = mg_neg(g, mg_pow(g, mg_tanh(g, x), 2.0));
    mg_value z = mg_pow(g, y, -0.5);
    char *dot = render(g, &z, 1, NULL, "dot", NULL);
    assert_non_null(strstr(dot, "label=tanh"));
    assert_non_null(strstr(dot, "label=\"**2\""));
    assert_non_null(strstr(dot, "label=\"-\""));
    assert_non_null(strstr(dot, "label=\"**-0.5\""));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

static void test_number_texts(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value big = mg_leaf(g, 1e300, "big");
    mg_value sq = mg_mul(g, big, big);           /* inf */
    mg_value bad = mg_log(g, mg_leaf(g, -1.0, "m")); /* NaN (printf says -nan) */
    mg_value s = mg_add(g, sq, bad);
    mg_value tiny = mg_mul_vd(g, s, -1e-9);
    mg_backward(g, tiny);
    char *dot = render(g, &tiny, 1, NULL, "dot", NULL);
    /* tiny.grad 1; s.grad = -1e-9 (scientific: it is not zero); sq and bad
     * get s.grad; big gets 2 * 1e300 * -1e-9; m gets -1e-9 / -1; the constant
     * gets s.data = NaN */
    assert_non_null(strstr(dot, "{ big | data 1.0000e+300 | grad -2.0000e+291 }"));
    assert_non_null(strstr(dot, "{ m | data -1.0000 | grad 1.0e-09 }"));
    assert_non_null(strstr(dot, "{ data inf | grad -1.0e-09 }"));
    assert_int_equal(count(dot, "{ data nan | grad -1.0e-09 }"), 2);
    assert_non_null(strstr(dot, "{ data -1.0e-09 | grad nan }"));
    assert_non_null(strstr(dot, "{ data nan | grad 1.0000 }"));
    assert_null(strstr(dot, "-nan"));
    assert_null(strstr(dot, "-0.0000"));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

static void test_value_used_twice_gets_two_edges(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 3.0, "a");
    mg_value s = mg_add(g, a, a);
    mg_backward(g, s);
    char *svg = render(g, &s, 1, NULL, "svg", NULL);
    assert_int_equal(count(svg, "class=\"edge\""), 3);
    assert_int_equal(count(svg, "class=\"node value"), 2);
    assert_int_equal(count(svg, "class=\"node op\""), 1);
    assert_non_null(strstr(svg, ">grad 2.0000<"));
    mg_viz_free_output(svg);
    mg_graph_free(g);
}

static void test_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *label, *svg;
    } cases[] = {
        {"a|b", ">a|b<"},
        {"{x}", ">{x}<"},
        {"<p>", ">&lt;p&gt;<"},
        {"q\"uote", ">q&quot;uote<"},
        {"back\\slash", ">back\\slash<"},
        {"\\N\\G\\l\\n", ">\\N\\G\\l\\n<"},
        {"&amp; &lt;", ">&amp;amp; &amp;lt;<"},
        {"caf\xC3\xA9 \xE2\x88\x82L", ">caf\xC3\xA9 \xE2\x88\x82L<"},
        {"tab\there\nnew", ">tab here new<"},
        {"{ a<b }", ">{ a&lt;b }<"},
        {"x\x01y\x7Fz", ">xyz<"},
        /* invalid UTF-8: Graphviz shows the bytes as Latin-1 (with a warning,
         * which is captured, not printed) */
        {"ab\xFF\xFE c\xC3", ">ab\xC3\xBF\xC3\xBE c\xC3\x83<"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *svg = render_label(cases[i].label, strlen(cases[i].label), "svg");
        if (!strstr(svg, cases[i].svg))
            fail_msg("label %zu (%s): %s not in the SVG", i, cases[i].label, cases[i].svg);
        mg_viz_free_output(svg);
    }
    /* a NUL byte inside a label is dropped, not an end */
    char *svg = render_label("ab\0cd", 5, "svg");
    assert_non_null(strstr(svg, ">abcd<"));
    mg_viz_free_output(svg);
}

/* 1 if len bytes are valid UTF-8 throughout. */
static int valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t k = mg_utf8_char(s + i, len - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Text ending in a cut-off sequence (and bytes that are no UTF-8 at all) in a
 * title and a label: shown as Latin-1, the SVG and DOT valid UTF-8, and
 * nothing printed on stderr from Graphviz, Pango or cairo. */
static void test_invalid_utf8_shown_as_latin1(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_set_label(g, L, "L\xe2\x80");
    mg_backward(g, L);
    mg_viz_options o = mg_viz_options_default();
    o.title = "x\xe2\x80";
    fflush(stderr);
    int saved = dup(2);
    FILE *capture = tmpfile();
    assert_non_null(capture);
    dup2(fileno(capture), 2);
    const char *formats[] = {"svg", "dot", "pdf", "png"};
    for (size_t i = 0; i < 4; i++) {
        size_t len;
        char *out = render(g, &L, 1, &o, formats[i], &len);
        if (i < 2) {
            assert_true(valid_utf8(out, len));
            assert_non_null(strstr(out, "x\xc3\xa2\xc2\x80")); /* x, a-circumflex, U+0080 */
            assert_non_null(strstr(out, "L\xc3\xa2\xc2\x80"));
        }
        mg_viz_free_output(out);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(ftell(capture), 0); /* the library printed nothing */
    fclose(capture);
    mg_graph_free(g);
}

static void test_long_label_is_cut_at_a_character(void **state)
{
    (void)state;
    char label[400] = "", want[400] = ">";
    for (size_t i = 0; i < 133; i++) /* 133 two-byte characters */
        strcat(label, "\xC3\xA9");
    for (size_t i = 0; i < 60; i++) /* 120 bytes: 60 characters, then an ellipsis */
        strcat(want, "\xC3\xA9");
    strcat(want, "\xE2\x80\xA6<");
    char *svg = render_label(label, strlen(label), "svg");
    assert_non_null(strstr(svg, want));
    mg_viz_free_output(svg);
    /* with one byte before them, byte 120 starts no character: cut at 119 */
    char odd[400] = "x";
    strcat(odd, label);
    strcpy(want, ">x");
    for (size_t i = 0; i < 59; i++)
        strcat(want, "\xC3\xA9");
    strcat(want, "\xE2\x80\xA6<");
    svg = render_label(odd, strlen(odd), "svg");
    assert_non_null(strstr(svg, want));
    mg_viz_free_output(svg);
}

/* ---- options -------------------------------------------------------------------- */

static void test_options(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    mg_viz_options o = mg_viz_options_default();
    assert_int_equal(o.precision, 4);
    assert_int_equal(o.max_nodes, MG_VIZ_MAX_NODES_DEFAULT);
    o.forward_only = 1;
    o.precision = 1;
    o.rankdir = MG_VIZ_RANKDIR_TB;
    o.title = "L = (a*b + c) * f \\N";
    char *dot = render(g, &L, 1, &o, "dot", NULL);
    assert_null(strstr(dot, "| grad"));
    assert_non_null(strstr(dot, "label=\"a | data 2.0\""));
    assert_non_null(strstr(dot, "rankdir=TB"));
    assert_non_null(strstr(dot, "label=\"L = (a*b + c) * f \\\\N\""));
    mg_viz_free_output(dot);

    o = mg_viz_options_default();
    o.edge_grads = 1;
    dot = render(g, &L, 1, &o, "dot", NULL);
    /* a gets b * e.grad = -3 * -2, b gets a * e.grad, f gets d * L.grad */
    /* at the op's end of each edge, the first operand's above, the second's below */
    assert_non_null(strstr(dot, "v0 -> v3_op\t[fontsize=12,\n\t\theadlabel=6.0000,\n"
                                "\t\tlabelangle=-40,"));
    assert_non_null(strstr(dot, "v1 -> v3_op\t[fontsize=12,\n\t\theadlabel=-4.0000,\n"
                                "\t\tlabelangle=40,"));
    assert_non_null(strstr(dot, "v5 -> v6_op\t[fontsize=12,\n\t\theadlabel=4.0000,\n"
                                "\t\tlabelangle=40,"));
    assert_non_null(strstr(dot, "v4 -> v6_op\t[fontsize=12,\n\t\theadlabel=-2.0000,\n"
                                "\t\tlabelangle=-40,"));
    mg_viz_free_output(dot);

    o = mg_viz_options_default();
    o.color_grad = 1;
    dot = render(g, &L, 1, &o, "dot", NULL);
    /* a has the largest |grad| (6): the full positive colour mixed at 0.6;
     * b's -4 is red, sqrt(4/6) * 0.6 of the way from white */
    assert_non_null(strstr(dot, "fillcolor=\"#799fce\""));
    assert_non_null(strstr(dot, "fillcolor=\"#e09e97\""));
    mg_viz_free_output(dot);

    /* numeric derivatives beside the grads, where given (NaN: none) */
    const double numeric[7] = {6.000000000000227, (double)NAN, (double)NAN, (double)NAN, -2.5, (double)NAN, (double)NAN};
    o = mg_viz_options_default();
    o.numeric = numeric;
    dot = render(g, &L, 1, &o, "dot", NULL);
    assert_non_null(strstr(dot, "label=\"{ a | data 2.0000 | grad 6.0000 | num 6.0000 }\""));
    assert_non_null(strstr(dot, "label=\"{ d | data 4.0000 | grad -2.0000 | num -2.5000 }\""));
    assert_non_null(strstr(dot, "label=\"{ b | data -3.0000 | grad -4.0000 }\""));
    assert_non_null(strstr(dot, "tooltip=\"a: data 2.0, grad 6.0, numeric 6.000000000000227\""));
    assert_int_equal(count(dot, "| num "), 2);
    mg_viz_free_output(dot);
    o.forward_only = 1;
    dot = render(g, &L, 1, &o, "dot", NULL);
    assert_int_equal(count(dot, "num"), 0);
    mg_viz_free_output(dot);

    uint8_t flags[7] = {0};
    flags[3] = MG_LESSON_CURRENT;
    flags[0] = flags[1] = MG_LESSON_CHANGED;
    flags[5] = MG_LESSON_DIM;
    o = mg_viz_options_default();
    o.flags = flags;
    char *svg = render(g, &L, 1, &o, "svg", NULL);
    assert_non_null(strstr(svg, "<g id=\"v3\" class=\"node value result current\">"));
    assert_non_null(strstr(svg, "<g id=\"v3_op\" class=\"node op current\">"));
    assert_int_equal(count(svg, " changed\">"), 2);
    assert_non_null(strstr(svg, "<g id=\"v5\" class=\"node value input dim\">"));
    mg_viz_free_output(svg);
    mg_graph_free(g);
}

static void test_themes_render(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    mg_viz_options o = mg_viz_options_default();
    o.theme = MG_VIZ_THEME_DARK;
    char *svg = render(g, &L, 1, &o, "svg", NULL);
    assert_non_null(strstr(svg, "fill=\"#16191f\""));
    mg_viz_free_output(svg);
    o.theme = MG_VIZ_THEME_PRINT;
    char *dot = render(g, &L, 1, &o, "dot", NULL);
    /* print: no colour at all; roles by line style */
    assert_null(strstr(dot, "#1e4e8c"));
    assert_non_null(strstr(dot, "style=\"rounded,filled\""));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

static void test_clusters_from_groups(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value loss = build_mlp_loss(g);
    mg_backward(g, loss);
    char *dot = render(g, &loss, 1, NULL, "dot", NULL);
    /* 3 layers + 9 neurons, nested */
    assert_int_equal(count(dot, "subgraph cluster_"), 12);
    assert_non_null(strstr(dot, "subgraph cluster_0 {"));
    assert_non_null(strstr(dot, "label=\"layer 1\""));
    assert_non_null(strstr(dot, "label=\"neuron 4\""));
    mg_viz_free_output(dot);
    mg_viz_options o = mg_viz_options_default();
    o.clusters = 0;
    dot = render(g, &loss, 1, &o, "dot", NULL);
    assert_null(strstr(dot, "subgraph"));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

/* ---- output formats and determinism ---------------------------------------------- */

static void test_formats_and_determinism(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    static const char *const formats[] = {"svg", "png", "dot", "plain", "pdf"};
    for (size_t i = 0; i < 5; i++) {
        size_t n1, n2;
        char *a = render(g, &L, 1, NULL, formats[i], &n1);
        mg_viz *other; /* a fresh context gives the same bytes */
        assert_int_equal(mg_viz_new(&other, NULL), MG_OK);
        mg_error err;
        char *b = NULL;
        assert_int_equal(mg_viz_render(other, g, &L, 1, NULL, formats[i], &b, &n2, &err),
                         MG_OK);
        mg_viz_free(other);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        if (i == 1)
            assert_memory_equal(a, "\x89PNG\r\n\x1a\n", 8);
        mg_viz_free_output(a);
        mg_viz_free_output(b);
    }
    mg_graph_free(g);
}

/* The first needle in the len bytes of hay (PDFs hold NUL bytes), or NULL. */
static const char *find_in(const char *hay, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* Occurrences of needle in the len bytes of hay. */
static size_t count_in(const char *hay, size_t len, const char *needle)
{
    size_t n = 0;
    for (const char *at; (at = find_in(hay, len, needle)); n++)
        len -= (size_t)(at - hay) + 1, hay = at + 1;
    return n;
}

/* The page size an SVG declares ("<svg width="1201pt" height="184pt""). */
static void svg_size(const char *svg, int *w, int *h)
{
    const char *at = strstr(svg, "<svg width=\"");
    assert_non_null(at);
    assert_int_equal(sscanf(at, "<svg width=\"%dpt\" height=\"%dpt\"", w, h), 2);
}

/* The first page's MediaBox of a PDF of len bytes. */
static void pdf_size(const char *pdf, size_t len, int *w, int *h)
{
    const char *at = find_in(pdf, len, "/MediaBox [ 0 0 ");
    assert_non_null(at);
    assert_int_equal(sscanf(at, "/MediaBox [ 0 0 %d %d ]", w, h), 2);
}

/* A PDF is the same bytes run after run (its date fixed, SOURCE_DATE_EPOCH
 * when set), on the SVG's page: no margin around the drawing's pad. */
static void test_pdf_bytes_date_and_page(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    unsetenv("SOURCE_DATE_EPOCH");
    size_t n1, n2, n3;
    char *a = render(g, &L, 1, NULL, "pdf", &n1);
    char *b = render(g, &L, 1, NULL, "pdf", &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_int_equal(count_in(a, n1, "/CreationDate (19700101000000Z)"), 1);
    /* cairo 1.16 writes the date without its "D:" (readers take it) */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    char *c = render(g, &L, 1, NULL, "pdf", &n3);
    assert_int_equal(count_in(c, n3, "/CreationDate (20231114221320Z)"), 1);
    assert_int_equal(n3, n1); /* only the date differs */
    setenv("SOURCE_DATE_EPOCH", "soon", 1); /* not a number of seconds: ignored */
    mg_viz_free_output(c);
    c = render(g, &L, 1, NULL, "pdf", &n3);
    assert_memory_equal(a, c, n1);
    unsetenv("SOURCE_DATE_EPOCH");
    mg_viz_free_output(a);
    mg_viz_free_output(b);
    mg_viz_free_output(c);
    mg_viz_options o = mg_viz_options_default();
    for (int k = 0; k < 3; k++) { /* default, top to bottom with a title, 8 digits */
        if (k == 1)
            o.rankdir = MG_VIZ_RANKDIR_TB, o.title = "the video's first example";
        if (k == 2)
            o.precision = 8;
        char *svg = render(g, &L, 1, &o, "svg", NULL);
        size_t n;
        char *pdf = render(g, &L, 1, &o, "pdf", &n);
        int sw, sh, pw, ph;
        svg_size(svg, &sw, &sh);
        pdf_size(pdf, n, &pw, &ph);
        assert_int_equal(pw, sw);
        assert_int_equal(ph, sh);
        mg_viz_free_output(svg);
        mg_viz_free_output(pdf);
    }
    mg_graph_free(g);
}

/* The handout: one page per frame, the same bytes twice, the lesson left
 * where it was. */
static void test_lesson_handout(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_lesson *lesson;
    assert_int_equal(mg_lesson_new(g, L, NULL, &lesson, NULL), MG_OK);
    mg_lesson_goto(lesson, 2);
    char *a = NULL, *b = NULL;
    size_t n1 = 0, n2 = 0;
    mg_error err;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, NULL, "L", &a, &n1, &err), MG_OK);
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, NULL, NULL, &b, &n2, &err), MG_OK);
    assert_int_equal(mg_lesson_at(lesson), 2);
    assert_int_equal(n1, n2); /* the default title is the root's name: "L" */
    assert_memory_equal(a, b, n1);
    assert_int_equal(a[n1], '\0');
    assert_int_equal(count_in(a, n1, "/Type /Page %"), 5); /* 2 + 3 ops */
    assert_int_equal(count_in(a, n1, "/MediaBox [ 0 0 842 595 ]"), 5); /* A4, landscape */
    mg_viz_free_output(a);
    mg_viz_free_output(b);
    mg_viz_options o = mg_viz_options_default();
    o.rankdir = MG_VIZ_RANKDIR_TB;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, &o, "L", &a, &n1, &err), MG_OK);
    assert_int_equal(count_in(a, n1, "/MediaBox [ 0 0 595 842 ]"), 5); /* portrait */
    mg_viz_free_output(a);
    o.paper = MG_VIZ_PAPER_LETTER;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, &o, "L", &a, &n1, &err), MG_OK);
    assert_int_equal(count_in(a, n1, "/MediaBox [ 0 0 612 792 ]"), 5); /* US Letter */
    mg_viz_free_output(a);
    o.rankdir = MG_VIZ_RANKDIR_LR;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, &o, "L", &a, &n1, &err), MG_OK);
    assert_int_equal(count_in(a, n1, "/MediaBox [ 0 0 792 612 ]"), 5);
    mg_viz_free_output(a);
    o.paper = (mg_viz_paper)2;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, &o, "L", &a, &n1, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "unknown paper 2");
    assert_null(a);
    o = mg_viz_options_default();
    o.rankdir = MG_VIZ_RANKDIR_TB;
    assert_string_equal(mg_viz_paper_names[MG_VIZ_PAPER_A4], "a4");
    assert_string_equal(mg_viz_paper_names[MG_VIZ_PAPER_LETTER], "letter");
    assert_null(mg_viz_paper_names[MG_VIZ_PAPER_LETTER + 1]);
    o.max_nodes = 3;
    assert_int_equal(mg_viz_lesson_handout(viz, lesson, &o, "L", &a, &n1, &err), MG_ERR_LIMIT);
    assert_null(a);
    assert_int_equal(n1, 0);
    assert_int_equal(mg_viz_lesson_handout(viz, NULL, NULL, "L", &a, &n1, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "a required argument is NULL");
    mg_lesson_free(lesson);
    mg_graph_free(g);
}

static void test_several_roots(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1.0, "x");
    mg_value y = mg_exp(g, x);
    mg_value z = mg_log(g, x);
    mg_leaf(g, 5.0, "unused");
    mg_value roots[] = {y, z};
    assert_int_equal(mg_viz_count(g, roots, 2), 3);
    assert_int_equal(mg_viz_count(g, roots, 1), 2);
    char *dot = render(g, roots, 2, NULL, "dot", NULL);
    assert_int_equal(count(dot, "root\""), 2);
    assert_null(strstr(dot, "unused"));
    mg_viz_free_output(dot);
    mg_graph_free(g);
}

/* ---- errors ------------------------------------------------------------------------- */

static void test_errors(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value L = build_L(g);
    mg_value stranger = mg_leaf(other, 1.0, "s");
    mg_error err;
    char *out = (char *)1;
    size_t len = 99;

    assert_int_equal(mg_viz_render(viz, g, &L, 1, NULL, "gif", &out, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "unknown format 'gif' (svg, png, pdf, dot or plain)");
    assert_null(out);
    assert_int_equal(len, 0);

    assert_int_equal(mg_viz_render(viz, g, &stranger, 1, NULL, "svg", &out, &len, &err),
                     MG_ERR_FOREIGN);
    assert_string_equal(err.message, "a root is not a value of this graph");
    assert_int_equal(mg_graph_status(g), MG_OK); /* no sticky error: nothing changed */
    assert_int_equal(mg_viz_render(viz, g, &MG_NONE, 1, NULL, "svg", &out, &len, &err),
                     MG_ERR_FOREIGN);

    mg_viz_options o = mg_viz_options_default();
    o.max_nodes = 6;
    assert_int_equal(mg_viz_render(viz, g, &L, 1, &o, "svg", &out, &len, &err),
                     MG_ERR_LIMIT);
    assert_string_equal(err.message, "the graph has 7 values, more than the limit of 6");
    o.max_nodes = 7;
    assert_int_equal(mg_viz_render(viz, g, &L, 1, &o, "dot", &out, &len, &err), MG_OK);
    mg_viz_free_output(out);

    o = mg_viz_options_default();
    o.precision = 18;
    assert_int_equal(mg_viz_render(viz, g, &L, 1, &o, "svg", &out, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "precision 18 is not in 0..17");
    o = mg_viz_options_default();
    o.theme = (mg_viz_theme)7;
    assert_int_equal(mg_viz_render(viz, g, &L, 1, &o, "svg", &out, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "unknown theme 7");

    assert_int_equal(mg_viz_render(NULL, g, &L, 1, NULL, "svg", &out, &len, &err),
                     MG_ERR_INVALID);
    assert_int_equal(mg_viz_render(viz, g, NULL, 0, NULL, "svg", &out, &len, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "no root to draw");
    /* err may be NULL */
    assert_int_equal(mg_viz_render(viz, g, &L, 1, NULL, NULL, &out, &len, NULL),
                     MG_ERR_INVALID);
    assert_int_equal(mg_viz_count(g, &stranger, 1), 0);
    mg_viz_scene *scene = (mg_viz_scene *)&err;
    assert_int_equal(mg_viz_scene_new(viz, NULL, NULL, &scene, &err), MG_ERR_INVALID);
    assert_null(scene);
    assert_string_equal(err.message, "a required argument is NULL");
    mg_lesson *lesson;
    assert_int_equal(mg_lesson_new(g, L, NULL, &lesson, &err), MG_OK);
    o = mg_viz_options_default();
    o.max_nodes = 6;
    assert_int_equal(mg_viz_scene_new(viz, lesson, &o, &scene, &err), MG_ERR_LIMIT);
    assert_string_equal(err.message, "the graph has 7 values, more than the limit of 6");
    /* the scene takes the lesson, not the graph: nothing is recorded there */
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_int_equal(mg_viz_scene_new(NULL, lesson, NULL, &scene, NULL), MG_ERR_INVALID);
    assert_int_equal(mg_viz_scene_new(viz, lesson, NULL, NULL, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "a required argument is NULL");
    /* a success clears err */
    assert_int_equal(mg_viz_scene_new(viz, lesson, NULL, &scene, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    assert_string_equal(err.message, "");
    assert_int_equal(mg_viz_scene_render(scene, 0, "jpg", &out, &len, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "unknown format 'jpg' (svg, png, pdf, dot or plain)");
    assert_null(out);
    mg_viz_scene_free(scene);
    mg_lesson_free(lesson);
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_int_equal(mg_viz_new(NULL, &err), MG_ERR_INVALID);
    mg_graph_free(g);
    mg_graph_free(other);
}

/* ---- the neuron view ------------------------------------------------------------------- */

/* Counts occurrences of needle in haystack. */
static int count_of(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_neuron_view(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_rng rng;
    mg_rng_seed(&rng, 7);
    mg_mlp *m;
    const size_t sizes[] = {2, 3, 1};
    assert_int_equal(mg_mlp_new(g, sizes, 3, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, NULL), MG_OK);
    mg_mark mark = mg_graph_mark(g);
    mg_value y;
    assert_int_equal(mg_mlp_forward_inputs(g, m, (double[]){1, -2}, &y, MG_NN_ANNOTATE), MG_OK);
    mg_backward(g, y);
    mg_error err;
    char *out;
    size_t len;
    assert_int_equal(mg_viz_render_neurons(viz, g, m, &y, 1, NULL, "dot", &out, &len, &err), MG_OK);
    /* inputs x1 x2, neurons (3 + 1); edges 2*3 + 3*1; clusters inputs + 2 layers */
    assert_int_equal(count_of(out, "label=\"{ neuron "), 4);
    assert_int_equal(count_of(out, "label=\"{ x"), 2);
    assert_int_equal(count_of(out, " -> "), 9);
    assert_int_equal(count_of(out, "subgraph cluster_"), 3);
    assert_non_null(strstr(out, "label=\"layer 2 (tanh)\""));
    /* the output neuron shows y's data and grad */
    char want[128];
    snprintf(want, sizeof want, "{ neuron 1 | data %.4f | grad 1.0000 }", mg_data(g, y));
    assert_non_null(strstr(out, want));
    mg_viz_free_output(out);

    mg_viz_options o = mg_viz_options_default();
    o.max_nodes = 6;
    assert_int_equal(mg_viz_render_neurons(viz, g, m, &y, 1, &o, "svg", &out, &len, &err), MG_ERR_LIMIT);
    assert_null(out);

    /* two examples under one root: not one example's graph */
    mg_graph_reset(g, mark);
    mg_value y1, y2;
    mg_mlp_forward_inputs(g, m, (double[]){1, -2}, &y1, MG_NN_ANNOTATE);
    mg_mlp_forward_inputs(g, m, (double[]){0.5, 3}, &y2, MG_NN_ANNOTATE);
    mg_value both = mg_add(g, y1, y2);
    assert_int_equal(mg_viz_render_neurons(viz, g, m, &both, 1, NULL, "svg", &out, &len, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "the roots are not one example's forward graph of this network "
                             "(made with MG_NN_ANNOTATE): layer 1 neuron 1");
    /* without MG_NN_ANNOTATE there are no groups to find */
    mg_graph_reset(g, mark);
    mg_mlp_forward_inputs(g, m, (double[]){1, -2}, &y, 0);
    assert_int_equal(mg_viz_render_neurons(viz, g, m, &y, 1, NULL, "svg", &out, &len, &err), MG_ERR_INVALID);
    assert_int_equal(mg_viz_render_neurons(viz, g, NULL, &y, 1, NULL, "svg", &out, &len, &err), MG_ERR_INVALID);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* ---- scenes ------------------------------------------------------------------------- */

/* The "node NAME X Y W H" fields of Graphviz's plain output, one line each. */
static char *node_geometry(const char *plain)
{
    size_t n = strlen(plain);
    char *out = calloc(n + 1, 1), *w = out;
    for (const char *line = plain; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (strncmp(line, "node ", 5) == 0) {
            const char *p = line;
            for (int field = 0; field < 6 && p < line + len; field++)
                p = memchr(p, ' ', (size_t)(line + len - p)) ? strchr(p, ' ') + 1 : line + len;
            memcpy(w, line, (size_t)(p - line));
            w += p - line;
            *w++ = '\n';
        }
        line += len + (end ? 1 : 0);
    }
    return out;
}

/* A scene of a clustered graph of 398 values: every frame the lesson has, the
 * same node geometry (a sample of frames is laid out: each takes ~0.1 s). */
static void test_scene_frames_keep_positions(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value loss = build_mlp_loss(g);
    mg_error err;
    mg_lesson *lesson;
    assert_int_equal(mg_lesson_new(g, loss, NULL, &lesson, &err), MG_OK);
    mg_viz_scene *scene;
    if (mg_viz_scene_new(viz, lesson, NULL, &scene, &err) != MG_OK)
        fail_msg("scene: %s", err.message);
    size_t frames = mg_lesson_frame_count(lesson);
    assert_int_equal(frames, 2 + 304);
    char *first = NULL, *text = NULL;
    size_t len;
    int checked = 0;
    for (size_t frame = 0; frame < frames; frame++) {
        if (frame > 1 && frame % 37 != 0)
            continue;
        assert_int_equal(mg_viz_scene_render(scene, frame, "plain", &text, &len, &err), MG_OK);
        char *geometry = node_geometry(text);
        mg_viz_free_output(text);
        checked++;
        if (!first)
            first = geometry;
        else {
            assert_string_equal(geometry, first);
            free(geometry);
        }
    }
    assert_int_equal(checked, 2 + 8); /* frames 0, 1, 37, 74, ..., 296 */
    assert_int_equal(mg_viz_count(g, &loss, 1), 398);
    assert_int_equal(count(first, "node "), 702); /* 398 values + 304 ops (94 leaves) */
    /* the last frame shows what backward computes */
    assert_int_equal(mg_viz_scene_render(scene, frames - 1, "svg", &text, &len, &err), MG_OK);
    assert_int_equal(mg_lesson_at(lesson), frames - 1);
    double grad0 = mg_grad(g, mg_value_at(g, 0));
    mg_zero_grad(g);
    mg_backward(g, loss);
    assert_same_double(mg_grad(g, mg_value_at(g, 0)), grad0);
    char want[64];
    snprintf(want, sizeof want, ">grad %.4f<", grad0);
    assert_non_null(strstr(text, want));
    mg_viz_free_output(text);
    free(first);
    mg_viz_scene_free(scene);
    mg_lesson_free(lesson);
    mg_graph_free(g);
}

/* ---- threads ------------------------------------------------------------------------ */

typedef struct thread_job {
    const char *want; /* the SVG every render must give */
    size_t want_len;
    int same;         /* renders that matched */
} thread_job;

static void *render_many(void *arg)
{
    thread_job *job = arg;
    mg_viz *mine = NULL;
    mg_viz_new(&mine, NULL); /* a failure: mine NULL, every render then fails */
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    for (int i = 0; i < 20; i++) {
        mg_error err;
        char *out = NULL;
        size_t len = 0;
        if (mg_viz_render(mine, g, &L, 1, NULL, "svg", &out, &len, &err) == MG_OK &&
            len == job->want_len && memcmp(out, job->want, len) == 0)
            job->same++;
        mg_viz_free_output(out);
    }
    mg_graph_free(g);
    mg_viz_free(mine);
    return NULL;
}

/* Graphviz alone crashes when two threads lay out at once (GRAPHVIZ.md); the
 * module's lock makes concurrent renders safe and their output unchanged. */
static void test_renders_from_threads(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value L = build_L(g);
    mg_backward(g, L);
    size_t len;
    char *want = render(g, &L, 1, NULL, "svg", &len);
    thread_job jobs[3] = {{want, len, 0}, {want, len, 0}, {want, len, 0}};
    pthread_t threads[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, render_many, &jobs[i]), 0);
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].same, 20);
    }
    mg_viz_free_output(want);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_label_and_op_nodes),
        cmocka_unit_test(test_op_texts),
        cmocka_unit_test(test_number_texts),
        cmocka_unit_test(test_value_used_twice_gets_two_edges),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_long_label_is_cut_at_a_character),
        cmocka_unit_test(test_invalid_utf8_shown_as_latin1),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_themes_render),
        cmocka_unit_test(test_clusters_from_groups),
        cmocka_unit_test(test_formats_and_determinism),
        cmocka_unit_test(test_several_roots),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_neuron_view),
        cmocka_unit_test(test_scene_frames_keep_positions),
        cmocka_unit_test(test_renders_from_threads),
        cmocka_unit_test(test_pdf_bytes_date_and_page),
        cmocka_unit_test(test_lesson_handout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
