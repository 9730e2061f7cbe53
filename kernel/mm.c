#include "mm.h"
#include "arch.h"
#include "printk.h"
#include <string.h>

#define MAX_PAGES (DIRECT_MAP_LIMIT / PAGE_SIZE)

enum page_state { PAGE_RESERVED = 0, PAGE_FREE, PAGE_USED };

/* Free pages form a stack linked through their first word. */
static uint64_t free_list;
static uint64_t num_free, num_total;
static uint8_t page_state[MAX_PAGES];

static void push_free(uint64_t paddr) {
    *(uint64_t *) PADDR2PTR(paddr) = free_list;
    free_list = paddr;
    page_state[paddr / PAGE_SIZE] = PAGE_FREE;
    num_free++;
}

static int overlaps_reserved(uint64_t p, const struct mem_range *rsv, int n) {
    for (int i = 0; i < n; i++) {
        if (p + PAGE_SIZE > rsv[i].start && p < rsv[i].end)
            return 1;
    }
    return 0;
}

void mm_add_region(uint64_t start, uint64_t end, const struct mem_range *rsv,
                   int n) {
    start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end > DIRECT_MAP_LIMIT)
        end = DIRECT_MAP_LIMIT; /* only the direct-mapped part is usable */
    for (uint64_t p = start; p + PAGE_SIZE <= end; p += PAGE_SIZE) {
        if (overlaps_reserved(p, rsv, n) ||
            page_state[p / PAGE_SIZE] != PAGE_RESERVED)
            continue;
        push_free(p);
        num_total++;
    }
}

uint64_t page_alloc(void) {
    uint64_t paddr = free_list;
    if (!paddr)
        return 0;
    ASSERT(page_state[paddr / PAGE_SIZE] == PAGE_FREE);
    free_list = *(uint64_t *) PADDR2PTR(paddr);
    page_state[paddr / PAGE_SIZE] = PAGE_USED;
    num_free--;
    memset(PADDR2PTR(paddr), 0, PAGE_SIZE);
    return paddr;
}

void page_free(uint64_t paddr) {
    ASSERT(paddr % PAGE_SIZE == 0 && paddr < DIRECT_MAP_LIMIT);
    if (page_state[paddr / PAGE_SIZE] != PAGE_USED)
        panic("page_free: page %p is not in use", (void *) paddr);
    push_free(paddr);
}

uint64_t mm_free_pages(void) { return num_free; }
uint64_t mm_total_pages(void) { return num_total; }
