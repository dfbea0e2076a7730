/* Scans (src/scan.h): for every catalog automaton (default parameters), SC_SCAN_TEST_SEQS
 * (default 10^4; 500 under AddressSanitizer) random words of random lengths 1..1000: the proved kernels (sequential,
 * Hillis–Steele, Blelloch on sc_tf) and the driver's three methods all equal the sequential
 * definition — sc_run's labels and the full prefix products P_t of a naive fold; rounds are
 * exactly ceil(log2 T) (Hillis–Steele), at most 2 ceil(log2 T) (Blelloch), work as predicted;
 * every SC_SCAN_TEST_MT_EVERY-th word (default 25) also on 2, 3 and 4 threads, identical.
 * Then long words on 1..4 threads, 0/1 matrix scans == transformation scans, exact integer and
 * dyadic sums vs naive GMP sums, and every error path. */
#include <check.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "scan.h"
#include "simulate.h"

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t below(size_t k) { return (size_t)(rnd() % k); }

/* Under AddressSanitizer (make sanitize) the default word count is 500 per automaton (about
 * 20x slower there); the normal build runs the full 10^4. SC_SCAN_TEST_SEQS overrides both. */
#if defined(__SANITIZE_ADDRESS__)
#define SEQS_DEFAULT 500
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEQS_DEFAULT 500
#endif
#endif
#ifndef SEQS_DEFAULT
#define SEQS_DEFAULT 10000
#endif

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    return s && *s ? strtol(s, NULL, 10) : def;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    return p;
}

static sc_testbed *build(const char *spec)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(spec, &err);
    if (!tb)
        ck_abort_msg("building '%s': %s", spec, err.msg);
    return tb;
}

/* Naive fold: P[t*n + x] = delta[w_t][P[(t-1)*n + x]], P_{-1} = identity. */
static void naive_fold(size_t n, const sc_state *delta, const int32_t *w, size_t T, sc_state *P)
{
    for (size_t t = 0; t < T; t++)
        for (size_t x = 0; x < n; x++)
            P[t * n + x] = delta[(size_t)w[t] * n + (t ? P[(t - 1) * n + x] : x)];
}

/* out (sc_tf layout) == ref (flat) on every t < T, x < n */
static int same_tf(const sc_tf *out, const sc_state *ref, size_t n, size_t T)
{
    for (size_t t = 0; t < T; t++)
        for (size_t x = 0; x < n; x++)
            if (out[t].m[x] != ref[t * n + x])
                return 0;
    return 1;
}

static uint64_t hs_work(size_t T)
{
    uint64_t w = 0;
    for (size_t off = 1; off < T; off *= 2)
        w += T - off;
    return w;
}

/* Run the driver on one word; check P against ref and the stats against the definitions.
 * (Check's assertions are costly per call: one assertion per call here.) */
static void driver_check(sc_scan_method m, const sc_automaton *a, const int32_t *w, size_t T,
                         const sc_state *ref, unsigned threads, sc_state *P, void *scratch,
                         size_t cap, const char *what)
{
    size_t n = a->n, need = 0, bad = 0;
    sc_scan_stats st = {0, 0};
    const char *why = NULL;
    int rc = -1;
    if (sc_scan_scratch_bytes(m, n * sizeof(sc_state), T, threads, &need) || need > cap)
        why = "scratch size";
    else if ((rc = sc_scan_tf(m, n, a->k, a->delta, w, T, P, scratch, need, threads, &st, &bad)))
        why = "return code";
    else if (memcmp(P, ref, T * n * sizeof *P))
        why = "prefix products differ";
    else {
        unsigned L = sc_scan_clog2(T);
        if (m == SC_SCAN_HILLIS_STEELE && (st.rounds != L || st.work != hs_work(T)))
            why = "Hillis-Steele rounds/work";
        else if (m == SC_SCAN_BLELLOCH &&
                 (st.rounds > 2 * (uint64_t)L || st.work > 2 * (uint64_t)T || st.work + 1 < T))
            why = "Blelloch rounds/work";
        else if (m == SC_SCAN_SEQUENTIAL && (st.rounds != (T ? T - 1 : 0) || st.work != st.rounds))
            why = "sequential rounds/work";
    }
    if (why)
        ck_abort_msg("%s: %s on %u threads, T=%zu: %s (rc %d, rounds %llu, work %llu)", what,
                     sc_scan_method_name(m), threads, T, why, rc, (unsigned long long)st.rounds,
                     (unsigned long long)st.work);
}

static void catalog_entry(const char *spec, long seqs, long mt_every)
{
    sc_testbed *tb = build(spec);
    const sc_automaton *a = tb->automaton;
    size_t n = a->n, TMAX = 1000;
    ck_assert_uint_le(n, SC_SCAN_NMAX);
    int32_t *w = xmalloc(TMAX * sizeof *w), *labels = xmalloc(TMAX * sizeof *labels),
            *lab2 = xmalloc(TMAX * sizeof *lab2);
    sc_state *ref = xmalloc(TMAX * n * sizeof *ref), *P = xmalloc(TMAX * n * sizeof *P);
    sc_tf *out = xmalloc(TMAX * sizeof *out), *s = xmalloc(TMAX * sizeof *s);
    size_t cap = 0;
    for (int m = 0; m <= 2; m++) {
        size_t b;
        ck_assert_int_eq(sc_scan_scratch_bytes(m, n * sizeof(sc_state), TMAX, 4, &b), 0);
        cap = b > cap ? b : cap;
    }
    void *scratch = xmalloc(cap);
    for (long i = 0; i < seqs; i++) {
        size_t T = 1 + below(TMAX);
        for (size_t t = 0; t < T; t++)
            w[t] = (int32_t)below(a->k);
        /* the sequential definition: labels and full prefix products */
        if (sc_run(n, a->k, a->delta, (sc_state)a->start, w, T, labels) != T)
            ck_abort_msg("%s: sc_run stopped early", spec);
        naive_fold(n, a->delta, w, T, ref);
        for (size_t t = 0; t < T; t++)
            if (ref[t * n + a->start] != labels[t])
                ck_abort_msg("%s: naive fold disagrees with sc_run at %zu", spec, t);
        /* proved kernels */
        sc_scan_fold_seq(n, a->k, a->delta, w, T, out);
        if (!same_tf(out, ref, n, T))
            ck_abort_msg("%s: proved sequential kernel differs, T=%zu", spec, T);
        size_t r = sc_scan_fold_hs(n, a->k, a->delta, w, T, out);
        if (r != sc_scan_clog2(T))
            ck_abort_msg("%s: proved Hillis-Steele: %zu rounds, T=%zu", spec, r, T);
        if (!same_tf(out, ref, n, T))
            ck_abort_msg("%s: proved kernel differs, T=%zu", spec, T);
        sc_scan_fold_blelloch(n, a->k, a->delta, w, T, out, s);
        if (!same_tf(out, ref, n, T))
            ck_abort_msg("%s: proved kernel differs, T=%zu", spec, T);
        /* the driver, one thread, every method; labels through sc_scan_labels */
        for (int m = 0; m <= 2; m++) {
            driver_check(m, a, w, T, ref, 1, P, scratch, cap, spec);
            sc_scan_labels(n, P, T, (sc_state)a->start, lab2);
            if (memcmp(lab2, labels, T * sizeof *labels))
                ck_abort_msg("%s: labels of %s differ", spec, sc_scan_method_name(m));
        }
        if (mt_every > 0 && i % mt_every == 0)
            for (unsigned th = 2; th <= 4; th++)
                for (int m = 1; m <= 2; m++)
                    driver_check(m, a, w, T, ref, th, P, scratch, cap, spec);
    }
    free(w), free(labels), free(lab2), free(ref), free(P), free(out), free(s), free(scratch);
    sc_testbed_free(tb);
}

START_TEST(test_catalog)
{
    long seqs = env_long("SC_SCAN_TEST_SEQS", SEQS_DEFAULT);
    long mt = env_long("SC_SCAN_TEST_MT_EVERY", 25);
    size_t count = sc_catalog_size();
    ck_assert_uint_ge(count, 15);
    const sc_catalog_info *info = sc_catalog_at(_i);
    ck_assert_ptr_nonnull(info);
    catalog_entry(info->name, seqs, mt);
}
END_TEST

/* Every T = 0..1100 (all powers of two and their neighbours): rounds and work formulas; the
 * proved HS round count; D8 results equal on 1..4 threads. */
START_TEST(test_all_lengths)
{
    sc_testbed *tb = build("D8");
    const sc_automaton *a = tb->automaton;
    size_t n = a->n, TMAX = 1100;
    int32_t *w = xmalloc(TMAX * sizeof *w);
    sc_state *ref = xmalloc(TMAX * n * sizeof *ref), *P = xmalloc(TMAX * n * sizeof *P);
    size_t cap;
    ck_assert_int_eq(sc_scan_scratch_bytes(SC_SCAN_HILLIS_STEELE, n * sizeof(sc_state), TMAX, 4,
                                           &cap), 0);
    void *scratch = xmalloc(cap);
    sc_tf *out = xmalloc(TMAX * sizeof *out);
    for (size_t T = 0; T <= TMAX; T += (T < 70 || (T & (T - 1)) == 0 || ((T + 1) & T) == 0) ? 1 : 37) {
        for (size_t t = 0; t < T; t++)
            w[t] = (int32_t)below(a->k);
        naive_fold(n, a->delta, w, T, ref);
        for (unsigned th = 1; th <= 4; th++)
            for (int m = 0; m <= 2; m++)
                driver_check(m, a, w, T, ref, th, P, scratch, cap, "D8");
        ck_assert_uint_eq(sc_scan_fold_hs(n, a->k, a->delta, w, T, out), sc_scan_clog2(T));
        sc_scan_stats st;
        sc_scan_cost(SC_SCAN_BLELLOCH, T, &st);
        uint64_t want = 0;
        for (size_t md = T; md >= 2; md /= 2)
            want += md - 1; /* pairing floor(md/2) + expansion ceil(md/2) - 1 */
        ck_assert_uint_eq(st.work, want);
        if (T >= 2) {
            unsigned fl = 63 - (unsigned)__builtin_clzll(T);
            ck_assert_uint_le(st.rounds, 2 * (uint64_t)fl);
            ck_assert_uint_ge(st.rounds, fl);
            ck_assert_uint_le(st.work, 2 * (uint64_t)T - 2);
        }
    }
    free(w), free(ref), free(P), free(scratch), free(out);
    sc_testbed_free(tb);
}
END_TEST

/* Long words: 2*10^5 symbols, 1..4 threads, identical results and stats. */
START_TEST(test_long_threads)
{
    const char *specs[] = {"D8", "C2^3", "full:n=5", "Q8"};
    size_t T = 200000;
    for (size_t i = 0; i < 4; i++) {
        sc_testbed *tb = build(specs[i]);
        const sc_automaton *a = tb->automaton;
        size_t n = a->n;
        int32_t *w = xmalloc(T * sizeof *w);
        for (size_t t = 0; t < T; t++)
            w[t] = (int32_t)below(a->k);
        sc_state *ref = xmalloc(T * n * sizeof *ref), *P = xmalloc(T * n * sizeof *P);
        size_t cap;
        ck_assert_int_eq(sc_scan_scratch_bytes(SC_SCAN_HILLIS_STEELE, n * sizeof(sc_state), T, 4,
                                               &cap), 0);
        void *scratch = xmalloc(cap);
        naive_fold(n, a->delta, w, T, ref);
        for (unsigned th = 1; th <= 4; th++)
            for (int m = 0; m <= 2; m++)
                driver_check(m, a, w, T, ref, th, P, scratch, cap, specs[i]);
        free(w), free(ref), free(P), free(scratch);
        sc_testbed_free(tb);
    }
}
END_TEST

/* 0/1 matrix scan == transformation scan (as matrices), every method, 1..3 threads. */
START_TEST(test_matrix)
{
    const char *specs[] = {"C2", "D8", "Q8", "full:n=5", "abab", "Grid9", "flipflop:n=3",
                           "dyck:types=1,depth=3"};
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        sc_testbed *tb = build(specs[i]);
        const sc_automaton *a = tb->automaton;
        size_t n = a->n, TMAX = 130, nn = n * n;
        int32_t *w = xmalloc(TMAX * sizeof *w);
        sc_state *ref = xmalloc(TMAX * n * sizeof *ref);
        uint32_t *M = xmalloc(TMAX * nn * sizeof *M), *E = xmalloc(nn * sizeof *E);
        size_t cap;
        ck_assert_int_eq(sc_scan_scratch_bytes(SC_SCAN_HILLIS_STEELE, nn * sizeof *M, TMAX, 3,
                                               &cap), 0);
        void *scratch = xmalloc(cap);
        for (int rep = 0; rep < 40; rep++) {
            size_t T = 1 + below(TMAX);
            for (size_t t = 0; t < T; t++)
                w[t] = (int32_t)below(a->k);
            naive_fold(n, a->delta, w, T, ref);
            for (unsigned th = 1; th <= 3; th++)
                for (int m = 0; m <= 2; m++) {
                    for (size_t t = 0; t < T; t++)
                        tf_to_matrix(n, sc_generator(a, (uint32_t)w[t]), M + t * nn);
                    sc_scan_stats st, want;
                    size_t bad;
                    ck_assert_int_eq(sc_scan_mat(m, n, M, T, scratch, cap, th, &st, &bad), 0);
                    sc_scan_cost(m, T, &want);
                    ck_assert_uint_eq(st.rounds, want.rounds);
                    ck_assert_uint_eq(st.work, want.work);
                    size_t diff = SIZE_MAX;
                    for (size_t t = 0; t < T && diff == SIZE_MAX; t++) {
                        tf_to_matrix(n, ref + t * n, E);
                        if (memcmp(E, M + t * nn, nn * sizeof *E))
                            diff = t;
                    }
                    ck_assert_msg(diff == SIZE_MAX, "%s: matrix P_%zu differs (%s, %u threads)",
                                  specs[i], diff, sc_scan_method_name(m), th);
                }
        }
        /* not a function matrix: rejected with its index */
        size_t T = 5, bad = 99;
        for (size_t t = 0; t < T; t++)
            tf_to_matrix(n, sc_generator(a, 0), M + t * nn);
        M[3 * nn + 0] ^= 1; /* row 0 of matrix 3 now has 0 or 2 ones */
        ck_assert_int_eq(sc_scan_mat(SC_SCAN_BLELLOCH, n, M, T, scratch, cap, 1, NULL, &bad),
                         SC_SCAN_EDOMAIN);
        ck_assert_uint_eq(bad, 3);
        free(w), free(ref), free(M), free(E), free(scratch);
        sc_testbed_free(tb);
    }
}
END_TEST

static int64_t rnd_i64(int mode)
{
    switch (mode) {
    case 0: return (int64_t)(rnd() % 2001) - 1000;
    case 1: return (int64_t)rnd();                          /* anything: overflows */
    default: return (int64_t)(rnd() >> 2) * ((rnd() & 1) ? 1 : -1) / 4; /* sometimes overflows */
    }
}

/* Integer sums vs a GMP naive sum: values, and the first overflow position. */
START_TEST(test_isum)
{
    size_t TMAX = 3000, cap;
    ck_assert_int_eq(sc_scan_sum_scratch_bytes(SC_SCAN_HILLIS_STEELE, TMAX, 4, &cap), 0);
    void *scratch = xmalloc(cap);
    int64_t *x = xmalloc(TMAX * sizeof *x), *out = xmalloc(TMAX * sizeof *out);
    mpz_t acc, lo, hi, v;
    mpz_inits(acc, lo, hi, v, NULL);
    mpz_set_si(lo, INT64_MIN);
    mpz_set_si(hi, INT64_MAX);
    int overflowed = 0, clean = 0;
    for (int rep = 0; rep < 300; rep++) {
        size_t T = 1 + below(TMAX);
        int mode = rep % 3;
        for (size_t t = 0; t < T; t++)
            x[t] = rnd_i64(mode);
        if (rep == 3) /* segment sums leave int64, every prefix stays inside: -M, 0, M, 0, ... */
            for (size_t t = 0; t < T; t++)
                x[t] = (t % 4 == 0 || t % 4 == 3) ? -(INT64_MAX - 5) : INT64_MAX - 5;
        /* naive: first overflow position */
        size_t first = SIZE_MAX;
        mpz_set_ui(acc, 0);
        for (size_t t = 0; t < T; t++) {
            mpz_set_si(v, x[t]);
            mpz_add(acc, acc, v);
            if (first == SIZE_MAX && (mpz_cmp(acc, lo) < 0 || mpz_cmp(acc, hi) > 0))
                first = t;
        }
        for (unsigned th = 1; th <= 4; th++)
            for (int m = 0; m <= 2; m++) {
                size_t bad = SIZE_MAX;
                sc_scan_stats st;
                int rc = sc_scan_isum(m, x, T, out, scratch, cap, th, &st, &bad);
                if (first == SIZE_MAX) {
                    ck_assert_int_eq(rc, 0);
                    int64_t s = 0;
                    int ok = 1;
                    for (size_t t = 0; t < T; t++) {
                        s += x[t];
                        ok &= out[t] == s;
                    }
                    ck_assert(ok);
                } else {
                    ck_assert_int_eq(rc, SC_SCAN_EOVERFLOW);
                    ck_assert_uint_eq(bad, first);
                }
            }
        if (rep == 3)
            ck_assert_uint_eq(first, SIZE_MAX);
        overflowed += first != SIZE_MAX;
        clean += first == SIZE_MAX;
    }
    ck_assert_int_gt(overflowed, 10);
    ck_assert_int_gt(clean, 100);
    mpz_clears(acc, lo, hi, v, NULL);
    free(scratch), free(x), free(out);
}
END_TEST

/* value of a dyadic as a GMP rational */
static void dy_q(mpq_t q, sc_dyadic d)
{
    mpq_set_si(q, d.m, 1);
    if (d.e >= 0)
        mpq_mul_2exp(q, q, (mp_bitcnt_t)d.e);
    else
        mpq_div_2exp(q, q, (mp_bitcnt_t)(-(int64_t)d.e));
}

/* the normal mantissa of a dyadic rational q fits int64 */
static int dy_fits(const mpq_t q)
{
    mpz_t m;
    mpz_init_set(m, mpq_numref(q));
    if (mpz_sgn(m))
        mpz_tdiv_q_2exp(m, m, mpz_scan1(m, 0));
    int ok = mpz_fits_slong_p(m) && sizeof(long) == 8;
    mpz_clear(m);
    return ok;
}

/* Dyadic sums vs exact GMP rationals; normal form; rejection paths. */
START_TEST(test_dsum)
{
    size_t TMAX = 500, cap;
    ck_assert_int_eq(sc_scan_sum_scratch_bytes(SC_SCAN_HILLIS_STEELE, TMAX, 3, &cap), 0);
    void *scratch = xmalloc(cap);
    sc_dyadic *x = xmalloc(TMAX * sizeof *x), *out = xmalloc(TMAX * sizeof *out);
    mpq_t acc, v;
    mpq_inits(acc, v, NULL);
    int ok_runs = 0;
    for (int rep = 0; rep < 300; rep++) {
        size_t T = 1 + below(TMAX);
        int spread = rep % 3 == 0 ? 40 : 8;
        for (size_t t = 0; t < T; t++) {
            int64_t m = (int64_t)(rnd() % 2000001) - 1000000;
            if (rnd() % 7 == 0)
                m = 0;
            x[t].m = m;
            x[t].e = (int32_t)(rnd() % (2 * spread + 1)) - spread;
        }
        if (rep % 50 == 1) { /* far apart exponents: rejected at the input */
            x[0] = (sc_dyadic){1, 1000};
            x[T - 1] = (sc_dyadic){1, -1000};
        }
        int rc_ref = -1;
        size_t bad_ref = 0;
        sc_dyadic *first = NULL;
        for (unsigned th = 1; th <= 3; th++)
            for (int m = 0; m <= 2; m++) {
                size_t bad = SIZE_MAX;
                int rc = sc_scan_dsum(m, x, T, out, scratch, cap, th, NULL, &bad);
                if (rc_ref < 0) {
                    rc_ref = rc;
                    bad_ref = bad;
                    if (!rc) {
                        first = xmalloc(T * sizeof *first);
                        memcpy(first, out, T * sizeof *out);
                    }
                }
                ck_assert_int_eq(rc, rc_ref);
                if (rc)
                    ck_assert_uint_eq(bad, bad_ref);
                else
                    ck_assert(!memcmp(out, first, T * sizeof *out));
            }
        if (rc_ref == 0) {
            ok_runs++;
            mpq_set_ui(acc, 0, 1);
            int ok = 1;
            for (size_t t = 0; t < T; t++) {
                dy_q(v, x[t]);
                mpq_add(acc, acc, v);
                dy_q(v, first[t]);
                ok &= mpq_equal(acc, v) != 0;
                ok &= first[t].m ? (first[t].m & 1) : first[t].e == 0;
            }
            ck_assert(ok);
        } else {
            ck_assert_int_eq(rc_ref, SC_SCAN_EOVERFLOW);
            if (rep % 50 != 1) { /* a prefix sum whose mantissa needs more than 64 bits */
                mpq_set_ui(acc, 0, 1);
                int ok = 1;
                for (size_t t = 0; t <= bad_ref; t++) {
                    dy_q(v, x[t]);
                    mpq_add(acc, acc, v);
                    ok &= dy_fits(acc) == (t < bad_ref);
                }
                ck_assert_msg(ok, "dyadic overflow reported at %zu is not the first", bad_ref);
            }
        }
        free(first);
    }
    ck_assert_int_gt(ok_runs, 150);
    sc_dyadic d;
    ck_assert_int_eq(sc_dyadic_norm(12, 3, &d), 0);
    ck_assert(d.m == 3 && d.e == 5);
    ck_assert_int_eq(sc_dyadic_norm(0, 7, &d), 0);
    ck_assert(d.m == 0 && d.e == 0);
    ck_assert_int_eq(sc_dyadic_norm(2, INT32_MAX, &d), SC_SCAN_EOVERFLOW);
    /* M = 2^63-1 four times: 2M = M*2^1 still fits, 3M's mantissa leaves int64 */
    for (size_t t = 0; t < 4; t++)
        x[t] = (sc_dyadic){INT64_MAX, 0};
    size_t bad = 0;
    ck_assert_int_eq(sc_scan_dsum(SC_SCAN_BLELLOCH, x, 4, out, scratch, cap, 2, NULL, &bad),
                     SC_SCAN_EOVERFLOW);
    ck_assert_uint_eq(bad, 2);
    mpq_clears(acc, v, NULL);
    free(scratch), free(x), free(out);
}
END_TEST

START_TEST(test_errors)
{
    sc_testbed *tb = build("D8");
    const sc_automaton *a = tb->automaton;
    int32_t w[6] = {0, 1, 1, 0, 2, 1};
    sc_state P[6 * 8];
    unsigned char scratch[4096];
    size_t bad = 0, need;
    for (int m = 0; m <= 2; m++) {
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, sizeof scratch, 1,
                                    NULL, &bad), SC_SCAN_ESYMBOL);
        ck_assert_uint_eq(bad, 4);
        w[4] = -1;
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, sizeof scratch, 1,
                                    NULL, &bad), SC_SCAN_ESYMBOL);
        w[4] = 1;
        ck_assert_int_eq(sc_scan_scratch_bytes(m, a->n * sizeof(sc_state), 6, 2, &need), 0);
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, need - 1, 2, NULL,
                                    &bad), SC_SCAN_EARG);
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, sizeof scratch, 0,
                                    NULL, &bad), SC_SCAN_EARG);
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, sizeof scratch,
                                    SC_SCAN_MAX_THREADS + 1, NULL, &bad), SC_SCAN_EARG);
        ck_assert_int_eq(sc_scan_tf(m, a->n, a->k, a->delta, w, 6, P, scratch, sizeof scratch, 2,
                                    NULL, &bad), 0);
        w[4] = 2;
    }
    ck_assert_int_eq(sc_scan_scratch_bytes(SC_SCAN_HILLIS_STEELE, SIZE_MAX / 2, 4, 1, &need),
                     SC_SCAN_EARG);
    ck_assert_int_eq(sc_scan_scratch_bytes((sc_scan_method)7, 8, 4, 1, &need), SC_SCAN_EARG);
    sc_scan_method m;
    ck_assert_int_eq(sc_scan_method_parse("blelloch", &m), 0);
    ck_assert_int_eq(m, SC_SCAN_BLELLOCH);
    ck_assert_int_eq(sc_scan_method_parse("hillis-steele", &m), 0);
    ck_assert_int_eq(m, SC_SCAN_HILLIS_STEELE);
    ck_assert_int_eq(sc_scan_method_parse("sequential", &m), 0);
    ck_assert_int_eq(m, SC_SCAN_SEQUENTIAL);
    ck_assert_int_eq(sc_scan_method_parse("kogge-stone", &m), SC_SCAN_EARG);
    ck_assert_str_eq(sc_scan_method_name(SC_SCAN_HILLIS_STEELE), "hillis-steele");
    ck_assert_uint_eq(sc_scan_clog2(0), 0);
    ck_assert_uint_eq(sc_scan_clog2(1), 0);
    ck_assert_uint_eq(sc_scan_clog2(2), 1);
    ck_assert_uint_eq(sc_scan_clog2(1000), 10);
    ck_assert_uint_eq(sc_scan_clog2(1024), 10);
    ck_assert_uint_eq(sc_scan_clog2(1025), 11);
    /* T = 0: nothing to do, zero rounds */
    sc_scan_stats st = {9, 9};
    ck_assert_int_eq(sc_scan_tf(SC_SCAN_BLELLOCH, a->n, a->k, a->delta, w, 0, P, scratch,
                                sizeof scratch, 3, &st, &bad), 0);
    ck_assert_uint_eq(st.rounds, 0);
    ck_assert_uint_eq(st.work, 0);
    sc_testbed_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("catalog");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_catalog, 0, (int)sc_catalog_size());
    suite_add_tcase(s, tc);
    tc = tcase_create("driver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_all_lengths);
    tcase_add_test(tc, test_long_threads);
    tcase_add_test(tc, test_matrix);
    tcase_add_test(tc, test_isum);
    tcase_add_test(tc, test_dsum);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
