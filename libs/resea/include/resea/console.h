#pragma once
#include <error.h>
#include <kobject.h>
#include <msgtypes.h>
#include <proto/console.h>
#include <stddef.h>

/*
 * The console server's client (proto/console.h). `console` is a handle
 * from ipc_lookup("console").
 */
/* Become the reader of port: NOTIFY_CONSOLE_INPUT when a line is ready. */
error_t console_attach(handle_t console, int port);
error_t console_detach(handle_t console, int port);
error_t console_write(handle_t console, int port, const char *text, size_t len);
int console_printf(handle_t console, int port, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The next line (NUL-terminated, at most len - 1 bytes kept); returns its
 * length, ERR_EMPTY when none waits, ERR_EOF where the user typed Ctrl-D
 * on an empty line, or an error. A buffer of CONSOLE_LINE_MAX takes any
 * line. */
int console_read(handle_t console, int port, char *buf, size_t len);
