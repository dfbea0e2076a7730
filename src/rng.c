#include "rng.h"

#include <math.h>

uint64_t sc_rng_quantize(double p)
{
    if (!(p > 0)) /* also NaN */
        return 0;
    if (p >= 1)
        return (uint64_t)1 << 32;
    /* p * 2^32 is exact in binary64; round half up to the nearest integer. */
    return (uint64_t)floor(p * 4294967296.0 + 0.5);
}

int sc_rng_categorical_table(const double *weights, uint32_t k, uint64_t *cum)
{
    double total = 0;
    if (k == 0)
        return -1;
    for (uint32_t i = 0; i < k; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0)
            return -1;
        total += weights[i];
    }
    if (!(total > 0) || !isfinite(total))
        return -1;
    double acc = 0;
    uint64_t prev = 0;
    for (uint32_t i = 0; i < k; i++) {
        acc += weights[i];
        uint64_t c = (i + 1 == k) ? (uint64_t)1 << 32 : sc_rng_quantize(acc / total);
        if (c < prev) /* rounding never decreases, but stay monotone whatever happens */
            c = prev;
        cum[i] = c;
        prev = c;
    }
    return 0;
}

uint32_t sc_rng_categorical(sc_rng *g, const uint64_t *cum, uint32_t k)
{
    uint64_t x = sc_rng_take(g, 32);
    uint32_t lo = 0, hi = k - 1; /* cum[k-1] = 2^32 > x */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x < cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
