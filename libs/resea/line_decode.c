/* The line editor's input: the bytes typed, decoded into keys. Escape
 * sequences (CSI: ESC [ params final; SS3: ESC O final) become the keys
 * they stand for or nothing; UTF-8 characters (C1 controls included) and
 * tab come whole and valid. What is none of these is refused: the key
 * says so, and the editor rings the bell. */
#include "line_impl.h"
#include <string.h>

/* Where an escape sequence typed has got to. */
#define ESC_NONE 0
#define ESC_START 1
#define ESC_CSI 2
#define ESC_SS3 3

static const struct key nothing = {.kind = KEY_NOTHING};

static struct key control_key(char c) {
    return (struct key){.kind = c ? KEY_CONTROL : KEY_NOTHING, .ctrl = c};
}

static bool param_is(const struct line *l, const char *p) {
    return l->esc_len == strlen(p) && !memcmp(l->esc_param, p, l->esc_len);
}

/* The key an escape sequence stands for, or 0 (unknown). */
static char sequence_key(const struct line *l, char final) {
    bool plain = param_is(l, "") || param_is(l, "1");
    if (final == '~') {
        if (param_is(l, "1") || param_is(l, "7"))
            return CTRL('A');
        if (param_is(l, "4") || param_is(l, "8"))
            return CTRL('E');
        return param_is(l, "3") ? KEY_DELETE : 0;
    }
    /* Ctrl- or Alt-arrow: by word */
    if (param_is(l, "1;5") || param_is(l, "1;3"))
        return final == 'D' ? KEY_WORD_LEFT : final == 'C' ? KEY_WORD_RIGHT : 0;
    static const char letters[] = "ABCDHF";
    static const char keys[] = {CTRL('P'), CTRL('N'), CTRL('F'),
                                CTRL('B'), CTRL('A'), CTRL('E')};
    const char *at = plain ? strchr(letters, final) : NULL;
    return at && final ? keys[at - letters] : 0;
}

/* Inside a sequence: true if c was part of it (*k: the key it ended). A
 * control character or a byte from 0x80 cuts a sequence short and counts
 * as itself. ESC followed by anything but [, O, b or f is refused. */
static bool escape(struct line *l, char c, struct key *k) {
    uint8_t u = (uint8_t) c;
    if (u < 0x20 || u >= 0x7f) {
        k->refused = l->esc == ESC_START;
        l->esc = ESC_NONE;
    }
    if (l->esc == ESC_NONE)
        return false;
    if (l->esc == ESC_START) { /* ESC and a character: Alt and it */
        l->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
        l->esc_len = 0;
        if (c == 'b' || c == 'f')
            *k = control_key(c == 'b' ? KEY_WORD_LEFT : KEY_WORD_RIGHT);
        else if (l->esc == ESC_NONE)
            k->refused = true;
    } else if (l->esc == ESC_SS3 || u >= 0x40) {
        l->esc = ESC_NONE;
        *k = control_key(sequence_key(l, c));
    } else if (l->esc_len < sizeof(l->esc_param)) {
        l->esc_param[l->esc_len++] = c; /* longer: none we know */
    }
    return true;
}

/* --- UTF-8: whole, valid characters only --- */
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

static struct key utf8_byte(struct line *l, char c) {
    uint8_t u = (uint8_t) c;
    if (l->utf8_len && utf8_is_cont(c) &&
        (l->utf8_len > 1 || second_ok((uint8_t) l->utf8[0], u))) {
        l->utf8[l->utf8_len++] = c;
        if (l->utf8_len < l->utf8_need + 1)
            return nothing;
        l->utf8_len = 0;
        struct key k = {.kind = KEY_TEXT, .len = l->utf8_need + 1};
        memcpy(k.text, l->utf8, k.len);
        return k;
    }
    struct key k = {.refused = l->utf8_len > 0}; /* cut short */
    l->utf8_len = 0;
    if (u < 0x80)
        return (struct key){
            .kind = KEY_TEXT, .text = {c}, .len = 1, .refused = k.refused};
    if ((l->utf8_need = utf8_need(u))) {
        l->utf8[0] = c;
        l->utf8_len = 1;
    } else {
        k.refused = true; /* a byte no character starts with */
    }
    return k;
}

struct key line_decode(struct line *l, char c) {
    bool lf_after_cr = c == '\n' && l->last_was_cr;
    l->last_was_cr = c == '\r';
    struct key k = nothing;
    if (lf_after_cr || escape(l, c, &k))
        return k;
    bool refused = k.refused; /* an ESC that began no sequence */
    if (((uint8_t) c >= ' ' && c != 0x7f) || c == '\t') {
        k = utf8_byte(l, c);
    } else {
        refused |= l->utf8_len > 0; /* a character cut short */
        l->utf8_len = 0;
        if (c == '\x1b')
            l->esc = ESC_START;
        else
            k = (struct key){.kind = KEY_CONTROL, .ctrl = c};
    }
    k.refused |= refused;
    return k;
}
