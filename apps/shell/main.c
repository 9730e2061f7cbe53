/*
 * The shell: one per console port. It reads lines from its port (the
 * console notifies, the shell pulls), runs commands and starts programs
 * from the boot image; while a foreground program runs it holds the port,
 * and the shell waits for it to end. Its terminal is the console handle
 * init badged for its port, of which it is the owner: every program it
 * starts gets a lease of it, which ends when the program does (leases.c).
 * It watches the console and the name server: when init has started one
 * again, the shell renews its handle (startup_renew) and, for the
 * console, attaches again; the foreground program, whose terminal died
 * with the console, is ended.
 */
#include <resea/ipc.h>
#include "shell.h"
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/startup.h>

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
    shell_end_lease(sh, &sh->foreground_lease); /* whoever holds a copy */
    prompt(sh);
}

static bool alive(handle_t h) {
    struct handle_info info;
    return handle_info(h, &info) == OK && info.task_alive;
}

static error_t attach(struct shell *sh) {
    error_t err = console_attach(sh->console, sh->port);
    if (err)
        printf("[shell] cannot attach to port %d: %s\n", sh->port,
               err_str(err));
    else
        task_watch(sh->console); /* to attach again if it ends */
    return err;
}

/* Our name server, renewed (name_server) if init restarted it, and
 * watched: the handle the programs we start get. */
static void refresh_name(struct shell *sh) {
    handle_t h = name_server();
    h = h > 0 ? h : 0;
    if (h && h != sh->caps.name)
        task_watch(h);
    sh->caps.name = h;
}

/* After NOTIFY_DEATH: the console or the name server ended, and init has
 * started it again (or left it down: then we wait). */
static void check_servers(struct shell *sh) {
    refresh_name(sh);
    if (alive(sh->console))
        return;
    if (sh->foreground)
        task_kill(sh->foreground); /* its terminal is gone */
    check_foreground(sh);
    handle_t h = startup_renew(TAG_CONSOLE);
    if (h < 0) {
        printf("[shell] port %d: no console: %s\n", sh->port, err_str(h));
        return;
    }
    sh->console = sh->caps.console = h;
    if (attach(sh) == OK) {
        say(sh, "\n(the console was restarted)\n");
        prompt(sh);
    }
}

void shell_handle_deaths(struct shell *sh) {
    check_foreground(sh);
    shell_check_background(sh);
    check_servers(sh);
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
        refresh_name(sh); /* a lookup may have renewed it */
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
    error_t err = attach(&sh);
    if (err)
        return err;
    if (sh.caps.name)
        task_watch(sh.caps.name); /* to renew it if it ends */
    say(&sh, "\nshell on port %d: type 'help'\n", sh.port + 1);
    prompt(&sh);
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) != OK || m.type != MSG_NOTIFICATIONS)
            continue;
        if (m.notifications.bits & NOTIFY_CONSOLE_INTERRUPT)
            interrupt(&sh);
        if (m.notifications.bits & NOTIFY_DEATH)
            shell_handle_deaths(&sh);
        /* after a death too: lines typed ahead may wait for us */
        if (m.notifications.bits & (NOTIFY_CONSOLE_INPUT | NOTIFY_DEATH))
            read_lines(&sh);
    }
}
