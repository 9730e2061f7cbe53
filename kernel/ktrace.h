#pragma once
#include "task.h"
#include <config.h>
#include <trace.h>

/*
 * The kernel trace (CONFIG_TRACE; libs/common/abi/trace.h, docs/trace.md).
 * Without the option every hook below is an empty inline function, so the
 * kernel is the same code as one without the feature.
 */
#ifdef CONFIG_TRACE
void trace_record(enum trace_kind kind, uint32_t task, uint32_t peer,
                  uint32_t a, uint32_t b, uint32_t c);
/* The task's name, as TRACE_NAME events. */
void trace_name(const struct task *t);
/* Around an interrupt handler: who wakes a task there is the hardware. */
void trace_irq_enter(void);
void trace_irq_exit(void);
/* The task the kernel acts for now: 0 inside an interrupt. */
uint32_t trace_actor(void);
/* ipc() is returning `result` to the current task. */
void trace_ipc_return(handle_t dst, uint32_t flags, error_t result);
#else
static inline void trace_record(enum trace_kind kind, uint32_t task,
                                uint32_t peer, uint32_t a, uint32_t b,
                                uint32_t c) {}
static inline void trace_name(const struct task *t) {}
static inline void trace_irq_enter(void) {}
static inline void trace_irq_exit(void) {}
static inline uint32_t trace_actor(void) { return 0; }
static inline void trace_ipc_return(handle_t dst, uint32_t flags,
                                    error_t result) {}
#endif

/* sys_trace: read or control the ring through a KOBJ_TRACE handle. */
int64_t trace_control(struct handle *h, uint32_t op, void __user *buf,
                      uint32_t max);
