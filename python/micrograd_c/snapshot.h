/* Snapshots (snapshot.c): Python values copied into a library graph, for the
 * viz and lesson modules (present.c). */
#ifndef MGPY_SNAPSHOT_H
#define MGPY_SNAPSHOT_H

#include "core.h"

/* A copy of the values some roots depend on: value i of g is the i-th oldest. */
typedef struct mgpy_copy {
    mg_graph *g;
    mg_value *roots;   /* the roots' handles in g */
    size_t nroots;
    PyObject *values;  /* the Values, a tuple in graph order, or NULL if not kept */
} mgpy_copy;

/* Copies what roots (a Value or an iterable of Values) depend on into a new
 * graph, keeping the Values themselves when asked. 0, or -1 with an exception
 * (then c holds nothing). Free with mgpy_copy_free. */
int mgpy_copy_make(PyObject *roots, int keep_values, mgpy_copy *c);
void mgpy_copy_free(mgpy_copy *c);

/* The Snapshot type: a copy that never changes, safe to render without the GIL. */
typedef struct mgpy_snapshot {
    PyObject_HEAD
    mgpy_copy copy;
} mgpy_snapshot;

/* The copy of a Snapshot, or NULL with TypeError when o is not one. */
const mgpy_copy *mgpy_snapshot_copy(PyObject *o);

#endif
