/* The exact-number layer (DESIGN.md §3 "Exact Transformer semantics"): three kinds of number
 * that the attention and transformer modules chain.
 *
 *  sc_dy    an exact dyadic rational m * 2^e (GMP mpz mantissa, long exponent). Every finite
 *           float32/float64 is one; conversion both ways (to float/double correctly rounded in
 *           any of the four MPFR rounding modes, subnormals included); exact add, sub, mul,
 *           compare and dot products.
 *  mpq_t    an exact rational (GMP). The value of uniform and hard attention and of a ReLU
 *           network without LayerNorm is rational but not dyadic (averages divide by a count):
 *           arrays of mpq_t carry those values; sc_q_* gives the exact linear layer, ReLU,
 *           residual add and arg-max on them.
 *  sc_iv    a rigorous enclosure: a closed interval [lo, hi] of two MPFR numbers, each bound
 *           rounded outward (lo with MPFR_RNDD, hi with MPFR_RNDU), so the real value of the
 *           expression is always inside. Used wherever the value is irrational (scale
 *           1/sqrt(d_head), exp in softmax, sqrt in LayerNorm, erf in GELU).
 *
 * Why these representations (speed):
 *  - Dyadics as mpz mantissa + exponent, not mpq: sums and products of dyadics never need a
 *    gcd (mpq canonicalises after every operation); aligning exponents is a shift. An exact
 *    dot product of n float pairs is n mpz multiplications and n shifted additions.
 *  - Rationals as mpq only where a non-power-of-two denominator is unavoidable; the exact
 *    linear layer puts a whole input row over one common denominator first, so each output
 *    costs integer multiply-adds and a single canonicalisation, not n mpq operations.
 *  - Intervals rather than mid-radius balls: with MPFR every bound is one correctly rounded
 *    operation in a directed mode, so the enclosure property needs no error analysis (and is
 *    what the later ACSL stub contracts can state); the cost is about two MPFR operations per
 *    real operation. Monotone functions (exp, erf, sqrt, 1/sqrt) map bound to bound.
 *
 * Precision. Every MPFR number carries its own precision; each interval operation rounds its
 * result outward to the precision of the destination. Scratch values live in an sc_xctx at
 * its working precision prec (default SC_X_PREC_DEFAULT = 128 bits). For well-conditioned
 * inputs the relative width of a result at precision p is a small multiple of 2^-p (tests
 * check <= 2^-100 at 128 bits). When a decision (an arg-max, a comparison) cannot be made
 * from overlapping enclosures, the caller re-evaluates at doubled precision with
 * sc_x_refine, up to a cap (SC_X_PREC_CAP_DEFAULT), then reports SC_X_UNDECIDED.
 *
 * Memory. *_init / *_new allocate (outer layer); every arithmetic function and kernel
 * allocates nothing beyond what GMP/MPFR do when a result outgrows an already initialised
 * value (mpz growth, never for MPFR numbers, whose size is fixed by their precision). Scratch
 * comes from an sc_xctx initialised once.
 *
 * Errors are returned by value (enum sc_x_status); on error the outputs hold unspecified
 * but valid (initialised) values. NaN and infinite inputs are rejected (SC_X_ENONFINITE),
 * never propagated; a result bound that would be infinite is SC_X_EOVERFLOW.
 *
 * Aliasing: unless a function says otherwise, a scalar result may alias any operand; vector
 * kernels need outputs that do not overlap inputs, except where stated ("in place allowed").
 *
 * Matrices are plain row-major arrays: element (r, c) of a rows x cols matrix with leading
 * dimension ld is a[r*ld + c]. Linear layers follow PyTorch nn.Linear: W has shape
 * [out, in] (W[o*in + k]), y = W x + b. */
#ifndef SC_EXACT_H
#define SC_EXACT_H

#include <stddef.h>
#include <gmp.h>
#include <mpfr.h>

#define SC_X_PREC_DEFAULT 128
#define SC_X_PREC_CAP_DEFAULT 4096
#define SC_X_PREC_MIN 16           /* smallest working precision accepted */
#define SC_X_PREC_MAX 1048576      /* largest (1 Mbit) */
#define SC_DY_EMAX (1L << 24)      /* |exponent| bound of sc_dy values (else EOVERFLOW):
                                      bounds the shifts, hence the memory, of exact sums */

enum sc_x_status {
    SC_X_OK = 0,
    SC_X_EINVAL = 1,     /* bad argument: NULL, size 0 where >= 1 needed, bad precision,
                            inverted interval given as bounds, capacity exceeded */
    SC_X_ENONFINITE = 2, /* a NaN or an infinity among the inputs */
    SC_X_EDOMAIN = 3,    /* outside the domain: division by an enclosure containing 0, sqrt of
                            an enclosure not provably >= 0, non-dyadic rational to sc_dy */
    SC_X_EOVERFLOW = 4,  /* a result (or exponent) out of range: infinite MPFR bound, sc_dy
                            exponent beyond SC_DY_EMAX, float/double conversion overflow */
    SC_X_ENOMEM = 5,     /* allocation failed (init functions only) */
    SC_X_UNDECIDED = 6   /* enclosures overlap: cannot decide at this precision / the cap */
};

/* A static English description of a status code ("ok", "invalid argument", ...). */
const char *sc_x_strerror(int code);

/* A closed interval [lo, hi] (lo <= hi, both finite MPFR numbers); see "enclosures". */
typedef struct sc_iv {
    mpfr_t lo, hi;
} sc_iv;

/* ------------------------------------------------------------------ scratch context */

/* Scratch for the arithmetic: a few mpz, MPFR and interval temporaries at the working
 * precision and a vector of nmax mpz (the exact linear layer needs one per input column). Not shareable
 * between threads; one per thread. */
typedef struct sc_xctx {
    mpfr_prec_t prec;  /* working precision of the MPFR scratch */
    size_t nmax;       /* capacity of zv */
    mpz_t z[6];
    mpfr_t f[8];
    sc_iv v[4];
    mpz_t *zv;
    int no_fast;       /* nonzero: never take the fixed-point fast paths (sc_x_softmax_fast);
                          0 after sc_xctx_init. For cross-checks and benchmarks. */
    struct sc_xfast *fast; /* scratch of the fast paths (sc_xctx_reserve_softmax), or NULL */
} sc_xctx;

/* prec in [SC_X_PREC_MIN, SC_X_PREC_MAX] (else SC_X_EINVAL); SC_X_ENOMEM if zv cannot be
 * allocated (then nothing is left to clear). */
int sc_xctx_init(sc_xctx *cx, mpfr_prec_t prec, size_t nmax);
void sc_xctx_clear(sc_xctx *cx);
/* Change the working precision (scratch values are lost). SC_X_EINVAL if out of range. */
int sc_xctx_set_prec(sc_xctx *cx, mpfr_prec_t prec);
/* Reserve the scratch of the fast softmax path (sc_x_softmax_fast) for up to Tmax positions
 * and heads up to dmax wide (freed by sc_xctx_clear; a second call replaces it). Sizes beyond
 * the fast path's limits (Tmax > SC_XFAST_TMAX or dmax > SC_XFAST_DMAX) reserve nothing and
 * return SC_X_OK (the fast path then never applies). SC_X_ENOMEM if allocation fails (the
 * context stays valid, without fast scratch). */
#define SC_XFAST_TMAX 2048
#define SC_XFAST_DMAX 65536
int sc_xctx_reserve_softmax(sc_xctx *cx, size_t Tmax, size_t dmax);

/* ------------------------------------------------------------------ dyadic rationals */

/* The value m * 2^e. Normal form (kept by every function here): m odd, or m = 0 and e = 0;
 * then equal values have equal fields. |e| <= SC_DY_EMAX. There is no signed zero: -0.0
 * converts to 0 (the real number), which converts back to +0.0. */
typedef struct sc_dy {
    mpz_t m;
    long e;
} sc_dy;

void sc_dy_init(sc_dy *x); /* x = 0 */
void sc_dy_clear(sc_dy *x);
/* Exact. SC_X_ENONFINITE for NaN or +-Inf (x unchanged). */
int sc_dy_set_d(sc_dy *x, double v);
int sc_dy_set_flt(sc_dy *x, float v);
void sc_dy_set_si(sc_dy *x, long v);
void sc_dy_set(sc_dy *r, const sc_dy *a);
/* x = m * 2^e, normalised; SC_X_EOVERFLOW if the normal exponent leaves [-EMAX, EMAX]. */
int sc_dy_set_z_2exp(sc_dy *x, const mpz_t m, long e);
/* Rounded to double / float in rounding mode rnd (MPFR_RNDN ties-to-even, RNDD, RNDU, RNDZ),
 * one rounding, gradual underflow as IEEE 754 binary64/binary32. An infinite result (overflow
 * in the direction of rnd) sets *out = +-inf and returns SC_X_EOVERFLOW. */
int sc_dy_get_d(double *out, const sc_dy *x, mpfr_rnd_t rnd);
int sc_dy_get_flt(float *out, const sc_dy *x, mpfr_rnd_t rnd);
void sc_dy_get_q(mpq_t q, const sc_dy *x);
/* SC_X_EDOMAIN unless q's denominator is a power of two. */
int sc_dy_set_q(sc_dy *x, const mpq_t q);
/* Exact arithmetic; SC_X_EOVERFLOW only if an exponent would leave [-EMAX, EMAX]. */
int sc_dy_add(sc_dy *r, const sc_dy *a, const sc_dy *b, sc_xctx *cx);
int sc_dy_sub(sc_dy *r, const sc_dy *a, const sc_dy *b, sc_xctx *cx);
int sc_dy_mul(sc_dy *r, const sc_dy *a, const sc_dy *b);
void sc_dy_neg(sc_dy *r, const sc_dy *a);
int sc_dy_sgn(const sc_dy *a);
/* -1, 0, +1 as a <, =, > b. */
int sc_dy_cmp(const sc_dy *a, const sc_dy *b, sc_xctx *cx);
/* r = sum_k a[k*sa] * b[k*sb], exact (sa, sb: strides in elements); r must not alias an
 * input element. n = 0 gives 0. */
int sc_dy_dot(sc_dy *r, const sc_dy *a, size_t sa, const sc_dy *b, size_t sb, size_t n,
              sc_xctx *cx);

/* ------------------------------------------------------------------ exact rationals */

/* Arrays of n initialised mpq_t (value 0); NULL if out of memory or n*size overflows. */
mpq_t *sc_q_array_new(size_t n);
void sc_q_array_free(mpq_t *a, size_t n);
/* Exact; SC_X_ENONFINITE for NaN/Inf (q unchanged). */
int sc_q_set_d(mpq_t q, double v);
/* Correctly rounded to double in mode rnd (one rounding, subnormals as IEEE); infinite result:
 * *out = +-inf, SC_X_EOVERFLOW. */
int sc_q_get_d(double *out, const mpq_t q, mpfr_rnd_t rnd, sc_xctx *cx);
/* out[r*outd + o] = sum_k W[o*in + k] x[r*in + k] + b[o] (b may be NULL = 0), exactly, for
 * r < rows. W: [outd, in] doubles (float32 weights convert exactly to double). Needs
 * in <= cx->nmax (else SC_X_EINVAL); SC_X_ENONFINITE if W or b holds a NaN/Inf. */
int sc_q_linear(mpq_t *out, const mpq_t *x, size_t rows, size_t in, const double *W,
                const double *b, size_t outd, sc_xctx *cx);
/* Elementwise, in place allowed: out = max(x, 0); out = a + b. */
void sc_q_relu(mpq_t *out, const mpq_t *x, size_t n);
void sc_q_add(mpq_t *out, const mpq_t *a, const mpq_t *b, size_t n);
/* *idx = the smallest index of a maximum (PyTorch argmax convention); *nmax = how many
 * entries equal the maximum. n >= 1 else SC_X_EINVAL. nmax may be NULL. */
int sc_q_argmax(size_t *idx, size_t *nmax, const mpq_t *x, size_t n);

/* ------------------------------------------------------------------ enclosures */

/* An sc_iv (declared at the top: the scratch context holds some) is the closed interval
 * [lo, hi], lo <= hi, both finite. */

/* x = [0, 0] at precision prec (clamped to MPFR's limits by MPFR itself). */
void sc_iv_init(sc_iv *x, mpfr_prec_t prec);
void sc_iv_clear(sc_iv *x);
/* n intervals [0, 0] at precision prec; NULL if out of memory or n*size overflows. */
sc_iv *sc_iv_array_new(size_t n, mpfr_prec_t prec);
void sc_iv_array_free(sc_iv *a, size_t n);
/* Set the precision of every element (values become [0, 0]). */
void sc_iv_array_set_prec(sc_iv *a, size_t n, mpfr_prec_t prec);

/* Enclosures of exact values: [v, v] when representable at x's precision, else the two
 * neighbouring MPFR numbers. SC_X_ENONFINITE for NaN/Inf. */
int sc_iv_set_d(sc_iv *x, double v);
int sc_iv_set_dy(sc_iv *x, const sc_dy *v);
int sc_iv_set_q(sc_iv *x, const mpq_t v);
void sc_iv_set_si(sc_iv *x, long v);
/* [lo, hi] from doubles: SC_X_ENONFINITE for NaN/Inf, SC_X_EINVAL if lo > hi. */
int sc_iv_set_d2(sc_iv *x, double lo, double hi);
/* Enclosure of the decimal number in s (mpfr_set_str syntax, base 10, e.g. "1e-5"):
 * SC_X_EINVAL if s is not entirely a number, SC_X_ENONFINITE for nan/inf. */
int sc_iv_set_str(sc_iv *x, const char *s);
/* r = a rounded outward to r's precision. */
void sc_iv_set(sc_iv *r, const sc_iv *a);

/* 1 iff both bounds are finite numbers and lo <= hi (a valid, non-empty enclosure). */
int sc_iv_ok(const sc_iv *x);
int sc_iv_is_point(const sc_iv *x);
/* 1 iff the exact value v lies in x (no rounding involved). */
int sc_iv_contains_q(const sc_iv *x, const mpq_t v);
int sc_iv_contains_d(const sc_iv *x, double v);
/* 1 iff b is a subset of a. */
int sc_iv_contains(const sc_iv *a, const sc_iv *b);
/* hi - lo rounded up to double (+inf if x is not ok). */
double sc_iv_width(const sc_iv *x);
/* (hi - lo) / max(|lo|, |hi|) rounded up to double; 0 for [0, 0]; +inf if not ok. */
double sc_iv_relwidth(const sc_iv *x, sc_xctx *cx);
/* The midpoint (lo + hi) / 2 at the working precision, then rounded to nearest double. */
double sc_iv_mid_d(const sc_iv *x, sc_xctx *cx);

/* Comparison of the real values that a and b enclose. */
enum sc_iv_order {
    SC_IV_LT = -1,     /* a.hi < b.lo: every value of a is below every value of b */
    SC_IV_EQ = 0,      /* both are the same point */
    SC_IV_GT = 1,      /* a.lo > b.hi */
    SC_IV_OVERLAP = 2  /* cannot decide from these enclosures */
};
int sc_iv_cmp(const sc_iv *a, const sc_iv *b);

/* Arithmetic: r encloses { f(a, b) : a in A, b in B } rounded outward to r's precision
 * (mul, sqr, div, mul_d with w < 0 and rec_sqrt may first round outward to the working
 * precision cx->prec, so their results are as tight as min(prec(r), cx->prec) allows).
 * r may alias any operand. Results are checked: an infinite bound is SC_X_EOVERFLOW. */
int sc_iv_add(sc_iv *r, const sc_iv *a, const sc_iv *b);
int sc_iv_sub(sc_iv *r, const sc_iv *a, const sc_iv *b);
void sc_iv_neg(sc_iv *r, const sc_iv *a);
int sc_iv_mul(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx);
int sc_iv_sqr(sc_iv *r, const sc_iv *a, sc_xctx *cx);        /* {a^2}: lo >= 0 */
int sc_iv_div(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx); /* EDOMAIN if 0 in b */
int sc_iv_mul_d(sc_iv *r, const sc_iv *a, double w, sc_xctx *cx); /* ENONFINITE for NaN/Inf w */
int sc_iv_add_d(sc_iv *r, const sc_iv *a, double w);
int sc_iv_mul_2si(sc_iv *r, const sc_iv *a, long k);         /* times 2^k */
int sc_iv_div_ui(sc_iv *r, const sc_iv *a, unsigned long n); /* EDOMAIN if n = 0 */
/* Elementary functions, correctly rounded bounds (monotone images of the bounds). */
int sc_iv_exp(sc_iv *r, const sc_iv *a);
int sc_iv_erf(sc_iv *r, const sc_iv *a);
int sc_iv_sqrt(sc_iv *r, const sc_iv *a);                  /* EDOMAIN if a.lo < 0 */
int sc_iv_rec_sqrt(sc_iv *r, const sc_iv *a, sc_xctx *cx); /* 1/sqrt; EDOMAIN if a.lo <= 0 */
/* Sum and dot product with strides (in elements); r must not alias an input element.
 * The dot product accumulates each bound in one MPFR scratch value of the working
 * precision, each partial sum rounded outward. */
int sc_iv_sum(sc_iv *r, const sc_iv *x, size_t sx, size_t n, sc_xctx *cx);
int sc_iv_dot(sc_iv *r, const sc_iv *a, size_t sa, const sc_iv *b, size_t sb, size_t n,
              sc_xctx *cx);
/* acc += a * b, each bound accumulated in place with directed rounding (acc must not alias
 * a or b): the building block of dot products whose operands are visited in another order. */
int sc_iv_addmul(sc_iv *acc, const sc_iv *a, const sc_iv *b, sc_xctx *cx);
/* r = sum_k w[k] x[k*sx] with exact double weights (NaN/Inf weight: SC_X_ENONFINITE). */
int sc_iv_dot_d(sc_iv *r, const double *w, const sc_iv *x, size_t sx, size_t n, sc_xctx *cx);

/* ------------------------------------------------------------------ layers on enclosures */

/* out[r*outd + o] encloses sum_k W[o*in + k] x[r*in + k] + b[o] (b may be NULL) for r < rows;
 * PyTorch nn.Linear layout. SC_X_ENONFINITE if W or b holds a NaN/Inf. */
int sc_iv_linear(sc_iv *out, const sc_iv *x, size_t rows, size_t in, const double *W,
                 const double *b, size_t outd, sc_xctx *cx);
/* Elementwise over n values, in place allowed. */
int sc_iv_vadd(sc_iv *out, const sc_iv *a, const sc_iv *b, size_t n);
void sc_iv_relu(sc_iv *out, const sc_iv *x, size_t n);             /* [max(lo,0), max(hi,0)] */
/* GELU, the erf form (PyTorch approximate='none'): x/2 * (1 + erf(x / sqrt 2)), evaluated in
 * interval arithmetic as x/2 * erfc(-x / sqrt 2) (the same real function; erfc avoids the
 * cancellation of 1 + erf for negative x). Valid for any input interval, tight for narrow
 * ones. In place allowed. */
int sc_iv_gelu(sc_iv *out, const sc_iv *x, size_t n, sc_xctx *cx);
/* LayerNorm over each row of n values (PyTorch): mu = mean, var = mean of (x - mu)^2 (biased),
 * y = (x - mu) / sqrt(var + eps) * gamma + beta; gamma/beta may be NULL (1 / 0). eps is an
 * enclosure (e.g. sc_iv_set_d of the double PyTorch uses, or sc_iv_set_str("1e-5") for the
 * decimal). n >= 1; SC_X_EDOMAIN if var + eps is not provably > 0. Not in place. */
int sc_iv_layernorm(sc_iv *out, const sc_iv *x, size_t rows, size_t n, const double *gamma,
                    const double *beta, const sc_iv *eps, sc_xctx *cx);
/* *idx = the index whose enclosure is above all others' (strictly: lo > every other hi).
 * If the candidates (those whose hi >= the largest lo) are all the same point, *idx is the
 * smallest of them (PyTorch convention). Otherwise SC_X_UNDECIDED and *idx = the candidate
 * with the largest upper bound. n >= 1 else SC_X_EINVAL. */
int sc_iv_argmax(size_t *idx, const sc_iv *x, size_t n);

/* ------------------------------------------------------------------ fast softmax attention */

/* Returned by the fast paths when they do not apply; the caller then uses the MPFR path. */
#define SC_X_FAST_NA (-1)

/* Causal softmax attention (the semantics of sc_attn_softmax_iv, attention.h) by exact
 * fixed-point integer arithmetic: out[i*ldo + c] encloses
 *   sum_{j<=i} exp(s_ij - m_i) V[j][c] / sum_{j<=i} exp(s_ij - m_i),  s_ij = scale * q_i.k_j.
 * Applies (else returns SC_X_FAST_NA and writes nothing that matters: the caller recomputes)
 * when: cx->no_fast == 0, scratch reserved for T x dh (sc_xctx_reserve_softmax), 1 <= T,
 * cx->prec <= 128, every entry of Q, K, V is a point enclosure whose value has at most 64
 * significant bits (every float/double does), each row of Q and K and each column of V spans
 * at most ~50 binary orders of magnitude between its largest and smallest nonzero entry (the
 * block format below), scale is an enclosure of positive numbers at precision <= 128, and
 * the scores are below 2^100 in magnitude. Never returns another error.
 * How (and why it is rigorous):
 *  - a row (column) is stored as integers N_k (|N_k| < 2^103) times one power of two, split
 *    into two 52-bit digits; the dot products q_i.k_j are computed EXACTLY (4 digit products
 *    per term accumulated in __int128, recombined in 256 bits; or, on x86-64 CPUs with
 *    AVX-512 IFMA and dh <= 1024, 52x52-bit digit products of the entries offset by 2^103
 *    accumulated in 64-bit lanes, the offset subtracted exactly afterwards: the same
 *    integers, see sc_x_fast_simd);
 *  - the exact dot product is rounded outward to 128 bits and multiplied by the outward
 *    rounded 128-bit bounds of scale, then outward to a fixed-point grid of the row (|s| <
 *    2^125 units); m_i = the largest upper bound (exact on the grid), u_ij = m_i - s_ij >= 0;
 *  - exp(-u) for the upper end of u: 4 table factors (exp(-k), exp(-k/2^8), exp(-k/2^16),
 *    exp(-k/2^24), each the floor of the value computed by MPFR) times a degree-5 Taylor
 *    polynomial of the last < 2^-24, all in 2^-127 fixed point with truncation: a lower
 *    bound, and the lower bound + 40 units is an upper bound (error budget in exact.c); the
 *    other end uses exp(u_hi - u_lo) <= 1 + 2 (u_hi - u_lo);
 *  - each weight is then an integer interval [E_j, E_j + w_j] * 2^-125 and sum_j E_j V[j][c]
 *    is computed exactly (4 digit products per term; with IFMA 6 52-bit digit products of
 *    E_j and the offset V entry, the offset's contribution 2^103 sum_j E_j taken out exactly
 *    afterwards), the w_j part bounded by
 *    max_j w_j * sum_j |V[j][c]|; the normaliser's integer bounds are summed exactly; the
 *    quotient is formed with outward-rounded 128-bit reciprocals and products, and rounded
 *    outward once more to out's precision.
 * Widths are close to those of the MPFR path at 128 bits (the tests check <= 2^-118
 * relative on small cases). */
int sc_x_softmax_fast(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                      size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                      const sc_iv *scale, sc_xctx *cx);

/* The AVX-512 IFMA kernels of sc_x_softmax_fast (x86-64; used when the CPU and OS support
 * AVX-512F and IFMA, detected once at run time): enable = 0 forces the portable scalar loops,
 * nonzero allows the kernels again (the default). Both compute the same exact integers, so
 * the results are identical bit for bit. Returns 1 if the kernels are in use after the call,
 * else 0 (always 0 without such a CPU). Process-wide and not synchronised with running
 * calls: for tests and benchmarks. */
int sc_x_fast_simd(int enable);

/* ------------------------------------------------------------------ refinement */

/* One evaluation at precision prec: returns SC_X_OK when the decision it needs was made,
 * SC_X_UNDECIDED to ask for more precision, any other code to stop with that error. */
typedef int (*sc_x_eval_fn)(void *ctx, mpfr_prec_t prec);

/* Calls eval at prec0, 2 prec0, 4 prec0, ... while it answers SC_X_UNDECIDED and the
 * precision is <= cap (the last attempt is at exactly cap if doubling would pass it).
 * Returns eval's last code (SC_X_UNDECIDED if the cap was reached). *used (may be NULL) =
 * the precision of the last evaluation. SC_X_EINVAL if prec0 < SC_X_PREC_MIN or
 * cap < prec0 or cap > SC_X_PREC_MAX. */
int sc_x_refine(sc_x_eval_fn eval, void *ctx, mpfr_prec_t prec0, mpfr_prec_t cap,
                mpfr_prec_t *used);

#endif
