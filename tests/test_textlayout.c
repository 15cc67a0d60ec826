/* The table's text measure (viz/textlayout.c) against Graphviz's pango plugin
 * itself, under the tests' fonts.conf (Liberation Sans for the pictures'
 * font): every covered character alone and repeated, every pair of printable
 * ASCII characters, every kerned pair, and thousands of seeded random strings,
 * at each size the pictures use. Equal means the same size and offsets, so a
 * layout is the same bits whichever measures it. Then the renderer: an SVG
 * through the table, a character outside it through pango, and PNG and PDF
 * text that cairo really draws. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_textlayout.h>

#include <micrograd/engine.h>
#include <micrograd/rng.h>

#include "viz_internal.h"

#include "font_metrics.h"

/* Every size the pictures set (build.c): edge labels' default and 12 pt,
 * boxes 13, ops 14, cluster titles 13 and 16, graph titles 18. */
static const double sizes[] = {10, 12, 13, 14, 16, 18};
#define NSIZES (sizeof sizes / sizeof *sizes)

static const gvtextlayout_engine_t *pango;

static int setup(void **state)
{
    (void)state;
    mg_viz *viz;
    if (mg_viz_new(&viz, NULL) != MG_OK) /* gvContext loads the pango plugin */
        return -1;
    mg_viz_free(viz);
    void *plugin = dlopen(VIZ_PANGO_PLUGIN, RTLD_LAZY | RTLD_NOLOAD);
    if (!plugin)
        return -1;
    const gvplugin_library_t *lib = dlsym(plugin, "gvplugin_pango_LTX_library");
    for (const gvplugin_api_t *a = lib ? lib->apis : NULL; a && a->types; a++)
        if (a->api == API_textlayout)
            pango = a->types[0].engine;
    dlclose(plugin);
    return pango ? 0 : -1;
}

/* Measures text both ways; 1 when they agree, printing the difference if not. */
static int agree(const char *text, double size)
{
    textfont_t font = {0};
    font.name = VIZ_FONT;
    font.size = size;
    textspan_t ours = {0}, theirs = {0};
    ours.str = theirs.str = (char *)text;
    ours.font = theirs.font = &font;
    ours.just = theirs.just = 'n';
    if (!viz_text_measure(&ours)) {
        print_error("not covered: \"%s\"\n", text);
        return 0;
    }
    if (!pango->textlayout(&theirs, NULL))
        return 0;
    if (theirs.free_layout)
        theirs.free_layout(theirs.layout);
    int same = ours.size.x == theirs.size.x && ours.size.y == theirs.size.y &&
               ours.yoffset_layout == theirs.yoffset_layout &&
               ours.yoffset_centerline == theirs.yoffset_centerline;
    if (!same)
        print_error("\"%s\" at %g pt: table %g x %g (%g, %g), pango %g x %g (%g, %g)\n", text,
                    size, ours.size.x, ours.size.y, ours.yoffset_layout, ours.yoffset_centerline,
                    theirs.size.x, theirs.size.y, theirs.yoffset_layout,
                    theirs.yoffset_centerline);
    return same;
}

/* Appends code point c to buf as UTF-8; returns the bytes written. */
static size_t put_utf8(char *buf, uint32_t c)
{
    if (c < 0x80) {
        buf[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        buf[0] = (char)(0xC0 | c >> 6);
        buf[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    buf[0] = (char)(0xE0 | c >> 12);
    buf[1] = (char)(0x80 | (c >> 6 & 0x3F));
    buf[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

#define NCHARS (sizeof font_advances / sizeof *font_advances)

static void every_character_alone_and_repeated(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NCHARS; i++) {
            char one[4] = {0}, many[3 * 40 + 1] = {0};
            size_t len = put_utf8(one, font_advances[i].code);
            for (int k = 0; k < 40; k++)
                memcpy(many + k * len, one, len);
            bad += !agree(one, sizes[s]) + !agree(many, sizes[s]);
        }
    assert_int_equal(bad, 0);
}

static void every_ascii_pair_and_kerned_pair(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t s = 0; s < NSIZES; s++) {
        for (char a = ' '; a <= '~'; a++)
            for (char b = ' '; b <= '~'; b++)
                bad += !agree((char[]){a, b, 0}, sizes[s]);
        static const struct {
            const struct font_kern *pairs;
            size_t n;
        } tables[] = {
            {font_kerns_latin, sizeof font_kerns_latin / sizeof *font_kerns_latin},
            {font_kerns_common, sizeof font_kerns_common / sizeof *font_kerns_common},
        };
        for (size_t t = 0; t < 2; t++)
            for (size_t i = 0; i < tables[t].n; i++) {
                const struct font_kern *k = &tables[t].pairs[i];
                char text[16] = {0};
                size_t n = put_utf8(text, k->first);
                n += put_utf8(text + n, k->second);
                n += put_utf8(text + n, k->first); /* both sides of the second */
                bad += !agree(text, sizes[s]);
                text[n++] = 'x'; /* and in a Latin run */
                bad += !agree(text, sizes[s]);
            }
    }
    assert_int_equal(bad, 0);
}

/* Random strings of covered characters, weighted to what labels hold (digits,
 * letters, signs, spaces) with the rest mixed in. */
static void random_strings(void **state)
{
    (void)state;
    static const char common[] = "0123456789.-e+ abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_*()";
    mg_rng rng;
    mg_rng_seed(&rng, 42);
    int bad = 0;
    for (int t = 0; t < 4000; t++) {
        char text[3 * 40 + 1] = {0};
        size_t n = 0, len = 1 + mg_rng_below(&rng, 40);
        for (size_t k = 0; k < len; k++) {
            if (mg_rng_below(&rng, 4))
                text[n++] = common[mg_rng_below(&rng, sizeof common - 1)];
            else
                n += put_utf8(text + n, font_advances[mg_rng_below(&rng, NCHARS)].code);
        }
        bad += !agree(text, sizes[t % NSIZES]);
    }
    for (size_t s = 0; s < NSIZES; s++)
        bad += !agree("data -0.8814 | grad 0.5000", sizes[s]) +
               !agree("tanh", sizes[s]) + !agree("layer 1: 4 neurons", sizes[s]);
    assert_int_equal(bad, 0);
}

static void what_the_table_leaves_to_pango(void **state)
{
    (void)state;
    textfont_t font = {0};
    font.name = VIZ_FONT;
    font.size = 13;
    textspan_t span = {0};
    span.font = &font;
    span.str = "x \xe6\x97\xa5"; /* a character outside the table */
    assert_int_equal(viz_text_measure(&span), 0);
    span.str = ""; /* pango declines it too */
    assert_int_equal(viz_text_measure(&span), 0);
    assert_int_equal(pango->textlayout(&span, NULL), 0);
    span.str = "ab\xff"; /* not UTF-8 */
    assert_int_equal(viz_text_measure(&span), 0);
    span.str = "ab";
    font.flags = HTML_BF;
    assert_int_equal(viz_text_measure(&span), 0);
    font.flags = 0;
    font.name = "Times";
    assert_int_equal(viz_text_measure(&span), 0);
    font.name = VIZ_FONT;
    assert_int_equal(viz_text_measure(&span), 1);
    assert_true(span.size.x == 16 && span.size.y == 14); /* 2 x 10 px = 15 pt, rounded up; 1.1 x 13 */
    span.str = "a\xce\xb1"; /* Greek: pango kerns its runs otherwise */
    assert_int_equal(viz_text_measure(&span), 0);
}

/* A one-leaf graph labelled label, rendered to format in *out. */
static void render_leaf(mg_viz *viz, const char *label, const char *format, char **out,
                        size_t *len)
{
    mg_graph *g = mg_graph_new();
    assert_non_null(g);
    mg_value v = mg_leaf(g, 2.0, label);
    assert_int_equal(mg_viz_render(viz, g, &v, 1, NULL, format, out, len, NULL), MG_OK);
    mg_graph_free(g);
}

/* The SVG's width in points. */
static double svg_width(const char *svg)
{
    const char *w = strstr(svg, "<svg width=\"");
    assert_non_null(w);
    return strtod(w + strlen("<svg width=\""), NULL);
}

static void renders_measure_and_draw_their_text(void **state)
{
    (void)state;
    mg_viz *viz;
    assert_int_equal(mg_viz_new(&viz, NULL), MG_OK);
    /* "a" and "b" have the same width: the pictures differ only by the text
     * drawn, so identical PNGs or PDFs would mean cairo drew no text. */
    static const char *const formats[] = {"svg", "png", "pdf"};
    for (size_t f = 0; f < 3; f++) {
        size_t na, nb;
        char *a, *b;
        render_leaf(viz, "a", formats[f], &a, &na);
        render_leaf(viz, "b", formats[f], &b, &nb);
        assert_true(na != nb || memcmp(a, b, na) != 0);
        mg_viz_free_output(a);
        mg_viz_free_output(b);
    }
    /* A label outside the table is measured by pango, wider than one glyph. */
    size_t n1, n2;
    char *narrow, *wide;
    render_leaf(viz, "a", "svg", &narrow, &n1);
    render_leaf(viz, "\xe6\x97\xa5\xe6\x97\xa5", "svg", &wide, &n2);
    assert_true(svg_width(wide) > svg_width(narrow) + 10);
    mg_viz_free_output(narrow);
    mg_viz_free_output(wide);
    mg_viz_free(viz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_character_alone_and_repeated),
        cmocka_unit_test(every_ascii_pair_and_kerned_pair),
        cmocka_unit_test(random_strings),
        cmocka_unit_test(what_the_table_leaves_to_pango),
        cmocka_unit_test(renders_measure_and_draw_their_text),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
