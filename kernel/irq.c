#include "irq.h"
#include "arch.h"
#include "ktrace.h"

static uint32_t owners[ARCH_IRQ_LINES]; /* task ids; 0 when free */

error_t irq_listen(struct task *t, unsigned irq) {
    if (irq >= ARCH_IRQ_LINES)
        return ERR_INVALID_ARG;
    if (arch_irq_reserved(irq))
        return ERR_NOT_PERMITTED; /* the kernel's own */
    if (owners[irq] == t->id)
        return OK;
    if (task_lookup(owners[irq]))
        return ERR_ALREADY_EXISTS;
    owners[irq] = t->id;
    arch_irq_line_enable(irq);
    return OK;
}

error_t irq_unlisten(struct task *t, unsigned irq) {
    if (irq >= ARCH_IRQ_LINES || owners[irq] != t->id)
        return ERR_NOT_FOUND;
    owners[irq] = 0;
    arch_irq_line_disable(irq);
    return OK;
}

static bool covered(const struct task *t, unsigned irq) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        const struct handle *e = &t->handles[h];
        if (e->kind == KOBJ_IRQ && irq >= e->range.base &&
            irq - e->range.base < e->range.count)
            return true;
    }
    return false;
}

void irq_release_uncovered(struct task *t) {
    for (unsigned irq = 0; irq < ARCH_IRQ_LINES; irq++) {
        if (owners[irq] == t->id && !covered(t, irq))
            irq_unlisten(t, irq);
    }
}

void irq_release_all(struct task *t) {
    for (unsigned irq = 0; irq < ARCH_IRQ_LINES; irq++) {
        if (owners[irq] == t->id)
            irq_unlisten(t, irq);
    }
}

uint32_t irq_lines_of(const struct task *t) {
    uint32_t lines = 0;
    for (unsigned irq = 0; irq < ARCH_IRQ_LINES && irq < 32; irq++) {
        if (owners[irq] == t->id)
            lines |= 1u << irq;
    }
    return lines;
}

void irq_raise(unsigned irq) {
    struct task *owner = irq < ARCH_IRQ_LINES ? task_lookup(owners[irq]) : NULL;
    if (owner) {
        trace_record(TRACE_IRQ, owner->id, 0, irq, 0, 0);
        task_notify(owner, NOTIFY_IRQ);
    }
}
