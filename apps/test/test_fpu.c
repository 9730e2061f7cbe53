/* Each task's x87, MMX and SSE state is its own (kernel/arch/x64/arch.c):
 * kept across preemption, never seen by another task. */
#include "test.h"

#define FPU_PATTERN 0x5a17c0de5a17c0deull
#define FCW_INIT 0x037f    /* after FNINIT */
#define MXCSR_INIT 0x1f80  /* every SIMD exception masked, round to nearest */
#define FCW_DIRTY 0x0c7f   /* round toward zero, and a precision of our own */
#define MXCSR_DIRTY 0x7f80 /* round toward zero */
#define MXCSR_OURS 0x3f80  /* round down: the case's own, while children run */
#define SUM_STEPS                                                              \
    3000000 /* tens of milliseconds: several quanta under QEMU                 \
             */

int fpu_sum(uint64_t factor) {
    volatile double f = (double) factor; /* a value only known at run time */
    double sum = 0, x = f;
    for (int i = 0; i < SUM_STEPS; i++) {
        sum += x / 3.0;
        x = x * 1.0000001 + f;
    }
    uint64_t bits;
    __builtin_memcpy(&bits, &sum, sizeof(bits));
    return (int) ((bits ^ (bits >> 32)) & 0x7fffffff);
}

static uint32_t get_mxcsr(void) {
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(uint32_t v) { __asm__ volatile("ldmxcsr %0" ::"m"(v)); }

/* Every x87/MMX and SSE register, the control word and MXCSR: ours. */
static void dirty_fpu(void) {
    uint64_t p = FPU_PATTERN;
    uint16_t fcw = FCW_DIRTY;
    __asm__ volatile(
        "fldcw %1\n"
        "movq %0, %%xmm0\n movq %0, %%xmm1\n movq %0, %%xmm2\n"
        "movq %0, %%xmm3\n movq %0, %%xmm4\n movq %0, %%xmm5\n"
        "movq %0, %%xmm6\n movq %0, %%xmm7\n movq %0, %%xmm8\n"
        "movq %0, %%xmm9\n movq %0, %%xmm10\n movq %0, %%xmm11\n"
        "movq %0, %%xmm12\n movq %0, %%xmm13\n movq %0, %%xmm14\n"
        "movq %0, %%xmm15\n"
        "movq %0, %%mm0\n movq %0, %%mm1\n movq %0, %%mm2\n movq %0, %%mm3\n"
        "movq %0, %%mm4\n movq %0, %%mm5\n movq %0, %%mm6\n movq %0, %%mm7\n"
        :
        : "r"(p), "m"(fcw)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
          "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7");
    set_mxcsr(MXCSR_DIRTY);
}

/* Which of the registers holds FPU_PATTERN, as bits (xmm n: bit n, mm n:
 * bit 16 + n), read before anything of ours could have set them. */
static uint32_t pattern_seen(void) {
    uint64_t x[16], m[8];
    __asm__ volatile(
        "movq %%xmm0, 0(%0)\n movq %%xmm1, 8(%0)\n movq %%xmm2, 16(%0)\n"
        "movq %%xmm3, 24(%0)\n movq %%xmm4, 32(%0)\n movq %%xmm5, 40(%0)\n"
        "movq %%xmm6, 48(%0)\n movq %%xmm7, 56(%0)\n movq %%xmm8, 64(%0)\n"
        "movq %%xmm9, 72(%0)\n movq %%xmm10, 80(%0)\n movq %%xmm11, 88(%0)\n"
        "movq %%xmm12, 96(%0)\n movq %%xmm13, 104(%0)\n"
        "movq %%xmm14, 112(%0)\n movq %%xmm15, 120(%0)\n"
        "movq %%mm0, 0(%1)\n movq %%mm1, 8(%1)\n movq %%mm2, 16(%1)\n"
        "movq %%mm3, 24(%1)\n movq %%mm4, 32(%1)\n movq %%mm5, 40(%1)\n"
        "movq %%mm6, 48(%1)\n movq %%mm7, 56(%1)\n emms\n"
        :
        : "r"(x), "r"(m)
        : "memory");
    uint32_t seen = 0;
    for (int i = 0; i < 16; i++)
        seen |= (uint32_t) (x[i] == FPU_PATTERN) << i;
    for (int i = 0; i < 8; i++)
        seen |= (uint32_t) (m[i] == FPU_PATTERN) << (16 + i);
    return seen;
}

/* 0 if the FPU is as a new task must find it; else what is not. */
static int fresh_fpu(void) {
    uint32_t seen = pattern_seen();
    uint16_t fcw;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    if (seen)
        return (int) seen;
    if (fcw != FCW_INIT)
        return 0x1000000 | fcw;
    return get_mxcsr() != MXCSR_INIT ? 0x2000000 | (int) get_mxcsr() : 0;
}

int fpu_child(int mode, uint64_t param) {
    if (mode == CHILD_FPU_READ)
        return fresh_fpu();
    if (mode == CHILD_FPU_SUM)
        return fpu_sum(param);
    dirty_fpu();
    for (;;) { /* switched out with every register dirty */
        struct message m;
        ipc_recv(IPC_ANY, &m);
    }
}

TEST(fpu_state_never_leaks) {
    set_mxcsr(MXCSR_OURS);
    handle_t dirty = spawn_child(CHILD_FPU_DIRTY, TEST_PRIORITY + 1);
    CHECK(dirty > 0); /* it ran first, filled its FPU and waits */
    uint32_t ours = get_mxcsr();
    handle_t fresh = spawn_child(CHILD_FPU_READ, TEST_PRIORITY + 1);
    CHECK(fresh > 0);
    int64_t code = exit_code_of(fresh);
    task_kill(dirty);
    handle_close(dirty);
    set_mxcsr(MXCSR_INIT);
    CHECK_EQ(ours, MXCSR_OURS); /* the dirty task did not touch ours */
    CHECK_EQ(code, 0);          /* nor the new task's */
}

TEST(fpu_doubles_survive_preemption) {
    /* Two tasks at one priority, below ours: the timer switches between
     * them mid-sum, many times; each must get the exact sum alone. */
    int want1 = fpu_sum(1), want3 = fpu_sum(3);
    CHECK(want1 != want3);
    handle_t a = spawn_peer(CHILD_FPU_SUM, 1, TEST_PRIORITY - 1, 0, NULL);
    handle_t b = spawn_peer(CHILD_FPU_SUM, 3, TEST_PRIORITY - 1, 0, NULL);
    CHECK(a > 0 && b > 0);
    struct task_status sa, sb;
    CHECK_ERR(wait_dead(a, &sa), OK);
    CHECK_ERR(wait_dead(b, &sb), OK);
    handle_close(a);
    handle_close(b);
    /* each ran for two quanta (10 ms) or more: they took turns */
    CHECK(sa.cpu_ticks >= 20 && sb.cpu_ticks >= 20);
    CHECK_EQ(sa.exit_code, want1);
    CHECK_EQ(sb.exit_code, want3);
}
