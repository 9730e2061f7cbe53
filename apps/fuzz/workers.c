/* The coordinator's side of its workers: start, serve, watch, reap. */
#include "coordinator.h"
#include <bootfs.h>
#include <layout.h>

#define REPORT_MAX 4096 /* calls one report may claim */

static const void *own_image(uint64_t *size) {
    const struct bootfs_entry *e = bootfs_find((void *) BOOTFS_ADDR, "fuzz");
    *size = e ? e->size : 0;
    return e ? bootfs_data((void *) BOOTFS_ADDR, e) : NULL;
}

static struct slot *random_worker(void) {
    for (int tries = 0; tries < 2 * WORKERS; tries++) {
        struct slot *s = &r.slots[rnd_below(WORKERS)];
        if (s->h)
            return s;
    }
    return NULL;
}

/* A handle to a random worker with random rights (grant always, so it
 * can be passed on at creation), or 0. */
static handle_t peer_handle(void) {
    struct slot *s = random_worker();
    if (!s)
        return 0;
    uint32_t rights = RIGHT_GRANT | (uint32_t) rnd_below(RIGHTS_ALL + 1);
    handle_t h = handle_dup(s->h, rights, one_in(2) ? 0 : rnd());
    return h > 0 ? h : 0;
}

/* With caps: the spawn, I/O-port and IRQ handles; without: peers. */
static int give_handles(struct task_spec *spec) {
    spec->handles[0] = r.self;
    if (r.caps) {
        spec->handles[1] = r.spawn;
        spec->handles[2] = r.ioport;
        spec->handles[3] = r.irq;
        return 4;
    }
    int n = 1;
    for (handle_t h; n < WORKER_HANDLES && (h = peer_handle()); n++)
        spec->handles[n] = h;
    return n;
}

static uint32_t worker_flags(void) {
    uint32_t flags = r.caps ? WORKER_CAPS : 0;
    if (r.selftest && (r.next_seq < WORKERS || r.calls >= r.target))
        flags |= WORKER_STUCK;
    for (int k = 0; k < FINDING_COUNT; k++)
        flags |= (r.findings[k] != 0) << (WORKER_KNOWN_SHIFT + k);
    return flags;
}

static bool start_worker(struct slot *s) {
    uint64_t size;
    uint32_t flags = worker_flags();
    uint32_t seq = (uint32_t) mix64(r.seed << 32 | r.next_seq++);
    struct task_spec spec = {
        .name = "fuzz-worker",
        .image = own_image(&size),
        .image_size = size,
        .arg = WORKER_ARG(flags, r.free_slot, seq),
        .priority = 1 + rnd_below(WORKER_PRIORITY_MAX),
    };
    spec.num_handles = give_handles(&spec);
    handle_t h = task_create(r.spawn, &spec);
    for (uint32_t i = 1; !r.caps && i < spec.num_handles; i++)
        handle_close(spec.handles[i]);
    if (h < 0)
        return false;
    struct handle_info info;
    handle_info(h, &info);
    *s = (struct slot){h, info.task_id, seq, uptime_ms()};
    r.spawned++;
    return true;
}

bool fill_slots(void) {
    for (int i = 0; i < WORKERS; i++) {
        if (!r.slots[i].h && !start_worker(&r.slots[i]))
            return false;
    }
    return true;
}

struct slot *slot_of(task_t id) {
    for (int i = 0; i < WORKERS; i++) {
        if (r.slots[i].h && r.slots[i].id == id)
            return &r.slots[i];
    }
    return NULL;
}

bool workers_alive(void) {
    for (int i = 0; i < WORKERS; i++) {
        if (r.slots[i].h)
            return true;
    }
    return false;
}

static const char *const check_names[] = {
#define FINDING_CHECK(name, check, what) check,
    FINDING_LIST(FINDING_CHECK)
#undef FINDING_CHECK
};

const char *finding_check(enum finding kind) { return check_names[kind]; }

/* Note findings; say when the first of a kind came, to place the bug. */
static void count_findings(enum finding kind, uint64_t n) {
    if (n && !r.findings[kind])
        printf("fuzz: first %s finding after about %lu calls\n",
               check_names[kind], r.calls);
    r.findings[kind] += n < REPORT_MAX ? n : REPORT_MAX;
}

/* A reply that fails with ERR_FULL must leave no caller waiting: a
 * second reply must find none (as in the workers, ipc_fuzz.c). */
static void reply_peer(task_t caller) {
    handle_t h = peer_handle();
    struct message m = {.type = FUZZ_PEER_REPLY_MSG};
    m.fuzz_peer_reply.peer = h;
    error_t err = ipc_reply(caller, &m);
    if (err && h)
        handle_close(h);
    struct message plain = {.type = FUZZ_REFUSED_MSG};
    if (err == ERR_FULL && ipc_reply(caller, &plain) == OK) {
        if (!r.findings[FINDING_REPLY_FULL])
            printf("fuzz: coordinator: a reply to %#x failed with ERR_FULL, "
                   "then a second one was taken\n",
                   caller);
        count_findings(FINDING_REPLY_FULL, 1);
    }
}

void serve(struct message *m) {
    if (m->type == MSG_NOTIFICATIONS && m->src == 0)
        return; /* deaths: reap_workers looks */
    if (m->handle > 0)
        handle_close(m->handle); /* we keep nothing we are sent */
    struct slot *s = slot_of(m->src);
    if (m->type == FUZZ_PROGRESS_MSG && s &&
        m->fuzz_progress.cookie == mix64(s->seq)) {
        uint64_t calls = m->fuzz_progress.calls;
        r.calls += calls < REPORT_MAX ? calls : REPORT_MAX;
        for (int k = 0; k < FINDING_COUNT; k++)
            count_findings(k, m->fuzz_progress.findings[k]);
        s->last_report_ms = uptime_ms();
        return;
    }
    if (m->type == FUZZ_PEER_MSG) {
        reply_peer(m->src);
        return;
    }
    struct message no = {.type = FUZZ_REFUSED_MSG};
    ipc_reply(m->src, &no); /* if it was a call */
}

/* A worker's own end carries the calls it had not reported yet. */
static void account(const struct task_status *st) {
    if (st->exit_reason == EXIT_NORMAL &&
        (st->exit_code & WORKER_EXIT_MASK) == WORKER_EXIT_MAGIC) {
        r.calls += st->exit_code & 0xffffffff;
        for (int k = 0; k < FINDING_COUNT; k++)
            count_findings(k, (st->exit_code >> (32 + k)) & 1);
        r.done++;
    } else if (st->exit_reason == EXIT_NORMAL) {
        r.exited++;
    } else if (st->exit_reason == EXIT_KILLED) {
        r.killed++;
    } else {
        r.faulted++;
    }
}

void reap_workers(void) {
    for (int i = 0; i < WORKERS; i++) {
        struct slot *s = &r.slots[i];
        struct task_status st;
        if (!s->h || task_status(s->h, &st) != OK || st.state != TASK_DEAD)
            continue;
        account(&st);
        handle_close(s->h);
        s->h = 0;
    }
}

void watchdog(uint64_t ms) {
    uint64_t now = uptime_ms();
    for (int i = 0; i < WORKERS; i++) {
        struct slot *s = &r.slots[i];
        if (s->h && now - s->last_report_ms > ms && task_kill(s->h) == OK)
            r.watchdog_kills++;
    }
}

void kill_workers(void) {
    for (int i = 0; i < WORKERS; i++) {
        if (r.slots[i].h)
            task_kill(r.slots[i].h);
    }
}

void drain(void) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        serve(&m);
}
