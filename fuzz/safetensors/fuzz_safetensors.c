/* AFL++ / libFuzzer harness for the strict safetensors reader (src/io/safetensors.c).
 * Every input is either rejected (SC_EXIT_REJECTED, one line naming the file and "expected") or
 * accepted with a self-consistent description: every tensor inside the data buffer, sizes equal
 * prod(shape) * itemsize, the tensors tiling the buffer exactly, names and keys sorted and
 * findable; and the canonical writer re-serialises it into an image that parses to the same
 * tensors. Anything else aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"

#define CHECK(c)          \
    do {                  \
        if (!(c))         \
            abort();      \
    } while (0)

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
    st_free(&f);
    return 0;
}
