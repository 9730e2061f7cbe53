/* GDT, TSS, IDT and the syscall MSRs. */
#include "cpu.h"
#include "asm.h"
#include "entry.h"
#include <stdint.h>

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __attribute__((packed)) idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_STACK_SIZE 8192
#define NUM_TRAP_STUBS 48

static struct tss tss;
static uint64_t gdt[7];
static struct idt_entry idt[256];
static uint8_t ist_stacks[2][IST_STACK_SIZE] __attribute__((aligned(16)));

static void gdt_init(void) {
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffff; /* kernel code */
    gdt[2] = 0x00cf92000000ffff; /* kernel data */
    gdt[3] = 0x00cff2000000ffff; /* user data (DPL 3) */
    gdt[4] = 0x00affa000000ffff; /* user code (DPL 3, 64-bit) */

    /* The TSS descriptor takes two slots. No I/O bitmap: every port access
     * from ring 3 faults, so drivers go through I/O-port handles. */
    uint64_t base = (uint64_t) &tss;
    uint64_t limit = sizeof(tss) - 1;
    tss.iomap_base = sizeof(tss);
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t) &ist_stacks[0][IST_STACK_SIZE];
    tss.ist[IST_NMI - 1] = (uint64_t) &ist_stacks[1][IST_STACK_SIZE];
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;

    struct desc_ptr gdtr = {sizeof(gdt) - 1, (uint64_t) gdt};
    __asm__ volatile("lgdt %0" ::"m"(gdtr));
    __asm__ volatile("ltr %w0" ::"r"(TSS_SEL));
}

static void idt_set(int vec, uint64_t handler, int ist, int dpl) {
    idt[vec] = (struct idt_entry){
        .offset_lo = handler & 0xffff,
        .selector = KERNEL_CS,
        .ist = ist,
        .type_attr = 0x8e | (dpl << 5), /* present, interrupt gate */
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_hi = handler >> 32,
    };
}

static void idt_init(void) {
    for (int i = 0; i < NUM_TRAP_STUBS; i++)
        idt_set(i, trap_stubs[i], 0, 0);
    idt_set(2, trap_stubs[2], IST_NMI, 0);
    idt_set(3, trap_stubs[3], 0, 3); /* int3 from user mode is a #BP */
    idt_set(8, trap_stubs[8], IST_DOUBLE_FAULT, 0);
    struct desc_ptr idtr = {sizeof(idt) - 1, (uint64_t) idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define RFLAGS_MASKED 0x47700 /* TF, IF, DF, IOPL, NT, AC */

static void syscall_init(void) {
    /* sysret loads CS = base + 16 and SS = base + 8 from STAR[63:48]. */
    wrmsr(MSR_STAR,
          ((uint64_t) (KERNEL_DS) << 48) | ((uint64_t) KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t) syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_MASKED);
}

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)

#define CR0_NE (1u << 5)

/*
 * Each task has its own x87, MMX and SSE state, which arch_switch saves
 * and restores with FXSAVE/FXRSTOR, so tasks may use them: EM and TS
 * clear, MP and NE set (WAIT checks for x87 errors, reported as #MF),
 * OSFXSR for FXSAVE and SSE, OSXMMEXCPT so that an unmasked SIMD error is
 * #XM (it ends the task, as any exception does). AVX state is not saved:
 * with OSXSAVE clear an AVX instruction raises #UD and ends the task.
 */
static void fpu_init(void) {
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4((read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT) & ~CR4_OSXSAVE);
}

void cpu_init(void) {
    gdt_init();
    idt_init();
    syscall_init();
    fpu_init();
}

void cpu_set_kernel_stack(uint64_t top) {
    tss.rsp[0] = top;
    syscall_kernel_rsp = top;
}
