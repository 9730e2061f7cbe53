/*
 * One generator per system call, each drawing its arguments from the
 * pools (pools.c). The table comes from SYSCALL_LIST: a new system call
 * does not build until it has a generator here.
 */
#include "worker.h"
#include <layout.h>

#define PAGE 4096
#define RARE 32 /* calls that end us or flood the log: 1 turn in RARE */

/* Handles must be 1..HANDLE_MAX-1 as 64-bit values: no truncation. */
static bool handle_in_range(uint64_t h) { return h > 0 && h < HANDLE_MAX; }

static void expect_refused(uint64_t h, int64_t ret, const char *call) {
    if (!handle_in_range(h) && ret >= 0)
        found(FINDING_BAD_ARG, "%s(%#lx) returned %ld", call, h, ret);
}

static void fuzz_nop(void) {
    sc(SYS_nop, pick_value(), pick_value(), pick_value(), pick_value(),
       pick_value());
}

/* Whether p may be mapped: our image or the boot image. */
static bool maybe_mapped(uint64_t p) {
    return (p >= USER_IMAGE_BASE && p < USER_IMAGE_END) ||
           (p >= BOOTFS_ADDR && p < BOOTFS_ADDR + (1ull << 32));
}

/* Bad buffers, and now and then a few dots: no random bytes reach the
 * log, where they could read as a PASS or FAIL line. */
static void fuzz_console_write(void) {
    static const char dots[] = "........";
    if (one_in(RARE)) {
        sc(SYS_console_write, (uint64_t) dots, rnd_below(sizeof(dots)), 0, 0,
           0);
        return;
    }
    uint64_t len = 1 + rnd_below(64);
    uint64_t p = pick_ptr(len, false);
    if (maybe_mapped(p))
        len = 4097; /* too long: refused before anything is printed */
    sc(SYS_console_write, p, len, 0, 0, 0);
}

/* It ends us: one turn in 4 * RARE; the others go to IPC. */
static void fuzz_task_exit(void) {
    if (!one_in(4 * RARE)) {
        fuzz_ipc();
        return;
    }
    int64_t code = (int64_t) pick_value() & ~WORKER_EXIT_MASK;
    sc(SYS_task_exit, (uint64_t) code, 0, 0, 0, 0);
}

/* Kills: one turn in KILLS aims at a live task, so that workers live
 * long enough to get somewhere; the others at handles and ids that name
 * nothing any more (or never did). */
#define KILLS 4

static void fuzz_task_kill(void) {
    uint64_t h = one_in(KILLS) ? pick_handle(KOBJ_TASK) : free_index();
    if (handle_in_range(h) && w.held[h].task == w.self && !one_in(RARE))
        return; /* ourselves: rarely */
    expect_refused(h, sc(SYS_task_kill, h, 0, 0, 0, 0), "task_kill");
}

static void fuzz_task_status(void) {
    uint64_t h = pick_handle(KOBJ_TASK);
    int64_t ret = sc(SYS_task_status, h,
                     pick_ptr(sizeof(struct task_status), true), 0, 0, 0);
    expect_refused(h, ret, "task_status");
}

static void fuzz_handle_close(void) {
    uint64_t h = pick_handle(0);
    if (keep_link(h))
        h = pick_handle(0);
    int64_t ret = sc(SYS_handle_close, h, 0, 0, 0, 0);
    expect_refused(h, ret, "handle_close");
    if (ret == OK)
        untrack(h);
}

static void fuzz_notify(void) {
    uint64_t h = pick_handle(KOBJ_TASK);
    uint64_t bits = one_in(4) ? 1ull << rnd_below(64) : pick_value();
    expect_refused(h, sc(SYS_notify, h, bits, 0, 0, 0), "notify");
}

/* Any task id: the kernel decides whether we are its server. Bits other
 * than NOTIFY_ASYNC must always be refused. */
static void fuzz_notify_client(void) {
    uint64_t id = one_in(8) ? pick_value() : pick_id();
    uint64_t bits = one_in(2) ? NOTIFY_ASYNC : pick_value();
    int64_t ret = sc(SYS_notify_client, id, bits, 0, 0, 0);
    if ((bits & ~NOTIFY_ASYNC) && ret >= 0)
        found(FINDING_BAD_ARG, "notify_client(%#lx, %#lx) returned %ld", id,
              bits, ret);
}

static uint64_t pick_port(void) {
    return one_in(2) ? FUZZ_PORT_BASE + rnd_below(FUZZ_PORT_COUNT + 1)
                     : pick_value();
}

static uint64_t pick_width(void) {
    static const uint64_t widths[] = {1, 2, 4, 0, 3, 8, 1ull << 32 | 1};
    return widths[rnd_below(sizeof(widths) / sizeof(widths[0]))];
}

static void fuzz_io_in(void) {
    sc(SYS_io_in, pick_handle(KOBJ_IOPORT), pick_port(), pick_width(), 0, 0);
}

static void fuzz_io_out(void) {
    sc(SYS_io_out, pick_handle(KOBJ_IOPORT), pick_port(), pick_width(),
       pick_value(), 0);
}

static void fuzz_sysinfo(void) {
    sc(SYS_sysinfo, pick_handle(KOBJ_SPAWN),
       pick_ptr(sizeof(struct sysinfo), true), 0, 0, 0);
}

static void fuzz_uptime(void) {
    sc(SYS_uptime, pick_value(), pick_value(), 0, 0, 0);
}

/* "ps" walks every task in whatever state it is in: rarely, for the
 * log's sake; other strings only from bad pointers (no random bytes in
 * the log). */
static void fuzz_kdebug(void) {
    static const char cmds[] = "ps\0help\0\0x";
    static const uint8_t offs[] = {0, 3, 8, 9};
    uint64_t p = pick_ptr(8, false);
    if (maybe_mapped(p))
        p = one_in(RARE * 4) ? (uint64_t) &cmds[offs[rnd_below(sizeof(offs))]]
                             : (uint64_t) &cmds[8];
    sc(SYS_kdebug, pick_handle(KOBJ_SPAWN), p, 0, 0, 0);
}

static void fuzz_handle_dup(void) {
    uint64_t h = pick_handle(0);
    uint64_t rights = one_in(4) ? pick_value() : rnd_below(RIGHTS_ALL + 1);
    uint64_t badge = one_in(2) ? 0 : pick_value();
    int64_t ret = sc(SYS_handle_dup, h, rights, badge, 0, 0);
    expect_refused(h, ret, "handle_dup");
    track(ret);
}

static void fuzz_task_self(void) { track(sc(SYS_task_self, 0, 0, 0, 0, 0)); }

static void fuzz_timer_set(void) {
    uint64_t first = one_in(2) ? rnd_below(20) : pick_value();
    uint64_t period = one_in(2) ? 0 : one_in(2) ? rnd_below(20) : pick_value();
    sc(SYS_timer_set, first, period, 0, 0, 0);
}

/* Often over the message buffer we receive in (the kernel must not let
 * data land on the header it wrote), else anywhere. */
static void fuzz_ipc_ool_buffer(void) {
    uint64_t len = one_in(4) ? pick_len(IPC_OOL_MAX) : 1 + rnd_below(PAGE);
    uint64_t p = pick_ptr(len, true);
    if (one_in(2)) {
        p = arena_before(ipc_home(), 8 * rnd_below(4));
        len = sizeof(struct message) + rnd_below(PAGE);
    }
    sc(SYS_ipc_ool_buffer, p, len, 0, 0, 0);
}

static void fuzz_handle_narrow(void) {
    int kind = one_in(2) ? KOBJ_IOPORT : KOBJ_IRQ;
    uint64_t h = pick_handle(kind);
    uint64_t base = pick_value(), count = pick_value();
    if (one_in(2)) { /* near the range held */
        base = (kind == KOBJ_IOPORT ? FUZZ_PORT_BASE : FUZZ_IRQ) +
               rnd_below(3) - 1;
        count = rnd_below(3);
    }
    int64_t ret = sc(SYS_handle_narrow, h, base, count, 0, 0);
    expect_refused(h, ret, "handle_narrow");
    track(ret);
}

static uint64_t pick_irq(void) {
    return one_in(2) ? FUZZ_IRQ + rnd_below(3) - 1 : pick_value();
}

static void fuzz_irq_listen(void) {
    sc(SYS_irq_listen, pick_handle(KOBJ_IRQ), pick_irq(), 0, 0, 0);
}

static void fuzz_irq_unlisten(void) {
    sc(SYS_irq_unlisten, pick_handle(KOBJ_IRQ), pick_irq(), 0, 0, 0);
}

static void fuzz_task_watch(void) {
    uint64_t h = pick_handle(KOBJ_TASK);
    expect_refused(h, sc(SYS_task_watch, h, 0, 0, 0, 0), "task_watch");
}

static void fuzz_handle_info(void) {
    uint64_t h = pick_handle(0);
    int64_t ret = sc(SYS_handle_info, h,
                     pick_ptr(sizeof(struct handle_info), true), 0, 0, 0);
    expect_refused(h, ret, "handle_info");
}

static void fuzz_notify_sources(void) {
    uint64_t max = one_in(2) ? rnd_below(8) : pick_value();
    sc(SYS_notify_sources, pick_ptr(8 * (max & 0xff), true), max, 0, 0, 0);
}

static void fuzz_task_list(void) {
    uint64_t max = one_in(2) ? rnd_below(300) : pick_value();
    uint64_t len = sizeof(struct task_status) * (max & 0x1ff);
    sc(SYS_task_list, pick_handle(KOBJ_SPAWN), pick_ptr(len, true), max, 0, 0);
}

static void fuzz_task_kill_id(void) {
    task_t id = pick_kill_id();
    if (!one_in(KILLS)) /* another generation of its slot */
        id += (1 + (task_t) rnd_below(4)) << 8;
    sc(SYS_task_kill_id, pick_handle(KOBJ_SPAWN), id, 0, 0, 0);
}

/* Short: a sleeping worker does nothing, and nothing wakes it early. */
static void fuzz_sleep(void) {
    uint64_t ms = one_in(8) ? pick_value() : rnd_below(3);
    if (ms > IPC_TIMEOUT_MAX && !one_in(2))
        ms = IPC_TIMEOUT_MAX + 1; /* refused */
    sc(SYS_sleep, ms, 0, 0, 0, 0);
}

/* Workers hold no trace handle: every operation must refuse. */
static void fuzz_trace(void) {
    uint64_t op = one_in(2) ? 1 + rnd_below(4) : pick_value();
    uint64_t max = one_in(2) ? rnd_below(9) : pick_value();
    sc(SYS_trace, pick_handle(KOBJ_TRACE), op, pick_ptr(32 * (max & 7), true),
       max, 0);
}

/* Memory (vm.h). Sizes stay small, so a worker's budget lasts; addresses
 * are anywhere, our own image and boot image (refused), or wild. */
static uint64_t pick_size(void) {
    return one_in(4) ? pick_value() : PAGE * rnd_below(5) + rnd_below(2);
}

static uint64_t pick_map_addr(void) {
    return one_in(2) ? 0 : one_in(2) ? pick_ptr(PAGE, true) : pick_value();
}

static void fuzz_mem_create(void) {
    uint64_t flags = one_in(4) ? pick_value() : 0;
    track(sc(SYS_mem_create, pick_size(), flags, 0, 0, 0));
}

/* Workers hold no device-memory right: every call must refuse. */
static void fuzz_mem_create_device(void) {
    uint64_t h = pick_handle(KOBJ_DMA);
    int64_t ret = sc(SYS_mem_create_device, h, pick_size(), 0, 0, 0);
    if (ret >= 0)
        found(FINDING_BAD_ARG, "mem_create_device(%#lx) returned %ld", h, ret);
}

static void fuzz_mem_info(void) {
    uint64_t h = pick_handle(KOBJ_MEMORY);
    int64_t ret =
        sc(SYS_mem_info, h, pick_ptr(sizeof(struct mem_info), true), 0, 0, 0);
    expect_refused(h, ret, "mem_info");
}

static void fuzz_vm_map(void) {
    uint64_t h = one_in(2) ? 0 : pick_handle(KOBJ_MEMORY);
    uint64_t off = one_in(2)   ? 0
                   : one_in(2) ? PAGE * rnd_below(3)
                               : pick_value();
    uint64_t flags = one_in(4) ? pick_value() : rnd_below(MAP_FLAGS_ALL + 1);
    sc(SYS_vm_map, h, off, pick_map_addr(), pick_size(), flags);
}

static void fuzz_vm_unmap(void) {
    sc(SYS_vm_unmap, pick_map_addr(), pick_size(), 0, 0, 0);
}

static void fuzz_vm_status(void) {
    sc(SYS_vm_status, pick_ptr(sizeof(struct vm_status), true), 0, 0, 0, 0);
}

static void fuzz_vm_pager(void) {
    uint64_t flags = one_in(4) ? pick_value() : rnd_below(MAP_FLAGS_ALL + 1);
    sc(SYS_vm_pager, pick_map_addr(), pick_size(), flags,
       pick_handle(KOBJ_TASK), 0);
}

/* Numbers past the list (also with high bits set): ERR_BAD_SYSCALL. The
 * first argument is never a valid handle, whatever the number is. */
static void fuzz_beyond(void) {
    uint64_t nr = SYS_COUNT + rnd_below(8);
    if (one_in(2))
        nr = one_in(2) ? rnd()
                       : (1ull << (32 + rnd_below(32))) | rnd_below(SYS_COUNT);
    int64_t ret = sc(nr, 0, pick_value(), pick_value(), 0, 0);
    if (ret != ERR_BAD_SYSCALL)
        found(FINDING_BAD_ARG, "syscall %#lx returned %ld", nr, ret);
}

#define GENERATOR(num, name, ...) [num] = fuzz_##name,
static void (*const generators[SYS_COUNT])(void) = {SYSCALL_LIST(GENERATOR)};
#undef GENERATOR

void fuzz_one_call(void) {
    uint64_t r = rnd_below(1000);
    if (r < 350)
        fuzz_ipc();
    else if (r < 370)
        fuzz_beyond();
    else if (r < 372)
        fuzz_cpu();
    else
        generators[rnd_below(SYS_COUNT)]();
}
