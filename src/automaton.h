/* A deterministic automaton A = (Q, Σ, δ, q0) with Q = {0..n-1}, Σ = {0..k-1} (DESIGN.md §3).
 * The state count is stored, never inferred. Owned heap object of the outer layer. */
#ifndef SC_AUTOMATON_H
#define SC_AUTOMATON_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "transf.h"

#define SC_MAX_SYMBOLS 65535u

typedef struct sc_automaton {
    char *name;
    uint32_t n;           /* states, 1..SC_MAX_STATES */
    uint32_t k;           /* symbols, 1..SC_MAX_SYMBOLS */
    uint32_t start;       /* q0 < n */
    sc_state *delta;      /* k*n entries, symbol-major: delta[s*n + q] = δ(q, s) */
    char **state_names;   /* NULL, or n strings */
    char **symbol_names;  /* NULL, or k strings */
} sc_automaton;

/* New automaton with every δ(q,s) = q (identity); names unset. NULL + err on bad sizes/OOM. */
sc_automaton *sc_automaton_new(const char *name, uint32_t n, uint32_t k, uint32_t start,
                               sc_error *err);
void sc_automaton_free(sc_automaton *a);

static inline sc_state sc_delta(const sc_automaton *a, uint32_t q, uint32_t s)
{
    return a->delta[(size_t)s * a->n + q];
}
static inline void sc_set_delta(sc_automaton *a, uint32_t q, uint32_t s, uint32_t to)
{
    a->delta[(size_t)s * a->n + q] = (sc_state)to;
}
/* δ_s as a transformation (n entries). */
static inline const sc_state *sc_generator(const sc_automaton *a, uint32_t s)
{
    return a->delta + (size_t)s * a->n;
}

/* Checks sizes, start and every δ entry; 0 or SC_EXIT_REJECTED with a message. */
int sc_automaton_validate(const sc_automaton *a, sc_error *err);

/* Simulate one word: labels[t] = q_{t+1}. Returns 0, or SC_EXIT_REJECTED naming the position
 * of the first symbol out of range ("what" names the source, e.g. "--input"). */
int sc_automaton_run(const sc_automaton *a, const int32_t *word, size_t T, int32_t *labels,
                     const char *what, sc_error *err);

#endif
