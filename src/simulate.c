#include "simulate.h"

size_t sc_run(size_t n, size_t k, const sc_state *delta, sc_state q0,
              const int32_t *word, size_t T, int32_t *labels)
{
    sc_state q = q0;
    /*@ loop invariant sc_inv_range: t <= T;
        loop invariant sc_inv_state: q < n;
        loop invariant sc_inv_fold: q == sc_fold{Pre}(n, delta, word, t, q0);
        loop invariant sc_inv_symbols: sc_word_ok{Pre}(k, word, t);
        loop invariant sc_inv_labels:
          \forall integer i; 0 <= i < t ==> labels[i] == sc_fold{Pre}(n, delta, word, i + 1, q0);
        loop invariant sc_inv_rest: \forall integer i; t <= i < T ==> labels[i] == \at(labels[i], Pre);
        loop assigns t, q, labels[0 .. T - 1];
        loop variant T - t; */
    for (size_t t = 0; t < T; t++) {
        int32_t s = word[t];
        if (s < 0 || (size_t)s >= k)
            return t;
        //@ assert sc_word_same: \forall integer p; p == t ==> s == \at(word[p], Pre);
        //@ assert sc_at: s*n + q == sc_idx(n, s, q) < sc_idx(n, k, 0) == k*n;
        //@ assert sc_step: delta[sc_idx(n, s, q)] == sc_fold{Pre}(n, delta, word, t + 1, q0);
        //@ assert sc_next_state: delta[sc_idx(n, s, q)] < n;
        //@ assert sc_cast: (size_t)s == s;
        //@ assert sc_at_c: (size_t)s * n + q < k*n;
        q = delta[(size_t)s * n + q];
        labels[t] = q;
    }
    return T;
}
