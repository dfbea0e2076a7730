/* shortcut show A [--json | --dot]: one automaton, as text, automaton JSON or Graphviz. */
#include <getopt.h>
#include <stdlib.h>

#include "../io/automaton_json.h"
#include "../load.h"
#include "cli.h"

static const char help[] =
    "usage: shortcut show A [--json | --dot]\n"
    "\n"
    "The automaton A (catalog spec, alias or JSON file): a summary and its transition table,\n"
    "or with --json the automaton JSON format (delta[q][s] = next state), or with --dot a\n"
    "Graphviz digraph (render with: shortcut show A --dot | dot -Tsvg > A.svg).\n";

static const char *state_name(const sc_automaton *a, uint32_t q, char *buf, size_t len)
{
    if (a->state_names)
        return a->state_names[q];
    snprintf(buf, len, "%u", q);
    return buf;
}

static void print_table(const sc_automaton *a)
{
    char b1[16], b2[16];
    printf("%-12s", "state");
    for (uint32_t s = 0; s < a->k; s++)
        printf(" %-10s", a->symbol_names ? a->symbol_names[s] : (snprintf(b1, 16, "%u", s), b1));
    putchar('\n');
    for (uint32_t q = 0; q < a->n; q++) {
        printf("%-12s", state_name(a, q, b1, sizeof b1));
        for (uint32_t s = 0; s < a->k; s++)
            printf(" %-10s", state_name(a, sc_delta(a, q, s), b2, sizeof b2));
        putchar('\n');
    }
}

int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                         {"dot", no_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int mode = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'j' || c == 'd') {
            if (mode && mode != c)
                return cli_usage("show", "--json and --dot exclude each other");
            mode = c;
        } else if (c == 'h') {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else
            return cli_usage("show", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage("show", "expected exactly one automaton argument");

    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_testbed_load(argv[optind], &err);
    if (!tb)
        return cli_report(&err);
    const sc_automaton *a = tb->automaton;
    int rc = SC_EXIT_OK;
    if (mode) {
        char *text = mode == 'j' ? sc_automaton_to_json(a) : sc_automaton_to_dot(a);
        if (text) {
            fputs(text, stdout);
            free(text);
        } else {
            sc_fail(&err, SC_EXIT_LIMIT, "%s: out of memory formatting the automaton", tb->spec);
            rc = cli_report(&err);
        }
    } else {
        char b[16];
        printf("automaton   %s\ndescription %s\nstates      %u\nsymbols     %u\nstart       %s\n\n",
               tb->spec, tb->description ? tb->description : "", a->n, a->k,
               state_name(a, a->start, b, sizeof b));
        print_table(a);
    }
    sc_testbed_free(tb);
    return rc;
}
