#pragma once
/* The coordinator's state, shared by coordinator.c and workers.c. */
#include "fuzz.h"

#define WORKERS 6

struct slot {
    handle_t h; /* 0: free */
    task_t id;
    uint32_t seq;
    uint64_t last_report_ms;
};

struct run {
    char name[40]; /* fuzz/<caps|nocaps>/seed<N>: the checks' prefix */
    uint64_t seed, target, calls, start_ms;
    bool caps;
    bool selftest; /* stuck workers first, a leak at the end */
    handle_t spawn, ioport, irq, self, exit_port;
    uint32_t free_slot; /* task slots from here on are the run's */
    uint32_t next_seq, spawned, done, killed, faulted, exited;
    uint32_t watchdog_kills;
    uint64_t findings[FINDING_COUNT];
    struct slot slots[WORKERS];
};
extern struct run r;

/* Start workers in the free slots; false if one could not be started. */
bool fill_slots(void);
struct slot *slot_of(task_t id);
bool workers_alive(void);
/* A message to us: a report, a request for a peer, or noise. */
void serve(struct message *m);
/* Account for the workers that ended and free their slots. */
void reap_workers(void);
/* Kill the workers that have not reported for `ms`. */
void watchdog(uint64_t ms);
void kill_workers(void);
/* Take whatever is still queued for us (closing handles it brought). */
void drain(void);
/* The name of the check a kind of finding fails. */
const char *finding_check(enum finding kind);
