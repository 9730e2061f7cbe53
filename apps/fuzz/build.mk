srcs-y := main.c coordinator.c workers.c checks.c worker.c calls.c ipc_fuzz.c spawn.c cpu.c pools.c victim.c
# Above every worker (WORKER_PRIORITY_MAX in fuzz.h): the watchdog runs.
priority := 18
# Its workers get the default budget each.
memory := 32M
caps := spawn ioport irq
