//! CRG_XTAL: the 32 MHz crystal oscillator and the 96 MHz system PLL.
//!
//! Modelled: XTAL32M start-up when `XTAL32M_CTRL1_REG.XTAL32M_XTAL_ENABLE` is
//! set or a PDC entry with `EN_XTAL` is pending (hal `da1469x_clock.c` starts
//! it through the PDC); after the settle time the state machine reads
//! `XTAL_RUN` (`XTAL32M_STAT1_REG.XTAL32M_STATE` = 8), `XTALRDY_STAT_REG`'s
//! count is 0, and XTAL32M_RDY (IRQ 26) is strobed — hal's
//! `da1469x_clock_sys_xtal32m_wait_to_settle` waits for exactly that pending
//! bit in a WFE loop. PLL96: `PLL_EN` with the crystal running locks after
//! [`PLL_LOCK_TIME`]; `PLL_SYS_STATUS_REG.PLL_LOCK_FINE` then reads 1 and
//! PLL_LOCK (IRQ 33) is strobed. `LDO_PLL_OK` follows `LDO_PLL_ENABLE`.
//! Trims are tags.
//!
//! Settle time (not documented publicly; inferred): a fixed
//! [`XTAL_STARTUP`] plus `XTALRDY_CNT` cycles of the clock `XTALRDY_CLK_SEL`
//! picks (1 = 32 kHz, as hal sets it; 0 = taken as 256 kHz).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// CRG_XTAL registers (`CRG_XTAL_Type`, base 0x5001_0000).
    pub mod regs {
        /// Xtal frequency trimming register.
        CLK_FREQ_TRIM_REG @ 0x00 = 0 {
            XTAL32M_TRIM: 0..=9 Tag,
            XTAL32M_RAMP: 10..=19 Tag,
            XTAL32M_START: 20..=29 Tag,
        }
        /// Control trimming of the XTAL32M.
        TRIM_CTRL_REG @ 0x10 = 0 {
            XTAL_COUNT_N: 0..=5 Tag,
            XTAL_TRIM_SELECT: 6..=7 Tag,
            XTAL_SETTLE_N: 8..=13 Tag,
        }
        /// Control register for XTALRDY IRQ.
        XTALRDY_CTRL_REG @ 0x18 = 0 {
            XTALRDY_CNT: 0..=7 RW,
            XTALRDY_CLK_SEL: 8..=8 RW,
        }
        /// Difference between XTAL_OK and XTALRDY_IRQ in.
        XTALRDY_STAT_REG @ 0x1c = 0 {
            XTALRDY_STAT: 0..=7 RO,
            XTALRDY_COUNT: 8..=15 RO,
        }
        /// Control register for XTAL32M.
        XTAL32M_CTRL0_REG @ 0x30 = 0 {
            XTAL32M_CXCOMP_ENABLE: 0..=0 Tag,
            XTAL32M_RCOSC_XTAL_DRIVE: 1..=1 Tag,
            XTAL32M_RCOSC_CALIBRATE: 3..=3 Tag,
            XTAL32M_CORE_CUR_SET: 15..=17 Tag,
            XTAL32M_DXTAL_SYSPLL_ENABLE: 30..=30 Tag,
        }
        /// Control register for XTAL32M.
        XTAL32M_CTRL1_REG @ 0x34 = 0 {
            XTAL32M_RCOSC_SYNC_DELAY_TRIM: 0..=4 Tag,
            XTAL32M_STARTUP_TDRIVE: 5..=7 Tag,
            XTAL32M_DRIVE_CYCLES: 8..=12 Tag,
            XTAL32M_STARTUP_TDRIVE_LSB: 13..=22 Tag,
            XTAL32M_XTAL_ENABLE: 23..=23 RW,
            XTAL32M_STARTUP_TSETTLE: 24..=26 Tag,
            XTAL32M_STARTUP_TDISCHARGE: 28..=30 Tag,
        }
        /// Control register for XTAL32M.
        XTAL32M_CTRL2_REG @ 0x38 = 0 {
            XTAL32M_CXCOMP_TRIM_CAP: 3..=11 Tag,
            XTAL32M_CXCOMP_PHI_TRIM: 12..=13 Tag,
            XTAL32M_RCOSC_TRIM_SNS: 14..=21 Tag,
        }
        /// Control register for XTAL32M.
        XTAL32M_CTRL3_REG @ 0x3c = 0 {
            XTAL32M_RCOSC_TRIM: 4..=13 Tag,
            XTAL32M_RCOSC_BAND_SELECT: 14..=17 Tag,
            XTAL32M_SW_CTRL_MODE: 18..=18 Tag,
            XTAL32M_FREQ_DET_START: 22..=22 Tag,
            XTAL32M_RCOSC_TRIM_STROBE: 30..=30 Tag,
        }
        /// Status register for XTAL32M.
        XTAL32M_STAT0_REG @ 0x50 = 0 {
            XTAL32M_RCOSC_CALIBRATION_DONE: 15..=15 Tag,
            XTAL32M_RCOSC_BAND_SELECT_STAT: 28..=31 Tag,
        }
        /// Status register for XTAL32M.
        XTAL32M_STAT1_REG @ 0x54 = 0 {
            XTAL32M_STATE: 0..=3 RO,
            XTAL32M_CAL_STATE: 4..=7 RO,
        }
        /// System PLL control register 1.
        PLL_SYS_CTRL1_REG @ 0x60 = 0 {
            PLL_EN: 1..=1 RW,
            LDO_PLL_ENABLE: 2..=2 RW,
            LDO_PLL_VREF_HOLD: 3..=3 Tag,
            PLL_N_DIV: 4..=10 Tag,
            PLL_PRE_DIV: 11..=11 Tag,
            PLL_SEL_MIN_CUR_INT: 14..=14 Tag,
        }
        /// System PLL control register 2.
        PLL_SYS_CTRL2_REG @ 0x64 = 0 {
            PLL_RECALIB: 15..=15 Tag,
        }
        /// System PLL control register 3.
        PLL_SYS_CTRL3_REG @ 0x68 = 0 {
            PLL_MIN_CURRENT: 1..=6 Tag,
            PLL_TEST_VCTR: 7..=7 Tag,
        }
        /// System PLL status register.
        PLL_SYS_STATUS_REG @ 0x70 = 0 {
            PLL_LOCK_FINE: 0..=0 RO,
            PLL_BEST_MIN_CUR: 5..=10 RO,
            PLL_CALIBRATION_END: 11..=11 RO,
            LDO_PLL_OK: 15..=15 RO,
        }
    }
}

use regs::{
    PLL_SYS_CTRL1_REG, PLL_SYS_STATUS_REG, XTAL32M_CTRL1_REG, XTAL32M_STAT1_REG, XTALRDY_CTRL_REG,
    XTALRDY_STAT_REG,
};

/// XTAL32M_RDY interrupt line.
pub const IRQ_XTAL32M_RDY: u32 = 26;
/// PLL_LOCK interrupt line.
pub const IRQ_PLL_LOCK: u32 = 33;
/// Fixed part of the crystal start-up.
pub const XTAL_STARTUP: Instant = Instant::from_micros(500);
/// Time from `PLL_EN` (crystal running) to lock.
pub const PLL_LOCK_TIME: Instant = Instant::from_micros(40);
/// `XTAL32M_STATE` value of a running crystal (`XTAL_RUN`, hal `da1469x_clock.c`).
pub const XTAL_STATE_RUN: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Osc {
    Off,
    Starting(Instant),
    On,
}

/// CRG_XTAL model.
#[derive(Debug, Clone)]
pub struct CrgXtal {
    regs: Regs,
    pdc_request: bool,
    xtal: Osc,
    pll: Osc,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for CrgXtal {
    fn default() -> Self {
        Self::new()
    }
}

impl CrgXtal {
    /// At power-on: crystal and PLL off.
    pub fn new() -> CrgXtal {
        CrgXtal {
            regs: Regs::new(regs::BLOCK),
            pdc_request: false,
            xtal: Osc::Off,
            pll: Osc::Off,
            notes: Notes::default(),
        }
    }

    /// Whether XTAL32M runs and has settled.
    pub fn xtal_ready(&self) -> bool {
        self.xtal == Osc::On
    }

    /// Whether the PLL is locked.
    pub fn pll_locked(&self) -> bool {
        self.pll == Osc::On
    }

    /// The PDC asks for the crystal (a pending entry with `EN_XTAL`).
    pub fn set_pdc_request(&mut self, on: bool, cx: &mut Context<'_>) {
        self.pdc_request = on;
        self.update(cx);
    }

    fn settle_time(&self) -> u64 {
        let ctrl = self.regs.get(XTALRDY_CTRL_REG::OFFSET);
        let cnt = u64::from(XTALRDY_CTRL_REG::XTALRDY_CNT.get(ctrl));
        let hz: u64 = if XTALRDY_CTRL_REG::XTALRDY_CLK_SEL.is_set(ctrl) {
            32_768
        } else {
            256_000
        };
        XTAL_STARTUP.0 + cnt * 1_000_000_000_000 / hz
    }

    /// Start, finish or stop the oscillators as their enables and deadlines say.
    fn update(&mut self, cx: &mut Context<'_>) {
        let now = cx.now;
        let xtal_on = self.pdc_request
            || XTAL32M_CTRL1_REG::XTAL32M_XTAL_ENABLE
                .is_set(self.regs.get(XTAL32M_CTRL1_REG::OFFSET));
        self.xtal = match (self.xtal, xtal_on) {
            // The PDC keeps the crystal on once started: clearing the enable bit
            // hands it to the PDC (hal `da1469x_clock_sys_xtal32m_enable`). It
            // stops only on sleep, which is not modelled.
            (Osc::Off, true) => Osc::Starting(Instant(now.0 + self.settle_time())),
            (Osc::Starting(at), _) if now >= at => {
                cx.irqs.pulse(IRQ_XTAL32M_RDY);
                Osc::On
            }
            (s, _) => s,
        };
        let pll_ctrl = self.regs.get(PLL_SYS_CTRL1_REG::OFFSET);
        let pll_on = PLL_SYS_CTRL1_REG::PLL_EN.is_set(pll_ctrl) && self.xtal == Osc::On;
        self.pll = match (self.pll, pll_on) {
            (_, false) => Osc::Off,
            (Osc::Off, true) => Osc::Starting(Instant(now.0 + PLL_LOCK_TIME.0)),
            (Osc::Starting(at), true) if now >= at => {
                cx.irqs.pulse(IRQ_PLL_LOCK);
                Osc::On
            }
            (s, true) => s,
        };
        // Status registers.
        let (state, count) = match self.xtal {
            Osc::On => (XTAL_STATE_RUN, 0),
            Osc::Starting(_) => (
                3,
                XTALRDY_CTRL_REG::XTALRDY_CNT
                    .get(self.regs.get(XTALRDY_CTRL_REG::OFFSET))
                    .max(1),
            ),
            Osc::Off => (0, 0),
        };
        self.regs.set(
            XTAL32M_STAT1_REG::OFFSET,
            XTAL32M_STAT1_REG::XTAL32M_STATE.set(0, state),
        );
        self.regs.set(
            XTALRDY_STAT_REG::OFFSET,
            XTALRDY_STAT_REG::XTALRDY_COUNT.set(0, count),
        );
        let mut st = 0;
        if PLL_SYS_CTRL1_REG::LDO_PLL_ENABLE.is_set(pll_ctrl) {
            st |= PLL_SYS_STATUS_REG::LDO_PLL_OK.mask();
        }
        if self.pll == Osc::On {
            st |= PLL_SYS_STATUS_REG::PLL_LOCK_FINE.mask()
                | PLL_SYS_STATUS_REG::PLL_CALIBRATION_END.mask();
        }
        self.regs.set(PLL_SYS_STATUS_REG::OFFSET, st);
    }
}

impl Device for CrgXtal {
    fn name(&self) -> &'static str {
        "CRG_XTAL"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.update(cx);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.update(cx);
        self.notes
            .write("CRG_XTAL", &mut self.regs, offset, size, value)?;
        self.update(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        [self.xtal, self.pll]
            .iter()
            .filter_map(|o| match o {
                Osc::Starting(at) => Some(*at),
                _ => None,
            })
            .min()
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        // Twice: the PLL may start the moment the crystal settles.
        self.update(cx);
        self.update(cx);
    }

    fn reset(&mut self) {
        *self = CrgXtal::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    #[test]
    fn crystal_settles_then_strobes_xtal32m_rdy_and_pll_locks() {
        let mut x = CrgXtal::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        // hal: XTALRDY_CLK_SEL = 32 kHz, XTALRDY_CNT = 0x80 (pd.c preferred settings).
        x.write(XTALRDY_CTRL_REG::OFFSET, 4, 0x180, &mut cx)
            .unwrap();
        x.set_pdc_request(true, &mut cx);
        assert!(!x.xtal_ready());
        let settle = x.next_event().unwrap();
        assert_eq!(settle.0, XTAL_STARTUP.0 + 128 * 1_000_000_000_000 / 32_768);
        let stat1 = x.read(XTAL32M_STAT1_REG::OFFSET, 4, &mut cx).unwrap();
        assert_ne!(stat1 & 0xF, XTAL_STATE_RUN);
        cx.now = settle;
        x.advance(&mut cx);
        assert!(x.xtal_ready());
        assert_eq!(cx.irqs.take_pulses(), 1 << IRQ_XTAL32M_RDY);
        assert_eq!(
            x.read(XTAL32M_STAT1_REG::OFFSET, 4, &mut cx).unwrap() & 0xF,
            XTAL_STATE_RUN
        );
        assert_eq!(
            x.read(XTALRDY_STAT_REG::OFFSET, 4, &mut cx).unwrap() & 0xFF00,
            0
        );

        // da1469x_clock_sys_pll_enable: LDO first, then PLL_EN.
        x.write(PLL_SYS_CTRL1_REG::OFFSET, 4, 0x4, &mut cx).unwrap();
        assert_eq!(
            x.read(PLL_SYS_STATUS_REG::OFFSET, 4, &mut cx).unwrap(),
            1 << 15
        );
        x.write(PLL_SYS_CTRL1_REG::OFFSET, 4, 0x6, &mut cx).unwrap();
        assert!(!x.pll_locked());
        cx.now = x.next_event().unwrap();
        assert_eq!(cx.now.0 - settle.0, PLL_LOCK_TIME.0);
        x.advance(&mut cx);
        assert!(x.pll_locked());
        assert_eq!(cx.irqs.take_pulses(), 1 << IRQ_PLL_LOCK);
        assert_eq!(
            x.read(PLL_SYS_STATUS_REG::OFFSET, 4, &mut cx).unwrap() & 1,
            1
        );
        assert_eq!(x.next_event(), None);
    }

    #[test]
    fn pll_without_crystal_never_locks() {
        let mut x = CrgXtal::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        x.write(PLL_SYS_CTRL1_REG::OFFSET, 4, 0x6, &mut cx).unwrap();
        assert_eq!(x.next_event(), None);
        cx.now = Instant::from_millis(10);
        x.advance(&mut cx);
        assert!(!x.pll_locked());
    }
}
