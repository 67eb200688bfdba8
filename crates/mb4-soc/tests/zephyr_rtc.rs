//! RTC driven by the register sequences of Zephyr 4.1's
//! `drivers/rtc/rtc_smartbond.c`: init (100 Hz divider), set/get time,
//! alarm set and ISR, update (seconds) interrupt; time passes as emulated
//! time.

use mb4_periph::time::Instant;
use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;

const CLK_RTCDIV: u32 = 0x5000_004C;
const CLK_CTRL: u32 = 0x5000_0014;
const RTC: u32 = 0x5000_0400;
const CONTROL: u32 = RTC;
const TIME: u32 = RTC + 0x08;
const CALENDAR: u32 = RTC + 0x0C;
const TIME_ALARM: u32 = RTC + 0x10;
const CALENDAR_ALARM: u32 = RTC + 0x14;
const ALARM_ENABLE: u32 = RTC + 0x18;
const EVENT_FLAGS: u32 = RTC + 0x1C;
const INT_ENABLE: u32 = RTC + 0x20;
const INT_DISABLE: u32 = RTC + 0x24;
const INT_MASK: u32 = RTC + 0x28;
const STATUS: u32 = RTC + 0x2C;
const KEEP: u32 = RTC + 0x30;
const IRQ: u32 = 18;
const DIV_ENABLE: u32 = 1 << 20;
const ALRM: u32 = 1 << 6;
const SEC: u32 = 1 << 1;

fn soc() -> Soc {
    let mut s = Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    );
    // No CPU feeds the watchdog here: freeze it (GPREG->SET_FREEZE_REG).
    s.write(0x5004_0300, 4, mb4_soc::periph::gpreg::frz::SYS_WDOG)
        .unwrap();
    s
}

fn bcd(v: u32) -> u32 {
    (v / 10) << 4 | (v % 10)
}

fn unbcd(v: u32) -> u32 {
    (v >> 4) * 10 + (v & 0xF)
}

/// `rtc_smartbond_init` with the lp clock on XTAL32K (32768 Hz).
fn init(s: &mut Soc) {
    // LP_CLK_SEL = XTAL32K, as the board's clock setup leaves it.
    let c = s.read(CLK_CTRL, 4).unwrap();
    s.write(CLK_CTRL, 4, (c & !(3 << 2)) | 2 << 2).unwrap();
    let lp = 32_768;
    let mut r = s.read(CLK_RTCDIV, 4).unwrap();
    r &= !(1 << 19); // DENOM 1000
    r = (r & !(0x1FF << 10)) | (lp / 100) << 10;
    r = (r & !0x3FF) | ((lp % 100) * 10);
    s.write(CLK_RTCDIV, 4, r).unwrap();
    let k = s.read(KEEP, 4).unwrap();
    s.write(KEEP, 4, k | 1).unwrap();
}

/// `rtc_smartbond_set_status`.
fn set_status(s: &mut Soc, on: bool) {
    if on {
        let r = s.read(CLK_RTCDIV, 4).unwrap();
        s.write(CLK_RTCDIV, 4, r | DIV_ENABLE).unwrap();
        s.write(CONTROL, 4, 0).unwrap();
    } else {
        s.write(CONTROL, 4, 3).unwrap();
        let r = s.read(CLK_RTCDIV, 4).unwrap();
        s.write(CLK_RTCDIV, 4, r & !DIV_ENABLE).unwrap();
    }
}

/// `rtc_smartbond_set_time`: Ok or Err(-EINVAL).
#[allow(clippy::too_many_arguments)]
fn set_time(
    s: &mut Soc,
    y: u32,
    mo: u32,
    d: u32,
    wday: i32,
    h: u32,
    mi: u32,
    se: u32,
) -> Result<(), ()> {
    set_status(s, false);
    let old_t = s.read(TIME, 4).unwrap();
    let old_c = s.read(CALENDAR, 4).unwrap();
    s.write(TIME, 4, bcd(se) << 8 | bcd(mi) << 16 | bcd(h) << 24)
        .unwrap();
    let wd = if wday >= 0 { (wday as u32 + 1) & 7 } else { 0 };
    s.write(
        CALENDAR,
        4,
        bcd(d) << 8 | bcd(y % 100) << 16 | bcd(y / 100) << 24 | bcd(mo) << 3 | wd,
    )
    .unwrap();
    let st = s.read(STATUS, 4).unwrap();
    let r = if st & 3 != 3 {
        s.write(TIME, 4, old_t).unwrap();
        s.write(CALENDAR, 4, old_c).unwrap();
        Err(())
    } else {
        Ok(())
    };
    set_status(s, true);
    r
}

/// `rtc_smartbond_get_time`: (year, month, day, wday, hour, min, sec).
fn get_time(s: &mut Soc) -> (u32, u32, u32, u32, u32, u32, u32) {
    let t = s.read(TIME, 4).unwrap();
    let c = s.read(CALENDAR, 4).unwrap();
    (
        unbcd(c >> 16 & 0xFF) + 100 * unbcd(c >> 24 & 0x3F),
        unbcd(c >> 3 & 0x1F),
        unbcd(c >> 8 & 0x3F),
        (c & 7) - 1,
        unbcd(t >> 24 & 0x3F),
        unbcd(t >> 16 & 0x7F),
        unbcd(t >> 8 & 0x7F),
    )
}

fn run_until(s: &mut Soc, t: Instant) {
    while let Some(e) = s.next_event().filter(|&e| e <= t) {
        s.advance(e);
    }
    s.advance(t);
}

#[test]
fn keeps_time_across_days_months_and_leap_years() {
    let mut s = soc();
    init(&mut s);
    // 2024-02-28 (a Wednesday) 23:59:50.
    set_time(&mut s, 2024, 2, 28, 3, 23, 59, 50).unwrap();
    let t0 = s.now;
    run_until(&mut s, Instant(t0.0 + 15 * 1_000_000_000_000));
    assert_eq!(get_time(&mut s), (2024, 2, 29, 4, 0, 0, 5));
    // One more day and a bit: March 1st, a Friday.
    run_until(&mut s, Instant(t0.0 + (15 + 86_400) * 1_000_000_000_000));
    assert_eq!(get_time(&mut s), (2024, 3, 1, 5, 0, 0, 5));
    // A hundred days of sleep take no host time: 2024-06-09 is a Sunday.
    // (Emulated time is u64 picoseconds: about 213 days at most.)
    run_until(
        &mut s,
        Instant(t0.0 + (15 + 101 * 86_400) * 1_000_000_000_000),
    );
    assert_eq!(get_time(&mut s), (2024, 6, 9, 0, 0, 0, 5));
    let r = s.take_reports();
    assert!(r.is_empty(), "{:?}", &r[..r.len().min(3)]);
}

#[test]
fn invalid_times_are_refused_and_restored() {
    let mut s = soc();
    init(&mut s);
    set_time(&mut s, 2023, 6, 15, -1, 12, 0, 0).unwrap();
    // 2023-02-29 does not exist: -EINVAL, the clock keeps its time.
    assert_eq!(set_time(&mut s, 2023, 2, 29, -1, 12, 0, 0), Err(()));
    assert_eq!(get_time(&mut s).1, 6);
    // 24:00 neither.
    assert_eq!(set_time(&mut s, 2023, 7, 1, -1, 24, 0, 0), Err(()));
    assert_eq!(get_time(&mut s).4, 12);
}

#[test]
fn the_clock_runs_at_the_divided_lp_clock() {
    let mut s = soc();
    init(&mut s);
    set_time(&mut s, 2030, 1, 1, -1, 0, 0, 0).unwrap();
    let t0 = s.now;
    // Many reads in between must not lose the fraction of a tick in progress.
    for i in 1..=1000u64 {
        s.advance(Instant(t0.0 + i * 3_600_000_000_000_000 / 1000 + 7));
        let _ = s.read(TIME, 4).unwrap();
    }
    let (.., h, m, sec) = get_time(&mut s);
    assert_eq!((h, m, sec), (1, 0, 0), "one hour later");
    // Stopped (set_status(false)) the clock does not move.
    set_status(&mut s, false);
    let before = get_time(&mut s);
    s.advance(Instant(s.now.0 + 10_000_000_000_000));
    assert_eq!(get_time(&mut s), before);
}

#[test]
fn alarm_interrupt_and_isr() {
    let mut s = soc();
    init(&mut s);
    set_time(&mut s, 2025, 5, 20, -1, 6, 59, 58).unwrap();
    // rtc_smartbond_alarm_set_time(mask = SECOND | MINUTE | HOUR, 07:00:00).
    let _old_enable = s.read(ALARM_ENABLE, 4).unwrap();
    s.write(ALARM_ENABLE, 4, 0).unwrap();
    s.write(INT_DISABLE, 4, ALRM).unwrap();
    let _ = s.read(TIME_ALARM, 4).unwrap();
    let _ = s.read(CALENDAR_ALARM, 4).unwrap();
    s.write(TIME_ALARM, 4, bcd(7) << 24).unwrap();
    s.write(CALENDAR_ALARM, 4, 1 << 8 | 1 << 3).unwrap();
    let st = s.read(STATUS, 4).unwrap();
    assert_eq!(st & 0xC, 0xC, "alarm values valid");
    s.write(ALARM_ENABLE, 4, 0b1110).unwrap();
    s.write(INT_ENABLE, 4, ALRM).unwrap();
    assert_eq!(s.read(INT_MASK, 4).unwrap() & ALRM, 0);
    // The machine sleeps until the alarm: the next event is 07:00:00.
    let e = s.next_event().unwrap();
    assert!(
        e.0 > s.now.0 + 1_900_000_000_000 && e.0 <= s.now.0 + 2_000_000_000_000,
        "{e:?}"
    );
    s.advance(e);
    assert!(s.irqs.is_high(IRQ));
    // smartbond_rtc_isr: read the flags (cleared by the read) and the mask.
    let flags = s.read(EVENT_FLAGS, 4).unwrap();
    let mask = s.read(INT_MASK, 4).unwrap();
    assert!(flags & ALRM != 0 && mask & ALRM == 0);
    assert!(!s.irqs.is_high(IRQ));
    assert_eq!(get_time(&mut s).4, 7);
    // Next firing: tomorrow 07:00:00.
    let e2 = s.next_event().unwrap();
    assert!(
        (e2.0 - e.0) / 1_000_000_000_000 >= 86_399,
        "{e:?} {e2:?} {:?}",
        s.rtc.now(s.now)
    );
    // rtc_smartbond_update_set_callback: the seconds interrupt.
    s.write(INT_ENABLE, 4, SEC).unwrap();
    let e3 = s.next_event().unwrap();
    assert!(e3.0 - s.now.0 <= 1_000_000_000_000);
    s.advance(e3);
    assert!(s.irqs.is_high(IRQ));
    assert!(s.read(EVENT_FLAGS, 4).unwrap() & SEC != 0);
    s.write(INT_DISABLE, 4, SEC | ALRM).unwrap();
    assert_eq!(s.read(INT_MASK, 4).unwrap() & (SEC | ALRM), SEC | ALRM);
}
