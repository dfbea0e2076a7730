#include "gen.h"

#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define SC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SC_UNLIKELY(x) (x)
#endif

/* ---------------------------------------------------------------------------------------- */
/* Preparation                                                                                */

static int oom(sc_gen *g, sc_error *err)
{
    sc_gen_free(g);
    return sc_fail(err, SC_EXIT_LIMIT, "gen: out of memory preparing the generator");
}

void sc_gen_free(sc_gen *g)
{
    if (!g)
        return;
    free(g->next);
    free(g->label);
    free(g->label32);
    free(g->cum);
    free(g->dyck_info);
    g->next = NULL;
    g->label = NULL;
    g->label32 = NULL;
    g->cum = NULL;
    g->dyck_info = NULL;
}

/* Stack facts (depth, top) of every state reachable from q0, by a breadth-first search that
 * runs the bounded-Dyck semantics alongside the automaton. parent[q] = the state of the stack
 * without its top. Fails when the automaton does not behave as bounded Dyck(types, depth). */
static int dyck_prepare(sc_gen *g, const sc_automaton *a, sc_error *err)
{
    uint32_t n = a->n, tau = g->dyck_types, D = g->dyck_depth;
    if (tau == 0 || a->k != 2 * tau)
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: Dyck sampler with %u bracket types needs %u symbols, automaton has %u",
                       a->name ? a->name : "automaton", tau, 2 * tau, a->k);
    uint32_t *info = malloc((size_t)n * sizeof *info);
    uint32_t *parent = malloc((size_t)n * sizeof *parent);
    uint32_t *queue = malloc((size_t)n * sizeof *queue);
    uint8_t *seen = calloc(n, 1);
    if (!info || !parent || !queue || !seen) {
        free(info); free(parent); free(queue); free(seen);
        return sc_fail(err, SC_EXIT_LIMIT, "gen: out of memory preparing the Dyck sampler");
    }
    uint32_t reject = sc_delta(a, a->start, tau); /* close_0 on the empty stack */
    int ok = reject != a->start;
    size_t head = 0, tail = 0;
    for (uint32_t q = 0; q < n; q++)
        info[q] = SC_DYCK_REJECT;
    info[a->start] = 0; /* depth 0 */
    parent[a->start] = a->start;
    seen[a->start] = 1;
    queue[tail++] = a->start;
    seen[reject] = 1;
    for (uint32_t s = 0; s < 2 * tau && ok; s++) /* the reject state is absorbing */
        ok = sc_delta(a, reject, s) == reject;
    while (ok && head < tail) {
        uint32_t q = queue[head++];
        uint32_t d = info[q] & 0xFFFF, top = info[q] >> 16;
        for (uint32_t s = 0; s < 2 * tau && ok; s++) {
            uint32_t to = sc_delta(a, q, s), want, par = 0;
            if (s < tau) {
                want = d < D ? (d + 1) | (s << 16) : SC_DYCK_REJECT;
                par = q;
            } else if (d > 0 && s - tau == top) {
                want = info[parent[q]];
                par = parent[parent[q]];
            } else {
                want = SC_DYCK_REJECT;
            }
            if (want == SC_DYCK_REJECT) {
                ok = to == reject;
            } else if (to == reject) {
                ok = 0;
            } else if (seen[to]) {
                ok = info[to] == want;
            } else {
                seen[to] = 1;
                info[to] = want;
                parent[to] = par;
                queue[tail++] = to;
            }
        }
    }
    free(parent);
    free(queue);
    free(seen);
    if (!ok) {
        free(info);
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: the Dyck sampler needs a bounded Dyck automaton (types=%u, depth=%u)",
                       a->name ? a->name : "automaton", tau, D);
    }
    g->dyck_info = info;
    return 0;
}

int sc_gen_init(sc_gen *g, const sc_automaton *a, const sc_sampler *s, int force_uniform,
                size_t T, sc_error *err)
{
    memset(g, 0, sizeof *g);
    g->n = a->n;
    g->k = a->k;
    g->q0 = a->start;
    g->T = T;
    g->kind = force_uniform ? SC_SAMPLE_IID : s->kind;
    g->uniform = force_uniform || s->uniform || !s->weights;
    size_t nk = (size_t)a->n * a->k; /* < 2^32: n, k <= 65535 */
    g->next = malloc(nk * sizeof *g->next);
    g->label = malloc(nk * sizeof *g->label);
    if (a->k <= 256) /* the hot path's int32 copy */
        g->label32 = malloc(nk * sizeof *g->label32);
    if (!g->next || !g->label || (a->k <= 256 && !g->label32))
        return oom(g, err);
    for (uint32_t q = 0; q < a->n; q++)
        for (uint32_t x = 0; x < a->k; x++) {
            sc_state to = sc_delta(a, q, x);
            g->next[(size_t)q * a->k + x] = (uint32_t)to * a->k;
            g->label[(size_t)q * a->k + x] = to;
            if (g->label32)
                g->label32[(size_t)q * a->k + x] = to;
        }
    if (!force_uniform && s->k != a->k) {
        sc_gen_free(g);
        return sc_fail(err, SC_EXIT_REJECTED, "%s: sampler has %u symbols, automaton %u",
                       a->name ? a->name : "automaton", s->k, a->k);
    }
    if (!g->uniform && g->kind != SC_SAMPLE_DYCK) {
        g->cum = malloc((size_t)a->k * sizeof *g->cum);
        if (!g->cum)
            return oom(g, err);
        if (sc_rng_categorical_table(s->weights, a->k, g->cum)) {
            sc_gen_free(g);
            return sc_fail(err, SC_EXIT_REJECTED, "%s: sampling weights are not a distribution",
                           a->name ? a->name : "automaton");
        }
    }
    if (g->kind == SC_SAMPLE_ABAB) {
        if (a->k < 2) {
            sc_gen_free(g);
            return sc_fail(err, SC_EXIT_REJECTED, "%s: the ABAB sampler needs 2 symbols",
                           a->name ? a->name : "automaton");
        }
        g->pattern_P = sc_rng_quantize(s->pattern_prob);
    }
    if (g->kind == SC_SAMPLE_DYCK) {
        g->dyck_types = s->dyck_types;
        g->dyck_depth = s->dyck_depth;
        g->noise_P = sc_rng_quantize(T <= 4 ? 0.5 : 2.0 / (double)T);
        int rc = dyck_prepare(g, a, err);
        if (rc) {
            sc_gen_free(g);
            return rc;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The per-row definition                                                                     */

static inline uint32_t dyck_symbol(const sc_gen *g, sc_rng *r, uint32_t q)
{
    uint32_t tau = g->dyck_types, info = g->dyck_info[q];
    if (info == SC_DYCK_REJECT)
        return sc_rng_uniform(r, 2 * tau);
    if (sc_rng_bernoulli(r, g->noise_P))
        return sc_rng_uniform(r, 2 * tau);
    uint32_t d = info & 0xFFFF, top = info >> 16;
    if (d == 0)
        return sc_rng_uniform(r, tau);
    if (d == g->dyck_depth)
        return tau + top;
    if (sc_rng_bernoulli(r, (uint64_t)1 << 31))
        return tau + top;
    return sc_rng_uniform(r, tau);
}

static uint32_t row_length(const sc_gen *g, uint64_t seed, uint64_t row)
{
    sc_rng r;
    sc_rng_init(&r, seed, row, SC_STREAM_LENGTH);
    uint64_t T = g->T;
    if (T <= 0xFFFFFFFFull)
        return sc_rng_uniform(&r, (uint32_t)T) + 1;
    return 0; /* unreachable: the CLI limits T to 2^31-1 */
}

/* Tokens 0..L-1 of one row (L <= T) and their labels. */
static void row_generic(const sc_gen *g, uint64_t seed, uint64_t row, size_t L, int32_t *in,
                        int32_t *lab)
{
    sc_rng r;
    sc_rng_init(&r, seed, row, SC_STREAM_TOKENS);
    uint32_t k = g->k, q = g->q0;
    int pattern = 0;
    if (g->kind == SC_SAMPLE_ABAB)
        pattern = sc_rng_bernoulli(&r, g->pattern_P);
    for (size_t t = 0; t < L; t++) {
        uint32_t s;
        if (g->kind == SC_SAMPLE_DYCK)
            s = dyck_symbol(g, &r, q);
        else if (pattern)
            s = (uint32_t)(t & 1);
        else if (g->uniform)
            s = sc_rng_uniform(&r, k);
        else
            s = sc_rng_categorical(&r, g->cum, k);
        size_t idx = (size_t)q * k + s;
        q = g->label[idx];
        in[t] = (int32_t)s;
        lab[t] = (int32_t)q;
    }
}

static void pad(size_t L, size_t T, int32_t *in, int32_t *lab)
{
    for (size_t t = L; t < T; t++) {
        in[t] = -1;
        lab[t] = -1;
    }
}

void sc_gen_fill_reference(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride,
                           size_t nrows, int32_t *inputs, int32_t *labels, int32_t *lengths)
{
    size_t T = g->T;
    for (size_t j = 0; j < nrows; j++) {
        uint64_t row = row0 + j * stride;
        size_t L = T;
        if (lengths)
            lengths[j] = (int32_t)(L = row_length(g, seed, row));
        row_generic(g, seed, row, L, inputs + j * T, labels + j * T);
        pad(L, T, inputs + j * T, labels + j * T);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The hot path: i.i.d. uniform, k <= 256 (16-bit chunks). Four rows interleaved so that the
 * dependent table lookups of one row overlap with the work of the others; the state is kept
 * as the base index q*k of its row of the q-major table. Same draws, same order per row as
 * row_generic, so identical output (tested). */

/* One token of the 16-bit chunk stream (refill, Lemire, retry): returns m = x*k accepted. */
static inline uint32_t lemire16(uint64_t *st, uint64_t *buf, unsigned *av, uint32_t k,
                                uint32_t thr)
{
    for (;;) {
        if (*av == 0) {
            *st += SC_RNG_GAMMA;
            *buf = sc_mix64(*st);
            *av = 4;
        }
        uint32_t m = (uint32_t)(*buf & 0xFFFF) * k;
        *buf >>= 16;
        (*av)--;
        if ((m & 0xFFFF) >= thr)
            return m;
    }
}

#define HOT_LANES 4

/* One token of lane L in a fast block: symbol = (chunk c * k) >> 16, from the SWAR products
 * of HOT_WORD (chunk c sits in a (c even) or b (c odd), 32-bit lane c/2). */
#define HOT_TOKEN(L, c)                                                                       \
    do {                                                                                      \
        uint32_t s_ = (uint32_t)(((c) & 1 ? b##L : a##L) >> (16 + 32 * ((c) >> 1))) & 0xFF;  \
        uint32_t i_ = q##L + s_;                                                              \
        q##L = nxt[i_];                                                                       \
        p[(L) * T + (c)] = (int32_t)s_;                                                       \
        o[(L) * T + (c)] = lbl[i_];                                                           \
    } while (0)

/* SWAR Lemire on the 4 chunks of a word: chunks 0,2 (a) and 1,3 (b) in 32-bit lanes times
 * k <= 256 (products < 2^24: no carry between lanes); chunk j is rejected iff its low 16
 * bits are < thr, i.e. iff low + (2^16 - thr) does not reach bit 16. */
#define HOT_WORD(L)                                                                           \
    uint64_t w##L = sc_mix64(st[L] += SC_RNG_GAMMA);                                          \
    uint64_t a##L = (w##L & M16) * k, b##L = ((w##L >> 16) & M16) * k;                        \
    bad |= ~(((a##L & M16) + C) & ((b##L & M16) + C)) & B16

#define HOT_STEP(c)                                                                           \
    do {                                                                                      \
        HOT_TOKEN(0, c);                                                                      \
        HOT_TOKEN(1, c);                                                                      \
        HOT_TOKEN(2, c);                                                                      \
        HOT_TOKEN(3, c);                                                                      \
    } while (0)

/* HOT_LANES rows: row0 + l*stride into in/lab + l*T, full length T. */
static void hot_rows(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride,
                     int32_t *in, int32_t *lab)
{
    const size_t T = g->T;
    const uint32_t k = g->k, thr = 65536u % k;
    const uint32_t *restrict nxt = g->next;
    const int32_t *restrict lbl = g->label32;
    uint64_t st[HOT_LANES], buf[HOT_LANES];
    unsigned av[HOT_LANES];
    uint32_t qs[HOT_LANES];
    for (int l = 0; l < HOT_LANES; l++) {
        st[l] = sc_rng_row_state(seed, row0 + (uint64_t)l * stride, SC_STREAM_TOKENS);
        buf[l] = 0;
        av[l] = 0;
        qs[l] = g->q0 * k;
    }
    size_t t = 0;
    /* Blocks of 4 tokens per lane. While every lane's chunk buffer is empty at the block
     * start (always, unless a chunk was rejected earlier), each lane takes one fresh word
     * for its 4 tokens and the lanes advance token by token together, so the dependent
     * table lookups of one lane overlap with the others'. The 16 chunks are tested before
     * any token is emitted (HOT_WORD); if any is rejected (probability < 16 * 2^-8, and
     * 16/65536 for k = 3) the block is generated lane by lane through the exact
     * chunk-stream definition instead (lemire16), starting from the same words. */
    uint32_t q0 = qs[0], q1 = qs[1], q2 = qs[2], q3 = qs[3];
    const uint64_t M16 = 0x0000FFFF0000FFFFull, B16 = 0x0001000000010000ull;
    const uint64_t C = (uint64_t)(65536u - thr) * 0x0000000100000001ull;
    int aligned = 1;
    for (; t + 4 <= T; t += 4) {
        int32_t *restrict p = in + t, *restrict o = lab + t;
        if (aligned) {
            uint64_t bad = 0;
            HOT_WORD(0);
            HOT_WORD(1);
            HOT_WORD(2);
            HOT_WORD(3);
            if (!SC_UNLIKELY(bad)) {
                HOT_STEP(0);
                HOT_STEP(1);
                HOT_STEP(2);
                HOT_STEP(3);
                continue;
            }
            buf[0] = w0, buf[1] = w1, buf[2] = w2, buf[3] = w3;
            av[0] = av[1] = av[2] = av[3] = 4;
        }
        qs[0] = q0, qs[1] = q1, qs[2] = q2, qs[3] = q3;
        for (int l = 0; l < HOT_LANES; l++)
            for (int c = 0; c < 4; c++) {
                uint32_t s = lemire16(&st[l], &buf[l], &av[l], k, thr) >> 16;
                uint32_t i = qs[l] + s;
                qs[l] = nxt[i];
                p[(size_t)l * T + c] = (int32_t)s;
                o[(size_t)l * T + c] = lbl[i];
            }
        q0 = qs[0], q1 = qs[1], q2 = qs[2], q3 = qs[3];
        aligned = (av[0] | av[1] | av[2] | av[3]) == 0;
    }
    qs[0] = q0, qs[1] = q1, qs[2] = q2, qs[3] = q3;
    for (; t < T; t++)
        for (int l = 0; l < HOT_LANES; l++) {
            uint32_t s = lemire16(&st[l], &buf[l], &av[l], k, thr) >> 16;
            uint32_t i = qs[l] + s;
            qs[l] = nxt[i];
            in[(size_t)l * T + t] = (int32_t)s;
            lab[(size_t)l * T + t] = lbl[i];
        }
}

void sc_gen_fill(const sc_gen *g, uint64_t seed, uint64_t row0, uint64_t stride, size_t nrows,
                 int32_t *inputs, int32_t *labels, int32_t *lengths)
{
    size_t T = g->T, j = 0;
    if (g->kind == SC_SAMPLE_IID && g->uniform && g->k <= 256) {
        for (; j + HOT_LANES <= nrows; j += HOT_LANES)
            hot_rows(g, seed, row0 + j * stride, stride, inputs + j * T, labels + j * T);
        if (lengths)
            for (size_t i = 0; i < j; i++) {
                size_t L = row_length(g, seed, row0 + i * stride);
                lengths[i] = (int32_t)L;
                pad(L, T, inputs + i * T, labels + i * T);
            }
    }
    sc_gen_fill_reference(g, seed, row0 + j * stride, stride, nrows - j, inputs + j * T,
                          labels + j * T, lengths ? lengths + j : NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* The flip-flop language                                                                     */

int sc_ffl_init(sc_ffl *f, size_t T, double p_w, double p_r, double p_i, sc_error *err)
{
    double w[3] = {p_w, p_r, p_i};
    memset(f, 0, sizeof *f);
    if (T < 4 || T % 2)
        return sc_fail(err, SC_EXIT_USAGE,
                       "ffl: --length counts tokens: an even number >= 4 (got %zu)", T);
    if (sc_rng_categorical_table(w, 3, f->cum))
        return sc_fail(err, SC_EXIT_REJECTED,
                       "ffl: probabilities (p_w, p_r, p_i) = (%g, %g, %g) are not a distribution",
                       p_w, p_r, p_i);
    f->T = T;
    return 0;
}

void sc_ffl_fill(const sc_ffl *f, uint64_t seed, uint64_t row0, uint64_t stride, size_t nrows,
                 int32_t *inputs, int32_t *labels)
{
    size_t T = f->T, pairs = T / 2;
    for (size_t j = 0; j < nrows; j++) {
        int32_t *in = inputs + j * T, *lab = labels + j * T;
        sc_rng r;
        sc_rng_init(&r, seed, row0 + j * stride, SC_STREAM_TOKENS);
        int32_t mem = 0;
        for (size_t p = 0; p < pairs; p++) {
            uint32_t ins = p == 0 ? SC_FFL_W
                         : p + 1 == pairs ? SC_FFL_R
                         : sc_rng_categorical(&r, f->cum, 3);
            int32_t bit, label = -1;
            if (ins == SC_FFL_R) {
                bit = mem;
                label = mem;
            } else {
                bit = (int32_t)sc_rng_uniform(&r, 2);
                if (ins == SC_FFL_W)
                    mem = bit;
            }
            in[2 * p] = (int32_t)ins;
            in[2 * p + 1] = SC_FFL_0 + bit;
            lab[2 * p] = -1;
            lab[2 * p + 1] = label;
        }
    }
}
