/* Command-line options (libs/resea/cmdline.c), on the host. */
#include <resea/cmdline.h>
#include "check.h"
#include <string.h>

TEST(cmdline_flags_are_whole_words) {
    const char *c = "  selftest  limit=2 x";
    CHECK(cmdline_flag(c, "selftest"));
    CHECK(cmdline_flag(c, "x"));
    CHECK(!cmdline_flag(c, "self"));
    CHECK(!cmdline_flag(c, "limit")); /* a key, not a flag */
    CHECK(!cmdline_flag(c, ""));
    CHECK(!cmdline_flag("", "x"));
}

TEST(cmdline_values) {
    const char *c = "seed=3 calls=200000 caps=1 big=18446744073709551615";
    CHECK_INT_EQ(cmdline_u64(c, "seed", 7), 3);
    CHECK_INT_EQ(cmdline_u64(c, "calls", 7), 200000);
    CHECK_INT_EQ(cmdline_u64(c, "caps", 7), 1);
    CHECK(cmdline_u64(c, "big", 7) == UINT64_MAX);
    CHECK_INT_EQ(cmdline_u64(c, "missing", 7), 7);
    CHECK_INT_EQ(cmdline_u64(c, "see", 7), 7); /* no prefix matches */
    CHECK_INT_EQ(cmdline_u64(c, "", 7), 7);
}

TEST(cmdline_bad_values_fall_back) {
    CHECK_INT_EQ(cmdline_u64("seed=", "seed", 7), 7);
    CHECK_INT_EQ(cmdline_u64("seed=12x", "seed", 7), 7);
    CHECK_INT_EQ(cmdline_u64("seed=-1", "seed", 7), 7);
    CHECK_INT_EQ(cmdline_u64("seed=18446744073709551616", "seed", 7), 7);
    CHECK_INT_EQ(cmdline_u64("seed seed=4", "seed", 7), 4); /* flag first */
}

TEST(cmdline_words) {
    char w[8] = "old";
    CHECK(cmdline_word("limit=2 only=trace_ x", "only", w, sizeof(w)));
    CHECK(!strcmp(w, "trace_"));
    CHECK(cmdline_word("only= x", "only", w, sizeof(w)));
    CHECK(!strcmp(w, ""));
    strcpy(w, "old");
    CHECK(!cmdline_word("only=12345678", "only", w, sizeof(w))); /* no room */
    CHECK(!cmdline_word("only", "only", w, sizeof(w)));          /* a flag */
    CHECK(!cmdline_word("x=1", "only", w, sizeof(w)));
    CHECK(!strcmp(w, "old"));
}
