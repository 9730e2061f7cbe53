/* The console's line editor, on the host, through a model terminal: after
 * every byte typed, the terminal's row must show the prompt and the part
 * of the line in view, with the cursor where the editor says. */
#include "line_term.h"
#include <resea/line.h>
#include <string.h>
#include "check.h"

#define SHELL 1
#define OTHER 2

struct ed {
    struct line l;
    struct term t;
    struct line_history h;
    char done[LINE_MAX]; /* the last line delivered */
    unsigned lines, refused, interrupts, eofs;
    struct line_out last; /* what the last byte sent */
};

static struct ed *ed_new(void) {
    static struct ed e;
    memset(&e, 0, sizeof(e));
    line_set_history(&e.l, &e.h);
    return &e;
}

/* Whole, well-formed sequences only (the editor's own checks are
 * stricter still). */
static bool valid_utf8(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char) s[i];
        size_t k = c < 0x80   ? 0
                   : c < 0xc2 ? 9
                   : c < 0xe0 ? 1
                   : c < 0xf0 ? 2
                   : c < 0xf5 ? 3
                              : 9;
        if (k == 9 || i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if (((unsigned char) s[i + j] & 0xc0) != 0x80)
                return false;
        }
        i += k + 1;
    }
    return true;
}

/* The row shows the prompt and the window on the line; the cursor is on
 * the editor's position; nothing wrapped. */
static void check_view(struct ed *e) {
    const struct line *l = &e->l;
    char want[LINE_PROMPT_MAX + LINE_COLUMNS * 4 + 1];
    size_t n = 0, cols = 0, w = LINE_COLUMNS - 1 - l->prompt_cols;
    memcpy(want, l->prompt, l->prompt_len);
    n = l->prompt_len;
    for (size_t i = l->first; i < l->len; i++) {
        if ((l->buf[i] & 0xc0) != 0x80 && cols++ == w)
            break;
        if (l->buf[i] == '\t') { /* shown as a space */
            want[n++] = ' ';
        } else if ((unsigned char) l->buf[i] == 0xc2 &&
                   (unsigned char) l->buf[i + 1] < 0xa0) { /* C1 */
            memcpy(want + n, LINE_C1_SHOWN, 3);
            n += 3;
            i++;
        } else {
            want[n++] = l->buf[i];
        }
    }
    while (n > 0 && want[n - 1] == ' ')
        want[--n] = '\0';
    want[n] = '\0';
    CHECK(!e->t.wrapped && !e->t.unknown);
    CHECK_STR_EQ(term_row(&e->t), want);
    size_t col = 0;
    for (size_t i = l->first; i < l->pos; i++)
        col += (l->buf[i] & 0xc0) != 0x80;
    CHECK_INT_EQ(e->t.col, l->prompt_cols + col);
    CHECK(l->len < LINE_MAX && valid_utf8(l->buf, l->len));
}

static void key(struct ed *e, char c) {
    e->last.len = 0;
    enum line_event ev = line_key(&e->l, c, &e->last);
    CHECK(e->last.len < LINE_OUT_MAX);
    term_feed(&e->t, e->last.buf, e->last.len);
    if (ev == LINE_DONE) {
        memcpy(e->done, e->l.buf, e->l.len + 1);
        e->lines++;
        line_reset(&e->l);
    }
    e->refused += ev == LINE_REFUSED;
    e->eofs += ev == LINE_EOF;
    if (ev == LINE_INTERRUPT) {
        e->interrupts++;
        e->last.len = 0;
        line_redraw(&e->l, &e->last); /* as the console does */
        term_feed(&e->t, e->last.buf, e->last.len);
    }
    check_view(e);
}

static void type_n(struct ed *e, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        key(e, s[i]);
}

static void type(struct ed *e, const char *s) { type_n(e, s, strlen(s)); }

/* Program output from writer, as the console sends it. */
static void output(struct ed *e, uint64_t writer, const char *text) {
    struct line_out before = {0}, after = {0};
    line_output(&e->l, writer, text, strlen(text), &before, &after);
    term_feed(&e->t, before.buf, before.len);
    term_feed(&e->t, text, strlen(text));
    term_feed(&e->t, after.buf, after.len);
    check_view(e);
}

static const char *line_now(struct ed *e) {
    e->l.buf[e->l.len] = '\0';
    return e->l.buf;
}

#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"

TEST(line_plain_input_is_a_plain_echo) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    for (const char *s = "hello"; *s; s++) {
        key(e, *s);
        CHECK_INT_EQ(e->last.len, 1);
        CHECK_INT_EQ(e->last.buf[0], *s);
    }
    key(e, '\r');
    CHECK_INT_EQ(e->lines, 1);
    CHECK_STR_EQ(e->done, "hello");
    CHECK_STR_EQ(term_above(&e->t, 1), "shell1> hello");
    type(e, "\xc3\xa9"); /* é: echoed whole, once complete */
    CHECK_INT_EQ(e->last.len, 2);
}

TEST(line_crlf_is_one_line_end) {
    struct ed *e = ed_new();
    type(e, "a\r\nb\n\n");
    CHECK_INT_EQ(e->lines, 3);
    CHECK_STR_EQ(e->done, "");
}

TEST(line_fix_a_typo_with_cursor_keys) {
    struct ed *e = ed_new();
    type(e, "ecoh" LEFT "\x7f" RIGHT "o\r");
    CHECK_STR_EQ(e->done, "echo");
    type(e, "ech\x1bOD\x08\x1bOC\x06o"
            "\x02\x02"
            "c\r"); /* SS3, Ctrl-B/F */
    CHECK_STR_EQ(e->done, "echo");
    type(e, "xy"
            "\x02"
            "\x02"
            "\x02"
            "z\r"); /* left past the start */
    CHECK_STR_EQ(e->done, "zxy");
}

TEST(line_word_left_and_right) {
    struct ed *e = ed_new();
    type(e, "one two  three\x1b[1;5D\x1b[1;5DX\x1b[1;5C\x1b[1;5CY\r");
    CHECK_STR_EQ(e->done, "one Xtwo  threeY");
    type(e, "ab cd\x1b"
            "b\x1b"
            "b\x1b"
            "fZ\x1b[1;3D\x1b[1;3CW\r"); /* Alt-b, Alt-f, Alt-arrows */
    CHECK_STR_EQ(e->done, "abZW cd");
}

TEST(line_home_and_end_in_every_spelling) {
    const char *home[] = {"\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01"};
    const char *end[] = {"\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05"};
    for (int i = 0; i < 5; i++) {
        struct ed *e = ed_new();
        type(e, "bc");
        type(e, home[i]);
        type(e, "a");
        type(e, end[i]);
        type(e, "d\r");
        CHECK_STR_EQ(e->done, "abcd");
    }
}

TEST(line_backspace_and_delete_take_whole_characters) {
    /* 2, 3 and 4 byte characters: é, €, 😀 */
    const char *chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (int i = 0; i < 3; i++) {
        struct ed *e = ed_new();
        type(e, "caf");
        type(e, chars[i]);
        type(e, "\x7f"
                "e\r");
        CHECK_STR_EQ(e->done, "cafe");
        type(e, "x");
        type(e, chars[i]);
        type(e, "y" LEFT LEFT "\x1b[3~\r"); /* Delete, under the cursor */
        CHECK_STR_EQ(e->done, "xy");
        type(e, chars[i]);
        type(e, chars[i]);
        type(e, "\x08" LEFT "z\r"); /* BS, then left over one whole char */
        CHECK(!strncmp(e->done, "z", 1) && !strcmp(e->done + 1, chars[i]));
    }
}

TEST(line_erase_to_start_word_and_end) {
    struct ed *e = ed_new();
    type(e, "echo one two  \x17"
            "three\r"); /* Ctrl-W: the word, spaces */
    CHECK_STR_EQ(e->done, "echo one three");
    type(e, "junk ps\x02\x02\x15\r"); /* Ctrl-U: to the start */
    CHECK_STR_EQ(e->done, "ps");
    type(e, "ps aux\x02\x02\x02\x02\x0b\r"); /* Ctrl-K: to the end */
    CHECK_STR_EQ(e->done, "ps");
    type(e, "\x15\x17\x0b\r"); /* on an empty line: nothing */
    CHECK_STR_EQ(e->done, "");
}

TEST(line_ctrl_d_ends_input_only_on_an_empty_line) {
    struct ed *e = ed_new();
    type(e, "ab\x02\x04\r"); /* deletes the b under the cursor */
    CHECK_STR_EQ(e->done, "a");
    CHECK_INT_EQ(e->eofs, 0);
    type(e, "ab\x04\r"); /* at the end of the line: nothing */
    CHECK_STR_EQ(e->done, "ab");
    type(e, "\x04");
    CHECK_INT_EQ(e->eofs, 1);
    CHECK_INT_EQ(e->lines, 2);
}

TEST(line_ctrl_c_discards_the_line) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    type(e, "half a comm" LEFT LEFT "\x03");
    CHECK_INT_EQ(e->interrupts, 1);
    CHECK_STR_EQ(term_above(&e->t, 1), "shell1> half a comm^C");
    CHECK_STR_EQ(term_row(&e->t), "shell1>"); /* a fresh prompt */
    type(e, "ps\r");
    CHECK_STR_EQ(e->done, "ps");
}

TEST(line_ctrl_l_redraws) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    type(e, "abc" LEFT "\x0c");
    CHECK_STR_EQ(term_row(&e->t), "shell1> abc");
    CHECK_INT_EQ(e->t.col, 10);
}

TEST(line_history_up_and_down) {
    struct ed *e = ed_new();
    type(e, "one\rtwo\r\rtwo\r");
    type(e, "par" UP);
    CHECK_STR_EQ(line_now(e), "two");
    type(e, UP);
    CHECK_STR_EQ(line_now(e),
                 "one"); /* the empty line and the repeat: not kept */
    type(e, UP);
    CHECK_STR_EQ(line_now(e), "one"); /* the oldest: stays */
    type(e, DOWN DOWN);
    CHECK_STR_EQ(line_now(e), "par"); /* back to the line being typed */
    type(e, DOWN);
    CHECK_STR_EQ(line_now(e), "par");
    type(e, "\x15\x10\x10\x0e\r"); /* Ctrl-P, Ctrl-P, Ctrl-N */
    CHECK_STR_EQ(e->done, "two");
    type(e, "\x1bOA\r"); /* SS3 up */
    CHECK_STR_EQ(e->done, "two");
}

TEST(line_history_belongs_to_whoever_reads) {
    struct ed *e = ed_new();
    static struct line_history chat;
    type(e, "ps\r");
    line_set_history(&e->l, &chat);
    type(e, "hello\r" UP UP);
    CHECK_STR_EQ(line_now(e), "hello");
    line_set_history(&e->l, &e->h);
    type(e, "\x15" UP UP);
    CHECK_STR_EQ(line_now(e), "ps");
    line_set_history(&e->l, NULL);
    type(e, "\x15" UP "\r");
    CHECK_STR_EQ(e->done, "");
}

TEST(line_history_is_bounded) {
    static struct line_history h;
    char entry[600];
    memset(entry, 'a', sizeof(entry));
    for (int i = 0; i < 50; i++) {
        entry[0] = (char) ('A' + i % 26);
        line_history_add(&h, entry, sizeof(entry) - 1 - i);
        CHECK(h.len <= sizeof(h.buf));
    }
    const char *s;
    CHECK_INT_EQ(line_history_get(&h, 1, &s), sizeof(entry) - 1 - 49);
    CHECK_INT_EQ(s[0], 'A' + 49 % 26);
    CHECK_INT_EQ(line_history_get(&h, 3, &s), sizeof(entry) - 1 - 47);
    CHECK_INT_EQ(line_history_get(&h, 4, &s), -1); /* only 3 fit */
    line_history_add(&h, "x", 1);
    line_history_add(&h, "x", 1);
    CHECK_INT_EQ(line_history_get(&h, 2, &s), sizeof(entry) - 1 - 49);
}

TEST(line_full_line_refuses_characters_then_the_line) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    char in[2000];
    memset(in, 'x', sizeof(in));
    type_n(e, in, LINE_MAX - 1);
    CHECK_INT_EQ(e->t.bells, 0);
    type_n(e, in, sizeof(in) - (LINE_MAX - 1));
    CHECK_INT_EQ(e->t.bells, 1); /* once for the burst */
    CHECK_INT_EQ(e->l.len, LINE_MAX - 1);
    type(e, "\x7fy");
    CHECK_INT_EQ(e->t.bells, 1);
    type(e, "z");
    CHECK_INT_EQ(e->t.bells, 2); /* a new burst */
    type(e, "\r");
    CHECK_INT_EQ(e->lines, 0);
    CHECK_INT_EQ(e->refused, 1);
    CHECK_STR_EQ(term_above(&e->t, 1),
                 "(line too long: at most 1023 bytes; not sent)");
    CHECK_STR_EQ(term_row(&e->t), "shell1>"); /* the prompt again */
    type(e, "ps\r");
    CHECK_STR_EQ(e->done, "ps");
}

TEST(line_exactly_full_line_is_delivered_whole) {
    struct ed *e = ed_new();
    char in[LINE_MAX];
    memset(in, 'a', sizeof(in));
    memcpy(in + LINE_MAX - 3, "ps", 2);
    type_n(e, in, LINE_MAX - 1);
    type(e, "\r");
    CHECK_INT_EQ(e->lines, 1);
    CHECK_INT_EQ(strlen(e->done), LINE_MAX - 1);
    CHECK_INT_EQ(e->t.bells, 0);
    /* a character that does not fit whole is refused whole */
    type_n(e, in, LINE_MAX - 2);
    type(e, "\xc3\xa9\r");
    CHECK_INT_EQ(e->refused, 1);
}

TEST(line_emptied_line_is_no_longer_too_long) {
    struct ed *e = ed_new();
    char in[LINE_MAX + 5];
    memset(in, 'x', sizeof(in));
    type_n(e, in, sizeof(in));
    type(e, "\x15ok\r");
    CHECK_STR_EQ(e->done, "ok");
}

TEST(line_unknown_sequences_are_swallowed) {
    struct ed *e = ed_new();
    /* F1 (SS3), Ctrl-Up, bracketed paste, a private mode, F5, a long one:
     * keys, none inserted, no bell */
    type(e, "a\x1bOP\x1b[1;5A\x1b[200~\x1b[?25h\x1b[15~\x1b[1;2;3;4;5;6;7;8;9Z"
            "c\r");
    CHECK_STR_EQ(e->done, "ac");
    CHECK_INT_EQ(e->t.bells, 0);
    /* a control character cuts a sequence short and counts */
    type(e, "x\x1b[\r");
    CHECK_STR_EQ(e->done, "x");
    CHECK_INT_EQ(e->t.bells, 0);
}

TEST(line_esc_and_a_character_that_is_no_sequence_rings) {
    struct ed *e = ed_new();
    type(e, "a\x1bx");
    CHECK_INT_EQ(e->t.bells, 1); /* Alt-x: refused, x not inserted */
    CHECK_STR_EQ(line_now(e), "a");
    type(e, "c\x1b\x1b[D"); /* ESC ESC [ D: the first rings, then Left */
    CHECK_INT_EQ(e->t.bells, 2);
    type(e, "\x1b\xc3\xa9\r"); /* ESC cut short by a character: it counts */
    CHECK_INT_EQ(e->t.bells, 3);
    CHECK_STR_EQ(e->done, "a\xc3\xa9"
                          "c");
}

/* What a key sent is valid UTF-8 without a C1 control. */
static bool no_c1(const struct line_out *o) {
    for (size_t i = 0; i + 1 < o->len; i++) {
        if (o->buf[i] == '\xc2' && (unsigned char) o->buf[i + 1] < 0xa0)
            return false;
    }
    return valid_utf8(o->buf, o->len);
}

TEST(line_c1_controls_are_inserted_and_shown_as_one_glyph) {
    struct ed *e = ed_new();
    output(e, SHELL, "> ");
    type(e, "ab\xc2\x9b");
    CHECK(no_c1(&e->last));
    CHECK_STR_EQ(term_row(&e->t), "> ab" LINE_C1_SHOWN);
    CHECK_INT_EQ(e->t.col, 5);                /* one column */
    type(e, "cd\xc2\x80" LEFT LEFT LEFT "x"); /* redraws: never raw */
    CHECK(no_c1(&e->last));
    CHECK_STR_EQ(term_row(&e->t), "> ab" LINE_C1_SHOWN "xcd" LINE_C1_SHOWN);
    type(e, "\x05\x7f\x7f\x7f\x7f\x7f"); /* Backspace takes it whole */
    CHECK_STR_EQ(line_now(e), "ab");
    type(e, "\xc2\x9b"
            "cd\xc2\x9f\r");
    CHECK_STR_EQ(e->done, "ab\xc2\x9b"
                          "cd\xc2\x9f");
    CHECK_STR_EQ(term_above(&e->t, 1), "> ab" LINE_C1_SHOWN "cd" LINE_C1_SHOWN);
    CHECK_INT_EQ(e->t.bells, 0);
    /* in a line that scrolls, every redraw too (check_view: the model
     * terminal fails on a C1 control) */
    for (int i = 0; i < 200; i++) {
        type(e, i % 3 ? "\xc2\x85" : "z");
        CHECK(no_c1(&e->last));
    }
    type(e, "\x01\x06\x06\x05\x17");
    CHECK(no_c1(&e->last));
}

TEST(line_tab_is_inserted_and_shown_as_one_column) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    type(e, "a\t");
    CHECK_INT_EQ(e->last.len, 1);
    CHECK_INT_EQ(e->last.buf[0], ' ');
    type(e, "b");
    CHECK_STR_EQ(term_row(&e->t), "shell1> a b");
    CHECK_INT_EQ(e->t.col, 11);
    type(e, LEFT LEFT "\t");
    CHECK_STR_EQ(term_row(&e->t), "shell1> a  b");
    CHECK_INT_EQ(e->t.col, 10);
    type(e, "\x7f\x05\r");
    CHECK_STR_EQ(e->done, "a\tb");
    CHECK_INT_EQ(e->t.bells, 0);
}

TEST(line_control_characters_without_a_meaning_ring) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    type(e, "ab" LEFT);
    const char meaningless[] = "\x00\x07\x0f\x11\x12\x13\x14\x16\x18\x19\x1a"
                               "\x1c\x1d\x1e\x1f";
    for (size_t i = 0; i < sizeof(meaningless) - 1; i++) {
        unsigned bells = e->t.bells;
        key(e, meaningless[i]);
        CHECK_INT_EQ(e->t.bells, bells + 1); /* each after a key: a bell */
        CHECK_INT_EQ(e->last.len, 1);        /* and nothing else */
        CHECK_STR_EQ(line_now(e), "ab");
        CHECK_INT_EQ(e->l.pos, 1);
        key(e, '\x02');
        key(e, '\x06'); /* Ctrl-B, Ctrl-F: a new burst */
    }
    type(e, "\x07\x0f\x12"); /* one burst: one bell */
    CHECK_INT_EQ(e->t.bells, sizeof(meaningless));
    type(e, "\r");
    CHECK_STR_EQ(e->done, "ab");
}

TEST(line_invalid_utf8_rings_and_changes_nothing) {
    struct ed *e = ed_new();
    type(e, "a");
    const char *bad[] = {
        "\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xf5\x80\x80\x80", "\xff",
        /* overlong, a surrogate, overlong, beyond U+10FFFF */
        "\xe0\x80\x80", "\xed\xa0\x80", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned bells = e->t.bells;
        type(e, bad[i]);
        CHECK_INT_EQ(e->t.bells, bells + 1); /* a burst: one bell */
        CHECK_STR_EQ(line_now(e), "a");
        type(e, "b\x7f"); /* a character between: a new burst */
    }
    type(e, "\xe2\x82"
            "d"); /* cut short by a character, which counts */
    CHECK_INT_EQ(e->t.bells, 11);
    type(e, "\xf0\x9f\r"); /* cut short by the line's end */
    CHECK_INT_EQ(e->t.bells, 12);
    CHECK_STR_EQ(e->done, "ad");
    type(e, "\xc2\xa0\r"); /* U+00A0: text */
    CHECK_STR_EQ(e->done, "\xc2\xa0");
    CHECK_INT_EQ(e->t.bells, 12);
}

TEST(line_long_line_scrolls_in_one_row) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    char in[300];
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char) ('a' + i % 26);
    type_n(e, in, sizeof(in)); /* check_view: never wraps */
    CHECK(e->l.first > 0);
    type(e, "\x01");
    CHECK_INT_EQ(e->l.first, 0);
    CHECK_INT_EQ(e->t.col, 8);
    type(e, "\x05\r");
    CHECK_INT_EQ(strlen(e->done), sizeof(in));
}

TEST(line_output_from_another_goes_above_the_prompt) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    type(e, "ec");
    output(e, OTHER, "background line\n");
    CHECK_STR_EQ(term_above(&e->t, 1), "background line");
    CHECK_STR_EQ(term_row(&e->t), "shell1> ec");
    type(e, "ho hi\r");
    CHECK_STR_EQ(e->done, "echo hi");
}

TEST(line_output_with_an_empty_line_redraws_the_prompt) {
    struct ed *e = ed_new();
    output(e, SHELL, "shell1> ");
    output(e, OTHER, "one\ntwo\n");
    CHECK_STR_EQ(term_above(&e->t, 2), "one");
    CHECK_STR_EQ(term_row(&e->t), "shell1>");
}

TEST(line_type_ahead_ends_up_after_the_prompt) {
    struct ed *e = ed_new();
    output(e, SHELL, "output of a command\n");
    type(e, "ps");
    output(e, SHELL, "more output\n");
    output(e, SHELL, "shell1> ");
    CHECK_STR_EQ(term_above(&e->t, 1), "more output");
    CHECK_STR_EQ(term_row(&e->t), "shell1> ps");
}

TEST(line_output_in_pieces_continues_its_row) {
    struct ed *e = ed_new();
    output(e, SHELL, "abc");
    output(e, SHELL, "def\n");
    CHECK_STR_EQ(term_above(&e->t, 1), "abcdef");
    type(e, "hel");
    output(e, SHELL, "<bob> h");
    output(e, SHELL, "i\n");
    CHECK_STR_EQ(term_above(&e->t, 1), "<bob> hi");
    CHECK_STR_EQ(term_row(&e->t), "hel");
    type(e, LEFT);
    output(e, OTHER, "x\n");
    CHECK_INT_EQ(e->t.col, 2); /* the cursor where it was */
}

TEST(line_prompt_keeps_its_last_columns_as_text) {
    struct ed *e = ed_new();
    output(e, SHELL, "\x1b[1mbold\x1b[0m\tx\b> ");
    CHECK_STR_EQ(term_row(&e->t), "bold    >");
    char wide[200];
    memset(wide, 'w', sizeof(wide) - 1);
    wide[sizeof(wide) - 1] = '\0';
    struct line_out before = {0}, after = {0};
    line_output(&e->l, SHELL, wide, strlen(wide), &before, &after);
    CHECK_INT_EQ(before.len + after.len, 0);
    term_feed(&e->t, wide, strlen(wide)); /* it wraps: the row holds 49 */
    e->t.wrapped = false;
    CHECK_INT_EQ(e->l.prompt_cols, LINE_PROMPT_COLUMNS);
    type(e, "abc"); /* the first key redraws the row: 40, then the line */
    CHECK_INT_EQ(e->t.col, LINE_PROMPT_COLUMNS + 3);
}

/* The most one key sends: a prompt and a line of 4-byte characters,
 * the cursor at the start (key() checks each output's size). */
TEST(line_output_fits_at_the_worst) {
    struct ed *e = ed_new();
    char prompt[LINE_PROMPT_MAX + 1] = "";
    for (int i = 0; i < LINE_PROMPT_COLUMNS; i++)
        strcat(prompt, "\xf0\x9f\x98\x80");
    output(e, SHELL, prompt);
    CHECK_INT_EQ(e->l.prompt_len, LINE_PROMPT_MAX);
    for (int i = 0; i < LINE_MAX / 4 + 1; i++)
        type(e, "\xf0\x9f\x98\x80");
    CHECK(e->l.too_long);
    type(e, "\x01\x0c\x01\r");
    CHECK_INT_EQ(e->refused, 1);
    for (int i = 0; i < LINE_MAX / 4; i++)
        type(e, "\xf0\x9f\x98\x80");
    type(e, "\x01\x03");
    CHECK_INT_EQ(e->interrupts, 1);
}

/* Any bytes a program writes: the prompt stays within its bounds and
 * its column count right, and the line is still edited. */
TEST(line_prompt_survives_any_output) {
    struct ed *e = ed_new();
    uint64_t seed = 1;
    char text[CONSOLE_WRITE_MAX];
    for (int round = 0; round < 200; round++) {
        size_t n = test_rand(&seed) % sizeof(text);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = test_rand(&seed);
            /* mostly continuation bytes and printable text, no newline */
            text[i] = (char) (r % 3 ? 0x80 + r % 64 : ' ' + r % 95);
            if (r % 101 == 0)
                text[i] = (char) (r >> 8);
        }
        struct line_out before = {0}, after = {0};
        line_output(&e->l, round % 2 ? SHELL : OTHER, text, n, &before, &after);
        CHECK(before.len < LINE_OUT_MAX && after.len < LINE_OUT_MAX);
        CHECK(e->l.prompt_len <= LINE_PROMPT_MAX);
        CHECK(e->l.prompt_cols <= LINE_PROMPT_COLUMNS);
        size_t cols = 0;
        for (size_t i = 0; i < e->l.prompt_len; i++)
            cols += (e->l.prompt[i] & 0xc0) != 0x80;
        CHECK_INT_EQ(e->l.prompt_cols, cols);
    }
    struct line_out o = {0};
    line_key(&e->l, 'x', &o);
    line_key(&e->l, '\r', &o);
    CHECK_STR_EQ(e->l.buf, "x");
}

/* Random keys: the display stays right after each (check_view). */
TEST(line_random_editing_keeps_the_display_right) {
    static const char *keys[] = {"a",
                                 "b",
                                 " ",
                                 "\xc3\xa9",
                                 "\xe2\x82\xac",
                                 "\xf0\x9f\x98\x80",
                                 LEFT,
                                 RIGHT,
                                 "\x01",
                                 "\x05",
                                 "\x7f",
                                 "\x08",
                                 "\x1b[3~",
                                 "\x15",
                                 "\x17",
                                 "\x0b",
                                 "\x04",
                                 UP,
                                 DOWN,
                                 "\x0c",
                                 "\r",
                                 "\x03",
                                 "\x1b[5~",
                                 "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                                 "\x1b[1;5D",
                                 "\x1b[1;5C",
                                 "\x1b"
                                 "b",
                                 "\x1b"
                                 "f"};
    struct ed *e = ed_new();
    output(e, SHELL, "chat> ");
    uint64_t seed = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = test_rand(&seed);
        unsigned k = r % (sizeof(keys) / sizeof(keys[0]));
        if (k == 20 && (r >> 32) % 7) /* fewer line ends, for longer lines */
            continue;
        type(e, keys[k]);
        if (r % 997 == 0)
            output(e, OTHER, "a line from elsewhere\n");
    }
    CHECK(e->lines > 0);
}

/* Any bytes typed: the line stays valid UTF-8 within its limit, and the
 * display right (check_view, after each byte). */
TEST(line_random_bytes_keep_the_line_valid) {
    struct ed *e = ed_new();
    output(e, SHELL, "> ");
    uint64_t seed = 7;
    for (int i = 0; i < 50000; i++) {
        uint64_t r = test_rand(&seed);
        char c = (char) r;
        if (c == '\r' || c == '\n' || c == 0x03)
            c = r % 13 ? 'q' : c; /* long lines, mostly */
        key(e, c);
    }
    CHECK(e->lines > 0);
}
