/*
 * Regions of a task's address space (vmspace.h). The table is one page,
 * charged to the task and freed when its last region goes; regions are
 * sorted by address and their spans (guard pages included) never meet.
 */
#include "vmspace.h"
#include "arch.h"
#include "memory.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include <layout.h>
#include <string.h>
#include <vm.h>

_Static_assert(VM_REGIONS_MAX * sizeof(struct vm_region) <= PAGE_SIZE,
               "the region table is one page");

#define BIG_PAGE (1ull << 21) /* what one page table maps */

static uint64_t region_end(const struct vm_region *r) {
    return r->start + r->npages * PAGE_SIZE;
}

/* What the region keeps to itself: its pages and its guard pages. */
static uint64_t span_start(const struct vm_region *r) {
    return r->start - ((r->flags & REGION_GUARD_BELOW) ? PAGE_SIZE : 0);
}

static uint64_t span_end(const struct vm_region *r) {
    return region_end(r) + ((r->flags & REGION_GUARD_ABOVE) ? PAGE_SIZE : 0);
}

static unsigned pte_flags(uint32_t flags) {
    return VM_USER | ((flags & MAP_WRITE) ? VM_WRITE : 0) |
           ((flags & MAP_EXEC) ? VM_EXEC : 0);
}

struct vm_region *vmspace_find(struct task *t, uint64_t addr) {
    uint32_t lo = 0, hi = t->num_regions;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        struct vm_region *r = &t->regions[mid];
        if (addr < r->start)
            hi = mid;
        else if (addr >= region_end(r))
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

/* Whether [lo, hi) meets no region's span and nothing else is mapped
 * there (the program image, stack, boot image). */
static bool range_free(struct task *t, uint64_t lo, uint64_t hi) {
    for (uint32_t i = 0; i < t->num_regions; i++) {
        const struct vm_region *r = &t->regions[i];
        if (span_start(r) < hi && lo < span_end(r))
            return false;
    }
    return vm_next_mapped(t->arch.pml4, lo, hi) == hi;
}

/* The lowest room for r in [VM_MAP_BASE, VM_MAP_END), its guard pages
 * included, or 0. Only regions are mapped there. */
static uint64_t find_room(struct task *t, const struct vm_region *r) {
    uint64_t below = r->start - span_start(r);
    uint64_t size = span_end(r) - span_start(r);
    uint64_t lo = VM_MAP_BASE;
    for (uint32_t i = 0; i < t->num_regions; i++) {
        const struct vm_region *o = &t->regions[i];
        if (span_end(o) <= lo)
            continue;
        if (span_start(o) >= lo + size)
            break;
        lo = span_end(o);
    }
    return lo + size <= VM_MAP_END ? lo + below : 0;
}

/* Choose r->start: addr, if it is a free user range, or room of our
 * choosing (addr 0). r->start is 0 on entry, so spans are guards only. */
static error_t place(struct task *t, struct vm_region *r, uint64_t addr) {
    uint64_t bytes = r->npages * PAGE_SIZE;
    if (!addr) {
        r->start = find_room(t, r);
        return r->start ? OK : ERR_NO_MEMORY;
    }
    if (addr % PAGE_SIZE)
        return ERR_INVALID_ARG;
    /* Never page 0, never the last page: sysretq must not return to a
     * task that made its call from the end of the user half. */
    uint64_t top = USER_SPACE_END - PAGE_SIZE;
    if (addr < USER_SPACE_START || addr >= top || bytes > top - addr)
        return ERR_BAD_POINTER;
    r->start = addr;
    return range_free(t, span_start(r), span_end(r)) ? OK : ERR_ALREADY_EXISTS;
}

static bool mergeable(const struct vm_region *a, const struct vm_region *b) {
    uint32_t special = REGION_PAGER | REGION_GUARD_BELOW | REGION_GUARD_ABOVE;
    return !a->obj && !b->obj && a->flags == b->flags &&
           !(a->flags & special) && region_end(a) == b->start;
}

/* The index r would have in the sorted table. */
static uint32_t index_for(const struct task *t, uint64_t start) {
    uint32_t i = 0;
    while (i < t->num_regions && t->regions[i].start < start)
        i++;
    return i;
}

/* Whether r joins a neighbour instead of taking an entry. */
static bool merges(const struct task *t, const struct vm_region *r) {
    uint32_t i = index_for(t, r->start);
    return (i > 0 && mergeable(&t->regions[i - 1], r)) ||
           (i < t->num_regions && mergeable(r, &t->regions[i]));
}

static void remove_at(struct task *t, uint32_t i) {
    memmove(&t->regions[i], &t->regions[i + 1],
            (t->num_regions - i - 1) * sizeof(t->regions[0]));
    t->num_regions--;
}

static void insert(struct task *t, const struct vm_region *r) {
    uint32_t i = index_for(t, r->start);
    if (i > 0 && mergeable(&t->regions[i - 1], r)) {
        t->regions[i - 1].npages += r->npages;
        if (i < t->num_regions &&
            mergeable(&t->regions[i - 1], &t->regions[i])) {
            t->regions[i - 1].npages += t->regions[i].npages;
            remove_at(t, i);
        }
        return;
    }
    if (i < t->num_regions && mergeable(r, &t->regions[i])) {
        t->regions[i].start = r->start;
        t->regions[i].npages += r->npages;
        return;
    }
    ASSERT(t->num_regions < VM_REGIONS_MAX);
    memmove(&t->regions[i + 1], &t->regions[i],
            (t->num_regions - i) * sizeof(t->regions[0]));
    t->regions[i] = *r;
    t->num_regions++;
}

static error_t table_get(struct task *t) {
    if (t->regions)
        return OK;
    uint64_t page = page_alloc_charged(&t->mem);
    if (!page)
        return ERR_NO_MEMORY;
    t->regions = PADDR2PTR(page);
    return OK;
}

static void table_put_if_empty(struct task *t) {
    if (t->regions && t->num_regions == 0) {
        page_free_charged(&t->mem, PTR2PADDR(t->regions));
        t->regions = NULL;
    }
}

/* Unmap [va, va + n pages), freeing the task's own pages and the tables
 * left empty. Each page leaves the TLB before it can be reused. */
static void unmap_pages(struct task *t, uint64_t va, uint64_t n) {
    bool here = t == current;
    uint64_t end = va + n * PAGE_SIZE;
    /* The mapped pages only: a pager's region costs nothing to reserve
     * and may be 64 GiB of unfaulted pages, which a walk page by page
     * (interrupts masked) would take seconds over. */
    for (uint64_t a = vm_next_mapped(t->arch.pml4, va, end); a < end;
         a = vm_next_mapped(t->arch.pml4, a + PAGE_SIZE, end)) {
        bool owned;
        uint64_t page = vm_unmap(t->arch.pml4, a, &owned);
        if (here)
            arch_tlb_flush(a, 1);
        if (page && owned)
            page_free_charged(&t->mem, page);
    }
    for (uint64_t a = va; a < end; a = (a & ~(BIG_PAGE - 1)) + BIG_PAGE)
        vm_release_tables(t->arch.pml4, a, &t->mem);
    /* ipc.c keeps a kernel pointer to our message buffer: it may have
     * been in these pages. */
    t->ipc_buf = NULL;
    t->ipc_kbuf = NULL;
}

static error_t map_pages(struct task *t, const struct vm_region *r) {
    unsigned flags = pte_flags(r->flags);
    for (uint64_t i = 0; i < r->npages; i++) {
        uint64_t va = r->start + i * PAGE_SIZE;
        error_t err;
        if (r->obj) {
            uint64_t page = memobj_page(r->obj, r->arg + i);
            err = vm_map(t->arch.pml4, va, page, flags, &t->mem);
        } else {
            uint64_t page = page_alloc_charged(&t->mem);
            err =
                page ? vm_map(t->arch.pml4, va, page, flags | VM_OWNED, &t->mem)
                     : ERR_NO_MEMORY;
            if (err && page)
                page_free_charged(&t->mem, page);
        }
        if (err) {
            unmap_pages(t, r->start, i);
            return err;
        }
    }
    return OK;
}

static uint32_t region_flags(uint32_t map_flags) {
    uint32_t f = (map_flags & (MAP_WRITE | MAP_EXEC)) | MAP_READ;
    if (map_flags & MAP_GUARD)
        f |= REGION_GUARD_BELOW | REGION_GUARD_ABOVE;
    return f;
}

/* Place r and take its table entry: all that can fail before mapping. */
static error_t claim(struct task *t, struct vm_region *r, uint64_t addr) {
    error_t err = place(t, r, addr);
    if (err)
        return err;
    if (t->num_regions >= VM_REGIONS_MAX && !merges(t, r))
        return ERR_FULL;
    return table_get(t);
}

int64_t vmspace_map(struct task *t, struct memobj *obj, uint64_t first,
                    uint64_t addr, uint64_t npages, uint32_t flags) {
    struct vm_region r = {.npages = npages,
                          .flags = region_flags(flags),
                          .obj = obj,
                          .arg = first};
    /* Private pages must fit the budget before anything changes; the
     * page tables are charged as they are made, and undone if they do
     * not fit. */
    if (!obj && (t->mem.used > t->mem.limit ||
                 npages * PAGE_SIZE > t->mem.limit - t->mem.used))
        return ERR_NO_MEMORY;
    error_t err = claim(t, &r, addr);
    if (!err && (err = map_pages(t, &r)))
        table_put_if_empty(t);
    if (err)
        return err;
    if (obj) {
        memobj_ref(obj);
        (*memobj_mappings(obj))++;
    }
    insert(t, &r);
    return (int64_t) r.start;
}

int64_t vmspace_reserve(struct task *t, uint64_t addr, uint64_t npages,
                        uint32_t flags, struct task *pager, uint64_t badge) {
    struct vm_region r = {.npages = npages,
                          .flags = region_flags(flags) | REGION_PAGER,
                          .pager = pager,
                          .arg = badge};
    error_t err = claim(t, &r, addr);
    if (err)
        return err;
    task_ref(pager);
    insert(t, &r);
    return (int64_t) r.start;
}

static void release(struct vm_region *r) {
    if (r->flags & REGION_PAGER) {
        task_unref(r->pager);
    } else if (r->obj) {
        (*memobj_mappings(r->obj))--;
        memobj_unref(r->obj);
    }
}

static void take_ref(struct vm_region *r) {
    if (r->flags & REGION_PAGER) {
        task_ref(r->pager);
    } else if (r->obj) {
        (*memobj_mappings(r->obj))++;
        memobj_ref(r->obj);
    }
}

/* Whether [addr, end) holds a mapped page that no region has. */
static bool maps_other_pages(struct task *t, uint64_t addr, uint64_t end) {
    uint64_t va = addr;
    for (uint32_t i = 0; i < t->num_regions && va < end; i++) {
        const struct vm_region *r = &t->regions[i];
        if (region_end(r) <= va)
            continue;
        uint64_t gap_end = r->start < end ? r->start : end;
        if (va < gap_end && vm_next_mapped(t->arch.pml4, va, gap_end) < gap_end)
            return true;
        va = region_end(r);
    }
    return va < end && vm_next_mapped(t->arch.pml4, va, end) < end;
}

/* Cut [lo, hi) out of region i, which holds it; returns how many
 * entries region i became (0, 1 or 2). */
static uint32_t cut(struct task *t, uint32_t i, uint64_t lo, uint64_t hi) {
    struct vm_region *r = &t->regions[i];
    uint64_t off = (hi - r->start) / PAGE_SIZE;
    if (lo == r->start && hi == region_end(r)) {
        release(r);
        remove_at(t, i);
        return 0;
    }
    if (lo == r->start) {
        r->start = hi;
        r->npages -= off;
        r->arg += (r->flags & REGION_PAGER) ? 0 : off;
        return 1;
    }
    struct vm_region right = *r;
    r->npages = (lo - r->start) / PAGE_SIZE;
    if (hi == region_end(&right))
        return 1;
    r->flags &= ~REGION_GUARD_ABOVE;
    right.flags &= ~REGION_GUARD_BELOW;
    right.start = hi;
    right.npages -= off;
    right.arg += (right.flags & REGION_PAGER) ? 0 : off;
    take_ref(&right);
    insert(t, &right);
    return 2;
}

error_t vmspace_unmap(struct task *t, uint64_t addr, uint64_t npages) {
    uint64_t bytes = npages * PAGE_SIZE;
    if (addr % PAGE_SIZE || npages == 0)
        return ERR_INVALID_ARG;
    if (addr >= USER_SPACE_END || bytes > USER_SPACE_END - addr)
        return ERR_BAD_POINTER;
    uint64_t end = addr + bytes;
    if (maps_other_pages(t, addr, end))
        return ERR_INVALID_ARG;
    struct vm_region *holder = vmspace_find(t, addr);
    if (holder && holder->start < addr && region_end(holder) > end &&
        t->num_regions >= VM_REGIONS_MAX)
        return ERR_FULL; /* the cut would need an entry more */
    for (uint32_t i = 0; i < t->num_regions;) {
        struct vm_region *r = &t->regions[i];
        uint64_t lo = r->start > addr ? r->start : addr;
        uint64_t hi = region_end(r) < end ? region_end(r) : end;
        if (lo >= hi) {
            i++;
            continue;
        }
        unmap_pages(t, lo, (hi - lo) / PAGE_SIZE);
        i += cut(t, i, lo, hi);
    }
    table_put_if_empty(t);
    return OK;
}

void vmspace_destroy(struct task *t) {
    for (uint32_t i = 0; i < t->num_regions; i++)
        release(&t->regions[i]);
    t->num_regions = 0;
    table_put_if_empty(t);
}
