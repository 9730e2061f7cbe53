/*
 * ringdemo: a producer and its consumer sharing a ring buffer through
 * memory objects (docs/memory.md, "A worked example"). The copy a shell's
 * `run ringdemo` starts is the producer. It starts the consumer, a copy
 * of itself, one priority below, so that the consumer runs only while the
 * producer waits, and the ring fills up.
 *
 * Each side writes only a page it made and the other maps read-only: the
 * producer's ring (the slots and the write index), the consumer's read
 * index. The producer announces data with a notification; when the ring
 * is full it calls the consumer, which replies once it has emptied it, so
 * the consumer never waits for the producer.
 */
#include <bootfs.h>
#include <layout.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <vm.h>

/* The consumer's task_arg: a shell passes its port (1..3), init 0. */
#define MODE_CONSUMER 0xc1
#define PAGE 4096
#define SLOTS 8
#define SLOT_SIZE 32
#define MESSAGES 20
#define CONSUMER_MEMORY (256 * 1024)

struct ring {        /* the producer's page */
    uint32_t write;  /* slots written, ever */
    uint32_t closed; /* nothing comes after `write` */
    char slot[SLOTS][SLOT_SIZE];
};

struct read_index { /* the consumer's page */
    uint32_t read;  /* slots read, ever */
};

static uint32_t load(const uint32_t *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Print what the ring holds and free its slots; false once the producer
 * has closed it and it is empty. */
static bool take_all(const struct ring *ring, struct read_index *ri) {
    bool closed = load(&ring->closed); /* first: then `write` is final */
    uint32_t read = ri->read, write = load(&ring->write);
    if (write != read)
        printf("consumer: %u messages: '%.*s' .. '%.*s'\n", write - read,
               SLOT_SIZE, ring->slot[read % SLOTS], SLOT_SIZE,
               ring->slot[(write - 1) % SLOTS]);
    store(&ri->read, write);
    return !closed;
}

/* Map the ring we are given, make our read index and give it back. */
static bool setup(const struct ring **ring, struct read_index **ri) {
    struct message m;
    if (ipc_recv_handle(IPC_ANY, &m) != OK || m.type != RINGDEMO_SHARE_MSG)
        return false;
    handle_t ring_mem = msg_take_handle(&m);
    int64_t refused = vm_map(ring_mem, 0, VM_ANYWHERE, PAGE, MAP_WRITE);
    printf("consumer: mapping the ring writable: %s\n",
           err_name((error_t) refused));
    int64_t ring_at = vm_map(ring_mem, 0, VM_ANYWHERE, PAGE, MAP_READ);
    handle_t ri_mem = mem_create(sizeof(**ri), 0);
    int64_t ri_at = vm_map(ri_mem, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_WRITE);
    handle_t give = handle_dup(ri_mem, RIGHT_MAP_READ, 0);
    if (ring_at < 0 || ri_at < 0 || give < 0)
        return false;
    *ring = (const struct ring *) ring_at;
    *ri = (struct read_index *) ri_at;
    handle_close(ring_mem); /* the mappings keep the pages */
    handle_close(ri_mem);
    printf("consumer: ring mapped read-only, read index read-write\n");
    struct message r = {.type = RINGDEMO_SHARE_REPLY_MSG};
    r.ringdemo_share_reply.read_index = give;
    return ipc_reply(m.src, &r) == OK;
}

static int consumer(void) {
    const struct ring *ring;
    struct read_index *ri;
    if (!setup(&ring, &ri))
        return 1;
    for (;;) {
        struct message m; /* NOTIFY_RINGDEMO_DATA, or RINGDEMO_WAIT_MSG */
        if (ipc_recv(IPC_ANY, &m) != OK)
            return 1;
        bool open = take_all(ring, ri);
        if (m.type == RINGDEMO_WAIT_MSG) {
            struct message r = {.type = RINGDEMO_WAIT_REPLY_MSG};
            ipc_reply(m.src, &r);
        }
        if (!open) {
            printf("consumer: the ring is closed and empty; exiting\n");
            return 0;
        }
    }
}

/* Write one message, first waiting for room if the ring is full. */
static error_t put(handle_t consumer, struct ring *ring,
                   const struct read_index *ri, int i) {
    while (ring->write - load(&ri->read) == SLOTS) {
        struct message m = {.type = RINGDEMO_WAIT_MSG};
        error_t err = ipc_call(consumer, &m);
        if (err)
            return err;
    }
    format(ring->slot[ring->write % SLOTS], SLOT_SIZE, "message %d", i);
    store(&ring->write, ring->write + 1);
    return ipc_notify(consumer, NOTIFY_RINGDEMO_DATA);
}

/* The consumer, one priority below us, with our terminal and a budget. */
static handle_t start_consumer(void) {
    handle_t spawn = startup_handle(TAG_SPAWN);
    struct handle_info info;
    if (handle_info(spawn, &info) != OK || info.count < 2)
        return ERR_NOT_PERMITTED;
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "ringdemo");
    struct task_spec spec = {.name = "ringdemo-consumer",
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .arg = MODE_CONSUMER,
                             .priority = info.base + info.count - 2,
                             .memory = CONSUMER_MEMORY};
    startup_give(&spec, startup_handle(TAG_CONSOLE), TAG_CONSOLE);
    return task_create(spawn, &spec);
}

/* Share the ring, read-only, and map the read index we get back. */
static const struct read_index *share(handle_t consumer, handle_t ring_mem,
                                      handle_t *ri_mem) {
    struct message m = {.type = RINGDEMO_SHARE_MSG};
    m.ringdemo_share.ring = handle_dup(ring_mem, RIGHT_MAP_READ, 0);
    if (m.ringdemo_share.ring < 0 || ipc_call_handle(consumer, &m) != OK ||
        (*ri_mem = msg_take_handle(&m)) == 0)
        return NULL;
    int64_t at = vm_map(*ri_mem, 0, VM_ANYWHERE, PAGE, MAP_READ);
    return at > 0 ? (const struct read_index *) at : NULL;
}

static uint64_t budget_used(void) {
    struct vm_status st = {0};
    vm_status(&st);
    return st.used;
}

/* Until the consumer has ended: the creator is told (NOTIFY_DEATH). */
static void wait_for_end(handle_t task) {
    struct task_status st;
    while (task_status(task, &st) == OK && st.state != TASK_DEAD) {
        struct message m;
        ipc_recv(IPC_ANY, &m);
    }
}

static int producer(void) {
    uint64_t used = budget_used();
    handle_t ring_mem = mem_create(sizeof(struct ring), 0), ri_mem = 0;
    int64_t at = vm_map(ring_mem, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_WRITE);
    handle_t c = at > 0 ? start_consumer() : (handle_t) at;
    const struct read_index *ri = c > 0 ? share(c, ring_mem, &ri_mem) : NULL;
    if (!ri) {
        printf("producer: no ring: %s\n", err_name(c < 0 ? c : ERR_ABORTED));
        return 1;
    }
    struct ring *ring = (struct ring *) at;
    printf("producer: ring of %d slots shared, %d messages to write\n", SLOTS,
           MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
        if (put(c, ring, ri, i) != OK)
            return 1;
    }
    store(&ring->closed, 1);
    ipc_notify(c, NOTIFY_RINGDEMO_DATA);
    wait_for_end(c);

    struct mem_info info;
    mem_info(ring_mem, &info);
    printf("producer: the consumer has ended; mappings of the ring: %u\n",
           info.mappings);
    vm_unmap(ring, PAGE);
    vm_unmap((void *) ri, PAGE);
    handle_close(ring_mem); /* the pages go back with the last reference */
    handle_close(ri_mem);
    handle_close(c);
    if (budget_used() == used)
        printf("producer: all our budget is back\n");
    else
        printf("producer: budget used: %lu before, %lu after\n", used,
               budget_used());
    return 0;
}

int main(void) { return task_arg() == MODE_CONSUMER ? consumer() : producer(); }
