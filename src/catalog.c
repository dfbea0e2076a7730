/* STUB — being written (catalog helper). */
#include "catalog.h"
#include <stdlib.h>
size_t sc_catalog_size(void) { return 0; }
const sc_catalog_info *sc_catalog_at(size_t i) { (void)i; return NULL; }
size_t sc_alias_count(void) { return 0; }
const sc_alias *sc_alias_at(size_t i) { (void)i; return NULL; }
sc_testbed *sc_catalog_build(const char *spec, sc_error *err)
{ sc_fail(err, SC_EXIT_REJECTED, "unknown automaton '%s'", spec); return NULL; }
void sc_sampler_uniform(sc_sampler *s, uint32_t k) { s->kind = SC_SAMPLE_IID; s->k = k; s->uniform = 1; s->weights = NULL; }
void sc_testbed_free(sc_testbed *tb) { if (!tb) return; free(tb->spec); free(tb->description); sc_automaton_free(tb->automaton); free(tb->sampler.weights); free(tb); }
