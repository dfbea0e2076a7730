/* Sequential simulation of an automaton: the definition every fast path is checked against.
 * delta is symbol-major: delta[s*n + q] = δ(q, s), so δ_s is the contiguous transformation
 * delta + s*n. Labels are q_1..q_T (DESIGN.md §3): labels[t] = q0^(δ_w0 * ... * δ_wt). */
#ifndef SC_SIMULATE_H
#define SC_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "transf.h"

/* Run from q0 over word[0..T-1], writing labels[0..]. Returns the number of labels written:
 * T when every symbol is in 0..k-1, otherwise the position of the first symbol out of range
 * (labels before it are written, the rest untouched). */
size_t sc_run(size_t n, size_t k, const sc_state *delta, sc_state q0,
              const int32_t *word, size_t T, int32_t *labels);

#endif
