#pragma once
#include "mm.h"
#include <stdint.h>

/* Where the boot image (multiboot module) lies in physical memory. */
struct boot_image {
    uint64_t paddr;
    uint64_t size; /* rounded up to whole pages */
};
extern struct boot_image boot_image;

#define BOOT_RAM_RANGES_MAX 32
#define BOOT_RESERVED_MAX 8
#define BOOT_CMDLINE_MAX 256

/* What the boot loader handed over, as the architecture's start-up code
 * found it (for x86-64: kernel/arch/x64/multiboot.c). */
struct boot_info {
    struct mem_range ram[BOOT_RAM_RANGES_MAX];    /* usable RAM */
    struct mem_range reserved[BOOT_RESERVED_MAX]; /* in it, not to be used */
    int num_ram, num_reserved;
    struct boot_image image;
    char cmdline[BOOT_CMDLINE_MAX];
};

/* Take `size` bytes (whole pages) of usable RAM below `below` for the
 * kernel's own boot-time tables: their physical address, now a reserved
 * range, or 0 if no such RAM is left (kernel/boot.c). */
uint64_t boot_take(struct boot_info *info, uint64_t size, uint64_t below);

__attribute__((noreturn)) void kernel_main(struct boot_info *info);
