/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "pulse.h"

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/sys/printk.h>

#include "heart_rate.h"

#if DT_HAS_COMPAT_STATUS_OKAY(ti_afe4900)
#include <mb4/drivers/sensor/afe4900.h>
#define HAVE_PPG 1
static const struct device *const ppg = DEVICE_DT_GET_ONE(ti_afe4900);
#endif

#if DT_HAS_COMPAT_STATUS_OKAY(azoteq_iqs620a)
#define HAVE_WEAR 1
static const struct device *const wear = DEVICE_DT_GET_ONE(azoteq_iqs620a);
#endif

static struct heart_rate beats;
static bool measuring;

int wear_read(void)
{
#ifdef HAVE_WEAR
	struct sensor_value v;

	if (device_is_ready(wear) && sensor_sample_fetch(wear) == 0 &&
	    sensor_channel_get(wear, SENSOR_CHAN_PROX, &v) == 0) {
		return v.val1 != 0;
	}
#endif
	return -1;
}

#ifdef HAVE_PPG
static int set_rate(uint16_t hz)
{
	struct sensor_value v = {.val1 = hz};

	return sensor_attr_set(ppg, SENSOR_CHAN_GREEN, SENSOR_ATTR_SAMPLING_FREQUENCY, &v);
}
#endif

void pulse_start(void)
{
#ifdef HAVE_PPG
	if (!device_is_ready(ppg) || wear_read() == 0) {
		return;
	}
	uint16_t hz = afe4900_rate_hz(ppg);

	if (set_rate(hz) == 0) {
		/* Drop what the FIFO held from before: the beat finder starts clean. */
		sensor_sample_fetch(ppg);
		heart_rate_init(&beats, hz);
		measuring = true;
	}
#endif
}

void pulse_stop(void)
{
#ifdef HAVE_PPG
	if (device_is_ready(ppg)) {
		set_rate(0);
	}
	measuring = false;
#endif
}

enum pulse_state pulse_poll(int *bpm)
{
#ifdef HAVE_PPG
	int32_t samples[CONFIG_AFE4900_FIFO_SETS];

	if (!device_is_ready(ppg)) {
		return PULSE_NO_SENSOR;
	}
	int worn = wear_read();

	if (worn == 0) {
		if (measuring) {
			pulse_stop();
		}
		return PULSE_NOT_WORN;
	}
	if (!measuring) {
		pulse_start();
		return measuring ? PULSE_MEASURING : PULSE_NO_SENSOR;
	}
	if (sensor_sample_fetch(ppg) != 0) {
		return PULSE_NO_SENSOR;
	}
	int n = afe4900_fifo_samples(ppg, samples, ARRAY_SIZE(samples));

	heart_rate_add(&beats, samples, n);
	*bpm = heart_rate_bpm(&beats);
	return *bpm > 0 ? PULSE_RATE : PULSE_MEASURING;
#else
	ARG_UNUSED(bpm);
	return PULSE_NO_SENSOR;
#endif
}
