#pragma once
#include <stdarg.h>
#include <stdbool.h>

/* Formatted output to the kernel log (COM1). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
/* Raw bytes to the kernel log. */
void console_write(const char *s, unsigned long len);
/* A task's bytes to the kernel log. A line of the log's own style,
 * "[who] ...", that does not start with the task's name in brackets
 * gets it put in front: no task can pass its lines off as the kernel's
 * or another task's. *midline keeps the task's place across calls. */
void console_write_task(const char *name, bool *midline, const char *s,
                        unsigned long len);

/* Report a kernel bug: message, backtrace, task list, then stop. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
                                                           ...);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);  \
    } while (0)
