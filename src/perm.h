/* Permutation kernels of the group module (src/group.h): plain arrays of n points, no
 * allocation, no GMP (so that Frama-C/WP can read them; proofs/prove_group.sh).
 * A permutation p of Q = {0..n-1} is stored like a transformation (src/transf.h): p[x] = x^p,
 * acting on the right, and the product p*q means "first p, then q": x^(p*q) = q[p[x]]
 * (tf_comp_at in spec/transf.acsl). Products into a separate buffer are tf_compose
 * (src/transf.h, proved there). Logic model: spec/perm.acsl. */
#ifndef SC_PERM_H
#define SC_PERM_H

#include <stddef.h>
#include <stdint.h>

#include "transf.h"
#include "../spec/perm.acsl"

/* 1 iff p is a permutation of {0..n-1} (every image < n, no image repeated).
 * seen: n bytes of scratch (overwritten). */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_p_readable: \valid_read(p + (0 .. n - 1));
    requires perm_seen_writable: \valid(seen + (0 .. n - 1));
    requires perm_seen_apart: \separated(seen + (0 .. n - 1), p + (0 .. n - 1));
    assigns seen[0 .. n - 1];
    behavior perm_is_permutation:
      assumes perm_valid(n, p);
      ensures perm_result_one: \result == 1;
    behavior perm_not_permutation:
      assumes !perm_valid(n, p);
      ensures perm_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int perm_check(size_t n, const sc_state *p, uint8_t *seen);

/* out = p^-1 (out[p[x]] = x; out is first cleared, so it maps Q into Q whatever p is).
 * out must not overlap p. */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_p_readable: \valid_read(p + (0 .. n - 1));
    requires perm_out_writable: \valid(out + (0 .. n - 1));
    requires perm_out_apart: \separated(out + (0 .. n - 1), p + (0 .. n - 1));
    requires perm_p_valid: perm_valid(n, p);
    assigns out[0 .. n - 1];
    ensures perm_out_inverse: perm_is_inverse(n, p, out);
    ensures perm_out_valid: tf_valid(n, out); */
void perm_inverse(size_t n, const sc_state *p, sc_state *out);

/* 1 iff p is the identity on {0..n-1}. */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_p_readable: \valid_read(p + (0 .. n - 1));
    assigns \nothing;
    behavior perm_identity:
      assumes tf_is_identity(n, p);
      ensures perm_result_one: \result == 1;
    behavior perm_not_identity:
      assumes !tf_is_identity(n, p);
      ensures perm_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int perm_is_identity(size_t n, const sc_state *p);

/* 1 iff a == b on {0..n-1}. */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_a_readable: \valid_read(a + (0 .. n - 1));
    requires perm_b_readable: \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    behavior perm_equal_maps:
      assumes perm_eq(n, a, b);
      ensures perm_result_one: \result == 1;
    behavior perm_different_maps:
      assumes !perm_eq(n, a, b);
      ensures perm_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int perm_equal(size_t n, const sc_state *a, const sc_state *b);

/* 1 iff a*b == b*a (both maps of {0..n-1} into itself). */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_a_readable: \valid_read(a + (0 .. n - 1));
    requires perm_b_readable: \valid_read(b + (0 .. n - 1));
    requires perm_a_maps_q: tf_valid(n, a);
    requires perm_b_maps_q: tf_valid(n, b);
    assigns \nothing;
    behavior perm_commuting:
      assumes perm_commute(n, a, b);
      ensures perm_result_one: \result == 1;
    behavior perm_not_commuting:
      assumes !perm_commute(n, a, b);
      ensures perm_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int perm_commutes(size_t n, const sc_state *a, const sc_state *b);

/* The sifting step of Schreier–Sims: h := h * g^-1, given ginv = g^-1 (in place: h[x] =
 * ginv[h[x]]). If the base point b has image h[b] = g[c] before the step, then after it
 * h[b] = c: the image of b moves one edge back up the Schreier tree. h must not overlap ginv. */
/*@ requires perm_n_range: n <= SC_MAX_STATES;
    requires perm_h_writable: \valid(h + (0 .. n - 1));
    requires perm_g_readable: \valid_read(g + (0 .. n - 1));
    requires perm_ginv_readable: \valid_read(ginv + (0 .. n - 1));
    requires perm_h_apart: \separated(h + (0 .. n - 1), ginv + (0 .. n - 1), g + (0 .. n - 1));
    requires perm_h_maps_q: tf_valid(n, h);
    requires perm_g_maps_q: tf_valid(n, g);
    requires perm_ginv_maps_q: tf_valid(n, ginv);
    requires perm_ginv_inverse: perm_is_inverse(n, g, ginv);
    assigns h[0 .. n - 1];
    ensures perm_h_product: \forall integer x; 0 <= x < n ==> h[x] == \at(ginv[h[x]], Pre);
    ensures perm_h_back: \forall integer b, c; 0 <= b < n && 0 <= c < n ==>
      \at(h[b], Pre) == g[c] ==> h[b] == c;
    ensures perm_h_valid: tf_valid(n, h); */
void perm_sift_step(size_t n, sc_state *h, const sc_state *g, const sc_state *ginv);

#endif
