/* Seeded, portable random numbers for weight initialisation and the moons
 * data: xoshiro256** (Blackman and Vigna) seeded by splitmix64. */
#include <micrograd/rng.h>

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void mg_rng_seed(mg_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t mg_rng_next(mg_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double mg_rng_uniform(mg_rng *r)
{
    return (double)(mg_rng_next(r) >> 11) * 0x1.0p-53;
}

double mg_rng_range(mg_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * mg_rng_uniform(r);
}

uint64_t mg_rng_below(mg_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Reject the top partial block of 2^64 so every residue is equally likely. */
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = mg_rng_next(r);
    while (x >= limit);
    return x % n;
}

double mg_rng_normal(mg_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * mg_rng_uniform(r) - 1.0;
        v = 2.0 * mg_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}
