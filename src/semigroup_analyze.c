/* The report of `shortcut analyze`: T(A) with its Green's structure and maximal subgroups.
 * Permutation automata (every δ_s a permutation): T(A) = <δ_s> is a group, so it is analysed
 * by Schreier–Sims (src/group.h) from the generators, never enumerated: one D-class, one
 * idempotent (id_Q), maximal subgroup = T(A) acting on Q.  Otherwise: enumeration
 * (semigroup.c), D-classes (semigroup_green.c), and for each regular D-class its group
 * H-class acting on im(e), handed to src/group.h with its order known. */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "semigroup.h"

static int is_perm(uint32_t n, const sc_state *f, uint8_t *seen)
{
    memset(seen, 0, n);
    for (uint32_t i = 0; i < n; i++) {
        if (seen[f[i]])
            return 0;
        seen[f[i]] = 1;
    }
    return 1;
}

static int group_fail(sc_error *err, int st, const char *what)
{
    return sc_fail(err, st == SC_GROUP_ENOMEM ? SC_EXIT_LIMIT : SC_EXIT_FAIL,
                   "analyze: %s: %s", what, sc_group_strerror(st));
}

/* Fill one subgroup report from a group analysis. */
static int fill_sub(sc_subgroup_report *s, uint32_t m, size_t ng, const sc_state *gens,
                    const mpz_t known, sc_error *err)
{
    sc_group_info info;
    int st = sc_group_analyze(m, ng, gens, known, &info);
    if (st)
        return group_fail(err, st, "maximal subgroup");
    s->order = mpz_get_str(NULL, 10, info.order);
    s->abelian = info.abelian;
    s->solvable = info.solvable;
    s->factors_proved = info.factors.exact;
    s->nfactors = info.factors.len;
    s->factors = calloc(info.factors.len ? info.factors.len : 1, sizeof *s->factors);
    int rc = 0;
    if (!s->order || !s->factors)
        rc = sc_fail(err, SC_EXIT_LIMIT, "analyze: out of memory");
    for (size_t i = 0; !rc && i < info.factors.len; i++) {
        s->factors[i].order = mpz_get_str(NULL, 10, info.factors.f[i].order);
        memcpy(s->factors[i].name, info.factors.f[i].name, sizeof s->factors[i].name);
        s->factors[i].name[sizeof s->factors[i].name - 1] = 0;
    }
    sc_group_info_clear(&info);
    return rc;
}

void sc_analysis_free(sc_analysis *r)
{
    if (!r)
        return;
    free(r->size);
    for (size_t i = 0; i < r->nsub; i++) {
        free(r->sub[i].order);
        for (size_t j = 0; r->sub[i].factors && j < r->sub[i].nfactors; j++)
            free(r->sub[i].factors[j].order);
        free(r->sub[i].factors);
    }
    free(r->sub);
    memset(r, 0, sizeof *r);
}

static char *u64_str(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lu", (unsigned long)v);
    return strdup(buf);
}

static int analyze_group(const sc_automaton *a, sc_analysis *r, sc_error *err)
{
    r->enumerated = 0;
    r->nsub = 1;
    r->sub = calloc(1, sizeof *r->sub);
    if (!r->sub)
        return sc_fail(err, SC_EXIT_LIMIT, "analyze: out of memory");
    int rc = fill_sub(&r->sub[0], a->n, a->k, a->delta, NULL, err);
    if (rc)
        return rc;
    r->sub[0].rank = a->n;
    r->size = strdup(r->sub[0].order);
    if (!r->size)
        return sc_fail(err, SC_EXIT_LIMIT, "analyze: out of memory");
    /* the D-class is the whole group; record its size when it fits */
    char *end;
    unsigned long long v = strtoull(r->size, &end, 10);
    r->sub[0].d_class_size = strlen(r->size) < 20 ? (uint64_t)v : 0;
    r->sub[0].d_class_idempotents = 1;
    r->idempotents = 1;
    r->d_classes = 1;
    r->regular_d_classes = 1;
    r->is_monoid = 1;
    r->identity_map = 1;
    r->is_group = 1;
    r->aperiodic = !strcmp(r->size, "1");
    r->solvable = r->sub[0].solvable;
    return 0;
}

int sc_analyze(const sc_automaton *a, const sc_sg_opts *opts, sc_analysis *r, sc_error *err)
{
    memset(r, 0, sizeof *r);
    r->states = a->n;
    r->symbols = a->k;
    uint8_t *seen = malloc(a->n);
    if (!seen)
        return sc_fail(err, SC_EXIT_LIMIT, "analyze: out of memory");
    r->permutation_automaton = 1;
    for (uint32_t s = 0; s < a->k && r->permutation_automaton; s++)
        r->permutation_automaton = is_perm(a->n, sc_generator(a, s), seen);
    free(seen);
    if (r->permutation_automaton) {
        int rc = analyze_group(a, r, err);
        if (rc)
            sc_analysis_free(r);
        return rc;
    }
    r->enumerated = 1;
    sc_semigroup *sg = sc_sg_of_automaton(a, opts, err);
    if (!sg)
        return err->code;
    sc_sg_drop_table(sg);
    sc_green g;
    int rc = sc_sg_green(sg, &g, err);
    if (rc) {
        sc_sg_free(sg);
        return rc;
    }
    r->size = u64_str(sg->size);
    r->max_word_length = sg->max_len;
    r->idempotents = g.idempotents;
    r->d_classes = g.nd;
    r->regular_d_classes = g.regular;
    r->is_monoid = g.has_identity;
    r->identity_map = g.identity_map;
    r->is_group = g.nd == 1 && g.idempotents == 1;
    r->aperiodic = 1;
    r->solvable = 1;
    r->sub = calloc(g.regular ? g.regular : 1, sizeof *r->sub);
    if (!r->size || !r->sub)
        rc = sc_fail(err, SC_EXIT_LIMIT, "analyze: out of memory");
    for (uint64_t d = 0; !rc && d < g.nd; d++) {
        if (!g.d[d].regular)
            continue;
        sc_subgroup_report *s = &r->sub[r->nsub++];
        s->rank = g.d[d].rank;
        s->d_class_size = g.d[d].size;
        s->d_class_idempotents = g.d[d].idempotents;
        sc_state *gens;
        uint32_t ng, deg;
        rc = sc_sg_maximal_subgroup(sg, &g, d, &gens, &ng, &deg, err);
        if (rc)
            break;
        mpz_t known;
        mpz_init(known);
        mpz_set_ui(known, (unsigned long)g.d[d].h_size);
        rc = fill_sub(s, deg ? deg : 1, ng, gens, known, err);
        mpz_clear(known);
        free(gens);
        if (rc)
            break;
        if (strcmp(s->order, "1"))
            r->aperiodic = 0;
        if (!s->solvable)
            r->solvable = 0;
    }
    sc_green_free(&g);
    sc_sg_free(sg);
    if (rc)
        sc_analysis_free(r);
    return rc;
}
