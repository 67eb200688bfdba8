//! What the core needs from the machine around it: sized reads and writes.
//!
//! The core services its own Private Peripheral Bus (0xE000_0000..0xE010_0000:
//! NVIC, SCB, SysTick, MPU, DWT, FPU control) before it calls the [`Bus`]; every
//! other address goes to the machine.

/// Access width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Byte = 1,
    Half = 2,
    Word = 4,
}

impl Size {
    /// Bytes in an access of this size.
    pub fn bytes(self) -> u32 {
        self as u32
    }
}

/// A bus error: nothing answers at `addr`, or the device refused the access.
/// The core turns it into a BusFault in the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("bus error at {addr:#010x}")]
pub struct BusError {
    pub addr: u32,
}

/// A window of plain memory the core may access without calling the bus:
/// `len` bytes from guest address `base` are the bytes at `host`. See
/// [`Bus::direct_memory`] for what a bus promises when it hands one out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectMemory {
    /// Guest address of the first byte; a multiple of 4 KiB.
    pub base: u32,
    /// Bytes; a multiple of 4 KiB.
    pub len: u32,
    /// The first byte's host address.
    pub host: *mut u8,
    /// Whether stores may also go straight to `host` (else only loads).
    pub writable: bool,
}

/// The windows a bus hands out (unused entries `None`).
pub type DirectWindows = [Option<DirectMemory>; 8];

/// The machine's memory system as the core sees it.
///
/// Addresses may be unaligned (the core allows unaligned LDR/STR/LDRH/STRH as the
/// architecture does); values are little-endian and zero-extended to `u32`.
pub trait Bus {
    /// Reads `size` bytes at `addr`. May have side effects (device registers).
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError>;

    /// Writes the low `size` bytes of `value` at `addr`.
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError>;

    /// Reads without side effects, for debuggers and disassembly. Devices that
    /// cannot read without side effects return an error.
    fn peek(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.read(addr, size)
    }

    /// Whether the 4 KiB page holding `addr` is plain memory (RAM, flash, ROM) whose
    /// contents change only by writes through this core, or by writes the machine
    /// reports with [`Cpu::invalidate_code`](crate::Cpu::invalidate_code). The core then
    /// keeps decoded instructions of that page. The default, `false`, is always safe.
    fn code_cacheable(&self, addr: u32) -> bool {
        let _ = addr;
        false
    }

    /// Plain memory the core's translated code may read (and write, where
    /// `writable`) directly, skipping [`Bus::read`] and [`Bus::write`] for
    /// aligned accesses inside a window. The core asks at every
    /// [`Cpu::run`](crate::Cpu::run) and uses the answer until it returns.
    ///
    /// A bus that returns a window promises, for as long as it keeps
    /// returning it: `read` of any address in it has no side effect and
    /// returns the little-endian bytes at the matching host address; `write`
    /// (if `writable`) only changes those bytes; and the host bytes stay
    /// allocated and are not otherwise accessed while the core runs. The
    /// default, no windows, is always correct.
    fn direct_memory(&mut self) -> DirectWindows {
        [None; 8]
    }
}
