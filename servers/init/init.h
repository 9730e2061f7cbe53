#pragma once
#include <bootfs.h>
#include <config.h>
#include <message.h>
#include <resea/bootfs_task.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * init: the root task (main.c) and the supervisor of the tasks it starts
 * (places.c), which ask it for fresh handles (requests.c,
 * proto/supervisor.h).
 */
#define STARTED_MAX 48 /* tasks init supervises (its table has 63) */

/* One task init started and watches: where in the image it comes from,
 * so that it can start it again the same way. */
struct place {
    handle_t task; /* ours, all rights; 0: a free place */
    const struct bootfs_entry *entry;
    uint32_t index, copy; /* the entry's place in the image, the copy */
    uint64_t restarts[CONFIG_INIT_RESTART_MAX + 1]; /* uptimes, a ring */
    uint32_t num_restarts;
};

extern const void *bootfs;
/* The servers we mint handles from (unbadged, never given): 0 while down. */
extern handle_t name_task, console_task;

/* Start copy `copy` of entry `index`, in a place of its own. */
void start_entry(uint32_t index, uint32_t copy);
/* Report the tasks that ended and start them again, within the bound. */
void reap(void);
/* The place whose task is `id`, or NULL. */
struct place *place_of_task(uint32_t id);
/* The place a supervisor badge names, if `src` is the task in it. */
struct place *place_of_caller(uint64_t badge, uint32_t src);
/* A copy of server's handle with our usual rights and badge, or 0. */
handle_t badged(handle_t server, uint64_t badge);
/* A request through a supervisor handle (requests.c). */
void handle_request(struct message *m);

/* Out-of-line data init takes: benchmark.nop_with_ool's, at most. */
#define BENCHMARK_OOL_MAX (16 * 1024)
