/* The async library's queue, on the host under ASan/UBSan. */
#include <resea/async_queue.h>
#include <string.h>
#include "check.h"

#define LIMIT 8

static _Alignas(8) uint8_t buf[512];
static struct async_done done[LIMIT];
static struct async_queue q;

static struct {
    int calls;
    error_t last;
    intptr_t order[64];
} seen;

static void on_done(error_t status, void *arg) {
    if (seen.calls < 64)
        seen.order[seen.calls] = (intptr_t) arg;
    seen.calls++;
    seen.last = status;
}

static void setup(size_t size) {
    memset(&seen, 0, sizeof(seen));
    CHECK_ERR(aq_init(&q, buf, size, done, LIMIT), OK);
}

static error_t push_u32(uint32_t v, intptr_t tag) {
    struct async_iov iov = {&v, sizeof(v)};
    return aq_push(&q, 100 + (int32_t) v, &iov, 1, on_done, (void *) tag);
}

/* Take every released message and check their values in order. */
static uint32_t take_all(uint32_t first_value) {
    const void *data;
    uint32_t bytes;
    uint32_t n = aq_peek(&q, sizeof(buf), LIMIT, &data, &bytes);
    size_t pos = 0;
    const struct async_record *r;
    uint32_t i = 0;
    while ((r = aq_next_record(data, bytes, &pos))) {
        uint32_t v;
        memcpy(&v, r->data, sizeof(v));
        CHECK_INT_EQ(v, first_value + i);
        CHECK_INT_EQ(r->type, 100 + (int32_t) v);
        i++;
    }
    CHECK_INT_EQ(i, n);
    aq_consume(&q, n, bytes, OK);
    return n;
}

TEST(async_queue_init_rejects_bad_arguments) {
    CHECK_ERR(aq_init(&q, NULL, 64, done, 4), ERR_INVALID_ARG);
    CHECK_ERR(aq_init(&q, buf + 1, 64, done, 4), ERR_INVALID_ARG);
    CHECK_ERR(aq_init(&q, buf, 64, NULL, 4), ERR_INVALID_ARG);
    CHECK_ERR(aq_init(&q, buf, 64, done, 0), ERR_INVALID_ARG);
    CHECK_ERR(aq_init(&q, buf, 4, done, 4), ERR_INVALID_ARG);
}

TEST(async_queue_fifo_order_and_completions) {
    setup(sizeof(buf));
    for (uint32_t i = 0; i < 5; i++)
        CHECK_ERR(push_u32(i, i), OK);
    const void *data;
    uint32_t bytes;
    CHECK_INT_EQ(aq_peek(&q, sizeof(buf), LIMIT, &data, &bytes), 0);
    aq_release_all(&q);
    CHECK_INT_EQ(take_all(0), 5);
    CHECK_INT_EQ(seen.calls, 5);
    for (int i = 0; i < 5; i++)
        CHECK_INT_EQ(seen.order[i], i);
    CHECK_ERR(seen.last, OK);
    CHECK_INT_EQ(q.count, 0);
    CHECK_INT_EQ(q.head, 0);
    CHECK_INT_EQ(q.tail, 0);
}

TEST(async_queue_full_by_count_changes_nothing) {
    setup(sizeof(buf));
    for (uint32_t i = 0; i < LIMIT; i++)
        CHECK_ERR(push_u32(i, i), OK);
    uint32_t tail = q.tail;
    CHECK_ERR(push_u32(99, 99), ERR_FULL);
    CHECK_INT_EQ(q.count, LIMIT);
    CHECK_INT_EQ(q.tail, tail);
    aq_release_all(&q);
    CHECK_INT_EQ(take_all(0), LIMIT); /* nothing queued was lost */
}

TEST(async_queue_full_by_bytes) {
    setup(64); /* room for 2 records of 24 bytes */
    uint8_t payload[16] = {0};
    struct async_iov iov = {payload, sizeof(payload)};
    CHECK_ERR(aq_push(&q, 1, &iov, 1, NULL, NULL), OK);
    CHECK_ERR(aq_push(&q, 1, &iov, 1, NULL, NULL), OK);
    CHECK_ERR(aq_push(&q, 1, &iov, 1, NULL, NULL), ERR_FULL);
    CHECK_INT_EQ(q.count, 2);
}

TEST(async_queue_space_is_reclaimed) {
    setup(64);
    uint8_t payload[16] = {0};
    struct async_iov iov = {payload, sizeof(payload)};
    for (int round = 0; round < 100; round++) {
        CHECK_ERR(aq_push(&q, round, &iov, 1, NULL, NULL), OK);
        CHECK_ERR(aq_push(&q, round, &iov, 1, NULL, NULL), OK);
        aq_release_all(&q);
        const void *data;
        uint32_t bytes;
        /* take one of two: the other slides down on the next push */
        CHECK_INT_EQ(aq_peek(&q, 64, 1, &data, &bytes), 1);
        aq_consume(&q, 1, bytes, OK);
        CHECK_INT_EQ(aq_peek(&q, 64, 1, &data, &bytes), 1);
        aq_consume(&q, 1, bytes, OK);
    }
    CHECK_INT_EQ(q.count, 0);
}

TEST(async_queue_sliding_keeps_order) {
    setup(96);
    for (uint32_t i = 0; i < 3; i++)
        CHECK_ERR(push_u32(i, i), OK); /* 16 bytes each */
    aq_release_all(&q);
    const void *data;
    uint32_t bytes;
    CHECK_INT_EQ(aq_peek(&q, 96, 2, &data, &bytes), 2);
    aq_consume(&q, 2, bytes, OK);
    for (uint32_t i = 3; i < 7; i++)
        CHECK_ERR(push_u32(i, i), OK); /* forces a slide */
    aq_release_all(&q);
    CHECK_INT_EQ(take_all(2), 5);
}

TEST(async_queue_batch_limits) {
    setup(sizeof(buf));
    for (uint32_t i = 0; i < 6; i++)
        CHECK_ERR(push_u32(i, i), OK);
    aq_release_all(&q);
    const void *data;
    uint32_t bytes;
    CHECK_INT_EQ(aq_peek(&q, sizeof(buf), 4, &data, &bytes), 4);
    CHECK_INT_EQ(bytes, 4 * aq_record_size(4));
    CHECK_INT_EQ(aq_peek(&q, 2 * aq_record_size(4) + 7, LIMIT, &data, &bytes),
                 2);
    CHECK_INT_EQ(aq_peek(&q, 7, LIMIT, &data, &bytes), 0);
}

TEST(async_queue_only_released_messages_leave) {
    setup(sizeof(buf));
    CHECK_ERR(push_u32(0, 0), OK);
    CHECK_ERR(push_u32(1, 1), OK);
    aq_release_all(&q);
    CHECK_ERR(push_u32(2, 2), OK);
    CHECK_INT_EQ(aq_unreleased(&q), 1);
    CHECK_INT_EQ(take_all(0), 2);
    CHECK_INT_EQ(q.count, 1);
    aq_release_all(&q);
    CHECK_INT_EQ(take_all(2), 1);
}

TEST(async_queue_gather) {
    setup(sizeof(buf));
    const char a[] = "head-", b[] = "body-", c[] = "tail";
    struct async_iov iov[3] = {{a, 5}, {b, 5}, {c, 4}};
    CHECK_ERR(aq_push(&q, 7, iov, 3, NULL, NULL), OK);
    aq_release_all(&q);
    const void *data;
    uint32_t bytes;
    CHECK_INT_EQ(aq_peek(&q, sizeof(buf), LIMIT, &data, &bytes), 1);
    size_t pos = 0;
    const struct async_record *r = aq_next_record(data, bytes, &pos);
    CHECK(r != NULL);
    CHECK_INT_EQ(r->len, 14);
    CHECK(!memcmp(r->data, "head-body-tail", 14));
    CHECK_INT_EQ(r->data[14], 0); /* padding is zeroed */
}

TEST(async_queue_too_large) {
    setup(sizeof(buf));
    static uint8_t big[ASYNC_MSG_MAX + 1];
    struct async_iov iov = {big, sizeof(big)};
    CHECK_ERR(aq_push(&q, 1, &iov, 1, NULL, NULL), ERR_TOO_LARGE);
    struct async_iov halves[2] = {{big, ASYNC_MSG_MAX / 2 + 1},
                                  {big, ASYNC_MSG_MAX / 2}};
    CHECK_ERR(aq_push(&q, 1, halves, 2, NULL, NULL), ERR_TOO_LARGE);
    struct async_iov null_piece = {NULL, 4};
    CHECK_ERR(aq_push(&q, 1, &null_piece, 1, NULL, NULL), ERR_INVALID_ARG);
    CHECK_INT_EQ(q.count, 0);
}

TEST(async_queue_fail_all_reports_every_message) {
    setup(sizeof(buf));
    for (uint32_t i = 0; i < 5; i++)
        CHECK_ERR(push_u32(i, i), OK);
    aq_fail_all(&q, ERR_ABORTED);
    CHECK_INT_EQ(seen.calls, 5);
    CHECK_ERR(seen.last, ERR_ABORTED);
    CHECK_INT_EQ(q.count, 0);
    CHECK_INT_EQ(q.released, 0);
}

static void push_from_callback(error_t status, void *arg) {
    (void) status;
    (void) arg;
    seen.calls++;
    if (seen.calls == 1)
        push_u32(50, 50);
}

TEST(async_queue_callback_may_queue_more) {
    setup(sizeof(buf));
    for (uint32_t i = 0; i < LIMIT; i++) {
        struct async_iov iov = {&i, sizeof(i)};
        CHECK_ERR(aq_push(&q, 1, &iov, 1, push_from_callback, NULL), OK);
    }
    aq_release_all(&q);
    const void *data;
    uint32_t bytes;
    uint32_t n = aq_peek(&q, sizeof(buf), LIMIT, &data, &bytes);
    aq_consume(&q, n, bytes, OK);
    CHECK_INT_EQ(q.count, 1); /* the one queued from the first callback */
    CHECK_INT_EQ(seen.calls, LIMIT);
    aq_release_all(&q);
    memset(&seen, 0, sizeof(seen));
    CHECK_INT_EQ(take_all(50), 1);
    CHECK_INT_EQ(seen.order[0], 50);
}

TEST(async_queue_malformed_batches) {
    _Alignas(8) uint8_t batch[64] = {0};
    struct async_record *r = (struct async_record *) batch;
    size_t pos = 0;
    r->len = 1000; /* claims more than the batch holds */
    CHECK(aq_next_record(batch, sizeof(batch), &pos) == NULL);
    r->len = ASYNC_MSG_MAX + 8;
    CHECK(aq_next_record(batch, 4096, &pos) == NULL);
    r->len = 8;
    CHECK(aq_next_record(batch, 4, &pos) == NULL); /* a cut header */
    CHECK(aq_next_record(batch, 16, &pos) != NULL);
    CHECK_INT_EQ(pos, 16);
    CHECK(aq_next_record(batch, 16, &pos) == NULL);
}

TEST(async_queue_random_operations) {
    /* Random pushes, releases and takes against a simple model. */
    uint64_t rng = 42;
    setup(200);
    uint32_t next_push = 0, next_take = 0;
    for (int step = 0; step < 20000; step++) {
        switch (test_rand(&rng) % 3) {
        case 0:
            if (push_u32(next_push, 0) == OK)
                next_push++;
            else
                CHECK(q.count == LIMIT || q.buf_size - (q.tail - q.head) < 16);
            break;
        case 1:
            aq_release_all(&q);
            break;
        default:
            next_take += take_all(next_take);
        }
        CHECK_INT_EQ(q.count, next_push - next_take);
        CHECK(q.head <= q.tail && q.tail <= q.buf_size);
    }
}

TEST(async_queue_empty_message_keeps_its_type) {
    setup(sizeof(buf));
    CHECK_ERR(aq_push(&q, 1234, NULL, 0, NULL, NULL), OK);
    aq_release_all(&q);
    const void *data;
    uint32_t bytes;
    CHECK_INT_EQ(aq_peek(&q, sizeof(buf), LIMIT, &data, &bytes), 1);
    size_t pos = 0;
    const struct async_record *r = aq_next_record(data, bytes, &pos);
    CHECK(r != NULL);
    CHECK_INT_EQ(r->type, 1234);
    CHECK_INT_EQ(r->len, 0);
}
