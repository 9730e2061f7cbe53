/* A faulting task is killed with the right reason; the kernel carries on. */
#include "test.h"
#include <layout.h>

/* Run a child in `mode` and check how it ended. */
static void expect_end(int mode, uint32_t reason, struct task_status *st) {
    handle_t h = spawn_child(mode, TEST_PRIORITY - 1);
    CHECK(h > 0);
    CHECK_ERR(wait_dead(h, st), OK);
    CHECK_ERR(handle_close(h), OK);
    CHECK_EQ(st->state, TASK_DEAD);
    CHECK_EQ(st->exit_reason, reason);
}

TEST(fault_read_kernel_memory) {
    struct task_status st;
    expect_end(CHILD_READ_KERNEL, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK_EQ(st.fault_addr, 0xffffffff80100000ull);
    CHECK(st.fault_rip >= USER_IMAGE_BASE && st.fault_rip < USER_IMAGE_END);
}

TEST(fault_invalid_opcode) {
    struct task_status st;
    expect_end(CHILD_UD2, EXIT_INVALID_OPCODE, &st);
    CHECK(!test_failed());
    CHECK_EQ(st.exit_code, 6); /* the vector */
    CHECK(st.fault_rip >= USER_IMAGE_BASE && st.fault_rip < USER_IMAGE_END);
}

TEST(fault_divide_by_zero) {
    struct task_status st;
    expect_end(CHILD_DIV_ZERO, EXIT_DIVIDE_ERROR, &st);
    CHECK(!test_failed());
    CHECK_EQ(st.exit_code, 0);
}

TEST(fault_jump_noncanonical) {
    struct task_status st;
    expect_end(CHILD_JUMP_NONCANONICAL, EXIT_GP_FAULT, &st);
}

TEST(fault_null_dereference) {
    struct task_status st;
    expect_end(CHILD_NULL_DEREF, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK_EQ(st.fault_addr, 0);
}

TEST(fault_write_to_code) {
    struct task_status st;
    expect_end(CHILD_WRITE_TEXT, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK(st.fault_addr >= USER_IMAGE_BASE && st.fault_addr < USER_IMAGE_END);
}

TEST(fault_execute_stack_is_nx) {
    struct task_status st;
    expect_end(CHILD_EXEC_STACK, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK(st.fault_addr < USER_STACK_TOP &&
          st.fault_addr >= USER_STACK_TOP - USER_STACK_SIZE);
    CHECK_EQ(st.fault_rip, st.fault_addr);
}

TEST(fault_stack_overflow) {
    struct task_status st;
    expect_end(CHILD_STACK_OVERFLOW, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK(st.fault_addr < USER_STACK_TOP - USER_STACK_SIZE);
}

TEST(fault_breakpoint) {
    struct task_status st;
    expect_end(CHILD_INT3, EXIT_BREAKPOINT, &st);
}

TEST(fault_privileged_instruction) {
    struct task_status st;
    expect_end(CHILD_CLI, EXIT_GP_FAULT, &st);
}

TEST(fault_port_io_without_handle) {
    struct task_status st;
    expect_end(CHILD_OUTB, EXIT_GP_FAULT, &st);
}

TEST(fault_jump_to_kernel_code) {
    struct task_status st;
    expect_end(CHILD_JUMP_KERNEL, EXIT_PAGE_FAULT, &st);
    CHECK(!test_failed());
    CHECK_EQ(st.fault_addr, 0xffffffff80100000ull);
}

/* Tasks have x87, MMX and SSE state of their own (test_fpu.c), but no
 * AVX state: an AVX instruction must kill. */
#define VEC_UD 6 /* invalid opcode: AVX with CR4.OSXSAVE clear */
TEST(fault_avx_instruction) {
    struct task_status st;
    expect_end(CHILD_AVX, EXIT_FPU, &st);
    if (test_failed())
        return;
    CHECK_EQ(st.exit_code, VEC_UD);
}

TEST(fault_many_children_leak_nothing) {
    uint64_t before = free_pages();
    static const int modes[] = {CHILD_READ_KERNEL, CHILD_UD2, CHILD_DIV_ZERO,
                                CHILD_JUMP_NONCANONICAL, CHILD_STACK_OVERFLOW};
    for (int i = 0; i < 50; i++) {
        struct task_status st;
        handle_t h = spawn_child(modes[i % 5], TEST_PRIORITY + 1);
        CHECK(h > 0);
        CHECK_ERR(wait_dead(h, &st), OK);
        CHECK(st.exit_reason != EXIT_NORMAL);
        CHECK_ERR(handle_close(h), OK);
    }
    CHECK_EQ(free_pages(), before);
}
