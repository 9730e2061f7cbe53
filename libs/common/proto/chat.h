#pragma once
#include <message.h> /* <idl.h>: CHAT_TEXT_MAX */
#include <stdint.h>
#include <text.h>

/*
 * The chat server's protocol (servers/chat), after the QNX Chat design: a
 * state-oriented server that never blocks on a client. It notifies
 * (NOTIFY_CHAT) and the client pulls (CHAT_FETCH). All requests are calls
 * through the handle from ipc_lookup("chat"); a session is valid only
 * through the handle (badge) that opened it. The reply's words[0] is an
 * error_t.
 *
 * CHAT_OPEN_MSG     data = nickname (NUL-terminated, 1..CHAT_NICK_MAX-1
 *                   bytes of UTF-8 that text_check_name accepts: no
 *                   controls, spaces or invisible characters); moves a
 *                   handle to the client with RIGHT_NOTIFY. Reply
 *                   words[1] = session id. ERR_TOO_LARGE: no NUL within
 *                   CHAT_NICK_MAX. ERR_INVALID_ARG: any other bad
 *                   nickname. ERR_ALREADY_EXISTS: nickname taken.
 *                   ERR_FULL: the room, or the calling task's share of
 *                   it, is full.
 * CHAT_POST_MSG     words[0] = session; the text out of line (MSG_OOL),
 *                   1..CHAT_TEXT_MAX bytes, any bytes: the line stores
 *                   them as text_shown shows them (controls and bytes
 *                   that are not UTF-8 escaped). ERR_TOO_LARGE: more than
 *                   CHAT_TEXT_MAX bytes; nothing is posted.
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
#define CHAT_NICK_MAX 16  /* bytes, with the NUL */
/* A post as the line shows it: every byte escaped, at the worst. */
#define CHAT_SHOWN_MAX (CHAT_TEXT_MAX * TEXT_SHOWN_PER_BYTE)
#define CHAT_LINE_MAX (CHAT_NICK_MAX + CHAT_SHOWN_MAX + 8)
#define CHAT_HISTORY 64     /* lines kept */
#define CHAT_FETCH_LINES 16 /* lines per fetch, at most */
#define CHAT_FETCH_BYTES (CHAT_FETCH_LINES * CHAT_LINE_MAX)
#define CHAT_SESSIONS 16
/* A terminal's client needs one; two let one task be both sides of a
 * conversation (the tests are). No task takes the room for the rest. */
#define CHAT_SESSIONS_PER_TASK 2
