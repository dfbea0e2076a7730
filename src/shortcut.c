/* Constant-depth shortcuts: kernels (contracts in shortcut.h, logic in spec/shortcut.acsl,
 * proofs: proofs/prove_shortcut.sh) and the recogniser that gives them their structure.
 * Every loop below evaluates ONE step of a construction's program over all positions; the
 * step boundaries are marked "step i (map|scan)". */
#include "shortcut.h"

#ifndef __FRAMAC__
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif

/* ---------------------------------------------------------------------------------------- */
/* Programs                                                                                 */

static const sc_sh_program programs[SC_SH_KINDS] = {
    [SC_SH_ABELIAN] = {"abelian", "product of cyclic groups: count per generator, then mod",
                       SC_SH_LAYERS_ABELIAN, 3,
                       {"map: token w_t -> its increment vector c(w_t) (one entry per factor)",
                        "scan: prefix sums P_t = c(w_0) + ... + c(w_t), all factors side by side",
                        "map: digit_j = (d0_j + P_t,j) mod m_j; state = sum_j digit_j*stride_j"}},
    [SC_SH_CAR] = {"car", "car on a circle (dihedral): parity of U-turns, then signed sum",
                   SC_SH_LAYERS_CAR, 5,
                   {"map: token w_t -> (flip f, shift c)",
                    "scan: prefix count F_t = f(w_0) + ... + f(w_t)",
                    "map: signed step c(w_t) * (-1)^(tau0 + F_t - f(w_t)) "
                    "(sign from the U-turns strictly before t)",
                    "scan: prefix sum V_t of the signed steps",
                    "map: toggle = (tau0 + F_t) mod 2, position = (p0 + V_t) mod m"}},
    [SC_SH_GRIDWORLD] = {"gridworld", "1-d gridworld: boundary detection (3 layers)",
                         SC_SH_LAYERS_GRIDWORLD, 5,
                         {"map: token w_t -> step x in {-1,0,+1}",
                          "scan: prefix sum S_t (S_0 = 0)",
                          "scan: boundary detection L(b) = last a <= b with S_a = S_b +- (n-1), "
                          "with S_L; prefix min and max of S (three heads)",
                          "scan: prefix arg-max v(t) = max_{b<=t} L(b), returning S_v",
                          "map: v >= 0: S_t - S_v + (n-1) if S_v >= S_t else S_t - S_v; "
                          "v < 0: q0 + S_t + max(0,-(q0+min S)) - max(0, q0+max S-(n-1))"}},
    [SC_SH_LAST_WRITE] = {"last-write", "reset automaton (flip-flop, memory): the last write",
                          SC_SH_LAYERS_LAST_WRITE, 3,
                          {"map: mark t if w_t writes (delta_{w_t} is constant), else -1",
                           "scan: prefix arg-max of the marks, returning the symbol there",
                           "map: the written value, or q0 when no write so far"}},
};

const sc_sh_program *sc_sh_program_of(sc_sh_kind kind)
{
    return (unsigned)kind < SC_SH_KINDS ? &programs[kind] : NULL;
}

size_t sc_sh_scratch_len(sc_sh_kind kind, size_t T)
{
    switch (kind) {
    case SC_SH_CAR: return 2 * T + 1;
    case SC_SH_GRIDWORLD: return 7 * T + 6;
    default: return T + 1;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Kernels                                                                                  */

/* step 0 of every construction (map): the longest prefix of symbols in 0..k-1. */
/*@ requires \valid_read(word + (0 .. T - 1));
    assigns \nothing;
    ensures sh_vp_range: \result <= T;
    ensures sh_vp_ok: sc_word_ok(k, word, \result);
    ensures sh_vp_bad: \result < T ==> word[\result] < 0 || word[\result] >= k; */
static size_t sh_valid_prefix(size_t k, const int32_t *word, size_t T)
{
    /*@ loop invariant sh_vp_inv_range: t <= T;
        loop invariant sh_vp_inv_ok: sc_word_ok(k, word, t);
        loop assigns t;
        loop variant T - t; */
    for (size_t t = 0; t < T; t++)
        if (word[t] < 0 || (size_t)word[t] >= k)
            return t;
    return T;
}

size_t sc_sh_last_write(size_t n, size_t k, const sc_state *delta, const int32_t *reset,
                        sc_state q0, const int32_t *word, size_t T, int32_t *labels,
                        int64_t *scratch, uint32_t *layers)
{
    (void)n; /* n and delta: read by the contract only (sc_is_reset(n, k, delta, reset)) */
    (void)delta;
    size_t T1 = sh_valid_prefix(k, word, T);
    *layers = SC_SH_LAYERS_LAST_WRITE;
    /* steps 1-2 (map, scan): the prefix arg-max of the marked writes, returning the value
     * written there: scratch[t] = reset[w_u] for the last u <= t with a write, or -1 */
    int64_t last = -1;
    /*@ loop invariant sh_lw_range: t <= T1;
        loop invariant sh_lw_last: last == sc_lw_value{Pre}(reset, word, t, -1);
        loop invariant sh_lw_last_range: -1 <= last < n;
        loop invariant sh_lw_done:
          \forall integer i; 0 <= i < t ==> scratch[i] == sc_lw_value{Pre}(reset, word, i + 1, -1);
        loop invariant sh_lw_done_range:
          \forall integer i; 0 <= i < t ==> -1 <= scratch[i] < n;
        loop assigns t, last, scratch[0 .. T1 - 1];
        loop variant T1 - t; */
    for (size_t t = 0; t < T1; t++) {
        //@ assert sh_lw_w: 0 <= word[t] < k;
        //@ assert sh_lw_w_pre: \forall integer p; p == t ==> word[t] == \at(word[p], Pre);
        //@ assert sh_lw_target: reset[word[t]] < n;
        if (reset[word[t]] >= 0)
            last = reset[word[t]];
        scratch[t] = last;
    }
    /* step 3 (map): the value, or q0 */
    /*@ loop invariant sh_lw_range: t <= T1;
        loop invariant sh_lw_fold_here:
          sc_fold{Pre}(n, delta, word, t, q0) == sc_lw_value{Pre}(reset, word, t, q0);
        loop invariant sh_lw_state: 0 <= sc_fold{Pre}(n, delta, word, t, q0) < n;
        loop invariant sh_lw_labels:
          \forall integer i; 0 <= i < t ==> labels[i] == sc_fold{Pre}(n, delta, word, i + 1, q0);
        loop invariant sh_lw_rest:
          \forall integer i; T1 <= i < T ==> labels[i] == \at(labels[i], Pre);
        loop assigns t, labels[0 .. T1 - 1];
        loop variant T1 - t; */
    for (size_t t = 0; t < T1; t++) {
        int64_t v = scratch[t];
        //@ assert sh_lw_v: v == sc_lw_value{Pre}(reset, word, t + 1, -1);
        /*@ assert sh_lw_w: \forall integer i; i == t ==> 0 <= \at(word[i], Pre) < k; */
        //@ assert sh_lw_q: 0 <= sc_fold{Pre}(n, delta, word, t, q0) < n;
        /*@ assert sh_lw_unfold: \forall integer i; i == t ==>
              sc_fold{Pre}(n, delta, word, t + 1, q0) ==
              delta[sc_idx(n, \at(word[i], Pre), sc_fold{Pre}(n, delta, word, t, q0))]; */
        /*@ assert sh_lw_step: sc_fold{Pre}(n, delta, word, t + 1, q0) ==
                                 sc_lw_value{Pre}(reset, word, t + 1, q0); */
        /*@ assert sh_lw_same: sc_lw_value{Pre}(reset, word, t + 1, q0) ==
              (sc_lw_value{Pre}(reset, word, t + 1, -1) < 0 ? q0
                                                        : sc_lw_value{Pre}(reset, word, t + 1, -1)); */
        labels[t] = v < 0 ? (int32_t)q0 : (int32_t)v;
        //@ assert sh_lw_label: labels[t] == sc_fold{Pre}(n, delta, word, t + 1, q0);
    }
    return T1;
}

/* Ghost lemma functions: the two scalar facts about mod that the cyclic proof needs, each
 * proved in isolation and called with the instance needed (no ACSL lemma is assumed).
 * Uniqueness of the remainder: x = Q*n + c with 0 <= c < n gives x % n = c. */
/*@ ghost
  /@ requires sh_mu_n: 0 < n <= 65535;
     requires sh_mu_c: 0 <= c < n;
     requires sh_mu_q: 0 <= Q <= 0x3ffffffffffff;
     requires sh_mu_x: x == Q*n + c;
     assigns \nothing;
     ensures sh_mu_mod: x % n == c; @/
  void sh_mod_unique_lemma(int64_t x, int64_t Q, int64_t c, int64_t n) { }
*/

/* Adding 0 <= b < n to x >= 0 moves x mod n by b, wrapping at most once. */
/*@ ghost
  /@ requires sh_ms_n: 0 < n <= 65535;
     requires sh_ms_x: 0 <= x <= 0x3ffffffffffff;
     requires sh_ms_b: 0 <= b < n;
     assigns \nothing;
     ensures sh_ms_step: (x + b) % n == (x % n + b < n ? x % n + b : x % n + b - n); @/
  void sh_mod_step_lemma(int64_t x, int64_t b, int64_t n)
  {
    int64_t r = x % n;
    int64_t Q = x / n;
    /@ assert sh_ms_div: x == Q*n + r && 0 <= r < n && 0 <= Q <= x; @/
    if (r + b < n)
      sh_mod_unique_lemma(x + b, Q, r + b, n);
    else
      sh_mod_unique_lemma(x + b, Q + 1, r + b - n, n);
  }
*/

size_t sc_sh_cyclic(size_t n, size_t k, const sc_state *delta, const uint32_t *inc,
                    sc_state q0, const int32_t *word, size_t T, int32_t *labels,
                    int64_t *scratch, uint32_t *layers)
{
    (void)delta; /* read by the contract only: the structure sc_is_cyclic(n, k, delta, inc) */
    size_t T1 = sh_valid_prefix(k, word, T);
    *layers = SC_SH_LAYERS_ABELIAN;
    /* steps 1-2 (map, scan): scratch[t] = inc[w_0] + ... + inc[w_t] */
    int64_t sum = 0;
    /*@ loop invariant sh_cy_range: t <= T1;
        loop invariant sh_cy_sum: sum == sc_inc_sum{Pre}(inc, word, t);
        loop invariant sh_cy_sum_range: 0 <= sum <= 65535 * t;
        loop invariant sh_cy_done:
          \forall integer i; 0 <= i < t ==> scratch[i] == sc_inc_sum{Pre}(inc, word, i + 1);
        loop invariant sh_cy_done_range:
          \forall integer i; 0 <= i < t ==> 0 <= scratch[i] <= 65535 * (i + 1);
        loop assigns t, sum, scratch[0 .. T1 - 1];
        loop variant T1 - t; */
    for (size_t t = 0; t < T1; t++) {
        //@ assert sh_cy_w: 0 <= word[t] < k;
        //@ assert sh_cy_w_pre: \forall integer p; p == t ==> word[t] == \at(word[p], Pre);
        //@ assert sh_cy_inc: inc[word[t]] < n;
        sum += inc[word[t]];
        scratch[t] = sum;
    }
    /* step 3 (map): (q0 + P_t) mod n */
    /*@ loop invariant sh_cy_range: t <= T1;
        loop invariant sh_cy_word:
          \forall integer i; 0 <= i < T ==> word[i] == \at(word[i], Pre);
        loop invariant sh_cy_sum_nonneg: 0 <= sc_inc_sum{Pre}(inc, word, t);
        loop invariant sh_cy_fold_here:
          sc_fold{Pre}(n, delta, word, t, q0) == (q0 + sc_inc_sum{Pre}(inc, word, t)) % n;
        loop invariant sh_cy_labels:
          \forall integer i; 0 <= i < t ==> labels[i] == sc_fold{Pre}(n, delta, word, i + 1, q0);
        loop invariant sh_cy_rest:
          \forall integer i; T1 <= i < T ==> labels[i] == \at(labels[i], Pre);
        loop assigns t, labels[0 .. T1 - 1];
        loop variant T1 - t; */
    for (size_t t = 0; t < T1; t++) {
        /*@ assert sh_cy_w: \forall integer i; i == t ==>
              0 <= \at(word[i], Pre) < k && \at(inc[\at(word[i], Pre)], Pre) < n; */
        //@ assert sh_cy_state: 0 <= sc_fold{Pre}(n, delta, word, t, q0) < n;
        /*@ assert sh_cy_unfold: \forall integer i; i == t ==>
              sc_fold{Pre}(n, delta, word, t + 1, q0) ==
              delta[sc_idx(n, \at(word[i], Pre), sc_fold{Pre}(n, delta, word, t, q0))]; */
        /*@ assert sh_cy_step: \forall integer i; i == t ==>
              sc_fold{Pre}(n, delta, word, t + 1, q0) ==
              (sc_fold{Pre}(n, delta, word, t, q0) + \at(inc[\at(word[i], Pre)], Pre)) % n; */
        //@ assert sh_cy_prev: t == 0 || scratch[t - 1] == sc_inc_sum{Pre}(inc, word, t);
        //@ assert sh_cy_prev_range: t == 0 || 0 <= scratch[t - 1] <= 65535 * t;
        //@ assert sh_cy_b: 0 <= inc[word[t]] < n;
        //@ assert sh_cy_cur: sc_fold{Pre}(n, delta, word, t, q0) == (t ? labels[t - 1] : q0);
        //@ ghost int64_t gc = t ? (int64_t)labels[t - 1] : (int64_t)q0;
        //@ ghost int64_t gi = (int64_t)inc[word[t]];
        //@ ghost sh_mod_unique_lemma(gc, 0, gc, (int64_t)n);
        //@ ghost sh_mod_step_lemma(gc, gi, (int64_t)n);
        /*@ assert sh_cy_wrap_state: \forall integer i, c, b; i == t &&
              c == sc_fold{Pre}(n, delta, word, t, q0) && b == \at(inc[\at(word[i], Pre)], Pre) ==>
              (c + b) % n == (c + b < n ? c + b : c + b - n); */
        //@ ghost int64_t gx = (int64_t)q0 + (t ? scratch[t - 1] : 0);
        //@ ghost int64_t gb = (int64_t)inc[word[t]];
        //@ assert sh_cy_gx: gx == q0 + sc_inc_sum{Pre}(inc, word, t);
        //@ assert sh_cy_gb: \forall integer i; i == t ==> gb == \at(inc[\at(word[i], Pre)], Pre);
        //@ assert sh_cy_sum_next: scratch[t] == gx - q0 + gb;
        //@ ghost sh_mod_step_lemma(gx, gb, (int64_t)n);
        //@ assert sh_cy_wrap_sum: (gx + gb) % n == (gx % n + gb < n ? gx % n + gb : gx % n + gb - n);
        /*@ assert sh_cy_next:
              sc_fold{Pre}(n, delta, word, t + 1, q0) == (q0 + scratch[t]) % n; */
        labels[t] = (int32_t)(((int64_t)q0 + scratch[t]) % (int64_t)n);
        //@ assert sh_cy_label: labels[t] == sc_fold{Pre}(n, delta, word, t + 1, q0);
    }
    return T1;
}

#ifndef __FRAMAC__
/* Non-negative remainder of a signed value. */
static inline int64_t sh_mod(int64_t x, int64_t m)
{
    int64_t r = x % m;
    return r < 0 ? r + m : r;
}

size_t sc_sh_abelian(size_t n, size_t k, size_t r, const uint32_t *mod, const uint32_t *stride,
                     const uint32_t *inc, sc_state q0, const int32_t *word, size_t T,
                     int32_t *labels, int64_t *scratch, uint32_t *layers)
{
    (void)n;
    size_t T1 = sh_valid_prefix(k, word, T);
    *layers = SC_SH_LAYERS_ABELIAN;
    for (size_t t = 0; t < T1; t++)
        labels[t] = 0;
    /* The r factors are independent heads of the same steps; evaluated one after another. */
    for (size_t j = 0; j < r; j++) {
        int64_t m = mod[j], d0 = (q0 / stride[j]) % mod[j], sum = 0;
        /* steps 1-2 (map, scan): prefix sum of this factor's increments */
        for (size_t t = 0; t < T1; t++) {
            sum += inc[(size_t)word[t] * r + j];
            scratch[t] = sum;
        }
        /* step 3 (map): digit, weighted by the stride */
        for (size_t t = 0; t < T1; t++)
            labels[t] += (int32_t)(((d0 + scratch[t]) % m) * stride[j]);
    }
    return T1;
}

size_t sc_sh_car(size_t m, size_t k, const uint8_t *flip, const uint32_t *shift, sc_state q0,
                 const int32_t *word, size_t T, int32_t *labels, int64_t *scratch,
                 uint32_t *layers)
{
    size_t T1 = sh_valid_prefix(k, word, T);
    *layers = SC_SH_LAYERS_CAR;
    int64_t *F = scratch, *V = scratch + T1;
    int64_t tau0 = q0 / m, p0 = q0 % m;
    /* steps 1-2 (map, scan): F_t = number of flips among w_0..w_t */
    int64_t f = 0;
    for (size_t t = 0; t < T1; t++) {
        f += flip[word[t]];
        F[t] = f;
    }
    /* step 3 (map): signed step, sign from the flips strictly before t */
    for (size_t t = 0; t < T1; t++) {
        int64_t before = tau0 + F[t] - flip[word[t]];
        V[t] = (before & 1) ? -(int64_t)shift[word[t]] : (int64_t)shift[word[t]];
    }
    /* step 4 (scan): prefix sum of the signed steps */
    int64_t v = 0;
    for (size_t t = 0; t < T1; t++) {
        v += V[t];
        V[t] = v;
    }
    /* step 5 (map): the state */
    for (size_t t = 0; t < T1; t++) {
        int64_t tau = (tau0 + F[t]) & 1;
        labels[t] = (int32_t)(tau * (int64_t)m + sh_mod(p0 + V[t], (int64_t)m));
    }
    return T1;
}

size_t sc_sh_gridworld(size_t n, size_t k, const int8_t *step, sc_state q0,
                       const int32_t *word, size_t T, int32_t *labels, int64_t *scratch,
                       uint32_t *layers)
{
    size_t T1 = sh_valid_prefix(k, word, T);
    *layers = SC_SH_LAYERS_GRIDWORLD;
    const int64_t w = (int64_t)n - 1, off = (int64_t)T1; /* S_a + off indexes `last` */
    int64_t *S = scratch, *L = S + (T1 + 1), *E = L + (T1 + 1), *mn = E + (T1 + 1),
            *mx = mn + (T1 + 1), *last = mx + (T1 + 1); /* last: 2*T1 + 1 entries */
    /* steps 1-2 (map, scan): S_0 = 0, S_t = x_0 + ... + x_{t-1} */
    S[0] = 0;
    for (size_t t = 0; t < T1; t++)
        S[t + 1] = S[t] + step[word[t]];
    /* step 3 (scan, three heads over positions b = 0..T1):
     *  L(b) = the last a <= b with S_a = S_b + w or S_b - w (keyed look-up), E(b) = S_{L(b)};
     *  mn(b), mx(b) = min, max of S_0..S_b.
     * The look-up is evaluated left to right with a table of the last position per value. */
    for (size_t i = 0; i < 2 * T1 + 1; i++)
        last[i] = -1;
    for (size_t b = 0; b <= T1; b++) {
        last[S[b] + off] = (int64_t)b;
        int64_t hi = S[b] + w, lo = S[b] - w, a_hi = -1, a_lo = -1;
        if (hi + off <= 2 * off)
            a_hi = last[hi + off];
        if (lo + off >= 0)
            a_lo = last[lo + off];
        L[b] = a_hi > a_lo ? a_hi : a_lo;
        E[b] = a_hi > a_lo ? hi : lo;
        mn[b] = b && mn[b - 1] < S[b] ? mn[b - 1] : S[b];
        mx[b] = b && mx[b - 1] > S[b] ? mx[b - 1] : S[b];
    }
    /* step 4 (scan): prefix arg-max of L returning E (E is a function of L: E = S_L) */
    for (size_t b = 1; b <= T1; b++)
        if (L[b - 1] > L[b]) {
            L[b] = L[b - 1];
            E[b] = E[b - 1];
        }
    /* step 5 (map): the state after t tokens, t = 1..T1 */
    for (size_t t = 1; t <= T1; t++) {
        int64_t q;
        if (L[t] >= 0)
            q = E[t] >= S[t] ? S[t] - E[t] + w : S[t] - E[t];
        else {
            int64_t lift = q0 + mn[t] < 0 ? -(q0 + mn[t]) : 0;
            int64_t push = q0 + mx[t] - w > 0 ? q0 + mx[t] - w : 0;
            q = q0 + S[t] + lift - push;
        }
        labels[t - 1] = (int32_t)q;
    }
    return T1;
}

/* ---------------------------------------------------------------------------------------- */
/* Recognition                                                                              */

void sc_sh_plan_free(sc_sh_plan *p)
{
    if (!p)
        return;
    free(p->inc);
    free(p->flip);
    free(p->step);
    free(p->reset);
    p->inc = NULL;
    p->flip = NULL;
    p->step = NULL;
    p->reset = NULL;
}

static int oom(sc_error *err) { return sc_fail(err, SC_EXIT_LIMIT, "out of memory"); }

static int recognise_abelian(const sc_automaton *a, sc_sh_plan *p, sc_error *err)
{
    uint32_t n = a->n, k = a->k;
    /* Z_n: δ_s(q) = (q + c_s) mod n */
    int cyclic = 1;
    for (uint32_t s = 0; s < k && cyclic; s++) {
        uint32_t c = sc_delta(a, 0, s);
        for (uint32_t q = 0; q < n && cyclic; q++)
            cyclic = sc_delta(a, q, s) == (q + c) % n;
    }
    if (cyclic) {
        if (!(p->inc = malloc((size_t)k * sizeof *p->inc)))
            return oom(err);
        p->r = 1;
        p->mod[0] = n;
        p->stride[0] = 1;
        for (uint32_t s = 0; s < k; s++)
            p->inc[s] = sc_delta(a, 0, s);
        snprintf(p->structure, sizeof p->structure, "Z_%u (delta_s = translation by delta_s(0))",
                 n);
        return 0;
    }
    /* Z_2^r: n = 2^r, δ_s(q) = q xor c_s */
    uint32_t r = 0;
    while (r < 31 && (1u << r) < n)
        r++;
    if (n >= 2 && (1u << r) == n && r <= SC_SH_MAX_FACTORS) {
        for (uint32_t s = 0; s < k; s++) {
            uint32_t c = sc_delta(a, 0, s);
            for (uint32_t q = 0; q < n; q++)
                if (sc_delta(a, q, s) != (q ^ c))
                    return sc_fail(err, SC_EXIT_REJECTED,
                                   "%s: not a product of cyclic groups in the standard "
                                   "encoding: symbol %u, state %u goes to %u, neither "
                                   "(q + %u) mod %u nor q xor %u",
                                   a->name, s, q, (unsigned)sc_delta(a, q, s), c, n, c);
        }
        if (!(p->inc = malloc((size_t)k * r * sizeof *p->inc)))
            return oom(err);
        p->r = r;
        for (uint32_t j = 0; j < r; j++) {
            p->mod[j] = 2;
            p->stride[j] = 1u << j;
        }
        for (uint32_t s = 0; s < k; s++)
            for (uint32_t j = 0; j < r; j++)
                p->inc[(size_t)s * r + j] = (sc_delta(a, 0, s) >> j) & 1u;
        snprintf(p->structure, sizeof p->structure, "Z_2^%u (delta_s = xor with delta_s(0))", r);
        return 0;
    }
    for (uint32_t s = 0; s < k; s++) {
        uint32_t c = sc_delta(a, 0, s);
        for (uint32_t q = 0; q < n; q++)
            if (sc_delta(a, q, s) != (q + c) % n)
                return sc_fail(err, SC_EXIT_REJECTED,
                               "%s: not a product of cyclic groups in the standard encoding: "
                               "symbol %u, state %u goes to %u, not (q + %u) mod %u",
                               a->name, s, q, (unsigned)sc_delta(a, q, s), c, n);
    }
    return sc_fail(err, SC_EXIT_REJECTED, "%s: not recognised as abelian", a->name);
}

static int recognise_car(const sc_automaton *a, sc_sh_plan *p, sc_error *err)
{
    uint32_t n = a->n, k = a->k, m = n / 2;
    if (n % 2)
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: not a car on a circle: %u states, expected 2m (m*toggle + position)",
                       a->name, n);
    if (!(p->inc = malloc((size_t)k * sizeof *p->inc)) || !(p->flip = malloc(k)))
        return oom(err);
    for (uint32_t s = 0; s < k; s++) {
        uint32_t d = sc_delta(a, 0, s), f = d >= m, c = d % m;
        p->flip[s] = (uint8_t)f;
        p->inc[s] = c;
        for (uint32_t tau = 0; tau < 2; tau++)
            for (uint32_t pos = 0; pos < m; pos++) {
                uint32_t want = (tau ^ f) * m + (tau ? (pos + m - c) % m : (pos + c) % m);
                uint32_t q = tau * m + pos;
                if (sc_delta(a, q, s) != want)
                    return sc_fail(err, SC_EXIT_REJECTED,
                                   "%s: not a car on a circle (dihedral, state = m*toggle + "
                                   "position): symbol %u, state %u goes to %u, expected %u",
                                   a->name, s, q, (unsigned)sc_delta(a, q, s), want);
            }
    }
    snprintf(p->structure, sizeof p->structure,
             "D_%u: %u positions x 2 directions (flip, shift) per symbol", n, m);
    return 0;
}

static int recognise_gridworld(const sc_automaton *a, sc_sh_plan *p, sc_error *err)
{
    uint32_t n = a->n, k = a->k;
    if (!(p->step = malloc(k)))
        return oom(err);
    for (uint32_t s = 0; s < k; s++) {
        int found = 0;
        for (int x = 0; x <= 2 && !found; x++) {
            int d = x == 0 ? 0 : x == 1 ? -1 : 1, ok = 1;
            for (uint32_t q = 0; q < n && ok; q++) {
                int64_t to = (int64_t)q + d;
                to = to < 0 ? 0 : to > (int64_t)n - 1 ? (int64_t)n - 1 : to;
                ok = sc_delta(a, q, s) == to;
            }
            if (ok) {
                p->step[s] = (int8_t)d;
                found = 1;
            }
        }
        if (!found)
            return sc_fail(err, SC_EXIT_REJECTED,
                           "%s: not a 1-d gridworld: symbol %u is neither the identity nor a "
                           "clamped step left or right", a->name, s);
    }
    snprintf(p->structure, sizeof p->structure, "clamped walk on 0..%u, steps in {-1,0,+1}",
             n - 1);
    return 0;
}

static int recognise_last_write(const sc_automaton *a, sc_sh_plan *p, sc_error *err)
{
    uint32_t n = a->n, k = a->k;
    if (!(p->reset = malloc((size_t)k * sizeof *p->reset)))
        return oom(err);
    for (uint32_t s = 0; s < k; s++) {
        int ident = 1, cons = 1;
        uint32_t c = sc_delta(a, 0, s);
        for (uint32_t q = 0; q < n; q++) {
            ident &= sc_delta(a, q, s) == q;
            cons &= sc_delta(a, q, s) == c;
        }
        if (!ident && !cons)
            return sc_fail(err, SC_EXIT_REJECTED,
                           "%s: not a reset automaton (flip-flop/memory): symbol %u is neither "
                           "the identity nor a constant map", a->name, s);
        p->reset[s] = ident ? -1 : (int32_t)c;
    }
    snprintf(p->structure, sizeof p->structure, "every symbol the identity or a constant map");
    return 0;
}

int sc_sh_recognise(const sc_automaton *a, sc_sh_kind kind, sc_sh_plan *plan, sc_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->kind = kind;
    plan->n = a->n;
    plan->k = a->k;
    int rc;
    switch (kind) {
    case SC_SH_ABELIAN: rc = recognise_abelian(a, plan, err); break;
    case SC_SH_CAR: rc = recognise_car(a, plan, err); break;
    case SC_SH_GRIDWORLD: rc = recognise_gridworld(a, plan, err); break;
    case SC_SH_LAST_WRITE: rc = recognise_last_write(a, plan, err); break;
    default: rc = sc_fail(err, SC_EXIT_USAGE, "unknown construction %d", (int)kind);
    }
    if (rc)
        sc_sh_plan_free(plan);
    return rc;
}

size_t sc_sh_run(const sc_sh_plan *p, const sc_automaton *a, const int32_t *word, size_t T,
                 int32_t *labels, int64_t *scratch, uint32_t *layers)
{
    sc_state q0 = (sc_state)a->start;
    switch (p->kind) {
    case SC_SH_ABELIAN:
        if (p->r == 1)
            return sc_sh_cyclic(a->n, a->k, a->delta, p->inc, q0, word, T, labels, scratch,
                                layers);
        return sc_sh_abelian(a->n, a->k, p->r, p->mod, p->stride, p->inc, q0, word, T, labels,
                             scratch, layers);
    case SC_SH_CAR:
        return sc_sh_car(a->n / 2, a->k, p->flip, p->inc, q0, word, T, labels, scratch,
                         layers);
    case SC_SH_GRIDWORLD:
        return sc_sh_gridworld(a->n, a->k, p->step, q0, word, T, labels, scratch, layers);
    case SC_SH_LAST_WRITE:
        return sc_sh_last_write(a->n, a->k, a->delta, p->reset, q0, word, T, labels, scratch,
                                layers);
    default:
        *layers = 0;
        return 0;
    }
}
#endif /* __FRAMAC__ */
