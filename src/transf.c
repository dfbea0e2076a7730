#include "transf.h"

int tf_is_valid(size_t n, const sc_state *f)
{
    for (size_t x = 0; x < n; x++)
        if (f[x] >= n)
            return 0;
    return 1;
}

void tf_identity(size_t n, sc_state *out)
{
    for (size_t x = 0; x < n; x++)
        out[x] = (sc_state)x;
}

void tf_compose(size_t n, const sc_state *f, const sc_state *g, sc_state *out)
{
    for (size_t x = 0; x < n; x++)
        out[x] = g[f[x]];
}

void tf_to_matrix(size_t n, const sc_state *f, uint32_t *m)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            m[i * n + j] = (f[i] == j);
}

int tf_matrix_agrees(size_t n, const sc_state *f, const uint32_t *m)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (m[i * n + j] != (uint32_t)(f[i] == j))
                return 0;
    return 1;
}

void mat_mul01(size_t n, const uint32_t *a, const uint32_t *b, uint32_t *c)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            uint32_t s = 0;
            for (size_t l = 0; l < n; l++)
                s += a[i * n + l] * b[l * n + j];
            c[i * n + j] = s;
        }
}
