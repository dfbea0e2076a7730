/* Internal to the cascade module (src/cascade.c, src/holonomy.c): the representation of a
 * built cascade. Not a public interface; use src/cascade.h. */
#ifndef SC_HOLONOMY_H
#define SC_HOLONOMY_H

#include <stddef.h>
#include <stdint.h>

#include "cascade.h"

#define HOL_NONE UINT32_MAX

enum { SC_KIND_HOLONOMY = 0, SC_KIND_SERIES = 1 };

typedef struct sc_comp {
    uint32_t states, offset;
    char name[96];
    char *order; /* decimal, malloc'ed */
    uint64_t order_u64;
    int trivial;
    sc_group_factors factors;
    uint32_t depth, class_size, rep_size;
    sc_state *rep;
} sc_comp;

typedef struct sc_level {
    size_t ncomp;
    sc_comp *comp;
    uint32_t states; /* Σ comp[j].states */
} sc_level;

/* One subduction class of non-singleton image sets. */
typedef struct hol_class {
    uint32_t rep;    /* set id of the representative (smallest id in the class) */
    uint32_t nmem;   /* image sets in the class */
    uint32_t height; /* >= 1 */
    uint32_t depth;  /* L - height + 1, in 1..L */
    uint32_t ntiles; /* tiles of every member */
    uint32_t off;    /* first value of the component in its level's encoding */
} hol_class;

/* The skeleton: every image set and singleton, as multiword bitsets, with its image under
 * each generator, its class, and (for non-singletons) its numbered tiles. */
typedef struct sc_hol {
    uint32_t n, k, W;      /* states, generators, 64-bit words per set */
    uint32_t nsets, nimg;  /* sets stored; the first nimg are the image sets (orbit of Q) */
    uint32_t cap;
    uint32_t top;          /* id of Q (= 0) */
    uint64_t *bits;        /* nsets * W */
    uint32_t *card;        /* |set| */
    uint32_t *img;         /* nsets * k: id of set·δ_σ */
    uint32_t *tab;         /* hash of the sets: slot = id + 1, 0 = empty */
    uint64_t tcap;
    uint32_t *single;      /* n: id of {x} */
    uint32_t *cls;         /* class of a set with |set| >= 2, HOL_NONE for singletons */
    uint32_t ncls;
    hol_class *C;
    uint32_t L;            /* h(Q) = number of levels */
    uint64_t *toff;        /* nsets + 1: tiles of set B are tiles[toff[B] .. toff[B+1]-1] */
    uint32_t *tiles;       /* set ids, numbered through τ_B from the representative's */
    uint64_t *poff;        /* nsets * k: offset in pool of the tile permutation of (B, σ) when
                              B·σ is in B's class, else UINT64_MAX */
    uint32_t *pool;        /* distinct permutations (ntiles entries each) */
    uint64_t npool, pcap;
    uint64_t valid;        /* number of tile chains (saturating) */
} sc_hol;

typedef struct sc_grp sc_grp; /* composition-series data (cascade.c) */

struct sc_cascade {
    int kind;
    uint32_t n, k, q0;
    sc_state *delta;       /* k*n, copy of the automaton's */
    size_t L;
    sc_level *lv;
    uint64_t max_certify;
    sc_hol *hol;
    sc_grp *grp;
};

/* holonomy.c */
int hol_build(sc_cascade *c, uint64_t max_sets, sc_error *err);
void hol_free(sc_hol *h);
/* Scratch for hol_step/hol_decode: 2*(L+2) uint32. */
int hol_decode(const sc_cascade *c, const int32_t *levels, uint32_t *chain, size_t *r,
               sc_state *q, sc_error *err);
int hol_encode(const sc_cascade *c, sc_state q, int32_t *levels);
int hol_step(const sc_cascade *c, const int32_t *old, uint32_t g, int32_t *nw,
             sc_level_dep *deps, sc_state *qn, uint32_t *scratch, sc_error *err);
int hol_certify(const sc_cascade *c, sc_cascade_cert *cert, sc_error *err);

/* cascade.c: fills a component's group fields from a permutation group of degree m. */
int sc_comp_set_group(sc_comp *cp, sc_group *G, uint32_t m, sc_error *err);
/* Records a counterexample in cert (allocating its arrays) and sets err. */
int sc_cert_fail(const sc_cascade *c, sc_cascade_cert *cert, const int32_t *old,
                 const int32_t *nw, uint32_t g, sc_state q, sc_state want, sc_state got,
                 sc_error *err);

#endif
