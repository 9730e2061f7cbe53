/* The console's line discipline, on the host. */
#include <resea/line.h>
#include <string.h>
#include "check.h"

/* Feed a string; return the finished line (or NULL) and the echo. */
static const char *feed(struct line *l, const char *in, char *echo) {
    const char *done = NULL;
    echo[0] = '\0';
    for (; *in; in++) {
        struct line_result r = line_input(l, *in);
        strncat(echo, r.echo, r.echo_len);
        if (r.done) {
            done = l->buf;
            break;
        }
    }
    return done;
}

TEST(line_plain_input_is_echoed) {
    struct line l = {0};
    char echo[512];
    const char *done = feed(&l, "hello\r", echo);
    CHECK(done != NULL);
    CHECK_STR_EQ(done, "hello");
    CHECK_STR_EQ(echo, "hello\n");
}

TEST(line_backspace_and_delete_erase) {
    struct line l = {0};
    char echo[512];
    const char *done = feed(&l,
                            "ab\bc\x7f"
                            "d\r",
                            echo);
    CHECK_STR_EQ(done, "ad");
    CHECK_STR_EQ(echo, "ab\b \bc\b \bd\n");
}

TEST(line_backspace_on_empty_line_does_nothing) {
    struct line l = {0};
    char echo[512];
    const char *done = feed(&l, "\b\b\x7fx\n", echo);
    CHECK_STR_EQ(done, "x");
    CHECK_STR_EQ(echo, "x\n");
}

TEST(line_crlf_is_one_line_end) {
    struct line l = {0};
    char echo[512];
    CHECK_STR_EQ(feed(&l, "a\r", echo), "a");
    line_reset(&l);
    const char *done = feed(&l, "\nb\n", echo); /* the \n after \r: ignored */
    CHECK_STR_EQ(done, "b");
    line_reset(&l);
    CHECK_STR_EQ(feed(&l, "\n", echo), ""); /* a bare \n: an empty line */
}

TEST(line_control_characters_are_dropped) {
    struct line l = {0};
    char echo[512];
    const char *done = feed(&l,
                            "a\x01\x1b"
                            "b\t\r",
                            echo);
    CHECK_STR_EQ(done, "ab");
}

TEST(line_full_line_ends_itself) {
    struct line l = {0};
    char in[LINE_MAX + 10], echo[512];
    memset(in, 'x', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';
    const char *done = feed(&l, in, echo);
    CHECK(done != NULL);
    CHECK_INT_EQ(strlen(done), LINE_MAX - 1);
}
