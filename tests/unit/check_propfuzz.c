/* Check suite for src/propfuzz.[ch]: the seeded batch generator (fixed first shapes, bounds,
 * determinism, edge-case rows), the candidate generators (exact lists, distinctness, caps),
 * the per-row automaton certificate, and the shrinker driven by simulated implementations
 * (length-dependent, contiguous and scattered token patterns, causal failures, batch-dependent,
 * flaky, failing runs, the run cap) with exact minimal results. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "propfuzz.h"
#include "rng.h"
#include "simulate.h"

#define REQUIRE(c) do { if (!(c)) ck_assert_msg(0, "%s", #c); } while (0)
#define REQUIRE_EQ(a, b) do { if ((a) != (b)) ck_assert_int_eq((a), (b)); } while (0)

static sc_testbed *testbed(const char *spec)
{
    sc_error e;
    sc_testbed *tb = sc_catalog_build(spec, &e);
    ck_assert_msg(tb != NULL, "%s", e.msg);
    return tb;
}

/* ------------------------------------------------------------------ generation */

START_TEST(shapes_fixed_then_bounded)
{
    size_t r, T;
    sc_pf_shape(7, 0, 32, 64, &r, &T);
    REQUIRE(r == 32 && T == 64);
    sc_pf_shape(7, 1, 32, 64, &r, &T);
    REQUIRE(r == 32 && T == 1);
    sc_pf_shape(7, 2, 32, 64, &r, &T);
    REQUIRE(r == 1 && T == 64);
    int seen_len[65] = {0}, seen_rows[33] = {0};
    for (uint64_t it = 3; it < 3000; it++) {
        sc_pf_shape(7, it, 32, 64, &r, &T);
        REQUIRE(r >= 1 && r <= 32 && T >= 1 && T <= 64);
        seen_len[T]++, seen_rows[r]++;
        size_t r2, T2;
        sc_pf_shape(7, it, 32, 64, &r2, &T2);
        REQUIRE(r2 == r && T2 == T);
    }
    for (size_t t = 1; t <= 64; t++) /* every length occurs; short ones and max_len often */
        REQUIRE(seen_len[t] > 0);
    for (size_t i = 1; i <= 32; i++)
        REQUIRE(seen_rows[i] > 0);
    REQUIRE(seen_len[64] > 3000 / 4 - 100 && seen_len[3] > seen_len[30]);
    for (uint64_t it = 0; it < 50; it++) { /* degenerate bounds */
        sc_pf_shape(1, it, 1, 1, &r, &T);
        REQUIRE(r == 1 && T == 1);
    }
    REQUIRE(sc_pf_iter_seed(1, 2) != sc_pf_iter_seed(2, 2) &&
            sc_pf_iter_seed(1, 2) != sc_pf_iter_seed(1, 3));
}
END_TEST

static int row_kind(const int32_t *w, size_t T) /* 1 constant, 2 alternating, 0 other */
{
    int cst = 1, alt = T >= 3 && w[0] != w[1];
    for (size_t t = 1; t < T; t++)
        cst &= w[t] == w[0];
    for (size_t t = 2; t < T; t++)
        alt &= w[t] == w[t - 2];
    return cst ? 1 : alt ? 2 : 0;
}

START_TEST(batches_deterministic_in_range_varied)
{
    sc_testbed *tb = testbed("FF2");
    sc_gen g;
    sc_error e;
    ck_assert_int_eq(sc_gen_init(&g, tb->automaton, &tb->sampler, 0, 40, &e), 0);
    uint32_t k = tb->automaton->k;
    int32_t x[16 * 40], y[16 * 40], z[16 * 40], scratch[80];
    int kinds[3] = {0}, sampler_rows = 0;
    for (uint64_t it = 0; it < 200; it++) {
        size_t rows, T;
        sc_pf_shape(11, it, 16, 40, &rows, &T);
        sc_pf_fill(&g, k, 11, it, rows, T, x, scratch);
        sc_pf_fill(&g, k, 11, it, rows, T, y, scratch);
        sc_pf_fill(&g, k, 12, it, rows, T, z, scratch);
        REQUIRE(!memcmp(x, y, rows * T * sizeof *x));
        if (rows * T > 8)
            REQUIRE(memcmp(x, z, rows * T * sizeof *x));
        for (size_t i = 0; i < rows * T; i++)
            REQUIRE(x[i] >= 0 && (uint32_t)x[i] < k);
        for (size_t r = 0; r < rows && T >= 4; r++) {
            kinds[row_kind(x + r * T, T)]++;
            /* a sampler row: the prefix of the sampler's own row (seed s_i, row r) */
            sc_gen_fill(&g, sc_pf_iter_seed(11, it), r, 1, 1, scratch, scratch + 40, NULL);
            sampler_rows += !memcmp(scratch, x + r * T, T * sizeof *x);
        }
    }
    REQUIRE(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
    REQUIRE(sampler_rows > kinds[0] / 3);
    /* without a sampler (models): uniform and edge rows over k symbols */
    int32_t big[4 * 300];
    int seen[5] = {0};
    for (uint64_t it = 0; it < 20; it++) {
        sc_pf_fill(NULL, 5, 3, it, 4, 300, big, NULL);
        for (size_t i = 0; i < 4 * 300; i++) {
            REQUIRE(big[i] >= 0 && big[i] < 5);
            seen[big[i]]++;
        }
    }
    for (int s = 0; s < 5; s++)
        REQUIRE(seen[s] > 0);
    sc_gen_free(&g);
    sc_testbed_free(tb);
}
END_TEST

START_TEST(check_states_first_mismatch)
{
    sc_testbed *tb = testbed("parity");
    int32_t w[6] = {1, 0, 1, 1, 0, 1}, lab[6];
    int64_t got[6] = {1, 1, 0, 1, 1, 0};
    sc_pf_row res;
    REQUIRE_EQ(sc_pf_check_states(tb->automaton, w, 6, got, lab, &res), SC_VERDICT_PASS);
    REQUIRE(res.pos == SC_PF_PASS);
    got[3] = 7, got[4] = 0;
    REQUIRE_EQ(sc_pf_check_states(tb->automaton, w, 6, got, lab, &res), SC_VERDICT_FAIL);
    REQUIRE(res.pos == 3 && res.expected == 1 && res.got_state == 7);
    sc_testbed_free(tb);
}
END_TEST

/* ------------------------------------------------------------------ candidates */

static int is_subsequence(const int32_t *a, size_t la, const int32_t *b, size_t lb)
{
    size_t i = 0;
    for (size_t j = 0; j < lb && i < la; j++)
        i += a[i] == b[j];
    return i == la;
}

START_TEST(shorter_candidates_exact)
{
    int32_t w[10], out[64 * 10];
    for (int i = 0; i < 10; i++)
        w[i] = i;
    size_t n = sc_pf_shorter(w, 10, 7, out, 64);
    REQUIRE_EQ(n, 4 + 6); /* substrings at 0..3, deletions of 3 tokens at 1..6 */
    for (size_t c = 0; c < n; c++) {
        REQUIRE(is_subsequence(out + c * 7, 7, w, 10));
        for (size_t d = 0; d < c; d++)
            REQUIRE(memcmp(out + c * 7, out + d * 7, 7 * sizeof *w));
    }
    REQUIRE(!memcmp(out, w, 7 * sizeof *w));               /* the prefix first */
    REQUIRE(!memcmp(out + 3 * 7, w + 3, 7 * sizeof *w));   /* the suffix */
    int32_t del1[7] = {0, 4, 5, 6, 7, 8, 9};
    REQUIRE(!memcmp(out + 4 * 7, del1, sizeof del1));
    /* single deletions: exactly L candidates, all distinct */
    REQUIRE_EQ(sc_pf_shorter(w, 10, 9, out, 64), 10);
    /* capped: spread, prefix and suffix kept */
    n = sc_pf_shorter(w, 10, 7, out, 4);
    REQUIRE_EQ(n, 4);
    REQUIRE(!memcmp(out, w, 7 * sizeof *w) && !memcmp(out + 7, w + 3, 7 * sizeof *w));
    /* duplicates removed; degenerate arguments */
    int32_t zero[10] = {0};
    REQUIRE_EQ(sc_pf_shorter(zero, 10, 4, out, 64), 1);
    REQUIRE_EQ(sc_pf_shorter(w, 10, 10, out, 64), 0);
    REQUIRE_EQ(sc_pf_shorter(w, 10, 0, out, 64), 0);
    REQUIRE_EQ(sc_pf_shorter(w, 10, 1, out, 64), 10); /* every single token */
}
END_TEST

START_TEST(smaller_candidates_exact)
{
    int32_t w[3] = {2, 0, 3}, out[64 * 3];
    size_t n = sc_pf_smaller(w, 3, out, 64);
    /* all zero; blocks of 2: {0,0,3} {2,0,0}; of 1: (0,0,3) (2,0,0) dup; halves {1,0,3}
       {2,0,1}; decrements {1,0,3} dup {2,0,2} */
    int32_t want[][3] = {{0, 0, 0}, {0, 0, 3}, {2, 0, 0}, {1, 0, 3}, {2, 0, 1}, {2, 0, 2}};
    REQUIRE_EQ(n, 6);
    for (size_t c = 0; c < n; c++)
        REQUIRE(!memcmp(out + c * 3, want[c], sizeof want[c]));
    int32_t zero[5] = {0};
    REQUIRE_EQ(sc_pf_smaller(zero, 5, out, 64), 0);
    int32_t one[1] = {1};
    REQUIRE_EQ(sc_pf_smaller(one, 1, out, 64), 1);
    REQUIRE_EQ(out[0], 0);
    int32_t big[40];
    for (int i = 0; i < 40; i++)
        big[i] = 1 + i % 4;
    int32_t many[16 * 40];
    n = sc_pf_smaller(big, 40, many, 16);
    REQUIRE_EQ(n, 16);
    for (size_t c = 0; c < n; c++)
        for (size_t t = 0; t < 40; t++)
            REQUIRE(many[c * 40 + t] <= big[t]);
}
END_TEST

/* ------------------------------------------------------------------ the shrinker */

/* A simulated implementation: the first failing position of row w of a batch of `rows`. */
typedef struct impl {
    size_t (*fn)(const struct impl *im, const int32_t *w, size_t L, size_t rows);
    int32_t pat[8];
    size_t plen, min_rows, calls, fail_calls;
    int flaky_after;   /* > 0: never fails from this call on */
    int broken_every;  /* > 0: every n-th run produces no output */
} impl;

static size_t f_long(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)im, (void)w, (void)rows;
    return L > 7 ? 0 : SC_PF_PASS;
}

static size_t f_two(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)im, (void)w, (void)rows;
    return L >= 2 ? 0 : SC_PF_PASS; /* like a causal mask off by one */
}

static size_t f_contig(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)rows;
    for (size_t t = 0; t + im->plen <= L; t++)
        if (!memcmp(w + t, im->pat, im->plen * sizeof *w))
            return t + im->plen - 1;
    return SC_PF_PASS;
}

static size_t f_subseq(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)rows;
    size_t i = 0;
    for (size_t t = 0; t < L; t++)
        if (w[t] == im->pat[i] && ++i == im->plen)
            return t;
    return SC_PF_PASS;
}

static size_t f_late3(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)im, (void)rows;
    for (size_t t = 5; t < L; t++)
        if (w[t] == 3)
            return t;
    return SC_PF_PASS;
}

static size_t f_batch(const impl *im, const int32_t *w, size_t L, size_t rows)
{
    (void)w, (void)L;
    return rows >= im->min_rows ? 0 : SC_PF_PASS;
}

/* Run the shrinker to the end against im; returns the number of runs. */
static size_t drive(sc_shrink *s, impl *im)
{
    const int32_t *x;
    size_t rows, T, fail[1024], runs = 0;
    while (sc_shrink_next(s, &x, &rows, &T)) {
        REQUIRE(rows >= 1 && rows <= 1024 && T >= 1);
        runs++;
        im->calls++;
        if (im->broken_every && im->calls % (size_t)im->broken_every == 0) {
            sc_shrink_feed(s, NULL);
            continue;
        }
        for (size_t r = 0; r < rows; r++) {
            fail[r] = im->flaky_after && im->calls >= (size_t)im->flaky_after
                          ? SC_PF_PASS : im->fn(im, x + r * T, T, rows);
            for (size_t t = 0; t < T; t++)
                REQUIRE(x[r * T + t] >= 0 && x[r * T + t] < (int32_t)s->k);
        }
        sc_shrink_feed(s, fail);
        REQUIRE(runs < 2000);
    }
    return runs;
}

static size_t g_maxc = 64; /* candidates per run in shrink_case */

/* Shrink a random failing batch (rows x T over k symbols; pattern planted in row r0). */
static void shrink_case(impl *im, uint64_t seed, size_t rows, size_t T, uint32_t k, int batched,
                        size_t max_runs, sc_shrink *s, size_t *runs)
{
    int32_t *x = malloc(rows * T * sizeof *x);
    size_t *fail = malloc(rows * sizeof *fail);
    sc_rng g;
    sc_rng_init(&g, seed, 0, 0);
    for (size_t i = 0; i < rows * T; i++)
        x[i] = (int32_t)sc_rng_uniform(&g, k);
    size_t r0 = rows / 2, at = T / 3;
    for (size_t j = 0; j < im->plen; j++) /* plant the pattern, spread for subsequences */
        x[r0 * T + at + j * (im->fn == f_subseq ? 3 : 1)] = im->pat[j];
    for (size_t r = 0; r < rows; r++)
        fail[r] = im->fn(im, x + r * T, T, rows);
    sc_error e;
    ck_assert_int_eq(sc_shrink_init(s, x, rows, T, fail, k, g_maxc, max_runs, batched, &e), 0);
    *runs = drive(s, im);
    free(x), free(fail);
}

START_TEST(shrink_length_dependent_to_eight_zeros)
{
    for (int batched = 1; batched >= 0; batched--) {
        impl im = {.fn = f_long};
        sc_shrink s;
        size_t runs;
        shrink_case(&im, 1, 12, 50, 2, batched, 200, &s, &runs);
        const int32_t *x;
        size_t rows, T;
        REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
        REQUIRE(rows == 1 && T == 8);
        for (size_t t = 0; t < 8; t++)
            REQUIRE_EQ(x[t], 0);
        REQUIRE(runs <= (batched ? 14u : 60u));
        sc_shrink_free(&s);
    }
}
END_TEST

START_TEST(shrink_few_runs_known_passes_skipped)
{
    /* (32, 4) batch: prefix of length 1 passes (1 run), lengths 3 and 2 fail (2), single
       tokens are known to pass (0 runs), [0, 0] fails (1), CONFIRM (1) */
    impl im = {.fn = f_two};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 2, 32, 4, 3, 1, 200, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(rows == 1 && T == 2 && x[0] == 0 && x[1] == 0);
    REQUIRE(runs <= 5 && s.skipped >= 1);
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_contiguous_pattern_exact)
{
    sc_rng g;
    sc_rng_init(&g, 99, 0, 0);
    for (int trial = 0; trial < 60; trial++) {
        impl im = {.fn = f_contig};
        im.plen = 1 + sc_rng_uniform(&g, 3);
        for (size_t j = 0; j < im.plen; j++)
            im.pat[j] = (int32_t)(1 + sc_rng_uniform(&g, 3));
        sc_shrink s;
        size_t runs;
        shrink_case(&im, (uint64_t)trial, 1 + trial % 9, 20 + (size_t)trial, 4, trial % 3 != 0,
                    200, &s, &runs);
        const int32_t *x;
        size_t rows, T;
        REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
        REQUIRE(rows == 1 && T == im.plen);
        REQUIRE(!memcmp(x, im.pat, im.plen * sizeof *x));
        REQUIRE_EQ(s.cur_fail[0], im.plen - 1);
        sc_shrink_free(&s);
    }
}
END_TEST

START_TEST(shrink_one_row_per_run)
{
    /* unbatched with the smallest batches (--rows 1): still exactly the pattern */
    impl im = {.fn = f_contig, .pat = {1, 2}, .plen = 2};
    sc_shrink s;
    size_t runs;
    g_maxc = 2;
    shrink_case(&im, 9, 1, 64, 3, 0, 200, &s, &runs);
    g_maxc = 64;
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(rows == 1 && T == 2 && x[0] == 1 && x[1] == 2);
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_scattered_pattern_exact)
{
    /* a subsequence pattern: only single-token deletions reach the minimum */
    impl im = {.fn = f_subseq, .pat = {2, 1, 2}, .plen = 3};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 5, 4, 40, 3, 1, 400, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(rows == 1 && T == 3 && x[0] == 2 && x[1] == 1 && x[2] == 2);
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_smallest_tokens)
{
    /* causal: token 3 at a position >= 5; the rest shrinks to zeros */
    impl im = {.fn = f_late3, .pat = {3}, .plen = 1};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 8, 6, 30, 4, 1, 200, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    int32_t want[6] = {0, 0, 0, 0, 0, 3};
    REQUIRE(rows == 1 && T == 6 && !memcmp(x, want, sizeof want));
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_batch_dependent_restarts_unbatched)
{
    /* fails only in batches of >= 4 rows: no single row reproduces, CONFIRM fails, the
       unbatched restart halves the rows 10 -> 5 and keeps them */
    impl im = {.fn = f_batch, .min_rows = 4};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 3, 10, 12, 3, 1, 200, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(rows == 5 && T == 12 && s.restarted);
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_flaky_and_broken_runs)
{
    impl im = {.fn = f_long, .flaky_after = 3};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 4, 3, 20, 2, 1, 200, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_FLAKY);
    REQUIRE(rows == 3 && T == 20); /* the original batch */
    sc_shrink_free(&s);
    /* every third run produces no output: still a minimal, confirmed case */
    impl im2 = {.fn = f_long, .broken_every = 3};
    shrink_case(&im2, 4, 3, 20, 2, 1, 200, &s, &runs);
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(rows == 1 && T >= 8 && T <= 20);
    sc_shrink_free(&s);
}
END_TEST

START_TEST(shrink_run_cap_and_bad_init)
{
    impl im = {.fn = f_long};
    sc_shrink s;
    size_t runs;
    shrink_case(&im, 6, 8, 64, 2, 1, 3, &s, &runs);
    const int32_t *x;
    size_t rows, T;
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(runs == 4 && rows == 1 && T < 64 && T >= 8); /* 3 runs, then CONFIRM */
    sc_shrink_free(&s);
    shrink_case(&im, 6, 8, 64, 2, 1, 0, &s, &runs); /* no shrinking at all: CONFIRM only */
    REQUIRE_EQ(sc_shrink_result(&s, &x, &rows, &T), SC_SHRINK_OK);
    REQUIRE(runs == 1 && rows == 1 && T == 64);
    sc_shrink_free(&s);
    int32_t w[4] = {0};
    size_t fail[2] = {SC_PF_PASS, SC_PF_PASS};
    sc_error e;
    REQUIRE_EQ(sc_shrink_init(&s, w, 2, 2, fail, 2, 64, 10, 1, &e), SC_EXIT_USAGE);
    fail[1] = 0;
    REQUIRE_EQ(sc_shrink_init(&s, w, 2, 2, fail, 2, 1, 10, 1, &e), SC_EXIT_USAGE);
    REQUIRE_EQ(sc_shrink_init(&s, w, 2, 2, fail, 2, 4, 10, 1, &e), 0);
    sc_shrink_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("propfuzz");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shapes_fixed_then_bounded);
    tcase_add_test(tc, batches_deterministic_in_range_varied);
    tcase_add_test(tc, check_states_first_mismatch);
    tcase_add_test(tc, shorter_candidates_exact);
    tcase_add_test(tc, smaller_candidates_exact);
    tcase_add_test(tc, shrink_length_dependent_to_eight_zeros);
    tcase_add_test(tc, shrink_few_runs_known_passes_skipped);
    tcase_add_test(tc, shrink_contiguous_pattern_exact);
    tcase_add_test(tc, shrink_one_row_per_run);
    tcase_add_test(tc, shrink_scattered_pattern_exact);
    tcase_add_test(tc, shrink_smallest_tokens);
    tcase_add_test(tc, shrink_batch_dependent_restarts_unbatched);
    tcase_add_test(tc, shrink_flaky_and_broken_runs);
    tcase_add_test(tc, shrink_run_cap_and_bad_init);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
