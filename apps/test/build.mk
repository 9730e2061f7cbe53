srcs-y := harness.c child.c test_fault.c test_syscall.c test_task.c test_sched.c
priority := 10
caps := spawn ioport
