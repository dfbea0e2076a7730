/* The general scan driver (contracts and method definitions in scan.h): any element size and
 * associative operation, each round split over POSIX threads. Not WP-proved; tested against
 * the proved kernels of scan_tf.c and the sequential definition (tests/unit/check_scan.c).
 * Every thread count performs exactly the same operations on the same operands (rounds are
 * separated by barriers), so the results, rounds and work are identical. */
#include "scan.h"

#include <pthread.h>
#include <string.h>

int sc_scan_method_parse(const char *s, sc_scan_method *m)
{
    if (!strcmp(s, "sequential") || !strcmp(s, "seq"))
        *m = SC_SCAN_SEQUENTIAL;
    else if (!strcmp(s, "hillis-steele") || !strcmp(s, "hs"))
        *m = SC_SCAN_HILLIS_STEELE;
    else if (!strcmp(s, "blelloch"))
        *m = SC_SCAN_BLELLOCH;
    else
        return SC_SCAN_EARG;
    return SC_SCAN_OK;
}

const char *sc_scan_method_name(sc_scan_method m)
{
    switch (m) {
    case SC_SCAN_SEQUENTIAL: return "sequential";
    case SC_SCAN_HILLIS_STEELE: return "hillis-steele";
    case SC_SCAN_BLELLOCH: return "blelloch";
    }
    return "?";
}

unsigned sc_scan_clog2(uint64_t T)
{
    unsigned r = 0;
    while (r < 64 && ((uint64_t)1 << r) < T)
        r++;
    return r;
}

/* Blelloch levels: m_0 = T, m_{d+1} = floor(m_d / 2), down to 1. */
void sc_scan_cost(sc_scan_method m, size_t T, sc_scan_stats *st)
{
    st->rounds = st->work = 0;
    if (T <= 1)
        return;
    if (m == SC_SCAN_SEQUENTIAL) {
        st->rounds = st->work = T - 1;
    } else if (m == SC_SCAN_HILLIS_STEELE) {
        for (size_t off = 1; off < T; off *= 2) {
            st->rounds++;
            st->work += T - off;
        }
    } else {
        for (size_t md = T; md >= 2; md /= 2) {
            st->rounds++;           /* pairing: floor(md/2) operations */
            st->work += md / 2;
            if ((md + 1) / 2 > 1) { /* expansion: ceil(md/2) - 1 operations */
                st->rounds++;
                st->work += (md + 1) / 2 - 1;
            }
        }
    }
}

static int mul_ok(size_t a, size_t b, size_t *out)
{
    if (a && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* Scratch layout: one temporary element per thread, each in a slot of temp_slot(size) bytes
 * so that no two threads' temporaries share a cache line (a shared line made the 2-thread
 * Blelloch slower than 1 thread), then the elements: HS one buffer of T; Blelloch the
 * levels 1.. (< T). */
#define SC_CACHE_LINE 64

static size_t temp_slot(size_t sz)
{
    return (sz / SC_CACHE_LINE + 2) * SC_CACHE_LINE;
}

static int scratch_elems(sc_scan_method m, size_t T, unsigned threads, size_t *elems)
{
    if (threads < 1 || threads > SC_SCAN_MAX_THREADS || m > SC_SCAN_BLELLOCH)
        return SC_SCAN_EARG;
    size_t e = 0;
    if (m == SC_SCAN_HILLIS_STEELE)
        e += T;
    else if (m == SC_SCAN_BLELLOCH)
        for (size_t md = T / 2; md >= 1; md /= 2)
            e += md;
    *elems = e;
    return SC_SCAN_OK;
}

int sc_scan_scratch_bytes(sc_scan_method m, size_t elem_size, size_t T, unsigned threads,
                          size_t *bytes)
{
    size_t e, eb, tb;
    if (elem_size > SIZE_MAX / 2 - SC_CACHE_LINE || scratch_elems(m, T, threads, &e) ||
        !mul_ok(e, elem_size, &eb) || !mul_ok(threads, temp_slot(elem_size), &tb) ||
        eb > SIZE_MAX - tb)
        return SC_SCAN_EARG;
    *bytes = eb + tb;
    return SC_SCAN_OK;
}

/* ------------------------------------------------------------------ the round engine */

typedef struct tf_ctx {
    size_t n, k;
    const sc_state *delta;
    const int32_t *word;
} tf_ctx;

typedef struct job {
    const sc_scan_monoid *mo;
    sc_scan_method m;
    unsigned char *x;       /* T elements */
    size_t T;
    unsigned char *scratch; /* see scratch_elems */
    unsigned threads;
    const tf_ctx *tf;       /* transformations of an automaton's word: fused Blelloch */
    pthread_barrier_t barrier;
    pthread_mutex_t gate_mu; /* start gate: 0 wait, 1 go, 2 abort (a thread failed to start) */
    pthread_cond_t gate_cv;
    int gate;
} job;

typedef struct worker {
    job *j;
    unsigned tid;
} worker;

#define EL(base, i) ((base) + (size_t)(i) * sz)

/* Share [lo, hi) of cnt items for thread tid of p (contiguous, balanced, no overflow). */
static void share(size_t cnt, unsigned tid, unsigned p, size_t *lo, size_t *hi)
{
    size_t q = cnt / p, r = cnt % p;
    *lo = q * tid + (tid < r ? tid : r);
    *hi = *lo + q + (tid < r);
}

static void sync_threads(job *j)
{
    if (j->threads > 1)
        pthread_barrier_wait(&j->barrier);
}

static void run_sequential(job *j, unsigned char *tmp)
{
    const sc_scan_monoid *mo = j->mo;
    size_t sz = mo->size;
    for (size_t t = 1; t < j->T; t++) {
        mo->op(mo->ctx, EL(j->x, t - 1), EL(j->x, t), tmp);
        memcpy(EL(j->x, t), tmp, sz);
    }
}

static void run_hs(job *j, unsigned tid)
{
    const sc_scan_monoid *mo = j->mo;
    size_t sz = mo->size, T = j->T, lo, hi;
    unsigned char *cur = j->x, *nxt = j->scratch + (size_t)j->threads * temp_slot(sz);
    share(T, tid, j->threads, &lo, &hi);
    for (size_t off = 1; off < T; off *= 2) {
        size_t a = lo, b = hi < off ? hi : off; /* copies: t < off */
        if (a < b)
            memcpy(EL(nxt, a), EL(cur, a), (b - a) * sz);
        for (size_t t = lo > off ? lo : off; t < hi; t++)
            mo->op(mo->ctx, EL(cur, t - off), EL(cur, t), EL(nxt, t));
        unsigned char *sw = cur;
        cur = nxt;
        nxt = sw;
        sync_threads(j);
    }
    if (cur != j->x) {
        if (lo < hi)
            memcpy(EL(j->x, lo), EL(cur, lo), (hi - lo) * sz);
        sync_threads(j);
    }
}

static void run_blelloch(job *j, unsigned tid)
{
    const sc_scan_monoid *mo = j->mo;
    size_t sz = mo->size, lo, hi;
    unsigned p = j->threads;
    unsigned char *tmp = j->scratch + (size_t)tid * temp_slot(sz);
    unsigned char *lev[64];
    size_t len[64];
    unsigned D = 0;
    lev[0] = j->x;
    len[0] = j->T;
    unsigned char *next = j->scratch + (size_t)p * temp_slot(sz);
    /* pairing rounds: lev[d+1][i] = lev[d][2i] * lev[d][2i+1] */
    while (len[D] >= 2) {
        size_t h = len[D] / 2;
        lev[D + 1] = next;
        len[D + 1] = h;
        next += h * sz;
        share(h, tid, p, &lo, &hi);
        for (size_t i = lo; i < hi; i++)
            mo->op(mo->ctx, EL(lev[D], 2 * i), EL(lev[D], 2 * i + 1), EL(lev[D + 1], i));
        D++;
        sync_threads(j);
    }
    /* expansion rounds: lev[d][2i+1] = lev[d+1][i]; lev[d][2i] = lev[d+1][i-1] * lev[d][2i] */
    while (D > 0) {
        D--;
        size_t md = len[D], pairs = (md + 1) / 2;
        share(pairs, tid, p, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            if (i > 0) {
                mo->op(mo->ctx, EL(lev[D + 1], i - 1), EL(lev[D], 2 * i), tmp);
                memcpy(EL(lev[D], 2 * i), tmp, sz);
            }
            if (2 * i + 1 < md)
                memcpy(EL(lev[D], 2 * i + 1), EL(lev[D + 1], i), sz);
        }
        sync_threads(j);
    }
}

/* Blelloch on an automaton's word, level 0 read straight from δ (same operations, same
 * rounds and work as run_blelloch after a fill; it only skips storing level 0 twice). */
static void run_blelloch_tf(job *j, unsigned tid)
{
    const tf_ctx *c = j->tf;
    size_t n = c->n, sz = n * sizeof(sc_state), T = j->T, lo, hi;
    const sc_state *delta = c->delta;
    const int32_t *word = c->word;
    unsigned p = j->threads;
    sc_state *tmp = (sc_state *)(j->scratch + (size_t)tid * temp_slot(sz)), *P = (sc_state *)j->x;
    sc_state *lev[64];
    size_t len[64];
    unsigned D = 0;
    len[0] = T;
    sc_state *next = (sc_state *)(j->scratch + (size_t)p * temp_slot(sz));
    while (len[D] >= 2) {
        size_t h = len[D] / 2;
        lev[D + 1] = next;
        len[D + 1] = h;
        next += h * n;
        share(h, tid, p, &lo, &hi);
        if (D == 0) {
            for (size_t i = lo; i < hi; i++) {
                const sc_state *f = delta + (size_t)word[2 * i] * n,
                               *g = delta + (size_t)word[2 * i + 1] * n;
                sc_state *o = lev[1] + i * n;
                for (size_t x = 0; x < n; x++)
                    o[x] = g[f[x]];
            }
        } else {
            const sc_state *L = lev[D];
            for (size_t i = lo; i < hi; i++) {
                const sc_state *f = L + 2 * i * n, *g = f + n;
                sc_state *o = lev[D + 1] + i * n;
                for (size_t x = 0; x < n; x++)
                    o[x] = g[f[x]];
            }
        }
        D++;
        sync_threads(j);
    }
    while (D > 0) {
        D--;
        size_t md = len[D], pairs = (md + 1) / 2;
        share(pairs, tid, p, &lo, &hi);
        const sc_state *up = lev[D + 1];
        if (D == 0) {
            for (size_t i = lo; i < hi; i++) {
                const sc_state *g = delta + (size_t)word[2 * i] * n;
                sc_state *o = P + 2 * i * n;
                if (i > 0) {
                    const sc_state *f = up + (i - 1) * n;
                    for (size_t x = 0; x < n; x++)
                        o[x] = g[f[x]];
                } else {
                    memcpy(o, g, sz);
                }
                if (2 * i + 1 < md)
                    memcpy(o + n, up + i * n, sz);
            }
        } else {
            sc_state *L = lev[D];
            for (size_t i = lo; i < hi; i++) {
                sc_state *o = L + 2 * i * n;
                if (i > 0) {
                    const sc_state *f = up + (i - 1) * n;
                    for (size_t x = 0; x < n; x++)
                        tmp[x] = o[f[x]];
                    memcpy(o, tmp, sz);
                }
                if (2 * i + 1 < md)
                    memcpy(o + n, up + i * n, sz);
            }
        }
        sync_threads(j);
    }
    if (T == 1 && tid == 0)
        memcpy(P, delta + (size_t)word[0] * n, sz);
}

static void run_worker(job *j, unsigned tid)
{
    if (j->tf && j->m == SC_SCAN_BLELLOCH) {
        run_blelloch_tf(j, tid);
        return;
    }
    const sc_scan_monoid *mo = j->mo;
    if (mo->fill) {
        size_t lo, hi;
        share(j->T, tid, j->threads, &lo, &hi);
        if (lo < hi)
            mo->fill(mo->ctx, lo, hi, j->x);
        sync_threads(j);
    }
    if (j->m == SC_SCAN_SEQUENTIAL) {
        if (tid == 0)
            run_sequential(j, j->scratch);
    } else if (j->m == SC_SCAN_HILLIS_STEELE) {
        run_hs(j, tid);
    } else {
        run_blelloch(j, tid);
    }
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    job *j = w->j;
    pthread_mutex_lock(&j->gate_mu);
    while (j->gate == 0)
        pthread_cond_wait(&j->gate_cv, &j->gate_mu);
    int go = j->gate == 1;
    pthread_mutex_unlock(&j->gate_mu);
    if (go)
        run_worker(j, w->tid);
    return NULL;
}

static void open_gate(job *j, int state)
{
    pthread_mutex_lock(&j->gate_mu);
    j->gate = state;
    pthread_cond_broadcast(&j->gate_cv);
    pthread_mutex_unlock(&j->gate_mu);
}

static int scan_run(const sc_scan_monoid *mo, sc_scan_method m, void *x, size_t T,
                    void *scratch, size_t scratch_bytes, unsigned threads, sc_scan_stats *st,
                    const tf_ctx *tf);

int sc_scan_run(const sc_scan_monoid *mo, sc_scan_method m, void *x, size_t T, void *scratch,
                size_t scratch_bytes, unsigned threads, sc_scan_stats *st)
{
    return scan_run(mo, m, x, T, scratch, scratch_bytes, threads, st, NULL);
}

static int scan_run(const sc_scan_monoid *mo, sc_scan_method m, void *x, size_t T,
                    void *scratch, size_t scratch_bytes, unsigned threads, sc_scan_stats *st,
                    const tf_ctx *tf)
{
    size_t need;
    if (!mo || !mo->op || !mo->size || (T && !x) ||
        sc_scan_scratch_bytes(m, mo->size, T, threads, &need) || need > scratch_bytes ||
        (need && !scratch))
        return SC_SCAN_EARG;
    if (m == SC_SCAN_SEQUENTIAL)
        threads = 1;
    if (st)
        sc_scan_cost(m, T, st);
    job j = {.mo = mo, .m = m, .x = x, .T = T, .scratch = scratch, .threads = threads, .tf = tf};
    if (threads == 1) {
        run_worker(&j, 0);
        return SC_SCAN_OK;
    }
    if (pthread_barrier_init(&j.barrier, NULL, threads))
        return SC_SCAN_ETHREAD;
    pthread_mutex_init(&j.gate_mu, NULL);
    pthread_cond_init(&j.gate_cv, NULL);
    pthread_t th[SC_SCAN_MAX_THREADS];
    worker w[SC_SCAN_MAX_THREADS];
    unsigned started = 1;
    while (started < threads) {
        w[started] = (worker){&j, started};
        if (pthread_create(&th[started], NULL, thread_main, &w[started]))
            break;
        started++;
    }
    int ok = started == threads;
    open_gate(&j, ok ? 1 : 2);
    if (ok)
        run_worker(&j, 0);
    for (unsigned i = 1; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&j.barrier);
    pthread_cond_destroy(&j.gate_cv);
    pthread_mutex_destroy(&j.gate_mu);
    return ok ? SC_SCAN_OK : SC_SCAN_ETHREAD;
}

/* ------------------------------------------------------------------ transformations */

static void tf_op(const void *ctx, const void *a, const void *b, void *out)
{
    size_t n = ((const tf_ctx *)ctx)->n;
    const sc_state *f = a, *g = b;
    sc_state *o = out;
    for (size_t x = 0; x < n; x++)
        o[x] = g[f[x]];
}

static void tf_fill(const void *ctx, size_t lo, size_t hi, void *xv)
{
    const tf_ctx *c = ctx;
    sc_state *x = xv;
    for (size_t t = lo; t < hi; t++)
        memcpy(x + t * c->n, c->delta + (size_t)c->word[t] * c->n, c->n * sizeof *x);
}

int sc_scan_tf(sc_scan_method m, size_t n, size_t k, const sc_state *delta,
               const int32_t *word, size_t T, sc_state *P, void *scratch,
               size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad)
{
    size_t tot;
    if (n < 1 || n > SC_MAX_STATES || k < 1 || !delta || (T && (!word || !P)) ||
        !mul_ok(T, n * sizeof *P, &tot))
        return SC_SCAN_EARG;
    for (size_t t = 0; t < T; t++)
        if (word[t] < 0 || (size_t)word[t] >= k) {
            if (bad)
                *bad = t;
            return SC_SCAN_ESYMBOL;
        }
    if (m == SC_SCAN_SEQUENTIAL) { /* the fold itself, straight from δ: P_t = P_{t-1} * δ_{w_t} */
        size_t need;
        if (sc_scan_scratch_bytes(m, n * sizeof *P, T, threads, &need) || need > scratch_bytes)
            return SC_SCAN_EARG;
        if (st)
            sc_scan_cost(m, T, st);
        if (T)
            memcpy(P, delta + (size_t)word[0] * n, n * sizeof *P);
        for (size_t t = 1; t < T; t++) {
            const sc_state *d = delta + (size_t)word[t] * n, *prev = P + (t - 1) * n;
            sc_state *cur = P + t * n;
            for (size_t x = 0; x < n; x++)
                cur[x] = d[prev[x]];
        }
        return SC_SCAN_OK;
    }
    tf_ctx c = {n, k, delta, word};
    sc_scan_monoid mo = {n * sizeof *P, tf_op, tf_fill, &c};
    return scan_run(&mo, m, P, T, scratch, scratch_bytes, threads, st, &c);
}

void sc_scan_labels(size_t n, const sc_state *P, size_t T, sc_state q0, int32_t *labels)
{
    for (size_t t = 0; t < T; t++)
        labels[t] = P[t * n + q0];
}

/* ------------------------------------------------------------------ 0/1 matrices */

static void mat_op(const void *ctx, const void *a, const void *b, void *out)
{
    mat_mul01(*(const size_t *)ctx, a, b, out);
}

int sc_scan_mat(sc_scan_method m, size_t n, uint32_t *M, size_t T, void *scratch,
                size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad)
{
    size_t tot;
    if (n < 1 || n > 1024 || (T && !M) || !mul_ok(T, n * n * sizeof *M, &tot))
        return SC_SCAN_EARG;
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < n; i++) {
            const uint32_t *row = M + (t * n + i) * n;
            size_t ones = 0;
            for (size_t c = 0; c < n; c++) {
                if (row[c] > 1)
                    ones = 2;
                ones += row[c];
            }
            if (ones != 1) {
                if (bad)
                    *bad = t;
                return SC_SCAN_EDOMAIN;
            }
        }
    size_t nn = n;
    sc_scan_monoid mo = {n * n * sizeof *M, mat_op, NULL, &nn};
    return sc_scan_run(&mo, m, M, T, scratch, scratch_bytes, threads, st);
}

/* ------------------------------------------------------------------ exact sums */

typedef __int128 i128;

static void add_op(const void *ctx, const void *a, const void *b, void *out)
{
    (void)ctx;
    i128 x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    x += y;
    memcpy(out, &x, sizeof x);
}

/* Scratch for the sums: T 128-bit working elements, then the driver's scratch. */
int sc_scan_sum_scratch_bytes(sc_scan_method m, size_t T, unsigned threads, size_t *bytes)
{
    size_t drv, work;
    if (sc_scan_scratch_bytes(m, sizeof(i128), T, threads, &drv) ||
        !mul_ok(T, sizeof(i128), &work) || work > SIZE_MAX - drv)
        return SC_SCAN_EARG;
    *bytes = work + drv;
    return SC_SCAN_OK;
}

static int sum_scan(sc_scan_method m, i128 *w, size_t T, void *scratch, size_t scratch_bytes,
                    unsigned threads, sc_scan_stats *st)
{
    sc_scan_monoid mo = {sizeof(i128), add_op, NULL, NULL};
    size_t used = T * sizeof(i128);
    return sc_scan_run(&mo, m, w, T, (unsigned char *)scratch + used, scratch_bytes - used,
                       threads, st);
}

int sc_scan_isum(sc_scan_method m, const int64_t *x, size_t T, int64_t *out, void *scratch,
                 size_t scratch_bytes, unsigned threads, sc_scan_stats *st, size_t *bad)
{
    size_t need;
    if ((T && (!x || !out)) || T > ((size_t)1 << 62) ||
        sc_scan_sum_scratch_bytes(m, T, threads, &need) || need > scratch_bytes ||
        (need && !scratch))
        return SC_SCAN_EARG;
    i128 *w = scratch;
    for (size_t t = 0; t < T; t++)
        w[t] = x[t];
    int rc = sum_scan(m, w, T, scratch, scratch_bytes, threads, st);
    if (rc)
        return rc;
    for (size_t t = 0; t < T; t++) {
        if (w[t] < INT64_MIN || w[t] > INT64_MAX) {
            if (bad)
                *bad = t;
            return SC_SCAN_EOVERFLOW;
        }
        out[t] = (int64_t)w[t];
    }
    return SC_SCAN_OK;
}

int sc_dyadic_norm(int64_t m, int64_t e, sc_dyadic *out)
{
    if (m == 0) {
        *out = (sc_dyadic){0, 0};
        return SC_SCAN_OK;
    }
    while ((m & 1) == 0) {
        m /= 2;
        e++;
    }
    if (e < INT32_MIN || e > INT32_MAX)
        return SC_SCAN_EOVERFLOW;
    *out = (sc_dyadic){m, (int32_t)e};
    return SC_SCAN_OK;
}

int sc_scan_dsum(sc_scan_method m, const sc_dyadic *x, size_t T, sc_dyadic *out,
                 void *scratch, size_t scratch_bytes, unsigned threads, sc_scan_stats *st,
                 size_t *bad)
{
    size_t need;
    if ((T && (!x || !out)) || T > ((size_t)1 << 62) ||
        sc_scan_sum_scratch_bytes(m, T, threads, &need) || need > scratch_bytes ||
        (need && !scratch))
        return SC_SCAN_EARG;
    int64_t emin = INT64_MAX;
    for (size_t t = 0; t < T; t++)
        if (x[t].m && x[t].e < emin)
            emin = x[t].e;
    /* |aligned input| < 2^bits keeps every partial sum of up to T terms below 2^126. */
    unsigned bits = 126 - sc_scan_clog2(T);
    i128 *w = scratch;
    for (size_t t = 0; t < T; t++) {
        if (!x[t].m) {
            w[t] = 0;
            continue;
        }
        uint64_t mag = x[t].m < 0 ? (uint64_t)0 - (uint64_t)x[t].m : (uint64_t)x[t].m;
        unsigned mbits = 64 - (unsigned)__builtin_clzll(mag);
        int64_t shift = (int64_t)x[t].e - emin;
        if (shift >= (int64_t)bits || mbits + (uint64_t)shift >= bits) {
            if (bad)
                *bad = t;
            return SC_SCAN_EOVERFLOW;
        }
        w[t] = (i128)x[t].m * ((i128)1 << shift);
    }
    int rc = sum_scan(m, w, T, scratch, scratch_bytes, threads, st);
    if (rc)
        return rc;
    for (size_t t = 0; t < T; t++) {
        i128 v = w[t];
        int64_t e = emin;
        if (v == 0) {
            out[t] = (sc_dyadic){0, 0};
            continue;
        }
        while ((v & 1) == 0) {
            v /= 2;
            e++;
        }
        if (v < INT64_MIN || v > INT64_MAX || sc_dyadic_norm((int64_t)v, e, &out[t])) {
            if (bad)
                *bad = t;
            return SC_SCAN_EOVERFLOW;
        }
    }
    return SC_SCAN_OK;
}
