/* Strict safetensors reader and canonical atomic writer (see safetensors.h for the rules). */
#include "safetensors.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define META_KEY "__metadata__"

static const struct {
    const char *name;
    size_t size;
} dtypes[ST_N_DTYPES] = {
    [ST_BOOL] = {"BOOL", 1}, [ST_U8] = {"U8", 1},     [ST_I8] = {"I8", 1},
    [ST_I16] = {"I16", 2},   [ST_I32] = {"I32", 4},   [ST_I64] = {"I64", 8},
    [ST_F16] = {"F16", 2},   [ST_BF16] = {"BF16", 2}, [ST_F32] = {"F32", 4},
    [ST_F64] = {"F64", 8},
};

/* Official safetensors dtypes that we do not accept (named in the message). */
static const char *const official_other[] = {"U16", "U32", "U64", "F8_E4M3", "F8_E5M2",
                                             "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"};

static int dtype_ok(st_dtype t)
{
    return (unsigned)t < ST_N_DTYPES;
}

const char *st_dtype_name(st_dtype t)
{
    return dtype_ok(t) ? dtypes[t].name : "?";
}

size_t st_dtype_size(st_dtype t)
{
    return dtype_ok(t) ? dtypes[t].size : 0;
}

int st_dtype_is_model(st_dtype t)
{
    return t == ST_F32 || t == ST_F64;
}

/* ------------------------------------------------------------------------------------------ */
/* Messages: one line; file names, tensor names and quoted input are escaped (\xNN for control
 * bytes, '\' and bytes >= 0x7f) and shortened, so no hostile byte can break the line. */


static void escape_str(char *dst, size_t cap, const char *s, size_t max_shown)
{
    sc_escape(dst, cap, (const unsigned char *)s, strlen(s), max_shown);
}

typedef struct {
    char name[256]; /* escaped file name */
    sc_error *err;
} ctx;

static void set_name(ctx *c, const char *fname, sc_error *err)
{
    escape_str(c->name, sizeof c->name, fname ? fname : "<safetensors>", 200);
    c->err = err;
}

__attribute__((format(printf, 3, 4))) static int reject_at(ctx *c, uint64_t off,
                                                           const char *fmt, ...)
{
    char text[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return sc_fail(c->err, SC_EXIT_REJECTED, "%s: offset %" PRIu64 ": %s", c->name, off, text);
}

/* "field NAME[.sub]: ..." with NAME escaped. */
__attribute__((format(printf, 4, 5))) static int reject_field(ctx *c, const char *tname,
                                                              const char *sub, const char *fmt,
                                                              ...)
{
    char text[600], en[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    escape_str(en, sizeof en, tname, 120);
    return sc_fail(c->err, SC_EXIT_REJECTED, "%s: field %s%s%s: %s", c->name, en,
                   sub ? "." : "", sub ? sub : "", text);
}

/* A short description of a JSON value for "got ..." clauses. */
static const char *describe(const json_t *v, char *buf, size_t cap)
{
    char e[100];
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: snprintf(buf, cap, "an array of %zu", json_array_size(v)); return buf;
    case JSON_STRING:
        sc_escape(e, sizeof e, (const unsigned char *)json_string_value(v), json_string_length(v),
               32);
        snprintf(buf, cap, "the string \"%s\"", e);
        return buf;
    case JSON_INTEGER:
        snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    case JSON_REAL: snprintf(buf, cap, "the number %.17g", json_real_value(v)); return buf;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "?";
}

static int json_syntax(ctx *c, const json_error_t *je, uint64_t base)
{
    const char *what;
    switch (json_error_code(je)) {
    case json_error_duplicate_key: what = "each key at most once"; break;
    case json_error_premature_end_of_input: what = "more JSON (the header is truncated)"; break;
    case json_error_end_of_input_expected: what = "nothing but spaces after the header object";
        break;
    case json_error_invalid_utf8: what = "UTF-8 text"; break;
    case json_error_null_character: what = "strings without \\u0000"; break;
    case json_error_numeric_overflow: what = "numbers within 64-bit range"; break;
    case json_error_stack_overflow: what = "nesting depth at most 2048"; break;
    case json_error_out_of_memory:
        return sc_fail(c->err, SC_EXIT_LIMIT, "%s: out of memory while parsing the header",
                       c->name);
    default: what = "a valid JSON header"; break;
    }
    char text[JSON_ERROR_TEXT_LENGTH * 4];
    escape_str(text, sizeof text, je->text, JSON_ERROR_TEXT_LENGTH);
    uint64_t pos = je->position > 0 ? (uint64_t)je->position : 0;
    return reject_at(c, base + pos, "expected %s, got: %s", what, text);
}

/* ------------------------------------------------------------------------------------------ */
/* Reader. */

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A non-negative JSON integer. */
static int get_uint(const json_t *v, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static void shape_str(const st_tensor *t, char *buf, size_t cap)
{
    size_t o = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < t->ndim && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%" PRIu64, i ? "," : "", t->shape[i]);
    if (o < cap)
        snprintf(buf + o, cap - o, "]");
}

static int parse_tensor(ctx *c, const char *name, json_t *v, uint64_t buflen, st_tensor *t)
{
    char g[160];
    if (!json_is_object(v))
        return reject_field(c, name, NULL,
                            "expected a tensor object {\"dtype\", \"shape\", \"data_offsets\"}, "
                            "got %s", describe(v, g, sizeof g));
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        if (strcmp(k, "dtype") && strcmp(k, "shape") && strcmp(k, "data_offsets")) {
            char ek[100];
            escape_str(ek, sizeof ek, k, 40);
            return reject_field(c, name, NULL,
                                "expected only the keys dtype, shape, data_offsets, got an extra "
                                "key \"%s\"", ek);
        }
    }
    json_t *jd = json_object_get(v, "dtype"), *js = json_object_get(v, "shape"),
           *jo = json_object_get(v, "data_offsets");
    if (!jd)
        return reject_field(c, name, "dtype", "expected one of " ST_DTYPE_LIST ", got nothing "
                                              "(missing)");
    if (!js)
        return reject_field(c, name, "shape", "expected an array of non-negative integers, got "
                                              "nothing (missing)");
    if (!jo)
        return reject_field(c, name, "data_offsets",
                            "expected [begin, end], got nothing (missing)");

    /* dtype */
    if (!json_is_string(jd))
        return reject_field(c, name, "dtype", "expected one of " ST_DTYPE_LIST " (a string), got "
                            "%s", describe(jd, g, sizeof g));
    const char *ds = json_string_value(jd);
    int found = -1;
    for (int i = 0; i < ST_N_DTYPES; i++)
        if (strlen(dtypes[i].name) == json_string_length(jd) && !strcmp(ds, dtypes[i].name))
            found = i;
    if (found < 0) {
        const char *why = "";
        for (size_t i = 0; i < sizeof official_other / sizeof official_other[0]; i++)
            if (!strcmp(ds, official_other[i]))
                why = " (a safetensors dtype that shortcut does not support)";
        return reject_field(c, name, "dtype", "expected one of " ST_DTYPE_LIST ", got %s%s",
                            describe(jd, g, sizeof g), why);
    }
    t->dtype = (st_dtype)found;
    size_t isz = dtypes[found].size;

    /* shape */
    if (!json_is_array(js))
        return reject_field(c, name, "shape", "expected an array of non-negative integers, got %s",
                            describe(js, g, sizeof g));
    size_t nd = json_array_size(js);
    if (nd > ST_MAXDIM)
        return reject_field(c, name, "shape", "expected at most %d dimensions, got %zu",
                            ST_MAXDIM, nd);
    t->ndim = (int)nd;
    uint64_t nz = 1; /* product of the non-zero dimensions */
    int zero = 0;
    for (size_t i = 0; i < nd; i++) {
        json_t *d = json_array_get(js, i);
        if (get_uint(d, &t->shape[i]))
            return reject_field(c, name, "shape",
                                "expected non-negative integers, got %s at index %zu",
                                describe(d, g, sizeof g), i);
        if (!t->shape[i]) {
            zero = 1;
            continue;
        }
        if (nz > (UINT64_C(1) << 63) / t->shape[i])
            return reject_field(c, name, "shape",
                                "expected a product of dimensions below 2^63, got an overflow "
                                "at index %zu", i);
        nz *= t->shape[i];
    }
    if (nz > (uint64_t)INT64_MAX / isz || nz > SIZE_MAX / isz)
        return reject_field(c, name, "shape",
                            "expected at most %" PRIu64 " elements of %s (byte size below 2^63), "
                            "got an overflow", (uint64_t)INT64_MAX / isz, dtypes[found].name);
    t->count = zero ? 0 : nz;
    t->nbytes = (size_t)(t->count * isz);

    /* data_offsets */
    if (!json_is_array(jo) || json_array_size(jo) != 2)
        return reject_field(c, name, "data_offsets", "expected [begin, end], got %s",
                            describe(jo, g, sizeof g));
    for (size_t i = 0; i < 2; i++) {
        json_t *o = json_array_get(jo, i);
        if (get_uint(o, i ? &t->end : &t->begin))
            return reject_field(c, name, "data_offsets",
                                "expected a non-negative integer %s, got %s",
                                i ? "end" : "begin", describe(o, g, sizeof g));
    }
    if (t->begin > t->end)
        return reject_field(c, name, "data_offsets", "expected begin <= end, got [%" PRIu64
                            ", %" PRIu64 "]", t->begin, t->end);
    if (t->end - t->begin != t->nbytes) {
        char sh[200];
        shape_str(t, sh, sizeof sh);
        return reject_field(c, name, "data_offsets",
                            "expected end - begin = %zu (shape %s x %s), got %" PRIu64,
                            t->nbytes, sh, dtypes[found].name, t->end - t->begin);
    }
    if (t->end > buflen)
        return reject_field(c, name, "data_offsets",
                            "expected end <= %" PRIu64 " (the data buffer length), got %" PRIu64,
                            buflen, t->end);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const st_tensor *)a)->name, ((const st_tensor *)b)->name);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const st_meta *)a)->key, ((const st_meta *)b)->key);
}

/* Order by (begin, end, name); indices are sorted with a merge sort (qsort_r is not
 * portable, and a global comparison context is not thread-safe). */
static int offs_less(const st_tensor *t, size_t i, size_t j)
{
    const st_tensor *x = &t[i], *y = &t[j];
    if (x->begin != y->begin)
        return x->begin < y->begin;
    if (x->end != y->end)
        return x->end < y->end;
    return strcmp(x->name, y->name) < 0;
}

static void merge_sort(const st_tensor *t, size_t *a, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(t, a, tmp, h);
    merge_sort(t, a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = offs_less(t, a[j], a[i]) ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static int check_tiling(ctx *c, st_file *f, uint64_t data_off)
{
    size_t n = f->n_tensors;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return sc_fail(c->err, SC_EXIT_LIMIT, "%s: out of memory", c->name);
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    merge_sort(f->tensors, idx, tmp, n);
    free(tmp);
    uint64_t at = 0;
    const char *prev = NULL;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const st_tensor *t = &f->tensors[idx[i]];
        if (t->begin == at) {
            at = t->end;
            prev = t->name;
            continue;
        }
        char ep[200];
        if (prev)
            escape_str(ep, sizeof ep, prev, 120);
        if (t->begin > at)
            rc = reject_field(c, t->name, "data_offsets",
                              "expected begin = %" PRIu64 " (%s%s%s), got %" PRIu64
                              " (a hole of %" PRIu64 " bytes)",
                              at, prev ? "where " : "the first tensor starts the data buffer",
                              prev ? ep : "", prev ? " ends" : "", t->begin, t->begin - at);
        else
            rc = reject_field(c, t->name, "data_offsets",
                              "expected begin = %" PRIu64 " (where %s ends), got %" PRIu64
                              " (overlaps %s)", at, ep, t->begin, ep);
    }
    free(idx);
    if (!rc && at != f->buffer_len)
        rc = reject_at(c, data_off + at,
                       "expected end of file after the last tensor (data buffer of %" PRIu64
                       " bytes used), got %" PRIu64 " trailing bytes",
                       at, (uint64_t)f->buffer_len - at);
    return rc;
}

int st_parse(const void *buf, size_t len, const char *fname, st_file *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    ctx c;
    set_name(&c, fname, err);
    const unsigned char *b = buf;
    if (len < 8)
        return reject_at(&c, 0, "expected an 8-byte little-endian header length, got %zu bytes",
                         len);
    uint64_t n = le64(b);
    if (n > ST_MAX_HEADER)
        return reject_at(&c, 0, "expected a header length <= %u (100 MB), got %" PRIu64,
                         ST_MAX_HEADER, n);
    if (n > len - 8)
        return reject_at(&c, 0,
                         "expected a header length <= %zu (the file has %zu bytes), got %" PRIu64,
                         len - 8, len, n);
    const unsigned char *h = b + 8;
    size_t hl = (size_t)n;
    char g[40];
    if (hl == 0 || h[0] != '{') {
        if (hl)
            sc_escape(g, sizeof g, h, 1, 1);
        return reject_at(&c, 8, "expected '{' opening the JSON header object, got %s%s%s",
                         hl ? "'" : "an empty header", hl ? g : "", hl ? "'" : "");
    }
    size_t e = hl;
    while (e > 0 && h[e - 1] == ' ')
        e--;
    if (h[e - 1] != '}') { /* e >= 1: h[0] is '{' */
        sc_escape(g, sizeof g, h + e - 1, 1, 1);
        return reject_at(&c, 8 + e - 1,
                         "expected '}' closing the JSON header object (only spaces 0x20 may "
                         "pad the header), got '%s'", g);
    }
    json_error_t je;
    json_t *root = json_loadb((const char *)h, e, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return json_syntax(&c, &je, 8);
    int rc = 0;
    uint64_t buflen = len - 8 - hl;
    out->header_len = hl;
    out->buffer = b + 8 + hl;
    out->buffer_len = (size_t)buflen;

    /* Count entries and string bytes. */
    size_t nt = 0, nm = 0, sbytes = 0;
    const char *k;
    json_t *v;
    json_t *meta = json_object_get(root, META_KEY);
    if (meta) {
        if (!json_is_object(meta)) {
            rc = reject_field(&c, META_KEY, NULL,
                              "expected an object of string values, got %s",
                              describe(meta, g, sizeof g));
            goto fail;
        }
        json_object_foreach(meta, k, v) {
            if (!json_is_string(v)) {
                char d[160];
                rc = reject_field(&c, META_KEY, k, "expected a string value, got %s",
                                  describe(v, d, sizeof d));
                goto fail;
            }
            nm++;
            sbytes += strlen(k) + 1 + json_string_length(v) + 1;
        }
    }
    json_object_foreach(root, k, v) {
        if (!strcmp(k, META_KEY))
            continue;
        nt++;
        sbytes += strlen(k) + 1;
    }
    out->has_metadata = meta != NULL;
    out->tensors = calloc(nt ? nt : 1, sizeof *out->tensors);
    out->meta = calloc(nm ? nm : 1, sizeof *out->meta);
    out->strings = malloc(sbytes ? sbytes : 1);
    if (!out->tensors || !out->meta || !out->strings) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
        goto fail;
    }
    char *s = out->strings;
    if (meta) {
        json_object_foreach(meta, k, v) {
            size_t kl = strlen(k), vl = json_string_length(v);
            st_meta *m = &out->meta[out->n_meta++];
            memcpy(s, k, kl + 1);
            m->key = s;
            s += kl + 1;
            memcpy(s, json_string_value(v), vl + 1);
            m->value = s;
            s += vl + 1;
        }
    }
    json_object_foreach(root, k, v) {
        if (!strcmp(k, META_KEY))
            continue;
        st_tensor *t = &out->tensors[out->n_tensors++];
        if ((rc = parse_tensor(&c, k, v, buflen, t)))
            goto fail;
        size_t kl = strlen(k);
        memcpy(s, k, kl + 1);
        t->name = s;
        s += kl + 1;
        t->data = out->buffer + t->begin;
    }
    json_decref(root);
    root = NULL;
    if ((rc = check_tiling(&c, out, 8 + hl)))
        goto fail;
    qsort(out->tensors, out->n_tensors, sizeof *out->tensors, by_name);
    qsort(out->meta, out->n_meta, sizeof *out->meta, by_key);
    return 0;
fail:
    if (root)
        json_decref(root);
    st_free(out);
    return rc;
}

void st_free(st_file *f)
{
    if (!f)
        return;
    free(f->tensors);
    free(f->meta);
    free(f->strings);
    free(f->image);
    memset(f, 0, sizeof *f);
}

const st_tensor *st_find(const st_file *f, const char *name)
{
    if (!f || !name || !f->n_tensors)
        return NULL;
    st_tensor key;
    key.name = name;
    return bsearch(&key, f->tensors, f->n_tensors, sizeof *f->tensors, by_name);
}

const char *st_meta_get(const st_file *f, const char *key)
{
    if (!f || !key || !f->n_meta)
        return NULL;
    st_meta m = {key, NULL};
    const st_meta *r = bsearch(&m, f->meta, f->n_meta, sizeof *f->meta, by_key);
    return r ? r->value : NULL;
}

int st_get_f64(const st_tensor *t, uint64_t i, double *v)
{
    *v = 0;
    if (!t || i >= t->count || !st_dtype_is_model(t->dtype))
        return SC_EXIT_REJECTED;
    size_t sz = dtypes[t->dtype].size;
    const unsigned char *p = t->data + i * sz;
    uint64_t u = 0;
    for (size_t k = 0; k < sz; k++)
        u |= (uint64_t)p[k] << (8 * k);
    if (t->dtype == ST_F32) {
        uint32_t w = (uint32_t)u;
        float fl;
        memcpy(&fl, &w, sizeof fl);
        *v = fl;
    } else {
        memcpy(v, &u, sizeof *v);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading: one read of the whole file into one buffer. */


int st_load(const char *path, st_file *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    ctx c;
    set_name(&c, path, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: cannot open: %s", c.name, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return sc_fail(err, SC_EXIT_REJECTED, "%s: cannot stat: %s", c.name, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return sc_fail(err, SC_EXIT_REJECTED, "%s: expected a safetensors file, got a directory",
                       c.name);
    }
    /* Regular files: size + 1 so that growth since fstat is seen; others: read to the end. */
    size_t cap = S_ISREG(st.st_mode) && (uint64_t)st.st_size < SIZE_MAX - 1
                     ? (size_t)st.st_size + 1
                     : (size_t)1 << 16;
    size_t len;
    unsigned char *img;
    int rc = sc_read_all(fd, cap, c.name, &img, &len, err);
    if (rc)
        goto done;
    rc = st_parse(img, len, path, out, err);
    if (!rc) {
        out->image = img;
        img = NULL;
    }
done:
    free(img);
    close(fd);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Writer. */

static int by_wname(const void *a, const void *b)
{
    return strcmp((*(const st_wtensor *const *)a)->name, (*(const st_wtensor *const *)b)->name);
}

static int by_mkey(const void *a, const void *b)
{
    return strcmp((*(const st_meta *const *)a)->key, (*(const st_meta *const *)b)->key);
}

int st_build(const st_wtensor *tensors, size_t n, const st_meta *meta, size_t n_meta,
             const char *what, unsigned char **out, size_t *out_len, sc_error *err)
{
    ctx c;
    set_name(&c, what, err);
    *out = NULL;
    *out_len = 0;
    const st_wtensor **tp = malloc((n ? n : 1) * sizeof *tp);
    const st_meta **mp = malloc((n_meta ? n_meta : 1) * sizeof *mp);
    size_t *nbytes = malloc((n ? n : 1) * sizeof *nbytes);
    json_t *root = json_object();
    char *hdr = NULL;
    int rc = 0;
    char en[200];
    if (!tp || !mp || !nbytes || !root) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        tp[i] = &tensors[i];
    for (size_t i = 0; i < n_meta; i++)
        mp[i] = &meta[i];
    qsort(tp, n, sizeof *tp, by_wname);
    qsort(mp, n_meta, sizeof *mp, by_mkey);
    if (n_meta) {
        json_t *m = json_object();
        if (!m || json_object_set_new(root, META_KEY, m)) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
            goto done;
        }
        for (size_t i = 0; i < n_meta; i++) {
            escape_str(en, sizeof en, mp[i]->key ? mp[i]->key : "(null)", 120);
            if (!mp[i]->key || !mp[i]->value)
                rc = sc_fail(err, SC_EXIT_REJECTED, "%s: metadata %s: expected a key and a "
                             "value, got NULL", c.name, en);
            else if (i && !strcmp(mp[i]->key, mp[i - 1]->key))
                rc = sc_fail(err, SC_EXIT_REJECTED, "%s: metadata %s: expected each key once, "
                             "got a duplicate", c.name, en);
            else if (json_object_set_new(m, mp[i]->key, json_string(mp[i]->value)))
                rc = sc_fail(err, SC_EXIT_REJECTED, "%s: metadata %s: expected UTF-8 strings",
                             c.name, en);
            if (rc)
                goto done;
        }
    }
    uint64_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const st_wtensor *t = tp[i];
        escape_str(en, sizeof en, t->name ? t->name : "(null)", 120);
        if (!t->name || !strcmp(t->name, META_KEY) || (i && !strcmp(t->name, tp[i - 1]->name))) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected a unique name other "
                         "than " META_KEY ", got %s", c.name, en,
                         t->name && strcmp(t->name, META_KEY) ? "a duplicate" : "that");
            goto done;
        }
        if (!dtype_ok(t->dtype) || t->ndim < 0 || t->ndim > ST_MAXDIM ||
            (t->ndim && !t->shape)) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected a dtype code 0..%d and "
                         "0..%d dimensions, got dtype %d, ndim %d", c.name, en, ST_N_DTYPES - 1,
                         ST_MAXDIM, (int)t->dtype, t->ndim);
            goto done;
        }
        size_t isz = dtypes[t->dtype].size;
        uint64_t nz = 1;
        int zero = 0;
        json_t *shape = json_array(), *offs = json_array(), *ent = json_object();
        if (!shape || !offs || !ent) {
            json_decref(shape);
            json_decref(offs);
            json_decref(ent);
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
            goto done;
        }
        json_object_set_new(ent, "dtype", json_string(dtypes[t->dtype].name));
        json_object_set_new(ent, "shape", shape);
        json_object_set_new(ent, "data_offsets", offs);
        for (int d = 0; d < t->ndim && !rc; d++) {
            uint64_t s = t->shape[d];
            if (s > (uint64_t)INT64_MAX || (s && nz > ((uint64_t)INT64_MAX / isz) / s))
                rc = sc_fail(err, SC_EXIT_LIMIT, "%s: tensor %s: shape too large (overflow)",
                             c.name, en);
            else if (s)
                nz *= s;
            else
                zero = 1;
            json_array_append_new(shape, json_integer((json_int_t)s));
        }
        nbytes[i] = zero ? 0 : (size_t)(nz * isz);
        if (!rc && nbytes[i] && !t->data)
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected %zu data bytes, got NULL",
                         c.name, en, nbytes[i]);
        if (!rc && (off + nbytes[i] > (uint64_t)INT64_MAX || off + nbytes[i] > SIZE_MAX / 2))
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: data too large (overflow)", c.name);
        if (!rc) {
            json_array_append_new(offs, json_integer((json_int_t)off));
            json_array_append_new(offs, json_integer((json_int_t)(off + nbytes[i])));
            off += nbytes[i];
        }
        if (rc)
            json_decref(ent);
        if (rc || json_object_set_new(root, t->name, ent)) { /* set_new consumes ent */
            if (!rc)
                rc = sc_fail(err, SC_EXIT_REJECTED, "%s: tensor %s: expected a UTF-8 name",
                             c.name, en);
            goto done;
        }
    }
    hdr = json_dumps(root, JSON_COMPACT); /* insertion order: metadata, then sorted names */
    if (!hdr) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
        goto done;
    }
    size_t hl = strlen(hdr), padded = (hl + 7) / 8 * 8;
    if (padded > ST_MAX_HEADER) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "%s: header of %zu bytes, expected at most %u", c.name,
                     padded, ST_MAX_HEADER);
        goto done;
    }
    size_t total = 8 + padded + (size_t)off;
    unsigned char *img = malloc(total);
    if (!img) {
        rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %zu bytes", c.name, total);
        goto done;
    }
    for (int i = 0; i < 8; i++)
        img[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    memcpy(img + 8, hdr, hl);
    memset(img + 8 + hl, ' ', padded - hl);
    size_t at = 8 + padded;
    for (size_t i = 0; i < n; i++) {
        if (nbytes[i])
            memcpy(img + at, tp[i]->data, nbytes[i]);
        at += nbytes[i];
    }
    *out = img;
    *out_len = total;
done:
    free(hdr);
    json_decref(root);
    free(tp);
    free(mp);
    free(nbytes);
    return rc;
}

int st_save(const char *path, const st_wtensor *tensors, size_t n, const st_meta *meta,
            size_t n_meta, sc_error *err)
{
    ctx c;
    set_name(&c, path, err);
    unsigned char *img;
    size_t len;
    int rc = st_build(tensors, n, meta, n_meta, path, &img, &len, err);
    if (rc)
        return rc;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 40);
    if (!tmp) {
        free(img);
        return sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
    }
    int fd = sc_open_temp(path, tmp, plen + 40);
    if (fd < 0) {
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: cannot create a temporary file next to it: %s",
                     c.name, strerror(errno));
        free(tmp);
        free(img);
        return rc;
    }
    size_t done = 0;
    while (done < len && !rc) {
        size_t chunk = len - done > (1u << 30) ? (1u << 30) : len - done;
        ssize_t r = write(fd, img + done, chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            rc = sc_fail(err, (e == ENOSPC || e == EDQUOT || e == EFBIG) ? SC_EXIT_LIMIT
                                                                         : SC_EXIT_REJECTED,
                         "%s: write failed: %s", c.name, strerror(e));
        } else {
            done += (size_t)r;
        }
    }
    if (close(fd) < 0 && !rc)
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: close failed: %s", c.name, strerror(errno));
    if (!rc && rename(tmp, path) < 0)
        rc = sc_fail(err, SC_EXIT_REJECTED, "%s: cannot rename the temporary file onto it: %s",
                     c.name, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    free(img);
    return rc;
}
