/*
 * A plain app that tries what no plain app may do (docs/security.md): take
 * every terminal's reader place, read what its user types, write to it,
 * and register the system's names. Started from a shell in the background
 * (`start intruder`) it holds the name server and a write-only lease of
 * that shell's terminal, where it says what it got (and prints any line
 * it manages to read); it also tries to read and lend through its lease.
 *
 * It then keeps a terminal for another: run in the foreground (`run
 * intruder`), with a lease it can read through, it gives a copy to the
 * intruder registered as KEEPER_NAME and ends. The keeper attaches and
 * writes through the copy, then waits for the shell to take the lease
 * back, and says what the copy still does.
 */
#include <msgtypes.h>
#include <proto/console.h>
#include <resea/console.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdbool.h>

#define LISTEN_MS 5000 /* how long to wait for a line or a terminal */
#define KEEP_MS 10000  /* how long a kept terminal may keep working */
#define KEEPER_NAME "intruder"

static const char *const system_names[] = {CONSOLE_NAME, "chat"};

static bool try(const char *what, int port, error_t err) {
    printf("intruder: %s port %d: %s\n", what, port + 1, err_name(err));
    return err == OK;
}

/* A copy of another's terminal: use it while it works. */
static void keep(struct message *m) {
    handle_t kept = msg_take_handle(m);
    error_t attach = console_attach(kept, CONSOLE_HANDLE_PORT);
    printf("intruder: kept a terminal: attach %s\n", err_name(attach));
    static const char text[] = "intruder: writing on a kept terminal\n";
    console_write(kept, CONSOLE_HANDLE_PORT, text, sizeof(text) - 1);
    struct message r = {.type = MSG_ID(m->type)};
    ipc_reply(m->src, &r); /* its lender may end now */
    uint64_t queued, lost, until = uptime_ms() + KEEP_MS;
    while (uptime_ms() < until &&
           console_status(kept, CONSOLE_HANDLE_PORT, &queued, &lost) == OK)
        sleep_ms(100);
    error_t write = console_write(kept, CONSOLE_HANDLE_PORT, text, 0);
    attach = console_attach(kept, CONSOLE_HANDLE_PORT);
    printf("intruder: kept terminal after its lender: write %s, attach %s\n",
           err_name(write), err_name(attach));
    handle_close(kept);
}

/* Lines typed on any port we got: what the attack was for; and a
 * terminal another intruder gives us. */
static void listen(handle_t console, const bool *attached) {
    uint64_t until = uptime_ms() + LISTEN_MS;
    for (uint64_t now; (now = uptime_ms()) < until;) {
        struct message m;
        if (ipc(0, IPC_ANY, &m, IPC_RECV | IPC_ACCEPT_HANDLE, until - now))
            continue;
        if (m.type != MSG_NOTIFICATIONS && m.handle > 0)
            keep(&m);
        if (m.handle > 0)
            handle_close(m.handle);
        for (int port = 0; port < CONSOLE_PORTS; port++) {
            char line[CONSOLE_LINE_MAX];
            while (attached[port] &&
                   console_read(console, port, line, sizeof(line)) >= 0)
                printf("intruder: read on port %d: %s\n", port + 1, line);
        }
    }
}

/* In the foreground: pass a copy of our terminal to a keeper, and end. */
static int give_away(handle_t lease) {
    handle_t keeper = ipc_lookup_timeout(KEEPER_NAME, 1000);
    struct message m = {.type = MSG_USER | MSG_HANDLE_COPY, .handle = lease};
    error_t err = keeper < 0 ? keeper : ipc_call(keeper, &m);
    printf("intruder: gave my terminal away: %s\n", err_name(err));
    return 0;
}

/* What our own lease (a write-only one, in the background) allows. */
static void try_lease(handle_t lease) {
    printf("intruder: attach with its lease: %s\n",
           err_name(console_attach(lease, CONSOLE_HANDLE_PORT)));
    uint64_t id;
    handle_t lent =
        console_lend(lease, CONSOLE_HANDLE_PORT, CONSOLE_LEASE_WRITE, &id);
    printf("intruder: lend with its lease: %s\n",
           err_name(lent < 0 ? lent : OK));
    if (lent > 0)
        handle_close(lent);
}

int main(void) {
    handle_t lease = startup_handle(TAG_CONSOLE);
    if (lease > 0 && console_attach(lease, CONSOLE_HANDLE_PORT) == OK)
        return give_away(lease);
    if (lease > 0)
        try_lease(lease);
    printf("intruder: serve %s: %s\n", KEEPER_NAME,
           err_name(ipc_serve(KEEPER_NAME)));
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
