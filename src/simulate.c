#include "simulate.h"

size_t sc_run(size_t n, size_t k, const sc_state *delta, sc_state q0,
              const int32_t *word, size_t T, int32_t *labels)
{
    sc_state q = q0;
    for (size_t t = 0; t < T; t++) {
        int32_t s = word[t];
        if (s < 0 || (size_t)s >= k)
            return t;
        q = delta[(size_t)s * n + q];
        labels[t] = q;
    }
    return T;
}
