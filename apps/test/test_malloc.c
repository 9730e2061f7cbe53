/*
 * The heap in a task (libs/resea/malloc.c over libs/resea/vm_pages.c):
 * every task has one from start-up, its pages come from vm_map and go
 * back to the budget when freed. Each case runs in a task of its own, so
 * filling the budget here harms no other case.
 */
#include "test.h"
#include <resea/malloc.h>
#include <resea/vm_pages.h>
#include <string.h>
#include <vm.h>

#define PAGE 4096

static struct vm_status status(void) {
    struct vm_status st = {0};
    vm_status(&st);
    return st;
}

/* The heap with only what a test puts in it: without the out-of-line
 * receive buffer the library keeps there (docs/ipc.md). */
static void heap_alone(void) {
    ipc_ool_buffer(NULL, 0);
    malloc_trim();
}

static uint64_t rand64(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static bool in_heap(const void *p) {
    uintptr_t a = (uintptr_t) p;
    return a >= VM_PAGES_HEAP_BASE &&
           a < VM_PAGES_HEAP_BASE + VM_PAGES_HEAP_SIZE;
}

/* Blocks of `size` until NULL, linked through their first word onto
 * *head; how many. */
static size_t fill(void **head, size_t size) {
    size_t n = 0;
    void *p;
    while ((p = malloc(size)) != NULL) {
        *(void **) p = *head;
        *head = p;
        n++;
    }
    return n;
}

static void free_list(void *head) {
    while (head != NULL) {
        void *next = *(void **) head;
        free(head);
        head = next;
    }
}

TEST(malloc_to_the_budget_and_back_three_times) {
    malloc_trim();
    struct vm_status before = status();
    uint64_t pages_before = free_pages();
    CHECK(before.limit > before.used);
    CHECK(malloc(before.limit) == NULL); /* more than we may ever hold */
    for (int round = 0; round < 3; round++) {
        struct malloc_stats st0, st1;
        malloc_stats(&st0);
        /* Large blocks first, then ever smaller ones into what is left. */
        void *head = NULL;
        size_t n = fill(&head, 60000) + fill(&head, 5000) + fill(&head, 500) +
                   fill(&head, 16);
        struct vm_status full = status();
        malloc_stats(&st1);
        CHECK(n > 0 && head != NULL && in_heap(head));
        CHECK_EQ(st1.failures - st0.failures, 4);
        CHECK(full.used <= full.limit);
        /* Less than a slab page and its page tables was left. */
        CHECK(full.limit - full.used < 4 * PAGE);
        CHECK(free_pages() < pages_before);
        free_list(head);
        malloc_trim();
        CHECK_EQ(status().used, before.used);
        CHECK_EQ(status().regions, before.regions);
        CHECK_EQ(free_pages(), pages_before);
    }
}

TEST(malloc_large_blocks_give_their_pages_back_on_free) {
    malloc_trim();
    uint64_t used = status().used, pages = free_pages();
    static const size_t sizes[] = {3000, 5000, 64 * 1024, 256 * 1024};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = malloc(sizes[i]);
        CHECK(p != NULL && in_heap(p));
        CHECK(status().used >= used + sizes[i]);
        memset(p, 0x77, sizes[i]);
        free(p);
        CHECK_EQ(status().used, used);
        CHECK_EQ(free_pages(), pages);
    }
    /* Moved by realloc: the old pages go at once, not at the end. */
    char *p = malloc(100 * 1024);
    CHECK(p != NULL);
    p[100 * 1024 - 1] = 'x';
    p = realloc(p, 200 * 1024);
    CHECK(p != NULL && p[100 * 1024 - 1] == 'x');
    /* The new block and at most a few page tables; not the old one. */
    CHECK(status().used < used + 200 * 1024 + 8 * PAGE);
    free(p);
    char *a = aligned_alloc(64 * 1024, 100 * 1024);
    CHECK(a != NULL && ((uintptr_t) a & (64 * 1024 - 1)) == 0);
    free(a);
    CHECK_EQ(status().used, used);
    CHECK_EQ(free_pages(), pages);
}

/* Pages got one after another are adjacent and the kernel merges them:
 * a heap of many slabs is one region, not one per page. */
TEST(malloc_heap_of_many_pages_is_one_region) {
    heap_alone();
    malloc_trim();
    struct vm_status before = status();
    enum { N = 150 };
    static void *p[N];
    for (int i = 0; i < N; i++) { /* 1024-byte blocks, three to a slab */
        p[i] = malloc(i % 10 == 9 ? 9000 : 1024);
        CHECK(p[i] != NULL && in_heap(p[i]));
    }
    CHECK(status().used >= before.used + (N / 3) * PAGE);
    CHECK_EQ(status().regions, before.regions + 1);
    for (int i = 9; i < N; i += 10) /* holes in the middle */
        free(p[i]);
    CHECK(status().regions > before.regions + 1);
    for (int i = 9; i < N; i += 10) /* filled again, first */
        p[i] = malloc(9000);
    CHECK_EQ(status().regions, before.regions + 1);
    for (int i = 0; i < N; i++)
        free(p[i]);
    malloc_trim();
    CHECK_EQ(status().regions, before.regions);
    CHECK_EQ(status().used, before.used);
}

/* With every region taken by other mappings, a heap that needs a new one
 * gives NULL (the kernel's ERR_FULL), and works again once one is free. */
TEST(malloc_gives_null_when_the_regions_run_out) {
    heap_alone();
    malloc_trim();
    static int64_t pages[VM_REGIONS_MAX];
    int n = 0;
    int64_t at;
    /* Guarded, so that none merges with another. */
    while ((at = vm_map(0, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_GUARD)) > 0)
        pages[n++] = at;
    CHECK_ERR((error_t) at, ERR_FULL);
    CHECK_EQ(status().regions, VM_REGIONS_MAX);
    struct malloc_stats st;
    malloc_stats(&st);
    CHECK(malloc(64) == NULL && malloc(3 * PAGE) == NULL);
    CHECK(realloc(NULL, 10) == NULL);
    uint64_t failures = st.failures;
    malloc_stats(&st);
    CHECK_EQ(st.failures - failures, 3);
    CHECK_ERR(vm_unmap((void *) pages[--n], PAGE), OK);
    void *p = malloc(64), *q = malloc(3 * PAGE); /* one region for both */
    CHECK(p != NULL && q != NULL && in_heap(p) && in_heap(q));
    free(p);
    free(q);
    malloc_trim();
    while (n > 0)
        CHECK_ERR(vm_unmap((void *) pages[--n], PAGE), OK);
}

/* --- Random sizes, reallocs and alignments, contents checked --- */

#define SLOTS 64

struct live {
    unsigned char *p;
    size_t size, align;
    unsigned char tag;
};

static unsigned char pattern(unsigned char tag, size_t i) {
    return (unsigned char) (tag + i * 7 + (i >> 8));
}

static bool intact(const struct live *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pattern(b->tag, i))
            return false;
    return true;
}

static void fill_pattern(struct live *b) {
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = pattern(b->tag, i);
}

static size_t random_size(uint64_t *seed) {
    uint64_t r = rand64(seed);
    switch (r % 10) {
    case 0:
        return (r >> 8) % (5 * PAGE);
    case 1:
    case 2:
        return (r >> 8) % (MALLOC_SMALL_MAX + 1);
    default:
        return (r >> 8) % 257;
    }
}

/* A new block in slot b: malloc, calloc (zeroed) or aligned_alloc. */
static bool allocate(struct live *b, uint64_t *seed) {
    uint64_t r = rand64(seed);
    b->size = random_size(seed);
    b->align = 16;
    b->tag = (unsigned char) (r >> 32);
    if (r % 4 == 0) {
        b->p = calloc(1, b->size);
        for (size_t i = 0; b->p != NULL && i < b->size; i++)
            if (b->p[i] != 0)
                return false;
    } else if (r % 4 == 1) {
        b->align = (size_t) 1 << ((r >> 8) % 14); /* up to 8 KiB */
        b->p = aligned_alloc(b->align, b->size);
    } else {
        b->p = malloc(b->size);
    }
    return b->p != NULL && ((uintptr_t) b->p & (b->align - 1)) == 0;
}

/* Blocks of 0 bytes take room too: one byte, for the comparison. */
static size_t extent(const struct live *b) { return b->size ? b->size : 1; }

static bool disjoint(const struct live *blocks, const struct live *b) {
    for (int i = 0; i < SLOTS; i++) {
        const struct live *o = &blocks[i];
        if (o != b && o->p != NULL && b->p < o->p + extent(o) &&
            o->p < b->p + extent(b))
            return false;
    }
    return true;
}

TEST(malloc_stress_random_sizes_contents_kept) {
    heap_alone();
    malloc_trim();
    uint64_t used = status().used, seed = 0x5eed5eed;
    static struct live blocks[SLOTS];
    for (int op = 0; op < 6000; op++) {
        struct live *b = &blocks[rand64(&seed) % SLOTS];
        if (b->p == NULL) {
            CHECK(allocate(b, &seed));
        } else if (rand64(&seed) % 2 == 0) {
            CHECK(intact(b, b->size));
            free(b->p);
            b->p = NULL;
            continue;
        } else {
            size_t size = random_size(&seed) + 1;
            CHECK(intact(b, b->size));
            unsigned char *q = realloc(b->p, size);
            CHECK(q != NULL);
            b->p = q;
            CHECK(intact(b, size < b->size ? size : b->size));
            b->size = size;
        }
        CHECK(in_heap(b->p) && disjoint(blocks, b));
        fill_pattern(b);
    }
    struct malloc_stats st;
    malloc_stats(&st);
    CHECK_EQ(st.errors, 0);
    CHECK_EQ(st.failures, 0);
    for (int i = 0; i < SLOTS; i++)
        if (blocks[i].p != NULL) {
            CHECK(intact(&blocks[i], blocks[i].size));
            free(blocks[i].p);
        }
    malloc_trim();
    malloc_stats(&st);
    CHECK_EQ(st.pages_held, 0);
    CHECK_EQ(status().used, used);
}
