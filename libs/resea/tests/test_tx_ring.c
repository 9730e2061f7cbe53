/* A terminal's output queue (libs/resea/tx_ring.c), on the host. */
#include <resea/tx_ring.h>
#include <string.h>
#include "check.h"

static struct tx_ring ring;

/* Everything queued, as the terminal would get it. */
static const char *drain(struct tx_ring *r) {
    static char out[TX_RING + 1];
    size_t n = 0;
    char c;
    while (tx_pop(r, &c))
        out[n++] = c;
    out[n] = '\0';
    return out;
}

/* Fill the ring with lines of 99 characters and "\n" (101 bytes). */
static int fill(struct tx_ring *r) {
    char line[100];
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    int lines = 0;
    while (tx_put(r, line, sizeof(line)))
        lines++;
    return lines;
}

TEST(tx_newline_becomes_crlf) {
    tx_init(&ring);
    CHECK(tx_put(&ring, "a\nb\n", 4));
    CHECK_STR_EQ(drain(&ring), "a\r\nb\r\n");
}

TEST(tx_a_write_that_does_not_fit_queues_nothing) {
    tx_init(&ring);
    int lines = fill(&ring);
    CHECK_INT_EQ(lines, TX_RING / 101);
    unsigned before = ring.count;
    CHECK(!tx_put(&ring, "0123456789\n", 11));
    CHECK_INT_EQ(ring.count, before);
    CHECK_INT_EQ(ring.lost, 0); /* refused, not yet counted */
    tx_lose(&ring, "0123456789\n", 11);
    CHECK_INT_EQ(ring.lost, 11);
}

TEST(tx_lost_text_is_reported_once_drained) {
    tx_init(&ring);
    fill(&ring);
    tx_lose(&ring, "\xc3\xa9t\xc3\xa9", 5); /* "été": 3 characters */
    char c;
    while (ring.count > TX_LOW_WATER + 1)
        tx_pop(&ring, &c);
    CHECK(!tx_drained(&ring)); /* not yet */
    tx_pop(&ring, &c);
    CHECK(tx_drained(&ring)); /* fill() was refused its last line */
    const char *out = drain(&ring);
    CHECK(strstr(out, "\r\n(3 characters lost)\r\n") != NULL);
    CHECK_INT_EQ(ring.lost, 0);
    CHECK(!tx_drained(&ring));
    CHECK_STR_EQ(drain(&ring), ""); /* said once */
}

TEST(tx_notice_goes_where_the_text_was_lost) {
    tx_init(&ring);
    CHECK(tx_put(&ring, "prompt> ", 8));
    ring.lost = 1;
    CHECK(tx_put(&ring, "next\n", 5));
    CHECK_STR_EQ(drain(&ring), "prompt> \r\n(1 character lost)\r\nnext\r\n");
}

TEST(tx_refused_writers_are_told_at_low_water) {
    tx_init(&ring);
    fill(&ring); /* refused its last line: that writer will retry */
    CHECK(!tx_drained(&ring)); /* still full */
    char c;
    while (ring.count > TX_LOW_WATER)
        tx_pop(&ring, &c);
    CHECK(tx_drained(&ring));
    CHECK(!tx_drained(&ring)); /* once */
    char big[CONSOLE_WRITE_MAX];
    memset(big, '\n', sizeof(big)); /* the most a write can take */
    CHECK(tx_put(&ring, big, sizeof(big)));
}
