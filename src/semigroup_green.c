/* Green's structure of an enumerated transformation semigroup S.
 *
 * In a finite semigroup J = D, and y ∈ S^1 x S^1 iff y is reachable from x in the two-sided
 * Cayley graph (edges x -> x·δ_s and x -> δ_s·x), so the D-classes are exactly the strongly
 * connected components of that graph (iterative Tarjan, no recursion).
 * For an idempotent e: x ≤_R e iff e·x = x and x ≤_L e iff x·e = x; inside the D-class of e
 * (stability of finite semigroups) that is x R e and x L e, so
 *   H_e = { x ∈ D_e : e·x = x and x·e = x },
 * a group whose elements all have image im(e) and permute it. */
#include <stdlib.h>
#include <string.h>

#include "semigroup.h"

void sc_green_free(sc_green *g)
{
    if (!g)
        return;
    free(g->d);
    free(g->dclass_of);
    free(g->h_elems);
    memset(g, 0, sizeof *g);
}

static int cmp_rep(const void *a, const void *b)
{
    const sc_dclass *x = a, *y = b;
    return x->rep < y->rep ? -1 : x->rep > y->rep;
}

/* Tarjan on the two-sided Cayley graph; comp[x] = component number (completion order).
 * Returns the number of components, or UINT64_MAX on out-of-memory. */
static uint64_t scc(const sc_semigroup *sg, uint32_t *comp)
{
    const uint64_t N = sg->size, k = sg->k, deg = 2 * k;
    uint32_t *index = calloc(N, sizeof *index); /* 0 unvisited, UINT32_MAX done */
    uint32_t *stack = malloc(N * sizeof *stack);
    uint32_t *cs = malloc(N * sizeof *cs);      /* call stack: node */
    uint32_t *ce = malloc(N * sizeof *ce);      /* call stack: next edge */
    uint32_t *low = comp;                       /* low-link while active, then component */
    uint64_t ncomp = 0;
    if (!index || !stack || !cs || !ce) {
        ncomp = UINT64_MAX;
        goto out;
    }
    uint32_t counter = 0;
    uint64_t sp = 0;
    for (uint64_t root = 0; root < N; root++) {
        if (index[root])
            continue;
        uint64_t cp = 0;
        index[root] = low[root] = ++counter;
        stack[sp++] = (uint32_t)root;
        cs[cp] = (uint32_t)root;
        ce[cp++] = 0;
        while (cp) {
            uint32_t v = cs[cp - 1];
            if (ce[cp - 1] < deg) {
                uint64_t e = ce[cp - 1]++;
                uint32_t w = e < k ? sg->right[v * k + e] : sg->left[v * k + (e - k)];
                if (!index[w]) {
                    index[w] = low[w] = ++counter;
                    stack[sp++] = w;
                    cs[cp] = w;
                    ce[cp++] = 0;
                } else if (index[w] != UINT32_MAX && index[w] < low[v])
                    low[v] = index[w];
            } else {
                cp--;
                if (low[v] == index[v]) {
                    uint32_t w;
                    do {
                        w = stack[--sp];
                        index[w] = UINT32_MAX;
                        low[w] = (uint32_t)ncomp;
                    } while (w != v);
                    ncomp++;
                }
                if (cp) {
                    uint32_t u = cs[cp - 1];
                    /* v is done (component assigned) or still on the stack with its low */
                    if (index[v] != UINT32_MAX && low[v] < low[u])
                        low[u] = low[v];
                }
            }
        }
    }
out:
    free(index);
    free(stack);
    free(cs);
    free(ce);
    return ncomp;
}

/* x·y of packed elements equals z? */
static int prod_is(const sc_semigroup *sg, uint32_t x, uint32_t y, uint32_t z)
{
    const uint8_t *a = sg->elts + (uint64_t)x * sg->stride, *b = sg->elts + (uint64_t)y * sg->stride,
                  *c = sg->elts + (uint64_t)z * sg->stride;
    uint32_t n = sg->n;
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t u, v, w;
        memcpy(&u, a, 8);
        memcpy(&v, b, 8);
        memcpy(&w, c, 8);
        return sc_nib_mul(u, v, n) == w;
    }
    if (sg->pack == SC_PACK_BYTE) {
        for (uint32_t i = 0; i < n; i++)
            if (b[a[i]] != c[i])
                return 0;
        return 1;
    }
    const uint16_t *as = (const uint16_t *)(const void *)a, *bs = (const uint16_t *)(const void *)b,
                   *cs = (const uint16_t *)(const void *)c;
    for (uint32_t i = 0; i < n; i++)
        if (bs[as[i]] != cs[i])
            return 0;
    return 1;
}

int sc_sg_green(sc_semigroup *sg, sc_green *g, sc_error *err)
{
    memset(g, 0, sizeof *g);
    g->identity = SC_SG_NONE;
    if (sc_sg_left(sg, err))
        return err->code;
    const uint64_t N = sg->size, k = sg->k;
    uint64_t need = sc_sg_bytes_for(sg->n, sg->k, N, sg->direct, sg->tcap) + N * k * 4 + N * 20;
    if (need > sg->max_bytes)
        return sc_fail(err, SC_EXIT_LIMIT, "Green's structure of %lu elements needs %lu MB "
                       "(limit %lu MB; see --max-memory)", (unsigned long)N,
                       (unsigned long)(need >> 20), (unsigned long)(sg->max_bytes >> 20));
    uint32_t *comp = malloc(N * sizeof *comp);
    if (!comp)
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for the D-classes");
    uint64_t nc = scc(sg, comp);
    if (nc == UINT64_MAX) {
        free(comp);
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory computing the D-classes");
    }
    sc_dclass *d = calloc(nc ? nc : 1, sizeof *d);
    uint32_t *renum = malloc((nc ? nc : 1) * sizeof *renum);
    if (!d || !renum) {
        free(comp);
        free(d);
        free(renum);
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for the D-classes");
    }
    for (uint64_t c = 0; c < nc; c++) {
        d[c].rep = SC_SG_NONE;
        d[c].idempotent = SC_SG_NONE;
    }
    for (uint64_t x = 0; x < N; x++) {
        sc_dclass *c = &d[comp[x]];
        if (c->rep == SC_SG_NONE)
            c->rep = (uint32_t)x;
        c->size++;
    }
    /* order by representative; remember the old number in `rank` temporarily */
    for (uint64_t c = 0; c < nc; c++)
        d[c].rank = (uint32_t)c;
    qsort(d, nc, sizeof *d, cmp_rep);
    for (uint64_t c = 0; c < nc; c++)
        renum[d[c].rank] = (uint32_t)c;
    for (uint64_t x = 0; x < N; x++)
        comp[x] = renum[comp[x]];
    free(renum);
    for (uint64_t c = 0; c < nc; c++)
        d[c].rank = sc_sg_rank(sg, d[c].rep);
    /* idempotents, the identity map, a two-sided identity */
    for (uint64_t x = 0; x < N; x++) {
        if (!sc_sg_is_idempotent(sg, (uint32_t)x))
            continue;
        sc_dclass *c = &d[comp[x]];
        g->idempotents++;
        if (c->idempotent == SC_SG_NONE)
            c->idempotent = (uint32_t)x;
        c->idempotents++;
        if (c->rank == sg->n)
            g->identity_map = 1;
        if (!g->has_identity) {
            int id = 1;
            for (uint64_t s = 0; s < k && id; s++)
                id = sg->right[x * k + s] == sg->gen[s] && sg->left[x * k + s] == sg->gen[s];
            if (id) {
                g->has_identity = 1;
                g->identity = (uint32_t)x;
            }
        }
    }
    /* H_e for the chosen idempotent of each regular class */
    for (uint64_t c = 0; c < nc; c++)
        if (d[c].idempotent != SC_SG_NONE) {
            d[c].regular = 1;
            g->regular++;
        }
    for (uint64_t x = 0; x < N; x++) {
        sc_dclass *c = &d[comp[x]];
        uint32_t e = c->idempotent;
        if (e != SC_SG_NONE && prod_is(sg, e, (uint32_t)x, (uint32_t)x) &&
            prod_is(sg, (uint32_t)x, e, (uint32_t)x))
            c->h_size++;
    }
    uint64_t total = 0;
    for (uint64_t c = 0; c < nc; c++) {
        d[c].h_off = total;
        total += d[c].h_size;
    }
    g->h_elems = malloc((total ? total : 1) * sizeof *g->h_elems);
    if (!g->h_elems) {
        free(comp);
        free(d);
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for the maximal subgroups");
    }
    uint64_t *fill = calloc(nc ? nc : 1, sizeof *fill);
    if (!fill) {
        free(comp);
        free(d);
        free(g->h_elems);
        g->h_elems = NULL;
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for the maximal subgroups");
    }
    for (uint64_t x = 0; x < N; x++) {
        uint32_t ci = comp[x];
        uint32_t e = d[ci].idempotent;
        if (e != SC_SG_NONE && prod_is(sg, e, (uint32_t)x, (uint32_t)x) &&
            prod_is(sg, (uint32_t)x, e, (uint32_t)x))
            g->h_elems[d[ci].h_off + fill[ci]++] = (uint32_t)x;
    }
    free(fill);
    g->nd = nc;
    g->d = d;
    g->dclass_of = comp;
    return 0;
}

int sc_sg_maximal_subgroup(const sc_semigroup *sg, const sc_green *g, uint64_t di,
                           sc_state **gens_out, uint32_t *ngens, uint32_t *degree, sc_error *err)
{
    const sc_dclass *d = &g->d[di];
    const uint32_t n = sg->n;
    *gens_out = NULL;
    *ngens = 0;
    *degree = 0;
    if (!d->regular)
        return sc_fail(err, SC_EXIT_REJECTED, "D-class %lu is not regular", (unsigned long)di);
    uint32_t r = d->rank;
    *degree = r;
    sc_state *f = malloc((size_t)n * sizeof *f);
    sc_state *pos = malloc((size_t)n * sizeof *pos);
    uint32_t maxg = 64;
    sc_state *gens = malloc((size_t)maxg * (r ? r : 1) * sizeof *gens);
    sc_state *perm = malloc((size_t)(r ? r : 1) * sizeof *perm);
    int rc = 0;
    if (!f || !pos || !gens || !perm) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "out of memory for a maximal subgroup");
        goto out;
    }
    /* relabel im(e) as 0..r-1 in increasing order */
    sc_sg_get(sg, d->idempotent, f);
    for (uint32_t i = 0; i < n; i++)
        pos[i] = (sc_state)0xffff;
    for (uint32_t i = 0; i < n; i++)
        pos[f[i]] = 1;
    for (uint32_t i = 0, j = 0; i < n; i++)
        if (pos[i] == 1)
            pos[i] = (sc_state)j++;
        else
            pos[i] = (sc_state)0xffff;
    uint32_t ng = 0;
    uint64_t have = 1; /* order of the subgroup generated so far (the trivial group) */
    sc_semigroup *cur = NULL;
    sc_state *image = malloc((size_t)(r ? r : 1) * sizeof *image);
    if (!image) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "out of memory for a maximal subgroup");
        goto out;
    }
    for (uint32_t i = 0, j = 0; i < n; i++)
        if (pos[i] != 0xffff)
            image[j++] = (sc_state)i;
    for (uint64_t h = 0; h < d->h_size && have < d->h_size; h++) {
        uint32_t x = g->h_elems[d->h_off + h];
        sc_sg_get(sg, x, f);
        for (uint32_t i = 0; i < r; i++)
            perm[i] = pos[f[image[i]]];
        int member = 1;
        for (uint32_t i = 0; i < r && member; i++)
            member = perm[i] == i; /* the identity is in every subgroup */
        if (!member && cur)
            member = sc_sg_find(cur, perm) != SC_SG_NONE;
        if (member)
            continue;
        if (ng == maxg) {
            maxg *= 2;
            sc_state *ng2 = realloc(gens, (size_t)maxg * r * sizeof *gens);
            if (!ng2) {
                rc = sc_fail(err, SC_EXIT_LIMIT, "out of memory for a maximal subgroup");
                break;
            }
            gens = ng2;
        }
        memcpy(gens + (size_t)ng * r, perm, r * sizeof *perm);
        ng++;
        sc_sg_free(cur);
        sc_sg_opts o = {.max_elements = d->h_size, .max_bytes = sg->max_bytes,
                        .no_direct = r > 8};
        cur = sc_sg_enumerate(r, ng, gens, &o, err);
        if (!cur) {
            rc = err->code;
            break;
        }
        have = cur->size;
    }
    sc_sg_free(cur);
    free(image);
    if (!rc && have != d->h_size)
        rc = sc_fail(err, SC_EXIT_FAIL, "internal: maximal subgroup generated %lu of %lu elements",
                     (unsigned long)have, (unsigned long)d->h_size);
    if (!rc) {
        *gens_out = gens;
        gens = NULL;
        *ngens = ng;
    }
out:
    free(f);
    free(pos);
    free(gens);
    free(perm);
    return rc;
}
