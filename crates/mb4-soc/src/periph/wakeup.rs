//! WAKEUP: GPIO wake-up and the KEY_WKUP_GPIO interrupt. Not modelled yet:
//! every register is declared so accesses are checked, and writes are
//! reported as unmodelled.

use super::Plain;

mb4_periph::regmap! {
    /// WAKEUP registers (`WAKEUP_Type`, base 0x5000_0100).
    pub mod regs {
        /// Control register for the wakeup counter.
        WKUP_CTRL_REG @ 0x00 = 0 {
            WKUP_DEB_VALUE: 0..=5 Tag,
            WKUP_SFT_KEYHIT: 6..=6 Tag,
            WKUP_ENABLE_IRQ: 7..=7 Tag,
        }
        /// Reset wakeup interrupt.
        WKUP_RESET_IRQ_REG @ 0x08 = 0 {
            WKUP_IRQ_RST: 0..=15 Tag,
        }
        /// select which inputs from P0 port can trigger.
        WKUP_SELECT_P0_REG @ 0x14 = 0 {
            WKUP_SELECT_P0: 0..=31 Tag,
        }
        /// select which inputs from P1 port can trigger.
        WKUP_SELECT_P1_REG @ 0x18 = 0 {
            WKUP_SELECT_P1: 0..=22 Tag,
        }
        /// select the sesitivity polarity for each P0 input.
        WKUP_POL_P0_REG @ 0x28 = 0 {
            WKUP_POL_P0: 0..=31 Tag,
        }
        /// select the sesitivity polarity for each P1 input.
        WKUP_POL_P1_REG @ 0x2c = 0 {
            WKUP_POL_P1: 0..=22 Tag,
        }
        /// Event status register for P0.
        WKUP_STATUS_P0_REG @ 0x3c = 0 {
            WKUP_STAT_P0: 0..=31 Tag,
        }
        /// Event status register for P1.
        WKUP_STATUS_P1_REG @ 0x40 = 0 {
            WKUP_STAT_P1: 0..=22 Tag,
        }
        /// Clear event register for P0.
        WKUP_CLEAR_P0_REG @ 0x48 = 0 {
            WKUP_CLEAR_P0: 0..=31 Tag,
        }
        /// Clear event register for P1.
        WKUP_CLEAR_P1_REG @ 0x4c = 0 {
            WKUP_CLEAR_P1: 0..=22 Tag,
        }
        /// select which inputs from P0 port can trigger.
        WKUP_SEL_GPIO_P0_REG @ 0x54 = 0 {
            WKUP_SEL_GPIO_P0: 0..=31 Tag,
        }
        /// select which inputs from P1 port can trigger.
        WKUP_SEL_GPIO_P1_REG @ 0x58 = 0 {
            WKUP_SEL_GPIO_P1: 0..=22 Tag,
        }
    }
}

/// WAKEUP at power-on.
pub fn new() -> Plain {
    Plain::new("WAKEUP", regs::BLOCK)
}
