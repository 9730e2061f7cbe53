/*
 * IPC: sends, calls, receives and replies between workers with random
 * messages (flags, handles to move or copy, out-of-line buffers that are
 * valid, overlap the message, are too large or bad) and timeouts, and the
 * checks on what arrives.
 */
#include "worker.h"

#define PAGE 4096
#define CALLERS 8
#define FORGED_BADGE ((uint64_t) FORGED_SRC << 32 | FORGED_SRC)
#define MSG_IN_PAGE ((PAGE - sizeof(struct message)) / 8)

/* The message buffer most calls use, in the arena's first page (where
 * registered out-of-line buffers often land too). It moves now and then,
 * sometimes across a page end. */
static uint64_t home = (uint64_t) arena;
static task_t callers[CALLERS]; /* who sent to us lately */

uint64_t ipc_home(void) { return home; }

static void move_home(void) {
    if (one_in(8))
        home = (uint64_t) arena + PAGE - 8 * (1 + rnd_below(11));
    else
        home = (uint64_t) arena + 8 * rnd_below(MSG_IN_PAGE);
}

static bool in_arena(uint64_t p, uint64_t len) {
    return p >= (uint64_t) arena && len <= ARENA_SIZE &&
           p - (uint64_t) arena <= ARENA_SIZE - len;
}

/* Out-of-line bytes that, landing on the receiver's message header,
 * would read as src == FORGED_SRC. */
static void forge(uint64_t p, uint64_t len) {
    if (!in_arena(p, len))
        return;
    uint32_t *words = (uint32_t *) (p & ~3ull);
    for (uint64_t i = 0; i < len / 4; i++)
        words[i] = FORGED_SRC;
}

static void fill_ool(struct message *m) {
    m->ool_len =
        (uint32_t) (one_in(4) ? pick_len(IPC_OOL_MAX) : rnd_below(PAGE + 1));
    if (one_in(4)) /* overlapping our own message */
        m->ool_ptr = arena_before((uint64_t) m, 8 * rnd_below(16));
    else
        m->ool_ptr =
            pick_ptr(m->ool_len, one_in(2)); /* writable: a reply buffer */
    if (one_in(4))
        forge(m->ool_ptr, m->ool_len);
}

/* Mostly a type of ours, bare or sized (a little past the data too),
 * with any attributes; now and then any value at all. Raw numbers, not
 * the IDL's types: the point is lengths and attributes that no protocol
 * gives its ids (16..23, the first of the protocols' ids). */
static int32_t pick_type(void) {
    if (one_in(8))
        return (int32_t) pick_value();
    int32_t id = 16 + (int32_t) rnd_below(8);
    int32_t attrs = (int32_t) rnd_below(16) * MSG_OOL; /* bits 26..29 */
    if (one_in(2))
        return id | attrs;
    return MSG_TYPE(id, (int32_t) rnd_below(MSG_DATA_SIZE + 2), attrs);
}

static void fill_message(struct message *m) {
    m->type = pick_type();
    m->src = (task_t) rnd();
    m->badge = rnd();
    m->handle = (int32_t) pick_handle(0);
    if (m->type >= 0 && (m->type & MSG_HANDLE_MOVE) &&
        keep_link((uint64_t) m->handle))
        m->type &= ~MSG_HANDLE_MOVE;
    fill_ool(m);
    for (int i = 0; i < MSG_DATA_SIZE / 8; i++) /* raw: random bytes */
        m->words[i] = pick_value();
}

static task_t pick_caller(void) {
    return one_in(4) ? pick_id() : callers[rnd_below(CALLERS)];
}

/* What arrived: a forged header, a new handle (only if we accepted one),
 * someone to answer. */
static void received(const struct message *m, uint64_t flags) {
    static unsigned next;
    bool kernel_made = m->type == MSG_NOTIFICATIONS && m->src == 0;
    if (m->src == FORGED_SRC || m->badge == FORGED_BADGE ||
        (m->src == 0 && !kernel_made))
        found(FINDING_FORGED_SENDER, "type %#x src %#x badge %#lx", m->type,
              m->src, m->badge);
    if (kernel_made)
        return;
    if (m->handle > 0 && !(flags & IPC_ACCEPT_HANDLE))
        found(FINDING_UNASKED_HANDLE, "handle %d from %#x, flags %#lx",
              m->handle, m->src, flags);
    if (m->handle > 0)
        track(m->handle);
    callers[next++ % CALLERS] = m->src;
    remember_id(m->src);
}

/* A reply refused with ERR_FULL must end the caller's wait: a second
 * reply must find no caller waiting for us. */
static void check_reply_full(task_t caller) {
    struct message r = {.type = 16}; /* any type: only its delivery counts */
    int64_t again = sc(SYS_ipc, caller, IPC_ANY, (uint64_t) &r, IPC_REPLY, 0);
    if (again == OK)
        found(FINDING_REPLY_FULL,
              "a reply to %#x failed with ERR_FULL, "
              "then a second one was taken",
              caller);
}

/* The ipc() arguments of one random operation. */
struct ipc_args {
    uint64_t dst, src, flags;
    int64_t timeout;
};

/* Half the receives take a handle; a quarter of the calls are bounded. */
static uint64_t accepting(void) { return one_in(2) ? IPC_ACCEPT_HANDLE : 0; }

static struct ipc_args pick_operation(struct message *m) {
    struct ipc_args a = {pick_handle(KOBJ_TASK), IPC_ANY, 0, pick_timeout()};
    switch (rnd_below(10)) {
    case 0:
    case 1:
        a.flags = IPC_SEND;
        break;
    case 2:
    case 3:
        a.flags = IPC_CALL | accepting() | (one_in(4) ? IPC_BOUNDED : 0) |
                  (one_in(4) ? IPC_REPLY_BUF : 0);
        break;
    case 4:
    case 5:
        a.flags = IPC_RECV | accepting();
        a.src = one_in(2) ? IPC_ANY : pick_id();
        break;
    case 6:
        a.flags = IPC_REPLY;
        a.dst = pick_caller();
        break;
    case 7:
        a.flags = IPC_REPLY | IPC_RECV | accepting();
        a.dst = pick_caller();
        break;
    case 8: /* ask the coordinator for a handle to a worker */
        a.flags = IPC_CALL | IPC_ACCEPT_HANDLE;
        a.dst = H_COORD;
        if (m) {
            m->type = FUZZ_PEER_MSG; /* the rest of m stays random */
        }
        break;
    default: /* every combination, the refused ones too */
        a.flags = one_in(2) ? rnd_below(64) : pick_value();
        a.src = pick_id();
    }
    return a;
}

void fuzz_ipc(void) {
    if (one_in(64))
        move_home();
    uint64_t buf = one_in(16) ? pick_ptr(sizeof(struct message), true) : home;
    struct message *m =
        in_arena(buf, sizeof(*m)) ? (struct message *) buf : NULL;
    if (m)
        fill_message(m);
    struct ipc_args a = pick_operation(m);
    int32_t moved =
        m && m->type >= 0 && (m->type & MSG_HANDLE_MOVE) ? m->handle : 0;
    int64_t ret = sc(SYS_ipc, a.dst, a.src, buf, a.flags, (uint64_t) a.timeout);
    if (moved)
        track(moved); /* still ours, or gone */
    if (ret == ERR_FULL && (a.flags & IPC_REPLY))
        check_reply_full((task_t) a.dst);
    if (ret == OK && m && (a.flags & IPC_RECV))
        received(m, a.flags);
}
