/* The neural-network library: MLP parameters as PARAM leaves made once, a
 * forward pass per example in micrograd's summation order, losses, SGD, the
 * data sets, and a training step that resets the graph to its mark. */
#include <micrograd/nn.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

/* A training step's graph, left after the graph's end by its reset so the next
 * step on the same data can bring it back and replay it (mg_graph_unreset,
 * mg_replay) instead of building it again: the same ops on the same numbers,
 * so the same bits. x and y are a copy of the data it was built from. */
typedef struct kept_step {
    int valid;
    mg_mark from, end;
    mg_value total;
    const mg_dataset *d;
    double *x, *y;
    size_t count, inputs, cap;
    mg_loss loss;
    double alpha;
    unsigned flags;
} kept_step;

struct mg_mlp {
    size_t layers;
    size_t *sizes;          /* layers + 1 */
    mg_activation *acts;    /* per layer */
    size_t *first;          /* per layer: index in params of its first neuron */
    size_t *group_of;       /* per layer: index in groups of its first neuron */
    size_t nparams;
    mg_value *params;       /* parameters() order */
    char *groups;           /* "layer L/neuron N" strings, GROUP_BYTES each */
    size_t width;           /* the largest size */
    mg_value *vbuf;         /* 2 * width handles: forward's layer in/out */
    double *dbuf;           /* 2 * width doubles: eval's layer in/out */
    mg_value *xbuf;         /* sizes[0] handles: one example's input leaves */
    mg_value *scores;       /* one output per example of the last loss */
    size_t scores_cap;
    kept_step kept;         /* the last training step's graph, to replay */
};

/* Room for "layer %zu/neuron %zu" with two 20-digit numbers. */
#define GROUP_BYTES 56

const char *mg_activation_name(mg_activation act)
{
    if (act == MG_ACT_LINEAR)
        return "linear";
    if (act == MG_ACT_TANH)
        return "tanh";
    if (act == MG_ACT_RELU)
        return "relu";
    return "?";
}

char *mg_mlp_describe(char *buf, size_t size, const size_t *sizes, size_t count)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (!sizes || count == 0)
        return buf;
    size_t k = (size_t)snprintf(buf, size, "MLP(%zu, [", sizes[0]);
    for (size_t i = 1; i < count && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, i > 1 ? ", %zu" : "%zu", sizes[i]);
    if (k < size)
        snprintf(buf + k, size - k, "])");
    return buf;
}

const char *mg_loss_name(mg_loss loss)
{
    if (loss == MG_LOSS_SSE)
        return "mse";
    if (loss == MG_LOSS_SVM)
        return "svm";
    return "?";
}

/* ---- building ------------------------------------------------------------- */

void mg_mlp_free(mg_mlp *m)
{
    if (!m)
        return;
    free(m->sizes);
    free(m->acts);
    free(m->first);
    free(m->group_of);
    free(m->params);
    free(m->groups);
    free(m->vbuf);
    free(m->dbuf);
    free(m->xbuf);
    free(m->scores);
    free(m->kept.x);
    free(m->kept.y);
    free(m);
}

/* Checks the shape and counts parameters and neurons; MG_OK or why not, in
 * err and in g. */
static mg_status check_shape(mg_graph *g, const size_t *sizes, size_t count,
                             mg_activation hidden, mg_activation output, size_t *nparams,
                             size_t *neurons, mg_error *err)
{
    if (!sizes || count < 2)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0,
                          "an MLP needs at least two sizes (inputs and outputs)");
    if ((unsigned)hidden > MG_ACT_RELU || (unsigned)output > MG_ACT_RELU)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "unknown activation %d",
                          (unsigned)hidden > MG_ACT_RELU ? (int)hidden : (int)output);
    *nparams = 0;
    *neurons = 0;
    for (size_t l = 0; l < count; l++) {
        if (sizes[l] == 0)
            return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "size %zu of the MLP is 0", l + 1);
        if (sizes[l] > MG_MLP_MAX_PARAMS)
            return fail_graph(g, err, MG_ERR_LIMIT, 0, 0,
                              "size %zu of the MLP is over the limit of %d", l + 1,
                              MG_MLP_MAX_PARAMS);
    }
    for (size_t l = 0; l + 1 < count; l++) {
        *nparams += (sizes[l] + 1) * sizes[l + 1];
        *neurons += sizes[l + 1];
        if (*nparams > MG_MLP_MAX_PARAMS)
            return fail_graph(g, err, MG_ERR_LIMIT, 0, 0,
                              "the MLP has more than %d parameters", MG_MLP_MAX_PARAMS);
    }
    return MG_OK;
}

/* Allocates the network's arrays for a checked shape; NULL when memory is short. */
static mg_mlp *alloc_mlp(const size_t *sizes, size_t count, size_t nparams, size_t neurons)
{
    mg_mlp *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->layers = count - 1;
    m->nparams = nparams;
    for (size_t l = 0; l < count; l++)
        if (sizes[l] > m->width)
            m->width = sizes[l];
    m->sizes = malloc(count * sizeof *m->sizes);
    m->acts = malloc(m->layers * sizeof *m->acts);
    m->first = malloc(m->layers * sizeof *m->first);
    m->group_of = malloc(m->layers * sizeof *m->group_of);
    m->params = malloc(nparams * sizeof *m->params);
    m->groups = malloc(neurons * GROUP_BYTES);
    m->vbuf = malloc(2 * m->width * sizeof *m->vbuf);
    m->dbuf = malloc(2 * m->width * sizeof *m->dbuf);
    m->xbuf = malloc(sizes[0] * sizeof *m->xbuf);
    if (!m->sizes || !m->acts || !m->first || !m->group_of || !m->params || !m->groups ||
        !m->vbuf || !m->dbuf || !m->xbuf) {
        mg_mlp_free(m);
        return NULL;
    }
    memcpy(m->sizes, sizes, count * sizeof *sizes);
    return m;
}

/* Makes one parameter leaf with its label and group. */
static mg_value make_param(mg_graph *g, double data, const char *label, const char *group)
{
    mg_value p = mg_leaf_role(g, data, MG_ROLE_PARAM);
    if (!mg_value_ok(p) || mg_set_label(g, p, label) != MG_OK ||
        mg_set_group(g, p, group) != MG_OK)
        return MG_NONE;
    return p;
}

/* Makes every parameter in micrograd's order; MG_OK, or the status the
 * engine recorded. */
static mg_status make_params(mg_graph *g, mg_mlp *m, mg_rng *rng)
{
    size_t k = 0, neuron = 0;
    char label[32];
    for (size_t l = 0; l < m->layers; l++) {
        size_t nin = m->sizes[l];
        m->first[l] = k;
        m->group_of[l] = neuron;
        for (size_t j = 0; j < m->sizes[l + 1]; j++, neuron++) {
            char *group = m->groups + neuron * GROUP_BYTES;
            snprintf(group, GROUP_BYTES, "layer %zu/neuron %zu", l + 1, j + 1);
            for (size_t i = 0; i < nin; i++) {
                double w = rng ? mg_rng_range(rng, -1.0, 1.0) : 0.0;
                snprintf(label, sizeof label, "w%zu", i + 1);
                if (!mg_value_ok(m->params[k++] = make_param(g, w, label, group)))
                    return mg_graph_status(g);
            }
            if (!mg_value_ok(m->params[k++] = make_param(g, 0.0, "b", group)))
                return mg_graph_status(g);
        }
    }
    return MG_OK;
}

mg_status mg_mlp_new(mg_graph *g, const size_t *sizes, size_t count, mg_activation hidden,
                     mg_activation output, mg_rng *rng, mg_mlp **out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    if (!g || !out)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0,
                          "mg_mlp_new: no graph or no place for the MLP");
    if (mg_graph_status(g) != MG_OK)
        return fail_in_error(g, err);
    size_t nparams = 0, neurons = 0;
    mg_status s = check_shape(g, sizes, count, hidden, output, &nparams, &neurons, err);
    if (s != MG_OK)
        return s;
    mg_mlp *m = alloc_mlp(sizes, count, nparams, neurons);
    if (!m)
        return fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t l = 0; l < m->layers; l++)
        m->acts[l] = l + 1 == m->layers ? output : hidden;
    s = mg_graph_reserve(g, mg_graph_size(g) + nparams);
    if (s == MG_OK)
        s = make_params(g, m, rng);
    if (s != MG_OK) {
        mg_mlp_free(m);
        /* the engine recorded why: its message is the graph's first error */
        return mg_error_set(err, s, 0, 0, "%s", mg_graph_error(g));
    }
    *out = m;
    return MG_OK;
}

/* ---- shape and parameters ------------------------------------------------- */

/* 1 if m's parameters are values of g: they were made together, so checking
 * the last one is enough (a reset below it or another graph fails). */
static int owns(const mg_graph *g, const mg_mlp *m)
{
    mg_value last = m->params[m->nparams - 1];
    mg_value here = mg_value_at(g, last.index);
    return mg_value_ok(here) && here.tag == last.tag;
}

size_t mg_mlp_layers(const mg_mlp *m) { return m ? m->layers : 0; }

size_t mg_mlp_size(const mg_mlp *m, size_t i)
{
    return m && i <= m->layers ? m->sizes[i] : 0;
}

mg_activation mg_mlp_activation(const mg_mlp *m, size_t layer)
{
    return m && layer < m->layers ? m->acts[layer] : MG_ACT_LINEAR;
}

size_t mg_mlp_param_count(const mg_mlp *m) { return m ? m->nparams : 0; }

const mg_value *mg_mlp_params(const mg_mlp *m) { return m ? m->params : NULL; }

mg_value mg_mlp_weight(const mg_mlp *m, size_t layer, size_t neuron, size_t i)
{
    if (!m || layer >= m->layers || neuron >= m->sizes[layer + 1] || i >= m->sizes[layer])
        return MG_NONE;
    return m->params[m->first[layer] + neuron * (m->sizes[layer] + 1) + i];
}

mg_value mg_mlp_bias(const mg_mlp *m, size_t layer, size_t neuron)
{
    if (!m || layer >= m->layers || neuron >= m->sizes[layer + 1])
        return MG_NONE;
    size_t nin = m->sizes[layer];
    return m->params[m->first[layer] + neuron * (nin + 1) + nin];
}

const char *mg_mlp_group(const mg_mlp *m, size_t layer, size_t neuron)
{
    if (!m || layer >= m->layers || neuron >= m->sizes[layer + 1])
        return NULL;
    return m->groups + (m->group_of[layer] + neuron) * GROUP_BYTES;
}

mg_status mg_mlp_set_params(mg_graph *g, const mg_mlp *m, const double *values, size_t n)
{
    if (!g || !m || (n && !values))
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0,
                          "mg_mlp_set_params: no network or no values");
    if (n != m->nparams)
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0,
                          "mg_mlp_set_params: %zu values for %zu parameters", n, m->nparams);
    if (!owns(g, m))
        return fail_graph(g, NULL, MG_ERR_FOREIGN, 0, 0,
                          "mg_mlp_set_params: the network's parameters are not in this graph");
    for (size_t k = 0; k < n; k++)
        mg_set_data(g, m->params[k], values[k]);
    return MG_OK;
}

void mg_mlp_zero_grad(mg_graph *g, const mg_mlp *m)
{
    if (!m) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_mlp_zero_grad: no network");
        return;
    }
    for (size_t k = 0; k < m->nparams; k++)
        mg_set_grad(g, m->params[k], 0.0);
}

void mg_mlp_sgd(mg_graph *g, const mg_mlp *m, double lr)
{
    if (!m) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_mlp_sgd: no network");
        return;
    }
    for (size_t k = 0; k < m->nparams; k++) {
        mg_value p = m->params[k];
        mg_set_data(g, p, mg_data(g, p) - lr * mg_grad(g, p));
    }
}

/* ---- forward and evaluation ------------------------------------------------- */

static mg_value activate(mg_graph *g, mg_activation act, mg_value x)
{
    if (act == MG_ACT_TANH)
        return mg_tanh(g, x);
    if (act == MG_ACT_RELU)
        return mg_relu(g, x);
    return x;
}

/* One neuron: act = b; act = act + w_i*x_i for each i in order; nonlinearity.
 * w points at the neuron's parameters (nin weights then the bias). */
static mg_value neuron_forward(mg_graph *g, const mg_value *w, size_t nin, const mg_value *x,
                               mg_activation act, const char *group)
{
    mg_value sum = w[nin];
    for (size_t i = 0; i < nin; i++) {
        mg_value prod = mg_mul(g, w[i], x[i]);
        sum = mg_add(g, sum, prod);
        if (group) {
            mg_set_group(g, prod, group);
            mg_set_group(g, sum, group);
        }
    }
    mg_value out = activate(g, act, sum);
    if (group && act != MG_ACT_LINEAR)
        mg_set_group(g, out, group);
    return out;
}

mg_status mg_mlp_forward(mg_graph *g, mg_mlp *m, const mg_value *x, mg_value *out,
                         unsigned flags)
{
    if (!g || !m || !x || !out)
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0,
                          "mg_mlp_forward: no network, no inputs or no outputs");
    const mg_value *in = x;
    for (size_t l = 0; l < m->layers; l++) {
        size_t nin = m->sizes[l], nout = m->sizes[l + 1];
        /* The last layer writes to out; others alternate between two buffers. */
        mg_value *dst = l + 1 == m->layers ? out : m->vbuf + (l % 2) * m->width;
        const mg_value *w = m->params + m->first[l];
        for (size_t j = 0; j < nout; j++, w += nin + 1) {
            const char *group = flags & MG_NN_ANNOTATE ? mg_mlp_group(m, l, j) : NULL;
            dst[j] = neuron_forward(g, w, nin, in, m->acts[l], group);
        }
        in = dst;
    }
    mg_status s = mg_graph_status(g);
    if (s != MG_OK)
        for (size_t j = 0; j < m->sizes[m->layers]; j++)
            out[j] = MG_NONE;
    return s;
}

static double activate_d(mg_activation act, double x)
{
    if (act == MG_ACT_TANH)
        return tanh(x);
    if (act == MG_ACT_RELU)
        return x < 0 ? 0.0 : x; /* as the engine's relu */
    return x;
}

/* One example through the network on the parameter values in w. */
static void eval_one(mg_mlp *m, const double *w, const double *x, double *out)
{
    const double *in = x;
    for (size_t l = 0; l < m->layers; l++) {
        size_t nin = m->sizes[l], nout = m->sizes[l + 1];
        double *dst = l + 1 == m->layers ? out : m->dbuf + (l % 2) * m->width;
        const double *wl = w + m->first[l];
        for (size_t j = 0; j < nout; j++, wl += nin + 1) {
            double sum = wl[nin];
            for (size_t i = 0; i < nin; i++)
                sum = sum + wl[i] * in[i];
            dst[j] = activate_d(m->acts[l], sum);
        }
        in = dst;
    }
}

mg_status mg_mlp_eval(const mg_graph *g, mg_mlp *m, const double *x, size_t count, double *out)
{
    if (!g || !m || (count && (!x || !out)))
        return MG_ERR_INVALID;
    if (!owns(g, m))
        return MG_ERR_FOREIGN;
    double *w = malloc(m->nparams * sizeof *w);
    if (!w)
        return MG_ERR_NOMEM;
    for (size_t k = 0; k < m->nparams; k++)
        w[k] = mg_data(g, m->params[k]);
    size_t nin = m->sizes[0], nout = m->sizes[m->layers];
    for (size_t r = 0; r < count; r++)
        eval_one(m, w, x + r * nin, out + r * nout);
    free(w);
    return MG_OK;
}

/* ---- losses ------------------------------------------------------------- */

/* sum((pred[i] - target[i])**2), each target a value of target_values or, when
 * that is NULL, a CONST leaf of target[i] made just before its difference. */
static mg_value sse(mg_graph *g, const mg_value *pred, const double *target,
                    const mg_value *target_values, size_t n)
{
    mg_value sum = MG_NONE;
    for (size_t i = 0; i < n; i++) {
        mg_value t = target_values ? target_values[i] : mg_leaf_role(g, target[i], MG_ROLE_CONST);
        mg_value e = mg_pow(g, mg_sub(g, pred[i], t), 2.0);
        sum = i == 0 ? e : mg_add(g, sum, e);
    }
    return sum;
}

mg_value mg_loss_sse(mg_graph *g, const mg_value *pred, const double *target, size_t n)
{
    if (!pred || !target || n == 0) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_loss_sse: no examples");
        return MG_NONE;
    }
    return sse(g, pred, target, NULL, n);
}

mg_value mg_loss_sse_values(mg_graph *g, const mg_value *pred, const mg_value *target, size_t n)
{
    if (!pred || !target || n == 0) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_loss_sse_values: no examples");
        return MG_NONE;
    }
    return sse(g, pred, NULL, target, n);
}

mg_value mg_loss_svm(mg_graph *g, const mg_value *score, const double *y, size_t n)
{
    if (!score || !y || n == 0) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_loss_svm: no examples");
        return MG_NONE;
    }
    mg_value sum = MG_NONE;
    for (size_t i = 0; i < n; i++) {
        /* (1 + -yi*scorei).relu() */
        mg_value margin = mg_relu(g, mg_add_dv(g, 1.0, mg_mul_dv(g, -y[i], score[i])));
        sum = i == 0 ? margin : mg_add(g, sum, margin);
    }
    return mg_mul_vd(g, sum, 1.0 / (double)n);
}

mg_value mg_mlp_l2(mg_graph *g, const mg_mlp *m, double alpha)
{
    if (!m) {
        mg_graph_set_error(g, MG_ERR_INVALID, "mg_mlp_l2: no network");
        return MG_NONE;
    }
    mg_value sum = MG_NONE;
    for (size_t k = 0; k < m->nparams; k++) {
        mg_value sq = mg_mul(g, m->params[k], m->params[k]);
        sum = k == 0 ? sq : mg_add(g, sum, sq);
    }
    return mg_mul_vd(g, sum, alpha);
}

/* ---- data sets ------------------------------------------------------------ */

void mg_dataset_free(mg_dataset *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->y);
    *d = (mg_dataset){0};
}

/* Allocates an uninitialised data set; MG_OK or MG_ERR_NOMEM / MG_ERR_LIMIT. */
static mg_status dataset_alloc(mg_dataset *d, size_t count, size_t inputs)
{
    *d = (mg_dataset){0};
    if (inputs && count > SIZE_MAX / sizeof(double) / inputs)
        return MG_ERR_LIMIT;
    d->x = malloc(count * inputs * sizeof *d->x + 1);
    d->y = malloc(count * sizeof *d->y + 1);
    if (!d->x || !d->y) {
        mg_dataset_free(d);
        return MG_ERR_NOMEM;
    }
    d->count = count;
    d->inputs = inputs;
    return MG_OK;
}

mg_status mg_dataset_tiny(mg_dataset *d)
{
    static const double xs[4][3] = {{2.0, 3.0, -1.0}, {3.0, -1.0, 0.5}, {0.5, 1.0, 1.0},
                                    {1.0, 1.0, -1.0}};
    static const double ys[4] = {1.0, -1.0, -1.0, 1.0};
    mg_status s = dataset_alloc(d, 4, 3);
    if (s != MG_OK)
        return s;
    memcpy(d->x, xs, sizeof xs);
    memcpy(d->y, ys, sizeof ys);
    return MG_OK;
}

/* numpy's linspace(0, pi, n)[i]: i * step, the last exactly pi. */
static double linspace_pi(size_t i, size_t n)
{
    if (n < 2)
        return 0.0;
    return i + 1 == n ? MG_PI : (double)i * (MG_PI / (double)(n - 1));
}

mg_status mg_dataset_moons(mg_dataset *d, size_t count, double noise, mg_rng *rng)
{
    if (!d || !rng || count == 0)
        return MG_ERR_INVALID;
    mg_status s = dataset_alloc(d, count, 2);
    if (s != MG_OK)
        return s;
    size_t n_out = count / 2, n_in = count - n_out;
    for (size_t i = 0; i < n_out; i++) {
        double t = linspace_pi(i, n_out);
        d->x[2 * i] = cos(t);
        d->x[2 * i + 1] = sin(t);
        d->y[i] = -1.0;
    }
    for (size_t i = 0; i < n_in; i++) {
        double t = linspace_pi(i, n_in);
        d->x[2 * (n_out + i)] = 1.0 - cos(t);
        d->x[2 * (n_out + i) + 1] = 1.0 - sin(t) - 0.5;
        d->y[n_out + i] = 1.0;
    }
    /* Fisher-Yates: the rows keep their labels. */
    for (size_t i = count; i-- > 1;) {
        size_t j = (size_t)mg_rng_below(rng, (uint64_t)i + 1);
        double x0 = d->x[2 * i], x1 = d->x[2 * i + 1], y = d->y[i];
        d->x[2 * i] = d->x[2 * j];
        d->x[2 * i + 1] = d->x[2 * j + 1];
        d->y[i] = d->y[j];
        d->x[2 * j] = x0;
        d->x[2 * j + 1] = x1;
        d->y[j] = y;
    }
    for (size_t i = 0; i < 2 * count; i++)
        d->x[i] += noise * mg_rng_normal(rng);
    return MG_OK;
}

mg_status mg_dataset_from_table(mg_dataset *d, const mg_table *t)
{
    if (!d || !t || t->cols < 2)
        return MG_ERR_INVALID;
    size_t inputs = t->cols - 1;
    mg_status s = dataset_alloc(d, t->rows, inputs);
    if (s != MG_OK)
        return s;
    for (size_t r = 0; r < t->rows; r++) {
        memcpy(d->x + r * inputs, t->cells + r * t->cols, inputs * sizeof(double));
        d->y[r] = t->cells[r * t->cols + inputs];
    }
    return MG_OK;
}

/* ---- training ------------------------------------------------------------- */

/* Grows m's per-example score buffer to n handles; 1 on success. */
static int reserve_scores(mg_mlp *m, size_t n)
{
    if (n <= m->scores_cap)
        return 1;
    mg_value *p = realloc(m->scores, n * sizeof *p);
    if (!p)
        return 0;
    m->scores = p;
    m->scores_cap = n;
    return 1;
}

mg_status mg_mlp_forward_inputs(mg_graph *g, mg_mlp *m, const double *x, mg_value *out,
                                unsigned flags)
{
    if (!g || !m || !x || !out)
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0,
                          "mg_mlp_forward_inputs: no network, no inputs or no outputs");
    char label[32];
    for (size_t i = 0; i < m->sizes[0]; i++) {
        m->xbuf[i] = mg_leaf_role(g, x[i], MG_ROLE_INPUT);
        if (flags & MG_NN_ANNOTATE) { /* a failure is recorded; the forward pass then fails */
            snprintf(label, sizeof label, "x%zu", i + 1);
            mg_set_label(g, m->xbuf[i], label);
        }
    }
    return mg_mlp_forward(g, m, m->xbuf, out, flags);
}

/* The forward graph of every example; m->scores[r] receives example r's output. */
static void forward_all(mg_graph *g, mg_mlp *m, const mg_dataset *d, unsigned flags)
{
    for (size_t r = 0; r < d->count; r++)
        mg_mlp_forward_inputs(g, m, d->x + r * d->inputs, &m->scores[r], flags);
}

/* Fraction of examples whose score has the label's sign: (y > 0) == (s > 0). */
static double accuracy_of(const mg_graph *g, const mg_mlp *m, const mg_dataset *d)
{
    size_t right = 0;
    for (size_t r = 0; r < d->count; r++)
        right += (d->y[r] > 0) == (mg_data(g, m->scores[r]) > 0);
    return (double)right / (double)d->count;
}

/* Why a loss of m over d cannot be built, or NULL when it can. */
static const char *loss_problem(const mg_mlp *m, const mg_dataset *d, mg_loss loss)
{
    if (!m || !d)
        return "mg_mlp_loss: no network or no data";
    if (d->count == 0)
        return "the data set has no examples";
    if (d->inputs != m->sizes[0])
        return "the examples and the network have different numbers of inputs";
    if (m->sizes[m->layers] != 1)
        return "the losses want a network with one output";
    if (loss != MG_LOSS_SSE && loss != MG_LOSS_SVM)
        return "unknown loss";
    return NULL;
}

mg_value mg_mlp_loss(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss, double alpha,
                     unsigned flags, double *accuracy)
{
    if (!g || mg_graph_status(g) != MG_OK)
        return MG_NONE;
    const char *why = loss_problem(m, d, loss);
    if (why) {
        mg_graph_set_error(g, MG_ERR_INVALID, why);
        return MG_NONE;
    }
    if (!reserve_scores(m, d->count)) {
        mg_graph_set_error(g, MG_ERR_NOMEM, "out of memory for the scores of the examples");
        return MG_NONE;
    }
    forward_all(g, m, d, flags);
    mg_value total = loss == MG_LOSS_SSE ? mg_loss_sse(g, m->scores, d->y, d->count)
                                         : mg_loss_svm(g, m->scores, d->y, d->count);
    if (alpha != 0.0)
        total = mg_add(g, total, mg_mlp_l2(g, m, alpha));
    if (mg_graph_status(g) != MG_OK)
        return MG_NONE;
    if (accuracy)
        *accuracy = accuracy_of(g, m, d);
    return total;
}

/* 1 if the kept step was built from this very data, loss and flags. */
static int kept_matches(const kept_step *k, const mg_dataset *d, mg_loss loss, double alpha,
                        unsigned flags)
{
    return k->valid && k->d == d && k->count == d->count && k->inputs == d->inputs &&
           k->loss == loss && k->alpha == alpha && k->flags == flags &&
           memcmp(k->x, d->x, d->count * d->inputs * sizeof *d->x) == 0 &&
           memcmp(k->y, d->y, d->count * sizeof *d->y) == 0;
}

/* Remembers the step just built: MG_OK, or MG_ERR_NOMEM recorded (the copy
 * of the data could not be made; nothing is kept). */
static mg_status keep_step(mg_graph *g, kept_step *k, const mg_dataset *d, mg_loss loss,
                           double alpha, unsigned flags, mg_mark from, mg_value total)
{
    k->valid = 0;
    size_t nx = d->count * d->inputs;
    if (nx > k->cap || d->count > k->cap) {
        size_t cap = nx > d->count ? nx : d->count;
        double *x = realloc(k->x, cap * sizeof *x), *y = x ? realloc(k->y, cap * sizeof *y) : NULL;
        if (x)
            k->x = x;
        if (!x || !y)
            return fail_graph(g, NULL, MG_ERR_NOMEM, 0, 0, "out of memory for the training data");
        k->y = y;
        k->cap = cap;
    }
    memcpy(k->x, d->x, nx * sizeof *d->x);
    memcpy(k->y, d->y, d->count * sizeof *d->y);
    *k = (kept_step){1, from, from, total, d, k->x, k->y, d->count, d->inputs, k->cap,
                     loss, alpha, flags};
    return MG_OK;
}

/* The step's loss: the kept graph replayed when it is this step's, else built. */
static mg_value step_loss(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                          double alpha, unsigned flags, double *accuracy, mg_mark *from)
{
    kept_step *k = &m->kept;
    if (d && mg_graph_status(g) == MG_OK && kept_matches(k, d, loss, alpha, flags) &&
        mg_graph_unreset(g, k->end)) {
        *from = k->from;
        mg_replay(g, k->from);
        if (accuracy)
            *accuracy = accuracy_of(g, m, d);
        return k->total;
    }
    k->valid = 0;
    *from = mg_graph_mark(g);
    mg_value total = mg_mlp_loss(g, m, d, loss, alpha, flags, accuracy);
    if (mg_value_ok(total) && keep_step(g, k, d, loss, alpha, flags, *from, total) != MG_OK)
        return MG_NONE;
    return total;
}

mg_status mg_mlp_train_step(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                            double alpha, double lr, unsigned flags, double *loss_out,
                            double *accuracy)
{
    if (!g || !m)
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0, "mg_mlp_train_step: no network");
    mg_mark mark;
    mg_value total = step_loss(g, m, d, loss, alpha, flags, accuracy, &mark);
    mg_status s = mg_graph_status(g);
    if (s == MG_OK) {
        if (loss_out)
            *loss_out = mg_data(g, total);
        if (!(flags & MG_NN_NO_ZERO_GRAD))
            mg_mlp_zero_grad(g, m);
        s = mg_backward(g, total);
        if (s == MG_OK)
            mg_mlp_sgd(g, m, lr);
    }
    m->kept.end = mg_graph_mark(g);
    mg_graph_reset(g, mark);
    return s;
}
