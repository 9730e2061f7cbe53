#include <string.h>
#include "check.h"
#include "error.h"

struct error_info {
    const char *name;
    int value;
    const char *msg;
};

#define ERROR_INFO(name, value, msg) {#name, value, msg},
static const struct error_info all_errors[] = {ERROR_LIST(ERROR_INFO)};
#undef ERROR_INFO
#define NUM_ERRORS (sizeof(all_errors) / sizeof(all_errors[0]))

TEST(error_str_every_code) {
    for (size_t i = 0; i < NUM_ERRORS; i++)
        CHECK_STR_EQ(err_str(all_errors[i].value), all_errors[i].msg);
}

TEST(error_name_every_code) {
    for (size_t i = 0; i < NUM_ERRORS; i++)
        CHECK_STR_EQ(err_name(all_errors[i].value), all_errors[i].name);
}

/* One below the lowest code, so the test survives new codes. */
static int lowest_minus_one(void) {
    int lowest = 0;
    for (size_t i = 0; i < NUM_ERRORS; i++)
        lowest = all_errors[i].value < lowest ? all_errors[i].value : lowest;
    return lowest - 1;
}

TEST(error_unknown_code) {
    const int unknown[] = {1, lowest_minus_one(), -100000, (int) 0x80000000u,
                           0x7fffffff};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        CHECK_STR_EQ(err_str(unknown[i]), "unknown error");
        CHECK_STR_EQ(err_name(unknown[i]), "ERR_UNKNOWN");
    }
}

/* OK is zero, every error negative and distinct, so IS_ERROR works. */
TEST(error_codes_distinct_and_negative) {
    CHECK_INT_EQ(OK, 0);
    CHECK(IS_OK(OK) && !IS_ERROR(OK));
    for (size_t i = 0; i < NUM_ERRORS; i++) {
        if (all_errors[i].value == OK)
            continue;
        CHECK(IS_ERROR(all_errors[i].value));
        CHECK(strncmp(all_errors[i].name, "ERR_", 4) == 0);
        for (size_t j = 0; j < i; j++)
            CHECK(all_errors[i].value != all_errors[j].value);
    }
}
