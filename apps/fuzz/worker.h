#pragma once
/* Inside a worker: what it holds and the pools its arguments come from. */
#include "fuzz.h"

/* What the worker believes each of its handles is (kind 0: free). */
struct held {
    uint8_t kind;
    uint32_t rights;
    task_t task; /* KOBJ_TASK: the task behind it */
};

struct worker {
    struct held held[HANDLE_MAX];
    task_t self, coordinator;
    uint32_t flags;     /* WORKER_CAPS */
    uint32_t free_slot; /* task slots from here on are ours to kill */
    uint64_t calls, reported;
    uint32_t findings[FINDING_COUNT];
    uint32_t seq; /* this worker's number, for per-worker values */
};
extern struct worker w;

/* Make a system call and count it. */
int64_t sc(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
           uint64_t a5);
/* Note a finding (printed once per worker and kind, counted always). */
void found(enum finding kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Tell the coordinator how far we are (and what we found). */
void report_progress(void);
/* Whether closing or moving away h would mostly be a waste: it is our last
 * way to report (1 time in 16 it goes anyway). */
bool keep_link(uint64_t h);

/* Handles: learn what one is now (asks the kernel), forget a closed one. */
void track(int64_t h);
void untrack(int64_t h);
/* A handle argument: usually a held one (of `kind`, if not 0), else a
 * free index, 0, a negative or out-of-range value, or high bits set. */
uint64_t pick_handle(int kind);
/* A held handle of `kind`, or 0. */
handle_t held_handle(int kind);
/* The first index that holds nothing (a closed or never used handle). */
handle_t free_index(void);
/* Task ids: of peers, stale ones, ours, the coordinator's, random. */
task_t pick_id(void);
/* An id task_kill_id may be given: never one of the tasks that ran
 * before the fuzzer (init, the name server, the coordinator). */
task_t pick_kill_id(void);
void remember_id(task_t id);

/* Memory for the kernel to read or write: mostly valid, else read-only,
 * unmapped, kernel, non-canonical, straddling a page end. */
#define ARENA_SIZE (20 * 4096)
extern uint8_t arena[ARENA_SIZE];
uint64_t pick_ptr(uint64_t len, bool write);
/* Up to `back` bytes before p, but not before the arena: the kernel may
 * write there. */
uint64_t arena_before(uint64_t p, uint64_t back);
/* Lengths around `max_ok` (0, 1, a page, max_ok, max_ok + 1, huge). */
uint64_t pick_len(uint64_t max_ok);
/* Integers where bugs live: 0, -1, powers of two and their neighbours,
 * high bits set. */
uint64_t pick_value(void);
/* Receive and send timeouts: poll, short, forever now and then, invalid. */
int64_t pick_timeout(void);

/* The calls, by kind (calls.c, ipc_fuzz.c, spawn.c, cpu.c). */
void fuzz_one_call(void);
void fuzz_ipc(void);
/* The message buffer fuzz_ipc mostly uses. */
uint64_t ipc_home(void);
void fuzz_task_create(void);
/* Where an ELF image's loaded file bytes and its memory end; false if it
 * is no executable. */
bool elf_extent(const void *image, uint64_t size, uint64_t *file_end,
                uint64_t *mem_end);
void fuzz_cpu(void); /* x87/SSE probes, deliberate faults, spinning */
