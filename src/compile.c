/* Compiled constructions: the weights described in compile.h. */
#include "compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FFL token ids (src/gen.h). */
enum { TOK_W = 0, TOK_ONE = 4, FFL_VOCAB = 5 };

static void meta(sc_compiled *m, const char *k, const char *v)
{
    size_t i = m->n_meta++;
    snprintf(m->meta_key[i], sizeof m->meta_key[i], "%s", k);
    snprintf(m->meta_val[i], sizeof m->meta_val[i], "%s", v);
}

static void meta_num(sc_compiled *m, const char *k, unsigned v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u", v);
    meta(m, k, buf);
}

/* A zero tensor; NULL when out of memory. Tensors must be added in name order. */
static double *tensor(sc_compiled *m, const char *name, uint64_t rows, uint64_t cols)
{
    sc_ctensor *t = &m->t[m->n_tensors];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = cols ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols;
    t->data = calloc(rows * (cols ? cols : 1), sizeof *t->data);
    if (t->data)
        m->n_tensors++;
    return t->data;
}

void sc_compiled_free(sc_compiled *m)
{
    for (size_t i = 0; i < m->n_tensors; i++)
        free(m->t[i].data);
    memset(m, 0, sizeof *m);
}

static void common_meta(sc_compiled *m, unsigned layers, unsigned d, unsigned d_mlp,
                        unsigned vocab, unsigned max_len, const char *attention)
{
    meta(m, "activation", "relu");
    meta(m, "attention", attention);
    meta_num(m, "d_mlp", d_mlp);
    meta_num(m, "d_model", d);
    meta(m, "format", "shortcut-transformer/1");
    meta(m, "ln_eps", "1e-05");
    meta_num(m, "max_len", max_len);
    meta_num(m, "n_classes", 2);
    meta_num(m, "n_heads", 1);
    meta_num(m, "n_layers", layers);
    meta(m, "norm", "none");
    meta(m, "positional", "learned");
    meta_num(m, "vocab", vocab);
}

/* W[r][c] of a [rows, cols] weight. */
#define AT(W, cols, r, c) (W)[(size_t)(r) * (cols) + (c)]

static int build_parity(uint32_t L, uint32_t P, sc_compiled *m)
{
    uint64_t d = (uint64_t)L + 3, mean = L + 1, out = L + 2, hid = (uint64_t)L * (L + 1) / 2;
    double B = (double)L + 2;
    common_meta(m, 1, (unsigned)d, (unsigned)hid, 2, P, "uniform");
    double *E = tensor(m, "embed.weight", 2, d);
    double *Wk = E ? tensor(m, "layers.0.attn.k.weight", d, d) : NULL;
    double *Wo = Wk ? tensor(m, "layers.0.attn.o.weight", d, d) : NULL;
    double *Wq = Wo ? tensor(m, "layers.0.attn.q.weight", d, d) : NULL;
    double *Wv = Wq ? tensor(m, "layers.0.attn.v.weight", d, d) : NULL;
    double *b1 = Wv ? tensor(m, "layers.0.mlp.fc1.bias", hid, 0) : NULL;
    double *W1 = b1 ? tensor(m, "layers.0.mlp.fc1.weight", hid, d) : NULL;
    double *W2 = W1 ? tensor(m, "layers.0.mlp.fc2.weight", d, hid) : NULL;
    double *Pw = W2 ? tensor(m, "pos.weight", P, d) : NULL;
    double *ub = Pw ? tensor(m, "unembed.bias", 2, 0) : NULL;
    double *U = ub ? tensor(m, "unembed.weight", 2, d) : NULL;
    if (!U)
        return SC_EXIT_LIMIT;
    (void)Wq, (void)Wk; /* uniform attention ignores the scores */
    AT(E, d, 1, 0) = 1;
    for (uint32_t t = 0; t < L; t++)
        AT(Pw, d, t, 1 + t) = 1;
    AT(Wv, d, 0, 0) = 1;    /* value = the bit */
    AT(Wo, d, mean, 0) = 1; /* head output -> c_{L+1} */
    uint64_t u = 0;
    for (uint32_t t0 = 0; t0 < L; t0++)
        for (uint32_t k = 0; k <= t0; k++, u++) {
            AT(W1, d, u, mean) = t0 + 1.0;
            AT(W1, d, u, 1 + t0) = B;
            b1[u] = -(double)k - B;
            AT(W2, hid, out, u) = k == 0 ? 1 : (k % 2 ? -2 : 2);
        }
    ub[0] = 0.5;
    AT(U, d, 1, out) = 1;
    return 0;
}

static int build_flipflop(uint32_t L, sc_compiled *m)
{
    enum { ONE, IS_W, BIT, POS, POS2, PREV_W, LAST, D };
    common_meta(m, 2, D, 1, FFL_VOCAB, L, "hard");
    double *E = tensor(m, "embed.weight", FFL_VOCAB, D);
    double *K0 = E ? tensor(m, "layers.0.attn.k.weight", D, D) : NULL;
    double *O0 = K0 ? tensor(m, "layers.0.attn.o.weight", D, D) : NULL;
    double *Q0 = O0 ? tensor(m, "layers.0.attn.q.weight", D, D) : NULL;
    double *V0 = Q0 ? tensor(m, "layers.0.attn.v.weight", D, D) : NULL;
    double *F10 = V0 ? tensor(m, "layers.0.mlp.fc1.weight", 1, D) : NULL;
    double *F20 = F10 ? tensor(m, "layers.0.mlp.fc2.weight", D, 1) : NULL;
    double *K1 = F20 ? tensor(m, "layers.1.attn.k.weight", D, D) : NULL;
    double *O1 = K1 ? tensor(m, "layers.1.attn.o.weight", D, D) : NULL;
    double *Q1 = O1 ? tensor(m, "layers.1.attn.q.weight", D, D) : NULL;
    double *V1 = Q1 ? tensor(m, "layers.1.attn.v.weight", D, D) : NULL;
    double *F11 = V1 ? tensor(m, "layers.1.mlp.fc1.weight", 1, D) : NULL;
    double *F21 = F11 ? tensor(m, "layers.1.mlp.fc2.weight", D, 1) : NULL;
    double *Pw = F21 ? tensor(m, "pos.weight", L, D) : NULL;
    double *ub = Pw ? tensor(m, "unembed.bias", 2, 0) : NULL;
    double *U = ub ? tensor(m, "unembed.weight", 2, D) : NULL;
    if (!U)
        return SC_EXIT_LIMIT;
    for (int tok = 0; tok < FFL_VOCAB; tok++)
        AT(E, D, tok, ONE) = 1;
    AT(E, D, TOK_W, IS_W) = 1;
    AT(E, D, TOK_ONE, BIT) = 1;
    for (uint32_t j = 0; j < L; j++) {
        AT(Pw, D, j, POS) = j;
        AT(Pw, D, j, POS2) = (double)j * j;
    }
    /* layer 0: q = (2 pos - 2, -1), k = (j, j^2): score 2(i-1)j - j^2 */
    AT(Q0, D, 0, POS) = 2, AT(Q0, D, 0, ONE) = -2, AT(Q0, D, 1, ONE) = -1;
    AT(K0, D, 0, POS) = 1, AT(K0, D, 1, POS2) = 1;
    AT(V0, D, 0, IS_W) = 1, AT(O0, D, PREV_W, 0) = 1;
    /* layer 1: q = (L, 1), k = (prev_w, j): score L prev_w(j) + j */
    AT(Q1, D, 0, ONE) = L, AT(Q1, D, 1, ONE) = 1;
    AT(K1, D, 0, PREV_W) = 1, AT(K1, D, 1, POS) = 1;
    AT(V1, D, 0, BIT) = 1, AT(O1, D, LAST, 0) = 1;
    ub[0] = 0.5;
    AT(U, D, 1, LAST) = 1;
    return 0;
}

int sc_compile(sc_compile_kind kind, uint32_t L, uint32_t P, sc_compiled *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (kind == SC_COMPILE_PARITY) {
        if (P == 0)
            P = 2 * L;
        if (L < 1 || L > SC_COMPILE_PARITY_MAX || P < L || P > 65536)
            return sc_fail(err, SC_EXIT_USAGE,
                           "parity: expected 1 <= max length <= %d and max length <= "
                           "positions <= 65536, got %u and %u",
                           SC_COMPILE_PARITY_MAX, L, P);
        rc = build_parity(L, P, out);
    } else {
        if (L < 2 || L > SC_COMPILE_FFL_MAX)
            return sc_fail(err, SC_EXIT_USAGE,
                           "flipflop: expected 2 <= max length <= %d, got %u",
                           SC_COMPILE_FFL_MAX, L);
        rc = build_flipflop(L, out);
    }
    if (rc) {
        sc_compiled_free(out);
        return sc_fail(err, rc, "compile: out of memory");
    }
    return 0;
}
