/* The other ends of the IPC tests: an echo server, callers and senders. */
#include "test.h"
#include <resea/malloc.h>
#include <string.h>

#define PEER peer_handle(1) /* the handle a peer is given */

uint64_t fnv_hash(const void *buf, size_t len) {
    const uint8_t *p = buf;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static uint8_t ool_in[IPC_OOL_MAX];

/* Answer one request in place: m becomes the reply. Returns false to exit
 * without replying. */
static bool serve(struct message *m, uint64_t count) {
    struct message r = {.type = MSG_ID(m->type)};
    switch (MSG_ID(m->type)) {
    case ECHO_ADD:
        r.words[0] = m->words[0] + 1;
        break;
    case ECHO_HASH:
        r.words[0] = fnv_hash((void *) m->ool_ptr, m->ool_len);
        r.words[1] = m->ool_len;
        r.words[2] = m->type & MSG_ATTRS;
        break;
    case ECHO_OOL_BACK:
        r.type |= MSG_OOL;
        r.ool_ptr = m->ool_ptr;
        r.ool_len = m->ool_len;
        break;
    case ECHO_HANDLE: {
        struct task_status st;
        error_t err = task_status(m->handle, &st);
        r.words[0] = m->handle;
        r.words[1] = err ? (uint64_t) err : st.priority;
        break;
    }
    case ECHO_EXIT:
        return false;
    default:
        r.type = ERR_UNKNOWN_MESSAGE;
    }
    if (m->handle > 0)
        handle_close(m->handle); /* we keep none */
    r.words[ECHO_COUNT_WORD] = count;
    r.words[ECHO_BADGE_WORD] = m->badge;
    *m = r;
    return true;
}

/* It takes handles (ECHO_HANDLE), so its receives accept them. */
int echo_server_main(void) {
    ipc_ool_buffer(ool_in, sizeof(ool_in));
    struct message m;
    uint64_t count = 0;
    error_t err = ipc_recv_handle(IPC_ANY, &m);
    while (err == OK || err == ERR_ABORTED || err == ERR_BAD_STATE) {
        if (err != OK || m.type == MSG_NOTIFICATIONS) {
            err = ipc_recv_handle(IPC_ANY, &m);
            continue;
        }
        task_t client = m.src;
        if (!serve(&m, ++count))
            return 0;
        err = ipc_replyrecv_handle(client, &m);
    }
    return err;
}

/* Call PEER with words[0] = param; exit with the reply's words[0]. */
static int caller(uint64_t param) {
    struct message m = {.type = ECHO_ADD};
    m.words[0] = param;
    error_t err = ipc_call(PEER, &m);
    return err ? err : (int) m.words[0];
}

/* Send (count = param & 0xff) messages tagged param >> 8, numbered. */
static int sender(uint64_t param) {
    for (uint64_t i = 0; i < (param & 0xff); i++) {
        struct message m = {.type = ECHO_ADD};
        m.words[0] = param >> 8;
        m.words[1] = i;
        error_t err = ipc_send(PEER, &m);
        if (err)
            return err;
    }
    return 0;
}

/* One send or call to PEER with a timeout of (uint32_t) param ms. */
static int timed_send(uint64_t param) {
    struct message m = {.type = ECHO_ADD};
    int64_t ms = (uint32_t) param;
    if (param & TIMED_BOUNDED)
        return ipc_call_bounded(PEER, &m, ms);
    return (param & TIMED_CALL) ? ipc_call_timeout(PEER, &m, ms)
                                : ipc_send_timeout(PEER, &m, ms);
}

static int send_handle(void) {
    struct message m = {.type = ECHO_ADD | MSG_HANDLE_MOVE,
                        .handle = task_self()};
    error_t err = ipc_send(PEER, &m);
    if (err)
        handle_close(m.handle); /* refused: still ours */
    return err;
}

static int forge(uint64_t param) {
    static const struct message lie = {
        .type = FORGED_TYPE, .src = FORGED_SRC, .badge = FORGED_BADGE};
    struct message m = {.type = ECHO_ADD | MSG_OOL,
                        .ool_ptr = (uint64_t) &lie,
                        .ool_len = sizeof(lie)};
    if (param == 0)
        return ipc_send(PEER, &m);
    struct message req;
    error_t err = ipc_recv(IPC_ANY, &req);
    return err ? err : ipc_reply(req.src, &m);
}

static int reply_with_handle(uint64_t param) {
    struct message m;
    error_t err = ipc_recv(IPC_ANY, &m);
    if (err)
        return err;
    struct message r = {.type = ECHO_ADD | MSG_HANDLE_MOVE,
                        .handle = task_self()};
    err = ipc_reply(m.src, &r);
    ipc_recv_timeout(IPC_ANY, &m, param); /* a caller still waiting would
                                             see us end: ERR_ABORTED */
    return err;
}

static int timed_recv(uint64_t param) {
    struct message m;
    error_t err = ipc_recv_timeout(IPC_ANY, &m, (uint32_t) param);
    if (err != ERR_TIMEOUT)
        return err ? err : -1;
    if ((err = ipc_recv_timeout(IPC_ANY, &m, IPC_POLL)))
        return err;
    return m.type == MSG_NOTIFICATIONS ? (int) (m.notifications.bits >> 16)
                                       : -1;
}

/*
 * Out-of-line data in the buffers the library gives (Resea's way): each
 * call's data is ours to keep, in a buffer of its own, until we free it.
 * Answers each call with the hash of everything kept so far, and frees
 * it all on ECHO_ADD.
 */
static int ool_owner(void) {
    void *kept[4];
    int n = 0;
    struct message m;
    error_t err = ipc_recv(IPC_ANY, &m);
    while (err == OK) {
        struct message r = {.type = MSG_ID(m.type)};
        if ((m.type & MSG_OOL) && n < 4) {
            kept[n++] = (void *) m.ool_ptr;
            for (int i = 0; i < n; i++)
                r.words[i] = fnv_hash(kept[i], m.ool_len);
        } else if (MSG_ID(m.type) == ECHO_ADD) {
            while (n > 0)
                free(kept[--n]);
        }
        task_t from = m.src;
        m = r;
        err = ipc_replyrecv(from, &m);
    }
    return err;
}

int ipc_peer_main(int mode, uint64_t param) {
    struct message m;
    switch (mode) {
    case CHILD_ECHO_SERVER:
        return echo_server_main();
    case CHILD_CALLER:
        return caller(param);
    case CHILD_SENDER:
        return sender(param);
    case CHILD_RECV_NO_OOL:
        ipc_ool_buffer(NULL, 0);
        /* fall through */
    case CHILD_RECV_THEN_EXIT:
        return ipc_recv(IPC_ANY, &m) == OK ? 0 : -1;
    case CHILD_OOL_OWNER:
        return ool_owner();
    case CHILD_WATCH:
        if (task_watch(PEER) != OK)
            return -1;
        return ipc_recv(IPC_ANY, &m) == OK &&
                       (m.notifications.bits & NOTIFY_DEATH)
                   ? 42
                   : -2;
    case CHILD_TRY_IRQ:
        return irq_listen(PEER, param);
    case CHILD_TIMED_SEND:
        return timed_send(param);
    case CHILD_FORGER:
        return forge(param);
    case CHILD_HANDLE_REPLIER:
        return reply_with_handle(param);
    case CHILD_TIMED_RECV:
        return timed_recv(param);
    case CHILD_HANDLE_SENDER:
        return send_handle();
    case CHILD_RECV_FROM:
        return ipc_recv((task_t) param, &m);
    case CHILD_SLEEP_EXIT:
        sleep_ms(param);
        return 0;
    }
    return -1;
}
