//! A QSPI NOR flash part, seen one byte at a time as the QSPI controller
//! clocks it (chip select, bytes out, bytes in).
//!
//! Modelled, with the command set the DA1469x boot ROM, Zephyr's
//! `flash_smartbond.c`, hal `da1469x_qspic.c` and ezFlashCLI use:
//! * identification: `9F` JEDEC ID, `AB` release from deep power-down (and
//!   device ID), `B9` deep power-down (then everything but `AB` is ignored);
//! * status: `05`/`35`/`15` read status registers 1–3 (WIP bit 0, WEL bit 1),
//!   `01` write status (1–3 bytes), `31`/`11` write status 2/3, `50` volatile
//!   write enable; the quad-enable bit is where the vendor puts it
//!   ([`NorFlash::quad_enabled`]: bit 6 of SR1 on Macronix, bit 1 of SR2
//!   elsewhere);
//! * `06`/`04` write enable/disable; program and erase need WEL and clear it;
//! * `02`/`32` page program: bits only go from 1 to 0, and data past the end
//!   of the 256-byte page wraps to its start, as on real parts;
//! * `20` 4 KiB sector, `52` 32 KiB block, `D8` 64 KiB block, `60`/`C7` chip
//!   erase, each busy (WIP) for a typical time ([`timing`]); while busy only
//!   status reads are obeyed;
//! * reads `03`, `0B`, `3B`, `6B`, `BB`, `EB` (address, then data; dummy
//!   bytes are whatever the controller clocks), continuous-read mode after
//!   `EB` with a mode byte whose bits 5:4 are `10` (`xA5`, `x20`), left by a
//!   transaction whose first byte is `FF` (the `FF FF` exit ezFlashCLI and
//!   Zephyr send);
//! * `66` + `99` reset.
//!
//! Contents live in a `Vec<u8>` (erased = 0xFF) that can be loaded from and
//! saved to a file. Anything the part would ignore or not understand is
//! noted in [`NorFlash::notes`] for the machine to report.

use std::path::Path;

use mb4_periph::time::Instant;

/// Page size for programming.
pub const PAGE: usize = 256;

/// Typical busy times (Winbond W25Q-class 1.8 V datasheet values; inferred
/// to be of the right order for any part the table lists).
pub mod timing {
    use mb4_periph::time::Instant;
    /// Page program.
    pub const PAGE_PROGRAM: Instant = Instant::from_micros(400);
    /// 4 KiB sector erase.
    pub const SECTOR_ERASE: Instant = Instant::from_millis(45);
    /// 32 KiB block erase.
    pub const BLOCK32_ERASE: Instant = Instant::from_millis(120);
    /// 64 KiB block erase.
    pub const BLOCK64_ERASE: Instant = Instant::from_millis(150);
    /// Chip erase (per MiB; a 16 MiB part takes 16 × this).
    pub const CHIP_ERASE_PER_MIB: Instant = Instant::from_millis(2_500);
    /// Non-volatile status register write.
    pub const WRITE_STATUS: Instant = Instant::from_millis(10);
}

/// Why loading or saving the backing file failed.
#[derive(Debug, thiserror::Error)]
pub enum FlashFileError {
    /// The file is larger than the part.
    #[error("{path}: {len} bytes do not fit a {size}-byte flash")]
    TooLarge {
        /// File name.
        path: String,
        /// File length.
        len: usize,
        /// Flash size.
        size: usize,
    },
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// File name.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// CS high.
    Idle,
    /// CS low; the transaction's bytes so far are in `bytes`.
    Selected,
}

/// A NOR flash part.
#[derive(Debug, Clone)]
pub struct NorFlash {
    data: Vec<u8>,
    jedec: [u8; 3],
    sr: [u8; 3],
    wel: bool,
    busy_until: Option<Instant>,
    powered_down: bool,
    continuous: bool,
    reset_enabled: bool,
    phase: Phase,
    /// Bytes written in the current transaction (dummies included).
    bytes: Vec<u8>,
    /// Bytes read in the current transaction.
    nread: usize,
    /// First byte of this transaction was an address (continuous mode).
    txn_continuous: bool,
    /// Bytes changed by program or erase since the last [`NorFlash::take_dirty`].
    dirty: Option<(usize, usize)>,
    /// What the part ignored or did not understand, for the machine to report.
    pub notes: Vec<String>,
}

impl NorFlash {
    /// An erased part of `size` bytes answering `jedec` to command 9F.
    pub fn new(jedec: [u8; 3], size: usize) -> NorFlash {
        NorFlash {
            data: vec![0xFF; size],
            jedec,
            sr: [0; 3],
            wel: false,
            busy_until: None,
            powered_down: false,
            continuous: false,
            reset_enabled: false,
            phase: Phase::Idle,
            bytes: Vec::new(),
            nread: 0,
            txn_continuous: false,
            dirty: None,
            notes: Vec::new(),
        }
    }

    /// The part from the flash-part table (`mb4-da1469x`), erased.
    pub fn from_part(part: &mb4_da1469x::flash::FlashPart) -> NorFlash {
        let j = part.jedec;
        NorFlash::new(
            [j.manufacturer, j.memory_type, j.density],
            part.size as usize,
        )
    }

    /// Contents.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Contents, for loaders and debuggers (not a bus path: no timing, no rules).
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Size in bytes.
    pub fn size(&self) -> usize {
        self.data.len()
    }

    /// JEDEC ID.
    pub fn jedec(&self) -> [u8; 3] {
        self.jedec
    }

    /// Copy `bytes` in at `offset` (the rest stays as it is).
    pub fn load(&mut self, offset: usize, bytes: &[u8]) -> Result<(), FlashFileError> {
        let end = offset
            .checked_add(bytes.len())
            .filter(|e| *e <= self.data.len());
        let Some(end) = end else {
            return Err(FlashFileError::TooLarge {
                path: "<image>".into(),
                len: offset.saturating_add(bytes.len()),
                size: self.data.len(),
            });
        };
        self.data[offset..end].copy_from_slice(bytes);
        Ok(())
    }

    /// Load the contents from a file (shorter files leave the rest erased).
    pub fn load_file(&mut self, path: &Path) -> Result<(), FlashFileError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| FlashFileError::Io {
            path: name.clone(),
            source,
        })?;
        if bytes.len() > self.data.len() {
            return Err(FlashFileError::TooLarge {
                path: name,
                len: bytes.len(),
                size: self.data.len(),
            });
        }
        self.data.fill(0xFF);
        self.data[..bytes.len()].copy_from_slice(&bytes);
        Ok(())
    }

    /// Save the whole contents to a file.
    pub fn save_file(&self, path: &Path) -> Result<(), FlashFileError> {
        std::fs::write(path, &self.data).map_err(|source| FlashFileError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Whether the quad-enable bit is set (Macronix: SR1 bit 6; others: SR2 bit 1).
    pub fn quad_enabled(&self) -> bool {
        if self.jedec[0] == 0xC2 {
            self.sr[0] & 0x40 != 0
        } else {
            self.sr[1] & 0x02 != 0
        }
    }

    /// Whether a program, erase or status write is under way at `now`.
    pub fn busy(&self, now: Instant) -> bool {
        self.busy_until.is_some_and(|t| now < t)
    }

    /// When the current operation ends.
    pub fn busy_until(&self) -> Option<Instant> {
        self.busy_until
    }

    /// The SoC's clock restarts from zero (a chip reset) while the flash,
    /// powered on its own, goes on: an erase still running at `now` on the old
    /// clock finishes at the same moment on the new one.
    pub fn restart_clock(&mut self, now: Instant) {
        self.busy_until = self
            .busy_until
            .and_then(|t| t.0.checked_sub(now.0))
            .filter(|&left| left > 0)
            .map(Instant);
    }

    /// Whether the part is in deep power-down.
    pub fn powered_down(&self) -> bool {
        self.powered_down
    }

    /// Whether the part is in continuous-read mode (the next transaction starts with an address).
    pub fn continuous(&self) -> bool {
        self.continuous
    }

    /// Put the part in (or out of) continuous-read mode, as an execute-in-place
    /// burst with a continuous mode byte does.
    pub fn set_continuous(&mut self, on: bool) {
        self.continuous = on;
    }

    /// The range of offsets program or erase changed since the last call.
    pub fn take_dirty(&mut self) -> Option<(usize, usize)> {
        self.dirty.take()
    }

    fn mark(&mut self, start: usize, end: usize) {
        self.dirty = Some(match self.dirty {
            Some((a, b)) => (a.min(start), b.max(end)),
            None => (start, end),
        });
    }

    /// Status register 1 as read at `now`.
    fn sr1(&self, now: Instant) -> u8 {
        (self.sr[0] & !0x03) | u8::from(self.busy(now)) | u8::from(self.wel) << 1
    }

    /// CS goes low.
    pub fn select(&mut self, now: Instant) {
        let _ = now;
        if self.phase == Phase::Selected {
            return;
        }
        self.phase = Phase::Selected;
        self.bytes.clear();
        self.nread = 0;
        self.txn_continuous = self.continuous;
    }

    /// A byte from the controller (command, address, data or dummy).
    pub fn write_byte(&mut self, b: u8, now: Instant) {
        let _ = now;
        if self.phase != Phase::Selected {
            self.notes.push(format!(
                "byte {b:#04x} clocked while chip select is high: ignored"
            ));
            return;
        }
        self.bytes.push(b);
    }

    fn address(&self, from: usize) -> usize {
        let b = &self.bytes;
        let a = |i: usize| usize::from(b.get(from + i).copied().unwrap_or(0));
        (a(0) << 16 | a(1) << 8 | a(2)) % self.data.len().max(1)
    }

    /// A byte to the controller.
    pub fn read_byte(&mut self, now: Instant) -> u8 {
        if self.phase != Phase::Selected {
            self.notes
                .push("byte read while chip select is high: reads 0xFF".into());
            return 0xFF;
        }
        let n = self.nread;
        self.nread += 1;
        if self.powered_down {
            return 0xFF;
        }
        if self.txn_continuous {
            return self.data[(self.address(0) + n) % self.data.len()];
        }
        let Some(&op) = self.bytes.first() else {
            self.notes
                .push("read before any command byte: reads 0xFF".into());
            return 0xFF;
        };
        if self.busy(now) && !matches!(op, 0x05 | 0x35 | 0x15) {
            return 0xFF;
        }
        match op {
            0x9F => self.jedec[n % 3],
            0x05 => self.sr1(now),
            0x35 => self.sr[1],
            0x15 => self.sr[2],
            0xAB => self.jedec[2].wrapping_sub(1),
            0x03 | 0x0B | 0x3B | 0x6B | 0xBB | 0xEB => {
                self.data[(self.address(1) + n) % self.data.len()]
            }
            _ => {
                self.notes
                    .push(format!("read after unknown command {op:#04x}: reads 0xFF"));
                0xFF
            }
        }
    }

    /// CS goes high: commands that act at the end of their transaction act now.
    pub fn deselect(&mut self, now: Instant) {
        if self.phase != Phase::Selected {
            return;
        }
        self.phase = Phase::Idle;
        let bytes = std::mem::take(&mut self.bytes);
        if self.txn_continuous {
            // The first byte is an address. FF FF (mode bits not 10) ends the mode.
            if bytes.first() == Some(&0xFF) || bytes.len() >= 4 && bytes[3] & 0x30 != 0x20 {
                self.continuous = false;
            }
            return;
        }
        let Some(&op) = bytes.first() else {
            return;
        };
        if self.powered_down {
            if op == 0xAB {
                self.powered_down = false;
            } else {
                self.notes.push(format!(
                    "command {op:#04x} ignored: the part is in deep power-down"
                ));
            }
            return;
        }
        if self.busy(now) && !matches!(op, 0x05 | 0x35 | 0x15 | 0x75 | 0xB0 | 0x66 | 0x99) {
            self.notes
                .push(format!("command {op:#04x} ignored: the part is busy"));
            return;
        }
        let reset_enabled = std::mem::take(&mut self.reset_enabled);
        match op {
            0x06 => self.wel = true,
            0x04 => self.wel = false,
            0x50 => self.wel = true,
            0x01 | 0x31 | 0x11 => {
                if !self.need_wel(op) {
                    return;
                }
                let first = match op {
                    0x01 => 0,
                    0x31 => 1,
                    _ => 2,
                };
                for (i, v) in bytes[1..].iter().take(3 - first).enumerate() {
                    // WIP and WEL are not writable.
                    let keep = if first + i == 0 { 0x03 } else { 0 };
                    self.sr[first + i] = (self.sr[first + i] & keep) | (v & !keep);
                }
                self.start(now, timing::WRITE_STATUS.0);
            }
            0x02 | 0x32 => {
                if !self.need_wel(op) {
                    return;
                }
                let addr = self.address_of(&bytes, 1);
                let base = addr & !(PAGE - 1);
                for (i, b) in bytes.iter().skip(4).enumerate() {
                    let a = base + (addr % PAGE + i) % PAGE;
                    self.data[a] &= b;
                }
                self.mark(base, base + PAGE);
                self.start(now, timing::PAGE_PROGRAM.0);
            }
            0x20 | 0x52 | 0xD8 => {
                if !self.need_wel(op) {
                    return;
                }
                let (len, t) = match op {
                    0x20 => (4 << 10, timing::SECTOR_ERASE),
                    0x52 => (32 << 10, timing::BLOCK32_ERASE),
                    _ => (64 << 10, timing::BLOCK64_ERASE),
                };
                let base = self.address_of(&bytes, 1) & !(len - 1);
                let end = (base + len).min(self.data.len());
                self.data[base..end].fill(0xFF);
                self.mark(base, end);
                self.start(now, t.0);
            }
            0x60 | 0xC7 => {
                if !self.need_wel(op) {
                    return;
                }
                self.data.fill(0xFF);
                self.mark(0, self.data.len());
                let mib = (self.data.len() as u64).div_ceil(1 << 20);
                self.start(now, timing::CHIP_ERASE_PER_MIB.0 * mib);
            }
            0xB9 => self.powered_down = true,
            0xAB => {}
            0x66 => self.reset_enabled = true,
            0x99 => {
                if reset_enabled {
                    self.wel = false;
                    self.continuous = false;
                    self.busy_until = None;
                } else {
                    self.notes
                        .push("reset (99) without reset enable (66): ignored".into());
                }
            }
            0xEB => {
                if bytes.len() >= 5 && bytes[4] & 0x30 == 0x20 {
                    self.continuous = true;
                }
            }
            0xFF => {}
            0x9F | 0x05 | 0x35 | 0x15 | 0x03 | 0x0B | 0x3B | 0x6B | 0xBB => {}
            _ => self.notes.push(format!(
                "unknown flash command {op:#04x} ({} bytes): ignored",
                bytes.len()
            )),
        }
    }

    fn address_of(&self, bytes: &[u8], from: usize) -> usize {
        let a = |i: usize| usize::from(bytes.get(from + i).copied().unwrap_or(0));
        (a(0) << 16 | a(1) << 8 | a(2)) % self.data.len().max(1)
    }

    fn need_wel(&mut self, op: u8) -> bool {
        if !self.wel {
            self.notes.push(format!(
                "command {op:#04x} ignored: write enable (06) was not sent"
            ));
        }
        self.wel
    }

    fn start(&mut self, now: Instant, ps: u64) {
        self.wel = false;
        self.busy_until = Some(Instant(now.0 + ps));
    }

    /// Back to power-on state (contents kept).
    pub fn reset(&mut self) {
        let data = std::mem::take(&mut self.data);
        let sr_nv = [self.sr[0] & !0x03, self.sr[1], self.sr[2]];
        *self = NorFlash::new(self.jedec, 0);
        self.data = data;
        self.sr = sr_nv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Instant = Instant::ZERO;

    fn cmd(f: &mut NorFlash, bytes: &[u8], now: Instant) {
        f.select(now);
        for b in bytes {
            f.write_byte(*b, now);
        }
        f.deselect(now);
    }

    fn query(f: &mut NorFlash, bytes: &[u8], n: usize, now: Instant) -> Vec<u8> {
        f.select(now);
        for b in bytes {
            f.write_byte(*b, now);
        }
        let out = (0..n).map(|_| f.read_byte(now)).collect();
        f.deselect(now);
        out
    }

    fn w25q128() -> NorFlash {
        NorFlash::new([0xEF, 0x60, 0x18], 16 << 20)
    }

    #[test]
    fn jedec_id_and_status() {
        let mut f = w25q128();
        assert_eq!(query(&mut f, &[0x9F], 3, T0), [0xEF, 0x60, 0x18]);
        assert_eq!(query(&mut f, &[0x05], 1, T0), [0]);
        cmd(&mut f, &[0x06], T0);
        assert_eq!(
            query(&mut f, &[0x05], 2, T0),
            [2, 2],
            "WEL, read repeatedly"
        );
    }

    #[test]
    fn program_only_clears_bits_and_wraps_in_the_page() {
        let mut f = w25q128();
        cmd(&mut f, &[0x06], T0);
        // 4 bytes at 0x10_00FE: two at the page end, two wrap to 0x10_0000.
        cmd(
            &mut f,
            &[0x02, 0x10, 0x00, 0xFE, 0x11, 0x22, 0x33, 0x44],
            T0,
        );
        assert!(f.busy(T0));
        assert_eq!(query(&mut f, &[0x05], 1, T0)[0] & 1, 1, "WIP");
        let t = f.busy_until().unwrap();
        assert_eq!(t, timing::PAGE_PROGRAM);
        assert_eq!(query(&mut f, &[0x05], 1, t), [0], "done, WEL cleared");
        assert_eq!(f.data()[0x10_00FE..0x10_0100], [0x11, 0x22]);
        assert_eq!(f.data()[0x10_0000..0x10_0002], [0x33, 0x44]);
        cmd(&mut f, &[0x06], t);
        cmd(&mut f, &[0x02, 0x10, 0x00, 0xFE, 0xF0], t);
        assert_eq!(f.data()[0x10_00FE], 0x10, "1→0 only");
        // Program without WREN is ignored and noted.
        let t2 = f.busy_until().unwrap();
        f.notes.clear();
        cmd(&mut f, &[0x02, 0, 0, 0, 0x00], t2);
        assert_eq!(f.data()[0], 0xFF);
        assert_eq!(f.notes.len(), 1);
    }

    #[test]
    fn erase_sizes_and_busy() {
        let mut f = w25q128();
        f.data_mut().fill(0);
        cmd(&mut f, &[0x06], T0);
        cmd(&mut f, &[0x20, 0x00, 0x12, 0x34], T0);
        assert_eq!(f.data()[0x0FFF], 0);
        assert!(f.data()[0x1000..0x2000].iter().all(|b| *b == 0xFF));
        assert_eq!(f.data()[0x2000], 0);
        // While busy, a write enable is ignored.
        cmd(&mut f, &[0x06], Instant::from_millis(1));
        assert_eq!(query(&mut f, &[0x05], 1, Instant::from_millis(1)), [1]);
        let t = Instant::from_millis(45);
        cmd(&mut f, &[0x06], t);
        cmd(&mut f, &[0xD8, 0x01, 0x80, 0x00], t);
        assert!(f.data()[0x1_0000..0x2_0000].iter().all(|b| *b == 0xFF));
        assert_eq!(f.busy_until(), Some(Instant(t.0 + timing::BLOCK64_ERASE.0)));
    }

    #[test]
    fn reads_and_continuous_mode() {
        let mut f = w25q128();
        f.load(0x2000, b"Qq hello").unwrap();
        assert_eq!(query(&mut f, &[0x03, 0x00, 0x20, 0x00], 2, T0), b"Qq");
        assert_eq!(
            query(&mut f, &[0x0B, 0x00, 0x20, 0x03, 0x00], 5, T0),
            b"hello"
        );
        // EB with mode byte A5 → continuous; next transaction starts with an address.
        assert_eq!(
            query(&mut f, &[0xEB, 0x00, 0x20, 0x00, 0xA5, 0, 0], 1, T0),
            b"Q"
        );
        assert!(f.continuous());
        assert_eq!(query(&mut f, &[0x00, 0x20, 0x01, 0xA5, 0, 0], 1, T0), b"q");
        // The FF FF exit.
        cmd(&mut f, &[0xFF, 0xFF], T0);
        assert!(!f.continuous());
        assert_eq!(query(&mut f, &[0x9F], 1, T0), [0xEF]);
    }

    #[test]
    fn quad_enable_bit_per_vendor_and_power_down() {
        let mut w = w25q128();
        cmd(&mut w, &[0x06], T0);
        cmd(&mut w, &[0x31, 0x02], T0);
        assert!(w.quad_enabled());
        let mut m = NorFlash::new([0xC2, 0x25, 0x36], 4 << 20);
        cmd(&mut m, &[0x06], T0);
        cmd(&mut m, &[0x01, 0x40], T0);
        assert!(m.quad_enabled());
        let t = m.busy_until().unwrap();
        cmd(&mut m, &[0xB9], t);
        assert_eq!(query(&mut m, &[0x9F], 1, t), [0xFF]);
        cmd(&mut m, &[0xAB], t);
        assert_eq!(query(&mut m, &[0x9F], 1, t), [0xC2]);
    }

    #[test]
    fn file_round_trip() {
        let dir = std::env::temp_dir().join(format!("mb4-soc-flash-{}", std::process::id()));
        let mut f = NorFlash::new([0xEF, 0x60, 0x14], 1 << 20);
        f.load(0, b"Pp").unwrap();
        f.save_file(&dir).unwrap();
        let mut g = NorFlash::new([0xEF, 0x60, 0x14], 1 << 20);
        g.load_file(&dir).unwrap();
        assert_eq!(g.data(), f.data());
        let mut small = NorFlash::new([0xEF, 0x60, 0x10], 4096);
        assert!(matches!(
            small.load_file(&dir),
            Err(FlashFileError::TooLarge { .. })
        ));
        std::fs::remove_file(&dir).unwrap();
    }
}
