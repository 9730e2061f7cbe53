/* Who this copy of the fuzzer is: its arg says. */
#include "fuzz.h"

static uint64_t rng_state;

uint64_t mix64(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void rng_seed(uint64_t seed) { rng_state = seed; }

uint64_t rnd(void) { return mix64(rng_state += 0x9e3779b97f4a7c15ull); }

int main(void) {
    uint64_t arg = task_arg();
    switch (arg & 0xff) {
    case ROLE_COORDINATOR:
        /* init's copy has arg 0; any other arg with this role byte is a
         * task a worker made up: it ends at once. */
        return arg ? 0 : coordinator_main();
    case ROLE_WORKER:
        return worker_main(arg);
    default:
        return victim_main(arg);
    }
}
