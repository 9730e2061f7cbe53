#pragma once
#include <resea/syscall.h>
#include <types.h>

/*
 * Resea's one-shot timer: timer_set(ms) raises NOTIFY_TIMER once, ms
 * milliseconds from now; timer_set(0) cancels it. ERR_INVALID_ARG for a
 * negative ms.
 *
 * The system call's stub, timer_set(first_ms, period_ms) (<resea/
 * syscall.h>), keeps its two-argument form: after this header, timer_set
 * with one argument is Resea's and with two the periodic call. A task
 * has one timer, so either replaces the other.
 */
static inline error_t timer_set_once(msec_t ms) {
    if (ms < 0)
        return ERR_INVALID_ARG;
    return (timer_set) ((uint64_t) ms, 0);
}

#define TIMER_SET_PICK(a, b, fn, ...) fn
#define timer_set(...)                                                         \
    TIMER_SET_PICK(__VA_ARGS__, (timer_set), timer_set_once, )(__VA_ARGS__)
