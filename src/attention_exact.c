/* Exact causal attention on GMP rationals (see attention.h): uniform, hard, multi-head. Logic
 * in spec/attention.acsl, GMP model and trusted stub contracts in spec/exact.acsl; proofs in
 * proofs/prove_attention.sh (report: proofs/REPORT_attention.md). Proved (gated, 100 %):
 * q_div_ui, sc_attn_uniform_qk and the hard kernel's helpers zdot, zfrac_cmp. In --wip:
 * row_over_common_den (its goals prove, its lemma sc_zmul_assoc does not) and the hard kernel
 * sc_attn_hard_qk (contract only). Not annotated: the wrappers, sc_attn_mh_q. */
#include "attention.h"

#include "proof_label.h"

#include <stdint.h>


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

/* ------------------------------------------------------------------ hard attention */

/* num[k] / den = x[k] for k < n, with den = lcm of the denominators (> 0); tmp: scratch. */
/*@ requires valid: \valid(num + (0 .. n - 1)) && \valid(den) && \valid(tmp) &&
                    \valid_read(x + (0 .. n - 1));
    requires sep: \separated(num + (0 .. n - 1), den, tmp, x + (0 .. n - 1));
    requires ok: \forall integer k; 0 <= k < n ==> sc_qok(x + k);
    assigns num[0 .. n - 1], *den, *tmp;
    ensures den_pos: sc_zval(den) > 0;
    ensures value: \forall integer k; 0 <= k < n ==>
      sc_zmul(sc_zval(num + k), \old(sc_qden(x + k))) == sc_zmul(\old(sc_qnum(x + k)), sc_zval(den));
    ensures zframe: \forall mpz_srcptr z; sc_zzsep(z, den) && sc_zzsep(z, tmp) &&
      (\forall integer k; 0 <= k < n ==> sc_zzsep(z, num + k)) ==>
        sc_zval(z) == \old(sc_zval(z)); */
static void row_over_common_den(mpz_ptr num, mpz_ptr den, mpq_srcptr x, size_t n, mpz_ptr tmp)
{
    mpz_set_ui(den, 1);
    /*@ loop invariant 0 <= k <= n;
        loop invariant pos: sc_zval(den) > 0;
        loop invariant div: \forall integer m; 0 <= m < k ==>
          sc_divides(\at(sc_qden(x + m), Pre), sc_zval(den));
        loop invariant zf: \forall mpz_srcptr z; sc_zzsep(z, den) && sc_zzsep(z, tmp) &&
          (\forall integer m; 0 <= m < n ==> sc_zzsep(z, num + m)) ==>
            sc_zval(z) == \at(sc_zval(z), Pre);
        loop invariant xf: \forall integer m; 0 <= m < n ==>
          sc_qnum(x + m) == \at(sc_qnum(x + m), Pre) && sc_qden(x + m) == \at(sc_qden(x + m), Pre);
        loop assigns k, *den;
        loop variant n - k; */
    for (size_t k = 0; k < n; k++)
        mpz_lcm(den, den, mpq_denref(&x[k]));
    /*@ loop invariant 0 <= k <= n;
        loop invariant pos: sc_zval(den) > 0;
        loop invariant div: \forall integer m; 0 <= m < n ==>
          sc_divides(\at(sc_qden(x + m), Pre), sc_zval(den));
        loop invariant value: \forall integer m; 0 <= m < k ==>
          sc_zmul(sc_zval(num + m), \at(sc_qden(x + m), Pre)) ==
            sc_zmul(\at(sc_qnum(x + m), Pre), sc_zval(den));
        loop invariant zf: \forall mpz_srcptr z; sc_zzsep(z, den) && sc_zzsep(z, tmp) &&
          (\forall integer m; 0 <= m < n ==> sc_zzsep(z, num + m)) ==>
            sc_zval(z) == \at(sc_zval(z), Pre);
        loop invariant xf: \forall integer m; 0 <= m < n ==>
          sc_qnum(x + m) == \at(sc_qnum(x + m), Pre) && sc_qden(x + m) == \at(sc_qden(x + m), Pre);
        loop assigns k, *tmp, num[0 .. n - 1];
        loop variant n - k; */
    for (size_t k = 0; k < n; k++) {
        /*@ assert x_k: \forall integer m; m == k ==>
              sc_qnum(x + m) == \at(sc_qnum(x + m), Pre) && sc_qden(x + m) == \at(sc_qden(x + m), Pre); */
        //@ assert s_tmp: sc_zzsep(den, tmp) && \forall integer m; 0 <= m < n ==> sc_zzsep(num + m, tmp);
        //@ assert s_num: sc_zzsep(den, num + k) && sc_zzsep(tmp, num + k);
        //@ assert s_num_lo: \forall integer m; 0 <= m < k ==> sc_zzsep(num + m, num + k);
        /*@ assert s_x: \forall integer m; 0 <= m < n ==>
              sc_qzsep(x + m, tmp) && sc_qzsep(x + m, num + k); */
        SC_PROOF_LABEL(L_div)
        mpz_divexact(tmp, den, mpq_denref(&x[k]));
        //@ assert d_den: sc_zval(den) == \at(sc_zval(den), L_div);
        /*@ assert d_num: \forall integer m; 0 <= m < n ==>
              sc_zval(num + m) == \at(sc_zval(num + m), L_div); */
        SC_PROOF_LABEL(L_mul)
        mpz_mul(&num[k], mpq_numref(&x[k]), tmp);
        //@ assert m_den: sc_zval(den) == \at(sc_zval(den), L_mul);
        /*@ assert m_num: \forall integer m; 0 <= m < k ==>
              sc_zval(num + m) == \at(sc_zval(num + m), L_mul); */
        /*@ assert v_new_r: \forall integer m; k <= m <= k ==>
              sc_zmul(sc_zval(num + m), \at(sc_qden(x + m), Pre)) ==
                sc_zmul(\at(sc_qnum(x + m), Pre), sc_zval(den)); */
        /*@ assert v_old: \forall integer m; 0 <= m < k ==>
              sc_zmul(sc_zval(num + m), \at(sc_qden(x + m), Pre)) ==
                sc_zmul(\at(sc_qnum(x + m), Pre), sc_zval(den)); */
    }
}

/* d = sum_{c<n} a[c] b[c] (integers). */
/*@ requires valid: \valid(d) && \valid_read(a + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1));
    requires sep: \separated(d, a + (0 .. n - 1)) && \separated(d, b + (0 .. n - 1));
    assigns *d;
    ensures value: sc_zval(d) == sc_zdot{Pre}(a, b, n);
    ensures zframe: \forall mpz_srcptr z; sc_zzsep(z, d) ==> sc_zval(z) == \old(sc_zval(z)); */
static void zdot(mpz_ptr d, mpz_srcptr a, mpz_srcptr b, size_t n)
{
    mpz_set_ui(d, 0);
    /*@ loop invariant 0 <= c <= n;
        loop invariant value: sc_zval(d) == sc_zdot{Pre}(a, b, c);
        loop invariant ab: \forall integer m; 0 <= m < n ==>
          sc_zval(a + m) == \at(sc_zval(a + m), Pre) && sc_zval(b + m) == \at(sc_zval(b + m), Pre);
        loop invariant zf: \forall mpz_srcptr z; sc_zzsep(z, d) ==> sc_zval(z) == \at(sc_zval(z), Pre);
        loop assigns c, *d;
        loop variant n - c; */
    for (size_t c = 0; c < n; c++) {
        //@ assert s_ab: \forall integer m; 0 <= m < n ==> sc_zzsep(a + m, d) && sc_zzsep(b + m, d);
        mpz_addmul(d, &a[c], &b[c]);
    }
}

/* The sign of a/da - b/db (da, db > 0): the sign of a db - b da; t1, t2: scratch. */
/*@ requires valid: \valid_read(a) && \valid_read(da) && \valid_read(b) && \valid_read(db) &&
                    \valid(t1) && \valid(t2);
    requires sep: \separated(t1, t2) && \separated(\union(t1, t2), \union(a, da, b, db));
    assigns *t1, *t2;
    ensures gt: \result > 0 <==>
      sc_zmul(\old(sc_zval(a)), \old(sc_zval(db))) > sc_zmul(\old(sc_zval(b)), \old(sc_zval(da)));
    ensures eq: \result == 0 <==>
      sc_zmul(\old(sc_zval(a)), \old(sc_zval(db))) == sc_zmul(\old(sc_zval(b)), \old(sc_zval(da)));
    ensures zframe: \forall mpz_srcptr z; sc_zzsep(z, t1) && sc_zzsep(z, t2) ==>
      sc_zval(z) == \old(sc_zval(z)); */
static int zfrac_cmp(mpz_srcptr a, mpz_srcptr da, mpz_srcptr b, mpz_srcptr db, mpz_ptr t1,
                     mpz_ptr t2)
{
    //@ assert s1: sc_zzsep(b, t1) && sc_zzsep(da, t1) && sc_zzsep(t1, t2);
    mpz_mul(t1, a, db);
    mpz_mul(t2, b, da);
    return mpz_cmp(t1, t2);
}

/* The hard kernel on a valid shape (checked by the caller), on flat arrays (element (i, c) of
 * a matrix with leading dimension ld at index i*ld + c). Scratch: kn (T*dh), kd (T), qn (dh),
 * qd, dots (T), t1, t2, acc (dh). k_j = kn_j / kd_j and q_i = qn / qd over integers, so
 * s_ij = q_i.k_j = dots_j / (qd kd_j) with dots_j = qn.kn_j; qd > 0 being common to the row,
 * the arg-max compares dots_j / kd_j exactly. Per row i: the integer scores of j <= i, one
 * pass for an arg-max bj (the first), one pass summing the V_j whose score equals s_ibj,
 * then out_i = sum / count. nties[i*ns] = |A_i| (if nties).
 * The contract below is the theorem to prove (causal mask j <= i, ties counted, exact
 * average); the proof is NOT done (no loop annotations yet; prove_attention.sh --wip). */
/*@ requires shape: 1 <= dh && 1 <= T && ldo >= dh && ldq >= dh && ldk >= dh && ldv >= dh &&
                    ns >= 1;
    requires sizes: sc_span(ldo, T, dh) <= SIZE_MAX && sc_span(ldq, T, dh) <= SIZE_MAX &&
                    sc_span(ldk, T, dh) <= SIZE_MAX && sc_span(ldv, T, dh) <= SIZE_MAX &&
                    T * dh <= SIZE_MAX && (T - 1) * ns <= SIZE_MAX;
    requires valid: \valid(out + (0 .. sc_span(ldo, T, dh) - 1)) &&
                    \valid_read(Q + (0 .. sc_span(ldq, T, dh) - 1)) &&
                    \valid_read(K + (0 .. sc_span(ldk, T, dh) - 1)) &&
                    \valid_read(V + (0 .. sc_span(ldv, T, dh) - 1));
    requires scratch: \valid(kn + (0 .. T * dh - 1)) && \valid(kd + (0 .. T - 1)) &&
                      \valid(qn + (0 .. dh - 1)) && \valid(qd) && \valid(dots + (0 .. T - 1)) &&
                      \valid(t1) && \valid(t2) && \valid(acc + (0 .. dh - 1));
    requires nties: nties == \null || \valid(nties + (0 .. (T - 1) * ns));
    requires sep: \separated(out + (0 .. sc_span(ldo, T, dh) - 1),
                             Q + (0 .. sc_span(ldq, T, dh) - 1), K + (0 .. sc_span(ldk, T, dh) - 1),
                             V + (0 .. sc_span(ldv, T, dh) - 1), kn + (0 .. T * dh - 1),
                             kd + (0 .. T - 1), qn + (0 .. dh - 1), qd, dots + (0 .. T - 1), t1,
                             t2, acc + (0 .. dh - 1));
    requires sep_nties: nties == \null ||
      \separated(nties + (0 .. (T - 1) * ns), out + (0 .. sc_span(ldo, T, dh) - 1),
                 Q + (0 .. sc_span(ldq, T, dh) - 1), K + (0 .. sc_span(ldk, T, dh) - 1),
                 V + (0 .. sc_span(ldv, T, dh) - 1), kn + (0 .. T * dh - 1), kd + (0 .. T - 1),
                 qn + (0 .. dh - 1), qd, dots + (0 .. T - 1), t1, t2, acc + (0 .. dh - 1));
    requires ok: sc_qm_ok(Q, ldq, T, dh) && sc_qm_ok(K, ldk, T, dh) && sc_qm_ok(V, ldv, T, dh);
    assigns out[0 .. sc_span(ldo, T, dh) - 1], kn[0 .. T * dh - 1], kd[0 .. T - 1],
            qn[0 .. dh - 1], *qd, dots[0 .. T - 1], *t1, *t2, acc[0 .. dh - 1],
            nties[0 .. (T - 1) * ns];
    ensures out_ok: sc_qm_ok(out, ldo, T, dh);
    ensures hard: \forall integer i, c; 0 <= i < T && 0 <= c < dh ==>
      sc_qa(out, sc_idx(ldo, i, c)) == sc_hard{Pre}(Q, ldq, K, ldk, V, ldv, i, c, dh);
    ensures ties: nties != \null ==> \forall integer i; 0 <= i < T ==>
      nties[i * ns] == sc_hard_count{Pre}(Q, ldq, K, ldk, i, dh); */
static void sc_attn_hard_qk(mpq_ptr out, size_t ldo, mpq_srcptr Q, size_t ldq, mpq_srcptr K,
                            size_t ldk, mpq_srcptr V, size_t ldv, size_t T, size_t dh,
                            size_t *nties, size_t ns, mpz_ptr kn, mpz_ptr kd, mpz_ptr qn,
                            mpz_ptr qd, mpz_ptr dots, mpz_ptr t1, mpz_ptr t2, mpq_ptr acc)
{
    for (size_t j = 0; j < T; j++)
        row_over_common_den(&kn[j * dh], &kd[j], &K[j * ldk], dh, t1);
    for (size_t i = 0; i < T; i++) {
        row_over_common_den(qn, qd, &Q[i * ldq], dh, t1);
        for (size_t j = 0; j <= i; j++)
            zdot(&dots[j], qn, &kn[j * dh], dh);
        size_t bj = 0;
        for (size_t j = 1; j <= i; j++)
            if (zfrac_cmp(&dots[j], &kd[j], &dots[bj], &kd[bj], t1, t2) > 0)
                bj = j;
        for (size_t c = 0; c < dh; c++)
            mpq_set_ui(&acc[c], 0, 1);
        size_t nc = 0;
        for (size_t j = 0; j <= i; j++)
            if (zfrac_cmp(&dots[j], &kd[j], &dots[bj], &kd[bj], t1, t2) == 0) {
                for (size_t c = 0; c < dh; c++)
                    mpq_add(&acc[c], &acc[c], &V[j * ldv + c]);
                nc++;
            }
        for (size_t c = 0; c < dh; c++)
            q_div_ui(&out[i * ldo + c], &acc[c], (unsigned long)nc);
        if (nties)
            nties[i * ns] = nc;
    }
}

/* Shape checks, then the kernel; nties[i * ns] = |A_i| (ns: stride, for multi-head). */
static int hard_q(mpq_t *out, size_t ldo, const mpq_t *Q, size_t ldq, const mpq_t *K,
                  size_t ldk, const mpq_t *V, size_t ldv, size_t T, size_t dh, size_t *nties,
                  size_t ns, sc_attn_ws *ws)
{
    if (!ws || !ws->s || dh == 0 || T > ws->Tmax || dh > ws->dmax)
        return SC_X_EINVAL;
    if (T == 0)
        return SC_X_OK;
    if (!out || ldo < dh || !Q || ldq < dh || !K || ldk < dh || !V || ldv < dh)
        return SC_X_EINVAL;
    sc_attn_hard_qk(out[0], ldo, Q[0], ldq, K[0], ldk, V[0], ldv, T, dh, nties, ns, ws->kn[0],
                    ws->kd[0], ws->qn[0], ws->qd, ws->dots[0], ws->t1, ws->t2, ws->qs[0]);
    return SC_X_OK;
}

int sc_attn_hard_q(mpq_t *out, size_t ldo, const mpq_t *Q, size_t ldq, const mpq_t *K,
                   size_t ldk, const mpq_t *V, size_t ldv, size_t T, size_t dh, size_t *nties,
                   sc_attn_ws *ws)
{
    return hard_q(out, ldo, Q, ldq, K, ldk, V, ldv, T, dh, nties, 1, ws);
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
