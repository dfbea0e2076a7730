/* Reproducible random numbers for `shortcut gen`: one independent stream per (seed, row,
 * stream id), so that row r of a dataset depends only on (seed, r, arguments) and any subset of
 * rows (a shard, a chunk, a thread's slice) can be generated on its own, byte for byte.
 *
 * DEFINITION (fixed: datasets depend on it; changing it changes every dataset).
 *   γ = 0x9E3779B97F4A7C15,  mix(z) = the SplitMix64 finaliser:
 *       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
 *       return z ^ (z >> 31)                                   (all arithmetic mod 2^64)
 *   Row stream initial state (stream id 0 = tokens, 1 = the row's length for --random-length):
 *       u = mix(seed + γ);   state(seed, row, id) = mix(u + γ * (2*row + id + 1))
 *   i.e. the row's state is output number 2*row+id+1 of the SplitMix64 generator seeded with
 *   u. The stream then is SplitMix64 itself: next() { state += γ; return mix(state); }.
 *
 * Words are consumed as CHUNKS of w = 16 or 32 bits, low bits first: take(w) refills the
 * 64-bit buffer with next() when fewer than w unused bits remain (the leftover bits are
 * dropped), returns the low w bits and shifts them out.
 *
 * Exact uniform integers (Lemire's multiply-and-reject, exact, no modulo bias):
 *   uniform(k), 1 <= k <= 2^32 - 1 ... (k <= 65535 in practice): w = 16 if k <= 256, else 32;
 *   repeat { x = take(w); m = x*k; } while ((m mod 2^w) < (2^w mod k)); return m >> w.
 *   Every value in 0..k-1 has probability exactly 1/k. With w = 16 one 64-bit word yields
 *   four symbols; rejection has probability (2^16 mod k)/2^16 < 2^-8 (0 when k is a power of 2).
 * Bernoulli and categorical draws use probabilities QUANTISED TO MULTIPLES OF 2^-32:
 *   P = nearest integer to p*2^32 (in [0, 2^32]); bernoulli(P) = (take(32) < P).
 *   categorical over k outcomes: cumulative thresholds C_i = nearest integer to
 *   (w_0+...+w_i)/W * 2^32 (C_{k-1} = 2^32 exactly); outcome = least i with take(32) < C_i,
 *   so P(i) = (C_i - C_{i-1}) / 2^32 exactly.
 */
#ifndef SC_RNG_H
#define SC_RNG_H

#include <stddef.h>
#include <stdint.h>

#define SC_RNG_GAMMA 0x9E3779B97F4A7C15ull

enum { SC_STREAM_TOKENS = 0, SC_STREAM_LENGTH = 1 };

typedef struct sc_rng {
    uint64_t state; /* SplitMix64 state */
    uint64_t buf;   /* unused bits of the current word, low bits first */
    unsigned avail; /* number of unused bits in buf */
} sc_rng;

static inline uint64_t sc_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Initial SplitMix64 state of stream `id` of row `row` (see the definition above). */
static inline uint64_t sc_rng_row_state(uint64_t seed, uint64_t row, unsigned id)
{
    uint64_t u = sc_mix64(seed + SC_RNG_GAMMA);
    return sc_mix64(u + SC_RNG_GAMMA * (2 * row + id + 1));
}

static inline void sc_rng_init(sc_rng *g, uint64_t seed, uint64_t row, unsigned id)
{
    g->state = sc_rng_row_state(seed, row, id);
    g->buf = 0;
    g->avail = 0;
}

static inline uint64_t sc_rng_next(sc_rng *g)
{
    g->state += SC_RNG_GAMMA;
    return sc_mix64(g->state);
}

/* The low w bits (w = 16 or 32) of the chunk stream. */
static inline uint32_t sc_rng_take(sc_rng *g, unsigned w)
{
    if (g->avail < w) {
        g->buf = sc_rng_next(g);
        g->avail = 64;
    }
    uint32_t x = (uint32_t)(g->buf & ((1ull << w) - 1));
    g->buf >>= w;
    g->avail -= w;
    return x;
}

/* Chunk width used by sc_rng_uniform for k symbols. */
static inline unsigned sc_rng_uniform_width(uint32_t k) { return k <= 256 ? 16u : 32u; }

/* Exactly uniform in 0..k-1, 1 <= k <= 65535 (k up to 2^32-1 also exact). */
static inline uint32_t sc_rng_uniform(sc_rng *g, uint32_t k)
{
    unsigned w = sc_rng_uniform_width(k);
    uint64_t mask = (1ull << w) - 1;
    uint64_t thr = ((uint64_t)1 << w) % k; /* 2^w mod k */
    for (;;) {
        uint64_t m = (uint64_t)sc_rng_take(g, w) * k;
        if ((m & mask) >= thr)
            return (uint32_t)(m >> w);
    }
}

/* p in [0,1] -> nearest multiple of 2^-32, as an integer in [0, 2^32]. NaN/negatives -> 0. */
uint64_t sc_rng_quantize(double p);
/* 1 with probability P / 2^32 (P from sc_rng_quantize). */
static inline int sc_rng_bernoulli(sc_rng *g, uint64_t P) { return (uint64_t)sc_rng_take(g, 32) < P; }

/* cum[0..k-1]: cumulative quantised thresholds (see above); 0 on success, -1 when the
 * weights are not finite and non-negative with a positive sum. */
int sc_rng_categorical_table(const double *weights, uint32_t k, uint64_t *cum);
/* Least i with take(32) < cum[i] (binary search). */
uint32_t sc_rng_categorical(sc_rng *g, const uint64_t *cum, uint32_t k);

#endif
