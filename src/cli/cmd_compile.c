/* shortcut compile parity|flipflop --max-length L [--positions P] [--dtype f32|f64]
 *                  --out M.safetensors
 * Writes a compiled construction (src/compile.h) as a canonical model (DESIGN.md §5). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../compile.h"
#include "../io/safetensors.h"
#include "cli.h"

static const char help[] =
    "usage: shortcut compile parity|flipflop --max-length L --out M.safetensors\n"
    "                        [--positions P] [--dtype f32|f64]\n"
    "\n"
    "Writes a real Transformer in the canonical safetensors format whose weights are set by\n"
    "hand (every weight exact in float32):\n"
    "  parity    1 layer: uniform attention (the mean of the bits) and a ReLU MLP computing\n"
    "            the count mod 2; exact at positions < L (1 <= L <= 256), always 0 at\n"
    "            positions L..P-1 (wrong on about half of the inputs there). The model's\n"
    "            max_len is P (default 2L). vocab 2 (bits), classes 2 (parity), d_mlp L(L+1)/2.\n"
    "  flipflop  2 layers of hard attention: previous token, then the last write. Tokens\n"
    "            w r i 0 1 = 0..4 as `shortcut gen ffl`; the prediction at every position is\n"
    "            the last written bit (FFL scores it at the positions holding r). max_len = L\n"
    "            (2 <= L <= 2048).\n"
    "  --dtype   tensor dtype F32 (default) or F64.\n"
    "The file is written atomically (temp file, then rename); on error nothing is left.\n";

#define VERB "compile"

int cmd_compile(int argc, char **argv)
{
    static const struct option opts[] = {
        {"max-length", required_argument, 0, 'L'}, {"positions", required_argument, 0, 'P'},
        {"dtype", required_argument, 0, 'd'},      {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0}};
    uint64_t L = 0, P = 0;
    const char *out = NULL;
    st_dtype dtype = ST_F32;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'L':
            if (cli_u64(VERB, "--max-length", optarg, 1, 65536, &L))
                return SC_EXIT_USAGE;
            break;
        case 'P':
            if (cli_u64(VERB, "--positions", optarg, 1, 65536, &P))
                return SC_EXIT_USAGE;
            break;
        case 'd':
            if (!strcmp(optarg, "f32"))
                dtype = ST_F32;
            else if (!strcmp(optarg, "f64"))
                dtype = ST_F64;
            else
                return cli_usage(VERB, "--dtype expects f32 or f64, got '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(VERB, "expected exactly one construction: parity or flipflop");
    sc_compile_kind kind;
    if (!strcmp(argv[optind], "parity"))
        kind = SC_COMPILE_PARITY;
    else if (!strcmp(argv[optind], "flipflop"))
        kind = SC_COMPILE_FLIPFLOP;
    else
        return cli_usage(VERB, "unknown construction '%s' (parity or flipflop)", argv[optind]);
    if (!L || !out)
        return cli_usage(VERB, "--max-length and --out are required");
    if (P && kind != SC_COMPILE_PARITY)
        return cli_usage(VERB, "--positions applies to parity only");

    sc_error err;
    sc_error_clear(&err);
    sc_compiled m;
    if (sc_compile(kind, (uint32_t)L, (uint32_t)P, &m, &err))
        return err.code == SC_EXIT_USAGE ? cli_usage(VERB, "%s", err.msg) : cli_report(&err);
    st_meta meta[sizeof m.meta_key / sizeof m.meta_key[0]];
    st_wtensor wt[SC_COMPILE_MAX_TENSORS];
    void *bufs[SC_COMPILE_MAX_TENSORS] = {0};
    int rc = 0;
    for (size_t i = 0; i < m.n_meta; i++)
        meta[i] = (st_meta){m.meta_key[i], m.meta_val[i]};
    for (size_t i = 0; i < m.n_tensors && !rc; i++) {
        const sc_ctensor *t = &m.t[i];
        size_t count = t->shape[0] * (t->ndim == 2 ? t->shape[1] : 1);
        if (dtype == ST_F32) { /* every weight is exact in float32 (compile.h): convert */
            float *f = malloc((count ? count : 1) * sizeof *f);
            bufs[i] = f;
            if (!f)
                rc = sc_fail(&err, SC_EXIT_LIMIT, "%s: out of memory", out);
            for (size_t e = 0; f && e < count; e++)
                f[e] = (float)t->data[e];
        }
        wt[i] = (st_wtensor){t->name, dtype, t->ndim, t->shape,
                             dtype == ST_F32 ? bufs[i] : (void *)t->data};
    }
    if (!rc)
        rc = st_save(out, wt, m.n_tensors, meta, m.n_meta, &err);
    for (size_t i = 0; i < m.n_tensors; i++)
        free(bufs[i]);
    sc_compiled_free(&m);
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
