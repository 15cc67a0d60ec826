/* The engine's memory: a training loop that resets to a mark allocates nothing
 * after its first step, and mg_graph_reserve() makes room once. The engine's
 * objects are linked into this program with the linker's --wrap, so every
 * malloc, calloc and realloc they make is counted here. */
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

void *__wrap_malloc(size_t size)
{
    allocations++;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    allocations++;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    allocations++;
    return __real_realloc(p, size);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(training_allocates_only_in_its_first_step),
        cmocka_unit_test(reserve_allocates_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
