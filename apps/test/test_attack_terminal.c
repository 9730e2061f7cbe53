/*
 * Attack 3 of issue 10, stolen terminals: any task could attach to any
 * console port on top of its shell, read what the user typed and write
 * fake lines to any terminal. Now a port is used only through a handle
 * badged for it (CONSOLE_PORT_BADGE), which the console's starter mints
 * (init, for the shell of that port; here the test, standing for both).
 */
#include "server_attack.h"
#include <proto/console.h>
#include <resea/console.h>
#include <resea/name.h>

/* The test is the test port's shell; a plain app, with "console" looked
 * up, tries every port. It gets nothing, and the shell stays its
 * terminal's reader. */
TEST(attack_plain_app_reads_and_writes_no_terminal) {
    handle_t server = start_victim(VICTIM_CONSOLE);
    CHECK(server > 0);
    handle_t shell = terminal_handle(CONSOLE_TEST_PORT);
    CHECK_ERR(console_attach(shell, CONSOLE_TEST_PORT), OK);
    handle_t a = attacker(CHILD_ATTACK_TERMINALS, VICTIM_CONSOLE, HOLD_SLEEP);
    CHECK(a > 0);
    int64_t got = exit_code_of(a);
    char line[CONSOLE_LINE_MAX];
    int read = console_read(shell, CONSOLE_TEST_PORT, line, sizeof(line));
    error_t wrote = console_write(shell, CONSOLE_TEST_PORT, "ok\n", 3);
    end_task(server);
    handle_close(shell);
    CHECK_EQ(got, 0);
    CHECK_ERR(read, ERR_EMPTY); /* still the reader: nobody on top */
    CHECK_ERR(wrote, OK);
}

/* A terminal's handle is for its port alone: the program a shell lends
 * it to reaches no other terminal. */
TEST(attack_terminal_handle_reaches_one_port) {
    handle_t server = start_victim(VICTIM_CONSOLE);
    CHECK(server > 0);
    handle_t mine = terminal_handle(CONSOLE_TEST_PORT);
    int other = CONSOLE_TEST_PORT - 1; /* COM1: a port with a UART */
    error_t attach_other = console_attach(mine, other);
    error_t write_other = console_write(mine, other, "fake\n", 5);
    error_t write_mine = console_write(mine, CONSOLE_TEST_PORT, "ok\n", 3);
    handle_t lookup = ipc_lookup_timeout(CONSOLE_NAME, LIVE_MS);
    error_t via_lookup = console_write(lookup, CONSOLE_TEST_PORT, "fake\n", 5);
    end_task(server);
    handle_close(mine);
    handle_close(lookup);
    CHECK_ERR(attach_other, ERR_NOT_PERMITTED);
    CHECK_ERR(write_other, ERR_NOT_PERMITTED);
    CHECK_ERR(write_mine, OK);
    CHECK_ERR(via_lookup, ERR_NOT_PERMITTED);
}
