/* Causal attention, exact and enclosed. See attention.h. */
#include "attention.h"

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
    ws->qs = sc_q_array_new(dmax);
    if (!ws->s || !ws->vacc || !ws->cand || !ws->kn || !ws->kd || !ws->qn || !ws->qs) {
        sc_iv_array_free(ws->s, Tmax);
        sc_iv_array_free(ws->vacc, dmax);
        free(ws->cand);
        free(ws->kn);
        free(ws->kd);
        free(ws->qn);
        sc_q_array_free(ws->qs, dmax);
        sc_xctx_clear(&ws->cx);
        return SC_X_ENOMEM;
    }
    for (size_t k = 0; k < nk; k++)
        mpz_init(ws->kn[k]);
    for (size_t k = 0; k < Tmax; k++)
        mpz_init(ws->kd[k]);
    for (size_t k = 0; k < dmax; k++)
        mpz_init(ws->qn[k]);
    mpz_inits(ws->qd, ws->best, ws->cur, ws->t1, ws->t2, (mpz_ptr)0);
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
    for (size_t k = 0; k < ws->Tmax; k++)
        mpz_clear(ws->kd[k]);
    for (size_t k = 0; k < ws->dmax; k++)
        mpz_clear(ws->qn[k]);
    free(ws->kn);
    free(ws->kd);
    free(ws->qn);
    free(ws->cand);
    mpz_clears(ws->qd, ws->best, ws->cur, ws->t1, ws->t2, (mpz_ptr)0);
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

/* sc_attn_uniform_q: src/attention_exact.c (with its proof annotations). */

/* num[0..n-1] / den = x[0..n-1] (den = lcm of the denominators, > 0). */
static void row_over_common_den(mpz_t *num, mpz_t den, const mpq_t *x, size_t n, mpz_t tmp)
{
    mpz_set_ui(den, 1);
    for (size_t k = 0; k < n; k++)
        mpz_lcm(den, den, mpq_denref(x[k]));
    for (size_t k = 0; k < n; k++) {
        mpz_divexact(tmp, den, mpq_denref(x[k]));
        mpz_mul(num[k], mpq_numref(x[k]), tmp);
    }
}

/* nties[i * ns] = |A_i| (ns: stride, for the multi-head layout). */
static int hard_q(mpq_t *out, size_t ldo, const mpq_t *Q, size_t ldq, const mpq_t *K,
                  size_t ldk, const mpq_t *V, size_t ldv, size_t T, size_t dh, size_t *nties,
                  size_t ns, sc_attn_ws *ws)
{
    if (!shape_ok(ws, out, ldo, Q, ldq, K, ldk, V, ldv, T, dh) || (T && (!Q || !K || !V)))
        return SC_X_EINVAL;
    /* k_j = kn_j / kd_j with integer kn_j; q_i = qn / qd. Then q_i.k_j = (qn.kn_j) / (qd kd_j)
     * and, qd > 0 being common to the row, the arg-max compares A_j / kd_j, A_j = qn.kn_j. */
    for (size_t j = 0; j < T; j++)
        row_over_common_den(&ws->kn[j * dh], ws->kd[j], &K[j * ldk], dh, ws->t1);
    for (size_t i = 0; i < T; i++) {
        row_over_common_den(ws->qn, ws->qd, &Q[i * ldq], dh, ws->t1);
        size_t nc = 0, bj = 0;
        for (size_t j = 0; j <= i; j++) {
            mpz_set_ui(ws->cur, 0);
            const mpz_t *kn = &ws->kn[j * dh];
            for (size_t c = 0; c < dh; c++)
                mpz_addmul(ws->cur, ws->qn[c], kn[c]);
            int cmp = 1;
            if (nc) { /* cur / kd_j  vs  best / kd_bj */
                mpz_mul(ws->t1, ws->cur, ws->kd[bj]);
                mpz_mul(ws->t2, ws->best, ws->kd[j]);
                cmp = mpz_cmp(ws->t1, ws->t2);
            }
            if (cmp > 0) {
                mpz_swap(ws->best, ws->cur);
                bj = j;
                nc = 0;
            }
            if (cmp >= 0)
                ws->cand[nc++] = j;
        }
        for (size_t c = 0; c < dh; c++) {
            mpq_set_ui(ws->qs[c], 0, 1);
            for (size_t a = 0; a < nc; a++)
                mpq_add(ws->qs[c], ws->qs[c], V[ws->cand[a] * ldv + c]);
            mpq_ptr y = out[i * ldo + c];
            mpz_set(mpq_numref(y), mpq_numref(ws->qs[c]));
            mpz_mul_ui(mpq_denref(y), mpq_denref(ws->qs[c]), (unsigned long)nc);
            mpq_canonicalize(y);
        }
        if (nties)
            nties[i * ns] = nc;
    }
    return SC_X_OK;
}

int sc_attn_hard_q(mpq_t *out, size_t ldo, const mpq_t *Q, size_t ldq, const mpq_t *K,
                   size_t ldk, const mpq_t *V, size_t ldv, size_t T, size_t dh, size_t *nties,
                   sc_attn_ws *ws)
{
    return hard_q(out, ldo, Q, ldq, K, ldk, V, ldv, T, dh, nties, 1, ws);
}

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

/* Scores s_j = q_i.k_j (j <= i) into ws->s. */
static int scores(const sc_iv *q, const sc_iv *K, size_t ldk, size_t i, size_t dh,
                  sc_attn_ws *ws)
{
    for (size_t j = 0; j <= i; j++) {
        int rc = sc_iv_dot(&ws->s[j], q, 1, &K[j * ldk], 1, dh, &ws->cx);
        if (rc)
            return rc;
    }
    return SC_X_OK;
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

/* Row i of softmax: ws->s[j] = e_ij (exp enclosures, j <= i), ws->z = their sum. */
static int softmax_row(const sc_iv *q, const sc_iv *K, size_t ldk, size_t i, size_t dh,
                       sc_attn_ws *ws)
{
    int rc = scores(q, K, ldk, i, dh, ws);
    for (size_t j = 0; !rc && j <= i; j++)
        rc = sc_iv_mul(&ws->s[j], &ws->s[j], &ws->scale, &ws->cx);
    if (rc)
        return rc;
    /* m = the largest upper bound (any real shift gives the same weights) */
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
    rc = sc_iv_sum(&ws->z, ws->s, 1, i + 1, &ws->cx);
    if (!rc && mpfr_sgn(ws->z.lo) <= 0)
        rc = SC_X_EOVERFLOW; /* exp underflowed to 0 (scores ~ 10^9 apart) */
    return rc;
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
    for (size_t i = 0; i < T; i++) {
        ws->fail_row = i;
        rc = softmax_row(&Q[i * ldq], K, ldk, i, dh, ws);
        if (rc)
            return rc;
        /* out_i = (sum_j e_j v_j) / Z, accumulated row by row of V (contiguous reads) */
        for (size_t c = 0; c < dh; c++)
            sc_iv_set_si(&ws->vacc[c], 0);
        for (size_t j = 0; !rc && j <= i; j++)
            for (size_t c = 0; !rc && c < dh; c++)
                rc = sc_iv_addmul(&ws->vacc[c], &ws->s[j], &V[j * ldv + c], &ws->cx);
        for (size_t c = 0; !rc && c < dh; c++)
            rc = sc_iv_div(&out[i * ldo + c], &ws->vacc[c], &ws->z, &ws->cx);
        if (rc)
            return rc;
    }
    return SC_X_OK;
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

int sc_attn_mh_q(sc_attn_kind kind, mpq_t *out, const mpq_t *Q, const mpq_t *K, const mpq_t *V,
                 size_t T, size_t H, size_t dh, size_t *nties, sc_attn_ws *ws)
{
    if (!ws || H == 0 || dh > SIZE_MAX / H || (kind != SC_ATTN_UNIFORM && kind != SC_ATTN_HARD))
        return SC_X_EINVAL;
    size_t d = H * dh;
    for (size_t h = 0; h < H; h++) {
        size_t off = h * dh;
        int rc;
        ws->fail_head = h;
        if (kind == SC_ATTN_UNIFORM) {
            rc = sc_attn_uniform_q(out + off, d, V + off, d, T, dh, ws);
            for (size_t i = 0; !rc && nties && i < T; i++)
                nties[i * H + h] = i + 1;
        } else {
            rc = hard_q(out + off, d, Q + off, d, K + off, d, V + off, d, T, dh,
                        nties ? nties + h : NULL, H, ws);
        }
        if (rc)
            return rc;
    }
    return SC_X_OK;
}

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
