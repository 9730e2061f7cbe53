#include <resea/syscall.h>

#define U(x) ((uint64_t) (x))

error_t ipc(handle_t dst, task_t src, struct message *m, uint32_t flags,
            int64_t timeout) {
    return syscall5(SYS_ipc, U(dst), src, U(m), flags, U(timeout));
}

error_t ipc_notify(handle_t dst, uint64_t bits) {
    return syscall5(SYS_notify, U(dst), bits, 0, 0, 0);
}

error_t ipc_ool_buffer(void *buf, size_t len) {
    return syscall5(SYS_ipc_ool_buffer, U(buf), len, 0, 0, 0);
}
