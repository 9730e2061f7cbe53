/*
 * The kernel trace: a ring of fixed-size events (libs/common/abi/trace.h)
 * that the kernel writes as things happen and a task holding a KOBJ_TRACE
 * handle reads with sys_trace(). The writer never waits for the reader: it
 * overwrites the oldest event, and the reader learns how many it missed
 * from a TRACE_OVERFLOW record in their place, so a loss is never silent.
 *
 * The ring belongs to a CPU (there is one today); with more, each has its
 * own and a reader merges them by time stamp.
 */
#include "ktrace.h"
#include "arch.h"
#include "handle.h"
#include "sched.h"
#include "usercopy.h"
#include <string.h>

#ifdef CONFIG_TRACE

#define RING_EVENTS CONFIG_TRACE_EVENTS
_Static_assert((RING_EVENTS & (RING_EVENTS - 1)) == 0,
               "CONFIG_TRACE_EVENTS is a power of two");

struct trace_ring {
    struct trace_event events[RING_EVENTS];
    uint64_t head; /* events written since boot */
    uint64_t tail; /* the next one to read: head - tail are unread */
    uint64_t lost; /* overwritten before they were read, since boot */
    bool enabled;  /* recording */
    int irq_depth; /* inside an interrupt handler */
};

static struct trace_ring cpu_rings[1] = {{.enabled = true}};

static struct trace_ring *this_ring(void) { return &cpu_rings[0]; }

static void put(enum trace_kind kind, uint16_t aux, uint32_t task,
                uint32_t peer, uint32_t a, uint32_t b, uint32_t c) {
    struct trace_ring *r = this_ring();
    if (!r->enabled)
        return;
    struct trace_event *e = &r->events[r->head++ & (RING_EVENTS - 1)];
    *e = (struct trace_event){.tsc = arch_timestamp(),
                              .kind = kind,
                              .aux = aux,
                              .task = task,
                              .peer = peer,
                              .a = a,
                              .b = b,
                              .c = c};
}

void trace_record(enum trace_kind kind, uint32_t task, uint32_t peer,
                  uint32_t a, uint32_t b, uint32_t c) {
    put(kind, 0, task, peer, a, b, c);
}

/* 16 bytes of the name per event; the second only for a long name. */
void trace_name(const struct task *t) {
    uint32_t w[8] = {0};
    _Static_assert(sizeof(w) == TASK_NAME_MAX, "a name is two events");
    memcpy(w, t->name, sizeof(w));
    put(TRACE_NAME, 0, t->id, w[0], w[1], w[2], w[3]);
    if (w[4])
        put(TRACE_NAME, 1, t->id, w[4], w[5], w[6], w[7]);
}

void trace_irq_enter(void) { this_ring()->irq_depth++; }
void trace_irq_exit(void) { this_ring()->irq_depth--; }

uint32_t trace_actor(void) { return this_ring()->irq_depth ? 0 : current->id; }

/* The type and sender of what the current task received: the head of its
 * message buffer, through the kernel's pointer when ipc() bound one. */
static void received(uint32_t *type, uint32_t *src) {
    struct {
        int32_t type;
        task_t src;
    } head;
    _Static_assert(offsetof(struct message, src) == sizeof(int32_t),
                   "type and src lead the message");
    const struct message *k = current->ipc_kbuf;
    if (k) {
        *type = (uint32_t) k->type;
        *src = k->src;
    } else if (copy_from_user(&head, current->ipc_buf, sizeof(head)) == OK) {
        *type = (uint32_t) head.type;
        *src = head.src;
    }
}

void trace_ipc_return(handle_t dst, uint32_t flags, error_t result) {
    uint32_t peer = 0, type = 0;
    if (result == OK && (flags & IPC_RECV)) {
        received(&type, &peer);
    } else if (flags & IPC_SEND) {
        error_t err;
        struct handle *h = handle_get(current, dst, KOBJ_TASK, 0, &err);
        peer = h ? h->task->id : 0;
    } else if (flags & IPC_REPLY) {
        peer = (uint32_t) dst;
    }
    trace_record(TRACE_IPC_RETURN, current->id, peer, (uint32_t) result, flags,
                 type);
}

static void snapshot(void) {
    uint64_t ms = arch_ticks() * 1000 / TIMER_HZ;
    trace_record(TRACE_CLOCK, 0, 0, (uint32_t) ms, (uint32_t) (ms >> 32),
                 TIMER_HZ);
    for (int slot = 0; slot < TASK_MAX; slot++) {
        struct task *t = task_at_slot(slot);
        if (t && t->state != TASK_STATE_DEAD)
            trace_name(t);
    }
}

/* Copy up to max unread events to buf, an overflow record first if the
 * writer overtook us. */
static int64_t read_events(struct trace_ring *r, struct trace_event __user *buf,
                           uint32_t max) {
    uint32_t n = 0;
    if (!user_range_ok(buf, (uint64_t) max * sizeof(*buf), true))
        return ERR_BAD_POINTER;
    if (r->head - r->tail > RING_EVENTS) {
        uint64_t missed = r->head - RING_EVENTS - r->tail;
        if (max == 0)
            return 0;
        struct trace_event e = {.tsc = arch_timestamp(),
                                .kind = TRACE_OVERFLOW,
                                .a = (uint32_t) missed,
                                .b = (uint32_t) (missed >> 32)};
        copy_to_user(buf, &e, sizeof(e));
        r->lost += missed;
        r->tail = r->head - RING_EVENTS;
        n = 1;
    }
    for (; n < max && r->tail != r->head; n++, r->tail++)
        copy_to_user(buf + n, &r->events[r->tail & (RING_EVENTS - 1)],
                     sizeof(*buf));
    return n;
}

static int64_t status(struct trace_ring *r, struct trace_status __user *buf) {
    uint64_t unread = r->head - r->tail;
    uint64_t behind = unread > RING_EVENTS ? unread - RING_EVENTS : 0;
    struct trace_status s = {.recorded = r->head,
                             .lost = r->lost + behind,
                             .unread = unread - behind,
                             .capacity = RING_EVENTS,
                             .enabled = r->enabled};
    return copy_to_user(buf, &s, sizeof(s));
}

int64_t trace_control(struct handle *h, uint32_t op, void __user *buf,
                      uint32_t max) {
    struct trace_ring *r = this_ring();
    switch (op) {
    case TRACE_OP_READ:
        return read_events(r, buf, max);
    case TRACE_OP_SNAPSHOT:
        snapshot();
        return OK;
    case TRACE_OP_STATUS:
        return status(r, buf);
    case TRACE_OP_ENABLE:
        if (!(h->rights & RIGHT_CONTROL))
            return ERR_NOT_PERMITTED;
        if (max > 1)
            return ERR_INVALID_ARG;
        r->enabled = max;
        return OK;
    default:
        return ERR_INVALID_ARG;
    }
}

#else /* !CONFIG_TRACE */

int64_t trace_control(struct handle *h, uint32_t op, void __user *buf,
                      uint32_t max) {
    return ERR_UNSUPPORTED;
}

#endif
