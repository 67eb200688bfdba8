/*
 * Beat finding (firmware/app/src/heart_rate.c) on synthetic PPG signals: the
 * shape the emulator's AFE4900 model produces (a systolic dip and a smaller
 * dicrotic one), at rates from 45 to 180 bpm, with noise and baseline drift,
 * and no pulse at all.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <stdlib.h>
#include <zephyr/ztest.h>

#include "heart_rate.h"

#define RATE_HZ 25

static uint32_t lcg = 12345;

/* Uniform noise in [-amp, amp]. */
static int32_t noise(int32_t amp)
{
	lcg = lcg * 1103515245u + 12345u;
	return amp == 0 ? 0 : (int32_t)((lcg >> 8) % (2 * amp + 1)) - amp;
}

/* Green sample i of a pulse at `bpm`: DC 400000, a 6000-code systolic dip. */
static int32_t ppg(int i, double bpm, int32_t noise_amp, double drift_per_s)
{
	double t = (double)i / RATE_HZ;
	double phase = fmod(t * bpm / 60.0, 1.0);
	double sys = exp(-pow((phase - 0.15) / 0.07, 2));
	double dic = 0.4 * exp(-pow((phase - 0.45) / 0.1, 2));
	return (int32_t)(400000.0 + drift_per_s * t - 6000.0 * (sys + dic)) + noise(noise_amp);
}

static int run(double bpm, int seconds, int32_t noise_amp, double drift_per_s)
{
	struct heart_rate hr;
	int32_t block[RATE_HZ];

	heart_rate_init(&hr, RATE_HZ);
	for (int s = 0; s < seconds; s++) {
		for (int i = 0; i < RATE_HZ; i++) {
			block[i] = ppg(s * RATE_HZ + i, bpm, noise_amp, drift_per_s);
		}
		heart_rate_add(&hr, block, RATE_HZ);
	}
	return heart_rate_bpm(&hr);
}

ZTEST(heart_rate, test_clean_pulse_at_many_rates)
{
	static const int rates[] = {45, 60, 70, 90, 120, 150, 180};

	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		int got = run(rates[i], 20, 0, 0);
		zassert_within(got, rates[i], 1, "%d bpm read as %d", rates[i], got);
	}
}

ZTEST(heart_rate, test_noise_and_drift)
{
	/* Noise of a tenth of the pulse, a baseline sliding 500 codes a second. */
	int got = run(72, 20, 600, 500.0);
	zassert_within(got, 72, 2, "72 bpm with noise and drift read as %d", got);
}

ZTEST(heart_rate, test_no_rate_before_enough_beats)
{
	zassert_equal(run(70, 2, 0, 0), -1, "a rate after two seconds is a guess");
}

ZTEST(heart_rate, test_no_pulse_gives_no_rate)
{
	/* Off the wrist: the LED sees about the ambient level, and noise. */
	struct heart_rate hr;
	int32_t block[RATE_HZ];

	heart_rate_init(&hr, RATE_HZ);
	for (int s = 0; s < 20; s++) {
		for (int i = 0; i < RATE_HZ; i++) {
			block[i] = 25000 + noise(40);
		}
		heart_rate_add(&hr, block, RATE_HZ);
	}
	zassert_equal(heart_rate_bpm(&hr), -1);
}

ZTEST(heart_rate, test_follows_a_change_of_rate)
{
	struct heart_rate hr;
	int32_t block[RATE_HZ];

	heart_rate_init(&hr, RATE_HZ);
	for (int s = 0; s < 30; s++) {
		double bpm = s < 15 ? 60 : 100;
		for (int i = 0; i < RATE_HZ; i++) {
			block[i] = ppg(s * RATE_HZ + i, bpm, 0, 0);
		}
		heart_rate_add(&hr, block, RATE_HZ);
	}
	int got = heart_rate_bpm(&hr);
	zassert_within(got, 100, 2, "after 15 s at 100 bpm read %d", got);
}

ZTEST_SUITE(heart_rate, NULL, NULL, NULL, NULL, NULL);
