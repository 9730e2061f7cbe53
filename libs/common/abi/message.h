#pragma once
#include <stdint.h>

/*
 * The message: a 32-byte header and up to MSG_DATA_SIZE bytes of inline
 * data. The sender fills type, the data and, when its type says so, the
 * handle and the out-of-line buffer; the kernel fills src and badge.
 *
 * Everything the kernel does with a message is decided by its type alone
 * (MSG_TYPE below): how many bytes of data to copy, whether it carries
 * out-of-line bytes or a handle. Fields the type does not name are never
 * read, so a message built from its type and named fields is fully
 * defined, and one received and reused under another type carries none
 * of what came with it.
 *
 * Out-of-line (OOL) data: a type with MSG_OOL sends ool_len bytes (at most
 * IPC_OOL_MAX) from ool_ptr; with MSG_OOL_STR as well, ool_ptr is a
 * NUL-terminated string and the kernel measures it. The bytes land in the
 * buffer the receiver registered (ipc_ool_buffer), and the receiver sees
 * ool_ptr pointing there and ool_len set (the NUL included for a string).
 *
 * Handles: a type with MSG_HANDLE_MOVE (the handle leaves the sender's
 * table) or MSG_HANDLE_COPY (needs RIGHT_GRANT) sends `handle`, unless it
 * is 0; the receiver finds its own index for it in `handle`, or 0.
 *
 * A receive from any sender returns pending notifications first, as one
 * message of type MSG_NOTIFICATIONS.
 */
#define MSG_DATA_SIZE 256
#define MSG_HEADER_SIZE 32
#define IPC_OOL_MAX (64 * 1024)

/* task_t: a task id, as seen in `src` and given to ipc_reply. */
typedef uint32_t task_t;

/*
 * A type is an int32_t:
 *
 *   bits  0..15  the message id (MSG_ID): < 16 the kernel's, the rest the
 *                protocols' (libs/common/idl, generated into <idl.h>)
 *   bits 16..24  bytes of data used, when MSG_SIZED is set; a type without
 *                it (a bare id) uses all MSG_DATA_SIZE bytes
 *   bits 25..29  MSG_SIZED, MSG_OOL, MSG_OOL_STR, MSG_HANDLE_MOVE,
 *                MSG_HANDLE_COPY
 *   bit  30      reserved, 0
 *   negative     an error_t (ipc_reply_err): the header alone, no data
 */
#define MSG_ID_MASK 0xffff
#define MSG_LEN_SHIFT 16
#define MSG_LEN_MASK (0x1ff << MSG_LEN_SHIFT)
#define MSG_SIZED (1 << 25)
#define MSG_OOL (1 << 26)
#define MSG_OOL_STR (1 << 27) /* with MSG_OOL */
#define MSG_HANDLE_MOVE (1 << 28)
#define MSG_HANDLE_COPY (1 << 29)
#define MSG_ATTRS (MSG_OOL | MSG_OOL_STR | MSG_HANDLE_MOVE | MSG_HANDLE_COPY)

#define MSG_ID(type) ((type) & MSG_ID_MASK)
/* A type that sends `len` bytes of data, with attributes. */
#define MSG_TYPE(id, len, attrs)                                               \
    ((int32_t) ((id) | ((len) << MSG_LEN_SHIFT) | MSG_SIZED | (attrs)))
/* The bytes of data a (non-negative) type sends. */
#define MSG_LEN(type)                                                          \
    (((type) & MSG_SIZED) ? ((uint32_t) (type) & MSG_LEN_MASK) >> MSG_LEN_SHIFT \
                          : MSG_DATA_SIZE)

/*
 * The generated message views (<idl.h>) overlay the whole message, so a
 * protocol's named fields may stand for the handle and out-of-line slots
 * of the header: m.console_write.text is m.ool_ptr. Each view starts with
 * MSG_VIEW_HEAD; its inline fields start at MSG_HEADER_SIZE.
 */
#define MSG_VIEW_HEAD uint8_t head_[16]
#include <idl.h>

struct message {
    union {
        struct {
            int32_t type;
            task_t src;      /* the sender's task id (set by the kernel) */
            uint64_t badge;  /* of the handle the sender used (kernel) */
            int32_t handle;  /* with MSG_HANDLE_MOVE or MSG_HANDLE_COPY */
            uint32_t ool_len; /* with MSG_OOL */
            uint64_t ool_ptr; /* with MSG_OOL */
            union {
                uint8_t data[MSG_DATA_SIZE];
                uint64_t words[MSG_DATA_SIZE / 8];
                struct {
                    union {
                        uint64_t bits;
                        uint64_t data; /* Resea's name */
                    };
                } notifications;
            };
        };
        IDL_MESSAGE_VIEWS
    };
};

_Static_assert(sizeof(struct message) == MSG_HEADER_SIZE + MSG_DATA_SIZE,
               "message layout is ABI");
IDL_STATIC_ASSERTS

/* Message types the kernel itself produces. Tasks use ids >= 16. */
#define MSG_NOTIFICATIONS 1
#define NOTIFICATIONS_MSG MSG_NOTIFICATIONS /* Resea's name */
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
/* With IPC_CALL, of a type without MSG_OOL: ool_ptr/ool_len name where
 * out-of-line data in the reply lands, instead of the registered buffer. */
#define IPC_REPLY_BUF (1u << 5)

/* ipc() timeouts, in milliseconds. */
#define IPC_POLL 0
#define IPC_FOREVER (-1)
#define IPC_TIMEOUT_MAX (24ll * 3600 * 1000) /* a day */

/* The `src` argument of a receive that takes any sender. */
#define IPC_ANY 0
