//! CHIP_VERSION: read-only identification.
//!
//! `CHIP_ID1..4` = "3", "0", "8", "0": the value hal `da1469x_pd.c`
//! `read_device_id` calls `CHIP_VARIANT_GF` (0x33303830 read as ID1..ID4) and
//! one of the three ezFlashCLI's `supportedDevices.py` accepts as DA1469x
//! ("2522", "2763", "3080"). Which of them a DA14697 reports is not public:
//! inferred. `CHIP_REVISION` 'A' and `CHIP_SWC` 1 stand for the "AB" of
//! `DA1469xAB.h` (inferred).

use super::Plain;

mb4_periph::regmap! {
    /// CHIP_VERSION registers (`CHIP_VERSION_Type`, base 0x5004_0200).
    pub mod regs {
        /// Chip identification register 1.
        CHIP_ID1_REG @ 0x00 = 0x33 {
            CHIP_ID1: 0..=7 RO,
        }
        /// Chip identification register 2.
        CHIP_ID2_REG @ 0x04 = 0x30 {
            CHIP_ID2: 0..=7 RO,
        }
        /// Chip identification register 3.
        CHIP_ID3_REG @ 0x08 = 0x38 {
            CHIP_ID3: 0..=7 RO,
        }
        /// Chip identification register 4.
        CHIP_ID4_REG @ 0x0c = 0x30 {
            CHIP_ID4: 0..=7 RO,
        }
        /// Software compatibility register.
        CHIP_SWC_REG @ 0x10 = 0x1 {
            CHIP_SWC: 0..=3 RO,
        }
        /// Chip revision register.
        CHIP_REVISION_REG @ 0x14 = 0x41 {
            CHIP_REVISION: 0..=7 RO,
        }
        /// Chip test register 1.
        CHIP_TEST1_REG @ 0xf8 = 0 {
            CHIP_LAYOUT_REVISION: 0..=7 RO,
        }
        /// Chip test register 2.
        CHIP_TEST2_REG @ 0xfc = 0 {
            CHIP_METAL_OPTION: 0..=3 RO,
        }
    }
}

/// CHIP_VERSION at power-on.
pub fn new() -> Plain {
    Plain::new("CHIP_VERSION", regs::BLOCK)
}

#[cfg(test)]
mod tests {
    use mb4_periph::device::{Context, Device, IrqLines};
    use mb4_periph::time::Instant;

    #[test]
    fn chip_id_reads_3080() {
        let mut c = super::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        let id: Vec<u8> = (0..4)
            .map(|i| c.read(i * 4, 4, &mut cx).unwrap() as u8)
            .collect();
        assert_eq!(id, b"3080");
        c.write(0, 4, 0x39, &mut cx).unwrap();
        assert_eq!(c.read(0, 4, &mut cx).unwrap(), 0x33, "read-only");
    }
}
