#pragma once

/*
 * The C string and memory functions for the kernel and user tasks, which
 * are built freestanding. Host builds (unit tests, tools) put libs/common
 * on the include path too, so there this header defers to the C library's
 * <string.h> instead of hiding it.
 */
#if __STDC_HOSTED__
#include_next <string.h>
#else
#include <stddef.h>

/* The compiler may emit calls to memcpy, memmove, memset and memcmp on its
   own, so these are always provided. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* BSD: copies at most size - 1 bytes, always terminates when size > 0,
   returns strlen(src) so truncation shows as a result >= size. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
/* C's: copies at most n bytes and pads with NULs; dst is not terminated
   when src has n bytes or more (prefer strlcpy). */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
/* Resea's (and BSD's): memset(dst, 0, n). */
void bzero(void *dst, size_t n);
/* Resea has it here: the decimal number at the start of s (after spaces,
   with an optional sign), 0 if none; no overflow check. */
int atoi(const char *s);
#endif
