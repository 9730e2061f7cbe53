#pragma once
#include <error.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A bounded queue of variable-length records, the sender's side of an
 * asynchronous connection. Pure C (no system calls), so the host tests
 * cover it under AddressSanitizer.
 *
 * Records are packed into one byte buffer: [head, tail) holds them in
 * order; a pull takes a contiguous prefix, so a batch goes out as one
 * out-of-line buffer with no copy. Space freed at the front is reclaimed
 * by sliding the live records down when the end is reached.
 *
 * Messages are queued, then released (by a count, a time or a flush);
 * only released messages can be taken. Each message may carry a
 * completion callback, run once: with OK when delivered, or an error.
 */
#define ASYNC_MSG_MAX 1024 /* payload bytes of one message */

struct async_record {
    int32_t type;
    uint32_t len; /* payload bytes; the record is padded to 8 */
    uint8_t data[];
};

typedef void (*async_done_fn)(error_t status, void *arg);

struct async_done {
    async_done_fn fn;
    void *arg;
};

struct async_queue {
    uint8_t *buf;
    uint32_t buf_size;
    uint32_t head, tail;     /* byte offsets of the live records */
    uint32_t count;          /* messages queued */
    uint32_t limit;          /* at most this many queued */
    uint32_t released;       /* the first `released` messages may be taken */
    struct async_done *done; /* `limit` slots, a ring in queue order */
    uint32_t done_head;
};

/* One piece of a gathered message. */
struct async_iov {
    const void *base;
    size_t len;
};

/* buf must be 8-byte aligned; done must have room for limit entries. */
error_t aq_init(struct async_queue *q, void *buf, size_t buf_size,
                struct async_done *done, uint32_t limit);
/* Append one message assembled from the pieces. ERR_FULL when the count
 * or the bytes would exceed the bounds; ERR_TOO_LARGE past ASYNC_MSG_MAX.
 * Nothing is changed on error. */
error_t aq_push(struct async_queue *q, int32_t type,
                const struct async_iov *iov, int iovcnt, async_done_fn fn,
                void *arg);
static inline uint32_t aq_unreleased(const struct async_queue *q) {
    return q->count - q->released;
}
static inline void aq_release_all(struct async_queue *q) {
    q->released = q->count;
}
/* The longest prefix of released records within max_bytes and max_msgs:
 * sets *data and *bytes, returns the number of messages (0: none). */
uint32_t aq_peek(const struct async_queue *q, uint32_t max_bytes,
                 uint32_t max_msgs, const void **data, uint32_t *bytes);
/* Remove the first n messages (bytes long) and run their completions. */
void aq_consume(struct async_queue *q, uint32_t n, uint32_t bytes,
                error_t status);
/* Drop everything; every completion runs with err. */
void aq_fail_all(struct async_queue *q, error_t err);

/* Walk the records of a batch: *pos starts at 0; NULL at the end or on a
 * malformed record (the batch comes from another task). */
const struct async_record *aq_next_record(const void *batch, size_t bytes,
                                          size_t *pos);
static inline size_t aq_record_size(uint32_t len) {
    return (sizeof(struct async_record) + len + 7) & ~(size_t) 7;
}
