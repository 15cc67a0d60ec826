/* micrograd's neural networks: Neuron, Layer and MLP over the engine's values,
 * two losses, SGD, and the data sets of the video and of micrograd's demo.
 *
 * A worked example (the video's tiny training loop):
 *
 *     mg_graph *g = mg_graph_new();
 *     mg_rng rng;
 *     mg_rng_seed(&rng, 1337);
 *     mg_mlp *m;
 *     mg_error err;
 *     const size_t sizes[] = {3, 4, 4, 1};                         // MLP(3, [4, 4, 1])
 *     if (mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, &err) != MG_OK) {
 *         fprintf(stderr, "%s\n", err.message);                   // parameters: above the mark
 *         return 1;
 *     }
 *     mg_dataset d;
 *     mg_dataset_tiny(&d);
 *     for (int k = 0; k < 100; k++) {
 *         double loss, accuracy;                                   // builds the step's graph,
 *         mg_mlp_train_step(g, m, &d, MG_LOSS_SSE, 0.0, 0.1,       // backward, p -= lr * grad,
 *                           0, &loss, &accuracy);                  // then resets to its mark
 *     }
 *     mg_dataset_free(&d);
 *     mg_mlp_free(m);
 *     mg_graph_free(g);
 *
 * Arithmetic follows micrograd exactly, so results agree with it to the last
 * bits: a neuron starts from its bias and adds w_i * x_i in order
 * (`sum((wi*xi for ...), self.b)`), sums run left to right from their first
 * term, and SGD is `p.data -= lr * p.grad`.
 *
 * Ownership: the graph owns every value (parameters included); an mg_mlp owns
 * only its handles, shapes and scratch, and mg_mlp_free leaves the parameter
 * values in the graph. An mg_mlp is not thread-safe (it has scratch buffers).
 *
 * Errors: every failure of a call that takes a (non-const) graph is recorded
 * in it (engine.h), and the calls returning a status return that failure's;
 * calls on a graph already in error fail with its status. mg_mlp_eval (a
 * const graph) and the data sets only return a status.
 *
 * Drawing: mg_mlp_forward with MG_NN_ANNOTATE tags every product, sum and
 * activation of a neuron with the group "layer L/neuron N" (1-based, as the
 * parameters are), so the forward graph of one example clusters per neuron and
 * per layer; mg_trace() on an output lists that graph:
 *
 *     mg_mark mark = mg_graph_mark(g);
 *     mg_value score;
 *     mg_mlp_forward_inputs(g, m, (double[]){2, 3, -1}, &score, MG_NN_ANNOTATE);
 *     ... draw the values mg_trace(g, score, ...) lists, clustered by mg_group() ...
 *     mg_graph_reset(g, mark);
 */
#ifndef MICROGRAD_NN_H
#define MICROGRAD_NN_H

#include <stddef.h>
#include <stdint.h>

#include <micrograd/csv.h>
#include <micrograd/engine.h>
#include <micrograd/error.h>
#include <micrograd/export.h>
#include <micrograd/rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* π as numpy's np.pi has it (C11's math.h has no M_PI): the moons' half
 * circles, the plots' arcs. */
#define MG_PI 3.141592653589793

/* A neuron's nonlinearity. */
typedef enum mg_activation {
    MG_ACT_LINEAR = 0,
    MG_ACT_TANH = 1,
    MG_ACT_RELU = 2
} mg_activation;

/* "linear", "tanh", "relu"; "?" for anything else. */
MG_API const char *mg_activation_name(mg_activation act);

/* Flags of mg_mlp_forward / mg_mlp_loss. */
enum {
    /* Tag each neuron's values with its group and label the input leaves
     * x1..xn: what a picture needs, at some cost per value. */
    MG_NN_ANNOTATE = 1u,
    /* mg_mlp_train_step only: skip zero_grad, the lecture's bug of forgetting
     * it (each step's grads add to all the earlier ones'). A teaching aid. */
    MG_NN_NO_ZERO_GRAD = 2u
};

/* ---- the network ---------------------------------------------------------- */

typedef struct mg_mlp mg_mlp;

/* The most parameters a network may have, for every front-end: each costs
 * about two values per example in a training step's graph. */
#define MG_MLP_MAX_PARAMS 10000000

/* "MLP(3, [4, 4, 1])", as micrograd writes the network of these sizes (the
 * inputs, then each layer's width), cut to size bytes with a NUL. Returns
 * buf. Can't fail. */
MG_API char *mg_mlp_describe(char *buf, size_t size, const size_t *sizes, size_t count);

/* Builds MLP(sizes[0], [sizes[1], ..., sizes[count-1]]) in g: count - 1
 * layers, layer l having sizes[l+1] neurons of sizes[l] inputs. Hidden layers
 * use `hidden`, the last layer `output` (micrograd's demo: RELU and LINEAR; the
 * video: TANH and TANH). Each weight is mg_rng_range(rng, -1, 1) drawn in
 * parameters() order, each bias 0 (micrograd's nn.py); rng NULL makes every
 * weight 0 (for mg_mlp_set_params). Parameters are PARAM leaves labelled
 * "w1".."wn" and "b", grouped "layer L/neuron N".
 * Returns MG_OK and *out (free with mg_mlp_free); or MG_ERR_INVALID (count < 2,
 * a size of 0, an unknown activation, NULL g or out), MG_ERR_LIMIT (more than
 * MG_MLP_MAX_PARAMS parameters), MG_ERR_NOMEM or the status of a graph already
 * in error, with *out NULL, the reason in err (may be NULL) and in g (values
 * already made stay in g). */
MG_API mg_status mg_mlp_new(mg_graph *g, const size_t *sizes, size_t count, mg_activation hidden,
                            mg_activation output, mg_rng *rng, mg_mlp **out, mg_error *err);
/* Frees the network's own memory; its values stay in the graph. NULL: no-op. */
MG_API void mg_mlp_free(mg_mlp *m);

/* Shape: number of layers; sizes[i] (i = 0 is the input count, i = layers is
 * the output count; 0 when out of range); a layer's activation (0-based). */
MG_API size_t mg_mlp_layers(const mg_mlp *m);
MG_API size_t mg_mlp_size(const mg_mlp *m, size_t i);
MG_API mg_activation mg_mlp_activation(const mg_mlp *m, size_t layer);

/* micrograd's parameters(): layer by layer, neuron by neuron, w_1..w_nin then
 * b. The array is owned by m and valid until mg_mlp_free. */
MG_API size_t mg_mlp_param_count(const mg_mlp *m);
MG_API const mg_value *mg_mlp_params(const mg_mlp *m);
/* One weight (input i) or bias of a neuron, 0-based indices; MG_NONE when out
 * of range. */
MG_API mg_value mg_mlp_weight(const mg_mlp *m, size_t layer, size_t neuron, size_t i);
MG_API mg_value mg_mlp_bias(const mg_mlp *m, size_t layer, size_t neuron);
/* The group path of a neuron, "layer L/neuron N" (1-based), owned by m; NULL
 * when out of range. */
MG_API const char *mg_mlp_group(const mg_mlp *m, size_t layer, size_t neuron);

/* Sets every parameter's data from values[0..n) in parameters() order.
 * Returns MG_OK, or MG_ERR_INVALID when n != mg_mlp_param_count (nothing
 * changes) or MG_ERR_FOREIGN when the parameters are not in g (recorded). */
MG_API mg_status mg_mlp_set_params(mg_graph *g, const mg_mlp *m, const double *values, size_t n);

/* ---- forward, evaluation, SGD --------------------------------------------- */

/* Builds the forward graph of one example: x holds sizes[0] values of g, out
 * receives sizes[layers] values. flags: 0 or MG_NN_ANNOTATE. Returns MG_OK, or
 * the graph's sticky error (out then holds MG_NONE); MG_ERR_INVALID (recorded)
 * for a NULL argument. */
MG_API mg_status mg_mlp_forward(mg_graph *g, mg_mlp *m, const mg_value *x, mg_value *out,
                                unsigned flags);
/* The same from plain numbers: makes sizes[0] INPUT leaves from x (labelled
 * "x1".."xn" with MG_NN_ANNOTATE), then mg_mlp_forward. With MG_NN_ANNOTATE,
 * mg_trace() of out[0] is the forward graph of one example, ready to draw.
 * Returns as mg_mlp_forward. */
MG_API mg_status mg_mlp_forward_inputs(mg_graph *g, mg_mlp *m, const double *x, mg_value *out,
                                       unsigned flags);
/* The same arithmetic on plain doubles, building nothing (for plots and
 * accuracy on a grid), for count examples: x holds count * sizes[0] numbers
 * (row-major), out receives count * sizes[layers]. Reads the parameters' data
 * once per call. Returns MG_OK, MG_ERR_NOMEM, or MG_ERR_FOREIGN when the
 * parameters are not in g. */
MG_API mg_status mg_mlp_eval(const mg_graph *g, mg_mlp *m, const double *x, size_t count,
                             double *out);

/* Sets every parameter's grad to 0 (micrograd's zero_grad). */
MG_API void mg_mlp_zero_grad(mg_graph *g, const mg_mlp *m);
/* One SGD update of every parameter: p.data -= lr * p.grad. */
MG_API void mg_mlp_sgd(mg_graph *g, const mg_mlp *m, double lr);

/* ---- losses ------------------------------------------------------------- */

typedef enum mg_loss {
    MG_LOSS_SSE = 0, /* sum((yout - ygt)**2): the video */
    MG_LOSS_SVM = 1  /* sum(relu(1 + -y*score)) * (1/n): micrograd's demo */
} mg_loss;

/* "mse" and "svm" (the command line's names); "?" otherwise. */
MG_API const char *mg_loss_name(mg_loss loss);

/* sum over i of (pred[i] - target[i])**2, summed left to right. n >= 1.
 * Returns the loss value, or MG_NONE with the graph's sticky error. */
MG_API mg_value mg_loss_sse(mg_graph *g, const mg_value *pred, const double *target, size_t n);
/* The same with targets that are values of g (leaves the caller made, so that
 * it can name them, as a picture names them y). */
MG_API mg_value mg_loss_sse_values(mg_graph *g, const mg_value *pred, const mg_value *target,
                                   size_t n);
/* micrograd's max-margin loss: sum(relu(1 + -y[i]*score[i])) * (1.0/n), labels
 * -1 or +1. n >= 1. Returns the loss value, or MG_NONE (sticky error). */
MG_API mg_value mg_loss_svm(mg_graph *g, const mg_value *score, const double *y, size_t n);
/* L2 regularisation: sum(p*p for p in parameters) * alpha. */
MG_API mg_value mg_mlp_l2(mg_graph *g, const mg_mlp *m, double alpha);

/* ---- data sets ------------------------------------------------------------ */

/* count examples of `inputs` numbers each, one target each. */
typedef struct mg_dataset {
    size_t count;
    size_t inputs;
    double *x; /* count * inputs, row-major, owned */
    double *y; /* count, owned */
} mg_dataset;

/* The video's four examples: [[2,3,-1],[3,-1,0.5],[0.5,1,1],[1,1,-1]] ->
 * [1,-1,-1,1]. Returns MG_OK or MG_ERR_NOMEM (d empty). */
MG_API mg_status mg_dataset_tiny(mg_dataset *d);
/* sklearn's make_moons: count points on two interleaving half circles (the
 * outer labelled -1, the inner +1, as micrograd's `y*2 - 1`), shuffled, then
 * Gaussian noise of this standard deviation added to each coordinate, all
 * drawn from rng. Returns MG_OK, MG_ERR_INVALID (count 0) or MG_ERR_NOMEM. */
MG_API mg_status mg_dataset_moons(mg_dataset *d, size_t count, double noise, mg_rng *rng);
/* A table's rows as examples: every column but the last is an input, the last
 * is the target. Returns MG_OK, MG_ERR_INVALID (fewer than 2 columns) or
 * MG_ERR_NOMEM. */
MG_API mg_status mg_dataset_from_table(mg_dataset *d, const mg_table *t);
/* Frees what d owns and empties it. NULL is a no-op. */
MG_API void mg_dataset_free(mg_dataset *d);

/* ---- training ------------------------------------------------------------- */

/* Builds, after the graph's current end, the loss of m over every example of d
 * (one output network; inputs are fresh INPUT leaves, as micrograd's
 * `list(map(Value, xrow))`), plus mg_mlp_l2(alpha) when alpha != 0:
 * total = data_loss + reg_loss. *accuracy (may be NULL) receives the fraction
 * of examples with (y > 0) == (score > 0). Returns the loss, or MG_NONE with
 * the graph's sticky error (MG_ERR_INVALID: d's inputs differ from the
 * network's, the network has more than one output, or d is empty). */
MG_API mg_value mg_mlp_loss(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                            double alpha, unsigned flags, double *accuracy);
/* One step of micrograd's loop: mark; loss (as mg_mlp_loss); zero_grad
 * (unless flags has MG_NN_NO_ZERO_GRAD); backward; p.data -= lr * p.grad; reset to the mark. Memory stays flat however
 * many steps run, and after the first step nothing is allocated. A step on
 * the same data (the same mg_dataset with the same numbers, loss, alpha and
 * flags) right after the last one replays that step's graph, kept past the
 * mark (mg_graph_unreset, mg_replay), instead of building it: the same bits,
 * about half the work. *loss and
 * *accuracy (may be NULL) are those of this step's forward pass, before the
 * update. Returns MG_OK, or the error (parameters unchanged, graph reset). */
MG_API mg_status mg_mlp_train_step(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                                   double alpha, double lr, unsigned flags, double *loss_out,
                                   double *accuracy);

/* ---- presets: the video's run and micrograd's demo ------------------------ */

/* How a preset trains: the network, the loss and the learning rate. */
typedef struct mg_preset {
    const char *name;       /* "tiny", "moons" */
    size_t sizes[4];        /* MLP(sizes[0], [sizes[1], sizes[2], sizes[3]]) */
    size_t count;           /* 4 */
    mg_activation hidden, output;
    mg_loss loss;
    double alpha;           /* the L2 term's weight (mg_mlp_loss); 0: none */
    double lr;              /* the learning rate, or the decaying one's start */
    int decay;              /* 1: lr * (1 - 0.9*k/steps) at step k (mg_preset_lr) */
    size_t steps;
    size_t points;          /* its data: 0 the video's four examples (tiny), else
                             * this many two-moon points with this noise */
    double noise;
} mg_preset;

/* The preset of that name: "tiny" (the video: MLP(3, [4, 4, 1]), tanh, summed
 * squared error, lr 0.2, 200 steps) or "moons" (micrograd's demo:
 * MLP(2, [16, 16, 1]), ReLU then linear, SVM loss + 1e-4 L2, lr
 * 1.0 - 0.9*k/100, 100 steps, 100 points of noise 0.1); NULL for another name.
 * The preset is static: copy it to change it. */
MG_API const mg_preset *mg_preset_find(const char *name);
/* The learning rate of step k (0-based) of a run of steps steps: lr, or with
 * decay lr * (1.0 - 0.9*k/steps), which for micrograd's demo (lr 1, 100
 * steps) is its `1.0 - 0.9*k/100` to the last bit. */
MG_API double mg_preset_lr(const mg_preset *p, size_t k, size_t steps);
/* The preset's examples: the video's four, or its moons drawn from seed (a
 * stream apart from the weights': mg_rng_seed(seed ^ 0x6d6f6f6e73), "moons").
 * Returns MG_OK and fills *out (free with mg_dataset_free), or MG_ERR_INVALID
 * / MG_ERR_NOMEM with *out empty and err (may be NULL) saying why. */
MG_API mg_status mg_preset_dataset(const mg_preset *p, uint64_t seed, mg_dataset *out,
                                   mg_error *err);

/* An estimate, made before training, of the bytes of graph one step over
 * `rows` examples shaped as d's uses (the loss of mg_mlp_loss with these
 * arguments, as mg_mlp_step builds it; measured: within 3% of the resident
 * size of a 100,000-row step of a 2-16-16-1 network, 2.3 GB):
 * builds the loss over d's first example and over its first two, takes the
 * values each example adds, and resets g to where it was. Sets *bytes
 * (SIZE_MAX when the figure overflows) and returns MG_OK, or the error of
 * building (recorded in g, as mg_mlp_loss records it; d needs 2 examples). */
MG_API mg_status mg_mlp_step_bytes(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                                   double alpha, size_t rows, size_t *bytes);

#ifdef __cplusplus
}
#endif

#endif
