#pragma once
#include <resea/async.h>

/*
 * A dispatch loop for servers (docs/async.md): it receives, answers the
 * async library's own requests (pulls, connects, closes), pulls async
 * messages when NOTIFY_ASYNC arrives, and calls the task's callbacks.
 * Every callback may be NULL. Connection requests are rejected unless
 * on_connect says yes.
 *
 * Async messages are pulled only from peers: tasks on_connect accepted or
 * event_loop_add_peer named. Each pull waits at most EVENT_LOOP_PULL_MS
 * for the peer's answer; a peer that does not answer, or answers wrong,
 * is dropped (on_close).
 */
#define EVENT_LOOP_PEERS 16
#define EVENT_LOOP_PULL_MS 100

struct event_loop_peer {
    task_t id;
    handle_t handle; /* ours, to pull with; 0: a free slot */
    bool mail;       /* it notified and we have not pulled everything */
};

struct event_loop {
    /* A synchronous request; answer it with ipc_reply, now or later. A
     * handle it carries is closed when this returns, unless taken from
     * m with msg_take_handle. */
    void (*on_request)(struct event_loop *loop, struct message *m);
    /* An asynchronous message; data is valid until the callback returns. */
    void (*on_async)(struct event_loop *loop, const struct async_msg *msg);
    /* A task asks to send to us (async_connect): accept it? */
    bool (*on_connect)(struct event_loop *loop, task_t src);
    /* A peer ended, or was dropped for not answering a pull. */
    void (*on_close)(struct event_loop *loop, task_t peer);
    /* Notification bits the loop does not handle itself. */
    void (*on_notify)(struct event_loop *loop, uint64_t bits);
    /* The task's timer fired (after the async library's time triggers). */
    void (*on_timer)(struct event_loop *loop);
    /* NOTIFY_DEATH: some task we watch has ended (after the loop's own
     * clean-up); check the handles you hold. */
    void (*on_death)(struct event_loop *loop);
    void *user;
    /* Receive messages that carry a handle (IPC_ACCEPT_HANDLE): for a
     * protocol in which clients pass one. Without it (nor on_connect, as
     * a connect passes one), such messages are refused by the kernel. */
    bool accept_handles;

    /* The loop's own: its peers, whether one has mail left, and whether
     * to stop. */
    struct event_loop_peer peers[EVENT_LOOP_PEERS];
    bool mail;
    bool stop;
};

/* Wait (timeout ms, IPC_POLL, IPC_FOREVER) for one message and dispatch
 * it: OK, ERR_TIMEOUT / ERR_WOULD_BLOCK when nothing came, or an error. */
error_t event_loop_dispatch(struct event_loop *loop, int64_t timeout);
/* Dispatch until event_loop_stop() is called from a callback. */
error_t event_loop_run(struct event_loop *loop);
void event_loop_stop(struct event_loop *loop);
/* Pull from the task behind h (RIGHT_CALL) when it notifies: a peer, as
 * if accepted. The loop owns h from now on and watches the task.
 * ERR_ALREADY_EXISTS if that task is a peer, ERR_FULL if none is free. */
error_t event_loop_add_peer(struct event_loop *loop, handle_t h);
