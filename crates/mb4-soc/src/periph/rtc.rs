//! RTC: the calendar clock — hundredths of seconds, seconds, minutes, hours,
//! weekday, date, month, year and century in BCD — with its alarm, event
//! flags and interrupt.
//!
//! Modelled: counting in emulated time at the 100 Hz the divider in
//! `CRG_TOP->CLK_RTCDIV_REG` makes from the low-power clock
//! (lp_clk ÷ (`RTC_DIV_INT` + `RTC_DIV_FRAC` / 1000 or 1024), counting only
//! while `RTC_DIV_ENABLE` is set and `RTC_CONTROL_REG` enables time and
//! calendar — stopping either stops both, a simplification); writes to the
//! time, calendar and alarm registers checked as the hardware does
//! (an invalid BCD value or date is refused and clears the matching
//! `RTC_STATUS_REG` valid bit, which is what Zephyr's `rtc_smartbond.c`
//! checks); `RTC_EVENT_FLAGS_REG` (cleared by reading) for every rollover
//! and the alarm; interrupt enable/disable/mask; the `RTC` line (18) and
//! the PDC's RTC-alarm trigger.
//!
//! The alarm fires when the enabled fields (`RTC_ALARM_ENABLE_REG`) become
//! equal to the current time. Time passes without ticking: the state is
//! computed from emulated time when read, and the machine is woken only for
//! an unmasked event.
//!
//! Not modelled (reported): 12-hour mode (`RTC_HMS`, `RTC_TIME_PM`), the
//! motor and PDC periodic events (`RTC_EVENT_CTRL_REG` and its period and
//! counter registers). Reset values (00:00:00.00, Saturday 1 January 2000,
//! every interrupt masked) are inferred: `DA1469xAB.h` has none.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::{Instant, PS_PER_SECOND};

use super::Notes;

mb4_periph::regmap! {
    /// RTC registers (`RTC_Type`, base 0x5000_0400).
    pub mod regs {
        /// RTC Control Register.
        RTC_CONTROL_REG @ 0x00 = 0 {
            RTC_TIME_DISABLE: 0..=0 RW,
            RTC_CAL_DISABLE: 1..=1 RW,
        }
        /// RTC Hour Mode Register.
        RTC_HOUR_MODE_REG @ 0x04 = 0 {
            RTC_HMS: 0..=0 Tag,
        }
        /// RTC Time Register (BCD).
        RTC_TIME_REG @ 0x08 = 0 {
            RTC_TIME_H_U: 0..=3 RW,
            RTC_TIME_H_T: 4..=7 RW,
            RTC_TIME_S_U: 8..=11 RW,
            RTC_TIME_S_T: 12..=14 RW,
            RTC_TIME_M_U: 16..=19 RW,
            RTC_TIME_M_T: 20..=22 RW,
            RTC_TIME_HR_U: 24..=27 RW,
            RTC_TIME_HR_T: 28..=29 RW,
            RTC_TIME_PM: 30..=30 Tag,
            RTC_TIME_CH: 31..=31 RW,
        }
        /// RTC Calendar Register (BCD).
        RTC_CALENDAR_REG @ 0x0c = 0x2000_010F {
            RTC_DAY: 0..=2 RW,
            RTC_CAL_M_U: 3..=6 RW,
            RTC_CAL_M_T: 7..=7 RW,
            RTC_CAL_D_U: 8..=11 RW,
            RTC_CAL_D_T: 12..=13 RW,
            RTC_CAL_Y_U: 16..=19 RW,
            RTC_CAL_Y_T: 20..=23 RW,
            RTC_CAL_C_U: 24..=27 RW,
            RTC_CAL_C_T: 28..=29 RW,
            RTC_CAL_CH: 31..=31 RW,
        }
        /// RTC Time Alarm Register.
        RTC_TIME_ALARM_REG @ 0x10 = 0 {
            RTC_TIME_H_U: 0..=3 RW,
            RTC_TIME_H_T: 4..=7 RW,
            RTC_TIME_S_U: 8..=11 RW,
            RTC_TIME_S_T: 12..=14 RW,
            RTC_TIME_M_U: 16..=19 RW,
            RTC_TIME_M_T: 20..=22 RW,
            RTC_TIME_HR_U: 24..=27 RW,
            RTC_TIME_HR_T: 28..=29 RW,
            RTC_TIME_PM: 30..=30 Tag,
        }
        /// RTC Calendar Alram Register.
        RTC_CALENDAR_ALARM_REG @ 0x14 = 0x0000_0108 {
            RTC_CAL_M_U: 3..=6 RW,
            RTC_CAL_M_T: 7..=7 RW,
            RTC_CAL_D_U: 8..=11 RW,
            RTC_CAL_D_T: 12..=13 RW,
        }
        /// RTC Alarm Enable Register.
        RTC_ALARM_ENABLE_REG @ 0x18 = 0 {
            RTC_ALARM_HOS_EN: 0..=0 RW,
            RTC_ALARM_SEC_EN: 1..=1 RW,
            RTC_ALARM_MIN_EN: 2..=2 RW,
            RTC_ALARM_HOUR_EN: 3..=3 RW,
            RTC_ALARM_DATE_EN: 4..=4 RW,
            RTC_ALARM_MNTH_EN: 5..=5 RW,
        }
        /// RTC Event Flags Register (cleared by reading).
        RTC_EVENT_FLAGS_REG @ 0x1c = 0 {
            RTC_EVENT_HOS: 0..=0 RC,
            RTC_EVENT_SEC: 1..=1 RC,
            RTC_EVENT_MIN: 2..=2 RC,
            RTC_EVENT_HOUR: 3..=3 RC,
            RTC_EVENT_DATE: 4..=4 RC,
            RTC_EVENT_MNTH: 5..=5 RC,
            RTC_EVENT_ALRM: 6..=6 RC,
        }
        /// RTC Interrupt Enable Register (write 1 to unmask).
        RTC_INTERRUPT_ENABLE_REG @ 0x20 = 0 {
            RTC_HOS_INT_EN: 0..=0 WO,
            RTC_SEC_INT_EN: 1..=1 WO,
            RTC_MIN_INT_EN: 2..=2 WO,
            RTC_HOUR_INT_EN: 3..=3 WO,
            RTC_DATE_INT_EN: 4..=4 WO,
            RTC_MNTH_INT_EN: 5..=5 WO,
            RTC_ALRM_INT_EN: 6..=6 WO,
        }
        /// RTC Interrupt Disable Register (write 1 to mask).
        RTC_INTERRUPT_DISABLE_REG @ 0x24 = 0 {
            RTC_HOS_INT_DIS: 0..=0 WO,
            RTC_SEC_INT_DIS: 1..=1 WO,
            RTC_MIN_INT_DIS: 2..=2 WO,
            RTC_HOUR_INT_DIS: 3..=3 WO,
            RTC_DATE_INT_DIS: 4..=4 WO,
            RTC_MNTH_INT_DIS: 5..=5 WO,
            RTC_ALRM_INT_DIS: 6..=6 WO,
        }
        /// RTC Interrupt Mask Register.
        RTC_INTERRUPT_MASK_REG @ 0x28 = 0x7F {
            RTC_HOS_INT_MSK: 0..=0 RO,
            RTC_SEC_INT_MSK: 1..=1 RO,
            RTC_MIN_INT_MSK: 2..=2 RO,
            RTC_HOUR_INT_MSK: 3..=3 RO,
            RTC_DATE_INT_MSK: 4..=4 RO,
            RTC_MNTH_INT_MSK: 5..=5 RO,
            RTC_ALRM_INT_MSK: 6..=6 RO,
        }
        /// RTC Status Register.
        RTC_STATUS_REG @ 0x2c = 0xF {
            RTC_VALID_TIME: 0..=0 RO,
            RTC_VALID_CAL: 1..=1 RO,
            RTC_VALID_TIME_ALM: 2..=2 RO,
            RTC_VALID_CAL_ALM: 3..=3 RO,
        }
        /// RTC Keep RTC Register.
        RTC_KEEP_RTC_REG @ 0x30 = 0 {
            RTC_KEEP: 0..=0 RW,
        }
        /// RTC Event Control Register.
        RTC_EVENT_CTRL_REG @ 0x80 = 0 {
            RTC_MOTOR_EVENT_EN: 0..=0 Tag,
            RTC_PDC_EVENT_EN: 1..=1 Tag,
        }
        /// RTC Motor Event Period Register.
        RTC_MOTOR_EVENT_PERIOD_REG @ 0x84 = 0 {
            RTC_MOTOR_EVENT_PERIOD: 0..=11 Tag,
        }
        /// RTC PDC Event Period Register.
        RTC_PDC_EVENT_PERIOD_REG @ 0x88 = 0 {
            RTC_PDC_EVENT_PERIOD: 0..=12 Tag,
        }
        /// RTC PDC Event Clear Register.
        RTC_PDC_EVENT_CLEAR_REG @ 0x8c = 0 {
            PDC_EVENT_CLEAR: 0..=0 Tag,
        }
        /// RTC Motor Event Counter Register.
        RTC_MOTOR_EVENT_CNT_REG @ 0x90 = 0 {
            RTC_MOTOR_EVENT_CNT: 0..=11 RO,
        }
        /// RTC PDC Event Counter Register.
        RTC_PDC_EVENT_CNT_REG @ 0x94 = 0 {
            RTC_PDC_EVENT_CNT: 0..=12 RO,
        }
    }
}

use regs::*;

/// `RTC` interrupt line.
pub const IRQ: u32 = 18;
/// PDC peripheral trigger of the RTC alarm (`MCU_PDC_TRIGGER_RTC_ALARM` & 0x1f).
pub const PDC_ALARM: u32 = 4;

/// Hundredths in a day.
const HOS_PER_DAY: i64 = 8_640_000;

/// A point on the calendar: days since 1 January 2000 and hundredths of a
/// second into the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    /// Days since 2000-01-01 (negative before).
    pub day: i64,
    /// Hundredths of a second since midnight.
    pub hos: i64,
}

/// Broken-down calendar time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Full year (2024).
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub date: u32,
    /// 0..24.
    pub hour: u32,
    /// 0..60.
    pub minute: u32,
    /// 0..60.
    pub second: u32,
    /// 0..100.
    pub hundredths: u32,
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days between 1970-01-01 and 2000-01-01.
const EPOCH_2000: i64 = 10_957;

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Moment {
    /// The moment of a date and time, if valid.
    pub fn of(t: DateTime) -> Option<Moment> {
        let ok = (1..=12).contains(&t.month)
            && t.date >= 1
            && t.date <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60
            && t.hundredths < 100;
        ok.then(|| Moment {
            day: days_from_civil(t.year, t.month, t.date) - EPOCH_2000,
            hos: i64::from(t.hundredths)
                + 100 * (i64::from(t.second) + 60 * (i64::from(t.minute) + 60 * i64::from(t.hour))),
        })
    }

    /// Broken down.
    pub fn date_time(self) -> DateTime {
        let (year, month, date) = civil_from_days(self.day + EPOCH_2000);
        let h = self.hos;
        DateTime {
            year,
            month,
            date,
            hour: (h / 360_000) as u32,
            minute: (h / 6000 % 60) as u32,
            second: (h / 100 % 60) as u32,
            hundredths: (h % 100) as u32,
        }
    }

    /// Day of the week as `RTC_DAY` counts it: 1 Sunday .. 7 Saturday
    /// (Zephyr's driver reads `tm_wday = RTC_DAY - 1`).
    pub fn weekday(self) -> u32 {
        // 2000-01-01 was a Saturday.
        ((self.day + 6).rem_euclid(7) + 1) as u32
    }

    fn plus(self, hos: i64) -> Moment {
        let t = self.hos + hos;
        Moment {
            day: self.day + t.div_euclid(HOS_PER_DAY),
            hos: t.rem_euclid(HOS_PER_DAY),
        }
    }

    fn total(self) -> i64 {
        self.day * HOS_PER_DAY + self.hos
    }
}

fn bcd(v: u32) -> u32 {
    (v / 10) << 4 | (v % 10)
}

/// A BCD byte's value if both digits are decimal.
fn unbcd(v: u32) -> Option<u32> {
    let (t, u) = (v >> 4, v & 0xF);
    (t < 10 && u < 10).then_some(t * 10 + u)
}

fn encode_time(m: Moment) -> u32 {
    let t = m.date_time();
    bcd(t.hundredths) | bcd(t.second) << 8 | bcd(t.minute) << 16 | bcd(t.hour) << 24
}

fn encode_calendar(m: Moment) -> u32 {
    let t = m.date_time();
    let y = t.year.rem_euclid(10_000) as u32;
    m.weekday() | bcd(t.month) << 3 | bcd(t.date) << 8 | bcd(y % 100) << 16 | bcd(y / 100) << 24
}

/// (hundredths, second, minute, hour) from a time register, if valid BCD in range.
fn decode_time(v: u32) -> Option<(u32, u32, u32, u32)> {
    let h = unbcd(v & 0xFF)?;
    let s = unbcd(v >> 8 & 0x7F)?;
    let m = unbcd(v >> 16 & 0x7F)?;
    let hr = unbcd(v >> 24 & 0x3F)?;
    (s < 60 && m < 60 && hr < 24).then_some((h, s, m, hr))
}

/// (year, month, date) from a calendar register, if valid.
fn decode_calendar(v: u32) -> Option<(i64, u32, u32)> {
    let month = unbcd(v >> 3 & 0x1F)?;
    let date = unbcd(v >> 8 & 0x3F)?;
    let y = unbcd(v >> 16 & 0xFF)?;
    let c = unbcd(v >> 24 & 0x3F)?;
    let year = i64::from(c * 100 + y);
    // RTC_DAY is not checked: the weekday follows from the date, and Zephyr
    // writes 0 there when the caller leaves tm_wday at -1.
    ((1..=12).contains(&month) && date >= 1 && date <= days_in_month(year, month))
        .then_some((year, month, date))
}

/// Alarm fields, in `RTC_ALARM_ENABLE_REG` bit order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Alarm {
    enable: u32,
    hos: u32,
    sec: u32,
    min: u32,
    hour: u32,
    date: u32,
    month: u32,
}

impl Alarm {
    fn matches(&self, m: Moment) -> bool {
        let t = m.date_time();
        let want = [
            (t.hundredths, self.hos),
            (t.second, self.sec),
            (t.minute, self.min),
            (t.hour, self.hour),
            (t.date, self.date),
            (t.month, self.month),
        ];
        self.enable != 0
            && want
                .iter()
                .enumerate()
                .all(|(i, (now, want))| self.enable >> i & 1 == 0 || now == want)
    }

    /// The first moment after `from` at which the alarm fires (its fields
    /// become equal), searching at most about eight years ahead.
    fn next(&self, from: Moment) -> Option<Moment> {
        if self.enable & 0x3F == 0 {
            return None;
        }
        // Leave the matching region we may be in: it ends when the finest
        // enabled field changes.
        let mut t = from.plus(1);
        if self.matches(from) {
            let unit = [1, 100, 6000, 360_000, HOS_PER_DAY, HOS_PER_DAY]
                [self.enable.trailing_zeros() as usize];
            if unit == HOS_PER_DAY && self.enable & 0x10 == 0 {
                // Only the month is enabled: the region ends with the month.
                let d = from.date_time();
                let left = i64::from(days_in_month(d.year, d.month) - d.date + 1);
                t = Moment {
                    day: from.day + left,
                    hos: 0,
                };
            } else {
                t = Moment {
                    day: from.day,
                    hos: from.hos - from.hos.rem_euclid(unit.min(HOS_PER_DAY)),
                }
                .plus(unit);
            }
        }
        for _ in 0..20_000 {
            let d = t.date_time();
            let next_unit = |unit: i64| {
                Moment {
                    day: t.day,
                    hos: t.hos - t.hos.rem_euclid(unit),
                }
                .plus(unit)
            };
            if self.enable & 0x20 != 0 && d.month != self.month {
                let left = i64::from(days_in_month(d.year, d.month) - d.date + 1);
                t = Moment {
                    day: t.day + left,
                    hos: 0,
                };
            } else if self.enable & 0x10 != 0 && d.date != self.date {
                t = Moment {
                    day: t.day + 1,
                    hos: 0,
                };
            } else if self.enable & 0x08 != 0 && d.hour != self.hour {
                t = next_unit(360_000);
            } else if self.enable & 0x04 != 0 && d.minute != self.min {
                t = next_unit(6000);
            } else if self.enable & 0x02 != 0 && d.second != self.sec {
                t = next_unit(100);
            } else if self.enable & 0x01 != 0 && d.hundredths != self.hos {
                t = t.plus(1);
            } else {
                return Some(t);
            }
        }
        None
    }
}

/// The RTC block.
#[derive(Debug, Clone)]
pub struct Rtc {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// The calendar at `origin`.
    base: Moment,
    /// When `base` was right (and ticks are counted from).
    origin: Instant,
    /// Tick period as a fraction of picoseconds: `num / den`.
    period: (u128, u128),
    /// The 100 Hz divider is enabled (`CLK_RTCDIV_REG.RTC_DIV_ENABLE`).
    div_enabled: bool,
    /// Moment of the last event evaluation.
    seen: Moment,
    /// PDC alarm trigger to deliver.
    pdc_alarm: bool,
}

impl Default for Rtc {
    fn default() -> Self {
        Self::new()
    }
}

impl Rtc {
    /// At power-on: stopped, 2000-01-01 00:00:00.00.
    pub fn new() -> Rtc {
        let base = Moment { day: 0, hos: 0 };
        Rtc {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            base,
            origin: Instant::ZERO,
            period: (u128::from(PS_PER_SECOND / 100), 1),
            div_enabled: false,
            seen: base,
            pdc_alarm: false,
        }
    }

    fn running(&self) -> bool {
        let c = self.regs.get(RTC_CONTROL_REG::OFFSET);
        self.div_enabled && c & 3 == 0
    }

    /// The calendar at `now`.
    pub fn moment(&self, now: Instant) -> Moment {
        if !self.running() {
            return self.base;
        }
        let ps = u128::from(now.0.saturating_sub(self.origin.0));
        let ticks = ps * self.period.1 / self.period.0;
        self.base.plus(ticks as i64)
    }

    /// The calendar at `now`, broken down.
    pub fn now(&self, now: Instant) -> DateTime {
        self.moment(now).date_time()
    }

    /// The instant of the first tick that reaches `m` (running only).
    fn instant_of(&self, m: Moment) -> Option<Instant> {
        let ticks = u128::try_from(m.total() - self.base.total()).ok()?;
        let ps = (ticks * self.period.0).div_ceil(self.period.1);
        Some(Instant(self.origin.0.checked_add(u64::try_from(ps).ok()?)?))
    }

    /// Fold elapsed time into `base` (before anything changes the rate or state).
    /// The origin moves to the last whole tick, so frequent accesses do not
    /// lose the fraction of a tick in progress.
    fn settle(&mut self, now: Instant) {
        if !self.running() {
            self.origin = now;
            return;
        }
        let ps = u128::from(now.0.saturating_sub(self.origin.0));
        let ticks = ps * self.period.1 / self.period.0;
        let whole = (ticks * self.period.0).div_ceil(self.period.1);
        self.base = self.base.plus(ticks as i64);
        self.origin = Instant(self.origin.0 + whole as u64);
    }

    /// `CRG_TOP->CLK_RTCDIV_REG` and the low-power clock frequency.
    pub fn set_divider(&mut self, clk_rtcdiv: u32, lp_hz: u64, cx: &mut Context<'_>) {
        self.advance(cx);
        self.settle(cx.now);
        let frac = u128::from(clk_rtcdiv & 0x3FF);
        let int = u128::from(clk_rtcdiv >> 10 & 0x1FF);
        let den = if clk_rtcdiv >> 19 & 1 != 0 {
            1024
        } else {
            1000
        };
        let div = int * den + frac;
        self.div_enabled = clk_rtcdiv >> 20 & 1 != 0 && div != 0 && lp_hz != 0;
        if div != 0 && lp_hz != 0 {
            // period = div / (den × lp_hz) seconds.
            self.period = (div * u128::from(PS_PER_SECOND), den * u128::from(lp_hz));
        }
        self.update(cx);
    }

    /// Whether the PDC's RTC alarm trigger fired since the last call.
    pub fn take_pdc_alarm(&mut self) -> bool {
        std::mem::take(&mut self.pdc_alarm)
    }

    fn alarm(&self) -> Alarm {
        let t = self.regs.get(RTC_TIME_ALARM_REG::OFFSET);
        let c = self.regs.get(RTC_CALENDAR_ALARM_REG::OFFSET);
        Alarm {
            enable: self.regs.get(RTC_ALARM_ENABLE_REG::OFFSET),
            hos: unbcd(t & 0xFF).unwrap_or(0),
            sec: unbcd(t >> 8 & 0x7F).unwrap_or(0),
            min: unbcd(t >> 16 & 0x7F).unwrap_or(0),
            hour: unbcd(t >> 24 & 0x3F).unwrap_or(0),
            date: unbcd(c >> 8 & 0x3F).unwrap_or(0),
            month: unbcd(c >> 3 & 0x1F).unwrap_or(0),
        }
    }

    /// Events between the last evaluation and now: set flags, drive the line.
    fn update(&mut self, cx: &mut Context<'_>) {
        let now = self.moment(cx.now);
        if now != self.seen {
            let (a, b) = (self.seen.date_time(), now.date_time());
            let span = now.total() - self.seen.total();
            let mut flags = 1; // HOS
            let units = [100, 6000, 360_000, HOS_PER_DAY];
            for (i, unit) in units.iter().enumerate() {
                if span >= *unit
                    || now.total().div_euclid(*unit) != self.seen.total().div_euclid(*unit)
                {
                    flags |= 2 << i;
                }
            }
            if (a.year, a.month) != (b.year, b.month) {
                flags |= RTC_EVENT_FLAGS_REG::RTC_EVENT_MNTH.mask();
            }
            let alarm = self.alarm();
            if now > self.seen && alarm.next(self.seen).is_some_and(|t| t <= now) {
                flags |= RTC_EVENT_FLAGS_REG::RTC_EVENT_ALRM.mask();
                self.pdc_alarm = true;
            }
            let v = self.regs.get(RTC_EVENT_FLAGS_REG::OFFSET) | flags;
            self.regs.set(RTC_EVENT_FLAGS_REG::OFFSET, v);
            self.seen = now;
        }
        let pending = self.regs.get(RTC_EVENT_FLAGS_REG::OFFSET)
            & !self.regs.get(RTC_INTERRUPT_MASK_REG::OFFSET);
        cx.irqs.set(IRQ, pending != 0);
    }

    fn check_written(&mut self, offset: u32, old: u32, new: u32, now: Instant) -> u32 {
        let status = self.regs.get(RTC_STATUS_REG::OFFSET);
        let (ok, bit) = match offset {
            RTC_TIME_REG::OFFSET => (decode_time(new).is_some(), 0),
            RTC_CALENDAR_REG::OFFSET => (decode_calendar(new).is_some(), 1),
            RTC_TIME_ALARM_REG::OFFSET => (decode_time(new & 0x3F7F_7FFF).is_some(), 2),
            _ => (
                unbcd(new >> 8 & 0x3F).is_some_and(|d| (1..=31).contains(&d))
                    && unbcd(new >> 3 & 0x1F).is_some_and(|m| (1..=12).contains(&m)),
                3,
            ),
        };
        self.regs.set(
            RTC_STATUS_REG::OFFSET,
            (status & !(1 << bit)) | u32::from(ok) << bit,
        );
        if !ok {
            return old;
        }
        let cur = self.moment(now);
        match offset {
            RTC_TIME_REG::OFFSET => {
                let (h, s, m, hr) = decode_time(new).expect("checked");
                self.base = Moment {
                    day: cur.day,
                    hos: i64::from(h)
                        + 100 * (i64::from(s) + 60 * (i64::from(m) + 60 * i64::from(hr))),
                };
                self.origin = now;
                self.seen = self.base;
            }
            RTC_CALENDAR_REG::OFFSET => {
                let (y, mo, d) = decode_calendar(new).expect("checked");
                self.base = Moment {
                    day: days_from_civil(y, mo, d) - EPOCH_2000,
                    hos: cur.hos,
                };
                self.origin = now;
                self.seen = self.base;
            }
            _ => {}
        }
        new
    }
}

impl Device for Rtc {
    fn name(&self) -> &'static str {
        "RTC"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.advance(cx);
        let m = self.moment(cx.now);
        match offset & !3 {
            RTC_TIME_REG::OFFSET => self.regs.set(RTC_TIME_REG::OFFSET, encode_time(m)),
            RTC_CALENDAR_REG::OFFSET => self.regs.set(RTC_CALENDAR_REG::OFFSET, encode_calendar(m)),
            _ => {}
        }
        let v = self.regs.read(offset, size)?;
        self.update(cx);
        Ok(v)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.advance(cx);
        let was_running = self.running();
        self.settle(cx.now);
        let m = self.base;
        self.regs.set(RTC_TIME_REG::OFFSET, encode_time(m));
        self.regs.set(RTC_CALENDAR_REG::OFFSET, encode_calendar(m));
        let w = self
            .notes
            .write("RTC", &mut self.regs, offset, size, value)?;
        match w.offset {
            o @ (RTC_TIME_REG::OFFSET
            | RTC_CALENDAR_REG::OFFSET
            | RTC_TIME_ALARM_REG::OFFSET
            | RTC_CALENDAR_ALARM_REG::OFFSET) => {
                let kept = self.check_written(o, w.old, w.new, cx.now);
                self.regs.set(o, kept);
                if matches!(
                    o,
                    RTC_TIME_ALARM_REG::OFFSET | RTC_CALENDAR_ALARM_REG::OFFSET
                ) {
                    self.seen = self.moment(cx.now);
                }
            }
            RTC_INTERRUPT_ENABLE_REG::OFFSET => {
                let mask = self.regs.get(RTC_INTERRUPT_MASK_REG::OFFSET) & !w.written;
                self.regs.set(RTC_INTERRUPT_MASK_REG::OFFSET, mask & 0x7F);
            }
            RTC_INTERRUPT_DISABLE_REG::OFFSET => {
                let mask = self.regs.get(RTC_INTERRUPT_MASK_REG::OFFSET) | w.written;
                self.regs.set(RTC_INTERRUPT_MASK_REG::OFFSET, mask & 0x7F);
            }
            RTC_ALARM_ENABLE_REG::OFFSET => self.seen = self.moment(cx.now),
            _ => {}
        }
        if was_running != self.running() {
            self.origin = cx.now;
        }
        self.update(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        if !self.running() {
            return None;
        }
        let mask = self.regs.get(RTC_INTERRUPT_MASK_REG::OFFSET);
        let flags = self.regs.get(RTC_EVENT_FLAGS_REG::OFFSET);
        // Only unmasked events that are not already pending need a wake-up.
        let want = !mask & !flags & 0x7F;
        let cur = self.seen;
        let mut next: Option<Moment> = None;
        let mut consider = |m: Moment| {
            next = Some(next.map_or(m, |n: Moment| n.min(m)));
        };
        for (i, unit) in [1, 100, 6000, 360_000, HOS_PER_DAY].iter().enumerate() {
            if want >> i & 1 != 0 {
                consider(
                    Moment {
                        day: cur.day,
                        hos: cur.hos - cur.hos.rem_euclid(*unit),
                    }
                    .plus(*unit),
                );
            }
        }
        if want & 0x20 != 0 {
            let d = cur.date_time();
            let left = i64::from(days_in_month(d.year, d.month) - d.date + 1);
            consider(Moment {
                day: cur.day + left,
                hos: 0,
            });
        }
        // The alarm also wakes the PDC, masked or not.
        if let Some(m) = self.alarm().next(cur) {
            consider(m);
        }
        next.and_then(|m| self.instant_of(m))
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.update(cx);
    }

    fn reset(&mut self) {
        *self = Rtc::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic() {
        let m = Moment::of(DateTime {
            year: 2024,
            month: 2,
            date: 29,
            hour: 23,
            minute: 59,
            second: 59,
            hundredths: 99,
        })
        .unwrap();
        let n = m.plus(1).date_time();
        assert_eq!((n.year, n.month, n.date, n.hour), (2024, 3, 1, 0));
        assert_eq!(
            Moment { day: 0, hos: 0 }.weekday(),
            7,
            "2000-01-01 was a Saturday"
        );
        assert!(
            Moment::of(DateTime {
                year: 2023,
                month: 2,
                date: 29,
                hour: 0,
                minute: 0,
                second: 0,
                hundredths: 0
            })
            .is_none()
        );
        assert_eq!(decode_calendar(encode_calendar(m)), Some((2024, 2, 29)));
        assert_eq!(decode_time(encode_time(m)), Some((99, 59, 59, 23)));
    }

    #[test]
    fn alarm_search() {
        let a = Alarm {
            enable: 0b1110,
            sec: 0,
            min: 30,
            hour: 7,
            ..Default::default()
        };
        let from = Moment {
            day: 5,
            hos: 8 * 360_000,
        };
        let t = a.next(from).unwrap().date_time();
        assert_eq!((t.hour, t.minute, t.second, t.hundredths), (7, 30, 0, 0));
        assert_eq!(a.next(from).unwrap().day, 6, "tomorrow");
        // Hour only: inside the hour, the next firing is tomorrow's.
        let h = Alarm {
            enable: 0b1000,
            hour: 8,
            ..Default::default()
        };
        assert_eq!(
            h.next(from).unwrap(),
            Moment {
                day: 6,
                hos: 8 * 360_000
            }
        );
    }
}
