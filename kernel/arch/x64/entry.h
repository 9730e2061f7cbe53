#pragma once
#include <stdint.h>

/* Symbols of entry.S. */
void arch_switch_stack(uint64_t *prev_rsp, uint64_t next_rsp);
extern char task_first_entry[]; /* where a new task's first switch lands */
extern char syscall_entry[];
extern uint64_t syscall_kernel_rsp;
extern const uint64_t trap_stubs[];
