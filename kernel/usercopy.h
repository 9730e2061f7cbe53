#pragma once
#include <error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The only way the kernel touches user memory. A __user pointer is an
 * address in the current task's user half: it is never dereferenced
 * directly, only checked page by page against the page tables and copied
 * through the kernel's mapping of physical memory.
 */
#define __user

bool user_range_ok(const void __user *uaddr, size_t len, bool write);
error_t copy_from_user(void *dst, const void __user *src, size_t len);
error_t copy_to_user(void __user *dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max - 1 characters. */
error_t copy_string_from_user(char *dst, const char __user *src, size_t max);
