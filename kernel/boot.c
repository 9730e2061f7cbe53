/* Boot-time memory, before the page allocator exists. */
#include "boot.h"
#include "arch.h"
#include "printk.h"
#include <stddef.h>

static uint64_t page_up(uint64_t a) {
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* A reserved range that [start, end) overlaps, or NULL. */
static const struct mem_range *reserved_overlap(const struct boot_info *info,
                                                uint64_t start, uint64_t end) {
    for (int i = 0; i < info->num_reserved; i++) {
        const struct mem_range *r = &info->reserved[i];
        if (start < r->end && r->start < end)
            return r;
    }
    return NULL;
}

uint64_t boot_take(struct boot_info *info, uint64_t size, uint64_t below) {
    ASSERT(info->num_reserved < BOOT_RESERVED_MAX);
    size = page_up(size);
    for (int i = 0; i < info->num_ram; i++) {
        uint64_t limit = info->ram[i].end < below ? info->ram[i].end : below;
        uint64_t start = page_up(info->ram[i].start);
        const struct mem_range *r;
        /* First fit: skip past each reserved range in the way. */
        while (start + size <= limit &&
               (r = reserved_overlap(info, start, start + size)))
            start = page_up(r->end);
        if (start && start + size <= limit) {
            info->reserved[info->num_reserved++] =
                (struct mem_range){start, start + size};
            return start;
        }
    }
    return 0;
}
