/* The Value type: micrograd's Value in C. Every result is computed by the
 * library's op table (mg_op_forward), so a Value's numbers are the CLI's; the
 * Python operators build the graph micrograd's operators build (-b is b * -1,
 * a - b is a + (-b), a / b is a * b**-1), so the numbers are micrograd's too. */
#include "core.h"

#include <math.h>

/* Creation order and traversal marks, over the process; the GIL guards them. */
static uint64_t next_seq = 1;
static uint64_t last_mark = 0;

uint64_t mgpy_new_mark(void) { return ++last_mark; }

/* ---- numbers --------------------------------------------------------------- */

int mgpy_as_number(PyObject *o, double *x, int *is_int)
{
    if (PyFloat_Check(o)) {
        *x = PyFloat_AS_DOUBLE(o);
        *is_int = 0;
        return 1;
    }
    if (PyLong_Check(o)) {
        *x = PyLong_AsDouble(o);
        *is_int = 1;
        return *x == -1.0 && PyErr_Occurred() ? -1 : 1;
    }
    PyNumberMethods *nb = Py_TYPE(o)->tp_as_number;
    if (!nb || mgpy_is_value(o))
        return 0;
    if (nb->nb_index) { /* numpy's integers */
        PyObject *i = PyNumber_Index(o);
        if (i) {
            int r = mgpy_as_number(i, x, is_int);
            Py_DECREF(i);
            return r;
        }
        if (!PyErr_ExceptionMatches(PyExc_TypeError) || !nb->nb_float)
            return -1;
        PyErr_Clear(); /* a float array of size 1: try it as a float */
    }
    if (nb->nb_float) { /* numpy's other floats, Decimal, Fraction */
        *x = PyFloat_AsDouble(o);
        *is_int = 0;
        return *x == -1.0 && PyErr_Occurred() ? -1 : 1;
    }
    return 0;
}

/* mgpy_as_number for an operator's other operand: a TypeError (say a numpy
 * array that is not one number) means "not a number" too, so that Python tries
 * the other operand's reflected method. */
static int operand_number(PyObject *o, double *x, int *is_int)
{
    int r = mgpy_as_number(o, x, is_int);
    if (r < 0 && PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        return 0;
    }
    return r;
}

/* A number as Python holds it: an int when it was one (and is finite). */
static PyObject *number_object(double x, int is_int)
{
    return is_int && isfinite(x) ? PyLong_FromDouble(x) : PyFloat_FromDouble(x);
}

/* ---- making values ---------------------------------------------------------- */

mgpy_value *mgpy_leaf(double data, int is_int, mg_role role)
{
    mgpy_value *v = PyObject_New(mgpy_value, &mgpy_value_type);
    if (!v)
        return NULL;
    v->data = data;
    v->grad = 0.0;
    v->a = NULL;
    v->u.b = NULL;
    v->label = NULL;
    v->seq = next_seq++;
    v->s.mark = 0;
    v->op = MG_OP_LEAF;
    v->role = (uint8_t)role;
    v->flags = (uint8_t)(MGPY_GRAD_INT | (is_int ? MGPY_DATA_INT : 0));
    return v;
}

/* Whether micrograd's result is a Python int: + and * of ints, an int to a
 * non-negative int power, relu of an int or of a negative number (its 0). */
static int result_is_int(mg_op op, const mgpy_value *a, const mgpy_value *b, double k,
                         int k_int)
{
    int a_int = a->flags & MGPY_DATA_INT, b_int = b && (b->flags & MGPY_DATA_INT);
    if (op == MG_OP_ADD || op == MG_OP_MUL)
        return a_int && b_int;
    if (op == MG_OP_POW)
        return a_int && k_int && k >= 0;
    if (op == MG_OP_POWV)
        return a_int && b_int && b->data >= 0;
    if (op == MG_OP_RELU)
        return a_int || a->data < 0;
    return 0;
}

/* The value op makes of a (and b, a Value, or k, POW's exponent). New
 * reference, or NULL with MemoryError. */
static mgpy_value *make(mg_op op, mgpy_value *a, mgpy_value *b, double k, int k_int)
{
    mgpy_value *v = PyObject_New(mgpy_value, &mgpy_value_type);
    if (!v)
        return NULL;
    v->data = mg_op_forward(op, a->data, b ? b->data : k);
    v->grad = 0.0;
    Py_INCREF(a);
    v->a = a;
    if (op == MG_OP_POW) {
        v->u.exponent = k;
    } else {
        Py_XINCREF(b);
        v->u.b = b;
    }
    v->label = NULL;
    v->seq = next_seq++;
    v->s.mark = 0;
    v->op = (uint8_t)op;
    v->role = MG_ROLE_RESULT;
    v->flags = (uint8_t)(MGPY_GRAD_INT | (result_is_int(op, a, b, k, k_int) ? MGPY_DATA_INT : 0) |
                         (op == MG_OP_POW && k_int ? MGPY_EXPONENT_INT : 0));
    return v;
}

/* micrograd's `other if isinstance(other, Value) else Value(other)`: a new
 * reference to o, or a new CONST leaf for a number. NULL without an exception
 * when o is not a number (the operator returns NotImplemented). */
static mgpy_value *operand(PyObject *o)
{
    if (mgpy_is_value(o)) {
        Py_INCREF(o);
        return (mgpy_value *)o;
    }
    double x;
    int is_int;
    if (operand_number(o, &x, &is_int) <= 0)
        return NULL;
    return mgpy_leaf(x, is_int, MG_ROLE_CONST);
}

static PyObject *not_implemented(void)
{
    if (PyErr_Occurred())
        return NULL;
    Py_INCREF(Py_NotImplemented);
    return Py_NotImplemented;
}

/* self <op> other, as micrograd's __add__ and __mul__ build it. */
static PyObject *apply(mg_op op, PyObject *self, PyObject *other)
{
    mgpy_value *o = operand(other);
    if (!o)
        return not_implemented();
    PyObject *r = (PyObject *)make(op, (mgpy_value *)self, o, 0.0, 0);
    Py_DECREF(o);
    return r;
}

/* 1 if o is a number the operators take, 0 if not, -1 on error. */
static int is_number(PyObject *o)
{
    double x;
    int is_int;
    return operand_number(o, &x, &is_int);
}

/* ---- the operators ------------------------------------------------------------ */

/* __add__ and __radd__ (micrograd's __radd__ is self + other). */
static PyObject *value_add(PyObject *x, PyObject *y)
{
    return mgpy_is_value(x) ? apply(MG_OP_ADD, x, y) : apply(MG_OP_ADD, y, x);
}

static PyObject *value_mul(PyObject *x, PyObject *y)
{
    return mgpy_is_value(x) ? apply(MG_OP_MUL, x, y) : apply(MG_OP_MUL, y, x);
}

/* micrograd's __neg__: self * -1. */
static PyObject *value_neg(PyObject *x)
{
    PyObject *minus_one = PyLong_FromLong(-1);
    if (!minus_one)
        return NULL;
    PyObject *r = apply(MG_OP_MUL, x, minus_one);
    Py_DECREF(minus_one);
    return r;
}

/* self ** -1, the reciprocal micrograd's division multiplies by. */
static PyObject *reciprocal(PyObject *x)
{
    return (PyObject *)make(MG_OP_POW, (mgpy_value *)x, NULL, -1.0, 1);
}

/* a + b where b was made by a step that may have failed (NULL). */
static PyObject *then(mg_op op, PyObject *a, PyObject *b, int b_first)
{
    if (!b)
        return NULL;
    PyObject *r = b_first ? apply(op, b, a) : apply(op, a, b);
    Py_DECREF(b);
    return r;
}

/* __sub__: self + (-other), with Python's own negation of a number other;
 * __rsub__: other + (-self), which Python runs as (-self).__radd__(other). */
static PyObject *value_sub(PyObject *x, PyObject *y)
{
    int number = is_number(mgpy_is_value(x) ? y : x);
    if (number < 0)
        return NULL;
    if (!mgpy_is_value(x))
        return number ? then(MG_OP_ADD, x, value_neg(y), 1) : not_implemented();
    if (mgpy_is_value(y))
        return then(MG_OP_ADD, x, value_neg(y), 0);
    return number ? then(MG_OP_ADD, x, PyNumber_Negative(y), 0) : not_implemented();
}

/* Python's other ** -1 of a number (an int or a float: ZeroDivisionError for 0,
 * as micrograd gets). */
static PyObject *number_reciprocal(PyObject *y)
{
    PyObject *minus_one = PyLong_FromLong(-1);
    if (!minus_one)
        return NULL;
    PyObject *r = PyNumber_Power(y, minus_one, Py_None);
    Py_DECREF(minus_one);
    return r;
}

/* __truediv__: self * other**-1; __rtruediv__: other * self**-1, which Python
 * runs as (self**-1).__rmul__(other). */
static PyObject *value_truediv(PyObject *x, PyObject *y)
{
    int number = is_number(mgpy_is_value(x) ? y : x);
    if (number < 0)
        return NULL;
    if (!mgpy_is_value(x))
        return number ? then(MG_OP_MUL, x, reciprocal(y), 1) : not_implemented();
    if (mgpy_is_value(y))
        return then(MG_OP_MUL, x, reciprocal(y), 0);
    return number ? then(MG_OP_MUL, x, number_reciprocal(y), 0) : not_implemented();
}

/* self ** number (micrograd's __pow__), self ** Value, number ** self. */
static PyObject *value_pow(PyObject *x, PyObject *y, PyObject *z)
{
    if (z != Py_None)
        return not_implemented();
    if (!mgpy_is_value(x) || mgpy_is_value(y)) {
        mgpy_value *base = operand(x);
        if (!base)
            return not_implemented();
        PyObject *r = (PyObject *)make(MG_OP_POWV, base, (mgpy_value *)y, 0.0, 0);
        Py_DECREF(base);
        return r;
    }
    double k;
    int k_int;
    int number = operand_number(y, &k, &k_int);
    if (number <= 0)
        return not_implemented();
    return (PyObject *)make(MG_OP_POW, (mgpy_value *)x, NULL, k, k_int);
}

static PyNumberMethods value_as_number = {
    .nb_add = value_add,
    .nb_subtract = value_sub,
    .nb_multiply = value_mul,
    .nb_power = value_pow,
    .nb_negative = value_neg,
    .nb_true_divide = value_truediv,
};

/* ---- methods ------------------------------------------------------------------ */

#define UNARY_METHOD(name, op)                                                \
    static PyObject *value_##name(PyObject *self, PyObject *unused)           \
    {                                                                         \
        (void)unused;                                                         \
        return (PyObject *)make(op, (mgpy_value *)self, NULL, 0.0, 0);        \
    }
UNARY_METHOD(tanh, MG_OP_TANH)
UNARY_METHOD(exp, MG_OP_EXP)
UNARY_METHOD(relu, MG_OP_RELU)
UNARY_METHOD(log, MG_OP_LOG)
UNARY_METHOD(sigmoid, MG_OP_SIGMOID)
#undef UNARY_METHOD

static PyObject *value_backward(PyObject *self, PyObject *unused)
{
    (void)unused;
    if (mgpy_backward((mgpy_value *)self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *value_backward_local(PyObject *self, PyObject *unused)
{
    (void)unused;
    mgpy_backward_local((mgpy_value *)self);
    Py_RETURN_NONE;
}

/* ---- copies and pickles ------------------------------------------------------ */

/* __reduce__: (Value._restore, (type, data, grad, flags, label, role, op, a, b,
 * exponent), __dict__): copy.copy shares the operands, copy.deepcopy and
 * pickle copy them too (a copy of a model's parameters is independent). */
static PyObject *value_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    mgpy_value *v = (mgpy_value *)self;
    PyObject *restore = PyObject_GetAttrString((PyObject *)&mgpy_value_type, "_restore");
    if (!restore)
        return NULL;
    PyObject *b = (PyObject *)mgpy_operand_b(v);
    PyObject *state = PyObject_GenericGetDict(self, NULL);
    if (!state) { /* no __dict__: the Value itself, not a subclass */
        PyErr_Clear();
        Py_INCREF(Py_None);
        state = Py_None;
    }
    PyObject *r = Py_BuildValue("N(OddiOiiOOd)N", restore, (PyObject *)Py_TYPE(self), v->data,
                                v->grad, (int)v->flags, v->label ? v->label : Py_None,
                                (int)v->role, (int)v->op, v->a ? (PyObject *)v->a : Py_None,
                                b ? b : Py_None, v->op == MG_OP_POW ? v->u.exponent : 0.0, state);
    return r;
}

/* The operands of a restored value of op: 0, or -1 with an exception. */
static int restored_operands(int op, PyObject *a, PyObject *b)
{
    int arity = op >= 0 && op < MG_OP_COUNT ? mgpy_arity[op] : -1;
    int ok = arity == 0 ? a == Py_None && b == Py_None
             : arity == 1 ? mgpy_is_value(a) && b == Py_None
             : arity == 2 ? mgpy_is_value(a) && mgpy_is_value(b) : 0;
    if (!ok)
        PyErr_SetString(PyExc_ValueError, "not the state of a Value");
    return ok ? 0 : -1;
}

/* Value._restore(type, data, grad, flags, label, role, op, a, b, exponent). */
static PyObject *value_restore(PyObject *cls, PyObject *args)
{
    (void)cls;
    PyTypeObject *type;
    double data, grad, exponent;
    int flags, role, op;
    PyObject *label, *a, *b;
    if (!PyArg_ParseTuple(args, "O!ddiOiiOOd:_restore", &PyType_Type, &type, &data, &grad,
                          &flags, &label, &role, &op, &a, &b, &exponent))
        return NULL;
    if (!PyType_IsSubtype(type, &mgpy_value_type) || restored_operands(op, a, b) < 0 ||
        role < MG_ROLE_INPUT || role > MG_ROLE_RESULT || (role == MG_ROLE_RESULT) != (op != 0) ||
        (label != Py_None && !PyUnicode_Check(label))) {
        PyErr_SetString(PyExc_ValueError, "not the state of a Value");
        return NULL;
    }
    mgpy_value *v = (mgpy_value *)type->tp_alloc(type, 0);
    if (!v)
        return NULL;
    v->seq = next_seq++;
    v->data = data;
    v->grad = grad;
    v->flags = (uint8_t)(flags & (MGPY_DATA_INT | MGPY_GRAD_INT | MGPY_EXPONENT_INT));
    v->role = (uint8_t)role;
    v->op = (uint8_t)op;
    if (op != MG_OP_LEAF) {
        Py_INCREF(a);
        v->a = (mgpy_value *)a;
    }
    if (op == MG_OP_POW) {
        v->u.exponent = exponent;
    } else if (b != Py_None) {
        Py_INCREF(b);
        v->u.b = (mgpy_value *)b;
    }
    if (label != Py_None) {
        Py_INCREF(label);
        v->label = label;
    }
    return (PyObject *)v;
}

static PyMethodDef value_methods[] = {
    {"tanh", value_tanh, METH_NOARGS, "tanh(self): a new Value, the hyperbolic tangent."},
    {"exp", value_exp, METH_NOARGS, "exp(self): a new Value, e ** self."},
    {"relu", value_relu, METH_NOARGS, "relu(self): a new Value, 0 if self < 0 else self."},
    {"log", value_log, METH_NOARGS, "log(self): a new Value, the natural logarithm."},
    {"sigmoid", value_sigmoid, METH_NOARGS, "sigmoid(self): a new Value, 1 / (1 + exp(-self))."},
    {"backward", value_backward, METH_NOARGS,
     "backward(self): sets self.grad = 1 and adds d self / d v into the grad of every\n"
     "value v self depends on, in micrograd's order (no recursion: any depth works)."},
    {"_backward", value_backward_local, METH_NOARGS,
     "_backward(self): this value's local chain rule only: adds d self / d operand\n"
     "times self.grad into each operand's grad (a leaf does nothing)."},
    {"__reduce__", value_reduce, METH_NOARGS, "For copy and pickle."},
    {"_restore", value_restore, METH_VARARGS | METH_CLASS, "The inverse of __reduce__."},
    {NULL, NULL, 0, NULL},
};

/* ---- attributes ---------------------------------------------------------------- */

static PyObject *get_data(PyObject *self, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    return number_object(v->data, v->flags & MGPY_DATA_INT);
}

static PyObject *get_grad(PyObject *self, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    return number_object(v->grad, v->flags & MGPY_GRAD_INT);
}

/* Sets *x and the flag bit from a number; 0, or -1 with TypeError. */
static int set_number(PyObject *o, const char *what, double *x, uint8_t *flags, uint8_t bit)
{
    if (!o) {
        PyErr_Format(PyExc_TypeError, "cannot delete a Value's %s", what);
        return -1;
    }
    double d;
    int is_int;
    int r = mgpy_as_number(o, &d, &is_int);
    if (r <= 0) {
        if (r == 0)
            PyErr_Format(PyExc_TypeError, "a Value's %s must be a real number, not '%.200s'",
                         what, Py_TYPE(o)->tp_name);
        return -1;
    }
    *x = d;
    *flags = (uint8_t)(is_int ? *flags | bit : *flags & ~bit);
    return 0;
}

static int set_data(PyObject *self, PyObject *o, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    return set_number(o, "data", &v->data, &v->flags, MGPY_DATA_INT);
}

static int set_grad(PyObject *self, PyObject *o, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    return set_number(o, "grad", &v->grad, &v->flags, MGPY_GRAD_INT);
}

static PyObject *get_label(PyObject *self, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    if (!v->label)
        return PyUnicode_FromStringAndSize("", 0);
    Py_INCREF(v->label);
    return v->label;
}

static int set_label(PyObject *self, PyObject *o, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    if (o && !PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "a Value's label must be a str, not '%.200s'",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    Py_XINCREF(o);
    Py_XSETREF(v->label, o);
    return 0;
}

/* micrograd's _prev: the set of the operands. */
static PyObject *get_prev(PyObject *self, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    PyObject *set = PySet_New(NULL);
    mgpy_value *b = mgpy_operand_b(v);
    if (set && v->a && (PySet_Add(set, (PyObject *)v->a) < 0 ||
                        (b && PySet_Add(set, (PyObject *)b) < 0)))
        Py_CLEAR(set);
    return set;
}

/* micrograd's _op: '+', '*', '**2' (f'**{other}'), 'ReLU', and the lecture's
 * 'tanh', 'exp'; '' for a leaf. */
static PyObject *get_op(PyObject *self, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    if (v->op == MG_OP_POW) {
        PyObject *k = number_object(v->u.exponent, v->flags & MGPY_EXPONENT_INT);
        PyObject *r = k ? PyUnicode_FromFormat("**%S", k) : NULL;
        Py_XDECREF(k);
        return r;
    }
    return PyUnicode_FromString(v->op == MG_OP_RELU ? "ReLU" : mg_op_symbol((mg_op)v->op));
}

static const char *const role_names[] = {
    [MG_ROLE_INPUT] = "input",
    [MG_ROLE_CONST] = "const",
    [MG_ROLE_PARAM] = "param",
    [MG_ROLE_RESULT] = "result",
};

static PyObject *get_role(PyObject *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(role_names[((mgpy_value *)self)->role]);
}

/* Pictures style values by role: nn marks its weights 'param'. */
static int set_role(PyObject *self, PyObject *o, void *closure)
{
    (void)closure;
    mgpy_value *v = (mgpy_value *)self;
    for (int r = MG_ROLE_INPUT; o && PyUnicode_Check(o) && r <= MG_ROLE_PARAM; r++) {
        if (PyUnicode_CompareWithASCIIString(o, role_names[r]) == 0 && v->op == MG_OP_LEAF) {
            v->role = (uint8_t)r;
            return 0;
        }
    }
    PyErr_SetString(PyExc_ValueError, v->op == MG_OP_LEAF
                    ? "a leaf's _role is 'input', 'const' or 'param'"
                    : "a Value made by an op has the role 'result'");
    return -1;
}

static PyGetSetDef value_getset[] = {
    {"data", get_data, set_data, "the number (an int or a float, as micrograd keeps it)", NULL},
    {"grad", get_grad, set_grad, "d root / d self after root.backward(); 0 before", NULL},
    {"label", get_label, set_label, "a name for pictures and lessons ('' for none)", NULL},
    {"_prev", get_prev, NULL, "the set of the operands this value was made of", NULL},
    {"_op", get_op, NULL, "the op that made this value, as micrograd names it", NULL},
    {"_role", get_role, set_role, "'input', 'const', 'param' or 'result', for pictures", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ---- life ------------------------------------------------------------------------- */

static PyObject *value_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    mgpy_value *v = (mgpy_value *)type->tp_alloc(type, 0);
    if (!v)
        return NULL;
    v->seq = next_seq++;
    v->op = MG_OP_LEAF;
    v->role = MG_ROLE_INPUT;
    v->flags = MGPY_DATA_INT | MGPY_GRAD_INT;
    return (PyObject *)v;
}

/* Value(data, _children=(), _op='', label=''): micrograd's signature (the
 * lecture's label too). Values made by ops come from the operators, so
 * _children and _op must stay empty. */
static int value_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"data", "_children", "_op", "label", NULL};
    PyObject *data, *children = NULL, *op = NULL, *label = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOO:Value", keywords, &data, &children, &op,
                                     &label))
        return -1;
    mgpy_value *v = (mgpy_value *)self;
    Py_ssize_t nchildren = children ? PyObject_Length(children) : 0;
    if (nchildren < 0)
        return -1;
    if (nchildren || (op && (!PyUnicode_Check(op) || PyUnicode_GetLength(op))) ||
        v->op != MG_OP_LEAF) {
        PyErr_SetString(PyExc_TypeError,
                        "Value() makes a leaf: values with operands come from the operators "
                        "and methods (a + b, a.tanh(), ...)");
        return -1;
    }
    v->grad = 0.0;
    v->flags |= MGPY_GRAD_INT;
    if (set_number(data, "data", &v->data, &v->flags, MGPY_DATA_INT) < 0)
        return -1;
    return label && label != Py_None ? set_label(self, label, NULL) : 0;
}

/* Freeing: a value's last reference may hold the only reference to its
 * operands, and theirs to theirs: a chain of a million values would recurse a
 * million deep. Values that die while one is being freed wait in a queue. */
static mgpy_value *dead_queue;
static int freeing;

static void release(mgpy_value *v)
{
    mgpy_value *a = v->a, *b = mgpy_operand_b(v);
    PyObject *label = v->label;
    PyTypeObject *type = Py_TYPE(v);
    type->tp_free((PyObject *)v);
    if (type != &mgpy_value_type)
        Py_DECREF(type); /* held while queued, below */
    Py_XDECREF(label);
    Py_XDECREF(b);
    Py_XDECREF(a);
}

static void value_dealloc(PyObject *self)
{
    mgpy_value *v = (mgpy_value *)self;
    if (Py_TYPE(v) != &mgpy_value_type)
        Py_INCREF(Py_TYPE(v)); /* a subclass: keep its type alive until freed */
    if (freeing) {
        v->s.next = dead_queue;
        dead_queue = v;
        return;
    }
    freeing = 1;
    release(v);
    while (dead_queue) {
        v = dead_queue;
        dead_queue = v->s.next;
        release(v);
    }
    freeing = 0;
}

static PyObject *value_repr(PyObject *self)
{
    mgpy_value *v = (mgpy_value *)self;
    PyObject *data = number_object(v->data, v->flags & MGPY_DATA_INT);
    PyObject *grad = number_object(v->grad, v->flags & MGPY_GRAD_INT);
    PyObject *r = data && grad ? PyUnicode_FromFormat("Value(data=%S, grad=%S)", data, grad)
                               : NULL;
    Py_XDECREF(data);
    Py_XDECREF(grad);
    return r;
}

PyTypeObject mgpy_value_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micrograd_c.engine.Value",
    .tp_doc = "Value(data, label=''): a scalar and its gradient, as micrograd's Value.",
    .tp_basicsize = sizeof(mgpy_value),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = value_new,
    .tp_init = value_init,
    .tp_dealloc = value_dealloc,
    .tp_repr = value_repr,
    .tp_as_number = &value_as_number,
    .tp_methods = value_methods,
    .tp_getset = value_getset,
};
