#include "irq.h"
#include <kobject.h>

#define IRQ_TIMER 0
#define IRQ_CASCADE 2

void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);

static uint32_t owners[IRQ_LINES]; /* task ids; 0 when free */

error_t irq_listen(struct task *t, unsigned irq) {
    if (irq >= IRQ_LINES)
        return ERR_INVALID_ARG;
    if (irq == IRQ_TIMER || irq == IRQ_CASCADE)
        return ERR_NOT_PERMITTED; /* the kernel's own */
    if (owners[irq] == t->id)
        return OK;
    if (task_lookup(owners[irq]))
        return ERR_ALREADY_EXISTS;
    owners[irq] = t->id;
    pic_unmask(irq);
    return OK;
}

error_t irq_unlisten(struct task *t, unsigned irq) {
    if (irq >= IRQ_LINES || owners[irq] != t->id)
        return ERR_NOT_FOUND;
    owners[irq] = 0;
    pic_mask(irq);
    return OK;
}

void irq_release_all(struct task *t) {
    for (unsigned irq = 0; irq < IRQ_LINES; irq++) {
        if (owners[irq] == t->id)
            irq_unlisten(t, irq);
    }
}

void irq_raise(unsigned irq) {
    struct task *owner = irq < IRQ_LINES ? task_lookup(owners[irq]) : NULL;
    if (owner)
        task_notify(owner, NOTIFY_IRQ);
}
