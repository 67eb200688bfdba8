/*
 * Heart rate from a PPG signal: beats found in the green samples of the
 * AFE4900, beats per minute from the mean of the recent beat intervals.
 *
 * Pure logic (no Zephyr calls), so that it is tested on native_sim.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MB4_APP_HEART_RATE_H_
#define MB4_APP_HEART_RATE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Beat intervals kept for the average. */
#define HEART_RATE_INTERVALS 8
/* Intervals needed before a rate is given. */
#define HEART_RATE_MIN_INTERVALS 4
/* Pulse heights below this (ADC codes) are no pulse: off the wrist, or noise. */
#define HEART_RATE_MIN_AMPLITUDE 200

struct heart_rate {
	uint16_t rate_hz;
	bool started;
	/* The slowly moving mean, in 1/256 codes. */
	int64_t mean;
	/* The running peak height above the mean, decaying between beats. */
	int32_t envelope;
	int32_t prev;
	bool above;
	/* Samples seen, and the last beat, both in 1/16 sample. */
	uint32_t now16;
	uint32_t last_beat16;
	bool have_beat;
	/* Recent beat intervals in 1/16 sample, a ring. */
	uint32_t intervals[HEART_RATE_INTERVALS];
	uint8_t count;
	uint8_t next;
};

/* Starts over (after a gap in the samples, or a change of rate). */
void heart_rate_init(struct heart_rate *hr, uint16_t rate_hz);

/* Feeds consecutive samples (higher = more light back; a beat is a dip). */
void heart_rate_add(struct heart_rate *hr, const int32_t *samples, size_t n);

/* Beats per minute, or -1 while there are too few beats to say. */
int heart_rate_bpm(const struct heart_rate *hr);

#endif /* MB4_APP_HEART_RATE_H_ */
