/*
 * The heart screen's measurement: the wear sensor says whether the band is
 * on a wrist, the AFE4900 runs only while the screen is shown, and its
 * samples go to the beat finder (heart_rate.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MB4_APP_PULSE_H_
#define MB4_APP_PULSE_H_

enum pulse_state {
	PULSE_NO_SENSOR, /* no AFE4900, or it failed to start */
	PULSE_NOT_WORN,  /* the wear sensor sees no wrist: the LEDs stay off */
	PULSE_MEASURING, /* on the wrist, too few beats yet */
	PULSE_RATE,      /* a rate is known */
};

/* 1 when the band is on a wrist, 0 when not, -1 without a wear sensor. */
int wear_read(void);

/* Turns the PPG's LEDs on (when worn) and starts a new measurement. */
void pulse_start(void);

/* Turns the LEDs off. */
void pulse_stop(void);

/* Takes the samples that came in; *bpm is set when the state is PULSE_RATE.
 * Call at least every second while measuring (the part's FIFO holds 1.28 s). */
enum pulse_state pulse_poll(int *bpm);

#endif /* MB4_APP_PULSE_H_ */
