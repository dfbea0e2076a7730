/* shortcut scan A (--input LIST | --input-npy FILE) --method M [--threads K] [--json] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../load.h"
#include "../scan.h"
#include "../simulate.h"
#include "cli.h"
#include "input.h"

static const char help[] =
    "usage: shortcut scan A (--input 1,0,1,1 | --input-npy FILE)\n"
    "                     [--method sequential|hillis-steele|blelloch] [--threads K] [--json]\n"
    "\n"
    "Labels q_1..q_T of the automaton A computed by an associative scan of the transition\n"
    "maps (Theorem 1): P_t = d_w1 * ... * d_wt (right action), q_t = q0^(P_t). Reports the\n"
    "parallel depth (rounds) and the number of compositions (work) of each sequence:\n"
    "  sequential     T-1 rounds, T-1 compositions\n"
    "  hillis-steele  ceil(log2 T) rounds, sum over rounds r of (T - 2^r) compositions\n"
    "  blelloch       <= 2 floor(log2 T) rounds, <= 2T compositions (default)\n"
    "Every result is also checked against the sequential simulation (exit 1 if they differ).\n"
    "  --input LIST      one sequence, comma-separated symbols (may be empty)\n"
    "  --input-npy FILE  a 2-D integer npy, one sequence per row; -1 pads a row's tail\n"
    "                    (labels of padded positions are -1)\n"
    "  --method M        scan method (default blelloch)\n"
    "  --threads K       threads per round, 1..64 (default 1); results do not depend on K\n"
    "  --json            one JSON object on stdout (see below)\n"
    "Output without --json: per sequence one line of labels (comma-separated, as `simulate`)\n"
    "followed by one line '# row R: T=<len> rounds=<r> work=<w> ceil_log2_T=<c>'; finally\n"
    "'# method=<m> threads=<k> sequences=<n> max_rounds=<r> total_work=<w> "
    "agrees_with_sequential=yes'.\n"
    "With --json: {\"automaton\": SPEC, \"method\": M, \"threads\": K, \"sequences\": [{\"length\":\n"
    "T, \"rounds\": r, \"work\": w, \"ceil_log2_T\": c, \"labels\": [...]}, ...], \"max_rounds\": r,\n"
    "\"total_work\": w, \"agrees_with_sequential\": true}.\n"
    "Exit codes: 0 ok, 1 scan differs from the sequential definition (a bug), 2 usage,\n"
    "4 rejected input, 5 out of memory.\n";

typedef struct row_result {
    size_t len;
    sc_scan_stats st;
} row_result;

int cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'},  {"input-npy", required_argument, 0, 'n'},
        {"method", required_argument, 0, 'm'}, {"threads", required_argument, 0, 't'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *input = NULL, *input_npy = NULL;
    sc_scan_method method = SC_SCAN_BLELLOCH;
    uint64_t threads = 1;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'n': input_npy = optarg; break;
        case 'm':
            if (sc_scan_method_parse(optarg, &method))
                return cli_usage("scan", "--method expects sequential, hillis-steele or "
                                 "blelloch, got '%s'", optarg);
            break;
        case 't':
            if (cli_u64("scan", "--threads", optarg, 1, SC_SCAN_MAX_THREADS, &threads))
                return SC_EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage("scan", "unknown option or missing value '%s'",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage("scan", "expected exactly one automaton argument");
    if (!input == !input_npy)
        return cli_usage("scan", "give exactly one of --input and --input-npy");

    sc_error err;
    sc_error_clear(&err);
    int32_t *words = NULL, *labels = NULL, *ref = NULL;
    sc_state *P = NULL;
    void *scratch = NULL;
    row_result *res = NULL;
    size_t rows = 1, cols = 0;
    int rc = input ? cli_parse_list("scan", input, &words, &cols)
                   : cli_load_rows(input_npy, &words, &rows, &cols, &err);
    if (rc)
        return err.code ? cli_report(&err) : rc;
    sc_testbed *tb = sc_testbed_load(argv[optind], &err);
    if (!tb) {
        free(words);
        return cli_report(&err);
    }
    const sc_automaton *a = tb->automaton;
    const char *src = input ? "--input" : input_npy;
    size_t n = a->n, cells = rows * cols, pbytes = 0, sbytes = 0;
    if ((cols && (cols > SIZE_MAX / n / sizeof *P)) ||
        sc_scan_scratch_bytes(method, n * sizeof *P, cols, (unsigned)threads, &sbytes)) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "%s: %zu x %zu states do not fit in memory", src,
                     cols, n);
        goto done;
    }
    pbytes = cols * n * sizeof *P;
    labels = malloc((cells ? cells : 1) * sizeof *labels);
    ref = malloc((cols ? cols : 1) * sizeof *ref);
    P = malloc(pbytes ? pbytes : 1);
    scratch = malloc(sbytes ? sbytes : 1);
    res = calloc(rows ? rows : 1, sizeof *res);
    if (!labels || !ref || !P || !scratch || !res) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "out of memory for %zu x %zu prefix products", cols,
                     n);
        goto done;
    }
    for (size_t r = 0; r < rows && !rc; r++) {
        const int32_t *w = words + r * cols;
        int32_t *lab = labels + r * cols;
        size_t len = cols, bad = 0;
        if (!input && (rc = cli_row_length(w, cols, src, r, &len, &err)))
            break;
        for (size_t t = len; t < cols; t++)
            lab[t] = -1;
        int s = sc_scan_tf(method, n, a->k, a->delta, w, len, P, scratch, sbytes,
                           (unsigned)threads, &res[r].st, &bad);
        if (s == SC_SCAN_ESYMBOL) {
            if (input)
                rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: position %zu: symbol %d out of range "
                             "0..%u", src, bad, w[bad], a->k - 1);
            else
                rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: row %zu, position %zu: symbol %d out "
                             "of range 0..%u", src, r, bad, w[bad], a->k - 1);
            break;
        }
        if (s == SC_SCAN_ETHREAD) {
            rc = sc_fail(&err, SC_EXIT_LIMIT, "could not start %llu threads",
                         (unsigned long long)threads);
            break;
        }
        if (s) {
            rc = sc_fail(&err, SC_EXIT_LIMIT, "scan failed (status %d)", s);
            break;
        }
        res[r].len = len;
        sc_scan_labels(n, P, len, (sc_state)a->start, lab);
        /* the oracle checks itself against the sequential definition */
        if (sc_run(n, a->k, a->delta, (sc_state)a->start, w, len, ref) != len ||
            memcmp(ref, lab, len * sizeof *ref)) {
            rc = sc_fail(&err, SC_EXIT_FAIL, "%s: row %zu: %s scan differs from the sequential "
                         "simulation (bug)", src, r, sc_scan_method_name(method));
            break;
        }
    }
    if (rc)
        goto done;
    uint64_t max_rounds = 0, total_work = 0;
    for (size_t r = 0; r < rows; r++) {
        max_rounds = res[r].st.rounds > max_rounds ? res[r].st.rounds : max_rounds;
        total_work += res[r].st.work;
    }
    if (json) {
        fputs("{\"automaton\": ", stdout);
        cli_json_string(stdout, tb->spec);
        printf(", \"method\": \"%s\", \"threads\": %llu, \"sequences\": [",
               sc_scan_method_name(method), (unsigned long long)threads);
        for (size_t r = 0; r < rows; r++) {
            printf("%s{\"length\": %zu, \"rounds\": %llu, \"work\": %llu, \"ceil_log2_T\": %u, "
                   "\"labels\": [", r ? ", " : "", res[r].len,
                   (unsigned long long)res[r].st.rounds, (unsigned long long)res[r].st.work,
                   sc_scan_clog2(res[r].len));
            cli_print_labels(stdout, labels + r * cols, cols);
            fputs("]}", stdout);
        }
        printf("], \"max_rounds\": %llu, \"total_work\": %llu, "
               "\"agrees_with_sequential\": true}\n",
               (unsigned long long)max_rounds, (unsigned long long)total_work);
    } else {
        for (size_t r = 0; r < rows; r++) {
            cli_print_labels(stdout, labels + r * cols, cols);
            printf("\n# row %zu: T=%zu rounds=%llu work=%llu ceil_log2_T=%u\n", r, res[r].len,
                   (unsigned long long)res[r].st.rounds, (unsigned long long)res[r].st.work,
                   sc_scan_clog2(res[r].len));
        }
        printf("# method=%s threads=%llu sequences=%zu max_rounds=%llu total_work=%llu "
               "agrees_with_sequential=yes\n",
               sc_scan_method_name(method), (unsigned long long)threads, rows,
               (unsigned long long)max_rounds, (unsigned long long)total_work);
    }
done:
    free(words), free(labels), free(ref), free(P), free(scratch), free(res);
    sc_testbed_free(tb);
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
