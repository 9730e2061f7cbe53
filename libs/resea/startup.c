/* The start-up table (resea/startup.h). */
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdbool.h>

/* Where each tag was when we looked; 0: not there. Tags are given only at
 * start-up and never move, so one scan finds them all, and a handle found
 * is checked again only in case we closed it since. */
static handle_t found[STARTUP_TAG_COUNT];
static bool scanned;

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

handle_t startup_handle(uint32_t tag) {
    if (tag == TAG_NONE || tag >= STARTUP_TAG_COUNT)
        return ERR_NOT_FOUND;
    if (!scanned)
        scan();
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
