/*
 * Page faults in a region with a pager (vm_pager): the fault becomes a
 * call from the faulting task to the pager, made by the kernel, and the
 * reply says what to map (vm.h, docs/memory.md).
 */
#include "arch.h"
#include "handle.h"
#include "ipc.h"
#include "memory.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include "vmspace.h"
#include <string.h>
#include <vm.h>

static bool access_allowed(uint32_t flags, int access) {
    return (access != PF_WRITE || (flags & MAP_WRITE)) &&
           (access != PF_EXEC || (flags & MAP_EXEC));
}

/* The page the reply gives: zeroed, or a copy of a page of the memory
 * object it carries. 0 when the reply is bad or the budget is spent. */
static uint64_t page_from_reply(struct task *t, const struct message *m) {
    const struct memobj *src = NULL;
    uint64_t index = 0;
    if (m->type < 0 || MSG_ID(m->type) != 0)
        return 0; /* the pager refused */
    if (m->handle) {
        error_t err;
        struct handle *h =
            handle_get(t, m->handle, KOBJ_MEMORY, RIGHT_MAP_READ, &err);
        uint64_t off = page_reply_of(m).offset;
        if (!h || off % PAGE_SIZE || off / PAGE_SIZE >= memobj_pages(h->mem))
            return 0;
        src = h->mem;
        index = off / PAGE_SIZE;
    }
    uint64_t page = page_alloc_charged(&t->mem);
    if (page && src)
        memcpy(PADDR2PTR(page), PADDR2PTR(memobj_page(src, index)), PAGE_SIZE);
    return page;
}

static unsigned page_flags(uint32_t flags) {
    return VM_USER | VM_OWNED | ((flags & MAP_WRITE) ? VM_WRITE : 0) |
           ((flags & MAP_EXEC) ? VM_EXEC : 0);
}

bool vmspace_fault(struct task *t, uint64_t addr, int access) {
    struct vm_region *r = vmspace_find(t, addr);
    if (!r || !(r->flags & REGION_PAGER) || !access_allowed(r->flags, access))
        return false;
    uint64_t va = addr & ~(PAGE_SIZE - 1);
    struct message m = {.type = MSG_PAGE_FAULT};
    page_fault_set(&m, (struct page_fault){.addr = va,
                                           .access = (uint64_t) access,
                                           .base = r->start,
                                           .size = r->npages * PAGE_SIZE});
    uint32_t flags = r->flags;
    /* r may move in the table while we wait; nothing else changes it,
     * for only we could, and we are waiting. */
    error_t err = ipc_kernel_call(r->pager, r->arg, &m);
    uint64_t page = err == OK ? page_from_reply(t, &m) : 0;
    if (err == OK && m.handle > 0)
        handle_close(t, m.handle); /* ours only for the fault */
    if (!page)
        return false;
    if (vm_map(t->arch.pml4, va, page, page_flags(flags), &t->mem) != OK) {
        page_free_charged(&t->mem, page);
        return false;
    }
    return true;
}
