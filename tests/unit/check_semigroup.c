/* Semigroup enumeration and Green's structure: exact known values (|T_n| = n^n, |S_n| = n!,
 * A5, Q8, gridworld, flip-flop, abab, the 2353-element example), every packing and lookup
 * path, limits, and a cross-check of everything against slow obvious computations on random
 * automata (naive closure with a linear-search set; D-classes from principal two-sided ideals;
 * H_e from the definition of R and L). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "semigroup.h"

static sc_semigroup *enum_ok(uint32_t n, uint32_t k, const sc_state *g, const sc_sg_opts *o)
{
    sc_error err;
    sc_error_clear(&err);
    sc_semigroup *sg = sc_sg_enumerate(n, k, g, o, &err);
    if (!sg)
        ck_abort_msg("enumeration failed: %s", err.msg);
    return sg;
}

static sc_semigroup *of_spec(const char *spec, const sc_sg_opts *o)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(spec, &err);
    if (!tb)
        ck_abort_msg("catalog %s: %s", spec, err.msg);
    sc_semigroup *sg = sc_sg_of_automaton(tb->automaton, o, &err);
    if (!sg)
        ck_abort_msg("enumerating %s: %s", spec, err.msg);
    sc_testbed_free(tb);
    return sg;
}

static void green_ok(sc_semigroup *sg, sc_green *g)
{
    sc_error err;
    sc_error_clear(&err);
    if (sc_sg_green(sg, g, &err))
        ck_abort_msg("green: %s", err.msg);
}

/* T_n generators of the catalog: cycle, transposition (0 1), 0 -> 1. */
static void full_gens(uint32_t n, sc_state *g)
{
    for (uint32_t i = 0; i < n; i++) {
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

static const sc_sg_opts variants[] = {
    {0}, {.no_simd = 1}, {.no_direct = 1}, {.size_hint = 5000, .no_direct = 1}};

START_TEST(test_full_transformation_monoid)
{
    uint64_t want = 1;
    uint32_t n = (uint32_t)_i;
    for (uint32_t i = 0; i < n; i++)
        want *= n;
    sc_state g[3 * 7] = {0};
    full_gens(n, g);
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        if (n == 7 && v >= 2)
            continue; /* the hashed path on T_7 is covered by the random tests' sizes */
        sc_semigroup *sg = enum_ok(n, 3, g, &variants[v]);
        ck_assert_uint_eq(sg->size, want);
        sc_sg_free(sg);
    }
    /* Green's structure of T_n: n D-classes (by rank), all regular, H of rank r = S_r */
    sc_semigroup *sg = enum_ok(n, 3, g, NULL);
    sc_green gr;
    green_ok(sg, &gr);
    ck_assert_uint_eq(gr.nd, n);
    ck_assert_uint_eq(gr.regular, n);
    ck_assert_int_eq(gr.has_identity, 1);
    ck_assert_int_eq(gr.identity_map, 1);
    /* idempotents of T_n: sum_r C(n,r) r^(n-r) */
    static const uint64_t idem[8] = {0, 1, 3, 10, 41, 196, 1057, 6322};
    ck_assert_uint_eq(gr.idempotents, idem[n]);
    for (uint64_t d = 0; d < gr.nd; d++) {
        uint64_t f = 1;
        for (uint32_t i = 2; i <= gr.d[d].rank; i++)
            f *= i;
        ck_assert_uint_eq(gr.d[d].h_size, f);
    }
    sc_green_free(&gr);
    sc_sg_free(sg);
}
END_TEST

START_TEST(test_full_catalog)
{
    sc_semigroup *sg = of_spec("T5", NULL);
    ck_assert_uint_eq(sg->size, 3125);
    sc_sg_free(sg);
}
END_TEST

/* S_n on n points from an n-cycle and a transposition: n! elements, one D-class = H-class. */
START_TEST(test_symmetric_groups)
{
    static const uint64_t fact[10] = {1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880};
    uint32_t n = (uint32_t)_i;
    sc_state g[2 * 9] = {0};
    for (uint32_t i = 0; i < n; i++) {
        g[i] = (sc_state)((i + 1) % n);
        g[n + i] = (sc_state)i;
    }
    if (n >= 2) {
        g[n] = 1;
        g[n + 1] = 0;
    }
    sc_sg_opts o = {.no_direct = n == 9}; /* S_9 would touch most of the 1.5 GB direct table */
    sc_semigroup *sg = enum_ok(n, 2, g, &o);
    ck_assert_uint_eq(sg->size, fact[n]);
    if (n <= 7) {
        sc_green gr;
        green_ok(sg, &gr);
        ck_assert_uint_eq(gr.nd, 1);
        ck_assert_uint_eq(gr.idempotents, 1);
        ck_assert_uint_eq(gr.d[0].h_size, fact[n]);
        sc_green_free(&gr);
    }
    sc_sg_free(sg);
}
END_TEST

START_TEST(test_catalog_groups)
{
    static const struct {
        const char *spec;
        uint64_t size;
    } t[] = {{"S3", 6}, {"S4", 24}, {"S5", 120}, {"A4", 12}, {"A5", 60}, {"Q8", 8},
             {"D8", 8}, {"D6", 6}, {"C2", 2}, {"C3", 3}, {"C2^3", 8}, {"parity", 2}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        sc_semigroup *sg = of_spec(t[i].spec, NULL);
        ck_assert_msg(sg->size == t[i].size, "%s: %lu", t[i].spec, (unsigned long)sg->size);
        sc_green gr;
        green_ok(sg, &gr);
        ck_assert_uint_eq(gr.nd, 1);
        ck_assert_uint_eq(gr.idempotents, 1);
        ck_assert_uint_eq(gr.d[0].h_size, t[i].size);
        ck_assert_int_eq(gr.has_identity, 1);
        sc_green_free(&gr);
        sc_sg_free(sg);
    }
}
END_TEST

START_TEST(test_gridworld_flipflop_abab)
{
    sc_green gr;
    sc_semigroup *sg = of_spec("gridworld:n=9", NULL);
    ck_assert_uint_eq(sg->size, 212);
    green_ok(sg, &gr);
    for (uint64_t d = 0; d < gr.nd; d++)
        ck_assert_uint_eq(gr.d[d].regular ? gr.d[d].h_size : 1, 1); /* aperiodic */
    ck_assert_int_eq(gr.has_identity, 0);
    sc_green_free(&gr);
    sc_sg_free(sg);

    sg = of_spec("flipflop:n=2", NULL);
    ck_assert_uint_eq(sg->size, 3);
    green_ok(sg, &gr);
    ck_assert_uint_eq(gr.idempotents, 3);
    ck_assert_int_eq(gr.has_identity, 1); /* "read" is the identity map */
    sc_green_free(&gr);
    sc_sg_free(sg);

    sg = of_spec("abab", NULL);
    ck_assert_uint_eq(sg->size, 9);
    green_ok(sg, &gr);
    int c2 = 0;
    for (uint64_t d = 0; d < gr.nd; d++)
        if (gr.d[d].regular && gr.d[d].h_size == 2)
            c2++;
    ck_assert_int_eq(c2, 1);
    sc_green_free(&gr);
    sc_sg_free(sg);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The example with 1-based images [1,1,2,3,5,4] and [3,4,1,6,1,5]. */
START_TEST(test_2353)
{
    static const sc_state one[12] = {1, 1, 2, 3, 5, 4, 3, 4, 1, 6, 1, 5};
    sc_state g[12];
    for (int i = 0; i < 12; i++)
        g[i] = (sc_state)(one[i] - 1);
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        sc_semigroup *sg = enum_ok(6, 2, g, &variants[v]);
        ck_assert_uint_eq(sg->size, 2353);
        sc_green gr;
        green_ok(sg, &gr);
        ck_assert_uint_eq(gr.idempotents, 236);
        ck_assert_uint_eq(gr.nd, 9);
        ck_assert_uint_eq(gr.regular, 4);
        uint64_t h[4];
        int m = 0;
        for (uint64_t d = 0; d < gr.nd; d++)
            if (gr.d[d].regular)
                h[m++] = gr.d[d].h_size;
        qsort(h, 4, sizeof *h, cmp_u64);
        ck_assert_uint_eq(h[0], 1);
        ck_assert_uint_eq(h[1], 2);
        ck_assert_uint_eq(h[2], 6);
        ck_assert_uint_eq(h[3], 12);
        for (uint64_t d = 0; d < gr.nd; d++) {
            if (!gr.d[d].regular)
                continue;
            sc_state *gens;
            uint32_t ng, deg;
            sc_error err;
            ck_assert_int_eq(sc_sg_maximal_subgroup(sg, &gr, d, &gens, &ng, &deg, &err), 0);
            ck_assert_uint_eq(deg, gr.d[d].rank);
            /* the generators generate a group of order |H_e| */
            if (ng) {
                sc_semigroup *h2 = enum_ok(deg, ng, gens, NULL);
                ck_assert_uint_eq(h2->size, gr.d[d].h_size);
                sc_sg_free(h2);
            } else
                ck_assert_uint_eq(gr.d[d].h_size, 1);
            free(gens);
        }
        sc_green_free(&gr);
        sc_sg_free(sg);
    }
}
END_TEST

START_TEST(test_trivial_cases)
{
    /* one state, one symbol */
    sc_state g1[1] = {0};
    sc_semigroup *sg = enum_ok(1, 1, g1, NULL);
    ck_assert_uint_eq(sg->size, 1);
    sc_green gr;
    green_ok(sg, &gr);
    ck_assert_uint_eq(gr.nd, 1);
    ck_assert_uint_eq(gr.regular, 1);
    ck_assert_uint_eq(gr.idempotents, 1);
    ck_assert_int_eq(gr.has_identity, 1);
    ck_assert_uint_eq(gr.d[0].h_size, 1);
    sc_green_free(&gr);
    sc_sg_free(sg);
    /* identity-only generators (three equal ones) on 5 states */
    sc_state g3[15];
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < 5; i++)
            g3[s * 5 + i] = (sc_state)i;
    sg = enum_ok(5, 3, g3, NULL);
    ck_assert_uint_eq(sg->size, 1);
    ck_assert_uint_eq(sg->gen[0], 0);
    ck_assert_uint_eq(sg->gen[2], 0);
    ck_assert_uint_eq(sg->right[0], 0);
    green_ok(sg, &gr);
    ck_assert_int_eq(gr.identity_map, 1);
    ck_assert_int_eq(gr.has_identity, 1);
    sc_green_free(&gr);
    sc_sg_free(sg);
    /* a constant map alone: the trivial group {c}, an identity that is not the identity map */
    sc_state c[4] = {2, 2, 2, 2};
    sg = enum_ok(4, 1, c, NULL);
    ck_assert_uint_eq(sg->size, 1);
    green_ok(sg, &gr);
    ck_assert_int_eq(gr.has_identity, 1);
    ck_assert_int_eq(gr.identity_map, 0);
    sc_green_free(&gr);
    sc_sg_free(sg);
    /* two maps with the same image and kernel: a group (C2) of non-permutations */
    sc_state h[8] = {0, 0, 2, 2, 2, 2, 0, 0};
    sg = enum_ok(4, 2, h, NULL);
    ck_assert_uint_eq(sg->size, 2);
    green_ok(sg, &gr);
    ck_assert_uint_eq(gr.nd, 1);
    ck_assert_uint_eq(gr.d[0].h_size, 2);
    ck_assert_int_eq(gr.has_identity, 1);
    ck_assert_int_eq(gr.identity_map, 0);
    sc_green_free(&gr);
    sc_sg_free(sg);
}
END_TEST

START_TEST(test_limits)
{
    sc_state g[3 * 6];
    full_gens(6, g);
    sc_error err;
    sc_error_clear(&err);
    sc_sg_opts o = {.max_elements = 1000};
    ck_assert_ptr_null(sc_sg_enumerate(6, 3, g, &o, &err));
    ck_assert_int_eq(err.code, SC_EXIT_LIMIT);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    o = (sc_sg_opts){.max_elements = 46656};
    sc_semigroup *sg = enum_ok(6, 3, g, &o);
    ck_assert_uint_eq(sg->size, 46656);
    sc_sg_free(sg);
    sc_error_clear(&err);
    o = (sc_sg_opts){.max_bytes = 100000, .no_direct = 1};
    ck_assert_ptr_null(sc_sg_enumerate(6, 3, g, &o, &err));
    ck_assert_int_eq(err.code, SC_EXIT_LIMIT);
    /* invalid maps are rejected */
    sc_state bad[3] = {0, 3, 1};
    sc_error_clear(&err);
    ck_assert_ptr_null(sc_sg_enumerate(3, 1, bad, NULL, &err));
    ck_assert_int_eq(err.code, SC_EXIT_REJECTED);
}
END_TEST

/* ---- cross-check against slow obvious computations ------------------------------------- */

typedef struct naive {
    uint32_t n, k, size, cap;
    sc_state *e;     /* size * n */
    uint32_t *right; /* size * k */
} naive;

static uint32_t naive_find(const naive *S, const sc_state *f)
{
    for (uint32_t i = 0; i < S->size; i++)
        if (!memcmp(S->e + (size_t)i * S->n, f, S->n * sizeof *f))
            return i;
    return UINT32_MAX;
}

/* Breadth-first closure with a linear-search set; 0 if it exceeds `limit`. */
static int naive_closure(naive *S, uint32_t n, uint32_t k, const sc_state *g, uint32_t limit)
{
    S->n = n;
    S->k = k;
    S->size = 0;
    S->cap = limit;
    S->e = malloc((size_t)limit * n * sizeof *S->e);
    S->right = malloc((size_t)limit * k * sizeof *S->right);
    for (uint32_t s = 0; s < k; s++)
        if (naive_find(S, g + (size_t)s * n) == UINT32_MAX)
            memcpy(S->e + (size_t)S->size++ * n, g + (size_t)s * n, n * sizeof *g);
    sc_state *p = malloc(n * sizeof *p);
    for (uint32_t x = 0; x < S->size; x++)
        for (uint32_t s = 0; s < k; s++) {
            for (uint32_t i = 0; i < n; i++)
                p[i] = g[(size_t)s * n + S->e[(size_t)x * n + i]];
            uint32_t j = naive_find(S, p);
            if (j == UINT32_MAX) {
                if (S->size == limit) {
                    free(p);
                    return 0;
                }
                j = S->size++;
                memcpy(S->e + (size_t)j * n, p, n * sizeof *p);
            }
            S->right[(size_t)x * k + s] = j;
        }
    free(p);
    return 1;
}

static void naive_free(naive *S)
{
    free(S->e);
    free(S->right);
}

static void naive_mul(const naive *S, uint32_t x, uint32_t y, sc_state *out)
{
    for (uint32_t i = 0; i < S->n; i++)
        out[i] = S->e[(size_t)y * S->n + S->e[(size_t)x * S->n + i]];
}

static uint64_t rng_state;
static uint32_t rnd(uint32_t m)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng_state >> 33) % m);
}

/* Compare one random semigroup with the naive computations. */
static void cross_check(uint32_t n, uint32_t k, const sc_state *g, const sc_sg_opts *o)
{
    naive S;
    if (!naive_closure(&S, n, k, g, 700)) {
        naive_free(&S);
        return;
    }
    sc_semigroup *sg = enum_ok(n, k, g, o);
    ck_assert_uint_eq(sg->size, S.size);
    /* same elements in the same (breadth-first) order, same right Cayley graph */
    sc_state *f = malloc(n * sizeof *f), *p = malloc(n * sizeof *p);
    for (uint32_t x = 0; x < S.size; x++) {
        sc_sg_get(sg, x, f);
        ck_assert(!memcmp(f, S.e + (size_t)x * n, n * sizeof *f));
        ck_assert_uint_eq(sc_sg_find(sg, f), x);
        for (uint32_t s = 0; s < k; s++)
            ck_assert_uint_eq(sg->right[(size_t)x * k + s], S.right[(size_t)x * k + s]);
        /* the stored word evaluates to the element */
        uint16_t w[800];
        uint32_t len = sc_sg_word(sg, x, w, 800);
        ck_assert_uint_ge(len, 1);
        for (uint32_t i = 0; i < n; i++)
            p[i] = (sc_state)i;
        for (uint32_t j = 0; j < len; j++)
            for (uint32_t i = 0; i < n; i++)
                p[i] = g[(size_t)w[j] * n + p[i]];
        ck_assert(!memcmp(f, p, n * sizeof *f));
        if (x)
            ck_assert_uint_le(sc_sg_word(sg, x - 1, NULL, 0), len);
    }
    /* a non-element is not found */
    for (uint32_t i = 0; i < n; i++)
        p[i] = (sc_state)i;
    if (naive_find(&S, p) == UINT32_MAX)
        ck_assert_uint_eq(sc_sg_find(sg, p), SC_SG_NONE);
    sc_green gr;
    green_ok(sg, &gr);
    /* left Cayley graph */
    for (uint32_t x = 0; x < S.size; x++)
        for (uint32_t s = 0; s < k; s++) {
            for (uint32_t i = 0; i < n; i++)
                p[i] = S.e[(size_t)x * n + g[(size_t)s * n + i]];
            ck_assert_uint_eq(sg->left[(size_t)x * k + s], naive_find(&S, p));
        }
    /* principal two-sided ideals S^1 x S^1 as bit sets; J-classes = equal ideals */
    uint32_t N = S.size;
    uint8_t *ideal = calloc((size_t)N * N, 1), *rid = calloc((size_t)N * N, 1),
            *lid = calloc((size_t)N * N, 1);
    for (uint32_t x = 0; x < N; x++) {
        ideal[(size_t)x * N + x] = rid[(size_t)x * N + x] = lid[(size_t)x * N + x] = 1;
        for (uint32_t y = 0; y < N; y++) {
            naive_mul(&S, x, y, p);
            rid[(size_t)x * N + naive_find(&S, p)] = 1; /* xS */
            naive_mul(&S, y, x, p);
            lid[(size_t)x * N + naive_find(&S, p)] = 1; /* Sx */
        }
    }
    for (uint32_t x = 0; x < N; x++)
        for (uint32_t y = 0; y < N; y++)
            if (rid[(size_t)x * N + y] || lid[(size_t)x * N + y])
                ideal[(size_t)x * N + y] = 1;
    for (uint32_t x = 0; x < N; x++) /* S x S: close the left ideal under right mult. */
        for (uint32_t y = 0; y < N; y++)
            if (lid[(size_t)x * N + y])
                for (uint32_t z = 0; z < N; z++)
                    if (rid[(size_t)y * N + z])
                        ideal[(size_t)x * N + z] = 1;
    uint64_t idem = 0;
    for (uint32_t x = 0; x < N; x++) {
        naive_mul(&S, x, x, p);
        int is_e = naive_find(&S, p) == x;
        idem += is_e;
        ck_assert_int_eq(sc_sg_is_idempotent(sg, x), is_e);
        for (uint32_t y = 0; y < N; y++) {
            int j = !memcmp(ideal + (size_t)x * N, ideal + (size_t)y * N, N);
            ck_assert_int_eq(gr.dclass_of[x] == gr.dclass_of[y], j);
        }
    }
    ck_assert_uint_eq(gr.idempotents, idem);
    /* H_e by definition: x R e and x L e */
    for (uint64_t d = 0; d < gr.nd; d++) {
        uint32_t e = gr.d[d].idempotent;
        if (e == SC_SG_NONE)
            continue;
        uint64_t h = 0;
        for (uint32_t x = 0; x < N; x++) {
            int R = !memcmp(rid + (size_t)x * N, rid + (size_t)e * N, N);
            int L = !memcmp(lid + (size_t)x * N, lid + (size_t)e * N, N);
            h += R && L;
        }
        ck_assert_uint_eq(gr.d[d].h_size, h);
        sc_state *gens;
        uint32_t ng, deg;
        sc_error err;
        ck_assert_int_eq(sc_sg_maximal_subgroup(sg, &gr, d, &gens, &ng, &deg, &err), 0);
        if (ng) {
            sc_semigroup *hg = enum_ok(deg, ng, gens, NULL);
            ck_assert_uint_eq(hg->size, h);
            sc_sg_free(hg);
        }
        free(gens);
    }
    /* identity: an element e with e x = x e = x for all x */
    int has_id = 0;
    for (uint32_t e = 0; e < N && !has_id; e++) {
        int ok = 1;
        for (uint32_t x = 0; x < N && ok; x++) {
            naive_mul(&S, e, x, p);
            ok = naive_find(&S, p) == x;
            naive_mul(&S, x, e, p);
            ok = ok && naive_find(&S, p) == x;
        }
        has_id = ok;
    }
    ck_assert_int_eq(gr.has_identity, has_id);
    free(ideal);
    free(rid);
    free(lid);
    free(f);
    free(p);
    sc_green_free(&gr);
    sc_sg_free(sg);
    naive_free(&S);
}

START_TEST(test_random_vs_naive)
{
    rng_state = 12345 + (uint64_t)_i;
    int done = 0;
    for (int t = 0; t < 400 && done < 60; t++) {
        static const uint32_t ns[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 17, 40, 300};
        uint32_t n = ns[rnd(sizeof ns / sizeof *ns)], k = 1 + rnd(3);
        sc_state *g = malloc((size_t)n * k * sizeof *g);
        for (uint32_t i = 0; i < n * k; i++)
            g[i] = (sc_state)rnd(n);
        /* bias towards small semigroups: sometimes make maps idempotent-heavy */
        if (rnd(2))
            for (uint32_t s = 0; s < k; s++)
                for (uint32_t i = 0; i < n; i++)
                    if (rnd(3) == 0)
                        g[(size_t)s * n + i] = (sc_state)i;
        cross_check(n, k, g, &variants[t % 4]);
        free(g);
        done++;
    }
}
END_TEST


/* sc_analyze end to end (with src/group.h): factors of Q8, S5, A5; abab; aperiodic Grid9. */
static void analyze_spec(const char *spec, sc_analysis *r)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(spec, &err);
    ck_assert_ptr_nonnull(tb);
    if (sc_analyze(tb->automaton, NULL, r, &err))
        ck_abort_msg("analyze %s: %s", spec, err.msg);
    sc_testbed_free(tb);
}

START_TEST(test_analyze)
{
    sc_analysis r;
    analyze_spec("Q8", &r);
    ck_assert_str_eq(r.size, "8");
    ck_assert_int_eq(r.permutation_automaton, 1);
    ck_assert_int_eq(r.is_group, 1);
    ck_assert_uint_eq(r.nsub, 1);
    ck_assert_uint_eq(r.sub[0].nfactors, 3);
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq(r.sub[0].factors[i].order, "2");
    ck_assert_int_eq(r.sub[0].abelian, 0);
    ck_assert_int_eq(r.solvable, 1);
    sc_analysis_free(&r);

    analyze_spec("S5", &r);
    ck_assert_str_eq(r.size, "120");
    ck_assert_uint_eq(r.sub[0].nfactors, 2);
    ck_assert_str_eq(r.sub[0].factors[0].order, "2");
    ck_assert_str_eq(r.sub[0].factors[1].order, "60");
    ck_assert_int_eq(r.solvable, 0);
    sc_analysis_free(&r);

    analyze_spec("A5", &r);
    ck_assert_str_eq(r.size, "60");
    ck_assert_uint_eq(r.sub[0].nfactors, 1); /* simple */
    ck_assert_str_eq(r.sub[0].factors[0].order, "60");
    ck_assert_str_eq(r.sub[0].factors[0].name, "A_5");
    ck_assert_int_eq(r.solvable, 0);
    sc_analysis_free(&r);

    analyze_spec("abab", &r);
    ck_assert_str_eq(r.size, "9");
    ck_assert_uint_eq(r.nsub, 2);
    ck_assert_str_eq(r.sub[0].order, "2");
    ck_assert_str_eq(r.sub[0].factors[0].name, "C_2");
    ck_assert_int_eq(r.aperiodic, 0);
    sc_analysis_free(&r);

    analyze_spec("Grid9", &r);
    ck_assert_str_eq(r.size, "212");
    ck_assert_int_eq(r.aperiodic, 1);
    ck_assert_int_eq(r.is_monoid, 0);
    ck_assert_uint_eq(r.nsub, r.regular_d_classes);
    sc_analysis_free(&r);

    analyze_spec("T5", &r);
    ck_assert_str_eq(r.size, "3125");
    ck_assert_int_eq(r.solvable, 0); /* S5 inside */
    ck_assert_int_eq(r.is_monoid, 1);
    ck_assert_int_eq(r.is_group, 0);
    sc_analysis_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("semigroup");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_full_transformation_monoid, 1, 8);
    tcase_add_test(tc, test_full_catalog);
    tcase_add_loop_test(tc, test_symmetric_groups, 1, 10);
    tcase_add_test(tc, test_catalog_groups);
    tcase_add_test(tc, test_gridworld_flipflop_abab);
    tcase_add_test(tc, test_2353);
    tcase_add_test(tc, test_trivial_cases);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_analyze);
    tcase_add_loop_test(tc, test_random_vs_naive, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
