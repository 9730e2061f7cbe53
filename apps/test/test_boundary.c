/*
 * The typed system call boundary: every argument register must hold a
 * value of the type SYSCALL_LIST declares, ranges only shrink, and an
 * executable is checked and loaded from one copy of its headers.
 */
#include "test.h"
#include <bootfs.h>
#include <elf.h>
#include <layout.h>
#include <string.h>

#define HIGH_BIT (1ull << 32)

/* Would a value with bit 32 set be cut by this type? */
#define NARROW(type) ((uint64_t) (type) HIGH_BIT != HIGH_BIT)

/*
 * For each system call, each argument of a 32-bit type gets a value with
 * bit 32 set (the others 0): the call must fail with ERR_INVALID_ARG
 * before doing anything. Generated from the list, so a new system call
 * is covered as soon as it is listed.
 */
#define TRY_ARG(i, type, name)                                                 \
    if (NARROW(type)) {                                                        \
        uint64_t a[6] = {0};                                                   \
        a[i] = HIGH_BIT | 1;                                                   \
        int64_t r = syscall5(num, a[1], a[2], a[3], a[4], a[5]);               \
        if (r != ERR_INVALID_ARG) {                                            \
            test_fail(__FILE__, __LINE__,                                      \
                      "%s: argument %d (%s) with bit 32 set returned %ld",     \
                      sys_name, i, #name, r);                                  \
            return;                                                            \
        }                                                                      \
        checked++;                                                             \
    }
#define TRY_SYSCALL(num_, name_, stub, ret, n, ...)                            \
    {                                                                          \
        const uint64_t num = num_;                                             \
        const char *sys_name = #name_;                                         \
        (void) num, (void) sys_name;                                           \
        SYSCALL_MAP(n, TRY_ARG, SYSCALL_NOTHING, , __VA_ARGS__)                \
    }

TEST(syscall_narrow_arguments_rejected) {
    int checked = 0;
    SYSCALL_LIST(TRY_SYSCALL)
    CHECK(checked >= 20); /* handles, ids, flags, ports, lines, counts */
}

TEST(syscall_high_bits_do_not_reach_the_handler) {
    handle_t h = task_self();
    CHECK(h > 0);
    struct handle_info info;
    /* Cut to 32 bits this would be handle h. */
    CHECK_ERR(syscall5(SYS_handle_info, HIGH_BIT | (uint64_t) h,
                       (uint64_t) &info, 0, 0, 0),
              ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_handle_close, HIGH_BIT | (uint64_t) h, 0, 0, 0, 0),
              ERR_INVALID_ARG);
    CHECK_ERR(handle_info(h, &info), OK); /* still open */
    /* 2^31 is not a sign-extended 32-bit value; -5 is, and is no handle. */
    CHECK_ERR(syscall5(SYS_handle_close, 0x80000000u, 0, 0, 0, 0),
              ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_handle_close, (uint64_t) -5, 0, 0, 0, 0),
              ERR_BAD_HANDLE);
    /* A port above 0xffff with the low bits of COM1's scratch register. */
    CHECK_ERR(syscall5(SYS_io_in, H_IOPORT, HIGH_BIT | 0x3ff, 1, 0, 0),
              ERR_INVALID_ARG);
    /* ipc flags: IPC_RECV with a high bit set. */
    struct message m;
    CHECK_ERR(
        syscall5(SYS_ipc, 0, 0, (uint64_t) &m, HIGH_BIT | IPC_RECV, IPC_POLL),
        ERR_INVALID_ARG);
    CHECK_ERR(handle_close(h), OK);
}

/* The range behind a port or IRQ handle. */
static void range_of(handle_t h, uint32_t *base, uint32_t *count) {
    struct handle_info info = {0};
    handle_info(h, &info);
    *base = info.base;
    *count = info.count;
}

TEST(handle_narrow_never_widens) {
    handle_t com1 = handle_narrow(H_IOPORT, 0x3f8, 8);
    CHECK(com1 > 0);
    /* base + count wrapping around 2^32 or 2^64, below or above the range */
    CHECK_ERR(handle_narrow(com1, 0xfffffffc, 0x404), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(com1, 0x3f8, 0xffffffff), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(com1, 0x3fc, 0xfffffffc), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(com1, 0xffffffff, 1), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(com1, 0x3f7, 1), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(com1, 0x400, 1), ERR_NOT_PERMITTED);
    CHECK_ERR(syscall5(SYS_handle_narrow, com1, -0x100ull, 0x500, 0, 0),
              ERR_INVALID_ARG);
    CHECK_ERR(syscall5(SYS_handle_narrow, com1, 0x3f8, HIGH_BIT | 8, 0, 0),
              ERR_INVALID_ARG);
    /* The whole range and its last port are fine, and exactly that. */
    handle_t same = handle_narrow(com1, 0x3f8, 8);
    handle_t last = handle_narrow(com1, 0x3ff, 1);
    CHECK(same > 0 && last > 0);
    uint32_t base, count;
    range_of(last, &base, &count);
    CHECK_EQ(base, 0x3ff);
    CHECK_EQ(count, 1);
    CHECK_ERR(io_in(last, 0x3fe, 1), ERR_INVALID_ARG);
    /* The same for IRQ lines. */
    handle_t line = handle_narrow(H_IRQ, 4, 1);
    CHECK(line > 0);
    CHECK_ERR(handle_narrow(line, 5, 0xffffffff), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(line, 0xffffffff, 6), ERR_NOT_PERMITTED);
    CHECK_ERR(handle_narrow(line, 3, 2), ERR_NOT_PERMITTED);
    range_of(line, &base, &count);
    CHECK_EQ(base, 4);
    CHECK_EQ(count, 1);
    handle_close(line);
    handle_close(last);
    handle_close(same);
    handle_close(com1);
}

/* hello's image with room for one more program header. */
static _Alignas(8) uint8_t image[128 * 1024];

static size_t copy_hello(void) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "hello");
    if (!e || e->size > sizeof(image))
        return 0;
    memcpy(image, bootfs_data(bootfs, e), e->size);
    return e->size;
}

/* Run `image` as a task; its exit code, or an error. */
static int64_t run_image(size_t size, uint64_t *pages_before) {
    struct task_spec spec = {.name = "hello-variant",
                             .image = image,
                             .image_size = size,
                             .priority = TEST_PRIORITY + 1};
    *pages_before = free_pages();
    handle_t h = task_create(H_SPAWN, &spec);
    if (h < 0)
        return h;
    return exit_code_of(h);
}

/* An empty PT_LOAD at an unaligned address inside the text's page takes
 * no page: the task starts, runs and leaves nothing behind. */
TEST(task_create_empty_segment_in_another_segments_page) {
    size_t size = copy_hello();
    CHECK(size > 0);
    struct elf64_ehdr *eh = (struct elf64_ehdr *) image;
    struct elf64_phdr *ph = (struct elf64_phdr *) (image + eh->e_phoff);
    CHECK(eh->e_phnum < ELF_MAX_PHDRS);
    struct elf64_phdr *extra = &ph[eh->e_phnum];
    CHECK((uint8_t *) (extra + 1) <= image + ph[0].p_offset); /* free room */
    *extra = (struct elf64_phdr){.p_type = PT_LOAD,
                                 .p_flags = PF_R | PF_W,
                                 .p_offset = ph[0].p_offset + 0x10,
                                 .p_vaddr = ph[0].p_vaddr + 0x10};
    eh->e_phnum++;
    uint64_t before;
    CHECK_EQ(run_image(size, &before), 0);
    CHECK_EQ(free_pages(), before);
}

/* Each header field the loader uses comes from the one checked copy: a
 * segment pointing past the end of the image is refused, not loaded. */
TEST(task_create_segment_past_the_image_is_refused) {
    size_t size = copy_hello();
    CHECK(size > 0);
    struct elf64_ehdr *eh = (struct elf64_ehdr *) image;
    struct elf64_phdr *ph = (struct elf64_phdr *) (image + eh->e_phoff);
    ph[1].p_filesz = size; /* from its offset, runs past the end */
    uint64_t before;
    CHECK_ERR(run_image(size, &before), ERR_BAD_IMAGE);
    CHECK_EQ(free_pages(), before);
}
