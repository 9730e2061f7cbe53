#pragma once
#include <error.h>
#include <message.h>

/*
 * init's client (proto/supervisor.h) for the tasks init started: fresh
 * start-up handles are startup_renew() (<resea/startup.h>); this asks
 * init to end a system task, which only the operator's shell may.
 */
/* End the system task `id` (init starts it again, within its bound).
 * ERR_NOT_PERMITTED: our supervisor handle has no admin badge, or we have
 * none; ERR_NOT_FOUND: not a task init supervises. */
error_t supervisor_kill(task_t id);
