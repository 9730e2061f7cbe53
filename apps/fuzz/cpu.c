/*
 * What a worker does without a system call: hold the CPU for a while
 * (so timeouts fire while others wait), probe whether its x87 and SSE
 * state stays its own, and fault on purpose.
 */
#include "worker.h"

#define SPIN_MS_MAX 4
#define X87_CW_MASK 0x0f3f /* exception masks, precision, rounding */
#define X87_CW_INIT 0x037f /* after FNINIT, as a new task must find it */

static uint16_t my_cw = X87_CW_INIT;   /* the x87 control word we expect */
#define MXCSR_INIT 0x1f80              /* as a new task must find it */
static uint32_t my_mxcsr = MXCSR_INIT; /* the MXCSR we expect */

static void spin(void) {
    uint64_t until = uptime_ms() + rnd_below(SPIN_MS_MAX);
    while (uptime_ms() < until)
        ;
}

/* A control word no other worker is likely to choose. */
static uint16_t cw_of(uint32_t seq) {
    uint32_t k = seq % 1023 + 1;
    return (uint16_t) (0x1040 | (k & 0x3f) | ((k >> 6) & 0xf) << 8);
}

/* Exceptions stay masked (bits 7..12); rounding (13, 14), flush to zero
 * (15) and denormals are zero (6) vary with seq. */
static uint32_t mxcsr_of(uint32_t seq) {
    uint32_t k = seq % 15 + 1;
    return MXCSR_INIT | (k & 7) << 13 | (k & 8) << 3;
}

/* Either the state is per task (a new task finds it fresh) or using it
 * faults (the kernel decides); seeing another task's value is the bug. */
static void probe_x87(void) {
    uint16_t cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    if ((cw & X87_CW_MASK) != (my_cw & X87_CW_MASK))
        found(FINDING_FPU_SHARED, "x87 control word %#x, expected %#x", cw,
              my_cw);
    my_cw = cw_of(w.seq);
    __asm__ volatile("fldcw %0" ::"m"(my_cw));
}

/* MXCSR, not an XMM register: the compiler uses those for copies, but
 * leaves MXCSR alone. */
static void probe_sse(void) {
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    if (v != my_mxcsr)
        found(FINDING_FPU_SHARED, "MXCSR is %#x, expected %#x", v, my_mxcsr);
    my_mxcsr = mxcsr_of(w.seq);
    __asm__ volatile("ldmxcsr %0" ::"m"(my_mxcsr));
}

static int recurse(int depth) {
    volatile char pad[512];
    pad[0] = (char) depth;
    return depth > 1000000 ? pad[0] : recurse(depth + 1) + pad[0];
}

/* Each ends this worker (the coordinator starts another). */
static void fault(void) {
    static const uint8_t ret_insn = 0xc3;
    switch (rnd_below(9)) {
    case 0:
        *(volatile int *) (uintptr_t) rnd_below(4096) = 1;
        break;
    case 1:
        __asm__ volatile("ud2");
        break;
    case 2:
        __asm__ volatile("int3");
        break;
    case 3:
        __asm__ volatile("cli");
        break;
    case 4: /* execute data */
        ((void (*)(void))(uintptr_t) &ret_insn)();
        break;
    case 5:
        recurse(0);
        break;
    case 6: /* a system call with a stack that is not one */
        __asm__ volatile("mov %%rsp, %%r12; mov %0, %%rsp; syscall; "
                         "push %%rax; mov %%r12, %%rsp" ::"r"(pick_value()),
                         "a"(SYS_nop)
                         : "r12", "rcx", "r11", "rdi", "rsi", "rdx", "r10",
                           "r8", "r9", "memory");
        break;
    case 7:
        __asm__ volatile("xor %%edx, %%edx; div %%ecx" ::"a"(1), "c"(0)
                         : "rdx");
        break;
    default:
        ((void (*)(void))(uintptr_t) pick_value())();
    }
}

/* Mostly spinning: each probe or fault may end the worker, and a new one
 * costs a task_create. */
void fuzz_cpu(void) {
    switch (rnd_below(16)) {
    case 0:
        probe_x87();
        break;
    case 1:
        probe_sse();
        break;
    case 2:
    case 3:
        fault();
        break;
    default:
        spin();
    }
}
