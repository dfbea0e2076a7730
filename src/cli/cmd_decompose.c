/* shortcut decompose A [--json | --dot] [--force-holonomy] [--no-certify] [--max-sets N]
 *                     [--max-group-order N] [--max-certify N]
 * Krohn–Rhodes decomposition of an automaton as a cascade (src/cascade.h). */
#include <getopt.h>
#include <stdio.h> /* before gmp.h: declares mpz_out_str */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "../cascade.h"
#include "../load.h"
#include "cli.h"

static const char help[] =
    "usage: shortcut decompose A [--json | --dot] [--force-holonomy] [--no-certify]\n"
    "                           [--max-sets N] [--max-group-order N] [--max-certify N]\n"
    "\n"
    "A Krohn-Rhodes decomposition of the automaton A (catalog spec, alias or JSON file): a\n"
    "cascade of permutation-reset components, one level per Transformer layer of Theorem 2\n"
    "(Liu et al., ICLR 2023). Permutation automata get the cascade of a composition series\n"
    "of their group (C_p levels when it is solvable); the others the holonomy decomposition\n"
    "(Eilenberg; Egri-Nagy & Nehaniv), computed from the generators without enumerating T(A).\n"
    "Levels are printed top-down in SgpDec's convention: `i: (m,G)` for m states acted on by\n"
    "the group G, a bare `m` for a component with resets only, several components of one\n"
    "level on one line. Then each component's group order and composition factors, the number\n"
    "of levels, the cascade's state count, and the emulation certificate: every valid cascade\n"
    "state and every symbol is checked (no sampling) to decode to the automaton's transition.\n"
    "  --json              machine-readable output (schema in README.md)\n"
    "  --dot               the cascade as a Graphviz digraph\n"
    "  --force-holonomy    holonomy decomposition even for a permutation automaton\n"
    "  --no-certify        skip the emulation certificate\n"
    "  --max-sets N        holonomy: at most N image sets (default 2^20), else exit 5\n"
    "  --max-group-order N composition series: groups up to order N (default 2^20), else exit 5\n"
    "  --max-certify N     certify at most N valid cascade states (default 10^8), else exit 5\n"
    "exit codes: 0 ok, 1 certificate failed, 2 usage, 4 rejected automaton, 5 resource limit.\n";

#define VERB "decompose"

static void factors_json(const sc_group_factors *f)
{
    printf("[");
    for (size_t j = 0; f && j < f->len; j++) {
        printf("%s{\"order\": ", j ? ", " : "");
        mpz_out_str(stdout, 10, f->f[j].order);
        printf(", \"name\": ");
        cli_json_string(stdout, f->f[j].name);
        printf("}");
    }
    printf("]");
}

static void factors_text(const sc_group_factors *f)
{
    if (!f || !f->len) {
        printf("none");
        return;
    }
    for (size_t j = 0; j < f->len; j++)
        printf("%s%s", j ? ", " : "", f->f[j].name);
}

static void print_json(const char *spec, const sc_cascade *c, int certified,
                       const sc_cascade_cert *cert)
{
    size_t L = sc_cascade_levels(c);
    printf("{\"automaton\": ");
    cli_json_string(stdout, spec);
    printf(", \"states\": %u, \"symbols\": %u, \"kind\": \"%s\", \"level_count\": %zu, "
           "\"levels\": [", sc_cascade_nstates(c), sc_cascade_nsymbols(c), sc_cascade_kind(c), L);
    for (size_t i = 0; i < L; i++) {
        printf("%s{\"level\": %zu, \"states\": %u, \"components\": [", i ? ", " : "", i + 1,
               sc_cascade_level_states(c, i));
        for (size_t j = 0; j < sc_cascade_ncomponents(c, i); j++) {
            sc_component_info ci;
            char disp[128];
            sc_cascade_component(c, i, j, &ci);
            sc_cascade_component_str(c, i, j, disp, sizeof disp);
            printf("%s{\"display\": ", j ? ", " : "");
            cli_json_string(stdout, disp);
            printf(", \"states\": %u, \"offset\": %u, \"group\": ", ci.states, ci.offset);
            cli_json_string(stdout, ci.group_name);
            printf(", \"order\": %s, \"trivial\": %s, \"composition_factors\": ", ci.order,
                   ci.trivial ? "true" : "false");
            factors_json(ci.factors);
            if (!strcmp(sc_cascade_kind(c), "holonomy"))
                printf(", \"class_size\": %u, \"representative_size\": %u", ci.class_size,
                       ci.rep_size);
            printf("}");
        }
        printf("]}");
    }
    printf("], \"total_states\": %llu, \"valid_states\": %llu, \"certificate\": ",
           (unsigned long long)sc_cascade_total_states(c),
           (unsigned long long)sc_cascade_valid_states(c));
    if (certified)
        printf("{\"ok\": %s, \"states\": %llu, \"transitions\": %llu}", cert->ok ? "true" : "false",
               (unsigned long long)cert->states, (unsigned long long)cert->transitions);
    else
        printf("null");
    printf("}\n");
}

static void print_text(const char *spec, const sc_cascade *c, int certified,
                       const sc_cascade_cert *cert)
{
    size_t L = sc_cascade_levels(c);
    printf("automaton: %s (%u states, %u symbols)\n", spec, sc_cascade_nstates(c),
           sc_cascade_nsymbols(c));
    printf("decomposition: %s\n", sc_cascade_kind(c));
    for (size_t i = 0; i < L; i++) {
        printf("%zu:", i + 1);
        for (size_t j = 0; j < sc_cascade_ncomponents(c, i); j++) {
            char disp[128];
            sc_cascade_component_str(c, i, j, disp, sizeof disp);
            printf(" %s", disp);
        }
        putchar('\n');
    }
    printf("components:\n");
    for (size_t i = 0; i < L; i++)
        for (size_t j = 0; j < sc_cascade_ncomponents(c, i); j++) {
            sc_component_info ci;
            sc_cascade_component(c, i, j, &ci);
            printf("  level %zu: %u states, group %s of order %s, composition factors ", i + 1,
                   ci.states, ci.group_name, ci.order);
            factors_text(ci.factors);
            putchar('\n');
        }
    printf("levels: %zu (the layer count of Theorem 2's construction)\n", L);
    printf("cascade states: %llu (valid: %llu)\n",
           (unsigned long long)sc_cascade_total_states(c),
           (unsigned long long)sc_cascade_valid_states(c));
    if (certified)
        printf("emulation certificate: %s (%llu valid states x %u symbols = %llu transitions "
               "checked, every one of the %u states covered)\n", cert->ok ? "PASS" : "FAIL",
               (unsigned long long)cert->states, sc_cascade_nsymbols(c),
               (unsigned long long)cert->transitions, cert->covered);
    else
        printf("emulation certificate: not run (--no-certify)\n");
}

int cmd_decompose(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},           {"dot", no_argument, 0, 'd'},
        {"force-holonomy", no_argument, 0, 'f'}, {"no-certify", no_argument, 0, 'n'},
        {"max-sets", required_argument, 0, 's'}, {"max-group-order", required_argument, 0, 'g'},
        {"max-certify", required_argument, 0, 'c'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    sc_cascade_opts co = {0};
    int json = 0, dot = 0, certify = 1, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'd': dot = 1; break;
        case 'f': co.force_holonomy = 1; break;
        case 'n': certify = 0; break;
        case 's':
            if (cli_u64(VERB, "--max-sets", optarg, 1, UINT32_MAX, &co.max_sets))
                return SC_EXIT_USAGE;
            break;
        case 'g':
            if (cli_u64(VERB, "--max-group-order", optarg, 1, UINT32_MAX, &co.max_group_order))
                return SC_EXIT_USAGE;
            break;
        case 'c':
            if (cli_u64(VERB, "--max-certify", optarg, 1, UINT64_MAX / 2, &co.max_certify))
                return SC_EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(VERB, "expected exactly one automaton argument");
    if (json && dot)
        return cli_usage(VERB, "--json and --dot exclude each other");
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_testbed_load(argv[optind], &err);
    if (!tb)
        return cli_report(&err);
    sc_cascade *cas = sc_cascade_build(tb->automaton, &co, &err);
    int rc = cas ? 0 : err.code;
    sc_cascade_cert cert = {0};
    if (!rc && dot) {
        rc = sc_cascade_dot(cas, stdout);
        if (rc)
            sc_fail(&err, rc, "decompose: cannot write the Graphviz output");
    } else if (!rc) {
        int crc = certify ? sc_cascade_certify(cas, &cert, &err) : 0;
        if (crc && crc != SC_EXIT_FAIL)
            rc = crc; /* a limit: nothing checked */
        else if (json)
            print_json(tb->spec, cas, certify, &cert);
        else
            print_text(tb->spec, cas, certify, &cert);
        if (!rc && crc == SC_EXIT_FAIL) {
            fprintf(stderr, "shortcut: %s\n", err.msg);
            rc = SC_EXIT_FAIL;
            sc_error_clear(&err);
        }
    }
    sc_cascade_cert_clear(&cert);
    sc_cascade_free(cas);
    sc_testbed_free(tb);
    return rc && err.code ? cli_report(&err) : rc;
}
