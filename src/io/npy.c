/* Strict NumPy .npy reader and atomic writer (DESIGN.md §5). Format: NEP 1 / numpy.lib.format.
 *
 *   offset 0  "\x93NUMPY"
 *   offset 6  major, minor version byte (1.0, 2.0 or 3.0)
 *   offset 8  header length: u16 LE (1.0) or u32 LE (2.0, 3.0)
 *   then      the header: a Python dict literal (latin-1; utf-8 in 3.0), padded with spaces
 *             and terminated by '\n'
 *   then      the data, C order, exactly count * itemsize bytes, then end of file.
 *
 * The header is parsed by a small tokenizer that accepts exactly the Python literal syntax numpy
 * produces (and the harmless variations Python's literal_eval accepts: either quote, any spacing
 * between tokens, a trailing comma, keys in any order), and nothing else. */
#include "npy.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_HEADER 10000u
#define NPY_ALIGN 64
#define NPY_GROWTH_DIGITS 21 /* numpy >= 1.23 leaves room to grow shape[0] in place */

static const struct {
    npy_dtype t;
    const char *descr;
    size_t size;
    int is_int; /* integer or bool: npy_get_i64 works */
} dtypes[] = {
    {NPY_BOOL, "|b1", 1, 1}, {NPY_I1, "|i1", 1, 1}, {NPY_U1, "|u1", 1, 1},
    {NPY_I2, "<i2", 2, 1},   {NPY_U2, "<u2", 2, 1}, {NPY_I4, "<i4", 4, 1},
    {NPY_U4, "<u4", 4, 1},   {NPY_I8, "<i8", 8, 1}, {NPY_U8, "<u8", 8, 1},
    {NPY_F4, "<f4", 4, 0},   {NPY_F8, "<f8", 8, 0},
};
#define N_DTYPES (sizeof dtypes / sizeof dtypes[0])
#define DTYPE_LIST "'|b1' '|i1' '|u1' '<i2' '<u2' '<i4' '<u4' '<i8' '<u8' '<f4' '<f8'"

static int dtype_ok(npy_dtype t)
{
    return (unsigned)t < N_DTYPES;
}

size_t npy_item_size(npy_dtype t)
{
    return dtype_ok(t) ? dtypes[t].size : 0;
}

const char *npy_descr(npy_dtype t)
{
    return dtype_ok(t) ? dtypes[t].descr : "?";
}

/* ------------------------------------------------------------------------------------------ */
/* Messages: one line. File names and quoted input are escaped so that no control character
 * (a newline in a hostile header or file name) can break the line. */


typedef struct {
    const unsigned char *buf; /* the bytes we have (at least through the end of the header) */
    size_t avail;             /* bytes in buf */
    uint64_t flen;            /* length of the whole file */
    char name[256];           /* escaped file name */
    sc_error *err;
} ctx;

static void set_name(ctx *c, const char *fname)
{
    if (!fname)
        fname = "<npy>";
    sc_escape(c->name, sizeof c->name, (const unsigned char *)fname, strlen(fname), 200);
}

__attribute__((format(printf, 3, 4))) static int reject(ctx *c, size_t off, const char *fmt, ...)
{
    char text[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return sc_fail(c->err, SC_EXIT_REJECTED, "%s: offset %zu: %s", c->name, off, text);
}

/* ------------------------------------------------------------------------------------------ */
/* Header tokenizer. */

typedef struct {
    ctx *c;
    size_t pos, end; /* [pos, end) is the dict text (without the trailing "\n") */
    size_t shape_off; /* where the shape tuple starts */
} lex;

static int is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void skip_ws(lex *l)
{
    while (l->pos < l->end && is_ws(l->c->buf[l->pos]))
        l->pos++;
}

/* Describe what is at pos for a "got ..." clause. */
static const char *got(lex *l, size_t pos, char *tmp, size_t cap)
{
    if (pos >= l->end)
        return "end of header";
    size_t n = 0;
    const unsigned char *s = l->c->buf + pos;
    unsigned char ch = s[0];
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '_' || ch == '-' || ch == '+' || ch == '.') {
        while (pos + n < l->end && n < 32) {
            unsigned char d = s[n];
            if (!((d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z') || (d >= '0' && d <= '9') ||
                  d == '_' || d == '-' || d == '+' || d == '.'))
                break;
            n++;
        }
        if (pos + n < l->end && (s[n] < 0x20 || s[n] >= 0x7f)) /* show a stray control byte */
            n++;
    } else if (ch == '\'') {
        return "a quote (')";
    } else if (ch == '"') {
        return "a quote (\")";
    } else {
        n = 1;
    }
    char e[160];
    sc_escape(e, sizeof e, s, n, 40);
    snprintf(tmp, cap, "'%s'", e);
    return tmp;
}

static int expect_char(lex *l, char want, const char *what)
{
    skip_ws(l);
    if (l->pos < l->end && l->c->buf[l->pos] == (unsigned char)want) {
        l->pos++;
        return 0;
    }
    char tmp[200];
    return reject(l->c, l->pos, "expected %s, got %s", what, got(l, l->pos, tmp, sizeof tmp));
}

/* A string literal: ' or " quoted, no escapes, no newlines. On success [*s, *s+*n) is its body. */
static int lex_string(lex *l, const char *field, size_t *s, size_t *n)
{
    skip_ws(l);
    size_t start = l->pos;
    if (start >= l->end || (l->c->buf[start] != '\'' && l->c->buf[start] != '"')) {
        char tmp[200];
        return reject(l->c, start, "%s%s%sexpected a quoted string, got %s",
                      field ? "field '" : "", field ? field : "", field ? "': " : "",
                      got(l, start, tmp, sizeof tmp));
    }
    unsigned char q = l->c->buf[start];
    size_t p = start + 1;
    while (p < l->end && l->c->buf[p] != q) {
        unsigned char ch = l->c->buf[p];
        if (ch == '\\')
            return reject(l->c, p, "expected a plain string without escape sequences, got '\\'");
        if (ch == '\n' || ch == '\r')
            return reject(l->c, start, "expected a closing quote (%c), got an unterminated string",
                          q);
        p++;
    }
    if (p >= l->end)
        return reject(l->c, start, "expected a closing quote (%c), got an unterminated string",
                          q);
    *s = start + 1;
    *n = p - start - 1;
    l->pos = p + 1;
    return 0;
}

static int is_ident(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static int lex_bool(lex *l, int *v)
{
    skip_ws(l);
    const unsigned char *s = l->c->buf + l->pos;
    size_t left = l->end - l->pos;
    if (left >= 4 && !memcmp(s, "True", 4) && (left == 4 || !is_ident(s[4]))) {
        *v = 1;
        l->pos += 4;
        return 0;
    }
    if (left >= 5 && !memcmp(s, "False", 5) && (left == 5 || !is_ident(s[5]))) {
        *v = 0;
        l->pos += 5;
        return 0;
    }
    char tmp[200];
    return reject(l->c, l->pos, "field 'fortran_order': expected False or True, got %s",
                  got(l, l->pos, tmp, sizeof tmp));
}

/* A dimension: a non-negative decimal integer as Python writes it (no sign, no leading zeros,
 * no underscores), at most INT64_MAX (numpy's intp). */
static int lex_dim(lex *l, uint64_t *v)
{
    skip_ws(l);
    size_t start = l->pos;
    const unsigned char *b = l->c->buf;
    char tmp[200];
    if (start < l->end && b[start] == '-')
        return reject(l->c, start, "field 'shape': expected a non-negative dimension, got %s",
                      got(l, start, tmp, sizeof tmp));
    size_t p = start;
    uint64_t x = 0;
    int overflow = 0;
    while (p < l->end && b[p] >= '0' && b[p] <= '9') {
        unsigned d = b[p] - '0';
        if (x > (UINT64_C(0x7fffffffffffffff) - d) / 10)
            overflow = 1;
        else
            x = x * 10 + d;
        p++;
    }
    if (p == start || (p < l->end && (is_ident(b[p]) || b[p] == '.')))
        return reject(l->c, start,
                      "field 'shape': expected a non-negative decimal integer, got %s",
                      got(l, start, tmp, sizeof tmp));
    if (p - start > 1 && b[start] == '0')
        return reject(l->c, start,
                      "field 'shape': expected a decimal integer without leading zeros, got %s",
                      got(l, start, tmp, sizeof tmp));
    if (overflow)
        return reject(l->c, start,
                      "field 'shape': expected a dimension <= 9223372036854775807, got %s",
                      got(l, start, tmp, sizeof tmp));
    *v = x;
    l->pos = p;
    return 0;
}

/* shape := '(' ')' | '(' dim ',' ')' | '(' dim (',' dim)+ [','] ')' */
static int lex_shape(lex *l, npy_array *out)
{
    skip_ws(l);
    char tmp[200];
    if (l->pos >= l->end || l->c->buf[l->pos] != '(')
        return reject(l->c, l->pos, "field 'shape': expected a tuple such as (3, 4), got %s",
                      got(l, l->pos, tmp, sizeof tmp));
    l->pos++;
    int nd = 0;
    for (;;) {
        skip_ws(l);
        if (l->pos < l->end && l->c->buf[l->pos] == ')') { /* "()" or after a comma */
            l->pos++;
            break;
        }
        if (nd == NPY_MAXDIM) {
            return reject(l->c, l->pos, "field 'shape': expected at most %d dimensions, got more",
                          NPY_MAXDIM);
        }
        if (lex_dim(l, &out->shape[nd]))
            return SC_EXIT_REJECTED;
        nd++;
        skip_ws(l);
        if (l->pos < l->end && l->c->buf[l->pos] == ',') {
            l->pos++;
            continue;
        }
        if (l->pos < l->end && l->c->buf[l->pos] == ')') {
            if (nd == 1)
                return reject(l->c, l->pos,
                              "field 'shape': expected ',' after the only dimension (a 1-tuple "
                              "is written (n,)), got ')'");
            l->pos++;
            break;
        }
        return reject(l->c, l->pos, "field 'shape': expected ',' or ')', got %s",
                      got(l, l->pos, tmp, sizeof tmp));
    }
    out->ndim = nd;
    return 0;
}

static int parse_descr(lex *l, npy_array *out)
{
    skip_ws(l);
    size_t at = l->pos;
    if (at < l->end && l->c->buf[at] == '[')
        return reject(l->c, at,
                      "field 'descr': expected a dtype string such as '<i4', got '[' "
                      "(structured dtypes are not supported)");
    size_t s, n;
    if (lex_string(l, "descr", &s, &n))
        return SC_EXIT_REJECTED;
    const char *d = (const char *)l->c->buf + s;
    for (size_t i = 0; i < N_DTYPES; i++) {
        const char *w = dtypes[i].descr;
        if (n == 3 && !memcmp(d, w, 3)) {
            out->dtype = dtypes[i].t;
            return 0;
        }
        /* One-byte types have no byte order; numpy writes '|', but '<' is unambiguous too. */
        if (dtypes[i].size == 1 && n == 3 && d[0] == '<' && !memcmp(d + 1, w + 1, 2)) {
            out->dtype = dtypes[i].t;
            return 0;
        }
    }
    const char *why = "";
    if (n >= 1 && d[0] == '>')
        why = " (big-endian data is not supported)";
    else if (n >= 1 && (d[n - 1] == 'O' || (n >= 2 && d[1] == 'O')))
        why = " (object arrays are not supported)";
    else if (n >= 2 && (d[1] == 'U' || d[1] == 'S' || d[0] == 'U' || d[0] == 'S'))
        why = " (string dtypes are not supported)";
    else if (n >= 1 && (d[0] == '=' || (d[0] == '|' && n == 3 && d[2] != '1')))
        why = " (byte order must be explicit '<')";
    char e[160];
    sc_escape(e, sizeof e, (const unsigned char *)d, n, 40);
    return reject(l->c, at, "field 'descr': expected one of " DTYPE_LIST ", got '%s'%s", e, why);
}

static const char *const keys[3] = {"descr", "fortran_order", "shape"};

static int parse_dict(lex *l, npy_array *out)
{
    char tmp[200];
    if (l->pos >= l->end || l->c->buf[l->pos] != '{')
        return reject(l->c, l->pos, "expected '{' opening the header dict, got %s",
                      got(l, l->pos, tmp, sizeof tmp));
    l->pos++;
    int seen[3] = {0, 0, 0};
    for (;;) {
        skip_ws(l);
        if (l->pos < l->end && l->c->buf[l->pos] == '}')
            break;
        if (l->pos >= l->end)
            return reject(l->c, l->pos, "expected '}' closing the header dict, got end of header");
        size_t at = l->pos;
        size_t s, n;
        if (lex_string(l, NULL, &s, &n))
            return SC_EXIT_REJECTED;
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (strlen(keys[i]) == n && !memcmp(l->c->buf + s, keys[i], n))
                k = i;
        if (k < 0) {
            char e[160];
            sc_escape(e, sizeof e, l->c->buf + s, n, 40);
            return reject(l->c, at,
                          "expected one of the keys 'descr', 'fortran_order', 'shape', got '%s'",
                          e);
        }
        if (seen[k])
            return reject(l->c, at, "expected each key once, got a second '%s'", keys[k]);
        seen[k] = 1;
        if (expect_char(l, ':', "':' after the key"))
            return SC_EXIT_REJECTED;
        if (k == 0) {
            if (parse_descr(l, out))
                return SC_EXIT_REJECTED;
        } else if (k == 1) {
            skip_ws(l);
            size_t vat = l->pos;
            int f = 0;
            if (lex_bool(l, &f))
                return SC_EXIT_REJECTED;
            if (f)
                return reject(l->c, vat,
                              "field 'fortran_order': expected False (C order), got True "
                              "(Fortran-order arrays are not supported)");
        } else {
            skip_ws(l);
            l->shape_off = l->pos;
            if (lex_shape(l, out))
                return SC_EXIT_REJECTED;
        }
        skip_ws(l);
        if (l->pos < l->end && l->c->buf[l->pos] == ',') {
            l->pos++;
            continue;
        }
        if (l->pos < l->end && l->c->buf[l->pos] == '}')
            break;
        if (l->pos >= l->end)
            return reject(l->c, l->pos,
                          "expected '}' closing the header dict, got end of header");
        return reject(l->c, l->pos, "expected ',' or '}' in the header dict, got %s",
                      got(l, l->pos, tmp, sizeof tmp));
    }
    size_t close = l->pos;
    for (int i = 0; i < 3; i++)
        if (!seen[i])
            return reject(l->c, close, "expected key '%s' in the header dict, got '}' (missing)",
                          keys[i]);
    l->pos++;
    /* Only padding may follow. */
    while (l->pos < l->end && l->c->buf[l->pos] == ' ')
        l->pos++;
    if (l->pos < l->end)
        return reject(l->c, l->pos, "expected space padding after the header dict, got %s",
                      got(l, l->pos, tmp, sizeof tmp));
    return 0;
}

/* Parse the preamble and header. buf holds at least the first `avail` bytes of a file of length
 * flen. On success *data_off is where the data starts and out describes the array (data NULL). */
static int parse_header(ctx *c, npy_array *out, size_t *data_off)
{
    memset(out, 0, sizeof *out);
    const unsigned char *b = c->buf;
    if (c->avail < NPY_MAGIC_LEN || memcmp(b, NPY_MAGIC, NPY_MAGIC_LEN)) {
        char e[160];
        sc_escape(e, sizeof e, b, c->avail < NPY_MAGIC_LEN ? c->avail : NPY_MAGIC_LEN, 40);
        return reject(c, 0, "expected the npy magic \\x93NUMPY, got '%s'%s", e,
                      c->avail < NPY_MAGIC_LEN ? " (file too short)" : "");
    }
    if (c->avail < 8)
        return reject(c, c->avail, "expected a 2-byte format version, got end of file");
    unsigned major = b[6], minor = b[7];
    if (!((major == 1 || major == 2 || major == 3) && minor == 0))
        return reject(c, 6, "expected format version 1.0, 2.0 or 3.0, got %u.%u", major, minor);
    size_t lsize = major == 1 ? 2 : 4;
    size_t hstart = 8 + lsize;
    if (c->avail < hstart)
        return reject(c, 8, "expected a %zu-byte header length, got end of file (%zu bytes)",
                      lsize, c->avail);
    uint32_t hlen = (uint32_t)b[8] | (uint32_t)b[9] << 8;
    if (lsize == 4)
        hlen |= (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
    if (hlen > NPY_MAX_HEADER)
        return reject(c, 8, "expected a header length <= %u, got %" PRIu32, NPY_MAX_HEADER,
                      hlen);
    if (hstart + hlen > c->flen)
        return reject(c, 8,
                      "expected a header length <= %" PRIu64 " (bytes left in the file), got %"
                      PRIu32,
                      c->flen - hstart, hlen);
    if (hstart + hlen > c->avail) /* cannot happen for callers that read enough */
        return reject(c, c->avail, "expected %" PRIu32 " header bytes, got end of input", hlen);
    if (hlen == 0 || b[hstart + hlen - 1] != '\n')
        return reject(c, hstart + (hlen ? hlen - 1 : 0),
                      "expected the header to end with '\\n', got %s",
                      hlen ? (b[hstart + hlen - 1] == ' ' ? "' '" : "another byte")
                           : "an empty header");
    /* Latin-1 (1.0, 2.0) or UTF-8 (3.0): either way every token we accept is ASCII, so the
     * tokenizer rejects any other byte outside a string, and a string with one cannot match a
     * key or a dtype. */
    lex l = {c, hstart, hstart + hlen - 1, hstart};
    if (parse_dict(&l, out))
        return SC_EXIT_REJECTED;

    /* Sizes: count = product of shape; zero dimensions give 0, but the product of the nonzero
     * dimensions and the byte size must still fit (numpy checks the same). */
    uint64_t nz = 1;
    int zero = 0;
    size_t isz = dtypes[out->dtype].size;
    for (int i = 0; i < out->ndim; i++) {
        uint64_t d = out->shape[i];
        if (d == 0) {
            zero = 1;
            continue;
        }
        if (nz > UINT64_MAX / d)
            return reject(c, l.shape_off,
                          "field 'shape': expected an element count < 2^64, got an overflowing "
                          "product at dimension %d",
                          i);
        nz *= d;
    }
    if (nz > INT64_MAX / isz || nz > SIZE_MAX / isz)
        return reject(c, l.shape_off,
                      "field 'shape': expected a byte size < 2^63, got %" PRIu64 " items of %zu "
                      "bytes (overflow)",
                      nz, isz);
    out->count = zero ? 0 : nz;
    out->nbytes = (size_t)(out->count * isz);
    size_t doff = hstart + hlen;
    uint64_t want = (uint64_t)doff + out->nbytes;
    if (c->flen < want)
        return reject(c, doff,
                      "expected %zu data bytes (%" PRIu64 " items of %s), got %" PRIu64
                      " (truncated)",
                      out->nbytes, out->count, dtypes[out->dtype].descr, c->flen - doff);
    if (c->flen > want)
        return reject(c, (size_t)want,
                      "expected end of file after %zu data bytes, got %" PRIu64
                      " trailing bytes",
                      out->nbytes, c->flen - want);
    *data_off = doff;
    return 0;
}

int npy_parse(const void *buf, size_t len, const char *fname, npy_array *out, sc_error *err)
{
    ctx c = {.buf = buf, .avail = len, .flen = len, .err = err};
    set_name(&c, fname);
    npy_array a;
    size_t off;
    if (parse_header(&c, &a, &off)) {
        memset(out, 0, sizeof *out);
        return SC_EXIT_REJECTED;
    }
    a.data = (void *)((const unsigned char *)buf + off);
    a.owned = 0;
    *out = a;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading. Regular files: read the preamble, parse it against the file size, then read the
 * data straight into its own buffer (no copy). Other files (pipes): read everything. */


int npy_load(const char *path, npy_array *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    ctx c = {.err = err};
    set_name(&c, path);
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
        return sc_fail(err, SC_EXIT_REJECTED, "%s: expected an npy file, got a directory",
                       c.name);
    }
    int rc = SC_EXIT_REJECTED;
    unsigned char *head = NULL, *data = NULL;
    size_t n;
    if (S_ISREG(st.st_mode)) {
        size_t cap = 12 + NPY_MAX_HEADER;
        head = malloc(cap);
        if (!head) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", c.name);
            goto done;
        }
        if (sc_read_full(fd, head, cap, &n) < 0) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: offset %zu: read error: %s", c.name, n,
                         strerror(errno));
            goto done;
        }
        c.buf = head;
        c.avail = n;
        c.flen = (uint64_t)st.st_size > n ? (uint64_t)st.st_size : n;
        npy_array a;
        size_t off;
        if (parse_header(&c, &a, &off))
            goto done;
        data = malloc(a.nbytes ? a.nbytes : 1);
        if (!data) {
            rc = sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %zu data bytes", c.name,
                         a.nbytes);
            goto done;
        }
        size_t have = n - off < a.nbytes ? n - off : a.nbytes;
        memcpy(data, head + off, have);
        size_t more = 0;
        if (sc_read_full(fd, data + have, a.nbytes - have, &more) < 0) {
            rc = sc_fail(err, SC_EXIT_REJECTED, "%s: offset %zu: read error: %s", c.name,
                         off + have + more, strerror(errno));
            goto done;
        }
        /* The file may have changed since fstat: re-check the exact length. */
        unsigned char extra;
        size_t x = 0;
        if (have + more < a.nbytes) {
            rc = sc_fail(err, SC_EXIT_REJECTED,
                         "%s: offset %zu: expected %zu data bytes, got %zu (truncated)", c.name,
                         off, a.nbytes, have + more);
            goto done;
        }
        if (n - off > a.nbytes || (sc_read_full(fd, &extra, 1, &x) == 0 && x == 1)) {
            rc = sc_fail(err, SC_EXIT_REJECTED,
                         "%s: offset %zu: expected end of file, got trailing bytes", c.name,
                         off + a.nbytes);
            goto done;
        }
        a.data = data;
        a.owned = 1;
        data = NULL;
        *out = a;
        rc = 0;
    } else {
        size_t len;
        if ((rc = sc_read_all(fd, (size_t)1 << 16, c.name, &head, &len, err)))
            goto done;
        c.buf = head;
        c.avail = len;
        c.flen = len;
        npy_array a;
        size_t off;
        if (parse_header(&c, &a, &off))
            goto done;
        memmove(head, head + off, a.nbytes);
        unsigned char *shrunk = realloc(head, a.nbytes ? a.nbytes : 1);
        a.data = shrunk ? shrunk : head;
        a.owned = 1;
        head = NULL;
        *out = a;
        rc = 0;
    }
done:
    free(head);
    free(data);
    close(fd);
    return rc;
}

void npy_free(npy_array *a)
{
    if (!a)
        return;
    if (a->owned)
        free(a->data);
    a->data = NULL;
    a->owned = 0;
}

int npy_get_i64(const npy_array *a, uint64_t i, int64_t *v)
{
    *v = 0;
    if (!a || !dtype_ok(a->dtype) || i >= a->count || !a->data)
        return SC_EXIT_REJECTED;
    const unsigned char *p = (const unsigned char *)a->data + i * dtypes[a->dtype].size;
    uint64_t u = 0;
    size_t sz = dtypes[a->dtype].size;
    for (size_t k = 0; k < sz; k++) /* little-endian, independent of the host */
        u |= (uint64_t)p[k] << (8 * k);
    switch (a->dtype) {
    case NPY_BOOL: *v = u != 0; return 0;
    case NPY_I1: *v = (int8_t)(uint8_t)u; return 0;
    case NPY_U1: *v = (int64_t)u; return 0;
    case NPY_I2: *v = (int16_t)(uint16_t)u; return 0;
    case NPY_U2: *v = (int64_t)u; return 0;
    case NPY_I4: *v = (int32_t)(uint32_t)u; return 0;
    case NPY_U4: *v = (int64_t)u; return 0;
    case NPY_I8: *v = (int64_t)u; return 0;
    case NPY_U8:
        if (u > INT64_MAX)
            return SC_EXIT_REJECTED;
        *v = (int64_t)u;
        return 0;
    default: return SC_EXIT_REJECTED;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Writer. */

#define WBUF_SIZE (1u << 20)

struct npy_writer {
    int fd;
    char *path, *tmp;
    char name[256]; /* escaped path for messages */
    uint64_t expected, written;
    unsigned char *buf;
    size_t blen;
    int finished;
};

/* The exact header numpy (>= 1.23) writes for this array: version 1.0 when it fits. */
static size_t format_header(unsigned char *dst, size_t cap, npy_dtype dtype, int ndim,
                            const uint64_t *shape)
{
    char dict[512];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dtypes[dtype].descr);
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%" PRIu64, i ? ", " : "", shape[i]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    if (ndim > 0) {
        char d0[24];
        int k = snprintf(d0, sizeof d0, "%" PRIu64, shape[0]);
        for (int i = k; i < NPY_GROWTH_DIGITS; i++)
            dict[n++] = ' ';
    }
    size_t hl = (size_t)n + 1; /* with '\n' */
    size_t lsize = 2, pre = 10;
    size_t pad = NPY_ALIGN - ((pre + hl) % NPY_ALIGN); /* numpy pads 1..64, never 0 */
    if (hl + pad > 65535) { /* version 2.0 (cannot happen with NPY_MAXDIM 8) */
        lsize = 4;
        pre = 12;
        pad = NPY_ALIGN - ((pre + hl) % NPY_ALIGN);
    }
    size_t total = pre + hl + pad;
    if (total > cap)
        return 0;
    memcpy(dst, NPY_MAGIC, 6);
    dst[6] = lsize == 2 ? 1 : 2;
    dst[7] = 0;
    uint32_t h = (uint32_t)(hl + pad);
    dst[8] = (unsigned char)h;
    dst[9] = (unsigned char)(h >> 8);
    if (lsize == 4) {
        dst[10] = (unsigned char)(h >> 16);
        dst[11] = (unsigned char)(h >> 24);
    }
    memcpy(dst + pre, dict, (size_t)n);
    memset(dst + pre + n, ' ', pad);
    dst[total - 1] = '\n';
    return total;
}

static int write_all(npy_writer *w, const void *p, size_t n, sc_error *err)
{
    const char *s = p;
    while (n) {
        size_t chunk = n > (1u << 30) ? (1u << 30) : n;
        ssize_t r = write(w->fd, s, chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            int code = (e == ENOSPC || e == EDQUOT || e == EFBIG) ? SC_EXIT_LIMIT
                                                                   : SC_EXIT_REJECTED;
            return sc_fail(err, code, "%s: write failed: %s", w->name, strerror(e));
        }
        s += r;
        n -= (size_t)r;
    }
    return 0;
}

static int flush_buf(npy_writer *w, sc_error *err)
{
    if (!w->blen)
        return 0;
    int rc = write_all(w, w->buf, w->blen, err);
    w->blen = 0;
    return rc;
}

npy_writer *npy_writer_open(const char *path, npy_dtype dtype, int ndim, const uint64_t *shape,
                            sc_error *err)
{
    char name[256];
    sc_escape(name, sizeof name, (const unsigned char *)path, strlen(path), 200);
    if (!dtype_ok(dtype)) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: expected a supported dtype, got code %d", name,
                (int)dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > NPY_MAXDIM) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: expected 0..%d dimensions, got %d", name, NPY_MAXDIM,
                ndim);
        return NULL;
    }
    uint64_t nz = 1;
    int zero = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] > INT64_MAX || (shape[i] && nz > UINT64_MAX / shape[i])) {
            sc_fail(err, SC_EXIT_LIMIT, "%s: shape too large (overflow)", name);
            return NULL;
        }
        if (shape[i])
            nz *= shape[i];
        else
            zero = 1;
    }
    size_t isz = dtypes[dtype].size;
    if (nz > INT64_MAX / isz || nz > SIZE_MAX / isz) {
        sc_fail(err, SC_EXIT_LIMIT, "%s: array too large (overflow)", name);
        return NULL;
    }
    npy_writer *w = calloc(1, sizeof *w);
    size_t plen = strlen(path);
    if (w) {
        w->path = strdup(path);
        w->tmp = malloc(plen + 40);
        w->buf = malloc(WBUF_SIZE);
    }
    if (!w || !w->path || !w->tmp || !w->buf) {
        if (w) {
            free(w->path);
            free(w->tmp);
            free(w->buf);
            free(w);
        }
        sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory", name);
        return NULL;
    }
    memcpy(w->name, name, sizeof name);
    w->fd = -1;
    w->expected = zero ? 0 : nz * isz;
    w->fd = sc_open_temp(path, w->tmp, plen + 40);
    if (w->fd < 0) {
        sc_fail(err, SC_EXIT_REJECTED, "%s: cannot create a temporary file next to it: %s", name,
                strerror(errno));
        free(w->path);
        free(w->tmp);
        free(w->buf);
        free(w);
        return NULL;
    }
    w->blen = format_header(w->buf, WBUF_SIZE, dtype, ndim, shape);
    return w;
}

int npy_writer_write(npy_writer *w, const void *data, size_t nbytes, sc_error *err)
{
    if (w->finished || w->fd < 0)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: write after finish", w->name);
    if (nbytes > w->expected - w->written)
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: expected %" PRIu64 " data bytes, got %" PRIu64 " or more", w->name,
                       w->expected, w->written + nbytes);
    w->written += nbytes;
    if (w->blen + nbytes <= WBUF_SIZE) {
        memcpy(w->buf + w->blen, data, nbytes);
        w->blen += nbytes;
        return 0;
    }
    /* Large: flush what is buffered, then write the caller's bytes directly (no copy). */
    const unsigned char *p = data;
    if (w->blen) {
        int rc = flush_buf(w, err);
        if (rc)
            return rc;
    }
    if (nbytes >= WBUF_SIZE / 2)
        return write_all(w, p, nbytes, err);
    memcpy(w->buf, p, nbytes);
    w->blen = nbytes;
    return 0;
}

int npy_writer_finish(npy_writer *w, sc_error *err)
{
    if (w->finished)
        return 0;
    if (w->written != w->expected)
        return sc_fail(err, SC_EXIT_REJECTED,
                       "%s: expected %" PRIu64 " data bytes, got %" PRIu64 " (incomplete)",
                       w->name, w->expected, w->written);
    int rc = flush_buf(w, err);
    if (rc)
        return rc;
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) < 0)
        return sc_fail(err, SC_EXIT_REJECTED, "%s: close failed: %s", w->name, strerror(errno));
    w->finished = 1;
    return 0;
}

int npy_writer_publish(npy_writer *w, sc_error *err)
{
    if (!w->finished) {
        int rc = npy_writer_finish(w, err);
        if (rc) {
            npy_writer_abort(w);
            return rc;
        }
    }
    if (rename(w->tmp, w->path) < 0) {
        int e = errno;
        sc_fail(err, SC_EXIT_REJECTED, "%s: cannot rename the temporary file onto it: %s",
                w->name, strerror(e));
        npy_writer_abort(w);
        return SC_EXIT_REJECTED;
    }
    free(w->path);
    free(w->tmp);
    free(w->buf);
    free(w);
    return 0;
}

void npy_writer_abort(npy_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp);
    free(w->path);
    free(w->tmp);
    free(w->buf);
    free(w);
}

int npy_save(const char *path, const npy_array *a, sc_error *err)
{
    npy_writer *w = npy_writer_open(path, a->dtype, a->ndim, a->shape, err);
    if (!w)
        return err && err->code ? err->code : SC_EXIT_REJECTED;
    size_t nbytes = (size_t)(w->expected);
    int rc = nbytes ? npy_writer_write(w, a->data, nbytes, err) : 0;
    if (!rc)
        rc = npy_writer_finish(w, err);
    if (rc) {
        npy_writer_abort(w);
        return rc;
    }
    return npy_writer_publish(w, err);
}
