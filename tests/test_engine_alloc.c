/* The engine's memory: a training loop that resets to a mark allocates nothing
 * after its first step, and mg_graph_reserve() makes room once. The engine's
 * objects are linked into this program with the linker's --wrap, so every
 * malloc, calloc and realloc they make is counted here (and can be made to
 * fail: a leaf whose label finds no memory is not made). */
#include <micrograd/engine.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

/* ---- the allocation counter ---------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static size_t allocations;
static int fail_next; /* 1: the next allocation fails */

static int failing(void)
{
    allocations++;
    int f = fail_next;
    fail_next = 0;
    return f;
}

void *__wrap_malloc(size_t size)
{
    return failing() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return failing() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return failing() ? NULL : __real_realloc(p, size);
}

/* ---- a small training loop, with everything a step can make -------------- */

#define NIN 3
#define HIDDEN 8
#define POINTS 12
#define PARAMS (HIDDEN * (NIN + 1) + HIDDEN + 1)

/* One step of a 3-8-1 tanh MLP on POINTS points, squared error through pow,
 * with labels and groups as the nn library and the pictures make them.
 * Returns the loss. */
static double train_step(mg_graph *g, const mg_value *p, int step)
{
    mg_value loss = mg_leaf_role(g, 0.0, MG_ROLE_CONST);
    for (int i = 0; i < POINTS; i++) {
        mg_value x[NIN];
        for (int j = 0; j < NIN; j++)
            x[j] = mg_leaf(g, (double)((i * 7 + j * 3) % 11) / 5.0 - 1.0, "x");
        mg_value out = p[PARAMS - 1];
        for (int h = 0; h < HIDDEN; h++) {
            const mg_value *w = p + h * (NIN + 1);
            mg_value act = w[NIN];
            for (int j = 0; j < NIN; j++) {
                act = mg_add(g, act, mg_mul(g, w[j], x[j]));
                mg_set_group(g, act, "layer 1/neuron");
            }
            mg_value hidden = mg_tanh(g, act);
            mg_set_label(g, hidden, "hidden");
            out = mg_add(g, out, mg_mul(g, p[HIDDEN * (NIN + 1) + h], hidden));
        }
        double target = i % 2 ? 1.0 : -1.0;
        loss = mg_add(g, loss, mg_pow(g, mg_sub_vd(g, out, target), 2.0));
    }
    for (int i = 0; i < PARAMS; i++)
        mg_set_grad(g, p[i], 0.0);
    mg_backward(g, loss);
    double lr = 0.05 / (1.0 + step);
    for (int i = 0; i < PARAMS; i++)
        mg_set_data(g, p[i], mg_data(g, p[i]) - lr * mg_grad(g, p[i]));
    return mg_data(g, loss);
}

static void training_allocates_only_in_its_first_step(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    mg_value p[PARAMS];
    for (int i = 0; i < PARAMS; i++)
        p[i] = mg_leaf_role(g, (double)((i * 37) % 19) / 19.0 - 0.5, MG_ROLE_PARAM);
    mg_mark mark = mg_graph_mark(g);
    double first = 0, last = 0;
    for (int step = 0; step < 30; step++) {
        mg_graph_reset(g, mark);
        size_t before = allocations;
        double loss = train_step(g, p, step);
        size_t made = allocations - before;
        if (step == 0) {
            first = loss;
            assert_true(made > 0); /* the counter sees the engine grow */
        } else {
            assert_int_equal(made, 0);
        }
        last = loss;
    }
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_true(last < first); /* it trained: the steps did real work */
    mg_graph_free(g);
}

static void reserve_allocates_once(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    size_t before = allocations;
    assert_int_equal(mg_graph_reserve(g, 100000), MG_OK);
    assert_int_equal(allocations - before, 1);
    mg_value y = mg_leaf(g, 1.0, NULL);
    mg_value k = mg_leaf(g, 0.5, NULL);
    for (int i = 0; i < 49999; i++)
        y = mg_add(g, mg_mul(g, y, k), k);
    assert_int_equal(mg_graph_size(g), 100000);
    assert_int_equal(mg_backward(g, y), MG_OK);
    assert_int_equal(allocations - before, 1);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

/* A leaf whose label cannot be stored is not made: MG_NONE, MG_ERR_NOMEM in
 * the graph, and the graph as it was (the label pool's first chunk is the
 * allocation that fails). */
static void leaf_without_room_for_its_label(void **state)
{
    (void)state;
    mg_graph *g = mg_graph_new();
    assert_int_equal(mg_graph_reserve(g, 16), MG_OK);
    mg_value a = mg_leaf(g, 1.0, NULL);
    size_t before = allocations;
    fail_next = 1;
    mg_value x = mg_leaf(g, 2.0, "x");
    assert_int_equal(allocations - before, 1);
    assert_false(mg_value_ok(x));
    assert_int_equal(mg_graph_size(g), 1);
    assert_int_equal(mg_graph_status(g), MG_ERR_NOMEM);
    assert_string_equal(mg_graph_error(g), "mg_leaf: out of memory for 256 bytes of labels");
    /* nothing of it stays: the next value takes its index, with no label */
    mg_value y = mg_add(g, a, a);
    assert_int_equal(y.index, 1);
    assert_null(mg_label(g, y, NULL));
    /* setters alike: the status is recorded, the first error kept */
    fail_next = 1;
    assert_int_equal(mg_set_label(g, a, "a"), MG_ERR_NOMEM);
    assert_null(mg_label(g, a, NULL));
    assert_string_equal(mg_graph_error(g), "mg_leaf: out of memory for 256 bytes of labels");
    mg_graph_clear_error(g);
    fail_next = 1;
    assert_int_equal(mg_set_group(g, a, "layer 1"), MG_ERR_NOMEM);
    assert_string_equal(mg_graph_error(g), "mg_set_group: out of memory for the group table");
    mg_graph_clear_error(g);
    fail_next = 1;
    assert_int_equal(mg_graph_reserve(g, 1000), MG_ERR_NOMEM);
    assert_string_equal(mg_graph_error(g), "mg_graph_reserve: out of memory for 1000 values");
    mg_graph_clear_error(g);
    /* and with memory back, all of it works */
    x = mg_leaf(g, 2.0, "x");
    assert_int_equal(x.index, 2);
    assert_string_equal(mg_label(g, x, NULL), "x");
    assert_int_equal(mg_set_group(g, x, "layer 1"), MG_OK);
    assert_int_equal(mg_graph_status(g), MG_OK);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(training_allocates_only_in_its_first_step),
        cmocka_unit_test(reserve_allocates_once),
        cmocka_unit_test(leaf_without_room_for_its_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
