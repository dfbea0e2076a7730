/* Scan benchmark (tests/bench/bench_scan.sh builds and runs it): T steps of an automaton with
 * |Q| = 8 (default D8), all prefix products P_t. Times the sequential fold, Blelloch and
 * Hillis–Steele on 1 and 2 threads (medians of R runs, wall clock) and checks that every
 * run's prefix products are identical to the sequential fold's.
 * usage: bench_scan [T] [runs] [spec] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "scan.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t T = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    const char *spec = argc > 3 ? argv[3] : "D8";
    sc_error err;
    sc_testbed *tb = sc_catalog_build(spec, &err);
    if (!tb) {
        fprintf(stderr, "bench_scan: %s\n", err.msg);
        return 2;
    }
    const sc_automaton *a = tb->automaton;
    size_t n = a->n;
    int32_t *w = malloc(T * sizeof *w);
    sc_state *ref = malloc(T * n * sizeof *ref), *P = malloc(T * n * sizeof *P);
    size_t cap = 0, b;
    for (int m = 0; m <= 2; m++) {
        sc_scan_scratch_bytes(m, n * sizeof(sc_state), T, 2, &b);
        cap = b > cap ? b : cap;
    }
    void *scratch = malloc(cap);
    if (!w || !ref || !P || !scratch) {
        fprintf(stderr, "bench_scan: out of memory\n");
        return 5;
    }
    uint64_t s = 12345;
    for (size_t t = 0; t < T; t++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        w[t] = (int32_t)((s >> 33) % a->k);
    }
    struct {
        const char *name;
        sc_scan_method m;
        unsigned th;
        double med;
    } cfg[] = {{"sequential", SC_SCAN_SEQUENTIAL, 1, 0}, {"blelloch/1", SC_SCAN_BLELLOCH, 1, 0},
               {"blelloch/2", SC_SCAN_BLELLOCH, 2, 0},    {"hillis-steele/1", SC_SCAN_HILLIS_STEELE, 1, 0},
               {"hillis-steele/2", SC_SCAN_HILLIS_STEELE, 2, 0}};
    int ncfg = sizeof cfg / sizeof *cfg, identical = 1;
    double *times = malloc(runs * ncfg * sizeof *times);
    sc_scan_stats st;
    sc_scan_tf(SC_SCAN_SEQUENTIAL, n, a->k, a->delta, w, T, ref, scratch, cap, 1, &st, NULL);
    /* interleave configurations run by run, so that machine load hits all of them alike */
    for (int r = 0; r < runs; r++)
        for (int c = 0; c < ncfg; c++) {
            memset(P, 0xff, T * n * sizeof *P);
            double t0 = now();
            int rc = sc_scan_tf(cfg[c].m, n, a->k, a->delta, w, T, P, scratch, cap, cfg[c].th,
                                &st, NULL);
            times[c * runs + r] = now() - t0;
            if (rc || memcmp(P, ref, T * n * sizeof *P)) {
                identical = 0;
                fprintf(stderr, "bench_scan: %s differs from the sequential fold\n", cfg[c].name);
            }
        }
    printf("scan benchmark: %s (|Q| = %zu), T = %zu steps, %d runs each (median, wall clock)\n",
           tb->spec, n, T, runs);
    for (int c = 0; c < ncfg; c++) {
        qsort(times + c * runs, runs, sizeof *times, cmp);
        cfg[c].med = times[c * runs + runs / 2];
        sc_scan_cost(cfg[c].m, T, &st);
        printf("  %-16s %8.3f s   %6.1f ns/step   rounds %llu  work %llu\n", cfg[c].name,
               cfg[c].med, cfg[c].med / T * 1e9, (unsigned long long)st.rounds,
               (unsigned long long)st.work);
    }
    double r1 = cfg[1].med / cfg[0].med, sp = cfg[1].med / cfg[2].med,
           hsp = cfg[3].med / cfg[4].med;
    printf("ratio blelloch(1 thread) / sequential = %.2f   (target <= 3)   %s\n", r1,
           r1 <= 3 ? "MET" : "NOT MET");
    printf("speed-up blelloch 2 threads vs 1      = %.2f   (target >= 1.7) %s\n", sp,
           sp >= 1.7 ? "MET" : "NOT MET");
    printf("speed-up hillis-steele 2 threads vs 1 = %.2f\n", hsp);
    printf("results identical for every method and thread count: %s\n", identical ? "yes" : "NO");
    free(w), free(ref), free(P), free(scratch), free(times);
    sc_testbed_free(tb);
    return identical ? 0 : 1;
}
