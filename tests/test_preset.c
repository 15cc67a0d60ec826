/* The training presets, their learning rates and data, the network's
 * description, the parameter cap and the loss over target values. */
#include <micrograd/nn.h>

#include <string.h>

#include "test_common.h"

static void the_two_presets(void **state)
{
    (void)state;
    const mg_preset *tiny = mg_preset_find("tiny");
    assert_non_null(tiny);
    assert_string_equal(tiny->name, "tiny");
    assert_int_equal(tiny->count, 4);
    const size_t tiny_sizes[] = {3, 4, 4, 1};
    assert_memory_equal(tiny->sizes, tiny_sizes, sizeof tiny_sizes);
    assert_int_equal(tiny->hidden, MG_ACT_TANH);
    assert_int_equal(tiny->output, MG_ACT_TANH);
    assert_int_equal(tiny->loss, MG_LOSS_SSE);
    assert_same_double(tiny->alpha, 0.0);
    assert_same_double(tiny->lr, 0.2);
    assert_int_equal(tiny->decay, 0);
    assert_int_equal(tiny->steps, 200);
    assert_int_equal(tiny->points, 0);

    const mg_preset *moons = mg_preset_find("moons");
    assert_non_null(moons);
    const size_t moons_sizes[] = {2, 16, 16, 1};
    assert_memory_equal(moons->sizes, moons_sizes, sizeof moons_sizes);
    assert_int_equal(moons->hidden, MG_ACT_RELU);
    assert_int_equal(moons->output, MG_ACT_LINEAR);
    assert_int_equal(moons->loss, MG_LOSS_SVM);
    assert_same_double(moons->alpha, 1e-4);
    assert_same_double(moons->lr, 1.0);
    assert_int_equal(moons->decay, 1);
    assert_int_equal(moons->steps, 100);
    assert_int_equal(moons->points, 100);
    assert_same_double(moons->noise, 0.1);

    assert_null(mg_preset_find("Moons"));
    assert_null(mg_preset_find(""));
    assert_null(mg_preset_find(NULL));
}

/* micrograd's demo: learning_rate = 1.0 - 0.9*k/100, to the last bit. */
static void the_learning_rate(void **state)
{
    (void)state;
    const mg_preset *moons = mg_preset_find("moons");
    for (int k = 0; k < 100; k++)
        assert_same_double(mg_preset_lr(moons, (size_t)k, 100), 1.0 - 0.9 * k / 100);
    assert_same_double(mg_preset_lr(moons, 50, 100), 0.55);
    assert_same_double(mg_preset_lr(moons, 0, 10), 1.0);
    assert_same_double(mg_preset_lr(moons, 5, 10), 1.0 - 0.9 * 5 / 10);
    mg_preset p = *moons;
    p.lr = 0.5;
    assert_same_double(mg_preset_lr(&p, 50, 100), 0.5 * 0.55);
    const mg_preset *tiny = mg_preset_find("tiny");
    assert_same_double(mg_preset_lr(tiny, 0, 200), 0.2);
    assert_same_double(mg_preset_lr(tiny, 199, 200), 0.2);
    assert_same_double(mg_preset_lr(NULL, 1, 2), 0.0);
}

static void the_presets_data(void **state)
{
    (void)state;
    mg_dataset d, want;
    mg_error err;
    assert_int_equal(mg_preset_dataset(mg_preset_find("tiny"), 1337, &d, &err), MG_OK);
    assert_int_equal(err.status, MG_OK);
    assert_int_equal(mg_dataset_tiny(&want), MG_OK);
    assert_int_equal(d.count, 4);
    assert_memory_equal(d.x, want.x, 12 * sizeof(double));
    assert_memory_equal(d.y, want.y, 4 * sizeof(double));
    mg_dataset_free(&d);
    mg_dataset_free(&want);

    /* the moons from a stream apart from the weights': seed ^ "moons" */
    assert_int_equal(mg_preset_dataset(mg_preset_find("moons"), 1337, &d, NULL), MG_OK);
    mg_rng rng;
    mg_rng_seed(&rng, 1337 ^ 0x6d6f6f6e73u);
    assert_int_equal(mg_dataset_moons(&want, 100, 0.1, &rng), MG_OK);
    assert_int_equal(d.count, 100);
    assert_int_equal(d.inputs, 2);
    assert_memory_equal(d.x, want.x, 200 * sizeof(double));
    assert_memory_equal(d.y, want.y, 100 * sizeof(double));
    mg_dataset_free(&d);
    mg_dataset_free(&want);

    assert_int_equal(mg_preset_dataset(NULL, 1, &d, &err), MG_ERR_INVALID);
    assert_string_equal(err.message, "mg_preset_dataset: no preset");
    assert_int_equal(d.count, 0);
    assert_int_equal(mg_preset_dataset(mg_preset_find("tiny"), 1, NULL, &err), MG_ERR_INVALID);
}

static void the_description(void **state)
{
    (void)state;
    char buf[64];
    const size_t sizes[] = {3, 4, 4, 1};
    assert_string_equal(mg_mlp_describe(buf, sizeof buf, sizes, 4), "MLP(3, [4, 4, 1])");
    assert_string_equal(mg_mlp_describe(buf, sizeof buf, (const size_t[]){2, 1}, 2), "MLP(2, [1])");
    assert_string_equal(mg_mlp_describe(buf, sizeof buf, sizes, 1), "MLP(3, [])");
    assert_string_equal(mg_mlp_describe(buf, 8, sizes, 4), "MLP(3, ");
    assert_string_equal(mg_mlp_describe(buf, sizeof buf, NULL, 0), "");
    assert_ptr_equal(mg_mlp_describe(buf, 0, sizes, 4), buf);
}

/* One cap for every front-end: a network past MG_MLP_MAX_PARAMS is refused
 * before anything is allocated. */
static void the_parameter_cap(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_mlp *m = (mg_mlp *)&m;
    /* (3162 + 1) * 3162 = 10,001,406 parameters: just past the cap */
    const size_t big[] = {3162, 3162};
    assert_int_equal(mg_mlp_new(g, big, 2, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, NULL),
                     MG_ERR_LIMIT);
    assert_null(m);
    assert_int_equal(mg_graph_size(g), 0);
    mg_graph_clear_error(g);
    const size_t fits[] = {3, 2, 1};
    assert_int_equal(mg_mlp_new(g, fits, 3, MG_ACT_TANH, MG_ACT_TANH, NULL, &m, NULL), MG_OK);
    assert_int_equal(mg_mlp_param_count(m), 11);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* The squared error over target values: the same numbers and grads as over
 * plain targets, with the caller's leaves (named as it likes) as targets. */
static void the_loss_over_target_values(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value pred[2] = {mg_leaf(g, 0.5, "p1"), mg_leaf(g, -2.0, "p2")};
    mg_value target[2] = {mg_leaf_role(g, 1.0, MG_ROLE_CONST), mg_leaf_role(g, -1.0, MG_ROLE_CONST)};
    mg_set_label(g, target[0], "y1");
    mg_value loss = mg_loss_sse_values(g, pred, target, 2);
    assert_same_double(mg_data(g, loss), 0.25 + 1.0);
    assert_int_equal(mg_backward(g, loss), MG_OK);
    assert_same_double(mg_grad(g, pred[0]), -1.0);
    assert_same_double(mg_grad(g, pred[1]), -2.0);
    assert_same_double(mg_grad(g, target[0]), 1.0);
    assert_string_equal(mg_label(g, target[0], NULL), "y1");
    mg_value plain = mg_loss_sse(g, pred, (const double[]){1.0, -1.0}, 2);
    assert_same_double(mg_data(g, plain), mg_data(g, loss));
    /* a difference and a square per term, and the sum: no constant leaves */
    size_t before = mg_graph_size(g);
    mg_loss_sse_values(g, pred, target, 2);
    assert_int_equal(mg_graph_size(g) - before, 2 * 2 + 1);
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_false(mg_value_ok(mg_loss_sse_values(g, pred, NULL, 2)));
    assert_int_equal(mg_graph_status(g), MG_ERR_INVALID);
    assert_string_equal(mg_graph_error(g), "mg_loss_sse_values: no examples");
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_two_presets),
        cmocka_unit_test(the_learning_rate),
        cmocka_unit_test(the_presets_data),
        cmocka_unit_test(the_description),
        cmocka_unit_test(the_parameter_cap),
        cmocka_unit_test(the_loss_over_target_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
