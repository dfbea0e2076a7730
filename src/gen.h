/* Labelled datasets: sampling fused with simulation (the `shortcut gen` hot path), and the
 * flip-flop language FFL of the attention-glitches paper.
 *
 * Row r of a dataset depends only on (seed, r, the arguments): its tokens come from RNG stream
 * (seed, r, SC_STREAM_TOKENS) and, with --random-length, its length from stream
 * (seed, r, SC_STREAM_LENGTH) (src/rng.h has the exact definition). Consequences: shards and
 * chunks of rows interleave back to the full dataset byte for byte; the result does not
 * depend on the thread count; and a --random-length row of length L is the first L tokens of
 * the fixed-length row with the same seed and index, padded with -1.
 *
 * Labels are q_1..q_T (DESIGN.md §3): labels[t] = state after reading inputs[0..t].
 *
 * SAMPLERS (per row; draws from the row's token stream in this order):
 *  IID uniform   each token uniform(k) (exact; 16-bit chunks when k <= 256, else 32-bit).
 *  IID weights   each token categorical(weights), weights quantised to multiples of 2^-32.
 *  ABAB          first one bernoulli(pattern_prob) draw (32-bit chunk, 2^-32 quantisation):
 *                if 1 the row is 0,1,0,1,... (no further draws); else tokens are i.i.d. from
 *                the sampler's weights (categorical) or uniform(k) when the sampler is uniform.
 *  DYCK          bounded Dyck, types τ, depth D, symbols open_i = i, close_i = τ+i (i < τ).
 *                A generator of valid-prefix-heavy strings, driven by the current state's
 *                stack (depth d, top type): per token,
 *                  - state is the reject state:         uniform(2τ);
 *                  - else with probability ε = min(1/2, 2/T) (2^-32 quantised, one 32-bit
 *                    draw every token): a NOISE token uniform(2τ) (may reject);
 *                  - else a valid move: d = 0 -> open uniform(τ); d = D -> close the top;
 *                    otherwise bernoulli(1/2) (one 32-bit draw): 1 = close the top,
 *                    0 = open uniform(τ).
 *                So every prefix before the first noise token is valid, the depth performs a
 *                reflected random walk over 0..D, a row holds 2 noise tokens on average, and
 *                about 1 - e^(-2c) of the rows reach the reject state (c = the fraction of
 *                noise tokens that are invalid, about 1/3 for 2 types: ~50%), at a position
 *                roughly uniform over the row.
 *                The stack of each state is found by a search from q0 at preparation time
 *                (the automaton must behave as a bounded Dyck automaton; otherwise rejected).
 * `--sampling uniform` replaces any of these by IID uniform.
 *
 * FFL(T; p_w, p_r, p_i): tokens w r i 0 1 = 0 1 2 3 4; T = the number of TOKENS (even, >= 4),
 * i.e. T/2 instruction/bit pairs. Pair 0 has instruction w, pair T/2-1 has instruction r, the
 * other instructions are categorical(p_w, p_r, p_i) (one 32-bit draw, 2^-32 quantisation).
 * The bit after w or i is uniform(2) (one 16-bit chunk); the bit after r is the last written
 * bit. labels[t] = that bit (0 or 1) at each position t holding the bit after an r, and -1
 * elsewhere (a next-token model at position t-1 is scored against labels[t]).
 */
#ifndef SC_GEN_H
#define SC_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "automaton.h"
#include "catalog.h"
#include "error.h"
#include "rng.h"

/* A prepared generator (tables built once by sc_gen_init; read-only afterwards, so threads
 * may share it). */
typedef struct sc_gen {
    uint32_t n, k, q0;
    size_t T;             /* row length */
    sc_sample_kind kind;
    int uniform;          /* i.i.d. part exactly uniform */
    uint32_t *next;       /* n*k, q-major: next[q*k + s] = δ(q,s)*k */
    sc_state *label;      /* n*k, q-major: label[q*k + s] = δ(q,s) */
    int32_t *label32;     /* the same as int32 when k <= 256 (hot path), else NULL */
    uint64_t *cum;        /* k cumulative thresholds when !uniform, else NULL */
    uint64_t pattern_P;   /* ABAB */
    uint32_t dyck_types, dyck_depth;
    uint32_t *dyck_info;  /* n entries: SC_DYCK_REJECT, or depth | top << 16 */
    uint64_t noise_P;     /* DYCK noise probability, quantised */
} sc_gen;

#define SC_DYCK_REJECT 0xFFFFFFFFu

/* Prepare g for automaton a sampled by s (or uniformly when force_uniform), rows of length
 * T >= 1. 0, or an exit code with a message (SC_EXIT_REJECTED: sampler inconsistent with the
 * automaton; SC_EXIT_LIMIT: out of memory). */
int sc_gen_init(sc_gen *g, const sc_automaton *a, const sc_sampler *s, int force_uniform,
                size_t T, sc_error *err);
void sc_gen_free(sc_gen *g);

/* Fill nrows rows; output row j (inputs/labels + j*T, lengths[j]) is dataset row
 * row0 + j*stride. lengths == NULL: every row has length T. Otherwise each length is
 * uniform(T) + 1 (exact; stream SC_STREAM_LENGTH), positions >= length hold -1 in both
 * inputs and labels. Allocates nothing. */
void sc_gen_fill(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride, size_t nrows,
                 int32_t *inputs, int32_t *labels, int32_t *lengths);
/* The same rows through the plain per-row path only (no interleaving): the definition the
 * fast path is tested against. */
void sc_gen_fill_reference(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride,
                           size_t nrows, int32_t *inputs, int32_t *labels, int32_t *lengths);

/* Flip-flop language. */
typedef struct sc_ffl {
    size_t T;          /* tokens per row, even, >= 4 */
    uint64_t cum[3];   /* quantised cumulative thresholds of (p_w, p_r, p_i) */
} sc_ffl;

enum { SC_FFL_W = 0, SC_FFL_R = 1, SC_FFL_I = 2, SC_FFL_0 = 3, SC_FFL_1 = 4 };

/* 0, or SC_EXIT_USAGE (T odd or < 4) / SC_EXIT_REJECTED (bad probabilities) with a message.
 * The probabilities are normalised by their sum. */
int sc_ffl_init(sc_ffl *f, size_t T, double p_w, double p_r, double p_i, sc_error *err);
void sc_ffl_fill(const sc_ffl *f, uint64_t seed, uint64_t row0, uint64_t stride, size_t nrows,
                 int32_t *inputs, int32_t *labels);

#endif
