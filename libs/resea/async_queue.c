#include <resea/async_queue.h>
#include <stdbool.h>
#include <string.h>

error_t aq_init(struct async_queue *q, void *buf, size_t buf_size,
                struct async_done *done, uint32_t limit) {
    if (!buf || ((uintptr_t) buf % 8) || buf_size < aq_record_size(0) ||
        buf_size > UINT32_MAX || !done || limit == 0)
        return ERR_INVALID_ARG;
    *q = (struct async_queue){
        .buf = buf, .buf_size = buf_size, .limit = limit, .done = done};
    return OK;
}

/* Make room for `need` bytes at the tail, sliding records down if the
 * space freed at the front is what is missing. */
static bool make_room(struct async_queue *q, uint32_t need) {
    if (q->buf_size - q->tail >= need)
        return true;
    if (q->buf_size - (q->tail - q->head) < need)
        return false;
    memmove(q->buf, q->buf + q->head, q->tail - q->head);
    q->tail -= q->head;
    q->head = 0;
    return true;
}

error_t aq_push(struct async_queue *q, int32_t type,
                const struct async_iov *iov, int iovcnt, async_done_fn fn,
                void *arg) {
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].len > ASYNC_MSG_MAX || (iov[i].len && !iov[i].base))
            return iov[i].len > ASYNC_MSG_MAX ? ERR_TOO_LARGE : ERR_INVALID_ARG;
        len += iov[i].len;
    }
    if (len > ASYNC_MSG_MAX)
        return ERR_TOO_LARGE;
    uint32_t size = aq_record_size(len);
    if (q->count == q->limit || !make_room(q, size))
        return ERR_FULL;

    struct async_record *r = (struct async_record *) (q->buf + q->tail);
    /* Zero the last word first: the padding then leaks no stale bytes
     * (for an empty message that word is the header, written next). */
    *(uint64_t *) (q->buf + q->tail + size - 8) = 0;
    r->type = type;
    r->len = len;
    uint8_t *p = r->data;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].len)
            memcpy(p, iov[i].base, iov[i].len);
        p += iov[i].len;
    }
    q->tail += size;
    uint32_t slot = q->done_head + q->count;
    q->done[slot < q->limit ? slot : slot - q->limit] =
        (struct async_done){fn, arg};
    q->count++;
    return OK;
}

uint32_t aq_peek(const struct async_queue *q, uint32_t max_bytes,
                 uint32_t max_msgs, const void **data, uint32_t *bytes) {
    uint32_t n = 0, off = q->head;
    while (n < q->released && n < max_msgs) {
        const struct async_record *r =
            (const struct async_record *) (q->buf + off);
        uint32_t size = aq_record_size(r->len);
        if (off + size - q->head > max_bytes)
            break;
        off += size;
        n++;
    }
    *data = q->buf + q->head;
    *bytes = off - q->head;
    return n;
}

void aq_consume(struct async_queue *q, uint32_t n, uint32_t bytes,
                error_t status) {
    q->head += bytes;
    if (q->head == q->tail)
        q->head = q->tail = 0; /* empty: start again from the front */
    /* One message at a time, so a callback may queue new ones. */
    for (uint32_t i = 0; i < n; i++) {
        struct async_done d = q->done[q->done_head];
        if (++q->done_head == q->limit)
            q->done_head = 0;
        q->count--;
        q->released--;
        if (d.fn)
            d.fn(status, d.arg);
    }
}

void aq_fail_all(struct async_queue *q, error_t err) {
    uint32_t n = q->count;
    q->released = n;
    aq_consume(q, n, q->tail - q->head, err);
}

const struct async_record *aq_next_record(const void *batch, size_t bytes,
                                          size_t *pos) {
    if (*pos + sizeof(struct async_record) > bytes)
        return NULL;
    const struct async_record *r =
        (const struct async_record *) ((const uint8_t *) batch + *pos);
    if (r->len > ASYNC_MSG_MAX || aq_record_size(r->len) > bytes - *pos)
        return NULL;
    *pos += aq_record_size(r->len);
    return r;
}
