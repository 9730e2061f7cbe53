/* Unix timestamps to and from calendar dates (resea/datetime.h). */
#include <resea/datetime.h>

#define SECONDS_PER_DAY 86400u
/* Every run of 400 years has 97 leap years. */
#define DAYS_PER_400_YEARS (400u * 365 + 97)
#define EPOCH_YEAR 1970
/* 1970-01-01 was a Thursday: 5 in Resea's numbering (Sunday = 1). */
#define EPOCH_DAY_OF_WEEK 5

static bool is_leap(uint64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_year(uint64_t year) {
    return is_leap(year) ? 366 : 365;
}

static unsigned days_in_month(uint64_t year, unsigned month) {
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Leap years in 1 .. year - 1. */
static uint64_t leaps_before(uint64_t year) {
    year--;
    return year / 4 - year / 100 + year / 400;
}

uint64_t datetime_to_timestamp(struct datetime *dt) {
    uint64_t days = 365ull * (dt->year - EPOCH_YEAR) + leaps_before(dt->year) -
                    leaps_before(EPOCH_YEAR);
    for (unsigned m = 1; m < dt->month; m++)
        days += days_in_month(dt->year, m);
    days += dt->day - 1u;
    return days * SECONDS_PER_DAY + dt->hour * 3600u + dt->minute * 60u +
           dt->second;
}

void timestamp_to_datetime(uint64_t epoch, struct datetime *dt) {
    uint64_t days = epoch / SECONDS_PER_DAY;
    unsigned secs = epoch % SECONDS_PER_DAY;
    dt->day_of_week = (days + EPOCH_DAY_OF_WEEK - 1) % 7 + 1;
    dt->hour = secs / 3600;
    dt->minute = secs / 60 % 60;
    dt->second = secs % 60;

    uint64_t year = EPOCH_YEAR + 400 * (days / DAYS_PER_400_YEARS);
    days %= DAYS_PER_400_YEARS;
    while (days >= days_in_year(year))
        days -= days_in_year(year++);
    unsigned month = 1;
    while (days >= days_in_month(year, month))
        days -= days_in_month(year, month++);
    dt->year = (uint32_t) year;
    dt->month = month;
    dt->day = days + 1;
}
