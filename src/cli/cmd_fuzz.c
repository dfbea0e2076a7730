/* shortcut fuzz: property-based fuzzing of an external implementation through npy files.
 * Generation, certification of rows and shrinking are in src/propfuzz.h; this file runs the
 * command (/bin/sh -c, its own process group, a timeout), handles the files of DIR and
 * reports. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../io/file.h"
#include "../io/npy.h"
#include "../load.h"
#include "../propfuzz.h"
#include "cli.h"

extern char **environ;

static const char help[] =
    "usage: shortcut fuzz --model-cmd CMD (--automaton A | --model M.safetensors) [--seed S]\n"
    "                     [--iterations N] [--budget SECONDS] [--out DIR] [--rows N]\n"
    "                     [--max-length T] [--format f32|f64] [--tol proven|atol=A,rtol=R|\n"
    "                     ulps=N] [--timeout SECONDS] [--max-shrink-runs N] [--json]\n"
    "\n"
    "Property-based fuzzing of an external implementation. Each iteration writes a batch of\n"
    "input sequences to DIR/input.npy (int32, shape (N, T), every row of length T), runs CMD\n"
    "with /bin/sh -c, reads DIR/output.npy and certifies it against the oracle:\n"
    "  --automaton A   output = predicted states, any integer dtype, shape (N, T): position t\n"
    "                  must equal the label q_{t+1} (`certify predictions`).\n"
    "  --model M       output = logits, '<f4' (--format f32) or '<f8' (f64), shape\n"
    "                  (N, T, n_classes), within the proven float tolerance of the exact\n"
    "                  semantics (`certify outputs`; --tol changes the tolerance; --format\n"
    "                  defaults to the model's dtype).\n"
    "In CMD, {in}, {out} and {dir} are replaced by the shell-quoted absolute paths of the input,\n"
    "the output and DIR; the environment also holds SHORTCUT_IN, SHORTCUT_OUT, SHORTCUT_DIR and\n"
    "SHORTCUT_FORMAT (int, f32 or f64). CMD runs in the current directory with stdin /dev/null,\n"
    "stdout and stderr to DIR/cmd.stdout and DIR/cmd.stderr.\n"
    "Inputs (reproducible from --seed, see src/propfuzz.h): varied shapes (the first batches:\n"
    "(N, T) of the largest size, (N, 1), (1, T); then random), rows from the testbed's own\n"
    "sampler, uniform rows and edge cases (constant, alternating, one odd token); for a model,\n"
    "uniform token sequences and the same edge cases, up to max_len.\n"
    "On a failure the batch is kept (DIR/failing.input.npy, DIR/failing.output.npy) and shrunk,\n"
    "re-running CMD on each candidate: the single failing row, the shortest failing sequence\n"
    "(prefixes, substrings, deletions), then the smallest tokens. The minimal case is saved as\n"
    "DIR/repro.input.npy and DIR/repro.output.npy, with DIR/replay.sh (one command: CMD on the\n"
    "reproducer, then `shortcut certify` on its output; exit 1 = reproduced), and reported on\n"
    "stdout as one signature line:\n"
    "  FAIL automaton=SPEC row=R position=P input=TOKENS expected=Q got=G\n"
    "  FAIL model=M format=F tol=TOL row=R position=P logit=C input=TOKENS exact=[LO,HI]\n"
    "       bound=[LO,HI] got=G\n"
    "Options:\n"
    "  --seed S            0..2^64-1 (default 0)\n"
    "  --iterations N      batches to run (default 100, unlimited with --budget)\n"
    "  --budget SECONDS    stop starting new batches after this time (both: whichever first)\n"
    "  --out DIR           working and result directory, created if missing (default fuzz-out)\n"
    "  --rows N            at most N sequences per run of CMD (default 32, at most 1024);\n"
    "                      shrinking batches up to min(N, 64) candidates per run\n"
    "  --max-length T      longest sequence (default 64 for automata, the model's max_len)\n"
    "  --timeout SECONDS   per run of CMD (default 600): exceeded = exit 5\n"
    "  --max-shrink-runs N runs of CMD spent on shrinking (default 200; then the best so far)\n"
    "  --json              one JSON object on stdout\n"
    "Exit 0: no failure found; 1: a certified failure (after shrinking); 2 usage; 3 some\n"
    "logits could not be decided (and no failure); 4 CMD exited non-zero, was killed, or wrote\n"
    "no, or a malformed, output (one line: status and stderr tail, or file, field, expected);\n"
    "5 timeout or resource limit. DIR keeps the last run's input.npy, output.npy, cmd.stdout\n"
    "and cmd.stderr.\n";

#define VERB "fuzz"
#define MAXC 64 /* candidate rows per shrinking run */

typedef struct fz {
    /* target */
    sc_testbed *tb;
    sc_gen gen;
    int have_gen;
    sc_model m;
    int have_model;
    sc_tol tol;
    const char *tols;
    long prec;
    uint32_t k;
    size_t C;
    const char *target; /* the --automaton or --model argument */
    /* command and files */
    const char *cmd;
    char *cmdline;
    char dir[PATH_MAX], in[PATH_MAX + 32], out[PATH_MAX + 32], sout[PATH_MAX + 32],
        serr[PATH_MAX + 32];
    double timeout;
    /* per-run results */
    sc_pf_model_ws mws;
    int32_t *labels;
    sc_pf_row *res;
    size_t *fail, cap_rows;
    uint64_t undecided;
    /* statistics */
    uint64_t runs, sequences, tokens;
} fz;

static volatile sig_atomic_t g_child;

static void on_signal(int sig)
{
    if (g_child > 0)
        kill(-(pid_t)g_child, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* s shell-quoted ('...' with ' as '\'') appended to a growing string. */
static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t nc = (*len + n + 1) * 2;
        char *b = realloc(*buf, nc);
        if (!b)
            return -1;
        *buf = b, *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
    return 0;
}

static int append_quoted(char **buf, size_t *len, size_t *cap, const char *s)
{
    if (append(buf, len, cap, "'", 1))
        return -1;
    for (; *s; s++)
        if (*s == '\'' ? append(buf, len, cap, "'\\''", 4) : append(buf, len, cap, s, 1))
            return -1;
    return append(buf, len, cap, "'", 1);
}

/* CMD with {in}, {out}, {dir} replaced by the quoted paths; NULL when out of memory. */
static char *substitute(const char *cmd, const char *in, const char *out, const char *dir)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (append(&buf, &len, &cap, "", 0))
        return NULL;
    for (const char *p = cmd; *p;) {
        const char *rep = !strncmp(p, "{in}", 4) ? in : !strncmp(p, "{out}", 5) ? out
                          : !strncmp(p, "{dir}", 5) ? dir : NULL;
        int bad = rep ? append_quoted(&buf, &len, &cap, rep) : append(&buf, &len, &cap, p, 1);
        if (bad) {
            free(buf);
            return NULL;
        }
        p += rep ? (rep == in ? 4 : 5) : 1;
    }
    return buf;
}

/* The last lines of CMD's stderr, joined by " | ", escaped, at most ~300 bytes. */
static void stderr_tail(const char *path, char *dst, size_t cap)
{
    unsigned char b[400];
    size_t n = 0;
    dst[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof b ? end - (off_t)sizeof b : 0;
    if (end > 0 && lseek(fd, from, SEEK_SET) == from)
        sc_read_full(fd, b, (size_t)(end - from), &n);
    close(fd);
    while (n && (b[n - 1] == '\n' || b[n - 1] == ' ' || b[n - 1] == '\r'))
        n--;
    size_t start = 0;
    if (from > 0) /* drop a partial first line */
        for (size_t i = 0; i < n; i++)
            if (b[i] == '\n') {
                start = i + 1;
                break;
            }
    unsigned char t[400];
    size_t m = 0;
    for (size_t i = start; i < n && m + 3 < sizeof t; i++) {
        if (b[i] == '\n') {
            memcpy(t + m, " | ", 3), m += 3;
        } else if (b[i] != '\r') {
            t[m++] = b[i];
        }
    }
    sc_escape(dst, cap, t, m, 300);
}

static int setenvs(const fz *f)
{
    return setenv("SHORTCUT_IN", f->in, 1) || setenv("SHORTCUT_OUT", f->out, 1) ||
           setenv("SHORTCUT_DIR", f->dir, 1) ||
           setenv("SHORTCUT_FORMAT", f->have_model ? (f->tol.bits == 32 ? "f32" : "f64")
                                                   : "int", 1);
}

/* Run CMD once; 0 when it exited 0, else an error (4 status/signal, 5 timeout). */
static int spawn_cmd(fz *f, const char *what, size_t rows, size_t T, sc_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, f->sout, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_addopen(&fa, 2, f->serr, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGINT), sigaddset(&def, SIGTERM), sigaddset(&def, SIGHUP);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {"sh", "-c", f->cmdline, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e)
        return sc_fail(err, e == ENOMEM || e == EAGAIN ? SC_EXIT_LIMIT : SC_EXIT_REJECTED,
                       "fuzz: cannot start /bin/sh for --model-cmd: %s", strerror(e));
    g_child = pid;
    double t0 = now();
    long delay_us = 500;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            kill(-pid, SIGKILL);
            g_child = 0;
            return sc_fail(err, SC_EXIT_REJECTED, "fuzz: waiting for --model-cmd: %s",
                           strerror(errno));
        }
        if (now() - t0 > f->timeout) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            g_child = 0;
            return sc_fail(err, SC_EXIT_LIMIT, "fuzz: --model-cmd did not finish within %g s "
                           "(--timeout) on %s (%s, shape (%zu, %zu)); killed", f->timeout,
                           what, f->in, rows, T);
        }
        struct timespec ts = {0, delay_us * 1000};
        nanosleep(&ts, NULL);
        delay_us = delay_us < 20000 ? delay_us * 2 : 20000;
    }
    g_child = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char tail[1024], how[96];
    stderr_tail(f->serr, tail, sizeof tail);
    if (WIFEXITED(status))
        snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(how, sizeof how, "ended abnormally (status 0x%x)", (unsigned)status);
    return sc_fail(err, SC_EXIT_REJECTED, "fuzz: --model-cmd %s on %s (input %s, shape (%zu, "
                   "%zu)); stderr: %s", how, what, f->in, rows, T, tail[0] ? tail : "(empty)");
}

static int grow_rows(fz *f, size_t rows, sc_error *err)
{
    if (rows <= f->cap_rows)
        return 0;
    sc_pf_row *r = realloc(f->res, rows * sizeof *r);
    if (r)
        f->res = r;
    size_t *p = realloc(f->fail, rows * sizeof *p);
    if (p)
        f->fail = p;
    if (!r || !p)
        return sc_fail(err, SC_EXIT_LIMIT, "fuzz: out of memory for %zu rows", rows);
    f->cap_rows = rows;
    return 0;
}

/* Write x, run CMD, read and certify its output: f->res[r], f->fail[r] for each row.
 * 0 (whether or not rows fail), or an error (CMD failed, malformed output, limits). */
static int run_batch(fz *f, const int32_t *x, size_t rows, size_t T, const char *what,
                     sc_error *err)
{
    int rc = grow_rows(f, rows, err);
    if (rc)
        return rc;
    npy_array a = {.dtype = NPY_I4, .ndim = 2, .shape = {rows, T}, .count = rows * T,
                   .nbytes = rows * T * sizeof *x, .data = (void *)x};
    if ((rc = npy_save(f->in, &a, err)))
        return rc;
    if (unlink(f->out) && errno != ENOENT)
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot remove the old %s: %s", f->out,
                       strerror(errno));
    f->runs++;
    if ((rc = spawn_cmd(f, what, rows, T, err)))
        return rc;
    struct stat st;
    if (stat(f->out, &st))
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: --model-cmd exited 0 but wrote no output "
                       "%s on %s (input %s, shape (%zu, %zu)): write it to {out} or "
                       "$SHORTCUT_OUT", f->out, what, f->in, rows, T);
    npy_array o;
    if ((rc = npy_load(f->out, &o, err))) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        return sc_fail(err, rc, "fuzz: output of --model-cmd on %s: %s", what, m);
    }
    uint64_t C = f->have_model ? f->C : 1;
    char got[128];
    int n = snprintf(got, sizeof got, "(");
    for (int i = 0; i < o.ndim && n < 100; i++)
        n += snprintf(got + n, sizeof got - (size_t)n, "%s%llu", i ? ", " : "",
                      (unsigned long long)o.shape[i]);
    snprintf(got + n, sizeof got - (size_t)n, "%s)", o.ndim == 1 ? "," : "");
    if (f->have_model && o.dtype != (f->tol.bits == 32 ? NPY_F4 : NPY_F8))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'descr': expected '%s' logits for "
                     "--format f%d, got '%s' (output of --model-cmd on %s)", f->out,
                     f->tol.bits == 32 ? "<f4" : "<f8", f->tol.bits, npy_descr(o.dtype), what);
    else if (!f->have_model && (o.dtype == NPY_F4 || o.dtype == NPY_F8))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'descr': expected an integer dtype "
                     "(predicted states), got '%s' (output of --model-cmd on %s)", f->out,
                     npy_descr(o.dtype), what);
    else if (f->have_model && (o.ndim != 3 || o.shape[0] != rows || o.shape[1] != T ||
                               o.shape[2] != C))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu, %zu, %llu) "
                     "(input rows, positions, n_classes), got %s (output of --model-cmd on %s)",
                     f->out, rows, T, (unsigned long long)C, got, what);
    else if (!f->have_model && (o.ndim != 2 || o.shape[0] != rows || o.shape[1] != T))
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: field 'shape': expected (%zu, %zu) (input "
                     "rows, positions), got %s (output of --model-cmd on %s)", f->out, rows, T,
                     got, what);
    int64_t *states = NULL;
    double *logits = NULL;
    if (!rc) {
        if (f->have_model)
            logits = malloc((T * C > 0 ? T * C : 1) * sizeof *logits);
        else
            states = malloc((T ? T : 1) * sizeof *states);
        if (!logits && !states)
            rc = sc_fail(err, SC_EXIT_LIMIT, "fuzz: out of memory for a row of %zu", T);
    }
    for (size_t r = 0; r < rows && !rc; r++) {
        const int32_t *w = x + r * T;
        if (f->have_model) {
            for (size_t e = 0; e < T * C; e++) {
                size_t i = r * T * C + e;
                if (f->tol.bits == 32) {
                    float v;
                    memcpy(&v, (const char *)o.data + i * 4, 4);
                    logits[e] = v;
                } else {
                    memcpy(&logits[e], (const char *)o.data + i * 8, 8);
                }
            }
            rc = sc_pf_check_logits(&f->m, &f->mws, &f->tol, f->prec, w, T, logits, &f->res[r],
                                    &f->undecided, err);
        } else {
            for (size_t t = 0; t < T; t++)
                npy_get_i64(&o, r * T + t, &states[t]);
            sc_pf_check_states(f->tb->automaton, w, T, states, f->labels, &f->res[r]);
        }
        f->fail[r] = f->res[r].verdict == SC_VERDICT_FAIL ? f->res[r].pos : SC_PF_PASS;
    }
    free(states), free(logits);
    npy_free(&o);
    return rc;
}

static void print_tokens(FILE *o, const int32_t *w, size_t T, size_t max)
{
    for (size_t t = 0; t < T && t < max; t++)
        fprintf(o, "%s%d", t ? "," : "", w[t]);
    if (T > max)
        fprintf(o, ",...(%zu tokens)", T);
}

static void signature(FILE *o, const fz *f, const int32_t *w, size_t T, size_t row,
                      const sc_pf_row *r)
{
    if (f->have_model) {
        fprintf(o, "FAIL model=%s format=f%d tol=%s row=%zu position=%zu logit=%zu input=",
                f->target, f->tol.bits, f->tols, row, r->pos, r->cls);
        print_tokens(o, w, T, 64);
        fprintf(o, " exact=[%.17g,%.17g]", r->xlo, r->xhi);
        if (!isnan(r->blo))
            fprintf(o, " bound=[%.17g,%.17g]", r->blo, r->bhi);
        fprintf(o, " got=%.17g\n", r->got);
    } else {
        fprintf(o, "FAIL automaton=%s row=%zu position=%zu input=", f->tb->spec, row, r->pos);
        print_tokens(o, w, T, 64);
        fprintf(o, " expected=%d got=%lld\n", r->expected, (long long)r->got_state);
    }
}

static void json_failure(const fz *f, const int32_t *w, size_t T, size_t row, const sc_pf_row *r)
{
    printf("{\"row\": %zu, \"position\": %zu, \"input\": [", row, r->pos);
    for (size_t t = 0; t < T; t++)
        printf("%s%d", t ? ", " : "", w[t]);
    printf("]");
    if (f->have_model) {
        printf(", \"logit\": %zu, \"got\": %.17g, \"exact\": [%.17g, %.17g], \"bound\": ",
               r->cls, r->got, r->xlo, r->xhi);
        if (isnan(r->blo))
            printf("null");
        else
            printf("[%.17g, %.17g]", r->blo, r->bhi);
    } else {
        printf(", \"expected\": %d, \"got\": %lld", r->expected, (long long)r->got_state);
    }
    printf("}");
}

/* Copy a file atomically (temp + rename). 0 or an error. */
static int copy_file(const char *from, const char *to, sc_error *err)
{
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot read %s: %s", from, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = sc_read_all(fd, 1 << 16, from, &buf, &len, err);
    close(fd);
    if (rc)
        return rc;
    char tmp[PATH_MAX + 64];
    int out = sc_open_temp(to, tmp, sizeof tmp);
    if (out < 0) {
        free(buf);
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot create %s: %s", to, strerror(errno));
    }
    ssize_t wr = 0;
    for (size_t off = 0; off < len; off += (size_t)wr)
        if ((wr = write(out, buf + off, len - off)) <= 0 && errno != EINTR)
            break;
        else if (wr < 0)
            wr = 0;
    free(buf);
    if (close(out) || wr < 0 || rename(tmp, to)) {
        unlink(tmp);
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot write %s: %s", to, strerror(errno));
    }
    return 0;
}

static int move_file(const char *from, const char *to, sc_error *err)
{
    if (rename(from, to))
        return sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot rename %s to %s: %s", from, to,
                       strerror(errno));
    return 0;
}

/* DIR/replay.sh: one command that runs CMD on the reproducer and certifies its output. */
static int write_replay(const fz *f, const char *sig, sc_error *err)
{
    char path[PATH_MAX + 32], rin[PATH_MAX + 32], rout[PATH_MAX + 32], cwd[PATH_MAX],
        self[PATH_MAX];
    snprintf(path, sizeof path, "%s/replay.sh", f->dir);
    snprintf(rin, sizeof rin, "%s/repro.input.npy", f->dir);
    snprintf(rout, sizeof rout, "%s/replay.output.npy", f->dir);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(self, sizeof self, "shortcut");
    } else { /* a binary replaced while running (a rebuild) reads "PATH (deleted)" */
        self[n] = 0;
        if (n > 10 && !strcmp(self + n - 10, " (deleted)"))
            self[n - 10] = 0;
    }
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    char *cmd = substitute(f->cmd, rin, rout, f->dir);
    char *s = NULL;
    size_t len = 0, cap = 0;
    int bad = !cmd || append(&s, &len, &cap, "#!/bin/sh\n# shortcut fuzz reproducer: ", 38);
    bad = bad || append(&s, &len, &cap, sig, strlen(sig));
    const char *doc = "# Runs --model-cmd on repro.input.npy and certifies its output with "
                      "shortcut certify: exit 1 = the failure reproduces.\ncd ";
    bad = bad || append(&s, &len, &cap, doc, strlen(doc)) ||
          append_quoted(&s, &len, &cap, cwd) ||
          append(&s, &len, &cap, " && rm -f ", 10) || append_quoted(&s, &len, &cap, rout) ||
          append(&s, &len, &cap, " && SHORTCUT_IN=", 16) || append_quoted(&s, &len, &cap, rin) ||
          append(&s, &len, &cap, " SHORTCUT_OUT=", 14) || append_quoted(&s, &len, &cap, rout) ||
          append(&s, &len, &cap, " SHORTCUT_DIR=", 14) || append_quoted(&s, &len, &cap, f->dir);
    const char *fmt = f->have_model ? (f->tol.bits == 32 ? "f32" : "f64") : "int";
    bad = bad || append(&s, &len, &cap, " SHORTCUT_FORMAT=", 17) ||
          append(&s, &len, &cap, fmt, strlen(fmt)) ||
          append(&s, &len, &cap, " /bin/sh -c ", 12) || append_quoted(&s, &len, &cap, cmd) ||
          append(&s, &len, &cap, " && ", 4) || append_quoted(&s, &len, &cap, self);
    if (f->have_model) {
        char target[PATH_MAX];
        const char *m = realpath(f->target, target) ? target : f->target;
        char fl[8];
        snprintf(fl, sizeof fl, "f%d", f->tol.bits);
        bad = bad || append(&s, &len, &cap, " certify outputs --model ", 25) ||
              append_quoted(&s, &len, &cap, m) || append(&s, &len, &cap, " --format ", 10) ||
              append(&s, &len, &cap, fl, strlen(fl)) ||
              append(&s, &len, &cap, " --tol ", 7) || append_quoted(&s, &len, &cap, f->tols) ||
              append(&s, &len, &cap, " --outputs ", 11);
    } else {
        char target[PATH_MAX];
        struct stat st;
        const char *a = stat(f->target, &st) == 0 && realpath(f->target, target) ? target
                        : f->tb->spec;
        bad = bad || append(&s, &len, &cap, " certify predictions --automaton ", 33) ||
              append_quoted(&s, &len, &cap, a) || append(&s, &len, &cap, " --predictions ", 15);
    }
    bad = bad || append_quoted(&s, &len, &cap, rout) ||
          append(&s, &len, &cap, " --inputs ", 10) || append_quoted(&s, &len, &cap, rin) ||
          append(&s, &len, &cap, "\n", 1);
    free(cmd);
    if (bad) {
        free(s);
        return sc_fail(err, SC_EXIT_LIMIT, "fuzz: out of memory writing %s", path);
    }
    char tmp[PATH_MAX + 64];
    int fd = sc_open_temp(path, tmp, sizeof tmp);
    int rc = 0;
    if (fd < 0 || write(fd, s, len) != (ssize_t)len || fchmod(fd, 0755) || close(fd) ||
        rename(tmp, path)) {
        rc = sc_fail(err, SC_EXIT_REJECTED, "fuzz: cannot write %s: %s", path, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(s);
    return rc;
}

static int setup_dir(fz *f, const char *out, sc_error *err)
{
    if (mkdir(out, 0777) && errno != EEXIST)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: cannot create the --out directory: %s", out,
                       strerror(errno));
    struct stat st;
    if (stat(out, &st) || !S_ISDIR(st.st_mode))
        return sc_fail(err, SC_EXIT_REJECTED, "%s: --out must be a directory", out);
    if (!realpath(out, f->dir))
        return sc_fail(err, SC_EXIT_REJECTED, "%s: %s", out, strerror(errno));
    snprintf(f->in, sizeof f->in, "%s/input.npy", f->dir);
    snprintf(f->out, sizeof f->out, "%s/output.npy", f->dir);
    snprintf(f->sout, sizeof f->sout, "%s/cmd.stdout", f->dir);
    snprintf(f->serr, sizeof f->serr, "%s/cmd.stderr", f->dir);
    static const char *stale[] = {"failing.input.npy", "failing.output.npy", "repro.input.npy",
                                  "repro.output.npy", "replay.output.npy", "replay.sh"};
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
        char p[PATH_MAX + 32];
        snprintf(p, sizeof p, "%s/%s", f->dir, stale[i]);
        if (unlink(p) && errno != ENOENT)
            return sc_fail(err, SC_EXIT_REJECTED, "%s: cannot remove an old result: %s", p,
                           strerror(errno));
    }
    return 0;
}

static void fz_free(fz *f)
{
    if (f->have_gen)
        sc_gen_free(&f->gen);
    sc_testbed_free(f->tb);
    sc_pf_model_ws_free(&f->mws);
    if (f->have_model)
        sc_model_free(&f->m);
    free(f->cmdline), free(f->labels), free(f->res), free(f->fail);
}

int cmd_fuzz(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model-cmd", required_argument, 0, 'c'}, {"automaton", required_argument, 0, 'a'},
        {"model", required_argument, 0, 'm'},     {"seed", required_argument, 0, 's'},
        {"iterations", required_argument, 0, 'n'}, {"budget", required_argument, 0, 'b'},
        {"out", required_argument, 0, 'o'},       {"rows", required_argument, 0, 'r'},
        {"max-length", required_argument, 0, 'T'}, {"format", required_argument, 0, 'f'},
        {"tol", required_argument, 0, 't'},       {"timeout", required_argument, 0, 'w'},
        {"max-shrink-runs", required_argument, 0, 'S'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    const char *cmd = NULL, *aut = NULL, *model = NULL, *outdir = "fuzz-out", *tols = NULL;
    uint64_t seed = 0, iters = 0, rows_max = 32, maxlen = 0, shrink_runs = 200;
    double budget = 0, timeout = 600;
    int have_iters = 0, have_budget = 0, bits = 0, json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cmd = optarg; break;
        case 'a': aut = optarg; break;
        case 'm': model = optarg; break;
        case 's':
            if (cli_u64(VERB, "--seed", optarg, 0, UINT64_MAX, &seed))
                return SC_EXIT_USAGE;
            break;
        case 'n':
            if (cli_u64(VERB, "--iterations", optarg, 1, UINT64_MAX, &iters))
                return SC_EXIT_USAGE;
            have_iters = 1;
            break;
        case 'b':
            if (cli_double(VERB, "--budget", optarg, 0, 1e9, &budget))
                return SC_EXIT_USAGE;
            have_budget = 1;
            break;
        case 'o': outdir = optarg; break;
        case 'r':
            if (cli_u64(VERB, "--rows", optarg, 1, 1024, &rows_max))
                return SC_EXIT_USAGE;
            break;
        case 'T':
            if (cli_u64(VERB, "--max-length", optarg, 1, 1u << 20, &maxlen))
                return SC_EXIT_USAGE;
            break;
        case 'f':
            if (strcmp(optarg, "f32") && strcmp(optarg, "f64"))
                return cli_usage(VERB, "--format expects f32 or f64, got '%s'", optarg);
            bits = optarg[1] == '3' ? 32 : 64;
            break;
        case 't': tols = optarg; break;
        case 'w':
            if (cli_double(VERB, "--timeout", optarg, 0.001, 1e9, &timeout))
                return SC_EXIT_USAGE;
            break;
        case 'S':
            if (cli_u64(VERB, "--max-shrink-runs", optarg, 0, 1u << 30, &shrink_runs))
                return SC_EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default: return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage(VERB, "unexpected argument '%s'", argv[optind]);
    if (!cmd || !*cmd)
        return cli_usage(VERB, "--model-cmd is required");
    if (!aut == !model)
        return cli_usage(VERB, "give exactly one of --automaton and --model");
    if (aut && (bits || tols))
        return cli_usage(VERB, "--format and --tol apply to --model only");
    if (!*outdir)
        return cli_usage(VERB, "--out expects a directory");
    if (!have_iters)
        iters = have_budget ? UINT64_MAX : 100;

    fz f;
    memset(&f, 0, sizeof f);
    f.cmd = cmd, f.timeout = timeout, f.prec = SC_X_PREC_DEFAULT;
    f.target = aut ? aut : model;
    f.tols = tols ? tols : "proven";
    sc_error err;
    sc_error_clear(&err);
    int rc = 0;
    if (aut) {
        if (!(f.tb = sc_testbed_load(aut, &err)))
            return cli_report(&err);
        const sc_automaton *a = f.tb->automaton;
        f.k = a->k;
        if (!maxlen)
            maxlen = 64;
        rc = sc_gen_init(&f.gen, a, &f.tb->sampler, 0, (size_t)maxlen, &err);
        f.have_gen = !rc;
        if (!rc && !(f.labels = malloc((size_t)maxlen * 2 * sizeof *f.labels)))
            rc = sc_fail(&err, SC_EXIT_LIMIT, "fuzz: out of memory");
    } else {
        if ((rc = sc_model_load(model, &f.m, &err)))
            return cli_report(&err);
        f.have_model = 1;
        f.k = f.m.vocab, f.C = f.m.n_classes;
        if (!bits)
            bits = f.m.dtype == ST_F32 ? 32 : 64;
        if (sc_tol_parse(f.tols, bits, &f.tol)) {
            fz_free(&f);
            return cli_usage(VERB, "--tol expects proven, atol=A,rtol=R or ulps=N, got '%s'",
                             f.tols);
        }
        if (maxlen > f.m.max_len) {
            fz_free(&f);
            return cli_usage(VERB, "--max-length %llu exceeds the model's max_len %u",
                             (unsigned long long)maxlen, f.m.max_len);
        }
        if (!maxlen)
            maxlen = f.m.max_len;
        rc = sc_pf_model_ws_new(&f.mws, &f.m, (size_t)maxlen, &f.tol, &err);
    }
    rc = rc ? rc : setup_dir(&f, outdir, &err);
    if (!rc && (!(f.cmdline = substitute(cmd, f.in, f.out, f.dir)) || setenvs(&f)))
        rc = sc_fail(&err, SC_EXIT_LIMIT, "fuzz: out of memory");
    size_t T = (size_t)maxlen, R = (size_t)rows_max;
    int32_t *x = rc ? NULL : malloc(R * T * sizeof *x);
    if (!rc && !x)
        rc = sc_fail(&err, SC_EXIT_LIMIT, "fuzz: out of memory for %zu x %zu inputs", R, T);
    if (rc) {
        free(x);
        fz_free(&f);
        return cli_report(&err);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL), sigaction(SIGTERM, &sa, NULL), sigaction(SIGHUP, &sa, NULL);

    double t0 = now();
    uint64_t it = 0;
    size_t rows = 0, len = 0, frow = SC_PF_PASS;
    for (; it < iters && (it == 0 || !have_budget || now() - t0 < budget); it++) {
        sc_pf_shape(seed, it, R, T, &rows, &len);
        sc_pf_fill(f.have_gen ? &f.gen : NULL, f.k, seed, it, rows, len, x, f.labels);
        char what[64];
        snprintf(what, sizeof what, "iteration %llu", (unsigned long long)it);
        if ((rc = run_batch(&f, x, rows, len, what, &err)))
            break;
        f.sequences += rows, f.tokens += rows * len;
        for (size_t r = 0; r < rows && frow == SC_PF_PASS; r++)
            if (f.fail[r] != SC_PF_PASS)
                frow = r;
        if (frow != SC_PF_PASS)
            break;
    }
    if (rc) {
        free(x);
        fz_free(&f);
        return cli_report(&err);
    }
    double elapsed = now() - t0;
    if (frow == SC_PF_PASS) { /* no failure */
        const char *verdict = f.undecided ? "INCONCLUSIVE" : "PASS";
        if (json) {
            printf("{\"verdict\": \"%s\", \"target\": \"%s\", \"%s\": ", verdict,
                   f.have_model ? "model" : "automaton", f.have_model ? "model" : "automaton");
            cli_json_string(stdout, f.have_model ? model : f.tb->spec);
            printf(", \"seed\": %llu, \"iterations\": %llu, \"runs\": %llu, \"sequences\": %llu, "
                   "\"tokens\": %llu, \"undecided\": %llu, \"seconds\": %.3f, \"failure\": "
                   "null}\n", (unsigned long long)seed, (unsigned long long)it,
                   (unsigned long long)f.runs, (unsigned long long)f.sequences,
                   (unsigned long long)f.tokens, (unsigned long long)f.undecided, elapsed);
        } else {
            printf("fuzz: %s: %llu batches, %llu sequences, %llu tokens, no failure (seed %llu, "
                   "%.1f s)\n", verdict, (unsigned long long)it,
                   (unsigned long long)f.sequences, (unsigned long long)f.tokens,
                   (unsigned long long)seed, elapsed);
            if (f.undecided)
                printf("%llu logits could not be decided at 4096 bits\n",
                       (unsigned long long)f.undecided);
        }
        int code = f.undecided ? SC_EXIT_INCONCLUSIVE : SC_EXIT_OK;
        free(x);
        fz_free(&f);
        return code;
    }

    /* a failure: keep it, shrink it, save the reproducer, report */
    uint64_t fail_it = it;
    sc_pf_row first = f.res[frow];
    size_t frows = rows, flen = len;
    char fin[PATH_MAX + 32], fout[PATH_MAX + 32], rin[PATH_MAX + 32], rout[PATH_MAX + 32];
    snprintf(fin, sizeof fin, "%s/failing.input.npy", f.dir);
    snprintf(fout, sizeof fout, "%s/failing.output.npy", f.dir);
    snprintf(rin, sizeof rin, "%s/repro.input.npy", f.dir);
    snprintf(rout, sizeof rout, "%s/repro.output.npy", f.dir);
    rc = move_file(f.in, fin, &err);
    rc = rc ? rc : move_file(f.out, fout, &err);
    sc_pf_row *orig_res = malloc(rows * sizeof *orig_res);
    if (!rc && !orig_res)
        rc = sc_fail(&err, SC_EXIT_LIMIT, "fuzz: out of memory");
    if (!rc)
        memcpy(orig_res, f.res, rows * sizeof *orig_res);
    if (!json && !rc)
        fprintf(stderr, "fuzz: iteration %llu: row %zu of a (%zu, %zu) batch fails at position "
                "%zu; shrinking\n", (unsigned long long)fail_it, frow, rows, len, first.pos);
    sc_shrink sh;
    int shrunk = 0;
    if (!rc) {
        /* candidates per run: at most --rows (and MAXC); --rows 1: one sequence per run */
        size_t maxc = R < 2 ? 2 : R > MAXC ? MAXC : R;
        rc = sc_shrink_init(&sh, x, rows, len, f.fail, f.k, maxc, (size_t)shrink_runs, R >= 2,
                            &err);
        shrunk = !rc;
    }
    uint64_t cand_errors = 0, runs0 = f.runs;
    char cand_msg[sizeof err.msg] = "";
    const int32_t *cx;
    size_t cr, cT;
    while (!rc && sc_shrink_next(&sh, &cx, &cr, &cT)) {
        sc_error e2;
        char what[64];
        snprintf(what, sizeof what, "shrinking run %llu", (unsigned long long)(f.runs - runs0));
        if (run_batch(&f, cx, cr, cT, what, &e2)) {
            if (!cand_errors++)
                snprintf(cand_msg, sizeof cand_msg, "%s", e2.msg);
            sc_shrink_feed(&sh, NULL);
        } else {
            sc_shrink_feed(&sh, f.fail);
        }
    }
    const int32_t *fx = x;
    size_t fr = rows, fT = len, row = frow;
    int status = SC_SHRINK_FLAKY;
    const sc_pf_row *res = orig_res;
    if (shrunk) {
        status = sc_shrink_result(&sh, &fx, &fr, &fT);
        if (status == SC_SHRINK_OK) {
            res = f.res;
            row = 0;
            while (row < fr && f.fail[row] == SC_PF_PASS)
                row++;
            rc = rc ? rc : move_file(f.in, rin, &err);
            rc = rc ? rc : move_file(f.out, rout, &err);
        } else {
            fx = x, fr = rows, fT = len;
        }
    }
    if (!rc && status != SC_SHRINK_OK) {
        rc = copy_file(fin, rin, &err);
        rc = rc ? rc : copy_file(fout, rout, &err);
    }
    char *sig = NULL;
    size_t siglen = 0;
    if (!rc) {
        FILE *m = open_memstream(&sig, &siglen);
        if (m) {
            signature(m, &f, fx + row * fT, fT, row, &res[row]);
            fclose(m);
        }
        if (!sig)
            rc = sc_fail(&err, SC_EXIT_LIMIT, "fuzz: out of memory");
    }
    rc = rc ? rc : write_replay(&f, sig, &err);
    if (!rc && json) {
        printf("{\"verdict\": \"FAIL\", \"target\": \"%s\", \"%s\": ",
               f.have_model ? "model" : "automaton", f.have_model ? "model" : "automaton");
        cli_json_string(stdout, f.have_model ? model : f.tb->spec);
        printf(", \"seed\": %llu, \"iterations\": %llu, \"runs\": %llu, \"sequences\": %llu, "
               "\"tokens\": %llu, \"seconds\": %.3f, \"signature\": ", (unsigned long long)seed,
               (unsigned long long)fail_it + 1, (unsigned long long)f.runs,
               (unsigned long long)f.sequences, (unsigned long long)f.tokens, now() - t0);
        sig[siglen ? siglen - 1 : 0] = 0;
        cli_json_string(stdout, sig);
        printf(", \"failure\": ");
        json_failure(&f, fx + row * fT, fT, row, &res[row]);
        printf(", \"original\": {\"iteration\": %llu, \"rows\": %zu, \"length\": %zu, \"row\": "
               "%zu, \"position\": %zu}, \"shrink\": {\"runs\": %llu, \"failed_runs\": %llu, "
               "\"status\": \"%s\", \"rows\": %zu, \"length\": %zu}, \"files\": {\"input\": ",
               (unsigned long long)fail_it, frows, flen, frow, first.pos,
               (unsigned long long)(f.runs - runs0), (unsigned long long)cand_errors,
               status == SC_SHRINK_OK ? "ok" : "flaky", fr, fT);
        cli_json_string(stdout, rin);
        printf(", \"output\": ");
        cli_json_string(stdout, rout);
        printf(", \"replay\": ");
        char rp[PATH_MAX + 32];
        snprintf(rp, sizeof rp, "%s/replay.sh", f.dir);
        cli_json_string(stdout, rp);
        printf("}}\n");
    } else if (!rc) {
        fputs(sig, stdout);
        printf("found at iteration %llu (seed %llu): row %zu of a (%zu, %zu) batch, position %zu;"
               " shrunk in %llu runs to (%zu, %zu)%s\n", (unsigned long long)fail_it,
               (unsigned long long)seed, frow, frows, flen, first.pos,
               (unsigned long long)(f.runs - runs0), fr, fT,
               status == SC_SHRINK_OK ? ""
                   : " (NOT reproducible alone: the implementation is not deterministic; the "
                     "original batch is kept)");
        printf("reproducer: %s (output %s); replay: sh %s/replay.sh\n", rin, rout, f.dir);
    }
    if (!rc && cand_errors)
        fprintf(stderr, "fuzz: %llu shrinking runs produced no usable output (counted as not "
                "reproducing); the first: %s\n", (unsigned long long)cand_errors, cand_msg);
    free(sig);
    free(orig_res);
    if (shrunk)
        sc_shrink_free(&sh);
    free(x);
    fz_free(&f);
    if (rc)
        return cli_report(&err);
    return SC_EXIT_FAIL;
}
