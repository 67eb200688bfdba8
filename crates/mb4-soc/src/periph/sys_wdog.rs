//! SYS_WDOG: the system watchdog.
//!
//! Modelled: the 13-bit counter `WDOG_VAL` counts down one step every 320
//! low-power clock cycles (10 ms on RC32K: Zephyr's `smartbond_timer.c` says
//! the default reload 0x1FFF lasts ~82 s on RC32K and ~172 s on RCX) from
//! power-on, unless frozen (GPREG `FRZ_SYS_WDOG`, which Zephyr's
//! `soc_early_init_hook` sets first thing). A write to `WATCHDOG_REG` with
//! `WDOG_WEN` zero reloads it. At 0: with `NMI_RST` set the chip resets;
//! otherwise the NMI would be raised and the counter goes on below zero
//! (`WDOG_VAL_NEG`) for 16 more steps before the reset. The core model has no
//! NMI input yet, so the NMI is only reported ([`SysWdog::take_nmi`]).
//! `WRITE_BUSY` reads 0: writes take effect at once.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::{Clock, Instant};

use super::Notes;

mb4_periph::regmap! {
    /// SYS_WDOG registers (`SYS_WDOG_Type`, base 0x5000_0700).
    pub mod regs {
        /// Watchdog timer register.
        WATCHDOG_REG @ 0x00 = 0x1FFF {
            WDOG_VAL: 0..=12 RW,
            WDOG_VAL_NEG: 13..=13 RW,
            WDOG_WEN: 14..=31 RW,
        }
        /// Watchdog control register.
        WATCHDOG_CTRL_REG @ 0x04 = 0 {
            NMI_RST: 0..=0 RW,
            WDOG_FREEZE_EN: 2..=2 RW,
            WRITE_BUSY: 3..=3 RO,
        }
    }
}

use regs::{WATCHDOG_CTRL_REG as CTRL, WATCHDOG_REG as WDOG};

/// Low-power clock cycles per counter step.
pub const LP_CYCLES_PER_STEP: u64 = 320;
/// Steps below zero between the NMI and the reset.
pub const NEGATIVE_STEPS: u64 = 16;

/// SYS_WDOG model.
#[derive(Debug, Clone)]
pub struct SysWdog {
    regs: Regs,
    lp_hz: u64,
    frozen: bool,
    /// Counter value (may go below 0 in the NMI phase) at `anchor`.
    value: i64,
    anchor: Instant,
    nmi: bool,
    reset: bool,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl SysWdog {
    /// A running watchdog at power-on on an `lp_hz` low-power clock.
    pub fn new(lp_hz: u64) -> SysWdog {
        SysWdog {
            regs: Regs::new(regs::BLOCK),
            lp_hz,
            frozen: false,
            value: i64::from(WDOG::RESET & 0x1FFF),
            anchor: Instant::ZERO,
            nmi: false,
            reset: false,
            notes: Notes::default(),
        }
    }

    fn step_clock(&self) -> Clock {
        Clock::new(self.lp_hz, self.anchor)
    }

    fn steps(&self, now: Instant) -> i64 {
        if self.frozen {
            0
        } else {
            (self.step_clock().ticks_at(now) / LP_CYCLES_PER_STEP) as i64
        }
    }

    fn value_at(&self, now: Instant) -> i64 {
        self.value - self.steps(now)
    }

    fn reanchor(&mut self, now: Instant) {
        // Keep the phase within the current step: whole steps only.
        let steps = self.steps(now);
        if !self.frozen {
            self.anchor = self
                .step_clock()
                .instant_of_tick(steps as u64 * LP_CYCLES_PER_STEP);
        } else {
            self.anchor = now;
        }
        self.value -= steps;
    }

    fn nmi_rst(&self) -> bool {
        CTRL::NMI_RST.is_set(self.regs.get(CTRL::OFFSET))
    }

    /// Freeze or release (GPREG `FRZ_SYS_WDOG`).
    pub fn set_frozen(&mut self, frozen: bool, now: Instant) {
        if frozen != self.frozen {
            self.reanchor(now);
            self.frozen = frozen;
            self.anchor = now;
        }
    }

    /// The low-power clock changed.
    pub fn set_lp_hz(&mut self, hz: u64, now: Instant) {
        if hz != self.lp_hz {
            self.reanchor(now);
            self.lp_hz = hz;
            self.anchor = now;
        }
    }

    /// Whether the watchdog raised its NMI since the last call.
    pub fn take_nmi(&mut self) -> bool {
        std::mem::take(&mut self.nmi)
    }

    /// Whether the watchdog reset the chip since the last call.
    pub fn take_reset(&mut self) -> bool {
        std::mem::take(&mut self.reset)
    }

    fn update(&mut self, now: Instant) {
        let v = self.value_at(now);
        let limit = if self.nmi_rst() {
            0
        } else {
            -(NEGATIVE_STEPS as i64)
        };
        if v <= 0 && self.value > 0 && !self.nmi_rst() {
            self.nmi = true;
        }
        if v <= limit {
            self.reset = true;
            self.value = i64::from(WDOG::RESET & 0x1FFF);
            self.anchor = now;
            return;
        }
        if v <= 0 && self.value > 0 {
            // Remember that the NMI fired.
            self.reanchor(now);
        }
        let shown = if v < 0 {
            (v & 0x1FFF) as u32 | WDOG::WDOG_VAL_NEG.mask()
        } else {
            v as u32
        };
        self.regs.set(WDOG::OFFSET, shown);
    }
}

impl Device for SysWdog {
    fn name(&self) -> &'static str {
        "SYS_WDOG"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.update(cx.now);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.update(cx.now);
        let before = self.regs.get(WDOG::OFFSET);
        let w = self
            .notes
            .write("SYS_WDOG", &mut self.regs, offset, size, value)?;
        if w.offset == WDOG::OFFSET {
            if WDOG::WDOG_WEN.get(w.written) == 0 {
                self.reanchor(cx.now);
                self.value = i64::from(WDOG::WDOG_VAL.get(w.written));
                self.anchor = cx.now;
            }
            self.regs.set(WDOG::OFFSET, before);
            self.update(cx.now);
        }
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        if self.frozen {
            return None;
        }
        let limit = if self.nmi_rst() {
            0
        } else {
            -(NEGATIVE_STEPS as i64)
        };
        let target = if self.value > 0 && !self.nmi_rst() {
            0
        } else {
            limit
        };
        let steps = (self.value - target).max(1) as u64;
        Some(
            self.step_clock()
                .instant_of_tick(steps * LP_CYCLES_PER_STEP),
        )
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.update(cx.now);
    }

    fn reset(&mut self) {
        *self = SysWdog::new(self.lp_hz);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    #[test]
    fn counts_down_reloads_and_resets() {
        let mut w = SysWdog::new(32_000);
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::from_millis(105),
            irqs: &mut l,
        };
        // 10 ms per step on a 32 kHz clock.
        assert_eq!(w.read(0, 4, &mut cx).unwrap(), 0x1FFF - 10);
        // Zephyr's feed: WDOG_WEN = 0, value 100.
        w.write(0, 4, 100, &mut cx).unwrap();
        assert_eq!(w.read(0, 4, &mut cx).unwrap(), 100);
        w.write(0, 4, 0xFFFF_C000 | 5, &mut cx).unwrap();
        assert_eq!(
            w.read(0, 4, &mut cx).unwrap(),
            100,
            "WDOG_WEN set: write ignored"
        );
        // NMI at 0 (1 s later), reset 16 steps after.
        let nmi = w.next_event().unwrap();
        assert_eq!(nmi, Instant::from_millis(1105));
        cx.now = nmi;
        w.advance(&mut cx);
        assert!(w.take_nmi());
        assert!(!w.take_reset());
        cx.now = w.next_event().unwrap();
        assert_eq!(cx.now, Instant::from_millis(1105 + 160));
        w.advance(&mut cx);
        assert!(w.take_reset());
    }

    #[test]
    fn frozen_watchdog_stands_still() {
        let mut w = SysWdog::new(32_000);
        w.set_frozen(true, Instant::ZERO);
        assert_eq!(w.next_event(), None);
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::from_secs(1000),
            irqs: &mut l,
        };
        assert_eq!(w.read(0, 4, &mut cx).unwrap(), 0x1FFF);
        // NMI_RST: straight to reset at 0.
        w.write(4, 4, 1, &mut cx).unwrap();
        w.write(0, 4, 3, &mut cx).unwrap();
        w.set_frozen(false, cx.now);
        cx.now = w.next_event().unwrap();
        w.advance(&mut cx);
        assert!(w.take_reset());
        assert!(!w.take_nmi());
    }
}
