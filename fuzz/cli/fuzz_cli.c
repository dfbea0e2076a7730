/* The CLI's argument parsing, in process (issue 8): the fuzzer's bytes are an argv, the verb
 * runs exactly as `shortcut VERB ARGS...` would (src/cli/cmd_*.c, linked from
 * libshortcut_cli.a), and it must return one of the documented exit codes 0..5 without a
 * crash, a sanitizer report or a leak.
 *
 * It cannot write, create, rename or delete files: this file defines open, openat, creat,
 * rename, renameat, unlink, unlinkat and remove (the executable's definitions take precedence
 * over libc's for the library's calls). While a verb runs, every such call fails with EACCES,
 * except opening for READING a file under fuzz/cli/files/ (fixtures: an npy, a model, an
 * automaton JSON); outside a verb (the fuzzing engine's own I/O) they pass through to the
 * kernel. The fixtures are found at $SC_FUZZ_CLI_FILES, else fuzz/cli/files (from this file's
 * path at build time), else cli_files next to the executable. Verbs that start processes or take unbounded time are not run (demo, fuzz).
 * stdout goes to /dev/null and stderr is buffered and discarded while a verb runs
 * (SC_FUZZ_CLI_VERBOSE=1 keeps both).
 *
 * Input: NUL- or newline-separated tokens. The first token is the verb; then its arguments.
 * A token "@NAME" becomes the path of fuzz/cli/files/NAME. Two pseudo-verbs test the shared
 * parsers directly with properties:
 *   spec S...   sc_catalog_build(S): accepted => a valid automaton whose canonical spec
 *               rebuilds the same automaton; rejected => one line, code 4 (or 5: limits)
 *   list L      cli_parse_list(L): accepted => re-printing the values parses back equal
 * To bound the time per input, tokens with 3 or more consecutive digits are refused (numbers
 * stay below 100), analyze / decompose only run on automata of at most 64 states, and
 * `analyze --catalog` (the whole catalog, ~12 ms: a hundred times a typical input, it alone
 * halved the harness's speed) is not run. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/input.h"

#define CHECK(c)                                                                           \
    do {                                                                                   \
        if (!(c)) {                                                                        \
            fprintf(stderr, "SIGNATURE cli check failed: %s (line %d)\n", #c, __LINE__);   \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* ---- the file guard ---------------------------------------------------------------------- */

static int guarded;
static char files_dir[4096]; /* absolute, ends with '/' */
static size_t files_len;

static int allowed_read(const char *path, int flags)
{
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
        return 0;
    if (!files_len || strncmp(path, files_dir, files_len))
        return 0;
    return !strstr(path + files_len, "..") && !strchr(path + files_len, '/');
}

static int deny(void)
{
    errno = EACCES;
    return -1;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
    va_end(ap);
    if (guarded && !allowed_read(path, flags))
        return deny();
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
    va_end(ap);
    if (guarded && !allowed_read(path, flags))
        return deny();
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
    va_end(ap);
    if (guarded && !allowed_read(path, flags))
        return deny();
    return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int rename(const char *a, const char *b)
{
    return guarded ? deny() : (int)syscall(SYS_renameat, AT_FDCWD, a, AT_FDCWD, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
    return guarded ? deny() : (int)syscall(SYS_renameat, da, a, db, b);
}

int unlink(const char *p)
{
    return guarded ? deny() : (int)syscall(SYS_unlinkat, AT_FDCWD, p, 0);
}

int unlinkat(int d, const char *p, int f)
{
    return guarded ? deny() : (int)syscall(SYS_unlinkat, d, p, f);
}

int remove(const char *p)
{
    if (guarded)
        return deny();
    int r = (int)syscall(SYS_unlinkat, AT_FDCWD, p, 0);
    return r < 0 && errno == EISDIR ? (int)syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR) : r;
}

/* ---- muting stdout / stderr while a verb runs -------------------------------------------- */

static int devnull = -1, saved_out = -1, verbose;
static char errbuf[1 << 16];

static void mute(void)
{
    if (verbose)
        return;
    fflush(stdout);
    dup2(devnull, 1);
    setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
}

static void unmute(void)
{
    if (verbose)
        return;
    fflush(stdout);
    dup2(saved_out, 1);
    __fpurge(stderr);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    verbose = getenv("SC_FUZZ_CLI_VERBOSE") != NULL;
    devnull = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY | O_CLOEXEC, 0);
    saved_out = dup(1);
    /* fuzz/cli/files next to this source file, or $SC_FUZZ_CLI_FILES */
    const char *env = getenv("SC_FUZZ_CLI_FILES");
    char buf[4096];
    if (env)
        snprintf(buf, sizeof buf, "%s", env);
    else
        snprintf(buf, sizeof buf, "%s", __FILE__);
    if (!env) {
        char *slash = strrchr(buf, '/');
        if (slash)
            strcpy(slash + 1, "files");
        else
            strcpy(buf, "files");
    }
    char *real = realpath(buf, NULL);
    if (!real && !env) { /* installed (OSS-Fuzz): cli_files next to the executable */
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 16);
        if (n > 0) {
            buf[n] = 0;
            char *slash = strrchr(buf, '/');
            if (slash) {
                strcpy(slash + 1, "cli_files");
                real = realpath(buf, NULL);
            }
        }
    }
    if (real) {
        snprintf(files_dir, sizeof files_dir, "%s/", real);
        files_len = strlen(files_dir);
        free(real);
    }
    return 0;
}

/* ---- the harness ------------------------------------------------------------------------- */

typedef struct verb {
    const char *name;
    int (*run)(int, char **);
    int small_automata; /* refuse automata with more than 64 states */
    const char *limits[7]; /* options put before the fuzzer's arguments (bound the work) */
} verb;

/* A 7-state automaton can generate 7^7 = 823543 transformations (0.5 s per input): analyze
 * and decompose get small resource limits, which the fuzzer cannot raise (its numbers stay
 * below 100), so the exit-5 paths are fuzzed too. */
static const verb VERBS[] = {
    {"list", cmd_list, 0, {0}},
    {"show", cmd_show, 0, {0}},
    {"simulate", cmd_simulate, 0, {0}},
    {"gen", cmd_gen, 0, {0}},
    {"analyze", cmd_analyze, 1, {"--max-elements", "5000", 0}},
    {"decompose", cmd_decompose, 1,
     {"--max-sets", "2000", "--max-group-order", "5000", "--max-certify", "20000", 0}},
    {"scan", cmd_scan, 0, {0}},
    {"construct", cmd_construct, 0, {0}},
    {"compile", cmd_compile, 0, {0}},
    {"forward", cmd_forward, 0, {0}},
    {"certify", cmd_certify, 0, {0}},
};

#define MAX_ARGS 24

static void prop_spec(const char *s)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(s, &err);
    if (!tb) {
        CHECK(err.code == SC_EXIT_REJECTED || err.code == SC_EXIT_LIMIT);
        CHECK(err.msg[0] && !strchr(err.msg, '\n'));
        return;
    }
    sc_error e2;
    sc_error_clear(&e2);
    CHECK(sc_automaton_validate(tb->automaton, &e2) == 0);
    sc_testbed *tb2 = sc_catalog_build(tb->spec, &e2);
    CHECK(tb2 != NULL);
    const sc_automaton *a = tb->automaton, *b = tb2->automaton;
    CHECK(a->n == b->n && a->k == b->k && a->start == b->start);
    CHECK(!memcmp(a->delta, b->delta, (size_t)a->n * a->k * sizeof *a->delta));
    CHECK(!strcmp(tb->spec, tb2->spec));
    sc_testbed_free(tb2);
    sc_testbed_free(tb);
}

static void prop_list(const char *s)
{
    int32_t *v = NULL, *w = NULL;
    size_t n = 0, m = 0;
    if (cli_parse_list("fuzz", s, &v, &n)) {
        CHECK(v == NULL || n == 0);
        free(v);
        return;
    }
    size_t cap = n * 12 + 1;
    char *t = malloc(cap);
    CHECK(t);
    size_t len = 0;
    t[0] = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, "%s%d", i ? "," : "", v[i]);
    CHECK(cli_parse_list("fuzz", t, &w, &m) == 0 && m == n);
    CHECK(n == 0 || !memcmp(v, w, n * sizeof *v));
    free(t), free(v), free(w);
}

static int small_automaton(const char *s)
{
    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = sc_catalog_build(s, &err);
    int ok = !tb || tb->automaton->n <= 64;
    sc_testbed_free(tb);
    return ok;
}

/* --catalog or an abbreviation getopt_long accepts (--c, --cat, ...) */
static int catalog_option(const char *a)
{
    size_t n = strcspn(a, "=");
    return n >= 3 && n <= 9 && !strncmp(a, "--catalog", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    static char buf[4096 + 1];
    static char exp_[MAX_ARGS][4096 + 64];
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *p = buf, *end = buf + size;
    while (p <= end && argc < MAX_ARGS) {
        char *q = p;
        while (q < end && *q && *q != '\n')
            q++;
        *q = 0;
        argv[argc++] = p;
        p = q + 1;
    }
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++) {
        int run = 0;
        for (const char *c = argv[i]; *c; c++)
            if ((run = (*c >= '0' && *c <= '9') ? run + 1 : 0) >= 3)
                return 0;
        if (argv[i][0] == '@') {
            snprintf(exp_[i], sizeof exp_[i], "%s%s", files_dir, argv[i] + 1);
            argv[i] = exp_[i];
        }
    }
    if (!strcmp(argv[0], "spec")) {
        for (int i = 1; i < argc; i++)
            prop_spec(argv[i]);
        return 0;
    }
    if (!strcmp(argv[0], "list") && argc == 2 && argv[1][0] != '-') {
        prop_list(argv[1]);
        return 0;
    }
    const verb *v = NULL;
    for (size_t i = 0; i < sizeof VERBS / sizeof VERBS[0]; i++)
        if (!strcmp(argv[0], VERBS[i].name))
            v = &VERBS[i];
    if (!v)
        return 0;
    if (v->small_automata)
        for (int i = 1; i < argc; i++)
            if ((argv[i][0] != '-' && !small_automaton(argv[i])) ||
                (v->run == cmd_analyze && catalog_option(argv[i])))
                return 0;
    char *args[MAX_ARGS + 8];
    int n = 0;
    args[n++] = argv[0];
    for (const char *const *l = v->limits; *l; l++)
        args[n++] = (char *)*l;
    for (int i = 1; i <= argc; i++) /* with the terminating NULL */
        args[n++] = argv[i];
    mute();
    guarded = 1;
    int rc = v->run(n - 1, args);
    guarded = 0;
    unmute();
    if (rc < 0 || rc > 5) {
        fprintf(stderr, "SIGNATURE cli verb=%s exit=%d (expected 0..5)\n", argv[0], rc);
        abort();
    }
    return 0;
}
