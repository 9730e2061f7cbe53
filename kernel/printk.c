#include "printk.h"
#include "arch.h"
#include "kdebug.h"
#include <format.h>

void console_write(const char *s, unsigned long len) {
    for (unsigned long i = 0; i < len; i++) {
        if (s[i] == '\n')
            arch_serial_putc('\r');
        arch_serial_putc(s[i]);
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
