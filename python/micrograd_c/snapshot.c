/* Snapshots: the Python values some roots depend on, copied into a library
 * graph (mg_graph) in creation order, with their data, grads, labels and
 * roles, so the viz and lesson modules draw and teach them as the CLI does. */
#include "snapshot.h"

#include <stdlib.h>

/* ---- copying values into a graph -------------------------------------------- */

/* The index of the value with creation number seq in the sorted list. */
static size_t index_of(const mgpy_values *sorted, uint64_t seq)
{
    size_t lo = 0, hi = sorted->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted->items[mid]->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static mg_value handle_of(mg_graph *g, const mgpy_values *sorted, const mgpy_value *v)
{
    return v ? mg_value_at(g, index_of(sorted, v->seq)) : MG_NONE;
}

/* Appends v to g (its operands are there already), as the library's own op
 * would make it, then gives it v's data, grad and label. */
static void copy_value(mg_graph *g, const mgpy_values *sorted, const mgpy_value *v)
{
    mg_op op = (mg_op)v->op;
    mg_value a = handle_of(g, sorted, v->a), b = handle_of(g, sorted, mgpy_operand_b(v)), h;
    if (op == MG_OP_LEAF)
        h = mg_leaf_role(g, v->data, (mg_role)v->role);
    else if (op == MG_OP_POW)
        h = mg_pow(g, a, v->u.exponent);
    else if (op == MG_OP_POWV)
        h = mg_pow_value(g, a, b);
    else if (mg_op_arity(op) == 2)
        h = mg_binary(g, op, a, b);
    else
        h = mg_unary(g, op, a);
    /* The stored numbers, not recomputed ones: a training loop changes leaves
     * after the forward pass, and the picture shows what Python holds. */
    mg_set_data(g, h, v->data);
    mg_set_grad(g, h, v->grad);
    Py_ssize_t len;
    const char *label = v->label ? PyUnicode_AsUTF8AndSize(v->label, &len) : NULL;
    if (label && len)
        mg_set_label_n(g, h, label, (size_t)len); /* a failure is the graph's error */
}

/* The roots of o: one Value, or an iterable of Values. New list, or NULL. */
static PyObject *roots_list(PyObject *o)
{
    if (mgpy_is_value(o)) {
        PyObject *list = PyList_New(1);
        if (list) {
            Py_INCREF(o);
            PyList_SET_ITEM(list, 0, o);
        }
        return list;
    }
    PyObject *list = PySequence_List(o);
    if (!list) {
        PyErr_Format(PyExc_TypeError, "a root must be a Value or a list of Values, not '%.200s'",
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *v = PyList_GET_ITEM(list, i);
        if (!mgpy_is_value(v)) {
            PyErr_Format(PyExc_TypeError, "a root must be a Value, not '%.200s'",
                         Py_TYPE(v)->tp_name);
            Py_DECREF(list);
            return NULL;
        }
    }
    if (PyList_GET_SIZE(list) == 0) {
        PyErr_SetString(PyExc_ValueError, "no root: give a Value");
        Py_CLEAR(list);
    }
    return list;
}

/* The values as a tuple, in graph order. */
static PyObject *values_tuple(const mgpy_values *sorted)
{
    PyObject *t = PyTuple_New((Py_ssize_t)sorted->count);
    for (size_t i = 0; t && i < sorted->count; i++) {
        Py_INCREF(sorted->items[i]);
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, (PyObject *)sorted->items[i]);
    }
    return t;
}

/* Fills c from the sorted values and the roots; 0, or -1 with an exception. */
static int fill(mgpy_copy *c, const mgpy_values *sorted, PyObject *roots, int keep_values)
{
    Py_ssize_t n = PyList_GET_SIZE(roots);
    c->g = mg_graph_new();
    c->roots = PyMem_Calloc((size_t)n, sizeof *c->roots);
    if (!c->g || !c->roots || mg_graph_reserve(c->g, sorted->count) != MG_OK) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < sorted->count; i++)
        copy_value(c->g, sorted, sorted->items[i]);
    if (PyErr_Occurred())
        return -1; /* a label that is not UTF-8 (a lone surrogate) */
    if (mg_graph_status(c->g) != MG_OK) {
        mgpy_raise_status(mg_graph_status(c->g), mg_graph_error(c->g));
        return -1;
    }
    c->nroots = (size_t)n;
    for (Py_ssize_t i = 0; i < n; i++)
        c->roots[i] = handle_of(c->g, sorted, (mgpy_value *)PyList_GET_ITEM(roots, i));
    c->values = keep_values ? values_tuple(sorted) : NULL;
    return keep_values && !c->values ? -1 : 0;
}

int mgpy_copy_make(PyObject *roots_arg, int keep_values, mgpy_copy *c)
{
    *c = (mgpy_copy){NULL, NULL, 0, NULL};
    PyObject *roots = roots_list(roots_arg);
    if (!roots)
        return -1;
    mgpy_values sorted = {NULL, 0, 0};
    int status = mgpy_collect((mgpy_value *const *)PySequence_Fast_ITEMS(roots),
                              (size_t)PyList_GET_SIZE(roots), 1, &sorted);
    if (status == 0)
        status = mgpy_sort_by_creation(&sorted);
    if (status == 0)
        status = fill(c, &sorted, roots, keep_values);
    mgpy_values_free(&sorted);
    Py_DECREF(roots);
    if (status < 0)
        mgpy_copy_free(c);
    return status;
}

void mgpy_copy_free(mgpy_copy *c)
{
    mg_graph_free(c->g);
    PyMem_Free(c->roots);
    Py_CLEAR(c->values);
    *c = (mgpy_copy){NULL, NULL, 0, NULL};
}

/* ---- the Snapshot type ------------------------------------------------------- */

static PyObject *snapshot_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"roots", "keep_values", NULL};
    PyObject *roots;
    int keep_values = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p:Snapshot", keywords, &roots, &keep_values))
        return NULL;
    mgpy_snapshot *s = (mgpy_snapshot *)type->tp_alloc(type, 0);
    if (s && mgpy_copy_make(roots, keep_values, &s->copy) < 0)
        Py_CLEAR(s);
    return (PyObject *)s;
}

static void snapshot_dealloc(PyObject *self)
{
    mgpy_copy_free(&((mgpy_snapshot *)self)->copy);
    Py_TYPE(self)->tp_free(self);
}

static Py_ssize_t snapshot_length(PyObject *self)
{
    return (Py_ssize_t)mg_graph_size(((mgpy_snapshot *)self)->copy.g);
}

static PyObject *snapshot_values(PyObject *self, void *closure)
{
    (void)closure;
    PyObject *v = ((mgpy_snapshot *)self)->copy.values;
    v = v ? v : Py_None;
    Py_INCREF(v);
    return v;
}

static PySequenceMethods snapshot_as_sequence = {.sq_length = snapshot_length};

static PyGetSetDef snapshot_getset[] = {
    {"values", snapshot_values, NULL, "the Values copied, in graph order (keep_values=True)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject mgpy_snapshot_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micrograd_c._core.Snapshot",
    .tp_doc = "Snapshot(roots, keep_values=False): the values roots depend on, copied into a\n"
              "library graph, as they are now (later changes to the Values do not show).",
    .tp_basicsize = sizeof(mgpy_snapshot),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = snapshot_new,
    .tp_dealloc = snapshot_dealloc,
    .tp_as_sequence = &snapshot_as_sequence,
    .tp_getset = snapshot_getset,
};

const mgpy_copy *mgpy_snapshot_copy(PyObject *o)
{
    if (!PyObject_TypeCheck(o, &mgpy_snapshot_type)) {
        PyErr_Format(PyExc_TypeError, "expected a Snapshot, not '%.200s'", Py_TYPE(o)->tp_name);
        return NULL;
    }
    return &((mgpy_snapshot *)o)->copy;
}

int mgpy_snapshot_init_type(PyObject *module)
{
    return mgpy_add_type(module, "Snapshot", &mgpy_snapshot_type);
}
