//! External interrupt lines of the DA1469x application core (`IRQn_Type` in `DA1469xAB.h`).

/// Number of external interrupt lines wired to the NVIC.
pub const COUNT: usize = 40;

/// Priority bits implemented by the NVIC (`__NVIC_PRIO_BITS`).
pub const PRIORITY_BITS: u8 = 4;

/// Names of lines 0..40, indexed by IRQ number.
pub const NAMES: [&str; COUNT] = [
    "SNC",
    "DMA",
    "CHARGER_STATE",
    "CHARGER_ERROR",
    "CMAC2SYS",
    "UART",
    "UART2",
    "UART3",
    "I2C",
    "I2C2",
    "SPI",
    "SPI2",
    "PCM",
    "SRC_IN",
    "SRC_OUT",
    "USB",
    "TIMER",
    "TIMER2",
    "RTC",
    "KEY_WKUP_GPIO",
    "PDC",
    "VBUS",
    "MRM",
    "MOTOR_CONTROLLER",
    "TRNG",
    "DCDC",
    "XTAL32M_RDY",
    "GPADC",
    "SDADC",
    "CRYPTO",
    "CAPTIMER",
    "RFDIAG",
    "LCD_CONTROLLER",
    "PLL_LOCK",
    "TIMER3",
    "TIMER4",
    "LRA",
    "RTC_EVENT",
    "GPIO_P0",
    "GPIO_P1",
];

/// The IRQ number of a line by name (as in `DA1469xAB.h`, without `_IRQn`).
pub fn number(name: &str) -> Option<u32> {
    NAMES.iter().position(|n| *n == name).map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_match_the_header() {
        assert_eq!(super::number("TIMER2"), Some(17));
        assert_eq!(super::number("XTAL32M_RDY"), Some(26));
        assert_eq!(super::number("PLL_LOCK"), Some(33));
        assert_eq!(super::number("GPIO_P1"), Some(39));
    }
}
