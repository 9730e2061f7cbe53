#pragma once
#include <stdint.h>

/* What trap_common (entry.S) pushes, lowest address first. */
struct iframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Called by entry.S: an exception or interrupt; a system call whose
 * return address is not canonical. */
void trap_handler(struct iframe *f);
__attribute__((noreturn)) void syscall_bad_return_rip(uint64_t rip);
