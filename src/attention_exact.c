/* Exact uniform causal attention on GMP rationals (see attention.h). Logic in
 * spec/attention.acsl, GMP model and trusted stub contracts in spec/exact.acsl; proofs in
 * proofs/prove_attention.sh (report: proofs/REPORT_attention.md): q_div_ui is proved; the
 * annotations of sc_attn_uniform_qk are a proof in progress (69 of 76 goals, not gated). */
#include "attention.h"

#include <stdint.h>

/* y = s / n (n >= 1), exactly: the numerator of s over n times its denominator, then one
 * canonicalisation (cheaper than mpq_div: no gcd with a temporary). y must not alias s. */
/*@ requires valid: \valid(y) && \valid_read(s) && \separated(y, s);
    requires ok: sc_qok(s) && n >= 1;
    assigns *y;
    ensures ok: sc_qok(y);
    ensures value: sc_qval(y) == sc_qval(s) / n; */
static void q_div_ui(mpq_ptr y, mpq_srcptr s, unsigned long n)
{
    mpz_set(mpq_numref(y), mpq_numref(s));
    mpz_mul_ui(mpq_denref(y), mpq_denref(s), n);
    /*@ assert v: sc_qval(y) == (real)sc_qnum(s) / (real)sc_zmul(sc_qden(s), n); */
    mpq_canonicalize(y);
}

/* The uniform kernel on a valid shape (checked by the caller), on flat arrays of mpq structs
 * (element (i, c) of a matrix with leading dimension ld at index i*ld + c); acc: dh
 * accumulators. out_i = (1/(i+1)) sum_{j<=i} V_j. The same GMP calls in the same order as
 * before the move. NOT YET PROVED: `prove_attention.sh --wip` (7 goals open, all frame
 * goals after the two calls of the inner loop; REPORT_attention.md). */
/*@ requires shape: 1 <= dh && T >= 1 && ldo >= dh && ldv >= dh;
    requires sizes: sc_span(ldo, T, dh) <= SIZE_MAX && sc_span(ldv, T, dh) <= SIZE_MAX;
    requires valid: \valid(acc + (0 .. dh - 1)) && \valid(out + (0 .. sc_span(ldo, T, dh) - 1)) &&
                    \valid_read(V + (0 .. sc_span(ldv, T, dh) - 1));
    requires sep: \separated(acc + (0 .. dh - 1), out + (0 .. sc_span(ldo, T, dh) - 1),
                             V + (0 .. sc_span(ldv, T, dh) - 1));
    requires V_ok: sc_qm_ok(V, ldv, T, dh);
    assigns acc[0 .. dh - 1], out[0 .. sc_span(ldo, T, dh) - 1];
    ensures out_ok: sc_qm_ok(out, ldo, T, dh);
    ensures uniform: \forall integer i, c; 0 <= i < T && 0 <= c < dh ==>
      sc_qa(out, sc_idx(ldo, i, c)) == sc_uniform{Pre}(V, ldv, i, c); */
static void sc_attn_uniform_qk(mpq_ptr out, size_t ldo, mpq_srcptr V, size_t ldv, size_t T,
                               size_t dh, mpq_ptr acc)
{
    /*@ loop invariant 0 <= c <= dh;
        loop invariant zero: \forall integer k; 0 <= k < c ==>
          sc_qok(acc + k) && sc_qval(acc + k) == 0;
        loop assigns c, acc[0 .. dh - 1];
        loop variant dh - c; */
    for (size_t c = 0; c < dh; c++) {
        mpq_set_ui(&acc[c], 0, 1);
        //@ assert z_new: sc_qok(acc + c) && sc_qval(acc + c) == 0;
        //@ assert z_old: \forall integer k; 0 <= k < c ==> sc_qok(acc + k) && sc_qval(acc + k) == 0;
        /*@ assert z_all: \forall integer k; 0 <= k <= c ==>
              sc_qok(acc + k) && sc_qval(acc + k) == 0; */
    }
    /*@ loop invariant 0 <= i <= T;
        loop invariant acc: \forall integer c; 0 <= c < dh ==>
          sc_qok(acc + c) && sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i);
        loop invariant done: \forall integer r, c; 0 <= r < i && 0 <= c < dh ==>
          sc_qa_ok(out, sc_idx(ldo, r, c)) &&
          sc_qa(out, sc_idx(ldo, r, c)) == sc_uniform{Pre}(V, ldv, r, c);
        loop assigns i, acc[0 .. dh - 1], out[0 .. sc_span(ldo, T, dh) - 1];
        loop variant T - i; */
    for (size_t i = 0; i < T; i++)
        /*@ loop invariant 0 <= c <= dh;
            loop invariant acc_new: \forall integer k; 0 <= k < c ==>
              sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i + 1);
            loop invariant acc_old: \forall integer k; c <= k < dh ==>
              sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i);
            loop invariant done: \forall integer r, k; 0 <= r < i && 0 <= k < dh ==>
              sc_qa_ok(out, sc_idx(ldo, r, k)) &&
              sc_qa(out, sc_idx(ldo, r, k)) == sc_uniform{Pre}(V, ldv, r, k);
            loop invariant row: \forall integer k; 0 <= k < c ==>
              sc_qa_ok(out, sc_idx(ldo, i, k)) &&
              sc_qa(out, sc_idx(ldo, i, k)) == sc_uniform{Pre}(V, ldv, i, k);
            loop assigns c, acc[0 .. dh - 1], out[0 .. sc_span(ldo, T, dh) - 1];
            loop variant dh - c; */
        for (size_t c = 0; c < dh; c++) {
            //@ assert idx: i * ldv + c == sc_idx(ldv, i, c) && i * ldo + c == sc_idx(ldo, i, c);
            //@ assert in_V: 0 <= sc_idx(ldv, i, c) < sc_span(ldv, T, dh);
            //@ assert in_out: 0 <= sc_idx(ldo, i, c) < sc_span(ldo, T, dh);
            /*@ assert v_pre: \forall integer j; j == sc_idx(ldv, i, c) ==>
                  sc_qok(V + j) && sc_qval(V + j) == \at(sc_qval(V + j), Pre); */
            //@ assert a_pre: sc_qok(acc + c) && sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i);
            mpq_add(&acc[c], &acc[c], &V[i * ldv + c]); /* prefix sum S_i */
            /*@ assert a_new: sc_qok(acc + c) &&
                  sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i + 1); */
            q_div_ui(&out[i * ldo + c], &acc[c], (unsigned long)(i + 1));
            /*@ assert o_new: sc_qok(out + sc_idx(ldo, i, c)) &&
                  sc_qval(out + sc_idx(ldo, i, c)) == sc_uniform{Pre}(V, ldv, i, c); */
            /*@ assert keep_acc: \forall integer k; 0 <= k < dh && k != c ==>
                  sc_qnum(acc + k) == \at(sc_qnum(acc + k), LoopCurrent) &&
                  sc_qden(acc + k) == \at(sc_qden(acc + k), LoopCurrent); */
            /*@ assert keep_out: \forall integer r, k; 0 <= r < T && 0 <= k < dh &&
                  (r != i || k != c) ==>
                  sc_qnum(out + sc_idx(ldo, r, k)) ==
                    \at(sc_qnum(out + sc_idx(ldo, r, k)), LoopCurrent) &&
                  sc_qden(out + sc_idx(ldo, r, k)) ==
                    \at(sc_qden(out + sc_idx(ldo, r, k)), LoopCurrent); */
        }
}

int sc_attn_uniform_q(mpq_t *out, size_t ldo, const mpq_t *V, size_t ldv, size_t T, size_t dh,
                      sc_attn_ws *ws)
{
    if (!ws || !ws->s || dh == 0 || T > ws->Tmax || dh > ws->dmax)
        return SC_X_EINVAL;
    if (T && (!out || ldo < dh || !V || ldv < dh))
        return SC_X_EINVAL;
    if (T)
        sc_attn_uniform_qk(out[0], ldo, V[0], ldv, T, dh, ws->qs[0]);
    else
        for (size_t c = 0; c < dh; c++) /* as before: the accumulators are reset */
            mpq_set_ui(ws->qs[c], 0, 1);
    return SC_X_OK;
}
