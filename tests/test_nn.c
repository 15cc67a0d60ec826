/* nn tests: forward values against hand computation, every parameter's grad
 * against central differences, the losses by hand, flat memory across
 * training steps, moons data, misuse. (CSV tables: test_csv.c; the random
 * number streams: test_rng.c.) */
#include <micrograd/check.h>
#include <micrograd/nn.h>
#include <micrograd/rng.h>

#include <stdlib.h>

#include "test_common.h"

/* A network with every parameter set from a list (parameters() order). */
static mg_mlp *net(mg_graph *g, const size_t *sizes, size_t count, mg_activation hidden,
                   mg_activation output, const double *params, size_t n)
{
    mg_mlp *m = NULL;
    assert_int_equal(mg_mlp_new(g, sizes, count, hidden, output, NULL, &m, NULL), MG_OK);
    assert_int_equal(mg_mlp_param_count(m), n);
    assert_int_equal(mg_mlp_set_params(g, m, params, n), MG_OK);
    return m;
}

/* ---- forward ---------------------------------------------------------------- */

/* One neuron, MLP(3, [1]) with a linear output: b + w1*x1 + w2*x2 + w3*x3. */
static void neuron_forward_by_hand(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {3, 1};
    const double p[] = {0.5, -1.5, 2.0, 0.25};
    mg_mlp *m = net(g, sizes, 2, MG_ACT_TANH, MG_ACT_LINEAR, p, 4);
    mg_value x[3] = {mg_leaf(g, 2.0, "x1"), mg_leaf(g, 3.0, "x2"), mg_leaf(g, -1.0, "x3")};
    size_t before = mg_graph_size(g);
    mg_value out;
    assert_int_equal(mg_mlp_forward(g, m, x, &out, 0), MG_OK);
    assert_same_double(mg_data(g, out), ((0.25 + 0.5 * 2.0) + -1.5 * 3.0) + 2.0 * -1.0);
    assert_same_double(mg_data(g, out), -5.25);
    /* three products and three sums, no activation node for a linear neuron */
    assert_int_equal(mg_graph_size(g) - before, 6);
    assert_int_equal(mg_value_op(g, out), MG_OP_ADD);
    /* the first sum starts from the bias: b + w1*x1 */
    mg_value first_sum = mg_value_at(g, before + 1);
    assert_int_equal(mg_operand(g, first_sum, 0).index, mg_mlp_bias(m, 0, 0).index);
    mg_mlp_free(m);
    /* the order shows in rounding: (1 + 1e16) + -1e16 is 0, (1e16 + -1e16) + 1 is 1 */
    const size_t two[] = {2, 1};
    const double q[] = {1e16, -1e16, 1.0};
    m = net(g, two, 2, MG_ACT_LINEAR, MG_ACT_LINEAR, q, 3);
    mg_value ones[2] = {mg_leaf(g, 1.0, "x1"), mg_leaf(g, 1.0, "x2")};
    assert_int_equal(mg_mlp_forward(g, m, ones, &out, 0), MG_OK);
    assert_same_double(mg_data(g, out), 0.0);
    double xs[2] = {1.0, 1.0}, y;
    assert_int_equal(mg_mlp_eval(g, m, xs, 1, &y), MG_OK);
    assert_same_double(y, 0.0);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* One layer, MLP(2, [3]) with ReLU outputs. */
static void layer_forward_by_hand(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {2, 3};
    const double p[] = {1.0, 2.0, 0.5, /**/ -1.0, 1.0, 0.0, /**/ 0.5, 0.5, -3.0};
    mg_mlp *m = net(g, sizes, 2, MG_ACT_TANH, MG_ACT_RELU, p, 9);
    mg_value x[2] = {mg_leaf(g, 1.5, "x1"), mg_leaf(g, -0.5, "x2")};
    mg_value out[3];
    assert_int_equal(mg_mlp_forward(g, m, x, out, 0), MG_OK);
    assert_same_double(mg_data(g, out[0]), 1.0);  /* relu(0.5 + 1.5 - 1.0) */
    assert_same_double(mg_data(g, out[1]), 0.0);  /* relu(0 - 1.5 - 0.5) */
    assert_same_double(mg_data(g, out[2]), 0.0);  /* relu(-3 + 0.75 - 0.25) */
    assert_int_equal(mg_value_op(g, out[1]), MG_OP_RELU);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* MLP(2, [2, 1]): tanh hidden layer, linear output. */
static void mlp_forward_by_hand(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {2, 2, 1};
    const double p[] = {0.5, -1.0, 0.25, /**/ 2.0, 0.5, -1.0, /**/ 1.0, -2.0, 0.5};
    mg_mlp *m = net(g, sizes, 3, MG_ACT_TANH, MG_ACT_LINEAR, p, 9);
    assert_int_equal(mg_mlp_layers(m), 2);
    assert_int_equal(mg_mlp_size(m, 0), 2);
    assert_int_equal(mg_mlp_size(m, 2), 1);
    assert_int_equal(mg_mlp_size(m, 3), 0);
    assert_int_equal(mg_mlp_activation(m, 0), MG_ACT_TANH);
    assert_int_equal(mg_mlp_activation(m, 1), MG_ACT_LINEAR);
    mg_value x[2] = {mg_leaf(g, 1.0, "x1"), mg_leaf(g, 2.0, "x2")};
    mg_value out;
    assert_int_equal(mg_mlp_forward(g, m, x, &out, 0), MG_OK);
    double h1 = tanh((0.25 + 0.5 * 1.0) + -1.0 * 2.0); /* tanh(-1.25) */
    double h2 = tanh((-1.0 + 2.0 * 1.0) + 0.5 * 2.0);  /* tanh(2) */
    assert_same_double(mg_data(g, out), (0.5 + 1.0 * h1) + -2.0 * h2);
    assert_close(mg_data(g, out), 0.5 + tanh(-1.25) - 2.0 * tanh(2.0), 1e-15);
    /* the plain-double evaluation does the same arithmetic */
    double xs[2] = {1.0, 2.0}, y;
    assert_int_equal(mg_mlp_eval(g, m, xs, 1, &y), MG_OK);
    assert_same_double(y, mg_data(g, out));
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* Parameters are PARAM leaves labelled and grouped per neuron; with
 * MG_NN_ANNOTATE a neuron's products, sums and activation share its group. */
static void params_and_groups(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {3, 4, 4, 1};
    mg_mlp *m;
    assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, NULL), MG_OK);
    assert_int_equal(mg_mlp_param_count(m), 41); /* 4*4 + 4*5 + 5 */
    const mg_value *p = mg_mlp_params(m);
    for (size_t k = 0; k < 41; k++) {
        assert_int_equal(mg_value_role(g, p[k]), MG_ROLE_PARAM);
        assert_int_equal(p[k].index, k); /* made first, in parameters() order */
    }
    assert_string_equal(mg_label(g, p[0], NULL), "w1");
    assert_string_equal(mg_label(g, p[3], NULL), "b");
    assert_string_equal(mg_group(g, p[0]), "layer 1/neuron 1");
    assert_string_equal(mg_group(g, p[4]), "layer 1/neuron 2");
    assert_string_equal(mg_group(g, p[40]), "layer 3/neuron 1");
    assert_int_equal(mg_mlp_weight(m, 1, 2, 3).index, 16 + 2 * 5 + 3);
    assert_int_equal(mg_mlp_bias(m, 1, 2).index, 16 + 2 * 5 + 4);
    assert_false(mg_value_ok(mg_mlp_weight(m, 1, 4, 0)));
    assert_false(mg_value_ok(mg_mlp_bias(m, 3, 0)));
    assert_string_equal(mg_mlp_group(m, 1, 3), "layer 2/neuron 4");
    assert_null(mg_mlp_group(m, 2, 1));

    mg_value x[3] = {mg_leaf(g, 2.0, "x1"), mg_leaf(g, 3.0, "x2"), mg_leaf(g, -1.0, "x3")};
    size_t first = mg_graph_size(g);
    mg_value out;
    assert_int_equal(mg_mlp_forward(g, m, x, &out, MG_NN_ANNOTATE), MG_OK);
    /* layer 1, neuron 1: 3 products, 3 sums, tanh = 7 values */
    for (size_t i = first; i < first + 7; i++)
        assert_string_equal(mg_group(g, mg_value_at(g, i)), "layer 1/neuron 1");
    assert_string_equal(mg_group(g, mg_value_at(g, first + 7)), "layer 1/neuron 2");
    assert_string_equal(mg_group(g, out), "layer 3/neuron 1");
    /* from plain numbers: labelled inputs, the same output */
    double xs[3] = {2.0, 3.0, -1.0};
    mg_value again;
    size_t start = mg_graph_size(g);
    assert_int_equal(mg_mlp_forward_inputs(g, m, xs, &again, MG_NN_ANNOTATE), MG_OK);
    assert_same_double(mg_data(g, again), mg_data(g, out));
    assert_string_equal(mg_label(g, mg_value_at(g, start + 2), NULL), "x3");
    assert_int_equal(mg_value_role(g, mg_value_at(g, start)), MG_ROLE_INPUT);
    /* its trace: 41 parameters, 3 inputs, 4*(3+3+1) + 4*(4+4+1) + 1*(4+4+1) values */
    assert_int_equal(mg_trace(g, again, NULL, 0), 41 + 3 + 28 + 36 + 9);
    /* without the flag, nothing is grouped */
    size_t plain = mg_graph_size(g);
    assert_int_equal(mg_mlp_forward(g, m, x, &out, 0), MG_OK);
    assert_null(mg_group(g, mg_value_at(g, plain)));
    assert_null(mg_group(g, out));
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* ---- gradients ---------------------------------------------------------------- */

/* Every parameter's grad through the gradient check (central differences of
 * the loss, only what each parameter feeds recomputed). */
static void check_param_grads(mg_graph *g, mg_mlp *m, mg_value loss, double tol)
{
    mg_check_options o = mg_check_options_default();
    o.tol = tol;
    o.only = mg_mlp_params(m);
    o.only_count = mg_mlp_param_count(m);
    mg_check_report r;
    assert_int_equal(mg_check(g, loss, &o, &r, NULL), MG_OK);
    assert_int_equal(r.count, mg_mlp_param_count(m));
    for (size_t k = 0; k < r.count; k++)
        if (r.results[k].verdict != MG_CHECK_OK)
            fail_msg("parameter %zu: analytic %.17g, numeric %.17g (%s)", k, r.results[k].analytic,
                     r.results[k].numeric, mg_check_verdict_name(r.results[k].verdict));
    mg_check_report_free(&r);
}

static void grads_match_central_differences_sse(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_rng rng;
    mg_rng_seed(&rng, 7);
    const size_t sizes[] = {3, 4, 4, 1};
    mg_mlp *m;
    assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, NULL), MG_OK);
    mg_dataset d;
    assert_int_equal(mg_dataset_tiny(&d), MG_OK);
    mg_value loss = mg_mlp_loss(g, m, &d, MG_LOSS_SSE, 0.0, 0, NULL);
    assert_true(mg_value_ok(loss));
    check_param_grads(g, m, loss, 1e-6);
    mg_dataset_free(&d);
    mg_mlp_free(m);
    mg_graph_free(g);
}

static void grads_match_central_differences_svm(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_rng rng;
    mg_rng_seed(&rng, 11);
    const size_t sizes[] = {2, 5, 3, 1};
    mg_mlp *m;
    assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_RELU, MG_ACT_LINEAR, &rng, &m, NULL), MG_OK);
    mg_dataset d;
    assert_int_equal(mg_dataset_moons(&d, 20, 0.1, &rng), MG_OK);
    mg_value loss = mg_mlp_loss(g, m, &d, MG_LOSS_SVM, 1e-2, 0, NULL);
    assert_true(mg_value_ok(loss));
    check_param_grads(g, m, loss, 1e-6);
    mg_dataset_free(&d);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* ---- losses by hand --------------------------------------------------------------- */

static void svm_loss_by_hand(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value s[3] = {mg_leaf(g, 0.5, "s1"), mg_leaf(g, -2.0, "s2"), mg_leaf(g, 0.25, "s3")};
    const double y[3] = {1.0, -1.0, -1.0};
    mg_value loss = mg_loss_svm(g, s, y, 3);
    /* relu(1 - 0.5) + relu(1 - 2) + relu(1 + 0.25), times 1/3 */
    assert_same_double(mg_data(g, loss), ((0.5 + 0.0) + 1.25) * (1.0 / 3.0));
    assert_int_equal(mg_backward(g, loss), MG_OK);
    assert_same_double(mg_grad(g, s[0]), -1.0 / 3.0); /* margin active, y = +1 */
    assert_same_double(mg_grad(g, s[1]), 0.0);        /* margin met */
    assert_same_double(mg_grad(g, s[2]), 1.0 / 3.0);  /* margin active, y = -1 */
    mg_graph_free(g);
}

static void sse_and_l2_by_hand(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {1, 1};
    const double p[] = {3.0, -2.0};
    mg_mlp *m = net(g, sizes, 2, MG_ACT_LINEAR, MG_ACT_LINEAR, p, 2);
    mg_value l2 = mg_mlp_l2(g, m, 1e-4);
    assert_same_double(mg_data(g, l2), (9.0 + 4.0) * 1e-4);
    mg_value pred[2] = {mg_leaf(g, 0.5, "a"), mg_leaf(g, -1.5, "b")};
    const double target[2] = {1.0, -1.0};
    mg_value sse = mg_loss_sse(g, pred, target, 2);
    assert_same_double(mg_data(g, sse), 0.25 + 0.25);
    assert_int_equal(mg_backward(g, sse), MG_OK);
    assert_same_double(mg_grad(g, pred[0]), -1.0); /* 2 * (0.5 - 1) */
    assert_same_double(mg_grad(g, pred[1]), -1.0); /* 2 * (-1.5 + 1) */
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* A step is micrograd's: loss before the update, then p -= lr * grad. */
static void train_step_updates_like_sgd(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    const size_t sizes[] = {1, 1};
    const double p[] = {0.5, 0.0};
    mg_mlp *m = net(g, sizes, 2, MG_ACT_LINEAR, MG_ACT_LINEAR, p, 2);
    mg_dataset d = {0};
    double x = 2.0, y = 3.0;
    d.count = 1, d.inputs = 1, d.x = &x, d.y = &y;
    double loss, acc;
    assert_int_equal(mg_mlp_train_step(g, m, &d, MG_LOSS_SSE, 0.0, 0.1, 0, &loss, &acc), MG_OK);
    /* pred = 0 + 0.5*2 = 1; loss = (1-3)^2 = 4; dL/dw = 2*(1-3)*2 = -8; dL/db = -4 */
    assert_same_double(loss, 4.0);
    assert_same_double(acc, 1.0);
    assert_same_double(mg_data(g, mg_mlp_params(m)[0]), 0.5 - 0.1 * -8.0);
    assert_same_double(mg_data(g, mg_mlp_params(m)[1]), 0.0 - 0.1 * -4.0);
    assert_int_equal(mg_graph_size(g), 2); /* back at the mark: the parameters */
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* ---- memory ------------------------------------------------------------------------- */

static void training_memory_is_flat(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_rng rng;
    mg_rng_seed(&rng, 1337);
    const size_t sizes[] = {2, 16, 16, 1};
    mg_mlp *m;
    assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_RELU, MG_ACT_LINEAR, &rng, &m, NULL), MG_OK);
    mg_dataset d;
    assert_int_equal(mg_dataset_moons(&d, 100, 0.1, &rng), MG_OK);
    double loss, acc;
    /* the first step, annotated, sizes every buffer */
    assert_int_equal(mg_mlp_train_step(g, m, &d, MG_LOSS_SVM, 1e-4, 1.0, MG_NN_ANNOTATE, &loss,
                                       &acc),
                     MG_OK);
    size_t bytes = mg_graph_bytes(g);
    for (int k = 1; k < 30; k++) {
        assert_int_equal(mg_mlp_train_step(g, m, &d, MG_LOSS_SVM, 1e-4, 1.0 - 0.9 * k / 100,
                                           k % 2 ? MG_NN_ANNOTATE : 0, &loss, &acc),
                         MG_OK);
        assert_int_equal(mg_graph_bytes(g), bytes);
        assert_int_equal(mg_graph_size(g), 337);
    }
    assert_true(acc > 0.8);
    mg_dataset_free(&d);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* One training step built from scratch, as micrograd builds it. */
static double rebuilt_step(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss kind,
                           double lr)
{
    mg_mark mark = mg_graph_mark(g);
    mg_value loss = mg_mlp_loss(g, m, d, kind, 1e-4, 0, NULL);
    double x = mg_data(g, loss);
    mg_mlp_zero_grad(g, m);
    assert_int_equal(mg_backward(g, loss), MG_OK);
    mg_mlp_sgd(g, m, lr);
    mg_graph_reset(g, mark);
    return x;
}

/* A step of the last one's shape replays the kept graph with its own numbers
 * written in: the same data, the data changed in place, another data set,
 * the next minibatch. The losses agree to the bit with steps built anew,
 * for both losses (their targets sit in different leaves). */
static void replayed_steps_match_rebuilt_steps(void **state)
{
    (void)state;
    double losses[2][15];
    for (int kind = MG_LOSS_SSE; kind <= MG_LOSS_SVM; kind++) {
        for (int rebuild = 0; rebuild < 2; rebuild++) {
            mg_graph *g = mg_graph_new();
            mg_rng rng;
            mg_rng_seed(&rng, 1337);
            const size_t sizes[] = {2, 16, 16, 1};
            mg_mlp *m;
            assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_RELU, MG_ACT_LINEAR, &rng, &m, NULL),
                             MG_OK);
            mg_dataset d, other;
            assert_int_equal(mg_dataset_moons(&d, 40, 0.1, &rng), MG_OK);
            assert_int_equal(mg_dataset_moons(&other, 40, 0.3, &rng), MG_OK);
            mg_batches b;
            assert_int_equal(mg_batches_init(&b, &d, 10, 5, NULL), MG_OK);
            for (int k = 0; k < 15; k++) {
                const mg_dataset *on = k < 4 ? &d : k < 6 ? &other : mg_batches_next(&b, &d);
                double lr = (1.0 - 0.9 * k / 15) * (kind == MG_LOSS_SSE ? 0.01 : 1.0), acc;
                if (rebuild)
                    losses[1][k] = rebuilt_step(g, m, on, (mg_loss)kind, lr);
                else
                    assert_int_equal(mg_mlp_train_step(g, m, on, (mg_loss)kind, 1e-4, lr, 0,
                                                       &losses[0][k], &acc), MG_OK);
                assert_int_equal(mg_graph_size(g), 337);
                if (k == 2)
                    d.y[0] = -d.y[0], d.x[3] += 0.5; /* the same data set, changed */
            }
            mg_batches_free(&b);
            mg_dataset_free(&d);
            mg_dataset_free(&other);
            mg_mlp_free(m);
            mg_graph_free(g);
        }
        assert_memory_equal(losses[0], losses[1], sizeof losses[0]);
        assert_true(kind == MG_LOSS_SSE || losses[0][3] < losses[0][0]); /* it trains */
    }
}

/* ---- data ---------------------------------------------------------------------------- */

static void moons_are_two_half_circles(void **state)
{
    (void)state;
    mg_rng r;
    mg_rng_seed(&r, 3);
    mg_dataset d;
    /* noise 0: exactly on the circles; 50 outer (-1), 50 inner (+1) */
    assert_int_equal(mg_dataset_moons(&d, 100, 0.0, &r), MG_OK);
    assert_int_equal(d.count, 100);
    assert_int_equal(d.inputs, 2);
    int neg = 0, endpoints = 0;
    for (size_t i = 0; i < 100; i++) {
        double x = d.x[2 * i], y = d.x[2 * i + 1];
        if (d.y[i] < 0) {
            neg++;
            assert_close(x * x + y * y, 1.0, 1e-12);
            assert_true(y >= 0);
        } else {
            assert_same_double(d.y[i], 1.0);
            assert_close((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5), 1.0, 1e-12);
            assert_true(y <= 0.5);
        }
        endpoints += x == -1.0 || x == 2.0;
    }
    assert_int_equal(neg, 50);
    assert_int_equal(endpoints, 2); /* linspace ends exactly at pi */
    /* shuffled: the first ten are not all of one moon */
    int first_neg = 0;
    for (size_t i = 0; i < 10; i++)
        first_neg += d.y[i] < 0;
    assert_true(first_neg > 0 && first_neg < 10);
    mg_dataset_free(&d);
    /* the same seed gives the same points */
    mg_dataset a, b;
    mg_rng_seed(&r, 9);
    assert_int_equal(mg_dataset_moons(&a, 31, 0.1, &r), MG_OK);
    mg_rng_seed(&r, 9);
    assert_int_equal(mg_dataset_moons(&b, 31, 0.1, &r), MG_OK);
    assert_memory_equal(a.x, b.x, 62 * sizeof(double));
    assert_memory_equal(a.y, b.y, 31 * sizeof(double));
    mg_dataset_free(&a);
    mg_dataset_free(&b);
    assert_int_equal(mg_dataset_moons(&a, 0, 0.1, &r), MG_ERR_INVALID);
}

/* ---- misuse ----------------------------------------------------------------------------- */

/* Calls that fail: the reason in the mg_error and, first error winning, in the
 * graph. */
static void expect_graph_error(mg_graph *g, mg_status status, const char *message)
{
    assert_int_equal(mg_graph_status(g), status);
    assert_string_equal(mg_graph_error(g), message);
    mg_graph_clear_error(g);
}

static void bad_shapes_and_counts(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_mlp *m = (mg_mlp *)1;
    mg_error err;
    const size_t one[] = {3}, zero[] = {3, 0, 1}, ok[] = {2, 1}, huge[] = {1u << 20, 1u << 20};
    assert_int_equal(mg_mlp_new(g, one, 1, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err),
                     MG_ERR_INVALID);
    assert_null(m);
    assert_int_equal(err.status, MG_ERR_INVALID);
    assert_string_equal(err.message, "an MLP needs at least two sizes (inputs and outputs)");
    expect_graph_error(g, MG_ERR_INVALID, err.message);
    assert_int_equal(mg_mlp_new(g, zero, 3, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "size 2 of the MLP is 0");
    expect_graph_error(g, MG_ERR_INVALID, err.message);
    assert_int_equal(mg_mlp_new(g, ok, 2, (mg_activation)7, MG_ACT_TANH, NULL, &m, NULL),
                     MG_ERR_INVALID);
    expect_graph_error(g, MG_ERR_INVALID, "unknown activation 7");
    assert_int_equal(mg_mlp_new(g, huge, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err),
                     MG_ERR_LIMIT);
    expect_graph_error(g, MG_ERR_LIMIT, "the MLP has more than 10000000 parameters");
    assert_int_equal(mg_mlp_new(NULL, ok, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err),
                     MG_ERR_INVALID);
    assert_string_equal(err.message, "mg_mlp_new: no graph or no place for the MLP");
    assert_int_equal(mg_graph_size(g), 0);
    /* a graph in error is refused, and says so */
    mg_graph_set_error(g, MG_ERR_NOMEM, "earlier");
    assert_int_equal(mg_mlp_new(g, ok, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err),
                     MG_ERR_NOMEM);
    assert_string_equal(err.message, "the graph is in error: earlier");
    expect_graph_error(g, MG_ERR_NOMEM, "earlier");
    assert_int_equal(mg_mlp_new(g, ok, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    const double three[] = {1, 2, 3};
    assert_int_equal(mg_mlp_set_params(g, m, three, 2), MG_ERR_INVALID);
    expect_graph_error(g, MG_ERR_INVALID, "mg_mlp_set_params: 2 values for 3 parameters");
    assert_int_equal(mg_mlp_set_params(g, m, three, 3), MG_OK);
    assert_int_equal(mg_mlp_forward(g, m, NULL, NULL, 0), MG_ERR_INVALID);
    expect_graph_error(g, MG_ERR_INVALID, "mg_mlp_forward: no network, no inputs or no outputs");
    mg_mlp_zero_grad(g, NULL);
    expect_graph_error(g, MG_ERR_INVALID, "mg_mlp_zero_grad: no network");
    mg_mlp_sgd(g, NULL, 0.1);
    expect_graph_error(g, MG_ERR_INVALID, "mg_mlp_sgd: no network");
    /* data with 3 inputs for a network of 2 */
    mg_dataset d;
    assert_int_equal(mg_dataset_tiny(&d), MG_OK);
    assert_false(mg_value_ok(mg_mlp_loss(g, m, &d, MG_LOSS_SSE, 0.0, 0, NULL)));
    expect_graph_error(g, MG_ERR_INVALID,
                       "the examples and the network have different numbers of inputs");
    double loss = -7.0;
    assert_int_equal(mg_mlp_train_step(g, m, &d, MG_LOSS_SSE, 0.0, 0.1, 0, &loss, NULL),
                     MG_ERR_INVALID);
    assert_same_double(loss, -7.0);
    assert_int_equal(mg_mlp_train_step(g, NULL, &d, MG_LOSS_SSE, 0.0, 0.1, 0, &loss, NULL),
                     MG_ERR_INVALID); /* the first error stays */
    expect_graph_error(g, MG_ERR_INVALID,
                       "the examples and the network have different numbers of inputs");
    mg_dataset_free(&d);
    mg_mlp_free(m);
    /* the parameters of a network belong to its graph */
    mg_graph *other = mg_graph_new();
    assert_int_equal(mg_mlp_new(other, ok, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, NULL), MG_OK);
    double x[2] = {1, 2}, y;
    assert_int_equal(mg_mlp_eval(g, m, x, 1, &y), MG_ERR_FOREIGN);
    assert_int_equal(mg_graph_status(g), MG_OK); /* a const graph: nothing recorded */
    assert_int_equal(mg_mlp_set_params(g, m, three, 3), MG_ERR_FOREIGN);
    expect_graph_error(g, MG_ERR_FOREIGN,
                       "mg_mlp_set_params: the network's parameters are not in this graph");
    mg_mlp_free(m);
    mg_graph_free(other);
    mg_graph_free(g);
}

/* ---- minibatches ------------------------------------------------------------ */

/* Batches are distinct rows of the data, copied whole; a seed repeats them;
 * a size of 0 or past the rows is refused with a reason. */
static void batches_are_distinct_rows_from_the_seed(void **state)
{
    (void)state;
    mg_dataset d;
    mg_rng rng;
    mg_rng_seed(&rng, 1);
    assert_int_equal(mg_dataset_moons(&d, 50, 0.1, &rng), MG_OK);
    mg_batches a, b;
    assert_int_equal(mg_batches_init(&a, &d, 7, 42, NULL), MG_OK);
    assert_int_equal(mg_batches_init(&b, &d, 7, 42, NULL), MG_OK);
    for (int step = 0; step < 20; step++) {
        const mg_dataset *x = mg_batches_next(&a, &d), *y = mg_batches_next(&b, &d);
        assert_non_null(x);
        assert_int_equal(x->count, 7);
        assert_memory_equal(x->x, y->x, 14 * sizeof(double));
        int used[50] = {0};
        for (size_t i = 0; i < 7; i++) {
            size_t r = a.order[i];
            assert_true(r < 50);
            assert_int_equal(used[r]++, 0); /* distinct */
            assert_memory_equal(x->x + 2 * i, d.x + 2 * r, 2 * sizeof(double));
            assert_true(x->y[i] == d.y[r]);
        }
    }
    mg_batches_free(&b);
    assert_int_equal(mg_batches_init(&b, &d, 7, 43, NULL), MG_OK);
    mg_batches_free(&a);
    assert_int_equal(mg_batches_init(&a, &d, 7, 42, NULL), MG_OK);
    mg_batches_next(&a, &d);
    mg_batches_next(&b, &d);
    assert_memory_not_equal(a.order, b.order, 7 * sizeof(size_t));
    mg_batches_free(&a);
    mg_batches_free(&b);
    mg_error err;
    assert_int_equal(mg_batches_init(&a, &d, 0, 1, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "a batch of 0 rows out of 50: it must be 1 to 50");
    assert_int_equal(mg_batches_init(&a, &d, 51, 1, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "a batch of 51 rows out of 50: it must be 1 to 50");
    assert_null(a.order);
    assert_null(mg_batches_next(&a, &d));
    mg_batches_free(&a);
    mg_batches_free(NULL);
    mg_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(neuron_forward_by_hand),
        cmocka_unit_test(layer_forward_by_hand),
        cmocka_unit_test(mlp_forward_by_hand),
        cmocka_unit_test(params_and_groups),
        cmocka_unit_test(grads_match_central_differences_sse),
        cmocka_unit_test(grads_match_central_differences_svm),
        cmocka_unit_test(svm_loss_by_hand),
        cmocka_unit_test(sse_and_l2_by_hand),
        cmocka_unit_test(train_step_updates_like_sgd),
        cmocka_unit_test(replayed_steps_match_rebuilt_steps),
        cmocka_unit_test(training_memory_is_flat),
        cmocka_unit_test(moons_are_two_half_circles),
        cmocka_unit_test(bad_shapes_and_counts),
        cmocka_unit_test(batches_are_distinct_rows_from_the_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
