#pragma once
#include <stdint.h>

/*
 * What generic kernel code may know of x86-64 on a PC. kernel/arch.h
 * includes this file; nothing else outside kernel/arch/x64 does.
 *
 * The kernel half of every address space (docs/architecture.md, "Kernel
 * address space"), one PML4 entry per area:
 *
 *   PML4[256] DIRECT_MAP_BASE   all RAM of the memory map, at base + paddr
 *   PML4[384] KSTACK_AREA_BASE  kernel stacks, each above an unmapped guard
 *   PML4[511] KERNEL_VBASE      the kernel image (-mcmodel=kernel)
 */
#define DIRECT_MAP_BASE 0xffff800000000000ull
/* One PML4 entry's worth of physical addresses: RAM beyond is unused. */
#define DIRECT_MAP_LIMIT (1ull << 39)
#define KSTACK_AREA_BASE 0xffffc00000000000ull
#define KERNEL_VBASE 0xffffffff80000000ull
#define PAGE_SIZE 4096ull

/* A task's kernel stack: KSTACK_SIZE bytes in slot `task slot` of the
 * stack area, the slot's lowest page left unmapped. */
#define KSTACK_SIZE (16 * 1024ull)
#define KSTACK_SLOT_SIZE (KSTACK_SIZE + PAGE_SIZE)

#define PADDR2PTR(p) ((void *) ((uint64_t) (p) + DIRECT_MAP_BASE))
#define PTR2PADDR(v) ((uint64_t) (v) -DIRECT_MAP_BASE)
/* The physical address of a kernel image symbol. */
#define KIMG2PADDR(v) ((uint64_t) (v) -KERNEL_VBASE)

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
