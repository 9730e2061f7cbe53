#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "format.h"

#define CANARY 0xA5
#define CANARY_LEN 8

/*
 * Formats `fmt` into buffers of every size from 0 to the full length + 2
 * and checks each against `expected`: the return value is always the full
 * length, the stored text is the longest prefix that fits plus a NUL, and
 * nothing past `size` is touched.
 */
static void check_all_sizes(const char *file, int line, const char *expected,
                            const char *fmt, va_list ap) {
    size_t len = strlen(expected);
    for (size_t size = 0; size <= len + 2; size++) {
        unsigned char *buf = malloc(size + CANARY_LEN);
        memset(buf, CANARY, size + CANARY_LEN);
        va_list copy;
        va_copy(copy, ap);
        int r = vformat(size == 0 ? NULL : (char *) buf, size, fmt, copy);
        va_end(copy);
        size_t kept = size == 0 ? 0 : (len < size - 1 ? len : size - 1);
        int ok = r >= 0 && (size_t) r == len &&
                 memcmp(buf, expected, kept) == 0 &&
                 (size == 0 || buf[kept] == '\0');
        for (size_t i = size; i < size + CANARY_LEN; i++)
            ok = ok && buf[i] == CANARY;
        char got[256];
        snprintf(got, sizeof(got), "%.*s", (int) kept, (const char *) buf);
        free(buf);
        if (!ok)
            test_fail(file, line,
                      "format(\"%s\") at size %zu: returned %d, stored \"%s\", "
                      "expected \"%s\" (%zu)",
                      fmt, size, r, got, expected, len);
    }
}

static void expect_fmt(const char *file, int line, const char *expected,
                       const char *fmt, ...) FORMAT_PRINTF(4, 5);
static void expect_fmt(const char *file, int line, const char *expected,
                       const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_all_sizes(file, line, expected, fmt, ap);
    va_end(ap);
}

/* The same without compile-time checks, for formats that are deliberately
   odd (unknown conversions, flags that the standard says are ignored). */
static void expect_fmt_raw(const char *file, int line, const char *expected,
                           const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_all_sizes(file, line, expected, fmt, ap);
    va_end(ap);
}

/* format() without the compiler's printf checks. */
static int format_raw(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vformat(buf, size, fmt, ap);
    va_end(ap);
    return r;
}

/* Uses the host C library as the oracle for standard conversions. */
static void expect_like_libc(const char *file, int line, const char *fmt, ...)
    FORMAT_PRINTF(3, 4);
static void expect_like_libc(const char *file, int line, const char *fmt, ...) {
    char expected[256];
    va_list ap;
    va_start(ap, fmt);
    va_list copy;
    va_copy(copy, ap);
    vsnprintf(expected, sizeof(expected), fmt, copy);
    va_end(copy);
    check_all_sizes(file, line, expected, fmt, ap);
    va_end(ap);
}

#define EXPECT_FMT(expected, ...)                                              \
    expect_fmt(__FILE__, __LINE__, expected, __VA_ARGS__)
#define EXPECT_FMT_RAW(expected, ...)                                          \
    expect_fmt_raw(__FILE__, __LINE__, expected, __VA_ARGS__)
#define EXPECT_LIKE_LIBC(...) expect_like_libc(__FILE__, __LINE__, __VA_ARGS__)

TEST(format_plain_text_and_percent) {
    EXPECT_FMT_RAW("", "");
    EXPECT_FMT("hello, world", "hello, world");
    EXPECT_FMT("100%", "100%%");
    EXPECT_FMT("%%", "%%%%");
}

TEST(format_decimal) {
    EXPECT_FMT("0", "%d", 0);
    EXPECT_FMT("42", "%d", 42);
    EXPECT_FMT("-42", "%i", -42);
    EXPECT_FMT("2147483647", "%d", INT_MAX);
    EXPECT_FMT("-2147483648", "%d", INT_MIN);
    EXPECT_FMT("4294967295", "%u", UINT_MAX);
    EXPECT_FMT("a1b-2c", "a%db%dc", 1, -2);
}

TEST(format_int64_extremes) {
    EXPECT_FMT("-9223372036854775808", "%lld", (long long) INT64_MIN);
    EXPECT_FMT("9223372036854775807", "%lld", (long long) INT64_MAX);
    EXPECT_FMT("-9223372036854775808", "%ld", LONG_MIN);
    EXPECT_FMT("-9223372036854775808", "%jd", INTMAX_MIN);
    EXPECT_FMT("18446744073709551615", "%llu", (unsigned long long) UINT64_MAX);
    EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
    EXPECT_FMT("ffffffffffffffff", "%llx", (unsigned long long) UINT64_MAX);
    EXPECT_FMT("1777777777777777777777", "%llo",
               (unsigned long long) UINT64_MAX);
    EXPECT_FMT("01777777777777777777777", "%#llo",
               (unsigned long long) UINT64_MAX);
    EXPECT_FMT("-7", "%td", (ptrdiff_t) -7);
    EXPECT_FMT("-5", "%zd", (long) -5);
    EXPECT_FMT("    -9223372036854775808", "%24.0jd", INTMAX_MIN);
}

/* The length modifier narrows the promoted argument to its type (raw:
   clang warns about passing an int where a char is expected). */
TEST(format_length_narrows) {
    EXPECT_FMT_RAW("-1", "%hhd", 255);
    EXPECT_FMT_RAW("0", "%hhu", 256);
    EXPECT_FMT_RAW("ff", "%hhx", 0x1ff);
    EXPECT_FMT_RAW("-1", "%hd", 65535);
    EXPECT_FMT_RAW("4464", "%hu", 70000);
    EXPECT_FMT_RAW("-32768", "%hd", 32768);
}

TEST(format_hex_octal_alt) {
    EXPECT_FMT("beef", "%x", 0xbeefu);
    EXPECT_FMT("BEEF", "%X", 0xbeefu);
    EXPECT_FMT("10", "%o", 8u);
    EXPECT_FMT("0xff", "%#x", 255u);
    EXPECT_FMT("0XFF", "%#X", 255u);
    EXPECT_FMT("0", "%#x", 0u);
    EXPECT_FMT("010", "%#o", 8u);
    EXPECT_FMT("0", "%#o", 0u);
    EXPECT_FMT("0", "%#.0o", 0u);
    EXPECT_FMT("", "%.0x", 0u);
    EXPECT_FMT("0x0000ff", "%#08x", 255u);
    EXPECT_FMT("      0xff", "%#10x", 255u);
    EXPECT_FMT("0xff  |", "%-#6x|", 255u);
    EXPECT_FMT("0x00ff", "%#.4x", 255u);
}

TEST(format_width_and_flags) {
    EXPECT_FMT("   42", "%5d", 42);
    EXPECT_FMT("42   |", "%-5d|", 42);
    EXPECT_FMT("00042", "%05d", 42);
    EXPECT_FMT("-0042", "%05d", -42);
    EXPECT_FMT("+42", "%+d", 42);
    EXPECT_FMT("+0", "%+d", 0);
    EXPECT_FMT(" 42", "% d", 42);
    EXPECT_FMT("-42", "% d", -42);
    EXPECT_FMT_RAW("+1", "%+ d", 1);
    EXPECT_FMT_RAW("42   |", "%-05d|", 42);
    EXPECT_FMT("+0042", "%+05d", 42);
    EXPECT_FMT("12345", "%1d", 12345);
    EXPECT_FMT("  -12", "%5d", -12);
}

TEST(format_precision) {
    EXPECT_FMT("007", "%.3d", 7);
    EXPECT_FMT("-007", "%.3d", -7);
    EXPECT_FMT("    -007", "%8.3d", -7);
    EXPECT_FMT_RAW("     007", "%08.3d", 7);
    EXPECT_FMT("", "%.0d", 0);
    EXPECT_FMT("     ", "%5.0d", 0);
    EXPECT_FMT("+", "%+.0d", 0);
    EXPECT_FMT("0000000005", "%.10u", 5u);
    EXPECT_FMT("12345", "%.2d", 12345);
    EXPECT_FMT("7", "%.d", 7);
}

TEST(format_star_width_and_precision) {
    EXPECT_FMT("   42", "%*d", 5, 42);
    EXPECT_FMT("42   |", "%*d|", -5, 42);
    EXPECT_FMT("42   |", "%-*d|", 5, 42);
    EXPECT_FMT("00042", "%0*d", 5, 42);
    EXPECT_FMT("007", "%.*d", 3, 7);
    EXPECT_FMT("7", "%.*d", -1, 7);
    EXPECT_FMT("   007", "%*.*d", 6, 3, 7);
    EXPECT_FMT("ab", "%.*s", 2, "abc");
    EXPECT_FMT("abc", "%.*s", -1, "abc");
    EXPECT_FMT("x   |", "%*c|", -4, 'x');
}

TEST(format_string) {
    const char *volatile null_str = NULL;
    EXPECT_FMT("abc", "%s", "abc");
    EXPECT_FMT("  abc", "%5s", "abc");
    EXPECT_FMT("abc  |", "%-5s|", "abc");
    EXPECT_FMT("ab", "%.2s", "abc");
    EXPECT_FMT("", "%.0s", "abc");
    EXPECT_FMT("abc", "%.10s", "abc");
    EXPECT_FMT("   ", "%3s", "");
    EXPECT_FMT("[(null)]", "[%s]", null_str);
    EXPECT_FMT("(nu", "%.3s", null_str);
    EXPECT_FMT("  (null)", "%8s", null_str);
}

/* With a precision, %s must not read past it (ASan checks this). */
TEST(format_string_precision_unterminated) {
    char *raw = malloc(3);
    memcpy(raw, "xyz", 3);
    char buf[8];
    int r = format(buf, sizeof(buf), "%.3s", raw);
    free(raw);
    CHECK_INT_EQ(r, 3);
    CHECK_STR_EQ(buf, "xyz");
}

TEST(format_char) {
    EXPECT_FMT("x", "%c", 'x');
    EXPECT_FMT("  x", "%3c", 'x');
    EXPECT_FMT("x  |", "%-3c|", 'x');
    EXPECT_FMT("ab", "%c%c", 'a', 'b');
    char buf[8];
    memset(buf, 'z', sizeof(buf));
    CHECK_INT_EQ(format(buf, sizeof(buf), "a%cb", 0), 3);
    CHECK(buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b' && buf[3] == '\0');
}

TEST(format_pointer) {
    EXPECT_FMT("0x1234", "%p", (void *) 0x1234);
    EXPECT_FMT("0x0", "%p", (void *) 0);
    EXPECT_FMT("0xabcdef", "%p", (void *) 0xABCDEF);
    EXPECT_FMT("0xffffffffffffffff", "%p", (void *) UINTPTR_MAX);
    EXPECT_FMT("    0x1234", "%10p", (void *) 0x1234);
    EXPECT_FMT("0x1234    |", "%-10p|", (void *) 0x1234);
    /* No zero padding, sign or precision for pointers. */
    EXPECT_FMT_RAW("    0x1234", "%010p", (void *) 0x1234);
    EXPECT_FMT_RAW("0x1234", "%+.8p", (void *) 0x1234);
}

TEST(format_unknown_conversion_verbatim) {
    EXPECT_FMT_RAW("%y", "%y");
    EXPECT_FMT_RAW("a%5yb", "a%5yb");
    EXPECT_FMT_RAW("%-08.3q", "%-08.3q");
    EXPECT_FMT_RAW("%n", "%n", (int *) NULL);
    EXPECT_FMT_RAW("%y 42", "%y %d", 42); /* consumes no argument */
    EXPECT_FMT_RAW("100%", "100%");
    EXPECT_FMT_RAW("%-", "%-");
    EXPECT_FMT_RAW("%5", "%5");
    EXPECT_FMT_RAW("%ll", "%ll");
    EXPECT_FMT_RAW("%.", "%.");
}

/* Cuts inside padding, zeros, prefixes and strings alike. */
TEST(format_truncation_at_every_size) {
    EXPECT_FMT("[abc     |0x00000ff|  +42|012|-0000000007]",
               "[%-8s|%#09x|%+5d|%#o|%011lld]", "abc", 255u, 42, 10u, -7LL);
    CHECK_INT_EQ(format(NULL, 0, "%d", 12345), 5);
    char one[1] = {'x'};
    CHECK_INT_EQ(format(one, 1, "%s", "long string"), 11);
    CHECK(one[0] == '\0');
}

/* The return value must not depend on the huge width fitting anywhere. */
TEST(format_huge_width) {
    char buf[8];
    CHECK_INT_EQ(format(buf, sizeof(buf), "%2000000000d", 1), 2000000000);
    CHECK_STR_EQ(buf, "       ");
    CHECK_INT_EQ(format_raw(buf, sizeof(buf), "%99999999999d", 1), INT_MAX);
    CHECK_INT_EQ(format_raw(buf, sizeof(buf), "%.99999999999d", 1), INT_MAX);
    CHECK_STR_EQ(buf, "0000000");
}

static void build_spec(char *out, size_t size, unsigned flags, const char *w,
                       const char *p, const char *len, char conv) {
    const char *names = "-0+ #";
    char flag_str[6];
    size_t n = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (flags & (1u << i))
            flag_str[n++] = names[i];
    }
    flag_str[n] = '\0';
    snprintf(out, size, "<%%%s%s%s%s%c>", flag_str, w, p, len, conv);
}

static const char *const widths[] = {"", "1", "7", "22"};
static const char *const precs[] = {"", ".0", ".1", ".4"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every flag set, width and precision for each int conversion. */
TEST(format_matches_libc_int) {
    const int ints[] = {0, 1, -1, 7, -42, 123456, INT_MAX, INT_MIN};
    const char *convs = "diuxXo";
    char spec[32];
    for (const char *c = convs; *c; c++)
        for (unsigned flags = 0; flags < 32; flags++)
            for (size_t w = 0; w < COUNT(widths); w++)
                for (size_t p = 0; p < COUNT(precs); p++) {
                    bool is_signed = *c == 'd' || *c == 'i';
                    if (is_signed && (flags & 16)) /* '#' is UB for %d */
                        continue;
                    build_spec(spec, sizeof(spec), flags, widths[w], precs[p],
                               "", *c);
                    for (size_t v = 0; v < COUNT(ints); v++)
                        EXPECT_LIKE_LIBC(spec, ints[v]);
                }
}

TEST(format_matches_libc_long_long) {
    const long long vals[] = {0, -1, 1, INT64_MIN, INT64_MAX, 0x123456789abLL};
    const char *convs = "dxo";
    char spec[32];
    for (const char *c = convs; *c; c++)
        for (unsigned flags = 0; flags < 32; flags++)
            for (size_t w = 0; w < COUNT(widths); w++)
                for (size_t p = 0; p < COUNT(precs); p++) {
                    if (*c == 'd' && (flags & 16))
                        continue;
                    build_spec(spec, sizeof(spec), flags, widths[w], precs[p],
                               "ll", *c);
                    for (size_t v = 0; v < COUNT(vals); v++)
                        EXPECT_LIKE_LIBC(spec, vals[v]);
                }
}

TEST(format_matches_libc_string_and_char) {
    const char *strs[] = {"", "a", "hello", "a longer string here"};
    char spec[32];
    for (unsigned flags = 0; flags < 2; flags++) /* only '-' is defined */
        for (size_t w = 0; w < COUNT(widths); w++) {
            for (size_t p = 0; p < COUNT(precs); p++) {
                build_spec(spec, sizeof(spec), flags, widths[w], precs[p], "",
                           's');
                for (size_t s = 0; s < COUNT(strs); s++)
                    EXPECT_LIKE_LIBC(spec, strs[s]);
            }
            build_spec(spec, sizeof(spec), flags, widths[w], "", "", 'c');
            EXPECT_LIKE_LIBC(spec, 'q');
        }
}
