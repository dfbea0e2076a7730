/* Input sequences shared by the CLI verbs (moved from cmd_simulate.c, behaviour unchanged). */
#include "input.h"

#include <errno.h>
#include <stdlib.h>

#include "../io/npy.h"
#include "cli.h"

int cli_parse_list(const char *verb, const char *s, int32_t **out, size_t *len)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += (*p == ',');
    int32_t *w = malloc(cap * sizeof *w);
    if (!w)
        return cli_usage(verb, "out of memory");
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < INT32_MIN || v > INT32_MAX || (*end && *end != ',')) {
            free(w);
            return cli_usage(verb, "--input: item %zu: expected an integer, got '%.20s'", n, p);
        }
        w[n++] = (int32_t)v;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p) {
            free(w);
            return cli_usage(verb, "--input: trailing comma after item %zu", n - 1);
        }
    }
    *out = w;
    *len = n;
    return 0;
}

int cli_load_rows(const char *path, int32_t **out, size_t *rows, size_t *cols, sc_error *err)
{
    npy_array a;
    int rc = npy_load(path, &a, err);
    if (rc)
        return rc;
    if (a.ndim != 2 || a.dtype == NPY_F4 || a.dtype == NPY_F8) {
        npy_free(&a);
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: header: expected a 2-D integer array (sequences x length), got "
                       "%d-D %s", path, a.ndim, npy_descr(a.dtype));
    }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (a.dtype == NPY_I4 && a.owned && a.count) { /* already int32 like the host: take it */
        *rows = a.shape[0];
        *cols = a.shape[1];
        *out = a.data;
        return 0;
    }
#endif
    int32_t *w = malloc((a.count ? a.count : 1) * sizeof *w);
    if (!w) {
        npy_free(&a);
        return sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %llu items", path,
                       (unsigned long long)a.count);
    }
    for (uint64_t i = 0; i < a.count; i++) {
        int64_t v;
        npy_get_i64(&a, i, &v);
        if (v < INT32_MIN || v > INT32_MAX) {
            free(w);
            npy_free(&a);
            return sc_fail(err, SC_EXIT_REJECTED, "%s: element %llu: value %lld out of range",
                           path, (unsigned long long)i, (long long)v);
        }
        w[i] = (int32_t)v;
    }
    *rows = a.shape[0];
    *cols = a.shape[1];
    npy_free(&a);
    *out = w;
    return 0;
}

int cli_row_length(const int32_t *w, size_t T, const char *src, size_t row, size_t *len,
                   sc_error *err)
{
    size_t l = 0;
    while (l < T && w[l] != -1)
        l++;
    for (size_t t = l; t < T; t++)
        if (w[t] != -1)
            return sc_fail(err, SC_EXIT_REJECTED,
                           "%s: row %zu, position %zu: symbol %d after -1 padding, expected -1",
                           src, row, t, w[t]);
    *len = l;
    return 0;
}

void cli_print_labels(FILE *f, const int32_t *labels, size_t T)
{
    for (size_t t = 0; t < T; t++)
        fprintf(f, t ? ",%d" : "%d", labels[t]);
}
