/*
 * The heap (libs/resea/malloc.c) on the host, over a page source backed by
 * the C library. Its functions are named resea_malloc and so on here (see
 * <resea/malloc.h>); plain malloc is the C library's.
 */
#include <resea/malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define PAGE MALLOC_PAGE_SIZE
#define MAX_CHUNKS 4096

/* A page source that counts pages out and in, can refuse after a limit,
 * and checks that every put matches a get. With `quarantine`, pages put
 * back are zeroed and kept (freed at the next reset), so that a second
 * free of a large block reads a dead header rather than freed memory. */
struct chunk {
    char *addr;
    size_t pages;
    bool out;
};

static struct host_source {
    struct chunk chunks[MAX_CHUNKS];
    size_t num_chunks;
    size_t pages_out, limit, gets;
    bool quarantine, unaligned;
    int bad_puts;
} hs;

static void *hs_get(void *ctx, size_t pages) {
    (void) ctx;
    hs.gets++;
    if (hs.pages_out + pages > hs.limit || hs.num_chunks == MAX_CHUNKS)
        return NULL;
    char *p = aligned_alloc(PAGE, pages * PAGE + (hs.unaligned ? PAGE : 0));
    if (p == NULL)
        return NULL;
    p += hs.unaligned ? 16 : 0;
    memset(p, 0xa5, pages * PAGE); /* fresh pages are not zero here */
    hs.chunks[hs.num_chunks++] = (struct chunk){p, pages, true};
    hs.pages_out += pages;
    return p;
}

static void hs_put(void *ctx, void *addr, size_t pages) {
    (void) ctx;
    for (size_t i = 0; i < hs.num_chunks; i++) {
        if (hs.chunks[i].addr != addr || !hs.chunks[i].out)
            continue;
        if (hs.chunks[i].pages != pages)
            break;
        hs.pages_out -= pages;
        if (hs.quarantine) {
            hs.chunks[i].out = false;
            memset(addr, 0, pages * PAGE);
            return;
        }
        free((char *) addr - ((uintptr_t) addr & (PAGE - 1)));
        hs.chunks[i] = hs.chunks[--hs.num_chunks];
        return;
    }
    hs.bad_puts++;
}

static int hook_calls;
static const void *hook_ptr;
static void hook(const char *what, const void *p) {
    (void) what;
    hook_calls++;
    hook_ptr = p;
}

/* A fresh heap over a fresh source (the previous heap must be empty). */
static void reset(size_t limit) {
    for (size_t i = 0; i < hs.num_chunks; i++)
        if (!hs.chunks[i].out)
            free(hs.chunks[i].addr);
    hs = (struct host_source){.limit = limit};
    static const struct page_source src = {hs_get, hs_put, NULL};
    resea_malloc_init(&src);
    resea_malloc_set_error_hook(hook);
    hook_calls = 0;
    hook_ptr = NULL;
}

static struct malloc_stats stats(void) {
    struct malloc_stats st;
    resea_malloc_stats(&st);
    return st;
}

/* Everything freed and trimmed: no page left out, no error on the way. */
static void check_all_back(void) {
    resea_malloc_trim();
    struct malloc_stats st = stats();
    CHECK_INT_EQ(st.blocks_in_use, 0);
    CHECK_INT_EQ(st.bytes_in_use, 0);
    CHECK_INT_EQ(st.pages_held, 0);
    CHECK_INT_EQ(hs.pages_out, 0);
    CHECK_INT_EQ(hs.bad_puts, 0);
}

TEST(malloc_small_and_large_blocks_come_and_go) {
    reset(SIZE_MAX);
    char *a = resea_malloc(64);
    CHECK(a != NULL && ((uintptr_t) a & 15) == 0);
    CHECK(resea_malloc_usable_size(a) >= 64);
    CHECK_INT_EQ(stats().slab_pages, 1);
    char *big = resea_malloc(3 * PAGE);
    CHECK(big != NULL && ((uintptr_t) big & 15) == 0);
    CHECK_INT_EQ(stats().large_blocks, 1);
    size_t held = hs.pages_out;
    memset(big, 1, 3 * PAGE);
    resea_free(big); /* its pages go back at once */
    CHECK(hs.pages_out < held);
    CHECK_INT_EQ(stats().large_blocks, 0);
    resea_free(a);
    CHECK_INT_EQ(stats().empty_slabs, 1);
    check_all_back();
}

TEST(malloc_zero_gives_unique_pointers) {
    reset(SIZE_MAX);
    void *a = resea_malloc(0), *b = resea_malloc(0);
    CHECK(a != NULL && b != NULL && a != b);
    resea_free(a);
    resea_free(b);
    check_all_back();
}

TEST(malloc_keeps_one_empty_slab_per_class) {
    reset(SIZE_MAX);
    for (int i = 0; i < 1000; i++) /* the benchmark's loop */
        resea_free(resea_malloc(64));
    CHECK_INT_EQ(hs.gets, 1);
    /* Fill two slabs of 1024-byte blocks (three to a slab). */
    void *p[6];
    for (int i = 0; i < 6; i++)
        p[i] = resea_malloc(1024);
    CHECK_INT_EQ(stats().slab_pages, 3);
    for (int i = 0; i < 6; i++)
        resea_free(p[i]);
    struct malloc_stats st = stats();
    CHECK_INT_EQ(st.slab_pages, 2); /* one per class kept, the other gone */
    CHECK_INT_EQ(st.empty_slabs, 2);
    check_all_back();
}

/* --- Random workloads against a model --- */

#define SLOTS 256

struct live {
    unsigned char *p;
    size_t size, align;
    unsigned char tag;
};

static unsigned char pattern(unsigned char tag, size_t i) {
    return (unsigned char) (tag + i * 7 + (i >> 8));
}

static void fill(struct live *b) {
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = pattern(b->tag, i);
}

static void check_pattern(const struct live *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pattern(b->tag, i))
            test_fail(__FILE__, __LINE__, "byte %zu of a block of %zu changed",
                      i, b->size);
}

static size_t random_size(uint64_t *seed) {
    uint64_t r = test_rand(seed);
    switch (r % 10) {
    case 0:
        return (r >> 8) % (5 * PAGE); /* large, mostly */
    case 1:
    case 2:
        return (r >> 8) % (MALLOC_SMALL_MAX + 1);
    default:
        return (r >> 8) % 257;
    }
}

/* The new block lies in no other live block and is aligned. */
static void check_placed(const struct live *blocks, size_t slot) {
    const struct live *b = &blocks[slot];
    CHECK(((uintptr_t) b->p & (b->align - 1)) == 0);
    CHECK(resea_malloc_usable_size(b->p) >= b->size);
    size_t len = b->size ? b->size : 1;
    for (size_t i = 0; i < SLOTS; i++) {
        const struct live *o = &blocks[i];
        if (i == slot || o->p == NULL)
            continue;
        size_t olen = o->size ? o->size : 1;
        CHECK(b->p + len <= o->p || o->p + olen <= b->p);
    }
}

static void check_stats(const struct live *blocks) {
    size_t n = 0, bytes = 0;
    for (size_t i = 0; i < SLOTS; i++)
        if (blocks[i].p != NULL) {
            n++;
            bytes += resea_malloc_usable_size(blocks[i].p);
        }
    struct malloc_stats st = stats();
    CHECK_INT_EQ(st.blocks_in_use, n);
    CHECK_INT_EQ(st.bytes_in_use, bytes);
    CHECK_INT_EQ(st.pages_held, hs.pages_out);
    CHECK_INT_EQ(st.errors, 0);
}

static void allocate(struct live *b, uint64_t *seed) {
    uint64_t r = test_rand(seed);
    b->size = random_size(seed);
    b->align = 16;
    b->tag = (unsigned char) (r >> 32);
    switch (r % 4) {
    case 0:
        b->p = resea_calloc(1 + b->size % 3, b->size / (1 + b->size % 3));
        b->size = (1 + b->size % 3) * (b->size / (1 + b->size % 3));
        for (size_t i = 0; b->p != NULL && i < b->size; i++)
            CHECK_INT_EQ(b->p[i], 0);
        break;
    case 1:
        b->align = (size_t) 1 << ((r >> 8) % 14); /* up to 8 KiB */
        b->p = resea_aligned_alloc(b->align, b->size);
        b->align = b->align < 16 ? 16 : b->align;
        break;
    default:
        b->p = resea_malloc(b->size);
    }
    CHECK(b->p != NULL);
}

static void workload(uint64_t seed, int ops) {
    reset(SIZE_MAX);
    static struct live blocks[SLOTS];
    memset(blocks, 0, sizeof(blocks));
    for (int op = 0; op < ops; op++) {
        size_t slot = test_rand(&seed) % SLOTS;
        struct live *b = &blocks[slot];
        if (b->p == NULL) {
            allocate(b, &seed);
        } else if (test_rand(&seed) % 2 == 0) {
            check_pattern(b, b->size);
            resea_free(b->p);
            b->p = NULL;
            continue;
        } else {
            size_t size = random_size(&seed);
            check_pattern(b, b->size);
            unsigned char *q = resea_realloc(b->p, size);
            if (size == 0) { /* freed */
                CHECK(q == NULL);
                b->p = NULL;
                continue;
            }
            CHECK(q != NULL);
            b->p = q;
            check_pattern(b, size < b->size ? size : b->size);
            b->size = size;
            b->align = 16;
        }
        fill(b);
        check_placed(blocks, slot);
        if (op % 64 == 0)
            check_stats(blocks);
    }
    check_stats(blocks);
    for (size_t i = 0; i < SLOTS; i++)
        if (blocks[i].p != NULL) {
            check_pattern(&blocks[i], blocks[i].size);
            resea_free(blocks[i].p);
        }
    CHECK_INT_EQ(stats().errors, 0);
    check_all_back();
}

TEST(malloc_random_workload_seed_1) { workload(1, 20000); }
TEST(malloc_random_workload_seed_2) { workload(0x9e3779b97f4a7c15ull, 20000); }
TEST(malloc_random_workload_seed_3) { workload(12345, 20000); }

/* --- Exhaustion --- */

TEST(malloc_exhaustion_gives_null_and_recovers) {
    reset(3);
    void *p[1000];
    size_t n = 0;
    while (n < 1000 && (p[n] = resea_malloc(64)) != NULL)
        n++;
    CHECK(n > 0 && n < 1000);
    CHECK_INT_EQ(hs.pages_out, 3);
    struct malloc_stats st = stats();
    CHECK_INT_EQ(st.failures, 1);
    CHECK(resea_malloc(3 * PAGE) == NULL); /* large too */
    CHECK(resea_calloc(2, 100) == NULL);
    char *keep = p[--n];
    CHECK(resea_realloc(keep, 5000) == NULL); /* left as it was */
    CHECK_INT_EQ(resea_malloc_usable_size(keep), 64);
    resea_free(p[0]); /* room again */
    p[0] = resea_malloc(64);
    CHECK(p[0] != NULL);
    hs.limit = SIZE_MAX;
    char *big = resea_malloc(3 * PAGE);
    CHECK(big != NULL);
    resea_free(big);
    for (size_t i = 0; i < n; i++)
        resea_free(p[i]);
    resea_free(keep);
    CHECK_INT_EQ(stats().errors, 0);
    check_all_back();
}

TEST(malloc_unaligned_pages_from_the_source_are_refused) {
    reset(SIZE_MAX);
    hs.unaligned = true;
    CHECK(resea_malloc(64) == NULL);
    CHECK_INT_EQ(hook_calls, 1);
    hs.unaligned = false;
    void *p = resea_malloc(64);
    CHECK(p != NULL);
    resea_free(p);
    check_all_back();
}

/* --- Edge cases --- */

TEST(malloc_calloc_overflow_gives_null) {
    reset(SIZE_MAX);
    CHECK(resea_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
    CHECK(resea_calloc(2, SIZE_MAX / 2 + 1) == NULL);
    CHECK(resea_calloc((size_t) 1 << 32, (size_t) 1 << 32) == NULL);
    CHECK_INT_EQ(stats().failures, 3);
    CHECK(resea_malloc(SIZE_MAX) == NULL);
    CHECK(resea_malloc(SIZE_MAX - PAGE) == NULL);
    CHECK_INT_EQ(hs.gets, 0); /* refused before asking */
    unsigned char *z = resea_calloc(0, 5);
    CHECK(z != NULL);
    resea_free(z);
    z = resea_calloc(100, 30); /* fresh pages are 0xa5 here */
    for (size_t i = 0; i < 3000; i++)
        CHECK_INT_EQ(z[i], 0);
    resea_free(z);
    check_all_back();
}

TEST(malloc_realloc_edge_cases) {
    reset(SIZE_MAX);
    char *p = resea_realloc(NULL, 10); /* malloc */
    CHECK(p != NULL);
    CHECK_INT_EQ(stats().blocks_in_use, 1);
    CHECK(resea_realloc(p, 0) == NULL); /* free */
    CHECK_INT_EQ(stats().blocks_in_use, 0);
    p = resea_malloc(20);
    memcpy(p, "0123456789abcdefghi", 20);
    CHECK(resea_realloc(p, 30) == p); /* same 32-byte class */
    char *q = resea_realloc(p, 5000); /* to a large block */
    CHECK(q != NULL && q != p);
    CHECK_STR_EQ(q, "0123456789abcdefghi");
    CHECK(resea_realloc(q, 6000) == q); /* still two pages */
    p = resea_realloc(q, 9000);         /* three */
    CHECK(p != NULL && p != q);
    p = resea_realloc(p, 8); /* back to a slab, cut short */
    CHECK(p != NULL && resea_malloc_usable_size(p) == 16);
    CHECK(memcmp(p, "01234567", 8) == 0);
    CHECK_INT_EQ(stats().errors, 0);
    CHECK(resea_realloc(p + 16, 40) == NULL); /* not a block */
    CHECK_INT_EQ(stats().errors, 1);
    resea_free(p);
    CHECK_INT_EQ(stats().errors, 1);
    check_all_back();
}

TEST(malloc_aligned_alloc_checks_and_honours_alignment) {
    reset(SIZE_MAX);
    static const size_t bad[] = {0, 3, 24, 4095, MALLOC_MAX_ALIGN * 2};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(resea_aligned_alloc(bad[i], 64) == NULL);
    CHECK_INT_EQ(stats().failures, 5);
    static const size_t sizes[] = {1, 100, 2000, 5000, 3 * PAGE};
    for (size_t align = 1; align <= MALLOC_MAX_ALIGN; align *= 2)
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            char *p = resea_aligned_alloc(align, sizes[i]);
            CHECK(p != NULL && ((uintptr_t) p & (align - 1)) == 0);
            CHECK(resea_malloc_usable_size(p) >= sizes[i]);
            memset(p, 0x5a, sizes[i]);
            resea_free(p);
        }
    /* Small alignments come from slabs, not pages of their own. */
    void *p = resea_aligned_alloc(64, 40);
    CHECK_INT_EQ(stats().large_blocks, 0);
    resea_free(p);
    CHECK_INT_EQ(stats().errors, 0);
    check_all_back();
}

TEST(malloc_bad_frees_are_detected_not_followed) {
    reset(SIZE_MAX);
    resea_free(NULL);
    CHECK_INT_EQ(stats().errors, 0);
    char *a = resea_malloc(64), *b = resea_malloc(64);
    resea_free(a);
    struct malloc_stats before = stats();
    resea_free(a); /* double free */
    CHECK_INT_EQ(hook_calls, 1);
    CHECK(hook_ptr == a);
    resea_free(b + 16); /* inside a block */
    resea_free(b + 1);  /* misaligned */
    static _Alignas(PAGE) char foreign[2 * PAGE];
    resea_free(foreign + 64);   /* a page that is not the heap's */
    resea_free(foreign + PAGE); /* page-aligned, not the heap's */
    struct malloc_stats after = stats();
    CHECK_INT_EQ(after.errors, 5);
    CHECK_INT_EQ(hook_calls, 5);
    after.errors = before.errors;
    CHECK(memcmp(&before, &after, sizeof(before)) == 0); /* nothing moved */
    /* The free list is intact: two fresh blocks, distinct, not b. */
    char *c = resea_malloc(64), *d = resea_malloc(64);
    CHECK(c != d && c != b && d != b);
    resea_free(b);
    resea_free(c);
    resea_free(d);
    check_all_back();
}

TEST(malloc_large_double_free_is_detected) {
    reset(SIZE_MAX);
    hs.quarantine = true; /* the header stays readable once put back */
    char *big = resea_malloc(2 * PAGE);
    char *aligned = resea_aligned_alloc(PAGE, 100);
    resea_free(big + 16); /* inside it */
    CHECK_INT_EQ(stats().errors, 1);
    resea_free(big);
    resea_free(big);
    resea_free(aligned);
    resea_free(aligned);
    CHECK_INT_EQ(stats().errors, 3);
    CHECK_INT_EQ(hook_calls, 3);
    check_all_back();
    reset(SIZE_MAX); /* frees the quarantine */
}

TEST(malloc_strdup_and_strndup_copy_into_a_new_block) {
    reset(SIZE_MAX);
    const char *s = "resea";
    char *a = resea_strdup(s);
    CHECK(a != NULL && a != s);
    CHECK_STR_EQ(a, "resea");
    CHECK(resea_malloc_usable_size(a) >= 6);
    char *b = resea_strndup(s, 3);
    CHECK_STR_EQ(b, "res");
    char *c = resea_strndup(s, 100); /* n past the end: the whole string */
    CHECK_STR_EQ(c, "resea");
    char *e = resea_strdup("");
    CHECK_STR_EQ(e, "");
    CHECK_INT_EQ(stats().blocks_in_use, 4);
    resea_free(a);
    resea_free(b);
    resea_free(c);
    resea_free(e);
    check_all_back();
    reset(0); /* a source that gives nothing */
    CHECK(resea_strdup(s) == NULL);
    reset(SIZE_MAX);
}
