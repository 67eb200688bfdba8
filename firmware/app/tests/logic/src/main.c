/*
 * The watch's date and time arithmetic (firmware/app/src/clock.c) on
 * native_sim: civil dates either side of leap days and centuries, the text
 * the face shows, time parsing, and when the alarm is due.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <zephyr/ztest.h>

#include "battery.h"
#include "clock.h"

ZTEST(clock, test_epoch_and_known_dates)
{
	struct civil_time t;

	clock_to_civil(0, &t);
	zassert_equal(t.year, 1970);
	zassert_equal(t.month, 1);
	zassert_equal(t.day, 1);
	zassert_equal(t.weekday, 3, "1970-01-01 was a Thursday");

	/* 2026-11-24 14:05:09, a Tuesday. */
	int64_t s = clock_from_civil(2026, 11, 24, 14, 5, 9);
	zassert_equal(s, 1795529109LL);
	clock_to_civil(s, &t);
	zassert_equal(t.year, 2026);
	zassert_equal(t.month, 11);
	zassert_equal(t.day, 24);
	zassert_equal(t.weekday, 1);
	zassert_equal(t.hour, 14);
	zassert_equal(t.minute, 5);
	zassert_equal(t.second, 9);
}

ZTEST(clock, test_round_trip_over_leap_years)
{
	struct civil_time t;

	/* Every day from 1999 to 2101 (2000 leap, 2100 not) round-trips. */
	int64_t first = clock_from_civil(1999, 1, 1, 0, 0, 0);
	int64_t last = clock_from_civil(2101, 12, 31, 0, 0, 0);
	int previous_weekday = -1;

	for (int64_t s = first; s <= last; s += 86400) {
		clock_to_civil(s + 43210, &t);
		zassert_equal(clock_from_civil(t.year, t.month, t.day, t.hour, t.minute, t.second),
			      s + 43210);
		if (previous_weekday >= 0) {
			zassert_equal(t.weekday, (previous_weekday + 1) % 7);
		}
		previous_weekday = t.weekday;
	}
	zassert_true(clock_from_civil(2000, 2, 29, 0, 0, 0) > 0, "2000 is a leap year");
	zassert_equal(clock_from_civil(2100, 2, 29, 0, 0, 0), -1, "2100 is not");
	zassert_equal(clock_from_civil(2026, 4, 31, 0, 0, 0), -1);
	zassert_equal(clock_from_civil(2026, 13, 1, 0, 0, 0), -1);
	zassert_equal(clock_from_civil(2026, 1, 1, 24, 0, 0), -1);
}

ZTEST(clock, test_face_text)
{
	struct civil_time t;
	char buf[24];

	clock_to_civil(clock_from_civil(2026, 1, 1, 7, 5, 0), &t);
	clock_format_time(&t, buf, sizeof(buf));
	zassert_str_equal(buf, "07:05");
	clock_format_date(&t, buf, sizeof(buf));
	zassert_str_equal(buf, "Thu 1 Jan");
}

ZTEST(clock, test_parse_times)
{
	zassert_equal(clock_parse_hms("07:30"), 7 * 3600 + 30 * 60);
	zassert_equal(clock_parse_hms("23:59:59"), 86399);
	zassert_equal(clock_parse_hms("24:00"), -1);
	zassert_equal(clock_parse_hms("7:30"), -1);
	zassert_equal(clock_parse_hms("07:60"), -1);
	zassert_equal(clock_parse_hms("07:30x"), -1);
	zassert_equal(clock_parse_hms("07:30:5"), -1);
	zassert_equal(clock_parse_hms(""), -1);
}

ZTEST(clock, test_alarm_fires_once_when_passed)
{
	int64_t day = clock_from_civil(2026, 11, 24, 0, 0, 0);
	int32_t at = 7 * 3600 + 30 * 60;

	zassert_false(clock_alarm_due(at, day + at - 2, day + at - 1));
	zassert_true(clock_alarm_due(at, day + at - 1, day + at));
	zassert_false(clock_alarm_due(at, day + at, day + at + 1), "not twice");
	/* A late check still catches it; midnight wrap-around too. */
	zassert_true(clock_alarm_due(at, day + at - 30, day + at + 30));
	zassert_true(clock_alarm_due(10, day - 5, day + 20));
	zassert_false(clock_alarm_due(-1, day, day + 86400 * 2), "off");
	zassert_true(clock_alarm_due(at, day, day + 86400 * 2), "a long sleep");
}

ZTEST(clock, test_battery_percent)
{
	zassert_equal(battery_percent(4350), 100);
	zassert_equal(battery_percent(4200), 100);
	zassert_equal(battery_percent(3800), 50);
	zassert_equal(battery_percent(3750), 41, "halfway between 3.7 V (33) and 3.8 V (50)");
	zassert_equal(battery_percent(3300), 0);
	zassert_equal(battery_percent(2900), 0);
	zassert_equal(battery_percent(-1), 0);
	for (int mv = 3300; mv < 4200; mv += 10) {
		zassert_true(battery_percent(mv) <= battery_percent(mv + 10), "never falls as mV rise");
	}
}

ZTEST_SUITE(clock, NULL, NULL, NULL, NULL, NULL);
