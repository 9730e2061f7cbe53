#pragma once
#include <error.h>
#include <kobject.h>
#include <msgtypes.h>
#include <proto/console.h>
#include <stddef.h>

/*
 * The console server's client (proto/console.h). `console` is a handle
 * for one port: the one init badged for a shell (TAG_CONSOLE), or a lease
 * of it; `port` is that port, or CONSOLE_HANDLE_PORT.
 */
/* Become the reader of port: NOTIFY_CONSOLE_INPUT when a line is ready. */
error_t console_attach(handle_t console, int port);
error_t console_detach(handle_t console, int port);
/* All or nothing: ERR_FULL when the port's ring has no room for it (the
 * console counts it as lost and says so on the terminal). */
error_t console_write(handle_t console, int port, const char *text, size_t len);
/* The same for a writer that keeps refused text to write it again: not
 * counted as lost; a reader of the port gets NOTIFY_CONSOLE_WRITABLE when
 * there is room. */
error_t console_write_keep(handle_t console, int port, const char *text,
                           size_t len);
/* The port's owner: a new handle for a lease of it with these rights
 * (CONSOLE_LEASE_*), and its id in *lease; or an error. */
handle_t console_lend(handle_t console, int port, uint64_t rights,
                      uint64_t *lease);
/* End a lease (or CONSOLE_LEASE_ALL). */
error_t console_revoke(handle_t console, int port, uint64_t lease);
/* Bytes of output queued on the port, and characters lost not yet
 * reported. */
error_t console_status(handle_t console, int port, uint64_t *queued,
                       uint64_t *lost);
int console_printf(handle_t console, int port, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The next line (NUL-terminated, at most len - 1 bytes kept); returns its
 * length, ERR_EMPTY when none waits, ERR_EOF where the user typed Ctrl-D
 * on an empty line, or an error. A buffer of CONSOLE_LINE_MAX takes any
 * line. */
int console_read(handle_t console, int port, char *buf, size_t len);
