/* Architecture glue: start-up, task contexts, idle, power-off. */
#include "arch.h"
#include "asm.h"
#include "cpu.h"
#include "entry.h"
#include "paging.h"
#include "pic.h"
#include "pit.h"
#include "task.h"
#include "trap.h"
#include <string.h>

#define DEBUG_EXIT_PORT 0xf4
#define PANIC_EXIT_CODE 2
#define RFLAGS_IF 0x200
#define RFLAGS_RESERVED 0x2

void arch_init(void) {
    paging_init();
    cpu_init();
    pic_init();
    pit_init();
}

bool arch_irq_reserved(unsigned irq) {
    return irq == PIC_IRQ_TIMER || irq == PIC_IRQ_CASCADE;
}

void arch_irq_line_enable(unsigned irq) { pic_unmask(irq); }
void arch_irq_line_disable(unsigned irq) { pic_mask(irq); }

uint32_t arch_io_in(uint16_t port, int width) {
    return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

void arch_io_out(uint16_t port, int width, uint32_t value) {
    if (width == 1)
        outb(port, value);
    else if (width == 2)
        outw(port, value);
    else
        outl(port, value);
}

void arch_irq_disable(void) { __asm__ volatile("cli"); }

void arch_poweroff(int code) {
    outb(DEBUG_EXIT_PORT, code); /* QEMU's isa-debug-exit, when present */
    outw(0x604, 0x2000);         /* QEMU's ACPI power-off otherwise */
    halt_forever();
}

void arch_halt_on_panic(void) { arch_poweroff(PANIC_EXIT_CODE); }

/* The frame arch_switch_stack pops, followed by its return address. */
struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t ret;
};

static uint64_t *stack_top(struct task *t) {
    t->arch.kstack_top = t->kstack + KSTACK_SIZE;
    return (uint64_t *) t->arch.kstack_top;
}

/* A new task's FPU: as after FNINIT (every x87 exception masked, double
 * extended precision) with MXCSR's reset value (SSE exceptions masked),
 * every register zero: nothing of another task's. */
#define FCW_INIT 0x037f
#define MXCSR_INIT 0x1f80
#define FXSAVE_MXCSR 24 /* offset of MXCSR in the FXSAVE image */

static void fpu_state_init(uint8_t *fpu) {
    uint16_t fcw = FCW_INIT;
    uint32_t mxcsr = MXCSR_INIT;
    memset(fpu, 0, ARCH_FPU_STATE_SIZE);
    memcpy(fpu, &fcw, sizeof(fcw));
    memcpy(fpu + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void arch_task_init_user(struct task *t, uint64_t rip, uint64_t rsp,
                         uint64_t arg, uint64_t arg2) {
    fpu_state_init(t->arch.fpu);
    struct iframe *f = (struct iframe *) stack_top(t) - 1;
    memset(f, 0, sizeof(*f));
    f->rip = rip;
    f->cs = USER_CS;
    f->rflags = RFLAGS_IF | RFLAGS_RESERVED;
    f->rsp = rsp;
    f->ss = USER_DS;
    f->rdi = arg;
    f->rsi = arg2;
    struct switch_frame *sf = (struct switch_frame *) f - 1;
    memset(sf, 0, sizeof(*sf));
    sf->ret = (uint64_t) task_first_entry;
    t->arch.rsp = (uint64_t) sf;
}

/* The FPU state goes with the task, eagerly: every task's code may use
 * SSE (the compiler's copies do), so a lazy switch would trap on nearly
 * every switch anyway. The kernel itself never touches the FPU. */
void arch_switch(struct task *prev, struct task *next) {
    __asm__ volatile("fxsave64 %0" : "=m"(prev->arch.fpu));
    __asm__ volatile("fxrstor64 %0" ::"m"(next->arch.fpu));
    cpu_set_kernel_stack(next->arch.kstack_top);
    if (read_cr3() != next->arch.pml4)
        write_cr3(next->arch.pml4);
    arch_switch_stack(&prev->arch.rsp, next->arch.rsp);
}

void arch_use_kernel_space(void) { write_cr3(vm_kernel_pml4()); }

void arch_idle_loop(void) {
    for (;;)
        __asm__ volatile("sti; hlt; cli");
}
