#pragma once
#include <stdint.h>

struct task;

/* Blocking with a deadline. IPC_FOREVER (as uint64) means no deadline. */
void timeout_init(void);
void timeout_arm(struct task *t, uint64_t timeout_ms);
void timeout_cancel(struct task *t);
/* Called every tick: wakes the tasks whose deadline has passed. */
void timeout_tick(void);
