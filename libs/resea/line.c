#include <resea/line.h>

#define KEY_BACKSPACE 0x08
#define KEY_DELETE 0x7f

static struct line_result finish(struct line *l) {
    l->buf[l->len] = '\0';
    return (struct line_result){"\n", 1, true};
}

struct line_result line_input(struct line *l, char c) {
    static char echo;
    bool lf_after_cr = c == '\n' && l->last_was_cr;
    l->last_was_cr = c == '\r';
    if (lf_after_cr)
        return (struct line_result){"", 0, false};
    if (c == '\r' || c == '\n')
        return finish(l);
    if (c == KEY_BACKSPACE || c == KEY_DELETE) {
        if (l->len == 0)
            return (struct line_result){"", 0, false};
        l->len--;
        return (struct line_result){"\b \b", 3, false};
    }
    if ((unsigned char) c < ' ')
        return (struct line_result){"", 0, false};
    l->buf[l->len++] = c;
    echo = c;
    if (l->len == LINE_MAX - 1) {
        l->buf[l->len] = '\0';
        return (struct line_result){&echo, 1, true};
    }
    return (struct line_result){&echo, 1, false};
}

void line_reset(struct line *l) { l->len = 0; }
