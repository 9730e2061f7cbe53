#pragma once
#include <stdarg.h>
#include <stddef.h>

/*
 * printf-style formatting shared by the kernel and user space.
 *
 * Conversions: d i u x X o p s c %. Flags: - 0 + space #. Width and
 * precision as numbers or '*'. Length modifiers: hh h l ll z j t.
 * %p prints "0x" and lowercase hex digits; %s of NULL prints "(null)";
 * an unknown conversion (including %n) is copied to the output verbatim.
 *
 * Like vsnprintf: writes at most `size` bytes including the terminating
 * NUL (always written when size > 0) and returns the length the whole
 * output would have had. `buf` may be NULL when size is 0.
 */
int vformat(char *buf, size_t size, const char *fmt, va_list ap);

#if defined(__GNUC__) || defined(__clang__)
#define FORMAT_PRINTF(fmt_idx, arg_idx)                                        \
    __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define FORMAT_PRINTF(fmt_idx, arg_idx)
#endif

int format(char *buf, size_t size, const char *fmt, ...) FORMAT_PRINTF(3, 4);
