#pragma once

/*
 * The user address space, the same in every task. Programs are linked at
 * USER_IMAGE_BASE; the kernel maps the boot image read-only at BOOTFS_ADDR
 * (every task may start programs from it, given a spawn handle) and the
 * stack just below USER_STACK_TOP.
 */
#define USER_SPACE_START 0x0000000000001000ull
#define USER_IMAGE_BASE 0x0000000001000000ull
#define USER_IMAGE_END 0x0000000080000000ull
#define BOOTFS_ADDR 0x0000000100000000ull
/* Where vm_map and vm_pager place what they map when the task lets them
 * choose (VM_ANYWHERE). */
#define VM_MAP_BASE 0x0000100000000000ull
#define VM_MAP_END 0x0000700000000000ull
#define USER_STACK_TOP 0x00007ffffff00000ull
#define USER_STACK_SIZE (64 * 1024ull)
/* With a pager for it (TAG_PAGER), the stack grows on demand below its
 * USER_STACK_SIZE to this size; without, a use beyond is a fault. */
#define USER_STACK_MAX (1024 * 1024ull)
#define USER_SPACE_END 0x0000800000000000ull
