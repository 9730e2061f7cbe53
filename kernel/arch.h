#pragma once
#include <arch_defs.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * What the generic kernel needs from the architecture (kernel/arch/x64),
 * and all it sees of it: arch_defs.h gives the constants (page size, the
 * direct map, IRQ lines, I/O ports) and struct arch_task.
 */
struct task;

void arch_init(void);
void arch_serial_init(void);
void arch_serial_putc(char c);
void arch_irq_disable(void);
__attribute__((noreturn)) void arch_halt_on_panic(void);
/* Ends the machine under QEMU's isa-debug-exit (tests); halts otherwise. */
__attribute__((noreturn)) void arch_poweroff(int code);

/* Interrupt lines [0, ARCH_IRQ_LINES) for user-space drivers. */
bool arch_irq_reserved(unsigned irq); /* the kernel's own (timer, cascade) */
void arch_irq_line_enable(unsigned irq);
void arch_irq_line_disable(unsigned irq);

/* Port I/O of width 1, 2 or 4 bytes, ports [0, ARCH_IO_PORTS). */
uint32_t arch_io_in(uint16_t port, int width);
void arch_io_out(uint16_t port, int width, uint32_t value);

/* Timer ticks since boot; the timer runs at TIMER_HZ. */
#define TIMER_HZ 1000
uint64_t arch_ticks(void);
/* The CPU's time stamp counter (under QEMU -icount: instructions). */
uint64_t arch_timestamp(void);

/* Prepare a new task to enter user mode at rip with rsp, rdi = arg and
 * rsi = arg2. */
void arch_task_init_user(struct task *t, uint64_t rip, uint64_t rsp,
                         uint64_t arg, uint64_t arg2);
void arch_switch(struct task *prev, struct task *next);
__attribute__((noreturn)) void arch_idle_loop(void);

/* Address spaces (4-level paging). */
#define VM_WRITE (1u << 0)
#define VM_EXEC (1u << 1)
#define VM_USER (1u << 2)
#define VM_OWNED (1u << 3) /* free the frame when the space is destroyed */

struct mem_account;
/* Page tables come from page_alloc_charged(acct) (NULL: uncharged). */
uint64_t vm_create(struct mem_account *acct); /* 0 when out of memory */
/* Free the user half's tables and the frames mapped VM_OWNED (all charged
 * to acct). */
void vm_destroy(uint64_t pml4, struct mem_account *acct);
/* Map one page at a free user address; returns 0 or a negative error. */
int vm_map(uint64_t pml4, uint64_t vaddr, uint64_t paddr, unsigned flags,
           struct mem_account *acct);
/* Clear the entry of vaddr: the frame it mapped (0: none) and whether it
 * was VM_OWNED. The TLB is the caller's to flush. */
uint64_t vm_unmap(uint64_t pml4, uint64_t vaddr, bool *owned);
/* The first mapped user page in [from, to), or `to`. */
uint64_t vm_next_mapped(uint64_t pml4, uint64_t from, uint64_t to);
/* Free the page tables over vaddr left empty (they were charged to acct). */
void vm_release_tables(uint64_t pml4, uint64_t vaddr, struct mem_account *acct);
/* Drop the current space's TLB entries for pages at vaddr. */
void arch_tlb_flush(uint64_t vaddr, uint64_t pages);
/* The physical address behind vaddr if mapped for user access (and
 * writable when `write`), else 0. */
uint64_t vm_user_lookup(uint64_t pml4, uint64_t vaddr, bool write);
uint64_t vm_kernel_pml4(void);
/* Switch to the kernel-only page tables (before freeing the current ones). */
void arch_use_kernel_space(void);

/* Kernel stacks: KSTACK_SIZE bytes for task slot `slot` in every space,
 * above an unmapped guard page. Returns the lowest address, 0 when out of
 * memory. */
uint64_t arch_kstack_alloc(int slot);
void arch_kstack_free(uint64_t bottom);
/* Whether addr lies in a kernel stack's guard page (an overflow). */
bool arch_in_kstack_guard(uint64_t addr);
