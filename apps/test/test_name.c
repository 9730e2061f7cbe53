/* The name server: registration, lookups that wait, deaths, bad input. */
#include "test.h"
#include <msgtypes.h>
#include <resea/name.h>
#include <string.h>

const char *const test_names[] = {"t-echo", "t-late",  "t-mortal",
                                  "t-own",  "t-never", "t-dup"};
enum { ECHO, LATE, MORTAL, OWN, NEVER, DUP };

int name_peer_main(int mode, uint64_t param) {
    switch (mode) {
    case CHILD_NAMED_ECHO: {
        error_t err = ipc_serve(test_names[param]);
        return err ? err : echo_server_main();
    }
    case CHILD_LOOKUP:
        return ipc_lookup(test_names[param]);
    }
    return -1;
}

static handle_t named_server(int name, int priority) {
    handle_t name_server = H_NAME;
    return spawn_peer(CHILD_NAMED_ECHO, name, priority, 1, &name_server);
}

static void end(handle_t h) {
    task_kill(h);
    handle_close(h);
}

/* A raw request, to send what the library would refuse to. */
static error_t raw(int type, const void *name, size_t len) {
    struct message m = {.type = type};
    memcpy(m.data, name, len);
    error_t err = ipc_call(H_NAME, &m);
    return err ? err : (error_t) m.words[0];
}

TEST(name_register_and_look_up) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    handle_t a = ipc_lookup_timeout("t-echo", 1000);
    handle_t b = name_lookup_new("t-echo", IPC_POLL); /* a second client */
    CHECK(a > 0 && b > 0 && a != b);
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 1;
    CHECK_ERR(ipc_call(a, &m), OK);
    CHECK_EQ(m.words[0], 2);
    uint64_t badge_a = m.words[ECHO_BADGE_WORD];
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(b, &m), OK);
    CHECK(badge_a != 0);
    CHECK(m.words[ECHO_BADGE_WORD] != badge_a); /* clients told apart */
    /* A client may call its server, not end it or read its state. */
    struct task_status st;
    CHECK_ERR(task_kill(a), ERR_NOT_PERMITTED);
    CHECK_ERR(task_status(a, &st), ERR_NOT_PERMITTED);
    handle_close(a);
    handle_close(b);
    end(s);
}

TEST(name_duplicate_refused) {
    handle_t s = named_server(DUP, TEST_PRIORITY + 1);
    struct name_stats before, after;
    CHECK_ERR(name_stats(&before), OK);
    CHECK_ERR(ipc_serve("t-dup"), ERR_ALREADY_EXISTS);
    CHECK_ERR(name_stats(&after), OK);
    CHECK_EQ(after.handles, before.handles); /* our handle was not kept */
    end(s);
}

TEST(name_lookup_waits_for_a_late_server) {
    /* Lower priority: it runs, and registers, only once we wait. */
    handle_t s = named_server(LATE, TEST_PRIORITY - 1);
    handle_t h = ipc_lookup_timeout("t-late", 5000);
    CHECK(h > 0);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(h, &m), OK);
    handle_close(h);
    end(s);
}

TEST(name_lookup_timeout_and_poll) {
    struct sysinfo a, b;
    sys_sysinfo(H_SPAWN, &a);
    CHECK_ERR(ipc_lookup_timeout("t-never", 50), ERR_TIMEOUT);
    sys_sysinfo(H_SPAWN, &b);
    CHECK(b.uptime_ms - a.uptime_ms >= 50);
    CHECK_ERR(ipc_lookup_timeout("t-never", IPC_POLL), ERR_NOT_FOUND);
}

TEST(name_goes_away_with_its_server) {
    handle_t s = named_server(MORTAL, TEST_PRIORITY + 1);
    handle_t h = ipc_lookup_timeout("t-mortal", 1000);
    CHECK(h > 0);
    end(s);
    CHECK_ERR(ipc_lookup_timeout("t-mortal", IPC_POLL), ERR_NOT_FOUND);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(h, &m), ERR_ABORTED); /* the old handle is dead */
    handle_close(h);
    handle_t s2 = named_server(MORTAL, TEST_PRIORITY + 1); /* a successor */
    h = ipc_lookup_timeout("t-mortal", 1000);
    CHECK(h > 0);
    CHECK_ERR(ipc_call(h, &m), OK);
    handle_close(h);
    end(s2);
}

TEST(name_only_the_owner_unregisters) {
    handle_t s = named_server(OWN, TEST_PRIORITY + 1);
    CHECK_ERR(ipc_unserve("t-own"), ERR_NOT_PERMITTED);
    CHECK_ERR(ipc_unserve("t-nobody-has"), ERR_NOT_FOUND);
    handle_t h = ipc_lookup_timeout("t-own", IPC_POLL);
    CHECK(h > 0);
    handle_close(h);
    end(s);
}

TEST(name_1000_register_cycles_leak_nothing) {
    struct name_stats before, after;
    CHECK_ERR(name_stats(&before), OK);
    uint64_t pages = free_pages();
    for (int i = 0; i < 1000; i++) {
        CHECK_ERR(ipc_serve("t-cycle"), OK);
        CHECK_ERR(ipc_unserve("t-cycle"), OK);
    }
    CHECK_ERR(name_stats(&after), OK);
    CHECK_EQ(after.entries, before.entries);
    CHECK_EQ(after.handles, before.handles);
    CHECK_EQ(free_pages(), pages);
}

TEST(name_bad_requests) {
    char long_name[NAME_MAX];
    memset(long_name, 'x', sizeof(long_name)); /* no NUL inside */
    CHECK_ERR(raw(NAME_LOOKUP_MSG, long_name, sizeof(long_name)),
              ERR_TOO_LARGE);
    CHECK_ERR(raw(NAME_LOOKUP_MSG, "", 1), ERR_INVALID_ARG);
    CHECK_ERR(raw(NAME_UNSERVE_MSG, long_name, sizeof(long_name)),
              ERR_TOO_LARGE);
    CHECK_ERR(raw(999, "x", 2), ERR_UNKNOWN_MESSAGE);
    CHECK_ERR(raw(NAME_SERVE_MSG, "t-nohandle", 11), ERR_INVALID_ARG);
    CHECK_ERR(ipc_serve("a-name-longer-than-thirty-one-bytes"), ERR_TOO_LARGE);
    CHECK_ERR(ipc_lookup("a-name-longer-than-thirty-one-bytes"), ERR_TOO_LARGE);
    /* A handle to someone else is no registration. */
    struct name_stats before, after;
    CHECK_ERR(name_stats(&before), OK);
    handle_t other = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t given = handle_dup(other, RIGHTS_ALL & ~RIGHT_CONTROL, 0);
    struct message m = {.type = NAME_SERVE_MSG | MSG_HANDLE_MOVE,
                        .handle = given};
    strlcpy((char *) m.data, "t-forged", NAME_MAX);
    CHECK_ERR(ipc_call(H_NAME, &m), OK);
    CHECK_ERR(m.words[0], ERR_INVALID_ARG);
    CHECK_ERR(name_stats(&after), OK);
    CHECK_EQ(after.handles, before.handles);
    end(other);
}

TEST(name_flood_of_lookups_that_never_succeed) {
    handle_t name_server = H_NAME;
    handle_t kids[40];
    for (int i = 0; i < 40; i++) {
        kids[i] =
            spawn_peer(CHILD_LOOKUP, NEVER, TEST_PRIORITY + 1, 1, &name_server);
        CHECK(kids[i] > 0);
    }
    /* Some wait, the rest were refused; the server still answers. */
    int refused = 0;
    for (int i = 0; i < 40; i++) {
        struct task_status st;
        if (task_status(kids[i], &st) == OK && st.state == TASK_DEAD) {
            CHECK_ERR(st.exit_code, ERR_FULL);
            refused++;
        }
    }
    CHECK(refused > 0);
    CHECK_ERR(ipc_lookup_timeout("t-never", IPC_POLL), ERR_NOT_FOUND);
    for (int i = 0; i < 40; i++)
        end(kids[i]);
    /* Their waits run out and are dropped. */
    drain_ms(600);
    struct name_stats st;
    CHECK_ERR(name_stats(&st), OK);
    CHECK_EQ(st.waiters, 0);
}

TEST(name_list_shows_registrations) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    char buf[1024];
    int n = name_list(buf, sizeof(buf));
    CHECK(n >= 1);
    CHECK(strstr(buf, "t-echo\n"));
    end(s);
}

TEST(task_without_name_handle_reaches_nothing) {
    handle_t c = spawn_peer(CHILD_LOOKUP, ECHO, TEST_PRIORITY + 1, 0, NULL);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    CHECK_ERR(st.exit_code, ERR_BAD_HANDLE);
    handle_close(c);
}

TEST(name_refuses_copied_and_bad_requests_without_leaking) {
    struct name_stats before, after;
    CHECK_ERR(name_stats(&before), OK);
    handle_t other = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t copy = handle_dup(other, RIGHTS_ALL & ~RIGHT_CONTROL, 0);
    /* A copied handle is not the protocol's type: refused as unknown. */
    struct message m = {.type = (NAME_SERVE_MSG & ~MSG_HANDLE_MOVE) |
                                MSG_HANDLE_COPY,
                        .handle = copy};
    strlcpy((char *) m.data, "t-copied", NAME_MAX);
    CHECK_ERR(ipc_call(H_NAME, &m), ERR_UNKNOWN_MESSAGE);
    /* Moved, but a handle to another task than the sender. */
    m = (struct message){.type = NAME_SERVE_MSG,
                         .handle = handle_dup(copy, RIGHT_SEND, 0)};
    strlcpy((char *) m.data, "t-copied", NAME_MAX);
    CHECK_ERR(ipc_call(H_NAME, &m), OK);
    CHECK_ERR(m.words[0], ERR_INVALID_ARG); /* not a handle to the sender */
    m = (struct message){.type = NAME_LOOKUP_MSG};
    strlcpy((char *) m.data, "t-echo", NAME_MAX);
    ((struct name_request *) m.data)->timeout_ms = -5;
    CHECK_ERR(ipc_call(H_NAME, &m), OK);
    CHECK_ERR(m.words[0], ERR_INVALID_ARG);
    CHECK_ERR(name_stats(&after), OK);
    CHECK_EQ(after.handles, before.handles); /* the copy was not kept */
    handle_close(copy);
    task_kill(other);
    handle_close(other);
}

/* A call through h: the badge the server saw, or 0 if the call failed. */
static uint64_t badge_through(handle_t h) {
    struct message m = {.type = ECHO_ADD};
    return ipc_call(h, &m) == OK ? m.words[ECHO_BADGE_WORD] : 0;
}

/* A lookup with no timeout, after two lookups of another name were
 * closed, gets its handle (reported to hang once; the case runs within
 * the runner's time limit, so a hang fails it). */
TEST(name_lookup_after_closing_two_lookups) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    handle_t s2 = named_server(OWN, TEST_PRIORITY + 1);
    handle_t a = ipc_lookup_timeout("t-echo", 1000);
    handle_t b = ipc_lookup_timeout("t-echo", 1000);
    CHECK(a > 0 && b > 0);
    handle_close(a);
    handle_close(b); /* the same handle: closed already, harmless */
    handle_t h = ipc_lookup("t-own");
    CHECK(h > 0);
    CHECK(badge_through(h) != 0);
    handle_close(h);
    end(s);
    end(s2);
}

TEST(name_lookup_gives_the_same_handle_while_open) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    handle_t a = ipc_lookup_timeout("t-echo", 1000);
    CHECK(a > 0);
    int slots = free_slots();
    CHECK_EQ(ipc_lookup("t-echo"), a);
    CHECK_EQ(ipc_lookup_timeout("t-echo", IPC_POLL), a);
    CHECK_EQ(free_slots(), slots); /* no slot per lookup */
    /* A handle of its own is another client, and is not remembered. */
    handle_t n = name_lookup_new("t-echo", IPC_POLL);
    CHECK(n > 0 && n != a);
    CHECK(badge_through(n) != badge_through(a));
    CHECK_EQ(ipc_lookup("t-echo"), a);
    handle_close(n);
    handle_close(a);
    end(s);
}

/* Closed, the handle is not given again, even when its slot now holds a
 * handle to another task. */
TEST(name_lookup_after_close_asks_again) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    handle_t a = ipc_lookup_timeout("t-echo", 1000);
    CHECK(a > 0);
    uint64_t badge = badge_through(a);
    handle_close(a);
    handle_t other = handle_dup(H_NAME, RIGHT_CALL, 0);
    CHECK_EQ(other, a); /* the lowest free slot */
    handle_t b = ipc_lookup("t-echo");
    CHECK(b > 0 && b != other);
    CHECK_EQ(task_id_of(b), task_id_of(s));
    uint64_t again = badge_through(b);
    CHECK(again != 0 && again != badge); /* a new handle, a new badge */
    handle_close(other);
    handle_close(b);
    end(s);
}

/* A server that died and a successor that took its name: the lookup
 * gives a handle to the successor, not the dead one still held. */
TEST(name_lookup_after_the_server_was_replaced) {
    handle_t s = named_server(MORTAL, TEST_PRIORITY + 1);
    handle_t old = ipc_lookup_timeout("t-mortal", 1000);
    CHECK(old > 0);
    end(s);
    CHECK_ERR(ipc_lookup_timeout("t-mortal", IPC_POLL), ERR_NOT_FOUND);
    handle_t s2 = named_server(MORTAL, TEST_PRIORITY + 1);
    handle_t h = ipc_lookup_timeout("t-mortal", 1000);
    CHECK(h > 0 && h != old);
    CHECK_EQ(task_id_of(h), task_id_of(s2));
    CHECK(badge_through(h) != 0);
    CHECK_EQ(ipc_lookup("t-mortal"), h);
    handle_close(old);
    handle_close(h);
    end(s2);
}

TEST(name_lookup_two_names_two_handles) {
    handle_t s = named_server(ECHO, TEST_PRIORITY + 1);
    handle_t s2 = named_server(OWN, TEST_PRIORITY + 1);
    int slots = free_slots();
    handle_t a = ipc_lookup_timeout("t-echo", 1000);
    handle_t b = ipc_lookup_timeout("t-own", 1000);
    CHECK(a > 0 && b > 0 && a != b);
    CHECK_EQ(ipc_lookup("t-echo"), a);
    CHECK_EQ(ipc_lookup("t-own"), b);
    CHECK_EQ(free_slots(), slots - 2);
    CHECK_EQ(task_id_of(a), task_id_of(s));
    CHECK_EQ(task_id_of(b), task_id_of(s2));
    handle_close(a);
    handle_close(b);
    end(s);
    end(s2);
}

/* Past LOOKUP_CACHE_MAX names the oldest is forgotten, not closed. Our
 * own names (ENTRIES_PER_TASK, 4) and five servers' make nine. */
TEST(name_lookup_forgets_the_oldest_name) {
    static const char *const own[] = {"t-c0", "t-c1", "t-c2", "t-c3"};
    _Static_assert(LOOKUP_CACHE_MAX < 4 + 5, "not enough names");
    const char *names[LOOKUP_CACHE_MAX + 1];
    handle_t servers[5] = {0}, got[LOOKUP_CACHE_MAX + 1];
    for (int i = 0; i < 4; i++) {
        CHECK_ERR(ipc_serve(own[i]), OK);
        names[i] = own[i];
    }
    static const int served[] = {ECHO, LATE, MORTAL, OWN, DUP};
    for (int i = 4; i <= LOOKUP_CACHE_MAX; i++) {
        servers[i - 4] = named_server(served[i - 4], TEST_PRIORITY + 1);
        names[i] = test_names[served[i - 4]];
    }
    for (int i = 0; i <= LOOKUP_CACHE_MAX; i++)
        CHECK((got[i] = ipc_lookup_timeout(names[i], 1000)) > 0);
    for (int i = 1; i <= LOOKUP_CACHE_MAX; i++)
        CHECK_EQ(ipc_lookup(names[i]), got[i]);
    struct handle_info info;
    CHECK_ERR(handle_info(got[0], &info), OK); /* still ours */
    handle_t again = ipc_lookup(names[0]);
    CHECK(again > 0 && again != got[0]);
    for (int i = 0; i < 5; i++)
        end(servers[i]);
}
