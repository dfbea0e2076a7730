/* Softmax attention benchmark driver (tests/bench/bench_attention.sh builds it and
 * tests/bench/bench_attention.py runs it): one causal softmax head on the float64 inputs of a
 * file written by the Python side, enclosed at a given precision with sc_attn_softmax_iv.
 *
 * usage: bench_attention IN OUT RUNS [PREC [ref]]
 *   IN    binary: int64 T, int64 d, then Q, K, V (T x d float64 each, row-major, little endian)
 *   OUT   the enclosures of the last run, one line per output: "mlo elo mhi ehi" with
 *         lo = mlo * 2^elo and hi = mhi * 2^ehi exactly (integers, decimal)
 *   RUNS  timed runs; each prints "time SECONDS" (wall clock of the sc_attn_softmax_iv call
 *         only: inputs are converted to enclosures before); first "simd 0|1": whether the
 *         fast path's AVX-512 IFMA kernels are in use (sc_x_fast_simd)
 *   ref   force the MPFR reference path (the fast fixed-point path disabled) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attention.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_attention IN OUT RUNS [PREC [ref]]\n");
        return 2;
    }
    int runs = atoi(argv[3]);
    mpfr_prec_t prec = argc > 4 ? atol(argv[4]) : 128;
    int ref = argc > 5 && !strcmp(argv[5], "ref");
    FILE *f = fopen(argv[1], "rb");
    int64_t hdr[2];
    if (!f || fread(hdr, sizeof hdr, 1, f) != 1 || hdr[0] < 1 || hdr[1] < 1) {
        fprintf(stderr, "bench_attention: cannot read %s\n", argv[1]);
        return 2;
    }
    size_t T = (size_t)hdr[0], d = (size_t)hdr[1], n = T * d;
    double *buf = malloc(3 * n * sizeof *buf);
    if (!buf || fread(buf, sizeof *buf, 3 * n, f) != 3 * n) {
        fprintf(stderr, "bench_attention: short input\n");
        return 2;
    }
    fclose(f);
    sc_iv *Q = sc_iv_array_new(n, prec), *K = sc_iv_array_new(n, prec),
          *V = sc_iv_array_new(n, prec), *out = sc_iv_array_new(n, prec);
    for (size_t k = 0; k < n; k++)
        if (sc_iv_set_d(&Q[k], buf[k]) || sc_iv_set_d(&K[k], buf[n + k]) ||
            sc_iv_set_d(&V[k], buf[2 * n + k])) {
            fprintf(stderr, "bench_attention: non-finite input\n");
            return 2;
        }
    sc_attn_ws ws;
    if (sc_attn_ws_init(&ws, T, d, prec)) {
        fprintf(stderr, "bench_attention: workspace\n");
        return 2;
    }
    ws.cx.no_fast = ref;
    /* BENCH_SIMD=0: the scalar loops, as on a CPU without AVX-512 IFMA */
    const char *simd = getenv("BENCH_SIMD");
    printf("simd %d\n", sc_x_fast_simd(!simd || strcmp(simd, "0")));
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        int rc = sc_attn_softmax_iv(out, d, Q, d, K, d, V, d, T, d, NULL, &ws);
        double t1 = now();
        if (rc) {
            fprintf(stderr, "bench_attention: %s (row %zu)\n", sc_x_strerror(rc), ws.fail_row);
            return 1;
        }
        printf("time %.9f\n", t1 - t0);
    }
    FILE *o = fopen(argv[2], "w");
    if (!o) {
        fprintf(stderr, "bench_attention: cannot write %s\n", argv[2]);
        return 2;
    }
    mpz_t m;
    mpz_init(m);
    for (size_t k = 0; k < n; k++) {
        mpfr_exp_t e = mpfr_get_z_2exp(m, out[k].lo);
        mpz_out_str(o, 10, m);
        fprintf(o, " %ld ", (long)e);
        e = mpfr_get_z_2exp(m, out[k].hi);
        mpz_out_str(o, 10, m);
        fprintf(o, " %ld\n", (long)e);
    }
    fclose(o);
    mpz_clear(m);
    sc_attn_ws_clear(&ws);
    sc_iv_array_free(Q, n);
    sc_iv_array_free(K, n);
    sc_iv_array_free(V, n);
    sc_iv_array_free(out, n);
    free(buf);
    return 0;
}
