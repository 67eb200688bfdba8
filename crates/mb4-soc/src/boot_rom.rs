//! What the DA1469x boot ROM does, as behaviour (its code is not public).
//!
//! From power-on or a chip reset, [`boot`] does to the SoC what the ROM's
//! stores would, through the same registers, and returns the CPU's initial
//! state:
//!
//! 1. Leaves the clocks as reset put them (RC32M), turns on the QSPI and OTP
//!    clocks (`CLK_AMBA_REG`) and the debugger (`SYS_CTRL_REG.DEBUGGER_ENABLE`).
//! 2. Runs the OTP configuration script at OTP 0xC00 if it starts with
//!    0xA5A5A5A5: register/value pairs (type below 0x6000_0000) are written
//!    through the bus; booter and trim entries are skipped; 0 or 0xFFFFFFFF
//!    ends it (hal `da1469x_trimv.c` walks the same format).
//! 3. Reads the product header at flash 0x0, and if its magic, layout or
//!    CRC-16/CCITT-FALSE (initial 0xFFFF, over every byte before it) is wrong,
//!    the copy at 0x1000.
//! 4. Programs `QSPIC_BURSTCMDA_REG`/`QSPIC_BURSTCMDB_REG` from it and sends
//!    the flash-config bytes in manual single-SPI mode, then enters auto mode.
//!    **Assumption** (the byte format is not documented): a write enable
//!    (06) first, then all bytes but the last as one command, as ezFlashCLI
//!    does when it configures the QSPIC itself (it calls the last byte a
//!    terminator); the ROM then waits for the flash's busy bit.
//! 5. Checks the image header at the active image address: `Qq`, then, when
//!    the size field is non-zero, the CRC-32 (zlib) of `size` bytes from the
//!    IVT offset. **Assumption**: a zero size skips the check, since
//!    ezFlashCLI writes zero size and CRC and its images boot; a non-zero
//!    size with a wrong CRC is refused. If the active image fails, the update
//!    image address is tried.
//! 6. Sets `CACHE_FLASH_REG` so the remap window starts at image + IVT offset
//!    (region base = image address rounded down to the region size, offset =
//!    the rest + IVT offset, which the 12-bit word field limits to 16 KiB; the
//!    largest region that allows it, 32 MiB to 256 KiB), and
//!    `SYS_CTRL_REG.REMAP_ADR0` = 2. Which size the real ROM picks is not
//!    known (inferred).
//! 7. The CPU resets: SP and PC from words 0 and 1 of the remapped vector table.
//!
//! **When nothing boots** (no valid product header, or no valid image): the
//! ROM is documented to fall back to UART boot (Renesas UM-B-083; the
//! `uartboot`/`cli_programmer` flow) and would wait there with REMAP_ADR0 = 0.
//! UART boot is not modelled: [`boot`] returns a [`BootError`] that says
//! what was wrong, and the machine stops with it. Secure boot
//! (`SECURE_BOOT_REG`, signatures, encrypted images) is not modelled: the
//! OTP image has secure boot off.

use crate::bus::Soc;
use crate::periph::{cache, qspic::regs as q};

/// Where the two product-header copies are.
pub const PRODUCT_HEADER_OFFSETS: [u32; 2] = [0x0000, 0x1000];
/// The CPU-side address of QSPIC registers.
const QSPIC: u32 = 0x3800_0000;
/// OTP configuration script: offset, length.
const CS: (u32, u32) = (0xC00, 0x400);

/// What the boot ROM hands to the CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootState {
    /// Initial main stack pointer (vector table word 0).
    pub sp: u32,
    /// Reset handler (word 1, Thumb bit included).
    pub pc: u32,
    /// Which product-header copy was used (0x0 or 0x1000).
    pub product_header: u32,
    /// Flash offset of the image that boots.
    pub image_address: u32,
    /// Its IVT offset.
    pub ivt_offset: u32,
    /// What the ROM found on its way (a bad primary header, a skipped CRC…).
    pub notes: Vec<String>,
}

/// Why nothing boots: the ROM would wait for UART boot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootError {
    /// Neither product-header copy is valid.
    #[error(
        "no valid product header (at 0x0: {primary}; at 0x1000: {backup}); the boot ROM would now wait for UART boot, which is not modelled"
    )]
    NoProductHeader {
        /// Why the primary copy failed.
        primary: String,
        /// Why the backup copy failed.
        backup: String,
    },
    /// The product header is valid but no image it names is.
    #[error(
        "no valid image (active at {active:#x}: {active_why}; update at {update:#x}: {update_why}); the boot ROM would now wait for UART boot, which is not modelled"
    )]
    NoImage {
        /// Active image address.
        active: u32,
        /// Why it failed.
        active_why: String,
        /// Update image address.
        update: u32,
        /// Why it failed.
        update_why: String,
    },
    /// No cache region can show image + IVT at 0 (the offset field holds
    /// less than 16 KiB; ezFlashCLI's `check_address` refuses such addresses).
    #[error(
        "image {image:#x} + IVT {ivt:#x} cannot be mapped at 0: it must sit within 16 KiB past a 256 KiB boundary"
    )]
    Unmappable {
        /// Image address.
        image: u32,
        /// IVT offset.
        ivt: u32,
    },
    /// The vector table could not be read through the remap window.
    #[error("the vector table at image {image:#x} + {ivt:#x} cannot be read")]
    NoVectors {
        /// Image address.
        image: u32,
        /// IVT offset.
        ivt: u32,
    },
}

/// A product header as the ROM reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductHeader {
    /// Active image flash offset.
    pub active: u32,
    /// Update image flash offset.
    pub update: u32,
    /// `QSPIC_BURSTCMDA_REG` value.
    pub burstcmda: u32,
    /// `QSPIC_BURSTCMDB_REG` value.
    pub burstcmdb: u32,
    /// Flash-config bytes.
    pub config: Vec<u8>,
}

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as the product header uses.
pub fn crc16(data: &[u8]) -> u16 {
    data.iter().fold(0xFFFF, |mut crc: u16, &b| {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                crc << 1 ^ 0x1021
            } else {
                crc << 1
            };
        }
        crc
    })
}

/// CRC-32 (zlib: reflected poly 0xEDB88320, init and final xor 0xFFFFFFFF).
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |mut crc, &b| {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                crc >> 1 ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
        crc
    })
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(o..o + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(o..o + 4)?.try_into().ok()?))
}

/// Parse and check a product header at the start of `d` (its 4 KiB sector).
pub fn parse_product_header(d: &[u8]) -> Result<ProductHeader, String> {
    if d.get(0..2) != Some(b"Pp") {
        return Err(format!(
            "magic {:02x?} is not \"Pp\"",
            d.get(0..2).unwrap_or(&[])
        ));
    }
    let word = |o| u32_at(d, o).ok_or("truncated".to_string());
    if d.get(18..20) != Some(&[0xAA, 0x11]) {
        return Err(format!(
            "flash-config section id {:02x?} is not AA 11",
            d.get(18..20).unwrap_or(&[])
        ));
    }
    let len = usize::from(u16_at(d, 20).ok_or("truncated")?);
    let end = 22 + len;
    if end + 2 > 0x1000 {
        return Err(format!("flash-config length {len} runs past the sector"));
    }
    let stored = u16_at(d, end).ok_or("truncated")?;
    let computed = crc16(&d[..end]);
    if stored != computed {
        return Err(format!(
            "CRC16 {stored:#06x} does not match the contents ({computed:#06x})"
        ));
    }
    Ok(ProductHeader {
        active: word(2)?,
        update: word(6)?,
        burstcmda: word(10)?,
        burstcmdb: word(14)?,
        config: d[22..end].to_vec(),
    })
}

/// Check the image at flash offset `addr`; returns its IVT offset.
pub fn check_image(flash: &[u8], addr: u32, notes: &mut Vec<String>) -> Result<u32, String> {
    let a = addr as usize;
    let h = flash.get(a..a + 34).ok_or("past the end of the flash")?;
    if &h[0..2] != b"Qq" {
        return Err(format!("magic {:02x?} is not \"Qq\"", &h[0..2]));
    }
    let size = u32_at(h, 2).unwrap_or(0);
    let crc = u32_at(h, 6).unwrap_or(0);
    let ivt = u32_at(h, 30).unwrap_or(0);
    if ivt < 34 || !ivt.is_multiple_of(4) || a + ivt as usize + 8 > flash.len() {
        return Err(format!("IVT offset {ivt:#x} is impossible"));
    }
    if size == 0 {
        notes.push(format!(
            "image at {addr:#x}: size 0 (as ezFlashCLI writes), CRC not checked"
        ));
        return Ok(ivt);
    }
    let start = a + ivt as usize;
    let body = flash
        .get(start..start + size as usize)
        .ok_or(format!("size {size:#x} runs past the end of the flash"))?;
    let computed = crc32(body);
    if computed != crc {
        return Err(format!(
            "CRC32 {crc:#010x} does not match the contents ({computed:#010x})"
        ));
    }
    Ok(ivt)
}

fn qspic_write(soc: &mut Soc, reg: u32, size: u8, v: u32) {
    // Cannot fail: QSPIC's registers are mapped.
    let _ = soc.write(QSPIC + reg, size, v);
}

/// Send one command to the flash in manual single-SPI mode.
fn flash_command(soc: &mut Soc, bytes: &[u8]) {
    qspic_write(soc, q::QSPIC_CTRLBUS_REG::OFFSET, 4, 1); // SET_SINGLE
    qspic_write(soc, q::QSPIC_CTRLBUS_REG::OFFSET, 4, 8); // EN_CS
    for b in bytes {
        qspic_write(soc, q::QSPIC_WRITEDATA_REG::OFFSET, 1, u32::from(*b));
    }
    qspic_write(soc, q::QSPIC_CTRLBUS_REG::OFFSET, 4, 16); // DIS_CS
}

/// Run the boot ROM's behaviour on `soc` (just powered on or chip-reset).
pub fn boot(soc: &mut Soc) -> Result<BootState, BootError> {
    let mut notes = Vec::new();
    // 1. Clocks and debugger.
    let amba = soc.read(0x5000_0000, 4).unwrap_or(0);
    let _ = soc.write(0x5000_0000, 4, amba | 1 << 12 | 1 << 9);
    soc.crg_top.set_sys_ctrl(soc.crg_top.sys_ctrl() | 1 << 7);

    // 2. OTP configuration script (read with OTPC in READ mode, as the ROM would).
    let _ = soc.write(0x3007_0000, 4, crate::periph::otpc::mode::READ);
    run_config_script(soc, &mut notes);
    let _ = soc.write(0x3007_0000, 4, crate::periph::otpc::mode::DSTBY);

    // 3. Product header: primary, then backup.
    let mut whys = Vec::new();
    let mut found = None;
    for off in PRODUCT_HEADER_OFFSETS {
        let d = soc.qspic.flash.data();
        let sector = &d[(off as usize).min(d.len())..((off + 0x1000) as usize).min(d.len())];
        match parse_product_header(sector) {
            Ok(ph) => {
                found = Some((off, ph));
                break;
            }
            Err(why) => {
                notes.push(format!("product header at {off:#x}: {why}"));
                whys.push(why);
            }
        }
    }
    let Some((ph_off, ph)) = found else {
        return Err(BootError::NoProductHeader {
            primary: whys.first().cloned().unwrap_or_default(),
            backup: whys.get(1).cloned().unwrap_or_default(),
        });
    };

    // 4. QSPIC: burst commands, flash configuration, auto mode.
    qspic_write(soc, q::QSPIC_CTRLMODE_REG::OFFSET, 4, 0);
    flash_command(soc, &[0xFF, 0xFF]);
    qspic_write(soc, q::QSPIC_BURSTCMDA_REG::OFFSET, 4, ph.burstcmda);
    qspic_write(soc, q::QSPIC_BURSTCMDB_REG::OFFSET, 4, ph.burstcmdb);
    if ph.config.len() > 1 {
        flash_command(soc, &[0x06]);
        flash_command(soc, &ph.config[..ph.config.len() - 1]);
        if let Some(t) = soc.qspic.flash.busy_until() {
            soc.advance(t);
        }
    }
    qspic_write(soc, q::QSPIC_CTRLMODE_REG::OFFSET, 4, 1);
    if let Some(why) = soc.qspic.xip_problem(soc.now) {
        notes.push(format!("after configuring the QSPIC: {why}"));
    }

    // 5. The image: active, then update.
    let flash = soc.qspic.flash.data();
    let mut image = None;
    let mut failures = Vec::new();
    for addr in [ph.active, ph.update] {
        match check_image(flash, addr, &mut notes) {
            Ok(ivt) => {
                image = Some((addr, ivt));
                break;
            }
            Err(why) => {
                notes.push(format!("image at {addr:#x}: {why}"));
                failures.push(why);
            }
        }
    }
    let Some((image_address, ivt_offset)) = image else {
        return Err(BootError::NoImage {
            active: ph.active,
            active_why: failures.first().cloned().unwrap_or_default(),
            update: ph.update,
            update_why: failures.get(1).cloned().unwrap_or_default(),
        });
    };

    // 6. Cache region and remap: the largest region (32 MiB down to 256 KiB)
    // whose aligned base leaves image + IVT within the 14-bit offset field.
    let Some((code, base)) = (0..8u32).find_map(|code| {
        let region = (32u32 << 20) >> code;
        let base = image_address & !(region - 1);
        (image_address - base + ivt_offset < 0x4000).then_some((code, base))
    }) else {
        return Err(BootError::Unmappable {
            image: image_address,
            ivt: ivt_offset,
        });
    };
    let offset = image_address - base + ivt_offset;
    soc.cache
        .set_flash_reg(cache::encode_flash_reg(base, offset, code));
    soc.crg_top.set_sys_ctrl(soc.crg_top.sys_ctrl() & !7 | 2);

    // 7. The vector table through the remap window.
    let (Ok(sp), Ok(pc)) = (soc.read(0, 4), soc.read(4, 4)) else {
        return Err(BootError::NoVectors {
            image: image_address,
            ivt: ivt_offset,
        });
    };
    Ok(BootState {
        sp,
        pc,
        product_header: ph_off,
        image_address,
        ivt_offset,
        notes,
    })
}

fn run_config_script(soc: &mut Soc, notes: &mut Vec<String>) {
    let base = 0x1008_0000 + CS.0;
    if soc.read(base, 4).ok() != Some(0xA5A5_A5A5) {
        notes.push("OTP configuration script absent (no start word)".into());
        return;
    }
    let mut off = 4;
    while off < CS.1 {
        let w = soc.read(base + off, 4).unwrap_or(0);
        off += 4;
        match w {
            0 | 0xFFFF_FFFF => break,
            w if w & 0xF000_0000 < 0x6000_0000 => {
                let v = soc.read(base + off, 4).unwrap_or(0);
                off += 4;
                if soc.write(w, 4, v).is_err() {
                    notes.push(format!(
                        "configuration script writes {v:#x} to unmapped {w:#010x}"
                    ));
                }
            }
            w if w & 0xF000_0000 == 0x9000_0000 => off += (w >> 8 & 0xFF) * 4,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::Clocks;
    use crate::flash::NorFlash;
    use mb4_da1469x::flash::parts;
    use mb4_image::builder::{ImageOptions, make_flash_image, make_image};

    /// A vector table (SP, reset handler) and a little code.
    fn payload() -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&0x2000_8000u32.to_le_bytes());
        p.extend_from_slice(&0x1600_2409u32.to_le_bytes());
        p.extend_from_slice(&[0xFE, 0xE7, 0, 0]); // b .
        p.resize(0x200, 0);
        p
    }

    fn soc_with(part: &str, image: &[u8]) -> Soc {
        let part = parts().find(part).unwrap();
        let mut f = NorFlash::from_part(part);
        f.load(0, image).unwrap();
        Soc::new(
            f,
            Clocks {
                xtal32k_hz: Some(32_768),
            },
        )
    }

    fn built(part: &str) -> Vec<u8> {
        let p = parts().find(part).unwrap();
        let img = make_image(
            &payload(),
            &ImageOptions {
                version: "test".into(),
                timestamp: 0,
            },
        )
        .unwrap();
        make_flash_image(&img, p, 0x2000, 0x2000).unwrap()
    }

    #[test]
    fn crcs_match_the_image_crate() {
        for d in [&b""[..], b"123456789", &payload()] {
            assert_eq!(crc16(d), mb4_image::crc::crc16_ccitt_false(d));
            assert_eq!(crc32(d), mb4_image::crc::crc32(d));
        }
    }

    #[test]
    fn boots_an_image_built_by_mb4_image() {
        for part in ["W25Q128JW", "MX25U3235F", "GD25LE32"] {
            let mut soc = soc_with(part, &built(part));
            let st = boot(&mut soc).unwrap_or_else(|e| panic!("{part}: {e}"));
            assert_eq!((st.sp, st.pc), (0x2000_8000, 0x1600_2409), "{part}");
            assert_eq!(
                (st.product_header, st.image_address, st.ivt_offset),
                (0, 0x2000, 0x400)
            );
            // The ROM left QSPIC in auto mode with the part's burst, QE set.
            assert!(soc.qspic.auto_mode());
            assert_eq!(
                soc.qspic.xip_problem(soc.now),
                None,
                "{part}: {:?}",
                st.notes
            );
            assert_eq!(soc.crg_top.sys_ctrl() & 7, 2);
            assert_eq!(soc.read(8, 4).unwrap(), 0xE7FE, "code visible at 0 + 8");
        }
    }

    #[test]
    fn backup_header_is_used_when_the_primary_is_corrupt() {
        let mut img = built("W25Q128JW");
        img[3] ^= 0x01; // active image address, so the CRC16 fails
        let mut soc = soc_with("W25Q128JW", &img);
        let st = boot(&mut soc).unwrap();
        assert_eq!(st.product_header, 0x1000);
        assert!(st.notes[0].contains("CRC16"), "{:?}", st.notes);
    }

    #[test]
    fn no_valid_header_means_uart_boot() {
        let mut img = built("W25Q128JW");
        img[0] = b'X';
        img[0x1000 + 25] ^= 0xFF; // corrupt the backup's config or CRC
        let mut soc = soc_with("W25Q128JW", &img);
        let e = boot(&mut soc).unwrap_err();
        assert!(matches!(e, BootError::NoProductHeader { .. }));
        assert!(e.to_string().contains("UART boot"), "{e}");
        // Erased flash.
        let mut soc = soc_with("W25Q128JW", &[]);
        assert!(matches!(
            boot(&mut soc),
            Err(BootError::NoProductHeader { .. })
        ));
    }

    #[test]
    fn bad_image_crc_is_refused_and_size_zero_is_not_checked() {
        let mut img = built("W25Q128JW");
        img[0x2400 + 20] ^= 1; // a payload byte
        let mut soc = soc_with("W25Q128JW", &img);
        let e = boot(&mut soc).unwrap_err();
        assert!(e.to_string().contains("CRC32"), "{e}");
        // ezFlashCLI style: size and CRC zero.
        img[0x2002..0x200A].fill(0);
        let mut soc = soc_with("W25Q128JW", &img);
        let st = boot(&mut soc).unwrap();
        assert!(st.notes.iter().any(|n| n.contains("size 0")));
    }

    #[test]
    fn hand_built_headers_at_another_address() {
        // Product header by hand: image at 0x41000 (256 KiB + a sector), MX25U3235F commands.
        let at = 0x41000usize;
        let mut ph = Vec::new();
        ph.extend_from_slice(b"Pp");
        ph.extend_from_slice(&(at as u32).to_le_bytes());
        ph.extend_from_slice(&(at as u32).to_le_bytes());
        ph.extend_from_slice(&0xA8A5_00EBu32.to_le_bytes());
        ph.extend_from_slice(&0x66u32.to_le_bytes());
        ph.extend_from_slice(&[0xAA, 0x11, 3, 0, 0x01, 0x40, 0x07]);
        let c = crc16(&ph);
        ph.extend_from_slice(&c.to_le_bytes());
        let mut flash = vec![0xFF; at + 0x1000];
        flash[..ph.len()].copy_from_slice(&ph);
        let mut ih = vec![0u8; 0x400];
        ih[0..2].copy_from_slice(b"Qq");
        ih[30..34].copy_from_slice(&0x400u32.to_le_bytes());
        flash[at..at + 0x400].copy_from_slice(&ih);
        flash[at + 0x400..at + 0x600].copy_from_slice(&payload());
        let mut soc = soc_with("MX25U3235F", &flash);
        let st = boot(&mut soc).unwrap();
        assert_eq!((st.product_header, st.image_address), (0, at as u32));
        assert_eq!(st.sp, 0x2000_8000);
        assert_eq!(soc.read(0, 4).unwrap(), 0x2000_8000);
        assert_eq!(soc.cache.remap_region(), (at as u32 + 0x400, 256 << 10));
        assert!(soc.qspic.flash.quad_enabled());
        // 0x8000 cannot be mapped: no region base within 16 KiB below it.
        let mut moved = flash.clone();
        moved[0x8000..0x8600].copy_from_slice(&flash[at..at + 0x600]);
        moved[2..10].copy_from_slice(&[0, 0x80, 0, 0, 0, 0x80, 0, 0]);
        let end = 22 + 3;
        let c = crc16(&moved[..end]);
        moved[end..end + 2].copy_from_slice(&c.to_le_bytes());
        let mut soc = soc_with("MX25U3235F", &moved);
        assert!(matches!(
            boot(&mut soc),
            Err(BootError::Unmappable { image: 0x8000, .. })
        ));
    }
}
