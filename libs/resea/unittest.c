/* The runner of <unittest.h>'s tests. */
#include <format.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <string.h>
#include <unittest.h>

/* The tests, in section .unittests (libs/resea/user.ld). */
extern const struct unittest __unittests_start[], __unittests_end[];

#define UNITTEST_LINE_MAX 256

/* The running test's first failure: the rest of its line. */
static char reason[UNITTEST_LINE_MAX];
static bool failed;

void unittest_expect_fail(const char *file, unsigned line, const char *expr,
                          unsigned long long a, unsigned long long b) {
    if (failed)
        return;
    failed = true;
    format(reason, sizeof(reason), "%s:%u: %s (left %#llx, right %#llx)", file,
           line, expr, a, b);
}

static void print_line(const char *line) { printf("%s\n", line); }

static bool selected(const struct unittest *t, const char *only) {
    return only == NULL || strncmp(t->name, only, strlen(only)) == 0;
}

int unittest_run(const char *only, void (*out)(const char *line)) {
    if (out == NULL)
        out = print_line;
    int num_failed = 0;
    for (const struct unittest *t = __unittests_start; t < __unittests_end;
         t++) {
        if (!selected(t, only))
            continue;
        failed = false;
        t->fn();
        char line[UNITTEST_LINE_MAX * 2];
        if (failed) {
            format(line, sizeof(line), "FAIL %s: %s", t->name, reason);
            num_failed++;
        } else {
            format(line, sizeof(line), "PASS %s", t->name);
        }
        out(line);
    }
    return num_failed;
}
