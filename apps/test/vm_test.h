#pragma once
/* What the memory tests (test_vm*.c) share. */
#include "test.h"
#include <layout.h>
#include <vm.h>

#define PAGE 4096ull
#define RW (MAP_READ | MAP_WRITE)
/* Where the tests map at fixed addresses: far from the program, its stack,
 * the boot image and the low addresses VM_ANYWHERE starts from. */
#define FIXED 0x0000600000000000ull
/* A copy of this program as a peer: room for its image, stack and tables
 * with a few hundred KiB to spare. */
#define PEER_MEMORY (2 * 1024 * 1024ull)

/* A result that is an address or an error, expected to be the error. */
#define CHECK_VM_ERR(actual, expected)                                         \
    do {                                                                       \
        int64_t a_ = (actual);                                                 \
        error_t e_ = (expected);                                               \
        if (a_ != e_) {                                                        \
            test_fail(__FILE__, __LINE__,                                      \
                      "%s returned %s (%#lx), expected %s", #actual,           \
                      a_ < 0 ? err_name((error_t) a_) : "success", a_,         \
                      err_name(e_));                                           \
            return;                                                            \
        }                                                                      \
    } while (0)

static inline int64_t anon_map(uint64_t len, uint32_t flags) {
    return vm_map(0, 0, VM_ANYWHERE, len, flags);
}

static inline int64_t anon_map_at(uint64_t addr, uint64_t len, uint32_t flags) {
    return vm_map(0, 0, (void *) addr, len, flags);
}

static inline error_t unmap(int64_t addr, uint64_t len) {
    return vm_unmap((void *) addr, len);
}

static inline void fill(int64_t addr, uint64_t len, uint64_t seed) {
    volatile uint8_t *p = (volatile uint8_t *) addr;
    for (uint64_t i = 0; i < len; i++)
        p[i] = vm_pattern(seed, i);
}

/* Does [addr, addr + len) hold fill(seed)'s pattern from its byte
 * `first` on? */
static inline bool holds_from(int64_t addr, uint64_t len, uint64_t seed,
                              uint64_t first) {
    const volatile uint8_t *p = (const volatile uint8_t *) addr;
    for (uint64_t i = 0; i < len; i++) {
        if (p[i] != vm_pattern(seed, first + i))
            return false;
    }
    return true;
}

static inline bool holds(int64_t addr, uint64_t len, uint64_t seed) {
    return holds_from(addr, len, seed, 0);
}

static inline bool zeroed(int64_t addr, uint64_t len) {
    const volatile uint64_t *p = (const volatile uint64_t *) addr;
    for (uint64_t i = 0; i < len / 8; i++) {
        if (p[i])
            return false;
    }
    return true;
}

/* A page mapped where VM_ANYWHERE starts, so that the page tables there
 * and the table of our regions stay: what a mapping made next to it
 * costs is its pages alone. */
static inline int64_t anchor(void) { return anon_map(PAGE, MAP_READ); }

/* Our vm_status (all ones if it failed, which no check expects). */
static inline struct vm_status vm_now(void) {
    struct vm_status st;
    if (vm_status(&st) != OK)
        __builtin_memset(&st, 0xff, sizeof(st));
    return st;
}

static inline uint64_t vm_used(void) { return vm_now().used; }
static inline uint32_t vm_regions(void) { return vm_now().regions; }

/* End a task we started and let its memory go. */
static inline void end_peer(handle_t h) {
    struct task_status st;
    task_kill(h);
    wait_dead(h, &st);
    handle_close(h);
}
