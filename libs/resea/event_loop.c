#include <resea/event_loop.h>
#include <resea/syscall.h>

#define SOURCES_MAX 16

/* Take everything every sender released for us. */
static void pull_all(struct event_loop *loop) {
    struct notify_source srcs[SOURCES_MAX];
    int n;
    while (!loop->stop && (n = async_senders(srcs, SOURCES_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            if (!srcs[i].handle)
                continue; /* we hold no handle to pull with */
            struct async_msg msgs[ASYNC_BATCH_MAX];
            int got;
            while (!loop->stop &&
                   (got = async_recv_batch(srcs[i].handle, msgs,
                                           ASYNC_BATCH_MAX)) > 0) {
                for (int j = 0; j < got && loop->on_async; j++)
                    loop->on_async(loop, &msgs[j]);
            }
        }
    }
}

static void accept_peer(struct event_loop *loop, struct message *m) {
    bool ok = loop->on_connect && loop->on_connect(loop, m->src);
    int slot = -1;
    for (int i = 0; ok && i < EVENT_LOOP_PEERS && slot < 0; i++) {
        if (!loop->peers[i].handle)
            slot = i;
    }
    task_t id = m->src;
    handle_t h = 0;
    bool accepted = ok && slot >= 0;
    error_t err = async_accept(m, accepted, &h);
    if (accepted && err == OK) {
        loop->peers[slot].id = id;
        loop->peers[slot].handle = h;
    } else if (accepted && h > 0) {
        handle_close(h); /* it left before hearing our answer */
    }
}

/* After NOTIFY_DEATH: forget accepted peers that ended. */
static void check_peers(struct event_loop *loop) {
    for (int i = 0; i < EVENT_LOOP_PEERS; i++) {
        struct handle_info info;
        handle_t h = loop->peers[i].handle;
        if (!h || (handle_info(h, &info) == OK && info.task_alive))
            continue;
        task_t id = loop->peers[i].id;
        handle_close(h);
        loop->peers[i].handle = 0;
        if (loop->on_close)
            loop->on_close(loop, id);
    }
}

static void notifications(struct event_loop *loop, uint64_t bits) {
    if (bits & NOTIFY_DEATH) {
        async_handle_death();
        check_peers(loop);
        if (loop->on_death)
            loop->on_death(loop);
    }
    if (bits & NOTIFY_TIMER) {
        async_handle_timer();
        if (loop->on_timer)
            loop->on_timer(loop);
    }
    if (bits & NOTIFY_ASYNC)
        pull_all(loop);
    uint64_t rest = bits & ~(NOTIFY_DEATH | NOTIFY_TIMER | NOTIFY_ASYNC);
    if (rest && loop->on_notify)
        loop->on_notify(loop, rest);
}

error_t event_loop_dispatch(struct event_loop *loop, int64_t timeout) {
    struct message m;
    error_t err = ipc_recv_timeout(IPC_ANY, &m, timeout);
    if (err)
        return err;
    if (m.type == MSG_NOTIFICATIONS) {
        notifications(loop, m.notifications.bits);
    } else if (m.type == ASYNC_CONNECT_MSG) {
        accept_peer(loop, &m);
    } else if (async_handle_request(&m) == ERR_UNKNOWN_MESSAGE) {
        if (loop->on_request) {
            loop->on_request(loop, &m);
        } else {
            struct message r = {.type = ERR_UNKNOWN_MESSAGE};
            ipc_reply(m.src, &r); /* fails harmlessly if it was a send */
        }
    }
    return OK;
}

error_t event_loop_run(struct event_loop *loop) {
    loop->stop = false;
    while (!loop->stop) {
        error_t err = event_loop_dispatch(loop, IPC_FOREVER);
        if (err)
            return err;
    }
    return OK;
}

void event_loop_stop(struct event_loop *loop) { loop->stop = true; }
