#include "handle.h"
#include "irq.h"
#include "memory.h"
#include <string.h>

handle_t handle_install(struct task *t, const struct handle *src) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        if (t->handles[h].kind == KOBJ_NONE) {
            t->handles[h] = *src;
            t->handles[h].tag = TAG_NONE; /* a copy: see handle.h */
            if (src->kind == KOBJ_TASK)
                task_ref(src->task);
            else if (src->kind == KOBJ_MEMORY)
                memobj_ref(src->mem);
            return h;
        }
    }
    return ERR_FULL;
}

int handle_free_slots(const struct task *t) {
    int n = 0;
    for (handle_t h = 1; h < HANDLE_MAX; h++)
        n += t->handles[h].kind == KOBJ_NONE;
    return n;
}

void handle_close(struct task *t, handle_t h) {
    struct handle e = t->handles[h];
    memset(&t->handles[h], 0, sizeof(t->handles[h]));
    if (e.kind == KOBJ_TASK)
        task_unref(e.task);
    else if (e.kind == KOBJ_MEMORY)
        memobj_unref(e.mem);
    else if (e.kind == KOBJ_IRQ)
        irq_release_uncovered(t);
}

void handle_close_all(struct task *t) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        if (t->handles[h].kind != KOBJ_NONE)
            handle_close(t, h);
    }
}
