//! Pins: function mux, direction, level and pad latches.

use crate::mmio;
use crate::regs::{crg_top, gpio};

/// A pin, `Px_yy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// Port: 0 (32 pins) or 1 (23 pins).
    pub port: u8,
    /// Pin within the port.
    pub pin: u8,
}

impl Pin {
    /// `Px_yy`.
    pub const fn new(port: u8, pin: u8) -> Pin {
        Pin { port, pin }
    }

    fn mode_reg(self) -> u32 {
        let first = if self.port == 0 {
            gpio::P0_00_MODE_REG
        } else {
            gpio::P1_00_MODE_REG
        };
        first + 4 * self.pin as u32
    }

    fn bit(self) -> u32 {
        1 << self.pin
    }

    /// Give the pin to a peripheral function (`func::*`) as an output
    /// (`output`) or input, and latch the pad so the setting reaches it.
    pub fn set_function(self, function: u32, output: bool) {
        let pupd = if output { 3 } else { 0 };
        mmio::write(
            self.mode_reg(),
            (pupd << gpio::PUPD_POS) | (function & gpio::PID_MSK),
        );
        let latch = if self.port == 0 {
            crg_top::P0_SET_PAD_LATCH_REG
        } else {
            crg_top::P1_SET_PAD_LATCH_REG
        };
        mmio::write(latch, self.bit());
    }

    /// Drive the pin as a plain GPIO output at `level`.
    pub fn set_output(self, level: bool) {
        self.set_level(level);
        self.set_function(crate::regs::func::GPIO, true);
    }

    /// Set the output level.
    pub fn set_level(self, level: bool) {
        let reg = match (self.port, level) {
            (0, true) => gpio::P0_SET_DATA_REG,
            (0, false) => gpio::P0_RESET_DATA_REG,
            (_, true) => gpio::P1_SET_DATA_REG,
            (_, false) => gpio::P1_RESET_DATA_REG,
        };
        mmio::write(reg, self.bit());
    }
}
