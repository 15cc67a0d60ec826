/* The gradient check (see micrograd/check.h): a private copy of the values
 * the root depends on (a tape), nudged one value at a time, with only what
 * depends on the nudged value recomputed, through the op table's formulas. */
#include <micrograd/check.h>

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "ops_formulas.h"

#define NOT_TRACED UINT32_MAX
/* The scaled step grows at most to this fraction of max(1, |x|). */
#define STEP_MAX_FRACTION 1e-2
/* A grown step makes the root's rounding at most this part of the tolerance. */
#define ROUNDING_SHARE 0.125

const char *mg_check_verdict_name(mg_check_verdict verdict)
{
    switch (verdict) {
    case MG_CHECK_OK: return "ok";
    case MG_CHECK_FAIL: return "FAIL";
    case MG_CHECK_KINK: return "kink";
    }
    return "?";
}

mg_check_options mg_check_options_default(void)
{
    return (mg_check_options){.values = MG_CHECK_LEAVES, .scheme = MG_CHECK_CENTRAL,
                              .h = 1e-6, .tol = 1e-6};
}

int mg_check_close(double a, double b, double tol)
{
    if (isnan(a) || isnan(b))
        return 0;
    if (isinf(a) || isinf(b))
        return a == b;
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= tol * scale;
}

void mg_check_report_free(mg_check_report *r)
{
    if (!r)
        return;
    free(r->results);
    *r = (mg_check_report){0};
}

/* ---- the tape ------------------------------------------------------------ */

/* The values root depends on, in creation order (operands first), as local
 * indices 0..n-1; the root is n-1. */
typedef struct tape {
    size_t n;
    uint8_t *op;
    uint32_t *a, *b;   /* local operands; for POW, b indexes exps */
    uint32_t *first_use, *last_use; /* the first and last value using each
                                     * (NOT_TRACED: none), to bound a nudge */
    double *exps;
    double *base;      /* the graph's data */
    double *work;      /* base, but for what a nudge changed */
    uint8_t *dirty;    /* 1 where work differs from base */
} tape;

static void tape_free(tape *t)
{
    free(t->op);
    free(t->a);
    free(t->b);
    free(t->first_use);
    free(t->last_use);
    free(t->exps);
    free(t->base);
    free(t->work);
    free(t->dirty);
}

static int tape_alloc(tape *t, size_t n)
{
    *t = (tape){.n = n};
    t->op = malloc(n);
    t->a = malloc(n * sizeof *t->a);
    t->b = malloc(n * sizeof *t->b);
    t->first_use = malloc(n * sizeof *t->first_use);
    t->last_use = malloc(n * sizeof *t->last_use);
    t->exps = malloc(n * sizeof *t->exps);
    t->base = malloc(n * sizeof *t->base);
    t->work = malloc(n * sizeof *t->work);
    t->dirty = calloc(n, 1);
    return t->op && t->a && t->b && t->first_use && t->last_use && t->exps && t->base && t->work && t->dirty;
}

/* Notes that value user uses value i (users come in increasing order). */
static void used_by(tape *t, uint32_t i, size_t user)
{
    if (t->first_use[i] == NOT_TRACED)
        t->first_use[i] = (uint32_t)user;
    t->last_use[i] = (uint32_t)user;
}

/* Copies the traced values of g into t; local[i] receives the local index of
 * graph index i (NOT_TRACED for values root does not depend on). */
static void tape_fill(tape *t, const mg_graph *g, const mg_value *trace, uint32_t *local)
{
    size_t exps = 0;
    for (size_t i = 0; i < t->n; i++) {
        mg_value v = trace[i];
        mg_op op = mg_value_op(g, v);
        local[v.index] = (uint32_t)i;
        t->op[i] = (uint8_t)op;
        t->base[i] = t->work[i] = mg_data(g, v);
        t->a[i] = t->b[i] = t->first_use[i] = t->last_use[i] = NOT_TRACED;
        if (op == MG_OP_LEAF)
            continue;
        t->a[i] = local[mg_operand(g, v, 0).index];
        used_by(t, t->a[i], i);
        if (op == MG_OP_POW) {
            t->exps[exps] = mg_pow_exponent(g, v);
            t->b[i] = (uint32_t)exps++;
        } else if (op_is_binary(op)) {
            t->b[i] = local[mg_operand(g, v, 1).index];
            used_by(t, t->b[i], i);
        }
    }
}

static int same_bits(double x, double y) { return memcmp(&x, &y, sizeof x) == 0; }

/* The root's data with value p at x instead of its own: only what depends on
 * p is recomputed, from p's first user to the last user of anything that
 * changed, and work is put back after. *kink is set to 1 if an op's operands
 * moved to another piece of its domain (op_piece). The tape's arrays are read
 * through local pointers: the stores into work cannot then be taken for
 * stores into the tape itself. */
static double nudged_root(tape *t, size_t p, double x, int *kink)
{
    const uint8_t *restrict op = t->op;
    const uint32_t *restrict ia = t->a, *restrict ib = t->b, *restrict last = t->last_use;
    const double *restrict base = t->base;
    double *restrict work = t->work;
    uint8_t *restrict dirty = t->dirty;
    const size_t n = t->n;
    work[p] = x;
    dirty[p] = 1;
    size_t reach = last[p], first = t->first_use[p];
    for (size_t i = first; reach != NOT_TRACED && i <= reach; i++) {
        const mg_op o = (mg_op)op[i];
        const int binary = op_is_binary(o);
        if (o == MG_OP_LEAF || !(dirty[ia[i]] || (binary && dirty[ib[i]])))
            continue;
        const double a = work[ia[i]];
        const double b = o == MG_OP_POW ? t->exps[ib[i]] : binary ? work[ib[i]] : 0.0;
        *kink |= op_piece(o, a, b) != op_piece(o, base[ia[i]], binary ? base[ib[i]] : b);
        const double y = op_forward(o, a, b);
        if (same_bits(y, base[i]))
            continue; /* nothing after it moves through this value */
        work[i] = y;
        dirty[i] = 1;
        if (last[i] != NOT_TRACED && last[i] > reach)
            reach = last[i];
    }
    const double root = work[n - 1];
    /* put back what may have changed: p, and first..reach */
    work[p] = base[p];
    dirty[p] = 0;
    if (first != NOT_TRACED) {
        size_t end = reach + 1 < n ? reach + 1 : n;
        memcpy(work + first, base + first, (end - first) * sizeof *work);
        memset(dirty + first, 0, end - first);
    }
    return root;
}

/* ---- one value ----------------------------------------------------------- */

/* A power of two within a factor sqrt(2) of s > 0. */
static double power_of_two(double s)
{
    int e;
    double m = frexp(s, &e);
    return ldexp(1.0, m >= 0.7071067811865476 ? e : e - 1);
}

/* The step for value p: h as given, or scaled to the value and, where the
 * root is large, raised until its rounding (an ulp or two of |root| over the
 * width of the difference) takes at most ROUNDING_SHARE of the tolerance. */
static double step_for(const tape *t, size_t p, double analytic, const mg_check_options *o)
{
    if (o->exact_step)
        return o->h;
    double scale = fmax(1.0, fabs(t->base[p]));
    double s = o->h * scale;
    double width = o->scheme == MG_CHECK_CENTRAL ? 2.0 : 1.0;
    double allowed = ROUNDING_SHARE * o->tol * fmax(1.0, fabs(analytic));
    double needed = 2.0 * DBL_EPSILON * fmax(1.0, fabs(t->base[t->n - 1])) / (width * allowed);
    if (isfinite(needed) && needed > s)
        s = fmax(s, fmin(needed, scale * STEP_MAX_FRACTION));
    return power_of_two(s);
}

/* Checks local value p against its analytic grad. */
static mg_check_result check_one(tape *t, size_t p, double analytic, const mg_check_options *o)
{
    double s = step_for(t, p, analytic, o);
    double x = t->base[p], f0 = t->base[t->n - 1];
    int central = o->scheme == MG_CHECK_CENTRAL, kink = 0;
    double up = x + s, down = central ? x - s : x;
    double fu = nudged_root(t, p, up, &kink);
    double fd = central ? nudged_root(t, p, down, &kink) : f0;
    /* The lecture's quotient divides by h as given; a scaled one by the step
     * the arguments actually moved, free of x + s's own rounding. */
    double width = o->exact_step ? (central ? 2.0 * s : s) : up - down;
    mg_check_result r = {.analytic = analytic, .numeric = (fu - fd) / width, .step = s};
    r.verdict = mg_check_close(analytic, r.numeric, o->tol) ? MG_CHECK_OK
                : kink                                       ? MG_CHECK_KINK
                                                             : MG_CHECK_FAIL;
    return r;
}

/* ---- the check ----------------------------------------------------------- */

static mg_status check_options(mg_graph *g, const mg_check_options *o, mg_error *err)
{
    if ((unsigned)o->values > MG_CHECK_ALL || (unsigned)o->scheme > MG_CHECK_FORWARD)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "mg_check: unknown values or scheme");
    if (!(isfinite(o->h) && o->h > 0) || !(isfinite(o->tol) && o->tol > 0))
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0,
                          "mg_check: h and tol must be finite and positive");
    if (o->only_count && !o->only)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "mg_check: only_count without only");
    return MG_OK;
}

/* Why v cannot be used with g, or MG_OK. */
static mg_status check_handle(mg_graph *g, mg_value v, const char *what, mg_error *err)
{
    if (!mg_value_ok(v))
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0,
                          "mg_check: %s is MG_NONE (the result of an earlier error)", what);
    mg_value here = mg_value_at(g, v.index);
    if (!mg_value_ok(here) || here.tag != v.tag)
        return fail_graph(g, err, MG_ERR_FOREIGN, 0, 0,
                          "mg_check: %s %u is not a value of this graph", what, (unsigned)v.index);
    return MG_OK;
}

/* The local indices to check, into list; returns how many, or -1 after an
 * error. t->dirty is scratch here (left all 0). */
static long pick(mg_graph *g, tape *t, const uint32_t *local, size_t root_index,
                 const mg_check_options *o, uint32_t *list, mg_error *err)
{
    size_t n = 0, count = o->only ? o->only_count : t->n;
    for (size_t j = 0; j < count; j++) {
        uint32_t i = (uint32_t)j;
        if (o->only) {
            if (check_handle(g, o->only[j], "a listed value", err) != MG_OK) {
                for (size_t k = 0; k < n; k++)
                    t->dirty[list[k]] = 0;
                return -1;
            }
            i = o->only[j].index <= root_index ? local[o->only[j].index] : NOT_TRACED;
            if (i == NOT_TRACED || t->dirty[i])
                continue;
        }
        if (o->values == MG_CHECK_LEAVES && t->op[i] != MG_OP_LEAF)
            continue;
        t->dirty[i] = 1;
        list[n++] = i;
    }
    for (size_t k = 0; k < n; k++)
        t->dirty[list[k]] = 0;
    return (long)n;
}

/* Backward from root, from zero grads, over what root depends on. */
static mg_status run_backward(mg_graph *g, mg_value root, const mg_value *trace, size_t n,
                              mg_error *err)
{
    for (size_t i = 0; i < n; i++)
        mg_set_grad(g, trace[i], 0.0);
    mg_status s = mg_backward(g, root);
    if (s != MG_OK)
        return mg_error_set(err, s, 0, 0, "%s", mg_graph_error(g));
    return MG_OK;
}

/* Checks every picked value; fills out. */
static void check_all(mg_graph *g, tape *t, const mg_value *trace, const uint32_t *list, size_t n,
                      const mg_check_options *o, mg_check_report *out)
{
    for (size_t k = 0; k < n; k++) {
        mg_check_result r = check_one(t, list[k], mg_grad(g, trace[list[k]]), o);
        r.value = trace[list[k]];
        out->failed += r.verdict == MG_CHECK_FAIL;
        out->kinks += r.verdict == MG_CHECK_KINK;
        out->results[k] = r;
        if (o->progress)
            o->progress(o->progress_ctx, k + 1, n);
    }
}

mg_status mg_check(mg_graph *g, mg_value root, const mg_check_options *options,
                   mg_check_report *out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = (mg_check_report){0};
    if (!g || !out)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "mg_check: no graph or no report");
    if (mg_graph_status(g) != MG_OK)
        return fail_in_error(g, err);
    mg_check_options o = options ? *options : mg_check_options_default();
    mg_status s = check_options(g, &o, err);
    if (s == MG_OK)
        s = check_handle(g, root, "the root", err);
    if (s != MG_OK)
        return s;
    size_t n = mg_trace(g, root, NULL, 0);
    mg_value *trace = malloc(n * sizeof *trace);
    uint32_t *local = malloc(((size_t)root.index + 1) * sizeof *local);
    uint32_t *list = malloc(n * sizeof *list);
    tape t;
    int ok = tape_alloc(&t, n) && trace && local && list;
    if (!ok) {
        s = fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory to check %zu values", n);
        goto done;
    }
    mg_trace(g, root, trace, n);
    memset(local, 0xff, ((size_t)root.index + 1) * sizeof *local); /* all NOT_TRACED */
    tape_fill(&t, g, trace, local);
    long picked = pick(g, &t, local, root.index, &o, list, err);
    if (picked < 0) {
        s = mg_graph_status(g);
        goto done;
    }
    out->results = malloc((size_t)picked * sizeof *out->results + 1);
    if (!out->results) {
        s = fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory for %ld results", picked);
        goto done;
    }
    if ((s = run_backward(g, root, trace, n, err)) != MG_OK)
        goto done;
    check_all(g, &t, trace, list, (size_t)picked, &o, out);
    out->count = (size_t)picked;
done:
    if (s != MG_OK)
        mg_check_report_free(out);
    tape_free(&t);
    free(trace);
    free(local);
    free(list);
    return s;
}

/* ---- one variable -------------------------------------------------------- */

/* Why root and x cannot be plotted as a function, or MG_OK. */
static mg_status check_variable(mg_graph *g, mg_value root, mg_value x, const char *call,
                                mg_error *err)
{
    if (!g)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "%s: no graph", call);
    if (mg_graph_status(g) != MG_OK)
        return fail_in_error(g, err);
    mg_status s = check_handle(g, root, "the root", err);
    if (s == MG_OK)
        s = check_handle(g, x, "the variable", err);
    if (s != MG_OK)
        return s;
    if (mg_value_op(g, x) != MG_OP_LEAF)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "%s: the variable is not a leaf", call);
    return MG_OK;
}

mg_status mg_check_slope(mg_graph *g, mg_value root, mg_value x, double at, double h,
                         mg_slope *out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = (mg_slope){0};
    mg_status s = check_variable(g, root, x, "mg_check_slope", err);
    if (s == MG_OK && !out)
        s = fail_graph(g, err, MG_ERR_INVALID, 0, 0, "mg_check_slope: no place for the slope");
    if (s != MG_OK)
        return s;
    mg_set_data(g, x, at);
    mg_forward(g);
    mg_check_options o = mg_check_options_default();
    o.scheme = MG_CHECK_FORWARD;
    o.h = h;
    o.exact_step = 1;
    o.only = &x;
    o.only_count = 1;
    mg_check_report r;
    if ((s = mg_check(g, root, &o, &r, err)) != MG_OK)
        return s;
    if (r.count == 1)
        *out = (mg_slope){.x = at, .y = mg_data(g, root), .analytic = r.results[0].analytic,
                          .numeric = r.results[0].numeric, .h = h};
    else
        s = fail_graph(g, err, MG_ERR_INVALID, 0, 0,
                       "mg_check_slope: the root does not depend on the variable");
    mg_check_report_free(&r);
    return s;
}

mg_status mg_check_sample(mg_graph *g, mg_value root, mg_value x, const double *xs, size_t n,
                          double *ys, mg_error *err)
{
    mg_error_clear(err);
    mg_status s = check_variable(g, root, x, "mg_check_sample", err);
    if (s == MG_OK && n && (!xs || !ys))
        s = fail_graph(g, err, MG_ERR_INVALID, 0, 0, "mg_check_sample: no points");
    if (s != MG_OK)
        return s;
    double kept = mg_data(g, x);
    for (size_t i = 0; i < n; i++) {
        mg_set_data(g, x, xs[i]);
        mg_forward(g);
        ys[i] = mg_data(g, root);
    }
    mg_set_data(g, x, kept);
    mg_forward(g);
    return MG_OK;
}
