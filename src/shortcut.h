/* Constant-depth shortcuts (issue 4 item 2): the talk's O(1)-layer constructions, each as an
 * explicit parallel algorithm over positions t = 0..T-1, computed exactly in integers.
 *
 * Model of parallel computation ("layers"). Each construction is a fixed program of steps:
 *   map      — a function applied to every position independently (an MLP / the embedding);
 *   scan     — one communication step: for every position t at once, an aggregate over the
 *              positions u <= t of the previous step's values: a prefix sum or count (the talk
 *              counts an attention-computable average as one step), a prefix max/min, a
 *              prefix arg-max that also returns the winner's value, or a keyed look-up "the
 *              last u <= t whose key equals a value of t" (hard attention). Several scans over
 *              the same inputs side by side (heads) form one step.
 * The layer count is the number of scan steps (a Transformer layer = attention + MLP; maps
 * before the first scan are the embedding, maps after a scan are that layer's MLP). It is a
 * constant of the construction, independent of T. `sc_sh_program` lists every step.
 * The kernels evaluate each step with a sequential loop over positions (a scan as a running
 * aggregate); what makes them constant-depth is the data flow, which the program records:
 * every value at position t depends only on the previous step's values at positions <= t.
 *
 * Conventions as sc_run (simulate.h): delta symbol-major, labels[t] = q_{t+1}; a kernel
 * first finds the first symbol out of 0..k-1 (a map step) and computes the labels of the
 * prefix before it; it returns how many labels it wrote (T when the word is valid) and leaves
 * the rest untouched. Kernels allocate nothing (the caller passes scratch of the documented
 * length), report by return value, and receive their structure (increments, flips, steps,
 * resets) from the recogniser below; the contracts state the structure as a precondition on
 * delta, and the result as labels == sc_fold (spec/fold.acsl). Proofs: proofs/prove_shortcut.sh,
 * report: proofs/REPORT_shortcut.md. */
#ifndef SC_SHORTCUT_H
#define SC_SHORTCUT_H

#include <stddef.h>
#include <stdint.h>

#include "automaton.h"
#include "error.h"
#include "transf.h"
#include "../spec/fold.acsl"
#include "../spec/shortcut.acsl"

/* Longest word a kernel accepts (labels are int32, prefix sums int64 without overflow). */
#define SC_SH_MAX_T 0x7fffffffu
/* Most cyclic factors of an abelian construction (C2^15 has 15). */
#define SC_SH_MAX_FACTORS 16u

typedef enum {
    SC_SH_ABELIAN = 0, /* product of cyclic groups: prefix counts, then mod   — 1 layer  */
    SC_SH_CAR,         /* dihedral / car on a circle: parity, then signed sum — 2 layers */
    SC_SH_GRIDWORLD,   /* clamped walk: boundary detection                    — 3 layers */
    SC_SH_LAST_WRITE,  /* flip-flop, memory (identity/constant maps)          — 1 layer  */
    SC_SH_KINDS
} sc_sh_kind;

#define SC_SH_LAYERS_ABELIAN 1u
#define SC_SH_LAYERS_CAR 2u
#define SC_SH_LAYERS_GRIDWORLD 3u
#define SC_SH_LAYERS_LAST_WRITE 1u

/* The program of a construction: its steps in order, each "map: ..." or "scan: ...". */
typedef struct sc_sh_program {
    const char *name;      /* "abelian", "car", "gridworld", "last-write" */
    const char *summary;   /* one line */
    uint32_t layers;       /* number of scan steps */
    uint32_t nsteps;
    const char *steps[8];
} sc_sh_program;

const sc_sh_program *sc_sh_program_of(sc_sh_kind kind);

/* Scratch (int64 entries) a kernel needs for a word of length T. */
size_t sc_sh_scratch_len(sc_sh_kind kind, size_t T);

/* ---------------------------------------------------------------------------------------- */
/* Kernels                                                                                  */

/* (d) Reset automata — flip-flop, 1-bit memory: δ_s is the identity (reset[s] < 0) or the
 * constant map to reset[s]. Steps: map (mark writes: position t if reset[w_t] >= 0, else -1);
 * scan (prefix arg-max of the marks, returning the value written at the winner: the last
 * write up to t); map (that value, or q0 when there is none). 1 layer. Scratch: T entries. */
/*@ requires sh_n_range: 1 <= n <= SC_MAX_STATES;
    requires sh_k_range: 1 <= k <= 65535;
    requires sh_T_range: T <= SC_SH_MAX_T;
    requires sh_q0_state: q0 < n;
    requires sh_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires sh_reset_readable: \valid_read(reset + (0 .. k - 1));
    requires sh_reset_range: sc_reset_range(n, k, reset);
    requires sh_structure: sc_is_reset(n, k, delta, reset);
    requires sh_word_readable: \valid_read(word + (0 .. T - 1));
    requires sh_labels_writable: \valid(labels + (0 .. T - 1));
    requires sh_scratch_writable: \valid(scratch + (0 .. T - 1));
    requires sh_layers_writable: \valid(layers);
    requires sh_apart:
      \separated(labels + (0 .. T - 1), scratch + (0 .. T - 1), layers,
                 word + (0 .. T - 1), reset + (0 .. k - 1), delta + (0 .. k*n - 1));
    assigns labels[0 .. T - 1], scratch[0 .. T - 1], *layers;
    ensures sh_result_range: \result <= T;
    ensures sh_prefix_in_range: sc_word_ok{Pre}(k, word, \result);
    ensures sh_first_bad: \result < T ==> word[\result] < 0 || word[\result] >= k;
    ensures sh_labels_fold:
      \forall integer t; 0 <= t < \result ==> labels[t] == sc_fold{Pre}(n, delta, word, t + 1, q0);
    ensures sh_labels_rest:
      \forall integer t; \result <= t < T ==> labels[t] == \old(labels[t]);
    ensures sh_layers: *layers == SC_SH_LAYERS_LAST_WRITE; */
size_t sc_sh_last_write(size_t n, size_t k, const sc_state *delta, const int32_t *reset,
                        sc_state q0, const int32_t *word, size_t T, int32_t *labels,
                        int64_t *scratch, uint32_t *layers);

/* (a) Cyclic group Z_n (parity, cyclic:n,actions): δ_s(q) = (q + inc[s]) mod n.
 * Steps: map (token -> inc); scan (prefix sum P_t); map ((q0 + P_t) mod n). 1 layer.
 * Scratch: T entries. */
/*@ requires sh_n_range: 1 <= n <= SC_MAX_STATES;
    requires sh_k_range: 1 <= k <= 65535;
    requires sh_T_range: T <= SC_SH_MAX_T;
    requires sh_q0_state: q0 < n;
    requires sh_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires sh_inc_readable: \valid_read(inc + (0 .. k - 1));
    requires sh_inc_range: sc_inc_range(n, k, inc);
    requires sh_structure: sc_is_cyclic(n, k, delta, inc);
    requires sh_word_readable: \valid_read(word + (0 .. T - 1));
    requires sh_labels_writable: \valid(labels + (0 .. T - 1));
    requires sh_scratch_writable: \valid(scratch + (0 .. T - 1));
    requires sh_layers_writable: \valid(layers);
    requires sh_apart:
      \separated(labels + (0 .. T - 1), scratch + (0 .. T - 1), layers,
                 word + (0 .. T - 1), inc + (0 .. k - 1), delta + (0 .. k*n - 1));
    assigns labels[0 .. T - 1], scratch[0 .. T - 1], *layers;
    ensures sh_result_range: \result <= T;
    ensures sh_prefix_in_range: sc_word_ok{Pre}(k, word, \result);
    ensures sh_first_bad: \result < T ==> word[\result] < 0 || word[\result] >= k;
    ensures sh_labels_fold:
      \forall integer t; 0 <= t < \result ==> labels[t] == sc_fold{Pre}(n, delta, word, t + 1, q0);
    ensures sh_labels_rest:
      \forall integer t; \result <= t < T ==> labels[t] == \old(labels[t]);
    ensures sh_layers: *layers == SC_SH_LAYERS_ABELIAN; */
size_t sc_sh_cyclic(size_t n, size_t k, const sc_state *delta, const uint32_t *inc,
                    sc_state q0, const int32_t *word, size_t T, int32_t *labels,
                    int64_t *scratch, uint32_t *layers);

/* (a) Product of r cyclic groups Z_{mod[0]} x ... x Z_{mod[r-1]} in mixed radix:
 * state = Σ_j digit_j * stride[j]; δ_s adds inc[s*r + j] to digit j (mod mod[j]).
 * Steps: map (token -> increment vector); scan (r prefix sums side by side: one step);
 * map (digit_j = (d0_j + P_j) mod m_j, state = Σ digit_j stride_j). 1 layer.
 * Scratch: T entries. Requires 1 <= r <= SC_SH_MAX_FACTORS, Π mod = n, strides the mixed
 * radix of mod, every inc < its modulus, q0 < n; the recogniser checks δ against this.
 * Not proved by WP (tests: equal to sc_run); for r = 1 use sc_sh_cyclic, which is. */
size_t sc_sh_abelian(size_t n, size_t k, size_t r, const uint32_t *mod, const uint32_t *stride,
                     const uint32_t *inc, sc_state q0, const int32_t *word, size_t T,
                     int32_t *labels, int64_t *scratch, uint32_t *layers);

/* (b) Car on a circle / dihedral group D_2m on 2m states, state = m*toggle + position:
 * δ_s(τ, p) = (τ xor flip[s], p + (-1)^τ shift[s] mod m) — U-turn is (1, 0), drive (0, 1).
 * Steps: map (token -> flip, shift); scan (prefix count F_t of flips up to t); map (signed
 * step: shift[w_t] * (-1)^(τ0 + F_t - flip[w_t]), the sign from the flips strictly BEFORE t);
 * scan (prefix sum V_t); map (τ = (τ0 + F_t) mod 2, p = (p0 + V_t) mod m). 2 layers.
 * Scratch: 2T entries. Requires 1 <= m, 2m <= SC_MAX_STATES, flip[s] <= 1, shift[s] < m. */
size_t sc_sh_car(size_t m, size_t k, const uint8_t *flip, const uint32_t *shift, sc_state q0,
                 const int32_t *word, size_t T, int32_t *labels, int64_t *scratch,
                 uint32_t *layers);

/* (c) 1-d gridworld on 0..n-1: δ_s(q) = clamp(q + step[s], 0, n-1), step[s] ∈ {-1, 0, +1}.
 * With S_0 = 0, S_t = step[w_0] + ... + step[w_{t-1}] (t = 0..T):
 *   L(b)  = the last a <= b with S_a = S_b + (n-1) or S_a = S_b - (n-1), or -1: the
 *           "boundary detection" — the window [L(b), b] of the free walk spans n-1, so the
 *           clamped walk touched a wall in it;
 *   v(t)  = max_{b <= t} L(b) = the last v with max S[v..t] - min S[v..t] >= n-1;
 *   if v(t) >= 0: S_v is the strict maximum (S_v > S_t) or minimum of S[v..t], which spans
 *           exactly n-1, and q_t = S_t - S_v + (n-1) (maximum) or S_t - S_v (minimum; n = 1
 *           gives S_v = S_t and q_t = 0);
 *   else  (S[0..t] spans < n-1, so at most one wall is ever touched):
 *           q_t = q0 + S_t + max(0, -(q0 + min S[0..t])) - max(0, q0 + max S[0..t] - (n-1)).
 * Steps: map (token -> step); scan (prefix sum S); scan (look-up L(b) with its value
 * S_{L(b)}, and prefix min / max of S: three heads); scan (prefix arg-max of L returning
 * S_{L}); map (the formula). 3 layers. Scratch: 7T + 6 entries.
 * Proof of the formula: proofs/REPORT_shortcut.md; tested exhaustively and at random. */
size_t sc_sh_gridworld(size_t n, size_t k, const int8_t *step, sc_state q0,
                       const int32_t *word, size_t T, int32_t *labels, int64_t *scratch,
                       uint32_t *layers);

/* ---------------------------------------------------------------------------------------- */
/* Recognition (outer layer): how a construction gets its structure from an automaton.      */

typedef struct sc_sh_plan {
    sc_sh_kind kind;
    uint32_t n, k;       /* of the automaton */
    uint32_t r;          /* ABELIAN: number of cyclic factors */
    uint32_t mod[SC_SH_MAX_FACTORS], stride[SC_SH_MAX_FACTORS];
    uint32_t *inc;       /* ABELIAN: k*r increments, symbol-major; CAR: k shifts */
    uint8_t *flip;       /* CAR: k flips */
    int8_t *step;        /* GRIDWORLD: k steps in {-1,0,1} */
    int32_t *reset;      /* LAST_WRITE: k targets, -1 = identity */
    char structure[160]; /* human-readable, e.g. "Z_2 x Z_2 x Z_2 (bit flips)" */
} sc_sh_plan;

/* Decide whether automaton a has the structure `kind` needs, reading only its δ tables:
 *   ABELIAN    — δ_s(q) = (q + c_s) mod n for all s (Z_n, c_s = δ_s(0)); or n = 2^r and
 *                δ_s(q) = q xor c_s (Z_2^r, the encoding of product:k); otherwise refused;
 *   CAR        — n = 2m and δ_s(τ,p) = (τ xor f_s, p + (-1)^τ c_s mod m) with (f_s, c_s)
 *                read off δ_s(0);
 *   GRIDWORLD  — every δ_s is the identity, clamped left or clamped right;
 *   LAST_WRITE — every δ_s is the identity or a constant map.
 * Checks every entry of δ. 0 on success; SC_EXIT_REJECTED with a message naming the symbol
 * and state that break the structure; SC_EXIT_LIMIT on out of memory. */
int sc_sh_recognise(const sc_automaton *a, sc_sh_kind kind, sc_sh_plan *plan, sc_error *err);
void sc_sh_plan_free(sc_sh_plan *plan);

/* Run the plan's kernel on one word (scratch: sc_sh_scratch_len(plan->kind, T) entries).
 * Returns the number of labels written (T, or the first bad position) and sets *layers. */
size_t sc_sh_run(const sc_sh_plan *plan, const sc_automaton *a, const int32_t *word, size_t T,
                 int32_t *labels, int64_t *scratch, uint32_t *layers);

#endif
