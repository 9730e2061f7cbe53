#pragma once
#include <stddef.h>
#include <stdint.h>

/*
 * The heap's pages (docs/memory.md): a page source for <resea/malloc.h>
 * over anonymous mappings, installed at start-up in every task.
 *
 * The heap lives in an area of its own, [base, base + size). Pages are
 * handed out from the bottom of the area up, so successive gets are
 * adjacent: the kernel merges adjacent anonymous mappings with the same
 * flags into one region, and a task may hold only VM_REGIONS_MAX regions,
 * so a heap of many slab pages stays a few regions. Pages put back are
 * unmapped at once (their memory goes back to the task's budget); the hole
 * they leave is remembered and filled first by later gets, first fit, and
 * a hole at the top lowers the top instead.
 *
 * Should something else be mapped where the heap would grow (a task may
 * map at any address it likes), the pages come from wherever the kernel
 * finds room (VM_ANYWHERE) instead; they are unmapped when put back, like
 * the others.
 */

/* Where the heap is in every task: above the program image and the boot
 * image, below where the kernel places what a task lets it (VM_MAP_BASE,
 * <layout.h>), so that no VM_ANYWHERE mapping stands in its way. */
#define VM_PAGES_HEAP_BASE 0x0000080000000000ull
#define VM_PAGES_HEAP_SIZE (1ull << 40)
/* Holes remembered; more than the regions a task may have would not help.
 * A hole that finds no room is forgotten: its addresses are not used
 * again, and nothing else is lost. */
#define VM_PAGES_HOLES 64

struct vm_pages_ops {
    /* Map `len` bytes of fresh, zeroed, writable memory at addr (or where
     * the kernel likes, for NULL): the address, or a negative error
     * (ERR_ALREADY_EXISTS: something is mapped there). */
    int64_t (*map)(void *addr, uint64_t len);
    /* Unmap what map gave, or a part of it. */
    int (*unmap)(void *addr, uint64_t len);
};

struct vm_hole {
    uintptr_t addr;
    size_t pages;
};

struct vm_pages {
    struct vm_pages_ops ops;
    uintptr_t base, end; /* the area */
    uintptr_t top;       /* above it nothing of ours is mapped */
    /* By address, none touching another or the top. */
    struct vm_hole holes[VM_PAGES_HOLES];
    size_t num_holes;
    uint64_t elsewhere; /* gets served outside the area */
    uint64_t forgotten; /* holes given up */
};

/* An empty heap area of `size` bytes at `base`, both page-aligned. */
void vm_pages_init(struct vm_pages *vp, const struct vm_pages_ops *ops,
                   uintptr_t base, size_t size);
/* The page source's two functions; ctx is the struct vm_pages. */
void *vm_pages_get(void *ctx, size_t pages);
void vm_pages_put(void *ctx, void *addr, size_t pages);
