#pragma once
/*
 * Resea's print and assert macros. Each prints one line through printf
 * (<resea/printf.h>: the task's terminal, else the kernel log), tagged
 * "[name]" with the program's name as the build knows it (the kernel
 * log adds the task's real name in front if that differs).
 *
 * PANIC, NYI, UNREACHABLE and a failed ASSERT, ASSERT_OK or DEBUG_ASSERT
 * end the task (halt()), and only the task: its creator sees EXIT_NORMAL
 * with TASK_PANIC_EXIT_CODE. OOPS only prints. A task's panic line says
 * "panic:" (Resea's, "PANIC:"): "PANIC:" is the kernel's, and the test
 * harness takes such a line for a kernel panic.
 */
#include <resea/printf.h>
#include <types.h>

/* The exit code of a task that panicked or failed an assertion. */
#define TASK_PANIC_EXIT_CODE 0xdead

/* The program's name: its build directory's (build.mk's `name`). */
const char *__program_name(void);
/* Ends the task with TASK_PANIC_EXIT_CODE. */
__noreturn void halt(void);
/* Prints the return addresses on the stack, one line each. */
void backtrace(void);
/* Resea's name for err_str(). */
static inline const char *err2str(error_t err) { return err_str(err); }

/* Resea colours its lines; the kernel log lets no escape sequence
 * through (it would print them as '?'), so here they are empty. */
#define SGR_ERR ""
#define SGR_WARN ""
#define SGR_WARN_DBG ""
#define SGR_INFO ""
#define SGR_DEBUG ""
#define SGR_RESET ""

#define PRINT_TAGGED(prefix, fmt, ...)                                         \
    printf("[%s] " prefix fmt "\n", __program_name(), ##__VA_ARGS__)

#define TRACE(fmt, ...) PRINT_TAGGED("", fmt, ##__VA_ARGS__)
#define DBG(fmt, ...) PRINT_TAGGED("", fmt, ##__VA_ARGS__)
#define INFO(fmt, ...) PRINT_TAGGED("", fmt, ##__VA_ARGS__)
#define WARN(fmt, ...) PRINT_TAGGED("WARN: ", fmt, ##__VA_ARGS__)
#define WARN_DBG(fmt, ...) PRINT_TAGGED("WARN: ", fmt, ##__VA_ARGS__)
#define ERROR(fmt, ...) PRINT_TAGGED("ERROR: ", fmt, ##__VA_ARGS__)

#define OOPS(fmt, ...)                                                         \
    do {                                                                       \
        PRINT_TAGGED("Oops: ", fmt, ##__VA_ARGS__);                            \
        backtrace();                                                           \
    } while (0)

/* then(...) with where and which error, if expr is one. */
#define ON_ERROR_REPORT(expr, then)                                            \
    do {                                                                       \
        __typeof__(expr) report_err_ = (expr);                                 \
        if (IS_ERROR(report_err_))                                             \
            then("%s:%d: unexpected error (%s)", __FILE__, __LINE__,           \
                 err2str(report_err_));                                        \
    } while (0)

#define OOPS_OK(expr) ON_ERROR_REPORT(expr, OOPS)

#define PANIC(fmt, ...)                                                        \
    do {                                                                       \
        PRINT_TAGGED("panic: ", fmt, ##__VA_ARGS__);                           \
        backtrace();                                                           \
        halt();                                                                \
    } while (0)

#define ASSERT(expr)                                                           \
    do {                                                                       \
        if (!(expr))                                                           \
            PANIC("%s:%d: ASSERTION FAILURE: %s", __FILE__, __LINE__, #expr);  \
    } while (0)

#define DEBUG_ASSERT(expr) ASSERT(expr)

#define ASSERT_OK(expr) ON_ERROR_REPORT(expr, PANIC)

#define NYI()                                                                  \
    PANIC("%s(): not yet implemented: %s:%d", __func__, __FILE__, __LINE__)
#define UNREACHABLE()                                                          \
    PANIC("unreachable at %s:%d (%s)", __FILE__, __LINE__, __func__)

/* Bytes in lines of 16, each "[name] OFFSET: xx xx ...". */
#define HEXDUMP(ptr, len) hexdump((ptr), (len))
void hexdump(const void *ptr, size_t len);
