/* The kernel trace (CONFIG_TRACE, docs/trace.md): what sys_trace refuses
 * in every kernel, and, in a kernel built with it, what the ring
 * records, how it reports a loss and who may switch it off. */
#include "test.h"
#include <config.h>
#include <resea/startup.h>
#include <string.h>
#include <trace.h>

static handle_t trace_handle(void) { return startup_handle(TAG_TRACE); }

TEST(trace_refuses_other_handles_and_unknown_ops) {
    struct trace_status st;
    CHECK_ERR(trace_op(0, TRACE_OP_STATUS, &st, 0), ERR_BAD_HANDLE);
    CHECK_ERR(trace_op(self_handle(), TRACE_OP_STATUS, &st, 0), ERR_BAD_HANDLE);
    CHECK_ERR(trace_op(H_SPAWN, TRACE_OP_STATUS, &st, 0), ERR_BAD_HANDLE);
    handle_t t = trace_handle();
    CHECK(t > 0);
#ifdef CONFIG_TRACE
    CHECK_ERR(trace_op(t, 99, &st, 0), ERR_INVALID_ARG);
    CHECK_ERR(trace_op(t, TRACE_OP_ENABLE, NULL, 2), ERR_INVALID_ARG);
#else
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &st, 0), ERR_UNSUPPORTED);
    CHECK_ERR(trace_op(t, TRACE_OP_READ, &st, 1), ERR_UNSUPPORTED);
#endif
}

#ifdef CONFIG_TRACE
#define EVENTS_MAX 4096
static struct trace_event events[EVENTS_MAX];

/* Read what is unread now (at most EVENTS_MAX); returns how many. */
static int read_ring(void) {
    int n = 0;
    int64_t got;
    while (n < EVENTS_MAX && (got = trace_op(trace_handle(), TRACE_OP_READ,
                                             events + n, EVENTS_MAX - n)) > 0)
        n += (int) got;
    return n;
}

/* Forget what is in the ring: the case looks only at what follows. */
static void skip_ring(void) {
    while (read_ring() == EVENTS_MAX)
        ;
}

static const struct trace_event *find(int n, int from, uint16_t kind,
                                      uint32_t task, uint32_t peer) {
    for (int i = from; i < n; i++) {
        const struct trace_event *e = &events[i];
        if (e->kind == kind && e->task == task && (!peer || e->peer == peer))
            return e;
    }
    return NULL;
}

static int index_of(const struct trace_event *e) { return (int) (e - events); }

TEST(trace_records_a_call_its_reply_and_the_waits) {
    handle_t s = spawn_peer(CHILD_ECHO_SERVER, 0, TEST_PRIORITY + 1, 0, NULL);
    CHECK(s > 0);
    task_t me = task_id_of(self_handle()), server = task_id_of(s);
    struct message m = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(s, &m), OK); /* the server is in its loop */
    skip_ring();
    m = (struct message){.type = ECHO_ADD};
    m.words[0] = 1;
    CHECK_ERR(ipc_call(s, &m), OK);
    int n = read_ring();
    const struct trace_event *call = find(n, 0, TRACE_CALL, me, server);
    CHECK(call);
    CHECK_EQ(call->a, ECHO_ADD);
    CHECK_EQ(call->b, 0);
    const struct trace_event *block = find(n, 0, TRACE_BLOCK, me, server);
    CHECK(block);
    CHECK_EQ(block->a, WAIT_REPLY);
    const struct trace_event *reply =
        find(n, index_of(call), TRACE_REPLY, server, me);
    CHECK(reply);
    const struct trace_event *ret =
        find(n, index_of(reply), TRACE_IPC_RETURN, me, server);
    CHECK(ret);
    CHECK_EQ((int32_t) ret->a, OK);
    CHECK_EQ(ret->b, IPC_CALL);
    CHECK(find(n, index_of(call), TRACE_SWITCH, me, server));
    CHECK(find(n, index_of(call), TRACE_WAKE, me, 0));
    for (int i = 1; i < n; i++)
        CHECK(events[i].tsc >= events[i - 1].tsc);
    task_kill(s);
    handle_close(s);
}

TEST(trace_records_a_fault_and_the_end) {
    skip_ring();
    handle_t c = spawn_child(CHILD_NULL_DEREF, TEST_PRIORITY + 1);
    CHECK(c > 0);
    task_t id = task_id_of(c);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    int n = read_ring();
    const struct trace_event *created =
        find(n, 0, TRACE_TASK_CREATE, task_id_of(self_handle()), id);
    CHECK(created);
    CHECK_EQ(created->a, TEST_PRIORITY + 1);
    const struct trace_event *name = find(n, 0, TRACE_NAME, id, 0);
    CHECK(name && name->aux == 0);
    CHECK(!memcmp(&name->peer, "test-child", 10));
    const struct trace_event *fault = find(n, 0, TRACE_TASK_FAULT, id, 0);
    CHECK(fault);
    CHECK_EQ(fault->a, EXIT_PAGE_FAULT);
    CHECK_EQ(fault->b | (uint64_t) fault->c << 32, st.fault_addr);
    const struct trace_event *end =
        find(n, index_of(fault), TRACE_TASK_EXIT, id, 0);
    CHECK(end);
    CHECK_EQ(end->a, EXIT_PAGE_FAULT);
    handle_close(c);
}

TEST(trace_snapshot_names_every_task_and_marks_the_clock) {
    skip_ring();
    CHECK_ERR(trace_op(trace_handle(), TRACE_OP_SNAPSHOT, NULL, 0), OK);
    int n = read_ring();
    const struct trace_event *clock = find(n, 0, TRACE_CLOCK, 0, 0);
    CHECK(clock);
    uint64_t ms = clock->a | (uint64_t) clock->b << 32;
    CHECK(ms > 0 && ms <= uptime_ms());
    CHECK_EQ(clock->c, 1000);
    const struct trace_event *mine =
        find(n, 0, TRACE_NAME, task_id_of(self_handle()), 0);
    CHECK(mine);
    CHECK(!memcmp(&mine->peer, "test", 5)); /* the runner's name for a case */
}

/* More events than the ring holds, unread: the reader is told how many
 * it lost, in their place, and then gets the newest. */
TEST(trace_overflow_is_counted_and_reported) {
    handle_t t = trace_handle();
    struct trace_status before, after;
    skip_ring();
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &before, 0), OK);
    CHECK_EQ(before.capacity, CONFIG_TRACE_EVENTS);
    handle_t self = self_handle();
    for (uint32_t i = 0; i < before.capacity + 100; i++)
        ipc_notify(self, 1ull << 20); /* one event each */
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &after, 0), OK);
    CHECK(after.lost >= before.lost + 100);
    CHECK_EQ(after.unread, after.capacity);
    CHECK(trace_op(t, TRACE_OP_READ, events, 2) == 2);
    CHECK_EQ(events[0].kind, TRACE_OVERFLOW);
    CHECK(events[0].a >= 100);
    CHECK_EQ(events[1].kind, TRACE_NOTIFY);
    struct trace_status later;
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &later, 0), OK);
    CHECK_EQ(later.lost, after.lost); /* counted once */
    CHECK_EQ(later.unread, after.capacity - 1);
}

TEST(trace_read_into_a_bad_buffer_takes_nothing) {
    handle_t t = trace_handle();
    struct trace_status before, after;
    ipc_notify(self_handle(), 1ull << 20);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &before, 0), OK);
    CHECK(before.unread > 0);
    CHECK_ERR(trace_op(t, TRACE_OP_READ, (void *) 0xffff800000000000ull, 4),
              ERR_BAD_POINTER);
    CHECK_ERR(trace_op(t, TRACE_OP_READ, NULL, 4), ERR_BAD_POINTER);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, NULL, 0), ERR_BAD_POINTER);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &after, 0), OK);
    CHECK_EQ(after.unread, before.unread);
    CHECK_EQ(after.lost, before.lost);
}

TEST(trace_only_control_switches_recording) {
    handle_t t = trace_handle();
    handle_t reader = handle_dup(t, RIGHT_GRANT, 0);
    CHECK(reader > 0);
    CHECK_ERR(trace_op(reader, TRACE_OP_ENABLE, NULL, 0), ERR_NOT_PERMITTED);
    struct trace_status st;
    CHECK_ERR(trace_op(reader, TRACE_OP_STATUS, &st, 0), OK);
    CHECK_EQ(st.enabled, 1);
    CHECK_ERR(trace_op(t, TRACE_OP_ENABLE, NULL, 0), OK);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &st, 0), OK);
    uint64_t recorded = st.recorded;
    ipc_notify(self_handle(), 1ull << 20);
    struct message m;
    ipc_recv_timeout(IPC_ANY, &m, 5);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &st, 0), OK);
    CHECK_EQ(st.enabled, 0);
    CHECK_EQ(st.recorded, recorded);
    CHECK_ERR(trace_op(t, TRACE_OP_ENABLE, NULL, 1), OK);
    ipc_notify(self_handle(), 1ull << 20);
    CHECK_ERR(trace_op(t, TRACE_OP_STATUS, &st, 0), OK);
    CHECK(st.recorded > recorded);
    handle_close(reader);
}
#endif
