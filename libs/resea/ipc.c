#include <resea/ipc.h>
#include <resea/malloc.h>
#include <resea/printf.h>
#include <stdbool.h>

#ifndef CONFIG_OOL_BUFFER_KIB
#define CONFIG_OOL_BUFFER_KIB 16
#endif
#define OOL_BUFFER_SIZE (CONFIG_OOL_BUFFER_KIB * 1024u)

/* The out-of-line buffer the library registered for us, until a message
 * lands in it and it becomes the receiver's. */
static void *ool_buffer;
/* The last one handed to the receiver, which discard_unknown_message may
 * free: never a buffer the task registered itself. */
static void *ool_handed;
/* Until the task registers a buffer of its own (ipc_ool_buffer). */
static bool ool_by_library = true;

/* Register a fresh buffer; without memory, out-of-line data sent to us is
 * refused (ERR_TOO_LARGE to its sender) until a receive finds some. */
static void ool_arm(void) {
    ool_buffer = malloc(OOL_BUFFER_SIZE);
    if (ool_buffer && sys_ipc_ool_buffer(ool_buffer, OOL_BUFFER_SIZE) != OK) {
        free(ool_buffer);
        ool_buffer = NULL;
    }
}

void ipc_init(void) { ool_arm(); }

error_t ipc_ool_buffer(void *buf, size_t len) {
    error_t err = sys_ipc_ool_buffer(buf, len);
    if (err == OK) { /* ours is not needed any more */
        ool_by_library = false;
        free(ool_buffer);
        ool_buffer = NULL;
    }
    return err;
}

error_t ipc_received(struct message *m) {
    if (m->type < 0)
        return m->type; /* an error reply (ipc_reply_err) */
    if (!ool_by_library)
        return OK;
    if (ool_buffer && m->ool_ptr == (uint64_t) ool_buffer) {
        ool_handed = ool_buffer; /* the receiver's now */
        ool_arm();
    } else if (!ool_buffer) {
        ool_arm(); /* after a failed allocation: try again */
    }
    return OK;
}

error_t(ipc_send_err)(handle_t dst, error_t error) {
    struct message m = {.type = error};
    return ipc_send(dst, &m);
}

error_t ipc_reply_err(task_t dst, error_t error) {
    struct message m = {.type = error};
    return ipc_reply(dst, &m);
}

void discard_unknown_message(struct message *m) {
    if (m->type < 0)
        return;
    printf("warning: discarding an unknown message (type %#x) from #%u\n",
           (unsigned) m->type, m->src);
    if ((m->type & (MSG_HANDLE_MOVE | MSG_HANDLE_COPY)) && m->handle > 0)
        handle_close(msg_take_handle(m));
    if ((m->type & MSG_OOL) && ool_handed &&
        m->ool_ptr == (uint64_t) ool_handed) {
        free(ool_handed);
        ool_handed = NULL;
    }
    m->ool_ptr = 0;
    if (m->src)
        ipc_reply_err(m->src, ERR_UNKNOWN_MESSAGE); /* if it called */
}
