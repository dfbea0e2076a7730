/* Proved kernels of the transformation-semigroup enumeration (src/semigroup.h; issue 3,
 * item 7): plain arrays, no allocation, errors by return value; ACSL contracts below over the
 * logic model spec/semigroup.acsl; proofs: proofs/prove_semigroup.sh (report:
 * proofs/REPORT_semigroup.md: what is proved, what is not).
 *
 *  - sg_mul, sg_mul_u8       the product "first x, then y": point i of x*y is y[x[i]];
 *  - sg_equal, sg_hash       equality and the home slot of an element;
 *  - sg_probe, sg_lookup,    an open-addressing table (linear probing) of element indices
 *    sg_insert               (slot = index + 1, 0 = empty): lookup finds the stored copy or
 *                            proves that none is stored; insert keeps the table invariant;
 *                            a full table is reported, never looped on;
 *  - sg_probe64, sg_find64   the same probe over 64-bit keys (the nibble-packed elements of
 *                            src/semigroup.c; called by its hashed lookup), for any hash;
 *  - sg_closure              a fixed-capacity breadth-first Froidure–Pin closure: every stored
 *                            element is a generator or a stored element times a generator
 *                            (parent < index), hence the product of the generators along its
 *                            word; stored elements are pairwise distinct; when it returns
 *                            SG_OK the store is closed under right multiplication by every
 *                            generator and contains every generator: it is exactly the
 *                            semigroup generated.  Proved (REPORT_semigroup.md), through
 *                            static helpers in sg_kernel.c with their own contracts (sg_cand:
 *                            the scratch write and its frame; sg_step: one candidate, looked
 *                            up and added, invariants kept; sg_add; sg_finish) and ghost
 *                            lemma functions; the unit tests also re-check every
 *                            postcondition at run time.
 * Elements are transformations of n <= SG_NMAX points in the fixed-capacity struct sg_tf
 * (PROOFS.md: a struct per element proves, a flat t*n+x buffer does not).  The production
 * enumeration (nibble / byte / uint16 packings, direct table, SIMD) is differentially tested
 * against sg_closure in tests/unit/check_sg_kernel.c. */
#ifndef SC_SG_KERNEL_H
#define SC_SG_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define SG_NMAX 32
#define SG_NONE 0xffffffffu       /* no index / no parent */
#define SG_MAX_CAP 0xfffffffeu    /* element indices are uint32_t, index + 1 fits */

enum { SG_OK = 0, SG_FULL = 1 };  /* sg_closure: closed / a capacity was reached */

/* A transformation of Q = {0..n-1}, n <= SG_NMAX: m[x] = x^f for x < n (rest unused). */
typedef struct sg_tf {
    uint8_t m[SG_NMAX];
} sg_tf;

/* A generator as given (points as sc_state, uint16_t): m[x] = x^g for x < n. */
typedef struct sg_gen {
    uint16_t m[SG_NMAX];
} sg_gen;

/* The Froidure–Pin links of a stored element: its parent (its shortest word minus the last
 * letter; SG_NONE for a generator), that last letter (a generator index), and the lookup-table
 * slot that holds the element. */
typedef struct sg_link {
    uint32_t parent;
    uint32_t last;
    uint32_t slot;
} sg_link;

#include "../spec/semigroup.acsl"

/* out = x*g: out->m[i] = g->m[x->m[i]] for i < n. */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_x_readable: \valid_read(x);
    requires sg_g_readable: \valid_read(g);
    requires sg_out_writable: \valid(out);
    requires sg_out_apart: \separated(out, x);
    requires sg_x_maps_q: sg_valid(n, x);
    requires sg_g_maps_q: sg_gen_valid(n, g);
    assigns out->m[0 .. n - 1];
    ensures sg_out_mul: sg_is_mul(n, x, g, out);
    ensures sg_out_valid: sg_valid(n, out); */
void sg_mul(size_t n, const sg_tf *x, const sg_gen *g, sg_tf *out);

/* out = g (the generator as an element). */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_g_readable: \valid_read(g);
    requires sg_out_writable: \valid(out);
    requires sg_g_maps_q: sg_gen_valid(n, g);
    assigns out->m[0 .. n - 1];
    ensures sg_out_gen: sg_is_gen(n, out, g);
    ensures sg_out_valid: sg_valid(n, out); */
void sg_pack(size_t n, const sg_gen *g, sg_tf *out);

/* The product on plain byte arrays (the byte packing of src/semigroup.c, n <= 256):
 * out[i] = y[x[i]] for i < n. */
/*@ requires sg_n_range: 1 <= n <= 256;
    requires sg_x_readable: \valid_read(x + (0 .. n - 1));
    requires sg_y_readable: \valid_read(y + (0 .. n - 1));
    requires sg_out_writable: \valid(out + (0 .. n - 1));
    requires sg_out_apart: \separated(out + (0 .. n - 1), x + (0 .. n - 1), y + (0 .. n - 1));
    requires sg_x_maps_q: \forall integer i; 0 <= i < n ==> x[i] < n;
    assigns out[0 .. n - 1];
    ensures sg_out_mul: \forall integer i; 0 <= i < n ==> out[i] == \old(y[x[i]]);
    ensures sg_out_valid: (\forall integer i; 0 <= i < n ==> \old(y[i]) < n) ==>
                          (\forall integer i; 0 <= i < n ==> out[i] < n); */
void sg_mul_u8(size_t n, const uint8_t *x, const uint8_t *y, uint8_t *out);

/* 1 iff a and b are the same transformation of Q. */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_a_readable: \valid_read(a);
    requires sg_b_readable: \valid_read(b);
    assigns \nothing;
    behavior sg_same:
      assumes sg_eq(n, a, b);
      ensures sg_result_one: \result == 1;
    behavior sg_different:
      assumes !sg_eq(n, a, b);
      ensures sg_result_zero: \result == 0;
    complete behaviors;
    disjoint behaviors; */
int sg_equal(size_t n, const sg_tf *a, const sg_tf *b);

/* Home slot of e in a table of cap slots. */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_cap_range: 1 <= cap;
    requires sg_e_readable: \valid_read(e);
    assigns \nothing;
    ensures sg_hash_home: \result == sg_home(n, e, cap);
    ensures sg_hash_range: \result < cap; */
uint64_t sg_hash(size_t n, const sg_tf *e, uint64_t cap);

/* Linear probing from slot h (slots h, h+1, ... mod cap): the first slot that is empty or
 * holds an element equal to key; cap when every slot holds another element (a full table is
 * reported, never looped on). */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_cap_range: 1 <= cap <= SG_MAX_CAP;
    requires sg_h_range: h < cap;
    requires sg_table_readable: \valid_read(table + (0 .. cap - 1));
    requires sg_elts_readable: \valid_read(elts + (0 .. size - 1));
    requires sg_key_readable: \valid_read(key);
    requires sg_table_indices: \forall integer s; 0 <= s < cap ==> table[s] <= size;
    assigns \nothing;
    ensures sg_probe_range: \result <= cap;
    ensures sg_probe_stop: \result < cap ==>
      table[\result] == 0 || sg_eq(n, elts + (table[\result] - 1), key);
    ensures sg_probe_passed: \result < cap ==>
      \forall integer t; 0 <= t < cap && sg_dist(h, t, cap) < sg_dist(h, \result, cap) ==>
        table[t] != 0 && !sg_eq(n, elts + (table[t] - 1), key);
    ensures sg_probe_full: \result == cap ==>
      \forall integer t; 0 <= t < cap ==> table[t] != 0 && !sg_eq(n, elts + (table[t] - 1), key); */
uint64_t sg_probe(size_t n, const uint64_t *table, uint64_t cap, const sg_tf *elts,
                  uint64_t size, const sg_tf *key, uint64_t h);

/* Index of the stored element equal to key, or SG_NONE if none is stored. */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_cap_range: 1 <= cap <= SG_MAX_CAP;
    requires sg_size_range: size <= SG_MAX_CAP;
    requires sg_table_readable: \valid_read(table + (0 .. cap - 1));
    requires sg_elts_readable: \valid_read(elts + (0 .. size - 1));
    requires sg_ln_readable: \valid_read(ln + (0 .. size - 1));
    requires sg_key_readable: \valid_read(key);
    requires sg_table_ok: sg_tab_ok(n, table, cap, elts, ln, size);
    assigns \nothing;
    ensures sg_found: \result != SG_NONE ==> \result < size && sg_eq(n, elts + \result, key);
    ensures sg_absent: \result == SG_NONE ==>
      \forall integer i; 0 <= i < size ==> !sg_eq(n, elts + i, key); */
uint32_t sg_lookup(size_t n, const uint64_t *table, uint64_t cap, const sg_tf *elts,
                   const sg_link *ln, uint64_t size, const sg_tf *key);

/* Make the element elts[size] (equal to no stored element) findable: writes size + 1 to the
 * first empty slot of its probe chain, records that slot in ln[size].slot and returns it;
 * cap if the table is full (then nothing is written). */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_cap_range: 1 <= cap <= SG_MAX_CAP;
    requires sg_size_range: size < SG_MAX_CAP;
    requires sg_table_rw: \valid(table + (0 .. cap - 1));
    requires sg_elts_readable: \valid_read(elts + (0 .. size));
    requires sg_ln_rw: \valid(ln + (0 .. size));
    requires sg_table_ok: sg_tab_ok(n, table, cap, elts, ln, size);
    requires sg_new_absent: \forall integer i; 0 <= i < size ==> !sg_eq(n, elts + i, elts + size);
    assigns table[0 .. cap - 1], ln[size].slot;
    ensures sg_insert_ln: \forall integer i; 0 <= i < size ==> ln[i].slot == \old(ln[i].slot);
    ensures sg_insert_range: \result <= cap;
    ensures sg_insert_full: \result == cap ==>
      \forall integer s; 0 <= s < cap ==> table[s] == \old(table[s]);
    ensures sg_insert_full_ok: \result == cap ==> sg_tab_ok(n, table, cap, elts, ln, size);
    ensures sg_insert_slot: \result < cap ==> table[\result] == size + 1;
    ensures sg_insert_ok: \result < cap ==> sg_tab_ok(n, table, cap, elts, ln, size + 1);
    ensures sg_insert_keep: \result < cap ==>
      \forall integer s; 0 <= s < cap && s != \result ==> table[s] == \old(table[s]); */
uint64_t sg_insert(size_t n, uint64_t *table, uint64_t cap, const sg_tf *elts, sg_link *ln,
                   uint64_t size);

/* Linear probing over 64-bit keys from slot h (any hash; uint32_t slots as in
 * src/semigroup.c): the first slot that is empty or holds key; cap when every slot holds
 * another key.  Slot advance i -> i + 1 (mod cap). */
/*@ requires sg_cap_range: 1 <= cap;
    requires sg_h_range: h < cap;
    requires sg_table_readable: \valid_read(table + (0 .. cap - 1));
    requires sg_elts_readable: \valid_read(elts + (0 .. size - 1));
    requires sg_table_indices: \forall integer s; 0 <= s < cap ==> table[s] <= size;
    assigns \nothing;
    ensures sg_probe_range: \result <= cap;
    ensures sg_probe_stop: \result < cap ==>
      table[\result] == 0 || elts[table[\result] - 1] == key;
    ensures sg_probe_passed: \result < cap ==>
      \forall integer t; 0 <= t < cap && sg_dist(h, t, cap) < sg_dist(h, \result, cap) ==>
        table[t] != 0 && elts[table[t] - 1] != key;
    ensures sg_probe_full: \result == cap ==>
      \forall integer t; 0 <= t < cap ==> table[t] != 0 && elts[table[t] - 1] != key; */
uint64_t sg_probe64(const uint32_t *table, uint64_t cap, const uint64_t *elts, uint64_t size,
                    uint64_t key, uint64_t h);

/* Index of key among elts[0 .. size-1] through the table, h = its home slot under any hash
 * function sg_home64 that the table was built with; SG_NONE only if no element held by the
 * table equals key (with every stored index in the table, as src/semigroup.c keeps it: only
 * if key is not stored). */
/*@ requires sg_cap_range: 1 <= cap;
    requires sg_size_range: size <= SG_MAX_CAP;
    requires sg_h_home: h == sg_home64(key, cap) && h < cap;
    requires sg_table_readable: \valid_read(table + (0 .. cap - 1));
    requires sg_elts_readable: \valid_read(elts + (0 .. size - 1));
    requires sg_table_ok: sg_tab64_ok(table, cap, elts, size);
    assigns \nothing;
    ensures sg_found: \result != SG_NONE ==> \result < size && elts[\result] == key;
    ensures sg_absent: \result == SG_NONE ==>
      \forall integer t; 0 <= t < cap && table[t] != 0 ==> elts[table[t] - 1] != key; */
uint32_t sg_find64(const uint32_t *table, uint64_t cap, const uint64_t *elts, uint64_t size,
                   uint64_t key, uint64_t h);

/* Breadth-first closure of the k generators gens[0 .. k-1] (each a map of Q = {0..n-1}) into
 * elts[0 .. *size-1] (at most cap elements; elts has room for cap + 1: the last one is
 * scratch), with links ln[i] (parent, last letter) and the lookup table table[0 .. tcap-1]
 * (cleared here).  Equal generators share one element.  Returns SG_OK (closed: the store is
 * exactly the semigroup generated) or SG_FULL (cap elements, or a full table, reached before
 * closing; what is stored keeps every other invariant). */
/*@ requires sg_n_range: 1 <= n <= SG_NMAX;
    requires sg_k_range: 1 <= k <= 65535;
    requires sg_cap_range: 1 <= cap < SG_MAX_CAP;
    requires sg_tcap_range: 1 <= tcap <= SG_MAX_CAP;
    requires sg_gens_readable: \valid_read(gens + (0 .. k - 1));
    requires sg_gens_maps_q: \forall integer s; 0 <= s < k ==> sg_gen_valid(n, gens + s);
    requires sg_elts_writable: \valid(elts + (0 .. cap));
    requires sg_ln_writable: \valid(ln + (0 .. cap - 1));
    requires sg_table_writable: \valid(table + (0 .. tcap - 1));
    requires sg_size_writable: \valid(size);
    requires sg_apart: \separated(table + (0 .. tcap - 1), size) &&
      \separated(gens + (0 .. k - 1), ln + (0 .. cap - 1), table + (0 .. tcap - 1));
    assigns elts[0 .. cap], ln[0 .. cap - 1], table[0 .. tcap - 1], *size;
    ensures sg_size_range: *size <= cap;
    ensures sg_stored: sg_store_ok(n, k, gens, elts, ln, *size);
    ensures sg_words: \forall integer i, x; 0 <= i < *size && 0 <= x < n ==>
      elts[i].m[x] == sg_img(gens, ln, i, x);
    ensures sg_no_duplicates: sg_distinct(n, elts, *size);
    ensures sg_table: sg_tab_ok(n, table, tcap, elts, ln, *size);
    ensures sg_closed: \result == SG_OK ==>
      sg_has_gens(n, k, gens, elts, *size) && sg_closed_upto(n, k, gens, elts, *size, *size, 0);
    ensures sg_result: \result == SG_OK || \result == SG_FULL; */
int sg_closure(size_t n, size_t k, const sg_gen *gens, sg_tf *elts, sg_link *ln, uint64_t cap,
               uint64_t *table, uint64_t tcap, uint64_t *size);

#endif
