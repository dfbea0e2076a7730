/* Property-based fuzzing of external implementations (issue 8, `shortcut fuzz`): the pure
 * part. Generation of seeded input batches, per-row certification of another
 * implementation's outputs, and the shrinker that reduces a failing batch to a minimal one.
 * Processes and files are the CLI's business (src/cli/cmd_fuzz.c); nothing here does I/O.
 *
 * GENERATION (fixed: a seed names the same batches in every version that keeps this text).
 *   Iteration i of seed S uses its own seed  s_i = mix(S + γ·(i + 1)) ^ 0x70726f7066757a7a
 *   (mix, γ: src/rng.h). Shape: a stream R = rng(s_i, row 0, stream 1):
 *     i = 0: (max_rows, max_len)   i = 1: (max_rows, 1)   i = 2: (1, max_len)
 *     i >= 3: rows = 1 + uniform(max_rows); length by one uniform(4) draw:
 *             0 -> 1 + uniform(min(8, max_len)) (short), 1 -> max_len, else 1 + uniform(max_len).
 *   Row r (0-based) of the batch: a kind from rng(s_i, r, stream 1) uniform(8):
 *     0..3  the testbed's own sampler (sc_gen_fill with seed s_i, row r: the row is the first T
 *           tokens of that sampler's length-max_len row); without a testbed (models): uniform
 *     4..5  i.i.d. uniform over the k symbols (stream (s_i, r, 0))
 *     6     constant: symbol 0, k-1 or uniform(k) (one uniform(3) draw, then the symbol)
 *     7     a pattern: alternating a,b (a, b uniform) or constant a with one b at a uniform
 *           position (one uniform(2) draw chooses)
 *   Draws after the kind come from the same stream (s_i, r, 1) unless stated otherwise.
 *
 * SHRINKING. Input: the failing batch (rows x T) and, for each row, the first failing position
 * (or SC_PF_PASS). The shrinker proposes candidate batches; the caller runs the implementation
 * on each, certifies the outputs and feeds back each row's first failing position. Phases:
 *   ROWS    (unbatched mode only) the first failing row alone; else the first or second half of
 *           the rows, repeated while one of them fails. Batched mode takes the first failing
 *           row directly and lets CONFIRM check that it fails alone.
 *   LENGTH  on one row w of length L with first failure at p: the prefix w[0..p] when p+1 < L;
 *           then a binary search over the length: candidates of length L' are the contiguous
 *           substrings of w and w with one contiguous chunk of L - L' tokens deleted (spread
 *           evenly when there are more than the candidate cap); the first failing candidate (in
 *           that order: prefix first) is kept; finally single-token deletions until none fails
 *           (so no candidate one token shorter reproduces the failure).
 *   TOKENS  rounds of candidates with smaller tokens: all zero, aligned blocks of L/2, L/4, ..,
 *           1 tokens set to 0, and each token t > 0 replaced by t/2 and t-1; the failing
 *           candidate with the smallest token sum (then lexicographically smallest) is kept;
 *           rounds repeat until none fails.
 *   CONFIRM the final case alone. If it does not fail in batched mode (the implementation's
 *           rows are not independent), shrinking restarts from the original batch in unbatched
 *           mode (one candidate per run); if it does not fail in unbatched mode the
 *           implementation is not deterministic: the result is the original batch, FLAKY.
 * Batched mode puts all candidates of one step (same length) into one run of up to `maxc`
 * rows; unbatched mode runs them one by one, at most 3 per step. Candidates that already
 * passed are not run again (the implementation is assumed deterministic; CONFIRM checks the
 * result). A run cap ends the search early (then CONFIRM). */
#ifndef SC_PROPFUZZ_H
#define SC_PROPFUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "certify.h"
#include "error.h"
#include "gen.h"
#include "transformer.h"

#define SC_PF_PASS ((size_t)-1) /* "this row did not fail" */

/* ------------------------------------------------------------------ generation */

/* The seed of iteration iter (see above). */
uint64_t sc_pf_iter_seed(uint64_t seed, uint64_t iter);
/* Shape (rows, T) of iteration iter: 1 <= rows <= max_rows, 1 <= T <= max_len (both >= 1). */
void sc_pf_shape(uint64_t seed, uint64_t iter, size_t max_rows, size_t max_len, size_t *rows,
                 size_t *T);
/* Fill the batch x (rows x T, row-major) of iteration iter. g: the testbed's prepared sampler
 * with g->T >= T and g->k == k, or NULL (no sampler: uniform rows instead); scratch: 2 * g->T
 * int32 when g != NULL (unused otherwise). 1 <= k <= 65535. Allocates nothing. */
void sc_pf_fill(const sc_gen *g, uint32_t k, uint64_t seed, uint64_t iter, size_t rows,
                size_t T, int32_t *x, int32_t *scratch);

/* ------------------------------------------------------------------ certification */

/* The first failure of one row (all fields meaningful when verdict != PASS). */
typedef struct sc_pf_row {
    int verdict;           /* SC_VERDICT_PASS / FAIL / UNDECIDED (the first FAIL wins) */
    size_t pos;            /* position */
    /* automaton */
    int32_t expected;      /* the label q_{pos+1} */
    int64_t got_state;     /* the implementation's prediction */
    /* model */
    size_t cls;            /* logit index */
    double got, xlo, xhi;  /* output; the exact enclosure (outward doubles) */
    double blo, bhi;       /* the proven float tolerance interval (NaN unless proven) */
} sc_pf_row;

/* Predicted states got[0..T-1] of one row w[0..T-1] (symbols in range) against the labels
 * q_1..q_T; labels: T int32 of scratch. Returns the verdict (PASS or FAIL); res filled. */
int sc_pf_check_states(const sc_automaton *a, const int32_t *w, size_t T, const int64_t *got,
                       int32_t *labels, sc_pf_row *res);

/* Work buffers of the logit check for rows of up to Tmax positions. */
typedef struct sc_pf_model_ws {
    sc_fwd_ws *ws, *bws;   /* exact; float bound (NULL unless the tolerance is proven) */
    double *mid, *rad, *lo, *hi;
    int32_t *pred;
} sc_pf_model_ws;
/* 0 or SC_EXIT_LIMIT (out of memory) with a message. */
int sc_pf_model_ws_new(sc_pf_model_ws *w, const sc_model *m, size_t Tmax, const sc_tol *tol,
                       sc_error *err);
void sc_pf_model_ws_free(sc_pf_model_ws *w);
/* Logits got[0..T*C-1] (row-major (T, n_classes), as doubles) of one row w (1 <= T <= Tmax)
 * against the exact semantics under tol, refining the enclosure of undecided elements up to
 * 4096 bits (as `certify outputs`). res: the first FAIL, else the first UNDECIDED element.
 * *undecided += the number of undecided elements. 0, or an error of sc_forward (a row whose
 * float bound is SC_EXIT_INCONCLUSIVE is reported as UNDECIDED, not as an error). */
int sc_pf_check_logits(const sc_model *m, sc_pf_model_ws *w, const sc_tol *tol, long prec,
                       const int32_t *x, size_t T, const double *got, sc_pf_row *res,
                       uint64_t *undecided, sc_error *err);

/* ------------------------------------------------------------------ shrinking */

enum { SC_SHRINK_ROWS, SC_SHRINK_LENGTH, SC_SHRINK_TOKENS, SC_SHRINK_CONFIRM, SC_SHRINK_DONE };
enum { SC_SHRINK_OK = 0, SC_SHRINK_FLAKY = 1 };

typedef struct sc_shrink {
    /* configuration */
    uint32_t k;              /* tokens are 0..k-1 */
    size_t maxc;             /* candidate rows per run in batched mode (2..1024) */
    size_t max_runs;         /* run cap (then CONFIRM) */
    int batched;
    /* the original failing batch and each row's first failing position */
    int32_t *orig;
    size_t orig_rows, orig_T, *orig_fail;
    /* the current failing case: cur_rows x cur_T (cur_rows > 1 only from phase ROWS) */
    int32_t *cur;
    size_t cur_rows, cur_T, *cur_fail;
    /* search state */
    int phase, step, status, ready, whole, minus_one_done, restarted;
    size_t lo, hi;                  /* LENGTH: binary search bounds */
    size_t row_lo;                  /* ROWS: first row of the proposal within cur */
    int32_t *cand;                  /* the proposal: candidate rows, or one whole batch */
    size_t ncand, candT, cursor;
    size_t runs, accepted;          /* runs proposed; candidates accepted */
    uint64_t *seen;                 /* hashes of candidates known to pass */
    size_t seen_n, skipped;         /* ...; candidates not re-run because known to pass */
} sc_shrink;

/* Start from a failing batch x (rows x T, tokens 0..k-1) with fail[r] = the first failing
 * position of row r or SC_PF_PASS (at least one row fails). Copies everything it needs.
 * 0, or SC_EXIT_LIMIT (out of memory) / SC_EXIT_USAGE (no failing row, bad sizes). */
int sc_shrink_init(sc_shrink *s, const int32_t *x, size_t rows, size_t T, const size_t *fail,
                   uint32_t k, size_t maxc, size_t max_runs, int batched, sc_error *err);
void sc_shrink_free(sc_shrink *s);
/* The next batch to run (pointer into s, valid until the next call): 1, or 0 when done. */
int sc_shrink_next(sc_shrink *s, const int32_t **x, size_t *rows, size_t *T);
/* The outcome of running the last proposed batch: fail[r] for each of its rows (SC_PF_PASS:
 * row r passed), or fail = NULL when the run produced no usable output (nothing reproduced). */
void sc_shrink_feed(sc_shrink *s, const size_t *fail);
/* After sc_shrink_next returned 0: the final case (cur) and the status (OK / FLAKY). With
 * OK the last proposed batch was exactly this case and failed. */
int sc_shrink_result(const sc_shrink *s, const int32_t **x, size_t *rows, size_t *T);

/* Candidate generators (pure; used by the shrinker, exposed for tests). Each writes rows of
 * the stated length into out (at most maxc rows) and returns how many. */
/* Length-L2 candidates of w (length L > L2 >= 1): substrings (the prefix first), then w with
 * one contiguous chunk of L - L2 tokens deleted; duplicates removed, spread evenly when more
 * than maxc. */
size_t sc_pf_shorter(const int32_t *w, size_t L, size_t L2, int32_t *out, size_t maxc);
/* Same-length candidates with smaller tokens, distinct and different from w, in the order:
 * all zero, aligned blocks of ceil(L/2), ceil(L/4), ..., 1 tokens set to 0, each token t > 0
 * halved, each token t > 1 decremented. */
size_t sc_pf_smaller(const int32_t *w, size_t L, int32_t *out, size_t maxc);

#endif
