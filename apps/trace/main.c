/*
 * trace: drain the kernel trace (CONFIG_TRACE) to QEMU's debug console
 * port (isa-debugcon at DEBUGCON_PORT), as the stream tools/trace.py
 * reads (<trace.h>). It starts with a snapshot (who is who) and copies
 * the ring every PERIOD_MS. When recording is switched off (the shell's
 * `trace stop`, which takes a last snapshot first) it copies what is
 * left, ends the stream and exits.
 *
 * The debug console never drops a byte: QEMU writes each one out before
 * the instruction completes. A UART would need flow control, and the four
 * COM ports are the console's terminals.
 */
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <stdbool.h>
#include <string.h>
#include <trace.h>

#define DEBUGCON_PORT 0xe9
#define PERIOD_MS 20
#define BATCH 128 /* events per read */

static handle_t port;

static void out_bytes(const void *data, size_t len) {
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        io_out(port, DEBUGCON_PORT, 1, p[i]);
}

/* Copy every unread event out; returns how many, or an error. */
static int64_t drain(handle_t trace) {
    static struct trace_event buf[BATCH];
    int64_t total = 0, n;
    while ((n = trace_op(trace, TRACE_OP_READ, buf, BATCH)) > 0) {
        out_bytes(buf, (size_t) n * sizeof(buf[0]));
        total += n;
    }
    return n < 0 ? n : total;
}

static bool recording(handle_t trace, uint64_t *lost) {
    struct trace_status st;
    if (trace_op(trace, TRACE_OP_STATUS, &st, 0) != OK)
        return false;
    *lost = st.lost;
    return st.enabled;
}

static handle_t open_port(void) {
    handle_t all = startup_handle(TAG_IOPORT);
    if (all <= 0)
        return all;
    handle_t h = handle_narrow(all, DEBUGCON_PORT, 1); /* that, nothing else */
    handle_close(all);
    return h;
}

int main(void) {
    handle_t trace = startup_handle(TAG_TRACE);
    port = open_port();
    if (trace <= 0 || port <= 0) {
        printf("trace: needs the trace and I/O-port capabilities\n");
        return 1;
    }
    error_t err = trace_op(trace, TRACE_OP_SNAPSHOT, NULL, 0);
    if (err) {
        printf("trace: %s\n", err_str(err));
        return 1;
    }
    out_bytes(TRACE_STREAM_MAGIC, strlen(TRACE_STREAM_MAGIC));
    uint64_t written = 0, lost = 0;
    for (;;) {
        bool last = !recording(trace, &lost); /* nothing comes after this */
        int64_t n = drain(trace);
        if (n < 0) {
            printf("trace: reading the ring: %s\n", err_str((error_t) n));
            return 1;
        }
        written += (uint64_t) n;
        if (last)
            break;
        sleep_ms(PERIOD_MS);
    }
    struct trace_event end = {.kind = TRACE_STREAM_END,
                              .a = (uint32_t) written,
                              .b = (uint32_t) (written >> 32)};
    out_bytes(&end, sizeof(end));
    printf("trace: %lu events written, %lu lost (the ring overtook us)\n",
           written, lost);
    return 0;
}
