/* Fuzz harness for the strict automaton JSON reader (src/io/automaton_json.c).
 * Built by fuzz/run.sh with afl-clang-fast and /usr/lib/afl/libAFLDriver.a (libFuzzer-style
 * entry point). Invariants, abort() on violation:
 *   - rejection: NULL with err.code 4 (REJECTED) or 5 (LIMIT) and a non-empty one-line
 *     message starting with the file name;
 *   - acceptance: sc_automaton_validate passes, names are present and non-empty where set,
 *     to_json -> from_json gives the identical automaton (sizes, start, delta, names, name),
 *     the writer is a fixed point, and to_dot succeeds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automaton.h"
#include "io/automaton_json.h"

#define FNAME "fuzz.json"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_json: invariant violated: %s\n", what);
        abort();
    }
}

static void check_rejection(const sc_error *err)
{
    check(err->code == SC_EXIT_REJECTED || err->code == SC_EXIT_LIMIT, "rejection code");
    check(strncmp(err->msg, FNAME ": ", sizeof FNAME + 1) == 0, "message names the file");
    for (const char *p = err->msg; *p; p++)
        check((unsigned char)*p >= 0x20 && *p != 0x7f, "message is one printable line");
}

static int same_names(char **x, char **y, uint32_t count)
{
    if (!x || !y)
        return x == y;
    for (uint32_t i = 0; i < count; i++)
        if (strcmp(x[i], y[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_from_json((const char *)data, size, FNAME, &err);
    if (!a) {
        check_rejection(&err);
        return 0;
    }
    check(err.code == 0, "no error code on success");
    check(sc_automaton_validate(a, &err) == 0, "sc_automaton_validate");
    check(a->name && a->name[0], "automaton name");
    for (uint32_t q = 0; a->state_names && q < a->n; q++)
        check(a->state_names[q] && a->state_names[q][0], "state name");
    for (uint32_t s = 0; a->symbol_names && s < a->k; s++)
        check(a->symbol_names[s] && a->symbol_names[s][0], "symbol name");

    char *j = sc_automaton_to_json(a);
    check(j != NULL, "to_json");
    sc_automaton *b = sc_automaton_from_json(j, strlen(j), FNAME, &err);
    check(b != NULL, "to_json output is accepted");
    check(!strcmp(a->name, b->name) && a->n == b->n && a->k == b->k && a->start == b->start,
          "round trip: name, sizes, start");
    check(!memcmp(a->delta, b->delta, (size_t)a->n * a->k * sizeof *a->delta),
          "round trip: delta");
    check(same_names(a->state_names, b->state_names, a->n), "round trip: state names");
    check(same_names(a->symbol_names, b->symbol_names, a->k), "round trip: symbol names");
    char *j2 = sc_automaton_to_json(b);
    check(j2 && !strcmp(j, j2), "writer is a fixed point");
    char *d = sc_automaton_to_dot(a);
    check(d != NULL && !strncmp(d, "digraph ", 8), "to_dot");
    free(d);
    free(j2);
    free(j);
    sc_automaton_free(b);
    sc_automaton_free(a);
    return 0;
}
