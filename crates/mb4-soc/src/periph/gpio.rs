//! GPIO: ports P0 (32 pins) and P1 (23 pins), each pin with its function
//! mux, pulls and output driver, as `DA1469xAB.h` lays out `GPIO_Type`.
//!
//! Modelled:
//! * `Px_yy_MODE_REG`: `PID` picks the pin's function ([`Function`], numbered
//!   as Zephyr's `smartbond-pinctrl.h`), `PUPD` the direction and pulls
//!   (0 input, 1 input with pull-up, 2 input with pull-down, 3 output), as
//!   Zephyr's `gpio_smartbond.c` and pinctrl write them.
//! * `Px_DATA_REG` writes set the output latch; reads return the pads'
//!   levels: a GPIO output reads back what it drives, an input what the
//!   board drives on it ([`Gpio::drive`]) or else its pull (floating reads 0).
//!   `Px_SET_DATA_REG` / `Px_RESET_DATA_REG` set or clear latch bits.
//! * Pad latches (`CRG_TOP->Px_PAD_LATCH_REG`, given with
//!   [`Gpio::set_pad_latches`]): a pad whose latch bit is 0 holds the mode and
//!   output it had when the bit was cleared.
//!
//! The machine sees the pads through [`Gpio::level`], [`Gpio::output`],
//! [`Gpio::function`] and the list of output changes ([`Gpio::take_changes`]).
//! Interrupts on pin edges are WAKEUP's ([`super::wakeup`]): the bus hands it
//! [`Gpio::levels`] after every change.
//!
//! Not modelled (tags, reported when written): `Px_PADPWR_CTRL_REG` (1.8 V/3 V
//! pad supply), `GPIO_CLK_SEL_REG` (clock outputs on pins), `PAD_WEAK_CTRL_REG`,
//! open drain (`PPOD`) and what a peripheral function drives on its pin: a pin
//! muxed to I2C, SPI, UART… is reported by [`Gpio::function`], not levels.
//!
//! Reset values are not in `DA1469xAB.h`: mode registers reset to 0x200
//! (GPIO input with pull-down), from the DA1469x datasheet's register tables
//! as remembered (medium confidence).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// GPIO registers (`GPIO_Type`, base 0x5002_0A00).
    pub mod regs {
        /// P0 Data input / output Register.
        P0_DATA_REG @ 0x00 = 0 { P0_DATA: 0..=31 RW }
        /// P1 Data input / output Register.
        P1_DATA_REG @ 0x04 = 0 { P1_DATA: 0..=22 RW }
        /// P0 Set port pins Register.
        P0_SET_DATA_REG @ 0x08 = 0 { P0_SET: 0..=31 WO }
        /// P1 Set port pins Register.
        P1_SET_DATA_REG @ 0x0c = 0 { P1_SET: 0..=22 WO }
        /// P0 Reset port pins Register.
        P0_RESET_DATA_REG @ 0x10 = 0 { P0_RESET: 0..=31 WO }
        /// P1 Reset port pins Register.
        P1_RESET_DATA_REG @ 0x14 = 0 { P1_RESET: 0..=22 WO }
        /// P0_00 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_00_MODE_REG @ 0x18 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_01 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_01_MODE_REG @ 0x1c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_02 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_02_MODE_REG @ 0x20 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_03 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_03_MODE_REG @ 0x24 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_04 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_04_MODE_REG @ 0x28 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_05 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_05_MODE_REG @ 0x2c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_06 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_06_MODE_REG @ 0x30 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_07 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_07_MODE_REG @ 0x34 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_08 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_08_MODE_REG @ 0x38 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_09 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_09_MODE_REG @ 0x3c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_10 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_10_MODE_REG @ 0x40 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_11 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_11_MODE_REG @ 0x44 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_12 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_12_MODE_REG @ 0x48 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_13 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_13_MODE_REG @ 0x4c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_14 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_14_MODE_REG @ 0x50 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_15 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_15_MODE_REG @ 0x54 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_16 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_16_MODE_REG @ 0x58 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_17 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_17_MODE_REG @ 0x5c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_18 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_18_MODE_REG @ 0x60 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_19 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_19_MODE_REG @ 0x64 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_20 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_20_MODE_REG @ 0x68 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_21 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_21_MODE_REG @ 0x6c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_22 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_22_MODE_REG @ 0x70 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_23 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_23_MODE_REG @ 0x74 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_24 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_24_MODE_REG @ 0x78 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_25 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_25_MODE_REG @ 0x7c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_26 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_26_MODE_REG @ 0x80 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_27 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_27_MODE_REG @ 0x84 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_28 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_28_MODE_REG @ 0x88 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_29 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_29_MODE_REG @ 0x8c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_30 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_30_MODE_REG @ 0x90 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0_31 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P0_31_MODE_REG @ 0x94 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_00 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_00_MODE_REG @ 0x98 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_01 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_01_MODE_REG @ 0x9c = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_02 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_02_MODE_REG @ 0xa0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_03 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_03_MODE_REG @ 0xa4 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_04 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_04_MODE_REG @ 0xa8 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_05 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_05_MODE_REG @ 0xac = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_06 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_06_MODE_REG @ 0xb0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_07 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_07_MODE_REG @ 0xb4 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_08 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_08_MODE_REG @ 0xb8 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_09 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_09_MODE_REG @ 0xbc = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_10 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_10_MODE_REG @ 0xc0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_11 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_11_MODE_REG @ 0xc4 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_12 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_12_MODE_REG @ 0xc8 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_13 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_13_MODE_REG @ 0xcc = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_14 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_14_MODE_REG @ 0xd0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_15 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_15_MODE_REG @ 0xd4 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_16 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_16_MODE_REG @ 0xd8 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_17 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_17_MODE_REG @ 0xdc = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_18 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_18_MODE_REG @ 0xe0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_19 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_19_MODE_REG @ 0xe4 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_20 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_20_MODE_REG @ 0xe8 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_21 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_21_MODE_REG @ 0xec = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P1_22 mode: function (PID), pull or output (PUPD), open drain (PPOD).
        P1_22_MODE_REG @ 0xf0 = 0x200 { PID: 0..=5 RW, PUPD: 8..=9 RW, PPOD: 10..=10 RW }
        /// P0 Output Power Control Register.
        P0_PADPWR_CTRL_REG @ 0xf4 = 0 { P0_OUT_CTRL: 6..=31 Tag }
        /// P1 Output Power Control Register.
        P1_PADPWR_CTRL_REG @ 0xf8 = 0 { P1_OUT_CTRL: 0..=22 Tag }
        /// Select which clock to map on ports P0/P1.
        GPIO_CLK_SEL_REG @ 0xfc = 0 {
            FUNC_CLOCK_SEL: 0..=2 Tag,
            FUNC_CLOCK_EN: 3..=3 Tag,
            XTAL32K_OUTPUT_EN: 4..=4 Tag,
            RC32K_OUTPUT_EN: 5..=5 Tag,
            RCX_OUTPUT_EN: 6..=6 Tag,
            XTAL32M_OUTPUT_EN: 7..=7 Tag,
            RC32M_OUTPUT_EN: 8..=8 Tag,
            DIVN_OUTPUT_EN: 9..=9 Tag,
        }
        /// Weak Pads Control Register.
        PAD_WEAK_CTRL_REG @ 0x100 = 0 {
            P0_06_LOWDRV: 0..=0 Tag,
            P0_07_LOWDRV: 1..=1 Tag,
            P0_16_LOWDRV: 2..=2 Tag,
            P0_17_LOWDRV: 3..=3 Tag,
            P0_18_LOWDRV: 4..=4 Tag,
            P0_25_LOWDRV: 5..=5 Tag,
            P0_26_LOWDRV: 6..=6 Tag,
            P0_27_LOWDRV: 7..=7 Tag,
            P1_00_LOWDRV: 8..=8 Tag,
            P1_01_LOWDRV: 9..=9 Tag,
            P1_02_LOWDRV: 10..=10 Tag,
            P1_06_LOWDRV: 11..=11 Tag,
            P1_09_LOWDRV: 12..=12 Tag,
        }
    }
}

use regs::{P0_00_MODE_REG, P0_DATA_REG, P1_DATA_REG};

/// Pins per port.
pub const PINS: [u8; 2] = [32, 23];

/// Offset of the first mode register (`P0_00_MODE_REG`); P1's follow P0's.
const MODE_BASE: u32 = P0_00_MODE_REG::OFFSET;

/// A pin: port 0 or 1 and its number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin {
    /// 0 or 1.
    pub port: u8,
    /// 0..32 on P0, 0..23 on P1.
    pub pin: u8,
}

impl Pin {
    /// `Px_yy`, if such a pin exists.
    pub fn new(port: u8, pin: u8) -> Option<Pin> {
        (usize::from(port) < PINS.len() && pin < PINS[usize::from(port)])
            .then_some(Pin { port, pin })
    }

    /// Parse `P0_07`, `P1.2` or `p1_02`.
    pub fn parse(text: &str) -> Option<Pin> {
        let t = text.trim();
        let rest = t.strip_prefix('P').or_else(|| t.strip_prefix('p'))?;
        let (port, pin) = rest.split_once(['_', '.'])?;
        Pin::new(port.parse().ok()?, pin.parse().ok()?)
    }

    fn bit(self) -> u32 {
        1 << self.pin
    }

    fn mode_offset(self) -> u32 {
        MODE_BASE + 4 * (u32::from(self.port) * u32::from(PINS[0]) + u32::from(self.pin))
    }
}

impl std::fmt::Display for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{}_{:02}", self.port, self.pin)
    }
}

/// Every function a pin can be muxed to (`PID`), numbered and named as
/// `SMARTBOND_FUNC_*` in Zephyr's `dt-bindings/pinctrl/smartbond-pinctrl.h`.
pub const FUNCTIONS: [&str; 55] = [
    "GPIO",
    "UART_RX",
    "UART_TX",
    "UART2_RX",
    "UART2_TX",
    "UART2_CTSN",
    "UART2_RTSN",
    "UART3_RX",
    "UART3_TX",
    "UART3_CTSN",
    "UART3_RTSN",
    "ISO_CLK",
    "ISO_DATA",
    "SPI_DI",
    "SPI_DO",
    "SPI_CLK",
    "SPI_EN",
    "SPI2_DI",
    "SPI2_DO",
    "SPI2_CLK",
    "SPI2_EN",
    "I2C_SCL",
    "I2C_SDA",
    "I2C2_SCL",
    "I2C2_SDA",
    "USB_SOF",
    "ADC",
    "USB",
    "PCM_DI",
    "PCM_DO",
    "PCM_FSC",
    "PCM_CLK",
    "PDM_DATA",
    "PDM_CLK",
    "COEX_EXT_ACT",
    "COEX_SMART_ACT",
    "COEX_SMART_PRI",
    "PORT0_DCF",
    "PORT1_DCF",
    "PORT2_DCF",
    "PORT3_DCF",
    "PORT4_DCF",
    "CLOCK",
    "PG",
    "LCD",
    "LCD_SPI_DC",
    "LCD_SPI_DO",
    "LCD_SPI_CLK",
    "LCD_SPI_EN",
    "TIM_PWM",
    "TIM2_PWM",
    "TIM_1SHOT",
    "TIM2_1SHOT",
    "TIM3_PWM",
    "TIM4_PWM",
];

/// What a pin is muxed to: its `PID` value and, when known, the function's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// `Px_yy_MODE_REG.PID`.
    pub pid: u8,
}

impl Function {
    /// The function's name (`I2C_SCL`), or `None` for a `PID` the table lacks.
    pub fn name(self) -> Option<&'static str> {
        FUNCTIONS.get(usize::from(self.pid)).copied()
    }

    /// Whether the pin is a plain GPIO.
    pub fn is_gpio(self) -> bool {
        self.pid == 0
    }
}

impl std::fmt::Display for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "PID {}", self.pid),
        }
    }
}

/// Direction and pulls (`PUPD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadMode {
    /// Input, no pull (floating).
    Input,
    /// Input with pull-up.
    InputPullUp,
    /// Input with pull-down.
    InputPullDown,
    /// Output.
    Output,
}

impl PadMode {
    fn from_pupd(v: u32) -> PadMode {
        match v & 3 {
            0 => PadMode::Input,
            1 => PadMode::InputPullUp,
            2 => PadMode::InputPullDown,
            _ => PadMode::Output,
        }
    }
}

/// A change of the level the SoC drives on a GPIO output pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinChange {
    /// When.
    pub at: Instant,
    /// Which pin.
    pub pin: Pin,
    /// The new level, or `None` when the pin stopped driving (became an
    /// input or was muxed away from GPIO).
    pub level: Option<bool>,
}

/// One port's pad state as the outside sees it (frozen while unlatched).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pads {
    /// Pins the SoC drives as GPIO outputs.
    drive: u32,
    /// Levels on those pins.
    out: u32,
    /// Pins with a pull-up (inputs).
    pull_up: u32,
}

/// Changes kept for the machine before the oldest are dropped.
const MAX_CHANGES: usize = 4096;

/// The GPIO block.
#[derive(Debug, Clone)]
pub struct Gpio {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Output latch (`Px_DATA_REG` as written).
    latch: [u32; 2],
    /// Which pads follow their registers (`CRG_TOP->Px_PAD_LATCH_REG`).
    pad_latch: [u32; 2],
    pads: [Pads; 2],
    /// Pins the board drives, and the levels.
    ext_drive: [u32; 2],
    ext_level: [u32; 2],
    changes: Vec<PinChange>,
    dropped: usize,
}

impl Default for Gpio {
    fn default() -> Self {
        Self::new()
    }
}

impl Gpio {
    /// At power-on (pad latches enabled, as CRG_TOP resets them).
    pub fn new() -> Gpio {
        let mut g = Gpio {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            latch: [0; 2],
            pad_latch: [u32::MAX, (1 << PINS[1]) - 1],
            pads: [Pads::default(); 2],
            ext_drive: [0; 2],
            ext_level: [0; 2],
            changes: Vec::new(),
            dropped: 0,
        };
        g.update_pads(Instant::ZERO);
        g
    }

    /// The pin's mode register value.
    fn mode_reg(&self, pin: Pin) -> u32 {
        self.regs.get(pin.mode_offset())
    }

    /// What `pin` is muxed to (from its mode register).
    pub fn function(&self, pin: Pin) -> Function {
        Function {
            pid: P0_00_MODE_REG::PID.get(self.mode_reg(pin)) as u8,
        }
    }

    /// Direction and pulls of `pin` (from its mode register).
    pub fn mode(&self, pin: Pin) -> PadMode {
        PadMode::from_pupd(P0_00_MODE_REG::PUPD.get(self.mode_reg(pin)))
    }

    /// The level the SoC drives on `pin` as a GPIO output, or `None` if it
    /// does not drive it (an input, or muxed to another function).
    pub fn output(&self, pin: Pin) -> Option<bool> {
        let p = &self.pads[usize::from(pin.port)];
        (p.drive & pin.bit() != 0).then_some(p.out & pin.bit() != 0)
    }

    /// The pad's level: what the SoC drives, else what the board drives,
    /// else its pull-up (1) or nothing (0).
    pub fn level(&self, pin: Pin) -> bool {
        self.levels()[usize::from(pin.port)] & pin.bit() != 0
    }

    /// Both ports' pad levels (bit n = pin n).
    pub fn levels(&self) -> [u32; 2] {
        [0, 1].map(|port| {
            let p = &self.pads[port];
            let ext = self.ext_drive[port] & !p.drive;
            (p.out & p.drive)
                | (self.ext_level[port] & ext)
                | (p.pull_up & !p.drive & !self.ext_drive[port])
        })
    }

    /// The board drives `pin` to `level` (`None`: releases it). A pin the SoC
    /// drives as an output keeps the SoC's level (contention is not modelled).
    pub fn drive(&mut self, pin: Pin, level: Option<bool>) {
        let (port, bit) = (usize::from(pin.port), pin.bit());
        match level {
            Some(l) => {
                self.ext_drive[port] |= bit;
                if l {
                    self.ext_level[port] |= bit;
                } else {
                    self.ext_level[port] &= !bit;
                }
            }
            None => {
                self.ext_drive[port] &= !bit;
                self.ext_level[port] &= !bit;
            }
        }
    }

    /// Output changes since the last call, oldest first, and how many older
    /// ones were dropped because nobody collected them.
    pub fn take_changes(&mut self) -> (Vec<PinChange>, usize) {
        (
            std::mem::take(&mut self.changes),
            std::mem::take(&mut self.dropped),
        )
    }

    /// `CRG_TOP->P0_PAD_LATCH_REG` and `P1_PAD_LATCH_REG` changed.
    pub fn set_pad_latches(&mut self, latches: [u32; 2], now: Instant) {
        self.pad_latch = latches;
        self.update_pads(now);
    }

    /// Recompute the pads from the registers (for latched-through pins) and
    /// record output changes.
    fn update_pads(&mut self, now: Instant) {
        for port in 0..2u8 {
            let follow = self.pad_latch[usize::from(port)];
            let mut want = Pads::default();
            for n in 0..PINS[usize::from(port)] {
                let pin = Pin { port, pin: n };
                let gpio = self.function(pin).is_gpio();
                match self.mode(pin) {
                    PadMode::Output if gpio => want.drive |= pin.bit(),
                    PadMode::InputPullUp => want.pull_up |= pin.bit(),
                    _ => {}
                }
            }
            want.out = self.latch[usize::from(port)] & want.drive;
            let old = self.pads[usize::from(port)];
            let new = Pads {
                drive: (want.drive & follow) | (old.drive & !follow),
                out: (want.out & follow) | (old.out & !follow),
                pull_up: (want.pull_up & follow) | (old.pull_up & !follow),
            };
            let changed = (old.drive ^ new.drive) | ((old.out ^ new.out) & new.drive);
            for n in 0..32 {
                if changed >> n & 1 == 0 {
                    continue;
                }
                let level = (new.drive >> n & 1 != 0).then_some(new.out >> n & 1 != 0);
                if self.changes.len() >= MAX_CHANGES {
                    self.changes.remove(0);
                    self.dropped += 1;
                }
                self.changes.push(PinChange {
                    at: now,
                    pin: Pin { port, pin: n },
                    level,
                });
            }
            self.pads[usize::from(port)] = new;
        }
    }
}

impl Device for Gpio {
    fn name(&self) -> &'static str {
        "GPIO"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        match offset & !3 {
            P0_DATA_REG::OFFSET | P1_DATA_REG::OFFSET => {
                let port = (offset >> 2) as usize & 1;
                let levels = self.levels()[port];
                self.regs.set(offset & !3, levels);
                self.regs.read(offset, size)
            }
            _ => self.regs.read(offset, size),
        }
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        // A sub-word write to a data register merges into the latch, not the pad levels.
        if matches!(offset & !3, P0_DATA_REG::OFFSET | P1_DATA_REG::OFFSET) {
            let port = (offset >> 2) as usize & 1;
            self.regs.set(offset & !3, self.latch[port]);
        }
        let w = self
            .notes
            .write("GPIO", &mut self.regs, offset, size, value)?;
        let bits = w.written;
        match w.offset {
            0x00 | 0x04 => self.latch[(w.offset >> 2) as usize] = w.new,
            0x08 | 0x0c => self.latch[((w.offset >> 2) & 1) as usize] |= bits & port_mask(w.offset),
            0x10 | 0x14 => {
                self.latch[((w.offset >> 2) & 1) as usize] &= !(bits & port_mask(w.offset))
            }
            _ => {}
        }
        self.update_pads(cx.now);
        Ok(())
    }

    fn reset(&mut self) {
        let changes = std::mem::take(&mut self.changes);
        let (ext_drive, ext_level) = (self.ext_drive, self.ext_level);
        *self = Gpio::new();
        self.changes = changes;
        self.ext_drive = ext_drive;
        self.ext_level = ext_level;
    }
}

/// Pins that exist on the port a data/set/reset register at `offset` serves.
fn port_mask(offset: u32) -> u32 {
    if (offset >> 2) & 1 == 0 {
        u32::MAX
    } else {
        (1 << PINS[1]) - 1
    }
}
