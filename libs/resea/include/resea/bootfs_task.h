#pragma once
#include <bootfs.h>
#include <kobject.h>
#include <resea/startup.h>

/*
 * Start a program from the boot image the way init and the shell do: the
 * new task gets the name server (when `held.name` is set), the right to
 * serve names if its entry lists some (build.mk `serves`), then the
 * capabilities its build.mk asked for (BOOTFS_CAP_*), of those held, each
 * under its start-up tag (resea/startup.h), the terminal `held.console` if
 * set (the starter decides: init sets it for entries with caps := console,
 * a shell to a lease of its port for every program), and the command line
 * given (NULL: the one the image stores for it).
 */
/* The handles a starter holds, to pass on (0: not held). */
struct held_caps {
    handle_t name;    /* TAG_NAME */
    handle_t serve;   /* TAG_NAME_SERVE: the name server, badged to serve */
    handle_t spawn;   /* TAG_SPAWN */
    handle_t ioport;  /* TAG_IOPORT */
    handle_t irq;     /* TAG_IRQ */
    handle_t console; /* TAG_CONSOLE: the console, badged for one port */
    handle_t trace;   /* TAG_TRACE: the kernel trace */
    handle_t dma;     /* TAG_DMA: the right to make device memory */
    /* TAG_SUPERVISOR: init, badged for the task it starts. Only init
     * gives one; startup_caps() leaves it 0, so that a task passes its
     * own on to nobody. */
    handle_t supervisor;
    handle_t pager; /* TAG_PAGER: init, the pager of the stack's growth */
};
/* The held_caps of the calling task: its own start-up table. */
struct held_caps startup_caps(void);

/* The boot image as every task sees it (mapped at BOOTFS_ADDR). */
const void *bootfs_image(void);
/* The command line stored for e: the text of the entry "NAME.cmdline"
 * (tools/mkbootfs.py --cmdline NAME=TEXT), or NULL. */
const char *bootfs_cmdline(const struct bootfs_entry *e);
handle_t bootfs_start(const struct bootfs_entry *e,
                      const struct held_caps *held, const char *task_name,
                      uint64_t arg, const char *cmdline);
