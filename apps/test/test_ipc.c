/* Synchronous IPC: ordering, replies, failures, timeouts, OOL, deadlock. */
#include "test.h"
#include <string.h>

#define KERNEL_PTR 0xffffffff80100000ull

static handle_t echo_server(int priority) {
    return spawn_peer(CHILD_ECHO_SERVER, 0, priority, 0, NULL);
}

static void end(handle_t h) {
    task_kill(h);
    handle_close(h);
}

static void drain(void) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ;
}

/* Start a task that calls or sends to us; it runs (and blocks) at once. */
static handle_t peer_of_us(int mode, uint64_t param, int priority) {
    handle_t self = self_handle();
    return spawn_peer(mode, param, priority, 1, &self);
}

/* The next message, passing over notifications (children dying). */
static error_t recv_message(struct message *m) {
    error_t err;
    while ((err = ipc_recv(IPC_ANY, m)) == OK && m->type == MSG_NOTIFICATIONS)
        ;
    return err;
}

TEST(ipc_call_and_reply) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    CHECK(s > 0);
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 41;
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.type, ECHO_ADD);
    CHECK_EQ(m.words[0], 42);
    CHECK_EQ(m.src, task_id_of(s));
    CHECK_EQ(m.badge, 0);
    CHECK_EQ(m.words[ECHO_COUNT_WORD], 1);
    end(s);
}

TEST(ipc_call_lower_priority_server) {
    /* The server has not run yet: the call queues, then it receives. */
    handle_t s = echo_server(TEST_PRIORITY - 3);
    CHECK(s > 0);
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 1;
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[0], 2);
    end(s);
}

TEST(ipc_many_calls_in_a_row) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    for (uint64_t i = 0; i < 200; i++) {
        struct message m = {.type = ECHO_ADD};
        m.words[0] = i;
        CHECK_ERR(ipc_call(s, &m), OK);
        CHECK_EQ(m.words[0], i + 1);
    }
    end(s);
}

TEST(ipc_unknown_request_gets_an_answer) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    struct message m = {.type = 999};
    /* The error reply is the call's result (ipc_reply_err). */
    CHECK_ERR(ipc_call(s, &m), ERR_UNKNOWN_MESSAGE);
    CHECK_ERR(m.type, ERR_UNKNOWN_MESSAGE);
    end(s);
}

TEST(ipc_fifo_within_a_priority) {
    drain();
    /* Three senders at one priority queue in the order they ran. */
    handle_t a = peer_of_us(CHILD_SENDER, (1 << 8) | 2, TEST_PRIORITY + 2);
    handle_t b = peer_of_us(CHILD_SENDER, (2 << 8) | 2, TEST_PRIORITY + 2);
    handle_t c = peer_of_us(CHILD_SENDER, (3 << 8) | 2, TEST_PRIORITY + 2);
    CHECK(a > 0 && b > 0 && c > 0);
    /* Each one's second message queues behind the others' first. */
    static const uint64_t want[6][2] = {{1, 0}, {2, 0}, {3, 0},
                                        {1, 1}, {2, 1}, {3, 1}};
    for (int i = 0; i < 6; i++) {
        struct message m;
        CHECK_ERR(recv_message(&m), OK);
        CHECK_EQ(m.words[0], want[i][0]);
        CHECK_EQ(m.words[1], want[i][1]);
    }
    CHECK_EQ(exit_code_of(a), 0);
    CHECK_EQ(exit_code_of(b), 0);
    CHECK_EQ(exit_code_of(c), 0);
}

TEST(ipc_priority_order_across_priorities) {
    drain();
    handle_t lo = peer_of_us(CHILD_SENDER, (11 << 8) | 1, TEST_PRIORITY + 1);
    handle_t hi = peer_of_us(CHILD_SENDER, (13 << 8) | 1, TEST_PRIORITY + 3);
    handle_t mid = peer_of_us(CHILD_SENDER, (12 << 8) | 1, TEST_PRIORITY + 2);
    CHECK(lo > 0 && hi > 0 && mid > 0);
    static const uint64_t want[] = {13, 12, 11};
    for (int i = 0; i < 3; i++) {
        struct message m;
        CHECK_ERR(recv_message(&m), OK);
        CHECK_EQ(m.words[0], want[i]);
    }
    exit_code_of(lo), exit_code_of(hi), exit_code_of(mid);
}

TEST(ipc_recv_from_one_sender) {
    drain();
    handle_t a = peer_of_us(CHILD_SENDER, (1 << 8) | 1, TEST_PRIORITY + 1);
    handle_t b = peer_of_us(CHILD_SENDER, (2 << 8) | 1, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(ipc_recv(task_id_of(b), &m), OK); /* b, though a came first */
    CHECK_EQ(m.words[0], 2);
    CHECK_EQ(m.src, task_id_of(b));
    CHECK_ERR(recv_message(&m), OK);
    CHECK_EQ(m.words[0], 1);
    exit_code_of(a), exit_code_of(b);
}

TEST(ipc_replies_in_any_order) {
    drain();
    handle_t a = peer_of_us(CHILD_CALLER, 100, TEST_PRIORITY + 1);
    handle_t b = peer_of_us(CHILD_CALLER, 200, TEST_PRIORITY + 1);
    struct message ma, mb;
    CHECK_ERR(recv_message(&ma), OK);
    CHECK_ERR(recv_message(&mb), OK);
    CHECK_EQ(ma.words[0], 100);
    CHECK_EQ(mb.words[0], 200);
    /* Both wait for us; answer the second first. */
    struct message r = {.type = ECHO_ADD};
    r.words[0] = 2001;
    CHECK_ERR(ipc_reply(mb.src, &r), OK);
    r.words[0] = 1001;
    CHECK_ERR(ipc_reply(ma.src, &r), OK);
    CHECK_EQ(exit_code_of(a), 1001);
    CHECK_EQ(exit_code_of(b), 2001);
}

TEST(ipc_reply_exactly_once) {
    drain();
    handle_t a = peer_of_us(CHILD_CALLER, 5, TEST_PRIORITY - 1);
    struct message m;
    CHECK_ERR(recv_message(&m), OK);
    task_t caller = m.src;
    struct message r = {.type = ECHO_ADD};
    r.words[0] = 6;
    CHECK_ERR(ipc_reply(caller, &r), OK);
    CHECK_ERR(ipc_reply(caller, &r), ERR_BAD_STATE);
    CHECK_EQ(exit_code_of(a), 6);
}

TEST(ipc_reply_to_task_that_did_not_call) {
    handle_t s = echo_server(TEST_PRIORITY + 1); /* blocked receiving */
    struct message r = {.type = ECHO_ADD};
    CHECK_ERR(ipc_reply(task_id_of(s), &r), ERR_BAD_STATE);
    CHECK_ERR(ipc_reply(0x7fff01, &r), ERR_ABORTED); /* no such task */
    end(s);
}

TEST(ipc_reply_to_dead_caller) {
    drain();
    handle_t a = peer_of_us(CHILD_CALLER, 5, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(recv_message(&m), OK);
    CHECK_ERR(task_kill(a), OK);
    struct message r = {.type = ECHO_ADD};
    CHECK_ERR(ipc_reply(m.src, &r), ERR_ABORTED);
    handle_close(a);
}

TEST(ipc_call_to_dead_task) {
    handle_t s = spawn_child(CHILD_EXIT_0, TEST_PRIORITY + 1);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), ERR_ABORTED);
    CHECK_ERR(ipc_send(s, &m), ERR_ABORTED);
    handle_close(s);
}

TEST(ipc_server_dies_before_replying) {
    handle_t s = spawn_child(CHILD_RECV_THEN_EXIT, TEST_PRIORITY + 1);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), ERR_ABORTED);
    handle_close(s);
}

TEST(ipc_queued_sender_aborted_when_receiver_dies) {
    /* The receiver is busy waiting on us, so the sender queues on it. */
    handle_t server = peer_of_us(CHILD_CALLER, 5, TEST_PRIORITY - 2);
    drain_ms(20);
    handle_t snd =
        spawn_peer(CHILD_SENDER, (7 << 8) | 1, TEST_PRIORITY + 1, 1, &server);
    CHECK(snd > 0);
    struct task_status st;
    CHECK_ERR(task_status(snd, &st), OK);
    CHECK_EQ(st.wait, WAIT_SEND);
    CHECK_ERR(task_kill(server), OK);
    CHECK_ERR(exit_code_of(snd), ERR_ABORTED);
    handle_close(server);
    drain();
}

TEST(ipc_send_timeout) {
    handle_t s = spawn_child(CHILD_SPIN, TEST_PRIORITY - 2);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_send_timeout(s, &m, 20), ERR_TIMEOUT);
    CHECK_ERR(ipc_call_timeout(s, &m, 20), ERR_TIMEOUT);
    CHECK_ERR(ipc_send_noblock(s, &m), ERR_WOULD_BLOCK);
    end(s);
}

TEST(ipc_recv_timeout_from_one_sender) {
    handle_t s = spawn_child(CHILD_SPIN, TEST_PRIORITY - 2);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(task_id_of(s), &m, 20), ERR_TIMEOUT);
    CHECK_ERR(ipc_recv_timeout(task_id_of(s), &m, IPC_POLL), ERR_WOULD_BLOCK);
    end(s);
}

TEST(ipc_recv_from_task_that_dies) {
    handle_t s = spawn_peer(CHILD_SLEEP_EXIT, 20, TEST_PRIORITY + 1, 0, NULL);
    task_t id = task_id_of(s);
    struct message m;
    CHECK_ERR(ipc_recv(id, &m), ERR_ABORTED);
    CHECK_ERR(ipc_recv(id, &m), ERR_ABORTED); /* and when already gone */
    handle_close(s);
}

TEST(ipc_notifications_come_before_messages) {
    drain();
    handle_t a = peer_of_us(CHILD_SENDER, (9 << 8) | 1, TEST_PRIORITY + 1);
    CHECK_ERR(ipc_notify(self_handle(), 1ull << 20), OK);
    struct message m;
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);
    CHECK_EQ(m.type, MSG_NOTIFICATIONS);
    CHECK(m.notifications.bits & (1ull << 20));
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);
    CHECK_EQ(m.words[0], 9);
    exit_code_of(a);
}

TEST(ipc_recv_from_one_leaves_notifications_pending) {
    drain();
    handle_t a = peer_of_us(CHILD_SENDER, (4 << 8) | 1, TEST_PRIORITY + 1);
    CHECK_ERR(ipc_notify(self_handle(), 1ull << 21), OK);
    struct message m;
    CHECK_ERR(ipc_recv(task_id_of(a), &m), OK);
    CHECK_EQ(m.words[0], 4);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_POLL), OK);
    CHECK_EQ(m.type, MSG_NOTIFICATIONS);
    CHECK(m.notifications.bits & (1ull << 21));
    exit_code_of(a);
}

static uint8_t ool_out[IPC_OOL_MAX + 4096];
static uint8_t ool_back[IPC_OOL_MAX];

static void fill_pattern(size_t len, uint32_t seed) {
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        ool_out[i] = seed >> 16;
    }
}

/* Send len bytes out of line; the server hashes what arrived. */
static void check_ool_size(size_t len) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    fill_pattern(len, len);
    struct message m = {.type = ECHO_HASH | MSG_OOL,
                        .ool_ptr = (uint64_t) ool_out,
                        .ool_len = len};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[1], len);
    CHECK_EQ(m.words[0], fnv_hash(ool_out, len));
    CHECK_EQ(m.words[2], MSG_OOL);
    end(s);
}

TEST(ipc_ool_0_bytes) { check_ool_size(0); }
TEST(ipc_ool_1_byte) { check_ool_size(1); }
TEST(ipc_ool_4_kib) { check_ool_size(4096); }
TEST(ipc_ool_64_kib) { check_ool_size(IPC_OOL_MAX); }
TEST(ipc_ool_unaligned_17_kib) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    fill_pattern(17 * 1024 + 3, 77);
    struct message m = {.type = ECHO_HASH | MSG_OOL,
                        .ool_ptr = (uint64_t) ool_out + 3,
                        .ool_len = 17 * 1024};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[0], fnv_hash(ool_out + 3, 17 * 1024));
    end(s);
}

TEST(ipc_ool_in_reply) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    CHECK_ERR(ipc_ool_buffer(ool_back, sizeof(ool_back)), OK);
    fill_pattern(10000, 5);
    memset(ool_back, 0, sizeof(ool_back));
    struct message m = {.type = ECHO_OOL_BACK | MSG_OOL,
                        .ool_ptr = (uint64_t) ool_out,
                        .ool_len = 10000};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.type & MSG_ATTRS, MSG_OOL);
    CHECK_EQ(m.ool_ptr, (uint64_t) ool_back);
    CHECK_EQ(m.ool_len, 10000);
    CHECK(!memcmp(ool_back, ool_out, 10000));
    CHECK_ERR(ipc_ool_buffer(NULL, 0), OK);
    end(s);
}

TEST(ipc_ool_reply_too_large_for_caller) {
    /* The reply does not fit our buffer: it can never arrive, so our call
     * ends with the server's ERR_TOO_LARGE (which then makes our echo
     * server exit), and nothing is written. */
    handle_t s = echo_server(TEST_PRIORITY + 1);
    CHECK_ERR(ipc_ool_buffer(ool_back, 100), OK);
    memset(ool_back, 0, sizeof(ool_back));
    fill_pattern(101, 3);
    struct message m = {.type = ECHO_OOL_BACK | MSG_OOL,
                        .ool_ptr = (uint64_t) ool_out,
                        .ool_len = 101};
    CHECK_ERR(ipc_call(s, &m), ERR_TOO_LARGE);
    CHECK_ERR(ipc_ool_buffer(NULL, 0), OK);
    CHECK_EQ(ool_back[0], 0);
    CHECK_EQ(m.type, ECHO_OOL_BACK | MSG_OOL); /* our request, untouched */
    CHECK_ERR(exit_code_of(s), ERR_TOO_LARGE);
}

/* A message buffer that lies inside our out-of-line buffer. */
static struct message box __attribute__((aligned(128)));

/* The kernel's fields (src, badge) and the sender's type and flags win
 * over out-of-line bytes that land on them. */
static void check_box(task_t src, uint64_t badge) {
    CHECK_EQ(box.src, src);
    CHECK_EQ(box.badge, badge);
    CHECK_EQ(MSG_ID(box.type), ECHO_ADD);
    CHECK_EQ(box.type & MSG_ATTRS, MSG_OOL);
    CHECK_EQ(box.ool_ptr, (uint64_t) &box);
    CHECK_EQ(box.ool_len, sizeof(box));
}

TEST(ipc_ool_over_the_message_cannot_forge_the_sender) {
    handle_t badged =
        handle_dup(self_handle(), RIGHT_SEND | RIGHT_GRANT, 0xb0b);
    handle_t f = spawn_peer(CHILD_FORGER, 0, TEST_PRIORITY + 1, 1, &badged);
    handle_close(badged);
    CHECK_ERR(ipc_ool_buffer(&box, sizeof(box)), OK);
    error_t err = ipc_recv(task_id_of(f), &box);
    CHECK_ERR(ipc_ool_buffer(NULL, 0), OK);
    CHECK_ERR(err, OK);
    check_box(task_id_of(f), 0xb0b);
    if (test_failed())
        return; /* keep check_box's reason */
    CHECK_ERR(exit_code_of(f), OK);
}

TEST(ipc_reply_ool_over_the_message_cannot_forge_the_replier) {
    handle_t f = spawn_peer(CHILD_FORGER, 1, TEST_PRIORITY + 1, 0, NULL);
    box = (struct message){
        .type = ECHO_ADD, .ool_ptr = (uint64_t) &box, .ool_len = sizeof(box)};
    CHECK_ERR(ipc_call_into(f, &box), OK);
    check_box(task_id_of(f), 0);
    if (test_failed())
        return; /* keep check_box's reason */
    CHECK_ERR(exit_code_of(f), OK);
}

TEST(ipc_ool_bad_pointers_deliver_nothing) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    struct message m = {
        .type = ECHO_HASH | MSG_OOL, .ool_ptr = KERNEL_PTR, .ool_len = 16};
    CHECK_ERR(ipc_call(s, &m), ERR_BAD_POINTER);
    m = (struct message){
        .type = ECHO_HASH | MSG_OOL, .ool_ptr = 0x500000, .ool_len = 16};
    CHECK_ERR(ipc_call(s, &m), ERR_BAD_POINTER);
    m = (struct message){.type = ECHO_HASH | MSG_OOL,
                         .ool_ptr = (uint64_t) ool_out,
                         .ool_len = IPC_OOL_MAX + 1};
    CHECK_ERR(ipc_call(s, &m), ERR_TOO_LARGE);
    /* The server saw none of them. */
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[ECHO_COUNT_WORD], 1);
    end(s);
}

/* A call carrying len pattern bytes (seed) to the OOL owner. */
static error_t owner_call(handle_t r, size_t len, uint32_t seed,
                          struct message *m) {
    fill_pattern(len, seed);
    *m = (struct message){.type = ECHO_HASH | MSG_OOL,
                          .ool_ptr = (uint64_t) ool_out,
                          .ool_len = len};
    return ipc_call(r, m);
}

TEST(ipc_ool_lands_in_buffers_the_receiver_owns) {
    /* A task that registered no buffer gets the library's: each message's
     * data stays the receiver's, in a buffer of its own, until it frees
     * it, as in Resea. */
    enum { LEN = 3000 };
    handle_t r = spawn_child(CHILD_OOL_OWNER, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(owner_call(r, LEN, 1, &m), OK);
    uint64_t first = fnv_hash(ool_out, LEN);
    CHECK_EQ(m.words[0], first);
    CHECK_ERR(owner_call(r, LEN, 2, &m), OK);
    CHECK_EQ(m.words[0], first); /* the second did not land on the first */
    CHECK_EQ(m.words[1], fnv_hash(ool_out, LEN));
    m = (struct message){.type = ECHO_ADD}; /* it frees both */
    CHECK_ERR(ipc_call(r, &m), OK);
    for (uint32_t i = 0; i < 8; i++) { /* freed, so memory is reused */
        CHECK_ERR(owner_call(r, LEN, 3 + i, &m), OK);
        CHECK_EQ(m.words[0], fnv_hash(ool_out, LEN));
        m = (struct message){.type = ECHO_ADD};
        CHECK_ERR(ipc_call(r, &m), OK);
    }
    end(r);
}

TEST(ipc_ool_receiver_without_buffer) {
    /* This receiver registered no OOL buffer: OOL data is refused and the
     * receiver keeps waiting for a message it can take. */
    handle_t r = spawn_child(CHILD_RECV_NO_OOL, TEST_PRIORITY + 1);
    fill_pattern(64, 1);
    struct message m = {.type = ECHO_HASH | MSG_OOL,
                        .ool_ptr = (uint64_t) ool_out,
                        .ool_len = 64};
    CHECK_ERR(ipc_call(r, &m), ERR_TOO_LARGE);
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(r, &m), ERR_ABORTED); /* taken; it exits unanswered */
    CHECK_EQ(exit_code_of(r), 0);
}

TEST(ipc_bad_flags_and_buffers) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc(s, IPC_ANY, &m, 0, IPC_FOREVER), ERR_INVALID_ARG);
    CHECK_ERR(ipc(s, IPC_ANY, &m, IPC_SEND | IPC_REPLY, IPC_FOREVER),
              ERR_INVALID_ARG);
    CHECK_ERR(ipc(s, IPC_ANY, &m, 1u << 7, IPC_FOREVER), ERR_INVALID_ARG);
    /* Modifiers of a receive part, and of a call only. */
    CHECK_ERR(ipc(s, IPC_ANY, &m, IPC_SEND | IPC_ACCEPT_HANDLE, IPC_FOREVER),
              ERR_INVALID_ARG);
    CHECK_ERR(ipc(s, IPC_ANY, &m, IPC_REPLY | IPC_ACCEPT_HANDLE, IPC_POLL),
              ERR_INVALID_ARG);
    CHECK_ERR(ipc(s, IPC_ANY, &m, IPC_SEND | IPC_BOUNDED, 10), ERR_INVALID_ARG);
    CHECK_ERR(ipc(0, IPC_ANY, &m, IPC_RECV | IPC_BOUNDED, 10), ERR_INVALID_ARG);
    CHECK_ERR(ipc(s, IPC_ANY, &m, IPC_REPLY | IPC_RECV | IPC_BOUNDED, 10),
              ERR_INVALID_ARG);
    CHECK_ERR(ipc_call(s, (void *) KERNEL_PTR), ERR_BAD_POINTER);
    /* Types the kernel cannot act on. */
    static const int32_t bad_types[] = {
        ECHO_ADD | (1 << 30),                     /* a reserved bit */
        ECHO_ADD | (8 << MSG_LEN_SHIFT),          /* a length, not MSG_SIZED */
        MSG_TYPE(ECHO_ADD, MSG_DATA_SIZE + 1, 0), /* more than the data */
        MSG_TYPE(ECHO_ADD, 0, MSG_OOL_STR),       /* a string not out of line */
        MSG_TYPE(ECHO_ADD, 0, MSG_HANDLE_MOVE | MSG_HANDLE_COPY),
    };
    for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        m = (struct message){.type = bad_types[i], .handle = H_SPAWN};
        CHECK_ERR(ipc_call(s, &m), ERR_INVALID_ARG);
    }
    m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[ECHO_COUNT_WORD], 1); /* nothing bad arrived */
    end(s);
}

TEST(ipc_bounded_call_answered_in_time) {
    handle_t s = echo_server(TEST_PRIORITY - 1); /* queued, then taken */
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 6;
    CHECK_ERR(ipc_call_bounded(s, &m, 1000), OK);
    CHECK_EQ(m.words[0], 7);
    end(s);
}

TEST(ipc_bounded_call_ends_when_the_server_never_receives) {
    handle_t s = spawn_peer(CHILD_SLEEP_EXIT, 500, TEST_PRIORITY + 1, 0, NULL);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call_bounded(s, &m, 20), ERR_TIMEOUT);
    end(s);
}

TEST(ipc_ool_buffer_registration_errors) {
    CHECK_ERR(ipc_ool_buffer(ool_back, IPC_OOL_MAX + 1), ERR_TOO_LARGE);
    CHECK_ERR(ipc_ool_buffer((void *) KERNEL_PTR, 16), ERR_BAD_POINTER);
    CHECK_ERR(ipc_ool_buffer((void *) fill_pattern, 16), ERR_BAD_POINTER);
}

TEST(deadlock_send_to_self) {
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_send(self_handle(), &m), ERR_DEADLOCK);
    CHECK_ERR(ipc_call(self_handle(), &m), ERR_DEADLOCK);
}

TEST(deadlock_cycle_of_two) {
    drain();
    /* b sends to us and waits; our send to b would close the cycle. */
    handle_t b = peer_of_us(CHILD_SENDER, (1 << 8) | 1, TEST_PRIORITY + 1);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_send(b, &m), ERR_DEADLOCK);
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);
    CHECK_EQ(exit_code_of(b), 0);
}

TEST(deadlock_cycle_of_three) {
    drain();
    handle_t self = self_handle();
    handle_t c = spawn_peer(CHILD_SENDER, (3 << 8) | 1, TEST_PRIORITY + 1, 1,
                            &self); /* c -> us */
    /* c's queued send lends us its priority: b must be above it to run. */
    handle_t b = spawn_peer(CHILD_SENDER, (2 << 8) | 1, TEST_PRIORITY + 2, 1,
                            &c); /* b -> c */
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_send(b, &m), ERR_DEADLOCK); /* us -> b -> c -> us */
    CHECK_ERR(ipc_recv(IPC_ANY, &m), OK);     /* free c, then b */
    CHECK_EQ(m.words[0], 3);
    CHECK_EQ(exit_code_of(c), 0);
    CHECK_EQ(exit_code_of(b), ERR_ABORTED); /* c ended before taking it */
}

TEST(deadlock_calling_our_own_caller) {
    drain();
    handle_t a = peer_of_us(CHILD_CALLER, 8, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(recv_message(&m), OK); /* a now waits for our reply */
    struct message q = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(a, &q), ERR_DEADLOCK);
    struct message r = {.type = ECHO_ADD};
    r.words[0] = 9;
    CHECK_ERR(ipc_reply(m.src, &r), OK);
    CHECK_EQ(exit_code_of(a), 9);
}

TEST(ipc_client_driven_priority) {
    handle_t s = echo_server(TEST_PRIORITY - 7);
    CHECK(s > 0);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK); /* let it reach its receive */
    /* Give the server a control handle to itself: it reports the priority
     * it runs at while serving us. */
    m = (struct message){.type = ECHO_HANDLE | MSG_HANDLE_COPY, .handle = s};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK(m.words[0] > 0);
    CHECK_EQ(m.words[1], TEST_PRIORITY);
    struct task_status st;
    CHECK_ERR(task_status(s, &st), OK);
    CHECK_EQ(st.priority, TEST_PRIORITY - 7); /* back after the reply */
    end(s);
}

TEST(timer_periodic_fires_repeatedly) {
    drain();
    CHECK_ERR(timer_set(5, 5), OK);
    int fired = 0;
    for (int i = 0; i < 5; i++) {
        struct message m;
        CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 1000), OK);
        CHECK_EQ(m.type, MSG_NOTIFICATIONS);
        fired += (m.notifications.bits & NOTIFY_TIMER) != 0;
    }
    CHECK_ERR(timer_set(0, 0), OK);
    CHECK_EQ(fired, 5);
    drain();
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 30), ERR_TIMEOUT);
}

TEST(timer_one_shot) {
    drain();
    CHECK_ERR(timer_set(10, 0), OK);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 1000), OK);
    CHECK(m.notifications.bits & NOTIFY_TIMER);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 40), ERR_TIMEOUT);
    CHECK_ERR(timer_set(1ull << 60, 0), ERR_INVALID_ARG);
}

TEST(deadlock_receiving_from_our_own_caller) {
    drain();
    handle_t a = peer_of_us(CHILD_CALLER, 8, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(recv_message(&m), OK); /* a waits for our reply */
    struct message q;
    CHECK_ERR(ipc_recv(m.src, &q), ERR_DEADLOCK); /* it can never send */
    CHECK_ERR(ipc_recv(task_id_of(self_handle()), &q), ERR_DEADLOCK);
    struct message r = {.type = ECHO_ADD};
    r.words[0] = 1;
    CHECK_ERR(ipc_reply(m.src, &r), OK);
    CHECK_EQ(exit_code_of(a), 1);
}

TEST(ipc_timeout_limits) {
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, IPC_TIMEOUT_MAX + 1),
              ERR_INVALID_ARG);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, INT64_MAX), ERR_INVALID_ARG);
    CHECK_ERR(timer_set(IPC_TIMEOUT_MAX + 1, 0), ERR_INVALID_ARG);
}

TEST(notify_with_no_bits_wakes_nobody) {
    handle_t s = echo_server(TEST_PRIORITY + 1);
    CHECK_ERR(ipc_notify(s, 0), OK);
    struct task_status st;
    CHECK_ERR(task_status(s, &st), OK);
    CHECK_EQ(st.state, TASK_BLOCKED);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK);
    CHECK_EQ(m.words[ECHO_COUNT_WORD], 1);
    end(s);
}

TEST(ipc_queued_urgent_sender_raises_server_priority) {
    /* A low-priority server, itself waiting (on us); an urgent client
     * queues on it: the server now runs at the client's priority. */
    handle_t server = peer_of_us(CHILD_CALLER, 5, 2);
    drain_ms(20); /* it runs, calls us, and waits for our reply */
    handle_t snd =
        spawn_peer(CHILD_SENDER, (1 << 8) | 1, TEST_PRIORITY + 3, 1, &server);
    struct task_status st;
    CHECK_ERR(task_status(server, &st), OK);
    CHECK_EQ(st.wait, WAIT_REPLY);
    CHECK_EQ(st.priority, TEST_PRIORITY + 3);
    CHECK_EQ(st.base_priority, 2);
    CHECK_ERR(task_kill(snd), OK); /* it leaves the queue: back to 2 */
    CHECK_ERR(task_status(server, &st), OK);
    CHECK_EQ(st.priority, 2);
    handle_close(snd);
    end(server);
    drain();
}
