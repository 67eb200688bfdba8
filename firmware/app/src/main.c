/*
 * mb4: open firmware for the Xiaomi Mi Band 4 — the watch.
 *
 * Four screens drawn with LVGL on the 120x240 panel: the face (time, date,
 * battery, steps), heart rate, steps, settings. A key press from any input
 * device (the touch key, once its driver reports it) or `watch next` on the
 * shell moves to the next screen. `watch time set`, `watch alarm` set the
 * clock and the alarm; the motor (the board's gpio-vibrator) buzzes when the
 * alarm is due. Steps come from the BMI270's step counter; the heart screen
 * measures the pulse with the AFE4900 while it is shown and the IQS620A says
 * the band is worn. Sensors that are missing or fail to start show "--".
 * Built with bluetooth.conf, it also advertises the Heart Rate, Battery and
 * Device Information services (ble.c).
 *
 * Wall time is uptime plus an offset the user sets (no RTC driver yet).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/adc.h>
#include <zephyr/drivers/display.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/i2c.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/input/input.h>
#include <zephyr/kernel.h>
#include <zephyr/pm/device.h>
#include <zephyr/shell/shell.h>
#include <zephyr/sys/printk.h>
#include <lvgl.h>

#include "battery.h"
#include "ble.h"
#include "clock.h"
#include "pulse.h"

/* 2026-01-01 00:00:00 until the user sets the time. */
#define DEFAULT_EPOCH 1767225600LL
#define BUZZ_MS 500

enum screen { SCREEN_FACE, SCREEN_HEART, SCREEN_STEPS, SCREEN_SETTINGS, SCREEN_COUNT };

static int64_t epoch_offset = DEFAULT_EPOCH;
static int32_t alarm_sod = -1;
static atomic_t next_screen_requests;
/* Set when the user sets the clock: the jump is not time passing, so no
 * alarm between the old and the new time fires. */
static atomic_t clock_was_set;
static enum screen current = SCREEN_FACE;

static lv_obj_t *screens[SCREEN_COUNT];
static lv_obj_t *face_time, *face_date, *face_battery, *face_steps;
static lv_obj_t *steps_value;
static lv_obj_t *heart_value, *heart_note;

#if DT_NODE_EXISTS(DT_NODELABEL(vibrator))
static const struct gpio_dt_spec motor = GPIO_DT_SPEC_GET(DT_NODELABEL(vibrator), enable_gpios);
#endif

static int64_t wall_now(void)
{
	return epoch_offset + k_uptime_get() / 1000;
}

static void buzz(void)
{
	printk("watch: alarm, motor on for %d ms\n", BUZZ_MS);
#if DT_NODE_EXISTS(DT_NODELABEL(vibrator))
	if (gpio_is_ready_dt(&motor)) {
		gpio_pin_set_dt(&motor, 1);
		k_msleep(BUZZ_MS);
		gpio_pin_set_dt(&motor, 0);
		printk("watch: motor off\n");
	}
#endif
}

#if DT_NODE_EXISTS(DT_ALIAS(accel0)) && DT_ON_BUS(DT_ALIAS(accel0), i2c)
#define HAVE_IMU 1
static const struct i2c_dt_spec imu_bus = I2C_DT_SPEC_GET(DT_ALIAS(accel0));
#endif

/* BMI270 registers for the step counter: Zephyr's driver has no step
 * channel, so the app enables the feature and reads the count itself, where
 * Bosch's BMI270 sensor API (v2.63) puts them for the base feature
 * configuration that the board loads ("bosch,bmi270-base"): the enable is
 * feature page 6, byte 3, bit 4; the count is feature page 0, bytes 0-3.
 * Feature pages are read and written 16 bytes at a time at FEATURES. */
#define BMI270_FEAT_PAGE        0x2F
#define BMI270_FEATURES         0x30
#define BMI270_FEATURE_PAGE_LEN 16
#define BMI270_STEP_ENABLE_PAGE 6
#define BMI270_STEP_ENABLE_BYTE 3
#define BMI270_STEP_ENABLE_BIT  BIT(4)

#ifdef HAVE_IMU
/* Turns the step counter on: feature page 6 read, its enable bit set, the
 * page written back (other features on the page stay as they were). */
static int enable_step_counter(void)
{
	uint8_t select[2] = {BMI270_FEAT_PAGE, BMI270_STEP_ENABLE_PAGE};
	uint8_t reg = BMI270_FEATURES;
	uint8_t page[1 + BMI270_FEATURE_PAGE_LEN] = {BMI270_FEATURES};
	int err = i2c_write_dt(&imu_bus, select, sizeof(select));

	if (err == 0) {
		err = i2c_write_read_dt(&imu_bus, &reg, 1, &page[1], BMI270_FEATURE_PAGE_LEN);
	}
	if (err == 0) {
		page[1 + BMI270_STEP_ENABLE_BYTE] |= BMI270_STEP_ENABLE_BIT;
		err = i2c_write_dt(&imu_bus, page, sizeof(page));
	}
	return err;
}
#endif

/* Starts the accelerometer, which the step counter runs on. */
static void imu_start(void)
{
#ifdef HAVE_IMU
	const struct device *imu = DEVICE_DT_GET(DT_ALIAS(accel0));
	struct sensor_value odr = {.val1 = 50};
	if (device_is_ready(imu)) {
		sensor_attr_set(imu, SENSOR_CHAN_ACCEL_XYZ, SENSOR_ATTR_SAMPLING_FREQUENCY, &odr);
		if (enable_step_counter() != 0) {
			printk("watch: could not enable the step counter\n");
		}
	} else {
		printk("watch: no IMU, steps show --\n");
	}
#endif
}

/* Steps from the IMU's step counter, or -1 when there is none. */
static int read_steps(void)
{
#ifdef HAVE_IMU
	const struct device *imu = DEVICE_DT_GET(DT_ALIAS(accel0));
	uint8_t page[2] = {BMI270_FEAT_PAGE, 0};
	uint8_t reg = BMI270_FEATURES;
	uint8_t count[4];
	if (device_is_ready(imu) && i2c_write_dt(&imu_bus, page, sizeof(page)) == 0 &&
	    i2c_write_read_dt(&imu_bus, &reg, 1, count, sizeof(count)) == 0) {
		return (int)sys_get_le32(count);
	}
#endif
	return -1;
}

#if DT_NODE_HAS_STATUS(DT_NODELABEL(adc), okay)
#define HAVE_VBAT 1
/* The board's GPADC channel 0, wired to the internal VBAT input. */
static const struct adc_dt_spec vbat = ADC_DT_SPEC_STRUCT(DT_NODELABEL(adc), 0);
/* VBAT reaches the converter through a 1/4 divider (DA1469x SDK; the
 * emulator's model agrees; to check on a band). */
#define VBAT_DIVIDER 4
#endif

/* The battery's voltage in mV, or -1 when it cannot be read. */
static int read_battery_mv(void)
{
#ifdef HAVE_VBAT
	static bool ready;
	int16_t raw;
	struct adc_sequence seq = {.buffer = &raw, .buffer_size = sizeof(raw)};

	int err;

	if (!ready) {
		err = adc_is_ready_dt(&vbat) ? adc_channel_setup_dt(&vbat) : -ENODEV;
		if (err != 0) {
			printk("watch: no battery reading (ADC setup: %d)\n", err);
			return -1;
		}
		ready = true;
	}
	err = adc_sequence_init_dt(&vbat, &seq);
	if (err == 0) {
		err = adc_read_dt(&vbat, &seq);
	}
	if (err != 0) {
		printk("watch: battery read failed (%d)\n", err);
		return -1;
	}
	int32_t mv = raw;
	if (adc_raw_to_millivolts_dt(&vbat, &mv) != 0) {
		return -1;
	}
	return mv * VBAT_DIVIDER;
#else
	return -1;
#endif
}

static lv_obj_t *new_screen(void)
{
	lv_obj_t *s = lv_obj_create(NULL);
	lv_obj_set_style_bg_color(s, lv_color_black(), 0);
	lv_obj_set_style_text_color(s, lv_color_white(), 0);
	return s;
}

static lv_obj_t *label(lv_obj_t *parent, const lv_font_t *font, lv_align_t align, int y,
		       const char *text)
{
	lv_obj_t *l = lv_label_create(parent);
	lv_obj_set_style_text_font(l, font, 0);
	lv_label_set_text(l, text);
	lv_obj_align(l, align, 0, y);
	return l;
}

static void build_screens(void)
{
	screens[SCREEN_FACE] = new_screen();
	face_time = label(screens[SCREEN_FACE], &lv_font_montserrat_32, LV_ALIGN_TOP_MID, 50, "--:--");
	face_date = label(screens[SCREEN_FACE], &lv_font_montserrat_14, LV_ALIGN_TOP_MID, 95, "");
	face_battery = label(screens[SCREEN_FACE], &lv_font_montserrat_14, LV_ALIGN_TOP_MID, 8, "--%");
	face_steps = label(screens[SCREEN_FACE], &lv_font_montserrat_14, LV_ALIGN_BOTTOM_MID, -20,
			   "-- steps");

	screens[SCREEN_HEART] = new_screen();
	label(screens[SCREEN_HEART], &lv_font_montserrat_14, LV_ALIGN_TOP_MID, 40, "heart rate");
	heart_value = label(screens[SCREEN_HEART], &lv_font_montserrat_32, LV_ALIGN_CENTER, 0, "--");
	heart_note = label(screens[SCREEN_HEART], &lv_font_montserrat_14, LV_ALIGN_BOTTOM_MID, -30, "");

	screens[SCREEN_STEPS] = new_screen();
	label(screens[SCREEN_STEPS], &lv_font_montserrat_14, LV_ALIGN_TOP_MID, 40, "steps today");
	steps_value = label(screens[SCREEN_STEPS], &lv_font_montserrat_32, LV_ALIGN_CENTER, 0, "--");

	screens[SCREEN_SETTINGS] = new_screen();
	label(screens[SCREEN_SETTINGS], &lv_font_montserrat_14, LV_ALIGN_TOP_MID, 40, "settings");
	label(screens[SCREEN_SETTINGS], &lv_font_montserrat_14, LV_ALIGN_CENTER, 0, "mb4 " CONFIG_BOARD);

	lv_screen_load(screens[SCREEN_FACE]);
}

static void show_time(const struct civil_time *t)
{
	char text[24];
	clock_format_time(t, text, sizeof(text));
	lv_label_set_text(face_time, text);
	clock_format_date(t, text, sizeof(text));
	lv_label_set_text(face_date, text);
}

static void show_battery(int mv)
{
	lv_label_set_text_fmt(face_battery, "%d%%", battery_percent(mv));
	ble_battery(battery_percent(mv));
	printk("watch: battery %d mV, %d%%\n", mv, battery_percent(mv));
}

static void show_steps(int steps)
{
	lv_label_set_text_fmt(face_steps, "%d steps", steps);
	lv_label_set_text_fmt(steps_value, "%d", steps);
	printk("watch: %d steps\n", steps);
}

/* The heart screen: what the measurement says, logged when it changes. */
static void show_pulse(enum pulse_state state, int bpm)
{
	static const char *const notes[] = {
		[PULSE_NO_SENSOR] = "no sensor",
		[PULSE_NOT_WORN] = "not worn",
		[PULSE_MEASURING] = "measuring",
		[PULSE_RATE] = "bpm",
	};
	if (state == PULSE_RATE) {
		lv_label_set_text_fmt(heart_value, "%d", bpm);
		ble_heart_rate(bpm);
		printk("watch: heart %d bpm\n", bpm);
	} else {
		lv_label_set_text(heart_value, "--");
		printk("watch: heart %s\n", notes[state]);
	}
	lv_label_set_text(heart_note, notes[state]);
}

static void on_input(struct input_event *evt, void *user_data)
{
	ARG_UNUSED(user_data);
	/* The touch key (the Zinitix driver reports it as INPUT_KEY_HOME). */
	if (evt->type == INPUT_EV_KEY && evt->code == INPUT_KEY_HOME && evt->value == 1) {
		atomic_inc(&next_screen_requests);
	}
}
INPUT_CALLBACK_DEFINE(NULL, on_input, NULL);

int main(void)
{
	printk("mb4 firmware on %s\n", CONFIG_BOARD_TARGET);
	const struct device *display = DEVICE_DT_GET(DT_CHOSEN(zephyr_display));
	if (!device_is_ready(display)) {
		printk("watch: the display is not ready\n");
		return 0;
	}
#if DT_NODE_EXISTS(DT_NODELABEL(vibrator))
	if (gpio_is_ready_dt(&motor)) {
		gpio_pin_configure_dt(&motor, GPIO_OUTPUT_INACTIVE);
	}
#endif
	/* The AMOLED keeps the face in its own memory while the SoC sleeps: the
	 * system's power management must not put the panel to sleep with it. */
	pm_device_busy_set(display);
	build_screens();
	display_blanking_off(display);
	printk("watch: face on screen\n");

	imu_start();
	ble_start();
	pulse_stop(); /* the PPG's LEDs stay off until the heart screen is shown */
	int64_t shown = -1;
	int shown_steps = -1;
	enum pulse_state shown_pulse = PULSE_NO_SENSOR;
	int shown_bpm = -1;
	int64_t checked = wall_now();
	while (1) {
		int64_t now = wall_now();
		if (atomic_set(&next_screen_requests, 0) > 0) {
			if (current == SCREEN_HEART) {
				pulse_stop();
			}
			current = (current + 1) % SCREEN_COUNT;
			lv_screen_load(screens[current]);
			printk("watch: screen %d\n", current);
			if (current == SCREEN_HEART) {
				pulse_start();
				shown_bpm = -2; /* show the state afresh */
			}
		}
		if (current == SCREEN_HEART) {
			int bpm = -1;
			enum pulse_state state = pulse_poll(&bpm);
			if (state != shown_pulse || bpm != shown_bpm) {
				show_pulse(state, bpm);
				shown_pulse = state;
				shown_bpm = bpm;
			}
		}
		if (now / 60 != shown / 60 || shown < 0) {
			struct civil_time t;
			clock_to_civil(now, &t);
			show_time(&t);
			shown = now;
			int mv = read_battery_mv();
			if (mv > 0) {
				show_battery(mv);
			}
		}
		int steps = read_steps();
		if (steps >= 0 && steps != shown_steps) {
			show_steps(steps);
			shown_steps = steps;
		}
		if (atomic_set(&clock_was_set, 0)) {
			checked = now;
		}
		if (clock_alarm_due(alarm_sod, checked, now)) {
			buzz();
		}
		checked = now;
		uint32_t wait = lv_timer_handler();
		/* Sleep until LVGL or the clock needs us; a second at most, half
		 * of one while the PPG's FIFO fills. */
		k_msleep(MIN(wait, current == SCREEN_HEART ? 500U : 1000U));
	}
	return 0;
}

static int cmd_time_set(const struct shell *sh, size_t argc, char **argv)
{
	int y, mo, d;
	if (argc != 3 || sscanf(argv[1], "%d-%d-%d", &y, &mo, &d) != 3) {
		shell_error(sh, "usage: watch time set YYYY-MM-DD HH:MM[:SS]");
		return -EINVAL;
	}
	int sod = clock_parse_hms(argv[2]);
	int64_t at = sod < 0 ? -1 : clock_from_civil(y, mo, d, 0, 0, 0);
	if (at < 0) {
		shell_error(sh, "not a valid date and time: %s %s", argv[1], argv[2]);
		return -EINVAL;
	}
	epoch_offset = at + sod - k_uptime_get() / 1000;
	atomic_set(&clock_was_set, 1);
	shell_print(sh, "time set");
	return 0;
}

static int cmd_time(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	struct civil_time t;
	char date[24], time[8];
	clock_to_civil(wall_now(), &t);
	clock_format_date(&t, date, sizeof(date));
	clock_format_time(&t, time, sizeof(time));
	shell_print(sh, "%04d-%02d-%02d %s:%02d (%s)", t.year, t.month, t.day, time, t.second, date);
	return 0;
}

static int cmd_alarm(const struct shell *sh, size_t argc, char **argv)
{
	if (argc != 2) {
		shell_error(sh, "usage: watch alarm HH:MM | off");
		return -EINVAL;
	}
	if (strcmp(argv[1], "off") == 0) {
		alarm_sod = -1;
		shell_print(sh, "alarm off");
		return 0;
	}
	int sod = clock_parse_hms(argv[1]);
	if (sod < 0) {
		shell_error(sh, "not a time: %s (HH:MM)", argv[1]);
		return -EINVAL;
	}
	alarm_sod = sod;
	shell_print(sh, "alarm at %02d:%02d", sod / 3600, sod / 60 % 60);
	return 0;
}

static int cmd_next(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	atomic_inc(&next_screen_requests);
	shell_print(sh, "next screen");
	return 0;
}

SHELL_STATIC_SUBCMD_SET_CREATE(watch_time_cmds,
	SHELL_CMD_ARG(set, NULL, "set the clock: YYYY-MM-DD HH:MM[:SS]", cmd_time_set, 3, 0),
	SHELL_SUBCMD_SET_END);
SHELL_STATIC_SUBCMD_SET_CREATE(watch_cmds,
	SHELL_CMD(time, &watch_time_cmds, "show the time; `set` sets it", cmd_time),
	SHELL_CMD_ARG(alarm, NULL, "buzz daily at HH:MM, or `off`", cmd_alarm, 2, 0),
	SHELL_CMD(next, NULL, "show the next screen (as the touch key does)", cmd_next),
	SHELL_SUBCMD_SET_END);
SHELL_CMD_REGISTER(watch, &watch_cmds, "the watch: time, alarm, screens", NULL);
