#pragma once
#include <error.h>
#include <kobject.h>
#include <stddef.h>

/*
 * The name server's client (servers/name, docs/names.md). Every task init
 * starts holds a handle to the name server under TAG_NAME; a task whose
 * boot entry lists names to serve (build.mk `serves`) also holds one under
 * TAG_NAME_SERVE, through which ipc_serve and ipc_unserve go.
 */
#define NAME_MAX 32 /* including the NUL */

/* The badges of the name-server handles init gives out (idl/badges.idl):
 * every task's TAG_NAME handle has NAME_BADGE_PLAIN, which may look up
 * and serve any name no boot entry lists; the TAG_NAME_SERVE handle of
 * the tasks started from boot entry i has NAME_BADGE_ENTRY(i), which may
 * also serve the names entry i lists (build.mk `serves`). */
#define NAME_BADGE_PLAIN BADGE_LOOKUP_END
#define NAME_BADGE_ENTRY(i) (BADGE_LOOKUP_END + 1 + (uint64_t) (i))

/* The request and reply layout in message.data. */
struct name_request {
    char name[NAME_MAX];
    int64_t timeout_ms; /* lookups: IPC_POLL, N ms or IPC_FOREVER */
};

struct name_stats {
    uint64_t entries, waiters, handles;
};

/* Our handle to the name server (TAG_NAME), or ERR_BAD_HANDLE. */
handle_t name_server(void);
/* Register our endpoint under name (unique system-wide). The names
 * registered are remembered (at most the name server's ENTRIES_PER_TASK)
 * and the name server watched, for name_recover. */
error_t ipc_serve(const char *name);
error_t ipc_unserve(const char *name);
/* If the name server we registered with has ended: renew our handles to
 * it through init (startup_renew: init has started it again) and
 * register our names again. The event loop calls it on NOTIFY_DEATH, so
 * a server that runs one needs nothing more. OK when there was nothing
 * to do. Every call here also renews a handle whose name server ended. */
error_t name_recover(void);
/* A send/call/notify handle to the server of name, badged so the server
 * can tell its clients apart; waits until the name appears. While that
 * handle is open and names the live task the name server gave, a lookup
 * of the same name returns it again (no new slot). Closing it closes it
 * for every caller that got it; the next lookup asks the name server. */
#define LOOKUP_CACHE_MAX 8 /* names whose handle is given again */
handle_t ipc_lookup(const char *name);
handle_t ipc_lookup_timeout(const char *name, int64_t timeout_ms);
/* Always a new handle with a badge of its own, never remembered: for a
 * task that is several clients of one server (two sessions, say). */
handle_t name_lookup_new(const char *name, int64_t timeout_ms);
/* The registered names, one per line, NUL-terminated; returns the count. */
int name_list(char *buf, size_t len);
error_t name_stats(struct name_stats *stats);
