/* Catalog: exact |Q|, |Σ| and canonical specs of every entry, alias and pattern; valid δ;
 * permutation automata are permutations; hand-checked transitions; samplers; every way a
 * spec is rejected. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

static sc_testbed *build_ok(const char *spec)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(spec, &err);
    if (!tb)
        ck_abort_msg("building '%s' failed: %s", spec, err.msg);
    ck_assert_int_eq(err.code, 0);
    ck_assert_int_eq(sc_automaton_validate(tb->automaton, &err), 0);
    ck_assert_str_eq(tb->automaton->name, tb->spec);
    ck_assert_ptr_nonnull(tb->description);
    ck_assert_ptr_null(strchr(tb->description, '\n'));
    ck_assert_uint_eq(tb->sampler.k, tb->automaton->k);
    return tb;
}

/* δ(q, s) */
static uint32_t D(const sc_testbed *tb, uint32_t q, uint32_t s)
{
    return sc_delta(tb->automaton, q, s);
}

static int is_perm(const sc_automaton *a, uint32_t s)
{
    char *seen = calloc(a->n, 1);
    int ok = 1;
    for (uint32_t q = 0; q < a->n; q++) {
        uint32_t t = sc_delta(a, q, s);
        if (seen[t])
            ok = 0;
        seen[t] = 1;
    }
    free(seen);
    return ok;
}

/* Number of states reachable from the start. */
static uint32_t reachable(const sc_automaton *a)
{
    char *seen = calloc(a->n, 1);
    uint32_t *stack = malloc(a->n * sizeof *stack), top = 0, count = 0;
    seen[a->start] = 1;
    stack[top++] = a->start;
    while (top) {
        uint32_t q = stack[--top];
        count++;
        for (uint32_t s = 0; s < a->k; s++) {
            uint32_t t = sc_delta(a, q, s);
            if (!seen[t]) {
                seen[t] = 1;
                stack[top++] = t;
            }
        }
    }
    free(seen);
    free(stack);
    return count;
}

/* ---------------------------------------------------------------------------------------- */

static const struct {
    const char *spec, *canon;
    uint32_t n, k, start;
} sizes[] = {
    /* every entry by bare name = its defaults */
    {"parity", "parity:prob1=0.5", 2, 2, 0},
    {"cyclic", "cyclic:n=5,actions=2", 5, 2, 0},
    {"product", "product:k=3", 8, 4, 0},
    {"dihedral", "dihedral:n=4", 8, 2, 0},
    {"quaternion", "quaternion", 8, 4, 0},
    {"symmetric", "symmetric:n=5,actions=3", 120, 3, 0},
    {"alternating", "alternating:n=5", 60, 4, 0},
    {"gridworld", "gridworld:n=9,prob1=0.5", 9, 2, 0},
    {"flipflop", "flipflop:n=2", 3, 3, 0},
    {"memory", "memory", 2, 3, 0},
    {"abab", "abab:prob1=0.5,pattern_prob=0.25", 5, 2, 3},
    {"adder", "adder:addends=2,prob1=0.5", 4, 4, 0},
    {"permutation_reset", "permutation_reset:n=5,generators=10234.40123", 120, 122, 0},
    {"dyck", "dyck:types=2,depth=4", 32, 4, 0},
    {"full", "full:n=5", 5, 3, 0},
    /* aliases */
    {"C2", "parity:prob1=0.5", 2, 2, 0},
    {"C3", "cyclic:n=3,actions=2", 3, 2, 0},
    {"C2^3", "product:k=3", 8, 4, 0},
    {"D6", "dihedral:n=3", 6, 2, 0},
    {"D8", "dihedral:n=4", 8, 2, 0},
    {"Q8", "quaternion", 8, 4, 0},
    {"A5", "alternating:n=5", 60, 4, 0},
    {"S5", "symmetric:n=5,actions=3", 120, 3, 0},
    {"Grid9", "gridworld:n=9,prob1=0.5", 9, 2, 0},
    {"Dyck", "dyck:types=2,depth=4", 32, 4, 0},
    {"T5", "full:n=5", 5, 3, 0},
    {"FF2", "flipflop:n=2", 3, 3, 0},
    /* patterns */
    {"C7", "cyclic:n=7,actions=2", 7, 2, 0},
    {"C1", "cyclic:n=1,actions=2", 1, 2, 0},
    {"C2^5", "product:k=5", 32, 6, 0},
    {"S3", "symmetric:n=3,actions=3", 6, 3, 0},
    {"S8", "symmetric:n=8,actions=3", 40320, 3, 0},
    {"A4", "alternating:n=4", 12, 3, 0},
    {"A8", "alternating:n=8", 20160, 7, 0},
    {"T3", "full:n=3", 3, 3, 0},
    {"D2", "dihedral:n=1", 2, 2, 0},
    {"D10", "dihedral:n=5", 10, 2, 0},
    {"Grid4", "gridworld:n=4,prob1=0.5", 4, 2, 0},
    {"FF5", "flipflop:n=5", 6, 6, 0},
    /* parameters in any order, canonical order out */
    {"cyclic:actions=3,n=7", "cyclic:n=7,actions=3", 7, 3, 0},
    {"parity:prob1=0.25", "parity:prob1=0.25", 2, 2, 0},
    {"parity:prob1=1e-1", "parity:prob1=0.1", 2, 2, 0},
    {"gridworld:prob1=0.3,n=3", "gridworld:n=3,prob1=0.3", 3, 2, 0},
    {"abab:pattern_prob=1", "abab:prob1=0.5,pattern_prob=1", 5, 2, 3},
    {"symmetric:n=4,actions=24", "symmetric:n=4,actions=24", 24, 24, 0},
    {"symmetric:n=2", "symmetric:n=2,actions=3", 2, 3, 0},
    {"adder:addends=3", "adder:addends=3,prob1=0.5", 6, 8, 0},
    {"adder:addends=15", "adder:addends=15,prob1=0.5", 30, 32768, 0},
    {"permutation_reset:n=3", "permutation_reset:n=3,generators=102.201", 6, 8, 0},
    {"permutation_reset:n=1", "permutation_reset:n=1,generators=0.0", 1, 3, 0},
    {"permutation_reset:n=4,generators=1230", "permutation_reset:n=4,generators=1230", 24, 25,
     0},
    {"dyck:types=1,depth=5", "dyck:types=1,depth=5", 7, 2, 0},
    {"dyck:types=3,depth=2", "dyck:types=3,depth=2", 1 + 3 + 9 + 1, 6, 0},
    {"dyck:types=2,depth=14", "dyck:types=2,depth=14", 32768, 4, 0},
    {"dyck:types=1,depth=65533", "dyck:types=1,depth=65533", 65535, 2, 0},
    {"dyck:types=255,depth=1", "dyck:types=255,depth=1", 257, 510, 0},
    {"full:n=1", "full:n=1", 1, 3, 0},
    {"full:n=65535", "full:n=65535", 65535, 3, 0},
    {"flipflop:n=8191", "flipflop:n=8191", 8192, 8192, 0},
    {"cyclic:n=65535,actions=1", "cyclic:n=65535,actions=1", 65535, 1, 0},
};
#define NSIZES (sizeof sizes / sizeof sizes[0])

START_TEST(sizes_and_canonical_specs)
{
    for (size_t i = 0; i < NSIZES; i++) {
        sc_testbed *tb = build_ok(sizes[i].spec);
        if (strcmp(tb->spec, sizes[i].canon))
            ck_abort_msg("%s: spec '%s', want '%s'", sizes[i].spec, tb->spec, sizes[i].canon);
        if (tb->automaton->n != sizes[i].n || tb->automaton->k != sizes[i].k ||
            tb->automaton->start != sizes[i].start)
            ck_abort_msg("%s: n=%u k=%u start=%u, want %u %u %u", sizes[i].spec,
                         tb->automaton->n, tb->automaton->k, tb->automaton->start, sizes[i].n,
                         sizes[i].k, sizes[i].start);
        /* the canonical spec builds the same automaton */
        sc_testbed *again = build_ok(tb->spec);
        ck_assert_str_eq(again->spec, tb->spec);
        ck_assert_uint_eq(again->automaton->n, tb->automaton->n);
        ck_assert_int_eq(memcmp(again->automaton->delta, tb->automaton->delta,
                                (size_t)tb->automaton->n * tb->automaton->k * sizeof(sc_state)),
                         0);
        sc_testbed_free(again);
        sc_testbed_free(tb);
    }
}
END_TEST

/* The table of `shortcut list`: every entry's defaults build, to "name:params". */
START_TEST(catalog_table_and_aliases)
{
    ck_assert_uint_eq(sc_catalog_size(), 15);
    ck_assert_ptr_null(sc_catalog_at(sc_catalog_size()));
    ck_assert_ptr_null(sc_alias_at(sc_alias_count()));
    for (size_t i = 0; i < sc_catalog_size(); i++) {
        const sc_catalog_info *info = sc_catalog_at(i);
        ck_assert_ptr_nonnull(info->description);
        char spec[256];
        snprintf(spec, sizeof spec, "%s%s%s", info->name, info->params[0] ? ":" : "",
                 info->params);
        sc_testbed *tb = build_ok(spec), *bare = build_ok(info->name);
        ck_assert_str_eq(tb->spec, spec);
        ck_assert_str_eq(bare->spec, spec);
        /* every default automaton: all states reachable from the start */
        ck_assert_uint_eq(reachable(tb->automaton), tb->automaton->n);
        sc_testbed_free(tb);
        sc_testbed_free(bare);
    }
    ck_assert_uint_ge(sc_alias_count(), 11);
    for (size_t i = 0; i < sc_alias_count(); i++) {
        const sc_alias *al = sc_alias_at(i);
        sc_testbed *a = build_ok(al->alias), *b = build_ok(al->spec);
        ck_assert_str_eq(a->spec, b->spec);
        sc_testbed_free(a);
        sc_testbed_free(b);
    }
}
END_TEST

/* Group testbeds: every δ_s is a permutation; permutation_reset: the generator symbols. */
START_TEST(permutation_automata)
{
    static const char *groups[] = {"parity", "C3", "cyclic:n=6,actions=9", "C2^3", "D6", "D8",
                                   "dihedral:n=1", "Q8", "S3", "S5", "symmetric:n=4,actions=24",
                                   "A4", "A5", "A6"};
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
        sc_testbed *tb = build_ok(groups[i]);
        for (uint32_t s = 0; s < tb->automaton->k; s++)
            if (!is_perm(tb->automaton, s))
                ck_abort_msg("%s: symbol %u is not a permutation", groups[i], s);
        ck_assert_uint_eq(reachable(tb->automaton), tb->automaton->n);
        sc_testbed_free(tb);
    }
    sc_testbed *tb = build_ok("permutation_reset");
    for (uint32_t s = 0; s < 120; s++) {
        ck_assert(!is_perm(tb->automaton, s));
        for (uint32_t q = 0; q < 120; q++)
            ck_assert_uint_eq(D(tb, q, s), s);
    }
    ck_assert(is_perm(tb->automaton, 120) && is_perm(tb->automaton, 121));
    sc_testbed_free(tb);
    /* the non-group ones are not */
    static const char *monoids[] = {"gridworld:n=3", "flipflop", "memory", "abab", "Dyck", "T5"};
    for (size_t i = 0; i < sizeof monoids / sizeof *monoids; i++) {
        tb = build_ok(monoids[i]);
        int all = 1;
        for (uint32_t s = 0; s < tb->automaton->k; s++)
            all &= is_perm(tb->automaton, s);
        ck_assert_msg(!all, "%s", monoids[i]);
        sc_testbed_free(tb);
    }
}
END_TEST

START_TEST(hand_checked_small)
{
    sc_testbed *tb = build_ok("parity");
    ck_assert_uint_eq(D(tb, 0, 0), 0);
    ck_assert_uint_eq(D(tb, 1, 0), 1);
    ck_assert_uint_eq(D(tb, 0, 1), 1);
    ck_assert_uint_eq(D(tb, 1, 1), 0);
    sc_testbed_free(tb);

    tb = build_ok("cyclic:n=5,actions=4");
    for (uint32_t q = 0; q < 5; q++)
        for (uint32_t s = 0; s < 4; s++)
            ck_assert_uint_eq(D(tb, q, s), (q + s) % 5);
    sc_testbed_free(tb);

    tb = build_ok("C2^3"); /* symbol i flips bit i-1 of q = Σ bit_j 2^j */
    ck_assert_uint_eq(D(tb, 5, 0), 5);
    ck_assert_uint_eq(D(tb, 5, 1), 4);
    ck_assert_uint_eq(D(tb, 5, 2), 7);
    ck_assert_uint_eq(D(tb, 5, 3), 1);
    sc_testbed_free(tb);

    /* D8: state 4*toggle + position; 0 = U-turn, 1 = drive (+1 / -1) */
    tb = build_ok("D8");
    ck_assert_uint_eq(D(tb, 0, 1), 1);
    ck_assert_uint_eq(D(tb, 3, 1), 0);
    ck_assert_uint_eq(D(tb, 0, 0), 4);
    ck_assert_uint_eq(D(tb, 4, 1), 7);
    ck_assert_uint_eq(D(tb, 6, 1), 5);
    ck_assert_uint_eq(D(tb, 6, 0), 2);
    ck_assert_str_eq(tb->automaton->symbol_names[0], "uturn");
    sc_testbed_free(tb);

    /* Q8 rows of DESIGN.md §4 */
    static const uint32_t q8[4][4] = {{0, 1, 2, 3}, {1, 4, 3, 6}, {2, 7, 4, 1}, {3, 2, 5, 4}};
    tb = build_ok("Q8");
    for (uint32_t q = 0; q < 8; q++)
        for (uint32_t s = 0; s < 4; s++)
            ck_assert_uint_eq(D(tb, q, s), (q8[q % 4][s] + 4 * (q / 4)) % 8);
    ck_assert_str_eq(tb->automaton->state_names[6], "-j");
    sc_testbed_free(tb);

    /* abab: δ = [[4,1],[2,4],[4,3],[0,4],[4,4]], start 3 */
    static const uint32_t ab[5][2] = {{4, 1}, {2, 4}, {4, 3}, {0, 4}, {4, 4}};
    tb = build_ok("abab");
    for (uint32_t q = 0; q < 5; q++)
        for (uint32_t s = 0; s < 2; s++)
            ck_assert_uint_eq(D(tb, q, s), ab[q][s]);
    sc_testbed_free(tb);

    tb = build_ok("gridworld:n=3");
    ck_assert_uint_eq(D(tb, 0, 0), 0);
    ck_assert_uint_eq(D(tb, 0, 1), 1);
    ck_assert_uint_eq(D(tb, 2, 1), 2);
    ck_assert_uint_eq(D(tb, 2, 0), 1);
    sc_testbed_free(tb);

    tb = build_ok("gridworld:n=1");
    ck_assert_uint_eq(D(tb, 0, 0), 0);
    ck_assert_uint_eq(D(tb, 0, 1), 0);
    sc_testbed_free(tb);

    tb = build_ok("flipflop:n=3");
    for (uint32_t q = 0; q < 4; q++) {
        ck_assert_uint_eq(D(tb, q, 0), q);
        for (uint32_t a = 1; a < 4; a++)
            ck_assert_uint_eq(D(tb, q, a), a);
    }
    ck_assert_str_eq(tb->automaton->symbol_names[0], "read");
    ck_assert_str_eq(tb->automaton->symbol_names[2], "write2");
    ck_assert_str_eq(tb->automaton->state_names[0], "start");
    sc_testbed_free(tb);

    tb = build_ok("memory");
    for (uint32_t q = 0; q < 2; q++) {
        ck_assert_uint_eq(D(tb, q, 0), 0);
        ck_assert_uint_eq(D(tb, q, 1), 1);
        ck_assert_uint_eq(D(tb, q, 2), q);
    }
    sc_testbed_free(tb);
}
END_TEST

/* Lexicographic arrangements of S3: 012 021 102 120 201 210. */
START_TEST(hand_checked_permutations)
{
    sc_testbed *tb = build_ok("S3");
    static const uint32_t rot[6] = {3, 5, 1, 4, 0, 2}; /* new[i] = old[(i+1) mod 3] */
    static const uint32_t swp[6] = {2, 4, 0, 5, 1, 3}; /* swap positions 0,1 */
    for (uint32_t q = 0; q < 6; q++) {
        ck_assert_uint_eq(D(tb, q, 0), q);
        ck_assert_uint_eq(D(tb, q, 1), rot[q]);
        ck_assert_uint_eq(D(tb, q, 2), swp[q]);
    }
    ck_assert_str_eq(tb->automaton->state_names[3], "120");
    sc_testbed_free(tb);

    tb = build_ok("S5");
    ck_assert_str_eq(tb->automaton->state_names[0], "01234");
    ck_assert_str_eq(tb->automaton->state_names[119], "43210");
    ck_assert_uint_eq(D(tb, 0, 1), 33);  /* 12340 */
    ck_assert_uint_eq(D(tb, 33, 1), 64); /* 23401 */
    ck_assert_uint_eq(D(tb, 0, 2), 24);  /* 10234 */
    sc_testbed_free(tb);

    /* extra actions (symbols >= 3) are the other permutations in lexicographic order: the
     * swap keeps symbol 2 (synthseq overwrote it) */
    tb = build_ok("symmetric:n=3,actions=6");
    ck_assert_str_eq(tb->automaton->symbol_names[2], "swap");
    ck_assert_str_eq(tb->automaton->symbol_names[3], "perm021");
    ck_assert_str_eq(tb->automaton->symbol_names[4], "perm201");
    ck_assert_str_eq(tb->automaton->symbol_names[5], "perm210");
    ck_assert_uint_eq(D(tb, 0, 3), 1);
    ck_assert_uint_eq(D(tb, 0, 5), 5);
    for (uint32_t s = 0; s < 6; s++) /* all six distinct */
        for (uint32_t t = 0; t < s; t++)
            ck_assert_uint_ne(D(tb, 0, s), D(tb, 0, t));
    sc_testbed_free(tb);

    /* A4: even arrangements 0123 0231 0312 1032 1203 1320 2013 2130 2301 3021 3102 3210 */
    tb = build_ok("A4");
    ck_assert_str_eq(tb->automaton->state_names[1], "0231");
    ck_assert_str_eq(tb->automaton->state_names[11], "3210");
    /* symbol 1 = 3-cycle (0,1,2): new[0]=old[1], new[1]=old[2], new[2]=old[0] */
    ck_assert_uint_eq(D(tb, 0, 1), 4);  /* 0123 -> 1203 */
    ck_assert_uint_eq(D(tb, 0, 2), 5);  /* symbol 2 = (0,1,3): 0123 -> 1320 */
    ck_assert_uint_eq(D(tb, 1, 2), 7);  /* 0231 -> 2130 */
    sc_testbed_free(tb);

    /* permutation_reset:n=3: tokens 0..5 reset, 6 = g 102 (values 0<->1), 7 = g 201 */
    tb = build_ok("permutation_reset:n=3");
    ck_assert_uint_eq(D(tb, 0, 6), 2); /* 012 -> 102 */
    ck_assert_uint_eq(D(tb, 3, 6), 1); /* 120 -> g[1] g[2] g[0] = 021 */
    ck_assert_uint_eq(D(tb, 0, 7), 4); /* 012 -> 201 */
    ck_assert_uint_eq(D(tb, 5, 2), 2);
    ck_assert_str_eq(tb->automaton->symbol_names[6], "gen102");
    ck_assert_str_eq(tb->automaton->symbol_names[0], "reset012");
    sc_testbed_free(tb);
}
END_TEST

/* Adder (synthseq semantics): state = digit + m*carry, sum = popcount(token) + carry. */
START_TEST(hand_checked_adder)
{
    sc_testbed *tb = build_ok("adder");
    /* binary: token 3 = both bits 1 */
    ck_assert_uint_eq(D(tb, 0, 0), 0);
    ck_assert_uint_eq(D(tb, 0, 1), 1);
    ck_assert_uint_eq(D(tb, 0, 2), 1);
    ck_assert_uint_eq(D(tb, 0, 3), 2); /* 1+1 = 10: digit 0, carry 1 */
    ck_assert_uint_eq(D(tb, 2, 0), 1); /* carry in: digit 1 */
    ck_assert_uint_eq(D(tb, 3, 3), 3); /* 1+1+1 = 11 */
    ck_assert_uint_eq(D(tb, 1, 3), 2); /* the previous digit does not matter */
    ck_assert_str_eq(tb->automaton->state_names[2], "d0c1");
    sc_testbed_free(tb);
    tb = build_ok("adder:addends=3");
    ck_assert_uint_eq(D(tb, 0, 7), 3);     /* 3 ones: digit 0, carry 1 */
    ck_assert_uint_eq(D(tb, 3, 7), 4);     /* 3 + 1 = 4: digit 1, carry 1 */
    ck_assert_uint_eq(D(tb, 3, 0), 1);     /* 0 + 1 */
    ck_assert_uint_eq(D(tb, 5, 6), 3 + 0); /* 2 + 1 = 3: digit 0, carry 1 */
    sc_testbed_free(tb);
}
END_TEST

/* Dyck types=2: state = (2^d - 1) + stack read bottom-to-top in base 2; reject last. */
START_TEST(hand_checked_dyck)
{
    sc_testbed *tb = build_ok("Dyck");
    const sc_automaton *a = tb->automaton;
    uint32_t rej = 31;
    ck_assert_str_eq(a->state_names[0], "empty");
    ck_assert_str_eq(a->state_names[31], "reject");
    ck_assert_str_eq(a->state_names[2], "[");
    ck_assert_str_eq(a->state_names[5], "[(");
    ck_assert_str_eq(a->symbol_names[3], "]");
    ck_assert_uint_eq(D(tb, 0, 0), 1);   /* ( */
    ck_assert_uint_eq(D(tb, 0, 1), 2);   /* [ */
    ck_assert_uint_eq(D(tb, 2, 0), 5);   /* [( = 3 + 0b10 */
    ck_assert_uint_eq(D(tb, 5, 2), 2);   /* ) pops */
    ck_assert_uint_eq(D(tb, 5, 3), rej); /* ] on top ( rejects */
    ck_assert_uint_eq(D(tb, 0, 2), rej); /* close on empty */
    ck_assert_uint_eq(D(tb, 15, 0), rej); /* push on a full stack ((((: 15 = 15 + 0 */
    ck_assert_uint_eq(D(tb, 30, 3), 14); /* [[[[ pops to [[[ */
    for (uint32_t s = 0; s < 4; s++)
        ck_assert_uint_eq(D(tb, rej, s), rej);
    ck_assert_int_eq(tb->sampler.kind, SC_SAMPLE_DYCK);
    ck_assert_uint_eq(tb->sampler.dyck_types, 2);
    ck_assert_uint_eq(tb->sampler.dyck_depth, 4);
    sc_testbed_free(tb);
    tb = build_ok("dyck:types=5,depth=2"); /* no bracket characters: generic names */
    ck_assert_str_eq(tb->automaton->symbol_names[5], "close0");
    ck_assert_uint_eq(tb->automaton->n, 1 + 5 + 25 + 1);
    sc_testbed_free(tb);
}
END_TEST

/* Size of the semigroup generated by the δ_s (closure under composition; at most 4096
 * elements on at most 16 states, plain linear search). */
static uint32_t add_element(sc_state *el, uint32_t count, uint32_t n, const sc_state *f)
{
    for (uint32_t j = 0; j < count; j++)
        if (!memcmp(el + (size_t)j * n, f, n * sizeof *f))
            return count;
    memcpy(el + (size_t)count * n, f, n * sizeof *f);
    return count + 1;
}

static uint64_t semigroup_size(const sc_automaton *a)
{
    enum { CAP = 4096 };
    uint32_t n = a->n, count = 0;
    ck_assert_uint_le(n, 16);
    sc_state *el = malloc((size_t)CAP * n * sizeof *el), f[16];
    for (uint32_t s = 0; s < a->k; s++)
        count = add_element(el, count, n, sc_generator(a, s));
    for (uint32_t i = 0; i < count; i++)
        for (uint32_t s = 0; s < a->k; s++) {
            for (uint32_t q = 0; q < n; q++)
                f[q] = sc_delta(a, el[(size_t)i * n + q], s);
            ck_assert_uint_lt(count, CAP);
            count = add_element(el, count, n, f);
        }
    free(el);
    return count;
}

START_TEST(full_transformation_monoid)
{
    static const uint32_t n_of[] = {1, 2, 3, 4, 5};
    static const uint64_t want[] = {1, 4, 27, 256, 3125};
    for (size_t i = 0; i < 5; i++) {
        char spec[32];
        snprintf(spec, sizeof spec, "full:n=%u", n_of[i]);
        sc_testbed *tb = build_ok(spec);
        ck_assert_uint_eq(semigroup_size(tb->automaton), want[i]);
        sc_testbed_free(tb);
    }
    sc_testbed *tb = build_ok("T5");
    ck_assert_uint_eq(D(tb, 4, 0), 0);
    ck_assert_uint_eq(D(tb, 0, 1), 1);
    ck_assert_uint_eq(D(tb, 1, 1), 0);
    ck_assert_uint_eq(D(tb, 3, 1), 3);
    ck_assert_uint_eq(D(tb, 0, 2), 1);
    ck_assert_uint_eq(D(tb, 1, 2), 1);
    ck_assert_uint_eq(D(tb, 2, 2), 2);
    sc_testbed_free(tb);
    /* group orders through the same closure: S3 = 6, A4 = 12, Q8 = 8, D8 = 8 (on <= 12
     * states the closure is cheap) -- the regular action: |T| = n */
    static const char *grp[] = {"S3", "A4", "Q8", "D8", "D6", "C2^3"};
    static const uint64_t order[] = {6, 12, 8, 8, 6, 8};
    for (size_t i = 0; i < 6; i++) {
        tb = build_ok(grp[i]);
        if (tb->automaton->n <= 8)
            ck_assert_uint_eq(semigroup_size(tb->automaton), order[i]);
        sc_testbed_free(tb);
    }
}
END_TEST

START_TEST(samplers)
{
    sc_testbed *tb = build_ok("parity");
    ck_assert_int_eq(tb->sampler.kind, SC_SAMPLE_IID);
    ck_assert_int_eq(tb->sampler.uniform, 1);
    ck_assert_ptr_null(tb->sampler.weights);
    sc_testbed_free(tb);

    tb = build_ok("parity:prob1=0.3");
    ck_assert_int_eq(tb->sampler.uniform, 0);
    ck_assert(tb->sampler.weights[1] == 0.3 && tb->sampler.weights[0] == 1.0 - 0.3);
    sc_testbed_free(tb);

    tb = build_ok("abab");
    ck_assert_int_eq(tb->sampler.kind, SC_SAMPLE_ABAB);
    ck_assert(tb->sampler.pattern_prob == 0.25);
    ck_assert_int_eq(tb->sampler.uniform, 1);
    sc_testbed_free(tb);

    static const char *weighted[] = {"flipflop", "flipflop:n=7", "permutation_reset",
                                     "adder:addends=3,prob1=0.2", "gridworld:prob1=0.9"};
    for (size_t i = 0; i < sizeof weighted / sizeof *weighted; i++) {
        tb = build_ok(weighted[i]);
        ck_assert_int_eq(tb->sampler.uniform, 0);
        double sum = 0;
        for (uint32_t s = 0; s < tb->sampler.k; s++) {
            ck_assert(tb->sampler.weights[s] > 0);
            sum += tb->sampler.weights[s];
        }
        ck_assert_msg(fabs(sum - 1) < 1e-12, "%s: weights sum %.17g", weighted[i], sum);
        sc_testbed_free(tb);
    }
    tb = build_ok("flipflop");
    ck_assert(tb->sampler.weights[0] == 0.5 && tb->sampler.weights[2] == 0.25);
    sc_testbed_free(tb);
    tb = build_ok("adder:addends=2,prob1=0.25");
    ck_assert(tb->sampler.weights[0] == 0.75 * 0.75 && tb->sampler.weights[3] == 0.25 * 0.25);
    sc_testbed_free(tb);
    tb = build_ok("permutation_reset:n=3"); /* resets 1/16 in total */
    ck_assert(fabs(tb->sampler.weights[0] - 1.0 / 96) < 1e-15);
    ck_assert(fabs(tb->sampler.weights[7] - 15.0 / 32) < 1e-15);
    sc_testbed_free(tb);

    sc_sampler s = {0};
    sc_sampler_uniform(&s, 7);
    ck_assert_uint_eq(s.k, 7);
    ck_assert_int_eq(s.uniform, 1);
}
END_TEST

static const struct {
    const char *spec;
    int code;
    const char *needle1, *needle2;
} rejects[] = {
    {"", SC_EXIT_REJECTED, "empty", NULL},
    {"foo", SC_EXIT_REJECTED, "unknown name 'foo'", "parity"},
    {"Parity", SC_EXIT_REJECTED, "unknown name", NULL},
    {"parity:", SC_EXIT_REJECTED, "nothing after ':'", NULL},
    {"parity:n=2", SC_EXIT_REJECTED, "unknown parameter 'n' for parity", "prob1"},
    {"quaternion:n=2", SC_EXIT_REJECTED, "unknown parameter 'n'", "no parameters"},
    {"memory:x", SC_EXIT_REJECTED, "no '='", NULL},
    {"cyclic:n=5,", SC_EXIT_REJECTED, "no '='", NULL},
    {"cyclic:n=5,,actions=2", SC_EXIT_REJECTED, "no '='", NULL},
    {"cyclic:n=0", SC_EXIT_REJECTED, "parameter n = '0'", "1..65535"},
    {"cyclic:n=65536", SC_EXIT_REJECTED, "parameter n = '65536'", "1..65535"},
    {"cyclic:n=-1", SC_EXIT_REJECTED, "parameter n = '-1'", NULL},
    {"cyclic:n=+5", SC_EXIT_REJECTED, "parameter n = '+5'", NULL},
    {"cyclic:n=5x", SC_EXIT_REJECTED, "parameter n = '5x'", NULL},
    {"cyclic:n=05", SC_EXIT_REJECTED, "parameter n = '05'", NULL},
    {"cyclic:n=", SC_EXIT_REJECTED, "parameter n = ''", NULL},
    {"cyclic:n=2.0", SC_EXIT_REJECTED, "parameter n = '2.0'", NULL},
    {"cyclic:n=99999999999999999999", SC_EXIT_REJECTED, "parameter n", NULL},
    {"cyclic:n=3,n=4", SC_EXIT_REJECTED, "parameter n given twice", NULL},
    {"cyclic:N=3", SC_EXIT_REJECTED, "unknown parameter 'N' for cyclic", "n, actions"},
    {"cyclic:n=5,actions=0", SC_EXIT_REJECTED, "parameter actions = '0'", NULL},
    {"parity:prob1=1.5", SC_EXIT_REJECTED, "parameter prob1 = '1.5'", "[0,1]"},
    {"parity:prob1=-0.1", SC_EXIT_REJECTED, "prob1", NULL},
    {"parity:prob1=nan", SC_EXIT_REJECTED, "prob1", NULL},
    {"parity:prob1=inf", SC_EXIT_REJECTED, "prob1", NULL},
    {"parity:prob1=0x1p-1", SC_EXIT_REJECTED, "prob1", NULL},
    {"parity:prob1=", SC_EXIT_REJECTED, "prob1", NULL},
    {"abab:pattern_prob=2", SC_EXIT_REJECTED, "pattern_prob", NULL},
    {"product:k=0", SC_EXIT_REJECTED, "parameter k", "1..15"},
    {"product:k=16", SC_EXIT_REJECTED, "parameter k", "1..15"},
    {"dihedral:n=32768", SC_EXIT_REJECTED, "parameter n", NULL},
    {"dihedral:n=0", SC_EXIT_REJECTED, "parameter n", NULL},
    {"symmetric:n=1", SC_EXIT_REJECTED, "parameter n", "2..8"},
    {"symmetric:n=9", SC_EXIT_REJECTED, "parameter n", "2..8"},
    {"symmetric:n=3,actions=7", SC_EXIT_REJECTED, "actions = 7", "1..6"},
    {"symmetric:n=2,actions=4", SC_EXIT_REJECTED, "actions = 4", "1..3"},
    {"alternating:n=2", SC_EXIT_REJECTED, "parameter n", "3..8"},
    {"alternating:n=9", SC_EXIT_REJECTED, "parameter n", NULL},
    {"gridworld:n=0", SC_EXIT_REJECTED, "parameter n", NULL},
    {"flipflop:n=8192", SC_EXIT_REJECTED, "parameter n", "1..8191"},
    {"adder:addends=1", SC_EXIT_REJECTED, "parameter addends", "2..15"},
    {"adder:addends=16", SC_EXIT_REJECTED, "parameter addends", NULL},
    {"permutation_reset:n=8", SC_EXIT_REJECTED, "parameter n", "1..7"},
    {"permutation_reset:n=0", SC_EXIT_REJECTED, "parameter n", NULL},
    {"permutation_reset:n=3,generators=", SC_EXIT_REJECTED, "generators", NULL},
    {"permutation_reset:n=3,generators=12", SC_EXIT_REJECTED, "generator 1 '12'", "0..2"},
    {"permutation_reset:n=3,generators=112", SC_EXIT_REJECTED, "generator 1 '112'", NULL},
    {"permutation_reset:n=3,generators=120.123", SC_EXIT_REJECTED, "generator 2 '123'", NULL},
    {"permutation_reset:n=3,generators=120.", SC_EXIT_REJECTED, "generator 2 ''", NULL},
    {"permutation_reset:n=3,generators=.120", SC_EXIT_REJECTED, "generator 1 ''", NULL},
    {"permutation_reset:n=3,generators=1,2,0", SC_EXIT_REJECTED, "no '='", NULL},
    {"permutation_reset:n=4,generators=10234", SC_EXIT_REJECTED, "generator 1", NULL},
    {"dyck:types=0", SC_EXIT_REJECTED, "parameter types", NULL},
    {"dyck:depth=0", SC_EXIT_REJECTED, "parameter depth", NULL},
    {"dyck:types=2,depth=15", SC_EXIT_REJECTED, "more than 65535 states", NULL},
    {"dyck:types=32767,depth=2", SC_EXIT_REJECTED, "more than 65535 states", NULL},
    {"dyck:types=1,depth=65534", SC_EXIT_REJECTED, "parameter depth", "1..65533"},
    {"dyck:types=3,depth=10", SC_EXIT_REJECTED, "more than 65535 states", NULL},
    {"full:n=0", SC_EXIT_REJECTED, "parameter n", NULL},
    {"full:n=65536", SC_EXIT_REJECTED, "parameter n", NULL},
    {"D7", SC_EXIT_REJECTED, "'D7'", "even"},
    {"S9", SC_EXIT_REJECTED, "'S9' (= symmetric:n=9)", "2..8"},
    {"A2", SC_EXIT_REJECTED, "'A2'", "3..8"},
    {"C0", SC_EXIT_REJECTED, "'C0'", "positive"},
    {"C05", SC_EXIT_REJECTED, "'C05'", NULL},
    {"C2^16", SC_EXIT_REJECTED, "C2^16", "1..15"},
    {"C2^", SC_EXIT_REJECTED, "unknown name", NULL},
    {"S", SC_EXIT_REJECTED, "unknown name", NULL},
    {"S5:n=6", SC_EXIT_REJECTED, "unknown name 'S5'", NULL},
    {"Grid0", SC_EXIT_REJECTED, "Grid0", NULL},
    {"D8 ", SC_EXIT_REJECTED, "unknown name", NULL},
    {"cyclic: n=5", SC_EXIT_REJECTED, "unknown parameter ' n'", NULL},
    {"cyclic:n\n=5", SC_EXIT_REJECTED, "'n\\x0a'", NULL},
    /* beyond the table limit: a resource limit, not a malformed value */
    {"cyclic:n=65535,actions=65535", SC_EXIT_LIMIT, "limit", NULL},
    {"symmetric:n=8,actions=40320", SC_EXIT_LIMIT, "limit", NULL},
};

START_TEST(rejections)
{
    for (size_t i = 0; i < sizeof rejects / sizeof *rejects; i++) {
        sc_error err;
        sc_error_clear(&err);
        sc_testbed *tb = sc_catalog_build(rejects[i].spec, &err);
        if (tb)
            ck_abort_msg("'%s' was accepted as %s", rejects[i].spec, tb->spec);
        if (err.code != rejects[i].code)
            ck_abort_msg("'%s': code %d, want %d (%s)", rejects[i].spec, err.code,
                         rejects[i].code, err.msg);
        ck_assert_ptr_null(strchr(err.msg, '\n'));
        ck_assert_msg(strncmp(err.msg, "automaton ", 10) == 0, "%s", err.msg);
        if (!strstr(err.msg, rejects[i].needle1) ||
            (rejects[i].needle2 && !strstr(err.msg, rejects[i].needle2)))
            ck_abort_msg("'%s': message '%s' lacks '%s' / '%s'", rejects[i].spec, err.msg,
                         rejects[i].needle1, rejects[i].needle2 ? rejects[i].needle2 : "");
    }
    /* NULL spec and NULL err are safe */
    sc_error err;
    ck_assert_ptr_null(sc_catalog_build(NULL, &err));
    ck_assert_int_eq(err.code, SC_EXIT_REJECTED);
    ck_assert_ptr_null(sc_catalog_build("foo", NULL));
    ck_assert_ptr_null(sc_catalog_build("cyclic:n=65535,actions=65535", NULL));
}
END_TEST

START_TEST(free_is_safe)
{
    sc_testbed_free(NULL);
    sc_testbed *tb = calloc(1, sizeof *tb); /* partially built */
    tb->spec = strdup("x");
    sc_testbed_free(tb);
    tb = calloc(1, sizeof *tb);
    sc_sampler_uniform(&tb->sampler, 3);
    sc_testbed_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sizes_and_canonical_specs);
    tcase_add_test(tc, catalog_table_and_aliases);
    tcase_add_test(tc, permutation_automata);
    tcase_add_test(tc, hand_checked_small);
    tcase_add_test(tc, hand_checked_permutations);
    tcase_add_test(tc, hand_checked_adder);
    tcase_add_test(tc, hand_checked_dyck);
    tcase_add_test(tc, full_transformation_monoid);
    tcase_add_test(tc, samplers);
    tcase_add_test(tc, rejections);
    tcase_add_test(tc, free_is_safe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
