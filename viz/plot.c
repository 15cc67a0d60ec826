/* Training pictures with cairo: the loss plot_curve and the decision boundary of a
 * 2-D classifier with its points; and what every plot shares: axes, ticks,
 * text, and the rendering into memory as PNG, SVG or PDF. */
#include "plot_internal.h"

#include "png.h"
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

const rgb plot_ink = {0.15, 0.15, 0.18};
const rgb plot_grid_ink = {0.88, 0.88, 0.90};
const rgb plot_curve = {0.17, 0.42, 0.69};
static const rgb neg_point = {0.84, 0.19, 0.15};  /* label -1 */
static const rgb pos_point = {0.17, 0.42, 0.69};  /* label +1 */
static const rgb neg_area = {0.99, 0.86, 0.80};
static const rgb pos_area = {0.84, 0.91, 0.96};

void plot_set_rgb(cairo_t *cr, rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

double plot_map_x(const box *b, const axis *a, double v)
{
    return b->x + (v - a->lo) / (a->hi - a->lo) * b->w;
}

double plot_map_y(const box *b, const axis *a, double v)
{
    if (a->log)
        v = log10(v);
    return b->y + b->h - (v - a->lo) / (a->hi - a->lo) * b->h;
}

/* ---- text ----------------------------------------------------------------------- */


double plot_text(cairo_t *cr, double x, double y, double ax, double ay, double size, int bold,
                 const char *s)
{
    cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    double h = f.ascent * 0.72; /* cap height, about: digits and capitals */
    cairo_move_to(cr, x - e.x_advance * ax, y + h * ay);
    cairo_show_text(cr, s);
    return e.x_advance;
}

/* ---- ticks ----------------------------------------------------------------------- */

double plot_nice_step(double range, int want)
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

void plot_ticks_x(cairo_t *cr, const box *b, const axis *a, int want, double min_step)
{
    double step = fmax(plot_nice_step(a->hi - a->lo, want), min_step), v[TICKS_MAX];
    char buf[32];
    int n = linear_ticks(a, step, v);
    for (int i = 0; i < n; i++) {
        double x = plot_map_x(b, a, v[i]);
        plot_set_rgb(cr, plot_grid_ink);
        cairo_move_to(cr, x, b->y);
        cairo_line_to(cr, x, b->y + b->h);
        cairo_stroke(cr);
        format_tick(buf, sizeof buf, v[i], step);
        plot_set_rgb(cr, plot_ink);
        plot_text(cr, x, b->y + b->h + 8, 0.5, 1.0, 12, 0, buf);
    }
}

/* One horizontal gridline with its label, at axis position v (log10 on a
 * log axis). */
static void tick_y(cairo_t *cr, const box *b, const axis *a, double v, const char *label)
{
    double y = b->y + b->h - (v - a->lo) / (a->hi - a->lo) * b->h;
    plot_set_rgb(cr, plot_grid_ink);
    cairo_move_to(cr, b->x, y);
    cairo_line_to(cr, b->x + b->w, y);
    cairo_stroke(cr);
    plot_set_rgb(cr, plot_ink);
    plot_text(cr, b->x - 8, y, 1.0, 0.5, 12, 0, label);
}

/* Along y: decades on a log axis (with 2 and 5 between them when there are
 * only one or two decades), round steps otherwise. */
void plot_ticks_y(cairo_t *cr, const box *b, const axis *a, int want)
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
    double step = plot_nice_step(a->hi - a->lo, want), v[TICKS_MAX];
    int n = linear_ticks(a, step, v);
    for (int i = 0; i < n; i++) {
        format_tick(buf, sizeof buf, v[i], step);
        tick_y(cr, b, a, v[i], buf);
    }
}

void plot_frame(cairo_t *cr, const box *b)
{
    plot_set_rgb(cr, plot_ink);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_stroke(cr);
}

/* ---- the loss panel ------------------------------------------------------------- */

/* The y axis of the loss plot_curve: decades when every loss is positive and
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
    double step = plot_nice_step(hi - lo, 5);
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
    plot_ticks_x(cr, b, &ax, 5, 1.0); /* steps are whole numbers */
    plot_ticks_y(cr, b, &ay, 5);
    plot_frame(cr, b);
    cairo_save(cr);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_clip(cr);
    plot_set_rgb(cr, plot_curve);
    cairo_set_line_width(cr, 2.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t k = 0; k < n; k++) {
        if (!drawable(loss[k], ay.log))
            continue;
        double x = plot_map_x(b, &ax, (double)k), y = plot_map_y(b, &ay, loss[k]);
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
    plot_set_rgb(cr, plot_ink);
    plot_text(cr, b->x, b->y - 12, 0.0, 0.0, 14, 1, "loss");
    plot_text(cr, b->x + b->w / 2, b->y + b->h + 40, 0.5, 0.5, 12, 0, "step");
    cairo_save(cr);
    cairo_translate(cr, b->x - 52, b->y + b->h / 2);
    cairo_rotate(cr, -MG_PI / 2);
    plot_text(cr, 0, 0, 0.5, 0.5, 12, 0, ay.log ? "loss (log scale)" : "loss");
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

/* The score is sampled on the corners of square cells of CELL points; inside
 * a cell it is taken as linear along the cell's sides (marching squares), so
 * the boundary is a polyline through the cells it crosses. */
#define CELL 3.0

/* A grid of scores over the panel: (nx + 1) x (ny + 1) corners, row by row
 * from the top, at canvas points (x0 + i * dx, y0 + j * dy). */
typedef struct grid {
    size_t nx, ny;
    double x0, y0, dx, dy;
    double *score;
} grid;

static double grid_at(const grid *g, size_t i, size_t j) { return g->score[j * (g->nx + 1) + i]; }

/* Scores every corner of the panel's grid; 0, -1 when the scores failed,
 * -2 when memory ran short. */
static int grid_score(grid *gr, const mg_plot *p, const box *b, const axis *ax, const axis *ay)
{
    gr->nx = (size_t)ceil(b->w / CELL), gr->ny = (size_t)ceil(b->h / CELL);
    gr->x0 = b->x, gr->y0 = b->y, gr->dx = b->w / (double)gr->nx, gr->dy = b->h / (double)gr->ny;
    size_t n = (gr->nx + 1) * (gr->ny + 1);
    double *xy = malloc(2 * n * sizeof *xy);
    gr->score = malloc(n * sizeof *gr->score);
    if (!xy || !gr->score) {
        free(xy);
        return -2;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = k % (gr->nx + 1), j = k / (gr->nx + 1);
        xy[2 * k] = ax->lo + (double)i / (double)gr->nx * (ax->hi - ax->lo);
        xy[2 * k + 1] = ay->hi - (double)j / (double)gr->ny * (ay->hi - ay->lo);
    }
    int ok = p->score(p->ctx, xy, n, gr->score) == 0;
    free(xy);
    return ok ? 0 : -1;
}

/* One cell's corners in order around it (top left, top right, bottom right,
 * bottom left): canvas points and scores. */
typedef struct cell { double x[4], y[4], s[4]; } cell;

static cell cell_at(const grid *g, size_t i, size_t j)
{
    static const int di[4] = {0, 1, 1, 0}, dj[4] = {0, 0, 1, 1};
    cell c;
    for (int k = 0; k < 4; k++) {
        c.x[k] = g->x0 + (double)(i + (size_t)di[k]) * g->dx;
        c.y[k] = g->y0 + (double)(j + (size_t)dj[k]) * g->dy;
        c.s[k] = grid_at(g, i + (size_t)di[k], j + (size_t)dj[k]);
    }
    return c;
}

/* Adds to cr's path the part of a mixed cell where the score is positive:
 * its positive corners and, between a corner and the next of the other
 * sign, the point where the linear score crosses 0. The chords between two
 * crossings are the boundary: they go to line (as move/line pairs). */
static void mixed_cell(cairo_t *cr, const cell *c, double *line, size_t *nline)
{
    double px[8], py[8];
    int crossing[8], n = 0;
    for (int k = 0; k < 4; k++) {
        int next = (k + 1) % 4;
        if (c->s[k] > 0)
            px[n] = c->x[k], py[n] = c->y[k], crossing[n++] = 0;
        if ((c->s[k] > 0) != (c->s[next] > 0)) {
            double t = c->s[k] / (c->s[k] - c->s[next]);
            px[n] = c->x[k] + t * (c->x[next] - c->x[k]);
            py[n] = c->y[k] + t * (c->y[next] - c->y[k]);
            crossing[n++] = 1;
        }
    }
    for (int k = 0; k < n; k++) {
        if (k == 0)
            cairo_move_to(cr, px[k], py[k]);
        else
            cairo_line_to(cr, px[k], py[k]);
        int next = (k + 1) % n;
        if (crossing[k] && crossing[next]) {
            double *l = line + 4 * (*nline)++;
            l[0] = px[k], l[1] = py[k], l[2] = px[next], l[3] = py[next];
        }
    }
    cairo_close_path(cr);
}

/* Adds every cell whose corners all pass keep (as runs of whole cells along
 * each row) to cr's path. */
static void whole_cells(cairo_t *cr, const grid *g, int (*keep)(const cell *))
{
    for (size_t j = 0; j < g->ny; j++) {
        for (size_t i = 0; i < g->nx;) {
            size_t end = i;
            for (cell c; end < g->nx && (c = cell_at(g, end, j), keep(&c));)
                end++;
            if (end > i)
                cairo_rectangle(cr, g->x0 + (double)i * g->dx, g->y0 + (double)j * g->dy,
                                (double)(end - i) * g->dx, g->dy);
            i = end > i ? end : i + 1;
        }
    }
}

static int has_nan(const cell *c)
{
    return isnan(c->s[0]) || isnan(c->s[1]) || isnan(c->s[2]) || isnan(c->s[3]);
}

static int all_positive(const cell *c)
{
    return c->s[0] > 0 && c->s[1] > 0 && c->s[2] > 0 && c->s[3] > 0;
}

/* The two regions as vector shapes: the negative one as the panel's ground,
 * the positive one as one path (whole cells merged into runs, and the
 * positive part of each cell the boundary crosses), cells with a NaN score
 * white, and the boundary stroked over them. 0, -1 or -2 as grid_score. */
static int boundary_region(cairo_t *cr, const mg_plot *p, const box *b, const axis *ax,
                           const axis *ay)
{
    grid g = {0};
    int status = grid_score(&g, p, b, ax, ay);
    double *line = status ? NULL : malloc(2 * g.nx * g.ny * 4 * sizeof *line);
    if (!status && !line)
        status = -2;
    if (status) {
        free(g.score);
        return status;
    }
    size_t nline = 0;
    plot_set_rgb(cr, neg_area);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_fill(cr);
    whole_cells(cr, &g, all_positive);
    for (size_t j = 0; j < g.ny; j++)
        for (size_t i = 0; i < g.nx; i++) {
            cell c = cell_at(&g, i, j);
            int pos = (c.s[0] > 0) + (c.s[1] > 0) + (c.s[2] > 0) + (c.s[3] > 0);
            if (!has_nan(&c) && pos > 0 && pos < 4)
                mixed_cell(cr, &c, line, &nline);
        }
    plot_set_rgb(cr, pos_area);
    cairo_fill(cr);
    whole_cells(cr, &g, has_nan);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    for (size_t k = 0; k < nline; k++) {
        cairo_move_to(cr, line[4 * k], line[4 * k + 1]);
        cairo_line_to(cr, line[4 * k + 2], line[4 * k + 3]);
    }
    plot_set_rgb(cr, plot_ink);
    cairo_set_line_width(cr, 1.5);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    free(line);
    free(g.score);
    return 0;
}

static void legend(cairo_t *cr, double x, double y)
{
    const struct { rgb c; const char *text; } items[] = {{neg_point, "y = -1"},
                                                          {pos_point, "y = +1"}};
    for (int i = 1; i >= 0; i--) {
        cairo_text_extents_t e;
        cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 12);
        cairo_text_extents(cr, items[i].text, &e);
        plot_set_rgb(cr, plot_ink);
        plot_text(cr, x, y, 1.0, 0.5, 12, 0, items[i].text);
        x -= e.x_advance + 10;
        plot_set_rgb(cr, items[i].c);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, 4.5, 0, 2 * MG_PI);
        cairo_fill(cr);
        x -= 22;
    }
}

/* 1 if the plot has a decision-boundary panel: 2-D data and a score. */
static int has_boundary(const mg_plot *p)
{
    return p->score && p->data && p->data->inputs == 2 && p->data->count > 0;
}

/* Returns 0, -1 when the scores could not be computed, -2 out of memory. */
static int boundary_panel(cairo_t *cr, const box *b, const mg_plot *p)
{
    axis ax, ay;
    data_window(p->data, b, &ax, &ay);
    int status = boundary_region(cr, p, b, &ax, &ay);
    if (status)
        return status;
    cairo_set_line_width(cr, 1.0);
    plot_ticks_x(cr, b, &ax, 5, 0.0);
    plot_ticks_y(cr, b, &ay, 5);
    for (size_t r = 0; r < p->data->count; r++) {
        double x = plot_map_x(b, &ax, p->data->x[2 * r]), y = plot_map_y(b, &ay, p->data->x[2 * r + 1]);
        if (!isfinite(x) || !isfinite(y))
            continue;
        cairo_new_path(cr); /* else the arc joins the last text's end point */
        cairo_arc(cr, x, y, 4.5, 0, 2 * MG_PI);
        plot_set_rgb(cr, p->data->y[r] > 0 ? pos_point : neg_point);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
    }
    plot_frame(cr, b);
    plot_set_rgb(cr, plot_ink);
    plot_text(cr, b->x, b->y - 12, 0.0, 0.0, 14, 1, "decision boundary");
    legend(cr, b->x + b->w, b->y - 17);
    plot_set_rgb(cr, plot_ink);
    plot_text(cr, b->x + b->w / 2, b->y + b->h + 40, 0.5, 0.5, 12, 0, "x1");
    plot_text(cr, b->x - 44, b->y + b->h / 2, 1.0, 0.5, 12, 0, "x2");
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

int plot_title(cairo_t *cr, const char *title, double width, double y, double size)
{
    viz_buf text = {0};
    if (title) /* cairo refuses invalid UTF-8 (a file name in Latin-1): show it as Latin-1 */
        viz_utf8_clean(&text, title, strlen(title));
    if (text.failed || (title && !text.s && title[0])) {
        viz_buf_free(&text);
        return -2;
    }
    if (text.s) {
        /* smaller when it would not fit the width */
        cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, size);
        cairo_text_extents_t e;
        cairo_text_extents(cr, text.s, &e);
        if (e.x_advance > width - 24)
            size = fmax(8.0, size * (width - 24) / e.x_advance);
        plot_set_rgb(cr, plot_ink);
        plot_text(cr, width / 2, y, 0.5, 0.5, size, 1, text.s);
    }
    viz_buf_free(&text);
    return 0;
}

/* The training picture (plot_draw_fn): the loss and, when the plot has
 * one, the decision boundary. */
static int draw_training(cairo_t *cr, const void *ctx, double width)
{
    const mg_plot *p = ctx;
    if (plot_title(cr, p->title, width, 28, 16) != 0)
        return -2;
    box left = {LEFT, TOP, PANEL_W, PANEL_H};
    loss_panel(cr, &left, p->loss, p->steps);
    if (!has_boundary(p))
        return 0;
    box right = {LEFT + PANEL_W + GAP, TOP, PANEL_W, PANEL_H};
    return boundary_panel(cr, &right, p);
}

/* The surface that renders format into s; for a PNG, an image of
 * round(side * dpi / 72) pixels a side, scaled so that one unit is a point. */
static cairo_surface_t *surface_for(mg_plot_format format, sink *s, double width,
                                    double height, int dpi)
{
    switch (format) {
    case MG_PLOT_SVG: return cairo_svg_surface_create_for_stream(sink_write, s, width, height);
    case MG_PLOT_PDF: return viz_pdf_surface(sink_write, s, width, height);
    case MG_PLOT_PNG: break;
    }
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(width * dpi / 72.0),
                                      (int)lround(height * dpi / 72.0));
}

/* A PNG's bytes, copied with its dpi recorded; 0, or -1 out of memory. */
static int record_dpi(sink *s, int dpi)
{
    size_t n;
    unsigned char *png = viz_png_with_dpi(s->bytes, s->len, dpi, &n);
    if (!png)
        return -1;
    free(s->bytes);
    *s = (sink){.bytes = png, .len = n, .cap = n + 1};
    return 0;
}

mg_status plot_render(double width, double height, mg_plot_format format, int dpi,
                      plot_draw_fn draw, const void *ctx, const char *failed,
                      unsigned char **out, size_t *len, mg_error *err)
{
    if (dpi == 0)
        dpi = MG_PLOT_DPI_DEFAULT;
    if (dpi < 0 || dpi > MG_PLOT_DPI_MAX)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "dpi %d is neither 0 (the default) nor in 1..%d",
                            dpi, MG_PLOT_DPI_MAX);
    sink s = {0};
    cairo_surface_t *surface = surface_for(format, &s, width, height, dpi);
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (format == MG_PLOT_PNG)
        cairo_scale(cr, dpi / 72.0, dpi / 72.0);
    int drawn = draw(cr, ctx, width);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS && format == MG_PLOT_PNG)
        cs = cairo_surface_write_to_png_stream(surface, sink_write, &s);
    cairo_surface_finish(surface); /* the SVG and PDF surfaces write their document here */
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (drawn == 0 && cs == CAIRO_STATUS_SUCCESS && !s.failed)
        s.failed = format == MG_PLOT_SVG ? stable_svg_ids(&s) != 0
                   : format == MG_PLOT_PNG ? record_dpi(&s, dpi) != 0 : 0;
    if (drawn != 0 || cs != CAIRO_STATUS_SUCCESS || s.failed) {
        free(s.bytes);
        if (s.failed || cs == CAIRO_STATUS_NO_MEMORY || drawn == -2)
            return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
        if (drawn != 0)
            return mg_error_set(err, MG_ERR_RENDER, 0, 0, "%s", failed);
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "cairo: %s", cairo_status_to_string(cs));
    }
    *out = s.bytes;
    *len = s.len;
    return MG_OK;
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
    double width = LEFT + PANEL_W + RIGHT + (has_boundary(p) ? GAP + PANEL_W : 0.0);
    double height = TOP + PANEL_H + BOTTOM;
    return plot_render(width, height, format, p->dpi, draw_training, p,
                       "the model's scores could not be computed", out, len, err);
}
