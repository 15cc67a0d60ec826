/* Size: a 10,000,000-value chain and a 1,000,000-term sum, forward and
 * backward, with exact results and the process's peak memory bounded. */
#include <micrograd/engine.h>

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "test_common.h"

/* ASan's shadow memory and redzones add to the peak: bound that build loosely. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_LIMIT_MB 2048
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_LIMIT_MB 2048
#endif
#endif
#ifndef RSS_LIMIT_MB
#define RSS_LIMIT_MB (2 * 320 + 100)
#endif

#define CHAIN 10000000u
#define TERMS 1000000u

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* x -> x*k + c, 5,000,000 times: 10,000,002 values. With k = 1 and c = 0.5
 * every step is exact: data = x + 0.5 n, d/dx = 1, d/dc = n, d/dk = sum of the
 * intermediate values. The arena is 32 bytes a value: the peak stays under
 * 2 x 320 MB plus the program, however the storage grows (RSS_LIMIT_MB). */
static void chain_of_ten_million(void **state)
{
    (void)state;
    double t0 = seconds();
    mg_graph *g = mg_graph_new();
    mg_value x = mg_leaf(g, 1.0, "x");
    mg_value k = mg_leaf(g, 1.0, "k");
    mg_value c = mg_leaf(g, 0.5, "c");
    mg_value v = x;
    const unsigned steps = (CHAIN - 2) / 2;
    for (unsigned i = 0; i < steps; i++)
        v = mg_add(g, mg_mul(g, v, k), c);
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_true(mg_graph_size(g) >= CHAIN);
    assert_same_double(mg_data(g, v), 1.0 + 0.5 * steps);
    double t1 = seconds();
    assert_int_equal(mg_backward(g, v), MG_OK);
    assert_same_double(mg_grad(g, x), 1.0);
    assert_same_double(mg_grad(g, c), (double)steps);
    /* d/dk = sum over steps of the value multiplied: 1, 1.5, 2, ... */
    assert_same_double(mg_grad(g, k), steps * 1.0 + 0.5 * ((double)steps * (steps - 1)) / 2.0);
    double t2 = seconds();
    mg_set_data(g, x, 2.0);
    mg_forward(g);
    assert_same_double(mg_data(g, v), 2.0 + 0.5 * steps);
    double t3 = seconds();
    long rss = peak_rss_mb();
    print_message("chain: %zu values, %zu MB arena; build %.2f s, backward %.2f s, forward %.2f s; "
                  "peak RSS %ld MB\n", mg_graph_size(g), mg_graph_bytes(g) >> 20, t1 - t0,
                  t2 - t1, t3 - t2, rss);
    assert_true(rss < RSS_LIMIT_MB);
    mg_graph_free(g);
}

/* s = x_1 + ... + x_n with x_i = i: s = n(n+1)/2 exactly, every d s / d x_i
 * = 1; then with x_i = 1/i, mg_forward gives the harmonic number in the same
 * order of additions as a plain loop. */
static void sum_of_a_million_terms(void **state)
{
    (void)state;
    double t0 = seconds();
    mg_graph *g = mg_graph_new();
    mg_value *x = malloc(TERMS * sizeof *x);
    assert_non_null(x);
    for (unsigned i = 0; i < TERMS; i++)
        x[i] = mg_leaf_role(g, (double)(i + 1), MG_ROLE_INPUT);
    mg_value s = x[0];
    for (unsigned i = 1; i < TERMS; i++)
        s = mg_add(g, s, x[i]);
    assert_int_equal(mg_graph_status(g), MG_OK);
    assert_same_double(mg_data(g, s), (double)TERMS * (TERMS + 1) / 2.0);
    assert_int_equal(mg_backward(g, s), MG_OK);
    for (unsigned i = 0; i < TERMS; i++)
        if (mg_grad(g, x[i]) != 1.0)
            fail_msg("grad of x_%u is %.17g, want 1", i + 1, mg_grad(g, x[i]));
    double h = 0.0;
    for (unsigned i = 0; i < TERMS; i++) {
        mg_set_data(g, x[i], 1.0 / (i + 1));
        h += 1.0 / (i + 1);
    }
    mg_forward(g);
    assert_same_double(mg_data(g, s), h);
    print_message("sum: %u terms, %zu values in %.2f s\n", TERMS, mg_graph_size(g), seconds() - t0);
    free(x);
    mg_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_of_ten_million),
        cmocka_unit_test(sum_of_a_million_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
