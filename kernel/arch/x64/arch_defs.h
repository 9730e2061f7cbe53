#pragma once
#include <stdint.h>

/*
 * What generic kernel code may know of x86-64 on a PC. kernel/arch.h
 * includes this file; nothing else outside kernel/arch/x64 does.
 */

/* Physical memory below 1 GiB appears at KERNEL_VBASE + its address. */
#define KERNEL_VBASE 0xffffffff80000000ull
#define DIRECT_MAP_LIMIT (1ull << 30)
#define PAGE_SIZE 4096ull

#define PADDR2PTR(p) ((void *) ((uint64_t) (p) + KERNEL_VBASE))
#define PTR2PADDR(v) ((uint64_t) (v) -KERNEL_VBASE)

/* Interrupt lines of the legacy PIC pair, and the I/O port space. */
#define ARCH_IRQ_LINES 16
#define ARCH_IO_PORTS 0x10000

/* The FXSAVE image: x87, MMX and SSE registers, MXCSR. */
#define ARCH_FPU_STATE_SIZE 512

/* Per-task CPU state. */
struct arch_task {
    uint64_t rsp;        /* saved kernel stack pointer while switched out */
    uint64_t kstack_top; /* top of this task's kernel stack */
    uint64_t pml4;       /* physical address of the page table root */
    /* The task's FPU state while another task runs (arch_switch). */
    uint8_t fpu[ARCH_FPU_STATE_SIZE] __attribute__((aligned(16)));
};
