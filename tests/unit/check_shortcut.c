/* Constant-depth shortcuts: every construction equals the sequential definition sc_run —
 * on >= 10^5 random words per construction (lengths 0..200 plus words of 10^4..3*10^4
 * tokens), for several parameters and every start state; exhaustively over all words up to
 * a length for small parameters; with symbols out of range; the recogniser accepts exactly
 * the structures it claims and refuses others; the programs' layer counts.
 * SHORTCUT_TEST_SCALE=d (e.g. under sanitizers) divides the random counts by d. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "shortcut.h"
#include "simulate.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint32_t below(uint32_t m) { return (uint32_t)(rnd() % m); }

static unsigned scale(void)
{
    const char *s = getenv("SHORTCUT_TEST_SCALE");
    long d = s ? strtol(s, NULL, 10) : 1;
    return d >= 1 ? (unsigned)d : 1;
}

static sc_testbed *build(const char *spec)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(spec, &err);
    if (!tb)
        ck_abort_msg("building '%s': %s", spec, err.msg);
    return tb;
}

static sc_sh_plan plan_ok(const sc_automaton *a, sc_sh_kind kind)
{
    sc_sh_plan p;
    sc_error err;
    sc_error_clear(&err);
    if (sc_sh_recognise(a, kind, &p, &err))
        ck_abort_msg("recognising %s as %s: %s", a->name, sc_sh_program_of(kind)->name, err.msg);
    return p;
}

/* Buffers reused by every comparison. */
static int32_t *g_lab, *g_ref;
static int64_t *g_scr;
static size_t g_cap;
static void ensure(size_t T)
{
    if (T + 1 <= g_cap)
        return; /* (no ck_assert on this hot path) */
    g_cap = 2 * (T + 1);
    g_lab = realloc(g_lab, g_cap * sizeof *g_lab);
    g_ref = realloc(g_ref, g_cap * sizeof *g_ref);
    g_scr = realloc(g_scr, (7 * g_cap + 6) * sizeof *g_scr);
    ck_assert(g_lab && g_ref && g_scr);
}

/* Run the plan from start q0 and compare with sc_run, label by label. */
static void compare(const sc_sh_plan *p, sc_automaton *a, uint32_t q0, const int32_t *w,
                    size_t T)
{
    ensure(T);
    uint32_t saved = a->start;
    a->start = q0;
    for (size_t t = 0; t <= T; t++)
        g_lab[t] = g_ref[t] = -7; /* sentinel beyond the labels */
    size_t want = sc_run(a->n, a->k, a->delta, (sc_state)q0, w, T, g_ref);
    uint32_t layers = 99;
    size_t got = sc_sh_run(p, a, w, T, g_lab, g_scr, &layers);
    a->start = saved;
    /* plain ifs: every ck_assert costs a write(2) in Check, far too slow for 10^5 words */
    if (got != want || layers != sc_sh_program_of(p->kind)->layers)
        ck_abort_msg("%s: returned %zu (sequential %zu), layers %u", a->name, got, want, layers);
    for (size_t t = 0; t <= T; t++)
        if (g_lab[t] != g_ref[t])
            ck_abort_msg("%s (%s) from q0=%u, T=%zu: label %zu is %d, sequential %d", a->name,
                         sc_sh_program_of(p->kind)->name, q0, T, t, g_lab[t], g_ref[t]);
}

/* Random words: `count` of lengths 0..200 and `longs` of 10^4..3*10^4; symbol s with
 * weight (bias if s == 1 else 1) — a biased walk presses the gridworld against a wall.
 * Start states: the automaton's, or uniform over Q. Returns the number of words. */
static unsigned long random_words(const sc_sh_plan *p, sc_automaton *a, unsigned count,
                                  unsigned longs, unsigned bias)
{
    static int32_t *w;
    static size_t wcap;
    unsigned long done = 0;
    unsigned d = scale();
    count /= d;
    longs = (longs + d - 1) / d;
    for (unsigned i = 0; i < count + longs; i++) {
        size_t T = i < count ? below(201) : 10000 + below(20001);
        if (T + 1 > wcap) {
            wcap = 2 * (T + 1);
            w = realloc(w, wcap * sizeof *w);
            ck_assert_ptr_nonnull(w);
        }
        uint32_t total = a->k + (bias ? bias - 1 : 0);
        for (size_t t = 0; t < T; t++) {
            uint32_t x = below(total);
            w[t] = (int32_t)(x < a->k ? x : 1);
        }
        uint32_t q0 = (i % 2) ? below(a->n) : a->start;
        compare(p, a, q0, w, T);
        done++;
    }
    return done;
}

/* Every word of length 0..maxlen over 0..k-1, from every start state. Returns the count. */
static unsigned long all_words(const sc_sh_plan *p, sc_automaton *a, size_t maxlen)
{
    int32_t w[32];
    unsigned long done = 0;
    ck_assert_uint_le(maxlen, 32);
    for (size_t T = 0; T <= maxlen; T++) {
        memset(w, 0, sizeof w);
        for (;;) {
            for (uint32_t q0 = 0; q0 < a->n; q0++)
                compare(p, a, q0, w, T);
            done++;
            size_t i = 0;
            while (i < T && (uint32_t)++w[i] == a->k)
                w[i++] = 0;
            if (i == T)
                break;
        }
    }
    return done;
}

/* One construction over a list of specs: random words, counted. */
static unsigned long family(sc_sh_kind kind, const char *const *specs, size_t nspecs,
                            unsigned per_spec, unsigned longs, unsigned bias)
{
    unsigned long total = 0;
    for (size_t i = 0; i < nspecs; i++) {
        sc_testbed *tb = build(specs[i]);
        sc_sh_plan p = plan_ok(tb->automaton, kind);
        total += random_words(&p, tb->automaton, per_spec, longs, 0);
        if (bias)
            total += random_words(&p, tb->automaton, per_spec / 4, longs, bias);
        sc_sh_plan_free(&p);
        sc_testbed_free(tb);
    }
    return total;
}

#define NSPECS(a) (sizeof(a) / sizeof *(a))

START_TEST(abelian_random)
{
    static const char *const specs[] = {
        "parity",          "cyclic:n=1,actions=1", "cyclic:n=1,actions=3",
        "cyclic:n=2,actions=5", "cyclic:n=3,actions=2", "cyclic:n=5,actions=2",
        "cyclic:n=5,actions=9", "cyclic:n=7,actions=7", "cyclic:n=60,actions=100",
        "cyclic:n=65535,actions=3", "product:k=1", "product:k=2", "product:k=3",
        "product:k=4", "product:k=5"};
    unsigned long total = family(SC_SH_ABELIAN, specs, NSPECS(specs), 6700, 4, 0);
    ck_assert_uint_ge(total * scale(), 100000);
    fprintf(stderr, "abelian: %lu random words equal to sc_run\n", total);
}
END_TEST

START_TEST(car_random)
{
    static const char *const specs[] = {"dihedral:n=1", "dihedral:n=2", "dihedral:n=3",
                                        "dihedral:n=4", "dihedral:n=5", "dihedral:n=6",
                                        "dihedral:n=7", "dihedral:n=8", "dihedral:n=1000"};
    unsigned long total = family(SC_SH_CAR, specs, NSPECS(specs), 11200, 6, 0);
    ck_assert_uint_ge(total * scale(), 100000);
    fprintf(stderr, "car: %lu random words equal to sc_run\n", total);
}
END_TEST

START_TEST(gridworld_random)
{
    static const char *const specs[] = {"gridworld:n=1", "gridworld:n=2", "gridworld:n=3",
                                        "gridworld:n=9", "gridworld:n=50", "gridworld:n=200"};
    /* biased walks (symbol 1 = right with weight 9) pin the walk at the right wall */
    unsigned long total = family(SC_SH_GRIDWORLD, specs, NSPECS(specs), 13400, 8, 9);
    ck_assert_uint_ge(total * scale(), 100000);
    fprintf(stderr, "gridworld: %lu random words equal to sc_run\n", total);
}
END_TEST

START_TEST(last_write_random)
{
    static const char *const specs[] = {"flipflop:n=1", "flipflop:n=2", "flipflop:n=3",
                                        "flipflop:n=4", "flipflop:n=5", "memory"};
    /* bias on symbol 1 = mostly writes of 1 / set1 */
    unsigned long total = family(SC_SH_LAST_WRITE, specs, NSPECS(specs), 13400, 8, 20);
    ck_assert_uint_ge(total * scale(), 100000);
    fprintf(stderr, "last-write: %lu random words equal to sc_run\n", total);
}
END_TEST

/* Exhaustive: every word up to a length, every start state. */
START_TEST(exhaustive_small)
{
    static const struct {
        const char *spec;
        sc_sh_kind kind;
        size_t maxlen;
    } cases[] = {
        {"parity", SC_SH_ABELIAN, 14},
        {"cyclic:n=3,actions=4", SC_SH_ABELIAN, 7},
        {"cyclic:n=4,actions=6", SC_SH_ABELIAN, 6},
        {"product:k=2", SC_SH_ABELIAN, 6},
        {"dihedral:n=1", SC_SH_CAR, 12},
        {"dihedral:n=2", SC_SH_CAR, 12},
        {"dihedral:n=3", SC_SH_CAR, 12},
        {"dihedral:n=4", SC_SH_CAR, 11},
        {"gridworld:n=1", SC_SH_GRIDWORLD, 12},
        {"gridworld:n=2", SC_SH_GRIDWORLD, 13},
        {"gridworld:n=3", SC_SH_GRIDWORLD, 13},
        {"gridworld:n=4", SC_SH_GRIDWORLD, 13},
        {"gridworld:n=5", SC_SH_GRIDWORLD, 13},
        {"gridworld:n=9", SC_SH_GRIDWORLD, 12},
        {"flipflop:n=1", SC_SH_LAST_WRITE, 10},
        {"flipflop:n=2", SC_SH_LAST_WRITE, 8},
        {"memory", SC_SH_LAST_WRITE, 8},
    };
    unsigned long total = 0;
    for (size_t i = 0; i < NSPECS(cases); i++) {
        sc_testbed *tb = build(cases[i].spec);
        sc_sh_plan p = plan_ok(tb->automaton, cases[i].kind);
        total += all_words(&p, tb->automaton, cases[i].maxlen);
        sc_sh_plan_free(&p);
        sc_testbed_free(tb);
    }
    fprintf(stderr, "exhaustive: %lu words (each from every start state) equal to sc_run\n",
            total);
}
END_TEST

/* Automata outside the catalog with the same structures: a gridworld with a "stay" symbol
 * and repeated symbols, a car with larger shifts, Z_6 with arbitrary translations, a reset
 * automaton whose constants differ from the symbol numbers. */
static sc_automaton *custom(const char *name, uint32_t n, uint32_t k)
{
    sc_error err;
    sc_automaton *a = sc_automaton_new(name, n, k, 0, &err);
    ck_assert_ptr_nonnull(a);
    return a;
}

START_TEST(custom_structures)
{
    /* gridworld n = 6: symbols right, stay, left, right */
    sc_automaton *g = custom("grid-stay", 6, 4);
    static const int steps[4] = {1, 0, -1, 1};
    for (uint32_t s = 0; s < 4; s++)
        for (int q = 0; q < 6; q++) {
            int to = q + steps[s];
            sc_set_delta(g, (uint32_t)q, s, (uint32_t)(to < 0 ? 0 : to > 5 ? 5 : to));
        }
    sc_sh_plan p = plan_ok(g, SC_SH_GRIDWORLD);
    ck_assert_int_eq(p.step[1], 0);
    ck_assert_int_eq(p.step[2], -1);
    all_words(&p, g, 7);
    random_words(&p, g, 5000, 4, 0);
    sc_sh_plan_free(&p);
    sc_automaton_free(g);

    /* car on 5 positions: symbols (flip, shift) = (0,2), (1,3), (1,0), (0,0) */
    sc_automaton *c = custom("car-shifts", 10, 4);
    static const uint32_t fl[4] = {0, 1, 1, 0}, sh[4] = {2, 3, 0, 0};
    for (uint32_t s = 0; s < 4; s++)
        for (uint32_t tau = 0; tau < 2; tau++)
            for (uint32_t pos = 0; pos < 5; pos++)
                sc_set_delta(c, tau * 5 + pos, s,
                             (tau ^ fl[s]) * 5 + (tau ? (pos + 5 - sh[s]) % 5 : (pos + sh[s]) % 5));
    p = plan_ok(c, SC_SH_CAR);
    all_words(&p, c, 6);
    random_words(&p, c, 5000, 4, 0);
    sc_sh_plan_free(&p);
    sc_automaton_free(c);

    /* Z_6 with translations 5, 0, 3 */
    sc_automaton *z = custom("z6", 6, 3);
    static const uint32_t tr[3] = {5, 0, 3};
    for (uint32_t s = 0; s < 3; s++)
        for (uint32_t q = 0; q < 6; q++)
            sc_set_delta(z, q, s, (q + tr[s]) % 6);
    p = plan_ok(z, SC_SH_ABELIAN);
    ck_assert_uint_eq(p.r, 1);
    all_words(&p, z, 7);
    sc_sh_plan_free(&p);
    sc_automaton_free(z);

    /* reset automaton on 4 states: symbols -> const 3, identity, const 0, const 3 */
    sc_automaton *r = custom("resets", 4, 4);
    static const int rs[4] = {3, -1, 0, 3};
    for (uint32_t s = 0; s < 4; s++)
        for (uint32_t q = 0; q < 4; q++)
            sc_set_delta(r, q, s, rs[s] < 0 ? q : (uint32_t)rs[s]);
    p = plan_ok(r, SC_SH_LAST_WRITE);
    all_words(&p, r, 7);
    sc_sh_plan_free(&p);
    sc_automaton_free(r);
}
END_TEST

/* Symbols out of range: the same return value and labels as sc_run; the rest untouched. */
START_TEST(bad_symbols)
{
    static const struct {
        const char *spec;
        sc_sh_kind kind;
    } cases[] = {{"parity", SC_SH_ABELIAN},       {"product:k=3", SC_SH_ABELIAN},
                 {"dihedral:n=4", SC_SH_CAR},     {"gridworld:n=5", SC_SH_GRIDWORLD},
                 {"flipflop:n=3", SC_SH_LAST_WRITE}, {"memory", SC_SH_LAST_WRITE}};
    for (size_t i = 0; i < NSPECS(cases); i++) {
        sc_testbed *tb = build(cases[i].spec);
        sc_automaton *a = tb->automaton;
        sc_sh_plan p = plan_ok(a, cases[i].kind);
        for (int rep = 0; rep < 200; rep++) {
            int32_t w[40];
            size_t T = 1 + below(40), bad = below((uint32_t)T);
            for (size_t t = 0; t < T; t++)
                w[t] = (int32_t)below(a->k);
            w[bad] = (rep % 3 == 0) ? -1 : (rep % 3 == 1) ? (int32_t)a->k : INT32_MIN;
            compare(&p, a, a->start, w, T); /* checks the return value and the sentinels */
            ensure(T);
            uint32_t layers;
            ck_assert_uint_eq(sc_sh_run(&p, a, w, T, g_lab, g_scr, &layers), bad);
        }
        sc_sh_plan_free(&p);
        sc_testbed_free(tb);
    }
}
END_TEST

/* The recogniser: the structure it reads off, and refusals with a message. */
START_TEST(recognition)
{
    sc_testbed *tb = build("product:k=3");
    sc_sh_plan p = plan_ok(tb->automaton, SC_SH_ABELIAN);
    ck_assert_uint_eq(p.r, 3);
    for (uint32_t j = 0; j < 3; j++) {
        ck_assert_uint_eq(p.mod[j], 2);
        ck_assert_uint_eq(p.stride[j], 1u << j);
    }
    ck_assert_uint_eq(p.inc[2 * 3 + 1], 1); /* symbol 2 flips bit 1 */
    ck_assert_uint_eq(p.inc[2 * 3 + 0], 0);
    sc_sh_plan_free(&p);
    sc_testbed_free(tb);

    tb = build("cyclic:n=5,actions=8");
    p = plan_ok(tb->automaton, SC_SH_ABELIAN);
    ck_assert_uint_eq(p.r, 1);
    ck_assert_uint_eq(p.mod[0], 5);
    ck_assert_uint_eq(p.inc[7], 2);
    sc_sh_plan_free(&p);
    sc_testbed_free(tb);

    tb = build("dihedral:n=4");
    p = plan_ok(tb->automaton, SC_SH_CAR);
    ck_assert_uint_eq(p.flip[0], 1);
    ck_assert_uint_eq(p.inc[0], 0);
    ck_assert_uint_eq(p.flip[1], 0);
    ck_assert_uint_eq(p.inc[1], 1);
    sc_sh_plan_free(&p);
    sc_testbed_free(tb);

    tb = build("flipflop:n=3");
    p = plan_ok(tb->automaton, SC_SH_LAST_WRITE);
    ck_assert_int_eq(p.reset[0], -1);
    ck_assert_int_eq(p.reset[3], 3);
    sc_sh_plan_free(&p);
    sc_testbed_free(tb);

    static const struct {
        const char *spec;
        sc_sh_kind kind;
    } refused[] = {
        {"symmetric:n=3", SC_SH_ABELIAN}, {"quaternion", SC_SH_ABELIAN},
        {"gridworld:n=3", SC_SH_ABELIAN}, {"dihedral:n=3", SC_SH_ABELIAN},
        {"quaternion", SC_SH_CAR},        {"cyclic:n=5,actions=2", SC_SH_CAR},
        {"full:n=3", SC_SH_GRIDWORLD},    {"parity", SC_SH_GRIDWORLD},
        {"abab", SC_SH_LAST_WRITE},       {"gridworld:n=3", SC_SH_LAST_WRITE},
        {"product:k=2", SC_SH_LAST_WRITE}, {"flipflop:n=2", SC_SH_GRIDWORLD}};
    for (size_t i = 0; i < NSPECS(refused); i++) {
        tb = build(refused[i].spec);
        sc_error err;
        sc_error_clear(&err);
        int rc = sc_sh_recognise(tb->automaton, refused[i].kind, &p, &err);
        if (rc != SC_EXIT_REJECTED)
            ck_abort_msg("%s as %s: rc %d, expected rejection", refused[i].spec,
                         sc_sh_program_of(refused[i].kind)->name, rc);
        ck_assert_ptr_nonnull(strstr(err.msg, tb->automaton->name));
        ck_assert_ptr_null(p.inc);
        sc_testbed_free(tb);
    }
}
END_TEST

/* Layer counts: abelian 1, car 2, gridworld 3, last write 1; = number of scan steps. */
START_TEST(programs)
{
    static const uint32_t want[SC_SH_KINDS] = {1, 2, 3, 1};
    for (int k = 0; k < SC_SH_KINDS; k++) {
        const sc_sh_program *pr = sc_sh_program_of((sc_sh_kind)k);
        ck_assert_ptr_nonnull(pr);
        ck_assert_uint_eq(pr->layers, want[k]);
        uint32_t scans = 0;
        for (uint32_t i = 0; i < pr->nsteps; i++) {
            ck_assert(!strncmp(pr->steps[i], "map: ", 5) || !strncmp(pr->steps[i], "scan: ", 6));
            scans += !strncmp(pr->steps[i], "scan: ", 6);
        }
        ck_assert_uint_eq(scans, pr->layers);
        ck_assert(!strncmp(pr->steps[pr->nsteps - 1], "map: ", 5));
    }
    ck_assert_ptr_null(sc_sh_program_of(SC_SH_KINDS));
}
END_TEST

/* Hand-checked labels (independent of sc_run). */
START_TEST(hand_checked)
{
    struct {
        const char *spec;
        sc_sh_kind kind;
        int32_t w[12];
        size_t T;
        int32_t want[12];
    } cases[] = {
        {"parity", SC_SH_ABELIAN, {1, 0, 1, 1, 0}, 5, {1, 1, 0, 1, 1}},
        {"cyclic:n=5,actions=4", SC_SH_ABELIAN, {3, 3, 1, 0, 2}, 5, {3, 1, 2, 2, 4}},
        {"product:k=2", SC_SH_ABELIAN, {1, 2, 2, 1, 0}, 5, {1, 3, 1, 0, 0}},
        /* car n=4: drive drive uturn drive drive drive uturn drive */
        {"dihedral:n=4", SC_SH_CAR, {1, 1, 0, 1, 1, 1, 0, 1}, 8, {1, 2, 6, 5, 4, 7, 3, 0}},
        /* gridworld n=3: R R R L L L L R */
        {"gridworld:n=3", SC_SH_GRIDWORLD, {1, 1, 1, 0, 0, 0, 0, 1}, 8, {1, 2, 2, 1, 0, 0, 0, 1}},
        {"flipflop:n=3", SC_SH_LAST_WRITE, {0, 2, 0, 0, 3, 0}, 6, {0, 2, 2, 2, 3, 3}},
        {"memory", SC_SH_LAST_WRITE, {2, 1, 2, 0, 2}, 5, {0, 1, 1, 0, 0}},
    };
    for (size_t i = 0; i < NSPECS(cases); i++) {
        sc_testbed *tb = build(cases[i].spec);
        sc_sh_plan p = plan_ok(tb->automaton, cases[i].kind);
        int32_t lab[12];
        int64_t scr[7 * 12 + 6];
        uint32_t layers;
        ck_assert_uint_eq(sc_sh_run(&p, tb->automaton, cases[i].w, cases[i].T, lab, scr, &layers),
                          cases[i].T);
        for (size_t t = 0; t < cases[i].T; t++)
            if (lab[t] != cases[i].want[t])
                ck_abort_msg("%s: label %zu is %d, expected %d", cases[i].spec, t, lab[t],
                             cases[i].want[t]);
        sc_sh_plan_free(&p);
        sc_testbed_free(tb);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shortcut");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, programs);
    tcase_add_test(tc, hand_checked);
    tcase_add_test(tc, recognition);
    tcase_add_test(tc, bad_symbols);
    tcase_add_test(tc, custom_structures);
    tcase_add_test(tc, exhaustive_small);
    tcase_add_test(tc, abelian_random);
    tcase_add_test(tc, car_random);
    tcase_add_test(tc, gridworld_random);
    tcase_add_test(tc, last_write_random);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
