#include "wakers.h"
#include <string.h>

static void add(struct wakers *w, task_t holder) {
    if (w->num && w->last == holder)
        return; /* another handle of the same holder */
    if (w->num < TASK_WAKERS_MAX)
        w->ids[w->num] = holder;
    w->num++;
    w->last = holder;
}

/* The task a handle of holder's lets it notify, if it counts: not the
 * holder itself, nor a task it created (its creator is told anyway and
 * is not what the task waits for). */
static const struct task *notified_by(const struct task *holder,
                                      const struct handle *e) {
    if (e->kind != KOBJ_TASK || !(e->rights & RIGHT_NOTIFY))
        return NULL;
    const struct task *t = e->task;
    if (t == holder || t->creator == holder->id || t->state == TASK_STATE_DEAD)
        return NULL;
    return t;
}

static struct task *live_holder(int slot) {
    struct task *h = task_at_slot(slot);
    return h && h->state != TASK_STATE_DEAD ? h : NULL;
}

void wakers_of_all(struct wakers out[TASK_MAX]) {
    memset(out, 0, TASK_MAX * sizeof(out[0]));
    for (int slot = 1; slot < TASK_MAX; slot++) {
        struct task *h = live_holder(slot);
        for (handle_t i = 1; h && i < HANDLE_MAX; i++) {
            const struct task *t = notified_by(h, &h->handles[i]);
            if (t)
                add(&out[TASK_ID_SLOT(t->id)], h->id);
        }
    }
}

void wakers_of(const struct task *t, struct wakers *out) {
    *out = (struct wakers){0};
    for (int slot = 1; slot < TASK_MAX; slot++) {
        struct task *h = live_holder(slot);
        for (handle_t i = 1; h && i < HANDLE_MAX; i++) {
            if (notified_by(h, &h->handles[i]) == t) {
                add(out, h->id);
                break;
            }
        }
    }
}
