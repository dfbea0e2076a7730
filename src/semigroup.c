/* Transformation semigroup enumeration (breadth-first Froidure–Pin closure) and Green's
 * structure.  See semigroup.h for the representation, limits and memory figures. */
#include "semigroup.h"
#include "sg_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- kernels ---------------------------------------------------------------------------- */

uint64_t sc_nib_mul(uint64_t x, uint64_t y, uint32_t n)
{
    uint64_t r = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t p = (x >> (4 * i)) & 15u;
        r |= ((y >> (4 * p)) & 15u) << (4 * i);
    }
    return r;
}

uint64_t sc_nib_pack(const sc_state *f, uint32_t n)
{
    uint64_t r = 0;
    for (uint32_t i = 0; i < n; i++)
        r |= (uint64_t)(f[i] & 15u) << (4 * i);
    return r;
}

uint64_t sc_nib_rank(uint64_t x, uint32_t n)
{
    uint64_t r = 0;
    for (uint32_t i = n; i-- > 0;)
        r = r * n + ((x >> (4 * i)) & 15u);
    return r;
}

/* Key of a nibble-packed element in the direct table: for n <= 8 its points as 3-bit fields
 * (point i in bits 3i..3i+2; 2^(3n) slots), for n = 9 its rank in base 9 (9^9 slots). */
static inline uint64_t nib_key(uint64_t x, uint32_t n)
{
    if (n > 8)
        return sc_nib_rank(x, n);
    uint64_t p = (x & 0x0f0f0f0f0f0f0f0full) | ((x & 0xf0f0f0f0f0f0f0f0ull) >> 1); /* 6 bits/byte */
    p = (p & 0x00ff00ff00ff00ffull) | ((p & 0xff00ff00ff00ff00ull) >> 2);        /* 12 bits/16 */
    p = (p & 0x0000ffff0000ffffull) | ((p & 0xffff0000ffff0000ull) >> 4);        /* 24 bits/32 */
    return (p & 0xffffffffull) | ((p >> 32) << 24);
}

static uint64_t direct_slots(uint32_t n)
{
    if (n <= 8)
        return 1ull << (3 * n);
    uint64_t r = 1;
    for (uint32_t i = 0; i < n; i++)
        r *= n;
    return r;
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* Hash of a packed element of `stride` bytes (stride a multiple of 8, zero padded). */
static inline uint64_t hash_bytes(const uint8_t *p, size_t stride)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ stride;
    for (size_t i = 0; i < stride; i += 8) {
        uint64_t c;
        memcpy(&c, p + i, 8);
        h = (h ^ c) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    return mix64(h);
}

/* Product of packed elements (generic packings): out = x·y. */
static inline void mul_generic(const sc_semigroup *sg, const uint8_t *x, const uint8_t *y,
                               uint8_t *out)
{
    uint32_t n = sg->n;
    if (sg->pack == SC_PACK_BYTE) {
        sg_mul_u8(n, x, y, out); /* proved kernel (src/sg_kernel.h) */
    } else {
        const uint16_t *xs = (const uint16_t *)(const void *)x;
        const uint16_t *ys = (const uint16_t *)(const void *)y;
        uint16_t *os = (uint16_t *)(void *)out;
        for (uint32_t i = 0; i < n; i++)
            os[i] = ys[xs[i]];
    }
}

static inline void mul_packed(const sc_semigroup *sg, const uint8_t *x, const uint8_t *y,
                              uint8_t *out)
{
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t a, b, r;
        memcpy(&a, x, 8);
        memcpy(&b, y, 8);
        r = sc_nib_mul(a, b, sg->n);
        memcpy(out, &r, 8);
    } else
        mul_generic(sg, x, y, out);
}

static inline const uint8_t *elt(const sc_semigroup *sg, uint64_t x)
{
    return sg->elts + x * sg->stride;
}

/* ---- memory ----------------------------------------------------------------------------- */

/* Large arrays live in their own anonymous mappings: growing them is mremap (no copy), and
 * transparent huge pages (MADV_HUGEPAGE) cut the page faults and TLB misses of the random
 * accesses into the lookup table.  Small arrays use malloc. */
#define BIG_MIN (1u << 20)
#define BIG_MAGIC 0x5347424947415252ull /* header in front of each block */

typedef struct big_hdr {
    uint64_t magic, bytes, mapped;
    uint64_t pad;
} big_hdr;

/* huge: 0 = never ask for huge pages (the direct table: a small semigroup touches few of its
 * pages; huge pages would zero 2 MB per touch), 1 = ask. */
static void *big_realloc_h(void *p, uint64_t bytes, int zero, int huge);
static void *big_realloc(void *p, uint64_t bytes, int zero)
{
    return big_realloc_h(p, bytes, zero, bytes >= (32u << 20));
}

static void big_advise_huge(void *p)
{
    big_hdr *h = (big_hdr *)p - 1;
    if (h->mapped)
        madvise(h, h->bytes + sizeof(big_hdr), MADV_HUGEPAGE);
}

static void *big_realloc_h(void *p, uint64_t bytes, int zero, int huge)
{
    big_hdr *h = p ? (big_hdr *)p - 1 : NULL;
    uint64_t total = bytes + sizeof(big_hdr);
    if (h && !h->mapped) {
        /* a malloc'd block */
        if (total < BIG_MIN) {
            uint64_t old = h->bytes;
            big_hdr *n = realloc(h, total);
            if (!n)
                return NULL;
            if (zero && bytes > old)
                memset((char *)(n + 1) + old, 0, bytes - old);
            n->bytes = bytes;
            return n + 1;
        }
        void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        if (huge)
            madvise(m, total, MADV_HUGEPAGE);
        memcpy(m, h, h->bytes + sizeof(big_hdr));
        free(h);
        h = m;
        h->mapped = 1;
        h->bytes = bytes;
        return h + 1;
    }
    if (!h) {
        if (total < BIG_MIN) {
            h = zero ? calloc(1, total) : malloc(total);
            if (!h)
                return NULL;
            h->mapped = 0;
        } else {
            void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED)
                return NULL;
            if (huge)
                madvise(m, total, MADV_HUGEPAGE);
            h = m;
            h->mapped = 1;
        }
        h->magic = BIG_MAGIC;
        h->bytes = bytes;
        return h + 1;
    }
    void *m = mremap(h, h->bytes + sizeof(big_hdr), total, MREMAP_MAYMOVE);
    if (m == MAP_FAILED)
        return NULL;
    h = m;
    if (huge)
        madvise(m, total, MADV_HUGEPAGE);
    h->bytes = bytes;
    return h + 1;
}

static void big_free(void *p)
{
    if (!p)
        return;
    big_hdr *h = (big_hdr *)p - 1;
    if (h->mapped)
        munmap(h, h->bytes + sizeof(big_hdr));
    else
        free(h);
}

static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    uint64_t kb = 0;
    if (f) {
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
                break;
        fclose(f);
    }
    if (!kb)
        return 4ull << 30;
    return kb * 1024ull / 10 * 9;
}

uint64_t sc_sg_bytes_for(uint32_t n, uint32_t k, uint64_t cap, int direct, uint64_t tcap)
{
    size_t stride = n <= 16 ? 8 : ((size_t)n * (n <= 256 ? 1 : 2) + 7) / 8 * 8;
    (void)direct;
    return cap * (stride + 4ull * k + 4 + 2) + 4ull * tcap;
}

static uint64_t pow_sat(uint64_t b, uint64_t e, uint64_t cap)
{
    uint64_t r = 1;
    for (uint64_t i = 0; i < e; i++) {
        if (r > cap / b)
            return cap;
        r *= b;
    }
    return r;
}

/* ---- the semigroup object --------------------------------------------------------------- */

void sc_sg_free(sc_semigroup *sg)
{
    if (!sg)
        return;
    big_free(sg->elts);
    big_free(sg->right);
    big_free(sg->left);
    big_free(sg->parent);
    big_free(sg->last);
    free(sg->gen);
    big_free(sg->table);
    free(sg);
}

void sc_sg_drop_table(sc_semigroup *sg)
{
    big_free(sg->table);
    sg->table = NULL;
    sg->tcap = 0;
}

static int grow(sc_semigroup *sg, uint64_t want, sc_error *err)
{
    if (want <= sg->cap)
        return 0;
    if (want > sg->max_elements)
        return sc_fail(err, SC_EXIT_LIMIT,
                       "semigroup has more than %lu elements (limit --max-elements %lu)",
                       (unsigned long)sg->max_elements, (unsigned long)sg->max_elements);
    uint64_t nc = sg->cap ? sg->cap : 1024;
    while (nc < want)
        nc *= 2;
    if (nc > sg->max_elements)
        nc = sg->max_elements;
    uint64_t tc = sg->direct ? sg->tcap : (sg->tcap > 4 * nc ? sg->tcap : 4 * nc);
    uint64_t need = sc_sg_bytes_for(sg->n, sg->k, nc, sg->direct, tc);
    if (need > sg->max_bytes) {
        /* retry with the smallest sufficient capacity */
        nc = want;
        tc = sg->direct ? sg->tcap : (sg->tcap >= 2 * nc ? sg->tcap : 4 * nc);
        need = sc_sg_bytes_for(sg->n, sg->k, nc, sg->direct, tc);
        if (need > sg->max_bytes)
            return sc_fail(err, SC_EXIT_LIMIT,
                           "semigroup enumeration needs more than %lu MB of memory at %lu "
                           "elements (limit %lu MB; see --max-memory, --max-elements)",
                           (unsigned long)(need >> 20), (unsigned long)sg->size,
                           (unsigned long)(sg->max_bytes >> 20));
    }
    uint8_t *e = big_realloc(sg->elts, nc * sg->stride, 0);
    if (e)
        sg->elts = e;
    uint32_t *r = e ? big_realloc(sg->right, nc * sg->k * sizeof *r, 0) : NULL;
    if (r)
        sg->right = r;
    uint32_t *p = r ? big_realloc(sg->parent, nc * sizeof *p, 0) : NULL;
    if (p)
        sg->parent = p;
    uint16_t *l = p ? big_realloc(sg->last, nc * sizeof *l, 0) : NULL;
    if (l)
        sg->last = l;
    if (!l)
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory growing the semigroup to %lu elements",
                       (unsigned long)nc);
    sg->cap = nc;
    /* a large semigroup touches most pages of the direct table: now huge pages pay off */
    if (sg->direct && !sg->huge && nc * 16 >= sg->tcap) {
        big_advise_huge(sg->table);
        sg->huge = 1;
    }
    return 0;
}

/* Hash table (non-direct): slot = index + 1.  Rehash when the load would exceed 1/2. */
static int table_rehash(sc_semigroup *sg, uint64_t ncap, sc_error *err)
{
    uint64_t need = sc_sg_bytes_for(sg->n, sg->k, sg->cap, 0, ncap);
    if (need > sg->max_bytes)
        return sc_fail(err, SC_EXIT_LIMIT,
                       "semigroup enumeration needs more than %lu MB of memory at %lu elements "
                       "(limit %lu MB; see --max-memory, --max-elements)",
                       (unsigned long)(need >> 20), (unsigned long)sg->size,
                       (unsigned long)(sg->max_bytes >> 20));
    uint32_t *t = big_realloc(NULL, ncap * sizeof *t, 1);
    if (!t)
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for a hash table of %lu slots",
                       (unsigned long)ncap);
    uint64_t mask = ncap - 1;
    for (uint64_t x = 0; x < sg->size; x++) {
        uint64_t h;
        if (sg->pack == SC_PACK_NIBBLE) {
            uint64_t v;
            memcpy(&v, elt(sg, x), 8);
            h = mix64(v);
        } else
            h = hash_bytes(elt(sg, x), sg->stride);
        uint64_t i = h & mask;
        while (t[i])
            i = (i + 1) & mask;
        t[i] = (uint32_t)(x + 1);
    }
    big_free(sg->table);
    sg->table = t;
    sg->tcap = ncap;
    return 0;
}

static inline uint64_t elt_hash(const sc_semigroup *sg, const uint8_t *p)
{
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t v;
        memcpy(&v, p, 8);
        return sg->direct ? nib_key(v, sg->n) : mix64(v);
    }
    return hash_bytes(p, sg->stride);
}

/* Slot of p (an element with hash h): either holding p's index + 1, or the empty slot where it
 * belongs.  Nibble-packed elements are probed by the proved kernel sg_probe64 (src/sg_kernel.h;
 * it would return tcap for a full table, which the load factor <= 1/2 rules out). */
static inline uint64_t table_slot(const sc_semigroup *sg, const uint8_t *p, uint64_t h)
{
    if (sg->direct)
        return h;
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t key;
        memcpy(&key, p, 8);
        return sg_probe64(sg->table, sg->tcap, (const uint64_t *)(const void *)sg->elts,
                          sg->size, key, h & (sg->tcap - 1));
    }
    uint64_t mask = sg->tcap - 1, i = h & mask;
    for (;;) {
        uint32_t v = sg->table[i];
        if (!v || !memcmp(elt(sg, v - 1), p, sg->stride))
            return i;
        i = (i + 1) & mask;
    }
}

/* Append p (hash h, not present) as a new element with the given parent and last letter.
 * Returns its index or SC_SG_NONE (err set). */
static uint32_t add_elt(sc_semigroup *sg, const uint8_t *p, uint64_t h, uint32_t parent,
                        uint32_t last, sc_error *err)
{
    if (sg->size >= sg->cap && grow(sg, sg->size + 1, err))
        return SC_SG_NONE;
    if (!sg->direct && 2 * (sg->size + 1) > sg->tcap &&
        table_rehash(sg, sg->tcap * 2, err))
        return SC_SG_NONE;
    uint64_t x = sg->size++;
    memcpy(sg->elts + x * sg->stride, p, sg->stride);
    sg->parent[x] = parent;
    sg->last[x] = (uint16_t)last;
    uint64_t slot = table_slot(sg, p, h);
    sg->table[slot] = (uint32_t)(x + 1);
    return (uint32_t)x;
}

static void pack_into(const sc_semigroup *sg, const sc_state *f, uint8_t *out)
{
    memset(out, 0, sg->stride);
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t v = sc_nib_pack(f, sg->n);
        memcpy(out, &v, 8);
    } else if (sg->pack == SC_PACK_BYTE) {
        for (uint32_t i = 0; i < sg->n; i++)
            out[i] = (uint8_t)f[i];
    } else {
        uint16_t *o = (uint16_t *)(void *)out;
        for (uint32_t i = 0; i < sg->n; i++)
            o[i] = f[i];
    }
}

void sc_sg_get(const sc_semigroup *sg, uint64_t x, sc_state *out)
{
    const uint8_t *p = elt(sg, x);
    if (sg->pack == SC_PACK_NIBBLE) {
        uint64_t v;
        memcpy(&v, p, 8);
        for (uint32_t i = 0; i < sg->n; i++)
            out[i] = (sc_state)((v >> (4 * i)) & 15u);
    } else if (sg->pack == SC_PACK_BYTE) {
        for (uint32_t i = 0; i < sg->n; i++)
            out[i] = p[i];
    } else {
        const uint16_t *o = (const uint16_t *)(const void *)p;
        for (uint32_t i = 0; i < sg->n; i++)
            out[i] = o[i];
    }
}

uint32_t sc_sg_find(const sc_semigroup *sg, const sc_state *f)
{
    if (!sg->table)
        return SC_SG_NONE;
    for (uint32_t i = 0; i < sg->n; i++)
        if (f[i] >= sg->n)
            return SC_SG_NONE;
    uint64_t buf[sg->stride / 8];
    uint8_t *p = (uint8_t *)buf;
    pack_into(sg, f, p);
    uint64_t s = table_slot(sg, p, elt_hash(sg, p));
    uint32_t v = sg->table[s];
    if (!v || memcmp(elt(sg, v - 1), p, sg->stride))
        return SC_SG_NONE;
    return v - 1;
}

uint32_t sc_sg_word(const sc_semigroup *sg, uint32_t x, uint16_t *w, uint32_t wcap)
{
    uint32_t len = 0;
    for (uint32_t y = x; y != SC_SG_NONE; y = sg->parent[y])
        len++;
    if (w && wcap >= len) {
        uint32_t i = len;
        for (uint32_t y = x; y != SC_SG_NONE; y = sg->parent[y])
            w[--i] = sg->last[y];
    }
    return len;
}

uint32_t sc_sg_mul(const sc_semigroup *sg, uint32_t x, uint32_t y)
{
    uint32_t len = sc_sg_word(sg, y, NULL, 0);
    uint16_t *w = malloc(len * sizeof *w);
    if (!w)
        return SC_SG_NONE;
    sc_sg_word(sg, y, w, len);
    for (uint32_t i = 0; i < len; i++)
        x = sg->right[(uint64_t)x * sg->k + w[i]];
    free(w);
    return x;
}

int sc_sg_is_idempotent(const sc_semigroup *sg, uint32_t x)
{
    uint64_t buf[sg->stride / 8 + 1];
    uint8_t *o = (uint8_t *)buf;
    memset(o, 0, sg->stride);
    mul_packed(sg, elt(sg, x), elt(sg, x), o);
    return !memcmp(o, elt(sg, x), sg->stride);
}

uint32_t sc_sg_rank(const sc_semigroup *sg, uint32_t x)
{
    sc_state *f = malloc((size_t)sg->n * sizeof *f);
    uint8_t *seen = calloc(sg->n, 1);
    uint32_t r = 0;
    if (f && seen) {
        sc_sg_get(sg, x, f);
        for (uint32_t i = 0; i < sg->n; i++)
            if (!seen[f[i]]) {
                seen[f[i]] = 1;
                r++;
            }
    }
    free(f);
    free(seen);
    return r;
}

/* ---- enumeration ------------------------------------------------------------------------ */

#define BATCH 256 /* products computed (and their slots prefetched) before they are looked up */

static int close_nibble(sc_semigroup *sg, sc_error *err)
{
    const uint32_t n = sg->n, k = sg->k;
    uint64_t g[k];
    for (uint32_t s = 0; s < k; s++)
        memcpy(&g[s], elt(sg, sg->gen[s]), 8);
    uint64_t prod[BATCH], hv[BATCH];
    uint32_t px[BATCH], ps[BATCH];
    uint64_t x = 0;
    uint32_t s0 = 0;
    while (x < sg->size) {
        /* pass 1: products of the next BATCH (x, s) pairs, prefetching their slots */
        uint32_t m = 0;
        uint64_t end = sg->size;
        while (m < BATCH && x < end) {
            uint64_t v;
            memcpy(&v, elt(sg, x), 8);
            uint64_t p = sc_nib_mul(v, g[s0], n);
            uint64_t h = sg->direct ? nib_key(p, n) : mix64(p);
            __builtin_prefetch(&sg->table[sg->direct ? h : (h & (sg->tcap - 1))]);
            prod[m] = p;
            hv[m] = h;
            px[m] = (uint32_t)x;
            ps[m] = s0;
            m++;
            if (++s0 == k) {
                s0 = 0;
                x++;
            }
        }
        /* pass 2: look up / insert in order (keeps the breadth-first discovery order) */
        for (uint32_t j = 0; j < m; j++) {
            uint64_t slot = table_slot(sg, (const uint8_t *)&prod[j], hv[j]);
            uint32_t v = sg->table[slot];
            uint32_t idx;
            if (v)
                idx = v - 1;
            else {
                idx = add_elt(sg, (const uint8_t *)&prod[j], hv[j], px[j], ps[j], err);
                if (idx == SC_SG_NONE)
                    return err->code;
            }
            sg->right[(uint64_t)px[j] * k + ps[j]] = idx;
        }
    }
    return 0;
}


#if defined(__x86_64__)
#include <immintrin.h>
/* n <= 8 with the direct table, SSSE3: a product is one byte shuffle (pshufb) of the unpacked
 * points; the direct-table key (3 bits per point) comes from two multiply-adds.  Same results
 * and order as close_nibble. */
__attribute__((target("ssse3"))) static inline __m128i nib_unpack(uint64_t x)
{
    const __m128i lo4 = _mm_set1_epi8(0x0f);
    __m128i v = _mm_cvtsi64_si128((long long)x);
    __m128i lo = _mm_and_si128(v, lo4), hi = _mm_and_si128(_mm_srli_epi16(v, 4), lo4);
    return _mm_unpacklo_epi8(lo, hi);
}

__attribute__((target("ssse3"))) static int close_nibble_ssse3(sc_semigroup *sg, sc_error *err)
{
    const uint32_t n = sg->n, k = sg->k;
    __m128i g[k];
    for (uint32_t s = 0; s < k; s++) {
        uint64_t v;
        memcpy(&v, elt(sg, sg->gen[s]), 8);
        g[s] = nib_unpack(v);
    }
    const uint64_t pmask = n == 16 ? ~0ull : (1ull << (4 * n)) - 1;
    const __m128i bmask = _mm_set_epi64x(0, (long long)(n >= 8 ? ~0ull : (1ull << (8 * n)) - 1));
    const __m128i w1 = _mm_set1_epi16(0x0801), w2 = _mm_set1_epi32(0x00400001);
    const __m128i lo8 = _mm_set1_epi16(0x00ff);
    uint64_t prod[BATCH], hv[BATCH];
    uint32_t px[BATCH], ps[BATCH];
    uint64_t x = 0;
    uint32_t s0 = 0;
    __m128i X = _mm_setzero_si128();
    int have_x = 0;
    while (x < sg->size) {
        uint32_t m = 0;
        uint64_t end = sg->size;
        while (m < BATCH && x < end) {
            if (!have_x) {
                uint64_t v;
                memcpy(&v, elt(sg, x), 8);
                X = nib_unpack(v);
                have_x = 1;
            }
            __m128i R = _mm_and_si128(_mm_shuffle_epi8(g[s0], X), bmask);
            __m128i m1 = _mm_maddubs_epi16(R, w1), m2 = _mm_madd_epi16(m1, w2);
            uint64_t kv = (uint64_t)_mm_cvtsi128_si64(m2);
            uint64_t h = (kv & 0xfff) | ((kv >> 32) << 12);
            __builtin_prefetch(&sg->table[h]);
            __m128i t = _mm_and_si128(_mm_or_si128(R, _mm_srli_epi16(R, 4)), lo8);
            prod[m] = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(t, t)) & pmask;
            hv[m] = h;
            px[m] = (uint32_t)x;
            ps[m] = s0;
            m++;
            if (++s0 == k) {
                s0 = 0;
                x++;
                have_x = 0;
            }
        }
        for (uint32_t j = 0; j < m; j++) {
            uint32_t v = sg->table[hv[j]];
            uint32_t idx;
            if (v)
                idx = v - 1;
            else {
                idx = add_elt(sg, (const uint8_t *)&prod[j], hv[j], px[j], ps[j], err);
                if (idx == SC_SG_NONE)
                    return err->code;
            }
            sg->right[(uint64_t)px[j] * k + ps[j]] = idx;
        }
    }
    return 0;
}
#endif

static int close_generic(sc_semigroup *sg, sc_error *err)
{
    const uint32_t k = sg->k;
    const size_t st = sg->stride;
    enum { GB = 64 };
    uint64_t *buf = calloc(GB * st / 8 + (size_t)k * st / 8, 8);
    if (!buf)
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory");
    uint8_t *prod = (uint8_t *)buf, *g = prod + GB * st;
    for (uint32_t s = 0; s < k; s++)
        memcpy(g + s * st, elt(sg, sg->gen[s]), st);
    uint64_t hv[GB];
    uint32_t px[GB], ps[GB];
    uint64_t x = 0;
    uint32_t s0 = 0;
    int rc = 0;
    while (x < sg->size && !rc) {
        uint32_t m = 0;
        uint64_t end = sg->size;
        while (m < GB && x < end) {
            uint8_t *p = prod + m * st;
            mul_generic(sg, elt(sg, x), g + s0 * st, p);
            hv[m] = hash_bytes(p, st);
            __builtin_prefetch(&sg->table[hv[m] & (sg->tcap - 1)]);
            px[m] = (uint32_t)x;
            ps[m] = s0;
            m++;
            if (++s0 == k) {
                s0 = 0;
                x++;
            }
        }
        for (uint32_t j = 0; j < m; j++) {
            uint8_t *p = prod + j * st;
            uint64_t slot = table_slot(sg, p, hv[j]);
            uint32_t v = sg->table[slot];
            uint32_t idx;
            if (v)
                idx = v - 1;
            else {
                idx = add_elt(sg, p, hv[j], px[j], ps[j], err);
                if (idx == SC_SG_NONE) {
                    rc = err->code;
                    break;
                }
            }
            sg->right[(uint64_t)px[j] * k + ps[j]] = idx;
        }
    }
    free(buf);
    return rc;
}

sc_semigroup *sc_sg_enumerate(uint32_t n, uint32_t k, const sc_state *gens,
                              const sc_sg_opts *opts, sc_error *err)
{
    sc_sg_opts o = {0};
    if (opts)
        o = *opts;
    if (n < 1 || n > SC_MAX_STATES || k < 1 || k > 65535) {
        sc_fail(err, SC_EXIT_REJECTED, "semigroup: %u points and %u generators, expected "
                "1..%u and 1..65535", n, k, SC_MAX_STATES);
        return NULL;
    }
    for (uint32_t s = 0; s < k; s++)
        if (!tf_is_valid(n, gens + (size_t)s * n)) {
            sc_fail(err, SC_EXIT_REJECTED, "semigroup: generator %u maps a point outside "
                    "0..%u", s, n - 1);
            return NULL;
        }
    sc_semigroup *sg = calloc(1, sizeof *sg);
    if (!sg || !(sg->gen = malloc(k * sizeof *sg->gen))) {
        free(sg);
        sc_fail(err, SC_EXIT_LIMIT, "out of memory");
        return NULL;
    }
    sg->n = n;
    sg->k = k;
    sg->pack = n <= 16 ? SC_PACK_NIBBLE : n <= 256 ? SC_PACK_BYTE : SC_PACK_U16;
    sg->stride = n <= 16 ? 8 : ((size_t)n * (n <= 256 ? 1 : 2) + 7) / 8 * 8;
    sg->max_elements = o.max_elements && o.max_elements < SC_SG_MAX_ELEMENTS
                           ? o.max_elements : SC_SG_MAX_ELEMENTS;
    sg->max_bytes = o.max_bytes ? o.max_bytes : mem_available();
    /* an upper bound on the size: n^n */
    uint64_t bound = pow_sat(n, n, SC_SG_MAX_ELEMENTS);
    if (bound < sg->max_elements)
        sg->max_elements = bound;
    uint64_t nn = n <= SC_SG_DIRECT_MAX_N ? direct_slots(n) : 0;
    if (!o.no_direct && nn && sc_sg_bytes_for(n, k, 1024, 1, nn) <= sg->max_bytes) {
        sg->direct = 1;
        sg->tcap = nn;
        sg->table = big_realloc_h(NULL, nn * sizeof *sg->table, 1, 0);
    } else {
        sg->tcap = 1024;
        sg->table = big_realloc(NULL, sg->tcap * sizeof *sg->table, 1);
    }
    uint64_t first = o.size_hint ? o.size_hint : 1024;
    /* With the direct table and n <= 8, reserve the bound n^n at once when it fits the budget:
     * untouched pages cost nothing, and the arrays never move. */
    if (!o.size_hint && sg->direct && bound <= (1u << 24) && bound <= sg->max_elements &&
        sc_sg_bytes_for(n, k, bound, 1, sg->tcap) <= sg->max_bytes / 2)
        first = bound;
    if (first > sg->max_elements)
        first = sg->max_elements;
    if (!sg->table || grow(sg, first, err)) {
        if (!sg->table)
            sc_fail(err, SC_EXIT_LIMIT, "out of memory for the semigroup's lookup table");
        sc_sg_free(sg);
        return NULL;
    }
    if (!sg->direct && o.size_hint) {
        uint64_t tc = 1024;
        while (tc < 2 * first)
            tc *= 2;
        if (tc > sg->tcap && table_rehash(sg, tc, err)) {
            sc_sg_free(sg);
            return NULL;
        }
    }
    /* the generators, in order (equal generators share one element) */
    uint64_t tmp[sg->stride / 8];
    uint8_t *p = (uint8_t *)tmp;
    for (uint32_t s = 0; s < k; s++) {
        pack_into(sg, gens + (size_t)s * n, p);
        uint64_t h = elt_hash(sg, p);
        uint32_t v = sg->table[table_slot(sg, p, h)];
        if (v)
            sg->gen[s] = v - 1;
        else if ((sg->gen[s] = add_elt(sg, p, h, SC_SG_NONE, s, err)) == SC_SG_NONE) {
            sc_sg_free(sg);
            return NULL;
        }
    }
    int rc;
#if defined(__x86_64__)
    if (sg->pack == SC_PACK_NIBBLE && sg->direct && n <= 8 && !o.no_simd &&
        __builtin_cpu_supports("ssse3"))
        rc = close_nibble_ssse3(sg, err);
    else
#endif
        rc = sg->pack == SC_PACK_NIBBLE ? close_nibble(sg, err) : close_generic(sg, err);
    if (rc) {
        sc_sg_free(sg);
        return NULL;
    }
    sg->max_len = sg->size ? sc_sg_word(sg, (uint32_t)(sg->size - 1), NULL, 0) : 0;
    return sg;
}

sc_semigroup *sc_sg_of_automaton(const sc_automaton *a, const sc_sg_opts *opts, sc_error *err)
{
    return sc_sg_enumerate(a->n, a->k, a->delta, opts, err);
}

int sc_sg_left(sc_semigroup *sg, sc_error *err)
{
    if (sg->left)
        return 0;
    const uint64_t k = sg->k;
    uint64_t need = sc_sg_bytes_for(sg->n, sg->k, sg->size, sg->direct, sg->tcap) +
                    sg->size * k * 4;
    if (need > sg->max_bytes)
        return sc_fail(err, SC_EXIT_LIMIT, "the left Cayley graph of %lu elements needs %lu MB "
                       "(limit %lu MB; see --max-memory)", (unsigned long)sg->size,
                       (unsigned long)(need >> 20), (unsigned long)(sg->max_bytes >> 20));
    uint32_t *L = big_realloc(NULL, sg->size * k * sizeof *L, 0);
    if (!L)
        return sc_fail(err, SC_EXIT_LIMIT, "out of memory for the left Cayley graph");
    for (uint64_t x = 0; x < sg->size; x++) {
        uint32_t p = sg->parent[x], s = sg->last[x];
        for (uint64_t b = 0; b < k; b++)
            L[x * k + b] = p == SC_SG_NONE ? sg->right[(uint64_t)sg->gen[b] * k + s]
                                           : sg->right[(uint64_t)L[(uint64_t)p * k + b] * k + s];
    }
    sg->left = L;
    return 0;
}
