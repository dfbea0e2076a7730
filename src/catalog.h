/* The testbed catalog of DESIGN.md §4: automata with parameters and aliases, each with its
 * default sampling distribution. A "testbed" = automaton + how to sample its inputs. */
#ifndef SC_CATALOG_H
#define SC_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "automaton.h"
#include "error.h"

/* Largest transition table (states x symbols entries) the catalog builds; beyond it a spec
 * is refused with SC_EXIT_LIMIT (e.g. permutation_reset on 8 points: 40320 x 40322). */
#ifndef SC_CATALOG_MAX_ENTRIES /* the fuzz builds lower it (fuzz/run.sh): bounded time per input */
#define SC_CATALOG_MAX_ENTRIES (1ull << 26)
#endif

typedef enum {
    SC_SAMPLE_IID = 0, /* each token i.i.d.: exactly uniform, or from `weights` */
    SC_SAMPLE_ABAB,    /* w.p. pattern_prob the sequence 0,1,0,1,...; else i.i.d. `weights` */
    SC_SAMPLE_DYCK     /* bounded-Dyck generator of valid-prefix-heavy strings (see gen.h) */
} sc_sample_kind;

typedef struct sc_sampler {
    sc_sample_kind kind;
    uint32_t k;             /* number of symbols */
    int uniform;            /* i.i.d. part is exactly uniform over 0..k-1 */
    double *weights;        /* k probabilities summing to 1 when !uniform (owned), else NULL */
    double pattern_prob;    /* SC_SAMPLE_ABAB only */
    uint32_t dyck_types;    /* SC_SAMPLE_DYCK only */
    uint32_t dyck_depth;
} sc_sampler;

typedef struct sc_testbed {
    char *spec;              /* canonical spec with every parameter, e.g. "cyclic:n=5,actions=2" */
    sc_automaton *automaton; /* its name is the canonical spec (or the JSON "name") */
    sc_sampler sampler;      /* default sampling of DESIGN.md §4 */
    char *description;       /* one line */
} sc_testbed;

typedef struct sc_catalog_info {
    const char *name;        /* "cyclic" */
    const char *params;      /* defaults, "n=5,actions=2"; "" when none */
    const char *description; /* one line */
} sc_catalog_info;

typedef struct sc_alias {
    const char *alias;       /* "D8" */
    const char *spec;        /* "dihedral:n=4" */
} sc_alias;

size_t sc_catalog_size(void);
const sc_catalog_info *sc_catalog_at(size_t i);
size_t sc_alias_count(void);
const sc_alias *sc_alias_at(size_t i);

/* Build a testbed from "NAME[:key=value,...]" or an alias (also the patterns Sn, An, Cn, Tn,
 * D2n, Gridn, C2^k, FFn). Unknown name/key or bad value: NULL, err->code = SC_EXIT_REJECTED;
 * a table beyond SC_CATALOG_MAX_ENTRIES: SC_EXIT_LIMIT. Parameters may be given in any order;
 * tb->spec lists all of them in the catalog's order. See catalog.c for every definition. */
sc_testbed *sc_catalog_build(const char *spec, sc_error *err);

/* Uniform i.i.d. sampler over k symbols. Overwrites every field (s may be uninitialised);
 * weights held before are not freed. */
void sc_sampler_uniform(sc_sampler *s, uint32_t k);
void sc_testbed_free(sc_testbed *tb);

#endif
