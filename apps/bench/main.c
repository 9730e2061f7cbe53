/*
 * Micro-benchmarks, printed as `BENCH <name> <value> <unit>`. Run with
 * `make bench`: QEMU's -icount shift=0 makes the time stamp counter count
 * guest instructions, so every figure is deterministic.
 */
#include <bootfs.h>
#include <msgtypes.h>
#include <layout.h>
#include <resea/malloc.h>
#include <resea/printf.h>
#include <resea/event_loop.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <config.h>
#include <trace.h>
#include <vm.h>

#define DEBUG_EXIT_PORT 0xf4
#define MODE_ECHO 1
#define MODE_NOTIFIED 2
#define MODE_CONSUMER 3
#define MODE_CLIENT 4
#define MODE_SHM_SERVER 5
#define MODE_PAGER 6
#define SHM_SIZE (64 * 1024)
#define ASYNC_MSGS 6400
#define ASYNC_MSG_BYTES 32
#define SERVER_PRIORITY 11 /* our own: see run_below_peers */
#define CLIENT_PRIORITY 10
/* Messages of 56 bytes of data: the size every message had before the
 * data grew to MSG_DATA_SIZE, so figures compare across that change. */
#define BENCH_DATA 56
#define MSG_BENCH MSG_TYPE(MSG_USER, BENCH_DATA, 0)

static uint8_t ool[IPC_OOL_MAX];
static handle_t spawner, ports; /* ours, by start-up tag */

static uint64_t tsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t) hi << 32) | lo;
}

/* The server side: answer every call with an empty reply. */
static int echo_server(void) {
    ipc_ool_buffer(ool, sizeof(ool));
    struct message m;
    ipc_recv(IPC_ANY, &m);
    for (;;) {
        task_t client = m.src;
        m.type = MSG_BENCH;
        ipc_replyrecv(client, &m);
    }
}

/*
 * The shared-memory server: the first call brings a memory object, mapped
 * read-only here once; every later call names a payload in it by offset
 * and length (words 0 and 1), read where it is. The reply: the sum of the
 * payload's first word in each page, which the client changes every time.
 */
static uint64_t shm_read(const uint8_t *shm, uint64_t offset, uint64_t len) {
    if (offset > SHM_SIZE || len > SHM_SIZE - offset)
        return 0;
    uint64_t sum = 0;
    for (uint64_t at = offset; at < offset + len; at += PAGE_SIZE)
        sum += *(const volatile uint64_t *) (shm + at);
    return sum;
}

static int shm_server(void) {
    struct message m;
    ipc_recv_handle(IPC_ANY, &m);
    int64_t at =
        vm_map(msg_take_handle(&m), 0, VM_ANYWHERE, SHM_SIZE, MAP_READ);
    m.words[0] = at < 0 ? (uint64_t) at : OK;
    for (;;) {
        m.type = MSG_BENCH;
        ipc_replyrecv(m.src, &m);
        m.words[0] =
            at < 0 ? 0 : shm_read((const uint8_t *) at, m.words[0], m.words[1]);
    }
}

/* A pager that zero-fills every fault it is sent (vm.h). */
static int pager(void) {
    struct message m;
    ipc_recv(IPC_ANY, &m);
    for (;;) {
        task_t faulting = m.src;
        m.type = MSG_PAGE_REPLY; /* a zeroed page */
        ipc_replyrecv(faulting, &m);
    }
}

/* Wait for notifications forever. */
static int notified(void) {
    struct message m;
    for (;;)
        ipc_recv(IPC_ANY, &m);
}

static void count_async(struct event_loop *loop, const struct async_msg *msg) {
    (void) msg;
    if (++*(int *) loop->user == ASYNC_MSGS)
        event_loop_stop(loop);
}

/* Take ASYNC_MSGS async messages, then end. */
static int consumer(void) {
    int got = 0;
    struct event_loop loop = {.on_async = count_async, .user = &got};
    if (event_loop_add_peer(&loop, 1) == OK) /* the bench, which sends */
        event_loop_run(&loop);
    return got;
}

static handle_t spawn_with(int mode, handle_t give) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "bench");
    struct task_spec spec = {.name = "bench-peer",
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .arg = mode,
                             .priority = SERVER_PRIORITY,
                             .num_handles = give ? 1 : 0,
                             .handles = {give}};
    return task_create(spawner, &spec);
}

static handle_t spawn(int mode) { return spawn_with(mode, 0); }

static void report(const char *name, uint64_t total, uint64_t n,
                   const char *unit) {
    printf("BENCH %s %lu %s\n", name, total / n, unit);
}

static void bench_null_syscall(void) {
    enum { N = 10000 };
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++)
        sys_nop();
    report("null_syscall", tsc() - t0, N, "cycles");
}

/* Cycles per call + reply carrying `len` bytes out of line. */
/* Not inlined: `make profile` stops here. */
__attribute__((noinline)) static uint64_t round_trip(handle_t server,
                                                     size_t len, int n) {
    struct message m;
    uint64_t t0 = tsc();
    for (int i = 0; i < n; i++) {
        m.type = MSG_BENCH | (len ? MSG_OOL : 0);
        m.ool_ptr = (uint64_t) ool;
        m.ool_len = len;
        ipc_call(server, &m);
    }
    return (tsc() - t0) / n;
}

/* One anonymous page mapped where the kernel finds room, and unmapped. */
static void bench_vm_map(void) {
    enum { N = 2000 };
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) {
        int64_t at = vm_map(0, 0, VM_ANYWHERE, PAGE_SIZE, MAP_READ | MAP_WRITE);
        if (at < 0 || vm_unmap((void *) at, PAGE_SIZE) != OK) {
            printf("bench: vm_map_unmap_4k: %s\n", err_name((error_t) at));
            return;
        }
    }
    report("vm_map_unmap_4k", tsc() - t0, N, "cycles");
}

/* A first touch of a page in a region a pager serves: the fault, the
 * kernel's call to the pager, its reply, the page mapped, the task
 * resumed. Each round reserves the region afresh. */
static void bench_page_fault(void) {
    enum { PAGES = 64, ROUNDS = 8 };
    handle_t p = spawn(MODE_PAGER);
    uint64_t total = 0;
    for (int round = 0; round < ROUNDS && p > 0; round++) {
        int64_t at =
            vm_pager(VM_ANYWHERE, PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE, p);
        if (at < 0) {
            printf("bench: page_fault_to_pager: %s\n", err_name((error_t) at));
            break;
        }
        uint64_t t0 = tsc();
        for (int i = 0; i < PAGES; i++)
            ((volatile uint64_t *) at)[i * (PAGE_SIZE / 8)] = (uint64_t) i;
        total += tsc() - t0;
        vm_unmap((void *) at, PAGES * PAGE_SIZE);
    }
    if (p > 0 && total)
        report("page_fault_to_pager", total, PAGES * ROUNDS, "cycles");
    task_kill(p);
    handle_close(p);
}

/* A pair in a loop, as a task calls them: the slab is kept between. */
static void bench_malloc(void) {
    enum { N = 10000 };
    free(malloc(64));
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) {
        void *p = malloc(64);
        __asm__ volatile("" : : "r"(p) : "memory"); /* p is used */
        free(p);
    }
    report("malloc_free_64", tsc() - t0, N, "cycles");
}

/* A 64 KiB payload each way by a shared object set up once: each call
 * writes a word in every page, the server reads them where they are. */
static uint64_t shm_round_trips(handle_t server, volatile uint64_t *shm, int n,
                                uint64_t *sum) {
    struct message m;
    uint64_t t0 = tsc();
    for (int i = 0; i < n; i++) {
        for (int page = 0; page < SHM_SIZE / PAGE_SIZE; page++)
            shm[page * (PAGE_SIZE / 8)] = (uint64_t) i + page;
        m.type = MSG_BENCH;
        m.words[0] = 0;
        m.words[1] = SHM_SIZE;
        ipc_call(server, &m);
        *sum = m.words[0];
    }
    return (tsc() - t0) / n;
}

static error_t shm_setup(handle_t mem, handle_t server, int64_t *at) {
    *at = vm_map(mem, 0, VM_ANYWHERE, SHM_SIZE, MAP_READ | MAP_WRITE);
    if (*at < 0)
        return (error_t) *at;
    struct message m = {.type = MSG_BENCH | MSG_HANDLE_MOVE};
    m.handle = handle_dup(mem, RIGHT_MAP_READ, 0);
    error_t err = ipc_call(server, &m);
    return err ? err : (error_t) m.words[0];
}

static void bench_shm(void) {
    enum { N = 500, PAGES = SHM_SIZE / PAGE_SIZE };
    handle_t mem = mem_create(SHM_SIZE, 0), server = spawn(MODE_SHM_SERVER);
    int64_t at = 0;
    error_t err = mem < 0 ? mem : server < 0 ? server : OK;
    if (!err)
        err = shm_setup(mem, server, &at);
    uint64_t sum = 0, cycles = 0;
    if (!err) {
        shm_round_trips(server, (volatile uint64_t *) at, 10, &sum);
        cycles = shm_round_trips(server, (volatile uint64_t *) at, N, &sum);
    }
    /* The last round wrote N - 1 + page into each page. */
    if (!err && sum != (uint64_t) PAGES * (N - 1) + PAGES * (PAGES - 1) / 2)
        err = ERR_BAD_STATE;
    if (err)
        printf("bench: shm_round_trip_64k: %s\n", err_name(err));
    else
        printf("BENCH shm_round_trip_64k %lu cycles\n", cycles);
    if (at > 0)
        vm_unmap((void *) at, SHM_SIZE);
    task_kill(server);
    handle_close(server);
    handle_close(mem);
}

static void bench_notify(void) {
    enum { N = 2000 };
    handle_t peer = spawn(MODE_NOTIFIED);
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++)
        ipc_notify(peer, 1ull << 16);
    report("notify_waiting_task", tsc() - t0, N, "cycles");
    task_kill(peer);
    handle_close(peer);
}

static void bench_ipc(void) {
    handle_t server = spawn(MODE_ECHO);
    round_trip(server, 0, 10); /* warm up: the server reaches its loop */
    printf("BENCH ipc_round_trip %lu cycles\n", round_trip(server, 0, 2000));
    printf("BENCH ipc_round_trip_ool_4k %lu cycles\n",
           round_trip(server, 4096, 500));
    printf("BENCH ipc_round_trip_ool_64k %lu cycles\n",
           round_trip(server, 65536, 50));
    bench_shm();

    /* MESSIP-style: round trips per million guest instructions by size. */
    static const size_t sizes[] = {0, 64, 256, 1024, 4096, 16384, 65536};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t cycles = round_trip(server, sizes[i], 50);
        printf("BENCH round_trips_per_minsn_%lu %lu rt/Minsn\n", sizes[i],
               1000000 / cycles);
    }
    task_kill(server);
    handle_close(server);
}

/* Producer to consumer, `batch` messages per pull: the queue holds one
 * batch, released when full, so every pull takes exactly `batch`. */
static void bench_async(uint32_t batch, const char *name) {
    handle_t self = task_self();
    handle_t pull = handle_dup(self, RIGHT_CALL | RIGHT_GRANT, 0);
    handle_t peer = spawn_with(MODE_CONSUMER, pull);
    struct async_attr attr = {
        .max_msgs = batch, .trigger_count = batch, .block_when_full = true};
    async_open(peer, &attr);
    uint8_t payload[ASYNC_MSG_BYTES] = {0};
    uint64_t t0 = tsc();
    for (uint32_t i = 0; i < ASYNC_MSGS; i++) {
        payload[0] = i;
        async_put(peer, MSG_BENCH, payload, sizeof(payload), NULL, NULL);
    }
    async_flush(peer);
    struct message m;
    struct task_status ts;
    task_status(peer, &ts);
    while (ipc_recv(ts.id, &m) == OK) /* until the consumer has them all */
        async_handle_request(&m);
    report(name, tsc() - t0, ASYNC_MSGS, "cycles");
    async_handle_death();
    handle_close(peer);
    handle_close(pull);
    handle_close(self);
}

/*
 * The measurements run in a copy of us one priority below the peers it
 * starts, so that a peer it wakes runs at once; we start at the peers'
 * priority (a spawn handle reaches no higher than its holder) and hand
 * the copy our handles.
 */
/* The client's budget: its peers get the default each. */
#define CLIENT_MEMORY (24 * 1024 * 1024ull)

static int run_below_peers(void) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "bench");
    struct task_spec spec = {.name = "bench-client",
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .arg = MODE_CLIENT,
                             .priority = CLIENT_PRIORITY,
                             .memory = budget_to_give(CLIENT_MEMORY)};
    startup_give(&spec, startup_handle(TAG_NAME), TAG_NAME);
    startup_give(&spec, spawner, TAG_SPAWN);
    startup_give(&spec, ports, TAG_IOPORT);
#ifdef CONFIG_TRACE
    startup_give(&spec, startup_handle(TAG_TRACE), TAG_TRACE);
#endif
    handle_t h = task_create(spawner, &spec);
    if (h < 0)
        return h;
    struct message m;
    for (;;) /* it ends QEMU */
        ipc_recv(IPC_ANY, &m);
}

#ifdef CONFIG_TRACE
/* What recording costs, in a kernel built with CONFIG_TRACE: the events
 * one round trip records, the round trip with recording stopped, and the
 * difference per event. The ring is never read here: it wraps, as it does
 * under a reader that keeps up. */
static void bench_trace(void) {
    enum { N = 2000 };
    handle_t t = startup_handle(TAG_TRACE);
    struct trace_status before, after;
    if (t <= 0 || trace_op(t, TRACE_OP_STATUS, &before, 0) != OK)
        return;
    handle_t server = spawn(MODE_ECHO);
    round_trip(server, 0, 10);
    trace_op(t, TRACE_OP_STATUS, &before, 0);
    uint64_t on = round_trip(server, 0, N);
    trace_op(t, TRACE_OP_STATUS, &after, 0);
    trace_op(t, TRACE_OP_ENABLE, NULL, 0);
    uint64_t off = round_trip(server, 0, N);
    trace_op(t, TRACE_OP_ENABLE, NULL, 1);
    uint64_t events = (after.recorded - before.recorded + N / 2) / N;
    printf("BENCH trace_events_per_round_trip %lu events\n", events);
    printf("BENCH ipc_round_trip_recording_off %lu cycles\n", off);
    if (events)
        printf("BENCH trace_cost_per_event %lu cycles\n", (on - off) / events);
    task_kill(server);
    handle_close(server);
}
#endif

int main(void) {
    switch (task_arg()) { /* the peers hold no start-up handles */
    case MODE_CONSUMER:
        return consumer();
    case MODE_ECHO:
        return echo_server();
    case MODE_SHM_SERVER:
        return shm_server();
    case MODE_NOTIFIED:
        return notified();
    case MODE_PAGER:
        return pager();
    }
    spawner = startup_handle(TAG_SPAWN);
    ports = startup_handle(TAG_IOPORT);
    if (task_arg() != MODE_CLIENT)
        return run_below_peers();
    bench_null_syscall();
    bench_ipc();
    bench_notify();
    bench_vm_map();
    bench_page_fault();
    bench_malloc();
    /* Powers of two, dividing ASYNC_MSGS: every pull takes a whole batch.
     * Constant arguments, as the figures were first measured with. */
    bench_async(1, "async_msg_cost_b1");
    bench_async(2, "async_msg_cost_b2");
    bench_async(4, "async_msg_cost_b4");
    bench_async(8, "async_msg_cost_b8");
    bench_async(16, "async_msg_cost_b16");
    bench_async(32, "async_msg_cost_b32");
    bench_async(64, "async_msg_cost_b64");
#ifdef CONFIG_TRACE
    bench_trace();
#endif
    printf("BENCH done\n");
    io_out(ports, DEBUG_EXIT_PORT, 1, 0);
    return 0;
}
