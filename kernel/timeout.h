#pragma once
#include <stdint.h>

struct task;

/* Blocking with a deadline. IPC_FOREVER (as uint64) means no deadline. */
void timeout_init(void);
void timeout_arm(struct task *t, uint64_t timeout_ms);
void timeout_cancel(struct task *t);
/* The task's timer: NOTIFY_TIMER after first_ms, then every period_ms
 * (0: once). first_ms == 0 cancels it. */
void timer_set(struct task *t, uint64_t first_ms, uint64_t period_ms);
void timer_cancel(struct task *t);
/* Called every tick: wakes the tasks whose deadline has passed. */
void timeout_tick(void);
