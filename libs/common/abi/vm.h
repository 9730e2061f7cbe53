#pragma once
#include <message.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Memory as capabilities (docs/memory.md). A memory object (KOBJ_MEMORY)
 * is a set of pages, zeroed when created, reachable by handle; vm_map puts
 * some of its pages into the caller's own address space with the rights
 * the handle allows, and vm_unmap takes them out. Pages are charged to the
 * budget of the task that made the object: init starts with all of RAM
 * and every task gets its budget from its creator (task_spec.memory).
 */

/* vm_map and vm_pager flags. MAP_WRITE with MAP_EXEC is refused. */
#define MAP_READ (1u << 0)
#define MAP_WRITE (1u << 1)
#define MAP_EXEC (1u << 2)
/* Keep the page below and the page above the mapping unmapped: an access
 * there is a fault, never another mapping's memory. */
#define MAP_GUARD (1u << 3)
#define MAP_FLAGS_ALL (MAP_READ | MAP_WRITE | MAP_EXEC | MAP_GUARD)

/* The `addr` of vm_map and vm_pager that lets the kernel choose. */
#define VM_ANYWHERE ((void *) 0)

/* The largest memory object, and how many mappings one task may have. */
#define MEM_SIZE_MAX (1ull << 29)
#define VM_REGIONS_MAX 128

/* mem_create flags. */
/* Physically contiguous pages whose address mem_info tells, for DMA:
 * mem_create_device only. */
#define MEM_DEVICE (1u << 0)

struct mem_info {
    uint64_t size;     /* bytes, a multiple of the page size */
    uint64_t paddr;    /* MEM_DEVICE: the first page's physical address */
    uint32_t flags;    /* MEM_DEVICE */
    uint32_t mappings; /* how many regions, in all tasks, map it */
};

/* A task's memory budget (vm_status), in bytes. */
struct vm_status {
    uint64_t limit; /* what it may hold: its creator gave it */
    /* What it holds: its own pages, objects, tables, and the budgets
     * `given` to the tasks it started (back when they end). */
    uint64_t used;
    uint64_t given;
    uint32_t regions; /* mappings made with vm_map / vm_pager */
    uint32_t reserved;
};

/*
 * Pagers. vm_pager reserves a region whose pages come from a pager task:
 * the first access to a page there sends the pager, as a call from the
 * faulting task, a message of type MSG_PAGE_FAULT (badge: the pager
 * handle's) whose data is a struct page_fault. The faulting task waits
 * for the reply:
 *   MSG_PAGE_REPLY, no handle: map a zeroed page (charged to the faulting
 *           task)
 *   MSG_PAGE_REPLY with a memory handle (add MSG_HANDLE_COPY or
 *           MSG_HANDLE_MOVE) and a struct page_reply: map a copy of that
 *           object's page (charged to the faulting task)
 *   an error code (a negative type): the task ends with EXIT_PAGE_FAULT
 * The kernel takes any type of id 0 for MSG_PAGE_REPLY. The ids are the
 * kernel's (below 16), so these messages are not in the IDL: the structs
 * below are their layout, read and written with the functions after them.
 */
#define MSG_PAGE_FAULT MSG_TYPE(2, 32, 0)
#define MSG_PAGE_REPLY MSG_TYPE(0, 8, 0)

struct page_fault {
    uint64_t addr;   /* the faulting page's address */
    uint64_t access; /* PF_READ, PF_WRITE or PF_EXEC */
    uint64_t base;   /* the region's start */
    uint64_t size;   /* the region's length in bytes */
};

struct page_reply {
    uint64_t offset; /* of the page to copy in the object, page-aligned */
};

_Static_assert(sizeof(struct page_fault) == MSG_LEN(MSG_PAGE_FAULT),
               "MSG_PAGE_FAULT sends a struct page_fault");
_Static_assert(sizeof(struct page_reply) == MSG_LEN(MSG_PAGE_REPLY),
               "MSG_PAGE_REPLY sends a struct page_reply");

/* A pager reads the fault and the kernel writes it; the other way round
 * for the reply. They copy rather than cast: to the compiler, a message's
 * data is not a struct page_fault (the aliasing rules). */
static inline struct page_fault page_fault_of(const struct message *m) {
    struct page_fault pf;
    __builtin_memcpy(&pf, m->data, sizeof(pf));
    return pf;
}

static inline void page_fault_set(struct message *m, struct page_fault pf) {
    __builtin_memcpy(m->data, &pf, sizeof(pf));
}

static inline struct page_reply page_reply_of(const struct message *m) {
    struct page_reply pr;
    __builtin_memcpy(&pr, m->data, sizeof(pr));
    return pr;
}

static inline void page_reply_set(struct message *m, struct page_reply pr) {
    __builtin_memcpy(m->data, &pr, sizeof(pr));
}

#define PF_READ 0
#define PF_WRITE 1
#define PF_EXEC 2
