//! ANAMISC_BIF: clock-reference calibration.
//!
//! Modelled: software writes a count to `CLK_REF_CNT_REG` and starts a
//! measurement with `CLK_REF_SEL_REG.REF_CAL_START`; after `REF_CNT_VAL` cycles
//! of the clock `REF_CLK_SEL` picks, `CLK_REF_VAL_REG` holds how many 32 MHz
//! (DIVN) cycles they took and `REF_CAL_START` clears itself (hal
//! `da1469x_clock_calibrate` busy-waits on it and computes
//! `32 MHz * cnt / val`). The measured oscillators run at their nominal
//! frequencies ([`ref_clock_hz`]): the emulator has no drift to calibrate.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::{Instant, PS_PER_SECOND};

use super::Notes;

mb4_periph::regmap! {
    /// ANAMISC_BIF registers (`ANAMISC_BIF_Type`, base 0x5003_0B00).
    pub mod regs {
        /// Select clock for oscillator calibration.
        CLK_REF_SEL_REG @ 0x10 = 0 {
            REF_CLK_SEL: 0..=2 RW,
            REF_CAL_START: 3..=3 RW,
            EXT_CNT_EN_SEL: 4..=4 Tag,
            CAL_CLK_SEL: 5..=7 Tag,
        }
        /// Count value for oscillator calibration.
        CLK_REF_CNT_REG @ 0x14 = 0 {
            REF_CNT_VAL: 0..=15 RW,
        }
        /// DIVN reference cycles, lower 16 bits.
        CLK_REF_VAL_REG @ 0x18 = 0 {
            XTAL_CNT_VAL: 0..=31 RO,
        }
    }
}

use regs::{CLK_REF_CNT_REG, CLK_REF_SEL_REG, CLK_REF_VAL_REG};

/// DIVN, the 32 MHz reference the measurement counts in.
pub const DIVN_HZ: u64 = 32_000_000;

/// Nominal frequency of the clock `REF_CLK_SEL` picks (hal: 0 RC32K, 1 RC32M,
/// 2 XTAL32K, 3 RCX; others taken as RC32M).
pub fn ref_clock_hz(sel: u32) -> u64 {
    match sel {
        0 => 32_000,
        2 => 32_768,
        3 => 15_000,
        _ => 32_000_000,
    }
}

/// ANAMISC_BIF model.
#[derive(Debug, Clone)]
pub struct AnamiscBif {
    regs: Regs,
    done_at: Option<Instant>,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for AnamiscBif {
    fn default() -> Self {
        Self::new()
    }
}

impl AnamiscBif {
    /// At power-on.
    pub fn new() -> AnamiscBif {
        AnamiscBif {
            regs: Regs::new(regs::BLOCK),
            done_at: None,
            notes: Notes::default(),
        }
    }

    fn update(&mut self, now: Instant) {
        if let Some(at) = self.done_at
            && now >= at
        {
            self.done_at = None;
            let sel = self.regs.get(CLK_REF_SEL_REG::OFFSET);
            self.regs.set(
                CLK_REF_SEL_REG::OFFSET,
                CLK_REF_SEL_REG::REF_CAL_START.set(sel, 0),
            );
            let cnt = u64::from(self.regs.get(CLK_REF_CNT_REG::OFFSET));
            let hz = ref_clock_hz(CLK_REF_SEL_REG::REF_CLK_SEL.get(sel));
            self.regs
                .set(CLK_REF_VAL_REG::OFFSET, (cnt * DIVN_HZ / hz) as u32);
        }
    }
}

impl Device for AnamiscBif {
    fn name(&self) -> &'static str {
        "ANAMISC_BIF"
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
        let w = self
            .notes
            .write("ANAMISC_BIF", &mut self.regs, offset, size, value)?;
        if w.offset == CLK_REF_SEL_REG::OFFSET && w.rose(CLK_REF_SEL_REG::REF_CAL_START) {
            let cnt = u64::from(self.regs.get(CLK_REF_CNT_REG::OFFSET)).max(1);
            let hz = ref_clock_hz(CLK_REF_SEL_REG::REF_CLK_SEL.get(w.new));
            self.done_at = Some(Instant(cx.now.0 + (cnt * PS_PER_SECOND).div_ceil(hz)));
        }
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.done_at
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.update(cx.now);
    }

    fn reset(&mut self) {
        *self = AnamiscBif::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    #[test]
    fn calibration_self_clears_with_a_plausible_count() {
        let mut a = AnamiscBif::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        // da1469x_clock_lp_rcx_calibrate: RCX (3), 100 cycles.
        a.write(CLK_REF_CNT_REG::OFFSET, 4, 100, &mut cx).unwrap();
        a.write(CLK_REF_SEL_REG::OFFSET, 4, 3 | 1 << 3, &mut cx)
            .unwrap();
        assert_ne!(
            a.read(CLK_REF_SEL_REG::OFFSET, 4, &mut cx).unwrap() & 8,
            0,
            "busy"
        );
        cx.now = a.next_event().unwrap();
        assert_eq!(cx.now.0, 100 * PS_PER_SECOND / 15_000 + 1);
        assert_eq!(
            a.read(CLK_REF_SEL_REG::OFFSET, 4, &mut cx).unwrap() & 8,
            0,
            "self-cleared"
        );
        let val = a.read(CLK_REF_VAL_REG::OFFSET, 4, &mut cx).unwrap();
        assert_eq!(
            32_000_000 * 100 / val,
            15_000,
            "hal's formula gives RCX back"
        );
    }
}
