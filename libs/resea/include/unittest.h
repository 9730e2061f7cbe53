#pragma once
/*
 * Resea's unit tests: TEST("what it checks") { ... } defines a test, and
 * the TEST_EXPECT_* macros compare two values. A failed expectation
 * fails the test, which goes on to its end (as in Resea); its FAIL line
 * names the first.
 *
 * unittest_run() runs them (libs/resea/unittest.c): a task made of tests
 * has `int main(void) { return unittest_run(NULL, NULL); }`.
 *
 * Each test's name is its file's name, ": " and its title, as in Resea.
 */

struct unittest {
    const char *name;
    void (*fn)(void);
};

/* Records a failed expectation of the running test. */
void unittest_expect_fail(const char *file, unsigned line, const char *expr,
                          unsigned long long a, unsigned long long b);

/*
 * Runs the tests whose names start with `only` (NULL or "": all) in link
 * order and hands `out` one line for each (NULL: printf, with a newline):
 * "PASS <name>" or "FAIL <name>: <file>:<line>: <a> <op> <b> (left A,
 * right B)" after the first failed expectation, the format the test
 * harness counts (docs/testing.md). Returns how many failed.
 */
int unittest_run(const char *only, void (*out)(const char *line));

#define UNITTEST_CAT_(a, b) a##b
#define UNITTEST_CAT(a, b) UNITTEST_CAT_(a, b)
#define UNITTEST_DEFINE(title, fn)                                             \
    static void fn(void);                                                      \
    __attribute__((section(".unittests"), used)) static const struct unittest  \
        UNITTEST_CAT(fn, _entry) = {__FILE_NAME__ ": " title, fn};             \
    static void fn(void)
#define TEST(title)                                                            \
    UNITTEST_DEFINE(title, UNITTEST_CAT(unittest_fn_, __COUNTER__))

/* a and b are each evaluated once more after a failed comparison. */
#define UNITTEST_EXPECT(a, b, op)                                              \
    do {                                                                       \
        if (!((a) op(b)))                                                      \
            unittest_expect_fail(__FILE__, __LINE__, #a " " #op " " #b,        \
                                 (unsigned long long) (a),                     \
                                 (unsigned long long) (b));                    \
    } while (0)

#define TEST_EXPECT_EQ(a, b) UNITTEST_EXPECT(a, b, ==)
#define TEST_EXPECT_NE(a, b) UNITTEST_EXPECT(a, b, !=)
#define TEST_EXPECT_LT(a, b) UNITTEST_EXPECT(a, b, <)
#define TEST_EXPECT_LE(a, b) UNITTEST_EXPECT(a, b, <=)
#define TEST_EXPECT_GT(a, b) UNITTEST_EXPECT(a, b, >)
#define TEST_EXPECT_GE(a, b) UNITTEST_EXPECT(a, b, >=)
