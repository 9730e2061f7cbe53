#pragma once
#include <error.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A task's regions: what vm_map and vm_pager put in its address space
 * (the program image, stack and boot image are mapped at creation and
 * are not regions). One charged page of them per task, sorted by address.
 */
struct task;
struct memobj;

/* flags: the MAP_* of vm.h, then these. */
#define REGION_PAGER (1u << 8)       /* pages come from `pager` on a fault */
#define REGION_GUARD_BELOW (1u << 9) /* the page below stays unmapped */
#define REGION_GUARD_ABOVE (1u << 10)

struct vm_region {
    uint64_t start;
    uint32_t npages;
    uint32_t flags;
    union {
        struct memobj *obj; /* NULL: private pages of the task's own */
        struct task *pager; /* REGION_PAGER */
    };
    uint64_t arg; /* obj: the object's page at `start`; pager: the badge */
};

/* Map npages of obj from page `first` (obj NULL: fresh private pages) at
 * addr, or where there is room if addr is 0. Returns the address. */
int64_t vmspace_map(struct task *t, struct memobj *obj, uint64_t first,
                    uint64_t addr, uint64_t npages, uint32_t flags);
error_t vmspace_unmap(struct task *t, uint64_t addr, uint64_t npages);
/* Reserve a region whose pages `pager` gives (REGION_PAGER). */
int64_t vmspace_reserve(struct task *t, uint64_t addr, uint64_t npages,
                        uint32_t flags, struct task *pager, uint64_t badge);
/* The region holding addr, or NULL. */
struct vm_region *vmspace_find(struct task *t, uint64_t addr);
/* Drop every region of a task that has ended. */
void vmspace_destroy(struct task *t);
/* A fault at addr (access: PF_READ, PF_WRITE, PF_EXEC) on a page not
 * mapped: if a pager's region holds it, ask the pager and map what it
 * gives. false: the fault stands (the task is to end). */
bool vmspace_fault(struct task *t, uint64_t addr, int access);
