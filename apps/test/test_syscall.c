/* Bad system call numbers and arguments get error codes, never a panic. */
#include "test.h"
#include <layout.h>

#define KERNEL_PTR ((void *) 0xffffffff80100000ull)
#define UNMAPPED_PTR ((void *) 0x500000ull)
#define NONCANONICAL_PTR ((void *) 0x0000800000000000ull)

static const char rodata_buf[sizeof(struct task_status)] = "read-only";

TEST(syscall_unknown_numbers) {
    CHECK_ERR(syscall5(SYS_COUNT, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    CHECK_ERR(syscall5(9999, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    CHECK_ERR(syscall5(1ull << 63, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    CHECK_ERR(syscall5(-1ull, 0, 0, 0, 0, 0), ERR_BAD_SYSCALL);
    CHECK_ERR(sys_nop(), OK);
}

TEST(syscall_flood_of_bad_numbers_in_child) {
    handle_t h = spawn_child(CHILD_BAD_SYSCALL_LOOP, TEST_PRIORITY + 1);
    CHECK(h > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_NORMAL);
    CHECK_EQ(st.exit_code, 7);
    CHECK_ERR(handle_close(h), OK);
}

TEST(console_write_bad_pointers) {
    CHECK_ERR(sys_console_write(KERNEL_PTR, 16), ERR_BAD_POINTER);
    CHECK_ERR(sys_console_write(UNMAPPED_PTR, 16), ERR_BAD_POINTER);
    CHECK_ERR(sys_console_write(NONCANONICAL_PTR, 16), ERR_BAD_POINTER);
    /* A range that starts mapped and runs off the end of the stack. */
    CHECK_ERR(sys_console_write((char *) USER_STACK_TOP - 8, 16),
              ERR_BAD_POINTER);
    /* A length that wraps the address space. */
    CHECK_ERR(
        syscall5(SYS_console_write, (uint64_t) rodata_buf, -1ull, 0, 0, 0),
        ERR_TOO_LARGE);
    CHECK_ERR(sys_console_write(rodata_buf, 0), OK);
}

TEST(console_write_huge_length) {
    CHECK_ERR(sys_console_write(rodata_buf, 1ull << 40), ERR_TOO_LARGE);
    CHECK_ERR(sys_console_write(rodata_buf, 4097), ERR_TOO_LARGE);
}

TEST(status_into_bad_buffers) {
    handle_t h = spawn_child(CHILD_EXIT_0, TEST_PRIORITY + 1);
    CHECK(h > 0);
    CHECK_ERR(task_status(h, KERNEL_PTR), ERR_BAD_POINTER);
    CHECK_ERR(task_status(h, UNMAPPED_PTR), ERR_BAD_POINTER);
    /* Read-only memory cannot receive a result. */
    CHECK_ERR(task_status(h, (void *) rodata_buf), ERR_BAD_POINTER);
    CHECK_ERR(sys_sysinfo(H_SPAWN, (void *) rodata_buf), ERR_BAD_POINTER);
    CHECK_EQ(rodata_buf[0], 'r');
    CHECK_ERR(handle_close(h), OK);
}

static struct task_spec valid_spec(void) {
    uint64_t size;
    const void *image = self_image(&size);
    struct task_spec spec = {.name = "test-child",
                             .image = image,
                             .image_size = size,
                             .arg = CHILD_EXIT_0,
                             .priority = TEST_PRIORITY + 1};
    return spec;
}

TEST(task_create_bad_pointers) {
    struct task_spec spec = valid_spec();
    CHECK_ERR(task_create(H_SPAWN, KERNEL_PTR), ERR_BAD_POINTER);
    CHECK_ERR(task_create(H_SPAWN, UNMAPPED_PTR), ERR_BAD_POINTER);
    spec.name = KERNEL_PTR;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_POINTER);
    spec = valid_spec();
    spec.image = KERNEL_PTR;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_POINTER);
    spec.image = UNMAPPED_PTR;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_POINTER);
}

TEST(task_create_bad_names) {
    struct task_spec spec = valid_spec();
    spec.name = "";
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_INVALID_ARG);
    spec.name = "a-name-that-is-far-too-long-for-a-task";
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_TOO_LARGE);
}

TEST(task_create_malformed_images) {
    uint64_t before = free_pages();
    struct task_spec spec = valid_spec();
    static const uint64_t garbage[512] = {0xdeadbeef, 1, 2, 3};
    spec.image = garbage;
    spec.image_size = sizeof(garbage);
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_IMAGE);
    spec = valid_spec();
    spec.image_size = 100; /* the ELF header, cut short */
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_IMAGE);
    spec.image_size = 0;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_IMAGE);
    spec = valid_spec();
    spec.image = (const char *) spec.image + 1; /* misaligned */
    spec.image_size -= 1;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_IMAGE);
    spec = valid_spec();
    spec.image_size = 1ull << 40;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_TOO_LARGE);
    CHECK_EQ(free_pages(), before);
}

TEST(task_create_bad_arguments) {
    struct task_spec spec = valid_spec();
    spec.priority = TASK_PRIORITY_MAX + 1;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_INVALID_ARG);
    spec = valid_spec();
    spec.num_handles = TASK_SPEC_HANDLES + 1;
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_INVALID_ARG);
    spec = valid_spec();
    spec.num_handles = 1;
    spec.handles[0] = 50; /* not ours */
    CHECK_ERR(task_create(H_SPAWN, &spec), ERR_BAD_HANDLE);
    spec = valid_spec();
    CHECK_ERR(task_create(0, &spec), ERR_BAD_HANDLE);
    CHECK_ERR(task_create(-5, &spec), ERR_BAD_HANDLE);
    CHECK_ERR(task_create(HANDLE_MAX + 7, &spec), ERR_BAD_HANDLE);
}

TEST(io_port_bad_arguments) {
    CHECK_ERR(io_out(H_IOPORT, 0x80, 3, 0), ERR_INVALID_ARG);
    CHECK_ERR(io_out(H_IOPORT, 0x80, 0, 0), ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_io_out, H_IOPORT, 0x10000, 1, 0, 0),
              ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_io_in, H_IOPORT, 0xffff, 2, 0, 0), ERR_INVALID_ARG);
    /* COM1's scratch register holds what we write. */
    CHECK_ERR(io_out(H_IOPORT, 0x3ff, 1, 0x5a), OK);
    CHECK_EQ(io_in(H_IOPORT, 0x3ff, 1), 0x5a);
}

TEST(ipc_bad_arguments) {
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, KERNEL_PTR, IPC_POLL), ERR_BAD_POINTER);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, (void *) rodata_buf, IPC_POLL),
              ERR_BAD_POINTER);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, -2), ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_ipc, 0, 0, (uint64_t) &m, 0x80, IPC_POLL),
              ERR_INVALID_ARG);
}

TEST(kdebug_commands) {
    CHECK_ERR(sys_kdebug(H_SPAWN, "ps"), OK);
    CHECK_ERR(sys_kdebug(H_SPAWN, "no-such-command"), ERR_INVALID_ARG);
    CHECK_ERR(sys_kdebug(H_SPAWN, KERNEL_PTR), ERR_BAD_POINTER);
    CHECK_ERR(sys_kdebug(H_SPAWN, ""), ERR_INVALID_ARG);
}

TEST(sysinfo_is_sane) {
    struct sysinfo si;
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    CHECK(si.free_pages > 0 && si.free_pages < si.total_pages);
    CHECK(si.num_tasks >= 2); /* init and us */
    CHECK(si.uptime_ms > 0);
}

/* The figures themselves, for tools/boot_tests.py to hold against the
 * RAM it gave QEMU. */
TEST(sysinfo_memory_figures) {
    struct sysinfo si;
    CHECK_ERR(sys_sysinfo(H_SPAWN, &si), OK);
    printf("memory: %lu of %lu pages free\n", si.free_pages, si.total_pages);
}

/* Callee-saved registers survive a system call; scratch ones come back
 * zeroed, so no kernel value leaks to user space. */
TEST(syscall_register_contract) {
    uint64_t saved[6], scratch[6];
    __asm__ volatile(
        "push %%rbp\n"
        "mov $0x1111, %%rbx\n"
        "mov $0x2222, %%rbp\n"
        "mov $0x3333, %%r12\n"
        "mov $0x4444, %%r13\n"
        "mov $0x5555, %%r14\n"
        "mov $0x6666, %%r15\n"
        "mov $0xaaaa, %%rdi\n"
        "mov $0xbbbb, %%rsi\n"
        "mov $0xcccc, %%rdx\n"
        "mov $0xdddd, %%r8\n"
        "mov $0xeeee, %%r9\n"
        "mov $0xffff, %%r10\n"
        "xor %%eax, %%eax\n" /* SYS_nop */
        "syscall\n"
        "mov %%rbp, %%rax\n"
        "pop %%rbp\n"
        "mov %%rbx, %[s0]\n"
        "mov %%rax, %[s1]\n"
        "mov %%r12, %[s2]\n"
        "mov %%r13, %[s3]\n"
        "mov %%r14, %[s4]\n"
        "mov %%r15, %[s5]\n"
        "mov %%rdi, %[x0]\n"
        "mov %%rsi, %[x1]\n"
        "mov %%rdx, %[x2]\n"
        "mov %%r8, %[x3]\n"
        "mov %%r9, %[x4]\n"
        "mov %%r10, %[x5]\n"
        : [s0] "=m"(saved[0]), [s1] "=m"(saved[1]), [s2] "=m"(saved[2]),
          [s3] "=m"(saved[3]), [s4] "=m"(saved[4]), [s5] "=m"(saved[5]),
          [x0] "=m"(scratch[0]), [x1] "=m"(scratch[1]), [x2] "=m"(scratch[2]),
          [x3] "=m"(scratch[3]), [x4] "=m"(scratch[4]), [x5] "=m"(scratch[5])
        :
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
          "r12", "r13", "r14", "r15", "memory");
    CHECK_EQ(saved[0], 0x1111);
    CHECK_EQ(saved[1], 0x2222);
    CHECK_EQ(saved[2], 0x3333);
    CHECK_EQ(saved[3], 0x4444);
    CHECK_EQ(saved[4], 0x5555);
    CHECK_EQ(saved[5], 0x6666);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(scratch[i], 0);
}
