/* What <print_macros.h> needs at run time. */
#include <layout.h>
#include <print_macros.h>
#include <resea/syscall.h>

/* Defined for each task by the build (Makefile: program_name.o). */
extern const char __program_name_str[];

const char *__program_name(void) { return __program_name_str; }

__noreturn void halt(void) { task_exit(TASK_PANIC_EXIT_CODE); }

#define BACKTRACE_MAX 16

/* Walk the frame pointers (tasks are built with them), stopping at the
 * first that is not on our stack: a corrupt chain must not fault the
 * task that is reporting. */
void backtrace(void) {
    uint64_t *fp = __builtin_frame_address(0);
    for (int i = 0; i < BACKTRACE_MAX; i++) {
        uint64_t addr = (uint64_t) fp;
        if (addr < USER_STACK_TOP - USER_STACK_MAX ||
            addr > USER_STACK_TOP - 16 || !IS_ALIGNED(addr, 8))
            return;
        uint64_t ret = fp[1];
        if (ret == 0)
            return;
        printf("[%s]     #%d at %#lx\n", __program_name(), i, ret);
        fp = (uint64_t *) fp[0];
    }
}

#define HEXDUMP_PER_LINE 16

void hexdump(const void *ptr, size_t len) {
    const uint8_t *p = ptr;
    for (size_t off = 0; off < len; off += HEXDUMP_PER_LINE) {
        /* "xx " for each byte of the line, then the NUL. */
        char hex[HEXDUMP_PER_LINE * 3 + 1];
        size_t n = MIN(len - off, (size_t) HEXDUMP_PER_LINE);
        for (size_t i = 0; i < n; i++)
            format(&hex[i * 3], 4, "%02x ", p[off + i]);
        hex[n * 3] = '\0';
        printf("[%s] %04lx: %s\n", __program_name(), off, hex);
    }
}
