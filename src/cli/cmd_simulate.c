/* shortcut simulate A (--input 1,0,1 | --input-npy FILE) [--json] [--out LABELS.npy] */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/npy.h"
#include "../load.h"
#include "cli.h"
#include "input.h"

static const char help[] =
    "usage: shortcut simulate A (--input 1,0,1,1 | --input-npy FILE) [--json] [--out FILE]\n"
    "\n"
    "Exact labels q_1..q_T of the automaton A (catalog spec, alias or JSON file) from its\n"
    "start state: the state after each token (q_0 is not emitted).\n"
    "  --input LIST      one sequence, comma-separated symbols (may be empty)\n"
    "  --input-npy FILE  a 2-D integer npy, one sequence per row; -1 pads a row's tail\n"
    "                    (labels of padded positions are -1)\n"
    "  --json            {\"automaton\": SPEC, \"labels\": [[...], ...]} on stdout\n"
    "  --out FILE        also write the labels as an int32 npy of the input's shape\n"
    "Output without --json: one line per sequence, labels comma-separated.\n";

/* Labels of one padded row: the sequence ends at the first -1; the rest must be -1 too. */
static int run_row(const sc_automaton *a, const int32_t *w, size_t T, int32_t *labels,
                   const char *src, size_t row, sc_error *err)
{
    size_t len;
    int rc = cli_row_length(w, T, src, row, &len, err);
    if (rc)
        return rc;
    for (size_t t = len; t < T; t++)
        labels[t] = -1;
    char what[600];
    snprintf(what, sizeof what, "%s: row %zu", src, row);
    return sc_automaton_run(a, w, len, labels, what, err);
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'}, {"input-npy", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *input = NULL, *input_npy = NULL, *out = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'n': input_npy = optarg; break;
        case 'j': json = 1; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage("simulate", "unknown option or missing value '%s'",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage("simulate", "expected exactly one automaton argument");
    if (!input == !input_npy)
        return cli_usage("simulate", "give exactly one of --input and --input-npy");

    sc_error err;
    sc_error_clear(&err);
    int32_t *words = NULL, *labels = NULL;
    size_t rows = 1, cols = 0;
    int rc = input ? cli_parse_list("simulate", input, &words, &cols)
                   : cli_load_rows(input_npy, &words, &rows, &cols, &err);
    if (rc)
        return err.code ? cli_report(&err) : rc;
    sc_testbed *tb = sc_testbed_load(argv[optind], &err);
    if (!tb) {
        free(words);
        return cli_report(&err);
    }
    const char *src = input ? "--input" : input_npy;
    if (!(labels = malloc((rows * cols > 0 ? rows * cols : 1) * sizeof *labels))) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "out of memory for %zu labels", rows * cols);
        goto done;
    }
    for (size_t r = 0; r < rows && !rc; r++)
        rc = input ? sc_automaton_run(tb->automaton, words, cols, labels, src, &err)
                   : run_row(tb->automaton, words + r * cols, cols, labels + r * cols, src, r,
                             &err);
    if (rc)
        goto done;
    if (out) {
        npy_array a = {.dtype = NPY_I4, .ndim = input ? 1 : 2, .data = labels};
        a.shape[0] = input ? cols : rows;
        a.shape[1] = cols;
        a.count = rows * cols;
        a.nbytes = a.count * sizeof *labels;
        if ((rc = npy_save(out, &a, &err)))
            goto done;
    }
    if (json) {
        fputs("{\"automaton\": ", stdout);
        cli_json_string(stdout, tb->spec);
        fputs(", \"labels\": [", stdout);
        for (size_t r = 0; r < rows; r++) {
            fputs(r ? ", [" : "[", stdout);
            cli_print_labels(stdout, labels + r * cols, cols);
            fputs("]", stdout);
        }
        printf("]}\n");
    } else {
        for (size_t r = 0; r < rows; r++) {
            cli_print_labels(stdout, labels + r * cols, cols);
            putchar('\n');
        }
    }
done:
    free(words);
    free(labels);
    sc_testbed_free(tb);
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
