//! DA1469x flash images: the bytes the boot ROM reads, typed.
//!
//! A flash image, from offset 0:
//!
//! ```text
//! 0x0000  product header 'Pp'  (one 4 KiB sector, 0xFF padded)   ProductHeader
//! 0x1000  its copy                                                (same bytes)
//! 0x2000  image header 'Qq' + sections, 0xFF padded to 0x400      ImageHeader
//! 0x2400  vector table, then code and data                        payload
//! ```
//!
//! * [`product_header`] and [`image_header`]: parse and serialize each header.
//! * [`builder`]: make a flash image (or a bare image) from a payload.
//! * [`elf`]: turn an ELF's loadable segments into a payload, checking where it was linked.
//! * [`inspect`]: decode any of these (or a raw dump) and run every check.
//!
//! Field layouts: `docs/hardware.md` and the research notes
//! (hardware.md §7); sources are ezFlashCLI 1.0.29 and mynewt's
//! `da1469x_header_tool.py`, read for facts only.

#![forbid(unsafe_code)]

pub mod builder;
mod bytes;
pub mod crc;
pub mod elf;
mod error;
pub mod image_header;
pub mod inspect;
pub mod product_header;

pub use error::{BuildError, ElfError, HeaderError};
pub use image_header::ImageHeader;
pub use product_header::ProductHeader;

/// Size of one product-header copy: a flash sector.
pub const PRODUCT_HEADER_SECTOR: usize = 0x1000;
/// Flash offset of the product header's backup copy.
pub const PRODUCT_HEADER_COPY_OFFSET: usize = 0x1000;
/// Default flash offset of the image (ezFlashCLI, Zephyr).
pub const DEFAULT_IMAGE_ADDRESS: u32 = 0x2000;
/// Offset of the vector table (IVT) from the image header, as every known tool writes it.
pub const DEFAULT_IVT_OFFSET: u32 = 0x400;
