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
 *
 * Out-of-line data sent to a task that registered no buffer of its own
 * lands in one the library allocated (CONFIG_OOL_BUFFER_KIB): the
 * receiver owns it from then on and free()s it; the library allocates
 * the next. A call whose reply has a negative type (ipc_reply_err)
 * returns that error.
 */

/* Where out-of-line data sent to us lands from now on (len 0: nowhere);
 * the library's own buffer is let go. */
error_t ipc_ool_buffer(void *buf, size_t len);

/* What every receive does after the system call: the rare cases out of
 * line, so the common one costs a test of the type. The message is read
 * only after a receive that succeeded (m may be a bad pointer). */
error_t ipc_received(struct message *m);
static inline error_t ipc_done(error_t err, struct message *m) {
    if (__builtin_expect(err == OK && (m->type < 0 || (m->type & MSG_OOL)), 0))
        return ipc_received(m);
    return err;
}

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
    return ipc_done(ipc(0, src, m, IPC_RECV, IPC_FOREVER), m);
}
static inline error_t ipc_recv_timeout(task_t src, struct message *m,
                                       int64_t timeout) {
    return ipc_done(ipc(0, src, m, IPC_RECV, timeout), m);
}
/* Send m and wait for the reply, which overwrites m. The timeout covers
 * the send; once the server has taken the message, wait for its reply. */
static inline error_t ipc_call(handle_t dst, struct message *m) {
    return ipc_done(ipc(dst, IPC_ANY, m, IPC_CALL, IPC_FOREVER), m);
}
static inline error_t ipc_call_timeout(handle_t dst, struct message *m,
                                       int64_t timeout) {
    return ipc_done(ipc(dst, IPC_ANY, m, IPC_CALL, timeout), m);
}
/* Answer a call; never blocks. ERR_ABORTED if the caller is gone,
 * ERR_BAD_STATE if it is not waiting for our reply. */
static inline error_t ipc_reply(task_t dst, struct message *m) {
    return ipc((handle_t) dst, IPC_ANY, m, IPC_REPLY, IPC_POLL);
}
/* Reply, then receive the next message into m: a server's loop. */
static inline error_t ipc_replyrecv(task_t dst, struct message *m) {
    return ipc_done(
        ipc((handle_t) dst, IPC_ANY, m, IPC_REPLY | IPC_RECV, IPC_FOREVER), m);
}

/* The same, accepting a message that carries a handle (m->handle > 0). */
static inline error_t ipc_recv_handle(task_t src, struct message *m) {
    return ipc_done(ipc(0, src, m, IPC_RECV | IPC_ACCEPT_HANDLE, IPC_FOREVER),
                    m);
}
static inline error_t ipc_call_handle(handle_t dst, struct message *m) {
    return ipc_done(
        ipc(dst, IPC_ANY, m, IPC_CALL | IPC_ACCEPT_HANDLE, IPC_FOREVER), m);
}
static inline error_t ipc_replyrecv_handle(task_t dst, struct message *m) {
    return ipc_done(ipc((handle_t) dst, IPC_ANY, m,
                        IPC_REPLY | IPC_RECV | IPC_ACCEPT_HANDLE, IPC_FOREVER),
                    m);
}
/* A call whose reply's out-of-line data lands in m->ool_ptr (at most
 * m->ool_len bytes) rather than in the registered buffer. The request's
 * type must carry no out-of-line data of its own. */
static inline error_t ipc_call_into(handle_t dst, struct message *m) {
    return ipc_done(ipc(dst, IPC_ANY, m, IPC_CALL | IPC_REPLY_BUF, IPC_FOREVER),
                    m);
}
static inline error_t ipc_call_into_bounded(handle_t dst, struct message *m,
                                            int64_t timeout) {
    return ipc_done(
        ipc(dst, IPC_ANY, m, IPC_CALL | IPC_BOUNDED | IPC_REPLY_BUF, timeout),
        m);
}

/* A call that ends within timeout ms in all, the reply included: for
 * calling a task that may never answer. ERR_TIMEOUT if it did not. */
static inline error_t ipc_call_bounded(handle_t dst, struct message *m,
                                       int64_t timeout) {
    return ipc_done(ipc(dst, IPC_ANY, m, IPC_CALL | IPC_BOUNDED, timeout), m);
}

/* A message of `type` with every other byte 0: for building one by hand
 * (the type alone decides what travels; see <message.h>). */
static inline void msg_init(struct message *m, int32_t type) {
    *m = (struct message){.type = type};
}

/* The reply type of an rpc's request type (<idl.h>), or 0 for any other
 * type: what a server answers a call with. */
static inline int32_t msg_reply_type(int32_t request) {
#define MSG_REPLY_CASE(req, rep)                                               \
    case req:                                                                  \
        return rep;
    switch (request) { IDL_RPC_LIST(MSG_REPLY_CASE) }
#undef MSG_REPLY_CASE
    return 0;
}

/* Resea's error messages: a message whose type is the error alone. */
error_t ipc_send_err(handle_t dst, error_t error);
error_t ipc_reply_err(task_t dst, error_t error);
/* A server's answer to a message it does not know: the caller (if it
 * called) gets ERR_UNKNOWN_MESSAGE, and what the message brought, a handle
 * or library-allocated out-of-line data, is let go. */
void discard_unknown_message(struct message *m);

/* Take the handle a received message carries (0 if none): m no longer
 * names it, so code that closes what was not taken leaves it alone. */
static inline handle_t msg_take_handle(struct message *m) {
    handle_t h = m->handle > 0 ? m->handle : 0;
    m->handle = 0;
    return h;
}

/*
 * Handles and task ids are distinct: a number where a handle is expected
 * is a compile error, not a call to whatever server that slot holds
 * (Resea's `#define TEST_SERVER 1`, or a task id from m->src). The
 * argument must be a handle_t expression that is not a constant: one
 * from a lookup, the start-up table or a message.
 */
#define HANDLE_ARG(h)                                                          \
    __extension__({                                                            \
        _Static_assert(!__builtin_constant_p(h),                               \
                       "a number is not a handle: use a handle_t from "        \
                       "ipc_lookup, startup_handle or a message");             \
        _Generic((h), handle_t : (h));                                         \
    })
#define ipc_send(h, m) ipc_send(HANDLE_ARG(h), m)
#define ipc_send_timeout(h, m, t) ipc_send_timeout(HANDLE_ARG(h), m, t)
#define ipc_send_noblock(h, m) ipc_send_noblock(HANDLE_ARG(h), m)
#define ipc_call(h, m) ipc_call(HANDLE_ARG(h), m)
#define ipc_call_timeout(h, m, t) ipc_call_timeout(HANDLE_ARG(h), m, t)
#define ipc_call_handle(h, m) ipc_call_handle(HANDLE_ARG(h), m)
#define ipc_call_into(h, m) ipc_call_into(HANDLE_ARG(h), m)
#define ipc_call_into_bounded(h, m, t)                                         \
    ipc_call_into_bounded(HANDLE_ARG(h), m, t)
#define ipc_call_bounded(h, m, t) ipc_call_bounded(HANDLE_ARG(h), m, t)
#define ipc_send_err(h, e) ipc_send_err(HANDLE_ARG(h), e)

/* ipc_serve and ipc_lookup, which Resea declares here. */
#include <resea/name.h>
