/* The renderer: owns the Graphviz context, serialises Graphviz calls, captures
 * its messages, lays out and renders to memory (never to a file name: see
 * GRAPHVIZ.md, gvRenderFilename can exit the process). */
#include "viz_internal.h"

#include "png.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/types.h>

/* ---- the Graphviz lock and message capture ------------------------------------------- */

static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
/* Guarded by gv_lock: Graphviz's messages of the current job, in fragments. */
static char gv_messages[1024];
static size_t gv_messages_len;
static agusererrf gv_previous;

void viz_lock(void) { pthread_mutex_lock(&gv_lock); }
void viz_unlock(void) { pthread_mutex_unlock(&gv_lock); }

static int capture_message(char *text)
{
    size_t n = strlen(text);
    size_t room = sizeof gv_messages - 1 - gv_messages_len;
    if (n > room)
        n = room;
    memcpy(gv_messages + gv_messages_len, text, n);
    gv_messages_len += n;
    gv_messages[gv_messages_len] = '\0';
    return 0;
}

void viz_gv_begin(void)
{
    gv_messages_len = 0;
    gv_messages[0] = '\0';
    agreseterrors();
    gv_previous = agseterrf(capture_message);
}

const char *viz_gv_end(void)
{
    agseterrf(gv_previous);
    if (agerrors() < AGERR)
        return NULL;
    /* The first "Error: ..." line, without its newline. */
    char *line = strstr(gv_messages, "Error: ");
    line = line ? line + 7 : gv_messages;
    line[strcspn(line, "\n")] = '\0';
    return line[0] ? line : "Graphviz reported an error";
}

/* ---- options and marking ----------------------------------------------------------- */

const char *const mg_viz_paper_names[] = {"a4", "letter", NULL};

mg_viz_options mg_viz_options_default(void)
{
    return (mg_viz_options){
        .rankdir = MG_VIZ_RANKDIR_LR,
        .precision = MG_PRECISION_DEFAULT,
        .theme = MG_VIZ_THEME_LIGHT,
        .clusters = 1,
        .max_nodes = MG_VIZ_MAX_NODES_DEFAULT,
        .paper = MG_VIZ_PAPER_A4,
    };
}

mg_status viz_check_options(const mg_viz_options *o, mg_error *err)
{
    if (o->rankdir != MG_VIZ_RANKDIR_LR && o->rankdir != MG_VIZ_RANKDIR_TB)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "unknown rankdir %d", (int)o->rankdir);
    if (o->theme != MG_VIZ_THEME_LIGHT && o->theme != MG_VIZ_THEME_DARK &&
        o->theme != MG_VIZ_THEME_PRINT)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "unknown theme %d", (int)o->theme);
    if (o->paper != MG_VIZ_PAPER_A4 && o->paper != MG_VIZ_PAPER_LETTER)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "unknown paper %d", (int)o->paper);
    if (o->precision < 0 || o->precision > MG_PRECISION_MAX)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "precision %d is not in 0..%d",
                            o->precision, MG_PRECISION_MAX);
    if (o->dpi < 0 || o->dpi > MG_VIZ_DPI_MAX)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "dpi %d is neither 0 (automatic) nor in 1..%d", o->dpi,
                            MG_VIZ_DPI_MAX);
    return MG_OK;
}

size_t viz_mark(const mg_graph *g, const mg_value *roots, size_t n, uint8_t *mask)
{
    size_t size = mg_graph_size(g);
    uint32_t top = 0;
    for (size_t r = 0; r < n; r++) {
        mg_value v = roots[r];
        mg_value same = mg_value_at(g, v.index);
        if (!mg_value_ok(v) || !mg_value_ok(same) || same.tag != v.tag)
            return 0;
        mask[v.index] |= VIZ_DRAWN | VIZ_ROOT;
        if (v.index > top)
            top = v.index;
    }
    /* Operands precede results: one downward sweep reaches every dependency. */
    size_t drawn = 0;
    for (size_t i = (size_t)top + 1; i-- > 0;) {
        if (!(mask[i] & VIZ_DRAWN))
            continue;
        drawn++;
        mg_value v = mg_value_at(g, i);
        int arity = mg_op_arity(mg_value_op(g, v));
        for (int k = 0; k < arity; k++) {
            mg_value a = mg_operand(g, v, k);
            if (mg_value_ok(a) && a.index < size)
                mask[a.index] |= VIZ_DRAWN;
        }
    }
    return drawn;
}

/* The mask of what roots draw (free() it) and, in *drawn, how many; NULL
 * (with *drawn 0) when there is nothing to mark or memory is short. */
static uint8_t *mark_roots(const mg_graph *g, const mg_value *roots, size_t n, size_t *drawn)
{
    size_t size = mg_graph_size(g);
    *drawn = 0;
    if (!g || !roots || !n || !size)
        return NULL;
    uint8_t *mask = calloc(size, 1);
    if (mask)
        *drawn = viz_mark(g, roots, n, mask);
    return mask;
}

int mg_viz_fits(const mg_graph *g, const mg_value *roots, size_t n, size_t max_nodes)
{
    size_t drawn;
    uint8_t *mask = mark_roots(g, roots, n, &drawn);
    mg_viz_options o = mg_viz_options_default();
    o.max_nodes = max_nodes;
    viz_spec spec = {.g = g, .o = &o, .size = mg_graph_size(g), .mask = mask, .drawn = drawn};
    viz_cost cost;
    int fits = drawn && (!max_nodes || drawn <= max_nodes) &&
               viz_check_cost(&spec, &cost, NULL) == MG_OK;
    free(mask);
    return fits;
}

size_t mg_viz_count(const mg_graph *g, const mg_value *roots, size_t n)
{
    size_t drawn;
    free(mark_roots(g, roots, n, &drawn));
    return drawn;
}

/* ---- the renderer ------------------------------------------------------------------ */

/* The process's one Graphviz context, made on first use and kept until exit
 * (guarded by gv_lock). Graphviz's pango plugin keeps a static pointer into a
 * context's font table: after gvFreeContext, the next context's first text
 * measure reads freed memory. One context for the whole process avoids that,
 * and is what GRAPHVIZ.md recommends anyway (later contexts add nothing). */
static GVC_t *gv_context;

mg_status mg_viz_new(mg_viz **out, mg_error *err)
{
    mg_error_clear(err);
    if (!out)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "no place for the renderer");
    *out = NULL;
    mg_viz *viz = calloc(1, sizeof *viz);
    if (!viz)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    viz_lock();
    if (!gv_context) {
        viz_gv_begin();
        gv_context = gvContext();
        if (gv_context)
            viz_textlayout_install(gv_context);
        viz_gv_end();
    }
    viz->gvc = gv_context;
    viz_unlock();
    if (!viz->gvc) {
        free(viz);
        return mg_error_set(err, MG_ERR_RENDER, 0, 0,
                            "cannot start Graphviz (out of memory or no plugins)");
    }
    *out = viz;
    return MG_OK;
}

void mg_viz_free(mg_viz *viz)
{
    free(viz); /* the shared context stays for the next mg_viz_new */
}

void mg_viz_free_output(char *out)
{
    free(out);
}

int viz_format_known(const char *format)
{
    static const char *const known[] = {"svg", "png", "pdf", "dot", "plain"};
    for (size_t i = 0; format && i < sizeof known / sizeof *known; i++)
        if (strcmp(format, known[i]) == 0)
            return 1;
    return 0;
}

/* Automatic PNG resolution: PNG_DPI (crisp on slides and high-density
 * screens), lowered so the image stays within PNG_MAX_PIXELS. PNG time is
 * nearly all libpng filtering and zlib, so it grows with the pixel count
 * (measured: ~0.1 s per megapixel); a 400-value graph at 96 dpi is 41
 * megapixels and takes seconds. It is never lowered below PNG_READABLE_DPI,
 * where the boxes' 13 pt text is 13 px high (the SVG's own scale, the
 * smallest a reader can read without a magnifier): a graph that would need
 * more than PNG_READABLE_MAX_PIXELS (or a side over PNG_MAX_SIDE, below
 * cairo's 32767-pixel limit) there is refused rather than drawn unreadable.
 * The cap lets the ~400-value loss graph through (19.7 megapixels, about 2 s). */
#define PNG_DPI 192.0
#define PNG_MAX_PIXELS 4e6
#define PNG_READABLE_DPI 72.0
#define PNG_READABLE_MAX_PIXELS 24e6
#define PNG_MAX_SIDE 30000.0
/* Graphviz's bounding box is in points (its POINTS_PER_INCH a inch), and the
 * page adds a margin. */
#define PNG_MARGIN_POINTS 36.0
/* The text of value boxes, in points (build.c's node fontsize). */
#define PNG_TEXT_POINTS 13.0

static mg_status png_dpi(Agraph_t *g, const mg_viz_options *o, double *out, mg_error *err)
{
    if (o->dpi > 0) {
        *out = o->dpi;
        return MG_OK;
    }
    double w = GD_bb(g).UR.x - GD_bb(g).LL.x + PNG_MARGIN_POINTS;
    double h = GD_bb(g).UR.y - GD_bb(g).LL.y + PNG_MARGIN_POINTS;
    double dpi = PNG_DPI;
    double area = w / POINTS_PER_INCH * dpi * h / POINTS_PER_INCH * dpi;
    if (area > PNG_MAX_PIXELS)
        dpi *= sqrt(PNG_MAX_PIXELS / area);
    dpi = floor(dpi < PNG_READABLE_DPI ? PNG_READABLE_DPI : dpi);
    double pw = w / POINTS_PER_INCH * dpi, ph = h / POINTS_PER_INCH * dpi;
    if (pw * ph > PNG_READABLE_MAX_PIXELS || fmax(pw, ph) > PNG_MAX_SIDE) {
        double fit = dpi * fmin(sqrt(PNG_READABLE_MAX_PIXELS / (pw * ph)),
                                PNG_MAX_SIDE / fmax(pw, ph));
        return mg_error_set(err, MG_ERR_UNREADABLE, 0, 0,
                            "a PNG of this graph with readable text (%.0f px, at %.0f dpi) would "
                            "be %.0f x %.0f pixels, more than the %.0f megapixels drawn at an "
                            "automatic resolution; within them its text would be %.1f px high",
                            PNG_TEXT_POINTS * dpi / POINTS_PER_INCH, dpi, ceil(pw), ceil(ph),
                            PNG_READABLE_MAX_PIXELS / 1e6, PNG_TEXT_POINTS * fit / POINTS_PER_INCH);
    }
    *out = dpi;
    return MG_OK;
}

/* Graphviz makes a PNG (bb + 2 pad) * dpi / 72 pixels wide, rounded to the
 * nearest pixel, and paints the background over (bb + 2 pad) only: a side
 * rounded up leaves its last row or column of pixels partly transparent.
 * Widening the pad (build.c's 0.25 in) by under a pixel on each side makes
 * both sides whole pixels, so every edge pixel is opaque. */
static void whole_pixel_pad(Agraph_t *g, double dpi)
{
    double pad = 0.25 * POINTS_PER_INCH, px_per_pt = dpi / POINTS_PER_INCH, in[2];
    double side[2] = {GD_bb(g).UR.x - GD_bb(g).LL.x, GD_bb(g).UR.y - GD_bb(g).LL.y};
    for (int k = 0; k < 2; k++) {
        double pixels = ceil((side[k] + 2 * pad) * px_per_pt - 1e-6);
        in[k] = (pixels / px_per_pt - side[k]) / 2 / POINTS_PER_INCH;
    }
    char text[64];
    snprintf(text, sizeof text, "%.17g,%.17g", in[0], in[1]);
    agsafeset(g, "pad", text, "0.25");
}

/* Copies Graphviz's buffer into one of ours (freed with mg_viz_free_output). */
static mg_status take_output(char *data, size_t n, char **out, size_t *len, mg_error *err)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for %zu bytes of output", n);
    memcpy(copy, data, n);
    copy[n] = '\0';
    *out = copy;
    *len = n;
    return MG_OK;
}

/* Graphviz's PNG, copied with its resolution recorded. */
static mg_status take_png(const char *data, size_t n, double dpi, char **out, size_t *len,
                          mg_error *err)
{
    unsigned char *copy = viz_png_with_dpi((const unsigned char *)data, n, dpi, len);
    if (!copy)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for %zu bytes of output", n);
    *out = (char *)copy;
    return MG_OK;
}

static mg_status write_dot(Agraph_t *g, char **out, size_t *len, mg_error *err)
{
    char *data = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&data, &n);
    if (!f)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for the DOT text");
    int bad = agwrite(g, f) != 0;
    bad |= fclose(f) != 0;
    if (bad || !data) {
        free(data);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "cannot write the DOT text");
    }
    *out = data; /* open_memstream's buffer is malloc'd and NUL-terminated */
    *len = n;
    return MG_OK;
}

mg_status viz_render_graph(mg_viz *viz, Agraph_t *g, const viz_spec *spec, double *sizes,
                           const char *format, char **out, size_t *len, mg_error *err)
{
    const mg_viz_options *o = spec->o;
    if (strcmp(format, "dot") == 0)
        return write_dot(g, out, len, err);
    viz_textlayout_for_cairo(strcmp(format, "png") == 0 || strcmp(format, "pdf") == 0);
    if (gvLayout(viz->gvc, g, "dot") != 0)
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "layout of %zu values failed",
                            spec->drawn);
    mg_status status = MG_OK;
    double dpi = 0;
    if (agerrors() >= AGERR) { /* never render after a failed layout */
        status = mg_error_set(err, MG_ERR_RENDER, 0, 0, "layout failed");
    } else if (strcmp(format, "png") == 0 && (status = png_dpi(g, o, &dpi, err)) != MG_OK) {
        /* refused: no unreadable picture */
    } else {
        if (sizes)
            viz_read_sizes(g, spec->mask, spec->size, sizes);
        int png = dpi > 0;
        if (png) {
            GD_drawing(g)->dpi = dpi;
            whole_pixel_pad(g, dpi);
        }
        if (strcmp(format, "pdf") == 0) {
            status = spec->pdf_box ? viz_pdf_fit_graph(viz, g, spec->pdf_box, err)
                                   : viz_pdf_render(viz, g, out, len, err);
            gvFreeLayout(viz->gvc, g);
            return status;
        }
        char *data = NULL;
        unsigned int n = 0;
        if (gvRenderData(viz->gvc, g, format, &data, &n) != 0 || !data)
            status = mg_error_set(err, MG_ERR_RENDER, 0, 0, "rendering %s failed", format);
        else if (png)
            status = take_png(data, n, GD_drawing(g)->dpi, out, len, err);
        else
            status = take_output(data, n, out, len, err);
        gvFreeRenderData(data);
    }
    gvFreeLayout(viz->gvc, g);
    return status;
}

mg_status viz_check_output(int given, const char *format, char **out, size_t *len, mg_error *err)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!given || !out || !len)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "a required argument is NULL");
    if (!viz_format_known(format))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "unknown format '%s' (svg, png, pdf, dot or plain)",
                            format ? format : "(null)");
    return MG_OK;
}

/* Checks what every render of a graph needs and points *o at defaults when it
 * is NULL; MG_OK or MG_ERR_INVALID. */
static mg_status check_call(mg_viz *viz, const mg_graph *g, const mg_viz_options **o,
                            mg_viz_options *defaults, const char *format, char **out,
                            size_t *len, mg_error *err)
{
    mg_status status = viz_check_output(viz && g, format, out, len, err);
    if (status != MG_OK)
        return status;
    *defaults = mg_viz_options_default();
    if (!*o)
        *o = defaults;
    return viz_check_options(*o, err);
}

/* Builds spec's graph under the Graphviz lock, then renders it to format
 * (*out, *len), storing its boxes' sizes in sizes when that is not NULL. */
static mg_status run_spec(mg_viz *viz, const viz_spec *spec, const char *format, char **out,
                          size_t *len, double *sizes, mg_error *err)
{
    viz_cost cost;
    mg_status status = viz_check_cost(spec, &cost, err);
    if (status != MG_OK)
        return status;
    viz_lock();
    viz_gv_begin();
    Agraph_t *gg = viz_build(spec);
    if (!gg)
        status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory building the graph");
    else if (viz_bound_layout(gg, &cost) != 0)
        status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory building the graph");
    else
        status = viz_render_graph(viz, gg, spec, sizes, format, out, len, err);
    if (gg)
        agclose(gg);
    const char *gv_error = viz_gv_end();
    viz_unlock();
    if (status == MG_OK && gv_error) {
        if (out) {
            free(*out);
            *out = NULL;
            *len = 0;
        }
        status = mg_error_set(err, MG_ERR_RENDER, 0, 0, "Graphviz: %s", gv_error);
    }
    return status;
}

mg_status viz_render_spec(mg_viz *viz, const viz_spec *spec, const char *format, char **out,
                          size_t *len, mg_error *err)
{
    return run_spec(viz, spec, format, out, len, NULL, err);
}

mg_status viz_measure_spec(mg_viz *viz, const viz_spec *spec, double *sizes, char **svg,
                           size_t *svg_len, mg_error *err)
{
    return run_spec(viz, spec, "svg", svg, svg_len, sizes, err);
}

mg_status mg_viz_render(mg_viz *viz, const mg_graph *g, const mg_value *roots, size_t n,
                        const mg_viz_options *o, const char *format, char **out, size_t *len,
                        mg_error *err)
{
    mg_error_clear(err);
    mg_viz_options defaults;
    mg_status status = check_call(viz, g, &o, &defaults, format, out, len, err);
    if (status != MG_OK)
        return status;
    if (!roots || !n)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "no root to draw");
    size_t size = mg_graph_size(g);
    uint8_t *mask = calloc(size ? size : 1, 1);
    if (!mask)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    size_t drawn = size ? viz_mark(g, roots, n, mask) : 0;
    if (!drawn)
        status = mg_error_set(err, MG_ERR_FOREIGN, 0, 0, "a root is not a value of this graph");
    else if (o->max_nodes && drawn > o->max_nodes)
        status = mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                              "the graph has %zu values, more than the limit of %zu", drawn,
                              o->max_nodes);
    if (status == MG_OK) {
        viz_spec spec = {.g = g, .o = o, .size = size, .mask = mask, .flags = o->flags,
                         .drawn = drawn, .plain_ranks = drawn > VIZ_MINLEN_MAX};
        status = viz_render_spec(viz, &spec, format, out, len, err);
        if (status == MG_ERR_RENDER && o->clusters && !spec.plain_ranks) {
            spec.plain_ranks = 1; /* dot lost an edge spanning two ranks: once more without */
            status = viz_render_spec(viz, &spec, format, out, len, err);
        }
    }
    free(mask);
    return status;
}

mg_status mg_viz_render_neurons(mg_viz *viz, const mg_graph *g, const mg_mlp *m,
                                const mg_value *roots, size_t n, const mg_viz_options *o,
                                const char *format, char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_viz_options defaults;
    mg_status status = check_call(viz, g, &o, &defaults, format, out, len, err);
    if (status != MG_OK)
        return status;
    if (!m || !roots || !n)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "no network or no root to draw");
    size_t size = mg_graph_size(g);
    uint8_t *mask = calloc(size ? size : 1, 1);
    if (!mask)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    viz_neurons nv = {0};
    if (!size || !viz_mark(g, roots, n, mask))
        status = mg_error_set(err, MG_ERR_FOREIGN, 0, 0, "a root is not a value of this graph");
    else
        status = viz_neurons_find(&nv, g, m, mask, size, err);
    size_t drawn = nv.total + mg_mlp_size(m, 0) + n;
    if (status == MG_OK && o->max_nodes && drawn > o->max_nodes)
        status = mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                              "the network has %zu neurons and inputs, more than the limit of %zu",
                              drawn, o->max_nodes);
    if (status == MG_OK) {
        viz_spec spec = {.g = g, .o = o, .size = size, .mask = mask, .flags = o->flags,
                         .drawn = drawn, .plain_ranks = 1, .neurons = &nv};
        status = viz_render_spec(viz, &spec, format, out, len, err);
    }
    viz_neurons_free(&nv);
    free(mask);
    return status;
}
