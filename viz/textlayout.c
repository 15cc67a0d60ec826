/* Text measured from a table instead of through fontconfig and pango.
 *
 * Graphviz sizes every label through its "textlayout" plugin, pango's, and
 * pango's first measure starts fontconfig, which parses the whole of
 * /etc/fonts: about 40% of a `micrograd draw` process that writes an SVG,
 * more than all of the layout. The pictures use one font, "Helvetica,Arial,
 * sans-serif", drawn with Liberation Sans (metric-compatible with both), so
 * this measures that font's text from its advance widths and kerning
 * (font_metrics.h, made by font_metrics.py with HarfBuzz, pango's shaper) and
 * rounds exactly as pango does with Graphviz's settings: each glyph's advance
 * to whole pixels at 96 dpi, the width to whole points rounded up.
 * tests/test_textlayout.c checks it against the pango plugin itself.
 *
 * Pango still measures what the table does not cover (other characters,
 * other fonts, bold or italic), and makes the layout of every text cairo will
 * draw (PNG, PDF), whose size is then the table's again. So a box has the
 * same size in every format and on every machine, whichever Helvetica it has
 * (Liberation Sans, Arial, Nimbus Sans share these widths), and an SVG never
 * starts fontconfig unless a label has a character outside the table. */
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_textlayout.h>

#include "viz_internal.h"

#include "font_metrics.h"

/* libgvc exports the function that picks the textlayout plugin (it runs at
 * the end of gvContext) but no installed header declares it. */
extern int gvtextlayout_select(GVC_t *gvc);

/* Graphviz's pango plugin's settings (plugin/pango/gvtextlayout_pango.c):
 * 96 dpi, line height 1.1 x size, baseline at the ascender rounded up. */
#define FONT_DPI 96.0
#define LINE_HEIGHT 1.1
#define CENTERLINE 0.2

static const gvtextlayout_engine_t *pango_engine; /* the plugin's, when loaded */
static int pango_for_all;                         /* the next layout is drawn by cairo */

static const struct font_advance *advance_of(uint32_t code)
{
    size_t lo = 0, hi = sizeof font_advances / sizeof *font_advances;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (font_advances[mid].code == code)
            return &font_advances[mid];
        if (font_advances[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The kerning of a pair in a table of n pairs sorted by code points. */
static const struct font_kern *kern_of(const struct font_kern *kerns, size_t n, uint32_t first,
                                       uint32_t second)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct font_kern *k = &kerns[mid];
        if (k->first == first && k->second == second)
            return k;
        if (k->first < first || (k->first == first && k->second < second))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The code point of the UTF-8 character of len bytes at s. */
static uint32_t decode(const unsigned char *s, size_t len)
{
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t c = s[0] & lead_mask[len];
    for (size_t i = 1; i < len; i++)
        c = c << 6 | (s[i] & 0x3F);
    return c;
}

/* Pango's arithmetic (pango 1.50, HarfBuzz 6): the font's scale in Pango
 * units (1/1024 pixel) is the pixel size times 1024, truncated; each advance
 * and each kerning adjustment is scaled on its own, rounded half up; a glyph's
 * advance is then rounded to whole pixels (hinted metrics). */
#define PANGO_SCALE 1024

static long scaled(long value, long scale)
{
    long v = value * scale + FONT_UNITS_PER_EM / 2;
    return v >= 0 ? v / FONT_UNITS_PER_EM : -((-v + FONT_UNITS_PER_EM - 1) / FONT_UNITS_PER_EM);
}

static long whole_pixels(long pango_units)
{
    long v = pango_units + PANGO_SCALE / 2;
    return v >= 0 ? v / PANGO_SCALE : -((-v + PANGO_SCALE - 1) / PANGO_SCALE);
}

/* text's width in points in VIZ_FONT at size points, before Graphviz rounds it
 * up; 0 when the table does not cover it (a character outside it, not UTF-8). */
static int text_width(const char *text, double size, double *width)
{
    /* Pango shapes text with a letter as one Latin run, else as a common run:
     * the font kerns some pairs differently in each. */
    int latin = 0;
    size_t n = strlen(text);
    for (size_t i = 0, len; i < n; i += len) {
        const struct font_advance *a;
        len = mg_utf8_char(text + i, n - i);
        if (!len || !(a = advance_of(decode((const unsigned char *)text + i, len))))
            return 0;
        latin |= a->latin;
    }
    const struct font_kern *kerns = latin ? font_kerns_latin : font_kerns_common;
    size_t nkerns = latin ? sizeof font_kerns_latin / sizeof *font_kerns_latin
                          : sizeof font_kerns_common / sizeof *font_kerns_common;

    const long scale = (long)(size * FONT_DPI / 72.0 * PANGO_SCALE);
    long pixels = 0, pending = 0; /* the previous glyph's advance, in Pango units */
    uint32_t previous = 0;
    for (size_t i = 0, len; i < n; i += len) {
        len = mg_utf8_char(text + i, n - i);
        uint32_t code = decode((const unsigned char *)text + i, len);
        long own = scaled(advance_of(code)->advance, scale);
        const struct font_kern *k = i ? kern_of(kerns, nkerns, previous, code) : NULL;
        if (k) {
            pending += scaled(k->first_adjust, scale);
            own += scaled(k->second_adjust, scale);
        }
        if (i)
            pixels += whole_pixels(pending);
        pending = own;
        previous = code;
    }
    if (n)
        pixels += whole_pixels(pending);
    *width = (double)pixels * 72.0 / FONT_DPI;
    return 1;
}

int viz_text_measure(textspan_t *span)
{
    const textfont_t *f = span->font;
    double width;
    /* Empty text: pango declines it, and Graphviz estimates it itself. */
    if (!f || !f->name || strcmp(f->name, VIZ_FONT) != 0 || f->flags || !(f->size > 0) ||
        f->size > 1000 || /* the pictures' sizes are 10-18 pt; the arithmetic stays in range */
        !span->str || !*span->str || !text_width(span->str, f->size, &width))
        return 0;
    double pixel = f->size * FONT_DPI / 72.0;
    span->size.x = (int)(width + 1); /* the plugin rounds up, so text never overflows */
    span->size.y = (int)(f->size * LINE_HEIGHT + 0.5);
    span->yoffset_layout = ceil(FONT_ASCENDER * pixel / FONT_UNITS_PER_EM) * 72.0 / FONT_DPI;
    span->yoffset_centerline = CENTERLINE * f->size;
    span->layout = NULL;
    span->free_layout = NULL;
    return 1;
}

static boolean textlayout(textspan_t *span, char **fontpath)
{
    if (!pango_for_all && !fontpath && viz_text_measure(span))
        return TRUE;
    if (!pango_engine->textlayout(span, fontpath))
        return FALSE;
    /* cairo draws pango's layout, placed by pango's baseline; the size stays
     * the table's, so a box is the same in every format whichever Helvetica
     * the machine has (they share these widths). */
    textspan_t table = *span;
    if (viz_text_measure(&table)) {
        span->size = table.size;
        span->yoffset_centerline = table.yoffset_centerline;
    }
    return TRUE;
}

static gvtextlayout_engine_t engine = {textlayout};
static gvplugin_installed_t types[] = {
    {0, "textlayout", 100, &engine, NULL}, /* above pango's 10: picked first */
    {0, NULL, 0, NULL, NULL},
};
static gvplugin_api_t apis[] = {{API_textlayout, types}, {(api_t)0, NULL}};
static gvplugin_library_t library = {"micrograd_text", apis};

void viz_textlayout_install(GVC_t *gvc)
{
#ifdef VIZ_PANGO_PLUGIN
    /* gvContext has loaded the pango plugin to pick it: find its engine. */
    void *plugin = dlopen(VIZ_PANGO_PLUGIN, RTLD_LAZY | RTLD_NOLOAD);
    if (!plugin)
        return; /* no pango plugin: Graphviz's own choice stays */
    const gvplugin_library_t *lib = dlsym(plugin, "gvplugin_pango_LTX_library");
    for (const gvplugin_api_t *a = lib ? lib->apis : NULL; a && a->types; a++)
        if (a->api == API_textlayout && a->types[0].type)
            pango_engine = a->types[0].engine;
    dlclose(plugin); /* Graphviz holds its own handle */
    if (!pango_engine)
        return;
    gvAddLibrary(gvc, &library);
    gvtextlayout_select(gvc);
#else
    (void)gvc;
#endif
}

void viz_textlayout_for_cairo(int cairo)
{
    pango_for_all = cairo;
}
