/*
 * Resea's well-known servers and messages, as a program written from
 * Resea's documentation uses them (docs/porting-from-resea.md): INIT_TASK
 * and VM_TASK are start-up handles, the benchmark protocol's generated
 * fields, out-of-line data in buffers the library allocates for us.
 */
#include "test.h"
#include <resea/malloc.h>
#include <resea/supervisor.h>
#include <string.h>
#include <types.h>

TEST(resea_vm_task_answers_benchmark_nop) {
    CHECK(VM_TASK > 0);
    for (int i = 0; i < 10; i++) {
        struct message m;
        m.type = BENCHMARK_NOP_MSG; /* nothing else set: the type says all */
        m.benchmark_nop.value = i;
        CHECK_ERR(ipc_call(VM_TASK, &m), OK);
        CHECK_EQ(m.type, BENCHMARK_NOP_REPLY_MSG);
        CHECK_EQ(m.benchmark_nop_reply.value, i * 7);
    }
}

TEST(resea_out_of_line_fields_both_ways) {
    static char page[PAGE_SIZE * 2] = {'a', 'b', 'c'};
    const struct {
        void *data;
        uint32_t len;
    } sends[] = {{"hi!", 3}, {page, sizeof(page)}, {NULL, 0}};
    for (size_t i = 0; i < sizeof(sends) / sizeof(sends[0]); i++) {
        struct message m;
        m.type = BENCHMARK_NOP_WITH_OOL_MSG;
        m.benchmark_nop_with_ool.data = sends[i].data;
        m.benchmark_nop_with_ool.data_len = sends[i].len;
        CHECK_ERR(ipc_call(VM_TASK, &m), OK);
        CHECK_EQ(m.type, BENCHMARK_NOP_WITH_OOL_REPLY_MSG);
        CHECK_EQ(m.benchmark_nop_with_ool_reply.data_len, 7);
        CHECK(!memcmp(m.benchmark_nop_with_ool_reply.data, "reply!\0", 7));
        free(m.benchmark_nop_with_ool_reply.data); /* ours, as in Resea */
    }
}

TEST(resea_init_task_is_init) {
    struct handle_info info;
    CHECK_ERR(handle_info(INIT_TASK, &info), OK);
    CHECK(info.task_alive);
    CHECK_EQ(info.kind, KOBJ_TASK);
    CHECK_EQ(info.tag, TAG_SUPERVISOR);
    CHECK_EQ(VM_TASK, INIT_TASK);
}

/* The right to end the machine is the boot entry's (caps := exit), not
 * the handle's: a case, a child holding the test task's handle to init,
 * is refused. (The runner itself ends every run through it.) */
TEST(resea_machine_exit_needs_the_entry_right) {
    CHECK_ERR(machine_exit(0), ERR_NOT_PERMITTED);
}

/* A number where a handle goes does not compile (<resea/ipc.h>;
 * tools/tests/test_typed_handles.py checks the refusal); what does is a
 * handle_t, here from the start-up table. */
TEST(resea_handles_are_not_numbers) {
    handle_t init = INIT_TASK;
    struct message m = {.type = BENCHMARK_NOP_MSG};
    m.benchmark_nop.value = 6;
    CHECK_ERR(ipc_call(init, &m), OK);
    CHECK_EQ(m.benchmark_nop_reply.value, 42);
}

/* msg_init: a message fully defined by its type, nothing left over from
 * what the buffer held (a received handle or out-of-line data). */
TEST(resea_msg_init_leaves_nothing_behind) {
    struct message m;
    memset(&m, 0xa5, sizeof(m));
    msg_init(&m, BENCHMARK_NOP_MSG);
    CHECK_EQ(m.type, BENCHMARK_NOP_MSG);
    CHECK_EQ(m.handle, 0);
    CHECK_EQ(m.ool_ptr, 0);
    for (int i = 0; i < MSG_DATA_SIZE / 8; i++)
        CHECK_EQ(m.words[i], 0);
    m.benchmark_nop.value = 1;
    CHECK_ERR(ipc_call(VM_TASK, &m), OK);
    CHECK_EQ(m.benchmark_nop_reply.value, 7);
}
