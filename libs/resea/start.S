/* Task entry: the kernel starts us with rdi = the creator's argument. */
.section .text.start, "ax"
.global _start
_start:
    xor %ebp, %ebp
    mov %rdi, __task_arg(%rip)
    mov %rsi, __task_cmdline(%rip)
    call resea_start
    ud2

.bss
.global __task_arg
.align 8
__task_arg: .quad 0
.global __task_cmdline
__task_cmdline: .quad 0
