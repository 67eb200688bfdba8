/*
 * Bluetooth LE on the DA14697: the host stack runs here, the link layer on
 * the CMAC core from Renesas' libcmac blob (see docs/bluetooth.md). The
 * services are Zephyr's own (HRS, BAS, DIS); this file only advertises them
 * and feeds them the watch's readings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <zephyr/bluetooth/bluetooth.h>
#include <zephyr/bluetooth/conn.h>
#include <zephyr/bluetooth/services/bas.h>
#include <zephyr/bluetooth/services/hrs.h>
#include <zephyr/bluetooth/uuid.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

#include "ble.h"

static const struct bt_data ad[] = {
	BT_DATA_BYTES(BT_DATA_FLAGS, (BT_LE_AD_GENERAL | BT_LE_AD_NO_BREDR)),
	BT_DATA_BYTES(BT_DATA_UUID16_ALL, BT_UUID_16_ENCODE(BT_UUID_HRS_VAL),
		      BT_UUID_16_ENCODE(BT_UUID_BAS_VAL), BT_UUID_16_ENCODE(BT_UUID_DIS_VAL)),
};

static const struct bt_data sd[] = {
	BT_DATA(BT_DATA_NAME_COMPLETE, CONFIG_BT_DEVICE_NAME, sizeof(CONFIG_BT_DEVICE_NAME) - 1),
};

static void connected(struct bt_conn *conn, uint8_t err)
{
	if (err == 0) {
		printk("watch: bluetooth connected\n");
	}
}

static void disconnected(struct bt_conn *conn, uint8_t reason)
{
	printk("watch: bluetooth disconnected (reason 0x%02x)\n", reason);
}

/* Advertising stops when a central connects; start it again once it has
 * gone, so the band stays findable. */
static void recycled(void)
{
	int err = bt_le_adv_start(BT_LE_ADV_CONN_FAST_1, ad, ARRAY_SIZE(ad), sd, ARRAY_SIZE(sd));

	if (err != 0 && err != -EALREADY) {
		printk("watch: advertising did not restart (%d)\n", err);
	}
}

BT_CONN_CB_DEFINE(conn_callbacks) = {
	.connected = connected,
	.disconnected = disconnected,
	.recycled = recycled,
};

int ble_start(void)
{
	int err = bt_enable(NULL);

	if (err != 0) {
		printk("watch: bluetooth failed to start (%d)\n", err);
		return err;
	}
	err = bt_le_adv_start(BT_LE_ADV_CONN_FAST_1, ad, ARRAY_SIZE(ad), sd, ARRAY_SIZE(sd));
	if (err != 0) {
		printk("watch: advertising failed (%d)\n", err);
		return err;
	}
	printk("watch: bluetooth advertising as \"%s\"\n", CONFIG_BT_DEVICE_NAME);
	return 0;
}

void ble_heart_rate(uint16_t bpm)
{
	/* -ENOTCONN and the like: nobody listens, nothing to do. */
	(void)bt_hrs_notify(bpm);
}

void ble_battery(uint8_t percent)
{
	(void)bt_bas_set_battery_level(percent);
}
