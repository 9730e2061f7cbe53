/* text.h: UTF-8 decoding, text as a terminal shows it, names. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "text.h"

#define CANARY 0xA5
#define CANARY_LEN 8

static void check_decode(const char *s, size_t len, size_t want_n,
                         uint32_t want_cp, int line) {
    uint32_t cp = 0xdead;
    size_t n = utf8_decode(s, len, &cp);
    if (n != want_n || (n && cp != want_cp))
        test_fail(__FILE__, line,
                  "utf8_decode gave %zu, U+%04X; expected %zu, U+%04X", n, cp,
                  want_n, want_cp);
}
#define DECODES(s, n, cp) check_decode(s, sizeof(s) - 1, n, cp, __LINE__)
#define INVALID(s) check_decode(s, sizeof(s) - 1, 0, 0, __LINE__)

TEST(utf8_decode_every_length_at_its_bounds) {
    DECODES("\x00", 1, 0);
    DECODES("\x7f", 1, 0x7f);
    DECODES("\xc2\x80", 2, 0x80);
    DECODES("\xdf\xbf", 2, 0x7ff);
    DECODES("\xe0\xa0\x80", 3, 0x800);
    DECODES("\xed\x9f\xbf", 3, 0xd7ff); /* just below the surrogates */
    DECODES("\xee\x80\x80", 3, 0xe000); /* just above */
    DECODES("\xef\xbf\xbf", 3, 0xffff);
    DECODES("\xf0\x90\x80\x80", 4, 0x10000);
    DECODES("\xf0\x9f\x98\x80", 4, 0x1f600); /* an emoji */
    DECODES("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
    DECODES("\xc3\xa9tc", 2, 0xe9); /* only the first character */
}

TEST(utf8_decode_refuses_what_is_not_one_valid_character) {
    INVALID("");
    INVALID("\x80"); /* a continuation byte alone */
    INVALID("\x9b"); /* 8-bit CSI */
    INVALID("\xbf");
    INVALID("\xc0\x80");         /* overlong NUL */
    INVALID("\xc1\xbf");         /* overlong U+007F */
    INVALID("\xe0\x9f\xbf");     /* overlong U+07FF */
    INVALID("\xf0\x8f\xbf\xbf"); /* overlong U+FFFF */
    INVALID("\xed\xa0\x80");     /* surrogate U+D800 */
    INVALID("\xed\xbf\xbf");     /* surrogate U+DFFF */
    INVALID("\xf4\x90\x80\x80"); /* U+110000 */
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xff");
    INVALID("\xc2\x41"); /* no continuation */
    INVALID("\xe2\x98\x41");
    INVALID("\xf0\x9f\x98\x41");
    INVALID("\xc3"); /* cut short */
    INVALID("\xe2\x98");
    INVALID("\xf0\x9f\x98");
    uint32_t cp;
    CHECK_INT_EQ(utf8_decode("\xc3\xa9", 1, &cp), 0); /* cut by len */
}

/* What text_shown makes of in[0..len), with room to spare. */
static const char *shown(const char *in, size_t len, unsigned flags) {
    static char out[1024];
    size_t used;
    size_t n = text_shown(out, sizeof(out), in, len, flags, &used);
    CHECK_INT_EQ(used, len);
    CHECK_INT_EQ(n, strlen(out));
    return out;
}
#define SHOWN(in) shown(in, sizeof(in) - 1, 0)

TEST(text_shown_passes_utf8_and_tab) {
    CHECK_STR_EQ(SHOWN("hello, world"), "hello, world");
    CHECK_STR_EQ(SHOWN("a\ttab"), "a\ttab");
    CHECK_STR_EQ(SHOWN("caf\xc3\xa9 \xe2\x98\x95"), "caf\xc3\xa9 \xe2\x98\x95");
    CHECK_STR_EQ(SHOWN("\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"),
                 "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
    CHECK_STR_EQ(SHOWN("\xc2\xa0\xc2\xa9"), "\xc2\xa0\xc2\xa9"); /* U+00A0.. */
    CHECK_STR_EQ(SHOWN(""), "");
}

TEST(text_shown_escapes_every_control) {
    for (int c = 0; c < 0x20; c++) {
        if (c == '\t')
            continue;
        char in[1] = {(char) c}, want[3] = {'^', (char) (c + 0x40), 0};
        CHECK_STR_EQ(shown(in, 1, 0), want);
    }
    CHECK_STR_EQ(SHOWN("\x1b[2Jclear"), "^[[2Jclear");
    CHECK_STR_EQ(SHOWN("rub\x7fout"), "rub^?out");
    CHECK_STR_EQ(shown("nul\0in", 6, 0), "nul^@in");
    CHECK_STR_EQ(SHOWN("two\nlines\r"), "two^Jlines^M");
    CHECK_STR_EQ(shown("two\nlines\n", 10, TEXT_KEEP_NEWLINE), "two\nlines\n");
    CHECK_STR_EQ(shown("\r\x1b", 2, TEXT_KEEP_NEWLINE), "^M^[");
    for (int c = 0x80; c < 0xa0; c++) { /* C1, validly encoded */
        char in[2] = {(char) (0xc0 | c >> 6), (char) (0x80 | (c & 0x3f))};
        char want[16];
        snprintf(want, sizeof(want), "<U+%04X>", c);
        CHECK_STR_EQ(shown(in, 2, 0), want);
    }
}

TEST(text_shown_escapes_each_byte_that_is_not_utf8) {
    CHECK_STR_EQ(SHOWN("\23331m"), "\\x9b31m"); /* octal: 3 digits at most */
    CHECK_STR_EQ(SHOWN("\x80\xff\xfe"), "\\x80\\xff\\xfe");
    CHECK_STR_EQ(SHOWN("\xc0\x80"), "\\xc0\\x80");
    CHECK_STR_EQ(SHOWN("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
    CHECK_STR_EQ(SHOWN("\xed\xa0\x80"), "\\xed\\xa0\\x80");
    CHECK_STR_EQ(SHOWN("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
    CHECK_STR_EQ(SHOWN("\303a"), "\\xc3a");
    /* A sequence cut short at the end of the buffer. */
    CHECK_STR_EQ(SHOWN("ok\xe2\x98"), "ok\\xe2\\x98");
    CHECK_STR_EQ(SHOWN("ok\xf0\x9f\x98"), "ok\\xf0\\x9f\\x98");
    CHECK_STR_EQ(shown("\xc3\xa9", 1, 0), "\\xc3");
}

/* Input and shown form, unit by unit. */
struct unit {
    const char *in, *out;
};

static const struct unit units[] = {
    {"a", "a"},
    {"\x1b", "^["},
    {"\xc3\xa9", "\xc3\xa9"},
    {"\xc2\x9b", "<U+009B>"},
    {"\x9b", "\\x9b"},
    {"\t", "\t"},
    {"\xe2\x98\x95", "\xe2\x98\x95"},
    {"\x7f", "^?"},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
    {"\xed", "\\xed"}, /* a surrogate: three escapes */
    {"\xa0", "\\xa0"},
    {"\x80", "\\x80"},
    {"b", "b"},
    {"\xf0", "\\xf0"}, /* cut short at the end */
    {"\x9f", "\\x9f"},
};
#define UNITS (sizeof(units) / sizeof(units[0]))

/* Every output size from 0 up: the longest run of whole units that fits
 * with its NUL, nothing written past size, *used where that run ends. */
TEST(text_shown_never_passes_its_limit_nor_cuts_a_unit) {
    char in[64] = "", want[128] = "";
    size_t in_at[UNITS + 1] = {0}, out_at[UNITS + 1] = {0};
    for (size_t u = 0; u < UNITS; u++) {
        strcat(in, units[u].in);
        strcat(want, units[u].out);
        in_at[u + 1] = strlen(in);
        out_at[u + 1] = strlen(want);
    }
    size_t len = in_at[UNITS];
    for (size_t size = 0; size <= out_at[UNITS] + 2; size++) {
        unsigned char *buf = malloc(size + CANARY_LEN);
        memset(buf, CANARY, size + CANARY_LEN);
        size_t used = 99;
        size_t n = text_shown((char *) buf, size, in, len, 0, &used);
        size_t u = 0; /* the units that fit */
        while (u < UNITS && size > 0 && out_at[u + 1] <= size - 1)
            u++;
        bool ok = n == out_at[u] && used == in_at[u] && !memcmp(buf, want, n) &&
                  (size == 0 || buf[n] == '\0');
        for (size_t i = size; i < size + CANARY_LEN; i++)
            ok = ok && buf[i] == CANARY;
        free(buf);
        if (!ok)
            test_fail(__FILE__, __LINE__,
                      "size %zu: wrote %zu, took %zu; expected %zu, %zu", size,
                      n, used, out_at[u], in_at[u]);
    }
}

/* Whether s shows as itself: valid UTF-8, no control but tab and "\n". */
static bool is_safe(const char *s, size_t len) {
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n || (cp < 0x20 && cp != '\t' && cp != '\n') ||
            (cp >= 0x7f && cp < 0xa0))
            return false;
        i += n;
    }
    return true;
}

/* Random bytes: the result is always safe, and shows as itself. */
TEST(text_shown_of_random_bytes_is_safe_and_stable) {
    uint64_t seed = 0x7e47;
    static char in[256], out[256 * TEXT_SHOWN_PER_BYTE + 1], again[sizeof(out)];
    for (int round = 0; round < 5000; round++) {
        size_t len = test_rand(&seed) % sizeof(in);
        for (size_t i = 0; i < len; i++) { /* mostly high bytes and controls */
            uint64_t r = test_rand(&seed);
            in[i] = (char) (r & 1 ? 0x80 | (r >> 8) : r >> 8 & 0x3f);
        }
        unsigned flags = round & 1 ? TEXT_KEEP_NEWLINE : 0;
        size_t used;
        size_t n = text_shown(out, sizeof(out), in, len, flags, &used);
        CHECK_INT_EQ(used, len); /* the worst case fits */
        CHECK(is_safe(out, n));
        CHECK(flags || !memchr(out, '\n', n));
        size_t m = text_shown(again, sizeof(again), out, n, flags, &used);
        CHECK_INT_EQ(m, n);
        CHECK(!memcmp(again, out, n));
    }
}

static const struct {
    const char *name;
    enum text_fault fault;
} names[] = {
    {"alice", TEXT_OK},
    {"caf\xc3\xa9", TEXT_OK},
    {"\xe2\x98\x95\xf0\x9f\x98\x80", TEXT_OK},
    {"ab\001cd", TEXT_CONTROL}, /* octal: the escape ends after 3 digits */
    {"\x1b[31m", TEXT_CONTROL},
    {"ab\x7f", TEXT_CONTROL},
    {"ab\302\233cd", TEXT_CONTROL},
    {"tab\t", TEXT_CONTROL},
    {"ab\233cd", TEXT_NOT_UTF8},
    {"\xc0\xa0", TEXT_NOT_UTF8},
    {"ab\xe2\x98", TEXT_NOT_UTF8},
    {"two words", TEXT_INVISIBLE},
    {"a\302\240b", TEXT_INVISIBLE},        /* no-break space */
    {"a\342\200\213b", TEXT_INVISIBLE},    /* zero width space */
    {"\342\200\256ecila", TEXT_INVISIBLE}, /* right-to-left override */
    {"\357\273\277bob", TEXT_INVISIBLE},   /* byte order mark */
};

TEST(text_check_name_says_what_is_wrong) {
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int fault = text_check_name(names[i].name, strlen(names[i].name));
        if (fault != (int) names[i].fault)
            test_fail(__FILE__, __LINE__, "names[%zu]: fault %d, expected %d",
                      i, fault, names[i].fault);
    }
}
