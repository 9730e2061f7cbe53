/*
 * Tests written with Resea's <unittest.h>, run by test_compat.c through
 * unittest_run(): two that pass and one that must fail.
 */
#include <unittest.h>

TEST("1 + 1 equals 2") { TEST_EXPECT_EQ(1 + 1, 2); }

TEST("every comparison holds") {
    int three = 3;
    TEST_EXPECT_NE(three, 4);
    TEST_EXPECT_LT(three, 4);
    TEST_EXPECT_LE(three, 3);
    TEST_EXPECT_GT(three, 2);
    TEST_EXPECT_GE(three, 3);
}

/* The first failure is the one reported; the test goes on after it. */
int compat_after_failure;
TEST("a wrong expectation fails") {
    compat_after_failure = 0;
    TEST_EXPECT_EQ(2 * 2, 5);
    TEST_EXPECT_LT(3, 1);
    compat_after_failure = 1;
}
