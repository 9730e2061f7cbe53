/*
 * Kernel entry and exit: exception/IRQ stubs, the syscall entry, and the
 * context switch. The kernel runs with interrupts off (one CPU, no kernel
 * preemption), so a task's kernel stack is only ever used by that task.
 */

/* Push the registers in the order of struct iframe (reversed). */
.macro PUSH_REGS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_REGS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

.macro TRAP_NOERR vec
trap_\vec:
    push $0
    push $\vec
    jmp trap_common
.endm

.macro TRAP_ERR vec
trap_\vec:
    push $\vec
    jmp trap_common
.endm

.text
/* Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30. */
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
.altmacro
.set vec, 32
.rept 16
    TRAP_NOERR %vec
    .set vec, vec + 1
.endr

/* The stubs' addresses, for the IDT. */
.macro TRAP_ADDR vec
    .quad trap_\vec
.endm
.section .rodata
.global trap_stubs
trap_stubs:
.set vec, 0
.rept 48
    TRAP_ADDR %vec
    .set vec, vec + 1
.endr
.noaltmacro

.text
trap_common:
    PUSH_REGS
    cld              /* a task may have set DF; the kernel's string ops need it clear */
    mov %rsp, %rdi
    xor %ebp, %ebp   /* the backtrace stops at the trap frame */
    call trap_handler
.global trap_return
trap_return:
    POP_REGS
    add $16, %rsp    /* vector and error code */
    iretq

/* A new task's first switch lands here: finish the switch, enter user mode. */
.global task_first_entry
task_first_entry:
    call task_reap
    jmp trap_return

/*
 * syscall: rip in rcx, rflags in r11, interrupts masked by SFMASK. Switch
 * to the task's kernel stack and call syscall_handler(a1..a5, number).
 * rbp keeps the task's value: the C code preserves it, and a backtrace
 * stops at it, as at any address that is not a kernel stack's.
 */
.global syscall_entry
syscall_entry:
    mov %rsp, syscall_user_rsp(%rip)
    mov syscall_kernel_rsp(%rip), %rsp
    push syscall_user_rsp(%rip)
    push %rcx
    push %r11
    mov %r10, %rcx
    mov %rax, %r9
    call syscall_handler
    cmpb $0, need_resched(%rip)
    jne syscall_resched
syscall_exit:
    pop %r11
    pop %rcx
    /*
     * sysret to a non-canonical rip faults in ring 0 on the task's stack.
     * The task's rip is below 2^47 unless it made the call from the last
     * bytes of the user half: then end it instead. The shift leaves r9
     * zero on the way out.
     */
    mov %rcx, %r9
    shr $47, %r9
    jnz syscall_bad_return
    /* Scratch registers must not leak kernel values to the task. */
    xor %edi, %edi
    xor %esi, %esi
    xor %edx, %edx
    xor %r8d, %r8d
    xor %r10d, %r10d
    pop %rsp
    sysretq

/* A task of higher priority became ready during the call. The stack stays
 * 16-byte aligned for the call, the result is kept in rax. */
syscall_resched:
    push %rax
    push %rax
    call schedule
    pop %rax
    pop %rax
    jmp syscall_exit

syscall_bad_return:
    push %rcx                 /* aligns the stack; the rip for the report */
    mov %rcx, %rdi
    call syscall_bad_return_rip /* does not return */
    ud2

/*
 * arch_switch_stack(uint64_t *prev_rsp, uint64_t next_rsp): save the
 * callee-saved registers on this stack, switch stacks, restore them.
 */
.global arch_switch_stack
arch_switch_stack:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

.data
.global syscall_kernel_rsp
syscall_kernel_rsp: .quad 0
syscall_user_rsp: .quad 0
