/* Proved scan kernels on the fixed-capacity layout sc_tf (contracts in scan.h, logic in
 * spec/scan.acsl and spec/fold.acsl; proofs: proofs/prove_scan.sh, report proofs/REPORT_scan.md).
 * Induction facts are ghost loops (PROOFS.md): no admitted lemma. */
#include "scan.h"

/* out = f*g on Q: out.m[x] = g.m[f.m[x]]. */
/*@ requires 1 <= n <= SC_SCAN_NMAX;
    requires \valid_read(f) && \valid_read(g) && \valid(out);
    requires \separated(out, f) && \separated(out, g);
    requires \forall integer x; 0 <= x < n ==> f->m[x] < n;
    requires \forall integer x; 0 <= x < n ==> g->m[x] < n;
    assigns out->m[0 .. n - 1];
    ensures comp_at: \forall integer x; 0 <= x < n ==> out->m[x] == \old(g->m[f->m[x]]);
    ensures comp_valid: \forall integer x; 0 <= x < n ==> out->m[x] < n; */
static void tf_comp(size_t n, const sc_tf *f, const sc_tf *g, sc_tf *out)
{
    /*@ loop invariant 0 <= x <= n;
        loop invariant \forall integer y; 0 <= y < x ==> out->m[y] == g->m[f->m[y]];
        loop invariant \forall integer y; 0 <= y < x ==> out->m[y] < n;
        loop assigns x, out->m[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        out->m[x] = g->m[f->m[x]];
}

/* dst = src on Q. */
/*@ requires 1 <= n <= SC_SCAN_NMAX;
    requires \valid_read(src) && \valid(dst) && \separated(src, dst);
    assigns dst->m[0 .. n - 1];
    ensures copy_at: \forall integer x; 0 <= x < n ==> dst->m[x] == \old(src->m[x]); */
static void tf_copy(size_t n, const sc_tf *src, sc_tf *dst)
{
    /*@ loop invariant 0 <= x <= n;
        loop invariant \forall integer y; 0 <= y < x ==> dst->m[y] == src->m[y];
        loop assigns x, dst->m[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        dst->m[x] = src->m[x];
}

/* Ghost lemma: associativity of segment products, for all segments inside a[0..T-1]. */
/*@ ghost
  /@ requires T <= 0x3fffffffffffffff;
     assigns \nothing;
     ensures seg_assoc:
       \forall integer i, j, l, x; 0 <= i <= j <= l <= T ==>
         sc_aseg(a, j, l, sc_aseg(a, i, j, x)) == sc_aseg(a, i, l, x); @/
  void sc_aseg_assoc(sc_tf *a, size_t T)
  {
    /@ loop invariant 0 <= c <= T;
       loop invariant \forall integer i, j, l, x; 0 <= i <= j <= l <= c ==>
         sc_aseg(a, j, l, sc_aseg(a, i, j, x)) == sc_aseg(a, i, l, x);
       loop assigns c;
       loop variant T - c; @/
    for (size_t c = 0; c < T; c++) {
      /@ assert step_split: \forall integer i, j, x; 0 <= i <= j <= c ==>
           sc_aseg(a, j, c + 1, sc_aseg(a, i, j, x)) == a[c].m[sc_aseg(a, i, c, x)]; @/
      /@ assert step_top: \forall integer i, x; 0 <= i <= c + 1 ==>
           sc_aseg(a, c + 1, c + 1, sc_aseg(a, i, c + 1, x)) == sc_aseg(a, i, c + 1, x); @/
    }
  }
*/

void sc_tfa_load(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                 sc_tf *out)
{
    (void)k; /* used by the contract and the asserts only */
    /*@ loop invariant 0 <= t <= T;
        loop invariant load_done:
          \forall integer s, x; 0 <= s < t && 0 <= x < n ==>
            out[s].m[x] == sc_delta_at{Pre}(n, delta, \at(word[s], Pre), x);
        loop invariant load_valid: sc_tfa_valid(n, out, t);
        loop assigns t, out[0 .. T - 1];
        loop variant T - t; */
    for (size_t t = 0; t < T; t++) {
        int32_t s = word[t];
        //@ assert load_sym: 0 <= s < k;
        /*@ loop invariant 0 <= x <= n;
            loop invariant \forall integer y; 0 <= y < x ==>
              out[t].m[y] == sc_delta_at{Pre}(n, delta, s, y);
            loop invariant \forall integer y; 0 <= y < x ==> out[t].m[y] < n;
            loop assigns x, out[t].m[0 .. n - 1];
            loop variant n - x; */
        for (size_t x = 0; x < n; x++) {
            //@ assert load_at: s*n + x == sc_idx(n, s, x) < sc_idx(n, k, 0) == k*n;
            //@ assert load_in: delta[sc_idx(n, s, x)] < n;
            size_t i = (size_t)s * n + x;
            //@ assert load_i: i == sc_idx(n, s, x);
            sc_state v = delta[i];
            //@ assert load_v: v < n && v == sc_delta_at{Pre}(n, delta, s, x);
            out[t].m[x] = (uint8_t)v;
        }
    }
    /* Ghost induction: the segment product of out[0..t] is the fold of word[0..t]. */
    /*@ ghost
      /@ loop invariant 0 <= t <= T;
         loop invariant load_fold_done:
           \forall integer u, x; 0 < u <= t && 0 <= x < n ==>
             sc_aseg(out, 0, u, x) == sc_fold{Pre}(n, delta, word, u, x) &&
             sc_fold{Pre}(n, delta, word, u, x) < n;
         loop assigns t;
         loop variant T - t; @/
      for (size_t t = 0; t < T; t++) {
        /@ assert load_fold_prev0:
             t == 0 ==> \forall integer x; 0 <= x < n ==>
               sc_aseg(out, 0, t, x) == x && sc_fold{Pre}(n, delta, word, t, x) == x; @/
        /@ assert load_fold_prev:
             \forall integer x; 0 <= x < n ==>
               sc_aseg(out, 0, t, x) == sc_fold{Pre}(n, delta, word, t, x) &&
               0 <= sc_fold{Pre}(n, delta, word, t, x) < n; @/
        /@ assert load_sym_t: \forall integer u; u == t ==> 0 <= \at(word[u], Pre) < k; @/
        /@ assert load_fold_unfold:
             \forall integer u, x; u == t && 0 <= x < n ==>
               sc_fold{Pre}(n, delta, word, u + 1, x) ==
                 sc_delta_at{Pre}(n, delta, \at(word[u], Pre), sc_fold{Pre}(n, delta, word, u, x)); @/
        /@ assert load_fold_range:
             \forall integer u, x; u == t && 0 <= x < n ==>
               sc_delta_at{Pre}(n, delta, \at(word[u], Pre), sc_fold{Pre}(n, delta, word, u, x)) < n; @/
        /@ assert load_fold_next:
             \forall integer x; 0 <= x < n ==>
               sc_aseg(out, 0, t + 1, x) == out[t].m[sc_aseg(out, 0, t, x)]; @/
        /@ assert load_fold_new:
             \forall integer x; 0 <= x < n ==>
               sc_aseg(out, 0, t + 1, x) == sc_fold{Pre}(n, delta, word, t + 1, x) &&
               sc_fold{Pre}(n, delta, word, t + 1, x) < n; @/
        /@ assert load_fold_step:
             \forall integer u, x; u == t && 0 <= x < n ==>
               out[u].m[sc_fold{Pre}(n, delta, word, u, x)] ==
                 sc_delta_at{Pre}(n, delta, \at(word[u], Pre), sc_fold{Pre}(n, delta, word, u, x)); @/
      }
    */
}

void sc_tfa_seq(size_t n, sc_tf *a, size_t T)
{
    if (T == 0)
        return;
    /*@ loop invariant 1 <= t <= T;
        loop invariant seq_done:
          \forall integer s, x; 0 <= s < t && 0 <= x < n ==>
            a[s].m[x] == sc_aseg{Pre}(a, 0, s + 1, x);
        loop invariant seq_rest:
          \forall integer s, x; t <= s < T && 0 <= x < n ==> a[s].m[x] == \at(a[s].m[x], Pre);
        loop invariant seq_valid: sc_tfa_valid(n, a, T);
        loop assigns t, a[0 .. T - 1];
        loop variant T - t; */
    for (size_t t = 1; t < T; t++) {
        /*@ assert seq_prev: \forall integer x; 0 <= x < n ==>
              a[t - 1].m[x] == sc_aseg{Pre}(a, 0, t, x) && a[t - 1].m[x] < n; */
        /*@ assert seq_cur: \forall integer u, y; u == t && 0 <= y < n ==>
              a[u].m[y] == \at(a[u].m[y], Pre); */
        sc_tf c;
        tf_comp(n, &a[t - 1], &a[t], &c);
        /*@ assert seq_c: \forall integer x; 0 <= x < n ==>
              c.m[x] == sc_aseg{Pre}(a, 0, t + 1, x); */
        tf_copy(n, &c, &a[t]);
        /*@ assert seq_keep: \forall integer u, x; 0 <= u < t && 0 <= x < n ==>
              a[u].m[x] == sc_aseg{Pre}(a, 0, u + 1, x); */
        /*@ assert seq_new: \forall integer x; 0 <= x < n ==>
              a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x) && a[t].m[x] < n; */
        /*@ assert seq_all: \forall integer u, x; 0 <= u <= t && 0 <= x < n ==>
              a[u].m[x] == sc_aseg{Pre}(a, 0, u + 1, x); */
    }
}

size_t sc_tfa_hs(size_t n, sc_tf *a, size_t T)
{
    //@ ghost sc_aseg_assoc(a, T);
    size_t off = 1, rounds = 0;
    /*@ loop invariant hs_off: 1 <= off && off == sc_pow2(rounds) && 0 <= rounds < off;
        loop invariant hs_off_bound: rounds > 0 ==> off <= 2 * T;
        loop invariant hs_least: rounds == 0 || sc_pow2(rounds - 1) < T;
        loop invariant hs_cover:
          \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
            a[t].m[x] == sc_aseg{Pre}(a, sc_hs_lo(t, off), t + 1, x);
        loop invariant hs_valid: sc_tfa_valid(n, a, T);
        loop assigns off, rounds, a[0 .. T - 1];
        loop variant T - off; */
    while (off < T) {
        size_t t = T;
        /*@ loop invariant hs_t: off <= t <= T;
            loop invariant hs_new:
              \forall integer s, x; t <= s < T && 0 <= x < n ==>
                a[s].m[x] == sc_aseg{Pre}(a, sc_hs_lo(s, 2 * off), s + 1, x);
            loop invariant hs_old:
              \forall integer s, x; 0 <= s < t && 0 <= x < n ==>
                a[s].m[x] == \at(a[s].m[x], LoopEntry);
            loop invariant hs_valid_in: sc_tfa_valid(n, a, T);
            loop assigns t, a[off .. T - 1];
            loop variant t; */
        while (t > off) {
            t--;
            /*@ assert hs_lo: sc_hs_lo(t, off) == t + 1 - off &&
                  sc_hs_lo(t - off, off) == sc_hs_lo(t, 2 * off); */
            /*@ assert hs_left: \forall integer x; 0 <= x < n ==>
                  a[t - off].m[x] == sc_aseg{Pre}(a, sc_hs_lo(t, 2 * off), t + 1 - off, x) &&
                  a[t - off].m[x] < n; */
            /*@ assert hs_right_entry: \forall integer u, y; u == t && 0 <= y < n ==>
                  a[u].m[y] == \at(a[u].m[y], LoopEntry); */
            /*@ assert hs_right: \forall integer y; 0 <= y < n ==>
                  a[t].m[y] == sc_aseg{Pre}(a, t + 1 - off, t + 1, y); */
            sc_tf c;
            tf_comp(n, &a[t - off], &a[t], &c);
            /*@ assert hs_comp: \forall integer x; 0 <= x < n ==>
                  c.m[x] == sc_aseg{Pre}(a, t + 1 - off, t + 1,
                                 sc_aseg{Pre}(a, sc_hs_lo(t, 2 * off), t + 1 - off, x)); */
            /*@ assert hs_assoc: \forall integer x; 0 <= x < n ==>
                  c.m[x] == sc_aseg{Pre}(a, sc_hs_lo(t, 2 * off), t + 1, x) && c.m[x] < n; */
            tf_copy(n, &c, &a[t]);
            /*@ assert hs_step: \forall integer x; 0 <= x < n ==>
                  a[t].m[x] == sc_aseg{Pre}(a, sc_hs_lo(t, 2 * off), t + 1, x) && a[t].m[x] < n; */
        }
        /*@ assert hs_low: \forall integer s; 0 <= s < off ==>
              sc_hs_lo(s, off) == 0 && sc_hs_lo(s, 2 * off) == 0; */
        off *= 2;
        rounds++;
    }
    //@ assert hs_all: \forall integer t; 0 <= t < T ==> sc_hs_lo(t, off) == 0;
    return rounds;
}

void sc_tfa_blelloch(size_t n, sc_tf *a, size_t T, sc_tf *s)
{
    if (T <= 1)
        return;
    size_t h = T / 2;
    //@ assert bl_half: 2*h <= T && T <= 2*h + 1 && 1 <= h < T;
    /*@ loop invariant 0 <= j <= h && 2*j <= T;
        loop invariant bl_pair:
          \forall integer i, x; 0 <= i < j && 0 <= x < n ==>
            s[i].m[x] == \at(a[2*i + 1].m[a[2*i].m[x]], Pre);
        loop invariant bl_pair_valid: sc_tfa_valid(n, s, j);
        loop assigns j, s[0 .. h - 1];
        loop variant h - j; */
    for (size_t j = 0; j < h; j++) {
        tf_comp(n, &a[2 * j], &a[2 * j + 1], &s[j]);
        /*@ assert bl_pair_keep: \forall integer i, x; 0 <= i < j && 0 <= x < n ==>
              s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
        /*@ assert bl_pair_j: \forall integer u, x; u == j && 0 <= x < n ==>
              s[u].m[x] == \at(a[2*u + 1].m[a[2*u].m[x]], Pre) && s[u].m[x] < n; */
        /*@ assert bl_pair_old: \forall integer i, x; 0 <= i < j && 0 <= x < n ==>
              s[i].m[x] == \at(a[2*i + 1].m[a[2*i].m[x]], Pre); */
    }
#ifdef __FRAMAC__
L1:
#endif
    sc_tfa_blelloch(n, s, h, s + h);
    /*@ loop invariant 0 <= j <= h + 1 && 2*j <= T + 1;
        loop invariant bl_s:
          \forall integer i, x; 0 <= i < j && i < h && 0 <= x < n ==>
            s[i].m[x] == sc_aseg{Pre}(a, 0, 2*i + 2, x);
        loop invariant bl_done:
          \forall integer t, x; 0 <= t < 2*j && t < T && 0 <= x < n ==>
            a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x);
        loop invariant bl_rest:
          \forall integer t, x; 2*j <= t < T && 0 <= x < n ==> a[t].m[x] == \at(a[t].m[x], Pre);
        loop invariant bl_valid: sc_tfa_valid(n, a, T);
        loop assigns j, a[0 .. T - 1];
        loop variant T - 2*j; */
    for (size_t j = 0; 2 * j < T; j++) {
        if (j < h) {
            /*@ assert bl_s_call: \forall integer x; 0 <= x < n ==>
                  s[j].m[x] == sc_aseg{L1}(s, 0, j + 1, x); */
            /*@ assert bl_s_prev1: j > 0 ==> \forall integer x; 0 <= x < n ==>
                  s[j - 1].m[x] == sc_aseg{L1}(s, 0, j, x) &&
                  s[j - 1].m[x] == sc_aseg{Pre}(a, 0, 2*j, x) && s[j - 1].m[x] < n; */
            /*@ assert bl_s_prev: \forall integer x; 0 <= x < n ==>
                  sc_aseg{L1}(s, 0, j, x) == sc_aseg{Pre}(a, 0, 2*j, x) &&
                  sc_aseg{Pre}(a, 0, 2*j, x) < n; */
            /*@ assert bl_s_at: \forall integer u, x; u == j && 0 <= x < n ==>
                  \at(s[u].m[x], L1) == \at(a[2*u + 1].m[a[2*u].m[x]], Pre); */
            /*@ assert bl_s_unfold: \forall integer u, x; u == j && 0 <= x < n ==>
                  sc_aseg{L1}(s, 0, u + 1, x) == \at(s[u].m[sc_aseg{L1}(s, 0, u, x)], L1); */
            /*@ assert bl_s_j: \forall integer x; 0 <= x < n ==>
                  s[j].m[x] == sc_aseg{Pre}(a, 0, 2*j + 2, x); */
        }
        /*@ assert bl_s_jj: \forall integer u, x; j <= u <= j && u < h && 0 <= x < n ==>
              s[u].m[x] == sc_aseg{Pre}(a, 0, 2*u + 2, x); */
        if (j > 0) {
            /*@ assert bl_left: \forall integer x; 0 <= x < n ==>
                  s[j - 1].m[x] == sc_aseg{Pre}(a, 0, 2*j, x) && s[j - 1].m[x] < n; */
            /*@ assert bl_right: \forall integer u, y; u == 2*j && 0 <= y < n ==>
                  a[u].m[y] == \at(a[u].m[y], Pre); */
            sc_tf c;
            tf_comp(n, &s[j - 1], &a[2 * j], &c);
            /*@ assert bl_c_keep_s: \forall integer i, x; 0 <= i < h && 0 <= x < n ==>
                  s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
            /*@ assert bl_c_keep_a: \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
                  a[t].m[x] == \at(a[t].m[x], LoopCurrent); */
            /*@ assert bl_c: \forall integer x; 0 <= x < n ==>
                  c.m[x] == sc_aseg{Pre}(a, 0, 2*j + 1, x) && c.m[x] < n; */
            tf_copy(n, &c, &a[2 * j]);
            /*@ assert bl_e_keep_s: \forall integer i, x; 0 <= i < h && 0 <= x < n ==>
                  s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
            /*@ assert bl_e_keep_a: \forall integer t, x; 0 <= t < T && t != 2*j && 0 <= x < n ==>
                  a[t].m[x] == \at(a[t].m[x], LoopCurrent); */
        }
        /*@ assert bl_keep_s: \forall integer i, x; 0 <= i < h && 0 <= x < n ==>
              s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
        /*@ assert bl_keep_a: \forall integer t, x; 0 <= t < T && t != 2*j && 0 <= x < n ==>
              a[t].m[x] == \at(a[t].m[x], LoopCurrent); */
        /*@ assert bl_even: \forall integer x; 0 <= x < n ==>
              a[2*j].m[x] == sc_aseg{Pre}(a, 0, 2*j + 1, x) && a[2*j].m[x] < n; */
        if (2 * j + 1 < T) {
            /*@ assert bl_sj: \forall integer x; 0 <= x < n ==>
                  s[j].m[x] == sc_aseg{Pre}(a, 0, 2*j + 2, x) && s[j].m[x] < n; */
            tf_copy(n, &s[j], &a[2 * j + 1]);
            /*@ assert bl_o_keep_s: \forall integer i, x; 0 <= i < h && 0 <= x < n ==>
                  s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
            /*@ assert bl_o_keep_a: \forall integer t, x;
                  0 <= t < T && t != 2*j && t != 2*j + 1 && 0 <= x < n ==>
                  a[t].m[x] == \at(a[t].m[x], LoopCurrent); */
            /*@ assert bl_o_even: \forall integer x; 0 <= x < n ==>
                  a[2*j].m[x] == sc_aseg{Pre}(a, 0, 2*j + 1, x) && a[2*j].m[x] < n; */
            /*@ assert bl_odd: \forall integer x; 0 <= x < n ==>
                  a[2*j + 1].m[x] == sc_aseg{Pre}(a, 0, 2*j + 2, x) && a[2*j + 1].m[x] < n; */
        }
        /*@ assert bl_end_keep_s: \forall integer i, x; 0 <= i < h && 0 <= x < n ==>
              s[i].m[x] == \at(s[i].m[x], LoopCurrent); */
        /*@ assert bl_end_keep_a: \forall integer t, x;
              0 <= t < T && t != 2*j && t != 2*j + 1 && 0 <= x < n ==>
              a[t].m[x] == \at(a[t].m[x], LoopCurrent); */
        /*@ assert bl_end_even: \forall integer x; 0 <= x < n ==>
              a[2*j].m[x] == sc_aseg{Pre}(a, 0, 2*j + 1, x) && a[2*j].m[x] < n; */
        /*@ assert bl_end_odd: 2*j + 1 < T ==> \forall integer x; 0 <= x < n ==>
              a[2*j + 1].m[x] == sc_aseg{Pre}(a, 0, 2*j + 2, x) && a[2*j + 1].m[x] < n; */
        /*@ assert bl_end_s: \forall integer i, x;
              0 <= i <= j && i < h && 0 <= x < n ==>
              s[i].m[x] == sc_aseg{Pre}(a, 0, 2*i + 2, x); */
        /*@ assert bl_end_done_old: \forall integer t, x; 0 <= t < 2*j && 0 <= x < n ==>
              a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x); */
        /*@ assert bl_end_done_even: \forall integer u, x; 2*j <= u <= 2*j && 0 <= x < n ==>
              a[u].m[x] == sc_aseg{Pre}(a, 0, u + 1, x) && a[u].m[x] < n; */
        /*@ assert bl_end_done_odd: \forall integer u, x; 2*j + 1 <= u <= 2*j + 1 && u < T && 0 <= x < n ==>
              a[u].m[x] == sc_aseg{Pre}(a, 0, u + 1, x) && a[u].m[x] < n; */
        /*@ assert bl_end_done: \forall integer t, x;
              0 <= t < 2*j + 2 && t < T && 0 <= x < n ==>
              a[t].m[x] == sc_aseg{Pre}(a, 0, t + 1, x); */
        /*@ assert bl_end_rest: \forall integer t, x; 2*j + 2 <= t < T && 0 <= x < n ==>
              a[t].m[x] == \at(a[t].m[x], Pre); */
        /*@ assert bl_end_valid_old: \forall integer t, x;
              0 <= t < T && t != 2*j && t != 2*j + 1 && 0 <= x < n ==> a[t].m[x] < n; */
        /*@ assert bl_end_valid: \forall integer t, x; 0 <= t < T && 0 <= x < n ==>
              a[t].m[x] < n; */
    }
}

void sc_scan_fold_seq(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                      sc_tf *out)
{
    sc_tfa_load(n, k, delta, word, T, out);
    sc_tfa_seq(n, out, T);
}

size_t sc_scan_fold_hs(size_t n, size_t k, const sc_state *delta, const int32_t *word, size_t T,
                       sc_tf *out)
{
    sc_tfa_load(n, k, delta, word, T, out);
    return sc_tfa_hs(n, out, T);
}

void sc_scan_fold_blelloch(size_t n, size_t k, const sc_state *delta, const int32_t *word,
                           size_t T, sc_tf *out, sc_tf *s)
{
    sc_tfa_load(n, k, delta, word, T, out);
    sc_tfa_blelloch(n, out, T, s);
}
