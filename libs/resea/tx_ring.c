#include <format.h>
#include <resea/tx_ring.h>

_Static_assert(TX_RING - TX_LOW_WATER >= 2 * CONSOLE_WRITE_MAX + TX_NOTICE_MAX,
               "below low water any write fits");

void tx_init(struct tx_ring *r) {
    r->head = r->count = 0;
    r->lost = 0;
    r->at_line_start = true;
    r->refused = false;
}

static size_t expanded(const char *s, size_t len) {
    size_t n = len;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

static void push(struct tx_ring *r, char c) {
    r->buf[(r->head + r->count++) % TX_RING] = c;
}

static void push_text(struct tx_ring *r, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            push(r, '\r');
        push(r, s[i]);
    }
    if (len)
        r->at_line_start = s[len - 1] == '\n';
}

/* The notice owed, ready to queue (empty when nothing was lost). */
static size_t notice(const struct tx_ring *r, char *out) {
    if (!r->lost)
        return 0;
    int n =
        format(out, TX_NOTICE_MAX, "%s(%lu character%s lost)\n",
               r->at_line_start ? "" : "\n", r->lost, r->lost == 1 ? "" : "s");
    return n < TX_NOTICE_MAX ? (size_t) n : TX_NOTICE_MAX - 1;
}

static bool room_for(const struct tx_ring *r, size_t n) {
    return n <= TX_RING - r->count;
}

static void put_notice(struct tx_ring *r, const char *text, size_t len) {
    push_text(r, text, len);
    r->lost = 0;
}

bool tx_put(struct tx_ring *r, const char *s, size_t len) {
    char note[TX_NOTICE_MAX];
    size_t note_len = notice(r, note);
    if (!room_for(r, expanded(note, note_len) + expanded(s, len))) {
        r->refused = true;
        return false;
    }
    put_notice(r, note, note_len);
    push_text(r, s, len);
    return true;
}

void tx_lose(struct tx_ring *r, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        r->lost += ((unsigned char) s[i] & 0xc0) != 0x80; /* UTF-8 starts */
}

bool tx_pop(struct tx_ring *r, char *c) {
    if (!r->count)
        return false;
    *c = r->buf[r->head];
    r->head = (r->head + 1) % TX_RING;
    r->count--;
    return true;
}

bool tx_drained(struct tx_ring *r) {
    if (r->count > TX_LOW_WATER)
        return false;
    char note[TX_NOTICE_MAX];
    size_t note_len = notice(r, note);
    if (note_len)
        put_notice(r, note, note_len);
    bool told = r->refused;
    r->refused = false;
    return told;
}
