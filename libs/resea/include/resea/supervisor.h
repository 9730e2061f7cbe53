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
/* End the machine with `code` (QEMU exits with (code << 1) | 1): init
 * does it for a task whose boot entry has caps := exit, so a test task
 * needs no I/O port. Returns only on failure: ERR_NOT_PERMITTED without
 * that right, ERR_NOT_FOUND on a machine with no isa-debug-exit. */
error_t machine_exit(uint32_t code);
