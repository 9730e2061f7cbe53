/*
 * Attack 4 of issue 10, squatted names: an app registered "console" and
 * "chat" before their servers (its build.mk may ask for any priority), or
 * after a server was killed, and every client then talked to it. Now a
 * name a boot entry lists (build.mk `serves`) is served only through the
 * serve handle init gives that entry's tasks; a plain app has none, and
 * the real servers, started again, get theirs again.
 */
#include "server_attack.h"
#include <msgtypes.h>
#include <resea/name.h>
#include <string.h>

/* Until the name is gone (the name server saw its server end). */
static error_t wait_gone(const char *name) {
    for (int i = 0; i < 100; i++) {
        handle_t h = ipc_lookup_timeout(name, IPC_POLL);
        if (h == ERR_NOT_FOUND)
            return OK;
        if (h > 0)
            handle_close(h);
        drain_ms(10);
    }
    return ERR_TIMEOUT;
}

/* The test image runs no console and no chat server: both names are
 * free, and the app tries them first. */
TEST(attack_plain_app_squats_no_system_name) {
    CHECK_ERR(ipc_lookup_timeout("console", IPC_POLL), ERR_NOT_FOUND);
    CHECK_ERR(ipc_lookup_timeout("chat", IPC_POLL), ERR_NOT_FOUND);
    handle_t a = attacker(CHILD_ATTACK_SYSTEM_NAMES, VICTIM_NAME, HOLD_SLEEP);
    CHECK(a > 0);
    CHECK_EQ(exit_code_of(a), SQUAT_OWN_NAME);
    /* The real server, started with its right, gets its name. */
    handle_t server = start_victim(VICTIM_CHAT);
    CHECK(server > 0);
    CHECK_ERR(chat_open_answers(), OK);
    end_task(server);
}

/* A server that ends leaves its name free: for its successor only. */
TEST(attack_no_app_takes_a_dead_server_s_name) {
    handle_t server = start_victim(VICTIM_CHAT);
    CHECK(server > 0);
    end_task(server);
    CHECK_ERR(wait_gone("chat"), OK);
    handle_t a = attacker(CHILD_ATTACK_SYSTEM_NAMES, VICTIM_NAME, HOLD_SLEEP);
    CHECK(a > 0);
    CHECK_EQ(exit_code_of(a), SQUAT_OWN_NAME);
    server = start_victim(VICTIM_CHAT); /* started again: the same right */
    CHECK(server > 0);
    CHECK_ERR(chat_open_answers(), OK);
    end_task(server);
}

/* The plain name-server handle a task is started with serves only names
 * no entry lists, and nothing lets it pass for a serve handle. */
TEST(name_plain_handle_serves_only_free_names) {
    struct handle_info info;
    CHECK_ERR(handle_info(H_NAME, &info), OK);
    CHECK_EQ(info.badge, NAME_BADGE_PLAIN);
    CHECK_ERR(handle_dup(H_NAME, RIGHT_CALL, NAME_BADGE_ENTRY(0)),
              ERR_NOT_PERMITTED); /* a badged handle keeps its badge */
    /* Init started us, and our entry lists names: we hold a serve handle. */
    CHECK(H_SERVE > 0);
    CHECK_ERR(handle_info(H_SERVE, &info), OK);
    CHECK(info.badge > NAME_BADGE_PLAIN);
    struct message m = {.type = NAME_SERVE_MSG | MSG_HANDLE_MOVE,
                        .handle = task_self()};
    strlcpy((char *) m.data, "chat", NAME_MAX);
    CHECK_ERR(ipc_call(H_NAME, &m), OK);
    CHECK_ERR(m.words[0], ERR_NOT_PERMITTED);
    CHECK_ERR(ipc_serve("chat"), OK); /* through H_SERVE */
    CHECK_ERR(ipc_unserve("chat"), OK);
}
