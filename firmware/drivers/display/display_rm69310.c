/*
 * Raydium RM69310 AMOLED display controller on a MIPI-DBI host.
 *
 * The Mi Band 4's 0.95" 120x240 panel. The controller's frame memory is 128
 * columns wide and the panel shows columns 4..123 of it, so every window is
 * shifted by x-offset. Facts come from the Dialog SDK's rm69310 panel
 * configuration and the ZSband driver (docs/hardware.md, "Display"):
 * page 0x01 of the manufacturer command set holds the memory geometry, and
 * windows must start on an even row and column and span an even size.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define DT_DRV_COMPAT raydium_rm69310

#include <zephyr/device.h>
#include <zephyr/display/mipi_display.h>
#include <zephyr/drivers/display.h>
#include <zephyr/drivers/mipi_dbi.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/pm/device.h>
#include <zephyr/sys/byteorder.h>

LOG_MODULE_REGISTER(display_rm69310, CONFIG_DISPLAY_LOG_LEVEL);

/* Manufacturer commands (RM69310 command set, pages selected by 0xFE). */
#define RM69310_CMD_PAGE_SELECT 0xFE
#define RM69310_PAGE_USER       0x00 /* DCS and user commands */
#define RM69310_PAGE_CMD2_P0    0x01 /* memory geometry */
#define RM69310_CMD_SPI_WRAM    0x04 /* page 0x01: frame memory write mode */
#define RM69310_CMD_COLUMNS     0x05 /* page 0x01: frame memory column setup */
#define RM69310_CMD_LINES       0x06 /* page 0x01: number of lines / 4 */
#define RM69310_CMD_SPI_MODE    0xC4 /* user page: SPI frame memory access */

/* Values from the Dialog SDK rm69310 configuration for a 128-column memory. */
#define RM69310_SPI_WRAM_ON     0xA0
#define RM69310_COLUMNS_128     0x70
#define RM69310_SPI_MODE_WRAM   0x80

/* Time the controller needs after a reset or sleep-out before more commands. */
#define RM69310_RESET_WAIT_MS     120
#define RM69310_SLEEP_OUT_WAIT_MS 120
#define RM69310_RESET_PULSE_MS    10

struct rm69310_config {
	const struct device *mipi_dev;
	struct mipi_dbi_config dbi_config;
	uint16_t width;
	uint16_t height;
	uint16_t x_offset;
	uint16_t y_offset;
	uint8_t brightness;
};

struct rm69310_data {
	enum display_pixel_format pixel_format;
};

/* One command of an init sequence: code, parameters, wait after sending. */
struct rm69310_cmd {
	uint8_t cmd;
	uint8_t len;
	uint8_t data[2];
	uint16_t wait_ms;
};

static int rm69310_send(const struct device *dev, uint8_t cmd, const uint8_t *data, size_t len)
{
	const struct rm69310_config *config = dev->config;

	return mipi_dbi_command_write(config->mipi_dev, &config->dbi_config, cmd, data, len);
}

static int rm69310_send_all(const struct device *dev, const struct rm69310_cmd *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ret = rm69310_send(dev, cmds[i].cmd, cmds[i].data, cmds[i].len);

		if (ret < 0) {
			LOG_ERR("command 0x%02x failed (%d)", cmds[i].cmd, ret);
			return ret;
		}
		if (cmds[i].wait_ms > 0) {
			k_msleep(cmds[i].wait_ms);
		}
	}
	return 0;
}

static uint8_t rm69310_dcs_pixel_format(enum display_pixel_format format)
{
	return format == PIXEL_FORMAT_RGB_888 ? MIPI_DCS_PIXEL_FORMAT_24BIT
					      : MIPI_DCS_PIXEL_FORMAT_16BIT;
}

static int rm69310_configure(const struct device *dev)
{
	const struct rm69310_config *config = dev->config;
	struct rm69310_data *data = dev->data;
	/* The panel is 240 lines; the controller counts them in fours. */
	const uint8_t lines = config->height / 4;
	const struct rm69310_cmd init[] = {
		{RM69310_CMD_PAGE_SELECT, 1, {RM69310_PAGE_CMD2_P0}, 0},
		{RM69310_CMD_SPI_WRAM, 1, {RM69310_SPI_WRAM_ON}, 0},
		{RM69310_CMD_COLUMNS, 1, {RM69310_COLUMNS_128}, 0},
		{RM69310_CMD_LINES, 1, {lines}, 0},
		{RM69310_CMD_PAGE_SELECT, 1, {RM69310_PAGE_USER}, 0},
		{RM69310_CMD_SPI_MODE, 1, {RM69310_SPI_MODE_WRAM}, 0},
		{MIPI_DCS_SET_PIXEL_FORMAT, 1, {rm69310_dcs_pixel_format(data->pixel_format)}, 0},
		/* Tearing-effect output on V-blank only, for the LCDC's TE input. */
		{MIPI_DCS_SET_TEAR_ON, 1, {0x00}, 0},
		{MIPI_DCS_SET_DISPLAY_BRIGHTNESS, 1, {config->brightness}, 0},
		{MIPI_DCS_EXIT_SLEEP_MODE, 0, {0}, RM69310_SLEEP_OUT_WAIT_MS},
	};

	return rm69310_send_all(dev, init, ARRAY_SIZE(init));
}

static int rm69310_set_window(const struct device *dev, uint16_t x, uint16_t y, uint16_t w,
			      uint16_t h)
{
	const struct rm69310_config *config = dev->config;
	uint16_t range[2];
	int ret;

	range[0] = sys_cpu_to_be16(x + config->x_offset);
	range[1] = sys_cpu_to_be16(x + config->x_offset + w - 1);
	ret = rm69310_send(dev, MIPI_DCS_SET_COLUMN_ADDRESS, (uint8_t *)range, sizeof(range));
	if (ret < 0) {
		return ret;
	}

	range[0] = sys_cpu_to_be16(y + config->y_offset);
	range[1] = sys_cpu_to_be16(y + config->y_offset + h - 1);
	return rm69310_send(dev, MIPI_DCS_SET_PAGE_ADDRESS, (uint8_t *)range, sizeof(range));
}

static int rm69310_write(const struct device *dev, const uint16_t x, const uint16_t y,
			 const struct display_buffer_descriptor *desc, const void *buf)
{
	const struct rm69310_config *config = dev->config;
	struct rm69310_data *data = dev->data;
	const size_t bytes_per_pixel = DISPLAY_BITS_PER_PIXEL(data->pixel_format) / 8;
	struct display_buffer_descriptor line = *desc;
	const uint8_t *src = buf;
	int ret;

	if (desc->width == 0 || desc->height == 0 || x + desc->width > config->width ||
	    y + desc->height > config->height) {
		LOG_ERR("area %ux%u at (%u,%u) is outside the %ux%u panel", desc->width,
			desc->height, x, y, config->width, config->height);
		return -EINVAL;
	}
	if ((x | y | desc->width | desc->height) & 1) {
		LOG_ERR("area %ux%u at (%u,%u): the RM69310 needs even positions and sizes",
			desc->width, desc->height, x, y);
		return -EINVAL;
	}
	if (desc->pitch < desc->width ||
	    desc->buf_size < (size_t)desc->pitch * (desc->height - 1) * bytes_per_pixel +
				     (size_t)desc->width * bytes_per_pixel) {
		LOG_ERR("buffer of %u bytes is too small for %ux%u (pitch %u)", desc->buf_size,
			desc->width, desc->height, desc->pitch);
		return -EINVAL;
	}

	ret = rm69310_set_window(dev, x, y, desc->width, desc->height);
	if (ret < 0) {
		return ret;
	}
	ret = rm69310_send(dev, MIPI_DCS_WRITE_MEMORY_START, NULL, 0);
	if (ret < 0) {
		return ret;
	}

	/*
	 * A MIPI-DBI host sends whole rows without a stride. A buffer whose
	 * pitch is its width goes in one transfer; otherwise each row goes on
	 * its own, and the controller keeps filling the window in order.
	 */
	if (desc->pitch == desc->width) {
		line.buf_size = (size_t)desc->width * desc->height * bytes_per_pixel;
		return mipi_dbi_write_display(config->mipi_dev, &config->dbi_config, src, &line,
					      data->pixel_format);
	}

	line.height = 1;
	line.pitch = desc->width;
	line.buf_size = desc->width * bytes_per_pixel;
	for (uint16_t row = 0; row < desc->height; row++) {
		ret = mipi_dbi_write_display(config->mipi_dev, &config->dbi_config, src, &line,
					     data->pixel_format);
		if (ret < 0) {
			return ret;
		}
		src += (size_t)desc->pitch * bytes_per_pixel;
	}
	return 0;
}

static int rm69310_blanking_on(const struct device *dev)
{
	return rm69310_send(dev, MIPI_DCS_SET_DISPLAY_OFF, NULL, 0);
}

static int rm69310_blanking_off(const struct device *dev)
{
	return rm69310_send(dev, MIPI_DCS_SET_DISPLAY_ON, NULL, 0);
}

/* An AMOLED has no backlight: brightness is the controller's own dimming. */
static int rm69310_set_brightness(const struct device *dev, const uint8_t brightness)
{
	return rm69310_send(dev, MIPI_DCS_SET_DISPLAY_BRIGHTNESS, &brightness, 1);
}

static int rm69310_set_pixel_format(const struct device *dev,
				    const enum display_pixel_format format)
{
	struct rm69310_data *data = dev->data;
	uint8_t dcs;
	int ret;

	if (format != PIXEL_FORMAT_RGB_565 && format != PIXEL_FORMAT_RGB_888) {
		LOG_ERR("pixel format 0x%x not supported (RGB565 and RGB888 are)", format);
		return -ENOTSUP;
	}
	dcs = rm69310_dcs_pixel_format(format);
	ret = rm69310_send(dev, MIPI_DCS_SET_PIXEL_FORMAT, &dcs, 1);
	if (ret == 0) {
		data->pixel_format = format;
	}
	return ret;
}

static int rm69310_set_orientation(const struct device *dev,
				   const enum display_orientation orientation)
{
	ARG_UNUSED(dev);

	return orientation == DISPLAY_ORIENTATION_NORMAL ? 0 : -ENOTSUP;
}

static void rm69310_get_capabilities(const struct device *dev,
				     struct display_capabilities *caps)
{
	const struct rm69310_config *config = dev->config;
	struct rm69310_data *data = dev->data;

	memset(caps, 0, sizeof(*caps));
	caps->x_resolution = config->width;
	caps->y_resolution = config->height;
	caps->supported_pixel_formats = PIXEL_FORMAT_RGB_565 | PIXEL_FORMAT_RGB_888;
	caps->current_pixel_format = data->pixel_format;
	caps->current_orientation = DISPLAY_ORIENTATION_NORMAL;
}

static int rm69310_init(const struct device *dev)
{
	const struct rm69310_config *config = dev->config;
	int ret;

	if (!device_is_ready(config->mipi_dev)) {
		LOG_ERR("MIPI-DBI host %s is not ready", config->mipi_dev->name);
		return -ENODEV;
	}

	/* Hosts without a reset line return -ENOTSUP; the panel then starts from power-on. */
	ret = mipi_dbi_reset(config->mipi_dev, RM69310_RESET_PULSE_MS);
	if (ret < 0 && ret != -ENOTSUP) {
		LOG_ERR("reset failed (%d)", ret);
		return ret;
	}
	k_msleep(RM69310_RESET_WAIT_MS);

	/* The display stays blank until the application calls display_blanking_off(). */
	return rm69310_configure(dev);
}

#ifdef CONFIG_PM_DEVICE
static int rm69310_pm_action(const struct device *dev, enum pm_device_action action)
{
	switch (action) {
	case PM_DEVICE_ACTION_RESUME:
		return rm69310_send(dev, MIPI_DCS_EXIT_SLEEP_MODE, NULL, 0);
	case PM_DEVICE_ACTION_SUSPEND:
		return rm69310_send(dev, MIPI_DCS_ENTER_SLEEP_MODE, NULL, 0);
	default:
		return -ENOTSUP;
	}
}
#endif /* CONFIG_PM_DEVICE */

static DEVICE_API(display, rm69310_api) = {
	.blanking_on = rm69310_blanking_on,
	.blanking_off = rm69310_blanking_off,
	.write = rm69310_write,
	.set_brightness = rm69310_set_brightness,
	.get_capabilities = rm69310_get_capabilities,
	.set_pixel_format = rm69310_set_pixel_format,
	.set_orientation = rm69310_set_orientation,
};

#define RM69310_DEFINE(inst)                                                                       \
	static const struct rm69310_config rm69310_config_##inst = {                               \
		.mipi_dev = DEVICE_DT_GET(DT_INST_PARENT(inst)),                                   \
		.dbi_config = MIPI_DBI_CONFIG_DT_INST(inst, SPI_OP_MODE_MASTER | SPI_WORD_SET(8), \
						      0),                                          \
		.width = DT_INST_PROP(inst, width),                                                \
		.height = DT_INST_PROP(inst, height),                                              \
		.x_offset = DT_INST_PROP(inst, x_offset),                                          \
		.y_offset = DT_INST_PROP(inst, y_offset),                                          \
		.brightness = DT_INST_PROP(inst, brightness),                                      \
	};                                                                                         \
	static struct rm69310_data rm69310_data_##inst = {                                         \
		.pixel_format = DT_INST_PROP(inst, pixel_format),                                  \
	};                                                                                         \
	PM_DEVICE_DT_INST_DEFINE(inst, rm69310_pm_action);                                         \
	DEVICE_DT_INST_DEFINE(inst, rm69310_init, PM_DEVICE_DT_INST_GET(inst),                     \
			      &rm69310_data_##inst, &rm69310_config_##inst, POST_KERNEL,           \
			      CONFIG_DISPLAY_INIT_PRIORITY, &rm69310_api);

DT_INST_FOREACH_STATUS_OKAY(RM69310_DEFINE)
