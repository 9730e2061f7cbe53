/*
 * asyncdemo: a producer and its consumer, copies of one program
 * (docs/async.md, "A worked example"). The copy its starter (a shell's
 * `run asyncdemo`, or init) starts stays out of the way: it starts the
 * producer one priority below the top of its spawn handle's range and
 * waits for it to end. The producer starts the consumer at the top, so
 * that the consumer runs as soon as it is told, gives it a CALL handle
 * to pull with and the terminal, and sends to it with async_put. All
 * three end once the demonstration is over.
 */
#include <bootfs.h>
#include <layout.h>
#include <resea/async.h>
#include <resea/event_loop.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdbool.h>
#include <string.h>

/* The copies' task_arg: a shell passes its port (1..3), init 0. */
#define MODE_PRODUCER 0xc0
#define MODE_CONSUMER 0xc1
#define QUIET_MS 50 /* serve() ends after this long with nothing to do */

static int value_of(const struct async_msg *msg) {
    int v;
    memcpy(&v, msg->data, sizeof(v));
    return v;
}

/* Pull from src until it has nothing left; false once the stop came. */
static bool pull_all(handle_t src) {
    struct async_msg msgs[ASYNC_BATCH_MAX];
    int n;
    while ((n = async_recv_batch(src, msgs, ASYNC_BATCH_MAX)) > 0) {
        if (msgs[n - 1].type == ASYNCDEMO_STOP_MSG)
            return false;
        printf("consumer: one pull: %d messages, %d..%d\n", n,
               value_of(&msgs[0]), value_of(&msgs[n - 1]));
    }
    return true;
}

/* On NOTIFY_ASYNC: who has mail? Pull from each until it has nothing. */
static int consumer(void) {
    for (;;) {
        struct message m;
        if (ipc_recv(IPC_ANY, &m) != OK || m.type != MSG_NOTIFICATIONS ||
            !(m.notifications.bits & NOTIFY_ASYNC))
            continue;
        struct notify_source src;
        while (async_senders(&src, 1) == 1) {
            if (!pull_all(src.handle)) {
                printf("consumer: ASYNCDEMO_STOP_MSG, exiting\n");
                return 0;
            }
        }
    }
}

static void done(error_t status, void *arg) {
    printf("producer: completion of %d: %s\n", (int) (intptr_t) arg,
           err_name(status));
}

static error_t put(handle_t c, int v, async_done_fn fn) {
    return async_put(c, ASYNCDEMO_ITEM_MSG, &v, sizeof(v), fn,
                     (void *) (intptr_t) v);
}

/* Answer pulls and handle deaths until nothing comes for QUIET_MS;
 * returns how many messages and notifications came. */
static int serve(void) {
    struct event_loop loop = {0}; /* no callbacks: the library's part only */
    int n = 0;
    while (event_loop_dispatch(&loop, QUIET_MS) == OK)
        n++;
    return n;
}

/* The highest priority our spawn handle reaches, or an error. */
static int64_t top_priority(void) {
    struct handle_info info;
    if (handle_info(startup_handle(TAG_SPAWN), &info) != OK ||
        info.kind != KOBJ_SPAWN || info.count == 0)
        return ERR_NOT_PERMITTED;
    return info.base + info.count - 1;
}

/* Another copy of us in `mode`, given the terminal and `give` (if > 0)
 * under `tag`. */
/* The consumer's budget: its image and stack. The producer starts it,
 * so needs as much again for itself (build.mk gives us enough for both). */
#define CONSUMER_MEMORY (1024 * 1024ull)
#define PRODUCER_MEMORY (2 * CONSUMER_MEMORY)

static handle_t start_copy(const char *name, uint64_t mode, int64_t priority,
                           handle_t give, uint32_t tag) {
    uint64_t memory = mode == MODE_PRODUCER ? PRODUCER_MEMORY : CONSUMER_MEMORY;
    if (priority < 0)
        return ERR_NOT_PERMITTED;
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "asyncdemo");
    struct task_spec spec = {.name = name,
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .arg = mode,
                             .priority = priority,
                             .memory = memory};
    startup_give(&spec, give, tag);
    startup_give(&spec, startup_handle(TAG_CONSOLE), TAG_CONSOLE);
    return task_create(startup_handle(TAG_SPAWN), &spec);
}

static handle_t start_consumer(void) {
    handle_t self = task_self();
    handle_t pull = handle_dup(self, RIGHT_CALL | RIGHT_GRANT, 0);
    handle_t c = start_copy("asyncdemo-consumer", MODE_CONSUMER, top_priority(),
                            pull, TAG_NONE);
    handle_close(pull); /* the consumer has its own copy */
    handle_close(self);
    return c;
}

static int producer(void) {
    handle_t c = start_consumer();
    if (c < 0) {
        printf("producer: no consumer: %s\n", err_name(c));
        return 1;
    }

    /* 1. Released four at a time, delivered in one pull. */
    struct async_attr attr = {.max_msgs = 8, .trigger_count = 4};
    async_open(c, &attr);
    for (int i = 0; i < 3; i++)
        put(c, i, done);
    printf("producer: put 0..2, requests in %d ms: %d\n", QUIET_MS, serve());
    put(c, 3, done);
    serve();

    /* 2. Eight fill the queue; the ninth is refused. */
    for (int i = 4; i < 13; i++) {
        error_t err = put(c, i, done);
        if (err != OK)
            printf("producer: put %d: %s\n", i, err_name(err));
    }
    serve();

    /* 3. The same bound, but a full queue waits and serves the pulls. */
    async_disconnect(c); /* nothing is queued: nothing to abort */
    attr.block_when_full = true;
    async_open(c, &attr);
    for (int i = 100; i < 120; i++)
        put(c, i, NULL);
    printf("producer: put 100..119, all OK\n");
    serve();

    /* 4. The consumer stops; what is still queued here is aborted. */
    int stop = -1;
    async_put(c, ASYNCDEMO_STOP_MSG, &stop, sizeof(stop), NULL, NULL);
    async_flush(c); /* release it, below the count trigger */
    for (int i = 200; i < 203; i++)
        put(c, i, done);
    serve(); /* NOTIFY_DEATH: the event loop calls async_handle_death */
    printf("producer: put 203: %s\n", err_name(put(c, 203, done)));
    handle_close(c);
    printf("producer: done\n");
    return 0;
}

/* Start the producer below the consumer (a spawn handle passed on reaches
 * no higher than its holder) and wait for it to end. */
static int launcher(void) {
    int64_t top = top_priority();
    handle_t p = start_copy("asyncdemo-producer", MODE_PRODUCER, top - 1,
                            startup_handle(TAG_SPAWN), TAG_SPAWN);
    if (p < 0) {
        printf("asyncdemo: no producer: %s\n", err_name(p));
        return 1;
    }
    struct task_status st;
    while (task_status(p, &st) == OK && st.state != TASK_DEAD) {
        struct message m; /* NOTIFY_DEATH: we created it */
        ipc_recv(IPC_ANY, &m);
    }
    handle_close(p);
    return st.exit_code == 0 ? 0 : 1;
}

int main(void) {
    switch (task_arg()) {
    case MODE_PRODUCER:
        return producer();
    case MODE_CONSUMER:
        return consumer();
    default:
        return launcher();
    }
}
