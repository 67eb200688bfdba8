//! CACHE: the instruction cache in front of QSPI flash, and the region of
//! flash the remap window shows.
//!
//! Modelled: `CACHE_FLASH_REG` (`FLASH_REGION_BASE` bits 31:16,
//! `FLASH_REGION_OFFSET` in words bits 15:4, `FLASH_REGION_SIZE` code 0..7 =
//! 32 MiB … 256 KiB) decides which flash bytes appear at address 0 when
//! `SYS_CTRL_REG.REMAP_ADR0` = 2 ([`Cache::remap_region`]).
//! `FLASH_REGION_BASE` is taken modulo the 32 MiB QSPI window, so both ways
//! software writes it agree: Zephyr's `z_renesas_configure_cache` writes the
//! cached address (0x1600_2400 >> 16 = 0x1600) and tools describe the ROM
//! writing the flash offset (0x2000 >> 16 = 0). `SWD_RESET_REG` requests a
//! chip reset. The cache itself is transparent: hits and misses are not
//! counted, so the miss-rate monitor's registers only keep what is written.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// CACHE registers (`CACHE_Type`, base 0x100C_0000).
    pub mod regs {
        /// Cache control register 1.
        CACHE_CTRL1_REG @ 0x00 = 0 {
            CACHE_FLUSH: 0..=0 WO,
            CACHE_RES1: 1..=1 Tag,
        }
        /// Cache line size configuration register.
        CACHE_LNSIZECFG_REG @ 0x04 = 0 {
            CACHE_LINE: 0..=1 Tag,
        }
        /// Cache associativity configuration register.
        CACHE_ASSOCCFG_REG @ 0x08 = 0 {
            CACHE_ASSOC: 0..=1 Tag,
        }
        /// Cache control register 2.
        CACHE_CTRL2_REG @ 0x20 = 0 {
            CACHE_LEN: 0..=8 RW,
            CACHE_WEN: 9..=9 RW,
            CACHE_CGEN: 10..=10 RW,
        }
        /// Cache MRM (Miss Rate Monitor) HITS register.
        CACHE_MRM_HITS_REG @ 0x28 = 0 {
            MRM_HITS: 0..=31 RW,
        }
        /// Cache MRM (Miss Rate Monitor) MISSES register.
        CACHE_MRM_MISSES_REG @ 0x2c = 0 {
            MRM_MISSES: 0..=31 RW,
        }
        /// Cache MRM (Miss Rate Monitor) CONTROL register.
        CACHE_MRM_CTRL_REG @ 0x30 = 0 {
            MRM_START: 0..=0 RW,
            MRM_IRQ_MASK: 1..=1 RW,
            MRM_IRQ_TINT_STATUS: 2..=2 Tag,
            MRM_IRQ_MISSES_THRES_STATUS: 3..=3 Tag,
            MRM_IRQ_HITS_THRES_STATUS: 4..=4 Tag,
        }
        /// Cache MRM (Miss Rate Monitor) TIME INTERVAL register.
        CACHE_MRM_TINT_REG @ 0x34 = 0 {
            MRM_TINT: 0..=18 RW,
        }
        /// Cache MRM (Miss Rate Monitor) THRESHOLD register.
        CACHE_MRM_MISSES_THRES_REG @ 0x38 = 0 {
            MRM_MISSES_THRES: 0..=31 RW,
        }
        /// Cache MRM (Miss Rate Monitor) HITS THRESHOLD.
        CACHE_MRM_HITS_THRES_REG @ 0x3c = 0 {
            MRM_HITS_THRES: 0..=31 RW,
        }
        /// Cache Flash program size and base address register.
        CACHE_FLASH_REG @ 0x40 = 0 {
            FLASH_REGION_SIZE: 0..=2 RW,
            FLASH_REGION_OFFSET: 4..=15 RW,
            FLASH_REGION_BASE: 16..=31 RW,
        }
        /// SWD HW reset control register.
        SWD_RESET_REG @ 0x50 = 0 {
            SWD_HW_RESET_REQ: 0..=0 WO,
        }
    }
}

use regs::{CACHE_FLASH_REG, SWD_RESET_REG};

/// Size of the QSPI windows, which `FLASH_REGION_BASE` is taken modulo.
pub const QSPI_WINDOW: u32 = 32 << 20;

/// CACHE model.
#[derive(Debug, Clone)]
pub struct Cache {
    regs: Regs,
    swd_reset: bool,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

impl Cache {
    /// At power-on.
    pub fn new() -> Cache {
        Cache {
            regs: Regs::new(regs::BLOCK),
            swd_reset: false,
            notes: Notes::default(),
        }
    }

    /// `CACHE_FLASH_REG` as it stands.
    pub fn flash_reg(&self) -> u32 {
        self.regs.get(CACHE_FLASH_REG::OFFSET)
    }

    /// Set `CACHE_FLASH_REG` from the hardware side (the boot ROM).
    pub fn set_flash_reg(&mut self, value: u32) {
        self.regs.set(
            CACHE_FLASH_REG::OFFSET,
            value & CACHE_FLASH_REG::DEF.readable(),
        );
    }

    /// The flash bytes the remap window shows: (first flash offset, length).
    pub fn remap_region(&self) -> (u32, u32) {
        decode_flash_reg(self.flash_reg())
    }

    /// Whether `SWD_RESET_REG` asked for a chip reset; clears the request.
    pub fn take_swd_reset(&mut self) -> bool {
        std::mem::take(&mut self.swd_reset)
    }
}

/// Decode a `CACHE_FLASH_REG` value into (flash offset, region length).
pub fn decode_flash_reg(v: u32) -> (u32, u32) {
    let base = (CACHE_FLASH_REG::FLASH_REGION_BASE.get(v) << 16) % QSPI_WINDOW;
    let offset = CACHE_FLASH_REG::FLASH_REGION_OFFSET.get(v) * 4;
    let size = QSPI_WINDOW >> CACHE_FLASH_REG::FLASH_REGION_SIZE.get(v);
    (base + offset, size)
}

/// Encode (region base address, IVT offset inside it, size code) as the boot
/// ROM and Zephyr do.
pub fn encode_flash_reg(region_base: u32, offset: u32, size_code: u32) -> u32 {
    CACHE_FLASH_REG::FLASH_REGION_BASE.set(0, region_base >> 16)
        | CACHE_FLASH_REG::FLASH_REGION_OFFSET.set(0, offset >> 2)
        | CACHE_FLASH_REG::FLASH_REGION_SIZE.set(0, size_code)
}

impl Device for Cache {
    fn name(&self) -> &'static str {
        "CACHE"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        _cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let w = self
            .notes
            .write("CACHE", &mut self.regs, offset, size, value)?;
        if w.offset == SWD_RESET_REG::OFFSET && w.wrote_one(SWD_RESET_REG::SWD_HW_RESET_REQ) {
            self.swd_reset = true;
        }
        Ok(())
    }

    fn reset(&mut self) {
        *self = Cache::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zephyr_and_rom_encodings_agree() {
        // Zephyr z_renesas_configure_cache: cache_start = 0x1600_2400, 1 MiB code.
        let z = (0x1600_2400u32 >> 16) << 16 | ((0x2400 & 0xffff) >> 2) << 4 | 5;
        assert_eq!(decode_flash_reg(z), (0x2400, 1 << 20));
        // The ROM: region at image 0x2000, IVT at +0x400 → same bytes at 0.
        assert_eq!(
            decode_flash_reg(encode_flash_reg(0x2000, 0x2400 & 0xffff, 5)),
            (0x2400, 1 << 20)
        );
        assert_eq!(decode_flash_reg(0), (0, 32 << 20));
    }
}
