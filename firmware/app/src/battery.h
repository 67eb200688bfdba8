/*
 * Battery voltage to the percentage the face shows, with no hardware in it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MB4_BATTERY_H
#define MB4_BATTERY_H

/* A Li-po's resting voltage (mV) to its state of charge in percent, from a
 * typical single-cell discharge curve (4.2 V full, 3.3 V empty); clamped to
 * 0..100. */
int battery_percent(int millivolts);

#endif
