/*
 * Attack 11 of issue 10, per-client quotas: one app took all 16 chat
 * sessions, or every waiting lookup of the name server, and nobody else
 * could join or wait. Each server now bounds what one task can make it
 * hold (docs/security.md lists the bounds); a fresh client is still
 * served while the app holds its share.
 */
#include "server_attack.h"
#include <resea/name.h>

TEST(attack_one_app_takes_no_more_than_its_share_of_the_chat) {
    CHECK_ERR(answers_while_attacked(VICTIM_CHAT, CHILD_ATTACK_SESSIONS,
                                     chat_open_answers),
              OK);
}

/* A lookup sent (not called) waits like one called, with nobody to take
 * its answer: the app sends them faster than they expire. A fresh
 * client's lookup must still find a place to wait for its late server. */
TEST(attack_one_app_holds_one_waiting_lookup) {
    handle_t a = attacker(CHILD_ATTACK_WAITERS, VICTIM_NAME, HOLD_SLEEP);
    CHECK(a > 0);
    drain_ms(50); /* its first sends are in */
    struct name_stats st;
    error_t stats = name_stats(&st);
    handle_t name = H_NAME;
    handle_t late = spawn_peer(CHILD_NAMED_ECHO, 1 /* test_names[1] */,
                               TEST_PRIORITY - 1, 1, &name);
    handle_t h = ipc_lookup_timeout(test_names[1], LIVE_MS); /* it waits */
    end_task(late);
    end_task(a);
    CHECK_ERR(stats, OK);
    CHECK_EQ(st.waiters, 1);
    CHECK(h > 0);
    handle_close(h);
}
