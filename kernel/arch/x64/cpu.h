#pragma once
#include <stdint.h>

/* GDT, TSS, IDT and the syscall MSRs (cpu.c). */

/* Segment selectors; the order is the one sysret requires. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define TSS_SEL 0x28

void cpu_init(void);
/* Where the CPU switches stacks on entry from ring 3. */
void cpu_set_kernel_stack(uint64_t top);
