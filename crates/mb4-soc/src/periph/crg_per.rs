//! CRG_PER: clock enables and dividers of the peripheral (PD_PER) power domain.
//!
//! Modelled: `CLK_PER_REG` keeps its enables and dividers, and the `SET_CLK_PER_REG` /
//! `RESET_CLK_PER_REG` aliases set or clear the bits written as 1 (and read back
//! `CLK_PER_REG`), as hal and Zephyr drivers use them. Clocks are not gated in the
//! models: a block whose clock is off still answers (a shortcut; reported
//! nowhere yet).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs, SetClearAliases};

use super::Notes;

mb4_periph::regmap! {
    /// CRG_PER registers (`CRG_PER_Type`, base 0x5003_0C00).
    pub mod regs {
        /// Peripheral divider register.
        CLK_PER_REG @ 0x04 = 0 {
            GPADC_CLK_SEL: 0..=0 RW,
            LRA_CLK_EN: 1..=1 RW,
            MC_CLK_EN: 2..=2 RW,
            MC_CLK_DIV: 3..=7 RW,
            MC_TRIG_DIV: 8..=12 RW,
        }
        /// Peripheral divider register SET register, reads.
        SET_CLK_PER_REG @ 0x08 = 0 {
            GPADC_CLK_SEL: 0..=0 WO,
            LRA_CLK_EN: 1..=1 WO,
            MC_CLK_EN: 2..=2 WO,
            MC_CLK_DIV: 3..=7 WO,
            MC_TRIG_DIV: 8..=12 WO,
        }
        /// Peripheral divider register RESET register, reads.
        RESET_CLK_PER_REG @ 0x0c = 0 {
            GPADC_CLK_SEL: 0..=0 WO,
            LRA_CLK_EN: 1..=1 WO,
            MC_CLK_EN: 2..=2 WO,
            MC_CLK_DIV: 3..=7 WO,
            MC_TRIG_DIV: 8..=12 WO,
        }
        /// PCM divider and enables.
        PCM_DIV_REG @ 0x40 = 0 {
            PCM_DIV: 0..=11 Tag,
            CLK_PCM_EN: 12..=12 Tag,
            PCM_SRC_SEL: 13..=13 Tag,
        }
        /// PCM fractional division register.
        PCM_FDIV_REG @ 0x44 = 0 {
            PCM_FDIV: 0..=15 Tag,
        }
        /// PDM divider and enables.
        PDM_DIV_REG @ 0x48 = 0 {
            PDM_DIV: 0..=7 Tag,
            CLK_PDM_EN: 8..=8 Tag,
            PDM_MASTER_MODE: 9..=9 Tag,
        }
        /// SRC divider and enables.
        SRC_DIV_REG @ 0x4c = 0 {
            SRC_DIV: 0..=7 Tag,
            CLK_SRC_EN: 8..=8 Tag,
        }
    }
}

use regs::{CLK_PER_REG, RESET_CLK_PER_REG, SET_CLK_PER_REG};

/// `SET_CLK_PER_REG` / `RESET_CLK_PER_REG` set and clear bits of `CLK_PER_REG`.
const ALIASES: SetClearAliases = SetClearAliases {
    target: CLK_PER_REG::DEF,
    set: SET_CLK_PER_REG::OFFSET,
    clear: RESET_CLK_PER_REG::OFFSET,
};

/// CRG_PER model.
#[derive(Debug, Clone)]
pub struct CrgPer {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for CrgPer {
    fn default() -> Self {
        Self::new()
    }
}

impl CrgPer {
    /// At power-on.
    pub fn new() -> CrgPer {
        CrgPer {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
        }
    }

    /// `CLK_PER_REG` as it stands.
    pub fn clk(&self) -> u32 {
        self.regs.get(CLK_PER_REG::OFFSET)
    }
}

impl Device for CrgPer {
    fn name(&self) -> &'static str {
        "CRG_PER"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        ALIASES.read(&mut self.regs, offset, size)
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
            .write("CRG_PER", &mut self.regs, offset, size, value)?;
        ALIASES.apply(&mut self.regs, &w);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use mb4_periph::time::Instant;

    #[test]
    fn set_and_reset_aliases() {
        let mut b = CrgPer::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        let bit = CLK_PER_REG::DEF.fields[0].mask();
        b.write(SET_CLK_PER_REG::OFFSET, 4, bit, &mut cx).unwrap();
        assert_eq!(b.clk(), bit);
        assert_eq!(b.read(RESET_CLK_PER_REG::OFFSET, 4, &mut cx).unwrap(), bit);
        b.write(RESET_CLK_PER_REG::OFFSET, 4, bit, &mut cx).unwrap();
        assert_eq!(b.clk(), 0);
    }
}
