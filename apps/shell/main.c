/*
 * The shell: one per console port. It reads lines from its port (the
 * console notifies, the shell pulls), runs commands and starts programs
 * from the boot image; while a foreground program runs it holds the port,
 * and the shell waits for it to end. Its terminal is the console handle
 * init badged for its port, of which it is the owner: every program it
 * starts gets a lease of it, which ends when the program does (leases.c).
 */
#include <resea/ipc.h>
#include "shell.h"
#include <resea/name.h>
#include <resea/printf.h>

static void prompt(struct shell *sh) { say(sh, "shell%d> ", sh->port + 1); }

/* After NOTIFY_DEATH: has our foreground program ended? */
static void check_foreground(struct shell *sh) {
    struct task_status st;
    if (!sh->foreground || task_status(sh->foreground, &st) != OK ||
        st.state != TASK_DEAD)
        return;
    if (st.exit_reason != EXIT_NORMAL)
        say(sh, "[%s ended: reason %u]\n", st.name, st.exit_reason);
    handle_close(sh->foreground);
    sh->foreground = 0;
    shell_end_lease(sh, &sh->foreground_lease); /* whoever holds a copy */
    prompt(sh);
}

static void read_lines(struct shell *sh) {
    char line[CONSOLE_LINE_MAX];
    while (!sh->foreground &&
           console_read(sh->console, sh->port, line, sizeof(line)) >= 0) {
        shell_run(sh, line);
        if (!sh->foreground)
            prompt(sh);
    }
}

int main(void) {
    /* Our terminal is the console handle init badged for our port. */
    struct shell sh = {.caps = startup_caps(), .port = task_arg()};
    sh.console = sh.caps.console;
    if (!sh.console) {
        printf("[shell] no terminal: start me from init (caps := console)\n");
        return ERR_NOT_FOUND;
    }
    /* Leases a shell before us on this port lent end with it. */
    console_revoke(sh.console, sh.port, CONSOLE_LEASE_ALL);
    error_t err = console_attach(sh.console, sh.port);
    if (err) {
        printf("[shell] cannot attach to port %d: %s\n", sh.port, err_str(err));
        return err;
    }
    say(&sh, "\nshell on port %d: type 'help'\n", sh.port + 1);
    prompt(&sh);
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) != OK || m.type != MSG_NOTIFICATIONS)
            continue;
        if (m.notifications.bits & NOTIFY_DEATH) {
            check_foreground(&sh);
            shell_check_background(&sh);
        }
        if (m.notifications.bits & NOTIFY_CONSOLE_INPUT)
            read_lines(&sh);
    }
}
