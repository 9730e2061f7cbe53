#pragma once

/* Page tables (paging.c); the rest of its interface is in kernel/arch.h. */
void paging_init(void);
struct boot_info;
/* Build the direct map of the boot memory map's RAM (before kernel_main). */
void paging_map_ram(struct boot_info *info);
