/* PDF output: a fixed creation date (SOURCE_DATE_EPOCH or the epoch), so that
 * the same input gives the same bytes; Graphviz pictures drawn on our own
 * surface with the SVG's page (no margin); the lesson handout, one frame and
 * its caption per page. */
#include "viz_internal.h"
#include "pdf.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 9999-12-31T23:59:59Z: past it the date no longer has four digits. */
#define PDF_EPOCH_MAX 253402300799LL

char *viz_pdf_date(char buf[32])
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    long long t = 0;
    if (env && *env && strspn(env, "0123456789") == strlen(env) && strlen(env) <= 12) {
        long long v = strtoll(env, NULL, 10);
        if (v <= PDF_EPOCH_MAX)
            t = v;
    }
    time_t when = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&when, &tm) ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
    return buf;
}

cairo_surface_t *viz_pdf_surface(cairo_write_func_t write, void *closure, double width,
                                 double height)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write, closure, width, height);
    char date[32];
    /* cairo 1.16 stamps the current time unless told otherwise, and reads no
     * SOURCE_DATE_EPOCH itself */
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, viz_pdf_date(date));
    return s;
}

/* ---- Graphviz pictures -------------------------------------------------------- */

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int n)
{
    viz_buf *b = closure;
    viz_buf_add(b, (const char *)data, n);
    return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Graphviz's padding (the graph's "pad", inches: "x" or "x,y"; 4 points when
 * unset), in points. */
static void graph_pad(Agraph_t *g, double *x, double *y)
{
    const char *pad = agget(g, "pad");
    double px = 0, py = 0;
    int n = pad ? sscanf(pad, "%lf,%lf", &px, &py) : 0;
    *x = n > 0 ? px * POINTS_PER_INCH : 4;
    *y = n > 1 ? py * POINTS_PER_INCH : *x;
}

void viz_pdf_graph_size(Agraph_t *g, double *width, double *height)
{
    double px, py;
    graph_pad(g, &px, &py);
    /* as Graphviz sizes the SVG's page: the drawing, its pad, rounded */
    *width = ROUND(GD_bb(g).UR.x - GD_bb(g).LL.x + 2 * px);
    *height = ROUND(GD_bb(g).UR.y - GD_bb(g).LL.y + 2 * py);
}

mg_status viz_pdf_draw_graph(mg_viz *viz, Agraph_t *g, cairo_surface_t *pdf, double x,
                             double y, double scale, mg_error *err)
{
    double w, h;
    viz_pdf_graph_size(g, &w, &h);
    /* Graphviz's PDF device adds 36 points of margin on every side unless the
     * graph sets one (its SVG device adds none): the same page as the SVG. */
    Agsym_t *margin = agattr(g, AGRAPH, "margin", "0");
    /* With a context of ours, Graphviz still shows the page and finishes the
     * context's surface when done: give it a window onto the page (a
     * subsurface, drawn through as vectors) whose finish leaves the page as
     * it is. */
    cairo_surface_t *window = cairo_surface_create_for_rectangle(pdf, x, y, ceil(w * scale),
                                                                 ceil(h * scale));
    cairo_t *cr = cairo_create(window);
    cairo_scale(cr, scale, scale);
    int rc = margin && cairo_status(cr) == CAIRO_STATUS_SUCCESS
                 ? gvRenderContext(viz->gvc, g, "pdf", cr)
                 : -1;
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(window);
    if (cs == CAIRO_STATUS_NO_MEMORY || !margin)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory drawing the PDF");
    if (rc != 0 || cs != CAIRO_STATUS_SUCCESS)
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "rendering pdf failed%s%s",
                            cs != CAIRO_STATUS_SUCCESS ? ": " : "",
                            cs != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(cs) : "");
    return MG_OK;
}

/* Finishes pdf (its document is written then) and hands its bytes over. */
static mg_status finish(cairo_surface_t *pdf, viz_buf *sink, char **out, size_t *len,
                        mg_error *err)
{
    cairo_surface_finish(pdf);
    cairo_status_t cs = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (sink->failed || cs == CAIRO_STATUS_NO_MEMORY || cs == CAIRO_STATUS_WRITE_ERROR ||
        !sink->s) {
        viz_buf_free(sink);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for the PDF");
    }
    if (cs != CAIRO_STATUS_SUCCESS) {
        viz_buf_free(sink);
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "cairo: %s", cairo_status_to_string(cs));
    }
    *out = sink->s;
    *len = sink->len;
    return MG_OK;
}

mg_status viz_pdf_render(mg_viz *viz, Agraph_t *g, char **out, size_t *len, mg_error *err)
{
    double w, h;
    viz_pdf_graph_size(g, &w, &h);
    viz_buf sink = {0};
    cairo_surface_t *pdf = viz_pdf_surface(buf_write, &sink, w, h);
    mg_status status = viz_pdf_draw_graph(viz, g, pdf, 0, 0, 1, err);
    if (status != MG_OK) {
        cairo_surface_destroy(pdf);
        viz_buf_free(&sink);
        return status;
    }
    return finish(pdf, &sink, out, len, err);
}

/* ---- the lesson handout ------------------------------------------------------- */

/* The sheets' sides in points, long then short, in mg_viz_paper's order (A4's
 * rounded as cairo's own examples and most PDF writers do); landscape for
 * left-to-right graphs (they are wide), portrait for top to bottom. The
 * margin leaves room for any printer. */
static const double sheet_sides[][2] = {
    [MG_VIZ_PAPER_A4] = {842.0, 595.0},
    [MG_VIZ_PAPER_LETTER] = {792.0, 612.0},
};
#define SHEET_MARGIN 32.0
#define HEADER_SIZE 15.0
#define CAPTION_SIZE 13.0
#define CAPTION_MIN 7.0
#define TERM_INDENT 18.0
#define LEADING 1.35
#define CAPTION_GAP 24.0
/* small graphs are drawn larger, up to this, big ones shrunk to fit */
#define FRAME_SCALE_MAX 1.5
#define PROSE_FONT "Liberation Sans"
#define TERM_FONT "Liberation Mono"

typedef struct sheet {
    cairo_t *cr;
    double w, h;
    double size;        /* the captions' font size, one for every page */
    double frame_top, frame_h; /* the box every frame is fitted into */
} sheet;

static void use_font(cairo_t *cr, const char *family, int bold, double size)
{
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s, size_t n)
{
    char buf[512];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_text_extents_t e;
    cairo_text_extents(cr, buf, &e);
    return e.x_advance;
}

static void show(cairo_t *cr, double x, double y, const char *s, size_t n)
{
    char buf[512];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, buf);
}

/* Where a line of s[0..n) may break, at level 0 the best: at a space in
 * prose; in a formula before " = " (each line then carries whole terms: "=
 * -2.0000 × 1.0000"), when a term alone is wider than the line before an
 * operator (the line then starts with "×" or "+="), at last at any space. */
static int may_break(const char *s, size_t n, size_t i, int formula, int level)
{
    static const char *const operators[] = {" = ", " += ", " \xc3\x97 ", " + ", " - ", " / "};
    if (s[i] != ' ')
        return 0;
    if (!formula || level == 2)
        return 1;
    for (size_t k = level == 0 ? 0 : 1; k < (level == 0 ? 1 : 6); k++) {
        size_t len = strlen(operators[k]);
        if (i + len <= n && memcmp(s + i, operators[k], len) == 0)
            return 1;
    }
    return 0;
}

/* Lays s[0..n) out in lines of at most width points from (x, *y), later lines
 * indented by hang; draws them when draw is set and moves *y down. The font
 * is the context's. */
static void wrap(cairo_t *cr, const char *s, size_t n, double x, double *y, double width,
                 double hang, int formula, int draw, double line)
{
    size_t start = 0;
    while (start < n) {
        while (start < n && s[start] == ' ')
            start++;
        double room = width - (start ? hang : 0);
        size_t end = n;
        if (text_width(cr, s + start, n - start) > room) {
            size_t best = 0, first = 0;
            for (int level = 0; level < 3 && !best; level++)
                for (size_t i = start + 1; i < n; i++)
                    if (may_break(s, n, i, formula, level)) {
                        if (!first)
                            first = i;
                        if (text_width(cr, s + start, i - start) <= room)
                            best = i;
                        else
                            break;
                    }
            end = best ? best : first ? first : n;
        }
        if (draw)
            show(cr, x + (start ? hang : 0), *y, s + start, end - start);
        *y += line;
        start = end;
    }
}

/* The caption laid out for reading: the headline ("L = d * f:") in bold, the
 * explanation, then each "x.grad += ..." on a line of its own. Returns its
 * height; draws it from top when draw is set. */
static double put_caption(const sheet *sh, const char *caption, double top, int draw)
{
    cairo_t *cr = sh->cr;
    double x = SHEET_MARGIN, width = sh->w - 2 * SHEET_MARGIN, line = sh->size * LEADING;
    double y = top + sh->size;
    viz_caption c;
    viz_caption_split(caption, &c);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (c.head_len) {
        use_font(cr, PROSE_FONT, 1, sh->size);
        wrap(cr, c.head, c.head_len, x, &y, width, TERM_INDENT, 0, draw, line);
    }
    use_font(cr, PROSE_FONT, 0, sh->size);
    wrap(cr, c.intro, c.intro_len, x, &y, width, 0, 0, draw, line);
    use_font(cr, TERM_FONT, 0, sh->size);
    for (const char *p = c.terms; p && *p;) {
        const char *semi = strstr(p, "; ");
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        wrap(cr, p, n, x + TERM_INDENT, &y, width - TERM_INDENT, 2 * TERM_INDENT, 1, draw, line);
        p = semi ? semi + 2 : NULL;
    }
    return y - top - sh->size + line * 0.3;
}

/* One size for every caption and one box for every frame: the captions'
 * font shrinks until the tallest takes at most half the sheet. */
static void plan_sheet(sheet *sh, const mg_lesson *lesson)
{
    double top = SHEET_MARGIN + HEADER_SIZE * 2, bottom = sh->h - SHEET_MARGIN;
    double tallest = 0;
    for (sh->size = CAPTION_SIZE; sh->size >= CAPTION_MIN; sh->size -= 0.5) {
        tallest = 0;
        for (size_t i = 0; i < mg_lesson_frame_count(lesson); i++)
            tallest = fmax(tallest, put_caption(sh, mg_lesson_caption(lesson, i), 0, 0));
        if (tallest <= (bottom - top) / 2)
            break;
    }
    if (sh->size < CAPTION_MIN)
        sh->size = CAPTION_MIN;
    sh->frame_top = top;
    sh->frame_h = bottom - tallest - CAPTION_GAP - top;
}

/* The page's heading: the title, and "step N of M" at the right. */
static void put_header(const sheet *sh, const char *title, size_t frame, size_t count)
{
    cairo_t *cr = sh->cr;
    char step[64];
    snprintf(step, sizeof step, "step %zu of %zu", frame + 1, count);
    cairo_set_source_rgb(cr, 0, 0, 0);
    use_font(cr, PROSE_FONT, 0, HEADER_SIZE * 0.8);
    double sw = text_width(cr, step, strlen(step));
    show(cr, sh->w - SHEET_MARGIN - sw, SHEET_MARGIN + HEADER_SIZE, step, strlen(step));
    use_font(cr, PROSE_FONT, 1, HEADER_SIZE);
    double room = sh->w - 2 * SHEET_MARGIN - sw - HEADER_SIZE;
    size_t n = strlen(title);
    while (n > 0 && text_width(cr, title, n) > room) /* cut on a character boundary */
        while (--n > 0 && ((unsigned char)title[n] & 0xC0) == 0x80)
            ;
    show(cr, SHEET_MARGIN, SHEET_MARGIN + HEADER_SIZE, title, n);
    cairo_set_line_width(cr, 0.75);
    cairo_move_to(cr, SHEET_MARGIN, SHEET_MARGIN + HEADER_SIZE * 1.45);
    cairo_line_to(cr, sh->w - SHEET_MARGIN, SHEET_MARGIN + HEADER_SIZE * 1.45);
    cairo_stroke(cr);
}

mg_status viz_pdf_fit_graph(mg_viz *viz, Agraph_t *g, viz_pdf_box *box, mg_error *err)
{
    double w, h;
    viz_pdf_graph_size(g, &w, &h);
    double scale = fmin(FRAME_SCALE_MAX, fmin(box->w / w, box->h / h));
    double x = round(box->x + (box->w - w * scale) / 2), y = round(box->y);
    box->bottom = y + ceil(h * scale);
    return viz_pdf_draw_graph(viz, g, box->pdf, x, y, scale, err);
}

/* Every page: heading, frame, caption. */
static mg_status put_pages(const sheet *sh, mg_viz_scene *scene, mg_lesson *lesson,
                           cairo_surface_t *pdf, const char *title, mg_error *err)
{
    size_t count = mg_lesson_frame_count(lesson);
    viz_pdf_box box = {pdf, SHEET_MARGIN, sh->frame_top, sh->w - 2 * SHEET_MARGIN, sh->frame_h, 0};
    for (size_t i = 0; i < count; i++) {
        put_header(sh, title, i, count);
        mg_status status = viz_scene_draw_pdf(scene, i, &box, err);
        if (status != MG_OK)
            return status;
        /* right under the picture: the same place on every page, as every
         * frame of a scene has the same size */
        put_caption(sh, mg_lesson_caption(lesson, i), box.bottom + CAPTION_GAP, 1);
        cairo_show_page(sh->cr);
        if (cairo_status(sh->cr) != CAIRO_STATUS_SUCCESS)
            return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "cairo: %s",
                                cairo_status_to_string(cairo_status(sh->cr)));
    }
    return MG_OK;
}

mg_status mg_viz_lesson_handout(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                                const char *title, char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_status status = viz_check_output(viz && lesson, "pdf", out, len, err);
    if (status != MG_OK)
        return status;
    mg_viz_scene *scene;
    if ((status = mg_viz_scene_new(viz, lesson, o, &scene, err)) != MG_OK)
        return status;
    char name[96];
    viz_buf clean = {0};
    if (!title)
        title = mg_lesson_value_name(mg_lesson_graph(lesson), mg_lesson_root(lesson), name,
                                     sizeof name);
    viz_utf8_clean(&clean, title, strlen(title));
    int tb = o && o->rankdir == MG_VIZ_RANKDIR_TB;
    const double *sides = sheet_sides[o ? o->paper : MG_VIZ_PAPER_A4];
    sheet sh = {.w = sides[tb], .h = sides[!tb]};
    viz_buf sink = {0};
    cairo_surface_t *pdf = viz_pdf_surface(buf_write, &sink, sh.w, sh.h);
    sh.cr = cairo_create(pdf);
    size_t at = mg_lesson_at(lesson);
    if (clean.failed) {
        status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    } else {
        plan_sheet(&sh, lesson);
        status = put_pages(&sh, scene, lesson, pdf, clean.s ? clean.s : "", err);
    }
    mg_lesson_goto(lesson, at);
    cairo_destroy(sh.cr);
    mg_viz_scene_free(scene);
    viz_buf_free(&clean);
    if (status != MG_OK) {
        cairo_surface_destroy(pdf);
        viz_buf_free(&sink);
        return status;
    }
    return finish(pdf, &sink, out, len, err);
}
