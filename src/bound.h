/* The proven float tolerance (DESIGN.md §3 "Float-model tolerance"): alongside the exact
 * semantics, a bound E >= |x^ - x| on the distance between every intermediate value x of the
 * real forward pass and the value x^ that ANY float32 / float64 implementation obeying the
 * assumptions below computes. The final logits: [X.lo - E, X.hi + E] (X the exact enclosure)
 * contains the exact logit and every allowed float output — an output outside is a certified
 * bug (FAIL), with no tolerance to tune.
 *
 * Each kernel propagates E through one operation: (a) the effect of the input errors, by a
 * Lipschitz / mean-value bound valid over the whole box {x + d : |d| <= E} (not a first-order
 * estimate), plus (b) the rounding errors of the float computation of that operation at the
 * float inputs, by the standard model. All bound arithmetic is MPFR rounded upward, so E is an
 * upper bound, not an estimate. (An earlier version propagated plain intervals containing both
 * values; interval dependency made float32 bounds explode after two layers.)
 *
 * Assumptions (printed with every result by sc_fmodel_describe):
 *  A1 IEEE 754 binary32 / binary64, round to nearest; every stored intermediate (activations,
 *     scores, attention weights) is rounded to that format; unit roundoff u = 2^-24 / 2^-53;
 *     each rounding errs by at most u|x| + eta, eta = 2^-150 / 2^-1075 (gradual underflow).
 *  A2 No overflow (an infinite bound is reported as an error, never as a pass).
 *  A3 Dot products, matrix products and sums of n terms in ANY order, with or without FMA or
 *     wider accumulators: |computed - exact of the float inputs| <= gamma_n sum|a_i b_i| +
 *     2n eta, gamma_n = nu/(1-nu) (Higham, Accuracy and Stability of Numerical Algorithms,
 *     §3.1). A bias counts as one more term.
 *  A4 exp and erf accurate to exp_ulps / erf_ulps units in the last place (default 2: glibc,
 *     SLEEF u10 and CUDA are within 1-2 ulps), sqrt to sqrt_ulps (default 1; IEEE sqrt is
 *     correctly rounded, 0.5); one ulp <= 2u|y| + 2 eta.
 *  A5 Softmax by the shifted formula of Blanchard, Higham and Higham (IMA J. Numer. Anal.
 *     41(4), 2021): m = max_j s_j, e_j = exp(s_j - m), alpha_j = e_j / sum e (or e_j * (1/sum e));
 *     scores q.k * fl(1/sqrt(d_head)), the scale applied before or after the dot product.
 *     Online/streaming softmax with rescaling (FlashAttention) is NOT covered.
 *  A6 Hard attention: the arg-max set is decided on the float scores, the output averaged by
 *     any summation (e.g. a 0/1-weight matrix product): any subset of the positions whose score
 *     may reach the maximum is allowed. Uniform attention: the prefix mean by a sum and a
 *     division, or by weights fl(1/(i+1)).
 *  A7 LayerNorm (biased variance, eps inside the sqrt): mean within gamma_{n+1} mean|x|; the
 *     variance v of the float inputs within gamma_{2n+4} v + 2 gamma_{n+1}^2 mean(x^2) and never
 *     negative (two-pass and Welford/cascaded moments are inside, PyTorch clamps at 0; the naive
 *     one-pass E[x^2] - E[x]^2 is NOT: it can lose every digit); eps rounded to the format; then
 *     (x - mean) / sqrt(var + eps) (or times rsqrt) * weight + bias.
 *  A8 GELU = x * 0.5 * (1 + erf(x * fl(1/sqrt 2))), the products in any order; ReLU exact. */
#ifndef SC_BOUND_H
#define SC_BOUND_H

#include <stddef.h>

#include "attention.h"
#include "exact.h"

typedef struct sc_fmodel {
    int bits;              /* 32 or 64 */
    double exp_ulps, erf_ulps, sqrt_ulps;
} sc_fmodel;

/* Defaults of A4 for binary32 (bits = 32) or binary64 (bits = 64). */
void sc_fmodel_default(sc_fmodel *fm, int bits);
/* The assumptions A1-A8 with the model's numbers, one line each, into buf (snprintf rules). */
int sc_fmodel_describe(const sc_fmodel *fm, char *buf, size_t size);

/* Scratch for the kernels below: MPFR values for the bound arithmetic (64 bits, upward) and
 * rows of dmax doubles / enclosures at the working precision. */
typedef struct sc_fb_ws {
    mpfr_t u, eta, g, s, a, b, c, t;
    sc_iv x, y;
    sc_iv *row;            /* dmax enclosures */
    double *r1, *r2, *r3;   /* dmax doubles */
    size_t dmax;
} sc_fb_ws;

int sc_fb_ws_init(sc_fb_ws *fb, size_t dmax, mpfr_prec_t prec); /* SC_X_ENOMEM / EINVAL */
void sc_fb_ws_clear(sc_fb_ws *fb);
void sc_fb_ws_set_prec(sc_fb_ws *fb, mpfr_prec_t prec);         /* of the enclosures */

/* Kernels. Every array value is a pair: X[i], the enclosure of the exact value (computed as
 * the exact semantics does, src/exact.h, src/attention.h), and E[i] >= 0, the float error
 * bound (a double, rounded up). Shapes and layouts as the exact counterparts. Status codes of
 * exact.h: SC_X_EDOMAIN when a bound cannot be formed (n u >= 1/2), SC_X_EOVERFLOW for an
 * infinite bound. */
int sc_fb_linear(sc_iv *X, double *E, const sc_iv *Xin, const double *Ein, size_t rows,
                 size_t in, const double *W, const double *b, size_t outd, const sc_fmodel *fm,
                 sc_fb_ws *fb, sc_xctx *cx);
/* Row t of the embedding: X = e + p (p may be NULL), n values. */
int sc_fb_embed(sc_iv *X, double *E, const double *e, const double *p, size_t n,
                const sc_fmodel *fm, sc_fb_ws *fb);
/* h += o, n values. */
int sc_fb_add(sc_iv *X, double *E, const sc_iv *Xo, const double *Eo, size_t n,
              const sc_fmodel *fm, sc_fb_ws *fb);
/* In place: ReLU (exact, errors unchanged) or GELU (A8). */
int sc_fb_act(sc_iv *X, double *E, size_t n, int gelu, const sc_fmodel *fm, sc_fb_ws *fb,
              sc_xctx *cx);
/* LayerNorm of rows x n (A7), n <= fb->dmax; eps an enclosure of the real eps. Not in place. */
int sc_fb_layernorm(sc_iv *X, double *E, const sc_iv *Xin, const double *Ein, size_t rows,
                    size_t n, const double *gamma, const double *beta, const sc_iv *eps,
                    const sc_fmodel *fm, sc_fb_ws *fb, sc_xctx *cx);
/* Multi-head causal attention (A5, A6) on T x (H*dh) matrices, heads split by columns as in
 * src/attention.h; T <= fb->dmax. X receives the exact output for softmax and uniform
 * attention and, for hard attention, the hull of the candidates' values (which contains it). */
int sc_fb_attention(sc_attn_kind kind, sc_iv *X, double *E, const sc_iv *XQ, const double *EQ,
                    const sc_iv *XK, const double *EK, const sc_iv *XV, const double *EV,
                    size_t T, size_t H, size_t dh, const sc_fmodel *fm, sc_fb_ws *fb,
                    sc_attn_ws *aws, sc_xctx *cx);

#endif
