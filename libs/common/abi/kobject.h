#pragma once
#include <stdint.h>
#include <user.h>

/*
 * What a handle can name, and what it allows. A handle is an index into the
 * holder's own handle table; 0 is never a valid handle.
 */
typedef int32_t handle_t;

#define HANDLE_MAX 64 /* entries per task, index 0 unused */

enum kobject_kind {
    KOBJ_NONE = 0,
    KOBJ_TASK = 1,   /* a task: its IPC endpoint and its control */
    KOBJ_SPAWN = 2,  /* the right to create tasks, of a range of priorities */
    KOBJ_IOPORT = 3, /* a range of I/O ports */
    KOBJ_IRQ = 4,    /* a range of interrupt lines */
    KOBJ_TRACE = 5,  /* the kernel trace (sys_trace; RIGHT_CONTROL: on/off) */
    KOBJ_MEMORY = 6, /* a memory object: pages to map (vm.h) */
    KOBJ_DMA = 7,    /* the right to create device memory (init's) */
};

/* Rights on a KOBJ_TASK handle. Rights only shrink when passed on. */
#define RIGHT_SEND (1u << 0)
#define RIGHT_CALL (1u << 1)
#define RIGHT_NOTIFY (1u << 2)
#define RIGHT_GRANT (1u << 3)   /* may be copied to another task */
#define RIGHT_CONTROL (1u << 4) /* kill, status */
#define RIGHTS_ALL 0x1fu
/* Rights on a KOBJ_MEMORY handle: how vm_map may map it. RIGHT_GRANT
 * lets the holder copy it to another task (moving it needs no right). */
#define RIGHT_MAP_READ (1u << 5)
#define RIGHT_MAP_WRITE (1u << 6)
#define RIGHT_MAP_EXEC (1u << 7)
#define MEM_RIGHTS_ALL                                                         \
    (RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_MAP_EXEC | RIGHT_GRANT)

/*
 * What a handle in a new task's start-up table is for: its creator gives
 * each handle it passes a tag (task_spec.tags), and the task finds its
 * handles by tag (handle_info.tag; startup_handle() in libs/resea), never
 * by position, so a starter that lacks one handle shifts no other. Only
 * task_create sets a tag: a handle copied any other way (handle_dup,
 * handle_narrow, a message) has TAG_NONE. The kernel gives the root task
 * TAG_SPAWN, TAG_IOPORT and TAG_IRQ, covering every priority, port and
 * line the machine has (handle_info tells how many: on a PC 65536 ports
 * and the 16 lines of the 8259 PICs, of which the kernel keeps the
 * timer's and the cascade's), TAG_TRACE, the kernel trace, and TAG_DMA,
 * the right to create device memory.
 *
 *   X(name, value, what the handle is)
 */
#define STARTUP_TAG_LIST(X)                                                    \
    X(TAG_NONE, 0, "no start-up role")                                         \
    X(TAG_NAME, 1, "the name server")                                          \
    X(TAG_NAME_SERVE, 2, "the name server, to serve the entry's names")        \
    X(TAG_SPAWN, 3, "spawn")                                                   \
    X(TAG_IOPORT, 4, "I/O ports")                                              \
    X(TAG_IRQ, 5, "IRQ lines")                                                 \
    X(TAG_CONSOLE, 6, "the console, for one port")                             \
    X(TAG_SUPERVISOR, 7, "init, to renew the others (proto/supervisor.h)")     \
    X(TAG_TRACE, 8, "the kernel trace")                                        \
    X(TAG_DMA, 9, "device memory (mem_create_device)")                        \
    X(TAG_PAGER, 10, "init, to page the stack's growth (proto/supervisor.h)")

#define STARTUP_TAG_ENUM_ENTRY(name, value, what) name = value,
enum startup_tag { STARTUP_TAG_LIST(STARTUP_TAG_ENUM_ENTRY) STARTUP_TAG_COUNT };
#undef STARTUP_TAG_ENUM_ENTRY

/* Task slots: an id's low 8 bits. Slot 0 is never used (id 0 means any). */
#define TASK_MAX 256
/* Tasks one task may watch at a time (task_watch); ERR_FULL past it. */
#define TASK_WATCHES_MAX 64
#define TASK_NAME_MAX 32     /* including the NUL */
#define TASK_PRIORITY_MAX 31 /* 0 (lowest) .. 31 (highest) */
#define TASK_SPEC_HANDLES 12
#define TASK_CMDLINE_MAX 128 /* including the NUL */
#define TASK_MEMORY_DEFAULT (2 * 1024 * 1024ull) /* task_spec.memory 0 */
/* Tasks task_status names in `wakers`, at most. */
#define TASK_WAKERS_MAX 3

/* Argument of task_create: what to run and what to give it. */
struct task_spec {
    const char __user *name;
    const void __user *image; /* an ELF executable in the caller's memory */
    uint64_t image_size;
    uint64_t arg; /* passed to the new task's entry point */
    /* NULL, or a string the task can read (task_cmdline) */
    const char __user *cmdline;
    uint32_t priority;
    uint32_t num_handles;
    /* Bytes of the creator's memory budget the task gets (0: the default,
     * TASK_MEMORY_DEFAULT). Everything the task holds is charged to it,
     * its own image, stack and kernel structures included; the creator
     * has the bytes back when the task and its memory are gone. */
    uint64_t memory;
    /* copied into the new task's table, each under its tag (enum
     * startup_tag: TAG_NONE, or a tag no other handle here has) */
    handle_t handles[TASK_SPEC_HANDLES];
    uint32_t tags[TASK_SPEC_HANDLES];
};

enum task_state_code {
    TASK_RUNNING = 1,
    TASK_READY = 2,
    TASK_BLOCKED = 3,
    TASK_DEAD = 4,
};

/* What a blocked task waits for (task_status.wait). */
enum task_wait_code {
    WAIT_NONE = 0,
    WAIT_RECEIVE = 1, /* a message or notification (from wait_peer, or any) */
    WAIT_SEND = 2,    /* wait_peer to take its message */
    WAIT_REPLY = 3,   /* wait_peer to answer its call */
    WAIT_SLEEP = 4,   /* sleep_ms */
};

/* Why a task ended. */
#define EXIT_REASON_LIST(X)                                                    \
    X(EXIT_NONE, 0, "alive")                                                   \
    X(EXIT_NORMAL, 1, "exited")                                                \
    X(EXIT_KILLED, 2, "killed")                                                \
    X(EXIT_PAGE_FAULT, 3, "page fault")                                        \
    X(EXIT_GP_FAULT, 4, "general protection fault")                            \
    X(EXIT_INVALID_OPCODE, 5, "invalid opcode")                                \
    X(EXIT_DIVIDE_ERROR, 6, "divide error")                                    \
    X(EXIT_OTHER_FAULT, 7, "exception")                                        \
    X(EXIT_BREAKPOINT, 8, "breakpoint")                                        \
    X(EXIT_FPU, 9, "AVX instruction (tasks have no AVX state)")

#define EXIT_REASON_ENUM_ENTRY(name, value, msg) name = value,
enum exit_reason { EXIT_REASON_LIST(EXIT_REASON_ENUM_ENTRY) };
#undef EXIT_REASON_ENUM_ENTRY

struct task_status {
    uint32_t id;
    uint32_t state; /* enum task_state_code */
    uint32_t priority;
    uint32_t exit_reason; /* enum exit_reason */
    int64_t exit_code;    /* task_exit's argument, or the vector */
    uint64_t fault_addr;  /* for a page fault */
    uint64_t fault_rip;
    uint64_t cpu_ticks; /* timer ticks spent running (TASK_TICKS_PER_SECOND) */
    char name[TASK_NAME_MAX];
    uint32_t wait;      /* enum task_wait_code, when blocked */
    uint32_t wait_peer; /* the task id waited on, 0 for any */
    uint32_t num_handles;
    uint32_t base_priority;
    uint32_t creator; /* the task that created it; 0 for the root task */
    /* Who can end a receive from any sender, besides a message from a
     * task holding a send handle: the tasks other than itself and its
     * creator that hold a handle to it with RIGHT_NOTIFY (num_wakers of
     * them, the first TASK_WAKERS_MAX by slot in wakers), its timer
     * (timer_armed) and its interrupt lines (bit n of irq_lines: line n). */
    uint32_t num_wakers;
    uint32_t wakers[TASK_WAKERS_MAX];
    uint32_t timer_armed;
    uint32_t irq_lines;
    uint32_t reserved;
    uint64_t ipc_calls; /* ipc() system calls it made (a call counts once) */
    /* Its memory budget (vm_status), in bytes: what it may hold, what it
     * holds itself, what it gave the tasks it started. */
    uint64_t mem_limit;
    uint64_t mem_used;
    uint64_t mem_given;
};

/* The unit of task_status.cpu_ticks. */
#define TASK_TICKS_PER_SECOND 1000

/* What handle_info says about a handle. */
struct handle_info {
    uint32_t kind; /* enum kobject_kind */
    uint32_t rights;
    uint64_t badge;
    uint32_t tag; /* enum startup_tag: what task_create gave it for */
    uint32_t reserved;
    uint32_t task_id; /* KOBJ_TASK: the task behind it */
    uint32_t task_alive;
    /* KOBJ_IOPORT, KOBJ_IRQ, KOBJ_SPAWN: the ports, lines or priorities */
    uint32_t base, count;
};

/* A task that raised NOTIFY_ASYNC in us, and our handle to call it. */
struct notify_source {
    uint32_t task_id;
    int32_t handle; /* one of ours naming it with RIGHT_CALL, or 0 */
};

struct sysinfo {
    uint64_t free_pages;
    uint64_t total_pages;
    uint64_t uptime_ms;
    uint32_t num_tasks;
    uint32_t reserved;
};
