/* shortcut list [--json]: the testbed catalog with |Q|, |Σ|, parameters and a description. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: shortcut list [--json]\n"
    "\n"
    "The testbed catalog: each automaton with its default parameters, |Q|, |Σ| and a one-line\n"
    "description, then the aliases. Any verb takes NAME[:key=value,...], an alias or a JSON\n"
    "file wherever an automaton is expected.\n";

static sc_testbed *build_default(const sc_catalog_info *info, sc_error *err)
{
    char spec[256];
    snprintf(spec, sizeof spec, "%s%s%s", info->name, info->params[0] ? ":" : "", info->params);
    return sc_catalog_build(spec, err);
}

int cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'h') {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else
            return cli_usage("list", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage("list", "unexpected argument '%s'", argv[optind]);

    sc_error err;
    sc_error_clear(&err);
    if (json)
        fputs("{\"automata\": [", stdout);
    else
        printf("%-18s %6s %7s  %-30s %s\n", "name", "|Q|", "|Σ|", "parameters (defaults)",
               "description");
    for (size_t i = 0; i < sc_catalog_size(); i++) {
        const sc_catalog_info *info = sc_catalog_at(i);
        sc_testbed *tb = build_default(info, &err);
        if (!tb)
            return cli_report(&err); /* a catalog default that does not build is a bug */
        const sc_automaton *a = tb->automaton;
        if (json) {
            fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
            cli_json_string(stdout, info->name);
            fputs(", \"spec\": ", stdout);
            cli_json_string(stdout, tb->spec);
            printf(", \"states\": %u, \"symbols\": %u, \"params\": ", a->n, a->k);
            cli_json_string(stdout, info->params);
            fputs(", \"description\": ", stdout);
            cli_json_string(stdout, info->description);
            fputs("}", stdout);
        } else {
            /* The header's "|Σ|" is 4 bytes in 3 columns: its field is one byte wider. */
            printf("%-18s %6u %6u  %-30s %s\n", info->name, a->n, a->k,
                   info->params[0] ? info->params : "-", info->description);
        }
        sc_testbed_free(tb);
    }
    if (json)
        fputs("\n], \"aliases\": {", stdout);
    else
        printf("\naliases:\n");
    for (size_t i = 0; i < sc_alias_count(); i++) {
        const sc_alias *al = sc_alias_at(i);
        if (json) {
            fputs(i ? ", " : "", stdout);
            cli_json_string(stdout, al->alias);
            fputs(": ", stdout);
            cli_json_string(stdout, al->spec);
        } else
            printf("  %-8s = %s\n", al->alias, al->spec);
    }
    if (json)
        fputs("}}\n", stdout);
    else
        printf("  patterns: Cn, Sn, An, Tn, D2n, Gridn, C2^k, FFn\n");
    return SC_EXIT_OK;
}
