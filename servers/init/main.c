/*
 * The root task. It holds every capability at boot, starts the name server
 * and then the tasks flagged for autostart in the boot image, and gives
 * each, under its start-up tag, a handle to the name server and only the
 * capabilities its build.mk asked for. Every handle it gives to a server
 * it started is badged (proto/badges.h), so that no other task holds an
 * unbadged one it could badge as it likes: the name server's badge says
 * which boot entry's names the holder may serve, the console's which
 * port it may use.
 */
#include <bootfs.h>
#include <layout.h>
#include <proto/console.h>
#include <resea/bootfs_task.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/ipc.h>
#include <resea/syscall.h>
#include <string.h>

#define GIVEN_RIGHTS (RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT)
#define STARTED_MAX 48 /* tasks init keeps an eye on (its table has 63) */

/* What we give: the kernel's capabilities and handles to the servers.
 * The name server and the console are ours, unbadged, to mint from. */
static struct held_caps held;
static handle_t name_task, console_task;
static const void *bootfs;

static handle_t started[STARTED_MAX];
static uint32_t num_started;

static void drop(handle_t *h) {
    if (*h > 0)
        handle_close(*h);
    *h = 0;
}

static void remember(handle_t h) {
    if (num_started < STARTED_MAX)
        started[num_started++] = h;
    else if (h != name_task && h != console_task)
        handle_close(h); /* it runs; we just will not report its end */
}

/* Report the end of every task we started, then forget it. */
static void reap(void) {
    for (uint32_t i = 0; i < num_started; i++) {
        struct task_status st;
        if (started[i] <= 0 || task_status(started[i], &st) != OK ||
            st.state != TASK_DEAD)
            continue;
        if (st.exit_reason != EXIT_NORMAL || st.exit_code != 0)
            printf("[init] %s ended: reason %u, code %ld\n", st.name,
                   st.exit_reason, st.exit_code);
        if (started[i] == name_task)
            name_task = 0; /* nothing more to mint from it */
        if (started[i] == console_task)
            console_task = 0;
        drop(&started[i]);
    }
}

static handle_t badged(handle_t server, uint64_t badge) {
    handle_t h = server > 0 ? handle_dup(server, GIVEN_RIGHTS, badge) : 0;
    return h > 0 ? h : 0;
}

static void start_name_server(void) {
    const struct bootfs_entry *e = bootfs_find(bootfs, "name");
    handle_t h = e ? bootfs_start(e, &held, NULL, 0, NULL) : ERR_NOT_FOUND;
    if (h < 0) {
        printf("[init] cannot start the name server: %s\n", err_str(h));
        return;
    }
    name_task = h; /* never given: we mint from it */
    held.name = badged(h, NAME_BADGE_PLAIN);
    remember(h);
}

/*
 * The badged handles copy `copy` of entry `index` gets: the right to serve
 * the entry's names, minted from its place in the image, and the console
 * port of its copy number. Minted again each time, so a server init starts
 * again gets the same right, and a task started by anyone else gets none.
 */
static void mint_for(const struct bootfs_entry *e, uint32_t index,
                     uint32_t copy) {
    held.serve = bootfs_serves_any(bootfs, e)
                     ? badged(name_task, NAME_BADGE_ENTRY(index))
                     : 0;
    held.console = (e->flags & BOOTFS_CAP_CONSOLE) && copy < CONSOLE_PORTS
                       ? badged(console_task, CONSOLE_PORT_BADGE(copy))
                       : 0;
}

static void start_copy(const struct bootfs_entry *e, uint32_t index,
                       uint32_t copy) {
    mint_for(e, index, copy);
    handle_t h = bootfs_start(e, &held, NULL, copy, NULL);
    drop(&held.serve); /* the child has its copies */
    drop(&held.console);
    if (h < 0) {
        printf("[init] cannot start %s: %s\n", e->name, err_str(h));
        return;
    }
    printf("[init] started %s\n", e->name);
    if (!console_task && bootfs_serves(bootfs, e, CONSOLE_NAME))
        console_task = h; /* kept for the ports' handles */
    if (copy == 0 || h == console_task)
        remember(h);
    else
        handle_close(h);
}

/* The servers first (entries that serve names), so that their handles
 * exist when their clients start. */
static void start_all(bool servers) {
    for (uint32_t i = 0; i < bootfs_count(bootfs); i++) {
        const struct bootfs_entry *e = bootfs_entry_at(bootfs, i);
        if (!(e->flags & BOOTFS_AUTOSTART) || !strcmp(e->name, "init") ||
            !strcmp(e->name, "name") || bootfs_serves_any(bootfs, e) != servers)
            continue;
        for (uint32_t copy = 0; copy < bootfs_instances(e->flags); copy++)
            start_copy(e, i, copy);
    }
}

int main(void) {
    held = startup_caps(); /* the kernel's: spawn, ports, lines */
    /* The kernel checked the image before starting us. */
    bootfs = bootfs_image();
    start_name_server();
    start_all(true);
    start_all(false);
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) == OK && m.type == MSG_NOTIFICATIONS &&
            (m.notifications.bits & NOTIFY_DEATH))
            reap();
    }
}
