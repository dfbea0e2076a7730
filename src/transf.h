/* Transformations of Q = {0..n-1}, n <= SC_MAX_STATES, acting on the right (DESIGN.md §3):
 * f is stored as the array f[x] = x^f, and f*g means "first f, then g": x^(f*g) = (x^f)^g.
 * Also the 0/1 matrix form of the talk: M_f[i][j] = 1 iff i^f = j (row-major, n*n entries),
 * for which M_{f*g} = M_f . M_g (exact integer product).
 * Kernels: no allocation, plain arrays and sizes; contracts in ACSL (logic model in spec/). */
#ifndef SC_TRANSF_H
#define SC_TRANSF_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t sc_state;
#define SC_MAX_STATES 65535u

/* 1 iff every f[x] < n. */
int tf_is_valid(size_t n, const sc_state *f);
/* out = identity. */
void tf_identity(size_t n, sc_state *out);
/* out = f*g, i.e. out[x] = g[f[x]]. out must not overlap g (it may equal f). */
void tf_compose(size_t n, const sc_state *f, const sc_state *g, sc_state *out);
/* m = M_f (n*n entries, row-major). */
void tf_to_matrix(size_t n, const sc_state *f, uint32_t *m);
/* 1 iff m == M_f exactly. */
int tf_matrix_agrees(size_t n, const sc_state *f, const uint32_t *m);
/* c = a.b, exact integer product of two 0/1 matrices (entries of c are <= n). */
void mat_mul01(size_t n, const uint32_t *a, const uint32_t *b, uint32_t *c);

#endif
