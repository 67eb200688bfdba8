//! Azoteq IQS620A capacitive/Hall/temperature sensor on I²C, used as the
//! band's wear (on-wrist) detector.
//!
//! Product number 0x41 at register 0x00 is what ZSband's driver checks
//! (research/hardware.md §4). The register addresses and bits of SYS_FLAGS,
//! GLOBAL_EVENTS, PROX_FUSION_FLAGS, channel counts and SYS_SETTINGS are
//! those used by Brilliant Labs' public IQS620 driver for the Monocle and by
//! ZSband's Zephyr driver for the band (which also gives the flags block
//! 0x10-0x1B, six channel counts at 0x20 and the ATI handshake); confidence
//! **S**: two drivers, no datasheet read. The software and hardware numbers,
//! the count levels, the thresholds and the ATI time are **assumed**:
//!
//! | reg | name | modelled |
//! |---|---|---|
//! | 0x00, 0x01, 0x02 | PROD_NUM, SW_NUM, HW_NUM | 0x41, 0x08, 0x82 |
//! | 0x10 | SYS_FLAGS | bit 7 SHOW_RESET (until ACK_RESET), bit 2 IN_ATI (50 ms after REDO_ATI) |
//! | 0x11 | GLOBAL_EVENTS | bit 0 PROX: proximity/touch changed (clear on read) |
//! | 0x12 | PROX_FUSION_FLAGS | bits 0-2 proximity on channel 0-2, bits 4-6 touch |
//! | 0x13-0x1B | SAR, hysteresis, Hall and temperature outputs | read as 0 (not modelled) |
//! | 0x20-0x2B | channel counts | ch0..5, u16 little endian |
//! | 0x40-0xCF, 0xD1-0xD6 | settings (prox fusion, thresholds, active channels, power mode, report rates) | stored |
//! | 0xD0 | SYS_SETTINGS | bit 7 SOFT_RESET, bit 6 ACK_RESET, bit 5 EVENT_MODE, bit 1 REDO_ATI |
//!
//! Counts fall when capacitance rises (a wrist near the electrodes): 800 off
//! the wrist, 640 on it, against a baseline of 800; proximity is
//! flagged beyond 20 counts of delta, touch beyond 100 (assumed thresholds).
//! On the wrist, channels 0 and 1 show proximity and touch.
//!
//! RDY (`ready`, active low): a conversion every 16 ms (assumed report
//! rate) opens a communication window: RDY goes low and stays low until the
//! host ends a transfer with STOP, or 2 ms pass. In event mode the window
//! opens only when the proximity/touch flags changed.

use mb4_periph::part::{I2cTarget, Part};
use mb4_periph::time::{Clock, Instant};

use crate::i2c::{Pointer, Registers};

/// Product number (ZSband's driver checks it).
pub const PRODUCT_NUMBER: u8 = 0x41;
/// Conversion (report) period, ms (assumed 16 ms).
pub const REPORT_PERIOD_MS: u64 = 16;
/// How long ATI runs after REDO_ATI, ps (assumed 50 ms; ZSband's driver
/// polls IN_ATI every 10 ms for up to 1 s).
pub const ATI_PS: u64 = 50_000_000_000;
/// Longest communication window, ps (assumed 2 ms).
pub const WINDOW_PS: u64 = 2_000_000_000;

const SYS_FLAGS: u8 = 0x10;
const GLBL_EVENTS: u8 = 0x11;
const PROX_FLAGS: u8 = 0x12;
const COUNTS: u8 = 0x20;
const SYS_SETTINGS: u8 = 0xD0;

const SHOW_RESET: u8 = 0x80;
const IN_ATI: u8 = 0x04;
const REDO_ATI: u8 = 0x02;
const SOFT_RESET: u8 = 0x80;
const ACK_RESET: u8 = 0x40;
const EVENT_MODE: u8 = 0x20;

const COUNTS_OFF: u16 = 800;
const COUNTS_ON: u16 = 640;
const PROX_DELTA: u16 = 20;
const TOUCH_DELTA: u16 = 100;

/// The IQS620A model.
#[derive(Debug)]
pub struct Iqs620a {
    port: Pointer,
    regs: [u8; 256],
    worn: bool,
    /// A millisecond clock; conversion n is at tick 16·n.
    conversions: Clock,
    seen: u64,
    /// The open communication window, from its start, if any.
    window: Option<Instant>,
    /// When the running ATI (auto-tuning) ends, if one runs.
    ati_until: Option<Instant>,
    now: Instant,
}

impl Default for Iqs620a {
    fn default() -> Self {
        Self::new()
    }
}

impl Iqs620a {
    /// A part after power-on, SHOW_RESET set, on the wrist (the emulated
    /// band is worn until told otherwise, as the AFE4900 model assumes).
    pub fn new() -> Iqs620a {
        let mut p = Iqs620a {
            port: Pointer::default(),
            regs: [0; 256],
            worn: true,
            conversions: Clock::new(1000, Instant::ZERO),
            seen: 0,
            window: None,
            ati_until: None,
            now: Instant::ZERO,
        };
        p.soft_reset();
        p
    }

    fn soft_reset(&mut self) {
        self.regs = [0; 256];
        self.regs[0] = PRODUCT_NUMBER;
        self.regs[1] = 0x08;
        self.regs[2] = 0x82;
        self.regs[SYS_FLAGS as usize] = SHOW_RESET;
        self.conversions = Clock::new(1000, self.now);
        self.seen = 0;
        self.window = None;
        self.ati_until = None;
        self.measure();
    }

    // ---- physics ----

    /// Put the band on a wrist (or take it off).
    pub fn set_worn(&mut self, worn: bool, now: Instant) {
        self.catch_up(now);
        self.worn = worn;
    }

    /// Whether the part's flags currently say "on the wrist".
    pub fn reports_worn(&self) -> bool {
        self.regs[PROX_FLAGS as usize] & 0x01 != 0
    }

    // ---- internals ----

    /// One conversion: counts from the world, flags from counts.
    /// Returns whether the flags changed.
    fn measure(&mut self) -> bool {
        let counts = if self.worn { COUNTS_ON } else { COUNTS_OFF };
        let mut flags = 0u8;
        for ch in 0..6 {
            let c = if ch < 2 { counts } else { COUNTS_OFF };
            let i = (COUNTS + 2 * ch) as usize;
            self.regs[i..i + 2].copy_from_slice(&c.to_le_bytes());
            if ch >= 3 {
                continue; // not a proximity channel
            }
            let delta = COUNTS_OFF.saturating_sub(c);
            if delta > PROX_DELTA {
                flags |= 1 << ch;
            }
            if delta > TOUCH_DELTA {
                flags |= 1 << (ch + 4);
            }
        }
        let changed = flags != self.regs[PROX_FLAGS as usize];
        self.regs[PROX_FLAGS as usize] = flags;
        if changed {
            self.regs[GLBL_EVENTS as usize] |= 0x01;
        }
        changed
    }

    fn event_mode(&self) -> bool {
        self.regs[SYS_SETTINGS as usize] & EVENT_MODE != 0
    }
}

impl Registers for Iqs620a {
    fn catch_up(&mut self, now: Instant) {
        let now = self.now.max(now);
        let n = self.conversions.ticks_at(now) / REPORT_PERIOD_MS;
        if n > self.seen {
            // The world changes only through set_worn, which catches up
            // first, so the last conversion stands for all of them.
            let changed = self.measure();
            let at = self.conversions.instant_of_tick(n * REPORT_PERIOD_MS);
            if !self.event_mode() || changed {
                self.window = Some(at);
            }
            self.seen = n;
        }
        if let Some(w) = self.window
            && now.since(w) >= WINDOW_PS
        {
            self.window = None;
        }
        if self.ati_until.is_some_and(|t| now >= t) {
            self.ati_until = None;
            self.regs[SYS_FLAGS as usize] &= !IN_ATI;
        }
        self.now = now;
    }

    fn read_reg(&mut self, reg: u8, now: Instant) -> u8 {
        self.catch_up(now);
        if reg == GLBL_EVENTS {
            return std::mem::take(&mut self.regs[reg as usize]);
        }
        self.regs[reg as usize]
    }

    fn write_reg(&mut self, reg: u8, value: u8, now: Instant) {
        self.catch_up(now);
        match reg {
            SYS_SETTINGS => {
                if value & SOFT_RESET != 0 {
                    self.soft_reset();
                    return;
                }
                if value & ACK_RESET != 0 {
                    self.regs[SYS_FLAGS as usize] &= !SHOW_RESET;
                }
                if value & REDO_ATI != 0 {
                    self.ati_until = Some(Instant(self.now.0 + ATI_PS));
                    self.regs[SYS_FLAGS as usize] |= IN_ATI;
                }
                // SOFT_RESET, ACK_RESET and REDO_ATI act once (assumed self-clearing).
                self.regs[reg as usize] = value & !(SOFT_RESET | ACK_RESET | REDO_ATI);
            }
            0x40..=0xCF | 0xD1..=0xD6 => self.regs[reg as usize] = value,
            _ => {}
        }
    }
}

impl I2cTarget for Iqs620a {
    fn start(&mut self, read: bool, now: Instant) -> bool {
        let mut port = self.port;
        let ack = port.start(self, read, now);
        self.port = port;
        ack
    }
    fn write(&mut self, byte: u8, now: Instant) -> bool {
        let mut port = self.port;
        let ack = port.write(self, byte, now);
        self.port = port;
        ack
    }
    fn read(&mut self, now: Instant) -> u8 {
        let mut port = self.port;
        let v = port.read(self, now);
        self.port = port;
        v
    }
    /// STOP closes the communication window.
    fn stop(&mut self, now: Instant) {
        self.catch_up(now);
        self.window = None;
    }
}

impl Part for Iqs620a {
    fn model(&self) -> &'static str {
        "iqs620a"
    }

    fn reset(&mut self) {
        *self = Iqs620a::new();
    }

    fn next_event(&self) -> Option<Instant> {
        let ready = match self.window {
            Some(w) => Some(Instant(w.0 + WINDOW_PS)),
            // In event mode only a change of the world opens a window.
            None if self.event_mode() && self.worn == self.reports_worn() => None,
            None => Some(
                self.conversions
                    .instant_of_tick((self.seen + 1) * REPORT_PERIOD_MS),
            ),
        };
        match (ready, self.ati_until) {
            (Some(r), Some(a)) => Some(r.min(a)),
            (r, a) => r.or(a),
        }
    }

    fn advance(&mut self, now: Instant) {
        self.catch_up(now);
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "ready").then_some(self.window.is_none())
    }

    fn as_i2c(&mut self) -> Option<&mut dyn I2cTarget> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i2c::bus;

    const T0: Instant = Instant::ZERO;

    /// ZSband's driver: ID block, settings, ACK_RESET | REDO_ATI by
    /// read-modify-write, poll IN_ATI, then the flags block and six counts.
    #[test]
    fn zsband_driver_setup_and_fetch() {
        let mut p = Iqs620a::new();
        assert_eq!(bus::read(&mut p, 0x00, 3, T0)[0], PRODUCT_NUMBER);
        let ss = bus::read(&mut p, SYS_SETTINGS, 1, T0)[0];
        bus::write(&mut p, SYS_SETTINGS, &[ss | ACK_RESET | REDO_ATI], T0);
        let mut t = T0;
        while bus::read(&mut p, SYS_FLAGS, 1, t)[0] & IN_ATI != 0 {
            t = Instant(t.0 + 10_000_000_000);
            assert!(t < Instant::from_secs(1), "ATI ends in time");
        }
        assert_eq!(t, Instant::from_millis(50));
        p.set_worn(true, t);
        let t = Instant::from_millis(100);
        let flags = bus::read(&mut p, SYS_FLAGS, 12, t);
        assert_eq!(flags[0] & SHOW_RESET, 0, "reset acknowledged");
        assert_eq!(flags[2] & 0x07, 0x03, "proximity on channels 0 and 1");
        let c = bus::read(&mut p, COUNTS, 12, t);
        assert_eq!(u16::from_le_bytes([c[0], c[1]]), COUNTS_ON);
        assert_eq!(u16::from_le_bytes([c[10], c[11]]), COUNTS_OFF);
    }

    #[test]
    fn identifies_as_iqs620a() {
        let mut p = Iqs620a::new();
        assert_eq!(bus::read(&mut p, 0x00, 3, T0), [0x41, 0x08, 0x82]);
    }

    #[test]
    fn show_reset_until_acknowledged() {
        let mut p = Iqs620a::new();
        assert_eq!(bus::read(&mut p, SYS_FLAGS, 1, T0), [SHOW_RESET]);
        bus::write(&mut p, SYS_SETTINGS, &[ACK_RESET], T0);
        assert_eq!(bus::read(&mut p, SYS_FLAGS, 1, T0), [0]);
        bus::write(&mut p, SYS_SETTINGS, &[SOFT_RESET], T0);
        assert_eq!(bus::read(&mut p, SYS_FLAGS, 1, T0), [SHOW_RESET]);
    }

    #[test]
    fn wearing_shows_in_flags_and_counts_at_the_next_conversion() {
        let mut p = Iqs620a::new();
        p.set_worn(false, T0);
        let t = Instant::from_millis(20);
        assert_eq!(bus::read(&mut p, PROX_FLAGS, 1, t), [0]);
        p.set_worn(true, t);
        assert_eq!(
            bus::read(&mut p, PROX_FLAGS, 1, t),
            [0],
            "not converted yet"
        );
        let t = Instant::from_millis(33);
        assert_eq!(bus::read(&mut p, PROX_FLAGS, 1, t), [0x33]);
        assert!(p.reports_worn());
        let c = bus::read(&mut p, COUNTS, 6, t);
        assert_eq!(u16::from_le_bytes([c[0], c[1]]), COUNTS_ON);
        assert_eq!(u16::from_le_bytes([c[4], c[5]]), COUNTS_OFF);
        assert_eq!(bus::read(&mut p, GLBL_EVENTS, 1, t), [1]);
        assert_eq!(bus::read(&mut p, GLBL_EVENTS, 1, t), [0], "clear on read");
        p.set_worn(false, t);
        assert_eq!(
            bus::read(&mut p, PROX_FLAGS, 1, Instant::from_millis(50)),
            [0]
        );
    }

    #[test]
    fn ready_window_opens_at_each_conversion_and_stop_closes_it() {
        let mut p = Iqs620a::new();
        assert_eq!(p.output("ready"), Some(true));
        let t = p.next_event().unwrap();
        assert_eq!(t, Instant::from_millis(16));
        p.advance(t);
        assert_eq!(p.output("ready"), Some(false), "window open");
        bus::read(&mut p, PROX_FLAGS, 1, t);
        assert_eq!(p.output("ready"), Some(true), "STOP closed it");
        // A window nobody serves closes by itself after 2 ms.
        let t = p.next_event().unwrap();
        p.advance(t);
        assert_eq!(p.output("ready"), Some(false));
        let close = p.next_event().unwrap();
        assert_eq!(close, Instant(t.0 + WINDOW_PS));
        p.advance(close);
        assert_eq!(p.output("ready"), Some(true));
    }

    #[test]
    fn event_mode_opens_windows_only_on_change() {
        let mut p = Iqs620a::new();
        p.set_worn(false, T0);
        bus::write(&mut p, SYS_SETTINGS, &[EVENT_MODE], T0);
        p.advance(Instant::from_millis(100));
        assert_eq!(p.output("ready"), Some(true));
        assert_eq!(p.next_event(), None, "nothing to report");
        p.set_worn(true, Instant::from_millis(100));
        p.advance(Instant::from_millis(112));
        assert_eq!(p.output("ready"), Some(false), "flags changed at 112 ms");
    }
}
