/* The 8254 PIT: channel 0 interrupts TIMER_HZ times a second. */
#include "pit.h"
#include "arch.h"
#include "asm.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_FREQ 1193182

static volatile uint64_t ticks;

void pit_init(void) {
    uint16_t divisor = PIT_FREQ / TIMER_HZ;
    outb(PIT_CMD, 0x34); /* channel 0, lo/hi byte, rate generator */
    outb(PIT_CH0, divisor & 0xff);
    outb(PIT_CH0, divisor >> 8);
}

void pit_tick(void) { ticks++; }
uint64_t arch_ticks(void) { return ticks; }

uint64_t arch_timestamp(void) { return rdtsc(); }
