//! The DA1469x address map as seen by the Cortex-M33 application core.
//!
//! Regions are listed in address order and never overlap (a test checks).
//! The region at address 0 is a *window*: `SYS_CTRL_REG.REMAP_ADR0` chooses
//! whether ROM, OTP, cached QSPI flash or SysRAM appears there. Its size is
//! disputed (the HAL's `MCU_REMAPPED_SIZE` says 32 MiB, which would cover the
//! ROM at 0x0090_0000; mynewt ends remapped flash at 0x0080_0000); we use
//! 8 MiB, marked inferred, until someone reads a band.

use crate::{Confidence, SRC_CMSIS_HEADER, SRC_HAL_CONFIG, SRC_ZEPHYR_DTSI, Source};

/// What a region holds, which decides how tools and the emulator treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// Remappable alias window at address 0.
    RemapWindow,
    /// Mask ROM holding the boot loader.
    Rom,
    /// One-time-programmable memory (keys, trims, configuration script).
    Otp,
    /// QSPI NOR flash, memory-mapped for execute-in-place.
    Flash,
    /// Static RAM.
    Ram,
    /// QSPI PSRAM window behind the second QSPI controller.
    Psram,
    /// Memory-mapped peripheral registers.
    Peripherals,
    /// The Cortex-M33 private peripheral bus (NVIC, SCB, SysTick, MPU, …).
    PrivatePeripheralBus,
}

/// One address range of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Short identifier, used in messages and machine descriptions.
    pub name: &'static str,
    /// First address.
    pub start: u32,
    /// Length in bytes.
    pub size: u32,
    /// What the range holds.
    pub kind: RegionKind,
    /// Where the fact comes from.
    pub source: Source,
    /// How sure we are.
    pub confidence: Confidence,
}

impl Region {
    /// One past the last address, as a `u64` so that the top region cannot overflow.
    pub const fn end(&self) -> u64 {
        self.start as u64 + self.size as u64
    }

    /// Whether `addr` falls inside this region.
    pub const fn contains(&self, addr: u32) -> bool {
        addr >= self.start && (addr as u64) < self.end()
    }
}

const KIB: u32 = 1024;
const MIB: u32 = 1024 * KIB;

/// Remap window at 0: shows ROM, OTP, cached flash or SysRAM (`SYS_CTRL_REG.REMAP_ADR0`).
///
/// That the window exists is confirmed; its size is inferred: it must end
/// below the code-bus SysRAM alias, which ezFlashCLI's old J-Link entry used
/// at 0x0081_0000, and the ROM at 0x0090_0000.
pub const REMAP_WINDOW: Region = Region {
    name: "remap",
    start: 0x0000_0000,
    size: 8 * MIB,
    kind: RegionKind::RemapWindow,
    source: "Zephyr soc/renesas/smartbond/da1469x/soc.c; hal system_da1469x.c (size inferred)",
    confidence: Confidence::Inferred,
};

/// SysRAM seen on the code bus. Inferred from ezFlashCLI's removed J-Link device
/// entry, which used 0x0081_0000 as work RAM.
pub const SYSRAM_CODE_ALIAS: Region = Region {
    name: "sysram-code",
    start: 0x0080_0000,
    size: 512 * KIB,
    kind: RegionKind::Ram,
    source: "ezFlashCLI third-party/segger/JLinkDevices.xml (removed DA1469x entry)",
    confidence: Confidence::Inferred,
};

/// Boot ROM. Its contents are not public, so the emulator models its behaviour.
pub const ROM: Region = Region {
    name: "rom",
    start: 0x0090_0000,
    size: 128 * KIB,
    kind: RegionKind::Rom,
    source: SRC_HAL_CONFIG,
    confidence: Confidence::Single,
};

/// OTP as the CPU reads it: a 64 KiB window over 4 KiB of real cells.
pub const OTP: Region = Region {
    name: "otp",
    start: 0x1008_0000,
    size: 64 * KIB,
    kind: RegionKind::Otp,
    source: "ezFlashCLI OTP_BASE; hal MCU_OTPM_BASE",
    confidence: Confidence::Confirmed,
};

/// Cache controller registers (`CACHE_FLASH_REG` sets the execute-in-place region).
pub const CACHE_REGS: Region = Region {
    name: "cache",
    start: 0x100C_0000,
    size: 0x100,
    kind: RegionKind::Peripherals,
    source: SRC_CMSIS_HEADER,
    confidence: Confidence::Confirmed,
};

/// QSPI flash through the cache: where firmware executes in place.
pub const QSPI_CACHED: Region = Region {
    name: "qspi-cached",
    start: 0x1600_0000,
    size: 32 * MIB,
    kind: RegionKind::Flash,
    source: SRC_ZEPHYR_DTSI,
    confidence: Confidence::Confirmed,
};

/// System RAM (512 KiB on DA14695/97/99).
pub const SYSRAM: Region = Region {
    name: "sysram",
    start: 0x2000_0000,
    size: 512 * KIB,
    kind: RegionKind::Ram,
    source: "Zephyr da14697.dtsi; mynewt MCU_MEM_SYSRAM_*",
    confidence: Confidence::Confirmed,
};

/// AHB peripherals: DW bus config, LCDC, AES/HASH, OTPC.
pub const AHB_PERIPHERALS: Region = Region {
    name: "ahb-periph",
    start: 0x3000_0000,
    size: 0x0008_0000,
    kind: RegionKind::Peripherals,
    source: SRC_CMSIS_HEADER,
    confidence: Confidence::Confirmed,
};

/// OTP as seen on the peripheral (AHB) bus.
pub const OTP_AHB: Region = Region {
    name: "otp-ahb",
    start: 0x3008_0000,
    size: 64 * KIB,
    kind: RegionKind::Otp,
    source: "mynewt da1469x_otp.h; hal da1469x_config.h MCU_OTP_M_P_BASE",
    confidence: Confidence::Confirmed,
};

/// Memory window of the second QSPI controller (PSRAM).
pub const QSPIC2_MEMORY: Region = Region {
    name: "qspic2-mem",
    start: 0x3200_0000,
    size: 32 * MIB,
    kind: RegionKind::Psram,
    source: SRC_HAL_CONFIG,
    confidence: Confidence::Single,
};

/// Second QSPI controller's registers.
pub const QSPIC2_REGS: Region = Region {
    name: "qspic2",
    start: 0x3400_0000,
    size: 0x100,
    kind: RegionKind::Peripherals,
    source: SRC_CMSIS_HEADER,
    confidence: Confidence::Confirmed,
};

/// QSPI flash on the system bus, uncached: the whole device from offset 0.
pub const QSPI_UNCACHED: Region = Region {
    name: "qspi-uncached",
    start: 0x3600_0000,
    size: 32 * MIB,
    kind: RegionKind::Flash,
    source: "ezFlashCLI smartbondDevices.py (da1469x base); hal da1469x_config.h",
    confidence: Confidence::Confirmed,
};

/// QSPI flash controller registers.
pub const QSPIC_REGS: Region = Region {
    name: "qspic",
    start: 0x3800_0000,
    size: 0x100,
    kind: RegionKind::Peripherals,
    source: SRC_CMSIS_HEADER,
    confidence: Confidence::Confirmed,
};

/// APB peripherals (clock/power, timers, serial, GPIO, ADC, charger, …).
pub const APB_PERIPHERALS: Region = Region {
    name: "apb-periph",
    start: 0x5000_0000,
    size: 0x0006_0000,
    kind: RegionKind::Peripherals,
    source: SRC_CMSIS_HEADER,
    confidence: Confidence::Confirmed,
};

/// Cortex-M33 private peripheral bus.
pub const PPB: Region = Region {
    name: "ppb",
    start: 0xE000_0000,
    size: 0x0010_0000,
    kind: RegionKind::PrivatePeripheralBus,
    source: "Armv8-M Architecture Reference Manual",
    confidence: Confidence::Confirmed,
};

/// Every region, in address order.
pub const REGIONS: &[Region] = &[
    REMAP_WINDOW,
    SYSRAM_CODE_ALIAS,
    ROM,
    OTP,
    CACHE_REGS,
    QSPI_CACHED,
    SYSRAM,
    AHB_PERIPHERALS,
    OTP_AHB,
    QSPIC2_MEMORY,
    QSPIC2_REGS,
    QSPI_UNCACHED,
    QSPIC_REGS,
    APB_PERIPHERALS,
    PPB,
];

/// Size of real OTP cells behind the [`OTP`] window.
pub const OTP_CELLS_SIZE: u32 = 4 * KIB;
/// Offset of the configuration script inside OTP.
pub const OTP_CONFIG_SCRIPT_OFFSET: u32 = 0xC00;
/// Bytes at the start of SysRAM that `SYS_CTRL_REG.REMAP_INTVECT` maps at address 0
/// (Zephyr reserves them with `intvect_reserved.ld`).
pub const REMAPPED_VECTOR_BYTES: u32 = 0x200;

/// The region holding `addr`, if any. The remap window is reported as such;
/// resolving what it currently shows is the emulator's job.
pub fn region_of(addr: u32) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.contains(addr))
}

/// Translate a flash offset to its address in the cached (execute-in-place) window.
pub const fn flash_offset_to_cached(offset: u32) -> u32 {
    QSPI_CACHED.start + offset
}

/// Translate an address in either QSPI window back to a flash offset.
pub fn flash_offset_of(addr: u32) -> Option<u32> {
    [QSPI_CACHED, QSPI_UNCACHED]
        .iter()
        .find(|r| r.contains(addr))
        .map(|r| addr - r.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_sorted_and_disjoint() {
        for pair in REGIONS.windows(2) {
            assert!(
                pair[0].end() <= pair[1].start as u64,
                "{} overlaps or precedes {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), REGIONS.len());
    }

    #[test]
    fn zephyr_default_vector_table_is_in_cached_flash() {
        // Zephyr links the vector table at flash offset 0x2400 (image at 0x2000 + IVT 0x400).
        assert_eq!(flash_offset_to_cached(0x2400), 0x1600_2400);
        assert_eq!(region_of(0x1600_2400).unwrap().kind, RegionKind::Flash);
        assert_eq!(flash_offset_of(0x3600_2400), Some(0x2400));
        assert_eq!(flash_offset_of(0x2000_0000), None);
    }
}
