//! Errors of the header parsers and the image builder. Every variant says where
//! (file offset or address) and what was expected.

/// A header that cannot be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The input ends inside a field.
    #[error("truncated: {what} at offset {offset:#x} needs {needed} bytes, only {available} left")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// File offset of the field.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the input.
        available: usize,
    },
    /// The two magic bytes are wrong.
    #[error("bad magic at offset {offset:#x}: found {found:02X?}, expected {expected:?}")]
    BadMagic {
        /// File offset.
        offset: usize,
        /// The bytes found.
        found: [u8; 2],
        /// The magic expected (`"Pp"` or `"Qq"`).
        expected: &'static str,
    },
    /// A section id is not the one the format has at this place.
    #[error("bad section at offset {offset:#x}: found id {found:#06x}, expected {expected}")]
    BadSection {
        /// File offset of the id.
        offset: usize,
        /// The id found (as the little-endian u16 in the file; bytes `AA 22` read 0x22AA).
        found: u16,
        /// What would have been valid here.
        expected: &'static str,
    },
    /// A section's length disagrees with its contents or with the space it has.
    #[error("bad length in {section} at offset {offset:#x}: {len} bytes, {why}")]
    BadSectionLength {
        /// Section name.
        section: &'static str,
        /// File offset of the length field.
        offset: usize,
        /// The length found.
        len: usize,
        /// Why it cannot be right.
        why: &'static str,
    },
}

/// Errors building a flash image or an image from input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The image address is one the boot ROM cannot map.
    #[error("image address {address:#x}: {why}")]
    BadImageAddress {
        /// The address asked for (flash offset).
        address: u32,
        /// What rule it breaks.
        why: String,
    },
    /// The image does not fit in the flash part.
    #[error(
        "the image ends at flash offset {end:#x}, past the end of the {part} ({size:#x} bytes)"
    )]
    TooBig {
        /// One past the last byte.
        end: u64,
        /// Flash part name.
        part: String,
        /// Its size.
        size: u32,
    },
    /// The version string does not fit the 16-byte field.
    #[error("version {version:?} is {len} bytes; the field holds at most 16 (printable ASCII)")]
    BadVersion {
        /// The string.
        version: String,
        /// Its length in bytes.
        len: usize,
    },
    /// The IVT offset cannot be padded to.
    #[error(
        "IVT offset {ivt_offset:#x}: must lie past the {header_len}-byte header and at most 0x3FFC"
    )]
    BadIvtOffset {
        /// The offset.
        ivt_offset: u32,
        /// Length of the header with its sections.
        header_len: usize,
    },
    /// The input has nothing to put in an image.
    #[error("the input is empty")]
    Empty,
    /// The ELF could not be read or is not for a DA1469x.
    #[error(transparent)]
    Elf(#[from] ElfError),
}

/// Problems with ELF input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    /// The `object` crate could not parse it.
    #[error("not a readable ELF file: {message}")]
    Parse {
        /// What the parser said.
        message: String,
    },
    /// Wrong kind of ELF.
    #[error(
        "{what}: mb4 needs a linked (executable) 32-bit little-endian ARM ELF for the Cortex-M33"
    )]
    WrongKind {
        /// What it is instead.
        what: String,
    },
    /// No loadable bytes.
    #[error("the ELF has no loadable segment with file contents")]
    NoLoadableSegments,
    /// A segment lies outside the flash window.
    #[error(
        "segment at load address {address:#010x} ({size:#x} bytes) is outside the QSPI flash window 0x16000000..0x18000000; link the image to flash"
    )]
    SegmentOutsideFlash {
        /// Physical (load) address.
        address: u64,
        /// Bytes in the file.
        size: u64,
    },
    /// The vector table is not where the image address puts it.
    #[error(
        "the ELF's lowest load address is {found:#010x}, but an image at flash offset {image_address:#x} \
         needs its vector table at {expected:#010x} (0x16000000 + image address + IVT offset 0x400). \
         Either relink (Zephyr: CONFIG_FLASH_LOAD_OFFSET={expected_offset:#x}) or build with \
         --active {suggested:#x}; mb4 never relocates code"
    )]
    VectorTableMisplaced {
        /// Lowest load address in the ELF.
        found: u64,
        /// Where it must be.
        expected: u64,
        /// The image address.
        image_address: u32,
        /// `expected - 0x16000000`.
        expected_offset: u64,
        /// The image address that would match the ELF (`found - 0x16000000 - 0x400`).
        suggested: u64,
    },
    /// Two segments overlap in flash.
    #[error("segments overlap at load address {address:#010x}")]
    Overlap {
        /// Where the second segment starts.
        address: u64,
    },
}
