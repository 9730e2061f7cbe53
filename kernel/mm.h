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

struct boot_info;
/* Give the allocator every usable page of the boot memory map, less the
 * reserved ranges (the state table it places in RAM becomes one). */
void mm_init(struct boot_info *info);
/* A zeroed page's physical address, or 0 when memory is exhausted. */
uint64_t page_alloc(void);
void page_free(uint64_t paddr);
uint64_t mm_free_pages(void);
uint64_t mm_total_pages(void);
