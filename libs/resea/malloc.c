/*
 * The heap (see <resea/malloc.h>). Every page the allocator uses starts
 * with a header whose first word is a magic mixed with the header's own
 * address, so a copy of a header elsewhere does not pass for one. A block
 * never starts at the beginning of a page, so the header of the block at
 * p is always on the page holding p - 1: for a slab the page of p, for a
 * large block aligned to a page the page before it.
 */
#include <resea/malloc.h>
#include <stdbool.h>
#include <string.h>

#define PAGE MALLOC_PAGE_SIZE
#define GRANULE 16 /* the smallest alignment and class */
#define SLAB_MAGIC ((uintptr_t) 0x51ab51ab51ab51abull)
#define LARGE_MAGIC ((uintptr_t) 0x1a7e1a7e1a7e1a7eull)
#define BITMAP_WORDS (PAGE / GRANULE / 64)

/* A one-page slab of one class. `starts` has a bit for every granule of
 * the page, set where a live block starts: a free must find its bit set,
 * so double frees and pointers into the middle of blocks are caught. */
struct slab {
    uintptr_t magic;
    struct slab *next, *prev; /* the class's slabs with free blocks */
    void *free;               /* free blocks, linked through their first word */
    uint16_t cls;
    uint16_t used;
    uint64_t starts[BITMAP_WORDS];
};

/* The header of a block with pages of its own. */
struct large {
    uintptr_t magic;
    char *base; /* what the source gave */
    size_t pages;
    void *block; /* the block it heads: a pointer into it is not the block */
};
#define LARGE_HDR                                                              \
    ((sizeof(struct large) + GRANULE - 1) & ~(size_t) (GRANULE - 1))

/* One source of truth for the classes: everything else is derived from
 * this list by malloc_init. The last two fill a page three and two to a
 * slab. */
static const uint16_t class_sizes[] = {
    16,  32,  48,  64,  96,   128,  192,
    256, 384, 512, 768, 1024, 1328, MALLOC_SMALL_MAX};
#define NUM_CLASSES (sizeof(class_sizes) / sizeof(class_sizes[0]))
_Static_assert(MALLOC_SMALL_MAX % 16 == 0, "classes are whole granules");

struct size_class {
    struct slab *partial; /* slabs with free blocks, emptiest last */
    size_t size, align;   /* align: the largest power of two dividing size */
    size_t first, cap;    /* offset of the first block, blocks per slab */
    size_t live;          /* live blocks */
    size_t empty;         /* slabs with no live block (at most one kept) */
    size_t slabs;
};

static struct {
    struct page_source src;
    bool ready;
    malloc_error_hook_t hook;
    struct size_class classes[NUM_CLASSES];
    /* The class for a size, by (size + 15) / 16. */
    uint8_t class_of[MALLOC_SMALL_MAX / GRANULE + 1];
    size_t large_blocks, large_bytes, large_pages;
    uint64_t failures, errors;
} heap;

static void report(const char *what, const void *p) {
    heap.errors++;
    if (heap.hook != NULL)
        heap.hook(what, p);
}

static void *fail(void) {
    heap.failures++;
    return NULL;
}

static size_t round_up(size_t x, size_t align) {
    return (x + align - 1) & ~(align - 1);
}

static void *get_pages(size_t pages) {
    if (!heap.ready)
        return NULL;
    void *p = heap.src.get(heap.src.ctx, pages);
    if (p != NULL && ((uintptr_t) p & (PAGE - 1)) != 0) {
        report("page source gave unaligned pages", p);
        heap.src.put(heap.src.ctx, p, pages);
        return NULL;
    }
    return p;
}

void MALLOC_NAME(malloc_init)(const struct page_source *src) {
    malloc_error_hook_t hook = heap.hook;
    memset(&heap, 0, sizeof(heap)); /* counters too: a new heap */
    heap.hook = hook;
    heap.src = *src;
    heap.ready = true;
    size_t c = 0;
    for (size_t i = 0; i < NUM_CLASSES; i++) {
        struct size_class *sc = &heap.classes[i];
        *sc = (struct size_class){.size = class_sizes[i]};
        sc->align = sc->size & -sc->size;
        sc->first = round_up(sizeof(struct slab), sc->align);
        sc->cap = (PAGE - sc->first) / sc->size;
    }
    for (size_t g = 0; g < sizeof(heap.class_of); g++) {
        while (class_sizes[c] < g * GRANULE)
            c++;
        heap.class_of[g] = (uint8_t) c;
    }
}

void MALLOC_NAME(malloc_set_error_hook)(malloc_error_hook_t hook) {
    heap.hook = hook;
}

/* --- Slabs --- */

static void list_push(struct size_class *sc, struct slab *s) {
    s->prev = NULL;
    s->next = sc->partial;
    if (sc->partial != NULL)
        sc->partial->prev = s;
    sc->partial = s;
}

static void list_remove(struct size_class *sc, struct slab *s) {
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        sc->partial = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
}

/* Out of line: the fast path below stays small, without the registers a
 * call to the source needs saved. */
__attribute__((noinline)) static struct slab *slab_new(size_t cls) {
    struct size_class *sc = &heap.classes[cls];
    struct slab *s = get_pages(1);
    if (s == NULL)
        return NULL;
    *s = (struct slab){.magic = SLAB_MAGIC ^ (uintptr_t) s,
                       .cls = (uint16_t) cls};
    char *block = (char *) s + sc->first;
    void **link = &s->free;
    for (size_t i = 0; i < sc->cap; i++, block += sc->size) {
        *link = block;
        link = (void **) block;
    }
    *link = NULL;
    sc->slabs++;
    sc->empty++;
    list_push(sc, s);
    return s;
}

static void slab_release(struct size_class *sc, struct slab *s) {
    list_remove(sc, s);
    sc->slabs--;
    sc->empty--;
    s->magic = 0;
    heap.src.put(heap.src.ctx, s, 1);
}

/* The fast path: a block from the first slab with room. */
static void *small_alloc(size_t cls) {
    struct size_class *sc = &heap.classes[cls];
    struct slab *s = sc->partial;
    if (s == NULL && (s = slab_new(cls)) == NULL)
        return fail();
    void **block = s->free;
    s->free = *block;
    if (s->used++ == 0)
        sc->empty--;
    if (s->free == NULL)
        list_remove(sc, s);
    sc->live++;
    uintptr_t g = ((uintptr_t) block & (PAGE - 1)) / GRANULE;
    s->starts[g / 64] |= (uint64_t) 1 << (g % 64);
    return block;
}

/* The slab of a block, or NULL if p is not a live slab block. */
static struct slab *slab_of(const void *p, uint64_t **word, uint64_t *bit) {
    uintptr_t g = ((uintptr_t) p & (PAGE - 1)) / GRANULE;
    /* Misaligned, or on a page of its own (a large block's). */
    if (((uintptr_t) p & (GRANULE - 1)) != 0 || g == 0)
        return NULL;
    struct slab *s = (struct slab *) ((uintptr_t) p & ~(uintptr_t) (PAGE - 1));
    if (s->magic != (SLAB_MAGIC ^ (uintptr_t) s))
        return NULL;
    *word = &s->starts[g / 64];
    *bit = (uint64_t) 1 << (g % 64);
    return (**word & *bit) != 0 ? s : NULL;
}

static void small_free(struct slab *s, uint64_t *word, uint64_t bit, void *p) {
    struct size_class *sc = &heap.classes[s->cls];
    *word &= ~bit;
    if (s->free == NULL)
        list_push(sc, s);
    *(void **) p = s->free;
    s->free = p;
    sc->live--;
    if (--s->used == 0 && ++sc->empty > 1)
        slab_release(sc, s);
}

void MALLOC_NAME(malloc_trim)(void) {
    for (size_t i = 0; i < NUM_CLASSES; i++) {
        struct size_class *sc = &heap.classes[i];
        for (struct slab *s = sc->partial, *next; s != NULL; s = next) {
            next = s->next;
            if (s->used == 0)
                slab_release(sc, s);
        }
    }
}

/* --- Large blocks --- */

/* Pages of their own, the block at a multiple of align (a power of two at
 * least GRANULE) with its header just before it on the same page or at
 * the start of the page before. */
static void *large_alloc(size_t size, size_t align) {
    /* Where the block can start, at worst, from the first page. */
    size_t offset = align <= PAGE ? round_up(LARGE_HDR, align) : align;
    if (size > SIZE_MAX - offset - PAGE)
        return fail();
    size_t pages = (offset + size + PAGE - 1) / PAGE;
    char *base = get_pages(pages);
    if (base == NULL)
        return fail();
    uintptr_t at = round_up((uintptr_t) base + LARGE_HDR, align);
    struct large *h = (struct large *) ((at - 1) & ~(uintptr_t) (PAGE - 1));
    *h = (struct large){.magic = LARGE_MAGIC ^ (uintptr_t) h,
                        .base = base,
                        .pages = pages,
                        .block = (void *) at};
    heap.large_blocks++;
    heap.large_pages += pages;
    heap.large_bytes += (size_t) (base + pages * PAGE - (char *) at);
    return (void *) at;
}

static struct large *large_of(const void *p) {
    if (((uintptr_t) p & (GRANULE - 1)) != 0)
        return NULL;
    struct large *h =
        (struct large *) (((uintptr_t) p - 1) & ~(uintptr_t) (PAGE - 1));
    if (h->magic != (LARGE_MAGIC ^ (uintptr_t) h) || h->block != p)
        return NULL;
    return h;
}

static size_t large_usable(const struct large *h, const void *p) {
    return (size_t) (h->base + h->pages * PAGE - (const char *) p);
}

static void large_free(struct large *h, void *p) {
    heap.large_blocks--;
    heap.large_pages -= h->pages;
    heap.large_bytes -= large_usable(h, p);
    h->magic = 0;
    heap.src.put(heap.src.ctx, h->base, h->pages);
}

/* --- The interface --- */

void *MALLOC_NAME(malloc)(size_t size) {
    if (size <= MALLOC_SMALL_MAX)
        return small_alloc(heap.class_of[(size + GRANULE - 1) / GRANULE]);
    return large_alloc(size, GRANULE);
}

void MALLOC_NAME(free)(void *p) {
    if (p == NULL)
        return;
    uint64_t *word, bit;
    struct slab *s = slab_of(p, &word, &bit);
    if (s != NULL) {
        small_free(s, word, bit, p);
        return;
    }
    struct large *h = large_of(p);
    if (h != NULL)
        large_free(h, p);
    else
        report("free of a pointer that is not a live block", p);
}

void *MALLOC_NAME(calloc)(size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size)
        return fail();
    void *p = MALLOC_NAME(malloc)(n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *MALLOC_NAME(aligned_alloc)(size_t align, size_t size) {
    if (align == 0 || (align & (align - 1)) != 0 || align > MALLOC_MAX_ALIGN)
        return fail();
    if (align <= GRANULE)
        return MALLOC_NAME(malloc)(size);
    if (size <= MALLOC_SMALL_MAX) {
        /* The first class big enough whose blocks are aligned enough. */
        for (size_t c = heap.class_of[(size + GRANULE - 1) / GRANULE];
             c < NUM_CLASSES; c++)
            if (heap.classes[c].align >= align)
                return small_alloc(c);
    }
    return large_alloc(size, align);
}

size_t MALLOC_NAME(malloc_usable_size)(const void *p) {
    if (p == NULL)
        return 0;
    uint64_t *word, bit;
    struct slab *s = slab_of(p, &word, &bit);
    if (s != NULL)
        return heap.classes[s->cls].size;
    struct large *h = large_of(p);
    return h != NULL ? large_usable(h, p) : 0;
}

/* Whether malloc(size) would pick the block at p, of `usable` bytes, so
 * realloc keeps it: the same class, or a large block of as many pages. */
static bool same_block(const void *p, size_t usable, size_t size) {
    uint64_t *word, bit;
    struct slab *s = slab_of(p, &word, &bit);
    if (s != NULL)
        return size <= MALLOC_SMALL_MAX &&
               heap.class_of[(size + GRANULE - 1) / GRANULE] == s->cls;
    size_t in_page = (uintptr_t) p & (PAGE - 1);
    return size > MALLOC_SMALL_MAX && size <= usable &&
           (in_page + size + PAGE - 1) / PAGE ==
               (in_page + usable + PAGE - 1) / PAGE;
}

void *MALLOC_NAME(realloc)(void *p, size_t size) {
    if (p == NULL)
        return MALLOC_NAME(malloc)(size);
    size_t usable = MALLOC_NAME(malloc_usable_size)(p);
    if (usable == 0) {
        report("realloc of a pointer that is not a live block", p);
        return NULL;
    }
    if (size == 0) {
        MALLOC_NAME(free)(p);
        return NULL;
    }
    if (same_block(p, usable, size))
        return p;
    void *q = MALLOC_NAME(malloc)(size);
    if (q == NULL)
        return NULL;
    memcpy(q, p, usable < size ? usable : size);
    MALLOC_NAME(free)(p);
    return q;
}

void MALLOC_NAME(malloc_stats)(struct malloc_stats *out) {
    *out = (struct malloc_stats){
        .bytes_in_use = heap.large_bytes,
        .blocks_in_use = heap.large_blocks,
        .pages_held = heap.large_pages,
        .large_blocks = heap.large_blocks,
        .failures = heap.failures,
        .errors = heap.errors,
    };
    for (size_t i = 0; i < NUM_CLASSES; i++) {
        const struct size_class *sc = &heap.classes[i];
        out->bytes_in_use += sc->live * sc->size;
        out->blocks_in_use += sc->live;
        out->slab_pages += sc->slabs;
        out->empty_slabs += sc->empty;
    }
    out->pages_held += out->slab_pages;
}

char *MALLOC_NAME(strndup)(const char *s, size_t n) {
    size_t len = 0;
    while (len < n && s[len] != '\0')
        len++;
    char *copy = MALLOC_NAME(malloc)(len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *MALLOC_NAME(strdup)(const char *s) {
    return MALLOC_NAME(strndup)(s, SIZE_MAX);
}
