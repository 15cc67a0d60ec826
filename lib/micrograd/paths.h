/* The chain rule along paths: every path from a root down to a value it
 * depends on, with the local derivative of each edge and their product. The
 * sum of the products over all paths is d root / d value, what backward
 * accumulates (a value used twice, as in b = a + a, has one path per use).
 *
 * A worked example (examples/L.mg: e = a*b, d = e + c, L = d * f):
 *
 *     mg_paths *p;
 *     mg_error err;
 *     if (mg_paths_find(g, L, a, 16, &p, &err) != MG_OK)
 *         fprintf(stderr, "%s\n", err.message);
 *     // one path, L -> d -> e -> a, edges dL/dd = f = -2, dd/de = 1, de/da = b = -3
 *     size_t n = mg_paths_length(p, 0);            // 4 values: L, d, e, a
 *     double g1 = mg_paths_local_grad(p, 0, 0);    // -2: d L / d d
 *     double prod = mg_paths_product(p, 0);        // (-2)·1·(-3) = 6
 *     double sum = mg_paths_sum(p);                // 6 = dL/da
 *     mg_paths_free(p);
 *
 * Each edge's local derivative comes from the op table (mg_op_local_grad, as
 * mg_value_local_grad reads it), on the graph's data at the time of the call.
 * A path's product is taken from the root down, ((1·l0)·l1)·…, as backward
 * multiplies a grad on its way down; the sum adds the paths in the order they
 * are listed. Paths are listed depth first, operand 0 before operand 1.
 */
#ifndef MICROGRAD_PATHS_H
#define MICROGRAD_PATHS_H

#include <stddef.h>

#include <micrograd/engine.h>
#include <micrograd/error.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mg_paths mg_paths;

/* Lists the paths from root to target in g, at most max_paths of them (and
 * counts them all). target == root gives one path of one value, product 1; a
 * target the root does not depend on gives none. On success returns MG_OK and
 * *out (free with mg_paths_free). On failure returns MG_ERR_INVALID (NULL g or
 * out, a root or target that is MG_NONE), MG_ERR_FOREIGN (a handle of another
 * graph or dropped by a reset) or MG_ERR_NOMEM, sets *out to NULL and says
 * why in err (may be NULL). The graph is only read. */
MG_API mg_status mg_paths_find(const mg_graph *g, mg_value root, mg_value target,
                               size_t max_paths, mg_paths **out, mg_error *err);
/* Frees the list. NULL is a no-op. */
MG_API void mg_paths_free(mg_paths *p);

/* Paths listed (at most max_paths), and how many there are in all (SIZE_MAX
 * if more than a size_t counts). */
MG_API size_t mg_paths_count(const mg_paths *p);
MG_API size_t mg_paths_total(const mg_paths *p);
/* 1 if there were more than max_paths paths (then the sum is of the listed
 * ones only, not d root / d target). */
MG_API int mg_paths_truncated(const mg_paths *p);

/* Number of values on path i (root first, target last), 0 for i out of range. */
MG_API size_t mg_paths_length(const mg_paths *p, size_t i);
/* Value j of path i (j = 0 the root), MG_NONE out of range. */
MG_API mg_value mg_paths_value(const mg_paths *p, size_t i, size_t j);
/* Edge j of path i goes from value j down to value j + 1, its operand number
 * mg_paths_operand (0 or 1; -1 out of range) with the local derivative
 * d value_j / d value_j+1 (NaN out of range). */
MG_API int mg_paths_operand(const mg_paths *p, size_t i, size_t j);
MG_API double mg_paths_local_grad(const mg_paths *p, size_t i, size_t j);
/* The product of path i's local derivatives (NaN out of range), and the sum of
 * every listed path's product (0 with no path). */
MG_API double mg_paths_product(const mg_paths *p, size_t i);
MG_API double mg_paths_sum(const mg_paths *p);

#ifdef __cplusplus
}
#endif

#endif
