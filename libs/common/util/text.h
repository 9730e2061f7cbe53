#pragma once
#include <stddef.h>
#include <stdint.h>

/*
 * Text that is safe to show on someone else's terminal
 * (docs/chat.md#what-a-terminal-shows). Valid UTF-8 passes, tab too; every
 * other byte a terminal would act on instead of showing is replaced by a
 * visible escape:
 *
 *   C0 controls 0x00-0x1f   "^@" .. "^_" (ESC is "^[")
 *   DEL 0x7f                "^?"
 *   C1 controls U+0080-009F "<U+009B>" (the character, validly encoded)
 *   a byte that is not part of valid UTF-8 (a stray 0x9b, an overlong
 *   form, a surrogate, a code point above U+10FFFF, a sequence cut short)
 *                           "\x9b", one escape a byte
 */

/* A shown byte takes at most this many: "\x9b", or "<U+009B>" for two. */
#define TEXT_SHOWN_PER_BYTE 4

/* text_shown: also pass "\n" (lines of text, as a fetch returns them). */
#define TEXT_KEEP_NEWLINE 1u

/* The UTF-8 character at s[0..len): its length in bytes (1..4) with its
 * code point in *cp, or 0 if the bytes there are not one whole, valid,
 * shortest-form character. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* in[0..len) as shown text into out, NUL-terminated when size > 0. Never
 * writes more than size bytes and never cuts a character or an escape:
 * it stops before the first that does not fit. Returns the length
 * written (without the NUL); *used (if not NULL) gets the input bytes it
 * took. Shown text shows as itself: text_shown of it is the same text. */
size_t text_shown(char *out, size_t size, const char *in, size_t len,
                  unsigned flags, size_t *used);

/* Why a name (a nickname) would not show as itself. */
enum text_fault {
    TEXT_OK,
    TEXT_NOT_UTF8,  /* a byte that is not part of valid UTF-8 */
    TEXT_CONTROL,   /* a C0 or C1 control character, or DEL */
    TEXT_INVISIBLE, /* a space, or a character that shows as nothing */
};
/* The first fault in s[0..len), or TEXT_OK. */
enum text_fault text_check_name(const char *s, size_t len);
