//! The interface of a board part (panel, sensor, motor, battery) as the SoC's
//! controllers see it: I²C transfers, MIPI-DBI commands and data, and pins.
//!
//! Parts know nothing of the DA1469x; the machine wires them to controllers
//! and pins from the board description (`mb4-board`). A part's own "physics"
//! API (set heart rate, move the wrist, touch at x,y) lives on its concrete
//! type, so tests script the world, not registers.

use crate::time::Instant;

/// A device on an I²C bus, seen one byte at a time as the controller clocks it.
pub trait I2cTarget {
    /// The controller sent START (or repeated START) with our address;
    /// `read` is the R/W bit. Returns whether we acknowledge.
    fn start(&mut self, read: bool, now: Instant) -> bool;
    /// A byte written to us; returns ACK (true) or NACK.
    fn write(&mut self, byte: u8, now: Instant) -> bool;
    /// The controller reads a byte from us.
    fn read(&mut self, now: Instant) -> u8;
    /// STOP condition.
    fn stop(&mut self, now: Instant);
}

/// A boxed target is a target, so `Box<dyn I2cTarget>` can be attached
/// wherever a concrete one can.
impl<T: I2cTarget + ?Sized> I2cTarget for Box<T> {
    fn start(&mut self, read: bool, now: Instant) -> bool {
        (**self).start(read, now)
    }
    fn write(&mut self, byte: u8, now: Instant) -> bool {
        (**self).write(byte, now)
    }
    fn read(&mut self, now: Instant) -> u8 {
        (**self).read(now)
    }
    fn stop(&mut self, now: Instant) {
        (**self).stop(now)
    }
}

/// A device on a SPI bus, seen one byte at a time (MSB first) while its
/// chip select is active.
pub trait SpiTarget {
    /// Chip select went active.
    fn select(&mut self, now: Instant) {
        let _ = now;
    }
    /// One byte out (MOSI) and one byte back (MISO), clocked together.
    fn transfer(&mut self, mosi: u8, now: Instant) -> u8;
    /// Chip select went inactive.
    fn deselect(&mut self, now: Instant) {
        let _ = now;
    }
}

impl<T: SpiTarget + ?Sized> SpiTarget for Box<T> {
    fn select(&mut self, now: Instant) {
        (**self).select(now)
    }
    fn transfer(&mut self, mosi: u8, now: Instant) -> u8 {
        (**self).transfer(mosi, now)
    }
    fn deselect(&mut self, now: Instant) {
        (**self).deselect(now)
    }
}

/// A display controller on a MIPI-DBI link (type C: SPI with a D/C line).
pub trait DbiTarget {
    /// A command byte (D/C low).
    fn command(&mut self, cmd: u8, now: Instant);
    /// Parameter or pixel bytes (D/C high) following the last command.
    fn data(&mut self, bytes: &[u8], now: Instant);
    /// Bytes the controller reads back after a read command (`n` of them).
    fn read(&mut self, n: usize, now: Instant) -> Vec<u8> {
        let _ = now;
        vec![0; n]
    }
}

/// A part on the board.
pub trait Part {
    /// Model name, as in board files (`rm69310`).
    fn model(&self) -> &'static str;

    /// Power-on state.
    fn reset(&mut self);

    /// When the part next changes on its own (new sample, data ready), if ever.
    fn next_event(&self) -> Option<Instant> {
        None
    }

    /// Bring the part's state up to `now`.
    fn advance(&mut self, now: Instant) {
        let _ = now;
    }

    /// The level the part drives on its pin `role` (`int1`, `ready`, `te`), if it drives one.
    fn output(&self, role: &str) -> Option<bool> {
        let _ = role;
        None
    }

    /// The SoC drives the part's pin `role` (`reset`, `enable`) to `level`.
    fn input(&mut self, role: &str, level: bool, now: Instant) {
        let _ = (role, level, now);
    }

    /// The part's I²C face, if it sits on I²C.
    fn as_i2c(&mut self) -> Option<&mut dyn I2cTarget> {
        None
    }

    /// The part's MIPI-DBI face, if it is a display controller.
    fn as_dbi(&mut self) -> Option<&mut dyn DbiTarget> {
        None
    }

    /// What the part refused or does not model since the last call (a bad
    /// COLMOD value, a write to an unknown register), for the machine to
    /// report loudly. Each line says what and when.
    fn take_reports(&mut self) -> Vec<String> {
        Vec::new()
    }
}
