#pragma once
#include <resea/bootfs_task.h>
#include <resea/console.h>
#include <resea/syscall.h>

/* The handles init gives the shell: the name server and build.mk's caps
 * (passed on only to programs that ask for them, such as `test`). */
/* Programs in the background that hold a lease of our terminal. */
#define SHELL_BACKGROUND_MAX 6
_Static_assert(SHELL_BACKGROUND_MAX < CONSOLE_LEASES, "and the foreground");

struct background {
    handle_t task; /* 0: a free place */
    uint64_t lease;
};

struct shell {
    struct held_caps caps; /* our start-up table */
    int port;              /* our console port: task_arg() */
    handle_t console;
    handle_t foreground;       /* the program we wait for, or 0 */
    uint64_t foreground_lease; /* its lease of our terminal, or 0 */
    struct background background[SHELL_BACKGROUND_MAX];
    bool interrupted; /* we ended it for a Ctrl-C */
};

#define say(sh, ...) console_printf((sh)->console, (sh)->port, __VA_ARGS__)

/* Terminal leases (leases.c). A handle for a new lease of our port, read
 * and write for the foreground, write only for the background (none if
 * every background place is taken): 0 when none, its id in *lease. */
handle_t shell_lend(struct shell *sh, bool foreground, uint64_t *lease);
/* End a lease (0: none); *lease becomes 0. */
void shell_end_lease(struct shell *sh, uint64_t *lease);
/* Keep a background program that holds a lease, to end it when it does. */
void shell_keep_background(struct shell *sh, handle_t task, uint64_t lease);
/* After NOTIFY_DEATH: end the leases of background programs that ended. */
void shell_check_background(struct shell *sh);

/* The task list (ps.c): the entry of task id, or NULL; init's id; the
 * words for what t does ("running", "reply-blocked on 260 (console)"). */
const struct task_status *find_id(const struct task_status *all, int n,
                                  task_t id);
task_t init_id(const struct task_status *all, int n);
void task_state(const struct task_status *all, int n,
                const struct task_status *t, char *state, size_t len);
void cmd_ps(struct shell *sh);
/* `top [N]` (top.c): the tasks every second, N times or until stopped. */
void cmd_top(struct shell *sh, const char *count);
/* After NOTIFY_DEATH: programs and servers that ended (main.c). */
void shell_handle_deaths(struct shell *sh);

/* `trace status|start|stop` (trace.c). */
void cmd_trace(struct shell *sh, const char *what);

/* Run one command line. */
void shell_run(struct shell *sh, char *line);
