//! ELF input: the loadable segments of a linked Cortex-M33 program, laid out
//! as the bytes that go into flash.
//!
//! Segments are placed by their load (physical) address, so initialised data
//! that runs from RAM is taken from its copy in flash. Nothing is relocated:
//! the vector table must already be where the image address puts it.

use object::elf::{EM_ARM, ET_EXEC, PT_LOAD};
use object::read::elf::{ElfFile32, FileHeader, ProgramHeader};
use object::{Endianness, FileKind};

use crate::{DEFAULT_IVT_OFFSET, ElfError};

/// Start of the cached QSPI flash window.
pub const FLASH_BASE: u64 = 0x1600_0000;
/// End of the cached QSPI flash window.
pub const FLASH_END: u64 = 0x1800_0000;

/// One loadable segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Load (physical) address.
    pub load_address: u64,
    /// Run (virtual) address.
    pub run_address: u64,
    /// Bytes in the file.
    pub file_size: u64,
    /// Bytes in memory (the rest is zero-filled at run time).
    pub mem_size: u64,
}

/// What an ELF holds for flash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfPayload {
    /// Entry point.
    pub entry: u64,
    /// Loadable segments with file contents, by load address.
    pub segments: Vec<Segment>,
    /// Lowest load address: where the vector table is.
    pub load_start: u64,
    /// The bytes from `load_start` on, gaps filled with 0xFF (erased flash).
    pub payload: Vec<u8>,
}

impl ElfPayload {
    /// The image address (flash offset of the 'Qq' header) this ELF was linked for.
    pub fn linked_image_address(&self) -> Option<u64> {
        self.load_start
            .checked_sub(FLASH_BASE + u64::from(DEFAULT_IVT_OFFSET))
    }

    /// Check that the vector table is where an image at `image_address` needs it.
    pub fn check_image_address(&self, image_address: u32) -> Result<(), ElfError> {
        let expected = FLASH_BASE + u64::from(image_address) + u64::from(DEFAULT_IVT_OFFSET);
        if self.load_start == expected {
            return Ok(());
        }
        Err(ElfError::VectorTableMisplaced {
            found: self.load_start,
            expected,
            image_address,
            expected_offset: expected - FLASH_BASE,
            suggested: self.linked_image_address().unwrap_or(0),
        })
    }
}

/// Whether `data` looks like an ELF file.
pub fn is_elf(data: &[u8]) -> bool {
    data.starts_with(b"\x7fELF")
}

/// Read the loadable segments of a 32-bit little-endian ARM executable.
pub fn load(data: &[u8]) -> Result<ElfPayload, ElfError> {
    let parse_err = |e: object::Error| ElfError::Parse {
        message: e.to_string(),
    };
    match FileKind::parse(data).map_err(parse_err)? {
        FileKind::Elf32 => {}
        FileKind::Elf64 => {
            return Err(ElfError::WrongKind {
                what: "a 64-bit ELF".into(),
            });
        }
        other => {
            return Err(ElfError::WrongKind {
                what: format!("not an ELF ({other:?})"),
            });
        }
    }
    let elf = ElfFile32::<Endianness>::parse(data).map_err(parse_err)?;
    let endian = elf.endian();
    let header = elf.elf_header();
    if endian != Endianness::Little {
        return Err(ElfError::WrongKind {
            what: "a big-endian ELF".into(),
        });
    }
    let machine = header.e_machine(endian);
    if machine != EM_ARM {
        return Err(ElfError::WrongKind {
            what: format!("an ELF for machine {machine} (ARM is {EM_ARM})"),
        });
    }
    let kind = header.e_type(endian);
    if kind != ET_EXEC {
        let what = match kind {
            object::elf::ET_REL => "a relocatable object (.o), not a linked program".to_string(),
            object::elf::ET_DYN => "a shared object or position-independent executable".to_string(),
            other => format!("an ELF of type {other}"),
        };
        return Err(ElfError::WrongKind { what });
    }

    let mut loaded = Vec::new();
    for ph in elf.elf_program_headers() {
        if ph.p_type(endian) != PT_LOAD || ph.p_filesz(endian) == 0 {
            continue;
        }
        let bytes = ph.data(endian, data).map_err(|()| ElfError::Parse {
            message: format!(
                "segment at {:#010x} claims {:#x} bytes past the end of the file",
                ph.p_paddr(endian),
                ph.p_filesz(endian)
            ),
        })?;
        let segment = Segment {
            load_address: u64::from(ph.p_paddr(endian)),
            run_address: u64::from(ph.p_vaddr(endian)),
            file_size: u64::from(ph.p_filesz(endian)),
            mem_size: u64::from(ph.p_memsz(endian)),
        };
        if segment.load_address < FLASH_BASE || segment.load_address + segment.file_size > FLASH_END
        {
            return Err(ElfError::SegmentOutsideFlash {
                address: segment.load_address,
                size: segment.file_size,
            });
        }
        loaded.push((segment, bytes));
    }
    loaded.sort_by_key(|(s, _)| s.load_address);
    let (first, _) = loaded.first().ok_or(ElfError::NoLoadableSegments)?;
    let load_start = first.load_address;
    let mut payload: Vec<u8> = Vec::new();
    for (segment, bytes) in &loaded {
        let at = (segment.load_address - load_start) as usize;
        if at < payload.len() {
            return Err(ElfError::Overlap {
                address: segment.load_address,
            });
        }
        payload.resize(at, 0xFF);
        payload.extend_from_slice(bytes);
    }
    Ok(ElfPayload {
        entry: u64::from(header.e_entry(endian)),
        segments: loaded.into_iter().map(|(s, _)| s).collect(),
        load_start,
        payload,
    })
}

/// Build a minimal ELF32 executable (for tests and fixtures): one PT_LOAD per
/// `(load address, bytes)` pair, with the given machine, type and byte order.
pub fn synthetic_elf(
    segments: &[(u32, &[u8])],
    entry: u32,
    machine: u16,
    e_type: u16,
    big_endian: bool,
) -> Vec<u8> {
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let phoff = 52u32;
    let data_start = phoff + 32 * segments.len() as u32;
    let mut out = Vec::new();
    out.extend_from_slice(b"\x7fELF");
    out.push(1); // ELFCLASS32
    out.push(if big_endian { 2 } else { 1 });
    out.push(1); // EV_CURRENT
    out.extend_from_slice(&[0; 9]);
    out.extend_from_slice(&w16(e_type));
    out.extend_from_slice(&w16(machine));
    out.extend_from_slice(&w32(1));
    out.extend_from_slice(&w32(entry));
    out.extend_from_slice(&w32(phoff));
    out.extend_from_slice(&w32(0)); // no section headers
    out.extend_from_slice(&w32(0x0500_0400)); // EABI5, hard float
    out.extend_from_slice(&w16(52));
    out.extend_from_slice(&w16(32));
    out.extend_from_slice(&w16(segments.len() as u16));
    out.extend_from_slice(&w16(40));
    out.extend_from_slice(&w16(0));
    out.extend_from_slice(&w16(0));
    let mut offset = data_start;
    for (addr, bytes) in segments {
        out.extend_from_slice(&w32(PT_LOAD));
        out.extend_from_slice(&w32(offset));
        out.extend_from_slice(&w32(*addr));
        out.extend_from_slice(&w32(*addr));
        out.extend_from_slice(&w32(bytes.len() as u32));
        out.extend_from_slice(&w32(bytes.len() as u32));
        out.extend_from_slice(&w32(5)); // R+X
        out.extend_from_slice(&w32(4));
        offset += bytes.len() as u32;
    }
    for (_, bytes) in segments {
        out.extend_from_slice(bytes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VT: [u8; 8] = [0x00, 0x00, 0x08, 0x20, 0x01, 0x25, 0x00, 0x16];

    #[test]
    fn segments_are_laid_out_by_load_address() {
        let elf = synthetic_elf(
            &[(0x1600_2500, &[1, 2]), (0x1600_2400, &VT)],
            0x1600_2501,
            EM_ARM,
            ET_EXEC,
            false,
        );
        let p = load(&elf).unwrap();
        assert_eq!(p.load_start, 0x1600_2400);
        assert_eq!(p.payload.len(), 0x102);
        assert_eq!(&p.payload[..8], &VT);
        assert_eq!(p.payload[8], 0xFF);
        assert_eq!(p.payload[0x100..], [1, 2]);
        p.check_image_address(0x2000).unwrap();
        assert_eq!(p.linked_image_address(), Some(0x2000));
    }

    #[test]
    fn misplaced_vector_table_says_how_to_fix_it() {
        let elf = synthetic_elf(&[(0x1600_0000, &VT)], 0, EM_ARM, ET_EXEC, false);
        let e = load(&elf).unwrap().check_image_address(0x2000).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("0x16002400") && msg.contains("CONFIG_FLASH_LOAD_OFFSET=0x2400"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_kinds_are_refused() {
        let cases = [
            (
                synthetic_elf(&[(0x1600_2400, &VT)], 0, EM_ARM, object::elf::ET_REL, false),
                "relocatable",
            ),
            (
                synthetic_elf(&[(0x1600_2400, &VT)], 0, 62, ET_EXEC, false),
                "machine 62",
            ),
            (
                synthetic_elf(&[(0x1600_2400, &VT)], 0, EM_ARM, ET_EXEC, true),
                "big-endian",
            ),
            (
                synthetic_elf(&[(0x2000_0000, &VT)], 0, EM_ARM, ET_EXEC, false),
                "outside the QSPI flash window",
            ),
            (
                synthetic_elf(&[], 0, EM_ARM, ET_EXEC, false),
                "no loadable segment",
            ),
        ];
        for (elf, needle) in cases {
            let msg = load(&elf).unwrap_err().to_string();
            assert!(msg.contains(needle), "{msg} should mention {needle}");
        }
    }

    #[test]
    fn truncated_elf_is_an_error() {
        let elf = synthetic_elf(&[(0x1600_2400, &VT)], 0, EM_ARM, ET_EXEC, false);
        for cut in [3, 20, 60, elf.len() - 1] {
            assert!(load(&elf[..cut]).is_err(), "cut at {cut}");
        }
    }
}
