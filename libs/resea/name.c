#include <msgtypes.h>
#include <resea/ipc.h>
#include <resea/name.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <string.h>
#include <stdbool.h>

#define RESULT_WORD 0
/* The names we registered, to register again with a restarted name
 * server: as many as the name server lets one task hold. */
#define SERVED_MAX 4

static char served[SERVED_MAX][NAME_MAX];

static error_t request(int type, const char *name, int64_t timeout,
                       struct message *m) {
    *m = (struct message){.type = type};
    struct name_request *req = (struct name_request *) m->data;
    if (name &&
        strlcpy(req->name, name, sizeof(req->name)) >= sizeof(req->name))
        return ERR_TOO_LARGE;
    req->timeout_ms = timeout;
    return OK;
}

static bool alive(handle_t h) {
    struct handle_info info;
    return handle_info(h, &info) == OK && info.task_alive;
}

/* Our handle under tag, renewed through init if its task has ended. */
static handle_t live(uint32_t tag) {
    handle_t h = startup_handle(tag);
    if (h > 0 && !alive(h)) {
        handle_t fresh = startup_renew(tag);
        if (fresh > 0)
            return fresh;
    }
    return h;
}

handle_t name_server(void) {
    handle_t h = live(TAG_NAME);
    return h > 0 ? h : ERR_BAD_HANDLE;
}

/* Registrations go through the handle that carries the right to serve
 * our boot entry's names, if our creator gave us one. */
static handle_t serve_handle(void) {
    handle_t h = live(TAG_NAME_SERVE);
    return h > 0 ? h : name_server();
}

static error_t call_through(handle_t h, struct message *m) {
    error_t err = ipc_call(h, m);
    return err ? err : (error_t) m->words[RESULT_WORD];
}

static error_t call(struct message *m) {
    return call_through(name_server(), m);
}

/* A call whose reply's out-of-line data lands at m->ool_ptr. */
static error_t call_into(struct message *m) {
    error_t err = ipc_call_into(name_server(), m);
    return err ? err : (error_t) m->words[RESULT_WORD];
}

/* A lookup's answer moves a handle to us: the one reply we accept it in. */
static error_t call_for_handle(struct message *m) {
    error_t err = ipc_call_handle(name_server(), m);
    return err ? err : (error_t) m->words[RESULT_WORD];
}

static error_t serve(const char *name) {
    struct message m;
    error_t err = request(NAME_SERVE_MSG, name, 0, &m);
    if (err)
        return err;
    handle_t self = task_self();
    if (self < 0)
        return self;
    m.type |= MSG_HANDLE_MOVE;
    m.handle = self;
    if ((err = call_through(serve_handle(), &m)) &&
        handle_info(self, &(struct handle_info){0}) == OK)
        handle_close(self); /* refused before the move */
    return err;
}

static char *served_slot(const char *name) {
    for (int i = 0; i < SERVED_MAX; i++) {
        if (!strcmp(served[i], name))
            return served[i];
    }
    return NULL;
}

static bool serving(void) {
    for (int i = 0; i < SERVED_MAX; i++) {
        if (served[i][0])
            return true;
    }
    return false;
}

error_t ipc_serve(const char *name) {
    bool first = !serving();
    error_t err = serve(name);
    char *slot = err || served_slot(name) ? NULL : served_slot("");
    if (slot)
        strlcpy(slot, name, NAME_MAX);
    if (slot && first)
        task_watch(serve_handle()); /* for name_recover */
    return err;
}

error_t ipc_unserve(const char *name) {
    struct message m;
    error_t err = request(NAME_UNSERVE_MSG, name, 0, &m);
    if (!err)
        err = call_through(serve_handle(), &m);
    char *slot = err ? NULL : served_slot(name);
    if (slot)
        slot[0] = '\0';
    return err;
}

error_t name_recover(void) {
    handle_t h = startup_handle(TAG_NAME_SERVE);
    if (h <= 0)
        h = startup_handle(TAG_NAME);
    if (!serving() || h <= 0 || alive(h))
        return OK;
    name_server(); /* renews TAG_NAME, as serving renews TAG_NAME_SERVE */
    error_t err = OK;
    for (int i = 0; i < SERVED_MAX; i++) {
        error_t e = served[i][0] ? serve(served[i]) : OK;
        if (e && !err)
            err = e;
    }
    if (alive(serve_handle()))
        task_watch(serve_handle());
    return err;
}
/* The server holds a wait for half a second at most; we ask again until
 * our own deadline (none for IPC_FOREVER), so a lookup for a name that
 * never comes costs it nothing. */
handle_t name_lookup_new(const char *name, int64_t timeout_ms) {
    bool forever = timeout_ms == IPC_FOREVER;
    uint64_t deadline = forever ? 0 : uptime_ms() + (uint64_t) timeout_ms;
    for (;;) {
        struct message m;
        error_t err = request(NAME_LOOKUP_MSG, name, timeout_ms, &m);
        if (!err)
            err = call_for_handle(&m);
        if (!err)
            return m.handle;
        if (m.handle > 0)
            handle_close(m.handle); /* a refusal has no business with one */
        if (err != ERR_TIMEOUT || timeout_ms == IPC_POLL)
            return err;
        if (!forever) {
            uint64_t now = uptime_ms();
            if (now >= deadline)
                return ERR_TIMEOUT;
            timeout_ms = (int64_t) (deadline - now);
        }
    }
}

/*
 * The handles our lookups got, by name, so that a name gives the same
 * handle while it is open (Resea gives the same task id). A hit is
 * checked against what the name server gave: a slot we closed, or that
 * now holds something else, or whose task has ended, is asked for again.
 */
static struct {
    char name[NAME_MAX];
    handle_t h; /* 0: free */
    struct handle_info given;
    uint64_t since; /* when remembered: the oldest goes first */
} cache[LOOKUP_CACHE_MAX];
static uint64_t cache_clock;

static bool still_given(int i) {
    struct handle_info now;
    return handle_info(cache[i].h, &now) == OK && now.kind == KOBJ_TASK &&
           now.task_alive && now.task_id == cache[i].given.task_id &&
           now.badge == cache[i].given.badge &&
           now.rights == cache[i].given.rights;
}

static int cached(const char *name) {
    for (int i = 0; i < LOOKUP_CACHE_MAX; i++) {
        if (cache[i].h && !strcmp(cache[i].name, name))
            return i;
    }
    return -1;
}

/* A free entry, else the oldest: forgotten, not closed (the handle stays
 * the caller's). */
static int cache_slot(handle_t h) {
    int slot = 0;
    for (int i = 0; i < LOOKUP_CACHE_MAX; i++) {
        if (cache[i].h == h)
            cache[i].h = 0; /* the slot was closed and is h now */
        if (cache[slot].h &&
            (!cache[i].h || cache[i].since < cache[slot].since))
            slot = i;
    }
    return slot;
}

static void remember(const char *name, handle_t h) {
    struct handle_info info;
    if (handle_info(h, &info) != OK)
        return;
    int i = cache_slot(h);
    strlcpy(cache[i].name, name, NAME_MAX);
    cache[i].h = h;
    cache[i].given = info;
    cache[i].since = ++cache_clock;
}

handle_t ipc_lookup_timeout(const char *name, int64_t timeout_ms) {
    int i = cached(name);
    if (i >= 0 && still_given(i))
        return cache[i].h;
    if (i >= 0)
        cache[i].h = 0;
    handle_t h = name_lookup_new(name, timeout_ms);
    if (h > 0)
        remember(name, h);
    return h;
}

handle_t ipc_lookup(const char *name) {
    return ipc_lookup_timeout(name, IPC_FOREVER);
}

int name_list(char *buf, size_t len) {
    struct message m = {
        .type = NAME_LIST_MSG, .ool_ptr = (uint64_t) buf, .ool_len = len};
    error_t err = call_into(&m);
    return err ? err : (int) m.words[1];
}

error_t name_stats(struct name_stats *stats) {
    struct message m = {.type = NAME_STATS_MSG};
    error_t err = call(&m);
    if (!err)
        memcpy(stats, &m.words[1], sizeof(*stats));
    return err;
}
