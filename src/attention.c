/* Causal attention, exact and enclosed. See attention.h. */
#include "attention.h"
/* Enclosure model and trusted contracts of the sc_iv calls (softmax proof: prove_softmax.sh) */
#include "../spec/interval.acsl"
#include "proof_label.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *sc_attn_kind_name(sc_attn_kind k)
{
    switch (k) {
    case SC_ATTN_UNIFORM: return "uniform";
    case SC_ATTN_HARD: return "hard";
    case SC_ATTN_SOFTMAX: return "softmax";
    default: return NULL;
    }
}

int sc_attn_kind_parse(const char *name, sc_attn_kind *k)
{
    for (int i = 0; i <= 2; i++)
        if (name && !strcmp(name, sc_attn_kind_name((sc_attn_kind)i))) {
            *k = (sc_attn_kind)i;
            return 0;
        }
    return -1;
}

/* ------------------------------------------------------------------ workspace */

int sc_attn_ws_init(sc_attn_ws *ws, size_t Tmax, size_t dmax, mpfr_prec_t prec)
{
    if (!ws || Tmax == 0 || dmax == 0 || Tmax > SIZE_MAX / dmax)
        return SC_X_EINVAL;
    memset(ws, 0, sizeof *ws);
    int rc = sc_xctx_init(&ws->cx, prec, 0);
    if (rc)
        return rc;
    if (sc_xctx_reserve_softmax(&ws->cx, Tmax, dmax)) { /* the fast softmax path's scratch */
        sc_xctx_clear(&ws->cx);
        return SC_X_ENOMEM;
    }
    size_t nk = Tmax * dmax;
    ws->s = sc_iv_array_new(Tmax, prec);
    ws->vacc = sc_iv_array_new(dmax, prec);
    ws->cand = nk <= SIZE_MAX / sizeof(size_t) ? malloc(Tmax * sizeof(size_t)) : NULL;
    ws->kn = nk <= SIZE_MAX / sizeof(mpz_t) ? malloc(nk * sizeof(mpz_t)) : NULL;
    ws->kd = malloc(Tmax * sizeof(mpz_t));
    ws->qn = malloc(dmax * sizeof(mpz_t));
    ws->dots = malloc(Tmax * sizeof(mpz_t));
    ws->qs = sc_q_array_new(dmax);
    if (!ws->s || !ws->vacc || !ws->cand || !ws->kn || !ws->kd || !ws->qn || !ws->dots ||
        !ws->qs) {
        sc_iv_array_free(ws->s, Tmax);
        sc_iv_array_free(ws->vacc, dmax);
        free(ws->cand);
        free(ws->kn);
        free(ws->kd);
        free(ws->qn);
        free(ws->dots);
        sc_q_array_free(ws->qs, dmax);
        sc_xctx_clear(&ws->cx);
        return SC_X_ENOMEM;
    }
    for (size_t k = 0; k < nk; k++)
        mpz_init(ws->kn[k]);
    for (size_t k = 0; k < Tmax; k++) {
        mpz_init(ws->kd[k]);
        mpz_init(ws->dots[k]);
    }
    for (size_t k = 0; k < dmax; k++)
        mpz_init(ws->qn[k]);
    mpz_inits(ws->qd, ws->t1, ws->t2, (mpz_ptr)0);
    mpq_init(ws->qt);
    sc_iv_init(&ws->acc, prec);
    sc_iv_init(&ws->z, prec);
    sc_iv_init(&ws->scale, prec);
    mpfr_init2(ws->mx, prec);
    ws->Tmax = Tmax;
    ws->dmax = dmax;
    return SC_X_OK;
}

void sc_attn_ws_clear(sc_attn_ws *ws)
{
    if (!ws || !ws->s)
        return;
    size_t nk = ws->Tmax * ws->dmax;
    for (size_t k = 0; k < nk; k++)
        mpz_clear(ws->kn[k]);
    for (size_t k = 0; k < ws->Tmax; k++) {
        mpz_clear(ws->kd[k]);
        mpz_clear(ws->dots[k]);
    }
    for (size_t k = 0; k < ws->dmax; k++)
        mpz_clear(ws->qn[k]);
    free(ws->kn);
    free(ws->kd);
    free(ws->qn);
    free(ws->dots);
    free(ws->cand);
    mpz_clears(ws->qd, ws->t1, ws->t2, (mpz_ptr)0);
    mpq_clear(ws->qt);
    sc_q_array_free(ws->qs, ws->dmax);
    sc_iv_array_free(ws->s, ws->Tmax);
    sc_iv_array_free(ws->vacc, ws->dmax);
    sc_iv_clear(&ws->acc);
    sc_iv_clear(&ws->z);
    sc_iv_clear(&ws->scale);
    mpfr_clear(ws->mx);
    sc_xctx_clear(&ws->cx);
    memset(ws, 0, sizeof *ws);
}

int sc_attn_ws_set_prec(sc_attn_ws *ws, mpfr_prec_t prec)
{
    if (!ws || !ws->s)
        return SC_X_EINVAL;
    int rc = sc_xctx_set_prec(&ws->cx, prec);
    if (rc)
        return rc;
    sc_iv_array_set_prec(ws->s, ws->Tmax, prec);
    sc_iv_array_set_prec(ws->vacc, ws->dmax, prec);
    sc_iv_array_set_prec(&ws->acc, 1, prec);
    sc_iv_array_set_prec(&ws->z, 1, prec);
    sc_iv_array_set_prec(&ws->scale, 1, prec);
    mpfr_set_prec(ws->mx, prec);
    return SC_X_OK;
}

/* Shape checks shared by every kernel. */
static int shape_ok(const sc_attn_ws *ws, const void *out, size_t ldo, const void *a, size_t lda,
                    const void *b, size_t ldb, const void *c, size_t ldc, size_t T, size_t dh)
{
    if (!ws || !ws->s || dh == 0 || T > ws->Tmax || dh > ws->dmax)
        return 0;
    if (T == 0)
        return 1;
    if (!out || ldo < dh || (a && lda < dh) || (b && ldb < dh) || (c && ldc < dh))
        return 0;
    return 1;
}

/* 0 unless all T x dh enclosures of M are valid (finite, lo <= hi). */
static int rows_ok(const sc_iv *M, size_t ld, size_t T, size_t dh)
{
    for (size_t i = 0; i < T; i++)
        for (size_t c = 0; c < dh; c++)
            if (!sc_iv_ok(&M[i * ld + c]))
                return 0;
    return 1;
}

/* ------------------------------------------------------------------ exact */

/* sc_attn_uniform_q, sc_attn_hard_q and sc_attn_mh_q: src/attention_exact.c (with their proof
 * annotations). */

/* ------------------------------------------------------------------ enclosures */

int sc_attn_uniform_iv(sc_iv *out, size_t ldo, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                       sc_attn_ws *ws)
{
    if (!shape_ok(ws, out, ldo, V, ldv, NULL, 0, NULL, 0, T, dh) || (T && !V))
        return SC_X_EINVAL;
    if (!rows_ok(V, ldv, T, dh))
        return SC_X_ENONFINITE;
    for (size_t c = 0; c < dh; c++)
        sc_iv_set_si(&ws->vacc[c], 0);
    for (size_t i = 0; i < T; i++)
        for (size_t c = 0; c < dh; c++) {
            int rc = sc_iv_add(&ws->vacc[c], &ws->vacc[c], &V[i * ldv + c]);
            if (!rc)
                rc = sc_iv_div_ui(&out[i * ldo + c], &ws->vacc[c], (unsigned long)(i + 1));
            if (rc) {
                ws->fail_row = i;
                return rc;
            }
        }
    return SC_X_OK;
}


/* Scores s[j] = q.k_j (j <= i), the dot products at the working precision of cx. Contract:
 * only the causal prefix j <= i is written, s_j = sc_ivdot(q, k_j). Proved (prove_softmax.sh).
 */
/*@ requires shape: 1 <= dh <= ldk && i < SIZE_MAX;
    requires sizes: sc_span(ldk, i + 1, dh) <= SIZE_MAX;
    requires valid: \valid(s + (0 .. i)) && \valid(cx) && \valid_read(q + (0 .. dh - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, i + 1, dh) - 1));
    requires sep: \separated(s + (0 .. i), cx) && \separated(s + (0 .. i), q + (0 .. dh - 1)) &&
                  \separated(s + (0 .. i), K + (0 .. sc_span(ldk, i + 1, dh) - 1)) &&
                  \separated(q + (0 .. dh - 1), cx) &&
                  \separated(K + (0 .. sc_span(ldk, i + 1, dh) - 1), cx);
    assigns s[0 .. i], cx->f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \old(sc_ivfmt(s + k));
    ensures wp: cx->prec == \old(cx->prec);
    ensures frame: \forall sc_iv *p; sc_ivsepn(p, s, i + 1, cx) ==> sc_ivsame{Old, Post}(p);
    ensures dot: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(s + j) == sc_ivdot{Pre}(\old(sc_ivfmt(s + j)), cx->prec, q, K + sc_idx(ldk, j, 0), dh); */
static int scores_k(sc_iv *s, const sc_iv *q, const sc_iv *K, size_t ldk, size_t i, size_t dh,
                    sc_xctx *cx)
{
    /*@ loop invariant 0 <= j <= i + 1;
        loop invariant wp: cx->prec == \at(cx->prec, Pre);
        loop invariant fmt: \forall integer k; 0 <= k <= i ==>
          sc_ivfmt(s + k) == \at(sc_ivfmt(s + k), Pre);
        loop invariant frame: \forall sc_iv *p; sc_ivsepn(p, s, i + 1, cx) ==>
          sc_ivsame{Pre, Here}(p);
        loop invariant in_q: sc_ivsame_n{Here, Pre}((sc_iv *)q, dh);
        loop invariant in_K: sc_ivsame_n{Here, Pre}((sc_iv *)K, sc_span(ldk, i + 1, dh));
        loop invariant done: \forall integer k; 0 <= k < j ==>
          sc_ivval(s + k) ==
            sc_ivdot{Pre}(\at(sc_ivfmt(s + k), Pre), cx->prec, q, K + sc_idx(ldk, k, 0), dh);
        loop assigns j, s[0 .. i], cx->f[0 .. 7][0];
        loop variant i + 1 - j; */
    for (size_t j = 0; j <= i; j++) {
        //@ assert idx: j * ldk == sc_idx(ldk, j, 0);
        //@ assert in0: 0 <= sc_idx(ldk, j, 0) && sc_idx(ldk, j, dh - 1) < sc_span(ldk, i + 1, dh);
        /*@ assert kj: \forall integer k; 0 <= k < dh ==>
              0 <= sc_idx(ldk, j, 0) + k < sc_span(ldk, i + 1, dh); */
        /*@ assert kj_f: \forall integer k; 0 <= k < dh ==>
              sc_ivval(K + (sc_idx(ldk, j, 0) + k)) == sc_ivval{Pre}(K + (sc_idx(ldk, j, 0) + k)); */
        /*@ assert kj_g: \forall integer k; 0 <= k < dh ==>
              sc_ivval((K + sc_idx(ldk, j, 0)) + k) == sc_ivval{Pre}((K + sc_idx(ldk, j, 0)) + k); */
        //@ assert kj_same: sc_ivsame_r{Here, Pre}((sc_iv *)K, sc_idx(ldk, j, 0), dh);
        /*@ assert dot_pre: sc_ivdot(sc_ivfmt(s + j), cx->prec, q, K + sc_idx(ldk, j, 0), dh)
              == sc_ivdot{Pre}(sc_ivfmt(s + j), cx->prec, q, K + sc_idx(ldk, j, 0), dh); */
        /*@ assert sep_s: \forall integer k; 0 <= k <= i && k != j ==> sc_ivsepx(s + k, s + j, cx); */
        //@ assert sep_q1: \forall integer k; 0 <= k < dh ==> \separated(q + k, s + j);
        //@ assert sep_q2: \forall integer k; 0 <= k < dh ==> \separated(q + k, cx);
        /*@ assert sep_q: \forall integer k; 0 <= k < dh ==> sc_ivsepx((sc_iv *)q + k, s + j, cx); */
        /*@ assert sep_K1: \forall integer k; 0 <= k < sc_span(ldk, i + 1, dh) ==>
              \separated(K + k, s + j); */
        /*@ assert sep_K2: \forall integer k; 0 <= k < sc_span(ldk, i + 1, dh) ==>
              \separated(K + k, cx); */
        /*@ assert sep_K: \forall integer k; 0 <= k < sc_span(ldk, i + 1, dh) ==>
              sc_ivsepx((sc_iv *)K + k, s + j, cx); */
        int rc = sc_iv_dot(&s[j], q, 1, &K[j * ldk], 1, dh, cx);
        //@ assert wp1: cx->prec == \at(cx->prec, Pre);
        /*@ assert keep: \forall integer k; 0 <= k <= i && k != j ==>
              sc_ivsame{LoopCurrent, Here}(s + k); */
        /*@ assert keep_v: \forall integer k; 0 <= k < j ==>
              sc_ivval(s + k) == \at(sc_ivval(s + k), LoopCurrent); */
        /*@ assert old_lc: \forall integer k; 0 <= k < j ==> \at(sc_ivval(s + k), LoopCurrent) ==
              sc_ivdot{Pre}(\at(sc_ivfmt(s + k), Pre), cx->prec, q, K + sc_idx(ldk, k, 0), dh); */
        /*@ assert fmt_all: \forall integer k; 0 <= k <= i ==>
              sc_ivfmt(s + k) == \at(sc_ivfmt(s + k), Pre); */
        if (rc)
            return rc;
        /*@ assert new_r: \forall integer k; j <= k <= j ==> sc_ivval(s + k) ==
              sc_ivdot{Pre}(\at(sc_ivfmt(s + k), Pre), cx->prec, q, K + sc_idx(ldk, k, 0), dh); */
        /*@ assert old_r: \forall integer k; 0 <= k < j ==> sc_ivval(s + k) ==
              sc_ivdot{Pre}(\at(sc_ivfmt(s + k), Pre), cx->prec, q, K + sc_idx(ldk, k, 0), dh); */
    }
    return SC_X_OK;
}

/* Scores s_j = q_i.k_j (j <= i) into ws->s. */
/*@ requires shape: 1 <= dh <= ldk && i < SIZE_MAX;
    requires sizes: sc_span(ldk, i + 1, dh) <= SIZE_MAX;
    requires valid: \valid(ws) && \valid(ws->s + (0 .. i)) && \valid_read(q + (0 .. dh - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, i + 1, dh) - 1));
    requires sep: \separated(ws->s + (0 .. i), ws) &&
                  \separated(ws->s + (0 .. i), q + (0 .. dh - 1)) &&
                  \separated(ws->s + (0 .. i), K + (0 .. sc_span(ldk, i + 1, dh) - 1)) &&
                  \separated(q + (0 .. dh - 1), ws) &&
                  \separated(K + (0 .. sc_span(ldk, i + 1, dh) - 1), ws);
    assigns ws->s[0 .. i], ws->cx.f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k <= i ==>
      sc_ivfmt(ws->s + k) == \old(sc_ivfmt(ws->s + k));
    ensures wp: ws->cx.prec == \old(ws->cx.prec);
    ensures keep: sc_ivsame{Old, Post}(&ws->scale) && sc_ivsame{Old, Post}(&ws->z);
    ensures frame: \forall sc_iv *p; sc_ivsepw(p, \old(ws->s), i + 1, ws) ==>
      sc_ivsame{Old, Post}(p);
    ensures dot: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(ws->s + j) ==
        sc_ivdot{Pre}(\old(sc_ivfmt(ws->s + j)), ws->cx.prec, q, K + sc_idx(ldk, j, 0), dh); */
static int scores(const sc_iv *q, const sc_iv *K, size_t ldk, size_t i, size_t dh,
                  sc_attn_ws *ws)
{
    //@ assert sep_keep: sc_ivsepn(&ws->scale, ws->s, i + 1, &ws->cx) && sc_ivsepn(&ws->z, ws->s, i + 1, &ws->cx);
    /*@ assert sep_w: \forall sc_iv *p; sc_ivsepw(p, ws->s, i + 1, ws) ==>
          sc_ivsepn(p, ws->s, i + 1, &ws->cx); */
    return scores_k(ws->s, q, K, ldk, i, dh, &ws->cx);
}

static int hard_iv(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                   size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                   const size_t *key_class, size_t *nties, size_t ns, sc_attn_ws *ws)
{
    if (!shape_ok(ws, out, ldo, Q, ldq, K, ldk, V, ldv, T, dh) || (T && (!Q || !K || !V)))
        return SC_X_EINVAL;
    if (!rows_ok(Q, ldq, T, dh) || !rows_ok(K, ldk, T, dh) || !rows_ok(V, ldv, T, dh))
        return SC_X_ENONFINITE;
    for (size_t i = 0; i < T; i++) {
        ws->fail_row = i;
        int rc = scores(&Q[i * ldq], K, ldk, i, dh, ws);
        if (rc)
            return rc;
        size_t blo = 0;
        for (size_t j = 1; j <= i; j++)
            if (mpfr_greater_p(ws->s[j].lo, ws->s[blo].lo))
                blo = j;
        size_t nc = 0;
        int points = 1, one_class = 1;
        for (size_t j = 0; j <= i; j++) {
            if (mpfr_less_p(ws->s[j].hi, ws->s[blo].lo))
                continue;
            ws->cand[nc++] = j;
            if (!mpfr_equal_p(ws->s[j].lo, ws->s[j].hi) ||
                !mpfr_equal_p(ws->s[j].lo, ws->s[blo].lo))
                points = 0;
            if (!key_class || key_class[j] != key_class[ws->cand[0]])
                one_class = 0;
        }
        if (nc > 1 && !points && !one_class)
            return SC_X_UNDECIDED;
        for (size_t c = 0; c < dh; c++) {
            sc_iv *y = &out[i * ldo + c];
            sc_iv_set_si(&ws->acc, 0);
            for (size_t a = 0; !rc && a < nc; a++)
                rc = sc_iv_add(&ws->acc, &ws->acc, &V[ws->cand[a] * ldv + c]);
            if (!rc)
                rc = sc_iv_div_ui(y, &ws->acc, (unsigned long)nc);
            if (rc)
                return rc;
        }
        if (nties)
            nties[i * ns] = nc;
    }
    return SC_X_OK;
}

int sc_attn_hard_iv(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                    size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                    const size_t *key_class, size_t *nties, sc_attn_ws *ws)
{
    return hard_iv(out, ldo, Q, ldq, K, ldk, V, ldv, T, dh, key_class, nties, 1, ws);
}

/* The scale enclosure into ws->scale: the given one, or 1/sqrt(dh). */
static int set_scale(const sc_iv *scale, size_t dh, sc_attn_ws *ws)
{
    if (scale) {
        if (!sc_iv_ok(scale))
            return SC_X_ENONFINITE;
        sc_iv_set(&ws->scale, scale);
        return SC_X_OK;
    }
    mpfr_set_ui(ws->scale.lo, (unsigned long)dh, MPFR_RNDD); /* exact: dh < 2^prec */
    mpfr_set_ui(ws->scale.hi, (unsigned long)dh, MPFR_RNDU);
    mpfr_rec_sqrt(ws->scale.lo, ws->scale.hi, MPFR_RNDD);
    mpfr_rec_sqrt(ws->scale.hi, ws->scale.hi, MPFR_RNDU);
    return SC_X_OK;
}

/* The exp enclosures of row i, in place: m = the largest upper bound of ws->s[0..i] (into
 * ws->mx; any real shift gives the same weights), then ws->s[j] = an enclosure of
 * exp(s_j - m), j <= i. NOT proved: its contract is assumed (proofs/REPORT_softmax.md); the
 * inline MPFR numerics (the 1 + 2 delta bound) are checked by the unit tests. */
/*@ requires valid: \valid(ws) && \valid(ws->s + (0 .. i));
    requires sep: \separated(ws->s + (0 .. i), ws);
    assigns ws->s[0 .. i], ws->mx[0], ws->cx.f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k <= i ==>
      sc_ivfmt(ws->s + k) == \old(sc_ivfmt(ws->s + k));
    ensures wp: ws->cx.prec == \old(ws->cx.prec);
    ensures zkeep: sc_ivsame{Old, Post}(&ws->z) && sc_ivsame{Old, Post}(&ws->scale);
    ensures frame: \forall sc_iv *p; sc_ivsepw(p, ws->s, i + 1, ws) ==> sc_ivsame{Old, Post}(p);
    ensures mprec: ws->mx[0]._mpfr_prec == \old(ws->mx[0]._mpfr_prec);
    ensures shift: \result == 0 ==>
      sc_fval(&ws->mx[0]) == \old(sc_mshift(ws->mx[0]._mpfr_prec, ws->s, i + 1));
    ensures exp: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(ws->s + j) == sc_ivexpsh(sc_ivfmt(ws->s + j), ws->cx.prec,
                                        \old(sc_ivval(ws->s + j)), sc_fval(&ws->mx[0])); */
static int softmax_exps(size_t i, sc_attn_ws *ws)
{
    int rc;
    mpfr_set(ws->mx, ws->s[0].hi, MPFR_RNDU);
    for (size_t j = 1; j <= i; j++)
        if (mpfr_greater_p(ws->s[j].hi, ws->mx))
            mpfr_set(ws->mx, ws->s[j].hi, MPFR_RNDU);
    mpfr_ptr d = ws->cx.f[6], u = ws->cx.f[7];
    for (size_t j = 0; j <= i; j++) {
        sc_iv *s = &ws->s[j];
        mpfr_sub(s->lo, s->lo, ws->mx, MPFR_RNDD);
        mpfr_sub(s->hi, s->hi, ws->mx, MPFR_RNDU);
        /* One exp per score: with delta = hi - lo (rounded up) <= 1/2,
         * exp(hi) = exp(lo) e^delta <= RU(exp(lo)) (1 + 2 delta) since e^delta <= 1 + 2 delta
         * for 0 <= delta <= 1. RU(exp(lo)) is the successor of RD(exp(lo)) unless exact. */
        mpfr_sub(d, s->hi, s->lo, MPFR_RNDU);
        if (mpfr_cmp_d(d, 0.5) > 0) {
            rc = sc_iv_exp(s, s); /* wide score enclosure: both bounds */
            if (rc)
                return rc;
            continue;
        }
        int inexact = mpfr_exp(u, s->lo, MPFR_RNDD);
        mpfr_set(s->lo, u, MPFR_RNDD);
        if (inexact)
            mpfr_nextabove(u);
        mpfr_mul_2ui(d, d, 1, MPFR_RNDU);
        mpfr_add_ui(d, d, 1, MPFR_RNDU);
        mpfr_mul(s->hi, u, d, MPFR_RNDU);
        rc = sc_iv_ok(s) ? SC_X_OK : SC_X_EOVERFLOW;
        if (rc)
            return rc;
    }
    return SC_X_OK;
}

/* s[j] = s[j] (x) scale, j <= i. Proved (prove_softmax.sh). */
/*@ requires shape: i < SIZE_MAX;
    requires valid: \valid(s + (0 .. i)) && \valid_read(scale) && \valid(cx);
    requires sep: \separated(s + (0 .. i), cx) && \separated(s + (0 .. i), scale) &&
                  \separated(scale, cx);
    assigns s[0 .. i], cx->f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \old(sc_ivfmt(s + k));
    ensures wp: cx->prec == \old(cx->prec);
    ensures frame: \forall sc_iv *p; sc_ivsepn(p, s, i + 1, cx) ==> sc_ivsame{Old, Post}(p);
    ensures skeep: sc_ivsame{Old, Post}((sc_iv *)scale);
    ensures mul: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(s + j) ==
        sc_ivmul(\old(sc_ivfmt(s + j)), cx->prec, \old(sc_ivval(s + j)), \old(sc_ivval(scale))); */
static int scale_k(sc_iv *s, size_t i, const sc_iv *scale, sc_xctx *cx)
{
    int rc = SC_X_OK;
    /*@ loop invariant 0 <= j <= i + 1;
        loop invariant wp: cx->prec == \at(cx->prec, Pre);
        loop invariant fmt: \forall integer k; 0 <= k <= i ==>
          sc_ivfmt(s + k) == \at(sc_ivfmt(s + k), Pre);
        loop invariant frame: \forall sc_iv *p; sc_ivsepn(p, s, i + 1, cx) ==>
          sc_ivsame{Pre, Here}(p);
        loop invariant sc: sc_ivval(scale) == \at(sc_ivval(scale), Pre);
        loop invariant done: rc == 0 ==> \forall integer k; 0 <= k < j ==>
          sc_ivval(s + k) == sc_ivmul(\at(sc_ivfmt(s + k), Pre), cx->prec,
                                      \at(sc_ivval(s + k), Pre), \at(sc_ivval(scale), Pre));
        loop invariant todo: \forall integer k; j <= k <= i ==>
          sc_ivval(s + k) == \at(sc_ivval(s + k), Pre);
        loop assigns j, rc, s[0 .. i], cx->f[0 .. 7][0];
        loop variant i + 1 - j; */
    for (size_t j = 0; !rc && j <= i; j++) {
        /*@ assert sep_s: \forall integer k; 0 <= k <= i && k != j ==> sc_ivsepx(s + k, s + j, cx); */
        //@ assert sep_scale: sc_ivsepx((sc_iv *)scale, s + j, cx);
        rc = sc_iv_mul(&s[j], &s[j], scale, cx);
        /*@ assert keep: \forall integer k; 0 <= k <= i && k != j ==>
              sc_ivsame{LoopCurrent, Here}(s + k); */
        /*@ assert new_r: rc == 0 ==> \forall integer k; j <= k <= j ==>
              sc_ivval(s + k) == sc_ivmul(\at(sc_ivfmt(s + k), Pre), cx->prec,
                                          \at(sc_ivval(s + k), Pre), \at(sc_ivval(scale), Pre)); */
    }
    return rc;
}

/* Row i of softmax: ws->s[j] = e_ij (exp enclosures, j <= i), ws->z = their sum. Contract:
 * e_j = expsh((q.k_j) (x) scale, m) for exactly the j <= i, and z = sc_ivsum of those same
 * e_0 .. e_i. Proved (prove_softmax.sh). */
/*@ requires shape: 1 <= dh <= ldk && i < SIZE_MAX;
    requires sizes: sc_span(ldk, i + 1, dh) <= SIZE_MAX;
    requires valid: \valid(ws) && \valid(ws->s + (0 .. i)) && \valid_read(q + (0 .. dh - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, i + 1, dh) - 1));
    requires sep: \separated(ws->s + (0 .. i), ws) &&
                  \separated(ws->s + (0 .. i), q + (0 .. dh - 1)) &&
                  \separated(ws->s + (0 .. i), K + (0 .. sc_span(ldk, i + 1, dh) - 1)) &&
                  \separated(q + (0 .. dh - 1), ws) &&
                  \separated(K + (0 .. sc_span(ldk, i + 1, dh) - 1), ws);
    assigns ws->s[0 .. i], ws->z, ws->mx[0], ws->cx.f[0 .. 7][0];
    ensures sptr: ws->s == \old(ws->s);
    ensures frame: \forall sc_iv *p; sc_ivsepw(p, \old(ws->s), i + 1, ws) ==>
      sc_ivsame{Old, Post}(p);
    ensures fmt: \forall integer k; 0 <= k <= i ==>
      sc_ivfmt(\old(ws->s) + k) == \old(sc_ivfmt(ws->s + k));
    ensures zfmt: sc_ivfmt(&ws->z) == \old(sc_ivfmt(&ws->z));
    ensures exps: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(ws->s + j) ==
        sc_ivexpsh(sc_ivfmt(ws->s + j), ws->cx.prec,
                   sc_sscore{Pre}(sc_ivfmt(ws->s + j), ws->cx.prec, q, K, ldk, j, dh,
                                  \old(sc_ivval(&ws->scale))),
                   sc_fval(&ws->mx[0]));
    ensures norm: \result == 0 ==>
      sc_ivval(&ws->z) == sc_ivsum(sc_ivfmt(&ws->z), ws->cx.prec, ws->s, i + 1);
    ensures mprec: ws->mx[0]._mpfr_prec == \old(ws->mx[0]._mpfr_prec);
    ensures skeep: sc_ivsame{Old, Post}(&ws->scale);
    ensures shift: \result == 0 ==>
      sc_fval(&ws->mx[0]) ==
        sc_rshift{Pre}(\old(ws->mx[0]._mpfr_prec), ws->cx.prec, \old(ws->s), q, K, ldk, dh,
                       \old(sc_ivval(&ws->scale)), i + 1); */
static int softmax_row(const sc_iv *q, const sc_iv *K, size_t ldk, size_t i, size_t dh,
                       sc_attn_ws *ws)
{
    sc_iv *s = ws->s;
    int rc = scores(q, K, ldk, i, dh, ws);
    //@ assert ptr0: ws->s == s && s == \at(ws->s, Pre);
    //@ assert fr0: \forall sc_iv *p; sc_ivsepw(p, s, i + 1, ws) ==> sc_ivsame{Pre, Here}(p);
    //@ assert wp0: ws->cx.prec == \at(ws->cx.prec, Pre);
    //@ assert z0: sc_ivfmt(&ws->z) == \at(sc_ivfmt(&ws->z), Pre);
    //@ assert sc0: sc_ivval(&ws->scale) == \at(sc_ivval(&ws->scale), Pre);
    /*@ assert d0: rc == 0 ==> \forall integer j; 0 <= j <= i ==>
          sc_ivval(s + j) == sc_ivdot{Pre}(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec, q,
                                           K + sc_idx(ldk, j, 0), dh); */
    //@ assert sep_zs: sc_ivsepn(&ws->z, s, i + 1, &ws->cx);
    if (!rc)
        rc = scale_k(s, i, &ws->scale, &ws->cx);
    /*@ assert v1: rc == 0 ==> \forall integer j; 0 <= j <= i ==>
          sc_ivval(s + j) == sc_sscore{Pre}(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec, q, K,
                                            ldk, j, dh, \at(sc_ivval(&ws->scale), Pre)); */
    //@ assert ptr1: ws->s == s && s == \at(ws->s, Pre);
    //@ assert fr1: \forall sc_iv *p; sc_ivsepw(p, s, i + 1, ws) ==> sc_ivsame{Pre, Here}(p);
    //@ assert z1: sc_ivfmt(&ws->z) == \at(sc_ivfmt(&ws->z), Pre);
    //@ assert fmt1: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \at(sc_ivfmt(ws->s + k), Pre);
    if (rc)
        return rc;
    //@ assert mp1: ws->mx[0]._mpfr_prec == \at(ws->mx[0]._mpfr_prec, Pre);
    SC_PROOF_LABEL(L_exps)
    rc = softmax_exps(i, ws);
    //@ assert ptr2: ws->s == s;
    //@ assert wp2: ws->cx.prec == \at(ws->cx.prec, L_exps);
    //@ assert fr2: \forall sc_iv *p; sc_ivsepw(p, s, i + 1, ws) ==> sc_ivsame{Pre, Here}(p);
    /*@ assert e2: rc == 0 ==> \forall integer j; 0 <= j <= i ==>
          sc_ivval(s + j) == sc_ivexpsh(sc_ivfmt(s + j), ws->cx.prec, \at(sc_ivval(s + j), L_exps),
                                        sc_fval(&ws->mx[0])); */
    //@ assert z2: sc_ivfmt(&ws->z) == \at(sc_ivfmt(&ws->z), Pre);
    //@ assert fmt2a: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \at(sc_ivfmt(s + k), L_exps);
    /*@ assert fmt2b: \forall integer k; 0 <= k <= i ==>
          sc_ivfmt(s + k) == \at(sc_ivfmt(s + k), L_exps) &&
          \at(sc_ivfmt(s + k), L_exps) == \at(sc_ivfmt(ws->s + k), Pre); */
    //@ assert fmt2: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \at(sc_ivfmt(ws->s + k), Pre);
    /*@ assert v2: rc == 0 ==> \forall integer j; 0 <= j <= i ==>
          sc_ivval(s + j) ==
            sc_ivexpsh(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec,
                       sc_sscore{Pre}(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec, q, K, ldk, j, dh,
                                      \at(sc_ivval(&ws->scale), Pre)),
                       sc_fval(&ws->mx[0])); */
    if (rc)
        return rc;
    /*@ assert sh2: sc_fval(&ws->mx[0]) ==
          sc_mshift{L_exps}(\at(ws->mx[0]._mpfr_prec, Pre), s, i + 1); */
    /*@ assert sh2r: sc_fval(&ws->mx[0]) ==
          sc_rshift{Pre}(\at(ws->mx[0]._mpfr_prec, Pre), ws->cx.prec, s, q, K, ldk, dh,
                         \at(sc_ivval(&ws->scale), Pre), i + 1); */
    /*@ assert sep_z: \forall integer k; 0 <= k <= i ==> sc_ivsepx(s + k, &ws->z, &ws->cx); */
    //@ assert sep_mx: sc_fsepx(&ws->mx[0], &ws->z, &ws->cx);
    //@ assert sep_sk2: sc_ivsepx(&ws->scale, &ws->z, &ws->cx);
    SC_PROOF_LABEL(L_sum)
    rc = sc_iv_sum(&ws->z, s, 1, i + 1, &ws->cx);
    //@ assert ptr3: ws->s == s;
    /*@ assert fr3: \forall sc_iv *p; sc_ivsepw(p, s, i + 1, ws) ==>
          sc_ivsepx(p, &ws->z, &ws->cx) && sc_ivsame{Pre, Here}(p); */
    //@ assert s_keep: \forall integer k; 0 <= k <= i ==> sc_ivsame{L_sum, Here}(s + k);
    //@ assert s_same: sc_ivsame_n{L_sum, Here}(s, i + 1);
    //@ assert fmt3: \forall integer k; 0 <= k <= i ==> sc_ivfmt(s + k) == \at(sc_ivfmt(ws->s + k), Pre);
    //@ assert z3: sc_ivfmt(&ws->z) == \at(sc_ivfmt(&ws->z), Pre);
    //@ assert mx3: sc_fval(&ws->mx[0]) == \at(sc_fval(&ws->mx[0]), L_sum);
    //@ assert wp3: ws->cx.prec == \at(ws->cx.prec, L_sum);
    //@ assert v3a: \forall integer j; 0 <= j <= i ==> sc_ivval(s + j) == \at(sc_ivval(s + j), L_sum);
    /*@ assert v3: rc == 0 ==> \forall integer j; 0 <= j <= i ==>
          sc_ivval(s + j) ==
            sc_ivexpsh(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec,
                       sc_sscore{Pre}(\at(sc_ivfmt(ws->s + j), Pre), ws->cx.prec, q, K, ldk, j, dh,
                                      \at(sc_ivval(&ws->scale), Pre)),
                       sc_fval(&ws->mx[0])); */
    //@ assert n3: rc == 0 ==> sc_ivval(&ws->z) == sc_ivsum(sc_ivfmt(&ws->z), ws->cx.prec, s, i + 1);
    if (!rc && mpfr_sgn(ws->z.lo) <= 0)
        rc = SC_X_EOVERFLOW; /* exp underflowed to 0 (scores ~ 10^9 apart) */
    return rc;
}

/* acc[c] = [0, 0], c < dh. Proved (prove_softmax.sh). */
/*@ requires valid: \valid(acc + (0 .. dh - 1));
    assigns acc[0 .. dh - 1];
    ensures fmt: \forall integer k; 0 <= k < dh ==> sc_ivfmt(acc + k) == \old(sc_ivfmt(acc + k));
    ensures frame: \forall sc_iv *p; sc_ivsepr(p, acc, dh) ==> sc_ivsame{Old, Post}(p);
    ensures fframe: \forall __mpfr_struct *y; \separated(y, acc + (0 .. dh - 1)) ==>
      sc_fval(y) == \old(sc_fval(y));
    ensures zero: \forall integer k; 0 <= k < dh ==>
      sc_ivval(acc + k) == sc_ivsi(\old(sc_ivfmt(acc + k)), 0); */
static void zero_k(sc_iv *acc, size_t dh)
{
    /*@ loop invariant 0 <= c <= dh;
        loop invariant fmt: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(acc + k) == \at(sc_ivfmt(acc + k), Pre);
        loop invariant zero: \forall integer k; 0 <= k < c ==>
          sc_ivval(acc + k) == sc_ivsi(\at(sc_ivfmt(acc + k), Pre), 0);
        loop invariant frame: \forall sc_iv *p; sc_ivsepr(p, acc, dh) ==> sc_ivsame{Pre, Here}(p);
        loop invariant fframe: \forall __mpfr_struct *y; \separated(y, acc + (0 .. dh - 1)) ==>
          sc_fval(y) == \at(sc_fval(y), Pre);
        loop assigns c, acc[0 .. dh - 1];
        loop variant dh - c; */
    for (size_t c = 0; c < dh; c++) {
        //@ assert sep_lo: \forall integer k; 0 <= k < c ==> sc_ivsep(acc + k, acc + c);
        //@ assert sep_hi: \forall integer k; c < k < dh ==> sc_ivsep(acc + k, acc + c);
        sc_iv_set_si(&acc[c], 0);
        //@ assert keep_lo: \forall integer k; 0 <= k < c ==> sc_ivsame{LoopCurrent, Here}(acc + k);
        //@ assert keep_hi: \forall integer k; c < k < dh ==> sc_ivsame{LoopCurrent, Here}(acc + k);
        /*@ assert z_new: \forall integer k; c <= k <= c ==>
              sc_ivval(acc + k) == sc_ivsi(\at(sc_ivfmt(acc + k), Pre), 0); */
    }
}

/* acc[c] = acc[c] + ej (x) v[c], c < dh: one row j of the weighted sum. Proved
 * (prove_softmax.sh). A helper of its own so that each WP goal of softmax_out sees one call
 * that havocs exactly acc[0 .. dh-1], not an inner loop. */
/*@ requires shape: 1 <= dh;
    requires valid: \valid(acc + (0 .. dh - 1)) && \valid_read(ej) &&
                    \valid_read(v + (0 .. dh - 1)) && \valid(cx);
    requires sep: \separated(acc + (0 .. dh - 1), ej, v + (0 .. dh - 1), cx);
    assigns acc[0 .. dh - 1], cx->f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k < dh ==> sc_ivfmt(acc + k) == \old(sc_ivfmt(acc + k));
    ensures wp: cx->prec == \old(cx->prec);
    ensures frame: \forall sc_iv *p; sc_ivsepn(p, acc, dh, cx) ==> sc_ivsame{Old, Post}(p);
    ensures fframe: \forall __mpfr_struct *y; sc_fsepn(y, acc, dh, cx) ==>
      sc_fval(y) == \old(sc_fval(y));
    ensures addmul: \result == 0 ==> \forall integer k; 0 <= k < dh ==>
      sc_ivval(acc + k) ==
        sc_ivaddmul(\old(sc_ivfmt(acc + k)), cx->prec, \old(sc_ivval(acc + k)),
                    \old(sc_ivval(ej)), \old(sc_ivval(v + k))); */
static int addmul_k(sc_iv *acc, const sc_iv *ej, const sc_iv *v, size_t dh, sc_xctx *cx)
{
    int rc = SC_X_OK;
    /* No upper bound c <= dh in the invariant: with it, the exit made WP's simplifier
     * substitute dh by c in the goal only, and `addmul` took 50-120 s (REPORT_softmax.md). */
    /*@ loop invariant 0 <= c;
        loop invariant wp: cx->prec == \at(cx->prec, Pre);
        loop invariant fmt: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(acc + k) == \at(sc_ivfmt(acc + k), Pre);
        loop invariant frame: \forall sc_iv *p; sc_ivsepn(p, acc, dh, cx) ==> sc_ivsame{Pre, Here}(p);
        loop invariant fframe: \forall __mpfr_struct *y; sc_fsepn(y, acc, dh, cx) ==>
          sc_fval(y) == \at(sc_fval(y), Pre);
        loop invariant ej: sc_ivval(ej) == \at(sc_ivval(ej), Pre);
        loop invariant v: \forall integer k; 0 <= k < dh ==> sc_ivval(v + k) == \at(sc_ivval(v + k), Pre);
        loop invariant done: rc == 0 ==> \forall integer k; 0 <= k < c ==>
          sc_ivval(acc + k) ==
            sc_ivaddmul(\at(sc_ivfmt(acc + k), Pre), cx->prec, \at(sc_ivval(acc + k), Pre),
                        \at(sc_ivval(ej), Pre), \at(sc_ivval(v + k), Pre));
        loop invariant todo: \forall integer k; c <= k < dh ==>
          sc_ivval(acc + k) == \at(sc_ivval(acc + k), Pre);
        loop assigns c, rc, acc[0 .. dh - 1], cx->f[0 .. 7][0];
        loop variant dh - c; */
    for (size_t c = 0; !rc && c < dh; c++) {
        //@ assert sep_lo: \forall integer k; 0 <= k < c ==> sc_ivsepx(acc + k, acc + c, cx);
        //@ assert sep_hi: \forall integer k; c < k < dh ==> sc_ivsepx(acc + k, acc + c, cx);
        //@ assert sep_ej: sc_ivsepx((sc_iv *)ej, acc + c, cx);
        //@ assert sep_v: \forall integer k; 0 <= k < dh ==> sc_ivsepx((sc_iv *)v + k, acc + c, cx);
        //@ assert sep_any: \forall sc_iv *p; sc_ivsepn(p, acc, dh, cx) ==> sc_ivsepx(p, acc + c, cx);
        rc = sc_iv_addmul(&acc[c], ej, &v[c], cx);
        /*@ assert keep: \forall integer k; 0 <= k < dh && k != c ==>
              sc_ivsame{LoopCurrent, Here}(acc + k); */
        //@ assert keep_ej: sc_ivsame{LoopCurrent, Here}((sc_iv *)ej);
        //@ assert keep_v: \forall integer k; 0 <= k < dh ==> sc_ivsame{LoopCurrent, Here}((sc_iv *)v + k);
        /*@ assert new_r: rc == 0 ==> \forall integer k; c <= k <= c ==>
              sc_ivval(acc + k) ==
                sc_ivaddmul(\at(sc_ivfmt(acc + k), Pre), cx->prec, \at(sc_ivval(acc + k), Pre),
                            \at(sc_ivval(ej), Pre), \at(sc_ivval(v + k), Pre)); */
    }
    return rc;
}

/* o[c] = acc[c] / z, c < dh: one and the same normaliser z for every column. Proved
 * (prove_softmax.sh). */
/*@ requires shape: 1 <= dh;
    requires valid: \valid(o + (0 .. dh - 1)) && \valid_read(acc + (0 .. dh - 1)) &&
                    \valid_read(z) && \valid(cx);
    requires sep: \separated(o + (0 .. dh - 1), acc + (0 .. dh - 1), z, cx);
    assigns o[0 .. dh - 1], cx->f[0 .. 7][0];
    ensures fmt: \forall integer k; 0 <= k < dh ==> sc_ivfmt(o + k) == \old(sc_ivfmt(o + k));
    ensures wp: cx->prec == \old(cx->prec);
    ensures frame: \forall sc_iv *p; sc_ivsepn(p, o, dh, cx) ==> sc_ivsame{Old, Post}(p);
    ensures fframe: \forall __mpfr_struct *y; sc_fsepn(y, o, dh, cx) ==>
      sc_fval(y) == \old(sc_fval(y));
    ensures div: \result == 0 ==> \forall integer k; 0 <= k < dh ==>
      sc_ivval(o + k) ==
        sc_ivdiv(\old(sc_ivfmt(o + k)), cx->prec, \old(sc_ivval(acc + k)), \old(sc_ivval(z))); */
static int div_k(sc_iv *o, const sc_iv *acc, const sc_iv *z, size_t dh, sc_xctx *cx)
{
    int rc = SC_X_OK;
    /*@ loop invariant 0 <= c <= dh;
        loop invariant wp: cx->prec == \at(cx->prec, Pre);
        loop invariant fmt: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(o + k) == \at(sc_ivfmt(o + k), Pre);
        loop invariant frame: \forall sc_iv *p; sc_ivsepn(p, o, dh, cx) ==> sc_ivsame{Pre, Here}(p);
        loop invariant fframe: \forall __mpfr_struct *y; sc_fsepn(y, o, dh, cx) ==>
          sc_fval(y) == \at(sc_fval(y), Pre);
        loop invariant z: sc_ivval(z) == \at(sc_ivval(z), Pre);
        loop invariant acc: \forall integer k; 0 <= k < dh ==>
          sc_ivval(acc + k) == \at(sc_ivval(acc + k), Pre);
        loop invariant done: rc == 0 ==> \forall integer k; 0 <= k < c ==>
          sc_ivval(o + k) ==
            sc_ivdiv(\at(sc_ivfmt(o + k), Pre), cx->prec, \at(sc_ivval(acc + k), Pre),
                     \at(sc_ivval(z), Pre));
        loop assigns c, rc, o[0 .. dh - 1], cx->f[0 .. 7][0];
        loop variant dh - c; */
    for (size_t c = 0; !rc && c < dh; c++) {
        //@ assert sep_lo: \forall integer k; 0 <= k < c ==> sc_ivsepx(o + k, o + c, cx);
        //@ assert sep_hi: \forall integer k; c < k < dh ==> sc_ivsepx(o + k, o + c, cx);
        //@ assert sep_acc: \forall integer k; 0 <= k < dh ==> sc_ivsepx((sc_iv *)acc + k, o + c, cx);
        //@ assert sep_z: sc_ivsepx((sc_iv *)z, o + c, cx);
        //@ assert sep_any: \forall sc_iv *p; sc_ivsepn(p, o, dh, cx) ==> sc_ivsepx(p, o + c, cx);
        rc = sc_iv_div(&o[c], &acc[c], z, cx);
        /*@ assert keep: \forall integer k; 0 <= k < dh && k != c ==>
              sc_ivsame{LoopCurrent, Here}(o + k); */
        //@ assert keep_z: sc_ivsame{LoopCurrent, Here}((sc_iv *)z);
        /*@ assert keep_acc: \forall integer k; 0 <= k < dh ==>
              sc_ivsame{LoopCurrent, Here}((sc_iv *)acc + k); */
        /*@ assert new_r: rc == 0 ==> \forall integer k; c <= k <= c ==>
              sc_ivval(o + k) ==
                sc_ivdiv(\at(sc_ivfmt(o + k), Pre), cx->prec, \at(sc_ivval(acc + k), Pre),
                         \at(sc_ivval(z), Pre)); */
    }
    return rc;
}

/* Row i of the output from the row's exp enclosures e[0..i] and their sum z: acc[c] =
 * sum_{j<=i} e_j (x) V[j][c], accumulated row by row of V (contiguous reads), then
 * o[c] = acc[c] / z. Contract: the causal prefix j <= i, one and the same z for every column,
 * o[c] = sc_ivdiv(sc_wsum(e, V, c, i + 1), z). Proved (prove_softmax.sh). */
/*@ requires shape: 1 <= dh <= ldv && i < SIZE_MAX;
    requires sizes: sc_span(ldv, i + 1, dh) <= SIZE_MAX;
    requires valid: \valid(o + (0 .. dh - 1)) && \valid(acc + (0 .. dh - 1)) &&
                    \valid_read(e + (0 .. i)) && \valid_read(z) &&
                    \valid_read(V + (0 .. sc_span(ldv, i + 1, dh) - 1)) && \valid(cx);
    requires sep: \separated(o + (0 .. dh - 1), acc + (0 .. dh - 1), e + (0 .. i), z,
                             V + (0 .. sc_span(ldv, i + 1, dh) - 1), cx);
    assigns o[0 .. dh - 1], acc[0 .. dh - 1], cx->f[0 .. 7][0];
    ensures wp: cx->prec == \old(cx->prec);
    ensures ofmt: \forall integer c; 0 <= c < dh ==> sc_ivfmt(o + c) == \old(sc_ivfmt(o + c));
    ensures afmt: \forall integer c; 0 <= c < dh ==> sc_ivfmt(acc + c) == \old(sc_ivfmt(acc + c));
    ensures frame: \forall sc_iv *p; sc_ivsepo(p, o, acc, dh, cx) ==> sc_ivsame{Old, Post}(p);
    ensures fframe: \forall __mpfr_struct *y; sc_fsepo(y, o, acc, dh, cx) ==>
      sc_fval(y) == \old(sc_fval(y));
    ensures out: \result == 0 ==> \forall integer c; 0 <= c < dh ==>
      sc_ivval(o + c) ==
        sc_ivdiv(\old(sc_ivfmt(o + c)), cx->prec,
                 sc_wsum{Pre}(\old(sc_ivfmt(acc + c)), cx->prec, e, V, ldv, c, i + 1),
                 \old(sc_ivval(z))); */
static int softmax_out(sc_iv *o, const sc_iv *V, size_t ldv, size_t i, size_t dh,
                       const sc_iv *e, const sc_iv *z, sc_iv *acc, sc_xctx *cx)
{
    int rc = SC_X_OK;
    zero_k(acc, dh);
    /*@ assert zero_all: \forall integer k; 0 <= k < dh ==>
          sc_ivval(acc + k) == sc_wsum{Pre}(sc_ivfmt(acc + k), cx->prec, e, V, ldv, k, 0); */
    size_t j;
    /*@ loop invariant 0 <= j <= i + 1;
        loop invariant wp: cx->prec == \at(cx->prec, Pre);
        loop invariant afmt: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(acc + k) == \at(sc_ivfmt(acc + k), Pre);
        loop invariant in_e: \forall integer k; 0 <= k <= i ==>
          sc_ivval(e + k) == \at(sc_ivval(e + k), Pre);
        loop invariant in_V: \forall integer k; 0 <= k < sc_span(ldv, i + 1, dh) ==>
          sc_ivval(V + k) == \at(sc_ivval(V + k), Pre);
        loop invariant in_z: sc_ivval(z) == \at(sc_ivval(z), Pre);
        loop invariant frame: \forall sc_iv *p; sc_ivsepo(p, o, acc, dh, cx) ==>
          sc_ivsame{Pre, Here}(p);
        loop invariant fframe: \forall __mpfr_struct *y; sc_fsepo(y, o, acc, dh, cx) ==>
          sc_fval(y) == \at(sc_fval(y), Pre);
        loop invariant ofmt: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(o + k) == \at(sc_ivfmt(o + k), Pre);
        loop invariant acc: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
          sc_ivval(acc + k) == sc_wsum{Pre}(sc_ivfmt(acc + k), cx->prec, e, V, ldv, k, j);
        loop assigns j, rc, acc[0 .. dh - 1], cx->f[0 .. 7][0];
        loop variant i + 1 - j; */
    for (j = 0; !rc && j <= i; j++) {
        //@ assert idx: \forall integer k; 0 <= k < dh ==> j * ldv + k == sc_idx(ldv, j, k);
        //@ assert in_rng: 0 <= sc_idx(ldv, j, 0) && sc_idx(ldv, j, dh - 1) < sc_span(ldv, i + 1, dh);
        /*@ assert a_old: \forall integer k; 0 <= k < dh ==>
              sc_ivval(acc + k) == sc_wsum{Pre}(sc_ivfmt(acc + k), cx->prec, e, V, ldv, k, j); */
        //@ assert sep_e: \forall integer k; 0 <= k <= i ==> sc_ivsepn((sc_iv *)e + k, acc, dh, cx);
        /*@ assert sep_V: \forall integer k; 0 <= k < sc_span(ldv, i + 1, dh) ==>
              sc_ivsepn((sc_iv *)V + k, acc, dh, cx); */
        //@ assert sep_z: sc_ivsepn((sc_iv *)z, acc, dh, cx);
        //@ assert sep_o: \forall integer k; 0 <= k < dh ==> sc_ivsepn(o + k, acc, dh, cx);
        SC_PROOF_LABEL(L_row)
        rc = addmul_k(acc, &e[j], &V[j * ldv], dh, cx);
        //@ assert keep_e: \forall integer k; 0 <= k <= i ==> sc_ivsame{L_row, Here}((sc_iv *)e + k);
        /*@ assert keep_V: \forall integer k; 0 <= k < sc_span(ldv, i + 1, dh) ==>
              sc_ivsame{L_row, Here}((sc_iv *)V + k); */
        //@ assert keep_z: sc_ivsame{L_row, Here}((sc_iv *)z);
        //@ assert keep_o: \forall integer k; 0 <= k < dh ==> sc_ivsame{L_row, Here}(o + k);
        /*@ assert a_new: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
              sc_ivval(acc + k) ==
                sc_ivaddmul(sc_ivfmt(acc + k), cx->prec,
                            \at(sc_ivval(acc + k), L_row), sc_ivval{Pre}((sc_iv *)e + j),
                            sc_ivval{Pre}((sc_iv *)V + sc_idx(ldv, j, k))); */
        /*@ assert a_sum: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
              sc_ivval(acc + k) ==
                sc_wsum{Pre}(sc_ivfmt(acc + k), cx->prec, e, V, ldv, k, j + 1); */
    }
    //@ assert j_end: rc == 0 ==> j == i + 1;
    /*@ assert acc_end: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
          sc_ivval(acc + k) ==
            sc_wsum{Pre}(\at(sc_ivfmt(acc + k), Pre), cx->prec, e, V, ldv, k, j); */
    /*@ assert acc_fin: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
          sc_ivval(acc + k) ==
            sc_wsum{Pre}(\at(sc_ivfmt(acc + k), Pre), cx->prec, e, V, ldv, k, i + 1); */
    if (rc)
        return rc;
    //@ assert sep_acc: \forall integer k; 0 <= k < dh ==> sc_ivsepn(acc + k, o, dh, cx);
    SC_PROOF_LABEL(L_div)
    rc = div_k(o, acc, z, dh, cx);
    //@ assert keep_acc: \forall integer k; 0 <= k < dh ==> sc_ivsame{L_div, Here}(acc + k);
    /*@ assert afmt_d: \forall integer k; 0 <= k < dh ==>
          sc_ivfmt(acc + k) == \at(sc_ivfmt(acc + k), Pre); */
    /*@ assert o_new: rc == 0 ==> \forall integer k; 0 <= k < dh ==>
          sc_ivval(o + k) ==
            sc_ivdiv(\at(sc_ivfmt(o + k), Pre), cx->prec, \at(sc_ivval(acc + k), L_div),
                     \at(sc_ivval(z), Pre)); */
    return rc;
}

/* Row i of softmax attention, the composition of softmax_row and softmax_out on the
 * workspace: the same e_0 .. e_i (ws->s) weight the values and make the normaliser ws->z.
 * Contract: e_j = expsh(s_ij, m) with one shift m for every j <= i, z = sc_ivsum(e_0 .. e_i),
 * o[c] = sc_ivdiv(sc_wsum(e, V, c, i + 1), z): out_i = sum_{j<=i} e_j v_j / sum_{j<=i} e_j.
 * Proved (prove_softmax.sh). */
/*@ requires shape: 1 <= dh && dh <= ldk && dh <= ldv && i < SIZE_MAX;
    requires sizes: sc_span(ldk, i + 1, dh) <= SIZE_MAX && sc_span(ldv, i + 1, dh) <= SIZE_MAX;
    requires valid: \valid(ws) && \valid(ws->s + (0 .. i)) && \valid(ws->vacc + (0 .. dh - 1)) &&
                    \valid(o + (0 .. dh - 1)) && \valid_read(q + (0 .. dh - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, i + 1, dh) - 1)) &&
                    \valid_read(V + (0 .. sc_span(ldv, i + 1, dh) - 1));
    requires sep: \separated(ws->s + (0 .. i), ws) &&
                  \separated(ws->s + (0 .. i), q + (0 .. dh - 1)) &&
                  \separated(ws->s + (0 .. i), K + (0 .. sc_span(ldk, i + 1, dh) - 1)) &&
                  \separated(q + (0 .. dh - 1), ws) &&
                  \separated(K + (0 .. sc_span(ldk, i + 1, dh) - 1), ws) &&
                  \separated(o + (0 .. dh - 1), ws->vacc + (0 .. dh - 1), ws->s + (0 .. i),
                              V + (0 .. sc_span(ldv, i + 1, dh) - 1), ws);
    assigns ws->s[0 .. i], ws->z, ws->mx[0], ws->cx.f[0 .. 7][0], o[0 .. dh - 1],
            ws->vacc[0 .. dh - 1];
    ensures exps: \result == 0 ==> \forall integer j; 0 <= j <= i ==>
      sc_ivval(\old(ws->s) + j) ==
        sc_ivexpsh(sc_ivfmt(\old(ws->s) + j), ws->cx.prec,
                   sc_sscore{Pre}(sc_ivfmt(\old(ws->s) + j), ws->cx.prec, q, K, ldk, j, dh,
                                  \old(sc_ivval(&ws->scale))),
                   sc_fval(&ws->mx[0]));
    ensures norm: \result == 0 ==>
      sc_ivval(&ws->z) == sc_ivsum(sc_ivfmt(&ws->z), ws->cx.prec, \old(ws->s), i + 1);
    ensures out: \result == 0 ==> \forall integer c; 0 <= c < dh ==>
      sc_ivval(o + c) ==
        sc_ivdiv(\old(sc_ivfmt(o + c)), ws->cx.prec,
                 sc_wsum(\old(sc_ivfmt(ws->vacc + c)), ws->cx.prec, \old(ws->s), V, ldv, c,
                         i + 1),
                 sc_ivval(&ws->z));
    ensures wp: ws->cx.prec == \old(ws->cx.prec);
    ensures ptrs: ws->s == \old(ws->s);
    ensures sfmt: \forall integer k; 0 <= k <= i ==>
      sc_ivfmt(\old(ws->s) + k) == \old(sc_ivfmt(ws->s + k));
    ensures zfmt: sc_ivfmt(&ws->z) == \old(sc_ivfmt(&ws->z));
    ensures afmt: \forall integer c; 0 <= c < dh ==>
      sc_ivfmt(\old(ws->vacc) + c) == \old(sc_ivfmt(ws->vacc + c));
    ensures ofmt: \forall integer c; 0 <= c < dh ==> sc_ivfmt(o + c) == \old(sc_ivfmt(o + c));
    ensures skeep: sc_ivsame{Old, Post}(&ws->scale);
    ensures mprec: ws->mx[0]._mpfr_prec == \old(ws->mx[0]._mpfr_prec);
    ensures frame: \forall sc_iv *p; sc_ivsepa(p, o, \old(ws->vacc), \old(ws->s), dh, i + 1, ws) ==>
      sc_ivsame{Old, Post}(p);
    ensures shift: \result == 0 ==>
      sc_fval(&ws->mx[0]) ==
        sc_rshift{Pre}(\old(ws->mx[0]._mpfr_prec), ws->cx.prec, \old(ws->s), q, K, ldk, dh,
                       \old(sc_ivval(&ws->scale)), i + 1); */
static int softmax_attn_row(sc_iv *o, const sc_iv *q, const sc_iv *K, size_t ldk,
                            const sc_iv *V, size_t ldv, size_t i, size_t dh, sc_attn_ws *ws)
{
    sc_iv *e = ws->s, *acc = ws->vacc;
    //@ assert sep_e: \forall integer k; 0 <= k <= i ==> sc_ivsepo(e + k, o, acc, dh, &ws->cx);
    //@ assert sep_z: sc_ivsepo(&ws->z, o, acc, dh, &ws->cx);
    /*@ assert sep_V: \forall integer k; 0 <= k < sc_span(ldv, i + 1, dh) ==>
          sc_ivsepo((sc_iv *)V + k, o, acc, dh, &ws->cx); */
    /*@ assert sepa: \forall sc_iv *p; sc_ivsepa(p, o, acc, e, dh, i + 1, ws) ==>
          sc_ivsepw(p, e, i + 1, ws) && sc_ivsepo(p, o, acc, dh, &ws->cx); */
    int rc = softmax_row(q, K, ldk, i, dh, ws);
    //@ assert ptr1: ws->s == e;
    //@ assert fa1: \forall sc_iv *p; sc_ivsepa(p, o, acc, e, dh, i + 1, ws) ==> sc_ivsame{Pre, Here}(p);
    //@ assert sk1: sc_ivsame{Pre, Here}(&ws->scale);
    //@ assert sepw_o: \forall integer c; 0 <= c < dh ==> sc_ivsepw(o + c, e, i + 1, ws);
    //@ assert sepw_a: \forall integer c; 0 <= c < dh ==> sc_ivsepw(acc + c, e, i + 1, ws);
    if (rc)
        return rc;
    /*@ assert e1: \forall integer j; 0 <= j <= i ==>
          sc_ivval(e + j) ==
            sc_ivexpsh(sc_ivfmt(e + j), ws->cx.prec,
                       sc_sscore{Pre}(sc_ivfmt(e + j), ws->cx.prec, q, K, ldk, j, dh,
                                      \at(sc_ivval(&ws->scale), Pre)), sc_fval(&ws->mx[0])); */
    //@ assert n1: sc_ivval(&ws->z) == sc_ivsum(sc_ivfmt(&ws->z), ws->cx.prec, e, i + 1);
    //@ assert sep_mx: sc_fsepo(&ws->mx[0], o, acc, dh, &ws->cx);
    //@ assert ofmt1: \forall integer c; 0 <= c < dh ==> sc_ivfmt(o + c) == \at(sc_ivfmt(o + c), Pre);
    //@ assert afmt1: \forall integer c; 0 <= c < dh ==> sc_ivfmt(acc + c) == \at(sc_ivfmt(ws->vacc + c), Pre);
    //@ assert sep_sc: sc_ivsepo(&ws->scale, o, acc, dh, &ws->cx);
    SC_PROOF_LABEL(L_out)
    rc = softmax_out(o, V, ldv, i, dh, e, &ws->z, acc, &ws->cx);
    //@ assert sk2: sc_ivsame{L_out, Here}(&ws->scale);
    /*@ assert fa2: \forall sc_iv *p; sc_ivsepa(p, o, acc, e, dh, i + 1, ws) ==>
          sc_ivsame{L_out, Here}(p) && sc_ivsame{Pre, Here}(p); */
    //@ assert mx2: sc_fval(&ws->mx[0]) == \at(sc_fval(&ws->mx[0]), L_out);
    //@ assert wp2: ws->cx.prec == \at(ws->cx.prec, L_out);
    //@ assert keep_e: \forall integer k; 0 <= k <= i ==> sc_ivsame{L_out, Here}(e + k);
    //@ assert keep_z: sc_ivsame{L_out, Here}(&ws->z);
    /*@ assert keep_V: \forall integer k; 0 <= k < sc_span(ldv, i + 1, dh) ==>
          sc_ivsame{L_out, Here}((sc_iv *)V + k); */
    //@ assert same_e: sc_ivsame_n{L_out, Here}(e, i + 1);
    /*@ assert same_V: \forall integer c; 0 <= c < dh ==>
          sc_ivsame_n{L_out, Here}((sc_iv *)V, sc_span(ldv, i + 1, c + 1)); */
    /*@ assert o2a: rc == 0 ==> \forall integer c; 0 <= c < dh ==>
          sc_ivval(o + c) ==
            sc_ivdiv(\at(sc_ivfmt(o + c), L_out), ws->cx.prec,
                     sc_wsum{L_out}(\at(sc_ivfmt(acc + c), L_out), ws->cx.prec, e, V, ldv, c, i + 1),
                     \at(sc_ivval(&ws->z), L_out)); */
    /*@ assert o2b: rc == 0 ==> \forall integer c; 0 <= c < dh ==>
          sc_ivval(o + c) ==
            sc_ivdiv(\at(sc_ivfmt(o + c), Pre), ws->cx.prec,
                     sc_wsum{L_out}(\at(sc_ivfmt(ws->vacc + c), Pre), ws->cx.prec, e, V, ldv, c,
                                    i + 1),
                     \at(sc_ivval(&ws->z), L_out)); */
    //@ assert z2: sc_ivval(&ws->z) == \at(sc_ivval(&ws->z), L_out);
    /*@ assert w2: \forall integer c; 0 <= c < dh ==>
          sc_wsum{L_out}(\at(sc_ivfmt(ws->vacc + c), Pre), ws->cx.prec, e, V, ldv, c, i + 1) ==
          sc_wsum(\at(sc_ivfmt(ws->vacc + c), Pre), ws->cx.prec, e, V, ldv, c, i + 1); */
    /*@ assert o2: rc == 0 ==> \forall integer c; 0 <= c < dh ==>
          sc_ivval(o + c) ==
            sc_ivdiv(\at(sc_ivfmt(o + c), Pre), ws->cx.prec,
                     sc_wsum(\at(sc_ivfmt(ws->vacc + c), Pre), ws->cx.prec, e, V, ldv, c, i + 1),
                     sc_ivval(&ws->z)); */
    return rc;
}

/* The rows i < T of softmax attention on the MPFR path: row i is softmax_attn_row on the query
 * row q_i and the causal prefix 0 .. i of K and V; each row overwrites the workspace
 * (ws->s, ws->z, ws->mx, ws->vacc). Contract: for every i < T and c < dh,
 * out[i][c] = sc_attn_row(q_i, K, V, c, i + 1) (spec/interval.acsl): row i of softmax
 * attention as a function of the inputs alone, sum_{j<=i} e_ij (x) V[j][c] / sum_{j<=i} e_ij
 * with e_ij = expsh(s_ij, m_i), m_i the shift of row i. Proved (prove_softmax.sh). */
/*@ requires shape: 1 <= dh && dh <= ldo && dh <= ldq && dh <= ldk && dh <= ldv &&
                    T < SIZE_MAX;
    requires sizes: sc_span(ldo, T, dh) <= SIZE_MAX && sc_span(ldq, T, dh) <= SIZE_MAX &&
                    sc_span(ldk, T, dh) <= SIZE_MAX && sc_span(ldv, T, dh) <= SIZE_MAX;
    requires valid: \valid(ws) && \valid(ws->s + (0 .. T - 1)) &&
                    \valid(ws->vacc + (0 .. dh - 1)) &&
                    \valid(out + (0 .. sc_span(ldo, T, dh) - 1)) &&
                    \valid_read(Q + (0 .. sc_span(ldq, T, dh) - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, T, dh) - 1)) &&
                    \valid_read(V + (0 .. sc_span(ldv, T, dh) - 1));
    requires sep_ws: \separated(out + (0 .. sc_span(ldo, T, dh) - 1), ws->vacc + (0 .. dh - 1),
                                 ws->s + (0 .. T - 1), V + (0 .. sc_span(ldv, T, dh) - 1), ws);
    requires sep_q: \separated(Q + (0 .. sc_span(ldq, T, dh) - 1), ws->s + (0 .. T - 1)) &&
                    \separated(Q + (0 .. sc_span(ldq, T, dh) - 1), ws) &&
                    \separated(Q + (0 .. sc_span(ldq, T, dh) - 1), ws->vacc + (0 .. dh - 1)) &&
                    \separated(Q + (0 .. sc_span(ldq, T, dh) - 1),
                               out + (0 .. sc_span(ldo, T, dh) - 1));
    requires sep_k: \separated(K + (0 .. sc_span(ldk, T, dh) - 1), ws->s + (0 .. T - 1)) &&
                    \separated(K + (0 .. sc_span(ldk, T, dh) - 1), ws) &&
                    \separated(K + (0 .. sc_span(ldk, T, dh) - 1), ws->vacc + (0 .. dh - 1)) &&
                    \separated(K + (0 .. sc_span(ldk, T, dh) - 1),
                               out + (0 .. sc_span(ldo, T, dh) - 1));
    assigns out[0 .. sc_span(ldo, T, dh) - 1], ws->s[0 .. T - 1], ws->z, ws->mx[0],
            ws->cx.f[0 .. 7][0], ws->vacc[0 .. dh - 1], ws->fail_row;
    ensures out: \result == 0 ==>
      sc_rows_done{Post, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
                              \old(ws->s), \old(ws->vacc), &ws->z, \old(ws->mx[0]._mpfr_prec),
                              \old(ws->cx.prec), \old(sc_ivval(&ws->scale)), T); */
static int softmax_rows(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                        size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                        sc_attn_ws *ws)
{
    int rc;
    /*@ loop invariant 0 <= i <= T;
        loop invariant ptrs: ws->s == \at(ws->s, Pre) && ws->vacc == \at(ws->vacc, Pre);
        loop invariant wp: ws->cx.prec == \at(ws->cx.prec, Pre);
        loop invariant mprec: ws->mx[0]._mpfr_prec == \at(ws->mx[0]._mpfr_prec, Pre);
        loop invariant scale: sc_ivsame{Pre, Here}(&ws->scale);
        loop invariant sfmt: \forall integer k; 0 <= k < T ==>
          sc_ivfmt(ws->s + k) == \at(sc_ivfmt(ws->s + k), Pre);
        loop invariant zfmt: sc_ivfmt(&ws->z) == \at(sc_ivfmt(&ws->z), Pre);
        loop invariant afmt: \forall integer c; 0 <= c < dh ==>
          sc_ivfmt(ws->vacc + c) == \at(sc_ivfmt(ws->vacc + c), Pre);
        loop invariant ofmt: \forall integer k, c; 0 <= k < T && 0 <= c < dh ==>
          sc_ivfmt(out + sc_idx(ldo, k, c)) == \at(sc_ivfmt(out + sc_idx(ldo, k, c)), Pre);
        loop invariant inQ: sc_ivsame_n{Pre, Here}((sc_iv *)Q, sc_span(ldq, T, dh));
        loop invariant inK: sc_ivsame_n{Pre, Here}((sc_iv *)K, sc_span(ldk, T, dh));
        loop invariant inV: sc_ivsame_n{Pre, Here}((sc_iv *)V, sc_span(ldv, T, dh));
        loop invariant done:
          sc_rows_done{Here, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
          \at(ws->s, Pre), \at(ws->vacc, Pre), &ws->z, \at(ws->mx[0]._mpfr_prec, Pre),
          \at(ws->cx.prec, Pre), \at(sc_ivval(&ws->scale), Pre), i);
        loop assigns i, rc, out[0 .. sc_span(ldo, T, dh) - 1], \at(ws->s, Pre)[0 .. T - 1], ws->z,
                     ws->mx[0], ws->cx.f[0 .. 7][0], \at(ws->vacc, Pre)[0 .. dh - 1],
                     ws->fail_row;
        loop variant T - i; */
    for (size_t i = 0; i < T; i++) {
        ws->fail_row = i;
        // The prefix 0 .. i of each matrix lies within its rows 0 .. T-1 (no wrap, valid).
        //@ assert spo: sc_span(ldo, i + 1, dh) <= sc_span(ldo, T, dh) && sc_span(ldo, i + 1, dh) == i * ldo + dh;
        //@ assert spq: sc_span(ldq, i + 1, dh) <= sc_span(ldq, T, dh) && sc_span(ldq, i + 1, dh) == i * ldq + dh;
        //@ assert spk: sc_span(ldk, i + 1, dh) <= sc_span(ldk, T, dh);
        //@ assert spv: sc_span(ldv, i + 1, dh) <= sc_span(ldv, T, dh);
        //@ assert orow: sc_idx(ldo, i, 0) == i * ldo;
        // What row i's call leaves alone (its frame): the inputs, the other rows of out, the
        // exps of the rows after i.
        /*@ assert sep_q: \forall integer k; 0 <= k < sc_span(ldq, T, dh) ==>
              sc_ivsepa((sc_iv *)Q + k, out + i * ldo, ws->vacc, ws->s, dh, i + 1, ws); */
        /*@ assert sep_k: \forall integer k; 0 <= k < sc_span(ldk, T, dh) ==>
              sc_ivsepa((sc_iv *)K + k, out + i * ldo, ws->vacc, ws->s, dh, i + 1, ws); */
        /*@ assert sep_v: \forall integer k; 0 <= k < sc_span(ldv, T, dh) ==>
              sc_ivsepa((sc_iv *)V + k, out + i * ldo, ws->vacc, ws->s, dh, i + 1, ws); */
        /*@ assert o_idx: \forall integer k, c; 0 <= k < T && k != i && 0 <= c < dh ==>
              sc_idx(ldo, k, c) < sc_idx(ldo, i, 0) || sc_idx(ldo, i, dh - 1) < sc_idx(ldo, k, c); */
        //@ assert o_last: sc_idx(ldo, i, dh - 1) == i * ldo + (dh - 1);
        /*@ assert sep_o: \forall integer k, c; 0 <= k < T && k != i && 0 <= c < dh ==>
              sc_ivsepa(out + sc_idx(ldo, k, c), out + i * ldo, ws->vacc, ws->s, dh, i + 1, ws); */
        /*@ assert sep_s: \forall integer k; i < k < T ==>
              sc_ivsepa(ws->s + k, out + i * ldo, ws->vacc, ws->s, dh, i + 1, ws); */
        // Row i's inputs are those of the loop's entry (for the frame of the row's shift).
        //@ assert q_same: sc_ivsame_r{Pre, Here}((sc_iv *)Q, i * ldq, dh);
        //@ assert k_same: sc_ivsame_n{Pre, Here}((sc_iv *)K, sc_span(ldk, i + 1, dh));
        /*@ assert k_idx: \forall integer j; 0 <= j <= i ==>
              0 <= sc_idx(ldk, j, 0) && sc_idx(ldk, j, 0) + dh <= sc_span(ldk, i + 1, dh); */
        /*@ assert k_rows: \forall integer j; 0 <= j <= i ==>
              sc_ivsame_r{Pre, Here}((sc_iv *)K, sc_idx(ldk, j, 0), dh); */
        /*@ assert row_in: sc_rowin_same{Here, Pre}(ws->s, (sc_iv *)Q, i * ldq, (sc_iv *)K, ldk, dh,
                                                    i + 1); */
        /*@ assert fmt_c: \forall integer c, r; r == i && 0 <= c < dh ==>
              sc_ivfmt(out + sc_idx(ldo, r, c)) == \at(sc_ivfmt(out + sc_idx(ldo, r, c)), Pre) &&
              sc_ivfmt(ws->vacc + c) == \at(sc_ivfmt(ws->vacc + c), Pre); */
        /*@ assert done_c:
              sc_rows_done{Here, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
              \at(ws->s, Pre), \at(ws->vacc, Pre), &ws->z, \at(ws->mx[0]._mpfr_prec, Pre),
              \at(ws->cx.prec, Pre), \at(sc_ivval(&ws->scale), Pre), i); */
        SC_PROOF_LABEL(L_call)
        rc = softmax_attn_row(&out[i * ldo], &Q[i * ldq], K, ldk, V, ldv, i, dh, ws);
        //@ assert ptr1: ws->s == \at(ws->s, Pre) && ws->vacc == \at(ws->vacc, Pre);
        /*@ assert keep_q: \forall integer k; 0 <= k < sc_span(ldq, T, dh) ==>
              sc_ivsame{L_call, Here}((sc_iv *)Q + k); */
        /*@ assert keep_k: \forall integer k; 0 <= k < sc_span(ldk, T, dh) ==>
              sc_ivsame{L_call, Here}((sc_iv *)K + k); */
        /*@ assert keep_v: \forall integer k; 0 <= k < sc_span(ldv, T, dh) ==>
              sc_ivsame{L_call, Here}((sc_iv *)V + k); */
        /*@ assert keep_o: \forall integer k, c; 0 <= k < T && k != i && 0 <= c < dh ==>
              sc_ivsame{L_call, Here}(out + sc_idx(ldo, k, c)); */
        //@ assert keep_s: \forall integer k; i < k < T ==> sc_ivsame{L_call, Here}(ws->s + k);
        /*@ assert ofmt_i: \forall integer c; 0 <= c < dh ==>
              sc_ivfmt(out + sc_idx(ldo, i, c)) == \at(sc_ivfmt(out + sc_idx(ldo, i, c)), L_call); */
        if (rc)
            return rc;
        // Row i in terms of the loop's entry state: its shift, its exps, its sum, its output.
        /*@ assert m_pre: sc_fval(&ws->mx[0]) ==
              sc_rshift{Pre}(\at(ws->mx[0]._mpfr_prec, Pre), \at(ws->cx.prec, Pre), ws->s,
                             (sc_iv *)Q + i * ldq, (sc_iv *)K, ldk, dh,
                             \at(sc_ivval(&ws->scale), Pre), i + 1); */
        /*@ assert sfmt_i: \forall integer j; 0 <= j <= i ==>
              sc_ivfmt(ws->s + j) == \at(sc_ivfmt(ws->s + j), L_call) &&
              \at(sc_ivfmt(ws->s + j), L_call) == \at(sc_ivfmt(ws->s + j), Pre); */
        /*@ assert s_pre: \forall integer j; 0 <= j <= i ==>
              sc_sscore{L_call}(sc_ivfmt(ws->s + j), ws->cx.prec, (sc_iv *)Q + i * ldq, (sc_iv *)K,
                                ldk, j, dh, \at(sc_ivval(&ws->scale), L_call)) ==
              sc_sscore{Pre}(sc_ivfmt(ws->s + j), ws->cx.prec, (sc_iv *)Q + i * ldq, (sc_iv *)K,
                             ldk, j, dh, \at(sc_ivval(&ws->scale), Pre)); */
        /*@ assert e_pre: \forall integer j; 0 <= j <= i ==>
              sc_ivval(ws->s + j) ==
                sc_rexp{Pre}(\at(ws->cx.prec, Pre), ws->s, (sc_iv *)Q + i * ldq, (sc_iv *)K, ldk,
                             j, dh, \at(sc_ivval(&ws->scale), Pre), sc_fval(&ws->mx[0])); */
        /*@ assert z_pre: sc_ivval(&ws->z) ==
              sc_rsum{Pre}(\at(sc_ivfmt(&ws->z), Pre), \at(ws->cx.prec, Pre), ws->s,
                           (sc_iv *)Q + i * ldq, (sc_iv *)K, ldk, dh,
                           \at(sc_ivval(&ws->scale), Pre), sc_fval(&ws->mx[0]), i + 1); */
        /*@ assert v_same: \forall integer c; 0 <= c < dh ==>
              sc_ivsame_n{Here, Pre}((sc_iv *)V, sc_span(ldv, i + 1, c + 1)); */
        /*@ assert w_pre: \forall integer c; 0 <= c < dh ==>
              sc_wsum(\at(sc_ivfmt(ws->vacc + c), Pre), \at(ws->cx.prec, Pre), ws->s, V, ldv,
                      c, i + 1) ==
                sc_rwsum{Pre}(\at(sc_ivfmt(ws->vacc + c), Pre), \at(ws->cx.prec, Pre), ws->s,
                              (sc_iv *)Q + i * ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, c, dh,
                              \at(sc_ivval(&ws->scale), Pre), sc_fval(&ws->mx[0]), i + 1); */
        /*@ assert o_call: \forall integer c; 0 <= c < dh ==>
              sc_ivval(out + sc_idx(ldo, i, c)) ==
                sc_ivdiv(\at(sc_ivfmt(out + sc_idx(ldo, i, c)), L_call), ws->cx.prec,
                         sc_wsum(\at(sc_ivfmt(ws->vacc + c), L_call), ws->cx.prec, ws->s, V, ldv,
                                 c, i + 1),
                         sc_ivval(&ws->z)); */
        /*@ assert o_fmt: \forall integer c, r; r == i && 0 <= c < dh ==>
              sc_ivval(out + sc_idx(ldo, r, c)) ==
                sc_ivdiv(\at(sc_ivfmt(out + sc_idx(ldo, r, c)), Pre), \at(ws->cx.prec, Pre),
                         sc_wsum(\at(sc_ivfmt(ws->vacc + c), Pre), \at(ws->cx.prec, Pre), ws->s,
                                 V, ldv, c, i + 1),
                         sc_ivval(&ws->z)); */
        /*@ assert o_pre: \forall integer c, r; r == i && 0 <= c < dh ==>
              sc_ivval(out + sc_idx(ldo, r, c)) ==
                sc_attn_row{Pre}(\at(sc_ivfmt(out + sc_idx(ldo, r, c)), Pre),
                                 \at(sc_ivfmt(ws->vacc + c), Pre), \at(sc_ivfmt(&ws->z), Pre),
                                 \at(ws->mx[0]._mpfr_prec, Pre), \at(ws->cx.prec, Pre),
                                 \at(ws->s, Pre), Q + sc_idx(ldq, i, 0), K, ldk, V, ldv, c, dh,
                                 \at(sc_ivval(&ws->scale), Pre), i + 1); */
        /*@ assert done_old: \forall integer k, c; 0 <= k < i && 0 <= c < dh ==>
              sc_ivval(out + sc_idx(ldo, k, c)) == \at(sc_ivval(out + sc_idx(ldo, k, c)), L_call); */
        /*@ assert done_lo:
              sc_rows_done{Here, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
              \at(ws->s, Pre), \at(ws->vacc, Pre), &ws->z, \at(ws->mx[0]._mpfr_prec, Pre),
              \at(ws->cx.prec, Pre), \at(sc_ivval(&ws->scale), Pre), i); */
        /*@ assert done_i:
              sc_row_done{Here, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
              \at(ws->s, Pre), \at(ws->vacc, Pre), &ws->z, \at(ws->mx[0]._mpfr_prec, Pre),
              \at(ws->cx.prec, Pre), \at(sc_ivval(&ws->scale), Pre), i); */
        /*@ assert done_all:
              sc_rows_done{Here, Pre}(out, ldo, (sc_iv *)Q, ldq, (sc_iv *)K, ldk, (sc_iv *)V, ldv, dh,
              \at(ws->s, Pre), \at(ws->vacc, Pre), &ws->z, \at(ws->mx[0]._mpfr_prec, Pre),
              \at(ws->cx.prec, Pre), \at(sc_ivval(&ws->scale), Pre), i + 1); */
    }
    return SC_X_OK;
}

int sc_attn_softmax_iv(sc_iv *out, size_t ldo, const sc_iv *Q, size_t ldq, const sc_iv *K,
                       size_t ldk, const sc_iv *V, size_t ldv, size_t T, size_t dh,
                       const sc_iv *scale, sc_attn_ws *ws)
{
    if (!shape_ok(ws, out, ldo, Q, ldq, K, ldk, V, ldv, T, dh) || (T && (!Q || !K || !V)))
        return SC_X_EINVAL;
    int rc = set_scale(scale, dh, ws);
    if (rc)
        return rc;
    /* point inputs (floats, doubles): exact fixed-point arithmetic (exact.h). It accepts only
     * finite point entries (and writes no output before it has checked them all), so the
     * validity scan below is needed only when it does not apply. */
    rc = sc_x_softmax_fast(out, ldo, Q, ldq, K, ldk, V, ldv, T, dh, &ws->scale, &ws->cx);
    if (rc != SC_X_FAST_NA)
        return rc;
    if (!rows_ok(Q, ldq, T, dh) || !rows_ok(K, ldk, T, dh) || !rows_ok(V, ldv, T, dh))
        return SC_X_ENONFINITE;
    return softmax_rows(out, ldo, Q, ldq, K, ldk, V, ldv, T, dh, ws);
}

int sc_attn_softmax_probs_iv(sc_iv *P, size_t ldp, const sc_iv *Q, size_t ldq, const sc_iv *K,
                             size_t ldk, size_t T, size_t dh, const sc_iv *scale,
                             sc_attn_ws *ws)
{
    /* P is T x T (leading dimension ldp >= T); the shape check sees it as a dh-wide output */
    if (!shape_ok(ws, P, dh, Q, ldq, K, ldk, NULL, 0, T, dh) || (T && (!Q || !K)) ||
        (T && ldp < T))
        return SC_X_EINVAL;
    if (!rows_ok(Q, ldq, T, dh) || !rows_ok(K, ldk, T, dh))
        return SC_X_ENONFINITE;
    int rc = set_scale(scale, dh, ws);
    if (rc)
        return rc;
    for (size_t i = 0; i < T; i++) {
        ws->fail_row = i;
        rc = softmax_row(&Q[i * ldq], K, ldk, i, dh, ws);
        for (size_t j = 0; !rc && j <= i; j++)
            rc = sc_iv_div(&P[i * ldp + j], &ws->s[j], &ws->z, &ws->cx);
        if (rc)
            return rc;
        for (size_t j = i + 1; j < T; j++)
            sc_iv_set_si(&P[i * ldp + j], 0);
    }
    return SC_X_OK;
}

/* ------------------------------------------------------------------ multi-head */

int sc_attn_mh_iv(sc_attn_kind kind, sc_iv *out, const sc_iv *Q, const sc_iv *K,
                  const sc_iv *V, size_t T, size_t H, size_t dh, const sc_iv *scale,
                  const size_t *key_class, size_t *nties, sc_attn_ws *ws)
{
    if (!ws || H == 0 || dh > SIZE_MAX / H)
        return SC_X_EINVAL;
    size_t d = H * dh;
    for (size_t h = 0; h < H; h++) {
        size_t off = h * dh;
        int rc;
        ws->fail_head = h;
        switch (kind) {
        case SC_ATTN_UNIFORM:
            rc = sc_attn_uniform_iv(out + off, d, V + off, d, T, dh, ws);
            for (size_t i = 0; !rc && nties && i < T; i++)
                nties[i * H + h] = i + 1;
            break;
        case SC_ATTN_HARD:
            rc = hard_iv(out + off, d, Q + off, d, K + off, d, V + off, d, T, dh, key_class,
                         nties ? nties + h : NULL, H, ws);
            break;
        case SC_ATTN_SOFTMAX:
            rc = sc_attn_softmax_iv(out + off, d, Q + off, d, K + off, d, V + off, d, T, dh,
                                    scale, ws);
            break;
        default:
            return SC_X_EINVAL;
        }
        if (rc)
            return rc;
    }
    return SC_X_OK;
}
