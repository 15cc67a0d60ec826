/* Plots drawn with cairo into a PNG, SVG or PDF held in memory: training
 * pictures (the loss curve and, for 2-D data, the decision boundary with the
 * points), and a function of one variable with its tangent (the lecture's
 * opening).
 *
 *     mg_plot p = {.title = "moons", .loss = history, .steps = 100,
 *                  .data = &points, .score = my_score, .ctx = model};
 *     unsigned char *bytes; size_t len; mg_error err;
 *     if (mg_plot_render(&p, MG_PLOT_PNG, &bytes, &len, &err) == MG_OK) {
 *         fwrite(bytes, 1, len, file);
 *         free(bytes);
 *     }
 */
#ifndef MICROGRAD_PLOT_H
#define MICROGRAD_PLOT_H

#include <stddef.h>

#include <micrograd/check.h>
#include <micrograd/engine.h>
#include <micrograd/export.h>
#include <micrograd/nn.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mg_plot_format {
    MG_PLOT_PNG = 0,
    MG_PLOT_SVG = 1,
    MG_PLOT_PDF = 2  /* one page, the same bytes every run (SOURCE_DATE_EPOCH's date) */
} mg_plot_format;

/* A PNG's resolution: dots per inch (a plot's unit is the point, 1/72 in, so
 * a picture W points wide is round(W * dpi / 72) pixels), recorded in the
 * file. 0 means MG_PLOT_DPI_DEFAULT: crisp on slides and high-density
 * screens. SVG and PDF are vector: dpi does not change them. */
#define MG_PLOT_DPI_DEFAULT 144
#define MG_PLOT_DPI_MAX 600

/* The model's scores at n points (xy holds x0, x1 pairs): out[i] > 0 means
 * label +1. Returns 0 on success, nonzero to abandon the picture. */
typedef int (*mg_plot_score_fn)(void *ctx, const double *xy, size_t n, double *out);

/* What to draw. Everything the caller passes stays the caller's. */
typedef struct mg_plot {
    const char *title;       /* above the picture; may be NULL */
    const double *loss;      /* loss of each step; steps >= 1 */
    size_t steps;
    const mg_dataset *data;  /* the points; the boundary panel needs inputs == 2 */
    mg_plot_score_fn score;  /* NULL: no boundary panel */
    void *ctx;               /* passed to score */
    int dpi;                 /* PNG resolution, 0..MG_PLOT_DPI_MAX (0: default) */
} mg_plot;

/* Draws the picture: the loss curve (log scale when every loss is positive),
 * and beside it, when data has 2 inputs and score is set, the regions where
 * the score is positive and negative and the line between them (vector
 * shapes, from the score on a grid around the points: sharp at any zoom),
 * with the points coloured by label. Returns MG_OK with *out (free() it) and
 * *len; or MG_ERR_INVALID (no loss, bad format or dpi), MG_ERR_NOMEM or
 * MG_ERR_RENDER with the reason in err (err may be NULL) and *out NULL.
 * Deterministic for PNG and SVG: the same input gives the same bytes. */
MG_API mg_status mg_plot_render(const mg_plot *p, mg_plot_format format, unsigned char **out,
                                size_t *len, mg_error *err);

/* ---- a function of one variable ------------------------------------------- */

/* What to draw of root as a function of one leaf x (mg_plot_function_render). */
typedef struct mg_plot_function {
    const char *title;   /* above the picture (the expression); may be NULL */
    const char *x_name;  /* the variable's name, "x" (NULL: "x") */
    const char *y_name;  /* the function's name, "y" (NULL: "y") */
    double lo, hi;       /* the range of x: finite, lo < hi */
    int has_at;          /* 1: the tangent and the numbers at x = at */
    double at;           /* inside [lo, hi] */
    double h;            /* the nudge of (f(x + h) - f(x)) / h: finite, > 0 */
    int dpi;             /* as mg_plot's */
} mg_plot_function;

/* The curve's samples, evenly spaced over [lo, hi], both ends included. */
#define MG_PLOT_SAMPLES 401

/* What the picture shows in numbers. */
typedef struct mg_plot_function_report {
    size_t samples;           /* points of the curve: MG_PLOT_SAMPLES */
    size_t nonfinite;         /* of them, where root is NaN or infinite (not drawn) */
    double nonfinite_lo;      /* the least and the greatest x of those (NaN when none) */
    double nonfinite_hi;
    mg_slope slope;           /* at x = at (mg_check_slope), when has_at */
} mg_plot_function_report;

/* Draws root over x in [lo, hi] (mg_check_sample; the parts where it is not
 * finite left out), and with has_at the point (at, root there), the tangent
 * of slope d root / d x (backward's) and, written under the plot, the value,
 * that slope and the lecture's nudge (f(x + h) - f(x)) / h beside it
 * (mg_check_slope). The graph is left with x at `at` and the grads of
 * backward from root (at its own data and grads when has_at is 0).
 * Returns MG_OK with *out (free() it), *len and, when report is not NULL,
 * *report; or fails with *out NULL and the reason in err (may be NULL):
 * MG_ERR_INVALID (bad options, format or handles; a root that is not finite
 * anywhere on the range, or at `at`), MG_ERR_NOMEM, MG_ERR_RENDER, or the
 * status of a graph in error. Deterministic for PNG and SVG. */
MG_API mg_status mg_plot_function_render(mg_graph *g, mg_value root, mg_value x,
                                         const mg_plot_function *f, mg_plot_format format,
                                         unsigned char **out, size_t *len,
                                         mg_plot_function_report *report, mg_error *err);

#ifdef __cplusplus
}
#endif

#endif
