#include "printk.h"
#include "arch.h"
#include "kdebug.h"
#include <format.h>
#include <string.h>

void console_write(const char *s, unsigned long len) {
    for (unsigned long i = 0; i < len; i++) {
        if (s[i] == '\n')
            arch_serial_putc('\r');
        arch_serial_putc(s[i]);
    }
}

/* Does s (len bytes) start with "[name]"? */
static bool starts_with_tag(const char *name, const char *s,
                            unsigned long len) {
    unsigned long n = strlen(name);
    return len >= n + 2 && s[0] == '[' && !strncmp(s + 1, name, n) &&
           s[n + 1] == ']';
}

/* A byte a task may put in the log as it is: printable, a tab or a line
 * end. Others (escape sequences that move the cursor) become '?'. */
static char log_byte(char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r' ? c
                                                                          : '?';
}

void console_write_task(const char *name, bool *midline, const char *s,
                        unsigned long len) {
    for (unsigned long i = 0; i < len; i++) {
        if (!*midline && s[i] == '[' &&
            !starts_with_tag(name, s + i, len - i)) {
            console_write("[", 1);
            console_write(name, strlen(name));
            console_write("] ", 2);
        }
        char c = log_byte(s[i]);
        console_write(&c, 1);
        /* After a carriage return the next bytes start a line too. */
        *midline = c != '\n' && c != '\r';
    }
}

void vprintk(const char *fmt, va_list ap) {
    char buf[256];
    int len = vformat(buf, sizeof(buf), fmt, ap);
    if (len > (int) sizeof(buf) - 1)
        len = sizeof(buf) - 1;
    console_write(buf, len);
}

void printk(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...) {
    static int panicking;
    arch_irq_disable();
    if (panicking++)
        arch_halt_on_panic(); /* a panic while panicking: stop quietly */

    printk("\nPANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    kdebug_backtrace((uint64_t) __builtin_frame_address(0));
    kdebug_task_list();
    arch_halt_on_panic();
}
