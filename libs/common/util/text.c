/* Text safe to show on a terminal (text.h). */
#include "text.h"
#include <stdbool.h>

static bool continuation(uint8_t c) { return (c & 0xc0) == 0x80; }

size_t utf8_decode(const char *s, size_t len, uint32_t *cp) {
    const uint8_t *u = (const uint8_t *) s;
    if (len == 0)
        return 0;
    uint8_t b = u[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    /* The second byte's range rules out overlong forms (E0, F0),
     * surrogates (ED) and code points above U+10FFFF (F4). */
    size_t n;
    uint8_t lo = 0x80, hi = 0xbf;
    uint32_t c;
    if (b >= 0xc2 && b <= 0xdf) {
        n = 2, c = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3, c = b & 0x0f;
        lo = b == 0xe0 ? 0xa0 : lo;
        hi = b == 0xed ? 0x9f : hi;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4, c = b & 0x07;
        lo = b == 0xf0 ? 0x90 : lo;
        hi = b == 0xf4 ? 0x8f : hi;
    } else {
        return 0; /* a continuation byte, C0, C1 or F5..FF */
    }
    if (len < n || u[1] < lo || u[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (!continuation(u[i]))
            return 0;
        c = c << 6 | (u[i] & 0x3f);
    }
    *cp = c;
    return n;
}

static bool is_control(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static const char hex[] = "0123456789ABCDEF";

/* The shown form of the unit at in[0..len) into piece (room for 8): its
 * length; *step gets the input bytes it stands for. */
static size_t show_one(char piece[8], const char *in, size_t len,
                       unsigned flags, size_t *step) {
    uint32_t cp;
    size_t n = utf8_decode(in, len, &cp);
    uint8_t b = (uint8_t) in[0];
    *step = n ? n : 1;
    if (!n) { /* "\x9b" */
        piece[0] = '\\', piece[1] = 'x';
        /* lower case: 0x20 is already set in the digits */
        piece[2] = hex[b >> 4] | 0x20, piece[3] = hex[b & 15] | 0x20;
        return 4;
    }
    bool kept = cp == '\t' || (cp == '\n' && (flags & TEXT_KEEP_NEWLINE));
    if (kept || !is_control(cp)) {
        for (size_t i = 0; i < n; i++)
            piece[i] = in[i];
        return n;
    }
    if (cp < 0x80) { /* "^[", and "^?" for DEL */
        piece[0] = '^', piece[1] = cp == 0x7f ? '?' : (char) (cp + 0x40);
        return 2;
    }
    const char form[] = "<U+00";
    for (size_t i = 0; i < 5; i++)
        piece[i] = form[i];
    piece[5] = hex[cp >> 4], piece[6] = hex[cp & 15], piece[7] = '>';
    return 8;
}

size_t text_shown(char *out, size_t size, const char *in, size_t len,
                  unsigned flags, size_t *used) {
    size_t o = 0, i = 0;
    while (i < len && size > 0) {
        char piece[8];
        size_t step, n = show_one(piece, in + i, len - i, flags, &step);
        if (o + n >= size)
            break; /* it does not fit whole, with the NUL */
        for (size_t k = 0; k < n; k++)
            out[o++] = piece[k];
        i += step;
    }
    if (size > 0)
        out[o] = '\0';
    if (used)
        *used = i;
    return o;
}

/* Spaces, and characters that show as nothing or move the text about
 * (bidirectional controls, joiners, the byte order mark). */
static bool is_invisible(uint32_t cp) {
    static const uint32_t ranges[][2] = {
        {0x20, 0x20},     {0xa0, 0xa0},     {0xad, 0xad},     {0x115f, 0x1160},
        {0x1680, 0x1680}, {0x180e, 0x180e}, {0x2000, 0x200f}, {0x2028, 0x202f},
        {0x205f, 0x206f}, {0x3000, 0x3000}, {0x3164, 0x3164}, {0xfeff, 0xfeff},
    };
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (cp >= ranges[i][0] && cp <= ranges[i][1])
            return true;
    }
    return false;
}

enum text_fault text_check_name(const char *s, size_t len) {
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n)
            return TEXT_NOT_UTF8;
        if (is_control(cp))
            return TEXT_CONTROL;
        if (is_invisible(cp))
            return TEXT_INVISIBLE;
        i += n;
    }
    return TEXT_OK;
}
