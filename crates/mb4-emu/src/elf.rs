//! Loading an ELF file's PT_LOAD segments at their physical (load) addresses,
//! as QEMU's `-kernel` does for M-profile machines.

use object::Endianness;
use object::read::elf::{ElfFile32, FileHeader, ProgramHeader};

/// Why an ELF file cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ElfError {
    #[error("not a 32-bit little-endian ELF file: {source}")]
    Parse {
        #[source]
        source: object::read::Error,
    },
    #[error("segment {index} at {addr:#010x} ({size:#x} bytes) is outside the machine's memory")]
    Unbacked { index: usize, addr: u32, size: u32 },
    #[error("segment {index}: file data out of range")]
    BadData { index: usize },
    #[error("no loadable segment")]
    Empty,
}

/// One segment to load: its bytes (file part) and total size in memory.
#[derive(Debug, Clone)]
pub struct Segment {
    pub addr: u32,
    pub data: Vec<u8>,
    pub mem_size: u32,
}

/// The PT_LOAD segments of `bytes`, with non-empty memory size.
pub fn segments(bytes: &[u8]) -> Result<Vec<Segment>, ElfError> {
    let file =
        ElfFile32::<Endianness>::parse(bytes).map_err(|source| ElfError::Parse { source })?;
    let e = file.endian();
    let headers = file
        .elf_header()
        .program_headers(e, bytes)
        .map_err(|source| ElfError::Parse { source })?;
    let mut out = Vec::new();
    for (index, ph) in headers.iter().enumerate() {
        if ph.p_type(e) != object::elf::PT_LOAD || ph.p_memsz(e) == 0 {
            continue;
        }
        let data = ph.data(e, bytes).map_err(|_| ElfError::BadData { index })?;
        out.push(Segment {
            addr: ph.p_paddr(e),
            data: data.to_vec(),
            mem_size: ph.p_memsz(e),
        });
    }
    if out.is_empty() {
        return Err(ElfError::Empty);
    }
    Ok(out)
}
