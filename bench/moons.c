/* micrograd's moons demo replayed on the engine API and on the yardstick:
 * MLP(2,[16,16,1]), ReLU hidden layers, linear output, SVM max-margin loss
 * plus 1e-4 L2, 100 steps of SGD at 1.0 - 0.9*k/100, from the exact points and
 * initial parameters of micrograd's notebook (bench/data, embedded at build). */
#include "bench.h"

#include <micrograd/engine.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_data.h"
#include "yardstick.h"

#define POINTS 100
#define STEPS 100
#define PARAMS 337 /* 16*(2+1) + 16*(16+1) + 1*(16+1) */
#define HIDDEN 16
#define MAX_RUNS 64

static const int layer_in[3] = {2, HIDDEN, HIDDEN};
static const int layer_out[3] = {HIDDEN, HIDDEN, 1};

typedef struct moons_data {
    double x[POINTS][2];
    double y[POINTS];
    double init[PARAMS];
} moons_data;

/* ---- the data ------------------------------------------------------------ */

/* Reads one number that must end at one of `ends` (NUL ends a line); advances
 * *p past the separator. */
static int read_number(const char **p, const char *ends, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(*p, &end);
    if (end == *p || errno == ERANGE || !strchr(ends, *end))
        return 0;
    *p = *end ? end + 1 : end;
    return 1;
}

/* moons100.csv: the header x0,x1,y then one point a line. */
static int parse_points(const char *const *lines, moons_data *d, char *err)
{
    if (!lines[0] || strcmp(lines[0], "x0,x1,y") != 0)
        return bench_fail(err, "moons100.csv: expected the header 'x0,x1,y'");
    int i = 0;
    for (const char *const *line = lines + 1; *line; line++, i++) {
        const char *p = *line;
        if (i == POINTS)
            return bench_fail(err, "moons100.csv: more than %d points", POINTS);
        if (!read_number(&p, ",", &d->x[i][0]) || !read_number(&p, ",", &d->x[i][1]) ||
            !read_number(&p, "", &d->y[i]) || *p)
            return bench_fail(err, "moons100.csv:%d: not x0,x1,y", i + 2);
    }
    if (i != POINTS)
        return bench_fail(err, "moons100.csv: %d points, not %d", i, POINTS);
    return 0;
}

/* moons_init.csv: one parameter a line; '#' comments and blank lines skipped. */
static int parse_init(const char *const *lines, moons_data *d, char *err)
{
    int n = 0;
    for (int i = 0; lines[i]; i++) {
        const char *p = lines[i];
        if (*p == '#' || *p == '\0')
            continue;
        if (n == PARAMS)
            return bench_fail(err, "moons_init.csv: more than %d parameters", PARAMS);
        if (!read_number(&p, "", &d->init[n]) || *p)
            return bench_fail(err, "moons_init.csv:%d: not a number", i + 1);
        n++;
    }
    if (n != PARAMS)
        return bench_fail(err, "moons_init.csv: %d parameters, the network has %d", n, PARAMS);
    return 0;
}

/* ---- the network on the engine API --------------------------------------- */

/* micrograd's Neuron: sum((wi*xi ...), b), so b + w0*x0 + w1*x1 + ... */
static mg_value neuron(mg_graph *g, const mg_value *w, int nin, const mg_value *x, int relu)
{
    mg_value act = w[nin];
    for (int i = 0; i < nin; i++)
        act = mg_add(g, act, mg_mul(g, w[i], x[i]));
    return relu ? mg_relu(g, act) : act;
}

static mg_value mlp(mg_graph *g, const mg_value *params, mg_value x0, mg_value x1)
{
    mg_value in[HIDDEN] = {x0, x1}, out[HIDDEN] = {{0, 0}};
    const mg_value *w = params;
    for (int l = 0; l < 3; l++) {
        for (int j = 0; j < layer_out[l]; j++, w += layer_in[l] + 1)
            out[j] = neuron(g, w, layer_in[l], in, l < 2);
        memcpy(in, out, sizeof out);
    }
    return out[0];
}

/* micrograd's loss(): builds the whole forward pass in micrograd's order
 * (inputs, scores, hinge losses, their mean, then the L2 term). */
static mg_value engine_loss(mg_graph *g, const mg_value *params, const moons_data *d,
                            double *accuracy)
{
    mg_value inputs[POINTS][2], scores[POINTS];
    for (int i = 0; i < POINTS; i++) {
        inputs[i][0] = mg_leaf(g, d->x[i][0], NULL);
        inputs[i][1] = mg_leaf(g, d->x[i][1], NULL);
    }
    int right = 0;
    for (int i = 0; i < POINTS; i++) {
        scores[i] = mlp(g, params, inputs[i][0], inputs[i][1]);
        right += (d->y[i] > 0) == (mg_data(g, scores[i]) > 0);
    }
    mg_value sum = MG_NONE;
    for (int i = 0; i < POINTS; i++) {
        mg_value hinge = mg_relu(g, mg_add_vd(g, mg_mul_vd(g, scores[i], -d->y[i]), 1.0));
        sum = i ? mg_add(g, sum, hinge) : mg_add_vd(g, hinge, 0.0); /* sum() starts at 0 */
    }
    mg_value data_loss = mg_mul_vd(g, sum, 1.0 / POINTS);
    mg_value reg = MG_NONE;
    for (int i = 0; i < PARAMS; i++) {
        mg_value sq = mg_mul(g, params[i], params[i]);
        reg = i ? mg_add(g, reg, sq) : mg_add_vd(g, sq, 0.0);
    }
    *accuracy = (double)right / POINTS;
    return mg_add(g, data_loss, mg_mul_vd(g, reg, 1e-4));
}

/* One run of the demo; fills losses and step times. Returns 0 or -1. */
static int engine_train(const moons_data *d, double *losses, double *step_ns, bench_moons *m,
                        char *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return bench_fail(err, "moons: out of memory");
    mg_value params[PARAMS];
    for (int i = 0; i < PARAMS; i++)
        params[i] = mg_leaf_role(g, d->init[i], MG_ROLE_PARAM);
    mg_mark mark = mg_graph_mark(g);
    for (int k = 0; k < STEPS; k++) {
        double t0 = bench_now_ns();
        mg_graph_reset(g, mark);
        for (int i = 0; i < PARAMS; i++)
            mg_set_grad(g, params[i], 0.0);
        mg_value loss = engine_loss(g, params, d, &m->accuracy);
        mg_backward(g, loss);
        double lr = 1.0 - 0.9 * k / 100;
        for (int i = 0; i < PARAMS; i++)
            mg_set_data(g, params[i], mg_data(g, params[i]) - lr * mg_grad(g, params[i]));
        step_ns[k] = bench_now_ns() - t0;
        losses[k] = mg_data(g, loss);
        if (k == 0)
            m->graph_bytes_first = mg_graph_bytes(g);
    }
    m->values_per_step = mg_graph_size(g);
    m->graph_bytes_last = mg_graph_bytes(g);
    int status = mg_graph_status(g) == MG_OK ? 0 : bench_fail(err, "moons: %s", mg_graph_error(g));
    mg_graph_free(g);
    return status;
}

/* ---- the same network on the yardstick ----------------------------------- */

static uint32_t ys_mlp(ys_graph *t, uint32_t x0, uint32_t x1)
{
    uint32_t in[HIDDEN] = {x0, x1}, out[HIDDEN] = {0};
    uint32_t w = 0; /* parameters are values 0 .. PARAMS-1 */
    for (int l = 0; l < 3; l++) {
        for (int j = 0; j < layer_out[l]; j++, w += (uint32_t)layer_in[l] + 1) {
            uint32_t act = w + (uint32_t)layer_in[l];
            for (int i = 0; i < layer_in[l]; i++)
                act = ys_add(t, act, ys_mul(t, w + (uint32_t)i, in[i]));
            out[j] = l < 2 ? ys_relu(t, act) : act;
        }
        memcpy(in, out, sizeof out);
    }
    return out[0];
}

static uint32_t ys_loss(ys_graph *t, const moons_data *d)
{
    uint32_t inputs[POINTS][2], scores[POINTS];
    for (int i = 0; i < POINTS; i++) {
        inputs[i][0] = ys_leaf(t, d->x[i][0]);
        inputs[i][1] = ys_leaf(t, d->x[i][1]);
    }
    for (int i = 0; i < POINTS; i++)
        scores[i] = ys_mlp(t, inputs[i][0], inputs[i][1]);
    uint32_t sum = 0;
    for (int i = 0; i < POINTS; i++) {
        uint32_t m = ys_mul(t, scores[i], ys_leaf(t, -d->y[i]));
        uint32_t hinge = ys_relu(t, ys_add(t, m, ys_leaf(t, 1.0)));
        sum = i ? ys_add(t, sum, hinge) : ys_add(t, hinge, ys_leaf(t, 0.0));
    }
    uint32_t data_loss = ys_mul(t, sum, ys_leaf(t, 1.0 / POINTS));
    uint32_t reg = 0;
    for (uint32_t i = 0; i < PARAMS; i++) {
        uint32_t sq = ys_mul(t, i, i);
        reg = i ? ys_add(t, reg, sq) : ys_add(t, sq, ys_leaf(t, 0.0));
    }
    return ys_add(t, data_loss, ys_mul(t, reg, ys_leaf(t, 1e-4)));
}

static int yardstick_train(const moons_data *d, size_t capacity, double *losses, char *err)
{
    ys_graph t = {malloc(capacity * sizeof *t.n), 0};
    if (!t.n)
        return bench_fail(err, "moons: out of memory");
    for (int i = 0; i < PARAMS; i++)
        ys_leaf(&t, d->init[i]);
    for (int k = 0; k < STEPS; k++) {
        t.count = PARAMS;
        for (int i = 0; i < PARAMS; i++)
            t.n[i].grad = 0.0;
        uint32_t loss = ys_loss(&t, d);
        ys_backward(&t, loss);
        double lr = 1.0 - 0.9 * k / 100;
        for (int i = 0; i < PARAMS; i++)
            t.n[i].data -= lr * t.n[i].grad;
        losses[k] = t.n[loss].data;
    }
    free(t.n);
    return 0;
}

/* ---- the figures --------------------------------------------------------- */

int bench_moons_run(int runs, bench_moons *m, char *err)
{
    if (runs < 1 || runs > MAX_RUNS)
        return bench_fail(err, "moons: runs must be 1..%d", MAX_RUNS);
    moons_data d;
    if (parse_points(bench_moons_points_csv, &d, err) || parse_init(bench_moons_init_csv, &d, err))
        return -1;
    static double step_ns[MAX_RUNS * STEPS];
    double train[MAX_RUNS], yard[MAX_RUNS];
    double losses[STEPS], ylosses[STEPS];
    *m = (bench_moons){.steps = STEPS, .agree = 1};
    /* Warm-up of each, not counted; it also sizes the yardstick's array. */
    if (engine_train(&d, losses, step_ns, m, err) ||
        yardstick_train(&d, m->values_per_step, ylosses, err))
        return -1;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now_ns();
        if (engine_train(&d, losses, step_ns + r * STEPS, m, err))
            return -1;
        double t1 = bench_now_ns();
        if (yardstick_train(&d, m->values_per_step, ylosses, err))
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
