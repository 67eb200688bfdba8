//! CRG_SYS: clock enables of the system domain (LCD controller, charger
//! clock). Storage only: the enables are kept and read back; the models do
//! not gate clocks.

use super::Plain;

mb4_periph::regmap! {
    /// CRG_SYS registers (`CRG_SYS_Type`, base 0x5004_0500).
    pub mod regs {
        /// Peripheral divider register.
        CLK_SYS_REG @ 0x00 = 0 {
            LCD_ENABLE: 0..=0 RW,
            LCD_CLK_SEL: 1..=1 RW,
            LCD_RESET_REQ: 4..=4 RW,
            CLK_CHG_EN: 5..=5 RW,
        }
        /// BATCHECK_REG.
        BATCHECK_REG @ 0x04 = 0 {
            BATCHECK_TRIM: 0..=3 Tag,
            BATCHECK_ILOAD: 4..=6 Tag,
            BATCHECK_LOAD_ENABLE: 7..=7 Tag,
        }
    }
}

/// CRG_SYS at power-on.
pub fn new() -> Plain {
    Plain::new("CRG_SYS", regs::BLOCK)
}
