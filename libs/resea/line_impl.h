#pragma once
/* What the line editor's files share (resea/line.h is the interface). */
#include <resea/line.h>

static inline bool utf8_is_cont(char c) { return ((uint8_t) c & 0xc0) == 0x80; }

#define CTRL(c) ((c) - 'A' + 1) /* CTRL('A') is 1 */
/* Keys that are no control character: */
#define KEY_DELETE ((char) 0x80)     /* Delete (ESC [ 3~), not Ctrl-D */
#define KEY_WORD_LEFT ((char) 0x81)  /* Ctrl-Left, Alt-b */
#define KEY_WORD_RIGHT ((char) 0x82) /* Ctrl-Right, Alt-f */

/* What a byte typed completes: nothing yet, a character or a key; and
 * whether bytes were refused on the way (not valid UTF-8, ESC and a
 * character that is no sequence): the editor rings the bell. */
struct key {
    enum { KEY_NOTHING, KEY_TEXT, KEY_CONTROL } kind;
    char ctrl;    /* KEY_CONTROL: a control character, or a KEY_ above */
    char text[4]; /* KEY_TEXT: one whole UTF-8 character, or a tab */
    size_t len;
    bool refused;
};

struct key line_decode(struct line *l, char c);

/* Append to the terminal's bytes; what does not fit is dropped (the
 * sizes are such that it never happens: tests check). */
void out_bytes(struct line_out *o, const char *s, size_t n);
void out_str(struct line_out *o, const char *s);
void out_num(struct line_out *o, size_t n);

/* Characters of the line as the terminal is sent them: each one column,
 * a C1 control as LINE_C1_SHOWN and a tab as a space. */
void out_shown(struct line_out *o, const char *s, size_t n);
/* Columns (code points) in buf[from, to). */
size_t line_cols(const char *buf, size_t from, size_t to);
/* Draw the prompt and the visible part of the line, cursor in place. */
void line_refresh(struct line *l, struct line_out *o);
/* Whether the cursor's column is in the view after a change at the end. */
bool line_fits(const struct line *l);
/* ... and the row shows what the editor thinks: a small change may be
 * sent as such, without a redraw. */
bool line_in_place(const struct line *l);
