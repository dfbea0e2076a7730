/* Holonomy decomposition (Eilenberg; Egri-Nagy & Nehaniv, arXiv:1508.06345), written from
 * the mathematics; see src/cascade.h for the construction and its conventions.
 *
 * Everything is computed from the generators: the orbit of Q under the action on subsets
 * (never the semigroup T(A)), the subduction classes as strongly connected components of
 * that orbit graph, heights by a longest-path pass over the classes, tiles of each class
 * representative, and tile numberings/holonomy permutations for the other members through
 * the bijections τ_B found by a breadth-first search inside each class. */
#include "holonomy.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define HOL_MAX_BYTES (1ull << 32) /* memory bound of the skeleton (documented limit) */

/* ---- bitsets ------------------------------------------------------------------------- */

static inline const uint64_t *bs(const sc_hol *h, uint32_t id)
{
    return h->bits + (size_t)id * h->W;
}

static inline int bs_subset(const uint64_t *a, const uint64_t *b, uint32_t W)
{
    for (uint32_t w = 0; w < W; w++)
        if (a[w] & ~b[w])
            return 0;
    return 1;
}

static inline int bs_has(const uint64_t *a, uint32_t x)
{
    return (int)((a[x >> 6] >> (x & 63)) & 1u);
}

/* out = a·f (the image of the set a under the transformation f). */
static void bs_image(const uint64_t *a, const sc_state *f, uint32_t W, uint64_t *out)
{
    memset(out, 0, W * sizeof *out);
    for (uint32_t w = 0; w < W; w++)
        for (uint64_t b = a[w]; b; b &= b - 1) {
            uint32_t y = f[w * 64u + (uint32_t)__builtin_ctzll(b)];
            out[y >> 6] |= 1ull << (y & 63);
        }
}

static uint32_t bs_card(const uint64_t *a, uint32_t W)
{
    uint32_t c = 0;
    for (uint32_t w = 0; w < W; w++)
        c += (uint32_t)__builtin_popcountll(a[w]);
    return c;
}

static uint32_t bs_first(const uint64_t *a, uint32_t W)
{
    for (uint32_t w = 0; w < W; w++)
        if (a[w])
            return w * 64u + (uint32_t)__builtin_ctzll(a[w]);
    return HOL_NONE;
}

static uint64_t bs_hash(const uint64_t *a, uint32_t W)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint32_t w = 0; w < W; w++)
        x = sc_mix64(x ^ a[w]);
    return x;
}

/* ---- the set store ------------------------------------------------------------------- */

static uint64_t bytes_per_set(const sc_hol *h)
{
    /* bits, card, img, hash (2 slots), cls, toff, poff */
    return (uint64_t)h->W * 8 + 4 + (uint64_t)h->k * 4 + 8 + 4 + 8 + (uint64_t)h->k * 8;
}

static int store_grow(sc_hol *h, uint64_t max_sets, sc_error *err)
{
    uint64_t cap = h->cap ? (uint64_t)h->cap * 2 : 1024;
    if (cap > max_sets)
        cap = max_sets;
    if (cap <= h->nsets)
        return sc_fail(err, SC_EXIT_LIMIT,
                       "holonomy: more than %llu image sets and singletons (the limit; "
                       "raise max_sets)", (unsigned long long)max_sets);
    if (cap * bytes_per_set(h) > HOL_MAX_BYTES)
        return sc_fail(err, SC_EXIT_LIMIT,
                       "holonomy: %llu sets of %u states would need more than %llu bytes",
                       (unsigned long long)cap, h->n, (unsigned long long)HOL_MAX_BYTES);
    uint64_t *bits = realloc(h->bits, cap * h->W * sizeof *bits);
    if (bits)
        h->bits = bits;
    uint32_t *card = realloc(h->card, cap * sizeof *card);
    if (card)
        h->card = card;
    uint32_t *img = realloc(h->img, cap * h->k * sizeof *img);
    if (img)
        h->img = img;
    if (!bits || !card || !img)
        return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory for %llu sets",
                       (unsigned long long)cap);
    uint64_t tcap = 1;
    while (tcap < 2 * cap)
        tcap <<= 1;
    if (tcap != h->tcap) {
        uint32_t *tab = calloc(tcap, sizeof *tab);
        if (!tab)
            return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory for the set table");
        for (uint32_t id = 0; id < h->nsets; id++) {
            uint64_t i = bs_hash(bs(h, id), h->W) & (tcap - 1);
            while (tab[i])
                i = (i + 1) & (tcap - 1);
            tab[i] = id + 1;
        }
        free(h->tab);
        h->tab = tab;
        h->tcap = tcap;
    }
    h->cap = (uint32_t)cap;
    return 0;
}

/* Id of the set a, inserting it when absent (*added = 1). */
static int store_find(sc_hol *h, const uint64_t *a, int insert, uint64_t max_sets,
                      uint32_t *id, int *added, sc_error *err)
{
    *added = 0;
    uint64_t i = bs_hash(a, h->W) & (h->tcap - 1);
    while (h->tab[i]) {
        uint32_t j = h->tab[i] - 1;
        if (!memcmp(bs(h, j), a, h->W * sizeof *a)) {
            *id = j;
            return 0;
        }
        i = (i + 1) & (h->tcap - 1);
    }
    if (!insert) {
        *id = HOL_NONE;
        return 0;
    }
    if (h->nsets == h->cap) {
        int rc = store_grow(h, max_sets, err);
        if (rc)
            return rc;
        return store_find(h, a, insert, max_sets, id, added, err);
    }
    uint32_t j = h->nsets++;
    memcpy(h->bits + (size_t)j * h->W, a, h->W * sizeof *a);
    h->card[j] = bs_card(a, h->W);
    h->tab[i] = j + 1;
    *id = j;
    *added = 1;
    return 0;
}

static uint32_t lookup(const sc_hol *h, const uint64_t *a)
{
    uint64_t i = bs_hash(a, h->W) & (h->tcap - 1);
    while (h->tab[i]) {
        uint32_t j = h->tab[i] - 1;
        if (!memcmp(bs(h, j), a, h->W * sizeof *a))
            return j;
        i = (i + 1) & (h->tcap - 1);
    }
    return HOL_NONE;
}

void hol_free(sc_hol *h)
{
    if (!h)
        return;
    free(h->bits); free(h->card); free(h->img); free(h->tab); free(h->single);
    free(h->cls); free(h->C); free(h->toff); free(h->tiles); free(h->poff); free(h->pool);
    free(h);
}

/* ---- orbit, classes, heights ---------------------------------------------------------- */

/* The orbit of Q under the generators (breadth first: ids in discovery order), then every
 * singleton not yet found; img filled for all of them. */
static int build_orbit(sc_hol *h, const sc_state *delta, uint64_t max_sets, sc_error *err)
{
    uint64_t *t = calloc(h->W, sizeof *t);
    if (!t)
        return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
    int rc = store_grow(h, max_sets, err), added;
    uint32_t id;
    for (uint32_t x = 0; x < h->n && !rc; x++)
        t[x >> 6] |= 1ull << (x & 63);
    if (!rc)
        rc = store_find(h, t, 1, max_sets, &id, &added, err);
    h->top = 0;
    int singles_added = 0;
    for (uint32_t s = 0; !rc; s++) {
        if (s == h->nsets) {
            if (singles_added)
                break;
            /* the orbit is closed: add the missing singletons (closed under the action) */
            h->nimg = h->nsets;
            singles_added = 1;
            for (uint32_t x = 0; x < h->n && !rc; x++) {
                memset(t, 0, h->W * sizeof *t);
                t[x >> 6] |= 1ull << (x & 63);
                rc = store_find(h, t, 1, max_sets, &id, &added, err);
            }
            if (s == h->nsets)
                break;
        }
        for (uint32_t g = 0; g < h->k && !rc; g++) {
            bs_image(bs(h, s), delta + (size_t)g * h->n, h->W, t);
            rc = store_find(h, t, 1, max_sets, &id, &added, err);
            if (!rc)
                h->img[(size_t)s * h->k + g] = id;
        }
    }
    if (!rc) {
        h->single = malloc(h->n * sizeof *h->single);
        if (!h->single)
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        for (uint32_t x = 0; x < h->n && !rc; x++) {
            memset(t, 0, h->W * sizeof *t);
            t[x >> 6] |= 1ull << (x & 63);
            h->single[x] = lookup(h, t);
        }
    }
    free(t);
    return rc;
}

/* Strongly connected components of the orbit graph restricted to the sets with >= 2 points
 * (Tarjan, iterative). Classes are numbered in emission order: every class reachable from
 * a class is emitted before it. */
static int build_classes(sc_hol *h, sc_error *err)
{
    uint32_t N = h->nsets, k = h->k;
    uint32_t *index = malloc(N * sizeof *index), *low = malloc(N * sizeof *low);
    uint32_t *stack = malloc(N * sizeof *stack), *cs = malloc(N * sizeof *cs);
    uint32_t *ce = malloc(N * sizeof *ce);
    uint8_t *on = calloc(N, 1);
    h->cls = malloc(N * sizeof *h->cls);
    if (!index || !low || !stack || !cs || !ce || !on || !h->cls) {
        free(index); free(low); free(stack); free(cs); free(ce); free(on);
        return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
    }
    for (uint32_t v = 0; v < N; v++) {
        index[v] = HOL_NONE;
        h->cls[v] = HOL_NONE;
    }
    uint32_t next = 0, sp = 0, ncls = 0;
    for (uint32_t root = 0; root < N; root++) {
        if (h->card[root] < 2 || index[root] != HOL_NONE)
            continue;
        uint32_t csp = 0;
        cs[csp] = root;
        ce[csp++] = 0;
        index[root] = low[root] = next++;
        stack[sp++] = root;
        on[root] = 1;
        while (csp) {
            uint32_t v = cs[csp - 1];
            if (ce[csp - 1] < k) {
                uint32_t w = h->img[(size_t)v * k + ce[csp - 1]++];
                if (h->card[w] < 2)
                    continue;
                if (index[w] == HOL_NONE) {
                    index[w] = low[w] = next++;
                    stack[sp++] = w;
                    on[w] = 1;
                    cs[csp] = w;
                    ce[csp++] = 0;
                } else if (on[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            csp--;
            if (csp && low[v] < low[cs[csp - 1]])
                low[cs[csp - 1]] = low[v];
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    on[w] = 0;
                    h->cls[w] = ncls;
                } while (w != v);
                ncls++;
            }
        }
    }
    free(index); free(low); free(stack); free(cs); free(ce); free(on);
    h->ncls = ncls;
    h->C = calloc(ncls ? ncls : 1, sizeof *h->C);
    if (!h->C)
        return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
    for (uint32_t c = 0; c < ncls; c++)
        h->C[c].rep = HOL_NONE;
    for (uint32_t v = 0; v < N; v++)
        if (h->cls[v] != HOL_NONE) {
            hol_class *C = &h->C[h->cls[v]];
            if (C->rep == HOL_NONE)
                C->rep = v; /* ids ascend: the first member found by the orbit search */
            C->nmem++;
        }
    return 0;
}

/* Tiles of the representative A of class c: the maximal sets (image sets or singletons)
 * properly contained in A, found by decreasing size; appended to *out. */
static int rep_tiles(const sc_hol *h, uint32_t A, const uint32_t *by_card, const uint32_t *card_off,
                     uint32_t **out, uint32_t *nout, uint32_t *cap, sc_error *err)
{
    const uint64_t *a = bs(h, A);
    *nout = 0;
    uint32_t last = 0; /* the tile that covered the previous candidate: often covers the next */
    for (uint32_t cd = h->card[A] - 1; cd >= 1; cd--) {
        /* tiles are found by decreasing size: only the first nbig are larger than cd, and a
           candidate can only be covered by a strictly larger tile */
        uint32_t nbig = *nout;
        for (uint32_t i = card_off[cd]; i < card_off[cd + 1]; i++) {
            uint32_t B = by_card[i];
            const uint64_t *b = bs(h, B);
            if (!bs_subset(b, a, h->W))
                continue;
            int covered = last < nbig && bs_subset(b, bs(h, (*out)[last]), h->W);
            for (uint32_t t = 0; t < nbig && !covered; t++)
                if (bs_subset(b, bs(h, (*out)[t]), h->W)) {
                    covered = 1;
                    last = t;
                }
            if (covered)
                continue;
            if (*nout == *cap) {
                uint32_t nc = *cap ? *cap * 2 : 64;
                uint32_t *o = realloc(*out, nc * sizeof *o);
                if (!o)
                    return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
                *out = o;
                *cap = nc;
            }
            (*out)[(*nout)++] = B;
        }
    }
    return 0;
}

/* ---- build ----------------------------------------------------------------------------- */

typedef struct perm_set { /* distinct permutations of the pool, hashed */
    uint64_t *slot; /* pool offset + 1 */
    uint64_t cap, n;
} perm_set;

static uint64_t perm_hash32(const uint32_t *p, uint32_t m)
{
    uint64_t x = 0x51ED27C3A3B1F00Dull ^ m;
    for (uint32_t i = 0; i < m; i++)
        x = sc_mix64(x ^ p[i]);
    return x;
}

/* Offset in the pool of the permutation p (m entries) of class cl, appended when new for
 * that class (*isnew = 1). Each entry is preceded by its class id. */
static int pool_add(sc_hol *h, perm_set *ps, uint32_t cl, const uint32_t *p, uint32_t m,
                    uint64_t *off, int *isnew, sc_error *err)
{
    *isnew = 0;
    if (2 * (ps->n + 1) > ps->cap) {
        uint64_t nc = ps->cap ? ps->cap * 2 : 1024;
        uint64_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        for (uint64_t i = 0; i < ps->cap; i++)
            if (ps->slot[i]) {
                uint64_t o = ps->slot[i] - 1;
                uint32_t mo = h->C[h->pool[o - 1]].ntiles;
                uint64_t j = (perm_hash32(h->pool + o, mo) ^ h->pool[o - 1]) & (nc - 1);
                while (ns[j])
                    j = (j + 1) & (nc - 1);
                ns[j] = ps->slot[i];
            }
        free(ps->slot);
        ps->slot = ns;
        ps->cap = nc;
    }
    uint64_t j = (perm_hash32(p, m) ^ cl) & (ps->cap - 1);
    while (ps->slot[j]) {
        uint64_t o = ps->slot[j] - 1;
        if (h->pool[o - 1] == cl && !memcmp(h->pool + o, p, m * sizeof *p)) {
            *off = o;
            return 0;
        }
        j = (j + 1) & (ps->cap - 1);
    }
    if (h->npool + m + 1 > h->pcap) {
        uint64_t nc = h->pcap ? h->pcap * 2 : 4096;
        while (nc < h->npool + m + 1)
            nc *= 2;
        if (nc * 4 > HOL_MAX_BYTES)
            return sc_fail(err, SC_EXIT_LIMIT, "holonomy: tile permutations exceed %llu bytes",
                           (unsigned long long)HOL_MAX_BYTES);
        uint32_t *np = realloc(h->pool, nc * sizeof *np);
        if (!np)
            return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        h->pool = np;
        h->pcap = nc;
    }
    h->pool[h->npool] = cl;
    memcpy(h->pool + h->npool + 1, p, m * sizeof *p);
    *off = h->npool + 1;
    ps->slot[j] = *off + 1;
    ps->n++;
    h->npool += m + 1;
    *isnew = 1;
    return 0;
}

/* The group generated by ng permutations of degree m, when ng may be in the thousands
 * (Schreier generators): start from a batch, then add in batches only the generators that
 * do not sift into the group built so far (exact: at the end every generator is a member).
 * sc_group_new alone deduplicates its generators in quadratic time. */
static int group_from_many(uint32_t m, size_t ng, const sc_state *gens, sc_group **out)
{
    enum { BATCH = 16 };
    size_t nk = ng < BATCH ? ng : BATCH;
    sc_state *kg = calloc((ng + 1) * (size_t)m, sizeof *kg);
    if (!kg)
        return SC_GROUP_ENOMEM;
    if (nk)
        memcpy(kg, gens, nk * m * sizeof *kg);
    sc_group *K = NULL;
    int rc = sc_group_new(&K, m, nk, kg);
    for (size_t from = nk; rc == SC_GROUP_OK && from < ng;) {
        size_t added = 0, next = ng;
        for (size_t i = from; i < ng && rc == SC_GROUP_OK; i++) {
            int in = 0;
            rc = sc_group_contains(K, gens + i * m, &in);
            if (rc == SC_GROUP_OK && !in) {
                if (added == BATCH) {
                    next = i; /* rescan the rest against the larger group */
                    break;
                }
                memcpy(kg + nk * m, gens + i * m, m * sizeof *kg);
                nk++;
                added++;
            }
        }
        if (rc != SC_GROUP_OK || !added)
            break;
        sc_group_free(K);
        K = NULL;
        rc = sc_group_new(&K, m, nk, kg);
        from = next;
    }
    free(kg);
    if (rc != SC_GROUP_OK) {
        sc_group_free(K);
        return rc;
    }
    *out = K;
    return SC_GROUP_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int hol_build(sc_cascade *c, uint64_t max_sets, sc_error *err)
{
    sc_hol *h = calloc(1, sizeof *h);
    if (!h)
        return sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
    c->hol = h;
    h->n = c->n;
    h->k = c->k;
    h->W = (c->n + 63) / 64;
    if (max_sets == 0)
        max_sets = SC_CASCADE_DEFAULT_MAX_SETS;
    if (max_sets > UINT32_MAX - 1)
        max_sets = UINT32_MAX - 1;
    int rc = build_orbit(h, c->delta, max_sets, err);
    if (!rc)
        rc = build_classes(h, err);
    if (rc)
        return rc;
    uint32_t N = h->nsets, k = h->k, n = h->n;

    /* sets bucketed by cardinality (ids ascending inside a bucket) */
    uint32_t *card_off = calloc((size_t)n + 2, sizeof *card_off);
    uint32_t *by_card = malloc((size_t)N * sizeof *by_card);
    uint32_t *order = malloc((size_t)(h->ncls ? h->ncls : 1) * sizeof *order);
    uint32_t *rt = NULL, rtn = 0, rtcap = 0;
    uint32_t *tstart = calloc((size_t)h->ncls + 1, sizeof *tstart); /* rep tiles, flattened */
    uint32_t *rtall = NULL;
    uint64_t rtall_n = 0, rtall_cap = 0;
    if (!card_off || !by_card || !order || !tstart) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        goto out;
    }
    for (uint32_t v = 0; v < N; v++)
        card_off[h->card[v] + 1]++;
    for (uint32_t cd = 0; cd <= n; cd++)
        card_off[cd + 1] += card_off[cd];
    {
        uint32_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
        if (!fill) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
        memcpy(fill, card_off, ((size_t)n + 1) * sizeof *fill);
        for (uint32_t v = 0; v < N; v++)
            by_card[fill[h->card[v]]++] = v;
        free(fill);
    }

    /* tiles of every representative */
    for (uint32_t cl = 0; cl < h->ncls && !rc; cl++) {
        rc = rep_tiles(h, h->C[cl].rep, by_card, card_off, &rt, &rtn, &rtcap, err);
        if (rc)
            break;
        if (rtn > SC_GROUP_MAX_DEGREE) {
            rc = sc_fail(err, SC_EXIT_LIMIT,
                         "holonomy: a set with %u tiles (at most %u supported)", rtn,
                         SC_GROUP_MAX_DEGREE);
            break;
        }
        h->C[cl].ntiles = rtn;
        if (rtall_n + rtn > rtall_cap) {
            uint64_t nc = rtall_cap ? rtall_cap * 2 : 1024;
            while (nc < rtall_n + rtn)
                nc *= 2;
            uint32_t *na = realloc(rtall, nc * sizeof *na);
            if (!na) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
                break;
            }
            rtall = na;
            rtall_cap = nc;
        }
        memcpy(rtall + rtall_n, rt, rtn * sizeof *rt);
        tstart[cl] = (uint32_t)rtall_n;
        rtall_n += rtn;
    }
    if (rc)
        goto out;

    /* heights: classes by (size, emission order) is a topological order of "strictly below" */
    {
        uint64_t *key = malloc((size_t)(h->ncls ? h->ncls : 1) * sizeof *key);
        if (!key) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
        for (uint32_t cl = 0; cl < h->ncls; cl++)
            key[cl] = (uint64_t)h->card[h->C[cl].rep] << 32 | cl;
        qsort(key, h->ncls, sizeof *key, cmp_u64);
        for (uint32_t cl = 0; cl < h->ncls; cl++)
            order[cl] = (uint32_t)key[cl];
        free(key);
    }
    {
        /* members of each class, to scan their out-edges */
        uint32_t *moff = calloc((size_t)h->ncls + 1, sizeof *moff);
        uint32_t *mem = malloc((size_t)N * sizeof *mem);
        if (!moff || !mem) {
            free(moff); free(mem);
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
        for (uint32_t v = 0; v < N; v++)
            if (h->cls[v] != HOL_NONE)
                moff[h->cls[v] + 1]++;
        for (uint32_t cl = 0; cl < h->ncls; cl++)
            moff[cl + 1] += moff[cl];
        uint32_t *fill = malloc(((size_t)h->ncls + 1) * sizeof *fill);
        if (!fill) {
            free(moff); free(mem);
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
        memcpy(fill, moff, ((size_t)h->ncls + 1) * sizeof *fill);
        for (uint32_t v = 0; v < N; v++)
            if (h->cls[v] != HOL_NONE)
                mem[fill[h->cls[v]]++] = v;
        free(fill);
        for (uint32_t oi = 0; oi < h->ncls && !rc; oi++) {
            uint32_t cl = order[oi], best = 0;
            for (uint32_t t = 0; t < h->C[cl].ntiles; t++) {
                uint32_t T = rtall[tstart[cl] + t];
                uint32_t ht = h->cls[T] == HOL_NONE ? 0 : h->C[h->cls[T]].height;
                if (h->cls[T] != HOL_NONE && ht == 0)
                    rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: internal error (height order)");
                if (ht > best)
                    best = ht;
            }
            for (uint32_t i = moff[cl]; i < moff[cl + 1] && !rc; i++)
                for (uint32_t g = 0; g < k; g++) {
                    uint32_t T = h->img[(size_t)mem[i] * k + g];
                    if (h->cls[T] == cl)
                        continue;
                    uint32_t ht = h->cls[T] == HOL_NONE ? 0 : h->C[h->cls[T]].height;
                    if (h->cls[T] != HOL_NONE && ht == 0)
                        rc = sc_fail(err, SC_EXIT_LIMIT,
                                     "holonomy: internal error (height order)");
                    if (ht > best)
                        best = ht;
                }
            h->C[cl].height = best + 1;
        }
        free(moff);
        free(mem);
        if (rc)
            goto out;
    }
    h->L = h->card[h->top] >= 2 ? h->C[h->cls[h->top]].height : 0;
    for (uint32_t cl = 0; cl < h->ncls; cl++)
        h->C[cl].depth = h->L - h->C[cl].height + 1;

    /* tiles of every member through τ_B (breadth first inside the class from the rep), and
     * the tile permutation of every (B, σ) staying in the class */
    h->toff = malloc(((size_t)N + 1) * sizeof *h->toff);
    h->poff = malloc((size_t)N * k * sizeof *h->poff);
    if (!h->toff || !h->poff) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        goto out;
    }
    {
        uint64_t tot = 0;
        for (uint32_t v = 0; v < N; v++) {
            h->toff[v] = tot;
            if (h->cls[v] != HOL_NONE)
                tot += h->C[h->cls[v]].ntiles;
        }
        h->toff[N] = tot;
        if (tot * 4 > HOL_MAX_BYTES) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: %llu tiles exceed the memory bound",
                         (unsigned long long)tot);
            goto out;
        }
        h->tiles = malloc((tot ? tot : 1) * sizeof *h->tiles);
        if (!h->tiles) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
    }
    for (uint64_t i = 0; i < (uint64_t)N * k; i++)
        h->poff[i] = UINT64_MAX;
    {
        uint32_t *queue = malloc((size_t)N * sizeof *queue);
        uint32_t *slot = malloc((size_t)N * sizeof *slot); /* member -> row of tau */
        uint32_t *pos = malloc((size_t)N * sizeof *pos);   /* tile set -> its number */
        uint64_t *t = malloc(h->W * sizeof *t);
        uint32_t *perm = malloc(((size_t)SC_GROUP_MAX_DEGREE + 1) * sizeof *perm);
        sc_state *tau = NULL;
        size_t taucap = 0;
        perm_set ps = {0};
        if (!queue || !slot || !pos || !t || !perm) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        }
        for (uint32_t v = 0; v < N && !rc; v++) {
            slot[v] = HOL_NONE;
            pos[v] = HOL_NONE;
        }
        /* generators of each holonomy group: offsets into the pool, per class */
        uint64_t **ggen = rc ? NULL : calloc(h->ncls ? h->ncls : 1, sizeof *ggen);
        uint32_t *gn = rc ? NULL : calloc(h->ncls ? h->ncls : 1, sizeof *gn);
        uint32_t *gcap = rc ? NULL : calloc(h->ncls ? h->ncls : 1, sizeof *gcap);
        /* the same generators lifted to permutations of the representative's points:
           τ_B δ_σ τ_{Bσ}^{-1} restricted to A (index i = the i-th point of A) */
        sc_state **plift = rc ? NULL : calloc(h->ncls ? h->ncls : 1, sizeof *plift);
        uint32_t *ainv = rc ? NULL : malloc((size_t)n * sizeof *ainv);
        uint32_t *apts = rc ? NULL : malloc((size_t)n * sizeof *apts);
        if (!rc && (!ggen || !gn || !gcap || !plift || !ainv || !apts))
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        for (uint32_t cl = 0; cl < h->ncls && !rc; cl++) {
            hol_class *C = &h->C[cl];
            uint32_t m = C->ntiles, A = C->rep, qh = 0, qt = 0;
            if ((size_t)C->nmem * n > taucap) {
                size_t nc = (size_t)C->nmem * n;
                sc_state *nt = realloc(tau, nc * sizeof *nt);
                if (!nt) {
                    rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
                    break;
                }
                tau = nt;
                taucap = nc;
            }
            uint32_t na = 0;
            for (uint32_t x = 0; x < n; x++)
                if (bs_has(bs(h, A), x))
                    apts[na++] = x;
            queue[qt] = A;
            slot[A] = qt;
            tf_identity(n, tau);
            qt++;
            while (qh < qt && !rc) {
                uint32_t B = queue[qh++];
                const sc_state *tb = tau + (size_t)slot[B] * n;
                /* tiles of B: the images of the representative's tiles under τ_B */
                for (uint32_t i = 0; i < m; i++) {
                    bs_image(bs(h, rtall[tstart[cl] + i]), tb, h->W, t);
                    uint32_t T = lookup(h, t);
                    if (T == HOL_NONE) {
                        rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: internal error (tile image)");
                        break;
                    }
                    h->tiles[h->toff[B] + i] = T;
                }
                for (uint32_t g = 0; g < k && !rc; g++) {
                    uint32_t Bg = h->img[(size_t)B * k + g];
                    if (h->cls[Bg] != cl || slot[Bg] != HOL_NONE)
                        continue;
                    slot[Bg] = qt;
                    tf_compose(n, tb, c->delta + (size_t)g * n, tau + (size_t)qt * n);
                    queue[qt++] = Bg;
                }
            }
            if (!rc && qt != C->nmem)
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: internal error (class search)");
            /* the tile permutations τ_B δ_σ τ_{Bσ}^{-1} */
            for (uint32_t qi = 0; qi < qt && !rc; qi++) {
                uint32_t B = queue[qi];
                for (uint32_t g = 0; g < k && !rc; g++) {
                    uint32_t Bg = h->img[(size_t)B * k + g];
                    if (h->cls[Bg] != cl)
                        continue;
                    for (uint32_t i = 0; i < m; i++)
                        pos[h->tiles[h->toff[Bg] + i]] = i;
                    for (uint32_t i = 0; i < m && !rc; i++) {
                        uint32_t T = h->img[(size_t)h->tiles[h->toff[B] + i] * k + g];
                        perm[i] = pos[T];
                        if (perm[i] == HOL_NONE)
                            rc = sc_fail(err, SC_EXIT_LIMIT,
                                         "holonomy: internal error (tile not mapped to a tile)");
                    }
                    for (uint32_t i = 0; i < m; i++)
                        pos[h->tiles[h->toff[Bg] + i]] = HOL_NONE;
                    if (rc)
                        break;
                    uint64_t off = 0;
                    int isnew = 0;
                    rc = pool_add(h, &ps, cl, perm, m, &off, &isnew, err);
                    if (rc)
                        break;
                    h->poff[(size_t)B * k + g] = off;
                    int ident = 1;
                    for (uint32_t i = 0; i < m && ident; i++)
                        ident = perm[i] == i;
                    if (isnew && !ident) { /* a new Schreier generator of this class */
                        if (gn[cl] == gcap[cl]) {
                            uint32_t nc = gcap[cl] ? gcap[cl] * 2 : 16;
                            uint64_t *ng = realloc(ggen[cl], nc * sizeof *ng);
                            if (ng)
                                ggen[cl] = ng;
                            sc_state *nl = realloc(plift[cl], (size_t)nc * na * sizeof *nl);
                            if (nl)
                                plift[cl] = nl;
                            if (!ng || !nl) {
                                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
                                break;
                            }
                            gcap[cl] = nc;
                        }
                        const sc_state *tb = tau + (size_t)slot[B] * n;
                        const sc_state *tbg = tau + (size_t)slot[Bg] * n;
                        const sc_state *dg = c->delta + (size_t)g * n;
                        for (uint32_t i = 0; i < na; i++)
                            ainv[tbg[apts[i]]] = i;
                        sc_state *lift = plift[cl] + (size_t)gn[cl] * na;
                        for (uint32_t i = 0; i < na; i++)
                            lift[i] = (sc_state)ainv[dg[tb[apts[i]]]];
                        ggen[cl][gn[cl]++] = off;
                    }
                }
            }
            for (uint32_t qi = 0; qi < qt; qi++)
                slot[queue[qi]] = HOL_NONE;
        }
        free(ps.slot);
        free(queue); free(slot); free(pos); free(t); free(perm); free(tau);

        /* levels and components */
        if (!rc) {
            c->L = h->L;
            c->lv = calloc(h->L ? h->L : 1, sizeof *c->lv);
            if (!c->lv)
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        }
        for (uint32_t cl = 0; cl < h->ncls && !rc; cl++)
            c->lv[h->C[cl].depth - 1].ncomp++;
        for (size_t i = 0; i < c->L && !rc; i++) {
            c->lv[i].comp = calloc(c->lv[i].ncomp ? c->lv[i].ncomp : 1, sizeof(sc_comp));
            if (!c->lv[i].comp)
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            c->lv[i].ncomp = 0;
        }
        /* components of a level in the order of their representatives' ids (BFS order) */
        uint32_t *byrep = rc ? NULL : malloc((size_t)(h->ncls ? h->ncls : 1) * sizeof *byrep);
        if (!rc && !byrep)
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
        if (!rc) {
            uint32_t nb = 0;
            for (uint32_t v = 0; v < N; v++)
                if (h->cls[v] != HOL_NONE && h->C[h->cls[v]].rep == v)
                    byrep[nb++] = h->cls[v];
        }
        sc_state *gens = NULL;
        for (uint32_t bi = 0; bi < h->ncls && !rc; bi++) {
            uint32_t cl = byrep[bi];
            hol_class *C = &h->C[cl];
            sc_level *lv = &c->lv[C->depth - 1];
            sc_comp *cp = &lv->comp[lv->ncomp++];
            uint32_t m = C->ntiles;
            cp->states = m;
            cp->offset = lv->states;
            C->off = lv->states;
            if ((uint64_t)lv->states + m > INT32_MAX) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: a level with more than 2^31 states");
                break;
            }
            lv->states += m;
            cp->depth = C->depth;
            cp->class_size = C->nmem;
            cp->rep_size = h->card[C->rep];
            cp->rep = malloc(cp->rep_size * sizeof *cp->rep);
            sc_state *ng = realloc(gens, ((size_t)gn[cl] + 1) * m * sizeof *gens);
            if (ng)
                gens = ng;
            if (!cp->rep || !ng) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
                break;
            }
            uint32_t r = 0;
            for (uint32_t x = 0; x < n; x++)
                if (bs_has(bs(h, C->rep), x))
                    cp->rep[r++] = (sc_state)x;
            for (uint32_t j = 0; j < gn[cl]; j++)
                for (uint32_t i = 0; i < m; i++)
                    gens[(size_t)j * m + i] = (sc_state)h->pool[ggen[cl][j] + i];
            /* H on the tiles; P (the lifts) on the points of A maps onto H, so |P| = |H|
               means P ≅ H: then order, factors and name come from P's natural action (cheap,
               and named e.g. S10 where H acts on 120 tiles), and |P| is H's order hint */
            sc_group *H = NULL, *P = NULL;
            mpz_t oh, op;
            mpz_inits(oh, op, NULL);
            int grc = group_from_many(cp->rep_size, gn[cl], plift[cl], &P);
            if (grc == SC_GROUP_OK)
                grc = sc_group_order(P, op);
            if (grc == SC_GROUP_OK)
                grc = group_from_many(m, gn[cl], gens, &H);
            if (grc == SC_GROUP_OK)
                grc = sc_group_set_order_hint(H, op);
            if (grc == SC_GROUP_OK) {
                grc = sc_group_order(H, oh);
                if (grc == SC_GROUP_EHINT) { /* |H| < |P|: a fresh chain without the hint */
                    sc_group_free(H);
                    H = NULL;
                    grc = group_from_many(m, gn[cl], gens, &H);
                    if (grc == SC_GROUP_OK)
                        grc = sc_group_order(H, oh);
                }
            }
            if (grc != SC_GROUP_OK)
                rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: holonomy group: %s",
                             sc_group_strerror(grc));
            else if (mpz_cmp(oh, op) == 0)
                rc = sc_comp_set_group(cp, P, cp->rep_size, err);
            else
                rc = sc_comp_set_group(cp, H, m, err);
            mpz_clears(oh, op, NULL);
            sc_group_free(H);
            sc_group_free(P);
        }
        free(gens);
        free(byrep);
        for (uint32_t cl = 0; ggen && cl < h->ncls; cl++)
            free(ggen[cl]);
        for (uint32_t cl = 0; plift && cl < h->ncls; cl++)
            free(plift[cl]);
        free(ggen); free(gn); free(gcap); free(plift); free(ainv); free(apts);
    }
    if (rc)
        goto out;

    /* number of tile chains: cnt(B) = Σ over the tiles of cnt(tile), singletons 1 */
    {
        uint64_t *cnt = malloc((size_t)N * sizeof *cnt);
        if (!cnt) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "holonomy: out of memory");
            goto out;
        }
        for (uint32_t i = 0; i < N; i++) {
            uint32_t v = by_card[i]; /* ascending cardinality */
            if (h->card[v] < 2 || h->cls[v] == HOL_NONE) {
                cnt[v] = 1;
                continue;
            }
            uint64_t s = 0;
            for (uint64_t j = h->toff[v]; j < h->toff[v + 1]; j++) {
                uint64_t x = cnt[h->tiles[j]];
                s = s > UINT64_MAX - x ? UINT64_MAX : s + x;
            }
            cnt[v] = s;
        }
        h->valid = cnt[h->top];
        free(cnt);
    }
out:
    free(card_off); free(by_card); free(order); free(rt); free(tstart); free(rtall);
    return rc;
}

/* ---- decode, encode, step ------------------------------------------------------------- */

static inline uint32_t set_depth(const sc_hol *h, uint32_t B)
{
    return h->cls[B] == HOL_NONE ? h->L + 1 : h->C[h->cls[B]].depth;
}

int hol_decode(const sc_cascade *c, const int32_t *levels, uint32_t *chain, size_t *r,
               sc_state *q, sc_error *err)
{
    const sc_hol *h = c->hol;
    uint32_t B = h->top;
    size_t len = 0;
    if (chain)
        chain[len] = B;
    len++;
    for (uint32_t i = 0; i < h->L; i++) {
        int32_t v = levels[i];
        if (set_depth(h, B) != i + 1) {
            if (v != -1)
                return sc_fail(err, SC_EXIT_REJECTED,
                               "cascade state: level %u is %d but inactive (expected -1)", i, v);
            continue;
        }
        const hol_class *C = &h->C[h->cls[B]];
        if (v < 0 || (uint32_t)v < C->off || (uint32_t)v - C->off >= C->ntiles)
            return sc_fail(err, SC_EXIT_REJECTED,
                           "cascade state: level %u is %d, expected %u..%u (the active component)",
                           i, v, C->off, C->off + C->ntiles - 1);
        B = h->tiles[h->toff[B] + ((uint32_t)v - C->off)];
        if (chain)
            chain[len] = B;
        len++;
    }
    if (h->card[B] != 1)
        return sc_fail(err, SC_EXIT_REJECTED, "cascade state: internal error (chain end)");
    if (r)
        *r = len;
    if (q)
        *q = (sc_state)bs_first(bs(h, B), h->W);
    return 0;
}

int hol_encode(const sc_cascade *c, sc_state q, int32_t *levels)
{
    const sc_hol *h = c->hol;
    uint32_t B = h->top;
    for (uint32_t i = 0; i < h->L; i++) {
        if (set_depth(h, B) != i + 1) {
            levels[i] = -1;
            continue;
        }
        const hol_class *C = &h->C[h->cls[B]];
        uint32_t j = 0;
        while (j < C->ntiles && !bs_has(bs(h, h->tiles[h->toff[B] + j]), q))
            j++;
        if (j == C->ntiles)
            return -1; /* impossible: the tiles of B cover B */
        levels[i] = (int32_t)(C->off + j);
        B = h->tiles[h->toff[B] + j];
    }
    return h->card[B] == 1 && bs_has(bs(h, B), q) ? 0 : -1;
}

/* One transition (see cascade.h). chain: 1-based in the mathematics, chain[j-1] = C_j. The
 * dependency of level i (depth d = i+1) reads only: the new member W at depth d (built from
 * the new states of the upper levels), and old members C_j whose predecessor has depth < d
 * (they are determined by the old states of levels < i); the old state of level i itself
 * enters only through the kernel. */
int hol_step(const sc_cascade *c, const int32_t *old, uint32_t g, int32_t *nw,
             sc_level_dep *deps, sc_state *qn, uint32_t *scratch, sc_error *err)
{
    const sc_hol *h = c->hol;
    uint32_t k = h->k, *chain = scratch;
    size_t r;
    int rc = hol_decode(c, old, chain, &r, NULL, err);
    if (rc)
        return rc;
#define E(j) (h->img[(size_t)chain[(j) - 1] * k + g])
#define CD(j) (set_depth(h, chain[(j) - 1]))
    uint32_t W = h->top;
    size_t jp = 0; /* largest j with E_j ⊇ W among the readable members (E_0 = Q) */
    for (uint32_t i = 0; i < h->L; i++) {
        uint32_t d = i + 1;
        sc_level_dep dep = {-1, 0, 0, NULL};
        const hol_class *CW = NULL;
        if (set_depth(h, W) == d) {
            CW = &h->C[h->cls[W]];
            while (jp < r && (jp == 0 || CD(jp) < d) && bs_subset(bs(h, W), bs(h, E(jp + 1)), h->W))
                jp++;
            if (jp >= 1 && CD(jp) == d) {
                /* W = C_jp·σ, same class: the holonomy permutation of (C_jp, σ) */
                uint64_t po = h->poff[(size_t)chain[jp - 1] * k + g];
                if (E(jp) != W || po == UINT64_MAX)
                    return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (holonomy step)");
                dep.reset = SC_DEP_PERM;
                dep.off = CW->off;
                dep.m = CW->ntiles;
                dep.perm = h->pool + po;
            } else {
                /* reset: the first tile of W containing E_{jp+1} (jp < r: E_r is a point) */
                if (jp >= r)
                    return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (chain)");
                const uint64_t *e = bs(h, E(jp + 1));
                uint32_t t = 0;
                while (t < CW->ntiles && !bs_subset(e, bs(h, h->tiles[h->toff[W] + t]), h->W))
                    t++;
                if (t == CW->ntiles)
                    return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (no tile)");
                dep.reset = (int32_t)(CW->off + t);
            }
        }
        if (deps)
            deps[i] = dep;
        if (sc_cascade_level_step(dep.reset, dep.off, dep.m, dep.perm, old[i], &nw[i]))
            return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (kernel at level %u)", i);
        if (nw[i] >= 0)
            W = h->tiles[h->toff[W] + ((uint32_t)nw[i] - CW->off)];
    }
#undef E
#undef CD
    if (h->card[W] != 1)
        return sc_fail(err, SC_EXIT_LIMIT, "cascade: internal error (new chain end)");
    if (qn)
        *qn = (sc_state)bs_first(bs(h, W), h->W);
    return 0;
}

/* Every tile chain, depth first; each checked against every generator. */
int hol_certify(const sc_cascade *c, sc_cascade_cert *cert, sc_error *err)
{
    const sc_hol *h = c->hol;
    uint32_t L = h->L, n = h->n, k = h->k;
    int32_t *lv = malloc(((size_t)L + 1) * sizeof *lv), *nw = malloc(((size_t)L + 1) * sizeof *nw);
    uint32_t *stk = malloc(((size_t)L + 2) * sizeof *stk), *nxt = malloc(((size_t)L + 2) * sizeof *nxt);
    uint32_t *scratch = malloc(2 * ((size_t)L + 2) * sizeof *scratch);
    uint8_t *cov = calloc(n, 1);
    int rc = 0;
    if (!lv || !nw || !stk || !nxt || !scratch || !cov) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "certify: out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < L; i++)
        lv[i] = -1;
    /* stk[s] = the chain member at stack level s, nxt[s] = next tile to try */
    size_t sp = 0;
    stk[0] = h->top;
    nxt[0] = 0;
    for (;;) {
        uint32_t B = stk[sp];
        if (h->card[B] == 1) {
            sc_state q;
            rc = hol_decode(c, lv, NULL, NULL, &q, err);
            if (rc)
                goto out;
            if (q != bs_first(bs(h, B), h->W)) {
                rc = sc_fail(err, SC_EXIT_FAIL, "certify: a chain decodes to the wrong state");
                goto out;
            }
            cov[q] = 1;
            cert->states++;
            for (uint32_t g = 0; g < k; g++) {
                sc_state q2, want = c->delta[(size_t)g * n + q];
                rc = hol_step(c, lv, g, nw, NULL, &q2, scratch, err);
                if (!rc) {
                    sc_state q3;
                    rc = hol_decode(c, nw, NULL, NULL, &q3, err);
                    if (!rc && q3 != q2)
                        rc = sc_fail(err, SC_EXIT_FAIL, "certify: step and decode disagree");
                }
                if (rc)
                    goto out;
                cert->transitions++;
                if (q2 != want) {
                    rc = sc_cert_fail(c, cert, lv, nw, g, q, want, q2, err);
                    goto out;
                }
            }
            if (sp == 0)
                break;
            sp--;
            continue;
        }
        const hol_class *C = &h->C[h->cls[B]];
        uint32_t d = C->depth;
        if (nxt[sp] == C->ntiles) {
            lv[d - 1] = -1;
            if (sp == 0)
                break;
            sp--;
            continue;
        }
        uint32_t t = nxt[sp]++;
        lv[d - 1] = (int32_t)(C->off + t);
        uint32_t T = h->tiles[h->toff[B] + t];
        /* levels jumped over between B and T are inactive (already -1: reset on the way up) */
        stk[++sp] = T;
        nxt[sp] = 0;
    }
    cert->covered = 0;
    for (uint32_t q = 0; q < n; q++)
        cert->covered += cov[q];
    if (cert->covered != n) {
        rc = sc_fail(err, SC_EXIT_FAIL, "certify: only %u of %u states are decoded", cert->covered, n);
        goto out;
    }
    cert->ok = 1;
out:
    free(lv); free(nw); free(stk); free(nxt); free(scratch); free(cov);
    return rc;
}

int sc_cascade_component_tile(const sc_cascade *c, size_t level, size_t i, uint32_t t,
                              sc_state *pts, uint32_t *len)
{
    if (c->kind != SC_KIND_HOLONOMY || level >= c->L || i >= c->lv[level].ncomp)
        return SC_EXIT_USAGE;
    const sc_hol *h = c->hol;
    const sc_comp *cp = &c->lv[level].comp[i];
    if (t >= cp->states)
        return SC_EXIT_USAGE;
    uint32_t A = HOL_NONE; /* the class at this depth and offset */
    for (uint32_t cl = 0; cl < h->ncls && A == HOL_NONE; cl++)
        if (h->C[cl].depth == level + 1 && h->C[cl].off == cp->offset)
            A = h->C[cl].rep;
    if (A == HOL_NONE)
        return SC_EXIT_USAGE;
    const uint64_t *b = bs(h, h->tiles[h->toff[A] + t]);
    uint32_t n = 0;
    for (uint32_t x = 0; x < h->n; x++)
        if (bs_has(b, x))
            pts[n++] = (sc_state)x;
    *len = n;
    return 0;
}
