/*
 * Attack 2 of issue 10, handle floods: a plain app sends a server many
 * messages, each carrying a copy of a handle to itself, of the types a
 * server answers without keeping one, then ends; or it takes every place
 * that holds a handle. The server must hold no more handles than before,
 * and a fresh client must get its answer (server_attack.h).
 */
#include "server_attack.h"
#include <resea/name.h>

static void check_no_pile_up(enum victim v, error_t (*answers)(void)) {
    handle_t server = start_victim(v);
    CHECK(server > 0);
    int handles = handles_of(server);
    handle_t a = attacker(CHILD_ATTACK_FLOOD, v, HOLD_SLEEP);
    CHECK(a > 0);
    CHECK(exit_code_of(a) >= 0); /* it has gone */
    CHECK_EQ(handles_of(server), handles);
    CHECK_ERR(answers(), OK);
    end_task(server);
}

TEST(attack_copied_handles_pile_up_in_no_chat_server) {
    check_no_pile_up(VICTIM_CHAT, chat_open_answers);
}

TEST(attack_copied_handles_pile_up_in_no_console) {
    check_no_pile_up(VICTIM_CONSOLE, console_attach_answers);
}

/* Each reader of a terminal is a handle the console holds. */
TEST(attack_one_app_takes_no_terminal_s_every_reader_place) {
    CHECK_ERR(answers_while_attacked(VICTIM_CONSOLE, CHILD_ATTACK_ATTACH,
                                     console_attach_answers),
              OK);
}

/* Each name is a handle the name server holds. */
TEST(attack_one_app_fills_no_name_server_with_names) {
    handle_t a = attacker(CHILD_ATTACK_SQUAT, VICTIM_NAME, HOLD_SLEEP);
    CHECK(a > 0);
    error_t answer = name_register_and_lookup_answers();
    end_task(a);
    CHECK_ERR(answer, OK);
}

/* Last: on a kernel or library that lets the handles in, the name server
 * stays full for every test after it. */
TEST(attack_copied_handles_pile_up_in_no_name_server) {
    struct name_stats before, after;
    CHECK_ERR(name_stats(&before), OK);
    handle_t a = attacker(CHILD_ATTACK_FLOOD, VICTIM_NAME, HOLD_SLEEP);
    CHECK(a > 0);
    CHECK(exit_code_of(a) >= 0);
    CHECK_ERR(name_stats(&after), OK);
    CHECK_EQ(after.handles, before.handles);
    CHECK_ERR(name_register_and_lookup_answers(), OK);
}
