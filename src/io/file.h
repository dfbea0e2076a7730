/* File helpers shared by the strict readers and atomic writers of src/io. */
#ifndef SC_IO_FILE_H
#define SC_IO_FILE_H

#include <stddef.h>

#include "../error.h"

/* Copy s[0..n-1] into dst (capacity cap, NUL-terminated) for a one-line message: printable
 * ASCII as is, every other byte and '\' as \xNN, at most max_shown bytes, then "...". */
void sc_escape(char *dst, size_t cap, const unsigned char *s, size_t n, size_t max_shown);

/* read() until n bytes or end of file (EINTR retried); *got = bytes read. 0, or -1 on a read
 * error (errno set). */
int sc_read_full(int fd, void *p, size_t n, size_t *got);

/* Read fd to its end into a malloc'd buffer, starting with capacity cap (>= 1) and doubling.
 * 0 with *buf (caller frees) and *len, or an error naming name: SC_EXIT_REJECTED for a read
 * error, SC_EXIT_LIMIT when out of memory. */
int sc_read_all(int fd, size_t cap, const char *name, unsigned char **buf, size_t *len,
                sc_error *err);

/* Create a unique temporary file "PATH.tmp.XXXXXX" next to path (same file system, so a later
 * rename is atomic), like mkstemp but with mode 0666 & ~umask so the published file has the
 * usual permissions. tmp receives its name (capacity >= strlen(path) + 40). Returns the open
 * write-only descriptor, or -1 with errno set. */
int sc_open_temp(const char *path, char *tmp, size_t cap);

#endif
