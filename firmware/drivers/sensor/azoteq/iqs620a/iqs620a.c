/*
 * Azoteq IQS620A (the Mi Band 4's wear sensor), for Zephyr's sensor API:
 * SENSOR_CHAN_PROX reads 1 while skin is near the band's back.
 *
 * Registers as two public drivers use them (Brilliant Labs' IQS620 driver
 * and ZSband's; no datasheet was read, confidence S): PROD_NUM 0x00 = 0x41;
 * SYS_FLAGS 0x10 (bit 7 SHOW_RESET, bit 2 IN_ATI); GLOBAL_EVENTS 0x11;
 * PROX_FUSION_FLAGS 0x12 (bits 0-2 proximity per channel, bits 4-6 touch);
 * channel counts from 0x20, u16 little endian; SYS_SETTINGS 0xD0 (bit 7
 * SOFT_RESET, bit 6 ACK_RESET, bit 1 REDO_ATI).
 *
 * The part answers I2C in communication windows, which it signals on RDY;
 * outside one it stretches the clock until the next (forced communication),
 * so a polled driver works without the RDY pin, which on the band is not
 * known yet. If the part reports a reset (SHOW_RESET), it is set up again.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define DT_DRV_COMPAT azoteq_iqs620a

#include <zephyr/device.h>
#include <zephyr/drivers/i2c.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/util.h>

LOG_MODULE_REGISTER(iqs620a, CONFIG_SENSOR_LOG_LEVEL);

#define REG_PROD_NUM     0x00
#define REG_SYS_FLAGS    0x10
#define REG_COUNTS       0x20
#define REG_SYS_SETTINGS 0xD0

#define PROD_NUM_IQS620A 0x41

#define SYS_FLAGS_SHOW_RESET BIT(7)
#define SYS_FLAGS_IN_ATI     BIT(2)
#define SETTINGS_ACK_RESET   BIT(6)
#define SETTINGS_REDO_ATI    BIT(1)

/* The wear electrode is proximity channel 0 (the model's choice; to check). */
#define WEAR_PROX_BIT  BIT(0)

/* ATI (auto-tuning) takes tens of ms; give up after a second. */
#define ATI_POLL_MS    10
#define ATI_TIMEOUT_MS 1000

struct iqs620a_config {
	struct i2c_dt_spec bus;
};

struct iqs620a_data {
	uint8_t prox_flags;
	uint16_t count0;
};

/* Acknowledges the reset flag and re-tunes the channels, then waits. */
static int iqs620a_setup(const struct device *dev)
{
	const struct iqs620a_config *cfg = dev->config;
	uint8_t settings, flags;
	int err;

	err = i2c_reg_read_byte_dt(&cfg->bus, REG_SYS_SETTINGS, &settings);
	if (err == 0) {
		err = i2c_reg_write_byte_dt(&cfg->bus, REG_SYS_SETTINGS,
					    settings | SETTINGS_ACK_RESET | SETTINGS_REDO_ATI);
	}
	for (int waited = 0; err == 0; waited += ATI_POLL_MS) {
		k_msleep(ATI_POLL_MS);
		err = i2c_reg_read_byte_dt(&cfg->bus, REG_SYS_FLAGS, &flags);
		if (err == 0 && !(flags & SYS_FLAGS_IN_ATI)) {
			return 0;
		}
		if (waited >= ATI_TIMEOUT_MS) {
			LOG_ERR("ATI did not finish in %d ms", ATI_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
	}
	return err;
}

static int iqs620a_sample_fetch(const struct device *dev, enum sensor_channel chan)
{
	const struct iqs620a_config *cfg = dev->config;
	struct iqs620a_data *data = dev->data;
	/* SYS_FLAGS, GLOBAL_EVENTS, PROX_FUSION_FLAGS in one read. */
	uint8_t flags[3];
	uint8_t counts[2];
	int err;

	if (chan != SENSOR_CHAN_ALL && chan != SENSOR_CHAN_PROX) {
		return -ENOTSUP;
	}
	err = i2c_burst_read_dt(&cfg->bus, REG_SYS_FLAGS, flags, sizeof(flags));
	if (err != 0) {
		return err;
	}
	if (flags[0] & SYS_FLAGS_SHOW_RESET) {
		LOG_WRN("the part reset itself; setting it up again");
		err = iqs620a_setup(dev);
		if (err == 0) {
			err = i2c_burst_read_dt(&cfg->bus, REG_SYS_FLAGS, flags, sizeof(flags));
		}
		if (err != 0) {
			return err;
		}
	}
	err = i2c_burst_read_dt(&cfg->bus, REG_COUNTS, counts, sizeof(counts));
	if (err != 0) {
		return err;
	}
	data->prox_flags = flags[2];
	data->count0 = sys_get_le16(counts);
	return 0;
}

static int iqs620a_channel_get(const struct device *dev, enum sensor_channel chan,
			       struct sensor_value *val)
{
	struct iqs620a_data *data = dev->data;

	if (chan != SENSOR_CHAN_PROX) {
		return -ENOTSUP;
	}
	/* val1: worn (proximity on the wear channel); val2: the channel's raw count,
	 * for tuning thresholds on a band. */
	val->val1 = (data->prox_flags & WEAR_PROX_BIT) ? 1 : 0;
	val->val2 = data->count0;
	return 0;
}

static int iqs620a_init(const struct device *dev)
{
	const struct iqs620a_config *cfg = dev->config;
	uint8_t prod;
	int err;

	if (!i2c_is_ready_dt(&cfg->bus)) {
		LOG_ERR("I2C bus not ready");
		return -ENODEV;
	}
	err = i2c_reg_read_byte_dt(&cfg->bus, REG_PROD_NUM, &prod);
	if (err != 0) {
		LOG_ERR("no answer at 0x%02x (%d)", cfg->bus.addr, err);
		return err;
	}
	if (prod != PROD_NUM_IQS620A) {
		LOG_ERR("product number 0x%02x, expected 0x%02x", prod, PROD_NUM_IQS620A);
		return -ENODEV;
	}
	return iqs620a_setup(dev);
}

static DEVICE_API(sensor, iqs620a_api) = {
	.sample_fetch = iqs620a_sample_fetch,
	.channel_get = iqs620a_channel_get,
};

#define IQS620A_DEFINE(inst)                                                                       \
	static struct iqs620a_data iqs620a_data_##inst;                                            \
	static const struct iqs620a_config iqs620a_config_##inst = {                               \
		.bus = I2C_DT_SPEC_INST_GET(inst),                                                 \
	};                                                                                         \
	SENSOR_DEVICE_DT_INST_DEFINE(inst, iqs620a_init, NULL, &iqs620a_data_##inst,               \
				     &iqs620a_config_##inst, POST_KERNEL,                          \
				     CONFIG_SENSOR_INIT_PRIORITY, &iqs620a_api);

DT_INST_FOREACH_STATUS_OKAY(IQS620A_DEFINE)
