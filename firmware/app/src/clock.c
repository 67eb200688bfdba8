/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "clock.h"

#include <stdio.h>

/* Days from 1970-01-01 to year/month/day, by the usual era arithmetic
 * (days_from_civil, valid for all Gregorian dates). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void clock_to_civil(int64_t seconds, struct civil_time *out)
{
	int64_t days = seconds / 86400;
	int64_t sod = seconds % 86400;
	if (sod < 0) {
		sod += 86400;
		days -= 1;
	}
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod / 60 % 60);
	out->second = (int)(sod % 60);
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	out->weekday = (int)(((days % 7) + 7 + 3) % 7);

	const int64_t z = days + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(yoe + era * 400 + (out->month <= 2));
}

int64_t clock_from_civil(int year, int month, int day, int hour, int minute, int second)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 ||
	    hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
		return -1;
	}
	const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	const int max_day = mdays[month - 1] + (month == 2 && leap);
	if (day > max_day) {
		return -1;
	}
	return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

int clock_format_time(const struct civil_time *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%02d:%02d", t->hour, t->minute);
}

int clock_format_date(const struct civil_time *t, char *buf, size_t len)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	return snprintf(buf, len, "%s %d %s", days[t->weekday], t->day, months[t->month - 1]);
}

static int two_digits(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') {
		return -1;
	}
	return (p[0] - '0') * 10 + (p[1] - '0');
}

int clock_parse_hms(const char *text)
{
	int h = two_digits(text);
	if (h < 0 || h > 23 || text[2] != ':') {
		return -1;
	}
	int m = two_digits(text + 3);
	if (m < 0 || m > 59) {
		return -1;
	}
	int s = 0;
	if (text[5] == ':') {
		s = two_digits(text + 6);
		if (s < 0 || s > 59 || text[8] != '\0') {
			return -1;
		}
	} else if (text[5] != '\0') {
		return -1;
	}
	return h * 3600 + m * 60 + s;
}

bool clock_alarm_due(int32_t alarm_sod, int64_t previous, int64_t now)
{
	if (alarm_sod < 0 || now <= previous) {
		return false;
	}
	if (now - previous >= 86400) {
		return true;
	}
	/* The alarm's most recent occurrence at or before now. */
	int64_t sod_now = ((now % 86400) + 86400) % 86400;
	int64_t last = now - sod_now + alarm_sod;
	if (last > now) {
		last -= 86400;
	}
	return last > previous;
}
