/*
 * The name server: unique names to endpoint handles. A server registers by
 * moving us a handle to itself; a lookup gets a copy, badged so that the
 * server can tell its clients apart. A lookup for a name not yet there
 * waits (a bounded while: the client library asks again); a name goes
 * away when its server ends. A system name (one a boot entry lists) is
 * registered only through the serve handle init gave that entry's tasks.
 */
#include <bootfs.h>
#include <msgtypes.h>
#include <resea/bootfs_task.h>
#include <resea/event_loop.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <string.h>

/* Each name holds a handle: with the names of one task bounded, and all
 * of them below our table's 63 slots, no client can fill it for the
 * rest (a lookup needs a slot to mint in, a registration one to land). */
#define ENTRIES_MAX 48
#define ENTRIES_PER_TASK 4
#define WAITERS_MAX 32
#define WAIT_MAX_MS 500 /* the longest we hold a lookup */
#define LOOKUP_RIGHTS (RIGHT_SEND | RIGHT_CALL | RIGHT_NOTIFY | RIGHT_GRANT)
#define LIST_MAX 4096

struct entry {
    char name[NAME_MAX];
    handle_t server; /* 0: free */
    task_t owner;
    uint64_t next_badge;
};

struct waiter {
    task_t client; /* 0: free */
    char name[NAME_MAX];
    uint64_t deadline;
};

static struct entry entries[ENTRIES_MAX];
static struct waiter waiters[WAITERS_MAX];

static void answer(task_t client, error_t err, handle_t moved) {
    struct message r = {.type = NAME_LOOKUP_REPLY_MSG};
    r.words[0] = err;
    if (moved > 0) {
        r.type |= MSG_HANDLE_MOVE;
        r.handle = moved;
    }
    /* Not delivered, so still ours (a full table ends its call: ERR_FULL). */
    if (ipc_reply(client, &r) != OK && moved > 0)
        handle_close(moved);
}

/* The name in a request: it must end inside the message. */
static error_t request_name(const struct message *m, char *name) {
    const struct name_request *req = (const struct name_request *) m->data;
    size_t len = strnlen(req->name, NAME_MAX);
    if (len == 0)
        return ERR_INVALID_ARG;
    if (len == NAME_MAX)
        return ERR_TOO_LARGE;
    memcpy(name, req->name, len + 1);
    return OK;
}

static int names_of(task_t owner) {
    int n = 0;
    for (int i = 0; i < ENTRIES_MAX; i++)
        n += entries[i].server && entries[i].owner == owner;
    return n;
}

static struct entry *find(const char *name) {
    for (int i = 0; i < ENTRIES_MAX; i++) {
        if (entries[i].server && !strcmp(entries[i].name, name))
            return &entries[i];
    }
    return NULL;
}

/* A fresh badged handle to the entry's server for one client. Badges
 * from BADGE_LOOKUP_END up are its starter's to mint, never ours. */
static handle_t mint(struct entry *e) {
    if (e->next_badge >= BADGE_LOOKUP_END)
        return ERR_FULL;
    return handle_dup(e->server, LOOKUP_RIGHTS, e->next_badge++);
}

/* Who may serve name: anyone, unless a boot entry lists it (build.mk
 * `serves`); then only a task whose serve handle init badged for such an
 * entry. A badge says which entry, so no task can claim another's. */
static error_t may_serve(const char *name, uint64_t badge) {
    const void *image = bootfs_image();
    if (!bootfs_system_name(image, name))
        return OK;
    if (badge < NAME_BADGE_ENTRY(0) ||
        badge - NAME_BADGE_ENTRY(0) >= bootfs_count(image))
        return ERR_NOT_PERMITTED;
    uint32_t index = badge - NAME_BADGE_ENTRY(0);
    return bootfs_serves(image, bootfs_entry_at(image, index), name)
               ? OK
               : ERR_NOT_PERMITTED;
}

static void wake_waiters(struct entry *e) {
    for (int i = 0; i < WAITERS_MAX; i++) {
        if (waiters[i].client && !strcmp(waiters[i].name, e->name)) {
            handle_t h = mint(e);
            answer(waiters[i].client, h < 0 ? h : OK, h);
            waiters[i].client = 0;
        }
    }
}

/* A registration must give us a full handle to the registrar itself. */
static bool server_handle_ok(const struct message *m) {
    struct handle_info info;
    return m->handle > 0 && handle_info(m->handle, &info) == OK &&
           info.kind == KOBJ_TASK && info.task_id == m->src &&
           (info.rights & LOOKUP_RIGHTS) == LOOKUP_RIGHTS;
}

/* Everything a registration needs, checked before anything changes. A
 * handle we do not take is closed by the event loop. */
static error_t serve(struct message *m) {
    char name[NAME_MAX];
    error_t err = request_name(m, name);
    if (!err) /* first: whether it is taken is not a squatter's business */
        err = may_serve(name, m->badge);
    if (!err && !server_handle_ok(m))
        err = ERR_INVALID_ARG;
    if (!err && find(name))
        err = ERR_ALREADY_EXISTS;
    if (!err && names_of(m->src) >= ENTRIES_PER_TASK)
        err = ERR_FULL;
    struct entry *e = NULL;
    for (int i = 0; !err && i < ENTRIES_MAX && !e; i++) {
        if (!entries[i].server)
            e = &entries[i];
    }
    if (!err && !e)
        err = ERR_FULL;
    if (!err)
        err = task_watch(m->handle); /* else its name could outlive it */
    if (err)
        return err;
    handle_t h = msg_take_handle(m);
    *e = (struct entry){.server = h, .owner = m->src, .next_badge = 1};
    memcpy(e->name, name, sizeof(name));
    wake_waiters(e);
    return OK;
}

static error_t unserve(struct message *m) {
    char name[NAME_MAX];
    error_t err = request_name(m, name);
    if (err)
        return err;
    struct entry *e = find(name);
    if (!e)
        return ERR_NOT_FOUND;
    if (e->owner != m->src)
        return ERR_NOT_PERMITTED;
    handle_close(e->server);
    e->server = 0;
    return OK;
}

static void arm_timer(void) {
    uint64_t next = UINT64_MAX, now = uptime_ms();
    for (int i = 0; i < WAITERS_MAX; i++) {
        if (waiters[i].client && waiters[i].deadline < next)
            next = waiters[i].deadline;
    }
    if (next != UINT64_MAX)
        timer_set(next > now ? next - now : 1, 0);
}

/*
 * Where a lookup from `client` waits: one place per task. A task blocked in
 * its call to us cannot send another request, so if one comes while its
 * lookup waits, that lookup was sent, not called (or its call gave up),
 * and nobody waits for the answer: the new one takes its place. Else a
 * free slot, or NULL.
 */
static struct waiter *waiter_slot(task_t client) {
    struct waiter *free = NULL;
    for (int i = 0; i < WAITERS_MAX; i++) {
        if (waiters[i].client == client)
            return &waiters[i];
        if (!waiters[i].client && !free)
            free = &waiters[i];
    }
    return free;
}

/* Answer now, or hold the request until the name comes or time is up. */
static void lookup(struct message *m) {
    char name[NAME_MAX];
    error_t err = request_name(m, name);
    int64_t timeout = ((const struct name_request *) m->data)->timeout_ms;
    if (!err && timeout < IPC_FOREVER)
        err = ERR_INVALID_ARG;
    struct entry *e = err ? NULL : find(name);
    if (err || e || timeout == IPC_POLL) {
        handle_t h = e ? mint(e) : 0;
        answer(m->src, err ? err : e ? (h < 0 ? h : OK) : ERR_NOT_FOUND, h);
        return;
    }
    int64_t wait = (timeout == IPC_FOREVER || timeout > WAIT_MAX_MS)
                       ? WAIT_MAX_MS
                       : timeout;
    struct waiter *w = waiter_slot(m->src);
    if (!w) {
        answer(m->src, ERR_FULL, 0); /* too many waiting: refuse, serve on */
        return;
    }
    *w = (struct waiter){.client = m->src, .deadline = uptime_ms() + wait};
    memcpy(w->name, name, sizeof(name));
    arm_timer();
}

static void expire(struct event_loop *loop) {
    (void) loop;
    uint64_t now = uptime_ms();
    for (int i = 0; i < WAITERS_MAX; i++) {
        if (waiters[i].client && waiters[i].deadline <= now) {
            answer(waiters[i].client, ERR_TIMEOUT, 0);
            waiters[i].client = 0;
        }
    }
    arm_timer();
}

/* A registered server ended: its name goes. */
static void forget_dead(struct event_loop *loop) {
    (void) loop;
    for (int i = 0; i < ENTRIES_MAX; i++) {
        struct handle_info info;
        if (entries[i].server && handle_info(entries[i].server, &info) == OK &&
            !info.task_alive) {
            handle_close(entries[i].server);
            entries[i].server = 0;
        }
    }
}

static void list(struct message *m) {
    static char buf[LIST_MAX];
    size_t len = 0;
    int count = 0;
    for (int i = 0; i < ENTRIES_MAX; i++) {
        if (!entries[i].server)
            continue;
        int n = format(buf + len, sizeof(buf) - len, "%s\n", entries[i].name);
        if (len + n >= sizeof(buf))
            break;
        len += n;
        count++;
    }
    buf[len++] = '\0';
    struct message r = {
        .type = NAME_LIST_REPLY_MSG, .ool_ptr = (uint64_t) buf, .ool_len = len};
    r.words[1] = count;
    ipc_reply(m->src, &r); /* too large for it: its call gets ERR_TOO_LARGE */
}

static void stats(struct message *m) {
    struct name_stats st = {0};
    for (int i = 0; i < ENTRIES_MAX; i++)
        st.entries += entries[i].server != 0;
    for (int i = 0; i < WAITERS_MAX; i++)
        st.waiters += waiters[i].client != 0;
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        struct handle_info info;
        st.handles += handle_info(h, &info) == OK;
    }
    struct message r = {.type = NAME_STATS_REPLY_MSG};
    memcpy(&r.words[1], &st, sizeof(st));
    ipc_reply(m->src, &r);
}

static void on_request(struct event_loop *loop, struct message *m) {
    (void) loop;
    struct message r = {.type = msg_reply_type(m->type)};
    switch (m->type) {
    case NAME_SERVE_MSG:
        r.words[0] = serve(m);
        break;
    case NAME_UNSERVE_MSG:
        r.words[0] = unserve(m);
        break;
    case NAME_LOOKUP_MSG:
        lookup(m);
        return;
    case NAME_LIST_MSG:
        list(m);
        return;
    case NAME_STATS_MSG:
        stats(m);
        return;
    default:
        r.type = ERR_UNKNOWN_MESSAGE;
        r.words[0] = ERR_UNKNOWN_MESSAGE;
    }
    ipc_reply(m->src, &r);
}

int main(void) {
    /* Registrations carry a handle; the loop closes any we do not keep. */
    struct event_loop loop = {.on_request = on_request,
                              .on_timer = expire,
                              .on_death = forget_dead,
                              .accept_handles = true};
    /* No request carries out-of-line data: refuse it rather than hold
     * what a client sends (docs/ipc.md). */
    ipc_ool_buffer(NULL, 0);
    printf("[name] ready\n");
    return event_loop_run(&loop);
}
