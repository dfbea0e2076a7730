/* Permutation groups: stabiliser chains (Schreier–Sims), membership, derived series,
 * composition factors. Method and conventions: group.h. Plain-array kernels: perm.h. */
#include "group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perm.h"
#include "rng.h"

#define RANDOM_STREAK 30      /* consecutive sifted random elements ending the random phase */
#define PRIMITIVE_TRIES 64    /* random normal closures tried on a primitive perfect group */
#define ENUM_LIMIT (1u << 24) /* |G|*m bound for enumerating a group's elements */
#define SEED 0x5C0A7C0DE5EEDull

#define TRY(e) do { int rc_ = (e); if (rc_ != SC_GROUP_OK) return rc_; } while (0)

/* ------------------------------------------------------------------ stabiliser chain */

typedef struct level {
    sc_state beta;
    size_t *gi;       /* strong generators of this level (indices into the chain's store) */
    size_t ng, capg;
    sc_state *orbit;  /* basic orbit, discovery order (NULL while the orbit is {beta}) */
    size_t norb;
    int32_t *lab;     /* lab[x]: -1 not in orbit, -2 root, else the store index s with
                         x = (ginv_s[x])^s (NULL while the orbit is {beta}) */
    size_t chk_orb, chk_gen; /* Schreier generators (orbit[<chk_orb], gi[<chk_gen]) checked */
} level;

typedef struct chain {
    uint32_t m;
    sc_state *store;  /* permutation i at store + 2*m*i, its inverse at + m */
    size_t nst, capst;
    level *lv;
    size_t nlv, caplv;
    sc_state *t1, *t2, *t3; /* scratch, m each */
} chain;

#define PERM(ch, i) ((ch)->store + 2 * (size_t)(ch)->m * (i))
#define PINV(ch, i) (PERM(ch, i) + (ch)->m)

static void chain_free(chain *ch)
{
    if (!ch)
        return;
    for (size_t j = 0; j < ch->nlv; j++) {
        free(ch->lv[j].gi);
        free(ch->lv[j].orbit);
        free(ch->lv[j].lab);
    }
    free(ch->lv);
    free(ch->store);
    free(ch->t1);
    free(ch->t2);
    free(ch->t3);
    free(ch);
}

static int chain_push_level(chain *ch, sc_state beta)
{
    if (ch->nlv == ch->caplv) {
        size_t nc = ch->caplv ? 2 * ch->caplv : 8;
        level *nl = realloc(ch->lv, nc * sizeof *nl);
        if (!nl)
            return SC_GROUP_ENOMEM;
        ch->lv = nl;
        ch->caplv = nc;
    }
    level *L = &ch->lv[ch->nlv++];
    memset(L, 0, sizeof *L);
    L->beta = beta;
    L->norb = 1;
    return SC_GROUP_OK;
}

static int chain_new(chain **out, uint32_t m, const sc_state *prefix, size_t nprefix)
{
    chain *ch = calloc(1, sizeof *ch);
    if (!ch)
        return SC_GROUP_ENOMEM;
    ch->m = m;
    ch->t1 = malloc(m * sizeof(sc_state));
    ch->t2 = malloc(m * sizeof(sc_state));
    ch->t3 = malloc(m * sizeof(sc_state));
    if (!ch->t1 || !ch->t2 || !ch->t3) {
        chain_free(ch);
        return SC_GROUP_ENOMEM;
    }
    for (size_t j = 0; j < nprefix; j++)
        if (chain_push_level(ch, prefix[j]) != SC_GROUP_OK) {
            chain_free(ch);
            return SC_GROUP_ENOMEM;
        }
    *out = ch;
    return SC_GROUP_OK;
}

/* Store a copy of permutation p (and its inverse); *idx = its index. */
static int chain_store(chain *ch, const sc_state *p, size_t *idx)
{
    if (ch->nst == ch->capst) {
        size_t nc = ch->capst ? 2 * ch->capst : 16;
        sc_state *ns = realloc(ch->store, nc * 2 * (size_t)ch->m * sizeof(sc_state));
        if (!ns)
            return SC_GROUP_ENOMEM;
        ch->store = ns;
        ch->capst = nc;
    }
    memcpy(PERM(ch, ch->nst), p, ch->m * sizeof(sc_state));
    perm_inverse(ch->m, PERM(ch, ch->nst), PINV(ch, ch->nst));
    *idx = ch->nst++;
    return SC_GROUP_OK;
}

static inline int in_orbit(const level *L, sc_state x)
{
    return L->lab ? L->lab[x] != -1 : x == L->beta;
}

static int orbit_add(chain *ch, level *L, sc_state x, size_t s)
{
    if (!L->lab) {
        L->lab = malloc(ch->m * sizeof(int32_t));
        L->orbit = malloc(ch->m * sizeof(sc_state));
        if (!L->lab || !L->orbit)
            return SC_GROUP_ENOMEM;
        for (uint32_t y = 0; y < ch->m; y++)
            L->lab[y] = -1;
        L->lab[L->beta] = -2;
        L->orbit[0] = L->beta;
    }
    L->lab[x] = (int32_t)s;
    L->orbit[L->norb++] = x;
    return SC_GROUP_OK;
}

/* Add strong generator s to level j and extend its orbit and Schreier tree. */
static int level_add_gen(chain *ch, size_t j, size_t s)
{
    level *L = &ch->lv[j];
    if (L->ng == L->capg) {
        size_t nc = L->capg ? 2 * L->capg : 4;
        size_t *ng = realloc(L->gi, nc * sizeof *ng);
        if (!ng)
            return SC_GROUP_ENOMEM;
        L->gi = ng;
        L->capg = nc;
    }
    L->gi[L->ng++] = s;
    const sc_state *g = PERM(ch, s);
    size_t old = L->norb;
    for (size_t k = 0; k < old; k++) {
        sc_state d = L->orbit ? L->orbit[k] : L->beta;
        if (!in_orbit(L, g[d]))
            TRY(orbit_add(ch, L, g[d], s));
    }
    for (size_t k = old; k < L->norb; k++) {
        sc_state d = L->orbit[k];
        for (size_t q = 0; q < L->ng; q++) {
            sc_state e = PERM(ch, L->gi[q])[d];
            if (!in_orbit(L, e))
                TRY(orbit_add(ch, L, e, L->gi[q]));
        }
    }
    return SC_GROUP_OK;
}

/* Sift h (in place) from level `from`; returns the level where it drops out, or nlv when it
 * passes every level (then h fixes every base point; it is in the chain's group iff it is
 * now the identity). */
static size_t sift(chain *ch, sc_state *h, size_t from)
{
    for (size_t j = from; j < ch->nlv; j++) {
        const level *L = &ch->lv[j];
        sc_state g = h[L->beta];
        if (!in_orbit(L, g))
            return j;
        while (g != L->beta) {
            size_t s = (size_t)L->lab[g];
            perm_sift_step(ch->m, h, PERM(ch, s), PINV(ch, s));
            g = h[L->beta];
        }
    }
    return ch->nlv;
}

/* Add the sift residue r (dropped out at level drop) as a strong generator. *added = 0 when r
 * is the identity. */
static int add_residue(chain *ch, const sc_state *r, size_t drop, int *added)
{
    *added = 0;
    if (drop == ch->nlv) {
        uint32_t x = 0;
        while (x < ch->m && r[x] == x)
            x++;
        if (x == ch->m)
            return SC_GROUP_OK;
        TRY(chain_push_level(ch, (sc_state)x));
    }
    size_t s;
    TRY(chain_store(ch, r, &s));
    for (size_t j = 0; j <= drop; j++)
        TRY(level_add_gen(ch, j, s));
    *added = 1;
    return SC_GROUP_OK;
}

/* Sift a copy of p; add the residue if it is not the identity. */
static int chain_offer(chain *ch, const sc_state *p, int *added)
{
    memcpy(ch->t1, p, ch->m * sizeof(sc_state));
    size_t drop = sift(ch, ch->t1, 0);
    if (drop == ch->nlv && perm_is_identity(ch->m, ch->t1)) {
        *added = 0;
        return SC_GROUP_OK;
    }
    return add_residue(ch, ch->t1, drop, added);
}

static void chain_order(const chain *ch, mpz_t out)
{
    mpz_set_ui(out, 1);
    for (size_t j = 0; j < ch->nlv; j++)
        mpz_mul_ui(out, out, ch->lv[j].norb);
}

/* out = u_d, the Schreier-tree transversal element of level j with beta^u = d. */
static void transversal(chain *ch, size_t j, sc_state d, sc_state *out)
{
    const level *L = &ch->lv[j];
    tf_identity(ch->m, out);
    while (d != L->beta) {
        size_t s = (size_t)L->lab[d];
        tf_compose(ch->m, PERM(ch, s), out, ch->t3);
        memcpy(out, ch->t3, ch->m * sizeof(sc_state));
        d = PINV(ch, s)[d];
    }
}

/* Deterministic Schreier–Sims completion: afterwards every level's Schreier generators sift
 * to the identity through the levels below, so the chain is a BSGS of <level 0 generators>. */
static int chain_complete(chain *ch)
{
    size_t m = ch->m;
    long i = (long)ch->nlv - 1;
    while (i >= 0) {
        int restarted = 0;
        level *L = &ch->lv[i];
        size_t norb = L->norb, ng = L->ng;
        for (size_t oi = 0; oi < norb && !restarted; oi++) {
            for (size_t gk = 0; gk < ng; gk++) {
                L = &ch->lv[i];
                if (oi < L->chk_orb && gk < L->chk_gen)
                    continue;
                sc_state d = L->orbit ? L->orbit[oi] : L->beta;
                size_t s = L->gi[gk];
                sc_state e = PERM(ch, s)[d];
                if (L->lab && L->lab[e] == (int32_t)s && PINV(ch, s)[e] == d)
                    continue; /* tree edge: trivial Schreier generator */
                transversal(ch, (size_t)i, d, ch->t2);
                tf_compose(m, ch->t2, PERM(ch, s), ch->t1);
                size_t old = ch->nlv;
                size_t drop = sift(ch, ch->t1, (size_t)i);
                if (drop == old && perm_is_identity(m, ch->t1))
                    continue;
                int added;
                TRY(add_residue(ch, ch->t1, drop, &added));
                if (!added)
                    return SC_GROUP_EINTERNAL;
                i = (drop == old) ? (long)ch->nlv - 1 : (long)drop;
                restarted = 1;
                break;
            }
        }
        if (!restarted) {
            L = &ch->lv[i];
            L->chk_orb = L->norb;
            L->chk_gen = L->ng;
            i--;
        }
    }
    return SC_GROUP_OK;
}

/* ------------------------------------------------------------------ random elements */

typedef struct prr {
    uint32_t m;
    size_t r;
    sc_state *slots; /* r permutations */
    sc_state *acc, *tmp, *inv;
    uint64_t state;
} prr;

static uint64_t prr_rand(prr *p)
{
    p->state += SC_RNG_GAMMA;
    return sc_mix64(p->state);
}

static void prr_free(prr *p)
{
    free(p->slots);
    free(p->acc);
    free(p->tmp);
    free(p->inv);
}

static const sc_state *prr_next(prr *p)
{
    size_t m = p->m;
    size_t i = prr_rand(p) % p->r;
    size_t j = prr_rand(p) % (p->r - 1);
    if (j >= i)
        j++;
    sc_state *si = p->slots + i * m, *sj = p->slots + j * m;
    const sc_state *right = sj;
    if (prr_rand(p) & 1) {
        perm_inverse(m, sj, p->inv);
        right = p->inv;
    }
    tf_compose(m, si, right, p->tmp);
    memcpy(si, p->tmp, m * sizeof(sc_state));
    tf_compose(m, p->acc, si, p->tmp);
    memcpy(p->acc, p->tmp, m * sizeof(sc_state));
    return p->acc;
}

/* Product replacement ("rattle") over ngens >= 1 generators, seeded. */
static int prr_init(prr *p, uint32_t m, size_t ngens, const sc_state *gens, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->r = ngens + 1 > 10 ? ngens + 1 : 10;
    p->state = seed;
    p->slots = malloc(p->r * m * sizeof(sc_state));
    p->acc = malloc(m * sizeof(sc_state));
    p->tmp = malloc(m * sizeof(sc_state));
    p->inv = malloc(m * sizeof(sc_state));
    if (!p->slots || !p->acc || !p->tmp || !p->inv) {
        prr_free(p);
        return SC_GROUP_ENOMEM;
    }
    for (size_t i = 0; i < p->r; i++)
        memcpy(p->slots + i * m, gens + (i % ngens) * m, m * sizeof(sc_state));
    tf_identity(m, p->acc);
    for (int k = 0; k < 50; k++)
        prr_next(p);
    return SC_GROUP_OK;
}

/* ------------------------------------------------------------------ groups */

struct sc_group {
    uint32_t m;
    size_t ng, capg;
    sc_state *gens;
    chain *ch;      /* exact chain once have_order */
    mpz_t order;
    int have_order;
    mpz_t hint;
    int have_hint;
    sc_state *base; /* cache for sc_group_base */
};

const char *sc_group_strerror(int status)
{
    switch (status) {
    case SC_GROUP_OK: return "ok";
    case SC_GROUP_EINVAL: return "invalid argument (degree, or a generator that is not a permutation)";
    case SC_GROUP_ENOMEM: return "out of memory";
    case SC_GROUP_ERANGE: return "value out of range";
    case SC_GROUP_EHINT: return "the order hint is not the order of the group";
    case SC_GROUP_EINTERNAL: return "internal consistency check failed";
    default: return "unknown status";
    }
}

static int group_alloc(sc_group **out, uint32_t m)
{
    if (m == 0 || m > SC_GROUP_MAX_DEGREE)
        return SC_GROUP_EINVAL;
    sc_group *g = calloc(1, sizeof *g);
    if (!g)
        return SC_GROUP_ENOMEM;
    g->m = m;
    mpz_init(g->order);
    mpz_init(g->hint);
    *out = g;
    return SC_GROUP_OK;
}

/* Append p unless it is the identity or already a generator. */
static int group_add_gen(sc_group *g, const sc_state *p)
{
    if (perm_is_identity(g->m, p))
        return SC_GROUP_OK;
    for (size_t i = 0; i < g->ng; i++)
        if (perm_equal(g->m, g->gens + i * g->m, p))
            return SC_GROUP_OK;
    if (g->ng == g->capg) {
        size_t nc = g->capg ? 2 * g->capg : 4;
        sc_state *ns = realloc(g->gens, nc * g->m * sizeof(sc_state));
        if (!ns)
            return SC_GROUP_ENOMEM;
        g->gens = ns;
        g->capg = nc;
    }
    memcpy(g->gens + g->ng * g->m, p, g->m * sizeof(sc_state));
    g->ng++;
    return SC_GROUP_OK;
}

void sc_group_free(sc_group *g)
{
    if (!g)
        return;
    chain_free(g->ch);
    free(g->gens);
    free(g->base);
    mpz_clear(g->order);
    mpz_clear(g->hint);
    free(g);
}

int sc_group_new(sc_group **out, uint32_t m, size_t ngens, const sc_state *gens)
{
    if (!out || (ngens && !gens))
        return SC_GROUP_EINVAL;
    *out = NULL;
    sc_group *g;
    TRY(group_alloc(&g, m));
    uint8_t *seen = malloc(m);
    if (!seen) {
        sc_group_free(g);
        return SC_GROUP_ENOMEM;
    }
    int rc = SC_GROUP_OK;
    for (size_t i = 0; i < ngens && rc == SC_GROUP_OK; i++) {
        if (!perm_check(m, gens + i * m, seen))
            rc = SC_GROUP_EINVAL;
        else
            rc = group_add_gen(g, gens + i * m);
    }
    free(seen);
    if (rc != SC_GROUP_OK) {
        sc_group_free(g);
        return rc;
    }
    *out = g;
    return SC_GROUP_OK;
}

uint32_t sc_group_degree(const sc_group *g) { return g->m; }
size_t sc_group_ngens(const sc_group *g) { return g->ng; }
const sc_state *sc_group_gen(const sc_group *g, size_t i)
{
    return i < g->ng ? g->gens + i * g->m : NULL;
}

int sc_group_set_order_hint(sc_group *g, const mpz_t order)
{
    if (mpz_sgn(order) <= 0)
        return SC_GROUP_EINVAL;
    if (g->have_order)
        return mpz_cmp(order, g->order) == 0 ? SC_GROUP_OK : SC_GROUP_EHINT;
    mpz_set(g->hint, order);
    g->have_hint = 1;
    return SC_GROUP_OK;
}

/* Parity of a permutation: 1 if odd. */
static int perm_odd(uint32_t m, const sc_state *p, uint8_t *mark)
{
    memset(mark, 0, m);
    uint32_t cycles = 0;
    for (uint32_t x = 0; x < m; x++) {
        if (mark[x])
            continue;
        cycles++;
        for (uint32_t y = x; !mark[y]; y = p[y])
            mark[y] = 1;
    }
    return (int)((m - cycles) & 1);
}

/* Orbits of <gens>: orb[x] = id of x's orbit (ids 0.. in order of least point); returns count. */
static uint32_t orbits(uint32_t m, size_t ng, const sc_state *gens, uint32_t *orb,
                       sc_state *queue)
{
    for (uint32_t x = 0; x < m; x++)
        orb[x] = UINT32_MAX;
    uint32_t nid = 0;
    for (uint32_t x = 0; x < m; x++) {
        if (orb[x] != UINT32_MAX)
            continue;
        size_t qh = 0, qt = 0;
        queue[qt++] = (sc_state)x;
        orb[x] = nid;
        while (qh < qt) {
            sc_state d = queue[qh++];
            for (size_t i = 0; i < ng; i++) {
                sc_state e = gens[i * m + d];
                if (orb[e] == UINT32_MAX) {
                    orb[e] = nid;
                    queue[qt++] = e;
                }
            }
        }
        nid++;
    }
    return nid;
}

/* Finest block system with 0 ~ b (Atkinson). rep[x] = class representative. Returns the size
 * of 0's class. */
static uint32_t uf_find(uint32_t *uf, uint32_t x)
{
    while (uf[x] != x) {
        uf[x] = uf[uf[x]];
        x = uf[x];
    }
    return x;
}

static uint32_t min_block_at(const sc_group *g, uint32_t alpha, uint32_t b, uint32_t *uf,
                             uint32_t *qa, uint32_t *qb)
{
    uint32_t m = g->m;
    for (uint32_t x = 0; x < m; x++)
        uf[x] = x;
    size_t qh = 0, qt = 0;
    if (alpha < b) uf[b] = alpha; else uf[alpha] = b;
    qa[qt] = alpha;
    qb[qt++] = b;
    while (qh < qt) {
        uint32_t a = qa[qh], c = qb[qh];
        qh++;
        for (size_t i = 0; i < g->ng; i++) {
            const sc_state *p = g->gens + i * m;
            uint32_t ra = uf_find(uf, p[a]), rc = uf_find(uf, p[c]);
            if (ra != rc) {
                if (ra < rc)
                    uf[rc] = ra;
                else
                    uf[ra] = rc;
                qa[qt] = ra;
                qb[qt++] = rc; /* at most m-1 unions */
            }
        }
    }
    uint32_t size = 0, ra = uf_find(uf, alpha);
    for (uint32_t x = 0; x < m; x++)
        if (uf_find(uf, x) == ra)
            size++;
    return size;
}

/* The minimal block containing 0 and the points S[0..ns) (Atkinson, as min_block_at). */
static uint32_t min_block_set(const sc_group *g, const uint32_t *S, size_t ns, uint32_t *uf,
                              uint32_t *qa, uint32_t *qb)
{
    uint32_t m = g->m;
    for (uint32_t x = 0; x < m; x++)
        uf[x] = x;
    size_t qh = 0, qt = 0;
    for (size_t i = 0; i < ns; i++) {
        uint32_t r = uf_find(uf, S[i]);
        if (r == 0)
            continue;
        uf[r] = 0; /* 0 is the least point: stays the representative */
        qa[qt] = 0;
        qb[qt++] = r;
    }
    while (qh < qt) {
        uint32_t a = qa[qh], c = qb[qh];
        qh++;
        for (size_t i = 0; i < g->ng; i++) {
            const sc_state *p = g->gens + i * m;
            uint32_t ra = uf_find(uf, p[a]), rc = uf_find(uf, p[c]);
            if (ra != rc) {
                if (ra < rc)
                    uf[rc] = ra;
                else
                    uf[ra] = rc;
                qa[qt] = ra;
                qb[qt++] = rc; /* at most m-1 unions */
            }
        }
    }
    uint32_t size = 0;
    for (uint32_t x = 0; x < m; x++)
        if (uf_find(uf, x) == 0)
            size++;
    return size;
}

/* uf holds a block system with 0's block of size *bsize < m. Enlarge 0's block: join it with
 * the least points c outside it while the minimal block containing both stays proper (at
 * most 256 failed joins, O(m * ngens) each), until m / *bsize + m fits the degree limit or
 * no point can be joined. uf then holds the final block system. */
static int grow_block(const sc_group *g, uint32_t *bsize, uint32_t *uf, uint32_t *qa,
                      uint32_t *qb)
{
    uint32_t m = g->m;
    uint32_t *S = malloc(((size_t)m + 1) * sizeof *S), *keep = malloc(m * sizeof *keep);
    if (!S || !keep) {
        free(S); free(keep);
        return SC_GROUP_ENOMEM;
    }
    for (uint32_t x = 0; x < m; x++)
        keep[x] = uf_find(uf, x);
    int fails = 0;
    for (uint32_t c = 1; c < m && fails < 256 && (uint64_t)m / *bsize + m > SC_GROUP_MAX_DEGREE;
         c++) {
        if (keep[c] == keep[0])
            continue;
        size_t ns = 0;
        for (uint32_t x = 1; x < m; x++)
            if (keep[x] == keep[0])
                S[ns++] = x;
        S[ns++] = c;
        uint32_t bs = min_block_set(g, S, ns, uf, qa, qb);
        if (bs < m) {
            *bsize = bs;
            for (uint32_t x = 0; x < m; x++)
                keep[x] = uf_find(uf, x);
        } else {
            fails++;
        }
    }
    /* restore the accepted system into uf (a flat forest: every point -> its root) */
    for (uint32_t x = 0; x < m; x++)
        uf[x] = keep[x];
    free(S); free(keep);
    return SC_GROUP_OK;
}

static uint32_t min_block(const sc_group *g, uint32_t b, uint32_t *uf, uint32_t *qa, uint32_t *qb)
{
    return min_block_at(g, 0, b, uf, qa, qb);
}

/* ---- regular orbits (fast exact orders of regular and semiregular actions)
 *
 * Why: a regular action of a group of order m (e.g. S_8 on its 40320 arrangements) defeats
 * Schreier–Sims. The orbit-product bound is m! (blocks are only searched for |O| <= 1024), so
 * the random phase cannot finish and the deterministic check must sift all m*ngens Schreier
 * generators of level 0, each formed from Schreier-tree words of degree m: Theta(m^2 * depth)
 * work (84 s for S_8). Instead we PROVE G_a = 1 cheaply and use |G| <= |O| as the upper bound;
 * the chain is then exact as soon as its level 0 orbit is O, i.e. after the generators.
 *
 * Tool: for points a, b the map f: a^g -> b^g (g in G) is well defined on a's orbit iff
 * G_a <= G_b (then G_a fixes b). orbit_map builds f by BFS over the generators and checks
 * every edge (x, s): f(x^s) = f(x)^s; checking all edges makes f commute with the generators,
 * hence with G (inverses are positive powers). Cost O(|O| * ngens).
 *  - G transitive on O (restrict to O): the maps f that exist are exactly the centraliser C of
 *    G^O in Sym(O) (each is a bijection commuting with G), and {b : f exists} = Fix(G_a) =
 *    a^C. G^O is regular iff Fix(G_a) = O. We collect maps c_1, c_2, ... for b = the least
 *    point outside the orbit of a under <c_1..c_k>; every success at least doubles that
 *    orbit (it is an orbit of a group, of size |<c's>| since C is semiregular), so at most
 *    log2|O| + 1 maps are built; the first failure proves G^O is not regular.
 *  - G intransitive, G^{O_1} regular, a in O_1: G_a is the kernel of G -> G^{O_1}, a normal
 *    subgroup, so it fixes one point b of another orbit O_i iff it fixes all of O_i. Hence
 *    one orbit_map(a, b_i) per other orbit decides whether G_a = 1, i.e. |G| = |O_1|
 *    (semiregular groups such as A_8 inside the regular S_8: two orbits of 20160). */

/* An action of G given by generator images on D points (D may exceed the degree limit:
 * actions on tuples, below): x^(gen i) = gens[i*D + x]. */
typedef struct act {
    uint32_t D;
    size_t ng;
    const uint32_t *gens;
} act;

/* f[x] for x in a's orbit := the image of x under a -> b (f must be UINT32_MAX there on
 * entry; the touched points are listed in queue[0..*nq)). Returns 1 iff well defined. */
static int orbit_map(const act *g, uint32_t a, uint32_t b, uint32_t *f, uint32_t *queue,
                     size_t *nq)
{
    uint32_t m = g->D;
    size_t qh = 0, qt = 0;
    f[a] = b;
    queue[qt++] = a;
    int ok = 1;
    while (qh < qt && ok) {
        uint32_t x = queue[qh++];
        uint32_t fx = f[x];
        for (size_t i = 0; i < g->ng; i++) {
            const uint32_t *s = g->gens + i * (size_t)m;
            uint32_t y = s[x];
            uint32_t want = s[fx];
            if (f[y] == UINT32_MAX) {
                f[y] = want;
                queue[qt++] = y;
            } else if (f[y] != want) {
                ok = 0;
                break;
            }
        }
    }
    *nq = qt;
    return ok;
}

static void orbit_map_reset(uint32_t *f, const uint32_t *queue, size_t nq)
{
    for (size_t i = 0; i < nq; i++)
        f[queue[i]] = UINT32_MAX;
}

#define REG_MAXMAPS 40 /* > log2(65535) + 1 */

/* 1 iff G^O is regular on the orbit O of a (pts[0..k) its points); -1: out of memory.
 * f: D entries all UINT32_MAX (restored); queue, cq: D scratch; mark: D bytes scratch;
 * maps: REG_MAXMAPS arrays of D. */
static int orbit_is_regular(const act *g, uint32_t a, size_t k, const uint32_t *pts,
                            uint32_t *f, uint32_t *queue, uint32_t **maps, uint8_t *mark,
                            uint32_t *cq)
{
    size_t nmaps = 0, nc = 0, scan = 0;
    int regular = 1;
    for (size_t i = 0; i < k; i++)
        mark[pts[i]] = 0;
    mark[a] = 1;
    cq[nc++] = a;
    for (;;) {
        while (scan < k && mark[pts[scan]])
            scan++;
        if (scan == k)
            break; /* a^<c's> = O: Fix(G_a) = O */
        if (nmaps == REG_MAXMAPS) { /* impossible (see above); stay safe */
            regular = 0;
            break;
        }
        size_t nq;
        int ok = orbit_map(g, a, pts[scan], f, queue, &nq);
        if (ok && nq != k)
            ok = 0; /* cannot happen: a's orbit is O */
        if (ok && !maps[nmaps] && !(maps[nmaps] = malloc(g->D * sizeof(uint32_t)))) {
            orbit_map_reset(f, queue, nq);
            return -1; /* out of memory */
        }
        if (ok) {
            uint32_t *c = maps[nmaps++];
            for (size_t i = 0; i < nq; i++)
                c[queue[i]] = f[queue[i]];
        }
        orbit_map_reset(f, queue, nq);
        if (!ok) {
            regular = 0;
            break;
        }
        /* close a's orbit under maps[0..nmaps) */
        for (size_t h = 0; h < nc; h++) {
            uint32_t x = cq[h];
            for (size_t j = 0; j < nmaps; j++) {
                uint32_t y = maps[j][x];
                if (!mark[y]) {
                    mark[y] = 1;
                    cq[nc++] = y;
                }
            }
        }
    }
    return regular;
}

/* An upper bound of |G|. If some orbit O_1 carries a regular action and the kernel G_a
 * (a in O_1) fixes a point of every other orbit (see orbit_map above): exactly |O_1|.
 * Otherwise the product over the orbits O of: |O| when G^O is regular; else, when O
 * (|O| <= 1024) has a nontrivial block system with blocks of size b (the smallest found),
 * (b!)^(|O|/b) (|O|/b)! (G^O lies in Sym(b) wr Sym(|O|/b)); else |O|!. Halved when every
 * generator is even and some factor is such a wreath product or symmetric group of degree
 * >= 2 (that factor contains odd permutations, so G lies in an index-2 subgroup). */
static int order_upper_bound(const sc_group *g, mpz_t ub)
{
    uint32_t m = g->m;
    uint32_t *orb = malloc(m * sizeof *orb);
    uint32_t *cnt = calloc(m, sizeof *cnt);
    uint32_t *start = calloc((size_t)m + 1, sizeof *start);
    uint32_t *pts = malloc(m * sizeof *pts);
    uint32_t *f = malloc(m * sizeof *f), *cq = malloc(m * sizeof *cq);
    uint32_t *maps[REG_MAXMAPS] = {0}; /* allocated on demand by orbit_is_regular */
    sc_state *q = malloc(m * sizeof *q);
    uint32_t *q32 = malloc(m * sizeof *q32);
    uint32_t *g32 = malloc((g->ng ? g->ng : 1) * (size_t)m * sizeof *g32);
    uint8_t *mark = malloc(m);
    uint8_t *reg = NULL;
    int rc = SC_GROUP_OK;
    if (!orb || !cnt || !start || !pts || !f || !cq || !q || !q32 || !g32 ||
        !mark) {
        rc = SC_GROUP_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < g->ng * (size_t)m; i++)
        g32[i] = g->gens[i];
    act A = {m, g->ng, g32};
    uint32_t no = orbits(m, g->ng, g->gens, orb, q);
    reg = calloc(no, 1);
    if (!reg) {
        rc = SC_GROUP_ENOMEM;
        goto out;
    }
    for (uint32_t x = 0; x < m; x++)
        cnt[orb[x]]++;
    for (uint32_t i = 0; i < no; i++)
        start[i + 1] = start[i] + cnt[i];
    for (uint32_t i = 0; i < no; i++)
        cnt[i] = 0;
    for (uint32_t x = 0; x < m; x++)
        pts[start[orb[x]] + cnt[orb[x]]++] = x;
    for (uint32_t x = 0; x < m; x++)
        f[x] = UINT32_MAX;
    /* regular orbits; a regular orbit whose kernel is trivial gives |G| itself. Only orbits
     * of the largest size can (|G| >= every orbit length); at most 4 kernels are tried, so
     * that many small regular orbits cost O(m * ngens), not O(m^2). */
    uint32_t maxk = 0;
    int tries = 4;
    for (uint32_t i = 0; i < no; i++)
        if (cnt[i] > maxk)
            maxk = cnt[i];
    for (uint32_t i = 0; i < no; i++)
        if (maxk % cnt[i])
            tries = 0; /* G = G^{O_1} regular forces every orbit length to divide |O_1| */
    for (uint32_t i = 0; i < no; i++) {
        if (cnt[i] < 2)
            continue;
        int r = orbit_is_regular(&A, pts[start[i]], cnt[i], pts + start[i], f, q32, maps,
                                 mark, cq);
        if (r < 0) {
            rc = SC_GROUP_ENOMEM;
            goto out;
        }
        reg[i] = (uint8_t)r;
        if (!reg[i] || cnt[i] != maxk || tries == 0)
            continue;
        tries--;
        uint32_t a = pts[start[i]];
        int faithful = 1;
        for (uint32_t j = 0; j < no && faithful; j++) {
            if (j == i || cnt[j] < 2)
                continue;
            size_t nq;
            faithful = orbit_map(&A, a, pts[start[j]], f, q32, &nq);
            orbit_map_reset(f, q32, nq);
        }
        if (faithful) {
            mpz_set_ui(ub, cnt[i]);
            goto out;
        }
    }
    mpz_set_ui(ub, 1);
    mpz_t fac;
    mpz_init(fac);
    uint32_t *uf = malloc(m * sizeof *uf), *qa = malloc(m * sizeof *qa),
             *qb = malloc(m * sizeof *qb);
    int sym_factor = 0;
    for (uint32_t i = 0; i < no; i++) {
        uint32_t k = cnt[i], best = k;
        if (reg[i]) {
            mpz_mul_ui(ub, ub, k);
            continue;
        }
        if (k >= 2)
            sym_factor = 1;
        if (uf && qa && qb && k > 3 && k <= 1024) {
            uint32_t a = pts[start[i]];
            for (uint32_t t = 1; t < k && best > 2; t++) {
                uint32_t b = pts[start[i] + t];
                uint32_t bs = min_block_at(g, a, b, uf, qa, qb);
                if (bs < best)
                    best = bs;
            }
        }
        if (best == k) {
            mpz_fac_ui(fac, k);
            mpz_mul(ub, ub, fac);
        } else {
            mpz_fac_ui(fac, best);
            mpz_pow_ui(fac, fac, k / best);
            mpz_mul(ub, ub, fac);
            mpz_fac_ui(fac, k / best);
            mpz_mul(ub, ub, fac);
        }
    }
    free(uf); free(qa); free(qb);
    mpz_clear(fac);
    int all_even = 1;
    for (size_t i = 0; i < g->ng && all_even; i++)
        if (perm_odd(m, g->gens + i * m, mark))
            all_even = 0;
    if (all_even && sym_factor && mpz_cmp_ui(ub, 1) > 0)
        mpz_divexact_ui(ub, ub, 2);
out:
    for (size_t j = 0; j < REG_MAXMAPS; j++)
        free(maps[j]);
    free(orb); free(cnt); free(start); free(pts); free(f); free(cq);
    free(q); free(q32); free(g32); free(mark); free(reg);
    return rc;
}


/* ---- base-tuple certificate (near-regular actions)
 *
 * Let B = (b_1..b_k) be the base points of a (possibly incomplete) chain and Delta = B^G its
 * orbit in Omega^k (G acts on tuples pointwise). |G| = |Delta| * |G_(B)|, G_(B) the
 * pointwise stabiliser of B. If G is REGULAR on Delta, G_(B) = 1 and |G| = |Delta| exactly:
 * a tight upper bound, and the random phase continues until the chain's orbit product
 * reaches it. Regularity on Delta is decided as for orbits (orbit_is_regular, above), so
 * this costs O(|Delta| * ngens * (k + log|Delta|)); it is tried only when |Delta| <=
 * TUPLE_ORBIT_MAX (groups up to ~10^6 elements), e.g. S_8 on the 20160 arrangements of 6 of
 * its 8 symbols (point stabiliser C_2): 16 s by the deterministic check, 0.1 s here. When G
 * is not regular on Delta (the chain missed a base point) nothing is concluded and the
 * deterministic check runs as before. */
#define TUPLE_ORBIT_MAX (1u << 20)

static uint64_t tuple_hash(const sc_state *t, size_t k)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < k; i++)
        h = sc_mix64(h ^ t[i]);
    return h;
}

static int base_orbit_certificate(const sc_group *g, const chain *ch, const mpz_t lower,
                                  mpz_t order, int *found)
{
    *found = 0;
    size_t k = ch->nlv, ng = g->ng;
    uint32_t m = g->m;
    if (k == 0 || ng == 0)
        return SC_GROUP_OK;
    /* Only worth it when the deterministic check is expensive: it forms and sifts about
     * sum(|orbit| * ngens) Schreier generators of degree m. */
    double work = 0;
    for (size_t i = 0; i < k; i++)
        work += (double)ch->lv[i].norb * (double)ng * m;
    if (work < (double)(1u << 24))
        return SC_GROUP_OK;
    /* |Delta| >= the chain's orbit product `lower`, and = |G| when the certificate exists;
     * after the random phase lower = |G| with high probability, so allow 4 * lower. */
    size_t cap = TUPLE_ORBIT_MAX;
    if (k * cap > ((size_t)1 << 26))
        cap = ((size_t)1 << 26) / k;
    if (mpz_cmp_ui(lower, cap) > 0)
        return SC_GROUP_OK;
    if (4 * mpz_get_ui(lower) < cap)
        cap = 4 * mpz_get_ui(lower);
    size_t tcap = 1;
    while (tcap < 2 * cap)
        tcap <<= 1;
    sc_state *tup = malloc(cap * k * sizeof *tup), *img = malloc(k * sizeof *img);
    uint32_t *tab = calloc(tcap, sizeof *tab);
    uint32_t *dg = malloc(ng * cap * sizeof *dg);
    uint32_t *pts = NULL, *f = NULL, *queue = NULL, *cq = NULL;
    uint8_t *mark = NULL;
    uint32_t *maps[REG_MAXMAPS] = {0};
    int rc = SC_GROUP_OK;
    if (!tup || !img || !tab || !dg) {
        rc = SC_GROUP_ENOMEM;
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        tup[i] = ch->lv[i].beta;
    tab[tuple_hash(tup, k) & (tcap - 1)] = 1;
    n = 1;
    for (size_t x = 0; x < n; x++)
        for (size_t j = 0; j < ng; j++) {
            const sc_state *s = g->gens + j * m;
            for (size_t i = 0; i < k; i++)
                img[i] = s[tup[x * k + i]];
            size_t h = tuple_hash(img, k) & (tcap - 1);
            while (tab[h] && memcmp(tup + (size_t)(tab[h] - 1) * k, img, k * sizeof *img))
                h = (h + 1) & (tcap - 1);
            if (!tab[h]) {
                if (n == cap)
                    goto out; /* too large: no certificate */
                memcpy(tup + n * k, img, k * sizeof *img);
                tab[h] = (uint32_t)++n;
            }
            dg[j * cap + x] = tab[h] - 1;
        }
    for (size_t j = 1; j < ng; j++)
        memmove(dg + j * n, dg + j * cap, n * sizeof *dg);
    pts = malloc(n * sizeof *pts);
    f = malloc(n * sizeof *f);
    queue = malloc(n * sizeof *queue);
    cq = malloc(n * sizeof *cq);
    mark = malloc(n);
    if (!pts || !f || !queue || !cq || !mark) {
        rc = SC_GROUP_ENOMEM;
        goto out;
    }
    for (size_t x = 0; x < n; x++) {
        pts[x] = (uint32_t)x;
        f[x] = UINT32_MAX;
    }
    act A = {(uint32_t)n, ng, dg};
    int reg = orbit_is_regular(&A, 0, n, pts, f, queue, maps, mark, cq);
    if (reg < 0) {
        rc = SC_GROUP_ENOMEM;
        goto out;
    }
    if (reg) {
        mpz_set_ui(order, n);
        *found = 1;
    }
out:
    for (size_t j = 0; j < REG_MAXMAPS; j++)
        free(maps[j]);
    free(tup); free(img); free(tab); free(dg);
    free(pts); free(f); free(queue); free(cq); free(mark);
    return rc;
}

/* Make ch an exact chain of <g's generators> (ch's level-0 group must already contain them,
 * or be empty): random Schreier–Sims, then exactness by bound or by chain_complete. */
static int chain_finish(const sc_group *g, chain *ch, const mpz_t hint_or_null, mpz_t order)
{
    int added;
    for (size_t i = 0; i < g->ng; i++)
        TRY(chain_offer(ch, g->gens + i * g->m, &added));
    chain_order(ch, order);
    if (g->ng == 0)
        goto done;
    mpz_t target;
    mpz_init(target);
    int rc = SC_GROUP_OK, have_target = 1;
    if (hint_or_null)
        mpz_set(target, hint_or_null);
    else if ((rc = order_upper_bound(g, target)) != SC_GROUP_OK)
        have_target = 0;
    prr pr;
    if (rc == SC_GROUP_OK)
        rc = prr_init(&pr, g->m, g->ng, g->gens, SEED);
    if (rc != SC_GROUP_OK) {
        mpz_clear(target);
        return rc;
    }
    int exact = 0, streak = 0, streak_limit = RANDOM_STREAK, certified = 0;
    for (;;) {
        while (rc == SC_GROUP_OK) {
            int c = have_target ? mpz_cmp(order, target) : -1;
            if (c == 0) {
                exact = 1;
                break;
            }
            if (c > 0) {
                rc = hint_or_null && !certified ? SC_GROUP_EHINT : SC_GROUP_EINTERNAL;
                break;
            }
            if (streak >= streak_limit)
                break;
            rc = chain_offer(ch, prr_next(&pr), &added);
            if (added) {
                streak = 0;
                chain_order(ch, order);
            } else {
                streak++;
            }
        }
        if (rc != SC_GROUP_OK || exact || certified)
            break;
        /* Before the deterministic check (Theta(orbit * ngens) Schreier generators of
         * degree m per level: minutes for near-regular actions of degree ~10^4), try to
         * certify |G| by the regular action on the orbit of the base tuple. */
        int found = 0;
        rc = base_orbit_certificate(g, ch, order, target, &found);
        if (rc != SC_GROUP_OK || !found)
            break;
        if (hint_or_null && mpz_cmp(target, hint_or_null) != 0) {
            rc = SC_GROUP_EHINT;
            break;
        }
        certified = have_target = 1;
        streak = 0;
        streak_limit = 20 * RANDOM_STREAK; /* the chain is short of |G|: more random elts */
    }
    prr_free(&pr);
    mpz_clear(target);
    TRY(rc);
    if (!exact) {
        TRY(chain_complete(ch));
        chain_order(ch, order);
        if (hint_or_null && mpz_cmp(order, hint_or_null) != 0)
            return SC_GROUP_EHINT;
    }
done:
    return SC_GROUP_OK;
}

static int group_ensure(sc_group *g)
{
    if (g->have_order)
        return SC_GROUP_OK;
    chain *ch = g->ch;
    if (!ch)
        TRY(chain_new(&ch, g->m, NULL, 0));
    g->ch = NULL;
    int rc = chain_finish(g, ch, g->have_hint ? g->hint : NULL, g->order);
    if (rc != SC_GROUP_OK) {
        chain_free(ch);
        return rc;
    }
    g->ch = ch;
    g->have_order = 1;
    return SC_GROUP_OK;
}

int sc_group_order(sc_group *g, mpz_t out)
{
    TRY(group_ensure(g));
    mpz_set(out, g->order);
    return SC_GROUP_OK;
}

int sc_group_order_u64(sc_group *g, uint64_t *out)
{
    TRY(group_ensure(g));
    if (mpz_sizeinbase(g->order, 2) > 64)
        return SC_GROUP_ERANGE;
    uint64_t v = 0;
    mpz_export(&v, NULL, -1, sizeof v, 0, 0, g->order);
    *out = v;
    return SC_GROUP_OK;
}

int sc_group_base(sc_group *g, const sc_state **base, size_t *len)
{
    TRY(group_ensure(g));
    free(g->base);
    g->base = malloc((g->ch->nlv + 1) * sizeof(sc_state));
    if (!g->base)
        return SC_GROUP_ENOMEM;
    for (size_t j = 0; j < g->ch->nlv; j++)
        g->base[j] = g->ch->lv[j].beta;
    *base = g->base;
    *len = g->ch->nlv;
    return SC_GROUP_OK;
}

int sc_group_contains(sc_group *g, const sc_state *p, int *result)
{
    uint8_t *seen = malloc(g->m);
    if (!seen)
        return SC_GROUP_ENOMEM;
    int ok = perm_check(g->m, p, seen);
    free(seen);
    if (!ok)
        return SC_GROUP_EINVAL;
    TRY(group_ensure(g));
    memcpy(g->ch->t1, p, g->m * sizeof(sc_state));
    size_t drop = sift(g->ch, g->ch->t1, 0);
    *result = drop == g->ch->nlv && perm_is_identity(g->m, g->ch->t1);
    return SC_GROUP_OK;
}

int sc_group_is_abelian(const sc_group *g)
{
    for (size_t i = 0; i < g->ng; i++)
        for (size_t j = i + 1; j < g->ng; j++)
            if (!perm_commutes(g->m, g->gens + i * g->m, g->gens + j * g->m))
                return 0;
    return 1;
}

/* A new group on g's points generated by the given list (no hint). */
static int group_from(sc_group **out, uint32_t m, size_t n, const sc_state *gens)
{
    sc_group *h;
    TRY(group_alloc(&h, m));
    for (size_t i = 0; i < n; i++) {
        int rc = group_add_gen(h, gens + i * m);
        if (rc != SC_GROUP_OK) {
            sc_group_free(h);
            return rc;
        }
    }
    *out = h;
    return SC_GROUP_OK;
}

/* Normal closure of the n permutations xs in G: a new group N = <xs^G>. Every conjugate
 * added is certified in N or added as a generator; N is normal because every conjugate of
 * every generator of N by every generator of G sifts to the identity in a chain of N. */
static int normal_closure(sc_group *g, size_t n, const sc_state *xs, sc_group **out)
{
    uint32_t m = g->m;
    sc_group *N;
    TRY(group_alloc(&N, m));
    chain *ch = NULL;
    int rc = chain_new(&ch, m, NULL, 0);
    sc_state *c = malloc(m * sizeof *c), *t = malloc(m * sizeof *t);
    sc_state *ginv = malloc((size_t)m * (g->ng ? g->ng : 1) * sizeof *ginv);
    if (rc == SC_GROUP_OK && (!c || !t || !ginv))
        rc = SC_GROUP_ENOMEM;
    for (size_t i = 0; rc == SC_GROUP_OK && i < g->ng; i++)
        perm_inverse(m, g->gens + i * m, ginv + i * m);
    int added;
    for (size_t i = 0; rc == SC_GROUP_OK && i < n; i++) {
        size_t before = N->ng;
        rc = group_add_gen(N, xs + i * m);
        if (rc == SC_GROUP_OK && N->ng > before)
            rc = chain_offer(ch, xs + i * m, &added);
    }
    for (size_t k = 0; rc == SC_GROUP_OK && k < N->ng; k++) {
        for (size_t i = 0; rc == SC_GROUP_OK && i < g->ng; i++) {
            /* c = g_i^-1 * x_k * g_i */
            tf_compose(m, ginv + i * m, N->gens + k * m, t);
            tf_compose(m, t, g->gens + i * m, c);
            memcpy(ch->t1, c, m * sizeof(sc_state));
            size_t drop = sift(ch, ch->t1, 0);
            if (drop == ch->nlv && perm_is_identity(m, ch->t1))
                continue;
            rc = add_residue(ch, ch->t1, drop, &added);
            if (rc == SC_GROUP_OK)
                rc = group_add_gen(N, c);
        }
    }
    free(c); free(t); free(ginv);
    if (rc == SC_GROUP_OK) {
        N->ch = ch; /* level-0 group = N; group_ensure completes it */
        rc = group_ensure(N);
        ch = NULL;
    }
    chain_free(ch);
    if (rc != SC_GROUP_OK) {
        sc_group_free(N);
        return rc;
    }
    *out = N;
    return SC_GROUP_OK;
}

int sc_group_normal_closure(sc_group *g, size_t n, const sc_state *xs, sc_group **out)
{
    if (!g || !out || (n && !xs))
        return SC_GROUP_EINVAL;
    uint8_t *seen = malloc(g->m);
    if (!seen)
        return SC_GROUP_ENOMEM;
    int rc = SC_GROUP_OK;
    for (size_t i = 0; i < n && rc == SC_GROUP_OK; i++)
        if (!perm_check(g->m, xs + i * g->m, seen))
            rc = SC_GROUP_EINVAL;
    free(seen);
    if (rc != SC_GROUP_OK)
        return rc;
    return normal_closure(g, n, xs, out);
}

int sc_group_derived_subgroup(sc_group *g, sc_group **out)
{
    uint32_t m = g->m;
    size_t np = g->ng * (g->ng > 0 ? g->ng - 1 : 0) / 2;
    sc_state *comm = malloc((np ? np : 1) * m * sizeof *comm);
    sc_state *ai = malloc(m * sizeof *ai), *bi = malloc(m * sizeof *bi);
    sc_state *t = malloc(m * sizeof *t), *u = malloc(m * sizeof *u);
    int rc = (comm && ai && bi && t && u) ? SC_GROUP_OK : SC_GROUP_ENOMEM;
    size_t nc = 0;
    for (size_t i = 0; rc == SC_GROUP_OK && i < g->ng; i++)
        for (size_t j = i + 1; j < g->ng; j++) {
            const sc_state *a = g->gens + i * m, *b = g->gens + j * m;
            if (perm_commutes(m, a, b))
                continue;
            perm_inverse(m, a, ai);
            perm_inverse(m, b, bi);
            tf_compose(m, ai, bi, t); /* a^-1 b^-1 */
            tf_compose(m, t, a, u);   /* a^-1 b^-1 a */
            tf_compose(m, u, b, comm + nc * m);
            nc++;
        }
    free(ai); free(bi); free(t); free(u);
    if (rc == SC_GROUP_OK)
        rc = normal_closure(g, nc, comm, out);
    free(comm);
    return rc;
}

static int group_copy(sc_group *g, sc_group **out)
{
    TRY(group_from(out, g->m, g->ng, g->gens));
    if (g->have_order || g->have_hint)
        sc_group_set_order_hint(*out, g->have_order ? g->order : g->hint);
    return SC_GROUP_OK;
}

void sc_group_series_free(sc_group **terms, size_t len)
{
    if (!terms)
        return;
    for (size_t i = 0; i < len; i++)
        sc_group_free(terms[i]);
    free(terms);
}

int sc_group_derived_series(sc_group *g, sc_group ***terms, size_t *len)
{
    size_t n = 0, cap = 4;
    sc_group **t = malloc(cap * sizeof *t);
    if (!t)
        return SC_GROUP_ENOMEM;
    int rc = group_copy(g, &t[0]);
    if (rc != SC_GROUP_OK) {
        free(t);
        return rc;
    }
    n = 1;
    while (rc == SC_GROUP_OK) {
        sc_group *cur = t[n - 1], *d = NULL;
        if ((rc = group_ensure(cur)) != SC_GROUP_OK)
            break;
        if (mpz_cmp_ui(cur->order, 1) == 0)
            break;
        if ((rc = sc_group_derived_subgroup(cur, &d)) != SC_GROUP_OK)
            break;
        if (mpz_cmp(d->order, cur->order) == 0) {
            sc_group_free(d);
            break;
        }
        if (n == cap) {
            sc_group **nt = realloc(t, 2 * cap * sizeof *nt);
            if (!nt) {
                sc_group_free(d);
                rc = SC_GROUP_ENOMEM;
                break;
            }
            t = nt;
            cap *= 2;
        }
        t[n++] = d;
    }
    if (rc != SC_GROUP_OK) {
        sc_group_series_free(t, n);
        return rc;
    }
    *terms = t;
    *len = n;
    return SC_GROUP_OK;
}

int sc_group_is_solvable(sc_group *g, int *result)
{
    sc_group **t;
    size_t n;
    TRY(sc_group_derived_series(g, &t, &n));
    *result = mpz_cmp_ui(t[n - 1]->order, 1) == 0;
    sc_group_series_free(t, n);
    return SC_GROUP_OK;
}

/* ------------------------------------------------------------------ composition factors */

typedef struct flist {
    size_t len, cap;
    sc_group_factor *f;
} flist;

static int flist_add(flist *l, const mpz_t order, const char *name)
{
    if (l->len == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 8;
        sc_group_factor *nf = realloc(l->f, nc * sizeof *nf);
        if (!nf)
            return SC_GROUP_ENOMEM;
        l->f = nf;
        l->cap = nc;
    }
    mpz_init_set(l->f[l->len].order, order);
    snprintf(l->f[l->len].name, sizeof l->f[l->len].name, "%s", name);
    l->len++;
    return SC_GROUP_OK;
}

static void flist_clear(flist *l)
{
    for (size_t i = 0; i < l->len; i++)
        mpz_clear(l->f[i].order);
    free(l->f);
    memset(l, 0, sizeof *l);
}

/* to += a - b (multiset difference by order, preferring equal names). */
static int flist_append_diff(flist *to, const flist *a, const flist *b)
{
    uint8_t *used = calloc(a->len ? a->len : 1, 1);
    if (!used)
        return SC_GROUP_ENOMEM;
    int rc = SC_GROUP_OK;
    for (size_t i = 0; i < b->len && rc == SC_GROUP_OK; i++) {
        size_t hit = SIZE_MAX;
        for (size_t j = 0; j < a->len; j++) {
            if (used[j] || mpz_cmp(a->f[j].order, b->f[i].order) != 0)
                continue;
            if (hit == SIZE_MAX || strcmp(a->f[j].name, b->f[i].name) == 0)
                hit = j;
            if (strcmp(a->f[j].name, b->f[i].name) == 0)
                break;
        }
        if (hit == SIZE_MAX)
            rc = SC_GROUP_EINTERNAL;
        else
            used[hit] = 1;
    }
    for (size_t j = 0; j < a->len && rc == SC_GROUP_OK; j++)
        if (!used[j])
            rc = flist_add(to, a->f[j].order, a->f[j].name);
    free(used);
    return rc;
}

static int prime_factors(flist *out, const mpz_t order)
{
    mpz_t n, p;
    mpz_init_set(n, order);
    mpz_init_set_ui(p, 2);
    int rc = SC_GROUP_OK;
    char name[96];
    while (mpz_cmp_ui(n, 1) > 0 && rc == SC_GROUP_OK) {
        if (mpz_divisible_p(n, p)) {
            mpz_divexact(n, n, p);
            gmp_snprintf(name, sizeof name, "C_%Zd", p);
            rc = flist_add(out, p, name);
            continue;
        }
        mpz_nextprime(p, p);
    }
    mpz_clear(n);
    mpz_clear(p);
    return rc;
}

uint64_t sc_perm_order(uint32_t m, const sc_state *p, uint8_t *mark)
{
    memset(mark, 0, m);
    uint64_t l = 1;
    for (uint32_t x = 0; x < m; x++) {
        if (mark[x])
            continue;
        uint64_t len = 0;
        for (uint32_t y = x; !mark[y]; y = p[y]) {
            mark[y] = 1;
            len++;
        }
        uint64_t a = l, b = len;
        while (b) {
            uint64_t r = a % b;
            a = b;
            b = r;
        }
        l = l / a * len;
        if (l > UINT64_MAX / 2 / 65536)
            l = UINT64_MAX / 2 / 65536;
    }
    return l;
}

/* ---- enumeration of small groups (|G|*m <= ENUM_LIMIT) */

typedef struct elts {
    uint32_t m;
    size_t n, cap;
    sc_state *e;
    uint32_t *tab; /* open addressing, index+1 */
    size_t tcap;
} elts;

static uint64_t perm_hash(uint32_t m, const sc_state *p)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t x = 0; x < m; x++)
        h = sc_mix64(h ^ p[x]);
    return h;
}

/* Index of p, or SIZE_MAX; with insert, add it (when absent). */
static size_t elts_find(elts *E, const sc_state *p, int insert)
{
    size_t i = perm_hash(E->m, p) & (E->tcap - 1);
    while (E->tab[i]) {
        size_t k = E->tab[i] - 1;
        if (perm_equal(E->m, E->e + k * E->m, p))
            return k;
        i = (i + 1) & (E->tcap - 1);
    }
    if (!insert)
        return SIZE_MAX;
    memcpy(E->e + E->n * E->m, p, E->m * sizeof(sc_state));
    E->tab[i] = (uint32_t)(E->n + 1);
    return E->n++;
}

static void elts_free(elts *E)
{
    free(E->e);
    free(E->tab);
}

/* All elements of G (order known, small). */
static int enumerate(sc_group *g, elts *E)
{
    uint32_t m = g->m;
    size_t n = mpz_get_ui(g->order);
    memset(E, 0, sizeof *E);
    E->m = m;
    E->cap = n;
    E->tcap = 1;
    while (E->tcap < 2 * n)
        E->tcap <<= 1;
    E->e = malloc(n * m * sizeof(sc_state));
    E->tab = calloc(E->tcap, sizeof(uint32_t));
    sc_state *t = malloc(m * sizeof *t);
    if (!E->e || !E->tab || !t) {
        free(t);
        elts_free(E);
        return SC_GROUP_ENOMEM;
    }
    tf_identity(m, t);
    elts_find(E, t, 1);
    for (size_t k = 0; k < E->n; k++)
        for (size_t i = 0; i < g->ng; i++) {
            tf_compose(m, E->e + k * m, g->gens + i * m, t);
            if (elts_find(E, t, 0) == SIZE_MAX) {
                if (E->n == n) {
                    free(t);
                    elts_free(E);
                    return SC_GROUP_EINTERNAL;
                }
                elts_find(E, t, 1);
            }
        }
    free(t);
    return E->n == n ? SC_GROUP_OK : SC_GROUP_EINTERNAL;
}

struct sc_group_elts {
    elts E;
};

int sc_group_elts_new(sc_group *g, uint64_t limit, sc_group_elts **out)
{
    if (!g || !out)
        return SC_GROUP_EINVAL;
    TRY(group_ensure(g));
    if (!mpz_fits_ulong_p(g->order) || mpz_get_ui(g->order) > limit ||
        mpz_get_ui(g->order) > SIZE_MAX / 2 / g->m)
        return SC_GROUP_ERANGE;
    sc_group_elts *e = malloc(sizeof *e);
    if (!e)
        return SC_GROUP_ENOMEM;
    int rc = enumerate(g, &e->E);
    if (rc != SC_GROUP_OK) {
        free(e);
        return rc;
    }
    *out = e;
    return SC_GROUP_OK;
}

size_t sc_group_elts_count(const sc_group_elts *e) { return e->E.n; }

const sc_state *sc_group_elts_at(const sc_group_elts *e, size_t i)
{
    return e->E.e + i * e->E.m;
}

size_t sc_group_elts_find(const sc_group_elts *e, const sc_state *p)
{
    /* elts_find does not modify the table without insert */
    return elts_find((elts *)&e->E, p, 0);
}

void sc_group_elts_free(sc_group_elts *e)
{
    if (!e)
        return;
    elts_free(&e->E);
    free(e);
}

/* Name of a non-abelian simple group of the given order. decide20160: 1 = A_8, 2 = PSL(3,4),
 * 0 = undecided. */
static void simple_name(const mpz_t order, int decide20160, char *name, size_t size)
{
    mpz_t f, q, v, t;
    mpz_inits(f, q, v, t, NULL);
    if (mpz_cmp_ui(order, 20160) == 0) {
        snprintf(name, size, "%s", decide20160 == 1 ? "A_8" : decide20160 == 2 ? "PSL(3,4)"
                                                            : "simple of order 20160");
        goto out;
    }
    /* n!/2 */
    mpz_set_ui(f, 1);
    for (unsigned long n = 2;; n++) {
        mpz_mul_ui(f, f, n);
        mpz_tdiv_q_2exp(t, f, 1);
        int c = mpz_cmp(t, order);
        if (c == 0 && n >= 5) {
            snprintf(name, size, "A_%lu", n);
            goto out;
        }
        if (c > 0)
            break;
    }
    /* PSL(2,q): q^3 - q = d*order with d = gcd(2,q-1), and (q-1)^3 <= q^3 - q < q^3, so
     * q = floor(cbrt(d*order)) + 1 or the cube root itself. */
    for (unsigned long d = 1; d <= 2; d++) {
        mpz_mul_ui(t, order, d);
        mpz_root(q, t, 3);
        for (int k = 0; k < 2; k++, mpz_add_ui(q, q, 1)) {
            if (mpz_cmp_ui(q, 7) < 0 || (mpz_odd_p(q) ? 2 : 1) != d)
                continue;
            int pp = mpz_probab_prime_p(q, 30) != 0;
            for (unsigned long e = 2; !pp && e < 64; e++)
                if (mpz_root(v, q, e) && mpz_probab_prime_p(v, 30))
                    pp = 1;
            if (!pp)
                continue;
            mpz_mul(v, q, q);
            mpz_sub_ui(v, v, 1);
            mpz_mul(v, v, q);
            if (mpz_cmp(v, t) == 0) {
                gmp_snprintf(name, size, "PSL(2,%Zd)", q);
                goto out;
            }
        }
    }
    gmp_snprintf(name, size, "simple of order %Zd", order);
out:
    mpz_clears(f, q, v, t, NULL);
}

/* Decide A_8 vs PSL(3,4) for a simple group g of order 20160: an element of order 15 or 6
 * proves A_8; enumerating all elements without one proves PSL(3,4). */
static int decide_20160(sc_group *g, int *which)
{
    uint32_t m = g->m;
    uint8_t *mark = malloc(m);
    if (!mark)
        return SC_GROUP_ENOMEM;
    *which = 0;
    int rc = SC_GROUP_OK;
    if ((uint64_t)20160 * m <= ENUM_LIMIT) {
        elts E;
        rc = enumerate(g, &E);
        if (rc == SC_GROUP_OK) {
            *which = 2;
            for (size_t k = 0; k < E.n; k++) {
                uint64_t o = sc_perm_order(m, E.e + k * m, mark);
                if (o == 15 || o == 6) {
                    *which = 1;
                    break;
                }
            }
            elts_free(&E);
        }
    } else {
        prr pr;
        rc = prr_init(&pr, m, g->ng, g->gens, SEED ^ 20160);
        for (int k = 0; rc == SC_GROUP_OK && k < 2000 && !*which; k++) {
            uint64_t o = sc_perm_order(m, prr_next(&pr), mark);
            if (o == 15 || o == 6)
                *which = 1;
        }
        if (rc == SC_GROUP_OK)
            prr_free(&pr);
    }
    free(mark);
    return rc;
}

static int add_simple(flist *out, sc_group *g, int giant_n)
{
    char name[96];
    int which = 0;
    if (giant_n)
        which = 1; /* a giant of order 20160 is A_8 */
    else if (mpz_cmp_ui(g->order, 20160) == 0)
        TRY(decide_20160(g, &which));
    simple_name(g->order, which, name, sizeof name);
    return flist_add(out, g->order, name);
}

/* The stabiliser-chain data of g with a prescribed base prefix (order known). */
static int prefixed_chain(sc_group *g, const sc_state *prefix, size_t np, chain **out)
{
    TRY(group_ensure(g));
    chain *ch;
    TRY(chain_new(&ch, g->m, prefix, np));
    mpz_t o;
    mpz_init(o);
    int rc = chain_finish(g, ch, g->order, o);
    mpz_clear(o);
    if (rc != SC_GROUP_OK) {
        chain_free(ch);
        return rc;
    }
    *out = ch;
    return SC_GROUP_OK;
}

/* The group generated by level j's strong generators of ch, restricted to points
 * [off, off+m') and shifted down by off; its order is prod of orbit lengths from level j. */
static int level_group(chain *ch, size_t j, uint32_t off, uint32_t mm, sc_group **out)
{
    sc_group *h;
    TRY(group_alloc(&h, mm));
    sc_state *p = malloc(mm * sizeof *p);
    int rc = p ? SC_GROUP_OK : SC_GROUP_ENOMEM;
    if (j < ch->nlv)
        for (size_t k = 0; k < ch->lv[j].ng && rc == SC_GROUP_OK; k++) {
            const sc_state *s = PERM(ch, ch->lv[j].gi[k]);
            for (uint32_t x = 0; x < mm; x++)
                p[x] = (sc_state)(s[off + x] - off);
            rc = group_add_gen(h, p);
        }
    free(p);
    if (rc == SC_GROUP_OK) {
        mpz_set_ui(h->hint, 1);
        for (size_t i = j; i < ch->nlv; i++)
            mpz_mul_ui(h->hint, h->hint, ch->lv[i].norb);
        h->have_hint = 1;
        rc = group_ensure(h);
    }
    if (rc != SC_GROUP_OK) {
        sc_group_free(h);
        return rc;
    }
    *out = h;
    return SC_GROUP_OK;
}

static int prefix_order(const chain *ch, size_t np, mpz_t out)
{
    mpz_set_ui(out, 1);
    for (size_t i = 0; i < np && i < ch->nlv; i++)
        mpz_mul_ui(out, out, ch->lv[i].norb);
    return SC_GROUP_OK;
}

/* Stabiliser of point a in g (exact, hint set). */
static int stabiliser(sc_group *g, sc_state a, sc_group **out)
{
    chain *ch;
    TRY(prefixed_chain(g, &a, 1, &ch));
    int rc = level_group(ch, 1, 0, g->m, out);
    chain_free(ch);
    return rc;
}

static int factors_rec(sc_group *g, flist *out, int *exact);

/* factors(a) + factors(b) into out. */
static int factors_two(sc_group *a, sc_group *b, flist *out, int *exact)
{
    TRY(factors_rec(a, out, exact));
    return factors_rec(b, out, exact);
}

/* G -> action on the first `np` points of the (extended) group ext (degree np + g->m):
 * factors(image) + factors(kernel). */
static int factors_by_action(sc_group *g, sc_group *ext, uint32_t np, flist *out, int *exact)
{
    sc_state *prefix = malloc(np * sizeof *prefix);
    if (!prefix)
        return SC_GROUP_ENOMEM;
    for (uint32_t i = 0; i < np; i++)
        prefix[i] = (sc_state)i;
    chain *ch;
    int rc = prefixed_chain(ext, prefix, np, &ch);
    free(prefix);
    TRY(rc);
    sc_group *img = NULL, *ker = NULL;
    rc = level_group(ch, np, g->m == ext->m ? 0 : np, g->m, &ker);
    if (rc == SC_GROUP_OK) {
        /* image: generators restricted to the first np points */
        rc = group_alloc(&img, np);
        sc_state *p = malloc(np * sizeof *p);
        if (rc == SC_GROUP_OK && !p)
            rc = SC_GROUP_ENOMEM;
        for (size_t i = 0; rc == SC_GROUP_OK && i < ext->ng; i++) {
            memcpy(p, ext->gens + i * ext->m, np * sizeof *p);
            rc = group_add_gen(img, p);
        }
        free(p);
        if (rc == SC_GROUP_OK) {
            prefix_order(ch, np, img->hint);
            img->have_hint = 1;
            rc = group_ensure(img);
        }
    }
    chain_free(ch);
    if (rc == SC_GROUP_OK)
        rc = factors_two(img, ker, out, exact);
    sc_group_free(img);
    sc_group_free(ker);
    return rc;
}

/* A proper nontrivial normal subgroup of the primitive group g, or *n = NULL. */
static int find_normal(sc_group *g, sc_group **n, int *proved_none)
{
    uint32_t m = g->m;
    *n = NULL;
    *proved_none = 0;
    sc_group *d;
    TRY(sc_group_derived_subgroup(g, &d));
    if (mpz_cmp(d->order, g->order) < 0 && mpz_cmp_ui(d->order, 1) > 0) {
        *n = d;
        return SC_GROUP_OK;
    }
    sc_group_free(d);
    for (size_t i = 0; i < g->ng; i++) {
        TRY(normal_closure(g, 1, g->gens + i * m, &d));
        if (mpz_cmp(d->order, g->order) < 0) {
            *n = d;
            return SC_GROUP_OK;
        }
        sc_group_free(d);
    }
    prr pr;
    TRY(prr_init(&pr, m, g->ng, g->gens, SEED ^ 0xC1A55));
    int rc = SC_GROUP_OK;
    for (int k = 0; k < PRIMITIVE_TRIES && rc == SC_GROUP_OK && !*n; k++) {
        const sc_state *x = prr_next(&pr);
        if (perm_is_identity(m, x))
            continue;
        rc = normal_closure(g, 1, x, &d);
        if (rc == SC_GROUP_OK) {
            if (mpz_cmp(d->order, g->order) < 0)
                *n = d;
            else
                sc_group_free(d);
        }
    }
    prr_free(&pr);
    TRY(rc);
    if (*n || !mpz_fits_ulong_p(g->order) || mpz_get_ui(g->order) > ENUM_LIMIT / m)
        return SC_GROUP_OK;
    /* Exact: the normal closure of every conjugacy class representative. */
    elts E;
    TRY(enumerate(g, &E));
    uint8_t *done = calloc(E.n, 1);
    size_t *queue = malloc(E.n * sizeof *queue);
    sc_state *ginv = malloc((size_t)g->ng * m * sizeof *ginv), *t = malloc(m * sizeof *t),
             *u = malloc(m * sizeof *u);
    rc = (done && queue && ginv && t && u) ? SC_GROUP_OK : SC_GROUP_ENOMEM;
    for (size_t i = 0; rc == SC_GROUP_OK && i < g->ng; i++)
        perm_inverse(m, g->gens + i * m, ginv + i * m);
    done[0] = 1; /* identity */
    for (size_t k = 1; rc == SC_GROUP_OK && k < E.n && !*n; k++) {
        if (done[k])
            continue;
        size_t qh = 0, qt = 0;
        queue[qt++] = k;
        done[k] = 1;
        while (qh < qt) {
            const sc_state *y = E.e + queue[qh++] * m;
            for (size_t i = 0; i < g->ng; i++) {
                tf_compose(m, ginv + i * m, y, t);
                tf_compose(m, t, g->gens + i * m, u);
                size_t z = elts_find(&E, u, 0);
                if (z != SIZE_MAX && !done[z]) {
                    done[z] = 1;
                    queue[qt++] = z;
                }
            }
        }
        rc = normal_closure(g, 1, E.e + k * m, &d);
        if (rc == SC_GROUP_OK) {
            if (mpz_cmp(d->order, g->order) < 0)
                *n = d;
            else
                sc_group_free(d);
        }
    }
    if (rc == SC_GROUP_OK && !*n)
        *proved_none = 1;
    free(done); free(queue); free(ginv); free(t); free(u);
    elts_free(&E);
    return rc;
}

static int factors_rec(sc_group *g, flist *out, int *exact)
{
    TRY(group_ensure(g));
    uint32_t m = g->m;
    if (mpz_cmp_ui(g->order, 1) == 0)
        return SC_GROUP_OK;
    if (sc_group_is_abelian(g))
        return prime_factors(out, g->order);

    uint32_t *orb = malloc(m * sizeof *orb);
    sc_state *q = malloc(m * sizeof *q);
    if (!orb || !q) {
        free(orb); free(q);
        return SC_GROUP_ENOMEM;
    }
    uint32_t no = orbits(m, g->ng, g->gens, orb, q);
    int rc = SC_GROUP_OK;
    if (no > 1) {
        /* first nontrivial orbit O; new numbering: O first, then the rest */
        uint32_t *cnt = calloc(no, sizeof *cnt);
        if (!cnt) {
            free(orb); free(q);
            return SC_GROUP_ENOMEM;
        }
        for (uint32_t x = 0; x < m; x++)
            cnt[orb[x]]++;
        uint32_t id = 0, nontriv = 0;
        while (cnt[id] == 1)
            id++;
        for (uint32_t i = 0; i < no; i++)
            nontriv += cnt[i] > 1;
        uint32_t osz = cnt[id];
        free(cnt);
        /* relabel: O's points -> 0..osz-1, others -> osz.. */
        uint32_t *lbl = malloc(m * sizeof *lbl);
        sc_state *p = malloc(m * sizeof *p);
        sc_group *ext = NULL;
        rc = (lbl && p) ? group_alloc(&ext, m) : SC_GROUP_ENOMEM;
        if (rc == SC_GROUP_OK) {
            uint32_t a = 0, b = osz;
            for (uint32_t x = 0; x < m; x++)
                lbl[x] = orb[x] == id ? a++ : b++;
            for (size_t i = 0; i < g->ng && rc == SC_GROUP_OK; i++) {
                const sc_state *s = g->gens + i * m;
                for (uint32_t x = 0; x < m; x++)
                    p[lbl[x]] = (sc_state)lbl[s[x]];
                rc = group_add_gen(ext, p);
            }
            if (rc == SC_GROUP_OK) {
                mpz_set(ext->hint, g->order);
                ext->have_hint = 1;
            }
        }
        if (rc == SC_GROUP_OK && nontriv == 1) {
            /* faithful on O: just restrict */
            sc_group *r = NULL;
            rc = group_alloc(&r, osz);
            for (size_t i = 0; i < ext->ng && rc == SC_GROUP_OK; i++)
                rc = group_add_gen(r, ext->gens + i * m);
            if (rc == SC_GROUP_OK) {
                mpz_set(r->hint, g->order);
                r->have_hint = 1;
                rc = factors_rec(r, out, exact);
            }
            sc_group_free(r);
        } else if (rc == SC_GROUP_OK) {
            rc = factors_by_action(ext, ext, osz, out, exact);
        }
        free(lbl); free(p);
        sc_group_free(ext);
        free(orb); free(q);
        return rc;
    }
    free(orb);
    free(q);

    /* transitive: look for a block system */
    uint32_t *uf = malloc(m * sizeof *uf), *qa = malloc(m * sizeof *qa),
             *qb = malloc(m * sizeof *qb);
    if (!uf || !qa || !qb) {
        free(uf); free(qa); free(qb);
        return SC_GROUP_ENOMEM;
    }
    uint32_t bsize = m;
    int prime_degree = 1;
    for (uint32_t d = 2; (uint64_t)d * d <= m; d++)
        if (m % d == 0)
            prime_degree = 0;
    for (uint32_t b = 1; b < m && !prime_degree; b++) {
        bsize = min_block(g, b, uf, qa, qb);
        if (bsize < m)
            break;
    }
    if (bsize < m && !prime_degree && (uint64_t)m / bsize + m > SC_GROUP_MAX_DEGREE) {
        /* The kernel below is read off a group on blocks + points (degree m/bsize + m), which
         * must stay <= 65535: for large m (e.g. a regular group of order 60480, whose
         * minimal blocks are small cyclic subgroups) enlarge the block containing 0 by
         * joining further points while the result stays a proper block. */
        rc = grow_block(g, &bsize, uf, qa, qb);
        if (rc == SC_GROUP_OK && (uint64_t)m / bsize + m > SC_GROUP_MAX_DEGREE)
            rc = SC_GROUP_EINVAL;
        if (rc != SC_GROUP_OK) {
            free(uf); free(qa); free(qb);
            return rc;
        }
    }
    if (bsize < m && !prime_degree) {
        /* blocks numbered by least point */
        uint32_t nb = m / bsize;
        uint32_t *bid = malloc(m * sizeof *bid);
        sc_group *ext = NULL;
        sc_state *p = malloc(((size_t)nb + m) * sizeof *p);
        rc = (bid && p) ? group_alloc(&ext, nb + m) : SC_GROUP_ENOMEM;
        if (rc == SC_GROUP_OK && nb + m > SC_GROUP_MAX_DEGREE)
            rc = SC_GROUP_EINVAL;
        if (rc == SC_GROUP_OK) {
            uint32_t k = 0;
            for (uint32_t x = 0; x < m; x++)
                bid[x] = UINT32_MAX;
            for (uint32_t x = 0; x < m; x++) {
                uint32_t r = uf_find(uf, x);
                if (bid[r] == UINT32_MAX)
                    bid[r] = k++;
                bid[x] = bid[r];
            }
            for (size_t i = 0; i < g->ng && rc == SC_GROUP_OK; i++) {
                const sc_state *s = g->gens + i * m;
                for (uint32_t x = 0; x < m; x++) {
                    p[bid[x]] = (sc_state)bid[s[x]];
                    p[nb + x] = (sc_state)(nb + s[x]);
                }
                rc = group_add_gen(ext, p);
            }
            if (rc == SC_GROUP_OK) {
                mpz_set(ext->hint, g->order);
                ext->have_hint = 1;
                rc = factors_by_action(g, ext, nb, out, exact);
            }
        }
        free(bid); free(p);
        sc_group_free(ext);
        free(uf); free(qa); free(qb);
        return rc;
    }
    free(uf); free(qa); free(qb);

    /* primitive */
    if (m >= 5) {
        mpz_t f;
        mpz_init(f);
        mpz_fac_ui(f, m);
        int full = mpz_cmp(f, g->order) == 0;
        mpz_tdiv_q_2exp(f, f, 1);
        int alt = mpz_cmp(f, g->order) == 0;
        if (full || alt) {
            char name[96];
            snprintf(name, sizeof name, "A_%u", m);
            rc = flist_add(out, f, name);
            if (rc == SC_GROUP_OK && full) {
                mpz_set_ui(f, 2);
                rc = flist_add(out, f, "C_2");
            }
            mpz_clear(f);
            return rc;
        }
        mpz_clear(f);
    }
    sc_group *n = NULL;
    int proved_none;
    TRY(find_normal(g, &n, &proved_none));
    if (!n) {
        if (!proved_none)
            *exact = 0;
        return add_simple(out, g, 0);
    }
    /* n is transitive (g primitive): g/n = g_0/n_0 */
    sc_group *ga = NULL, *na = NULL;
    flist fa = {0}, fb = {0};
    rc = stabiliser(g, 0, &ga);
    if (rc == SC_GROUP_OK)
        rc = stabiliser(n, 0, &na);
    if (rc == SC_GROUP_OK)
        rc = factors_rec(n, out, exact);
    if (rc == SC_GROUP_OK)
        rc = factors_rec(ga, &fa, exact);
    if (rc == SC_GROUP_OK)
        rc = factors_rec(na, &fb, exact);
    if (rc == SC_GROUP_OK)
        rc = flist_append_diff(out, &fa, &fb);
    flist_clear(&fa);
    flist_clear(&fb);
    sc_group_free(ga);
    sc_group_free(na);
    sc_group_free(n);
    return rc;
}

static int factor_cmp(const void *a, const void *b)
{
    const sc_group_factor *x = a, *y = b;
    int c = mpz_cmp(x->order, y->order);
    return c ? (c < 0 ? -1 : 1) : strcmp(x->name, y->name);
}

void sc_group_factors_clear(sc_group_factors *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->len; i++)
        mpz_clear(f->f[i].order);
    free(f->f);
    memset(f, 0, sizeof *f);
}

int sc_group_composition_factors(sc_group *g, sc_group_factors *out)
{
    memset(out, 0, sizeof *out);
    flist l = {0};
    int exact = 1;
    int rc = factors_rec(g, &l, &exact);
    if (rc == SC_GROUP_OK) {
        /* consistency: the product of the factor orders is |G| */
        mpz_t p;
        mpz_init_set_ui(p, 1);
        for (size_t i = 0; i < l.len; i++)
            mpz_mul(p, p, l.f[i].order);
        if (mpz_cmp(p, g->order) != 0)
            rc = SC_GROUP_EINTERNAL;
        mpz_clear(p);
    }
    if (rc != SC_GROUP_OK) {
        flist_clear(&l);
        return rc;
    }
    if (l.len)
        qsort(l.f, l.len, sizeof *l.f, factor_cmp);
    out->len = l.len;
    out->f = l.f;
    out->exact = exact;
    return SC_GROUP_OK;
}

void sc_group_info_clear(sc_group_info *info)
{
    if (!info)
        return;
    mpz_clear(info->order);
    sc_group_factors_clear(&info->factors);
}

int sc_group_analyze(uint32_t m, size_t ngens, const sc_state *gens, const mpz_t known_order,
                     sc_group_info *info)
{
    mpz_init(info->order);
    memset(&info->factors, 0, sizeof info->factors);
    info->abelian = info->solvable = 0;
    sc_group *g;
    int rc = sc_group_new(&g, m, ngens, gens);
    if (rc == SC_GROUP_OK && known_order)
        rc = sc_group_set_order_hint(g, known_order);
    if (rc == SC_GROUP_OK)
        rc = sc_group_order(g, info->order);
    if (rc == SC_GROUP_OK) {
        info->abelian = sc_group_is_abelian(g);
        rc = sc_group_is_solvable(g, &info->solvable);
    }
    if (rc == SC_GROUP_OK)
        rc = sc_group_composition_factors(g, &info->factors);
    sc_group_free(g);
    return rc;
}
