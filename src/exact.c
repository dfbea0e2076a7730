/* The exact-number layer: dyadics (mpz * 2^e), rationals (mpq) and MPFR interval enclosures.
 * See exact.h for the semantics and for why these representations were chosen. */
#include "exact.h"
#include "exact_int.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

const char *sc_x_strerror(int code)
{
    switch (code) {
    case SC_X_OK: return "ok";
    case SC_X_EINVAL: return "invalid argument";
    case SC_X_ENONFINITE: return "NaN or infinite input";
    case SC_X_EDOMAIN: return "argument outside the function's domain";
    case SC_X_EOVERFLOW: return "result out of range";
    case SC_X_ENOMEM: return "out of memory";
    case SC_X_UNDECIDED: return "undecided at this precision";
    default: return "unknown status";
    }
}

static int prec_ok(mpfr_prec_t p) { return p >= SC_X_PREC_MIN && p <= SC_X_PREC_MAX; }

/* ------------------------------------------------------------------ scratch context */

struct sc_xfast;
static void xfast_free(struct sc_xfast *f);

int sc_xctx_init(sc_xctx *cx, mpfr_prec_t prec, size_t nmax)
{
    if (!cx || !prec_ok(prec))
        return SC_X_EINVAL;
    cx->zv = NULL;
    if (nmax) {
        if (nmax > SIZE_MAX / sizeof(mpz_t))
            return SC_X_ENOMEM;
        cx->zv = malloc(nmax * sizeof(mpz_t));
        if (!cx->zv)
            return SC_X_ENOMEM;
        for (size_t k = 0; k < nmax; k++)
            mpz_init(cx->zv[k]);
    }
    cx->nmax = nmax;
    cx->prec = prec;
    cx->no_fast = 0;
    cx->fast = NULL;
    for (int k = 0; k < 6; k++)
        mpz_init(cx->z[k]);
    for (int k = 0; k < 8; k++)
        mpfr_init2(cx->f[k], prec);
    for (int k = 0; k < 4; k++)
        sc_iv_init(&cx->v[k], prec);
    return SC_X_OK;
}

void sc_xctx_clear(sc_xctx *cx)
{
    if (!cx)
        return;
    for (size_t k = 0; k < cx->nmax; k++)
        mpz_clear(cx->zv[k]);
    free(cx->zv);
    cx->zv = NULL;
    cx->nmax = 0;
    for (int k = 0; k < 6; k++)
        mpz_clear(cx->z[k]);
    for (int k = 0; k < 8; k++)
        mpfr_clear(cx->f[k]);
    for (int k = 0; k < 4; k++)
        sc_iv_clear(&cx->v[k]);
    xfast_free(cx->fast);
    cx->fast = NULL;
}

int sc_xctx_set_prec(sc_xctx *cx, mpfr_prec_t prec)
{
    if (!cx || !prec_ok(prec))
        return SC_X_EINVAL;
    cx->prec = prec;
    for (int k = 0; k < 8; k++)
        mpfr_set_prec(cx->f[k], prec);
    sc_iv_array_set_prec(cx->v, 4, prec);
    return SC_X_OK;
}

/* ------------------------------------------------------------------ dyadic rationals */

static int e_ok(long e) { return e >= -SC_DY_EMAX && e <= SC_DY_EMAX; }

/* Strip trailing zero bits of m into e; zero gets e = 0. */
static int dy_norm(sc_dy *x)
{
    if (mpz_sgn(x->m) == 0) {
        x->e = 0;
        return SC_X_OK;
    }
    mp_bitcnt_t t = mpz_scan1(x->m, 0);
    if (t) {
        mpz_tdiv_q_2exp(x->m, x->m, t);
        if (x->e > LONG_MAX - (long)t) /* only from sc_dy_set_z_2exp with e near LONG_MAX */
            return SC_X_EOVERFLOW;
        x->e += (long)t;
    }
    return e_ok(x->e) ? SC_X_OK : SC_X_EOVERFLOW;
}

void sc_dy_init(sc_dy *x)
{
    mpz_init(x->m);
    x->e = 0;
}

void sc_dy_clear(sc_dy *x) { mpz_clear(x->m); }

/* v = m * 2^e with |m| < 2^53 (exact decomposition of a finite nonzero double). */
static void d_decompose(double v, int64_t *m, long *e)
{
    int E;
    double f = frexp(v, &E); /* v = f 2^E, 0.5 <= |f| < 1, subnormals included */
    *m = (int64_t)ldexp(f, 53);
    *e = (long)E - 53;
}

int sc_dy_set_d(sc_dy *x, double v)
{
    if (!isfinite(v))
        return SC_X_ENONFINITE;
    if (v == 0) {
        mpz_set_ui(x->m, 0);
        x->e = 0;
        return SC_X_OK;
    }
    int64_t m;
    long e;
    d_decompose(v, &m, &e);
    mpz_set_si(x->m, (long)m);
    x->e = e;
    return dy_norm(x);
}

int sc_dy_set_flt(sc_dy *x, float v) { return sc_dy_set_d(x, (double)v); }

void sc_dy_set_si(sc_dy *x, long v)
{
    mpz_set_si(x->m, v);
    x->e = 0;
    (void)dy_norm(x); /* exponent <= 63 */
}

void sc_dy_set(sc_dy *r, const sc_dy *a)
{
    if (r == a)
        return;
    mpz_set(r->m, a->m);
    r->e = a->e;
}

int sc_dy_set_z_2exp(sc_dy *x, const mpz_t m, long e)
{
    mpz_set(x->m, m);
    x->e = e;
    return dy_norm(x); /* range checked after stripping trailing zeros */
}

/* Round sign * (mag + sticky/2) * 2^e (mag >= 0 an integer; sticky: a nonzero fraction below
 * the last bit of mag, strictly between 0 and 1 unit of 2^e -- callers give mag >= 2 bits
 * beyond the target precision or sticky = 0) to the binary format with p-bit significands,
 * normal leading exponents [emin, emax] and gradual underflow. *out = the rounded value
 * (exact in double), or +-inf/+-max on overflow. */
static int round_fmt(double *out, int sign, const mpz_t mag, long e, int sticky, int p,
                     long emin, long emax, double maxval, mpfr_rnd_t rnd, mpz_t tmp)
{
    if (mpz_sgn(mag) == 0 && !sticky) {
        *out = sign < 0 ? -0.0 : 0.0;
        return SC_X_OK;
    }
    long b = (long)mpz_sizeinbase(mag, 2);
    if (mpz_sgn(mag) == 0)
        b = 0;
    long E = e + b - 1; /* leading-bit exponent */
    long qexp = E - p + 1;
    if (qexp < emin - p + 1)
        qexp = emin - p + 1;
    long s = qexp - e; /* bits to drop */
    int round = 0;
    if (s <= 0) {
        mpz_mul_2exp(tmp, mag, (mp_bitcnt_t)(-s));
        /* the sticky fraction lies below the quantum: round bit 0, sticky as given */
    } else {
        mpz_tdiv_q_2exp(tmp, mag, (mp_bitcnt_t)s);
        round = mpz_tstbit(mag, (mp_bitcnt_t)(s - 1));
        if (!sticky && s >= 2 && mpz_sgn(mag) && mpz_scan1(mag, 0) < (mp_bitcnt_t)(s - 1))
            sticky = 1;
    }
    int inc = 0, inexact = round || sticky;
    switch (rnd) {
    case MPFR_RNDN: inc = round && (sticky || mpz_odd_p(tmp)); break;
    case MPFR_RNDU: inc = inexact && sign > 0; break;
    case MPFR_RNDD: inc = inexact && sign < 0; break;
    case MPFR_RNDA: inc = inexact; break;
    default: inc = 0; break; /* RNDZ */
    }
    if (inc)
        mpz_add_ui(tmp, tmp, 1);
    long qb = mpz_sgn(tmp) ? (long)mpz_sizeinbase(tmp, 2) : 0;
    if (qb && qb + qexp - 1 > emax) {
        int toward_zero = rnd == MPFR_RNDZ || (rnd == MPFR_RNDD && sign > 0) ||
                          (rnd == MPFR_RNDU && sign < 0);
        double v = toward_zero ? maxval : INFINITY;
        *out = sign < 0 ? -v : v;
        return toward_zero ? SC_X_OK : SC_X_EOVERFLOW;
    }
    double q = (double)mpz_get_ui(tmp); /* <= 2^p <= 2^53: exact */
    double v = ldexp(q, (int)qexp);     /* exact: representable by construction */
    *out = sign < 0 ? -v : v;
    return SC_X_OK;
}

static int dy_get(double *out, const sc_dy *x, mpfr_rnd_t rnd, int p, long emin, long emax,
                  double maxval)
{
    mpz_t mag, tmp;
    /* mag aliases |m| without copying: a read-only view with positive size */
    mpz_roinit_n(mag, mpz_limbs_read(x->m), (mp_size_t)mpz_size(x->m));
    mpz_init(tmp); /* no allocation until needed; result has at most 54 bits */
    int rc = round_fmt(out, mpz_sgn(x->m), mag, x->e, 0, p, emin, emax, maxval, rnd, tmp);
    mpz_clear(tmp);
    return rc;
}

int sc_dy_get_d(double *out, const sc_dy *x, mpfr_rnd_t rnd)
{
    return dy_get(out, x, rnd, DBL_MANT_DIG, DBL_MIN_EXP - 1, DBL_MAX_EXP - 1, DBL_MAX);
}

int sc_dy_get_flt(float *out, const sc_dy *x, mpfr_rnd_t rnd)
{
    double v;
    int rc = dy_get(&v, x, rnd, FLT_MANT_DIG, FLT_MIN_EXP - 1, FLT_MAX_EXP - 1, FLT_MAX);
    *out = (float)v; /* exact: v is a binary32 value or an infinity */
    return rc;
}

void sc_dy_get_q(mpq_t q, const sc_dy *x)
{
    mpq_set_z(q, x->m);
    if (x->e >= 0)
        mpq_mul_2exp(q, q, (mp_bitcnt_t)x->e);
    else
        mpq_div_2exp(q, q, (mp_bitcnt_t)(-x->e));
}

int sc_dy_set_q(sc_dy *x, const mpq_t q)
{
    mpz_srcptr den = mpq_denref(q);
    mp_bitcnt_t t = mpz_scan1(den, 0);
    if (mpz_sizeinbase(den, 2) != t + 1) /* den > 0: a power of two iff one bit set */
        return SC_X_EDOMAIN;
    if (t > (mp_bitcnt_t)SC_DY_EMAX)
        return SC_X_EOVERFLOW;
    mpz_set(x->m, mpq_numref(q));
    x->e = -(long)t;
    return dy_norm(x);
}

/* r = a + b (sign of b flipped when neg). */
static int dy_addsub(sc_dy *r, const sc_dy *a, const sc_dy *b, int neg, sc_xctx *cx)
{
    if (mpz_sgn(b->m) == 0) {
        sc_dy_set(r, a);
        return SC_X_OK;
    }
    if (mpz_sgn(a->m) == 0) {
        if (neg)
            sc_dy_neg(r, b);
        else
            sc_dy_set(r, b);
        return SC_X_OK;
    }
    /* align to the smaller exponent: the other operand is shifted into scratch */
    long e;
    if (a->e <= b->e) {
        e = a->e;
        mpz_mul_2exp(cx->z[0], b->m, (mp_bitcnt_t)(b->e - a->e));
        if (neg)
            mpz_sub(r->m, a->m, cx->z[0]);
        else
            mpz_add(r->m, a->m, cx->z[0]);
    } else {
        e = b->e;
        mpz_mul_2exp(cx->z[0], a->m, (mp_bitcnt_t)(a->e - b->e));
        if (neg)
            mpz_sub(r->m, cx->z[0], b->m);
        else
            mpz_add(r->m, cx->z[0], b->m);
    }
    r->e = e;
    return dy_norm(r);
}

int sc_dy_add(sc_dy *r, const sc_dy *a, const sc_dy *b, sc_xctx *cx)
{
    return dy_addsub(r, a, b, 0, cx);
}

int sc_dy_sub(sc_dy *r, const sc_dy *a, const sc_dy *b, sc_xctx *cx)
{
    return dy_addsub(r, a, b, 1, cx);
}

int sc_dy_mul(sc_dy *r, const sc_dy *a, const sc_dy *b)
{
    long e = a->e + b->e; /* |e| <= 2 EMAX: no long overflow */
    if (mpz_sgn(a->m) && mpz_sgn(b->m) && !e_ok(e))
        return SC_X_EOVERFLOW;
    mpz_mul(r->m, a->m, b->m);
    r->e = mpz_sgn(r->m) ? e : 0;
    return SC_X_OK; /* odd * odd is odd: already normal */
}

void sc_dy_neg(sc_dy *r, const sc_dy *a)
{
    mpz_neg(r->m, a->m);
    r->e = a->e;
}

int sc_dy_sgn(const sc_dy *a) { return mpz_sgn(a->m); }

int sc_dy_cmp(const sc_dy *a, const sc_dy *b, sc_xctx *cx)
{
    int sa = mpz_sgn(a->m), sb = mpz_sgn(b->m);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    /* same sign: compare magnitudes by leading exponent, then aligned mantissas */
    long la = a->e + (long)mpz_sizeinbase(a->m, 2), lb = b->e + (long)mpz_sizeinbase(b->m, 2);
    int mag;
    if (la != lb)
        mag = la < lb ? -1 : 1;
    else if (a->e >= b->e) {
        mpz_mul_2exp(cx->z[0], a->m, (mp_bitcnt_t)(a->e - b->e));
        mag = mpz_cmpabs(cx->z[0], b->m);
    } else {
        mpz_mul_2exp(cx->z[0], b->m, (mp_bitcnt_t)(b->e - a->e));
        mag = mpz_cmpabs(a->m, cx->z[0]);
    }
    mag = mag < 0 ? -1 : mag > 0;
    return sa > 0 ? mag : -mag;
}

/* acc * 2^(*acc_e) += t * 2^te, exactly (have: whether acc holds a value yet). */
static void acc_add(mpz_t acc, long *acc_e, int *have, mpz_t t, long te, mpz_t tmp)
{
    if (!*have) {
        mpz_swap(acc, t);
        *acc_e = te;
        *have = 1;
    } else if (te >= *acc_e) {
        mpz_mul_2exp(tmp, t, (mp_bitcnt_t)(te - *acc_e));
        mpz_add(acc, acc, tmp);
    } else {
        mpz_mul_2exp(acc, acc, (mp_bitcnt_t)(*acc_e - te));
        mpz_add(acc, acc, t);
        *acc_e = te;
    }
}

int sc_dy_dot(sc_dy *r, const sc_dy *a, size_t sa, const sc_dy *b, size_t sb, size_t n,
              sc_xctx *cx)
{
    long acc_e = 0;
    int have = 0;
    mpz_set_ui(cx->z[1], 0);
    for (size_t k = 0; k < n; k++) {
        const sc_dy *x = &a[k * sa], *y = &b[k * sb];
        if (!mpz_sgn(x->m) || !mpz_sgn(y->m))
            continue;
        mpz_mul(cx->z[2], x->m, y->m);
        acc_add(cx->z[1], &acc_e, &have, cx->z[2], x->e + y->e, cx->z[3]);
    }
    mpz_swap(r->m, cx->z[1]);
    r->e = have ? acc_e : 0;
    return dy_norm(r);
}

/* ------------------------------------------------------------------ exact rationals */

mpq_t *sc_q_array_new(size_t n)
{
    if (n > SIZE_MAX / sizeof(mpq_t))
        return NULL;
    mpq_t *a = malloc((n ? n : 1) * sizeof(mpq_t));
    if (!a)
        return NULL;
    for (size_t k = 0; k < n; k++)
        mpq_init(a[k]);
    return a;
}

void sc_q_array_free(mpq_t *a, size_t n)
{
    if (!a)
        return;
    for (size_t k = 0; k < n; k++)
        mpq_clear(a[k]);
    free(a);
}

int sc_q_set_d(mpq_t q, double v)
{
    if (!isfinite(v))
        return SC_X_ENONFINITE;
    mpq_set_d(q, v); /* exact for finite doubles */
    return SC_X_OK;
}

int sc_q_get_d(double *out, const mpq_t q, mpfr_rnd_t rnd, sc_xctx *cx)
{
    int sign = mpq_sgn(q);
    if (!sign) {
        *out = 0.0;
        return SC_X_OK;
    }
    mpz_srcptr num = mpq_numref(q), den = mpq_denref(q);
    /* |q| 2^k / den >= 2^(p+1) with k = p + 2 - (bits(num) - bits(den)): the quotient has at
     * least p + 2 bits, so the remainder is a sticky bit below the round bit. */
    long k = DBL_MANT_DIG + 2 - ((long)mpz_sizeinbase(num, 2) - (long)mpz_sizeinbase(den, 2));
    mpz_abs(cx->z[0], num);
    if (k >= 0) {
        mpz_mul_2exp(cx->z[0], cx->z[0], (mp_bitcnt_t)k);
        mpz_tdiv_qr(cx->z[1], cx->z[2], cx->z[0], den);
    } else {
        mpz_mul_2exp(cx->z[3], den, (mp_bitcnt_t)(-k));
        mpz_tdiv_qr(cx->z[1], cx->z[2], cx->z[0], cx->z[3]);
    }
    return round_fmt(out, sign, cx->z[1], -k, mpz_sgn(cx->z[2]) != 0, DBL_MANT_DIG,
                     DBL_MIN_EXP - 1, DBL_MAX_EXP - 1, DBL_MAX, rnd, cx->z[4]);
}

/* acc * 2^(*acc_e) += w * z exactly, w a finite double (declared, with its contract, in
 * exact_int.h; used by sc_q_linear in exact_q.c). */
void sc_x_acc_add_d(mpz_t acc, long *acc_e, int *have, double w, mpz_srcptr z, sc_xctx *cx)
{
    if (w == 0 || !mpz_sgn(z))
        return;
    int64_t m;
    long e;
    d_decompose(w, &m, &e);
    mpz_mul_si(cx->z[2], z, (long)m);
    acc_add(acc, acc_e, have, cx->z[2], e, cx->z[3]);
}

/* ------------------------------------------------------------------ enclosures: basics */

void sc_iv_init(sc_iv *x, mpfr_prec_t prec)
{
    mpfr_init2(x->lo, prec);
    mpfr_init2(x->hi, prec);
    mpfr_set_zero(x->lo, 1);
    mpfr_set_zero(x->hi, 1);
}

void sc_iv_clear(sc_iv *x)
{
    mpfr_clear(x->lo);
    mpfr_clear(x->hi);
}

sc_iv *sc_iv_array_new(size_t n, mpfr_prec_t prec)
{
    if (n > SIZE_MAX / sizeof(sc_iv))
        return NULL;
    sc_iv *a = malloc((n ? n : 1) * sizeof(sc_iv));
    if (!a)
        return NULL;
    for (size_t k = 0; k < n; k++)
        sc_iv_init(&a[k], prec);
    return a;
}

void sc_iv_array_free(sc_iv *a, size_t n)
{
    if (!a)
        return;
    for (size_t k = 0; k < n; k++)
        sc_iv_clear(&a[k]);
    free(a);
}

void sc_iv_array_set_prec(sc_iv *a, size_t n, mpfr_prec_t prec)
{
    for (size_t k = 0; k < n; k++) {
        mpfr_set_prec(a[k].lo, prec);
        mpfr_set_prec(a[k].hi, prec);
        mpfr_set_zero(a[k].lo, 1);
        mpfr_set_zero(a[k].hi, 1);
    }
}

/* SC_X_EOVERFLOW unless both bounds are finite (directed rounding can only overflow to an
 * infinity or the largest number; the former is caught here). */
static int fin(const sc_iv *r)
{
    return mpfr_number_p(r->lo) && mpfr_number_p(r->hi) ? SC_X_OK : SC_X_EOVERFLOW;
}

int sc_iv_set_d(sc_iv *x, double v)
{
    if (!isfinite(v))
        return SC_X_ENONFINITE;
    mpfr_set_d(x->lo, v, MPFR_RNDD);
    mpfr_set_d(x->hi, v, MPFR_RNDU);
    return SC_X_OK;
}

int sc_iv_set_d2(sc_iv *x, double lo, double hi)
{
    if (!isfinite(lo) || !isfinite(hi))
        return SC_X_ENONFINITE;
    if (lo > hi)
        return SC_X_EINVAL;
    mpfr_set_d(x->lo, lo, MPFR_RNDD);
    mpfr_set_d(x->hi, hi, MPFR_RNDU);
    return SC_X_OK;
}

int sc_iv_set_dy(sc_iv *x, const sc_dy *v)
{
    mpfr_set_z_2exp(x->lo, v->m, v->e, MPFR_RNDD);
    mpfr_set_z_2exp(x->hi, v->m, v->e, MPFR_RNDU);
    return fin(x);
}

int sc_iv_set_q(sc_iv *x, const mpq_t v)
{
    mpfr_set_q(x->lo, v, MPFR_RNDD);
    mpfr_set_q(x->hi, v, MPFR_RNDU);
    return fin(x);
}

void sc_iv_set_si(sc_iv *x, long v)
{
    mpfr_set_si(x->lo, v, MPFR_RNDD);
    mpfr_set_si(x->hi, v, MPFR_RNDU);
}

int sc_iv_set_str(sc_iv *x, const char *s)
{
    if (!s || !*s)
        return SC_X_EINVAL;
    char *end = NULL;
    mpfr_strtofr(x->lo, s, &end, 10, MPFR_RNDD);
    if (!end || end == s || *end)
        return SC_X_EINVAL;
    mpfr_strtofr(x->hi, s, &end, 10, MPFR_RNDU);
    if (mpfr_nan_p(x->lo) || mpfr_inf_p(x->lo) || mpfr_nan_p(x->hi) || mpfr_inf_p(x->hi)) {
        /* "inf"/"nan" literals; an out-of-range decimal also ends here */
        mpfr_set_zero(x->lo, 1);
        mpfr_set_zero(x->hi, 1);
        return SC_X_ENONFINITE;
    }
    return SC_X_OK;
}

void sc_iv_set(sc_iv *r, const sc_iv *a)
{
    if (r == a)
        return;
    mpfr_set(r->lo, a->lo, MPFR_RNDD);
    mpfr_set(r->hi, a->hi, MPFR_RNDU);
}

int sc_iv_ok(const sc_iv *x)
{
    return mpfr_number_p(x->lo) && mpfr_number_p(x->hi) && mpfr_lessequal_p(x->lo, x->hi);
}

int sc_iv_is_point(const sc_iv *x) { return sc_iv_ok(x) && mpfr_equal_p(x->lo, x->hi); }

int sc_iv_contains_q(const sc_iv *x, const mpq_t v)
{
    return sc_iv_ok(x) && mpfr_cmp_q(x->lo, v) <= 0 && mpfr_cmp_q(x->hi, v) >= 0;
}

int sc_iv_contains_d(const sc_iv *x, double v)
{
    return isfinite(v) && sc_iv_ok(x) && mpfr_cmp_d(x->lo, v) <= 0 && mpfr_cmp_d(x->hi, v) >= 0;
}

int sc_iv_contains(const sc_iv *a, const sc_iv *b)
{
    return sc_iv_ok(a) && sc_iv_ok(b) && mpfr_lessequal_p(a->lo, b->lo) &&
           mpfr_lessequal_p(b->hi, a->hi);
}

double sc_iv_width(const sc_iv *x)
{
    if (!sc_iv_ok(x))
        return INFINITY;
    MPFR_DECL_INIT(w, 64);
    mpfr_sub(w, x->hi, x->lo, MPFR_RNDU);
    return mpfr_get_d(w, MPFR_RNDU);
}

double sc_iv_relwidth(const sc_iv *x, sc_xctx *cx)
{
    if (!sc_iv_ok(x))
        return INFINITY;
    if (mpfr_zero_p(x->lo) && mpfr_zero_p(x->hi))
        return 0.0;
    mpfr_ptr w = cx->f[0], m = cx->f[1];
    mpfr_sub(w, x->hi, x->lo, MPFR_RNDU);
    if (mpfr_cmpabs(x->lo, x->hi) > 0)
        mpfr_abs(m, x->lo, MPFR_RNDD);
    else
        mpfr_abs(m, x->hi, MPFR_RNDD);
    mpfr_div(w, w, m, MPFR_RNDU);
    return mpfr_get_d(w, MPFR_RNDU);
}

double sc_iv_mid_d(const sc_iv *x, sc_xctx *cx)
{
    mpfr_add(cx->f[0], x->lo, x->hi, MPFR_RNDN);
    mpfr_div_2ui(cx->f[0], cx->f[0], 1, MPFR_RNDN);
    return mpfr_get_d(cx->f[0], MPFR_RNDN);
}

int sc_iv_cmp(const sc_iv *a, const sc_iv *b)
{
    if (mpfr_less_p(a->hi, b->lo))
        return SC_IV_LT;
    if (mpfr_greater_p(a->lo, b->hi))
        return SC_IV_GT;
    if (mpfr_equal_p(a->lo, a->hi) && mpfr_equal_p(b->lo, b->hi) && mpfr_equal_p(a->lo, b->lo))
        return SC_IV_EQ;
    return SC_IV_OVERLAP;
}

/* ------------------------------------------------------------------ enclosures: arithmetic */

int sc_iv_add(sc_iv *r, const sc_iv *a, const sc_iv *b)
{
    mpfr_add(r->lo, a->lo, b->lo, MPFR_RNDD);
    mpfr_add(r->hi, a->hi, b->hi, MPFR_RNDU);
    return fin(r);
}

void sc_iv_neg(sc_iv *r, const sc_iv *a)
{
    if (r == a) {
        mpfr_swap(r->lo, r->hi);
        mpfr_neg(r->lo, r->lo, MPFR_RNDD);
        mpfr_neg(r->hi, r->hi, MPFR_RNDU);
    } else {
        mpfr_neg(r->lo, a->hi, MPFR_RNDD);
        mpfr_neg(r->hi, a->lo, MPFR_RNDU);
    }
}

int sc_iv_sub(sc_iv *r, const sc_iv *a, const sc_iv *b)
{
    if (r == b) {
        sc_iv_neg(r, b);
        return sc_iv_add(r, a, r);
    }
    mpfr_sub(r->lo, a->lo, b->hi, MPFR_RNDD);
    mpfr_sub(r->hi, a->hi, b->lo, MPFR_RNDU);
    return fin(r);
}

/* Sign class of an interval: 0 = nonnegative, 1 = nonpositive (and not [0,0]), 2 = mixed. */
static inline int cls(const sc_iv *x)
{
    if (mpfr_sgn(x->lo) >= 0)
        return 0;
    if (mpfr_sgn(x->hi) <= 0)
        return 1;
    return 2;
}

/* lo, hi = the bounds of a*b; lo, hi must not be fields of a or b; t is scratch for the
 * mixed-mixed case. */
static void mul_bounds(mpfr_ptr lo, mpfr_ptr hi, const sc_iv *a, const sc_iv *b, mpfr_ptr t)
{
    mpfr_srcptr al = a->lo, ah = a->hi, bl = b->lo, bh = b->hi;
    switch (cls(a) * 3 + cls(b)) {
    case 0: /* P P */
        mpfr_mul(lo, al, bl, MPFR_RNDD);
        mpfr_mul(hi, ah, bh, MPFR_RNDU);
        break;
    case 1: /* P N */
        mpfr_mul(lo, ah, bl, MPFR_RNDD);
        mpfr_mul(hi, al, bh, MPFR_RNDU);
        break;
    case 2: /* P M */
        mpfr_mul(lo, ah, bl, MPFR_RNDD);
        mpfr_mul(hi, ah, bh, MPFR_RNDU);
        break;
    case 3: /* N P */
        mpfr_mul(lo, al, bh, MPFR_RNDD);
        mpfr_mul(hi, ah, bl, MPFR_RNDU);
        break;
    case 4: /* N N */
        mpfr_mul(lo, ah, bh, MPFR_RNDD);
        mpfr_mul(hi, al, bl, MPFR_RNDU);
        break;
    case 5: /* N M */
        mpfr_mul(lo, al, bh, MPFR_RNDD);
        mpfr_mul(hi, al, bl, MPFR_RNDU);
        break;
    case 6: /* M P */
        mpfr_mul(lo, al, bh, MPFR_RNDD);
        mpfr_mul(hi, ah, bh, MPFR_RNDU);
        break;
    case 7: /* M N */
        mpfr_mul(lo, ah, bl, MPFR_RNDD);
        mpfr_mul(hi, al, bl, MPFR_RNDU);
        break;
    default: /* M M */
        mpfr_mul(lo, al, bh, MPFR_RNDD);
        mpfr_mul(t, ah, bl, MPFR_RNDD);
        if (mpfr_less_p(t, lo))
            mpfr_swap(lo, t); /* same precision: both are scratch or both r's */
        mpfr_mul(hi, al, bl, MPFR_RNDU);
        mpfr_mul(t, ah, bh, MPFR_RNDU);
        if (mpfr_greater_p(t, hi))
            mpfr_swap(hi, t);
        break;
    }
}

int sc_iv_mul(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx)
{
    if (r != a && r != b && mpfr_get_prec(r->lo) == cx->prec && mpfr_get_prec(r->hi) == cx->prec) {
        mul_bounds(r->lo, r->hi, a, b, cx->f[2]);
    } else {
        mul_bounds(cx->f[0], cx->f[1], a, b, cx->f[2]);
        mpfr_set(r->lo, cx->f[0], MPFR_RNDD);
        mpfr_set(r->hi, cx->f[1], MPFR_RNDU);
    }
    return fin(r);
}

int sc_iv_sqr(sc_iv *r, const sc_iv *a, sc_xctx *cx)
{
    mpfr_ptr lo = cx->f[0], hi = cx->f[1];
    switch (cls(a)) {
    case 0:
        mpfr_sqr(lo, a->lo, MPFR_RNDD);
        mpfr_sqr(hi, a->hi, MPFR_RNDU);
        break;
    case 1:
        mpfr_sqr(lo, a->hi, MPFR_RNDD);
        mpfr_sqr(hi, a->lo, MPFR_RNDU);
        break;
    default:
        mpfr_set_zero(lo, 1);
        if (mpfr_cmpabs(a->lo, a->hi) > 0)
            mpfr_sqr(hi, a->lo, MPFR_RNDU);
        else
            mpfr_sqr(hi, a->hi, MPFR_RNDU);
        break;
    }
    mpfr_set(r->lo, lo, MPFR_RNDD);
    mpfr_set(r->hi, hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_div(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx)
{
    int bc = cls(b);
    if (bc == 2 || mpfr_zero_p(b->lo) || mpfr_zero_p(b->hi))
        return SC_X_EDOMAIN;
    mpfr_ptr lo = cx->f[0], hi = cx->f[1];
    mpfr_srcptr al = a->lo, ah = a->hi, bl = b->lo, bh = b->hi;
    int ac = cls(a);
    if (bc == 0) { /* b > 0 */
        if (ac == 0) {
            mpfr_div(lo, al, bh, MPFR_RNDD);
            mpfr_div(hi, ah, bl, MPFR_RNDU);
        } else if (ac == 1) {
            mpfr_div(lo, al, bl, MPFR_RNDD);
            mpfr_div(hi, ah, bh, MPFR_RNDU);
        } else {
            mpfr_div(lo, al, bl, MPFR_RNDD);
            mpfr_div(hi, ah, bl, MPFR_RNDU);
        }
    } else { /* b < 0 */
        if (ac == 0) {
            mpfr_div(lo, ah, bh, MPFR_RNDD);
            mpfr_div(hi, al, bl, MPFR_RNDU);
        } else if (ac == 1) {
            mpfr_div(lo, ah, bl, MPFR_RNDD);
            mpfr_div(hi, al, bh, MPFR_RNDU);
        } else {
            mpfr_div(lo, ah, bh, MPFR_RNDD);
            mpfr_div(hi, al, bh, MPFR_RNDU);
        }
    }
    mpfr_set(r->lo, lo, MPFR_RNDD);
    mpfr_set(r->hi, hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_mul_d(sc_iv *r, const sc_iv *a, double w, sc_xctx *cx)
{
    if (!isfinite(w))
        return SC_X_ENONFINITE;
    if (w >= 0) {
        mpfr_mul_d(r->lo, a->lo, w, MPFR_RNDD);
        mpfr_mul_d(r->hi, a->hi, w, MPFR_RNDU);
    } else {
        mpfr_mul_d(cx->f[0], a->hi, w, MPFR_RNDD);
        mpfr_mul_d(r->hi, a->lo, w, MPFR_RNDU);
        mpfr_set(r->lo, cx->f[0], MPFR_RNDD);
    }
    return fin(r);
}

int sc_iv_add_d(sc_iv *r, const sc_iv *a, double w)
{
    if (!isfinite(w))
        return SC_X_ENONFINITE;
    mpfr_add_d(r->lo, a->lo, w, MPFR_RNDD);
    mpfr_add_d(r->hi, a->hi, w, MPFR_RNDU);
    return fin(r);
}

int sc_iv_mul_2si(sc_iv *r, const sc_iv *a, long k)
{
    mpfr_mul_2si(r->lo, a->lo, k, MPFR_RNDD);
    mpfr_mul_2si(r->hi, a->hi, k, MPFR_RNDU);
    return fin(r);
}

int sc_iv_div_ui(sc_iv *r, const sc_iv *a, unsigned long n)
{
    if (n == 0)
        return SC_X_EDOMAIN;
    mpfr_div_ui(r->lo, a->lo, n, MPFR_RNDD);
    mpfr_div_ui(r->hi, a->hi, n, MPFR_RNDU);
    return fin(r);
}

int sc_iv_exp(sc_iv *r, const sc_iv *a)
{
    mpfr_exp(r->lo, a->lo, MPFR_RNDD);
    mpfr_exp(r->hi, a->hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_erf(sc_iv *r, const sc_iv *a)
{
    mpfr_erf(r->lo, a->lo, MPFR_RNDD);
    mpfr_erf(r->hi, a->hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_sqrt(sc_iv *r, const sc_iv *a)
{
    if (mpfr_sgn(a->lo) < 0)
        return SC_X_EDOMAIN;
    mpfr_sqrt(r->lo, a->lo, MPFR_RNDD);
    mpfr_sqrt(r->hi, a->hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_rec_sqrt(sc_iv *r, const sc_iv *a, sc_xctx *cx)
{
    if (mpfr_sgn(a->lo) <= 0)
        return SC_X_EDOMAIN;
    mpfr_rec_sqrt(cx->f[0], a->hi, MPFR_RNDD); /* decreasing: bounds swap */
    mpfr_rec_sqrt(r->hi, a->lo, MPFR_RNDU);
    mpfr_set(r->lo, cx->f[0], MPFR_RNDD);
    return fin(r);
}

int sc_iv_sum(sc_iv *r, const sc_iv *x, size_t sx, size_t n, sc_xctx *cx)
{
    mpfr_ptr lo = cx->f[0], hi = cx->f[1];
    mpfr_set_zero(lo, 1);
    mpfr_set_zero(hi, 1);
    for (size_t k = 0; k < n; k++) {
        mpfr_add(lo, lo, x[k * sx].lo, MPFR_RNDD);
        mpfr_add(hi, hi, x[k * sx].hi, MPFR_RNDU);
    }
    mpfr_set(r->lo, lo, MPFR_RNDD);
    mpfr_set(r->hi, hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_addmul(sc_iv *acc, const sc_iv *a, const sc_iv *b, sc_xctx *cx)
{
    mpfr_ptr pl = cx->f[2], ph = cx->f[3];
    if (mpfr_equal_p(a->lo, a->hi) && mpfr_equal_p(b->lo, b->hi) &&
        mpfr_mul(pl, a->lo, b->lo, MPFR_RNDD) == 0) {
        mpfr_add(acc->lo, acc->lo, pl, MPFR_RNDD);
        mpfr_add(acc->hi, acc->hi, pl, MPFR_RNDU);
    } else {
        mul_bounds(pl, ph, a, b, cx->f[4]);
        mpfr_add(acc->lo, acc->lo, pl, MPFR_RNDD);
        mpfr_add(acc->hi, acc->hi, ph, MPFR_RNDU);
    }
    return fin(acc);
}

int sc_iv_dot(sc_iv *r, const sc_iv *a, size_t sa, const sc_iv *b, size_t sb, size_t n,
              sc_xctx *cx)
{
    mpfr_ptr lo = cx->f[0], hi = cx->f[1], pl = cx->f[2], ph = cx->f[3], t = cx->f[4];
    mpfr_set_zero(lo, 1);
    mpfr_set_zero(hi, 1);
    for (size_t k = 0; k < n; k++) {
        const sc_iv *x = &a[k * sa], *y = &b[k * sb];
        /* point * point: one product when it is exact (e.g. two floats at >= 106 bits) */
        if (mpfr_equal_p(x->lo, x->hi) && mpfr_equal_p(y->lo, y->hi) &&
            mpfr_mul(pl, x->lo, y->lo, MPFR_RNDD) == 0) {
            mpfr_add(lo, lo, pl, MPFR_RNDD);
            mpfr_add(hi, hi, pl, MPFR_RNDU);
            continue;
        }
        mul_bounds(pl, ph, x, y, t);
        mpfr_add(lo, lo, pl, MPFR_RNDD);
        mpfr_add(hi, hi, ph, MPFR_RNDU);
    }
    mpfr_set(r->lo, lo, MPFR_RNDD);
    mpfr_set(r->hi, hi, MPFR_RNDU);
    return fin(r);
}

/* The dot product with finite double weights (checked by the callers). */
static int dot_d(sc_iv *r, const double *w, const sc_iv *x, size_t sx, size_t n, sc_xctx *cx)
{
    mpfr_ptr lo = cx->f[0], hi = cx->f[1], pl = cx->f[2], ph = cx->f[3];
    mpfr_set_zero(lo, 1);
    mpfr_set_zero(hi, 1);
    for (size_t k = 0; k < n; k++) {
        double c = w[k];
        const sc_iv *y = &x[k * sx];
        if (c == 0)
            continue;
        if (c > 0) {
            mpfr_mul_d(pl, y->lo, c, MPFR_RNDD);
            mpfr_mul_d(ph, y->hi, c, MPFR_RNDU);
        } else {
            mpfr_mul_d(pl, y->hi, c, MPFR_RNDD);
            mpfr_mul_d(ph, y->lo, c, MPFR_RNDU);
        }
        mpfr_add(lo, lo, pl, MPFR_RNDD);
        mpfr_add(hi, hi, ph, MPFR_RNDU);
    }
    mpfr_set(r->lo, lo, MPFR_RNDD);
    mpfr_set(r->hi, hi, MPFR_RNDU);
    return fin(r);
}

int sc_iv_dot_d(sc_iv *r, const double *w, const sc_iv *x, size_t sx, size_t n, sc_xctx *cx)
{
    if (!sc_x_all_finite(w, n))
        return SC_X_ENONFINITE;
    return dot_d(r, w, x, sx, n, cx);
}

/* ------------------------------------------------------------------ layers on enclosures */

int sc_iv_linear(sc_iv *out, const sc_iv *x, size_t rows, size_t in, const double *W,
                 const double *b, size_t outd, sc_xctx *cx)
{
    if (!cx || (rows && outd && (!out || !x || (in && !W))))
        return SC_X_EINVAL;
    if (outd && in > SIZE_MAX / outd)
        return SC_X_EINVAL;
    if (!sc_x_all_finite(W, in * outd) || (b && !sc_x_all_finite(b, outd)))
        return SC_X_ENONFINITE;
    for (size_t r = 0; r < rows; r++)
        for (size_t o = 0; o < outd; o++) {
            sc_iv *y = &out[r * outd + o];
            int rc = dot_d(y, &W[o * in], &x[r * in], 1, in, cx);
            if (!rc && b)
                rc = sc_iv_add_d(y, y, b[o]);
            if (rc)
                return rc;
        }
    return SC_X_OK;
}

int sc_iv_vadd(sc_iv *out, const sc_iv *a, const sc_iv *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int rc = sc_iv_add(&out[k], &a[k], &b[k]);
        if (rc)
            return rc;
    }
    return SC_X_OK;
}

void sc_iv_relu(sc_iv *out, const sc_iv *x, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (mpfr_sgn(x[k].lo) < 0)
            mpfr_set_zero(out[k].lo, 1);
        else
            mpfr_set(out[k].lo, x[k].lo, MPFR_RNDD);
        if (mpfr_sgn(x[k].hi) < 0)
            mpfr_set_zero(out[k].hi, 1);
        else
            mpfr_set(out[k].hi, x[k].hi, MPFR_RNDU);
    }
}

int sc_iv_gelu(sc_iv *out, const sc_iv *x, size_t n, sc_xctx *cx)
{
    /* 1 + erf(t) = erfc(-t): no cancellation for negative x (GELU(-3) keeps full relative
     * precision). u = -x/sqrt 2 = x * [-1/sqrt 2]; erfc is decreasing. */
    sc_iv *c = &cx->v[0], *u = &cx->v[1];
    mpfr_set_ui(c->lo, 2, MPFR_RNDN);
    mpfr_rec_sqrt(c->lo, c->lo, MPFR_RNDU);
    mpfr_neg(c->lo, c->lo, MPFR_RNDD); /* lo = -RU(1/sqrt 2) */
    mpfr_set_ui(c->hi, 2, MPFR_RNDN);
    mpfr_rec_sqrt(c->hi, c->hi, MPFR_RNDD);
    mpfr_neg(c->hi, c->hi, MPFR_RNDU); /* hi = -RD(1/sqrt 2) */
    for (size_t k = 0; k < n; k++) {
        int rc = sc_iv_mul(u, &x[k], c, cx);
        if (rc)
            return rc;
        mpfr_erfc(cx->f[3], u->hi, MPFR_RNDD);
        mpfr_erfc(u->hi, u->lo, MPFR_RNDU);
        mpfr_set(u->lo, cx->f[3], MPFR_RNDD);
        rc = sc_iv_mul(u, &x[k], u, cx);
        if (!rc)
            rc = sc_iv_mul_2si(&out[k], u, -1);
        if (rc)
            return rc;
    }
    return SC_X_OK;
}

int sc_iv_layernorm(sc_iv *out, const sc_iv *x, size_t rows, size_t n, const double *gamma,
                    const double *beta, const sc_iv *eps, sc_xctx *cx)
{
    if (!cx || !eps || n == 0 || (rows && (!out || !x)))
        return SC_X_EINVAL;
    if ((gamma && !sc_x_all_finite(gamma, n)) || (beta && !sc_x_all_finite(beta, n)))
        return SC_X_ENONFINITE;
    if (!sc_iv_ok(eps))
        return SC_X_ENONFINITE;
    sc_iv *mu = &cx->v[0], *var = &cx->v[1], *t = &cx->v[2];
    for (size_t r = 0; r < rows; r++) {
        const sc_iv *xr = &x[r * n];
        sc_iv *yr = &out[r * n];
        int rc = sc_iv_sum(mu, xr, 1, n, cx);
        if (!rc)
            rc = sc_iv_div_ui(mu, mu, (unsigned long)n);
        mpfr_set_zero(var->lo, 1);
        mpfr_set_zero(var->hi, 1);
        for (size_t k = 0; !rc && k < n; k++) {
            rc = sc_iv_sub(&yr[k], &xr[k], mu);
            if (!rc)
                rc = sc_iv_sqr(t, &yr[k], cx);
            if (!rc)
                rc = sc_iv_add(var, var, t);
        }
        if (!rc)
            rc = sc_iv_div_ui(var, var, (unsigned long)n);
        if (!rc)
            rc = sc_iv_add(var, var, eps);
        if (!rc)
            rc = sc_iv_rec_sqrt(var, var, cx); /* EDOMAIN unless var + eps > 0 */
        for (size_t k = 0; !rc && k < n; k++) {
            rc = sc_iv_mul(&yr[k], &yr[k], var, cx);
            if (!rc && gamma)
                rc = sc_iv_mul_d(&yr[k], &yr[k], gamma[k], cx);
            if (!rc && beta)
                rc = sc_iv_add_d(&yr[k], &yr[k], beta[k]);
        }
        if (rc)
            return rc;
    }
    return SC_X_OK;
}

int sc_iv_argmax(size_t *idx, const sc_iv *x, size_t n)
{
    if (!idx || !x || n == 0)
        return SC_X_EINVAL;
    size_t blo = 0, bhi = 0; /* largest lower bound, largest upper bound */
    for (size_t k = 1; k < n; k++) {
        if (mpfr_greater_p(x[k].lo, x[blo].lo))
            blo = k;
        if (mpfr_greater_p(x[k].hi, x[bhi].hi))
            bhi = k;
    }
    /* candidates: hi >= max lo; decided if one, or all the same point */
    size_t first = n, count = 0;
    int same_point = 1;
    for (size_t k = 0; k < n; k++) {
        if (mpfr_less_p(x[k].hi, x[blo].lo))
            continue;
        if (first == n)
            first = k;
        count++;
        if (!mpfr_equal_p(x[k].lo, x[k].hi) || !mpfr_equal_p(x[k].lo, x[blo].lo))
            same_point = 0;
    }
    if (count == 1 || same_point) {
        *idx = first;
        return SC_X_OK;
    }
    *idx = bhi;
    return SC_X_UNDECIDED;
}

/* ------------------------------------------------------------------ refinement */

int sc_x_refine(sc_x_eval_fn eval, void *ctx, mpfr_prec_t prec0, mpfr_prec_t cap,
                mpfr_prec_t *used)
{
    if (!eval || prec0 < SC_X_PREC_MIN || cap < prec0 || cap > SC_X_PREC_MAX)
        return SC_X_EINVAL;
    mpfr_prec_t p = prec0;
    for (;;) {
        int rc = eval(ctx, p);
        if (used)
            *used = p;
        if (rc != SC_X_UNDECIDED || p >= cap)
            return rc;
        p = p > cap / 2 ? cap : 2 * p;
    }
}

/* ------------------------------------------------------------------ fast softmax attention */

/* Fixed-point integer arithmetic for sc_x_softmax_fast (see exact.h for the method). Integers
 * wider than 128 bits are u256: four 64-bit words, least significant first, two's complement
 * when signed. */
#include <pthread.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 i128;
typedef struct { u128 lo, hi; } u256; /* two's complement when signed */

_Static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == 8, "64-bit limbs expected");

#define FX_DIG 52                       /* digit width of the block format */
#define FX_NBITS 103                    /* |N| < 2^103: two digits, the top one in
                                           [-2^51, 2^51) (+ 2^51: an unsigned 52-bit digit) */
#define FX_MASK ((((int64_t)1) << FX_DIG) - 1)
#define FX_EUNIT 125                    /* weights in units of 2^-125 */
#define FX_EXP_ERR 16                   /* upper bound = lower bound + 16 units of 2^-127 */

struct sc_xfast {
    size_t Tmax, dmax;
    int64_t *q1, *q0, *k1, *k0;         /* row r at r*dmax */
    int64_t *qs, *ks;                   /* digit sums d1 + d0 (Karatsuba) */
    u256 *pl, *ph;                      /* per score: products of the mantissas with scale */
    int64_t *v1, *v0;                   /* column c at c*Tmax */
    u128 *vps;                          /* column c at c*Tmax: prefix sums of |N| */
    u128 *vpm;                          /* column c at c*Tmax: prefix maxima of |N| */
    long *lq, *lk, *lv;                 /* block exponents */
    uint64_t *tm;                       /* max(Tmax, dmax) extraction temporaries */
    long *te;
    unsigned char *tneg;
    u128 *xm;                           /* per score: |x| mantissa, exponent, sign, inexact */
    long *xe;
    signed char *xs;
    unsigned char *xi;
    i128 *slo, *shi;                    /* fixed-point scores */
    int64_t *e1, *e0;                   /* digits of the weights' lower bounds */
    /* the AVX-512 IFMA kernels (FX_IFMA): Q rows (q1 + 2^51, q0) in q1/q0; K transposed
     * (column c at c*TP, k1 + 2^51 in qs, k0 in ks); V rows (v1 + 2^51, v0) in v1/v0 at j*DP;
     * the weights' lower bounds as three 52-bit digits e0, e1, e2 */
    size_t TP, DP;                      /* Tmax, dmax rounded up to multiples of 8 */
    int64_t *e2;
    u128 *sq, *sk;                      /* row sums of the offset Q and K entries */
    uint64_t *sacc, *vacc;              /* kernel results: 4 x TP, 5 x DP */
};

static void xfast_free(struct sc_xfast *f)
{
    if (!f)
        return;
    void *p[] = {f->q1, f->q0, f->k1, f->k0, f->qs, f->ks, f->pl, f->ph, f->vpm, f->v1, f->v0, f->vps, f->lq, f->lk, f->lv, f->tm,
                 f->te, f->tneg, f->xm, f->xe, f->xs, f->xi, f->slo, f->shi, f->e1, f->e0,
                 f->e2, f->sq, f->sk, f->sacc, f->vacc};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        free(p[k]);
    free(f);
}

/* n zero bytes, 64-byte aligned (free() releases them) */
static void *zalloc64(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, n ? n : 64))
        return NULL;
    memset(p, 0, n);
    return p;
}

int sc_xctx_reserve_softmax(sc_xctx *cx, size_t Tmax, size_t dmax)
{
    if (!cx)
        return SC_X_EINVAL;
    xfast_free(cx->fast);
    cx->fast = NULL;
    if (Tmax == 0 || dmax == 0 || Tmax > SC_XFAST_TMAX || dmax > SC_XFAST_DMAX)
        return SC_X_OK;
    struct sc_xfast *f = calloc(1, sizeof *f);
    if (!f)
        return SC_X_ENOMEM;
    size_t n = Tmax * dmax, m = Tmax > dmax ? Tmax : dmax;
    f->Tmax = Tmax;
    f->dmax = dmax;
    /* strides of the kernels' operands: multiples of 8 entries (64-byte rows), plus 8 when a
     * multiple of 64 (no 4 KiB-aliased rows in the column walk of the score kernel) */
    f->TP = (Tmax + 7) / 8 * 8;
    f->TP += f->TP % 64 ? 0 : 8;
    f->DP = (dmax + 7) / 8 * 8;
    f->DP += f->DP % 64 ? 0 : 8;
    /* the padded arrays are zeroed (the kernels read, and ignore, the padding lanes) and
     * 64-byte aligned */
    f->q1 = malloc(n * sizeof(int64_t));
    f->q0 = malloc(n * sizeof(int64_t));
    f->k1 = malloc(n * sizeof(int64_t));
    f->k0 = malloc(n * sizeof(int64_t));
    f->qs = zalloc64(f->TP * dmax * sizeof(int64_t));
    f->ks = zalloc64(f->TP * dmax * sizeof(int64_t));
    f->pl = malloc(Tmax * sizeof(u256));
    f->ph = malloc(Tmax * sizeof(u256));
    f->v1 = zalloc64(Tmax * f->DP * sizeof(int64_t));
    f->v0 = zalloc64(Tmax * f->DP * sizeof(int64_t));
    f->e2 = malloc(Tmax * sizeof(int64_t));
    f->sq = malloc(Tmax * sizeof(u128));
    f->sk = malloc(Tmax * sizeof(u128));
    f->sacc = malloc(4 * f->TP * sizeof(uint64_t));
    f->vacc = malloc(5 * f->DP * sizeof(uint64_t));
    f->vps = malloc(n * sizeof(u128));
    f->vpm = malloc(n * sizeof(u128));
    f->lq = malloc(Tmax * sizeof(long));
    f->lk = malloc(Tmax * sizeof(long));
    f->lv = malloc(dmax * sizeof(long));
    f->tm = malloc(m * sizeof(uint64_t));
    f->te = malloc(m * sizeof(long));
    f->tneg = malloc(m);
    f->xm = malloc(Tmax * sizeof(u128));
    f->xe = malloc(Tmax * sizeof(long));
    f->xs = malloc(Tmax);
    f->xi = malloc(Tmax);
    f->slo = malloc(Tmax * sizeof(i128));
    f->shi = malloc(Tmax * sizeof(i128));
    f->e1 = malloc(Tmax * sizeof(int64_t));
    f->e0 = malloc(Tmax * sizeof(int64_t));
    if (!f->q1 || !f->q0 || !f->k1 || !f->k0 || !f->qs || !f->ks || !f->pl || !f->ph || !f->vpm || !f->v1 || !f->v0 || !f->vps || !f->lq ||
        !f->lk || !f->lv || !f->tm || !f->te || !f->tneg || !f->xm || !f->xe || !f->xs ||
        !f->xi || !f->slo || !f->shi || !f->e1 || !f->e0 || !f->e2 || !f->sq || !f->sk ||
        !f->sacc || !f->vacc) {
        xfast_free(f);
        return SC_X_ENOMEM;
    }
    cx->fast = f;
    return SC_X_OK;
}

/* ---- 256-bit helpers (inline, on two 128-bit halves) */

static inline int clz128(u128 x) /* x != 0 */
{
    uint64_t h = (uint64_t)(x >> 64);
    return h ? __builtin_clzll(h) : 64 + __builtin_clzll((uint64_t)x);
}

static inline void u256_from_i128(u256 *r, i128 v)
{
    r->lo = (u128)v;
    r->hi = v < 0 ? ~(u128)0 : 0;
}

static inline void u256_add(u256 *r, const u256 *a)
{
    u128 s = r->lo + a->lo;
    r->hi += a->hi + (u128)(s < r->lo);
    r->lo = s;
}

static inline void u256_neg(u256 *r)
{
    r->lo = ~r->lo + 1;
    r->hi = ~r->hi + (u128)(r->lo == 0); /* carry iff the old lo was 0 */
}

static inline int u256_isneg(const u256 *a) { return (a->hi >> 127) != 0; }

/* r += v * 2^sh (v signed, sh < 128): the sign-extended v shifted left, as two halves */
static inline void u256_addsh(u256 *r, i128 v, unsigned sh)
{
    u256 t;
    t.lo = (u128)v << sh;
    t.hi = sh ? (u128)(v >> (128 - sh)) : (v < 0 ? ~(u128)0 : 0); /* arithmetic shift */
    u256_add(r, &t);
}

/* Bit length of a magnitude (0 for 0). */
static inline long u256_bitlen(const u256 *a)
{
    return a->hi ? 256 - clz128(a->hi) : a->lo ? 128 - clz128(a->lo) : 0;
}

/* a != 0 (a magnitude): a = (m + theta) * 2^e with m in [2^127, 2^128), theta in [0, 1),
 * theta = 0 iff *inexact == 0. */
static inline void u256_top128(const u256 *a, u128 *m, long *e, int *inexact)
{
    if (a->hi) {
        int z = clz128(a->hi); /* a >> s with s = 128 - z in [1, 128] */
        if (z == 0) {
            *m = a->hi;
            *inexact = a->lo != 0;
        } else {
            *m = (a->hi << z) | (a->lo >> (128 - z));
            *inexact = (a->lo << z) != 0;
        }
        *e = 128 - z;
    } else {
        int z = clz128(a->lo);
        *m = a->lo << z;
        *e = -z;
        *inexact = 0;
    }
}

/* The 256-bit product a * b. */
static inline void mul128(u256 *r, u128 a, u128 b)
{
    uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64),
             b0 = (uint64_t)b;
    u128 ll = (u128)a0 * b0, lh = (u128)a0 * b1, hl = (u128)a1 * b0, hh = (u128)a1 * b1;
    u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
    r->hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    r->lo = (mid << 64) | (uint64_t)ll;
}

/* floor(a * b / 2^127) for a, b <= 2^127 (the result is <= 2^127). */
static inline u128 mulf(u128 a, u128 b)
{
    uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64),
             b0 = (uint64_t)b;
    u128 ll = (u128)a0 * b0, lh = (u128)a0 * b1, hl = (u128)a1 * b0, hh = (u128)a1 * b1;
    u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
    u128 hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    return (hi << 1) | ((uint64_t)mid >> 63);
}

/* floor (up = 0) or ceil (up = 1) of a * 2^-s for a magnitude a and s >= 0; must fit 128 bits */
static inline u128 u256_shr_round(const u256 *a, long s, int up)
{
    u128 r;
    int lost;
    if (s >= 256)
        return up && (a->lo || a->hi) ? 1 : 0;
    if (s >= 128) {
        unsigned t = (unsigned)(s - 128);
        r = a->hi >> t;
        lost = a->lo != 0 || (t && (a->hi << (128 - t)) != 0);
    } else if (s > 0) {
        r = (a->lo >> s) | (a->hi << (128 - s));
        lost = (a->lo << (128 - s)) != 0;
    } else {
        r = a->lo;
        lost = 0;
    }
    return r + (u128)(up && lost);
}

/* ---- exp tables: floor(exp(-k * 2^-8t) * 2^127), t = 0 (k < 88), 1, 2, 3 (k < 256) */

static u128 xt_tab[4][256];
static pthread_once_t xt_once = PTHREAD_ONCE_INIT;
static int fx_layout_ok; /* the significand reads below were checked against MPFR itself */

#if GMP_NUMB_BITS != 64 || GMP_NAIL_BITS != 0
#error "the fast softmax path reads MPFR significands as 64-bit limbs"
#endif

static int fx_point(const sc_iv *x, uint64_t *m, long *e, unsigned char *neg);
static int fx_mant(mpfr_srcptr x, u128 *m, long *e);

/* fx_point / fx_mant read the limbs of ordinary mpfr_t values through
 * mpfr_custom_get_significand (documented for custom-initialised numbers; for ordinary ones it
 * is the same significand pointer in every MPFR release). Check that reading against MPFR's
 * documented mpfr_get_z_2exp on a few values once; if it ever disagrees, the fast path is
 * disabled and every softmax goes through the MPFR path. */
static int fx_layout_check(void)
{
    static const double vals[] = {3.0, -0.75, 0x1p-100, 12345.0625, -0x1.fffffffffffffp+60};
    sc_iv x;
    mpz_t z;
    sc_iv_init(&x, 128);
    mpz_init(z);
    int good = 1;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0] && good; i++) {
        mpfr_set_d(x.lo, vals[i], MPFR_RNDN); /* exact: 128 >= 53 bits */
        mpfr_set(x.hi, x.lo, MPFR_RNDN);
        uint64_t m;
        long e, ez = mpfr_get_z_2exp(z, x.lo); /* documented: |v| = |z| 2^ez */
        unsigned char neg;
        good = fx_point(&x, &m, &e, &neg);
        mpz_abs(z, z);
        while (good && mpz_even_p(z)) {
            mpz_fdiv_q_2exp(z, z, 1);
            ez++;
        }
        good = good && mpz_cmp_ui(z, m) == 0 && ez == e && neg == (vals[i] < 0);
        if (good) { /* the 128-bit mantissa of |v|: m shifted to the top bit */
            u128 mm;
            long em;
            int sh = 127 - (63 - __builtin_clzll(m));
            mpfr_abs(x.lo, x.lo, MPFR_RNDN);
            good = fx_mant(x.lo, &mm, &em) && mm == (u128)m << sh && em == e - sh;
        }
    }
    mpz_clear(z);
    sc_iv_clear(&x);
    return good;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SC_NO_IFMA)
static int fx_ifma_ok; /* the CPU (and OS) support AVX-512F and IFMA: the kernels below */
#endif
static int fx_simd_off; /* sc_x_fast_simd(0) */

static void xt_init(void)
{
    fx_layout_ok = fx_layout_check();
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SC_NO_IFMA)
    __builtin_cpu_init();
    fx_ifma_ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#endif
    mpfr_t x;
    mpz_t z;
    mpfr_init2(x, 256);
    mpz_init(z);
    for (int t = 0; t < 4; t++)
        for (int k = 0; k < (t ? 256 : 88); k++) {
            mpfr_set_si_2exp(x, -k, -8 * t, MPFR_RNDN); /* exact */
            mpfr_exp(x, x, MPFR_RNDD);                  /* <= exp(-k 2^-8t) */
            mpfr_mul_2ui(x, x, 127, MPFR_RNDD);         /* exact */
            mpfr_get_z(z, x, MPFR_RNDD);                /* floor: <= the value, > value - 2 */
            xt_tab[t][k] = ((u128)mpz_getlimbn(z, 1) << 64) | mpz_getlimbn(z, 0);
        }
    mpz_clear(z);
    mpfr_clear(x);
}

/* A lower bound L (units 2^-127) of exp(-U 2^-G), U < 2^128, 1 <= G, with
 * exp(-U 2^-G) * 2^127 <= L + FX_EXP_ERR.
 * Lower bound: every factor used is a lower bound of a value in [0, 1] (tables: floors of
 * MPFR values rounded down; the argument rounded up, exp being decreasing; the polynomial
 * value minus 2, below the degree-5 partial sum p5 of the alternating series of exp(-r),
 * r < 2^-24, which is below exp(-r)), and a truncated product of lower bounds of
 * nonnegatives is a lower bound.
 * Upper bound (units 2^-127): with factor lower bounds A, B <= 2^127 of a <= A + alpha,
 * b <= B + beta, ab/2^127 <= floor(AB/2^127) + 1 + alpha + beta + alpha beta/2^127, so the
 * errors add: four tables < 1 + 2^-120 each, four truncating products < 1 each (+ < 2^-100
 * for alpha beta), the argument's fraction rounded up to 2^-128 (relative 2^-128: < 0.5),
 * the Taylor argument rounded up to 2^-127 (< 1), the polynomial: each Horner step of the
 * computed value is within 1 (floor of the coefficient) + 1 (truncation) + R * (previous
 * error) of the exact step, R < 2^-24, so the final value t is within 1.0001 of p5; used as
 * t - 2, and exp(-r) <= p5 + r^6/720 <= (t - 2) + 3.0002 -- total < 4.01 + 4.01 + 0.5 + 1 +
 * 3.01 < 13 <= FX_EXP_ERR = 16. */
static u128 fx_exp_lo(u128 U, long G, unsigned *err)
{
    *err = FX_EXP_ERR;
    u128 xi, xf;
    if (G >= 256) {
        xi = 0;
        xf = U != 0;
    } else if (G >= 128) {
        xi = 0;
        unsigned s = (unsigned)(G - 128);
        xf = s ? (U >> s) + ((U & (((u128)1 << s) - 1)) != 0) : U;
    } else {
        xi = U >> G;
        xf = U << (128 - G);
    }
    if (xi >= 88) {
        *err = 4; /* exp(-88) 2^127 < 1.1 */
        return 0;
    }
    const u128 one = (u128)1 << 127;
    u128 C = xt_tab[1][(unsigned)(xf >> 120)];
    C = mulf(C, xt_tab[2][(unsigned)(xf >> 112) & 255]);
    C = mulf(C, xt_tab[3][(unsigned)(xf >> 104) & 255]);
    u128 r = xf & (((u128)1 << 104) - 1);    /* units 2^-128: r < 2^-24 */
    u128 R = (r >> 1) + (r & 1);             /* units 2^-127, rounded up */
    /* p = 1 - R (1 - R (1/2 - R (1/6 - R (1/24 - R/120)))) */
    u128 t = one / 120;
    t = one / 24 - mulf(R, t);
    t = one / 6 - mulf(R, t);
    t = (one >> 1) - mulf(R, t);
    t = one - mulf(R, t);
    t = one - mulf(R, t);
    C = mulf(C, t - 2); /* exp(-frac) * 2^127 in [C, C + 13) */
    if (xi == 0)
        return C;
    /* times exp(-xi) <= T0 + 1.01 (T0 <= e^-1 2^127): the error becomes < 1 (truncation) +
     * 1.01 + 13 T0/2^127 + tiny: < 8, and < 3 once T0 <= e^-3 2^127 */
    *err = xi < 3 ? 8 : 3;
    return mulf(C, xt_tab[0][(unsigned)xi]);
}

/* ---- the block format */

static inline int limbs_equal(const mp_limb_t *a, const mp_limb_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

/* x a point enclosure whose value is (-1)^neg m 2^e with m < 2^64 odd (or 0): 1, else 0. */
static int fx_point(const sc_iv *x, uint64_t *m, long *e, unsigned char *neg)
{
    mpfr_srcptr lo = x->lo;
    if (mpfr_zero_p(lo)) {
        *m = 0;
        *e = 0;
        *neg = 0;
        return mpfr_zero_p(x->hi);
    }
    if (!mpfr_regular_p(lo) || !mpfr_regular_p(x->hi))
        return 0;
    size_t nl = (size_t)((mpfr_get_prec(lo) + 63) / 64);
    const mp_limb_t *d = mpfr_custom_get_significand(lo);
    /* lo == hi: identical sign, exponent, precision and limbs imply equal values; anything
     * else is decided by MPFR */
    if (mpfr_get_prec(lo) != mpfr_get_prec(x->hi) || mpfr_sgn(lo) != mpfr_sgn(x->hi) ||
        mpfr_get_exp(lo) != mpfr_get_exp(x->hi) ||
        !limbs_equal(d, mpfr_custom_get_significand(x->hi), nl)) {
        if (!mpfr_equal_p(lo, x->hi))
            return 0;
    }
    for (size_t k = 0; k + 1 < nl; k++)
        if (d[k])
            return 0;
    uint64_t top = d[nl - 1];
    int tz = __builtin_ctzll(top);
    *m = top >> tz;
    *e = (long)mpfr_get_exp(lo) - 64 + tz;
    *neg = mpfr_sgn(lo) < 0;
    return 1;
}

/* x[k*sx], k < n, as N_k 2^L with |N_k| < 2^103 exactly, N_k = d1[k*sd] 2^52 + d0[k*sd],
 * 0 <= d0 < 2^52. 0 if an entry is not a suitable point or the span is too wide. */
static int fx_block(const sc_iv *x, size_t sx, size_t n, int64_t *d1, int64_t *d0, size_t sd,
                    long *L, struct sc_xfast *f)
{
    long emax = LONG_MIN;
    for (size_t k = 0; k < n; k++) {
        if (!fx_point(&x[k * sx], &f->tm[k], &f->te[k], &f->tneg[k]))
            return 0;
        if (f->tm[k]) {
            if (f->te[k] < -(1L << 40) || f->te[k] > (1L << 40))
                return 0;
            long top = f->te[k] + 64 - __builtin_clzll(f->tm[k]);
            if (top > emax)
                emax = top;
        }
    }
    *L = emax == LONG_MIN ? 0 : emax - FX_NBITS;
    for (size_t k = 0; k < n; k++) {
        i128 N = 0;
        if (f->tm[k]) {
            long sh = f->te[k] - *L;
            if (sh < 0)
                return 0;
            N = (i128)((u128)f->tm[k] << sh); /* < 2^103 */
            if (f->tneg[k])
                N = -N;
        }
        d1[k * sd] = (int64_t)(N >> FX_DIG); /* floor */
        d0[k * sd] = (int64_t)(N & FX_MASK);
    }
    return 1;
}

/* A positive MPFR bound at precision <= 128 as m 2^e, m in [2^127, 2^128) (exact). */
static int fx_mant(mpfr_srcptr x, u128 *m, long *e)
{
    if (!mpfr_regular_p(x) || mpfr_sgn(x) <= 0 || mpfr_get_prec(x) > 128)
        return 0;
    size_t nl = (size_t)((mpfr_get_prec(x) + 63) / 64);
    const mp_limb_t *d = mpfr_custom_get_significand(x);
    *m = nl == 2 ? ((u128)d[1] << 64) | d[0] : (u128)d[0] << 64;
    *e = (long)mpfr_get_exp(x) - 128;
    return 1;
}

/* r = the value sign * m 2^e (m in [2^127, 2^128)) rounded to r's precision in mode rnd. */
static void fx_set_mpfr(mpfr_ptr r, int neg, u128 m, long e, mpfr_rnd_t rnd)
{
    mp_limb_t d[2] = {(mp_limb_t)(uint64_t)m, (mp_limb_t)(uint64_t)(m >> 64)};
    mpfr_t v;
    mpfr_custom_init_set(v, neg ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND,
                         (mpfr_exp_t)(e + 128), 128, d);
    mpfr_set(r, v, rnd);
}

/* Directed bound of (num / Z) * 2^L where num is a signed 256-bit integer and the positive
 * Z lies in [Zlo, Zhi]; rl = lower bound of 1/Zhi, rh = upper bound of 1/Zlo, both as
 * mantissa (in [2^127, 2^128)) and exponent. up: upper bound, else lower. */
static void fx_quot(mpfr_ptr r, const u256 *num, long L, u128 rlm, long rle, u128 rhm,
                    long rhe, int up)
{
    u256 a = *num;
    int neg = u256_isneg(&a);
    if (neg)
        u256_neg(&a);
    if (!u256_bitlen(&a)) {
        mpfr_set_zero(r, 1);
        return;
    }
    /* |bound| rounded toward zero (lower bound of a positive, upper of a negative value) or
     * away from zero */
    int away = up != neg;
    u128 m;
    long e;
    int inexact;
    u256_top128(&a, &m, &e, &inexact);
    u128 rm = away ? rhm : rlm; /* |num|/Z: larger with 1/Zlo */
    long re = away ? rhe : rle;
    if (away && inexact) {
        if (m == ~(u128)0) {
            m = (u128)1 << 127;
            e++;
        } else {
            m++;
        }
    }
    u256 p;
    mul128(&p, m, rm); /* in [2^254, 2^256) */
    long b = u256_bitlen(&p);
    u128 q = u256_shr_round(&p, b - 128, away);
    long qe = e + re + (b - 128);
    if (q >> 127 == 0 || (q == 0 && away)) { /* ceil overflowed to 2^128 (wrapped) */
        q = (u128)1 << 127;
        qe++;
    }
    fx_set_mpfr(r, neg, q, qe + L, up ? MPFR_RNDU : MPFR_RNDD);
}

/* ---- AVX-512 IFMA kernels (x86-64, chosen at run time; the scalar loops otherwise)
 *
 * vpmadd52luq / vpmadd52huq add the low / high 52 bits of the 104-bit product of two
 * unsigned 52-bit lane values to a 64-bit lane. The signed entries N (|N| < 2^103) are used
 * offset, N + 2^103 = (d1 + 2^51) 2^52 + d0 with both digits in [0, 2^52); the offset is
 * taken out exactly afterwards (in 256-bit arithmetic, modulo 2^256 like every step, the
 * true results being far below 2^255). Each product contributes its two halves to two
 * accumulators of its own, so every accumulator receives < 2^52 per step. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SC_NO_IFMA)
#define FX_IFMA 1
#include <immintrin.h>

#define FX_IFMA_DMAX 1024 /* scores: 3 accumulators of < dh 2^52 summed: < 2^64 */

/* acc[w * TP + j] (w = 0..3, j < nj rounded up to 8, < TP): sum_c q'_c k'_jc =
 * sum_w acc[w] 2^(52 w) exactly (dh <= FX_IFMA_DMAX), q' = (q1, q0), k' = (k1[c*TP + j],
 * k0[c*TP + j]) digit pairs. */
__attribute__((target("avx512f,avx512ifma"))) static void
ifma_scores(uint64_t *acc, size_t TP, const int64_t *q1, const int64_t *q0, const int64_t *k1,
            const int64_t *k0, size_t nj, size_t dh)
{
    for (size_t j = 0; j < nj; j += 8) {
        __m512i z = _mm512_setzero_si512();
        __m512i a0 = z, a1 = z, b1 = z, c1 = z, a2 = z, b2 = z, c2 = z, a3 = z;
        for (size_t c = 0; c < dh; c++) {
            __m512i x1 = _mm512_set1_epi64(q1[c]), x0 = _mm512_set1_epi64(q0[c]);
            __m512i y1 = _mm512_loadu_si512((const void *)&k1[c * TP + j]);
            __m512i y0 = _mm512_loadu_si512((const void *)&k0[c * TP + j]);
            a0 = _mm512_madd52lo_epu64(a0, x0, y0);
            a1 = _mm512_madd52hi_epu64(a1, x0, y0);
            b1 = _mm512_madd52lo_epu64(b1, x1, y0);
            c1 = _mm512_madd52lo_epu64(c1, x0, y1);
            a2 = _mm512_madd52hi_epu64(a2, x1, y0);
            b2 = _mm512_madd52hi_epu64(b2, x0, y1);
            c2 = _mm512_madd52lo_epu64(c2, x1, y1);
            a3 = _mm512_madd52hi_epu64(a3, x1, y1);
        }
        _mm512_storeu_si512((void *)&acc[j], a0);
        _mm512_storeu_si512((void *)&acc[TP + j], _mm512_add_epi64(a1, _mm512_add_epi64(b1, c1)));
        _mm512_storeu_si512((void *)&acc[2 * TP + j],
                            _mm512_add_epi64(a2, _mm512_add_epi64(b2, c2)));
        _mm512_storeu_si512((void *)&acc[3 * TP + j], a3);
    }
}

/* acc[w * DP + c] (w = 0..4, c < dh rounded up to 8, < DP): sum_{j < nj} E_j V'_jc =
 * sum_w acc[w] 2^(52 w) exactly, E_j = (e2, e1, e0)[j] (52-bit digits, e2 < 2^22),
 * V'_jc = (v1, v0)[j*DP + c]; nj <= SC_XFAST_TMAX = 2048, so each of the 12 accumulators
 * stays < 2^63; each is split at bit 52 into its two classes before they are summed. */
__attribute__((target("avx512f,avx512ifma"))) static void
ifma_wsum(uint64_t *acc, size_t DP, const int64_t *e0, const int64_t *e1, const int64_t *e2,
          const int64_t *v1, const int64_t *v0, size_t nj, size_t dh)
{
    const __m512i M = _mm512_set1_epi64((long long)FX_MASK);
    for (size_t c = 0; c < dh; c += 8) {
        __m512i z = _mm512_setzero_si512();
        __m512i p00l = z, p00h = z, p10l = z, p10h = z, p01l = z, p01h = z;
        __m512i p20l = z, p20h = z, p11l = z, p11h = z, p21l = z, p21h = z;
        for (size_t j = 0; j < nj; j++) {
            __m512i y1 = _mm512_loadu_si512((const void *)&v1[j * DP + c]);
            __m512i y0 = _mm512_loadu_si512((const void *)&v0[j * DP + c]);
            __m512i x0 = _mm512_set1_epi64(e0[j]), x1 = _mm512_set1_epi64(e1[j]),
                    x2 = _mm512_set1_epi64(e2[j]);
            p00l = _mm512_madd52lo_epu64(p00l, x0, y0);
            p00h = _mm512_madd52hi_epu64(p00h, x0, y0);
            p10l = _mm512_madd52lo_epu64(p10l, x1, y0);
            p10h = _mm512_madd52hi_epu64(p10h, x1, y0);
            p01l = _mm512_madd52lo_epu64(p01l, x0, y1);
            p01h = _mm512_madd52hi_epu64(p01h, x0, y1);
            p20l = _mm512_madd52lo_epu64(p20l, x2, y0);
            p20h = _mm512_madd52hi_epu64(p20h, x2, y0);
            p11l = _mm512_madd52lo_epu64(p11l, x1, y1);
            p11h = _mm512_madd52hi_epu64(p11h, x1, y1);
            p21l = _mm512_madd52lo_epu64(p21l, x2, y1);
            p21h = _mm512_madd52hi_epu64(p21h, x2, y1);
        }
        /* class w gets the accumulators of weight w: low 52 bits to w, the rest to w + 1 */
        __m512i w[5] = {z, z, z, z, z};
#define FX_SPLIT(a, k)                                                                       \
    do {                                                                                     \
        w[k] = _mm512_add_epi64(w[k], _mm512_and_si512(a, M));                               \
        w[k + 1] = _mm512_add_epi64(w[k + 1], _mm512_srli_epi64(a, FX_DIG));                 \
    } while (0)
        FX_SPLIT(p00l, 0);
        FX_SPLIT(p00h, 1);
        FX_SPLIT(p10l, 1);
        FX_SPLIT(p01l, 1);
        FX_SPLIT(p10h, 2);
        FX_SPLIT(p01h, 2);
        FX_SPLIT(p20l, 2);
        FX_SPLIT(p11l, 2);
        FX_SPLIT(p20h, 3);
        FX_SPLIT(p11h, 3);
        FX_SPLIT(p21l, 3);
#undef FX_SPLIT
        w[4] = _mm512_add_epi64(w[4], p21h); /* < 2^33 + carries: no split needed */
        for (int k = 0; k < 5; k++)
            _mm512_storeu_si512((void *)&acc[k * DP + c], w[k]);
    }
}
#endif

int sc_x_fast_simd(int enable)
{
    pthread_once(&xt_once, xt_init);
    fx_simd_off = !enable;
#ifdef FX_IFMA
    return fx_ifma_ok && enable;
#else
    return 0;
#endif
}

/* r += v 2^sh modulo 2^256 (v < 2^64, sh < 256) */
static inline void u256_add_u64sh(u256 *r, uint64_t v, unsigned sh)
{
    u256 t;
    if (sh < 128) {
        t.lo = (u128)v << sh;
        t.hi = sh > 64 ? (u128)v >> (128 - sh) : 0;
    } else {
        t.lo = 0;
        t.hi = (u128)v << (sh - 128);
    }
    u256_add(r, &t);
}

int sc_x_softmax_fast(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                      size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                      const sc_iv *scale, sc_xctx *cx)
{
    struct sc_xfast *f = cx ? cx->fast : NULL;
    if (!f || cx->no_fast || T == 0 || T > f->Tmax || dh == 0 || dh > f->dmax ||
        cx->prec > 128 || !scale)
        return SC_X_FAST_NA;
    pthread_once(&xt_once, xt_init);
    if (!fx_layout_ok)
        return SC_X_FAST_NA;
    u128 sgl, sgh;
    long egl, egh;
    if (!fx_mant(scale->lo, &sgl, &egl) || !fx_mant(scale->hi, &sgh, &egh))
        return SC_X_FAST_NA;
    size_t D = f->dmax, TM = f->Tmax, TP = f->TP, DP = f->DP;
    int ifma = 0;
#ifdef FX_IFMA
    ifma = fx_ifma_ok && !fx_simd_off && dh <= FX_IFMA_DMAX;
#endif
    const int64_t OFF = (int64_t)1 << (FX_DIG - 1); /* top digits + 2^51: in [0, 2^52) */
    /* V's layout: column c at c*TM (scalar loops) or row j at j*DP (the IFMA kernel) */
    size_t vs = ifma ? DP : 1, vc = ifma ? 1 : TM;
    if (ifma) {
        /* Q rows as they are (offset below), K transposed into qs / ks */
        for (size_t i = 0; i < T; i++)
            if (!fx_block(&Q[i * ldq], 1, dh, &f->q1[i * D], &f->q0[i * D], 1, &f->lq[i], f) ||
                !fx_block(&K[i * ldk], 1, dh, &f->qs[i], &f->ks[i], TP, &f->lk[i], f))
                return SC_X_FAST_NA;
        for (size_t i = 0; i < T; i++) {
            u128 sq = 0, sk = 0;
            for (size_t c = 0; c < dh; c++) {
                int64_t *a1 = &f->q1[i * D + c], *b1 = &f->qs[c * TP + i];
                *a1 += OFF;
                *b1 += OFF;
                sq += ((u128)(uint64_t)*a1 << FX_DIG) | (uint64_t)f->q0[i * D + c];
                sk += ((u128)(uint64_t)*b1 << FX_DIG) | (uint64_t)f->ks[c * TP + i];
            }
            f->sq[i] = sq; /* < dh 2^104 <= 2^114 */
            f->sk[i] = sk;
        }
    } else {
        for (size_t i = 0; i < T; i++)
            if (!fx_block(&Q[i * ldq], 1, dh, &f->q1[i * D], &f->q0[i * D], 1, &f->lq[i], f) ||
                !fx_block(&K[i * ldk], 1, dh, &f->k1[i * D], &f->k0[i * D], 1, &f->lk[i], f))
                return SC_X_FAST_NA;
        for (size_t i = 0; i < T; i++)
            for (size_t c = 0; c < dh; c++) {
                f->qs[i * D + c] = f->q1[i * D + c] + f->q0[i * D + c]; /* |.| <= 2^53 */
                f->ks[i * D + c] = f->k1[i * D + c] + f->k0[i * D + c];
            }
    }
    for (size_t c = 0; c < dh; c++) {
        if (!fx_block(&V[c], ldv, T, &f->v1[c * vc], &f->v0[c * vc], vs, &f->lv[c], f))
            return SC_X_FAST_NA;
        u128 ps = 0, pm = 0;
        for (size_t j = 0; j < T; j++) {
            int64_t *v1 = &f->v1[c * vc + j * vs];
            i128 N = (i128)*v1 * ((i128)1 << FX_DIG) + f->v0[c * vc + j * vs];
            u128 a = (u128)(N < 0 ? -N : N);
            ps += a;
            pm = a > pm ? a : pm;
            f->vps[c * TM + j] = ps;
            f->vpm[c * TM + j] = pm;
            if (ifma)
                *v1 += OFF;
        }
    }
    MPFR_DECL_INIT(zb, 192);
    MPFR_DECL_INIT(rb, 128);
    for (size_t i = 0; i < T; i++) {
        const int64_t *qa1 = &f->q1[i * D], *qa0 = &f->q0[i * D], *qas = &f->qs[i * D];
        /* exact scores x_j = q_i.k_j, as (sign, 128-bit mantissa rounded down, exponent) */
        long bmax = LONG_MIN;
#ifdef FX_IFMA
        if (ifma)
            ifma_scores(f->sacc, TP, qa1, qa0, f->qs, f->ks, i + 1, dh);
#endif
        for (size_t j = 0; j <= i; j++) {
            u256 S;
            if (ifma) {
                /* S = sum_c q'_c k'_jc - 2^103 (sq_i + sk_j) + dh 2^206 (q' = q + 2^103) */
                S.lo = f->sacc[j];
                S.hi = 0;
                u256_add_u64sh(&S, f->sacc[TP + j], FX_DIG);
                u256_add_u64sh(&S, f->sacc[2 * TP + j], 2 * FX_DIG);
                u256_add_u64sh(&S, f->sacc[3 * TP + j], 3 * FX_DIG);
                u128 sm = f->sq[i] + f->sk[j];
                u256 t = {sm << FX_NBITS, sm >> (128 - FX_NBITS)}; /* 2^103 sm */
                u256_neg(&t);
                u256_add(&S, &t);
                u256_add_u64sh(&S, (uint64_t)dh, 2 * FX_NBITS);
            } else {
                const int64_t *kb1 = &f->k1[j * D], *kb0 = &f->k0[j * D], *kbs = &f->ks[j * D];
                /* exact: a1 = sum (q1 + q0)(k1 + k0) - a2 - a0 = sum q1 k0 + q0 k1; every
                 * term <= 2^106, dh <= 2^16 terms */
                i128 a2 = 0, a1 = 0, a0 = 0;
                for (size_t c = 0; c < dh; c++) {
                    a2 += (i128)qa1[c] * kb1[c];
                    a1 += (i128)qas[c] * kbs[c];
                    a0 += (i128)qa0[c] * kb0[c];
                }
                a1 -= a2 + a0;
                u256_from_i128(&S, a0);
                u256_addsh(&S, a1, FX_DIG);
                u256_addsh(&S, a2, 2 * FX_DIG);
            }
            f->xs[j] = 0;
            if (!u256_bitlen(&S))
                continue;
            f->xs[j] = u256_isneg(&S) ? -1 : 1;
            if (f->xs[j] < 0)
                u256_neg(&S);
            int inexact;
            u256_top128(&S, &f->xm[j], &f->xe[j], &inexact);
            f->xi[j] = (unsigned char)inexact;
            f->xe[j] += f->lq[i] + f->lk[j];
            /* |x| in [xm, xm + xi] 2^xe; |s| in [xm sgl 2^(xe+egl), (xm+xi) sgh 2^(xe+egh)] */
            u128 mh = f->xm[j] + f->xi[j]; /* xm + 1 may wrap: then use 2^127 * 2 */
            long eh = f->xe[j];
            if (!mh) {
                mh = (u128)1 << 127;
                eh++;
            }
            mul128(&f->pl[j], f->xm[j], sgl); /* |s| >= pl 2^(xe + egl) */
            mul128(&f->ph[j], mh, sgh);       /* |s| <= ph 2^(eh + egh) */
            f->xi[j] = (unsigned char)(eh - f->xe[j]); /* 1 iff wrapped */
            long b = u256_bitlen(&f->ph[j]) + eh + egh; /* |s_j| < 2^b */
            if (b > bmax)
                bmax = b;
        }
        /* |s_j| < 2^126 grid units of 2^-G (bmax = LONG_MIN: every score is 0; found by the
           model fuzzer under UBSan: 126 - LONG_MIN overflows) */
        long G = bmax == LONG_MIN ? 126 : 126 - bmax;
        if (G < 25 || G > (1L << 40))
            return SC_X_FAST_NA;
        /* fixed-point score bounds: |s| in [xm sgl 2^(xe+egl), (xm+xi) sgh 2^(xe+egh)] */
        i128 mx = 0;
        for (size_t j = 0; j <= i; j++) {
            i128 lo = 0, hi = 0;
            if (f->xs[j]) {
                long el = f->xe[j], eh = el + f->xi[j];
                u128 al = u256_shr_round(&f->pl[j], -(el + egl + G), 0);
                u128 ah = u256_shr_round(&f->ph[j], -(eh + egh + G), 1);
                if (f->xs[j] > 0) {
                    lo = (i128)al;
                    hi = (i128)ah;
                } else {
                    lo = -(i128)ah;
                    hi = -(i128)al;
                }
            }
            f->slo[j] = lo;
            f->shi[j] = hi;
            if (j == 0 || hi > mx)
                mx = hi;
        }
        /* weights e_j in [E_j, E_j + w_j] 2^-125 */
        u128 zl = 0, zh = 0, W = 0, Ws = 0; /* max and sum of the w_j (Ws < 2^74) */
        uint64_t zlc = 0, zhc = 0;
        for (size_t j = 0; j <= i; j++) {
            u128 Uhi = (u128)mx - (u128)f->slo[j], Ulo = (u128)mx - (u128)f->shi[j]; /* <= 2^127 */
            u128 Dl = Uhi - Ulo;
            unsigned err;
            u128 C = fx_exp_lo(Uhi, G, &err);
            u128 El = C >> 2, Eu = (C + err + 3) >> 2; /* exp(-u_hi) in [El, Eu] */
            /* exp(-u_lo) = exp(-u_hi) e^delta, delta = D 2^-G: e^delta <= 1 + delta + delta^2
             * for delta <= 1, and Eu delta^2 < 1 for delta < 2^-64 (Eu < 2^126); else
             * e^delta <= 1 + 2 delta for delta <= 1 */
            if (Dl >> 62 || (G < 62 && Dl > ((u128)1 << G)))
                return SC_X_FAST_NA;
            u256 p;
            mul128(&p, Eu, Dl);
            u128 Eh;
            if (G >= 128 || (G >= 64 && Dl < ((u128)1 << (G - 64))))
                Eh = Eu + u256_shr_round(&p, G, 1) + 1;
            else
                Eh = Eu + u256_shr_round(&p, G - 1, 1);
            if (Eh >> 126 || (Eh - El) >> 63)
                return SC_X_FAST_NA;
            if (Eh - El > W)
                W = Eh - El;
            Ws += Eh - El;
            if (ifma) {
                f->e2[j] = (int64_t)(El >> (2 * FX_DIG)); /* < 2^22 */
                f->e1[j] = (int64_t)(El >> FX_DIG) & FX_MASK;
                f->e0[j] = (int64_t)El & FX_MASK;
            } else {
                f->e1[j] = (int64_t)(El >> 63);
                f->e0[j] = (int64_t)(El & (((u128)1 << 63) - 1));
            }
            zl += El;
            zlc += zl < El;
            zh += Eh;
            zhc += zh < Eh;
        }
        /* reciprocal bounds: rl <= 1/Zhi, rh >= 1/Zlo (Z in units 2^-125; Zlo >= 1 since the
         * top score has u_hi = its own width, tiny: checked below) */
        u128 rlm, rhm;
        long rle, rhe;
        {
            /* zb = zhc 2^128 + zh exactly (192 bits), then 1/zb rounded down */
            mpfr_set_ui_2exp(zb, (unsigned long)zhc, 128, MPFR_RNDN);
            MPFR_DECL_INIT(t, 64);
            mpfr_set_ui_2exp(t, (unsigned long)(uint64_t)(zh >> 64), 64, MPFR_RNDN);
            mpfr_add(zb, zb, t, MPFR_RNDN);
            mpfr_set_ui(t, (unsigned long)zh, MPFR_RNDN);
            mpfr_add(zb, zb, t, MPFR_RNDN);
            mpfr_ui_div(rb, 1, zb, MPFR_RNDD);
            if (!fx_mant(rb, &rlm, &rle))
                return SC_X_FAST_NA;
            mpfr_set_ui_2exp(zb, (unsigned long)zlc, 128, MPFR_RNDN);
            mpfr_set_ui_2exp(t, (unsigned long)(uint64_t)(zl >> 64), 64, MPFR_RNDN);
            mpfr_add(zb, zb, t, MPFR_RNDN);
            mpfr_set_ui(t, (unsigned long)zl, MPFR_RNDN);
            mpfr_add(zb, zb, t, MPFR_RNDN);
            if (mpfr_sgn(zb) <= 0)
                return SC_X_FAST_NA;
            mpfr_ui_div(rb, 1, zb, MPFR_RNDU);
            if (!fx_mant(rb, &rhm, &rhe))
                return SC_X_FAST_NA;
        }
        /* out_c = 2^lv_c [A - R, A + R] / Z, A = sum_j E_j N_jc exact, R >= sum_j w_j |N_jc|:
         * the smaller of max_j w_j * sum_j |N_jc| and sum_j w_j * max_j |N_jc| */
        u256 se = {0, 0}; /* IFMA: -2^103 sum_j E_j (sum_j E_j = zlc 2^128 + zl exactly) */
#ifdef FX_IFMA
        if (ifma) {
            ifma_wsum(f->vacc, DP, f->e0, f->e1, f->e2, f->v1, f->v0, i + 1, dh);
            se.lo = zl << FX_NBITS;
            se.hi = (zl >> (128 - FX_NBITS)) | ((u128)zlc << FX_NBITS);
            u256_neg(&se);
        }
#endif
        for (size_t c = 0; c < dh; c++) {
            u256 A, R, nlo, nhi;
            if (ifma) {
                /* A = sum_j E_j (N_jc + 2^103) - 2^103 sum_j E_j */
                A.lo = f->vacc[c];
                A.hi = 0;
                for (unsigned w = 1; w < 5; w++)
                    u256_add_u64sh(&A, f->vacc[w * DP + c], w * FX_DIG);
                u256_add(&A, &se);
            } else {
                const int64_t *vb1 = &f->v1[c * TM], *vb0 = &f->v0[c * TM];
                i128 a3 = 0, a2 = 0, a1 = 0, a0 = 0;
                for (size_t j = 0; j <= i; j++) {
                    int64_t x1 = f->e1[j], x0 = f->e0[j], y1 = vb1[j], y0 = vb0[j];
                    a3 += (i128)x1 * y1;
                    a2 += (i128)x1 * y0;
                    a1 += (i128)x0 * y1;
                    a0 += (i128)x0 * y0;
                }
                u256_from_i128(&A, a0);
                u256_addsh(&A, a1, FX_DIG);
                u256_addsh(&A, a2, 63);
                u256_addsh(&A, a3, 63 + FX_DIG);
            }
            mul128(&R, W, f->vps[c * TM + i]);
            u256 R2;
            mul128(&R2, Ws, f->vpm[c * TM + i]);
            if (u256_bitlen(&R2) < u256_bitlen(&R) ||
                (u256_bitlen(&R2) == u256_bitlen(&R) && (uint64_t)(R2.hi >> 64) <= (uint64_t)(R.hi >> 64) &&
                 (uint64_t)R2.hi < (uint64_t)R.hi))
                R = R2;
            nhi = A;
            u256_add(&nhi, &R);
            u256_neg(&R);
            nlo = A;
            u256_add(&nlo, &R);
            sc_iv *y = &out[i * ldo + c];
            fx_quot(y->lo, &nlo, f->lv[c], rlm, rle, rhm, rhe, 0);
            fx_quot(y->hi, &nhi, f->lv[c], rlm, rle, rhm, rhe, 1);
        }
    }
    return SC_X_OK;
}
