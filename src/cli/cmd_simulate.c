/* shortcut simulate A (--input 1,0,1 | --input-npy FILE) [--json] [--out LABELS.npy] */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/npy.h"
#include "../load.h"
#include "cli.h"

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

/* Parse "1,0,1" into a malloc'd int32 array. */
static int parse_list(const char *s, int32_t **out, size_t *len)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += (*p == ',');
    int32_t *w = malloc(cap * sizeof *w);
    if (!w)
        return cli_usage("simulate", "out of memory");
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < INT32_MIN || v > INT32_MAX || (*end && *end != ',')) {
            free(w);
            return cli_usage("simulate", "--input: item %zu: expected an integer, got '%.20s'",
                             n, p);
        }
        w[n++] = (int32_t)v;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p) {
            free(w);
            return cli_usage("simulate", "--input: trailing comma after item %zu", n - 1);
        }
    }
    *out = w;
    *len = n;
    return 0;
}

/* Load a 2-D integer npy as int32 rows. */
static int load_rows(const char *path, int32_t **out, size_t *rows, size_t *cols, sc_error *err)
{
    npy_array a;
    int rc = npy_load(path, &a, err);
    if (rc)
        return rc;
    if (a.ndim != 2 || a.dtype == NPY_F4 || a.dtype == NPY_F8) {
        npy_free(&a);
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: header: expected a 2-D integer array (sequences x length), got "
                       "%d-D %s", path, a.ndim, npy_descr(a.dtype));
    }
    int32_t *w = malloc((a.count ? a.count : 1) * sizeof *w);
    if (!w) {
        npy_free(&a);
        return sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %llu items", path,
                       (unsigned long long)a.count);
    }
    for (uint64_t i = 0; i < a.count; i++) {
        int64_t v;
        npy_get_i64(&a, i, &v);
        if (v < INT32_MIN || v > INT32_MAX) {
            free(w);
            npy_free(&a);
            return sc_fail(err, SC_EXIT_REJECTED, "%s: element %llu: value %lld out of range",
                           path, (unsigned long long)i, (long long)v);
        }
        w[i] = (int32_t)v;
    }
    *rows = a.shape[0];
    *cols = a.shape[1];
    npy_free(&a);
    *out = w;
    return 0;
}

/* Labels of one padded row: the sequence ends at the first -1; the rest must be -1 too. */
static int run_row(const sc_automaton *a, const int32_t *w, size_t T, int32_t *labels,
                   const char *src, size_t row, sc_error *err)
{
    size_t len = 0;
    while (len < T && w[len] != -1)
        len++;
    for (size_t t = len; t < T; t++) {
        if (w[t] != -1)
            return sc_fail(err, SC_EXIT_REJECTED,
                           "%s: row %zu, position %zu: symbol %d after -1 padding, expected -1",
                           src, row, t, w[t]);
        labels[t] = -1;
    }
    char what[600];
    snprintf(what, sizeof what, "%s: row %zu", src, row);
    return sc_automaton_run(a, w, len, labels, what, err);
}

static void print_row(FILE *f, const int32_t *l, size_t T)
{
    for (size_t t = 0; t < T; t++)
        fprintf(f, t ? ",%d" : "%d", l[t]);
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
    int rc = input ? parse_list(input, &words, &cols)
                   : load_rows(input_npy, &words, &rows, &cols, &err);
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
            print_row(stdout, labels + r * cols, cols);
            fputs("]", stdout);
        }
        printf("]}\n");
    } else {
        for (size_t r = 0; r < rows; r++) {
            print_row(stdout, labels + r * cols, cols);
            putchar('\n');
        }
    }
done:
    free(words);
    free(labels);
    sc_testbed_free(tb);
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
