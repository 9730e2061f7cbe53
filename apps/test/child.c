/* What copies of the test task do: mostly, fail in one particular way. */
#include "test.h"
#include <layout.h>
#include <string.h>

#define KERNEL_ADDR 0xffffffff80100000ull
#define NONCANONICAL_ADDR 0x0000800000000000ull

static volatile int zero = 0;

/* Recurse until the stack runs out (the bound is never reached). */
static int recurse(int depth) {
    volatile char pad[512];
    pad[0] = (char) depth;
    if (depth > 1000000)
        return pad[0];
    return recurse(depth + 1) + pad[0];
}

static void spin(void) {
    for (volatile uint64_t i = 0;; i++)
        ;
}

/* The first notification message's bits, as the exit code. */
static int exit_with_notifications(void) {
    struct message m;
    error_t err = ipc_recv(IPC_ANY, &m);
    if (err)
        return err;
    return m.type == MSG_NOTIFICATIONS ? (int) (m.notifications.bits >> 16)
                                       : -1;
}

static int try_spawn(void) {
    struct task_spec spec = {.name = "x",
                             .image = (void *) 0x1000000,
                             .image_size = 4096,
                             .priority = 1};
    return task_create(H_SPAWN, &spec);
}

/* An AVX instruction: tasks have no AVX state, so it ends the task. */
static int read_avx(void) {
    uint64_t v = 0;
    __asm__ volatile("vmovq %%xmm0, %0" : "=r"(v));
    return (int) v;
}

int child_main(uint64_t arg) {
    int mode = arg & 0xff;
    if (mode >= CHILD_MEM_SHARE_BACK)
        return mem_attack_main(mode, arg >> 8);
    if (mode >= CHILD_VM_FAULT)
        return vm_peer_main(mode, arg >> 8);
    if (mode >= CHILD_LOOP_SERVER)
        return server_attack_main(mode, arg >> 8);
    if (mode >= CHILD_SPAWN_AT)
        return attack_peer_main(mode, arg >> 8);
    if (mode >= CHILD_CHAT_QUITTER)
        return chat_peer_main(mode, arg >> 8);
    if (mode >= CHILD_NAMED_ECHO)
        return name_peer_main(mode, arg >> 8);
    if (mode >= CHILD_ASYNC_PRODUCER)
        return async_peer_main(mode, arg >> 8);
    if (mode >= CHILD_ECHO_SERVER)
        return ipc_peer_main(mode, arg >> 8);
    switch (mode) {
    case CHILD_EXIT_0:
        return 0;
    case CHILD_EXIT_42:
        task_exit(42);
    case CHILD_READ_KERNEL:
        return *(volatile uint64_t *) KERNEL_ADDR;
    case CHILD_UD2:
        __asm__ volatile("ud2");
        break;
    case CHILD_DIV_ZERO:
        return 100 / zero;
    case CHILD_JUMP_NONCANONICAL:
        ((void (*)(void)) NONCANONICAL_ADDR)();
        break;
    case CHILD_NULL_DEREF:
        return *(volatile int *) (uintptr_t) zero;
    case CHILD_WRITE_TEXT:
        *(volatile uint8_t *) (uintptr_t) child_main = 0xcc;
        break;
    case CHILD_EXEC_STACK: {
        uint8_t code[16];
        volatile uint8_t *p = code;
        p[0] = 0xc3; /* ret */
        ((void (*)(void))(uintptr_t) code)();
        break;
    }
    case CHILD_STACK_OVERFLOW:
        return recurse(0);
    case CHILD_INT3:
        __asm__ volatile("int3");
        break;
    case CHILD_CLI:
        __asm__ volatile("cli");
        break;
    case CHILD_OUTB:
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
        break;
    case CHILD_JUMP_KERNEL:
        ((void (*)(void)) KERNEL_ADDR)();
        break;
    case CHILD_SPIN:
        spin();
        break;
    case CHILD_SPIN_WHEN_TOLD: {
        struct message m;
        ipc_recv(IPC_ANY, &m);
        spin();
        break;
    }
    case CHILD_BLOCK: {
        struct message m;
        for (;;)
            ipc_recv(IPC_ANY, &m);
    }
    case CHILD_EXIT_NOTIFICATIONS:
        return exit_with_notifications();
    case CHILD_TRY_SPAWN:
        return try_spawn();
    case CHILD_TRY_IOPORT:
        return io_out(H_IOPORT, 0x80, 1, 0);
    case CHILD_FPU_DIRTY:
    case CHILD_FPU_READ:
    case CHILD_FPU_SUM:
        return fpu_child(mode, arg >> 8);
    case CHILD_PAGER_CLIENT:
        return pager_client_main();
    case CHILD_TRY_DMA:
        return try_dma_main();
    case CHILD_COMPAT_DIE:
        return compat_die(arg >> 8);
    case CHILD_DEEP_STACK:
        return deep_stack_main(arg >> 8);
    case CHILD_AVX:
        return read_avx();
    case CHILD_CMDLINE_LENGTH:
        return strlen(task_cmdline());
    case CHILD_BAD_SYSCALL_LOOP:
        for (int i = 0; i < 1000; i++)
            syscall5(1000 + i, i, -i, 0, 0, 0);
        return 7;
    }
    return -1000; /* the fault above did not happen */
}
