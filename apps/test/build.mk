srcs-y := runner.c harness.c attack_peers.c test_attack_kernel.c test_string.c test_boundary.c child.c ipc_peers.c test_ipc.c test_ipc_timeout.c test_ipc_reply.c test_handle.c test_irq.c async_peers.c test_async.c test_async_task.c test_name.c test_fault.c test_syscall.c test_task.c test_sched.c test_chat.c server_victims.c server_attackers.c test_attack_frozen.c test_attack_flood.c test_attack_startup.c test_attack_names.c test_attack_terminal.c test_attack_quota.c test_console_output.c test_supervise.c test_trace.c test_fpu.c test_vm_core.c test_pager.c vm_peers.c test_vm.c test_vm_share.c test_vm_budget.c test_vm_ool.c test_attack_memory.c test_malloc.c test_compat.c compat_unittests.c test_resea_names.c test_resea_shm.c
# Above the cases it runs (TEST_PRIORITY): a spinning case cannot stop it.
priority := 20
# Each case runs in a child with CASE_MEMORY of it (runner.c).
memory := 120M
caps := spawn ioport irq trace dma exit
# The fresh console and chat servers the tests start serve these names
# through the serve right init gives this entry (docs/names.md).
serves := console chat
