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

/* A console without IRQs, registered; the port's owner's handle, as init
 * gives its shell; and a lease of it (rights 0: none). */
struct quiet {
    handle_t server, owner, lease;
    uint64_t id;
};

static bool quiet_start(struct quiet *q, uint64_t rights) {
    handle_t caps[] = {H_NAME, H_SERVE, H_IOPORT};
    *q = (struct quiet){0};
    handle_t h = start_boot_task("console", 3, caps);
    handle_t probe = h < 0 ? h : ipc_lookup_timeout(CONSOLE_NAME, LIVE_MS);
    if (probe < 0) {
        end_task(h);
        return false;
    }
    handle_close(probe);
    q->server = h;
    q->owner = handle_dup(h, RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT,
                          CONSOLE_PORT_BADGE(PORT));
    if (rights)
        q->lease = console_lend(q->owner, PORT, rights, &q->id);
    return q->owner > 0 && (!rights || q->lease > 0);
}

static void quiet_end(struct quiet *q) {
    end_task(q->server);
    handle_t hs[] = {q->owner, q->lease};
    for (unsigned i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
        if (hs[i] > 0)
            handle_close(hs[i]);
    }
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
    struct quiet q;
    bool up = quiet_start(&q, 0);
    int taken = fill(q.owner); /* the last one was refused */
    uint64_t before = queued(q.owner), lost_before = lost(q.owner);
    static char chunk[CHUNK];
    memset(chunk, 'y', sizeof(chunk));
    error_t refused = console_write(q.owner, PORT, chunk, sizeof(chunk));
    uint64_t after = queued(q.owner), lost_after = lost(q.owner);
    error_t kept = console_write_keep(q.owner, PORT, chunk, sizeof(chunk));
    uint64_t lost_kept = lost(q.owner);
    quiet_end(&q);
    CHECK(up);
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
    struct quiet q;
    bool up = quiet_start(&q, 0);
    error_t attach = console_attach(q.owner, PORT);
    fill(q.owner);
    static char chunk[CHUNK];
    error_t kept = console_write_keep(q.owner, PORT, chunk, sizeof(chunk));
    bool early = pending(NOTIFY_CONSOLE_WRITABLE);
    drain_to(q.owner, TX_LOW_WATER);
    bool told = notified(NOTIFY_CONSOLE_WRITABLE);
    uint64_t owed = lost(q.owner);
    error_t again = console_write_keep(q.owner, PORT, chunk, sizeof(chunk));
    quiet_end(&q);
    CHECK(up);
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
    struct quiet q;
    bool up = quiet_start(&q, CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE);
    error_t wrote = console_write(q.lease, CONSOLE_HANDLE_PORT, "ok\n", 3);
    error_t attached = console_attach(q.lease, PORT);
    error_t revoked = console_revoke(q.owner, PORT, q.id);
    error_t write_after = console_write(q.lease, PORT, "no\n", 3);
    char line[CONSOLE_LINE_MAX];
    int read_after = console_read(q.lease, PORT, line, sizeof(line));
    error_t attach_after = console_attach(q.lease, PORT);
    error_t owner_attach = console_attach(q.owner, PORT); /* place freed */
    error_t twice = console_revoke(q.owner, PORT, q.id);
    uint64_t id2 = q.id;
    handle_t lease2 = console_lend(q.owner, PORT, CONSOLE_LEASE_WRITE, &id2);
    error_t stale = console_write(q.lease, PORT, "no\n", 3);
    quiet_end(&q);
    if (lease2 > 0)
        handle_close(lease2);
    CHECK(up);
    CHECK_ERR(wrote, OK);
    CHECK_ERR(attached, OK);
    CHECK_ERR(revoked, OK);
    CHECK_ERR(write_after, ERR_NOT_PERMITTED);
    CHECK_ERR(read_after, ERR_NOT_PERMITTED);
    CHECK_ERR(attach_after, ERR_NOT_PERMITTED);
    CHECK_ERR(owner_attach, OK);
    CHECK_ERR(twice, ERR_NOT_FOUND);
    CHECK(lease2 > 0);
    CHECK(id2 != q.id);
    CHECK_ERR(stale, ERR_NOT_PERMITTED);
}

/* Only the owner lends and revokes; a lease is for its own port. */
TEST(console_lease_cannot_lend) {
    struct quiet q;
    bool up = quiet_start(&q, CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE);
    uint64_t other;
    handle_t sub = console_lend(q.lease, PORT, CONSOLE_LEASE_WRITE, &other);
    error_t revoke = console_revoke(q.lease, PORT, CONSOLE_LEASE_ALL);
    error_t other_port = console_write(q.lease, PORT - 1, "no\n", 3);
    handle_t bad_rights = console_lend(q.owner, PORT, 0x80, &other);
    error_t still = console_write(q.lease, PORT, "ok\n", 3);
    quiet_end(&q);
    CHECK(up);
    CHECK_ERR(sub, ERR_NOT_PERMITTED);
    CHECK_ERR(revoke, ERR_NOT_PERMITTED);
    CHECK_ERR(other_port, ERR_NOT_PERMITTED);
    CHECK_ERR(bad_rights, ERR_INVALID_ARG);
    CHECK_ERR(still, OK);
}

/* A background program's lease writes, and nothing else. */
TEST(console_write_only_lease_cannot_attach_or_read) {
    struct quiet q;
    bool up = quiet_start(&q, CONSOLE_LEASE_WRITE);
    error_t wrote = console_write(q.lease, PORT, "ok\n", 3);
    error_t attach = console_attach(q.lease, PORT);
    char line[CONSOLE_LINE_MAX];
    int read = console_read(q.lease, PORT, line, sizeof(line));
    error_t detach = console_detach(q.lease, PORT);
    quiet_end(&q);
    CHECK(up);
    CHECK_ERR(wrote, OK);
    CHECK_ERR(attach, ERR_NOT_PERMITTED);
    CHECK_ERR(read, ERR_NOT_PERMITTED);
    CHECK_ERR(detach, ERR_NOT_PERMITTED);
}

/* A port has CONSOLE_LEASES leases, and revoking them all frees them;
 * the console keeps no handle for any. */
TEST(console_leases_are_bounded) {
    struct quiet q;
    bool up = quiet_start(&q, 0);
    int handles = handles_of(q.server);
    handle_t leases[CONSOLE_LEASES + 1];
    uint64_t id;
    for (int i = 0; i <= CONSOLE_LEASES; i++)
        leases[i] = console_lend(q.owner, PORT, CONSOLE_LEASE_WRITE, &id);
    int holding = handles_of(q.server);
    error_t all = console_revoke(q.owner, PORT, CONSOLE_LEASE_ALL);
    error_t old = console_write(leases[0], PORT, "no\n", 3);
    q.lease = console_lend(q.owner, PORT, CONSOLE_LEASE_WRITE, &id);
    quiet_end(&q);
    int lent = 0;
    for (int i = 0; i < CONSOLE_LEASES; i++) {
        lent += leases[i] > 0;
        if (leases[i] > 0)
            handle_close(leases[i]);
    }
    CHECK(up);
    CHECK_EQ(lent, CONSOLE_LEASES);
    CHECK_ERR(leases[CONSOLE_LEASES], ERR_FULL);
    CHECK_EQ(holding, handles);
    CHECK_ERR(all, OK);
    CHECK_ERR(old, ERR_NOT_PERMITTED);
    CHECK(q.lease > 0);
}
