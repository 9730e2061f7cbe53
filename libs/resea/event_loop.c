/*
 * The event loop (docs/async.md). A server runs it to serve tasks it does
 * not trust, so nothing here waits on a client without a bound: it pulls
 * async messages only from its peers (tasks it accepted or was given), and
 * every pull ends within EVENT_LOOP_PULL_MS.
 */
#include <resea/event_loop.h>
#include <resea/name.h>
#include <resea/syscall.h>

#define SOURCES_MAX 16

static struct event_loop_peer *find_peer(struct event_loop *loop, task_t id) {
    for (int i = 0; i < EVENT_LOOP_PEERS; i++) {
        if (loop->peers[i].handle && loop->peers[i].id == id)
            return &loop->peers[i];
    }
    return NULL;
}

static struct event_loop_peer *free_peer(struct event_loop *loop) {
    for (int i = 0; i < EVENT_LOOP_PEERS; i++) {
        if (!loop->peers[i].handle)
            return &loop->peers[i];
    }
    return NULL;
}

/* Forget a peer that ended, or that did not answer a pull as it should. */
static void drop_peer(struct event_loop *loop, struct event_loop_peer *p) {
    task_t id = p->id;
    handle_close(p->handle);
    *p = (struct event_loop_peer){0};
    if (loop->on_close)
        loop->on_close(loop, id);
}

/* A peer alive but too slow still hears that we stopped pulling, if it
 * is receiving right now; we do not wait for it to. */
static void give_up_on(struct event_loop *loop, struct event_loop_peer *p) {
    struct message m = {.type = ASYNC_CLOSE_MSG};
    ipc_send_noblock(p->handle, &m);
    drop_peer(loop, p);
}

/* Everything p released for us, one bounded pull at a time. The mail
 * stays noted when no pull could be made now: p waits for us (a pull
 * would deadlock), our receive caches are taken, or on_async stopped us. */
static void pull_peer(struct event_loop *loop, struct event_loop_peer *p) {
    struct async_msg msgs[ASYNC_BATCH_MAX];
    while (!loop->stop) {
        int got = async_recv_batch_timeout(p->handle, msgs, ASYNC_BATCH_MAX,
                                           EVENT_LOOP_PULL_MS);
        if (got == 0) {
            p->mail = false;
            return;
        }
        if (got == ERR_DEADLOCK || got == ERR_FULL)
            return;
        if (got < 0) { /* ended, too slow, or not speaking the protocol */
            give_up_on(loop, p);
            return;
        }
        for (int j = 0; j < got && loop->on_async; j++)
            loop->on_async(loop, &msgs[j]);
    }
}

static void pull_mail(struct event_loop *loop) {
    bool left = false;
    for (int i = 0; i < EVENT_LOOP_PEERS; i++) {
        if (loop->peers[i].mail && !loop->stop)
            pull_peer(loop, &loop->peers[i]);
        left |= loop->peers[i].mail;
    }
    loop->mail = left;
}

/* NOTIFY_ASYNC: which peers have mail. Any task with the notify right
 * can raise the bit and be reported; those that are not peers are
 * ignored, as a pull is a call and we call only tasks we chose. */
static void note_mail(struct event_loop *loop) {
    struct notify_source srcs[SOURCES_MAX];
    int n;
    while ((n = async_senders(srcs, SOURCES_MAX)) > 0) {
        for (int i = 0; i < n; i++) {
            struct event_loop_peer *p = find_peer(loop, srcs[i].task_id);
            if (p)
                p->mail = loop->mail = true;
        }
    }
}

/* One peer per task, and only if on_connect says yes. */
static void accept_peer(struct event_loop *loop, struct message *m) {
    task_t id = m->src;
    struct event_loop_peer *p = find_peer(loop, id) ? NULL : free_peer(loop);
    bool ok = p && loop->on_connect && loop->on_connect(loop, id);
    handle_t h;
    if (async_accept(m, ok, &h) == OK && h)
        *p = (struct event_loop_peer){.id = id, .handle = h};
}

error_t event_loop_add_peer(struct event_loop *loop, handle_t h) {
    struct handle_info info;
    error_t err = handle_info(h, &info);
    if (err)
        return err;
    if (info.kind != KOBJ_TASK)
        return ERR_BAD_HANDLE;
    if (!(info.rights & RIGHT_CALL))
        return ERR_NOT_PERMITTED;
    if (find_peer(loop, info.task_id))
        return ERR_ALREADY_EXISTS;
    struct event_loop_peer *p = free_peer(loop);
    if (!p)
        return ERR_FULL;
    if ((err = task_watch(h))) /* else its death would go unnoticed */
        return err;
    *p = (struct event_loop_peer){.id = info.task_id, .handle = h};
    return OK;
}

/* After NOTIFY_DEATH: forget peers that ended. */
static void check_peers(struct event_loop *loop) {
    for (int i = 0; i < EVENT_LOOP_PEERS; i++) {
        struct handle_info info;
        handle_t h = loop->peers[i].handle;
        if (h && (handle_info(h, &info) != OK || !info.task_alive))
            drop_peer(loop, &loop->peers[i]);
    }
}

static void notifications(struct event_loop *loop, uint64_t bits) {
    if (bits & NOTIFY_DEATH) {
        async_handle_death();
        check_peers(loop);
        name_recover(); /* the name server restarted: our names again */
        if (loop->on_death)
            loop->on_death(loop);
    }
    if (bits & NOTIFY_TIMER) {
        async_handle_timer();
        if (loop->on_timer)
            loop->on_timer(loop);
    }
    if (bits & NOTIFY_ASYNC)
        note_mail(loop);
    uint64_t rest = bits & ~(NOTIFY_DEATH | NOTIFY_TIMER | NOTIFY_ASYNC);
    if (rest && loop->on_notify)
        loop->on_notify(loop, rest);
}

static void request(struct event_loop *loop, struct message *m) {
    if (m->type == ASYNC_CONNECT_MSG) {
        accept_peer(loop, m);
    } else if (async_handle_request(m) != ERR_UNKNOWN_MESSAGE) {
        return; /* the library's: a pull or a close */
    } else if (loop->on_request) {
        loop->on_request(loop, m);
    } else {
        struct message r = {.type = ERR_UNKNOWN_MESSAGE};
        ipc_reply(m->src, &r); /* fails harmlessly if it was a send */
    }
}

error_t event_loop_dispatch(struct event_loop *loop, int64_t timeout) {
    struct message m;
    uint32_t flags = IPC_RECV;
    if (loop->accept_handles || loop->on_connect)
        flags |= IPC_ACCEPT_HANDLE;
    error_t err = ipc(0, IPC_ANY, &m, flags, timeout);
    if (err)
        return err;
    /* A task may send type MSG_NOTIFICATIONS too; only the kernel's has
     * no sender. */
    handle_t delivered = m.handle;
    if (m.type == MSG_NOTIFICATIONS && m.src == 0)
        notifications(loop, m.notifications.bits);
    else
        request(loop, &m);
    if (delivered > 0 && m.handle == delivered)
        handle_close(delivered); /* no callback took it */
    if (loop->mail && !loop->stop)
        pull_mail(loop);
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
