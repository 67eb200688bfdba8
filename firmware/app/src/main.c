/*
 * mb4: open firmware for the Xiaomi Mi Band 4.
 *
 * This first application only shows that the board starts: it prints a
 * banner with the board name on the console and returns. On a band, that
 * console is the UART placeholder pins of the board DTS; in the emulator it
 * is the emulated UART.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

int main(void)
{
	printk("mb4 firmware on %s\n", CONFIG_BOARD_TARGET);
	return 0;
}
