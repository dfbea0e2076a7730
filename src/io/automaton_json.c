/* Strict automaton JSON reader/writer and Graphviz writer (see automaton_json.h). */
#include "automaton_json.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/* Like sc_fail, but the message is forced onto one printable line: control bytes (a newline in
 * a file name, say) become '?'. */
static int fail(sc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(sc_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
    return code;
}

/* Length of the valid UTF-8 sequence at s[0..len-1] (1..4), or 0 if invalid (overlong,
 * surrogate, > U+10FFFF, truncated). Same rules as jansson's decoder. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else
        return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return n;
}

/* NULL if s is an acceptable name, else what is wrong with it. */
static const char *name_defect(const char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return "a non-empty name";
    if (len > SC_JSON_MAX_NAME)
        return "a name of at most 255 bytes";
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x20 || u[i] == 0x7f)
            return "a name without control characters";
        size_t m = utf8_seq(u + i, len - i);
        if (!m)
            return "a UTF-8 name";
        i += m;
    }
    return NULL;
}

/* s shortened to at most max bytes (on a character boundary, "..." appended when cut) for
 * quoting in a message. */
static const char *shorten(const char *s, char *buf, size_t bufsize, size_t max)
{
    size_t len = strlen(s);
    if (len <= max || bufsize < max + 4)
        return s;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        cut--;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "...", 4);
    return buf;
}

/* "got ..." text for a JSON value. */
static const char *describe(const json_t *v, char *buf, size_t size)
{
    char tmp[80];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        snprintf(buf, size, "an array of %zu", json_array_size(v));
        return buf;
    case JSON_STRING:
        snprintf(buf, size, "the string \"%s\"", shorten(json_string_value(v), tmp, sizeof tmp, 40));
        return buf;
    case JSON_INTEGER:
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    case JSON_REAL:
        snprintf(buf, size, "the non-integer number %.17g", json_real_value(v));
        return buf;
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

static void free_names(char **names, size_t count)
{
    if (!names)
        return;
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* ---------------------------------------------------------------- reader */

/* "states"/"symbols": a count 1..65535 or an array of distinct names. On success *count is set
 * and *names is NULL (count form) or a malloc'd array of *count strings. */
static int read_count_or_names(const char *fname, const char *field, const json_t *v,
                               uint32_t max, uint32_t *count, char ***names, sc_error *err)
{
    char got[128];
    *names = NULL;
    if (json_is_integer(v)) {
        json_int_t c = json_integer_value(v);
        if (c < 1 || c > (json_int_t)max)
            return fail(err, SC_EXIT_REJECTED,
                        "%s: field %s: expected a count 1..%u or an array of names, got %s", fname,
                        field, max, describe(v, got, sizeof got));
        *count = (uint32_t)c;
        return 0;
    }
    if (!json_is_array(v))
        return fail(err, SC_EXIT_REJECTED,
                    "%s: field %s: expected a count 1..%u or an array of names, got %s", fname,
                    field, max, describe(v, got, sizeof got));
    size_t m = json_array_size(v);
    if (m < 1 || m > max)
        return fail(err, SC_EXIT_REJECTED, "%s: field %s: expected 1..%u names, got %zu", fname,
                    field, max, m);
    json_t *seen = json_object(); /* name -> index, to find duplicates in O(m) */
    char **out = calloc(m, sizeof *out);
    if (!seen || !out) {
        json_decref(seen);
        free(out);
        return fail(err, SC_EXIT_LIMIT, "%s: field %s: out of memory", fname, field);
    }
    int rc = 0;
    for (size_t i = 0; i < m && !rc; i++) {
        const json_t *e = json_array_get(v, i);
        const char *defect;
        char tmp[80];
        if (!json_is_string(e)) {
            rc = fail(err, SC_EXIT_REJECTED, "%s: field %s[%zu]: expected a name (string), got %s",
                      fname, field, i, describe(e, got, sizeof got));
            break;
        }
        const char *s = json_string_value(e);
        if ((defect = name_defect(s))) {
            rc = fail(err, SC_EXIT_REJECTED, "%s: field %s[%zu]: expected %s, got %s", fname,
                      field, i, defect, describe(e, got, sizeof got));
            break;
        }
        const json_t *prev = json_object_get(seen, s);
        if (prev) {
            rc = fail(err, SC_EXIT_REJECTED,
                      "%s: field %s[%zu]: expected distinct names, got \"%s\" again (first at "
                      "%s[%" JSON_INTEGER_FORMAT "])",
                      fname, field, i, shorten(s, tmp, sizeof tmp, 40), field,
                      json_integer_value(prev));
            break;
        }
        if (json_object_set_new(seen, s, json_integer((json_int_t)i)) || !(out[i] = strdup(s)))
            rc = fail(err, SC_EXIT_LIMIT, "%s: field %s: out of memory", fname, field);
    }
    json_decref(seen);
    if (rc) {
        free_names(out, m);
        return rc;
    }
    *count = (uint32_t)m;
    *names = out;
    return 0;
}

static int syntax_error(const char *fname, const json_error_t *je, sc_error *err)
{
    const char *what;
    switch (json_error_code(je)) {
    case json_error_duplicate_key:
        what = "each key at most once";
        break;
    case json_error_premature_end_of_input:
        what = "more JSON (the text is truncated)";
        break;
    case json_error_end_of_input_expected:
        what = "nothing after the top-level value";
        break;
    case json_error_invalid_utf8:
        what = "UTF-8 text";
        break;
    case json_error_null_character:
        what = "strings without \\u0000";
        break;
    case json_error_numeric_overflow:
        what = "numbers within 64-bit range";
        break;
    case json_error_stack_overflow:
        what = "nesting depth at most 2048";
        break;
    case json_error_out_of_memory:
        return fail(err, SC_EXIT_LIMIT, "%s: out of memory while parsing JSON", fname);
    default:
        what = "valid JSON";
        break;
    }
    /* jansson's text may quote raw input bytes: keep the message printable ASCII. */
    char text[JSON_ERROR_TEXT_LENGTH * 4];
    size_t o = 0;
    for (size_t i = 0; je->text[i] && i < JSON_ERROR_TEXT_LENGTH - 1 && o + 5 < sizeof text; i++) {
        unsigned char c = (unsigned char)je->text[i];
        if (c < 0x20 || c >= 0x7f)
            o += (size_t)snprintf(text + o, sizeof text - o, "\\x%02x", c);
        else
            text[o++] = (char)c;
    }
    text[o] = '\0';
    if (je->line >= 1)
        return fail(err, SC_EXIT_REJECTED, "%s: line %d, column %d (byte %d): expected %s: %s",
                    fname, je->line, je->column, je->position, what, text);
    return fail(err, SC_EXIT_REJECTED, "%s: expected %s: %s", fname, what, text);
}

static const char *const known_keys[] = {"name", "states", "symbols", "start", "delta"};

/* The default automaton name: the base name of the file. */
static const char *default_name(const char *fname)
{
    const char *b = strrchr(fname, '/');
    b = b ? b + 1 : fname;
    return *b ? b : "automaton";
}

sc_automaton *sc_automaton_from_json(const char *text, size_t len, const char *fname,
                                     sc_error *err)
{
    char got[128];
    if (!fname)
        fname = "<json>";
    if (len > SC_JSON_MAX_BYTES) {
        fail(err, SC_EXIT_LIMIT, "%s: %zu bytes, expected at most %zu (256 MiB)", fname, len,
             SC_JSON_MAX_BYTES);
        return NULL;
    }
    size_t i;
    for (i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
            break;
    if (i == len) {
        fail(err, SC_EXIT_REJECTED, "%s: %s: expected a JSON object", fname,
             len ? "only whitespace" : "empty file");
        return NULL;
    }

    json_error_t je;
    /* Default: trailing data is an error (no JSON_DISABLE_EOF_CHECK), "\u0000" is an error
     * (no JSON_ALLOW_NUL), UTF-8 is validated. DECODE_ANY so that a top-level scalar gets our
     * "expected a JSON object" message. */
    json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) {
        syntax_error(fname, &je, err);
        return NULL;
    }

    sc_automaton *a = NULL;
    char **state_names = NULL, **symbol_names = NULL;
    uint32_t n = 0, k = 0, start = 0;
    const char *name = default_name(fname);

    if (!json_is_object(root)) {
        fail(err, SC_EXIT_REJECTED, "%s: top level: expected a JSON object, got %s", fname,
             describe(root, got, sizeof got));
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        size_t j;
        for (j = 0; j < sizeof known_keys / sizeof *known_keys; j++)
            if (!strcmp(key, known_keys[j]))
                break;
        if (j == sizeof known_keys / sizeof *known_keys) {
            char tmp[80];
            fail(err, SC_EXIT_REJECTED,
                 "%s: field \"%s\": unknown key, expected only name, states, symbols, start, "
                 "delta",
                 fname, shorten(key, tmp, sizeof tmp, 40));
            goto out;
        }
    }
    static const char *const required[][2] = {
        {"states", "a count 1..65535 or an array of state names"},
        {"symbols", "a count 1..65535 or an array of symbol names"},
        {"delta", "an array of rows, delta[q][s] = next state"}};
    for (size_t j = 0; j < 3; j++)
        if (!json_object_get(root, required[j][0])) {
            fail(err, SC_EXIT_REJECTED, "%s: field %s: missing, expected %s (required)", fname,
                 required[j][0], required[j][1]);
            goto out;
        }

    if (read_count_or_names(fname, "states", json_object_get(root, "states"), SC_MAX_STATES, &n,
                            &state_names, err) ||
        read_count_or_names(fname, "symbols", json_object_get(root, "symbols"), SC_MAX_SYMBOLS,
                            &k, &symbol_names, err))
        goto out;

    json_t *js = json_object_get(root, "start");
    if (js) {
        if (!json_is_integer(js) || json_integer_value(js) < 0 ||
            json_integer_value(js) >= (json_int_t)n) {
            fail(err, SC_EXIT_REJECTED, "%s: field start: expected a state 0..%u, got %s", fname,
                 n - 1, describe(js, got, sizeof got));
            goto out;
        }
        start = (uint32_t)json_integer_value(js);
    }
    json_t *jn = json_object_get(root, "name");
    if (jn) {
        const char *defect = json_is_string(jn) ? name_defect(json_string_value(jn)) : "a name";
        if (defect) {
            fail(err, SC_EXIT_REJECTED, "%s: field name: expected %s (string), got %s", fname,
                 defect, describe(jn, got, sizeof got));
            goto out;
        }
        name = json_string_value(jn);
    }

    json_t *jd = json_object_get(root, "delta");
    if (!json_is_array(jd)) {
        fail(err, SC_EXIT_REJECTED, "%s: field delta: expected an array of %u rows, got %s",
             fname, n, describe(jd, got, sizeof got));
        goto out;
    }
    if (json_array_size(jd) != n) {
        fail(err, SC_EXIT_REJECTED,
             "%s: field delta: expected %u rows (one per state), got %zu", fname, n,
             json_array_size(jd));
        goto out;
    }
    /* Check the shape before allocating n*k entries. */
    for (uint32_t q = 0; q < n; q++) {
        json_t *row = json_array_get(jd, q);
        if (!json_is_array(row) || json_array_size(row) != k) {
            fail(err, SC_EXIT_REJECTED,
                 "%s: field delta[%u]: expected a row of %u states (one per symbol), got %s",
                 fname, q, k, describe(row, got, sizeof got));
            goto out;
        }
    }
    if (!(a = sc_automaton_new(name, n, k, start, err)))
        goto out;
    for (uint32_t q = 0; q < n; q++) {
        json_t *row = json_array_get(jd, q);
        for (uint32_t s = 0; s < k; s++) {
            json_t *e = json_array_get(row, s);
            if (!json_is_integer(e) || json_integer_value(e) < 0 ||
                json_integer_value(e) >= (json_int_t)n) {
                fail(err, SC_EXIT_REJECTED, "%s: field delta[%u][%u]: expected a state 0..%u, got %s",
                     fname, q, s, n - 1, describe(e, got, sizeof got));
                sc_automaton_free(a);
                a = NULL;
                goto out;
            }
            sc_set_delta(a, q, s, (uint32_t)json_integer_value(e));
        }
    }
    a->state_names = state_names;
    a->symbol_names = symbol_names;
    state_names = symbol_names = NULL;
out:
    free_names(state_names, n);
    free_names(symbol_names, k);
    json_decref(root);
    return a;
}

sc_automaton *sc_automaton_load_json(const char *path, sc_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, SC_EXIT_REJECTED, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    memset(&st, 0, sizeof st);
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            close(fd);
            fail(err, SC_EXIT_REJECTED, "%s: is a directory, expected a JSON file", path);
            return NULL;
        }
        if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > SC_JSON_MAX_BYTES) {
            close(fd);
            fail(err, SC_EXIT_LIMIT, "%s: %llu bytes, expected at most %zu (256 MiB)", path,
                 (unsigned long long)st.st_size, SC_JSON_MAX_BYTES);
            return NULL;
        }
    }
    /* Read to EOF (also pipes and /dev/stdin), never more than the limit + 1 byte. */
    size_t cap = (S_ISREG(st.st_mode) && st.st_size > 0) ? (size_t)st.st_size + 1 : 65536;
    size_t len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            fail(err, SC_EXIT_LIMIT, "%s: out of memory reading the file", path);
            return NULL;
        }
        if (len == cap) {
            if (len > SC_JSON_MAX_BYTES)
                break;
            size_t ncap = cap * 2 > SC_JSON_MAX_BYTES + 1 ? SC_JSON_MAX_BYTES + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            fail(err, SC_EXIT_REJECTED, "%s: cannot read: %s", path, strerror(e));
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (len > SC_JSON_MAX_BYTES) {
        free(buf);
        fail(err, SC_EXIT_LIMIT, "%s: more than %zu bytes, expected at most 256 MiB", path,
             SC_JSON_MAX_BYTES);
        return NULL;
    }
    sc_automaton *a = sc_automaton_from_json(buf, len, path, err);
    free(buf);
    return a;
}

/* ---------------------------------------------------------------- JSON writer */

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* 1 iff the reader would accept these names (each valid, pairwise distinct). */
static int names_ok(char *const *names, uint32_t count)
{
    if (!names)
        return 0;
    json_t *seen = json_object();
    if (!seen)
        return 0;
    int ok = 1;
    for (uint32_t i = 0; i < count && ok; i++)
        ok = names[i] && !name_defect(names[i]) && !json_object_get(seen, names[i]) &&
             !json_object_set_new(seen, names[i], json_true());
    json_decref(seen);
    return ok;
}

static void put_count_or_names(FILE *f, const char *key, char *const *names, uint32_t count)
{
    fprintf(f, "  \"%s\": ", key);
    if (!names_ok(names, count)) {
        fprintf(f, "%u,\n", count);
        return;
    }
    fputc('[', f);
    for (uint32_t i = 0; i < count; i++) {
        if (i)
            fputs(i % 10 ? ", " : ",\n    ", f);
        put_json_string(f, names[i]);
    }
    fputs("],\n", f);
}

static char *close_stream(FILE *f, char **buf)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

char *sc_automaton_to_json(const sc_automaton *a)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    fputs("{\n  \"name\": ", f);
    put_json_string(f, a->name && !name_defect(a->name) ? a->name : "automaton");
    fputs(",\n", f);
    put_count_or_names(f, "states", a->state_names, a->n);
    put_count_or_names(f, "symbols", a->symbol_names, a->k);
    fprintf(f, "  \"start\": %u,\n  \"delta\": [\n", a->start);
    for (uint32_t q = 0; q < a->n; q++) {
        fputs("    [", f);
        for (uint32_t s = 0; s < a->k; s++)
            fprintf(f, s ? ", %u" : "%u", (unsigned)sc_delta(a, q, s));
        fputs(q + 1 < a->n ? "],\n" : "]\n", f);
    }
    fputs("  ]\n}\n", f);
    return close_stream(f, &buf);
}

/* ---------------------------------------------------------------- Graphviz writer */

/* s inside a DOT double-quoted string: escape '"' and '\'; control bytes become spaces. */
static void put_dot_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

#define DOT_MAX_ITEMS 8
#define SC_DOT_BIG 32

/* The label of one edge: the symbols in list (ascending, linked via next[], ending at
 * UINT32_MAX), written into the memstream g. */
static void put_edge_label(FILE *g, const sc_automaton *a, uint32_t first, const uint32_t *next)
{
    uint32_t items = 0, total_items = 0;
    for (uint32_t s = first; s != UINT32_MAX;) {
        /* one item: a single symbol, or (unnamed) a run s..e of 3 or more */
        uint32_t e = s;
        if (!a->symbol_names)
            while (next[e] != UINT32_MAX && next[e] == e + 1)
                e = next[e];
        if (e - s < 2)
            e = s;
        total_items++;
        if (items < DOT_MAX_ITEMS) {
            if (items)
                fputc(',', g);
            if (a->symbol_names)
                fputs(a->symbol_names[s], g);
            else if (e == s)
                fprintf(g, "%u", s);
            else
                fprintf(g, "%u-%u", s, e);
            items++;
        }
        s = next[e];
    }
    if (total_items > items)
        fprintf(g, ",\u2026(+%u)", total_items - items);
}

char *sc_automaton_to_dot(const sc_automaton *a)
{
    uint32_t n = a->n, k = a->k;
    uint32_t *head = malloc((size_t)n * sizeof *head);   /* first symbol q -> t, per target t */
    uint32_t *tail = malloc((size_t)n * sizeof *tail);
    uint32_t *next = malloc((size_t)k * sizeof *next);   /* next symbol with the same target */
    uint32_t *order = malloc((size_t)k * sizeof *order); /* targets in order of first symbol */
    char *label = NULL, *buf = NULL;
    size_t label_size = 0, size = 0;
    FILE *f = NULL;
    if (!head || !tail || !next || !order || !(f = open_memstream(&buf, &size)))
        goto oom;
    for (uint32_t t = 0; t < n; t++)
        head[t] = UINT32_MAX;

    /* Big automata: a force-directed layout (dot's layered layout of a Cayley graph with 120
     * nodes is ~30x wider than high and slow to route), and the self-loops of identity
     * symbols (δ_s = id, e.g. symbol 0 of S_n) are not drawn but named in the graph label. */
    int big = n > SC_DOT_BIG;
    uint8_t *skip = calloc(k, 1);
    if (!skip)
        goto oom;
    fputs("digraph ", f);
    put_dot_string(f, a->name ? a->name : "automaton");
    fputs(" {\n", f);
    if (big) {
        uint32_t first = UINT32_MAX, last = UINT32_MAX;
        for (uint32_t s = 0; s < k; s++) {
            uint32_t q = 0;
            while (q < n && sc_delta(a, q, s) == q)
                q++;
            if (q < n)
                continue;
            skip[s] = 1;
            next[s] = UINT32_MAX;
            if (first == UINT32_MAX)
                first = s;
            else
                next[last] = s;
            last = s;
        }
        /* neato's stress majorization is quadratic; sfdp (multiscale) for the really big */
        fprintf(f, "  graph [layout=%s, overlap=false, sep=\"+6\", fontsize=10",
                n > 1000 ? "sfdp" : "neato");
        if (first != UINT32_MAX) {
            FILE *g = open_memstream(&label, &label_size);
            if (!g)
                goto oom_skip;
            fputs("identity symbols, self-loops not drawn: ", g);
            put_edge_label(g, a, first, next);
            if (fclose(g) != 0)
                goto oom_skip;
            fputs(", label=", f);
            put_dot_string(f, label);
            free(label);
            label = NULL;
        }
        fputs("];\n  node [shape=ellipse, fontsize=9, margin=\"0.03,0.01\", height=0.25];\n"
              "  edge [fontsize=8, arrowsize=0.5];\n",
              f);
    } else
        fputs("  rankdir=LR;\n  node [shape=circle];\n  edge [fontsize=10];\n", f);
    fputs("  __start [shape=point, style=invis, width=0, height=0, label=\"\"];\n", f);
    fprintf(f, "  __start -> q%u;\n", a->start);
    for (uint32_t q = 0; q < n; q++) {
        fprintf(f, "  q%u [label=", q);
        if (a->state_names)
            put_dot_string(f, a->state_names[q]);
        else
            fprintf(f, "\"%u\"", q);
        if (q == a->start)
            fputs(", penwidth=2", f);
        fputs("];\n", f);
    }
    for (uint32_t q = 0; q < n; q++) {
        uint32_t targets = 0;
        for (uint32_t s = 0; s < k; s++) {
            if (skip[s])
                continue;
            uint32_t t = sc_delta(a, q, s);
            next[s] = UINT32_MAX;
            if (head[t] == UINT32_MAX) {
                head[t] = tail[t] = s;
                order[targets++] = t;
            } else {
                next[tail[t]] = s;
                tail[t] = s;
            }
        }
        for (uint32_t i = 0; i < targets; i++) {
            uint32_t t = order[i];
            FILE *g = open_memstream(&label, &label_size);
            if (!g)
                goto oom_skip;
            put_edge_label(g, a, head[t], next);
            if (fclose(g) != 0)
                goto oom_skip;
            fprintf(f, "  q%u -> q%u [label=", q, t);
            put_dot_string(f, label);
            fputs("];\n", f);
            free(label);
            label = NULL;
            head[t] = UINT32_MAX;
        }
    }
    fputs("}\n", f);
    free(skip);
    free(head);
    free(tail);
    free(next);
    free(order);
    return close_stream(f, &buf);
oom_skip:
    free(skip);
oom:
    free(head);
    free(tail);
    free(next);
    free(order);
    free(label);
    if (f) {
        fclose(f);
        free(buf);
    }
    return NULL;
}
