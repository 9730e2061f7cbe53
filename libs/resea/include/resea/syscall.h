#pragma once
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <stddef.h>
#include <stdint.h>
#include <syscalls.h>

/*
 * The kernel's calls, one C function each, generated from SYSCALL_LIST in
 * libs/common/abi/syscalls.h (which says what each does). They return an
 * error_t (0 or negative) unless the list says otherwise.
 */
static inline int64_t syscall5(uint64_t nr, uint64_t a1, uint64_t a2,
                               uint64_t a3, uint64_t a4, uint64_t a5) {
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    int64_t ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
                       "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r9", "r11", "memory");
    return ret;
}

/* Signed arguments are sign-extended to 64 bits, as the kernel expects. */
#define SYSCALL_STUB_ARG(i, type, name) , (uint64_t) (name)
#define SYSCALL_STUB_ZEROS_0 , 0, 0, 0, 0, 0
#define SYSCALL_STUB_ZEROS_1 , 0, 0, 0, 0
#define SYSCALL_STUB_ZEROS_2 , 0, 0, 0
#define SYSCALL_STUB_ZEROS_3 , 0, 0
#define SYSCALL_STUB_ZEROS_4 , 0
#define SYSCALL_STUB_ZEROS_5
#define SYSCALL_STUB(num, name, stub, ret, n, ...)                             \
    static inline ret stub(SYSCALL_PARAMS(n, __VA_ARGS__)) {                   \
        return (ret) syscall5(num SYSCALL_MAP(n, SYSCALL_STUB_ARG,             \
                                              SYSCALL_NOTHING, , __VA_ARGS__)  \
                                  SYSCALL_STUB_ZEROS_##n);                     \
    }
SYSCALL_LIST(SYSCALL_STUB)
#undef SYSCALL_STUB

__attribute__((noreturn)) static inline void task_exit(int64_t code) {
    sys_task_exit(code);
    __builtin_unreachable();
}

/* The argument the creator passed in task_spec.arg. */
uint64_t task_arg(void);
/* The command line the creator gave in task_spec.cmdline ("" if none). */
const char *task_cmdline(void);

/* The ipc_* calls built on the stubs above, which every task uses: here,
 * after the stubs they need, so that either header brings both. */
#include <resea/ipc.h>
