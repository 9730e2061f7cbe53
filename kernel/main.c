/* Kernel start-up: memory from the multiboot map, then the root task. */
#include "arch.h"
#include "arch/x64/layout.h"
#include "boot.h"
#include "handle.h"
#include "kdebug.h"
#include "mm.h"
#include "printk.h"
#include "task.h"
#include "timeout.h"
#include <bootfs.h>
#include <string.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MB_FLAG_CMDLINE (1u << 2)
#define MB_FLAG_MODS (1u << 3)
#define MB_FLAG_MMAP (1u << 6)
#define MB_MEMORY_AVAILABLE 1
#define LOW_MEMORY_END 0x100000 /* below 1 MiB: BIOS, loader data */

struct __attribute__((packed)) multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct __attribute__((packed)) multiboot_module {
    uint32_t start, end, string, reserved;
};

struct __attribute__((packed)) multiboot_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
};

struct boot_image boot_image;
extern char __kernel_start[], __kernel_end[];
extern uint64_t boot_pml4[512];

static void find_boot_image(const struct multiboot_info *mbi) {
    if (!(mbi->flags & MB_FLAG_MODS) || mbi->mods_count < 1)
        panic("no boot image: pass it to QEMU with -initrd");
    const struct multiboot_module *mod = PADDR2PTR(mbi->mods_addr);
    if (mod->end <= mod->start || mod->end > DIRECT_MAP_LIMIT)
        panic("boot image at %#x-%#x is unusable", mod->start, mod->end);
    boot_image.paddr = mod->start;
    boot_image.size =
        (mod->end - mod->start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void init_memory(const struct multiboot_info *mbi) {
    if (!(mbi->flags & MB_FLAG_MMAP))
        panic("the boot loader gave no memory map");
    const struct mem_range reserved[] = {
        {0, LOW_MEMORY_END},
        {PTR2PADDR(__kernel_start), PTR2PADDR(__kernel_end)},
        {boot_image.paddr, boot_image.paddr + boot_image.size},
    };
    uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p < end) {
        const struct multiboot_mmap_entry *e = PADDR2PTR(p);
        if (e->type == MB_MEMORY_AVAILABLE)
            mm_add_region(e->addr, e->addr + e->len, reserved, 3);
        p += e->size + sizeof(e->size);
    }
    printk("[kernel] memory: %lu KiB free\n", mm_free_pages() * 4);
}

/* The root task gets the right to create tasks, every I/O port and every
 * interrupt line. */
static void start_init(void) {
    const void *image = PADDR2PTR(boot_image.paddr);
    if (bootfs_check(image, boot_image.size) != OK)
        panic("the boot image is malformed (tools/mkbootfs.py makes one)");
    const struct bootfs_entry *e = bootfs_find(image, "init");
    if (!e)
        panic("the boot image has no 'init'");
    int err;
    struct task *init = task_spawn("init", bootfs_data(image, e), e->size,
                                   e->priority, 0, NULL, &err);
    if (!init)
        panic("cannot start init: %s", err_str(err));
    struct handle spawn = {.kind = KOBJ_SPAWN, .rights = RIGHTS_ALL};
    struct handle ports = {.kind = KOBJ_IOPORT,
                           .rights = RIGHTS_ALL,
                           .range = {.base = 0, .count = 0x10000}};
    struct handle irqs = {.kind = KOBJ_IRQ,
                          .rights = RIGHTS_ALL,
                          .range = {.base = 0, .count = IRQ_LINES}};
    ASSERT(handle_install(init, &spawn) == INIT_HANDLE_SPAWN);
    ASSERT(handle_install(init, &ports) == INIT_HANDLE_IOPORT);
    ASSERT(handle_install(init, &irqs) == INIT_HANDLE_IRQ);
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

/* Kernel command line options (QEMU: -append "..."), read before the
 * page allocator can reuse the memory they are in. */
static bool test_panic;

static void parse_cmdline(const struct multiboot_info *mbi) {
    if (!(mbi->flags & MB_FLAG_CMDLINE))
        return;
    const char *cmdline = PADDR2PTR(mbi->cmdline);
    /* Prove that a panic prints a symbolised backtrace (tools/tests). */
    test_panic = has_option(cmdline, "kdebug=panic");
}

void kernel_main(uint32_t magic, uint32_t mbi_paddr) {
    arch_serial_init();
    printk("\n[kernel] booting\n");
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a multiboot loader (magic %#x)", magic);
    const struct multiboot_info *mbi = PADDR2PTR(mbi_paddr);
    find_boot_image(mbi);
    parse_cmdline(mbi);
    init_memory(mbi);

    /* From here on only the higher half is mapped: user space starts empty. */
    boot_pml4[0] = 0;
    arch_use_kernel_space();

    arch_init();
    timeout_init();
    sched_init();
    start_init();
    if (test_panic)
        kdebug_test_panic();
    sched_start();
}
