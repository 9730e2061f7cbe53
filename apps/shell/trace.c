/*
 * `trace status|start|stop`: the kernel trace (docs/trace.md) through the
 * trace capability init gives the shell. `stop` takes a snapshot (the
 * clock and who is who) before it switches recording off, so that the
 * trace task, which ends its stream when recording stops, ends it whole.
 */
#include "shell.h"
#include <string.h>
#include <trace.h>

static void show_status(struct shell *sh, handle_t trace) {
    struct trace_status st;
    error_t err = trace_op(trace, TRACE_OP_STATUS, &st, 0);
    if (err) {
        say(sh, "trace: %s\n", err_str(err));
        return;
    }
    say(sh,
        "trace: %s; %lu events recorded, %lu unread, %lu lost; the ring "
        "holds %u\n",
        st.enabled ? "recording" : "stopped", st.recorded, st.unread, st.lost,
        st.capacity);
}

void cmd_trace(struct shell *sh, const char *what) {
    handle_t trace = sh->caps.trace;
    error_t err = OK;
    if (trace <= 0) {
        say(sh, "trace: this shell holds no trace capability\n");
        return;
    }
    if (!strcmp(what, "status")) {
        show_status(sh, trace);
        return;
    }
    if (!strcmp(what, "stop")) {
        err = trace_op(trace, TRACE_OP_SNAPSHOT, NULL, 0);
        if (!err)
            err = trace_op(trace, TRACE_OP_ENABLE, NULL, 0);
    } else if (!strcmp(what, "start")) {
        err = trace_op(trace, TRACE_OP_ENABLE, NULL, 1);
    } else {
        say(sh, "usage: trace <status|start|stop>\n");
        return;
    }
    if (err == ERR_UNSUPPORTED)
        say(sh, "trace: this kernel is built without CONFIG_TRACE (make "
                "trace builds one)\n");
    else if (err)
        say(sh, "trace: %s\n", err_str(err));
    else
        show_status(sh, trace);
}
