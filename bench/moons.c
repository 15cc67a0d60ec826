/* micrograd's moons demo replayed through the library and on the yardstick:
 * the moons preset (MLP(2,[16,16,1]), ReLU hidden layers, linear output, SVM
 * max-margin loss plus 1e-4 L2, 100 steps of SGD at its decaying rate) from
 * the exact points and initial parameters of micrograd's notebook
 * (bench/data, embedded at build, read with the library's CSV reader). */
#include "bench.h"

#include <micrograd/csv.h>
#include <micrograd/nn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_data.h"
#include "yardstick.h"

#define STEPS 100
#define MAX_RUNS 64
/* The yardstick's layers fit in arrays of this width. */
#define YS_MAX_WIDTH 64

typedef struct moons_data {
    const mg_preset *preset;
    mg_dataset set;       /* moons100.csv: x0,x1,y */
    mg_table init;        /* moons_init.csv: one parameter a line */
} moons_data;

/* ---- the data ------------------------------------------------------------ */

/* Parses one embedded CSV file with the library's reader. */
static int load_table(const char *const *lines, const char *name, mg_table *t, char *err)
{
    size_t len;
    char *text = bench_join_lines(lines, &len);
    if (!text)
        return bench_fail(err, "moons: out of memory");
    mg_error e;
    mg_status s = mg_table_parse(text, len, t, &e);
    free(text);
    if (s != MG_OK)
        return bench_fail(err, "%s:%d:%d: %s", name, e.line, e.col, e.message);
    return 0;
}

static void moons_data_free(moons_data *d)
{
    mg_dataset_free(&d->set);
    mg_table_free(&d->init);
}

static int load_data(moons_data *d, char *err)
{
    *d = (moons_data){.preset = mg_preset_find("moons")};
    mg_table points;
    if (load_table(bench_moons_points_csv, "moons100.csv", &points, err))
        return -1;
    int status = 0;
    if (points.cols != 3 || points.rows != d->preset->points)
        status = bench_fail(err, "moons100.csv: %zu rows of %zu fields, not %zu of x0,x1,y",
                            points.rows, points.cols, d->preset->points);
    else if (mg_dataset_from_table(&d->set, &points) != MG_OK)
        status = bench_fail(err, "moons: out of memory");
    mg_table_free(&points);
    if (status == 0 && load_table(bench_moons_init_csv, "moons_init.csv", &d->init, err))
        status = -1;
    if (status == 0 && d->init.cols != 1)
        status = bench_fail(err, "moons_init.csv: %zu fields a line, not 1", d->init.cols);
    if (status)
        moons_data_free(d);
    return status;
}

/* ---- the demo through the library ---------------------------------------- */

/* The preset's network in g with micrograd's initial parameters. */
static mg_mlp *network(mg_graph *g, const moons_data *d, char *err)
{
    const mg_preset *p = d->preset;
    mg_mlp *m = NULL;
    mg_error e;
    if (mg_mlp_new(g, p->sizes, p->count, p->hidden, p->output, NULL, &m, &e) != MG_OK) {
        bench_fail(err, "moons: %s", e.message);
        return NULL;
    }
    if (mg_mlp_set_params(g, m, d->init.cells, d->init.rows) != MG_OK) {
        bench_fail(err, "moons_init.csv: %zu parameters, the network has %zu", d->init.rows,
                   mg_mlp_param_count(m));
        mg_mlp_free(m);
        return NULL;
    }
    return m;
}

/* One run of the demo; fills losses and step times. Returns 0 or -1. */
static int engine_train(const moons_data *d, double *losses, double *step_ns, bench_moons *m,
                        char *err)
{
    const mg_preset *p = d->preset;
    mg_graph *g = mg_graph_new();
    mg_mlp *net = g ? network(g, d, err) : NULL;
    if (!net) {
        mg_graph_free(g);
        return g ? -1 : bench_fail(err, "moons: out of memory");
    }
    /* the size of a step's graph: its loss built once, then dropped */
    mg_mark mark = mg_graph_mark(g);
    mg_mlp_loss(g, net, &d->set, p->loss, p->alpha, 0, NULL);
    m->values_per_step = mg_graph_size(g);
    mg_graph_reset(g, mark);
    int status = 0;
    for (int k = 0; k < STEPS && status == 0; k++) {
        double t0 = bench_now_ns();
        if (mg_mlp_train_step(g, net, &d->set, p->loss, p->alpha, mg_preset_lr(p, (size_t)k, STEPS),
                              0, &losses[k], &m->accuracy) != MG_OK)
            status = bench_fail(err, "moons: %s", mg_graph_error(g));
        step_ns[k] = bench_now_ns() - t0;
        if (k == 0)
            m->graph_bytes_first = mg_graph_bytes(g);
    }
    m->graph_bytes_last = mg_graph_bytes(g);
    mg_mlp_free(net);
    mg_graph_free(g);
    return status;
}

/* ---- the same network on the yardstick ----------------------------------- */

/* The forward pass of the preset's network; parameters are values 0.. in
 * micrograd's parameters() order. */
static uint32_t ys_mlp(ys_graph *t, const mg_preset *p, uint32_t x0, uint32_t x1)
{
    uint32_t in[YS_MAX_WIDTH] = {x0, x1}, out[YS_MAX_WIDTH] = {0};
    uint32_t w = 0;
    for (size_t l = 0; l + 1 < p->count; l++) {
        uint32_t nin = (uint32_t)p->sizes[l];
        for (size_t j = 0; j < p->sizes[l + 1]; j++, w += nin + 1) {
            uint32_t act = w + nin; /* micrograd's neuron: b + w0*x0 + w1*x1 + ... */
            for (uint32_t i = 0; i < nin; i++)
                act = ys_add(t, act, ys_mul(t, w + i, in[i]));
            out[j] = l + 2 < p->count ? ys_relu(t, act) : act;
        }
        memcpy(in, out, sizeof out);
    }
    return out[0];
}

/* The loss as the library builds it: every example's score, then the hinges
 * relu(1 + -y*score), their sum from the first term times 1/n, plus alpha
 * times the sum of p*p. UINT32_MAX when memory is short. */
static uint32_t ys_loss(ys_graph *t, const moons_data *d, uint32_t params)
{
    const mg_preset *p = d->preset;
    const size_t n = d->set.count;
    uint32_t *scores = malloc(n * sizeof *scores);
    if (!scores)
        return UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t x0 = ys_leaf(t, d->set.x[2 * i]), x1 = ys_leaf(t, d->set.x[2 * i + 1]);
        scores[i] = ys_mlp(t, p, x0, x1);
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t margin = ys_mul(t, ys_leaf(t, -d->set.y[i]), scores[i]);
        uint32_t hinge = ys_relu(t, ys_add(t, ys_leaf(t, 1.0), margin));
        sum = i ? ys_add(t, sum, hinge) : hinge;
    }
    free(scores);
    uint32_t data_loss = ys_mul(t, sum, ys_leaf(t, 1.0 / (double)n));
    uint32_t reg = 0;
    for (uint32_t i = 0; i < params; i++) {
        uint32_t sq = ys_mul(t, i, i);
        reg = i ? ys_add(t, reg, sq) : sq;
    }
    return ys_add(t, data_loss, ys_mul(t, reg, ys_leaf(t, p->alpha)));
}

static int yardstick_train(const moons_data *d, size_t capacity, double *losses, char *err)
{
    const mg_preset *p = d->preset;
    const uint32_t params = (uint32_t)d->init.rows;
    ys_graph t = {malloc(capacity * sizeof *t.n), 0};
    if (!t.n)
        return bench_fail(err, "moons: out of memory");
    for (uint32_t i = 0; i < params; i++)
        ys_leaf(&t, d->init.cells[i]);
    for (int k = 0; k < STEPS; k++) {
        t.count = params;
        for (uint32_t i = 0; i < params; i++)
            t.n[i].grad = 0.0;
        uint32_t loss = ys_loss(&t, d, params);
        if (loss == UINT32_MAX) {
            free(t.n);
            return bench_fail(err, "moons: out of memory");
        }
        ys_backward(&t, loss);
        double lr = mg_preset_lr(p, (size_t)k, STEPS);
        for (uint32_t i = 0; i < params; i++)
            t.n[i].data -= lr * t.n[i].grad;
        losses[k] = t.n[loss].data;
    }
    free(t.n);
    return 0;
}

/* ---- the figures --------------------------------------------------------- */

/* Times runs of both; fills m. */
static int time_runs(const moons_data *d, int runs, bench_moons *m, char *err)
{
    static double step_ns[MAX_RUNS * STEPS];
    double train[MAX_RUNS], yard[MAX_RUNS];
    double losses[STEPS], ylosses[STEPS];
    /* Warm-up of each, not counted; it also sizes the yardstick's array. */
    if (engine_train(d, losses, step_ns, m, err) ||
        yardstick_train(d, m->values_per_step, ylosses, err))
        return -1;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now_ns();
        if (engine_train(d, losses, step_ns + r * STEPS, m, err))
            return -1;
        double t1 = bench_now_ns();
        if (yardstick_train(d, m->values_per_step, ylosses, err))
            return -1;
        double t2 = bench_now_ns();
        train[r] = (t1 - t0) / 1e6;
        yard[r] = (t2 - t1) / 1e6;
        m->agree &= memcmp(losses, ylosses, sizeof losses) == 0;
    }
    m->train_ms = bench_median(train, (size_t)runs);
    m->yardstick_ms = bench_median(yard, (size_t)runs);
    m->step_ms = bench_median(step_ns, (size_t)runs * STEPS) / 1e6;
    m->loss_first = losses[0];
    m->loss_final = losses[STEPS - 1];
    return 0;
}

int bench_moons_run(int runs, bench_moons *m, char *err)
{
    if (runs < 1 || runs > MAX_RUNS)
        return bench_fail(err, "moons: runs must be 1..%d", MAX_RUNS);
    *m = (bench_moons){.steps = STEPS, .agree = 1};
    moons_data d;
    if (load_data(&d, err))
        return -1;
    for (size_t l = 0; l < d.preset->count; l++)
        if (d.preset->sizes[l] > YS_MAX_WIDTH) {
            moons_data_free(&d);
            return bench_fail(err, "moons: a layer wider than the yardstick's %d", YS_MAX_WIDTH);
        }
    int status = time_runs(&d, runs, m, err);
    moons_data_free(&d);
    return status;
}
