#pragma once

/*
 * Error codes: the one list. Every call in the kernel and the libraries
 * returns an error_t, either OK (0) or one of the negative codes below.
 * err_str() and the names printed in traces are derived from this list.
 *
 *   X(name, value, message)
 */
#define ERROR_LIST(X)                                                          \
    X(OK, 0, "success")                                                        \
    X(ERR_NO_MEMORY, -1, "out of memory")                                      \
    X(ERR_NOT_PERMITTED, -2, "handle lacks the right for this operation")      \
    X(ERR_WOULD_BLOCK, -3, "operation would block")                            \
    X(ERR_ABORTED, -4, "aborted: the peer died or was restarted")              \
    X(ERR_TOO_LARGE, -5, "too large")                                          \
    X(ERR_NOT_FOUND, -6, "not found")                                          \
    X(ERR_INVALID_ARG, -7, "invalid argument")                                 \
    X(ERR_ALREADY_EXISTS, -8, "already exists")                                \
    X(ERR_BAD_HANDLE, -9, "invalid, closed or stale handle")                   \
    X(ERR_BAD_POINTER, -10, "bad user pointer")                                \
    X(ERR_BAD_SYSCALL, -11, "unknown system call")                             \
    X(ERR_TIMEOUT, -12, "timed out")                                           \
    X(ERR_DEADLOCK, -13, "would deadlock")                                     \
    X(ERR_FULL, -14, "queue or table full")                                    \
    X(ERR_EMPTY, -15, "nothing to receive")                                    \
    X(ERR_BAD_IMAGE, -16, "malformed executable or boot image")                \
    X(ERR_BAD_STATE, -17, "object is in the wrong state")                      \
    X(ERR_UNKNOWN_MESSAGE, -18, "unknown message type")                        \
    X(ERR_HANDLE_REFUSED, -19, "the receiver accepts no handle here")          \
    X(ERR_EOF, -20, "end of input")                                            \
    X(ERR_UNSUPPORTED, -21, "not built into this kernel (see .config)")

#define ERROR_ENUM_ENTRY(name, value, msg) name = value,
enum error_code { ERROR_LIST(ERROR_ENUM_ENTRY) };
#undef ERROR_ENUM_ENTRY

typedef int error_t;

/* The message for an error code ("unknown error" for anything else). */
const char *err_str(error_t err);
/* The symbolic name of an error code, e.g. "ERR_TIMEOUT". */
const char *err_name(error_t err);

#define IS_ERROR(err) ((err) < 0)
#define IS_OK(err) ((err) >= 0)
