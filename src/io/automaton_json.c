/* STUB — being written (JSON helper). */
#include "automaton_json.h"
#include <stdlib.h>
sc_automaton *sc_automaton_load_json(const char *path, sc_error *err) { sc_fail(err, SC_EXIT_REJECTED, "%s: JSON reader not built yet", path); return NULL; }
char *sc_automaton_to_json(const sc_automaton *a) { (void)a; return NULL; }
char *sc_automaton_to_dot(const sc_automaton *a) { (void)a; return NULL; }
