/* shortcut demo [--dir DIR]: the tour a newcomer sees first (make demo runs it). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../io/npy.h"
#include "../load.h"
#include "cli.h"

static const char help[] =
    "usage: shortcut demo [--dir DIR]\n"
    "\n"
    "A short tour: the testbed catalog with |Q| and |Σ|, then labelled datasets generated\n"
    "for a few testbeds (written to DIR, default a fresh temporary directory) and every\n"
    "label re-verified by exact sequential simulation.\n";

static int run_verb(int (*verb)(int, char **), const char *const *args)
{
    char *argv[32];
    int argc = 0;
    while (args[argc] && argc < 31) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    return verb(argc, argv);
}

/* Re-simulate every row of PREFIX.inputs.npy and compare with PREFIX.labels.npy. */
static int verify(const char *spec, const char *prefix, uint64_t *checked, sc_error *err)
{
    char in_path[4200], lab_path[4200];
    snprintf(in_path, sizeof in_path, "%s.inputs.npy", prefix);
    snprintf(lab_path, sizeof lab_path, "%s.labels.npy", prefix);
    npy_array in = {0}, lab = {0};
    sc_testbed *tb = NULL;
    int32_t *word = NULL, *got = NULL;
    int rc = npy_load(in_path, &in, err);
    if (!rc)
        rc = npy_load(lab_path, &lab, err);
    if (!rc && (in.ndim != 2 || lab.ndim != 2 || in.shape[0] != lab.shape[0] ||
                in.shape[1] != lab.shape[1]))
        rc = sc_fail(err, SC_EXIT_FAIL, "%s: inputs and labels differ in shape", prefix);
    if (!rc && !(tb = sc_testbed_load(spec, err)))
        rc = err->code;
    size_t rows = rc ? 0 : in.shape[0], T = rc ? 0 : in.shape[1];
    if (!rc && (!(word = malloc((T + 1) * sizeof *word)) || !(got = malloc((T + 1) * sizeof *got))))
        rc = sc_fail(err, SC_EXIT_LIMIT, "out of memory");
    for (size_t r = 0; r < rows && !rc; r++) {
        for (size_t t = 0; t < T; t++) {
            int64_t v;
            npy_get_i64(&in, r * T + t, &v);
            word[t] = (int32_t)v;
        }
        if ((rc = sc_automaton_run(tb->automaton, word, T, got, in_path, err)))
            break;
        for (size_t t = 0; t < T && !rc; t++) {
            int64_t want;
            npy_get_i64(&lab, r * T + t, &want);
            if (want != got[t])
                rc = sc_fail(err, SC_EXIT_FAIL, "%s: row %zu, position %zu: label %lld, "
                             "simulation gives %d", lab_path, r, t, (long long)want, got[t]);
        }
    }
    *checked = rc ? 0 : (uint64_t)rows * T;
    free(word);
    free(got);
    sc_testbed_free(tb);
    npy_free(&in);
    npy_free(&lab);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            dir = optarg;
        else if (c == 'h') {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else
            return cli_usage("demo", "unknown option or missing value '%s'", argv[optind - 1]);
    }
    if (optind != argc)
        return cli_usage("demo", "unexpected argument '%s'", argv[optind]);
    char tmpl[] = "/tmp/shortcut-demo-XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) {
        fprintf(stderr, "shortcut demo: cannot create a temporary directory\n");
        return SC_EXIT_LIMIT;
    }

    printf("== 1. The testbed catalog (shortcut list)\n\n");
    const char *list_args[] = {"list", NULL};
    int rc = run_verb(cmd_list, list_args);
    if (rc)
        return rc;

    printf("\n== 2. Labelled datasets (shortcut gen), re-verified by exact simulation\n\n");
    static const char *const specs[] = {"parity", "S5", "D8", "Grid9", "flipflop", "Dyck", "T5"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char prefix[4096];
        snprintf(prefix, sizeof prefix, "%s/%s", dir, specs[i]);
        const char *gen_args[] = {"gen", specs[i], "--count", "2000", "--length", "64",
                                  "--seed", "1", "--quiet", "--out", prefix, NULL};
        if ((rc = run_verb(cmd_gen, gen_args)))
            return rc;
        sc_error err;
        sc_error_clear(&err);
        uint64_t checked;
        if ((rc = verify(specs[i], prefix, &checked, &err)))
            return cli_report(&err);
        printf("  %-8s 2000 x 64 -> %s.{inputs,labels}.npy: %llu labels re-verified, all equal\n",
               specs[i], prefix, (unsigned long long)checked);
    }
    printf("\nNext: shortcut simulate parity --input 1,1,0,1   (prints 1,0,0,1)\n"
           "      shortcut show D8 --dot | dot -Tsvg > D8.svg\n");
    return SC_EXIT_OK;
}
