#pragma once
#include <error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <user.h>

/*
 * The only way the kernel touches user memory. A __user pointer (user.h)
 * is an address in some task's user half: the compiler refuses to let it
 * be dereferenced; it is only checked page by page against that task's
 * page tables and copied through the kernel's mapping of physical
 * memory. This also lets IPC copy between two address spaces without
 * switching to either.
 */

/* In the current task. */
bool user_range_ok(const void __user *uaddr, size_t len, bool write);
error_t copy_from_user(void *dst, const void __user *src, size_t len);
error_t copy_to_user(void __user *dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max - 1 characters. */
error_t copy_string_from_user(char *dst, const char __user *src, size_t max);

/* In the address space whose root is pml4. */
bool space_range_ok(uint64_t pml4, const void __user *uaddr, size_t len,
                    bool write);
error_t copy_from_space(uint64_t pml4, void *dst, const void __user *src,
                        size_t len);
error_t copy_to_space(uint64_t pml4, void __user *dst, const void *src,
                      size_t len);
/* The length of a NUL-terminated string there, the NUL not counted:
 * ERR_TOO_LARGE if there is none in its first max bytes. */
int64_t space_strnlen(uint64_t pml4, const char __user *src, size_t max);
/* From one address space straight into another. */
error_t copy_between_spaces(uint64_t dst_pml4, void __user *dst,
                            uint64_t src_pml4, const void __user *src,
                            size_t len);
