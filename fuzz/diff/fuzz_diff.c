/* Internal differentials (issue 8): every fast path of the library against the sequential
 * definition sc_run (src/simulate.h), on an automaton and a word chosen by the bytes.
 *
 *   scan       sc_scan_tf: sequential, Hillis-Steele, Blelloch, on 1 thread and, when the
 *              input's length is odd, also on 2 threads (the whole prefix transformation
 *              P_t, and its label P_t[q0]);
 *   kernel     the proved kernels sc_scan_fold_seq / _hs / _blelloch (n <= 256);
 *   construct  every constant-depth construction of src/shortcut.h that recognises the
 *              automaton (abelian, car, gridworld, last-write);
 *   cascade    the Krohn-Rhodes cascade (sc_cascade_build / sc_cascade_run);
 *   matrix     0/1 matrix composition against function composition: mat_mul01 of M_f, M_g
 *              against M_{f*g} for two generators, and the matrix scan sc_scan_mat against
 *              the transformations P_t (n <= 16).
 * A mismatch prints ONE signature line on stderr and aborts:
 *   SIGNATURE diff automaton=SPEC method=METHOD pos=T expected=Q got=Q'
 *
 * Bytes: b0 picks the automaton: b0 < 0xc0 a catalog spec of the table below (b0 mod its
 * size); otherwise a random automaton with n = 1 + (b1 & 7) states, k = 1 + ((b1 >> 3) & 3)
 * symbols, start b2 mod n, delta from the next k*n bytes (mod n). Then the word: every
 * further byte is one symbol (mod k; the byte 0xff is the out-of-range symbol k, which every
 * method must report at the same position), at most 96 symbols. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automaton.h"
#include "cascade.h"
#include "catalog.h"
#include "scan.h"
#include "shortcut.h"
#include "simulate.h"
#include "transf.h"

#define MAX_T 96

static const char *const SPECS[] = {
    "parity",          "C3",           "cyclic:n=4,actions=4", "cyclic:n=7,actions=3",
    "C2^3",            "product:k=1",  "product:k=4",          "D6",
    "D8",              "dihedral:n=5", "dihedral:n=1",         "Q8",
    "symmetric:n=3",   "S4",           "alternating:n=4",      "A5",
    "Grid9",           "gridworld:n=1", "gridworld:n=2",       "gridworld:n=4",
    "FF2",             "flipflop:n=5", "memory",               "abab",
    "adder",           "adder:addends=3", "dyck:types=1,depth=3", "Dyck",
    "full:n=3",        "T4",           "permutation_reset:n=3,generators=120", "cyclic:n=1,actions=1",
};
#define NSPECS (sizeof SPECS / sizeof SPECS[0])

static const char *g_name;

static void mismatch(const char *method, size_t pos, long expected, long got)
{
    fprintf(stderr, "SIGNATURE diff automaton=%s method=%s pos=%zu expected=%ld got=%ld\n",
            g_name, method, pos, expected, got);
    abort();
}

/* Catalog automata and their cascades are built once per spec (the build is the slow part). */
static sc_testbed *tb_cache[NSPECS];
static sc_cascade *cas_cache[NSPECS];
static int cas_tried[NSPECS];

static sc_cascade *cascade_of(const sc_automaton *a, int spec)
{
    sc_error err;
    sc_error_clear(&err);
    sc_cascade_opts o = {.max_sets = 4096, .max_group_order = 4096};
    if (spec < 0)
        return sc_cascade_build(a, &o, &err);
    if (!cas_tried[spec]) {
        cas_tried[spec] = 1;
        cas_cache[spec] = sc_cascade_build(a, &o, &err);
    }
    return cas_cache[spec];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *own = NULL;
    const sc_automaton *a;
    int spec = -1;
    size_t i = 1;
    char name[256];
    if (data[0] < 0xc0) {
        spec = data[0] % NSPECS;
        if (!tb_cache[spec] && !(tb_cache[spec] = sc_catalog_build(SPECS[spec], &err))) {
            fprintf(stderr, "catalog spec %s refused: %s\n", SPECS[spec], err.msg);
            abort(); /* every spec of the table is valid */
        }
        a = tb_cache[spec]->automaton;
        snprintf(name, sizeof name, "%s", SPECS[spec]);
    } else {
        if (size < 3)
            return 0;
        uint32_t n = 1 + (data[1] & 7), k = 1 + ((data[1] >> 3) & 3);
        own = sc_automaton_new("random", n, k, data[2] % n, &err);
        if (!own)
            abort();
        i = 3;
        int len = snprintf(name, sizeof name, "random:n=%u,k=%u,start=%u,delta=", n, k,
                           own->start);
        for (uint32_t s = 0; s < k; s++)
            for (uint32_t q = 0; q < n; q++) {
                uint32_t to = i < size ? data[i++] % n : q;
                sc_set_delta(own, q, s, to);
                len += snprintf(name + len, sizeof name - (size_t)len, "%u", to);
            }
        a = own;
    }
    g_name = name;
    size_t n = a->n, k = a->k, T = 0;
    int32_t word[MAX_T];
    for (; i < size && T < MAX_T; i++)
        word[T++] = data[i] == 0xff ? (int32_t)k : (int32_t)(data[i] % k);

    /* the definition */
    int32_t ref[MAX_T], lab[MAX_T];
    size_t good = sc_run(n, k, a->delta, (sc_state)a->start, word, T, ref);

    /* scan driver: 3 methods x 1, 2 threads */
    static sc_state P[MAX_T * 256], P0[MAX_T * 256];
    size_t cols = n <= 256 ? n : 0; /* compare whole transformations when small */
    for (int m = 0; m < 3; m++)
        for (unsigned th = 1; th <= (size & 1 ? 2u : 1u); th++) {
            size_t sb = 0, bad = (size_t)-1;
            if (n > 256 || sc_scan_scratch_bytes((sc_scan_method)m, n * sizeof(sc_state),
                                                 good ? good : 1, th, &sb))
                continue;
            void *scratch = malloc(sb ? sb : 1);
            char meth[48];
            snprintf(meth, sizeof meth, "scan-%s/%u", sc_scan_method_name((sc_scan_method)m),
                     th);
            int rc = sc_scan_tf((sc_scan_method)m, n, k, a->delta, word, T, P, scratch, sb,
                                th, NULL, &bad);
            free(scratch);
            if (good < T) { /* must report the first bad symbol */
                if (rc != SC_SCAN_ESYMBOL || bad != good)
                    mismatch(meth, good, SC_SCAN_ESYMBOL, rc == SC_SCAN_ESYMBOL ? -2 : rc);
                continue;
            }
            if (rc != SC_SCAN_OK)
                mismatch(meth, 0, SC_SCAN_OK, rc);
            for (size_t t = 0; t < T; t++)
                if ((int32_t)P[t * n + a->start] != ref[t])
                    mismatch(meth, t, ref[t], P[t * n + a->start]);
            if (m == 0 && th == 1)
                memcpy(P0, P, T * n * sizeof *P);
            else
                for (size_t t = 0; t < T; t++)
                    for (size_t q = 0; q < cols; q++)
                        if (P[t * n + q] != P0[t * n + q])
                            mismatch(meth, t, P0[t * n + q], P[t * n + q]);
        }

    /* proved kernels (valid words only: their precondition) */
    if (n <= SC_SCAN_NMAX && good == T && T > 0) {
        static sc_tf out[MAX_T], s[MAX_T];
        for (int m = 0; m < 3; m++) {
            static const char *const names[] = {"kernel-seq", "kernel-hs", "kernel-blelloch"};
            if (m == 0)
                sc_scan_fold_seq(n, k, a->delta, word, T, out);
            else if (m == 1)
                sc_scan_fold_hs(n, k, a->delta, word, T, out);
            else
                sc_scan_fold_blelloch(n, k, a->delta, word, T, out, s);
            for (size_t t = 0; t < T; t++)
                if (out[t].m[a->start] != ref[t])
                    mismatch(names[m], t, ref[t], out[t].m[a->start]);
        }
    }

    /* constructions */
    static int64_t scr[7 * MAX_T + 16];
    for (int kd = 0; kd < SC_SH_KINDS; kd++) {
        sc_sh_plan plan;
        sc_error e2;
        sc_error_clear(&e2);
        memset(&plan, 0, sizeof plan);
        if (sc_sh_recognise(a, (sc_sh_kind)kd, &plan, &e2))
            continue;
        if (sc_sh_scratch_len((sc_sh_kind)kd, T) > sizeof scr / sizeof scr[0])
            abort();
        char meth[48];
        snprintf(meth, sizeof meth, "construct-%s", sc_sh_program_of((sc_sh_kind)kd)->name);
        for (size_t t = 0; t < T; t++)
            lab[t] = -7;
        uint32_t layers = 0;
        size_t done = sc_sh_run(&plan, a, word, T, lab, scr, &layers);
        sc_sh_plan_free(&plan);
        if (done != good)
            mismatch(meth, done, (long)good, (long)done);
        for (size_t t = 0; t < good; t++)
            if (lab[t] != ref[t])
                mismatch(meth, t, ref[t], lab[t]);
        if (layers != sc_sh_program_of((sc_sh_kind)kd)->layers)
            mismatch(meth, 0, sc_sh_program_of((sc_sh_kind)kd)->layers, layers);
    }

    /* Krohn-Rhodes cascade */
    sc_cascade *c = cascade_of(a, spec);
    if (c) {
        sc_state q[MAX_T];
        sc_error e2;
        sc_error_clear(&e2);
        int rc = sc_cascade_run(c, word, T, NULL, q, &e2);
        if ((rc != 0) != (good < T))
            mismatch("cascade", good, good < T ? SC_EXIT_REJECTED : 0, rc);
        for (size_t t = 0; t < good && !rc; t++)
            if ((int32_t)q[t] != ref[t])
                mismatch("cascade", t, ref[t], q[t]);
        if (spec < 0)
            sc_cascade_free(c);
    }

    /* 0/1 matrices vs functions */
    if (n <= 16) {
        uint32_t A[256], B[256], C[256], D[256];
        sc_state fg[16];
        for (size_t s1 = 0; s1 < k && s1 < 4; s1++) {
            size_t s2 = (s1 + 1) % k;
            const sc_state *f = sc_generator(a, (uint32_t)s1), *g = sc_generator(a, (uint32_t)s2);
            tf_to_matrix(n, f, A);
            tf_to_matrix(n, g, B);
            mat_mul01(n, A, B, C);
            tf_compose(n, f, g, fg);
            tf_to_matrix(n, fg, D);
            for (size_t e = 0; e < n * n; e++)
                if (C[e] != D[e])
                    mismatch("matrix-compose", s1, D[e], C[e]);
        }
        if (good == T && T > 0) {
            static uint32_t M[MAX_T * 256];
            for (size_t t = 0; t < T; t++)
                tf_to_matrix(n, sc_generator(a, (uint32_t)word[t]), M + t * n * n);
            for (int m = 0; m < 3; m++) {
                size_t sb = 0, bad = 0;
                if (sc_scan_scratch_bytes((sc_scan_method)m, n * n * sizeof(uint32_t), T, 2,
                                          &sb))
                    continue;
                static uint32_t Mm[MAX_T * 256];
                memcpy(Mm, M, T * n * n * sizeof *M);
                void *scratch = malloc(sb ? sb : 1);
                int rc = sc_scan_mat((sc_scan_method)m, n, Mm, T, scratch, sb, size & 1 ? 2 : 1,
                                     NULL, &bad);
                free(scratch);
                if (rc != SC_SCAN_OK)
                    mismatch("matrix-scan", bad, 0, rc);
                for (size_t t = 0; t < T; t++)
                    if (!tf_matrix_agrees(n, P0 + t * n, Mm + t * n * n))
                        mismatch("matrix-scan", t, 1, 0);
            }
        }
    }
    sc_automaton_free(own);
    return 0;
}
