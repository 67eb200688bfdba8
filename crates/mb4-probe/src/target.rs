//! [`Target`]: what tools need of a halted chip, whatever the probe.

use std::time::Duration;

use crate::ProbeError;

/// Why the core stopped, as the probe reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// Stopped by a signal (GDB numbering: 5 = SIGTRAP, 2 = SIGINT).
    Signal(u8),
    /// The program exited (only emulators say this).
    Exited(u8),
}

/// The core registers tools look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Registers {
    /// r0..r12, sp (r13), lr (r14), pc (r15).
    pub r: [u32; 16],
    /// xPSR, when the probe offers it.
    pub xpsr: Option<u32>,
}

impl Registers {
    /// Stack pointer.
    pub fn sp(&self) -> u32 {
        self.r[13]
    }
    /// Program counter.
    pub fn pc(&self) -> u32 {
        self.r[15]
    }
}

/// A chip behind a probe, halted while we work on it.
///
/// Access width matters on the DA1469x: a byte write to
/// `QSPIC_WRITEDATA_REG` clocks one byte out to the flash, a word write four.
/// So the contract is: [`Target::write_memory`] and [`Target::read_memory`]
/// of 1, 2 or 4 bytes at an address aligned to that size are *one* bus
/// access of that width. OpenOCD, J-Link GDB Server and pyOCD translate a
/// GDB `m`/`M` of an aligned 1/2/4 bytes into a single access of that size
/// (confidence: inferred from their memory-access code paths; to confirm on
/// a band). Longer transfers may be split however the probe likes.
pub trait Target {
    /// Words a person can read: what this target is (for reports and errors).
    fn describe(&self) -> String;

    /// Read `buf.len()` bytes from `addr`.
    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError>;

    /// Write `data` at `addr`.
    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError>;

    /// One 32-bit read (`addr` 4-aligned).
    fn read_u32(&mut self, addr: u32) -> Result<u32, ProbeError> {
        let mut b = [0; 4];
        self.read_memory(addr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// One 32-bit write (`addr` 4-aligned).
    fn write_u32(&mut self, addr: u32, value: u32) -> Result<(), ProbeError> {
        self.write_memory(addr, &value.to_le_bytes())
    }

    /// One 8-bit read.
    fn read_u8(&mut self, addr: u32) -> Result<u8, ProbeError> {
        let mut b = [0; 1];
        self.read_memory(addr, &mut b)?;
        Ok(b[0])
    }

    /// One 8-bit write.
    fn write_u8(&mut self, addr: u32, value: u8) -> Result<(), ProbeError> {
        self.write_memory(addr, &[value])
    }

    /// Stop the core (no-op when it is stopped already).
    fn halt(&mut self) -> Result<StopReason, ProbeError>;

    /// Let the core run.
    fn resume(&mut self) -> Result<(), ProbeError>;

    /// After [`Target::resume`], wait up to `limit` for the core to stop by
    /// itself (a `BKPT`, a breakpoint). On a timeout the core is still
    /// running; [`Target::halt`] stops it.
    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        let _ = limit;
        Err(ProbeError::Unsupported {
            command: "waiting for the core to stop".into(),
        })
    }

    /// Reset the chip; with `halt`, stop the core at the first instruction so
    /// the boot ROM does not touch the flash while we do.
    fn reset(&mut self, halt: bool) -> Result<(), ProbeError>;

    /// The core registers (core halted).
    fn read_registers(&mut self) -> Result<Registers, ProbeError>;

    /// Set one register, numbered as gdb's Arm M-profile description does:
    /// 0..=15 r0..pc, 25 xPSR (core halted).
    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError>;
}

/// gdb's register number of xPSR on M-profile.
pub const XPSR: u32 = 25;

impl<T: Target + ?Sized> Target for &mut T {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        (**self).read_memory(addr, buf)
    }
    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        (**self).write_memory(addr, data)
    }
    fn read_u32(&mut self, addr: u32) -> Result<u32, ProbeError> {
        (**self).read_u32(addr)
    }
    fn write_u32(&mut self, addr: u32, value: u32) -> Result<(), ProbeError> {
        (**self).write_u32(addr, value)
    }
    fn read_u8(&mut self, addr: u32) -> Result<u8, ProbeError> {
        (**self).read_u8(addr)
    }
    fn write_u8(&mut self, addr: u32, value: u8) -> Result<(), ProbeError> {
        (**self).write_u8(addr, value)
    }
    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        (**self).halt()
    }
    fn resume(&mut self) -> Result<(), ProbeError> {
        (**self).resume()
    }
    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        (**self).wait_for_halt(limit)
    }
    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        (**self).reset(halt)
    }
    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        (**self).read_registers()
    }
    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        (**self).write_register(n, value)
    }
}
