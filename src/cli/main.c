/* shortcut: a proven, exact oracle for Transformers on automaton testbeds. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct verb {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} verb;

static const verb verbs[] = {
    {"list", cmd_list, "the testbed catalog: |Q|, |Σ|, parameters, description"},
    {"show", cmd_show, "one automaton as JSON (--json) or a Graphviz digraph (--dot)"},
    {"simulate", cmd_simulate, "exact labels q_1..q_T of input sequences"},
    {"gen", cmd_gen, "labelled datasets as npy (inputs, labels[, lengths])"},
    {"analyze", cmd_analyze, "algebra of T(A): size, Green's structure, maximal subgroups"},
    {"decompose", cmd_decompose, "Krohn-Rhodes cascade: levels, components, certificate"},
    {"scan", cmd_scan, "prefix products by sequential / Hillis-Steele / Blelloch scan"},
    {"construct", cmd_construct, "the talk's constant-depth constructions, exact"},
    {"compile", cmd_compile, "hand-compiled Transformers (parity, flip-flop) as safetensors"},
    {"forward", cmd_forward, "exact / enclosed logits, certified predictions, float bounds"},
    {"certify", cmd_certify, "other implementations against the oracle: predictions, logits, scans"},
    {"fuzz", cmd_fuzz, "fuzz an external implementation (a command on npy files), shrink failures"},
    {"demo", cmd_demo, "a short tour: the catalog and a dataset re-verified by simulation"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: shortcut VERB [options]   (shortcut VERB --help for each)\n\nverbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\nexit codes: 0 success/PASS, 1 FAIL, 2 usage error, 3 INCONCLUSIVE,\n"
               "            4 rejected input, 5 resource limit reached\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return SC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name))
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "shortcut: unknown verb '%s' (try 'shortcut --help')\n", argv[1]);
    return SC_EXIT_USAGE;
}
