/* The exact-rational kernels of the forward pass (see exact.h): the linear layer, ReLU,
 * residual add and the certified arg-max, on arrays of mpq_t. Moved here from exact.c (same
 * code, same GMP calls) so that Frama-C can parse them: exact.c holds __int128 and
 * AVX-512 code. Logic in spec/forward.acsl, GMP model and trusted stub contracts in
 * spec/exact.acsl; proofs in proofs/prove_forward.sh, report proofs/REPORT_forward.md. */
#include "exact_int.h"

#include <math.h>
#include <stdint.h>

/*@ requires valid: \valid_read(v + (0 .. n - 1));
    assigns \nothing;
    ensures finite: \result != 0 <==> (\forall integer k; 0 <= k < n ==> sc_dfin(v[k]));
    ensures bool: \result == 0 || \result == 1; */
int sc_x_all_finite(const double *v, size_t n)
{
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> sc_dfin(v[j]);
        loop assigns k;
        loop variant n - k; */
    for (size_t k = 0; k < n; k++)
        if (!isfinite(v[k]))
            return 0;
    return 1;
}

/* y[r][o] = b[o] + sum_k W[o][k] x[r][k] exactly (see exact.h). Each row is put over one
 * common denominator D (lcm of its denominators): zv[k] = num_k * (D / den_k) = D x_k; then
 * acc 2^acc_e = sum_k w_k zv[k] (+ b_o D) = D y exactly (sc_x_acc_add_d, assumed contract),
 * and y = acc 2^acc_e / D. */
/*@ requires cx_valid: \valid(cx) && \valid(&cx->z[0 .. 5][0]) &&
                       \valid(cx->zv + (0 .. cx->nmax - 1));
    requires x_valid: \valid_read(x + (0 .. rows * in - 1));
    requires out_valid: \valid(out + (0 .. rows * outd - 1));
    requires W_valid: \valid_read(W + (0 .. in * outd - 1));
    requires b_valid: b == \null || \valid_read(b + (0 .. outd - 1));
    requires sizes: rows * in <= SIZE_MAX && rows * outd <= SIZE_MAX;
    requires sep: \separated(out + (0 .. rows * outd - 1), x + (0 .. rows * in - 1),
                             cx->zv + (0 .. cx->nmax - 1), cx);
    requires x_ok: \forall integer j; 0 <= j < rows * in ==> sc_qt_ok(x, j);
    assigns out[0 .. rows * outd - 1][0], cx->z[0 .. 4][0], cx->zv[0 .. cx->nmax - 1][0];
    ensures status: \result == SC_X_OK || \result == SC_X_EINVAL || \result == SC_X_ENONFINITE;
    ensures affine: \result == SC_X_OK ==>
      \forall integer r, o; 0 <= r < rows && 0 <= o < outd ==>
        sc_qt_ok(out, sc_idx(outd, r, o)) &&
        sc_qt(out, sc_idx(outd, r, o)) == sc_affine{Pre}(x, W, b, in, r, o); */
int sc_q_linear(mpq_t *out, const mpq_t *x, size_t rows, size_t in, const double *W,
                const double *b, size_t outd, sc_xctx *cx)
{
    if (!cx || in > cx->nmax || (rows && outd && (!out || !x || (in && !W))))
        return SC_X_EINVAL;
    if (outd && in > SIZE_MAX / outd)
        return SC_X_EINVAL;
    if (!sc_x_all_finite(W, in * outd) || (b && !sc_x_all_finite(b, outd)))
        return SC_X_ENONFINITE;
    //@ assert W_fin: \forall integer j; 0 <= j < in * outd ==> sc_dfin(W[j]);
    //@ assert b_fin: b != \null ==> \forall integer j; 0 <= j < outd ==> sc_dfin(b[j]);
    mpz_ptr D = cx->z[0], acc = cx->z[1], t = cx->z[4];
    /*@ loop invariant 0 <= r <= rows;
        loop invariant x_same: \forall integer j; 0 <= j < rows * in ==> sc_qt_same{Pre, Here}(x, j);
        loop invariant done: \forall integer r1, o1; 0 <= r1 < r && 0 <= o1 < outd ==>
          sc_qt_ok(out, sc_idx(outd, r1, o1)) &&
          sc_qt(out, sc_idx(outd, r1, o1)) == sc_affine{Pre}(x, W, b, in, r1, o1);
        loop assigns r, out[0 .. rows * outd - 1][0], cx->z[0 .. 4][0],
                     cx->zv[0 .. cx->nmax - 1][0];
        loop variant rows - r; */
    for (size_t r = 0; r < rows; r++) {
        //@ assert r_in: 0 <= sc_idx(in, r, 0) && sc_idx(in, r, 0) + in <= rows * in;
        const mpq_t *xr = &x[r * in];
        /* the row over one common denominator D: x_k = zv[k] / D */
        mpz_set_ui(D, 1);
        /*@ loop invariant 0 <= k <= in;
            loop invariant D_pos: sc_zval(D) > 0;
            loop invariant D_div: \forall integer j; 0 <= j < k ==>
              sc_divides(sc_qden(&xr[j][0]), sc_zval(D));
            loop assigns k, cx->z[0][0];
            loop variant in - k; */
        for (size_t k = 0; k < in; k++)
            mpz_lcm(D, D, mpq_denref(xr[k]));
        /*@ loop invariant 0 <= k <= in;
            loop invariant D_pos: sc_zval(D) > 0;
            loop invariant D_div: \forall integer j; 0 <= j < in ==>
              sc_divides(sc_qden(&xr[j][0]), sc_zval(D));
            loop invariant zv: \forall integer j; 0 <= j < k ==>
              (real)sc_zval(&cx->zv[j][0]) == (real)sc_zval(D) * sc_qt{Pre}(x, sc_idx(in, r, j));
            loop assigns k, cx->z[4][0], cx->zv[0 .. cx->nmax - 1][0];
            loop variant in - k; */
        for (size_t k = 0; k < in; k++) {
            /*@ assert sep_t: sc_zzsep(&cx->z[0][0], t) &&
                  \forall integer j; 0 <= j < cx->nmax ==> sc_zzsep(&cx->zv[j][0], t); */
            /*@ assert sep_zv: sc_zzsep(&cx->z[0][0], &cx->zv[k][0]) &&
                  \forall integer j; 0 <= j < cx->nmax && j != k ==>
                    sc_zzsep(&cx->zv[j][0], &cx->zv[k][0]); */
            //@ assert x_k: sc_qt_same{Pre, Here}(x, sc_idx(in, r, k));
            mpz_divexact(t, D, mpq_denref(xr[k]));
            mpz_mul(cx->zv[k], mpq_numref(xr[k]), t);
            /*@ assert zv_k: (real)sc_zval(&cx->zv[k][0]) ==
                  (real)sc_zval(D) * sc_qt{Pre}(x, sc_idx(in, r, k)); */
        }
        /*@ loop invariant 0 <= o <= outd;
            loop invariant D_pos: sc_zval(D) > 0;
            loop invariant zv: \forall integer j; 0 <= j < in ==>
              (real)sc_zval(&cx->zv[j][0]) == (real)sc_zval(D) * sc_qt{Pre}(x, sc_idx(in, r, j));
            loop invariant done_r: \forall integer o1; 0 <= o1 < o ==>
              sc_qt_ok(out, sc_idx(outd, r, o1)) &&
              sc_qt(out, sc_idx(outd, r, o1)) == sc_affine{Pre}(x, W, b, in, r, o1);
            loop assigns o, out[0 .. rows * outd - 1][0], cx->z[1 .. 3][0];
            loop variant outd - o; */
        for (size_t o = 0; o < outd; o++) {
            long acc_e = 0;
            int have = 0;
            mpz_set_ui(acc, 0);
            const double *w = &W[o * in];
            /*@ loop invariant 0 <= k <= in;
                loop invariant acc: sc_dyv(sc_zval(acc), acc_e) ==
                  (real)sc_zval(D) * sc_lin{Pre}(x, W, in, r, o, k);
                loop invariant have: (have == 0 || have == 1) &&
                  (have == 0 ==> sc_zval(acc) == 0 && acc_e == 0) && -1126 <= acc_e <= 971;
                loop assigns k, acc_e, have, cx->z[1 .. 3][0];
                loop variant in - k; */
            for (size_t k = 0; k < in; k++)
                sc_x_acc_add_d(acc, &acc_e, &have, w[k], cx->zv[k], cx);
            if (b)
                sc_x_acc_add_d(acc, &acc_e, &have, b[o], D, cx);
            /*@ assert acc_all: sc_dyv(sc_zval(acc), acc_e) ==
                  (real)sc_zval(D) * sc_affine{Pre}(x, W, b, in, r, o); */
            mpq_ptr y = out[r * outd + o];
            mpz_set(mpq_numref(y), acc);
            mpz_set(mpq_denref(y), D);
            if (have && acc_e >= 0)
                mpz_mul_2exp(mpq_numref(y), mpq_numref(y), (mp_bitcnt_t)acc_e);
            else if (have)
                mpz_mul_2exp(mpq_denref(y), mpq_denref(y), (mp_bitcnt_t)(-acc_e));
            /*@ assert y_val: sc_qden(y) > 0 &&
                  sc_qval(y) == sc_affine{Pre}(x, W, b, in, r, o); */
            mpq_canonicalize(y);
        }
    }
    return SC_X_OK;
}

/* out = max(x, 0) elementwise; in place (out == x) or on disjoint arrays. */
/*@ requires valid: \valid(out + (0 .. n - 1)) && \valid_read(x + (0 .. n - 1));
    requires alias: out == x || \separated(out + (0 .. n - 1), x + (0 .. n - 1));
    requires ok: \forall integer k; 0 <= k < n ==> sc_qt_ok(x, k);
    assigns out[0 .. n - 1][0];
    ensures ok: \forall integer k; 0 <= k < n ==> sc_qt_ok(out, k);
    ensures relu: \forall integer k; 0 <= k < n ==>
      sc_qt(out, k) == (\old(sc_qt(x, k)) < 0.0 ? 0.0 : \old(sc_qt(x, k))); */
void sc_q_relu(mpq_t *out, const mpq_t *x, size_t n)
{
    const mpq_t *ro = out; /* out compared with x at one type (WP compares equal types only) */
    /*@ loop invariant 0 <= k <= n;
        loop invariant done: \forall integer j; 0 <= j < k ==> sc_qt_ok(out, j) &&
          sc_qt(out, j) == (sc_qt{Pre}(x, j) < 0.0 ? 0.0 : sc_qt{Pre}(x, j));
        loop invariant rest: \forall integer j; k <= j < n ==> sc_qt_same{Pre, Here}(x, j);
        loop assigns k, out[0 .. n - 1][0];
        loop variant n - k; */
    for (size_t k = 0; k < n; k++) {
        /*@ assert sep_out: \forall integer j; 0 <= j < n && j != k ==>
              sc_qsep(&out[j][0], &out[k][0]); */
        /*@ assert sep_x: \forall integer j; k < j < n ==> sc_qsep(&x[j][0], &out[k][0]); */
        //@ assert x_kf: sc_qt_same{Pre, Here}(x, k);
        //@ assert x_k: sc_qt_ok(x, k) && sc_qt(x, k) == sc_qt{Pre}(x, k);
        if (mpq_sgn(x[k]) < 0) {
            //@ assert neg: sc_qt{Pre}(x, k) < 0.0;
            mpq_set_ui(out[k], 0, 1);
            //@ assert zero: sc_qt_ok(out, k) && sc_qt(out, k) == 0.0;
        } else if (ro[k] != x[k]) {
            //@ assert pos: !(sc_qt{Pre}(x, k) < 0.0);
            mpq_set(out[k], x[k]);
            //@ assert cp: sc_qt_cp{LoopCurrent, Here}(out, k, x, k);
            //@ assert cp_v: sc_qt_ok(out, k) && sc_qt(out, k) == sc_qt{Pre}(x, k);
        } else {
            //@ assert pos2: !(sc_qt{Pre}(x, k) < 0.0);
            //@ assert same: &out[k][0] == &x[k][0];
            //@ assert same_v: sc_qt_ok(out, k) && sc_qt(out, k) == sc_qt{Pre}(x, k);
        }
        /*@ assert new: sc_qt_ok(out, k) &&
              sc_qt(out, k) == (sc_qt{Pre}(x, k) < 0.0 ? 0.0 : sc_qt{Pre}(x, k)); */
        /*@ assert keep_out: \forall integer j; 0 <= j < n && j != k ==>
              sc_qt_same{LoopCurrent, Here}(out, j); */
        /*@ assert keep_x: \forall integer j; k < j < n ==> sc_qt_same{LoopCurrent, Here}(x, j); */
    }
}

/* out = a + b elementwise; out may be a (or b) itself, else disjoint from it. */
/*@ requires valid: \valid(out + (0 .. n - 1)) && \valid_read(a + (0 .. n - 1)) &&
                    \valid_read(b + (0 .. n - 1));
    requires alias: (out == a || \separated(out + (0 .. n - 1), a + (0 .. n - 1))) &&
                    (out == b || \separated(out + (0 .. n - 1), b + (0 .. n - 1)));
    requires ok: \forall integer k; 0 <= k < n ==> sc_qt_ok(a, k) && sc_qt_ok(b, k);
    assigns out[0 .. n - 1][0];
    ensures ok: \forall integer k; 0 <= k < n ==> sc_qt_ok(out, k);
    ensures sum: \forall integer k; 0 <= k < n ==>
      sc_qt(out, k) == \old(sc_qt(a, k)) + \old(sc_qt(b, k)); */
void sc_q_add(mpq_t *out, const mpq_t *a, const mpq_t *b, size_t n)
{
    /*@ loop invariant 0 <= k <= n;
        loop invariant done: \forall integer j; 0 <= j < k ==> sc_qt_ok(out, j) &&
          sc_qt(out, j) == sc_qt{Pre}(a, j) + sc_qt{Pre}(b, j);
        loop invariant rest: \forall integer j; k <= j < n ==>
          sc_qt_same{Pre, Here}(a, j) && sc_qt_same{Pre, Here}(b, j);
        loop assigns k, out[0 .. n - 1][0];
        loop variant n - k; */
    for (size_t k = 0; k < n; k++) {
        /*@ assert sep_out: \forall integer j; 0 <= j < n && j != k ==>
              sc_qsep(&out[j][0], &out[k][0]); */
        /*@ assert sep_in: \forall integer j; k < j < n ==>
              sc_qsep(&a[j][0], &out[k][0]) && sc_qsep(&b[j][0], &out[k][0]); */
        //@ assert in_kf: sc_qt_same{Pre, Here}(a, k) && sc_qt_same{Pre, Here}(b, k);
        /*@ assert in_k: sc_qt_ok(a, k) && sc_qt_ok(b, k) &&
              sc_qt(a, k) == sc_qt{Pre}(a, k) && sc_qt(b, k) == sc_qt{Pre}(b, k); */
        mpq_add(out[k], a[k], b[k]);
        /*@ assert new: sc_qt_ok(out, k) &&
              sc_qt(out, k) == sc_qt{Pre}(a, k) + sc_qt{Pre}(b, k); */
        /*@ assert keep_out: \forall integer j; 0 <= j < n && j != k ==>
              sc_qt_same{LoopCurrent, Here}(out, j); */
        /*@ assert keep_in: \forall integer j; k < j < n ==>
              sc_qt_same{LoopCurrent, Here}(a, j) && sc_qt_same{LoopCurrent, Here}(b, j); */
    }
}

/* Ghost lemma: if every x_j (j < n) is below x_m, none equals it (induction on n). */
/*@ ghost
  /@ requires 0 <= m;
     requires \forall integer j; 0 <= j < n ==> sc_qt(x, j) < sc_qt(x, m);
     assigns \nothing;
     ensures sc_qcnt(x, n, m) == 0; @/
  void sc_qcnt_zero(const mpq_t *x, size_t n, size_t m)
  {
    /@ loop invariant 0 <= i <= n;
       loop invariant sc_qcnt(x, i, m) == 0;
       loop assigns i;
       loop variant n - i; @/
    for (size_t i = 0; i < n; i++) {
    }
  }
*/

/* *idx = the first index of a maximum, *nmax (if nmax != NULL) = how many x_j equal it. */
/*@ requires valid_x: x != \null ==> \valid_read(x + (0 .. n - 1));
    requires valid_out: idx != \null ==> \valid(idx);
    requires valid_nmax: nmax != \null ==> \valid(nmax);
    requires sep: \separated(idx, nmax);
    requires sep_x: x != \null && idx != \null ==> \separated(idx, x + (0 .. n - 1));
    requires sep_nx: x != \null && nmax != \null ==> \separated(nmax, x + (0 .. n - 1));
    requires ok: \forall integer k; 0 <= k < n ==> sc_qt_ok(x, k);
    behavior invalid:
      assumes idx == \null || x == \null || n == 0;
      assigns \nothing;
      ensures \result == SC_X_EINVAL;
    behavior found:
      assumes idx != \null && x != \null && n >= 1;
      assigns *idx, *nmax;
      ensures \result == SC_X_OK;
      ensures argmax: sc_first_max(x, n, *idx);
      ensures count: nmax != \null ==> *nmax == sc_qcnt(x, n, *idx) && *nmax >= 1;
    complete behaviors;
    disjoint behaviors; */
int sc_q_argmax(size_t *idx, size_t *nmax, const mpq_t *x, size_t n)
{
    if (!idx || !x || n == 0)
        return SC_X_EINVAL;
    size_t best = 0, cnt = 1;
    /*@ loop invariant 1 <= k <= n;
        loop invariant max: sc_first_max(x, k, best);
        loop invariant count: cnt == sc_qcnt(x, k, best) && 1 <= cnt <= k;
        loop assigns k, best, cnt;
        loop variant n - k; */
    for (size_t k = 1; k < n; k++) {
        int c = mpq_cmp(x[k], x[best]);
        if (c > 0) {
            //@ ghost sc_qcnt_zero(x, k, k);
            best = k;
            cnt = 1;
        } else if (c == 0)
            cnt++;
    }
    *idx = best;
    if (nmax)
        *nmax = cnt;
    return SC_X_OK;
}
