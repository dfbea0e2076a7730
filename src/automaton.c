#include "automaton.h"

#include <stdlib.h>
#include <string.h>

#include "simulate.h"

sc_automaton *sc_automaton_new(const char *name, uint32_t n, uint32_t k, uint32_t start,
                               sc_error *err)
{
    if (n < 1 || n > SC_MAX_STATES) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: %u states, expected 1..%u", name, n, SC_MAX_STATES);
        return NULL;
    }
    if (k < 1 || k > SC_MAX_SYMBOLS) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: %u symbols, expected 1..%u", name, k,
                SC_MAX_SYMBOLS);
        return NULL;
    }
    if (start >= n) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: start state %u, expected 0..%u", name, start, n - 1);
        return NULL;
    }
    sc_automaton *a = calloc(1, sizeof *a);
    if (!a || !(a->name = strdup(name)) ||
        !(a->delta = malloc((size_t)n * k * sizeof *a->delta))) {
        sc_automaton_free(a);
        sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %u states x %u symbols", name, n, k);
        return NULL;
    }
    a->n = n;
    a->k = k;
    a->start = start;
    for (uint32_t s = 0; s < k; s++)
        tf_identity(n, a->delta + (size_t)s * n);
    return a;
}

static void free_names(char **names, uint32_t count)
{
    if (!names)
        return;
    for (uint32_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

void sc_automaton_free(sc_automaton *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->delta);
    free_names(a->state_names, a->n);
    free_names(a->symbol_names, a->k);
    free(a);
}

int sc_automaton_validate(const sc_automaton *a, sc_error *err)
{
    if (a->n < 1 || a->n > SC_MAX_STATES || a->k < 1 || a->k > SC_MAX_SYMBOLS ||
        a->start >= a->n)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: bad sizes (n=%u, k=%u, start=%u)", a->name,
                       a->n, a->k, a->start);
    for (uint32_t s = 0; s < a->k; s++)
        if (!tf_is_valid(a->n, sc_generator(a, s))) {
            for (uint32_t q = 0; q < a->n; q++)
                if (sc_delta(a, q, s) >= a->n)
                    return sc_fail(err, SC_EXIT_REJECTED,
                                   "%s: delta[%u][%u] = %u, expected a state 0..%u", a->name, q,
                                   s, sc_delta(a, q, s), a->n - 1);
        }
    return 0;
}

int sc_automaton_run(const sc_automaton *a, const int32_t *word, size_t T, int32_t *labels,
                     const char *what, sc_error *err)
{
    size_t done = sc_run(a->n, a->k, a->delta, (sc_state)a->start, word, T, labels);
    if (done < T)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: position %zu: symbol %d, expected 0..%u",
                       what, done, word[done], a->k - 1);
    return 0;
}
