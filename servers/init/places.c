/*
 * The tasks init supervises. Each has a place, which keeps the boot entry
 * and copy number it came from: when the task ends, init starts the same
 * entry and copy again and mints the same badged handles for it, so the
 * new task has exactly the authority the first had. A task that returns
 * 0 is done and is not started again. One that ends more than
 * RESTART_MAX times in RESTART_WINDOW_MS is left down, since
 * one that dies in a loop would only die again.
 */
#include "init.h"
#include <format.h>
#include <proto/console.h>
#include <proto/supervisor.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <string.h>

#define RESTART_MAX CONFIG_INIT_RESTART_MAX
#define RESTART_WINDOW_MS CONFIG_INIT_RESTART_WINDOW_MS
#define GIVEN_RIGHTS (RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT)
/* A supervisor handle: to call us, and to be given at creation. */
#define SUPERVISOR_RIGHTS (RIGHT_CALL | RIGHT_GRANT)

const void *bootfs;
handle_t name_task, console_task;
static struct place places[STARTED_MAX];
static handle_t self; /* ours, unbadged: the supervisor handles' source */

handle_t badged(handle_t server, uint64_t badge) {
    handle_t h = server > 0 ? handle_dup(server, GIVEN_RIGHTS, badge) : 0;
    return h > 0 ? h : 0;
}

static void drop(handle_t *h) {
    if (*h > 0)
        handle_close(*h);
    *h = 0;
}

static uint32_t task_id(handle_t h) {
    struct handle_info info;
    return h > 0 && handle_info(h, &info) == OK ? info.task_id : 0;
}

/* The operator's terminal is console port 0, where the kernel log is:
 * the task given it may end system tasks through us. */
static bool is_admin(const struct place *p) {
    return (p->entry->flags & BOOTFS_CAP_CONSOLE) && p->copy == 0;
}

static handle_t supervisor_handle(const struct place *p) {
    if (!self)
        self = task_self();
    uint64_t badge = SUPERVISOR_BADGE(p - places) |
                     (is_admin(p) ? SUPERVISOR_BADGE_ADMIN : 0);
    handle_t h = self > 0 ? handle_dup(self, SUPERVISOR_RIGHTS, badge) : 0;
    return h > 0 ? h : 0;
}

/* The handle every task we start pages its stack through: one, given as
 * copies, since its badge says nothing of who holds it. */
static handle_t pager_handle(void) {
    static handle_t pager;
    if (!self)
        self = task_self();
    if (!pager && self > 0)
        pager = handle_dup(self, SUPERVISOR_RIGHTS, PAGER_BADGE);
    return pager > 0 ? pager : 0;
}

/* The handles the place's task gets besides the kernel's capabilities
 * (of which the trace goes to no terminal but the operator's):
 * the name server, the right to serve the entry's names (minted from its
 * place in the image), the console port of its copy number and its
 * supervisor handle. A task started by anyone else gets none of these
 * badges. */
static struct held_caps handles_for(const struct held_caps *kernel,
                                    const struct place *p) {
    struct held_caps held = *kernel;
    const struct bootfs_entry *e = p->entry;
    held.name = badged(name_task, NAME_BADGE_PLAIN);
    held.serve = bootfs_serves_any(bootfs, e)
                     ? badged(name_task, NAME_BADGE_ENTRY(p->index))
                     : 0;
    held.console = (e->flags & BOOTFS_CAP_CONSOLE) && p->copy < CONSOLE_PORTS
                       ? badged(console_task, CONSOLE_PORT_BADGE(p->copy))
                       : 0;
    held.supervisor = supervisor_handle(p);
    held.pager = pager_handle();
    /* The trace shows who talks to whom on every terminal: of the tasks
     * with one, only the operator's gets it. */
    if ((e->flags & BOOTFS_CAP_CONSOLE) && !is_admin(p))
        held.trace = 0;
    return held;
}

static void drop_given(struct held_caps *held) {
    drop(&held->name); /* the child has its copies */
    drop(&held->serve);
    drop(&held->console);
    drop(&held->supervisor);
}

/* Start the place's task; the name server gets no handles at all. */
static error_t start_place(struct place *p) {
    static struct held_caps kernel; /* spawn, ports, lines: never change */
    if (!kernel.spawn)
        kernel = startup_caps();
    bool is_name = !strcmp(p->entry->name, "name");
    struct held_caps held = is_name ? (struct held_caps){.spawn = kernel.spawn}
                                    : handles_for(&kernel, p);
    handle_t h = bootfs_start(p->entry, &held, NULL, p->copy, NULL);
    if (!is_name)
        drop_given(&held);
    if (h < 0)
        return h;
    p->task = h;
    if (is_name)
        name_task = h; /* never given: we mint from it */
    else if (bootfs_serves(bootfs, p->entry, CONSOLE_NAME))
        console_task = h; /* kept for the ports' handles */
    return OK;
}

static struct place *free_place(void) {
    for (int i = 0; i < STARTED_MAX; i++) {
        if (!places[i].entry)
            return &places[i];
    }
    return NULL;
}

void start_entry(uint32_t index, uint32_t copy) {
    const struct bootfs_entry *e = bootfs_entry_at(bootfs, index);
    struct place *p = free_place();
    if (!p) {
        printf("[init] cannot start %s: more than %d tasks to watch\n", e->name,
               STARTED_MAX);
        return;
    }
    *p = (struct place){.entry = e, .index = index, .copy = copy};
    error_t err = start_place(p);
    if (err) { /* the place stays taken: nothing to restart */
        printf("[init] cannot start %s: %s\n", e->name, err_str(err));
        return;
    }
    printf("[init] started %s\n", e->name);
}

/* Restarts made in the window, counting from now. */
static uint32_t recent_restarts(const struct place *p, uint64_t now) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->num_restarts && i <= RESTART_MAX; i++)
        n += now - p->restarts[i] < RESTART_WINDOW_MS;
    return n;
}

/* "console", or "shell 2" for copy 1 of an entry with several. */
static void describe(const struct place *p, char *buf, size_t len) {
    if (bootfs_instances(p->entry->flags) > 1)
        format(buf, len, "%s %u", p->entry->name, p->copy + 1);
    else
        format(buf, len, "%s", p->entry->name);
}

/* "killed", "page fault, code 14", "exited, code 1". */
static void how_it_ended(const struct task_status *st, char *buf, size_t len) {
    static const char *const reasons[] = {
#define EXIT_REASON_MESSAGE(name, value, msg) [value] = msg,
        EXIT_REASON_LIST(EXIT_REASON_MESSAGE)
#undef EXIT_REASON_MESSAGE
    };
    const char *why = "ended";
    if (st->exit_reason < sizeof(reasons) / sizeof(reasons[0]) &&
        reasons[st->exit_reason])
        why = reasons[st->exit_reason];
    if (st->exit_reason == EXIT_KILLED)
        format(buf, len, "%s", why);
    else
        format(buf, len, "%s, code %ld", why, st->exit_code);
}

static void restart(struct place *p, const struct task_status *st) {
    char what[TASK_NAME_MAX + 8];
    describe(p, what, sizeof(what));
    uint64_t now = uptime_ms();
    uint32_t recent = recent_restarts(p, now);
    if (recent >= RESTART_MAX) {
        printf("[init] %s ended %u times within %u s; not restarting it\n",
               what, recent + 1, RESTART_WINDOW_MS / 1000);
        return;
    }
    p->restarts[p->num_restarts++ % (RESTART_MAX + 1)] = now;
    char how[48];
    how_it_ended(st, how, sizeof(how));
    printf("[init] %s ended (%s); restarting it (%u of %u within %u s)\n", what,
           how, recent + 1, RESTART_MAX, RESTART_WINDOW_MS / 1000);
    error_t err = start_place(p);
    if (err) /* left down: a renewal finds no server */
        printf("[init] cannot start %s again: %s\n", what, err_str(err));
}

/* If p's task has ended: forget it, and start it again unless it said it
 * was done (returned 0). */
static void check(struct place *p) {
    struct task_status st;
    if (p->task <= 0 || task_status(p->task, &st) != OK ||
        st.state != TASK_DEAD)
        return;
    if (p->task == name_task)
        name_task = 0; /* nothing more to mint from it */
    if (p->task == console_task)
        console_task = 0;
    drop(&p->task);
    if (st.exit_reason == EXIT_NORMAL && st.exit_code == 0)
        *p = (struct place){0}; /* it is done: the place is free */
    else
        restart(p, &st);
}

/* The name server first, so that the others' handles come from the new
 * one if it ended with them. */
void reap(void) {
    for (int i = 0; i < STARTED_MAX; i++) {
        if (places[i].task == name_task)
            check(&places[i]);
    }
    for (int i = 0; i < STARTED_MAX; i++)
        check(&places[i]);
}

struct place *place_of_task(uint32_t id) {
    for (int i = 0; i < STARTED_MAX && id; i++) {
        if (places[i].task && task_id(places[i].task) == id)
            return &places[i];
    }
    return NULL;
}

struct place *place_of_caller(uint64_t badge, uint32_t src) {
    if (badge < SUPERVISOR_BADGE(0))
        return NULL;
    uint32_t i = SUPERVISOR_PLACE(badge);
    if (i >= STARTED_MAX || !places[i].task || task_id(places[i].task) != src)
        return NULL; /* a handle kept by a task that ended, or passed on */
    return &places[i];
}
