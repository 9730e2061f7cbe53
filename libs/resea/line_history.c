/* A reader's history of lines: NUL-ended entries, oldest first, in a
 * fixed buffer; the oldest go to make room. */
#include <resea/line.h>
#include <string.h>

static void drop_oldest(struct line_history *h) {
    size_t n = strlen(h->buf) + 1;
    memmove(h->buf, h->buf + n, h->len - n);
    h->len -= n;
}

void line_history_add(struct line_history *h, const char *s, size_t len) {
    const char *newest;
    if (len == 0 || len + 1 > sizeof(h->buf))
        return;
    int n = line_history_get(h, 1, &newest);
    if (n == (int) len && !memcmp(newest, s, len))
        return;
    while (h->len + len + 1 > sizeof(h->buf))
        drop_oldest(h);
    memcpy(h->buf + h->len, s, len);
    h->buf[h->len + len] = '\0';
    h->len += len + 1;
}

int line_history_get(const struct line_history *h, unsigned back,
                     const char **s) {
    size_t end = h->len; /* one past the entry's NUL */
    for (; back > 0 && end > 0; back--) {
        size_t start = end - 1;
        while (start > 0 && h->buf[start - 1] != '\0')
            start--;
        if (back == 1) {
            *s = h->buf + start;
            return (int) (end - 1 - start);
        }
        end = start;
    }
    return -1;
}
