/* Allocation-failure injection for the OOM tests: the library's objects are
 * linked into the test program with the linker's --wrap=malloc, calloc,
 * realloc and free, so every allocation our code makes comes here, and the
 * one numbered `fail_at` fails. Graphviz, cairo and libc allocate through the
 * real allocator (they are shared libraries, not wrapped), so only our own
 * allocation sites are failed, and our blocks are tracked by address: a block
 * someone else allocated and our code frees (open_memstream's buffer) is
 * simply passed on. Works under ASan and valgrind, whose malloc is the real
 * one here.
 *
 * A scenario is a function running a call sequence; it returns MG_OK, or the
 * first failure's status with the reason in *err, after freeing everything it
 * made. oom_every_allocation_fails() runs it once to count its allocations,
 * then once per allocation with that one failing, and checks each run: a
 * failure, MG_ERR_NOMEM, a message saying so, and no block of ours left. */
#ifndef MICROGRAD_TEST_OOM_H
#define MICROGRAD_TEST_OOM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/error.h>

#include "test_common.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

/* ---- the live set: our blocks, by address (open addressing, linear probing) -- */

#define OOM_SLOTS ((size_t)1 << 20)
static void **oom_slots; /* OOM_SLOTS entries, NULL = empty */
static size_t oom_live;  /* blocks allocated here and not yet freed */

static size_t oom_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return (size_t)x & (OOM_SLOTS - 1);
}

static void oom_track(void *p)
{
    if (!oom_slots)
        oom_slots = __real_calloc(OOM_SLOTS, sizeof *oom_slots);
    if (!oom_slots || oom_live + 1 >= OOM_SLOTS / 2)
        abort(); /* the test itself is out of room: never silently miscount */
    size_t i = oom_hash(p);
    while (oom_slots[i])
        i = (i + 1) & (OOM_SLOTS - 1);
    oom_slots[i] = p;
    oom_live++;
}

/* Forgets p; 1 if it was ours. Backward-shift deletion keeps probes intact. */
static int oom_untrack(void *p)
{
    if (!oom_slots || !p)
        return 0;
    size_t i = oom_hash(p);
    while (oom_slots[i] && oom_slots[i] != p)
        i = (i + 1) & (OOM_SLOTS - 1);
    if (!oom_slots[i])
        return 0;
    oom_slots[i] = NULL;
    oom_live--;
    for (size_t j = (i + 1) & (OOM_SLOTS - 1); oom_slots[j]; j = (j + 1) & (OOM_SLOTS - 1)) {
        size_t home = oom_hash(oom_slots[j]);
        /* move j back to i unless its home lies cyclically in (i, j] */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            oom_slots[i] = oom_slots[j];
            oom_slots[j] = NULL;
            i = j;
        }
    }
    return 1;
}

/* ---- the wrappers -------------------------------------------------------- */

static long oom_fail_at = -1; /* the allocation that fails (0-based); -1: none */
static long oom_count;        /* allocations made since oom_start */
static int oom_failed;        /* 1 once the chosen allocation failed */

static int oom_fail_now(void)
{
    if (oom_count++ != oom_fail_at)
        return 0;
    oom_failed = 1;
    return 1;
}

void *__wrap_malloc(size_t size)
{
    if (oom_fail_now())
        return NULL;
    void *p = __real_malloc(size);
    if (p)
        oom_track(p);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (oom_fail_now())
        return NULL;
    void *p = __real_calloc(n, size);
    if (p)
        oom_track(p);
    return p;
}

void *__wrap_realloc(void *old, size_t size)
{
    if (oom_fail_now())
        return NULL; /* old stays valid and ours, as realloc promises */
    int ours = oom_untrack(old);
    void *p = __real_realloc(old, size);
    if (p)
        oom_track(p);
    else if (ours)
        oom_track(old);
    return p;
}

void __wrap_free(void *p)
{
    oom_untrack(p);
    __real_free(p);
}

/* Counts from here, failing allocation fail_at (-1: none). */
static void oom_start(long fail_at)
{
    oom_fail_at = fail_at;
    oom_count = 0;
    oom_failed = 0;
}

/* Stops failing; returns the allocations made since oom_start. */
static long oom_stop(void)
{
    oom_fail_at = -1;
    return oom_count;
}

/* ---- the driver ---------------------------------------------------------- */

typedef mg_status (*oom_scenario)(mg_error *err);

/* 1 if a failure's message says what happened. */
static int oom_says_memory(const char *message)
{
    return strstr(message, "out of memory") != NULL || strstr(message, "cannot") != NULL;
}

/* Runs the scenario with allocation n failing (-1: none) and checks the run.
 * Returns the status. */
static mg_status oom_run(const char *name, oom_scenario run, long n, long *allocations)
{
    mg_error err;
    mg_error_clear(&err);
    size_t live_before = oom_live;
    oom_start(n);
    mg_status s = run(&err);
    long made = oom_stop();
    if (allocations)
        *allocations = made;
    if (oom_live != live_before)
        fail_msg("%s: allocation %ld failing leaks %zu blocks", name, n,
                 oom_live - live_before);
    if (s == MG_OK)
        return s;
    if (n < 0)
        fail_msg("%s failed with no allocation failing: %s", name, err.message);
    if (!oom_failed)
        fail_msg("%s: allocation %ld was never made, yet the run failed: %s", name, n,
                 err.message);
    if (s != MG_ERR_NOMEM || err.status != s)
        fail_msg("%s: allocation %ld failing: status %d (%s), want MG_ERR_NOMEM", name, n, s,
                 err.message);
    if (!oom_says_memory(err.message) || strchr(err.message, '\n'))
        fail_msg("%s: allocation %ld failing: message '%s'", name, n, err.message);
    return s;
}

/* Every allocation of the scenario's clean run fails in turn, and so does the
 * run: none is ignored. Returns how many there are. */
static long oom_every_allocation_fails(const char *name, oom_scenario run)
{
    long total = 0;
    assert_int_equal(oom_run(name, run, -1, &total), MG_OK);
    for (long n = 0; n < total; n++)
        if (oom_run(name, run, n, NULL) == MG_OK)
            fail_msg("%s: allocation %ld of %ld failed, yet the run succeeded", name, n, total);
    print_message("%s: %ld allocations failed in turn\n", name, total);
    return total;
}

/* A scenario's end: the graph's sticky status must be the failure the calls
 * returned, with the same message (the first error recorded). Copies the
 * graph's error to err and returns its status. */
#define OOM_GRAPH_RESULT(g, err, s)                                                   \
    do {                                                                              \
        if ((s) != MG_OK) {                                                           \
            if (mg_graph_status(g) != (s))                                            \
                fail_msg("the call failed with %d but the graph says %d (%s)", (int)(s), \
                         (int)mg_graph_status(g), mg_graph_error(g));                 \
            if ((err)->status == MG_OK)                                               \
                mg_error_set((err), (s), 0, 0, "%s", mg_graph_error(g));              \
        }                                                                             \
    } while (0)

#endif
