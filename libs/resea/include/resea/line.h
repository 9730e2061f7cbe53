#pragma once
#include <proto/console.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A line editor for a terminal in cooked mode: bytes typed in, the bytes
 * to send back to the terminal out, and an event when a line ends. Pure C
 * (the console server runs one per port; the host tests cover it).
 *
 * The line is edited by UTF-8 character (keys: docs/architecture.md,
 * "Line editing"). Every valid UTF-8 character typed goes into the line,
 * C1 controls (U+0080..U+009F) included, and so does tab: the program
 * reading the line decides what it accepts. What the editor cannot take
 * is refused with a bell (once per burst of refusals), never dropped in
 * silence: bytes that are not valid UTF-8, a control character that is
 * no key, ESC followed by a character that begins no sequence. Unknown
 * CSI and SS3 sequences (function keys) are keys, swallowed silently.
 *
 * The line is shown on one row after the prompt: the output written
 * since the last newline, which the editor follows through line_output().
 * A line wider than the row scrolls horizontally; the editor assumes
 * LINE_COLUMNS columns and counts one column per code point. On the
 * terminal a C1 control shows as LINE_C1_SHOWN and a tab as a space, one
 * column each: the editor never sends a control character of the line.
 * A line holds at most LINE_MAX - 1 bytes: further characters are
 * refused (a bell) and the line is then refused whole when it ends.
 */
#define LINE_MAX CONSOLE_LINE_MAX
#define LINE_COLUMNS 80
/* How a C1 control in the line is shown: U+FFFD, the replacement
 * character (0x9b raw would start a CSI on many terminals). */
#define LINE_C1_SHOWN "\xef\xbf\xbd"
/* The prompt kept for redraws: its last LINE_PROMPT_COLUMNS columns. */
#define LINE_PROMPT_COLUMNS 40
#define LINE_PROMPT_MAX (LINE_PROMPT_COLUMNS * 4)
/* What one key or one output can make the editor send, at most. */
#define LINE_OUT_MAX 1024
/* Bytes of history one reader keeps: entries, each NUL-ended. */
#define LINE_HISTORY_BYTES 2048

struct line_history {
    char buf[LINE_HISTORY_BYTES]; /* oldest first */
    size_t len;
};

/* Bytes for the terminal; calls append to it. */
struct line_out {
    char buf[LINE_OUT_MAX];
    size_t len;
};

enum line_event {
    LINE_NONE,
    LINE_DONE,      /* buf holds a finished, NUL-terminated line */
    LINE_REFUSED,   /* a line too long ended; nothing to deliver */
    LINE_INTERRUPT, /* Ctrl-C: the line is gone */
    LINE_EOF,       /* Ctrl-D on an empty line */
};

struct line {
    char buf[LINE_MAX];
    size_t len, pos; /* bytes; pos is on a character boundary */
    size_t first;    /* first byte shown: horizontal scrolling */
    bool too_long;   /* characters were refused: refuse the line */
    bool belled;     /* the bell rang for this burst of refusals */
    bool last_was_cr;
    /* input decoding: an escape sequence, a UTF-8 character */
    uint8_t esc;
    char esc_param[8];
    size_t esc_len;
    char utf8[4];
    size_t utf8_len, utf8_need;
    /* history: the one being browsed and the line being typed meanwhile */
    struct line_history *history;
    unsigned back; /* 0: the line being typed */
    char stash[LINE_MAX];
    size_t stash_len;
    /* the prompt: output since the last newline, and who wrote it */
    char prompt[LINE_PROMPT_MAX];
    size_t prompt_len, prompt_cols;
    bool row_unknown; /* the prompt was cut: redraw before a plain echo */
    uint64_t prompt_writer;
    uint8_t out_esc;
};

/* One byte typed: append what to echo to out. */
enum line_event line_key(struct line *l, char c, struct line_out *out);
/* Start the next line (after taking a finished one). */
void line_reset(struct line *l);
/* Show the prompt and the line again (after a Ctrl-C, say). */
void line_redraw(struct line *l, struct line_out *out);
/* The output so far ends a line: the next output starts a new prompt. */
void line_prompt_clear(struct line *l);
/*
 * Program output: `before` is what to send ahead of the text, `after`
 * what to send behind it, so that the prompt and the line being edited
 * show again after it. Output from the writer of the prompt continues
 * the prompt; output from another writer goes above the prompt's row.
 */
void line_output(struct line *l, uint64_t writer, const char *text, size_t len,
                 struct line_out *before, struct line_out *after);
/* The history up and down browse (NULL: none). */
void line_set_history(struct line *l, struct line_history *h);

/* A finished line for the history: not empty, not the newest again. */
void line_history_add(struct line_history *h, const char *s, size_t len);
/* The entry `back` steps before now (1: the newest): its length, or -1. */
int line_history_get(const struct line_history *h, unsigned back,
                     const char **s);
