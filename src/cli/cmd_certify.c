/* shortcut certify predictions|outputs|scan ...: other implementations against the oracle
 * (src/certify.h for the comparisons; reports here). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../certify.h"
#include "../io/npy.h"
#include "../load.h"
#include "../scan.h"
#include "../transformer.h"
#include "cli.h"
#include "input.h"

static const char help[] =
    "usage: shortcut certify predictions --automaton A (--inputs IN.npy --predictions PRED.npy\n"
    "                        [--lengths LEN.npy] | --dataset NAME=IN.npy,PRED.npy ...) [--json]\n"
    "       shortcut certify outputs --model M.safetensors --inputs IN.npy --outputs OUT.npy\n"
    "                        --format f32|f64 [--tol proven|atol=A,rtol=R|ulps=N]\n"
    "                        [--precision BITS] [--json]\n"
    "       shortcut certify scan --automaton A --inputs IN.npy --states STATES.npy [--json]\n"
    "\n"
    "predictions  a model's predicted states (int, shape (N, T): the prediction at position t\n"
    "             is scored against the label q_{t+1}) against the automaton's exact labels.\n"
    "             Rows end at their first -1 (or at --lengths). Reports the accuracy overall,\n"
    "             per position and per length bucket, the fraction of fully correct sequences\n"
    "             and the first failing example. Several --dataset NAME=IN,PRED give one table\n"
    "             (e.g. in-distribution, longer, sparse, dense). Exit 0 if every prediction is\n"
    "             right, 1 otherwise.\n"
    "outputs      a float implementation's logits (npy <f4 for f32, <f8 for f64, shape\n"
    "             (N, T, n_classes)) against the exact semantics of the model (`forward`).\n"
    "             --tol proven (default): PASS iff every output lies in the proven float\n"
    "             tolerance of src/bound.h (assumptions printed), no tolerance to tune;\n"
    "             atol=A,rtol=R: |got - exact| <= A + R |exact|; ulps=N: within N units in the\n"
    "             last place of the exact value. Elements too close to the threshold are\n"
    "             re-evaluated at doubled precision (up to 4096 bits), then INCONCLUSIVE.\n"
    "             Reports the verdict, the maximum absolute, relative and ulp errors against\n"
    "             the exact value and the first failing element. Exit 0 PASS, 1 FAIL,\n"
    "             3 INCONCLUSIVE.\n"
    "scan         another implementation's prefix states: (N, T) states q_1..q_T, or (N, T, n)\n"
    "             prefix transformations P_t (x -> x^(delta_w1 * ... * delta_wt)), against the\n"
    "             exact scan. Exit 0 if all equal, 1 otherwise.\n"
    "Exit 2 usage, 4 malformed input, 5 resource limit.\n";

#define VERB "certify"

/* ------------------------------------------------------------------ predictions */

typedef struct dataset {
    char name[64], in_path[4096]; /* in_path: the IN of --dataset NAME=IN,PRED */
    const char *in, *pred;
    int32_t *x, *p;
    size_t rows, T;
    size_t *len;
    uint64_t *pt, *pc;
    sc_pred_report rep;
} dataset;

static void free_dataset(dataset *d)
{
    free(d->x), free(d->p), free(d->len), free(d->pt), free(d->pc);
}

static int load_lengths(const char *path, size_t rows, size_t T, size_t *len, sc_error *err)
{
    npy_array a;
    int rc = npy_load(path, &a, err);
    if (!rc && (a.ndim != 1 || a.shape[0] != rows))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu,), the number of "
                     "input rows", path, rows);
    for (size_t r = 0; !rc && r < rows; r++) {
        int64_t v;
        if (npy_get_i64(&a, r, &v) || v < 0 || (uint64_t)v > T)
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: element %zu: expected a length in 0..%zu",
                         path, r, T);
        else
            len[r] = (size_t)v;
    }
    npy_free(&a);
    return rc;
}

static int load_dataset(dataset *d, const char *lengths, sc_error *err)
{
    size_t pr, pT;
    int rc = cli_load_rows(d->in, &d->x, &d->rows, &d->T, err);
    rc = rc ? rc : cli_load_rows(d->pred, &d->p, &pr, &pT, err);
    if (!rc && (pr != d->rows || pT != d->T))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu, %zu) like %s, "
                     "got (%zu, %zu)", d->pred, d->rows, d->T, d->in, pr, pT);
    if (!rc) {
        d->len = malloc((d->rows ? d->rows : 1) * sizeof *d->len);
        d->pt = calloc(d->T ? d->T : 1, sizeof *d->pt);
        d->pc = calloc(d->T ? d->T : 1, sizeof *d->pc);
        if (!d->len || !d->pt || !d->pc)
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", d->in);
    }
    if (!rc && lengths)
        rc = load_lengths(lengths, d->rows, d->T, d->len, err);
    for (size_t r = 0; !rc && !lengths && r < d->rows; r++)
        rc = cli_row_length(d->x + r * d->T, d->T, d->in, r, &d->len[r], err);
    return rc;
}

static void json_prefix(const dataset *d)
{
    const sc_pred_report *r = &d->rep;
    printf("[");
    for (size_t t = 0; t <= r->fail_pos; t++)
        printf("%s%d", t ? ", " : "", d->x[r->fail_row * d->T + t]);
    printf("]");
}

static void text_prefix(const dataset *d)
{
    const sc_pred_report *r = &d->rep;
    const int32_t *w = d->x + r->fail_row * d->T;
    size_t n = r->fail_pos + 1, from = n > 24 ? n - 24 : 0;
    printf("%s", from ? "...," : "");
    for (size_t t = from; t < n; t++)
        printf("%s%d", t > from ? "," : "", w[t]);
}

static int cmd_predictions(int argc, char **argv)
{
    static const struct option opts[] = {
        {"automaton", required_argument, 0, 'a'}, {"inputs", required_argument, 0, 'i'},
        {"predictions", required_argument, 0, 'p'}, {"lengths", required_argument, 0, 'l'},
        {"dataset", required_argument, 0, 'd'},   {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    const char *aut = NULL, *in = NULL, *pred = NULL, *lengths = NULL;
    dataset ds[16];
    size_t nds = 0;
    int json = 0, c;
    memset(ds, 0, sizeof ds);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'a': aut = optarg; break;
        case 'i': in = optarg; break;
        case 'p': pred = optarg; break;
        case 'l': lengths = optarg; break;
        case 'd': {
            const char *eq = strchr(optarg, '='), *comma = eq ? strchr(eq, ',') : NULL;
            if (!eq || !comma || eq == optarg || (size_t)(eq - optarg) >= sizeof ds[0].name ||
                comma == eq + 1 || !comma[1] || strchr(comma + 1, ','))
                return cli_usage(VERB, "--dataset expects NAME=IN.npy,PRED.npy, got '%s'", optarg);
            if (nds == sizeof ds / sizeof ds[0])
                return cli_usage(VERB, "at most %zu datasets", sizeof ds / sizeof ds[0]);
            dataset *d = &ds[nds++];
            memcpy(d->name, optarg, (size_t)(eq - optarg));
            snprintf(d->in_path, sizeof d->in_path, "%.*s", (int)(comma - eq - 1), eq + 1);
            d->in = d->in_path;
            d->pred = comma + 1;
            break;
        }
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage(VERB, "unexpected argument '%s'", argv[optind]);
    if (!aut)
        return cli_usage(VERB, "predictions: --automaton is required");
    if (nds && (in || pred || lengths))
        return cli_usage(VERB, "predictions: give --dataset, or --inputs/--predictions, not both");
    if (!nds) {
        if (!in || !pred)
            return cli_usage(VERB, "predictions: --inputs and --predictions are required");
        snprintf(ds[0].name, sizeof ds[0].name, "%s", "dataset");
        ds[0].in = in, ds[0].pred = pred;
        nds = 1;
    }
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_testbed_load(aut, &err);
    if (!tb)
        return cli_report(&err);
    const sc_automaton *a = tb->automaton;
    int rc = 0, all = 1;
    for (size_t i = 0; i < nds && !rc; i++) {
        dataset *d = &ds[i];
        rc = load_dataset(d, lengths, &err);
        d->rep.pos_total = d->pt, d->rep.pos_correct = d->pc;
        rc = rc ? rc : sc_certify_predictions(a, d->x, d->p, d->rows, d->T, d->len, d->in,
                                              &d->rep, &err);
        all &= !d->rep.failed;
    }
    if (!rc && json) {
        printf("{\"automaton\": ");
        cli_json_string(stdout, tb->spec);
        printf(", \"all_correct\": %s, \"datasets\": [", all ? "true" : "false");
        for (size_t i = 0; i < nds; i++) {
            const dataset *d = &ds[i];
            const sc_pred_report *r = &d->rep;
            printf("%s{\"name\": ", i ? ", " : "");
            cli_json_string(stdout, d->name);
            printf(", \"sequences\": %llu, \"length\": %zu, \"positions\": %llu, \"correct\": %llu, "
                   "\"accuracy\": %.6f, \"sequences_correct\": %llu, \"per_position\": [",
                   (unsigned long long)r->sequences, d->T, (unsigned long long)r->positions,
                   (unsigned long long)r->correct,
                   r->positions ? (double)r->correct / (double)r->positions : 1.0,
                   (unsigned long long)r->seq_correct);
            for (size_t t = 0; t < d->T; t++)
                printf("%s%.6f", t ? ", " : "",
                       d->pt[t] ? (double)d->pc[t] / (double)d->pt[t] : 1.0);
            printf("], \"per_length\": [");
            int first = 1;
            for (unsigned b = 0; b < SC_CERT_BUCKETS; b++)
                if (r->bucket_total[b]) {
                    printf("%s{\"min\": %llu, \"max\": %llu, \"positions\": %llu, \"correct\": "
                           "%llu}", first ? "" : ", ", 1ull << b, (2ull << b) - 1,
                           (unsigned long long)r->bucket_total[b],
                           (unsigned long long)r->bucket_correct[b]);
                    first = 0;
                }
            printf("], \"first_failure\": ");
            if (r->failed) {
                printf("{\"row\": %zu, \"position\": %zu, \"input_prefix\": ", r->fail_row,
                       r->fail_pos);
                json_prefix(d);
                printf(", \"expected\": %d, \"predicted\": %d}", r->fail_expected, r->fail_got);
            } else {
                printf("null");
            }
            printf("}");
        }
        printf("]}\n");
    } else if (!rc) {
        printf("automaton: %s (%u states, %u symbols)\n", tb->spec, a->n, a->k);
        printf("%-16s %10s %7s %9s %17s  %s\n", "dataset", "sequences", "length", "accuracy",
               "sequences right", "first failure");
        for (size_t i = 0; i < nds; i++) {
            const dataset *d = &ds[i];
            const sc_pred_report *r = &d->rep;
            char seqs[48];
            snprintf(seqs, sizeof seqs, "%llu/%llu", (unsigned long long)r->seq_correct,
                     (unsigned long long)r->sequences);
            printf("%-16s %10llu %7zu %8.3f%% %17s  ", d->name,
                   (unsigned long long)r->sequences, d->T,
                   r->positions ? 100.0 * (double)r->correct / (double)r->positions : 100.0,
                   seqs);
            if (r->failed) {
                printf("row %zu, position %zu: input ", r->fail_row, r->fail_pos);
                text_prefix(d);
                printf(" -> expected %d, predicted %d\n", r->fail_expected, r->fail_got);
            } else {
                printf("-\n");
            }
        }
        printf("verdict: %s\n", all ? "PASS (every prediction equals the automaton's label)"
                                    : "FAIL (see the first failures above)");
        if (nds == 1 && ds[0].T) { /* details: accuracy by position range and by length */
            const dataset *d = &ds[0];
            size_t T = d->T, step = T > 16 ? (T + 15) / 16 : 1;
            printf("accuracy by position:");
            for (size_t lo = 0; lo < T; lo += step) {
                uint64_t tot = 0, ok = 0;
                for (size_t t = lo; t < lo + step && t < T; t++)
                    tot += d->pt[t], ok += d->pc[t];
                if (tot)
                    printf(" [%zu..%zu] %.1f%%", lo, (lo + step < T ? lo + step : T) - 1,
                           100.0 * (double)ok / (double)tot);
            }
            printf("\naccuracy by sequence length:");
            for (unsigned b = 0; b < SC_CERT_BUCKETS; b++)
                if (d->rep.bucket_total[b])
                    printf(" [%llu..%llu] %.1f%%", 1ull << b, (2ull << b) - 1,
                           100.0 * (double)d->rep.bucket_correct[b] /
                               (double)d->rep.bucket_total[b]);
            putchar('\n');
        }
    }
    for (size_t i = 0; i < nds; i++)
        free_dataset(&ds[i]);
    sc_testbed_free(tb);
    if (rc)
        return cli_report(&err);
    return all ? SC_EXIT_OK : SC_EXIT_FAIL;
}

/* ------------------------------------------------------------------ outputs */

static int cmd_outputs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},  {"inputs", required_argument, 0, 'i'},
        {"outputs", required_argument, 0, 'o'}, {"format", required_argument, 0, 'f'},
        {"tol", required_argument, 0, 't'},    {"precision", required_argument, 0, 'p'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *model = NULL, *inputs = NULL, *outputs = NULL, *tols = "proven";
    int bits = 0, json = 0, c;
    uint64_t prec = SC_X_PREC_DEFAULT;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'i': inputs = optarg; break;
        case 'o': outputs = optarg; break;
        case 'f':
            if (strcmp(optarg, "f32") && strcmp(optarg, "f64"))
                return cli_usage(VERB, "--format expects f32 or f64, got '%s'", optarg);
            bits = optarg[1] == '3' ? 32 : 64;
            break;
        case 't': tols = optarg; break;
        case 'p':
            if (cli_u64(VERB, "--precision", optarg, SC_X_PREC_MIN, SC_X_PREC_MAX, &prec))
                return SC_EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage(VERB, "unexpected argument '%s'", argv[optind]);
    if (!model || !inputs || !outputs || !bits)
        return cli_usage(VERB, "outputs: --model, --inputs, --outputs and --format are required");
    sc_tol tol;
    if (sc_tol_parse(tols, bits, &tol))
        return cli_usage(VERB, "--tol expects proven, atol=A,rtol=R or ulps=N, got '%s'", tols);

    sc_error err;
    sc_error_clear(&err);
    sc_model m;
    int32_t *x = NULL;
    size_t rows = 0, T = 0;
    npy_array out = {0};
    sc_fwd_ws *ws = NULL, *bws = NULL;
    double *mid = NULL, *rad = NULL, *lo = NULL, *hi = NULL;
    int32_t *pred = NULL;
    int rc = sc_model_load(model, &m, &err);
    if (rc)
        return cli_report(&err);
    size_t C = m.n_classes;
    rc = cli_load_rows(inputs, &x, &rows, &T, &err);
    rc = rc ? rc : npy_load(outputs, &out, &err);
    if (!rc && out.dtype != (bits == 32 ? NPY_F4 : NPY_F8))
        rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'descr': expected '%s' for --format "
                     "f%d, got '%s'", outputs, bits == 32 ? "<f4" : "<f8", bits,
                     npy_descr(out.dtype));
    if (!rc && (out.ndim != 3 || out.shape[0] != rows || out.shape[1] != T || out.shape[2] != C))
        rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu, %zu, %zu) "
                     "(inputs rows, positions, n_classes)", outputs, rows, T, C);
    if (!rc && T > m.max_len)
        rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'shape': expected at most %u positions "
                     "(the model's max_len), got %zu", inputs, m.max_len, T);
    if (!rc && T) {
        mid = malloc(T * C * sizeof *mid), rad = malloc(T * C * sizeof *rad);
        lo = malloc(T * C * sizeof *lo), hi = malloc(T * C * sizeof *hi);
        pred = malloc(T * sizeof *pred);
        if (!mid || !rad || !lo || !hi || !pred)
            rc = sc_fail(&err, SC_EXIT_LIMIT, "certify: out of memory");
        rc = rc ? rc : sc_fwd_ws_new(&ws, &m, T, SC_FWD_EXACT, &err);
        if (!rc && tol.kind == SC_TOL_PROVEN)
            rc = sc_fwd_ws_new(&bws, &m, T, bits == 32 ? SC_FWD_FLOAT32 : SC_FWD_FLOAT64, &err);
    }
    uint64_t checked = 0, pass = 0, fail = 0, undecided = 0;
    double max_abs = 0, max_rel = 0, max_ulp = 0;
    struct { int any; size_t row, pos, cls; double got, xlo, xhi, blo, bhi; } first = {0};
    long prec_used = (long)prec;
    for (size_t r = 0; r < rows && !rc; r++) {
        size_t len;
        rc = cli_row_length(x + r * T, T, inputs, r, &len, &err);
        if (rc || !len)
            continue;
        sc_fwd_opts fo = {(long)prec, 0};
        sc_fwd_stats st;
        rc = sc_forward(&m, ws, x + r * T, len, &fo, mid, rad, pred, &st, &err);
        if (!rc && bws)
            rc = sc_forward_float(&m, bws, x + r * T, len, (long)prec, lo, hi, &err);
        for (size_t e = 0; !rc && e < len * C; e++) {
            double got;
            if (bits == 32) {
                float f;
                memcpy(&f, (const char *)out.data + ((r * T) * C + e) * 4, 4);
                got = f;
            } else {
                memcpy(&got, (const char *)out.data + ((r * T) * C + e) * 8, 8);
            }
            /* rad = 0: the exact value is the double mid itself */
            double xlo = rad[e] == 0 ? mid[e] : nextafter(mid[e] - rad[e], -INFINITY);
            double xhi = rad[e] == 0 ? mid[e] : nextafter(mid[e] + rad[e], INFINITY);
            int v = sc_tol_verdict(&tol, got, xlo, xhi, bws ? lo[e] : 0, bws ? hi[e] : 0);
            for (long p = 2 * (long)prec; v == SC_VERDICT_UNDECIDED && p <= SC_X_PREC_CAP_DEFAULT;
                 p *= 2) { /* narrow the exact enclosure of this row and retry */
                sc_fwd_opts fo2 = {p, p};
                if ((rc = sc_forward(&m, ws, x + r * T, len, &fo2, mid, rad, pred, &st, &err)))
                    break;
                prec_used = p > prec_used ? p : prec_used;
                xlo = rad[e] == 0 ? mid[e] : nextafter(mid[e] - rad[e], -INFINITY);
                xhi = rad[e] == 0 ? mid[e] : nextafter(mid[e] + rad[e], INFINITY);
                v = sc_tol_verdict(&tol, got, xlo, xhi, 0, 0);
            }
            checked++;
            pass += v == SC_VERDICT_PASS, fail += v == SC_VERDICT_FAIL;
            undecided += v == SC_VERDICT_UNDECIDED;
            double d = fabs(got - mid[e]);
            if (isfinite(d)) {
                max_abs = fmax(max_abs, d);
                if (mid[e] != 0)
                    max_rel = fmax(max_rel, d / fabs(mid[e]));
                max_ulp = fmax(max_ulp, d / sc_ulp_fmt(mid[e], bits));
            } else {
                max_abs = max_rel = max_ulp = INFINITY;
            }
            if (v != SC_VERDICT_PASS && (!first.any || (v == SC_VERDICT_FAIL && first.any == 2))) {
                first.any = v == SC_VERDICT_FAIL ? 1 : 2;
                first.row = r, first.pos = e / C, first.cls = e % C, first.got = got;
                first.xlo = xlo, first.xhi = xhi;
                first.blo = bws ? lo[e] : NAN, first.bhi = bws ? hi[e] : NAN;
            }
        }
    }
    const char *verdict = fail ? "FAIL" : undecided ? "INCONCLUSIVE" : "PASS";
    char assumptions[2048] = "";
    if (!rc && bws)
        sc_fmodel_describe(sc_fwd_ws_fmodel(bws), assumptions, sizeof assumptions);
    if (!rc && json) {
        printf("{\"verdict\": \"%s\", \"model\": ", verdict);
        cli_json_string(stdout, model);
        printf(", \"format\": \"f%d\", \"tolerance\": ", bits);
        cli_json_string(stdout, tols);
        printf(", \"elements\": %llu, \"pass\": %llu, \"fail\": %llu, \"inconclusive\": %llu, "
               "\"max_abs_error\": %.17g, \"max_rel_error\": %.17g, \"max_ulp_error\": %.17g, "
               "\"precision\": %ld, \"assumptions\": ", (unsigned long long)checked,
               (unsigned long long)pass, (unsigned long long)fail,
               (unsigned long long)undecided, max_abs, max_rel, max_ulp, prec_used);
        if (bws)
            cli_json_string(stdout, assumptions);
        else
            printf("null");
        printf(", \"first_failure\": ");
        if (first.any)
            printf("{\"row\": %zu, \"position\": %zu, \"logit\": %zu, \"got\": %.17g, \"exact\": "
                   "[%.17g, %.17g], \"bound\": [%.17g, %.17g], \"verdict\": \"%s\"}",
                   first.row, first.pos, first.cls, first.got, first.xlo, first.xhi,
                   bws ? first.blo : first.xlo, bws ? first.bhi : first.xhi,
                   first.any == 1 ? "FAIL" : "INCONCLUSIVE");
        else
            printf("null");
        printf("}\n");
    } else if (!rc) {
        printf("verdict: %s (%llu of %llu logits pass; %llu fail, %llu inconclusive)\n", verdict,
               (unsigned long long)pass, (unsigned long long)checked,
               (unsigned long long)fail, (unsigned long long)undecided);
        printf("model: %s, outputs %s in binary%d, tolerance %s\n", model, outputs, bits, tols);
        printf("largest error against the exact value: absolute %.3g, relative %.3g, %.3g ulp\n",
               max_abs, max_rel, max_ulp);
        if (first.any) {
            printf("first %s element: row %zu, position %zu, logit %zu: got %.17g, exact in "
                   "[%.17g, %.17g]", first.any == 1 ? "failing" : "undecided", first.row,
                   first.pos, first.cls, first.got, first.xlo, first.xhi);
            if (bws)
                printf(", proven float%d tolerance [%.17g, %.17g]", bits, first.blo, first.bhi);
            putchar('\n');
        }
        if (bws)
            printf("proven tolerance: assumptions\n%s", assumptions);
    }
    sc_fwd_ws_free(ws);
    sc_fwd_ws_free(bws);
    sc_model_free(&m);
    npy_free(&out);
    free(x), free(mid), free(rad), free(lo), free(hi), free(pred);
    if (rc)
        return cli_report(&err);
    return fail ? SC_EXIT_FAIL : undecided ? SC_EXIT_INCONCLUSIVE : SC_EXIT_OK;
}

/* ------------------------------------------------------------------ scan */

static int cmd_scan_states(int argc, char **argv)
{
    static const struct option opts[] = {
        {"automaton", required_argument, 0, 'a'}, {"inputs", required_argument, 0, 'i'},
        {"states", required_argument, 0, 's'},    {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    const char *aut = NULL, *inputs = NULL, *states = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'a': aut = optarg; break;
        case 'i': inputs = optarg; break;
        case 's': states = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage(VERB, "unexpected argument '%s'", argv[optind]);
    if (!aut || !inputs || !states)
        return cli_usage(VERB, "scan: --automaton, --inputs and --states are required");
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_testbed_load(aut, &err);
    if (!tb)
        return cli_report(&err);
    const sc_automaton *a = tb->automaton;
    int32_t *x = NULL;
    size_t rows = 0, T = 0, n = a->n;
    npy_array st = {0};
    sc_state *P = NULL;
    void *scratch = NULL;
    size_t sbytes = 0;
    int rc = cli_load_rows(inputs, &x, &rows, &T, &err);
    rc = rc ? rc : npy_load(states, &st, &err);
    int full = !rc && st.ndim == 3;
    if (!rc && !(st.ndim == 2 && st.shape[0] == rows && st.shape[1] == T) &&
        !(full && st.shape[0] == rows && st.shape[1] == T && st.shape[2] == n))
        rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu, %zu) states or "
                     "(%zu, %zu, %zu) prefix transformations", states, rows, T, rows, T, n);
    if (!rc && T) {
        P = malloc(T * n * sizeof *P);
        if (sc_scan_scratch_bytes(SC_SCAN_SEQUENTIAL, n * sizeof *P, T, 1, &sbytes) ||
            !(scratch = malloc(sbytes ? sbytes : 1)) || !P)
            rc = sc_fail(&err, SC_EXIT_LIMIT, "certify: out of memory for %zu x %zu states", T, n);
    }
    uint64_t compared = 0, wrong = 0;
    struct { int any; size_t row, pos, x; int64_t expected, got; } first = {0};
    for (size_t r = 0; r < rows && !rc; r++) {
        size_t len, bad = 0;
        rc = cli_row_length(x + r * T, T, inputs, r, &len, &err);
        if (rc || !len)
            continue;
        if (sc_scan_tf(SC_SCAN_SEQUENTIAL, n, a->k, a->delta, x + r * T, len, P, scratch, sbytes,
                       1, NULL, &bad)) {
            rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: row %zu, position %zu: expected a symbol "
                         "0..%u, got %d", inputs, r, bad, a->k - 1, x[r * T + bad]);
            break;
        }
        for (size_t t = 0; t < len && !rc; t++)
            for (size_t q = 0; q < (full ? n : 1); q++) {
                int64_t got;
                uint64_t idx = full ? ((uint64_t)r * T + t) * n + q : (uint64_t)r * T + t;
                if (npy_get_i64(&st, idx, &got)) {
                    rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'descr': expected an "
                                 "integer dtype", states);
                    break;
                }
                int64_t want = full ? P[t * n + q] : P[t * n + a->start];
                compared++;
                if (got != want) {
                    wrong++;
                    if (!first.any)
                        first = (typeof(first)){1, r, t, q, want, got};
                }
            }
    }
    if (!rc && json) {
        printf("{\"verdict\": \"%s\", \"automaton\": ", wrong ? "FAIL" : "PASS");
        cli_json_string(stdout, tb->spec);
        printf(", \"kind\": \"%s\", \"compared\": %llu, \"wrong\": %llu, \"first_failure\": ",
               full ? "transformations" : "states", (unsigned long long)compared,
               (unsigned long long)wrong);
        if (first.any)
            printf("{\"row\": %zu, \"position\": %zu, \"point\": %zu, \"expected\": %lld, "
                   "\"got\": %lld}", first.row, first.pos, first.x, (long long)first.expected,
                   (long long)first.got);
        else
            printf("null");
        printf("}\n");
    } else if (!rc) {
        printf("verdict: %s (%llu of %llu %s equal to the exact scan)\n", wrong ? "FAIL" : "PASS",
               (unsigned long long)(compared - wrong), (unsigned long long)compared,
               full ? "prefix-transformation entries" : "prefix states");
        if (first.any) {
            printf("first difference: row %zu, position %zu", first.row, first.pos);
            if (full)
                printf(", point %zu", first.x);
            printf(": expected %lld, got %lld\n", (long long)first.expected, (long long)first.got);
        }
    }
    free(x), free(P), free(scratch);
    npy_free(&st);
    sc_testbed_free(tb);
    if (rc)
        return cli_report(&err);
    return wrong ? SC_EXIT_FAIL : SC_EXIT_OK;
}

int cmd_certify(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? SC_EXIT_USAGE : SC_EXIT_OK;
    }
    if (!strcmp(argv[1], "predictions"))
        return cmd_predictions(argc - 1, argv + 1);
    if (!strcmp(argv[1], "outputs"))
        return cmd_outputs(argc - 1, argv + 1);
    if (!strcmp(argv[1], "scan"))
        return cmd_scan_states(argc - 1, argv + 1);
    return cli_usage(VERB, "unknown question '%s' (predictions, outputs or scan)", argv[1]);
}
