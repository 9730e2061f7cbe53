#pragma once

/*
 * Message types: the one list for the protocols of the system's libraries
 * and servers. Types below 16 are the kernel's (message.h); a task's own
 * private protocol may use types from MSG_USER up.
 *
 *   X(name, value, description)
 */
#define MSG_TYPE_LIST(X)                                                       \
    X(ASYNC_PULL_MSG, 16, "async: give me your released messages")             \
    X(ASYNC_BATCH_MSG, 17, "async: reply to a pull, records out of line")      \
    X(ASYNC_CONNECT_MSG, 18, "async: may I send to you? (moves a handle)")     \
    X(ASYNC_CLOSE_MSG, 19, "async: stop sending to me")                        \
    X(NAME_SERVE_MSG, 32, "name: register the moved handle under a name")      \
    X(NAME_UNSERVE_MSG, 33, "name: drop a name I registered")                  \
    X(NAME_LOOKUP_MSG, 34, "name: a handle to the server of a name")           \
    X(NAME_LIST_MSG, 35, "name: every name, out of line")                      \
    X(NAME_STATS_MSG, 36, "name: entries, waiters, handles in use")            \
    X(CONSOLE_ATTACH_MSG, 48, "console: send me a port's input lines")         \
    X(CONSOLE_DETACH_MSG, 49, "console: stop sending me input")                \
    X(CONSOLE_WRITE_MSG, 50, "console: write text to a port")                  \
    X(CONSOLE_READ_MSG, 51, "console: the next input line, if any")            \
    X(CONSOLE_LEND_MSG, 56, "console: a revocable lease of my port")           \
    X(CONSOLE_REVOKE_MSG, 57, "console: end a lease of my port")               \
    X(CONSOLE_STATUS_MSG, 58, "console: output queued and lost on a port")     \
    X(CHAT_OPEN_MSG, 64, "chat: join with a nickname")                         \
    X(CHAT_POST_MSG, 65, "chat: say something")                                \
    X(CHAT_FETCH_MSG, 66, "chat: the lines I have not seen")                   \
    X(CHAT_CLOSE_MSG, 67, "chat: leave")                                       \
    X(CHAT_VERSION_MSG, 68, "chat: which protocol version")                    \
    X(SUPERVISOR_RENEW_MSG, 80, "init: a fresh start-up handle (moved)")       \
    X(SUPERVISOR_KILL_MSG, 81, "init: end a system task (admin)")

/*
 * Notification bits of the system's servers (the kernel's own are in
 * message.h; these are in the tasks' range, 16..63).
 */
#define NOTIFY_CONSOLE_INPUT (1ull << 16) /* a line is ready: CONSOLE_READ */
#define NOTIFY_CHAT (1ull << 17)          /* new lines: CHAT_FETCH */
/* Ctrl-C on a port: to the reader that lent the terminal (below the top). */
#define NOTIFY_CONSOLE_INTERRUPT (1ull << 18)
/* A port refused a write (ERR_FULL) and has room again. */
#define NOTIFY_CONSOLE_WRITABLE (1ull << 19)

#define MSG_TYPE_ENUM_ENTRY(name, value, desc) name = value,
enum msg_type { MSG_TYPE_LIST(MSG_TYPE_ENUM_ENTRY) };
#undef MSG_TYPE_ENUM_ENTRY

#define MSG_USER 1000 /* first type free for a task's private protocol */
