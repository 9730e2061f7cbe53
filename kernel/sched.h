#pragma once
#include "task.h"

/*
 * The scheduler (sched.c): priority run queues, blocking and waking, and
 * the running task.
 */
extern struct task *current;

void sched_init(void);
void sched_ready(struct task *t);
void sched_block(struct task *t, enum block_reason why, uint64_t timeout_ms);
/* Block t (the current task) and wake `next` (may be NULL), giving it the
 * CPU at once when nothing more urgent is ready. */
void sched_block_switch(struct task *t, enum block_reason why,
                        uint64_t timeout_ms, struct task *next);
void sched_wake(struct task *t);
void sched_remove(struct task *t);
void sched_set_priority(struct task *t, int priority);
void sched_yield_if_needed(void);
void sched_tick(void);
void schedule(void);
__attribute__((noreturn)) void sched_start(void);
struct task *sched_idle_task(void);
