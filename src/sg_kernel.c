/* Proved kernels of the semigroup enumeration: contracts in sg_kernel.h, logic in
 * spec/semigroup.acsl, proofs in proofs/prove_semigroup.sh.  Induction facts are ghost loops
 * (PROOFS.md): no admitted lemma. */
#include "sg_kernel.h"

/* ---- elements --------------------------------------------------------------------------- */

void sg_mul(size_t n, const sg_tf *x, const sg_gen *g, sg_tf *out)
{
    /*@ loop invariant mul_i: 0 <= i <= n;
        loop invariant mul_done: \forall integer j; 0 <= j < i ==> out->m[j] == g->m[x->m[j]];
        loop invariant mul_valid: \forall integer j; 0 <= j < i ==> out->m[j] < n;
        loop assigns i, out->m[0 .. n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        out->m[i] = (uint8_t)g->m[x->m[i]];
}

void sg_pack(size_t n, const sg_gen *g, sg_tf *out)
{
    /*@ loop invariant pk_i: 0 <= i <= n;
        loop invariant pk_done: \forall integer j; 0 <= j < i ==> out->m[j] == g->m[j];
        loop invariant pk_valid: \forall integer j; 0 <= j < i ==> out->m[j] < n;
        loop assigns i, out->m[0 .. n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        out->m[i] = (uint8_t)g->m[i];
}

void sg_mul_u8(size_t n, const uint8_t *x, const uint8_t *y, uint8_t *out)
{
    /*@ loop invariant mul_i: 0 <= i <= n;
        loop invariant mul_done: \forall integer j; 0 <= j < i ==> out[j] == \at(y[x[j]], Pre);
        loop assigns i, out[0 .. n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        out[i] = y[x[i]];
}

int sg_equal(size_t n, const sg_tf *a, const sg_tf *b)
{
    /*@ loop invariant eq_i: 0 <= i <= n;
        loop invariant eq_same: \forall integer j; 0 <= j < i ==> a->m[j] == b->m[j];
        loop assigns i;
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        if (a->m[i] != b->m[i])
            return 0;
    return 1;
}

uint64_t sg_hash(size_t n, const sg_tf *e, uint64_t cap)
{
    uint64_t h = (uint64_t)e->m[0] + (n > 1 ? UINT64_C(17) * e->m[1] : 0) +
                 (n > 2 ? UINT64_C(289) * e->m[2] : 0) + (n > 3 ? UINT64_C(4913) * e->m[3] : 0) +
                 (n > 4 ? UINT64_C(83521) * e->m[4] : 0) +
                 (n > 5 ? UINT64_C(1419857) * e->m[5] : 0) +
                 (n > 6 ? UINT64_C(24137569) * e->m[6] : 0) +
                 (n > 7 ? UINT64_C(410338673) * e->m[7] : 0);
    //@ assert hash_raw: h == sg_hraw(n, e);
    return h % cap;
}

/* ---- the lookup table ------------------------------------------------------------------- */

uint64_t sg_probe(size_t n, const uint64_t *table, uint64_t cap, const sg_tf *elts,
                  uint64_t size, const sg_tf *key, uint64_t h)
{
    (void)size; /* used by the contract only */
    uint64_t i = h;
    /*@ loop invariant pr_d: 0 <= d <= cap;
        loop invariant pr_i: i < cap && (d < cap ==> sg_dist(h, i, cap) == d);
        loop invariant pr_passed: \forall integer t; 0 <= t < cap && sg_dist(h, t, cap) < d ==>
          table[t] != 0 && !sg_eq(n, elts + (table[t] - 1), key);
        loop assigns d, i;
        loop variant cap - d; */
    for (uint64_t d = 0; d < cap; d++) {
        uint64_t v = table[i];
        if (v == 0 || sg_equal(n, elts + (v - 1), key))
            return i;
        i = i + 1 == cap ? 0 : i + 1;
    }
    return cap;
}

uint32_t sg_lookup(size_t n, const uint64_t *table, uint64_t cap, const sg_tf *elts,
                   const sg_link *ln, uint64_t size, const sg_tf *key)
{
    uint64_t h = sg_hash(n, key, cap);
    uint64_t s = sg_probe(n, table, cap, elts, size, key, h);
    if (s == cap || table[s] == 0) {
        /*@ assert lk_home: \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) ==>
              sg_home(n, elts + i, cap) == h; */
        /*@ assert lk_chain_s: s < cap ==> \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) ==>
              !(sg_dist(h, s, cap) < sg_dist(h, ln[i].slot, cap)); */
        /*@ assert lk_passed_i: s < cap ==> \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) &&
              table[ln[i].slot] == i + 1 ==> !(sg_dist(h, ln[i].slot, cap) < sg_dist(h, s, cap)); */
        /*@ assert lk_slot_range: \forall integer i; 0 <= i < size ==> ln[i].slot < cap; */
        /*@ assert lk_same: s < cap ==> \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) &&
              table[ln[i].slot] == i + 1 ==> ln[i].slot == s; */
        /*@ assert lk_full: s == cap ==> \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) ==>
              table[ln[i].slot] != i + 1; */
        /*@ assert lk_at_slot: \forall integer i; 0 <= i < size && sg_eq(n, elts + i, key) ==>
              table[ln[i].slot] != i + 1; */
        /*@ assert lk_none: \forall integer i; 0 <= i < size ==> !sg_eq(n, elts + i, key); */
        (void)ln; /* used by the contract and the assertions only */
        return SG_NONE;
    }
    return (uint32_t)(table[s] - 1);
}

uint64_t sg_insert(size_t n, uint64_t *table, uint64_t cap, const sg_tf *elts, sg_link *ln,
                   uint64_t size)
{
    uint64_t h = sg_hash(n, elts + size, cap);
    uint64_t s = sg_probe(n, table, cap, elts, size, elts + size, h);
    if (s == cap)
        return cap;
    //@ assert ins_empty: table[s] == 0;
    table[s] = size + 1;
    ln[size].slot = (uint32_t)s;
    /*@ assert ins_chain: \forall integer t; 0 <= t < cap && sg_dist(h, t, cap) < sg_dist(h, s, cap) ==>
          table[t] != 0; */
    /*@ assert ins_bound: \forall integer t; 0 <= t < cap ==> table[t] <= size + 1; */
    /*@ assert ins_in: \forall integer i; 0 <= i < size + 1 ==>
          ln[i].slot < cap && table[ln[i].slot] == i + 1; */
    /*@ assert ins_grow: \forall integer t; 0 <= t < cap && \at(table[t], Pre) != 0 ==>
          table[t] != 0; */
    /*@ assert ins_old_chain: \forall integer i, t; 0 <= i < size && 0 <= t < cap &&
          sg_dist(sg_home(n, elts + i, cap), t, cap) < sg_dist(sg_home(n, elts + i, cap), ln[i].slot, cap) ==>
          table[t] != 0; */
    return s;
}

uint64_t sg_probe64(const uint32_t *table, uint64_t cap, const uint64_t *elts, uint64_t size,
                    uint64_t key, uint64_t h)
{
    (void)size; /* used by the contract only */
    uint64_t i = h;
    /*@ loop invariant pr_d: 0 <= d <= cap;
        loop invariant pr_i: i < cap && (d < cap ==> sg_dist(h, i, cap) == d);
        loop invariant pr_passed: \forall integer t; 0 <= t < cap && sg_dist(h, t, cap) < d ==>
          table[t] != 0 && elts[table[t] - 1] != key;
        loop assigns d, i;
        loop variant cap - d; */
    for (uint64_t d = 0; d < cap; d++) {
        uint32_t v = table[i];
        if (v == 0 || elts[v - 1] == key)
            return i;
        i = i + 1 == cap ? 0 : i + 1;
    }
    return cap;
}

uint32_t sg_find64(const uint32_t *table, uint64_t cap, const uint64_t *elts, uint64_t size,
                   uint64_t key, uint64_t h)
{
    uint64_t s = sg_probe64(table, cap, elts, size, key, h);
    if (s == cap || table[s] == 0) {
        return SG_NONE;
    }
    return table[s] - 1;
}

/* ---- the closure ------------------------------------------------------------------------ */

/* Ghost lemma: an element that is a generator or a stored element times a generator, all the
 * way down, is the product of the generators along its word (induction on the index). */
/*@ ghost
  /@ requires 1 <= n <= SG_NMAX;
     requires size <= SG_MAX_CAP;
     requires sg_store_ok(n, k, gens, elts, ln, size);
     assigns \nothing;
     ensures wl_words: \forall integer i, x; 0 <= i < size && 0 <= x < n ==>
       elts[i].m[x] == sg_img(gens, ln, i, x); @/
  void sg_words_lemma(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts,
                      const sg_link *ln, uint64_t size)
  {
    /@ loop invariant 0 <= c <= size;
       loop invariant \forall integer i, x; 0 <= i < c && 0 <= x < n ==>
         elts[i].m[x] == sg_img(gens, ln, i, x);
       loop assigns c;
       loop variant size - c; @/
    for (uint64_t c = 0; c < size; c++) {
      /@ assert wl_ok: sg_elt_ok(n, k, gens, elts, ln, c); @/
      /@ assert wl_step: \forall integer x; 0 <= x < n ==>
           elts[c].m[x] == sg_img(gens, ln, c, x); @/
    }
  }
*/

/* Element z (already written to elts[z], equal to no stored element, valid, and a generator
 * or elts[par] * gens[s]) joins the store: inserted in the table, links written.  SG_OK, or
 * SG_FULL when the table is full (then nothing is written). */
/*@ requires ad_n: 1 <= n <= SG_NMAX;
    requires ad_k: 1 <= k <= 65535;
    requires ad_z: z < cap < SG_MAX_CAP;
    requires ad_tcap: 1 <= tcap <= SG_MAX_CAP;
    requires ad_valid: \valid_read(gens + (0 .. k - 1)) && \valid_read(elts + (0 .. z)) &&
      \valid(ln + (0 .. cap - 1)) && \valid(table + (0 .. tcap - 1));
    requires ad_store: sg_store_ok(n, k, gens, elts, ln, z);
    requires ad_distinct: sg_distinct(n, elts, z);
    requires ad_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
    requires ad_new_valid: sg_valid(n, elts + z);
    requires ad_new_absent: \forall integer i; 0 <= i < z ==> !sg_eq(n, elts + i, elts + z);
    requires ad_new_origin: s < k &&
      ((par == SG_NONE && sg_is_gen(n, elts + z, gens + s)) ||
       (par < z && sg_is_mul(n, elts + par, gens + s, elts + z)));
    requires ad_apart: \separated(gens + (0 .. k - 1), ln + (0 .. cap - 1), table + (0 .. tcap - 1));
    assigns ln[z], table[0 .. tcap - 1];
    ensures ad_gens: sg_gens_same{Pre, Post}(gens, k);
    ensures ad_ln: sg_ln_same{Pre, Post}(ln, z);
    ensures ad_result: \result == SG_OK || \result == SG_FULL;
    ensures ad_full: \result == SG_FULL ==>
      \forall integer t; 0 <= t < tcap ==> table[t] == \old(table[t]);
    ensures ad_full_store: \result == SG_FULL ==> sg_store_ok(n, k, gens, elts, ln, z);
    ensures ad_full_tab: \result == SG_FULL ==> sg_tab_ok(n, table, tcap, elts, ln, z);
    ensures ad_store_post: \result == SG_OK ==> sg_store_ok(n, k, gens, elts, ln, z + 1);
    ensures ad_distinct_post: \result == SG_OK ==> sg_distinct(n, elts, z + 1);
    ensures ad_tab_post: \result == SG_OK ==> sg_tab_ok(n, table, tcap, elts, ln, z + 1); */
static int sg_add(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts, sg_link *ln,
                  uint64_t cap, uint64_t *table, uint64_t tcap, uint64_t z, uint32_t par,
                  uint32_t s)
{
    (void)k;    /* used by the contract only */
    (void)gens; /* used by the contract only */
    (void)cap;  /* used by the contract only */
    uint64_t slot = sg_insert(n, table, tcap, elts, ln, z);
    //@ ghost uint64_t c;
    if (slot == tcap) {
        //@ assert ad_f_ln_same: sg_ln_same{Pre, Here}(ln, z);
        /*@ ghost
          /@ loop invariant 0 <= c <= z;
             loop invariant \forall integer i; 0 <= i < c ==> sg_elt_ok(n, k, gens, elts, ln, i);
             loop assigns c;
             loop variant z - c; @/
          for (c = 0; c < z; c++) {
            /@ assert ad_f_pre: \forall integer j; j == c ==> sg_elt_ok{Pre}(n, k, gens, elts, ln, j); @/
            /@ assert ad_f_ln: \forall integer j; j == c ==>
                 ln[j].parent == \at(ln[j].parent, Pre) && ln[j].last == \at(ln[j].last, Pre); @/
            /@ assert ad_f_now: sg_elt_ok(n, k, gens, elts, ln, c); @/
          }
        */
        //@ assert ad_f_each: \forall integer i; 0 <= i < z ==> sg_elt_ok(n, k, gens, elts, ln, i);
        //@ assert ad_f_all: sg_store_ok(n, k, gens, elts, ln, z);
        return SG_FULL;
    }
    ln[z].parent = par;
    ln[z].last = s;
    //@ assert ad_new_ok: sg_elt_ok(n, k, gens, elts, ln, z);
    //@ assert ad_old_ok: sg_ln_same{Pre, Here}(ln, z);
    //@ assert ad_elts_same: sg_elts_same{Pre, Here}(elts, z);
    //@ assert ad_gens_same: sg_gens_same{Pre, Here}(gens, k);
    /*@ ghost
      /@ loop invariant 0 <= c <= z;
         loop invariant \forall integer i; 0 <= i < c ==> sg_elt_ok(n, k, gens, elts, ln, i);
         loop assigns c;
         loop variant z - c; @/
      for (c = 0; c < z; c++) {
        /@ assert ad_c_pre: \forall integer j; j == c ==> sg_elt_ok{Pre}(n, k, gens, elts, ln, j); @/
        /@ assert ad_c_ln: \forall integer j; j == c ==>
             ln[j].parent == \at(ln[j].parent, Pre) && ln[j].last == \at(ln[j].last, Pre); @/
        /@ assert ad_c_now: sg_elt_ok(n, k, gens, elts, ln, c); @/
      }
    */
    /*@ assert ad_all_elt: \forall integer i; 0 <= i < z + 1 ==> sg_elt_ok(n, k, gens, elts, ln, i); */
    return SG_OK;
}

/* Ghost lemmas on the closure invariants (single state; no induction needed). */
/*@ ghost
  /@ requires sg_has_gens(n, k, gens, elts, size);
     requires 0 <= size <= size1;
     assigns \nothing;
     ensures gw_grow: sg_has_gens(n, k, gens, elts, size1); @/
  void sg_gens_grow(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts, uint64_t size,
                    uint64_t size1)
  {
    /@ assert gw_each: \forall integer s; 0 <= s < k ==>
         sg_gen_in(n, gens, elts, size, s) ==> sg_gen_in(n, gens, elts, size1, s); @/
  }
*/
/*@ ghost
  /@ requires sg_closed_upto(n, k, gens, elts, size, x, s);
     requires 0 <= size <= size1;
     assigns \nothing;
     ensures cw_grow: sg_closed_upto(n, k, gens, elts, size1, x, s); @/
  void sg_closed_grow(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts, uint64_t size,
                      uint64_t size1, uint64_t x, uint64_t s)
  {
    /@ assert cw_each: \forall integer y, t; 0 <= y && 0 <= t < k ==>
         sg_prod_in(n, gens, elts, size, y, t) ==> sg_prod_in(n, gens, elts, size1, y, t); @/
  }
*/
/*@ ghost
  /@ requires sg_has_gens(n, s, gens, elts, size);
     requires j < size && sg_is_gen(n, elts + j, gens + s);
     assigns \nothing;
     ensures gs_step: sg_has_gens(n, s + 1, gens, elts, size); @/
  void sg_gens_step(size_t n, const sg_gen *gens, const sg_tf *elts, uint64_t size,
                    size_t s, uint64_t j)
  {
    /@ assert gs_new: sg_gen_in(n, gens, elts, size, s); @/
  }
*/
/*@ ghost
  /@ requires s < k;
     requires sg_closed_upto(n, k, gens, elts, size, x, s);
     requires j < size && sg_is_mul(n, elts + x, gens + s, elts + j);
     assigns \nothing;
     ensures cs_step: sg_closed_upto(n, k, gens, elts, size, x, s + 1); @/
  void sg_closed_step(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts, uint64_t size,
                      uint64_t x, size_t s, uint64_t j)
  {
    /@ assert cs_new: sg_prod_in(n, gens, elts, size, x, s); @/
  }
*/
/*@ ghost
  /@ requires sg_closed_upto(n, k, gens, elts, size, x, k);
     assigns \nothing;
     ensures cr_row: sg_closed_upto(n, k, gens, elts, size, x + 1, 0); @/
  void sg_closed_row(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts, uint64_t size,
                     uint64_t x)
  {
  }
*/

/* The candidate: elts[z] = gens[s] (par == SG_NONE) or elts[par] * gens[s]; nothing else of
 * elts changes (the frame the closure invariants need). */
/*@ requires cd_n: 1 <= n <= SG_NMAX;
    requires cd_valid: \valid_read(gens + s) && \valid(elts + (0 .. z));
    requires cd_gen_ok: sg_gen_valid(n, gens + s);
    requires cd_par: par == SG_NONE || (par < z && sg_valid(n, elts + par));
    assigns elts[z].m[0 .. n - 1];
    ensures cd_same: sg_elts_same{Pre, Post}(elts, z);
    ensures cd_valid_new: sg_valid(n, elts + z);
    ensures cd_gen: par == SG_NONE ==> sg_is_gen(n, elts + z, gens + s);
    ensures cd_mul: par != SG_NONE ==> sg_is_mul(n, elts + par, gens + s, elts + z); */
static void sg_cand(size_t n, const sg_gen *gens, sg_tf *elts, uint64_t z, uint32_t par,
                    uint32_t s)
{
    if (par == SG_NONE)
        sg_pack(n, gens + s, elts + z);
    else
        sg_mul(n, elts + par, gens + s, elts + z);
}

/* One closure step: the candidate gens[s] (par == SG_NONE) or elts[par] * gens[s] is written
 * to the scratch slot elts[z] and looked up.  Returns the index of the stored copy (< z), z
 * when the candidate was new and joined the store (the caller's size becomes z + 1), or z + 1
 * when the table is full (nothing stored).  The invariants over elts[0 .. z-1] are kept
 * (gk generators present, products closed up to (cx, cs)). */
/*@ requires st_n: 1 <= n <= SG_NMAX;
    requires st_k: 1 <= k <= 65535 && s < k && gk <= k;
    requires st_z: z < cap < SG_MAX_CAP;
    requires st_tcap: 1 <= tcap <= SG_MAX_CAP;
    requires st_valid: \valid_read(gens + (0 .. k - 1)) && \valid(elts + (0 .. cap)) &&
      \valid(ln + (0 .. cap - 1)) && \valid(table + (0 .. tcap - 1));
    requires st_gens_maps_q: \forall integer t; 0 <= t < k ==> sg_gen_valid(n, gens + t);
    requires st_par: par == SG_NONE || par < z;
    requires st_cx: cx <= z && (cx == z ==> cs == 0);
    requires st_apart: \separated(gens + (0 .. k - 1), ln + (0 .. cap - 1), table + (0 .. tcap - 1));
    requires st_store: sg_store_ok(n, k, gens, elts, ln, z);
    requires st_distinct: sg_distinct(n, elts, z);
    requires st_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
    requires st_gens: sg_has_gens(n, gk, gens, elts, z);
    requires st_closed: sg_closed_upto(n, k, gens, elts, z, cx, cs);
    assigns elts[z].m[0 .. n - 1], ln[z], table[0 .. tcap - 1];
    ensures st_range: \result <= z + 1;
    ensures st_origin_gen: \result <= z && par == SG_NONE ==> sg_is_gen(n, elts + \result, gens + s);
    ensures st_origin_mul: \result <= z && par != SG_NONE ==>
      sg_is_mul(n, elts + par, gens + s, elts + \result);
    ensures st_store_keep: \result != z ==> sg_store_ok(n, k, gens, elts, ln, z);
    ensures st_distinct_keep: \result != z ==> sg_distinct(n, elts, z);
    ensures st_tab_keep: \result != z ==> sg_tab_ok(n, table, tcap, elts, ln, z);
    ensures st_store_new: \result == z ==> sg_store_ok(n, k, gens, elts, ln, z + 1);
    ensures st_distinct_new: \result == z ==> sg_distinct(n, elts, z + 1);
    ensures st_tab_new: \result == z ==> sg_tab_ok(n, table, tcap, elts, ln, z + 1);
    ensures st_gens_post: \result == z ==> sg_has_gens(n, gk, gens, elts, z + 1);
    ensures st_gens_keep: \result < z ==> sg_has_gens(n, gk, gens, elts, z);
    ensures st_closed_post: \result == z ==> sg_closed_upto(n, k, gens, elts, z + 1, cx, cs);
    ensures st_closed_keep: \result < z ==> sg_closed_upto(n, k, gens, elts, z, cx, cs); */
static uint64_t sg_step(size_t n, size_t k, const sg_gen *gens, sg_tf *elts, sg_link *ln,
                        uint64_t cap, uint64_t *table, uint64_t tcap, uint64_t z, uint32_t par,
                        uint32_t s, size_t gk, uint64_t cx, uint64_t cs)
{
    (void)gk; (void)cx; (void)cs; /* used by the contract only */
    //@ assert st_par_ok: par != SG_NONE ==> sg_elt_ok(n, k, gens, elts, ln, par);
    sg_cand(n, gens, elts, z, par, s);
    //@ ghost uint64_t c;
    /*@ ghost
      /@ loop invariant 0 <= c <= z;
         loop invariant \forall integer i; 0 <= i < c ==> sg_elt_ok(n, k, gens, elts, ln, i);
         loop assigns c;
         loop variant z - c; @/
      for (c = 0; c < z; c++) {
        /@ assert st_c_pre: \forall integer j; j == c ==> sg_elt_ok{Pre}(n, k, gens, elts, ln, j); @/
        /@ assert st_c_same: \forall integer j, x; j == c && 0 <= x < SG_NMAX ==>
             elts[j].m[x] == \at(elts[j].m[x], Pre); @/
        /@ assert st_c_par: \forall integer j, x; j == ln[c].parent && j < c && 0 <= x < SG_NMAX ==>
             elts[j].m[x] == \at(elts[j].m[x], Pre); @/
        /@ assert st_c_valid: sg_valid(n, elts + c); @/
        /@ assert st_c_gen: \forall integer j; j == c && ln[j].parent == SG_NONE ==>
             sg_is_gen{Pre}(n, elts + j, gens + ln[j].last) ==> sg_is_gen(n, elts + j, gens + ln[j].last); @/
        /@ assert st_c_mul: \forall integer j; j == c && ln[j].parent < j ==>
             sg_is_mul{Pre}(n, elts + ln[j].parent, gens + ln[j].last, elts + j) ==>
             sg_is_mul(n, elts + ln[j].parent, gens + ln[j].last, elts + j); @/
        /@ assert st_c_now: sg_elt_ok(n, k, gens, elts, ln, c); @/
      }
    */
    //@ assert st_store_now: sg_store_ok(n, k, gens, elts, ln, z);
    /*@ assert st_eq_frame: \forall integer i, j; 0 <= i < z && 0 <= j < z ==>
          sg_eq(n, elts + i, elts + j) ==> sg_eq{Pre}(n, elts + i, elts + j); */
    //@ assert st_distinct_now: sg_distinct(n, elts, z);
    /*@ assert st_home_same: \forall integer i; 0 <= i < z ==>
          sg_hraw(n, elts + i) == \at(sg_hraw(n, elts + i), Pre); */
    /*@ assert st_home_eq: \forall integer i; 0 <= i < z ==>
          sg_home(n, elts + i, tcap) == \at(sg_home(n, elts + i, tcap), Pre); */
    /*@ assert st_chain_pre: \forall integer i, t; 0 <= i < z && 0 <= t < tcap &&
          sg_dist(\at(sg_home(n, elts + i, tcap), Pre), t, tcap) <
          sg_dist(\at(sg_home(n, elts + i, tcap), Pre), ln[i].slot, tcap) ==> table[t] != 0; */
    /*@ assert st_chain_now: \forall integer i, t; 0 <= i < z && 0 <= t < tcap &&
          sg_dist(sg_home(n, elts + i, tcap), t, tcap) <
          sg_dist(sg_home(n, elts + i, tcap), ln[i].slot, tcap) ==> table[t] != 0; */
    //@ assert st_tab_now: sg_tab_ok(n, table, tcap, elts, ln, z);
    /*@ assert st_gen_frame: \forall integer t, j; 0 <= t < k && 0 <= j < z ==>
          sg_is_gen{Pre}(n, elts + j, gens + t) ==> sg_is_gen(n, elts + j, gens + t); */
    /*@ assert st_gen_in: \forall integer t; 0 <= t < k ==>
          sg_gen_in{Pre}(n, gens, elts, z, t) ==> sg_gen_in(n, gens, elts, z, t); */
    //@ assert st_gens_now: sg_has_gens(n, gk, gens, elts, z);
    /*@ assert st_mul_frame: \forall integer y, t, j; 0 <= y < z && 0 <= t < k && 0 <= j < z ==>
          sg_is_mul{Pre}(n, elts + y, gens + t, elts + j) ==> sg_is_mul(n, elts + y, gens + t, elts + j); */
    /*@ assert st_prod_in: \forall integer y, t; 0 <= y < z && 0 <= t < k ==>
          sg_prod_in{Pre}(n, gens, elts, z, y, t) ==> sg_prod_in(n, gens, elts, z, y, t); */
    //@ assert st_closed_now: sg_closed_upto(n, k, gens, elts, z, cx, cs);
    uint32_t j = sg_lookup(n, table, tcap, elts, ln, z, elts + z);
    if (j != SG_NONE)
        return j;
    if (sg_add(n, k, gens, elts, ln, cap, table, tcap, z, par, s))
        return z + 1;
    //@ ghost sg_gens_grow(n, gk, gens, elts, z, z + 1);
    //@ ghost sg_closed_grow(n, k, gens, elts, z, z + 1, cx, cs);
    return z;
}

/* *size = z and the postconditions of sg_closure (r = its result) in that state. */
/*@ requires fi_n: 1 <= n <= SG_NMAX;
    requires fi_z: z <= SG_MAX_CAP;
    requires fi_valid: \valid(size) && \valid_read(table + (0 .. tcap - 1));
    requires fi_apart: \separated(size, table + (0 .. tcap - 1));
    requires fi_r: r == SG_OK || r == SG_FULL;
    requires fi_store: sg_store_ok(n, k, gens, elts, ln, z);
    requires fi_distinct: sg_distinct(n, elts, z);
    requires fi_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
    requires fi_closed: r == SG_OK ==>
      sg_has_gens(n, k, gens, elts, z) && sg_closed_upto(n, k, gens, elts, z, z, 0);
    assigns *size;
    ensures fi_size: *size == z;
    ensures fi_stored: sg_store_ok(n, k, gens, elts, ln, *size);
    ensures fi_words: \forall integer i, x; 0 <= i < *size && 0 <= x < n ==>
      elts[i].m[x] == sg_img(gens, ln, i, x);
    ensures fi_no_duplicates: sg_distinct(n, elts, *size);
    ensures fi_table: sg_tab_ok(n, table, tcap, elts, ln, *size);
    ensures fi_closed_post: r == SG_OK ==>
      sg_has_gens(n, k, gens, elts, *size) && sg_closed_upto(n, k, gens, elts, *size, *size, 0); */
static void sg_finish(size_t n, size_t k, const sg_gen *gens, const sg_tf *elts,
                      const sg_link *ln, const uint64_t *table, uint64_t tcap, uint64_t *size,
                      uint64_t z, int r)
{
    (void)n; (void)k; (void)gens; (void)elts; (void)ln; (void)table; (void)tcap; (void)r;
    /* (used by the contract and the ghost call only) */
    //@ ghost sg_words_lemma(n, k, gens, elts, ln, z);
    *size = z;
    //@ assert fi_table_same: sg_table_same{Pre, Here}(table, tcap);
}

int sg_closure(size_t n, size_t k, const sg_gen *gens, sg_tf *elts, sg_link *ln, uint64_t cap,
               uint64_t *table, uint64_t tcap, uint64_t *size)
{
    /*@ loop invariant cl_t: 0 <= t <= tcap;
        loop invariant cl_empty: \forall integer u; 0 <= u < t ==> table[u] == 0;
        loop assigns t, table[0 .. tcap - 1];
        loop variant tcap - t; */
    for (uint64_t t = 0; t < tcap; t++)
        table[t] = 0;
    uint64_t z = 0; /* the number of stored elements; elts[z] is scratch */
    int r = SG_FULL;
    /* the generators, in order */
    /*@ loop invariant g_s: 0 <= s <= k;
        loop invariant g_size: z <= cap;
        loop invariant g_store: sg_store_ok(n, k, gens, elts, ln, z);
        loop invariant g_distinct: sg_distinct(n, elts, z);
        loop invariant g_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
        loop invariant g_gens: sg_has_gens(n, s, gens, elts, z);
        loop assigns s, z, elts[0 .. cap], ln[0 .. cap - 1], table[0 .. tcap - 1];
        loop variant k - s; */
    for (size_t s = 0; s < k; s++) {
        if (z == cap)
            goto done;
        uint64_t j = sg_step(n, k, gens, elts, ln, cap, table, tcap, z, SG_NONE, (uint32_t)s,
                             s, 0, 0);
        if (j > z) /* the table is full */
            goto done;
        if (j == z)
            z++;
        //@ ghost sg_gens_step(n, gens, elts, z, s, j);
    }
    /* breadth-first: every stored element times every generator */
    uint64_t x = 0;
    /*@ loop invariant c_x: 0 <= x <= z <= cap;
        loop invariant c_store: sg_store_ok(n, k, gens, elts, ln, z);
        loop invariant c_distinct: sg_distinct(n, elts, z);
        loop invariant c_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
        loop invariant c_gens: sg_has_gens(n, k, gens, elts, z);
        loop invariant c_closed: sg_closed_upto(n, k, gens, elts, z, x, 0);
        loop assigns x, z, elts[0 .. cap], ln[0 .. cap - 1], table[0 .. tcap - 1];
        loop variant cap - x; */
    while (x < z) {
        /*@ loop invariant i_s: 0 <= s <= k;
            loop invariant i_x: 0 <= x < z <= cap;
            loop invariant i_store: sg_store_ok(n, k, gens, elts, ln, z);
            loop invariant i_distinct: sg_distinct(n, elts, z);
            loop invariant i_tab: sg_tab_ok(n, table, tcap, elts, ln, z);
            loop invariant i_gens: sg_has_gens(n, k, gens, elts, z);
            loop invariant i_closed: sg_closed_upto(n, k, gens, elts, z, x, s);
            loop assigns s, z, elts[0 .. cap], ln[0 .. cap - 1], table[0 .. tcap - 1];
            loop variant k - s; */
        for (size_t s = 0; s < k; s++) {
            if (z == cap)
                goto done;
            uint64_t j = sg_step(n, k, gens, elts, ln, cap, table, tcap, z, (uint32_t)x,
                                 (uint32_t)s, k, x, s);
            if (j > z) /* the table is full */
                goto done;
            if (j == z)
                z++;
            //@ ghost sg_closed_step(n, k, gens, elts, z, x, s, j);
        }
        //@ ghost sg_closed_row(n, k, gens, elts, z, x);
        x++;
    }
    r = SG_OK;
done: /* the single exit: *size = z (r = SG_FULL when a capacity was reached) */
    sg_finish(n, k, gens, elts, ln, table, tcap, size, z, r);
    return r;
}
