/*
 * The shell: one per console port. It reads lines from its port (the
 * console notifies, the shell pulls), runs commands and starts programs
 * from the boot image; while a foreground program runs it holds the port,
 * and the shell waits for it to end. Its terminal is the console handle
 * init badged for its port; it lends a copy to its foreground program
 * only.
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
    if (st.exit_reason != EXIT_NORMAL && !sh->interrupted)
        say(sh, "[%s ended: reason %u]\n", st.name, st.exit_reason);
    sh->interrupted = false;
    handle_close(sh->foreground);
    sh->foreground = 0;
    prompt(sh);
}

/* Ctrl-C on our terminal: end the program in the foreground; its end
 * (NOTIFY_DEATH) brings the prompt back. */
static void interrupt(struct shell *sh) {
    if (sh->foreground && task_kill(sh->foreground) == OK)
        sh->interrupted = true; /* the ^C says why it ended */
}

/* Lines typed, in order; the end of input (Ctrl-D) ends no shell. */
static void read_lines(struct shell *sh) {
    static char line[CONSOLE_LINE_MAX];
    while (!sh->foreground) {
        int n = console_read(sh->console, sh->port, line, sizeof(line));
        if (n == ERR_EOF) {
            prompt(sh);
            continue;
        }
        if (n < 0)
            return;
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
        if (m.notifications.bits & NOTIFY_CONSOLE_INTERRUPT)
            interrupt(&sh);
        if (m.notifications.bits & NOTIFY_DEATH)
            check_foreground(&sh);
        /* after a death too: lines typed ahead may wait for us */
        if (m.notifications.bits & (NOTIFY_CONSOLE_INPUT | NOTIFY_DEATH))
            read_lines(&sh);
    }
}
