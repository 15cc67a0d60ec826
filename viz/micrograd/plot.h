/* Training pictures: the loss curve and, for 2-D data, the decision boundary
 * with the points, drawn with cairo into a PNG, SVG or PDF held in memory.
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
} mg_plot;

/* Draws the picture: the loss curve (log scale when every loss is positive),
 * and beside it, when data has 2 inputs and score is set, the sign of the score
 * over a grid around the points, with the points coloured by label.
 * Returns MG_OK with *out (free() it) and *len; or MG_ERR_INVALID (no loss,
 * bad format), MG_ERR_NOMEM or MG_ERR_RENDER with the reason in err (err may be
 * NULL) and *out NULL. Deterministic: the same input gives the same bytes. */
MG_API mg_status mg_plot_render(const mg_plot *p, mg_plot_format format, unsigned char **out,
                                size_t *len, mg_error *err);

#ifdef __cplusplus
}
#endif

#endif
