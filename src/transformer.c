/* The canonical Transformer: strict loading and the exact / enclosure forward pass
 * (semantics in transformer.h). One forward skeleton drives both number kinds through a
 * small table of operations (exact rationals, enclosures). */
#include "transformer.h"
#include "io/file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ loading */

static const char *const META_KEYS[] = {"activation", "attention", "d_mlp",  "d_model",
                                        "format",     "ln_eps",    "max_len", "n_classes",
                                        "n_heads",    "n_layers",  "norm",    "positional",
                                        "vocab"};
#define N_META_KEYS (sizeof META_KEYS / sizeof META_KEYS[0])

/* A value read from the file, for a one-line message: "escaped" or nothing. */
static const char *shown(char *buf, size_t cap, const char *s)
{
    if (!s)
        return "nothing";
    buf[0] = '"';
    sc_escape(buf + 1, cap - 2, (const unsigned char *)s, strlen(s), 60);
    strcat(buf, "\"");
    return buf;
}

static int meta_uint(const st_file *f, const char *fname, const char *key, uint32_t *out,
                     sc_error *err)
{
    const char *s = st_meta_get(f, key);
    char *end = NULL;
    errno = 0;
    unsigned long long v = s && *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    if (!end || errno || *end || v < 1 || v > SC_MODEL_MAX_DIM)
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: field __metadata__.%s: expected a decimal integer in 1..%d, got %s",
                       fname, key, SC_MODEL_MAX_DIM, shown((char[320]){0}, 320, s));
    *out = (uint32_t)v;
    return 0;
}

static int meta_choice(const st_file *f, const char *fname, const char *key, const char *a,
                       const char *b, const char *c, int *out, sc_error *err)
{
    const char *s = st_meta_get(f, key);
    const char *opt[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (s && opt[i] && !strcmp(s, opt[i])) {
            *out = i;
            return 0;
        }
    return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__.%s: expected %s or %s%s%s, got %s",
                   fname, key, a, b, c ? " or " : "", c ? c : "", shown((char[320]){0}, 320, s));
}

/* Expected tensors, in the order they are stored in m->store. */
typedef struct want {
    char name[48];
    uint64_t rows, cols; /* cols = 0: a vector */
    int optional;
    const double **dst;
} want;

static int add_want(want *w, size_t *n, const char *name, uint64_t rows, uint64_t cols,
                    int optional, const double **dst)
{
    want *x = &w[(*n)++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->rows = rows, x->cols = cols, x->optional = optional, x->dst = dst;
    return 0;
}

static size_t plan(sc_model *m, want *w)
{
    size_t n = 0;
    uint64_t d = m->d_model, f = m->d_mlp;
    char nm[48];
    add_want(w, &n, "embed.weight", m->vocab, d, 0, &m->embed);
    if (m->positional)
        add_want(w, &n, "pos.weight", m->max_len, d, 0, &m->pos);
    for (uint32_t i = 0; i < m->n_layers; i++) {
        sc_layer *L = &m->layers[i];
        struct { const char *sfx; uint64_t r, c; int opt; const double **dst; int ln; } t[] = {
            {"ln1.weight", d, 0, 0, &L->ln1_w, 1},     {"ln1.bias", d, 0, 0, &L->ln1_b, 1},
            {"ln2.weight", d, 0, 0, &L->ln2_w, 1},     {"ln2.bias", d, 0, 0, &L->ln2_b, 1},
            {"attn.q.weight", d, d, 0, &L->q_w, 0},    {"attn.q.bias", d, 0, 1, &L->q_b, 0},
            {"attn.k.weight", d, d, 0, &L->k_w, 0},    {"attn.k.bias", d, 0, 1, &L->k_b, 0},
            {"attn.v.weight", d, d, 0, &L->v_w, 0},    {"attn.v.bias", d, 0, 1, &L->v_b, 0},
            {"attn.o.weight", d, d, 0, &L->o_w, 0},    {"attn.o.bias", d, 0, 1, &L->o_b, 0},
            {"mlp.fc1.weight", f, d, 0, &L->fc1_w, 0}, {"mlp.fc1.bias", f, 0, 1, &L->fc1_b, 0},
            {"mlp.fc2.weight", d, f, 0, &L->fc2_w, 0}, {"mlp.fc2.bias", d, 0, 1, &L->fc2_b, 0}};
        for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
            if (t[k].ln && !m->layernorm)
                continue;
            snprintf(nm, sizeof nm, "layers.%u.%s", i, t[k].sfx);
            add_want(w, &n, nm, t[k].r, t[k].c, t[k].opt, t[k].dst);
        }
    }
    if (m->layernorm) {
        add_want(w, &n, "ln_f.weight", d, 0, 0, &m->lnf_w);
        add_want(w, &n, "ln_f.bias", d, 0, 0, &m->lnf_b);
    }
    add_want(w, &n, "unembed.weight", m->n_classes, d, 0, &m->un_w);
    add_want(w, &n, "unembed.bias", m->n_classes, 0, 1, &m->un_b);
    return n;
}

void sc_model_free(sc_model *m)
{
    free(m->layers);
    free(m->store);
    memset(m, 0, sizeof *m);
}

int sc_model_is_rational(const sc_model *m)
{
    return m->attention != SC_ATTN_SOFTMAX && !m->layernorm && !m->gelu;
}

static int read_meta(const st_file *f, const char *fname, sc_model *m, sc_error *err)
{
    if (!f->has_metadata)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__: expected the canonical "
                       "model's metadata (format %s), got none", fname, SC_MODEL_FORMAT);
    for (size_t i = 0; i < f->n_meta; i++) {
        size_t k = 0;
        while (k < N_META_KEYS && strcmp(f->meta[i].key, META_KEYS[k]))
            k++;
        if (k == N_META_KEYS)
            return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__: unexpected key %s "
                           "(the canonical model has exactly: activation attention d_mlp "
                           "d_model format ln_eps max_len n_classes n_heads n_layers norm "
                           "positional vocab)", fname, shown((char[320]){0}, 320, f->meta[i].key));
    }
    const char *fmt = st_meta_get(f, "format");
    if (!fmt || strcmp(fmt, SC_MODEL_FORMAT))
        return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__.format: expected \"%s\", "
                       "got %s", fname, SC_MODEL_FORMAT, shown((char[320]){0}, 320, fmt));
    int norm, act, att, pos;
    if (meta_uint(f, fname, "n_layers", &m->n_layers, err) ||
        meta_uint(f, fname, "n_heads", &m->n_heads, err) ||
        meta_uint(f, fname, "d_model", &m->d_model, err) ||
        meta_uint(f, fname, "d_mlp", &m->d_mlp, err) ||
        meta_uint(f, fname, "vocab", &m->vocab, err) ||
        meta_uint(f, fname, "n_classes", &m->n_classes, err) ||
        meta_uint(f, fname, "max_len", &m->max_len, err) ||
        meta_choice(f, fname, "norm", "layernorm", "none", NULL, &norm, err) ||
        meta_choice(f, fname, "activation", "relu", "gelu", NULL, &act, err) ||
        meta_choice(f, fname, "attention", "uniform", "hard", "softmax", &att, err) ||
        meta_choice(f, fname, "positional", "learned", "none", NULL, &pos, err))
        return err->code;
    if (m->d_model % m->n_heads)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__.n_heads: expected a "
                       "divisor of d_model = %u, got %u", fname, m->d_model, m->n_heads);
    m->layernorm = norm == 0, m->gelu = act == 1, m->positional = pos == 0;
    m->attention = att == 0 ? SC_ATTN_UNIFORM : att == 1 ? SC_ATTN_HARD : SC_ATTN_SOFTMAX;
    const char *eps = st_meta_get(f, "ln_eps");
    char *end = NULL;
    errno = 0;
    m->ln_eps = eps ? strtod(eps, &end) : 0;
    if (!eps || !*eps || *end || errno || !(m->ln_eps > 0) || m->ln_eps > 1e300)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: field __metadata__.ln_eps: expected a "
                       "decimal number > 0, got %s", fname, shown((char[320]){0}, 320, eps));
    return 0;
}

int sc_model_from_st(const st_file *f, const char *fname_raw, sc_model *m, sc_error *err)
{
    char fname[512];
    sc_escape(fname, sizeof fname, (const unsigned char *)fname_raw, strlen(fname_raw), 400);
    memset(m, 0, sizeof *m);
    want *w = NULL;
    if (read_meta(f, fname, m, err))
        goto fail;
    size_t cap = 8 + 16 * (size_t)m->n_layers; /* see plan() */
    m->layers = calloc(m->n_layers, sizeof *m->layers);
    w = calloc(cap, sizeof *w);
    if (!m->layers || !w) {
        sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %u layers", fname, m->n_layers);
        goto fail;
    }
    size_t nw = plan(m, w), total = 0, found = 0;
    int dtype = -1;
    for (size_t i = 0; i < nw; i++) {
        const st_tensor *t = st_find(f, w[i].name);
        if (!t) {
            if (w[i].optional)
                continue;
            sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected it (shape [%llu%s%.0llu]), "
                    "got nothing", fname, w[i].name, (unsigned long long)w[i].rows,
                    w[i].cols ? ", " : "", (unsigned long long)w[i].cols);
            goto fail;
        }
        found++;
        if (!st_dtype_is_model(t->dtype) || (dtype >= 0 && (int)t->dtype != dtype)) {
            sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected dtype %s, got %s", fname,
                    w[i].name, dtype >= 0 ? st_dtype_name((st_dtype)dtype) : "F32 or F64",
                    st_dtype_name(t->dtype));
            goto fail;
        }
        dtype = (int)t->dtype;
        int nd = w[i].cols ? 2 : 1;
        if (t->ndim != nd || t->shape[0] != w[i].rows || (nd == 2 && t->shape[1] != w[i].cols)) {
            char got[96] = "[";
            for (int k = 0; k < t->ndim; k++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", k ? ", " : "",
                         (unsigned long long)t->shape[k]);
            strcat(got, "]");
            sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected shape [%llu%s%.0llu], got %s",
                    fname, w[i].name, (unsigned long long)w[i].rows, nd == 2 ? ", " : "",
                    (unsigned long long)w[i].cols, got);
            goto fail;
        }
        total += t->count;
    }
    if (found != f->n_tensors) { /* name the first tensor that is not part of the model */
        for (size_t i = 0; i < f->n_tensors; i++) {
            size_t k = 0;
            while (k < nw && strcmp(w[k].name, f->tensors[i].name))
                k++;
            if (k == nw) {
                sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: unexpected in a model with "
                        "these metadata", fname, shown((char[320]){0}, 320, f->tensors[i].name));
                goto fail;
            }
        }
    }
    m->dtype = (st_dtype)dtype;
    m->store = malloc((total ? total : 1) * sizeof *m->store);
    if (!m->store) {
        sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %zu weights", fname, total);
        goto fail;
    }
    double *p = m->store;
    for (size_t i = 0; i < nw; i++) {
        const st_tensor *t = st_find(f, w[i].name);
        if (!t)
            continue;
        for (uint64_t e = 0; e < t->count; e++) {
            st_get_f64(t, e, &p[e]);
            if (p[e] - p[e] != 0) { /* NaN or infinity */
                sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: element %llu: expected a finite "
                        "number, got %g", fname, w[i].name, (unsigned long long)e, p[e]);
                goto fail;
            }
        }
        *w[i].dst = p;
        p += t->count;
    }
    free(w);
    return 0;
fail:
    free(w);
    sc_model_free(m);
    return err->code;
}

int sc_model_load(const char *path, sc_model *m, sc_error *err)
{
    st_file f;
    memset(m, 0, sizeof *m);
    int rc = st_load(path, &f, err);
    if (!rc)
        rc = sc_model_from_st(&f, path, m, err);
    st_free(&f);
    return rc;
}

/* ------------------------------------------------------------------ number kinds */

struct sc_fwd_ws;
/* One number kind: exact rationals (mpq_t), enclosures of the real value (sc_iv), or float
 * semantics (sc_iv enclosing the real value and every allowed float result, src/bound.h).
 * Arrays are untyped here; `size` is the element size. */
typedef struct kind {
    size_t size;
    int (*linear)(struct sc_fwd_ws *w, void *out, const void *x, size_t rows, size_t in,
                  const double *W, const double *b, size_t outd);
    int (*add)(struct sc_fwd_ws *w, void *h, const void *o, size_t n); /* h += o */
    int (*embed)(struct sc_fwd_ws *w, void *h, size_t t, const double *e, const double *p,
                 size_t d); /* row t of h */
    int (*act)(struct sc_fwd_ws *w, void *x, size_t n);
    int (*norm)(struct sc_fwd_ws *w, void *out, const void *x, size_t rows, const double *g,
                const double *b); /* NULL: the kind has no LayerNorm (exact mode) */
    int (*attn)(struct sc_fwd_ws *w, void *out, const void *Q, const void *K, const void *V,
                size_t T, const size_t *key_class);
} kind;

enum { B_H, B_A, B_Q, B_K, B_V, B_ATT, B_O, B_F, B_LOG, N_BUF };

struct sc_fwd_ws {
    const sc_model *m;
    const kind *k;
    sc_fwd_mode mode;
    size_t Tmax, len[N_BUF];
    void *buf[N_BUF];
    sc_xctx cx;
    sc_attn_ws aws;
    sc_fb_ws fb;
    sc_fmodel fm;
    sc_iv eps;
    size_t *key_class;
    int have_cx, have_aws, have_fb, have_eps;
};

#define EL(k, base, i) ((void *)((char *)(base) + (size_t)(i) * (k)->size))

static int q_linear(sc_fwd_ws *w, void *out, const void *x, size_t rows, size_t in,
                    const double *W, const double *b, size_t outd)
{
    return sc_q_linear(out, x, rows, in, W, b, outd, &w->cx);
}
static int q_add(sc_fwd_ws *w, void *h, const void *o, size_t n)
{
    (void)w;
    sc_q_add(h, h, o, n);
    return 0;
}
static int q_embed(sc_fwd_ws *w, void *hv, size_t t, const double *e, const double *p, size_t d)
{
    (void)w;
    mpq_t *h = (mpq_t *)hv + t * d;
    for (size_t c = 0; c < d; c++) {
        int rc = sc_q_set_d(h[c], e[c] + 0.0);
        if (!rc && p) { /* exact: both terms are dyadic */
            mpq_t t;
            mpq_init(t);
            rc = sc_q_set_d(t, p[c]);
            mpq_add(h[c], h[c], t);
            mpq_clear(t);
        }
        if (rc)
            return rc;
    }
    return 0;
}
static int q_act(sc_fwd_ws *w, void *x, size_t n)
{
    (void)w; /* exact mode is ReLU only */
    sc_q_relu(x, x, n);
    return 0;
}
static int q_attn(sc_fwd_ws *w, void *out, const void *Q, const void *K, const void *V,
                  size_t T, const size_t *key_class)
{
    (void)key_class; /* exact ties need no help */
    size_t H = w->m->n_heads;
    return sc_attn_mh_q(w->m->attention, out, Q, K, V, T, H, w->m->d_model / H, NULL, &w->aws);
}

static int iv_linear(sc_fwd_ws *w, void *out, const void *x, size_t rows, size_t in,
                     const double *W, const double *b, size_t outd)
{
    return sc_iv_linear(out, x, rows, in, W, b, outd, &w->cx);
}
static int iv_add(sc_fwd_ws *w, void *h, const void *o, size_t n)
{
    (void)w;
    return sc_iv_vadd(h, h, o, n);
}
static int iv_embed(sc_fwd_ws *w, void *hv, size_t t, const double *e, const double *p,
                    size_t d)
{
    (void)w;
    sc_iv *h = (sc_iv *)hv + t * d;
    for (size_t c = 0; c < d; c++) {
        int rc = sc_iv_set_d(&h[c], e[c]);
        if (!rc && p)
            rc = sc_iv_add_d(&h[c], &h[c], p[c]);
        if (rc)
            return rc;
    }
    return 0;
}
static int iv_act(sc_fwd_ws *w, void *x, size_t n)
{
    if (w->m->gelu)
        return sc_iv_gelu(x, x, n, &w->cx);
    sc_iv_relu(x, x, n);
    return 0;
}
static int iv_norm(sc_fwd_ws *w, void *out, const void *x, size_t rows, const double *g,
                   const double *b)
{
    return sc_iv_layernorm(out, x, rows, w->m->d_model, g, b, &w->eps, &w->cx);
}
static int iv_attn(sc_fwd_ws *w, void *out, const void *Q, const void *K, const void *V,
                   size_t T, const size_t *key_class)
{
    size_t H = w->m->n_heads;
    return sc_attn_mh_iv(w->m->attention, out, Q, K, V, T, H, w->m->d_model / H, NULL,
                         key_class, NULL, &w->aws);
}

/* Float-bound buffers: the exact enclosures and the float error bounds (src/bound.h). */
typedef struct fe_buf {
    sc_iv *x;
    double *e;
} fe_buf;

static int fb_linear(sc_fwd_ws *w, void *out, const void *x, size_t rows, size_t in,
                     const double *W, const double *b, size_t outd)
{
    fe_buf *o = out;
    const fe_buf *i = x;
    return sc_fb_linear(o->x, o->e, i->x, i->e, rows, in, W, b, outd, &w->fm, &w->fb, &w->cx);
}
static int fb_add(sc_fwd_ws *w, void *h, const void *o, size_t n)
{
    fe_buf *a = h;
    const fe_buf *b = o;
    return sc_fb_add(a->x, a->e, b->x, b->e, n, &w->fm, &w->fb);
}
static int fb_embed(sc_fwd_ws *w, void *h, size_t t, const double *e, const double *p, size_t d)
{
    fe_buf *a = h;
    return sc_fb_embed(a->x + t * d, a->e + t * d, e, p, d, &w->fm, &w->fb);
}
static int fb_act(sc_fwd_ws *w, void *x, size_t n)
{
    fe_buf *a = x;
    return sc_fb_act(a->x, a->e, n, w->m->gelu, &w->fm, &w->fb, &w->cx);
}
static int fb_norm(sc_fwd_ws *w, void *out, const void *x, size_t rows, const double *g,
                   const double *b)
{
    fe_buf *o = out;
    const fe_buf *i = x;
    return sc_fb_layernorm(o->x, o->e, i->x, i->e, rows, w->m->d_model, g, b, &w->eps, &w->fm,
                           &w->fb, &w->cx);
}
static int fb_attn(sc_fwd_ws *w, void *out, const void *Q, const void *K, const void *V,
                   size_t T, const size_t *key_class)
{
    (void)key_class; /* float arg-max sets are bounded by the hull of the candidates */
    fe_buf *o = out;
    const fe_buf *q = Q, *k = K, *v = V;
    size_t H = w->m->n_heads;
    return sc_fb_attention(w->m->attention, o->x, o->e, q->x, q->e, k->x, k->e, v->x, v->e, T,
                           H, w->m->d_model / H, &w->fm, &w->fb, &w->aws, &w->cx);
}

static const kind KIND_Q = {sizeof(mpq_t), q_linear, q_add, q_embed, q_act, NULL, q_attn};
static const kind KIND_IV = {sizeof(sc_iv), iv_linear, iv_add, iv_embed, iv_act, iv_norm,
                             iv_attn};
static const kind KIND_FB = {sizeof(fe_buf), fb_linear, fb_add, fb_embed, fb_act, fb_norm,
                             fb_attn};

/* ------------------------------------------------------------------ workspace */

void sc_fwd_ws_free(sc_fwd_ws *w)
{
    if (!w)
        return;
    for (int b = 0; b < N_BUF; b++)
        if (w->buf[b]) {
            if (w->k == &KIND_Q) {
                sc_q_array_free(w->buf[b], w->len[b]);
            } else if (w->k == &KIND_IV) {
                sc_iv_array_free(w->buf[b], w->len[b]);
            } else {
                fe_buf *f = w->buf[b];
                if (f->x)
                    sc_iv_array_free(f->x, w->len[b]);
                free(f->e);
                free(f);
            }
        }
    if (w->have_cx)
        sc_xctx_clear(&w->cx);
    if (w->have_aws)
        sc_attn_ws_clear(&w->aws);
    if (w->have_fb)
        sc_fb_ws_clear(&w->fb);
    if (w->have_eps)
        sc_iv_clear(&w->eps);
    free(w->key_class);
    free(w);
}

int sc_fwd_ws_new(sc_fwd_ws **out, const sc_model *m, size_t Tmax, sc_fwd_mode mode,
                  sc_error *err)
{
    *out = NULL;
    sc_fwd_ws *w = calloc(1, sizeof *w);
    if (!w)
        return sc_fail(err, SC_EXIT_LIMIT, "forward: out of memory");
    w->m = m;
    w->mode = mode;
    w->k = mode != SC_FWD_EXACT ? &KIND_FB : sc_model_is_rational(m) ? &KIND_Q : &KIND_IV;
    w->Tmax = Tmax;
    size_t d = m->d_model, dims[N_BUF] = {d, d, d, d, d, d, d, m->d_mlp, m->n_classes};
    int ok = Tmax >= 1 && Tmax <= m->max_len;
    for (int b = 0; ok && b < N_BUF; b++) {
        w->len[b] = Tmax * dims[b];
        if (w->k == &KIND_Q) {
            w->buf[b] = sc_q_array_new(w->len[b]);
        } else if (w->k == &KIND_IV) {
            w->buf[b] = sc_iv_array_new(w->len[b], SC_X_PREC_DEFAULT);
        } else if ((w->buf[b] = calloc(1, sizeof(fe_buf)))) {
            fe_buf *f = w->buf[b];
            f->x = sc_iv_array_new(w->len[b], SC_X_PREC_DEFAULT);
            f->e = calloc(w->len[b], sizeof *f->e);
            ok = f->x && f->e;
        }
        ok = ok && w->buf[b] != NULL;
    }
    size_t nmax = d > m->d_mlp ? d : m->d_mlp;
    ok = ok && !sc_xctx_init(&w->cx, SC_X_PREC_DEFAULT, nmax) && (w->have_cx = 1);
    ok = ok && !sc_attn_ws_init(&w->aws, Tmax, d / m->n_heads, SC_X_PREC_DEFAULT) &&
         (w->have_aws = 1);
    if (ok && mode != SC_FWD_EXACT) {
        sc_fmodel_default(&w->fm, mode == SC_FWD_FLOAT32 ? 32 : 64);
        ok = !sc_fb_ws_init(&w->fb, nmax > Tmax ? nmax : Tmax, SC_X_PREC_DEFAULT) &&
             (w->have_fb = 1);
    }
    if (ok) {
        sc_iv_init(&w->eps, SC_X_PREC_DEFAULT);
        w->have_eps = 1;
        w->key_class = malloc(Tmax * sizeof *w->key_class);
        ok = w->key_class != NULL;
    }
    if (!ok) {
        sc_fwd_ws_free(w);
        return sc_fail(err, SC_EXIT_LIMIT, "forward: out of memory for %zu positions of "
                       "width %u", Tmax, m->d_model);
    }
    *out = w;
    return 0;
}

const sc_fmodel *sc_fwd_ws_fmodel(const sc_fwd_ws *w)
{
    return w->mode == SC_FWD_EXACT ? NULL : &w->fm;
}

static void set_prec(sc_fwd_ws *w, long prec)
{
    for (int b = 0; b < N_BUF; b++)
        sc_iv_array_set_prec(w->k == &KIND_FB ? ((fe_buf *)w->buf[b])->x : w->buf[b], w->len[b],
                             prec);
    sc_xctx_set_prec(&w->cx, prec);
    sc_attn_ws_set_prec(&w->aws, prec);
    if (w->have_fb)
        sc_fb_ws_set_prec(&w->fb, prec);
    mpfr_set_prec(w->eps.lo, prec);
    mpfr_set_prec(w->eps.hi, prec);
}

/* ------------------------------------------------------------------ forward */

typedef struct run {
    sc_fwd_ws *w;
    const int32_t *x;
    size_t T;
    int32_t *pred;
    size_t undecided;   /* positions whose arg-max over the classes is undecided */
    int attn_undecided; /* a hard-attention arg-max was undecided (no logits) */
    int fail;           /* a non-UNDECIDED status of the last evaluation */
    const char *where;  /* what failed */
    size_t layer;
} run;

/* a = LayerNorm(h) rows, or h itself when the model has no LayerNorm. */
static void *normed(run *r, const double *g, const double *b, void *h, int *rc)
{
    sc_fwd_ws *w = r->w;
    if (!w->m->layernorm)
        return h;
    *rc = w->k->norm(w, w->buf[B_A], h, r->T, g, b);
    return w->buf[B_A];
}

static int eval(void *ctx, mpfr_prec_t prec)
{
    run *r = ctx;
    sc_fwd_ws *w = r->w;
    const sc_model *m = w->m;
    const kind *k = w->k;
    size_t T = r->T, d = m->d_model, C = m->n_classes;
    int rc = 0;
    r->undecided = 0;
    r->attn_undecided = 0;
    if (k != &KIND_Q) {
        set_prec(w, prec + SC_FWD_GUARD_BITS);
        rc = sc_iv_set_d(&w->eps, m->ln_eps);
    }
    void *h = w->buf[B_H];
    for (size_t t = 0; t < T && !rc; t++)
        rc = k->embed(w, h, t, m->embed + (size_t)r->x[t] * d,
                      m->pos ? m->pos + t * d : NULL, d);
    r->where = "embedding";
    for (size_t l = 0; l < m->n_layers && !rc; l++) {
        const sc_layer *L = &m->layers[l];
        r->layer = l;
        r->where = "attention";
        void *a = normed(r, L->ln1_w, L->ln1_b, h, &rc);
        rc = rc ? rc : k->linear(w, w->buf[B_Q], a, T, d, L->q_w, L->q_b, d);
        rc = rc ? rc : k->linear(w, w->buf[B_K], a, T, d, L->k_w, L->k_b, d);
        rc = rc ? rc : k->linear(w, w->buf[B_V], a, T, d, L->v_w, L->v_b, d);
        /* Layer 0 without positions: equal tokens give equal key rows (ties provable). */
        const size_t *cls = NULL;
        if (l == 0 && !m->pos) {
            for (size_t t = 0; t < T; t++)
                w->key_class[t] = (size_t)r->x[t];
            cls = w->key_class;
        }
        rc = rc ? rc : k->attn(w, w->buf[B_ATT], w->buf[B_Q], w->buf[B_K], w->buf[B_V], T, cls);
        rc = rc ? rc : k->linear(w, w->buf[B_O], w->buf[B_ATT], T, d, L->o_w, L->o_b, d);
        rc = rc ? rc : k->add(w, h, w->buf[B_O], T * d);
        r->where = "MLP";
        a = rc ? NULL : normed(r, L->ln2_w, L->ln2_b, h, &rc);
        rc = rc ? rc : k->linear(w, w->buf[B_F], a, T, d, L->fc1_w, L->fc1_b, m->d_mlp);
        rc = rc ? rc : k->act(w, w->buf[B_F], T * m->d_mlp);
        rc = rc ? rc : k->linear(w, w->buf[B_O], w->buf[B_F], T, m->d_mlp, L->fc2_w, L->fc2_b,
                                 d);
        rc = rc ? rc : k->add(w, h, w->buf[B_O], T * d);
    }
    r->where = "unembedding";
    void *a = rc ? NULL : normed(r, m->lnf_w, m->lnf_b, h, &rc);
    rc = rc ? rc : k->linear(w, w->buf[B_LOG], a, T, d, m->un_w, m->un_b, C);
    r->fail = rc == SC_X_UNDECIDED ? 0 : rc;
    r->attn_undecided = rc == SC_X_UNDECIDED;
    if (rc || !r->pred)
        return rc;
    for (size_t t = 0; t < T; t++) { /* the certified arg-max over the classes */
        size_t idx;
        void *lg = EL(k, w->buf[B_LOG], t * C);
        int st = k == &KIND_Q ? sc_q_argmax(&idx, NULL, lg, C) : sc_iv_argmax(&idx, lg, C);
        r->pred[t] = st ? -1 : (int32_t)idx;
        r->undecided += st != 0;
    }
    return r->undecided ? SC_X_UNDECIDED : SC_X_OK;
}

static int check_input(const sc_model *m, const sc_fwd_ws *w, const int32_t *x, size_t T,
                       sc_error *err)
{
    if (T < 1 || T > m->max_len || T > w->Tmax)
        return sc_fail(err, SC_EXIT_REJECTED, "sequence length %zu: expected 1..%u (max_len)",
                       T, m->max_len < w->Tmax ? m->max_len : (unsigned)w->Tmax);
    for (size_t t = 0; t < T; t++)
        if (x[t] < 0 || (uint32_t)x[t] >= m->vocab)
            return sc_fail(err, SC_EXIT_REJECTED, "position %zu: expected a token in 0..%u, "
                           "got %d", t, m->vocab - 1, x[t]);
    return 0;
}

static int eval_failed(const run *r, int rc, mpfr_prec_t used, sc_error *err)
{
    if (r->fail || (rc && rc != SC_X_UNDECIDED))
        return sc_fail(err, r->fail == SC_X_EDOMAIN ? SC_EXIT_INCONCLUSIVE : SC_EXIT_LIMIT,
                       "forward: layer %zu %s: %s", r->layer, r->where,
                       sc_x_strerror(r->fail ? r->fail : rc));
    if (r->attn_undecided) /* hard attention still undecided at the cap */
        return sc_fail(err, SC_EXIT_INCONCLUSIVE, "forward: layer %zu: a hard-attention "
                       "arg-max at query position %zu cannot be decided at %ld bits",
                       r->layer, r->w->aws.fail_row, (long)used);
    return 0;
}

/* The double nearest to the middle of an exact rational / an enclosure, and a radius
 * (rounded up) such that [mid - rad, mid + rad] contains it. -1 if the rational lies beyond
 * the double range (no finite mid exists). */
static int q_out(const mpq_t x, double *mid, double *rad, sc_xctx *cx)
{
    sc_q_get_d(mid, x, MPFR_RNDN, cx);
    if (!isfinite(*mid))
        return -1;
    mpq_t t;
    mpq_init(t);
    mpq_set_d(t, *mid);
    mpq_sub(t, x, t);
    mpq_abs(t, t);
    sc_q_get_d(rad, t, MPFR_RNDU, cx);
    mpq_clear(t);
    return 0;
}

static void iv_out(const sc_iv *x, double *mid, double *rad, sc_xctx *cx)
{
    *mid = sc_iv_mid_d(x, cx);
    mpfr_ptr t = cx->f[0], u = cx->f[1];
    mpfr_sub_d(t, x->hi, *mid, MPFR_RNDU);
    mpfr_d_sub(u, *mid, x->lo, MPFR_RNDU);
    mpfr_max(t, t, u, MPFR_RNDU);
    *rad = mpfr_get_d(t, MPFR_RNDU);
}

int sc_forward(const sc_model *m, sc_fwd_ws *w, const int32_t *x, size_t T,
               const sc_fwd_opts *o, double *mid, double *rad, int32_t *pred,
               sc_fwd_stats *st, sc_error *err)
{
    if (w->mode != SC_FWD_EXACT)
        return sc_fail(err, SC_EXIT_USAGE, "forward: workspace made for the float bound");
    if (check_input(m, w, x, T, err))
        return err->code;
    run r = {.w = w, .x = x, .T = T, .pred = pred};
    long prec = o && o->prec ? o->prec : SC_X_PREC_DEFAULT;
    long cap = o && o->prec_cap ? o->prec_cap : SC_X_PREC_CAP_DEFAULT;
    if (cap < prec)
        cap = prec;
    mpfr_prec_t used = 0;
    int rc = w->k == &KIND_Q ? eval(&r, 0) : sc_x_refine(eval, &r, prec, cap, &used);
    if (eval_failed(&r, rc, used, err))
        return err->code;
    size_t C = m->n_classes;
    double worst = 0;
    for (size_t i = 0; i < T * C; i++) {
        if (w->k == &KIND_Q) {
            if (q_out(((mpq_t *)w->buf[B_LOG])[i], &mid[i], &rad[i], &w->cx))
                return sc_fail(err, SC_EXIT_LIMIT, "forward: the exact logit at position %zu, "
                               "class %zu, lies beyond the double range", i / C, i % C);
        } else {
            const sc_iv *v = (const sc_iv *)w->buf[B_LOG] + i;
            iv_out(v, &mid[i], &rad[i], &w->cx);
            double rw = sc_iv_relwidth(v, &w->cx);
            worst = rw > worst ? rw : worst;
        }
    }
    if (st)
        *st = (sc_fwd_stats){(long)used, r.undecided, worst};
    return 0;
}

int sc_forward_float(const sc_model *m, sc_fwd_ws *w, const int32_t *x, size_t T, long prec,
                     double *lo, double *hi, sc_error *err)
{
    if (w->mode == SC_FWD_EXACT)
        return sc_fail(err, SC_EXIT_USAGE, "forward: workspace made for the exact semantics");
    if (check_input(m, w, x, T, err))
        return err->code;
    run r = {.w = w, .x = x, .T = T};
    int rc = eval(&r, prec ? prec : SC_X_PREC_DEFAULT);
    if (eval_failed(&r, rc, prec, err))
        return err->code;
    const fe_buf *v = w->buf[B_LOG];
    for (size_t i = 0; i < T * m->n_classes; i++) { /* [X.lo - E, X.hi + E], outward */
        mpfr_sub_d(w->cx.f[0], v->x[i].lo, v->e[i], MPFR_RNDD);
        mpfr_add_d(w->cx.f[1], v->x[i].hi, v->e[i], MPFR_RNDU);
        lo[i] = mpfr_get_d(w->cx.f[0], MPFR_RNDD);
        hi[i] = mpfr_get_d(w->cx.f[1], MPFR_RNDU);
    }
    return 0;
}
