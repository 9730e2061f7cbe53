/* Runs every registered host test (or those whose name contains argv[1]). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define MAX_TESTS 512
#define REASON_MAX 512

static const struct test_case *tests[MAX_TESTS];
static size_t num_tests;
static jmp_buf test_exit;
static char reason[REASON_MAX];

void test_register(const struct test_case *tc) {
    if (num_tests == MAX_TESTS) {
        fprintf(stderr, "too many tests; raise MAX_TESTS\n");
        exit(2);
    }
    tests[num_tests++] = tc;
}

void test_fail(const char *file, int line, const char *fmt, ...) {
    int n = snprintf(reason, sizeof(reason), "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t) n < sizeof(reason))
        vsnprintf(reason + n, sizeof(reason) - (size_t) n, fmt, ap);
    va_end(ap);
    longjmp(test_exit, 1);
}

void check_str_eq(const char *file, int line, const char *expr,
                  const char *actual, const char *expected) {
    if (actual == NULL || expected == NULL) {
        if (actual != expected)
            test_fail(file, line, "%s is %s, expected %s", expr,
                      actual ? actual : "NULL", expected ? expected : "NULL");
        return;
    }
    if (strcmp(actual, expected) != 0)
        test_fail(file, line, "%s is \"%s\", expected \"%s\"", expr, actual,
                  expected);
}

/* Constructor order differs between compilers: sort for stable output. */
static int by_name(const void *a, const void *b) {
    const struct test_case *x = *(const struct test_case *const *) a;
    const struct test_case *y = *(const struct test_case *const *) b;
    return strcmp(x->name, y->name);
}

static int run_one(const struct test_case *tc) {
    if (setjmp(test_exit) == 0) {
        tc->fn();
        printf("PASS host/%s\n", tc->name);
        return 1;
    }
    printf("FAIL host/%s: %s\n", tc->name, reason);
    return 0;
}

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    unsigned passed = 0;
    unsigned failed = 0;
    qsort(tests, num_tests, sizeof(tests[0]), by_name);
    for (size_t i = 0; i < num_tests; i++) {
        if (filter != NULL && strstr(tests[i]->name, filter) == NULL)
            continue;
        if (run_one(tests[i]))
            passed++;
        else
            failed++;
        fflush(stdout);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
