/* The proved semigroup kernels (src/sg_kernel.h, proofs/prove_semigroup.sh): exact values
 * (known products, |T_n| = n^n and |S_n| = n! through the proved closure), the table's
 * contracts on small hand-made tables (found / absent / full), every closure postcondition
 * re-checked at run time, and a differential test of the production enumeration
 * (src/semigroup.c: nibble and byte packings, direct and hashed tables, SSSE3 and scalar
 * closures) against the proved closure on random generators: same elements in the same
 * order, same parents and last letters. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semigroup.h"
#include "sg_kernel.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct closure {
    size_t n, k;
    uint64_t cap, tcap, size;
    sg_gen *gens;
    sg_tf *elts;
    sg_link *ln;
    uint64_t *table;
    int rc;
} closure;

static void closure_run(closure *c, size_t n, size_t k, const sc_state *g, uint64_t cap,
                        uint64_t tcap)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->k = k;
    c->cap = cap;
    c->tcap = tcap;
    c->gens = calloc(k, sizeof *c->gens);
    c->elts = calloc(cap + 1, sizeof *c->elts);
    c->ln = calloc(cap, sizeof *c->ln);
    c->table = calloc(tcap, sizeof *c->table);
    ck_assert(c->gens && c->elts && c->ln && c->table);
    for (size_t s = 0; s < k; s++)
        for (size_t x = 0; x < n; x++)
            c->gens[s].m[x] = g[s * n + x];
    c->rc = sg_closure(n, k, c->gens, c->elts, c->ln, cap, c->table, tcap, &c->size);
}

static void closure_free(closure *c)
{
    free(c->gens);
    free(c->elts);
    free(c->ln);
    free(c->table);
}

static int tf_eq(size_t n, const sg_tf *a, const sg_tf *b)
{
    return memcmp(a->m, b->m, n) == 0;
}

static int tf_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(sg_tf));
}

/* Every postcondition of sg_closure, checked directly (the proof says they hold; this checks
 * the build and the contract's reading). */
static void closure_check(const closure *c)
{
    const size_t n = c->n;
    ck_assert_uint_le(c->size, c->cap);
    for (uint64_t i = 0; i < c->size; i++) {
        const sg_tf *e = &c->elts[i];
        const sg_link *l = &c->ln[i];
        ck_assert_uint_lt(l->last, c->k);
        for (size_t x = 0; x < n; x++)
            ck_assert_uint_lt(e->m[x], n);
        sg_tf p;
        if (l->parent == SG_NONE)
            sg_pack(n, &c->gens[l->last], &p);
        else {
            ck_assert_uint_lt(l->parent, i);
            sg_mul(n, &c->elts[l->parent], &c->gens[l->last], &p);
        }
        ck_assert(tf_eq(n, &p, e));
        /* the word along the parent links, multiplied out from the generators */
        uint32_t w[4096], len = 0;
        for (uint32_t y = (uint32_t)i; y != SG_NONE; y = c->ln[y].parent) {
            ck_assert_uint_lt(len, 4096);
            w[len++] = c->ln[y].last;
        }
        for (size_t x = 0; x < n; x++) {
            uint32_t q = (uint32_t)x;
            for (uint32_t t = len; t-- > 0;)
                q = c->gens[w[t]].m[q];
            ck_assert_uint_eq(q, e->m[x]);
        }
        ck_assert_uint_eq(sg_lookup(n, c->table, c->tcap, c->elts, c->ln, c->size, e), i);
    }
    /* pairwise distinct (hash-independent check: sort a copy) */
    sg_tf *cp = malloc((c->size + 1) * sizeof *cp);
    ck_assert(cp);
    memcpy(cp, c->elts, c->size * sizeof *cp);
    for (uint64_t i = 0; i < c->size; i++)
        for (size_t x = n; x < SG_NMAX; x++)
            cp[i].m[x] = 0;
    qsort(cp, c->size, sizeof *cp, tf_cmp);
    for (uint64_t i = 1; i < c->size; i++)
        ck_assert(!tf_eq(n, &cp[i - 1], &cp[i]));
    free(cp);
    if (c->rc == SG_OK) {
        for (size_t s = 0; s < c->k; s++) {
            sg_tf p;
            sg_pack(n, &c->gens[s], &p);
            ck_assert_uint_ne(sg_lookup(n, c->table, c->tcap, c->elts, c->ln, c->size, &p), SG_NONE);
            for (uint64_t i = 0; i < c->size; i++) {
                sg_mul(n, &c->elts[i], &c->gens[s], &p);
                ck_assert_uint_ne(sg_lookup(n, c->table, c->tcap, c->elts, c->ln, c->size, &p), SG_NONE);
            }
        }
    }
}

/* T_n generators of the catalog: cycle, transposition (0 1), 0 -> 1. */
static void full_gens(size_t n, sc_state *g)
{
    for (size_t i = 0; i < n; i++) {
        g[i] = (sc_state)((i + 1) % n);
        g[n + i] = (sc_state)i;
        g[2 * n + i] = (sc_state)i;
    }
    if (n >= 2) {
        g[n + 0] = 1;
        g[n + 1] = 0;
        g[2 * n + 0] = 1;
    }
}

START_TEST(test_products)
{
    /* n = 3: cycle c = (0 1 2) as [1,2,0], transposition t = (0 1) as [1,0,2];
     * c*t (first c, then t): 0 -> 1 -> 0, 1 -> 2 -> 2, 2 -> 0 -> 1, i.e. [0,2,1]. */
    sg_tf c = {{1, 2, 0}}, out;
    sg_gen t = {{1, 0, 2}};
    sg_mul(3, &c, &t, &out);
    ck_assert_uint_eq(out.m[0], 0);
    ck_assert_uint_eq(out.m[1], 2);
    ck_assert_uint_eq(out.m[2], 1);
    sg_pack(3, &t, &out);
    ck_assert_uint_eq(out.m[0], 1);
    ck_assert_uint_eq(out.m[1], 0);
    ck_assert_uint_eq(out.m[2], 2);
    uint8_t x8[3] = {1, 2, 0}, y8[3] = {1, 0, 2}, o8[3];
    sg_mul_u8(3, x8, y8, o8);
    ck_assert_uint_eq(o8[0], 0);
    ck_assert_uint_eq(o8[1], 2);
    ck_assert_uint_eq(o8[2], 1);
    ck_assert_int_eq(sg_equal(3, &c, &c), 1);
    ck_assert_int_eq(sg_equal(3, &c, &out), 0);
    /* the nibble product of src/semigroup.c (not proved: bit fields) against the proved byte
     * product, on random maps of every degree 1..16 */
    for (int it = 0; it < 200000; it++) {
        size_t n = 1 + rnd() % 16;
        sg_tf a, r;
        sg_gen b;
        sc_state fa[16], fb[16];
        for (size_t i = 0; i < n; i++) {
            a.m[i] = (uint8_t)(rnd() % n);
            b.m[i] = (uint16_t)(rnd() % n);
            fa[i] = a.m[i];
            fb[i] = b.m[i];
        }
        sg_mul(n, &a, &b, &r);
        uint64_t p = sc_nib_mul(sc_nib_pack(fa, (uint32_t)n), sc_nib_pack(fb, (uint32_t)n),
                                (uint32_t)n);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq((p >> (4 * i)) & 15u, r.m[i]);
        ck_assert_uint_eq(n == 16 ? 0 : p >> (4 * n), 0);
        uint8_t a8[16], b8[16], o[16];
        for (size_t i = 0; i < n; i++) {
            a8[i] = a.m[i];
            b8[i] = (uint8_t)b.m[i];
        }
        sg_mul_u8(n, a8, b8, o);
        ck_assert(memcmp(o, r.m, n) == 0);
    }
}
END_TEST

START_TEST(test_table)
{
    /* 4 slots; sg_hash = (m0 + 17 m1) mod 4: e2 and e3 share home slot 1 */
    sg_tf e[4] = {{{0, 0}}, {{1, 1}}, {{1, 0}}, {{0, 1}}};
    sg_link ln[4] = {{0}};
    uint64_t table[4] = {0};
    const uint64_t cap = 4;
    for (uint64_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(sg_lookup(2, table, cap, e, ln, i, &e[i]), SG_NONE);
        uint64_t s = sg_insert(2, table, cap, e, ln, i);
        ck_assert_uint_lt(s, cap);
        ck_assert_uint_eq(table[s], i + 1);
        ck_assert_uint_eq(ln[i].slot, s);
        for (uint64_t j = 0; j <= i; j++)
            ck_assert_uint_eq(sg_lookup(2, table, cap, e, ln, i + 1, &e[j]), j);
    }
    ck_assert_uint_eq(sg_lookup(2, table, cap, e, ln, 3, &e[3]), SG_NONE);
    ck_assert_uint_lt(sg_insert(2, table, cap, e, ln, 3), cap);
    /* full table: lookup of an absent element and insert both report, never loop */
    sg_tf absent[2] = {{{0, 0, 0}}, {{0, 0, 1}}};
    uint64_t full[2] = {1, 1}; /* both slots hold element 0 */
    sg_link fl[2] = {{.slot = 0}, {0}};
    ck_assert_uint_eq(sg_probe(3, full, 2, absent, 1, &absent[1], 0), 2);
    ck_assert_uint_eq(sg_lookup(3, full, 2, absent, fl, 1, &absent[1]), SG_NONE);
    ck_assert_uint_eq(sg_insert(3, full, 2, absent, fl, 1), 2);
    ck_assert_uint_eq(full[0], 1);
    ck_assert_uint_eq(full[1], 1);
    /* 64-bit keys (production layout), any home */
    uint64_t keys[3] = {7, 9, 11};
    uint32_t t32[4] = {0, 2, 1, 3}; /* slot 1: key 9, slot 2: key 7, slot 3: key 11 */
    ck_assert_uint_eq(sg_probe64(t32, 4, keys, 3, 7, 1), 2);
    ck_assert_uint_eq(sg_find64(t32, 4, keys, 3, 11, 2), 2);
    ck_assert_uint_eq(sg_find64(t32, 4, keys, 3, 9, 1), 1);
    ck_assert_uint_eq(sg_find64(t32, 4, keys, 3, 5, 3), SG_NONE);
    uint32_t f32[2] = {1, 1};
    ck_assert_uint_eq(sg_probe64(f32, 2, keys, 1, 8, 1), 2);
}
END_TEST

START_TEST(test_full_monoids)
{
    /* |T_n| = n^n through the proved closure, n = 1..6 */
    static const uint64_t want[7] = {0, 1, 4, 27, 256, 3125, 46656};
    for (size_t n = 1; n <= 6; n++) {
        sc_state g[3 * 6];
        full_gens(n, g);
        closure c;
        closure_run(&c, n, 3, g, 50000, 1u << 17);
        ck_assert_int_eq(c.rc, SG_OK);
        ck_assert_uint_eq(c.size, want[n]);
        closure_check(&c);
        closure_free(&c);
    }
    /* |S_n| = n!: cycle and transposition only */
    static const uint64_t fact[8] = {1, 1, 2, 6, 24, 120, 720, 5040};
    for (size_t n = 2; n <= 7; n++) {
        sc_state g[3 * 7];
        full_gens(n, g);
        closure c;
        closure_run(&c, n, 2, g, 10000, 1u << 14);
        ck_assert_int_eq(c.rc, SG_OK);
        ck_assert_uint_eq(c.size, fact[n]);
        closure_check(&c);
        closure_free(&c);
    }
    /* a 32-point cyclic group (the kernel's largest degree): C_32, 32 elements */
    sc_state cyc[32];
    for (size_t i = 0; i < 32; i++)
        cyc[i] = (sc_state)((i + 1) % 32);
    closure c;
    closure_run(&c, 32, 1, cyc, 100, 64);
    ck_assert_int_eq(c.rc, SG_OK);
    ck_assert_uint_eq(c.size, 32);
    closure_check(&c);
    closure_free(&c);
}
END_TEST

START_TEST(test_limits)
{
    sc_state g[3 * 4];
    full_gens(4, g);
    /* capacity below |T_4| = 256: SG_FULL with exactly cap valid elements */
    closure c;
    closure_run(&c, 4, 3, g, 100, 1024);
    ck_assert_int_eq(c.rc, SG_FULL);
    ck_assert_uint_eq(c.size, 100);
    closure_check(&c);
    closure_free(&c);
    /* table smaller than the semigroup: SG_FULL, never a loop */
    closure_run(&c, 4, 3, g, 1000, 50);
    ck_assert_int_eq(c.rc, SG_FULL);
    ck_assert_uint_eq(c.size, 50);
    closure_check(&c);
    closure_free(&c);
    /* equal generators share one element; the identity alone is a 1-element semigroup */
    sc_state id2[2 * 3] = {0, 1, 2, 0, 1, 2};
    closure_run(&c, 3, 2, id2, 10, 16);
    ck_assert_int_eq(c.rc, SG_OK);
    ck_assert_uint_eq(c.size, 1);
    closure_check(&c);
    closure_free(&c);
}
END_TEST

/* Random generators whose semigroup stays small: low-rank maps (images inside a random set of
 * at most 3 points) and, sometimes, one permutation of small order; fully random maps for
 * n <= 5. */
static void random_gens(size_t n, size_t k, sc_state *g)
{
    size_t r = 1 + rnd() % 3;
    sc_state img[3];
    for (size_t j = 0; j < r; j++)
        img[j] = (sc_state)(rnd() % n);
    for (size_t s = 0; s < k; s++) {
        sc_state *f = g + s * n;
        if (n <= 5)
            for (size_t x = 0; x < n; x++)
                f[x] = (sc_state)(rnd() % n);
        else if (s == 0 && rnd() % 2) {
            /* a product of at most two disjoint cycles of length <= 4 */
            for (size_t x = 0; x < n; x++)
                f[x] = (sc_state)x;
            size_t a = rnd() % (n - 3), l = 2 + rnd() % 3;
            if (a + l > n)
                l = n - a;
            for (size_t x = 0; x < l; x++)
                f[a + x] = (sc_state)(a + (x + 1) % l);
        } else
            for (size_t x = 0; x < n; x++)
                f[x] = img[rnd() % r];
    }
}

START_TEST(test_differential)
{
    static const sc_sg_opts variants[] = {{0}, {.no_simd = 1}, {.no_direct = 1}};
    int compared = 0;
    for (int it = 0; it < 400; it++) {
        size_t n = 1 + rnd() % SG_NMAX, k = 1 + rnd() % 3;
        sc_state g[3 * SG_NMAX];
        random_gens(n, k, g);
        closure c;
        closure_run(&c, n, k, g, 60000, 1u << 17);
        if (c.rc != SG_OK) {
            closure_free(&c);
            continue;
        }
        closure_check(&c);
        for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
            sc_error err;
            sc_error_clear(&err);
            sc_semigroup *sg = sc_sg_enumerate((uint32_t)n, (uint32_t)k, g, &variants[v], &err);
            ck_assert_msg(sg != NULL, "enumerate: %s", err.msg);
            ck_assert_uint_eq(sg->size, c.size);
            sc_state f[SG_NMAX];
            for (uint64_t i = 0; i < c.size; i++) {
                sc_sg_get(sg, i, f);
                for (size_t x = 0; x < n; x++)
                    ck_assert_uint_eq(f[x], c.elts[i].m[x]);
                ck_assert_uint_eq(sg->parent[i], c.ln[i].parent);
                ck_assert_uint_eq(sg->last[i], c.ln[i].last);
                ck_assert_uint_eq(sc_sg_find(sg, f), i);
            }
            for (size_t s = 0; s < k; s++) {
                sg_tf p;
                sg_pack(n, &c.gens[s], &p);
                ck_assert_uint_eq(sg->gen[s], sg_lookup(n, c.table, c.tcap, c.elts, c.ln, c.size, &p));
            }
            sc_sg_free(sg);
        }
        compared++;
        closure_free(&c);
    }
    ck_assert_int_ge(compared, 300);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sg_kernel");
    TCase *tc = tcase_create("kernels");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_products);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_full_monoids);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_differential);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
