/*
 * TI AFE4900 optical front end (the Mi Band 4's heart-rate sensor), for
 * Zephyr's sensor API, with its sample FIFO.
 *
 * What the register interface is, and how sure we are (no datasheet was read;
 * docs/hardware.md and crates/mb4-parts/src/afe4900.rs give the sources):
 *  - I2C framing of the AFE44xx family: a register address byte, then 24-bit
 *    words MSB first; a burst goes to consecutive registers, except the FIFO
 *    port 0xFF, which stays put. Two public drivers agree.
 *  - CONTROL0 (0x00): SW_RESET bit 3, ENABLE_ULP bit 5 (needed before any
 *    write at 0x23 and above), FIFO_EN bit 6 (inferred from a set-up table
 *    writing 0x60). CONTROL1 (0x1E): TIMEREN bit 8. CONTROL2 (0x23): OSC_EN
 *    bit 9. PRPCT (0x1D): the period − 1 in timing-engine counts. CLKDIV
 *    (0x39): 5 divides the 128 kHz oscillator by 4. DATA_RDY_STC/ENDC
 *    (0x52/0x53), POINTER_DIFF (0x6D: FIFO words waiting).
 *  - The phase timing table below follows the AFE44xx scheme (sample, convert
 *    and ADC-reset windows per phase, then a power-down window); its numbers
 *    are ours. To check on a band.
 *
 * Each conversion yields four words: LED2, ambient 2, LED1, ambient 1. The
 * driver reports LED1 minus its ambient phase as SENSOR_CHAN_GREEN. Heart rate
 * is the application's job (firmware/app/src/heart_rate.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define DT_DRV_COMPAT ti_afe4900

#include <zephyr/device.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/i2c.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/pm/device.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/util.h>

#include <mb4/drivers/sensor/afe4900.h>

LOG_MODULE_REGISTER(afe4900, CONFIG_SENSOR_LOG_LEVEL);

#define REG_CONTROL0     0x00
#define REG_PRPCT        0x1D
#define REG_CONTROL1     0x1E
#define REG_CONTROL2     0x23
#define REG_LED1VAL      0x2C
#define REG_ALED1VAL     0x2D
#define REG_CLKDIV       0x39
#define REG_FIFO_CONFIG  0x42
#define REG_DATA_RDY_STC 0x52
#define REG_DATA_RDY_END 0x53
#define REG_POINTER_DIFF 0x6D
#define REG_FIFO_DATA    0xFF

#define CONTROL0_SW_RESET   BIT(3)
#define CONTROL0_ENABLE_ULP BIT(5)
#define CONTROL0_FIFO_EN    BIT(6)
#define CONTROL1_TIMEREN    BIT(8)
#define CONTROL2_OSC_EN     BIT(9)

/* The 128 kHz oscillator divided by 4 (CLKDIV 5): 32 000 counts a second. */
#define OSC_HZ        128000
#define CLKDIV_BY_4   5
#define TE_HZ         (OSC_HZ / 4)
#define WORDS_PER_SET 4
#define WORD_BYTES    3

/*
 * One period in timing-engine counts: the four phases sample for 4 counts
 * each (125 µs), convert after all four have been sampled, and data is ready
 * at count 40. Registers 0x01-0x1C, in the AFE44xx order: start/end pairs for
 * LED2 sample, LED1 LED on, ambient 2 sample, LED1 sample, LED2 LED on,
 * ambient 1 sample, the four conversions, and the four ADC resets.
 */
static const uint16_t phase_timing[][2] = {
	{0x01, 0}, {0x02, 3},   /* LED2 sample */
	{0x03, 8}, {0x04, 11},  /* LED1 on */
	{0x05, 4}, {0x06, 7},   /* ambient 2 sample */
	{0x07, 8}, {0x08, 11},  /* LED1 sample */
	{0x09, 0}, {0x0A, 3},   /* LED2 on */
	{0x0B, 12}, {0x0C, 15}, /* ambient 1 sample */
	{0x0D, 18}, {0x0E, 22}, /* LED2 convert */
	{0x0F, 24}, {0x10, 28}, /* ambient 2 convert */
	{0x11, 30}, {0x12, 34}, /* LED1 convert */
	{0x13, 36}, {0x14, 39}, /* ambient 1 convert */
	{0x15, 16}, {0x16, 17}, /* ADC resets */
	{0x17, 23}, {0x18, 23}, {0x19, 29}, {0x1A, 29}, {0x1B, 35}, {0x1C, 35},
};
#define DATA_READY_COUNT 40

struct afe4900_config {
	struct i2c_dt_spec bus;
	struct gpio_dt_spec reset;
	uint16_t sample_rate_hz;
};

struct afe4900_data {
	uint16_t rate_hz;
	bool running;
	/* Suspended while running: resume starts it again. */
	bool resume_running;
	/* Green samples (LED1 − ambient 1) from the last fetch, oldest first. */
	int32_t samples[CONFIG_AFE4900_FIFO_SETS];
	uint16_t count;
	int32_t last;
};

static int write_reg(const struct afe4900_config *cfg, uint8_t reg, uint32_t value)
{
	uint8_t buf[1 + WORD_BYTES] = {reg};

	sys_put_be24(value, &buf[1]);
	return i2c_write_dt(&cfg->bus, buf, sizeof(buf));
}

static int read_regs(const struct afe4900_config *cfg, uint8_t reg, uint8_t *buf, size_t len)
{
	return i2c_write_read_dt(&cfg->bus, &reg, 1, buf, len);
}

/* A 24-bit two's complement word, as the ADC writes it. */
static int32_t word_at(const uint8_t *p)
{
	return sign_extend(sys_get_be24(p), 23);
}

/*
 * While the timing engine runs, the part fills its FIFO on its own, also while
 * the SoC sleeps: the device is marked busy so that system power management
 * does not suspend it (and stop the LEDs) each time the SoC goes to sleep.
 */
static void set_running(const struct device *dev, bool running)
{
	struct afe4900_data *data = dev->data;

	data->running = running;
#ifdef CONFIG_PM_DEVICE
	if (running) {
		pm_device_busy_set(dev);
	} else {
		pm_device_busy_clear(dev);
	}
#endif
}

/* Sets the period and starts (or stops, rate 0) the timing engine. */
static int afe4900_set_rate(const struct device *dev, uint16_t rate_hz)
{
	const struct afe4900_config *cfg = dev->config;
	struct afe4900_data *data = dev->data;
	int err;

	if (rate_hz == 0) {
		err = write_reg(cfg, REG_CONTROL1, 0);
		if (err == 0) {
			set_running(dev, false);
		}
		return err;
	}
	if (rate_hz > CONFIG_AFE4900_MAX_RATE_HZ || TE_HZ / rate_hz <= DATA_READY_COUNT + 2) {
		return -EINVAL;
	}
	err = write_reg(cfg, REG_PRPCT, TE_HZ / rate_hz - 1);
	if (err == 0) {
		err = write_reg(cfg, REG_CONTROL1, CONTROL1_TIMEREN);
	}
	if (err == 0) {
		data->rate_hz = rate_hz;
		set_running(dev, true);
	}
	return err;
}

static int afe4900_setup(const struct device *dev)
{
	const struct afe4900_config *cfg = dev->config;
	struct afe4900_data *data = dev->data;
	int err;

	err = write_reg(cfg, REG_CONTROL0, CONTROL0_SW_RESET);
	if (err != 0) {
		return err;
	}
	k_usleep(100);
	/* ENABLE_ULP first: the part ignores writes at 0x23 and above without it. */
	err = write_reg(cfg, REG_CONTROL0, CONTROL0_ENABLE_ULP);
	for (size_t i = 0; err == 0 && i < ARRAY_SIZE(phase_timing); i++) {
		err = write_reg(cfg, phase_timing[i][0], phase_timing[i][1]);
	}
	if (err == 0) {
		err = write_reg(cfg, REG_CONTROL2, CONTROL2_OSC_EN);
	}
	if (err == 0) {
		err = write_reg(cfg, REG_CLKDIV, CLKDIV_BY_4);
	}
	if (err == 0) {
		err = write_reg(cfg, REG_DATA_RDY_STC, DATA_READY_COUNT);
	}
	if (err == 0) {
		err = write_reg(cfg, REG_DATA_RDY_END, DATA_READY_COUNT + 1);
	}
	if (err == 0) {
		/* Watermark (bits 13:6) at a full buffer's worth of words. */
		err = write_reg(cfg, REG_FIFO_CONFIG,
				((CONFIG_AFE4900_FIFO_SETS * WORDS_PER_SET - 1) & 0xFF) << 6);
	}
	if (err == 0) {
		err = write_reg(cfg, REG_CONTROL0, CONTROL0_ENABLE_ULP | CONTROL0_FIFO_EN);
	}
	if (err == 0) {
		err = afe4900_set_rate(dev, data->rate_hz);
	}
	return err;
}

/*
 * Drains the FIFO: every complete set of four words becomes one green sample.
 * When more sets wait than the buffer holds, the oldest are read and dropped
 * so that the newest are kept.
 */
static int afe4900_sample_fetch(const struct device *dev, enum sensor_channel chan)
{
	const struct afe4900_config *cfg = dev->config;
	struct afe4900_data *data = dev->data;
	uint8_t buf[WORDS_PER_SET * WORD_BYTES];
	int err;

	if (chan != SENSOR_CHAN_ALL && chan != SENSOR_CHAN_GREEN) {
		return -ENOTSUP;
	}
	err = read_regs(cfg, REG_POINTER_DIFF, buf, WORD_BYTES);
	if (err != 0) {
		return err;
	}
	uint32_t sets = sys_get_be24(buf) / WORDS_PER_SET;

	data->count = 0;
	if (sets == 0) {
		/* Nothing queued (FIFO off or just drained): the latest result. */
		err = read_regs(cfg, REG_LED1VAL, buf, 2 * WORD_BYTES);
		if (err == 0) {
			data->last = word_at(&buf[0]) - word_at(&buf[WORD_BYTES]);
		}
		return err;
	}
	for (uint32_t i = 0; i < sets; i++) {
		err = read_regs(cfg, REG_FIFO_DATA, buf, sizeof(buf));
		if (err != 0) {
			return err;
		}
		int32_t green = word_at(&buf[2 * WORD_BYTES]) - word_at(&buf[3 * WORD_BYTES]);

		if (data->count == ARRAY_SIZE(data->samples)) {
			memmove(&data->samples[0], &data->samples[1],
				sizeof(data->samples) - sizeof(data->samples[0]));
			data->count--;
		}
		data->samples[data->count++] = green;
		data->last = green;
	}
	return 0;
}

static int afe4900_channel_get(const struct device *dev, enum sensor_channel chan,
			       struct sensor_value *val)
{
	struct afe4900_data *data = dev->data;

	if (chan != SENSOR_CHAN_GREEN) {
		return -ENOTSUP;
	}
	val->val1 = data->last;
	val->val2 = 0;
	return 0;
}

static int afe4900_attr_set(const struct device *dev, enum sensor_channel chan,
			    enum sensor_attribute attr, const struct sensor_value *val)
{
	if (attr != SENSOR_ATTR_SAMPLING_FREQUENCY || val->val1 < 0 || val->val1 > UINT16_MAX) {
		return -ENOTSUP;
	}
	return afe4900_set_rate(dev, (uint16_t)val->val1);
}

static int afe4900_attr_get(const struct device *dev, enum sensor_channel chan,
			    enum sensor_attribute attr, struct sensor_value *val)
{
	struct afe4900_data *data = dev->data;

	if (attr != SENSOR_ATTR_SAMPLING_FREQUENCY) {
		return -ENOTSUP;
	}
	val->val1 = data->running ? data->rate_hz : 0;
	val->val2 = 0;
	return 0;
}

int afe4900_fifo_samples(const struct device *dev, int32_t *out, size_t max)
{
	struct afe4900_data *data = dev->data;
	size_t n = MIN(max, data->count);

	memcpy(out, &data->samples[data->count - n], n * sizeof(*out));
	return (int)n;
}

uint16_t afe4900_rate_hz(const struct device *dev)
{
	struct afe4900_data *data = dev->data;

	return data->rate_hz;
}

#ifdef CONFIG_PM_DEVICE
/* Suspended, the timing engine stops (no LED pulses, no conversions); resumed,
 * it runs again if it ran before. */
static int afe4900_pm_action(const struct device *dev, enum pm_device_action action)
{
	struct afe4900_data *data = dev->data;
	int err = 0;

	switch (action) {
	case PM_DEVICE_ACTION_SUSPEND:
		data->resume_running = data->running;
		if (data->running) {
			err = afe4900_set_rate(dev, 0);
		}
		break;
	case PM_DEVICE_ACTION_RESUME:
		if (data->resume_running) {
			err = afe4900_set_rate(dev, data->rate_hz);
			data->resume_running = false;
		}
		break;
	default:
		return -ENOTSUP;
	}
	return err;
}
#endif

static int afe4900_init(const struct device *dev)
{
	const struct afe4900_config *cfg = dev->config;
	struct afe4900_data *data = dev->data;
	int err;

	if (!i2c_is_ready_dt(&cfg->bus)) {
		LOG_ERR("I2C bus not ready");
		return -ENODEV;
	}
	if (cfg->reset.port != NULL) {
		if (!gpio_is_ready_dt(&cfg->reset)) {
			return -ENODEV;
		}
		/* RESETZ released: a short low pulse would reset the part, a long
		 * one powers it down; the software reset below does the rest. */
		err = gpio_pin_configure_dt(&cfg->reset, GPIO_OUTPUT_INACTIVE);
		if (err != 0) {
			return err;
		}
	}
	data->rate_hz = cfg->sample_rate_hz;
	err = afe4900_setup(dev);
	if (err != 0) {
		LOG_ERR("set-up failed (%d): is the part on the bus?", err);
		return err;
	}
	LOG_INF("sampling at %u Hz", data->rate_hz);
	return 0;
}

static DEVICE_API(sensor, afe4900_api) = {
	.sample_fetch = afe4900_sample_fetch,
	.channel_get = afe4900_channel_get,
	.attr_set = afe4900_attr_set,
	.attr_get = afe4900_attr_get,
};

#define AFE4900_DEFINE(inst)                                                                       \
	static struct afe4900_data afe4900_data_##inst;                                            \
	static const struct afe4900_config afe4900_config_##inst = {                               \
		.bus = I2C_DT_SPEC_INST_GET(inst),                                                 \
		.reset = GPIO_DT_SPEC_INST_GET_OR(inst, reset_gpios, {0}),                         \
		.sample_rate_hz = DT_INST_PROP(inst, sample_rate_hz),                              \
	};                                                                                         \
	BUILD_ASSERT(DT_INST_PROP(inst, sample_rate_hz) <= CONFIG_AFE4900_MAX_RATE_HZ,             \
		     "sample-rate-hz above CONFIG_AFE4900_MAX_RATE_HZ");                           \
	PM_DEVICE_DT_INST_DEFINE(inst, afe4900_pm_action);                                         \
	SENSOR_DEVICE_DT_INST_DEFINE(inst, afe4900_init, PM_DEVICE_DT_INST_GET(inst),              \
				     &afe4900_data_##inst, &afe4900_config_##inst, POST_KERNEL,    \
				     CONFIG_SENSOR_INIT_PRIORITY, &afe4900_api);

DT_INST_FOREACH_STATUS_OKAY(AFE4900_DEFINE)
