/* A naive float32 forward pass of the canonical Transformer behind the ABI of model_abi.h:
 * the CORRECT reference implementation under test (SC_MODEL_BUG undefined or 0), and the
 * planted-bug variants used to show that the model differential finds real kernel bugs.
 * A harness selects a variant by defining SC_MODEL_BUG before including this file
 * (fuzz/bug_<name>/fuzz_bug_<name>.c), or with -DSC_MODEL_BUG=N on the command line:
 *
 *   1 mask_off_by_one    causal mask j <= i+1: each position also sees the next token
 *   2 softmax_no_max     softmax as exp(s) / sum exp(s) without subtracting the maximum:
 *                        overflows to inf/inf = NaN once a score exceeds ~88.7
 *   3 ln_unbiased        LayerNorm variance divided by n-1 (torch.var's default) instead of n
 *   4 residual_twice     the attention output is added to the residual stream twice
 *   5 bf16_accum         dot products accumulated in bfloat16 (8-bit significand) instead of
 *                        float32: every partial sum rounded to bf16
 *   6 scale_1_over_d     scores scaled by 1/d_head instead of 1/sqrt(d_head)
 *
 * Everything is float32, stored intermediates included (the oracle's assumption A1).
 * Only the fixed-capacity arrays of model_abi.h are used (no allocation). */
#include <math.h>
#include <string.h>

#include "model_abi.h"

#ifndef SC_MODEL_BUG
#define SC_MODEL_BUG 0
#endif

#define BUG_MASK_OFF_BY_ONE 1
#define BUG_SOFTMAX_NO_MAX 2
#define BUG_LN_UNBIASED 3
#define BUG_RESIDUAL_TWICE 4
#define BUG_BF16_ACCUM 5
#define BUG_SCALE_1_OVER_D 6

#if SC_MODEL_BUG == 0
const char model_impl_name[] = "naive_f32";
#elif SC_MODEL_BUG == BUG_MASK_OFF_BY_ONE
const char model_impl_name[] = "naive_f32+mask_off_by_one";
#elif SC_MODEL_BUG == BUG_SOFTMAX_NO_MAX
const char model_impl_name[] = "naive_f32+softmax_no_max";
#elif SC_MODEL_BUG == BUG_LN_UNBIASED
const char model_impl_name[] = "naive_f32+ln_unbiased";
#elif SC_MODEL_BUG == BUG_RESIDUAL_TWICE
const char model_impl_name[] = "naive_f32+residual_twice";
#elif SC_MODEL_BUG == BUG_BF16_ACCUM
const char model_impl_name[] = "naive_f32+bf16_accum";
#elif SC_MODEL_BUG == BUG_SCALE_1_OVER_D
const char model_impl_name[] = "naive_f32+scale_1_over_d";
#else
#error "unknown SC_MODEL_BUG"
#endif

#if SC_MODEL_BUG == BUG_BF16_ACCUM
/* Round a float to bfloat16 (round to nearest even), returned as a float. */
static float to_bf16(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if ((u & 0x7f800000u) != 0x7f800000u) /* finite */
        u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    memcpy(&x, &u, sizeof x);
    return x;
}
#define ACC(s) ((s) = to_bf16(s))
#else
#define ACC(s) ((void)0)
#endif

/* out[r][o] = b[o] + sum_i W[o][i] x[r][i] (rows r < T), x with leading dimension ldx. */
static void linear(float *out, size_t ldo, const float *x, size_t ldx, size_t T, size_t in,
                   const float *W, const float *b, size_t outd)
{
    for (size_t r = 0; r < T; r++)
        for (size_t o = 0; o < outd; o++) {
            float s = b ? b[o] : 0.0f;
            for (size_t i = 0; i < in; i++) {
                s += W[o * in + i] * x[r * ldx + i];
                ACC(s);
            }
            out[r * ldo + o] = s;
        }
}

static void layernorm(float *out, const float *x, size_t T, size_t n, const float *w,
                      const float *b, float eps)
{
    for (size_t r = 0; r < T; r++) {
        const float *v = x + r * MODEL_MAX_D;
        float mean = 0.0f, var = 0.0f;
        for (size_t i = 0; i < n; i++)
            mean += v[i];
        mean /= (float)n;
        for (size_t i = 0; i < n; i++) {
            float c = v[i] - mean;
            var += c * c;
        }
#if SC_MODEL_BUG == BUG_LN_UNBIASED
        var /= (float)(n > 1 ? n - 1 : 1);
#else
        var /= (float)n;
#endif
        float inv = 1.0f / sqrtf(var + eps);
        for (size_t i = 0; i < n; i++)
            out[r * MODEL_MAX_D + i] = (v[i] - mean) * inv * w[i] + b[i];
    }
}

static float dot(const float *a, const float *b, size_t n)
{
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        s += a[i] * b[i];
        ACC(s);
    }
    return s;
}

/* One head: columns c0 .. c0+dh-1 of Q, K, V (leading dimension MODEL_MAX_D) into out. */
static void head(float *out, const float *Q, const float *K, const float *V, size_t T,
                 size_t c0, size_t dh, model_attn kind)
{
#if SC_MODEL_BUG == BUG_SCALE_1_OVER_D
    const float scale = 1.0f / (float)dh;
#else
    const float scale = 1.0f / sqrtf((float)dh);
#endif
    float s[MODEL_MAX_T], a[MODEL_MAX_T];
    for (size_t i = 0; i < T; i++) {
        size_t last = i; /* attend to j <= last */
#if SC_MODEL_BUG == BUG_MASK_OFF_BY_ONE
        if (i + 1 < T)
            last = i + 1;
#endif
        for (size_t j = 0; j <= last; j++)
            s[j] = dot(Q + i * MODEL_MAX_D + c0, K + j * MODEL_MAX_D + c0, dh) * scale;
        if (kind == MODEL_ATTN_UNIFORM) {
            for (size_t j = 0; j <= last; j++)
                a[j] = 1.0f / (float)(last + 1);
        } else if (kind == MODEL_ATTN_HARD) {
            float m = s[0];
            for (size_t j = 1; j <= last; j++)
                m = s[j] > m ? s[j] : m;
            float cnt = 0.0f;
            for (size_t j = 0; j <= last; j++)
                cnt += s[j] == m;
            for (size_t j = 0; j <= last; j++)
                a[j] = s[j] == m ? 1.0f / cnt : 0.0f;
        } else {
#if SC_MODEL_BUG == BUG_SOFTMAX_NO_MAX
            float m = 0.0f;
#else
            float m = s[0];
            for (size_t j = 1; j <= last; j++)
                m = s[j] > m ? s[j] : m;
#endif
            float sum = 0.0f;
            for (size_t j = 0; j <= last; j++)
                sum += (a[j] = expf(s[j] - m));
            for (size_t j = 0; j <= last; j++)
                a[j] = a[j] / sum;
        }
        for (size_t c = 0; c < dh; c++) {
            float acc = 0.0f, cnt = 0.0f;
            for (size_t j = 0; j <= last; j++) {
                if (kind == MODEL_ATTN_HARD) { /* the arg-max set's plain average */
                    if (a[j] != 0.0f) {
                        acc += V[j * MODEL_MAX_D + c0 + c];
                        cnt += 1.0f;
                    }
                } else {
                    acc += a[j] * V[j * MODEL_MAX_D + c0 + c];
                }
                ACC(acc);
            }
            out[i * MODEL_MAX_D + c0 + c] = kind == MODEL_ATTN_HARD ? acc / cnt : acc;
        }
    }
}

int model_forward_f32(const model_desc *m, const int32_t *x, size_t T, float *logits)
{
    size_t d = m->d_model, dm = m->d_mlp;
    if (m->n_layers > MODEL_MAX_LAYERS || d > MODEL_MAX_D || dm > MODEL_MAX_D ||
        T > MODEL_MAX_T || T < 1 || m->n_heads < 1 || d % m->n_heads)
        return 1;
    static float h[MODEL_MAX_T * MODEL_MAX_D], a[MODEL_MAX_T * MODEL_MAX_D],
        Q[MODEL_MAX_T * MODEL_MAX_D], K[MODEL_MAX_T * MODEL_MAX_D],
        V[MODEL_MAX_T * MODEL_MAX_D], att[MODEL_MAX_T * MODEL_MAX_D],
        o[MODEL_MAX_T * MODEL_MAX_D], f[MODEL_MAX_T * MODEL_MAX_D];
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++)
            h[t * MODEL_MAX_D + i] = m->embed[(size_t)x[t] * d + i] +
                                     (m->positional ? m->pos[t * d + i] : 0.0f);
    size_t dh = d / m->n_heads;
    for (uint32_t l = 0; l < m->n_layers; l++) {
        const model_layer_desc *L = &m->layers[l];
        const float *in = h;
        if (m->layernorm) {
            layernorm(a, h, T, d, L->ln1_w, L->ln1_b, m->ln_eps);
            in = a;
        }
        linear(Q, MODEL_MAX_D, in, MODEL_MAX_D, T, d, L->q_w, L->q_b, d);
        linear(K, MODEL_MAX_D, in, MODEL_MAX_D, T, d, L->k_w, L->k_b, d);
        linear(V, MODEL_MAX_D, in, MODEL_MAX_D, T, d, L->v_w, L->v_b, d);
        for (uint32_t j = 0; j < m->n_heads; j++)
            head(att, Q, K, V, T, j * dh, dh, m->attention);
        linear(o, MODEL_MAX_D, att, MODEL_MAX_D, T, d, L->o_w, L->o_b, d);
        for (size_t t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) {
                h[t * MODEL_MAX_D + i] += o[t * MODEL_MAX_D + i];
#if SC_MODEL_BUG == BUG_RESIDUAL_TWICE
                h[t * MODEL_MAX_D + i] += o[t * MODEL_MAX_D + i];
#endif
            }
        in = h;
        if (m->layernorm) {
            layernorm(a, h, T, d, L->ln2_w, L->ln2_b, m->ln_eps);
            in = a;
        }
        linear(f, MODEL_MAX_D, in, MODEL_MAX_D, T, d, L->fc1_w, L->fc1_b, dm);
        for (size_t t = 0; t < T; t++)
            for (size_t i = 0; i < dm; i++) {
                float v = f[t * MODEL_MAX_D + i];
                f[t * MODEL_MAX_D + i] =
                    m->gelu ? v * 0.5f * (1.0f + erff(v * 0.70710678118654752f))
                            : (v > 0.0f ? v : 0.0f);
            }
        linear(o, MODEL_MAX_D, f, MODEL_MAX_D, T, dm, L->fc2_w, L->fc2_b, d);
        for (size_t t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++)
                h[t * MODEL_MAX_D + i] += o[t * MODEL_MAX_D + i];
    }
    const float *in = h;
    if (m->layernorm) {
        layernorm(a, h, T, d, m->lnf_w, m->lnf_b, m->ln_eps);
        in = a;
    }
    linear(logits, m->n_classes, in, MODEL_MAX_D, T, d, m->un_w, m->un_b, m->n_classes);
    return 0;
}
