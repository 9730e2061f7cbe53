#pragma once
/*
 * A model of a terminal for the line editor's tests: a row of
 * LINE_COLUMNS cells, each one code point, and the rows above it. It
 * understands what the editor sends (CR, LF as CR LF, BS, BEL, ESC [ n C,
 * ESC [ n D, ESC [ K, ESC [ H, ESC [ 2 J) and fails on anything else, a
 * C1 control (U+0080..U+009F, or a byte 0x80..0x9f) among them.
 */
#include <resea/line.h>
#include <stdbool.h>
#include <stddef.h>

#define TERM_ROWS 64

struct term {
    char cell[LINE_COLUMNS][5];
    size_t col;
    char above[TERM_ROWS][LINE_COLUMNS * 4 + 1]; /* finished rows, last first */
    size_t rows;
    unsigned bells;
    bool wrapped; /* text wrapped, or the cursor met the edge */
    bool unknown; /* a byte or sequence the model does not know */
};

void term_feed(struct term *t, const char *s, size_t n);
/* The row the cursor is on, trailing blanks removed. */
const char *term_row(const struct term *t);
/* A finished row: 1 is the one just above the cursor's. */
const char *term_above(const struct term *t, size_t back);
