/*
 * Zinitix BT5xx-family touch controller (the Mi Band 4's touch screen and
 * touch key), for Zephyr's input subsystem.
 *
 * Register interface as the Linux zinitix driver uses it: 16-bit register
 * addresses and 16-bit words, little endian; addresses 0x0000-0x000F alone are
 * commands. The band's exact part is unknown, so only what the family shares
 * is used: the point record at 0x0080 (status, finger mask, x, y, sub-status)
 * and the touch-key state at 0x00AA.
 *
 * The controller is polled: the board's interrupt pin is an unverified
 * placeholder, and polling works whatever the pin is. Touches are reported
 * as INPUT_ABS_X/Y with INPUT_BTN_TOUCH; the touch key as the key code of the
 * `zephyr,code` property (default INPUT_KEY_HOME).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define DT_DRV_COMPAT zinitix_bt5xx

#include <zephyr/device.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/i2c.h>
#include <zephyr/input/input.h>
#include <zephyr/input/input_touch.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/byteorder.h>

LOG_MODULE_REGISTER(zinitix, CONFIG_INPUT_LOG_LEVEL);

#define ZINITIX_SWRESET         0x0000
#define ZINITIX_WAKEUP          0x0001
#define ZINITIX_CLEAR_INT       0x0003
#define ZINITIX_CHIP_REVISION   0x0011
#define ZINITIX_POINT_STATUS    0x0080
#define ZINITIX_ICON_STATUS     0x00AA
#define ZINITIX_INT_ENABLE_FLAG 0x00F0

#define STATUS_ICON_EVENT BIT(15)
#define SUB_STATUS_EXIST  BIT(0)

struct zinitix_config {
	struct input_touchscreen_common_config common;
	struct i2c_dt_spec bus;
	struct gpio_dt_spec reset;
	uint16_t key_code;
};

struct zinitix_data {
	const struct device *dev;
	struct k_work_delayable poll;
	bool touched;
	bool key_down;
};

static int zinitix_command(const struct zinitix_config *cfg, uint16_t cmd)
{
	uint8_t buf[2];

	sys_put_le16(cmd, buf);
	return i2c_write_dt(&cfg->bus, buf, sizeof(buf));
}

static int zinitix_write_word(const struct zinitix_config *cfg, uint16_t reg, uint16_t value)
{
	uint8_t buf[4];

	sys_put_le16(reg, buf);
	sys_put_le16(value, buf + 2);
	return i2c_write_dt(&cfg->bus, buf, sizeof(buf));
}

static int zinitix_read_words(const struct zinitix_config *cfg, uint16_t reg, uint16_t *words,
			      size_t n)
{
	uint8_t addr[2];
	uint8_t buf[10];

	if (n * 2 > sizeof(buf)) {
		return -EINVAL;
	}
	sys_put_le16(reg, addr);
	int ret = i2c_write_read_dt(&cfg->bus, addr, sizeof(addr), buf, n * 2);

	if (ret < 0) {
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		words[i] = sys_get_le16(buf + 2 * i);
	}
	return 0;
}

static void zinitix_poll(struct k_work *work)
{
	struct k_work_delayable *dwork = k_work_delayable_from_work(work);
	struct zinitix_data *data = CONTAINER_OF(dwork, struct zinitix_data, poll);
	const struct device *dev = data->dev;
	const struct zinitix_config *cfg = dev->config;
	/* status, finger mask and time stamp, x, y, width and sub-status */
	uint16_t point[5];

	if (zinitix_read_words(cfg, ZINITIX_POINT_STATUS, point, ARRAY_SIZE(point)) < 0) {
		goto again;
	}
	if (point[0] & STATUS_ICON_EVENT) {
		uint16_t icons;

		if (zinitix_read_words(cfg, ZINITIX_ICON_STATUS, &icons, 1) == 0) {
			bool down = icons & BIT(0);

			if (down != data->key_down) {
				data->key_down = down;
				input_report_key(dev, cfg->key_code, down, true, K_FOREVER);
			}
		}
	}
	bool exists = (point[4] >> 8) & SUB_STATUS_EXIST;

	if (exists) {
		input_touchscreen_report_pos(dev, point[2], point[3], K_FOREVER);
		input_report_key(dev, INPUT_BTN_TOUCH, 1, true, K_FOREVER);
		data->touched = true;
	} else if (data->touched) {
		input_report_key(dev, INPUT_BTN_TOUCH, 0, true, K_FOREVER);
		data->touched = false;
	}
	if (point[0] != 0) {
		(void)zinitix_command(cfg, ZINITIX_CLEAR_INT);
	}
again:
	k_work_reschedule(&data->poll, K_MSEC(CONFIG_INPUT_ZINITIX_POLL_PERIOD_MS));
}

static int zinitix_init(const struct device *dev)
{
	const struct zinitix_config *cfg = dev->config;
	struct zinitix_data *data = dev->data;
	uint16_t revision;
	int ret;

	if (!i2c_is_ready_dt(&cfg->bus)) {
		LOG_ERR("I2C bus not ready");
		return -ENODEV;
	}
	if (cfg->reset.port != NULL && gpio_is_ready_dt(&cfg->reset)) {
		gpio_pin_configure_dt(&cfg->reset, GPIO_OUTPUT_ACTIVE);
		k_msleep(1);
		gpio_pin_set_dt(&cfg->reset, 0);
		k_msleep(10);
	}
	ret = zinitix_command(cfg, ZINITIX_SWRESET);
	if (ret < 0) {
		LOG_ERR("no answer at 0x%02x (%d)", cfg->bus.addr, ret);
		return ret;
	}
	(void)zinitix_command(cfg, ZINITIX_WAKEUP);
	ret = zinitix_read_words(cfg, ZINITIX_CHIP_REVISION, &revision, 1);
	if (ret < 0) {
		return ret;
	}
	LOG_INF("chip revision 0x%04x", revision);
	/* Every event asserts the interrupt status (read here by polling). */
	(void)zinitix_write_word(cfg, ZINITIX_INT_ENABLE_FLAG, 0xFFFF);
	(void)zinitix_command(cfg, ZINITIX_CLEAR_INT);

	data->dev = dev;
	k_work_init_delayable(&data->poll, zinitix_poll);
	k_work_reschedule(&data->poll, K_MSEC(CONFIG_INPUT_ZINITIX_POLL_PERIOD_MS));
	return 0;
}

#define ZINITIX_DEFINE(inst)                                                                       \
	static const struct zinitix_config zinitix_config_##inst = {                               \
		.common = INPUT_TOUCH_DT_INST_COMMON_CONFIG_INIT(inst),                            \
		.bus = I2C_DT_SPEC_INST_GET(inst),                                                 \
		.reset = GPIO_DT_SPEC_INST_GET_OR(inst, reset_gpios, {0}),                         \
		.key_code = DT_INST_PROP_OR(inst, zephyr_code, INPUT_KEY_HOME),                    \
	};                                                                                         \
	static struct zinitix_data zinitix_data_##inst;                                            \
	DEVICE_DT_INST_DEFINE(inst, zinitix_init, NULL, &zinitix_data_##inst,                      \
			      &zinitix_config_##inst, POST_KERNEL, CONFIG_INPUT_INIT_PRIORITY,     \
			      NULL);

DT_INST_FOREACH_STATUS_OKAY(ZINITIX_DEFINE)
