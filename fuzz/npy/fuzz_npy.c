/* AFL++ / libFuzzer harness for the strict npy reader (src/io/npy.c).
 * Every input must either be accepted with a self-consistent array description, or be rejected
 * with SC_EXIT_REJECTED and one line naming the file and an offset. Anything else aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/npy.h"

#define CHECK(c)          \
    do {                  \
        if (!(c))         \
            abort();      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npy_array a;
    sc_error err;
    sc_error_clear(&err);
    memset(&a, 0xa5, sizeof a);
    int rc = npy_parse(data, size, "fuzz.npy", &a, &err);
    if (rc != 0) {
        CHECK(rc == SC_EXIT_REJECTED && err.code == rc);
        CHECK(strncmp(err.msg, "fuzz.npy: offset ", 17) == 0);
        CHECK(strchr(err.msg, '\n') == NULL && strstr(err.msg, "expected") != NULL);
        CHECK(a.data == NULL && a.owned == 0);
        return 0;
    }
    CHECK(err.code == 0);
    /* the array description is consistent and fits the input exactly */
    CHECK(a.dtype >= NPY_BOOL && a.dtype <= NPY_F8);
    size_t isz = npy_item_size(a.dtype);
    CHECK(isz == 1 || isz == 2 || isz == 4 || isz == 8);
    CHECK(strlen(npy_descr(a.dtype)) == 3);
    CHECK(a.ndim >= 0 && a.ndim <= NPY_MAXDIM);
    unsigned __int128 count = 1;
    for (int i = 0; i < a.ndim; i++) {
        CHECK(a.shape[i] <= INT64_MAX);
        count *= a.shape[i];
        if (count > UINT64_MAX)
            count = (unsigned __int128)UINT64_MAX + 1; /* saturate: must then contain a 0 */
    }
    CHECK(count == a.count);
    CHECK((unsigned __int128)a.count * isz == a.nbytes);
    CHECK(a.owned == 0);
    CHECK((const uint8_t *)a.data >= data + 10 && (const uint8_t *)a.data <= data + size);
    CHECK((const uint8_t *)a.data + a.nbytes == data + size);
    /* the header is what we accept: magic, version, a '\n'-terminated header of <= 10000 bytes */
    size_t hdr = (size_t)((const uint8_t *)a.data - data);
    CHECK(memcmp(data, "\x93NUMPY", 6) == 0 && data[7] == 0 && data[6] >= 1 && data[6] <= 3);
    CHECK(hdr - (data[6] == 1 ? 10 : 12) <= 10000 && data[hdr - 1] == '\n');
    /* every element is readable */
    uint64_t n = a.count < 65536 ? a.count : 65536;
    for (uint64_t i = 0; i < n; i++) {
        int64_t v;
        int r = npy_get_i64(&a, i, &v);
        if (a.dtype == NPY_F4 || a.dtype == NPY_F8)
            CHECK(r == SC_EXIT_REJECTED);
        else if (a.dtype == NPY_BOOL)
            CHECK(r == 0 && (v == 0 || v == 1));
        else if (a.dtype != NPY_U8)
            CHECK(r == 0);
    }
    int64_t v;
    CHECK(npy_get_i64(&a, a.count, &v) == SC_EXIT_REJECTED);
    npy_free(&a);
    return 0;
}
