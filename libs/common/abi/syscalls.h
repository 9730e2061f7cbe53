#pragma once
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <stddef.h>
#include <stdint.h>
#include <user.h>
#include <vm.h>

/*
 * System calls: the one list. Everything else is derived from it: the
 * numbers (enum syscall_number), the kernel's prototypes of its handlers
 * and its dispatch (kernel/syscall.c), which converts each argument
 * register to the declared type and refuses one that does not fit
 * (ERR_INVALID_ARG: a handle_t argument with bits above 32 set, say), the
 * user stubs (<resea/syscall.h>) and the names printed in traces.
 *
 * ABI: number in rax; arguments in rdi, rsi, rdx, r10, r8; result in rax
 * (an error_t or a non-negative value). The kernel clobbers rcx, r11, r9
 * and the argument registers (zeroed, so no kernel value leaks); every
 * other register is preserved.
 *
 *   X(number, name, user stub, result type, argument count,
 *     (type, name)...)
 *
 * The kernel's handler of `name` is sys_<name>, taking the arguments as
 * typed here and returning the whole result register; the user stub is a
 * C function of the given name, argument and result types. `__user`
 * marks a pointer into the caller's memory (user.h).
 */

/* clang-format off */
#define SYSCALL_LIST(X)                                                        \
    /* Does nothing: the cost of entering and leaving the kernel. */           \
    X(0, nop, sys_nop, error_t, 0)                                             \
    /* Bytes to the kernel log (COM1), at most KLOG_WRITE_MAX per call. */     \
    X(1, console_write, sys_console_write, error_t, 2,                         \
      (const char __user *, buf), (size_t, len))                               \
    /* A new task from spec; returns a handle to it (all rights). `spawner`    \
     * is a KOBJ_SPAWN handle. The caller is told of its end (NOTIFY_DEATH). */ \
    X(2, task_create, task_create, handle_t, 2,                                \
      (handle_t, spawner), (const struct task_spec __user *, spec))            \
    /* End the calling task (task_exit() in <resea/syscall.h>). */             \
    X(3, task_exit, sys_task_exit, error_t, 1, (int64_t, code))                \
    /* End the task behind a handle with RIGHT_CONTROL. */                     \
    X(4, task_kill, task_kill, error_t, 1, (handle_t, task))                   \
    X(5, task_status, task_status, error_t, 2,                                 \
      (handle_t, task), (struct task_status __user *, status))                 \
    X(6, handle_close, handle_close, error_t, 1, (handle_t, h))                \
    /* Send, receive, call, reply (docs/ipc.md, <resea/ipc.h>). */             \
    X(7, ipc, ipc, error_t, 5,                                                 \
      (handle_t, dst), (task_t, src), (struct message __user *, m),            \
      (uint32_t, flags), (int64_t, timeout))                                   \
    /* OR bits into dst's notifications (RIGHT_NOTIFY); never blocks. Bits     \
     * only the kernel raises (NOTIFY_KERNEL_ONLY) are refused. */             \
    X(8, notify, ipc_notify, error_t, 2, (handle_t, dst), (uint64_t, bits))    \
    /* Port I/O through a KOBJ_IOPORT handle; io_in returns the value. */      \
    X(9, io_in, io_in, int64_t, 3,                                             \
      (handle_t, ports), (uint32_t, port), (uint32_t, width))                  \
    X(10, io_out, io_out, error_t, 4,                                          \
      (handle_t, ports), (uint32_t, port), (uint32_t, width),                  \
      (uint32_t, value))                                                       \
    /* Memory, uptime and task count; needs a spawn handle (init's, a          \
     * shell's): what the system holds is not every task's business. */        \
    X(11, sysinfo, sys_sysinfo, error_t, 2,                                    \
      (handle_t, spawner), (struct sysinfo __user *, info))                    \
    /* Kernel debugger command ("ps": the task list); needs a spawn handle. */ \
    X(12, kdebug, sys_kdebug, error_t, 2,                                      \
      (handle_t, spawner), (const char __user *, cmd))                         \
    /* A copy of h with `rights` (a subset of h's) and, if h has none yet, a   \
     * badge (0: keep h's). Returns the new handle. */                         \
    X(13, handle_dup, handle_dup, handle_t, 3,                                 \
      (handle_t, h), (uint32_t, rights), (uint64_t, badge))                    \
    /* A new handle to the caller's own endpoint (send, call, notify,          \
     * grant). */                                                              \
    X(14, task_self, task_self, handle_t, 0)                                   \
    /* NOTIFY_TIMER after first_ms, then every period_ms (0: once);            \
     * first_ms == 0 cancels the timer. */                                     \
    X(15, timer_set, timer_set, error_t, 2,                                    \
      (uint64_t, first_ms), (uint64_t, period_ms))                             \
    /* Where out-of-line data sent to this task lands (len 0: nowhere). */     \
    X(16, ipc_ool_buffer, sys_ipc_ool_buffer, error_t, 2,                      \
      (void __user *, buf), (size_t, len))                                     \
    /* A handle to ports, IRQ lines or (a spawn handle) priorities [base,      \
     * base + count) of h's range. */                                          \
    X(17, handle_narrow, handle_narrow, handle_t, 3,                           \
      (handle_t, h), (uint32_t, base), (uint32_t, count))                      \
    /* Own interrupt line irq (a KOBJ_IRQ handle covering it): each            \
     * interrupt raises NOTIFY_IRQ. At most one owner per line. */             \
    X(18, irq_listen, irq_listen, error_t, 2, (handle_t, irqs), (uint32_t, irq)) \
    X(19, irq_unlisten, irq_unlisten, error_t, 2,                              \
      (handle_t, irqs), (uint32_t, irq))                                       \
    /* NOTIFY_DEATH when the task behind h ends (any task handle will do). */  \
    X(20, task_watch, task_watch, error_t, 1, (handle_t, task))                \
    /* What a handle names: kind, rights, badge, the task behind it. */        \
    X(21, handle_info, handle_info, error_t, 2,                                \
      (handle_t, h), (struct handle_info __user *, info))                      \
    /* The tasks that raised NOTIFY_ASYNC in us since we last asked, each      \
     * with our handle to call it (0 if we hold none); at most max entries.    \
     * Returns how many. */                                                    \
    X(22, notify_sources, notify_sources, int, 2,                              \
      (struct notify_source __user *, out), (uint32_t, max))                   \
    /* The status of every live task (up to max); returns how many. Needs      \
     * a spawn handle. */                                                      \
    X(23, task_list, task_list, int, 3, (handle_t, spawner),                   \
      (struct task_status __user *, out), (uint32_t, max))                     \
    /* End a task by id: needs a spawn handle, and to be its ancestor. */      \
    X(24, task_kill_id, task_kill_id, error_t, 2,                              \
      (handle_t, spawner), (task_t, id))                                       \
    /* Wait ms milliseconds (at most IPC_TIMEOUT_MAX). Nothing cuts it         \
     * short: messages and notifications wait for the next receive. */         \
    X(25, sleep, sleep_ms, error_t, 1, (uint64_t, ms))                         \
    /* Milliseconds since boot. */                                             \
    X(26, uptime, uptime_ms, uint64_t, 0)                                      \
    /* The kernel trace through a KOBJ_TRACE handle: enum trace_op, on `max`   \
     * events at buf (trace.h); ERR_UNSUPPORTED without CONFIG_TRACE. */       \
    X(27, trace, trace_op, int64_t, 4, (handle_t, trace), (uint32_t, op),      \
      (void __user *, buf), (uint32_t, max))                                   \
    /* Memory (vm.h, docs/memory.md). A new memory object of size bytes     \
     * (rounded up to pages, zeroed), charged to the caller's budget;       \
     * returns a handle with MEM_RIGHTS_ALL. flags: 0. */                   \
    X(28, mem_create, mem_create, handle_t, 2,                                 \
      (uint64_t, size), (uint32_t, flags))                                     \
    /* The same, of physically contiguous pages (MEM_DEVICE), through a     \
     * KOBJ_DMA handle. */                                                     \
    X(29, mem_create_device, mem_create_device, handle_t, 2,                   \
      (handle_t, dma), (uint64_t, size))                                       \
    X(30, mem_info, mem_info, error_t, 2,                                      \
      (handle_t, mem), (struct mem_info __user *, info))                       \
    /* Map len bytes of the object from offset at addr (VM_ANYWHERE: where  \
     * the kernel chooses), with MAP_* flags the handle's rights allow.     \
     * Returns the address. */                                                 \
    X(31, vm_map, vm_map, int64_t, 5,                                          \
      (handle_t, mem), (uint64_t, offset), (void __user *, addr),              \
      (uint64_t, len), (uint32_t, flags))                                      \
    /* Unmap what vm_map or vm_pager mapped in [addr, addr + len). */          \
    X(32, vm_unmap, vm_unmap, error_t, 2, (void __user *, addr), (uint64_t, len)) \
    X(33, vm_status, vm_status, error_t, 1, (struct vm_status __user *, out))  \
    /* Reserve len bytes at addr (or VM_ANYWHERE) whose pages the task      \
     * behind `pager` (a call handle) gives on first access (vm.h).         \
     * Returns the address. */                                                 \
    X(34, vm_pager, vm_pager, int64_t, 4,                                      \
      (void __user *, addr), (uint64_t, len), (uint32_t, flags),               \
      (handle_t, pager))                                                    \
    /* NOTIFY_ASYNC in task dst (a task id), if dst holds a handle to the      \
     * caller with RIGHT_CALL or RIGHT_SEND: a server tells a client it has    \
     * mail. Other bits are refused; ERR_ABORTED for a task that is gone. */   \
    X(35, notify_client, notify_client, error_t, 2,                            \
      (task_t, dst), (uint64_t, bits))
/* clang-format on */

/* The most bytes one sys_console_write takes. */
#define KLOG_WRITE_MAX 4096

#define SYSCALL_ENUM_ENTRY(num, name, ...) SYS_##name = num,
enum syscall_number { SYSCALL_LIST(SYSCALL_ENUM_ENTRY) SYS_COUNT };
#undef SYSCALL_ENUM_ENTRY

/*
 * Expanding the list. A parameter is a parenthesised (type, name) pair.
 * SYSCALL_MAP(n, f, sep, empty, p1..pn) is f(1, type1, name1) sep()
 * f(2, type2, name2) ... , or `empty` when n is 0.
 */
#define SYSCALL_DECL(i, type, name) type name
#define SYSCALL_COMMA() ,
#define SYSCALL_NOTHING()

#define SYSCALL_UNPACK(type, name) type, name
#define SYSCALL_APPLY_(f, args) f args
#define SYSCALL_APPLY(f, i, p) SYSCALL_APPLY_(f, (i, SYSCALL_UNPACK p))
#define SYSCALL_MAP_0(f, sep, empty, ...) empty
#define SYSCALL_MAP_1(f, sep, empty, p1) SYSCALL_APPLY(f, 1, p1)
#define SYSCALL_MAP_2(f, sep, empty, p1, p2)                                   \
    SYSCALL_MAP_1(f, sep, empty, p1) sep() SYSCALL_APPLY(f, 2, p2)
#define SYSCALL_MAP_3(f, sep, empty, p1, p2, p3)                               \
    SYSCALL_MAP_2(f, sep, empty, p1, p2) sep() SYSCALL_APPLY(f, 3, p3)
#define SYSCALL_MAP_4(f, sep, empty, p1, p2, p3, p4)                           \
    SYSCALL_MAP_3(f, sep, empty, p1, p2, p3) sep() SYSCALL_APPLY(f, 4, p4)
#define SYSCALL_MAP_5(f, sep, empty, p1, p2, p3, p4, p5)                       \
    SYSCALL_MAP_4(f, sep, empty, p1, p2, p3, p4) sep() SYSCALL_APPLY(f, 5, p5)
#define SYSCALL_MAP(n, f, sep, empty, ...)                                     \
    SYSCALL_MAP_##n(f, sep, empty, __VA_ARGS__)
/* A parameter list: (void) or (type1 name1, ...). */
#define SYSCALL_PARAMS(n, ...)                                                 \
    SYSCALL_MAP(n, SYSCALL_DECL, SYSCALL_COMMA, void, __VA_ARGS__)
