#pragma once
#include <msgtypes.h>
#include <resea/async_queue.h>
#include <resea/ipc.h>
#include <stdbool.h>

/*
 * Asynchronous messaging over synchronous IPC and notifications (see
 * docs/async.md). The sender queues messages in its own memory and raises
 * NOTIFY_ASYNC in the receiver; the receiver pulls them, many per call,
 * through a handle to the sender. Nothing is buffered in the kernel.
 *
 * Sender: async_connect (optional: attributes, and it hands the receiver
 * the handle it needs to pull), async_send / async_put / async_putv,
 * async_flush (async_send and async_put_task also to a client by task
 * id); answer pulls with async_reply (or run the event loop).
 * Receiver: on NOTIFY_ASYNC, async_senders says who has mail; async_recv
 * or async_recv_batch take it.
 */
#define ASYNC_CONN_MAX 4       /* connections a task can send on */
#define ASYNC_QUEUE_BYTES 8192 /* queue memory per connection */
#define ASYNC_LIMIT_MAX 256    /* messages per connection, at most */
#define ASYNC_BATCH_MAX 64     /* messages per pull, at most */
#define ASYNC_PULL_BYTES 8192  /* a pull's out-of-line reply, at most */
#define ASYNC_PENDING 1        /* a status not yet known */

struct async_attr {
    uint32_t max_msgs;      /* queue bound; 0: CONFIG_ASYNC_QUEUE_DEFAULT */
    uint32_t trigger_count; /* release when this many wait; 0 or 1: each */
    uint32_t trigger_ms;    /* or when the oldest has waited this long */
    bool block_when_full;   /* wait for the receiver instead of ERR_FULL */
};

/* A received message (batch API): valid until the next receive. */
struct async_msg {
    task_t src;
    int32_t type;
    uint32_t len;
    const void *data;
};

/* Sender side. */
/* Start sending to dst (a handle with RIGHT_NOTIFY) with these attributes
 * (NULL: defaults). async_put opens a default connection by itself. */
error_t async_open(handle_t dst, const struct async_attr *attr);
/* async_open after asking dst (ASYNC_CONNECT_MSG), which may decline; it
 * gets a handle to pull from us. */
error_t async_connect(handle_t dst, const struct async_attr *attr);
error_t async_put(handle_t dst, int32_t type, const void *data, size_t len,
                  async_done_fn done, void *arg);
/* The same to a client by task id (a call's m.src), with no handle: dst
 * must hold a handle to us with RIGHT_CALL or RIGHT_SEND, which the kernel
 * checks (notify_client); otherwise ERR_NOT_PERMITTED, or ERR_ABORTED if
 * it is gone. It pulls through that handle. */
error_t async_put_task(task_t dst, int32_t type, const void *data, size_t len,
                       async_done_fn done, void *arg);
/* by_task or by_handle, for a dst that is a task id (a client's m.src) or
 * a handle. A number is neither: it does not compile (HANDLE_ARG). */
#define ASYNC_BY_DST(dst, by_task, by_handle)                                  \
    __extension__({                                                            \
        _Static_assert(!__builtin_constant_p(dst),                             \
                       "a number is not a handle or a task id: use a "         \
                       "handle_t from ipc_lookup or startup_handle, or the "   \
                       "task_t of a message's src");                           \
        _Generic((dst), task_t : by_task, handle_t : by_handle);               \
    })
/* Type + inline data: async_send(dst, m) takes a handle or a task id. */
error_t async_send_handle(handle_t dst, struct message *m);
error_t async_send_task(task_t dst, struct message *m);
#define async_send(dst, m)                                                     \
    ASYNC_BY_DST(dst, async_send_task, async_send_handle)(dst, m)
/* Resea's: true when nothing is queued for dst (a handle or a task id). */
bool async_is_empty_handle(handle_t dst);
bool async_is_empty_task(task_t dst);
#define async_is_empty(dst)                                                    \
    ASYNC_BY_DST(dst, async_is_empty_task, async_is_empty_handle)(dst)
error_t async_putv(handle_t dst, int32_t type, const struct async_iov *iov,
                   int iovcnt, async_done_fn done, void *arg);
/* Release everything queued for dst now. */
error_t async_flush(handle_t dst);
/* Drop the connection; what was queued completes with ERR_ABORTED. */
error_t async_disconnect(handle_t dst);
/* A completion function that stores the status in *(error_t *) arg. */
void async_set_status(error_t status, void *arg);
/* Answer dst's pull (Resea's async_reply): a batch of released messages.
 * async_reply_to honours the size the puller asked for. */
error_t async_reply(task_t dst);
error_t async_reply_to(const struct message *pull);
/* The library's part of a received message: answers ASYNC_PULL_MSG,
 * handles ASYNC_CLOSE_MSG. ERR_UNKNOWN_MESSAGE for anything else. */
error_t async_handle_request(const struct message *m);
/* Call after NOTIFY_TIMER and NOTIFY_DEATH (the event loop does). */
void async_handle_timer(void);
void async_handle_death(void);

/* Receiver side. */
/* The next message from src (a handle to the sender): from the batch
 * pulled last, or by pulling. ERR_EMPTY when src has nothing released. */
error_t async_recv(handle_t src, struct message *m);
/* Up to max messages from src; returns how many (0: none) or an error. */
int async_recv_batch(handle_t src, struct async_msg *msgs, int max);
/* The same, with a pull that ends within timeout ms, the sender's answer
 * included (ERR_TIMEOUT): for pulling from a task that may not answer. */
int async_recv_batch_timeout(handle_t src, struct async_msg *msgs, int max,
                             int64_t timeout);
/* After NOTIFY_ASYNC: who has messages for us. Fills up to max entries
 * (task id, and our handle to pull with, 0 if we hold none). */
int async_senders(struct notify_source *out, int max);
/* Answer an ASYNC_CONNECT_MSG: accepted, we keep the handle it moved to
 * us (returned in *src, and taken from m) and watch its task; otherwise,
 * or if the connector is gone, it is closed and *src is 0. A connect
 * without a handle to its sender with RIGHT_CALL is refused with
 * ERR_INVALID_ARG. */
error_t async_accept(struct message *m, bool accept, handle_t *src);
/* Tell src to stop sending to us. */
error_t async_close(handle_t src);
