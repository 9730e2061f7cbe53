#pragma once
#include <stdint.h>

/* The system call numbered nr (SYSCALL_LIST) with its argument registers;
 * called by the architecture's syscall entry. */
int64_t syscall_handler(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5, uint64_t nr);
