/*
 * Priority scheduler: one FIFO run queue per priority, a bitmap of the
 * non-empty ones, round robin within a priority on a timer quantum. A task
 * woken at a higher priority than the running one preempts it at the next
 * return to user mode.
 */
#include "ipc.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include "timeout.h"
#include "ktrace.h"
#include <string.h>

struct task *current;
static struct task idle_task_storage;
static struct list runqueues[TASK_PRIORITY_MAX + 1];
static uint32_t runqueue_bitmap;
/* Read by the syscall exit path (entry.S). */
bool need_resched;

void sched_init(void) {
    for (int i = 0; i <= TASK_PRIORITY_MAX; i++)
        list_init(&runqueues[i]);
    /* The boot thread becomes the idle task: its context is saved the
     * first time sched_start() switches away. */
    struct task *idle = &idle_task_storage;
    idle->arch.pml4 = vm_kernel_pml4();
    idle->state = TASK_STATE_RUNNABLE;
    idle->priority = -1;
    strlcpy(idle->name, "idle", sizeof(idle->name));
    list_init(&idle->runq_node);
    list_init(&idle->timeout_node);
    list_init(&idle->timer_node);
    ipc_task_init(idle);
    current = idle;
}

struct task *sched_idle_task(void) {
    return &idle_task_storage;
}

static void enqueue(struct task *t, bool front) {
    if (t == &idle_task_storage)
        return;
    if (front)
        list_push_front(&runqueues[t->priority], &t->runq_node);
    else
        list_push_back(&runqueues[t->priority], &t->runq_node);
    runqueue_bitmap |= 1u << t->priority;
}

static struct task *dequeue_highest(void) {
    if (!runqueue_bitmap)
        return &idle_task_storage;
    int prio = 31 - __builtin_clz(runqueue_bitmap);
    struct list *n = list_pop_front(&runqueues[prio]);
    if (list_empty(&runqueues[prio]))
        runqueue_bitmap &= ~(1u << prio);
    return container_of(n, struct task, runq_node);
}

static void dequeue(struct task *t) {
    if (!list_linked(&t->runq_node))
        return;
    list_remove(&t->runq_node);
    if (list_empty(&runqueues[t->priority]))
        runqueue_bitmap &= ~(1u << t->priority);
}

/* Trace hooks (nothing without CONFIG_TRACE). */
static void trace_switch(const struct task *prev, const struct task *next) {
    uint32_t why = prev->state == TASK_STATE_BLOCKED ? prev->block_reason : 0;
    trace_record(TRACE_SWITCH, prev->id, next->id, why, prev->state, 0);
}

static void trace_block(const struct task *t, enum block_reason why,
                        uint64_t timeout_ms) {
    uint32_t peer = why == BLOCK_SEND || why == BLOCK_REPLY ? t->ipc_peer->id
                    : why == BLOCK_RECV                     ? t->recv_from
                                                            : 0;
    trace_record(TRACE_BLOCK, t->id, peer, why, (uint32_t) timeout_ms, 0);
}

static void trace_wake(const struct task *t) {
    trace_record(TRACE_WAKE, t->id, trace_actor(), (uint32_t) t->ipc_result, 0,
                 0);
}

/* A new or woken task becomes ready. */
void sched_ready(struct task *t) {
    t->state = TASK_STATE_RUNNABLE;
    t->quantum = TASK_QUANTUM_TICKS;
    enqueue(t, false);
    if (t->priority > current->priority)
        need_resched = true;
}

/* Pick the next task and switch to it. The current task, if still
 * runnable, goes back to its queue: at the front when it was preempted
 * with quantum left, at the back when its quantum ran out. */
void schedule(void) {
    struct task *prev = current;
    need_resched = false;
    if (prev->state == TASK_STATE_RUNNABLE)
        enqueue(prev, prev->quantum > 0);
    struct task *next = dequeue_highest();
    if (next->quantum <= 0)
        next->quantum = TASK_QUANTUM_TICKS;
    if (next == prev)
        return;
    trace_switch(prev, next);
    current = next;
    arch_switch(prev, next);
    task_reap(); /* free what a task that ended as `prev` left behind */
}

void sched_block(struct task *t, enum block_reason why, uint64_t timeout_ms) {
    ASSERT(t == current);
    t->state = TASK_STATE_BLOCKED;
    t->block_reason = why;
    trace_block(t, why, timeout_ms);
    timeout_arm(t, timeout_ms);
    schedule();
}

void sched_block_switch(struct task *t, enum block_reason why,
                        uint64_t timeout_ms, struct task *next) {
    ASSERT(t == current);
    if (!next) {
        sched_block(t, why, timeout_ms);
        return;
    }
    ASSERT(next->state == TASK_STATE_BLOCKED);
    timeout_cancel(next);
    next->block_reason = BLOCK_NONE;
    trace_wake(next);
    if (runqueue_bitmap &&
        next->priority < 31 - __builtin_clz(runqueue_bitmap)) {
        sched_ready(next); /* someone more urgent: the usual way */
        sched_block(t, why, timeout_ms);
        return;
    }
    next->state = TASK_STATE_RUNNABLE;
    if (next->quantum <= 0)
        next->quantum = TASK_QUANTUM_TICKS;
    t->state = TASK_STATE_BLOCKED;
    t->block_reason = why;
    trace_block(t, why, timeout_ms);
    timeout_arm(t, timeout_ms);
    need_resched = false;
    trace_switch(t, next);
    current = next;
    arch_switch(t, next);
    task_reap();
}

void sched_wake(struct task *t) {
    ASSERT(t->state == TASK_STATE_BLOCKED);
    timeout_cancel(t);
    t->block_reason = BLOCK_NONE;
    trace_wake(t);
    sched_ready(t);
}

/* Remove a task that is ending from wherever the scheduler holds it. */
void sched_remove(struct task *t) {
    dequeue(t);
    timeout_cancel(t);
}

/* Change the effective priority, keeping run queue order right. */
void sched_set_priority(struct task *t, int priority) {
    bool queued = list_linked(&t->runq_node);
    if (queued)
        dequeue(t);
    if (t == current && priority < t->priority)
        need_resched = true; /* someone else may now come first */
    t->priority = priority;
    if (queued) {
        enqueue(t, false);
        if (priority > current->priority)
            need_resched = true;
    }
}

void sched_yield_if_needed(void) {
    if (need_resched)
        schedule();
}

_Static_assert(TIMER_HZ == TASK_TICKS_PER_SECOND, "cpu_ticks' unit is ABI");

void sched_tick(void) {
    timeout_tick();
    if (current == &idle_task_storage)
        return;
    current->cpu_ticks++;
    if (--current->quantum <= 0)
        need_resched = true;
}

void sched_start(void) {
    schedule();
    arch_idle_loop();
}
