/* Causal attention with exact semantics (DESIGN.md §3): position i attends to positions
 * j <= i. Three kinds, for one head and for several:
 *
 *  uniform  out_i = (1/(i+1)) sum_{j<=i} v_j                       exact rational (mpq) or
 *                                                                  enclosure (sc_iv) input
 *  hard     out_i = (1/|A_i|) sum_{j in A_i} v_j, A_i = argmax_{j<=i} s_ij, s_ij = q_i.k_j*scale
 *           Ties are averaged exactly. Any positive scale (1/sqrt(d_head) included) leaves the
 *           arg-max set unchanged, so the scale is not an argument: the kernels compare q_i.k_j
 *           exactly (mpq), or by enclosures (sc_iv; see sc_attn_hard_iv for ties).
 *  softmax  out_i = sum_{j<=i} a_ij v_j, a_ij = exp(s_ij - m_i) / sum_{k<=i} exp(s_ik - m_i),
 *           s_ij = q_i.k_j * scale, scale = 1/sqrt(d_head) (enclosed) unless given. Any real
 *           m_i gives the same value; the kernel takes m_i = the largest upper bound of the
 *           score enclosures. Result: a rigorous enclosure, computed as
 *           (sum_j e_ij v_j) / (sum_j e_ij) with e_ij the exp enclosures.
 *
 * Layout: Q, K, V, out are row-major with a leading dimension (row stride, in elements): row i
 * of a single head's Q is Q[i*ldq .. i*ldq + dh - 1]. A head of a multi-head layer is the
 * same call with the pointers offset by h*dh and the leading dimension H*dh.
 *
 * Multi-head (sc_attn_mh_*): H heads of width dh on matrices of T rows and d = H*dh columns,
 * split like PyTorch nn.MultiheadAttention: head h uses columns h*dh .. (h+1)*dh - 1 of the
 * projected Q, K, V (the q/k/v projections, W x + b with W [d, d], are the caller's, with
 * sc_iv_linear / sc_q_linear), and writes the same columns of out, so out is the
 * concatenation of the heads. The output projection o (y = W_o out + b_o) is NOT applied
 * here: the caller applies it with sc_iv_linear / sc_q_linear (as PyTorch's out_proj).
 *
 * Memory and errors: an sc_attn_ws holds every scratch value for sequences of up to Tmax
 * positions and heads up to dmax wide at one working precision; the kernels allocate
 * nothing. Status codes are those of exact.h (enum sc_x_status). out must not overlap Q, K
 * or V. T = 0 is a no-op; dh = 0, T > Tmax, dh > dmax or a leading dimension < dh is
 * SC_X_EINVAL; an input enclosure that is not valid (NaN or infinite bound, lo > hi) is
 * SC_X_ENONFINITE, checked before any arithmetic. On failure ws->fail_row / ws->fail_head
 * name the query row (and head) that failed.
 *
 * Cost (softmax, enclosures): for row i, i+1 interval dot products of length dh for the
 * scores, one MPFR exp per score (the upper bound is exp(lo) (1 + 2 (hi - lo)), valid for a
 * score enclosure narrower than 1/2; wider ones get two exps), and (i+1) dh interval
 * multiply-adds for the weighted sum, accumulated over the rows of V in order; one division
 * by the enclosure of the normaliser per output. */
#ifndef SC_ATTENTION_H
#define SC_ATTENTION_H

#include <stddef.h>
#include <stdint.h>

#include "exact.h"

/* ACSL model of the exact kernels (contracts below; proofs/prove_attention.sh). */
#include "../spec/index.acsl"
#include "../spec/exact.acsl"
#include "../spec/attention.acsl"

typedef enum sc_attn_kind {
    SC_ATTN_UNIFORM = 0,
    SC_ATTN_HARD = 1,
    SC_ATTN_SOFTMAX = 2
} sc_attn_kind;

/* "uniform", "hard", "softmax"; NULL for an unknown kind. */
const char *sc_attn_kind_name(sc_attn_kind k);
/* 0 and *k set if name is one of the above, else -1. */
int sc_attn_kind_parse(const char *name, sc_attn_kind *k);

typedef struct sc_attn_ws {
    size_t Tmax, dmax;
    sc_xctx cx;        /* working precision = cx.prec */
    sc_iv *s;          /* Tmax score / exp enclosures */
    sc_iv *vacc;       /* dmax interval accumulators */
    sc_iv acc, z, scale;
    mpfr_t mx;         /* the shift m_i of softmax */
    size_t *cand;      /* Tmax indices (arg-max candidates of sc_attn_hard_iv) */
    /* exact scratch */
    mpz_t *kn;         /* Tmax*dmax: row j of K over the common denominator kd[j] */
    mpz_t *kd;         /* Tmax */
    mpz_t *qn;         /* dmax: row i of Q over the common denominator qd */
    mpz_t *dots;       /* Tmax: the integer scores qn.kn_j of one row (sc_attn_hard_q) */
    mpz_t qd, t1, t2;
    mpq_t *qs;         /* dmax rational accumulators */
    mpq_t qt;
    size_t fail_row, fail_head;
} sc_attn_ws;

/* Allocates the scratch (SC_X_ENOMEM, nothing left to clear; SC_X_EINVAL for a bad
 * precision or Tmax*dmax overflow). Tmax, dmax >= 1. */
int sc_attn_ws_init(sc_attn_ws *ws, size_t Tmax, size_t dmax, mpfr_prec_t prec);
void sc_attn_ws_clear(sc_attn_ws *ws);
/* Change the working precision (for refinement); SC_X_EINVAL if out of range. */
int sc_attn_ws_set_prec(sc_attn_ws *ws, mpfr_prec_t prec);

/* ---------------------------------------------------------------- one head, exact */

/* Uniform attention, exact: out_i = (1/(i+1)) sum_{j<=i} V_j, i < T. (The arithmetic is the
 * kernel sc_attn_uniform_qk of src/attention_exact.c, proved by WP with its helper q_div_ui:
 * out[i][c] = (sum_{j<=i} V[j][c]) / (i+1); this shape-checking wrapper is not annotated.
 * proofs/REPORT_attention.md.) */
int sc_attn_uniform_q(mpq_t *out, size_t ldo, const mpq_t *V, size_t ldv, size_t T, size_t dh,
                      sc_attn_ws *ws);
/* Hard attention, exact: the arg-max of q_i.k_j over j <= i decided exactly (ties averaged).
 * nties (may be NULL): nties[i] = |A_i|. Cost per row i: i+1 integer dot products of length
 * dh over common denominators, 2(i+1) cross-multiplications for the arg-max and the tie test,
 * |A_i| dh rational additions. (Kernel sc_attn_hard_qk in src/attention_exact.c: its integer
 * helpers are proved by WP, the kernel's contract is stated but not yet proved;
 * proofs/REPORT_attention.md.) */
int sc_attn_hard_q(mpq_t *out, size_t ldo, const mpq_t *Q, size_t ldq, const mpq_t *K,
                   size_t ldk, const mpq_t *V, size_t ldv, size_t T, size_t dh, size_t *nties,
                   sc_attn_ws *ws);

/* ---------------------------------------------------------------- one head, enclosures */

/* Enclosures of uniform attention over enclosed values. */
int sc_attn_uniform_iv(sc_iv *out, size_t ldo, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                       sc_attn_ws *ws);
/* Hard attention over enclosed Q, K, V. The arg-max set is decided from the score enclosures
 * q_i.k_j: the candidates are the j whose upper bound reaches the largest lower bound. A
 * single candidate is the arg-max. Several candidates form the (tied) arg-max set if their
 * scores are provably equal: all the same exact point, or, when key_class is given
 * (key_class[j] = a class id such that rows of K with equal ids are equal as real vectors,
 * e.g. computed from identical inputs by the same function), all of one class. Otherwise
 * SC_X_UNDECIDED (ws->fail_row = i): refine the precision (sc_x_refine) and recompute.
 * key_class may be NULL. nties as in sc_attn_hard_q. */
int sc_attn_hard_iv(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                    size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                    const size_t *key_class, size_t *nties, sc_attn_ws *ws);
/* Softmax attention. scale: an enclosure of the (positive) score scale, or NULL for
 * 1/sqrt(dh) enclosed at the working precision. */
int sc_attn_softmax_iv(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                       size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                       const sc_iv *scale, sc_attn_ws *ws);
/* The attention weights of softmax attention: P[i*ldp + j] encloses a_ij for j <= i and is
 * [0, 0] for i < j < T (causal mask). Each row's weights sum to an enclosure of 1. */
int sc_attn_softmax_probs_iv(sc_iv *P, size_t ldp, const sc_iv *Q, size_t ldq, const sc_iv *K,
                             size_t ldk, size_t T, size_t dh, const sc_iv *scale,
                             sc_attn_ws *ws);

/* ---------------------------------------------------------------- multi-head */

/* H heads on T x (H*dh) row-major matrices (leading dimension H*dh), out likewise; see the
 * layout note above. Exact: kind is SC_ATTN_UNIFORM or SC_ATTN_HARD (softmax is irrational:
 * SC_X_EINVAL). nties (may be NULL): T*H entries, nties[i*H + h]. */
int sc_attn_mh_q(sc_attn_kind kind, mpq_t *out, const mpq_t *Q, const mpq_t *K, const mpq_t *V,
                 size_t T, size_t H, size_t dh, size_t *nties, sc_attn_ws *ws);
/* Enclosures: any kind; scale as in sc_attn_softmax_iv (NULL = 1/sqrt(dh)); key_class as in
 * sc_attn_hard_iv (shared by all heads: it states equality of whole rows of the layer input). */
int sc_attn_mh_iv(sc_attn_kind kind, sc_iv *out, const sc_iv *Q, const sc_iv *K,
                  const sc_iv *V, size_t T, size_t H, size_t dh, const sc_iv *scale,
                  const size_t *key_class, size_t *nties, sc_attn_ws *ws);

#endif
