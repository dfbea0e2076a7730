/* The exact-number layer (src/exact.h): dyadic conversions both ways (subnormals, -0.0,
 * +-max, every rounding mode, ties, overflow) against hand-computed values, IEEE division and
 * MPFR; exact dyadic and rational arithmetic against GMP mpq; enclosures of exp, erf, sqrt,
 * GELU and LayerNorm containing 50-digit reference values computed independently with
 * mpmath (hard-coded below), with widths <= 2^-100 relative at 128 bits; random interval
 * operations never empty/inverted and containing a 512-bit evaluation at points of their
 * inputs; arg-max decisions and refinement on near-ties; NaN/Inf rejected everywhere; the
 * fast softmax path's SIMD kernels identical to its scalar loops. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention.h"
#include "exact.h"

/* Check records every passed assertion (a write per ck_assert): loops use REQUIRE, which
 * only calls into Check on failure. */
#define REQUIRE(cond, ...)                                                                     \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)
#define REQ(cond) REQUIRE(cond, "%s:%d: %s", __FILE__, __LINE__, #cond)
#define REQ_EQ(a, b) REQUIRE((a) == (b), "%s:%d: %s == %lld, expected %lld", __FILE__, __LINE__, \
                             #a, (long long)(a), (long long)(b))

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rnd_unit(void) { return (double)(rnd() >> 11) * 0x1p-53; } /* [0, 1) */
static double rnd_gauss(void) { return (rnd_unit() + rnd_unit() + rnd_unit() - 1.5) * 2; }

static double bits_d(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
static uint64_t d_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static const mpfr_rnd_t RND[4] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD};

/* ------------------------------------------------------------------ dyadic conversions */

static void check_dy_fields(double v, long m, long e)
{
    sc_dy x;
    sc_dy_init(&x);
    ck_assert_int_eq(sc_dy_set_d(&x, v), SC_X_OK);
    ck_assert_msg(mpz_cmp_si(x.m, m) == 0 && x.e == e, "%a -> %s * 2^%ld, expected %ld * 2^%ld",
                  v, mpz_get_str(NULL, 10, x.m), x.e, m, e);
    sc_dy_clear(&x);
}

START_TEST(test_dy_fields)
{
    check_dy_fields(0.0, 0, 0);
    check_dy_fields(-0.0, 0, 0);
    check_dy_fields(1.0, 1, 0);
    check_dy_fields(-6.0, -3, 1);
    check_dy_fields(0.375, 3, -3);
    check_dy_fields(DBL_TRUE_MIN, 1, -1074);
    check_dy_fields(-3 * DBL_TRUE_MIN, -3, -1074);
    check_dy_fields(DBL_MIN, 1, -1022);
    check_dy_fields(DBL_MAX, (long)((1ull << 53) - 1), 971);
    check_dy_fields(-DBL_MAX, -(long)((1ull << 53) - 1), 971);
    check_dy_fields(DBL_MIN - DBL_TRUE_MIN, (long)((1ull << 52) - 1), -1074);
    check_dy_fields((double)FLT_TRUE_MIN, 1, -149);
    check_dy_fields((double)FLT_MAX, (1L << 24) - 1, 104);
}
END_TEST

/* Round trips double -> sc_dy -> double (and float) are the identity in every rounding mode
 * (bit for bit; -0.0 is the real 0 and comes back as +0.0). */
START_TEST(test_dy_round_trip)
{
    sc_dy x;
    sc_dy_init(&x);
    double special[] = {0.0, -0.0, 1.0, -1.0, 0.1, DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN,
                        DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN - DBL_TRUE_MIN, 0x1.fffffffffffffp-1,
                        0x1p-1060, 12345.678, -1e300};
    size_t ns = sizeof special / sizeof *special;
    for (size_t k = 0; k < ns + 200000; k++) {
        double v;
        if (k < ns)
            v = special[k];
        else {
            do /* random bit patterns: every binade, subnormals included */
                v = bits_d(rnd());
            while (!isfinite(v));
        }
        REQ_EQ(sc_dy_set_d(&x, v), SC_X_OK);
        for (int r = 0; r < 4; r++) {
            double back = 1.0;
            REQ_EQ(sc_dy_get_d(&back, &x, RND[r]), SC_X_OK);
            uint64_t want = v == 0 ? 0 : d_bits(v);
            REQUIRE(d_bits(back) == want, "%a came back as %a", v, back);
        }
        float f = (float)v;
        if (isfinite(f)) {
            REQ_EQ(sc_dy_set_flt(&x, f), SC_X_OK);
            float fb = 1.0f;
            REQ_EQ(sc_dy_get_flt(&fb, &x, RND[k % 4]), SC_X_OK);
            REQUIRE(fb == f && (f != 0 || !signbit(fb)), "%a (float) came back as %a",
                          (double)f, (double)fb);
        }
    }
    sc_dy_clear(&x);
}
END_TEST

static double dy_to_d(long m, long e, mpfr_rnd_t r, int *rc)
{
    sc_dy x;
    sc_dy_init(&x);
    mpz_t z;
    mpz_init_set_si(z, m);
    ck_assert_int_eq(sc_dy_set_z_2exp(&x, z, e), SC_X_OK);
    double out = 0;
    *rc = sc_dy_get_d(&out, &x, r);
    mpz_clear(z);
    sc_dy_clear(&x);
    return out;
}

/* Hand-computed roundings: ties to even (normal and subnormal), directed modes, overflow. */
START_TEST(test_dy_rounding_hand)
{
    int rc;
    long big = (1L << 53) + 1; /* 2^53 + 1: a tie between 2^53 and 2^53 + 2 */
    ck_assert(dy_to_d(big, 0, MPFR_RNDN, &rc) == 0x1p53 && rc == 0);
    ck_assert(dy_to_d(big + 2, 0, MPFR_RNDN, &rc) == 0x1p53 + 4 && rc == 0); /* to even */
    ck_assert(dy_to_d(big, 0, MPFR_RNDU, &rc) == 0x1p53 + 2);
    ck_assert(dy_to_d(-big, 0, MPFR_RNDU, &rc) == -0x1p53);
    ck_assert(dy_to_d(-big, 0, MPFR_RNDD, &rc) == -0x1p53 - 2);
    ck_assert(dy_to_d(-big, 0, MPFR_RNDZ, &rc) == -0x1p53);
    /* subnormal: 0.5, 1.5, 0.75, 2.5 units of 2^-1074 */
    ck_assert(dy_to_d(1, -1075, MPFR_RNDN, &rc) == 0 && rc == 0);
    ck_assert(dy_to_d(3, -1075, MPFR_RNDN, &rc) == 2 * DBL_TRUE_MIN);
    ck_assert(dy_to_d(3, -1076, MPFR_RNDN, &rc) == DBL_TRUE_MIN);
    ck_assert(dy_to_d(5, -1075, MPFR_RNDN, &rc) == 2 * DBL_TRUE_MIN);
    ck_assert(dy_to_d(1, -2000, MPFR_RNDU, &rc) == DBL_TRUE_MIN);
    ck_assert(dy_to_d(1, -2000, MPFR_RNDD, &rc) == 0);
    ck_assert(dy_to_d(-1, -2000, MPFR_RNDD, &rc) == -DBL_TRUE_MIN);
    /* largest subnormal + half a unit: tie, to even = DBL_MIN */
    ck_assert(dy_to_d((1L << 53) - 1, -1075, MPFR_RNDN, &rc) == DBL_MIN);
    /* overflow: (2^54 - 1) 2^970 is just below 2^1024 */
    long ones = (1L << 54) - 1;
    double v = dy_to_d(ones, 970, MPFR_RNDN, &rc);
    ck_assert(isinf(v) && v > 0 && rc == SC_X_EOVERFLOW);
    ck_assert(dy_to_d(ones, 970, MPFR_RNDZ, &rc) == DBL_MAX && rc == 0);
    ck_assert(dy_to_d(ones, 970, MPFR_RNDD, &rc) == DBL_MAX && rc == 0);
    v = dy_to_d(-ones, 970, MPFR_RNDD, &rc);
    ck_assert(isinf(v) && v < 0 && rc == SC_X_EOVERFLOW);
    ck_assert(dy_to_d(-ones, 970, MPFR_RNDU, &rc) == -DBL_MAX && rc == 0);
    v = dy_to_d(1, 1024, MPFR_RNDN, &rc);
    ck_assert(isinf(v) && rc == SC_X_EOVERFLOW);
    /* float: 2^24 + 1 ties to 2^24; FLT_TRUE_MIN / 2 ties to 0 */
    sc_dy x;
    sc_dy_init(&x);
    float f;
    sc_dy_set_si(&x, (1L << 24) + 1);
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDN) == 0 && f == 0x1p24f);
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDU) == 0 && f == 0x1p24f + 2);
    ck_assert_int_eq(sc_dy_set_d(&x, 0x1p-150), 0);
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDN) == 0 && f == 0);
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDU) == 0 && f == FLT_TRUE_MIN);
    ck_assert_int_eq(sc_dy_set_d(&x, 0x1p128), 0);
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDN) == SC_X_EOVERFLOW && isinf(f));
    ck_assert(sc_dy_get_flt(&f, &x, MPFR_RNDZ) == 0 && f == FLT_MAX);
    sc_dy_clear(&x);
}
END_TEST

/* Random dyadics of up to 200 bits over the whole exponent range: to double and float agree
 * with MPFR's correctly rounded mpfr_get_d / mpfr_get_flt in all four modes. */
START_TEST(test_dy_rounding_vs_mpfr)
{
    sc_dy x;
    sc_dy_init(&x);
    mpz_t z;
    mpz_init(z);
    mpfr_t f;
    mpfr_init2(f, 256);
    gmp_randstate_t st;
    gmp_randinit_default(st);
    gmp_randseed_ui(st, 12345);
    for (int k = 0; k < 50000; k++) {
        mpz_urandomb(z, st, 1 + (mp_bitcnt_t)(rnd() % 200));
        if (rnd() & 1)
            mpz_neg(z, z);
        long e = (long)(rnd() % 2400) - 1300;
        REQ_EQ(sc_dy_set_z_2exp(&x, z, e), SC_X_OK);
        REQ_EQ(mpfr_set_z_2exp(f, z, e, MPFR_RNDN), 0); /* exact at 256 bits */
        for (int r = 0; r < 4; r++) {
            double got, want = mpfr_get_d(f, RND[r]);
            int rc = sc_dy_get_d(&got, &x, RND[r]);
            REQUIRE(d_bits(got) == d_bits(want) || (got == 0 && want == 0),
                          "mode %d: got %a want %a (e=%ld)", r, got, want, e);
            REQ_EQ(rc, isinf(want) ? SC_X_EOVERFLOW : SC_X_OK);
            float gf, wf = mpfr_get_flt(f, RND[r]);
            rc = sc_dy_get_flt(&gf, &x, RND[r]);
            REQUIRE(gf == wf || (isnan(gf) && isnan(wf)), "float mode %d: got %a want %a",
                          r, (double)gf, (double)wf);
            REQ_EQ(rc, isinf(wf) ? SC_X_EOVERFLOW : SC_X_OK);
        }
    }
    gmp_randclear(st);
    mpfr_clear(f);
    mpz_clear(z);
    sc_dy_clear(&x);
}
END_TEST

/* a/b of doubles as an exact rational, rounded to nearest by sc_q_get_d, equals IEEE division
 * (correctly rounded by the hardware), subnormal results included; directed modes bracket it
 * one ulp apart unless exact. */
START_TEST(test_q_get_d)
{
    sc_xctx cx;
    REQ_EQ(sc_xctx_init(&cx, 128, 0), SC_X_OK);
    mpq_t q, b;
    mpq_inits(q, b, (mpq_ptr)0);
    for (int k = 0; k < 100000; k++) {
        double x = ldexp(rnd_gauss(), (int)(rnd() % 200) - 100);
        double y = ldexp(rnd_gauss(), (int)(rnd() % 200) - 100);
        if (k % 10 == 0)
            x = ldexp(x, -1000); /* quotients in the subnormal range */
        if (y == 0)
            continue;
        mpq_set_d(q, x);
        mpq_set_d(b, y);
        mpq_div(q, q, b);
        double n, d, u, want = x / y;
        REQ_EQ(sc_q_get_d(&n, q, MPFR_RNDN, &cx), SC_X_OK);
        REQUIRE(n == want, "%a / %a: got %a want %a", x, y, n, want);
        REQ_EQ(sc_q_get_d(&d, q, MPFR_RNDD, &cx), SC_X_OK);
        REQ_EQ(sc_q_get_d(&u, q, MPFR_RNDU, &cx), SC_X_OK);
        mpq_set_d(b, d);
        int exact = mpq_equal(b, q);
        REQ(d <= n && n <= u);
        REQ(exact ? d == u : nextafter(d, INFINITY) == u);
    }
    mpq_set_ui(q, 1, 3);
    double t;
    REQ_EQ(sc_q_get_d(&t, q, MPFR_RNDN, &cx), 0);
    REQ(t == 1.0 / 3.0);
    mpq_clears(q, b, (mpq_ptr)0);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ dyadic arithmetic */

static void rand_dy(sc_dy *x, mpz_t z)
{
    mpz_set_si(z, (long)(rnd() >> 2) - (long)(1ull << 61));
    mpz_mul_si(z, z, (long)(rnd() % 1000) - 500);
    REQ_EQ(sc_dy_set_z_2exp(x, z, (long)(rnd() % 400) - 200), SC_X_OK);
    if (rnd() % 8 == 0)
        sc_dy_set_si(x, 0);
}

static int dy_normal(const sc_dy *x)
{
    return mpz_sgn(x->m) ? mpz_odd_p(x->m) != 0 : x->e == 0;
}

START_TEST(test_dy_arith)
{
    sc_xctx cx;
    REQ_EQ(sc_xctx_init(&cx, 128, 0), SC_X_OK);
    enum { N = 16 };
    sc_dy a[N], b[N], r;
    mpq_t qa, qb, qr, acc;
    mpz_t z;
    mpz_init(z);
    mpq_inits(qa, qb, qr, acc, (mpq_ptr)0);
    for (int k = 0; k < N; k++) {
        sc_dy_init(&a[k]);
        sc_dy_init(&b[k]);
    }
    sc_dy_init(&r);
    for (int it = 0; it < 3000; it++) {
        mpq_set_ui(acc, 0, 1);
        for (int k = 0; k < N; k++) {
            rand_dy(&a[k], z);
            rand_dy(&b[k], z);
            sc_dy_get_q(qa, &a[k]);
            sc_dy_get_q(qb, &b[k]);
            mpq_mul(qr, qa, qb);
            mpq_add(acc, acc, qr);
        }
        sc_dy_get_q(qa, &a[0]);
        sc_dy_get_q(qb, &b[0]);
        REQ_EQ(sc_dy_add(&r, &a[0], &b[0], &cx), 0);
        mpq_add(qr, qa, qb);
        sc_dy_get_q(qa, &r);
        REQ(mpq_equal(qa, qr) && dy_normal(&r));
        sc_dy_get_q(qa, &a[0]);
        REQ_EQ(sc_dy_sub(&r, &a[0], &b[0], &cx), 0);
        mpq_sub(qr, qa, qb);
        sc_dy_get_q(qa, &r);
        REQ(mpq_equal(qa, qr) && dy_normal(&r));
        sc_dy_get_q(qa, &a[0]);
        REQ_EQ(sc_dy_mul(&r, &a[0], &b[0]), 0);
        mpq_mul(qr, qa, qb);
        sc_dy_get_q(qa, &r);
        REQ(mpq_equal(qa, qr) && dy_normal(&r));
        sc_dy_get_q(qa, &a[0]);
        int c = sc_dy_cmp(&a[0], &b[0], &cx), w = mpq_cmp(qa, qb);
        REQ_EQ(c, w < 0 ? -1 : w > 0);
        REQ_EQ(sc_dy_cmp(&a[0], &a[0], &cx), 0);
        REQ_EQ(sc_dy_dot(&r, a, 1, b, 1, N, &cx), 0);
        sc_dy_get_q(qa, &r);
        REQ(mpq_equal(qa, acc) && dy_normal(&r));
        /* aliasing: r = r + r, r = a - r */
        sc_dy_set(&r, &a[1]);
        REQ_EQ(sc_dy_add(&r, &r, &r, &cx), 0);
        sc_dy_get_q(qa, &r);
        sc_dy_get_q(qb, &a[1]);
        mpq_add(qb, qb, qb);
        REQ(mpq_equal(qa, qb));
        sc_dy_set(&r, &b[1]);
        REQ_EQ(sc_dy_sub(&r, &a[1], &r, &cx), 0);
        sc_dy_get_q(qa, &r);
        sc_dy_get_q(qb, &a[1]);
        sc_dy_get_q(qr, &b[1]);
        mpq_sub(qb, qb, qr);
        REQ(mpq_equal(qa, qb));
    }
    /* set_q: dyadic rationals accepted, others not */
    mpq_set_si(qa, -3, 8);
    REQ_EQ(sc_dy_set_q(&r, qa), 0);
    REQ(mpz_cmp_si(r.m, -3) == 0 && r.e == -3);
    mpq_set_si(qa, 1, 3);
    REQ_EQ(sc_dy_set_q(&r, qa), SC_X_EDOMAIN);
    /* exponent range */
    mpz_set_ui(z, 1);
    REQ_EQ(sc_dy_set_z_2exp(&r, z, SC_DY_EMAX + 1), SC_X_EOVERFLOW);
    mpz_set_ui(z, 4);
    REQ_EQ(sc_dy_set_z_2exp(&r, z, -SC_DY_EMAX - 2), SC_X_OK); /* 2^-EMAX */
    REQ_EQ(sc_dy_mul(&r, &r, &r), SC_X_EOVERFLOW);
    for (int k = 0; k < N; k++) {
        sc_dy_clear(&a[k]);
        sc_dy_clear(&b[k]);
    }
    sc_dy_clear(&r);
    mpq_clears(qa, qb, qr, acc, (mpq_ptr)0);
    mpz_clear(z);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ exact rationals */

START_TEST(test_q_linear)
{
    sc_xctx cx;
    ck_assert_int_eq(sc_xctx_init(&cx, 128, 8), SC_X_OK);
    /* hand: x = [1/3, 1/2], W = [[1, 2], [0.5, -3]], b = [0.25, 0]:
     * y0 = 1/3 + 1 + 1/4 = 19/12, y1 = 1/6 - 3/2 = -4/3 */
    mpq_t *x = sc_q_array_new(2), *y = sc_q_array_new(2);
    mpq_set_ui(x[0], 1, 3);
    mpq_set_ui(x[1], 1, 2);
    double W[4] = {1, 2, 0.5, -3}, b[2] = {0.25, 0};
    ck_assert_int_eq(sc_q_linear(y, x, 1, 2, W, b, 2, &cx), SC_X_OK);
    mpq_t w;
    mpq_init(w);
    mpq_set_ui(w, 19, 12);
    ck_assert(mpq_equal(y[0], w));
    mpq_set_si(w, -4, 3);
    ck_assert(mpq_equal(y[1], w));
    /* ReLU, add, argmax */
    sc_q_relu(y, y, 2);
    ck_assert(mpq_sgn(y[1]) == 0);
    sc_q_add(y, y, x, 2); /* [19/12 + 1/3, 1/2] = [23/12, 1/2] */
    mpq_set_ui(w, 23, 12);
    ck_assert(mpq_equal(y[0], w));
    size_t idx, cnt;
    ck_assert_int_eq(sc_q_argmax(&idx, &cnt, y, 2), 0);
    ck_assert(idx == 0 && cnt == 1);
    mpq_set(y[1], y[0]);
    ck_assert_int_eq(sc_q_argmax(&idx, &cnt, y, 2), 0);
    ck_assert(idx == 0 && cnt == 2);
    /* errors */
    double bad[4] = {1, NAN, 0, 0};
    ck_assert_int_eq(sc_q_linear(y, x, 1, 2, bad, NULL, 2, &cx), SC_X_ENONFINITE);
    double binf[2] = {INFINITY, 0};
    ck_assert_int_eq(sc_q_linear(y, x, 1, 2, W, binf, 2, &cx), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_q_linear(y, x, 1, 9, W, b, 2, &cx), SC_X_EINVAL); /* in > nmax */
    ck_assert_int_eq(sc_q_set_d(w, NAN), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_q_set_d(w, -INFINITY), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_q_argmax(&idx, NULL, y, 0), SC_X_EINVAL);
    mpq_clear(w);
    sc_q_array_free(x, 2);
    sc_q_array_free(y, 2);
    sc_xctx_clear(&cx);
}
END_TEST

/* The elementwise kernels and the arg-max against their contracts (spec/forward.acsl,
 * src/exact_q.c), in every aliasing the contracts allow: ReLU and add in place and on
 * disjoint arrays (add also with out == b), inputs untouched when disjoint; arg-max = first
 * index of a maximum, nmax = the number of maxima (many ties). */
START_TEST(test_q_kernels_contracts)
{
    enum { N = 9 };
    mpq_t *x = sc_q_array_new(N), *a = sc_q_array_new(N), *o = sc_q_array_new(N), t;
    mpq_init(t);
    for (int it = 0; it < 300; it++) {
        for (int k = 0; k < N; k++) {
            /* few distinct values: ties are frequent */
            mpq_set_si(x[k], (long)(rnd() % 7) - 3, 1 + (unsigned long)(rnd() % 3));
            mpq_canonicalize(x[k]);
            mpq_set_si(a[k], (long)(rnd() % 2001) - 1000, 1 + (unsigned long)(rnd() % 97));
            mpq_canonicalize(a[k]);
        }
        /* ReLU on disjoint arrays: x unchanged, o = max(x, 0) */
        sc_q_relu(o, x, N);
        for (int k = 0; k < N; k++) {
            REQ(mpq_sgn(o[k]) >= 0);
            REQ(mpq_sgn(x[k]) < 0 ? mpq_sgn(o[k]) == 0 : mpq_equal(o[k], x[k]));
        }
        /* add on disjoint arrays, then with out == b: o = x + a; o = a + o */
        sc_q_add(o, x, a, N);
        for (int k = 0; k < N; k++) {
            mpq_add(t, x[k], a[k]);
            REQ(mpq_equal(o[k], t));
        }
        sc_q_add(o, a, o, N);
        for (int k = 0; k < N; k++) {
            mpq_add(t, x[k], a[k]);
            mpq_add(t, t, a[k]);
            REQ(mpq_equal(o[k], t));
        }
        /* arg-max: first index of the maximum and the number of maxima */
        size_t idx = N, cnt = 0, ref = 0, rc = 0;
        for (size_t k = 1; k < N; k++)
            if (mpq_cmp(x[k], x[ref]) > 0)
                ref = k;
        for (size_t k = 0; k < N; k++)
            rc += mpq_equal(x[k], x[ref]) != 0;
        REQ_EQ(sc_q_argmax(&idx, &cnt, x, N), SC_X_OK);
        REQ_EQ(idx, ref);
        REQ_EQ(cnt, rc);
        for (size_t k = 0; k < idx; k++)
            REQ(mpq_cmp(x[k], x[idx]) < 0);
        /* ReLU in place */
        sc_q_relu(x, x, N);
        for (int k = 0; k < N; k++)
            REQ(mpq_sgn(x[k]) >= 0);
    }
    mpq_clear(t);
    sc_q_array_free(x, N);
    sc_q_array_free(a, N);
    sc_q_array_free(o, N);
}
END_TEST

/* Random rows of rationals through the exact linear layer == the naive mpq sum; the same
 * layer on enclosures of the inputs contains it. */
START_TEST(test_q_linear_random)
{
    enum { R = 5, IN = 7, OUT = 4 };
    sc_xctx cx;
    REQ_EQ(sc_xctx_init(&cx, 128, IN), SC_X_OK);
    mpq_t *x = sc_q_array_new(R * IN), *y = sc_q_array_new(R * OUT), t, s;
    sc_iv *xi = sc_iv_array_new(R * IN, 128), *yi = sc_iv_array_new(R * OUT, 128);
    mpq_inits(t, s, (mpq_ptr)0);
    double W[OUT * IN], b[OUT];
    for (int it = 0; it < 200; it++) {
        for (int k = 0; k < R * IN; k++) {
            mpq_set_si(x[k], (long)(rnd() % 2001) - 1000, 1 + (unsigned long)(rnd() % 97));
            mpq_canonicalize(x[k]);
            REQ_EQ(sc_iv_set_q(&xi[k], x[k]), 0);
        }
        for (int k = 0; k < OUT * IN; k++)
            W[k] = ldexp(rnd_gauss(), (int)(rnd() % 40) - 20);
        for (int k = 0; k < OUT; k++)
            b[k] = rnd_gauss();
        REQ_EQ(sc_q_linear(y, x, R, IN, W, it % 2 ? b : NULL, OUT, &cx), 0);
        REQ_EQ(sc_iv_linear(yi, xi, R, IN, W, it % 2 ? b : NULL, OUT, &cx), 0);
        for (int r = 0; r < R; r++)
            for (int o = 0; o < OUT; o++) {
                mpq_set_d(s, it % 2 ? b[o] : 0.0);
                for (int k = 0; k < IN; k++) {
                    mpq_set_d(t, W[o * IN + k]);
                    mpq_mul(t, t, x[r * IN + k]);
                    mpq_add(s, s, t);
                }
                REQ(mpq_equal(s, y[r * OUT + o]));
                REQ(sc_iv_contains_q(&yi[r * OUT + o], s));
                REQ(sc_iv_relwidth(&yi[r * OUT + o], &cx) < 0x1p-100);
            }
    }
    mpq_clears(t, s, (mpq_ptr)0);
    sc_q_array_free(x, R * IN);
    sc_q_array_free(y, R * OUT);
    sc_iv_array_free(xi, R * IN);
    sc_iv_array_free(yi, R * OUT);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ enclosures vs mpmath */

/* R = the 50-significant-digit decimal ref widened by 10^-48 relative: it contains the true
 * value (mpmath printed it correctly rounded to 50 digits). */
static void ref_iv(sc_iv *R, const char *ref)
{
    ck_assert_int_eq(sc_iv_set_str(R, ref), SC_X_OK);
    mpfr_t w;
    mpfr_init2(w, 64);
    if (mpfr_cmpabs(R->lo, R->hi) > 0)
        mpfr_abs(w, R->lo, MPFR_RNDU);
    else
        mpfr_abs(w, R->hi, MPFR_RNDU);
    mpfr_mul_d(w, w, 1e-48, MPFR_RNDU);
    mpfr_sub(R->lo, R->lo, w, MPFR_RNDD);
    mpfr_add(R->hi, R->hi, w, MPFR_RNDU);
    mpfr_clear(w);
}

/* x must contain the reference and be at most 2^-lg relative wide. */
static void check_encl(const sc_iv *x, const char *ref, double maxrel, sc_xctx *cx,
                       const char *what)
{
    sc_iv R;
    sc_iv_init(&R, 400);
    ref_iv(&R, ref);
    ck_assert_msg(sc_iv_ok(x), "%s: not a valid enclosure", what);
    ck_assert_msg(sc_iv_contains(x, &R), "%s: [%a, %a] does not contain %s", what,
                  mpfr_get_d(x->lo, MPFR_RNDD), mpfr_get_d(x->hi, MPFR_RNDU), ref);
    double rw = sc_iv_relwidth(x, cx);
    ck_assert_msg(rw <= maxrel, "%s: relative width %g > %g", what, rw, maxrel);
    sc_iv_clear(&R);
}

START_TEST(test_elementary_refs)
{
    sc_xctx cx;
    ck_assert_int_eq(sc_xctx_init(&cx, SC_X_PREC_DEFAULT, 0), 0);
    sc_iv x, y;
    sc_iv_init(&x, 128);
    sc_iv_init(&y, 128);
    double tight = 0x1p-126; /* correctly rounded bounds: two ulps at most */
    sc_iv_set_d(&x, 1.0);
    ck_assert_int_eq(sc_iv_exp(&y, &x), 0);
    check_encl(&y, "2.7182818284590452353602874713526624977572470937000", tight, &cx, "exp(1)");
    sc_iv_set_d(&x, -20.0);
    ck_assert_int_eq(sc_iv_exp(&y, &x), 0);
    check_encl(&y, "2.0611536224385578279659403801558209763758072755991e-9", tight, &cx,
               "exp(-20)");
    sc_iv_set_d(&x, 0.5);
    ck_assert_int_eq(sc_iv_erf(&y, &x), 0);
    check_encl(&y, "0.52049987781304653768274665389196452873645157575796", tight, &cx,
               "erf(0.5)");
    sc_iv_set_d(&x, -2.0);
    ck_assert_int_eq(sc_iv_erf(&y, &x), 0);
    check_encl(&y, "-0.99532226501895273416206925636725292861089179704006", tight, &cx,
               "erf(-2)");
    sc_iv_set_d(&x, 2.0);
    ck_assert_int_eq(sc_iv_sqrt(&y, &x), 0);
    check_encl(&y, "1.4142135623730950488016887242096980785696718753769", tight, &cx,
               "sqrt(2)");
    ck_assert_int_eq(sc_iv_rec_sqrt(&y, &x, &cx), 0);
    ck_assert_int_eq(sc_iv_mul_2si(&y, &y, 1), 0); /* 2/sqrt(2) = sqrt(2) */
    check_encl(&y, "1.4142135623730950488016887242096980785696718753769", tight, &cx,
               "2/sqrt(2)");
    /* exact cases stay points */
    sc_iv_set_d(&x, 64.0);
    ck_assert_int_eq(sc_iv_rec_sqrt(&y, &x, &cx), 0);
    ck_assert(sc_iv_is_point(&y) && mpfr_cmp_d(y.lo, 0.125) == 0);
    sc_iv_set_d(&x, 0.0);
    ck_assert_int_eq(sc_iv_exp(&y, &x), 0);
    ck_assert(sc_iv_is_point(&y) && mpfr_cmp_ui(y.lo, 1) == 0);
    /* GELU */
    const double gx[3] = {1.0, -3.0, 0.5};
    const char *gref[3] = {"0.84134474606854294858523254563203792247791296672660",
                           "-0.0040496940948902835799554443027849321334881044751419",
                           "0.34573123063700655181885230530416886994180108777729"};
    for (int k = 0; k < 3; k++) {
        sc_iv_set_d(&x, gx[k]);
        ck_assert_int_eq(sc_iv_gelu(&y, &x, 1, &cx), 0);
        check_encl(&y, gref[k], 0x1p-120, &cx, "gelu");
    }
    sc_iv_set_d(&x, 0.0);
    ck_assert_int_eq(sc_iv_gelu(&x, &x, 1, &cx), 0); /* in place */
    ck_assert(sc_iv_is_point(&x) && mpfr_zero_p(x.lo));
    sc_iv_clear(&x);
    sc_iv_clear(&y);
    sc_xctx_clear(&cx);
}
END_TEST

START_TEST(test_layernorm_ref)
{
    sc_xctx cx;
    ck_assert_int_eq(sc_xctx_init(&cx, 128, 0), 0);
    sc_iv *x = sc_iv_array_new(8, 128), *y = sc_iv_array_new(8, 128), eps;
    sc_iv_init(&eps, 128);
    ck_assert_int_eq(sc_iv_set_d(&eps, 1e-5), 0); /* the double PyTorch uses */
    double xv[4] = {1, 2, 3, 4}, g[4] = {1, 0.5, -2, 1}, b[4] = {0, 0.25, 0, -1};
    for (int k = 0; k < 4; k++) {
        sc_iv_set_d(&x[k], xv[k]);
        sc_iv_set_d(&x[4 + k], 7.0); /* a constant row: var = 0, y = beta */
    }
    ck_assert_int_eq(sc_iv_layernorm(y, x, 2, 4, g, b, &eps, &cx), 0);
    const char *ref[4] = {"-1.3416354199689269825647675817460070493060451298200",
                          "0.026394096671845502905872069708998825115659145029995",
                          "-0.89442361331261798837651172116400469953736341988002",
                          "0.34163541996892698256476758174600704930604512982003"};
    for (int k = 0; k < 4; k++) {
        check_encl(&y[k], ref[k], 0x1p-118, &cx, "layernorm");
        ck_assert(sc_iv_contains_d(&y[4 + k], b[k]) && sc_iv_width(&y[4 + k]) == 0);
    }
    /* eps = 0 on a constant row: 1/sqrt(0) */
    sc_iv_set_d(&eps, 0.0);
    ck_assert_int_eq(sc_iv_layernorm(y, x + 4, 1, 4, NULL, NULL, &eps, &cx), SC_X_EDOMAIN);
    sc_iv_set_d(&eps, 1e-5);
    double gn[4] = {1, NAN, 1, 1};
    ck_assert_int_eq(sc_iv_layernorm(y, x, 1, 4, gn, NULL, &eps, &cx), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_layernorm(y, x, 1, 0, NULL, NULL, &eps, &cx), SC_X_EINVAL);
    /* decimal eps: 1e-5 as a real number, enclosed */
    ck_assert_int_eq(sc_iv_set_str(&eps, "1e-5"), 0);
    ck_assert(!sc_iv_is_point(&eps) && sc_iv_relwidth(&eps, &cx) < 0x1p-126);
    ck_assert_int_eq(sc_iv_layernorm(y, x, 1, 4, g, b, &eps, &cx), 0);
    ck_assert(sc_iv_relwidth(&y[0], &cx) < 0x1p-118);
    sc_iv_clear(&eps);
    sc_iv_array_free(x, 8);
    sc_iv_array_free(y, 8);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ random enclosure checks */

/* A random interval: a point or a narrow or wide interval, any sign pattern. */
static void rand_iv(sc_iv *x)
{
    double a = ldexp(rnd_gauss(), (int)(rnd() % 20) - 10), b = a;
    int kind = (int)(rnd() % 5);
    switch (kind) {
    case 0: break;
    case 1: b = a + fabs(a) * 0x1p-40; break;
    case 2: b = a + rnd_unit() * 3; break;
    default: a = -rnd_unit(); b = rnd_unit(); break;
    }
    REQ_EQ(sc_iv_set_d2(x, a, b), 0);
    if (kind == 4) /* full-precision bounds: [a/3, b/3] enclosed, products then inexact */
        REQ_EQ(sc_iv_div_ui(x, x, 3), 0);
}

typedef int (*iv_fn2)(sc_iv *, const sc_iv *, const sc_iv *, sc_xctx *);
static int w_add(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx) { (void)cx; return sc_iv_add(r, a, b); }
static int w_sub(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx) { (void)cx; return sc_iv_sub(r, a, b); }
static int w_mul(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx) { return sc_iv_mul(r, a, b, cx); }
static int w_div(sc_iv *r, const sc_iv *a, const sc_iv *b, sc_xctx *cx) { return sc_iv_div(r, a, b, cx); }
static int f_add(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { return mpfr_add(r, a, b, MPFR_RNDN); }
static int f_sub(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { return mpfr_sub(r, a, b, MPFR_RNDN); }
static int f_mul(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { return mpfr_mul(r, a, b, MPFR_RNDN); }
static int f_div(mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { return mpfr_div(r, a, b, MPFR_RNDN); }

/* a point of x: lo, hi or (lo + hi)/2, at 600 bits (exact) */
static void pick(mpfr_t p, const sc_iv *x, int which)
{
    if (which == 0)
        mpfr_set(p, x->lo, MPFR_RNDN);
    else if (which == 1)
        mpfr_set(p, x->hi, MPFR_RNDN);
    else {
        mpfr_add(p, x->lo, x->hi, MPFR_RNDN);
        mpfr_div_2ui(p, p, 1, MPFR_RNDN);
    }
}

START_TEST(test_random_enclosures)
{
    sc_xctx cx;
    REQ_EQ(sc_xctx_init(&cx, 128, 0), 0);
    sc_iv a, b, r;
    sc_iv_init(&a, 128);
    sc_iv_init(&b, 128);
    sc_iv_init(&r, 128);
    mpfr_t pa, pb, v;
    mpfr_inits2(600, pa, pb, v, (mpfr_ptr)0);
    iv_fn2 ops[4] = {w_add, w_sub, w_mul, w_div};
    int (*fops[4])(mpfr_ptr, mpfr_srcptr, mpfr_srcptr) = {f_add, f_sub, f_mul, f_div};
    for (int it = 0; it < 20000; it++) {
        rand_iv(&a);
        rand_iv(&b);
        int op = (int)(rnd() % 4);
        int alias = (int)(rnd() % 3); /* 0: r, 1: r = a, 2: r = b */
        sc_iv *dst = alias == 1 ? &a : alias == 2 ? &b : &r;
        int wa = (int)(rnd() % 3), wb = (int)(rnd() % 3);
        pick(pa, &a, wa);
        pick(pb, &b, wb);
        int bzero = mpfr_sgn(b.lo) <= 0 && mpfr_sgn(b.hi) >= 0;
        int rc = ops[op](dst, &a, &b, &cx);
        if (op == 3 && bzero) {
            REQ_EQ(rc, SC_X_EDOMAIN);
            continue;
        }
        REQ_EQ(rc, 0);
        fops[op](v, pa, pb);
        REQUIRE(sc_iv_ok(dst), "op %d: empty or inverted", op);
        REQUIRE(mpfr_lessequal_p(dst->lo, v) && mpfr_lessequal_p(v, dst->hi),
                      "op %d alias %d: point value outside", op, alias);
        /* unary functions at the same points */
        rand_iv(&a);
        pick(pa, &a, wa);
        int fn = (int)(rnd() % 5);
        switch (fn) {
        case 0: rc = sc_iv_exp(&r, &a); mpfr_exp(v, pa, MPFR_RNDN); break;
        case 1: rc = sc_iv_erf(&r, &a); mpfr_erf(v, pa, MPFR_RNDN); break;
        case 2: rc = sc_iv_sqr(&r, &a, &cx); mpfr_sqr(v, pa, MPFR_RNDN); break;
        case 3:
            mpfr_abs(a.lo, a.lo, MPFR_RNDN);
            mpfr_abs(a.hi, a.hi, MPFR_RNDN);
            if (mpfr_greater_p(a.lo, a.hi))
                mpfr_swap(a.lo, a.hi);
            pick(pa, &a, wa);
            rc = sc_iv_sqrt(&r, &a);
            mpfr_sqrt(v, pa, MPFR_RNDN);
            break;
        default:
            /* x/2 (1 + erf(x/sqrt 2)) = x/2 erfc(-x/sqrt 2): the erfc form keeps the 600-bit
             * reference accurate for very negative x, where 1 + erf cancels */
            rc = sc_iv_gelu(&r, &a, 1, &cx);
            mpfr_sqrt_ui(v, 2, MPFR_RNDN);
            mpfr_div(v, pa, v, MPFR_RNDN);
            mpfr_neg(v, v, MPFR_RNDN);
            mpfr_erfc(v, v, MPFR_RNDN);
            mpfr_mul(v, v, pa, MPFR_RNDN);
            mpfr_div_2ui(v, v, 1, MPFR_RNDN);
            break;
        }
        REQ_EQ(rc, 0);
        REQUIRE(sc_iv_ok(&r) && mpfr_lessequal_p(r.lo, v) && mpfr_lessequal_p(v, r.hi),
                      "function %d: point value outside", fn);
    }
    mpfr_clears(pa, pb, v, (mpfr_ptr)0);
    sc_iv_clear(&a);
    sc_iv_clear(&b);
    sc_iv_clear(&r);
    sc_xctx_clear(&cx);
}
END_TEST

/* Dot products and sums of random enclosures contain the 600-bit value at the midpoints;
 * for point inputs of well-conditioned (same-sign) data the width is <= 2^-100 relative. */
START_TEST(test_dot_sum)
{
    enum { N = 64 };
    sc_xctx cx;
    REQ_EQ(sc_xctx_init(&cx, 128, 0), 0);
    sc_iv *a = sc_iv_array_new(N, 128), *b = sc_iv_array_new(N, 128), r;
    sc_iv_init(&r, 128);
    double w[N];
    mpfr_t s, p, q;
    mpfr_inits2(2000, s, p, q, (mpfr_ptr)0);
    for (int it = 0; it < 300; it++) {
        mpfr_set_zero(s, 1);
        for (int k = 0; k < N; k++) {
            if (it % 2) {
                sc_iv_set_d(&a[k], 0.5 + rnd_unit());
                sc_iv_set_d(&b[k], 0.5 + rnd_unit());
            } else {
                rand_iv(&a[k]);
                rand_iv(&b[k]);
            }
            w[k] = rnd_gauss();
            pick(p, &a[k], 2);
            pick(q, &b[k], 2);
            mpfr_mul(p, p, q, MPFR_RNDN); /* exact at 2000 bits */
            mpfr_add(s, s, p, MPFR_RNDN);
        }
        REQ_EQ(sc_iv_dot(&r, a, 1, b, 1, N, &cx), 0);
        REQ(sc_iv_ok(&r) && mpfr_lessequal_p(r.lo, s) && mpfr_lessequal_p(s, r.hi));
        if (it % 2)
            REQ(sc_iv_relwidth(&r, &cx) <= 0x1p-100);
        /* strided: every other element */
        mpfr_set_zero(s, 1);
        for (int k = 0; k < N; k += 2) {
            pick(p, &a[k], 2);
            mpfr_mul_d(p, p, w[k / 2], MPFR_RNDN);
            mpfr_add(s, s, p, MPFR_RNDN);
        }
        REQ_EQ(sc_iv_dot_d(&r, w, a, 2, N / 2, &cx), 0);
        REQ(sc_iv_ok(&r) && mpfr_lessequal_p(r.lo, s) && mpfr_lessequal_p(s, r.hi));
        mpfr_set_zero(s, 1);
        for (int k = 0; k < N; k++) {
            pick(p, &b[k], 2);
            mpfr_add(s, s, p, MPFR_RNDN);
        }
        REQ_EQ(sc_iv_sum(&r, b, 1, N, &cx), 0);
        REQ(sc_iv_ok(&r) && mpfr_lessequal_p(r.lo, s) && mpfr_lessequal_p(s, r.hi));
    }
    w[3] = NAN;
    REQ_EQ(sc_iv_dot_d(&r, w, a, 1, N, &cx), SC_X_ENONFINITE);
    mpfr_clears(s, p, q, (mpfr_ptr)0);
    sc_iv_array_free(a, N);
    sc_iv_array_free(b, N);
    sc_iv_clear(&r);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ decisions, refinement */

START_TEST(test_argmax_cmp)
{
    sc_iv x[3];
    for (int k = 0; k < 3; k++)
        sc_iv_init(&x[k], 128);
    size_t idx = 99;
    sc_iv_set_d(&x[0], 1);
    sc_iv_set_d2(&x[1], 2, 2.5);
    sc_iv_set_d(&x[2], 1.5);
    ck_assert_int_eq(sc_iv_argmax(&idx, x, 3), 0);
    ck_assert_uint_eq(idx, 1);
    ck_assert_int_eq(sc_iv_cmp(&x[0], &x[1]), SC_IV_LT);
    ck_assert_int_eq(sc_iv_cmp(&x[1], &x[2]), SC_IV_GT);
    sc_iv_set_d2(&x[2], 2.4, 3);
    ck_assert_int_eq(sc_iv_argmax(&idx, x, 3), SC_X_UNDECIDED);
    ck_assert_uint_eq(idx, 2);
    ck_assert_int_eq(sc_iv_cmp(&x[1], &x[2]), SC_IV_OVERLAP);
    sc_iv_set_d(&x[1], 3);
    sc_iv_set_d(&x[2], 3);
    ck_assert_int_eq(sc_iv_argmax(&idx, x, 3), 0); /* equal points: the first */
    ck_assert_uint_eq(idx, 1);
    ck_assert_int_eq(sc_iv_cmp(&x[1], &x[2]), SC_IV_EQ);
    ck_assert_int_eq(sc_iv_argmax(&idx, x, 0), SC_X_EINVAL);
    for (int k = 0; k < 3; k++)
        sc_iv_clear(&x[k]);
}
END_TEST

/* Compare a = sqrt(2) with b = sqrt(2) + delta (delta = 2^-dexp, or 0 for the true tie
 * b = 2/sqrt(2)), evaluated at the requested precision. */
struct near_tie {
    long dexp; /* 0: true tie */
    int calls, order;
};

static int eval_near_tie(void *ctx, mpfr_prec_t prec)
{
    struct near_tie *t = ctx;
    t->calls++;
    sc_xctx cx;
    ck_assert_int_eq(sc_xctx_init(&cx, prec, 0), 0);
    sc_iv a, b, two;
    sc_iv_init(&a, prec);
    sc_iv_init(&b, prec);
    sc_iv_init(&two, prec);
    sc_iv_set_d(&two, 2);
    ck_assert_int_eq(sc_iv_sqrt(&a, &two), 0);
    if (t->dexp) {
        ck_assert_int_eq(sc_iv_sqrt(&b, &two), 0);
        sc_iv d;
        sc_iv_init(&d, prec);
        sc_iv_set_si(&d, 1);
        sc_iv_mul_2si(&d, &d, -t->dexp);
        ck_assert_int_eq(sc_iv_add(&b, &b, &d), 0);
        sc_iv_clear(&d);
    } else {
        ck_assert_int_eq(sc_iv_rec_sqrt(&b, &two, &cx), 0);
        ck_assert_int_eq(sc_iv_mul(&b, &b, &two, &cx), 0);
    }
    t->order = sc_iv_cmp(&a, &b);
    sc_iv_clear(&a);
    sc_iv_clear(&b);
    sc_iv_clear(&two);
    sc_xctx_clear(&cx);
    return t->order == SC_IV_OVERLAP ? SC_X_UNDECIDED : SC_X_OK;
}

START_TEST(test_refine)
{
    mpfr_prec_t used = 0;
    struct near_tie t = {150, 0, 9};
    ck_assert_int_eq(sc_x_refine(eval_near_tie, &t, 128, 4096, &used), SC_X_OK);
    ck_assert_int_eq(t.order, SC_IV_LT);
    ck_assert_int_eq(used, 256);
    ck_assert_int_eq(t.calls, 2);
    t = (struct near_tie){600, 0, 9};
    ck_assert_int_eq(sc_x_refine(eval_near_tie, &t, 128, 4096, &used), SC_X_OK);
    ck_assert_int_eq(used, 1024);
    t = (struct near_tie){0, 0, 9}; /* a true tie of irrationals: never decided */
    ck_assert_int_eq(sc_x_refine(eval_near_tie, &t, 100, 300, &used), SC_X_UNDECIDED);
    ck_assert_int_eq(used, 300); /* 100, 200, 300 */
    ck_assert_int_eq(t.calls, 3);
    ck_assert_int_eq(sc_x_refine(eval_near_tie, &t, 8, 300, &used), SC_X_EINVAL);
    ck_assert_int_eq(sc_x_refine(eval_near_tie, &t, 256, 128, &used), SC_X_EINVAL);
    ck_assert_int_eq(sc_x_refine(NULL, &t, 128, 256, &used), SC_X_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ rejection */

START_TEST(test_rejects)
{
    sc_xctx cx;
    ck_assert_int_eq(sc_xctx_init(&cx, 128, 0), 0);
    sc_xctx bad;
    ck_assert_int_eq(sc_xctx_init(&bad, 8, 0), SC_X_EINVAL);
    ck_assert_int_eq(sc_xctx_set_prec(&cx, SC_X_PREC_MAX + 1), SC_X_EINVAL);
    sc_iv x, y;
    sc_iv_init(&x, 128);
    sc_iv_init(&y, 128);
    sc_dy d;
    sc_dy_init(&d);
    ck_assert_int_eq(sc_dy_set_d(&d, NAN), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_dy_set_d(&d, INFINITY), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_dy_set_flt(&d, -INFINITY), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_d(&x, NAN), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_d(&x, -INFINITY), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_d2(&x, 0, INFINITY), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_d2(&x, 2, 1), SC_X_EINVAL);
    ck_assert_int_eq(sc_iv_set_str(&x, "nan"), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_str(&x, "-inf"), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_set_str(&x, "1e-5x"), SC_X_EINVAL);
    ck_assert_int_eq(sc_iv_set_str(&x, ""), SC_X_EINVAL);
    ck_assert_int_eq(sc_iv_mul_d(&y, &x, NAN, &cx), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_add_d(&y, &x, INFINITY), SC_X_ENONFINITE);
    sc_iv_set_d2(&x, -1, 1);
    ck_assert_int_eq(sc_iv_div(&y, &y, &x, &cx), SC_X_EDOMAIN);
    ck_assert_int_eq(sc_iv_sqrt(&y, &x), SC_X_EDOMAIN);
    ck_assert_int_eq(sc_iv_rec_sqrt(&y, &x, &cx), SC_X_EDOMAIN);
    sc_iv_set_d(&x, 0);
    ck_assert_int_eq(sc_iv_div(&y, &y, &x, &cx), SC_X_EDOMAIN);
    ck_assert_int_eq(sc_iv_div_ui(&y, &y, 0), SC_X_EDOMAIN);
    sc_iv_set_d(&x, 1e10); /* exp(1e10) = 2^(1.44e10) beyond MPFR's exponent range */
    ck_assert_int_eq(sc_iv_exp(&y, &x), SC_X_EOVERFLOW);
    double W[2] = {1, INFINITY};
    sc_iv_set_d(&x, 1);
    ck_assert_int_eq(sc_iv_linear(&y, &x, 1, 1, W + 1, NULL, 1, &cx), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_iv_linear(&y, &x, 1, 1, W, W + 1, 1, &cx), SC_X_ENONFINITE);
    /* an invalid enclosure is reported by sc_iv_ok */
    mpfr_set_nan(x.lo);
    ck_assert(!sc_iv_ok(&x));
    ck_assert(sc_iv_width(&x) == INFINITY);
    sc_iv_set_d2(&x, 1, 2);
    mpfr_swap(x.lo, x.hi);
    ck_assert(!sc_iv_ok(&x));
    ck_assert_str_eq(sc_x_strerror(SC_X_UNDECIDED), "undecided at this precision");
    sc_dy_clear(&d);
    sc_iv_clear(&x);
    sc_iv_clear(&y);
    sc_xctx_clear(&cx);
}
END_TEST

/* ------------------------------------------------------------------ fast softmax kernels */

/* sc_x_softmax_fast with its AVX-512 IFMA kernels (where the CPU has them) against its
 * portable scalar loops (sc_x_fast_simd(0)): both compute the same exact integers, so the
 * enclosures must be identical bit for bit. Shapes around the kernels' 8-lane blocks (T and dh
 * not multiples of 8, leading dimensions > dh), dh at the kernels' limit (1024) and past it
 * (scalar either way); entries spanning up to 2^-30 .. 2 in a row, signs and zeros. Both
 * contain the 512-bit enclosure of the MPFR path (~2^-500 wide around the real value) and
 * are <= 2^-100 max|v| wide. */
START_TEST(test_softmax_fast_simd)
{
    static const size_t shapes[][2] = {{1, 1},   {9, 3},   {16, 8},    {33, 13},
                                       {70, 64}, {67, 70}, {12, 1024}, {5, 1030}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t T = shapes[t][0], dh = shapes[t][1], ld = dh + t % 2, n = T * ld;
        int spread = (int)(t * 11 % 31);
        sc_attn_ws ws, ws5;
        ck_assert_int_eq(sc_attn_ws_init(&ws, T, dh, 128), SC_X_OK);
        ck_assert_int_eq(sc_attn_ws_init(&ws5, T, dh, 512), SC_X_OK);
        sc_iv *M[3], *M5[3], *a = sc_iv_array_new(n, 128), *b = sc_iv_array_new(n, 128),
                         *r5 = sc_iv_array_new(n, 512);
        double vmax = 0;
        for (int m = 0; m < 3; m++) {
            M[m] = sc_iv_array_new(n, 128);
            M5[m] = sc_iv_array_new(n, 512);
            for (size_t k = 0; k < n; k++) {
                double x = rnd() % 9 == 0 ? 0.0
                                          : ldexp(1 + rnd_unit(), -(int)(rnd() % (spread + 1)));
                if (rnd() % 2)
                    x = -x;
                if (m == 2 && k % ld < dh)
                    vmax = fmax(vmax, fabs(x));
                ck_assert_int_eq(sc_iv_set_d(&M[m][k], x), SC_X_OK);
                ck_assert_int_eq(sc_iv_set_d(&M5[m][k], x), SC_X_OK);
            }
        }
        int simd = sc_x_fast_simd(1);
        ck_assert_int_eq(sc_attn_softmax_iv(a, ld, M[0], ld, M[1], ld, M[2], ld, T, dh, NULL, &ws),
                         SC_X_OK);
        /* the fast path applied (called directly with the workspace's scale) */
        ck_assert_int_eq(sc_x_softmax_fast(b, ld, M[0], ld, M[1], ld, M[2], ld, T, dh,
                                           &ws.scale, &ws.cx),
                         SC_X_OK);
        ck_assert_int_eq(sc_x_fast_simd(0), 0);
        ck_assert_int_eq(sc_attn_softmax_iv(b, ld, M[0], ld, M[1], ld, M[2], ld, T, dh, NULL, &ws),
                         SC_X_OK);
        ck_assert_int_eq(sc_x_fast_simd(1), simd);
        ck_assert_int_eq(sc_attn_softmax_iv(r5, ld, M5[0], ld, M5[1], ld, M5[2], ld, T, dh, NULL,
                                            &ws5),
                         SC_X_OK);
        for (size_t i = 0; i < T; i++)
            for (size_t c = 0; c < dh; c++) {
                size_t x = i * ld + c;
                REQUIRE(mpfr_equal_p(a[x].lo, b[x].lo) && mpfr_equal_p(a[x].hi, b[x].hi),
                        "T=%zu dh=%zu simd=%d: out[%zu][%zu] differs from the scalar loops", T,
                        dh, simd, i, c);
                REQUIRE(sc_iv_contains(&a[x], &r5[x]),
                        "T=%zu dh=%zu: out[%zu][%zu] misses the 512-bit enclosure", T, dh, i, c);
                REQUIRE(sc_iv_width(&a[x]) <= 0x1p-100 * vmax, "T=%zu dh=%zu: out[%zu][%zu] width %g",
                        T, dh, i, c, sc_iv_width(&a[x]));
            }
        for (int m = 0; m < 3; m++) {
            sc_iv_array_free(M[m], n);
            sc_iv_array_free(M5[m], n);
        }
        sc_iv_array_free(a, n);
        sc_iv_array_free(b, n);
        sc_iv_array_free(r5, n);
        sc_attn_ws_clear(&ws);
        sc_attn_ws_clear(&ws5);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("exact");
    TCase *tc = tcase_create("dyadic");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_dy_fields);
    tcase_add_test(tc, test_dy_round_trip);
    tcase_add_test(tc, test_dy_rounding_hand);
    tcase_add_test(tc, test_dy_rounding_vs_mpfr);
    tcase_add_test(tc, test_q_get_d);
    tcase_add_test(tc, test_dy_arith);
    tcase_add_test(tc, test_q_linear);
    tcase_add_test(tc, test_q_linear_random);
    tcase_add_test(tc, test_q_kernels_contracts);
    suite_add_tcase(s, tc);
    tc = tcase_create("enclosures");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_elementary_refs);
    tcase_add_test(tc, test_layernorm_ref);
    tcase_add_test(tc, test_random_enclosures);
    tcase_add_test(tc, test_dot_sum);
    tcase_add_test(tc, test_argmax_cmp);
    tcase_add_test(tc, test_refine);
    tcase_add_test(tc, test_rejects);
    tcase_add_test(tc, test_softmax_fast_simd);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
