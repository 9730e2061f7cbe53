#pragma once
#include <stdint.h>

/*
 * The fixed-size message. The sender fills type, flags, data and, when it
 * sends them, handle and the out-of-line buffer; the kernel fills src and
 * badge. A receive from any sender returns pending notifications first, as
 * one message of type MSG_NOTIFICATIONS.
 *
 * Out-of-line (OOL) data: a sender sets MSG_OOL with ool_ptr/ool_len (at
 * most IPC_OOL_MAX bytes); the kernel copies the bytes straight into the
 * buffer the receiver registered with ipc_ool_buffer(), and the receiver
 * sees ool_ptr pointing there and ool_len set to the length.
 *
 * Handles: a sender sets MSG_HANDLE_MOVE (the handle leaves its table) or
 * MSG_HANDLE_COPY (needs RIGHT_GRANT) and puts the handle in `handle`; the
 * receiver finds its own index for it in `handle`.
 */
#define MSG_DATA_SIZE 56
#define IPC_OOL_MAX (64 * 1024)

/* task_t: a task id, as seen in `src` and given to ipc_reply. */
typedef uint32_t task_t;

struct message {
    int32_t type;
    task_t src; /* sender's task id (set by the kernel) */
    uint64_t
        badge; /* badge of the handle the sender used (set by the kernel) */
    uint32_t flags; /* MSG_OOL, MSG_HANDLE_MOVE, MSG_HANDLE_COPY */
    int32_t handle;
    uint64_t ool_ptr;
    uint32_t ool_len;
    uint32_t reserved;
    union {
        uint8_t data[MSG_DATA_SIZE];
        uint64_t words[MSG_DATA_SIZE / 8];
        struct {
            uint64_t bits;
        } notifications;
    };
};

_Static_assert(sizeof(struct message) == 96, "message layout is ABI");

#define MSG_OOL (1u << 0)
#define MSG_HANDLE_MOVE (1u << 1)
#define MSG_HANDLE_COPY (1u << 2)
/* In a call without MSG_OOL: ool_ptr/ool_len name where out-of-line data
 * in the reply lands, instead of the buffer from ipc_ool_buffer(). */
#define MSG_REPLY_BUF (1u << 3)
#define MSG_FLAGS_ALL                                                          \
    (MSG_OOL | MSG_HANDLE_MOVE | MSG_HANDLE_COPY | MSG_REPLY_BUF)

/* Message types the kernel itself produces. Tasks use types >= 16. */
#define MSG_NOTIFICATIONS 1
/* MSG_PAGE_FAULT (2): a pager's request, in vm.h. */

/* Notification bits the kernel raises; bits 16..63 are the tasks' own. */
#define NOTIFY_TIMER (1ull << 0)
#define NOTIFY_IRQ (1ull << 1)
#define NOTIFY_DEATH (1ull << 2) /* a task this one watches has ended */
#define NOTIFY_ASYNC (1ull << 3) /* raised by tasks too: "I have mail" */
/* Bits notify() refuses (ERR_NOT_PERMITTED): only the kernel raises them,
 * so a task can trust a timer, IRQ or death it is told of. */
#define NOTIFY_KERNEL_ONLY (0xffffull & ~NOTIFY_ASYNC)

/* ipc() flags: what the call does, in this order. */
#define IPC_SEND (1u << 0)             /* send to the handle `dst` */
#define IPC_RECV (1u << 1)             /* then receive (from `src`, or any) */
#define IPC_REPLY (1u << 2)            /* first reply to the task id `dst` */
#define IPC_CALL (IPC_SEND | IPC_RECV) /* send, then wait for dst's reply */
/* With IPC_RECV: the message received (or the reply) may carry a handle.
 * Without it, one that does is refused (ERR_HANDLE_REFUSED). */
#define IPC_ACCEPT_HANDLE (1u << 3)
/* With IPC_CALL: the timeout covers the wait for the reply as well. */
#define IPC_BOUNDED (1u << 4)

/* ipc() timeouts, in milliseconds. */
#define IPC_POLL 0
#define IPC_FOREVER (-1)
#define IPC_TIMEOUT_MAX (24ll * 3600 * 1000) /* a day */

/* The `src` argument of a receive that takes any sender. */
#define IPC_ANY 0
