/* The neuron's hot loop in C: micrograd's
 *     sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
 * step for step (the same iterators pulled in the same order, the same
 * operators called on the same objects), so it builds the same graph in the
 * same creation order; only the generator and sum() overheads are gone. */
#include "core.h"

/* The next pair of zip(w, x), as zip pulls them (w first, then x): 1 with new
 * references, 0 when either is exhausted, -1 on error. */
static int next_pair(PyObject *it_w, PyObject *it_x, PyObject **wi, PyObject **xi)
{
    *wi = PyIter_Next(it_w);
    if (!*wi)
        return PyErr_Occurred() ? -1 : 0;
    *xi = PyIter_Next(it_x);
    if (!*xi) {
        Py_CLEAR(*wi);
        return PyErr_Occurred() ? -1 : 0;
    }
    return 1;
}

/* _weighted_sum(w, x, b): b + w[0]*x[0] + w[1]*x[1] + ..., left to right. */
PyObject *mgpy_weighted_sum(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "_weighted_sum(w, x, b) takes 3 arguments");
        return NULL;
    }
    PyObject *it_w = PyObject_GetIter(args[0]);
    PyObject *it_x = it_w ? PyObject_GetIter(args[1]) : NULL;
    PyObject *acc = args[2], *wi, *xi;
    Py_INCREF(acc);
    int more = it_x ? 1 : -1;
    while (more > 0 && (more = next_pair(it_w, it_x, &wi, &xi)) > 0) {
        PyObject *product = PyNumber_Multiply(wi, xi);
        PyObject *sum = product ? PyNumber_Add(acc, product) : NULL;
        Py_DECREF(wi);
        Py_DECREF(xi);
        Py_XDECREF(product);
        Py_SETREF(acc, sum);
        if (!acc)
            more = -1;
    }
    Py_XDECREF(it_w);
    Py_XDECREF(it_x);
    if (more < 0)
        Py_CLEAR(acc);
    return acc;
}
