/*
 * Tasks the workers create from the boot image (caps configuration) run
 * this: something short that ends by itself, so they never pile up.
 */
#include "fuzz.h"

#define VICTIM_MS_MAX 5

/* Whatever sits in slot i: a victim calls what it was given, if anything
 * (a number, for handles are not constants: <resea/ipc.h>). */
static handle_t any_handle(int i) { return (handle_t) i; }

static void spin_ms(uint64_t ms) {
    uint64_t until = uptime_ms() + ms;
    while (uptime_ms() < until)
        ;
}

int victim_main(uint64_t arg) {
    rng_seed(arg);
    struct message m = {.type = 0x7b00}; /* no protocol's: a bare call */
    switch (rnd_below(5)) {
    case 0:
        return (int) rnd();
    case 1:
        spin_ms(rnd_below(VICTIM_MS_MAX));
        return 0;
    case 2: /* maybe a call to handle 1, if it was given one */
        ipc_call_timeout(any_handle(1), &m, (int64_t) rnd_below(VICTIM_MS_MAX));
        return 1;
    case 3:
        ipc_recv_timeout(IPC_ANY, &m, (int64_t) rnd_below(VICTIM_MS_MAX));
        return 2;
    default:
        return *(volatile int *) (uintptr_t) rnd_below(4096); /* a fault */
    }
}
