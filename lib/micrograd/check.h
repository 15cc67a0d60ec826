/* The gradient check: every grad backward gives, against a finite difference
 * of the root, as the lecture checks dL/dd by nudging d and recomputing L.
 *
 *     mg_check_options o = mg_check_options_default();   // leaves, central, h 1e-6
 *     mg_check_report r;
 *     mg_error err;
 *     if (mg_check(g, L, &o, &r, &err) != MG_OK) {
 *         fprintf(stderr, "%s\n", err.message);
 *         return 1;
 *     }
 *     for (size_t i = 0; i < r.count; i++)
 *         printf("%s: analytic %g, numeric %g\n", mg_label(g, r.results[i].value, NULL),
 *                r.results[i].analytic, r.results[i].numeric);
 *     int ok = r.failed == 0;
 *     mg_check_report_free(&r);
 *
 * What is checked: the values root depends on (root included), the leaves
 * only (MG_CHECK_LEAVES) or every one (MG_CHECK_ALL), optionally only those of
 * a list the caller gives. Values root does not depend on are never listed.
 *
 * How: backward from root gives each analytic grad; for each checked value x
 * the root is recomputed with x moved by a step s, and only what depends on x
 * is recomputed (its data read from the graph, the graph itself untouched), so
 * each checked value costs at most one pass over the values after it:
 *   MG_CHECK_CENTRAL  (f(x + s) - f(x - s)) / 2s
 *   MG_CHECK_FORWARD  (f(x + s) - f(x)) / s, the lecture's nudge
 * The step: with exact_step, s = h for every value, and the quotient divides
 * by h itself (the lecture's numbers: h = 0.001 gives dL/dd = -2.000000000000668).
 * Otherwise s is scaled to the value, h * max(1, |x|); raised (up to
 * max(1, |x|) * 1e-2) where the root is so large that its rounding would
 * swamp the difference (a sum of thousands of leaves); and rounded to a power
 * of two, so that x + s is exact as often as possible; the quotient divides by
 * the step actually taken, (x + s) - (x - s) or (x + s) - x.
 *
 * A value passes when mg_check_close(analytic, numeric, tol). One that does
 * not is a kink (MG_CHECK_KINK: not differentiable there, not an error of
 * the grads) when the step moved the input of an op across the point where
 * the op is not differentiable (relu at 0), else a failure (MG_CHECK_FAIL).
 */
#ifndef MICROGRAD_CHECK_H
#define MICROGRAD_CHECK_H

#include <stddef.h>

#include <micrograd/engine.h>
#include <micrograd/error.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which values are checked. */
typedef enum mg_check_values {
    MG_CHECK_LEAVES = 0, /* the leaves root depends on */
    MG_CHECK_ALL = 1     /* every value root depends on, root included */
} mg_check_values;

/* Which finite difference. */
typedef enum mg_check_scheme {
    MG_CHECK_CENTRAL = 0, /* (f(x + s) - f(x - s)) / 2s */
    MG_CHECK_FORWARD = 1  /* (f(x + s) - f(x)) / s, as the lecture nudges */
} mg_check_scheme;

/* What the check found for one value. */
typedef enum mg_check_verdict {
    MG_CHECK_OK = 0,   /* analytic and numeric agree */
    MG_CHECK_FAIL = 1, /* they differ beyond the tolerance */
    MG_CHECK_KINK = 2  /* they differ because the root is not differentiable there */
} mg_check_verdict;

/* A stable word for a verdict: "ok", "FAIL", "kink"; "?" for anything else. */
MG_API const char *mg_check_verdict_name(mg_check_verdict verdict);

/* Called after each checked value with how many are done and how many there
 * are, for a progress bar. */
typedef void (*mg_check_progress)(void *ctx, size_t done, size_t total);

typedef struct mg_check_options {
    mg_check_values values;
    mg_check_scheme scheme;
    double h;                 /* the step (see above): finite, > 0 */
    int exact_step;           /* 1: s = h for every value; 0: scaled to each */
    double tol;               /* the relative tolerance: finite, > 0 */
    const mg_value *only;     /* NULL: every value of the graph; else only these
                               * (each once, in this order) */
    size_t only_count;
    mg_check_progress progress; /* may be NULL */
    void *progress_ctx;
} mg_check_options;

/* MG_CHECK_LEAVES, MG_CHECK_CENTRAL, h 1e-6 scaled, tol 1e-6, no list, no
 * progress. Can't fail. */
MG_API mg_check_options mg_check_options_default(void);

typedef struct mg_check_result {
    mg_value value;           /* the checked value */
    double analytic;          /* its grad after backward from root */
    double numeric;           /* the finite difference */
    double step;              /* the step s taken */
    mg_check_verdict verdict;
} mg_check_result;

typedef struct mg_check_report {
    size_t count;             /* checked values */
    mg_check_result *results; /* count of them, owned; creation order, or the
                               * order of options.only */
    size_t failed;            /* results with MG_CHECK_FAIL */
    size_t kinks;             /* results with MG_CHECK_KINK */
} mg_check_report;

/* Checks the grads of root in g (options NULL: the defaults). Sets the grads
 * of the values root depends on to what backward from zero gives (root's is
 * 1, the others' d root / d value); changes no data and no other grad.
 * Returns MG_OK and fills *out (free with mg_check_report_free), or fails with
 * *out empty and the reason in err (may be NULL) and in g: MG_ERR_INVALID (a
 * NULL g or out, a bad option, a root that is MG_NONE), MG_ERR_FOREIGN (a
 * root or listed value of another graph or dropped by a reset), MG_ERR_NOMEM,
 * or the status of a graph already in error. A grad that fails the check is
 * a result, not an error. */
MG_API mg_status mg_check(mg_graph *g, mg_value root, const mg_check_options *options,
                          mg_check_report *out, mg_error *err);
/* Frees what the report owns and empties it. NULL is a no-op. */
MG_API void mg_check_report_free(mg_check_report *r);

/* The check's comparison: 1 if |a - b| <= tol * max(1, |a|, |b|), 0 if not;
 * NaN agrees with nothing, an infinity only with itself. */
MG_API int mg_check_close(double a, double b, double tol);

/* ---- one variable: the lecture's opening ---------------------------------- */

/* A function of one leaf x at one point, as the lecture first nudges it:
 * f(x) = 3x**2 - 4x + 5 at x = 3 gives y 20, analytic 14 and, with h = 0.001,
 * numeric 14.00300000000243 (Python's float result, bit for bit). */
typedef struct mg_slope {
    double x;         /* the point */
    double y;         /* root there */
    double analytic;  /* d root / d x, by backward */
    double numeric;   /* (f(x + h) - f(x)) / h: mg_check's forward difference
                       * with the step h exactly */
    double h;
} mg_slope;

/* Sets leaf x's data to at, recomputes the graph (mg_forward), runs backward
 * from root and the forward difference of mg_check with step h, and fills
 * *out. The graph is left at x = at, with the grads of backward from root.
 * Returns MG_OK, or fails with *out zeroed and the reason in err and g:
 * MG_ERR_INVALID (NULL g or out, x not a leaf root depends on, h not finite
 * and positive), MG_ERR_FOREIGN (a handle of another graph), MG_ERR_NOMEM,
 * or the status of a graph already in error. */
MG_API mg_status mg_check_slope(mg_graph *g, mg_value root, mg_value x, double at, double h,
                                mg_slope *out, mg_error *err);

/* The curve of root as a function of leaf x: ys[i] = root recomputed
 * (mg_forward) with x's data xs[i], for i < n; a value that is not finite is
 * written as it comes. x's data and the graph's values are put back after.
 * Returns MG_OK, or fails as mg_check_slope (then ys is unspecified). */
MG_API mg_status mg_check_sample(mg_graph *g, mg_value root, mg_value x, const double *xs,
                                 size_t n, double *ys, mg_error *err);

#ifdef __cplusplus
}
#endif

#endif
