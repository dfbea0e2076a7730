/* AFL++ / libFuzzer harness for the strict safetensors reader (src/io/safetensors.c).
 * Every input is either rejected (SC_EXIT_REJECTED, one line naming the file and "expected") or
 * accepted with a self-consistent description: every tensor inside the data buffer, sizes equal
 * prod(shape) * itemsize, the tensors tiling the buffer exactly, names and keys sorted and
 * findable; and the canonical writer re-serialises it into an image that parses to the same
 * tensors. Anything else aborts.
 * Accepted files then go through the canonical-model loader (sc_model_from_st): rejected with
 * one line naming the file, or a model whose shapes agree with its metadata; a small model
 * (<= 2 layers, d_model <= 16, d_mlp, vocab, classes <= 32, max_len <= 8) is also run once
 * through the exact forward pass at a low refinement cap, which must answer with a
 * documented code and well-formed outputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "transformer.h"

#define CHECK(c)          \
    do {                  \
        if (!(c))         \
            abort();      \
    } while (0)

/* The canonical-model loader on an accepted safetensors file, and a forward pass on it. */
static void check_model(const st_file *f)
{
    sc_model m;
    sc_error err;
    sc_error_clear(&err);
    int rc = sc_model_from_st(f, "fuzz.safetensors", &m, &err);
    if (rc != 0) {
        CHECK((rc == SC_EXIT_REJECTED || rc == SC_EXIT_LIMIT) && err.code == rc);
        CHECK(strncmp(err.msg, "fuzz.safetensors", 16) == 0 && strchr(err.msg, '\n') == NULL);
        CHECK(m.layers == NULL && m.store == NULL);
        return;
    }
    CHECK(m.n_layers >= 1 && m.n_heads >= 1 && m.d_model % m.n_heads == 0);
    CHECK(m.embed != NULL && m.un_w != NULL && m.layers != NULL);
    CHECK((m.pos != NULL) == (m.positional != 0));
    CHECK((m.lnf_w != NULL) == (m.layernorm != 0));
    for (uint32_t l = 0; l < m.n_layers; l++) {
        const sc_layer *L = &m.layers[l];
        CHECK(L->q_w && L->k_w && L->v_w && L->o_w && L->fc1_w && L->fc2_w);
        CHECK((L->ln1_w != NULL) == (m.layernorm != 0));
    }
    if (m.n_layers <= 2 && m.d_model <= 16 && m.d_mlp <= 32 && m.vocab <= 32 &&
        m.n_classes <= 32 && m.max_len <= 8) {
        size_t T = m.max_len < 3 ? m.max_len : 3;
        int32_t x[3] = {0, (int32_t)(m.vocab - 1), (int32_t)(m.vocab / 2)};
        double mid[3 * 32], rad[3 * 32];
        int32_t pred[3];
        sc_fwd_ws *ws = NULL;
        sc_fwd_opts o = {64, 256};
        CHECK(sc_fwd_ws_new(&ws, &m, T, SC_FWD_EXACT, &err) == 0);
        rc = sc_forward(&m, ws, x, T, &o, mid, rad, pred, NULL, &err);
        CHECK(rc == 0 || rc == SC_EXIT_LIMIT || rc == SC_EXIT_INCONCLUSIVE);
        if (rc == 0)
            for (size_t t = 0; t < T; t++) {
                CHECK(pred[t] >= -1 && pred[t] < (int32_t)m.n_classes);
                for (uint32_t c = 0; c < m.n_classes; c++)
                    CHECK(rad[t * m.n_classes + c] >= 0);
            }
        else
            CHECK(err.code == rc && strchr(err.msg, '\n') == NULL);
        sc_fwd_ws_free(ws);
    }
    sc_model_free(&m);
}

static int cmp_u64pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    if (x[1] != y[1])
        return x[1] < y[1] ? -1 : 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st_file f;
    sc_error err;
    sc_error_clear(&err);
    memset(&f, 0xa5, sizeof f);
    int rc = st_parse(data, size, "fuzz.safetensors", &f, &err);
    if (rc != 0) {
        CHECK(rc == SC_EXIT_REJECTED && err.code == rc);
        CHECK(strncmp(err.msg, "fuzz.safetensors: ", 18) == 0);
        CHECK(strchr(err.msg, '\n') == NULL && strstr(err.msg, "expected") != NULL);
        CHECK(f.tensors == NULL && f.n_tensors == 0 && f.image == NULL);
        return 0;
    }
    CHECK(err.code == 0 && f.image == NULL);
    CHECK(size >= 8 && f.header_len <= ST_MAX_HEADER);
    CHECK(f.buffer == data + 8 + f.header_len && f.buffer + f.buffer_len == data + size);
    CHECK(data[8] == '{');
    size_t n = f.n_tensors;
    uint64_t *offs = malloc((n ? n : 1) * 2 * sizeof *offs);
    CHECK(offs != NULL);
    for (size_t i = 0; i < n; i++) {
        const st_tensor *t = &f.tensors[i];
        size_t isz = st_dtype_size(t->dtype);
        CHECK(isz == 1 || isz == 2 || isz == 4 || isz == 8);
        CHECK(t->ndim >= 0 && t->ndim <= ST_MAXDIM);
        unsigned __int128 count = 1;
        for (int d = 0; d < t->ndim; d++) {
            count *= t->shape[d];
            if (count > UINT64_MAX)
                count = (unsigned __int128)UINT64_MAX + 1; /* then a later dimension is 0 */
        }
        CHECK(count == t->count);
        CHECK((unsigned __int128)t->count * isz == t->nbytes);
        CHECK(t->begin <= t->end && t->end <= f.buffer_len && t->end - t->begin == t->nbytes);
        CHECK(t->data == f.buffer + t->begin);
        CHECK(t->name != NULL && st_find(&f, t->name) == t);
        if (i)
            CHECK(strcmp(f.tensors[i - 1].name, t->name) < 0);
        if (t->count) { /* every byte is readable (ASan checks the bounds) */
            volatile unsigned char s = t->data[0];
            s ^= t->data[t->nbytes - 1];
            (void)s;
            double v;
            CHECK(st_get_f64(t, t->count - 1, &v) == (st_dtype_is_model(t->dtype) ? 0 : 4));
        }
        offs[2 * i] = t->begin;
        offs[2 * i + 1] = t->end;
    }
    /* tiling: sorted by (begin, end), no holes, no overlaps, no trailing bytes */
    qsort(offs, n, 2 * sizeof *offs, cmp_u64pair);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(offs[2 * i] == at);
        at = offs[2 * i + 1];
    }
    CHECK(at == f.buffer_len);
    free(offs);
    for (size_t i = 0; i < f.n_meta; i++) {
        CHECK(f.has_metadata);
        CHECK(f.meta[i].key && f.meta[i].value && st_meta_get(&f, f.meta[i].key) == f.meta[i].value);
        if (i)
            CHECK(strcmp(f.meta[i - 1].key, f.meta[i].key) < 0);
    }
    /* the canonical writer round-trips what was read */
    st_wtensor *w = malloc((n ? n : 1) * sizeof *w);
    CHECK(w != NULL);
    for (size_t i = 0; i < n; i++)
        w[i] = (st_wtensor){f.tensors[i].name, f.tensors[i].dtype, f.tensors[i].ndim,
                            f.tensors[i].shape, f.tensors[i].data};
    unsigned char *img;
    size_t ilen;
    rc = st_build(w, n, f.meta, f.n_meta, "rebuilt", &img, &ilen, &err);
    if (rc == 0) {
        st_file g;
        CHECK(st_parse(img, ilen, "rebuilt", &g, &err) == 0);
        CHECK(g.n_tensors == n && g.n_meta == f.n_meta && g.buffer_len == f.buffer_len);
        CHECK(g.header_len % 8 == 0);
        for (size_t i = 0; i < n; i++) {
            CHECK(strcmp(g.tensors[i].name, f.tensors[i].name) == 0);
            CHECK(g.tensors[i].dtype == f.tensors[i].dtype && g.tensors[i].ndim == f.tensors[i].ndim);
            CHECK(memcmp(g.tensors[i].shape, f.tensors[i].shape,
                         (size_t)f.tensors[i].ndim * sizeof(uint64_t)) == 0);
            CHECK(g.tensors[i].nbytes == f.tensors[i].nbytes);
            CHECK(f.tensors[i].nbytes == 0 ||
                  memcmp(g.tensors[i].data, f.tensors[i].data, f.tensors[i].nbytes) == 0);
        }
        for (size_t i = 0; i < f.n_meta; i++)
            CHECK(strcmp(g.meta[i].value, f.meta[i].value) == 0);
        st_free(&g);
        free(img);
    } else {
        CHECK(rc == SC_EXIT_LIMIT); /* only a rebuilt header above the limit may fail */
    }
    free(w);
    check_model(&f);
    st_free(&f);
    return 0;
}
