/*
 * Deadlines of blocked tasks and task timers: two lists sorted by expiry
 * tick, so each tick looks only at their heads.
 */
#include "timeout.h"
#include "ipc.h"
#include "sched.h"
#include "ktrace.h"

#define NO_TIMEOUT ((uint64_t) -1)

static struct list pending; /* blocked tasks, by task.wake_at */
static struct list timers;  /* armed timers, by task.timer_at */

void timeout_init(void) {
    list_init(&pending);
    list_init(&timers);
}

static uint64_t ms_to_ticks(uint64_t ms) {
    return (ms * TIMER_HZ + 999) / 1000;
}

/* Insert node into a list sorted by the uint64 at key_offset in struct task. */
static void insert_sorted(struct list *l, struct list *node, size_t node_off,
                          size_t key_off) {
    uint64_t key = *(uint64_t *) ((char *) node - node_off + key_off);
    struct list *it;
    list_for_each(it, l) {
        if (*(uint64_t *) ((char *) it - node_off + key_off) > key)
            break;
    }
    list_insert_between(node, it->prev, it);
}

void timeout_arm(struct task *t, uint64_t timeout_ms) {
    if (timeout_ms == NO_TIMEOUT)
        return;
    /* +1: the current tick is already partly over. */
    t->wake_at = arch_ticks() + ms_to_ticks(timeout_ms) + 1;
    insert_sorted(&pending, &t->timeout_node,
                  offsetof(struct task, timeout_node),
                  offsetof(struct task, wake_at));
}

void timeout_cancel(struct task *t) {
    if (list_linked(&t->timeout_node))
        list_remove(&t->timeout_node);
}

static void timer_arm_at(struct task *t, uint64_t at) {
    t->timer_at = at;
    insert_sorted(&timers, &t->timer_node, offsetof(struct task, timer_node),
                  offsetof(struct task, timer_at));
}

void timer_set(struct task *t, uint64_t first_ms, uint64_t period_ms) {
    timer_cancel(t);
    if (first_ms == 0)
        return;
    t->timer_period = ms_to_ticks(period_ms);
    timer_arm_at(t, arch_ticks() + ms_to_ticks(first_ms));
}

void timer_cancel(struct task *t) {
    if (list_linked(&t->timer_node))
        list_remove(&t->timer_node);
}

void timeout_tick(void) {
    uint64_t now = arch_ticks();
    while (!list_empty(&pending)) {
        struct task *t = container_of(pending.next, struct task, timeout_node);
        if (t->wake_at > now)
            break;
        list_remove(&t->timeout_node);
        ipc_timeout(t);
    }
    while (!list_empty(&timers)) {
        struct task *t = container_of(timers.next, struct task, timer_node);
        if (t->timer_at > now)
            break;
        list_remove(&t->timer_node);
        if (t->timer_period)
            timer_arm_at(t, t->timer_at + t->timer_period);
        trace_record(TRACE_TIMER, t->id, 0, 0, 0, 0);
        task_notify(t, NOTIFY_TIMER);
    }
}
