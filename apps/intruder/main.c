/*
 * A plain app that tries what no plain app may do (docs/security.md): take
 * every terminal's reader place, read what its user types, write to it,
 * and register the system's names. Started from a shell (`start intruder`)
 * it holds the name server and nothing else; it says on the kernel log
 * what it got, and prints any line it manages to read.
 */
#include <msgtypes.h>
#include <proto/console.h>
#include <resea/console.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <stdbool.h>

#define LISTEN_MS 3000 /* how long to wait for a line to steal */

static const char *const system_names[] = {CONSOLE_NAME, "chat"};

static bool try(const char *what, int port, error_t err) {
    printf("intruder: %s port %d: %s\n", what, port + 1, err_name(err));
    return err == OK;
}

/* Lines typed on any port we got: what the attack was for. */
static void listen(handle_t console, const bool *attached) {
    uint64_t until = uptime_ms() + LISTEN_MS;
    for (uint64_t now; (now = uptime_ms()) < until;) {
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, until - now) != OK)
            continue;
        for (int port = 0; port < CONSOLE_PORTS; port++) {
            char line[CONSOLE_LINE_MAX];
            while (attached[port] &&
                   console_read(console, port, line, sizeof(line)) >= 0)
                printf("intruder: read on port %d: %s\n", port + 1, line);
        }
    }
}

int main(void) {
    for (unsigned i = 0; i < sizeof(system_names) / sizeof(system_names[0]);
         i++)
        printf("intruder: serve %s: %s\n", system_names[i],
               err_name(ipc_serve(system_names[i])));
    handle_t console = ipc_lookup_timeout(CONSOLE_NAME, 1000);
    if (console < 0) {
        printf("intruder: lookup console: %s\n", err_name(console));
        return 1;
    }
    bool attached[CONSOLE_PORTS];
    for (int port = 0; port < CONSOLE_PORTS; port++) {
        attached[port] = try("attach", port, console_attach(console, port));
        try("write", port, console_write(console, port, "[kernel] fake\n", 14));
    }
    printf("intruder: listening\n");
    listen(console, attached);
    printf("intruder: done\n");
    return 0;
}
