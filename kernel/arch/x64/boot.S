/*
 * Multiboot entry. QEMU's -kernel loads the flat image at 1 MiB and jumps
 * here in 32-bit protected mode, paging off, with EAX = multiboot magic and
 * EBX = physical address of the multiboot information. We build page tables
 * that map the first 1 GiB both at 0 (to survive turning paging on) and at
 * KERNEL_VBASE, enter long mode and call multiboot_main(magic, info). That
 * map only lasts until the direct map of all RAM is built (paging.c).
 */
#define KERNEL_VBASE 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_VBASE)

#define MB_MAGIC 0x1badb002
/* page-align modules, memory map, load addresses given below (not ELF) */
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

.section .multiboot, "a"
.align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(multiboot_header)    /* header_addr */
    .long PHYS(__kernel_start)      /* load_addr */
    .long PHYS(__data_end)          /* load_end_addr */
    .long PHYS(__kernel_end)        /* bss_end_addr */
    .long PHYS(boot_entry)          /* entry_addr */

.section .boot, "ax"
.code32
.global boot_entry
boot_entry:
    cli
    cld
    mov %eax, %ebp                  /* multiboot magic */

    /* The loader need not clear .bss: do it before anything lives there. */
    mov $PHYS(__data_end), %edi
    mov $PHYS(__kernel_end), %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb

    mov $PHYS(boot_stack_top), %esp

    /* 512 2 MiB pages: physical 0..1 GiB, global, writable. */
    mov $PHYS(boot_pd), %edi
    mov $0x183, %eax                /* P | RW | PS | G */
    xor %ecx, %ecx
1:  mov %eax, (%edi, %ecx, 8)
    add $0x200000, %eax
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pdpt_low)
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    mov $PHYS(boot_pdpt_low), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4)
    mov $PHYS(boot_pdpt_high), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8

    mov %cr4, %eax
    or $((1 << 5) | (1 << 7)), %eax /* PAE, PGE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3

    mov $0xc0000080, %ecx           /* EFER */
    rdmsr
    or $((1 << 0) | (1 << 8) | (1 << 11)), %eax /* SCE, LME, NXE */
    wrmsr

    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    mov %eax, %cr0

    lgdt PHYS(boot_gdtr)
    ljmp $0x08, $PHYS(long_mode_low)

.code64
long_mode_low:
    movabs $long_mode_high, %rax
    jmp *%rax

long_mode_high:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $boot_stack_top, %rsp
    mov %ebp, %edi                  /* multiboot magic */
    mov %ebx, %esi                  /* multiboot info (physical) */
    xor %ebp, %ebp                  /* ends the backtrace here */
    call multiboot_main
1:  hlt
    jmp 1b

.section .rodata
.align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: kernel code, 64-bit */
    .quad 0x00cf92000000ffff        /* 0x10: kernel data */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

.section .bss
.align 4096
.global boot_pml4
boot_pml4: .space 4096
boot_pdpt_low: .space 4096
boot_pdpt_high: .space 4096
.global boot_pd
boot_pd: .space 4096
.global boot_stack_top
boot_stack: .space 16384
boot_stack_top:
