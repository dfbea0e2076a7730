/* shortcut gen A --count N --length T [options] --out PREFIX
 * Labelled datasets as npy: PREFIX.inputs.npy, PREFIX.labels.npy [, PREFIX.lengths.npy]
 * [, PREFIX.cascade.npy].
 * Rows are generated in chunks of about 1 MB per array (memory stays bounded for any N),
 * streamed into temporary files, and all files are published together only when every one
 * is complete: a failed run leaves no output behind. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cascade.h"
#include "../gen.h"
#include "../io/npy.h"
#include "../load.h"
#include "cli.h"

static const char help[] =
    "usage: shortcut gen A --count N --length T --out PREFIX [options]\n"
    "       shortcut gen ffl --count N --length T --out PREFIX [--p-ignore P | --sparse |\n"
    "                        --dense] [options]\n"
    "\n"
    "Labelled datasets for the automaton A (catalog spec, alias or JSON file), sampled with\n"
    "A's default distribution (DESIGN.md §4; JSON automata: uniform). Writes\n"
    "  PREFIX.inputs.npy   (N, T) symbols        PREFIX.labels.npy  (N, T) states q_1..q_T\n"
    "  PREFIX.lengths.npy  (N,) int32 row lengths (with --random-length only)\n"
    "  PREFIX.cascade.npy  (N, T, L) int32 (with --cascade-labels only): the state of each of\n"
    "                      the L levels of the Krohn-Rhodes cascade (`decompose`) after each\n"
    "                      token (encoding in src/cascade.h; -1 = inactive level or padding)\n"
    "Options:\n"
    "  --count N           number of sequences (before sharding), N >= 1\n"
    "  --length T          sequence length (ffl: number of tokens, even, >= 4; default 512)\n"
    "  --seed S            0..2^64-1 (default 0); row r depends only on (S, r, arguments)\n"
    "  --random-length     each row's length uniform in 1..T (the first L tokens of the\n"
    "                      fixed-length row), tail padded with -1 in inputs and labels\n"
    "  --dtype int32|uint8 '<i4' (default) or '|u1'; uint8 needs states and symbols <= 255\n"
    "                      and stores -1 (padding, 'no label') as 255\n"
    "  --shard i/k         only rows i, i+k, i+2k, ... (k shards interleave to the full set)\n"
    "  --sampling default|uniform   uniform: every symbol i.i.d. uniform\n"
    "  --threads N         worker threads (default 1); the output does not depend on N\n"
    "  --out PREFIX        output path prefix (its directory must exist)\n"
    "  --cascade-labels    also write PREFIX.cascade.npy (not for ffl)\n"
    "  --json              print a summary object on stdout\n"
    "  --quiet             no progress on stderr (shown when stderr is a terminal or for\n"
    "                      runs of >= 10^9 tokens)\n"
    "Flip-flop language (A = ffl; tokens w r i 0 1 = 0..4, labels: the remembered bit at\n"
    "each position after an r, -1 elsewhere):\n"
    "  --p-ignore P        p_i = P, p_w = p_r = (1-P)/2 (default 0.8)\n"
    "  --sparse            --p-ignore 0.98 (OOD split)     --dense   --p-ignore 0.1\n"
    "Sampling and RNG definitions: src/gen.h and src/rng.h.\n"
    "Exit codes: 0 ok, 2 usage, 4 rejected automaton or output path, 5 size/disk limits.\n";

#define VERB "gen"

typedef struct job {
    const sc_gen *gen;
    const sc_ffl *ffl;
    uint64_t seed, row0, stride;
    size_t nrows;
    int32_t *in, *lab, *len;
} job;

static void run_job(const job *j)
{
    if (j->ffl)
        sc_ffl_fill(j->ffl, j->seed, j->row0, j->stride, j->nrows, j->in, j->lab);
    else
        sc_gen_fill(j->gen, j->seed, j->row0, j->stride, j->nrows, j->in, j->lab, j->len);
}

static void *thread_main(void *arg)
{
    run_job(arg);
    return NULL;
}

/* Fill `rows` consecutive output rows starting at output row `first`, split over threads. */
static int fill_chunk(const job *base, unsigned threads, uint64_t first, size_t rows, size_t T)
{
    job jobs[64];
    pthread_t tid[64];
    if (threads > rows / 64 + 1) /* keep slices of >= 64 rows */
        threads = (unsigned)(rows / 64 + 1);
    size_t per = (rows + threads - 1) / threads, at = 0;
    unsigned used = 0;
    for (unsigned t = 0; t < threads && at < rows; t++) {
        size_t n = rows - at < per ? rows - at : per;
        jobs[t] = *base;
        jobs[t].row0 = base->row0 + (first + at) * base->stride;
        jobs[t].nrows = n;
        jobs[t].in = base->in + at * T;
        jobs[t].lab = base->lab + at * T;
        jobs[t].len = base->len ? base->len + at : NULL;
        at += n;
        used++;
    }
    unsigned started = 0;
    for (unsigned t = 1; t < used; t++) {
        if (pthread_create(&tid[t], NULL, thread_main, &jobs[t]))
            break;
        started = t;
    }
    run_job(&jobs[0]);
    for (unsigned t = started + 1; t < used; t++) /* threads that could not start */
        run_job(&jobs[t]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void narrow_u8(const int32_t *src, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)src[i]; /* -1 -> 255; other values are checked to be <= 254 */
}

/* One chunk's buffers. */
typedef struct slot {
    int32_t *in, *lab, *len, *cas;
    uint8_t *narrow;
    size_t nrows;
} slot;

typedef struct wjob {
    slot *sl;
    npy_writer **w; /* inputs, labels, lengths, cascade (NULL when not written) */
    int u8;
    size_t T, levels;
    int rc;
    sc_error err;
} wjob;

static int write_slot(wjob *j)
{
    slot *sl = j->sl;
    size_t cells = sl->nrows * j->T;
    int rc;
    if (j->u8) {
        narrow_u8(sl->in, sl->narrow, cells);
        rc = npy_writer_write(j->w[0], sl->narrow, cells, &j->err);
        if (!rc) {
            narrow_u8(sl->lab, sl->narrow, cells);
            rc = npy_writer_write(j->w[1], sl->narrow, cells, &j->err);
        }
    } else {
        rc = npy_writer_write(j->w[0], sl->in, cells * sizeof(int32_t), &j->err);
        if (!rc)
            rc = npy_writer_write(j->w[1], sl->lab, cells * sizeof(int32_t), &j->err);
    }
    if (!rc && j->w[2])
        rc = npy_writer_write(j->w[2], sl->len, sl->nrows * sizeof(int32_t), &j->err);
    if (!rc && j->w[3])
        rc = npy_writer_write(j->w[3], sl->cas, cells * j->levels * sizeof(int32_t), &j->err);
    return j->rc = rc;
}

/* One writer thread for the whole run (not one per chunk: creating and ending a thread per
 * chunk costs stack mappings and cross-CPU TLB flushes that serialised the pipeline). */
typedef struct writer_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    wjob *job; /* the chunk being written; NULL when idle */
    int quit;
    pthread_t tid;
} writer_pipe;

static void *writer_main(void *arg)
{
    writer_pipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->job && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (!p->job)
            break;
        wjob *j = p->job;
        pthread_mutex_unlock(&p->mu);
        write_slot(j);
        pthread_mutex_lock(&p->mu);
        p->job = NULL;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int pipe_start(writer_pipe *p)
{
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->job = NULL;
    p->quit = 0;
    return pthread_create(&p->tid, NULL, writer_main, p);
}

static void pipe_submit(writer_pipe *p, wjob *j)
{
    pthread_mutex_lock(&p->mu);
    p->job = j;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Wait until the submitted chunk is written. */
static void pipe_wait(writer_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->job)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void pipe_stop(writer_pipe *p)
{
    pipe_wait(p);
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->tid, NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
}

/* SIGINT/SIGTERM/SIGHUP during a run: stop at the next chunk, remove the temporary files,
 * then die of the same signal. SIGXFSZ is ignored so that a file size limit is an EFBIG
 * write error (exit 5, cleaned up) rather than a kill that strands the temporary files. */
static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }
static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static char *path_with(const char *prefix, const char *suffix)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *p = malloc(a + b + 1);
    if (p) {
        memcpy(p, prefix, a);
        memcpy(p + a, suffix, b + 1);
    }
    return p;
}

int cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"count", required_argument, 0, 'n'},   {"length", required_argument, 0, 'T'},
        {"seed", required_argument, 0, 's'},    {"random-length", no_argument, 0, 'r'},
        {"dtype", required_argument, 0, 'd'},   {"shard", required_argument, 0, 'S'},
        {"sampling", required_argument, 0, 'm'}, {"out", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'},         {"json", no_argument, 0, 'j'},
        {"threads", required_argument, 0, 't'}, {"p-ignore", required_argument, 0, 'p'},
        {"sparse", no_argument, 0, 'P'},        {"dense", no_argument, 0, 'D'},
        {"cascade-labels", no_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    uint64_t N = 0, T = 0, seed = 0, shard_i = 0, shard_k = 1, threads = 1;
    int have_n = 0, have_t = 0, random_len = 0, u8 = 0, uniform = 0, quiet = 0, json = 0;
    int p_opts = 0, cascade = 0;
    double p_ignore = 0.8;
    const char *out = NULL;
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if ((rc = cli_u64(VERB, "--count", optarg, 1, INT64_MAX, &N)))
                return rc;
            have_n = 1;
            break;
        case 'T':
            if ((rc = cli_u64(VERB, "--length", optarg, 1, INT32_MAX, &T)))
                return rc;
            have_t = 1;
            break;
        case 's':
            if ((rc = cli_u64(VERB, "--seed", optarg, 0, UINT64_MAX, &seed)))
                return rc;
            break;
        case 'r': random_len = 1; break;
        case 'd':
            if (!strcmp(optarg, "int32"))
                u8 = 0;
            else if (!strcmp(optarg, "uint8"))
                u8 = 1;
            else
                return cli_usage(VERB, "--dtype expects int32 or uint8, got '%s'", optarg);
            break;
        case 'S': {
            char *slash = strchr(optarg, '/');
            if (!slash || slash == optarg || !slash[1])
                return cli_usage(VERB, "--shard expects i/k with 0 <= i < k, got '%s'", optarg);
            *slash = '\0';
            rc = cli_u64(VERB, "--shard (i)", optarg, 0, INT64_MAX, &shard_i);
            if (!rc)
                rc = cli_u64(VERB, "--shard (k)", slash + 1, 1, INT64_MAX, &shard_k);
            *slash = '/';
            if (rc)
                return rc;
            if (shard_i >= shard_k)
                return cli_usage(VERB, "--shard expects i/k with 0 <= i < k, got '%s'", optarg);
            break;
        }
        case 'm':
            if (!strcmp(optarg, "default"))
                uniform = 0;
            else if (!strcmp(optarg, "uniform"))
                uniform = 1;
            else
                return cli_usage(VERB, "--sampling expects default or uniform, got '%s'",
                                 optarg);
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'j': json = 1; break;
        case 't':
            if ((rc = cli_u64(VERB, "--threads", optarg, 1, 64, &threads)))
                return rc;
            break;
        case 'p':
            if ((rc = cli_double(VERB, "--p-ignore", optarg, 0, 1, &p_ignore)))
                return rc;
            p_opts++;
            break;
        case 'P': p_ignore = 0.98; p_opts++; break;
        case 'D': p_ignore = 0.1; p_opts++; break;
        case 'c': cascade = 1; break;
        case 'h': fputs(help, stdout); return SC_EXIT_OK;
        default:
            return cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(VERB, "expected exactly one automaton argument (or 'ffl')");
    const char *name = argv[optind];
    int is_ffl = !strcmp(name, "ffl");
    if (!have_n)
        return cli_usage(VERB, "--count is required");
    if (!out || !*out)
        return cli_usage(VERB, "--out PREFIX is required");
    if (is_ffl) {
        if (!have_t)
            T = 512;
        if (T < 4 || T % 2)
            return cli_usage(VERB, "ffl: --length counts tokens: an even number >= 4, got %llu",
                             (unsigned long long)T);
        if (random_len)
            return cli_usage(VERB, "ffl: --random-length is not supported (rows are pairs)");
        if (uniform)
            return cli_usage(VERB, "ffl: --sampling uniform does not apply (use --p-ignore)");
        if (p_opts > 1)
            return cli_usage(VERB, "give at most one of --p-ignore, --sparse, --dense");
        if (cascade)
            return cli_usage(VERB, "ffl: --cascade-labels applies to automata only");
    } else {
        if (!have_t)
            return cli_usage(VERB, "--length is required");
        if (p_opts)
            return cli_usage(VERB, "--p-ignore/--sparse/--dense apply to 'ffl' only");
    }

    /* Rows of this shard and the size limits. */
    uint64_t rows = shard_i < N ? (N - shard_i - 1) / shard_k + 1 : 0;
    if (rows > (uint64_t)(INT64_MAX / 8) / T)
        return cli_report(&(sc_error){SC_EXIT_LIMIT, "gen: --count x --length too large "
                                                      "(more than 2^60 tokens)"});

    sc_error err;
    sc_error_clear(&err);
    sc_testbed *tb = NULL;
    sc_cascade *cas = NULL;
    sc_gen gen;
    sc_ffl ffl;
    memset(&gen, 0, sizeof gen);
    const char *spec = "ffl";
    if (is_ffl) {
        double pw = (1 - p_ignore) / 2;
        if ((rc = sc_ffl_init(&ffl, (size_t)T, pw, pw, p_ignore, &err)))
            return cli_report(&err);
    } else {
        tb = sc_testbed_load(name, &err);
        if (!tb)
            return cli_report(&err);
        spec = tb->spec;
        const sc_automaton *a = tb->automaton;
        if (u8 && (a->n > 255 || a->k > 255)) {
            rc = sc_fail(&err, SC_EXIT_REJECTED,
                         "%s: --dtype uint8 needs at most 255 states and symbols (255 "
                         "encodes -1), automaton has %u states, %u symbols",
                         spec, a->n, a->k);
            sc_testbed_free(tb);
            return cli_report(&err);
        }
        if ((rc = sc_gen_init(&gen, a, &tb->sampler, uniform, (size_t)T, &err))) {
            sc_testbed_free(tb);
            return cli_report(&err);
        }
        if (cascade && !(cas = sc_cascade_build(a, NULL, &err))) {
            sc_gen_free(&gen);
            sc_testbed_free(tb);
            return cli_report(&err);
        }
    }
    size_t levels = cas ? sc_cascade_levels(cas) : 0;

    /* Chunk: about 1 MB of int32 per array and generating thread (cache-resident between
     * generation and write()), at least one row. With --threads >= 2 a writer thread writes
     * chunk i while threads-1 generators fill chunk i+1 (two buffer slots). */
    int pipelined = threads >= 2;
    unsigned gen_threads = pipelined ? (unsigned)threads - 1 : 1;
    size_t chunk = (size_t)((1u << 18) / T);
    if (chunk < 1)
        chunk = 1;
    if (chunk > 65536)
        chunk = 65536;
    chunk *= gen_threads;
    if (chunk > rows)
        chunk = rows ? (size_t)rows : 1;
    char *paths[4] = {NULL, NULL, NULL, NULL};
    npy_writer *w[4] = {NULL, NULL, NULL, NULL};
    slot slots[2];
    memset(slots, 0, sizeof slots);
    int nslots = pipelined ? 2 : 1, writing = 0;
    writer_pipe pipe;
    int pipe_on = 0;
    wjob wj;
    int handlers = 0, active[4] = {1, 1, random_len, cas != NULL};
    struct sigaction sa, old[3];
    paths[0] = path_with(out, ".inputs.npy");
    paths[1] = path_with(out, ".labels.npy");
    paths[2] = path_with(out, ".lengths.npy");
    paths[3] = path_with(out, ".cascade.npy");
    int mem_ok = paths[0] && paths[1] && paths[2] && paths[3];
    for (int i = 0; i < nslots; i++) {
        slot *sl = &slots[i];
        sl->in = malloc(chunk * (size_t)T * sizeof *sl->in);
        sl->lab = malloc(chunk * (size_t)T * sizeof *sl->lab);
        if (random_len)
            sl->len = malloc(chunk * sizeof *sl->len);
        if (u8)
            sl->narrow = malloc(chunk * (size_t)T);
        if (cas && levels)
            sl->cas = malloc(chunk * (size_t)T * levels * sizeof *sl->cas);
        mem_ok = mem_ok && sl->in && sl->lab && (!random_len || sl->len) && (!u8 || sl->narrow) &&
                 (!cas || !levels || sl->cas);
    }
    if (!mem_ok) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "gen: out of memory for a chunk of %zu rows x %llu",
                     chunk, (unsigned long long)T);
        goto done;
    }
    uint64_t shape[3] = {rows, T, levels};
    npy_dtype dt = u8 ? NPY_U1 : NPY_I4;
    for (int f = 0; f < 4; f++) {
        if (!active[f])
            continue;
        w[f] = f < 2 ? npy_writer_open(paths[f], dt, 2, shape, &err)
                     : npy_writer_open(paths[f], NPY_I4, f == 2 ? 1 : 3, shape, &err);
        if (!w[f]) {
            rc = err.code ? err.code : SC_EXIT_REJECTED;
            goto done;
        }
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &sa, &old[i]);
    handlers = 1;
    signal(SIGXFSZ, SIG_IGN);
    int progress = !quiet && (isatty(2) || rows * T >= 1000000000ull);
    int tty = isatty(2);
    if (pipelined)
        pipe_on = pipelined = !pipe_start(&pipe);
    double t0 = now(), last = t0;
    int cur = 0;
    for (uint64_t r = 0; r < rows;) {
        slot *sl = &slots[cur];
        sl->nrows = rows - r < chunk ? (size_t)(rows - r) : chunk;
        job base = {.gen = is_ffl ? NULL : &gen, .ffl = is_ffl ? &ffl : NULL, .seed = seed,
                    .row0 = shard_i, .stride = shard_k, .in = sl->in, .lab = sl->lab,
                    .len = sl->len};
        if (got_signal) {
            rc = sc_fail(&err, SC_EXIT_LIMIT, "gen: interrupted by signal %d, no output written",
                         (int)got_signal);
            goto done;
        }
        fill_chunk(&base, gen_threads, r, sl->nrows, (size_t)T);
        for (size_t i = 0; cas && i < sl->nrows; i++) { /* the cascade's level states */
            size_t len = random_len ? (size_t)sl->len[i] : (size_t)T;
            int32_t *lv = sl->cas + i * (size_t)T * levels;
            if ((rc = sc_cascade_run(cas, sl->in + i * (size_t)T, len, lv, NULL, &err)))
                goto done;
            for (size_t e = len * levels; e < (size_t)T * levels; e++)
                lv[e] = -1;
        }
        if (writing) { /* the previous chunk's write */
            pipe_wait(&pipe);
            writing = 0;
            if ((rc = wj.rc)) {
                err = wj.err;
                goto done;
            }
        }
        wj = (wjob){.sl = sl, .w = w, .u8 = u8, .T = (size_t)T, .levels = levels};
        sc_error_clear(&wj.err);
        if (pipelined) {
            pipe_submit(&pipe, &wj);
            writing = 1;
            cur ^= 1;
        } else if ((rc = write_slot(&wj))) {
            err = wj.err;
            goto done;
        }
        r += sl->nrows;
        if (progress) {
            double t = now();
            if (t - last >= 1.0 || (r == rows && t - t0 >= 1.0)) {
                last = t;
                fprintf(stderr, "%sshortcut gen: %5.1f%% (%llu/%llu rows), %.1f M tokens/s%s",
                        tty ? "\r" : "", 100.0 * (double)r / (double)rows,
                        (unsigned long long)r, (unsigned long long)rows,
                        (double)r * (double)T / (t - t0) / 1e6, tty ? "" : "\n");
            }
        }
    }
    if (writing) {
        pipe_wait(&pipe);
        writing = 0;
        if ((rc = wj.rc)) {
            err = wj.err;
            goto done;
        }
    }
    if (progress && tty && now() - t0 >= 1.0)
        fputc('\n', stderr);
    for (int f = 0; f < 4; f++)
        if (active[f] && (rc = npy_writer_finish(w[f], &err)))
            goto done;
    if (got_signal) {
        rc = sc_fail(&err, SC_EXIT_LIMIT, "gen: interrupted by signal %d, no output written",
                     (int)got_signal);
        goto done;
    }
    /* Every file is complete: publish them all (on a failure, withdraw the published ones). */
    for (int f = 0; f < 4; f++) {
        if (!active[f])
            continue;
        rc = npy_writer_publish(w[f], &err);
        w[f] = NULL; /* publish frees the writer, also on failure */
        if (rc) {
            for (int g = 0; g < f; g++)
                if (active[g])
                    unlink(paths[g]);
            goto done;
        }
    }
    if (json) {
        fputs("{\"automaton\": ", stdout);
        cli_json_string(stdout, spec);
        printf(", \"count\": %llu, \"length\": %llu, \"seed\": %llu, \"shard\": [%llu, %llu], "
               "\"dtype\": \"%s\", \"random_length\": %s, \"sampling\": \"%s\"",
               (unsigned long long)rows, (unsigned long long)T, (unsigned long long)seed,
               (unsigned long long)shard_i, (unsigned long long)shard_k, u8 ? "uint8" : "int32",
               random_len ? "true" : "false", uniform ? "uniform" : "default");
        if (is_ffl)
            printf(", \"p\": [%.17g, %.17g, %.17g]", (1 - p_ignore) / 2, (1 - p_ignore) / 2,
                   p_ignore);
        fputs(", \"files\": {\"inputs\": ", stdout);
        cli_json_string(stdout, paths[0]);
        fputs(", \"labels\": ", stdout);
        cli_json_string(stdout, paths[1]);
        if (random_len) {
            fputs(", \"lengths\": ", stdout);
            cli_json_string(stdout, paths[2]);
        }
        if (cas) {
            fputs(", \"cascade\": ", stdout);
            cli_json_string(stdout, paths[3]);
        }
        fputs("}}\n", stdout);
    }
    rc = 0;
done:
    if (pipe_on)
        pipe_stop(&pipe);
    for (int f = 0; f < 4; f++)
        npy_writer_abort(w[f]);
    for (int f = 0; f < 4; f++)
        free(paths[f]);
    for (int i = 0; i < 2; i++) {
        free(slots[i].in);
        free(slots[i].lab);
        free(slots[i].len);
        free(slots[i].narrow);
        free(slots[i].cas);
    }
    sc_cascade_free(cas);
    sc_gen_free(&gen);
    sc_testbed_free(tb);
    if (handlers) {
        for (int i = 0; i < 3; i++)
            sigaction(stop_signals[i], &old[i], NULL);
        if (got_signal) {
            cli_report(&err);
            raise(got_signal);
        }
    }
    return rc ? cli_report(&err) : SC_EXIT_OK;
}
