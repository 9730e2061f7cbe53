#pragma once

/*
 * __user marks a pointer into a task's memory. In the kernel (built with
 * KERNEL defined) it is a pointer the compiler will not let the kernel
 * dereference or pass where a kernel pointer goes (clang's noderef and
 * address_space attributes, errors under -Werror): only the copy helpers
 * of kernel/usercopy.c turn one into bytes. In tasks it is a plain pointer.
 */
#ifdef KERNEL
#define __user __attribute__((noderef, address_space(1)))
#else
#define __user
#endif
