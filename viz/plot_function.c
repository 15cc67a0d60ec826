/* The lecture's opening picture: a function of one variable over a range,
 * and at a point its tangent, with the slope backward gives beside the
 * nudge (f(x + h) - f(x)) / h. The numbers come from lib/check.c. */
#include "plot_internal.h"

#include "text.h"

#include <micrograd/format.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- layout and colours ------------------------------------------------------ */

#define FN_WIDTH 640.0
#define FN_LEFT 76.0     /* room for the y tick labels and the y name */
#define FN_RIGHT 24.0
#define FN_TOP 52.0      /* the title */
#define FN_PANEL_H 330.0
#define FN_AXIS_ROOM 50.0 /* x tick labels and the x name */
#define FN_LINE 22.0     /* one line of the numbers under the plot */
#define FN_TEXT 13.0     /* their size */

static const rgb axis_ink = {0.55, 0.55, 0.60};
static const rgb tangent_ink = {0.85, 0.37, 0.05};
static const rgb note_ink = {0.45, 0.45, 0.50};

/* Everything the drawing needs: the options, the samples and the numbers. */
typedef struct fn_picture {
    const mg_plot_function *f;
    const char *x_name, *y_name; /* valid UTF-8 */
    double xs[MG_PLOT_SAMPLES], ys[MG_PLOT_SAMPLES];
    mg_plot_function_report report;
    int lines;                   /* lines of text under the plot */
} fn_picture;

/* ---- the range of y ------------------------------------------------------------- */

/* Round ends around the finite samples (and the point), or -1..1 around a
 * flat curve. */
static axis y_axis(const fn_picture *p)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < MG_PLOT_SAMPLES; i++)
        if (isfinite(p->ys[i]))
            lo = fmin(lo, p->ys[i]), hi = fmax(hi, p->ys[i]);
    if (p->f->has_at)
        lo = fmin(lo, p->report.slope.y), hi = fmax(hi, p->report.slope.y);
    double spread = hi / 2 - lo / 2; /* halves: hi - lo may overflow */
    if (!(spread > 1e-12 * fmax(1.0, fabs(lo / 2 + hi / 2))))
        return (axis){lo - 1.0, hi + 1.0, 0};
    double step = plot_nice_step(2 * spread, 5);
    axis a = {floor(lo / step) * step, ceil(hi / step) * step, 0};
    return isfinite(a.hi - a.lo) ? a : (axis){lo, hi, 0};
}

/* ---- drawing -------------------------------------------------------------------- */

/* The lines x = 0 and y = 0 where they cross the plot: the axes a class
 * draws on the board. */
static void zero_axes(cairo_t *cr, const box *b, const axis *ax, const axis *ay)
{
    plot_set_rgb(cr, axis_ink);
    cairo_set_line_width(cr, 1.2);
    if (ax->lo < 0 && ax->hi > 0) {
        double x = plot_map_x(b, ax, 0.0);
        cairo_move_to(cr, x, b->y);
        cairo_line_to(cr, x, b->y + b->h);
    }
    if (ay->lo < 0 && ay->hi > 0) {
        double y = plot_map_y(b, ay, 0.0);
        cairo_move_to(cr, b->x, y);
        cairo_line_to(cr, b->x + b->w, y);
    }
    cairo_stroke(cr);
}

/* The curve, broken where y is not finite; a lone finite sample is a dot. */
static void curve(cairo_t *cr, const box *b, const axis *ax, const axis *ay, const fn_picture *p)
{
    plot_set_rgb(cr, plot_curve);
    cairo_set_line_width(cr, 2.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < MG_PLOT_SAMPLES; i++) {
        if (!isfinite(p->ys[i]))
            continue;
        double x = plot_map_x(b, ax, p->xs[i]), y = plot_map_y(b, ay, p->ys[i]);
        if (i > 0 && isfinite(p->ys[i - 1])) {
            cairo_line_to(cr, x, y);
        } else if (i + 1 < MG_PLOT_SAMPLES && isfinite(p->ys[i + 1])) {
            cairo_move_to(cr, x, y);
        } else {
            cairo_stroke(cr);
            cairo_arc(cr, x, y, 2.5, 0, 2 * MG_PI);
            cairo_fill(cr);
        }
    }
    cairo_stroke(cr);
}

/* The tangent at the point over a fifth of the range each side, and the
 * point itself. */
static void tangent(cairo_t *cr, const box *b, const axis *ax, const axis *ay, const mg_slope *s)
{
    double half = (ax->hi - ax->lo) / 5;
    plot_set_rgb(cr, tangent_ink);
    cairo_set_line_width(cr, 2.0);
    if (isfinite(s->analytic)) {
        for (int side = -1; side <= 1; side += 2) {
            double x = s->x + side * half, y = s->y + s->analytic * (x - s->x);
            (side < 0 ? cairo_move_to : cairo_line_to)(cr, plot_map_x(b, ax, x),
                                                        plot_map_y(b, ay, y));
        }
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_arc(cr, plot_map_x(b, ax, s->x), plot_map_y(b, ay, s->y), 5.0, 0, 2 * MG_PI);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
}

/* Text at (x, y) from a printf format, in the plot's sizes; 0, or -1 when
 * memory ran short. */
static int line_text(cairo_t *cr, double x, double y, rgb colour, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int line_text(cairo_t *cr, double x, double y, rgb colour, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text) {
        vsnprintf(text, (size_t)n + 1, fmt, again);
        plot_set_rgb(cr, colour);
        plot_text(cr, x, y, 0.0, 0.5, FN_TEXT, 0, text);
        free(text);
    }
    va_end(again);
    return text ? 0 : -1;
}

/* The numbers under the plot: the point, backward's slope (the tangent's
 * colour), the nudge beside it, and a note where y is not finite. 0, or -1
 * when memory ran short. */
static int numbers(cairo_t *cr, double x, double y, const fn_picture *p)
{
    int failed = 0;
    const mg_slope *s = &p->report.slope;
    const char *xn = p->x_name, *yn = p->y_name;
    char at[MG_NUMBER_SIZE], val[MG_NUMBER_SIZE], d[MG_NUMBER_SIZE], num[MG_NUMBER_SIZE],
        h[MG_NUMBER_SIZE];
    if (p->f->has_at) {
        mg_format_repr(at, sizeof at, s->x);
        mg_format_repr(val, sizeof val, s->y);
        mg_format_repr(d, sizeof d, s->analytic);
        mg_format_repr(num, sizeof num, s->numeric);
        mg_format_repr(h, sizeof h, s->h);
        failed |= line_text(cr, x, y, plot_ink, "at %s = %s:   %s = %s", xn, at, yn, val);
        y += FN_LINE;
        plot_set_rgb(cr, tangent_ink);
        cairo_set_line_width(cr, 2.0);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 22, y);
        cairo_stroke(cr);
        failed |= line_text(cr, x + 30, y, plot_ink, "slope d%s/d%s = %s   (backward: exact)",
                            yn, xn, d);
        y += FN_LINE;
        failed |= line_text(cr, x + 30, y, plot_ink,
                            "nudge (%s(%s + h) - %s(%s)) / h = %s   with h = %s", yn, xn, yn, xn,
                            num, h);
        y += FN_LINE;
    }
    if (p->report.nonfinite) {
        char lo[MG_NUMBER_SIZE], hi[MG_NUMBER_SIZE];
        mg_format_repr(lo, sizeof lo, p->report.nonfinite_lo);
        mg_format_repr(hi, sizeof hi, p->report.nonfinite_hi);
        failed |= line_text(cr, x, y, note_ink,
                            "%s is not finite at %zu of %zu points (%s from %s to %s): not drawn",
                            yn, p->report.nonfinite, p->report.samples, xn, lo, hi);
    }
    return failed ? -1 : 0;
}

/* The picture (plot_draw_fn). */
static int draw_function(cairo_t *cr, const void *ctx, double width)
{
    const fn_picture *p = ctx;
    if (plot_title(cr, p->f->title, width, 28, 18) != 0)
        return -2;
    box b = {FN_LEFT, FN_TOP, width - FN_LEFT - FN_RIGHT, FN_PANEL_H};
    axis ax = {p->f->lo, p->f->hi, 0}, ay = y_axis(p);
    cairo_set_line_width(cr, 1.0);
    plot_ticks_x(cr, &b, &ax, 8, 0.0);
    plot_ticks_y(cr, &b, &ay, 6);
    cairo_save(cr);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_clip(cr);
    zero_axes(cr, &b, &ax, &ay);
    curve(cr, &b, &ax, &ay, p);
    if (p->f->has_at)
        tangent(cr, &b, &ax, &ay, &p->report.slope);
    cairo_restore(cr);
    plot_frame(cr, &b);
    plot_set_rgb(cr, plot_ink);
    plot_text(cr, b.x + b.w / 2, b.y + b.h + 38, 0.5, 0.5, 14, 0, p->x_name);
    plot_text(cr, b.x - 48, b.y + b.h / 2, 1.0, 0.5, 14, 0, p->y_name);
    return numbers(cr, b.x, b.y + b.h + FN_AXIS_ROOM + FN_LINE / 2, p) ? -2 : 0;
}

/* ---- the call ------------------------------------------------------------------- */

static mg_status check_function(const mg_plot_function *f, mg_plot_format format,
                                unsigned char **out, size_t *len, mg_error *err)
{
    if (!f || !out || !len || (format != MG_PLOT_PNG && format != MG_PLOT_SVG &&
                               format != MG_PLOT_PDF))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "nothing to plot");
    if (!(isfinite(f->lo) && isfinite(f->hi) && f->lo < f->hi && isfinite(f->hi - f->lo)))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "the range must be finite with its start below its end");
    if (f->has_at && !(f->at >= f->lo && f->at <= f->hi))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "the point is outside the range");
    if (f->has_at && !(isfinite(f->h) && f->h > 0))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "h must be finite and positive");
    return MG_OK;
}

static const char *name_or(const char *name, const char *otherwise)
{
    return name ? name : otherwise;
}

/* Samples the curve into p and counts where it is not finite. */
static mg_status sample(fn_picture *p, mg_graph *g, mg_value root, mg_value x, mg_error *err)
{
    const mg_plot_function *f = p->f;
    for (size_t i = 0; i < MG_PLOT_SAMPLES; i++) /* both ends exact */
        p->xs[i] = i + 1 == MG_PLOT_SAMPLES
                       ? f->hi
                       : f->lo + (f->hi - f->lo) * (double)i / (MG_PLOT_SAMPLES - 1);
    mg_status s = mg_check_sample(g, root, x, p->xs, MG_PLOT_SAMPLES, p->ys, err);
    if (s != MG_OK)
        return s;
    mg_plot_function_report *r = &p->report;
    *r = (mg_plot_function_report){.samples = MG_PLOT_SAMPLES, .nonfinite_lo = (double)NAN,
                                   .nonfinite_hi = (double)NAN};
    for (size_t i = 0; i < MG_PLOT_SAMPLES; i++) {
        if (isfinite(p->ys[i]))
            continue;
        if (!r->nonfinite++)
            r->nonfinite_lo = p->xs[i];
        r->nonfinite_hi = p->xs[i];
    }
    if (r->nonfinite == MG_PLOT_SAMPLES) {
        char lo[MG_NUMBER_SIZE], hi[MG_NUMBER_SIZE];
        mg_format_repr(lo, sizeof lo, f->lo);
        mg_format_repr(hi, sizeof hi, f->hi);
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "%s is not finite anywhere on the range (%s from %s to %s): "
                            "nothing to draw", name_or(f->y_name, "y"), name_or(f->x_name, "x"),
                            lo, hi);
    }
    return MG_OK;
}

/* The names as valid UTF-8 (Latin-1 where they are not), into bufs. */
static int clean_names(fn_picture *p, viz_buf *bufs)
{
    const char *names[2] = {name_or(p->f->x_name, "x"), name_or(p->f->y_name, "y")};
    for (int k = 0; k < 2; k++) {
        viz_utf8_clean(&bufs[k], names[k], strlen(names[k]));
        if (bufs[k].failed || (!bufs[k].s && names[k][0]))
            return -1;
    }
    p->x_name = bufs[0].s ? bufs[0].s : "";
    p->y_name = bufs[1].s ? bufs[1].s : "";
    return 0;
}

mg_status mg_plot_function_render(mg_graph *g, mg_value root, mg_value x,
                                  const mg_plot_function *f, mg_plot_format format,
                                  unsigned char **out, size_t *len,
                                  mg_plot_function_report *report, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    mg_status s = check_function(f, format, out, len, err);
    fn_picture *p = s == MG_OK ? calloc(1, sizeof *p) : NULL;
    if (s == MG_OK && !p)
        s = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    if (s != MG_OK)
        return s;
    p->f = f;
    viz_buf names[2] = {{0}, {0}};
    if ((s = sample(p, g, root, x, err)) == MG_OK && f->has_at)
        s = mg_check_slope(g, root, x, f->at, f->h, &p->report.slope, err);
    if (s == MG_OK && f->has_at && !isfinite(p->report.slope.y)) {
        char at[MG_NUMBER_SIZE], y[MG_NUMBER_SIZE];
        mg_format_repr(at, sizeof at, f->at);
        mg_format_repr(y, sizeof y, p->report.slope.y);
        s = mg_error_set(err, MG_ERR_INVALID, 0, 0, "%s is not finite at %s = %s (%s): no tangent there",
                         name_or(f->y_name, "y"), name_or(f->x_name, "x"), at, y);
    }
    if (s == MG_OK && clean_names(p, names) != 0)
        s = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    if (s == MG_OK) {
        p->lines = 3 * (f->has_at != 0) + (p->report.nonfinite != 0);
        double height = FN_TOP + FN_PANEL_H + FN_AXIS_ROOM + p->lines * FN_LINE + 12;
        s = plot_render(FN_WIDTH, height, format, f->dpi, draw_function, p,
                        "the function could not be drawn", out, len, err);
    }
    if (s == MG_OK && report)
        *report = p->report;
    viz_buf_free(&names[0]);
    viz_buf_free(&names[1]);
    free(p);
    return s;
}
