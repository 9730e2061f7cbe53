/*
 * The test task's main: it runs each test case in a child copy of itself
 * with the handles it holds, so a case that hangs or faults is reported by
 * name and the run goes on with the next one. Options (command line):
 * `limit=S` seconds per case (default 10), `only=PREFIX` to run only the
 * cases whose names start with PREFIX, `selftest` to run the cases that
 * prove the limits work instead of the suite (tools/boot_tests.py).
 */
#include "test.h"
#include <resea/cmdline.h>
#include <resea/supervisor.h>
#include <string.h>

#define DEBUG_EXIT_PORT 0xf4
#define LIMIT_DEFAULT_S 10
/* A case child's exit code: it printed its own PASS or FAIL line. */
#define CASE_PASSED 0x7e570000
#define CASE_FAILED 0x7e570001
/* CHILD_RUN_CASE's parameter: the case's index, and which list. */
#define SELFTEST_LIST (1u << 16)

extern const struct test_case __test_cases_start[], __test_cases_end[];

static const char *const exit_reasons[] = {
#define EXIT_REASON_NAME(name, value, msg) [value] = msg,
    EXIT_REASON_LIST(EXIT_REASON_NAME)
#undef EXIT_REASON_NAME
};

static const char *reason_name(uint32_t reason) {
    if (reason < sizeof(exit_reasons) / sizeof(exit_reasons[0]) &&
        exit_reasons[reason])
        return exit_reasons[reason];
    return "an unknown reason";
}

/* The harness's own proof (`selftest`): a case that hangs with a child
 * of its own, one that faults, one that exits, and one after them that
 * checks the hung case's child is gone. */
static void selftest_hang(void) {
    spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    for (volatile int i = 0;; i++)
        ; /* busy: only the deadline ends it */
}

static void selftest_fault(void) { *(volatile int *) 16 = 1; }

static void selftest_exit(void) { task_exit(3); }

static void selftest_after(void) {
    static struct task_status all[TASK_LIST_MAX];
    int n = task_list(H_SPAWN, all, TASK_LIST_MAX);
    CHECK(n > 0);
    for (int i = 0; i < n; i++)
        CHECK(strcmp(all[i].name, "test-child") != 0);
}

static const struct test_case selftest_cases[] = {
    {"harness_selftest_hang", selftest_hang},
    {"harness_selftest_fault", selftest_fault},
    {"harness_selftest_exit", selftest_exit},
    {"harness_selftest_after", selftest_after},
};

static const struct test_case *case_list(bool selftest, int *count) {
    if (selftest) {
        *count = sizeof(selftest_cases) / sizeof(selftest_cases[0]);
        return selftest_cases;
    }
    *count = __test_cases_end - __test_cases_start;
    return __test_cases_start;
}

/* In the child: run one case, print its result, end with it. */
static int run_case(uint64_t param) {
    int count;
    const struct test_case *list = case_list(param & SELFTEST_LIST, &count);
    int index = param & (SELFTEST_LIST - 1);
    if (index >= count)
        return -1;
    const struct test_case *t = &list[index];
    t->fn();
    if (test_failed()) {
        printf("FAIL %s: %s\n", t->name, test_reason());
        return CASE_FAILED;
    }
    printf("PASS %s\n", t->name);
    return CASE_PASSED;
}

/* The live tasks, to find those a failed case left behind. */
static struct task_status before[TASK_LIST_MAX], after[TASK_LIST_MAX];

static bool listed(const struct task_status *list, int n, task_t id) {
    for (int i = 0; i < n; i++) {
        if (list[i].id == id)
            return true;
    }
    return false;
}

/* End every task that was not there before the case: the next one starts
 * from the same system. */
static void kill_new_tasks(int num_before) {
    int n = task_list(H_SPAWN, after, TASK_LIST_MAX);
    for (int i = 0; i < n; i++) {
        if (!listed(before, num_before, after[i].id))
            task_kill_id(H_SPAWN, after[i].id);
    }
}

static handle_t start_case(uint64_t param) {
    uint64_t size;
    struct task_spec spec = {
        .name = "test",
        .image = self_image(&size),
        .image_size = size,
        .arg = CHILD_ARG(CHILD_RUN_CASE, param),
        .priority = TEST_PRIORITY,
        .memory = budget_to_give(CASE_MEMORY),
    };
    /* The child finds the same handles under the same tags. */
    startup_give(&spec, H_NAME, TAG_NAME);
    startup_give(&spec, H_SERVE, TAG_NAME_SERVE);
    startup_give(&spec, H_SPAWN, TAG_SPAWN);
    startup_give(&spec, H_IOPORT, TAG_IOPORT);
    startup_give(&spec, H_IRQ, TAG_IRQ);
    startup_give(&spec, startup_handle(TAG_TRACE), TAG_TRACE);
    startup_give(&spec, startup_handle(TAG_PAGER), TAG_PAGER);
    startup_give(&spec, startup_handle(TAG_DMA), TAG_DMA);
    /* Ours, passed on: init answers only us through it (a test checks). */
    startup_give(&spec, startup_handle(TAG_SUPERVISOR), TAG_SUPERVISOR);
    return task_create(H_SPAWN, &spec);
}

/* Wait for the task's end (told by NOTIFY_DEATH: we created it) until
 * the deadline; false if it is still alive then. */
static bool wait_end(handle_t h, uint64_t limit_ms, struct task_status *st) {
    uint64_t deadline = uptime_ms() + limit_ms;
    for (;;) {
        if (task_status(h, st) != OK || st->state == TASK_DEAD)
            return true;
        uint64_t now = uptime_ms();
        if (now >= deadline)
            return false;
        struct message m;
        ipc_recv_timeout(IPC_ANY, &m, deadline - now);
    }
}

/* Say why a case's task ended without a result of its own. */
static void report_end(const char *name, const struct task_status *st) {
    if (st->exit_reason == EXIT_NORMAL)
        printf("FAIL %s: exited with code %ld without a result\n", name,
               st->exit_code);
    else if (st->exit_reason == EXIT_KILLED)
        printf("FAIL %s: killed by another task\n", name);
    else if (st->exit_reason == EXIT_PAGE_FAULT)
        printf("FAIL %s: killed by page fault at rip %#lx, address %#lx\n",
               name, st->fault_rip, st->fault_addr);
    else
        printf("FAIL %s: killed by %s at rip %#lx\n", name,
               reason_name(st->exit_reason), st->fault_rip);
}

/* Run one case in a child within the limit; true if it passed. */
static bool run_in_child(const struct test_case *t, uint64_t param,
                         uint64_t limit_s) {
    int num_before = task_list(H_SPAWN, before, TASK_LIST_MAX);
    handle_t h = start_case(param);
    if (h < 0) {
        printf("FAIL %s: cannot start its task: %s\n", t->name, err_str(h));
        return false;
    }
    struct task_status st;
    bool passed = false;
    if (!wait_end(h, limit_s * 1000, &st)) {
        task_kill(h);
        printf("FAIL %s: timed out after %lu s\n", t->name, limit_s);
    } else if (st.exit_reason == EXIT_NORMAL &&
               (st.exit_code == CASE_PASSED || st.exit_code == CASE_FAILED)) {
        passed = st.exit_code == CASE_PASSED; /* it printed the line */
    } else {
        report_end(t->name, &st);
    }
    handle_close(h);
    if (!passed)
        kill_new_tasks(num_before);
    return passed;
}

int main(void) {
    note_copy_cost(); /* first: nothing of ours is mapped yet */
    test_caps = startup_caps();
    uint64_t arg = task_arg();
    if (arg && (arg & 0xff) == CHILD_RUN_CASE)
        return run_case(arg >> 8);
    if (arg)
        return child_main(arg);

    const char *cmdline = task_cmdline();
    if (cmdline_flag(cmdline, "logspoof"))
        return log_spoof_main(); /* a boot test reads what the log shows */
    bool selftest = cmdline_flag(cmdline, "selftest");
    uint64_t limit_s = cmdline_u64(cmdline, "limit", LIMIT_DEFAULT_S);
    char only[32] = "";
    cmdline_word(cmdline, "only", only, sizeof(only));
    int count, run = 0, passed = 0;
    const struct test_case *list = case_list(selftest, &count);
    for (int i = 0; i < count; i++) {
        if (strncmp(list[i].name, only, strlen(only)))
            continue;
        run++;
        passed +=
            run_in_child(&list[i], i | (selftest ? SELFTEST_LIST : 0), limit_s);
    }
    printf("%d passed, %d failed\n", passed, run - passed);
    /* Through init (caps := exit); our own port only if that fails. */
    uint32_t code = passed == run && run ? 0 : 1;
    error_t err = machine_exit(code);
    printf("machine_exit: %s\n", err_name(err));
    io_out(H_IOPORT, DEBUG_EXIT_PORT, 1, code);
    return 0;
}
