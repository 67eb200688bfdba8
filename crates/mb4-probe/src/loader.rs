//! The RAM-resident flash loader (`band/loader`), driven from the host.
//!
//! [`QspiFlash`] costs a probe round trip per QSPI controller access: about
//! eight wire bytes and a third of a packet per byte flashed. The loader
//! turns that around: the host writes the data into SysRAM in bulk (GDB `X`
//! packets, about one wire byte per byte), fills in a 16-word call block,
//! points the PC at the loader's entry and lets the core run; the loader
//! erases, programs and verifies on the chip and stops on a `BKPT`. A plan
//! that fits in the buffer (496 KiB) runs as *one* call: once it has
//! started, a cut link cannot stop it half way.
//!
//! The protocol mirrors `band/loader/src/main.rs` (which documents each
//! operation); the header's version word must match [`VERSION`].

use std::time::Duration;

use mb4_da1469x::flash::JedecId;

use crate::qspi::{FlashAccess, FlashError, QspiFlash, SECTOR};
use crate::write::{Step, WriteStats};
use crate::{ProbeError, StopReason, Target};

/// The loader built from `band/loader` (refresh with `band/loader/refresh`).
pub const BUILTIN: &[u8] = include_bytes!("../loader/mb4-loader.bin");

/// Where the loader is linked: the start of SysRAM.
pub const LOAD_ADDRESS: u32 = 0x2000_0000;

/// The built-in loader's buffer size (its header says so too; a test checks).
pub const BUFFER_SIZE: u32 = 496 << 10;

/// `"MB4L"`, the header's first word.
const MAGIC: u32 = 0x4C34_424D;

/// The protocol this host speaks.
pub const VERSION: u32 = 1;

/// What the host writes into `status` before a call: a block still saying
/// this afterwards was never answered.
const RUNNING: u32 = 0xFFFF_FFFF;

/// Operation numbers (see `band/loader/src/main.rs`).
pub(crate) mod op {
    pub const JEDEC_ID: u32 = 1;
    pub const WRITE_LIST: u32 = 2;
    pub const ERASE: u32 = 3;
    pub const ERASE_CHIP: u32 = 4;
    pub const CRC32: u32 = 5;
    pub const PROGRAM: u32 = 6;
}

/// The loader's header: where its parts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Thumb address of the entry.
    pub entry: u32,
    /// The 16-word call block.
    pub call_block: u32,
    /// The data buffer.
    pub buffer: u32,
    /// Its size in bytes.
    pub buffer_size: u32,
    /// Bytes of the image to load.
    pub image_size: u32,
}

impl Header {
    /// Read and check the header of a loader image linked at [`LOAD_ADDRESS`].
    pub fn parse(image: &[u8]) -> Result<Header, FlashError> {
        let bad = |why: String| FlashError::Loader(format!("the loader image is unusable: {why}"));
        if image.len() < 32 {
            return Err(bad(format!(
                "{} bytes, too short for its header",
                image.len()
            )));
        }
        let w = |i: usize| {
            u32::from_le_bytes([
                image[4 * i],
                image[4 * i + 1],
                image[4 * i + 2],
                image[4 * i + 3],
            ])
        };
        if w(0) != MAGIC {
            return Err(bad(format!("no \"MB4L\" magic (found {:#010x})", w(0))));
        }
        if w(1) != VERSION {
            return Err(bad(format!(
                "protocol version {}, this mb4 speaks {VERSION}",
                w(1)
            )));
        }
        let h = Header {
            entry: w(2),
            call_block: w(3),
            buffer: w(4),
            buffer_size: w(5),
            image_size: w(6),
        };
        let ram = LOAD_ADDRESS..LOAD_ADDRESS + (512 << 10);
        let inside = |a: u32, len: u32| {
            ram.contains(&a) && u64::from(a) + u64::from(len) <= u64::from(ram.end)
        };
        if h.image_size as usize > image.len() || h.image_size < 32 || h.image_size > 64 << 10 {
            return Err(bad(format!(
                "it says it has {} bytes but holds {}",
                h.image_size,
                image.len()
            )));
        }
        let image_end = LOAD_ADDRESS + h.image_size;
        if h.entry & 1 == 0 || !(LOAD_ADDRESS..image_end).contains(&(h.entry & !1)) {
            return Err(bad(format!(
                "entry {:#010x} is not Thumb code inside the image",
                h.entry
            )));
        }
        if !inside(h.call_block, 64) || h.call_block < image_end || !h.call_block.is_multiple_of(4)
        {
            return Err(bad(format!(
                "call block {:#010x} is not free SysRAM",
                h.call_block
            )));
        }
        if !inside(h.buffer, h.buffer_size) || h.buffer < image_end || h.buffer_size < SECTOR + 64 {
            return Err(bad(format!(
                "buffer {:#010x} + {:#x} is not free SysRAM",
                h.buffer, h.buffer_size
            )));
        }
        Ok(h)
    }
}

/// The outcome block of one call.
#[derive(Debug, Clone, Copy, Default)]
struct Answer {
    written: u32,
    skipped: u32,
    programmed: u32,
    value: u32,
}

/// The flash through the loader; reads still go through the memory window.
#[derive(Debug)]
pub struct LoaderFlash<T: Target> {
    qspi: QspiFlash<T>,
    header: Header,
    /// Time allowed per sector erase in a call (plus a fixed allowance).
    pub per_sector: Duration,
}

impl<T: Target> LoaderFlash<T> {
    /// Load the built-in loader into the (halted) chip's SysRAM.
    pub fn load(qspi: QspiFlash<T>) -> Result<LoaderFlash<T>, FlashError> {
        Self::load_image(qspi, BUILTIN)
    }

    /// Load `image` (a raw loader image, e.g. a fresh `band/loader` build).
    pub fn load_image(mut qspi: QspiFlash<T>, image: &[u8]) -> Result<LoaderFlash<T>, FlashError> {
        let header = Header::parse(image)?;
        let t = qspi.target_mut();
        t.write_memory(LOAD_ADDRESS, &image[..header.image_size as usize])?;
        let mut back = vec![0u8; header.image_size as usize];
        t.read_memory(LOAD_ADDRESS, &mut back)?;
        if back != image[..header.image_size as usize] {
            return Err(FlashError::Loader(format!(
                "the loader did not arrive intact in SysRAM at {LOAD_ADDRESS:#010x} (is RAM there powered?)"
            )));
        }
        // Nothing else to set up: the caller reset and halted the core, so it
        // is in Thread mode and Thumb state (xPSR is left alone: GDB servers
        // number it differently), and the entry sets the stack itself.
        Ok(LoaderFlash {
            qspi,
            header,
            per_sector: Duration::from_secs(3),
        })
    }

    /// The loader's header.
    pub fn header(&self) -> Header {
        self.header
    }

    /// The target, for other work between calls.
    pub fn target_mut(&mut self) -> &mut T {
        self.qspi.target_mut()
    }

    /// Back to the plain manual-mode driver (the loader stays in RAM, unused).
    pub fn into_qspi(self) -> QspiFlash<T> {
        self.qspi
    }

    /// Whether `steps` fit in the buffer for one call (so a cut link cannot
    /// interrupt the write once it has started).
    pub fn fits_in_one_call(&self, steps: &[Step]) -> bool {
        batch_len(steps.len()) <= self.header.buffer_size as usize
    }

    /// Run one operation; `sectors` of erase work decide how long to wait.
    fn call(&mut self, opcode: u32, args: [u32; 3], sectors: u32) -> Result<Answer, FlashError> {
        let mut block = [0u32; 16];
        block[0] = opcode;
        block[1..4].copy_from_slice(&args);
        block[4] = RUNNING;
        let bytes: Vec<u8> = block.iter().flat_map(|w| w.to_le_bytes()).collect();
        let h = self.header;
        let t = self.qspi.target_mut();
        t.write_memory(h.call_block, &bytes)?;
        t.write_register(15, h.entry & !1)?;
        t.resume()?;
        let limit = Duration::from_secs(5) + self.per_sector * sectors;
        let stop = match t.wait_for_halt(limit) {
            Ok(stop) => stop,
            Err(ProbeError::Timeout { .. }) => {
                t.halt()?;
                let pc = t.read_registers()?.pc();
                return Err(FlashError::Loader(format!(
                    "the loader did not finish within {limit:?} (stopped it at PC {pc:#010x}); \
                     `--method qspic` writes without running code on the chip"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        let mut back = [0u8; 64];
        t.read_memory(h.call_block, &mut back)?;

        let w = |i: usize| {
            u32::from_le_bytes([
                back[4 * i],
                back[4 * i + 1],
                back[4 * i + 2],
                back[4 * i + 3],
            ])
        };
        let answer = Answer {
            written: w(5),
            skipped: w(6),
            programmed: w(7),
            value: w(10),
        };
        match w(4) {
            0 => Ok(answer),
            RUNNING => {
                let pc = t.read_registers()?.pc();
                Err(FlashError::Loader(format!(
                    "the core stopped ({}) at PC {pc:#010x} before the loader finished",
                    match stop {
                        StopReason::Signal(s) => format!("signal {s}"),
                        StopReason::Exited(c) => format!("exited {c}"),
                    }
                )))
            }
            1 => Err(FlashError::Loader(format!(
                "the loader does not know operation {opcode}"
            ))),
            2 => Err(FlashError::Unaligned {
                what: "loader write",
                offset: args[0],
                len: args[1] as usize,
                align: SECTOR,
            }),
            3 => Err(FlashError::Busy {
                op: "a loader operation",
                offset: args[0],
                after: limit,
            }),
            4 => Err(FlashError::Verify {
                offset: w(8),
                expected: w(9) as u8,
                found: (w(9) >> 8) as u8,
            }),
            other => Err(FlashError::Loader(format!(
                "the loader answered status {other:#x}"
            ))),
        }
    }

    /// CRC-32 of flash computed on the chip.
    pub fn crc32(&mut self, offset: u32, len: u32) -> Result<u32, FlashError> {
        Ok(self
            .call(op::CRC32, [offset, len, 0], len / SECTOR / 64)?
            .value)
    }

    /// One batch: the table and the sectors' data into the buffer, one call.
    fn write_batch(&mut self, steps: &[Step], stats: &mut WriteStats) -> Result<(), FlashError> {
        let h = self.header;
        let table_len = 12 * steps.len() as u32;
        let data_at = h.buffer + table_len.next_multiple_of(4);
        let mut table = Vec::with_capacity(table_len as usize);
        let mut data = Vec::with_capacity(steps.len() * SECTOR as usize);
        for (i, s) in steps.iter().enumerate() {
            let src = data_at + i as u32 * SECTOR;
            for word in [s.offset, src, SECTOR] {
                table.extend_from_slice(&word.to_le_bytes());
            }
            data.extend_from_slice(&s.data);
        }
        let t = self.qspi.target_mut();
        t.write_memory(h.buffer, &table)?;
        t.write_memory(data_at, &data)?;
        let a = self.call(
            op::WRITE_LIST,
            [h.buffer, steps.len() as u32, 0],
            steps.len() as u32,
        )?;
        stats.written += a.written as usize;
        stats.skipped += a.skipped as usize;
        stats.bytes_programmed += a.programmed as usize;
        Ok(())
    }
}

/// Buffer bytes a batch of `n` sectors takes (table, then data).
fn batch_len(n: usize) -> usize {
    (12 * n).next_multiple_of(4) + n * SECTOR as usize
}

impl<T: Target> FlashAccess for LoaderFlash<T> {
    fn jedec_id(&mut self) -> Result<JedecId, FlashError> {
        let v = self.call(op::JEDEC_ID, [0; 3], 0)?.value.to_le_bytes();
        let id = JedecId {
            manufacturer: v[0],
            memory_type: v[1],
            density: v[2],
        };
        if matches!(v[..3], [0, 0, 0] | [0xFF, 0xFF, 0xFF]) {
            return Err(FlashError::NoFlash { jedec: id });
        }
        Ok(id)
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), FlashError> {
        self.qspi.read(offset, buf)
    }

    fn erase(&mut self, offset: u32, len: usize) -> Result<(), FlashError> {
        self.qspi.check_range(offset, len)?;
        let sectors = (len / SECTOR as usize) as u32;
        self.call(op::ERASE, [offset, len as u32, 0], sectors)
            .map(|_| ())
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashError> {
        self.qspi.check_range(offset, data.len())?;
        let h = self.header;
        for (i, chunk) in data.chunks(h.buffer_size as usize).enumerate() {
            let at = offset + (i * h.buffer_size as usize) as u32;
            self.qspi.target_mut().write_memory(h.buffer, chunk)?;
            self.call(op::PROGRAM, [at, h.buffer, chunk.len() as u32], 1)?;
        }
        Ok(())
    }

    fn erase_chip(&mut self) -> Result<(), FlashError> {
        // Whole-chip erase takes tens of seconds to minutes on large parts.
        let sectors = self.qspi.size().unwrap_or(16 << 20) / SECTOR / 8;
        self.call(op::ERASE_CHIP, [0; 3], sectors).map(|_| ())
    }

    fn size(&self) -> Option<u32> {
        self.qspi.size()
    }

    /// As many sectors per call as the buffer holds (everything in one call
    /// when it fits); the loader skips, erases, programs and verifies each
    /// sector, then a CRC-32 of each contiguous run, computed on the chip,
    /// is checked against the plan.
    fn write_steps(
        &mut self,
        steps: &[Step],
        progress: &mut dyn FnMut(u64, u64, &Step),
    ) -> Result<WriteStats, FlashError> {
        for s in steps {
            self.qspi.check_range(s.offset, s.data.len())?;
        }
        let mut stats = WriteStats::default();
        let total = (steps.len() * SECTOR as usize) as u64;
        let per_batch = (self.header.buffer_size as usize / (SECTOR as usize + 12)).max(1);
        let mut done = 0usize;
        for batch in steps.chunks(per_batch) {
            self.write_batch(batch, &mut stats)?;
            for s in batch {
                done += 1;
                progress((done * SECTOR as usize) as u64, total, s);
            }
        }
        // End to end: what is in flash now is what the plan says.
        for run in contiguous_runs(steps) {
            let first = run[0];
            let len = (run.len() as u32) * SECTOR;
            let bytes: Vec<u8> = run.iter().flat_map(|s| s.data.iter().copied()).collect();
            let want = mb4_image::crc::crc32(&bytes);
            let have = self.crc32(first.offset, len)?;
            if have != want {
                return Err(FlashError::Loader(format!(
                    "flash {:#x}..{:#x} reads back with CRC-32 {have:#010x}, the plan's is {:#010x}",
                    first.offset,
                    first.offset + len,
                    want
                )));
            }
        }
        Ok(stats)
    }
}

/// The steps in flash order, cut where sectors stop following each other:
/// one CRC call per run.
fn contiguous_runs(steps: &[Step]) -> Vec<Vec<&Step>> {
    let mut sorted: Vec<&Step> = steps.iter().collect();
    sorted.sort_by_key(|s| s.offset);
    let mut runs: Vec<Vec<&Step>> = Vec::new();
    for s in sorted {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|l| l.offset + SECTOR == s.offset) => run.push(s),
            _ => runs.push(vec![s]),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_loader_has_a_sane_header() {
        let h = Header::parse(BUILTIN).expect("built-in loader header");
        assert_eq!(h.buffer, 0x2000_4000);
        assert_eq!(h.buffer_size, BUFFER_SIZE);
        assert!(h.image_size as usize <= BUILTIN.len());
    }

    #[test]
    fn bad_loader_images_are_refused_with_reasons() {
        let msg = |img: &[u8]| Header::parse(img).unwrap_err().to_string();
        assert!(msg(&[0; 8]).contains("too short"));
        assert!(msg(&[0; 64]).contains("magic"));
        let mut v = BUILTIN.to_vec();
        v[4] = 9;
        assert!(msg(&v).contains("protocol version 9"));
        let mut v = BUILTIN.to_vec();
        v[8..12].copy_from_slice(&0x2000_0000u32.to_le_bytes());
        assert!(msg(&v).contains("not Thumb code"));
        let mut v = BUILTIN.to_vec();
        v[16..20].copy_from_slice(&0x2007_FF00u32.to_le_bytes());
        assert!(msg(&v).contains("buffer"));
        assert!(msg(&BUILTIN[..40]).contains("holds 40"));
        // Found by fuzzing (fuzz/fuzz_targets/loader_header.rs): a huge
        // size claim in a huge image overflowed the end address.
        let mut v = BUILTIN.to_vec();
        v[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(msg(&v).contains("says it has"));
    }

    #[test]
    fn runs_join_adjacent_sectors() {
        let step = |offset| Step {
            offset,
            data: vec![],
            what: "image",
        };
        let steps = [
            step(0x2000),
            step(0x3000),
            step(0x5000),
            step(0x1000),
            step(0),
        ];
        let offsets: Vec<Vec<u32>> = contiguous_runs(&steps)
            .iter()
            .map(|r| r.iter().map(|s| s.offset).collect())
            .collect();
        assert_eq!(offsets, vec![vec![0, 0x1000, 0x2000, 0x3000], vec![0x5000]]);
    }
}
