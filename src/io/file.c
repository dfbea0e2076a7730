#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void sc_escape(char *dst, size_t cap, const unsigned char *s, size_t n, size_t max_shown)
{
    size_t o = 0;
    size_t shown = n < max_shown ? n : max_shown;
    for (size_t i = 0; i < shown && o + 5 < cap; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            dst[o++] = (char)c;
        else
            o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
    }
    if (shown < n && o + 4 < cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o < cap ? o : cap - 1] = '\0';
}

int sc_read_full(int fd, void *p, size_t n, size_t *got)
{
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done > (1u << 30) ? (1u << 30) : n - done;
        ssize_t r = read(fd, (char *)p + done, chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *got = done;
            return -1;
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    *got = done;
    return 0;
}

int sc_open_temp(const char *path, char *tmp, size_t cap)
{
    static unsigned counter;
    uint64_t seed = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL) ^ (uintptr_t)tmp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u +
               __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
        snprintf(tmp, cap, "%s.tmp.%06x", path, (unsigned)(seed >> 40));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    return fd;
}

int sc_read_all(int fd, size_t cap, const char *name, unsigned char **buf, size_t *len,
                sc_error *err)
{
    unsigned char *b = malloc(cap);
    size_t have = 0;
    *buf = NULL;
    *len = 0;
    for (;;) {
        if (!b)
            return sc_fail(err, SC_EXIT_LIMIT, "%s: out of memory for %zu bytes", name, cap);
        size_t n;
        if (sc_read_full(fd, b + have, cap - have, &n) < 0) {
            int rc = sc_fail(err, SC_EXIT_REJECTED, "%s: offset %zu: read error: %s", name,
                             have + n, strerror(errno));
            free(b);
            return rc;
        }
        have += n;
        if (have < cap)
            break;
        if (cap > SIZE_MAX / 2) {
            free(b);
            return sc_fail(err, SC_EXIT_LIMIT, "%s: input too large", name);
        }
        unsigned char *nb = realloc(b, cap * 2);
        if (!nb)
            free(b);
        b = nb;
        cap *= 2;
    }
    *buf = b;
    *len = have;
    return 0;
}
