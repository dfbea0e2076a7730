/* Krohn–Rhodes cascades: the common layer (build dispatch, component names, simulation,
 * certificate, DOT) and the composition-series cascade of a permutation automaton. The
 * holonomy decomposition is in src/holonomy.c. See src/cascade.h. */
#include "cascade.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "holonomy.h"
#include "perm.h"

/* ---- component names ------------------------------------------------------------------- */

static void strip_underscores(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; in[i] && j + 1 < size; i++)
        if (in[i] != '_')
            out[j++] = in[i];
    out[j] = 0;
}

/* Names recognised from the element table (|G| <= 2^16): abelian invariants ("C4 x C2",
 * invariant factors descending, as GAP's StructureDescription), Q8, dihedral D2k, S_k
 * (k != 6) in any action. 0 = named. */
static int name_by_elements(sc_group *G, uint32_t m, uint64_t N, const sc_group_factors *F,
                            char *buf, size_t size)
{
    sc_group_elts *E = NULL;
    if ((uint64_t)N * m > (1u << 24) || sc_group_elts_new(G, N, &E) != SC_GROUP_OK)
        return -1;
    size_t n = sc_group_elts_count(E);
    uint64_t *ord = malloc(n * sizeof *ord);
    uint8_t *mark = malloc(m);
    sc_state *t = malloc(2 * (size_t)m * sizeof *t);
    int rc = -1;
    if (!ord || !mark || !t)
        goto out;
    for (size_t i = 0; i < n; i++)
        ord[i] = sc_perm_order(m, sc_group_elts_at(E, i), mark);
    if (sc_group_is_abelian(G)) {
        /* per prime p: r_e = log_p #{x : ord(x) | p^e}; #cyclic factors of order >= p^e is
           r_e - r_{e-1} */
        uint64_t inv[64];
        size_t ninv = 0;
        for (size_t i = 0; i < 64; i++)
            inv[i] = 1;
        uint64_t rest = N;
        for (uint64_t p = 2; rest > 1; p++) {
            if (rest % p)
                continue;
            while (rest % p == 0)
                rest /= p;
            uint64_t pe = 1, prev_r = 0;
            for (int e = 1; e < 64; e++) {
                pe *= p;
                uint64_t cnt = 0;
                for (size_t i = 0; i < n; i++)
                    cnt += pe % ord[i] == 0;
                uint64_t r = 0;
                for (uint64_t c = cnt; c > 1; c /= p)
                    r++;
                if (r == prev_r)
                    break;
                for (uint64_t f = 0; f < r - prev_r && f < 64; f++)
                    inv[f] *= p; /* factor f has exponent >= e */
                if (r - prev_r > ninv)
                    ninv = r - prev_r;
                prev_r = r;
            }
        }
        size_t len = 0;
        buf[0] = 0;
        for (size_t f = 0; f < ninv && len < size; f++)
            len += (size_t)snprintf(buf + len, size - len, "%sC%" PRIu64, f ? " x " : "", inv[f]);
        rc = 0;
        goto out;
    }
    size_t inv2 = 0;
    for (size_t i = 0; i < n; i++)
        inv2 += ord[i] == 2;
    if (N == 8 && inv2 == 1) {
        snprintf(buf, size, "Q8");
        rc = 0;
        goto out;
    }
    if (N % 2 == 0 && N >= 6) {
        /* dihedral: an element a of order N/2 and every element outside <a> an involution */
        for (size_t i = 0; i < n && rc; i++) {
            if (ord[i] != N / 2)
                continue;
            uint8_t *in = calloc(n, 1);
            if (!in)
                goto out;
            const sc_state *a = sc_group_elts_at(E, i);
            tf_identity(m, t);
            for (uint64_t j = 0; j < N / 2; j++) {
                size_t x = sc_group_elts_find(E, t);
                if (x != SIZE_MAX)
                    in[x] = 1;
                tf_compose(m, t, a, t);
            }
            int dih = 1;
            for (size_t x = 0; x < n && dih; x++)
                dih = in[x] || ord[x] == 2;
            free(in);
            if (dih) { /* GAP: the dihedral group of order 6 is "S3" */
                if (N == 6)
                    snprintf(buf, size, "S3");
                else
                    snprintf(buf, size, "D%" PRIu64, N);
                rc = 0;
            }
            /* in D_2k (k >= 3) every element of order k generates the rotations: testing
               the first one decides */
            break;
        }
        if (!rc)
            goto out;
    }
    /* S_k, k >= 5, k != 6: order k!, factors {C_2, A_k}, trivial centre */
    if (F->len == 2 && mpz_cmp_ui(F->f[0].order, 2) == 0) {
        uint64_t f = 1;
        unsigned kk = 1;
        while (f < N)
            f *= ++kk;
        char an[32];
        snprintf(an, sizeof an, "A_%u", kk);
        if (f == N && kk >= 5 && kk != 6 && !strcmp(F->f[1].name, an)) {
            size_t centre = 0;
            for (size_t x = 0; x < n; x++) {
                int central = 1;
                for (size_t g = 0; g < sc_group_ngens(G) && central; g++) {
                    tf_compose(m, sc_group_elts_at(E, x), sc_group_gen(G, g), t);
                    tf_compose(m, sc_group_gen(G, g), sc_group_elts_at(E, x), t + m);
                    central = !memcmp(t, t + m, m * sizeof *t);
                }
                centre += central;
            }
            if (centre == 1) {
                snprintf(buf, size, "S%u", kk);
                rc = 0;
            }
        }
    }
out:
    free(ord); free(mark); free(t);
    sc_group_elts_free(E);
    return rc;
}

/* SgpDec-style display name of G acting on m points. */
static void group_name(sc_group *G, uint32_t m, const mpz_t order, const sc_group_factors *F,
                       char *buf, size_t size)
{
    if (mpz_cmp_ui(order, 1) == 0) {
        snprintf(buf, size, "1");
        return;
    }
    if (F->len == 1) {
        if (mpz_probab_prime_p(F->f[0].order, 30))
            gmp_snprintf(buf, size, "C%Zd", F->f[0].order);
        else
            strip_underscores(F->f[0].name, buf, size);
        return;
    }
    if (m <= 4096) {
        mpz_t f;
        mpz_init(f);
        mpz_fac_ui(f, m);
        int sym = mpz_cmp(f, order) == 0;
        mpz_tdiv_q_2exp(f, f, 1);
        int alt = mpz_cmp(f, order) == 0;
        mpz_clear(f);
        if (sym) {
            snprintf(buf, size, "S%u", m);
            return;
        }
        if (alt) {
            uint8_t *mark = malloc(m);
            int even = mark != NULL;
            for (size_t g = 0; even && g < sc_group_ngens(G); g++) {
                /* parity: m minus the number of cycles */
                const sc_state *p = sc_group_gen(G, g);
                memset(mark, 0, m);
                uint32_t cycles = 0;
                for (uint32_t x = 0; x < m; x++)
                    if (!mark[x]) {
                        cycles++;
                        for (uint32_t y = x; !mark[y]; y = p[y])
                            mark[y] = 1;
                    }
                even = (m - cycles) % 2 == 0;
            }
            free(mark);
            if (even) {
                snprintf(buf, size, "A%u", m);
                return;
            }
        }
    }
    if (mpz_cmp_ui(order, 1u << 16) <= 0 &&
        name_by_elements(G, m, mpz_get_ui(order), F, buf, size) == 0)
        return;
    gmp_snprintf(buf, size, "order %Zd", order);
}

int sc_comp_set_group(sc_comp *cp, sc_group *G, uint32_t m, sc_error *err)
{
    mpz_t o;
    mpz_init(o);
    int grc = sc_group_order(G, o);
    if (grc == SC_GROUP_OK)
        grc = sc_group_composition_factors(G, &cp->factors);
    if (grc != SC_GROUP_OK) {
        mpz_clear(o);
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: component group: %s", sc_group_strerror(grc));
    }
    cp->order = malloc(mpz_sizeinbase(o, 10) + 2);
    if (!cp->order) {
        mpz_clear(o);
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
    }
    mpz_get_str(cp->order, 10, o);
    cp->order_u64 = mpz_sizeinbase(o, 2) <= 64 ? (uint64_t)mpz_get_ui(o) : 0;
    cp->trivial = mpz_cmp_ui(o, 1) == 0;
    group_name(G, m, o, &cp->factors, cp->name, sizeof cp->name);
    mpz_clear(o);
    return 0;
}

/* ---- composition-series cascade ---------------------------------------------------------- */

struct sc_grp {
    uint32_t norb;     /* orbits of G on Q */
    uint32_t *orb_of;  /* n */
    sc_state *orep;    /* norb representatives */
    uint32_t *ident;   /* identity permutation of the orbit level (norb entries) */
    size_t top;        /* 1 iff the orbit level exists (norb > 1) */
    uint32_t m;        /* factor levels */
    uint32_t *fsize;   /* |F_j| */
    uint64_t *stride;  /* Π_{i>j} |F_i| */
    uint64_t N;        /* |G| */
    uint32_t *elem;    /* coordinate index (mixed radix, level 1 most significant) -> element */
    sc_state *repimg;  /* N * norb: orep[o]^x */
    uint32_t **rmul;   /* rmul[j][e*|F_j| + c] = c·e in F_j */
    uint32_t **dep;    /* dep[j][p*k + σ] = F_j element selected by the prefix p and σ */
    int32_t *enc;      /* n * L: canonical cascade state of each point */
};

static void grp_free(sc_grp *g)
{
    if (!g)
        return;
    for (uint32_t j = 0; j < g->m; j++) {
        if (g->rmul)
            free(g->rmul[j]);
        if (g->dep)
            free(g->dep[j]);
    }
    free(g->rmul); free(g->dep); free(g->orb_of); free(g->orep); free(g->ident);
    free(g->fsize); free(g->stride); free(g->elem); free(g->repimg); free(g->enc);
    free(g);
}

#define GTRY(call)                                                                           \
    do {                                                                                     \
        int grc_ = (call);                                                                   \
        if (grc_ != SC_GROUP_OK) {                                                           \
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: %s: %s", #call,                       \
                         sc_group_strerror(grc_));                                           \
            goto out;                                                                        \
        }                                                                                    \
    } while (0)

/* The group generated by the generators of a and b (either may be NULL) plus extra. */
static int group_join(uint32_t n, sc_group *a, sc_group *b, size_t nx, const sc_state *extra,
                      sc_group **out)
{
    size_t na = a ? sc_group_ngens(a) : 0, nb = b ? sc_group_ngens(b) : 0;
    sc_state *gens = malloc((na + nb + nx + 1) * n * sizeof *gens);
    if (!gens)
        return SC_GROUP_ENOMEM;
    for (size_t i = 0; i < na; i++)
        memcpy(gens + i * n, sc_group_gen(a, i), n * sizeof *gens);
    for (size_t i = 0; i < nb; i++)
        memcpy(gens + (na + i) * n, sc_group_gen(b, i), n * sizeof *gens);
    if (nx)
        memcpy(gens + (na + nb) * n, extra, nx * n * sizeof *gens);
    int rc = sc_group_new(out, n, na + nb + nx, gens);
    free(gens);
    return rc;
}

static uint64_t gorder(sc_group *g)
{
    uint64_t o = 0;
    if (sc_group_order_u64(g, &o) != SC_GROUP_OK)
        return 0;
    return o;
}

/* A maximal normal subgroup M of H (H/M simple) and the factor's name. E enumerates the
 * whole group, used only when H is perfect and not simple. */
static int max_normal(uint32_t n, sc_group *H, const sc_group_elts *E, sc_group **out,
                      sc_group_factor *fac, sc_error *err)
{
    int rc = 0;
    sc_group *D = NULL, *K = NULL, *M = NULL, *T = NULL;
    sc_state *pw = malloc(2 * (size_t)n * sizeof *pw);
    sc_group_factors FH = {0}, FM = {0};
    if (!pw)
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
    uint64_t oh = gorder(H);
    GTRY(sc_group_derived_subgroup(H, &D));
    if (gorder(D) < oh) {
        /* H/D abelian: K_j = <D, h_1..h_j>; the first j with K_j = H gives a cyclic
           H/K_{j-1} = <h_j K_{j-1}> of order c, and M = <K_{j-1}, h_j^p> has prime index p */
        size_t r = sc_group_ngens(H), j = 0;
        GTRY(group_join(n, D, NULL, 0, NULL, &K));
        for (j = 0; j < r; j++) {
            GTRY(group_join(n, K, NULL, 1, sc_group_gen(H, j), &T));
            if (gorder(T) == oh)
                break;
            sc_group_free(K);
            K = T;
            T = NULL;
        }
        if (j == r) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (abelian quotient)");
            goto out;
        }
        uint64_t cidx = oh / gorder(K), p = 2;
        while (cidx % p)
            p++;
        /* pw = h_j^p */
        tf_identity(n, pw);
        for (uint64_t e = 0; e < p; e++)
            tf_compose(n, pw, sc_group_gen(H, j), pw);
        GTRY(group_join(n, K, NULL, 1, pw, &M));
        if (gorder(M) * p != oh) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (prime index)");
            goto out;
        }
        mpz_init_set_ui(fac->order, (unsigned long)p);
        snprintf(fac->name, sizeof fac->name, "C_%" PRIu64, p);
    } else {
        GTRY(sc_group_composition_factors(H, &FH));
        if (FH.len == 1) {
            GTRY(sc_group_new(&M, n, 0, NULL));
        } else {
            /* one pass over the elements: M grows to <M, x^H> whenever that stays proper;
               afterwards every x outside M gives H, so M is maximal normal */
            GTRY(sc_group_new(&M, n, 0, NULL));
            size_t cnt = sc_group_elts_count(E);
            for (size_t x = 1; x < cnt; x++) {
                const sc_state *px = sc_group_elts_at(E, x);
                int inH = 0, inM = 0;
                GTRY(sc_group_contains(H, px, &inH));
                if (!inH)
                    continue;
                GTRY(sc_group_contains(M, px, &inM));
                if (inM)
                    continue;
                size_t nm = sc_group_ngens(M);
                sc_state *xs = malloc((nm + 1) * n * sizeof *xs);
                if (!xs) {
                    rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
                    goto out;
                }
                for (size_t i = 0; i < nm; i++)
                    memcpy(xs + i * n, sc_group_gen(M, i), n * sizeof *xs);
                memcpy(xs + nm * n, px, n * sizeof *xs);
                int grc = sc_group_normal_closure(H, nm + 1, xs, &T);
                free(xs);
                GTRY(grc);
                if (gorder(T) < oh) {
                    sc_group_free(M);
                    M = T;
                } else {
                    sc_group_free(T);
                }
                T = NULL;
            }
            if (gorder(M) == oh) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (maximal normal)");
                goto out;
            }
        }
        /* the factor H/M: factors(H) minus factors(M), a single simple group */
        GTRY(sc_group_composition_factors(M, &FM));
        size_t used = 0;
        uint8_t *taken = calloc(FH.len + 1, 1);
        if (!taken) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        for (size_t i = 0; i < FM.len; i++)
            for (size_t j = 0; j < FH.len; j++)
                if (!taken[j] && !mpz_cmp(FH.f[j].order, FM.f[i].order) &&
                    !strcmp(FH.f[j].name, FM.f[i].name)) {
                    taken[j] = 1;
                    used++;
                    break;
                }
        size_t left = FH.len;
        for (size_t j = 0; j < FH.len; j++)
            if (!taken[j]) {
                left = j;
                break;
            }
        free(taken);
        if (used != FM.len || FH.len != FM.len + 1 || left == FH.len) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (factor of a series)");
            goto out;
        }
        mpz_init_set(fac->order, FH.f[left].order);
        snprintf(fac->name, sizeof fac->name, "%s", FH.f[left].name);
    }
    *out = M;
    M = NULL;
out:
    free(pw);
    sc_group_free(D); sc_group_free(K); sc_group_free(M); sc_group_free(T);
    sc_group_factors_clear(&FH);
    sc_group_factors_clear(&FM);
    return rc;
}

/* Products in G without permutations: every element's shortest word over the generators
 * (breadth-first tree over the right-multiplication table R), so x·y = x followed along y's
 * word through R. */
typedef struct gmul {
    const uint32_t *R;
    uint32_t k;
    uint32_t *par;  /* parent in the tree (the identity, index 0, is the root) */
    uint16_t *last; /* last generator of the word */
    uint32_t *stk;  /* scratch: a word */
} gmul;

static int gm_init(gmul *M, const uint32_t *R, uint32_t k, uint64_t N)
{
    M->R = R;
    M->k = k;
    M->par = malloc(N * sizeof *M->par);
    M->last = malloc(N * sizeof *M->last);
    M->stk = malloc(N * sizeof *M->stk);
    uint32_t *q = malloc(N * sizeof *q);
    if (!M->par || !M->last || !M->stk || !q) {
        free(q);
        return -1;
    }
    for (uint64_t x = 0; x < N; x++)
        M->par[x] = HOL_NONE;
    uint64_t qh = 0, qt = 0;
    q[qt++] = 0;
    M->par[0] = 0;
    while (qh < qt) {
        uint32_t x = q[qh++];
        for (uint32_t g = 0; g < k; g++) {
            uint32_t y = R[(uint64_t)x * k + g];
            if (M->par[y] == HOL_NONE) {
                M->par[y] = x;
                M->last[y] = (uint16_t)g;
                q[qt++] = y;
            }
        }
    }
    free(q);
    return qt == N ? 0 : -1;
}

static void gm_free(gmul *M)
{
    free(M->par); free(M->last); free(M->stk);
}

static uint32_t gm_mul(const gmul *M, uint32_t x, uint32_t y)
{
    size_t l = 0;
    for (; y != 0; y = M->par[y])
        M->stk[l++] = M->last[y];
    while (l)
        x = M->R[(uint64_t)x * M->k + M->stk[--l]];
    return x;
}

/* Elements (indices in E) of the subgroup S, breadth first from the identity (index 0). */
static int subgroup_elements(sc_group *S, const sc_group_elts *E, const gmul *M, uint32_t *list,
                             uint64_t *len, uint8_t *mark, sc_error *err)
{
    size_t N = sc_group_elts_count(E), ng = sc_group_ngens(S);
    uint32_t *gi = malloc((ng + 1) * sizeof *gi);
    if (!gi)
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
    for (size_t g = 0; g < ng; g++) {
        size_t y = sc_group_elts_find(E, sc_group_gen(S, g));
        if (y == SIZE_MAX) {
            free(gi);
            return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (subgroup generator)");
        }
        gi[g] = (uint32_t)y;
    }
    memset(mark, 0, N);
    uint64_t l = 0;
    list[l++] = 0;
    mark[0] = 1;
    for (uint64_t i = 0; i < l; i++)
        for (size_t g = 0; g < ng; g++) {
            uint32_t y = gm_mul(M, list[i], gi[g]);
            if (!mark[y]) {
                mark[y] = 1;
                list[l++] = y;
            }
        }
    free(gi);
    *len = l;
    return 0;
}

static int grp_build(sc_cascade *c, const sc_cascade_opts *o, sc_error *err)
{
    uint32_t n = c->n, k = c->k;
    uint64_t maxg = o && o->max_group_order ? o->max_group_order : SC_CASCADE_DEFAULT_MAX_GROUP;
    int rc = 0;
    sc_grp *G = calloc(1, sizeof *G);
    sc_group *g0 = NULL;
    sc_group **terms = NULL;
    sc_group_factor *facs = NULL;
    size_t nterms = 0, nfac = 0;
    sc_group_elts *E = NULL;
    uint32_t *R = NULL, *coords = NULL, *list = NULL, *label = NULL, *T = NULL;
    uint8_t *mark = NULL;
    sc_state *t = NULL, *u = NULL;
    gmul GM = {0};
    if (!G)
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
    c->grp = G;
    GTRY(sc_group_new(&g0, n, k, c->delta));
    mpz_t ord;
    mpz_init(ord);
    int grc = sc_group_order(g0, ord);
    if (grc == SC_GROUP_OK && mpz_cmp_ui(ord, maxg > ULONG_MAX ? ULONG_MAX : (unsigned long)maxg) > 0) {
        char ob[64];
        gmp_snprintf(ob, sizeof ob, "%Zd", ord);
        rc = sc_fail(err, SC_EXIT_LIMIT,
                     "cascade: the group has order %s > %llu (max_group_order): its "
                     "composition-series cascade is not built (force holonomy instead)",
                     ob, (unsigned long long)maxg);
        mpz_clear(ord);
        goto out;
    }
    mpz_clear(ord);
    GTRY(grc);
    G->N = gorder(g0);
    if (G->N * (uint64_t)n > (1ull << 30)) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: |G| x n = %llu x %u exceeds 2^30",
                     (unsigned long long)G->N, n);
        goto out;
    }
    GTRY(sc_group_elts_new(g0, maxg, &E));
    uint64_t N = G->N;

    /* composition series: terms[0] = G ▷ terms[1] ▷ … ▷ terms[m] = 1 */
    terms = malloc(72 * sizeof *terms);
    facs = calloc(72, sizeof *facs);
    if (!terms || !facs) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    terms[nterms++] = g0;
    g0 = NULL;
    while (gorder(terms[nterms - 1]) > 1) {
        if (nterms >= 70) { /* |G| < 2^64 has at most 63 prime factors */
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (series length)");
            goto out;
        }
        rc = max_normal(n, terms[nterms - 1], E, &terms[nterms], &facs[nfac], err);
        if (rc)
            goto out;
        nterms++;
        nfac++;
    }
    G->m = (uint32_t)nfac;

    /* orbits of G on Q; representative q0 for q0's orbit, else the smallest point */
    G->orb_of = malloc(n * sizeof *G->orb_of);
    G->orep = malloc(n * sizeof *G->orep);
    if (!G->orb_of || !G->orep) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    for (uint32_t x = 0; x < n; x++)
        G->orb_of[x] = HOL_NONE;
    {
        uint32_t *q = malloc(n * sizeof *q);
        if (!q) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        for (uint32_t x = 0; x < n; x++) {
            if (G->orb_of[x] != HOL_NONE)
                continue;
            uint32_t o = G->norb++, qh = 0, qt = 0;
            G->orep[o] = (sc_state)x;
            G->orb_of[x] = o;
            q[qt++] = x;
            while (qh < qt) {
                uint32_t y = q[qh++];
                if (y == c->q0)
                    G->orep[o] = (sc_state)y;
                for (uint32_t s = 0; s < k; s++) {
                    uint32_t z = c->delta[(size_t)s * n + y];
                    if (G->orb_of[z] == HOL_NONE) {
                        G->orb_of[z] = o;
                        q[qt++] = z;
                    }
                }
            }
        }
        free(q);
    }
    G->top = G->norb > 1;
    G->ident = malloc(G->norb * sizeof *G->ident);
    if (!G->ident) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    for (uint32_t x = 0; x < G->norb; x++)
        G->ident[x] = x;

    /* right multiplication by the generators */
    R = malloc(N * k * sizeof *R);
    coords = malloc((N * (G->m ? G->m : 1)) * sizeof *coords);
    list = malloc(N * sizeof *list);
    label = malloc(N * sizeof *label);
    T = malloc(N * sizeof *T);
    mark = malloc(N);
    t = malloc(n * sizeof *t);
    u = malloc(n * sizeof *u);
    G->fsize = malloc((G->m + 1) * sizeof *G->fsize);
    G->stride = malloc((G->m + 1) * sizeof *G->stride);
    G->rmul = calloc(G->m + 1, sizeof *G->rmul);
    G->dep = calloc(G->m + 1, sizeof *G->dep);
    G->elem = malloc(N * sizeof *G->elem);
    if (!R || !coords || !list || !label || !T || !mark || !t || !u || !G->fsize ||
        !G->stride || !G->rmul || !G->dep || !G->elem) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    for (uint64_t x = 0; x < N; x++)
        for (uint32_t s = 0; s < k; s++) {
            tf_compose(n, sc_group_elts_at(E, x), c->delta + (size_t)s * n, t);
            size_t y = sc_group_elts_find(E, t);
            if (y == SIZE_MAX) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (not closed)");
                goto out;
            }
            R[x * k + s] = (uint32_t)y;
        }
    if (gm_init(&GM, R, k, N)) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory (word tree)");
        goto out;
    }

    /* coordinates: h_0 = x, c_j = coset of h_{j-1} modulo G_j, h_j = h_{j-1} T_j[c_j]^{-1} */
    {
        uint32_t *h = malloc(N * sizeof *h), *sub = malloc(N * sizeof *sub);
        uint32_t *Tinv = malloc(N * sizeof *Tinv);
        if (!h || !sub || !Tinv) {
            free(h); free(sub); free(Tinv);
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        for (uint64_t x = 0; x < N; x++)
            h[x] = (uint32_t)x;
        uint64_t prevlen = 0;
        rc = subgroup_elements(terms[0], E, &GM, list, &prevlen, mark, err);
        for (uint32_t j = 0; j < G->m && !rc; j++) {
            /* list = elements of G_{j} (0-based terms[j]); sub = elements of terms[j+1] */
            uint64_t sublen = 0;
            rc = subgroup_elements(terms[j + 1], E, &GM, sub, &sublen, mark, err);
            if (rc)
                break;
            for (uint64_t i = 0; i < prevlen; i++)
                label[list[i]] = HOL_NONE;
            uint32_t nl = 0;
            for (uint64_t i = 0; i < prevlen && !rc; i++) {
                uint32_t x = list[i];
                if (label[x] != HOL_NONE)
                    continue;
                T[nl] = x;
                for (uint64_t a = 0; a < sublen; a++) {
                    uint32_t y = gm_mul(&GM, sub[a], x);
                    if (label[y] != HOL_NONE && label[y] != nl) {
                        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (cosets)");
                        break;
                    }
                    label[y] = nl;
                }
                nl++;
            }
            if (rc)
                break;
            if ((uint64_t)nl * sublen != prevlen || T[0] != 0) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (coset count)");
                break;
            }
            G->fsize[j] = nl;
            if ((uint64_t)nl * nl > (1u << 26)) {
                rc = sc_fail(err, SC_EXIT_LIMIT,
                             "cascade: composition factor of order %u: its multiplication table "
                             "exceeds 2^26 entries", nl);
                break;
            }
            /* F_j's right multiplication: rmul[e][c] = label(T[c] T[e]) */
            G->rmul[j] = malloc((size_t)nl * nl * sizeof **G->rmul);
            if (!G->rmul[j]) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
                break;
            }
            for (uint32_t e = 0; e < nl && !rc; e++)
                for (uint32_t cc = 0; cc < nl; cc++) {
                    uint32_t y = gm_mul(&GM, T[cc], T[e]);
                    if (label[y] == HOL_NONE) {
                        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (factor table)");
                        break;
                    }
                    G->rmul[j][(size_t)e * nl + cc] = label[y];
                }
            /* coordinate j of every x, and h <- h T[c]^{-1} */
            for (uint32_t cc = 0; cc < nl && !rc; cc++) {
                perm_inverse(n, sc_group_elts_at(E, T[cc]), u);
                size_t y = sc_group_elts_find(E, u);
                if (y == SIZE_MAX)
                    rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (inverse)");
                Tinv[cc] = (uint32_t)y;
            }
            for (uint64_t x = 0; x < N && !rc; x++) {
                uint32_t cj = label[h[x]];
                if (cj == HOL_NONE) {
                    rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (coordinate)");
                    break;
                }
                coords[x * G->m + j] = cj;
                h[x] = gm_mul(&GM, h[x], Tinv[cj]);
            }
            memcpy(list, sub, sublen * sizeof *list);
            prevlen = sublen;
        }
        for (uint64_t x = 0; x < N && !rc; x++)
            if (h[x] != 0)
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (residue)");
        free(h);
        free(sub);
        free(Tinv);
        if (rc)
            goto out;
    }
    /* strides, the element of each coordinate tuple */
    {
        uint64_t s = 1;
        for (uint32_t j = G->m; j-- > 0;) {
            G->stride[j] = s;
            s *= G->fsize[j];
        }
        if (s != N) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (factor orders)");
            goto out;
        }
        for (uint64_t x = 0; x < N; x++)
            G->elem[x] = HOL_NONE;
        for (uint64_t x = 0; x < N; x++) {
            uint64_t idx = 0;
            for (uint32_t j = 0; j < G->m; j++)
                idx += coords[x * G->m + j] * G->stride[j];
            if (G->elem[idx] != HOL_NONE) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (coordinates clash)");
                goto out;
            }
            G->elem[idx] = (uint32_t)x;
        }
    }
    /* dependencies: dep[j][p*k + σ] = coordinate j of elem(p, 0, …, 0)·σ */
    for (uint32_t j = 0; j < G->m; j++) {
        uint64_t P = N / (G->fsize[j] * G->stride[j]);
        G->dep[j] = malloc(P * k * sizeof **G->dep);
        if (!G->dep[j]) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        for (uint64_t p = 0; p < P; p++) {
            uint32_t x = G->elem[p * G->fsize[j] * G->stride[j]];
            for (uint32_t s = 0; s < k; s++)
                G->dep[j][p * k + s] = coords[(uint64_t)R[(uint64_t)x * k + s] * G->m + j];
        }
    }
    /* decoding and canonical encoding */
    G->repimg = malloc(N * G->norb * sizeof *G->repimg);
    c->L = G->top + G->m;
    G->enc = malloc((size_t)n * (c->L ? c->L : 1) * sizeof *G->enc);
    if (!G->repimg || !G->enc) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    for (uint64_t x = 0; x < N; x++)
        for (uint32_t oo = 0; oo < G->norb; oo++)
            G->repimg[x * G->norb + oo] = sc_group_elts_at(E, x)[G->orep[oo]];
    {
        uint8_t *done = calloc(n, 1);
        if (!done) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        for (uint64_t x = 0; x < N; x++)
            for (uint32_t oo = 0; oo < G->norb; oo++) {
                sc_state q = G->repimg[x * G->norb + oo];
                if (done[q])
                    continue;
                done[q] = 1;
                int32_t *e = G->enc + (size_t)q * c->L;
                if (G->top)
                    e[0] = (int32_t)oo;
                for (uint32_t j = 0; j < G->m; j++)
                    e[G->top + j] = (int32_t)coords[x * G->m + j];
            }
        free(done);
    }

    /* levels and components */
    c->lv = calloc(c->L ? c->L : 1, sizeof *c->lv);
    if (!c->lv) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    for (size_t i = 0; i < c->L; i++) {
        sc_level *lv = &c->lv[i];
        lv->comp = calloc(1, sizeof *lv->comp);
        if (!lv->comp) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
            goto out;
        }
        lv->ncomp = 1;
        sc_comp *cp = lv->comp;
        if (G->top && i == 0) {
            cp->states = G->norb;
            cp->trivial = 1;
            snprintf(cp->name, sizeof cp->name, "1");
            cp->order = malloc(2);
            if (!cp->order) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
                goto out;
            }
            strcpy(cp->order, "1");
            cp->order_u64 = 1;
            cp->factors.exact = 1;
        } else {
            uint32_t j = (uint32_t)(i - G->top);
            cp->states = G->fsize[j];
            sc_group_factor *f = &facs[j];
            cp->order = malloc(mpz_sizeinbase(f->order, 10) + 2);
            cp->factors.f = calloc(1, sizeof *cp->factors.f);
            if (!cp->order || !cp->factors.f) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
                goto out;
            }
            mpz_get_str(cp->order, 10, f->order);
            cp->order_u64 = G->fsize[j];
            cp->factors.len = 1;
            cp->factors.exact = 1;
            mpz_init_set(cp->factors.f[0].order, f->order);
            snprintf(cp->factors.f[0].name, sizeof cp->factors.f[0].name, "%s", f->name);
            if (mpz_probab_prime_p(f->order, 30))
                gmp_snprintf(cp->name, sizeof cp->name, "C%Zd", f->order);
            else
                strip_underscores(f->name, cp->name, sizeof cp->name);
        }
        lv->states = cp->states;
    }
out:
    sc_group_free(g0);
    for (size_t i = 0; i < nterms; i++)
        sc_group_free(terms[i]);
    free(terms);
    for (size_t i = 0; i < nfac; i++)
        mpz_clear(facs[i].order);
    free(facs);
    sc_group_elts_free(E);
    free(R); free(coords); free(list); free(label); free(T); free(mark); free(t); free(u);
    gm_free(&GM);
    return rc;
}

static int grp_decode(const sc_cascade *c, const int32_t *lv, sc_state *q, sc_error *err)
{
    const sc_grp *G = c->grp;
    uint32_t o = 0;
    if (G->top) {
        if (lv[0] < 0 || (uint32_t)lv[0] >= G->norb)
            return sc_fail(err, SC_EXIT_REJECTED, "cascade state: level 0 is %d, expected 0..%u",
                           lv[0], G->norb - 1);
        o = (uint32_t)lv[0];
    }
    uint64_t idx = 0;
    for (uint32_t j = 0; j < G->m; j++) {
        int32_t v = lv[G->top + j];
        if (v < 0 || (uint32_t)v >= G->fsize[j])
            return sc_fail(err, SC_EXIT_REJECTED, "cascade state: level %zu is %d, expected 0..%u",
                           G->top + j, v, G->fsize[j] - 1);
        idx += (uint64_t)v * G->stride[j];
    }
    if (q)
        *q = G->repimg[(uint64_t)G->elem[idx] * G->norb + o];
    return 0;
}

/* Level j's dependency is read from dep[j] at the prefix formed by the OLD states of the
 * factor levels above it; the orbit level only ever gets the identity. */
static int grp_step(const sc_cascade *c, const int32_t *old, uint32_t s, int32_t *nw,
                    sc_level_dep *deps, sc_state *qn, sc_error *err)
{
    const sc_grp *G = c->grp;
    int rc = grp_decode(c, old, NULL, err);
    if (rc)
        return rc;
    if (G->top) {
        sc_level_dep d = {SC_DEP_PERM, 0, G->norb, G->ident};
        if (deps)
            deps[0] = d;
        if (sc_cascade_level_step(d.reset, d.off, d.m, d.perm, old[0], &nw[0]))
            return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (kernel at level 0)");
    }
    uint64_t p = 0;
    for (uint32_t j = 0; j < G->m; j++) {
        size_t i = G->top + j;
        uint32_t e = G->dep[j][p * c->k + s], f = G->fsize[j];
        sc_level_dep d = {SC_DEP_PERM, 0, f, G->rmul[j] + (size_t)e * f};
        if (deps)
            deps[i] = d;
        if (sc_cascade_level_step(d.reset, d.off, d.m, d.perm, old[i], &nw[i]))
            return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (kernel at level %zu)", i);
        p = p * f + (uint32_t)old[i];
    }
    return qn ? grp_decode(c, nw, qn, err) : 0;
}

static int grp_certify(const sc_cascade *c, sc_cascade_cert *cert, sc_error *err)
{
    const sc_grp *G = c->grp;
    size_t L = c->L;
    int32_t *lv = malloc((L + 1) * sizeof *lv), *nw = malloc((L + 1) * sizeof *nw);
    uint8_t *cov = calloc(c->n, 1);
    int rc = 0;
    if (!lv || !nw || !cov) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "certify: out of memory");
        goto out;
    }
    for (uint32_t o = 0; o < G->norb; o++)
        for (uint64_t idx = 0; idx < G->N; idx++) {
            if (G->top)
                lv[0] = (int32_t)o;
            for (uint32_t j = 0; j < G->m; j++)
                lv[G->top + j] = (int32_t)(idx / G->stride[j] % G->fsize[j]);
            sc_state q;
            rc = grp_decode(c, lv, &q, err);
            if (rc)
                goto out;
            cov[q] = 1;
            cert->states++;
            for (uint32_t s = 0; s < c->k; s++) {
                sc_state q2, want = c->delta[(size_t)s * c->n + q];
                rc = grp_step(c, lv, s, nw, NULL, &q2, err);
                if (rc)
                    goto out;
                cert->transitions++;
                if (q2 != want) {
                    rc = sc_cert_fail(c, cert, lv, nw, s, q, want, q2, err);
                    goto out;
                }
            }
        }
    for (uint32_t q = 0; q < c->n; q++)
        cert->covered += cov[q];
    if (cert->covered != c->n) {
        rc = sc_fail(err, SC_EXIT_FAIL, "certify: only %u of %u states are decoded",
                     cert->covered, c->n);
        goto out;
    }
    cert->ok = 1;
out:
    free(lv); free(nw); free(cov);
    return rc;
}

/* ---- public layer -------------------------------------------------------------------------- */

sc_cascade *sc_cascade_build(const sc_automaton *a, const sc_cascade_opts *opts, sc_error *err)
{
    if (!a) {
        sc_fail(err, SC_EXIT_REJECTED, "cascade: no automaton");
        return NULL;
    }
    if (sc_automaton_validate(a, err))
        return NULL;
    sc_cascade *c = calloc(1, sizeof *c);
    if (!c) {
        sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        return NULL;
    }
    c->n = a->n;
    c->k = a->k;
    c->q0 = a->start;
    c->max_certify = opts && opts->max_certify ? opts->max_certify : SC_CASCADE_DEFAULT_MAX_CERTIFY;
    c->delta = malloc((size_t)a->n * a->k * sizeof *c->delta);
    uint8_t *seen = malloc(a->n);
    if (!c->delta || !seen) {
        free(seen);
        sc_cascade_free(c);
        sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        return NULL;
    }
    memcpy(c->delta, a->delta, (size_t)a->n * a->k * sizeof *c->delta);
    int group = 1;
    for (uint32_t s = 0; s < a->k && group; s++)
        group = perm_check(a->n, sc_generator(a, s), seen);
    free(seen);
    int rc;
    if (group && !(opts && opts->force_holonomy)) {
        c->kind = SC_KIND_SERIES;
        rc = grp_build(c, opts, err);
    } else {
        c->kind = SC_KIND_HOLONOMY;
        rc = hol_build(c, opts ? opts->max_sets : 0, err);
    }
    if (rc) {
        sc_cascade_free(c);
        return NULL;
    }
    return c;
}

void sc_cascade_free(sc_cascade *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->lv && i < c->L; i++) {
        for (size_t j = 0; j < c->lv[i].ncomp; j++) {
            sc_comp *cp = &c->lv[i].comp[j];
            free(cp->order);
            free(cp->rep);
            sc_group_factors_clear(&cp->factors);
        }
        free(c->lv[i].comp);
    }
    free(c->lv);
    hol_free(c->hol);
    grp_free(c->grp);
    free(c->delta);
    free(c);
}

const char *sc_cascade_kind(const sc_cascade *c)
{
    return c->kind == SC_KIND_HOLONOMY ? "holonomy" : "composition-series";
}

size_t sc_cascade_levels(const sc_cascade *c) { return c->L; }
uint32_t sc_cascade_nstates(const sc_cascade *c) { return c->n; }
uint32_t sc_cascade_nsymbols(const sc_cascade *c) { return c->k; }

size_t sc_cascade_ncomponents(const sc_cascade *c, size_t level)
{
    return level < c->L ? c->lv[level].ncomp : 0;
}

uint32_t sc_cascade_level_states(const sc_cascade *c, size_t level)
{
    return level < c->L ? c->lv[level].states : 0;
}

int sc_cascade_component(const sc_cascade *c, size_t level, size_t i, sc_component_info *out)
{
    if (level >= c->L || i >= c->lv[level].ncomp)
        return SC_EXIT_USAGE;
    const sc_comp *cp = &c->lv[level].comp[i];
    memset(out, 0, sizeof *out);
    out->states = cp->states;
    out->offset = cp->offset;
    out->group_name = cp->name;
    out->order = cp->order;
    out->order_u64 = cp->order_u64;
    out->trivial = cp->trivial;
    out->factors = &cp->factors;
    out->depth = cp->depth;
    out->class_size = cp->class_size;
    out->rep_size = cp->rep_size;
    out->rep = cp->rep;
    return 0;
}

int sc_cascade_component_str(const sc_cascade *c, size_t level, size_t i, char *buf, size_t size)
{
    if (level >= c->L || i >= c->lv[level].ncomp)
        return snprintf(buf, size, "?");
    const sc_comp *cp = &c->lv[level].comp[i];
    if (cp->trivial)
        return snprintf(buf, size, "%u", cp->states);
    return snprintf(buf, size, "(%u,%s)", cp->states, cp->name);
}

uint64_t sc_cascade_total_states(const sc_cascade *c)
{
    uint64_t p = 1;
    for (size_t i = 0; i < c->L; i++) {
        uint64_t s = c->lv[i].states;
        if (s && p > UINT64_MAX / s)
            return UINT64_MAX;
        p *= s;
    }
    return p;
}

uint64_t sc_cascade_valid_states(const sc_cascade *c)
{
    if (c->kind == SC_KIND_HOLONOMY)
        return c->hol->valid;
    uint64_t N = c->grp->N, r = c->grp->norb;
    return N > UINT64_MAX / r ? UINT64_MAX : N * r;
}

int sc_cascade_decode(const sc_cascade *c, const int32_t *levels, sc_state *q, sc_error *err)
{
    if (c->kind == SC_KIND_HOLONOMY)
        return hol_decode(c, levels, NULL, NULL, q, err);
    return grp_decode(c, levels, q, err);
}

int sc_cascade_encode(const sc_cascade *c, sc_state q, int32_t *levels, sc_error *err)
{
    if (q >= c->n)
        return sc_fail(err, SC_EXIT_REJECTED, "cascade: state %u out of range 0..%u", q, c->n - 1);
    if (c->kind == SC_KIND_HOLONOMY) {
        if (hol_encode(c, q, levels))
            return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (encode)");
        return 0;
    }
    if (c->L)
        memcpy(levels, c->grp->enc + (size_t)q * c->L, c->L * sizeof *levels);
    return 0;
}

static int step_with(const sc_cascade *c, const int32_t *old, uint32_t s, int32_t *nw,
                     sc_level_dep *deps, sc_state *qn, uint32_t *scratch, sc_error *err)
{
    if (s >= c->k)
        return sc_fail(err, SC_EXIT_REJECTED, "cascade: symbol %u out of range 0..%u", s, c->k - 1);
    if (c->kind == SC_KIND_HOLONOMY)
        return hol_step(c, old, s, nw, deps, qn, scratch, err);
    return grp_step(c, old, s, nw, deps, qn, err);
}

int sc_cascade_step(const sc_cascade *c, const int32_t *levels_old, uint32_t symbol,
                    int32_t *levels_new, sc_level_dep *deps, sc_state *q_new, sc_error *err)
{
    uint32_t *scratch = malloc(2 * (c->L + 2) * sizeof *scratch);
    if (!scratch)
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
    int rc = step_with(c, levels_old, symbol, levels_new, deps, q_new, scratch, err);
    free(scratch);
    return rc;
}

int sc_cascade_run(const sc_cascade *c, const int32_t *word, size_t T, int32_t *levels_out,
                   sc_state *q_out, sc_error *err)
{
    size_t L = c->L;
    int32_t *cur = malloc((L + 1) * sizeof *cur), *nxt = malloc((L + 1) * sizeof *nxt);
    uint32_t *scratch = malloc(2 * (L + 2) * sizeof *scratch);
    int rc = 0;
    if (!cur || !nxt || !scratch) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "cascade: out of memory");
        goto out;
    }
    rc = sc_cascade_encode(c, (sc_state)c->q0, cur, err);
    for (size_t t = 0; t < T && !rc; t++) {
        if (word[t] < 0 || (uint32_t)word[t] >= c->k) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "word: symbol %d at position %zu out of range 0..%u",
                         word[t], t, c->k - 1);
            break;
        }
        sc_state q;
        rc = step_with(c, cur, (uint32_t)word[t], nxt, NULL, &q, scratch, err);
        if (rc)
            break;
        if (levels_out && L)
            memcpy(levels_out + t * L, nxt, L * sizeof *nxt);
        if (q_out)
            q_out[t] = q;
        int32_t *sw = cur;
        cur = nxt;
        nxt = sw;
    }
out:
    free(cur); free(nxt); free(scratch);
    return rc;
}

int sc_cert_fail(const sc_cascade *c, sc_cascade_cert *cert, const int32_t *old,
                 const int32_t *nw, uint32_t g, sc_state q, sc_state want, sc_state got,
                 sc_error *err)
{
    cert->ok = 0;
    cert->symbol = g;
    cert->q_old = q;
    cert->q_expected = want;
    cert->q_got = got;
    cert->levels_old = malloc((c->L + 1) * sizeof *cert->levels_old);
    cert->levels_new = malloc((c->L + 1) * sizeof *cert->levels_new);
    if (cert->levels_old && cert->levels_new && c->L) {
        memcpy(cert->levels_old, old, c->L * sizeof *old);
        memcpy(cert->levels_new, nw, c->L * sizeof *nw);
    }
    return sc_fail(err, SC_EXIT_FAIL,
                   "certify: from a cascade state decoding to %u, symbol %u gives a state "
                   "decoding to %u, but δ(%u,%u) = %u", q, g, got, q, g, want);
}

int sc_cascade_certify(const sc_cascade *c, sc_cascade_cert *cert, sc_error *err)
{
    memset(cert, 0, sizeof *cert);
    uint64_t v = sc_cascade_valid_states(c);
    if (v > c->max_certify)
        return sc_fail(err, SC_EXIT_LIMIT,
                       "certify: %llu valid cascade states exceed the limit %llu (max_certify)",
                       (unsigned long long)v, (unsigned long long)c->max_certify);
    int rc = c->kind == SC_KIND_HOLONOMY ? hol_certify(c, cert, err) : grp_certify(c, cert, err);
    if (!rc && cert->states != v)
        rc = sc_fail(err, SC_EXIT_FAIL, "certify: %llu states enumerated, %llu counted",
                     (unsigned long long)cert->states, (unsigned long long)v);
    if (rc)
        cert->ok = 0;
    return rc;
}

void sc_cascade_cert_clear(sc_cascade_cert *cert)
{
    free(cert->levels_old);
    free(cert->levels_new);
    memset(cert, 0, sizeof *cert);
}

int sc_cascade_dot(const sc_cascade *c, FILE *f)
{
    char buf[160];
    fprintf(f, "digraph cascade {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n");
    fprintf(f, "  label=\"%s cascade, %zu levels\";\n", sc_cascade_kind(c), c->L);
    for (size_t i = 0; i < c->L; i++) {
        fprintf(f, "  l%zu [label=\"level %zu:", i, i + 1);
        for (size_t j = 0; j < c->lv[i].ncomp; j++) {
            sc_cascade_component_str(c, i, j, buf, sizeof buf);
            fprintf(f, " %s", buf);
        }
        fprintf(f, "\"];\n");
        if (i)
            fprintf(f, "  l%zu -> l%zu;\n", i - 1, i);
    }
    fprintf(f, "}\n");
    return ferror(f) ? SC_EXIT_LIMIT : 0;
}
