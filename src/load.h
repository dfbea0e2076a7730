/* The automaton argument of every verb: a catalog spec, an alias, or a path to a JSON file
 * (DESIGN.md §4). JSON automata sample uniformly. */
#ifndef SC_LOAD_H
#define SC_LOAD_H

#include "catalog.h"
#include "error.h"

sc_testbed *sc_testbed_load(const char *arg, sc_error *err);

#endif
