#pragma once
#include <format.h>

/* printf to the kernel log; returns the number of characters formatted. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
