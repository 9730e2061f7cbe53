#pragma once
#include <stdint.h>

/* Print "function+0xoff" (or the bare address) for a kernel address. */
void kdebug_print_symbol(uint64_t addr);
/* Walk the frame-pointer chain starting at rbp. */
void kdebug_backtrace(uint64_t rbp);
/* Every task with its state: who is blocked on what. */
void kdebug_task_list(void);
/* Run a debug command ("ps", "help"); unknown ones are reported. */
int kdebug_run(const char *cmd);
/* Panic on purpose, from a few calls deep (the boot-time self-test). */
__attribute__((noreturn)) void kdebug_test_panic(void);
/* Run off the end of a kernel stack, so that its guard page stops it
 * (the boot-time self-test of kernel stack overflows). */
__attribute__((noreturn)) void kdebug_test_stack_overflow(void);
