/*
 * The shell's leases of its terminal (proto/console.h): every program it
 * starts gets one, and loses it when it ends, whatever it passed it on to.
 * The shell is told of the end of each program it started (NOTIFY_DEATH
 * goes to a task's creator), and keeps a handle to each background program
 * that holds a lease, SHELL_BACKGROUND_MAX (6) of them; a program started
 * when all are taken runs without a terminal and prints to the kernel log.
 */
#include "shell.h"

static struct background *free_place(struct shell *sh) {
    for (int i = 0; i < SHELL_BACKGROUND_MAX; i++) {
        if (!sh->background[i].task)
            return &sh->background[i];
    }
    return NULL;
}

handle_t shell_lend(struct shell *sh, bool foreground, uint64_t *lease) {
    *lease = 0;
    if (!foreground && !free_place(sh))
        return 0;
    uint64_t rights = foreground ? CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE
                                 : CONSOLE_LEASE_WRITE;
    handle_t h = console_lend(sh->console, sh->port, rights, lease);
    return h > 0 ? h : 0;
}

void shell_end_lease(struct shell *sh, uint64_t *lease) {
    if (*lease)
        console_revoke(sh->console, sh->port, *lease);
    *lease = 0;
}

void shell_keep_background(struct shell *sh, handle_t task, uint64_t lease) {
    struct background *b = free_place(sh); /* there was one: shell_lend */
    if (b && lease) {
        *b = (struct background){task, lease};
        return;
    }
    shell_end_lease(sh, &lease);
    handle_close(task); /* no terminal to take back: we do not wait */
}

void shell_check_background(struct shell *sh) {
    for (int i = 0; i < SHELL_BACKGROUND_MAX; i++) {
        struct background *b = &sh->background[i];
        struct task_status st;
        if (!b->task ||
            (task_status(b->task, &st) == OK && st.state != TASK_DEAD))
            continue;
        shell_end_lease(sh, &b->lease);
        handle_close(b->task);
        b->task = 0;
    }
}
