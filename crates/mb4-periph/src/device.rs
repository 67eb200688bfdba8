//! The interface of a memory-mapped peripheral model.
//!
//! The machine owns every device and calls it in three situations: a bus
//! access ([`Device::read`], [`Device::write`]), emulated time reaching the
//! device's own deadline ([`Device::next_event`] then [`Device::advance`]), and
//! reset. Devices never look at the wall clock and never hold references to
//! each other; what they need from the outside world comes in a [`Context`].

use crate::regmap::RegError;
use crate::time::Instant;

/// Interrupt request lines into the NVIC, as levels (a peripheral holds its
/// line high while its interrupt condition stands, as most DA1469x blocks do),
/// plus pulses for the few sources that only strobe their line (XTAL32M_RDY,
/// PLL_LOCK): the NVIC latches a pulse as pending even while the line is
/// disabled, and the machine collects them with [`IrqLines::take_pulses`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IrqLines {
    level: u64,
    pulses: u64,
}

impl IrqLines {
    /// Drive line `n` (0..64) high or low.
    pub fn set(&mut self, n: u32, high: bool) {
        debug_assert!(n < 64);
        if high {
            self.level |= 1 << n;
        } else {
            self.level &= !(1 << n);
        }
    }

    /// Whether line `n` is high.
    pub fn is_high(&self, n: u32) -> bool {
        self.level >> n & 1 != 0
    }

    /// All lines as a bit mask.
    pub fn levels(&self) -> u64 {
        self.level
    }

    /// Strobe line `n` (0..64): one edge for the NVIC to latch.
    pub fn pulse(&mut self, n: u32) {
        debug_assert!(n < 64);
        self.pulses |= 1 << n;
    }

    /// Pulses since the last call, as a bit mask.
    pub fn take_pulses(&mut self) -> u64 {
        std::mem::take(&mut self.pulses)
    }
}

/// What a device may see and touch during a call.
#[derive(Debug)]
pub struct Context<'a> {
    /// Emulated time of the access or event.
    pub now: Instant,
    /// Interrupt lines.
    pub irqs: &'a mut IrqLines,
}

/// A memory-mapped peripheral.
pub trait Device {
    /// Block name as in `DA1469xAB.h` (`TIMER2`), for messages.
    fn name(&self) -> &'static str;

    /// Software reads `size` bytes (1, 2, 4) at `offset` from the block base.
    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError>;

    /// Software writes `size` bytes at `offset`.
    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError>;

    /// The next instant at which the device changes state on its own (a timer
    /// expiring, a transfer completing), if any. The machine calls
    /// [`Device::advance`] no later than that, and may fast-forward a sleeping
    /// CPU straight to the earliest such instant.
    fn next_event(&self) -> Option<Instant> {
        None
    }

    /// Bring the device's state up to `cx.now`, raising or dropping interrupt lines.
    fn advance(&mut self, _cx: &mut Context<'_>) {}

    /// Return to the power-on state.
    fn reset(&mut self);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irq_lines_are_levels() {
        let mut l = IrqLines::default();
        l.set(17, true);
        l.set(39, true);
        assert!(l.is_high(17) && l.is_high(39) && !l.is_high(16));
        l.set(17, false);
        assert_eq!(l.levels(), 1 << 39);
        l.pulse(26);
        assert_eq!(l.levels(), 1 << 39, "a pulse is not a level");
        assert_eq!(l.take_pulses(), 1 << 26);
        assert_eq!(l.take_pulses(), 0);
    }
}
