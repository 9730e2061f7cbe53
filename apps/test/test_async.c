/* The async library: queues, batches, triggers, completions, deaths. */
#include "test.h"
#include <resea/async.h>
#include <resea/event_loop.h>
#include <string.h>

static void drain(void) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ;
}

static handle_t producer(uint32_t count, uint32_t tag, uint32_t trigger,
                         int priority) {
    handle_t self = self_handle();
    return spawn_peer(CHILD_ASYNC_PRODUCER, PRODUCER_PARAM(count, tag, trigger),
                      priority, 1, &self);
}

/* Take n items from src, waiting for NOTIFY_ASYNC when it has none. The
 * items must be tag's, numbered from 0. Returns how many came in order. */
static int take_items(handle_t src, int n, uint32_t tag) {
    int got = 0;
    for (int spins = 0; got < n && spins < 500; spins++) {
        struct message m;
        error_t err = async_recv(src, &m);
        if (err == ERR_EMPTY) {
            ipc_recv_timeout(IPC_ANY, &m, 10);
            continue;
        }
        if (err)
            return got;
        struct async_item item;
        memcpy(&item, m.data, sizeof(item));
        if (MSG_ID(m.type) != MSG_USER || item.tag != tag ||
            item.seq != (uint32_t) got)
            return got;
        got++;
    }
    return got;
}

TEST(async_fifo_from_one_sender) {
    drain();
    handle_t p = producer(100, 7, 1, TEST_PRIORITY + 1);
    CHECK(p > 0);
    CHECK_EQ(take_items(p, 100, 7), 100);
    CHECK_EQ(exit_code_of(p), 100); /* every completion said delivered */
}

TEST(async_two_senders_interleaved) {
    drain();
    handle_t a = producer(50, 1, 1, TEST_PRIORITY + 1);
    handle_t b = producer(50, 2, 1, TEST_PRIORITY + 1);
    int got_a = 0, got_b = 0;
    for (int round = 0; round < 200 && (got_a < 50 || got_b < 50); round++) {
        struct message m;
        while (async_recv(a, &m) == OK) {
            struct async_item item;
            memcpy(&item, m.data, sizeof(item));
            CHECK_EQ(item.tag, 1);
            CHECK_EQ(item.seq, got_a++);
        }
        while (async_recv(b, &m) == OK) {
            struct async_item item;
            memcpy(&item, m.data, sizeof(item));
            CHECK_EQ(item.tag, 2);
            CHECK_EQ(item.seq, got_b++);
        }
        ipc_recv_timeout(IPC_ANY, &m, 10);
    }
    CHECK_EQ(got_a, 50);
    CHECK_EQ(got_b, 50);
    CHECK_EQ(exit_code_of(a), 50);
    CHECK_EQ(exit_code_of(b), 50);
}

TEST(async_who_has_mail) {
    drain();
    struct notify_source old[8];
    while (async_senders(old, 8) > 0)
        ; /* forget old news */
    handle_t p[3];
    for (int i = 0; i < 3; i++)
        p[i] = producer(1, 10 + i, 1, TEST_PRIORITY + 1);
    struct notify_source srcs[8];
    int n = async_senders(srcs, 8);
    CHECK_EQ(n, 3);
    for (int i = 0; i < 3; i++) {
        bool found = false;
        for (int j = 0; j < n; j++)
            found |=
                srcs[j].task_id == task_id_of(p[i]) && srcs[j].handle == p[i];
        CHECK(found);
    }
    CHECK_EQ(async_senders(srcs, 8), 0); /* told once */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(take_items(p[i], 1, 10 + i), 1);
        CHECK_EQ(exit_code_of(p[i]), 1);
    }
}

TEST(async_batch_pulls_of_1_8_64) {
    drain();
    /* 73 items released together (trigger 73). */
    handle_t p = producer(73, 3, 73, TEST_PRIORITY + 1);
    struct async_msg msgs[ASYNC_BATCH_MAX];
    static const int sizes[] = {1, 8, 64};
    uint32_t seq = 0;
    for (int i = 0; i < 3; i++) {
        int n = async_recv_batch(p, msgs, sizes[i]);
        CHECK_EQ(n, sizes[i]);
        for (int j = 0; j < n; j++) {
            const struct async_item *item = msgs[j].data;
            CHECK_EQ(item->seq, seq++);
            CHECK_EQ(msgs[j].src, task_id_of(p));
        }
    }
    CHECK_EQ(exit_code_of(p), 73); /* all delivered, in those 3 pulls */
}

/* A child that exits with the bits of the first notification it gets. */
static handle_t bits_child(void) {
    return spawn_child(CHILD_EXIT_BITS, TEST_PRIORITY + 1);
}

static bool still_waiting(handle_t h) {
    struct task_status st;
    return task_status(h, &st) == OK && st.state == TASK_BLOCKED;
}

TEST(async_count_trigger) {
    handle_t c = bits_child();
    struct async_attr attr = {.trigger_count = 5};
    CHECK_ERR(async_open(c, &attr), OK);
    for (int i = 0; i < 4; i++)
        CHECK_ERR(async_put(c, MSG_USER, &i, sizeof(i), NULL, NULL), OK);
    CHECK(still_waiting(c)); /* four queued: not told yet */
    int i = 4;
    CHECK_ERR(async_put(c, MSG_USER, &i, sizeof(i), NULL, NULL), OK);
    CHECK_EQ(exit_code_of(c), NOTIFY_ASYNC);
    async_handle_death();
}

TEST(async_time_trigger) {
    drain();
    handle_t c = bits_child();
    struct async_attr attr = {.trigger_count = 100, .trigger_ms = 20};
    CHECK_ERR(async_open(c, &attr), OK);
    int v = 1;
    CHECK_ERR(async_put(c, MSG_USER, &v, sizeof(v), NULL, NULL), OK);
    CHECK(still_waiting(c));
    /* Our timer fires; the library then releases the message. */
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 1000), OK);
    CHECK(m.notifications.bits & NOTIFY_TIMER);
    async_handle_timer();
    CHECK_EQ(exit_code_of(c), NOTIFY_ASYNC);
    async_handle_death();
}

TEST(async_flush) {
    handle_t c = bits_child();
    struct async_attr attr = {.trigger_count = 100};
    CHECK_ERR(async_open(c, &attr), OK);
    int v = 1;
    CHECK_ERR(async_put(c, MSG_USER, &v, sizeof(v), NULL, NULL), OK);
    CHECK(still_waiting(c));
    CHECK_ERR(async_flush(c), OK);
    CHECK_EQ(exit_code_of(c), NOTIFY_ASYNC);
    async_handle_death();
}

TEST(async_full_queue_keeps_what_it_has) {
    handle_t c = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1); /* never pulls */
    struct async_attr attr = {.max_msgs = 8};
    CHECK_ERR(async_open(c, &attr), OK);
    error_t status[9];
    for (int i = 0; i < 8; i++) {
        status[i] = ASYNC_PENDING;
        CHECK_ERR(
            async_put(c, MSG_USER, &i, sizeof(i), async_set_status, &status[i]),
            OK);
    }
    status[8] = ASYNC_PENDING;
    CHECK_ERR(async_put(c, MSG_USER, &status, 4, async_set_status, &status[8]),
              ERR_FULL);
    CHECK_EQ(status[8], ASYNC_PENDING); /* refused: no completion either */
    CHECK_ERR(async_disconnect(c), OK);
    for (int i = 0; i < 8; i++)
        CHECK_ERR(status[i], ERR_ABORTED);
    task_kill(c);
    handle_close(c);
}

TEST(async_full_queue_blocks_until_pulled) {
    handle_t self = self_handle();
    handle_t c =
        spawn_peer(CHILD_ASYNC_CONSUMER, 40, TEST_PRIORITY - 1, 1, &self);
    struct async_attr attr = {.max_msgs = 4, .block_when_full = true};
    CHECK_ERR(async_open(c, &attr), OK);
    for (uint32_t i = 0; i < 40; i++) {
        struct async_item item = {5, i};
        CHECK_ERR(async_put(c, MSG_USER, &item, sizeof(item), NULL, NULL), OK);
    }
    /* The last few are still queued: answer pulls until it has all. */
    struct message m;
    while (ipc_recv_timeout(task_id_of(c), &m, 2000) == OK)
        async_handle_request(&m);
    CHECK_EQ(exit_code_of(c), 40);
    async_handle_death();
}

TEST(async_completions_on_delivery) {
    handle_t self = self_handle();
    handle_t c =
        spawn_peer(CHILD_ASYNC_CONSUMER, 3, TEST_PRIORITY - 1, 1, &self);
    error_t status[3];
    for (uint32_t i = 0; i < 3; i++) {
        struct async_item item = {6, i};
        status[i] = ASYNC_PENDING;
        CHECK_ERR(async_put(c, MSG_USER, &item, sizeof(item), async_set_status,
                            &status[i]),
                  OK);
    }
    CHECK_EQ(status[0], ASYNC_PENDING);
    struct message m;
    while (ipc_recv_timeout(task_id_of(c), &m, 2000) == OK)
        async_handle_request(&m); /* until it has ended */
    for (int i = 0; i < 3; i++)
        CHECK_ERR(status[i], OK);
    CHECK_EQ(exit_code_of(c), 3);
    async_handle_death();
}

TEST(async_receiver_dies_with_messages_pending) {
    handle_t c = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    error_t status[3];
    for (int i = 0; i < 3; i++) {
        status[i] = ASYNC_PENDING;
        CHECK_ERR(
            async_put(c, MSG_USER, &i, sizeof(i), async_set_status, &status[i]),
            OK);
    }
    CHECK_ERR(task_kill(c), OK);
    async_handle_death(); /* what the event loop does on NOTIFY_DEATH */
    for (int i = 0; i < 3; i++)
        CHECK_ERR(status[i], ERR_ABORTED);
    CHECK_ERR(async_flush(c), ERR_NOT_FOUND); /* the connection is gone */
    handle_close(c);
}

TEST(async_sender_dies_with_messages_queued) {
    drain();
    /* Trigger 100: its 5 messages stay queued, unreleased, until it dies. */
    handle_t p = producer(5, 4, 100, TEST_PRIORITY + 1);
    struct message m;
    CHECK_ERR(async_recv(p, &m), ERR_EMPTY); /* nothing released yet */
    CHECK_ERR(task_kill(p), OK);
    CHECK_ERR(async_recv(p, &m), ERR_ABORTED);
    handle_close(p);
}

TEST(async_gather_send) {
    /* One message from three pieces; the receiver hashes what arrives. */
    handle_t self = self_handle();
    handle_t c = spawn_peer(CHILD_ASYNC_HASH, 0, TEST_PRIORITY - 1, 1, &self);
    const char *parts[] = {"gathered ", "from ", "three pieces"};
    struct async_iov iov[3];
    for (int i = 0; i < 3; i++)
        iov[i] = (struct async_iov){parts[i], strlen(parts[i])};
    struct async_iov too_big[2] = {{parts[0], ASYNC_MSG_MAX}, {parts[1], 1}};
    CHECK_ERR(async_putv(c, MSG_USER, too_big, 2, NULL, NULL), ERR_TOO_LARGE);
    CHECK_ERR(async_putv(c, MSG_USER, iov, 3, NULL, NULL), OK);
    struct message m;
    while (ipc_recv_timeout(task_id_of(c), &m, 2000) == OK)
        async_handle_request(&m);
    const char *whole = "gathered from three pieces";
    CHECK_EQ(exit_code_of(c), fnv_hash(whole, strlen(whole)) & 0x7fffffff);
    async_handle_death();
}

TEST(async_event_loop_rejects_by_default) {
    drain();
    handle_t self = self_handle();
    handle_t c =
        spawn_peer(CHILD_ASYNC_CONNECT, 0, TEST_PRIORITY + 1, 1, &self);
    /* No on_connect: the loop takes no handle, so the kernel refuses the
     * one the connect carries. */
    struct event_loop loop = {0};
    CHECK_ERR(event_loop_dispatch(&loop, 1000), OK);
    CHECK_ERR(exit_code_of(c), ERR_HANDLE_REFUSED);
}

static bool accept_all(struct event_loop *loop, task_t src) {
    (void) loop;
    (void) src;
    return true;
}

TEST(async_event_loop_accepts_and_sees_close) {
    drain();
    handle_t self = self_handle();
    handle_t c =
        spawn_peer(CHILD_ASYNC_CONNECT, 0, TEST_PRIORITY + 1, 1, &self);
    struct event_loop loop = {.on_connect = accept_all};
    CHECK_ERR(event_loop_dispatch(&loop, 1000), OK);
    CHECK(loop.peers[0].handle > 0); /* the handle it gave us to pull with */
    CHECK_EQ(loop.peers[0].id, task_id_of(c));
    CHECK_ERR(exit_code_of(c), OK);
    /* It has ended: the loop hears NOTIFY_DEATH and forgets it. */
    CHECK_ERR(event_loop_dispatch(&loop, 1000), OK);
    CHECK_EQ(loop.peers[0].handle, 0);
}

TEST(async_10000_messages_then_receiver_dies_no_leak) {
    uint64_t before = free_pages();
    handle_t self = self_handle();
    handle_t c =
        spawn_peer(CHILD_ASYNC_CONSUMER, 10000, TEST_PRIORITY - 1, 1, &self);
    struct async_attr attr = {
        .max_msgs = 64, .trigger_count = 32, .block_when_full = true};
    CHECK_ERR(async_open(c, &attr), OK);
    for (uint32_t i = 0; i < 10000; i++) {
        struct async_item item = {8, i};
        CHECK_ERR(async_put(c, MSG_USER, &item, sizeof(item), NULL, NULL), OK);
    }
    async_flush(c);
    struct message m;
    while (ipc_recv_timeout(task_id_of(c), &m, 2000) == OK)
        async_handle_request(&m);
    CHECK_EQ(exit_code_of(c), 10000);
    async_handle_death();
    CHECK_EQ(free_pages(), before);
}

TEST(async_open_errors_change_nothing) {
    handle_t c = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t no_notify = handle_dup(c, RIGHT_SEND, 0);
    handle_t other = handle_dup(c, RIGHTS_ALL, 0);
    CHECK_ERR(async_open(0, NULL), ERR_BAD_HANDLE);
    CHECK_ERR(async_open(H_SPAWN, NULL), ERR_BAD_HANDLE); /* not a task */
    CHECK_ERR(async_open(no_notify, NULL), ERR_NOT_PERMITTED);
    struct async_attr too_many = {.max_msgs = ASYNC_LIMIT_MAX + 1};
    CHECK_ERR(async_open(c, &too_many), ERR_INVALID_ARG);
    CHECK_ERR(async_flush(c), ERR_NOT_FOUND); /* none of these opened one */
    CHECK_ERR(async_open(c, NULL), OK);
    CHECK_ERR(async_open(c, NULL), ERR_ALREADY_EXISTS);
    /* One connection per receiver: pulls are matched by task id. */
    CHECK_ERR(async_open(other, NULL), ERR_ALREADY_EXISTS);
    int v = 1;
    CHECK_ERR(async_put(other, MSG_USER, &v, sizeof(v), NULL, NULL),
              ERR_ALREADY_EXISTS);
    static uint8_t big[ASYNC_MSG_MAX + 1];
    handle_t fresh = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    CHECK_ERR(async_put(fresh, MSG_USER, big, sizeof(big), NULL, NULL),
              ERR_TOO_LARGE);
    CHECK_ERR(async_flush(fresh), ERR_NOT_FOUND); /* the bad put left none */
    CHECK_ERR(async_disconnect(c), OK);
    handle_close(no_notify);
    handle_close(other);
    task_kill(c);
    task_kill(fresh);
    handle_close(c);
    handle_close(fresh);
}
