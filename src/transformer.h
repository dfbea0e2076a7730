/* The canonical Transformer (DESIGN.md §5) and its exact semantics (§3).
 *
 * Loading (sc_model_load / sc_model_from_st): a strict safetensors file (src/io/safetensors)
 * whose __metadata__ holds exactly the keys format = "shortcut-transformer/1", n_layers,
 * n_heads, d_model, d_mlp, vocab, n_classes, max_len (decimal integers >= 1, d_model a
 * multiple of n_heads, each <= SC_MODEL_MAX_DIM), norm (layernorm|none), activation
 * (relu|gelu), attention (softmax|hard|uniform), positional (learned|none), ln_eps (a decimal
 * number > 0, read as the nearest double: the value PyTorch's LayerNorm holds). Tensors: all
 * F32 or all F64; exactly the names the metadata implies (embed.weight [vocab, d],
 * pos.weight [max_len, d] iff positional = learned, layers.{i}.ln1/ln2.{weight,bias} [d] and
 * ln_f.{weight,bias} [d] iff norm = layernorm, layers.{i}.attn.{q,k,v,o}.weight [d, d],
 * layers.{i}.mlp.fc1.weight [d_mlp, d], layers.{i}.mlp.fc2.weight [d, d_mlp],
 * unembed.weight [n_classes, d]; each Linear's bias ([out]) optional); every value finite.
 * Any violation: SC_EXIT_REJECTED, one line naming the file and the tensor or metadata key.
 *
 * Forward (pre-LN, causal): h_t = embed[x_t] (+ pos[t]); per layer h += O(Attn(Q a, K a,
 * V a)) with a = LN1(h) (or h), then h += fc2(act(fc1(LN2(h)))); logits = unembed(LN_f(h)).
 * Heads split the projected Q, K, V by columns (head j: columns j*dh .. (j+1)*dh - 1), see
 * src/attention.h. Scores q.k / sqrt(dh); LayerNorm biased variance, eps inside the sqrt.
 *
 * Two evaluation modes, chosen from the model:
 *  exact      attention uniform or hard, norm none, activation relu: every value is a
 *             rational number, computed exactly (GMP); logits are exact, radii are the
 *             distance to the reported double, predictions always decided.
 *  enclosure  otherwise: rigorous intervals (MPFR, outward rounding) at a working precision
 *             (default 128 bits) that is doubled while a prediction (arg-max over the
 *             classes) or a hard-attention arg-max cannot be decided, up to a cap; a
 *             prediction still undecided at the cap is reported as -1.
 * Output per position t and class c: mid = the double nearest to the enclosure's midpoint,
 * rad >= the largest distance from mid to a point of the enclosure (rounded up), so the
 * real logit lies in [mid - rad, mid + rad]; pred = the certified arg-max (smallest index
 * among exactly equal maxima, as torch.argmax) or -1 if undecided. */
#ifndef SC_TRANSFORMER_H
#define SC_TRANSFORMER_H

#include <stddef.h>
#include <stdint.h>

#include "attention.h"
#include "bound.h"
#include "error.h"
#include "exact.h"
#include "io/safetensors.h"

#define SC_MODEL_MAX_DIM 65536
#define SC_MODEL_FORMAT "shortcut-transformer/1"
/* Enclosures are computed with this many bits beyond the requested precision, so that the
 * logits' relative width stays below 2^-(precision - 28) despite the cancellations of a
 * forward pass (measured: 2^-91 at 128 bits without guard bits on a 2-layer model). */
#define SC_FWD_GUARD_BITS 32

typedef struct sc_layer {
    const double *ln1_w, *ln1_b, *ln2_w, *ln2_b; /* NULL when norm = none */
    const double *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b; /* biases may be NULL */
    const double *fc1_w, *fc1_b, *fc2_w, *fc2_b;
} sc_layer;

typedef struct sc_model {
    uint32_t n_layers, n_heads, d_model, d_mlp, vocab, n_classes, max_len;
    int layernorm;            /* norm = layernorm */
    int gelu;                 /* activation = gelu (else relu) */
    sc_attn_kind attention;
    int positional;           /* positional = learned */
    double ln_eps;
    st_dtype dtype;           /* ST_F32 or ST_F64: the stored dtype (values held as doubles) */
    const double *embed, *pos, *lnf_w, *lnf_b, *un_w, *un_b;
    sc_layer *layers;
    double *store;            /* every tensor's values, converted exactly to double */
} sc_model;

/* 0, or SC_EXIT_REJECTED / SC_EXIT_LIMIT with one line in err; on failure *m is empty. */
int sc_model_load(const char *path, sc_model *m, sc_error *err);
int sc_model_from_st(const st_file *f, const char *fname, sc_model *m, sc_error *err);
void sc_model_free(sc_model *m);
/* 1 if the model is evaluated exactly (see above). */
int sc_model_is_rational(const sc_model *m);

typedef struct sc_fwd_opts {
    long prec;                /* initial working precision in bits (0: 128) */
    long prec_cap;            /* refinement cap (0: 4096) */
} sc_fwd_opts;

/* Workspace for sequences of up to Tmax positions (allocated once; reused), for one mode:
 * the exact semantics (sc_forward) or the float bound of one format (sc_forward_float). */
typedef enum { SC_FWD_EXACT, SC_FWD_FLOAT32, SC_FWD_FLOAT64 } sc_fwd_mode;
typedef struct sc_fwd_ws sc_fwd_ws;
int sc_fwd_ws_new(sc_fwd_ws **ws, const sc_model *m, size_t Tmax, sc_fwd_mode mode,
                  sc_error *err);
void sc_fwd_ws_free(sc_fwd_ws *ws);
/* The assumptions of a float-mode workspace (src/bound.h); NULL in exact mode. */
const sc_fmodel *sc_fwd_ws_fmodel(const sc_fwd_ws *ws);

typedef struct sc_fwd_stats {
    long prec_used;           /* the precision of the last evaluation (0 in exact mode) */
    size_t undecided;         /* positions whose prediction is -1 */
    double max_relwidth;      /* the largest relative width of a logit enclosure */
} sc_fwd_stats;

/* One sequence x[0..T-1] (tokens < vocab, 1 <= T <= min(max_len, Tmax)): mid, rad
 * (T * n_classes each, row-major) and pred (T). Errors: SC_EXIT_REJECTED for a token out of
 * range or a sequence longer than max_len (the message names position and value),
 * SC_EXIT_LIMIT for an arithmetic overflow (an infinite bound), never a crash. */
int sc_forward(const sc_model *m, sc_fwd_ws *ws, const int32_t *x, size_t T,
               const sc_fwd_opts *o, double *mid, double *rad, int32_t *pred,
               sc_fwd_stats *st, sc_error *err);

/* The proven float tolerance (src/bound.h): lo[i] <= hi[i] (T * n_classes, doubles rounded
 * outward) enclose the exact logit AND every logit a float32 / float64 implementation (the
 * workspace's mode) can output under the assumptions A1-A8 of bound.h. prec: working
 * precision (0: 128). Errors as sc_forward; SC_EXIT_INCONCLUSIVE when the bound cannot be
 * formed (a LayerNorm variance + eps not provably positive in the float model). */
int sc_forward_float(const sc_model *m, sc_fwd_ws *ws, const int32_t *x, size_t T, long prec,
                     double *lo, double *hi, sc_error *err);

#endif
