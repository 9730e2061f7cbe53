/* The line editor's display: one row, the prompt, then a window on the
 * line that scrolls horizontally; and the prompt, followed through the
 * program's output. */
#include "line_impl.h"
#include <string.h>

/* The most one call sends: a redraw of a full row (the prompt and four
 * bytes a column), a notice, and a redraw of the prompt alone. */
_Static_assert(LINE_OUT_MAX >= 2 * LINE_PROMPT_MAX + 4 * LINE_COLUMNS + 128,
               "room for what one key sends");

#define ESC_NONE 0
#define ESC_START 1
#define ESC_CSI 2

void out_bytes(struct line_out *o, const char *s, size_t n) {
    if (n > LINE_OUT_MAX - o->len)
        n = LINE_OUT_MAX - o->len;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void out_str(struct line_out *o, const char *s) { out_bytes(o, s, strlen(s)); }

void out_num(struct line_out *o, size_t n) {
    char digits[20];
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char) ('0' + n % 10);
        n /= 10;
    } while (n);
    out_bytes(o, digits + i, sizeof(digits) - i);
}

void out_shown(struct line_out *o, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            out_str(o, " ");
        } else if ((uint8_t) s[i] == 0xc2 && i + 1 < n &&
                   (uint8_t) s[i + 1] < 0xa0) {
            out_str(o, LINE_C1_SHOWN);
            i++;
        } else {
            out_bytes(o, s + i, 1);
        }
    }
}

size_t line_cols(const char *buf, size_t from, size_t to) {
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += !utf8_is_cont(buf[i]);
    return n;
}

/* Columns for the line: the row less the prompt, less the last column
 * (writing there makes some terminals wrap). */
static size_t view_cols(const struct line *l) {
    return LINE_COLUMNS - 1 - l->prompt_cols;
}

bool line_fits(const struct line *l) {
    return l->pos >= l->first &&
           line_cols(l->buf, l->first, l->pos) < view_cols(l);
}

bool line_in_place(const struct line *l) {
    return !l->row_unknown && line_fits(l);
}

/* Byte offset `cols` characters before pos (or 0). */
static size_t back_cols(const struct line *l, size_t pos, size_t cols) {
    while (pos > 0 && cols > 0) {
        pos--;
        if (!utf8_is_cont(l->buf[pos]))
            cols--;
    }
    while (pos > 0 && utf8_is_cont(l->buf[pos]))
        pos--;
    return pos;
}

/* Byte offset `cols` characters after pos (or the end). */
static size_t ahead_cols(const struct line *l, size_t pos, size_t cols) {
    while (pos < l->len && cols > 0) {
        pos++;
        while (pos < l->len && utf8_is_cont(l->buf[pos]))
            pos++;
        cols--;
    }
    return pos;
}

/* Keep the cursor in view: a line that fits is shown from its start;
 * otherwise a cursor that left the window brings it back centred on it,
 * so typing on scrolls once every half a row, not at every key. */
static void scroll(struct line *l) {
    size_t cols = view_cols(l);
    if (line_cols(l->buf, 0, l->len) < cols)
        l->first = 0;
    else if (!line_fits(l))
        l->first = back_cols(l, l->pos, cols / 2);
}

void line_refresh(struct line *l, struct line_out *o) {
    scroll(l);
    l->row_unknown = false;
    size_t end = ahead_cols(l, l->first, view_cols(l));
    out_str(o, "\r");
    out_bytes(o, l->prompt, l->prompt_len);
    out_shown(o, l->buf + l->first, end - l->first);
    out_str(o, "\x1b[K\r");
    size_t col = l->prompt_cols + line_cols(l->buf, l->first, l->pos);
    if (col) {
        out_str(o, "\x1b[");
        out_num(o, col);
        out_str(o, "C");
    }
}

void line_redraw(struct line *l, struct line_out *out) { line_refresh(l, out); }

void line_prompt_clear(struct line *l) {
    l->prompt_len = l->prompt_cols = 0;
    l->out_esc = ESC_NONE;
}

/* Keep the prompt's last LINE_PROMPT_COLUMNS columns. */
static void drop_first_char(struct line *l) {
    if (!utf8_is_cont(l->prompt[0])) /* stray bytes took no column */
        l->prompt_cols--;
    size_t n = 1;
    while (n < l->prompt_len && utf8_is_cont(l->prompt[n]))
        n++;
    memmove(l->prompt, l->prompt + n, l->prompt_len - n);
    l->prompt_len -= n;
    l->row_unknown = true;
}

static void prompt_add(struct line *l, char c) {
    if (l->prompt_len == LINE_PROMPT_MAX)
        drop_first_char(l);
    l->prompt[l->prompt_len++] = c;
    if (!utf8_is_cont(c))
        l->prompt_cols++;
    while (l->prompt_cols > LINE_PROMPT_COLUMNS)
        drop_first_char(l);
}

static void prompt_back(struct line *l) {
    while (l->prompt_len && utf8_is_cont(l->prompt[l->prompt_len - 1]))
        l->prompt_len--;
    if (l->prompt_len) {
        l->prompt_len--;
        l->prompt_cols--;
    }
}

/* Escape sequences in the output are not kept (a redraw shows the text
 * without its colours); a tab becomes the spaces it moves over. */
static void prompt_track(struct line *l, char c) {
    if (l->out_esc == ESC_START) {
        l->out_esc = c == '[' ? ESC_CSI : ESC_NONE;
    } else if (l->out_esc == ESC_CSI) {
        if (c >= 0x40 && c <= 0x7e)
            l->out_esc = ESC_NONE;
    } else if (c == '\n' || c == '\r') {
        line_prompt_clear(l);
    } else if (c == '\x1b') {
        l->out_esc = ESC_START;
    } else if (c == '\b') {
        prompt_back(l);
    } else if (c == '\t') {
        for (size_t n = 8 - l->prompt_cols % 8; n > 0; n--)
            prompt_add(l, ' ');
    } else if ((uint8_t) c >= ' ' && c != 0x7f) {
        prompt_add(l, c);
    }
}

/* The text after its last end of line: what joins the prompt's row. */
static size_t last_row(const char *text, size_t len) {
    size_t i = len;
    while (i > 0 && text[i - 1] != '\n' && text[i - 1] != '\r')
        i--;
    return i;
}

void line_output(struct line *l, uint64_t writer, const char *text, size_t len,
                 struct line_out *before, struct line_out *after) {
    bool continues = l->prompt_len == 0 || writer == l->prompt_writer;
    bool shown = l->len > 0 || !continues;
    if (shown) {
        out_str(before, "\r\x1b[K");
        if (continues)
            out_bytes(before, l->prompt, l->prompt_len);
    }
    /* Another's lines go above our row; what ends without a newline
     * joins the prompt. */
    size_t from = continues ? 0 : last_row(text, len);
    if (from < len)
        l->prompt_writer = writer;
    for (size_t i = from; i < len; i++)
        prompt_track(l, text[i]);
    if (shown)
        line_refresh(l, after);
}
