#include "load.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/automaton_json.h"

/* An argument names a file when it exists, ends in .json or contains a '/'. */
static int names_file(const char *arg)
{
    struct stat st;
    size_t len = strlen(arg);
    return stat(arg, &st) == 0 || strchr(arg, '/') ||
           (len > 5 && !strcmp(arg + len - 5, ".json"));
}

sc_testbed *sc_testbed_load(const char *arg, sc_error *err)
{
    if (!names_file(arg))
        return sc_catalog_build(arg, err);
    sc_automaton *a = sc_automaton_load_json(arg, err);
    if (!a)
        return NULL;
    sc_testbed *tb = calloc(1, sizeof *tb);
    if (!tb || !(tb->spec = strdup(arg)) || !(tb->description = strdup("automaton from JSON"))) {
        sc_automaton_free(a);
        sc_testbed_free(tb);
        sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", arg);
        return NULL;
    }
    tb->automaton = a;
    sc_sampler_uniform(&tb->sampler, a->k);
    return tb;
}
