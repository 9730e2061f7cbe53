/* Preemption and priorities. */
#include "test.h"

TEST(sched_higher_priority_runs_first) {
    /* A more urgent task runs as soon as it is ready: before task_create
     * even returns to us. */
    handle_t h = spawn_child(CHILD_EXIT_42, TEST_PRIORITY + 5);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_DEAD);
    CHECK_EQ(st.exit_code, 42);
    CHECK_ERR(handle_close(h), OK);
}

TEST(sched_lower_priority_waits) {
    handle_t h = spawn_child(CHILD_EXIT_42, TEST_PRIORITY - 5);
    CHECK(h > 0);
    struct task_status st;
    for (volatile int i = 0; i < 1000000; i++)
        ; /* busy, never blocking: the child must not run */
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_READY);
    CHECK_EQ(st.cpu_ticks, 0);
    CHECK_ERR(wait_dead(h, &st), OK); /* we block: now it runs */
    CHECK_EQ(st.exit_code, 42);
    CHECK_ERR(handle_close(h), OK);
}

TEST(sched_same_priority_both_progress) {
    handle_t a = spawn_child(CHILD_SPIN, TEST_PRIORITY - 1);
    handle_t b = spawn_child(CHILD_SPIN, TEST_PRIORITY - 1);
    CHECK(a > 0 && b > 0);
    drain_ms(200); /* 20 quanta: round robin gives each about half */
    struct task_status sa, sb;
    CHECK_ERR(task_status(a, &sa), OK);
    CHECK_ERR(task_status(b, &sb), OK);
    task_kill(a);
    task_kill(b);
    handle_close(a);
    handle_close(b);
    CHECK(sa.cpu_ticks >= 40);
    CHECK(sb.cpu_ticks >= 40);
}

TEST(sched_spinning_child_does_not_starve_us) {
    /* A CPU-bound task at our priority; the timer takes the CPU back. */
    handle_t h = spawn_child(CHILD_SPIN, TEST_PRIORITY);
    CHECK(h > 0);
    struct sysinfo si;
    sys_sysinfo(H_SPAWN, &si);
    uint64_t until = si.uptime_ms + 50; /* five quanta, never blocking */
    while (si.uptime_ms < until)
        sys_sysinfo(H_SPAWN, &si);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_ERR(task_kill(h), OK);
    CHECK_ERR(handle_close(h), OK);
    CHECK(st.cpu_ticks > 0);
}

TEST(recv_timeout_and_poll) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ; /* drain */
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_POLL), ERR_WOULD_BLOCK);
    struct sysinfo before, after;
    sys_sysinfo(H_SPAWN, &before);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 30), ERR_TIMEOUT);
    sys_sysinfo(H_SPAWN, &after);
    CHECK(after.uptime_ms - before.uptime_ms >= 30); /* never early */
}

TEST(notify_wakes_receiver) {
    handle_t h = spawn_child(CHILD_EXIT_NOTIFICATIONS, TEST_PRIORITY + 1);
    CHECK(h > 0); /* it ran and now waits in ipc_recv */
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED);
    CHECK_ERR(ipc_notify(h, 5ull << 16), OK);
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_code, 5);
    CHECK_ERR(ipc_notify(h, 1ull << 16), ERR_ABORTED); /* it is gone */
    CHECK_ERR(handle_close(h), OK);
}

TEST(notify_bits_coalesce) {
    /* Lower priority: both notifications arrive before it first runs. */
    handle_t h = spawn_child(CHILD_EXIT_NOTIFICATIONS, TEST_PRIORITY - 1);
    CHECK(h > 0);
    CHECK_ERR(ipc_notify(h, 1ull << 16), OK);
    CHECK_ERR(ipc_notify(h, 4ull << 16), OK);
    CHECK_ERR(ipc_notify(h, 1ull << 16), OK);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_code, 5);
    CHECK_ERR(handle_close(h), OK);
}

/* sleep_ms blocks for its time, and nothing cuts it short: a
 * notification waits for the next receive. */
TEST(sleep_ms_sleeps_and_keeps_notifications) {
    CHECK_ERR(sleep_ms(IPC_TIMEOUT_MAX + 1), ERR_INVALID_ARG);
    CHECK_ERR(sleep_ms(0), OK);
    struct sysinfo si;
    sys_sysinfo(H_SPAWN, &si);
    uint64_t start = si.uptime_ms;
    CHECK_ERR(ipc_notify(self_handle(), 1ull << 20), OK);
    CHECK_ERR(sleep_ms(30), OK);
    sys_sysinfo(H_SPAWN, &si);
    CHECK(si.uptime_ms >= start + 30);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_POLL), OK);
    CHECK_EQ(m.type, MSG_NOTIFICATIONS);
    CHECK(m.notifications.bits & (1ull << 20));
}

/* A sleeping task shows as such, and can be killed while it sleeps. */
TEST(sleep_ms_shows_in_status_and_ends_on_kill) {
    handle_t h =
        spawn_peer(CHILD_SLEEP_EXIT, 60000, TEST_PRIORITY + 1, 0, NULL);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED);
    CHECK_EQ(st.wait, WAIT_SLEEP);
    CHECK_ERR(task_kill(h), OK);
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_KILLED);
    CHECK_ERR(handle_close(h), OK);
}

/* The IPC count `top` shows: one per ipc() a task makes, none otherwise. */
static uint64_t ipc_calls_of(task_t id) {
    static struct task_status all[TASK_LIST_MAX];
    int n = task_list(H_SPAWN, all, TASK_LIST_MAX);
    for (int i = 0; i < n; i++) {
        if (all[i].id == id)
            return all[i].ipc_calls;
    }
    return UINT64_MAX;
}

TEST(ipc_calls_count_each_ipc_of_a_task) {
    handle_t s = spawn_peer(CHILD_ECHO_SERVER, 0, TEST_PRIORITY + 1, 0, NULL);
    handle_t spin = spawn_child(CHILD_SPIN, TEST_PRIORITY - 1);
    CHECK(s > 0 && spin > 0);
    task_t me = task_id_of(self_handle()), server = task_id_of(s);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK); /* the server waits in its loop */
    uint64_t mine = ipc_calls_of(me), its = ipc_calls_of(server);
    for (int i = 0; i < 10; i++) {
        m = (struct message){.type = ECHO_ADD};
        CHECK_ERR(ipc_call(s, &m), OK);
    }
    CHECK_EQ(ipc_calls_of(me) - mine, 10);
    CHECK_EQ(ipc_calls_of(server) - its, 10); /* a reply-and-receive each */
    drain_ms(30); /* the spinning child runs: no IPC */
    struct task_status st;
    CHECK_ERR(task_status(spin, &st), OK);
    CHECK(st.cpu_ticks > 0);
    CHECK_EQ(st.ipc_calls, 0);
    task_kill(spin);
    task_kill(s);
    handle_close(spin);
    handle_close(s);
}

/* An ipc() counts once whatever it returns, a refused one too; a task
 * waiting in a receive makes none and runs no ticks, while a busy one's
 * CPU time grows from one sample to the next. */
TEST(ipc_calls_count_refused_calls_and_nothing_while_blocked) {
    handle_t idle = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t spin = spawn_child(CHILD_SPIN, TEST_PRIORITY - 1);
    CHECK(idle > 0 && spin > 0);
    task_t me = task_id_of(self_handle());
    uint64_t mine = ipc_calls_of(me);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(H_IOPORT, &m), ERR_BAD_HANDLE); /* no task */
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_TIMEOUT_MAX + 1),
              ERR_INVALID_ARG);
    CHECK_EQ(ipc_calls_of(me) - mine, 2);
    drain_ms(20); /* the spinner gets going */
    struct task_status i0, i1, s0, s1;
    CHECK_ERR(task_status(idle, &i0), OK);
    CHECK_ERR(task_status(spin, &s0), OK);
    drain_ms(50);
    CHECK_ERR(task_status(idle, &i1), OK);
    CHECK_ERR(task_status(spin, &s1), OK);
    task_kill(idle);
    task_kill(spin);
    handle_close(idle);
    handle_close(spin);
    CHECK_EQ(i1.ipc_calls, i0.ipc_calls);
    CHECK_EQ(i1.cpu_ticks, i0.cpu_ticks);
    CHECK(s1.cpu_ticks > s0.cpu_ticks);
    CHECK_EQ(s1.ipc_calls, s0.ipc_calls);
}
