//! TI AFE4900 optical front end (PPG) on I²C, with a synthetic pulse.
//!
//! The I²C framing is the AFE44xx family's: a register address byte, then
//! 24-bit words MSB first; consecutive words go to consecutive registers
//! (except the FIFO port 0xFF, which stays put). No datasheet was at hand;
//! the facts come from two public drivers (confidence **S**): ZSband's
//! Zephyr driver for the band (which cites datasheet tables 4, 49, 78 and
//! 142) and an ESP32 set-up table for TI's EVM. Details marked "assumed"
//! come from neither.
//!
//! Reads need no REG_READ bit: ZSband's driver reads PRPCT back right after
//! writing it with REG_READ clear, as TI's Linux driver for the I²C-only
//! AFE4404 reads registers. Writes to 0x23 and above are ignored (and
//! reported) until CONTROL0 ENABLE_ULP is set, as ZSband's driver says the
//! datasheet requires.
//!
//! | reg | name | modelled |
//! |---|---|---|
//! | 0x00 | CONTROL0 | bit 0 REG_READ (stored; writes ignored while set, assumed), bit 3 SW_RESET (self-clearing), bit 5 ENABLE_ULP, bit 6 FIFO_EN (inferred) |
//! | 0x01-0x1C, 0x20-0x29, 0x31-0x41, 0x43-0x6F | timing engine and analog set-up | stored |
//! | 0x1D | PRPCT | pulse repetition period − 1, in timing-engine counts |
//! | 0x1E | CONTROL1 | bit 8 TIMEREN: the timing engine runs; bits 3:0 NUMAV (stored) |
//! | 0x23 | CONTROL2 | bit 9 OSC_EN: the 128 kHz oscillator (no external clock is modelled) |
//! | 0x39 | CLKDIV | bits 2:0 timing-engine divider: 0 → /1, 4 → /2, 5 → /4, 6 → /8, 7 → /16 (5 → /4 from ZSband; the rest assumed as the AFE4404's) |
//! | 0x2A-0x2D | LED2VAL, ALED2VAL, LED1VAL, ALED1VAL | last conversion, 24-bit two's complement |
//! | 0x42 | FIFO | stored (watermark bits 13:6, partition bits 3:0: not acted on) |
//! | 0x52, 0x53 | DATA_RDY_STC/ENDC | ADC_RDY high from count STC to ENDC of each period |
//! | 0x6D | REG_POINTER | words waiting in the FIFO |
//! | 0xFF | FIFO data | each conversion pushes LED2, ALED2, LED1, ALED1 (128 words kept) |
//!
//! The register names and addresses above match a public AFE4900 set-up
//! table (an ESP32 driver for TI's EVM; confidence **S**), which also
//! writes CONTROL0 = 0x60, hence FIFO_EN at bit 6 (inferred). Each period's
//! results are ready at count DATA_RDY_STC, and `ready` (ADC_RDY) is high
//! through DATA_RDY_ENDC; with both zero, high for 8 counts (62.5 µs,
//! assumed) from the period's start.
//! `reset` is RESETZ: low holds the part in reset (registers cleared).
//!
//! The pulse: LED phases read `DC − AC·p(φ)` where φ is the phase in the
//! heartbeat and `p` a systolic peak at φ = 0.15 plus a smaller dicrotic
//! wave at φ = 0.45 (blood absorbs more light at systole, so less comes back).
//! Ambient phases read a constant. Off the wrist, LED phases read near the
//! ambient level with no pulse.

use std::collections::VecDeque;

use mb4_periph::part::{I2cTarget, Part};
use mb4_periph::time::{Clock, Instant, PS_PER_SECOND};

use crate::Report;

/// The internal oscillator that clocks the timing engine (through CLKDIV).
pub const OSC_HZ: u64 = 128_000;
/// FIFO depth in 24-bit words (assumed).
pub const FIFO_WORDS: usize = 128;
/// ADC_RDY pulse width in timing-engine counts when DATA_RDY_STC/ENDC are
/// zero (assumed: 62.5 µs).
pub const DEFAULT_RDY_COUNTS: u64 = 8;

const CONTROL0: u8 = 0x00;
const PRPCT: u8 = 0x1D;
const CONTROL1: u8 = 0x1E;
const LED2VAL: u8 = 0x2A;
const ALED2VAL: u8 = 0x2B;
const LED1VAL: u8 = 0x2C;
const ALED1VAL: u8 = 0x2D;
const DATA_RDY_STC: u8 = 0x52;
const DATA_RDY_ENDC: u8 = 0x53;
const POINTER_DIFF: u8 = 0x6D;
const FIFO_DATA: u8 = 0xFF;

const CONTROL2: u8 = 0x23;
const CLKDIV: u8 = 0x39;

const REG_READ: u32 = 1 << 0;
const ENABLE_ULP: u32 = 1 << 5;
const OSC_EN: u32 = 1 << 9;
const SW_RESET: u32 = 1 << 3;
const TIMEREN: u32 = 1 << 8;
const FIFO_EN: u32 = 1 << 6;

/// Code levels of the synthetic signal.
const LED_DC: f64 = 400_000.0;
const LED_AC: f64 = 6_000.0;
const AMBIENT: f64 = 20_000.0;
const OFF_WRIST_LED: f64 = 25_000.0;

/// The AFE4900 model.
#[derive(Debug)]
pub struct Afe4900 {
    regs: [u32; 256],
    fifo: VecDeque<u32>,
    /// I²C: register pointer, bytes of the current word so far, the word.
    pointer: u8,
    awaiting_pointer: bool,
    byte: usize,
    word: u32,
    latched: u32,
    heart_bpm: f64,
    worn: bool,
    in_reset: bool,
    prf: Option<Clock>,
    conversions: u64,
    /// Timing-engine count of the last conversion.
    last_conversion: Option<u64>,
    reports: Vec<Report>,
    now: Instant,
}

impl Default for Afe4900 {
    fn default() -> Self {
        Self::new()
    }
}

impl Afe4900 {
    /// A part after power-on: registers zero, timing engine stopped, on the
    /// wrist with a 70 bpm pulse.
    pub fn new() -> Afe4900 {
        Afe4900 {
            regs: [0; 256],
            fifo: VecDeque::new(),
            pointer: 0,
            awaiting_pointer: false,
            byte: 0,
            word: 0,
            latched: 0,
            heart_bpm: 70.0,
            worn: true,
            in_reset: false,
            prf: None,
            conversions: 0,
            last_conversion: None,
            reports: Vec::new(),
            now: Instant::ZERO,
        }
    }

    // ---- physics ----

    /// The wearer's heart rate, beats per minute.
    pub fn set_heart_rate(&mut self, bpm: f64, now: Instant) {
        self.catch_up(now);
        self.heart_bpm = bpm.max(0.0);
    }

    /// Whether the band is on a wrist.
    pub fn set_worn(&mut self, worn: bool, now: Instant) {
        self.catch_up(now);
        self.worn = worn;
    }

    /// The green LED phase's value at `t` (what LED1VAL would read).
    pub fn led_at(&self, t: Instant) -> i32 {
        if !self.worn {
            return OFF_WRIST_LED as i32;
        }
        let s = t.0 as f64 / PS_PER_SECOND as f64;
        let phase = (s * self.heart_bpm / 60.0).fract();
        let g = |c: f64, w: f64| (-((phase - c) / w).powi(2)).exp();
        let p = g(0.15, 0.07) + 0.4 * g(0.45, 0.1);
        (LED_DC - LED_AC * p) as i32
    }

    /// Conversions done since power-on.
    pub fn conversions(&self) -> u64 {
        self.conversions
    }

    /// Pulse repetition frequency in Hz while the timing engine runs.
    pub fn prf_hz(&self) -> Option<f64> {
        self.prf
            .map(|c| c.hz as f64 / (self.regs[PRPCT as usize] as f64 + 1.0))
    }

    // ---- internals ----

    /// The timing-engine clock: the oscillator through CLKDIV.
    fn te_hz(&self) -> u64 {
        let div = match self.regs[CLKDIV as usize] & 7 {
            4 => 2,
            5 => 4,
            6 => 8,
            7 => 16,
            _ => 1,
        };
        OSC_HZ / div
    }

    fn report(&mut self, what: String) {
        self.reports.push(Report { at: self.now, what });
    }

    /// Things a driver did that the part ignores or we do not model.
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    fn sw_reset(&mut self) {
        self.regs = [0; 256];
        self.fifo.clear();
        self.prf = None;
        self.last_conversion = None;
    }

    fn restart_timing(&mut self) {
        let run = self.regs[CONTROL1 as usize] & TIMEREN != 0;
        let period = self.regs[PRPCT as usize] as u64 + 1;
        let osc = self.regs[CONTROL2 as usize] & OSC_EN != 0;
        if run && !osc {
            self.report("TIMEREN set with CONTROL2 OSC_EN clear: no external clock is modelled, the timing engine stays stopped".into());
        }
        // Counts of the timing-engine clock; a conversion every `period` of them.
        self.prf = (run && osc && period > 1).then(|| Clock::new(self.te_hz(), self.now));
    }

    fn period(&self) -> u64 {
        self.regs[PRPCT as usize] as u64 + 1
    }

    /// ADC_RDY's start count in each period and its width in counts.
    fn rdy_window(&self) -> (u64, u64) {
        let stc = self.regs[DATA_RDY_STC as usize] as u64;
        let endc = self.regs[DATA_RDY_ENDC as usize] as u64;
        if (stc | endc) != 0 && endc >= stc && endc < self.period() {
            (stc, endc - stc + 1)
        } else {
            (0, DEFAULT_RDY_COUNTS)
        }
    }

    /// Conversions completed by timing-engine count `ticks`: conversion k
    /// (k ≥ 1) is ready at count k·period + DATA_RDY_STC.
    fn done_by(&self, ticks: u64) -> u64 {
        let (stc, _) = self.rdy_window();
        ticks.checked_sub(stc).map_or(0, |t| t / self.period())
    }

    fn catch_up(&mut self, now: Instant) {
        let now = self.now.max(now);
        if let Some(c) = self.prf {
            let period = self.period();
            let (stc, _) = self.rdy_window();
            let done = self.done_by(c.ticks_at(now));
            let before = self.done_by(c.ticks_at(self.now));
            // Only the last few conversions matter to the registers; the FIFO
            // keeps at most FIFO_WORDS / 4 of them.
            let first = before.max(done.saturating_sub(FIFO_WORDS as u64 / 4)) + 1;
            for n in first..=done {
                let tick = n * period + stc;
                self.convert(c.instant_of_tick(tick));
                self.last_conversion = Some(tick);
            }
            self.conversions += done - before;
        }
        self.now = now;
    }

    fn convert(&mut self, t: Instant) {
        let led = self.led_at(t);
        let amb = if self.worn {
            AMBIENT as i32
        } else {
            OFF_WRIST_LED as i32 - 500
        };
        let words = [led, amb, led, amb].map(|v| (v as u32) & 0xFF_FFFF);
        self.regs[LED2VAL as usize] = words[0];
        self.regs[ALED2VAL as usize] = words[1];
        self.regs[LED1VAL as usize] = words[2];
        self.regs[ALED1VAL as usize] = words[3];
        if self.regs[CONTROL0 as usize] & FIFO_EN != 0 {
            for w in words {
                if self.fifo.len() == FIFO_WORDS {
                    self.fifo.pop_front();
                }
                self.fifo.push_back(w);
            }
        }
    }

    fn read_word(&mut self, reg: u8) -> u32 {
        match reg {
            FIFO_DATA => self.fifo.pop_front().unwrap_or(0),
            LED2VAL..=ALED1VAL => self.regs[reg as usize],
            POINTER_DIFF => self.fifo.len() as u32,
            _ => self.regs[reg as usize],
        }
    }

    fn write_word(&mut self, reg: u8, value: u32) {
        let value = value & 0xFF_FFFF;
        match reg {
            CONTROL0 => {
                if value & SW_RESET != 0 {
                    self.sw_reset();
                } else {
                    self.regs[0] = value;
                    if value & FIFO_EN == 0 {
                        self.fifo.clear();
                    }
                }
            }
            LED2VAL..=ALED1VAL | POINTER_DIFF | FIFO_DATA => {}
            _ if self.regs[CONTROL0 as usize] & REG_READ != 0 => {}
            _ if reg >= CONTROL2 && self.regs[CONTROL0 as usize] & ENABLE_ULP == 0 => {
                self.report(format!(
                    "write of {value:#08x} to register {reg:#04x} ignored: CONTROL0 ENABLE_ULP is clear"
                ));
            }
            PRPCT | CONTROL1 | CONTROL2 | CLKDIV => {
                self.regs[reg as usize] = value;
                self.restart_timing();
            }
            _ => self.regs[reg as usize] = value,
        }
    }

    fn next_pointer(&self) -> u8 {
        if self.pointer == FIFO_DATA {
            FIFO_DATA
        } else {
            self.pointer.wrapping_add(1)
        }
    }
}

impl I2cTarget for Afe4900 {
    fn start(&mut self, read: bool, now: Instant) -> bool {
        if self.in_reset {
            return false;
        }
        self.catch_up(now);
        self.awaiting_pointer = !read;
        self.byte = 0;
        true
    }

    fn write(&mut self, byte: u8, now: Instant) -> bool {
        self.catch_up(now);
        if self.awaiting_pointer {
            self.pointer = byte;
            self.awaiting_pointer = false;
            self.byte = 0;
            self.word = 0;
            return true;
        }
        self.word = (self.word << 8) | byte as u32;
        self.byte += 1;
        if self.byte == 3 {
            self.write_word(self.pointer, self.word);
            self.pointer = self.next_pointer();
            self.byte = 0;
            self.word = 0;
        }
        true
    }

    fn read(&mut self, now: Instant) -> u8 {
        self.catch_up(now);
        if self.byte == 0 {
            self.latched = self.read_word(self.pointer);
        }
        let b = (self.latched >> (16 - 8 * self.byte)) as u8;
        self.byte += 1;
        if self.byte == 3 {
            self.pointer = self.next_pointer();
            self.byte = 0;
        }
        b
    }

    fn stop(&mut self, _now: Instant) {
        self.byte = 0;
    }
}

impl Part for Afe4900 {
    fn model(&self) -> &'static str {
        "afe4900"
    }

    fn reset(&mut self) {
        *self = Afe4900::new();
    }

    fn next_event(&self) -> Option<Instant> {
        let c = self.prf?;
        let (stc, width) = self.rdy_window();
        if let Some(last) = self.last_conversion {
            let fall = c.instant_of_tick(last + width);
            if self.now < fall {
                return Some(fall);
            }
        }
        let n = self.done_by(c.ticks_at(self.now)) + 1;
        Some(c.instant_of_tick(n * self.period() + stc))
    }

    fn advance(&mut self, now: Instant) {
        self.catch_up(now);
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "ready").then(|| {
            let (_, width) = self.rdy_window();
            self.prf.is_some_and(|c| {
                self.last_conversion
                    .is_some_and(|t| c.ticks_at(self.now) < t + width)
            })
        })
    }

    fn input(&mut self, role: &str, level: bool, now: Instant) {
        if role == "reset" {
            self.catch_up(now);
            if !level {
                self.sw_reset();
            }
            self.in_reset = !level;
        }
    }

    fn as_i2c(&mut self) -> Option<&mut dyn I2cTarget> {
        Some(self)
    }

    fn take_reports(&mut self) -> Vec<String> {
        std::mem::take(&mut self.reports)
            .into_iter()
            .map(|r| r.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Instant = Instant::ZERO;

    fn write(a: &mut Afe4900, reg: u8, v: u32, t: Instant) {
        assert!(a.start(false, t));
        a.write(reg, t);
        for b in &v.to_be_bytes()[1..] {
            a.write(*b, t);
        }
        a.stop(t);
    }

    fn read(a: &mut Afe4900, reg: u8, t: Instant) -> u32 {
        a.start(false, t);
        a.write(reg, t);
        a.start(true, t);
        let v = (0..3).fold(0u32, |acc, _| (acc << 8) | a.read(t) as u32);
        a.stop(t);
        v
    }

    /// Start at 100 Hz: PRPCT = 1279 at 128 kHz.
    fn running(a: &mut Afe4900) {
        let c0 = a.regs[CONTROL0 as usize] | ENABLE_ULP;
        write(a, CONTROL0, c0, T0);
        write(a, CONTROL2, OSC_EN, T0);
        write(a, PRPCT, 1279, T0);
        write(a, CONTROL1, TIMEREN, T0);
    }

    #[test]
    fn registers_read_back_and_reset() {
        let mut a = Afe4900::new();
        write(&mut a, PRPCT, 0x00_13FF, T0);
        assert_eq!(read(&mut a, PRPCT, T0), 0x13FF, "no REG_READ needed");
        write(&mut a, CONTROL0, REG_READ, T0);
        write(&mut a, PRPCT, 0x55, T0);
        assert_eq!(read(&mut a, PRPCT, T0), 0x13FF, "no writes while REG_READ");
        write(&mut a, CONTROL0, SW_RESET, T0);
        assert_eq!(read(&mut a, PRPCT, T0), 0, "SW_RESET cleared it");
        assert_eq!(read(&mut a, CONTROL0, T0), 0, "SW_RESET clears itself");
    }

    #[test]
    fn high_registers_need_enable_ulp() {
        let mut a = Afe4900::new();
        write(&mut a, CLKDIV, 5, T0);
        assert_eq!(read(&mut a, CLKDIV, T0), 0);
        assert!(a.take_reports()[0].contains("ENABLE_ULP is clear"));
        write(&mut a, CONTROL0, ENABLE_ULP, T0);
        write(&mut a, CLKDIV, 5, T0);
        assert_eq!(read(&mut a, CLKDIV, T0), 5);
        // Without the oscillator the timing engine does not run.
        write(&mut a, PRPCT, 319, T0);
        write(&mut a, CONTROL1, TIMEREN, T0);
        assert_eq!(a.prf_hz(), None);
        assert!(a.take_reports()[0].contains("OSC_EN"));
    }

    /// ZSband's driver: reset, ENABLE_ULP, oscillator on, CLKDIV /4 (32 kHz),
    /// its timing table (DATA_RDY at count 0x27), PRPCT for 100 Hz read back,
    /// TIMEREN with NUMAV = 1.
    #[test]
    fn zsband_driver_init_runs_at_its_sample_rate() {
        let mut a = Afe4900::new();
        a.input("reset", false, T0);
        let t0 = Instant::from_micros(30);
        a.input("reset", true, t0);
        write(&mut a, CONTROL0, ENABLE_ULP, t0);
        write(
            &mut a,
            CONTROL2,
            1 << 20 | 1 << 14 | OSC_EN | 1 << 4 | 1 << 3,
            T0,
        );
        write(&mut a, CLKDIV, 5, t0);
        write(&mut a, DATA_RDY_STC, 0x27, t0);
        write(&mut a, DATA_RDY_ENDC, 0x27, t0);
        write(&mut a, PRPCT, 319, t0);
        write(&mut a, 0x6B, 319 - 7, t0);
        assert_eq!(read(&mut a, PRPCT, t0), 319);
        write(&mut a, CONTROL1, TIMEREN | 1, t0);
        assert_eq!(a.prf_hz(), Some(100.0));
        let rise = a.next_event().unwrap();
        // Count 320 + 0x27 of a 32 kHz clock.
        assert_eq!(rise, Clock::new(32_000, t0).instant_of_tick(320 + 0x27));
        a.advance(rise);
        assert_eq!(a.output("ready"), Some(true));
        let fall = a.next_event().unwrap();
        assert_eq!(fall.since(rise), 31_250_000, "one count wide");
        let led1 = read(&mut a, LED1VAL, rise);
        assert!(led1 > 390_000, "{led1}");
        assert!(a.take_reports().is_empty());
    }

    /// Our Zephyr driver (firmware/drivers/sensor/ti/afe4900): software
    /// reset, ENABLE_ULP, CONTROL2, CLKDIV /4, DATA_RDY at count 40, FIFO on,
    /// 25 Hz; stopped and started again by the app; then the FIFO drained
    /// through POINTER_DIFF and the 0xFF port four words at a time.
    #[test]
    fn mb4_driver_fills_the_fifo_at_25_hz() {
        let mut a = Afe4900::new();
        let t = Instant::from_millis(10);
        write(&mut a, CONTROL0, SW_RESET, t);
        write(&mut a, CONTROL0, ENABLE_ULP, t);
        write(&mut a, CONTROL2, OSC_EN, t);
        write(&mut a, CLKDIV, 5, t);
        write(&mut a, DATA_RDY_STC, 40, t);
        write(&mut a, DATA_RDY_ENDC, 41, t);
        write(&mut a, CONTROL0, ENABLE_ULP | FIFO_EN, t);
        write(&mut a, PRPCT, 32_000 / 25 - 1, t);
        write(&mut a, CONTROL1, TIMEREN, t);
        assert_eq!(a.prf_hz(), Some(25.0));
        write(&mut a, CONTROL1, 0, t);
        let t = Instant::from_millis(1000);
        assert_eq!(read(&mut a, POINTER_DIFF, t), 0, "stopped: nothing queued");
        write(&mut a, PRPCT, 32_000 / 25 - 1, t);
        write(&mut a, CONTROL1, TIMEREN, t);
        let t = Instant::from_millis(1500);
        let words = read(&mut a, POINTER_DIFF, t);
        assert_eq!(words, 12 * 4, "12 conversions in 0.5 s at 25 Hz");
        for _ in 0..words / 4 {
            let set = (0..4)
                .map(|_| read(&mut a, FIFO_DATA, t))
                .collect::<Vec<_>>();
            assert!(
                set[2] > set[3] + 300_000,
                "LED1 well above its ambient: {set:?}"
            );
        }
        assert_eq!(read(&mut a, POINTER_DIFF, t), 0, "drained");
        let t = Instant::from_millis(4000);
        assert_eq!(
            read(&mut a, POINTER_DIFF, t),
            FIFO_WORDS as u32,
            "full, oldest dropped"
        );
        assert!(a.take_reports().is_empty(), "{:?}", a.take_reports());
    }

    #[test]
    fn pulse_rate_is_the_heart_rate() {
        let mut a = Afe4900::new();
        running(&mut a);
        assert_eq!(a.prf_hz(), Some(100.0));
        a.set_heart_rate(72.0, T0);
        // Sample LED1VAL at every conversion for 10 s and count beats as
        // falls below the midline.
        let mut beats = 0;
        let mut below = false;
        let mut values = Vec::new();
        for i in 1..=1000u64 {
            let t = Instant::from_millis(i * 10);
            let v = read(&mut a, LED1VAL, t) as i32;
            values.push(v);
            let low = (v as f64) < LED_DC - LED_AC / 2.0;
            if low && !below {
                beats += 1;
            }
            below = low;
        }
        assert_eq!(beats, 12, "72 bpm over 10 s");
        assert!(values.iter().all(|&v| v > 390_000 && v <= 400_000));
        assert_eq!(
            read(&mut a, ALED1VAL, Instant::from_secs(10)),
            AMBIENT as u32
        );
        assert_eq!(a.conversions(), 1000);
    }

    #[test]
    fn off_the_wrist_there_is_no_pulse() {
        let mut a = Afe4900::new();
        running(&mut a);
        a.set_worn(false, T0);
        let vals: Vec<u32> = (1..200)
            .map(|i| read(&mut a, LED1VAL, Instant::from_millis(i * 10)))
            .collect();
        assert!(vals.iter().all(|&v| v == OFF_WRIST_LED as u32));
    }

    #[test]
    fn fifo_collects_four_phases_per_conversion() {
        let mut a = Afe4900::new();
        write(&mut a, CONTROL0, FIFO_EN, T0);
        running(&mut a);
        let t = Instant::from_millis(55); // 5 conversions
        assert_eq!(read(&mut a, POINTER_DIFF, t), 20);
        // A burst read of 0xFF pops words in order: LED2, ALED2, LED1, ALED1.
        a.start(false, t);
        a.write(FIFO_DATA, t);
        a.start(true, t);
        let bytes: Vec<u8> = (0..12).map(|_| a.read(t)).collect();
        a.stop(t);
        let w =
            |i: usize| u32::from_be_bytes([0, bytes[i * 3], bytes[i * 3 + 1], bytes[i * 3 + 2]]);
        assert_eq!(w(1), AMBIENT as u32);
        assert_eq!(w(0), w(2));
        assert_eq!(read(&mut a, POINTER_DIFF, t), 16);
    }

    #[test]
    fn adc_ready_pulses_after_each_conversion() {
        let mut a = Afe4900::new();
        assert_eq!(a.next_event(), None);
        running(&mut a);
        assert_eq!(a.output("ready"), Some(false));
        let t = a.next_event().unwrap();
        assert_eq!(t, Instant::from_millis(10));
        a.advance(t);
        assert_eq!(a.output("ready"), Some(true));
        let fall = a.next_event().unwrap();
        assert_eq!(fall, Instant(t.0 + 62_500_000));
        a.advance(fall);
        assert_eq!(a.output("ready"), Some(false));
        assert_eq!(a.next_event(), Some(Instant::from_millis(20)));
    }

    #[test]
    fn data_rdy_registers_place_the_pulse() {
        let mut a = Afe4900::new();
        write(&mut a, CONTROL0, ENABLE_ULP, T0);
        write(&mut a, DATA_RDY_STC, 100, T0);
        write(&mut a, DATA_RDY_ENDC, 131, T0); // 32 counts = 250 µs
        running(&mut a);
        let rise = a.next_event().unwrap();
        assert_eq!(rise, Clock::new(OSC_HZ, T0).instant_of_tick(1280 + 100));
        a.advance(rise);
        assert_eq!(a.output("ready"), Some(true));
        let fall = a.next_event().unwrap();
        assert_eq!(fall.since(rise), 250_000_000);
        a.advance(fall);
        assert_eq!(a.output("ready"), Some(false));
    }

    #[test]
    fn resetz_low_holds_the_part_off_the_bus() {
        let mut a = Afe4900::new();
        running(&mut a);
        a.input("reset", false, T0);
        assert!(!a.start(false, T0), "no ACK in reset");
        a.input("reset", true, T0);
        assert_eq!(a.next_event(), None, "timing engine cleared");
    }
}
