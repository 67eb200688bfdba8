//! Base addresses of the DA1469x register blocks.
//!
//! Names and bases follow the CMSIS device header `DA1469xAB.h` (v1.2), so a
//! grep for a block name from vendor code lands here. Register layouts inside
//! each block live with their emulator models, not here.

/// One register block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peripheral {
    /// Name as in `DA1469xAB.h` (without the `_BASE` suffix).
    pub name: &'static str,
    /// Base address.
    pub base: u32,
    /// Bytes of register space the header's struct spans (0x100 where not stated).
    pub size: u32,
}

macro_rules! peripherals {
    ($($const:ident = $name:literal @ $base:literal size $size:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "` registers.")]
            pub const $const: Peripheral = Peripheral { name: $name, base: $base, size: $size };
        )*
        /// Every block, in address order.
        pub const ALL: &[Peripheral] = &[$($const),*];
    };
}

peripherals! {
    CACHE = "CACHE" @ 0x100C_0000 size 0x54;
    DW = "DW" @ 0x3002_0000 size 0x100;
    LCDC = "LCDC" @ 0x3003_0000 size 0x18C;
    AES_HASH = "AES_HASH" @ 0x3004_0000 size 0x100;
    // Not in DA1469xAB.h: the TRNG's FIFO read port (Zephyr entropy_smartbond.c,
    // DA1469X_TRNG_FIFO_ADDR, 32 words).
    TRNG_FIFO = "TRNG_FIFO" @ 0x3005_0000 size 0x80;
    OTPC = "OTPC" @ 0x3007_0000 size 0x100;
    QSPIC2 = "QSPIC2" @ 0x3400_0000 size 0xB4;
    QSPIC = "QSPIC" @ 0x3800_0000 size 0xB4;
    CRG_TOP = "CRG_TOP" @ 0x5000_0000 size 0xFC;
    WAKEUP = "WAKEUP" @ 0x5000_0100 size 0x5C;
    PDC = "PDC" @ 0x5000_0200 size 0x98;
    DCDC = "DCDC" @ 0x5000_0300 size 0x100;
    RTC = "RTC" @ 0x5000_0400 size 0x98;
    SYS_WDOG = "SYS_WDOG" @ 0x5000_0700 size 0x100;
    CRG_XTAL = "CRG_XTAL" @ 0x5001_0000 size 0x74;
    TIMER = "TIMER" @ 0x5001_0200 size 0x4C;
    TIMER2 = "TIMER2" @ 0x5001_0300 size 0x38;
    UART = "UART" @ 0x5002_0000 size 0x100;
    UART2 = "UART2" @ 0x5002_0100 size 0x100;
    UART3 = "UART3" @ 0x5002_0200 size 0x100;
    SPI = "SPI" @ 0x5002_0300 size 0x0C;
    SPI2 = "SPI2" @ 0x5002_0400 size 0x0C;
    I2C = "I2C" @ 0x5002_0600 size 0xA8;
    I2C2 = "I2C2" @ 0x5002_0700 size 0xA8;
    SDADC = "SDADC" @ 0x5002_0800 size 0x100;
    CRG_COM = "CRG_COM" @ 0x5002_0900 size 0x100;
    GPIO = "GPIO" @ 0x5002_0A00 size 0x104;
    SNC = "SNC" @ 0x5002_0C00 size 0x100;
    PWMLED = "PWMLED" @ 0x5003_0500 size 0x100;
    APU = "APU" @ 0x5003_0600 size 0x100;
    GPADC = "GPADC" @ 0x5003_0900 size 0x1C;
    LRA = "LRA" @ 0x5003_0A00 size 0x5C;
    ANAMISC_BIF = "ANAMISC_BIF" @ 0x5003_0B00 size 0x100;
    CRG_PER = "CRG_PER" @ 0x5003_0C00 size 0x100;
    SMOTOR = "SMOTOR" @ 0x5003_0E00 size 0x100;
    USB = "USB" @ 0x5004_0000 size 0x1B0;
    CHIP_VERSION = "CHIP_VERSION" @ 0x5004_0200 size 0x100;
    GPREG = "GPREG" @ 0x5004_0300 size 0x100;
    CHARGER = "CHARGER" @ 0x5004_0400 size 0x70;
    CRG_SYS = "CRG_SYS" @ 0x5004_0500 size 0x100;
    RFMON = "RFMON" @ 0x5004_0600 size 0x100;
    DMA = "DMA" @ 0x5004_0800 size 0x110;
    TIMER3 = "TIMER3" @ 0x5004_0A00 size 0x38;
    TIMER4 = "TIMER4" @ 0x5004_0B00 size 0x38;
    TRNG = "TRNG" @ 0x5004_0C00 size 0x100;
    MEMCTRL = "MEMCTRL" @ 0x5005_0000 size 0x100;
}

/// Registers named by tools that talk to a halted chip (probe, flasher).
pub mod regs {
    /// `CRG_TOP->SYS_CTRL_REG`: remap, debugger enable, software reset.
    pub const SYS_CTRL_REG: u32 = 0x5000_0024;
    /// `CRG_TOP->SECURE_BOOT_REG`: secure boot and debugger lock-out flags (from OTP).
    pub const SECURE_BOOT_REG: u32 = 0x5000_00CC;
    /// `CACHE->CACHE_FLASH_REG`: execute-in-place region base, offset and size.
    pub const CACHE_FLASH_REG: u32 = 0x100C_0040;
    /// `CACHE->SWD_RESET_REG`: writing 1 resets the chip.
    pub const SWD_RESET_REG: u32 = 0x100C_0050;
    /// `CHIP_VERSION->CHIP_ID1_REG` .. `CHIP_ID4_REG` (one ASCII digit each).
    pub const CHIP_ID1_REG: u32 = 0x5004_0200;
    /// `CHIP_VERSION->CHIP_REVISION_REG` (ASCII letter): offset 0x14, after
    /// `CHIP_SWC_REG` at 0x10 (`CHIP_VERSION_Type` in DA1469xAB.h).
    pub const CHIP_REVISION_REG: u32 = 0x5004_0214;
}

/// Find the block containing `addr`.
pub fn peripheral_at(addr: u32) -> Option<&'static Peripheral> {
    ALL.iter()
        .find(|p| addr >= p.base && (addr as u64) < p.base as u64 + p.size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_map;

    #[test]
    fn blocks_are_sorted_disjoint_and_inside_a_peripheral_region() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].base + pair[0].size <= pair[1].base,
                "{} / {}",
                pair[0].name,
                pair[1].name
            );
        }
        for p in ALL {
            let region = memory_map::region_of(p.base).expect(p.name);
            assert_eq!(
                region.kind,
                memory_map::RegionKind::Peripherals,
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn lookup_by_address() {
        assert_eq!(peripheral_at(regs::SYS_CTRL_REG).unwrap().name, "CRG_TOP");
        assert_eq!(peripheral_at(0x3800_000C).unwrap().name, "QSPIC");
        assert!(peripheral_at(0x5000_0600).is_none());
    }
}
