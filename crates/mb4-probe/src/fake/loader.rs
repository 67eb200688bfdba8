//! [`FakeLoaderChip`]: a [`FakeChip`] whose core "runs" the flash loader.
//!
//! The fake chip runs no code, so the loader's side of the protocol
//! (`band/loader/src/main.rs`) is done here in Rust: resuming at the
//! built-in loader's entry carries out the call block's operation on the
//! fake NOR (per sector of a write list: skip if equal, else erase, program,
//! read back), writes the answer into the block and stops, as at the
//! loader's closing `BKPT`. Faults the loader's own read-back cannot see
//! can be injected ([`LoaderFault`]), to test the host's end-to-end check.
//! The real loader on an emulated core is tested in `mb4-cli`'s
//! `tests/loader.rs`.

use std::time::Duration;

use super::chip::FakeChip;
use super::nor::{PAGE, SECTOR};
use crate::loader::{BUILTIN, Header, op};
use crate::{ProbeError, Registers, StopReason, Target};

/// Something that goes wrong on the chip while the loader works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoaderFault {
    /// Nothing: a faithful loader on a faithful flash.
    None,
    /// Once a write list has been written and read back, bit 0 of the
    /// flash byte at `offset` flips (a cell that does not hold, another bus
    /// master writing): the loader has already verified the sector.
    FlipAfterWrite {
        /// Flash offset of the byte.
        offset: u32,
    },
    /// `CRC32` answers the flash's CRC-32 with bit 0 flipped.
    WrongCrc,
}

/// A [`FakeChip`] with a stand-in for the loader (see the module text).
#[derive(Debug, Clone)]
pub struct FakeLoaderChip {
    /// The chip: SysRAM (where the loader and its buffer go), the NOR.
    pub chip: FakeChip,
    /// What goes wrong.
    pub fault: LoaderFault,
    /// Operation numbers of the calls done, in order.
    pub calls: Vec<u32>,
    header: Header,
    /// A call ran at the last resume: the next wait sees the `BKPT`.
    stopped: bool,
}

/// Loader status codes (`band/loader/src/main.rs`, `mod status`).
const OK: u32 = 0;
const BAD_OP: u32 = 1;
const UNALIGNED: u32 = 2;
const VERIFY: u32 = 4;

impl FakeLoaderChip {
    /// `chip`, answering the built-in loader's calls.
    pub fn new(chip: FakeChip) -> FakeLoaderChip {
        FakeLoaderChip {
            chip,
            fault: LoaderFault::None,
            calls: Vec::new(),
            header: Header::parse(BUILTIN).expect("the built-in loader's header is sound"),
            stopped: false,
        }
    }

    fn ram(&mut self, addr: u32, len: usize) -> Result<Vec<u8>, ProbeError> {
        let mut buf = vec![0u8; len];
        self.chip.read_memory(addr, &mut buf)?;
        Ok(buf)
    }

    /// Carry out the call block's operation and answer in it.
    fn call(&mut self) -> Result<(), ProbeError> {
        let at = self.header.call_block;
        let block = self.ram(at, 64)?;
        let mut w: Vec<u32> = block
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let (opcode, args) = (w[0], [w[1], w[2], w[3]]);
        self.calls.push(opcode);
        w[5..11].fill(0);
        let size = self.chip.nor.data.len();
        let sectors = |offset: u32, len: u32| {
            let (o, l) = (offset as usize, len as usize);
            (o.is_multiple_of(SECTOR) && l.is_multiple_of(SECTOR) && o + l <= size)
                .then_some(o..o + l)
        };
        w[4] = match opcode {
            op::JEDEC_ID => {
                let j = self.chip.nor.jedec;
                w[10] = u32::from_le_bytes([j[0], j[1], j[2], 0]);
                OK
            }
            op::WRITE_LIST => self.write_list(args[0], args[1], &mut w)?,
            op::ERASE => match sectors(args[0], args[1]) {
                Some(r) => {
                    self.chip.nor.data[r].fill(0xFF);
                    OK
                }
                None => UNALIGNED,
            },
            op::ERASE_CHIP => {
                self.chip.nor.data.fill(0xFF);
                OK
            }
            op::CRC32 => match self
                .chip
                .nor
                .data
                .get(args[0] as usize..)
                .and_then(|d| d.get(..args[1] as usize))
            {
                Some(d) => {
                    let crc = mb4_image::crc::crc32(d);
                    w[10] = if self.fault == LoaderFault::WrongCrc {
                        crc ^ 1
                    } else {
                        crc
                    };
                    OK
                }
                None => UNALIGNED,
            },
            op::PROGRAM => {
                let data = self.ram(args[1], args[2] as usize)?;
                let start = args[0] as usize;
                match self.chip.nor.data.get_mut(start..start + data.len()) {
                    Some(dst) => {
                        dst.iter_mut().zip(&data).for_each(|(d, s)| *d &= s);
                        w[7] = args[2];
                        OK
                    }
                    None => UNALIGNED,
                }
            }
            _ => BAD_OP,
        };
        let bytes: Vec<u8> = w.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.chip.write_memory(at, &bytes)
    }

    /// `WRITE_LIST`: the status; counts go into the block words `w`.
    fn write_list(&mut self, table: u32, entries: u32, w: &mut [u32]) -> Result<u32, ProbeError> {
        for i in 0..entries {
            let e = self.ram(table + 12 * i, 12)?;
            let word =
                |k: usize| u32::from_le_bytes([e[4 * k], e[4 * k + 1], e[4 * k + 2], e[4 * k + 3]]);
            let (offset, src, len) = (word(0) as usize, word(1), word(2) as usize);
            if !offset.is_multiple_of(SECTOR)
                || !len.is_multiple_of(SECTOR)
                || offset + len > self.chip.nor.data.len()
            {
                return Ok(UNALIGNED);
            }
            for s in (0..len).step_by(SECTOR) {
                let want = self.ram(src + s as u32, SECTOR)?;
                let flash = &mut self.chip.nor.data[offset + s..offset + s + SECTOR];
                if *flash == want[..] {
                    w[6] += 1;
                    continue;
                }
                flash.fill(0xFF);
                self.chip.nor.erases += 1;
                for (p, page) in want.chunks_exact(PAGE).enumerate() {
                    if page.iter().any(|&b| b != 0xFF) {
                        let at = offset + s + p * PAGE;
                        self.chip.nor.data[at..at + PAGE].copy_from_slice(page);
                        self.chip.nor.programs += 1;
                        w[7] += PAGE as u32;
                    }
                }
                // Read back, as the loader does (always equal here).
                if self.chip.nor.data[offset + s..offset + s + SECTOR] != want[..] {
                    return Ok(VERIFY);
                }
                w[5] += 1;
            }
        }
        if let LoaderFault::FlipAfterWrite { offset } = self.fault {
            self.chip.nor.data[offset as usize] ^= 1;
        }
        Ok(OK)
    }
}

impl Target for FakeLoaderChip {
    fn describe(&self) -> String {
        "fake DA1469x with a loader stand-in".into()
    }

    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        self.chip.read_memory(addr, buf)
    }

    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        self.chip.write_memory(addr, data)
    }

    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        self.stopped = false;
        self.chip.halt()
    }

    fn resume(&mut self) -> Result<(), ProbeError> {
        if self.chip.halted() && self.chip.registers().pc() == self.header.entry & !1 {
            self.call()?;
            self.stopped = true;
            return Ok(());
        }
        self.chip.resume()
    }

    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        if std::mem::take(&mut self.stopped) {
            return Ok(StopReason::Signal(5));
        }
        self.chip.wait_for_halt(limit)
    }

    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        self.stopped = false;
        self.chip.reset(halt)
    }

    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        self.chip.read_registers()
    }

    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        self.chip.write_register(n, value)
    }
}
