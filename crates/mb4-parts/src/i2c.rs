//! The common shape of an I²C part with 8-bit register addresses: after a
//! START for writing, the first byte is the register pointer and the next
//! ones are written from there; a read returns bytes from the pointer. Each
//! part decides how the pointer moves after a byte (most auto-increment;
//! FIFO-like data ports stay put).

use mb4_periph::time::Instant;

/// A part seen as a register file.
pub(crate) trait Registers {
    /// Read the register at `reg` (reads may have side effects: clear-on-read).
    fn read_reg(&mut self, reg: u8, now: Instant) -> u8;
    /// Write `value` to the register at `reg`.
    fn write_reg(&mut self, reg: u8, value: u8, now: Instant);
    /// The pointer after an access to `reg` (auto-increment by default).
    fn next_reg(&self, reg: u8) -> u8 {
        reg.wrapping_add(1)
    }
    /// Bring time-driven state up to `now` before an access.
    fn catch_up(&mut self, now: Instant);
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Pointer {
    /// The register the next byte goes to or comes from.
    pub reg: u8,
    /// A write transfer has started and no pointer byte came yet.
    awaiting_pointer: bool,
}

impl Pointer {
    pub fn start<R: Registers>(&mut self, regs: &mut R, read: bool, now: Instant) -> bool {
        regs.catch_up(now);
        self.awaiting_pointer = !read;
        true
    }

    pub fn write<R: Registers>(&mut self, regs: &mut R, byte: u8, now: Instant) -> bool {
        if self.awaiting_pointer {
            self.reg = byte;
            self.awaiting_pointer = false;
        } else {
            regs.write_reg(self.reg, byte, now);
            self.reg = regs.next_reg(self.reg);
        }
        true
    }

    pub fn read<R: Registers>(&mut self, regs: &mut R, now: Instant) -> u8 {
        let v = regs.read_reg(self.reg, now);
        self.reg = regs.next_reg(self.reg);
        v
    }
}

/// Implement `I2cTarget` for a type with a `port: Pointer` field and `Registers`.
macro_rules! i2c_target_via_registers {
    ($t:ty) => {
        impl mb4_periph::part::I2cTarget for $t {
            fn start(&mut self, read: bool, now: mb4_periph::time::Instant) -> bool {
                let mut port = self.port;
                let ack = port.start(self, read, now);
                self.port = port;
                ack
            }
            fn write(&mut self, byte: u8, now: mb4_periph::time::Instant) -> bool {
                let mut port = self.port;
                let ack = port.write(self, byte, now);
                self.port = port;
                ack
            }
            fn read(&mut self, now: mb4_periph::time::Instant) -> u8 {
                let mut port = self.port;
                let v = port.read(self, now);
                self.port = port;
                v
            }
            fn stop(&mut self, _now: mb4_periph::time::Instant) {}
        }
    };
}
pub(crate) use i2c_target_via_registers;

/// Test helpers: whole transfers as a driver does them.
#[cfg(test)]
pub(crate) mod bus {
    use mb4_periph::part::I2cTarget;
    use mb4_periph::time::Instant;

    /// Write `bytes` to register `reg`.
    pub fn write(t: &mut dyn I2cTarget, reg: u8, bytes: &[u8], now: Instant) {
        assert!(t.start(false, now));
        assert!(t.write(reg, now));
        for &b in bytes {
            assert!(t.write(b, now));
        }
        t.stop(now);
    }

    /// Read `n` bytes from register `reg` (write pointer, repeated START, read).
    pub fn read(t: &mut dyn I2cTarget, reg: u8, n: usize, now: Instant) -> Vec<u8> {
        assert!(t.start(false, now));
        assert!(t.write(reg, now));
        assert!(t.start(true, now));
        let v = (0..n).map(|_| t.read(now)).collect();
        t.stop(now);
        v
    }
}
