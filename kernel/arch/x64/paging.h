#pragma once

/* Page tables (paging.c); the rest of its interface is in kernel/arch.h. */
void paging_init(void);
