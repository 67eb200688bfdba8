/*
 * Wall-clock arithmetic for the watch, with no hardware in it: seconds since
 * 1970-01-01 (UTC; the band shows local time, the offset is the user's) to a
 * civil date and time, the text the face shows, and alarm matching. Kept apart
 * so the native_sim tests check it without a board.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MB4_CLOCK_H
#define MB4_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct civil_time {
	int year;    /* e.g. 2026 */
	int month;   /* 1..12 */
	int day;     /* 1..31 */
	int weekday; /* 0 = Monday .. 6 = Sunday */
	int hour, minute, second;
};

/* Seconds since 1970-01-01 00:00:00 to a civil time (proleptic Gregorian). */
void clock_to_civil(int64_t seconds, struct civil_time *out);

/* A civil date and time to seconds since 1970; -1 when out of range. */
int64_t clock_from_civil(int year, int month, int day, int hour, int minute, int second);

/* "HH:MM" (24-hour), "Tue 24 Nov". Return the length written (excluding NUL). */
int clock_format_time(const struct civil_time *t, char *buf, size_t len);
int clock_format_date(const struct civil_time *t, char *buf, size_t len);

/* Parses "HH:MM" or "HH:MM:SS" into seconds of the day; -1 when malformed. */
int clock_parse_hms(const char *text);

/* Whether an alarm at `alarm_sod` (second of day) fires between the previous
 * and the current wall time (seconds since 1970), the previous excluded. */
bool clock_alarm_due(int32_t alarm_sod, int64_t previous, int64_t now);

#endif
