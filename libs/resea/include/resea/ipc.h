#pragma once
#include <resea/syscall.h>

/*
 * Message passing (docs/ipc.md). Sends and calls go through a handle with
 * RIGHT_SEND / RIGHT_CALL; receives name a task id (or IPC_ANY); replies
 * name the caller's task id, m->src of the call. Timeouts are in
 * milliseconds, or IPC_POLL / IPC_FOREVER. ipc(), ipc_notify() and
 * ipc_ool_buffer() are system calls (<resea/syscall.h>).
 *
 * A receive takes no handle unless it says so (the *_handle calls): a
 * message or reply carrying one is refused, and its sender gets
 * ERR_HANDLE_REFUSED. A handle received is the receiver's to keep or
 * close.
 */

/* Block until the receiver takes m. */
static inline error_t ipc_send(handle_t dst, struct message *m) {
    return ipc(dst, IPC_ANY, m, IPC_SEND, IPC_FOREVER);
}
static inline error_t ipc_send_timeout(handle_t dst, struct message *m,
                                       int64_t timeout) {
    return ipc(dst, IPC_ANY, m, IPC_SEND, timeout);
}
/* Only if the receiver is waiting now; else ERR_WOULD_BLOCK. */
static inline error_t ipc_send_noblock(handle_t dst, struct message *m) {
    return ipc(dst, IPC_ANY, m, IPC_SEND, IPC_POLL);
}
/* Pending notifications come first (as MSG_NOTIFICATIONS) when src is
 * IPC_ANY. */
static inline error_t ipc_recv(task_t src, struct message *m) {
    return ipc(0, src, m, IPC_RECV, IPC_FOREVER);
}
static inline error_t ipc_recv_timeout(task_t src, struct message *m,
                                       int64_t timeout) {
    return ipc(0, src, m, IPC_RECV, timeout);
}
/* Send m and wait for the reply, which overwrites m. The timeout covers
 * the send; once the server has taken the message, wait for its reply. */
static inline error_t ipc_call(handle_t dst, struct message *m) {
    return ipc(dst, IPC_ANY, m, IPC_CALL, IPC_FOREVER);
}
static inline error_t ipc_call_timeout(handle_t dst, struct message *m,
                                       int64_t timeout) {
    return ipc(dst, IPC_ANY, m, IPC_CALL, timeout);
}
/* Answer a call; never blocks. ERR_ABORTED if the caller is gone,
 * ERR_BAD_STATE if it is not waiting for our reply. */
static inline error_t ipc_reply(task_t dst, struct message *m) {
    return ipc((handle_t) dst, IPC_ANY, m, IPC_REPLY, IPC_POLL);
}
/* Reply, then receive the next message into m: a server's loop. */
static inline error_t ipc_replyrecv(task_t dst, struct message *m) {
    return ipc((handle_t) dst, IPC_ANY, m, IPC_REPLY | IPC_RECV, IPC_FOREVER);
}

/* The same, accepting a message that carries a handle (m->handle > 0). */
static inline error_t ipc_recv_handle(task_t src, struct message *m) {
    return ipc(0, src, m, IPC_RECV | IPC_ACCEPT_HANDLE, IPC_FOREVER);
}
static inline error_t ipc_call_handle(handle_t dst, struct message *m) {
    return ipc(dst, IPC_ANY, m, IPC_CALL | IPC_ACCEPT_HANDLE, IPC_FOREVER);
}
static inline error_t ipc_replyrecv_handle(task_t dst, struct message *m) {
    return ipc((handle_t) dst, IPC_ANY, m,
               IPC_REPLY | IPC_RECV | IPC_ACCEPT_HANDLE, IPC_FOREVER);
}
/* A call that ends within timeout ms in all, the reply included: for
 * calling a task that may never answer. ERR_TIMEOUT if it did not. */
static inline error_t ipc_call_bounded(handle_t dst, struct message *m,
                                       int64_t timeout) {
    return ipc(dst, IPC_ANY, m, IPC_CALL | IPC_BOUNDED, timeout);
}

/* Take the handle a received message carries (0 if none): m no longer
 * names it, so code that closes what was not taken leaves it alone. */
static inline handle_t msg_take_handle(struct message *m) {
    handle_t h = m->handle > 0 ? m->handle : 0;
    m->handle = 0;
    return h;
}
