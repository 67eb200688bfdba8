//! The product header ('Pp'): tells the boot ROM how to talk to the flash and
//! where the images are. Written at flash offset 0 and again at 0x1000.
//!
//! ```text
//! off  size  field
//!   0     2  'P' 'p'
//!   2     4  active image address (flash offset)
//!   6     4  update image address
//!  10     4  QSPIC_BURSTCMDA_REG value
//!  14     4  QSPIC_BURSTCMDB_REG value
//! (18     4  QSPIC_CTRLMODE_REG value: only in DA1470x-style headers)
//!  18     2  flash-config section id, bytes AA 11
//!  20     2  length N of the config bytes
//!  22     N  config bytes sent to the flash at boot
//! 22+N    2  CRC-16/CCITT-FALSE of everything before it
//! ```
//! All little-endian; the rest of the sector is 0xFF.

use crate::bytes::Reader;
use crate::crc::crc16_ccitt_false;
use crate::{HeaderError, PRODUCT_HEADER_SECTOR};

/// Magic at offset 0.
pub const MAGIC: [u8; 2] = *b"Pp";
/// Flash-config section id as it appears in the file (bytes `AA 11`).
pub const FLASH_CONFIG_SECTION: [u8; 2] = [0xAA, 0x11];

/// A product header, without its CRC (computed when serialized).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductHeader {
    /// Flash offset of the image the ROM boots.
    pub active_image: u32,
    /// Flash offset of the update image (the same as active when there is none).
    pub update_image: u32,
    /// QSPIC_BURSTCMDA_REG value.
    pub burstcmda: u32,
    /// QSPIC_BURSTCMDB_REG value.
    pub burstcmdb: u32,
    /// QSPIC_CTRLMODE_REG value; present only in DA1470x-style headers.
    pub ctrlmode: Option<u32>,
    /// Bytes of the flash-config section.
    pub flash_config: Vec<u8>,
}

/// A product header as found in a file, with its CRC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedProductHeader {
    /// The fields.
    pub header: ProductHeader,
    /// CRC stored in the header.
    pub stored_crc: u16,
    /// CRC computed over the bytes before it.
    pub computed_crc: u16,
    /// Bytes used, CRC included (the rest of the sector is padding).
    pub len: usize,
}

impl ParsedProductHeader {
    /// Whether the stored CRC matches.
    pub fn crc_ok(&self) -> bool {
        self.stored_crc == self.computed_crc
    }
}

impl ProductHeader {
    /// Header bytes, CRC included, without padding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(28 + self.flash_config.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&self.active_image.to_le_bytes());
        out.extend_from_slice(&self.update_image.to_le_bytes());
        out.extend_from_slice(&self.burstcmda.to_le_bytes());
        out.extend_from_slice(&self.burstcmdb.to_le_bytes());
        if let Some(ctrlmode) = self.ctrlmode {
            out.extend_from_slice(&ctrlmode.to_le_bytes());
        }
        out.extend_from_slice(&FLASH_CONFIG_SECTION);
        // Lengths beyond u16 cannot come from `parse`; saturate rather than wrap.
        let len = u16::try_from(self.flash_config.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&self.flash_config);
        let crc = crc16_ccitt_false(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// One full 4 KiB sector: the header padded with 0xFF.
    pub fn to_sector(&self) -> Vec<u8> {
        let mut out = self.to_bytes();
        out.resize(out.len().max(PRODUCT_HEADER_SECTOR), 0xFF);
        out
    }

    /// Decode a product header from the start of `data` (`base` is its file
    /// offset, for messages). Only structural problems are errors; a CRC
    /// mismatch is reported in the result.
    pub fn parse(data: &[u8], base: usize) -> Result<ParsedProductHeader, HeaderError> {
        let data = &data[..data.len().min(PRODUCT_HEADER_SECTOR)];
        let mut r = Reader::new(data, base);
        let magic: [u8; 2] = r.array("product header magic")?;
        if magic != MAGIC {
            return Err(HeaderError::BadMagic {
                offset: base,
                found: magic,
                expected: "\"Pp\" (50 70)",
            });
        }
        let active_image = r.u32("active image address")?;
        let update_image = r.u32("update image address")?;
        let burstcmda = r.u32("BURSTCMDA value")?;
        let burstcmdb = r.u32("BURSTCMDB value")?;
        // DA1469x: the section id follows. DA1470x: a CTRLMODE word comes first.
        let ctrlmode = if data.get(18..20) == Some(&FLASH_CONFIG_SECTION[..]) {
            None
        } else if data.get(22..24) == Some(&FLASH_CONFIG_SECTION[..]) {
            Some(r.u32("CTRLMODE value")?)
        } else {
            let id_at = r.pos();
            let id = r.u16("flash-config section id")?;
            return Err(HeaderError::BadSection {
                offset: base + id_at,
                found: id,
                expected: "0x11AA (bytes AA 11), the flash-config section",
            });
        };
        r.take(2, "flash-config section id")?;
        let len_at = r.file_offset();
        let len = usize::from(r.u16("flash-config length")?);
        if r.pos() + len + 2 > PRODUCT_HEADER_SECTOR {
            return Err(HeaderError::BadSectionLength {
                section: "flash-config section",
                offset: len_at,
                len,
                why: "the header would run past its 4 KiB sector",
            });
        }
        let flash_config = r.take(len, "flash-config bytes")?.to_vec();
        let computed_crc = crc16_ccitt_false(&data[..r.pos()]);
        let stored_crc = r.u16("product header CRC")?;
        Ok(ParsedProductHeader {
            header: ProductHeader {
                active_image,
                update_image,
                burstcmda,
                burstcmdb,
                ctrlmode,
                flash_config,
            },
            stored_crc,
            computed_crc,
            len: r.pos(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mx25u3235f() -> ProductHeader {
        ProductHeader {
            active_image: 0x2000,
            update_image: 0x2000,
            burstcmda: 0xA8A5_00EB,
            burstcmdb: 0x66,
            ctrlmode: None,
            flash_config: vec![0x01, 0x40, 0x07],
        }
    }

    #[test]
    fn layout_matches_the_documented_offsets() {
        let b = mx25u3235f().to_bytes();
        assert_eq!(&b[..2], b"Pp");
        assert_eq!(&b[2..6], &[0x00, 0x20, 0, 0]);
        assert_eq!(&b[10..14], &[0xEB, 0x00, 0xA5, 0xA8]);
        assert_eq!(&b[18..22], &[0xAA, 0x11, 3, 0]);
        assert_eq!(&b[22..25], &[0x01, 0x40, 0x07]);
        assert_eq!(b.len(), 27);
        let crc = crc16_ccitt_false(&b[..25]);
        assert_eq!(&b[25..], &crc.to_le_bytes());
    }

    #[test]
    fn round_trip() {
        for ctrlmode in [None, Some(0xF801_8F83)] {
            let h = ProductHeader {
                ctrlmode,
                ..mx25u3235f()
            };
            let sector = h.to_sector();
            assert_eq!(sector.len(), 0x1000);
            let p = ProductHeader::parse(&sector, 0).unwrap();
            assert!(p.crc_ok());
            assert_eq!(p.header, h);
            assert_eq!(p.header.to_bytes(), sector[..p.len]);
        }
    }

    #[test]
    fn empty_config_section() {
        let h = ProductHeader {
            flash_config: vec![],
            ..mx25u3235f()
        };
        let p = ProductHeader::parse(&h.to_sector(), 0).unwrap();
        assert_eq!(p.header, h);
    }

    #[test]
    fn errors_name_the_offset() {
        let mut s = mx25u3235f().to_sector();
        s[0] = b'X';
        let e = ProductHeader::parse(&s, 0x1000).unwrap_err();
        assert!(
            matches!(e, HeaderError::BadMagic { offset: 0x1000, .. }),
            "{e}"
        );

        let mut s = mx25u3235f().to_sector();
        s[18] = 0x55;
        let e = ProductHeader::parse(&s, 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::BadSection { offset: 18, .. }),
            "{e}"
        );

        let mut s = mx25u3235f().to_sector();
        s[21] = 0x10;
        let e = ProductHeader::parse(&s, 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::BadSectionLength { offset: 20, .. }),
            "{e}"
        );

        let s = mx25u3235f().to_bytes();
        let e = ProductHeader::parse(&s[..24], 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::Truncated { offset: 22, .. }),
            "{e}"
        );
    }

    #[test]
    fn crc_mismatch_is_reported_not_fatal() {
        let mut s = mx25u3235f().to_sector();
        s[3] ^= 0xFF;
        let p = ProductHeader::parse(&s, 0).unwrap();
        assert!(!p.crc_ok());
    }
}
