/* Out of memory: every allocation the parser and the engine make fails in turn
 * (this program's malloc, calloc and realloc stand in for libc's), and each
 * failure must give a clean MG_ERR_NOMEM (or a NULL graph), never a crash, and
 * leak nothing once the graph and program are freed. Skipped where the
 * allocator can't be replaced (ASan, valgrind). */
#include <micrograd/parse.h>

#include <stdlib.h>
#include <string.h>

#include "test_common.h"

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

static long countdown = -1; /* allocations until the one that fails; -1 never */
static int counting;        /* allocations and live blocks are counted while set */
static long live, allocations;

static int fail_now(void)
{
    allocations += counting;
    if (countdown < 0)
        return 0;
    return countdown-- == 0;
}

void *malloc(size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __libc_malloc(n);
    live += p && counting;
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (fail_now())
        return NULL;
    void *p = __libc_calloc(n, size);
    live += p && counting;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __libc_realloc(old, n);
    live += !old && p && counting;
    return p;
}

void free(void *p)
{
    live -= p && counting;
    __libc_free(p);
}

static int can_fail(void)
{
    void *(*volatile alloc)(size_t) = malloc;
    countdown = 0;
    void *p = alloc(16);
    countdown = -1;
    free(p);
    return p == NULL;
}

/* Enough names for the hash table to grow, labels for the pool, deep nesting
 * for the parser's stacks, pow exponents, constants: every allocation site. */
static const char program[] =
    "a = 2.0; b = -3.0; c = 10\n"
    "e = a*b\nd = e + c\nf = -2.0\nL = d * f\n"
    "n01 = a; n02 = a; n03 = a; n04 = a; n05 = a; n06 = a; n07 = a; n08 = a\n"
    "n09 = a; n10 = a; n11 = a; n12 = a; n13 = a; n14 = a; n15 = a; n16 = a\n"
    "n17 = a; n18 = a; n19 = a; n20 = a; n21 = a; n22 = a; n23 = a; n24 = a\n"
    "n25 = a; n26 = a; n27 = a; n28 = a; n29 = a; n30 = a; n31 = a; n32 = a\n"
    "p = ((((((((((((((((((((a ** 2 + 1)))))))))))))))))))) * tanh(b) / exp(-c)\n"
    "q = 2*a + 3*b + 4*c + 5*d + 6*e + 7*f + 8*L + 9*p + relu(a) + sigmoid(b) + log(c)\n"
    "r = -q ** 3 ** 0.5\n";

/* Returns 1 when the parse succeeded with this allocation failing. */
static int parse_with_failure(long n)
{
    counting = 1;
    live = 0;
    allocations = 0;
    countdown = n;
    mg_graph *g = mg_graph_new();
    mg_program *p = NULL;
    mg_error d = {MG_OK, 0, 0, ""};
    if (g) {
        mg_parse(g, program, sizeof program - 1, &p, &d);
        if (p)
            mg_backward(g, mg_program_value(p, mg_program_root(p)));
    }
    countdown = -1;
    int ok = p != NULL;
    mg_status status = d.status;
    char message[256];
    memcpy(message, d.message, sizeof message);
    mg_program_free(p);
    mg_graph_free(g);
    counting = 0;
    if (live != 0)
        fail_msg("allocation %ld failing leaks %ld blocks", n, live);
    if (g && !ok) {
        if (status != MG_ERR_NOMEM)
            fail_msg("allocation %ld failing: status %d (%s), want MG_ERR_NOMEM", n, status, message);
        if (strstr(message, "out of memory") == NULL && strstr(message, "cannot") == NULL)
            fail_msg("allocation %ld failing: message '%s'", n, message);
    }
    return ok;
}

static void every_allocation_fails_in_turn(void **state)
{
    (void)state;
    if (!can_fail())
        skip();
    assert_true(parse_with_failure(-1));
    long total = allocations;
    /* Each allocation of the clean run fails in turn, and so does the parse:
     * none is ignored. */
    for (long n = 0; n < total; n++)
        if (parse_with_failure(n))
            fail_msg("allocation %ld of %ld failed, yet the parse succeeded", n, total);
    print_message("%ld allocations failed in turn\n", total);
    assert_true(total >= 10);
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 77; /* ASan owns malloc */
#else
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_fails_in_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
