/* The start-up table (resea/startup.h). */
#include <msgtypes.h>
#include <proto/supervisor.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdbool.h>

/* Where each tag was when we looked; 0: not there. Tags are given only at
 * start-up and never move, so one scan finds them all, and a handle found
 * is checked again only in case we closed it since. */
static handle_t found[STARTUP_TAG_COUNT];
static bool scanned;
/* Handles renewed through init (startup_renew) have TAG_NONE: kept here
 * with the task they name, so that a later handle in the same slot is
 * not taken for one. */
static struct {
    handle_t h;
    uint32_t task_id;
} renewed[STARTUP_TAG_COUNT];

static uint32_t tag_of(handle_t h) {
    struct handle_info info;
    return handle_info(h, &info) == OK ? info.tag : TAG_NONE;
}

static void scan(void) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        uint32_t tag = tag_of(h);
        if (tag != TAG_NONE && tag < STARTUP_TAG_COUNT && !found[tag])
            found[tag] = h;
    }
    scanned = true;
}

static bool renewed_ok(uint32_t tag) {
    struct handle_info info;
    return handle_info(renewed[tag].h, &info) == OK && info.kind == KOBJ_TASK &&
           info.tag == TAG_NONE && info.task_id == renewed[tag].task_id;
}

handle_t startup_handle(uint32_t tag) {
    if (tag == TAG_NONE || tag >= STARTUP_TAG_COUNT)
        return ERR_NOT_FOUND;
    if (!scanned)
        scan();
    if (renewed[tag].h) {
        if (renewed_ok(tag))
            return renewed[tag].h;
        renewed[tag].h = 0; /* closed, and the slot maybe reused */
    }
    if (found[tag] && tag_of(found[tag]) != tag)
        found[tag] = 0; /* closed, and the slot maybe reused */
    return found[tag] ? found[tag] : ERR_NOT_FOUND;
}

void startup_give(struct task_spec *spec, handle_t h, uint32_t tag) {
    if (h <= 0 || spec->num_handles >= TASK_SPEC_HANDLES)
        return;
    spec->handles[spec->num_handles] = h;
    spec->tags[spec->num_handles++] = tag;
}

/* Keep h as our handle under tag, in place of the one before. */
static void replace(uint32_t tag, handle_t h) {
    handle_t old = startup_handle(tag);
    struct handle_info info = {0};
    handle_info(h, &info);
    renewed[tag].h = h;
    renewed[tag].task_id = info.task_id;
    found[tag] = 0;
    if (old > 0)
        handle_close(old);
}

handle_t startup_renew(uint32_t tag) {
    if (tag == TAG_NONE || tag == TAG_SUPERVISOR || tag >= STARTUP_TAG_COUNT)
        return ERR_INVALID_ARG;
    handle_t init = startup_handle(TAG_SUPERVISOR);
    if (init < 0)
        return init;
    struct message m = {.type = SUPERVISOR_RENEW_MSG};
    m.words[0] = tag;
    error_t err = ipc_call_handle(init, &m);
    if (!err)
        err = (error_t) m.words[0];
    if (!err && m.handle <= 0)
        err = ERR_BAD_HANDLE;
    if (err) {
        if (m.handle > 0)
            handle_close(m.handle);
        return err;
    }
    replace(tag, m.handle);
    return m.handle;
}

uint64_t budget_to_give(uint64_t want) {
    struct vm_status st;
    if (!want)
        want = TASK_MEMORY_DEFAULT;
    if (vm_status(&st) != OK || st.used + BUDGET_KEEP > st.limit)
        return want; /* task_create will say it does not fit */
    uint64_t spare = (st.limit - st.used - BUDGET_KEEP) & ~4095ull;
    return want < spare ? want : spare;
}
