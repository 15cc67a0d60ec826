/* The micrograd_c extension (_core): the Value object, and what the module's
 * files call in one another. Everything here runs with the GIL held; the only
 * code that runs without it is a render of a private snapshot graph. */
#ifndef MGPY_CORE_H
#define MGPY_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#include <micrograd/engine.h>

/* Which numbers of a Value are Python ints: micrograd keeps the types Python
 * arithmetic gives (Value(2).data is 2, a fresh grad is 0, the root's grad
 * after backward is 1), and its repr shows them. The double holds the number. */
enum {
    MGPY_DATA_INT = 1,
    MGPY_GRAD_INT = 2,
    MGPY_EXPONENT_INT = 4 /* POW: the constant exponent is an int ('**2', not '**2.0') */
};

/* A Value: one scalar with its grad, the op that made it and strong references
 * to its operands, as micrograd's _prev. No reference cycle can go through
 * operands (a value only refers to older ones), so the type needs no GC. */
typedef struct mgpy_value {
    PyObject_HEAD
    double data;
    double grad;
    struct mgpy_value *a;          /* operand 0; NULL for a leaf */
    union {
        struct mgpy_value *b;      /* operand 1 of a two-operand op, else NULL */
        double exponent;           /* POW's constant exponent */
    } u;
    PyObject *label;               /* a str, or NULL for '' */
    uint64_t seq;                  /* creation order: operands come before results */
    union {
        uint64_t mark;             /* the traversal that last reached this value */
        struct mgpy_value *next;   /* the deallocation queue, once dead */
    } s;
    uint8_t op;                    /* mg_op */
    uint8_t role;                  /* mg_role */
    uint8_t flags;                 /* MGPY_*_INT */
} mgpy_value;

extern PyTypeObject mgpy_value_type;

static inline int mgpy_is_value(PyObject *o) { return PyObject_TypeCheck(o, &mgpy_value_type); }

/* The op table's arities, read once (module.c): the sweeps ask every value. */
extern uint8_t mgpy_arity[MG_OP_COUNT];

/* Operand 1 of v, or NULL when v has fewer than two value operands. */
static inline mgpy_value *mgpy_operand_b(const mgpy_value *v)
{
    return mgpy_arity[v->op] == 2 ? v->u.b : NULL;
}

/* module.c: readies type and adds it to module as name; 0, or -1 with an exception. */
int mgpy_add_type(PyObject *module, const char *name, PyTypeObject *type);

/* value.c */
/* A new leaf (role INPUT, CONST or PARAM); NULL with an exception. */
mgpy_value *mgpy_leaf(double data, int is_int, mg_role role);
/* Reads a Python real number (int, float, bool, numpy scalar, anything with
 * __index__ or __float__; not a Value): 1 and *x, *is_int; 0 when o is not a
 * number (no exception); -1 with an exception (an int too large for a double). */
int mgpy_as_number(PyObject *o, double *x, int *is_int);
/* The next traversal mark: values whose s.mark equals it have been reached. */
uint64_t mgpy_new_mark(void);

/* backward.c */
/* micrograd's backward from root: root.grad = 1, then each op value root
 * depends on adds its local chain rule to its operands' grads, in reverse
 * creation order. No recursion. 0, or -1 with MemoryError (no grad changed). */
int mgpy_backward(mgpy_value *root);
/* One value's local chain rule (micrograd's v._backward()). */
void mgpy_backward_local(mgpy_value *v);

/* A growable array of values (borrowed references). */
typedef struct mgpy_values {
    mgpy_value **items;
    size_t count, capacity;
} mgpy_values;
/* Appends v; 0, or -1 with MemoryError. */
int mgpy_values_push(mgpy_values *list, mgpy_value *v);
void mgpy_values_free(mgpy_values *list);
/* Every value the roots depend on (roots included) once, leaves too when
 * with_leaves, in no particular order. 0, or -1 with MemoryError. */
int mgpy_collect(mgpy_value *const *roots, size_t n, int with_leaves, mgpy_values *out);
/* Sorts by creation order, oldest first. 0, or -1 with MemoryError. */
int mgpy_sort_by_creation(mgpy_values *list);

/* nn.c: the neuron's weighted sum, sum((wi*xi for wi, xi in zip(w, x)), b). */
PyObject *mgpy_weighted_sum(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* snapshot.c and present.c: the types and functions of drawings, lessons and
 * gradient checks, added to the module; each 0, or -1 with an exception. */
int mgpy_snapshot_init_type(PyObject *module);
int mgpy_present_init(PyObject *module);
extern PyMethodDef mgpy_present_methods[];

/* Raises the Python exception for a library status, with its message. */
void mgpy_raise_status(mg_status status, const char *message);

#endif
