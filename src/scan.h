/* Associative scan (DESIGN.md §3, Theorem 1 of the talk): prefix products
 * P_t = x_1 * x_2 * ... * x_t (t = 1..T) of an associative operation, by three methods:
 *   sequential     the fold P_t = P_{t-1} * x_t: T-1 rounds, T-1 operations;
 *   hillis-steele  ceil(log2 T) rounds (offsets 1, 2, 4, ...), sum_r (T - 2^r) operations;
 *   blelloch       work-efficient contraction scan: pair up neighbours (one round), scan the
 *                  T/2 pair products recursively, expand (one round): at most
 *                  2 floor(log2 T) <= 2 ceil(log2 T) rounds and at most 2T operations
 *                  (Blelloch 1990, "Prefix sums and their applications"; it is the up-sweep /
 *                  down-sweep tree with each level stored contiguously).
 * "Rounds" = parallel depth (rounds holding at least one operation); "work" = number of binary
 * operations. Both depend only on T and the method, never on the thread count.
 *
 * Two layers:
 *  - Proved kernels (WP, proofs/prove_scan.sh): transformations of n <= SC_SCAN_NMAX states in
 *    the fixed-capacity layout sc_tf, single-threaded, contracts below in terms of the logic
 *    fold of spec/fold.acsl.
 *  - The general driver sc_scan_run: any element size and operation (transformations of up to
 *    SC_MAX_STATES states, 0/1 function matrices, exact integer and dyadic sums), each round
 *    split over `threads` POSIX threads; results are identical for every thread count (the
 *    same operations on the same operands, only distributed). Not WP-proved; tested against
 *    the proved kernels and the sequential definition (tests/unit/check_scan.c).
 * Kernels allocate no memory: the caller passes every buffer, scratch included (the driver
 * starts threads when threads > 1). Errors are returned by value (enum sc_scan_status). */
#ifndef SC_SCAN_H
#define SC_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "transf.h"

/* ---------------------------------------------------------------- proved kernels */

#define SC_SCAN_NMAX 256

/* A transformation of Q = {0..n-1}, n <= SC_SCAN_NMAX: m[x] = x^f for x < n (rest unused). */
typedef struct sc_tf {
    uint8_t m[SC_SCAN_NMAX];
} sc_tf;

#include "../spec/fold.acsl"
#include "../spec/scan.acsl"

/* out[t] = δ_{word[t]} for t < T; then sc_aseg(out, 0, t+1, x) is the fold of word[0..t]. */
/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_k_range: 1 <= k <= 65535;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires scan_delta_maps_q: sc_delta_valid(n, k, delta);
    requires scan_word_readable: \valid_read(word + (0 .. T - 1));
    requires scan_word_symbols: sc_word_ok(k, word, T);
    requires scan_out_writable: \valid(out + (0 .. T - 1));
    requires scan_out_apart:
      \separated(out + (0 .. T - 1), delta + (0 .. k*n - 1), word + (0 .. T - 1));
    assigns out[0 .. T - 1];
    ensures scan_load_step:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
        out[t].m[x] == sc_delta_at{Pre}(n, delta, \at(word[t], Pre), x);
    ensures scan_load_valid: sc_tfa_valid(n, out, T);
    ensures scan_load_fold:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
        sc_aseg(out, 0, t + 1, x) == sc_fold{Pre}(n, delta, word, t + 1, x); */
void sc_tfa_load(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                 sc_tf *out);

/* In place: a[t] = a[0] * ... * a[t], by the sequential fold. */
/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_a_rw: \valid(a + (0 .. T - 1));
    requires scan_a_maps_q: sc_tfa_valid(n, a, T);
    assigns a[0 .. T - 1];
    ensures scan_prefix:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==> a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x);
    ensures scan_valid: sc_tfa_valid(n, a, T); */
void sc_tfa_seq(size_t n, sc_tf *a, size_t T);

/* In place: a[t] = a[0] * ... * a[t], by Hillis–Steele (round r: a[t] = a[t - 2^r] * a[t]
 * for t >= 2^r, performed for descending t so that every operand is the previous round's).
 * Returns the number of rounds, ceil(log2 T) (0 when T <= 1). */
/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_a_rw: \valid(a + (0 .. T - 1));
    requires scan_a_maps_q: sc_tfa_valid(n, a, T);
    assigns a[0 .. T - 1];
    ensures scan_prefix:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==> a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x);
    ensures scan_valid: sc_tfa_valid(n, a, T);
    ensures scan_rounds_cover: T <= sc_pow2(\result);
    ensures scan_rounds_least: \result == 0 || sc_pow2(\result - 1) < T; */
size_t sc_tfa_hs(size_t n, sc_tf *a, size_t T);

/* In place: a[t] = a[0] * ... * a[t], by the Blelloch contraction scan: s[j] = a[2j]*a[2j+1],
 * scan s[0..T/2-1] recursively (scratch s + T/2), then a[2j+1] = s[j] and
 * a[2j] = s[j-1] * a[2j]. Scratch s: T elements (T-1 are used at most). */
/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_a_rw: \valid(a + (0 .. T - 1));
    requires scan_s_rw: \valid(s + (0 .. T - 1));
    requires scan_s_apart: \separated(a + (0 .. T - 1), s + (0 .. T - 1));
    requires scan_a_maps_q: sc_tfa_valid(n, a, T);
    decreases T;
    assigns a[0 .. T - 1], s[0 .. T - 1];
    ensures scan_prefix:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==> a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x);
    ensures scan_valid: sc_tfa_valid(n, a, T); */
void sc_tfa_blelloch(size_t n, sc_tf *a, size_t T, sc_tf *s);

/* The three methods on an automaton and a word: out[t].m[x] = x^(δ_{w_0} * ... * δ_{w_t}),
 * i.e. exactly the logic fold sc_fold of spec/fold.acsl; labels are out[t].m[q0]. */
/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_k_range: 1 <= k <= 65535;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires scan_delta_maps_q: sc_delta_valid(n, k, delta);
    requires scan_word_readable: \valid_read(word + (0 .. T - 1));
    requires scan_word_symbols: sc_word_ok(k, word, T);
    requires scan_out_writable: \valid(out + (0 .. T - 1));
    requires scan_out_apart:
      \separated(out + (0 .. T - 1), delta + (0 .. k*n - 1), word + (0 .. T - 1));
    assigns out[0 .. T - 1];
    ensures scan_fold:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
        out[t].m[x] == sc_fold{Pre}(n, delta, word, t + 1, x); */
void sc_scan_fold_seq(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                      sc_tf *out);

/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_k_range: 1 <= k <= 65535;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires scan_delta_maps_q: sc_delta_valid(n, k, delta);
    requires scan_word_readable: \valid_read(word + (0 .. T - 1));
    requires scan_word_symbols: sc_word_ok(k, word, T);
    requires scan_out_writable: \valid(out + (0 .. T - 1));
    requires scan_out_apart:
      \separated(out + (0 .. T - 1), delta + (0 .. k*n - 1), word + (0 .. T - 1));
    assigns out[0 .. T - 1];
    ensures scan_fold:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
        out[t].m[x] == sc_fold{Pre}(n, delta, word, t + 1, x);
    ensures scan_rounds_cover: T <= sc_pow2(\result);
    ensures scan_rounds_least: \result == 0 || sc_pow2(\result - 1) < T; */
size_t sc_scan_fold_hs(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                       sc_tf *out);

/*@ requires scan_n_range: 1 <= n <= SC_SCAN_NMAX;
    requires scan_k_range: 1 <= k <= 65535;
    requires scan_T_range: T <= 0x3fffffffffffffff;
    requires scan_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires scan_delta_maps_q: sc_delta_valid(n, k, delta);
    requires scan_word_readable: \valid_read(word + (0 .. T - 1));
    requires scan_word_symbols: sc_word_ok(k, word, T);
    requires scan_out_writable: \valid(out + (0 .. T - 1));
    requires scan_s_rw: \valid(s + (0 .. T - 1));
    requires scan_out_apart:
      \separated(out + (0 .. T - 1), s + (0 .. T - 1), delta + (0 .. k*n - 1),
                 word + (0 .. T - 1));
    assigns out[0 .. T - 1], s[0 .. T - 1];
    ensures scan_fold:
      \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
        out[t].m[x] == sc_fold{Pre}(n, delta, word, t + 1, x); */
void sc_scan_fold_blelloch(size_t n, size_t k, const sc_state *delta, const int32_t *word,
                           size_t T, sc_tf *out, sc_tf *s);

/* ---------------------------------------------------------------- general driver */

typedef enum sc_scan_method {
    SC_SCAN_SEQUENTIAL = 0,
    SC_SCAN_HILLIS_STEELE = 1,
    SC_SCAN_BLELLOCH = 2
} sc_scan_method;

typedef enum sc_scan_status {
    SC_SCAN_OK = 0,
    SC_SCAN_EARG = 1,      /* bad method, size or thread count, or scratch too small */
    SC_SCAN_ESYMBOL = 2,   /* a symbol outside 0..k-1 (*bad = its position) */
    SC_SCAN_EOVERFLOW = 3, /* an exact result is not representable (*bad = its position) */
    SC_SCAN_EDOMAIN = 4,   /* a matrix that is not the matrix of a function (*bad = index) */
    SC_SCAN_ETHREAD = 5    /* a thread could not be started */
} sc_scan_status;

#define SC_SCAN_MAX_THREADS 64u

typedef struct sc_scan_stats {
    uint64_t rounds; /* parallel depth: rounds holding at least one operation */
    uint64_t work;   /* binary operations performed */
} sc_scan_stats;

/* An associative operation on elements of `size` bytes: out = a * b ("first a, then b" for
 * transformations). out never overlaps a or b. */
typedef void (*sc_scan_op_fn)(const void *ctx, const void *a, const void *b, void *out);
/* Optional: write elements lo..hi-1 of the input into x (x points at element 0). Run by
 * every thread on its share before the first round; NULL when x already holds the input. */
typedef void (*sc_scan_fill_fn)(const void *ctx, size_t lo, size_t hi, void *x);

typedef struct sc_scan_monoid {
    size_t size;
    sc_scan_op_fn op;
    sc_scan_fill_fn fill;
    const void *ctx;
} sc_scan_monoid;

/* "sequential", "hillis-steele", "blelloch" (also "hs", "seq"). 0 or SC_SCAN_EARG. */
int sc_scan_method_parse(const char *s, sc_scan_method *m);
const char *sc_scan_method_name(sc_scan_method m);

/* ceil(log2 T) (0 for T <= 1). */
unsigned sc_scan_clog2(uint64_t T);

/* The rounds and work a method performs on T elements (what sc_scan_run reports). */
void sc_scan_cost(sc_scan_method m, size_t T, sc_scan_stats *st);

/* Scratch bytes sc_scan_run needs for T elements of elem_size bytes on `threads` threads.
 * 0 or SC_SCAN_EARG (overflow, bad method). */
int sc_scan_scratch_bytes(sc_scan_method m, size_t elem_size, size_t T, unsigned threads,
                          size_t *bytes);

/* In place: x[t] = x[0] * ... * x[t] for t < T (after mo->fill, if any). Each round is split
 * over `threads` threads (1..SC_SCAN_MAX_THREADS; the sequential method always runs on one).
 * st (may be NULL) receives rounds and work. */
int sc_scan_run(const sc_scan_monoid *mo, sc_scan_method m, void *x, size_t T, void *scratch,
                size_t scratch_bytes, unsigned threads, sc_scan_stats *st);

/* Transformations (any n <= SC_MAX_STATES, flat layout): P[t*n + x] = x^(δ_{w_0} * ... *
 * δ_{w_t}), t < T. delta symbol-major (delta[s*n + q] = δ(q, s)), every entry < n.
 * Scratch: sc_scan_scratch_bytes(m, n * sizeof(sc_state), T, threads). A symbol outside
 * 0..k-1: SC_SCAN_ESYMBOL, *bad = its position, P unspecified. */
int sc_scan_tf(sc_scan_method m, size_t n, size_t k, const sc_state *delta,
               const int32_t *word, size_t T, sc_state *P, void *scratch,
               size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad);

/* labels[t] = q0^(P_t) = P[t*n + q0]. */
void sc_scan_labels(size_t n, const sc_state *P, size_t T, sc_state q0, int32_t *labels);

/* 0/1 matrices of functions (n <= 1024): M holds T matrices of n*n uint32 entries (row-major,
 * M_f[i][j] = 1 iff i^f = j); in place M_t = M_0 . M_1 ... M_t (exact integer products,
 * mat_mul01). Every input must be the matrix of a function (each row one 1, zeros
 * elsewhere; then so is every product): else SC_SCAN_EDOMAIN, *bad = first bad index.
 * Scratch: sc_scan_scratch_bytes(m, n*n*sizeof(uint32_t), T, threads). */
int sc_scan_mat(sc_scan_method m, size_t n, uint32_t *M, size_t T, void *scratch,
                size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad);

/* Exact integer prefix sums out[t] = x[0] + ... + x[t]. Partial sums are exact (128-bit);
 * a prefix sum outside int64: SC_SCAN_EOVERFLOW, *bad = first such t (identical for every
 * method and thread count). Scratch: sc_scan_sum_scratch_bytes(m, T, threads). */
int sc_scan_isum(sc_scan_method m, const int64_t *x, size_t T, int64_t *out, void *scratch,
                 size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad);
int sc_scan_sum_scratch_bytes(sc_scan_method m, size_t T, unsigned threads, size_t *bytes);

/* A dyadic rational m * 2^e. Normal form: m odd, or m == 0 and e == 0. */
typedef struct sc_dyadic {
    int64_t m;
    int32_t e;
} sc_dyadic;

/* Normal form of m * 2^e (exact; SC_SCAN_EOVERFLOW if the exponent leaves int32). */
int sc_dyadic_norm(int64_t m, int64_t e, sc_dyadic *out);

/* Exact dyadic prefix sums out[t] = x[0] + ... + x[t], in normal form. Inputs are aligned to
 * the smallest exponent e_min: each |x_i| * 2^(e_i - e_min) must stay below
 * 2^(126 - ceil(log2 T)) (then every partial sum is exact in 128 bits), else
 * SC_SCAN_EOVERFLOW with *bad = that input; a prefix sum whose normal mantissa leaves int64
 * (or exponent leaves int32): SC_SCAN_EOVERFLOW, *bad = its position. Identical for every
 * method and thread count. Scratch: sc_scan_sum_scratch_bytes(m, T, threads). */
int sc_scan_dsum(sc_scan_method m, const sc_dyadic *x, size_t T, sc_dyadic *out,
                 void *scratch, size_t scratch_bytes, unsigned threads, sc_scan_stats *st,
                 size_t *bad);

#endif
