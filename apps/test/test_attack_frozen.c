/*
 * Attack 1 of issue 10, frozen servers: a plain app tries to make a
 * server wait on it for ever through the async layer's pull, by posing as
 * a sender with mail, or as an accepted peer that stops answering. While
 * it sits there, a fresh client must get its answer (server_attack.h).
 */
#include "server_attack.h"

/* The app sends an async-type message with a copy of a handle to itself,
 * raises NOTIFY_ASYNC, and never answers a pull, in both ways. */
static void check_no_freeze(enum victim v, error_t (*answers)(void)) {
    handle_t server = start_victim(v);
    CHECK(server > 0);
    int handles = handles_of(server);
    for (int how = HOLD_SLEEP; how <= HOLD_PULL; how++) {
        handle_t a = attacker(CHILD_ATTACK_FREEZE, v, how);
        CHECK(a > 0);
        error_t answer = answers();
        int now = handles_of(server);
        end_task(a);
        CHECK_ERR(answer, OK);
        CHECK_EQ(now, handles); /* and it kept no handle to the app */
    }
    end_task(server);
}

TEST(attack_forged_async_mail_freezes_no_chat_server) {
    check_no_freeze(VICTIM_CHAT, chat_open_answers);
}

TEST(attack_forged_async_mail_freezes_no_console) {
    check_no_freeze(VICTIM_CONSOLE, console_write_answers);
}

/* A server that accepts async peers: one connects, has mail, and stops
 * answering. Its pull ends in time, and the peer is dropped. */
TEST(attack_peer_that_stops_answering_pulls_is_dropped) {
    handle_t server = start_victim(VICTIM_LOOP);
    CHECK(server > 0);
    for (int how = HOLD_SLEEP; how <= HOLD_PULL; how++) {
        handle_t a = attacker(CHILD_ATTACK_STALL, VICTIM_LOOP, how);
        CHECK(a > 0);
        uint64_t peers = 0;
        error_t answer = loop_answers(&peers);
        end_task(a);
        CHECK_ERR(answer, OK);
        CHECK_EQ(peers, 0);
    }
    end_task(server);
}
