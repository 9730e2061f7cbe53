#pragma once
#include <stdint.h>

/* Where the boot image (multiboot module) lies in physical memory. */
struct boot_image {
    uint64_t paddr;
    uint64_t size; /* rounded up to whole pages */
};
extern struct boot_image boot_image;
