#include <resea/syscall.h>

#define U(x) ((uint64_t) (x))

error_t sys_console_write(const char *buf, size_t len) {
    return syscall5(SYS_console_write, U(buf), len, 0, 0, 0);
}

handle_t task_create(handle_t spawner, const struct task_spec *spec) {
    return syscall5(SYS_task_create, U(spawner), U(spec), 0, 0, 0);
}

void task_exit(int64_t code) {
    syscall5(SYS_task_exit, U(code), 0, 0, 0, 0);
    __builtin_unreachable();
}

error_t task_kill(handle_t task) {
    return syscall5(SYS_task_kill, U(task), 0, 0, 0, 0);
}

error_t task_status(handle_t task, struct task_status *status) {
    return syscall5(SYS_task_status, U(task), U(status), 0, 0, 0);
}

int task_list(struct task_status *out, int max) {
    return syscall5(SYS_task_list, U(out), U(max), 0, 0, 0);
}

error_t task_kill_id(handle_t spawner, task_t id) {
    return syscall5(SYS_task_kill_id, U(spawner), id, 0, 0, 0);
}

error_t handle_close(handle_t h) {
    return syscall5(SYS_handle_close, U(h), 0, 0, 0, 0);
}

handle_t handle_dup(handle_t h, uint32_t rights, uint64_t badge) {
    return syscall5(SYS_handle_dup, U(h), rights, badge, 0, 0);
}

handle_t task_self(void) { return syscall5(SYS_task_self, 0, 0, 0, 0, 0); }

error_t timer_set(uint64_t first_ms, uint64_t period_ms) {
    return syscall5(SYS_timer_set, first_ms, period_ms, 0, 0, 0);
}

int64_t io_in(handle_t ports, uint16_t port, int width) {
    return syscall5(SYS_io_in, U(ports), port, U(width), 0, 0);
}

error_t io_out(handle_t ports, uint16_t port, int width, uint32_t value) {
    return syscall5(SYS_io_out, U(ports), port, U(width), value, 0);
}

handle_t handle_narrow(handle_t h, uint32_t base, uint32_t count) {
    return syscall5(SYS_handle_narrow, U(h), base, count, 0, 0);
}

error_t irq_listen(handle_t irqs, unsigned irq) {
    return syscall5(SYS_irq_listen, U(irqs), irq, 0, 0, 0);
}

error_t irq_unlisten(handle_t irqs, unsigned irq) {
    return syscall5(SYS_irq_unlisten, U(irqs), irq, 0, 0, 0);
}

error_t task_watch(handle_t task) {
    return syscall5(SYS_task_watch, U(task), 0, 0, 0, 0);
}

error_t handle_info(handle_t h, struct handle_info *info) {
    return syscall5(SYS_handle_info, U(h), U(info), 0, 0, 0);
}

int notify_sources(struct notify_source *out, int max) {
    return syscall5(SYS_notify_sources, U(out), U(max), 0, 0, 0);
}

error_t sys_sysinfo(struct sysinfo *info) {
    return syscall5(SYS_sysinfo, U(info), 0, 0, 0, 0);
}

error_t sys_kdebug(const char *cmd) {
    return syscall5(SYS_kdebug, U(cmd), 0, 0, 0, 0);
}
