#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include <jansson.h>

int cli_usage(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "shortcut %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'shortcut %s --help')\n", verb);
    return SC_EXIT_USAGE;
}

int cli_report(const sc_error *e)
{
    fprintf(stderr, "shortcut: %s\n", e->msg);
    return e->code ? e->code : SC_EXIT_REJECTED;
}

int cli_u64(const char *verb, const char *option, const char *s, uint64_t min, uint64_t max,
            uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9')
        return cli_usage(verb, "%s expects an integer in [%llu, %llu], got '%s'", option,
                         (unsigned long long)min, (unsigned long long)max, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return cli_usage(verb, "%s expects an integer in [%llu, %llu], got '%s'", option,
                         (unsigned long long)min, (unsigned long long)max, s);
    *out = v;
    return 0;
}

int cli_double(const char *verb, const char *option, const char *s, double min, double max,
               double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
        return cli_usage(verb, "%s expects a number in [%g, %g], got '%s'", option, min, max, s);
    *out = v;
    return 0;
}

void cli_json_string(FILE *f, const char *s)
{
    json_t *j = json_string(s);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(text ? text : "null", f);
    free(text);
    json_decref(j);
}
