//! Decode a flash image, a bare image, a raw flash dump or an ELF, and run
//! every check the boot ROM (or common sense) would.
//!
//! Each finding is a [`Check`] with a subject ("product header @0x0000"), a
//! stable name ("crc16"), a status and a plain-words detail. Within one
//! subject, checks run in order and stop at the first failed error: a header
//! whose CRC is wrong has no trustworthy addresses to check. So one corrupted
//! byte makes exactly one check fail, which is what the tests rely on.

use mb4_da1469x::flash::{self, parts};
use mb4_da1469x::memory_map::{self, RegionKind};
use serde::Serialize;

use crate::builder::{MIN_CACHE_REGION, check_image_address};
use crate::crc::crc32;
use crate::elf::{self, ElfPayload};
use crate::image_header::{self, ImageHeader};
use crate::product_header::{self, ProductHeader};
use crate::{DEFAULT_IMAGE_ADDRESS, PRODUCT_HEADER_COPY_OFFSET, PRODUCT_HEADER_SECTOR};

/// What the input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Starts with a product header (a build output or a flash dump).
    FlashImage,
    /// Starts with an image header ('Qq').
    Image,
    /// An ELF file.
    Elf,
    /// None of the above.
    Unknown,
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
    /// Not run, because an earlier check of the same subject failed.
    Skipped,
}

/// How bad a failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The boot ROM would refuse it, or the data is damaged.
    Error,
    /// Odd but harmless to the boot ROM (padding, version text).
    Warning,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked, e.g. "product header @0x0000".
    pub subject: String,
    /// Stable check name, e.g. "crc16".
    pub name: &'static str,
    /// Outcome.
    pub status: Status,
    /// Error or warning.
    pub severity: Severity,
    /// What was found, in plain words.
    pub detail: String,
}

/// One byte of the flash-config section, with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigByte {
    /// The byte.
    pub value: u8,
    /// Command name for the first byte; "data" for the others.
    pub meaning: String,
}

/// A decoded product header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductHeaderReport {
    /// File offset.
    pub offset: usize,
    /// Active image address.
    pub active_image: u32,
    /// Update image address.
    pub update_image: u32,
    /// QSPIC_BURSTCMDA_REG value.
    pub burstcmda: u32,
    /// QSPIC_BURSTCMDB_REG value.
    pub burstcmdb: u32,
    /// QSPIC_CTRLMODE_REG value (DA1470x-style headers only).
    pub ctrlmode: Option<u32>,
    /// Flash-config bytes, named.
    pub flash_config: Vec<ConfigByte>,
    /// CRC stored.
    pub stored_crc: u16,
    /// CRC computed.
    pub computed_crc: u16,
    /// Flash parts whose table entry has these burst commands and config bytes.
    pub flash_parts: Vec<String>,
}

/// The signature block of a security section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureReport {
    /// OTP slot of the verifying key.
    pub signing_key_index: u8,
    /// OTP slot of the decryption key.
    pub decryption_key_index: u8,
    /// Nonce, hex.
    pub nonce: String,
    /// Signature length in bytes.
    pub signature_len: usize,
}

/// One key-revocation entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevocationReport {
    /// Key type byte.
    pub key_type: u8,
    /// What the type means.
    pub kind: &'static str,
    /// OTP slot.
    pub key_index: u8,
}

/// A decoded image header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageHeaderReport {
    /// File offset of the header.
    pub offset: usize,
    /// Payload size.
    pub size: u32,
    /// CRC-32 stored.
    pub crc32: u32,
    /// Version text (up to the first NUL).
    pub version: String,
    /// Timestamp, seconds since 1970.
    pub timestamp: u32,
    /// The same, as a UTC date.
    pub timestamp_utc: String,
    /// IVT offset.
    pub ivt_offset: u32,
    /// Signature block, if the security section has one.
    pub signature: Option<SignatureReport>,
    /// Whether a device-administration section is present.
    pub device_admin: bool,
    /// Key revocations in it.
    pub key_revocations: Vec<RevocationReport>,
}

/// The first two vector-table entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorTableReport {
    /// File offset (or load address for an ELF) of the table.
    pub at: u64,
    /// Initial stack pointer.
    pub initial_sp: u32,
    /// Memory region it points into (the byte below it, as the stack grows down),
    /// e.g. "sysram (RAM)".
    pub initial_sp_region: Option<String>,
    /// Reset handler address (bit 0 = Thumb).
    pub reset_handler: u32,
    /// Memory region it points into, e.g. "qspi-cached (flash)".
    pub reset_handler_region: Option<String>,
}

/// ELF facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElfReport {
    /// Entry point.
    pub entry: u64,
    /// Lowest load address.
    pub load_start: u64,
    /// Bytes that would go to flash.
    pub payload_len: usize,
    /// Image address this ELF was linked for.
    pub linked_image_address: Option<u64>,
    /// Loadable segments: (load address, run address, file size, memory size).
    pub segments: Vec<[u64; 4]>,
}

/// The image in the update slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateImageReport {
    /// Its flash offset.
    pub address: u32,
    /// Its header, when it could be decoded.
    pub image_header: Option<ImageHeaderReport>,
    /// Its vector table.
    pub vector_table: Option<VectorTableReport>,
}

/// Everything `inspect` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// What the input is.
    pub kind: InputKind,
    /// Its size in bytes.
    pub file_size: usize,
    /// Product headers that could be decoded.
    pub product_headers: Vec<ProductHeaderReport>,
    /// Flash offset of the image that was decoded, when known.
    pub image_address: Option<u32>,
    /// The image header, when it could be decoded.
    pub image_header: Option<ImageHeaderReport>,
    /// The vector table, when there is one.
    pub vector_table: Option<VectorTableReport>,
    /// The update image, when the product header names one apart from the active image.
    pub update_image: Option<UpdateImageReport>,
    /// ELF facts, for ELF input.
    pub elf: Option<ElfReport>,
    /// Every check, in the order run.
    pub checks: Vec<Check>,
}

impl Report {
    /// Failed checks of severity error.
    pub fn errors(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Fail && c.severity == Severity::Error)
    }

    /// Failed checks of any severity.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }

    /// Whether nothing failed.
    pub fn is_valid(&self) -> bool {
        self.failures().next().is_none()
    }
}

/// Runs the checks of one subject in order, skipping the rest after a failed error.
struct Subject<'a> {
    checks: &'a mut Vec<Check>,
    name: String,
    blocked_by: Option<&'static str>,
}

impl<'a> Subject<'a> {
    fn new(checks: &'a mut Vec<Check>, name: String) -> Self {
        Subject {
            checks,
            name,
            blocked_by: None,
        }
    }

    /// Run `f` (detail on success, detail on failure) unless blocked; true if it passed.
    fn run(
        &mut self,
        name: &'static str,
        severity: Severity,
        f: impl FnOnce() -> Result<String, String>,
    ) -> bool {
        let (status, detail) = match self.blocked_by {
            Some(blocker) => (Status::Skipped, format!("not checked: {blocker} failed")),
            None => match f() {
                Ok(d) => (Status::Pass, d),
                Err(d) => {
                    if severity == Severity::Error {
                        self.blocked_by = Some(name);
                    }
                    (Status::Fail, d)
                }
            },
        };
        self.checks.push(Check {
            subject: self.name.clone(),
            name,
            status,
            severity,
            detail,
        });
        status == Status::Pass
    }

    fn failed(&self) -> bool {
        self.blocked_by.is_some()
    }
}

/// Inspect any input.
pub fn inspect(data: &[u8]) -> Report {
    let mut report = Report {
        kind: InputKind::Unknown,
        file_size: data.len(),
        product_headers: Vec::new(),
        image_address: None,
        image_header: None,
        vector_table: None,
        update_image: None,
        elf: None,
        checks: Vec::new(),
    };
    let at = |off: usize, magic: &[u8]| data.get(off..off + 2) == Some(magic);
    if elf::is_elf(data) {
        report.kind = InputKind::Elf;
        inspect_elf(data, &mut report);
    } else if at(0, &product_header::MAGIC) {
        report.kind = InputKind::FlashImage;
        inspect_flash(data, &mut report);
    } else if at(0, &image_header::MAGIC) {
        report.kind = InputKind::Image;
        inspect_image(
            data,
            0,
            None,
            u64::from(crate::builder::FLASH_WINDOW),
            &mut report,
        );
    } else if at(PRODUCT_HEADER_COPY_OFFSET, &product_header::MAGIC)
        || at(DEFAULT_IMAGE_ADDRESS as usize, &image_header::MAGIC)
    {
        // A flash image whose first product header is damaged.
        report.kind = InputKind::FlashImage;
        inspect_flash(data, &mut report);
    } else {
        let start: Vec<String> = data.iter().take(4).map(|b| format!("{b:02X}")).collect();
        let detail = if data.is_empty() {
            "the file is empty".to_string()
        } else {
            format!(
                "not a flash image ('Pp' at 0x0 or 0x1000, or 'Qq' at 0x2000), not an image ('Qq' at 0) \
                 and not an ELF; it starts with {}",
                start.join(" ")
            )
        };
        Subject::new(&mut report.checks, "file".into())
            .run("format", Severity::Error, || Err(detail));
    }
    report
}

fn inspect_flash(data: &[u8], report: &mut Report) {
    let mut located: Option<(u32, u32, u64)> = None;
    for offset in [0, PRODUCT_HEADER_COPY_OFFSET] {
        let mut s = Subject::new(&mut report.checks, format!("product header @{offset:#06x}"));
        let mut parsed = None;
        s.run("magic", Severity::Error, || {
            match data.get(offset..offset + 2) {
                Some(m) if m == product_header::MAGIC => Ok("'Pp'".into()),
                Some(m) => Err(format!(
                    "found {:02X} {:02X}, expected 'Pp' (50 70)",
                    m[0], m[1]
                )),
                None => Err(format!(
                    "the file ends at {:#x}, before this header",
                    data.len()
                )),
            }
        });
        s.run("structure", Severity::Error, || {
            let p = ProductHeader::parse(&data[offset..], offset).map_err(|e| e.to_string())?;
            let n = p.header.flash_config.len();
            parsed = Some(p);
            Ok(format!("flash-config section (0xAA11) with {n} bytes"))
        });
        let flash_size = parsed
            .as_ref()
            .map(|p| guess_flash_size(&p.header))
            .unwrap_or(u64::from(crate::builder::FLASH_WINDOW));
        if let Some(p) = &parsed {
            s.run("crc16", Severity::Error, || {
                if p.crc_ok() {
                    Ok(format!("{:#06x}", p.stored_crc))
                } else {
                    Err(format!(
                        "stored {:#06x}, computed {:#06x}: the header is damaged",
                        p.stored_crc, p.computed_crc
                    ))
                }
            });
            s.run("image addresses", Severity::Error, || {
                for (what, addr) in [("active", p.header.active_image), ("update", p.header.update_image)] {
                    check_image_address(addr).map_err(|e| format!("{what} {e}"))?;
                    if u64::from(addr) >= flash_size {
                        return Err(format!(
                            "{what} image address {addr:#x} is past the end of the flash ({flash_size:#x} bytes)"
                        ));
                    }
                }
                Ok(format!(
                    "active {:#x}, update {:#x}",
                    p.header.active_image, p.header.update_image
                ))
            });
            let end = offset + PRODUCT_HEADER_SECTOR;
            s.run("padding", Severity::Warning, || {
                check_erased(data, offset + p.len, end, "product header sector")
            });
            let ok = !s.failed();
            report
                .product_headers
                .push(product_header_report(offset, p));
            if ok && located.is_none() {
                located = Some((p.header.active_image, p.header.update_image, flash_size));
            }
        }
    }
    // The ROM falls back to the copy; with neither valid, look where images usually are.
    let (address, update, flash_size) = located.unwrap_or((
        DEFAULT_IMAGE_ADDRESS,
        DEFAULT_IMAGE_ADDRESS,
        u64::from(crate::builder::FLASH_WINDOW),
    ));
    report.image_address = Some(address);
    inspect_image(data, address as usize, Some(address), flash_size, report);
    if update != address {
        inspect_update_slot(data, update, flash_size, report);
    }
}

/// The update slot, when the product header names one apart from the active
/// image: empty (erased, or beyond the end of a build output) or an image.
fn inspect_update_slot(data: &[u8], update: u32, flash_size: u64, report: &mut Report) {
    let offset = update as usize;
    let head = data.get(offset..offset + 2);
    if head == Some(&image_header::MAGIC[..]) {
        let mut sub = Report {
            kind: report.kind,
            file_size: report.file_size,
            product_headers: Vec::new(),
            image_address: None,
            image_header: None,
            vector_table: None,
            update_image: None,
            elf: None,
            checks: Vec::new(),
        };
        inspect_image(data, offset, Some(update), flash_size, &mut sub);
        report.checks.append(&mut sub.checks);
        report.update_image = Some(UpdateImageReport {
            address: update,
            image_header: sub.image_header,
            vector_table: sub.vector_table,
        });
        return;
    }
    let mut s = Subject::new(&mut report.checks, format!("update slot @{offset:#06x}"));
    s.run("contents", Severity::Warning, || match head {
        None => Ok(format!(
            "not in this file (it ends at {:#x}): nothing to check",
            data.len()
        )),
        Some([0xFF, 0xFF]) => Ok("erased: no update image waiting".into()),
        Some(m) => Err(format!(
            "starts with {:02X} {:02X}: neither an image ('Qq') nor erased flash",
            m[0], m[1]
        )),
    });
}

fn guess_flash_size(h: &ProductHeader) -> u64 {
    parts()
        .by_header_values(h.burstcmda, h.burstcmdb, &h.flash_config)
        .iter()
        .map(|p| u64::from(p.size))
        .max()
        .unwrap_or(u64::from(crate::builder::FLASH_WINDOW))
}

fn product_header_report(
    offset: usize,
    p: &product_header::ParsedProductHeader,
) -> ProductHeaderReport {
    let h = &p.header;
    ProductHeaderReport {
        offset,
        active_image: h.active_image,
        update_image: h.update_image,
        burstcmda: h.burstcmda,
        burstcmdb: h.burstcmdb,
        ctrlmode: h.ctrlmode,
        flash_config: h
            .flash_config
            .iter()
            .enumerate()
            .map(|(i, &value)| ConfigByte {
                value,
                meaning: if i == 0 {
                    flash::command_name(value)
                        .unwrap_or("unknown command")
                        .to_string()
                } else {
                    "data".to_string()
                },
            })
            .collect(),
        stored_crc: p.stored_crc,
        computed_crc: p.computed_crc,
        flash_parts: parts()
            .by_header_values(h.burstcmda, h.burstcmdb, &h.flash_config)
            .iter()
            .map(|p| p.name.clone())
            .collect(),
    }
}

fn check_erased(data: &[u8], start: usize, end: usize, what: &str) -> Result<String, String> {
    let present = &data[start.min(data.len())..end.min(data.len())];
    if let Some(i) = present.iter().position(|&b| b != 0xFF) {
        return Err(format!(
            "byte {:#04x} at {:#x} in the {what}'s padding (erased flash reads 0xFF)",
            present[i],
            start + i
        ));
    }
    if end > data.len() {
        return Err(format!(
            "the file ends at {:#x}, inside the {what} (truncated)",
            data.len()
        ));
    }
    Ok(format!("{:#x}..{end:#x} erased", start))
}

/// Inspect the image whose header is at file offset `offset`; `address` is its
/// flash offset when known.
fn inspect_image(
    data: &[u8],
    offset: usize,
    address: Option<u32>,
    flash_size: u64,
    report: &mut Report,
) {
    let mut s = Subject::new(&mut report.checks, format!("image header @{offset:#06x}"));
    let mut parsed = None;
    s.run("magic", Severity::Error, || {
        match data.get(offset..offset + 2) {
            Some(m) if m == image_header::MAGIC => Ok("'Qq'".into()),
            Some(m) => Err(format!(
                "found {:02X} {:02X}, expected 'Qq' (51 71)",
                m[0], m[1]
            )),
            None => Err(format!(
                "the image should start at {offset:#x}, but the file ends at {:#x}",
                data.len()
            )),
        }
    });
    s.run("sections", Severity::Error, || {
        let p = ImageHeader::parse(&data[offset..], offset).map_err(|e| e.to_string())?;
        let detail = if p.header.security.signature.is_some() {
            "security section with a signature"
        } else {
            "security section (empty: not signed)"
        };
        let admin = if p.header.device_admin.is_some() {
            ", device administration section"
        } else {
            ""
        };
        let detail = format!("{detail}{admin}");
        parsed = Some(p);
        Ok(detail)
    });
    let Some(p) = parsed else { return };
    let h = &p.header;
    report.image_header = Some(image_header_report(offset, h));
    let ivt = h.ivt_offset as usize;
    // CACHE_FLASH_REG.FLASH_REGION_OFFSET counts 32-bit words in 12 bits, so the
    // vector table must lie within 0x3FFC bytes of the cached region's base
    // (inferred from the register layout and ezFlashCLI's 3-sector rule).
    let past_region = address.map_or(0, |a| a % MIN_CACHE_REGION) as usize;
    s.run("ivt offset", Severity::Error, || {
        if !ivt.is_multiple_of(4) {
            Err(format!("{ivt:#x} is not a multiple of 4"))
        } else if ivt < p.len {
            Err(format!(
                "{ivt:#x} points inside the header, which is {:#x} bytes",
                p.len
            ))
        } else if past_region + ivt > image_header::MAX_IVT_OFFSET as usize {
            Err(format!(
                "{ivt:#x} puts the vector table {:#x} bytes past the cached region's base; \
                 CACHE_FLASH_REG can offset at most 0x3FFC",
                past_region + ivt
            ))
        } else {
            Ok(format!("{ivt:#x}"))
        }
    });
    let start = offset + ivt;
    let end = start as u64 + u64::from(h.size);
    s.run("size", Severity::Error, || {
        if h.size == 0 {
            return Err("the image is empty".into());
        }
        if let Some(a) = address
            && u64::from(a) + ivt as u64 + u64::from(h.size) > flash_size
        {
            return Err(format!(
                "the image would end at flash offset {:#x}, past the end of the flash ({flash_size:#x} bytes)",
                u64::from(a) + ivt as u64 + u64::from(h.size)
            ));
        }
        if end > data.len() as u64 {
            return Err(format!(
                "{} bytes from {start:#x} would end at {end:#x}, but the file ends at {:#x} (truncated, or a wrong size)",
                h.size,
                data.len()
            ));
        }
        Ok(format!("{} bytes", h.size))
    });
    s.run("crc32", Severity::Error, || {
        let computed = crc32(&data[start..end as usize]);
        if computed == h.crc32 {
            Ok(format!("{computed:#010x}"))
        } else {
            Err(format!(
                "stored {:#010x}, computed {computed:#010x}: the image is damaged",
                h.crc32
            ))
        }
    });
    s.run("version", Severity::Warning, || {
        if h.version_is_clean() {
            Ok(format!("{:?}", h.version_text()))
        } else {
            Err(format!(
                "the 16-byte field is not printable ASCII padded with NULs: {:02X?}",
                h.version
            ))
        }
    });
    s.run("padding", Severity::Warning, || {
        check_erased(data, offset + p.len, start, "image header")
    });
    let image_ok = !s.failed();
    let payload = &data[start.min(data.len())..(end.min(data.len() as u64)) as usize];
    let location = address.map(|a| (a as u64 + ivt as u64, h.size));
    vector_table(payload, start as u64, location, image_ok, report);
}

fn image_header_report(offset: usize, h: &ImageHeader) -> ImageHeaderReport {
    ImageHeaderReport {
        offset,
        size: h.size,
        crc32: h.crc32,
        version: h.version_text(),
        timestamp: h.timestamp,
        timestamp_utc: utc(h.timestamp),
        ivt_offset: h.ivt_offset,
        signature: h.security.signature.as_ref().map(|s| SignatureReport {
            signing_key_index: s.signing_key_index,
            decryption_key_index: s.decryption_key_index,
            nonce: s.nonce.iter().map(|b| format!("{b:02x}")).collect(),
            signature_len: s.signature.len(),
        }),
        device_admin: h.device_admin.is_some(),
        key_revocations: h
            .device_admin
            .iter()
            .flat_map(|d| d.key_revocations.iter().flatten())
            .map(|r| RevocationReport {
                key_type: r.key_type,
                kind: r.kind_name(),
                key_index: r.key_index,
            })
            .collect(),
    }
}

/// Decode and check the first two vector-table entries. `location` is the
/// flash offset of the vector table and the payload size, when known.
fn vector_table(
    payload: &[u8],
    at: u64,
    location: Option<(u64, u32)>,
    run: bool,
    report: &mut Report,
) {
    let mut s = Subject::new(&mut report.checks, format!("vector table @{at:#06x}"));
    if !run {
        s.blocked_by = Some("an image header check");
    }
    let word = |i: usize| {
        payload
            .get(i * 4..i * 4 + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(sp), Some(reset)) = (word(0), word(1)) else {
        s.run("initial sp", Severity::Error, || {
            Err(format!(
                "the image has {} bytes, too few for a vector table",
                payload.len()
            ))
        });
        return;
    };
    let region_name =
        |a: u32| memory_map::region_of(a).map(|r| format!("{} ({})", r.name, kind_words(r.kind)));
    report.vector_table = Some(VectorTableReport {
        at,
        initial_sp: sp,
        initial_sp_region: region_name(sp.wrapping_sub(1)),
        reset_handler: reset,
        reset_handler_region: region_name(reset & !1),
    });
    s.run("initial sp", Severity::Error, || {
        let region = memory_map::region_of(sp.wrapping_sub(1));
        match region {
            _ if sp % 4 != 0 => Err(format!("{sp:#010x} is not 4-byte aligned")),
            Some(r) if r.kind == RegionKind::Ram => {
                Ok(format!("{sp:#010x}, top of a stack in {}", r.name))
            }
            Some(r) => Err(format!(
                "{sp:#010x} is in {} ({:?}), not RAM",
                r.name, r.kind
            )),
            None => Err(format!("{sp:#010x} is not in any DA1469x memory region")),
        }
    });
    s.run("reset handler", Severity::Error, || {
        let target = reset & !1;
        if reset & 1 == 0 {
            return Err(format!("{reset:#010x} has bit 0 clear: the Cortex-M33 runs Thumb code only and would fault"));
        }
        let region = memory_map::region_of(target)
            .ok_or_else(|| format!("{reset:#010x} is not in any DA1469x memory region"))?;
        let inside = |at: u64, from: u64, len: u32| (from..from + u64::from(len)).contains(&at);
        match (region.kind, location) {
            (RegionKind::Flash, Some((ivt_at, size))) => {
                let offset = memory_map::flash_offset_of(target).map_or(0, u64::from);
                if inside(offset, ivt_at, size) {
                    Ok(format!("{reset:#010x}, in the image in {}", region.name))
                } else {
                    Err(format!(
                        "{reset:#010x} is flash offset {offset:#x}, outside the image ({ivt_at:#x}..{:#x})",
                        ivt_at + u64::from(size)
                    ))
                }
            }
            (RegionKind::RemapWindow, Some((_, size))) => {
                if inside(u64::from(target), 0, size) {
                    Ok(format!("{reset:#010x}, in the image as remapped to address 0"))
                } else {
                    Err(format!("{reset:#010x} is past the image's {size:#x} bytes as remapped to address 0"))
                }
            }
            (RegionKind::Flash | RegionKind::RemapWindow, None) => Ok(format!("{reset:#010x}, in {}", region.name)),
            (kind, _) => Err(format!(
                "{reset:#010x} is in {} ({kind:?}); at reset only flash holds code",
                region.name
            )),
        }
    });
}

/// What a region kind means to someone reading a vector table.
fn kind_words(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::RemapWindow => "remap window: the image's flash after boot",
        RegionKind::Rom => "boot ROM",
        RegionKind::Otp => "OTP",
        RegionKind::Flash => "flash",
        RegionKind::Ram => "RAM",
        RegionKind::Psram => "PSRAM",
        RegionKind::Peripherals => "peripheral registers",
        RegionKind::PrivatePeripheralBus => "Cortex-M private peripheral bus",
    }
}

fn inspect_elf(data: &[u8], report: &mut Report) {
    let mut s = Subject::new(&mut report.checks, "elf".into());
    let mut loaded: Option<ElfPayload> = None;
    s.run("format", Severity::Error, || {
        let p = elf::load(data).map_err(|e| e.to_string())?;
        let n = p.segments.len();
        loaded = Some(p);
        Ok(format!(
            "32-bit little-endian ARM executable, {n} loadable segment(s)"
        ))
    });
    let Some(p) = loaded else { return };
    report.elf = Some(ElfReport {
        entry: p.entry,
        load_start: p.load_start,
        payload_len: p.payload.len(),
        linked_image_address: p.linked_image_address(),
        segments: p
            .segments
            .iter()
            .map(|g| [g.load_address, g.run_address, g.file_size, g.mem_size])
            .collect(),
    });
    let mut image_address = None;
    s.run("placement", Severity::Error, || {
        let addr = p.linked_image_address().ok_or_else(|| {
            format!(
                "the vector table is at {:#010x}, below 0x16000400, where no image can put it",
                p.load_start
            )
        })?;
        let addr32 =
            u32::try_from(addr).map_err(|_| format!("image address {addr:#x} is impossible"))?;
        check_image_address(addr32).map_err(|e| format!("linked for {e}"))?;
        image_address = Some(addr32);
        Ok(format!(
            "vector table at {:#010x}: an image at flash offset {addr:#x}",
            p.load_start
        ))
    });
    let ok = !s.failed();
    report.image_address = image_address;
    let len = u32::try_from(p.payload.len()).unwrap_or(u32::MAX);
    let location =
        image_address.map(|a| (u64::from(a) + u64::from(crate::DEFAULT_IVT_OFFSET), len));
    vector_table(&p.payload, p.load_start, location, ok, report);
}

/// Seconds since 1970 as `YYYY-MM-DD hh:mm:ss UTC` (proleptic Gregorian).
pub fn utc(seconds: u32) -> String {
    let days = i64::from(seconds / 86_400);
    let rem = seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(u32::MAX), "2106-02-07 06:28:15 UTC");
    }

    #[test]
    fn garbage_is_named_not_a_panic() {
        for data in [
            &b""[..],
            b"hello",
            b"\x7fELF",
            b"Pp",
            b"Qq",
            b"Qq\xff\xff\xff\xff",
        ] {
            let r = inspect(data);
            assert!(!r.is_valid(), "{data:?}");
        }
    }
}
