/* shortcut construct KIND [--n N] [--actions A] [--k K] [--automaton A]
 *                   (--input LIST | --input-npy FILE) [--json]
 * Runs a constant-depth construction (src/shortcut.h), prints its labels and layer count,
 * and checks every label against the sequential definition sc_run. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../load.h"
#include "../shortcut.h"
#include "../simulate.h"
#include "cli.h"
#include "input.h"

static const char help[] =
    "usage: shortcut construct KIND [--n N] [--actions A] [--k K] [--automaton A]\n"
    "                          (--input 1,0,1 | --input-npy FILE) [--json]\n"
    "\n"
    "Runs a constant-depth shortcut (the talk's O(1)-layer constructions) exactly, prints the\n"
    "labels q_1..q_T and the number of layers, and checks every label against the sequential\n"
    "definition (as `simulate`); exit 1 if they ever differed.\n"
    "KIND (automaton by default; construction; layers):\n"
    "  parity                 parity                    prefix count, mod 2          1\n"
    "  cyclic    --n --actions cyclic:n,actions (5,2)    prefix sum, mod n            1\n"
    "  product   --k          product:k (3) = C2^k      prefix counts per bit, mod 2 1\n"
    "  abelian   --automaton  any Z_n or Z_2^r automaton prefix sums, mod            1\n"
    "  car       --n          dihedral:n (4)            U-turn parity, signed sum    2\n"
    "  gridworld --n          gridworld:n (9)           boundary detection           3\n"
    "  flipflop  --n          flipflop:n (2)            last write                   1\n"
    "  memory                 memory                    last write                   1\n"
    "  --automaton A     run the construction on A instead (catalog spec, alias or JSON file);\n"
    "                    its structure is recognised from its transition table, or refused\n"
    "  --input LIST      one sequence, comma-separated symbols (may be empty)\n"
    "  --input-npy FILE  a 2-D integer npy, one sequence per row; -1 pads a row's tail\n"
    "                    (labels of padded positions are -1)\n"
    "  --json            {\"construction\", \"automaton\", \"structure\", \"layers\", \"steps\",\n"
    "                    \"labels\": [[...], ...], \"check\": {\"equal\", \"sequences\",\n"
    "                    \"labels\"}} on stdout\n"
    "Output without --json: 'construction:', 'automaton:', 'layers: L', the program's steps,\n"
    "then one line per sequence (labels comma-separated), then 'check: ...'.\n";

#define VERB "construct"

typedef struct {
    const char *name;
    sc_sh_kind kind;
    const char *fmt;      /* catalog spec with %u for --n / --k, or NULL: --automaton needed */
    const char *param;    /* "n", "k" or NULL */
    uint32_t def, min, max;
    int actions;          /* takes --actions (cyclic) */
} kind_def;

static const kind_def kinds[] = {
    {"parity", SC_SH_ABELIAN, "parity", NULL, 0, 0, 0, 0},
    {"cyclic", SC_SH_ABELIAN, "cyclic:n=%u,actions=%u", "n", 5, 1, 65535, 1},
    {"product", SC_SH_ABELIAN, "product:k=%u", "k", 3, 1, 15, 0},
    {"abelian", SC_SH_ABELIAN, NULL, NULL, 0, 0, 0, 0},
    {"car", SC_SH_CAR, "dihedral:n=%u", "n", 4, 1, 32767, 0},
    {"gridworld", SC_SH_GRIDWORLD, "gridworld:n=%u", "n", 9, 1, 65535, 0},
    {"flipflop", SC_SH_LAST_WRITE, "flipflop:n=%u", "n", 2, 1, 8191, 0},
    {"memory", SC_SH_LAST_WRITE, "memory", NULL, 0, 0, 0, 0},
};

int cmd_construct(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'}, {"input-npy", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},        {"n", required_argument, 0, 'n'},
        {"k", required_argument, 0, 'k'},     {"actions", required_argument, 0, 'a'},
        {"automaton", required_argument, 0, 'A'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *input = NULL, *input_npy = NULL, *n_arg = NULL, *k_arg = NULL,
               *actions_arg = NULL, *automaton = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'f': input_npy = optarg; break;
        case 'j': json = 1; break;
        case 'n': n_arg = optarg; break;
        case 'k': k_arg = optarg; break;
        case 'a': actions_arg = optarg; break;
        case 'A': automaton = optarg; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(VERB, "expected exactly one construction: parity, cyclic, product, "
                               "abelian, car, gridworld, flipflop or memory");
    const kind_def *kd = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(argv[optind], kinds[i].name))
            kd = &kinds[i];
    if (!kd)
        return cli_usage(VERB, "unknown construction '%s' (parity, cyclic, product, abelian, "
                               "car, gridworld, flipflop, memory)", argv[optind]);
    if (!input == !input_npy)
        return cli_usage(VERB, "give exactly one of --input and --input-npy");

    /* The automaton: --automaton, or the construction's catalog entry with its parameters. */
    char spec[128];
    int takes_n = kd->param && kd->param[0] == 'n', takes_k = kd->param && kd->param[0] == 'k';
    if (n_arg && !takes_n)
        return cli_usage(VERB, "%s takes no --n", kd->name);
    if (k_arg && !takes_k)
        return cli_usage(VERB, "%s takes no --k", kd->name);
    const char *param_opt = takes_n ? n_arg : k_arg;
    if (actions_arg && !kd->actions)
        return cli_usage(VERB, "%s takes no --actions", kd->name);
    if (automaton) {
        if (param_opt || actions_arg)
            return cli_usage(VERB, "--automaton excludes --n, --k and --actions");
    } else if (!kd->fmt) {
        return cli_usage(VERB, "%s needs --automaton A (a Z_n or Z_2^r automaton)", kd->name);
    } else {
        uint64_t p = kd->def, act = 2;
        if (param_opt && cli_u64(VERB, kd->param[0] == 'n' ? "--n" : "--k", param_opt, kd->min,
                                 kd->max, &p))
            return SC_EXIT_USAGE;
        if (actions_arg && cli_u64(VERB, "--actions", actions_arg, 1, 65535, &act))
            return SC_EXIT_USAGE;
        if (kd->actions)
            snprintf(spec, sizeof spec, kd->fmt, (unsigned)p, (unsigned)act);
        else if (kd->param)
            snprintf(spec, sizeof spec, kd->fmt, (unsigned)p);
        else
            snprintf(spec, sizeof spec, "%s", kd->fmt);
        automaton = spec;
    }

    sc_error err;
    sc_error_clear(&err);
    int32_t *words = NULL, *labels = NULL, *ref = NULL;
    int64_t *scratch = NULL;
    size_t rows = 1, cols = 0;
    sc_sh_plan plan;
    int have_plan = 0;
    int rc = input ? cli_parse_list(VERB, input, &words, &cols)
                   : cli_load_rows(input_npy, &words, &rows, &cols, &err);
    if (rc)
        return err.code ? cli_report(&err) : rc;
    sc_testbed *tb = sc_testbed_load(automaton, &err);
    if (!tb) {
        free(words);
        return cli_report(&err);
    }
    const sc_automaton *a = tb->automaton;
    if ((rc = sc_sh_recognise(a, kd->kind, &plan, &err)))
        goto done;
    have_plan = 1;
    if (cols > SC_SH_MAX_T) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "%s: sequences of %zu tokens, at most %u",
                     input ? "--input" : input_npy, cols, SC_SH_MAX_T);
        goto done;
    }
    size_t cells = rows * cols > 0 ? rows * cols : 1;
    labels = malloc(cells * sizeof *labels);
    ref = malloc((cols ? cols : 1) * sizeof *ref);
    scratch = malloc(sc_sh_scratch_len(kd->kind, cols) * sizeof *scratch);
    if (!labels || !ref || !scratch) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "out of memory for %zu labels", rows * cols);
        goto done;
    }
    const char *src = input ? "--input" : input_npy;
    uint32_t layers = 0;
    size_t checked = 0, mismatch_row = 0, mismatch_t = 0;
    int equal = 1;
    int32_t got_bad = 0, want_bad = 0;
    for (size_t r = 0; r < rows; r++) {
        const int32_t *w = words + r * cols;
        int32_t *lab = labels + r * cols;
        size_t len = cols;
        if (!input) { /* -1 pads the tail of an npy row */
            if ((rc = cli_row_length(w, cols, src, r, &len, &err)))
                goto done;
            for (size_t t = len; t < cols; t++)
                lab[t] = -1;
        }
        size_t done = sc_sh_run(&plan, a, w, len, lab, scratch, &layers);
        if (done < len) {
            if (input)
                rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: position %zu: symbol %d, expected 0..%u",
                             src, done, w[done], a->k - 1);
            else
                rc = sc_fail(&err, SC_EXIT_REJECTED,
                             "%s: row %zu: position %zu: symbol %d, expected 0..%u", src, r, done,
                             w[done], a->k - 1);
            goto done;
        }
        /* the check: the sequential definition, label by label */
        size_t sdone = sc_run(a->n, a->k, a->delta, (sc_state)a->start, w, len, ref);
        for (size_t t = 0; t < len && equal; t++)
            if (sdone != len || ref[t] != lab[t]) {
                equal = 0;
                mismatch_row = r;
                mismatch_t = t;
                got_bad = lab[t];
                want_bad = ref[t];
            }
        checked += len;
    }
    layers = sc_sh_program_of(kd->kind)->layers; /* also when there was no row */
    const sc_sh_program *pr = sc_sh_program_of(kd->kind);
    if (json) {
        fputs("{\"construction\": ", stdout);
        cli_json_string(stdout, kd->name);
        fputs(", \"automaton\": ", stdout);
        cli_json_string(stdout, tb->spec);
        fputs(", \"structure\": ", stdout);
        cli_json_string(stdout, plan.structure);
        printf(", \"layers\": %u, \"steps\": [", layers);
        for (uint32_t i = 0; i < pr->nsteps; i++) {
            if (i)
                fputs(", ", stdout);
            cli_json_string(stdout, pr->steps[i]);
        }
        fputs("], \"labels\": [", stdout);
        for (size_t r = 0; r < rows; r++) {
            fputs(r ? ", [" : "[", stdout);
            cli_print_labels(stdout, labels + r * cols, cols);
            fputs("]", stdout);
        }
        printf("], \"check\": {\"equal\": %s, \"sequences\": %zu, \"labels\": %zu}}\n",
               equal ? "true" : "false", rows, checked);
    } else {
        printf("construction: %s (%s)\n", kd->name, pr->summary);
        printf("automaton: %s: %s\n", tb->spec, plan.structure);
        printf("layers: %u\n", layers);
        for (uint32_t i = 0; i < pr->nsteps; i++)
            printf("  step %u: %s\n", i + 1, pr->steps[i]);
        for (size_t r = 0; r < rows; r++) {
            cli_print_labels(stdout, labels + r * cols, cols);
            putchar('\n');
        }
        if (equal)
            printf("check: equal to the sequential definition (%zu sequence%s, %zu labels)\n",
                   rows, rows == 1 ? "" : "s", checked);
        else
            printf("check: DIFFERENT from the sequential definition\n");
    }
    if (!equal)
        rc = sc_fail(&err, SC_EXIT_FAIL,
                     "%s: sequence %zu, position %zu: construction %s gives %d, sequential %d",
                     src, mismatch_row, mismatch_t, kd->name, got_bad, want_bad);
done:
    if (have_plan)
        sc_sh_plan_free(&plan);
    free(words);
    free(labels);
    free(ref);
    free(scratch);
    sc_testbed_free(tb);
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
