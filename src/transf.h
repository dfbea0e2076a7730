/* Transformations of Q = {0..n-1}, n <= SC_MAX_STATES, acting on the right (DESIGN.md §3):
 * f is stored as the array f[x] = x^f, and f*g means "first f, then g": x^(f*g) = (x^f)^g.
 * Also the 0/1 matrix form of the talk: M_f[i][j] = 1 iff i^f = j (row-major, n*n entries),
 * for which M_{f*g} = M_f . M_g (exact integer product; proved, see tf_matrix_product_theorem
 * in transf.c).
 * Kernels: no allocation, plain arrays and sizes; contracts in ACSL (logic model in spec/,
 * proofs in proofs/, run `make prove`). */
#ifndef SC_TRANSF_H
#define SC_TRANSF_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t sc_state;
#define SC_MAX_STATES 65535u

#include "../spec/index.acsl"
#include "../spec/transf.acsl"
#include "../spec/matrix.acsl"

/* 1 iff every f[x] < n. */
/*@ requires tf_n_range: n <= SC_MAX_STATES;
    requires tf_f_readable: \valid_read(f + (0 .. n - 1));
    assigns \nothing;
    behavior tf_valid_map:
      assumes tf_valid(n, f);
      ensures tf_result_one: \result == 1;
    behavior tf_invalid_map:
      assumes !tf_valid(n, f);
      ensures tf_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int tf_is_valid(size_t n, const sc_state *f);

/* out = identity. */
/*@ requires tf_n_range: n <= SC_MAX_STATES;
    requires tf_out_writable: \valid(out + (0 .. n - 1));
    assigns out[0 .. n - 1];
    ensures tf_out_identity: tf_is_identity(n, out);
    ensures tf_out_valid: tf_valid(n, out); */
void tf_identity(size_t n, sc_state *out);

/* out = f*g, i.e. out[x] = g[f[x]]. out must not overlap g (it may equal f). */
/*@ requires tf_n_range: n <= SC_MAX_STATES;
    requires tf_f_readable: \valid_read(f + (0 .. n - 1));
    requires tf_g_readable: \valid_read(g + (0 .. n - 1));
    requires tf_out_writable: \valid(out + (0 .. n - 1));
    requires tf_f_maps_q: tf_valid(n, f);
    requires tf_out_not_g: \separated(out + (0 .. n - 1), g + (0 .. n - 1));
    requires tf_out_is_f_or_apart: out == f || \separated(out + (0 .. n - 1), f + (0 .. n - 1));
    assigns out[0 .. n - 1];
    ensures tf_out_compose: \forall integer x; 0 <= x < n ==> out[x] == tf_comp_at{Pre}(f, g, x);
    ensures tf_out_valid: tf_valid{Pre}(n, g) ==> tf_valid(n, out); */
void tf_compose(size_t n, const sc_state *f, const sc_state *g, sc_state *out);

/* m = M_f (n*n entries, row-major). */
/*@ requires tf_n_range: n <= SC_MAX_STATES;
    requires tf_f_readable: \valid_read(f + (0 .. n - 1));
    requires tf_m_writable: \valid(m + (0 .. n*n - 1));
    assigns m[0 .. n*n - 1];
    ensures tf_m_is_matrix: tf_is_matrix(n, f, m);
    ensures tf_m_01: mat_01(n, m); */
void tf_to_matrix(size_t n, const sc_state *f, uint32_t *m);

/* 1 iff m == M_f exactly. */
/*@ requires tf_n_range: n <= SC_MAX_STATES;
    requires tf_f_readable: \valid_read(f + (0 .. n - 1));
    requires tf_m_readable: \valid_read(m + (0 .. n*n - 1));
    assigns \nothing;
    behavior tf_agrees:
      assumes tf_is_matrix(n, f, m);
      ensures tf_result_one: \result == 1;
    behavior tf_disagrees:
      assumes !tf_is_matrix(n, f, m);
      ensures tf_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int tf_matrix_agrees(size_t n, const sc_state *f, const uint32_t *m);

/* c = a.b, exact integer product of two 0/1 matrices (entries of c are <= n).
 * c must not overlap a or b. */
/*@ requires mat_n_range: n <= SC_MAX_STATES;
    requires mat_a_readable: \valid_read(a + (0 .. n*n - 1));
    requires mat_b_readable: \valid_read(b + (0 .. n*n - 1));
    requires mat_c_writable: \valid(c + (0 .. n*n - 1));
    requires mat_c_apart: \separated(c + (0 .. n*n - 1), a + (0 .. n*n - 1), b + (0 .. n*n - 1));
    requires mat_a_01: mat_01(n, a);
    requires mat_b_01: mat_01(n, b);
    assigns c[0 .. n*n - 1];
    ensures mat_c_product:
      \forall integer i, j; 0 <= i < n && 0 <= j < n ==>
        c[sc_idx(n, i, j)] == mat_dot{Pre}(n, a, b, i, j, n); */
void mat_mul01(size_t n, const uint32_t *a, const uint32_t *b, uint32_t *c);

/* The theorem M_f . M_g = M_{f*g}, as a ghost lemma function (comments only: no code is
 * generated): in any state where a = M_f and b = M_g, entry (i,j) of the exact product a.b
 * is 1 iff i^(f*g) = j, else 0. With mat_mul01's contract: after tf_to_matrix(n, f, a),
 * tf_to_matrix(n, g, b) and mat_mul01(n, a, b, c), c = M_{f*g} (checked in proofs/theorem.c). */
/*@ ghost
  /@ requires tf_n_range: n <= SC_MAX_STATES;
     requires tf_f_maps_q: tf_valid(n, f);
     requires tf_a_is_mf: tf_is_matrix(n, f, a);
     requires tf_b_is_mg: tf_is_matrix(n, g, b);
     assigns \nothing;
     ensures tf_product_is_mfg:
       \forall integer i, j; 0 <= i < n && 0 <= j < n ==>
         mat_dot(n, a, b, i, j, n) == (tf_comp_at(f, g, i) == j ? 1 : 0); @/
  void tf_matrix_product_theorem(size_t n, const sc_state *f, const sc_state *g,
                                 const uint32_t *a, const uint32_t *b);
*/

#endif
