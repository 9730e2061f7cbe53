#pragma once
#include <stdbool.h>
#include <stddef.h>

/*
 * A line discipline: characters in, a finished line and the echo out. Pure
 * C (the console server uses it; the host tests cover it).
 *
 * Printable characters are kept and echoed; backspace (0x08) and delete
 * (0x7f) erase the last one ("\b \b"); carriage return or line feed ends
 * the line (a line feed right after a carriage return is ignored, so
 * "\r\n" ends one line); a line of LINE_MAX - 1 characters ends itself.
 * Other control characters are dropped.
 */
#define LINE_MAX 128

struct line {
    char buf[LINE_MAX];
    size_t len;
    bool last_was_cr;
};

struct line_result {
    const char *echo; /* what to send back to the terminal */
    size_t echo_len;
    bool done; /* line->buf holds a finished, NUL-terminated line */
};

struct line_result line_input(struct line *l, char c);
/* Start the next line (after taking a finished one). */
void line_reset(struct line *l);
