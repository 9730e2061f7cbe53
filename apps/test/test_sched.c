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
