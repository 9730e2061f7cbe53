#pragma once
#include <stdint.h>

/* Kernel virtual layout: physical memory below 1 GiB at KERNEL_VBASE + p. */
#define KERNEL_VBASE 0xffffffff80000000ull
#define DIRECT_MAP_LIMIT (1ull << 30)
#define PAGE_SIZE 4096ull

#define PADDR2PTR(p) ((void *) ((uint64_t) (p) + KERNEL_VBASE))
#define PTR2PADDR(v) ((uint64_t) (v) -KERNEL_VBASE)

/* Segment selectors; the order is the one sysret requires. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define TSS_SEL 0x28
