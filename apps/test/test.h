#pragma once
/*
 * The in-QEMU test task. Each TEST() registers a case in section
 * .test_cases; the runner (runner.c) runs each in a child copy of this
 * task, in link order, within a time limit, and prints `PASS name` or
 * `FAIL name: reason`, then `N passed, M failed`. A CHECK that fails
 * records the reason and returns from the test.
 */
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <resea/bootfs_task.h>
#include <resea/ipc.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <stdbool.h>
#include <stdint.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

#define TEST(name)                                                             \
    static void test_##name(void);                                             \
    __attribute__((section(".test_cases"),                                     \
                   used)) static const struct test_case test_case_##name = {   \
        #name, test_##name};                                                   \
    static void test_##name(void)

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed(void);
/* What the first failed CHECK said. */
const char *test_reason(void);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            test_fail(__FILE__, __LINE__, "%s", #cond);                        \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_EQ(actual, expected)                                             \
    do {                                                                       \
        int64_t a_ = (int64_t) (actual), e_ = (int64_t) (expected);            \
        if (a_ != e_) {                                                        \
            test_fail(__FILE__, __LINE__, "%s is %ld (%#lx), expected %ld",    \
                      #actual, a_, a_, e_);                                    \
            return;                                                            \
        }                                                                      \
    } while (0)

/* An error_t compared with its name in the message. */
#define CHECK_ERR(actual, expected)                                            \
    do {                                                                       \
        error_t a_ = (actual), e_ = (expected);                                \
        if (a_ != e_) {                                                        \
            test_fail(__FILE__, __LINE__, "%s returned %s, expected %s",       \
                      #actual, err_name(a_), err_name(e_));                    \
            return;                                                            \
        }                                                                      \
    } while (0)

/* The handles init gives this task, found by start-up tag when it starts
 * (runner.c): the name server, the right to serve the names build.mk
 * lists (serves := console chat: the fresh servers the tests start use
 * it), and what build.mk asks for (caps := spawn ioport irq). A handle
 * the creator did not give is 0. */
extern struct held_caps test_caps;
#define H_NAME (test_caps.name)
#define H_SERVE (test_caps.serve)
#define H_SPAWN (test_caps.spawn)
#define H_IOPORT (test_caps.ioport)
#define H_IRQ (test_caps.irq)
#define TEST_PRIORITY 10 /* of each case; the runner waits above it */
/* The memory budget of each case, out of the test task's (build.mk). */
#define CASE_MEMORY (112 * 1024 * 1024ull)
#define TASK_LIST_MAX 256 /* every task task_list can report */

/* What a copy of this program does when started with a non-zero arg. */
enum child_mode {
    CHILD_EXIT_0 = 1,
    CHILD_EXIT_42,
    CHILD_READ_KERNEL,
    CHILD_UD2,
    CHILD_DIV_ZERO,
    CHILD_JUMP_NONCANONICAL,
    CHILD_NULL_DEREF,
    CHILD_WRITE_TEXT,
    CHILD_EXEC_STACK,
    CHILD_STACK_OVERFLOW,
    CHILD_INT3,
    CHILD_CLI,
    CHILD_OUTB,
    CHILD_JUMP_KERNEL,
    CHILD_SPIN,
    CHILD_BLOCK,
    CHILD_EXIT_NOTIFICATIONS,
    CHILD_TRY_SPAWN,
    CHILD_TRY_IOPORT,
    CHILD_BAD_SYSCALL_LOOP,
    CHILD_CMDLINE_LENGTH, /* exit with strlen(task_cmdline()) */
    CHILD_SPIN_WHEN_TOLD, /* receive one message, then spin */
    /* The FPU (test_fpu.c). */
    CHILD_FPU_DIRTY,    /* fill every FPU register with FPU_PATTERN, wait */
    CHILD_FPU_READ,     /* exit 0 if the FPU is as a new task finds it */
    CHILD_FPU_SUM,      /* sum doubles for a while: exit with fpu_sum(param) */
    CHILD_AVX,          /* read %xmm0 through a VEX-encoded instruction */
    CHILD_PAGER_CLIENT, /* touch a region paged by handle 1 (test_pager.c) */
    CHILD_DEEP_STACK,   /* use param bytes of stack, exit 0 */
    CHILD_TRY_DMA,      /* exit 0 if it cannot make device memory */
    CHILD_COMPAT_DIE,   /* end as compat_die(param) (test_compat.c) */
    CHILD_RUN_CASE,     /* the runner's: one test case (runner.c) */
    /* IPC peers (ipc_peers.c); their handle 1 is whom they talk to. */
    CHILD_ECHO_SERVER,
    CHILD_CALLER,
    CHILD_SENDER,
    CHILD_RECV_THEN_EXIT,
    CHILD_RECV_NO_OOL, /* drop the library's OOL buffer, then as above */
    CHILD_OOL_OWNER,   /* receive OOL in the library's buffers: see test */
    CHILD_SLEEP_EXIT,  /* sleep_ms(param), then exit 0 */
    CHILD_TRY_IRQ,     /* irq_listen(handle 1, param), exit with the result */
    CHILD_WATCH,       /* task_watch(handle 1), exit 42 on NOTIFY_DEATH */
    CHILD_TIMED_SEND,  /* param: ms | TIMED_CALL; exit with the result */
    CHILD_RECV_FROM,   /* ipc_recv(param), exit with the result */
    CHILD_FORGER,      /* out-of-line data shaped like init's message; param 0:
                          send it to handle 1, 1: reply it to one call */
    CHILD_HANDLE_REPLIER, /* reply to one call with a handle, stay param ms,
                             exit with the reply's result */
    CHILD_TIMED_RECV,     /* a receive of param ms that must time out; exit
                             with the bits >> 16 then pending */
    CHILD_HANDLE_SENDER,  /* send handle 1 an ECHO_ADD moving a handle to
                             itself; exit with the result */
    /* Async peers (async_peers.c), talking to handle 1. */
    CHILD_ASYNC_PRODUCER, /* param: count | tag << 16 | trigger << 24 */
    CHILD_ASYNC_CONSUMER, /* param: messages to take before exiting */
    CHILD_ASYNC_CONNECT,  /* async_connect to handle 1, exit with result */
    CHILD_EXIT_BITS,      /* exit with the first notification's bits */
    CHILD_ASYNC_HASH,     /* take one async message, exit with its hash */
    CHILD_ASYNC_CLIENT,   /* call handle 1 once, then take param async
                             messages from it (async_item seq 0, 1, ...);
                             exit with how many came in order */
    /* Name server peers (test_name.c); handle 1 is the name server. */
    CHILD_NAMED_ECHO, /* register test_names[param], then echo */
    CHILD_LOOKUP,     /* look test_names[param] up, forever; exit result */
    /* Chat clients (test_chat.c); handle 1 is the name server. Each opens
     * a session as chat_nicks[param], then: */
    CHILD_CHAT_QUITTER,  /* exits without CLOSE */
    CHILD_CHAT_STUCK,    /* never receives again */
    CHILD_CHAT_LISTENER, /* catches up, waits for NOTIFY_CHAT, fetches;
                            exit 42 if it got exactly "<alice> ping" */
    CHILD_CHAT_HOLDER,   /* opens its share of sessions as "h<param>-<n>"
                            instead, and never receives again */
    /* Attackers of the kernel's authority checks (attack_peers.c): each
     * tries one thing with handle 1 and exits with the result. */
    CHILD_SPAWN_AT,      /* task_create at priority param */
    CHILD_SPAWN_BLOCKER, /* start a CHILD_BLOCK, exit with its id */
    CHILD_KILL_ID,       /* task_kill_id(handle 1, param) */
    CHILD_NOTIFY_BIT,    /* ipc_notify(handle 1, 1 << param) */
    CHILD_NOTIFY_CLIENT, /* notify_client(param & 0xffffffff,
                            1 << (param >> 32)) */
    CHILD_IRQ_AND_CLOSE, /* irq_listen(handle 1, param), close it, block */
    CHILD_LOG_SPOOF,     /* write log_spoof_main's lines */
    CHILD_STARTUP_TABLE, /* exit with what its start-up table holds */
    /* Attackers of the servers (server_attackers.c, server_attack.h). */
    CHILD_LOOP_SERVER, /* an event loop that accepts every connect */
    CHILD_ATTACK_FREEZE,
    CHILD_ATTACK_STALL,
    CHILD_ATTACK_FLOOD,
    CHILD_ATTACK_SQUAT,
    CHILD_ATTACK_ATTACH,
    CHILD_ATTACK_SYSTEM_NAMES, /* serve "console", "chat" and a name of its
                                  own; exit with what it got (SQUAT_*) */
    CHILD_ATTACK_TERMINALS,    /* attach, read and write every port through
                                  "console"; exit with how many worked */
    CHILD_ATTACK_SESSIONS,     /* open chat sessions until refused; hold */
    CHILD_ATTACK_WAITERS,      /* send the name server lookups that wait,
                                  over and over */
    /* Memory (vm_peers.c); handle 1, if any, is whom they talk to. */
    CHILD_VM_FAULT,  /* param: a page address | enum vm_fault_kind */
    CHILD_VM_LIMIT,  /* exit with vm_status().limit */
    CHILD_VM_PEER,   /* serve vmpeer calls (vm.idl) */
    CHILD_VM_HOLDER, /* param: vm_holder_param(): map memory, end holding it */
    /* Attackers of the memory capabilities (test_attack_memory.c). */
    CHILD_MEM_SHARE_BACK,   /* fill an object, move it to handle 1, hold */
    CHILD_MEM_READONLY,     /* try to write through read-only handle 1 */
    CHILD_MEM_SPARSE,       /* map one page at many far-apart places, report
                               to handle 1, hold */
    CHILD_MEM_PAGER_GREEDY, /* fault in a large region paged by handle 1 */
    CHILD_MEM_STALE_TLB,    /* touch param pages after unmapping them */
};

extern const char *const test_names[];
int name_peer_main(int mode, uint64_t param);
extern const char *const chat_nicks[];
int chat_peer_main(int mode, uint64_t param);
int attack_peer_main(int mode, uint64_t param);
/* Lines that pretend to be the kernel's and init's, written by a child
 * named "spoofer"; then QEMU is ended (tools/boot_tests.py checks). */
int log_spoof_main(void);
int startup_table_main(void);

/* What an async producer sends: its tag and a sequence number. */
struct async_item {
    uint32_t tag;
    uint32_t seq;
};
#define PRODUCER_PARAM(count, tag, trigger)                                    \
    ((uint64_t) (count) | ((uint64_t) (tag) << 16) |                           \
     ((uint64_t) (trigger) << 24))
int async_peer_main(int mode, uint64_t param);
int server_attack_main(int mode, uint64_t param);
int vm_peer_main(int mode, uint64_t param);

/* How a CHILD_VM_FAULT child faults at the page address A it is given
 * (the low 12 bits of its parameter say which). */
enum vm_fault_kind {
    VM_FAULT_WRITE_READ_ONLY = 1, /* map A MAP_READ, write A + 8 */
    VM_FAULT_EXEC_NO_EXEC,        /* map A read-write, put a `ret`, call A */
    VM_FAULT_READ_AFTER_UNMAP,    /* map A + 4096, then A; write A, unmap
                                     A, read it */
    VM_FAULT_READ_HOLE,           /* map 3 pages at A, unmap the middle one,
                                     write the others, read A + 4096 */
};

/* A CHILD_VM_PEER serves the calls of vmpeer (vm.idl), made with these:
 * each returns what the reply says (an address, a hash, a result) or the
 * call's error. */
int64_t vm_peer_map(handle_t peer, handle_t mem, uint32_t how, uint32_t flags,
                    uint64_t len, uint64_t *rights); /* how: MSG_HANDLE_* */
int64_t vm_peer_hash(handle_t peer);
error_t vm_peer_fill(handle_t peer, uint64_t seed);
int64_t vm_peer_write_late(handle_t peer);
error_t vm_peer_release(handle_t peer);
error_t vm_peer_alloc(handle_t peer, uint64_t len);
int64_t vm_peer_ool_gone(handle_t peer, bool read_only);
error_t vm_peer_ool_valid(handle_t peer);
/* ool_hash, bounded to timeout_ms in all: the call's result, and the
 * hash in *hash. */
error_t vm_peer_ool_hash(handle_t peer, const void *data, size_t len,
                         int64_t timeout_ms, uint64_t *hash);
int64_t vm_peer_peek(handle_t peer, uint64_t addr);

/* A CHILD_VM_HOLDER's parameter: it maps `pages` anonymous pages and an
 * object of as many twice, writes them all (vm_pattern seeds 1 and 2),
 * sends handle 1 a VMPEER_HOLDER_READY_MSG (carrying a read-only handle
 * to the object if `send`), then waits to be killed, or dies by a page
 * fault if `fault`. */
#define vm_holder_param(pages, send, fault)                                    \
    ((uint64_t) (pages) | ((uint64_t) (send) << 16) |                          \
     ((uint64_t) (fault) << 17))
/* Byte i of the pattern vm_peer and the tests write: it differs from page
 * to page and from seed to seed. */
static inline uint8_t vm_pattern(uint64_t seed, uint64_t i) {
    return (uint8_t) (seed * 31 + i * 7 + (i >> 12) + 1);
}
int mem_attack_main(int mode, uint64_t param);

/* Requests the echo server understands. */
enum echo_request {
    ECHO_ADD = 16, /* words[0] + 1 */
    ECHO_HASH,     /* hash of the OOL bytes in words[0], length in [1] */
    ECHO_OOL_BACK, /* reply with the OOL bytes received */
    ECHO_HANDLE,   /* words[0]: handle index received, [1]: its task's
                      priority (or an error) */
    ECHO_EXIT,     /* exit without replying */
};
/* What CHILD_FORGER's out-of-line data claims. */
#define FORGED_TYPE 7777
#define FORGED_SRC 257 /* init */
#define FORGED_BADGE 0xf0f0
/* CHILD_TIMED_SEND: call instead of send; a call bounded in all. */
#define TIMED_CALL (1ull << 32)
#define TIMED_BOUNDED (1ull << 33)
#define ECHO_COUNT_WORD 5 /* every reply: messages received so far */
#define ECHO_BADGE_WORD 4 /* every reply: the badge the request came with */

/* A child's arg: the mode in the low byte, a parameter above it. */
#define CHILD_ARG(mode, param) ((uint64_t) (mode) | ((uint64_t) (param) << 8))

int child_main(uint64_t arg);
/* The FPU's children (test_fpu.c). */
int fpu_child(int mode, uint64_t param);
/* A long sum of doubles scaled by `factor`, folded into an exit code. */
int fpu_sum(uint64_t factor);
int ipc_peer_main(int mode, uint64_t param);
int echo_server_main(void);
uint64_t fnv_hash(const void *buf, size_t len);
/* Start the boot image's task `name` at its priority, with these handles,
 * each under the start-up tag it has here (0, not held: left out): a
 * system server, to test it afresh. */
handle_t start_boot_task(const char *name, int num_handles,
                         const handle_t *handles);
/* The same, each handle under the start-up tag given for it: to pass
 * handles made here (which have TAG_NONE), playing init; at most at the
 * top priority of our spawn handle. */
handle_t start_boot_task_tagged(const char *name, int num_handles,
                                const handle_t *handles, const uint32_t *tags);
/* Start a copy of this program in `mode` at `priority`. */
handle_t spawn_child(int mode, int priority);
/* The same with a parameter and handles given to the child as 1, 2, ...,
 * each under the start-up tag it has here (so H_NAME is the child's name
 * server, as a plain app's). */
/* Note what we hold at start-up: the budget a copy of us needs. */
void note_copy_cost(void);
/* In a peer: the i-th handle spawn_peer passed it (1..n, in order). */
handle_t peer_handle(int i);
/* What a copy of this program needs to start (note_copy_cost). */
uint64_t peer_copy_cost(void);
/* The same with a memory budget of its own (task_spec.memory). */
handle_t spawn_peer_with(int mode, uint64_t param, int priority,
                         int num_handles, const handle_t *handles,
                         uint64_t memory);
handle_t spawn_peer(int mode, uint64_t param, int priority, int num_handles,
                    const handle_t *handles);
/* A handle to ourselves, made once. */
handle_t self_handle(void);
/* The task id behind a handle we control. */
task_t task_id_of(handle_t h);
/* The free slots in our handle table. */
int free_slots(void);
/* Wait (at most 5 s) until the task has ended; fills *st. */
error_t wait_dead(handle_t h, struct task_status *st);
int pager_client_main(void);
/* End by a failed ASSERT, ASSERT_OK, PANIC... (test_compat.c). */
int compat_die(uint64_t how);
int deep_stack_main(uint64_t bytes);
int try_dma_main(void);
/* Wait for the task to end, close the handle: its exit code (-9999 if it
 * did not end within 5 s). */
int64_t exit_code_of(handle_t h);
/* Receive and drop whatever arrives for ms milliseconds: children run,
 * and a call they make to us is taken (and left unanswered). */
void drain_ms(int64_t ms);
uint64_t free_pages(void);
/* The boot image entry of this program. */
const void *self_image(uint64_t *size);
