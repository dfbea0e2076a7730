/* Check suite for src/io/safetensors.c: the strict reader and the canonical atomic writer.
 * The ref_* images are assembled by hand from the safetensors specification, byte for byte as
 * the reference Python library (safetensors.torch.save_file) writes them: compact JSON header,
 * "__metadata__" first, entries {"dtype","shape","data_offsets"}, padded with spaces to a
 * multiple of 8 bytes, little-endian data. (Debian ships no Python safetensors module.) */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/safetensors.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* 8-byte LE length of hdr (strlen), hdr, then dlen data bytes. Caller frees. */
static unsigned char *mk(const char *hdr, const void *data, size_t dlen, size_t *len)
{
    size_t hl = strlen(hdr);
    *len = 8 + hl + dlen;
    unsigned char *b = malloc(*len ? *len : 1);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, hdr, hl);
    if (dlen) {
        if (data)
            memcpy(b + 8 + hl, data, dlen);
        else
            memset(b + 8 + hl, 0x11, dlen);
    }
    return b;
}

static void assert_one_line(const sc_error *e, const char *fname)
{
    ck_assert_ptr_null(strchr(e->msg, '\n'));
    ck_assert_msg(strncmp(e->msg, fname, strlen(fname)) == 0 && e->msg[strlen(fname)] == ':',
                  "message does not name the file: %s", e->msg);
    ck_assert_msg(strstr(e->msg, "expected") != NULL, "no 'expected' in: %s", e->msg);
}

static char tmpdir[256];

static void setup_dir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/check_st.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[600];
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

/* ---- reference images --------------------------------------------------------------------- */

/* save_file({"a": torch.tensor([1.0, 2.0])}) */
static const char ref1_hdr[] = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
static const unsigned char ref1_data[8] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40};

/* save_file({"bias": torch.tensor(0.5, dtype=float64),
 *            "weight": torch.tensor([[-3.25, 0.5], [0.5, -3.25]], dtype=float64)},
 *           metadata={"format": "pt"}) */
static const char ref2_hdr[] =
    "{\"__metadata__\":{\"format\":\"pt\"},\"bias\":{\"dtype\":\"F64\",\"shape\":[],"
    "\"data_offsets\":[0,8]},\"weight\":{\"dtype\":\"F64\",\"shape\":[2,2],"
    "\"data_offsets\":[8,40]}}    ";
static const unsigned char ref2_data[40] = {
    0, 0, 0, 0, 0, 0, 0xe0, 0x3f,                         /* 0.5 */
    0, 0, 0, 0, 0, 0, 0x0a, 0xc0, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, /* -3.25, 0.5 */
    0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0, 0, 0, 0, 0, 0, 0x0a, 0xc0, /* 0.5, -3.25 */
};

/* save_file({"e": torch.zeros(0, 3), "x": torch.tensor([1.0])}) */
static const char ref3_hdr[] = "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                               "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}   ";
static const unsigned char ref3_data[4] = {0x00, 0x00, 0x80, 0x3f};

START_TEST(test_ref1)
{
    size_t len;
    unsigned char *b = mk(ref1_hdr, ref1_data, sizeof ref1_data, &len);
    ck_assert_uint_eq(strlen(ref1_hdr) % 8, 0);
    st_file f;
    sc_error e;
    sc_error_clear(&e);
    ck_assert_int_eq(st_parse(b, len, "ref1.safetensors", &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 1);
    ck_assert_int_eq(f.has_metadata, 0);
    ck_assert_uint_eq(f.header_len, 56);
    ck_assert_uint_eq(f.buffer_len, 8);
    const st_tensor *t = st_find(&f, "a");
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(st_find(&f, "b"));
    ck_assert_int_eq(t->dtype, ST_F32);
    ck_assert_int_eq(t->ndim, 1);
    ck_assert_uint_eq(t->shape[0], 2);
    ck_assert_uint_eq(t->count, 2);
    ck_assert_uint_eq(t->nbytes, 8);
    ck_assert_ptr_eq(t->data, b + 64);
    double v;
    ck_assert_int_eq(st_get_f64(t, 0, &v), 0);
    ck_assert(v == 1.0);
    ck_assert_int_eq(st_get_f64(t, 1, &v), 0);
    ck_assert(v == 2.0);
    ck_assert_int_eq(st_get_f64(t, 2, &v), SC_EXIT_REJECTED);
    /* the writer produces the same bytes */
    uint64_t shape[1] = {2};
    st_wtensor w = {"a", ST_F32, 1, shape, ref1_data};
    unsigned char *img;
    size_t ilen;
    ck_assert_int_eq(st_build(&w, 1, NULL, 0, "w", &img, &ilen, &e), 0);
    ck_assert_uint_eq(ilen, len);
    ck_assert(memcmp(img, b, len) == 0);
    free(img);
    st_free(&f);
    st_free(&f); /* idempotent */
    free(b);
}
END_TEST

START_TEST(test_ref2_metadata_f64)
{
    size_t len;
    unsigned char *b = mk(ref2_hdr, ref2_data, sizeof ref2_data, &len);
    st_file f;
    sc_error e;
    sc_error_clear(&e);
    ck_assert_int_eq(st_parse(b, len, "ref2.safetensors", &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 2);
    ck_assert_int_eq(f.has_metadata, 1);
    ck_assert_uint_eq(f.n_meta, 1);
    ck_assert_str_eq(st_meta_get(&f, "format"), "pt");
    ck_assert_ptr_null(st_meta_get(&f, "n_layers"));
    ck_assert_str_eq(f.tensors[0].name, "bias");
    ck_assert_str_eq(f.tensors[1].name, "weight");
    const st_tensor *bias = st_find(&f, "bias"), *w = st_find(&f, "weight");
    ck_assert_int_eq(bias->ndim, 0);
    ck_assert_uint_eq(bias->count, 1);
    double v;
    ck_assert_int_eq(st_get_f64(bias, 0, &v), 0);
    ck_assert(v == 0.5);
    ck_assert_int_eq(w->dtype, ST_F64);
    ck_assert_uint_eq(w->shape[0], 2);
    ck_assert_uint_eq(w->shape[1], 2);
    const double want[4] = {-3.25, 0.5, 0.5, -3.25};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(st_get_f64(w, (uint64_t)i, &v), 0);
        ck_assert(v == want[i]);
    }
    /* writer: same bytes whatever the input order */
    uint64_t s22[2] = {2, 2};
    st_wtensor ws[2] = {{"weight", ST_F64, 2, s22, ref2_data + 8}, {"bias", ST_F64, 0, NULL,
                                                                     ref2_data}};
    st_meta m = {"format", "pt"};
    unsigned char *img;
    size_t ilen;
    ck_assert_int_eq(st_build(ws, 2, &m, 1, "w", &img, &ilen, &e), 0);
    ck_assert_uint_eq(ilen, len);
    ck_assert(memcmp(img, b, len) == 0);
    free(img);
    st_free(&f);
    free(b);
}
END_TEST

START_TEST(test_ref3_empty_tensor)
{
    size_t len;
    unsigned char *b = mk(ref3_hdr, ref3_data, sizeof ref3_data, &len);
    st_file f;
    sc_error e;
    sc_error_clear(&e);
    ck_assert_int_eq(st_parse(b, len, "ref3.safetensors", &f, &e), 0);
    const st_tensor *t = st_find(&f, "e");
    ck_assert_uint_eq(t->count, 0);
    ck_assert_uint_eq(t->nbytes, 0);
    ck_assert_int_eq(t->ndim, 2);
    ck_assert_uint_eq(t->shape[1], 3);
    double v;
    ck_assert_int_eq(st_get_f64(t, 0, &v), SC_EXIT_REJECTED);
    uint64_t s03[2] = {0, 3}, s1[1] = {1};
    st_wtensor ws[2] = {{"x", ST_F32, 1, s1, ref3_data}, {"e", ST_F32, 2, s03, NULL}};
    unsigned char *img;
    size_t ilen;
    ck_assert_int_eq(st_build(ws, 2, NULL, 0, "w", &img, &ilen, &e), 0);
    ck_assert_uint_eq(ilen, len);
    ck_assert(memcmp(img, b, len) == 0);
    free(img);
    st_free(&f);
    free(b);
}
END_TEST

/* Valid but not canonical: data order differs from name order, whitespace inside the JSON,
 * an unaligned data buffer, every accepted dtype, an empty metadata object. */
START_TEST(test_valid_noncanonical)
{
    const char *hdr =
        "{ \"z\" : {\"shape\": [1], \"data_offsets\": [0, 8], \"dtype\": \"F64\"},\n"
        "  \"b\": {\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[8,10]},"
        "  \"u\": {\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[10,11]},"
        "  \"i\": {\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[11,12]},"
        "  \"h\": {\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[12,14]},"
        "  \"f\": {\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[14,16]},"
        "  \"g\": {\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[16,18]},"
        "  \"j\": {\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[18,22]},"
        "  \"k\": {\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[22,30]},"
        "  \"a\": {\"dtype\":\"F32\",\"shape\":[1,1,1],\"data_offsets\":[30,34]},"
        "  \"\\u00e9t\\u00e9\": {\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[34,34]},"
        "  \"__metadata__\": {} }";
    unsigned char data[34] = {0};
    double z = -0.0078125;
    memcpy(data, &z, 8); /* the test host is little-endian (x86-64/aarch64) */
    float a = 3.5f;
    memcpy(data + 30, &a, 4);
    size_t len;
    unsigned char *b = mk(hdr, data, sizeof data, &len);
    ck_assert_uint_ne(strlen(hdr) % 8, 0); /* the data buffer is not 8-aligned */
    st_file f;
    sc_error e;
    sc_error_clear(&e);
    ck_assert_msg(st_parse(b, len, "nc.safetensors", &f, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(f.n_tensors, 11);
    ck_assert_int_eq(f.has_metadata, 1);
    ck_assert_uint_eq(f.n_meta, 0);
    ck_assert_ptr_null(st_meta_get(&f, "format"));
    for (size_t i = 1; i < f.n_tensors; i++)
        ck_assert_int_lt(strcmp(f.tensors[i - 1].name, f.tensors[i].name), 0);
    double v;
    ck_assert_int_eq(st_get_f64(st_find(&f, "z"), 0, &v), 0);
    ck_assert(v == z);
    ck_assert_int_eq(st_get_f64(st_find(&f, "a"), 0, &v), 0);
    ck_assert(v == 3.5);
    ck_assert_int_eq(st_find(&f, "a")->ndim, 3);
    ck_assert_int_eq(st_get_f64(st_find(&f, "j"), 0, &v), SC_EXIT_REJECTED);
    ck_assert_ptr_nonnull(st_find(&f, "\xc3\xa9t\xc3\xa9"));
    const char *names[] = {"b", "u", "i", "h", "f", "g", "j", "k", "a", "z"};
    const st_dtype types[] = {ST_BOOL, ST_U8, ST_I8, ST_I16, ST_F16, ST_BF16, ST_I32, ST_I64,
                              ST_F32, ST_F64};
    for (int i = 0; i < 10; i++) {
        const st_tensor *t = st_find(&f, names[i]);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->dtype, types[i]);
        ck_assert_int_eq(st_dtype_is_model(t->dtype), types[i] == ST_F32 || types[i] == ST_F64);
        ck_assert_uint_eq(t->nbytes, st_dtype_size(t->dtype) * (types[i] == ST_BOOL ? 2 : 1));
    }
    st_free(&f);
    free(b);

    /* an empty file: no tensors, no data */
    b = mk("{}", NULL, 0, &len);
    ck_assert_int_eq(st_parse(b, len, "empty.safetensors", &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 0);
    ck_assert_ptr_null(st_find(&f, "a"));
    st_free(&f);
    free(b);
}
END_TEST

/* ---- malformed inputs --------------------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *hdr;   /* NULL: raw bytes below */
    size_t dlen;       /* data bytes after the header */
    const char *needle; /* must occur in the message */
} bad_case;

#define T(name, dt, sh, b, e)                                                                  \
    "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" sh ",\"data_offsets\":[" #b "," #e "]}"

static const bad_case bad[] = {
    {"not JSON", "{abc}", 0, "offset 12: expected a valid JSON header"},
    {"JSON array", "[" T("a", "F32", "[1]", 0, 4) "]", 4, "offset 8: expected '{'"},
    {"duplicate key", "{" T("a", "F32", "[1]", 0, 4) "," T("a", "F32", "[1]", 4, 8) "}", 8,
     "each key at most once"},
    {"unknown dtype", "{" T("a", "F99", "[1]", 0, 4) "}", 4,
     "field a.dtype: expected one of BOOL U8 I8 I16 I32 I64 F16 BF16 F32 F64, got the string "
     "\"F99\""},
    {"unsupported official dtype", "{" T("a", "U16", "[2]", 0, 4) "}", 4, "does not support"},
    {"dtype not a string", "{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
     "field a.dtype"},
    {"missing data_offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4,
     "field a.data_offsets: expected [begin, end], got nothing (missing)"},
    {"missing shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4,
     "field a.shape"},
    {"missing dtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "field a.dtype"},
    {"extra key in a tensor entry",
     "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}}", 4,
     "field a: expected only the keys dtype, shape, data_offsets, got an extra key \"offsets\""},
    {"tensor entry not an object", "{\"a\":[1,2]}", 0, "field a: expected a tensor object"},
    {"negative shape", "{" T("a", "F32", "[-1]", 0, 4) "}", 4,
     "field a.shape: expected non-negative integers, got -1 at index 0"},
    {"shape not integers", "{" T("a", "F32", "[1.0]", 0, 4) "}", 4, "field a.shape"},
    {"shape not an array", "{" T("a", "F32", "4", 0, 4) "}", 4, "field a.shape"},
    {"too many dimensions", "{" T("a", "F32", "[1,1,1,1,1,1,1,1,1]", 0, 4) "}", 4,
     "at most 8 dimensions"},
    {"shape product overflow", "{" T("a", "F32", "[4294967296,4294967296]", 0, 4) "}", 4,
     "field a.shape: expected a product of dimensions below 2^63"},
    {"byte size overflow", "{" T("a", "F64", "[2305843009213693952]", 0, 4) "}", 4,
     "field a.shape: expected at most"},
    {"size mismatch",
     "{" T("layers.0.attn.q.weight", "F32", "[4,4]", 0, 60) "}", 60,
     "field layers.0.attn.q.weight.data_offsets: expected end - begin = 64 (shape [4,4] x F32), "
     "got 60"},
    {"hole between tensors", "{" T("a", "F32", "[1]", 0, 4) "," T("b", "F32", "[1]", 8, 12) "}",
     12, "field b.data_offsets: expected begin = 4 (where a ends), got 8 (a hole of 4 bytes)"},
    {"first tensor not at 0", "{" T("a", "F32", "[1]", 4, 8) "}", 8,
     "field a.data_offsets: expected begin = 0 (the first tensor starts the data buffer), got 4"},
    {"overlap", "{" T("a", "F32", "[2]", 0, 8) "," T("b", "F32", "[1]", 4, 8) "}", 8,
     "field b.data_offsets: expected begin = 8 (where a ends), got 4 (overlaps a)"},
    {"same offsets twice", "{" T("a", "F32", "[1]", 0, 4) "," T("b", "F32", "[1]", 0, 4) "}", 4,
     "(overlaps a)"},
    {"empty tensor inside another", "{" T("a", "F32", "[2]", 0, 8) "," T("e", "F32", "[0]", 4, 4)
     "}", 8, "field e.data_offsets: expected begin = 8"},
    {"trailing bytes", "{" T("a", "F32", "[1]", 0, 4) "}", 8, "4 trailing bytes"},
    {"no tensors, trailing bytes", "{}", 3, "offset 10: expected end of file"},
    {"offsets beyond the buffer", "{" T("a", "F32", "[1]", 4, 8) "}", 4,
     "field a.data_offsets: expected end <= 4 (the data buffer length), got 8"},
    {"begin > end", "{" T("a", "F32", "[0]", 8, 4) "}", 8, "expected begin <= end"},
    {"offsets not integers", "{" T("a", "F32", "[1]", 0.0, 4.0) "}", 4,
     "field a.data_offsets: expected a non-negative integer begin, got the number 0"},
    {"offsets strings", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",\"4\"]}}",
     4, "field a.data_offsets"},
    {"offsets of 3", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,4]}}", 4,
     "field a.data_offsets: expected [begin, end], got an array of 3"},
    {"negative offset", "{" T("a", "F32", "[0]", -4, -4) "}", 0, "field a.data_offsets"},
    {"metadata value not a string", "{\"__metadata__\":{\"n_layers\":2}}", 0,
     "field __metadata__.n_layers: expected a string value, got 2"},
    {"metadata not an object", "{\"__metadata__\":[\"a\"]}", 0,
     "field __metadata__: expected an object"},
    {"non-space padding (newline)", "{}\n", 0, "offset 10: expected '}'"},
    {"non-space padding (tab)", "{}  \t  ", 0, "got '\\x09'"},
    {"non-space padding (NUL)", "{}", 0, NULL}, /* patched below: NUL padding */
    {"leading space", " {}", 0, "offset 8: expected '{'"},
    {"empty header", "", 0, "an empty header"},
    {"trailing JSON", "{} {}", 0, "nothing but spaces"},
    {"invalid UTF-8 key", "{\"\xff\":{}}", 0, "UTF-8"},
    {"NUL in a name", "{\"a\\u0000b\":{}}", 0, "NUL byte"},
    {"huge integer", "{" T("a", "F32", "[1]", 0, 99999999999999999999) "}", 4,
     "64-bit range"},
    {"truncated JSON", "{\"a\":{\"dtype\":\"F32\"", 0, "offset"},
};

START_TEST(test_malformed)
{
    const bad_case *c = &bad[_i];
    size_t len;
    unsigned char *b = mk(c->hdr, NULL, c->dlen, &len);
    if (!strcmp(c->what, "non-space padding (NUL)")) { /* "{}" + "\0" as header */
        free(b);
        const unsigned char raw[11] = {3, 0, 0, 0, 0, 0, 0, 0, '{', '}', 0};
        len = sizeof raw;
        b = malloc(len);
        memcpy(b, raw, len);
    }
    st_file f;
    sc_error e;
    sc_error_clear(&e);
    memset(&f, 0x5a, sizeof f);
    int rc = st_parse(b, len, "bad.safetensors", &f, &e);
    ck_assert_msg(rc == SC_EXIT_REJECTED, "%s: rc %d", c->what, rc);
    ck_assert_int_eq(e.code, SC_EXIT_REJECTED);
    assert_one_line(&e, "bad.safetensors");
    if (c->needle)
        ck_assert_msg(strstr(e.msg, c->needle) != NULL, "%s: message '%s' lacks '%s'", c->what,
                      e.msg, c->needle);
    ck_assert_ptr_null(f.tensors);
    ck_assert_uint_eq(f.n_tensors, 0);
    st_free(&f);
    free(b);
}
END_TEST

START_TEST(test_exact_size_message)
{
    size_t len;
    unsigned char *b = mk("{" T("layers.0.attn.q.weight", "F32", "[4,4]", 0, 60) "}", NULL, 60,
                          &len);
    st_file f;
    sc_error e;
    ck_assert_int_eq(st_parse(b, len, "model.safetensors", &f, &e), SC_EXIT_REJECTED);
    ck_assert_str_eq(e.msg, "model.safetensors: field layers.0.attn.q.weight.data_offsets: "
                            "expected end - begin = 64 (shape [4,4] x F32), got 60");
    free(b);
}
END_TEST

START_TEST(test_header_length)
{
    st_file f;
    sc_error e;
    /* shorter than 8 bytes */
    unsigned char b[32] = {0};
    ck_assert_int_eq(st_parse(b, 5, "s.safetensors", &f, &e), SC_EXIT_REJECTED);
    ck_assert_str_eq(e.msg, "s.safetensors: offset 0: expected an 8-byte little-endian header "
                            "length, got 5 bytes");
    /* header length beyond the file */
    b[0] = 100;
    memcpy(b + 8, "{}", 2);
    ck_assert_int_eq(st_parse(b, 20, "s.safetensors", &f, &e), SC_EXIT_REJECTED);
    ck_assert_str_eq(e.msg, "s.safetensors: offset 0: expected a header length <= 12 (the file "
                            "has 20 bytes), got 100");
    /* header above 100 MB (the file need not be that long to be rejected) */
    uint64_t n = 100000001;
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(n >> (8 * i));
    ck_assert_int_eq(st_parse(b, 32, "s.safetensors", &f, &e), SC_EXIT_REJECTED);
    ck_assert_str_eq(e.msg, "s.safetensors: offset 0: expected a header length <= 100000000 "
                            "(100 MB), got 100000001");
    /* 2^64 - 1 */
    memset(b, 0xff, 8);
    ck_assert_int_eq(st_parse(b, 32, "s.safetensors", &f, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "got 18446744073709551615") != NULL);
    /* a hostile file name cannot break the line */
    ck_assert_int_eq(st_parse(b, 3, "a\nb", &f, &e), SC_EXIT_REJECTED);
    ck_assert(strncmp(e.msg, "a\\x0ab: ", 8) == 0);
    ck_assert_ptr_null(strchr(e.msg, '\n'));
}
END_TEST

/* Every proper prefix of a valid file and every one-byte change is either accepted consistently
 * or rejected with one line. */
START_TEST(test_prefixes_and_mutations)
{
    size_t len;
    unsigned char *b = mk(ref2_hdr, ref2_data, sizeof ref2_data, &len);
    st_file f;
    sc_error e;
    for (size_t k = 0; k < len; k++) {
        unsigned char *p = malloc(k ? k : 1);
        memcpy(p, b, k);
        ck_assert_int_eq(st_parse(p, k, "p.safetensors", &f, &e), SC_EXIT_REJECTED);
        assert_one_line(&e, "p.safetensors");
        free(p);
    }
    const unsigned char vals[] = {0, ' ', '"', '{', '}', ',', '9', '-', 0x80, 0xff};
    unsigned char *p = malloc(len);
    for (size_t k = 0; k < len; k++)
        for (size_t v = 0; v < sizeof vals; v++) {
            memcpy(p, b, len);
            p[k] = vals[v];
            sc_error_clear(&e);
            int rc = st_parse(p, len, "m.safetensors", &f, &e);
            if (rc)
                assert_one_line(&e, "m.safetensors");
            else
                ck_assert_uint_eq(f.n_tensors, 2);
            st_free(&f);
        }
    free(p);
    free(b);
}
END_TEST

/* ---- writer ------------------------------------------------------------------------------- */

START_TEST(test_roundtrip_file)
{
    setup_dir();
    char path[400];
    snprintf(path, sizeof path, "%s/model.safetensors", tmpdir);
    /* a small canonical-model-like set of tensors, in arbitrary order */
    float embed[3 * 4], pos[5 * 4], lnw[4];
    double unemb[2 * 4];
    for (int i = 0; i < 12; i++)
        embed[i] = (float)i * 0.25f - 1.0f;
    for (int i = 0; i < 20; i++)
        pos[i] = ldexpf(1.0f, -i);
    for (int i = 0; i < 4; i++)
        lnw[i] = 1.0f;
    for (int i = 0; i < 8; i++)
        unemb[i] = -1.0 / (i + 1);
    uint64_t s_embed[2] = {3, 4}, s_pos[2] = {5, 4}, s_ln[1] = {4}, s_un[2] = {2, 4},
             s_empty[1] = {0};
    st_wtensor ws[] = {
        {"unembed.weight", ST_F64, 2, s_un, unemb}, {"pos.weight", ST_F32, 2, s_pos, pos},
        {"embed.weight", ST_F32, 2, s_embed, embed}, {"ln_f.weight", ST_F32, 1, s_ln, lnw},
        {"ln_f.bias", ST_F32, 1, s_empty, NULL},
    };
    st_meta meta[] = {{"n_layers", "0"}, {"format", "shortcut-transformer/1"},
                      {"d_model", "4"}, {"norm", "layernorm"}};
    sc_error e;
    sc_error_clear(&e);
    ck_assert_msg(st_save(path, ws, 5, meta, 4, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(count_entries(tmpdir), 1); /* no temp file left */
    st_file f;
    ck_assert_msg(st_load(path, &f, &e) == 0, "%s", e.msg);
    ck_assert_ptr_nonnull(f.image);
    ck_assert_uint_eq(f.header_len % 8, 0);
    ck_assert_uint_eq(((uintptr_t)f.buffer) % 8, 0);
    ck_assert_uint_eq(f.n_tensors, 5);
    ck_assert_uint_eq(f.n_meta, 4);
    ck_assert_str_eq(st_meta_get(&f, "format"), "shortcut-transformer/1");
    ck_assert_str_eq(st_meta_get(&f, "norm"), "layernorm");
    ck_assert_str_eq(st_meta_get(&f, "d_model"), "4");
    ck_assert_str_eq(st_meta_get(&f, "n_layers"), "0");
    /* data order = name order, tiled from 0 */
    uint64_t at = 0;
    for (size_t i = 0; i < f.n_tensors; i++) {
        ck_assert_uint_eq(f.tensors[i].begin, at);
        at = f.tensors[i].end;
    }
    ck_assert_uint_eq(at, f.buffer_len);
    for (size_t i = 0; i < 5; i++) {
        const st_tensor *t = st_find(&f, ws[i].name);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->dtype, ws[i].dtype);
        ck_assert_int_eq(t->ndim, ws[i].ndim);
        for (int d = 0; d < t->ndim; d++)
            ck_assert_uint_eq(t->shape[d], ws[i].shape[d]);
        if (t->nbytes)
            ck_assert(memcmp(t->data, ws[i].data, t->nbytes) == 0);
    }
    double v;
    ck_assert_int_eq(st_get_f64(st_find(&f, "pos.weight"), 19, &v), 0);
    ck_assert(v == ldexp(1.0, -19));
    ck_assert_int_eq(st_get_f64(st_find(&f, "unembed.weight"), 2, &v), 0);
    ck_assert(v == -1.0 / 3);
    /* the header, exactly */
    const char *want =
        "{\"__metadata__\":{\"d_model\":\"4\",\"format\":\"shortcut-transformer/1\","
        "\"n_layers\":\"0\",\"norm\":\"layernorm\"},"
        "\"embed.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
        "\"ln_f.bias\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[48,48]},"
        "\"ln_f.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[48,64]},"
        "\"pos.weight\":{\"dtype\":\"F32\",\"shape\":[5,4],\"data_offsets\":[64,144]},"
        "\"unembed.weight\":{\"dtype\":\"F64\",\"shape\":[2,4],\"data_offsets\":[144,208]}}";
    size_t wl = strlen(want);
    ck_assert_uint_ge(f.header_len, wl);
    ck_assert(memcmp((const unsigned char *)f.image + 8, want, wl) == 0);
    for (size_t i = wl; i < f.header_len; i++)
        ck_assert_int_eq(((const unsigned char *)f.image)[8 + i], ' ');
    /* canonical is a fixed point: rebuild from what was read */
    st_wtensor back[5];
    for (size_t i = 0; i < 5; i++)
        back[i] = (st_wtensor){f.tensors[i].name, f.tensors[i].dtype, f.tensors[i].ndim,
                               f.tensors[i].shape, f.tensors[i].data};
    unsigned char *img;
    size_t ilen;
    ck_assert_int_eq(st_build(back, 5, f.meta, f.n_meta, "again", &img, &ilen, &e), 0);
    ck_assert_uint_eq(ilen, 8 + f.header_len + f.buffer_len);
    ck_assert(memcmp(img, f.image, ilen) == 0);
    free(img);
    st_free(&f);
    /* overwrite atomically with a different content; mode follows umask */
    ck_assert_int_eq(st_save(path, ws + 3, 1, NULL, 0, &e), 0);
    ck_assert_int_eq(st_load(path, &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 1);
    ck_assert_int_eq(f.has_metadata, 0);
    st_free(&f);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    mode_t um = umask(0);
    umask(um);
    ck_assert_uint_eq(st.st_mode & 0777, 0666 & ~um);
    ck_assert_int_eq(count_entries(tmpdir), 1);
    rm_dir(tmpdir);
}
END_TEST

START_TEST(test_writer_rejects)
{
    setup_dir();
    char path[400];
    snprintf(path, sizeof path, "%s/w.safetensors", tmpdir);
    float x[2] = {1, 2};
    uint64_t s2[1] = {2}, big[2] = {UINT64_C(1) << 40, UINT64_C(1) << 40};
    sc_error e;
    st_wtensor dup[2] = {{"a", ST_F32, 1, s2, x}, {"a", ST_F32, 1, s2, x}};
    ck_assert_int_eq(st_save(path, dup, 2, NULL, 0, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "a duplicate") != NULL);
    st_wtensor reserved = {"__metadata__", ST_F32, 1, s2, x};
    ck_assert_int_eq(st_save(path, &reserved, 1, NULL, 0, &e), SC_EXIT_REJECTED);
    st_wtensor bad_utf8 = {"\xff", ST_F32, 1, s2, x};
    ck_assert_int_eq(st_save(path, &bad_utf8, 1, NULL, 0, &e), SC_EXIT_REJECTED);
    st_wtensor nodata = {"a", ST_F32, 1, s2, NULL};
    ck_assert_int_eq(st_save(path, &nodata, 1, NULL, 0, &e), SC_EXIT_REJECTED);
    st_wtensor huge = {"a", ST_F32, 2, big, x};
    ck_assert_int_eq(st_save(path, &huge, 1, NULL, 0, &e), SC_EXIT_LIMIT);
    st_wtensor baddt = {"a", (st_dtype)42, 1, s2, x};
    ck_assert_int_eq(st_save(path, &baddt, 1, NULL, 0, &e), SC_EXIT_REJECTED);
    st_meta dm[2] = {{"k", "1"}, {"k", "2"}};
    ck_assert_int_eq(st_save(path, dup, 1, dm, 2, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "metadata k") != NULL);
    ck_assert_int_eq(count_entries(tmpdir), 0); /* nothing written */
    /* a directory that does not exist */
    char nope[500];
    snprintf(nope, sizeof nope, "%s/no/such/dir/w.safetensors", tmpdir);
    ck_assert_int_eq(st_save(nope, dup, 1, NULL, 0, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "cannot create a temporary file") != NULL);
    rm_dir(tmpdir);
}
END_TEST

START_TEST(test_load_errors)
{
    setup_dir();
    st_file f;
    sc_error e;
    char path[400];
    snprintf(path, sizeof path, "%s/missing.safetensors", tmpdir);
    ck_assert_int_eq(st_load(path, &f, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "cannot open") != NULL && strncmp(e.msg, path, strlen(path)) == 0);
    ck_assert_int_eq(st_load(tmpdir, &f, &e), SC_EXIT_REJECTED);
    ck_assert(strstr(e.msg, "got a directory") != NULL);
    /* a malformed file on disk: the path names the file */
    snprintf(path, sizeof path, "%s/trail.safetensors", tmpdir);
    size_t len;
    unsigned char *b = mk(ref1_hdr, ref1_data, sizeof ref1_data, &len);
    FILE *fp = fopen(path, "wb");
    fwrite(b, 1, len, fp);
    fputc(0, fp); /* one trailing byte */
    fclose(fp);
    ck_assert_int_eq(st_load(path, &f, &e), SC_EXIT_REJECTED);
    assert_one_line(&e, path);
    ck_assert(strstr(e.msg, "offset 72: expected end of file after the last tensor") != NULL);
    ck_assert_ptr_null(f.image);
    st_free(&f);
    /* and the good file loads, also through a pipe */
    fp = fopen(path, "wb");
    fwrite(b, 1, len, fp);
    fclose(fp);
    ck_assert_int_eq(st_load(path, &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 1);
    st_free(&f);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s/fifo", tmpdir);
    ck_assert_int_eq(mkfifo(cmd, 0600), 0);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *w = fopen(cmd, "wb");
        fwrite(b, 1, len, w);
        fclose(w);
        _exit(0);
    }
    ck_assert_int_eq(st_load(cmd, &f, &e), 0);
    ck_assert_uint_eq(f.n_tensors, 1);
    st_free(&f);
    free(b);
    rm_dir(tmpdir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("safetensors");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, test_ref1);
    tcase_add_test(tc, test_ref2_metadata_f64);
    tcase_add_test(tc, test_ref3_empty_tensor);
    tcase_add_test(tc, test_valid_noncanonical);
    tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_exact_size_message);
    tcase_add_test(tc, test_header_length);
    tcase_add_test(tc, test_prefixes_and_mutations);
    suite_add_tcase(s, tc);
    TCase *tw = tcase_create("writer");
    tcase_add_test(tw, test_roundtrip_file);
    tcase_add_test(tw, test_writer_rejects);
    tcase_add_test(tw, test_load_errors);
    suite_add_tcase(s, tw);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
