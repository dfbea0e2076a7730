/* Check suite for src/rng.[ch] and src/gen.[ch]: exact uniformity of the Lemire draws, the
 * quantised Bernoulli/categorical tables, kernel labels == sc_run (the sequential
 * definition), fast path == per-row reference, shard/chunk/row independence, random lengths,
 * and the ABAB, Dyck and flip-flop-language samplers. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "automaton.h"
#include "catalog.h"
#include "gen.h"
#include "rng.h"
#include "simulate.h"

/* Check logs every passing assertion (a write per call): cheap wrappers for tight loops that
 * only call into Check when the condition fails. */
#define REQUIRE(c) do { if (!(c)) ck_assert_msg(0, "%s", #c); } while (0)
#define REQUIRE_EQ(a, b) do { if ((a) != (b)) ck_assert_int_eq((a), (b)); } while (0)
#define REQUIRE_UEQ(a, b) do { if ((a) != (b)) ck_assert_uint_eq((a), (b)); } while (0)

/* ---- testbeds built by hand (independent of the catalog) -------------------------------- */

static sc_automaton *mk(const char *name, uint32_t n, uint32_t k, uint32_t start)
{
    sc_error e;
    sc_automaton *a = sc_automaton_new(name, n, k, start, &e);
    ck_assert_msg(a != NULL, "%s", e.msg);
    return a;
}

static sc_automaton *mk_cyclic(uint32_t n, uint32_t k)
{
    sc_automaton *a = mk("cyclic", n, k, 0);
    for (uint32_t q = 0; q < n; q++)
        for (uint32_t s = 0; s < k; s++)
            sc_set_delta(a, q, s, (q + s) % n);
    return a;
}

/* S_m on arrangements in lexicographic order; 0 = id, 1 = left rotation, 2 = swap 0,1. */
static uint32_t perm_rank(const int *p, int m)
{
    uint32_t r = 0;
    for (int i = 0; i < m; i++) {
        int smaller = 0;
        for (int j = i + 1; j < m; j++)
            smaller += p[j] < p[i];
        r = r * (uint32_t)(m - i) + (uint32_t)smaller;
    }
    return r;
}
static void perm_unrank(uint32_t r, int m, int *p)
{
    int used[16] = {0}, fact[16];
    fact[0] = 1;
    for (int i = 1; i <= m; i++)
        fact[i] = fact[i - 1] * i;
    for (int i = 0; i < m; i++) {
        int d = (int)(r / (uint32_t)fact[m - 1 - i]);
        r %= (uint32_t)fact[m - 1 - i];
        for (int v = 0; v < m; v++)
            if (!used[v] && d-- == 0) {
                p[i] = v;
                used[v] = 1;
                break;
            }
    }
}
static sc_automaton *mk_symmetric(int m)
{
    uint32_t n = 1;
    for (int i = 2; i <= m; i++)
        n *= (uint32_t)i;
    sc_automaton *a = mk("symmetric", n, 3, 0);
    for (uint32_t q = 0; q < n; q++) {
        int p[16], r[16];
        perm_unrank(q, m, p);
        REQUIRE_UEQ(perm_rank(p, m), q);
        sc_set_delta(a, q, 0, q);
        for (int i = 0; i < m; i++)
            r[i] = p[(i + 1) % m];
        sc_set_delta(a, q, 1, perm_rank(r, m));
        memcpy(r, p, sizeof r);
        r[0] = p[1];
        r[1] = p[0];
        sc_set_delta(a, q, 2, perm_rank(r, m));
    }
    return a;
}

static sc_automaton *mk_random(uint32_t n, uint32_t k, uint64_t seed)
{
    sc_automaton *a = mk("random", n, k, (uint32_t)(seed % n));
    sc_rng r;
    sc_rng_init(&r, seed, 0, 0);
    for (uint32_t q = 0; q < n; q++)
        for (uint32_t s = 0; s < k; s++)
            sc_set_delta(a, q, s, (uint32_t)(sc_rng_next(&r) % n));
    return a;
}

static sc_automaton *mk_abab(void)
{
    static const int d[5][2] = {{4, 1}, {2, 4}, {4, 3}, {0, 4}, {4, 4}};
    sc_automaton *a = mk("abab", 5, 2, 3);
    for (uint32_t q = 0; q < 5; q++)
        for (uint32_t s = 0; s < 2; s++)
            sc_set_delta(a, q, s, (uint32_t)d[q][s]);
    return a;
}

/* Bounded Dyck(tau, D): a stack is coded base tau+1 (digit type+1, top = least significant);
 * codes are renumbered densely in a scrambled order, plus a reject state. */
static sc_automaton *mk_dyck(uint32_t tau, uint32_t D, uint32_t *reject_out)
{
    uint32_t B = tau + 1, ncodes = 1;
    for (uint32_t i = 0; i < D; i++)
        ncodes *= B;
    uint32_t *id = malloc(ncodes * sizeof *id), n = 0;
    uint32_t *code_of = malloc(ncodes * sizeof *code_of);
    for (uint32_t c = 0; c < ncodes; c++) { /* valid codes: no zero digit below a nonzero */
        uint32_t x = c;
        int ok = 1;
        while (x) {
            if (x % B == 0)
                ok = 0;
            x /= B;
        }
        id[c] = ok ? n : UINT32_MAX;
        if (ok)
            code_of[n++] = c;
    }
    uint32_t states = n + 1, rej = n;
    /* scramble: state = (i * 7 + 3) mod states keeps it a bijection when gcd(7, states)=1 */
    ck_assert_uint_ne(states % 7, 0);
#define SC(i) ((uint32_t)(((uint64_t)(i) * 7 + 3) % states))
    sc_automaton *a = mk("dyck", states, 2 * tau, SC(id[0]));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = code_of[i], depth = 0, x = c;
        while (x) {
            depth++;
            x /= B;
        }
        for (uint32_t t = 0; t < tau; t++) {
            uint32_t open = depth < D ? SC(id[c * B + t + 1]) : SC(rej);
            uint32_t close = (depth > 0 && c % B == t + 1) ? SC(id[c / B]) : SC(rej);
            sc_set_delta(a, SC(i), t, open);
            sc_set_delta(a, SC(i), tau + t, close);
        }
    }
    for (uint32_t s = 0; s < 2 * tau; s++)
        sc_set_delta(a, SC(rej), s, SC(rej));
    *reject_out = SC(rej);
#undef SC
    free(id);
    free(code_of);
    return a;
}

static sc_sampler uniform_sampler(uint32_t k)
{
    sc_sampler s;
    memset(&s, 0, sizeof s);
    s.kind = SC_SAMPLE_IID;
    s.k = k;
    s.uniform = 1;
    return s;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void prep(sc_gen *g, const sc_automaton *a, const sc_sampler *s, int force, size_t T)
{
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_gen_init(g, a, s, force, T, &e);
    ck_assert_msg(rc == 0, "sc_gen_init: %s", e.msg);
}

/* Every row's labels equal sc_run of its inputs (over its length). */
static void check_against_run(const sc_automaton *a, const int32_t *in, const int32_t *lab,
                              const int32_t *len, size_t N, size_t T)
{
    int32_t *ref = malloc((T ? T : 1) * sizeof *ref);
    for (size_t j = 0; j < N; j++) {
        size_t L = len ? (size_t)len[j] : T;
        REQUIRE(L >= 1 && L <= T);
        size_t got = sc_run(a->n, a->k, a->delta, (sc_state)a->start, in + j * T, L, ref);
        REQUIRE_UEQ(got, L);
        ck_assert_msg(memcmp(ref, lab + j * T, L * sizeof *ref) == 0, "row %zu labels", j);
        for (size_t t = L; t < T; t++) {
            REQUIRE_EQ(in[j * T + t], -1);
            REQUIRE_EQ(lab[j * T + t], -1);
        }
    }
    free(ref);
}

typedef struct data {
    int32_t *in, *lab, *len;
} data;

static data fill(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride, size_t N,
                 int random_len, int reference)
{
    data d;
    size_t cells = N * g->T > 0 ? N * g->T : 1;
    d.in = malloc(cells * sizeof(int32_t));
    d.lab = malloc(cells * sizeof(int32_t));
    d.len = random_len ? malloc((N ? N : 1) * sizeof(int32_t)) : NULL;
    REQUIRE(d.in && d.lab);
    memset(d.in, 0x5A, cells * sizeof(int32_t)); /* poison: every cell must be written */
    memset(d.lab, 0x5A, cells * sizeof(int32_t));
    if (reference)
        sc_gen_fill_reference(g, seed, row0, stride, N, d.in, d.lab, d.len);
    else
        sc_gen_fill(g, seed, row0, stride, N, d.in, d.lab, d.len);
    return d;
}

static void drop(data *d)
{
    free(d->in);
    free(d->lab);
    free(d->len);
}

static double chi2(const uint64_t *count, const double *expect, uint32_t k)
{
    double c = 0;
    for (uint32_t i = 0; i < k; i++)
        c += (count[i] - expect[i]) * (count[i] - expect[i]) / expect[i];
    return c;
}
/* Loose acceptance bound for a chi-square statistic with df degrees of freedom (fixed seeds:
 * deterministic; ~6 sigma). */
static double chi2_bound(uint32_t df) { return df + 6 * sqrt(2.0 * df) + 10; }

/* ---- RNG ------------------------------------------------------------------------------------ */

START_TEST(rng_reference_values)
{
    /* SplitMix64 with state 0: the published first output is 0xE220A8397B1DCDAF. */
    sc_rng r = {0, 0, 0};
    REQUIRE_UEQ(sc_rng_next(&r), 0xE220A8397B1DCDAFull);
    REQUIRE_UEQ(sc_rng_next(&r), 0x6E789E6AA1B965F4ull);
    /* Row states: the documented formula, distinct over rows and streams. */
    uint64_t u = sc_mix64(42 + SC_RNG_GAMMA);
    REQUIRE_UEQ(sc_rng_row_state(42, 7, 1), sc_mix64(u + SC_RNG_GAMMA * 16));
    ck_assert_uint_ne(sc_rng_row_state(42, 7, 0), sc_rng_row_state(42, 7, 1));
    ck_assert_uint_ne(sc_rng_row_state(42, 7, 0), sc_rng_row_state(43, 7, 0));
    /* Chunks: low bits first, 4 x 16 or 2 x 32 per word, leftovers dropped on refill. */
    sc_rng a, b;
    sc_rng_init(&a, 1, 2, 0);
    b = a;
    uint64_t w = sc_rng_next(&b), w2 = sc_rng_next(&b);
    REQUIRE_UEQ(sc_rng_take(&a, 16), w & 0xFFFF);
    REQUIRE_UEQ(sc_rng_take(&a, 32), (w >> 16) & 0xFFFFFFFFu);
    REQUIRE_UEQ(sc_rng_take(&a, 32), w2 & 0xFFFFFFFFu); /* 16 bits left: refill */
}
END_TEST

/* For each 16-bit chunk x, feed exactly that chunk; the accepted chunks must hit every value
 * 0..k-1 equally often (exactness of Lemire's method, by enumeration). */
START_TEST(rng_uniform_exact_16)
{
    static const uint32_t ks[] = {1, 2, 3, 5, 6, 7, 10, 100, 120, 192, 200, 255, 256};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        uint32_t k = ks[i];
        uint64_t count[256] = {0}, rejected = 0;
        for (uint32_t x = 0; x < 65536; x++) {
            sc_rng r = {12345, x, 16};
            uint32_t v = sc_rng_uniform(&r, k);
            REQUIRE(v < k);
            if (r.state == 12345)
                count[v]++;
            else
                rejected++;
        }
        REQUIRE_UEQ(rejected, 65536u % k);
        for (uint32_t v = 0; v < k; v++)
            REQUIRE_UEQ(count[v], 65536u / k);
    }
}
END_TEST

START_TEST(rng_uniform_frequencies)
{
    static const uint32_t ks[] = {2, 3, 5, 120, 257, 1000, 65535};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        uint32_t k = ks[i];
        uint64_t *count = calloc(k, sizeof *count);
        double *expect = malloc(k * sizeof *expect);
        uint64_t N = k > 1000 ? 20ull * k : 200000;
        sc_rng r;
        sc_rng_init(&r, 99, i, 0);
        for (uint64_t j = 0; j < N; j++) {
            uint32_t v = sc_rng_uniform(&r, k);
            REQUIRE(v < k);
            count[v]++;
        }
        for (uint32_t v = 0; v < k; v++)
            expect[v] = (double)N / k;
        double c = chi2(count, expect, k);
        ck_assert_msg(c < chi2_bound(k - 1), "k=%u chi2=%g", k, c);
        free(count);
        free(expect);
    }
}
END_TEST

START_TEST(rng_quantised_tables)
{
    REQUIRE_UEQ(sc_rng_quantize(0.5), 1ull << 31);
    REQUIRE_UEQ(sc_rng_quantize(1.0), 1ull << 32);
    REQUIRE_UEQ(sc_rng_quantize(0.0), 0);
    REQUIRE_UEQ(sc_rng_quantize(-1.0), 0);
    REQUIRE_UEQ(sc_rng_quantize(NAN), 0);
    REQUIRE_UEQ(sc_rng_quantize(0.1), 429496730); /* 429496729.6 rounded */
    uint64_t cum[4];
    double w[4] = {1, 0, 2, 1};
    REQUIRE_EQ(sc_rng_categorical_table(w, 4, cum), 0);
    REQUIRE_UEQ(cum[0], 1ull << 30);
    REQUIRE_UEQ(cum[1], 1ull << 30);
    REQUIRE_UEQ(cum[2], 3ull << 30);
    REQUIRE_UEQ(cum[3], 1ull << 32);
    double bad[2] = {0, 0}, neg[2] = {1, -1}, inf[2] = {1, INFINITY};
    REQUIRE_EQ(sc_rng_categorical_table(bad, 2, cum), -1);
    REQUIRE_EQ(sc_rng_categorical_table(neg, 2, cum), -1);
    REQUIRE_EQ(sc_rng_categorical_table(inf, 2, cum), -1);
    /* categorical follows the thresholds exactly */
    for (uint64_t x = 0; x < (1ull << 32); x += 0x01000001ull) {
        sc_rng r = {0, x, 32};
        uint32_t v = sc_rng_categorical(&r, cum, 4);
        uint32_t want = x < cum[0] ? 0 : x < cum[2] ? 2 : 3;
        REQUIRE_UEQ(v, want);
    }
    /* frequencies */
    uint64_t count[4] = {0};
    double expect[4];
    sc_rng r;
    sc_rng_init(&r, 5, 0, 0);
    for (int j = 0; j < 400000; j++)
        count[sc_rng_categorical(&r, cum, 4)]++;
    REQUIRE_UEQ(count[1], 0);
    expect[0] = 100000, expect[2] = 200000, expect[3] = 100000;
    uint64_t c3[3] = {count[0], count[2], count[3]};
    double e3[3] = {expect[0], expect[2], expect[3]};
    REQUIRE(chi2(c3, e3, 3) < chi2_bound(2));
    /* Bernoulli(0.1) */
    uint64_t P = sc_rng_quantize(0.1), ones = 0;
    for (int j = 0; j < 1000000; j++)
        ones += (uint64_t)sc_rng_bernoulli(&r, P);
    REQUIRE(fabs((double)ones - 100000) < 6 * sqrt(90000));
}
END_TEST

/* ---- kernel vs the sequential definition -------------------------------------------------- */

static void kernel_matches_run(sc_automaton *a, const sc_sampler *s, int force)
{
    static const size_t Ts[] = {1, 2, 3, 4, 5, 7, 8, 64, 100, 257};
    for (size_t i = 0; i < sizeof Ts / sizeof Ts[0]; i++)
        for (int rl = 0; rl < 2; rl++) {
            sc_gen g;
            prep(&g, a, s, force, Ts[i]);
            size_t N = 37; /* not a multiple of the lane count */
            data d = fill(&g, 1000 + i, 0, 1, N, rl, 0);
            check_against_run(a, d.in, d.lab, d.len, N, Ts[i]);
            data r = fill(&g, 1000 + i, 0, 1, N, rl, 1);
            REQUIRE(memcmp(d.in, r.in, N * Ts[i] * 4) == 0);
            REQUIRE(memcmp(d.lab, r.lab, N * Ts[i] * 4) == 0);
            if (rl)
                REQUIRE(memcmp(d.len, r.len, N * 4) == 0);
            drop(&d);
            drop(&r);
            sc_gen_free(&g);
        }
}

START_TEST(kernel_labels_equal_run)
{
    sc_sampler u2 = uniform_sampler(2), u3 = uniform_sampler(3), u5 = uniform_sampler(5);
    sc_automaton *par = mk_cyclic(2, 2), *c5 = mk_cyclic(5, 5), *s3 = mk_symmetric(3),
                 *s5 = mk_symmetric(5), *ab = mk_abab();
    kernel_matches_run(par, &u2, 0);
    kernel_matches_run(c5, &u5, 0);
    kernel_matches_run(s3, &u3, 0);
    kernel_matches_run(s5, &u3, 0);
    kernel_matches_run(ab, &u2, 0);
    /* random automata: k in the hot path (<= 256, with rejections) and the 32-bit path */
    static const uint32_t ns[] = {1, 7, 50, 300, 1000}, ks[] = {1, 3, 200, 255, 256, 257, 600};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 7; j++) {
            sc_automaton *a = mk_random(ns[i], ks[j], i * 10 + j);
            sc_sampler u = uniform_sampler(ks[j]);
            kernel_matches_run(a, &u, 0);
            sc_automaton_free(a);
        }
    /* k = 3 and 5 reject one 16-bit chunk in 65536: a million tokens per case exercises the
     * replay of rejected blocks in the fast path (about 16 rejections each). */
    for (uint32_t k = 3; k <= 5; k += 2) {
        sc_automaton *a = mk_random(120, k, k);
        sc_sampler u = uniform_sampler(k);
        sc_gen g;
        prep(&g, a, &u, 0, 256);
        data d = fill(&g, 31, 0, 1, 4096, 0, 0), r = fill(&g, 31, 0, 1, 4096, 0, 1);
        ck_assert(memcmp(d.in, r.in, 4096 * 256 * 4) == 0);
        ck_assert(memcmp(d.lab, r.lab, 4096 * 256 * 4) == 0);
        check_against_run(a, d.in, d.lab, NULL, 4096, 256);
        drop(&d);
        drop(&r);
        sc_gen_free(&g);
        sc_automaton_free(a);
    }
    /* weights */
    double w[2] = {0.2, 0.8};
    sc_sampler ws = uniform_sampler(2);
    ws.uniform = 0;
    ws.weights = w;
    kernel_matches_run(par, &ws, 0);
    kernel_matches_run(par, &ws, 1); /* --sampling uniform */
    sc_automaton_free(par);
    sc_automaton_free(c5);
    sc_automaton_free(s3);
    sc_automaton_free(s5);
    sc_automaton_free(ab);
}
END_TEST

START_TEST(kernel_catalog_testbeds)
{
    /* Every catalog testbed that exists when this runs (the catalog may still be growing). */
    static const char *specs[] = {"parity", "C2", "C3", "C2^3", "D6", "D8", "Q8", "A5", "S5",
                                  "Grid9", "Dyck", "T5", "abab", "memory", "flipflop:n=3",
                                  "adder:addends=2", "permutation_reset:n=3,generators=2"};
    int built = 0;
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        sc_error e;
        sc_testbed *tb = sc_catalog_build(specs[i], &e);
        if (!tb)
            continue;
        built++;
        kernel_matches_run(tb->automaton, &tb->sampler, 0);
        kernel_matches_run(tb->automaton, &tb->sampler, 1);
        sc_testbed_free(tb);
    }
    if (sc_catalog_size() > 0) /* once the catalog exists, most of these must build */
        ck_assert_int_ge(built, 12);
}
END_TEST

/* ---- independence of rows ------------------------------------------------------------------ */

START_TEST(shards_and_chunks_interleave)
{
    sc_automaton *s5 = mk_symmetric(5), *rnd = mk_random(40, 300, 3);
    sc_sampler u3 = uniform_sampler(3), u300 = uniform_sampler(300);
    sc_automaton *as[2] = {s5, rnd};
    sc_sampler *ss[2] = {&u3, &u300};
    for (int which = 0; which < 2; which++)
        for (int rl = 0; rl < 2; rl++) {
            sc_gen g;
            size_t T = 33, N = 101;
            prep(&g, as[which], ss[which], 0, T);
            data full = fill(&g, 7, 0, 1, N, rl, 0);
            for (uint64_t k = 1; k <= 5; k++)
                for (uint64_t i = 0; i < k; i++) {
                    size_t Ns = (N - i + k - 1) / k;
                    data sh = fill(&g, 7, i, k, Ns, rl, 0);
                    for (size_t j = 0; j < Ns; j++) {
                        size_t row = i + j * k;
                        REQUIRE(memcmp(sh.in + j * T, full.in + row * T, T * 4) == 0);
                        REQUIRE(memcmp(sh.lab + j * T, full.lab + row * T, T * 4) == 0);
                        if (rl)
                            REQUIRE_EQ(sh.len[j], full.len[row]);
                    }
                    drop(&sh);
                }
            /* chunks at odd offsets */
            for (size_t r0 = 0; r0 < N; r0 += 13) {
                size_t n = N - r0 < 13 ? N - r0 : 13;
                data ch = fill(&g, 7, r0, 1, n, rl, 0);
                REQUIRE(memcmp(ch.in, full.in + r0 * T, n * T * 4) == 0);
                REQUIRE(memcmp(ch.lab, full.lab + r0 * T, n * T * 4) == 0);
                drop(&ch);
            }
            /* another seed differs */
            data other = fill(&g, 8, 0, 1, N, rl, 0);
            REQUIRE(memcmp(other.in, full.in, N * T * 4) != 0);
            drop(&other);
            drop(&full);
            sc_gen_free(&g);
        }
    sc_automaton_free(s5);
    sc_automaton_free(rnd);
}
END_TEST

START_TEST(random_length_is_prefix)
{
    sc_automaton *s5 = mk_symmetric(5);
    sc_sampler u3 = uniform_sampler(3);
    sc_gen g;
    size_t T = 50, N = 4000;
    prep(&g, s5, &u3, 0, T);
    data fixed = fill(&g, 11, 0, 1, N, 0, 0);
    data var = fill(&g, 11, 0, 1, N, 1, 0);
    uint64_t count[50] = {0};
    double expect[50];
    for (size_t j = 0; j < N; j++) {
        int32_t L = var.len[j];
        REQUIRE(L >= 1 && L <= (int32_t)T);
        count[L - 1]++;
        REQUIRE(memcmp(var.in + j * T, fixed.in + j * T, (size_t)L * 4) == 0);
        REQUIRE(memcmp(var.lab + j * T, fixed.lab + j * T, (size_t)L * 4) == 0);
    }
    check_against_run(s5, var.in, var.lab, var.len, N, T);
    for (size_t i = 0; i < T; i++)
        expect[i] = (double)N / T;
    REQUIRE(chi2(count, expect, (uint32_t)T) < chi2_bound((uint32_t)T - 1));
    drop(&fixed);
    drop(&var);
    sc_gen_free(&g);
    sc_automaton_free(s5);
}
END_TEST

/* ---- sampler properties -------------------------------------------------------------------- */

START_TEST(uniform_sampler_symbol_frequencies)
{
    sc_automaton *s5 = mk_symmetric(5);
    sc_sampler u3 = uniform_sampler(3);
    sc_gen g;
    size_t T = 100, N = 3000;
    prep(&g, s5, &u3, 0, T);
    data d = fill(&g, 2024, 0, 1, N, 0, 0);
    uint64_t count[3] = {0}, pos[3] = {0}; /* also per position t = 0 */
    for (size_t i = 0; i < N * T; i++)
        count[d.in[i]]++;
    for (size_t j = 0; j < N; j++)
        pos[d.in[j * T]]++;
    double e[3] = {N * T / 3.0, N * T / 3.0, N * T / 3.0}, e0[3] = {N / 3.0, N / 3.0, N / 3.0};
    REQUIRE(chi2(count, e, 3) < chi2_bound(2));
    REQUIRE(chi2(pos, e0, 3) < chi2_bound(2));
    /* S5 is a group generated by the symbols: by T=100 the state is close to uniform on 120 */
    uint64_t st[120] = {0};
    double es[120];
    for (size_t j = 0; j < N; j++)
        st[d.lab[j * T + T - 1]]++;
    for (int i = 0; i < 120; i++)
        es[i] = N / 120.0;
    REQUIRE(chi2(st, es, 120) < chi2_bound(119));
    drop(&d);
    sc_gen_free(&g);
    sc_automaton_free(s5);
}
END_TEST

START_TEST(weighted_sampler_frequencies)
{
    sc_automaton *a = mk_cyclic(4, 4);
    double w[4] = {0.1, 0.2, 0.3, 0.4};
    sc_sampler s = uniform_sampler(4);
    s.uniform = 0;
    s.weights = w;
    sc_gen g;
    size_t T = 10, N = 20000;
    prep(&g, a, &s, 0, T);
    data d = fill(&g, 3, 0, 1, N, 0, 0);
    uint64_t count[4] = {0};
    double e[4];
    for (size_t i = 0; i < N * T; i++)
        count[d.in[i]]++;
    for (int i = 0; i < 4; i++)
        e[i] = w[i] * N * T;
    REQUIRE(chi2(count, e, 4) < chi2_bound(3));
    drop(&d);
    sc_gen_free(&g);
    /* --sampling uniform overrides the weights */
    prep(&g, a, &s, 1, T);
    d = fill(&g, 3, 0, 1, N, 0, 0);
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < N * T; i++)
        count[d.in[i]]++;
    for (int i = 0; i < 4; i++)
        e[i] = N * T / 4.0;
    REQUIRE(chi2(count, e, 4) < chi2_bound(3));
    drop(&d);
    sc_gen_free(&g);
    sc_automaton_free(a);
}
END_TEST

START_TEST(abab_sampler)
{
    sc_automaton *a = mk_abab();
    double w[2] = {0.5, 0.5};
    sc_sampler s = uniform_sampler(2);
    s.kind = SC_SAMPLE_ABAB;
    s.uniform = 0;
    s.weights = w;
    s.pattern_prob = 0.25;
    sc_gen g;
    size_t T = 24, N = 20000, pattern = 0, absorbed = 0;
    prep(&g, a, &s, 0, T);
    data d = fill(&g, 77, 0, 1, N, 0, 0);
    check_against_run(a, d.in, d.lab, NULL, N, T);
    for (size_t j = 0; j < N; j++) {
        int is = 1;
        for (size_t t = 0; t < T; t++)
            is &= d.in[j * T + t] == (int32_t)(t & 1);
        pattern += (size_t)is;
        if (is) /* the pattern never reaches the absorbing state 4 */
            for (size_t t = 0; t < T; t++)
                ck_assert_int_ne(d.lab[j * T + t], 4);
        absorbed += d.lab[j * T + T - 1] == 4;
    }
    /* P(pattern row) = 0.25 + 0.75 * 2^-24 */
    ck_assert_msg(fabs((double)pattern - 0.25 * N) < 6 * sqrt(N * 0.25 * 0.75), "%zu", pattern);
    REQUIRE_UEQ(pattern + absorbed, N); /* random rows reach 4 w.p. 1 - O(2^-T/2) */
    drop(&d);
    sc_gen_free(&g);
    sc_automaton_free(a);
}
END_TEST

START_TEST(dyck_sampler)
{
    uint32_t rej;
    sc_automaton *a = mk_dyck(2, 4, &rej);
    sc_sampler s = uniform_sampler(4);
    s.kind = SC_SAMPLE_DYCK;
    s.uniform = 0;
    s.dyck_types = 2;
    s.dyck_depth = 4;
    size_t T = 100, N = 5000;
    sc_gen g;
    prep(&g, a, &s, 0, T);
    data d = fill(&g, 5, 0, 1, N, 0, 0);
    check_against_run(a, d.in, d.lab, NULL, N, T);
    size_t rejected_rows = 0, valid_positions = 0, depth_seen[5] = {0};
    for (size_t j = 0; j < N; j++) {
        /* shadow stack: the labels must agree with it until the first invalid symbol */
        int stack[8], sp = 0, dead = 0;
        for (size_t t = 0; t < T; t++) {
            int x = d.in[j * T + t];
            if (!dead) {
                if (x < 2) {
                    if (sp == 4) dead = 1; else stack[sp++] = x;
                } else if (sp > 0 && stack[sp - 1] == x - 2) {
                    sp--;
                } else {
                    dead = 1;
                }
            }
            REQUIRE_EQ(d.lab[j * T + t] == (int32_t)rej, dead);
            if (!dead) {
                valid_positions++;
                depth_seen[sp]++;
            }
        }
        rejected_rows += (size_t)dead;
    }
    /* about 1 - e^(-2/3 * 1/3 ...) of the rows reject; most prefixes are valid */
    ck_assert_msg(rejected_rows > N / 10 && rejected_rows < N * 7 / 10, "%zu", rejected_rows);
    ck_assert_msg(valid_positions > N * T * 6 / 10, "%zu", valid_positions);
    for (int i = 0; i <= 4; i++)
        ck_assert_uint_gt(depth_seen[i], N);
    drop(&d);
    sc_gen_free(&g);
    /* random lengths and the reference path */
    prep(&g, a, &s, 0, 17);
    d = fill(&g, 5, 3, 2, 100, 1, 0);
    data r = fill(&g, 5, 3, 2, 100, 1, 1);
    check_against_run(a, d.in, d.lab, d.len, 100, 17);
    REQUIRE(memcmp(d.in, r.in, 100 * 17 * 4) == 0);
    drop(&d);
    drop(&r);
    sc_gen_free(&g);
    /* a non-Dyck automaton with a Dyck sampler is rejected */
    sc_automaton *c = mk_cyclic(5, 4);
    sc_error e;
    REQUIRE_EQ(sc_gen_init(&g, c, &s, 0, 10, &e), SC_EXIT_REJECTED);
    REQUIRE_EQ(sc_gen_init(&g, c, &s, 1, 10, &e), 0); /* uniform: fine */
    sc_gen_free(&g);
    s.dyck_depth = 3; /* wrong depth */
    REQUIRE_EQ(sc_gen_init(&g, a, &s, 0, 10, &e), SC_EXIT_REJECTED);
    sc_automaton_free(c);
    sc_automaton_free(a);
}
END_TEST

/* ---- flip-flop language -------------------------------------------------------------------- */

static void check_ffl_rows(const int32_t *in, const int32_t *lab, size_t N, size_t T,
                           uint64_t *ins_count)
{
    for (size_t j = 0; j < N; j++) {
        const int32_t *x = in + j * T, *y = lab + j * T;
        REQUIRE_EQ(x[0], SC_FFL_W);
        REQUIRE_EQ(x[T - 2], SC_FFL_R);
        int mem = -1;
        for (size_t p = 0; p < T / 2; p++) {
            int ins = x[2 * p], bit = x[2 * p + 1] - SC_FFL_0;
            REQUIRE(ins >= 0 && ins <= 2);
            REQUIRE(bit == 0 || bit == 1);
            REQUIRE_EQ(y[2 * p], -1);
            if (ins == SC_FFL_W)
                mem = bit;
            if (ins == SC_FFL_R) {
                REQUIRE_EQ(bit, mem);
                REQUIRE_EQ(y[2 * p + 1], mem);
            } else {
                REQUIRE_EQ(y[2 * p + 1], -1);
            }
            if (p > 0 && p + 1 < T / 2)
                ins_count[ins]++;
        }
    }
}

START_TEST(ffl_language)
{
    static const double pis[] = {0.8, 0.98, 0.1};
    for (int c = 0; c < 3; c++) {
        double pi = pis[c], pw = (1 - pi) / 2;
        sc_ffl f;
        sc_error e;
        size_t T = 512, N = 500;
        REQUIRE_EQ(sc_ffl_init(&f, T, pw, pw, pi, &e), 0);
        int32_t *in = malloc(N * T * 4), *lab = malloc(N * T * 4);
        sc_ffl_fill(&f, 1, 0, 1, N, in, lab);
        uint64_t cnt[3] = {0};
        check_ffl_rows(in, lab, N, T, cnt);
        double tot = (double)(cnt[0] + cnt[1] + cnt[2]);
        double e3[3] = {pw * tot, pw * tot, pi * tot};
        ck_assert_msg(chi2(cnt, e3, 3) < chi2_bound(2), "p_i=%g", pi);
        /* bits after w are uniform */
        uint64_t bits[2] = {0};
        for (size_t i = 0; i < N * T; i += 2)
            if (in[i] == SC_FFL_W)
                bits[in[i + 1] - SC_FFL_0]++;
        double tb = (double)(bits[0] + bits[1]), e2[2] = {tb / 2, tb / 2};
        REQUIRE(chi2(bits, e2, 2) < chi2_bound(1));
        /* shards interleave */
        int32_t *in2 = malloc(N * T * 4), *lab2 = malloc(N * T * 4);
        sc_ffl_fill(&f, 1, 2, 3, (N - 2 + 2) / 3, in2, lab2);
        for (size_t j = 0; j < (N - 2 + 2) / 3; j++) {
            REQUIRE(memcmp(in2 + j * T, in + (2 + 3 * j) * T, T * 4) == 0);
            REQUIRE(memcmp(lab2 + j * T, lab + (2 + 3 * j) * T, T * 4) == 0);
        }
        free(in);
        free(lab);
        free(in2);
        free(lab2);
    }
    /* the smallest language: w b r b */
    sc_ffl f;
    sc_error e;
    REQUIRE_EQ(sc_ffl_init(&f, 4, 0.1, 0.1, 0.8, &e), 0);
    int32_t in[4 * 64], lab[4 * 64];
    sc_ffl_fill(&f, 9, 0, 1, 64, in, lab);
    uint64_t cnt[3] = {0};
    check_ffl_rows(in, lab, 64, 4, cnt);
    REQUIRE_EQ(sc_ffl_init(&f, 5, 0.1, 0.1, 0.8, &e), SC_EXIT_USAGE);
    REQUIRE_EQ(sc_ffl_init(&f, 2, 0.1, 0.1, 0.8, &e), SC_EXIT_USAGE);
    REQUIRE_EQ(sc_ffl_init(&f, 8, 0, 0, 0, &e), SC_EXIT_REJECTED);
    REQUIRE_EQ(sc_ffl_init(&f, 8, -0.1, 0.3, 0.8, &e), SC_EXIT_REJECTED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rng_reference_values);
    tcase_add_test(tc, rng_uniform_exact_16);
    tcase_add_test(tc, rng_uniform_frequencies);
    tcase_add_test(tc, rng_quantised_tables);
    tcase_add_test(tc, kernel_labels_equal_run);
    tcase_add_test(tc, kernel_catalog_testbeds);
    tcase_add_test(tc, shards_and_chunks_interleave);
    tcase_add_test(tc, random_length_is_prefix);
    tcase_add_test(tc, uniform_sampler_symbol_frequencies);
    tcase_add_test(tc, weighted_sampler_frequencies);
    tcase_add_test(tc, abab_sampler);
    tcase_add_test(tc, dyck_sampler);
    tcase_add_test(tc, ffl_language);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
