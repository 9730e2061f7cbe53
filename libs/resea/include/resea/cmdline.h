#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Options in a task's command line (task_cmdline()): words separated by
 * spaces, either a flag (`selftest`) or `key=value` with a decimal value
 * (`seed=3`). init passes the command line the boot image stores for an
 * entry (tools/mkbootfs.py --cmdline NAME=TEXT).
 */

/* Whether the flag `word` is present. */
bool cmdline_flag(const char *cmdline, const char *word);
/* The value of `key=N`, or `fallback` when it is absent or not a number
 * that fits in 64 bits. */
uint64_t cmdline_u64(const char *cmdline, const char *key, uint64_t fallback);
/* The value of `key=WORD` into out (size bytes, the NUL included): false
 * when it is absent or does not fit (out is then unchanged). */
bool cmdline_word(const char *cmdline, const char *key, char *out, size_t size);
