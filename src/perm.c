/* Permutation kernels; contracts in perm.h, logic model in spec/perm.acsl, proofs:
 * proofs/prove_group.sh. */
#include "perm.h"

int perm_check(size_t n, const sc_state *p, uint8_t *seen)
{
    /*@ loop invariant perm_inv_range: y <= n;
        loop invariant perm_inv_clear: \forall integer z; 0 <= z < y ==> seen[z] == 0;
        loop assigns y, seen[0 .. n - 1];
        loop variant n - y; */
    for (size_t y = 0; y < n; y++)
        seen[y] = 0;
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_images: \forall integer z; 0 <= z < x ==> p[z] < n;
        loop invariant perm_inv_inj: \forall integer a, b; 0 <= a < x && 0 <= b < x &&
          p[a] == p[b] ==> a == b;
        loop invariant perm_inv_seen_hit: \forall integer z; 0 <= z < x ==> seen[p[z]] == 1;
        loop invariant perm_inv_seen_only: \forall integer y; 0 <= y < n && seen[y] != 0 ==>
          \exists integer z; 0 <= z < x && p[z] == y;
        loop assigns x, seen[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++) {
        sc_state y = p[x];
        if (y >= n)
            return 0;
        if (seen[y]) {
            //@ assert perm_dup: \exists integer z; 0 <= z < x && p[z] == p[x];
            return 0;
        }
        seen[y] = 1;
    }
    return 1;
}

void perm_inverse(size_t n, const sc_state *p, sc_state *out)
{
    /*@ loop invariant perm_inv_range: y <= n;
        loop invariant perm_inv_clear: \forall integer z; 0 <= z < y ==> out[z] == 0;
        loop assigns y, out[0 .. n - 1];
        loop variant n - y; */
    for (size_t y = 0; y < n; y++)
        out[y] = 0;
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_done: \forall integer z; 0 <= z < x ==> out[p[z]] == z;
        loop invariant perm_inv_small: \forall integer y; 0 <= y < n ==> out[y] < n;
        loop assigns x, out[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        out[p[x]] = (sc_state)x;
}

int perm_is_identity(size_t n, const sc_state *p)
{
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_fixed: \forall integer z; 0 <= z < x ==> p[z] == z;
        loop assigns x;
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        if (p[x] != x)
            return 0;
    return 1;
}

int perm_equal(size_t n, const sc_state *a, const sc_state *b)
{
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_same: \forall integer z; 0 <= z < x ==> a[z] == b[z];
        loop assigns x;
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        if (a[x] != b[x])
            return 0;
    return 1;
}

int perm_commutes(size_t n, const sc_state *a, const sc_state *b)
{
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_comm: \forall integer z; 0 <= z < x ==>
          tf_comp_at(a, b, z) == tf_comp_at(b, a, z);
        loop assigns x;
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        if (b[a[x]] != a[b[x]])
            return 0;
    return 1;
}

void perm_sift_step(size_t n, sc_state *h, const sc_state *g, const sc_state *ginv)
{
    (void)g; /* used by the contract only */
    /*@ loop invariant perm_inv_range: x <= n;
        loop invariant perm_inv_done: \forall integer z; 0 <= z < x ==>
          h[z] == ginv[\at(h[z], Pre)];
        loop invariant perm_inv_rest: \forall integer z; x <= z < n ==> h[z] == \at(h[z], Pre);
        loop assigns x, h[0 .. n - 1];
        loop variant n - x; */
    for (size_t x = 0; x < n; x++)
        h[x] = ginv[h[x]];
}
