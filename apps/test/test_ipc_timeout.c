/*
 * Timeouts that expire while the waiting task cannot run. The wait must end
 * at its deadline, not when the task next runs: until then, the receiver
 * it was queued on, a death or a notification could find it half-ended.
 * A spinner below us and above the waiting task keeps that task off the
 * CPU after its deadline.
 */
#include "test.h"

#define SPINNER_PRIORITY (TEST_PRIORITY - 1)
#define WAITER_PRIORITY (TEST_PRIORITY - 2)
#define WAITER_TIMEOUT_MS 10

struct scene {
    handle_t spinner; /* waits to be told, then holds the CPU */
    handle_t waiter;  /* the task whose timeout expires */
};

/* Let lower-priority tasks run for about ms, taking no message: the
 * spinner never sends. */
static void pause_ms(const struct scene *s, int64_t ms) {
    struct message m;
    ipc_recv_timeout(task_id_of(s->spinner), &m, ms);
}

static bool waits(handle_t h, uint32_t wait) {
    struct task_status st;
    return task_status(h, &st) == OK && st.wait == wait;
}

/* Start the waiter in `mode` (with handle `peer` if non-zero), let it
 * block with its timeout, then start the spinner and wait until the
 * deadline has passed. True when the waiter is runnable and has not run. */
static bool past_the_deadline(struct scene *s, int mode, uint64_t param,
                              handle_t peer, uint32_t wait) {
    s->waiter = spawn_peer(mode, param | WAITER_TIMEOUT_MS, WAITER_PRIORITY,
                           !!peer, &peer);
    pause_ms(s, WAITER_TIMEOUT_MS / 2);
    if (s->waiter < 0 || !waits(s->waiter, wait))
        return false;
    struct message go = {.type = ECHO_ADD};
    ipc_send(s->spinner, &go);
    pause_ms(s, 3 * WAITER_TIMEOUT_MS);
    struct task_status st;
    return task_status(s->waiter, &st) == OK && st.state == TASK_READY;
}

/* Stop the spinner; the waiter then runs: its exit code. */
static int64_t end_scene(struct scene *s) {
    task_kill(s->spinner);
    handle_close(s->spinner);
    return exit_code_of(s->waiter);
}

static void drain(void) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ;
}

/* Our own queue: a send that timed out is gone from it at once. */
static void check_timed_out_sender_not_received(uint64_t call) {
    drain();
    struct scene s = {.spinner =
                          spawn_child(CHILD_SPIN_WHEN_TOLD, SPINNER_PRIORITY)};
    bool ready =
        past_the_deadline(&s, CHILD_TIMED_SEND, call, self_handle(), WAIT_SEND);
    task_t id = task_id_of(s.waiter);
    struct message m;
    error_t got = ipc_recv_timeout(id, &m, IPC_POLL);
    struct message r = {.type = ECHO_ADD};
    error_t replied = ipc_reply(id, &r);
    int64_t code = end_scene(&s);
    CHECK(ready);
    CHECK_ERR(got, ERR_WOULD_BLOCK);
    CHECK_ERR(replied, ERR_BAD_STATE);
    CHECK_ERR(code, ERR_TIMEOUT);
}

TEST(ipc_send_timeout_leaves_the_queue_at_the_deadline) {
    check_timed_out_sender_not_received(0);
}

TEST(ipc_call_timeout_is_never_received_after_the_deadline) {
    check_timed_out_sender_not_received(TIMED_CALL);
}

TEST(ipc_send_timeout_restores_receiver_priority_and_survives_its_death) {
    /* The receiver (base priority 2) waits on the spinner, so the sender
     * queues on it and lends it its priority until the deadline. */
    struct scene s = {.spinner =
                          spawn_child(CHILD_SPIN_WHEN_TOLD, SPINNER_PRIORITY)};
    handle_t receiver =
        spawn_peer(CHILD_RECV_FROM, task_id_of(s.spinner), 2, 0, NULL);
    bool ready =
        past_the_deadline(&s, CHILD_TIMED_SEND, 0, receiver, WAIT_SEND);
    struct task_status st;
    error_t status = task_status(receiver, &st);
    error_t killed = task_kill(receiver); /* must not wake the sender */
    handle_close(receiver);
    int64_t code = end_scene(&s);
    CHECK(ready);
    CHECK_ERR(status, OK);
    CHECK_EQ(st.priority, 2);
    CHECK_ERR(killed, OK);
    CHECK_ERR(code, ERR_TIMEOUT);
}

TEST(ipc_recv_timeout_ends_before_a_later_notification) {
    /* The notification comes after the deadline: the receive still times
     * out, and the bits stay pending for the next receive. */
    struct scene s = {.spinner =
                          spawn_child(CHILD_SPIN_WHEN_TOLD, SPINNER_PRIORITY)};
    bool ready = past_the_deadline(&s, CHILD_TIMED_RECV, 0, 0, WAIT_RECEIVE);
    error_t notified = ipc_notify(s.waiter, 1ull << 20);
    struct message m = {.type = ECHO_ADD};
    error_t sent = ipc_send_noblock(s.waiter, &m);
    int64_t code = end_scene(&s);
    CHECK(ready);
    CHECK_ERR(notified, OK);
    CHECK_ERR(sent, ERR_WOULD_BLOCK); /* it no longer waits */
    CHECK_EQ(code, 1 << 4);           /* bit 20, reported as bits >> 16 */
}

TEST(ipc_bounded_call_reply_wait_ends_at_the_deadline) {
    /* We take the waiter's bounded call and sit on it while the spinner
     * keeps the waiter off the CPU past its deadline: the call ends
     * then, and our late reply finds no caller. */
    drain();
    struct scene s = {.spinner =
                          spawn_child(CHILD_SPIN_WHEN_TOLD, SPINNER_PRIORITY)};
    handle_t self = self_handle();
    s.waiter = spawn_peer(CHILD_TIMED_SEND, TIMED_BOUNDED | WAITER_TIMEOUT_MS,
                          WAITER_PRIORITY, 1, &self);
    task_t id = task_id_of(s.waiter);
    struct message m;
    error_t taken = ipc_recv_timeout(id, &m, WAITER_TIMEOUT_MS / 2);
    bool waiting = waits(s.waiter, WAIT_REPLY);
    struct message go = {.type = ECHO_ADD};
    ipc_send(s.spinner, &go);
    pause_ms(&s, 3 * WAITER_TIMEOUT_MS);
    struct task_status st;
    bool ready = task_status(s.waiter, &st) == OK && st.state == TASK_READY;
    struct message r = {.type = ECHO_ADD};
    error_t replied = ipc_reply(id, &r);
    int64_t code = end_scene(&s);
    CHECK_ERR(taken, OK);
    CHECK(waiting);
    CHECK(ready);
    CHECK_ERR(replied, ERR_BAD_STATE);
    CHECK_ERR(code, ERR_TIMEOUT);
}
