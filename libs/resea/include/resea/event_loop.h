#pragma once
#include <resea/async.h>

/*
 * A dispatch loop for servers (docs/async.md): it receives, answers the
 * async library's own requests (pulls, connects, closes), pulls async
 * messages when NOTIFY_ASYNC arrives, and calls the task's callbacks.
 * Every callback may be NULL. Connection requests are rejected unless
 * on_connect says yes.
 */
#define EVENT_LOOP_PEERS 16

struct event_loop {
    /* A synchronous request; answer it with ipc_reply, now or later. */
    void (*on_request)(struct event_loop *loop, struct message *m);
    /* An asynchronous message; data is valid until the callback returns. */
    void (*on_async)(struct event_loop *loop, const struct async_msg *msg);
    /* A task asks to send to us (async_connect): accept it? */
    bool (*on_connect)(struct event_loop *loop, task_t src);
    /* A task we accepted ended. */
    void (*on_close)(struct event_loop *loop, task_t peer);
    /* Notification bits the loop does not handle itself. */
    void (*on_notify)(struct event_loop *loop, uint64_t bits);
    /* The task's timer fired (after the async library's time triggers). */
    void (*on_timer)(struct event_loop *loop);
    /* NOTIFY_DEATH: some task we watch has ended (after the loop's own
     * clean-up); check the handles you hold. */
    void (*on_death)(struct event_loop *loop);
    void *user;

    /* The loop's own: peers accepted, and whether to stop. */
    struct {
        task_t id;
        handle_t handle;
    } peers[EVENT_LOOP_PEERS];
    bool stop;
};

/* Wait (timeout ms, IPC_POLL, IPC_FOREVER) for one message and dispatch
 * it: OK, ERR_TIMEOUT / ERR_WOULD_BLOCK when nothing came, or an error. */
error_t event_loop_dispatch(struct event_loop *loop, int64_t timeout);
/* Dispatch until event_loop_stop() is called from a callback. */
error_t event_loop_run(struct event_loop *loop);
void event_loop_stop(struct event_loop *loop);
