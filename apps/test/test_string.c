/*
 * memcpy, memset and memmove as every task and the kernel get them:
 * built with the project's flags (-O2, LTO), called with every
 * compile-time constant length 0..72 (each call site below sees its
 * length as a constant, as LTO-inlined callers do), every byte and the
 * guard bytes around the destination checked.
 */
#include "test.h"
#include <string.h>

#define GUARD 16
#define MAX_LEN 72
#define BUF_SIZE (GUARD + 8 + MAX_LEN + GUARD)
#define GUARD_BYTE 0xa5

static uint8_t src[BUF_SIZE], dst[BUF_SIZE];

/* Opaque to the optimiser, so the checks read what the copy wrote. */
static void *launder(void *p) {
    __asm__ volatile("" : "+r"(p)::"memory");
    return p;
}

static void prepare(void) {
    for (int i = 0; i < BUF_SIZE; i++) {
        src[i] = (uint8_t) (i * 7 + 1);
        dst[i] = GUARD_BYTE;
    }
}

/* 0 when dst holds `expect(i)` at [GUARD + da, + n) and guards elsewhere. */
#define CHECK_RESULT(what, n, da, expect)                                      \
    do {                                                                       \
        const uint8_t *d_ = launder(dst);                                      \
        for (int i_ = 0; i_ < BUF_SIZE; i_++) {                                \
            int k_ = i_ - GUARD - (da);                                        \
            uint8_t want_ = (k_ >= 0 && k_ < (n)) ? (expect) : GUARD_BYTE;     \
            if (d_[i_] != want_) {                                             \
                test_fail(__FILE__, __LINE__,                                  \
                          "%s(n=%d, align %d): byte %d is %#x, expected %#x",  \
                          what, n, da, k_, d_[i_], want_);                     \
                return;                                                        \
            }                                                                  \
        }                                                                      \
    } while (0)

#define REPEAT8(M, b)                                                          \
    M(b + 0) M(b + 1) M(b + 2) M(b + 3) M(b + 4) M(b + 5) M(b + 6) M(b + 7)
#define LENGTHS_0_72(M)                                                        \
    REPEAT8(M, 0)                                                              \
    REPEAT8(M, 8)                                                              \
    REPEAT8(M, 16)                                                             \
    REPEAT8(M, 24)                                                             \
    REPEAT8(M, 32)                                                             \
    REPEAT8(M, 40) REPEAT8(M, 48) REPEAT8(M, 56) REPEAT8(M, 64) M(72)

#define COPY_N(n)                                                              \
    prepare();                                                                 \
    memcpy(dst + GUARD + da, src + GUARD, n);                                  \
    CHECK_RESULT("memcpy", n, da, src[GUARD + k_]);
#define SET_N(n)                                                               \
    prepare();                                                                 \
    memset(dst + GUARD + da, 0x40 + (n), n);                                   \
    CHECK_RESULT("memset", n, da, 0x40 + (n));
#define MOVE_N(n)                                                              \
    prepare();                                                                 \
    memmove(dst + GUARD + da, src + GUARD, n);                                 \
    CHECK_RESULT("memmove", n, da, src[GUARD + k_]);

/* Aligned and unaligned destinations: the word loop and its tail. */
static void copy_constant_lengths(int da) { LENGTHS_0_72(COPY_N) }
static void set_constant_lengths(int da) { LENGTHS_0_72(SET_N) }
static void move_constant_lengths(int da){LENGTHS_0_72(MOVE_N)}

TEST(string_memcpy_constant_lengths) {
    copy_constant_lengths(0);
    copy_constant_lengths(3);
}

TEST(string_memset_constant_lengths) {
    set_constant_lengths(0);
    set_constant_lengths(5);
}

TEST(string_memmove_constant_lengths) {
    move_constant_lengths(0);
    move_constant_lengths(7);
}

/* memmove within one buffer, both directions, against a byte loop. */
TEST(string_memmove_overlap) {
    static uint8_t buf[160], want[160];
    for (int n = 0; n <= MAX_LEN; n++) {
        for (int from = 0; from < 16; from++) {
            for (int to = 0; to < 16; to++) {
                for (int i = 0; i < (int) sizeof(buf); i++)
                    buf[i] = want[i] = (uint8_t) (i + n);
                uint8_t tmp[MAX_LEN];
                for (int i = 0; i < n; i++)
                    tmp[i] = want[from + i];
                for (int i = 0; i < n; i++)
                    want[to + i] = tmp[i];
                memmove(buf + to, buf + from, n);
                CHECK(!memcmp(launder(buf), want, sizeof(buf)));
            }
        }
    }
}

/* The case seen in the wild: a name of 9 characters lost its last one. */
TEST(string_strlcpy_constant_names) {
    char out[MSG_DATA_SIZE];
    static const char *const names[] = {"probe.srv", "eighteen.chars.ab",
                                        "twenty-seven.characters.xy",
                                        "thirty-six.characters.in.this.name"};
    CHECK_EQ(strlcpy(out, "probe.srv", sizeof(out)), 9);
    CHECK(!strcmp(launder(out), "probe.srv"));
    CHECK_EQ(strlcpy(out, "eighteen.chars.abc", sizeof(out)), 18);
    CHECK(!strcmp(launder(out), "eighteen.chars.abc"));
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t len = strlen(names[i]);
        CHECK_EQ(strlcpy(out, names[i], sizeof(out)), len);
        CHECK(!memcmp(launder(out), names[i], len + 1));
    }
}
