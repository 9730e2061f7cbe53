/*
 * The console's output and its terminal leases (proto/console.h), on a
 * console of the test's own. Started without its interrupt line, it sends
 * only what fits in the UART's FIFO (16 bytes) at each request, so its
 * output ring fills and drains as the test decides.
 */
#include "server_attack.h"
#include <msgtypes.h>
#include <proto/console.h>
#include <resea/console.h>
#include <resea/name.h>
#include <resea/tx_ring.h>
#include <string.h>

#define PORT CONSOLE_TEST_PORT
#define CHUNK 1000 /* bytes per write, no line ends */
#define WRITES_MAX 20
#define DRAIN_MAX 2000 /* empty writes, 16 bytes sent at each */

/* A console without IRQs, registered; 0 if it could not start. */
static handle_t start_quiet_console(void) {
    handle_t caps[] = {H_NAME, H_SERVE, H_IOPORT};
    handle_t h = start_boot_task("console", 3, caps);
    handle_t probe = h < 0 ? h : ipc_lookup_timeout(CONSOLE_NAME, LIVE_MS);
    if (probe < 0) {
        end_task(h);
        return 0;
    }
    handle_close(probe);
    return h;
}

/* The port's owner's handle, as init gives its shell. */
static handle_t owner_of(handle_t server) {
    return handle_dup(server, RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT,
                      CONSOLE_PORT_BADGE(PORT));
}

static uint64_t queued(handle_t h) {
    uint64_t q = 0, lost;
    console_status(h, PORT, &q, &lost);
    return q;
}

static uint64_t lost(handle_t h) {
    uint64_t q, l = 0;
    console_status(h, PORT, &q, &l);
    return l;
}

/* Write CHUNKs until one is refused: how many went in. */
static int fill(handle_t h) {
    static char chunk[CHUNK];
    memset(chunk, 'x', sizeof(chunk));
    for (int i = 0; i < WRITES_MAX; i++) {
        if (console_write(h, PORT, chunk, sizeof(chunk)) != OK)
            return i;
    }
    return WRITES_MAX;
}

/* Empty writes until the ring holds no more than `level` bytes. */
static void drain_to(handle_t h, uint64_t level) {
    for (int i = 0; i < DRAIN_MAX && queued(h) > level; i++)
        console_write(h, PORT, "", 0);
}

/* Is this notification bit pending now? */
static bool pending(uint64_t bit) {
    struct message m;
    return ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK &&
           m.type == MSG_NOTIFICATIONS && (m.notifications.bits & bit);
}

/* Wait for one of our notification bits. */
static bool notified(uint64_t bit) {
    uint64_t until = uptime_ms() + LIVE_MS;
    for (uint64_t now; (now = uptime_ms()) < until;) {
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, until - now) == OK &&
            m.type == MSG_NOTIFICATIONS && (m.notifications.bits & bit))
            return true;
    }
    return false;
}

/* A full ring refuses a write whole and counts it as lost; a writer that
 * keeps its text is refused without being counted. */
TEST(console_full_ring_refuses_a_write_whole) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    int taken = fill(owner); /* the last one was refused */
    uint64_t before = queued(owner), lost_before = lost(owner);
    static char chunk[CHUNK];
    memset(chunk, 'y', sizeof(chunk));
    error_t refused = console_write(owner, PORT, chunk, sizeof(chunk));
    uint64_t after = queued(owner), lost_after = lost(owner);
    error_t kept = console_write_keep(owner, PORT, chunk, sizeof(chunk));
    uint64_t lost_kept = lost(owner);
    end_task(server);
    handle_close(owner);
    CHECK(taken > 0 && taken < WRITES_MAX);
    CHECK(before > TX_RING - CHUNK);
    CHECK_ERR(refused, ERR_FULL);
    CHECK(after <= before); /* nothing of it queued */
    CHECK_EQ(lost_after, lost_before + CHUNK);
    CHECK_ERR(kept, ERR_FULL);
    CHECK_EQ(lost_kept, lost_after);
}

/* Once the port drains, what was lost is reported (and no longer owed),
 * and a reader that kept a refused write is told there is room. */
TEST(console_refused_reader_is_told_when_there_is_room) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    error_t attach = console_attach(owner, PORT);
    fill(owner);
    static char chunk[CHUNK];
    error_t kept = console_write_keep(owner, PORT, chunk, sizeof(chunk));
    bool early = pending(NOTIFY_CONSOLE_WRITABLE);
    drain_to(owner, TX_LOW_WATER);
    bool told = notified(NOTIFY_CONSOLE_WRITABLE);
    uint64_t owed = lost(owner);
    error_t again = console_write_keep(owner, PORT, chunk, sizeof(chunk));
    end_task(server);
    handle_close(owner);
    CHECK_ERR(attach, OK);
    CHECK_ERR(kept, ERR_FULL);
    CHECK(!early);
    CHECK(told);
    CHECK_EQ(owed, 0); /* the notice of fill()'s refused write is queued */
    CHECK_ERR(again, OK);
}

/* A revoked lease reaches nothing, and its reader place is gone: the
 * owner reads again. A new lease in its place has a new badge. */
TEST(console_revoked_lease_reaches_nothing) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    uint64_t id = 0, id2 = 0;
    handle_t lease = console_lend(
        owner, PORT, CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE, &id);
    error_t wrote = console_write(lease, CONSOLE_HANDLE_PORT, "ok\n", 3);
    error_t attached = console_attach(lease, PORT);
    error_t revoked = console_revoke(owner, PORT, id);
    error_t write_after = console_write(lease, PORT, "no\n", 3);
    char line[CONSOLE_LINE_MAX];
    int read_after = console_read(lease, PORT, line, sizeof(line));
    error_t attach_after = console_attach(lease, PORT);
    error_t owner_attach = console_attach(owner, PORT); /* place freed */
    error_t twice = console_revoke(owner, PORT, id);
    handle_t lease2 = console_lend(owner, PORT, CONSOLE_LEASE_WRITE, &id2);
    error_t stale = console_write(lease, PORT, "no\n", 3);
    int handles = handles_of(server);
    end_task(server);
    handle_close(owner);
    handle_close(lease);
    handle_close(lease2);
    CHECK(lease > 0);
    CHECK_ERR(wrote, OK);
    CHECK_ERR(attached, OK);
    CHECK_ERR(revoked, OK);
    CHECK_ERR(write_after, ERR_NOT_PERMITTED);
    CHECK_ERR(read_after, ERR_NOT_PERMITTED);
    CHECK_ERR(attach_after, ERR_NOT_PERMITTED);
    CHECK_ERR(owner_attach, OK);
    CHECK_ERR(twice, ERR_NOT_FOUND);
    CHECK(lease2 > 0);
    CHECK(id2 != id);
    CHECK_ERR(stale, ERR_NOT_PERMITTED);
    CHECK(handles > 0);
}

/* Only the owner lends and revokes; a lease is for its own port. */
TEST(console_lease_cannot_lend) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    uint64_t id = 0, other;
    handle_t lease = console_lend(
        owner, PORT, CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE, &id);
    handle_t sub = console_lend(lease, PORT, CONSOLE_LEASE_WRITE, &other);
    error_t revoke = console_revoke(lease, PORT, CONSOLE_LEASE_ALL);
    error_t other_port = console_write(lease, PORT - 1, "no\n", 3);
    handle_t bad_rights = console_lend(owner, PORT, 0x80, &other);
    error_t still = console_write(lease, PORT, "ok\n", 3);
    end_task(server);
    handle_close(owner);
    handle_close(lease);
    CHECK(lease > 0);
    CHECK_ERR(sub, ERR_NOT_PERMITTED);
    CHECK_ERR(revoke, ERR_NOT_PERMITTED);
    CHECK_ERR(other_port, ERR_NOT_PERMITTED);
    CHECK_ERR(bad_rights, ERR_INVALID_ARG);
    CHECK_ERR(still, OK);
}

/* A background program's lease writes, and nothing else. */
TEST(console_write_only_lease_cannot_attach_or_read) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    uint64_t id = 0;
    handle_t lease = console_lend(owner, PORT, CONSOLE_LEASE_WRITE, &id);
    error_t wrote = console_write(lease, PORT, "ok\n", 3);
    error_t attach = console_attach(lease, PORT);
    char line[CONSOLE_LINE_MAX];
    int read = console_read(lease, PORT, line, sizeof(line));
    error_t detach = console_detach(lease, PORT);
    end_task(server);
    handle_close(owner);
    handle_close(lease);
    CHECK(lease > 0);
    CHECK_ERR(wrote, OK);
    CHECK_ERR(attach, ERR_NOT_PERMITTED);
    CHECK_ERR(read, ERR_NOT_PERMITTED);
    CHECK_ERR(detach, ERR_NOT_PERMITTED);
}

/* A port has CONSOLE_LEASES leases, and revoking them all frees them;
 * the console keeps no handle for any. */
TEST(console_leases_are_bounded) {
    handle_t server = start_quiet_console();
    CHECK(server > 0);
    handle_t owner = owner_of(server);
    int handles = handles_of(server);
    handle_t leases[CONSOLE_LEASES];
    uint64_t id;
    int lent = 0;
    for (int i = 0; i < CONSOLE_LEASES; i++) {
        leases[i] = console_lend(owner, PORT, CONSOLE_LEASE_WRITE, &id);
        lent += leases[i] > 0;
    }
    handle_t one_more = console_lend(owner, PORT, CONSOLE_LEASE_WRITE, &id);
    int holding = handles_of(server);
    error_t all = console_revoke(owner, PORT, CONSOLE_LEASE_ALL);
    error_t old = console_write(leases[0], PORT, "no\n", 3);
    handle_t fresh = console_lend(owner, PORT, CONSOLE_LEASE_WRITE, &id);
    end_task(server);
    handle_close(owner);
    for (int i = 0; i < CONSOLE_LEASES; i++) {
        if (leases[i] > 0)
            handle_close(leases[i]);
    }
    if (fresh > 0)
        handle_close(fresh);
    CHECK_EQ(lent, CONSOLE_LEASES);
    CHECK_ERR(one_more, ERR_FULL);
    CHECK_EQ(holding, handles);
    CHECK_ERR(all, OK);
    CHECK_ERR(old, ERR_NOT_PERMITTED);
    CHECK(fresh > 0);
}
