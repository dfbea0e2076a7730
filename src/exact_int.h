/* Internal to the exact layer (src/exact.c, src/exact_q.c): helpers shared by the two files.
 * Not part of the public API. Contracts: spec/forward.acsl, proofs/REPORT_forward.md. */
#ifndef SC_EXACT_INT_H
#define SC_EXACT_INT_H

#include "exact.h"
#include "proof_label.h"

#include "../spec/index.acsl"
#include "../spec/exact.acsl"
#include "../spec/forward.acsl"

/* 1 iff v[0 .. n-1] are all finite (src/exact_q.c). */
int sc_x_all_finite(const double *v, size_t n);

/* acc * 2^(*acc_e) += w * z exactly, w a finite double (*have: whether acc holds a value yet;
 * if not, acc is 0). Scratch: cx->z[2], cx->z[3] (src/exact.c). Its contract is ASSUMED (not
 * proved: its body, in exact.c, decomposes w bit by bit with frexp/ldexp and shifts mpz
 * values; proofs/REPORT_forward.md). Exponents of finite doubles' bits: -1126 .. 971. */
/*@ requires valid: \valid(acc) && \valid(acc_e) && \valid(have) && \valid_read(z) &&
                    \valid(cx) && \valid(&cx->z[2][0]) && \valid(&cx->z[3][0]);
    requires sep: \separated(acc, &cx->z[2][0], &cx->z[3][0]) &&
                  \separated(z, &cx->z[2][0], &cx->z[3][0]) &&
                  \separated(acc_e, have, acc, z, cx) && \separated(have, acc, z, cx);
    requires have: *have == 0 || *have == 1;
    requires empty: *have == 0 ==> sc_zval(acc) == 0 && *acc_e == 0;
    requires exp: -1126 <= *acc_e <= 971;
    requires finite: sc_dfin(w);
    assigns *acc, *acc_e, *have, cx->z[2][0], cx->z[3][0];
    ensures value: sc_dyv(sc_zval(acc), *acc_e) ==
                   \old(sc_dyv(sc_zval(acc), *acc_e)) + (real)w * \old(sc_zval(z));
    ensures have: *have == 0 || *have == 1;
    ensures empty: *have == 0 ==> sc_zval(acc) == 0 && *acc_e == 0;
    ensures exp: -1126 <= *acc_e <= 971;
    ensures zframe: \forall mpz_srcptr p; sc_zzsep(p, acc) && sc_zzsep(p, &cx->z[2][0]) &&
      sc_zzsep(p, &cx->z[3][0]) ==> sc_zval(p) == \old(sc_zval(p));
    ensures qframe: \forall mpq_srcptr p; sc_qzsep(p, acc) && sc_qzsep(p, &cx->z[2][0]) &&
      sc_qzsep(p, &cx->z[3][0]) ==>
        sc_qnum(p) == \old(sc_qnum(p)) && sc_qden(p) == \old(sc_qden(p)); */
void sc_x_acc_add_d(mpz_t acc, long *acc_e, int *have, double w, mpz_srcptr z, sc_xctx *cx);

#endif
