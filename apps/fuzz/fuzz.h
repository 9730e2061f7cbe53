#pragma once
/*
 * The syscall fuzzer (docs/testing.md, "The fuzzer"). A coordinator,
 * started by init, spawns workers (copies of this program) that make
 * random system calls with random arguments, respawns those that die
 * until the requested number of calls is reached, then checks that the
 * kernel gave everything back. Tasks the workers create run victim code.
 */
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <resea/ipc.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <stdbool.h>
#include <stdint.h>

/* A task's arg: what it is (low byte), then mode-specific bits. */
enum fuzz_role {
    ROLE_COORDINATOR = 0, /* started by init */
    ROLE_WORKER = 0x5a,
    ROLE_VICTIM = 0xa5,
};
/* A worker's arg: role | flags << 8 | first unprotected slot << 16 |
 * seed << 32. */
#define WORKER_CAPS (1u << 0) /* holds spawn, I/O-port and IRQ handles */
/* Bits 1.. of the flags: finding kinds already reported in this run (the
 * worker counts them but prints no details again). */
#define WORKER_KNOWN_SHIFT 1
/* Block for ever at once (`selftest`: the watchdog must end it). */
#define WORKER_STUCK (1u << 7)
#define WORKER_ARG(flags, free_slot, seed)                                     \
    (ROLE_WORKER | (uint64_t) (flags) << 8 | (uint64_t) (free_slot) << 16 |    \
     (uint64_t) (seed) << 32)

/* The handles a worker starts with: the coordinator, then (caps) the
 * spawn, I/O-port and IRQ handles, or (no caps) up to three peers. */
#define H_COORD 1
#define WORKER_HANDLES 4 /* the coordinator and three more */

/* What workers send the coordinator (handle H_COORD) is in fuzz.idl. */
#define PROGRESS_EVERY 32 /* calls between reports */

/* What a worker finds besides panics, hangs and leaks. */
#define FINDING_LIST(X)                                                        \
    X(FORGED_SENDER, "forged_sender",                                          \
      "a message arrived with a src or badge the sender wrote")                \
    X(REPLY_FULL, "failed_reply_leaves_caller",                                \
      "a caller still waited after its reply failed")                          \
    X(FPU_SHARED, "fpu_state_private",                                         \
      "x87/SSE state changed by another task")                                 \
    X(BAD_ARG, "bad_args_refused",                                             \
      "an out-of-range handle or syscall number was accepted")                 \
    X(UNASKED_HANDLE, "handles_only_where_accepted",                           \
      "a handle arrived in a receive without IPC_ACCEPT_HANDLE")
#define FINDING_ENUM(name, id, what) FINDING_##name,
enum finding { FINDING_LIST(FINDING_ENUM) FINDING_COUNT };
#undef FINDING_ENUM
_Static_assert(FINDING_COUNT <= FUZZ_FINDINGS_MAX,
               "findings fit in a progress message");
_Static_assert(WORKER_KNOWN_SHIFT + FINDING_COUNT <= 7, "and in the flags");

/* A worker's normal end: the calls it made since its last report. */
#define WORKER_EXIT_MAGIC 0x5a5a000000000000ll
#define WORKER_EXIT_MASK 0xffff000000000000ll

/* What a message's src reads as when the sender wrote the header: no
 * task gets this id in a run (slot 0xd0 at generation 0xf0e1). */
#define FORGED_SRC 0x00f0e1d0u

/* The I/O ports and IRQ line a worker may touch (harmless on a PC: the
 * POST diagnostic port, an unused line). */
#define FUZZ_PORT_BASE 0x80
#define FUZZ_PORT_COUNT 1
#define FUZZ_IRQ 5

/* Priorities: the coordinator runs above every worker and everything
 * workers create, so its watchdog always gets the CPU. */
#define WORKER_PRIORITY_MAX 14

/* Deterministic random numbers (splitmix64), one stream per task. */
void rng_seed(uint64_t seed);
uint64_t rnd(void);
static inline uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }
static inline bool one_in(uint64_t n) { return rnd_below(n) == 0; }
uint64_t mix64(uint64_t x);

int coordinator_main(void);
int worker_main(uint64_t arg);
int victim_main(uint64_t arg);
