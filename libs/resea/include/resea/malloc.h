#pragma once
#include <stddef.h>
#include <stdint.h>

/*
 * A task's heap: malloc, free, calloc, realloc, aligned_alloc, strdup
 * and strndup over whole pages taken from a page source.
 *
 * Single-threaded: a task is one thread, so there is no locking. Do not
 * call these from two threads at once.
 *
 * Sizes up to MALLOC_SMALL_MAX come from size classes, carved out of
 * one-page slabs (a header at the start of the page, then the blocks).
 * Every class keeps one empty slab for later; further empty slabs go back
 * to the source at once. Larger blocks get pages of their own, which go
 * back to the source when freed.
 *
 * Errors: exhaustion (the source refuses) and overflowing sizes give NULL
 * and are counted. A free or realloc of a pointer that is not a live
 * block is detected where the pointer's page is readable (a page magic
 * and a bitmap of live block starts), counted, reported to the error hook
 * and otherwise ignored. A pointer into memory that is not mapped, and a
 * second free of a large block (whose pages have gone back to the source),
 * fault when the allocator reads the page header.
 *
 * Plugging it in: every task installs, at start-up (libs/resea/start.c),
 * a page source whose get maps fresh memory with the kernel's vm_map and
 * whose put unmaps it with vm_unmap (<resea/vm_pages.h>). The allocator
 * needs nothing else from the kernel. The host tests install a source
 * backed by the host's memory (libs/resea/tests/test_malloc.c).
 */

#define MALLOC_PAGE_SIZE 4096
/* The largest size served from a slab: two blocks of 2000 bytes fit a page
 * beside its header. */
#define MALLOC_SMALL_MAX 2000
/* aligned_alloc takes any power of two up to this. */
#define MALLOC_MAX_ALIGN ((size_t) 1 << 20)

/*
 * In a hosted build (the host tests) the C library owns malloc and free,
 * and the program, its sanitizers and the test framework all use them.
 * There, every function below is named with a resea_ prefix, so both
 * allocators live in one program without one replacing the other. On the
 * target (freestanding) they are the real names.
 */
#if __STDC_HOSTED__
#define MALLOC_NAME(name) resea_##name
#else
#define MALLOC_NAME(name) name
#endif

struct page_source {
    /* `pages` fresh, page-aligned, writable pages, or NULL. */
    void *(*get)(void *ctx, size_t pages);
    /* Gives back pages got by one `get` of the same count. */
    void (*put)(void *ctx, void *addr, size_t pages);
    void *ctx;
};

struct malloc_stats {
    size_t bytes_in_use;  /* usable bytes of the live blocks */
    size_t blocks_in_use; /* live blocks */
    size_t pages_held;    /* pages got from the source, not yet put back */
    size_t slab_pages;    /* of which slabs (one page each) */
    size_t empty_slabs;   /* slabs kept with no live block */
    size_t large_blocks;  /* live blocks with pages of their own */
    uint64_t failures;    /* allocations that gave NULL (size or source) */
    uint64_t errors;      /* bad frees and reallocs detected */
};

/* Called on every error detected, with what and the pointer concerned. */
typedef void (*malloc_error_hook_t)(const char *what, const void *ptr);

/* Installs the source (copied) and starts a new heap, its counters at
 * zero. Blocks from the previous source must all have been freed. Before
 * the first call every allocation gives NULL. */
void MALLOC_NAME(malloc_init)(const struct page_source *src);
void MALLOC_NAME(malloc_set_error_hook)(malloc_error_hook_t hook);
void MALLOC_NAME(malloc_stats)(struct malloc_stats *out);
/* Gives every empty slab back to the source. */
void MALLOC_NAME(malloc_trim)(void);
/* The bytes usable at p (at least what was asked for); 0 for NULL or a
 * pointer that is not a live block. */
size_t MALLOC_NAME(malloc_usable_size)(const void *p);

/* malloc(0) gives a unique pointer to a smallest block. */
void *MALLOC_NAME(malloc)(size_t size);
/* free(NULL) does nothing. */
void MALLOC_NAME(free)(void *p);
/* NULL, counted as a failure, if n * size overflows. */
void *MALLOC_NAME(calloc)(size_t n, size_t size);
/*
 * realloc(NULL, size) is malloc(size); realloc(p, 0) frees p and gives
 * NULL. Otherwise the block stays where it is if the new size needs the
 * same block (the same class, or as many pages); else it moves, keeping
 * the first min(old, new) bytes. On failure p is left as it was and NULL
 * is given. Extended alignment from aligned_alloc is not kept on a move.
 */
void *MALLOC_NAME(realloc)(void *p, size_t size);
/* align must be a power of two up to MALLOC_MAX_ALIGN, else NULL (a
 * failure). size need not be a multiple of align. */
void *MALLOC_NAME(aligned_alloc)(size_t align, size_t size);
/* A copy of s (of at most its first n bytes) in a new block, with a NUL;
 * NULL if there is no memory. */
char *MALLOC_NAME(strndup)(const char *s, size_t n);
char *MALLOC_NAME(strdup)(const char *s);
