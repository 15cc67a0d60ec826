/* Private to the plots (plot.c, plot_function.c): boxes, axes, ticks, text and
 * the one way a drawing becomes PNG, SVG or PDF bytes. */
#ifndef MICROGRAD_VIZ_PLOT_INTERNAL_H
#define MICROGRAD_VIZ_PLOT_INTERNAL_H

#include <micrograd/plot.h>

#include <cairo.h>

#define PLOT_FONT "DejaVu Sans"

typedef struct rgb { double r, g, b; } rgb;

extern const rgb plot_ink, plot_grid_ink, plot_curve;

void plot_set_rgb(cairo_t *cr, rgb c);

/* A rectangle on the canvas: where a panel plots. */
typedef struct box { double x, y, w, h; } box;

/* A data range mapped onto a box side. */
typedef struct axis { double lo, hi; int log; } axis;

double plot_map_x(const box *b, const axis *a, double v);
double plot_map_y(const box *b, const axis *a, double v);

/* Draws text anchored at (x, y): ax 0 left, 0.5 centre, 1 right; ay likewise
 * from the top (0) to the bottom (1) of the ink. Returns its advance. */
double plot_text(cairo_t *cr, double x, double y, double ax, double ay, double size, int bold,
                 const char *s);

/* A round step giving about `want` intervals over range: 1, 2 or 5 times 10^k. */
double plot_nice_step(double range, int want);
/* Gridlines and labels along x (linear, steps at least min_step) and y. */
void plot_ticks_x(cairo_t *cr, const box *b, const axis *a, int want, double min_step);
void plot_ticks_y(cairo_t *cr, const box *b, const axis *a, int want);
void plot_frame(cairo_t *cr, const box *b);
/* The picture's title, bold, centred at (width / 2, y), size points or
 * smaller so that it fits; invalid UTF-8 shown as Latin-1. 0, or -2 when
 * memory ran short. title may be NULL. */
int plot_title(cairo_t *cr, const char *title, double width, double y, double size);

/* Draws the whole picture on cr (already painted white and scaled to
 * points); returns 0, -1 when a callback failed, -2 when memory ran short. */
typedef int (*plot_draw_fn)(cairo_t *cr, const void *ctx, double width);

/* Renders a width x height point picture drawn by draw into *out and *len:
 * PNG at dpi (0: MG_PLOT_DPI_DEFAULT, recorded in the file), SVG or PDF.
 * failed names what a draw of -1 means, for err. */
mg_status plot_render(double width, double height, mg_plot_format format, int dpi,
                      plot_draw_fn draw, const void *ctx, const char *failed,
                      unsigned char **out, size_t *len, mg_error *err);

#endif
