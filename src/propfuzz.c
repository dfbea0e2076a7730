/* Property-based fuzzing: generation, per-row certification, shrinking (propfuzz.h). */
#include "propfuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "simulate.h"

#define PF_SALT 0x70726f7066757a7aull /* "propfuzz" */
#define PF_MAXC_MAX 1024              /* candidate cap (hash table on the stack) */
#define PF_UNBATCHED_TRIES 3
#define PF_UNBATCHED_LIST 64          /* candidate list of a step in unbatched mode */

/* ------------------------------------------------------------------ generation */

uint64_t sc_pf_iter_seed(uint64_t seed, uint64_t iter)
{
    return sc_mix64(seed + SC_RNG_GAMMA * (iter + 1)) ^ PF_SALT;
}

static size_t uniform_size(sc_rng *g, size_t n) /* 0..n-1, n >= 1 */
{
    if (n <= 0xFFFFFFFFull)
        return sc_rng_uniform(g, (uint32_t)n);
    return (size_t)(sc_rng_next(g) % n); /* beyond every practical size */
}

void sc_pf_shape(uint64_t seed, uint64_t iter, size_t max_rows, size_t max_len, size_t *rows,
                 size_t *T)
{
    if (iter == 0) {
        *rows = max_rows, *T = max_len;
        return;
    }
    if (iter == 1) {
        *rows = max_rows, *T = 1;
        return;
    }
    if (iter == 2) {
        *rows = 1, *T = max_len;
        return;
    }
    sc_rng g;
    sc_rng_init(&g, sc_pf_iter_seed(seed, iter), 0, SC_STREAM_LENGTH);
    *rows = 1 + uniform_size(&g, max_rows);
    switch (sc_rng_uniform(&g, 4)) {
    case 0: *T = 1 + uniform_size(&g, max_len < 8 ? max_len : 8); break;
    case 1: *T = max_len; break;
    default: *T = 1 + uniform_size(&g, max_len); break;
    }
}

static void uniform_row(sc_rng *g, uint32_t k, int32_t *w, size_t T)
{
    for (size_t t = 0; t < T; t++)
        w[t] = (int32_t)sc_rng_uniform(g, k);
}

void sc_pf_fill(const sc_gen *g, uint32_t k, uint64_t seed, uint64_t iter, size_t rows,
                size_t T, int32_t *x, int32_t *scratch)
{
    uint64_t s = sc_pf_iter_seed(seed, iter);
    for (size_t r = 0; r < rows; r++) {
        int32_t *w = x + r * T;
        sc_rng kr, tr;
        sc_rng_init(&kr, s, r, SC_STREAM_LENGTH);
        sc_rng_init(&tr, s, r, SC_STREAM_TOKENS);
        uint32_t kind = sc_rng_uniform(&kr, 8);
        if (kind < 4 && g) {
            sc_gen_fill(g, s, r, 1, 1, scratch, scratch + g->T, NULL);
            memcpy(w, scratch, T * sizeof *w);
        } else if (kind < 6) {
            uniform_row(&tr, k, w, T);
        } else if (kind == 6) {
            uint32_t c = sc_rng_uniform(&kr, 3);
            int32_t v = c == 0 ? 0 : c == 1 ? (int32_t)(k - 1) : (int32_t)sc_rng_uniform(&kr, k);
            for (size_t t = 0; t < T; t++)
                w[t] = v;
        } else {
            int alt = (int)sc_rng_uniform(&kr, 2);
            int32_t a = (int32_t)sc_rng_uniform(&kr, k), b = (int32_t)sc_rng_uniform(&kr, k);
            if (alt) {
                for (size_t t = 0; t < T; t++)
                    w[t] = t % 2 ? b : a;
            } else {
                size_t at = uniform_size(&kr, T);
                for (size_t t = 0; t < T; t++)
                    w[t] = t == at ? b : a;
            }
        }
    }
}

/* ------------------------------------------------------------------ certification */

static void row_pass(sc_pf_row *res)
{
    memset(res, 0, sizeof *res);
    res->verdict = SC_VERDICT_PASS;
    res->pos = SC_PF_PASS;
    res->blo = res->bhi = NAN;
}

int sc_pf_check_states(const sc_automaton *a, const int32_t *w, size_t T, const int64_t *got,
                       int32_t *labels, sc_pf_row *res)
{
    row_pass(res);
    size_t ok = sc_run(a->n, a->k, a->delta, (sc_state)a->start, w, T, labels);
    for (size_t t = 0; t < T; t++)
        if (t >= ok || got[t] != labels[t]) { /* t >= ok cannot happen for generated rows */
            res->verdict = SC_VERDICT_FAIL;
            res->pos = t;
            res->expected = t < ok ? labels[t] : -1;
            res->got_state = got[t];
            break;
        }
    return res->verdict;
}

int sc_pf_model_ws_new(sc_pf_model_ws *w, const sc_model *m, size_t Tmax, const sc_tol *tol,
                       sc_error *err)
{
    memset(w, 0, sizeof *w);
    size_t n = Tmax * m->n_classes;
    w->mid = malloc(n * sizeof *w->mid), w->rad = malloc(n * sizeof *w->rad);
    w->lo = malloc(n * sizeof *w->lo), w->hi = malloc(n * sizeof *w->hi);
    w->pred = malloc(Tmax * sizeof *w->pred);
    int rc = 0;
    if (!w->mid || !w->rad || !w->lo || !w->hi || !w->pred)
        rc = sc_fail(err, SC_EXIT_LIMIT, "fuzz: out of memory for %zu logits", n);
    rc = rc ? rc : sc_fwd_ws_new(&w->ws, m, Tmax, SC_FWD_EXACT, err);
    if (!rc && tol->kind == SC_TOL_PROVEN)
        rc = sc_fwd_ws_new(&w->bws, m, Tmax, tol->bits == 32 ? SC_FWD_FLOAT32 : SC_FWD_FLOAT64,
                           err);
    if (rc)
        sc_pf_model_ws_free(w);
    return rc;
}

void sc_pf_model_ws_free(sc_pf_model_ws *w)
{
    sc_fwd_ws_free(w->ws);
    sc_fwd_ws_free(w->bws);
    free(w->mid), free(w->rad), free(w->lo), free(w->hi), free(w->pred);
    memset(w, 0, sizeof *w);
}

static void enclosure(double mid, double rad, double *xlo, double *xhi)
{
    /* rad = 0: the exact value is the double mid itself */
    *xlo = rad == 0 ? mid : nextafter(mid - rad, -INFINITY);
    *xhi = rad == 0 ? mid : nextafter(mid + rad, INFINITY);
}

int sc_pf_check_logits(const sc_model *m, sc_pf_model_ws *w, const sc_tol *tol, long prec,
                       const int32_t *x, size_t T, const double *got, sc_pf_row *res,
                       uint64_t *undecided, sc_error *err)
{
    row_pass(res);
    size_t C = m->n_classes;
    sc_fwd_opts fo = {prec, 0};
    sc_fwd_stats st;
    int rc = sc_forward(m, w->ws, x, T, &fo, w->mid, w->rad, w->pred, &st, err);
    if (rc)
        return rc;
    int bound = w->bws != NULL;
    if (bound) {
        rc = sc_forward_float(m, w->bws, x, T, prec, w->lo, w->hi, err);
        if (rc == SC_EXIT_INCONCLUSIVE) { /* no bound for this row: nothing can be decided */
            res->verdict = SC_VERDICT_UNDECIDED;
            res->pos = 0;
            *undecided += T * C;
            return 0;
        }
        if (rc)
            return rc;
    }
    for (size_t e = 0; e < T * C; e++) {
        double xlo, xhi;
        enclosure(w->mid[e], w->rad[e], &xlo, &xhi);
        int v = sc_tol_verdict(tol, got[e], xlo, xhi, bound ? w->lo[e] : 0,
                               bound ? w->hi[e] : 0);
        for (long p = 2 * (prec ? prec : SC_X_PREC_DEFAULT);
             v == SC_VERDICT_UNDECIDED && p <= SC_X_PREC_CAP_DEFAULT; p *= 2) {
            sc_fwd_opts fo2 = {p, p}; /* narrow the exact enclosure of this row and retry */
            if ((rc = sc_forward(m, w->ws, x, T, &fo2, w->mid, w->rad, w->pred, &st, err)))
                return rc;
            enclosure(w->mid[e], w->rad[e], &xlo, &xhi);
            v = sc_tol_verdict(tol, got[e], xlo, xhi, 0, 0);
        }
        *undecided += v == SC_VERDICT_UNDECIDED;
        if (v != SC_VERDICT_PASS &&
            (res->verdict == SC_VERDICT_PASS ||
             (v == SC_VERDICT_FAIL && res->verdict == SC_VERDICT_UNDECIDED))) {
            res->verdict = v;
            res->pos = e / C, res->cls = e % C, res->got = got[e];
            res->xlo = xlo, res->xhi = xhi;
            res->blo = bound ? w->lo[e] : NAN, res->bhi = bound ? w->hi[e] : NAN;
            if (v == SC_VERDICT_FAIL)
                break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ candidates */

static uint64_t row_hash(const int32_t *w, size_t L)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t t = 0; t < L; t++) {
        h ^= (uint32_t)w[t];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A growing list of distinct candidate rows of length L in out (cap rows). */
typedef struct cand_list {
    int32_t *out;
    size_t L, n, cap;
    uint64_t hash[PF_MAXC_MAX];
} cand_list;

/* Keep the row just written at out + n*L unless it equals an earlier one (or `skip`). */
static void commit(cand_list *c, const int32_t *skip)
{
    int32_t *row = c->out + c->n * c->L;
    uint64_t h = row_hash(row, c->L);
    if (skip && !memcmp(row, skip, c->L * sizeof *row))
        return;
    for (size_t i = 0; i < c->n; i++)
        if (c->hash[i] == h && !memcmp(c->out + i * c->L, row, c->L * sizeof *row))
            return;
    c->hash[c->n++] = h;
}

static size_t spread(size_t j, size_t count, size_t n) /* j-th of count picks from 0..n-1 */
{
    return count <= 1 ? 0 : (size_t)((unsigned __int128)j * (n - 1) / (count - 1));
}

size_t sc_pf_shorter(const int32_t *w, size_t L, size_t L2, int32_t *out, size_t maxc)
{
    if (!L2 || L2 >= L || !maxc)
        return 0;
    cand_list c;
    c.n = 0, c.out = out, c.L = L2, c.cap = maxc < PF_MAXC_MAX ? maxc : PF_MAXC_MAX;
    size_t D = L - L2, nS = L - L2 + 1, nD = L2 - 1; /* deletions at i = 1..L2-1 */
    size_t cS = nS, cD = nD;
    if (cS + cD > c.cap) {
        cS = nS < c.cap - c.cap / 2 ? nS : c.cap - c.cap / 2;
        cD = c.cap - cS < nD ? c.cap - cS : nD;
    }
    for (size_t j = 0; j < cS && c.n < c.cap; j++) {
        size_t i = spread(j, cS, nS);
        memcpy(c.out + c.n * L2, w + i, L2 * sizeof *w);
        commit(&c, NULL);
    }
    for (size_t j = 0; j < cD && c.n < c.cap; j++) {
        size_t i = 1 + spread(j, cD, nD);
        int32_t *row = c.out + c.n * L2;
        memcpy(row, w, i * sizeof *w);
        memcpy(row + i, w + i + D, (L2 - i) * sizeof *w);
        commit(&c, NULL);
    }
    return c.n;
}

size_t sc_pf_smaller(const int32_t *w, size_t L, int32_t *out, size_t maxc)
{
    if (!L || !maxc)
        return 0;
    cand_list c;
    c.n = 0, c.out = out, c.L = L, c.cap = maxc < PF_MAXC_MAX ? maxc : PF_MAXC_MAX;
    /* all zero */
    memset(c.out, 0, L * sizeof *w);
    commit(&c, w);
    /* aligned blocks set to zero, the largest first */
    for (size_t s = (L + 1) / 2; s >= 1 && c.n < c.cap; s = s == 1 ? 0 : (s + 1) / 2) {
        for (size_t b = 0; b * s < L && c.n < c.cap; b++) {
            int32_t *row = c.out + c.n * L;
            memcpy(row, w, L * sizeof *w);
            size_t end = (b + 1) * s < L ? (b + 1) * s : L;
            memset(row + b * s, 0, (end - b * s) * sizeof *w);
            commit(&c, w);
        }
        if (s == 1)
            break;
    }
    /* single tokens halved, then decremented */
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < L && c.n < c.cap; t++) {
            if (w[t] <= 0)
                continue;
            int32_t *row = c.out + c.n * L;
            memcpy(row, w, L * sizeof *w);
            row[t] = pass ? w[t] - 1 : w[t] / 2;
            commit(&c, w);
        }
    return c.n;
}

/* ------------------------------------------------------------------ the shrinker */

/* Candidates known to pass (the implementation is assumed deterministic): an open-addressing
 * set of 64-bit hashes of (length, tokens), never more than half full. */
#define PF_SEEN_CAP 8192

static uint64_t seen_key(const int32_t *w, size_t L)
{
    uint64_t h = sc_mix64(row_hash(w, L) + L);
    return h ? h : 1;
}

static int seen_has(const sc_shrink *s, const int32_t *w, size_t L)
{
    uint64_t h = seen_key(w, L);
    for (size_t i = h & (PF_SEEN_CAP - 1); s->seen[i]; i = (i + 1) & (PF_SEEN_CAP - 1))
        if (s->seen[i] == h)
            return 1;
    return 0;
}

static void seen_add(sc_shrink *s, const int32_t *w, size_t L)
{
    uint64_t h = seen_key(w, L);
    if (s->seen_n >= PF_SEEN_CAP / 2)
        return;
    size_t i = h & (PF_SEEN_CAP - 1);
    for (; s->seen[i]; i = (i + 1) & (PF_SEEN_CAP - 1))
        if (s->seen[i] == h)
            return;
    s->seen[i] = h;
    s->seen_n++;
}

/* Drop the candidates known to pass; returns how many remain. */
static size_t drop_seen(sc_shrink *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncand; i++) {
        const int32_t *row = s->cand + i * s->candT;
        if (seen_has(s, row, s->candT)) {
            s->skipped++;
            continue;
        }
        if (n != i)
            memcpy(s->cand + n * s->candT, row, s->candT * sizeof *row);
        n++;
    }
    return s->ncand = n;
}

void sc_shrink_free(sc_shrink *s)
{
    free(s->seen);
    free(s->orig), free(s->orig_fail), free(s->cur), free(s->cur_fail), free(s->cand);
    memset(s, 0, sizeof *s);
}

static void set_cur_orig(sc_shrink *s)
{
    memcpy(s->cur, s->orig, s->orig_rows * s->orig_T * sizeof *s->cur);
    memcpy(s->cur_fail, s->orig_fail, s->orig_rows * sizeof *s->cur_fail);
    s->cur_rows = s->orig_rows, s->cur_T = s->orig_T;
}

static size_t first_failing(const size_t *fail, size_t rows)
{
    for (size_t r = 0; r < rows; r++)
        if (fail[r] != SC_PF_PASS)
            return r;
    return SC_PF_PASS;
}

/* Make row r of cur the whole current case. */
static void take_row(sc_shrink *s, size_t r)
{
    memmove(s->cur, s->cur + r * s->cur_T, s->cur_T * sizeof *s->cur);
    s->cur_fail[0] = s->cur_fail[r];
    s->cur_rows = 1;
}

static void enter_length(sc_shrink *s)
{
    s->phase = SC_SHRINK_LENGTH;
    size_t p = s->cur_fail[0];
    s->step = p != SC_PF_PASS && p + 1 < s->cur_T ? 0 : 1;
    s->lo = 1, s->hi = s->cur_T;
    s->minus_one_done = 0;
    s->ready = 0;
}

static void start(sc_shrink *s)
{
    set_cur_orig(s);
    s->ready = 0;
    if (s->cur_rows == 1) {
        enter_length(s);
    } else if (s->batched) {
        take_row(s, first_failing(s->cur_fail, s->cur_rows));
        enter_length(s);
    } else {
        s->phase = SC_SHRINK_ROWS, s->step = 0;
    }
}

int sc_shrink_init(sc_shrink *s, const int32_t *x, size_t rows, size_t T, const size_t *fail,
                   uint32_t k, size_t maxc, size_t max_runs, int batched, sc_error *err)
{
    memset(s, 0, sizeof *s);
    if (!rows || !T || !k || maxc < 2 || first_failing(fail, rows) == SC_PF_PASS)
        return sc_fail(err, SC_EXIT_USAGE, "shrink: expected a failing batch of at least one "
                       "row and position, k >= 1 and at least 2 candidates per run");
    if (maxc > PF_MAXC_MAX)
        maxc = PF_MAXC_MAX;
    s->k = k, s->maxc = maxc, s->max_runs = max_runs, s->batched = batched;
    size_t crows = maxc > PF_UNBATCHED_LIST ? maxc : PF_UNBATCHED_LIST; /* >= list_cap */
    crows = rows > crows ? rows : crows;
    if (rows > SIZE_MAX / T / sizeof(int32_t) || crows > SIZE_MAX / T / sizeof(int32_t))
        return sc_fail(err, SC_EXIT_LIMIT, "shrink: batch of %zu x %zu too large", rows, T);
    s->orig = malloc(rows * T * sizeof *s->orig);
    s->cur = malloc(rows * T * sizeof *s->cur);
    s->cand = malloc(crows * T * sizeof *s->cand);
    s->orig_fail = malloc(rows * sizeof *s->orig_fail);
    s->cur_fail = malloc((rows > maxc ? rows : maxc) * sizeof *s->cur_fail);
    s->seen = calloc(PF_SEEN_CAP, sizeof *s->seen);
    if (!s->orig || !s->cur || !s->cand || !s->orig_fail || !s->cur_fail || !s->seen) {
        sc_shrink_free(s);
        return sc_fail(err, SC_EXIT_LIMIT, "shrink: out of memory for a batch of %zu x %zu",
                       rows, T);
    }
    memcpy(s->orig, x, rows * T * sizeof *x);
    memcpy(s->orig_fail, fail, rows * sizeof *fail);
    s->orig_rows = rows, s->orig_T = T;
    start(s);
    return 0;
}

static void step_passed(sc_shrink *s, int complete);

/* Length of a step's candidate list: one run's worth when batched; in unbatched mode the
 * first PF_UNBATCHED_TRIES of a longer list are run. */
static size_t list_cap(const sc_shrink *s)
{
    return s->batched || s->maxc > PF_UNBATCHED_LIST ? s->maxc : PF_UNBATCHED_LIST;
}

/* Every candidate of the step (none spread out) was tried or is known to pass. */
static int step_complete(const sc_shrink *s)
{
    return s->cur_T <= list_cap(s) && (s->batched || s->ncand <= PF_UNBATCHED_TRIES);
}

/* Build the proposal of the current (phase, step); 0 when the phase has moved on instead. */
static int build(sc_shrink *s)
{
    s->cursor = 0, s->whole = 0, s->ncand = 0;
    const int32_t *w = s->cur;
    size_t L = s->cur_T;
    switch (s->phase) {
    case SC_SHRINK_ROWS: {
        size_t h = s->cur_rows / 2;
        s->whole = 1, s->candT = L;
        if (s->step == 0) {
            size_t r = first_failing(s->cur_fail, s->cur_rows);
            memcpy(s->cand, w + r * L, L * sizeof *w);
            s->ncand = 1, s->row_lo = r;
        } else {
            s->row_lo = s->step == 1 ? 0 : h;
            s->ncand = s->step == 1 ? h : s->cur_rows - h;
            memcpy(s->cand, w + s->row_lo * L, s->ncand * L * sizeof *w);
        }
        return 1;
    }
    case SC_SHRINK_LENGTH:
        if (s->step == 0) {
            s->candT = s->cur_fail[0] + 1;
        } else if (s->step == 1) {
            if (s->lo >= s->hi) {
                s->step = 2;
                return 0;
            }
            s->candT = s->lo + (s->hi - s->lo) / 2;
        } else {
            if (L == 1 || s->minus_one_done) {
                s->phase = SC_SHRINK_TOKENS, s->step = 0;
                return 0;
            }
            s->candT = L - 1;
        }
        s->ncand = sc_pf_shorter(w, L, s->candT, s->cand, list_cap(s));
        if (!drop_seen(s)) {
            step_passed(s, step_complete(s));
            return 0;
        }
        return 1;
    case SC_SHRINK_TOKENS:
        s->candT = L;
        s->ncand = sc_pf_smaller(w, L, s->cand, list_cap(s));
        if (!drop_seen(s)) {
            s->phase = SC_SHRINK_CONFIRM;
            return 0;
        }
        return 1;
    case SC_SHRINK_CONFIRM:
        s->whole = 1, s->candT = L, s->ncand = s->cur_rows;
        memcpy(s->cand, w, s->cur_rows * L * sizeof *w);
        return 1;
    default:
        return 0;
    }
}

int sc_shrink_next(sc_shrink *s, const int32_t **x, size_t *rows, size_t *T)
{
    for (;;) {
        if (s->phase == SC_SHRINK_DONE)
            return 0;
        if (s->runs >= s->max_runs && s->phase != SC_SHRINK_CONFIRM) {
            s->phase = SC_SHRINK_CONFIRM;
            s->ready = 0;
        }
        if (!s->ready) {
            if (!build(s))
                continue;
            s->ready = 1;
        }
        break;
    }
    s->runs++;
    *T = s->candT;
    if (s->whole || s->batched) {
        *x = s->cand, *rows = s->ncand;
    } else {
        *x = s->cand + s->cursor * s->candT, *rows = 1;
    }
    return 1;
}

/* Candidate `i` (failing first at p) becomes the current single-row case. */
static void accept(sc_shrink *s, size_t i, size_t p)
{
    memcpy(s->cur, s->cand + i * s->candT, s->candT * sizeof *s->cur);
    s->cur_T = s->candT, s->cur_rows = 1, s->cur_fail[0] = p;
    s->accepted++;
}

static int lex_less(const int32_t *a, const int32_t *b, size_t L)
{
    for (size_t t = 0; t < L; t++)
        if (a[t] != b[t])
            return a[t] < b[t];
    return 0;
}

static int64_t row_sum(const int32_t *w, size_t L)
{
    int64_t s = 0;
    for (size_t t = 0; t < L; t++)
        s += w[t];
    return s;
}

void sc_shrink_feed(sc_shrink *s, const size_t *fail)
{
    if (s->phase == SC_SHRINK_DONE || !s->ready)
        return;
    size_t n = s->whole || s->batched ? s->ncand : 1;
    size_t base = s->whole || s->batched ? 0 : s->cursor;
    /* the chosen failing candidate (index into cand), SC_PF_PASS if none */
    size_t pick = SC_PF_PASS, pick_p = SC_PF_PASS;
    for (size_t r = 0; fail && r < n; r++) {
        if (fail[r] == SC_PF_PASS) {
            if (!s->whole)
                seen_add(s, s->cand + (base + r) * s->candT, s->candT);
            continue;
        }
        size_t i = base + r;
        if (pick == SC_PF_PASS) {
            pick = i, pick_p = fail[r];
            if (s->phase != SC_SHRINK_TOKENS)
                break;
        } else { /* TOKENS: the smallest sum, then lexicographically smallest */
            const int32_t *a = s->cand + i * s->candT, *b = s->cand + pick * s->candT;
            int64_t sa = row_sum(a, s->candT), sb = row_sum(b, s->candT);
            if (sa < sb || (sa == sb && lex_less(a, b, s->candT)))
                pick = i, pick_p = fail[r];
        }
    }
    if (s->whole) {
        int failed = pick != SC_PF_PASS;
        if (s->phase == SC_SHRINK_CONFIRM) {
            if (failed) {
                for (size_t r = 0; r < n; r++)
                    s->cur_fail[r] = fail[r];
                s->status = SC_SHRINK_OK;
                s->phase = SC_SHRINK_DONE;
            } else if (s->batched && !s->restarted) {
                s->restarted = 1, s->batched = 0;
                start(s);
            } else {
                set_cur_orig(s);
                s->status = SC_SHRINK_FLAKY;
                s->phase = SC_SHRINK_DONE;
            }
        } else if (failed) { /* ROWS: the proposed rows become the case */
            memmove(s->cur, s->cand, n * s->candT * sizeof *s->cur);
            for (size_t r = 0; r < n; r++)
                s->cur_fail[r] = fail[r];
            s->cur_rows = n;
            s->accepted++;
            if (n == 1)
                enter_length(s);
            else
                s->step = 1;
        } else if (s->step < 2) {
            s->step++;
        } else { /* no subset of the rows reproduces: keep them all */
            s->phase = SC_SHRINK_CONFIRM;
        }
        s->ready = 0;
        return;
    }
    if (pick == SC_PF_PASS && !s->batched && ++s->cursor < s->ncand &&
        s->cursor < PF_UNBATCHED_TRIES)
        return; /* try the next candidate of this step */
    /* every candidate of this length was tried (none spread out, none skipped) */
    int complete = step_complete(s);
    s->ready = 0;
    if (s->phase == SC_SHRINK_TOKENS) {
        if (pick != SC_PF_PASS)
            accept(s, pick, pick_p);
        else
            s->phase = SC_SHRINK_CONFIRM;
        return;
    }
    /* LENGTH */
    if (pick != SC_PF_PASS) {
        accept(s, pick, pick_p);
        s->hi = s->candT;
        s->minus_one_done = 0;
        if (s->step == 0)
            s->step = 1;
        return;
    }
    step_passed(s, complete);
}

/* LENGTH: no candidate of length candT fails. */
static void step_passed(sc_shrink *s, int complete)
{
    size_t L2 = s->candT;
    if (L2 + 1 == s->cur_T && complete)
        s->minus_one_done = 1;
    if (s->step == 0) {
        s->lo = L2 + 1; /* the prefix up to the failure passes: look above it */
        s->step = 1;
    } else if (s->step == 1) {
        s->lo = L2 + 1;
    } else {
        s->phase = SC_SHRINK_TOKENS, s->step = 0;
    }
}

int sc_shrink_result(const sc_shrink *s, const int32_t **x, size_t *rows, size_t *T)
{
    *x = s->cur, *rows = s->cur_rows, *T = s->cur_T;
    return s->status;
}
