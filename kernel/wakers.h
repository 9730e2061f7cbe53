#pragma once
#include "task.h"

/*
 * Who can wake a task blocked in a receive from any sender, besides a
 * task that sends it a message: the tasks holding a handle to it with
 * RIGHT_NOTIFY (task_status.wakers). Derived from the handle tables when
 * task_status or task_list asks, never kept on the IPC paths.
 */
struct wakers {
    uint32_t num;                /* holders found */
    task_t ids[TASK_WAKERS_MAX]; /* the first of them, by slot */
    task_t last;                 /* the last added, to count each once */
};

/* The wakers of every slot's task, out[slot], in one pass over every
 * handle table. */
void wakers_of_all(struct wakers out[TASK_MAX]);
/* The wakers of one task. */
void wakers_of(const struct task *t, struct wakers *out);
