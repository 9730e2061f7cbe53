/* Timestamps and dates (libs/resea/datetime.c), on the host. */
#include <resea/datetime.h>
#include "check.h"

/* ts is the date and time given, on day_of_week (Sunday = 1). */
static void check_date(uint64_t ts, unsigned year, unsigned month, unsigned day,
                       unsigned dow, unsigned h, unsigned m, unsigned s) {
    struct datetime dt;
    timestamp_to_datetime(ts, &dt);
    CHECK_INT_EQ(dt.year, year);
    CHECK_INT_EQ(dt.month, month);
    CHECK_INT_EQ(dt.day, day);
    CHECK_INT_EQ(dt.day_of_week, dow);
    CHECK_INT_EQ(dt.hour, h);
    CHECK_INT_EQ(dt.minute, m);
    CHECK_INT_EQ(dt.second, s);
    CHECK_INT_EQ(datetime_to_timestamp(&dt), ts);
}

TEST(datetime_known_dates) {
    check_date(0, 1970, 1, 1, 5, 0, 0, 0);                     /* Thursday */
    check_date(1605866400, 2020, 11, 20, 6, 10, 0, 0);         /* Friday */
    check_date(1582979696, 2020, 2, 29, 7, 12, 34, 56);        /* Saturday */
    check_date(2147483647, 2038, 1, 19, 3, 3, 14, 7);          /* Tuesday */
    check_date(94608000 + 86399, 1972, 12, 31, 1, 23, 59, 59); /* Sunday */
}

/* Divisible by 100 is no leap year, unless divisible by 400. */
TEST(datetime_century_leap_rules) {
    check_date(951782400, 2000, 2, 29, 3, 0, 0, 0);   /* Tuesday */
    check_date(951868800, 2000, 3, 1, 4, 0, 0, 0);    /* Wednesday */
    check_date(4107456000, 2100, 2, 28, 1, 0, 0, 0);  /* Sunday */
    check_date(4107542400, 2100, 3, 1, 2, 0, 0, 0);   /* the next day */
    check_date(13574563200, 2400, 2, 29, 3, 0, 0, 0); /* Tuesday */
}

/* Day by day for 1,000 years: each date follows the one before. */
TEST(datetime_every_day_follows_the_last) {
    struct datetime prev;
    timestamp_to_datetime(0, &prev);
    for (uint64_t day = 1; day < 365243; day++) {
        struct datetime dt;
        timestamp_to_datetime(day * 86400 + 3723, &dt);
        CHECK_INT_EQ(dt.hour * 3600 + dt.minute * 60 + dt.second, 3723);
        CHECK_INT_EQ(dt.day_of_week, prev.day_of_week % 7 + 1);
        if (dt.day != 1) {
            CHECK(dt.year == prev.year && dt.month == prev.month);
            CHECK_INT_EQ(dt.day, prev.day + 1);
        } else if (dt.month != 1) {
            CHECK(dt.year == prev.year);
            CHECK_INT_EQ(dt.month, prev.month + 1);
        } else {
            CHECK_INT_EQ(dt.year, prev.year + 1);
            CHECK(prev.month == 12 && prev.day == 31);
        }
        if (prev.month == 2 && dt.month == 3) {
            bool leap = (prev.year % 4 == 0 && prev.year % 100 != 0) ||
                        prev.year % 400 == 0;
            CHECK_INT_EQ(prev.day, leap ? 29 : 28);
        }
        CHECK_INT_EQ(datetime_to_timestamp(&dt), day * 86400 + 3723);
        prev = dt;
    }
}
