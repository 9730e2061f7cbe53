/* Exceptions and interrupts. */
#include "trap.h"
#include "asm.h"
#include "irq.h"
#include "kdebug.h"
#include "pic.h"
#include "pit.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include "usercopy.h"
#include "ktrace.h"
#include "vmspace.h"
#include <vm.h>
#define VEC_DIVIDE 0
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OPCODE 6
#define VEC_NO_FPU 7
#define VEC_DOUBLE_FAULT 8
#define VEC_GP 13
#define VEC_PAGE_FAULT 14

static const char *const vector_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating point",
    "alignment check",
    "machine check",
    "SIMD floating point",
    "virtualization",
    "control protection",
};

static uint32_t exit_reason_for(uint64_t vector) {
    switch (vector) {
    case VEC_DIVIDE:
        return EXIT_DIVIDE_ERROR;
    case VEC_BREAKPOINT:
        return EXIT_BREAKPOINT;
    case VEC_INVALID_OPCODE:
        return EXIT_INVALID_OPCODE;
    case VEC_GP:
        return EXIT_GP_FAULT;
    case VEC_PAGE_FAULT:
        return EXIT_PAGE_FAULT;
    default:
        return EXIT_OTHER_FAULT;
    }
}

static const char *vector_name(uint64_t vector) {
    const char *name = vector < 32 ? vector_names[vector] : NULL;
    return name ? name : "exception";
}

/* An FPU instruction the kernel keeps no state for (see fpu_init): AVX
 * ones raise #UD, and those start with a VEX (0xc4, 0xc5) or EVEX (0x62)
 * byte, which means nothing else in 64-bit mode. (#NM cannot happen with
 * CR0.TS clear, but would mean the same.) */
static bool is_fpu_fault(const struct iframe *f) {
    if (f->vector == VEC_NO_FPU)
        return true;
    uint8_t op;
    return f->vector == VEC_INVALID_OPCODE &&
           copy_from_user(&op, (const void __user *) f->rip, 1) == OK &&
           (op == 0xc4 || op == 0xc5 || op == 0x62);
}

/* Page fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_ERR_PRESENT (1u << 0)
#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_FETCH (1u << 4)

/* A fault on a page that is not mapped may be a pager's to answer. */
static bool pager_answers(const struct iframe *f, uint64_t addr) {
    if (f->vector != VEC_PAGE_FAULT || (f->error & PF_ERR_PRESENT))
        return false;
    int access = (f->error & PF_ERR_FETCH)   ? PF_EXEC
                 : (f->error & PF_ERR_WRITE) ? PF_WRITE
                                             : PF_READ;
    return vmspace_fault(current, addr, access);
}

/* A fault in user mode ends the task, never the kernel. */
static void user_fault(struct iframe *f) {
    uint64_t addr = f->vector == VEC_PAGE_FAULT ? read_cr2() : 0;
    if (pager_answers(f, addr))
        return;
    bool fpu = is_fpu_fault(f);
    printk("[kernel] task %s (#%u) killed: %s (error %#lx) at rip %p, "
           "address %p\n",
           current->name, current->id,
           fpu ? "AVX instruction, whose state tasks do not have"
               : vector_name(f->vector),
           f->error, (void *) f->rip, (void *) addr);
    task_set_fault(current, addr, f->rip);
    task_end(current, fpu ? EXIT_FPU : exit_reason_for(f->vector), f->vector);
}

/* From syscall_entry: the return address is not canonical (see there). */
__attribute__((noreturn)) void syscall_bad_return_rip(uint64_t rip) {
    printk("[kernel] task %s (#%u) killed: system call from the end of the "
           "user half returns to %p\n",
           current->name, current->id, (void *) rip);
    task_set_fault(current, rip, rip);
    task_end(current, EXIT_GP_FAULT, VEC_GP);
    __builtin_unreachable();
}

static void kernel_fault(struct iframe *f) {
    /* A push into a kernel stack's guard page cannot deliver its #PF on
     * that stack: it becomes a #DF, on an IST stack, with CR2 set. */
    bool pf_or_df =
        f->vector == VEC_PAGE_FAULT || f->vector == VEC_DOUBLE_FAULT;
    uint64_t cr2 = pf_or_df ? read_cr2() : 0;
    if (pf_or_df && arch_in_kstack_guard(cr2))
        printk("\nkernel stack overflow: %p is a guard page", (void *) cr2);
    printk("\nkernel %s (vector %lu, error %#lx) at ", vector_name(f->vector),
           f->vector, f->error);
    kdebug_print_symbol(f->rip);
    printk(", cr2 %p\nrax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
           "rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n",
           (void *) cr2, f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp,
           f->rsp);
    printk("faulting frame backtrace:\n");
    kdebug_backtrace(f->rbp);
    if (pf_or_df && arch_in_kstack_guard(cr2))
        panic("kernel stack overflow");
    panic("unexpected %s in the kernel", vector_name(f->vector));
}

static void irq(int n) {
    if (pic_is_spurious(n))
        return;
    pic_eoi(n);
    trace_irq_enter();
    if (n == PIC_IRQ_TIMER) {
        pit_tick();
        sched_tick();
    } else {
        irq_raise(n);
    }
    trace_irq_exit();
}

void trap_handler(struct iframe *f) {
    if (f->vector >= PIC_IRQ_BASE)
        irq(f->vector - PIC_IRQ_BASE);
    else if ((f->cs & 3) == 3)
        user_fault(f);
    else
        kernel_fault(f);
    sched_yield_if_needed();
}
