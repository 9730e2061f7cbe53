#pragma once
/* What the line editor's files share (resea/line.h is the interface). */
#include <resea/line.h>

static inline bool utf8_is_cont(char c) { return ((uint8_t) c & 0xc0) == 0x80; }

/* Append to the terminal's bytes; what does not fit is dropped (the
 * sizes are such that it never happens: tests check). */
void out_bytes(struct line_out *o, const char *s, size_t n);
void out_str(struct line_out *o, const char *s);
void out_num(struct line_out *o, size_t n);

/* Columns (code points) in buf[from, to). */
size_t line_cols(const char *buf, size_t from, size_t to);
/* Draw the prompt and the visible part of the line, cursor in place. */
void line_refresh(struct line *l, struct line_out *o);
/* Whether the cursor's column is in the view after a change at the end. */
bool line_fits(const struct line *l);
/* ... and the row shows what the editor thinks: a small change may be
 * sent as such, without a redraw. */
bool line_in_place(const struct line *l);
