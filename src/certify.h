/* Certificates for other implementations (issue 7): is a model's prediction the automaton's
 * truth, do another implementation's prefix states equal the exact scan, and do a float
 * implementation's logits lie within a tolerance of the exact semantics?
 * Pure comparison logic on arrays; file I/O and reports are in src/cli/cmd_certify.c. */
#ifndef SC_CERTIFY_H
#define SC_CERTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "automaton.h"
#include "error.h"

#define SC_CERT_BUCKETS 32 /* length buckets [2^b, 2^(b+1)) */

/* Predictions against the truth: q_1..q_L of the automaton for each row's input. */
typedef struct sc_pred_report {
    size_t rows, T;
    uint64_t positions, correct;        /* scored positions (t < the row's length) */
    uint64_t sequences, seq_correct;    /* rows with length >= 1; rows right everywhere */
    uint64_t *pos_total, *pos_correct;  /* T entries each (caller-allocated) */
    uint64_t bucket_total[SC_CERT_BUCKETS], bucket_correct[SC_CERT_BUCKETS];
    int failed;                         /* a wrong prediction exists; the first (row-major): */
    size_t fail_row, fail_pos;
    int32_t fail_expected, fail_got;
} sc_pred_report;

/* in, pred: rows x T int32, row-major; row r is scored at positions t < lengths[r] (<= T;
 * the caller derives lengths from -1 padding or a lengths file). r->pos_total and
 * r->pos_correct must point to T zeroed entries. Errors (SC_EXIT_REJECTED, message naming
 * `src`, the row and position): a symbol out of range, a length > T. */
int sc_certify_predictions(const sc_automaton *a, const int32_t *in, const int32_t *pred,
                           size_t rows, size_t T, const size_t *lengths, const char *src,
                           sc_pred_report *r, sc_error *err);

/* Tolerances for float outputs against the exact value x (an enclosure [xlo, xhi]). */
typedef enum { SC_TOL_PROVEN, SC_TOL_ABSREL, SC_TOL_ULPS } sc_tol_kind;
typedef struct sc_tol {
    sc_tol_kind kind;
    double atol, rtol; /* ABSREL: |got - x| <= atol + rtol |x| */
    double ulps;       /* ULPS: |got - x| <= ulps * ulp_fmt(x) */
    int bits;          /* 32 or 64: the format of the outputs */
} sc_tol;

/* Parse "proven", "atol=A,rtol=R" (either may be omitted, default 0), "ulps=N". 0 or -1. */
int sc_tol_parse(const char *s, int bits, sc_tol *t);

enum { SC_VERDICT_PASS = 0, SC_VERDICT_FAIL = 1, SC_VERDICT_UNDECIDED = 2 };

/* One element: got against the exact enclosure [xlo, xhi] (doubles rounded outward) and,
 * for PROVEN, the float bound [blo, bhi] (src/bound.h). PASS / FAIL when certain for every
 * real x in the enclosure, else UNDECIDED (refine the enclosure). */
int sc_tol_verdict(const sc_tol *t, double got, double xlo, double xhi, double blo, double bhi);

/* The unit in the last place of a real of magnitude |x| in binary32 / binary64 (subnormal
 * spacing below the normal range): an upper bound for every real in [|x|, next power of 2). */
double sc_ulp_fmt(double x, int bits);

#endif
