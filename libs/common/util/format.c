#include "format.h"
#include <stdbool.h>
#include <stdint.h>

#define INT_LIMIT ((int) (~0u >> 1))

/* Output sink: counts every byte, stores only those that fit. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

enum flag {
    FLAG_LEFT = 1 << 0,  /* '-' */
    FLAG_ZERO = 1 << 1,  /* '0' */
    FLAG_PLUS = 1 << 2,  /* '+' */
    FLAG_SPACE = 1 << 3, /* ' ' */
    FLAG_ALT = 1 << 4,   /* '#' */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct spec {
    unsigned flags;
    int width;
    int prec; /* -1: not given */
    enum length length;
    char conv;
};

/* Bytes still storable, keeping one for the terminating NUL. */
static size_t room(const struct out *o) {
    if (o->size == 0 || o->len >= o->size - 1)
        return 0;
    return o->size - 1 - o->len;
}

static void put_char(struct out *o, char c) {
    if (room(o) > 0)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct out *o, char c, size_t n) {
    size_t fit = room(o) < n ? room(o) : n;
    for (size_t i = 0; i < fit; i++)
        o->buf[o->len + i] = c;
    o->len += n;
}

static void put_str(struct out *o, const char *s, size_t n) {
    size_t fit = room(o) < n ? room(o) : n;
    for (size_t i = 0; i < fit; i++)
        o->buf[o->len + i] = s[i];
    o->len += n;
}

static size_t bounded_len(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Saturates instead of overflowing: a huge width must not be UB. */
static int parse_decimal(const char **p) {
    int v = 0;
    while (is_digit(**p)) {
        int d = **p - '0';
        v = (v > (INT_LIMIT - d) / 10) ? INT_LIMIT : v * 10 + d;
        (*p)++;
    }
    return v;
}

static unsigned parse_flags(const char **p) {
    unsigned flags = 0;
    for (;; (*p)++) {
        switch (**p) {
        case '-':
            flags |= FLAG_LEFT;
            break;
        case '0':
            flags |= FLAG_ZERO;
            break;
        case '+':
            flags |= FLAG_PLUS;
            break;
        case ' ':
            flags |= FLAG_SPACE;
            break;
        case '#':
            flags |= FLAG_ALT;
            break;
        default:
            return flags;
        }
    }
}

/* A negative '*' width means '-' plus its magnitude (C99 7.19.6.1). */
static void parse_width(const char **p, va_list *ap, struct spec *sp) {
    if (**p != '*') {
        sp->width = parse_decimal(p);
        return;
    }
    (*p)++;
    int w = va_arg(*ap, int);
    if (w < 0) {
        sp->flags |= FLAG_LEFT;
        w = (w < -INT_LIMIT) ? INT_LIMIT : -w;
    }
    sp->width = w;
}

/* A negative '*' precision counts as no precision. */
static void parse_precision(const char **p, va_list *ap, struct spec *sp) {
    sp->prec = -1;
    if (**p != '.')
        return;
    (*p)++;
    if (**p == '*') {
        (*p)++;
        int v = va_arg(*ap, int);
        sp->prec = v < 0 ? -1 : v;
    } else {
        sp->prec = parse_decimal(p);
    }
}

static enum length parse_length(const char **p) {
    switch (**p) {
    case 'h':
        (*p)++;
        if (**p != 'h')
            return LEN_H;
        (*p)++;
        return LEN_HH;
    case 'l':
        (*p)++;
        if (**p != 'l')
            return LEN_L;
        (*p)++;
        return LEN_LL;
    case 'z':
        (*p)++;
        return LEN_Z;
    case 'j':
        (*p)++;
        return LEN_J;
    case 't':
        (*p)++;
        return LEN_T;
    default:
        return LEN_NONE;
    }
}

/* Parses what follows '%' up to and including the conversion character. */
static void parse_spec(const char **p, va_list *ap, struct spec *sp) {
    sp->flags = parse_flags(p);
    parse_width(p, ap, sp);
    parse_precision(p, ap, sp);
    sp->length = parse_length(p);
    sp->conv = **p;
    if (sp->conv != '\0')
        (*p)++;
}

static intmax_t fetch_signed(va_list *ap, enum length len) {
    switch (len) {
    case LEN_HH:
        return (signed char) va_arg(*ap, int);
    case LEN_H:
        return (short) va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        return (ptrdiff_t) va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t fetch_unsigned(va_list *ap, enum length len) {
    switch (len) {
    case LEN_HH:
        return (unsigned char) va_arg(*ap, unsigned);
    case LEN_H:
        return (unsigned short) va_arg(*ap, unsigned);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    case LEN_T:
        return (size_t) va_arg(*ap, ptrdiff_t);
    default:
        return va_arg(*ap, unsigned);
    }
}

/* Writes digits most significant first into `d`; returns their count. */
static size_t to_digits(uintmax_t v, unsigned base, bool upper, char *d) {
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24]; /* 2^64 needs 22 octal digits */
    size_t n = 0;
    do {
        rev[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        d[i] = rev[n - 1 - i];
    return n;
}

static unsigned base_of(char conv) {
    switch (conv) {
    case 'o':
        return 8;
    case 'x':
    case 'X':
    case 'p':
        return 16;
    default:
        return 10;
    }
}

/* Sign for %d/%i, "0x" for %#x and %p; empty otherwise. */
static const char *prefix_of(const struct spec *sp, uintmax_t mag,
                             bool negative) {
    switch (sp->conv) {
    case 'd':
    case 'i':
        if (negative)
            return "-";
        if (sp->flags & FLAG_PLUS)
            return "+";
        return (sp->flags & FLAG_SPACE) ? " " : "";
    case 'x':
        return (sp->flags & FLAG_ALT) && mag != 0 ? "0x" : "";
    case 'X':
        return (sp->flags & FLAG_ALT) && mag != 0 ? "0X" : "";
    case 'p':
        return "0x";
    default:
        return "";
    }
}

static void emit_integer(struct out *o, const struct spec *sp, uintmax_t mag,
                         bool negative) {
    char digits[24];
    size_t n = 0;
    /* An explicit zero precision prints nothing for the value zero. */
    if (!(mag == 0 && sp->prec == 0))
        n = to_digits(mag, base_of(sp->conv), sp->conv == 'X', digits);

    size_t prec = sp->prec > 0 ? (size_t) sp->prec : 0;
    size_t zeros = prec > n ? prec - n : 0;
    /* '#' with 'o' forces the first digit to be a zero. */
    if ((sp->flags & FLAG_ALT) && sp->conv == 'o' && zeros == 0 &&
        (n == 0 || digits[0] != '0'))
        zeros = 1;

    const char *prefix = prefix_of(sp, mag, negative);
    size_t prefix_len = bounded_len(prefix, 2);
    size_t total = prefix_len + zeros + n;
    size_t pad = (size_t) sp->width > total ? (size_t) sp->width - total : 0;

    /* '0' pads between the prefix and digits, unless '-' or a precision. */
    if ((sp->flags & FLAG_ZERO) && !(sp->flags & FLAG_LEFT) && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(sp->flags & FLAG_LEFT))
        put_repeat(o, ' ', pad);
    put_str(o, prefix, prefix_len);
    put_repeat(o, '0', zeros);
    put_str(o, digits, n);
    if (sp->flags & FLAG_LEFT)
        put_repeat(o, ' ', pad);
}

/* Pads `s` (already cut to `n` bytes) to the field width. */
static void emit_padded(struct out *o, const struct spec *sp, const char *s,
                        size_t n) {
    size_t pad = (size_t) sp->width > n ? (size_t) sp->width - n : 0;
    if (!(sp->flags & FLAG_LEFT))
        put_repeat(o, ' ', pad);
    put_str(o, s, n);
    if (sp->flags & FLAG_LEFT)
        put_repeat(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s) {
    if (s == NULL)
        s = "(null)";
    size_t max = sp->prec < 0 ? SIZE_MAX : (size_t) sp->prec;
    emit_padded(o, sp, s, bounded_len(s, max));
}

static void emit_signed(struct out *o, const struct spec *sp, intmax_t v) {
    /* Negating in unsigned arithmetic is defined even for INTMAX_MIN. */
    uintmax_t mag = v < 0 ? 0 - (uintmax_t) v : (uintmax_t) v;
    emit_integer(o, sp, mag, v < 0);
}

/* %p: "0x" and lowercase hex; only the field width applies. */
static void emit_pointer(struct out *o, const struct spec *sp, void *p) {
    struct spec ptr_spec = *sp;
    ptr_spec.flags &= FLAG_LEFT;
    ptr_spec.prec = -1;
    emit_integer(o, &ptr_spec, (uintptr_t) p, false);
}

/* Returns false for an unknown conversion, which consumes no argument. */
static bool emit_conversion(struct out *o, const struct spec *sp, va_list *ap) {
    switch (sp->conv) {
    case 'd':
    case 'i':
        emit_signed(o, sp, fetch_signed(ap, sp->length));
        return true;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        emit_integer(o, sp, fetch_unsigned(ap, sp->length), false);
        return true;
    case 'p':
        emit_pointer(o, sp, va_arg(*ap, void *));
        return true;
    case 's':
        emit_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'c': {
        char c = (char) va_arg(*ap, int);
        emit_padded(o, sp, &c, 1);
        return true;
    }
    case '%':
        put_char(o, '%');
        return true;
    default:
        return false;
    }
}

int vformat(char *buf, size_t size, const char *fmt, va_list ap) {
    struct out o = {.buf = buf, .size = size, .len = 0};
    va_list args;
    /* A copy so helpers can take its address portably. */
    va_copy(args, ap);
    const char *p = fmt;
    while (*p != '\0') {
        if (*p != '%') {
            put_char(&o, *p++);
            continue;
        }
        const char *start = p++;
        struct spec sp;
        parse_spec(&p, &args, &sp);
        if (!emit_conversion(&o, &sp, &args))
            put_str(&o, start, (size_t) (p - start));
    }
    va_end(args);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t) INT_LIMIT ? INT_LIMIT : (int) o.len;
}

int format(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = vformat(buf, size, fmt, ap);
    va_end(ap);
    return len;
}
