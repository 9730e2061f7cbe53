#pragma once

/* The 8254 PIT, which drives the scheduler at TIMER_HZ (pit.c). */
void pit_init(void);
/* From the timer interrupt: one more tick. */
void pit_tick(void);
