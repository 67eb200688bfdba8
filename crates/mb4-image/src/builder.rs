//! Making images and flash images from a payload (vector table, code, data).
//!
//! The image header mb4 writes has the same layout as ezFlashCLI's (empty
//! security section, empty device-administration section, 0xFF padding to
//! the IVT at 0x400), so that both tools' output can be compared byte by byte.

use mb4_da1469x::flash::FlashPart;

use crate::crc::crc32;
use crate::image_header::{DeviceAdminSection, ImageHeader, SecuritySection};
use crate::{
    BuildError, DEFAULT_IVT_OFFSET, PRODUCT_HEADER_COPY_OFFSET, PRODUCT_HEADER_SECTOR,
    ProductHeader,
};

/// Flash is erased and written in sectors of this size.
pub const SECTOR: u32 = 0x1000;
/// Smallest cached flash region CACHE_FLASH_REG can describe (FLASH_REGION_SIZE = 7).
pub const MIN_CACHE_REGION: u32 = 256 * 1024;
/// Largest distance of an image from the start of its cached region: three
/// sectors (ezFlashCLI `check_address`).
pub const MAX_REGION_OFFSET: u32 = 0x3000;
/// The flash window the CPU sees: 32 MiB at 0x16000000.
pub const FLASH_WINDOW: u32 = 32 * 1024 * 1024;

/// What goes into the image header besides the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOptions {
    /// Version string (at most 16 bytes of printable ASCII).
    pub version: String,
    /// Seconds since 1970; mb4 defaults to `SOURCE_DATE_EPOCH` or 0 so builds repeat.
    pub timestamp: u32,
}

/// Check that the boot ROM can boot an image at flash offset `address`.
///
/// The ROM maps the image through CACHE_FLASH_REG: a region whose size is a
/// power of two from 256 KiB to 32 MiB and whose base is a multiple of that
/// size, with the image at most three sectors past the base (ezFlashCLI
/// `check_address`; the smallest region is the most permissive). Below 0x2000
/// sit the product header and its copy. mb4 also keeps images on sector
/// boundaries, since flash is erased by sector.
pub fn check_image_address(address: u32) -> Result<(), BuildError> {
    let bad = |why: String| Err(BuildError::BadImageAddress { address, why });
    if address < 0x2000 {
        return bad(
            "below 0x2000, where the product header (0x0) and its copy (0x1000) live".into(),
        );
    }
    if !address.is_multiple_of(SECTOR) {
        return bad(format!("not on a {SECTOR:#x}-byte flash sector boundary"));
    }
    if address >= FLASH_WINDOW {
        return bad("beyond the 32 MiB the QSPI controller can address".into());
    }
    let past = address % MIN_CACHE_REGION;
    if past > MAX_REGION_OFFSET {
        return bad(format!(
            "the boot ROM maps images through CACHE_FLASH_REG, so an image must start 0 to 3 \
             sectors past a multiple of the cached region size (256 KiB to 32 MiB); this one is \
             {past:#x} past a 256 KiB boundary (try {:#x} or {:#x})",
            (address - past).max(0x2000),
            address - past + MIN_CACHE_REGION
        ));
    }
    Ok(())
}

/// The 16-byte, NUL-padded version field.
pub fn version_field(version: &str) -> Result<[u8; 16], BuildError> {
    let bytes = version.as_bytes();
    if bytes.len() > 16 || !bytes.iter().all(|b| (0x20..0x7F).contains(b)) {
        return Err(BuildError::BadVersion {
            version: version.to_owned(),
            len: bytes.len(),
        });
    }
    let mut field = [0u8; 16];
    field[..bytes.len()].copy_from_slice(bytes);
    Ok(field)
}

/// The image header for `payload`.
pub fn image_header(payload: &[u8], options: &ImageOptions) -> Result<ImageHeader, BuildError> {
    if payload.is_empty() {
        return Err(BuildError::Empty);
    }
    let size = u32::try_from(payload.len()).map_err(|_| BuildError::TooBig {
        end: payload.len() as u64,
        part: "32-bit size field".into(),
        size: u32::MAX,
    })?;
    Ok(ImageHeader {
        size,
        crc32: crc32(payload),
        version: version_field(&options.version)?,
        timestamp: options.timestamp,
        ivt_offset: DEFAULT_IVT_OFFSET,
        security: SecuritySection::default(),
        device_admin: Some(DeviceAdminSection::default()),
    })
}

/// A bare image: header padded to the IVT, then the payload ('Qq' file, as
/// used for MCUboot slots and updates).
pub fn make_image(payload: &[u8], options: &ImageOptions) -> Result<Vec<u8>, BuildError> {
    let mut out = image_header(payload, options)?.to_padded()?;
    out.extend_from_slice(payload);
    Ok(out)
}

/// The product header for `part` with the given image addresses.
pub fn product_header(part: &FlashPart, active: u32, update: u32) -> ProductHeader {
    ProductHeader {
        active_image: active,
        update_image: update,
        burstcmda: part.burstcmda,
        burstcmdb: part.burstcmdb,
        // The DA1469x product header has no CTRLMODE field (only the DA1470x's does).
        ctrlmode: None,
        flash_config: part.config.clone(),
    }
}

/// A flash image from offset 0: product header, its copy, 0xFF up to
/// `active`, then `image` (a bare image from [`make_image`]).
pub fn make_flash_image(
    image: &[u8],
    part: &FlashPart,
    active: u32,
    update: u32,
) -> Result<Vec<u8>, BuildError> {
    check_image_address(active)?;
    check_image_address(update)?;
    let end = u64::from(active) + image.len() as u64;
    if end > u64::from(part.size) {
        return Err(BuildError::TooBig {
            end,
            part: part.name.clone(),
            size: part.size,
        });
    }
    if update != active && (u64::from(active)..end).contains(&u64::from(update)) {
        return Err(BuildError::BadImageAddress {
            address: update,
            why: format!(
                "the update image would start inside the active image ({active:#x}..{end:#x})"
            ),
        });
    }
    let sector = product_header(part, active, update).to_sector();
    debug_assert_eq!(sector.len(), PRODUCT_HEADER_SECTOR);
    let mut out = vec![0xFF; active as usize];
    out[..PRODUCT_HEADER_SECTOR].copy_from_slice(&sector);
    out[PRODUCT_HEADER_COPY_OFFSET..PRODUCT_HEADER_COPY_OFFSET + PRODUCT_HEADER_SECTOR]
        .copy_from_slice(&sector);
    out.extend_from_slice(image);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_da1469x::flash::parts;

    fn opts() -> ImageOptions {
        ImageOptions {
            version: "0.1.0".into(),
            timestamp: 0,
        }
    }

    #[test]
    fn addresses_the_rom_accepts() {
        for ok in [
            0x2000, 0x3000, 0x40000, 0x41000, 0x43000, 0x80000, 0x100_2000,
        ] {
            check_image_address(ok).unwrap();
        }
        for bad in [
            0x0, 0x1000, 0x2400, 0x4000, 0x6000, 0x3F000, 0x44000, 0x200_0000,
        ] {
            assert!(check_image_address(bad).is_err(), "{bad:#x}");
        }
    }

    #[test]
    fn flash_image_layout() {
        let part = parts().default_part();
        let image = make_image(&[0xAB; 100], &opts()).unwrap();
        assert_eq!(image.len(), 0x400 + 100);
        let flash = make_flash_image(&image, part, 0x2000, 0x2000).unwrap();
        assert_eq!(flash.len(), 0x2000 + 0x400 + 100);
        assert_eq!(&flash[..2], b"Pp");
        assert_eq!(flash[..0x1000], flash[0x1000..0x2000]);
        assert_eq!(&flash[0x2000..0x2002], b"Qq");
        assert_eq!(flash[0x2400], 0xAB);
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let part = parts().find("EN25S20A").unwrap(); // 256 KiB
        let image = make_image(&vec![0; 0x40000], &opts()).unwrap();
        assert!(matches!(
            make_flash_image(&image, part, 0x2000, 0x2000),
            Err(BuildError::TooBig { .. })
        ));
        assert!(matches!(
            version_field("a version that is too long"),
            Err(BuildError::BadVersion { .. })
        ));
        assert!(matches!(make_image(&[], &opts()), Err(BuildError::Empty)));
    }
}
