/*
 * The coordinator: keeps WORKERS workers running until they have made the
 * calls asked for (command line: seed=N calls=N caps=0|1), answers their
 * reports and requests, kills those that stop reporting, then ends every
 * task the run made and checks the kernel gave back all it took. With
 * `selftest` the first workers block for ever and a task is left alive at
 * the end: the watchdog and the leak checks must notice
 * (tools/boot_tests.py).
 */
#include "checks.h"
#include "coordinator.h"
#include <bootfs.h>
#include <layout.h>
#include <resea/cmdline.h>
#include <resea/startup.h>

#define TICK_MS 20
#define WATCHDOG_MS 500
/* Calls between progress lines: a fixed step, so that a run with more
 * calls repeats a shorter one with the same seed as far as it went. */
#define PROGRESS_STEP 5000
#define DEBUG_EXIT_PORT 0xf4

struct run r;
static struct baseline before;

/* The handles workers are given: narrowed to what is harmless. */
static bool setup(void) {
    r.spawn = startup_handle(TAG_SPAWN);
    handle_t ports = startup_handle(TAG_IOPORT), irqs = startup_handle(TAG_IRQ);
    r.exit_port = ports;
    r.ioport = handle_narrow(ports, FUZZ_PORT_BASE, FUZZ_PORT_COUNT);
    r.irq = handle_narrow(irqs, FUZZ_IRQ, 1);
    r.self = task_self();
    if (r.spawn <= 0 || r.ioport <= 0 || r.irq <= 0 || r.self <= 0) {
        printf("FAIL %s/setup: needs spawn, I/O-port and IRQ handles "
               "(caps := spawn ioport irq)\n",
               r.name);
        return false;
    }
    return true;
}

static void print_progress(void) {
    static uint64_t next;
    if (r.calls < next)
        return;
    printf("fuzz: %lu calls, %lu ms\n", r.calls, uptime_ms() - r.start_ms);
    next = (r.calls / PROGRESS_STEP + 1) * PROGRESS_STEP;
}

/* End every task the run made that is still there (tasks workers
 * created outlive them). */
static void kill_strays(void) {
    static struct task_status all[TASKS_LISTED];
    int n = task_list(r.spawn, all, TASKS_LISTED);
    for (int i = 0; i < n; i++) {
        if (!baseline_has(&before, all[i].id) && !slot_of(all[i].id))
            task_kill_id(r.spawn, all[i].id);
    }
}

static void run(void) {
    bool stopping = false;
    while (!stopping || workers_alive()) {
        if (!stopping && r.calls >= r.target) {
            stopping = true;
            kill_workers();
        }
        if (!stopping && !fill_slots())
            kill_strays(); /* out of task slots or memory: make room */
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, TICK_MS) == OK)
            serve(&m);
        reap_workers();
        if (!stopping)
            watchdog(WATCHDOG_MS);
        print_progress();
    }
    kill_strays();
    drain();
}

static int report(void) {
    uint64_t ms = uptime_ms() - r.start_ms;
    printf("fuzz: %lu calls in %lu ms (%lu calls/s); %u workers: %u done, "
           "%u killed, %u faulted, %u exited early, %u by the watchdog\n",
           r.calls, ms, ms ? r.calls * 1000 / ms : 0, r.spawned, r.done,
           r.killed, r.faulted, r.exited, r.watchdog_kills);
    int failed = baseline_compare(&before, r.name);
    for (int k = 0; k < FINDING_COUNT; k++) {
        if (r.findings[k])
            printf("FAIL %s/%s: found %lu times (see the fuzz: lines)\n",
                   r.name, finding_check(k), r.findings[k]);
        else
            printf("PASS %s/%s\n", r.name, finding_check(k));
        failed += r.findings[k] != 0;
    }
    int total = BASELINE_CHECKS + FINDING_COUNT;
    printf("%d passed, %d failed\n", total - failed, failed);
    return failed;
}

int coordinator_main(void) {
    ipc_ool_buffer(NULL, 0); /* a worker's out-of-line data: refused */
    const char *cmdline = task_cmdline();
    r.seed = cmdline_u64(cmdline, "seed", 1);
    r.target = cmdline_u64(cmdline, "calls", 100000);
    r.caps = cmdline_u64(cmdline, "caps", 1) != 0;
    r.selftest = cmdline_flag(cmdline, "selftest");
    format(r.name, sizeof(r.name), "fuzz/%s/seed%lu",
           r.caps ? "caps" : "nocaps", r.seed);
    rng_seed(mix64(r.seed));
    if (!setup()) {
        printf("0 passed, 1 failed\n");
        io_out(r.exit_port, DEBUG_EXIT_PORT, 1, 1);
        return 1;
    }
    baseline_take(&before);
    r.free_slot = baseline_free_slot(&before);
    printf("fuzz: seed %lu, %lu calls, %s, %d workers\n", r.seed, r.target,
           r.caps ? "caps" : "nocaps", WORKERS);
    r.start_ms = uptime_ms();
    run();
    if (r.selftest)
        fill_slots(); /* stuck workers left alive: a leak to be found */
    int failed = report();
    io_out(r.exit_port, DEBUG_EXIT_PORT, 1, failed ? 1 : 0);
    return failed;
}
