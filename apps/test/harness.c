#include "test.h"
#include <bootfs.h>
#include <layout.h>
#include <stdarg.h>

struct held_caps test_caps;
static bool failed;
static char reason[256];

void test_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = format(reason, sizeof(reason), "%s:%d: ", file, line);
    if (n >= (int) sizeof(reason))
        n = sizeof(reason) - 1;
    vformat(reason + n, sizeof(reason) - n, fmt, ap);
    va_end(ap);
    failed = true;
}

bool test_failed(void) { return failed; }

const char *test_reason(void) { return reason; }

const void *self_image(uint64_t *size) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "test");
    *size = e->size;
    return bootfs_data(bootfs, e);
}

handle_t peer_handle(int i) {
    struct handle_info info;
    return handle_info((handle_t) i, &info) == OK ? (handle_t) i
                                                  : ERR_BAD_HANDLE;
}

/* Pass on handles in order, each under the tag it has in our table. */
static void give_in_order(struct task_spec *spec, int n, const handle_t *hs) {
    for (int i = 0; i < n && i < TASK_SPEC_HANDLES; i++) {
        struct handle_info info = {0};
        handle_info(hs[i], &info);
        spec->handles[i] = hs[i];
        spec->tags[i] = info.tag;
    }
    spec->num_handles = n;
}

/* The same for a server, which finds its handles by tag: one we lack (0:
 * H_SERVE when a shell started us) is left out. */
static void give_tagged(struct task_spec *spec, int n, const handle_t *hs) {
    handle_t held[TASK_SPEC_HANDLES];
    int m = 0;
    for (int i = 0; i < n && m < TASK_SPEC_HANDLES; i++) {
        if (hs[i] > 0)
            held[m++] = hs[i];
    }
    give_in_order(spec, m, held);
}

/* What this program held when it started, which is what a copy of it
 * needs (its static buffers make it over a MiB). A peer gets that and
 * PEER_SLACK, so that a case can start a table's worth of them; the
 * attackers that start copies of their own get room for a few. */
#define PEER_SLACK (160 * 1024ull)
#define SPAWNING_PEERS 4
static uint64_t copy_cost;

void note_copy_cost(void) {
    struct vm_status st;
    if (vm_status(&st) == OK)
        copy_cost = st.used - st.given;
}

uint64_t peer_copy_cost(void) { return copy_cost; }

static uint64_t peer_memory(int mode) {
    uint64_t one = copy_cost + PEER_SLACK;
    return mode >= CHILD_SPAWN_AT && mode < CHILD_LOOP_SERVER
               ? one * (1 + SPAWNING_PEERS)
               : one;
}

handle_t spawn_peer_with(int mode, uint64_t param, int priority,
                         int num_handles, const handle_t *handles,
                         uint64_t memory) {
    uint64_t size;
    const void *image = self_image(&size);
    struct task_spec spec = {
        .name = "test-child",
        .image = image,
        .image_size = size,
        .arg = CHILD_ARG(mode, param),
        .priority = priority,
        .memory = memory,
    };
    give_in_order(&spec, num_handles, handles);
    return task_create(H_SPAWN, &spec);
}

handle_t spawn_peer(int mode, uint64_t param, int priority, int num_handles,
                    const handle_t *handles) {
    return spawn_peer_with(mode, param, priority, num_handles, handles,
                           peer_memory(mode));
}

handle_t start_boot_task(const char *name, int num_handles,
                         const handle_t *handles) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, name);
    if (!e)
        return ERR_NOT_FOUND;
    struct task_spec spec = {.name = name,
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .priority = e->priority};
    give_tagged(&spec, num_handles, handles);
    return task_create(H_SPAWN, &spec);
}

handle_t start_boot_task_tagged(const char *name, int num_handles,
                                const handle_t *handles, const uint32_t *tags) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, name);
    if (!e)
        return ERR_NOT_FOUND;
    struct handle_info spawn = {0};
    handle_info(H_SPAWN, &spawn);
    uint32_t top = spawn.base + spawn.count - 1; /* the name server's 25 */
    struct task_spec spec = {.name = name,
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .priority = e->priority > top ? top : e->priority};
    for (int i = 0; i < num_handles; i++)
        startup_give(&spec, handles[i], tags[i]);
    return task_create(H_SPAWN, &spec);
}

handle_t spawn_child(int mode, int priority) {
    return spawn_peer(mode, 0, priority, 0, NULL);
}

handle_t self_handle(void) {
    static handle_t self;
    if (!self)
        self = task_self();
    return self;
}

task_t task_id_of(handle_t h) {
    struct handle_info info;
    return handle_info(h, &info) == OK ? info.task_id : 0;
}

int free_slots(void) {
    int n = 0;
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        struct handle_info info;
        n += handle_info(h, &info) != OK;
    }
    return n;
}

error_t wait_dead(handle_t h, struct task_status *st) {
    for (int i = 0; i < 500; i++) {
        error_t err = task_status(h, st);
        if (err || st->state == TASK_DEAD)
            return err;
        struct message m;
        ipc_recv_timeout(IPC_ANY, &m, 10);
    }
    return ERR_TIMEOUT;
}

int64_t exit_code_of(handle_t h) {
    struct task_status st;
    if (wait_dead(h, &st) != OK)
        return -9999;
    handle_close(h);
    return st.exit_code;
}

void drain_ms(int64_t ms) {
    uint64_t until = uptime_ms() + ms;
    for (uint64_t now = uptime_ms(); now < until; now = uptime_ms()) {
        struct message m;
        ipc_recv_timeout(IPC_ANY, &m, until - now);
    }
}

uint64_t free_pages(void) {
    struct sysinfo si;
    sys_sysinfo(H_SPAWN, &si);
    return si.free_pages;
}
