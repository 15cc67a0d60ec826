/* Private to the library: how the layers above the engine (parser, nn,
 * lesson) report a failure of a call that takes a graph. */
#ifndef MICROGRAD_FAIL_H
#define MICROGRAD_FAIL_H

#include <stdarg.h>

#include <micrograd/engine.h>
#include <micrograd/error.h>

/* Fills err (may be NULL) and records the same failure in g (may be NULL; the
 * graph keeps its first error), then returns status. */
mg_status fail_graph(mg_graph *g, mg_error *err, mg_status status, int line, int col,
                     const char *fmt, ...) MG_PRINTF(6, 7);
mg_status fail_graph_v(mg_graph *g, mg_error *err, mg_status status, int line, int col,
                       const char *fmt, va_list ap) MG_PRINTF(6, 0);

/* For a call refusing a graph already in error: fills err with the graph's
 * status ("the graph is in error: ...") and returns it. */
mg_status fail_in_error(const mg_graph *g, mg_error *err);

#endif
