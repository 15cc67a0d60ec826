/* The chain and sum workloads: the engine API against the yardstick on the
 * same arithmetic, timed with a monotonic clock, medians of several runs. */
#include "bench.h"

#include <micrograd/engine.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "yardstick.h"

/* The chain's constants: k near 1 keeps data and grads normal (no denormals,
 * no overflow) over millions of links. */
#define CHAIN_Y0 1.0
#define CHAIN_K 0.9999
#define CHAIN_C 0.5

#define MAX_RUNS 64

static double clock_ns(clockid_t id)
{
    struct timespec t;
    if (clock_gettime(id, &t) != 0)
        clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

double bench_now_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

double bench_wall_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

char *bench_join_lines(const char *const *lines, size_t *len)
{
    size_t n = 0;
    for (const char *const *l = lines; *l; l++)
        n += strlen(*l) + 1;
    char *text = malloc(n + 1), *p = text;
    if (!text)
        return NULL;
    for (const char *const *l = lines; *l; l++) {
        size_t k = strlen(*l);
        memcpy(p, *l, k);
        p[k] = '\n';
        p += k + 1;
    }
    *p = '\0';
    *len = n;
    return text;
}

size_t bench_max_rss_bytes(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0;
    return (size_t)u.ru_maxrss * 1024u; /* Linux reports kilobytes */
}

int bench_fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, BENCH_ERR_SIZE, fmt, ap);
    va_end(ap);
    return -1;
}

static int engine_failed(char *err, const mg_graph *g, const char *what)
{
    return bench_fail(err, "%s: %s", what, g ? mg_graph_error(g) : "out of memory");
}

/* Bit-for-bit equality (the yardstick must do the engine's exact arithmetic). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- chain: y = y*k + c -------------------------------------------------- */

/* What a chain run computed: checked between engine and yardstick. */
typedef struct chain_out {
    double y, dy0, dk, dc;
} chain_out;

static size_t chain_links(size_t values)
{
    return values > 3 ? (values - 2) / 2 : 0; /* at least `values` values */
}

/* Builds and differentiates one chain after the mark of g (leaves y0, k, c are
 * values 0, 1, 2); returns elapsed ns, and the backward part in *backward_ns
 * unless it is NULL. */
static double chain_engine_once(mg_graph *g, mg_mark mark, size_t links, chain_out *o,
                                double *backward_ns)
{
    mg_graph_reset(g, mark);
    mg_zero_grad(g);
    mg_value y0 = mg_value_at(g, 0), k = mg_value_at(g, 1), c = mg_value_at(g, 2);
    double t0 = bench_now_ns();
    mg_value y = y0;
    for (size_t i = 0; i < links; i++)
        y = mg_add(g, mg_mul(g, y, k), c);
    double t1 = bench_now_ns();
    mg_backward(g, y);
    double t2 = bench_now_ns();
    *o = (chain_out){mg_data(g, y), mg_grad(g, y0), mg_grad(g, k), mg_grad(g, c)};
    if (backward_ns)
        *backward_ns = t2 - t1;
    return t2 - t0;
}

static double chain_yardstick_once(ys_graph *t, size_t links, chain_out *o)
{
    double t0 = bench_now_ns();
    t->count = 0;
    uint32_t y0 = ys_leaf(t, CHAIN_Y0), k = ys_leaf(t, CHAIN_K), c = ys_leaf(t, CHAIN_C);
    uint32_t y = y0;
    for (size_t i = 0; i < links; i++)
        y = ys_add(t, ys_mul(t, y, k), c);
    ys_backward(t, y);
    double ns = bench_now_ns() - t0;
    *o = (chain_out){t->n[y].data, t->n[y0].grad, t->n[k].grad, t->n[c].grad};
    return ns;
}

static int chain_same(const chain_out *a, const chain_out *b)
{
    return same(a->y, b->y) && same(a->dy0, b->dy0) && same(a->dk, b->dk) && same(a->dc, b->dc);
}

int bench_chain(size_t values, int runs, bench_pair *out, char *err)
{
    if (runs < 1 || runs > MAX_RUNS)
        return bench_fail(err, "runs must be 1..%d", MAX_RUNS);
    size_t links = chain_links(values);
    mg_graph *g = mg_graph_new();
    ys_graph t = {malloc((3 + 2 * links) * sizeof *t.n), 0};
    if (!g || !t.n) {
        mg_graph_free(g);
        free(t.n);
        return bench_fail(err, "chain: out of memory");
    }
    mg_leaf(g, CHAIN_Y0, NULL);
    mg_leaf(g, CHAIN_K, NULL);
    mg_leaf(g, CHAIN_C, NULL);
    mg_mark mark = mg_graph_mark(g);
    double e[MAX_RUNS], y[MAX_RUNS];
    chain_out eo, yo;
    chain_engine_once(g, mark, links, &eo, NULL); /* warm-up: grows the graph once */
    chain_yardstick_once(&t, links, &yo);
    out->agree = chain_same(&eo, &yo);
    for (int r = 0; r < runs; r++) {
        e[r] = chain_engine_once(g, mark, links, &eo, NULL);
        y[r] = chain_yardstick_once(&t, links, &yo);
        out->agree &= chain_same(&eo, &yo);
    }
    out->values = mg_graph_size(g);
    out->engine_ns = bench_median(e, (size_t)runs);
    out->yardstick_ns = bench_median(y, (size_t)runs);
    out->graph_bytes = mg_graph_bytes(g);
    int status = mg_graph_status(g) == MG_OK ? 0 : engine_failed(err, g, "chain");
    mg_graph_free(g);
    free(t.n);
    return status;
}

int bench_chain_big(size_t values, bench_big *out, char *err)
{
    size_t links = chain_links(values);
    mg_graph *g = mg_graph_new();
    if (!g)
        return bench_fail(err, "chain: out of memory");
    mg_leaf(g, CHAIN_Y0, NULL);
    mg_leaf(g, CHAIN_K, NULL);
    mg_leaf(g, CHAIN_C, NULL);
    mg_mark mark = mg_graph_mark(g);
    chain_out cold, warm;
    double backward;
    out->ms = chain_engine_once(g, mark, links, &cold, &backward) / 1e6;
    out->backward_ms = backward / 1e6;
    out->values = mg_graph_size(g);
    out->graph_bytes = mg_graph_bytes(g);
    out->warm_ms = chain_engine_once(g, mark, links, &warm, NULL) / 1e6;
    int status = 0;
    if (mg_graph_status(g) != MG_OK)
        status = engine_failed(err, g, "10M chain");
    else if (!(cold.dc > 0) || !chain_same(&cold, &warm))
        status = bench_fail(err, "10M chain: backward gave dc = %g, then %g", cold.dc, warm.dc);
    mg_graph_free(g);
    return status;
}

/* ---- sum of products: x_0*w_0 + x_1*w_1 + ... ---------------------------- */

typedef struct sum_out {
    double s, dx_first, dw_last;
} sum_out;

/* Exact, varied inputs: multiples of 1/8 and 1/16 in [-1, 1]. */
static double sum_x(size_t i) { return (double)(i % 17) * 0.125 - 1.0; }
static double sum_w(size_t i) { return (double)(i % 13) * 0.0625 - 0.375; }

static double sum_engine_once(mg_graph *g, const double *xs, const double *ws, size_t terms,
                              sum_out *o)
{
    mg_graph_reset(g, mg_graph_mark(NULL));
    double t0 = bench_now_ns();
    mg_value x0 = mg_leaf(g, xs[0], NULL), w = mg_leaf(g, ws[0], NULL);
    mg_value s = mg_mul(g, x0, w);
    for (size_t i = 1; i < terms; i++) {
        w = mg_leaf(g, ws[i], NULL);
        s = mg_add(g, s, mg_mul(g, mg_leaf(g, xs[i], NULL), w));
    }
    mg_backward(g, s);
    double ns = bench_now_ns() - t0;
    *o = (sum_out){mg_data(g, s), mg_grad(g, x0), mg_grad(g, w)};
    return ns;
}

static double sum_yardstick_once(ys_graph *t, const double *xs, const double *ws, size_t terms,
                                 sum_out *o)
{
    double t0 = bench_now_ns();
    t->count = 0;
    uint32_t x0 = ys_leaf(t, xs[0]), w = ys_leaf(t, ws[0]);
    uint32_t s = ys_mul(t, x0, w);
    for (size_t i = 1; i < terms; i++) {
        w = ys_leaf(t, ws[i]);
        s = ys_add(t, s, ys_mul(t, ys_leaf(t, xs[i]), w));
    }
    ys_backward(t, s);
    double ns = bench_now_ns() - t0;
    *o = (sum_out){t->n[s].data, t->n[x0].grad, t->n[w].grad};
    return ns;
}

static int sum_same(const sum_out *a, const sum_out *b)
{
    return same(a->s, b->s) && same(a->dx_first, b->dx_first) && same(a->dw_last, b->dw_last);
}

int bench_sum(size_t terms, int runs, bench_pair *out, char *err)
{
    if (runs < 1 || runs > MAX_RUNS || terms < 1)
        return bench_fail(err, "sum: runs must be 1..%d and terms >= 1", MAX_RUNS);
    mg_graph *g = mg_graph_new();
    double *xs = malloc(2 * terms * sizeof *xs);
    ys_graph t = {malloc(4 * terms * sizeof *t.n), 0};
    if (!g || !xs || !t.n) {
        mg_graph_free(g);
        free(xs);
        free(t.n);
        return bench_fail(err, "sum: out of memory");
    }
    double *ws = xs + terms;
    for (size_t i = 0; i < terms; i++) {
        xs[i] = sum_x(i);
        ws[i] = sum_w(i);
    }
    double e[MAX_RUNS], y[MAX_RUNS];
    sum_out eo, yo;
    sum_engine_once(g, xs, ws, terms, &eo);
    sum_yardstick_once(&t, xs, ws, terms, &yo);
    out->agree = sum_same(&eo, &yo);
    for (int r = 0; r < runs; r++) {
        e[r] = sum_engine_once(g, xs, ws, terms, &eo);
        y[r] = sum_yardstick_once(&t, xs, ws, terms, &yo);
        out->agree &= sum_same(&eo, &yo);
    }
    out->values = mg_graph_size(g);
    out->engine_ns = bench_median(e, (size_t)runs);
    out->yardstick_ns = bench_median(y, (size_t)runs);
    out->graph_bytes = mg_graph_bytes(g);
    int status = mg_graph_status(g) == MG_OK ? 0 : engine_failed(err, g, "sum");
    mg_graph_free(g);
    free(xs);
    free(t.n);
    return status;
}
