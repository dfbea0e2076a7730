/* Krohn–Rhodes cascades (src/cascade.h): published holonomy decompositions (T_n; SgpDec's
 * manual and test files), composition series of groups, exhaustive emulation certificates,
 * and cascade simulation against sc_run on random words for every catalog automaton. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cascade.h"
#include "catalog.h"
#include "rng.h"
#include "simulate.h"

/* "1: a b / 2: c" — the levels of a cascade in SgpDec's display form, joined with " / ". */
static void levels_str(const sc_cascade *c, char *out, size_t size)
{
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; i < sc_cascade_levels(c); i++) {
        if (i)
            len += (size_t)snprintf(out + len, size - len, " / ");
        for (size_t j = 0; j < sc_cascade_ncomponents(c, i); j++) {
            char b[128];
            sc_cascade_component_str(c, i, j, b, sizeof b);
            len += (size_t)snprintf(out + len, size - len, "%s%s", j ? " " : "", b);
        }
    }
}

/* An automaton from GAP-style 1-based images (k rows of n), start 0. */
static sc_automaton *from_images(const char *name, uint32_t n, uint32_t k, const int *img1)
{
    sc_error e;
    sc_automaton *a = sc_automaton_new(name, n, k, 0, &e);
    ck_assert_ptr_nonnull(a);
    for (uint32_t s = 0; s < k; s++)
        for (uint32_t q = 0; q < n; q++)
            sc_set_delta(a, q, s, (uint32_t)(img1[s * n + q] - 1));
    return a;
}

static sc_cascade *build(const sc_automaton *a, int force)
{
    sc_error e = {0};
    sc_cascade_opts o = {0};
    o.force_holonomy = force;
    sc_cascade *c = sc_cascade_build(a, &o, &e);
    if (!c)
        ck_abort_msg("%s: %s", a->name, e.msg);
    return c;
}

/* Exhaustive certificate: must pass and cover every state. */
static void certify_ok(const sc_cascade *c, const char *name)
{
    sc_error e = {0};
    sc_cascade_cert cert;
    int rc = sc_cascade_certify(c, &cert, &e);
    ck_assert_msg(rc == 0 && cert.ok, "%s: certify rc=%d: %s", name, rc, e.msg);
    ck_assert_uint_eq(cert.states, sc_cascade_valid_states(c));
    ck_assert_uint_eq(cert.transitions, cert.states * sc_cascade_nsymbols(c));
    ck_assert_uint_eq(cert.covered, sc_cascade_nstates(c));
    sc_cascade_cert_clear(&cert);
}

/* Hot loops check with plain conditions: every ck_assert costs Check a pipe write. */
#define REQUIRE(cond, ...)                                                                    \
    do {                                                                                      \
        if (!(cond))                                                                          \
            ck_abort_msg(__VA_ARGS__);                                                        \
    } while (0)

/* nseq random words of random length 1..maxT: decoded cascade states == sc_run's labels,
 * every level state valid and decoding to the same state. */
static void run_matches(const sc_automaton *a, const sc_cascade *c, size_t nseq, size_t maxT,
                        uint64_t seed)
{
    size_t L = sc_cascade_levels(c);
    int32_t *w = malloc(maxT * sizeof *w), *lab = malloc(maxT * sizeof *lab);
    int32_t *lv = malloc((maxT * L + 1) * sizeof *lv);
    sc_state *q = malloc(maxT * sizeof *q);
    sc_rng r;
    sc_rng_init(&r, seed, 0, 0);
    for (size_t it = 0; it < nseq; it++) {
        size_t T = 1 + sc_rng_next(&r) % maxT;
        for (size_t t = 0; t < T; t++)
            w[t] = (int32_t)(sc_rng_next(&r) % a->k);
        REQUIRE(sc_run(a->n, a->k, a->delta, (sc_state)a->start, w, T, lab) == T, "sc_run");
        sc_error e = {0};
        REQUIRE(sc_cascade_run(c, w, T, lv, q, &e) == 0, "%s: %s", a->name, e.msg);
        for (size_t t = 0; t < T; t++) {
            REQUIRE(q[t] == lab[t], "%s: sequence %zu position %zu: cascade %u, sc_run %d",
                    a->name, it, t, q[t], lab[t]);
            if (it % 64 == 0) { /* the level states themselves decode to the same state */
                sc_state d;
                REQUIRE(sc_cascade_decode(c, lv + t * L, &d, &e) == 0 && d == q[t],
                        "%s: decode of the run's level states", a->name);
                for (size_t i = 0; i < L; i++)
                    REQUIRE(lv[t * L + i] >= -1 &&
                                lv[t * L + i] < (int32_t)sc_cascade_level_states(c, i),
                            "%s: level value out of range", a->name);
            }
        }
    }
    free(w); free(lab); free(lv); free(q);
}

static sc_automaton *catalog(const char *spec, sc_testbed **tb)
{
    sc_error e = {0};
    *tb = sc_catalog_build(spec, &e);
    if (!*tb)
        ck_abort_msg("%s: %s", spec, e.msg);
    return (*tb)->automaton;
}

/* ---- published holonomy decompositions ---------------------------------------------------- */

START_TEST(full_transformation_monoids)
{
    /* T_n -> (n,S_n), (n-1,S_{n-1}), ..., (2,C2) (DESIGN.md §3) */
    static const char *want[] = {
        NULL, NULL, "(2,C2)", "(3,S3) / (2,C2)", "(4,S4) / (3,S3) / (2,C2)",
        "(5,S5) / (4,S4) / (3,S3) / (2,C2)",
        "(6,S6) / (5,S5) / (4,S4) / (3,S3) / (2,C2)",
        "(7,S7) / (6,S6) / (5,S5) / (4,S4) / (3,S3) / (2,C2)",
        "(8,S8) / (7,S7) / (6,S6) / (5,S5) / (4,S4) / (3,S3) / (2,C2)"};
    for (int n = 2; n <= 8; n++) {
        char spec[32], got[512];
        snprintf(spec, sizeof spec, "full:n=%d", n);
        sc_testbed *tb;
        sc_automaton *a = catalog(spec, &tb);
        sc_cascade *c = build(a, 0);
        ck_assert_str_eq(sc_cascade_kind(c), "holonomy");
        levels_str(c, got, sizeof got);
        ck_assert_str_eq(got, want[n]);
        /* tile chains of T_n: n! */
        uint64_t f = 1;
        for (int i = 2; i <= n; i++)
            f *= (uint64_t)i;
        ck_assert_uint_eq(sc_cascade_valid_states(c), f);
        sc_component_info ci;
        ck_assert_int_eq(sc_cascade_component(c, 0, 0, &ci), 0);
        ck_assert_uint_eq(ci.states, (uint32_t)n);
        ck_assert_uint_eq(ci.order_u64, f);
        ck_assert_uint_eq(ci.depth, 1);
        ck_assert_uint_eq(ci.rep_size, (uint32_t)n);
        ck_assert_uint_eq(ci.class_size, 1);
        if (n >= 5) { /* S_n: factors C_2, A_n */
            char an[16];
            snprintf(an, sizeof an, "A_%d", n);
            ck_assert_uint_eq(ci.factors->len, 2);
            ck_assert_str_eq(ci.factors->f[0].name, "C_2");
            ck_assert_str_eq(ci.factors->f[1].name, an);
        }
        if (n <= 7)
            certify_ok(c, spec);
        run_matches(a, c, 300, 40, (uint64_t)n);
        sc_cascade_free(c);
        sc_testbed_free(tb);
    }
}
END_TEST

START_TEST(full_10_fast)
{
    sc_testbed *tb;
    sc_automaton *a = catalog("full:n=10", &tb);
    sc_cascade *c = build(a, 0);
    char got[512];
    levels_str(c, got, sizeof got);
    ck_assert_str_eq(got, "(10,S10) / (9,S9) / (8,S8) / (7,S7) / (6,S6) / (5,S5) / (4,S4) / "
                          "(3,S3) / (2,C2)");
    ck_assert_uint_eq(sc_cascade_valid_states(c), 3628800);
    run_matches(a, c, 200, 64, 10);
    sc_cascade_free(c);
    sc_testbed_free(tb);
}
END_TEST

START_TEST(sgpdec_examples)
{
    /* SgpDec's manual: the 6-state semigroup of 2353 elements generated by [1,1,2,3,5,4]
       and [3,4,1,6,1,5] */
    static const int ex6[] = {1, 1, 2, 3, 5, 4, 3, 4, 1, 6, 1, 5};
    /* SgpDec tst/holonomy.tst ("becks") */
    static const int becks[] = {1, 2, 3, 1, 1, 1, 4, 4, 4, 5, 4, 6, 4, 4, 4, 5, 6, 4,
                                4, 4, 4, 4, 5, 5, 4, 4, 4, 1, 2, 3, 2, 3, 1, 4, 4, 4};
    /* tst/holonomy.tst, second example (GAP pads short transformations with fixed points) */
    static const int second[] = {1, 1, 3, 4, 5, 6, 2, 2, 3, 4, 5, 6, 3, 2, 3, 4, 5, 6,
                                 1, 2, 3, 3, 5, 5, 1, 2, 4, 4, 6, 6, 1, 2, 3, 4, 3, 4,
                                 1, 2, 5, 6, 5, 6, 1, 2, 3, 4, 5, 2};
    struct {
        const char *name;
        uint32_t k;
        const int *img;
        const char *want;
    } ex[] = {
        {"ex6", 2, ex6, "2 / 3 / 3 / 3 (4,A4) / (3,S3) / (2,C2)"},
        {"becks", 6, becks, "2 / (4,C3) / (3,S3) (2,C2) / (3,C3) (2,C2) / 2"},
        {"second", 8, second, "5 / 4 / 4 3 / (4,C2) 3 / (3,C3) 2 / (2,C2)"},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        sc_automaton *a = from_images(ex[i].name, 6, ex[i].k, ex[i].img);
        sc_cascade *c = build(a, 0);
        char got[512];
        levels_str(c, got, sizeof got);
        ck_assert_str_eq(got, ex[i].want);
        certify_ok(c, ex[i].name);
        run_matches(a, c, 2000, 48, 100 + i);
        sc_cascade_free(c);
        sc_automaton_free(a);
    }
    /* ex6: the A4 component acts on the 4 tiles of a 4-set, group order 12 */
    sc_automaton *a = from_images("ex6", 6, 2, ex6);
    sc_cascade *c = build(a, 0);
    sc_component_info ci;
    ck_assert_int_eq(sc_cascade_component(c, 3, 1, &ci), 0);
    ck_assert_str_eq(ci.group_name, "A4");
    ck_assert_str_eq(ci.order, "12");
    ck_assert_uint_eq(ci.states, 4);
    ck_assert_uint_eq(ci.offset, 3);
    ck_assert_uint_eq(sc_cascade_level_states(c, 3), 7);
    ck_assert_int_eq(sc_cascade_component(c, 3, 2, &ci), SC_EXIT_USAGE);
    /* its tiles: 3-subsets of the 4-set representative, covering it */
    sc_state pts[6];
    uint32_t len, cover = 0;
    for (uint32_t t = 0; t < 4; t++) {
        ck_assert_int_eq(sc_cascade_component_tile(c, 3, 1, t, pts, &len), 0);
        ck_assert_uint_eq(len, 3);
        for (uint32_t j = 0; j < len; j++)
            cover |= 1u << pts[j];
    }
    uint32_t repbits = 0;
    for (uint32_t j = 0; j < ci.rep_size; j++)
        repbits |= 1u << ci.rep[j];
    ck_assert_uint_eq(cover, repbits);
    ck_assert_int_eq(sc_cascade_component_tile(c, 3, 1, 4, pts, &len), SC_EXIT_USAGE);
    sc_cascade_free(c);
    sc_automaton_free(a);
}
END_TEST

/* ---- the whole catalog ---------------------------------------------------------------------- */

START_TEST(catalog_all)
{
    char specs[64][64];
    size_t ns = 0;
    for (size_t i = 0; i < sc_catalog_size(); i++)
        snprintf(specs[ns++], sizeof specs[0], "%s", sc_catalog_at(i)->name);
    for (size_t i = 0; i < sc_alias_count() && ns < 64; i++)
        snprintf(specs[ns++], sizeof specs[0], "%s", sc_alias_at(i)->alias);
    for (size_t i = 0; i < ns; i++) {
        sc_testbed *tb;
        sc_automaton *a = catalog(specs[i], &tb);
        for (int force = 0; force <= 1; force++) {
            sc_cascade *c = build(a, force);
            certify_ok(c, specs[i]);
            /* 10^4 random sequences per automaton (shorter when forced: a second check) */
            run_matches(a, c, force ? 1000 : 10000, force ? 32 : 24, 1000 + i);
            sc_cascade_free(c);
        }
        sc_testbed_free(tb);
    }
}
END_TEST

START_TEST(catalog_levels)
{
    struct {
        const char *spec, *kind, *want;
    } ex[] = {
        {"parity", "composition-series", "(2,C2)"},
        {"C3", "composition-series", "(3,C3)"},
        {"cyclic:n=5", "composition-series", "(5,C5)"},
        {"cyclic:n=12,actions=3", "composition-series", "(2,C2) / (2,C2) / (3,C3)"},
        {"C2^3", "composition-series", "(2,C2) / (2,C2) / (2,C2)"},
        {"D6", "composition-series", "(2,C2) / (3,C3)"},
        {"D8", "composition-series", "(2,C2) / (2,C2) / (2,C2)"},
        {"Q8", "composition-series", "(2,C2) / (2,C2) / (2,C2)"},
        {"S4", "composition-series", "(2,C2) / (3,C3) / (2,C2) / (2,C2)"},
        {"S5", "composition-series", "(2,C2) / (60,A5)"},
        {"A4", "composition-series", "(3,C3) / (2,C2) / (2,C2)"},
        {"A5", "composition-series", "(60,A5)"},
        {"memory", "holonomy", "2"},
        {"FF2", "holonomy", "3"},
        {"gridworld:n=4", "holonomy", "2 / 2 / 2"},
        {"permutation_reset:n=3,generators=120.021", "holonomy", "(6,S3)"},
        {"permutation_reset", "holonomy", "(120,S5)"},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        sc_testbed *tb;
        sc_automaton *a = catalog(ex[i].spec, &tb);
        sc_cascade *c = build(a, 0);
        char got[512];
        levels_str(c, got, sizeof got);
        ck_assert_msg(!strcmp(got, ex[i].want), "%s: got %s, want %s", ex[i].spec, got,
                      ex[i].want);
        ck_assert_str_eq(sc_cascade_kind(c), ex[i].kind);
        sc_cascade_free(c);
        sc_testbed_free(tb);
    }
}
END_TEST

/* ---- groups ----------------------------------------------------------------------------------- */

static uint64_t group_order(const sc_automaton *a)
{
    sc_group *g;
    ck_assert_int_eq(sc_group_new(&g, a->n, a->k, a->delta), SC_GROUP_OK);
    uint64_t o;
    ck_assert_int_eq(sc_group_order_u64(g, &o), SC_GROUP_OK);
    sc_group_free(g);
    return o;
}

/* Orders of the factor levels multiply to |G|; solvable => every component C_p, p prime. */
static void check_series(const sc_automaton *a, int solvable)
{
    sc_cascade *c = build(a, 0);
    ck_assert_str_eq(sc_cascade_kind(c), "composition-series");
    uint64_t prod = 1;
    for (size_t i = 0; i < sc_cascade_levels(c); i++) {
        ck_assert_uint_eq(sc_cascade_ncomponents(c, i), 1);
        sc_component_info ci;
        ck_assert_int_eq(sc_cascade_component(c, i, 0, &ci), 0);
        if (ci.trivial)
            continue; /* the orbit level */
        ck_assert_uint_eq(ci.order_u64, ci.states); /* regular action of the factor */
        ck_assert_uint_eq(ci.factors->len, 1);
        prod *= ci.order_u64;
        if (solvable) {
            ck_assert(ci.group_name[0] == 'C');
            for (uint64_t d = 2; d * d <= ci.order_u64; d++)
                ck_assert_uint_ne(ci.order_u64 % d, 0);
        }
    }
    ck_assert_uint_eq(prod, group_order(a));
    certify_ok(c, a->name);
    run_matches(a, c, 500, 40, 77);
    sc_cascade_free(c);
}

START_TEST(group_series)
{
    const char *solv[] = {"parity", "C3", "cyclic:n=30,actions=2", "C2^3", "D6", "D8",
                          "dihedral:n=12", "Q8", "S4", "A4", "product:k=4"};
    for (size_t i = 0; i < sizeof solv / sizeof solv[0]; i++) {
        sc_testbed *tb;
        check_series(catalog(solv[i], &tb), 1);
        sc_testbed_free(tb);
    }
    const char *nonsolv[] = {"S5", "A5", "A6"};
    for (size_t i = 0; i < sizeof nonsolv / sizeof nonsolv[0]; i++) {
        sc_testbed *tb;
        check_series(catalog(nonsolv[i], &tb), 0);
        sc_testbed_free(tb);
    }
    /* A5 x A5 on 10 points (two orbits): perfect, not simple -> the maximal-normal search */
    static const int a5a5[] = {2, 3, 1, 4, 5, 6, 7, 8, 9, 10, 2, 3, 4, 5, 1, 6, 7, 8, 9, 10,
                               1, 2, 3, 4, 5, 7, 8, 6, 9, 10, 1, 2, 3, 4, 5, 7, 8, 9, 10, 6};
    sc_automaton *a = from_images("A5xA5", 10, 4, a5a5);
    sc_cascade *c = build(a, 0);
    char got[256];
    levels_str(c, got, sizeof got);
    ck_assert_str_eq(got, "2 / (60,A5) / (60,A5)");
    certify_ok(c, "A5xA5");
    run_matches(a, c, 300, 30, 5);
    sc_cascade_free(c);
    check_series(a, 0);
    sc_automaton_free(a);
    /* (0 1)(2 3 4): C6 with two orbits; q0 = 3 lies in the second orbit */
    static const int c6[] = {2, 1, 4, 5, 3};
    a = from_images("C6", 5, 1, c6);
    a->start = 3;
    c = build(a, 0);
    levels_str(c, got, sizeof got);
    ck_assert_str_eq(got, "2 / (2,C2) / (3,C3)");
    int32_t lv[3];
    sc_error e;
    ck_assert_int_eq(sc_cascade_encode(c, 3, lv, &e), 0);
    ck_assert_int_eq(lv[0], 1);
    ck_assert_int_eq(lv[1], 0); /* q0 is its orbit's representative: the identity */
    ck_assert_int_eq(lv[2], 0);
    sc_cascade_free(c);
    check_series(a, 1);
    sc_automaton_free(a);
}
END_TEST

START_TEST(trivial_cases)
{
    sc_error e;
    char got[64];
    /* identity-only generators on 4 states: one level with 4 states, resets/identities only */
    sc_automaton *a = sc_automaton_new("id4", 4, 2, 1, &e);
    for (int force = 0; force <= 1; force++) {
        sc_cascade *c = build(a, force);
        ck_assert_str_eq(sc_cascade_kind(c), force ? "holonomy" : "composition-series");
        levels_str(c, got, sizeof got);
        ck_assert_str_eq(got, "4");
        sc_component_info ci;
        ck_assert_int_eq(sc_cascade_component(c, 0, 0, &ci), 0);
        ck_assert_int_eq(ci.trivial, 1);
        ck_assert_str_eq(ci.group_name, "1");
        ck_assert_str_eq(ci.order, "1");
        ck_assert_uint_eq(ci.factors->len, 0);
        ck_assert_uint_eq(sc_cascade_valid_states(c), 4);
        certify_ok(c, "id4");
        run_matches(a, c, 100, 10, 3);
        sc_cascade_free(c);
    }
    sc_automaton_free(a);
    /* one state: no level at all */
    a = sc_automaton_new("one", 1, 3, 0, &e);
    for (int force = 0; force <= 1; force++) {
        sc_cascade *c = build(a, force);
        ck_assert_uint_eq(sc_cascade_levels(c), 0);
        ck_assert_uint_eq(sc_cascade_valid_states(c), 1);
        ck_assert_uint_eq(sc_cascade_total_states(c), 1);
        certify_ok(c, "one");
        int32_t w[5] = {0, 1, 2, 1, 0};
        sc_state q[5];
        ck_assert_int_eq(sc_cascade_run(c, w, 5, NULL, q, &e), 0);
        for (int t = 0; t < 5; t++)
            ck_assert_uint_eq(q[t], 0);
        sc_cascade_free(c);
    }
    sc_automaton_free(a);
    /* a constant map on 2 states: one level "2" */
    static const int cst[] = {1, 1};
    a = from_images("const", 2, 1, cst);
    sc_cascade *c = build(a, 0);
    levels_str(c, got, sizeof got);
    ck_assert_str_eq(got, "2");
    certify_ok(c, "const");
    sc_cascade_free(c);
    sc_automaton_free(a);
}
END_TEST

/* ---- random automata ------------------------------------------------------------------------ */

START_TEST(random_automata)
{
    sc_rng r;
    sc_rng_init(&r, 2024, 0, 0);
    for (int it = 0; it < 300; it++) {
        uint32_t n = 1 + (uint32_t)(sc_rng_next(&r) % 7), k = 1 + (uint32_t)(sc_rng_next(&r) % 3);
        int perm = it % 4 == 0; /* some permutation automata (group case) */
        sc_error e;
        sc_automaton *a = sc_automaton_new("rand", n, k, (uint32_t)(sc_rng_next(&r) % n), &e);
        for (uint32_t s = 0; s < k; s++) {
            uint32_t p[8];
            for (uint32_t q = 0; q < n; q++)
                p[q] = q;
            for (uint32_t q = n; q-- > 1;) {
                uint32_t j = (uint32_t)(sc_rng_next(&r) % (q + 1)), t = p[q];
                p[q] = p[j];
                p[j] = t;
            }
            for (uint32_t q = 0; q < n; q++)
                sc_set_delta(a, q, s, perm ? p[q] : (uint32_t)(sc_rng_next(&r) % n));
        }
        for (int force = 0; force <= perm; force++) {
            sc_cascade *c = build(a, force);
            certify_ok(c, "random");
            run_matches(a, c, 50, 30, (uint64_t)it);
            /* the level-step form: each level = kernel(dep, old) */
            size_t L = sc_cascade_levels(c);
            int32_t *x = malloc((L + 1) * sizeof *x), *y = malloc((L + 1) * sizeof *y);
            sc_level_dep *d = malloc((L + 1) * sizeof *d);
            ck_assert_int_eq(sc_cascade_encode(c, (sc_state)a->start, x, &e), 0);
            for (uint32_t s = 0; s < k; s++) {
                sc_state q;
                ck_assert_int_eq(sc_cascade_step(c, x, s, y, d, &q, &e), 0);
                ck_assert_uint_eq(q, sc_delta(a, a->start, s));
                for (size_t i = 0; i < L; i++) {
                    int32_t v;
                    ck_assert_int_eq(sc_cascade_level_step(d[i].reset, d[i].off, d[i].m,
                                                           d[i].perm, x[i], &v), 0);
                    ck_assert_int_eq(v, y[i]);
                }
            }
            free(x); free(y); free(d);
            sc_cascade_free(c);
        }
        sc_automaton_free(a);
    }
}
END_TEST

/* ---- kernel, errors, limits -------------------------------------------------------------- */

START_TEST(level_step_kernel)
{
    static const uint32_t p[3] = {2, 0, 1}, bad[2] = {0, 5};
    int32_t v = 99;
    ck_assert_int_eq(sc_cascade_level_step(-1, 0, 0, NULL, 7, &v), 0);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(sc_cascade_level_step(4, 0, 0, NULL, -1, &v), 0);
    ck_assert_int_eq(v, 4);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, p, 5, &v), 0);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, p, 7, &v), 0);
    ck_assert_int_eq(v, 6);
    v = 99;
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, p, 4, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, p, 8, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, p, -1, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 5, 3, NULL, 5, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, 0, 2, bad, 1, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(-3, 0, 0, NULL, 0, &v), -1);
    ck_assert_int_eq(sc_cascade_level_step(SC_DEP_PERM, INT32_MAX, 2, p, INT32_MAX, &v), -1);
    ck_assert_int_eq(v, 99);
}
END_TEST

START_TEST(errors_and_limits)
{
    sc_error e = {0};
    sc_testbed *tb;
    sc_automaton *a = catalog("full:n=6", &tb);
    sc_cascade_opts o = {0};
    o.max_sets = 20;
    ck_assert_ptr_null(sc_cascade_build(a, &o, &e));
    ck_assert_int_eq(e.code, SC_EXIT_LIMIT);
    o.max_sets = 0;
    o.max_certify = 100;
    sc_cascade *c = sc_cascade_build(a, &o, &e);
    ck_assert_ptr_nonnull(c);
    sc_cascade_cert cert;
    ck_assert_int_eq(sc_cascade_certify(c, &cert, &e), SC_EXIT_LIMIT);
    sc_cascade_cert_clear(&cert);
    /* invalid cascade states and symbols are rejected */
    int32_t bad[5] = {0, 0, 0, 0, 7}, w[3] = {0, 3, 1};
    sc_state q;
    ck_assert_int_eq(sc_cascade_decode(c, bad, &q, &e), SC_EXIT_REJECTED);
    bad[4] = -1;
    ck_assert_int_eq(sc_cascade_decode(c, bad, &q, &e), SC_EXIT_REJECTED);
    ck_assert_int_eq(sc_cascade_run(c, w, 3, NULL, NULL, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "position 1") != NULL);
    ck_assert_int_eq(sc_cascade_encode(c, 6, bad, &e), SC_EXIT_REJECTED);
    sc_cascade_free(c);
    sc_testbed_free(tb);
    a = catalog("S5", &tb);
    o.max_group_order = 100;
    ck_assert_ptr_null(sc_cascade_build(a, &o, &e));
    ck_assert_int_eq(e.code, SC_EXIT_LIMIT);
    sc_testbed_free(tb);
    /* more than 64 states: multiword sets (permutation_reset on 5 points: 120 states) */
    a = catalog("permutation_reset", &tb);
    c = sc_cascade_build(a, NULL, &e);
    ck_assert_ptr_nonnull(c);
    FILE *f = tmpfile();
    ck_assert_int_eq(sc_cascade_dot(c, f), 0);
    fclose(f);
    sc_cascade_free(c);
    sc_testbed_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cascade");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, level_step_kernel);
    tcase_add_test(tc, full_transformation_monoids);
    tcase_add_test(tc, full_10_fast);
    tcase_add_test(tc, sgpdec_examples);
    tcase_add_test(tc, catalog_levels);
    tcase_add_test(tc, catalog_all);
    tcase_add_test(tc, group_series);
    tcase_add_test(tc, trivial_cases);
    tcase_add_test(tc, random_automata);
    tcase_add_test(tc, errors_and_limits);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
