/*
 * From the multiboot loader's information to the kernel's boot_info: the
 * usable RAM, the boot image (the first module) and the command line,
 * all copied out before the page allocator can reuse the memory they
 * are in. Then the direct map of that RAM.
 */
#include "arch.h"
#include "boot.h"
#include "paging.h"
#include "printk.h"
#include <string.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MB_FLAG_CMDLINE (1u << 2)
#define MB_FLAG_MODS (1u << 3)
#define MB_FLAG_MMAP (1u << 6)
#define MB_MEMORY_AVAILABLE 1
#define LOW_MEMORY_END 0x100000  /* below 1 MiB: BIOS, loader data */
#define BOOT_WINDOW (1ull << 30) /* what boot.S maps at KERNEL_VBASE */

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

extern char __kernel_start[], __kernel_end[];
static struct boot_info info;

/* The loader's structures, read before the direct map exists through
 * boot.S's map of the first GiB. */
static const void *boot_ptr(uint64_t paddr) {
    if (paddr >= BOOT_WINDOW)
        panic("boot loader data at %p, above the first GiB", (void *) paddr);
    return (const void *) (paddr + KERNEL_VBASE);
}

static void find_boot_image(const struct multiboot_info *mbi) {
    if (!(mbi->flags & MB_FLAG_MODS) || mbi->mods_count < 1)
        panic("no boot image: pass it to QEMU with -initrd");
    const struct multiboot_module *mod = boot_ptr(mbi->mods_addr);
    if (mod->end <= mod->start)
        panic("boot image at %#x-%#x is unusable", mod->start, mod->end);
    info.image.paddr = mod->start;
    info.image.size =
        (mod->end - mod->start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void find_ram(const struct multiboot_info *mbi) {
    if (!(mbi->flags & MB_FLAG_MMAP))
        panic("the boot loader gave no memory map");
    uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p < end && info.num_ram < BOOT_RAM_RANGES_MAX) {
        const struct multiboot_mmap_entry *e = boot_ptr(p);
        if (e->type == MB_MEMORY_AVAILABLE)
            info.ram[info.num_ram++] =
                (struct mem_range){e->addr, e->addr + e->len};
        p += e->size + sizeof(e->size);
    }
    info.reserved[info.num_reserved++] = (struct mem_range){0, LOW_MEMORY_END};
    info.reserved[info.num_reserved++] = (struct mem_range){
        KIMG2PADDR(__kernel_start), KIMG2PADDR(__kernel_end)};
    info.reserved[info.num_reserved++] = (struct mem_range){
        info.image.paddr, info.image.paddr + info.image.size};
}

/* Called by boot.S in long mode, on the boot stack. */
__attribute__((noreturn)) void multiboot_main(uint32_t magic,
                                              uint32_t mbi_paddr) {
    arch_serial_init();
    printk("\n[kernel] booting\n");
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a multiboot loader (magic %#x)", magic);
    const struct multiboot_info *mbi = boot_ptr(mbi_paddr);
    find_boot_image(mbi);
    find_ram(mbi);
    if (mbi->flags & MB_FLAG_CMDLINE)
        strlcpy(info.cmdline, boot_ptr(mbi->cmdline), sizeof(info.cmdline));
    paging_map_ram(&info);
    kernel_main(&info);
}
