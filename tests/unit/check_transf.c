/* Check suite for the proved kernels: src/transf.c and src/simulate.c (exact values). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simulate.h"
#include "transf.h"

#define N_MAX 40

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t bound) /* xorshift64*, deterministic */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % bound;
}
static void random_tf(size_t n, sc_state *f)
{
    for (size_t x = 0; x < n; x++)
        f[x] = (sc_state)rnd((uint32_t)n);
}

START_TEST(compose_right_action)
{
    /* f = (0->1, 1->2, 2->0), g = (0->0, 1->0, 2->2): f*g = first f, then g. */
    const sc_state f[3] = {1, 2, 0}, g[3] = {0, 0, 2};
    sc_state fg[3], gf[3];
    tf_compose(3, f, g, fg);
    tf_compose(3, g, f, gf);
    /* x^(f*g) = g[f[x]]: 0->g[1]=0, 1->g[2]=2, 2->g[0]=0 */
    ck_assert_uint_eq(fg[0], 0);
    ck_assert_uint_eq(fg[1], 2);
    ck_assert_uint_eq(fg[2], 0);
    /* x^(g*f) = f[g[x]]: 0->f[0]=1, 1->f[0]=1, 2->f[2]=0 */
    ck_assert_uint_eq(gf[0], 1);
    ck_assert_uint_eq(gf[1], 1);
    ck_assert_uint_eq(gf[2], 0);
    /* in place: out may equal f */
    sc_state h[3] = {1, 2, 0};
    tf_compose(3, h, g, h);
    ck_assert_mem_eq(h, fg, sizeof fg);
}
END_TEST

START_TEST(identity_laws)
{
    sc_state id[N_MAX], f[N_MAX], r[N_MAX];
    for (size_t n = 1; n <= N_MAX; n++) {
        tf_identity(n, id);
        for (size_t x = 0; x < n; x++)
            ck_assert_uint_eq(id[x], x);
        ck_assert_int_eq(tf_is_valid(n, id), 1);
        random_tf(n, f);
        tf_compose(n, id, f, r);
        ck_assert_mem_eq(r, f, n * sizeof *f);
        tf_compose(n, f, id, r);
        ck_assert_mem_eq(r, f, n * sizeof *f);
    }
}
END_TEST

START_TEST(associativity)
{
    sc_state f[N_MAX], g[N_MAX], h[N_MAX], fg[N_MAX], gh[N_MAX], l[N_MAX], r[N_MAX];
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 1 + rnd(N_MAX);
        random_tf(n, f);
        random_tf(n, g);
        random_tf(n, h);
        tf_compose(n, f, g, fg);
        tf_compose(n, fg, h, l);
        tf_compose(n, g, h, gh);
        tf_compose(n, f, gh, r);
        ck_assert_mem_eq(l, r, n * sizeof *l);
        for (size_t x = 0; x < n; x++)
            ck_assert_uint_eq(l[x], h[g[f[x]]]);
    }
}
END_TEST

START_TEST(is_valid_rejects)
{
    const sc_state ok[4] = {3, 0, 1, 2}, bad_last[4] = {3, 0, 1, 4}, bad_first[4] = {9, 0, 1, 2};
    ck_assert_int_eq(tf_is_valid(4, ok), 1);
    ck_assert_int_eq(tf_is_valid(4, bad_last), 0);
    ck_assert_int_eq(tf_is_valid(4, bad_first), 0);
    ck_assert_int_eq(tf_is_valid(3, ok), 0);       /* 3 is not a state of {0,1,2} */
    ck_assert_int_eq(tf_is_valid(0, bad_first), 1); /* empty map */
    const sc_state big[2] = {65535, 0};
    ck_assert_int_eq(tf_is_valid(2, big), 0);
}
END_TEST

START_TEST(matrix_form)
{
    static uint32_t mf[N_MAX * N_MAX], mg[N_MAX * N_MAX], mfg[N_MAX * N_MAX],
        prod[N_MAX * N_MAX];
    sc_state f[N_MAX], g[N_MAX], fg[N_MAX];
    /* hand example: f = (0->1, 1->2, 2->0) */
    const sc_state f3[3] = {1, 2, 0};
    const uint32_t m3[9] = {0, 1, 0, 0, 0, 1, 1, 0, 0};
    tf_to_matrix(3, f3, mf);
    ck_assert_mem_eq(mf, m3, sizeof m3);
    ck_assert_int_eq(tf_matrix_agrees(3, f3, m3), 1);
    for (size_t n = 1; n <= N_MAX; n++) {
        for (int rep = 0; rep < 5; rep++) {
            random_tf(n, f);
            random_tf(n, g);
            tf_to_matrix(n, f, mf);
            ck_assert_int_eq(tf_matrix_agrees(n, f, mf), 1);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    ck_assert_uint_eq(mf[i * n + j], f[i] == j);
            tf_to_matrix(n, g, mg);
            tf_compose(n, f, g, fg);
            mat_mul01(n, mf, mg, prod);
            ck_assert_int_eq(tf_matrix_agrees(n, fg, prod), 1);
            tf_to_matrix(n, fg, mfg);
            ck_assert_mem_eq(prod, mfg, n * n * sizeof *prod);
            /* one wrong entry is detected */
            size_t p = rnd((uint32_t)(n * n));
            prod[p] ^= 1;
            ck_assert_int_eq(tf_matrix_agrees(n, fg, prod), 0);
            prod[p] = 2 * (prod[p] ^ 1) + 0; /* a 2 where a 0/1 was expected */
            if (prod[p] != mfg[p])
                ck_assert_int_eq(tf_matrix_agrees(n, fg, prod), 0);
        }
    }
    /* M_f . M_g is the exact integer product even when g is not injective */
    const sc_state c0[3] = {0, 0, 0};
    uint32_t mc[9], q[9];
    tf_to_matrix(3, c0, mc);
    mat_mul01(3, mc, mc, q);
    const uint32_t want[9] = {1, 0, 0, 1, 0, 0, 1, 0, 0};
    ck_assert_mem_eq(q, want, sizeof want);
    /* a non-permutation 0/1 matrix: entries of the product count paths (<= n) */
    const uint32_t ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    mat_mul01(3, ones, ones, q);
    for (int i = 0; i < 9; i++)
        ck_assert_uint_eq(q[i], 3);
}
END_TEST

/* Hand-written fold: q_{t+1} = delta[w_t][q_t], labels q_1..q_T. */
static size_t ref_fold(size_t n, size_t k, const sc_state *delta, sc_state q0,
                       const int32_t *w, size_t T, int32_t *out)
{
    size_t q = q0;
    for (size_t t = 0; t < T; t++) {
        if (w[t] < 0 || (size_t)w[t] >= k)
            return t;
        q = delta[(size_t)w[t] * n + q];
        out[t] = (int32_t)q;
    }
    return T;
}

START_TEST(run_hand_example)
{
    /* abab automaton (DESIGN.md §4): delta[q][s] = [[4,1],[2,4],[4,3],[0,4],[4,4]], start 3.
     * Symbol-major: delta[s*n + q]. */
    const sc_state delta[10] = {4, 2, 4, 0, 4, /* s = 0 */ 1, 4, 3, 4, 4 /* s = 1 */};
    const int32_t w[6] = {0, 1, 0, 1, 0, 0};
    int32_t labels[6];
    memset(labels, 0x7f, sizeof labels);
    ck_assert_uint_eq(sc_run(5, 2, delta, 3, w, 6, labels), 6);
    /* 3 -0-> 0 -1-> 1 -0-> 2 -1-> 3 -0-> 0 -0-> 4 */
    const int32_t want[6] = {0, 1, 2, 3, 0, 4};
    ck_assert_mem_eq(labels, want, sizeof want);
    /* parity: q0 is never emitted */
    const sc_state par[4] = {0, 1, 1, 0};
    const int32_t pw[4] = {1, 1, 0, 1};
    int32_t pl[4];
    ck_assert_uint_eq(sc_run(2, 2, par, 0, pw, 4, pl), 4);
    const int32_t pwant[4] = {1, 0, 0, 1};
    ck_assert_mem_eq(pl, pwant, sizeof pwant);
    ck_assert_uint_eq(sc_run(2, 2, par, 0, pw, 0, pl), 0);
}
END_TEST

START_TEST(run_bad_symbol)
{
    const sc_state par[4] = {0, 1, 1, 0};
    const int32_t w1[5] = {1, 0, 2, 1, 1}, w2[3] = {1, -1, 0}, w3[2] = {-7, 0};
    int32_t l[5] = {-9, -9, -9, -9, -9};
    ck_assert_uint_eq(sc_run(2, 2, par, 0, w1, 5, l), 2);
    ck_assert_int_eq(l[0], 1);
    ck_assert_int_eq(l[1], 1);
    ck_assert_int_eq(l[2], -9); /* untouched from the bad position on */
    ck_assert_int_eq(l[4], -9);
    ck_assert_uint_eq(sc_run(2, 2, par, 0, w2, 3, l), 1);
    ck_assert_uint_eq(sc_run(2, 2, par, 0, w3, 2, l), 0);
    const int32_t wk[1] = {65535};
    ck_assert_uint_eq(sc_run(2, 2, par, 0, wk, 1, l), 0);
}
END_TEST

START_TEST(run_random_against_fold)
{
    static sc_state delta[7 * N_MAX];
    int32_t w[300], a[300], b[300];
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 1 + rnd(N_MAX), k = 1 + rnd(7), T = rnd(300);
        for (size_t s = 0; s < k; s++)
            random_tf(n, delta + s * n);
        for (size_t t = 0; t < T; t++)
            w[t] = (rnd(50) == 0) ? (int32_t)k + (int32_t)rnd(3) - (rnd(2) ? (int32_t)k + 3 : 0)
                                  : (int32_t)rnd((uint32_t)k);
        sc_state q0 = (sc_state)rnd((uint32_t)n);
        memset(a, 0, sizeof a);
        memset(b, 0, sizeof b);
        size_t ra = sc_run(n, k, delta, q0, w, T, a);
        size_t rb = ref_fold(n, k, delta, q0, w, T, b);
        ck_assert_uint_eq(ra, rb);
        ck_assert_mem_eq(a, b, sizeof a);
        /* labels = prefix products applied to q0 */
        sc_state P[N_MAX], t2[N_MAX];
        tf_identity(n, P);
        for (size_t t = 0; t < ra; t++) {
            tf_compose(n, P, delta + (size_t)w[t] * n, t2);
            memcpy(P, t2, n * sizeof *P);
            ck_assert_int_eq(a[t], P[q0]);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, compose_right_action);
    tcase_add_test(tc, identity_laws);
    tcase_add_test(tc, associativity);
    tcase_add_test(tc, is_valid_rejects);
    tcase_add_test(tc, matrix_form);
    tcase_add_test(tc, run_hand_example);
    tcase_add_test(tc, run_bad_symbol);
    tcase_add_test(tc, run_random_against_fold);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
