/* rng tests: the streams of every seed, fixed bit for bit (splitmix64 seeding,
 * xoshiro256**), the uniform and ranged doubles, the first MLP weights they
 * give, and mg_rng_below's range. */
#include <micrograd/nn.h>
#include <micrograd/rng.h>

#include "test_common.h"

/* Expected values from an independent implementation of splitmix64 and
 * xoshiro256** (splitmix64(0)'s first output is the published 0xe220a8397b1dcdaf). */
static void rng_streams_are_fixed(void **state)
{
    (void)state;
    mg_rng r;
    mg_rng_seed(&r, 1337);
    assert_true(mg_rng_next(&r) == 0xad0aa0a04f822edcu);
    assert_true(mg_rng_next(&r) == 0xd0815851ce885defu);
    assert_true(mg_rng_next(&r) == 0xc70b17471e263e43u);
    mg_rng_seed(&r, 0);
    assert_true(mg_rng_next(&r) == 0x99ec5f36cb75f2b4u);
    assert_true(mg_rng_next(&r) == 0xbf6e1f784956452au);
    mg_rng_seed(&r, 1337);
    assert_same_double(mg_rng_uniform(&r), 0.6759434119590045);
    assert_same_double(mg_rng_range(&r, -1.0, 1.0), 0.6289472960898503);
    /* MLP weights: the first weights of seed 1337, in parameters() order */
    mg_graph *g = mg_graph_new();
    mg_rng_seed(&r, 1337);
    const size_t sizes[] = {2, 16, 16, 1};
    mg_mlp *m;
    assert_int_equal(mg_mlp_new(g, sizes, 4, MG_ACT_RELU, MG_ACT_LINEAR, &r, &m, NULL), MG_OK);
    const mg_value *p = mg_mlp_params(m);
    assert_same_double(mg_data(g, p[0]), 0.3518868239180091);
    assert_same_double(mg_data(g, p[1]), 0.6289472960898503);
    assert_same_double(mg_data(g, p[2]), 0.0); /* the bias */
    assert_same_double(mg_data(g, p[3]), 0.5550259682898273);
    for (size_t k = 0; k < mg_mlp_param_count(m); k++)
        assert_true(mg_data(g, p[k]) >= -1.0 && mg_data(g, p[k]) < 1.0);
    mg_mlp_free(m);
    mg_graph_free(g);
    /* below: every residue, nothing out of range */
    int seen[7] = {0};
    mg_rng_seed(&r, 5);
    for (int i = 0; i < 700; i++) {
        uint64_t v = mg_rng_below(&r, 7);
        assert_true(v < 7);
        seen[v]++;
    }
    for (int i = 0; i < 7; i++)
        assert_true(seen[i] > 60);
    assert_true(mg_rng_below(&r, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_streams_are_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
