/* Strict NumPy .npy reader and atomic writer (DESIGN.md §5).
 * Reader: versions 1.0/2.0/3.0, header <= 10000 bytes, a dict with exactly the keys 'descr',
 * 'fortran_order', 'shape'; fortran_order False; dtype from a whitelist (little-endian or
 * byte-sized); sizes overflow-checked; the file length must equal header + data exactly.
 * Writer: writes to a temporary file in the same directory and renames on commit, so a failed
 * run never leaves a partial output file. */
#ifndef SC_NPY_H
#define SC_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"

typedef enum {
    NPY_BOOL, NPY_I1, NPY_U1, NPY_I2, NPY_U2, NPY_I4, NPY_U4, NPY_I8, NPY_U8, NPY_F4, NPY_F8
} npy_dtype;

#define NPY_MAXDIM 8

typedef struct npy_array {
    npy_dtype dtype;
    int ndim;
    uint64_t shape[NPY_MAXDIM];
    uint64_t count;     /* product of shape (1 for ndim 0) */
    size_t nbytes;      /* count * item size */
    void *data;         /* little-endian items, C order */
    int owned;          /* data was malloc'd by npy_load (npy_free frees it) */
} npy_array;

size_t npy_item_size(npy_dtype t);
const char *npy_descr(npy_dtype t);   /* "<i4", "|u1", ... */

/* Parse a whole file image. out->data points into buf (owned = 0). fname is used in messages.
 * 0, or SC_EXIT_REJECTED with one line "FILE: offset N: [field 'F': ]expected ..., got ..."
 * in err (control characters in FILE and in quoted input are escaped as \xNN).
 * Accepted descr: exactly the strings of npy_descr(), plus '<b1' '<i1' '<u1' (one-byte types
 * have no byte order). The header must end with '\n'; only spaces may pad it; 64-byte
 * alignment is not required (older numpy aligned to 16). Count: product of shape (0 if any
 * dimension is 0; the product of the nonzero dimensions times the item size must be < 2^63). */
int npy_parse(const void *buf, size_t len, const char *fname, npy_array *out, sc_error *err);
/* Read and parse a file (data malloc'd, owned = 1; regular files are read without an extra
 * copy). Errors: SC_EXIT_REJECTED (cannot open/read, malformed), SC_EXIT_LIMIT (out of memory).
 * On failure *out is zeroed, so npy_free(out) is always safe. */
int npy_load(const char *path, npy_array *out, sc_error *err);
void npy_free(npy_array *a);

/* Element i as a 64-bit integer (integer and bool dtypes only; floats, i >= count and '<u8'
 * values above INT64_MAX: SC_EXIT_REJECTED, *v = 0). Byte order independent of the host. */
int npy_get_i64(const npy_array *a, uint64_t i, int64_t *v);

/* Streaming atomic writer: header first, then exactly nbytes of data in any number of writes,
 * then commit (flush, close, rename onto path) or abort (close, unlink the temp file).
 * The header is byte-identical to what numpy (>= 1.23) np.save writes. The temp file is
 * "PATH.tmp.XXXXXX" in the target's directory, created O_EXCL with mode 0666 & ~umask.
 * Writes are buffered (1 MiB); chunks of >= 1 MiB go straight to write(2). No fsync.
 * Errors: SC_EXIT_LIMIT for ENOSPC/EDQUOT/EFBIG and oversized shapes, SC_EXIT_REJECTED for other
 * I/O failures and for writing more (or, at finish, fewer) than count * itemsize bytes.
 * After any failure the caller calls npy_writer_abort (publish cleans up by itself). */
typedef struct npy_writer npy_writer;
npy_writer *npy_writer_open(const char *path, npy_dtype dtype, int ndim, const uint64_t *shape,
                            sc_error *err);
int npy_writer_write(npy_writer *w, const void *data, size_t nbytes, sc_error *err);
/* Flush and close the temp file; data stays invisible until npy_writer_publish. */
int npy_writer_finish(npy_writer *w, sc_error *err);
/* Rename the finished temp file onto its path and free w (finishing first if needed).
 * Frees w in every case; on failure the temp file is removed. */
int npy_writer_publish(npy_writer *w, sc_error *err);
/* Close (if open), unlink the temp file, free w. Safe on NULL. */
void npy_writer_abort(npy_writer *w);

/* Whole array in one call (open, write, finish, publish). */
int npy_save(const char *path, const npy_array *a, sc_error *err);

#endif
