#pragma once
#include <stdint.h>

/*
 * Physical page allocator. Pages come from the multiboot memory map; each
 * page's state is tracked so that a double free or a free of a page never
 * handed out is caught as a kernel bug.
 */
struct mem_range {
    uint64_t start, end; /* physical, [start, end) */
};

/* Add usable RAM [start, end) minus the `n` reserved ranges. */
void mm_add_region(uint64_t start, uint64_t end, const struct mem_range *rsv,
                   int n);
/* A zeroed page's physical address, or 0 when memory is exhausted. */
uint64_t page_alloc(void);
void page_free(uint64_t paddr);
uint64_t mm_free_pages(void);
uint64_t mm_total_pages(void);
