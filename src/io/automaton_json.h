/* Automaton JSON (DESIGN.md §5), strict, read with jansson:
 *   {"name": "...", "states": 3 | ["a","b","c"], "symbols": 2 | ["x","y"], "start": 0,
 *    "delta": [[1,0],[2,1],[0,2]]}          delta[q][s] is the next state.
 * Unknown keys, duplicate keys, out-of-range entries, ragged rows, wrong types: rejected with
 * one line naming the file, the place (line:column or field path) and what was expected.
 * Also the writers: JSON (same format) and a Graphviz digraph.
 *
 * The format, exactly (anything else is rejected with SC_EXIT_REJECTED):
 *   - The text is one JSON object, UTF-8, nothing but whitespace after it; no duplicate keys;
 *     no "\u0000" in strings. Keys: "name", "states", "symbols", "start", "delta", no others.
 *   - "states"  (required): an integer 1..65535, or an array of 1..65535 state names.
 *   - "symbols" (required): an integer 1..65535, or an array of 1..65535 symbol names.
 *     Names: strings of 1..SC_JSON_MAX_NAME bytes without control characters (U+0000..U+001F,
 *     U+007F), pairwise distinct within their array.
 *   - "delta"   (required): an array of exactly n rows (one per state q, in order), each an
 *     array of exactly k integers (one per symbol s), delta[q][s] in 0..n-1. Entries are plain
 *     JSON integers: 1.0, 1e0, "1", true are rejected (states are numbers, not names).
 *   - "start"   (optional, default 0): an integer 0..n-1.
 *   - "name"    (optional, default the base name of the file, e.g. "dir/x.json" -> "x.json"):
 *     a string with the same rules as the state names.
 * Syntax errors read "FILE: line L, column C (byte B): expected ..."; semantic ones read
 * "FILE: field delta[2][1]: expected a state 0..2, got 7". Texts longer than
 * SC_JSON_MAX_BYTES are refused with SC_EXIT_LIMIT (jansson holds the whole tree in memory).
 * Files that cannot be opened or read are SC_EXIT_REJECTED. */
#ifndef SC_AUTOMATON_JSON_H
#define SC_AUTOMATON_JSON_H

#include <stddef.h>

#include "../automaton.h"
#include "../error.h"

#define SC_JSON_MAX_BYTES ((size_t)256 << 20) /* 256 MiB */
#define SC_JSON_MAX_NAME 255u                 /* bytes of UTF-8 per name */

/* Parse text[0..len-1]; fname names the source in messages. NULL + err on any defect. */
sc_automaton *sc_automaton_from_json(const char *text, size_t len, const char *fname,
                                     sc_error *err);
sc_automaton *sc_automaton_load_json(const char *path, sc_error *err);
/* malloc'd, NUL-terminated; NULL on OOM. Round-trips through sc_automaton_from_json.
 * Always writes all five keys. "states"/"symbols" are written as name arrays when the
 * automaton has names that the reader accepts (see above), otherwise as counts; a "name" the
 * reader would reject is replaced by "automaton". Rows of delta one per line. */
char *sc_automaton_to_json(const sc_automaton *a);
/* malloc'd Graphviz digraph: one node per state (start marked), one edge per (q, next)
 * labelled with the symbols that take q there.
 * Nodes are q0..q{n-1} labelled with the state name (or number); the start state has an
 * incoming arrow from an invisible point node and a bold outline. Edge labels list symbols
 * comma-separated (runs of 3+ consecutive unnamed symbols as "a-b"); a label with more than
 * 8 items is cut to 8 followed by ",…(+N)" so large alphabets stay readable. Automata with
 * more than 32 states get compact nodes, a force-directed layout (layout=neato, sfdp beyond
 * 1000 states; `dot -Tsvg` honours it) and the self-loops of identity symbols (δ_s = id on every state) left out and
 * named in the graph label instead, so S5 (120 states) renders in a fraction of a second. */
char *sc_automaton_to_dot(const sc_automaton *a);

#endif
