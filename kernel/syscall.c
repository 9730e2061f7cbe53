/*
 * System call handlers. Each checks every handle and argument before it
 * changes anything, and returns an error_t (or a non-negative result).
 */
#include "boot.h"
#include "handle.h"
#include "ipc.h"
#include "irq.h"
#include "timeout.h"
#include "ktrace.h"
#include "kdebug.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "usercopy.h"
#include "vmspace.h"
#include "memory.h"
#include "wakers.h"
#include <syscalls.h>
#include <string.h>

#define TASK_IMAGE_MAX (16 * 1024 * 1024)
#define KDEBUG_CMD_MAX 64

/* Every handler, with the argument types SYSCALL_LIST gives it; each
 * returns the whole result register (the list's result type is what the
 * user stub makes of it). Kept out of line, so that the dispatch stays
 * small and ends in a jump to the handler. */
#define SYSCALL_PROTOTYPE(num, name, stub, ret, n, ...)                        \
    __attribute__((noinline)) static int64_t sys_##name(                       \
        SYSCALL_PARAMS(n, __VA_ARGS__));
SYSCALL_LIST(SYSCALL_PROTOTYPE)
#undef SYSCALL_PROTOTYPE

static int64_t sys_nop(void) { return OK; }

static int64_t sys_console_write(const char __user *buf, size_t len) {
    if (len > KLOG_WRITE_MAX)
        return ERR_TOO_LARGE;
    if (!user_range_ok(buf, len, false))
        return ERR_BAD_POINTER; /* print nothing of a bad buffer */
    char chunk[128];            /* kernel stacks are one page */
    for (uint64_t off = 0; off < len; off += sizeof(chunk)) {
        uint64_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
        copy_from_user(chunk, buf + off, n);
        console_write_task(current->name, &current->log_midline, chunk, n);
    }
    return OK;
}

/* Check the handles a new task is to receive: all valid, all with the
 * grant right, each tag known and given once (so that a tag names one
 * handle in the new task's start-up table). */
static error_t check_spec_handles(const struct task_spec *spec) {
    if (spec->num_handles > TASK_SPEC_HANDLES)
        return ERR_INVALID_ARG;
    uint32_t tags_seen = 0;
    _Static_assert(STARTUP_TAG_COUNT <= 32, "tags fit in a word");
    for (uint32_t i = 0; i < spec->num_handles; i++) {
        error_t err;
        if (!handle_get(current, spec->handles[i], KOBJ_ANY, RIGHT_GRANT, &err))
            return err;
        uint32_t tag = spec->tags[i];
        if (tag >= STARTUP_TAG_COUNT || (tag && (tags_seen & 1u << tag)))
            return ERR_INVALID_ARG;
        tags_seen |= 1u << tag;
    }
    return OK;
}

/* The new task's start-up table: the handles passed, each under its tag. */
static void install_spec_handles(struct task *t, const struct task_spec *spec) {
    for (uint32_t i = 0; i < spec->num_handles; i++) {
        handle_t h = handle_install(t, &current->handles[spec->handles[i]]);
        t->handles[h].tag = spec->tags[i];
    }
}

/* Whether a spawn handle lets its holder create a task of this priority:
 * the handle covers a range of priorities, so that a task given one
 * cannot start a task that would starve it. */
static error_t priority_allowed(const struct handle *spawner, uint32_t prio) {
    if (prio > TASK_PRIORITY_MAX)
        return ERR_INVALID_ARG;
    if (prio < spawner->range.base ||
        prio - spawner->range.base >= spawner->range.count)
        return ERR_NOT_PERMITTED;
    return OK;
}

/* A task's name shows in the log as "[name]" (console_write_task): only
 * printable characters, no brackets. */
static error_t check_task_name(const char *name) {
    for (const char *p = name; *p; p++) {
        if (*p < 0x21 || *p > 0x7e || *p == '[' || *p == ']')
            return ERR_INVALID_ARG;
    }
    /* "[kernel]" lines are the kernel's, "[init]" lines the root task's
     * (which the kernel creates): no task created later is named so. */
    if (!strcmp(name, "kernel") || !strcmp(name, "init"))
        return ERR_NOT_PERMITTED;
    return OK;
}

static int64_t sys_task_create(handle_t spawner,
                               const struct task_spec __user *uspec) {
    error_t err;
    struct handle *sp = handle_get(current, spawner, KOBJ_SPAWN, 0, &err);
    if (!sp)
        return err;
    struct task_spec spec;
    char name[TASK_NAME_MAX], cmdline[TASK_CMDLINE_MAX] = "";
    if ((err = copy_from_user(&spec, uspec, sizeof(spec))) ||
        (err = copy_string_from_user(name, spec.name, sizeof(name))) ||
        (err = check_task_name(name)) || (err = check_spec_handles(&spec)) ||
        (err = priority_allowed(sp, spec.priority)))
        return err;
    if (spec.cmdline &&
        (err = copy_string_from_user(cmdline, spec.cmdline, sizeof(cmdline))) &&
        err != ERR_INVALID_ARG) /* an empty command line is fine */
        return err;
    if (spec.image_size > TASK_IMAGE_MAX)
        return ERR_TOO_LARGE;
    /* The loader copies what it reads; checked here to fail early. */
    struct task_image image = {.user = (const uint8_t __user *) spec.image,
                               .size = spec.image_size};
    if (!user_range_ok(image.user, image.size, false))
        return ERR_BAD_POINTER;
    if (handle_free_slots(current) == 0)
        return ERR_FULL;
    /* The new task's budget comes out of ours, and back when it is gone. */
    uint64_t memory = spec.memory ? spec.memory : TASK_MEMORY_DEFAULT;
    if (memory > current->mem.limit)
        return ERR_NO_MEMORY;
    memory = (memory + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!mem_charge(&current->mem, memory))
        return ERR_NO_MEMORY;

    struct task *t = task_spawn(name, &image, spec.priority, spec.arg,
                                spec.cmdline ? cmdline : NULL, memory, &err);
    if (!t) {
        mem_uncharge(&current->mem, memory);
        return err;
    }
    current->mem.given += memory;
    install_spec_handles(t, &spec);
    struct handle h = {.kind = KOBJ_TASK, .rights = RIGHTS_ALL, .task = t};
    return handle_install(current, &h);
}

static int64_t sys_task_exit(int64_t code) {
    task_end(current, EXIT_NORMAL, code);
    return OK; /* not reached */
}

static int64_t sys_task_kill(handle_t h) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_TASK, RIGHT_CONTROL, &err);
    if (!e)
        return err;
    if (e->task->state == TASK_STATE_DEAD)
        return ERR_BAD_STATE;
    task_end(e->task, EXIT_KILLED, 0);
    return OK;
}

static uint32_t status_state(const struct task *t) {
    if (t == current)
        return TASK_RUNNING;
    switch (t->state) {
    case TASK_STATE_RUNNABLE:
        return TASK_READY;
    case TASK_STATE_BLOCKED:
        return TASK_BLOCKED;
    default:
        return TASK_DEAD;
    }
}

static void wait_of(const struct task *t, struct task_status *st) {
    if (t->state != TASK_STATE_BLOCKED)
        return;
    switch (t->block_reason) {
    case BLOCK_RECV:
        st->wait = WAIT_RECEIVE;
        st->wait_peer = t->recv_from;
        break;
    case BLOCK_SEND:
        st->wait = WAIT_SEND;
        st->wait_peer = t->ipc_peer->id;
        break;
    case BLOCK_REPLY:
        st->wait = WAIT_REPLY;
        st->wait_peer = t->ipc_peer->id;
        break;
    case BLOCK_SLEEP:
        st->wait = WAIT_SLEEP;
        break;
    default:
        break;
    }
}

static void fill_status(const struct task *t, const struct wakers *w,
                        struct task_status *out) {
    struct task_status st = {
        .id = t->id,
        .state = status_state(t),
        .priority = t->priority,
        .exit_reason = t->exit_reason,
        .exit_code = t->exit_code,
        .fault_addr = t->fault_addr,
        .fault_rip = t->fault_rip,
        .cpu_ticks = t->cpu_ticks,
        .ipc_calls = t->ipc_calls,
        .mem_limit = t->mem.limit,
        .mem_used = t->mem.used - t->mem.given,
        .mem_given = t->mem.given,
        .num_handles = HANDLE_MAX - 1 - handle_free_slots(t),
        .base_priority = t->base_priority,
        .creator = t->creator,
        .num_wakers = w->num,
        .timer_armed = list_linked(&t->timer_node),
        .irq_lines = irq_lines_of(t),
    };
    memcpy(st.wakers, w->ids, sizeof(st.wakers));
    strlcpy(st.name, t->name, sizeof(st.name));
    wait_of(t, &st);
    *out = st;
}

static int64_t sys_task_status(handle_t h, struct task_status __user *out) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_TASK, RIGHT_CONTROL, &err);
    if (!e)
        return err;
    struct wakers w;
    wakers_of(e->task, &w);
    struct task_status st;
    fill_status(e->task, &w, &st);
    return copy_to_user(out, &st, sizeof(st));
}

/* Every task's status, like QNX's sin: up to max entries; returns how
 * many. Who waits on whom is for those who hold a spawn handle (init, the
 * shells) to see, not for any task. */
static int64_t sys_task_list(handle_t spawner, struct task_status __user *out,
                             uint32_t max) {
    error_t err;
    if (!handle_get(current, spawner, KOBJ_SPAWN, 0, &err))
        return err;
    if (max > TASK_MAX)
        max = TASK_MAX;
    if (!user_range_ok(out, max * sizeof(*out), true))
        return ERR_BAD_POINTER;
    static struct wakers wakers[TASK_MAX]; /* too big for a kernel stack */
    wakers_of_all(wakers);
    uint32_t n = 0;
    for (int slot = 0; slot < TASK_MAX && n < max; slot++) {
        struct task *t = task_at_slot(slot);
        if (!t || t->state == TASK_STATE_DEAD)
            continue;
        struct task_status st;
        fill_status(t, &wakers[slot], &st);
        copy_to_user(out + n++, &st, sizeof(st));
    }
    return n;
}

/* End a task by id: a spawn handle's holder (init, a shell) may end what
 * it started, and what those started; nothing else (a handle with
 * RIGHT_CONTROL and task_kill are the other way). */
static int64_t sys_task_kill_id(handle_t spawner, task_t id) {
    error_t err;
    if (!handle_get(current, spawner, KOBJ_SPAWN, 0, &err))
        return err;
    struct task *t = task_lookup(id);
    if (!t || t->state == TASK_STATE_DEAD)
        return ERR_NOT_FOUND;
    if (!task_is_ancestor(current, t))
        return ERR_NOT_PERMITTED;
    task_end(t, EXIT_KILLED, 0);
    return OK;
}

static int64_t sys_handle_close(handle_t h) {
    error_t err;
    if (!handle_get(current, h, KOBJ_ANY, 0, &err))
        return err;
    handle_close(current, h);
    return OK;
}

static int64_t sys_ipc(handle_t dst, task_t src, struct message __user *m,
                       uint32_t flags, int64_t timeout) {
    current->ipc_calls++;
    error_t err = ipc(dst, src, m, flags, timeout);
    trace_ipc_return(dst, flags, err);
    return err;
}

/* A copy of a handle with fewer (never more) rights, optionally badged:
 * only an unbadged handle can be given a badge. */
static int64_t sys_handle_dup(handle_t h, uint32_t rights, uint64_t badge) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_ANY, 0, &err);
    if (!e)
        return err;
    struct handle copy = *e;
    if (rights & ~copy.rights)
        return ERR_NOT_PERMITTED;
    if (badge && copy.badge)
        return ERR_NOT_PERMITTED;
    copy.rights = rights;
    copy.badge = badge ? badge : copy.badge;
    err = handle_install(current, &copy);
    return err;
}

/* A handle to the caller's own endpoint, to duplicate and give out. */
static int64_t sys_task_self(void) {
    struct handle h = {.kind = KOBJ_TASK,
                       .rights =
                           RIGHT_SEND | RIGHT_CALL | RIGHT_NOTIFY | RIGHT_GRANT,
                       .task = current};
    return handle_install(current, &h);
}

#define TIMER_MS_MAX ((uint64_t) IPC_TIMEOUT_MAX)

static int64_t sys_uptime(void) { return arch_ticks() * 1000 / TIMER_HZ; }

static int64_t sys_trace(handle_t h, uint32_t op, void __user *buf,
                         uint32_t max) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_TRACE, 0, &err);
    return e ? trace_control(e, op, buf, max) : err;
}

static int64_t sys_sleep(uint64_t ms) {
    if (ms > TIMER_MS_MAX)
        return ERR_INVALID_ARG;
    if (ms > 0)
        sched_block(current, BLOCK_SLEEP, ms);
    return OK;
}

static int64_t sys_timer_set(uint64_t first_ms, uint64_t period_ms) {
    if (first_ms > TIMER_MS_MAX || period_ms > TIMER_MS_MAX)
        return ERR_INVALID_ARG;
    timer_set(current, first_ms, period_ms);
    return OK;
}

/* Where out-of-line data sent to us lands (len 0: nowhere). */
static int64_t sys_ipc_ool_buffer(void __user *buf, size_t len) {
    if (len > IPC_OOL_MAX)
        return ERR_TOO_LARGE;
    if (!user_range_ok(buf, len, true))
        return ERR_BAD_POINTER;
    current->ool_buf = len ? (uint64_t) buf : 0;
    current->ool_cap = len;
    return OK;
}

/* Raise bits in t as the caller, noting who raised NOTIFY_ASYNC (see
 * notify_sources). Nothing to say: t is not woken. */
static void notify_from_current(struct task *t, uint64_t bits) {
    if (!bits)
        return;
    if (bits & NOTIFY_ASYNC) {
        int slot = TASK_ID_SLOT(current->id);
        t->notify_sources[slot / 64] |= 1ull << (slot % 64);
    }
    trace_record(TRACE_NOTIFY, current->id, t->id, (uint32_t) bits,
                 (uint32_t) (bits >> 32), 0);
    task_notify(t, bits);
}

static int64_t sys_notify(handle_t h, uint64_t bits) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_TASK, RIGHT_NOTIFY, &err);
    if (!e)
        return err;
    if (bits & NOTIFY_KERNEL_ONLY)
        return ERR_NOT_PERMITTED;
    if (e->task->state == TASK_STATE_DEAD)
        return ERR_ABORTED;
    notify_from_current(e->task, bits);
    return OK;
}

/* Whether t holds a handle to the caller with RIGHT_CALL or RIGHT_SEND:
 * it chose to talk to us, so news from us is what it asked for. */
static bool is_client(const struct task *t) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        const struct handle *e = &t->handles[h];
        if (e->kind == KOBJ_TASK && e->task == current &&
            (e->rights & (RIGHT_CALL | RIGHT_SEND)))
            return true;
    }
    return false;
}

/* A server's "I have mail" to a client, by task id: no handle needed, as
 * the client's own handle to us is the permission. Only NOTIFY_ASYNC: a
 * server must not fake the kernel's bits nor raise a client's private
 * ones. bits == 0 checks without waking. */
static int64_t sys_notify_client(task_t dst, uint64_t bits) {
    if (bits & ~NOTIFY_ASYNC)
        return ERR_NOT_PERMITTED;
    struct task *t = task_lookup(dst);
    if (!t || t->state == TASK_STATE_DEAD)
        return ERR_ABORTED; /* gone, or an older generation of its slot */
    if (!is_client(t))
        return ERR_NOT_PERMITTED;
    notify_from_current(t, bits);
    return OK;
}

static struct handle *ioport_get(handle_t h, uint32_t port, uint32_t width,
                                 error_t *err) {
    struct handle *e = handle_get(current, h, KOBJ_IOPORT, 0, err);
    if (!e)
        return NULL;
    if ((width != 1 && width != 2 && width != 4) || port >= ARCH_IO_PORTS ||
        port < e->range.base ||
        port + width > (uint64_t) e->range.base + e->range.count) {
        *err = ERR_INVALID_ARG;
        return NULL;
    }
    return e;
}

static int64_t sys_io_in(handle_t h, uint32_t port, uint32_t width) {
    error_t err;
    if (!ioport_get(h, port, width, &err))
        return err;
    return arch_io_in(port, width);
}

static int64_t sys_io_out(handle_t h, uint32_t port, uint32_t width,
                          uint32_t value) {
    error_t err;
    if (!ioport_get(h, port, width, &err))
        return err;
    arch_io_out(port, width, value);
    return OK;
}

/* Whether [base, base + count) lies inside r, by subtraction so that no
 * sum can wrap. */
static bool range_within(uint32_t base, uint32_t count,
                         const struct handle *r) {
    return count > 0 && base >= r->range.base && count <= r->range.count &&
           base - r->range.base <= r->range.count - count;
}

/* A handle to part of an I/O-port, IRQ or priority range (a spawn
 * handle): a subset, never more. */
static int64_t sys_handle_narrow(handle_t h, uint32_t base, uint32_t count) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_ANY, 0, &err);
    if (!e)
        return err;
    if (e->kind != KOBJ_IOPORT && e->kind != KOBJ_IRQ && e->kind != KOBJ_SPAWN)
        return ERR_BAD_HANDLE;
    if (!range_within(base, count, e))
        return ERR_NOT_PERMITTED;
    struct handle copy = *e;
    copy.range.base = base;
    copy.range.count = count;
    return handle_install(current, &copy);
}

/* The IRQ handle h, if it covers line irq. */
static error_t irq_handle_covers(handle_t h, uint32_t irq) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_IRQ, 0, &err);
    if (!e)
        return err;
    if (irq < e->range.base || irq >= (uint64_t) e->range.base + e->range.count)
        return ERR_INVALID_ARG;
    return OK;
}

static int64_t sys_irq_listen(handle_t h, uint32_t irq) {
    error_t err = irq_handle_covers(h, irq);
    return err ? err : irq_listen(current, irq);
}

static int64_t sys_irq_unlisten(handle_t h, uint32_t irq) {
    error_t err = irq_handle_covers(h, irq);
    return err ? err : irq_unlisten(current, irq);
}

/* Be told (NOTIFY_DEATH) when the task behind any handle to it ends. */
static int64_t sys_task_watch(handle_t h) {
    error_t err;
    struct handle *e = handle_get(current, h, KOBJ_TASK, 0, &err);
    if (!e)
        return err;
    return task_watch(e->task, current);
}

static int64_t sys_handle_info(handle_t h, struct handle_info __user *out) {
    error_t err;
    const struct handle *e = handle_get(current, h, KOBJ_ANY, 0, &err);
    if (!e)
        return err;
    struct handle_info info = {
        .kind = e->kind, .rights = e->rights, .badge = e->badge, .tag = e->tag};
    if (e->kind == KOBJ_TASK) {
        info.task_id = e->task->id;
        info.task_alive = e->task->state != TASK_STATE_DEAD;
    } else { /* ports, lines or priorities */
        info.base = e->range.base;
        info.count = e->range.count;
    }
    return copy_to_user(out, &info, sizeof(info));
}

/* A handle of ours that can call t, or 0. */
static handle_t find_call_handle(const struct task *t) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        const struct handle *e = &current->handles[h];
        if (e->kind == KOBJ_TASK && e->task == t && (e->rights & RIGHT_CALL))
            return h;
    }
    return 0;
}

/* Which tasks raised NOTIFY_ASYNC in us since we last asked, with our
 * handle to pull from each: up to max entries; returns how many. Those
 * reported are cleared. */
static int64_t sys_notify_sources(struct notify_source __user *out,
                                  uint32_t max) {
    if (max > TASK_MAX)
        max = TASK_MAX;
    if (!user_range_ok(out, max * sizeof(*out), true))
        return ERR_BAD_POINTER;
    uint32_t n = 0;
    for (int slot = 0; slot < TASK_MAX && n < max; slot++) {
        uint64_t bit = 1ull << (slot % 64);
        if (!(current->notify_sources[slot / 64] & bit))
            continue;
        current->notify_sources[slot / 64] &= ~bit;
        struct task *t = task_at_slot(slot);
        if (t && t->state != TASK_STATE_DEAD) {
            struct notify_source src = {t->id, find_call_handle(t)};
            copy_to_user(out + n++, &src, sizeof(src));
        }
    }
    return n;
}

static int64_t sys_sysinfo(handle_t spawner, struct sysinfo __user *out) {
    error_t err;
    if (!handle_get(current, spawner, KOBJ_SPAWN, 0, &err))
        return err;
    struct sysinfo si = {
        .free_pages = mm_free_pages(),
        .total_pages = mm_total_pages(),
        .uptime_ms = arch_ticks() * 1000 / TIMER_HZ,
        .num_tasks = task_count(),
    };
    return copy_to_user(out, &si, sizeof(si));
}

static int64_t sys_kdebug(handle_t spawner, const char __user *cmd) {
    char buf[KDEBUG_CMD_MAX];
    error_t err;
    if (!handle_get(current, spawner, KOBJ_SPAWN, 0, &err) ||
        (err = copy_string_from_user(buf, cmd, sizeof(buf))))
        return err;
    return kdebug_run(buf) ? ERR_INVALID_ARG : OK;
}

/*
 * Dispatch: each argument register must hold a value of its declared type
 * (a handle_t or uint32_t with bits above 32, say, is refused rather than
 * silently cut), then the handler gets it as that type.
 */
#define SYSCALL_FITS(i, type, name) &&(uint64_t) (type) a##i == a##i
#define SYSCALL_ARG(i, type, name) (type) a##i
#define SYSCALL_CASE(num, name, stub, ret, n, ...)                             \
    case num:                                                                  \
        if (!(true SYSCALL_MAP(n, SYSCALL_FITS, SYSCALL_NOTHING, ,             \
                               __VA_ARGS__)))                                  \
            return ERR_INVALID_ARG;                                            \
        return sys_##name(                                                     \
            SYSCALL_MAP(n, SYSCALL_ARG, SYSCALL_COMMA, , __VA_ARGS__));

/* Called by syscall_entry (entry.S), which then reschedules if needed. */
int64_t syscall_handler(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5, uint64_t nr) {
    switch (nr) {
        SYSCALL_LIST(SYSCALL_CASE)
    default:
        return ERR_BAD_SYSCALL;
    }
}

/* Memory (vm.h, docs/memory.md): checks here, regions in vmspace.c,
 * objects in memory.c. */

/* Pages in a length: whole pages, more than none, at most an object's. */
static error_t pages_of(uint64_t len, uint64_t *npages) {
    if (len == 0 || len % PAGE_SIZE)
        return ERR_INVALID_ARG;
    if (len > MEM_SIZE_MAX)
        return ERR_TOO_LARGE;
    *npages = len / PAGE_SIZE;
    return OK;
}

static int64_t new_memory_handle(uint64_t size, bool device) {
    uint64_t npages;
    error_t err = pages_of((size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), &npages);
    if (size > MEM_SIZE_MAX)
        return ERR_TOO_LARGE;
    if (err)
        return err;
    if (handle_free_slots(current) == 0)
        return ERR_FULL;
    struct memobj *obj = memobj_create(current, npages, device, &err);
    if (!obj)
        return err;
    struct handle h = {
        .kind = KOBJ_MEMORY, .rights = MEM_RIGHTS_ALL, .mem = obj};
    handle_t slot = handle_install(current, &h);
    memobj_unref(obj); /* the handle holds it now */
    return slot;
}

static int64_t sys_mem_create(uint64_t size, uint32_t flags) {
    if (flags)
        return ERR_INVALID_ARG;
    return new_memory_handle(size, false);
}

static int64_t sys_mem_create_device(handle_t dma, uint64_t size) {
    error_t err;
    if (!handle_get(current, dma, KOBJ_DMA, 0, &err))
        return err;
    return new_memory_handle(size, true);
}

static int64_t sys_mem_info(handle_t mem, struct mem_info __user *info) {
    error_t err;
    struct handle *e = handle_get(current, mem, KOBJ_MEMORY, 0, &err);
    if (!e)
        return err;
    uint64_t device = memobj_device_paddr(e->mem);
    struct mem_info out = {.size = memobj_pages(e->mem) * PAGE_SIZE,
                           .paddr = device,
                           .flags = device ? MEM_DEVICE : 0,
                           .mappings = memobj_mappings(e->mem)};
    return copy_to_user(info, &out, sizeof(out));
}

/* The handle rights a mapping with MAP_* flags needs. */
static uint32_t map_rights(uint32_t flags) {
    return RIGHT_MAP_READ | ((flags & MAP_WRITE) ? RIGHT_MAP_WRITE : 0) |
           ((flags & MAP_EXEC) ? RIGHT_MAP_EXEC : 0);
}

static error_t check_map_flags(uint32_t flags) {
    if (flags & ~MAP_FLAGS_ALL)
        return ERR_INVALID_ARG;
    if ((flags & MAP_WRITE) && (flags & MAP_EXEC))
        return ERR_INVALID_ARG; /* never W+X */
    return OK;
}

static int64_t sys_vm_map(handle_t mem, uint64_t offset, void __user *addr,
                          uint64_t len, uint32_t flags) {
    uint64_t npages;
    error_t err;
    if ((err = check_map_flags(flags)) || (err = pages_of(len, &npages)))
        return err;
    if (mem == 0) { /* fresh private memory */
        if (offset)
            return ERR_INVALID_ARG;
        return vmspace_map(current, NULL, 0, (uint64_t) addr, npages, flags);
    }
    struct handle *e =
        handle_get(current, mem, KOBJ_MEMORY, map_rights(flags), &err);
    if (!e)
        return err;
    uint64_t size = memobj_pages(e->mem) * PAGE_SIZE;
    if (offset % PAGE_SIZE || offset > size || len > size - offset)
        return ERR_INVALID_ARG;
    return vmspace_map(current, e->mem, offset / PAGE_SIZE, (uint64_t) addr,
                       npages, flags);
}

static int64_t sys_vm_unmap(void __user *addr, uint64_t len) {
    if (len == 0 || len % PAGE_SIZE)
        return ERR_INVALID_ARG;
    return vmspace_unmap(current, (uint64_t) addr, len / PAGE_SIZE);
}

static int64_t sys_vm_status(struct vm_status __user *out) {
    struct vm_status st = {.limit = current->mem.limit,
                           .used = current->mem.used,
                           .given = current->mem.given,
                           .regions = current->num_regions};
    return copy_to_user(out, &st, sizeof(st));
}

static int64_t sys_vm_pager(void __user *addr, uint64_t len, uint32_t flags,
                            handle_t pager) {
    uint64_t npages;
    error_t err;
    if ((err = check_map_flags(flags)) || (err = pages_of(len, &npages)))
        return err;
    struct handle *e = handle_get(current, pager, KOBJ_TASK, RIGHT_CALL, &err);
    if (!e)
        return err;
    if (e->task == current)
        return ERR_DEADLOCK; /* we could never answer our own fault */
    return vmspace_reserve(current, (uint64_t) addr, npages, flags, e->task,
                           e->badge);
}
