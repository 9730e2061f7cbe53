#include <resea/printf.h>
#include <resea/syscall.h>
#include <stdarg.h>

int printf(const char *fmt, ...) {
    char buf[PRINTF_MAX]; /* on the stack: no lock, no state */
    va_list ap;
    va_start(ap, fmt);
    int len = vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t n = len < (int) sizeof(buf) ? (size_t) len : sizeof(buf) - 1;
    sys_console_write(buf, n);
    return len;
}
