/* spin: keep the CPU busy for SPIN_MS, then end: something for `top` and
 * the scheduler to show (`start spin` from a shell). */
#include <resea/printf.h>
#include <resea/syscall.h>

#define SPIN_MS 5000

int main(void) {
    uint64_t end = uptime_ms() + SPIN_MS;
    while (uptime_ms() < end)
        for (volatile int i = 0; i < 100000; i++)
            ;
    return 0;
}
