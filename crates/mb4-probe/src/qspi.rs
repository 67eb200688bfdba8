//! DA1469x QSPI flash through the QSPI controller in manual mode.
//!
//! The debugger drives the flash part byte by byte through the controller's
//! registers, as ezFlashCLI does (facts from ezFlashCLI 1.0.29
//! `smartbondDevices.py` and the Renesas HAL's `da1469x_qspic.h`; the code is
//! ours):
//!
//! 1. Save `QSPIC_CTRLMODE_REG`; clear `QSPIC_AUTO_MD` (manual mode).
//! 2. Leave continuous-read mode: `FF FF` on four lines, then on one.
//! 3. Single-line bus, `IO2`/`IO3` driven high (they are WP# and HOLD#).
//! 4. Reset the part (`66`, `99`), wake it (`AB`), wait until not busy.
//! 5. Commands: `9F` JEDEC ID, `05` status, `06` write enable, `20` 4 KiB
//!    sector erase, `02` 256-byte page program, `C7` chip erase; each write
//!    waits on the status register's WIP bit.
//! 6. Back to the quad bus and the saved `CTRLMODE` (auto mode), so the
//!    memory-mapped windows read flash again.
//!
//! A write to `QSPIC_WRITEDATA_REG` sends as many bytes as the access is
//! wide, lowest address first; so a page goes out as 32-bit writes (a quarter
//! of the round trips of byte writes). A read of `QSPIC_READDATA_REG`
//! likewise clocks in as many bytes as it is wide.
//!
//! Reads go through the memory-mapped window (uncached 0x3600_0000 by
//! default, so a verify never sees stale cache lines).

use std::time::{Duration, Instant};

use mb4_da1469x::flash::JedecId;

use crate::{ProbeError, Target};

/// QSPIC registers (base 0x3800_0000, CMSIS `QSPIC_Type`).
pub mod regs {
    /// Register block base.
    pub const BASE: u32 = 0x3800_0000;
    /// `QSPIC_CTRLBUS_REG`: bus width and chip select (write-only bits).
    pub const CTRLBUS: u32 = BASE;
    /// `CTRLBUS.QSPIC_SET_SINGLE`.
    pub const SET_SINGLE: u32 = 1 << 0;
    /// `CTRLBUS.QSPIC_SET_QUAD`.
    pub const SET_QUAD: u32 = 1 << 2;
    /// `CTRLBUS.QSPIC_EN_CS`: chip select low.
    pub const EN_CS: u32 = 1 << 3;
    /// `CTRLBUS.QSPIC_DIS_CS`: chip select high.
    pub const DIS_CS: u32 = 1 << 4;
    /// `QSPIC_CTRLMODE_REG`.
    pub const CTRLMODE: u32 = BASE + 0x04;
    /// `CTRLMODE.QSPIC_AUTO_MD`.
    pub const AUTO_MD: u32 = 1 << 0;
    /// `CTRLMODE.QSPIC_IO2_OEN | IO3_OEN | IO2_DAT | IO3_DAT`: drive WP#, HOLD# high.
    pub const IO23_HIGH: u32 = 0x3C;
    /// `QSPIC_BURSTCMDA_REG`: auto-mode read instruction and bus widths.
    pub const BURSTCMDA: u32 = BASE + 0x0C;
    /// `QSPIC_BURSTCMDB_REG`: auto-mode data width, dummy bytes, instruction mode.
    pub const BURSTCMDB: u32 = BASE + 0x10;
    /// BURSTCMDA for plain READ (0x03): instruction, address and data on one
    /// line, no mode byte; every part knows it.
    pub const BURSTCMDA_PLAIN_READ: u32 = 0x03;
    /// BURSTCMDB for plain READ: single-line data, no dummy bytes, the
    /// instruction sent on every burst.
    pub const BURSTCMDB_PLAIN_READ: u32 = 0;
    /// `QSPIC_WRITEDATA_REG`.
    pub const WRITEDATA: u32 = BASE + 0x18;
    /// `QSPIC_READDATA_REG`.
    pub const READDATA: u32 = BASE + 0x1C;
}

/// SPI NOR commands used here (JEDEC-common).
pub mod cmd {
    /// Read JEDEC ID.
    pub const READ_JEDEC_ID: u8 = 0x9F;
    /// Read status register 1.
    pub const READ_STATUS: u8 = 0x05;
    /// Write enable.
    pub const WRITE_ENABLE: u8 = 0x06;
    /// 4 KiB sector erase.
    pub const SECTOR_ERASE: u8 = 0x20;
    /// Page program.
    pub const PAGE_PROGRAM: u8 = 0x02;
    /// Chip erase.
    pub const CHIP_ERASE: u8 = 0xC7;
    /// Reset enable.
    pub const RESET_ENABLE: u8 = 0x66;
    /// Reset.
    pub const RESET: u8 = 0x99;
    /// Release from deep power-down.
    pub const RELEASE_POWER_DOWN: u8 = 0xAB;
    /// Continuous-read-mode break byte.
    pub const BREAK: u8 = 0xFF;
    /// Status register 1: write in progress.
    pub const STATUS_WIP: u8 = 0x01;
}

/// Sector (erase unit).
pub const SECTOR: u32 = 4096;
/// Page (program unit).
pub const PAGE: u32 = 256;

/// Where flash reads go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// 0x3600_0000: the flash on the system bus, no cache.
    Uncached,
    /// 0x1600_0000: through the cache (what executes in place).
    Cached,
}

impl Window {
    /// Address of flash offset 0 in this window.
    pub fn base(self) -> u32 {
        match self {
            Window::Uncached => 0x3600_0000,
            Window::Cached => 0x1600_0000,
        }
    }
}

/// Flash failures.
#[derive(Debug, thiserror::Error)]
pub enum FlashError {
    /// The link or the target failed.
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// The part stayed busy.
    #[error("the flash stayed busy for {after:?} after {op} at offset {offset:#x}")]
    Busy {
        /// The operation.
        op: &'static str,
        /// Flash offset.
        offset: u32,
        /// How long we polled.
        after: Duration,
    },
    /// Read-back differs from what was written.
    #[error("verify failed at flash offset {offset:#x}: wrote {expected:#04x}, read {found:#04x}")]
    Verify {
        /// First differing offset.
        offset: u32,
        /// Intended byte.
        expected: u8,
        /// Byte read back.
        found: u8,
    },
    /// An erase or a program not on the part's boundaries.
    #[error("{what} at offset {offset:#x}, {len:#x} bytes, is not {align:#x}-aligned")]
    Unaligned {
        /// The operation.
        what: &'static str,
        /// Offset asked for.
        offset: u32,
        /// Length asked for.
        len: usize,
        /// Required alignment.
        align: u32,
    },
    /// The flash loader failed or could not be used.
    #[error("flash loader: {0}")]
    Loader(String),
    /// Beyond the end of the part.
    #[error("offset {offset:#x} + {len:#x} bytes is past the end of the {size:#x}-byte flash")]
    OutOfRange {
        /// Offset asked for.
        offset: u32,
        /// Length asked for.
        len: usize,
        /// Size of the part.
        size: u32,
    },
    /// The JEDEC ID reads all 0x00 or all 0xFF: nothing answers on the bus.
    #[error("no flash answers on the QSPI bus (JEDEC ID {jedec})")]
    NoFlash {
        /// What was read.
        jedec: JedecId,
    },
    /// The ID does not say how big the part is, and no size was given.
    #[error("the flash size is unknown (JEDEC ID {jedec}); give it with --flash-size")]
    UnknownSize {
        /// What was read.
        jedec: JedecId,
    },
}

/// What a flash programming method offers: the QSPI manual-mode driver here,
/// and later a RAM-resident loader that does the same on the chip, faster.
pub trait FlashAccess {
    /// Read the part's JEDEC ID.
    fn jedec_id(&mut self) -> Result<JedecId, FlashError>;
    /// Read `buf.len()` bytes from flash offset `offset`.
    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), FlashError>;
    /// Erase whole sectors covering `offset .. offset + len` (both sector-aligned).
    fn erase(&mut self, offset: u32, len: usize) -> Result<(), FlashError>;
    /// Program erased flash (any offset; split at page boundaries inside).
    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashError>;
    /// Erase the whole part.
    fn erase_chip(&mut self) -> Result<(), FlashError>;
    /// Size of the part in bytes.
    fn size(&self) -> Option<u32>;

    /// Carry out the steps of a [`crate::write::WritePlan`], in order: per
    /// sector, skip if equal, else erase, program, verify.
    /// `progress(done_bytes, total_bytes, step)` after each sector. The
    /// default does it through the methods above; a method with a faster way
    /// (the loader) overrides it.
    fn write_steps(
        &mut self,
        steps: &[crate::write::Step],
        progress: &mut dyn FnMut(u64, u64, &crate::write::Step),
    ) -> Result<crate::write::WriteStats, FlashError>
    where
        Self: Sized,
    {
        crate::write::write_each_sector(self, steps, progress)
    }
}

/// Time limits for the flash's own operations (datasheet maxima are
/// 3 ms page, 400 ms sector, tens of seconds for the whole chip; plus slack).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Page program.
    pub page: Duration,
    /// Sector erase.
    pub sector: Duration,
    /// Chip erase.
    pub chip: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            page: Duration::from_secs(1),
            sector: Duration::from_secs(3),
            chip: Duration::from_secs(400),
        }
    }
}

/// DA1469x flash through the QSPI controller's manual mode.
#[derive(Debug)]
pub struct QspiFlash<T: Target> {
    target: T,
    window: Window,
    size: Option<u32>,
    /// Time limits for busy-waiting.
    pub timeouts: Timeouts,
}

impl<T: Target> QspiFlash<T> {
    /// Drive the flash of `target` (halted), reading through the uncached window.
    pub fn new(target: T) -> QspiFlash<T> {
        QspiFlash {
            target,
            window: Window::Uncached,
            size: None,
            timeouts: Timeouts::default(),
        }
    }

    /// Read through `window` instead.
    pub fn with_window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// Set the part's size (from the parts table or the user).
    pub fn set_size(&mut self, size: u32) {
        self.size = Some(size);
    }

    /// The target, for other work between flash operations.
    pub fn target_mut(&mut self) -> &mut T {
        &mut self.target
    }

    /// Give the target back.
    pub fn into_inner(self) -> T {
        self.target
    }

    /// Run `f` in manual mode; auto mode is restored whether `f` worked or not.
    fn manual<R>(
        &mut self,
        f: impl FnOnce(&mut Manual<'_, T>) -> Result<R, FlashError>,
    ) -> Result<R, FlashError> {
        let saved = self.target.read_u32(regs::CTRLMODE)?;
        let mut m = Manual {
            t: &mut self.target,
            timeouts: self.timeouts,
        };
        let result = m.enter(saved).and_then(|()| f(&mut m));
        let restored = m.leave(saved);
        let value = result?;
        restored?;
        Ok(value)
    }

    /// Make the memory-mapped windows readable if nobody has: after a
    /// reset-and-halt the core stops before the boot ROM has set up the
    /// controller (auto mode off, no read instruction). Then set a plain
    /// single-line READ (0x03) burst, which needs no quad-enable bit and no
    /// part-specific settings, and enter auto mode. Returns whether it had to.
    pub fn ensure_readable(&mut self) -> Result<bool, FlashError> {
        let mode = self.target.read_u32(regs::CTRLMODE)?;
        let burst = self.target.read_u32(regs::BURSTCMDA)?;
        if mode & regs::AUTO_MD != 0 && burst & 0xFF != 0 {
            return Ok(false);
        }
        // Leave any continuous-read mode first (a manual session does).
        self.manual(|_| Ok(()))?;
        self.target
            .write_u32(regs::BURSTCMDA, regs::BURSTCMDA_PLAIN_READ)?;
        self.target
            .write_u32(regs::BURSTCMDB, regs::BURSTCMDB_PLAIN_READ)?;
        self.target.write_u32(
            regs::CTRLMODE,
            (mode & !regs::AUTO_MD) | regs::IO23_HIGH | regs::AUTO_MD,
        )?;
        Ok(true)
    }

    pub(crate) fn check_range(&self, offset: u32, len: usize) -> Result<(), FlashError> {
        if let Some(size) = self.size
            && u64::from(offset) + len as u64 > u64::from(size)
        {
            return Err(FlashError::OutOfRange { offset, len, size });
        }
        Ok(())
    }
}

impl<T: Target> FlashAccess for QspiFlash<T> {
    fn jedec_id(&mut self) -> Result<JedecId, FlashError> {
        let id = self.manual(|m| m.jedec_id())?;
        if matches!(
            [id.manufacturer, id.memory_type, id.density],
            [0, 0, 0] | [0xFF, 0xFF, 0xFF]
        ) {
            return Err(FlashError::NoFlash { jedec: id });
        }
        if self.size.is_none() {
            self.size = id.capacity_bytes().and_then(|s| u32::try_from(s).ok());
        }
        Ok(id)
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), FlashError> {
        self.check_range(offset, buf.len())?;
        self.target
            .read_memory(self.window.base() + offset, buf)
            .map_err(FlashError::from)
    }

    fn erase(&mut self, offset: u32, len: usize) -> Result<(), FlashError> {
        if !offset.is_multiple_of(SECTOR) || !len.is_multiple_of(SECTOR as usize) {
            return Err(FlashError::Unaligned {
                what: "erase",
                offset,
                len,
                align: SECTOR,
            });
        }
        self.check_range(offset, len)?;
        self.manual(|m| {
            for s in (offset..offset + len as u32).step_by(SECTOR as usize) {
                m.erase_sector(s)?;
            }
            Ok(())
        })
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashError> {
        self.check_range(offset, data.len())?;
        self.manual(|m| {
            let mut done = 0usize;
            while done < data.len() {
                let at = offset + done as u32;
                // Up to the end of this page: a page program wraps inside its page.
                let room = (PAGE - at % PAGE) as usize;
                let n = room.min(data.len() - done);
                m.program_page(at, &data[done..done + n])?;
                done += n;
            }
            Ok(())
        })
    }

    fn erase_chip(&mut self) -> Result<(), FlashError> {
        self.manual(|m| m.erase_chip())
    }

    fn size(&self) -> Option<u32> {
        self.size
    }
}

/// A manual-mode session: chip select, bytes, status polling.
struct Manual<'a, T: Target> {
    t: &'a mut T,
    timeouts: Timeouts,
}

impl<T: Target> Manual<'_, T> {
    fn enter(&mut self, saved: u32) -> Result<(), FlashError> {
        self.t.write_u32(regs::CTRLMODE, saved & !regs::AUTO_MD)?;
        // The boot ROM leaves the part in quad continuous-read mode: 16
        // clocks of 1s on all four lines end it.
        self.t.write_u32(regs::CTRLBUS, regs::SET_QUAD)?;
        self.transaction(&[cmd::BREAK, cmd::BREAK])?;
        self.t.write_u32(regs::CTRLBUS, regs::SET_SINGLE)?;
        self.t
            .write_u32(regs::CTRLMODE, (saved & !regs::AUTO_MD) | regs::IO23_HIGH)?;
        self.transaction(&[cmd::BREAK, cmd::BREAK])?;
        self.transaction(&[cmd::RESET_ENABLE])?;
        self.transaction(&[cmd::RESET])?;
        self.transaction(&[cmd::RELEASE_POWER_DOWN])?;
        self.wait_idle("reset", 0, self.timeouts.page)
    }

    fn leave(&mut self, saved: u32) -> Result<(), FlashError> {
        self.t.write_u32(regs::CTRLBUS, regs::DIS_CS)?;
        self.t.write_u32(regs::CTRLBUS, regs::SET_QUAD)?;
        self.t.write_u32(regs::CTRLMODE, saved)?;
        Ok(())
    }

    fn select(&mut self) -> Result<(), ProbeError> {
        self.t.write_u32(regs::CTRLBUS, regs::EN_CS)
    }

    fn deselect(&mut self) -> Result<(), ProbeError> {
        self.t.write_u32(regs::CTRLBUS, regs::DIS_CS)
    }

    /// Send bytes: whole words as 32-bit writes, the rest as byte writes.
    fn send(&mut self, bytes: &[u8]) -> Result<(), ProbeError> {
        let mut words = bytes.chunks_exact(4);
        for w in &mut words {
            self.t.write_u32(
                regs::WRITEDATA,
                u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
            )?;
        }
        for &b in words.remainder() {
            self.t.write_u8(regs::WRITEDATA, b)?;
        }
        Ok(())
    }

    fn transaction(&mut self, bytes: &[u8]) -> Result<(), ProbeError> {
        self.select()?;
        self.send(bytes)?;
        self.deselect()
    }

    fn jedec_id(&mut self) -> Result<JedecId, FlashError> {
        self.select()?;
        self.send(&[cmd::READ_JEDEC_ID])?;
        let mut id = [0u8; 3];
        for b in &mut id {
            *b = self.t.read_u8(regs::READDATA)?;
        }
        self.deselect()?;
        Ok(JedecId {
            manufacturer: id[0],
            memory_type: id[1],
            density: id[2],
        })
    }

    /// Poll status register 1 (one transaction, repeated reads) until WIP clears.
    fn wait_idle(
        &mut self,
        op: &'static str,
        offset: u32,
        limit: Duration,
    ) -> Result<(), FlashError> {
        let start = Instant::now();
        self.select()?;
        self.send(&[cmd::READ_STATUS])?;
        loop {
            let status = self.t.read_u8(regs::READDATA)?;
            if status & cmd::STATUS_WIP == 0 {
                break;
            }
            if start.elapsed() > limit {
                self.deselect()?;
                return Err(FlashError::Busy {
                    op,
                    offset,
                    after: start.elapsed(),
                });
            }
        }
        self.deselect()?;
        Ok(())
    }

    fn erase_sector(&mut self, offset: u32) -> Result<(), FlashError> {
        self.transaction(&[cmd::WRITE_ENABLE])?;
        let a = offset.to_be_bytes();
        self.transaction(&[cmd::SECTOR_ERASE, a[1], a[2], a[3]])?;
        self.wait_idle("sector erase", offset, self.timeouts.sector)
    }

    fn program_page(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashError> {
        self.transaction(&[cmd::WRITE_ENABLE])?;
        let a = offset.to_be_bytes();
        let mut bytes = Vec::with_capacity(4 + data.len());
        bytes.extend_from_slice(&[cmd::PAGE_PROGRAM, a[1], a[2], a[3]]);
        bytes.extend_from_slice(data);
        self.transaction(&bytes)?;
        self.wait_idle("page program", offset, self.timeouts.page)
    }

    fn erase_chip(&mut self) -> Result<(), FlashError> {
        self.transaction(&[cmd::WRITE_ENABLE])?;
        self.transaction(&[cmd::CHIP_ERASE])?;
        self.wait_idle("chip erase", 0, self.timeouts.chip)
    }
}
