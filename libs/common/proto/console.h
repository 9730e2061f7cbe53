#pragma once
#include <proto/badges.h>
#include <stdint.h>

/*
 * The console server's protocol (servers/console). All requests are calls;
 * the reply's words[0] is an error_t. A port is 0..CONSOLE_PORTS-1
 * (COM1..COM4). Every request must come through a handle badged for the
 * port it names (CONSOLE_PORT_BADGE): ERR_NOT_PERMITTED otherwise, as
 * through a handle from ipc_lookup("console"). ERR_INVALID_ARG: no such
 * port.
 *
 * CONSOLE_ATTACH_MSG  words[0] = port; moves a handle to the caller with
 *                     RIGHT_NOTIFY. The caller becomes the port's reader
 *                     (the last attached reads; when it ends or detaches
 *                     the one before reads again) and gets
 *                     NOTIFY_CONSOLE_INPUT when a line is complete, and
 *                     NOTIFY_CONSOLE_INTERRUPT for a Ctrl-C typed while
 *                     the reader above it reads (or while it is alone).
 * CONSOLE_DETACH_MSG  words[0] = port.
 * CONSOLE_WRITE_MSG   words[0] = port; the text out of line (MSG_OOL), at
 *                     most CONSOLE_WRITE_MAX bytes. "\n" becomes "\r\n".
 *                     The line being edited is hidden while the text is
 *                     written and shown again after it, with the prompt.
 * CONSOLE_READ_MSG    words[0] = port; MSG_REPLY_BUF of CONSOLE_LINE_MAX
 *                     bytes. Reply: the line out of line, without its end
 *                     of line; ERR_EMPTY when none waits; ERR_EOF for a
 *                     Ctrl-D typed on an empty line, in its place among
 *                     the lines. Only the port's reader may read.
 *
 * Cooked mode: the console edits the line (resea/line.h; the keys are in
 * docs/architecture.md, "Line editing") and delivers it when it ends
 * (carriage return, line feed, or CR LF), as valid UTF-8 without control
 * characters. A line is at most CONSOLE_LINE_MAX - 1 bytes and is never
 * split: once a character is refused for want of room, the line is
 * refused whole when it ends, and the terminal says so. Each reader has
 * its own history (up and down). Ctrl-C drops the line being typed and
 * the lines its reader has not read; the reader that lent the terminal
 * (below the top) is told.
 */
#define CONSOLE_NAME "console" /* what the console registers */
/* The badge of a handle to the console for port n, minted by whoever
 * started the console (init gives shell copy i port i). */
#define CONSOLE_PORT_BADGE(n) (BADGE_LOOKUP_END + (uint64_t) (n))
#define CONSOLE_PORTS 4
#define CONSOLE_LINE_MAX 1024 /* a line and its NUL: 1023 bytes, never split */
#define CONSOLE_WRITE_MAX 1024
#define CONSOLE_LINES_QUEUED 8 /* lines kept per port until read */
