#pragma once
#include "task.h"
#include <error.h>

/* Synchronous message passing; the system call is in syscall.c. */
error_t ipc(handle_t dst, task_t src, struct message __user *m, uint32_t flags,
            int64_t timeout);
/* A task is ending: everyone waiting on it gets ERR_ABORTED, and it
 * leaves the queue it waits in. */
void ipc_abort(struct task *t);
void ipc_task_init(struct task *t);
/* t's send, receive or sleep reached its deadline: end the wait
 * (ERR_TIMEOUT for a send or receive). */
void ipc_timeout(struct task *t);
/* A call made by the kernel for the current task (a page fault sent to
 * its pager): m, in kernel memory, is the request and gets the reply,
 * which may carry a handle but no out-of-line data. */
error_t ipc_kernel_call(struct task *target, uint64_t badge, struct message *m);
