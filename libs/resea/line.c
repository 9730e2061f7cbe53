/* The line editor: what each key does to the line. */
#include "line_impl.h"
#include <string.h>

#define KEY_DEL 0x7f

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

/* Something typed was refused: the bell, once for a burst of refusals. */
static void bell(struct line *l, struct line_out *o) {
    if (!l->belled)
        out_str(o, "\a");
    l->belled = true;
}

static void insert(struct line *l, const char *s, size_t n,
                   struct line_out *o) {
    if (l->len + n > LINE_MAX - 1) {
        l->too_long = true;
        bell(l, o);
        return;
    }
    l->belled = false;
    bool at_end = l->pos == l->len;
    memmove(l->buf + l->pos + n, l->buf + l->pos, l->len - l->pos);
    memcpy(l->buf + l->pos, s, n);
    l->len += n;
    l->pos += n;
    if (at_end && line_in_place(l))
        out_shown(o, s, n); /* typing on: a plain echo */
    else
        line_refresh(l, o);
}

/* The start of the word before the cursor (spaces after it skipped):
 * where Ctrl-W erases to and a word left moves to. */
static size_t word_start(const struct line *l) {
    size_t i = l->pos;
    while (i > 0 && l->buf[i - 1] == ' ')
        i--;
    while (i > 0 && l->buf[i - 1] != ' ')
        i--;
    return i;
}

/* The end of the word after the cursor: a word right moves there. */
static size_t word_end(const struct line *l) {
    size_t i = l->pos;
    while (i < l->len && l->buf[i] == ' ')
        i++;
    while (i < l->len && l->buf[i] != ' ')
        i++;
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
    }
    return LINE_NONE;
}

/* The control characters control() acts on; the others are refused (tab
 * is text, ESC starts a sequence). */
static bool has_meaning(char c) {
    static const char meaningful[] = {
        '\r',      '\n',      CTRL('A'), CTRL('B'), CTRL('C'), CTRL('D'),
        CTRL('E'), CTRL('F'), CTRL('H'), CTRL('K'), CTRL('L'), CTRL('N'),
        CTRL('P'), CTRL('U'), CTRL('W'), KEY_DEL};
    for (size_t i = 0; i < sizeof(meaningful); i++) {
        if (meaningful[i] == c)
            return true;
    }
    return false;
}

enum line_event line_key(struct line *l, char c, struct line_out *out) {
    struct key k = line_decode(l, c);
    if (k.refused)
        bell(l, out);
    if (k.kind == KEY_TEXT)
        insert(l, k.text, k.len, out);
    if (k.kind != KEY_CONTROL)
        return LINE_NONE;
    bool is_key = k.ctrl == KEY_DELETE || k.ctrl == KEY_WORD_LEFT ||
                  k.ctrl == KEY_WORD_RIGHT;
    if (!is_key && !has_meaning(k.ctrl)) {
        bell(l, out);
        return LINE_NONE;
    }
    l->belled = false;        /* one bell for a burst of refusals */
    if (k.ctrl == KEY_DELETE) /* never end of input */
        erase(l, l->pos, next_char(l, l->pos), out);
    else if (k.ctrl == KEY_WORD_LEFT)
        move_to(l, word_start(l), out);
    else if (k.ctrl == KEY_WORD_RIGHT)
        move_to(l, word_end(l), out);
    else
        return control(l, k.ctrl, out);
    return LINE_NONE;
}
void line_reset(struct line *l) { clear_line(l); }

void line_set_history(struct line *l, struct line_history *h) {
    if (h != l->history)
        l->back = 0;
    l->history = h;
}
