#pragma once
#include "task.h"

/*
 * Interrupt lines owned by user-space drivers. The kernel acknowledges the
 * interrupt at the controller and raises NOTIFY_IRQ in the owner; the
 * driver then asks its device what happened.
 */
error_t irq_listen(struct task *t, unsigned irq);
error_t irq_unlisten(struct task *t, unsigned irq);
void irq_release_all(struct task *t);
/* An IRQ handle of t's was closed (or moved away): t gives up the lines
 * no handle it still holds covers. */
void irq_release_uncovered(struct task *t);
/* The lines t owns: bit n for line n. */
uint32_t irq_lines_of(const struct task *t);
/* From the trap handler: interrupt line `irq` fired. */
void irq_raise(unsigned irq);
