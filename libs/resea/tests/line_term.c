/* A model terminal, for the line editor's tests (line_term.h). */
#include "line_term.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_row(struct term *t) { memset(t->cell, 0, sizeof(t->cell)); }

static void new_row(struct term *t) {
    memmove(t->above[1], t->above[0], sizeof(t->above[0]) * (TERM_ROWS - 1));
    strcpy(t->above[0], term_row(t));
    if (t->rows < TERM_ROWS)
        t->rows++;
    clear_row(t);
    t->col = 0;
}

static void put_char(struct term *t, const char *s, size_t n) {
    if (t->col >= LINE_COLUMNS) { /* auto-wrap, as a real terminal */
        t->wrapped = true;
        new_row(t);
    }
    memcpy(t->cell[t->col], s, n);
    t->cell[t->col][n] = '\0';
    t->col++;
}

/* ESC [ params final: returns the bytes it took. */
static size_t sequence(struct term *t, const char *s, size_t n) {
    size_t i = 2, num = 0;
    bool has_num = false;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        num = num * 10 + (size_t) (s[i++] - '0');
        has_num = true;
    }
    if (i >= n) {
        t->unknown = true;
        return n;
    }
    size_t count = has_num ? num : 1;
    switch (s[i]) {
    case 'C':
        t->col += count;
        if (t->col >= LINE_COLUMNS) { /* a terminal stops at the edge */
            t->wrapped = true;
            t->col = LINE_COLUMNS - 1;
        }
        break;
    case 'D':
        t->col = count > t->col ? 0 : t->col - count;
        break;
    case 'K':
        for (size_t c = t->col; c < LINE_COLUMNS; c++)
            t->cell[c][0] = '\0';
        break;
    case 'm': /* colours: not modelled */
        break;
    case 'H':
        t->col = 0;
        break;
    case 'J':
        clear_row(t);
        t->rows = 0;
        break;
    default:
        t->unknown = true;
    }
    return i + 1;
}

void term_feed(struct term *t, const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char) s[i];
        if (c == '\x1b' && i + 1 < n && s[i + 1] == '[') {
            i += sequence(t, s + i, n - i);
            continue;
        }
        size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        /* a C1 control, raw or encoded, is no text: 0x9b is a CSI */
        bool c1 = (c >= 0x80 && c < 0xa0) ||
                  (c == 0xc2 && i + 1 < n && (unsigned char) s[i + 1] < 0xa0);
        if (c1)
            t->unknown = true;
        else if (c == '\r')
            t->col = 0;
        else if (c == '\n')
            new_row(t);
        else if (c == '\b')
            t->col -= t->col > 0;
        else if (c == '\t')
            t->col = (t->col / 8 + 1) * 8;
        else if (c == '\a')
            t->bells++;
        else if (c >= ' ' && c != 0x7f && i + len <= n)
            put_char(t, s + i, len);
        else
            t->unknown = true;
        i += len;
    }
}

const char *term_row(const struct term *t) {
    static char row[LINE_COLUMNS * 4 + 1];
    size_t len = 0, end = 0;
    for (size_t c = 0; c < LINE_COLUMNS; c++) {
        const char *cell = t->cell[c][0] ? t->cell[c] : " ";
        memcpy(row + len, cell, strlen(cell));
        len += strlen(cell);
        if (t->cell[c][0] && strcmp(cell, " "))
            end = len;
    }
    row[end] = '\0';
    return row;
}

const char *term_above(const struct term *t, size_t back) {
    return back >= 1 && back <= t->rows ? t->above[back - 1] : "";
}
