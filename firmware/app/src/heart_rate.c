/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * How beats are found: blood absorbs more light at systole, so each beat is
 * a dip in the green signal. The signal is turned over and taken about its
 * slowly moving mean (time constant 2 s); a beat is where it rises through
 * half of its recent peak height, which the smaller dicrotic wave does not
 * reach. The crossing is placed between samples by interpolation, which
 * makes 25 Hz sampling good to about 1 bpm. After a beat, the signal must
 * fall back below a quarter of the peak height before the next one counts,
 * and beats closer than 220 bpm are ignored.
 */
#include "heart_rate.h"

#include <string.h>

#define MAX_BPM 220
#define MIN_BPM 30

void heart_rate_init(struct heart_rate *hr, uint16_t rate_hz)
{
	memset(hr, 0, sizeof(*hr));
	hr->rate_hz = rate_hz;
}

static void add_interval(struct heart_rate *hr, uint32_t interval16)
{
	hr->intervals[hr->next] = interval16;
	hr->next = (hr->next + 1) % HEART_RATE_INTERVALS;
	if (hr->count < HEART_RATE_INTERVALS) {
		hr->count++;
	}
}

static void beat_at(struct heart_rate *hr, uint32_t t16)
{
	const uint32_t shortest = 16u * 60u * hr->rate_hz / MAX_BPM;
	const uint32_t longest = 16u * 60u * hr->rate_hz / MIN_BPM;

	if (hr->have_beat) {
		uint32_t interval = t16 - hr->last_beat16;
		if (interval < shortest) {
			return; /* too soon: a notch or noise, not a beat */
		}
		if (interval <= longest) {
			add_interval(hr, interval);
		} else {
			hr->count = 0; /* a gap: the old intervals say nothing now */
		}
	}
	hr->last_beat16 = t16;
	hr->have_beat = true;
}

static void add_one(struct heart_rate *hr, int32_t sample)
{
	const int64_t x = (int64_t)sample * 256;

	if (!hr->started) {
		hr->mean = x;
		hr->started = true;
	}
	hr->mean += (x - hr->mean) / (2 * hr->rate_hz);
	int32_t s = (int32_t)((hr->mean - x) / 256);

	if (s > hr->envelope) {
		hr->envelope = s;
	} else {
		hr->envelope -= hr->envelope / hr->rate_hz;
	}
	int32_t threshold = hr->envelope / 2;

	if (!hr->above && hr->envelope >= HEART_RATE_MIN_AMPLITUDE && s >= threshold &&
	    hr->prev < threshold) {
		/* Where between the last sample and this one the rise crossed. */
		uint32_t frac16 = (uint32_t)((int64_t)(threshold - hr->prev) * 16 / (s - hr->prev));
		beat_at(hr, hr->now16 - 16 + frac16);
		hr->above = true;
	} else if (hr->above && s < threshold / 2) {
		hr->above = false;
	}
	hr->prev = s;
	hr->now16 += 16;
}

void heart_rate_add(struct heart_rate *hr, const int32_t *samples, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		add_one(hr, samples[i]);
	}
}

int heart_rate_bpm(const struct heart_rate *hr)
{
	if (hr->count < HEART_RATE_MIN_INTERVALS || hr->rate_hz == 0) {
		return -1;
	}
	uint64_t sum = 0;

	for (int i = 0; i < hr->count; i++) {
		sum += hr->intervals[i];
	}
	/* bpm = 60 · rate / (mean interval in samples), rounded. */
	uint64_t num = 60ull * 16 * hr->rate_hz * hr->count;
	return (int)((num + sum / 2) / sum);
}
