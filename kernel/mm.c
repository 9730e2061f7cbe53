#include "mm.h"
#include "arch.h"
#include "boot.h"
#include "printk.h"
#include <string.h>

/* FRESH: usable, never handed out. FREE: handed out once, now on the
 * free list. */
enum page_state { PAGE_RESERVED = 0, PAGE_FRESH, PAGE_FREE, PAGE_USED };

/* Freed pages form a stack linked through their first word. Fresh pages
 * are handed out in address order after it is empty, so start-up writes
 * to no free page: the host backs only the guest RAM that is used. */
static uint64_t free_list;
static uint64_t next_fresh; /* no page below it is fresh */
static uint64_t num_free, num_total;
/* One byte per page below the end of RAM, in RAM taken at boot: its size
 * follows the machine, not the largest machine the kernel supports. */
static uint8_t *page_state;
static uint64_t num_pages;

static void push_free(uint64_t paddr) {
    *(uint64_t *) PADDR2PTR(paddr) = free_list;
    free_list = paddr;
    page_state[paddr / PAGE_SIZE] = PAGE_FREE;
    num_free++;
}

/* The lowest fresh page, or 0. The cursor only moves up, so the scans of
 * all allocations together cost one pass over the table. */
static uint64_t take_fresh(void) {
    while (next_fresh < num_pages && page_state[next_fresh] != PAGE_FRESH)
        next_fresh++;
    return next_fresh < num_pages ? next_fresh * PAGE_SIZE : 0;
}

static int overlaps_reserved(uint64_t p, const struct mem_range *rsv, int n) {
    for (int i = 0; i < n; i++) {
        if (p + PAGE_SIZE > rsv[i].start && p < rsv[i].end)
            return 1;
    }
    return 0;
}

static void add_region(uint64_t start, uint64_t end,
                       const struct mem_range *rsv, int n) {
    start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end > num_pages * PAGE_SIZE)
        end = num_pages * PAGE_SIZE;
    for (uint64_t p = start; p + PAGE_SIZE <= end; p += PAGE_SIZE) {
        if (overlaps_reserved(p, rsv, n) ||
            page_state[p / PAGE_SIZE] != PAGE_RESERVED)
            continue; /* reserved, or listed twice in the memory map */
        page_state[p / PAGE_SIZE] = PAGE_FRESH;
        num_free++;
        num_total++;
    }
}

void mm_init(struct boot_info *info) {
    uint64_t end = 0;
    for (int i = 0; i < info->num_ram; i++) {
        if (info->ram[i].end > end)
            end = info->ram[i].end;
    }
    if (end > DIRECT_MAP_LIMIT)
        end = DIRECT_MAP_LIMIT; /* only the direct-mapped part is usable */
    num_pages = end / PAGE_SIZE;
    uint64_t table = boot_take(info, num_pages, DIRECT_MAP_LIMIT);
    if (!table)
        panic("no room for the page table of %lu pages", num_pages);
    page_state = PADDR2PTR(table);
    memset(page_state, PAGE_RESERVED, num_pages);
    for (int i = 0; i < info->num_ram; i++)
        add_region(info->ram[i].start, info->ram[i].end, info->reserved,
                   info->num_reserved);
}

uint64_t page_alloc(void) {
    uint64_t paddr = free_list;
    if (paddr) {
        ASSERT(page_state[paddr / PAGE_SIZE] == PAGE_FREE);
        free_list = *(uint64_t *) PADDR2PTR(paddr);
    } else if (!(paddr = take_fresh())) {
        return 0;
    }
    page_state[paddr / PAGE_SIZE] = PAGE_USED;
    num_free--;
    memset(PADDR2PTR(paddr), 0, PAGE_SIZE);
    return paddr;
}

void page_free(uint64_t paddr) {
    ASSERT(paddr % PAGE_SIZE == 0 && paddr / PAGE_SIZE < num_pages);
    if (page_state[paddr / PAGE_SIZE] != PAGE_USED)
        panic("page_free: page %p is not in use", (void *) paddr);
    push_free(paddr);
}

uint64_t mm_free_pages(void) { return num_free; }
uint64_t mm_total_pages(void) { return num_total; }

/* The first run of n fresh pages. The scan is linear in RAM: device
 * memory is made rarely, by drivers at start-up. */
uint64_t page_alloc_contig(uint64_t n) {
    uint64_t first = next_fresh, run = 0;
    for (uint64_t i = next_fresh; i < num_pages && run < n; i++) {
        run = page_state[i] == PAGE_FRESH ? run + 1 : 0;
        first = run ? first : i + 1;
    }
    if (n == 0 || run < n)
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        page_state[first + i] = PAGE_USED;
        memset(PADDR2PTR((first + i) * PAGE_SIZE), 0, PAGE_SIZE);
    }
    num_free -= n;
    return first * PAGE_SIZE;
}

bool mem_charge(struct mem_account *a, uint64_t bytes) {
    if (!a)
        return true;
    ASSERT(!a->ended); /* nothing is made for a task that has ended */
    if (bytes > a->limit - a->used || a->used > a->limit)
        return false;
    a->used += bytes;
    return true;
}

/* Bytes no longer held by a's task or, once it ended, by what it left:
 * they leave its parent's `given` as well. */
static void release(struct mem_account *a, uint64_t bytes) {
    for (; a; a = a->ended ? a->parent : NULL) {
        ASSERT(a->used >= bytes);
        a->used -= bytes;
        if (a->ended && a->parent) {
            ASSERT(a->parent->given >= bytes);
            a->parent->given -= bytes;
        }
    }
}

void mem_uncharge(struct mem_account *a, uint64_t bytes) { release(a, bytes); }

void mem_end(struct mem_account *a) {
    ASSERT(!a->ended && a->used <= a->limit);
    a->ended = true;
    if (a->parent) {
        uint64_t unused = a->limit - a->used;
        ASSERT(a->parent->given >= unused);
        a->parent->given -= unused;
        release(a->parent, unused);
    }
}

uint64_t page_alloc_charged(struct mem_account *a) {
    if (!mem_charge(a, PAGE_SIZE))
        return 0;
    uint64_t paddr = page_alloc();
    if (!paddr)
        mem_uncharge(a, PAGE_SIZE);
    return paddr;
}

void page_free_charged(struct mem_account *a, uint64_t paddr) {
    page_free(paddr);
    mem_uncharge(a, PAGE_SIZE);
}
