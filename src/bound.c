/* The proven float tolerance: error-bound propagation (assumptions and method in bound.h).
 *
 * Bound arithmetic is done in doubles rounded upward by hand: every result of a rounded-to-
 * nearest +, *, / or sqrt on non-negative doubles is followed by nextafter(., +inf), which is
 * >= the exact result (the rounding error is at most half an ulp); lower bounds likewise with
 * nextafter(., -inf). exp/expm1 bounds come from MPFR (libm is not correctly rounded). */
#include "bound.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static double up(double x) { return nextafter(x, INFINITY); }
static double dn(double x) { return nextafter(x, -INFINITY); }
static double add_up(double a, double b) { return up(a + b); }
static double mul_up(double a, double b) { return up(a * b); }
static double div_up(double a, double b) { return up(a / b); }
static double add_up3(double a, double b, double c) { return add_up(add_up(a, b), c); }

void sc_fmodel_default(sc_fmodel *fm, int bits)
{
    fm->bits = bits == 32 ? 32 : 64;
    fm->exp_ulps = 2;
    fm->erf_ulps = 2;
    fm->sqrt_ulps = 1;
}

int sc_fmodel_describe(const sc_fmodel *fm, char *buf, size_t size)
{
    int b = fm->bits;
    return snprintf(
        buf, size,
        "A1 IEEE binary%d, round to nearest, every intermediate stored in binary%d: "
        "|fl(x) - x| <= u|x| + eta, u = 2^-%d, eta = 2^-%d\n"
        "A2 no overflow\n"
        "A3 dot products and sums of n terms in any order (FMA, blocking, wider accumulators "
        "allowed): error <= gamma_n sum|a b| + 2n eta, gamma_n = nu/(1-nu)\n"
        "A4 exp within %g ulp, erf within %g ulp, sqrt within %g ulp\n"
        "A5 softmax by max subtraction: exp(s - max) / sum (or times 1/sum), scale "
        "fl(1/sqrt(d_head)) before or after the dot product; streaming (FlashAttention) "
        "softmax not covered\n"
        "A6 hard attention: arg-max set decided on the float scores, average by any summation; "
        "uniform attention: prefix mean by sum and division or by weights fl(1/(i+1))\n"
        "A7 LayerNorm: mean within gamma_(n+1) mean|x|, variance v within gamma_(2n+4) v + "
        "2 gamma_(n+1)^2 mean(x^2) and >= 0 (two-pass or Welford; not E[x^2] - E[x]^2), eps "
        "rounded to binary%d, (x - mean) / sqrt(var + eps) (or times rsqrt) * weight + bias\n"
        "A8 GELU = x * 0.5 * (1 + erf(x * fl(1/sqrt 2))), products in any order; ReLU exact\n",
        b, b, b == 32 ? 24 : 53, b == 32 ? 150 : 1074, fm->exp_ulps, fm->erf_ulps,
        fm->sqrt_ulps, b);
}

int sc_fb_ws_init(sc_fb_ws *fb, size_t dmax, mpfr_prec_t prec)
{
    if (prec < SC_X_PREC_MIN || prec > SC_X_PREC_MAX || dmax < 1 || dmax > SIZE_MAX / 8)
        return SC_X_EINVAL;
    fb->row = sc_iv_array_new(dmax, prec);
    fb->r1 = malloc(dmax * sizeof *fb->r1);
    fb->r2 = malloc(dmax * sizeof *fb->r2);
    fb->r3 = malloc(dmax * sizeof *fb->r3);
    if (!fb->row || !fb->r1 || !fb->r2 || !fb->r3) {
        if (fb->row)
            sc_iv_array_free(fb->row, dmax);
        free(fb->r1), free(fb->r2), free(fb->r3);
        return SC_X_ENOMEM;
    }
    fb->dmax = dmax;
    mpfr_inits2(64, fb->u, fb->eta, fb->g, fb->s, fb->a, fb->b, fb->c, fb->t, (mpfr_ptr)0);
    sc_iv_init(&fb->x, prec);
    sc_iv_init(&fb->y, prec);
    return SC_X_OK;
}

void sc_fb_ws_clear(sc_fb_ws *fb)
{
    sc_iv_array_free(fb->row, fb->dmax);
    free(fb->r1), free(fb->r2), free(fb->r3);
    mpfr_clears(fb->u, fb->eta, fb->g, fb->s, fb->a, fb->b, fb->c, fb->t, (mpfr_ptr)0);
    sc_iv_clear(&fb->x);
    sc_iv_clear(&fb->y);
}

void sc_fb_ws_set_prec(sc_fb_ws *fb, mpfr_prec_t prec)
{
    sc_iv_array_set_prec(fb->row, fb->dmax, prec);
    sc_iv_array_set_prec(&fb->x, 1, prec);
    sc_iv_array_set_prec(&fb->y, 1, prec);
}

/* ------------------------------------------------------------------ error terms */

typedef struct fmt {
    double u, eta;
} fmt;

static fmt format(const sc_fmodel *fm)
{
    /* eta: 2^-150 for binary32; 2^-1074 (>= the 2^-1075 of binary64, which a double cannot
       hold) for binary64 */
    return fm->bits == 32 ? (fmt){ldexp(1, -24), ldexp(1, -150)}
                          : (fmt){ldexp(1, -53), ldexp(1, -1074)};
}

/* gamma_n = n u / (1 - n u) rounded up; -1 if n u >= 1/2 (no bound). */
static double gamma_n(double n, fmt f)
{
    double nu = mul_up(n, f.u);
    if (!(nu < 0.5))
        return -1;
    return div_up(nu, dn(1 - nu));
}

/* max |v| over the enclosure, rounded up. */
static double mag(const sc_iv *x)
{
    double a = -mpfr_get_d(x->lo, MPFR_RNDD), b = mpfr_get_d(x->hi, MPFR_RNDU);
    return a > b ? a : b;
}

/* expm1(x) rounded up (x >= 0), by MPFR. */
static double expm1_up(double x, sc_fb_ws *fb)
{
    mpfr_set_d(fb->t, x, MPFR_RNDU);
    mpfr_expm1(fb->t, fb->t, MPFR_RNDU);
    return mpfr_get_d(fb->t, MPFR_RNDU);
}

static int finite_or_overflow(const double *E, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(E[i] <= INFINITY) || isinf(E[i]))
            return SC_X_EOVERFLOW;
    return SC_X_OK;
}

/* ------------------------------------------------------------------ kernels */

int sc_fb_linear(sc_iv *X, double *E, const sc_iv *Xin, const double *Ein, size_t rows,
                 size_t in, const double *W, const double *b, size_t outd, const sc_fmodel *fm,
                 sc_fb_ws *fb, sc_xctx *cx)
{
    if (in > fb->dmax)
        return SC_X_EINVAL;
    int rc = sc_iv_linear(X, Xin, rows, in, W, b, outd, cx);
    if (rc)
        return rc;
    fmt f = format(fm);
    double g = gamma_n((double)in + 1, f), tail = mul_up(2.0 * ((double)in + 1), f.eta);
    if (g < 0)
        return SC_X_EDOMAIN;
    for (size_t r = 0; r < rows; r++) {
        double *m = fb->r1; /* |x^_k| <= m_k */
        for (size_t k = 0; k < in; k++)
            m[k] = add_up(mag(&Xin[r * in + k]), Ein[r * in + k]);
        for (size_t o = 0; o < outd; o++) {
            const double *w = W + o * in;
            double prop = 0, size = b ? fabs(b[o]) : 0;
            for (size_t k = 0; k < in; k++) {
                prop = add_up(prop, mul_up(fabs(w[k]), Ein[r * in + k]));
                size = add_up(size, mul_up(fabs(w[k]), m[k]));
            }
            E[r * outd + o] = add_up3(prop, mul_up(g, size), tail);
        }
    }
    return finite_or_overflow(E, rows * outd);
}

int sc_fb_embed(sc_iv *X, double *E, const double *e, const double *p, size_t n,
                const sc_fmodel *fm, sc_fb_ws *fb)
{
    (void)fb;
    fmt f = format(fm);
    for (size_t c = 0; c < n; c++) {
        int rc = sc_iv_set_d(&X[c], e[c]);
        if (!rc && p)
            rc = sc_iv_add_d(&X[c], &X[c], p[c]);
        if (rc)
            return rc;
        E[c] = p ? mul_up(f.u, mag(&X[c])) : 0; /* one rounding of e + p */
    }
    return SC_X_OK;
}

int sc_fb_add(sc_iv *X, double *E, const sc_iv *Xo, const double *Eo, size_t n,
              const sc_fmodel *fm, sc_fb_ws *fb)
{
    (void)fb;
    fmt f = format(fm);
    int rc = sc_iv_vadd(X, X, Xo, n);
    for (size_t c = 0; c < n && !rc; c++) {
        double prop = add_up(E[c], Eo[c]);
        E[c] = add_up(prop, mul_up(f.u, add_up(mag(&X[c]), prop)));
    }
    return rc ? rc : finite_or_overflow(E, n);
}

int sc_fb_act(sc_iv *X, double *E, size_t n, int gelu, const sc_fmodel *fm, sc_fb_ws *fb,
              sc_xctx *cx)
{
    (void)fb;
    if (!gelu) { /* |relu(a) - relu(b)| <= |a - b|, and ReLU is exact in floats */
        sc_iv_relu(X, X, n);
        return SC_X_OK;
    }
    fmt f = format(fm);
    double g2 = gamma_n(2, f), g3 = gamma_n(3, f), k = fm->erf_ulps;
    for (size_t i = 0; i < n; i++) {
        /* |gelu'| <= 1.13 (its maximum is 1.1289 at x = sqrt 2); the rounding of the float
           evaluation at x^, |x^| <= m:  (m/2) [(0.8 m g3 + 2k u + 2k eta + 2.01 u)(1.01)
           + 2 g2] + 2 eta  (erf' <= 2/sqrt(pi), fl(1/sqrt 2) within g2, see A8) */
        double m = add_up(mag(&X[i]), E[i]);
        double inner = add_up3(mul_up(0.8, mul_up(m, g3)), mul_up(2 * k, f.u),
                               add_up(mul_up(2 * k, f.eta), mul_up(2.01, f.u)));
        double round = add_up(mul_up(m / 2, add_up(mul_up(inner, 1.01), 2 * g2)), 2 * f.eta);
        E[i] = add_up(mul_up(1.13, E[i]), up(round));
    }
    int rc = sc_iv_gelu(X, X, n, cx);
    return rc ? rc : finite_or_overflow(E, n);
}

int sc_fb_layernorm(sc_iv *X, double *E, const sc_iv *Xin, const double *Ein, size_t rows,
                    size_t n, const double *gamma, const double *beta, const sc_iv *eps,
                    const sc_fmodel *fm, sc_fb_ws *fb, sc_xctx *cx)
{
    if (n < 1 || n > fb->dmax)
        return SC_X_EINVAL;
    int rc = sc_iv_layernorm(X, Xin, rows, n, gamma, beta, eps, cx);
    if (rc)
        return rc;
    fmt f = format(fm);
    double dn_ = (double)n, g2 = gamma_n(2, f), gn1 = gamma_n(dn_ + 1, f),
           gv = gamma_n(2 * dn_ + 4, f), eps_lo = mpfr_get_d(eps->lo, MPFR_RNDD),
           eps_hi = mpfr_get_d(eps->hi, MPFR_RNDU), ks = fm->sqrt_ulps;
    if (g2 < 0 || gn1 < 0 || gv < 0 || !(eps_lo > 0))
        return SC_X_EDOMAIN;
    sc_iv *M = &fb->x, *V = &fb->y, *d = fb->row;
    double *r = fb->r1, *Z = fb->r2;
    for (size_t row = 0; row < rows; row++) {
        const sc_iv *x = Xin + row * n;
        const double *e = Ein + row * n;
        double *Eo = E + row * n;
        /* exact mean, deviations |x_i - mu| <= r_i, variance V */
        rc = sc_iv_sum(M, x, 1, n, cx);
        rc = rc ? rc : sc_iv_div_ui(M, M, n);
        for (size_t i = 0; i < n && !rc; i++) {
            rc = sc_iv_sub(&d[i], &x[i], M);
            r[i] = mag(&d[i]);
            rc = rc ? rc : sc_iv_sqr(&d[i], &d[i], cx);
        }
        rc = rc ? rc : sc_iv_sum(V, d, 1, n, cx);
        rc = rc ? rc : sc_iv_div_ui(V, V, n);
        if (rc)
            return rc;
        /* input errors: mean, 2-norm; moments of |x^| */
        double Ebar = 0, E2 = 0, A1 = 0, A2 = 0;
        for (size_t i = 0; i < n; i++) {
            double m = add_up(mag(&x[i]), e[i]);
            Ebar = add_up(Ebar, e[i]);
            E2 = add_up(E2, mul_up(e[i], e[i]));
            A1 = add_up(A1, m);
            A2 = add_up(A2, mul_up(m, m));
        }
        Ebar = div_up(Ebar, dn_), E2 = up(sqrt(E2)), A1 = div_up(A1, dn_), A2 = div_up(A2, dn_);
        double shift = div_up(E2, dn(sqrt(dn_))); /* ||d - mean d||_2 / sqrt(n) <= shift */
        /* over the box: sqrt(var) in [sig_lo, sig_hi], s = sqrt(var + eps) >= s_min */
        double var_lo = mpfr_get_d(V->lo, MPFR_RNDD), var_hi = mpfr_get_d(V->hi, MPFR_RNDU);
        double sig_lo = var_lo > 0 ? dn(dn(sqrt(var_lo)) - shift) : 0;
        sig_lo = sig_lo > 0 ? sig_lo : 0;
        double sig_hi = add_up(up(sqrt(var_hi)), shift);
        double s_min = dn(sqrt(dn(dn(sig_lo * sig_lo) + eps_lo)));
        if (!(s_min > 0))
            return SC_X_EDOMAIN;
        /* Lipschitz part: |z_j| <= Z_j over the box; (1/n) sum_j |z_j||d_j| <= ||d||_2/sqrt(n)
           by Cauchy-Schwarz, since (1/n) sum z_j^2 = var/(var + eps) <= 1 at every point */
        for (size_t j = 0; j < n; j++)
            Z[j] = div_up(add_up3(r[j], e[j], Ebar), s_min);
        double SZE = shift;
        /* rounding part at the float inputs (A7): mean error, variance error, relative error
           rho of the float s */
        double e_mu = add_up(mul_up(gn1, A1), mul_up(2 * (dn_ + 1), f.eta));
        double e_v = add_up(mul_up(gv, mul_up(sig_hi, sig_hi)),
                            mul_up(2, mul_up(mul_up(gn1, gn1), A2)));
        double rho2 = add_up(mul_up(div_up(add_up(e_v, mul_up(f.u, eps_hi)),
                                           dn(s_min * s_min)), 1 + 2 * f.u), f.u);
        double th_s = add_up(mul_up(2 * ks, f.u), 2 * ks * f.eta);
        double rho = add_up3(rho2, th_s, mul_up(rho2, th_s));
        int fine = rho < 0.5; /* else only the fallback below bounds the float LayerNorm */
        double inv = fine ? up(1 / dn(1 - rho)) : INFINITY;
        /* Fallback, valid whatever the input errors: |z| <= sqrt(n-1) exactly, and the float
           z^ = fl(d^/s^) with s^ >= sqrt(fl(eps))(1 - sqrt rounding) since var^ >= 0 (A7):
           |z^_i| <= (m_i + |mu^|)(1 + 3u) / s_lo. */
        double zx = up(sqrt(dn_ > 1 ? dn_ - 1 : 0));
        double s_lo = dn(dn(sqrt(dn(eps_lo * (1 - f.u)))) * (1 - 2 * ks * f.u - 2 * f.u));
        double mu_hat = mul_up(A1, add_up(1, gn1));
        for (size_t i = 0; i < n; i++) {
            double g = gamma ? fabs(gamma[i]) : 1, b = beta ? fabs(beta[i]) : 0;
            double D = add_up3(r[i], e[i], Ebar); /* |d_i| at the float inputs */
            double L = mul_up(div_up(g, s_min), add_up3(e[i], Ebar, mul_up(Z[i], SZE)));
            double dd = add_up(e_mu, mul_up(f.u, add_up(D, e_mu)));
            double dz = add_up(mul_up(mul_up(add_up(div_up(dd, s_min), mul_up(Z[i], rho)), inv),
                                      1 + 2 * g2),
                               add_up(mul_up(g2, Z[i]), 2 * f.eta));
            double R = add_up3(mul_up(mul_up(g, dz), 1 + 2.01 * f.u),
                               mul_up(2.01 * f.u, add_up(mul_up(g, add_up(Z[i], dz)), b)),
                               2 * f.eta);
            double zf = div_up(mul_up(add_up(add_up(mag(&x[i]), e[i]), mu_hat), 1 + 3.01 * f.u),
                               s_lo);
            double fb_bound = add_up3(mul_up(mul_up(g, add_up(zf, zx)), 1 + 2.01 * f.u),
                                      mul_up(2.01 * f.u, b), 2 * f.eta);
            double main = fine ? add_up(L, R) : INFINITY;
            Eo[i] = main < fb_bound ? main : fb_bound;
        }
    }
    return finite_or_overflow(E, rows * n);
}

/* Score of query i against key j, exact enclosure S (times the real scale c) and the float
 * error bound (A3, A5): c [sum |q||Ek| + |k||Eq| + Eq Ek] + g (c sum (|q|+Eq)(|k|+Ek)). */
static int score(sc_iv *S, double *es, const sc_iv *q, const double *eq, const sc_iv *k,
                 const double *ek, size_t dh, const sc_iv *scale, double c_hi, double g,
                 double tail, sc_xctx *cx)
{
    int rc = sc_iv_dot(S, q, 1, k, 1, dh, cx);
    rc = rc ? rc : sc_iv_mul(S, S, scale, cx);
    double prop = 0, size = 0;
    for (size_t t = 0; t < dh; t++) {
        double mq = mag(&q[t]), mk = mag(&k[t]);
        prop = add_up3(prop, add_up(mul_up(mq, ek[t]), mul_up(mk, eq[t])), mul_up(eq[t], ek[t]));
        size = add_up(size, mul_up(add_up(mq, eq[t]), add_up(mk, ek[t])));
    }
    *es = add_up3(mul_up(c_hi, prop), mul_up(g, mul_up(c_hi, size)), tail);
    return rc;
}

int sc_fb_attention(sc_attn_kind kind, sc_iv *X, double *E, const sc_iv *XQ, const double *EQ,
                    const sc_iv *XK, const double *EK, const sc_iv *XV, const double *EV,
                    size_t T, size_t H, size_t dh, const sc_fmodel *fm, sc_fb_ws *fb,
                    sc_attn_ws *aws, sc_xctx *cx)
{
    if (T > fb->dmax || dh < 1 || H < 1)
        return SC_X_EINVAL;
    size_t ld = H * dh;
    fmt f = format(fm);
    int rc = SC_X_OK;
    if (kind != SC_ATTN_HARD) /* exact outputs; hard: the hull of the candidates, below */
        rc = sc_attn_mh_iv(kind, X, XQ, XK, XV, T, H, dh, NULL, NULL, NULL, aws);
    sc_iv *scale = &fb->x, *S = fb->row;
    double *es = fb->r1, *a = fb->r2, *W = fb->r3;
    sc_iv_set_si(scale, (long)dh);
    rc = rc ? rc : sc_iv_rec_sqrt(scale, scale, cx);
    double c_hi = mpfr_get_d(scale->hi, MPFR_RNDU), kx = fm->exp_ulps;
    for (size_t h = 0; h < H && !rc; h++)
        for (size_t i = 0; i < T && !rc; i++) {
            size_t n = i + 1;
            sc_iv *xo = X + i * ld + h * dh;
            double *eo = E + i * ld + h * dh;
            const sc_iv *V = XV + h * dh;
            const double *ev = EV + h * dh;
            if (kind == SC_ATTN_UNIFORM) {
                double g = gamma_n((double)n + 2, f);
                if (g < 0)
                    return SC_X_EDOMAIN;
                for (size_t c = 0; c < dh; c++) {
                    double prop = 0, size = 0;
                    for (size_t j = 0; j < n; j++) {
                        prop = add_up(prop, ev[j * ld + c]);
                        size = add_up(size, add_up(mag(&V[j * ld + c]), ev[j * ld + c]));
                    }
                    eo[c] = add_up3(div_up(prop, (double)n), mul_up(g, div_up(size, (double)n)),
                                    mul_up(2 * ((double)n + 2), f.eta));
                }
                continue;
            }
            double gs = gamma_n((double)dh + 3, f), tail = mul_up(2 * ((double)dh + 3), f.eta);
            if (gs < 0)
                return SC_X_EDOMAIN;
            double emax = 0;
            for (size_t j = 0; j < n && !rc; j++) {
                rc = score(&S[j], &es[j], XQ + i * ld + h * dh, EQ + i * ld + h * dh,
                           XK + j * ld + h * dh, EK + j * ld + h * dh, dh, scale, c_hi, gs,
                           tail, cx);
                emax = es[j] > emax ? es[j] : emax;
            }
            if (rc)
                break;
            if (kind == SC_ATTN_HARD) {
                /* candidates: every j whose score may reach the maximum, exactly or in floats */
                double top = -INFINITY;
                for (size_t j = 0; j < n; j++) {
                    double lo = dn(mpfr_get_d(S[j].lo, MPFR_RNDD) - es[j]);
                    top = lo > top ? lo : top;
                }
                double g = gamma_n((double)n + 2, f);
                if (g < 0)
                    return SC_X_EDOMAIN;
                for (size_t c = 0; c < dh; c++) {
                    int first = 1;
                    double emx = 0, mmx = 0;
                    for (size_t j = 0; j < n; j++) {
                        if (add_up(mpfr_get_d(S[j].hi, MPFR_RNDU), es[j]) < top)
                            continue;
                        const sc_iv *v = &V[j * ld + c];
                        if (first || mpfr_less_p(v->lo, xo[c].lo))
                            mpfr_set(xo[c].lo, v->lo, MPFR_RNDD);
                        if (first || mpfr_greater_p(v->hi, xo[c].hi))
                            mpfr_set(xo[c].hi, v->hi, MPFR_RNDU);
                        first = 0;
                        emx = ev[j * ld + c] > emx ? ev[j * ld + c] : emx;
                        double m = add_up(mag(v), ev[j * ld + c]);
                        mmx = m > mmx ? m : mmx;
                    }
                    eo[c] = add_up3(emx, mul_up(g, mmx), mul_up(2 * ((double)n + 2), f.eta));
                }
                continue;
            }
            /* softmax: exact weights alpha_j <= a_j (enclosed via exp(S_j - max S.lo)) */
            mpfr_set(fb->s, S[0].lo, MPFR_RNDD);
            double shi = mpfr_get_d(S[0].hi, MPFR_RNDU);
            for (size_t j = 1; j < n; j++) {
                mpfr_max(fb->s, fb->s, S[j].lo, MPFR_RNDD);
                double v = mpfr_get_d(S[j].hi, MPFR_RNDU);
                shi = v > shi ? v : shi;
            }
            sc_iv *Z = &fb->y;
            mpfr_set_ui(Z->lo, 0, MPFR_RNDN);
            mpfr_set_ui(Z->hi, 0, MPFR_RNDN);
            for (size_t j = 0; j < n; j++) { /* S_j := exp(S_j - m) */
                /* |s^_j - m^| <= W_j: the float max is some float score */
                W[j] = add_up3(add_up(shi, -mpfr_get_d(S[j].lo, MPFR_RNDD)), es[j], emax);
                mpfr_sub(S[j].lo, S[j].lo, fb->s, MPFR_RNDD);
                mpfr_sub(S[j].hi, S[j].hi, fb->s, MPFR_RNDU);
                rc = sc_iv_exp(&S[j], &S[j]);
                rc = rc ? rc : sc_iv_add(Z, Z, &S[j]);
                if (rc)
                    return rc;
            }
            double zlo = mpfr_get_d(Z->lo, MPFR_RNDD), g = gamma_n((double)n + 1, f);
            if (!(zlo > 0) || g < 0)
                return SC_X_EDOMAIN;
            double g2 = gamma_n(2, f);
            for (size_t j = 0; j < n; j++)
                a[j] = div_up(mpfr_get_d(S[j].hi, MPFR_RNDU), zlo);
            double Wmax = 0, tiny = div_up(mul_up(4 * kx, f.eta), zlo);
            for (size_t j = 0; j < n; j++)
                Wmax = W[j] > Wmax ? W[j] : Wmax;
            for (size_t c = 0; c < dh; c++) {
                double sum1 = 0, sum2 = 0;
                for (size_t j = 0; j < n; j++) { /* dev = |v_j - o| (exact values) */
                    rc = sc_iv_sub(&fb->y, &V[j * ld + c], &xo[c]);
                    if (rc)
                        return rc;
                    double dev = mag(&fb->y);
                    /* Lipschitz: alpha_j(s + d) / alpha_j(s) lies in exp(+-(|d_j| + max|d|)), so
                       |alpha_j(s^) - alpha_j(s)| <= a_j expm1(es_j + emax); rounding (A5):
                       alpha^_j = alpha_j(s^)(1 + theta), |theta| <= rho_j from exp(+-u W)
                       on the shifted arguments, (1 +- 2ku) per exp, gamma_n for the sum and
                       gamma_2 for the division (1/(1-x) folded into the doubled terms) */
                    double dl = mul_up(a[j], expm1_up(add_up(es[j], emax), fb));
                    double rho = expm1_up(add_up3(mul_up(f.u, add_up(W[j], Wmax)),
                                                  mul_up(4.04 * kx, f.u),
                                                  add_up(mul_up(2, g), g2)), fb);
                    double dr = add_up(mul_up(add_up(a[j], dl), rho), tiny); /* rounding */
                    double da = add_up(dl, dr);
                    double mv = add_up(mag(&V[j * ld + c]), ev[j * ld + c]);
                    /* sum_j (alpha_j(s^) - alpha_j(s)) v_j = sum_j (...)(v_j - o), as both
                       weight vectors sum to 1: the Lipschitz part meets |v_j - o|, small
                       where the weight moves most in peaked attention */
                    sum1 = add_up3(sum1, add_up(mul_up(dl, dev), mul_up(dr, mv)),
                                   mul_up(a[j], ev[j * ld + c]));
                    sum2 = add_up(sum2, mul_up(add_up(a[j], da), mv));
                }
                eo[c] = add_up3(sum1, mul_up(g, sum2), mul_up(2 * (double)n, f.eta));
                /* cap, valid for any score errors: both outputs are (float) convex
                   combinations of the values, so they differ by at most 2 max|v|(1 + g') */
                double vmax = 0;
                for (size_t j = 0; j < n; j++) {
                    double mv = add_up(mag(&V[j * ld + c]), ev[j * ld + c]);
                    vmax = mv > vmax ? mv : vmax;
                }
                double cap = mul_up(mul_up(2, vmax), add_up3(1, mul_up(2, g), mul_up(2, g2)));
                eo[c] = eo[c] < cap ? eo[c] : add_up(cap, mul_up(2 * (double)n, f.eta));
            }
        }
    return rc ? rc : finite_or_overflow(E, T * ld);
}
