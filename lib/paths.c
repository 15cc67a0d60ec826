/* The chain rule along paths (see micrograd/paths.h): the values between the
 * target and the root, a count of the paths through each, then a depth-first
 * walk with an explicit stack that lists them. */
#include <micrograd/paths.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

struct mg_paths {
    size_t count, total;
    /* path i's values are values[start[i] .. start[i] + length[i]); entry j
     * also holds the edge from value j down to value j + 1 (the last entry of
     * a path has none: operand -1, local NaN) */
    size_t *start, *length;
    mg_value *values;
    int *operand;
    double *local, *product;
    size_t used, cap; /* entries of values, operand and local */
};

/* One place on the walk: a value and the next operand to try. */
typedef struct frame {
    mg_value v;
    int k;
} frame;

static size_t add_sat(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

/* MG_OK if v is a value of g, else why not, in err. */
static mg_status check_handle(const mg_graph *g, mg_value v, const char *what, mg_error *err)
{
    if (!mg_value_ok(v))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "mg_paths_find: the %s is MG_NONE (the result of an earlier error)",
                            what);
    mg_value same = mg_value_at(g, v.index);
    if (mg_value_ok(same) && same.tag == v.tag)
        return MG_OK;
    mg_value first = mg_value_at(g, 0);
    if (mg_value_ok(first) && first.tag == v.tag)
        return mg_error_set(err, MG_ERR_FOREIGN, 0, 0,
                            "mg_paths_find: the %s (value %u) no longer exists (dropped by a reset)",
                            what, v.index);
    return mg_error_set(err, MG_ERR_FOREIGN, 0, 0,
                        "mg_paths_find: the %s (value %u) belongs to another graph", what,
                        v.index);
}

/* counts[i - target] = the number of paths from value i down to the target,
 * for target <= i <= root (operands always precede their results). */
static void count_paths(const mg_graph *g, mg_value root, mg_value target, size_t *counts)
{
    counts[0] = 1;
    for (uint32_t i = target.index + 1; i <= root.index; i++) {
        mg_value v = mg_value_at(g, i);
        size_t n = 0;
        for (int k = 0; k < mg_op_arity(mg_value_op(g, v)); k++) {
            mg_value o = mg_operand(g, v, k);
            if (o.index >= target.index)
                n = add_sat(n, counts[o.index - target.index]);
        }
        counts[i - target.index] = n;
    }
}

/* Room for `more` entries; 0 if memory is short. */
static int reserve(mg_paths *p, size_t more)
{
    if (p->used + more <= p->cap)
        return 1;
    size_t cap = p->cap ? p->cap : 16;
    while (cap < p->used + more)
        cap *= 2;
    mg_value *values = realloc(p->values, cap * sizeof *values);
    if (values)
        p->values = values;
    int *operand = values ? realloc(p->operand, cap * sizeof *operand) : NULL;
    if (operand)
        p->operand = operand;
    double *local = operand ? realloc(p->local, cap * sizeof *local) : NULL;
    if (!local)
        return 0;
    p->local = local;
    p->cap = cap;
    return 1;
}

/* Appends the path on the stack (depth values) as path number p->count. */
static int record(mg_paths *p, const mg_graph *g, const frame *stack, size_t depth)
{
    if (!reserve(p, depth))
        return 0;
    size_t at = p->used, i = p->count;
    double product = 1.0;
    for (size_t j = 0; j < depth; j++) {
        p->values[at + j] = stack[j].v;
        p->operand[at + j] = j + 1 < depth ? stack[j].k - 1 : -1;
        p->local[at + j] =
            j + 1 < depth ? mg_value_local_grad(g, stack[j].v, stack[j].k - 1) : (double)NAN;
        if (j + 1 < depth)
            product = product * p->local[at + j];
    }
    p->start[i] = at;
    p->length[i] = depth;
    p->product[i] = product;
    p->used += depth;
    p->count++;
    return 1;
}

/* Walks from the root down every operand that leads to the target, listing
 * paths until max. 0 if memory is short. */
static int walk(mg_paths *p, const mg_graph *g, mg_value root, mg_value target,
                const size_t *counts, frame *stack, size_t max)
{
    size_t depth = 1;
    stack[0] = (frame){root, 0};
    while (depth > 0 && p->count < max) {
        frame *top = &stack[depth - 1];
        if (top->v.index == target.index) {
            if (!record(p, g, stack, depth))
                return 0;
            depth--;
        } else if (top->k < mg_op_arity(mg_value_op(g, top->v))) {
            mg_value o = mg_operand(g, top->v, top->k++);
            if (o.index >= target.index && counts[o.index - target.index] > 0)
                stack[depth++] = (frame){o, 0};
        } else {
            depth--;
        }
    }
    return 1;
}

mg_status mg_paths_find(const mg_graph *g, mg_value root, mg_value target, size_t max_paths,
                        mg_paths **out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    if (!g || !out)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "mg_paths_find: no graph or no place for the paths");
    mg_status s = check_handle(g, root, "root", err);
    if (s == MG_OK)
        s = check_handle(g, target, "target", err);
    if (s != MG_OK)
        return s;
    mg_paths *p = calloc(1, sizeof *p);
    if (!p)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "mg_paths_find: out of memory");
    if (target.index > root.index) { /* the root cannot depend on a later value */
        *out = p;
        return MG_OK;
    }
    size_t span = (size_t)root.index - target.index + 1;
    size_t *counts = malloc(span * sizeof *counts);
    frame *stack = malloc(span * sizeof *stack);
    int ok = counts && stack;
    if (ok) {
        count_paths(g, root, target, counts);
        p->total = counts[span - 1];
        size_t listed = p->total < max_paths ? p->total : max_paths;
        p->start = malloc((listed ? listed : 1) * sizeof *p->start);
        p->length = malloc((listed ? listed : 1) * sizeof *p->length);
        p->product = malloc((listed ? listed : 1) * sizeof *p->product);
        ok = p->start && p->length && p->product && walk(p, g, root, target, counts, stack, listed);
    }
    free(counts);
    free(stack);
    if (!ok) {
        mg_paths_free(p);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "mg_paths_find: out of memory");
    }
    *out = p;
    return MG_OK;
}

void mg_paths_free(mg_paths *p)
{
    if (!p)
        return;
    free(p->start);
    free(p->length);
    free(p->values);
    free(p->operand);
    free(p->local);
    free(p->product);
    free(p);
}

size_t mg_paths_count(const mg_paths *p) { return p ? p->count : 0; }
size_t mg_paths_total(const mg_paths *p) { return p ? p->total : 0; }
int mg_paths_truncated(const mg_paths *p) { return p && p->total > p->count; }

size_t mg_paths_length(const mg_paths *p, size_t i)
{
    return p && i < p->count ? p->length[i] : 0;
}

mg_value mg_paths_value(const mg_paths *p, size_t i, size_t j)
{
    return j < mg_paths_length(p, i) ? p->values[p->start[i] + j] : MG_NONE;
}

int mg_paths_operand(const mg_paths *p, size_t i, size_t j)
{
    return j + 1 < mg_paths_length(p, i) ? p->operand[p->start[i] + j] : -1;
}

double mg_paths_local_grad(const mg_paths *p, size_t i, size_t j)
{
    return j + 1 < mg_paths_length(p, i) ? p->local[p->start[i] + j] : (double)NAN;
}

double mg_paths_product(const mg_paths *p, size_t i)
{
    return p && i < p->count ? p->product[i] : (double)NAN;
}

double mg_paths_sum(const mg_paths *p)
{
    double sum = 0.0;
    for (size_t i = 0; p && i < p->count; i++)
        sum += p->product[i];
    return sum;
}
