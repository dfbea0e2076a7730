/* Certificates: comparison logic (certify.h). */
#include "certify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simulate.h"

static unsigned bucket(size_t L)
{
    unsigned b = 0;
    while (b + 1 < SC_CERT_BUCKETS && ((size_t)2 << b) <= L)
        b++;
    return b;
}

int sc_certify_predictions(const sc_automaton *a, const int32_t *in, const int32_t *pred,
                           size_t rows, size_t T, const size_t *lengths, const char *src,
                           sc_pred_report *r, sc_error *err)
{
    uint64_t *pt = r->pos_total, *pc = r->pos_correct;
    memset(r, 0, sizeof *r);
    r->pos_total = pt, r->pos_correct = pc, r->rows = rows, r->T = T;
    int32_t *truth = malloc((T ? T : 1) * sizeof *truth);
    if (!truth)
        return sc_fail(err, SC_EXIT_LIMIT, "certify: out of memory for a row of %zu", T);
    int rc = 0;
    for (size_t row = 0; row < rows && !rc; row++) {
        const int32_t *w = in + row * T, *p = pred + row * T;
        size_t L = lengths[row];
        if (L > T) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: row %zu: expected a length in 0..%zu, got "
                         "%zu", src, row, T, L);
            break;
        }
        size_t ok_len = sc_run(a->n, a->k, a->delta, (sc_state)a->start, w, L, truth);
        if (ok_len < L) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: row %zu, position %zu: expected a symbol "
                         "0..%u, got %d", src, row, ok_len, a->k - 1, w[ok_len]);
            break;
        }
        if (!L)
            continue;
        int all = 1;
        for (size_t t = 0; t < L; t++) {
            int good = p[t] == truth[t];
            pt[t]++, pc[t] += good;
            if (!good) {
                all = 0;
                if (!r->failed) {
                    r->failed = 1;
                    r->fail_row = row, r->fail_pos = t;
                    r->fail_expected = truth[t], r->fail_got = p[t];
                }
            }
        }
        unsigned b = bucket(L);
        r->positions += L;
        r->sequences++;
        r->seq_correct += all;
        r->bucket_total[b] += L;
        for (size_t t = 0; t < L; t++)
            r->bucket_correct[b] += p[t] == truth[t];
    }
    for (size_t t = 0; t < T; t++)
        r->correct += pc[t];
    free(truth);
    return rc;
}

int sc_tol_parse(const char *s, int bits, sc_tol *t)
{
    memset(t, 0, sizeof *t);
    t->bits = bits;
    if (!strcmp(s, "proven")) {
        t->kind = SC_TOL_PROVEN;
        return 0;
    }
    char *end;
    if (!strncmp(s, "ulps=", 5)) {
        t->kind = SC_TOL_ULPS;
        t->ulps = strtod(s + 5, &end);
        return *end || !(t->ulps >= 0) || isinf(t->ulps) || end == s + 5 ? -1 : 0;
    }
    t->kind = SC_TOL_ABSREL;
    const char *p = s;
    int seen = 0;
    while (*p) {
        double *dst = !strncmp(p, "atol=", 5) ? &t->atol : !strncmp(p, "rtol=", 5) ? &t->rtol : NULL;
        if (!dst)
            return -1;
        *dst = strtod(p + 5, &end);
        if (end == p + 5 || !(*dst >= 0) || isinf(*dst) || (*end && *end != ','))
            return -1;
        seen++;
        p = *end ? end + 1 : end;
    }
    return seen ? 0 : -1;
}

double sc_ulp_fmt(double x, int bits)
{
    int mant = bits == 32 ? 24 : 53, emin = bits == 32 ? -126 : -1022;
    x = fabs(x);
    int e = x > 0 ? ilogb(x) : emin;
    if (e < emin)
        e = emin;
    return ldexp(1.0, e - (mant - 1));
}

int sc_tol_verdict(const sc_tol *t, double got, double xlo, double xhi, double blo, double bhi)
{
    if (!isfinite(got))
        return SC_VERDICT_FAIL; /* A2: a correct implementation never overflows */
    if (t->kind == SC_TOL_PROVEN) /* [blo, bhi] contains every allowed float output */
        return got >= blo && got <= bhi ? SC_VERDICT_PASS : SC_VERDICT_FAIL;
    /* distance from got to the enclosure: the nearest and the farthest real x in it */
    double dmin = got < xlo ? xlo - got : got > xhi ? got - xhi : 0;
    double dmax = fmax(fabs(got - xlo), fabs(got - xhi));
    double amin = xlo <= 0 && xhi >= 0 ? 0 : fmin(fabs(xlo), fabs(xhi));
    double amax = fmax(fabs(xlo), fabs(xhi));
    double tlo, thi; /* the tolerance at the x of smallest / largest magnitude */
    if (t->kind == SC_TOL_ABSREL) {
        tlo = t->atol + t->rtol * amin;
        thi = t->atol + t->rtol * amax;
    } else {
        tlo = t->ulps * sc_ulp_fmt(amin, t->bits);
        thi = t->ulps * sc_ulp_fmt(amax, t->bits);
    }
    /* these double computations are checked with margins: a decision within a relative
       2^-50 of the threshold is left UNDECIDED (refinement narrows the enclosure; an output
       exactly at the threshold stays undecided, reported INCONCLUSIVE) */
    double slack = 0x1p-50;
    if (dmax == 0 || dmax * (1 + slack) < tlo) /* dmax = 0: got is the exact value */
        return SC_VERDICT_PASS;
    if (dmin > thi * (1 + slack))
        return SC_VERDICT_FAIL;
    return SC_VERDICT_UNDECIDED;
}
