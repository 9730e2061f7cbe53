#pragma once
#include <stdint.h>

/*
 * The chat server's protocol (servers/chat), after the QNX Chat design: a
 * state-oriented server that never blocks on a client. It notifies
 * (NOTIFY_CHAT) and the client pulls (CHAT_FETCH). All requests are calls
 * through the handle from ipc_lookup("chat"); a session is valid only
 * through the handle (badge) that opened it. The reply's words[0] is an
 * error_t.
 *
 * CHAT_OPEN_MSG     data = nickname (NUL-terminated, 1..CHAT_NICK_MAX-1
 *                   bytes); moves a handle to the client with
 *                   RIGHT_NOTIFY. Reply words[1] = session id.
 *                   ERR_ALREADY_EXISTS: nickname taken. ERR_FULL: the
 *                   room, or the calling task's share of it, is full.
 * CHAT_POST_MSG     words[0] = session; the text out of line (MSG_OOL),
 *                   1..CHAT_TEXT_MAX bytes.
 * CHAT_FETCH_MSG    words[0] = session; MSG_REPLY_BUF of at least
 *                   CHAT_FETCH_BYTES. Reply: words[1] = lines, words[2] =
 *                   lines missed (fell out of the history before this
 *                   client fetched them), the lines out of line, each
 *                   ending in "\n".
 * CHAT_CLOSE_MSG    words[0] = session.
 * CHAT_VERSION_MSG  reply words[1] = CHAT_VERSION.
 *
 * Unknown sessions: ERR_NOT_FOUND. Unknown types: ERR_UNKNOWN_MESSAGE.
 * Joins and leaves are lines of their own: "* alice joined", "* alice
 * left", "* alice left unexpectedly" (the client ended without CLOSE).
 * Posts appear as "<alice> text".
 */
#define CHAT_VERSION 1
#define CHAT_NICK_MAX 16
#define CHAT_TEXT_MAX 200
#define CHAT_LINE_MAX (CHAT_NICK_MAX + CHAT_TEXT_MAX + 8)
#define CHAT_HISTORY 64     /* lines kept */
#define CHAT_FETCH_LINES 16 /* lines per fetch, at most */
#define CHAT_FETCH_BYTES (CHAT_FETCH_LINES * CHAT_LINE_MAX)
#define CHAT_SESSIONS 16
/* A terminal's client needs one; two let one task be both sides of a
 * conversation (the tests are). No task takes the room for the rest. */
#define CHAT_SESSIONS_PER_TASK 2
