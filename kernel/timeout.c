/* Deadlines of blocked tasks, in a list sorted by expiry tick. */
#include "timeout.h"
#include "task.h"

#define NO_TIMEOUT ((uint64_t) -1)

static struct list pending;

void timeout_init(void) { list_init(&pending); }

static uint64_t ms_to_ticks(uint64_t ms) {
    return (ms * TIMER_HZ + 999) / 1000;
}

void timeout_arm(struct task *t, uint64_t timeout_ms) {
    if (timeout_ms == NO_TIMEOUT)
        return;
    /* +1: the current tick is already partly over. */
    t->wake_at = arch_ticks() + ms_to_ticks(timeout_ms) + 1;
    struct list *it;
    list_for_each(it, &pending) {
        if (container_of(it, struct task, timeout_node)->wake_at > t->wake_at)
            break;
    }
    list_insert_between(&t->timeout_node, it->prev, it);
}

void timeout_cancel(struct task *t) {
    if (list_linked(&t->timeout_node))
        list_remove(&t->timeout_node);
}

void timeout_tick(void) {
    uint64_t now = arch_ticks();
    while (!list_empty(&pending)) {
        struct task *t = container_of(pending.next, struct task, timeout_node);
        if (t->wake_at > now)
            break;
        list_remove(&t->timeout_node);
        t->timed_out = true;
        sched_wake(t);
    }
}
