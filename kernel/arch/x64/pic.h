#pragma once

/* The legacy 8259 PIC pair: IRQ lines 0-15 at vectors 32-47 (pic.c). */
#define PIC_IRQ_BASE 32
#define PIC_IRQ_TIMER 0   /* the PIT: the kernel's own */
#define PIC_IRQ_CASCADE 2 /* the slave PIC */

void pic_init(void);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(int irq);
/* Whether IRQ 7 or 15 was spurious (then no EOI is due, see pic.c). */
int pic_is_spurious(int irq);
