//! What `mb4 probe` reports about a halted DA1469x, and how a band is told
//! apart from another (for "is there a backup of *this* band?").

use mb4_da1469x::flash::JedecId;
use mb4_da1469x::peripherals::regs;
use mb4_image::{ImageHeader, ProductHeader};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::qspi::{FlashAccess, FlashError, QspiFlash};
use crate::{ProbeError, Target};

/// `CHIP_ID1..4` values ezFlashCLI accepts as DA1469x (`supportedDevices.py`).
pub const KNOWN_CHIP_IDS: [&str; 3] = ["2522", "2763", "3080"];

/// Bytes of flash holding both product-header copies.
pub const HEADER_REGION: usize = 0x2000;

/// Chip identity registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChipId {
    /// `CHIP_ID1..4` as text ("3080").
    pub id: String,
    /// `CHIP_REVISION_REG` as a letter ("A").
    pub revision: String,
    /// Whether the ID is one of the DA1469x IDs.
    pub known_da1469x: bool,
}

/// `SYS_CTRL_REG`, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SysCtrl {
    /// Raw value.
    pub raw: u32,
    /// Bit 7 DEBUGGER_ENABLE.
    pub debugger_enabled: bool,
    /// Bits 2:0 REMAP_ADR0.
    pub remap_adr0: u32,
    /// What REMAP_ADR0 shows at address 0.
    pub remap: &'static str,
    /// Bit 3 REMAP_INTVECT: SysRAM's first 0x200 bytes at 0.
    pub remap_intvect: bool,
}

/// `SECURE_BOOT_REG`, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecureBoot {
    /// Raw value.
    pub raw: u32,
    /// Bit 0: the boot ROM checks image signatures.
    pub secure_boot: bool,
    /// Bit 1: SWD to the M33 forced off after boot.
    pub force_debugger_off: bool,
    /// Bit 2: SWD to the CMAC forced off.
    pub force_cmac_debugger_off: bool,
    /// Bits 7:3: key-area read/write protections.
    pub key_protections: u32,
}

/// The flash part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlashInfo {
    /// JEDEC ID, "EF 60 16".
    pub jedec: String,
    /// Part name from the table, when listed.
    pub part: Option<String>,
    /// Size in bytes (table, else the ID's density code).
    pub size: Option<u32>,
}

/// The product header, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderInfo {
    /// Copy at 0x0: "valid", "bad CRC", "erased", or what failed.
    pub primary: String,
    /// Copy at 0x1000.
    pub backup: String,
    /// Active image address of the copy the boot ROM would use.
    pub active_image: Option<u32>,
    /// Update image address.
    pub update_image: Option<u32>,
}

/// The active image, in brief (its CRC is not checked here: that needs the
/// whole image; `mb4 dump` then `mb4 image inspect` does it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// Flash offset.
    pub address: u32,
    /// "valid header", or what is wrong.
    pub status: String,
    /// Payload size from the header.
    pub size: Option<u32>,
    /// Version string.
    pub version: Option<String>,
}

/// Everything `mb4 probe` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeReport {
    /// The link (server kind and address).
    pub link: String,
    /// Chip identity.
    pub chip: ChipId,
    /// SYS_CTRL_REG.
    pub sys_ctrl: SysCtrl,
    /// SECURE_BOOT_REG.
    pub secure_boot: SecureBoot,
    /// Flash part.
    pub flash: FlashInfo,
    /// Product header.
    pub product_header: HeaderInfo,
    /// Active image.
    pub active_image: Option<ImageInfo>,
    /// Identity of this band (see [`BandId`]).
    pub band_id: String,
}

/// A band's identity: chip ID, flash JEDEC ID and a hash of the product-header
/// sectors. Two bands with the same stock firmware share it; that is fine for
/// its one job — refusing to write a band nobody backed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BandId {
    /// CHIP_ID text and revision.
    pub chip: String,
    /// JEDEC ID, hex without spaces.
    pub jedec: String,
    /// SHA-256 of flash 0x0000..0x2000, hex.
    pub header_sha256: String,
}

impl BandId {
    /// Compute from the parts.
    pub fn new(chip: &ChipId, jedec: JedecId, header_region: &[u8]) -> BandId {
        BandId {
            chip: format!("{}{}", chip.id, chip.revision),
            jedec: jedec.to_string().replace(' ', ""),
            header_sha256: sha256_hex(header_region),
        }
    }

    /// One word: `3080A-EF6016-<16 hex digits>`, safe as a file name.
    pub fn fingerprint(&self) -> String {
        format!("{}-{}-{}", self.chip, self.jedec, &self.header_sha256[..16])
    }
}

/// Hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn ascii(v: u32) -> char {
    let b = (v & 0xFF) as u8;
    if b.is_ascii_graphic() { b as char } else { '?' }
}

/// Read CHIP_ID1..4 and the revision.
pub fn read_chip_id<T: Target>(t: &mut T) -> Result<ChipId, ProbeError> {
    let mut id = String::new();
    for i in 0..4 {
        id.push(ascii(t.read_u32(regs::CHIP_ID1_REG + 4 * i)?));
    }
    let revision = ascii(t.read_u32(regs::CHIP_REVISION_REG)?).to_string();
    let known_da1469x = KNOWN_CHIP_IDS.contains(&id.as_str());
    Ok(ChipId {
        id,
        revision,
        known_da1469x,
    })
}

/// Decode SYS_CTRL_REG.
pub fn sys_ctrl(raw: u32) -> SysCtrl {
    let remap_adr0 = raw & 7;
    SysCtrl {
        raw,
        debugger_enabled: raw & (1 << 7) != 0,
        remap_adr0,
        remap: match remap_adr0 {
            0 => "ROM",
            1 => "OTP",
            2 => "QSPI flash",
            3 => "SysRAM",
            _ => "reserved",
        },
        remap_intvect: raw & (1 << 3) != 0,
    }
}

/// Decode SECURE_BOOT_REG.
pub fn secure_boot(raw: u32) -> SecureBoot {
    SecureBoot {
        raw,
        secure_boot: raw & 1 != 0,
        force_debugger_off: raw & 2 != 0,
        force_cmac_debugger_off: raw & 4 != 0,
        key_protections: (raw >> 3) & 0x1F,
    }
}

/// Look a JEDEC ID up in the parts table; size from the table, else the ID.
pub fn flash_info(jedec: JedecId) -> FlashInfo {
    let part = mb4_da1469x::flash::parts().by_jedec(jedec);
    FlashInfo {
        jedec: jedec.to_string(),
        part: part.map(|p| p.name.clone()),
        size: part
            .map(|p| p.size)
            .or_else(|| jedec.capacity_bytes().and_then(|s| u32::try_from(s).ok())),
    }
}

fn header_status(sector: &[u8]) -> (String, Option<ProductHeader>) {
    if sector.iter().all(|&b| b == 0xFF) {
        return ("erased".into(), None);
    }
    match ProductHeader::parse(sector, 0) {
        Ok(p) if p.crc_ok() => ("valid".into(), Some(p.header)),
        Ok(p) => (
            format!(
                "bad CRC (stored {:#06x}, computed {:#06x})",
                p.stored_crc, p.computed_crc
            ),
            None,
        ),
        Err(e) => (e.to_string(), None),
    }
}

/// Decode the two product-header copies (flash 0..0x2000).
pub fn header_info(region: &[u8]) -> HeaderInfo {
    let (primary, p0) = header_status(&region[..0x1000.min(region.len())]);
    let (backup, p1) = header_status(region.get(0x1000..).unwrap_or(&[]));
    let used = p0.or(p1);
    HeaderInfo {
        primary,
        backup,
        active_image: used.as_ref().map(|h| h.active_image),
        update_image: used.as_ref().map(|h| h.update_image),
    }
}

/// Decode an image header from its first bytes.
pub fn image_info(address: u32, head: &[u8]) -> ImageInfo {
    match ImageHeader::parse(head, address as usize) {
        Ok(p) => ImageInfo {
            address,
            status: "valid header".into(),
            size: Some(p.header.size),
            version: Some(p.header.version_text()),
        },
        Err(e) => ImageInfo {
            address,
            status: e.to_string(),
            size: None,
            version: None,
        },
    }
}

/// Read everything `mb4 probe` shows. The core must be halted.
pub fn probe<T: Target>(flash: &mut QspiFlash<T>) -> Result<ProbeReport, FlashError> {
    let t = flash.target_mut();
    let link = t.describe();
    let chip = read_chip_id(t)?;
    let sys_ctrl = sys_ctrl(t.read_u32(regs::SYS_CTRL_REG)?);
    let secure_boot = secure_boot(t.read_u32(regs::SECURE_BOOT_REG)?);
    let jedec = flash.jedec_id()?;
    let info = flash_info(jedec);
    if let Some(size) = info.size {
        flash.set_size(size);
    }
    flash.ensure_readable()?;
    let mut region = vec![0u8; HEADER_REGION];
    flash.read(0, &mut region)?;
    let product_header = header_info(&region);
    let active_image = match product_header.active_image {
        Some(a) if flash.size().is_none_or(|s| a < s) => {
            let mut head = vec![0u8; 0x400];
            let n = flash
                .size()
                .map_or(head.len(), |s| head.len().min((s - a) as usize));
            flash.read(a, &mut head[..n])?;
            Some(image_info(a, &head[..n]))
        }
        _ => None,
    };
    let band_id = BandId::new(&chip, jedec, &region).fingerprint();
    Ok(ProbeReport {
        link,
        chip,
        sys_ctrl,
        secure_boot,
        flash: info,
        product_header,
        active_image,
        band_id,
    })
}

impl std::fmt::Display for ProbeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes = |b: bool| if b { "yes" } else { "no" };
        writeln!(f, "link           {}", self.link)?;
        writeln!(
            f,
            "chip           DA1469x ID {} revision {}{}",
            self.chip.id,
            self.chip.revision,
            if self.chip.known_da1469x {
                ""
            } else {
                "  (not a DA1469x ID!)"
            }
        )?;
        writeln!(
            f,
            "flash          JEDEC {}  {}  {}",
            self.flash.jedec,
            self.flash
                .part
                .as_deref()
                .unwrap_or("(part not in our table)"),
            self.flash
                .size
                .map_or("size unknown".to_string(), |s| format!("{} KiB", s / 1024))
        )?;
        writeln!(
            f,
            "debugger       enabled: {}   address 0 shows: {}{}   (SYS_CTRL_REG {:#06x})",
            yes(self.sys_ctrl.debugger_enabled),
            self.sys_ctrl.remap,
            if self.sys_ctrl.remap_intvect {
                " + RAM vectors"
            } else {
                ""
            },
            self.sys_ctrl.raw
        )?;
        writeln!(
            f,
            "secure boot    {}   debugger forced off: {}   CMAC debugger forced off: {}   (SECURE_BOOT_REG {:#04x})",
            yes(self.secure_boot.secure_boot),
            yes(self.secure_boot.force_debugger_off),
            yes(self.secure_boot.force_cmac_debugger_off),
            self.secure_boot.raw
        )?;
        write!(
            f,
            "product header 0x0000: {}   0x1000: {}",
            self.product_header.primary, self.product_header.backup
        )?;
        if let (Some(a), Some(u)) = (
            self.product_header.active_image,
            self.product_header.update_image,
        ) {
            write!(f, "   active {a:#x}, update {u:#x}")?;
        }
        writeln!(f)?;
        match &self.active_image {
            Some(i) => writeln!(
                f,
                "active image   {:#x}: {}{}{}",
                i.address,
                i.status,
                i.version
                    .as_deref()
                    .map_or(String::new(), |v| format!(", version {v:?}")),
                i.size.map_or(String::new(), |s| format!(", {s} bytes"))
            )?,
            None => writeln!(f, "active image   none")?,
        }
        write!(f, "band id        {}", self.band_id)
    }
}
