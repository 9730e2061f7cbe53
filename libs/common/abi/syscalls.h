#pragma once

/*
 * System calls: the one list. The kernel's dispatch table, the user stubs'
 * numbers and the names printed in traces all come from it.
 *
 * ABI: number in rax; arguments in rdi, rsi, rdx, r10, r8; result in rax
 * (an error_t or a non-negative value). The kernel clobbers rcx, r11, r9
 * and the argument registers (zeroed, so no kernel value leaks); every
 * other register is preserved.
 *
 *   X(number, name, argument count)
 */
#define SYSCALL_LIST(X)                                                        \
    X(0, nop, 0)                                                               \
    X(1, console_write, 2)                                                     \
    X(2, task_create, 2)                                                       \
    X(3, task_exit, 1)                                                         \
    X(4, task_kill, 1)                                                         \
    X(5, task_status, 2)                                                       \
    X(6, handle_close, 1)                                                      \
    X(7, ipc, 5)                                                               \
    X(8, notify, 2)                                                            \
    X(9, io_in, 3)                                                             \
    X(10, io_out, 4)                                                           \
    X(11, sysinfo, 1)                                                          \
    X(12, kdebug, 1)                                                           \
    X(13, handle_dup, 3)                                                       \
    X(14, task_self, 0)                                                        \
    X(15, timer_set, 2)                                                        \
    X(16, ipc_ool_buffer, 2)                                                   \
    X(17, handle_narrow, 3)                                                    \
    X(18, irq_listen, 2)                                                       \
    X(19, irq_unlisten, 2)                                                     \
    X(20, task_watch, 1)                                                       \
    X(21, handle_info, 2)                                                      \
    X(22, notify_sources, 2)                                                   \
    X(23, task_list, 2)                                                        \
    X(24, task_kill_id, 2)

#define SYSCALL_ENUM_ENTRY(num, name, nargs) SYS_##name = num,
enum syscall_number { SYSCALL_LIST(SYSCALL_ENUM_ENTRY) SYS_COUNT };
#undef SYSCALL_ENUM_ENTRY
