/* shortcut forward --model M.safetensors --input X.npy --out PREFIX [--precision BITS]
 *                  [--max-precision BITS] [--bound f32|f64] [--json]
 * The exact semantics of a canonical model on every input row (src/transformer.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/npy.h"
#include "../transformer.h"
#include "cli.h"
#include "input.h"

static const char help[] =
    "usage: shortcut forward --model M.safetensors --input X.npy --out PREFIX\n"
    "                        [--precision BITS] [--max-precision BITS] [--bound f32|f64] [--json]\n"
    "\n"
    "Evaluates the canonical Transformer M (DESIGN.md §5) in exact arithmetic on every row of\n"
    "X (a 2-D integer npy of tokens; -1 pads a row's tail). Models with uniform or hard\n"
    "attention, ReLU and no LayerNorm are rational and computed exactly; the others get\n"
    "rigorous enclosures (MPFR, outward rounding) at BITS of working precision (default 128),\n"
    "doubled while a prediction cannot be decided, up to --max-precision (default 4096).\n"
    "Writes (atomically, all or nothing):\n"
    "  PREFIX.mid.npy    <f8 (N, T, n_classes): the double nearest to each logit's enclosure\n"
    "                    midpoint (NaN at padded positions)\n"
    "  PREFIX.rad.npy    <f8 (N, T, n_classes): a radius; the real logit lies in\n"
    "                    [mid - rad, mid + rad] (NaN at padded positions)\n"
    "  PREFIX.pred.npy   <i4 (N, T): the certified arg-max (torch.argmax convention), -1 when\n"
    "                    undecided at the cap or at padded positions\n"
    "With --bound f32|f64, also the proven float tolerance (src/bound.h): an interval that\n"
    "contains the exact logit and every logit a float32/float64 implementation can output\n"
    "under the printed assumptions (any summation order, FMA, exp/erf within 2 ulps, ...):\n"
    "  PREFIX.lo.npy, PREFIX.hi.npy   <f8 (N, T, n_classes), rounded outward\n"
    "Prints a summary (with --json: {\"model\", \"mode\", \"sequences\", \"length\", \"positions\",\n"
    "\"undecided\", \"precision\", \"max_relative_width\", \"bound\", \"assumptions\"}).\n"
    "Exit 3 if a prediction stays undecided, 4 for a malformed model or input, 5 for a resource limit.\n";

#define VERB "forward"

int cmd_forward(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},     {"input", required_argument, 0, 'i'},
        {"out", required_argument, 0, 'o'},       {"precision", required_argument, 0, 'p'},
        {"max-precision", required_argument, 0, 'P'}, {"json", no_argument, 0, 'j'},
        {"bound", required_argument, 0, 'b'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    const char *model = NULL, *input = NULL, *prefix = NULL;
    uint64_t prec = SC_X_PREC_DEFAULT, cap = SC_X_PREC_CAP_DEFAULT;
    int json = 0, bound = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'i': input = optarg; break;
        case 'o': prefix = optarg; break;
        case 'p':
            if (cli_u64(VERB, "--precision", optarg, SC_X_PREC_MIN, SC_X_PREC_MAX, &prec))
                return SC_EXIT_USAGE;
            break;
        case 'P':
            if (cli_u64(VERB, "--max-precision", optarg, SC_X_PREC_MIN, SC_X_PREC_MAX, &cap))
                return SC_EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'b':
            if (strcmp(optarg, "f32") && strcmp(optarg, "f64"))
                return cli_usage(VERB, "--bound expects f32 or f64, got '%s'", optarg);
            bound = !strcmp(optarg, "f32") ? 32 : 64;
            break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage(VERB, "unexpected argument '%s'", argv[optind]);
    if (!model || !input || !prefix)
        return cli_usage(VERB, "--model, --input and --out are required");
    if (cap < prec)
        cap = prec;

    sc_error err;
    sc_error_clear(&err);
    sc_model m;
    int32_t *x = NULL, *pred = NULL;
    double *mid = NULL, *rad = NULL, *lo = NULL, *hi = NULL;
    size_t rows = 0, T = 0, undecided = 0, positions = 0;
    long used = 0;
    double worst = 0;
    sc_fwd_ws *ws = NULL, *bws = NULL;
    npy_writer *w[5] = {0};
    int rc = sc_model_load(model, &m, &err);
    if (rc)
        return cli_report(&err);
    rc = cli_load_rows(input, &x, &rows, &T, &err);
    if (!rc && T > m.max_len)
        rc = sc_fail(&err, SC_EXIT_REJECTED, "%s: field 'shape': expected at most %u "
                     "positions (the model's max_len), got %zu", input, m.max_len, T);
    size_t C = m.n_classes, cells = rows * T, vals = cells * C > 0 ? cells * C : 1;
    if (!rc) {
        mid = malloc(vals * sizeof *mid);
        rad = malloc(vals * sizeof *rad);
        pred = malloc((cells ? cells : 1) * sizeof *pred);
        if (bound) {
            lo = malloc(vals * sizeof *lo);
            hi = malloc(vals * sizeof *hi);
        }
        if (!mid || !rad || !pred || (bound && (!lo || !hi)))
            rc = sc_fail(&err, SC_EXIT_LIMIT, "%s: out of memory for %zu x %zu outputs", input,
                         rows, T);
    }
    if (!rc && T)
        rc = sc_fwd_ws_new(&ws, &m, T, SC_FWD_EXACT, &err);
    if (!rc && T && bound)
        rc = sc_fwd_ws_new(&bws, &m, T, bound == 32 ? SC_FWD_FLOAT32 : SC_FWD_FLOAT64, &err);
    sc_fwd_opts fo = {(long)prec, (long)cap};
    for (size_t r = 0; r < rows && !rc; r++) {
        size_t len;
        rc = cli_row_length(x + r * T, T, input, r, &len, &err);
        for (size_t t = len; t < T && !rc; t++) {
            pred[r * T + t] = -1;
            for (size_t k = 0; k < C; k++) {
                mid[(r * T + t) * C + k] = rad[(r * T + t) * C + k] = NAN;
                if (bound)
                    lo[(r * T + t) * C + k] = hi[(r * T + t) * C + k] = NAN;
            }
        }
        if (rc || !len)
            continue;
        sc_fwd_stats st;
        rc = sc_forward(&m, ws, x + r * T, len, &fo, mid + r * T * C, rad + r * T * C,
                        pred + r * T, &st, &err);
        if (!rc && bound)
            rc = sc_forward_float(&m, bws, x + r * T, len, (long)prec, lo + r * T * C,
                                  hi + r * T * C, &err);
        if (rc) {
            char where[64];
            snprintf(where, sizeof where, "%s: row %zu: ", input, r);
            size_t wl = strlen(where), ml = strlen(err.msg);
            if (wl + ml < sizeof err.msg) { /* name the file and row in front */
                memmove(err.msg + wl, err.msg, ml + 1);
                memcpy(err.msg, where, wl);
            }
            break;
        }
        undecided += st.undecided;
        positions += len;
        used = st.prec_used > used ? st.prec_used : used;
        worst = st.max_relwidth > worst ? st.max_relwidth : worst;
    }
    /* all files or none */
    int nf = bound ? 5 : 3;
    char path[5][4096];
    const char *sfx[5] = {".mid.npy", ".rad.npy", ".pred.npy", ".lo.npy", ".hi.npy"};
    const void *data[5] = {mid, rad, pred, lo, hi};
    uint64_t shape[3] = {rows, T, C};
    for (int f = 0; f < nf && !rc; f++) {
        int is_pred = f == 2;
        size_t bytes = is_pred ? cells * sizeof *pred : cells * C * sizeof(double);
        if ((size_t)snprintf(path[f], sizeof path[f], "%s%s", prefix, sfx[f]) >= sizeof path[f])
            rc = sc_fail(&err, SC_EXIT_USAGE, "--out: prefix too long");
        else if (!(w[f] = npy_writer_open(path[f], is_pred ? NPY_I4 : NPY_F8, is_pred ? 2 : 3,
                                          shape, &err)) ||
                 npy_writer_write(w[f], data[f], bytes, &err) || npy_writer_finish(w[f], &err))
            rc = err.code;
    }
    int published = 0;
    for (int f = 0; f < nf && !rc; f++, published++) {
        rc = npy_writer_publish(w[f], &err);
        w[f] = NULL;
    }
    if (rc)
        for (int f = 0; f < published; f++)
            remove(path[f]);
    for (int f = 0; f < nf; f++)
        npy_writer_abort(w[f]);
    if (!rc) {
        const char *mode = sc_model_is_rational(&m) ? "exact" : "enclosure";
        if (json) {
            printf("{\"model\": ");
            cli_json_string(stdout, model);
            printf(", \"mode\": \"%s\", \"sequences\": %zu, \"length\": %zu, \"positions\": "
                   "%zu, \"undecided\": %zu, \"precision\": %ld, \"max_relative_width\": %.3g, "
                   "\"bound\": ", mode, rows, T, positions, undecided, used, worst);
            if (bound) {
                char text[2048];
                sc_fmodel_describe(sc_fwd_ws_fmodel(bws), text, sizeof text);
                printf("\"f%d\", \"assumptions\": ", bound);
                cli_json_string(stdout, text);
                printf("}\n");
            } else {
                printf("null, \"assumptions\": null}\n");
            }
        } else {
            printf("model: %s (%s, %u layers, %u heads, d_model %u, %s attention)\n", model,
                   mode, m.n_layers, m.n_heads, m.d_model, sc_attn_kind_name(m.attention));
            printf("sequences: %zu x %zu positions (%zu evaluated)\n", rows, T, positions);
            if (!sc_model_is_rational(&m))
                printf("precision: %ld bits; largest relative width of a logit enclosure: "
                       "%.3g\n", used, worst);
            printf("predictions undecided: %zu\n", undecided);
            printf("wrote %s, %s, %s", path[0], path[1], path[2]);
            if (bound)
                printf(", %s, %s", path[3], path[4]);
            putchar('\n');
            if (bound) {
                char text[2048];
                sc_fmodel_describe(sc_fwd_ws_fmodel(bws), text, sizeof text);
                printf("float%d bound [lo, hi] under the assumptions:\n%s", bound, text);
            }
        }
    }
    sc_fwd_ws_free(ws);
    sc_fwd_ws_free(bws);
    sc_model_free(&m);
    free(x), free(mid), free(rad), free(pred), free(lo), free(hi);
    if (rc)
        return cli_report(&err);
    return undecided ? SC_EXIT_INCONCLUSIVE : SC_EXIT_OK;
}
