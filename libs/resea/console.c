#include <format.h>
#include <msgtypes.h>
#include <resea/console.h>
#include <resea/ipc.h>
#include <resea/syscall.h>
#include <stdarg.h>

static error_t call(handle_t console, struct message *m) {
    error_t err = ipc_call(console, m);
    return err ? err : (error_t) m->words[0];
}

/* A call whose reply's out-of-line data lands at m->ool_ptr. */
static error_t call_into(handle_t console, struct message *m) {
    error_t err = ipc_call_into(console, m);
    return err ? err : (error_t) m->words[0];
}

error_t console_attach(handle_t console, int port) {
    handle_t self = task_self();
    if (self < 0)
        return self;
    handle_t notify = handle_dup(self, RIGHT_NOTIFY, 0);
    handle_close(self);
    if (notify < 0)
        return notify;
    struct message m = {.type = CONSOLE_ATTACH_MSG | MSG_HANDLE_MOVE,
                        .handle = notify};
    m.words[0] = port;
    error_t err = call(console, &m);
    if (err && handle_info(notify, &(struct handle_info){0}) == OK)
        handle_close(notify); /* never reached the console */
    return err;
}

error_t console_detach(handle_t console, int port) {
    struct message m = {.type = CONSOLE_DETACH_MSG};
    m.words[0] = port;
    return call(console, &m);
}

static error_t write_text(handle_t console, int port, const char *text,
                          size_t len, uint64_t flags) {
    struct message m = {.type = CONSOLE_WRITE_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) text,
                        .ool_len = len};
    m.words[0] = port;
    m.words[1] = flags;
    return call(console, &m);
}

error_t console_write(handle_t console, int port, const char *text,
                      size_t len) {
    return write_text(console, port, text, len, 0);
}

error_t console_write_keep(handle_t console, int port, const char *text,
                           size_t len) {
    return write_text(console, port, text, len, CONSOLE_WRITE_KEEP);
}

handle_t console_lend(handle_t console, int port, uint64_t rights,
                      uint64_t *lease) {
    struct message m = {.type = CONSOLE_LEND_MSG};
    m.words[0] = port;
    m.words[1] = rights;
    error_t err = ipc_call_handle(console, &m);
    if (!err)
        err = m.words[0];
    if (err) {
        if (m.handle > 0)
            handle_close(m.handle);
        return err;
    }
    *lease = m.words[1];
    return m.handle;
}

error_t console_revoke(handle_t console, int port, uint64_t lease) {
    struct message m = {.type = CONSOLE_REVOKE_MSG};
    m.words[0] = port;
    m.words[1] = lease;
    return call(console, &m);
}

error_t console_status(handle_t console, int port, uint64_t *queued,
                       uint64_t *lost) {
    struct message m = {.type = CONSOLE_STATUS_MSG};
    m.words[0] = port;
    error_t err = call(console, &m);
    if (!err) {
        *queued = m.words[1];
        *lost = m.words[2];
    }
    return err;
}

int console_printf(handle_t console, int port, const char *fmt, ...) {
    char buf[CONSOLE_WRITE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (len >= (int) sizeof(buf))
        len = sizeof(buf) - 1;
    error_t err = console_write(console, port, buf, len);
    return err ? err : len;
}

int console_read(handle_t console, int port, char *buf, size_t len) {
    if (len == 0)
        return ERR_INVALID_ARG;
    struct message m = {.type = CONSOLE_READ_MSG,
                        .ool_ptr = (uint64_t) buf,
                        .ool_len = len - 1};
    m.words[0] = port;
    error_t err = call_into(console, &m);
    if (err)
        return err;
    buf[m.ool_len] = '\0';
    return m.ool_len;
}
