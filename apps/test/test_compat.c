/*
 * Resea's user API as Resea programs find it: <types.h>, the print and
 * assert macros, <resea/timer.h>, <resea/malloc.h>, <resea/datetime.h>
 * and <unittest.h>.
 */
#include <resea/datetime.h>
#include <resea/malloc.h>
#include <resea/timer.h>
#include <string.h>
#include <types.h>
#include <unittest.h>
/* test.h has a TEST of its own, for the cases here. */
#undef TEST
#include "test.h"

/* The ways compat_die ends a child. */
enum compat_death {
    DIE_ASSERT = 1,
    DIE_ASSERT_OK,
    DIE_PANIC,
    DIE_UNREACHABLE,
};

int compat_die(uint64_t how) {
    ASSERT(1 + 1 == 2);   /* holds: goes on */
    ASSERT_OK(OK);        /* so does this */
    OOPS("only printed"); /* not the end either */
    switch (how) {
    case DIE_ASSERT:
        ASSERT(how == 0);
        break;
    case DIE_ASSERT_OK:
        ASSERT_OK((error_t) ERR_NOT_FOUND);
        break;
    case DIE_PANIC:
        PANIC("on purpose (%d)", 42);
    case DIE_UNREACHABLE:
        UNREACHABLE();
    }
    return 1; /* the macro did not end the task */
}

TEST(compat_assert_and_panic_end_only_the_task) {
    for (int how = DIE_ASSERT; how <= DIE_UNREACHABLE; how++) {
        handle_t h =
            spawn_peer(CHILD_COMPAT_DIE, how, TEST_PRIORITY - 1, 0, NULL);
        CHECK(h > 0);
        /* Exited, not killed, and we go on. */
        CHECK_EQ(exit_code_of(h), TASK_PANIC_EXIT_CODE);
    }
}

TEST(compat_print_macros_name_the_program) {
    CHECK(strcmp(__program_name(), "test") == 0);
    INFO("INFO from %s", "a test");
    TRACE("TRACE");
    DBG("DBG");
    WARN("WARN %d", 1);
    WARN_DBG("WARN_DBG");
    ERROR("ERROR");
    OOPS_OK(ERR_NOT_FOUND); /* prints, does not end the task */
    DEBUG_ASSERT(true);
    HEXDUMP("0123456789abcdefXYZ", 19);
    CHECK(strcmp(err2str(ERR_NOT_FOUND), err_str(ERR_NOT_FOUND)) == 0);
}

/* Each argument once; the result in the arguments' type. */
TEST(compat_types_and_arithmetic) {
    int i = 0;
    CHECK_EQ(MIN(i++, 10), 0);
    CHECK_EQ(i, 1);
    CHECK_EQ(MAX(i++, -5), 1);
    CHECK_EQ(i, 2);
    CHECK_EQ(ALIGN_UP(4097ull, PAGE_SIZE), 8192);
    CHECK_EQ(ALIGN_UP(4096ull, PAGE_SIZE), 4096);
    CHECK_EQ(ALIGN_DOWN(0x1234567fffull, PAGE_SIZE), 0x1234567000ull);
    CHECK(IS_ALIGNED((vaddr_t) 0x3000, PAGE_SIZE));
    CHECK(!IS_ALIGNED((paddr_t) 0x3008, PAGE_SIZE));
    STATIC_ASSERT(sizeof(paddr_t) == 8 && sizeof(vaddr_t) == 8);
    STATIC_ASSERT(sizeof(offset_t) == 8 && sizeof(msec_t) == 4);
    notifications_t all = NOTIFY_TIMER | NOTIFY_ASYNC | (1ull << 63);
    CHECK(all >> 63 == 1);
    struct __packed {
        uint8_t a;
        uint32_t b;
    } packed;
    STATIC_ASSERT(sizeof(packed) == 5);
    char buf[4] = "abc";
    bzero(buf, 2);
    CHECK(buf[0] == 0 && buf[1] == 0 && buf[2] == 'c');
    CHECK_EQ(atoi(" -31"), -31);
}

static void drain_all(void) {
    struct message m;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK)
        ;
}

/* timer_set(ms) fires once; the two-argument form is still the periodic
 * system call. */
TEST(compat_timer_set_is_one_shot) {
    drain_all();
    CHECK_ERR(timer_set(15), OK);
    struct message m;
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 2000), OK);
    CHECK_EQ(m.type, MSG_NOTIFICATIONS);
    CHECK(m.notifications.bits & NOTIFY_TIMER);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 60), ERR_TIMEOUT);
    CHECK_ERR(timer_set(-1), ERR_INVALID_ARG);
    CHECK_ERR(timer_set(30), OK);
    CHECK_ERR(timer_set(0), OK); /* cancelled before it fires */
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 100), ERR_TIMEOUT);
    CHECK_ERR(timer_set(5, 5), OK);
    for (int n = 0; n < 2; n++) {
        CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 2000), OK);
        CHECK(m.notifications.bits & NOTIFY_TIMER);
    }
    CHECK_ERR(timer_set(0), OK);
}

TEST(compat_malloc_realloc_strdup) {
    char *p = malloc(16);
    CHECK(p != NULL);
    memcpy(p, "0123456789abcde", 16);
    p = realloc(p, 3000); /* from a slab to pages of its own */
    CHECK(p != NULL);
    CHECK(strcmp(p, "0123456789abcde") == 0);
    p[2999] = 'z';
    p = realloc(p, 8);
    CHECK(p != NULL && memcmp(p, "01234567", 8) == 0);
    free(p);
    char *s = strdup("resea");
    CHECK(s != NULL && strcmp(s, "resea") == 0);
    char *t = strndup(s, 2);
    CHECK(t != NULL && strcmp(t, "re") == 0);
    free(s);
    free(t);
    uint32_t *z = calloc(8, sizeof(uint32_t));
    CHECK(z != NULL);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(z[i], 0);
    free(z);
}

/* The dates of Resea's own test (the host tests check many more). */
TEST(compat_datetime) {
    struct datetime dt;
    timestamp_to_datetime(1605866400, &dt);
    CHECK(dt.year == 2020 && dt.month == 11 && dt.day == 20);
    CHECK(dt.hour == 10 && dt.minute == 0 && dt.second == 0);
    CHECK_EQ(dt.day_of_week, 6);
    CHECK_EQ(datetime_to_timestamp(&dt), 1605866400);
}

/* What unittest_run handed out, line by line. */
#define UNITTEST_LINES 8
static char lines[UNITTEST_LINES][256];
static int num_lines;

static void keep_line(const char *line) {
    if (num_lines < UNITTEST_LINES)
        strlcpy(lines[num_lines], line, sizeof(lines[0]));
    num_lines++;
}

extern int compat_after_failure;

TEST(compat_unittest_runs_and_reports) {
    num_lines = 0;
    CHECK_EQ(unittest_run("compat_unittests.c: ", keep_line), 1);
    CHECK_EQ(num_lines, 3);
    CHECK(!strcmp(lines[0], "PASS compat_unittests.c: 1 + 1 equals 2"));
    CHECK(!strcmp(lines[1], "PASS compat_unittests.c: every comparison holds"));
    const char *fail = "FAIL compat_unittests.c: a wrong expectation fails: ";
    CHECK(!strncmp(lines[2], fail, strlen(fail)));
    CHECK(strstr(lines[2], "compat_unittests.c:"));
    CHECK(strstr(lines[2], ": 2 * 2 == 5 (left 0x4, right 0x5)"));
    CHECK(!strstr(lines[2], "3 < 1")); /* the first failure only */
    CHECK_EQ(compat_after_failure, 1);
    num_lines = 0;
    CHECK_EQ(unittest_run("compat_unittests.c: 1 +", keep_line), 0);
    CHECK_EQ(num_lines, 1);
    num_lines = 0;
    CHECK_EQ(unittest_run("no such test", keep_line), 0);
    CHECK_EQ(num_lines, 0);
}
