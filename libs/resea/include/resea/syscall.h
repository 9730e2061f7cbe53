#pragma once
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <stddef.h>
#include <stdint.h>
#include <syscalls.h>
#include <resea/ipc.h>

/*
 * The kernel's calls, one C function each. They return an error_t (0 or
 * negative) unless said otherwise. Numbers come from libs/common/abi/syscalls.h.
 */
static inline int64_t syscall5(uint64_t nr, uint64_t a1, uint64_t a2,
                               uint64_t a3, uint64_t a4, uint64_t a5) {
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    int64_t ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
                       "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r9", "r11", "memory");
    return ret;
}

/* Does nothing: the cost of entering and leaving the kernel. */
static inline error_t sys_nop(void) { return syscall5(SYS_nop, 0, 0, 0, 0, 0); }
/* Bytes to the kernel log (COM1), at most 4096 per call. */
error_t sys_console_write(const char *buf, size_t len);
/* A new task from spec; returns a handle to it (all rights) or an error.
 * `spawner` is a KOBJ_SPAWN handle. The caller is told of its end by
 * NOTIFY_DEATH. */
handle_t task_create(handle_t spawner, const struct task_spec *spec);
__attribute__((noreturn)) void task_exit(int64_t code);
error_t task_kill(handle_t task);
error_t task_status(handle_t task, struct task_status *status);
/* The status of every live task (up to max); returns how many. */
int task_list(struct task_status *out, int max);
/* End a task by id; needs a spawn handle. */
error_t task_kill_id(handle_t spawner, task_t id);
error_t handle_close(handle_t h);
/* A copy of h with `rights` (a subset of h's) and, if h has none yet, a
 * badge (0: keep h's). Returns the new handle or an error. */
handle_t handle_dup(handle_t h, uint32_t rights, uint64_t badge);
/* A new handle to the caller's own endpoint (send, call, notify, grant). */
handle_t task_self(void);
/* NOTIFY_TIMER after first_ms, then every period_ms (0: once);
 * first_ms == 0 cancels the timer. */
error_t timer_set(uint64_t first_ms, uint64_t period_ms);
/* Port I/O through a KOBJ_IOPORT handle; io_in returns the value read. */
int64_t io_in(handle_t ports, uint16_t port, int width);
error_t io_out(handle_t ports, uint16_t port, int width, uint32_t value);
/* A handle to ports (or IRQ lines) [base, base + count) of h's range. */
handle_t handle_narrow(handle_t h, uint32_t base, uint32_t count);
/* Own interrupt line irq (a KOBJ_IRQ handle covering it): each interrupt
 * raises NOTIFY_IRQ. At most one owner per line. */
error_t irq_listen(handle_t irqs, unsigned irq);
error_t irq_unlisten(handle_t irqs, unsigned irq);
/* NOTIFY_DEATH when the task behind h ends (any task handle will do). */
error_t task_watch(handle_t task);
/* What a handle names: kind, rights, badge, the task behind it. */
error_t handle_info(handle_t h, struct handle_info *info);
/* The tasks that raised NOTIFY_ASYNC in us since we last asked, each with
 * our handle to call it (0 if we hold none); at most max entries. Returns
 * how many, or an error. */
int notify_sources(struct notify_source *out, int max);
error_t sys_sysinfo(struct sysinfo *info);
/* Kernel debugger command: "ps" prints the task list. */
error_t sys_kdebug(const char *cmd);

/* The argument the creator passed in task_spec.arg. */
uint64_t task_arg(void);
/* The command line the creator gave in task_spec.cmdline ("" if none). */
const char *task_cmdline(void);
