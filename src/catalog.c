/* The testbed catalog of DESIGN.md §4.
 *
 * Every entry is a function of its parameters, built from the mathematical definition (never
 * from tables of another implementation). Conventions (DESIGN.md §3): states 0..n-1, symbols
 * 0..k-1, delta[s*n + q] = δ(q, s); labels are q_1..q_T.
 *
 * Spec syntax: NAME[:key=value,...], an alias (C2, C3, C2^3, D6, D8, Q8, A5, S5, Grid9, Dyck,
 * T5, FF2) or a pattern (Cn -> cyclic:n=n,actions=2 (C2 -> parity), C2^k -> product:k, Sn, An,
 * Tn, D2n -> dihedral:n (GAP naming: the order), Gridn, FFn -> flipflop:n). Every parameter
 * has a default; keys may come in any order but only once; integers are plain decimal (no
 * sign, no leading zero); probabilities are decimal reals in [0,1]. The canonical spec
 * (tb->spec, automaton->name) lists every parameter in the catalog's order, probabilities in
 * their shortest round-trip form ("parity:prob1=0.5"). Aliases take no parameters.
 *
 * Decisions where DESIGN.md is silent (each also documented at its builder below):
 *  - sampling parameters of synthseq's binary-input automata are part of the spec: prob1
 *    (probability of token 1 / of each addend bit) for parity, gridworld, abab and adder, and
 *    pattern_prob (synthseq's prob_abab_pos_sample) for abab. They do not change δ.
 *  - symmetric:n,actions — synthseq's n_actions (default 3). Extra actions (symbols >= 3) are
 *    the remaining permutations in lexicographic order, skipping the identity, the rotation
 *    AND the swap; synthseq overwrote the swap with the first extra (bug not reproduced).
 *  - adder:addends — synthseq's semantics: at each position s = Σ bits + carry, digit =
 *    s mod addends, carry = s div addends (so carry ∈ {0,1}), state = digit + addends·carry,
 *    q0 = 0. For addends = 2 (the default) this is exactly binary addition (LSB first).
 *  - permutation_reset:n,generators — default n=5, generators=10234.40123 (a transposition
 *    and a 5-cycle, as in the synthseq configs); each generator is written as its n digits
 *    g[0]..g[n-1], generators separated by '.'.
 *  - dyck numbering: by depth, then by the stack read bottom-to-top as a base-`types` number;
 *    the reject state is the last one.
 *  - full:n for n = 1, 2: the three symbols are kept; maps that do not exist on so few points
 *    are the identity (n = 1: all three; n = 2: the transposition equals the cycle).
 *  - flipflop default n = 2 (synthseq); synthseq's dihedral 'position' label (returns None)
 *    and A_n docstring ("(12x)", off by one) do not matter: labels here are the states.
 *  - names: states/symbols get short human names where natural ("01234", "-j", "write2",
 *    "[(", "reject", "d0c1"); where no natural name exists the arrays stay NULL.
 * Limits: at most 65535 states and symbols (SC_EXIT_REJECTED), and at most
 * SC_CATALOG_MAX_ENTRIES transition entries n·k (SC_EXIT_LIMIT). */
#include "catalog.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Parameters                                                                               */

typedef enum { P_INT, P_PROB, P_GENS } ptype;

typedef struct {
    const char *key;
    ptype type;
    long min, max;   /* P_INT */
    const char *def; /* default value as text */
    const char *expect;
} param_def;

#define MAXP 3
#define GENS_MAX 4096 /* longest generators= value */
#define FRAG_CAP 300

typedef struct {
    long i;
    double p;
    char s[GENS_MAX];
} pval;

typedef struct builder builder;
typedef int (*build_fn)(builder *b, const pval *v);

typedef struct {
    sc_catalog_info info;
    int np;
    param_def p[MAXP];
    build_fn build;
} entry;

struct builder {
    const char *shown; /* what the user typed, printable, for messages */
    sc_testbed *tb;
    sc_automaton *a;
    sc_error *err;
    int oom;
};

/* ---------------------------------------------------------------------------------------- */
/* Small helpers                                                                            */

static void printable(const char *s, char *out, size_t cap);
static const char *frag(const char *s, size_t len, char *fb);

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* Set name i of a lazily allocated array of `count` names. */
static void name_at(builder *b, char ***arr, uint32_t count, uint32_t i, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void name_at(builder *b, char ***arr, uint32_t count, uint32_t i, const char *fmt, ...)
{
    if (b->oom)
        return;
    if (!*arr && !(*arr = calloc(count, sizeof **arr))) {
        b->oom = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s)
        b->oom = 1;
    free((*arr)[i]);
    (*arr)[i] = s;
}
#define STATE_NAME(b, q, ...) name_at(b, &(b)->a->state_names, (b)->a->n, q, __VA_ARGS__)
#define SYMBOL_NAME(b, s, ...) name_at(b, &(b)->a->symbol_names, (b)->a->k, s, __VA_ARGS__)

/* Allocate the automaton (name = canonical spec) after checking the size limits. */
static int new_automaton(builder *b, uint64_t n, uint64_t k, uint32_t start)
{
    if (n < 1 || n > SC_MAX_STATES)
        return sc_fail(b->err, SC_EXIT_REJECTED,
                       "automaton %s: %llu states, expected at most %u", b->shown,
                       (unsigned long long)n, SC_MAX_STATES);
    if (k < 1 || k > SC_MAX_SYMBOLS)
        return sc_fail(b->err, SC_EXIT_REJECTED,
                       "automaton %s: %llu symbols, expected at most %u", b->shown,
                       (unsigned long long)k, SC_MAX_SYMBOLS);
    if (n * k > SC_CATALOG_MAX_ENTRIES)
        return sc_fail(b->err, SC_EXIT_LIMIT,
                       "automaton %s: %llu states x %llu symbols = %llu transitions, the "
                       "catalog's limit is %llu",
                       b->shown, (unsigned long long)n, (unsigned long long)k,
                       (unsigned long long)(n * k), (unsigned long long)SC_CATALOG_MAX_ENTRIES);
    b->a = sc_automaton_new(b->tb->spec, (uint32_t)n, (uint32_t)k, start, b->err);
    if (!b->a)
        return b->err ? b->err->code : SC_EXIT_LIMIT;
    b->tb->automaton = b->a;
    return 0;
}

static int set_description(builder *b, char *d)
{
    if (!d) {
        b->oom = 1;
        return 0;
    }
    b->tb->description = d;
    return 0;
}

/* i.i.d. Bernoulli(prob1) over {0,1}: exactly uniform when prob1 = 1/2. */
static int sampler_bernoulli(builder *b, double prob1)
{
    sc_sampler *s = &b->tb->sampler;
    sc_sampler_uniform(s, 2);
    if (prob1 == 0.5)
        return 0;
    if (!(s->weights = malloc(2 * sizeof *s->weights))) {
        b->oom = 1;
        return 0;
    }
    s->uniform = 0;
    s->weights[0] = 1.0 - prob1;
    s->weights[1] = prob1;
    return 0;
}

static double *sampler_weights(builder *b, uint32_t k)
{
    sc_sampler *s = &b->tb->sampler;
    sc_sampler_uniform(s, k);
    if (!(s->weights = calloc(k, sizeof *s->weights))) {
        b->oom = 1;
        return NULL;
    }
    s->uniform = 0;
    return s->weights;
}

/* ---------------------------------------------------------------------------------------- */
/* Permutations of 0..n-1 (n <= 8) in lexicographic order                                   */

#define PERM_NMAX 8

static uint32_t factorial(uint32_t n)
{
    uint32_t f = 1;
    for (uint32_t i = 2; i <= n; i++)
        f *= i;
    return f;
}

/* Lexicographic rank (Lehmer code in the factorial number system). */
static uint32_t perm_rank(const uint8_t *p, uint32_t n)
{
    uint32_t r = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t smaller = 0;
        for (uint32_t j = i + 1; j < n; j++)
            smaller += p[j] < p[i];
        r = r * (n - i) + smaller;
    }
    return r;
}

static int perm_is_even(const uint8_t *p, uint32_t n)
{
    uint32_t inv = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            inv += p[j] < p[i];
    return inv % 2 == 0;
}

/* All n! arrangements, lexicographic, n bytes each. NULL on OOM. */
static uint8_t *perm_list(uint32_t n, uint32_t *count)
{
    uint32_t N = factorial(n);
    uint8_t *all = malloc((size_t)N * n + 1), p[PERM_NMAX];
    if (!all)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)i;
    for (uint32_t r = 0; r < N; r++) {
        memcpy(all + (size_t)r * n, p, n);
        /* next permutation */
        int i = (int)n - 2;
        while (i >= 0 && p[i] > p[i + 1])
            i--;
        if (i < 0)
            break;
        int j = (int)n - 1;
        while (p[j] < p[i])
            j--;
        uint8_t t = p[i];
        p[i] = p[j];
        p[j] = t;
        for (int lo = i + 1, hi = (int)n - 1; lo < hi; lo++, hi--) {
            t = p[lo];
            p[lo] = p[hi];
            p[hi] = t;
        }
    }
    *count = N;
    return all;
}

static void perm_text(const uint8_t *p, uint32_t n, char *out)
{
    for (uint32_t i = 0; i < n; i++)
        out[i] = (char)('0' + p[i]);
    out[n] = '\0';
}

/* ---------------------------------------------------------------------------------------- */
/* Builders                                                                                 */

/* parity: {0,1}, 0; symbol 0 keeps, 1 flips; Bernoulli(prob1). */
static int build_parity(builder *b, const pval *v)
{
    int rc = new_automaton(b, 2, 2, 0);
    if (rc)
        return rc;
    for (uint32_t q = 0; q < 2; q++)
        sc_set_delta(b->a, q, 1, 1 - q);
    SYMBOL_NAME(b, 0, "keep");
    SYMBOL_NAME(b, 1, "flip");
    sampler_bernoulli(b, v[0].p);
    return set_description(b, xasprintf("parity (C2): running XOR of the bits"));
}

/* cyclic:n,actions: Z_n, 0; action i adds i mod n; uniform. */
static int build_cyclic(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i, k = (uint32_t)v[1].i;
    int rc = new_automaton(b, n, k, 0);
    if (rc)
        return rc;
    for (uint32_t s = 0; s < k; s++) {
        uint32_t add = s % n;
        for (uint32_t q = 0; q < n; q++)
            sc_set_delta(b->a, q, s, (q + add) % n);
        SYMBOL_NAME(b, s, "+%u", s);
    }
    sc_sampler_uniform(&b->tb->sampler, k);
    return set_description(
        b, xasprintf("cyclic group C%u: action i adds i mod %u (i < %u)", n, n, k));
}

/* product:k = C2^k: state Σ bit_j 2^j, 0; symbol 0 identity, i >= 1 flips bit i-1. */
static int build_product(builder *b, const pval *v)
{
    uint32_t kb = (uint32_t)v[0].i, n = 1u << kb;
    int rc = new_automaton(b, n, kb + 1, 0);
    if (rc)
        return rc;
    SYMBOL_NAME(b, 0, "id");
    for (uint32_t i = 1; i <= kb; i++) {
        for (uint32_t q = 0; q < n; q++)
            sc_set_delta(b->a, q, i, q ^ (1u << (i - 1)));
        SYMBOL_NAME(b, i, "flip%u", i - 1);
    }
    sc_sampler_uniform(&b->tb->sampler, kb + 1);
    return set_description(
        b, xasprintf("C2^%u: %u independent bits; symbol i >= 1 flips bit i-1", kb, kb));
}

/* dihedral:n — car on a circle: state n·toggle + position, start (0,0). Symbol 0 = U-turn
 * (toggle), 1 = drive one step: +1 when toggle = 0, -1 when toggle = 1 (mod n). synthseq's
 * 'position' label bug (None) is irrelevant here: we emit the state. */
static int build_dihedral(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i;
    int rc = new_automaton(b, 2 * n, 2, 0);
    if (rc)
        return rc;
    for (uint32_t t = 0; t < 2; t++)
        for (uint32_t p = 0; p < n; p++) {
            uint32_t q = n * t + p;
            sc_set_delta(b->a, q, 0, n * (1 - t) + p);
            uint32_t np = t == 0 ? (p + 1) % n : (p + n - 1) % n;
            sc_set_delta(b->a, q, 1, n * t + np);
            STATE_NAME(b, q, "%c%u", t ? '-' : '+', p);
        }
    SYMBOL_NAME(b, 0, "uturn");
    SYMBOL_NAME(b, 1, "drive");
    sc_sampler_uniform(&b->tb->sampler, 2);
    return set_description(
        b, xasprintf("dihedral group D%u: car on a circle of %u positions (U-turn, drive)",
                     2 * n, n));
}

/* quaternion Q8: 0..3 = +1,+i,+j,+k, 4..7 = negatives; right multiplication by 1,i,j,k.
 * Built from the multiplication rules i² = j² = k² = ijk = -1. */
static int build_quaternion(builder *b, const pval *v)
{
    (void)v;
    int rc = new_automaton(b, 8, 4, 0);
    if (rc)
        return rc;
    /* unit products e_a * e_b = sign * e_c for a, b in {1,i,j,k} (indices 0..3) */
    static const int prod[4][4] = {
        /* 1 */ {+1, +2, +3, +4},
        /* i */ {+2, -1, +4, -3},
        /* j */ {+3, -4, -1, +2},
        /* k */ {+4, +3, -2, -1},
    };
    static const char *const unit[4] = {"1", "i", "j", "k"};
    for (uint32_t q = 0; q < 8; q++) {
        uint32_t a = q % 4, neg = q / 4;
        for (uint32_t s = 0; s < 4; s++) {
            int p = prod[a][s];
            uint32_t c = (uint32_t)abs(p) - 1, nn = neg ^ (p < 0);
            sc_set_delta(b->a, q, s, c + 4 * nn);
        }
        STATE_NAME(b, q, "%s%s", neg ? "-" : "", unit[a]);
    }
    for (uint32_t s = 0; s < 4; s++)
        SYMBOL_NAME(b, s, "%s", unit[s]);
    sc_sampler_uniform(&b->tb->sampler, 4);
    return set_description(b, xasprintf("quaternion group Q8: right multiplication by 1,i,j,k"));
}

/* Fill δ of a permutation automaton on the arrangements `all` (N of them, indexed by
 * idx(rank)) for an action act: new[i] = old[act[i]]. */
static void fill_position_action(builder *b, uint32_t s, const uint8_t *all, uint32_t N,
                                 uint32_t n, const uint8_t *act, const int32_t *index_of_rank)
{
    uint8_t nw[PERM_NMAX];
    for (uint32_t q = 0; q < N; q++) {
        const uint8_t *old = all + (size_t)q * n;
        for (uint32_t i = 0; i < n; i++)
            nw[i] = old[act[i]];
        uint32_t r = perm_rank(nw, n);
        sc_set_delta(b->a, q, s, index_of_rank ? (uint32_t)index_of_rank[r] : r);
    }
}

/* symmetric:n,actions (S_n): arrangements of 0..n-1 in lexicographic order, start identity.
 * Symbol 0 = identity, 1 = left rotation new[i] = old[(i+1) mod n], 2 = swap positions 0,1,
 * symbols >= 3 = the remaining permutations p in lexicographic order (identity, rotation and
 * swap skipped), acting as new[i] = old[p[i]]. */
static uint32_t symmetric_max_actions(uint32_t n) { return n >= 3 ? factorial(n) : 3; }

static int build_symmetric(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i, k = (uint32_t)v[1].i, N = factorial(n);
    if (k > symmetric_max_actions(n))
        return sc_fail(b->err, SC_EXIT_REJECTED,
                       "automaton %s: parameter actions = %u, expected 1..%u for n = %u "
                       "(identity, rotation, swap and the other distinct permutations)",
                       b->shown, k, symmetric_max_actions(n), n);
    int rc = new_automaton(b, N, k, 0);
    if (rc)
        return rc;
    uint32_t cnt;
    uint8_t *all = perm_list(n, &cnt);
    uint8_t *acts = malloc((size_t)(k > 3 ? k : 3) * n);
    if (!all || !acts) {
        free(all);
        free(acts);
        b->oom = 1;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        acts[i] = (uint8_t)i;
        acts[n + i] = (uint8_t)((i + 1) % n);
        acts[2 * n + i] = (uint8_t)(i < 2 ? 1 - i : i);
    }
    uint32_t got = 3;
    for (uint32_t r = 0; r < N && got < k; r++) {
        const uint8_t *p = all + (size_t)r * n;
        if (!memcmp(p, acts, n) || !memcmp(p, acts + n, n) || !memcmp(p, acts + 2 * n, n))
            continue;
        memcpy(acts + (size_t)got * n, p, n);
        got++;
    }
    char txt[PERM_NMAX + 1];
    for (uint32_t s = 0; s < k; s++) {
        fill_position_action(b, s, all, N, n, acts + (size_t)s * n, NULL);
        perm_text(acts + (size_t)s * n, n, txt);
        if (s < 3)
            SYMBOL_NAME(b, s, "%s", s == 0 ? "id" : s == 1 ? "rot" : "swap");
        else
            SYMBOL_NAME(b, s, "perm%s", txt);
    }
    for (uint32_t q = 0; q < N; q++) {
        perm_text(all + (size_t)q * n, n, txt);
        STATE_NAME(b, q, "%s", txt);
    }
    free(all);
    free(acts);
    sc_sampler_uniform(&b->tb->sampler, k);
    return set_description(
        b, xasprintf("symmetric group S%u on arrangements of %u objects (%u actions)", n, n, k));
}

/* alternating:n (A_n): even arrangements in lexicographic order, start identity. Symbol 0 =
 * identity, j = 1..n-2 = the 3-cycle on positions (0,1,j+1): new[0] = old[1],
 * new[1] = old[j+1], new[j+1] = old[0] (synthseq's "(12x)" docstring is off by one). */
static int build_alternating(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i, N = factorial(n), k = n - 1;
    int rc = new_automaton(b, N / 2, k, 0);
    if (rc)
        return rc;
    uint32_t cnt;
    uint8_t *all = perm_list(n, &cnt), *even = malloc((size_t)(N / 2) * n + 1);
    int32_t *idx = malloc((size_t)N * sizeof *idx);
    if (!all || !even || !idx) {
        free(all);
        free(even);
        free(idx);
        b->oom = 1;
        return 0;
    }
    uint32_t m = 0;
    for (uint32_t r = 0; r < N; r++) {
        const uint8_t *p = all + (size_t)r * n;
        if (perm_is_even(p, n)) {
            memcpy(even + (size_t)m * n, p, n);
            idx[r] = (int32_t)m++;
        } else
            idx[r] = -1;
    }
    uint8_t act[PERM_NMAX];
    char txt[PERM_NMAX + 1];
    for (uint32_t s = 0; s < k; s++) {
        for (uint32_t i = 0; i < n; i++)
            act[i] = (uint8_t)i;
        if (s >= 1) {
            act[0] = 1;
            act[1] = (uint8_t)(s + 1);
            act[s + 1] = 0;
        }
        fill_position_action(b, s, even, m, n, act, idx);
        if (s == 0)
            SYMBOL_NAME(b, s, "id");
        else
            SYMBOL_NAME(b, s, "c01%u", s + 1);
    }
    for (uint32_t q = 0; q < m; q++) {
        perm_text(even + (size_t)q * n, n, txt);
        STATE_NAME(b, q, "%s", txt);
    }
    free(all);
    free(even);
    free(idx);
    sc_sampler_uniform(&b->tb->sampler, k);
    return set_description(
        b, xasprintf("alternating group A%u on even arrangements; 3-cycles (0,1,j+1)", n));
}

/* gridworld:n: 0..n-1, 0; symbol 0 = left, 1 = right, clamped; Bernoulli(prob1). */
static int build_gridworld(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i;
    int rc = new_automaton(b, n, 2, 0);
    if (rc)
        return rc;
    for (uint32_t q = 0; q < n; q++) {
        sc_set_delta(b->a, q, 0, q ? q - 1 : 0);
        sc_set_delta(b->a, q, 1, q + 1 < n ? q + 1 : n - 1);
    }
    SYMBOL_NAME(b, 0, "left");
    SYMBOL_NAME(b, 1, "right");
    sampler_bernoulli(b, v[1].p);
    return set_description(b, xasprintf("1-d gridworld: walk on 0..%u clamped at the ends", n - 1));
}

/* flipflop:n: states 0 = start, 1..n; symbol 0 = read (keep), a >= 1 = write a. Sampling:
 * write w.p. 1/2 with a uniform value, else read (synthseq). */
static int build_flipflop(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i;
    int rc = new_automaton(b, (uint64_t)n + 1, (uint64_t)n + 1, 0);
    if (rc)
        return rc;
    for (uint32_t a = 1; a <= n; a++)
        for (uint32_t q = 0; q <= n; q++)
            sc_set_delta(b->a, q, a, a);
    STATE_NAME(b, 0, "start");
    SYMBOL_NAME(b, 0, "read");
    for (uint32_t a = 1; a <= n; a++) {
        STATE_NAME(b, a, "%u", a);
        SYMBOL_NAME(b, a, "write%u", a);
    }
    double *w = sampler_weights(b, n + 1);
    if (w) {
        w[0] = 0.5;
        for (uint32_t a = 1; a <= n; a++)
            w[a] = 0.5 / n;
    }
    return set_description(b, xasprintf("flip-flop with %u values: read, or write a value", n));
}

/* memory: 1-bit memory unit; states {0,1}, 0; symbol 0 = set0, 1 = set1, 2 = no-op. */
static int build_memory(builder *b, const pval *v)
{
    (void)v;
    int rc = new_automaton(b, 2, 3, 0);
    if (rc)
        return rc;
    for (uint32_t q = 0; q < 2; q++) {
        sc_set_delta(b->a, q, 0, 0);
        sc_set_delta(b->a, q, 1, 1);
    }
    SYMBOL_NAME(b, 0, "set0");
    SYMBOL_NAME(b, 1, "set1");
    SYMBOL_NAME(b, 2, "noop");
    sc_sampler_uniform(&b->tb->sampler, 3);
    return set_description(b, xasprintf("1-bit memory unit: set0, set1, no-op"));
}

/* abab: 0..4 (4 absorbing), start 3; δ = [[4,1],[2,4],[4,3],[0,4],[4,4]]. Sampling (synthseq):
 * w.p. pattern_prob the sequence 0,1,0,1,..., else i.i.d. Bernoulli(prob1). */
static int build_abab(builder *b, const pval *v)
{
    int rc = new_automaton(b, 5, 2, 3);
    if (rc)
        return rc;
    /* the cycle 3 -0-> 0 -1-> 1 -0-> 2 -1-> 3; any other step falls into 4 */
    static const uint32_t next_on[4] = {1, 0, 1, 0}; /* expected symbol in state q */
    static const uint32_t succ[4] = {1, 2, 3, 0};
    for (uint32_t q = 0; q < 5; q++)
        for (uint32_t s = 0; s < 2; s++)
            sc_set_delta(b->a, q, s, q < 4 && s == next_on[q] ? succ[q] : 4);
    sampler_bernoulli(b, v[0].p);
    b->tb->sampler.kind = SC_SAMPLE_ABAB;
    b->tb->sampler.pattern_prob = v[1].p;
    return set_description(b, xasprintf("abab: recognizes prefixes of (01)*, absorbing state 4"));
}

/* adder:addends (synthseq's AdderAutomaton, label 'state'): token = Σ_i 2^i bit_i (bit_i =
 * the current bit of addend i, LSB first). With sum = Σ_i bit_i + carry: digit = sum mod
 * addends, carry' = sum div addends (∈ {0,1}); state = digit + addends·carry, q0 = 0.
 * For addends = 2 this is binary addition: the labels are the sum's bits plus 2·carry.
 * Sampling: every addend bit Bernoulli(prob1) (synthseq also appends one all-zero token to
 * flush the carry; that is the generator's business). */
static int build_adder(builder *b, const pval *v)
{
    uint32_t m = (uint32_t)v[0].i, k = 1u << m, n = 2 * m;
    int rc = new_automaton(b, n, k, 0);
    if (rc)
        return rc;
    for (uint32_t s = 0; s < k; s++) {
        uint32_t ones = (uint32_t)__builtin_popcount(s);
        for (uint32_t q = 0; q < n; q++) {
            uint32_t carry = q / m, sum = ones + carry;
            sc_set_delta(b->a, q, s, sum % m + m * (sum / m));
        }
    }
    for (uint32_t q = 0; q < n; q++)
        STATE_NAME(b, q, "d%uc%u", q % m, q / m);
    double p = v[1].p;
    if (p == 0.5)
        sc_sampler_uniform(&b->tb->sampler, k);
    else {
        double *w = sampler_weights(b, k);
        if (w)
            for (uint32_t s = 0; s < k; s++) {
                uint32_t ones = (uint32_t)__builtin_popcount(s);
                w[s] = pow(p, ones) * pow(1.0 - p, m - ones);
            }
    }
    return set_description(
        b, xasprintf("serial adder of %u numbers, LSB first: state = digit + %u*carry", m, m));
}

/* permutation_reset:n,generators: the n! arrangements (lexicographic), start identity.
 * Token r < n! resets to arrangement r; token n! + j applies generator g_j to the values:
 * new[i] = g_j[old[i]]. Sampling: synthseq inserts resets at random power-of-two lags; as an
 * i.i.d. stand-in, resets have total probability 1/16 (uniform among them) and the
 * generators share 15/16 uniformly. */
static int parse_generators(builder *b, const char *txt, uint32_t n, uint8_t *g, uint32_t *ng,
                            uint32_t maxg)
{
    uint32_t count = 0;
    char fb[FRAG_CAP + 4];
    const char *p = txt;
    for (;;) {
        const char *end = strchr(p, '.');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (count >= maxg)
            return sc_fail(b->err, SC_EXIT_REJECTED,
                           "automaton %s: parameter generators: more than %u generators",
                           b->shown, maxg);
        uint8_t seen[PERM_NMAX] = {0};
        int ok = len == n;
        for (size_t i = 0; ok && i < len; i++) {
            int d = p[i] - '0';
            ok = d >= 0 && (uint32_t)d < n && !seen[d];
            if (ok) {
                seen[d] = 1;
                g[(size_t)count * n + i] = (uint8_t)d;
            }
        }
        if (!ok)
            return sc_fail(b->err, SC_EXIT_REJECTED,
                           "automaton %s: parameter generators: generator %u '%s', expected "
                           "%u distinct digits 0..%u (a permutation g[0]..g[%u]); generators "
                           "are separated by '.'",
                           b->shown, count + 1, frag(p, len, fb), n, n - 1, n - 1);
        count++;
        if (!end)
            break;
        p = end + 1;
    }
    *ng = count;
    return 0;
}

static int build_permutation_reset(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i, N = factorial(n), ng = 0;
    uint32_t maxg = SC_MAX_SYMBOLS - N;
    uint8_t *g = malloc((size_t)(strlen(v[1].s) / (n ? n : 1) + 2) * n);
    if (!g) {
        b->oom = 1;
        return 0;
    }
    int rc = parse_generators(b, v[1].s, n, g, &ng, maxg);
    if (!rc)
        rc = new_automaton(b, N, (uint64_t)N + ng, 0);
    uint32_t cnt;
    uint8_t *all = rc ? NULL : perm_list(n, &cnt);
    if (rc || !all) {
        free(g);
        if (!rc)
            b->oom = 1;
        return rc;
    }
    uint8_t nw[PERM_NMAX];
    char txt[PERM_NMAX + 1];
    for (uint32_t r = 0; r < N; r++) {
        for (uint32_t q = 0; q < N; q++)
            sc_set_delta(b->a, q, r, r);
        perm_text(all + (size_t)r * n, n, txt);
        SYMBOL_NAME(b, r, "reset%s", txt);
        STATE_NAME(b, r, "%s", txt);
    }
    for (uint32_t j = 0; j < ng; j++) {
        const uint8_t *gj = g + (size_t)j * n;
        for (uint32_t q = 0; q < N; q++) {
            const uint8_t *old = all + (size_t)q * n;
            for (uint32_t i = 0; i < n; i++)
                nw[i] = gj[old[i]];
            sc_set_delta(b->a, q, N + j, perm_rank(nw, n));
        }
        perm_text(gj, n, txt);
        SYMBOL_NAME(b, N + j, "gen%s", txt);
    }
    double *w = sampler_weights(b, N + ng);
    if (w) {
        for (uint32_t r = 0; r < N; r++)
            w[r] = 1.0 / 16.0 / N;
        for (uint32_t j = 0; j < ng; j++)
            w[N + j] = 15.0 / 16.0 / ng;
    }
    free(all);
    free(g);
    return set_description(
        b, xasprintf("permutation-reset on %u points: %u reset tokens, then %u generators", n, N,
                     ng));
}

/* dyck:types,depth — bounded Dyck language. States: every stack of depth <= depth over
 * `types` bracket kinds, numbered by depth d, then by the stack read bottom-to-top as a
 * base-`types` number c: state = (types^0 + ... + types^(d-1)) + c; then the absorbing reject
 * state (the last). Start: the empty stack (0). Symbol i < types = open_i (push i; reject if
 * full); symbol types+i = close_i (pop if the top is i, else reject). */
static int build_dyck(builder *b, const pval *v)
{
    uint64_t t = (uint64_t)v[0].i, D = (uint64_t)v[1].i, pw = 1, total = 0;
    for (uint64_t d = 0; d <= D && total <= SC_MAX_STATES; d++, pw *= t)
        total += pw; /* pw = t^d <= total + 1 stays small: the loop stops past 65535 */
    if (total + 1 > SC_MAX_STATES)
        return sc_fail(b->err, SC_EXIT_REJECTED,
                       "automaton %s: more than %u states (stacks of depth <= %llu over %llu "
                       "bracket types, plus reject), expected at most %u",
                       b->shown, SC_MAX_STATES, (unsigned long long)D, (unsigned long long)t,
                       SC_MAX_STATES);
    uint32_t n = (uint32_t)total + 1, rej = n - 1, k = (uint32_t)(2 * t);
    int rc = new_automaton(b, n, k, 0);
    if (rc)
        return rc;
    uint64_t *off = malloc((D + 2) * sizeof *off); /* off[d] = t^0 + ... + t^(d-1) */
    if (!off) {
        b->oom = 1;
        return 0;
    }
    off[0] = 0;
    pw = 1;
    for (uint64_t d = 0; d <= D; d++, pw *= t)
        off[d + 1] = off[d] + pw;
    int named = t <= 4 && D < 80; /* bracket strings as state names */
    static const char open_c[] = "([{<", close_c[] = ")]}>";
    for (uint32_t s = 0; s < k; s++) {
        for (uint32_t q = 0; q < n; q++)
            sc_set_delta(b->a, q, s, rej);
        if (named)
            SYMBOL_NAME(b, s, "%c", s < t ? open_c[s] : close_c[s - t]);
        else
            SYMBOL_NAME(b, s, "%s%llu", s < t ? "open" : "close",
                        (unsigned long long)(s < t ? s : s - t));
    }
    char buf[80];
    for (uint64_t d = 0, size = 1; d <= D; d++, size *= t)
        for (uint64_t c = 0; c < size; c++) {
            uint32_t q = (uint32_t)(off[d] + c);
            if (d < D)
                for (uint32_t i = 0; i < t; i++)
                    sc_set_delta(b->a, q, i, (uint32_t)(off[d + 1] + c * t + i));
            if (d > 0)
                sc_set_delta(b->a, q, (uint32_t)(t + c % t), (uint32_t)(off[d - 1] + c / t));
            if (named) {
                uint64_t x = c;
                for (uint64_t j = d; j-- > 0; x /= t)
                    buf[j] = open_c[x % t];
                buf[d] = '\0';
                STATE_NAME(b, q, "%s", d ? buf : "empty");
            }
        }
    free(off);
    if (named)
        STATE_NAME(b, rej, "reject");
    sc_sampler *sm = &b->tb->sampler;
    sc_sampler_uniform(sm, k);
    sm->kind = SC_SAMPLE_DYCK;
    sm->dyck_types = (uint32_t)t;
    sm->dyck_depth = (uint32_t)D;
    return set_description(
        b, xasprintf("bounded Dyck language: %llu bracket types, depth <= %llu, reject state %u",
                     (unsigned long long)t, (unsigned long long)D, rej));
}

/* full:n (T_n): 0..n-1, 0. Symbol 0 = cycle q -> q+1 mod n, 1 = transposition (0 1),
 * 2 = the map 0 -> 1 fixing the rest. They generate the full transformation monoid T_n for
 * n >= 2. n = 1: all three are the identity (T_1 = {id}); n = 2: the cycle is (0 1) too. */
static int build_full(builder *b, const pval *v)
{
    uint32_t n = (uint32_t)v[0].i;
    int rc = new_automaton(b, n, 3, 0);
    if (rc)
        return rc;
    for (uint32_t q = 0; q < n; q++) {
        sc_set_delta(b->a, q, 0, (q + 1) % n);
        sc_set_delta(b->a, q, 1, n >= 2 && q < 2 ? 1 - q : q);
        sc_set_delta(b->a, q, 2, n >= 2 && q == 0 ? 1 : q);
    }
    SYMBOL_NAME(b, 0, "cycle");
    SYMBOL_NAME(b, 1, "swap01");
    SYMBOL_NAME(b, 2, "merge01");
    sc_sampler_uniform(&b->tb->sampler, 3);
    return set_description(
        b, xasprintf("full transformation monoid T%u: cycle, transposition (0 1), 0->1", n));
}

/* ---------------------------------------------------------------------------------------- */
/* The catalog                                                                              */

#define PROB1 {"prob1", P_PROB, 0, 0, "0.5", "a probability in [0,1]"}

static const entry catalog[] = {
    {{"parity", "prob1=0.5", "C2: running parity of a bit string (synthseq parity)"},
     1, {PROB1}, build_parity},
    {{"cyclic", "n=5,actions=2", "cyclic group C_n: action i adds i mod n"},
     2,
     {{"n", P_INT, 1, 65535, "5", "an integer 1..65535"},
      {"actions", P_INT, 1, 65535, "2", "an integer 1..65535"}},
     build_cyclic},
    {{"product", "k=3", "C2^k: k independent parity bits, symbol i flips bit i-1"},
     1, {{"k", P_INT, 1, 15, "3", "an integer 1..15 (2^k states)"}}, build_product},
    {{"dihedral", "n=4", "dihedral group D_2n: car on a circle (U-turn, drive)"},
     1, {{"n", P_INT, 1, 32767, "4", "an integer 1..32767 (2n states)"}}, build_dihedral},
    {{"quaternion", "", "quaternion group Q8: right multiplication by 1,i,j,k"},
     0, {{0}}, build_quaternion},
    {{"symmetric", "n=5,actions=3", "symmetric group S_n on arrangements: id, rotation, swap"},
     2,
     {{"n", P_INT, 2, 8, "5", "an integer 2..8 (n! states)"},
      {"actions", P_INT, 1, 40320, "3", "an integer 1..n!"}},
     build_symmetric},
    {{"alternating", "n=5", "alternating group A_n on even arrangements: 3-cycles (0,1,j)"},
     1, {{"n", P_INT, 3, 8, "5", "an integer 3..8 (n!/2 states)"}}, build_alternating},
    {{"gridworld", "n=9,prob1=0.5", "1-d gridworld: left/right walk clamped to 0..n-1"},
     2, {{"n", P_INT, 1, 65535, "9", "an integer 1..65535"}, PROB1}, build_gridworld},
    {{"flipflop", "n=2", "flip-flop: read, or write one of n values"},
     1, {{"n", P_INT, 1, 8191, "2", "an integer 1..8191 ((n+1)^2 transitions)"}},
     build_flipflop},
    {{"memory", "", "1-bit memory unit: set0, set1, no-op"}, 0, {{0}}, build_memory},
    {{"abab", "prob1=0.5,pattern_prob=0.25", "abab: prefixes of (01)*, start 3, absorbing 4"},
     2, {PROB1, {"pattern_prob", P_PROB, 0, 0, "0.25", "a probability in [0,1]"}}, build_abab},
    {{"adder", "addends=2,prob1=0.5", "serial binary adder, LSB first: digit + addends*carry"},
     2, {{"addends", P_INT, 2, 15, "2", "an integer 2..15 (2^addends symbols)"}, PROB1},
     build_adder},
    {{"permutation_reset", "n=5,generators=10234.40123",
      "permutation-reset: reset to any arrangement, or apply a generator to the values"},
     2,
     {{"n", P_INT, 1, 7, "5", "an integer 1..7 (n! states, n!+generators symbols)"},
      {"generators", P_GENS, 0, 0, "", "permutations of 0..n-1 as digit strings joined by '.'"}},
     build_permutation_reset},
    {{"dyck", "types=2,depth=4", "bounded Dyck language: stacks of depth <= depth, reject"},
     2,
     {{"types", P_INT, 1, 32767, "2", "an integer 1..32767"},
      {"depth", P_INT, 1, 65533, "4", "an integer 1..65533"}},
     build_dyck},
    {{"full", "n=5", "full transformation monoid T_n: cycle, transposition, merge 0->1"},
     1, {{"n", P_INT, 1, 65535, "5", "an integer 1..65535"}}, build_full},
};
#define NCAT (sizeof catalog / sizeof catalog[0])

static const sc_alias aliases[] = {
    {"C2", "parity"},          {"C3", "cyclic:n=3,actions=2"},
    {"C2^3", "product:k=3"},   {"D6", "dihedral:n=3"},
    {"D8", "dihedral:n=4"},    {"Q8", "quaternion"},
    {"A5", "alternating:n=5"}, {"S5", "symmetric:n=5,actions=3"},
    {"Grid9", "gridworld:n=9"}, {"Dyck", "dyck:types=2,depth=4"},
    {"T5", "full:n=5"},        {"FF2", "flipflop:n=2"},
};
#define NALIAS (sizeof aliases / sizeof aliases[0])

size_t sc_catalog_size(void) { return NCAT; }
const sc_catalog_info *sc_catalog_at(size_t i) { return i < NCAT ? &catalog[i].info : NULL; }
size_t sc_alias_count(void) { return NALIAS; }
const sc_alias *sc_alias_at(size_t i) { return i < NALIAS ? &aliases[i] : NULL; }

/* Overwrites *s entirely (it may be uninitialised): does not free earlier weights. */
void sc_sampler_uniform(sc_sampler *s, uint32_t k)
{
    memset(s, 0, sizeof *s);
    s->kind = SC_SAMPLE_IID;
    s->k = k;
    s->uniform = 1;
}

void sc_testbed_free(sc_testbed *tb)
{
    if (!tb)
        return;
    free(tb->spec);
    free(tb->description);
    sc_automaton_free(tb->automaton);
    free(tb->sampler.weights);
    free(tb);
}

/* ---------------------------------------------------------------------------------------- */
/* Parsing                                                                                  */

/* Printable, bounded copy of user text for one-line messages. */
static void printable(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        if (i >= 160 && s[i + 1]) {
            o += (size_t)snprintf(out + o, cap - o, "...");
            break;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* Printable copy of len bytes of user text (at most 64 shown), for one-line messages. */
static const char *frag(const char *s, size_t len, char *fb)
{
    char tmp[72];
    size_t n = len > 64 ? 64 : len;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    printable(tmp, fb, FRAG_CAP);
    if (len > 64)
        strcat(fb, "...");
    return fb;
}

/* A positive decimal integer without sign or leading zeros, < 10^9. */
static int parse_count(const char *s, size_t len, long *out)
{
    if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_prob(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789.eE+-", s[i]))
            return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end || errno || !isfinite(d) || d < 0 || d > 1)
        return -1;
    *out = d;
    return 0;
}

/* Shortest decimal text that reads back as d. */
static void format_prob(double d, char *out, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

static const entry *find_entry(const char *name, size_t len)
{
    for (size_t i = 0; i < NCAT; i++)
        if (strlen(catalog[i].info.name) == len && !memcmp(catalog[i].info.name, name, len))
            return &catalog[i];
    return NULL;
}

/* Patterns: Cn, C2^k, Sn, An, Tn, D2n, Gridn, FFn -> expanded spec in out. 1 if matched,
 * 0 if not, -1 with err set if matched the shape but is invalid. */
static int expand_pattern(const char *spec, const char *shown, char *out, size_t cap,
                          sc_error *err)
{
    static const struct {
        const char *prefix, *fmt;
    } pats[] = {
        {"C2^", "product:k=%ld"},   {"C", "cyclic:n=%ld,actions=2"}, {"S", "symmetric:n=%ld"},
        {"A", "alternating:n=%ld"}, {"T", "full:n=%ld"},             {"D", "dihedral:n=%ld"},
        {"Grid", "gridworld:n=%ld"}, {"FF", "flipflop:n=%ld"},
    };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        size_t pl = strlen(pats[i].prefix);
        if (strncmp(spec, pats[i].prefix, pl))
            continue;
        const char *num = spec + pl;
        size_t len = strlen(num);
        if (len == 0 || strspn(num, "0123456789") != len)
            continue;
        long v;
        if (parse_count(num, len, &v) || v == 0) {
            sc_fail(err, SC_EXIT_REJECTED,
                    "automaton %s: the number in the pattern %sN must be a positive integer "
                    "without leading zeros",
                    shown, pats[i].prefix);
            return -1;
        }
        if (!strcmp(pats[i].prefix, "D")) {
            if (v % 2) {
                sc_fail(err, SC_EXIT_REJECTED,
                        "automaton %s: dihedral groups are named by their order 2n (GAP "
                        "convention, D8 = dihedral:n=4), expected an even number",
                        shown);
                return -1;
            }
            v /= 2;
        }
        if (!strcmp(pats[i].prefix, "C") && v == 2)
            snprintf(out, cap, "parity");
        else
            snprintf(out, cap, pats[i].fmt, v);
        return 1;
    }
    return 0;
}

sc_testbed *sc_catalog_build(const char *spec, sc_error *err)
{
    char shown[400], expanded[128], fb[FRAG_CAP + 4];
    if (!spec || !*spec) {
        sc_fail(err, SC_EXIT_REJECTED, "automaton '': empty name, expected a catalog name "
                                       "(see 'shortcut list'), an alias or a JSON file");
        return NULL;
    }
    char text[200];
    printable(spec, text, sizeof text);
    snprintf(shown, sizeof shown, "'%s'", text);

    /* aliases and patterns expand to a catalog spec; messages name what was typed and, for
     * an alias or pattern, what it stands for */
    const char *s = spec;
    for (size_t i = 0; i < NALIAS; i++)
        if (!strcmp(spec, aliases[i].alias))
            s = aliases[i].spec;
    if (s == spec) {
        int m = expand_pattern(spec, shown, expanded, sizeof expanded, err);
        if (m < 0)
            return NULL;
        if (m > 0)
            s = expanded;
    }
    if (s != spec)
        snprintf(shown, sizeof shown, "'%s' (= %s)", text, s);

    const char *colon = strchr(s, ':');
    size_t nlen = colon ? (size_t)(colon - s) : strlen(s);
    const entry *e = find_entry(s, nlen);
    if (!e) {
        char names[512];
        size_t o = 0;
        for (size_t i = 0; i < NCAT && o < sizeof names; i++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "",
                                  catalog[i].info.name);
        sc_fail(err, SC_EXIT_REJECTED,
                "automaton %s: unknown name '%s', expected a catalog name (%s), an alias "
                "(C2, C3, C2^3, D6, D8, Q8, A5, S5, Grid9, Dyck, T5, FF2), a pattern (Cn, Sn, "
                "An, Tn, D2n, Gridn, C2^k, FFn) or a JSON file",
                shown, frag(s, nlen, fb), names);
        return NULL;
    }

    /* defaults, then key=value pairs */
    pval v[MAXP];
    int given[MAXP] = {0};
    memset(v, 0, sizeof v);
    for (int j = 0; j < e->np; j++) {
        const param_def *pd = &e->p[j];
        if (pd->type == P_INT)
            parse_count(pd->def, strlen(pd->def), &v[j].i);
        else if (pd->type == P_PROB)
            parse_prob(pd->def, strlen(pd->def), &v[j].p);
    }
    if (colon) {
        const char *p = colon + 1;
        if (!*p) {
            sc_fail(err, SC_EXIT_REJECTED,
                    "automaton %s: nothing after ':', expected key=value[,key=value...]",
                    shown);
            return NULL;
        }
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            const char *eq = memchr(p, '=', len);
            if (!eq) {
                sc_fail(err, SC_EXIT_REJECTED,
                        "automaton %s: parameter '%s' has no '=', expected key=value",
                        shown, frag(p, len, fb));
                return NULL;
            }
            size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
            int j = -1;
            for (int t = 0; t < e->np; t++)
                if (strlen(e->p[t].key) == klen && !memcmp(e->p[t].key, p, klen))
                    j = t;
            if (j < 0) {
                char keys[128];
                size_t ko = 0;
                keys[0] = '\0';
                for (int t = 0; t < e->np; t++)
                    ko += (size_t)snprintf(keys + ko, sizeof keys - ko, "%s%s", t ? ", " : "",
                                           e->p[t].key);
                sc_fail(err, SC_EXIT_REJECTED,
                        "automaton %s: unknown parameter '%s' for %s, expected %s%s", shown,
                        frag(p, klen, fb), e->info.name,
                        e->np ? "one of: " : "no parameters", keys);
                return NULL;
            }
            if (given[j]) {
                sc_fail(err, SC_EXIT_REJECTED, "automaton %s: parameter %s given twice", shown,
                        e->p[j].key);
                return NULL;
            }
            given[j] = 1;
            const param_def *pd = &e->p[j];
            const char *val = eq + 1;
            int bad = 0;
            if (pd->type == P_INT)
                bad = parse_count(val, vlen, &v[j].i) || v[j].i < pd->min || v[j].i > pd->max;
            else if (pd->type == P_PROB)
                bad = parse_prob(val, vlen, &v[j].p);
            else {
                bad = vlen == 0 || vlen >= GENS_MAX;
                if (!bad) {
                    memcpy(v[j].s, val, vlen);
                    v[j].s[vlen] = '\0';
                }
            }
            if (bad) {
                sc_fail(err, SC_EXIT_REJECTED,
                        "automaton %s: parameter %s = '%s', expected %s", shown, pd->key,
                        frag(val, vlen, fb), pd->expect);
                return NULL;
            }
            if (!comma)
                break;
            p = comma + 1;
        }
    }

    /* permutation_reset: default generators depend on n (swap of 0,1 and an n-cycle) */
    for (int j = 0; j < e->np; j++)
        if (e->p[j].type == P_GENS && !given[j]) {
            uint32_t n = (uint32_t)v[0].i;
            char *o = v[j].s;
            for (uint32_t i = 0; i < n; i++)
                o[i] = (char)('0' + (n >= 2 && i < 2 ? 1 - i : i));
            o[n] = '.';
            for (uint32_t i = 0; i < n; i++)
                o[n + 1 + i] = (char)('0' + (i + n - 1) % n);
            o[2 * n + 1] = '\0';
        }

    /* canonical spec */
    size_t cap = strlen(e->info.name) + 64 + MAXP * (GENS_MAX + 32);
    char *canon = malloc(cap);
    sc_testbed *tb = calloc(1, sizeof *tb);
    if (!canon || !tb) {
        free(canon);
        free(tb);
        sc_fail(err, SC_EXIT_LIMIT, "automaton %s: out of memory", shown);
        return NULL;
    }
    size_t o = (size_t)snprintf(canon, cap, "%s", e->info.name);
    for (int j = 0; j < e->np; j++) {
        char val[GENS_MAX];
        if (e->p[j].type == P_INT)
            snprintf(val, sizeof val, "%ld", v[j].i);
        else if (e->p[j].type == P_PROB)
            format_prob(v[j].p, val, sizeof val);
        else
            snprintf(val, sizeof val, "%s", v[j].s);
        o += (size_t)snprintf(canon + o, cap - o, "%c%s=%s", j ? ',' : ':', e->p[j].key, val);
    }
    tb->spec = canon;
    sc_sampler_uniform(&tb->sampler, 1);

    sc_error local;
    sc_error_clear(&local);
    builder b = {.shown = shown, .tb = tb, .err = err ? err : &local};
    int rc = e->build(&b, v);
    if (!rc && b.oom)
        rc = sc_fail(b.err, SC_EXIT_LIMIT, "automaton %s: out of memory", shown);
    if (!rc && (!tb->automaton || !tb->description))
        rc = sc_fail(b.err, SC_EXIT_LIMIT, "automaton %s: out of memory", shown);
    if (!rc)
        rc = sc_automaton_validate(tb->automaton, b.err);
    if (rc) {
        sc_testbed_free(tb);
        return NULL;
    }
    return tb;
}
