/*
 * Replies that fail. One that fails because of the caller (no room for
 * the handle or the out-of-line data) can never arrive: it ends the call
 * with that error. One that fails because of the replier's own message
 * leaves the caller waiting for a corrected reply.
 */
#include "test.h"

#define KERNEL_PTR 0xffffffff80100000ull

TEST(ipc_reply_into_a_full_handle_table_ends_the_call) {
    /* The replier stays 50 ms after its reply: a call still waiting by
     * then would end with ERR_ABORTED instead. */
    handle_t r =
        spawn_peer(CHILD_HANDLE_REPLIER, 50, TEST_PRIORITY + 1, 0, NULL);
    CHECK(r > 0);
    handle_t fill[HANDLE_MAX];
    int n = 0;
    while ((fill[n] = handle_dup(self_handle(), RIGHT_SEND, 0)) > 0)
        n++;
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 41;
    error_t err = ipc_call_handle(r, &m);
    int left = free_slots();
    for (int i = 0; i < n; i++)
        handle_close(fill[i]);
    CHECK_ERR(err, ERR_FULL);
    CHECK_EQ(left, 0);
    CHECK_EQ(m.type, ECHO_ADD); /* nothing of the reply */
    CHECK_EQ(m.words[0], 41);
    CHECK_ERR(exit_code_of(r), ERR_FULL); /* the replier heard the same */
}

TEST(ipc_reply_with_a_handle_to_a_call_that_takes_none_ends_the_call) {
    handle_t r =
        spawn_peer(CHILD_HANDLE_REPLIER, 50, TEST_PRIORITY + 1, 0, NULL);
    CHECK(r > 0);
    int before = free_slots();
    struct message m = {.type = ECHO_ADD};
    m.words[0] = 41;
    CHECK_ERR(ipc_call(r, &m), ERR_HANDLE_REFUSED);
    CHECK_EQ(free_slots(), before); /* nothing arrived */
    CHECK_EQ(m.type, ECHO_ADD);
    CHECK_EQ(m.words[0], 41);
    CHECK_ERR(exit_code_of(r), ERR_HANDLE_REFUSED); /* it heard the same */
}

/* Wait for a call from a child; its id. */
static task_t take_call(void) {
    struct message m;
    while (ipc_recv(IPC_ANY, &m) == OK) {
        if (m.type != MSG_NOTIFICATIONS)
            return m.src;
    }
    return 0;
}

TEST(ipc_reply_with_a_bad_message_leaves_the_caller_waiting) {
    handle_t self = self_handle();
    handle_t c = spawn_peer(CHILD_CALLER, 1, TEST_PRIORITY + 1, 1, &self);
    task_t caller = take_call();
    CHECK(caller);
    handle_t no_grant = handle_dup(self, RIGHT_SEND, 0);
    static const struct message bad[] = {
        {.type = 1 << 30},
        {.type = MSG_HANDLE_COPY, .handle = HANDLE_MAX + 1},
        {.type = MSG_HANDLE_COPY, .handle = -1}, /* no_grant, below */
        {.type = MSG_OOL, .ool_ptr = KERNEL_PTR, .ool_len = 1},
        {.type = MSG_OOL, .ool_len = IPC_OOL_MAX + 1},
    };
    static const error_t want[] = {ERR_INVALID_ARG, ERR_BAD_HANDLE,
                                   ERR_NOT_PERMITTED, ERR_BAD_POINTER,
                                   ERR_TOO_LARGE};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct message r = bad[i];
        if (r.handle < 0)
            r.handle = no_grant;
        CHECK_ERR(ipc_reply(caller, &r), want[i]);
        struct task_status st;
        CHECK_ERR(task_status(c, &st), OK);
        CHECK_EQ(st.wait, WAIT_REPLY); /* it still waits for us */
    }
    handle_close(no_grant);
    struct message r = {.type = ECHO_ADD};
    r.words[0] = 7;
    CHECK_ERR(ipc_reply(caller, &r), OK);
    CHECK_EQ(exit_code_of(c), 7);
}
