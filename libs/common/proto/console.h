#pragma once
#include <message.h> /* <idl.h>: BADGE_LOOKUP_END */
#include <stdint.h>

/*
 * The console server's protocol (servers/console). All requests are calls;
 * the reply's words[0] is an error_t. A port is 0..CONSOLE_PORTS-1
 * (COM1..COM4), or CONSOLE_HANDLE_PORT: the port the handle is for.
 * Every request must come through a handle for the port it names:
 * ERR_NOT_PERMITTED otherwise, as through a handle from
 * ipc_lookup("console"). ERR_INVALID_ARG: no such port.
 *
 * Two kinds of handle reach a port. Its owner's, badged
 * CONSOLE_PORT_BADGE(n), which whoever started the console minted (init
 * gives shell copy n port n): it can do everything below. And leases,
 * which the console mints for the owner (CONSOLE_LEND_MSG), each with the
 * rights it was lent with (CONSOLE_LEASE_*), until the owner revokes it:
 * after that every request through it is ERR_NOT_PERMITTED. A lease
 * cannot lend.
 *
 * CONSOLE_ATTACH_MSG  words[0] = port; moves a handle to the caller with
 *                     RIGHT_NOTIFY. The caller becomes the port's reader
 *                     (the last attached reads; when it ends, detaches or
 *                     its lease is revoked, the one before reads again)
 *                     and gets NOTIFY_CONSOLE_INPUT when a line is
 *                     complete, and NOTIFY_CONSOLE_INTERRUPT for a Ctrl-C
 *                     typed while the reader above it reads (or while it
 *                     is alone). Needs CONSOLE_LEASE_READ.
 * CONSOLE_DETACH_MSG  words[0] = port. Needs CONSOLE_LEASE_READ.
 * CONSOLE_READ_MSG    words[0] = port; MSG_REPLY_BUF of CONSOLE_LINE_MAX
 *                     bytes. Reply: the line out of line, without its end
 *                     of line; ERR_EMPTY when none waits; ERR_EOF for a
 *                     Ctrl-D typed on an empty line, in its place among
 *                     the lines. Only the port's reader may read. Needs
 *                     CONSOLE_LEASE_READ.
 * CONSOLE_WRITE_MSG   words[0] = port, words[1] = flags (CONSOLE_WRITE_*);
 *                     the text out of line (MSG_OOL), at most
 *                     CONSOLE_WRITE_MAX bytes. "\n" becomes "\r\n". The
 *                     line being edited is hidden while the text is
 *                     written and shown again after it, with the prompt.
 *                     All or nothing: text that does not fit in the port's
 *                     output ring (with the editor's redraw around it) is
 *                     not queued at all, and the reply is ERR_FULL. The
 *                     console counts refused text as lost and, once the
 *                     port has drained, shows "(N characters lost)" on the
 *                     terminal, where the text would have been. With
 *                     CONSOLE_WRITE_KEEP the writer keeps the text to
 *                     write it again: it is not counted, and if the writer
 *                     is a reader of the port, it gets
 *                     NOTIFY_CONSOLE_WRITABLE once the port has drained to
 *                     TX_LOW_WATER (2048 bytes queued), when any one write
 *                     fits. A writer that is not a reader (a write-only
 *                     lease) is not told: it retries on a timer. Needs
 *                     CONSOLE_LEASE_WRITE.
 * CONSOLE_LEND_MSG    words[0] = port, words[1] = rights (CONSOLE_LEASE_*).
 *                     The port's owner only. Reply with a handle moved
 *                     (call with ipc_call_handle): a new handle to the
 *                     console for that lease, and words[1] = the lease's
 *                     id, to revoke it. ERR_FULL: the port has
 *                     CONSOLE_LEASES (8) leases already.
 * CONSOLE_REVOKE_MSG  words[0] = port, words[1] = a lease id, or
 *                     CONSOLE_LEASE_ALL. The port's owner only. Ends the
 *                     lease: a reader attached through it is removed.
 *                     ERR_NOT_FOUND: no such lease (it was revoked).
 * CONSOLE_STATUS_MSG  words[0] = port. Reply words[1] = bytes of output
 *                     queued, words[2] = characters lost not yet
 *                     reported, words[3] = the ring's size.
 *
 * Cooked mode: the console edits the line (resea/line.h; the keys are in
 * docs/architecture.md, "Line editing") and delivers it when it ends
 * (carriage return, line feed, or CR LF), as valid UTF-8 without its end
 * of line. It may hold tab and C1 controls (U+0080..U+009F), which the
 * editor shows visibly: the reader decides what it accepts. Other
 * control characters, ESC sequences and bytes that are not UTF-8 never
 * reach it (the editor refuses them with a bell or, for keys it does not
 * have, swallows them). A line is at most CONSOLE_LINE_MAX - 1 bytes and is
 * never split: once a character is refused for want of room, the line is
 * refused whole when it ends, and the terminal says so. Each reader has
 * its own history (up and down). Ctrl-C drops the line being typed and
 * the lines its reader has not read; the reader that lent the terminal
 * (below the top) is told.
 */
#define CONSOLE_NAME "console" /* what the console registers */
/* The badge of a handle to the console for port n, minted by whoever
 * started the console (init gives shell copy i port i). Lease badges are
 * the console's own, from CONSOLE_PORT_BADGE(CONSOLE_PORTS) up. */
#define CONSOLE_PORT_BADGE(n) (BADGE_LOOKUP_END + (uint64_t) (n))
#define CONSOLE_PORTS 4
#define CONSOLE_HANDLE_PORT (-1) /* words[0]: the port of this handle */
#define CONSOLE_WRITE_MAX 1024
#define CONSOLE_LINES_QUEUED 8 /* lines kept per port until read */
#define CONSOLE_WRITE_KEEP 1   /* words[1] of a write: I will retry */
#define CONSOLE_LEASE_WRITE 1  /* a lease's rights: write */
#define CONSOLE_LEASE_READ 2   /* attach, read, detach */
#define CONSOLE_LEASES 8       /* live leases per port */
#define CONSOLE_LEASE_ALL 0    /* revoke: every lease of the port */
