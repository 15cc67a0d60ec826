/* Training pictures with cairo: the loss curve and the decision boundary of a
 * 2-D classifier with its points, rendered into memory as PNG or SVG. */
#include <micrograd/plot.h>

#include "pdf.h"
#include "text.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- layout and colours ------------------------------------------------------ */

#define PANEL_W 420.0    /* one panel's plotting area */
#define PANEL_H 360.0
#define LEFT 70.0        /* room for the y tick labels */
#define GAP 110.0        /* between the two panels */
#define TOP 64.0         /* title and panel titles */
#define BOTTOM 56.0      /* x tick labels and axis name */
#define RIGHT 30.0
#define FONT "DejaVu Sans"

typedef struct rgb { double r, g, b; } rgb;

static const rgb ink = {0.15, 0.15, 0.18};
static const rgb grid_ink = {0.88, 0.88, 0.90};
static const rgb curve = {0.17, 0.42, 0.69};
static const rgb neg_point = {0.84, 0.19, 0.15};  /* label -1 */
static const rgb pos_point = {0.17, 0.42, 0.69};  /* label +1 */
static const rgb neg_area = {0.99, 0.86, 0.80};
static const rgb pos_area = {0.84, 0.91, 0.96};

static void set_rgb(cairo_t *cr, rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* A rectangle on the canvas: where a panel plots. */
typedef struct box { double x, y, w, h; } box;

/* A data range mapped onto a box side. */
typedef struct axis { double lo, hi; int log; } axis;

static double map_x(const box *b, const axis *a, double v)
{
    return b->x + (v - a->lo) / (a->hi - a->lo) * b->w;
}

static double map_y(const box *b, const axis *a, double v)
{
    if (a->log)
        v = log10(v);
    return b->y + b->h - (v - a->lo) / (a->hi - a->lo) * b->h;
}

/* ---- text ----------------------------------------------------------------------- */

/* Draws text anchored at (x, y): ax 0 left, 0.5 centre, 1 right; ay likewise
 * from the top (0) to the bottom (1) of the ink. */
static void text_at(cairo_t *cr, double x, double y, double ax, double ay, double size,
                    int bold, const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    double h = f.ascent * 0.72; /* cap height, about: digits and capitals */
    cairo_move_to(cr, x - e.x_advance * ax, y + h * ay);
    cairo_show_text(cr, s);
}

/* ---- ticks ----------------------------------------------------------------------- */

/* A round step giving about `want` intervals over range: 1, 2 or 5 times 10^k. */
static double nice_step(double range, int want)
{
    double raw = range / want;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static void format_tick(char *buf, size_t size, double v, double step)
{
    if (fabs(v) < step * 1e-9)
        v = 0.0;
    if (fabs(v) >= 1e15 || step < 1e-12) /* "%f" would print a run of digits */
        snprintf(buf, size, "%.6g", v);
    else
        snprintf(buf, size, "%.*f", step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9), v);
}

/* The ticks of a linear axis: the multiples k * step inside [lo, hi], at most
 * TICKS_MAX of them. Counting k (never `v += step`) ends even when step is
 * below the spacing of doubles near the axis, as on an axis near 1e16; an
 * axis too wide or too fine for that many ticks gets its two ends. Returns how
 * many values it wrote to v. */
#define TICKS_MAX 32
static int linear_ticks(const axis *a, double step, double v[TICKS_MAX])
{
    double k0 = ceil(a->lo / step - 1e-9), k1 = floor(a->hi / step + 1e-9);
    if (!isfinite(k0) || !isfinite(k1) || !(step > 0) || k1 - k0 >= TICKS_MAX ||
        k0 * step == (k0 + 1) * step) {
        if (!isfinite(a->lo) || !isfinite(a->hi))
            return 0;
        v[0] = a->lo;
        v[1] = a->hi;
        return a->hi > a->lo ? 2 : 1;
    }
    int n = 0;
    for (double k = k0; k <= k1; k++)
        v[n++] = k * step;
    return n;
}

/* Gridlines and labels along x (linear), at least min_step apart. */
static void ticks_x(cairo_t *cr, const box *b, const axis *a, int want, double min_step)
{
    double step = fmax(nice_step(a->hi - a->lo, want), min_step), v[TICKS_MAX];
    char buf[32];
    int n = linear_ticks(a, step, v);
    for (int i = 0; i < n; i++) {
        double x = map_x(b, a, v[i]);
        set_rgb(cr, grid_ink);
        cairo_move_to(cr, x, b->y);
        cairo_line_to(cr, x, b->y + b->h);
        cairo_stroke(cr);
        format_tick(buf, sizeof buf, v[i], step);
        set_rgb(cr, ink);
        text_at(cr, x, b->y + b->h + 8, 0.5, 1.0, 12, 0, buf);
    }
}

/* One horizontal gridline with its label, at axis position v (log10 on a
 * log axis). */
static void tick_y(cairo_t *cr, const box *b, const axis *a, double v, const char *label)
{
    double y = b->y + b->h - (v - a->lo) / (a->hi - a->lo) * b->h;
    set_rgb(cr, grid_ink);
    cairo_move_to(cr, b->x, y);
    cairo_line_to(cr, b->x + b->w, y);
    cairo_stroke(cr);
    set_rgb(cr, ink);
    text_at(cr, b->x - 8, y, 1.0, 0.5, 12, 0, label);
}

/* Gridlines and labels along y: decades on a log axis (with 2 and 5 between
 * them when there are only one or two decades), round steps otherwise. */
static void ticks_y(cairo_t *cr, const box *b, const axis *a, int want)
{
    char buf[32];
    if (a->log) {
        int between = a->hi - a->lo <= 2.0;
        double stride = fmax(1.0, ceil((a->hi - a->lo) / 12)); /* at most ~12 labels */
        for (double v = a->lo; v <= a->hi + 1e-9; v += stride) {
            double decade = pow(10.0, round(v));
            snprintf(buf, sizeof buf, "%g", decade);
            tick_y(cr, b, a, v, buf);
            for (int m = 2; between && m <= 5 && v + 1.0 <= a->hi + 1e-9; m += 3) {
                snprintf(buf, sizeof buf, "%g", m * decade);
                tick_y(cr, b, a, log10(m * decade), buf);
            }
        }
        return;
    }
    double step = nice_step(a->hi - a->lo, want), v[TICKS_MAX];
    int n = linear_ticks(a, step, v);
    for (int i = 0; i < n; i++) {
        format_tick(buf, sizeof buf, v[i], step);
        tick_y(cr, b, a, v[i], buf);
    }
}

static void frame(cairo_t *cr, const box *b)
{
    set_rgb(cr, ink);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_stroke(cr);
}

/* ---- the loss panel ------------------------------------------------------------- */

/* The y axis of the loss curve: decades when every loss is positive and
 * finite, else a linear range over the finite ones. */
static axis loss_axis(const double *loss, size_t n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    int positive = 1;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(loss[k])) {
            positive = 0;
            continue;
        }
        positive &= loss[k] > 0;
        lo = fmin(lo, loss[k]);
        hi = fmax(hi, loss[k]);
    }
    if (lo > hi) /* nothing finite */
        return (axis){0.0, 1.0, 0};
    if (positive) {
        axis a = {floor(log10(lo)), ceil(log10(hi)), 1};
        if (a.hi <= a.lo)
            a.hi = a.lo + 1.0;
        return a;
    }
    if (hi - lo < 1e-12)
        return (axis){lo - 1.0, hi + 1.0, 0};
    double step = nice_step(hi - lo, 5);
    return (axis){floor(lo / step) * step, ceil(hi / step) * step, 0};
}

/* 1 if a loss can be placed on the axis. */
static int drawable(double loss, int log_axis)
{
    return isfinite(loss) && (!log_axis || loss > 0);
}

static void loss_panel(cairo_t *cr, const box *b, const double *loss, size_t n)
{
    axis ax = {0.0, n > 1 ? (double)(n - 1) : 1.0, 0};
    axis ay = loss_axis(loss, n);
    cairo_set_line_width(cr, 1.0);
    ticks_x(cr, b, &ax, 5, 1.0); /* steps are whole numbers */
    ticks_y(cr, b, &ay, 5);
    frame(cr, b);
    cairo_save(cr);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_clip(cr);
    set_rgb(cr, curve);
    cairo_set_line_width(cr, 2.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t k = 0; k < n; k++) {
        if (!drawable(loss[k], ay.log))
            continue;
        double x = map_x(b, &ax, (double)k), y = map_y(b, &ay, loss[k]);
        int joined = k > 0 && drawable(loss[k - 1], ay.log);
        if (joined) {
            cairo_line_to(cr, x, y);
        } else if (k + 1 < n && drawable(loss[k + 1], ay.log)) {
            cairo_move_to(cr, x, y);
        } else { /* a lone point between non-finite ones: a dot */
            cairo_stroke(cr);
            cairo_arc(cr, x, y, 3.0, 0, 2 * MG_PI);
            cairo_fill(cr);
        }
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    set_rgb(cr, ink);
    text_at(cr, b->x, b->y - 12, 0.0, 0.0, 14, 1, "loss");
    text_at(cr, b->x + b->w / 2, b->y + b->h + 40, 0.5, 0.5, 12, 0, "step");
    cairo_save(cr);
    cairo_translate(cr, b->x - 52, b->y + b->h / 2);
    cairo_rotate(cr, -MG_PI / 2);
    text_at(cr, 0, 0, 0.5, 0.5, 12, 0, ay.log ? "loss (log scale)" : "loss");
    cairo_restore(cr);
}

/* ---- the decision-boundary panel ---------------------------------------------------- */

/* The data window: the points' bounding box padded by 0.5 (or by a
 * millionth of their size, for points so large that 0.5 is below the spacing
 * of doubles there), then widened on one side pair so that one unit is as
 * long on both axes. Points with a non-finite coordinate are not drawn and do
 * not count. */
static void data_window(const mg_dataset *d, const box *b, axis *ax, axis *ay)
{
    double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
    for (size_t r = 0; r < d->count; r++) {
        double x = d->x[2 * r], y = d->x[2 * r + 1];
        if (!isfinite(x) || !isfinite(y))
            continue;
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
    }
    if (x0 > x1)
        x0 = x1 = y0 = y1 = 0.0;
    double big = fmax(fmax(fabs(x0), fabs(x1)), fmax(fabs(y0), fabs(y1)));
    double pad = fmax(0.5, big * 1e-6);
    x0 -= pad, x1 += pad, y0 -= pad, y1 += pad;
    /* halves first: the spread of points near +-1e308 would overflow */
    double per_px = fmax((x1 / 2 - x0 / 2) / b->w, (y1 / 2 - y0 / 2) / b->h);
    double cx = x0 / 2 + x1 / 2, cy = y0 / 2 + y1 / 2;
    *ax = (axis){cx - per_px * b->w, cx + per_px * b->w, 0};
    *ay = (axis){cy - per_px * b->h, cy + per_px * b->h, 0};
}

static uint32_t pixel(rgb c)
{
    return 0xff000000u | (uint32_t)lround(c.r * 255) << 16 | (uint32_t)lround(c.g * 255) << 8 |
           (uint32_t)lround(c.b * 255);
}

/* The sign of the score at every pixel centre, as an image; the pixels where
 * the sign changes are darkened to trace the boundary. NULL on failure. */
static cairo_surface_t *boundary_image(const mg_plot *p, const box *b, const axis *ax,
                                       const axis *ay)
{
    int w = (int)b->w, h = (int)b->h;
    size_t n = (size_t)w * (size_t)h;
    double *xy = malloc(2 * n * sizeof *xy);
    double *score = malloc(n * sizeof *score);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    int ok = xy && score && cairo_surface_status(img) == CAIRO_STATUS_SUCCESS;
    for (size_t i = 0; ok && i < n; i++) {
        int px = (int)(i % (size_t)w), py = (int)(i / (size_t)w);
        xy[2 * i] = ax->lo + (px + 0.5) / b->w * (ax->hi - ax->lo);
        xy[2 * i + 1] = ay->hi - (py + 0.5) / b->h * (ay->hi - ay->lo);
    }
    ok = ok && p->score(p->ctx, xy, n, score) == 0;
    if (ok) {
        cairo_surface_flush(img);
        unsigned char *data = cairo_image_surface_get_data(img);
        int stride = cairo_image_surface_get_stride(img);
        const uint32_t pos = pixel(pos_area), neg = pixel(neg_area), edge = pixel(ink);
        for (int py = 0; py < h; py++) {
            uint32_t *row = (uint32_t *)(void *)(data + (size_t)py * (size_t)stride);
            for (int px = 0; px < w; px++) {
                size_t i = (size_t)py * (size_t)w + (size_t)px;
                int s = score[i] > 0;
                int change = (px + 1 < w && (score[i + 1] > 0) != s) ||
                             (py + 1 < h && (score[i + (size_t)w] > 0) != s);
                row[px] = change ? edge : isnan(score[i]) ? 0xffffffffu : s ? pos : neg;
            }
        }
        cairo_surface_mark_dirty(img);
    }
    free(xy);
    free(score);
    if (!ok) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

static void legend(cairo_t *cr, double x, double y)
{
    const struct { rgb c; const char *text; } items[] = {{neg_point, "y = -1"},
                                                          {pos_point, "y = +1"}};
    for (int i = 1; i >= 0; i--) {
        cairo_text_extents_t e;
        cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 12);
        cairo_text_extents(cr, items[i].text, &e);
        set_rgb(cr, ink);
        text_at(cr, x, y, 1.0, 0.5, 12, 0, items[i].text);
        x -= e.x_advance + 10;
        set_rgb(cr, items[i].c);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, 4.5, 0, 2 * MG_PI);
        cairo_fill(cr);
        x -= 22;
    }
}

/* Returns 0, or -1 when the scores could not be computed. */
static int boundary_panel(cairo_t *cr, const box *b, const mg_plot *p)
{
    axis ax, ay;
    data_window(p->data, b, &ax, &ay);
    cairo_surface_t *img = boundary_image(p, b, &ax, &ay);
    if (!img)
        return -1;
    cairo_save(cr);
    cairo_set_source_surface(cr, img, b->x, b->y);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    cairo_set_line_width(cr, 1.0);
    ticks_x(cr, b, &ax, 5, 0.0);
    ticks_y(cr, b, &ay, 5);
    for (size_t r = 0; r < p->data->count; r++) {
        double x = map_x(b, &ax, p->data->x[2 * r]), y = map_y(b, &ay, p->data->x[2 * r + 1]);
        if (!isfinite(x) || !isfinite(y))
            continue;
        cairo_new_path(cr); /* else the arc joins the last text's end point */
        cairo_arc(cr, x, y, 4.5, 0, 2 * MG_PI);
        set_rgb(cr, p->data->y[r] > 0 ? pos_point : neg_point);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
    }
    frame(cr, b);
    set_rgb(cr, ink);
    text_at(cr, b->x, b->y - 12, 0.0, 0.0, 14, 1, "decision boundary");
    legend(cr, b->x + b->w, b->y - 17);
    set_rgb(cr, ink);
    text_at(cr, b->x + b->w / 2, b->y + b->h + 40, 0.5, 0.5, 12, 0, "x1");
    text_at(cr, b->x - 44, b->y + b->h / 2, 1.0, 0.5, 12, 0, "x2");
    return 0;
}

/* ---- output -------------------------------------------------------------------------- */

/* A growing byte buffer that cairo writes into. */
typedef struct sink {
    unsigned char *bytes;
    size_t len, cap;
    int failed;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
    sink *s = closure;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + n)
            cap *= 2;
        unsigned char *p = realloc(s->bytes, cap);
        if (!p) {
            s->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        s->bytes = p;
        s->cap = cap;
    }
    memcpy(s->bytes + s->len, data, n);
    s->len += n;
    return CAIRO_STATUS_SUCCESS;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* cairo names an SVG's images and surfaces after process-wide counters, so the
 * same picture drawn twice in one process says "image5", then "image13".
 * Renumbers each kind 1, 2, ... in order of first use (ids are written
 * "image5" and "#image5"), so that the same input gives the same bytes.
 * Returns 0, or -1 out of memory with s unchanged. A picture with more than
 * 8 of a kind (plot.c draws one of each) keeps cairo's names. */
static int stable_svg_ids(sink *s)
{
    static const char *const kinds[] = {"image", "surface"};
    unsigned long seen[2][8];
    size_t count[2] = {0, 0};
    sink out = {0};
    const unsigned char *end = s->bytes + s->len, *copied = s->bytes;
    for (const unsigned char *p = s->bytes; p < end; p++) {
        for (size_t k = 0; (*p == '"' || *p == '#') && k < 2; k++) {
            size_t n = strlen(kinds[k]);
            const unsigned char *digits = p + 1 + n, *q = digits;
            if ((size_t)(end - p) <= n + 1 || memcmp(p + 1, kinds[k], n) != 0 || !is_digit(*q))
                continue;
            unsigned long id = 0;
            for (; q < end && is_digit(*q); q++)
                id = id * 10 + (unsigned long)(*q - '0');
            size_t rank = 0;
            while (rank < count[k] && seen[k][rank] != id)
                rank++;
            if (rank == 8) { /* more than plot.c draws: keep cairo's names */
                free(out.bytes);
                return 0;
            }
            if (rank == count[k])
                seen[k][count[k]++] = id;
            char number[24];
            int len = snprintf(number, sizeof number, "%zu", rank + 1);
            if (sink_write(&out, copied, (unsigned)(digits - copied)) != CAIRO_STATUS_SUCCESS ||
                sink_write(&out, (const unsigned char *)number, (unsigned)len) != CAIRO_STATUS_SUCCESS) {
                free(out.bytes);
                return -1;
            }
            copied = q;
            p = q - 1;
            break;
        }
    }
    if (sink_write(&out, copied, (unsigned)(end - copied)) != CAIRO_STATUS_SUCCESS) {
        free(out.bytes);
        return -1;
    }
    free(s->bytes);
    *s = out;
    return 0;
}

/* Draws the whole picture on cr; 0, -1 when the scores failed, -2 when
 * memory ran short. */
static int draw(cairo_t *cr, const mg_plot *p, double width, int with_boundary)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    viz_buf title = {0};
    if (p->title) /* cairo refuses invalid UTF-8 (a file name in Latin-1): show it as Latin-1 */
        viz_utf8_clean(&title, p->title, strlen(p->title));
    if (title.failed || (p->title && !title.s && p->title[0])) {
        viz_buf_free(&title);
        return -2;
    }
    if (title.s) {
        /* 16 px, smaller when that would not fit the width */
        cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, 16);
        cairo_text_extents_t e;
        cairo_text_extents(cr, title.s, &e);
        double size = e.x_advance > width - 24 ? fmax(8.0, 16 * (width - 24) / e.x_advance) : 16;
        set_rgb(cr, ink);
        text_at(cr, width / 2, 28, 0.5, 0.5, size, 1, title.s);
    }
    viz_buf_free(&title);
    box left = {LEFT, TOP, PANEL_W, PANEL_H};
    loss_panel(cr, &left, p->loss, p->steps);
    if (!with_boundary)
        return 0;
    box right = {LEFT + PANEL_W + GAP, TOP, PANEL_W, PANEL_H};
    return boundary_panel(cr, &right, p);
}

mg_status mg_plot_render(const mg_plot *p, mg_plot_format format, unsigned char **out,
                         size_t *len, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!p || !out || !len || !p->loss || p->steps == 0 ||
        (format != MG_PLOT_PNG && format != MG_PLOT_SVG && format != MG_PLOT_PDF))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "nothing to plot");
    int with_boundary = p->score && p->data && p->data->inputs == 2 && p->data->count > 0;
    double width = LEFT + PANEL_W + RIGHT + (with_boundary ? GAP + PANEL_W : 0.0);
    double height = TOP + PANEL_H + BOTTOM;
    sink s = {0};
    cairo_surface_t *surface =
        format == MG_PLOT_SVG   ? cairo_svg_surface_create_for_stream(sink_write, &s, width, height)
        : format == MG_PLOT_PDF ? viz_pdf_surface(sink_write, &s, width, height)
                                : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    cairo_t *cr = cairo_create(surface);
    int drawn = draw(cr, p, width, with_boundary);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS && format == MG_PLOT_PNG)
        cs = cairo_surface_write_to_png_stream(surface, sink_write, &s);
    cairo_surface_finish(surface); /* the SVG and PDF surfaces write their document here */
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (drawn == 0 && cs == CAIRO_STATUS_SUCCESS && !s.failed && format == MG_PLOT_SVG)
        s.failed = stable_svg_ids(&s) != 0;
    if (drawn != 0 || cs != CAIRO_STATUS_SUCCESS || s.failed) {
        free(s.bytes);
        if (s.failed || cs == CAIRO_STATUS_NO_MEMORY || drawn == -2)
            return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
        if (drawn != 0)
            return mg_error_set(err, MG_ERR_RENDER, 0, 0,
                                "the model's scores could not be computed");
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "cairo: %s", cairo_status_to_string(cs));
    }
    *out = s.bytes;
    *len = s.len;
    return MG_OK;
}
