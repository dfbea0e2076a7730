/* Strict safetensors reader and canonical atomic writer (DESIGN.md §5: the canonical model).
 *
 * File layout (huggingface safetensors format):
 *   offset 0   u64 little-endian N, the header length
 *   offset 8   N bytes: a UTF-8 JSON object, possibly padded at its end with spaces (0x20)
 *   offset 8+N the data buffer, up to the end of the file
 * Header: {"__metadata__": {"k": "v", ...}, "NAME": {"dtype": "F32", "shape": [2, 3],
 *          "data_offsets": [BEGIN, END]}, ...}; offsets are relative to the data buffer.
 *
 * Reader rules (every rule is checked, every violation is SC_EXIT_REJECTED with one line
 * "FILE: offset N: expected ..., got ..." or "FILE: field F: expected ..., got ..."):
 *   - the file has at least 8 bytes; N <= 100000000 (the limit of the reference implementation,
 *     "100 MB") and N <= file length - 8;
 *   - the header starts with '{' and, after stripping trailing spaces (only 0x20; no other
 *     whitespace), ends with '}'; it is one JSON object (jansson: valid UTF-8, no duplicate keys,
 *     no "\u0000", no trailing text, integers within 64 bits);
 *   - "__metadata__" (optional) is an object whose values are all strings;
 *   - every other key is a tensor: an object with exactly the keys "dtype", "shape",
 *     "data_offsets"; dtype one of ST_DTYPE_LIST; shape an array of at most ST_MAXDIM
 *     non-negative integers; data_offsets an array of exactly two non-negative integers
 *     [begin, end] with begin <= end <= data buffer length and end - begin = prod(shape) *
 *     itemsize; the product of the non-zero dimensions times the item size must be < 2^63;
 *   - sorted by (begin, end), the tensors tile the data buffer exactly: the first begins at 0,
 *     each begins where the previous one ends, the last ends at the end of the file (no holes,
 *     no overlaps, no trailing bytes). Empty tensors (a zero dimension) are allowed.
 *
 * Dtypes: the parser accepts BOOL U8 I8 I16 I32 I64 F16 BF16 F32 F64 (a valid file with an
 * integer embedding index, say, is still a valid container); st_dtype_is_model() flags the two
 * dtypes of the canonical model, F32 and F64 -- the model loader rejects the others. Official
 * dtypes outside this list (U16 U32 U64 F8_E4M3 F8_E5M2 ...) and unknown strings are rejected.
 * The data buffer need not be aligned: read items with st_get_f64 (or memcpy), never by casting.
 *
 * Canonical layout written by st_build / st_save (deterministic; byte-identical to what the
 * reference Python library writes when all tensors share one dtype and there is at most one
 * metadata key -- that library orders tensors by dtype alignment first, then by name):
 * compact JSON (no spaces), "__metadata__" first (omitted when there is no metadata) with its
 * keys sorted bytewise, then the tensors sorted bytewise by name, each entry's keys in the order
 * dtype, shape, data_offsets; the header padded with spaces to a multiple of 8 bytes (so the
 * data buffer is 8-byte aligned); the data in the order of the header, without gaps. */
#ifndef SC_SAFETENSORS_H
#define SC_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"

typedef enum {
    ST_BOOL, ST_U8, ST_I8, ST_I16, ST_I32, ST_I64, ST_F16, ST_BF16, ST_F32, ST_F64
} st_dtype;
#define ST_N_DTYPES 10
#define ST_DTYPE_LIST "BOOL U8 I8 I16 I32 I64 F16 BF16 F32 F64"

#define ST_MAXDIM 8
#define ST_MAX_HEADER 100000000u /* bytes */

const char *st_dtype_name(st_dtype t); /* "F32", ...; "?" if out of range */
size_t st_dtype_size(st_dtype t);      /* 1, 2, 4 or 8; 0 if out of range */
int st_dtype_is_model(st_dtype t);     /* 1 for F32 and F64 */

typedef struct st_tensor {
    const char *name;       /* NUL-terminated UTF-8 (JSON forbids nothing but \u0000) */
    st_dtype dtype;
    int ndim;
    uint64_t shape[ST_MAXDIM];
    uint64_t count;         /* product of shape (1 for ndim 0, 0 if a dimension is 0) */
    size_t nbytes;          /* count * item size = end - begin */
    uint64_t begin, end;    /* data_offsets, relative to the data buffer */
    const unsigned char *data; /* data buffer + begin (inside the parsed image) */
} st_tensor;

typedef struct st_meta {
    const char *key, *value;
} st_meta;

typedef struct st_file {
    size_t n_tensors;
    st_tensor *tensors;     /* sorted bytewise by name */
    int has_metadata;       /* "__metadata__" was present (possibly empty) */
    size_t n_meta;
    st_meta *meta;          /* sorted bytewise by key */
    size_t header_len;      /* N */
    const unsigned char *buffer; /* the data buffer (file offset 8 + N) */
    size_t buffer_len;
    void *image;            /* the file image when st_load read it (freed by st_free) */
    char *strings;          /* names, keys and values */
} st_file;

/* Parse a whole file image of len bytes; tensors point into buf, which must outlive *out.
 * fname names the file in messages (control characters escaped as \xNN). 0, or
 * SC_EXIT_REJECTED (malformed) / SC_EXIT_LIMIT (out of memory) with one line in err.
 * On failure *out is zeroed, so st_free(out) is always safe. */
int st_parse(const void *buf, size_t len, const char *fname, st_file *out, sc_error *err);
/* Read the file (one read into one buffer; pipes are read to the end) and parse it.
 * Errors: SC_EXIT_REJECTED (cannot open/read, malformed), SC_EXIT_LIMIT (out of memory). */
int st_load(const char *path, st_file *out, sc_error *err);
void st_free(st_file *f);

/* Lookup by exact name / key (binary search); NULL if absent. */
const st_tensor *st_find(const st_file *f, const char *name);
const char *st_meta_get(const st_file *f, const char *key);

/* Element i (C order) of an F32 or F64 tensor as a double (exact), independent of host byte
 * order and alignment. Other dtypes or i >= count: SC_EXIT_REJECTED and *v = 0. */
int st_get_f64(const st_tensor *t, uint64_t i, double *v);

/* Writer input: one tensor; data holds prod(shape) * itemsize little-endian bytes (may be NULL
 * when that is 0). */
typedef struct st_wtensor {
    const char *name;
    st_dtype dtype;
    int ndim;
    const uint64_t *shape;
    const void *data;
} st_wtensor;

/* Build the canonical file image in memory (malloc'd *out, *out_len bytes). Rejects
 * (SC_EXIT_REJECTED) duplicate tensor names or metadata keys, the tensor name "__metadata__",
 * strings that are not valid UTF-8, bad dtypes, ndim outside 0..ST_MAXDIM, NULL data for a
 * non-empty tensor; oversized shapes and a header above ST_MAX_HEADER are SC_EXIT_LIMIT.
 * Messages name "what" (a file name; NULL: "<safetensors>"). The image passes st_parse. */
int st_build(const st_wtensor *tensors, size_t n, const st_meta *meta, size_t n_meta,
             const char *what, unsigned char **out, size_t *out_len, sc_error *err);
/* st_build, then write atomically: a temp file "PATH.tmp.XXXXXX" next to path (O_EXCL, mode
 * 0666 & ~umask), renamed onto path only when complete; removed on any failure. No fsync.
 * Write errors ENOSPC/EDQUOT/EFBIG are SC_EXIT_LIMIT, other I/O errors SC_EXIT_REJECTED. */
int st_save(const char *path, const st_wtensor *tensors, size_t n, const st_meta *meta,
            size_t n_meta, sc_error *err);

#endif
