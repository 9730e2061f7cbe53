#pragma once
#include "arch.h"
#include "list.h"
#include "mm.h"
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <stdbool.h>
#include <stdint.h>
#include <user.h>

/*
 * A task: one address space, one thread. Tasks live in a fixed table; a
 * task id is the slot number plus a generation counter in the upper bits,
 * so an id kept after the task is gone never names its successor.
 */
#define TASK_ID_SLOT(id) ((id) &0xff)
#define TASK_ID_GEN(id) ((id) >> 8)
#define TASK_QUANTUM_TICKS 10

enum task_state {
    TASK_STATE_UNUSED = 0,
    TASK_STATE_RUNNABLE, /* running or in a run queue */
    TASK_STATE_BLOCKED,
    TASK_STATE_DEAD, /* ended; kept while handles refer to it */
};

/* Numbered as enum task_wait_code (kobject.h), which task_status and the
 * trace (trace.h) report it as. */
enum block_reason {
    BLOCK_NONE = WAIT_NONE,
    BLOCK_RECV = WAIT_RECEIVE, /* waiting for a message or a notification */
    BLOCK_SEND = WAIT_SEND,    /* queued in ipc_peer's senders */
    BLOCK_REPLY = WAIT_REPLY,  /* ipc_peer took our call and owes us a reply */
    BLOCK_SLEEP = WAIT_SLEEP,  /* until the timeout: sleep_ms */
};

/* One task_watch, kept by the watcher (so watching is charged to the
 * task that asks, never to the task watched) and linked into the watched
 * task's list of watchers while both are alive. */
struct watch {
    struct list node; /* in the watched task's `watchers`; unlinked: free */
    task_t target;
    task_t watcher;
};

/* ipc_result while a wait is still open. */
#define IPC_PENDING 1

struct handle {
    uint8_t kind; /* enum kobject_kind */
    uint8_t tag;  /* enum startup_tag: set by task_create only */
    uint32_t rights;
    uint64_t badge;
    union {
        struct task *task;
        struct memobj *mem; /* KOBJ_MEMORY */
        struct {
            uint32_t base, count;
        } range; /* KOBJ_IOPORT: ports, KOBJ_IRQ: lines, KOBJ_SPAWN:
                    priorities the tasks it creates may have */
    };
};

struct task {
    struct arch_task arch; /* first: entry code finds it at offset 0 */
    uint32_t id;
    char name[TASK_NAME_MAX];
    enum task_state state;
    enum block_reason block_reason;
    int priority;      /* effective: raised while serving a caller */
    int base_priority; /* as created */
    int quantum;
    uint64_t kstack; /* lowest address of the kernel stack (KSTACK_SIZE) */
    struct list runq_node;
    struct list timeout_node;
    uint64_t wake_at; /* tick at which a blocked wait times out */

    uint32_t refs; /* handles naming this task, +1 while alive */
    /* Who created us; when it ends, its creator (so an ancestor's
     * authority survives the death of a task in between). */
    task_t parent;
    /* Told through NOTIFY_DEATH when we end, if still alive: the task
     * that created us, then every watch in `watchers`. */
    task_t creator;
    struct list watchers;
    struct watch watches[TASK_WATCHES_MAX]; /* the tasks we watch */

    uint64_t notifications; /* pending, OR-ed by notify */

    /* IPC: see ipc.c. */
    struct list senders;            /* blocked sending to us, by priority */
    struct list reply_waiters;      /* callers we took and have not answered */
    struct list ipc_node;           /* our place in a peer's list above */
    struct task *ipc_peer;          /* whom we wait on in BLOCK_SEND/REPLY */
    task_t recv_from;               /* IPC_ANY or the one sender we accept */
    struct message __user *ipc_buf; /* buffer of our pending send/recv */
    struct message *ipc_kbuf;       /* the same through the kernel's mapping */
    bool ipc_kbuf_writable;         /* checked for writing too */
    uint32_t ipc_flags;             /* of our pending ipc(): IPC_* */
    uint64_t send_badge;            /* badge of the handle it uses */
    error_t ipc_result;             /* set by whoever ends our wait */
    uint64_t ool_buf;               /* registered out-of-line receive buffer */
    uint32_t ool_cap;
    uint64_t reply_ool_buf; /* this call's buffer for reply OOL data */
    uint32_t reply_ool_cap; /* 0: use ool_buf */
    /* Task slots that raised NOTIFY_ASYNC in us since we last asked. */
    uint64_t notify_sources[TASK_MAX / 64];

    /* A one-shot or periodic timer raising NOTIFY_TIMER. */
    struct list timer_node;
    uint64_t timer_at, timer_period; /* ticks */

    uint32_t exit_reason;
    int64_t exit_code;
    uint64_t fault_addr, fault_rip;
    uint64_t cpu_ticks;
    uint64_t ipc_calls;
    bool log_midline; /* our last console_write ended inside a line */

    /* Memory: our budget, charged for all we hold (mm.h); the task whose
     * budget it came from, referenced until our memory is gone, and gets
     * mem.limit back then. Regions: vmspace.c. */
    struct mem_account mem;
    struct task *mem_giver;
    struct vm_region *regions; /* NULL until the first vm_map */
    uint32_t num_regions;

    struct handle handles[HANDLE_MAX];
};

void task_init(void);
/* The task a live id names, or NULL (unused slot or stale generation). */
struct task *task_lookup(uint32_t id);
/* An executable to start: in the boot image (kernel memory) or in the
 * memory of the task creating it. */
struct task_image {
    const uint8_t *kernel; /* NULL: read from `user` */
    const uint8_t __user *user;
    uint64_t size;
};
/* `memory`: the budget, which the creator (current) has reserved. */
struct task *task_spawn(const char *name, const struct task_image *image,
                        int priority, uint64_t arg, const char *cmdline,
                        uint64_t memory, int *err);
/* End a task for `reason`; does not return if t is the current task. */
void task_end(struct task *t, uint32_t reason, int64_t code);
void task_ref(struct task *t);
void task_unref(struct task *t);
void task_set_fault(struct task *t, uint64_t addr, uint64_t rip);
/* Whether a created t, or created an ancestor of t. */
bool task_is_ancestor(const struct task *a, const struct task *t);
/* Add `watcher` to those told of t's end. */
error_t task_watch(struct task *t, struct task *watcher);
/* OR bits into t's pending notifications, waking a receive. */
void task_notify(struct task *t, uint64_t bits);
/* Free a task that ended while running, once we are off its stack. */
void task_reap(void);
int task_count(void);
struct task *task_at_slot(int slot);
