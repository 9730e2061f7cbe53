#include <kobject.h>
#include <resea/console.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdarg.h>

/* A task that has a terminal (TAG_CONSOLE: a shell's port, or the lease
 * its shell gave it) prints there; else, or if the console refuses the
 * text or has gone, to the kernel log. */
static void print(const char *buf, size_t n) {
    handle_t terminal = startup_handle(TAG_CONSOLE);
    if (terminal > 0 &&
        console_write(terminal, CONSOLE_HANDLE_PORT, buf, n) == OK)
        return;
    sys_console_write(buf, n);
}

int printf(const char *fmt, ...) {
    char buf[PRINTF_MAX]; /* on the stack: no lock, no state */
    va_list ap;
    va_start(ap, fmt);
    int len = vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t n = len < (int) sizeof(buf) ? (size_t) len : sizeof(buf) - 1;
    print(buf, n);
    return len;
}
