/*
 * The freestanding memcpy, memset and memmove of libs/common/util/string.c,
 * built here under other names (the C library's stay in charge of the
 * test program) and compared byte by byte with plain loops: every length
 * 0..300 at every source and destination alignment 0..15, with guard
 * bytes around the destination, and every compile-time constant length
 * 0..72 (the compiler specialises a call whose length it knows).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "check.h"

#define memcpy ut_memcpy
#define memmove ut_memmove
#define memset ut_memset
#define memcmp ut_memcmp
#define strlen ut_strlen
#define strnlen ut_strnlen
#define strcmp ut_strcmp
#define strncmp ut_strncmp
#define strchr ut_strchr
#define strstr ut_strstr
#define strlcpy ut_strlcpy
#define strncpy ut_strncpy
#define bzero ut_bzero
#define atoi ut_atoi
#include "../util/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strstr
#undef strlcpy
#undef strncpy
#undef bzero
#undef atoi

#define MAX_LEN 300
#define MAX_ALIGN 16
#define GUARD 32
#define BUF_SIZE (GUARD + MAX_ALIGN + MAX_LEN + GUARD)
#define GUARD_BYTE 0xa5

static uint8_t src_buf[BUF_SIZE], dst_buf[BUF_SIZE], want[BUF_SIZE];

static void fill_pattern(uint8_t *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t) (i * 7 + seed * 13 + 1);
}

/* dst_buf must equal want everywhere, guards included. */
static void check_buffers(const char *what, size_t n, size_t sa, size_t da) {
    for (size_t i = 0; i < BUF_SIZE; i++) {
        if (dst_buf[i] != want[i])
            test_fail(__FILE__, __LINE__,
                      "%s(n=%zu, src align %zu, dst align %zu): byte %zd "
                      "from the destination is %#x, expected %#x",
                      what, n, sa, da, (ptrdiff_t) i - GUARD - (ptrdiff_t) da,
                      dst_buf[i], want[i]);
    }
}

static void reset(void) {
    for (size_t i = 0; i < BUF_SIZE; i++)
        dst_buf[i] = want[i] = GUARD_BYTE;
}

static void expect_copy(size_t n, size_t sa, size_t da) {
    for (size_t i = 0; i < n; i++)
        want[GUARD + da + i] = src_buf[GUARD + sa + i];
}

static void expect_fill(size_t n, size_t da, uint8_t c) {
    for (size_t i = 0; i < n; i++)
        want[GUARD + da + i] = c;
}

TEST(string_memcpy_every_length_and_alignment) {
    fill_pattern(src_buf, sizeof(src_buf), 1);
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t sa = 0; sa < MAX_ALIGN; sa++) {
            for (size_t da = 0; da < MAX_ALIGN; da++) {
                reset();
                expect_copy(n, sa, da);
                void *r =
                    ut_memcpy(dst_buf + GUARD + da, src_buf + GUARD + sa, n);
                CHECK(r == dst_buf + GUARD + da);
                check_buffers("memcpy", n, sa, da);
            }
        }
    }
}

TEST(string_memset_every_length_and_alignment) {
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t da = 0; da < MAX_ALIGN; da++) {
            uint8_t c = (uint8_t) (n + da + 0x30);
            reset();
            expect_fill(n, da, c);
            /* An int beyond a byte: only its low byte counts. */
            void *r = ut_memset(dst_buf + GUARD + da, 0x1200 | c, n);
            CHECK(r == dst_buf + GUARD + da);
            check_buffers("memset", n, 0, da);
        }
    }
}

/* memmove inside one buffer, forward and backward, against a copy made
 * through a separate buffer. */
TEST(string_memmove_overlapping) {
    static uint8_t buf[BUF_SIZE], ref[BUF_SIZE], tmp[MAX_LEN];
    for (size_t n = 0; n <= 80; n++) {
        for (size_t from = 0; from < 24; from++) {
            for (size_t to = 0; to < 24; to++) {
                fill_pattern(buf, sizeof(buf), (unsigned) n);
                memcpy(ref, buf, sizeof(ref));
                for (size_t i = 0; i < n; i++)
                    tmp[i] = ref[GUARD + from + i];
                for (size_t i = 0; i < n; i++)
                    ref[GUARD + to + i] = tmp[i];
                void *r = ut_memmove(buf + GUARD + to, buf + GUARD + from, n);
                CHECK(r == buf + GUARD + to);
                for (size_t i = 0; i < sizeof(buf); i++) {
                    if (buf[i] != ref[i])
                        test_fail(__FILE__, __LINE__,
                                  "memmove(n=%zu, %zu -> %zu): byte %zu is "
                                  "%#x, expected %#x",
                                  n, from, to, i, buf[i], ref[i]);
                }
            }
        }
    }
}

/*
 * Constant lengths. flatten inlines the functions under test into each
 * call site, so every length below is known to the compiler there, as
 * it is in a task built with LTO.
 */
#define REPEAT8(M, b)                                                          \
    M(b + 0) M(b + 1) M(b + 2) M(b + 3) M(b + 4) M(b + 5) M(b + 6) M(b + 7)
#define LENGTHS_0_72(M)                                                        \
    REPEAT8(M, 0)                                                              \
    REPEAT8(M, 8)                                                              \
    REPEAT8(M, 16)                                                             \
    REPEAT8(M, 24)                                                             \
    REPEAT8(M, 32)                                                             \
    REPEAT8(M, 40) REPEAT8(M, 48) REPEAT8(M, 56) REPEAT8(M, 64) M(72)

#define CONST_COPY(n)                                                          \
    reset();                                                                   \
    expect_copy(n, sa, da);                                                    \
    ut_memcpy(dst_buf + GUARD + da, src_buf + GUARD + sa, n);                  \
    check_buffers("memcpy(constant)", n, sa, da);
#define CONST_SET(n)                                                           \
    reset();                                                                   \
    expect_fill(n, da, (uint8_t) (n + 1));                                     \
    ut_memset(dst_buf + GUARD + da, n + 1, n);                                 \
    check_buffers("memset(constant)", n, 0, da);
#define CONST_MOVE(n)                                                          \
    reset();                                                                   \
    expect_copy(n, sa, da);                                                    \
    ut_memmove(dst_buf + GUARD + da, src_buf + GUARD + sa, n);                 \
    check_buffers("memmove(constant)", n, sa, da);

__attribute__((flatten)) static void constant_lengths(size_t sa, size_t da){
    LENGTHS_0_72(CONST_COPY) LENGTHS_0_72(CONST_SET) LENGTHS_0_72(CONST_MOVE)}

TEST(string_constant_lengths) {
    fill_pattern(src_buf, sizeof(src_buf), 2);
    for (size_t sa = 0; sa < 8; sa++) {
        for (size_t da = 0; da < 8; da++)
            constant_lengths(sa, da);
    }
}

TEST(string_strlcpy_truncates_and_terminates) {
    char out[8];
    memset(out, 'x', sizeof(out));
    CHECK_INT_EQ(ut_strlcpy(out, "probe.srv", sizeof(out)), 9);
    CHECK_STR_EQ(out, "probe.s");
    CHECK_INT_EQ(ut_strlcpy(out, "abc", sizeof(out)), 3);
    CHECK_STR_EQ(out, "abc");
    CHECK_INT_EQ(ut_strlcpy(out, "zzz", 0), 3);
    CHECK_STR_EQ(out, "abc");
}

TEST(string_strncpy_pads_and_may_leave_unterminated) {
    char out[8];
    memset(out, 'x', sizeof(out));
    CHECK(ut_strncpy(out, "ab", 5) == out);
    CHECK(memcmp(out, "ab\0\0\0xxx", 8) == 0); /* padded to n, no further */
    ut_strncpy(out, "abcdefgh", 4);
    CHECK(memcmp(out, "abcd\0xxx", 8) == 0); /* 4 bytes, no NUL */
}

TEST(string_bzero_clears_exactly_n_bytes) {
    char out[6] = "abcde";
    ut_bzero(out + 1, 3);
    CHECK(memcmp(out, "a\0\0\0e", 6) == 0);
}

TEST(string_atoi_reads_a_leading_number) {
    CHECK_INT_EQ(ut_atoi("42"), 42);
    CHECK_INT_EQ(ut_atoi("  \t-17abc"), -17);
    CHECK_INT_EQ(ut_atoi("+8"), 8);
    CHECK_INT_EQ(ut_atoi("x1"), 0);
    CHECK_INT_EQ(ut_atoi(""), 0);
    CHECK_INT_EQ(ut_atoi("2147483647"), 2147483647);
}
