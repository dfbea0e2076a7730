/* STUB — being written (npy helper). */
#include "npy.h"
int npy_load(const char *path, npy_array *out, sc_error *err) { (void)out; return sc_fail(err, SC_EXIT_REJECTED, "%s: npy reader not built yet", path); }
void npy_free(npy_array *a) { (void)a; }
int npy_get_i64(const npy_array *a, uint64_t i, int64_t *v) { (void)a; (void)i; *v = 0; return SC_EXIT_REJECTED; }
