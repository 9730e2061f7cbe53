/* async_send to a client by task id (notify_client), and async_is_empty. */
#include "test.h"
#include <resea/async.h>
#include <string.h>

/* A copy of us in `mode` holding one handle to us with `rights` (and
 * RIGHT_GRANT, which passing it at creation needs, and which is no right
 * to talk to us). */
static handle_t client_with(int mode, uint64_t param, uint32_t rights) {
    handle_t h = handle_dup(self_handle(), rights | RIGHT_GRANT, 0);
    handle_t c = spawn_peer(mode, param, TEST_PRIORITY + 1, 1, &h);
    handle_close(h);
    return c;
}

static error_t put_seq(task_t dst, uint32_t seq, error_t *status) {
    struct async_item item = {1, seq};
    *status = ASYNC_PENDING;
    return async_put_task(dst, MSG_USER, &item, sizeof(item), async_set_status,
                          status);
}

/* Resea's pattern: reply to a call, later async_send(m.src, &m). */
TEST(async_send_to_a_caller_by_task_id) {
    handle_t c = client_with(CHILD_ASYNC_CLIENT, 2, RIGHT_CALL);
    CHECK(c > 0);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(task_id_of(c), &m, 2000), OK);
    task_t client = m.src;
    struct message r = {.type = MSG_USER};
    CHECK_ERR(ipc_reply(client, &r), OK);
    CHECK(async_is_empty(client));
    for (uint32_t i = 0; i < 2; i++) {
        struct message a = {.type = MSG_USER};
        struct async_item item = {1, i};
        memcpy(a.data, &item, sizeof(item));
        CHECK_ERR(async_send(client, &a), OK); /* by task id, no handle */
    }
    CHECK(!async_is_empty(client));
    CHECK(!async_is_empty(c)); /* through a handle to the same task */
    while (ipc_recv_timeout(client, &m, 2000) == OK)
        async_handle_request(&m); /* its pulls, until it has ended */
    CHECK(async_is_empty(client));
    CHECK_EQ(exit_code_of(c), 2);
}

TEST(notify_client_needs_a_handle_to_us) {
    handle_t stranger = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t notifier = client_with(CHILD_BLOCK, 0, RIGHT_NOTIFY);
    task_t ids[] = {task_id_of(stranger), task_id_of(notifier)};
    for (int i = 0; i < 2; i++) {
        CHECK_ERR(notify_client(ids[i], NOTIFY_ASYNC), ERR_NOT_PERMITTED);
        CHECK_ERR(notify_client(ids[i], 0), ERR_NOT_PERMITTED);
        struct message m = {.type = MSG_USER};
        CHECK_ERR(async_send(ids[i], &m), ERR_NOT_PERMITTED);
        CHECK(async_is_empty(ids[i])); /* no connection was left */
    }
    task_kill(stranger);
    task_kill(notifier);
    handle_close(stranger);
    handle_close(notifier);
}

TEST(notify_client_raises_only_notify_async) {
    /* A client that can only send to us still chose to talk to us. */
    handle_t c = client_with(CHILD_EXIT_BITS, 0, RIGHT_SEND);
    task_t id = task_id_of(c);
    static const uint64_t refused[] = {
        NOTIFY_TIMER, NOTIFY_IRQ, NOTIFY_DEATH,
        1ull << 16,   1ull << 63, NOTIFY_ASYNC | NOTIFY_TIMER};
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CHECK_ERR(notify_client(id, refused[i]), ERR_NOT_PERMITTED);
    CHECK_ERR(notify_client(id, 0), OK); /* the check alone: no wake-up */
    CHECK_ERR(notify_client(id, NOTIFY_ASYNC), OK);
    CHECK_EQ(exit_code_of(c), NOTIFY_ASYNC); /* and nothing refused came */
}

TEST(notify_client_to_a_task_that_is_gone) {
    handle_t c = client_with(CHILD_BLOCK, 0, RIGHT_CALL);
    task_t id = task_id_of(c);
    CHECK_ERR(notify_client(id + (1 << 8), NOTIFY_ASYNC), ERR_ABORTED);
    CHECK_ERR(notify_client(0, NOTIFY_ASYNC), ERR_ABORTED);
    CHECK_ERR(task_kill(c), OK);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    CHECK_ERR(notify_client(id, NOTIFY_ASYNC), ERR_ABORTED);
    handle_close(c);
}

TEST(async_send_by_id_drops_a_client_that_died) {
    handle_t c = client_with(CHILD_BLOCK, 0, RIGHT_CALL); /* never pulls */
    task_t id = task_id_of(c);
    error_t first, second;
    CHECK_ERR(put_seq(id, 0, &first), OK);
    CHECK(!async_is_empty(id));
    CHECK_ERR(task_kill(c), OK);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    CHECK_ERR(put_seq(id, 1, &second), ERR_ABORTED);
    CHECK_ERR(first, ERR_ABORTED);
    CHECK_EQ(second, ASYNC_PENDING); /* refused: no completion */
    CHECK(async_is_empty(id));
    handle_close(c);
}

TEST(async_connections_by_id_are_bounded) {
    handle_t c[ASYNC_CONN_MAX + 1];
    error_t status[ASYNC_CONN_MAX + 1];
    for (int i = 0; i <= ASYNC_CONN_MAX; i++)
        c[i] = client_with(CHILD_BLOCK, 0, RIGHT_CALL);
    for (int i = 0; i < ASYNC_CONN_MAX; i++)
        CHECK_ERR(put_seq(task_id_of(c[i]), 0, &status[i]), OK);
    task_t last = task_id_of(c[ASYNC_CONN_MAX]);
    CHECK_ERR(put_seq(last, 0, &status[ASYNC_CONN_MAX]), ERR_FULL);
    /* A client that has gone gives its slot up. */
    struct task_status st;
    CHECK_ERR(task_kill(c[0]), OK);
    CHECK_ERR(wait_dead(c[0], &st), OK);
    CHECK_ERR(put_seq(last, 0, &status[ASYNC_CONN_MAX]), OK);
    CHECK_ERR(status[0], ERR_ABORTED);
    for (int i = 0; i <= ASYNC_CONN_MAX; i++) {
        task_kill(c[i]);
        handle_close(c[i]);
    }
}
