/*
 * The root task. It holds every capability at boot, starts the name server
 * and then the tasks flagged for autostart in the boot image, and gives
 * each a handle to the name server and only the capabilities its build.mk
 * asked for, each under its start-up tag.
 */
#include <bootfs.h>
#include <layout.h>
#include <resea/bootfs_task.h>
#include <resea/printf.h>
#include <resea/ipc.h>
#include <resea/syscall.h>
#include <string.h>

/* What every task gets (a way to reach the name server), and the
 * capabilities the kernel gave us. */
static struct held_caps held;

static handle_t start_task(const struct bootfs_entry *e, uint64_t instance) {
    return bootfs_start(e, &held, NULL, instance, NULL);
}

/* Report the end of every task we started, then forget it. */
static void reap(handle_t *handles, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        struct task_status st;
        if (handles[i] <= 0 || task_status(handles[i], &st) != OK ||
            st.state != TASK_DEAD)
            continue;
        if (st.exit_reason != EXIT_NORMAL || st.exit_code != 0)
            printf("[init] %s ended: reason %u, code %ld\n", st.name,
                   st.exit_reason, st.exit_code);
        handle_close(handles[i]);
        handles[i] = 0;
    }
}

#define STARTED_MAX 48 /* tasks init keeps an eye on (its table has 63) */

static handle_t started[STARTED_MAX];
static uint32_t num_started;

static void remember(handle_t h) {
    if (num_started < STARTED_MAX)
        started[num_started++] = h;
    else
        handle_close(h); /* it runs; we just will not report its end */
}

int main(void) {
    held = startup_caps(); /* the kernel's: spawn, ports, lines */
    /* The kernel checked the image before starting us. */
    const void *bootfs = bootfs_image();
    const struct bootfs_entry *name = bootfs_find(bootfs, "name");
    if (name) {
        handle_t h = start_task(name, 0);
        if (h < 0) {
            printf("[init] cannot start the name server: %s\n", err_str(h));
        } else {
            held.name = handle_dup(h, RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT, 0);
            remember(h);
        }
    }
    for (uint32_t i = 0; i < bootfs_count(bootfs); i++) {
        const struct bootfs_entry *e = bootfs_entry_at(bootfs, i);
        if (!(e->flags & BOOTFS_AUTOSTART) || !strcmp(e->name, "init") ||
            e == name)
            continue;
        for (uint32_t copy = 0; copy < bootfs_instances(e->flags); copy++) {
            handle_t h = start_task(e, copy);
            if (h < 0) {
                printf("[init] cannot start %s: %s\n", e->name, err_str(h));
                continue;
            }
            printf("[init] started %s\n", e->name);
            remember(h);
        }
    }
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) == OK && m.type == MSG_NOTIFICATIONS &&
            (m.notifications.bits & NOTIFY_DEATH))
            reap(started, num_started);
    }
}
