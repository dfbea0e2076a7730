/* Exact uniform causal attention on GMP rationals (see attention.h). Logic in
 * spec/attention.acsl, GMP model and trusted stub contracts in spec/exact.acsl; proofs in
 * proofs/prove_attention.sh (report: proofs/REPORT_attention.md): q_div_ui and the kernel
 * sc_attn_uniform_qk are proved (gated, 100 %); the wrapper sc_attn_uniform_q is not. */
#include "attention.h"

#include <stdint.h>

/* A C label that only the proof sees (frame asserts refer to the state just before a call);
 * the compiler would warn that it is unused. */
#ifdef __FRAMAC__
#define SC_PROOF_LABEL(l) l:
#else
#define SC_PROOF_LABEL(l)
#endif

/* y = s / n (n >= 1), exactly: the numerator of s over n times its denominator, then one
 * canonicalisation (cheaper than mpq_div: no gcd with a temporary). y must not alias s. */
/*@ requires valid: \valid(y) && \valid_read(s) && \separated(y, s);
    requires ok: sc_qok(s) && n >= 1;
    assigns *y;
    ensures ok: sc_qok(y);
    ensures frame: \forall mpq_srcptr p; sc_qsep(p, y) ==>
      sc_qnum(p) == \old(sc_qnum(p)) && sc_qden(p) == \old(sc_qden(p));
    ensures value: sc_qval(y) == sc_rdiv(\old(sc_qval(s)), n); */
static void q_div_ui(mpq_ptr y, mpq_srcptr s, unsigned long n)
{
    mpz_set(mpq_numref(y), mpq_numref(s));
    mpz_mul_ui(mpq_denref(y), mpq_denref(s), n);
    /*@ assert v: sc_qval(y) == sc_qv(sc_qnum(s), sc_zmul(sc_qden(s), n)); */
    mpq_canonicalize(y);
}

/* The uniform kernel on a valid shape (checked by the caller), on flat arrays of mpq structs
 * (element (i, c) of a matrix with leading dimension ld at index i*ld + c); acc: dh
 * accumulators. out_i = (1/(i+1)) sum_{j<=i} V_j. The same GMP calls in the same order as
 * before the move. Proved by prove_attention.sh: each call is framed by the callee's `frame`
 * postcondition, instantiated through the sc_qsep hints, relative to a proof-only C label
 * just before the call (REPORT_attention.md). */
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
            /* Separation hints for the frames of the two calls (sc_qsep: spec/exact.acsl). */
            /*@ assert sep_add: \forall integer j; 0 <= j < sc_span(ldo, T, dh) ==>
                  sc_qsep(out + j, acc + c); */
            /*@ assert sep_add_acc_lo: \forall integer k; 0 <= k < c ==> sc_qsep(acc + k, acc + c); */
            /*@ assert sep_add_acc_hi: \forall integer k; c < k < dh ==> sc_qsep(acc + k, acc + c); */
            /*@ assert sep_div: \forall integer k; 0 <= k < dh ==>
                  sc_qsep(acc + k, out + sc_idx(ldo, i, c)); */
            /*@ assert sep_div_out_lo: \forall integer j; 0 <= j < sc_idx(ldo, i, c) ==>
                  sc_qsep(out + j, out + sc_idx(ldo, i, c)); */
            /*@ assert sep_div_out_hi: \forall integer j; sc_idx(ldo, i, c) < j < sc_span(ldo, T, dh) ==>
                  sc_qsep(out + j, out + sc_idx(ldo, i, c)); */
            /*@ assert v_pre_f: \forall integer j; j == sc_idx(ldv, i, c) ==>
                  sc_qnum(V + j) == \at(sc_qnum(V + j), Pre) &&
                  sc_qden(V + j) == \at(sc_qden(V + j), Pre); */
            /*@ assert v_pre: \forall integer j; j == sc_idx(ldv, i, c) ==>
                  sc_qok(V + j) && sc_qval(V + j) == \at(sc_qval(V + j), Pre); */
            //@ assert a_pre: sc_qok(acc + c) && sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i);
            SC_PROOF_LABEL(L_add)
            mpq_add(&acc[c], &acc[c], &V[i * ldv + c]); /* prefix sum S_i */
            /*@ assert a_new: sc_qok(acc + c) &&
                  sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i + 1); */
            /* Frame of the call: only acc[c] changes. */
            /*@ assert add_keep_acc_lo: \forall integer k; 0 <= k < c ==>
                  sc_qnum(acc + k) == \at(sc_qnum(acc + k), L_add) &&
                  sc_qden(acc + k) == \at(sc_qden(acc + k), L_add); */
            /*@ assert add_keep_acc_hi: \forall integer k; c < k < dh ==>
                  sc_qnum(acc + k) == \at(sc_qnum(acc + k), L_add) &&
                  sc_qden(acc + k) == \at(sc_qden(acc + k), L_add); */
            /*@ assert add_keep_out: \forall integer j; 0 <= j < sc_span(ldo, T, dh) ==>
                  sc_qnum(out + j) == \at(sc_qnum(out + j), L_add) &&
                  sc_qden(out + j) == \at(sc_qden(out + j), L_add); */
            /*@ assert add_keep_acc_v: \forall integer k; 0 <= k < dh && k != c ==>
                  sc_qval(acc + k) == \at(sc_qval(acc + k), L_add); */
            /*@ assert add_keep_out_v: \forall integer j; 0 <= j < sc_span(ldo, T, dh) ==>
                  sc_qval(out + j) == \at(sc_qval(out + j), L_add); */
            /*@ assert a_new_r: \forall integer k; c <= k <= c ==> sc_qok(acc + k) &&
                  sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i + 1); */
            /*@ assert add_acc_new: \forall integer k; 0 <= k < c ==>
                  sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i + 1); */
            /*@ assert add_acc_old: \forall integer k; c + 1 <= k < dh ==>
                  sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i); */
            /*@ assert add_done: \forall integer r, k; 0 <= r < i && 0 <= k < dh ==>
                  sc_qa_ok(out, sc_idx(ldo, r, k)) &&
                  sc_qa(out, sc_idx(ldo, r, k)) == sc_uniform{Pre}(V, ldv, r, k); */
            /*@ assert add_row: \forall integer k; 0 <= k < c ==>
                  sc_qa_ok(out, sc_idx(ldo, i, k)) &&
                  sc_qa(out, sc_idx(ldo, i, k)) == sc_uniform{Pre}(V, ldv, i, k); */
            /*@ assert a_div: sc_qok(acc + c) &&
                  sc_qval(acc + c) == sc_colsum{Pre}(V, ldv, c, i + 1); */
            SC_PROOF_LABEL(L_div)
            q_div_ui(&out[i * ldo + c], &acc[c], (unsigned long)(i + 1));
            //@ assert o_ok: sc_qok(out + sc_idx(ldo, i, c));
            /*@ assert o_q: sc_qval(out + sc_idx(ldo, i, c)) ==
                  sc_rdiv(sc_colsum{Pre}(V, ldv, c, i + 1), i + 1); */
            /*@ assert o_new: sc_qok(out + sc_idx(ldo, i, c)) &&
                  sc_qval(out + sc_idx(ldo, i, c)) == sc_uniform{Pre}(V, ldv, i, c); */
            /* Frame of the call: only out[(i, c)] changes. */
            /*@ assert div_keep_acc: \forall integer k; 0 <= k < dh ==>
                  sc_qnum(acc + k) == \at(sc_qnum(acc + k), L_div) &&
                  sc_qden(acc + k) == \at(sc_qden(acc + k), L_div); */
            /*@ assert div_keep_out_lo: \forall integer j; 0 <= j < sc_idx(ldo, i, c) ==>
                  sc_qnum(out + j) == \at(sc_qnum(out + j), L_div) &&
                  sc_qden(out + j) == \at(sc_qden(out + j), L_div); */
            /*@ assert div_keep_out_hi: \forall integer j; sc_idx(ldo, i, c) < j < sc_span(ldo, T, dh) ==>
                  sc_qnum(out + j) == \at(sc_qnum(out + j), L_div) &&
                  sc_qden(out + j) == \at(sc_qden(out + j), L_div); */
            /*@ assert div_keep_acc_v: \forall integer k; 0 <= k < dh ==>
                  sc_qval(acc + k) == \at(sc_qval(acc + k), L_div); */
            /*@ assert div_keep_out_v: \forall integer j; 0 <= j < sc_span(ldo, T, dh) &&
                  j != sc_idx(ldo, i, c) ==>
                  sc_qval(out + j) == \at(sc_qval(out + j), L_div); */
            /*@ assert o_new_r: \forall integer k; c <= k <= c ==>
                  sc_qa_ok(out, sc_idx(ldo, i, k)) &&
                  sc_qa(out, sc_idx(ldo, i, k)) == sc_uniform{Pre}(V, ldv, i, k); */
            /*@ assert end_acc_new: \forall integer k; 0 <= k < c + 1 ==>
                  sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i + 1); */
            /*@ assert end_acc_old: \forall integer k; c + 1 <= k < dh ==>
                  sc_qok(acc + k) && sc_qval(acc + k) == sc_colsum{Pre}(V, ldv, k, i); */
            /*@ assert end_done: \forall integer r, k; 0 <= r < i && 0 <= k < dh ==>
                  sc_qa_ok(out, sc_idx(ldo, r, k)) &&
                  sc_qa(out, sc_idx(ldo, r, k)) == sc_uniform{Pre}(V, ldv, r, k); */
            /*@ assert end_row: \forall integer k; 0 <= k < c + 1 ==>
                  sc_qa_ok(out, sc_idx(ldo, i, k)) &&
                  sc_qa(out, sc_idx(ldo, i, k)) == sc_uniform{Pre}(V, ldv, i, k); */
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
