#pragma once
#include <format.h>

/* printf to the task's terminal if it has one (TAG_CONSOLE), else (or if
 * the console refuses it) to the kernel log; returns the number of
 * characters formatted. At most PRINTF_MAX - 1 of them are written: the
 * rest is cut. */
#define PRINTF_MAX 512
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Resea's print and assert macros (INFO, WARN, ASSERT, PANIC...) come
 * with printf, as in Resea. */
#include <print_macros.h>
