/*
 * Bluetooth LE: the band advertises as "mb4" and serves the standard Heart
 * Rate, Battery and Device Information services, so any phone app that
 * reads a heart-rate strap (nRF Connect, Gadgetbridge's generic support,
 * sports apps) sees the band. Only with CONFIG_BT (the bluetooth.conf
 * overlay); without it these are empty and cost nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MB4_APP_BLE_H_
#define MB4_APP_BLE_H_

#include <stdint.h>

#ifdef CONFIG_BT
/* Starts the stack and advertising; 0 or a negative errno. */
int ble_start(void);
/* Notifies subscribers of a heart rate (beats per minute). */
void ble_heart_rate(uint16_t bpm);
/* Sets the battery level the Battery service reports (0-100). */
void ble_battery(uint8_t percent);
#else
static inline int ble_start(void)
{
	return 0;
}
static inline void ble_heart_rate(uint16_t bpm)
{
	(void)bpm;
}
static inline void ble_battery(uint8_t percent)
{
	(void)percent;
}
#endif

#endif /* MB4_APP_BLE_H_ */
