/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "battery.h"

/* Typical Li-po curve: (mV, %) points, falling; linear in between. */
static const struct {
	int mv;
	int percent;
} curve[] = {
	{4200, 100}, {4100, 90}, {4000, 79}, {3900, 65}, {3800, 50},
	{3700, 33},  {3600, 18}, {3500, 9},  {3400, 4},  {3300, 0},
};

int battery_percent(int millivolts)
{
	const int n = sizeof(curve) / sizeof(curve[0]);

	if (millivolts >= curve[0].mv) {
		return 100;
	}
	for (int i = 1; i < n; i++) {
		if (millivolts >= curve[i].mv) {
			int span = curve[i - 1].mv - curve[i].mv;
			int into = millivolts - curve[i].mv;
			return curve[i].percent +
			       (curve[i - 1].percent - curve[i].percent) * into / span;
		}
	}
	return 0;
}
