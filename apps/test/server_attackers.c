/*
 * The attackers of the attack suite (server_attack.h): plain apps. Each holds
 * the name server as handle 1 and only what it looks up there; its arg
 * says whom it attacks and how it stops answering. Also the loop server,
 * the victim standing for any server that accepts async peers.
 */
#include "server_attack.h"
#include <format.h>
#include <msgtypes.h>
#include <proto/chat.h>
#include <proto/console.h>
#include <resea/async.h>
#include <resea/console.h>
#include <resea/event_loop.h>
#include <resea/name.h>
#include <string.h>

#define SEND_MS 500
#define FLOOD_SENDS (2 * HANDLE_MAX) /* more than any table holds */
#define WAITERS_REFRESH_MS 100       /* the name server holds one 500 ms */

const char *const attack_victims[] = {
    [VICTIM_NAME] = "", /* handle 1: no lookup */
    [VICTIM_CHAT] = "chat",
    [VICTIM_CONSOLE] = "console",
    [VICTIM_LOOP] = LOOP_NAME,
};

static handle_t victim(uint64_t v) {
    return v == VICTIM_NAME ? H_NAME
                            : ipc_lookup_timeout(attack_victims[v], LIVE_MS);
}

/* Never answer again, until killed. */
__attribute__((noreturn)) static void hold(uint64_t how) {
    struct message m;
    if (how == HOLD_PULL) { /* take one call and sit on it */
        while (ipc_recv(IPC_ANY, &m) == OK && m.type == MSG_NOTIFICATIONS)
            ;
    }
    for (;;)
        sleep_ms(IPC_TIMEOUT_MAX);
}

/* A message of an async type, carrying a copy of a handle to us, makes
 * the receiver hold a handle it could pull from us; then "we have mail". */
static int freeze(uint64_t param) {
    handle_t h = victim(param & 0xff);
    if (h < 0)
        return h;
    struct message m = {.type = ASYNC_CLOSE_MSG | MSG_HANDLE_COPY,
                        .handle = task_self()};
    ipc_send_timeout(h, &m, SEND_MS); /* taken or refused: on we go */
    ipc_notify(h, NOTIFY_ASYNC);
    hold(param >> 8);
}

/* A peer the server accepted, with mail, that stops answering. */
static int stall(uint64_t param) {
    handle_t h = victim(param & 0xff);
    error_t err = h < 0 ? h : async_connect(h, NULL);
    int v = 1;
    if (!err)
        err = async_put(h, MSG_USER, &v, sizeof(v), NULL, NULL);
    if (err)
        return err;
    hold(param >> 8);
}

/* Messages a server's library or handler answers without keeping a
 * handle: each carries a copy of one to us. Returns how many were taken. */
static int flood(uint64_t param) {
    static const int32_t types[] = {ASYNC_PULL_MSG, ASYNC_CLOSE_MSG,
                                    ASYNC_CONNECT_MSG, CONSOLE_WRITE_MSG,
                                    MSG_USER};
    handle_t h = victim(param & 0xff), self = task_self();
    if (h < 0)
        return h;
    int taken = 0;
    for (int i = 0; i < FLOOD_SENDS; i++) {
        struct message m = {.type = types[i % 5] | MSG_HANDLE_COPY,
                            .handle = self};
        m.words[0] = CONSOLE_TEST_PORT;
        taken += ipc_send_timeout(h, &m, SEND_MS) == OK;
    }
    return taken;
}

/* As many names as the name server lets us have, kept while we live. */
static int squat(void) {
    char name[NAME_MAX];
    for (int n = 0; n < HANDLE_MAX; n++) {
        format(name, sizeof(name), "t-squat%d", n);
        if (ipc_serve(name) != OK)
            break;
    }
    hold(HOLD_SLEEP);
}

/* Every reader's place on one terminal, kept while we live. */
static int attach_all(void) {
    handle_t h = victim(VICTIM_CONSOLE);
    if (h < 0)
        return h;
    for (int i = 0; i < HANDLE_MAX; i++) {
        if (console_attach(h, CONSOLE_TEST_PORT) != OK)
            break;
    }
    hold(HOLD_SLEEP);
}

/* The system's names, and one that is nobody's: only the last is ours. */
static int squat_system_names(void) {
    int got = 0;
    got |= ipc_serve("console") == OK ? SQUAT_CONSOLE : 0;
    got |= ipc_serve("chat") == OK ? SQUAT_CHAT : 0;
    got |= ipc_serve("t-squat") == OK ? SQUAT_OWN_NAME : 0;
    return got;
}

/* Every port's reader place, line and output, through a lookup. */
static int steal_terminals(void) {
    handle_t h = victim(VICTIM_CONSOLE);
    if (h < 0)
        return h;
    int got = 0;
    for (int port = 0; port < CONSOLE_PORTS; port++) {
        char line[CONSOLE_LINE_MAX];
        got += console_attach(h, port) == OK;
        int n = console_read(h, port, line, sizeof(line));
        got += n >= 0 || n == ERR_EMPTY; /* it would read the next line */
        got += console_write(h, port, "[kernel] fake\n", 14) == OK;
    }
    return got;
}

/* As many chat sessions as the server lets us open, kept while we live. */
static int take_sessions(void) {
    handle_t self = task_self();
    for (int n = 0; n < CHAT_SESSIONS; n++) {
        handle_t h = victim(VICTIM_CHAT);
        handle_t notify = handle_dup(self, RIGHT_NOTIFY, 0);
        struct message m = {.type = CHAT_OPEN_MSG | MSG_HANDLE_MOVE,
                            .handle = notify};
        format((char *) m.data, CHAT_NICK_MAX, "squat%d", n);
        if (h < 0 || ipc_call(h, &m) != OK || m.words[0] != OK)
            break;
    }
    hold(HOLD_SLEEP);
}

/* Lookups that wait, sent rather than called, again before the name
 * server lets the last ones go: each would hold a waiter's place. */
static int send_waiting_lookups(void) {
    for (;;) {
        for (int i = 0; i < FLOOD_SENDS; i++) {
            struct message m = {.type = NAME_LOOKUP_MSG};
            struct name_request *req = (struct name_request *) m.data;
            strlcpy(req->name, "t-never", sizeof(req->name));
            req->timeout_ms = IPC_FOREVER;
            ipc_send_timeout(H_NAME, &m, SEND_MS);
        }
        sleep_ms(WAITERS_REFRESH_MS);
    }
}

static bool accept_any(struct event_loop *loop, task_t src) {
    (void) loop;
    (void) src;
    return true;
}

static void answer_with_peers(struct event_loop *loop, struct message *m) {
    struct message r = {.type = MSG_ID(m->type)};
    r.words[0] = m->words[0] + 1;
    for (int i = 0; i < EVENT_LOOP_PEERS; i++)
        r.words[LOOP_PEERS_WORD] += loop->peers[i].handle != 0;
    ipc_reply(m->src, &r);
}

static int loop_server(void) {
    struct event_loop loop = {.on_request = answer_with_peers,
                              .on_connect = accept_any};
    error_t err = ipc_serve(LOOP_NAME);
    return err ? err : event_loop_run(&loop);
}

int server_attack_main(int mode, uint64_t param) {
    switch (mode) {
    case CHILD_LOOP_SERVER:
        return loop_server();
    case CHILD_ATTACK_FREEZE:
        return freeze(param);
    case CHILD_ATTACK_STALL:
        return stall(param);
    case CHILD_ATTACK_FLOOD:
        return flood(param);
    case CHILD_ATTACK_SQUAT:
        return squat();
    case CHILD_ATTACK_ATTACH:
        return attach_all();
    case CHILD_ATTACK_SYSTEM_NAMES:
        return squat_system_names();
    case CHILD_ATTACK_TERMINALS:
        return steal_terminals();
    case CHILD_ATTACK_SESSIONS:
        return take_sessions();
    case CHILD_ATTACK_WAITERS:
        return send_waiting_lookups();
    }
    return -1;
}
