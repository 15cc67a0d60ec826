/* micrograd_c._core: the extension module. Value is re-exported by
 * micrograd_c.engine, the rest is used by micrograd_c's Python files. */
#include "core.h"

uint8_t mgpy_arity[MG_OP_COUNT];

int mgpy_add_type(PyObject *module, const char *name, PyTypeObject *type)
{
    if (PyType_Ready(type) < 0)
        return -1;
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

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
    PyObject *m = PyModule_Create(&core_module);
    if (!m)
        return NULL;
    if (mgpy_add_type(m, "Value", &mgpy_value_type) < 0 ||
        PyModule_AddFunctions(m, mgpy_present_methods) < 0 || mgpy_snapshot_init_type(m) < 0 ||
        mgpy_present_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
