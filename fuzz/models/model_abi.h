/* The ABI between the model differential harness (fuzz/models/differential.c) and an
 * IMPLEMENTATION UNDER TEST: a C function that computes the float32 logits of a canonical
 * Transformer (DESIGN.md §5; tools/canonical.py is the PyTorch reference of the same model).
 *
 *   int model_forward_f32(const model_desc *m, const int32_t *x, size_t T, float *logits);
 *
 * Inputs: the model m (weights as float32, PyTorch nn.Linear layout W[out][in], row-major;
 * every bias present, possibly zero), tokens x[0..T-1] (0 <= x[t] < vocab), 1 <= T <= max_len.
 * Output: logits[t * n_classes + c] for t < T, c < n_classes (row-major). Return 0, or a
 * non-zero value to say "this model is not supported" (the harness then skips the input; it
 * is NOT a failure). The function must not keep pointers into m or x after it returns.
 *
 * Semantics (pre-LN, causal):
 *   h_t = embed[x_t] (+ pos[t] when positional)
 *   per layer l:  a = LN1(h) (or h when !layernorm); Q = a Wq^T + bq, K, V likewise;
 *                 head j uses columns j*dh .. (j+1)*dh-1 (dh = d_model / n_heads);
 *                 position i attends to j <= i with scores s_ij = q_i.k_j / sqrt(dh):
 *                   SOFTMAX  weights softmax_j(s_ij)
 *                   HARD     plain average of v_j over the arg-max set (ties averaged)
 *                   UNIFORM  plain average of v_j over j <= i
 *                 h += concat(heads) Wo^T + bo;  h += fc2(act(fc1(LN2(h))))
 *   logits = unembed(LN_f(h)).  act: ReLU, or GELU (erf form).  LayerNorm: biased variance,
 *   eps inside the sqrt, times weight plus bias.
 *
 * What the oracle accepts (src/bound.h, assumptions A1-A8): any float32 implementation that
 * rounds every stored intermediate to float32, sums in any order (FMA or wider accumulators
 * allowed), uses exp/erf within 2 ulps and sqrt within 1 ulp, softmax with max subtraction,
 * LayerNorm by a two-pass or Welford variance. The harness checks every logit against the
 * PROVEN float32 enclosure of sc_forward_float (SC_FWD_FLOAT32): outside => a certified bug.
 *
 * To fuzz your own kernel: see fuzz/models/README.md. */
#ifndef SC_FUZZ_MODEL_ABI_H
#define SC_FUZZ_MODEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#define MODEL_MAX_LAYERS 2
#define MODEL_MAX_D 16     /* d_model and d_mlp */
#define MODEL_MAX_T 16     /* max_len */
#define MODEL_MAX_VOCAB 8
#define MODEL_MAX_CLASSES 4

typedef enum { MODEL_ATTN_UNIFORM = 0, MODEL_ATTN_HARD = 1, MODEL_ATTN_SOFTMAX = 2 } model_attn;

typedef struct model_layer_desc {
    const float *ln1_w, *ln1_b, *ln2_w, *ln2_b;  /* [d] each; NULL when !layernorm */
    const float *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b; /* [d][d], [d] */
    const float *fc1_w, *fc1_b;                  /* [d_mlp][d], [d_mlp] */
    const float *fc2_w, *fc2_b;                  /* [d][d_mlp], [d] */
} model_layer_desc;

typedef struct model_desc {
    uint32_t n_layers, n_heads, d_model, d_mlp, vocab, n_classes, max_len;
    model_attn attention;
    int gelu;          /* 1: GELU (erf), 0: ReLU */
    int layernorm;     /* 1: LN1, LN2, LN_f present; 0: none */
    int positional;    /* 1: pos[t] is added to the embedding */
    float ln_eps;      /* float32 rounding of the model's eps */
    const float *embed;          /* [vocab][d] */
    const float *pos;            /* [max_len][d], NULL when !positional */
    const float *lnf_w, *lnf_b;  /* [d], NULL when !layernorm */
    const float *un_w, *un_b;    /* [n_classes][d], [n_classes] */
    model_layer_desc layers[MODEL_MAX_LAYERS];
} model_desc;

/* The implementation under test (one per harness binary). */
int model_forward_f32(const model_desc *m, const int32_t *x, size_t T, float *logits);
/* Its name, printed in signature lines (e.g. "naive_f32", "naive_f32+mask_off_by_one"). */
extern const char model_impl_name[];

#endif
