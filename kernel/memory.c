#include "memory.h"
#include "arch.h"
#include "printk.h"
#include "task.h"
#include <string.h>
#include <vm.h>

/* One page: the header, then the pages themselves or, for an object of
 * more than MEMOBJ_SLOTS pages, leaf pages of LEAF_SLOTS addresses each.
 * Device memory is contiguous and needs no list. */
struct memobj {
    uint32_t refs;     /* handles and mappings */
    uint32_t mappings; /* regions that map it */
    /* Of those, the writable and the executable ones: one is always 0. */
    uint32_t writable, executable;
    uint64_t npages;
    struct task *owner; /* charged for it; referenced until the object goes */
    uint64_t device;    /* device memory: the first page, else 0 */
    uint64_t slots[];
};

#define MEMOBJ_SLOTS ((PAGE_SIZE - sizeof(struct memobj)) / sizeof(uint64_t))
#define LEAF_SLOTS (PAGE_SIZE / sizeof(uint64_t))
_Static_assert(MEM_SIZE_MAX / PAGE_SIZE <= MEMOBJ_SLOTS * LEAF_SLOTS,
               "the largest object fits in two levels");

static bool two_level(const struct memobj *obj) {
    return !obj->device && obj->npages > MEMOBJ_SLOTS;
}

static uint64_t leaves_of(uint64_t npages) {
    return npages > MEMOBJ_SLOTS ? (npages + LEAF_SLOTS - 1) / LEAF_SLOTS : 0;
}

/* Where page i's address lives. */
static uint64_t *slot(const struct memobj *obj, uint64_t i) {
    if (!two_level(obj))
        return (uint64_t *) &obj->slots[i];
    uint64_t *leaf = PADDR2PTR(obj->slots[i / LEAF_SLOTS]);
    return &leaf[i % LEAF_SLOTS];
}

uint64_t memobj_page(const struct memobj *obj, uint64_t i) {
    ASSERT(i < obj->npages);
    return obj->device ? obj->device + i * PAGE_SIZE : *slot(obj, i);
}

uint64_t memobj_pages(const struct memobj *obj) { return obj->npages; }
uint64_t memobj_device_paddr(const struct memobj *obj) { return obj->device; }
uint32_t memobj_mappings(const struct memobj *obj) { return obj->mappings; }

error_t memobj_map(struct memobj *obj, uint32_t flags) {
    if (((flags & MAP_EXEC) && obj->writable) ||
        ((flags & MAP_WRITE) && obj->executable))
        return ERR_BAD_STATE;
    obj->mappings++;
    obj->writable += (flags & MAP_WRITE) != 0;
    obj->executable += (flags & MAP_EXEC) != 0;
    memobj_ref(obj);
    return OK;
}

void memobj_unmap(struct memobj *obj, uint32_t flags) {
    obj->mappings--;
    obj->writable -= (flags & MAP_WRITE) != 0;
    obj->executable -= (flags & MAP_EXEC) != 0;
    memobj_unref(obj);
}

/* Free what a (possibly half-built) object holds, header included. */
static void memobj_free(struct memobj *obj) {
    struct mem_account *acct = &obj->owner->mem;
    if (obj->device) {
        for (uint64_t i = 0; i < obj->npages; i++)
            page_free_charged(acct, obj->device + i * PAGE_SIZE);
    } else {
        for (uint64_t i = 0; i < obj->npages; i++) {
            uint64_t *s = two_level(obj) && !obj->slots[i / LEAF_SLOTS]
                              ? NULL
                              : slot(obj, i);
            if (s && *s)
                page_free_charged(acct, *s);
        }
        for (uint64_t l = 0; two_level(obj) && l < leaves_of(obj->npages);
             l++) {
            if (obj->slots[l])
                page_free_charged(acct, obj->slots[l]);
        }
    }
    struct task *owner = obj->owner;
    page_free_charged(acct, PTR2PADDR(obj));
    task_unref(owner);
}

static error_t fill_pages(struct memobj *obj, bool device) {
    struct mem_account *acct = &obj->owner->mem;
    if (device) {
        if (!mem_charge(acct, obj->npages * PAGE_SIZE))
            return ERR_NO_MEMORY;
        obj->device = page_alloc_contig(obj->npages);
        if (!obj->device) {
            mem_uncharge(acct, obj->npages * PAGE_SIZE);
            return ERR_NO_MEMORY;
        }
        return OK;
    }
    for (uint64_t l = 0; l < leaves_of(obj->npages); l++) {
        if (!(obj->slots[l] = page_alloc_charged(acct)))
            return ERR_NO_MEMORY;
    }
    for (uint64_t i = 0; i < obj->npages; i++) {
        if (!(*slot(obj, i) = page_alloc_charged(acct)))
            return ERR_NO_MEMORY;
    }
    return OK;
}

struct memobj *memobj_create(struct task *owner, uint64_t npages, bool device,
                             error_t *err) {
    /* The whole cost first, so that a budget too small changes nothing. */
    uint64_t leaves = device ? 0 : leaves_of(npages); /* device: no list */
    uint64_t cost = (1 + leaves + npages) * PAGE_SIZE;
    if (cost > owner->mem.limit - owner->mem.used) {
        *err = ERR_NO_MEMORY;
        return NULL;
    }
    uint64_t paddr = page_alloc_charged(&owner->mem);
    if (!paddr) {
        *err = ERR_NO_MEMORY;
        return NULL;
    }
    struct memobj *obj = PADDR2PTR(paddr);
    obj->refs = 1;
    obj->npages = npages;
    obj->owner = owner;
    task_ref(owner);
    if ((*err = fill_pages(obj, device))) {
        if (device)
            obj->npages = 0; /* nothing to free but the header */
        memobj_free(obj);
        return NULL;
    }
    return obj;
}

void memobj_ref(struct memobj *obj) { obj->refs++; }

void memobj_unref(struct memobj *obj) {
    ASSERT(obj->refs > 0);
    if (--obj->refs == 0)
        memobj_free(obj);
}
