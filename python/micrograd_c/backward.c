/* Backward over Python Values: the values a root depends on, found with an
 * explicit stack, put in creation order, and swept from the newest down, each
 * adding what the op table's mg_op_chain gives into its operands' grads. */
#include "core.h"

#include <stdlib.h>

/* ---- lists of values ----------------------------------------------------------- */

int mgpy_values_push(mgpy_values *list, mgpy_value *v)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 256;
        mgpy_value **items = PyMem_Realloc(list->items, capacity * sizeof *items);
        if (!items) {
            PyErr_NoMemory();
            return -1;
        }
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = v;
    return 0;
}

void mgpy_values_free(mgpy_values *list)
{
    PyMem_Free(list->items);
    *list = (mgpy_values){NULL, 0, 0};
}

/* Pushes v on the stack unless this traversal reached it already (or it is a
 * leaf and leaves are not wanted: backward has nothing to do for them). */
static int reach(mgpy_values *stack, mgpy_value *v, uint64_t mark, int with_leaves)
{
    if (v->s.mark == mark || (!with_leaves && v->op == MG_OP_LEAF))
        return 0;
    v->s.mark = mark;
    return mgpy_values_push(stack, v);
}

int mgpy_collect(mgpy_value *const *roots, size_t n, int with_leaves, mgpy_values *out)
{
    uint64_t mark = mgpy_new_mark();
    mgpy_values stack = {NULL, 0, 0};
    int status = 0;
    for (size_t i = 0; i < n && status == 0; i++)
        status = reach(&stack, roots[i], mark, 1);
    while (stack.count && status == 0) {
        mgpy_value *v = stack.items[--stack.count];
        if (v->op == MG_OP_LEAF) {
            if (with_leaves)
                status = mgpy_values_push(out, v);
            continue;
        }
        mgpy_value *b = mgpy_operand_b(v);
        status = mgpy_values_push(out, v);
        if (status == 0)
            status = reach(&stack, v->a, mark, with_leaves);
        if (status == 0 && b)
            status = reach(&stack, b, mark, with_leaves);
    }
    mgpy_values_free(&stack);
    return status;
}

/* ---- creation order -------------------------------------------------------------- */

static int by_seq(const void *x, const void *y)
{
    uint64_t a = (*(mgpy_value *const *)x)->seq, b = (*(mgpy_value *const *)y)->seq;
    return (a > b) - (a < b);
}

/* 1 if the list is in creation order, -1 if in reverse, 0 otherwise. */
static int direction(const mgpy_values *list)
{
    int up = 1, down = 1;
    for (size_t i = 1; i < list->count && (up || down); i++) {
        uint64_t prev = list->items[i - 1]->seq, cur = list->items[i]->seq;
        up &= prev < cur;
        down &= prev > cur;
    }
    return up ? 1 : down ? -1 : 0;
}

int mgpy_sort_by_creation(mgpy_values *list)
{
    size_t n = list->count;
    int dir = direction(list);
    if (dir != 0) {
        for (size_t i = 0; dir < 0 && i < n / 2; i++) {
            mgpy_value *t = list->items[i];
            list->items[i] = list->items[n - 1 - i];
            list->items[n - 1 - i] = t;
        }
        return 0;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t s = list->items[i]->seq;
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    /* A step's graph was made in one go: its creation numbers are nearly
     * contiguous, and placing each in its slot is linear. Else sort. */
    uint64_t span = hi - lo + 1;
    mgpy_value **slots = span <= 4 * (uint64_t)n + 1024 ? PyMem_Calloc(span, sizeof *slots) : NULL;
    if (!slots) {
        qsort(list->items, n, sizeof *list->items, by_seq);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        slots[list->items[i]->seq - lo] = list->items[i];
    for (size_t i = 0, k = 0; i < span; i++)
        if (slots[i])
            list->items[k++] = slots[i];
    PyMem_Free(slots);
    return 0;
}

/* ---- the chain rule ---------------------------------------------------------------- */

/* Whether micrograd's local derivative of operand k is a Python int (so that
 * an int grad times it stays an int): 1 for + and relu, the other operand of
 * *, k * a**(k-1) of ints with k >= 1. */
static int local_is_int(const mgpy_value *v, int k, const mgpy_value *b)
{
    const mgpy_value *a = v->a;
    int a_int = a->flags & MGPY_DATA_INT, b_int = b && (b->flags & MGPY_DATA_INT);
    switch ((mg_op)v->op) {
    case MG_OP_ADD:
    case MG_OP_RELU:
        return 1;
    case MG_OP_MUL:
        return k == 0 ? b_int : a_int;
    case MG_OP_POW:
        return a_int && (v->flags & MGPY_EXPONENT_INT) && v->u.exponent >= 1;
    case MG_OP_POWV:
        return k == 0 && a_int && b_int && b->data >= 1;
    case MG_OP_LEAF:
    case MG_OP_SUB:
    case MG_OP_DIV:
    case MG_OP_NEG:
    case MG_OP_EXP:
    case MG_OP_LOG:
    case MG_OP_TANH:
    case MG_OP_TANH_MICROGRAD:
    case MG_OP_SIGMOID:
    case MG_OP_COUNT:
        break;
    }
    return 0;
}

/* operand.grad += term, keeping the grad an int only if both were. */
static void accumulate(mgpy_value *operand, double term, int term_int)
{
    operand->grad += term;
    if (!term_int)
        operand->flags &= (uint8_t)~MGPY_GRAD_INT;
}

void mgpy_backward_local(mgpy_value *v)
{
    if (v->op == MG_OP_LEAF)
        return;
    mg_op op = (mg_op)v->op;
    mgpy_value *a = v->a, *b = mgpy_operand_b(v);
    double bx = b ? b->data : op == MG_OP_POW ? v->u.exponent : 0.0;
    int grad_int = v->flags & MGPY_GRAD_INT;
    accumulate(a, mg_op_chain(op, 0, a->data, bx, v->data, v->grad),
               grad_int && local_is_int(v, 0, b));
    if (b)
        accumulate(b, mg_op_chain(op, 1, a->data, bx, v->data, v->grad),
                   grad_int && local_is_int(v, 1, b));
}

int mgpy_backward(mgpy_value *root)
{
    mgpy_values ops = {NULL, 0, 0};
    if (mgpy_collect(&root, 1, 0, &ops) < 0 || mgpy_sort_by_creation(&ops) < 0) {
        mgpy_values_free(&ops);
        return -1;
    }
    /* micrograd: self.grad = 1, then every op value from the newest down. */
    root->grad = 1.0;
    root->flags |= MGPY_GRAD_INT;
    for (size_t i = ops.count; i-- > 0;)
        mgpy_backward_local(ops.items[i]);
    mgpy_values_free(&ops);
    return 0;
}
