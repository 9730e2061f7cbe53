/*
 * Attacks on the kernel's authority checks, each made by a task holding
 * only what that attack needs: a spawn handle narrowed the way init and
 * the shells pass them on, a notify handle, an IRQ handle. Each attack
 * must be refused or have no effect, and its victims keep working.
 */
#include "test.h"
#include <resea/name.h>
#include <string.h>

#define ATTACKER_PRIORITY (TEST_PRIORITY - 1)

/* The exit code of an attacker started with one handle. */
static int64_t attack(int mode, uint64_t param, handle_t given) {
    handle_t h = spawn_peer(mode, param, ATTACKER_PRIORITY, 1, &given);
    return h < 0 ? h : exit_code_of(h);
}

/* A spawn handle such as a task of the attacker's priority is given. */
static handle_t attacker_spawn_handle(void) {
    return handle_narrow(H_SPAWN, 0, ATTACKER_PRIORITY + 1);
}

static task_t id_of(const char *name) {
    static struct task_status all[TASK_MAX];
    int n = task_list(H_SPAWN, all, TASK_MAX);
    for (int i = 0; i < n; i++) {
        if (!strcmp(all[i].name, name))
            return all[i].id;
    }
    return 0;
}

/* The name server answers (a name nobody serves: at once, not found). */
static bool name_server_answers(void) {
    return ipc_lookup_timeout("no-such-name", IPC_POLL) == ERR_NOT_FOUND;
}

TEST(attack_spawn_above_the_spawn_handle) {
    handle_t sp = attacker_spawn_handle();
    CHECK(sp > 0);
    struct handle_info info;
    CHECK_ERR(handle_info(sp, &info), OK);
    CHECK_EQ(info.base, 0);
    CHECK_EQ(info.count, ATTACKER_PRIORITY + 1);
    CHECK_EQ(attack(CHILD_SPAWN_AT, TASK_PRIORITY_MAX, sp), ERR_NOT_PERMITTED);
    CHECK_EQ(attack(CHILD_SPAWN_AT, ATTACKER_PRIORITY + 1, sp),
             ERR_NOT_PERMITTED);
    CHECK_EQ(attack(CHILD_SPAWN_AT, ATTACKER_PRIORITY, sp), 1); /* allowed */
    /* Nor can the range be widened again. */
    CHECK_ERR(handle_narrow(sp, 0, ATTACKER_PRIORITY + 2), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_close(sp), OK);
}

TEST(attack_kill_what_one_did_not_start) {
    handle_t sp = attacker_spawn_handle();
    task_t init = id_of("init"), name = id_of("name");
    CHECK(init && name);
    CHECK_EQ(attack(CHILD_KILL_ID, init, sp), ERR_NOT_PERMITTED);
    CHECK_EQ(attack(CHILD_KILL_ID, name, sp), ERR_NOT_PERMITTED);
    /* Its creator, and a sibling, are not its to end either. */
    task_t me = task_id_of(self_handle());
    CHECK_EQ(attack(CHILD_KILL_ID, me, sp), ERR_NOT_PERMITTED);
    handle_t sibling = spawn_child(CHILD_BLOCK, ATTACKER_PRIORITY);
    CHECK_EQ(attack(CHILD_KILL_ID, task_id_of(sibling), sp), ERR_NOT_PERMITTED);
    struct task_status st;
    CHECK_ERR(task_status(sibling, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED);
    CHECK(name_server_answers());
    CHECK(id_of("init") == init);
    /* We started the sibling: ours to end. */
    CHECK_ERR(task_kill_id(H_SPAWN, task_id_of(sibling)), OK);
    CHECK_ERR(wait_dead(sibling, &st), OK);
    handle_close(sibling);
    handle_close(sp);
}

/* A grandparent keeps its authority when the task between ends. */
TEST(kill_authority_passes_up_when_a_parent_ends) {
    handle_t sp = attacker_spawn_handle();
    int64_t grandchild = attack(CHILD_SPAWN_BLOCKER, ATTACKER_PRIORITY, sp);
    CHECK(grandchild > 0); /* its id; the task between has ended */
    CHECK(id_of("grandchild") == (task_t) grandchild);
    CHECK_ERR(task_kill_id(H_SPAWN, grandchild), OK);
    drain_ms(1);
    CHECK(id_of("grandchild") == 0);
    handle_close(sp);
}

TEST(attack_raise_the_kernels_notification_bits) {
    handle_t notify = handle_dup(self_handle(), RIGHT_NOTIFY | RIGHT_GRANT, 0);
    CHECK(notify > 0);
    drain_ms(1);
    static const int kernel_bits[] = {0, 1, 2, 4, 10, 15}; /* timer, IRQ... */
    for (unsigned i = 0; i < sizeof(kernel_bits) / sizeof(kernel_bits[0]); i++)
        CHECK_EQ(attack(CHILD_NOTIFY_BIT, kernel_bits[i], notify),
                 ERR_NOT_PERMITTED);
    /* Nothing arrived but the deaths of the attackers. */
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK) {
        CHECK_EQ(m.type, MSG_NOTIFICATIONS);
        CHECK_EQ(m.notifications.bits & ~NOTIFY_DEATH, 0);
    }
    /* The tasks' own bits, and "I have mail", still go through. */
    CHECK_EQ(attack(CHILD_NOTIFY_BIT, 16, notify), OK);
    CHECK_EQ(attack(CHILD_NOTIFY_BIT, 3, notify), OK); /* NOTIFY_ASYNC */
    handle_close(notify);
    drain_ms(1);
}

/* notify_client reaches only tasks that chose to talk to the caller. */
static int64_t notify_client_attack(task_t victim, int bit, handle_t given) {
    return attack(CHILD_NOTIFY_CLIENT, (uint64_t) bit << 32 | victim, given);
}

TEST(attack_notify_a_server_one_does_not_serve) {
    /* A plain app: a lookup-like call handle to the name server. */
    handle_t name =
        handle_dup(H_NAME, RIGHT_CALL | RIGHT_SEND | RIGHT_GRANT, 0);
    CHECK(name > 0);
    task_t victims[] = {task_id_of(H_NAME), id_of("init")};
    for (unsigned i = 0; i < sizeof(victims) / sizeof(victims[0]); i++) {
        CHECK(victims[i]);
        CHECK_EQ(notify_client_attack(victims[i], 3, name), ERR_NOT_PERMITTED);
    }
    /* The same attacker reaches us: we hold a handle to what we start. */
    CHECK_EQ(notify_client_attack(task_id_of(self_handle()), 3, name), OK);
    drain_ms(1);
    handle_close(name);
    CHECK(name_server_answers());
}

TEST(attack_raise_the_kernels_bits_in_a_client) {
    /* We hold a handle to the attacker with every right: we are its
     * client, so NOTIFY_ASYNC is all it may raise in us. */
    task_t me = task_id_of(self_handle());
    handle_t name = handle_dup(H_NAME, RIGHT_CALL | RIGHT_GRANT, 0);
    drain_ms(1);
    static const int refused[] = {0, 1, 2, 4, 15, 16, 17, 63};
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CHECK_EQ(notify_client_attack(me, refused[i], name), ERR_NOT_PERMITTED);
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK) {
        CHECK_EQ(m.type, MSG_NOTIFICATIONS);
        CHECK_EQ(m.notifications.bits & ~NOTIFY_DEATH, 0);
    }
    CHECK_EQ(notify_client_attack(me, 3, name), OK);
    handle_close(name);
    drain_ms(1);
}

/* A line is owned only while a handle covering it is held. */
TEST(attack_keep_an_irq_line_without_its_handle) {
    handle_t line = handle_narrow(H_IRQ, 5, 1);
    CHECK(line > 0);
    handle_t h =
        spawn_peer(CHILD_IRQ_AND_CLOSE, 5, ATTACKER_PRIORITY, 1, &line);
    CHECK(h > 0);
    handle_close(line);
    drain_ms(20); /* it listens, then closes its only IRQ handle */
    struct task_status st;
    CHECK_ERR(task_status(h, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED); /* alive, and no longer the owner */
    CHECK_ERR(irq_listen(H_IRQ, 5), OK);
    CHECK_ERR(irq_unlisten(H_IRQ, 5), OK);
    task_kill(h);
    wait_dead(h, &st);
    handle_close(h);
}

/* notify_sources names tasks, not slots: a task that takes over the slot
 * of one that raised NOTIFY_ASYNC is not reported. */
TEST(notify_sources_forget_a_task_that_ended) {
    handle_t notify = handle_dup(self_handle(), RIGHT_NOTIFY | RIGHT_GRANT, 0);
    handle_t a = spawn_peer(CHILD_NOTIFY_BIT, 3, ATTACKER_PRIORITY, 1, &notify);
    task_t a_id = task_id_of(a);
    CHECK_EQ(exit_code_of(a), OK); /* notified us, ended; its slot is free */
    handle_t b = spawn_child(CHILD_BLOCK, ATTACKER_PRIORITY);
    task_t b_id = task_id_of(b);
    CHECK(b_id != a_id);
    struct notify_source src[TASK_MAX];
    int n = notify_sources(src, TASK_MAX);
    CHECK(n >= 0);
    for (int i = 0; i < n; i++) {
        CHECK(src[i].task_id != b_id);
        CHECK(src[i].task_id != a_id);
    }
    task_kill(b);
    struct task_status st;
    wait_dead(b, &st);
    handle_close(b);
    handle_close(notify);
    drain_ms(1);
}

/* Who runs, who waits on whom, and the memory figures are for holders of
 * a spawn handle; the time is for everyone. */
TEST(attack_read_the_system_without_a_spawn_handle) {
    static struct task_status all[4];
    struct sysinfo si;
    handle_t not_spawn = self_handle();
    CHECK_ERR(task_list(not_spawn, all, 4), ERR_BAD_HANDLE);
    CHECK_ERR(task_list(0, all, 4), ERR_BAD_HANDLE);
    CHECK_ERR(sys_sysinfo(not_spawn, &si), ERR_BAD_HANDLE);
    CHECK_ERR(sys_kdebug(not_spawn, "ps"), ERR_BAD_HANDLE);
    CHECK(task_list(H_SPAWN, all, 4) > 0);
    CHECK(uptime_ms() > 0);
}

/* A name shows in the log as "[name]": no brackets, spaces or control
 * characters in it, or a name could end a line and start a fake one. */
TEST(attack_task_names_that_forge_log_lines) {
    uint64_t size;
    struct task_spec spec = {.image = self_image(&size),
                             .arg = CHILD_EXIT_0,
                             .priority = ATTACKER_PRIORITY};
    spec.image_size = size;
    static const char *const bad[] = {"init] [kernel", "a b", "x\n[kernel]",
                                      "esc\x1b[2K", "tab\t"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        spec.name = bad[i];
        CHECK_ERR(task_create(H_SPAWN, &spec), ERR_INVALID_ARG);
    }
    spec.name = "kernel"; /* whose lines the log shows as the kernel's */
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_NOT_PERMITTED);
    spec.name = "init";
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_NOT_PERMITTED);
    spec.name = "plain-name.2";
    handle_t h = task_create(H_SPAWN, &spec);
    CHECK(h > 0);
    CHECK_EQ(exit_code_of(h), 0);
}
