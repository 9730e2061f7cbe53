/*
 * The attack suite's victims and the fresh client that checks on them
 * (server_attack.h). Every request has LIVE_MS to be answered, so a server an
 * attack froze fails the test instead of hanging it.
 */
#include "server_attack.h"
#include <msgtypes.h>
#include <proto/chat.h>
#include <proto/console.h>
#include <resea/name.h>
#include <string.h>

/* The last victim started: we hold it unbadged, as its starter. */
static handle_t victim_task;

handle_t start_victim(enum victim v) {
    if (v == VICTIM_NAME)
        return 0; /* always there */
    handle_t name = H_NAME;
    handle_t chat_caps[] = {H_NAME, H_SERVE};
    handle_t console_caps[] = {H_NAME, H_SERVE, H_IOPORT, H_IRQ};
    handle_t h = 0;
    if (v == VICTIM_CHAT)
        h = start_boot_task("chat-server", 2, chat_caps);
    else if (v == VICTIM_CONSOLE)
        h = start_boot_task("console", 4, console_caps);
    else if (v == VICTIM_LOOP)
        h = spawn_peer(CHILD_LOOP_SERVER, 0, TEST_PRIORITY + 2, 1, &name);
    /* Servers above us have registered by now; make sure. */
    handle_t probe = h < 0 ? h : ipc_lookup_timeout(attack_victims[v], LIVE_MS);
    if (probe < 0) {
        end_task(h);
        return probe;
    }
    handle_close(probe);
    return victim_task = h;
}

handle_t terminal_handle(int port) {
    return handle_dup(victim_task, RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT,
                      CONSOLE_PORT_BADGE(port));
}

handle_t attacker(int mode, enum victim v, enum hold how) {
    handle_t name = H_NAME;
    return spawn_peer(mode, ATTACK_PARAM(v, how), ATTACK_PRIORITY, 1, &name);
}

void end_task(handle_t h) {
    if (h > 0) {
        task_kill(h);
        handle_close(h);
    }
}

int handles_of(handle_t task) {
    struct task_status st;
    return task_status(task, &st) == OK ? (int) st.num_handles : -1;
}

/* A call with LIVE_MS to be taken; the reply's words[0] is the answer. */
static error_t ask(handle_t h, struct message *m) {
    error_t err = ipc_call_timeout(h, m, LIVE_MS);
    return err ? err : (error_t) m->words[0];
}

static handle_t notify_handle(void) {
    return handle_dup(self_handle(), RIGHT_NOTIFY, 0);
}

/* A request that moves a notify handle to us; closed if it did not go. */
static error_t ask_moving_notify(handle_t h, struct message *m) {
    handle_t notify = notify_handle();
    m->type |= MSG_HANDLE_MOVE;
    m->handle = notify;
    error_t err = ask(h, m);
    if (err && handle_info(notify, &(struct handle_info){0}) == OK)
        handle_close(notify);
    return err;
}

error_t chat_open_answers(void) {
    handle_t h = ipc_lookup_timeout("chat", LIVE_MS);
    if (h < 0)
        return h;
    struct message m = {.type = CHAT_OPEN_MSG};
    strlcpy((char *) m.data, "fresh", CHAT_NICK_MAX);
    error_t err = ask_moving_notify(h, &m);
    if (!err) {
        struct message c = {.type = CHAT_CLOSE_MSG};
        c.words[0] = m.words[1];
        err = ask(h, &c);
    }
    handle_close(h);
    return err;
}

/* The fresh client is the test port's user: its shell's handle. */
error_t console_write_answers(void) {
    handle_t h = terminal_handle(CONSOLE_TEST_PORT);
    if (h < 0)
        return h;
    static const char text[] = "still here\n";
    struct message m = {.type = CONSOLE_WRITE_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) text,
                        .ool_len = sizeof(text) - 1};
    m.words[0] = CONSOLE_TEST_PORT;
    error_t err = ask(h, &m);
    handle_close(h);
    return err;
}

error_t console_attach_answers(void) {
    handle_t h = terminal_handle(CONSOLE_TEST_PORT);
    if (h < 0)
        return h;
    struct message m = {.type = CONSOLE_ATTACH_MSG};
    m.words[0] = CONSOLE_TEST_PORT;
    error_t err = ask_moving_notify(h, &m);
    if (!err) {
        m = (struct message){.type = CONSOLE_DETACH_MSG};
        m.words[0] = CONSOLE_TEST_PORT;
        err = ask(h, &m);
    }
    handle_close(h);
    return err;
}

error_t loop_answers(uint64_t *peers) {
    handle_t h = ipc_lookup_timeout(LOOP_NAME, LIVE_MS);
    if (h < 0)
        return h;
    struct message m = {.type = MSG_USER}; /* ECHO_ADD is an async type */
    m.words[0] = 1;
    error_t err = ipc_call_timeout(h, &m, LIVE_MS);
    handle_close(h);
    if (!err && m.words[0] != 2)
        err = ERR_UNKNOWN_MESSAGE;
    *peers = m.words[LOOP_PEERS_WORD];
    return err;
}

/* A new server registers and a client looks it up and calls it. */
error_t name_register_and_lookup_answers(void) {
    handle_t name = H_NAME;
    handle_t s = spawn_peer(CHILD_NAMED_ECHO, 0 /* test_names[0] */,
                            TEST_PRIORITY + 1, 1, &name);
    handle_t h = ipc_lookup_timeout(test_names[0], LIVE_MS);
    error_t err = h < 0 ? h : OK;
    if (!err) {
        struct message m = {.type = ECHO_ADD};
        err = ipc_call_timeout(h, &m, LIVE_MS);
        handle_close(h);
    }
    end_task(s);
    return err;
}

error_t answers_while_attacked(enum victim v, int mode,
                               error_t (*answers)(void)) {
    handle_t server = start_victim(v);
    if (server < 0)
        return server;
    handle_t a = attacker(mode, v, HOLD_SLEEP);
    error_t answer = a < 0 ? a : answers();
    end_task(a);
    end_task(server);
    return answer;
}
