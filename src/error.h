/* Errors of the outer layer (parsers, I/O, CLI) and the exit codes of DESIGN.md §5.
 * Kernels do not use this: they report by return value. */
#ifndef SC_ERROR_H
#define SC_ERROR_H

enum sc_exit {
    SC_EXIT_OK = 0,           /* success / PASS */
    SC_EXIT_FAIL = 1,         /* certified violation */
    SC_EXIT_USAGE = 2,        /* bad command line */
    SC_EXIT_INCONCLUSIVE = 3, /* could not decide */
    SC_EXIT_REJECTED = 4,     /* malformed file or value */
    SC_EXIT_LIMIT = 5         /* resource limit reached */
};

/* One diagnostic: the exit code it maps to and one line of text that names
 * the file, the place (offset/field) and what was expected. */
typedef struct sc_error {
    int code;        /* an sc_exit value; 0 = no error */
    char msg[1024];  /* one line, no trailing newline */
} sc_error;

void sc_error_clear(sc_error *e);
/* Set e (if not NULL) and return code; printf-style message. */
int sc_fail(sc_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
