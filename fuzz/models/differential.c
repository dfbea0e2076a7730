/* The model differential (issue 8): LLVMFuzzerTestOneInput for any implementation under test
 * behind fuzz/models/model_abi.h. Include this file after the implementation (see
 * fuzz/model/fuzz_model.c); it links against libshortcut (the oracle).
 *
 * The fuzzer's bytes choose a small canonical model and an input (layout below); the
 * implementation computes float32 logits; the oracle computes the PROVEN float32 enclosure
 * (sc_forward_float with SC_FWD_FLOAT32, src/bound.h) and every logit is judged with
 * sc_tol_verdict (SC_TOL_PROVEN). A logit outside, or not finite, is a certified bug: ONE
 * signature line on stderr, then abort():
 *
 *   SIGNATURE model-diff impl=NAME model=L1H2d4m8v3c2T5/softmax/gelu/ln/pos pos=T class=C
 *             expected=[LO,HI] got=G
 *
 * Inputs the oracle cannot judge (a bound that overflows, an undecidable LayerNorm) and inputs
 * the implementation declines (non-zero return) are skipped (SC_FUZZ_DEBUG=1 says why, and
 * prints every logit with its enclosure).
 *
 * Byte layout (every byte is used modulo its range, so every input is valid):
 *   b0  bit0 layers-1, bit1 heads-1, bits2-3 attention (0 uniform, 1 hard, 2-3 softmax),
 *       bit4 gelu, bit5 layernorm, bit6 learned positions, bit7 weights from the bytes only
 *   b1  d_model = D[b1 & 7], d_mlp = D[(b1 >> 3) & 7], D = {2,4,4,4,8,8,12,16}
 *   b2  vocab = 1 + (b2 & 7), n_classes = 1 + ((b2 >> 3) & 3)
 *   b3  T = TL[b3 & 7], TL = {1,2,3,4,5,6,8,16}; weight scale 2^(((b3 >> 4) & 7) - 9)
 *   (sizes skewed small: the oracle's cost grows with d^2 T and the differential must run
 *   at >= 500 executions per second)
 *   then T tokens (mod vocab), then one byte per weight, (int8) byte * scale, in the order
 *   embed, pos, per layer ln1 w b, q w b, k w b, v w b, o w b, ln2 w b, fc1 w b, fc2 w b,
 *   ln_f w b, unembed w b. LayerNorm weights are 1 + (int8) byte / 128. When the bytes run out
 *   (and bit7 of b0 is clear) the remaining weights come from a PRNG seeded by the bytes, so a
 *   short input is already a random model (missing tokens: 0). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certify.h"
#include "transformer.h"

#include "model_abi.h"

/* Storage for one model: float32 for the implementation, the same values as doubles for the
 * oracle. */
#define W_MAX 8192
/* Working precision of the oracle's enclosures (bits; the proven float32 bound needs far less
 * than the default 128 to be tight: its own width is ~2^-24 relative). */
#ifndef SC_FUZZ_PREC
#define SC_FUZZ_PREC 64
#endif
static float wf[W_MAX];
static double wd[W_MAX];

typedef struct byte_src {
    const uint8_t *p;
    size_t n, i;
    uint64_t rng;
    int bytes_only;
} byte_src;

static int next_byte(byte_src *s)
{
    if (s->i < s->n)
        return s->p[s->i++];
    if (s->bytes_only)
        return 0;
    s->rng ^= s->rng << 13, s->rng ^= s->rng >> 7, s->rng ^= s->rng << 17;
    return (int)(s->rng >> 24) & 0xff;
}

/* Fill n weights at offset *off; returns the float pointer (the double twin is wd + same). */
static const float *take(byte_src *s, size_t *off, size_t n, double scale, int ln_weight)
{
    size_t o = *off;
    for (size_t i = 0; i < n; i++) {
        int8_t b = (int8_t)next_byte(s);
        double v = ln_weight ? 1.0 + b / 128.0 : b * scale;
        wf[o + i] = (float)v; /* exact: at most 8 significant bits */
        wd[o + i] = v;
    }
    *off += n;
    return wf + o;
}
#define DBL(pf) ((pf) ? wd + ((pf) - wf) : NULL)

static void describe(char *buf, size_t cap, const model_desc *m, size_t T)
{
    static const char *const kinds[] = {"uniform", "hard", "softmax"};
    snprintf(buf, cap, "L%uH%ud%um%uv%uc%uT%zu/%s/%s/%s/%s", m->n_layers, m->n_heads,
             m->d_model, m->d_mlp, m->vocab, m->n_classes, T, kinds[m->attention],
             m->gelu ? "gelu" : "relu", m->layernorm ? "ln" : "noln",
             m->positional ? "pos" : "nopos");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* AFL++'s libAFLDriver calls the harness once at start-up with the 4 bytes "##SI" (the
     * start of its "##SIG_AFL_PERSISTENT##" marker) before the fork server: a crash there
     * would stop afl-fuzz before it fuzzes, so that one input is skipped. */
    if (size < 4 || !memcmp(data, "##SI", 4))
        return 0;
    model_desc m;
    memset(&m, 0, sizeof m);
    uint8_t b0 = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
    m.n_layers = 1 + (b0 & 1);
    m.n_heads = 1 + ((b0 >> 1) & 1);
    int ak = (b0 >> 2) & 3;
    m.attention = ak == 0 ? MODEL_ATTN_UNIFORM : ak == 1 ? MODEL_ATTN_HARD : MODEL_ATTN_SOFTMAX;
    m.gelu = (b0 >> 4) & 1;
    m.layernorm = (b0 >> 5) & 1;
    m.positional = (b0 >> 6) & 1;
    static const uint8_t D[8] = {2, 4, 4, 4, 8, 8, 12, 16}, TL[8] = {1, 2, 3, 4, 5, 6, 8, 16};
    m.d_model = D[b1 & 7];
    m.d_mlp = D[(b1 >> 3) & 7];
    m.vocab = 1 + (b2 & 7);
    m.n_classes = 1 + ((b2 >> 3) & 3);
    m.max_len = MODEL_MAX_T;
    m.ln_eps = (float)1e-5;
    size_t T = TL[b3 & 7];
    double scale = ldexp(1.0, ((b3 >> 4) & 7) - 9);

    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 0x100000001b3ull;
    byte_src s = {data + 4, size - 4, 0, seed | 1, (b0 >> 7) & 1};
    int32_t x[MODEL_MAX_T];
    for (size_t t = 0; t < T; t++)
        x[t] = s.i < s.n ? (int32_t)(s.p[s.i++] % m.vocab) : 0;

    size_t d = m.d_model, dm = m.d_mlp, C = m.n_classes, off = 0;
    m.embed = take(&s, &off, (size_t)m.vocab * d, scale, 0);
    m.pos = m.positional ? take(&s, &off, MODEL_MAX_T * d, scale, 0) : NULL;
    sc_layer layers[MODEL_MAX_LAYERS];
    memset(layers, 0, sizeof layers);
    for (uint32_t l = 0; l < m.n_layers; l++) {
        model_layer_desc *L = &m.layers[l];
        if (m.layernorm) {
            L->ln1_w = take(&s, &off, d, scale, 1);
            L->ln1_b = take(&s, &off, d, scale, 0);
        }
        L->q_w = take(&s, &off, d * d, scale, 0), L->q_b = take(&s, &off, d, scale, 0);
        L->k_w = take(&s, &off, d * d, scale, 0), L->k_b = take(&s, &off, d, scale, 0);
        L->v_w = take(&s, &off, d * d, scale, 0), L->v_b = take(&s, &off, d, scale, 0);
        L->o_w = take(&s, &off, d * d, scale, 0), L->o_b = take(&s, &off, d, scale, 0);
        if (m.layernorm) {
            L->ln2_w = take(&s, &off, d, scale, 1);
            L->ln2_b = take(&s, &off, d, scale, 0);
        }
        L->fc1_w = take(&s, &off, dm * d, scale, 0), L->fc1_b = take(&s, &off, dm, scale, 0);
        L->fc2_w = take(&s, &off, d * dm, scale, 0), L->fc2_b = take(&s, &off, d, scale, 0);
        layers[l] = (sc_layer){DBL(L->ln1_w), DBL(L->ln1_b), DBL(L->ln2_w), DBL(L->ln2_b),
                               DBL(L->q_w),   DBL(L->q_b),   DBL(L->k_w),   DBL(L->k_b),
                               DBL(L->v_w),   DBL(L->v_b),   DBL(L->o_w),   DBL(L->o_b),
                               DBL(L->fc1_w), DBL(L->fc1_b), DBL(L->fc2_w), DBL(L->fc2_b)};
    }
    if (m.layernorm) {
        m.lnf_w = take(&s, &off, d, scale, 1);
        m.lnf_b = take(&s, &off, d, scale, 0);
    }
    m.un_w = take(&s, &off, C * d, scale, 0);
    m.un_b = take(&s, &off, C, scale, 0);

    /* the implementation under test */
    float logits[MODEL_MAX_T * MODEL_MAX_CLASSES];
    if (model_forward_f32(&m, x, T, logits)) {
        if (getenv("SC_FUZZ_DEBUG"))
            fprintf(stderr, "skipped: the implementation declined the model\n");
        return 0;
    }

    /* the oracle: the same model as an sc_model (values exactly as doubles) */
    sc_model om;
    memset(&om, 0, sizeof om);
    om.n_layers = m.n_layers, om.n_heads = m.n_heads, om.d_model = m.d_model;
    om.d_mlp = m.d_mlp, om.vocab = m.vocab, om.n_classes = m.n_classes;
    om.max_len = MODEL_MAX_T;
    om.layernorm = m.layernorm, om.gelu = m.gelu, om.positional = m.positional;
    om.attention = m.attention == MODEL_ATTN_UNIFORM ? SC_ATTN_UNIFORM
                   : m.attention == MODEL_ATTN_HARD  ? SC_ATTN_HARD
                                                     : SC_ATTN_SOFTMAX;
    om.ln_eps = 1e-5;
    om.dtype = ST_F32;
    om.embed = DBL(m.embed), om.pos = DBL(m.pos), om.lnf_w = DBL(m.lnf_w);
    om.lnf_b = DBL(m.lnf_b), om.un_w = DBL(m.un_w), om.un_b = DBL(m.un_b);
    om.layers = layers;

    /* one workspace per shape, kept across executions (it depends on the sizes only) */
    static sc_fwd_ws *ws;
    static sc_model *ws_model;
    static uint32_t key[4];
    static sc_model om_store;
    om_store = om;
    uint32_t k[4] = {om.d_model, om.d_mlp, om.n_classes, om.n_heads};
    sc_error err;
    sc_error_clear(&err);
    if (!ws || memcmp(k, key, sizeof k)) {
        sc_fwd_ws_free(ws);
        ws = NULL;
        if (sc_fwd_ws_new(&ws, &om_store, MODEL_MAX_T, SC_FWD_FLOAT32, &err))
            abort(); /* out of memory in the harness itself */
        ws_model = &om_store;
        memcpy(key, k, sizeof k);
    }
    (void)ws_model;
    double lo[MODEL_MAX_T * MODEL_MAX_CLASSES], hi[MODEL_MAX_T * MODEL_MAX_CLASSES];
    if (sc_forward_float(&om_store, ws, x, T, SC_FUZZ_PREC, lo, hi, &err))
    { /* the oracle cannot judge this input (bound overflow, LN undecidable) */
        if (getenv("SC_FUZZ_DEBUG"))
            fprintf(stderr, "skipped: %s\n", err.msg);
        return 0;
    }

    if (getenv("SC_FUZZ_DEBUG"))
        for (size_t i = 0; i < T * C; i++)
            fprintf(stderr, "logit %zu: [%.9g, %.9g] got %.9g\n", i, lo[i], hi[i],
                    (double)logits[i]);
    sc_tol tol = {.kind = SC_TOL_PROVEN, .bits = 32};
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++) {
            size_t i = t * C + c;
            if (sc_tol_verdict(&tol, logits[i], lo[i], hi[i], lo[i], hi[i]) !=
                SC_VERDICT_FAIL)
                continue;
            char desc[96];
            describe(desc, sizeof desc, &m, T);
            fprintf(stderr, "SIGNATURE model-diff impl=%s model=%s pos=%zu class=%zu "
                            "expected=[%.9g,%.9g] got=%.9g\n",
                    model_impl_name, desc, t, c, lo[i], hi[i], (double)logits[i]);
            abort();
        }
    return 0;
}
