/* The line editor: what each key does to the line. */
#include "line_impl.h"
#include <string.h>

#define CTRL(c) ((c) - 'A' + 1) /* CTRL('A') is 1 */
#define KEY_DEL 0x7f
/* Where an escape sequence typed has got to. */
#define ESC_NONE 0
#define ESC_START 1
#define ESC_CSI 2
#define ESC_SS3 3

static size_t prev_char(const struct line *l, size_t pos) {
    while (pos > 0 && utf8_is_cont(l->buf[--pos]))
        ;
    return pos;
}

static size_t next_char(const struct line *l, size_t pos) {
    if (pos < l->len)
        pos++;
    while (pos < l->len && utf8_is_cont(l->buf[pos]))
        pos++;
    return pos;
}

static void move_to(struct line *l, size_t pos, struct line_out *o) {
    if (pos == l->pos)
        return;
    size_t old = l->pos;
    l->pos = pos;
    /* one step within the window: one cursor move, not a redraw */
    if (line_in_place(l) && pos == prev_char(l, old))
        out_str(o, "\b");
    else if (line_in_place(l) && pos == next_char(l, old))
        out_str(o, "\x1b[C");
    else
        line_refresh(l, o);
}

/* Remove buf[from, to), the cursor ending at from. */
static void erase(struct line *l, size_t from, size_t to, struct line_out *o) {
    if (from == to)
        return;
    /* one character at the end, in view: rub it out */
    bool rub_out = to == l->len && to == l->pos &&
                   line_cols(l->buf, from, to) == 1 &&
                   (l->first == 0 || l->first < from);
    memmove(l->buf + from, l->buf + to, l->len - to);
    l->len -= to - from;
    l->pos = from;
    if (l->len == 0)
        l->too_long = false; /* emptied: a fresh start */
    if (rub_out && line_in_place(l))
        out_str(o, "\b \b");
    else
        line_refresh(l, o);
}

static void insert(struct line *l, const char *s, size_t n,
                   struct line_out *o) {
    if (l->len + n > LINE_MAX - 1) {
        l->too_long = true;
        if (!l->belled)
            out_str(o, "\a");
        l->belled = true;
        return;
    }
    bool at_end = l->pos == l->len;
    memmove(l->buf + l->pos + n, l->buf + l->pos, l->len - l->pos);
    memcpy(l->buf + l->pos, s, n);
    l->len += n;
    l->pos += n;
    if (at_end && line_in_place(l))
        out_bytes(o, s, n); /* typing on: a plain echo */
    else
        line_refresh(l, o);
}

/* Ctrl-W: the word before the cursor, and the spaces after it. */
static size_t word_start(const struct line *l) {
    size_t i = l->pos;
    while (i > 0 && l->buf[i - 1] == ' ')
        i--;
    while (i > 0 && l->buf[i - 1] != ' ')
        i--;
    return i;
}

static void load(struct line *l, const char *s, size_t n, struct line_out *o) {
    memcpy(l->buf, s, n);
    l->len = l->pos = n;
    l->first = 0;
    l->too_long = false; /* another line in its place */
    line_refresh(l, o);
}

/* Up (+1) or down (-1) the history; back 0 is the line being typed. */
static void browse(struct line *l, int step, struct line_out *o) {
    const char *s;
    if (!l->history || (step < 0 && l->back == 0))
        return;
    unsigned back = l->back + step;
    int n = back ? line_history_get(l->history, back, &s) : 0;
    if (n < 0)
        return;
    if (l->back == 0) {
        memcpy(l->stash, l->buf, l->len);
        l->stash_len = l->len;
    }
    l->back = back;
    if (back)
        load(l, s, n, o);
    else
        load(l, l->stash, l->stash_len, o);
}

static void clear_line(struct line *l) {
    l->len = l->pos = l->first = 0;
    l->too_long = false;
    l->back = 0;
}

/* Before what ends the row: the cursor to the end of the line. */
static void to_end(struct line *l, struct line_out *o) {
    if (l->pos != l->len) {
        l->pos = l->len;
        line_refresh(l, o);
    }
}

static enum line_event refuse(struct line *l, struct line_out *o) {
    to_end(l, o);
    out_str(o, "\n(line too long: at most ");
    out_num(o, LINE_MAX - 1);
    out_str(o, " bytes; not sent)\n");
    clear_line(l);
    line_refresh(l, o);
    return LINE_REFUSED;
}

static enum line_event end_line(struct line *l, struct line_out *o) {
    if (l->too_long)
        return refuse(l, o);
    to_end(l, o);
    out_str(o, "\n");
    l->buf[l->len] = '\0';
    if (l->history)
        line_history_add(l->history, l->buf, l->len);
    l->back = 0;
    line_prompt_clear(l);
    return LINE_DONE;
}

static enum line_event control(struct line *l, char c, struct line_out *o) {
    switch (c) {
    case '\r':
    case '\n':
        return end_line(l, o);
    case CTRL('A'):
        move_to(l, 0, o);
        break;
    case CTRL('E'):
        move_to(l, l->len, o);
        break;
    case CTRL('B'):
        move_to(l, prev_char(l, l->pos), o);
        break;
    case CTRL('F'):
        move_to(l, next_char(l, l->pos), o);
        break;
    case CTRL('H'):
    case KEY_DEL:
        erase(l, prev_char(l, l->pos), l->pos, o);
        break;
    case CTRL('D'):
        if (l->len == 0) {
            out_str(o, "\n");
            line_prompt_clear(l);
            return LINE_EOF;
        }
        erase(l, l->pos, next_char(l, l->pos), o);
        break;
    case CTRL('U'):
        erase(l, 0, l->pos, o);
        break;
    case CTRL('W'):
        erase(l, word_start(l), l->pos, o);
        break;
    case CTRL('K'):
        erase(l, l->pos, l->len, o);
        break;
    case CTRL('L'):
        out_str(o, "\x1b[H\x1b[2J");
        line_refresh(l, o);
        break;
    case CTRL('P'):
        browse(l, 1, o);
        break;
    case CTRL('N'):
        browse(l, -1, o);
        break;
    case CTRL('C'):
        to_end(l, o);
        out_str(o, "^C\n");
        clear_line(l);
        return LINE_INTERRUPT;
    case '\x1b':
        l->esc = ESC_START;
        break;
    }
    return LINE_NONE; /* other control characters are ignored */
}

/* --- escape sequences: CSI (ESC [ params final) and SS3 (ESC O final) --- */

static bool param_is(const struct line *l, const char *p) {
    return l->esc_len == strlen(p) && !memcmp(l->esc_param, p, l->esc_len);
}

/* The control key an escape sequence stands for, or 0 (unknown). */
static char sequence_key(const struct line *l, char final) {
    bool plain = param_is(l, "") || param_is(l, "1");
    if (final == '~') {
        if (param_is(l, "1") || param_is(l, "7"))
            return CTRL('A');
        if (param_is(l, "4") || param_is(l, "8"))
            return CTRL('E');
        return param_is(l, "3") ? CTRL('D') : 0;
    }
    static const char letters[] = "ABCDHF";
    static const char keys[] = {CTRL('P'), CTRL('N'), CTRL('F'),
                                CTRL('B'), CTRL('A'), CTRL('E')};
    const char *at = plain ? strchr(letters, final) : NULL;
    return at && final ? keys[at - letters] : 0;
}

static enum line_event sequence_end(struct line *l, char final,
                                    struct line_out *o) {
    l->esc = ESC_NONE;
    char key = sequence_key(l, final);
    if (key == CTRL('D')) { /* Delete: never end of input */
        erase(l, l->pos, next_char(l, l->pos), o);
        return LINE_NONE;
    }
    return key ? control(l, key, o) : LINE_NONE;
}

/* Inside a sequence: true if c was part of it. A control character
 * cuts a sequence short and counts as itself. */
static bool escape(struct line *l, char c, struct line_out *o,
                   enum line_event *e) {
    uint8_t u = (uint8_t) c;
    if (u < 0x20 || u >= 0x7f)
        l->esc = ESC_NONE;
    if (l->esc == ESC_NONE)
        return false;
    if (l->esc == ESC_START) {
        l->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
        l->esc_len = 0;
    } else if (l->esc == ESC_SS3 || u >= 0x40) {
        *e = sequence_end(l, c, o);
    } else if (l->esc_len < sizeof(l->esc_param)) {
        l->esc_param[l->esc_len++] = c; /* longer: none we know */
    }
    return true;
}

/* --- UTF-8: whole, valid characters only; C1 controls are dropped --- */

static size_t utf8_need(uint8_t lead) {
    if (lead >= 0xc2 && lead <= 0xdf)
        return 1;
    if (lead >= 0xe0 && lead <= 0xef)
        return 2;
    if (lead >= 0xf0 && lead <= 0xf4)
        return 3;
    return 0; /* a stray continuation, an overlong lead, beyond U+10FFFF */
}

/* The second byte's range excludes overlong forms and surrogates. */
static bool second_ok(uint8_t lead, uint8_t b) {
    if (lead == 0xe0)
        return b >= 0xa0;
    if (lead == 0xed)
        return b < 0xa0;
    if (lead == 0xf0)
        return b >= 0x90;
    if (lead == 0xf4)
        return b < 0x90;
    return true;
}

static void utf8_byte(struct line *l, char c, struct line_out *o) {
    uint8_t u = (uint8_t) c;
    if (l->utf8_len && utf8_is_cont(c) &&
        (l->utf8_len > 1 || second_ok((uint8_t) l->utf8[0], u))) {
        l->utf8[l->utf8_len++] = c;
        if (l->utf8_len == l->utf8_need + 1) {
            l->utf8_len = 0;
            bool c1 =
                (uint8_t) l->utf8[0] == 0xc2 && (uint8_t) l->utf8[1] < 0xa0;
            if (!c1)
                insert(l, l->utf8, l->utf8_need + 1, o);
        }
        return;
    }
    l->utf8_len = 0; /* an incomplete character is dropped */
    if (u < 0x80) {
        insert(l, &c, 1, o);
    } else if ((l->utf8_need = utf8_need(u))) {
        l->utf8[0] = c;
        l->utf8_len = 1;
    }
}

enum line_event line_key(struct line *l, char c, struct line_out *out) {
    bool lf_after_cr = c == '\n' && l->last_was_cr;
    l->last_was_cr = c == '\r';
    if (lf_after_cr)
        return LINE_NONE;
    bool in_burst = l->belled;
    l->belled = false;
    enum line_event e = LINE_NONE;
    if (escape(l, c, out, &e))
        return e;
    if ((uint8_t) c < ' ' || c == KEY_DEL) {
        l->utf8_len = 0;
        return control(l, c, out);
    }
    l->belled = in_burst; /* one bell for a burst of characters */
    utf8_byte(l, c, out);
    return LINE_NONE;
}

void line_reset(struct line *l) { clear_line(l); }

void line_set_history(struct line *l, struct line_history *h) {
    if (h != l->history)
        l->back = 0;
    l->history = h;
}
