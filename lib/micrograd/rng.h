/* micrograd's seeded random numbers: xoshiro256** seeded through splitmix64.
 * Integer arithmetic only for the raw stream and uniform doubles, so the same
 * seed gives the same weights on every machine and compiler.
 *
 *     mg_rng r;
 *     mg_rng_seed(&r, 1337);
 *     double w = mg_rng_range(&r, -1.0, 1.0);   // as random.uniform(-1, 1)
 */
#ifndef MICROGRAD_RNG_H
#define MICROGRAD_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The whole state; copy it to fork a stream. */
typedef struct mg_rng {
    uint64_t s[4];
} mg_rng;

/* Seeds the state from one number (splitmix64 spreads it over 256 bits, so
 * seed 0 is fine). Can't fail. */
MG_API void mg_rng_seed(mg_rng *r, uint64_t seed);
/* The next 64 random bits. */
MG_API uint64_t mg_rng_next(mg_rng *r);
/* A double uniform in [0, 1): the top 53 bits of the next draw times 2^-53. */
MG_API double mg_rng_uniform(mg_rng *r);
/* lo + (hi - lo) * mg_rng_uniform(r), Python's random.uniform(lo, hi). */
MG_API double mg_rng_range(mg_rng *r, double lo, double hi);
/* A whole number uniform in [0, n) without modulo bias; 0 when n is 0. */
MG_API uint64_t mg_rng_below(mg_rng *r, uint64_t n);
/* A standard normal draw (Marsaglia's polar method: needs only log and sqrt). */
MG_API double mg_rng_normal(mg_rng *r);

#ifdef __cplusplus
}
#endif

#endif
