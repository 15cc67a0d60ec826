/* What every libFuzzer target here shares: the entry point's declaration and
 * CHECK, which aborts on a broken invariant so libFuzzer records the input
 * like a crash. */
#ifndef MICROGRAD_FUZZ_H
#define MICROGRAD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

#endif
