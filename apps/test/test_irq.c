/* Interrupt lines and port ranges, with COM2 (QEMU: -serial null) as the
 * device: the test task acts as a small user-space UART driver. */
#include "test.h"

#define COM2 0x2f8
#define COM2_IRQ 3
#define UART_DATA 0
#define UART_IER 1
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define IER_RX_READY 0x01
#define MCR_OUT2 0x08 /* gates the UART's interrupt to the PIC */
#define MCR_LOOPBACK 0x10
#define LSR_DATA_READY 0x01

/* Wait (at most a second) for NOTIFY_IRQ, passing over other notifications. */
static bool wait_irq(void) {
    for (int i = 0; i < 100; i++) {
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, 10) == OK &&
            (m.notifications.bits & NOTIFY_IRQ))
            return true;
    }
    return false;
}

TEST(irq_uart_loopback_driver) {
    handle_t ports = handle_narrow(H_IOPORT, COM2, 8);
    CHECK(ports > 0);
    CHECK_ERR(irq_listen(H_IRQ, COM2_IRQ), OK);
    io_out(ports, COM2 + UART_LCR, 1, 0x03); /* 8N1 */
    io_out(ports, COM2 + UART_MCR, 1, MCR_LOOPBACK | MCR_OUT2);
    io_out(ports, COM2 + UART_IER, 1, IER_RX_READY);
    /* In loopback the byte we send is the byte we receive. */
    io_out(ports, COM2 + UART_DATA, 1, 'Z');
    bool got_irq = wait_irq();
    int64_t lsr = io_in(ports, COM2 + UART_LSR, 1);
    int64_t byte = io_in(ports, COM2 + UART_DATA, 1);
    io_out(ports, COM2 + UART_IER, 1, 0);
    CHECK_ERR(irq_unlisten(H_IRQ, COM2_IRQ), OK);
    handle_close(ports);
    CHECK(got_irq);
    CHECK(lsr & LSR_DATA_READY);
    CHECK_EQ(byte, 'Z');
}

TEST(irq_lines_the_kernel_keeps) {
    struct handle_info info;
    CHECK_ERR(handle_info(H_IRQ, &info), OK);
    CHECK_EQ(info.base, 0);
    CHECK_EQ(info.count, 16); /* the PC's two 8259 PICs */
    CHECK_ERR(irq_listen(H_IRQ, 0), ERR_NOT_PERMITTED); /* timer */
    CHECK_ERR(irq_listen(H_IRQ, 2), ERR_NOT_PERMITTED); /* cascade */
    CHECK_ERR(irq_listen(H_IRQ, info.count), ERR_INVALID_ARG);
    CHECK_ERR(irq_unlisten(H_IRQ, 5), ERR_NOT_FOUND); /* not ours */
    CHECK_ERR(irq_listen(H_SPAWN, 5), ERR_BAD_HANDLE);
}

TEST(irq_one_owner_per_line) {
    CHECK_ERR(irq_listen(H_IRQ, 5), OK);
    CHECK_ERR(irq_listen(H_IRQ, 5), OK); /* again: still ours */
    /* A child holding the IRQ handle cannot take the line from us. */
    handle_t irqs = H_IRQ;
    handle_t c = spawn_peer(CHILD_TRY_IRQ, 5, TEST_PRIORITY + 1, 1, &irqs);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    handle_close(c);
    CHECK_ERR(st.exit_code, ERR_ALREADY_EXISTS);
    CHECK_ERR(irq_unlisten(H_IRQ, 5), OK);
}

TEST(irq_line_freed_when_owner_dies) {
    handle_t irqs = H_IRQ;
    handle_t c = spawn_peer(CHILD_TRY_IRQ, 6, TEST_PRIORITY + 1, 1, &irqs);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    handle_close(c);
    CHECK_ERR(st.exit_code, OK); /* it owned line 6, then ended */
    CHECK_ERR(irq_listen(H_IRQ, 6), OK);
    CHECK_ERR(irq_unlisten(H_IRQ, 6), OK);
}

TEST(narrowed_handles_stay_narrow) {
    handle_t ports = handle_narrow(H_IOPORT, COM2, 8);
    CHECK(ports > 0);
    CHECK_ERR(io_out(ports, 0x3f8 + 7, 1, 0), ERR_INVALID_ARG); /* COM1 */
    CHECK_ERR(io_out(ports, COM2 + 7, 1, 0x42), OK);
    CHECK_EQ(io_in(ports, COM2 + 7, 1), 0x42); /* scratch register */
    CHECK_ERR(io_in(ports, COM2 + 6, 4), ERR_INVALID_ARG); /* runs past */
    CHECK_ERR(handle_narrow(ports, COM2 - 1, 2), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(ports, COM2, 9), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(ports, COM2, 0), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(self_handle(), 0, 1), ERR_BAD_HANDLE);
    handle_t line = handle_narrow(H_IRQ, 4, 1);
    CHECK(line > 0);
    CHECK_ERR(irq_listen(line, 3), ERR_INVALID_ARG);
    handle_close(line);
    handle_close(ports);
}

TEST(task_watch_tells_of_death) {
    /* w watches v, which w did not create, through a send-only handle. */
    handle_t v = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t send_only = handle_dup(v, RIGHT_SEND | RIGHT_GRANT, 0);
    handle_t w = spawn_peer(CHILD_WATCH, 0, TEST_PRIORITY + 1, 1, &send_only);
    struct task_status st;
    CHECK_ERR(task_status(w, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED); /* watching, waiting */
    CHECK_ERR(task_kill(v), OK);
    CHECK_ERR(wait_dead(w, &st), OK);
    CHECK_EQ(st.exit_code, 42);
    CHECK_ERR(task_watch(send_only), ERR_ABORTED); /* v is gone */
    CHECK_ERR(task_watch(H_SPAWN), ERR_BAD_HANDLE);
    handle_close(send_only);
    handle_close(v);
    handle_close(w);
}

/* Watches are charged to the watcher: any number of tasks may watch one
 * (apps watching a server leave room for the name server and init). */
TEST(many_tasks_watch_one) {
    enum { WATCHERS = 24 }; /* more than a fixed table on the target had */
    handle_t v = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t send_only = handle_dup(v, RIGHT_SEND | RIGHT_GRANT, 0);
    handle_t w[WATCHERS];
    for (int i = 0; i < WATCHERS; i++) {
        w[i] = spawn_peer(CHILD_WATCH, 0, TEST_PRIORITY + 1, 1, &send_only);
        CHECK(w[i] > 0);
    }
    /* A watcher that ends first leaves the others' watches intact. */
    struct task_status st;
    CHECK_ERR(task_kill(w[0]), OK);
    CHECK_ERR(wait_dead(w[0], &st), OK);
    handle_close(w[0]);
    CHECK_ERR(task_kill(v), OK);
    for (int i = 1; i < WATCHERS; i++)
        CHECK_EQ(exit_code_of(w[i]), 42);
    handle_close(send_only);
    handle_close(v);
}

/* A child that only waits, with no more budget than it needs: a case
 * starts TASK_WATCHES_MAX + 1 of them. */
static handle_t spawn_idle_child(void) {
    return spawn_peer_with(CHILD_BLOCK, 0, TEST_PRIORITY + 1, 0, NULL,
                           peer_copy_cost() + 64 * 1024);
}

/* More than our handle table holds: each target is watched, then known
 * by id only (we may end it as its creator). */
TEST(a_watcher_watches_at_most_its_share) {
    task_t t[TASK_WATCHES_MAX];
    for (int i = 0; i < TASK_WATCHES_MAX; i++) {
        handle_t h = spawn_idle_child();
        CHECK(h > 0);
        CHECK_ERR(task_watch(h), OK);
        CHECK_ERR(task_watch(h), OK); /* again: no second watch */
        t[i] = task_id_of(h);
        handle_close(h);
    }
    handle_t last = spawn_idle_child();
    CHECK_ERR(task_watch(last), ERR_FULL);
    /* An ended target frees the watch it took. */
    CHECK_ERR(task_kill_id(H_SPAWN, t[0]), OK);
    CHECK_ERR(task_watch(last), OK);
    for (int i = 1; i < TASK_WATCHES_MAX; i++)
        CHECK_ERR(task_kill_id(H_SPAWN, t[i]), OK);
    task_kill(last);
    handle_close(last);
}
