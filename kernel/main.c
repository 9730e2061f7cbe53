/* Kernel start-up: memory, the CPU, then the root task. */
#include "arch.h"
#include "boot.h"
#include "handle.h"
#include "kdebug.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include "timeout.h"
#include <bootfs.h>
#include <string.h>

struct boot_image boot_image;

static void init_memory(struct boot_info *info) {
    mm_init(info);
    printk("[kernel] memory: %lu KiB free\n", mm_free_pages() * 4);
}

/* One of init's handles, under the tag it finds it by. */
static void install_tagged(struct task *t, const struct handle *h, int tag) {
    handle_t slot = handle_install(t, h);
    ASSERT(slot > 0);
    t->handles[slot].tag = tag;
}

/* Pages kept out of init's budget for what the kernel takes for no task:
 * the page tables over the kernel stacks, made as tasks are. */
#define KERNEL_RESERVE_PAGES 64

/* The root task gets the right to create tasks, every I/O port and every
 * interrupt line, the kernel trace, the right to make device memory, and
 * a budget of all the memory there is: every other task's comes from it. */
static void start_init(void) {
    const void *image = PADDR2PTR(boot_image.paddr);
    if (bootfs_check(image, boot_image.size) != OK)
        panic("the boot image is malformed (tools/mkbootfs.py makes one)");
    const struct bootfs_entry *e = bootfs_find(image, "init");
    if (!e)
        panic("the boot image has no 'init'");
    int err;
    struct task_image exe = {.kernel = bootfs_data(image, e), .size = e->size};
    uint64_t budget = (mm_free_pages() - KERNEL_RESERVE_PAGES) * PAGE_SIZE;
    struct task *init =
        task_spawn("init", &exe, e->priority, 0, NULL, budget, &err);
    if (!init)
        panic("cannot start init: %s", err_str(err));
    struct handle spawn = {
        .kind = KOBJ_SPAWN,
        .rights = RIGHTS_ALL,
        .range = {.base = 0, .count = TASK_PRIORITY_MAX + 1}};
    struct handle ports = {.kind = KOBJ_IOPORT,
                           .rights = RIGHTS_ALL,
                           .range = {.base = 0, .count = ARCH_IO_PORTS}};
    struct handle irqs = {.kind = KOBJ_IRQ,
                          .rights = RIGHTS_ALL,
                          .range = {.base = 0, .count = ARCH_IRQ_LINES}};
    install_tagged(init, &spawn, TAG_SPAWN);
    install_tagged(init, &ports, TAG_IOPORT);
    install_tagged(init, &irqs, TAG_IRQ);
    struct handle trace = {.kind = KOBJ_TRACE, .rights = RIGHTS_ALL};
    install_tagged(init, &trace, TAG_TRACE);
    struct handle dma = {.kind = KOBJ_DMA, .rights = RIGHT_GRANT};
    install_tagged(init, &dma, TAG_DMA);
}

/* Whether the space-separated command line holds the word `opt`. */
static bool has_option(const char *cmdline, const char *opt) {
    size_t len = strlen(opt);
    for (const char *p = cmdline; *p; p++) {
        bool at_word = p == cmdline || p[-1] == ' ';
        if (at_word && !strncmp(p, opt, len) && (p[len] == ' ' || !p[len]))
            return true;
    }
    return false;
}

void kernel_main(struct boot_info *info) {
    boot_image = info->image;
    init_memory(info);
    arch_init();
    timeout_init();
    sched_init();
    start_init();
    /* Prove that a panic prints a symbolised backtrace, and that a kernel
     * stack overflow is a panic (tools/boot_tests.py). */
    if (has_option(info->cmdline, "kdebug=panic"))
        kdebug_test_panic();
    if (has_option(info->cmdline, "kdebug=stack-overflow"))
        kdebug_test_stack_overflow();
    sched_start();
}
