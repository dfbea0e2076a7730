/* Automaton JSON (DESIGN.md §5), strict, read with jansson:
 *   {"name": "...", "states": 3 | ["a","b","c"], "symbols": 2 | ["x","y"], "start": 0,
 *    "delta": [[1,0],[2,1],[0,2]]}          delta[q][s] is the next state.
 * Unknown keys, duplicate keys, out-of-range entries, ragged rows, wrong types: rejected with
 * one line naming the file, the place (line:column or field path) and what was expected.
 * Also the writers: JSON (same format) and a Graphviz digraph. */
#ifndef SC_AUTOMATON_JSON_H
#define SC_AUTOMATON_JSON_H

#include <stddef.h>

#include "../automaton.h"
#include "../error.h"

/* Parse text[0..len-1]; fname names the source in messages. NULL + err on any defect. */
sc_automaton *sc_automaton_from_json(const char *text, size_t len, const char *fname,
                                     sc_error *err);
sc_automaton *sc_automaton_load_json(const char *path, sc_error *err);
/* malloc'd, NUL-terminated; NULL on OOM. Round-trips through sc_automaton_from_json. */
char *sc_automaton_to_json(const sc_automaton *a);
/* malloc'd Graphviz digraph: one node per state (start marked), one edge per (q, next)
 * labelled with the symbols that take q there. */
char *sc_automaton_to_dot(const sc_automaton *a);

#endif
