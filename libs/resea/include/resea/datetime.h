#pragma once
#include <types.h>

/*
 * Calendar time (UTC, proleptic Gregorian) and Unix timestamps (seconds
 * since 1970-01-01 00:00:00), as in Resea: month 1..12, day 1..31,
 * day_of_week 1 (Sunday) .. 7 (Saturday).
 */
struct datetime {
    uint32_t year;
    uint8_t month;
    uint8_t day;
    uint8_t day_of_week;
    uint8_t hour;
    uint8_t minute;
    uint8_t second;
};

/* The fields must be in range (a year from 1970); day_of_week is not
 * read. */
uint64_t datetime_to_timestamp(struct datetime *datetime);
/* Years past UINT32_MAX (timestamps beyond 1.3e17) do not fit. */
void timestamp_to_datetime(uint64_t epoch, struct datetime *datetime);
