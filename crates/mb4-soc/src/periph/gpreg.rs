//! GPREG: freezing of timers and watchdogs, debug and general-purpose control.
//!
//! Modelled: writing 1s to `SET_FREEZE_REG` freezes the named counters,
//! writing 1s to `RESET_FREEZE_REG` releases them; both read back the frozen
//! set (Zephyr `soc_early_init_hook` freezes the watchdog with
//! `FRZ_SYS_WDOG` first thing). The machine passes [`Gpreg::frozen`] to the
//! timers and the watchdog. The rest are tags.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// GPREG registers (`GPREG_Type`, base 0x5004_0300).
    pub mod regs {
        /// Controls freezing of various timers/counters.
        SET_FREEZE_REG @ 0x00 = 0 {
            FRZ_WKUPTIM: 0..=0 WO,
            FRZ_SWTIM: 1..=1 WO,
            FRZ_RESERVED: 2..=2 WO,
            FRZ_SYS_WDOG: 3..=3 WO,
            FRZ_USB: 4..=4 WO,
            FRZ_DMA: 5..=5 WO,
            FRZ_SWTIM2: 6..=6 WO,
            FRZ_PWMLED: 7..=7 WO,
            FRZ_SWTIM3: 8..=8 WO,
            FRZ_SWTIM4: 9..=9 WO,
            FRZ_CMAC_WDOG: 10..=10 WO,
        }
        /// Controls unfreezing of various timers/counters.
        RESET_FREEZE_REG @ 0x04 = 0 {
            FRZ_WKUPTIM: 0..=0 WO,
            FRZ_SWTIM: 1..=1 WO,
            FRZ_RESERVED: 2..=2 WO,
            FRZ_SYS_WDOG: 3..=3 WO,
            FRZ_USB: 4..=4 WO,
            FRZ_DMA: 5..=5 WO,
            FRZ_SWTIM2: 6..=6 WO,
            FRZ_PWMLED: 7..=7 WO,
            FRZ_SWTIM3: 8..=8 WO,
            FRZ_SWTIM4: 9..=9 WO,
            FRZ_CMAC_WDOG: 10..=10 WO,
        }
        /// Various debug information register.
        DEBUG_REG @ 0x08 = 0 {
            SYS_CPU_FREEZE_EN: 0..=0 Tag,
            CMAC_CPU_FREEZE_EN: 1..=1 Tag,
            HALT_SYS_CMAC_CPU_EN: 2..=2 Tag,
            HALT_CMAC_SYS_CPU_EN: 3..=3 Tag,
            SYS_CPU_IS_HALTED: 4..=4 Tag,
            CMAC_CPU_IS_HALTED: 5..=5 Tag,
            SYS_CPUWAIT: 6..=6 Tag,
            SYS_CPUWAIT_ON_JTAG: 7..=7 Tag,
            CROSS_CPU_HALT_SENSITIVITY: 8..=8 Tag,
        }
        /// General purpose system status register.
        GP_STATUS_REG @ 0x0c = 0 {
            CAL_PHASE: 0..=0 Tag,
        }
        /// General purpose system control register.
        GP_CONTROL_REG @ 0x10 = 0 {
            CMAC_H2H_BRIDGE_BYPASS: 1..=1 Tag,
        }
        /// USB pads control register.
        USBPAD_REG @ 0x18 = 0 {
            USBPAD_EN: 0..=0 Tag,
            USBPHY_FORCE_SW1_OFF: 1..=1 Tag,
            USBPHY_FORCE_SW2_ON: 2..=2 Tag,
        }
    }
}

use regs::{RESET_FREEZE_REG, SET_FREEZE_REG};

/// `FRZ_SWTIM` (TIMER), `FRZ_SYS_WDOG`, … as bit masks of the freeze registers.
pub mod frz {
    use super::regs::SET_FREEZE_REG as R;
    /// TIMER.
    pub const SWTIM: u32 = R::FRZ_SWTIM.mask();
    /// TIMER2.
    pub const SWTIM2: u32 = R::FRZ_SWTIM2.mask();
    /// TIMER3.
    pub const SWTIM3: u32 = R::FRZ_SWTIM3.mask();
    /// TIMER4.
    pub const SWTIM4: u32 = R::FRZ_SWTIM4.mask();
    /// The system watchdog.
    pub const SYS_WDOG: u32 = R::FRZ_SYS_WDOG.mask();
}

fn all_bits(def: &mb4_periph::regmap::RegDef) -> u32 {
    def.fields.iter().fold(0, |m, f| m | f.mask())
}

/// GPREG model.
#[derive(Debug, Clone)]
pub struct Gpreg {
    regs: Regs,
    frozen: u32,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for Gpreg {
    fn default() -> Self {
        Self::new()
    }
}

impl Gpreg {
    /// At power-on: nothing frozen.
    pub fn new() -> Gpreg {
        Gpreg {
            regs: Regs::new(regs::BLOCK),
            frozen: 0,
            notes: Notes::default(),
        }
    }

    /// The frozen set, as `FRZ_*` bits ([`frz`]).
    pub fn frozen(&self) -> u32 {
        self.frozen
    }
}

impl Device for Gpreg {
    fn name(&self) -> &'static str {
        "GPREG"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        let v = self.regs.read(offset, size)?;
        match offset & !3 {
            SET_FREEZE_REG::OFFSET | RESET_FREEZE_REG::OFFSET => {
                Ok((self.frozen >> ((offset & 3) * 8)) & (u32::MAX >> (32 - 8 * u32::from(size))))
            }
            _ => Ok(v),
        }
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        _cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let w = self
            .notes
            .write("GPREG", &mut self.regs, offset, size, value)?;
        match w.offset {
            SET_FREEZE_REG::OFFSET => self.frozen |= w.written & all_bits(&SET_FREEZE_REG::DEF),
            RESET_FREEZE_REG::OFFSET => {
                self.frozen &= !(w.written & all_bits(&RESET_FREEZE_REG::DEF))
            }
            _ => {}
        }
        Ok(())
    }

    fn reset(&mut self) {
        *self = Gpreg::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use mb4_periph::time::Instant;

    #[test]
    fn freeze_and_release() {
        let mut g = Gpreg::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        g.write(SET_FREEZE_REG::OFFSET, 4, frz::SYS_WDOG, &mut cx)
            .unwrap();
        g.write(SET_FREEZE_REG::OFFSET, 4, frz::SWTIM2, &mut cx)
            .unwrap();
        assert_eq!(g.frozen(), frz::SYS_WDOG | frz::SWTIM2);
        assert_eq!(
            g.read(SET_FREEZE_REG::OFFSET, 4, &mut cx).unwrap(),
            frz::SYS_WDOG | frz::SWTIM2
        );
        g.write(RESET_FREEZE_REG::OFFSET, 4, frz::SYS_WDOG, &mut cx)
            .unwrap();
        assert_eq!(g.frozen(), frz::SWTIM2);
    }
}
