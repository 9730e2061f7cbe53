/* The other ends of the async tests. Their handle 1 is the test task. */
#include "test.h"
#include <resea/async.h>
#include <resea/event_loop.h>
#include <string.h>

#define PEER peer_handle(1)

static int delivered, failed;

static void count_done(error_t status, void *arg) {
    (void) arg;
    if (status == OK)
        delivered++;
    else
        failed++;
}

/* Queue count items, then answer pulls until all are delivered; exit with
 * how many were (negative: how many failed). */
static int producer(uint64_t param) {
    uint32_t count = param & 0xffff, tag = (param >> 16) & 0xff;
    struct async_attr attr = {.max_msgs = 128,
                              .trigger_count = (param >> 24) & 0xff,
                              .block_when_full = true};
    error_t err = async_open(PEER, &attr);
    if (err)
        return err;
    for (uint32_t i = 0; i < count; i++) {
        struct async_item item = {tag, i};
        if ((err = async_put(PEER, MSG_USER, &item, sizeof(item), count_done,
                             NULL)))
            return err;
    }
    while (delivered + failed < (int) count) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) != OK)
            break;
        if (m.type == MSG_NOTIFICATIONS &&
            (m.notifications.bits & NOTIFY_DEATH))
            async_handle_death();
        else if (m.type != MSG_NOTIFICATIONS)
            async_handle_request(&m);
    }
    return failed ? -failed : delivered;
}

struct consumer_state {
    uint32_t want, got, next_seq;
    bool out_of_order;
};

static void consume(struct event_loop *loop, const struct async_msg *msg) {
    struct consumer_state *st = loop->user;
    const struct async_item *item = msg->data;
    if (msg->len != sizeof(*item) || item->seq != st->next_seq)
        st->out_of_order = true;
    st->next_seq = item->seq + 1;
    if (++st->got == st->want)
        event_loop_stop(loop);
}

/* Take `want` items from whoever sends, in order; exit with the count. */
static int consumer(uint64_t want) {
    struct consumer_state st = {.want = want};
    struct event_loop loop = {.on_async = consume, .user = &st};
    error_t err = event_loop_add_peer(&loop, PEER);
    if (!err)
        err = event_loop_run(&loop);
    if (err)
        return err;
    return st.out_of_order ? -1 : (int) st.got;
}

static void hash_and_stop(struct event_loop *loop,
                          const struct async_msg *msg) {
    *(int *) loop->user = fnv_hash(msg->data, msg->len) & 0x7fffffff;
    event_loop_stop(loop);
}

static int hasher(void) {
    int hash = -1;
    struct event_loop loop = {.on_async = hash_and_stop, .user = &hash};
    error_t err = event_loop_add_peer(&loop, PEER);
    if (!err)
        err = event_loop_run(&loop);
    return err ? err : hash;
}

/* A plain client: one call to its server (handle 1, RIGHT_CALL only),
 * then the server's news, pulled on NOTIFY_ASYNC as Resea's clients do. */
static int client(uint32_t want) {
    struct message m = {.type = MSG_USER};
    error_t err = ipc_call(PEER, &m);
    uint32_t got = 0;
    while (!err && got < want) {
        if ((err = ipc_recv(IPC_ANY, &m)) || m.type != MSG_NOTIFICATIONS ||
            !(m.notifications.bits & NOTIFY_ASYNC))
            continue;
        struct notify_source src;
        if (async_senders(&src, 1) != 1 || src.handle != PEER)
            return -1; /* the kernel names the server and our handle */
        while ((err = async_recv(PEER, &m)) == OK) {
            struct async_item item;
            memcpy(&item, m.data, sizeof(item));
            if (m.type != MSG_USER || item.seq != got)
                return got;
            got++;
        }
        err = err == ERR_EMPTY ? OK : err;
    }
    return err ? err : (int) got;
}

int async_peer_main(int mode, uint64_t param) {
    struct message m;
    switch (mode) {
    case CHILD_ASYNC_PRODUCER:
        return producer(param);
    case CHILD_ASYNC_CONSUMER:
        return consumer(param);
    case CHILD_ASYNC_CONNECT:
        return async_connect(PEER, NULL);
    case CHILD_ASYNC_HASH:
        return hasher();
    case CHILD_ASYNC_CLIENT:
        return client(param);
    case CHILD_EXIT_BITS:
        if (ipc_recv(IPC_ANY, &m) != OK)
            return -1;
        return m.notifications.bits;
    }
    return -1;
}
