//! The image header ('Qq'): precedes the executable image at the active (or
//! update) address. The vector table follows at `ivt_offset` (0x400).
//!
//! ```text
//! off  size  field
//!   0     2  'Q' 'q'
//!   2     4  payload size (bytes from the IVT on)
//!   6     4  CRC-32 of the payload
//!  10    16  version string, NUL padded
//!  26     4  timestamp (seconds since 1970)
//!  30     4  IVT offset from the header start (0x400)
//!  34     …  sections, each u16 id + u16 length + contents:
//!            AA 22  security: empty, or key indices + nonce + AA 33 signature
//!            AA 44  device administration (optional): empty, or AA 55 key revocations
//! ```
//! All little-endian; the rest up to the IVT is 0xFF. Layout of the secure
//! parts from mynewt's `da1469x_header_tool.py`.

use crate::bytes::Reader;
use crate::{BuildError, HeaderError};

/// Magic at offset 0.
pub const MAGIC: [u8; 2] = *b"Qq";
/// Section ids, as the little-endian u16 of their bytes (`AA 22` → 0x22AA).
pub const SECURITY_SECTION: u16 = 0x22AA;
/// Signature subsection, inside the security section.
pub const SIGNATURE_SECTION: u16 = 0x33AA;
/// Device administration section.
pub const DEVICE_ADMIN_SECTION: u16 = 0x44AA;
/// Key-revocation subsection, inside the device administration section.
pub const KEY_REVOCATION_SECTION: u16 = 0x55AA;
/// Bytes of the fixed fields before the sections.
pub const FIXED_LEN: usize = 34;
/// Largest IVT offset a boot ROM can map: CACHE_FLASH_REG.FLASH_REGION_OFFSET
/// counts 32-bit words in 12 bits (inferred from the register layout).
pub const MAX_IVT_OFFSET: u32 = 0x3FFC;

/// An image header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageHeader {
    /// Payload size in bytes (vector table, code and data).
    pub size: u32,
    /// CRC-32 of the payload.
    pub crc32: u32,
    /// Version string, NUL padded.
    pub version: [u8; 16],
    /// Build time, seconds since 1970 (mb4 writes `SOURCE_DATE_EPOCH` or 0).
    pub timestamp: u32,
    /// Offset of the vector table from the start of this header.
    pub ivt_offset: u32,
    /// The security section (0xAA22); it carries a signature on secure-boot parts.
    pub security: SecuritySection,
    /// The device-administration section (0xAA44), if present.
    pub device_admin: Option<DeviceAdminSection>,
}

/// Security section (0xAA22). Empty on images for parts without secure boot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecuritySection {
    /// The signature block, if any.
    pub signature: Option<Signature>,
}

/// Contents of a non-empty security section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// OTP slot of the public key that verifies the signature.
    pub signing_key_index: u8,
    /// OTP slot of the AES key that decrypts the image.
    pub decryption_key_index: u8,
    /// Upper half of the AES-CTR IV (mynewt: first 8 bytes of SHA-256 of the image).
    pub nonce: [u8; 8],
    /// The signature (0xAA33 subsection; 64 bytes for Ed25519).
    pub signature: Vec<u8>,
}

/// Device administration section (0xAA44).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceAdminSection {
    /// Key-revocation subsection (0xAA55), if present.
    pub key_revocations: Option<Vec<KeyRevocation>>,
}

/// One entry of the key-revocation subsection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRevocation {
    /// Which kind of key (see [`KeyRevocation::kind_name`]).
    pub key_type: u8,
    /// Its OTP slot.
    pub key_index: u8,
}

impl KeyRevocation {
    /// Name of the key type. 0xA1 is confirmed by mynewt's tool (`s:`); the names
    /// of 0xA2 and 0xA3 are inferred.
    pub fn kind_name(&self) -> &'static str {
        match self.key_type {
            0xA1 => "signature key",
            0xA2 => "user-data key",
            0xA3 => "QSPI decryption key",
            _ => "unknown key type",
        }
    }
}

/// An image header as found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedImageHeader {
    /// The fields.
    pub header: ImageHeader,
    /// Bytes used by the fixed fields and sections (the rest up to the IVT is padding).
    pub len: usize,
}

impl ImageHeader {
    /// The version field as text, up to the first NUL.
    pub fn version_text(&self) -> String {
        let end = self.version.iter().position(|&b| b == 0).unwrap_or(16);
        String::from_utf8_lossy(&self.version[..end]).into_owned()
    }

    /// Whether the version field is printable ASCII followed only by NULs.
    pub fn version_is_clean(&self) -> bool {
        let end = self.version.iter().position(|&b| b == 0).unwrap_or(16);
        self.version[..end].iter().all(|b| (0x20..0x7F).contains(b))
            && self.version[end..].iter().all(|&b| b == 0)
    }

    /// Header bytes with sections, without the padding to the IVT.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.crc32.to_le_bytes());
        out.extend_from_slice(&self.version);
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.extend_from_slice(&self.ivt_offset.to_le_bytes());

        let mut security = Vec::new();
        if let Some(sig) = &self.security.signature {
            security.push(sig.signing_key_index);
            security.push(sig.decryption_key_index);
            security.extend_from_slice(&sig.nonce);
            push_section(&mut security, SIGNATURE_SECTION, &sig.signature);
        }
        push_section(&mut out, SECURITY_SECTION, &security);

        if let Some(admin) = &self.device_admin {
            let mut body = Vec::new();
            if let Some(revocations) = &admin.key_revocations {
                let entries: Vec<u8> = revocations
                    .iter()
                    .flat_map(|r| [r.key_type, r.key_index])
                    .collect();
                push_section(&mut body, KEY_REVOCATION_SECTION, &entries);
            }
            push_section(&mut out, DEVICE_ADMIN_SECTION, &body);
        }
        out
    }

    /// Header padded with 0xFF up to the IVT. Refuses an IVT offset inside the
    /// header or beyond [`MAX_IVT_OFFSET`] (which no boot ROM could map, and
    /// which would otherwise ask for up to 4 GiB of padding).
    pub fn to_padded(&self) -> Result<Vec<u8>, BuildError> {
        let mut out = self.to_bytes();
        let ivt = self.ivt_offset as usize;
        if ivt < out.len() || self.ivt_offset > MAX_IVT_OFFSET {
            return Err(BuildError::BadIvtOffset {
                ivt_offset: self.ivt_offset,
                header_len: out.len(),
            });
        }
        out.resize(ivt, 0xFF);
        Ok(out)
    }

    /// Decode an image header from the start of `data` (`base` is its file offset).
    pub fn parse(data: &[u8], base: usize) -> Result<ParsedImageHeader, HeaderError> {
        let mut r = Reader::new(data, base);
        let magic: [u8; 2] = r.array("image header magic")?;
        if magic != MAGIC {
            return Err(HeaderError::BadMagic {
                offset: base,
                found: magic,
                expected: "\"Qq\" (51 71)",
            });
        }
        let size = r.u32("image size")?;
        let crc32 = r.u32("image CRC32")?;
        let version = r.array("version string")?;
        let timestamp = r.u32("timestamp")?;
        let ivt_offset = r.u32("IVT offset")?;

        let security = parse_security(&mut r)?;
        let device_admin = match r.peek_u16() {
            Some(DEVICE_ADMIN_SECTION) => Some(parse_device_admin(&mut r)?),
            // Erased flash (or the end of the input): no more sections.
            Some(0xFFFF) | None => None,
            Some(other) => {
                return Err(HeaderError::BadSection {
                    offset: r.file_offset(),
                    found: other,
                    expected: "0x44AA (device administration) or 0xFFFF (padding)",
                });
            }
        };
        Ok(ParsedImageHeader {
            header: ImageHeader {
                size,
                crc32,
                version,
                timestamp,
                ivt_offset,
                security,
                device_admin,
            },
            len: r.pos(),
        })
    }
}

fn push_section(out: &mut Vec<u8>, id: u16, body: &[u8]) {
    out.extend_from_slice(&id.to_le_bytes());
    let len = u16::try_from(body.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
}

/// Reads a section header, checks its id, and returns (file offset of the
/// length field, the body).
fn section<'a>(
    r: &mut Reader<'a>,
    id: u16,
    expected: &'static str,
    name: &'static str,
) -> Result<(usize, &'a [u8]), HeaderError> {
    let id_at = r.file_offset();
    let found = r.u16(name)?;
    if found != id {
        return Err(HeaderError::BadSection {
            offset: id_at,
            found,
            expected,
        });
    }
    let len_at = r.file_offset();
    let len = usize::from(r.u16(name)?);
    let body = r
        .take(len, name)
        .map_err(|_| HeaderError::BadSectionLength {
            section: name,
            offset: len_at,
            len,
            why: "the section runs past the end of the input",
        })?;
    Ok((len_at, body))
}

fn parse_security(r: &mut Reader<'_>) -> Result<SecuritySection, HeaderError> {
    let body_at = r.file_offset() + 4;
    let (len_at, body) = section(
        r,
        SECURITY_SECTION,
        "0x22AA (bytes AA 22), the security section",
        "security section",
    )?;
    if body.is_empty() {
        return Ok(SecuritySection { signature: None });
    }
    let mut b = Reader::new(body, body_at);
    let bad_len = |why| HeaderError::BadSectionLength {
        section: "security section",
        offset: len_at,
        len: body.len(),
        why,
    };
    let signing_key_index = b
        .u8("signing key index")
        .map_err(|_| bad_len("too short for key indices and nonce"))?;
    let decryption_key_index = b
        .u8("decryption key index")
        .map_err(|_| bad_len("too short for key indices and nonce"))?;
    let nonce = b
        .array("nonce")
        .map_err(|_| bad_len("too short for key indices and nonce"))?;
    let (_, signature) = section(
        &mut b,
        SIGNATURE_SECTION,
        "0x33AA (bytes AA 33), the signature",
        "signature section",
    )?;
    if b.pos() != body.len() {
        return Err(bad_len("longer than its signature subsection"));
    }
    Ok(SecuritySection {
        signature: Some(Signature {
            signing_key_index,
            decryption_key_index,
            nonce,
            signature: signature.to_vec(),
        }),
    })
}

fn parse_device_admin(r: &mut Reader<'_>) -> Result<DeviceAdminSection, HeaderError> {
    let body_at = r.file_offset() + 4;
    let (len_at, body) = section(
        r,
        DEVICE_ADMIN_SECTION,
        "0x44AA (bytes AA 44)",
        "device administration section",
    )?;
    if body.is_empty() {
        return Ok(DeviceAdminSection {
            key_revocations: None,
        });
    }
    let mut b = Reader::new(body, body_at);
    let (rev_len_at, entries) = section(
        &mut b,
        KEY_REVOCATION_SECTION,
        "0x55AA (bytes AA 55), key revocations",
        "key-revocation section",
    )?;
    if b.pos() != body.len() {
        return Err(HeaderError::BadSectionLength {
            section: "device administration section",
            offset: len_at,
            len: body.len(),
            why: "longer than its key-revocation subsection",
        });
    }
    if entries.len() % 2 != 0 {
        return Err(HeaderError::BadSectionLength {
            section: "key-revocation section",
            offset: rev_len_at,
            len: entries.len(),
            why: "entries are 2 bytes each (key type, key index)",
        });
    }
    Ok(DeviceAdminSection {
        key_revocations: Some(
            entries
                .chunks_exact(2)
                .map(|e| KeyRevocation {
                    key_type: e[0],
                    key_index: e[1],
                })
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> ImageHeader {
        let mut version = [0u8; 16];
        version[..5].copy_from_slice(b"1.2.3");
        ImageHeader {
            size: 0x1234,
            crc32: 0xDEAD_BEEF,
            version,
            timestamp: 1_700_000_000,
            ivt_offset: 0x400,
            security: SecuritySection::default(),
            device_admin: Some(DeviceAdminSection::default()),
        }
    }

    fn secure() -> ImageHeader {
        ImageHeader {
            security: SecuritySection {
                signature: Some(Signature {
                    signing_key_index: 2,
                    decryption_key_index: 5,
                    nonce: [1, 2, 3, 4, 5, 6, 7, 8],
                    signature: (0..64).collect(),
                }),
            },
            device_admin: Some(DeviceAdminSection {
                key_revocations: Some(vec![
                    KeyRevocation {
                        key_type: 0xA1,
                        key_index: 0,
                    },
                    KeyRevocation {
                        key_type: 0xA3,
                        key_index: 7,
                    },
                ]),
            }),
            ..plain()
        }
    }

    #[test]
    fn layout_of_a_plain_header() {
        let b = plain().to_bytes();
        assert_eq!(b.len(), 42);
        assert_eq!(&b[..2], b"Qq");
        assert_eq!(&b[2..6], &0x1234u32.to_le_bytes());
        assert_eq!(&b[10..15], b"1.2.3");
        assert_eq!(&b[30..34], &[0x00, 0x04, 0, 0]);
        assert_eq!(&b[34..42], &[0xAA, 0x22, 0, 0, 0xAA, 0x44, 0, 0]);
    }

    #[test]
    fn secure_layout_matches_mynewt() {
        let b = secure().to_bytes();
        // Security section: 2 key indices + 8 nonce + AA33 id/len + 64 = 78 bytes.
        assert_eq!(&b[34..38], &[0xAA, 0x22, 78, 0]);
        assert_eq!(&b[48..52], &[0xAA, 0x33, 64, 0]);
        assert_eq!(&b[116..120], &[0xAA, 0x44, 8, 0]);
        assert_eq!(&b[120..124], &[0xAA, 0x55, 4, 0]);
        assert_eq!(&b[124..128], &[0xA1, 0, 0xA3, 7]);
    }

    #[test]
    fn round_trip() {
        let without_admin = ImageHeader {
            device_admin: None,
            ..plain()
        };
        for h in [plain(), secure(), without_admin] {
            let padded = h.to_padded().unwrap();
            assert_eq!(padded.len(), 0x400);
            let p = ImageHeader::parse(&padded, 0).unwrap();
            assert_eq!(p.header, h);
            assert_eq!(p.header.to_bytes(), padded[..p.len]);
        }
    }

    #[test]
    fn errors_name_the_offset() {
        let mut b = plain().to_padded().unwrap();
        b[1] = b'Q';
        assert!(matches!(
            ImageHeader::parse(&b, 0x2000).unwrap_err(),
            HeaderError::BadMagic { offset: 0x2000, .. }
        ));

        let mut b = plain().to_padded().unwrap();
        b[35] = 0x23;
        let e = ImageHeader::parse(&b, 0x2000).unwrap_err();
        assert!(
            matches!(
                e,
                HeaderError::BadSection {
                    offset: 0x2022,
                    found: 0x23AA,
                    ..
                }
            ),
            "{e}"
        );

        let mut b = plain().to_padded().unwrap();
        b[39] = 0x45;
        let e = ImageHeader::parse(&b, 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::BadSection { offset: 38, .. }),
            "{e}"
        );

        let mut b = plain().to_padded().unwrap();
        b[36] = 3;
        let e = ImageHeader::parse(&b, 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::BadSectionLength { offset: 36, .. }),
            "{e}"
        );

        let b = plain().to_bytes();
        let e = ImageHeader::parse(&b[..20], 0).unwrap_err();
        assert!(
            matches!(e, HeaderError::Truncated { offset: 10, .. }),
            "{e}"
        );
    }

    #[test]
    fn padding_refuses_impossible_ivt_offsets() {
        // Found by the image_header fuzz target: a parsed IVT offset near 4 GiB
        // asked for 4 GiB of padding.
        for ivt_offset in [0xFFFF_FC00, 0x4000, 8] {
            let h = ImageHeader {
                ivt_offset,
                ..plain()
            };
            assert!(
                matches!(h.to_padded(), Err(BuildError::BadIvtOffset { .. })),
                "{ivt_offset:#x}"
            );
        }
    }

    #[test]
    fn version_text() {
        assert_eq!(plain().version_text(), "1.2.3");
        assert!(plain().version_is_clean());
        let mut h = plain();
        h.version[10] = b'x';
        assert!(!h.version_is_clean());
    }
}
