//! CRG_COM: clock enables and dividers of the communication (PD_COM) power domain.
//!
//! Modelled: `CLK_COM_REG` keeps its enables and dividers, and the `SET_CLK_COM_REG` /
//! `RESET_CLK_COM_REG` aliases set or clear the bits written as 1 (and read back
//! `CLK_COM_REG`), as hal and Zephyr drivers use them. Clocks are not gated in the
//! models: a block whose clock is off still answers (a shortcut; reported
//! nowhere yet).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs, SetClearAliases};

use super::Notes;

mb4_periph::regmap! {
    /// CRG_COM registers (`CRG_COM_Type`, base 0x5002_0900).
    pub mod regs {
        /// Peripheral divider register.
        CLK_COM_REG @ 0x04 = 0 {
            UART_ENABLE: 0..=0 RW,
            UART2_ENABLE: 1..=1 RW,
            UART2_CLK_SEL: 2..=2 RW,
            UART3_ENABLE: 3..=3 RW,
            UART3_CLK_SEL: 4..=4 RW,
            SPI_ENABLE: 5..=5 RW,
            SPI_CLK_SEL: 6..=6 RW,
            SPI2_ENABLE: 7..=7 RW,
            SPI2_CLK_SEL: 8..=8 RW,
            I2C_ENABLE: 9..=9 RW,
            I2C_CLK_SEL: 10..=10 RW,
            I2C2_ENABLE: 11..=11 RW,
            I2C2_CLK_SEL: 12..=12 RW,
            SNC_DIV: 14..=15 RW,
            LCD_EXT_CLK_SEL: 16..=17 RW,
        }
        /// Peripheral divider register SET register. Reads.
        SET_CLK_COM_REG @ 0x08 = 0 {
            UART_ENABLE: 0..=0 WO,
            UART2_ENABLE: 1..=1 WO,
            UART2_CLK_SEL: 2..=2 WO,
            UART3_ENABLE: 3..=3 WO,
            UART3_CLK_SEL: 4..=4 WO,
            SPI_ENABLE: 5..=5 WO,
            SPI_CLK_SEL: 6..=6 WO,
            SPI2_ENABLE: 7..=7 WO,
            SPI2_CLK_SEL: 8..=8 WO,
            I2C_ENABLE: 9..=9 WO,
            I2C_CLK_SEL: 10..=10 WO,
            I2C2_ENABLE: 11..=11 WO,
            I2C2_CLK_SEL: 12..=12 WO,
            SNC_DIV: 14..=15 WO,
            LCD_EXT_CLK_SEL: 16..=17 WO,
        }
        /// Peripheral divider register RESET register. Reads.
        RESET_CLK_COM_REG @ 0x0c = 0 {
            UART_ENABLE: 0..=0 WO,
            UART2_ENABLE: 1..=1 WO,
            UART2_CLK_SEL: 2..=2 WO,
            UART3_ENABLE: 3..=3 WO,
            UART3_CLK_SEL: 4..=4 WO,
            SPI_ENABLE: 5..=5 WO,
            SPI_CLK_SEL: 6..=6 WO,
            SPI2_ENABLE: 7..=7 WO,
            SPI2_CLK_SEL: 8..=8 WO,
            I2C_ENABLE: 9..=9 WO,
            I2C_CLK_SEL: 10..=10 WO,
            I2C2_ENABLE: 11..=11 WO,
            I2C2_CLK_SEL: 12..=12 WO,
            SNC_DIV: 14..=15 WO,
            LCD_EXT_CLK_SEL: 16..=17 WO,
        }
    }
}

use regs::{CLK_COM_REG, RESET_CLK_COM_REG, SET_CLK_COM_REG};

/// `SET_CLK_COM_REG` / `RESET_CLK_COM_REG` set and clear bits of `CLK_COM_REG`.
const ALIASES: SetClearAliases = SetClearAliases {
    target: CLK_COM_REG::DEF,
    set: SET_CLK_COM_REG::OFFSET,
    clear: RESET_CLK_COM_REG::OFFSET,
};

/// CRG_COM model.
#[derive(Debug, Clone)]
pub struct CrgCom {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for CrgCom {
    fn default() -> Self {
        Self::new()
    }
}

impl CrgCom {
    /// At power-on.
    pub fn new() -> CrgCom {
        CrgCom {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
        }
    }

    /// `CLK_COM_REG` as it stands.
    pub fn clk(&self) -> u32 {
        self.regs.get(CLK_COM_REG::OFFSET)
    }
}

impl Device for CrgCom {
    fn name(&self) -> &'static str {
        "CRG_COM"
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
            .write("CRG_COM", &mut self.regs, offset, size, value)?;
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
        let mut b = CrgCom::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        let bit = CLK_COM_REG::DEF.fields[0].mask();
        b.write(SET_CLK_COM_REG::OFFSET, 4, bit, &mut cx).unwrap();
        assert_eq!(b.clk(), bit);
        assert_eq!(b.read(RESET_CLK_COM_REG::OFFSET, 4, &mut cx).unwrap(), bit);
        b.write(RESET_CLK_COM_REG::OFFSET, 4, bit, &mut cx).unwrap();
        assert_eq!(b.clk(), 0);
    }
}
