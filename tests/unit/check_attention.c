/* Attention (src/attention.h): uniform and hard attention exactly (hand-computed rationals,
 * ties among rational scores, tie counts), the same on enclosures (containment, ties of exact
 * points, key classes, UNDECIDED on non-point near-ties and its refinement), softmax
 * attention containing 50-digit mpmath references (hard-coded below), weights summing to an
 * enclosure of 1, widths <= 2^-100 relative at 128 bits, agreement with a 256-bit run and
 * with double arithmetic, multi-head = heads on column slices, and every error path. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "attention.h"

#define REQUIRE(cond, ...)                                                                     \
    do {                                                                                       \
        if (!(cond))                                                                           \
            ck_abort_msg(__VA_ARGS__);                                                         \
    } while (0)
#define REQ(cond) REQUIRE(cond, "%s:%d: %s", __FILE__, __LINE__, #cond)

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rnd_unit(void) { return (double)(rnd() >> 11) * 0x1p-53; }
static double rnd_gauss(void) { return (rnd_unit() + rnd_unit() + rnd_unit() - 1.5) * 2; }

/* "a/b" strings -> mpq array */
static void qset(mpq_t *x, const char *const *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(mpq_set_str(x[k], v[k], 10), 0);
        mpq_canonicalize(x[k]);
    }
}

static void qcheck(const mpq_t *got, const char *const *want, size_t n, const char *what)
{
    mpq_t w;
    mpq_init(w);
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(mpq_set_str(w, want[k], 10), 0);
        mpq_canonicalize(w);
        REQUIRE(mpq_equal(w, got[k]), "%s[%zu]: got %s, want %s", what, k,
                mpq_get_str(NULL, 10, got[k]), want[k]);
    }
    mpq_clear(w);
}

static sc_attn_ws *ws_new(size_t T, size_t d, mpfr_prec_t prec)
{
    sc_attn_ws *ws = malloc(sizeof *ws);
    ck_assert_ptr_nonnull(ws);
    ck_assert_int_eq(sc_attn_ws_init(ws, T, d, prec), SC_X_OK);
    return ws;
}
static void ws_free(sc_attn_ws *ws)
{
    sc_attn_ws_clear(ws);
    free(ws);
}

/* ------------------------------------------------------------------ exact */

START_TEST(test_uniform_q)
{
    /* V = [[1, 2], [3, -1], [1/2, 0]]: out = [[1, 2], [2, 1/2], [3/2, 1/3]] */
    const char *v[] = {"1", "2", "3", "-1", "1/2", "0"};
    const char *want[] = {"1", "2", "2", "1/2", "3/2", "1/3"};
    mpq_t *V = sc_q_array_new(6), *out = sc_q_array_new(6);
    qset(V, v, 6);
    sc_attn_ws *ws = ws_new(3, 2, 128);
    ck_assert_int_eq(sc_attn_uniform_q(out, 2, V, 2, 3, 2, ws), SC_X_OK);
    qcheck((const mpq_t *)out, want, 6, "uniform");
    ws_free(ws);
    sc_q_array_free(V, 6);
    sc_q_array_free(out, 6);
}
END_TEST

/* Hard attention with exact ties among rational scores:
 *   k0 = [1, 0], k1 = [0, 1], k2 = [1, 0], k3 = [1/3, 2]
 *   q0 = [1, 0]   -> scores 1                  A = {0}
 *   q1 = [1, 1]   -> 1, 1                      A = {0, 1}
 *   q2 = [0, 1]   -> 0, 1, 0                   A = {1}
 *   q3 = [1, 1/3] -> 1, 1/3, 1, 1/3 + 2/3 = 1  A = {0, 2, 3}
 *   v0 = [1, 0], v1 = [0, 1], v2 = [3, 3], v3 = [1/7, -2]
 *   out = [1, 0], [1/2, 1/2], [0, 1], [(1 + 3 + 1/7)/3, (0 + 3 - 2)/3] = [29/21, 1/3]. */
static const char *HQ[] = {"1", "0", "1", "1", "0", "1", "1", "1/3"};
static const char *HK[] = {"1", "0", "0", "1", "1", "0", "1/3", "2"};
static const char *HV[] = {"1", "0", "0", "1", "3", "3", "1/7", "-2"};
static const char *HOUT[] = {"1", "0", "1/2", "1/2", "0", "1", "29/21", "1/3"};

START_TEST(test_hard_q_ties)
{
    mpq_t *Q = sc_q_array_new(8), *K = sc_q_array_new(8), *V = sc_q_array_new(8),
          *out = sc_q_array_new(8);
    qset(Q, HQ, 8);
    qset(K, HK, 8);
    qset(V, HV, 8);
    sc_attn_ws *ws = ws_new(4, 2, 128);
    size_t nt[4];
    ck_assert_int_eq(sc_attn_hard_q(out, 2, Q, 2, K, 2, V, 2, 4, 2, nt, ws), SC_X_OK);
    qcheck((const mpq_t *)out, HOUT, 8, "hard");
    ck_assert(nt[0] == 1 && nt[1] == 2 && nt[2] == 1 && nt[3] == 3);
    /* scaling Q by a positive rational (3/5) changes no arg-max */
    for (int k = 0; k < 8; k++) {
        mpq_t t;
        mpq_init(t);
        mpq_set_ui(t, 3, 5);
        mpq_mul(Q[k], Q[k], t);
        mpq_clear(t);
    }
    ck_assert_int_eq(sc_attn_hard_q(out, 2, Q, 2, K, 2, V, 2, 4, 2, NULL, ws), SC_X_OK);
    qcheck((const mpq_t *)out, HOUT, 8, "hard scaled");
    ws_free(ws);
    sc_q_array_free(Q, 8);
    sc_q_array_free(K, 8);
    sc_q_array_free(V, 8);
    sc_q_array_free(out, 8);
}
END_TEST

/* Edge cases of the exact hard kernel: T = 1; all scores equal (K = 0: every j <= i is in the
 * arg-max set, so hard = uniform and |A_i| = i + 1); negative scores, with a tie between
 * negative maxima not at the first position; leading dimensions > dh. */
START_TEST(test_hard_q_edges)
{
    enum { T = 4, LD = 3 };
    mpq_t *Q = sc_q_array_new(T * LD), *K = sc_q_array_new(T * LD), *V = sc_q_array_new(T * LD),
          *out = sc_q_array_new(T * LD), *uo = sc_q_array_new(T * LD);
    sc_attn_ws *ws = ws_new(T, 2, 128);
    size_t nt[T];
    for (int k = 0; k < T * LD; k++) {
        mpq_set_si(Q[k], (long)k - 5, (unsigned long)(k % 4) + 1);
        mpq_set_ui(K[k], 0, 1);
        mpq_set_si(V[k], 3 * (long)k - 7, (unsigned long)(k % 3) + 2);
        mpq_canonicalize(Q[k]);
        mpq_canonicalize(V[k]);
    }
    /* T = 1: out_0 = V_0 */
    ck_assert_int_eq(sc_attn_hard_q(out, LD, Q, LD, K, LD, V, LD, 1, 2, nt, ws), SC_X_OK);
    REQ(nt[0] == 1 && mpq_equal(out[0], V[0]) && mpq_equal(out[1], V[1]));
    /* all scores 0: hard == uniform */
    ck_assert_int_eq(sc_attn_hard_q(out, LD, Q, LD, K, LD, V, LD, T, 2, nt, ws), SC_X_OK);
    ck_assert_int_eq(sc_attn_uniform_q(uo, LD, V, LD, T, 2, ws), SC_X_OK);
    for (int i = 0; i < T; i++) {
        REQ(nt[i] == (size_t)i + 1);
        for (int c = 0; c < 2; c++)
            REQ(mpq_equal(out[i * LD + c], uo[i * LD + c]));
    }
    /* dh = 1, q_i = -1, k = 1, 3, 1/2, 1/2: scores -1, -3, -1/2, -1/2. A_0 = {0}, A_1 = {0},
     * A_2 = {2}, A_3 = {2, 3}. */
    static const char *KK[] = {"1", "3", "1/2", "1/2"};
    for (int i = 0; i < T; i++) {
        mpq_set_si(Q[i * LD], -1, 1);
        ck_assert_int_eq(mpq_set_str(K[i * LD], KK[i], 10), 0);
        mpq_canonicalize(K[i * LD]);
    }
    ck_assert_int_eq(sc_attn_hard_q(out, LD, Q, LD, K, LD, V, LD, T, 1, nt, ws), SC_X_OK);
    REQ(nt[0] == 1 && nt[1] == 1 && nt[2] == 1 && nt[3] == 2);
    REQ(mpq_equal(out[0], V[0]) && mpq_equal(out[LD], V[0]) && mpq_equal(out[2 * LD], V[2 * LD]));
    mpq_t m;
    mpq_init(m);
    mpq_add(m, V[2 * LD], V[3 * LD]);
    mpq_div_2exp(m, m, 1);
    REQ(mpq_equal(out[3 * LD], m));
    mpq_clear(m);
    ws_free(ws);
    sc_q_array_free(Q, T * LD);
    sc_q_array_free(K, T * LD);
    sc_q_array_free(V, T * LD);
    sc_q_array_free(out, T * LD);
    sc_q_array_free(uo, T * LD);
}
END_TEST

/* Random small-integer data (many ties): hard attention == the definition computed naively
 * with mpq scores. */
START_TEST(test_hard_q_random)
{
    enum { T = 12, D = 3 };
    mpq_t *Q = sc_q_array_new(T * D), *K = sc_q_array_new(T * D), *V = sc_q_array_new(T * D),
          *out = sc_q_array_new(T * D), *s = sc_q_array_new(T), t, acc;
    mpq_inits(t, acc, (mpq_ptr)0);
    sc_attn_ws *ws = ws_new(T, D, 128);
    size_t nt[T];
    for (int it = 0; it < 300; it++) {
        for (int k = 0; k < T * D; k++) {
            mpq_set_si(Q[k], (long)(rnd() % 5) - 2, 1 + (unsigned long)(rnd() % 3));
            mpq_set_si(K[k], (long)(rnd() % 5) - 2, 1 + (unsigned long)(rnd() % 3));
            mpq_set_si(V[k], (long)(rnd() % 201) - 100, 1 + (unsigned long)(rnd() % 9));
            mpq_canonicalize(Q[k]);
            mpq_canonicalize(K[k]);
            mpq_canonicalize(V[k]);
        }
        ck_assert_int_eq(sc_attn_hard_q(out, D, Q, D, K, D, V, D, T, D, nt, ws), 0);
        for (int i = 0; i < T; i++) {
            for (int j = 0; j <= i; j++) {
                mpq_set_ui(s[j], 0, 1);
                for (int c = 0; c < D; c++) {
                    mpq_mul(t, Q[i * D + c], K[j * D + c]);
                    mpq_add(s[j], s[j], t);
                }
            }
            size_t best = 0, cnt = 0;
            for (int j = 1; j <= i; j++)
                if (mpq_cmp(s[j], s[best]) > 0)
                    best = (size_t)j;
            for (int c = 0; c < D; c++) {
                mpq_set_ui(acc, 0, 1);
                cnt = 0;
                for (int j = 0; j <= i; j++)
                    if (mpq_equal(s[j], s[best])) {
                        mpq_add(acc, acc, V[j * D + c]);
                        cnt++;
                    }
                mpq_set_ui(t, 1, (unsigned long)cnt);
                mpq_mul(acc, acc, t);
                REQUIRE(mpq_equal(acc, out[i * D + c]), "it %d row %d col %d", it, i, c);
            }
            REQUIRE(nt[i] == cnt, "ties row %d: %zu vs %zu", i, nt[i], cnt);
        }
    }
    mpq_clears(t, acc, (mpq_ptr)0);
    sc_q_array_free(Q, T * D);
    sc_q_array_free(K, T * D);
    sc_q_array_free(V, T * D);
    sc_q_array_free(out, T * D);
    sc_q_array_free(s, T);
    ws_free(ws);
}
END_TEST

/* ------------------------------------------------------------------ enclosures */

static sc_iv *iv_from_q(const mpq_t *x, size_t n, mpfr_prec_t prec)
{
    sc_iv *a = sc_iv_array_new(n, prec);
    ck_assert_ptr_nonnull(a);
    for (size_t k = 0; k < n; k++)
        ck_assert_int_eq(sc_iv_set_q(&a[k], x[k]), 0);
    return a;
}

static sc_iv *iv_from_d(const double *x, size_t n, mpfr_prec_t prec)
{
    sc_iv *a = sc_iv_array_new(n, prec);
    ck_assert_ptr_nonnull(a);
    for (size_t k = 0; k < n; k++)
        ck_assert_int_eq(sc_iv_set_d(&a[k], x[k]), 0);
    return a;
}

START_TEST(test_uniform_iv)
{
    enum { T = 20, D = 3 };
    mpq_t *V = sc_q_array_new(T * D), *out = sc_q_array_new(T * D);
    for (int k = 0; k < T * D; k++) {
        mpq_set_si(V[k], (long)(rnd() % 2001) - 1000, 1 + (unsigned long)(rnd() % 50));
        mpq_canonicalize(V[k]);
    }
    sc_iv *Vi = iv_from_q((const mpq_t *)V, T * D, 128), *oi = sc_iv_array_new(T * D, 128);
    sc_attn_ws *ws = ws_new(T, D, 128);
    sc_xctx cx;
    sc_xctx_init(&cx, 128, 0);
    ck_assert_int_eq(sc_attn_uniform_q(out, D, V, D, T, D, ws), 0);
    ck_assert_int_eq(sc_attn_uniform_iv(oi, D, Vi, D, T, D, ws), 0);
    for (int k = 0; k < T * D; k++) {
        REQ(sc_iv_contains_q(&oi[k], out[k]));
        REQ(mpq_sgn(out[k]) == 0 || sc_iv_relwidth(&oi[k], &cx) < 0x1p-100);
    }
    sc_xctx_clear(&cx);
    ws_free(ws);
    sc_iv_array_free(Vi, T * D);
    sc_iv_array_free(oi, T * D);
    sc_q_array_free(V, T * D);
    sc_q_array_free(out, T * D);
}
END_TEST

/* Hard attention on enclosures: the dyadic version of the tie example decides (exact point
 * scores); the rational one (1/3 not a float) has non-point tied scores: UNDECIDED at row 3,
 * unless key classes prove the tie. */
START_TEST(test_hard_iv)
{
    /* dyadic: k3 = [1/2, 1], q3 = [1, 1/2] -> score 1, tie {0, 2, 3} */
    double Qd[8] = {1, 0, 1, 1, 0, 1, 1, 0.5}, Kd[8] = {1, 0, 0, 1, 1, 0, 0.5, 1},
           Vd[8] = {1, 0, 0, 1, 3, 3, 0.125, -2};
    sc_iv *Q = iv_from_d(Qd, 8, 128), *K = iv_from_d(Kd, 8, 128), *V = iv_from_d(Vd, 8, 128),
          *out = sc_iv_array_new(8, 128);
    sc_attn_ws *ws = ws_new(4, 2, 128);
    size_t nt[4];
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, Q, 2, K, 2, V, 2, 4, 2, NULL, nt, ws), SC_X_OK);
    double want[8] = {1, 0, 0.5, 0.5, 0, 1, (1 + 3 + 0.125) / 3, (0 + 3 - 2) / 3.0};
    mpq_t w;
    mpq_init(w);
    for (int k = 0; k < 8; k++) {
        if (k == 6)
            mpq_set_ui(w, 33, 24); /* 4.125 / 3 */
        else if (k == 7)
            mpq_set_ui(w, 1, 3);
        else
            mpq_set_d(w, want[k]);
        REQUIRE(sc_iv_contains_q(&out[k], w), "hard_iv[%d]", k);
    }
    ck_assert(nt[1] == 2 && nt[3] == 3);
    /* rational tie (q3 = [1, 1/3], k3 = [1/3, 2]): enclosed 1/3 -> non-point scores */
    mpq_t *Qq = sc_q_array_new(8), *Kq = sc_q_array_new(8), *Vq = sc_q_array_new(8);
    qset(Qq, HQ, 8);
    qset(Kq, HK, 8);
    qset(Vq, HV, 8);
    sc_iv *Q2 = iv_from_q((const mpq_t *)Qq, 8, 128), *K2 = iv_from_q((const mpq_t *)Kq, 8, 128),
          *V2 = iv_from_q((const mpq_t *)Vq, 8, 128);
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, Q2, 2, K2, 2, V2, 2, 4, 2, NULL, NULL, ws),
                     SC_X_UNDECIDED);
    ck_assert_uint_eq(ws->fail_row, 3);
    /* key classes: k1 = [0, -1], k3 = [1, 0] = k0 = k2 (class 0), q3 = [1/3, 1/3]: row 3's
     * scores are 1/3, -1/3, 1/3, 1/3, the tied ones enclosed (not points) */
    mpq_set_si(Kq[3], -1, 1);
    mpq_set_ui(Kq[6], 1, 1);
    mpq_set_ui(Kq[7], 0, 1);
    mpq_set_ui(Qq[6], 1, 3);
    sc_iv_set_q(&K2[3], Kq[3]);
    sc_iv_set_q(&K2[6], Kq[6]);
    sc_iv_set_q(&K2[7], Kq[7]);
    sc_iv_set_q(&Q2[6], Qq[6]);
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, Q2, 2, K2, 2, V2, 2, 4, 2, NULL, NULL, ws),
                     SC_X_UNDECIDED);
    ck_assert_uint_eq(ws->fail_row, 3);
    size_t cls_bad[4] = {0, 1, 0, 2}, cls[4] = {0, 1, 0, 0};
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, Q2, 2, K2, 2, V2, 2, 4, 2, cls_bad, NULL, ws),
                     SC_X_UNDECIDED);
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, Q2, 2, K2, 2, V2, 2, 4, 2, cls, nt, ws), SC_X_OK);
    ck_assert_uint_eq(nt[3], 3);
    mpq_t *oq = sc_q_array_new(8);
    ck_assert_int_eq(sc_attn_hard_q(oq, 2, Qq, 2, Kq, 2, Vq, 2, 4, 2, NULL, ws), SC_X_OK);
    for (int k = 0; k < 8; k++)
        REQUIRE(sc_iv_contains_q(&out[k], oq[k]), "classes [%d]", k);
    sc_q_array_free(oq, 8);
    mpq_clear(w);
    sc_q_array_free(Qq, 8);
    sc_q_array_free(Kq, 8);
    sc_q_array_free(Vq, 8);
    sc_iv_array_free(Q2, 8);
    sc_iv_array_free(K2, 8);
    sc_iv_array_free(V2, 8);
    sc_iv_array_free(Q, 8);
    sc_iv_array_free(K, 8);
    sc_iv_array_free(V, 8);
    sc_iv_array_free(out, 8);
    ws_free(ws);
}
END_TEST

/* A near-tie that precision resolves: k1 = k0 + [2^-140, 0] with q = [1 + 2^-60, 1/3]-ish
 * enclosed: at 128 bits the scores q.k0 and q.k1 overlap; sc_x_refine re-evaluates at 256
 * bits, where they separate. */
struct hard_ctx {
    int calls;
    size_t winner_count;
};

static int eval_hard(void *vctx, mpfr_prec_t prec)
{
    struct hard_ctx *h = vctx;
    h->calls++;
    mpq_t q[4];
    for (int k = 0; k < 4; k++)
        mpq_init(q[k]);
    sc_attn_ws *ws = ws_new(2, 2, prec);
    sc_iv *Q = sc_iv_array_new(4, prec), *K = sc_iv_array_new(4, prec),
          *V = sc_iv_array_new(4, prec), *out = sc_iv_array_new(4, prec);
    /* q = [1/3, 1/3] both rows; k0 = [1, 0]; k1 = [1 + 2^-140, 0] */
    mpq_set_ui(q[0], 1, 3);
    for (int r = 0; r < 2; r++) {
        sc_iv_set_q(&Q[2 * r], q[0]);
        sc_iv_set_q(&Q[2 * r + 1], q[0]);
        sc_iv_set_si(&V[2 * r], r);
        sc_iv_set_si(&V[2 * r + 1], 1 - r);
    }
    sc_iv_set_si(&K[0], 1);
    sc_iv_set_si(&K[1], 0);
    mpq_set_ui(q[1], 1, 1);
    mpq_div_2exp(q[1], q[1], 140);
    mpq_set_ui(q[2], 1, 1);
    mpq_add(q[1], q[1], q[2]);
    sc_iv_set_q(&K[2], q[1]);
    sc_iv_set_si(&K[3], 0);
    size_t nt[2];
    int rc = sc_attn_hard_iv(out, 2, Q, 2, K, 2, V, 2, 2, 2, NULL, nt, ws);
    if (rc == SC_X_OK) {
        h->winner_count = nt[1];
        /* the arg-max of row 1 is {1}: out_1 = v1 = [1, 0] */
        REQ(sc_iv_contains_d(&out[2], 1) && sc_iv_contains_d(&out[3], 0));
    }
    sc_iv_array_free(Q, 4);
    sc_iv_array_free(K, 4);
    sc_iv_array_free(V, 4);
    sc_iv_array_free(out, 4);
    ws_free(ws);
    for (int k = 0; k < 4; k++)
        mpq_clear(q[k]);
    return rc;
}

START_TEST(test_hard_refine)
{
    struct hard_ctx h = {0, 0};
    mpfr_prec_t used = 0;
    ck_assert_int_eq(eval_hard(&h, 128), SC_X_UNDECIDED);
    h.calls = 0;
    ck_assert_int_eq(sc_x_refine(eval_hard, &h, 128, 4096, &used), SC_X_OK);
    ck_assert_int_eq(used, 256);
    ck_assert_int_eq(h.calls, 2);
    ck_assert_uint_eq(h.winner_count, 1);
}
END_TEST

/* ------------------------------------------------------------------ softmax */

static const double SQ[6] = {1, 0.5, -1, 2, 0.25, -0.75};
static const double SK[6] = {0.5, 1, 2, -1, 1, 1};
static const double SV[6] = {1, -2, 0.5, 3, -1, 0.125};
static const char *SOUT[6] = {"1", "-2", "0.98997318141945666686277900042495644971971834362748",
                              "-1.8997318141945666686277900042495644971971834362748",
                              "0.30562034102094406907286950094652166704747898367739",
                              "1.6102599319815043764367113553178001945251290419543"};
static const char *SP[3][3] = {
    {"1", "0", "0"},
    {"0.97994636283891333372555800084991289943943668725496",
     "0.020053637161086666274441999150087100560563312745045", "0"},
    {"0.17071536586998127372637010150987966444462193176403",
     "0.64279307285398768108008619861784155877215674676622",
     "0.18649156127603104519354369987227877678322132146975"}};

/* x contains the 50-digit reference (widened by 1e-48 relative) */
static int contains_ref(const sc_iv *x, const char *ref)
{
    sc_iv R;
    sc_iv_init(&R, 400);
    ck_assert_int_eq(sc_iv_set_str(&R, ref), 0);
    mpfr_t w;
    mpfr_init2(w, 64);
    mpfr_abs(w, R.hi, MPFR_RNDU);
    mpfr_mul_d(w, w, 1e-48, MPFR_RNDU);
    mpfr_sub(R.lo, R.lo, w, MPFR_RNDD);
    mpfr_add(R.hi, R.hi, w, MPFR_RNDU);
    int ok = sc_iv_contains(x, &R);
    mpfr_clear(w);
    sc_iv_clear(&R);
    return ok;
}

START_TEST(test_softmax_ref)
{
    sc_iv *Q = iv_from_d(SQ, 6, 128), *K = iv_from_d(SK, 6, 128), *V = iv_from_d(SV, 6, 128),
          *out = sc_iv_array_new(6, 128), *P = sc_iv_array_new(9, 128), sum;
    sc_iv_init(&sum, 128);
    sc_attn_ws *ws = ws_new(3, 2, 128);
    sc_xctx cx;
    sc_xctx_init(&cx, 128, 0);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, Q, 2, K, 2, V, 2, 3, 2, NULL, ws), SC_X_OK);
    for (int k = 0; k < 6; k++) {
        REQUIRE(contains_ref(&out[k], SOUT[k]), "softmax out[%d] misses %s", k, SOUT[k]);
        REQUIRE(sc_iv_relwidth(&out[k], &cx) < 0x1p-118, "out[%d] width", k);
    }
    ck_assert_int_eq(sc_attn_softmax_probs_iv(P, 3, Q, 2, K, 2, 3, 2, NULL, ws), SC_X_OK);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            REQUIRE(contains_ref(&P[i * 3 + j], SP[i][j]), "P[%d][%d]", i, j);
        ck_assert_int_eq(sc_iv_sum(&sum, &P[i * 3], 1, 3, &cx), 0);
        REQ(sc_iv_contains_d(&sum, 1.0) && sc_iv_width(&sum) < 0x1p-120);
    }
    /* T = 1 < dh = 2 (ldp = 1): the single weight encloses 1 (e/Z with e, Z the same
     * enclosure: not a point, by the dependency of interval division) */
    ck_assert_int_eq(sc_attn_softmax_probs_iv(&sum, 1, Q, 2, K, 2, 1, 2, NULL, ws), SC_X_OK);
    ck_assert(sc_iv_contains_d(&sum, 1.0) && sc_iv_width(&sum) < 0x1p-120);
    ck_assert_int_eq(sc_attn_softmax_probs_iv(P, 2, Q, 2, K, 2, 3, 2, NULL, ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_softmax_probs_iv(P, 3, Q, 2, K, 2, 3, 2, NULL, ws), SC_X_OK);
    /* the causal mask: P[0][1], P[0][2], P[1][2] are exactly 0 */
    ck_assert(sc_iv_is_point(&P[1]) && mpfr_zero_p(P[1].lo) && mpfr_zero_p(P[5].hi));
    /* an explicit scale equal to 1/sqrt(2) (enclosed the same way) gives the same result */
    sc_iv sc;
    sc_iv_init(&sc, 128);
    sc_iv_set_d(&sc, 2);
    sc_iv_rec_sqrt(&sc, &sc, &cx);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, Q, 2, K, 2, V, 2, 3, 2, &sc, ws), SC_X_OK);
    for (int k = 0; k < 6; k++)
        REQ(contains_ref(&out[k], SOUT[k]));
    sc_iv_clear(&sc);
    sc_iv_clear(&sum);
    sc_xctx_clear(&cx);
    ws_free(ws);
    sc_iv_array_free(Q, 6);
    sc_iv_array_free(K, 6);
    sc_iv_array_free(V, 6);
    sc_iv_array_free(out, 6);
    sc_iv_array_free(P, 9);
}
END_TEST

/* Random T = 48, dh = 16: widths <= 2^-100 (relative to max |v|), rows of weights sum to an
 * enclosure of 1, the 256-bit enclosure intersects the 128-bit one and is narrower, and a
 * plain double computation lies within 1e-12 of the midpoint. */
START_TEST(test_softmax_random)
{
    enum { T = 48, D = 16 };
    double q[T * D], k[T * D], v[T * D];
    for (int i = 0; i < T * D; i++) {
        q[i] = rnd_gauss() * 2;
        k[i] = rnd_gauss() * 2;
        v[i] = rnd_gauss();
    }
    sc_iv *Q = iv_from_d(q, T * D, 128), *K = iv_from_d(k, T * D, 128),
          *V = iv_from_d(v, T * D, 128), *out = sc_iv_array_new(T * D, 128),
          *P = sc_iv_array_new(T * T, 128), sum;
    sc_iv *Q2 = iv_from_d(q, T * D, 256), *K2 = iv_from_d(k, T * D, 256),
          *V2 = iv_from_d(v, T * D, 256), *out2 = sc_iv_array_new(T * D, 256);
    sc_iv_init(&sum, 128);
    sc_attn_ws *ws = ws_new(T, D, 128), *ws2 = ws_new(T, D, 256);
    sc_xctx cx;
    sc_xctx_init(&cx, 128, 0);
    ck_assert_int_eq(sc_attn_softmax_iv(out, D, Q, D, K, D, V, D, T, D, NULL, ws), 0);
    ck_assert_int_eq(sc_attn_softmax_iv(out2, D, Q2, D, K2, D, V2, D, T, D, NULL, ws2), 0);
    ck_assert_int_eq(sc_attn_softmax_probs_iv(P, T, Q, D, K, D, T, D, NULL, ws), 0);
    double vmax = 0;
    for (int i = 0; i < T * D; i++)
        vmax = fmax(vmax, fabs(v[i]));
    for (int i = 0; i < T; i++) {
        /* double reference */
        double s[T], m = -INFINITY, z = 0;
        for (int j = 0; j <= i; j++) {
            s[j] = 0;
            for (int c = 0; c < D; c++)
                s[j] += q[i * D + c] * k[j * D + c];
            s[j] /= sqrt((double)D);
            m = fmax(m, s[j]);
        }
        for (int j = 0; j <= i; j++)
            z += (s[j] = exp(s[j] - m));
        for (int c = 0; c < D; c++) {
            double o = 0;
            for (int j = 0; j <= i; j++)
                o += s[j] * v[j * D + c];
            o /= z;
            sc_iv *y = &out[i * D + c], *y2 = &out2[i * D + c];
            REQ(sc_iv_ok(y) && sc_iv_width(y) <= 0x1p-100 * vmax);
            REQ(fabs(o) < vmax * 0x1p-10 || sc_iv_relwidth(y, &cx) <= 0x1p-100);
            REQ(mpfr_lessequal_p(y->lo, y2->hi) && mpfr_lessequal_p(y2->lo, y->hi));
            REQ(sc_iv_width(y2) <= sc_iv_width(y));
            REQUIRE(fabs(sc_iv_mid_d(y, &cx) - o) < 1e-12, "double %g vs %g", o,
                    sc_iv_mid_d(y, &cx));
        }
        ck_assert_int_eq(sc_iv_sum(&sum, &P[i * T], 1, (size_t)T, &cx), 0);
        REQ(sc_iv_contains_d(&sum, 1.0) && sc_iv_width(&sum) < 0x1p-110);
        for (int j = 0; j < T; j++)
            REQ(sc_iv_ok(&P[i * T + j]) && (j <= i || sc_iv_width(&P[i * T + j]) == 0));
    }
    sc_iv_clear(&sum);
    sc_xctx_clear(&cx);
    ws_free(ws);
    ws_free(ws2);
    sc_iv_array_free(Q, T * D);
    sc_iv_array_free(K, T * D);
    sc_iv_array_free(V, T * D);
    sc_iv_array_free(out, T * D);
    sc_iv_array_free(P, T * T);
    sc_iv_array_free(Q2, T * D);
    sc_iv_array_free(K2, T * D);
    sc_iv_array_free(V2, T * D);
    sc_iv_array_free(out2, T * D);
}
END_TEST

/* The fixed-point fast path (sc_x_softmax_fast, taken by sc_attn_softmax_iv for point
 * inputs) against the MPFR reference path (cx.no_fast = 1) on random inputs: it applies to
 * doubles, floats and ints; its 128-bit enclosures contain the 512-bit reference enclosures
 * (a strict containment check: those are ~2^-500 wide around the real value), are at most
 * 2^8 times as wide as the 128-bit reference ones plus 2^-112 max|v| (the fast path's
 * weights carry absolute errors ~2^-123 where MPFR's are relative) and <= 2^-100
 * relative; scale given or 1/sqrt(dh), peaked (large scores) and flat softmax, T = 1. It
 * does not apply (SC_X_FAST_NA) to non-point enclosures, to rows spanning more than 2^51
 * binary orders, to precision > 128 or when disabled; the results are then the reference
 * path's. */
START_TEST(test_softmax_fast)
{
    enum { T = 33, D = 8 };
    static const double amp[] = {1, 0.01, 8, 40};
    double q[T * D], k[T * D], v[T * D];
    sc_xctx cx;
    sc_xctx_init(&cx, 128, 0);
    sc_attn_ws *ws = ws_new(T, D, 128), *ws5 = ws_new(T, D, 512);
    sc_iv *out = sc_iv_array_new(T * D, 128), *ref = sc_iv_array_new(T * D, 128),
          *ref5 = sc_iv_array_new(T * D, 512), sc, sc5;
    sc_iv_init(&sc, 128);
    sc_iv_init(&sc5, 512);
    for (int trial = 0; trial < 16; trial++) {
        double a = amp[trial % 4];
        for (int i = 0; i < T * D; i++) {
            q[i] = rnd_gauss() * a;
            k[i] = rnd_gauss();
            v[i] = rnd_gauss() * (trial % 3 ? 1 : 1e-3);
            if (trial % 5 == 1) { /* floats */
                q[i] = (float)q[i];
                v[i] = (float)v[i];
            }
            if (trial % 5 == 2) /* small integers, zeros included */
                k[i] = (double)(int)(rnd() % 7) - 3;
        }
        size_t Tt = trial == 7 ? 1 : T;
        sc_iv *Q = iv_from_d(q, T * D, 128), *K = iv_from_d(k, T * D, 128),
              *V = iv_from_d(v, T * D, 128), *Q5 = iv_from_d(q, T * D, 512),
              *K5 = iv_from_d(k, T * D, 512), *V5 = iv_from_d(v, T * D, 512);
        const sc_iv *s = NULL, *s5 = NULL;
        if (trial % 4 == 3) { /* an explicit irrational scale: 0.3 (decimal) */
            ck_assert_int_eq(sc_iv_set_str(&sc, "0.3"), 0);
            ck_assert_int_eq(sc_iv_set_str(&sc5, "0.3"), 0);
            s = &sc;
            s5 = &sc5;
        }
        ws->cx.no_fast = 0;
        ck_assert_int_eq(sc_attn_softmax_iv(out, D, Q, D, K, D, V, D, Tt, D, s, ws), 0);
        /* the fast path applied (called directly with the workspace's scale) */
        sc_iv_set(&ws->acc, s ? s : &ws->scale);
        ck_assert_int_eq(sc_x_softmax_fast(ref, D, Q, D, K, D, V, D, Tt, D, &ws->acc, &ws->cx),
                         SC_X_OK);
        ws->cx.no_fast = 1;
        ck_assert_int_eq(sc_attn_softmax_iv(ref, D, Q, D, K, D, V, D, Tt, D, s, ws), 0);
        ck_assert_int_eq(sc_attn_softmax_iv(ref5, D, Q5, D, K5, D, V5, D, Tt, D, s5, ws5), 0);
        double vmax = 0;
        for (int i = 0; i < T * D; i++)
            vmax = fmax(vmax, fabs(v[i]));
        for (size_t x = 0; x < Tt * D; x++) {
            REQUIRE(sc_iv_contains(&out[x], &ref5[x]), "trial %d out[%zu] misses the 512-bit "
                    "enclosure", trial, x);
            REQUIRE(sc_iv_width(&out[x]) <= 0x1p8 * sc_iv_width(&ref[x]) + 0x1p-112 * vmax,
                    "trial %d out[%zu] width %g vs reference %g", trial, x,
                    sc_iv_width(&out[x]), sc_iv_width(&ref[x]));
            REQ(sc_iv_width(&out[x]) <= 0x1p-100 * vmax);
        }
        sc_iv_array_free(Q, T * D);
        sc_iv_array_free(K, T * D);
        sc_iv_array_free(V, T * D);
        sc_iv_array_free(Q5, T * D);
        sc_iv_array_free(K5, T * D);
        sc_iv_array_free(V5, T * D);
    }
    /* not applicable: a non-point entry, a row spanning 2^-60 .. 1, no_fast, prec > 128 */
    sc_iv *Q = iv_from_d(q, T * D, 128), *K = iv_from_d(k, T * D, 128),
          *V = iv_from_d(v, T * D, 128);
    ws->cx.no_fast = 0;
    sc_iv_set_si(&ws->acc, 1);
    ck_assert_int_eq(sc_x_softmax_fast(out, D, Q, D, K, D, V, D, T, D, &ws->acc, &ws->cx),
                     SC_X_OK);
    mpfr_nextabove(K[5].hi);
    ck_assert_int_eq(sc_x_softmax_fast(out, D, Q, D, K, D, V, D, T, D, &ws->acc, &ws->cx),
                     SC_X_FAST_NA);
    mpfr_nextbelow(K[5].hi);
    sc_iv_set_d(&V[3 * D + 2], 0x1.0000000000001p-60); /* 53 significant bits */
    sc_iv_set_d(&V[4 * D + 2], 1.0);
    ck_assert_int_eq(sc_x_softmax_fast(out, D, Q, D, K, D, V, D, T, D, &ws->acc, &ws->cx),
                     SC_X_FAST_NA);
    ck_assert_int_eq(sc_attn_softmax_iv(out, D, Q, D, K, D, V, D, T, D, NULL, ws), 0);
    ws->cx.no_fast = 1;
    ck_assert_int_eq(sc_attn_softmax_iv(ref, D, Q, D, K, D, V, D, T, D, NULL, ws), 0);
    for (int x = 0; x < T * D; x++)
        REQ(mpfr_equal_p(out[x].lo, ref[x].lo) && mpfr_equal_p(out[x].hi, ref[x].hi));
    ck_assert_int_eq(sc_x_softmax_fast(out, D, Q, D, K, D, V, D, T, D, &ws->acc, &ws->cx),
                     SC_X_FAST_NA);
    ck_assert_int_eq(sc_x_softmax_fast(out, D, Q, D, K, D, V, D, T, D, &ws5->acc, &ws5->cx),
                     SC_X_FAST_NA);
    sc_iv_array_free(Q, T * D);
    sc_iv_array_free(K, T * D);
    sc_iv_array_free(V, T * D);
    sc_iv_clear(&sc);
    sc_iv_clear(&sc5);
    sc_xctx_clear(&cx);
    ws_free(ws);
    ws_free(ws5);
    sc_iv_array_free(out, T * D);
    sc_iv_array_free(ref, T * D);
    sc_iv_array_free(ref5, T * D);
}
END_TEST

/* ------------------------------------------------------------------ multi-head */

START_TEST(test_multihead)
{
    enum { T = 6, H = 3, DH = 2, D = H * DH };
    mpq_t *Q = sc_q_array_new(T * D), *K = sc_q_array_new(T * D), *V = sc_q_array_new(T * D),
          *out = sc_q_array_new(T * D), *o1 = sc_q_array_new(T * DH);
    double qd[T * D], kd[T * D], vd[T * D];
    for (int i = 0; i < T * D; i++) {
        qd[i] = (double)((long)(rnd() % 5) - 2);
        kd[i] = (double)((long)(rnd() % 5) - 2);
        vd[i] = ldexp(rnd_gauss(), -3);
        mpq_set_d(Q[i], qd[i]);
        mpq_set_d(K[i], kd[i]);
        mpq_set_d(V[i], vd[i]);
    }
    sc_iv *Qi = iv_from_d(qd, T * D, 128), *Ki = iv_from_d(kd, T * D, 128),
          *Vi = iv_from_d(vd, T * D, 128), *oi = sc_iv_array_new(T * D, 128),
          *oh = sc_iv_array_new(T * DH, 128);
    sc_attn_ws *ws = ws_new(T, DH, 128);
    size_t nt[T * H], nt1[T];
    for (int kind = 0; kind < 2; kind++) {
        ck_assert_int_eq(sc_attn_mh_q((sc_attn_kind)kind, out, Q, K, V, T, H, DH, nt, ws), 0);
        ck_assert_int_eq(sc_attn_mh_iv((sc_attn_kind)kind, oi, Qi, Ki, Vi, T, H, DH, NULL, NULL,
                                       NULL, ws), 0);
        for (int h = 0; h < H; h++) {
            /* head h alone, on its column slice */
            if (kind == SC_ATTN_UNIFORM)
                ck_assert_int_eq(sc_attn_uniform_q(o1, DH, V + h * DH, D, T, DH, ws), 0);
            else
                ck_assert_int_eq(sc_attn_hard_q(o1, DH, Q + h * DH, D, K + h * DH, D,
                                                V + h * DH, D, T, DH, nt1, ws), 0);
            for (int i = 0; i < T; i++) {
                for (int c = 0; c < DH; c++) {
                    REQ(mpq_equal(o1[i * DH + c], out[i * D + h * DH + c]));
                    REQ(sc_iv_contains_q(&oi[i * D + h * DH + c], o1[i * DH + c]));
                }
                REQ(nt[i * H + h] == (kind == SC_ATTN_UNIFORM ? (size_t)i + 1 : nt1[i]));
            }
        }
    }
    /* softmax: head h == single head on the slice */
    ck_assert_int_eq(sc_attn_mh_iv(SC_ATTN_SOFTMAX, oi, Qi, Ki, Vi, T, H, DH, NULL, NULL, NULL,
                                   ws), 0);
    for (int h = 0; h < H; h++) {
        ck_assert_int_eq(sc_attn_softmax_iv(oh, DH, Qi + h * DH, D, Ki + h * DH, D, Vi + h * DH,
                                            D, T, DH, NULL, ws), 0);
        for (int i = 0; i < T; i++)
            for (int c = 0; c < DH; c++)
                REQ(mpfr_equal_p(oh[i * DH + c].lo, oi[i * D + h * DH + c].lo) &&
                    mpfr_equal_p(oh[i * DH + c].hi, oi[i * D + h * DH + c].hi));
    }
    ck_assert_int_eq(sc_attn_mh_q(SC_ATTN_SOFTMAX, out, Q, K, V, T, H, DH, NULL, ws),
                     SC_X_EINVAL);
    ws_free(ws);
    sc_q_array_free(Q, T * D);
    sc_q_array_free(K, T * D);
    sc_q_array_free(V, T * D);
    sc_q_array_free(out, T * D);
    sc_q_array_free(o1, T * DH);
    sc_iv_array_free(Qi, T * D);
    sc_iv_array_free(Ki, T * D);
    sc_iv_array_free(Vi, T * D);
    sc_iv_array_free(oi, T * D);
    sc_iv_array_free(oh, T * DH);
}
END_TEST

/* ------------------------------------------------------------------ errors */

START_TEST(test_errors)
{
    sc_attn_ws ws;
    ck_assert_int_eq(sc_attn_ws_init(&ws, 0, 2, 128), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_ws_init(&ws, 2, 2, 4), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_ws_init(&ws, SIZE_MAX, 2, 128), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_ws_init(&ws, 4, 2, 128), SC_X_OK);
    double d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sc_iv *A = iv_from_d(d, 8, 128), *out = sc_iv_array_new(8, 128);
    mpq_t *q = sc_q_array_new(8), *qo = sc_q_array_new(8);
    /* shapes */
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 5, 2, NULL, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 2, 0, NULL, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 2, 3, NULL, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 1, A, 2, A, 2, A, 2, 2, 2, NULL, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_hard_q(qo, 2, q, 2, NULL, 2, q, 2, 2, 2, NULL, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_uniform_q(qo, 2, q, 2, 5, 2, &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 0, 2, NULL, &ws), SC_X_OK);
    ck_assert_int_eq(sc_attn_mh_iv((sc_attn_kind)7, out, A, A, A, 2, 2, 1, NULL, NULL, NULL,
                                   &ws), SC_X_EINVAL);
    ck_assert_int_eq(sc_attn_mh_iv(SC_ATTN_SOFTMAX, out, A, A, A, 2, 0, 1, NULL, NULL, NULL,
                                   &ws), SC_X_EINVAL);
    /* NaN, infinite and inverted enclosures are rejected, never propagated */
    mpfr_set_nan(A[3].hi);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, NULL, &ws),
                     SC_X_ENONFINITE);
    ck_assert_int_eq(sc_attn_hard_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, NULL, NULL, &ws),
                     SC_X_ENONFINITE);
    ck_assert_int_eq(sc_attn_uniform_iv(out, 2, A, 2, 4, 2, &ws), SC_X_ENONFINITE);
    ck_assert_int_eq(sc_attn_softmax_probs_iv(out, 4, A, 2, A, 2, 4, 2, NULL, &ws),
                     SC_X_ENONFINITE);
    mpfr_set_inf(A[3].hi, 1);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, NULL, &ws),
                     SC_X_ENONFINITE);
    sc_iv_set_d2(&A[3], 1, 2);
    mpfr_swap(A[3].lo, A[3].hi);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, NULL, &ws),
                     SC_X_ENONFINITE);
    sc_iv_set_d(&A[3], 4);
    sc_iv bad;
    sc_iv_init(&bad, 128);
    mpfr_set_nan(bad.lo);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, &bad, &ws),
                     SC_X_ENONFINITE);
    /* huge exact scale: scores are points, exp of the others underflows to [0, tiny]: valid */
    sc_iv_set_d(&bad, 1e300);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, &bad, &ws), SC_X_OK);
    ck_assert(sc_iv_ok(&out[6]) && sc_iv_contains_d(&out[6], 7.0));
    /* a scale enclosure so wide that even the largest weight's lower bound underflows to 0:
     * reported, not a division by an enclosure of 0 */
    sc_iv_set_d2(&bad, 1e300, 2e300);
    ck_assert_int_eq(sc_attn_softmax_iv(out, 2, A, 2, A, 2, A, 2, 4, 2, &bad, &ws),
                     SC_X_EOVERFLOW);
    sc_iv_clear(&bad);
    /* kinds */
    sc_attn_kind k;
    ck_assert(sc_attn_kind_parse("hard", &k) == 0 && k == SC_ATTN_HARD);
    ck_assert(sc_attn_kind_parse("soft", &k) == -1);
    ck_assert_str_eq(sc_attn_kind_name(SC_ATTN_SOFTMAX), "softmax");
    ck_assert_ptr_null(sc_attn_kind_name((sc_attn_kind)9));
    ck_assert_int_eq(sc_attn_ws_set_prec(&ws, 256), 0);
    ck_assert_int_eq(sc_attn_ws_set_prec(&ws, 2), SC_X_EINVAL);
    sc_iv_array_free(A, 8);
    sc_iv_array_free(out, 8);
    sc_q_array_free(q, 8);
    sc_q_array_free(qo, 8);
    sc_attn_ws_clear(&ws);
    sc_attn_ws_clear(&ws); /* idempotent */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attention");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_uniform_q);
    tcase_add_test(tc, test_hard_q_ties);
    tcase_add_test(tc, test_hard_q_random);
    tcase_add_test(tc, test_hard_q_edges);
    suite_add_tcase(s, tc);
    tc = tcase_create("enclosures");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_uniform_iv);
    tcase_add_test(tc, test_hard_iv);
    tcase_add_test(tc, test_hard_refine);
    tcase_add_test(tc, test_softmax_ref);
    tcase_add_test(tc, test_softmax_random);
    tcase_add_test(tc, test_softmax_fast);
    tcase_add_test(tc, test_multihead);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
