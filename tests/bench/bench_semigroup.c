/* Enumeration benchmark helper: bench_semigroup SPEC -> "size N seconds S" (the Froidure-Pin
 * closure with the right Cayley graph, shortest words and the lookup table; no Green's
 * structure). Built and run by tests/bench/bench_semigroup.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "catalog.h"
#include "semigroup.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_semigroup SPEC\n");
        return 2;
    }
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(argv[1], &err);
    if (!tb) {
        fprintf(stderr, "%s\n", err.msg);
        return 4;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    sc_semigroup *sg = sc_sg_of_automaton(tb->automaton, NULL, &err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!sg) {
        fprintf(stderr, "%s\n", err.msg);
        return err.code;
    }
    printf("size %lu seconds %.3f\n", (unsigned long)sg->size,
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9);
    sc_sg_free(sg);
    sc_testbed_free(tb);
    return 0;
}
