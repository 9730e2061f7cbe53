/* COM1, polled, for the kernel log. User-space drivers own the other UARTs. */
#include "arch.h"
#include "asm.h"

#define COM1 0x3f8
#define LSR_TX_EMPTY 0x20

void arch_serial_init(void) {
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB on */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void arch_serial_putc(char c) {
    while (!(inb(COM1 + 5) & LSR_TX_EMPTY))
        ;
    outb(COM1, c);
}
