/*
 * The heap's page source (libs/resea/vm_pages.c) on the host, over a fake
 * address space: a buffer whose pages count as mapped or not, unmapped
 * ones poisoned for ASan, so the heap touching a page it gave back is
 * caught. The first AREA_PAGES are the heap's area; the rest is where the
 * fake kernel puts a mapping with no address (VM_ANYWHERE).
 */
#include <error.h>
#include <resea/malloc.h>
#include <resea/vm_pages.h>
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define PAGE 4096
#define AREA_PAGES 512
#define ANYWHERE_PAGES 64
#define ALL_PAGES (AREA_PAGES + ANYWHERE_PAGES)

static struct fake {
    char *mem;
    bool mapped[ALL_PAGES];  /* by vm_pages */
    bool foreign[ALL_PAGES]; /* by "someone else" in the task */
    size_t used, limit;      /* pages, like the kernel's budget */
    int maps;
} fk;

static size_t page_of(uintptr_t addr) {
    return (addr - (uintptr_t) fk.mem) / PAGE;
}

static bool in_fake(uintptr_t addr, uint64_t len) {
    uintptr_t start = (uintptr_t) fk.mem;
    return addr >= start && len <= (uint64_t) ALL_PAGES * PAGE &&
           addr - start <= (uint64_t) ALL_PAGES * PAGE - len;
}

static bool range_free(size_t first, size_t n) {
    for (size_t i = first; i < first + n; i++)
        if (fk.mapped[i] || fk.foreign[i])
            return false;
    return true;
}

/* First fit in the part the heap does not own. */
static int64_t anywhere(size_t n) {
    for (size_t i = AREA_PAGES; i + n <= ALL_PAGES; i++)
        if (range_free(i, n))
            return (int64_t) (uintptr_t) (fk.mem + i * PAGE);
    return ERR_NO_MEMORY;
}

static int64_t fake_map(void *addr, uint64_t len) {
    fk.maps++;
    if (len == 0 || len % PAGE != 0)
        return ERR_INVALID_ARG;
    size_t n = len / PAGE;
    int64_t at = addr == NULL ? anywhere(n) : (int64_t) (uintptr_t) addr;
    if (at < 0)
        return at;
    if ((at & (PAGE - 1)) != 0 || !in_fake((uintptr_t) at, len))
        return ERR_BAD_POINTER;
    if (!range_free(page_of((uintptr_t) at), n))
        return ERR_ALREADY_EXISTS;
    if (fk.used + n > fk.limit)
        return ERR_NO_MEMORY;
    fk.used += n;
    for (size_t i = page_of((uintptr_t) at); n-- > 0; i++)
        fk.mapped[i] = true;
    ASAN_UNPOISON_MEMORY_REGION((void *) at, len);
    memset((void *) at, 0, len); /* fresh pages are zeroed */
    return at;
}

static int fake_unmap(void *addr, uint64_t len) {
    uintptr_t a = (uintptr_t) addr;
    if (len == 0 || len % PAGE != 0 || !in_fake(a, len))
        return ERR_INVALID_ARG;
    for (size_t i = page_of(a); i < page_of(a) + len / PAGE; i++)
        if (!fk.mapped[i])
            return ERR_INVALID_ARG;
    for (size_t i = page_of(a); i < page_of(a) + len / PAGE; i++)
        fk.mapped[i] = false;
    fk.used -= len / PAGE;
    memset(addr, 0xdd, len);
    ASAN_POISON_MEMORY_REGION(addr, len);
    return OK;
}

static struct vm_pages vp;

static void reset(size_t limit) {
    if (fk.mem == NULL)
        fk.mem = aligned_alloc(PAGE, (size_t) ALL_PAGES * PAGE);
    char *mem = fk.mem;
    ASAN_UNPOISON_MEMORY_REGION(mem, (size_t) ALL_PAGES * PAGE);
    fk = (struct fake){.mem = mem, .limit = limit};
    ASAN_POISON_MEMORY_REGION(mem, (size_t) ALL_PAGES * PAGE);
    static const struct vm_pages_ops ops = {fake_map, fake_unmap};
    vm_pages_init(&vp, &ops, (uintptr_t) fk.mem, (size_t) AREA_PAGES * PAGE);
}

static char *get(size_t pages) { return vm_pages_get(&vp, pages); }
static void put(void *addr, size_t pages) { vm_pages_put(&vp, addr, pages); }

/* Maximal runs of pages the heap has mapped: the kernel's regions. */
static int regions(void) {
    int n = 0;
    for (size_t i = 0; i < ALL_PAGES; i++)
        n += fk.mapped[i] && (i == 0 || !fk.mapped[i - 1]);
    return n;
}

static uintptr_t hole_end(const struct vm_hole *h) {
    return h->addr + h->pages * PAGE;
}

/* Holes by address, apart, below the top, and not mapped; the top in
 * the area. */
static void check_invariants(void) {
    CHECK(vp.base <= vp.top && vp.top <= vp.end);
    CHECK(vp.num_holes <= VM_PAGES_HOLES);
    for (size_t i = 0; i < vp.num_holes; i++) {
        const struct vm_hole *h = &vp.holes[i];
        CHECK(h->pages > 0 && h->addr >= vp.base && hole_end(h) < vp.top);
        CHECK(i == 0 || hole_end(&vp.holes[i - 1]) < h->addr);
        for (size_t p = page_of(h->addr); p < page_of(hole_end(h)); p++)
            CHECK(!fk.mapped[p]);
    }
    for (size_t p = page_of(vp.top); p < AREA_PAGES; p++)
        CHECK(!fk.mapped[p]);
}

static void check_all_back(void) {
    check_invariants();
    CHECK_INT_EQ(fk.used, 0);
    CHECK_INT_EQ(regions(), 0);
}

TEST(vm_pages_successive_gets_are_adjacent) {
    reset(SIZE_MAX);
    char *a = get(1), *b = get(1), *c = get(3);
    CHECK(a == (char *) vp.base);
    CHECK(b == a + PAGE && c == b + PAGE);
    CHECK_INT_EQ(regions(), 1);
    put(a, 1);
    put(b, 1);
    put(c, 3);
    CHECK(vp.top == vp.base && vp.num_holes == 0);
    check_all_back();
}

TEST(vm_pages_holes_are_filled_first_fit) {
    reset(SIZE_MAX);
    char *a = get(2), *b = get(1), *c = get(4), *d = get(1);
    put(a, 2);
    put(c, 4);
    CHECK_INT_EQ(vp.num_holes, 2);
    CHECK_INT_EQ(regions(), 2);
    CHECK(get(3) == c); /* a's hole is too small */
    CHECK(get(2) == a);
    CHECK(get(1) == c + 3 * PAGE);
    CHECK_INT_EQ(vp.num_holes, 0);
    CHECK_INT_EQ(regions(), 1);
    CHECK(get(1) == d + PAGE); /* no hole: the top */
    check_invariants();
    put(a, 2);
    put(b, 1); /* joins a's hole */
    CHECK_INT_EQ(vp.num_holes, 1);
    put(c, 3);
    put(c + 3 * PAGE, 1); /* a, b, c: one hole */
    CHECK_INT_EQ(vp.num_holes, 1);
    CHECK(vp.holes[0].addr == (uintptr_t) a && vp.holes[0].pages == 7);
    put(d + PAGE, 1);
    put(d, 1); /* the top comes down through the hole */
    check_all_back();
    CHECK(vp.top == vp.base && vp.num_holes == 0);
}

TEST(vm_pages_top_comes_down_through_the_hole_below) {
    reset(SIZE_MAX);
    char *a = get(1), *b = get(1), *c = get(1);
    put(b, 1);
    CHECK_INT_EQ(vp.num_holes, 1);
    put(c, 1);
    CHECK(vp.top == (uintptr_t) b && vp.num_holes == 0);
    CHECK(get(1) == b);
    put(b, 1);
    put(a, 1);
    check_all_back();
}

TEST(vm_pages_go_elsewhere_when_something_is_in_the_way) {
    reset(SIZE_MAX);
    char *a = get(1);
    fk.foreign[page_of((uintptr_t) a) + 1] = true;
    char *b = get(2);
    CHECK(b != NULL && page_of((uintptr_t) b) >= AREA_PAGES);
    CHECK_INT_EQ(vp.elsewhere, 1);
    put(b, 2); /* unmapped, the area left as it was */
    CHECK(vp.top == (uintptr_t) a + PAGE && vp.num_holes == 0);
    CHECK_INT_EQ(fk.used, 1);
    /* Something in a hole: the hole is forgotten, the top used. */
    fk.foreign[page_of((uintptr_t) a) + 1] = false;
    char *c = get(1);
    CHECK(c == a + PAGE);
    put(a, 1);
    fk.foreign[page_of((uintptr_t) a)] = true;
    CHECK(get(1) == c + PAGE);
    CHECK_INT_EQ(vp.forgotten, 1);
    CHECK_INT_EQ(vp.num_holes, 0);
    check_invariants();
    put(c + PAGE, 1);
    put(c, 1);
    check_all_back();
}

TEST(vm_pages_refused_gives_null_and_changes_nothing) {
    reset(2);
    CHECK(get(0) == NULL);
    CHECK(get(SIZE_MAX / PAGE) == NULL);
    CHECK(get(AREA_PAGES + 1) == NULL);
    CHECK_INT_EQ(fk.maps, 0); /* refused before asking */
    char *a = get(1), *b = get(1);
    CHECK(a != NULL && b != NULL);
    uintptr_t top = vp.top;
    CHECK(get(1) == NULL); /* the budget: not retried elsewhere */
    CHECK_INT_EQ(fk.maps, 3);
    CHECK(vp.top == top && vp.elsewhere == 0);
    put(a, 1);
    fk.limit = 0;
    CHECK(get(1) == NULL); /* a hole, but no budget: the hole stays */
    CHECK_INT_EQ(vp.num_holes, 1);
    fk.limit = 2;
    CHECK(get(1) == a);
    put(a, 1);
    put(b, 1);
    check_all_back();
}

TEST(vm_pages_holes_past_the_table_are_forgotten) {
    reset(SIZE_MAX);
    enum { N = 2 * VM_PAGES_HOLES + 8 };
    static char *p[N];
    for (int i = 0; i < N; i++)
        p[i] = get(1);
    for (int i = 0; i < N - 1; i += 2)
        put(p[i], 1);
    CHECK_INT_EQ(vp.num_holes, VM_PAGES_HOLES);
    CHECK_INT_EQ(vp.forgotten, N / 2 - VM_PAGES_HOLES);
    check_invariants();
    for (int i = 1; i < N; i += 2)
        put(p[i], 1);
    CHECK_INT_EQ(fk.used, 0); /* unmapped all the same */
    check_invariants();
    /* The forgotten addresses are not handed out again. */
    for (int i = 0; i < 4; i++) {
        char *q = get(1);
        for (int j = 0; j < N - 1; j += 2)
            CHECK(q != p[j] || j < 2 * VM_PAGES_HOLES);
        put(q, 1);
    }
    check_all_back();
}

/* --- Random gets and puts against a model --- */

/* No more live blocks than holes remembered: none is forgotten. */
#define SLOTS VM_PAGES_HOLES

struct got {
    unsigned char *p;
    size_t pages;
    unsigned char tag;
};

static void check_fresh_and_fill(const struct got *blocks, struct got *g) {
    for (size_t i = 0; i < g->pages * PAGE; i++)
        CHECK_INT_EQ(g->p[i], 0);
    for (int i = 0; i < SLOTS; i++) {
        const struct got *o = &blocks[i];
        if (o != g && o->p != NULL)
            CHECK(g->p + g->pages * PAGE <= o->p ||
                  o->p + o->pages * PAGE <= g->p);
    }
    memset(g->p, g->tag, g->pages * PAGE);
}

static void check_kept(const struct got *g) {
    for (size_t i = 0; i < g->pages * PAGE; i += 512)
        CHECK_INT_EQ(g->p[i], g->tag);
}

static void gets_and_puts(uint64_t seed, int ops) {
    reset(SIZE_MAX);
    static struct got blocks[SLOTS];
    memset(blocks, 0, sizeof(blocks));
    for (int op = 0; op < ops; op++) {
        struct got *g = &blocks[test_rand(&seed) % SLOTS];
        if (g->p != NULL) {
            check_kept(g);
            put(g->p, g->pages);
            g->p = NULL;
        } else {
            uint64_t r = test_rand(&seed);
            g->pages = r % 4 != 0 ? 1 : 1 + (r >> 8) % 6; /* slabs, mostly */
            g->tag = (unsigned char) (r >> 16);
            g->p = (unsigned char *) get(g->pages);
            CHECK(g->p != NULL);
            CHECK(page_of((uintptr_t) g->p) < AREA_PAGES);
            check_fresh_and_fill(blocks, g);
        }
        check_invariants();
        /* Every run of the heap's pages ends at a hole or the top. */
        bool hole_first = vp.num_holes > 0 && vp.holes[0].addr == vp.base;
        CHECK_INT_EQ(regions(), vp.top > vp.base
                                    ? (int) vp.num_holes + 1 - hole_first
                                    : 0);
    }
    CHECK_INT_EQ(vp.forgotten + vp.elsewhere, 0);
    for (int i = 0; i < SLOTS; i++)
        if (blocks[i].p != NULL)
            put(blocks[i].p, blocks[i].pages);
    CHECK(vp.top == vp.base && vp.num_holes == 0);
    check_all_back();
}

TEST(vm_pages_random_seed_1) { gets_and_puts(1, 20000); }
TEST(vm_pages_random_seed_2) { gets_and_puts(0xdeadbeefcafef00dull, 20000); }

/* --- The heap over it --- */

static void heap_over_fake(size_t limit) {
    reset(limit);
    struct page_source src = {vm_pages_get, vm_pages_put, &vp};
    resea_malloc_init(&src);
}

TEST(vm_pages_under_the_heap_come_back_when_all_is_freed) {
    heap_over_fake(SIZE_MAX);
    uint64_t seed = 7;
    static void *p[400];
    static size_t size[400];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 400; i++) {
            uint64_t r = test_rand(&seed);
            size[i] = r % 8 == 0 ? (r >> 8) % (6 * PAGE) : (r >> 8) % 600;
            p[i] = resea_malloc(size[i]);
            CHECK(p[i] != NULL);
            memset(p[i], i & 0xff, size[i]);
        }
        for (int i = 0; i < 400; i += 2) { /* grow some, free some */
            p[i] = resea_realloc(p[i], size[i] + 3000);
            CHECK(p[i] != NULL);
            resea_free(p[i + 1]);
        }
        for (int i = 0; i < 400; i += 2) {
            for (size_t j = 0; j < size[i]; j++)
                CHECK_INT_EQ(((unsigned char *) p[i])[j], i & 0xff);
            resea_free(p[i]);
        }
        resea_malloc_trim();
        CHECK(vp.top == vp.base && vp.num_holes == 0);
        check_all_back();
    }
}

TEST(vm_pages_exhausted_heap_gives_null_and_recovers) {
    heap_over_fake(8);
    void *head = NULL, *q;
    size_t n = 0;
    /* Three large blocks (two pages each), then small ones to the end. */
    while ((q = resea_malloc(n < 3 ? 5000 : 100)) != NULL) {
        *(void **) q = head; /* a list through the blocks */
        head = q;
        n++;
    }
    CHECK_INT_EQ(fk.used, 8); /* three large blocks and two slabs */
    CHECK(n > 3 + 2 * 16);
    CHECK(resea_malloc(5000) == NULL);
    CHECK(resea_calloc(1, 100) == NULL);
    while (head != NULL) {
        void *next = *(void **) head;
        resea_free(head);
        head = next;
    }
    resea_malloc_trim();
    check_all_back();
    q = resea_malloc(5000); /* usable again */
    CHECK(q != NULL);
    resea_free(q);
    check_all_back();
}
