/* Sequential simulation of an automaton: the definition every fast path is checked against.
 * delta is symbol-major: delta[s*n + q] = δ(q, s), so δ_s is the contiguous transformation
 * delta + s*n. Labels are q_1..q_T (DESIGN.md §3): labels[t] = q0^(δ_w0 * ... * δ_wt). */
#ifndef SC_SIMULATE_H
#define SC_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "transf.h"
#include "../spec/fold.acsl"

/* Run from q0 over word[0..T-1], writing labels[0..]. Returns the number of labels written:
 * T when every symbol is in 0..k-1, otherwise the position of the first symbol out of range
 * (labels before it are written, the rest untouched). */
/*@ requires sc_n_range: 1 <= n <= SC_MAX_STATES;
    requires sc_k_range: k <= 65535;
    requires sc_q0_state: q0 < n;
    requires sc_delta_readable: \valid_read(delta + (0 .. k*n - 1));
    requires sc_delta_maps_q: sc_delta_valid(n, k, delta);
    requires sc_word_readable: \valid_read(word + (0 .. T - 1));
    requires sc_labels_writable: \valid(labels + (0 .. T - 1));
    requires sc_labels_apart: \separated(labels + (0 .. T - 1), word + (0 .. T - 1));
    assigns labels[0 .. T - 1];
    ensures sc_result_range: \result <= T;
    ensures sc_prefix_in_range: sc_word_ok{Pre}(k, word, \result);
    ensures sc_first_bad: \result < T ==> word[\result] < 0 || word[\result] >= k;
    ensures sc_labels_fold:
      \forall integer t; 0 <= t < \result ==> labels[t] == sc_fold{Pre}(n, delta, word, t + 1, q0);
    ensures sc_labels_rest:
      \forall integer t; \result <= t < T ==> labels[t] == \old(labels[t]); */
size_t sc_run(size_t n, size_t k, const sc_state *delta, sc_state q0,
              const int32_t *word, size_t T, int32_t *labels);

#endif
