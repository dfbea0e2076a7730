/* Check suite: strict automaton JSON reader/writer and the Graphviz writer (io/automaton_json). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "automaton.h"
#include "catalog.h"
#include "io/automaton_json.h"

static sc_automaton *parse(const char *text, sc_error *err)
{
    sc_error_clear(err);
    return sc_automaton_from_json(text, strlen(text), "bad.json", err);
}

/* text must be rejected (exit 4) with one line naming the file and containing `needle`
 * (the field or place). */
static void expect_reject_code(const char *text, size_t len, const char *needle, int code)
{
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_from_json(text, len, "bad.json", &err);
    ck_assert_msg(a == NULL, "accepted: %s", text);
    ck_assert_int_eq(err.code, code);
    ck_assert_msg(strncmp(err.msg, "bad.json: ", 10) == 0, "no file name: %s", err.msg);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "'%s' not in: %s", needle, err.msg);
    ck_assert_msg(strstr(err.msg, "expected") != NULL, "no 'expected' in: %s", err.msg);
    for (const char *p = err.msg; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte in: %s", err.msg);
}
static void expect_reject(const char *text, const char *needle)
{
    expect_reject_code(text, strlen(text), needle, SC_EXIT_REJECTED);
}

#define GOOD2 "\"states\": 2, \"symbols\": 2"
#define PARITY "{\"name\": \"p\", " GOOD2 ", \"start\": 0, \"delta\": [[0,1],[1,0]]}"

/* ------------------------------------------------------------------ valid files */

START_TEST(counts_form)
{
    sc_error err;
    sc_automaton *a = parse(PARITY, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_str_eq(a->name, "p");
    ck_assert_uint_eq(a->n, 2);
    ck_assert_uint_eq(a->k, 2);
    ck_assert_uint_eq(a->start, 0);
    ck_assert_uint_eq(sc_delta(a, 0, 0), 0);
    ck_assert_uint_eq(sc_delta(a, 0, 1), 1);
    ck_assert_uint_eq(sc_delta(a, 1, 0), 1);
    ck_assert_uint_eq(sc_delta(a, 1, 1), 0);
    ck_assert_ptr_null(a->state_names);
    ck_assert_ptr_null(a->symbol_names);
    ck_assert_int_eq(sc_automaton_validate(a, &err), 0);
    sc_automaton_free(a);
}
END_TEST

START_TEST(names_form_and_layout)
{
    /* 3 states, 2 symbols, delta[q][s] row-major in the file, symbol-major in memory */
    const char *t = "{\"name\": \"tri\", \"states\": [\"a\",\"b\",\"c\"], \"symbols\": [\"x\",\"y\"],"
                    " \"start\": 2, \"delta\": [[1,0],[2,1],[0,2]]}";
    sc_error err;
    sc_automaton *a = parse(t, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_uint_eq(a->n, 3);
    ck_assert_uint_eq(a->k, 2);
    ck_assert_uint_eq(a->start, 2);
    ck_assert_str_eq(a->state_names[0], "a");
    ck_assert_str_eq(a->state_names[2], "c");
    ck_assert_str_eq(a->symbol_names[1], "y");
    const unsigned expect[3][2] = {{1, 0}, {2, 1}, {0, 2}};
    for (unsigned q = 0; q < 3; q++)
        for (unsigned s = 0; s < 2; s++)
            ck_assert_uint_eq(sc_delta(a, q, s), expect[q][s]);
    /* δ_x as a transformation: 0->1, 1->2, 2->0 */
    ck_assert_uint_eq(sc_generator(a, 0)[0], 1);
    ck_assert_uint_eq(sc_generator(a, 0)[1], 2);
    ck_assert_uint_eq(sc_generator(a, 0)[2], 0);
    sc_automaton_free(a);
}
END_TEST

START_TEST(defaults_start_and_name)
{
    const char *t = "{\"states\": 1, \"symbols\": 1, \"delta\": [[0]]}";
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_from_json(t, strlen(t), "some/dir/mine.json", &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_uint_eq(a->start, 0);
    ck_assert_str_eq(a->name, "mine.json");
    sc_automaton_free(a);
}
END_TEST

START_TEST(whitespace_and_unicode_ok)
{
    const char *t = "\n\t {\r\n \"delta\" : [ [ 0 ] , [0] ] , \"symbols\":[\"\\u00e9t\xc3\xa9\"],"
                    "\"states\":[\"\xe2\x82\xac\",\"q \\\"1\\\"\"], \"name\": \"\xf0\x9f\x98\x80\"}  \n";
    sc_error err;
    sc_automaton *a = parse(t, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_str_eq(a->symbol_names[0], "\xc3\xa9t\xc3\xa9");
    ck_assert_str_eq(a->state_names[1], "q \"1\"");
    sc_automaton_free(a);
}
END_TEST

static void assert_same(const sc_automaton *a, const sc_automaton *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->k, b->k);
    ck_assert_uint_eq(a->start, b->start);
    ck_assert_int_eq(memcmp(a->delta, b->delta, (size_t)a->n * a->k * sizeof *a->delta), 0);
    ck_assert_int_eq(!a->state_names, !b->state_names);
    ck_assert_int_eq(!a->symbol_names, !b->symbol_names);
    for (uint32_t q = 0; a->state_names && q < a->n; q++)
        ck_assert_str_eq(a->state_names[q], b->state_names[q]);
    for (uint32_t s = 0; a->symbol_names && s < a->k; s++)
        ck_assert_str_eq(a->symbol_names[s], b->symbol_names[s]);
}

static void round_trip(const sc_automaton *a)
{
    char *j = sc_automaton_to_json(a);
    ck_assert_ptr_nonnull(j);
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *b = sc_automaton_from_json(j, strlen(j), "rt.json", &err);
    ck_assert_msg(b != NULL, "%s\n%s", err.msg, j);
    assert_same(a, b);
    char *j2 = sc_automaton_to_json(b);
    ck_assert_str_eq(j, j2); /* the writer is a fixed point */
    free(j);
    free(j2);
    sc_automaton_free(b);
}

START_TEST(round_trip_parsed)
{
    const char *texts[] = {
        PARITY,
        "{\"name\": \"tri\", \"states\": [\"a\",\"b\",\"c\"], \"symbols\": [\"x\",\"y\"],"
        " \"start\": 2, \"delta\": [[1,0],[2,1],[0,2]]}",
        "{\"name\": \"q\\\\\\\"x\", \"states\": 3, \"symbols\": [\"\\\"\",\"\\\\\",\"\xc3\xa9\"],"
        " \"start\": 1, \"delta\": [[1,0,2],[2,1,1],[0,2,2]]}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        sc_error err;
        sc_automaton *a = parse(texts[i], &err);
        ck_assert_msg(a != NULL, "%s", err.msg);
        round_trip(a);
        sc_automaton_free(a);
    }
}
END_TEST

START_TEST(round_trip_catalog)
{
    const char *specs[] = {"parity", "abab", "S5", "Q8", "D8", "T5", "flipflop:n=3"};
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        sc_error err;
        sc_error_clear(&err);
        sc_testbed *tb = sc_catalog_build(specs[i], &err);
        ck_assert_msg(tb != NULL, "%s: %s", specs[i], err.msg);
        round_trip(tb->automaton);
        sc_testbed_free(tb);
    }
}
END_TEST

START_TEST(round_trip_many_names)
{
    /* 120 named states (wrapped lines in the writer), 3 named symbols, random delta */
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_new("big", 120, 3, 77, &err);
    ck_assert_ptr_nonnull(a);
    a->state_names = calloc(120, sizeof(char *));
    a->symbol_names = calloc(3, sizeof(char *));
    unsigned x = 12345;
    for (uint32_t q = 0; q < 120; q++) {
        char b[32];
        snprintf(b, sizeof b, "s%03u", q);
        a->state_names[q] = strdup(b);
        for (uint32_t s = 0; s < 3; s++) {
            x = x * 1103515245u + 12345u;
            sc_set_delta(a, q, s, (x >> 16) % 120);
        }
    }
    a->symbol_names[0] = strdup("id");
    a->symbol_names[1] = strdup("rot");
    a->symbol_names[2] = strdup("swap");
    round_trip(a);
    sc_automaton_free(a);
}
END_TEST

START_TEST(writer_drops_bad_names)
{
    /* Names the reader would reject (duplicates, empty) are written as counts. */
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_new("", 2, 2, 1, &err);
    ck_assert_ptr_nonnull(a);
    a->state_names = calloc(2, sizeof(char *));
    a->state_names[0] = strdup("same");
    a->state_names[1] = strdup("same");
    a->symbol_names = calloc(2, sizeof(char *));
    a->symbol_names[0] = strdup("");
    a->symbol_names[1] = strdup("b");
    char *j = sc_automaton_to_json(a);
    ck_assert_ptr_nonnull(j);
    sc_automaton *b = sc_automaton_from_json(j, strlen(j), "w.json", &err);
    ck_assert_msg(b != NULL, "%s\n%s", err.msg, j);
    ck_assert_uint_eq(b->n, 2);
    ck_assert_uint_eq(b->start, 1);
    ck_assert_ptr_null(b->state_names);
    ck_assert_ptr_null(b->symbol_names);
    ck_assert_str_eq(b->name, "automaton");
    free(j);
    sc_automaton_free(a);
    sc_automaton_free(b);
}
END_TEST

/* ------------------------------------------------------------------ files */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/check_json.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}
static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(load_files)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/good.json", tmpdir);
    write_file(path, PARITY);
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_load_json(path, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_uint_eq(sc_delta(a, 1, 1), 0);
    sc_automaton_free(a);

    /* missing file, directory: rejected naming the path */
    snprintf(path, sizeof path, "%s/nope.json", tmpdir);
    ck_assert_ptr_null(sc_automaton_load_json(path, &err));
    ck_assert_int_eq(err.code, SC_EXIT_REJECTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "nope.json"));
    ck_assert_ptr_null(sc_automaton_load_json(tmpdir, &err));
    ck_assert_int_eq(err.code, SC_EXIT_REJECTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "directory"));

    /* over the size limit (a sparse file): resource limit, exit 5 */
    snprintf(path, sizeof path, "%s/huge.json", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ftruncate(fileno(f), (off_t)SC_JSON_MAX_BYTES + 1), 0);
    fclose(f);
    ck_assert_ptr_null(sc_automaton_load_json(path, &err));
    ck_assert_int_eq(err.code, SC_EXIT_LIMIT);
    ck_assert_ptr_nonnull(strstr(err.msg, "huge.json"));
    remove_tmpdir();
}
END_TEST

/* ------------------------------------------------------------------ DOT */

static void dot_renders(const sc_automaton *a)
{
    char *d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(d);
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/a.dot", tmpdir);
    write_file(path, d);
    snprintf(cmd, sizeof cmd, "dot -Tsvg '%s' -o '%s/a.svg' 2>'%s/dot.err'", path, tmpdir, tmpdir);
    int rc = system(cmd);
    ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "dot failed on:\n%s", d);
    snprintf(cmd, sizeof cmd, "test -s '%s/dot.err'", tmpdir);
    ck_assert_msg(system(cmd) != 0, "dot printed warnings on:\n%s", d);
    free(d);
}

START_TEST(dot_small)
{
    make_tmpdir();
    const char *t = "{\"name\": \"we\\\"ird \\\\ name\", \"states\": [\"a\\\"\",\"b\\\\\",\"c d\"],"
                    " \"symbols\": [\"x\",\"y\",\"z\"], \"start\": 1,"
                    " \"delta\": [[1,1,0],[2,1,2],[0,0,0]]}";
    sc_error err;
    sc_automaton *a = parse(t, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    char *d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(d, "digraph \"we\\\"ird \\\\ name\" {"));
    ck_assert_ptr_nonnull(strstr(d, "__start -> q1;"));
    ck_assert_ptr_nonnull(strstr(d, "q0 [label=\"a\\\"\"]"));
    ck_assert_ptr_nonnull(strstr(d, "q1 [label=\"b\\\\\", penwidth=2]"));
    /* one edge per (q, next): q0 -x,y-> q1, q0 -z-> q0; q2 -x,y,z-> q0 */
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q1 [label=\"x,y\"];"));
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q0 [label=\"z\"];"));
    ck_assert_ptr_nonnull(strstr(d, "q1 -> q2 [label=\"x,z\"];"));
    ck_assert_ptr_nonnull(strstr(d, "q2 -> q0 [label=\"x,y,z\"];"));
    size_t edges = 0;
    for (const char *p = d; (p = strstr(p, " -> ")); p++)
        edges++;
    ck_assert_uint_eq(edges, 1 + 5); /* start arrow + 2 + 2 + 1 */
    free(d);
    dot_renders(a);
    sc_automaton_free(a);
    remove_tmpdir();
}
END_TEST

START_TEST(dot_ranges_and_cut)
{
    make_tmpdir();
    /* 2 states, 20 unnamed symbols: q0 goes to q1 on 0-9 and on every odd symbol >= 11 */
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_new("wide", 2, 20, 0, &err);
    ck_assert_ptr_nonnull(a);
    for (uint32_t s = 0; s < 20; s++)
        sc_set_delta(a, 0, s, (s < 10 || s % 2) ? 1 : 0);
    char *d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q1 [label=\"0-9,11,13,15,17,19\"];"));
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q0 [label=\"10,12,14,16,18\"];"));
    ck_assert_ptr_nonnull(strstr(d, "q1 -> q1 [label=\"0-19\"];"));
    free(d);
    /* 12 isolated symbols to one target: cut after 8 items */
    for (uint32_t s = 0; s < 20; s++)
        sc_set_delta(a, 1, s, s % 2);
    d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(strstr(d, "q1 -> q1 [label=\"1,3,5,7,9,11,13,15,\xe2\x80\xa6(+2)\"];"));
    free(d);
    dot_renders(a);
    sc_automaton_free(a);
    remove_tmpdir();
}
END_TEST

/* S5 built here (arrangements of 0..4 in lexicographic order; 0 = identity, 1 = left
 * rotation, 2 = swap positions 0,1), 120 named states: the DOT must stay renderable. */
static int perm_index(const int *p)
{
    int idx = 0;
    for (int i = 0; i < 5; i++) {
        int smaller = 0;
        for (int j = i + 1; j < 5; j++)
            smaller += p[j] < p[i];
        static const int fact[5] = {24, 6, 2, 1, 1};
        idx += smaller * fact[i];
    }
    return idx;
}

START_TEST(dot_s5_local)
{
    make_tmpdir();
    sc_error err;
    sc_error_clear(&err);
    sc_automaton *a = sc_automaton_new("S5", 120, 3, 0, &err);
    ck_assert_ptr_nonnull(a);
    a->state_names = calloc(120, sizeof(char *));
    int p[5] = {0, 1, 2, 3, 4}, count = 0;
    for (int a0 = 0; a0 < 5; a0++)
        for (int a1 = 0; a1 < 5; a1++)
            for (int a2 = 0; a2 < 5; a2++)
                for (int a3 = 0; a3 < 5; a3++) {
                    int a4 = 10 - a0 - a1 - a2 - a3;
                    int v[5] = {a0, a1, a2, a3, a4};
                    int used = 0, ok = a4 >= 0 && a4 < 5;
                    for (int i = 0; ok && i < 5; i++)
                        ok = !(used & (1 << v[i])), used |= 1 << v[i];
                    if (!ok)
                        continue;
                    int q = perm_index(v);
                    ck_assert_int_eq(q, count++);
                    char b[8];
                    snprintf(b, sizeof b, "%d%d%d%d%d", a0, a1, a2, a3, a4);
                    a->state_names[q] = strdup(b);
                    memcpy(p, v, sizeof p);
                    int rot[5], sw[5];
                    for (int i = 0; i < 5; i++)
                        rot[i] = p[(i + 1) % 5], sw[i] = p[i];
                    sw[0] = p[1], sw[1] = p[0];
                    sc_set_delta(a, (uint32_t)q, 1, (uint32_t)perm_index(rot));
                    sc_set_delta(a, (uint32_t)q, 2, (uint32_t)perm_index(sw));
                }
    ck_assert_int_eq(count, 120);
    ck_assert_int_eq(sc_automaton_validate(a, &err), 0);
    char *d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(d);
    size_t edges = 0;
    for (const char *q = d; (q = strstr(q, " -> ")); q++)
        edges++;
    /* permutations: 3 distinct targets per state, but the identity's loops are not drawn */
    ck_assert_uint_eq(edges, 1 + 240);
    ck_assert_ptr_nonnull(strstr(d, "q0 [label=\"01234\", penwidth=2];"));
    ck_assert_ptr_null(strstr(d, "q0 -> q0"));
    ck_assert_ptr_nonnull(strstr(d, "label=\"identity symbols, self-loops not drawn: 0\""));
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q33 [label=\"1\"];")); /* rotate: 01234 -> 12340 */
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q24 [label=\"2\"];")); /* swap: 01234 -> 10234 */
    free(d);
    dot_renders(a);
    round_trip(a);
    sc_automaton_free(a);
    remove_tmpdir();
}
END_TEST

START_TEST(dot_catalog_big)
{
    make_tmpdir();
    const char *specs[] = {"S5", "abab", "Q8"};
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        sc_error err;
        sc_error_clear(&err);
        sc_testbed *tb = sc_catalog_build(specs[i], &err);
        ck_assert_msg(tb != NULL, "%s: %s", specs[i], err.msg);
        char *d = sc_automaton_to_dot(tb->automaton);
        ck_assert_ptr_nonnull(d);
        char want[32];
        snprintf(want, sizeof want, "__start -> q%u;", tb->automaton->start);
        ck_assert_ptr_nonnull(strstr(d, want));
        free(d);
        dot_renders(tb->automaton);
        sc_testbed_free(tb);
    }
    remove_tmpdir();
}
END_TEST

/* ------------------------------------------------------------------ malformed inputs */

START_TEST(rej_duplicate_key)
{
    expect_reject("{\"states\": 2, \"states\": 2, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "line 1, column");
    expect_reject("{\"states\": 2, \"states\": 2, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "near '\"states\"'");
    expect_reject("{\"states\": 2, \"states\": 2, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "each key at most once");
    expect_reject("{\"states\": 2, \"symbols\": 2,\n \"delta\": [[0,1],[1,0]],\n"
                  "  \"delta\": [[0,1],[1,0]]}",
                  "line 3");
}
END_TEST

START_TEST(rej_ragged_row)
{
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,0,1]]}",
                  "field delta[1]: expected a row of 2 states (one per symbol), got an array of 3");
    expect_reject("{" GOOD2 ", \"delta\": [[0],[1,0]]}", "field delta[0]:");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[]]}", "field delta[1]:");
}
END_TEST

START_TEST(rej_out_of_range_state)
{
    expect_reject("{\"states\": 3, \"symbols\": 2, \"delta\": [[0,1],[1,0],[2,7]]}",
                  "field delta[2][1]: expected a state 0..2, got 7");
    expect_reject("{" GOOD2 ", \"delta\": [[0,2],[1,0]]}", "field delta[0][1]");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,99999999999]]}", "field delta[1][1]");
}
END_TEST

START_TEST(rej_negative_state)
{
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[-1,0]]}",
                  "field delta[1][0]: expected a state 0..1, got -1");
}
END_TEST

START_TEST(rej_fractional)
{
    expect_reject("{" GOOD2 ", \"delta\": [[0,1.5],[1,0]]}",
                  "field delta[0][1]: expected a state 0..1, got the non-integer number 1.5");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1.0],[1,0]]}", "field delta[0][1]");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1e0],[1,0]]}", "field delta[0][1]");
    expect_reject("{\"states\": 2.0, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}", "field states");
}
END_TEST

START_TEST(rej_wrong_types)
{
    expect_reject("{" GOOD2 ", \"delta\": [[0,\"1\"],[1,0]]}",
                  "field delta[0][1]: expected a state 0..1, got the string \"1\"");
    expect_reject("{" GOOD2 ", \"delta\": [[0,true],[1,0]]}", "field delta[0][1]");
    expect_reject("{" GOOD2 ", \"delta\": [[0,null],[1,0]]}", "field delta[0][1]");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],5]}", "field delta[1]");
    expect_reject("{" GOOD2 ", \"delta\": {\"0\": [0,1]}}", "field delta:");
    expect_reject("{\"states\": \"2\", \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "field states: expected a count 1..65535");
    expect_reject("{\"states\": [\"a\", 3], \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "field states[1]: expected a name");
    expect_reject("{\"name\": 3, " GOOD2 ", \"delta\": [[0,1],[1,0]]}", "field name");
    expect_reject("{" GOOD2 ", \"start\": \"0\", \"delta\": [[0,1],[1,0]]}", "field start");
}
END_TEST

START_TEST(rej_unknown_key)
{
    expect_reject("{" GOOD2 ", \"colour\": \"red\", \"delta\": [[0,1],[1,0]]}",
                  "field \"colour\": unknown key");
    expect_reject("{" GOOD2 ", \"Delta\": [[0,1],[1,0]], \"delta\": [[0,1],[1,0]]}", "\"Delta\"");
}
END_TEST

START_TEST(rej_missing_fields)
{
    expect_reject("{" GOOD2 "}", "field delta: missing");
    expect_reject("{\"symbols\": 2, \"delta\": [[0,1],[1,0]]}", "field states: missing");
    expect_reject("{\"states\": 2, \"delta\": [[0,1],[1,0]]}", "field symbols: missing");
}
END_TEST

START_TEST(rej_bad_counts)
{
    expect_reject("{\"states\": 0, \"symbols\": 2, \"delta\": []}",
                  "field states: expected a count 1..65535 or an array of names, got 0");
    expect_reject("{\"states\": -3, \"symbols\": 2, \"delta\": []}", "field states");
    expect_reject("{\"states\": 65536, \"symbols\": 2, \"delta\": []}", "got 65536");
    expect_reject("{\"states\": 1, \"symbols\": 0, \"delta\": [[]]}", "field symbols");
    expect_reject("{\"states\": [], \"symbols\": 1, \"delta\": []}",
                  "field states: expected 1..65535 names, got 0");
}
END_TEST

START_TEST(rej_wrong_row_count)
{
    expect_reject("{\"states\": 3, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}",
                  "field delta: expected 3 rows (one per state), got 2");
    expect_reject("{\"states\": 1, \"symbols\": 2, \"delta\": [[0,0],[0,0]]}",
                  "field delta: expected 1 rows");
}
END_TEST

START_TEST(rej_start_out_of_range)
{
    expect_reject("{" GOOD2 ", \"start\": 2, \"delta\": [[0,1],[1,0]]}",
                  "field start: expected a state 0..1, got 2");
    expect_reject("{" GOOD2 ", \"start\": -1, \"delta\": [[0,1],[1,0]]}", "field start");
}
END_TEST

START_TEST(rej_trailing_garbage)
{
    expect_reject(PARITY " x", "line 1, column");
    expect_reject(PARITY " x", "nothing after the top-level value");
    expect_reject(PARITY "\n{}", "line 2");
    expect_reject(PARITY "]", "nothing after");
}
END_TEST

START_TEST(rej_truncated)
{
    const char *t = PARITY;
    size_t len = strlen(t);
    /* every proper prefix that is not blank is rejected with a position */
    for (size_t cut = 1; cut < len; cut++)
        expect_reject_code(t, cut, "line 1, column", SC_EXIT_REJECTED);
    expect_reject("{\"states\": 2, \"symbols\": 2, \"delta\": [[0,1],[1,0]]",
                  "the text is truncated");
}
END_TEST

START_TEST(rej_duplicate_names)
{
    expect_reject("{\"states\": [\"a\",\"b\",\"a\"], \"symbols\": 1, \"delta\": [[0],[1],[2]]}",
                  "field states[2]: expected distinct names, got \"a\" again (first at states[0])");
    expect_reject("{\"states\": 1, \"symbols\": [\"x\",\"x\"], \"delta\": [[0,0]]}",
                  "field symbols[1]");
}
END_TEST

START_TEST(rej_bad_names)
{
    expect_reject("{\"states\": [\"a\",\"\"], \"symbols\": 1, \"delta\": [[0],[1]]}",
                  "field states[1]: expected a non-empty name");
    expect_reject("{\"name\": \"\", " GOOD2 ", \"delta\": [[0,1],[1,0]]}",
                  "field name: expected a non-empty name");
    expect_reject("{\"states\": [\"a\",\"b\\nc\"], \"symbols\": 1, \"delta\": [[0],[1]]}",
                  "field states[1]: expected a name without control characters");
    char big[600];
    int o = snprintf(big, sizeof big, "{\"symbols\": [\"");
    memset(big + o, 'x', 256);
    snprintf(big + o + 256, sizeof big - (size_t)o - 256,
             "\"], \"states\": 1, \"delta\": [[0]]}");
    expect_reject(big, "field symbols[0]: expected a name of at most 255 bytes");
}
END_TEST

START_TEST(rej_not_an_object)
{
    expect_reject("[[0,1],[1,0]]", "top level: expected a JSON object, got an array of 2");
    expect_reject("3", "top level");
    expect_reject("\"states\"", "top level");
    expect_reject("null", "top level");
}
END_TEST

START_TEST(rej_empty)
{
    expect_reject("", "empty file: expected a JSON object");
    expect_reject(" \n\t ", "only whitespace");
}
END_TEST

START_TEST(rej_encoding)
{
    /* invalid UTF-8 (a lone continuation byte, an overlong '/') */
    expect_reject("{\"name\": \"a\x80\", " GOOD2 ", \"delta\": [[0,1],[1,0]]}", "UTF-8");
    expect_reject("{\"name\": \"\xc0\xaf\", " GOOD2 ", \"delta\": [[0,1],[1,0]]}", "UTF-8");
    /* \u0000 in a string, a raw NUL byte, a lone surrogate escape */
    expect_reject("{\"name\": \"a\\u0000b\", " GOOD2 ", \"delta\": [[0,1],[1,0]]}",
                  "line 1, column");
    const char nul[] = "{\"states\": 1,\0 \"symbols\": 1, \"delta\": [[0]]}";
    expect_reject_code(nul, sizeof nul - 1, "line 1, column", SC_EXIT_REJECTED);
    expect_reject("{\"name\": \"\\ud800\", " GOOD2 ", \"delta\": [[0,1],[1,0]]}", "line 1");
    /* integer overflow, deep nesting, bare words, comments, single quotes */
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,123456789012345678901234567890]]}",
                  "64-bit");
    char deep[5000];
    memset(deep, '[', 4000);
    deep[4000] = '\0';
    expect_reject(deep, "line 1");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,0]], /* c */}", "line 1");
    expect_reject("{'states': 2}", "line 1, column 2");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,0],]}", "line 1");
    expect_reject("{" GOOD2 ", \"delta\": [[0,1],[1,NaN]]}", "line 1");
}
END_TEST

START_TEST(rej_file_name_with_newline)
{
    /* the message stays on one line even when the file name does not */
    sc_error err;
    sc_error_clear(&err);
    ck_assert_ptr_null(sc_automaton_from_json("{}", 2, "a\nb.json", &err));
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    ck_assert_ptr_nonnull(strstr(err.msg, "a?b.json"));
}
END_TEST

START_TEST(big_alphabet_ok)
{
    /* 1 state, 65535 symbols: the limit itself is accepted */
    size_t cap = 65535 * 2 + 100;
    char *t = malloc(cap);
    int o = snprintf(t, cap, "{\"states\": 1, \"symbols\": 65535, \"delta\": [[");
    for (int s = 0; s < 65535; s++) {
        t[o++] = s ? ',' : '0';
        if (s)
            t[o++] = '0';
    }
    strcpy(t + o, "]]}");
    sc_error err;
    sc_automaton *a = parse(t, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_uint_eq(a->k, 65535);
    char *d = sc_automaton_to_dot(a);
    ck_assert_ptr_nonnull(strstr(d, "q0 -> q0 [label=\"0-65534\"];"));
    free(d);
    round_trip(a);
    sc_automaton_free(a);
    free(t);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("automaton_json");
    TCase *v = tcase_create("valid");
    tcase_set_timeout(v, 60);
    tcase_add_test(v, counts_form);
    tcase_add_test(v, names_form_and_layout);
    tcase_add_test(v, defaults_start_and_name);
    tcase_add_test(v, whitespace_and_unicode_ok);
    tcase_add_test(v, round_trip_parsed);
    tcase_add_test(v, round_trip_catalog);
    tcase_add_test(v, round_trip_many_names);
    tcase_add_test(v, writer_drops_bad_names);
    tcase_add_test(v, load_files);
    tcase_add_test(v, big_alphabet_ok);
    suite_add_tcase(s, v);

    TCase *d = tcase_create("dot");
    tcase_set_timeout(d, 120);
    tcase_add_test(d, dot_small);
    tcase_add_test(d, dot_ranges_and_cut);
    tcase_add_test(d, dot_s5_local);
    tcase_add_test(d, dot_catalog_big);
    suite_add_tcase(s, d);

    TCase *r = tcase_create("malformed");
    tcase_add_test(r, rej_duplicate_key);
    tcase_add_test(r, rej_ragged_row);
    tcase_add_test(r, rej_out_of_range_state);
    tcase_add_test(r, rej_negative_state);
    tcase_add_test(r, rej_fractional);
    tcase_add_test(r, rej_wrong_types);
    tcase_add_test(r, rej_unknown_key);
    tcase_add_test(r, rej_missing_fields);
    tcase_add_test(r, rej_bad_counts);
    tcase_add_test(r, rej_wrong_row_count);
    tcase_add_test(r, rej_start_out_of_range);
    tcase_add_test(r, rej_trailing_garbage);
    tcase_add_test(r, rej_truncated);
    tcase_add_test(r, rej_duplicate_names);
    tcase_add_test(r, rej_bad_names);
    tcase_add_test(r, rej_not_an_object);
    tcase_add_test(r, rej_empty);
    tcase_add_test(r, rej_encoding);
    tcase_add_test(r, rej_file_name_with_newline);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
