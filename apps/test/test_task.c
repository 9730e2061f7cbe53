/* Creating, ending and inspecting tasks; handle errors. */
#include "test.h"
#include <string.h>

TEST(task_exit_code) {
    handle_t h = spawn_child(CHILD_EXIT_42, TEST_PRIORITY - 1);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_NORMAL);
    CHECK_EQ(st.exit_code, 42);
    CHECK(!strcmp(st.name, "test-child"));
    CHECK_ERR(handle_close(h), OK);
}

TEST(task_death_is_notified) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ; /* drain what earlier tests left */
    handle_t h = spawn_child(CHILD_EXIT_0, TEST_PRIORITY + 1);
    CHECK(h > 0);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 5000), OK);
    CHECK_EQ(m.type, MSG_NOTIFICATIONS);
    CHECK(m.notifications.bits & NOTIFY_DEATH);
    CHECK_ERR(handle_close(h), OK);
}

TEST(task_create_destroy_1000_no_leak) {
    uint64_t before = free_pages();
    for (int i = 0; i < 1000; i++) {
        /* Higher priority: it runs and ends before task_create returns. */
        handle_t h = spawn_child(CHILD_EXIT_0, TEST_PRIORITY + 1);
        CHECK(h > 0);
        struct task_status st;
        CHECK_ERR(task_status(h, &st), OK);
        CHECK_EQ(st.state, TASK_DEAD);
        CHECK_ERR(handle_close(h), OK);
    }
    CHECK_EQ(free_pages(), before);
}

TEST(task_end_closes_the_handles_of_a_dead_task) {
    /* A child's handle to its sibling is a reference: if the child's end
     * did not close it, the sibling would outlive every handle we hold. */
    struct sysinfo si;
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    uint64_t pages = si.free_pages;
    uint32_t tasks = si.num_tasks;
    handle_t sibling = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    CHECK(sibling > 0);
    handle_t child =
        spawn_peer(CHILD_EXIT_0, 0, TEST_PRIORITY + 1, 1, &sibling);
    CHECK(child > 0);
    CHECK_EQ(exit_code_of(child), 0); /* and our handle to it closed */
    CHECK_ERR(task_kill(sibling), OK);
    CHECK_ERR(handle_close(sibling), OK);
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    CHECK_EQ(si.num_tasks, tasks);
    CHECK_EQ(si.free_pages, pages);
}

TEST(task_kill_running_task) {
    handle_t h = spawn_child(CHILD_SPIN, TEST_PRIORITY - 1);
    CHECK(h > 0);
    drain_ms(20);
    CHECK_ERR(task_kill(h), OK);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_DEAD);
    CHECK_EQ(st.exit_reason, EXIT_KILLED);
    CHECK(st.cpu_ticks > 0);
    CHECK_ERR(task_kill(h), ERR_BAD_STATE);
    CHECK_ERR(handle_close(h), OK);
}

TEST(task_kill_blocked_task) {
    handle_t h = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED);
    CHECK_ERR(task_kill(h), OK);
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_KILLED);
    CHECK_ERR(handle_close(h), OK);
}

TEST(handle_close_twice_is_an_error) {
    handle_t h = spawn_child(CHILD_EXIT_0, TEST_PRIORITY + 1);
    CHECK(h > 0);
    CHECK_ERR(handle_close(h), OK);
    CHECK_ERR(handle_close(h), ERR_BAD_HANDLE);
    struct task_status st;
    CHECK_ERR(task_status(h, &st), ERR_BAD_HANDLE);
    CHECK_ERR(task_kill(h), ERR_BAD_HANDLE);
}

TEST(handle_forged_indexes) {
    struct task_status st;
    static const handle_t bad[] = {0, -1, HANDLE_MAX, 1000, 0x7fffffff, 63};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_ERR(task_status(bad[i], &st), ERR_BAD_HANDLE);
        CHECK_ERR(handle_close(bad[i]), ERR_BAD_HANDLE);
    }
}

TEST(handle_wrong_kind) {
    struct task_status st;
    /* A spawn handle is not a task; an I/O-port handle cannot spawn. */
    CHECK_ERR(task_status(H_SPAWN, &st), ERR_BAD_HANDLE);
    CHECK_ERR(task_kill(H_IOPORT), ERR_BAD_HANDLE);
    struct task_spec spec = {.name = "x"};
    CHECK_ERR(task_create(H_IOPORT, &spec), ERR_BAD_HANDLE);
    CHECK_ERR(io_out(H_SPAWN, 0x80, 1, 0), ERR_BAD_HANDLE);
}

TEST(child_without_spawn_handle_cannot_spawn) {
    handle_t h = spawn_child(CHILD_TRY_SPAWN, TEST_PRIORITY + 1);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_NORMAL);
    CHECK_ERR(st.exit_code, ERR_BAD_HANDLE);
    CHECK_ERR(handle_close(h), OK);
}

TEST(child_without_ioport_handle_cannot_do_io) {
    handle_t h = spawn_child(CHILD_TRY_IOPORT, TEST_PRIORITY + 1);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_ERR(st.exit_code, ERR_BAD_HANDLE);
    CHECK_ERR(handle_close(h), OK);
}

TEST(spawned_child_receives_handles) {
    /* Give a child our I/O-port handle, alone: it finds it by its tag,
     * and its io_out then succeeds. */
    uint64_t size;
    const void *image = self_image(&size);
    struct task_spec spec = {
        .name = "test-child",
        .image = image,
        .image_size = size,
        .arg = CHILD_TRY_IOPORT,
        .priority = TEST_PRIORITY + 1,
    };
    startup_give(&spec, H_IOPORT, TAG_IOPORT);
    handle_t h = task_create(H_SPAWN, &spec);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_ERR(st.exit_code, OK);
    CHECK_ERR(handle_close(h), OK);
}

TEST(handle_table_full) {
    handle_t hs[HANDLE_MAX];
    int n = 0;
    uint64_t before = free_pages();
    struct sysinfo si;
    for (;;) {
        handle_t h = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
        if (h < 0) {
            CHECK_ERR(h, ERR_FULL);
            break;
        }
        CHECK(n < HANDLE_MAX);
        hs[n++] = h;
    }
    CHECK(n > 40); /* our table has room for most of HANDLE_MAX */
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    uint32_t tasks_when_full = si.num_tasks;
    CHECK(spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1) == ERR_FULL);
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    CHECK_EQ(si.num_tasks, tasks_when_full); /* the failed call made none */
    for (int i = 0; i < n; i++) {
        CHECK_ERR(task_kill(hs[i]), OK);
        CHECK_ERR(handle_close(hs[i]), OK);
    }
    CHECK_EQ(free_pages(), before);
}

TEST(task_list_and_kill_by_id) {
    handle_t c = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    task_t id = task_id_of(c);
    static struct task_status all[64];
    int n = task_list(H_SPAWN, all, 64);
    CHECK(n >= 3);
    bool found = false;
    for (int i = 0; i < n; i++) {
        if (all[i].id == id) {
            found = true;
            CHECK_EQ(all[i].state, TASK_BLOCKED);
            CHECK_EQ(all[i].wait, WAIT_RECEIVE);
            CHECK_EQ(all[i].wait_peer, 0); /* from anyone */
            CHECK(!strcmp(all[i].name, "test-child"));
        }
    }
    CHECK(found);
    CHECK_ERR(task_kill_id(H_IOPORT, id),
              ERR_BAD_HANDLE); /* not a spawn handle */
    CHECK_ERR(task_kill_id(H_SPAWN, 0x7fff00), ERR_NOT_FOUND);
    CHECK_ERR(task_kill_id(H_SPAWN, id), OK);
    struct task_status st;
    CHECK_ERR(task_status(c, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_KILLED);
    CHECK_ERR(task_kill_id(H_SPAWN, id), ERR_NOT_FOUND); /* already gone */
    CHECK(task_list(H_SPAWN, (void *) 0xffffffff80100000ull, 4) ==
          ERR_BAD_POINTER);
    handle_close(c);
}

TEST(task_list_shows_who_waits_on_whom) {
    /* A child calling a child that is busy waiting on us. */
    handle_t self = self_handle();
    handle_t server = spawn_peer(CHILD_CALLER, 1, TEST_PRIORITY - 2, 1, &self);
    drain_ms(20); /* it runs and calls us */
    handle_t caller =
        spawn_peer(CHILD_CALLER, 1, TEST_PRIORITY + 1, 1, &server);
    static struct task_status all[64];
    int n = task_list(H_SPAWN, all, 64);
    bool found = false;
    for (int i = 0; i < n; i++) {
        if (all[i].id == task_id_of(caller)) {
            found = true;
            CHECK_EQ(all[i].wait, WAIT_SEND); /* the server is busy */
            CHECK_EQ(all[i].wait_peer, task_id_of(server));
        }
    }
    CHECK(found);
    task_kill(caller);
    task_kill(server);
    handle_close(caller);
    handle_close(server);
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ; /* its call to us, and the deaths */
}

TEST(task_command_line_reaches_the_child) {
    uint64_t size;
    const void *image = self_image(&size);
    struct task_spec spec = {.name = "test-child",
                             .image = image,
                             .image_size = size,
                             .arg = CHILD_CMDLINE_LENGTH,
                             .priority = TEST_PRIORITY + 1,
                             .cmdline = "twelve chars"};
    handle_t h = task_create(H_SPAWN, &spec);
    CHECK(h > 0);
    CHECK_EQ(exit_code_of(h), 12);
    spec.cmdline = (const char *) 0xffffffff80100000ull;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_POINTER);
    static char too_long[TASK_CMDLINE_MAX + 1];
    memset(too_long, 'x', TASK_CMDLINE_MAX);
    spec.cmdline = too_long;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_TOO_LARGE);
    spec.cmdline = NULL;
    h = task_create(H_SPAWN, &spec);
    CHECK_EQ(exit_code_of(h), 0); /* no command line: "" */
}
