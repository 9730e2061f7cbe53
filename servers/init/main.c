/*
 * The root task. It holds every capability at boot, starts the name server
 * and then the tasks flagged for autostart in the boot image, and gives
 * each, under its start-up tag, a handle to the name server and only the
 * capabilities its build.mk asked for. Every handle it gives to a server
 * it started is badged (idl/badges.idl), so that no other task holds an
 * unbadged one it could badge as it likes: the name server's badge says
 * which boot entry's names the holder may serve, the console's which
 * port it may use. It then supervises them (places.c): a task that ends
 * is started again, within a bound, and asks init for fresh handles to
 * the servers that were (requests.c, proto/supervisor.h).
 */
#include "init.h"
#include <resea/bootfs_task.h>
#include <resea/ipc.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <string.h>

/* The servers first (entries that serve names), so that their handles
 * exist when their clients start. */
static void start_all(bool servers) {
    for (uint32_t i = 0; i < bootfs_count(bootfs); i++) {
        const struct bootfs_entry *e = bootfs_entry_at(bootfs, i);
        if (!(e->flags & BOOTFS_AUTOSTART) || !strcmp(e->name, "init") ||
            !strcmp(e->name, "name") || bootfs_serves_any(bootfs, e) != servers)
            continue;
        for (uint32_t copy = 0; copy < bootfs_instances(e->flags); copy++)
            start_entry(i, copy);
    }
}

static void start_name_server(void) {
    for (uint32_t i = 0; i < bootfs_count(bootfs); i++) {
        if (!strcmp(bootfs_entry_at(bootfs, i)->name, "name")) {
            start_entry(i, 0);
            return;
        }
    }
    printf("[init] cannot start the name server: %s\n", err_str(ERR_NOT_FOUND));
}

int main(void) {
    /* The kernel checked the image before starting us. */
    bootfs = bootfs_image();
    /* Only benchmark.nop_with_ool carries out-of-line data; anything
     * else that does just lands here, overwritten by the next. */
    static char ool[BENCHMARK_OOL_MAX];
    ipc_ool_buffer(ool, sizeof(ool));
    start_name_server();
    start_all(true);
    start_all(false);
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) != OK)
            continue;
        if (m.type == MSG_NOTIFICATIONS && m.src == 0) {
            if (m.notifications.bits & NOTIFY_DEATH)
                reap();
        } else {
            handle_request(&m);
        }
    }
}
