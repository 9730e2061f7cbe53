#pragma once
/*
 * A tiny host test framework. TEST(name) defines and registers a test;
 * the CHECK macros end the running test at the first failure (longjmp
 * back to the runner, so they also work inside helper functions).
 *
 * Output, one line per test: "PASS host/<name>" or
 * "FAIL host/<name>: <file>:<line>: <reason>", then "N passed, M failed".
 */
#include <stdint.h>
#include <error.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

void test_register(const struct test_case *tc);
/* Records the failure and leaves the running test; never returns. */
_Noreturn void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                             \
    static void test_fn_##name(void);                                          \
    __attribute__((constructor)) static void test_reg_##name(void) {           \
        static const struct test_case tc = {#name, test_fn_##name};            \
        test_register(&tc);                                                    \
    }                                                                          \
    static void test_fn_##name(void)

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);          \
    } while (0)

#define CHECK_INT_EQ(actual, expected)                                         \
    do {                                                                       \
        intmax_t a_ = (intmax_t) (actual);                                     \
        intmax_t e_ = (intmax_t) (expected);                                   \
        if (a_ != e_)                                                          \
            test_fail(__FILE__, __LINE__, "%s is %jd, expected %s = %jd",      \
                      #actual, a_, #expected, e_);                             \
    } while (0)

void check_str_eq(const char *file, int line, const char *expr,
                  const char *actual, const char *expected);
#define CHECK_STR_EQ(actual, expected)                                         \
    check_str_eq(__FILE__, __LINE__, #actual, (actual), (expected))

#define CHECK_ERR(actual, expected)                                            \
    do {                                                                       \
        error_t a_ = (actual);                                                 \
        error_t e_ = (expected);                                               \
        if (a_ != e_)                                                          \
            test_fail(__FILE__, __LINE__, "%s returned %s, expected %s",       \
                      #actual, err_name(a_), err_name(e_));                    \
    } while (0)

/* Deterministic xorshift64 PRNG for the fuzz loops. */
static inline uint64_t test_rand(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}
