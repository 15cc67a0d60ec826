/* The gradient check: every leaf's grad from backward against the central
 * difference of the root, (f(x + h) - f(x - h)) / 2h.
 *
 *     mg_value leaves[] = {a, b};
 *     mg_grad_check_result r[2];
 *     if (mg_grad_check(g, L, leaves, 2, 1e-6, 1e-6, r) != MG_OK)
 *         fprintf(stderr, "%s\n", mg_graph_error(g));
 *     else
 *         printf("%s: a %g vs %g\n", r[0].ok && r[1].ok ? "ok" : "FAILED",
 *                r[0].analytic, r[0].numeric);
 */
#ifndef MICROGRAD_CHECK_H
#define MICROGRAD_CHECK_H

#include <stddef.h>

#include <micrograd/engine.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mg_grad_check_result {
    double analytic; /* d root / d leaf, by mg_backward from zero grads */
    double numeric;  /* (root(x + h) - root(x - h)) / 2h, by mg_forward */
    int ok;          /* |analytic - numeric| <= tol * max(1, |analytic|, |numeric|);
                      * NaN never passes, an infinity passes only against itself */
} mg_grad_check_result;

/* Checks leaves[0..n) of g against root: zeroes every grad and runs backward
 * from root (those grads stay), then moves each leaf's data by +h and -h,
 * recomputing the graph with mg_forward each time, and puts it back (every op
 * value ends recomputed from the leaves). results[i] is for leaves[i].
 * Returns MG_OK, or records and returns MG_ERR_INVALID (h or tol not positive,
 * a value that is not a leaf, NULL leaves or results with n > 0) or the
 * graph's sticky error (a bad handle); then results are unspecified. */
MG_API mg_status mg_grad_check(mg_graph *g, mg_value root, const mg_value *leaves, size_t n,
                               double h, double tol, mg_grad_check_result *results);

#ifdef __cplusplus
}
#endif

#endif
