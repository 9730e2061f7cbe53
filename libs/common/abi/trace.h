#pragma once
#include <stdint.h>

/*
 * The kernel trace (CONFIG_TRACE, docs/trace.md): events the kernel
 * records in a fixed ring, read through a KOBJ_TRACE handle with
 * sys_trace(). Every event is one 32-byte record; the converter
 * (tools/trace.py) reads the kinds and their fields from this list, so it
 * is the one source of truth for both.
 *
 * `task` is the task the event is about (for IPC: the one acting), `peer`
 * the other party; a, b, c are the kind's own fields. Task ids are the
 * kernel's (slot and generation); 0 is the kernel itself or "any".
 *
 *   X(name, value, what it records, meaning of peer, a, b, c)
 */
/* clang-format off */
#define TRACE_EVENT_LIST(X)                                                    \
    /* The ring lost events: a = how many (b: high 32 bits). Emitted by a      \
     * read, in place of what was overwritten before it was read. */          \
    X(TRACE_OVERFLOW, 1, "events lost", "-", "lost", "lost_hi", "-")           \
    /* A clock mark: a/b = milliseconds since boot, so that the reader can     \
     * turn time stamps into time (c = timer ticks per second). */             \
    X(TRACE_CLOCK, 2, "clock", "-", "ms", "ms_hi", "hz")                       \
    /* A task's name, 16 bytes per event in peer..c; aux = which part (0,      \
     * 1): part 0 starts a new name. Recorded at creation and by a snapshot. */ \
    X(TRACE_NAME, 3, "task name", "name", "name", "name", "name")              \
    /* Switch from `task` to `peer` (a: what task waits for, an enum          \
     * task_wait_code, 0 if it is still runnable; b: its state, the kernel's   \
     * enum task_state in kernel/task.h). */                                   \
    X(TRACE_SWITCH, 4, "context switch", "next", "block_reason", "state", "-") \
    /* `task` blocks (a: enum task_wait_code) on peer (0: any sender or none); \
     * b: timeout in ms (-1: forever). */                                      \
    X(TRACE_BLOCK, 5, "block", "waits_for", "block_reason", "timeout_ms", "-") \
    /* `task` is made ready by `peer` (the running task; 0: an interrupt);     \
     * a: the result its wait ends with. */                                    \
    X(TRACE_WAKE, 6, "wake", "waker", "result", "-", "-")                      \
    /* A message moves from `task` to `peer`: a = type, b = out-of-line        \
     * bytes, c = message flags (MSG_*). A call's request, a reply and a       \
     * plain send are told apart by the kind. */                               \
    X(TRACE_SEND, 7, "send", "receiver", "type", "ool_len", "msg_flags")      \
    X(TRACE_CALL, 8, "call", "server", "type", "ool_len", "msg_flags")        \
    X(TRACE_REPLY, 9, "reply", "caller", "type", "ool_len", "msg_flags")      \
    /* ipc() returns to `task` (a = result, b = IPC_* flags it was given,      \
     * peer: the sender of what it received, or the peer that failed it);      \
     * c = the type received (0 if none). */                                   \
    X(TRACE_IPC_RETURN, 10, "ipc returns", "peer", "result", "ipc_flags",     \
      "type")                                                                  \
    /* `task` notifies `peer` (a/b: the bits, low/high). */                    \
    X(TRACE_NOTIFY, 11, "notify", "target", "bits", "bits_hi", "-")            \
    /* The kernel raises NOTIFY_TIMER in `task`. */                            \
    X(TRACE_TIMER, 12, "timer", "-", "-", "-", "-")                            \
    /* Interrupt line a raises NOTIFY_IRQ in `task`, its owner. */             \
    X(TRACE_IRQ, 13, "interrupt", "-", "irq", "-", "-")                        \
    /* `task` creates `peer` at priority a. */                                 \
    X(TRACE_TASK_CREATE, 14, "task created", "new_task", "priority", "-", "-") \
    /* `task` ends: a = enum exit_reason, b/c = exit code (low/high). */       \
    X(TRACE_TASK_EXIT, 15, "task ended", "-", "exit_reason", "code",          \
      "code_hi")                                                               \
    /* `task` faults: a = enum exit_reason, b/c = the address (low/high). */   \
    X(TRACE_TASK_FAULT, 16, "fault", "-", "exit_reason", "addr", "addr_hi")   \
    /* A handle moves (c = 1) or is copied (c = 0) from `task` to `peer`       \
     * in a message: a = enum kobject_kind, b = its rights. */                 \
    X(TRACE_HANDLE, 17, "handle passed", "receiver", "kind", "rights",       \
      "moved")
/* clang-format on */

#define TRACE_EVENT_ENUM_ENTRY(name, value, ...) name = value,
enum trace_kind { TRACE_EVENT_LIST(TRACE_EVENT_ENUM_ENTRY) TRACE_KIND_END };
#undef TRACE_EVENT_ENUM_ENTRY

struct trace_event {
    uint64_t tsc;  /* the CPU's time stamp counter */
    uint16_t kind; /* enum trace_kind */
    uint16_t aux;  /* TRACE_NAME: the part; otherwise 0 */
    uint32_t task;
    uint32_t peer;
    uint32_t a, b, c;
};

_Static_assert(sizeof(struct trace_event) == 32, "trace records are ABI");

/* sys_trace() operations. */
enum trace_op {
    /* Copy up to `max` unread events (oldest first) to buf; returns how
     * many. Events overwritten before they were read come back as one
     * TRACE_OVERFLOW record in their place. */
    TRACE_OP_READ = 1,
    /* Record a TRACE_CLOCK and the names of every live task, so that a
     * reader that starts late (or lost events) knows who is who. */
    TRACE_OP_SNAPSHOT = 2,
    /* Fill a struct trace_status at buf. */
    TRACE_OP_STATUS = 3,
    /* Stop (max = 0) or resume (max = 1) recording. */
    TRACE_OP_ENABLE = 4,
};

struct trace_status {
    uint64_t recorded; /* events recorded since boot */
    uint64_t lost;     /* overwritten before they were read */
    uint64_t unread;   /* in the ring now, not yet read */
    uint32_t capacity; /* events the ring holds */
    uint32_t enabled;  /* recording now */
};

/*
 * The stream the trace task (apps/trace) writes on its serial port, and
 * tools/trace.py reads: the 8 bytes of TRACE_STREAM_MAGIC, then records
 * as the ring gives them, then one record of kind TRACE_STREAM_END (a =
 * the records before it) when the reader is told to stop.
 */
#define TRACE_STREAM_MAGIC "RSTRACE1"
#define TRACE_STREAM_END 0xffff
