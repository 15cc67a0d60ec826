/* micrograd_c._core: the extension module. Value is re-exported by
 * micrograd_c.engine, the rest is used by micrograd_c's Python files. */
#include "core.h"

uint8_t mgpy_arity[MG_OP_COUNT];

static PyMethodDef core_methods[] = {
    {"_weighted_sum", (PyCFunction)(void (*)(void))mgpy_weighted_sum, METH_FASTCALL,
     "_weighted_sum(w, x, b): sum((wi*xi for wi, xi in zip(w, x)), b), micrograd's neuron."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "micrograd_c._core",
    .m_doc = "micrograd's Value in C, on the micrograd-c library; drawings and lessons.",
    .m_size = -1,
    .m_methods = core_methods,
};

PyMODINIT_FUNC PyInit__core(void);

PyMODINIT_FUNC PyInit__core(void)
{
    for (int op = 0; op < MG_OP_COUNT; op++)
        mgpy_arity[op] = (uint8_t)mg_op_arity((mg_op)op);
    if (mgpy_value_init_type() < 0)
        return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (!m)
        return NULL;
    Py_INCREF(&mgpy_value_type);
    if (PyModule_AddObject(m, "Value", (PyObject *)&mgpy_value_type) < 0) {
        Py_DECREF(&mgpy_value_type);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddFunctions(m, mgpy_present_methods) < 0 || mgpy_snapshot_init_type(m) < 0 ||
        mgpy_present_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
