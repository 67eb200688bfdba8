/*
 * TI AFE4900: what the sensor API does not carry.
 *
 * sensor_sample_fetch() drains the part's FIFO; SENSOR_CHAN_GREEN then reads
 * the newest sample, and afe4900_fifo_samples() hands over all of them, which
 * is what a heart-rate algorithm needs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef MB4_DRIVERS_SENSOR_AFE4900_H_
#define MB4_DRIVERS_SENSOR_AFE4900_H_

#include <stddef.h>
#include <stdint.h>

#include <zephyr/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Copy the green samples (LED1 minus ambient, ADC codes) of the last
 * fetch, oldest first.
 *
 * @param dev the AFE4900.
 * @param out where to put them.
 * @param max room in @p out; when fewer fit, the newest are copied.
 * @return how many were copied (0 when the FIFO was empty).
 */
int afe4900_fifo_samples(const struct device *dev, int32_t *out, size_t max);

/** @brief The sample rate set, in Hz (also while suspended). */
uint16_t afe4900_rate_hz(const struct device *dev);

#ifdef __cplusplus
}
#endif

#endif /* MB4_DRIVERS_SENSOR_AFE4900_H_ */
