#pragma once
#include <resea/bootfs_task.h>
#include <resea/console.h>
#include <resea/syscall.h>

/* The handles init gives the shell: the name server and build.mk's caps
 * (passed on only to programs that ask for them, such as `test`). */
struct shell {
    struct held_caps caps; /* our start-up table */
    int port;              /* our console port: task_arg() */
    handle_t console;
    handle_t foreground; /* the program we wait for, or 0 */
    bool interrupted;    /* we ended it for a Ctrl-C */
};

#define say(sh, ...) console_printf((sh)->console, (sh)->port, __VA_ARGS__)

/* Run one command line. */
void shell_run(struct shell *sh, char *line);
