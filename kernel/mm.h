#pragma once
#include <stdbool.h>
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
/* n physically contiguous zeroed pages (device memory), or 0. Taken from
 * the pages never handed out: freed pages are not contiguous. */
uint64_t page_alloc_contig(uint64_t n);

/*
 * A memory budget, in bytes: what a task may hold (limit, given by its
 * creator) and holds (used). Every page the kernel takes for a task after
 * boot is charged to one: its image, stack, page tables, region table,
 * memory objects and private pages.
 */
struct mem_account {
    uint64_t limit, used;
    uint64_t given; /* of used: the budgets of the tasks it started */
    /* Where the budget came from. Once the task has ended (mem_end), what
     * it still holds stays charged to `parent` as well, until freed. */
    struct mem_account *parent;
    bool ended;
};
/* Charge bytes to a (NULL: to no one); false, and nothing charged, past
 * its limit. */
bool mem_charge(struct mem_account *a, uint64_t bytes);
void mem_uncharge(struct mem_account *a, uint64_t bytes);
/* page_alloc charged to a: 0 past its limit or when memory is exhausted. */
/* The task of `a` has ended and freed what it could: the part of its
 * budget it no longer holds goes back to its parent at once. */
void mem_end(struct mem_account *a);
uint64_t page_alloc_charged(struct mem_account *a);
void page_free_charged(struct mem_account *a, uint64_t paddr);
uint64_t mm_free_pages(void);
uint64_t mm_total_pages(void);
