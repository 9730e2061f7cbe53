#pragma once
/*
 * Resea's <types.h>: the fixed-width and small types, attributes and
 * arithmetic helpers Resea programs expect, on top of the C headers and
 * this system's own types (error_t and the codes in <error.h>, handle_t
 * in <kobject.h>, task_t in <message.h>), which are not redefined here.
 */
#include <error.h>
#include <kobject.h>
#include <message.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uintptr_t vaddr_t;
typedef uint64_t paddr_t;
typedef uint64_t offset_t;
/* Milliseconds, signed as in Resea (a negative one is refused). */
typedef int msec_t;
#define MSEC_MAX INT32_MAX
/* The notification bits (NOTIFY_* in <message.h>): 64 of them here. */
typedef uint64_t notifications_t;

#define PAGE_SIZE 4096

#define __unused __attribute__((unused))
#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __weak __attribute__((weak))
#define __mustuse __attribute__((warn_unused_result))
#define __aligned(n) __attribute__((aligned(n)))
#define is_constant(expr) __builtin_constant_p(expr)
#define MEMORY_BARRIER() __asm__ __volatile__("" ::: "memory")
#define STATIC_ASSERT(expr) _Static_assert(expr, #expr)

/* align must be a power of two. */
#define ALIGN_DOWN(value, align) ((value) & ~((__typeof__(value)) (align) -1))
#define ALIGN_UP(value, align) ALIGN_DOWN((value) + (align) -1, align)
#define IS_ALIGNED(value, align) (((value) & ((align) -1)) == 0)

/* Each argument is evaluated once. */
#define MAX(a, b)                                                              \
    ({                                                                         \
        __typeof__(a) max_a_ = (a);                                            \
        __typeof__(b) max_b_ = (b);                                            \
        max_a_ > max_b_ ? max_a_ : max_b_;                                     \
    })
#define MIN(a, b)                                                              \
    ({                                                                         \
        __typeof__(a) min_a_ = (a);                                            \
        __typeof__(b) min_b_ = (b);                                            \
        min_a_ < min_b_ ? min_a_ : min_b_;                                     \
    })

/*
 * Resea's well-known servers, as handles this task received at start-up:
 * there are no global task ids to call. INIT_TASK is init (TAG_SUPERVISOR:
 * supervisor.*, benchmark.*); Resea's VM_TASK, its memory server, is init
 * too, which pages stacks and answers benchmark.* (libs/common/idl). Each
 * is a handle, or a negative error if the creator gave none.
 */
handle_t startup_handle(uint32_t tag); /* <resea/startup.h> */
#define INIT_TASK startup_handle(TAG_SUPERVISOR)
#define VM_TASK INIT_TASK
