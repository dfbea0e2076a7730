#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void sc_error_clear(sc_error *e)
{
    e->code = 0;
    e->msg[0] = '\0';
}

int sc_fail(sc_error *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}
