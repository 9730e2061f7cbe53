/*
 * The async library: connections (sender side), pulls and receive caches
 * (receiver side). The queue itself is async_queue.c.
 */
#include <config.h>
#include <resea/async.h>
#include <resea/syscall.h>
#include <string.h>

#ifndef CONFIG_ASYNC_QUEUE_DEFAULT
#define CONFIG_ASYNC_QUEUE_DEFAULT 64
#endif

/* Pull request: words[0] = most messages wanted (0: ASYNC_BATCH_MAX).
 * Reply (ASYNC_BATCH_MSG): records out of line, words[0] = count,
 * words[1] = messages still released after these. */
#define PULL_MAX_WORD 0
#define BATCH_COUNT_WORD 0
#define BATCH_MORE_WORD 1
#define CONNECT_RESULT_WORD 0

struct conn {
    bool used;
    handle_t dst; /* the handle it was opened through; 0: by task id */
    task_t dst_id;
    struct async_attr attr;
    struct async_queue q;
    bool notified;      /* the receiver has been told and not pulled */
    uint64_t oldest_ms; /* when the oldest unreleased message came */
    _Alignas(8) uint8_t buf[ASYNC_QUEUE_BYTES];
    struct async_done done[ASYNC_LIMIT_MAX];
};

static struct conn conns[ASYNC_CONN_MAX];

/* A free slot, or one by task id, has dst 0: no handle finds it. */
static struct conn *find_conn(handle_t dst) {
    if (!dst)
        return NULL;
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        if (conns[i].dst == dst)
            return &conns[i];
    }
    return NULL;
}

static struct conn *find_conn_by_id(task_t id) {
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        if (conns[i].used && conns[i].dst_id == id)
            return &conns[i];
    }
    return NULL;
}

/* The attributes with defaults filled in, or ERR_INVALID_ARG. */
static error_t check_attr(const struct async_attr *attr, struct async_attr *a) {
    *a = attr ? *attr : (struct async_attr){0};
    if (!a->max_msgs)
        a->max_msgs = CONFIG_ASYNC_QUEUE_DEFAULT;
    if (a->max_msgs > ASYNC_LIMIT_MAX || a->trigger_ms > IPC_TIMEOUT_MAX)
        return ERR_INVALID_ARG;
    return OK;
}

static struct conn *free_conn(void) {
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        if (!conns[i].used)
            return &conns[i];
    }
    return NULL;
}

static void close_conn(struct conn *c, error_t why) {
    c->used = false; /* first: completions may queue again elsewhere */
    c->dst = 0;
    aq_fail_all(&c->q, why);
}

/* A connection opened by task id goes when its client has gone or has let
 * go of every handle to us: nobody can pull from it any more. */
static bool client_gone(const struct conn *c) {
    return !c->dst && notify_client(c->dst_id, 0) != OK;
}

/* Connections by task id are made on demand, without the receiver asking:
 * an empty one, or one to a client that has gone, gives its slot up. */
static void reclaim_by_id(void) {
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        struct conn *c = &conns[i];
        if (c->used && !c->dst && (!c->q.count || client_gone(c)))
            close_conn(c, ERR_ABORTED);
    }
}

static void init_conn(struct conn *c, handle_t dst, task_t id,
                      const struct async_attr *a) {
    c->attr = *a;
    c->dst_id = id;
    c->notified = false;
    aq_init(&c->q, c->buf, sizeof(c->buf), c->done, a->max_msgs);
    c->dst = dst;
    c->used = true;
}

/* Everything opening a connection to dst needs, checked before anything
 * changes: the task, the attributes and a free slot. */
static error_t check_open(handle_t dst, const struct async_attr *attr,
                          struct handle_info *info, struct async_attr *a) {
    error_t err = handle_info(dst, info);
    if (err)
        return err;
    if (info->kind != KOBJ_TASK)
        return ERR_BAD_HANDLE;
    if (!(info->rights & RIGHT_NOTIFY))
        return ERR_NOT_PERMITTED;
    if (!info->task_alive)
        return ERR_ABORTED;
    if ((err = check_attr(attr, a)))
        return err;
    if (find_conn_by_id(info->task_id))
        return ERR_ALREADY_EXISTS; /* one connection per receiver */
    return free_conn() ? OK : ERR_FULL;
}

static error_t open_conn(handle_t dst, const struct async_attr *attr,
                         struct conn **out) {
    struct handle_info info;
    struct async_attr a;
    error_t err = check_open(dst, attr, &info, &a);
    if (err)
        return err;
    task_watch(dst); /* so async_handle_death can fail its messages */
    *out = free_conn();
    init_conn(*out, dst, info.task_id, &a);
    return OK;
}

/* A connection to a client that holds a handle to us: the kernel checks
 * that (notify_client with no bits), as it will on every notification. */
static error_t open_by_id(task_t id, struct conn **out) {
    struct async_attr a;
    check_attr(NULL, &a);
    error_t err = notify_client(id, 0);
    if (err)
        return err;
    if (!free_conn())
        reclaim_by_id();
    if (!(*out = free_conn()))
        return ERR_FULL;
    init_conn(*out, 0, id, &a);
    return OK;
}

/* Offer the receiver a handle to pull from us, and let it decline. */
static error_t handshake(handle_t dst) {
    handle_t self = task_self();
    if (self < 0)
        return self;
    handle_t pull = handle_dup(self, RIGHT_CALL | RIGHT_SEND, 0);
    handle_close(self);
    if (pull < 0)
        return pull;
    struct message m = {.type = ASYNC_CONNECT_MSG | MSG_HANDLE_MOVE,
                        .handle = pull};
    error_t err = ipc_call(dst, &m);
    if (err) {
        handle_close(pull); /* still ours if the call failed early */
        return err;
    }
    if (m.type != ASYNC_CONNECT_REPLY_MSG)
        return ERR_UNKNOWN_MESSAGE; /* it does not speak the protocol */
    return (error_t) m.words[CONNECT_RESULT_WORD];
}

error_t async_open(handle_t dst, const struct async_attr *attr) {
    struct conn *c;
    if (find_conn(dst))
        return ERR_ALREADY_EXISTS;
    return open_conn(dst, attr, &c);
}

error_t async_connect(handle_t dst, const struct async_attr *attr) {
    struct handle_info info;
    struct async_attr checked;
    /* All of async_open's checks first: once the receiver has said yes,
     * it holds our handle and expects us to send. */
    error_t err = check_open(dst, attr, &info, &checked);
    if (err)
        return err;
    if (!(info.rights & RIGHT_CALL))
        return ERR_NOT_PERMITTED;
    err = handshake(dst);
    return err ? err : async_open(dst, attr);
}

/* The task's one timer serves every connection's time trigger: arm it for
 * the earliest deadline. */
static void arm_timer(uint64_t now) {
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        struct conn *c = &conns[i];
        if (c->used && c->attr.trigger_ms && aq_unreleased(&c->q) &&
            c->oldest_ms + c->attr.trigger_ms < next)
            next = c->oldest_ms + c->attr.trigger_ms;
    }
    if (next != UINT64_MAX)
        timer_set(next > now ? next - now : 1, 0);
}

/* A client reached by task id that can no longer be told is dropped. */
static error_t notify_by_id(struct conn *c) {
    error_t err = notify_client(c->dst_id, NOTIFY_ASYNC);
    if (err)
        close_conn(c, ERR_ABORTED);
    return err;
}

/* Make released messages visible: notify the receiver once per pull. Out
 * of line, so that a put that releases nothing stays short. */
__attribute__((noinline)) static error_t release(struct conn *c) {
    aq_release_all(&c->q);
    if (c->notified || !c->q.released)
        return OK;
    c->notified = true;
    if (!c->dst)
        return notify_by_id(c);
    ipc_notify(c->dst, NOTIFY_ASYNC);
    return OK;
}

static error_t maybe_release(struct conn *c) {
    uint32_t waiting = aq_unreleased(&c->q);
    if (waiting >= c->attr.trigger_count || waiting == c->q.limit)
        return release(c);
    if (c->attr.trigger_ms && waiting == 1) {
        c->oldest_ms = uptime_ms();
        arm_timer(c->oldest_ms);
    }
    return OK;
}

/* The queue is full and the sender asked to wait: serve dst's pulls until
 * there is room. Other requests from dst are answered ERR_WOULD_BLOCK. */
static error_t wait_for_room(struct conn *c) {
    error_t err = release(c);
    if (err)
        return err;
    struct message m;
    err = ipc_recv(c->dst_id, &m);
    if (err) {
        close_conn(c, ERR_ABORTED);
        return err;
    }
    if (m.type == ASYNC_PULL_MSG)
        return async_reply_to(&m);
    if (m.type == ASYNC_CLOSE_MSG) {
        close_conn(c, ERR_ABORTED);
        return ERR_ABORTED;
    }
    m = (struct message){.type = ERR_WOULD_BLOCK}; /* busy: ask later */
    ipc_reply(c->dst_id, &m);
    return OK;
}

/* Queue on c (opened: by this put) and apply the release rules. */
static error_t put_on(struct conn *c, bool opened, int32_t type,
                      const struct async_iov *iov, int iovcnt,
                      async_done_fn done, void *arg) {
    error_t err;
    while ((err = aq_push(&c->q, type, iov, iovcnt, done, arg)) == ERR_FULL &&
           c->attr.block_when_full) {
        if ((err = wait_for_room(c)))
            return err;
    }
    if (err && opened)
        close_conn(c, err); /* bad input changes nothing: not even a
                               connection (its queue is empty) */
    return err ? err : maybe_release(c);
}

error_t async_putv(handle_t dst, int32_t type, const struct async_iov *iov,
                   int iovcnt, async_done_fn done, void *arg) {
    struct conn *c = find_conn(dst);
    error_t err;
    bool opened = !c;
    if (!c && (err = open_conn(dst, NULL, &c)))
        return err;
    return put_on(c, opened, type, iov, iovcnt, done, arg);
}

error_t async_put(handle_t dst, int32_t type, const void *data, size_t len,
                  async_done_fn done, void *arg) {
    struct async_iov iov = {data, len};
    struct conn *c = find_conn(dst);
    /* The common case, inline: an open connection with room. */
    if (c && aq_push(&c->q, type, &iov, 1, done, arg) == OK)
        return maybe_release(c);
    return async_putv(dst, type, &iov, 1, done, arg);
}

error_t async_put_task(task_t dst, int32_t type, const void *data, size_t len,
                       async_done_fn done, void *arg) {
    struct async_iov iov = {data, len};
    struct conn *c = find_conn_by_id(dst); /* through a handle, or by id */
    error_t err;
    bool opened = !c;
    if (c && client_gone(c)) { /* we are not told when a client ends */
        close_conn(c, ERR_ABORTED);
        return ERR_ABORTED;
    }
    if (!c && (err = open_by_id(dst, &c)))
        return err;
    return put_on(c, opened, type, &iov, 1, done, arg);
}

error_t async_send_handle(handle_t dst, struct message *m) {
    return async_put(dst, m->type, m->data, MSG_DATA_SIZE, NULL, NULL);
}

error_t async_send_task(task_t dst, struct message *m) {
    return async_put_task(dst, m->type, m->data, MSG_DATA_SIZE, NULL, NULL);
}

bool async_is_empty_task(task_t dst) {
    struct conn *c = find_conn_by_id(dst);
    return !c || !c->q.count;
}

bool async_is_empty_handle(handle_t dst) {
    struct handle_info info;
    return handle_info(dst, &info) != OK || info.kind != KOBJ_TASK ||
           async_is_empty_task(info.task_id);
}

error_t async_flush(handle_t dst) {
    struct conn *c = find_conn(dst);
    if (!c)
        return ERR_NOT_FOUND;
    return release(c);
}

error_t async_disconnect(handle_t dst) {
    struct conn *c = find_conn(dst);
    if (!c)
        return ERR_NOT_FOUND;
    close_conn(c, ERR_ABORTED);
    return OK;
}

void async_set_status(error_t status, void *arg) { *(error_t *) arg = status; }

static error_t reply_batch(struct conn *c, task_t dst, uint32_t max_msgs) {
    const void *data;
    uint32_t bytes;
    uint32_t n = aq_peek(&c->q, ASYNC_PULL_BYTES, max_msgs, &data, &bytes);
    struct message r = {.type = ASYNC_BATCH_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) data,
                        .ool_len = bytes};
    r.words[BATCH_COUNT_WORD] = n;
    r.words[BATCH_MORE_WORD] = c->q.released - n;
    error_t err = ipc_reply(dst, &r);
    if (err == ERR_ABORTED && !c->dst)
        close_conn(c, ERR_ABORTED); /* a client by id ended: none will pull */
    if (err)
        return err; /* not delivered: otherwise the messages stay queued */
    c->notified = c->q.released > n;
    aq_consume(&c->q, n, bytes, OK);
    return OK;
}

error_t async_reply_to(const struct message *pull) {
    struct conn *c = find_conn_by_id(pull->src);
    uint32_t max = pull->words[PULL_MAX_WORD];
    if (!max || max > ASYNC_BATCH_MAX)
        max = ASYNC_BATCH_MAX;
    if (!c) { /* nothing was ever queued for it: an empty batch */
        struct message r = {.type = ASYNC_BATCH_MSG};
        return ipc_reply(pull->src, &r);
    }
    return reply_batch(c, pull->src, max);
}

error_t async_reply(task_t dst) {
    struct message pull = {.type = ASYNC_PULL_MSG, .src = dst};
    return async_reply_to(&pull);
}

error_t async_handle_request(const struct message *m) {
    struct conn *c;
    switch (m->type) {
    case ASYNC_PULL_MSG:
        return async_reply_to(m);
    case ASYNC_CLOSE_MSG:
        if ((c = find_conn_by_id(m->src)))
            close_conn(c, ERR_ABORTED);
        return OK;
    }
    return ERR_UNKNOWN_MESSAGE;
}

void async_handle_timer(void) {
    uint64_t now = uptime_ms();
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        struct conn *c = &conns[i];
        if (c->used && c->attr.trigger_ms && aq_unreleased(&c->q) &&
            now - c->oldest_ms >= c->attr.trigger_ms)
            release(c);
    }
    arm_timer(now);
}

void async_handle_death(void) {
    for (int i = 0; i < ASYNC_CONN_MAX; i++) {
        struct conn *c = &conns[i];
        struct handle_info info;
        if (c->used &&
            (c->dst ? handle_info(c->dst, &info) != OK || !info.task_alive
                    : client_gone(c)))
            close_conn(c, ERR_ABORTED);
    }
}

/*
 * Receiver side: the batch pulled last from each of a few senders waits
 * here until the task takes it.
 */
#define RECV_CACHES 2

struct recv_cache {
    handle_t src;
    task_t src_id;
    uint32_t bytes;
    size_t pos;
    _Alignas(8) uint8_t buf[ASYNC_PULL_BYTES];
};

static struct recv_cache caches[RECV_CACHES];

static bool cache_empty(const struct recv_cache *rc) {
    return rc->pos >= rc->bytes;
}

static struct recv_cache *cache_for(handle_t src) {
    struct recv_cache *spare = NULL;
    for (int i = 0; i < RECV_CACHES; i++) {
        if (caches[i].src == src)
            return &caches[i];
        if (cache_empty(&caches[i]) && !spare)
            spare = &caches[i];
    }
    if (spare)
        *spare = (struct recv_cache){.src = src};
    return spare;
}

/* A pull: a call that waits for the sender's answer at most timeout ms
 * (IPC_FOREVER: without limit). */
static error_t pull(struct recv_cache *rc, uint32_t max, int64_t timeout) {
    struct message m = {.type = ASYNC_PULL_MSG,
                        .ool_ptr = (uint64_t) rc->buf,
                        .ool_len = sizeof(rc->buf)};
    m.words[PULL_MAX_WORD] = max;
    error_t err = timeout == IPC_FOREVER
                      ? ipc_call_into(rc->src, &m)
                      : ipc_call_into_bounded(rc->src, &m, timeout);
    if (err)
        return err;
    if (m.type != ASYNC_BATCH_MSG)
        return ERR_UNKNOWN_MESSAGE;
    rc->src_id = m.src;
    rc->bytes = m.ool_len;
    rc->pos = 0;
    return OK;
}

/* The next record from src's cache, pulling when it is empty. */
static error_t next_record(handle_t src, uint32_t max,
                           const struct async_record **r, task_t *from) {
    struct recv_cache *rc = cache_for(src);
    if (!rc)
        return ERR_FULL; /* every cache holds another sender's batch */
    if (cache_empty(rc)) {
        error_t err = pull(rc, max, IPC_FOREVER);
        if (err) {
            rc->src = 0;
            return err;
        }
    }
    *r = aq_next_record(rc->buf, rc->bytes, &rc->pos);
    if (!*r) {
        rc->bytes = 0; /* empty, or malformed: drop the rest */
        return ERR_EMPTY;
    }
    *from = rc->src_id;
    return OK;
}

error_t async_recv(handle_t src, struct message *m) {
    const struct async_record *r;
    task_t from;
    error_t err = next_record(src, ASYNC_BATCH_MAX, &r, &from);
    if (err)
        return err;
    *m = (struct message){.type = r->type, .src = from};
    memcpy(m->data, r->data, r->len < MSG_DATA_SIZE ? r->len : MSG_DATA_SIZE);
    return OK;
}

int async_recv_batch(handle_t src, struct async_msg *msgs, int max) {
    return async_recv_batch_timeout(src, msgs, max, IPC_FOREVER);
}

int async_recv_batch_timeout(handle_t src, struct async_msg *msgs, int max,
                             int64_t timeout) {
    struct recv_cache *rc = cache_for(src);
    if (!rc)
        return ERR_FULL;   /* every cache holds another sender's batch */
    if (cache_empty(rc)) { /* pull only when nothing is left here */
        error_t err = pull(rc, max, timeout);
        if (err) {
            rc->src = 0;
            return err;
        }
    }
    int n = 0;
    const struct async_record *r;
    while (n < max && (r = aq_next_record(rc->buf, rc->bytes, &rc->pos)))
        msgs[n++] = (struct async_msg){rc->src_id, r->type, r->len, r->data};
    if (n < max)
        rc->bytes = 0; /* all taken (or the rest was malformed) */
    return n;
}

int async_senders(struct notify_source *out, int max) {
    return notify_sources(out, max);
}

/* What a connect must carry: a handle to its sender, to pull with. */
static bool pull_handle_ok(const struct message *m) {
    struct handle_info info;
    return m->handle > 0 && handle_info(m->handle, &info) == OK &&
           info.kind == KOBJ_TASK && info.task_id == m->src &&
           (info.rights & RIGHT_CALL);
}

error_t async_accept(struct message *m, bool accept, handle_t *src) {
    if (src)
        *src = 0;
    if (m->type != ASYNC_CONNECT_MSG)
        return ERR_INVALID_ARG; /* not ours to answer */
    bool valid = pull_handle_ok(m);
    /* Watching first: a peer whose death we would not hear of is none. */
    error_t watch = accept && valid && src ? task_watch(m->handle) : OK;
    accept = accept && valid && src && watch == OK;
    struct message r = {.type = ASYNC_CONNECT_REPLY_MSG};
    r.words[CONNECT_RESULT_WORD] = accept   ? OK
                                   : !valid ? ERR_INVALID_ARG
                                   : watch  ? watch
                                            : ERR_NOT_PERMITTED;
    handle_t h = msg_take_handle(m);
    error_t err = ipc_reply(m->src, &r);
    if (accept && !err)
        *src = h;
    else if (h)
        handle_close(h); /* refused, or the connector is gone */
    return err ? err : valid ? OK : ERR_INVALID_ARG;
}

error_t async_close(handle_t src) {
    struct message m = {.type = ASYNC_CLOSE_MSG};
    for (int i = 0; i < RECV_CACHES; i++) {
        if (caches[i].src == src)
            caches[i] = (struct recv_cache){0};
    }
    return ipc_send(src, &m);
}
