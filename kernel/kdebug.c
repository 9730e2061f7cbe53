#include "kdebug.h"
#include "arch.h"
#include "ksym.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include <format.h>
#include <string.h>

#define BACKTRACE_MAX 32

extern char __kernel_start[], __kernel_end[];

void kdebug_print_symbol(uint64_t addr) {
    uint64_t off;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        printk("%p %s+%#lx", (void *) addr, name, off);
    else
        printk("%p ?", (void *) addr);
}

static int in_kernel(uint64_t addr) {
    return addr >= (uint64_t) __kernel_start && addr < (uint64_t) __kernel_end;
}

static int is_kernel_stack(uint64_t addr) {
    /* Task kernel stacks are in the stack area, above their guard pages;
     * the boot stack and the IST stacks are in the kernel image. */
    uint64_t in_slot = (addr - KSTACK_AREA_BASE) % KSTACK_SLOT_SIZE;
    bool task_stack = addr >= KSTACK_AREA_BASE && addr < KERNEL_VBASE &&
                      in_slot >= PAGE_SIZE && in_slot <= KSTACK_SLOT_SIZE - 16;
    bool image = addr >= (uint64_t) __kernel_start &&
                 addr <= (uint64_t) __kernel_end - 16;
    return (task_stack || image) && addr % 8 == 0;
}

void kdebug_backtrace(uint64_t rbp) {
    printk("backtrace:\n");
    for (int i = 0; i < BACKTRACE_MAX && rbp && is_kernel_stack(rbp); i++) {
        uint64_t ret = ((uint64_t *) rbp)[1];
        if (!in_kernel(ret))
            break;
        /* ret - 1 is still inside the caller, even when the call was the
         * caller's last instruction (a call to a noreturn function). */
        uint64_t off;
        const char *name = ksym_lookup(ret - 1, &off);
        printk("  #%d %p %s+%#lx\n", i, (void *) ret, name ? name : "?",
               name ? off + 1 : 0);
        rbp = ((uint64_t *) rbp)[0];
    }
}

/* "send-blocked on 258 (server)" and the like. */
static void describe_state(const struct task *t, char *buf, size_t len) {
    const char *what = "unused";
    if (t == current)
        what = "running";
    else if (t->state == TASK_STATE_RUNNABLE)
        what = "ready";
    else if (t->state == TASK_STATE_DEAD)
        what = "dead";
    else if (t->block_reason == BLOCK_RECV)
        what =
            t->recv_from == IPC_ANY ? "receive-blocked" : "receive-blocked on";
    else if (t->block_reason == BLOCK_SEND)
        what = "send-blocked on";
    else if (t->block_reason == BLOCK_REPLY)
        what = "reply-blocked on";
    else if (t->block_reason == BLOCK_SLEEP)
        what = "sleeping";

    const struct task *peer = NULL;
    if (t->state == TASK_STATE_BLOCKED && t->block_reason == BLOCK_RECV)
        peer = t->recv_from == IPC_ANY ? NULL : task_lookup(t->recv_from);
    else if (t->state == TASK_STATE_BLOCKED && t->block_reason != BLOCK_SLEEP)
        peer = t->ipc_peer;
    if (peer)
        format(buf, len, "%s %u (%s)", what, peer->id, peer->name);
    else
        format(buf, len, "%s", what);
}

void kdebug_task_list(void) {
    printk("  id     name             state                              prio "
           "handles ticks\n");
    for (int i = 0; i < TASK_MAX; i++) {
        struct task *t = task_at_slot(i);
        if (!t)
            continue;
        int handles = 0;
        for (int h = 1; h < HANDLE_MAX; h++)
            handles += t->handles[h].kind != KOBJ_NONE;
        char state[48];
        describe_state(t, state, sizeof(state));
        printk("  %-6u %-16s %-34s %4d %7d %lu\n", t->id, t->name, state,
               t->priority, handles, t->cpu_ticks);
    }
}

int kdebug_run(const char *cmd) {
    if (!strcmp(cmd, "ps")) {
        kdebug_task_list();
    } else if (!strcmp(cmd, "help")) {
        printk("kdebug commands: ps (task list), help\n");
    } else {
        printk("kdebug: unknown command '%s' (try 'help')\n", cmd);
        return -1;
    }
    return 0;
}

__attribute__((noinline)) static void test_panic_inner(int depth) {
    if (depth == 0)
        panic("test panic requested on the kernel command line");
    test_panic_inner(depth - 1);
    __asm__ volatile(""); /* keep the frames: no tail call */
}

void kdebug_test_panic(void) {
    test_panic_inner(2);
    __builtin_unreachable();
}

/* Deep enough to run off any kernel stack: each frame takes 1 KiB. */
__attribute__((noinline)) static void overflow_inner(int depth) {
    volatile char frame[1024];
    frame[0] = (char) depth;
    if (depth < 1000)
        overflow_inner(depth + 1);
    frame[1] = frame[0]; /* keep the frame: no tail call */
}

void kdebug_test_stack_overflow(void) {
    /* On a task's stack, not the boot stack, which has no guard below:
     * slot 0 is never a task's. */
    uint64_t bottom = arch_kstack_alloc(0);
    ASSERT(bottom);
    __asm__ volatile("mov %0, %%rsp\n"
                     "xor %%ebp, %%ebp\n"
                     "call *%1" ::"r"(bottom + KSTACK_SIZE),
                     "r"(overflow_inner), "D"(0)
                     : "memory");
    __builtin_unreachable();
}
