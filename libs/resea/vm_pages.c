/*
 * The heap's pages (see <resea/vm_pages.h>): a bump pointer over an area
 * of its own, with the holes that puts leave below it filled first.
 */
#include <error.h>
#include <layout.h>
#include <resea/vm_pages.h>
#include <stdbool.h>

#define PAGE 4096

_Static_assert(VM_PAGES_HEAP_BASE > BOOTFS_ADDR &&
                   VM_PAGES_HEAP_BASE + VM_PAGES_HEAP_SIZE <= VM_MAP_BASE,
               "the heap is clear of the boot image and of VM_ANYWHERE");

void vm_pages_init(struct vm_pages *vp, const struct vm_pages_ops *ops,
                   uintptr_t base, size_t size) {
    *vp = (struct vm_pages){
        .ops = *ops, .base = base, .end = base + size, .top = base};
}

static uintptr_t hole_end(const struct vm_hole *h) {
    return h->addr + h->pages * PAGE;
}

static void remove_hole(struct vm_pages *vp, size_t i) {
    for (size_t j = i + 1; j < vp->num_holes; j++)
        vp->holes[j - 1] = vp->holes[j];
    vp->num_holes--;
}

/* From the first hole big enough: its address, 0 if none has room, or an
 * error of the kernel's other than "something is there" (a hole where
 * something is mapped now is forgotten, and the next one tried). */
static int64_t from_holes(struct vm_pages *vp, size_t pages) {
    for (size_t i = 0; i < vp->num_holes;) {
        struct vm_hole *h = &vp->holes[i];
        if (h->pages < pages) {
            i++;
            continue;
        }
        int64_t r = vp->ops.map((void *) h->addr, pages * PAGE);
        if (r == ERR_ALREADY_EXISTS) {
            remove_hole(vp, i);
            vp->forgotten++;
            continue;
        }
        if (r < 0)
            return r;
        h->addr += pages * PAGE;
        h->pages -= pages;
        if (h->pages == 0)
            remove_hole(vp, i);
        return r;
    }
    return 0;
}

void *vm_pages_get(void *ctx, size_t pages) {
    struct vm_pages *vp = ctx;
    if (pages == 0 || pages > (vp->end - vp->base) / PAGE)
        return NULL;
    uint64_t len = pages * PAGE;
    int64_t r = from_holes(vp, pages);
    if (r != 0)
        return r > 0 ? (void *) r : NULL;
    if (len <= vp->end - vp->top) {
        r = vp->ops.map((void *) vp->top, len);
        if (r > 0) {
            vp->top += len;
            return (void *) r;
        }
        if (r != ERR_ALREADY_EXISTS)
            return NULL; /* out of budget or regions: no use elsewhere */
    }
    r = vp->ops.map(NULL, len);
    if (r <= 0)
        return NULL;
    vp->elsewhere++;
    return (void *) r;
}

/* Remember [addr, addr + pages) as free, merged with the holes it
 * touches. One that overlaps a hole (pages got elsewhere that the kernel
 * placed in a hole of ours) or finds the table full is forgotten. */
static void add_hole(struct vm_pages *vp, uintptr_t addr, size_t pages) {
    uintptr_t end = addr + pages * PAGE;
    size_t i = 0;
    while (i < vp->num_holes && vp->holes[i].addr < addr)
        i++;
    struct vm_hole *prev = i > 0 ? &vp->holes[i - 1] : NULL;
    struct vm_hole *next = i < vp->num_holes ? &vp->holes[i] : NULL;
    if ((prev && hole_end(prev) > addr) || (next && next->addr < end)) {
        vp->forgotten++;
        return;
    }
    bool joins_prev = prev && hole_end(prev) == addr;
    bool joins_next = next && next->addr == end;
    if (joins_prev) {
        prev->pages += pages + (joins_next ? next->pages : 0);
        if (joins_next)
            remove_hole(vp, i);
    } else if (joins_next) {
        next->addr = addr;
        next->pages += pages;
    } else if (vp->num_holes == VM_PAGES_HOLES) {
        vp->forgotten++;
    } else {
        for (size_t j = vp->num_holes; j > i; j--)
            vp->holes[j] = vp->holes[j - 1];
        vp->holes[i] = (struct vm_hole){addr, pages};
        vp->num_holes++;
    }
}

void vm_pages_put(void *ctx, void *addr, size_t pages) {
    struct vm_pages *vp = ctx;
    uintptr_t a = (uintptr_t) addr;
    if (vp->ops.unmap(addr, pages * PAGE) != 0)
        return; /* not ours to unmap: nothing changed */
    if (a < vp->base || a >= vp->top || pages * PAGE > vp->top - a)
        return; /* got elsewhere */
    if (a + pages * PAGE != vp->top) {
        add_hole(vp, a, pages);
        return;
    }
    /* The topmost pages: the top comes down, past a hole just below. */
    vp->top = a;
    struct vm_hole *last =
        vp->num_holes > 0 ? &vp->holes[vp->num_holes - 1] : NULL;
    if (last && hole_end(last) == vp->top) {
        vp->top = last->addr;
        vp->num_holes--;
    }
}
