/*
 * A worker: random system calls until its budget is spent, a report to
 * the coordinator every PROGRESS_EVERY calls. Its handles at start:
 * H_COORD, then what the coordinator chose (fuzz.h).
 */
#include "worker.h"
#include <stdarg.h>

#define BUDGET_MIN 500
#define BUDGET_SPREAD 4000
#define REPORT_TIMEOUT_MS 1000
#define COORDINATOR_LINKS 2
#define HOARDERS 4

struct worker w;

int64_t sc(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
           uint64_t a5) {
    w.calls++;
    return syscall5(nr, a1, a2, a3, a4, a5);
}

static const char *const finding_what[] = {
#define FINDING_WHAT(name, id, what) what,
    FINDING_LIST(FINDING_WHAT)
#undef FINDING_WHAT
};

void found(enum finding kind, const char *fmt, ...) {
    static bool printed[FINDING_COUNT];
    if (!printed[kind] && !(w.flags >> WORKER_KNOWN_SHIFT & 1u << kind)) {
        char detail[160];
        va_list ap;
        va_start(ap, fmt);
        vformat(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        printf("fuzz: worker %#x: %s: %s (after %lu calls)\n", w.self,
               finding_what[kind], detail, w.calls);
        printed[kind] = true;
    }
    w.findings[kind]++;
    report_progress();
}

/* Our end when the budget is spent, or when the coordinator's handle is
 * gone (a random close or move took it): the unreported calls, and which
 * kinds of finding went unreported, in the exit code. */
static __attribute__((noreturn)) void end_worker(void) {
    uint64_t mask = 0;
    for (int k = 0; k < FINDING_COUNT; k++)
        mask |= (uint64_t) (w.findings[k] != 0) << k;
    task_exit(WORKER_EXIT_MAGIC | mask << 32 | (w.calls - w.reported));
}

/* A handle of ours that still sends to the coordinator, or 0. */
static handle_t coordinator_link(void) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        struct handle_info info;
        if (w.held[h].task == w.coordinator && handle_info(h, &info) == OK &&
            info.kind == KOBJ_TASK && info.task_id == w.coordinator &&
            (info.rights & RIGHT_SEND))
            return h;
    }
    return 0;
}

void report_progress(void) {
    handle_t link = coordinator_link();
    if (!link)
        end_worker();
    struct message m = {.type = FUZZ_PROGRESS_MSG};
    m.fuzz_progress.calls = w.calls - w.reported;
    m.fuzz_progress.cookie = mix64(w.seq);
    for (int k = 0; k < FINDING_COUNT; k++)
        m.fuzz_progress.findings[k] = w.findings[k];
    if (ipc_send_timeout(link, &m, REPORT_TIMEOUT_MS) != OK)
        return; /* try again later */
    w.reported = w.calls;
    for (int k = 0; k < FINDING_COUNT; k++)
        w.findings[k] = 0;
}

bool keep_link(uint64_t h) {
    if (h == 0 || h >= HANDLE_MAX || w.held[h].task != w.coordinator ||
        one_in(16))
        return false;
    int links = 0;
    for (handle_t i = 1; i < HANDLE_MAX; i++)
        links += w.held[i].kind == KOBJ_TASK && w.held[i].task == w.coordinator;
    return links <= 1;
}

/* Learn what we were given; make spare links to the coordinator. */
static void start(uint64_t arg) {
    w.flags = (arg >> 8) & 0xff;
    w.free_slot = (arg >> 16) & 0xff;
    w.seq = (uint32_t) (arg >> 32);
    rng_seed(mix64(arg));
    for (handle_t h = 1; h <= WORKER_HANDLES; h++)
        track(h);
    w.coordinator = w.held[H_COORD].task;
    for (int i = 0; i < COORDINATOR_LINKS; i++) /* spares: see keep_link */
        track(handle_dup(H_COORD, RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT, 0));
    handle_t self = task_self();
    track(self);
    w.self = w.held[self > 0 ? self : 0].task;
    /* One worker in HOARDERS starts with a full handle table: what is sent
     * or replied to it with a handle then fails with ERR_FULL. */
    if (one_in(HOARDERS)) {
        for (int64_t h; (h = sc(SYS_task_self, 0, 0, 0, 0, 0)) > 0;)
            track(h);
    }
}

int worker_main(uint64_t arg) {
    if (arg >> 8 & WORKER_STUCK) {
        for (struct message m;;)
            ipc_recv(IPC_ANY, &m);
    }
    start(arg);
    uint64_t budget = BUDGET_MIN + rnd_below(BUDGET_SPREAD);
    while (w.calls < budget) {
        fuzz_one_call();
        if (w.calls - w.reported >= PROGRESS_EVERY)
            report_progress();
    }
    end_worker();
}
