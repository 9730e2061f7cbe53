#pragma once
#include "task.h"
#include <error.h>

/*
 * Handle tables. Every lookup checks the index, the kind and the rights
 * together, so a forged, closed or under-privileged handle is one error.
 */
/* The kind argument of handle_get that accepts any handle in use. */
#define KOBJ_ANY (-1)

/* The entry for h in t's table if it is of `kind` with all `rights`. The
 * one place a handle index is checked; inline, as it is on the IPC path. */
static inline struct handle *handle_get(struct task *t, handle_t h, int kind,
                                        uint32_t rights, error_t *err) {
    if (h <= 0 || h >= HANDLE_MAX || t->handles[h].kind == KOBJ_NONE) {
        *err = ERR_BAD_HANDLE;
        return NULL;
    }
    struct handle *e = &t->handles[h];
    if (kind != KOBJ_ANY && e->kind != kind) {
        *err = ERR_BAD_HANDLE;
        return NULL;
    }
    if ((e->rights & rights) != rights) {
        *err = ERR_NOT_PERMITTED;
        return NULL;
    }
    *err = OK;
    return e;
}
/* Install a copy of *src (taking a reference on a task) in a free slot.
 * The copy has no start-up tag: only task_create gives one, so that what
 * a task finds under a tag is what its creator passed it. */
handle_t handle_install(struct task *t, const struct handle *src);
int handle_free_slots(const struct task *t);
void handle_close(struct task *t, handle_t h);
void handle_close_all(struct task *t);
