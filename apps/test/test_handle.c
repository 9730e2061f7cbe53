/* Handles: rights only shrink, badges, transfer by move and copy. */
#include "test.h"

static handle_t echo(void) {
    return spawn_peer(CHILD_ECHO_SERVER, 0, TEST_PRIORITY + 1, 0, NULL);
}

static void end(handle_t h) {
    task_kill(h);
    handle_close(h);
}

TEST(handle_dup_cannot_add_rights) {
    handle_t s = echo();
    handle_t send_only = handle_dup(s, RIGHT_SEND, 0);
    CHECK(send_only > 0);
    CHECK_ERR(handle_dup(send_only, RIGHT_SEND | RIGHT_CALL, 0),
              ERR_NOT_PERMITTED);
    CHECK_ERR(handle_dup(send_only, RIGHTS_ALL, 0), ERR_NOT_PERMITTED);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(send_only, &m), ERR_NOT_PERMITTED);
    CHECK_ERR(ipc_notify(send_only, 1ull << 16), ERR_NOT_PERMITTED);
    struct task_status st;
    CHECK_ERR(task_status(send_only, &st), ERR_NOT_PERMITTED);
    CHECK_ERR(task_kill(send_only), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_close(send_only), OK);
    end(s);
}

TEST(handle_dup_errors) {
    CHECK_ERR(handle_dup(0, RIGHT_SEND, 0), ERR_BAD_HANDLE);
    CHECK_ERR(handle_dup(HANDLE_MAX, RIGHT_SEND, 0), ERR_BAD_HANDLE);
    CHECK_ERR(handle_dup(-3, RIGHT_SEND, 0), ERR_BAD_HANDLE);
    CHECK_ERR(handle_dup(60, RIGHT_SEND, 0), ERR_BAD_HANDLE);
}

TEST(badge_is_delivered_with_every_message) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ;
    handle_t badged =
        handle_dup(self_handle(), RIGHT_CALL | RIGHT_SEND | RIGHT_GRANT, 0xb0b);
    CHECK(badged > 0);
    handle_t c = spawn_peer(CHILD_CALLER, 3, TEST_PRIORITY + 1, 1, &badged);
    CHECK(c > 0);
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);
    CHECK_EQ(m.badge, 0xb0b);
    CHECK_EQ(m.src, task_id_of(c));
    struct message r = {.type = ECHO_ADD};
    CHECK_ERR(ipc_reply(m.src, &r), OK);
    /* A badge, once set, cannot be replaced. */
    CHECK_ERR(handle_dup(badged, RIGHT_SEND, 0xbad), ERR_NOT_PERMITTED);
    handle_t again = handle_dup(badged, RIGHT_SEND, 0);
    CHECK(again > 0);
    handle_close(again);
    handle_close(badged);
    struct task_status st;
    wait_dead(c, &st);
    handle_close(c);
}

TEST(handle_move_leaves_the_sender) {
    handle_t s = echo();
    handle_t victim = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t moved = handle_dup(victim, RIGHTS_ALL, 0);
    struct message m = {.type = ECHO_HANDLE | MSG_HANDLE_MOVE, .handle = moved};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK(m.words[0] > 0);                   /* the server's index for it */
    CHECK_EQ(m.words[1], TEST_PRIORITY + 1); /* and it worked there */
    struct task_status st;
    CHECK_ERR(task_status(moved, &st), ERR_BAD_HANDLE); /* gone from us */
    end(victim);
    end(s);
}

TEST(handle_copy_needs_grant) {
    handle_t s = echo();
    handle_t victim = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t no_grant = handle_dup(victim, RIGHT_CONTROL, 0);
    struct message m = {.type = ECHO_HANDLE | MSG_HANDLE_COPY,
                        .handle = no_grant};
    CHECK_ERR(ipc_call(s, &m), ERR_NOT_PERMITTED);
    /* Moving it is allowed: it leaves us. */
    m = (struct message){.type = ECHO_HANDLE | MSG_HANDLE_MOVE,
                         .handle = no_grant};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[1], TEST_PRIORITY + 1);
    /* A copy with the grant right: both ends hold it. */
    m = (struct message){.type = ECHO_HANDLE | MSG_HANDLE_COPY,
                         .handle = victim};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[1], TEST_PRIORITY + 1);
    struct task_status st;
    CHECK_ERR(task_status(victim, &st), OK);
    end(victim);
    end(s);
}

TEST(handle_transfer_bad_handles) {
    handle_t s = echo();
    struct message m = {.type = ECHO_HANDLE | MSG_HANDLE_MOVE, .handle = 55};
    CHECK_ERR(ipc_call(s, &m), ERR_BAD_HANDLE);
    m = (struct message){.type = ECHO_HANDLE | MSG_HANDLE_COPY, .handle = -1};
    CHECK_ERR(ipc_call(s, &m), ERR_BAD_HANDLE);
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[ECHO_COUNT_WORD], 1);
    /* A handle of 0 passes none: the message goes, without one. */
    m = (struct message){.type = ECHO_HANDLE | MSG_HANDLE_COPY, .handle = 0};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[0], 0);
    end(s);
}

/* A receive takes a handle only when it says so: the sender of one to a
 * plain receive hears ERR_HANDLE_REFUSED and keeps it. */
TEST(handle_refused_by_a_receive_that_takes_none) {
    handle_t r = spawn_child(CHILD_RECV_THEN_EXIT, TEST_PRIORITY + 1);
    handle_t victim = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t moved = handle_dup(victim, RIGHTS_ALL, 0);
    struct message m = {.type = ECHO_ADD | MSG_HANDLE_MOVE, .handle = moved};
    CHECK_ERR(ipc_send(r, &m), ERR_HANDLE_REFUSED);
    struct handle_info info;
    CHECK_ERR(handle_info(moved, &info), OK); /* still ours */
    m = (struct message){.type = ECHO_ADD | MSG_HANDLE_COPY, .handle = victim};
    CHECK_ERR(ipc_send(r, &m), ERR_HANDLE_REFUSED);
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_send(r, &m), OK); /* it was waiting all along */
    CHECK_EQ(exit_code_of(r), 0);
    handle_close(moved);
    end(victim);
}

/* A queued sender of a handle is refused when a plain receive takes its
 * turn; the receive goes on to the next message. */
TEST(handle_refused_from_the_queue_and_accepted_when_asked) {
    handle_t self = self_handle();
    handle_t with =
        spawn_peer(CHILD_HANDLE_SENDER, 0, TEST_PRIORITY + 1, 1, &self);
    handle_t plain =
        spawn_peer(CHILD_SENDER, (1 << 8) | 1, TEST_PRIORITY + 1, 1, &self);
    struct message m;
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);
    CHECK_EQ(m.src, task_id_of(plain));
    CHECK_EQ(m.handle, 0);
    CHECK_ERR(exit_code_of(with), ERR_HANDLE_REFUSED);
    CHECK_EQ(exit_code_of(plain), 0);
    with = spawn_peer(CHILD_HANDLE_SENDER, 0, TEST_PRIORITY + 1, 1, &self);
    do
        CHECK_ERR(ipc_recv_handle(IPC_ANY, &m), OK);
    while (m.type == MSG_NOTIFICATIONS);
    CHECK(m.handle > 0);
    CHECK_EQ(task_id_of(m.handle), task_id_of(with));
    handle_close(m.handle);
    CHECK_EQ(exit_code_of(with), 0);
}

TEST(handle_task_self_rights) {
    handle_t self = task_self();
    CHECK(self > 0);
    struct task_status st;
    /* An endpoint handle to ourselves, not control of ourselves. */
    CHECK_ERR(task_status(self, &st), ERR_NOT_PERMITTED);
    CHECK_ERR(ipc_notify(self, 1ull << 30), OK);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_POLL), OK);
    CHECK(m.notifications.bits & (1ull << 30));
    CHECK_ERR(handle_close(self), OK);
}

TEST(handle_info_describes_handles) {
    handle_t c = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t badged = handle_dup(c, RIGHT_SEND, 77);
    struct handle_info info;
    CHECK_ERR(handle_info(badged, &info), OK);
    CHECK_EQ(info.kind, KOBJ_TASK);
    CHECK_EQ(info.rights, RIGHT_SEND);
    CHECK_EQ(info.badge, 77);
    CHECK(info.task_id != 0);
    CHECK_EQ(info.task_alive, 1);
    task_kill(c);
    CHECK_ERR(handle_info(badged, &info), OK);
    CHECK_EQ(info.task_alive, 0);
    CHECK_ERR(handle_info(H_IOPORT, &info), OK);
    CHECK_EQ(info.kind, KOBJ_IOPORT);
    CHECK_EQ(info.count, 0x10000);
    CHECK_ERR(handle_info(H_SPAWN, &info), OK);
    CHECK_EQ(info.kind, KOBJ_SPAWN);
    CHECK_ERR(handle_info(0, &info), ERR_BAD_HANDLE);
    CHECK_ERR(handle_info(H_SPAWN, (void *) 0xffffffff80100000ull),
              ERR_BAD_POINTER);
    struct notify_source src;
    CHECK_ERR(notify_sources((void *) 0xffffffff80100000ull, 4),
              ERR_BAD_POINTER);
    CHECK(notify_sources(&src, 0) == 0);
    handle_close(badged);
    handle_close(c);
}
