/* Compiled constructions (issue 6, item 5): real Transformers in the canonical format of
 * DESIGN.md §5, with hand-set weights, that compute an automaton's labels exactly on a stated
 * range of inputs. Every weight is a small integer or a half-integer, exact in float32.
 *
 * parity (max length L, 1 <= L <= SC_COMPILE_PARITY_MAX; positions P >= L):
 *   vocab 2 (bits), 2 classes, 1 layer, 1 head, uniform attention, ReLU MLP, norm none.
 *   Residual (d = L + 3): c_0 = the bit, c_{1+t} = [position = t] for t < L (one-hot; rows
 *   t >= L of pos.weight are zero), c_{L+1} = the attention output, c_{L+2} = the MLP output.
 *   Attention: value = the bit, so c_{L+1} = m_t = (number of ones in x_0..x_t) / (t + 1).
 *   MLP: for each position t0 < L and k = 0..t0 one unit
 *     u = ReLU((t0+1) m - k + B ([position = t0] - 1)),   B = L + 2,
 *   which is ReLU(c - k) at position t0 (c = the count of ones) and 0 at any other position;
 *   c_{L+2} = sum_k a_k u with a_0 = 1, a_k = 2(-1)^k, the triangle wave equal to c mod 2
 *   on the integers 0..t0+1. Unembed: logit_0 = 1/2, logit_1 = c_{L+2}. So the prediction at
 *   position t is the parity of x_0..x_t (the parity automaton's label q_{t+1}) for t < L,
 *   with margin 1/2; at positions t >= L every unit is off and the model always answers 0 —
 *   wrong on about half of the inputs: the out-of-distribution failure of the talk, exactly.
 *   d_mlp = L(L+1)/2.
 *
 * flipflop (the flip-flop language FFL, tokens w r i 0 1 = 0..4 as `shortcut gen ffl`; max
 * length L, 2 <= L <= SC_COMPILE_FFL_MAX):
 *   vocab 5, 2 classes, 2 layers, 1 head, hard attention, norm none, MLPs zero (d_mlp 1).
 *   Residual (d = 7): c_0 = 1, c_1 = [token = w], c_2 = [token = 1], c_3 = position j,
 *   c_4 = j^2, c_5 = [previous token = w] (layer 0), c_6 = the last written bit (layer 1).
 *   Layer 0, previous-token head: score(i, j) = 2(i-1) j - j^2 (times 1/sqrt(d_head)),
 *   uniquely maximal at j = i - 1 for i >= 1 (j = 0 at i = 0); value c_1, written to c_5.
 *   Layer 1, last-write head: score(i, j) = L c_5(j) + j, maximal at the last position j <= i
 *   holding a bit written by w; value c_2, written to c_6. Unembed: logit_0 = 1/2,
 *   logit_1 = c_6. The prediction at every position is the last written bit, which is what
 *   FFL scores at the positions holding r (labels[t+1]). All scores are integers below 2^24,
 *   so float32 computes them exactly. */
#ifndef SC_COMPILE_H
#define SC_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SC_COMPILE_PARITY_MAX 256
#define SC_COMPILE_FFL_MAX 2048
#define SC_COMPILE_MAX_TENSORS 16

typedef enum { SC_COMPILE_PARITY, SC_COMPILE_FLIPFLOP } sc_compile_kind;

typedef struct sc_ctensor {
    char name[40];
    int ndim;             /* 1 or 2 */
    uint64_t shape[2];
    double *data;         /* prod(shape) values, C order */
} sc_ctensor;

/* A compiled model: its metadata (key/value strings of DESIGN.md §5) and tensors (sorted by
 * name, every value exact in float32). */
typedef struct sc_compiled {
    size_t n_meta;
    char meta_key[13][16], meta_val[13][40];
    size_t n_tensors;
    sc_ctensor t[SC_COMPILE_MAX_TENSORS];
} sc_compiled;

/* Build the model for max length L (and, for parity, P positions: the model's max_len, so
 * that its failure beyond L can be observed; P = 0 means 2L). Errors: SC_EXIT_USAGE for
 * L or P out of range, SC_EXIT_LIMIT when out of memory; *out is then empty. */
int sc_compile(sc_compile_kind kind, uint32_t L, uint32_t P, sc_compiled *out, sc_error *err);
void sc_compiled_free(sc_compiled *m);

#endif
