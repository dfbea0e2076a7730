/* Transformation kernels; contracts in transf.h, logic model in spec/, proofs: make prove. */
#include "transf.h"

int tf_is_valid(size_t n, const sc_state *f)
{
    /*@ loop invariant tf_inv_range: x <= n;
        loop invariant tf_inv_prefix_ok: \forall integer y; 0 <= y < x ==> f[y] < n;
        loop assigns x;
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        if (f[x] >= n)
            return 0;
    return 1;
}

void tf_identity(size_t n, sc_state *out)
{
    /*@ loop invariant tf_inv_range: x <= n;
        loop invariant tf_inv_done: \forall integer y; 0 <= y < x ==> out[y] == y;
        loop assigns x, out[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        out[x] = (sc_state)x;
}

void tf_compose(size_t n, const sc_state *f, const sc_state *g, sc_state *out)
{
    /*@ loop invariant tf_inv_range: x <= n;
        loop invariant tf_inv_done:
          \forall integer y; 0 <= y < x ==> out[y] == tf_comp_at{Pre}(f, g, y);
        loop invariant tf_inv_f_rest: \forall integer y; x <= y < n ==> f[y] == \at(f[y], Pre);
        loop invariant tf_inv_g_same: \forall integer y; 0 <= y < n ==> g[y] == \at(g[y], Pre);
        loop assigns x, out[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        out[x] = g[f[x]];
}

void tf_to_matrix(size_t n, const sc_state *f, uint32_t *m)
{
    /*@ loop invariant tf_inv_rows: i <= n;
        loop invariant tf_inv_rows_done:
          \forall integer r, c; 0 <= r < i && 0 <= c < n ==>
            m[sc_idx(n, r, c)] == tf_mat_entry(f, r, c);
        loop invariant tf_inv_01: \forall integer p; 0 <= p < sc_idx(n, i, 0) ==> m[p] <= 1;
        loop assigns i, m[0 .. n*n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++) {
        //@ assert tf_row_fits: 0 <= sc_idx(n, i, 0) && sc_idx(n, i, 0) + n <= n*n;
        /*@ loop invariant tf_inv_cols: j <= n;
            loop invariant tf_inv_cols_done:
              \forall integer c; 0 <= c < j ==> m[sc_idx(n, i, c)] == tf_mat_entry(f, i, c);
            loop invariant tf_inv_01: \forall integer p; 0 <= p < sc_idx(n, i, j) ==> m[p] <= 1;
            loop assigns j, m[sc_idx(n, i, 0) .. sc_idx(n, i, 0) + n - 1];
            loop variant n - j; */
        for (size_t j = 0; j < n; j++) {
            //@ assert tf_at: i*n + j == sc_idx(n, i, j) < n*n;
            //@ assert tf_at_size: (size_t)((size_t)(i*n) + j) == sc_idx(n, i, j);
            m[i * n + j] = (f[i] == j);
        }
    }
    //@ assert tf_all_rows: sc_idx(n, n, 0) == n*n;
}

int tf_matrix_agrees(size_t n, const sc_state *f, const uint32_t *m)
{
    /*@ loop invariant tf_inv_rows: i <= n;
        loop invariant tf_inv_rows_ok:
          \forall integer r, c; 0 <= r < i && 0 <= c < n ==>
            m[sc_idx(n, r, c)] == tf_mat_entry(f, r, c);
        loop assigns i;
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        /*@ loop invariant tf_inv_cols: j <= n;
            loop invariant tf_inv_cols_ok:
              \forall integer c; 0 <= c < j ==> m[sc_idx(n, i, c)] == tf_mat_entry(f, i, c);
            loop assigns j;
            loop variant n - j; */
        for (size_t j = 0; j < n; j++) {
            //@ assert tf_at: i*n + j == sc_idx(n, i, j) < n*n;
            if (m[i * n + j] != (uint32_t)(f[i] == j))
                return 0;
        }
    return 1;
}

void mat_mul01(size_t n, const uint32_t *a, const uint32_t *b, uint32_t *c)
{
    /*@ loop invariant mat_inv_rows: i <= n;
        loop invariant mat_inv_rows_done:
          \forall integer r, cc; 0 <= r < i && 0 <= cc < n ==>
            c[sc_idx(n, r, cc)] == mat_dot{Pre}(n, a, b, r, cc, n);
        loop assigns i, c[0 .. n*n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++) {
        //@ assert mat_row_fits: 0 <= sc_idx(n, i, 0) && sc_idx(n, i, 0) + n <= n*n;
        /*@ loop invariant mat_inv_cols: j <= n;
            loop invariant mat_inv_cols_done:
              \forall integer cc; 0 <= cc < j ==>
                c[sc_idx(n, i, cc)] == mat_dot{Pre}(n, a, b, i, cc, n);
            loop assigns j, c[sc_idx(n, i, 0) .. sc_idx(n, i, 0) + n - 1];
            loop variant n - j; */
        for (size_t j = 0; j < n; j++) {
            uint32_t s = 0;
            /*@ loop invariant mat_inv_len: l <= n;
                loop invariant mat_inv_bound: s <= l;
                loop invariant mat_inv_sum: s == mat_dot{Pre}(n, a, b, i, j, l);
                loop assigns l, s;
                loop variant n - l; */
            for (size_t l = 0; l < n; l++) {
                //@ assert mat_at_a: i*n + l == sc_idx(n, i, l) < n*n;
                //@ assert mat_at_b: l*n + j == sc_idx(n, l, j) < n*n;
                /*@ assert mat_a_same: \forall integer p; p == sc_idx(n, i, l) ==>
                      a[p] == \at(a[p], Pre); */
                /*@ assert mat_b_same: \forall integer p; p == sc_idx(n, l, j) ==>
                      b[p] == \at(b[p], Pre); */
                //@ assert mat_a_le1: a[sc_idx(n, i, l)] <= 1;
                //@ assert mat_b_le1: b[sc_idx(n, l, j)] <= 1;
                uint32_t x = a[i * n + l], y = b[l * n + j];
                //@ assert mat_xy: x == a[sc_idx(n, i, l)] && y == b[sc_idx(n, l, j)];
                //@ assert mat_xy01: x*y <= 1;
                //@ assert mat_x0: x == 0 ==> x*y == 0 == sc_mul(x, y);
                //@ assert mat_x1: x == 1 ==> x*y == y == sc_mul(x, y);
                //@ assert mat_xy_mul: x*y == sc_mul(x, y);
                /*@ assert mat_next: mat_dot{Pre}(n, a, b, i, j, l + 1) == s + sc_mul(x, y); */
                s += x * y;
            }
            //@ assert mat_at_c: i*n + j == sc_idx(n, i, j) < n*n;
            c[i * n + j] = s;
            //@ assert mat_c_new: c[sc_idx(n, i, j)] == mat_dot{Pre}(n, a, b, i, j, n);
        }
    }
}

/* Ghost lemma function: the induction behind M_f . M_g = M_{f*g} (contract in transf.h).
 * For each entry (i,j), the loop over len carries the partial-sum invariant
 * sum_{l < len} [f(i) = l][g(l) = j] == (f(i) < len && g(f(i)) == j). */
/*@ ghost
void tf_matrix_product_theorem(size_t n, const sc_state *f, const sc_state *g,
                               const uint32_t *a, const uint32_t *b)
{
    /@ loop invariant tf_thm_rows: i <= n;
       loop invariant tf_thm_rows_done:
         \forall integer r, c; 0 <= r < i && 0 <= c < n ==>
           mat_dot(n, a, b, r, c, n) == (tf_comp_at(f, g, r) == c ? 1 : 0);
       loop assigns i;
       loop variant n - i; @/
    for (size_t i = 0; i < n; i++) {
        /@ loop invariant tf_thm_cols: j <= n;
           loop invariant tf_thm_cols_done:
             \forall integer c; 0 <= c < j ==>
               mat_dot(n, a, b, i, c, n) == (tf_comp_at(f, g, i) == c ? 1 : 0);
           loop assigns j;
           loop variant n - j; @/
        for (size_t j = 0; j < n; j++) {
            /@ loop invariant tf_thm_len: len <= n;
               loop invariant tf_thm_partial:
                 mat_dot(n, a, b, i, j, len) == (f[i] < len && g[f[i]] == j ? 1 : 0);
               loop assigns len;
               loop variant n - len; @/
            for (size_t len = 0; len < n; len++) {
                /@ assert tf_thm_a: a[sc_idx(n, i, len)] == (f[i] == len ? 1 : 0); @/
                /@ assert tf_thm_b: b[sc_idx(n, len, j)] == (g[len] == j ? 1 : 0); @/
                /@ assert tf_thm_step:
                     mat_dot(n, a, b, i, j, len + 1) == mat_dot(n, a, b, i, j, len) +
                       sc_mul(a[sc_idx(n, i, len)], b[sc_idx(n, len, j)]); @/
                /@ assert tf_thm_term:
                     sc_mul(a[sc_idx(n, i, len)], b[sc_idx(n, len, j)]) ==
                       (f[i] == len && g[len] == j ? 1 : 0); @/
            }
        }
    }
}
*/
