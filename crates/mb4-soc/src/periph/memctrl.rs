//! MEMCTRL: the memory arbiter's registers, of which two groups matter to
//! software here.
//!
//! - `CMI_*_BASE_REG` / `CMI_END_REG` place the CMAC's code, data and shared
//!   areas in SysRAM. hal_renesas `smartbond/cmac/shm.c` (`cmac_load_image`)
//!   writes full SysRAM addresses and later reads them back, adding
//!   0x2000_0000: the fields keep only address bits 10..=18 (2..=18 for the
//!   data base), as `DA1469xAB.h`'s masks say, so the read-back is the offset
//!   in SysRAM. The CMAC stand-in ([`super::cmac`]) finds its image with them.
//! - `BUSY_SET_REG` / `BUSY_RESET_REG` / `BUSY_STAT_REG`, the busy-status
//!   semaphores: 2-bit fields, one per shared resource. shm.h's
//!   `cmac_shm_lock` writes 0x4000_0000 to `BUSY_SET_REG` until
//!   `BUSY_STAT_REG.BUSY_SPARE` reads 1 and releases with `BUSY_RESET_REG`.
//!   Modelled (inferred from that use): a set takes a field only while it is
//!   free (0); a reset frees a field only when written with the owner's value.
//!
//! The arbiter's priorities, stall limits and status bits keep what is written.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// MEMCTRL registers (`MEMCTRL_Type`, base 0x5005_0000; reset values are
    /// not in the header: 0).
    pub mod regs {
        /// Priority Control Register.
        MEM_PRIO_REG @ 0x04 = 0 {
            SNC_PRIO: 0..=1 Tag,
            AHB2_PRIO: 2..=3 Tag,
            AHB_PRIO: 4..=5 Tag,
        }
        /// Maximum Stall cycles Control Register.
        MEM_STALL_REG @ 0x08 = 0 {
            SNC_MAX_STALL: 0..=3 Tag,
            AHB2_MAX_STALL: 4..=7 Tag,
            AHB_MAX_STALL: 8..=11 Tag,
        }
        /// Memory Arbiter Status Register.
        MEM_STATUS_REG @ 0x0C = 0 {
            AHB_WRITE_BUFF: 0..=0 Tag,
            AHB2_WRITE_BUFF: 1..=1 Tag,
            AHB_CLR_WR_BUFF: 2..=2 Tag,
            AHB2_CLR_WR_BUFF: 3..=3 Tag,
            AHB_WR_BUFF_CNT: 4..=7 RO,
            AHB2_WR_BUFF_CNT: 8..=11 RO,
            CMI_NOT_READY: 12..=12 RO,
            CMI_CLEAR_READY: 13..=13 Tag,
        }
        /// RAM cells Status Register.
        MEM_STATUS2_REG @ 0x10 = 0 {
            RAM1_OFF_BUT_ACCESS: 0..=0 Tag,
            RAM2_OFF_BUT_ACCESS: 1..=1 Tag,
            RAM3_OFF_BUT_ACCESS: 2..=2 Tag,
            RAM4_OFF_BUT_ACCESS: 3..=3 Tag,
            RAM5_OFF_BUT_ACCESS: 4..=4 Tag,
            RAM6_OFF_BUT_ACCESS: 5..=5 Tag,
            RAM7_OFF_BUT_ACCESS: 6..=6 Tag,
            RAM8_OFF_BUT_ACCESS: 7..=7 Tag,
        }
        /// CMAC code Base Address Register.
        CMI_CODE_BASE_REG @ 0x20 = 0 {
            CMI_CODE_BASE_ADDR: 10..=18 RW,
        }
        /// CMAC data Base Address Register.
        CMI_DATA_BASE_REG @ 0x24 = 0 {
            CMI_DATA_BASE_ADDR: 2..=18 RW,
        }
        /// CMAC shared data Base Address Register.
        CMI_SHARED_BASE_REG @ 0x28 = 0 {
            CMI_SHARED_BASE_ADDR: 10..=18 RW,
        }
        /// CMAC end Address Register.
        CMI_END_REG @ 0x2C = 0 {
            CMI_END_ADDR: 10..=18 RW,
        }
        /// Sensor Node Controller Base Address Register.
        SNC_BASE_REG @ 0x30 = 0 {
            SNC_BASE_ADDRESS: 2..=18 Tag,
        }
        /// BSR Set Register.
        BUSY_SET_REG @ 0x74 = 0 {
            BUSY: 0..=31 WO,
        }
        /// BSR Reset Register.
        BUSY_RESET_REG @ 0x78 = 0 {
            BUSY: 0..=31 WO,
        }
        /// BSR Status Register.
        BUSY_STAT_REG @ 0x7C = 0 {
            BUSY: 0..=31 RO,
        }
    }
}

use regs::{
    BUSY_RESET_REG, BUSY_SET_REG, BUSY_STAT_REG, CMI_CODE_BASE_REG, CMI_DATA_BASE_REG, CMI_END_REG,
    CMI_SHARED_BASE_REG,
};

/// The MEMCTRL block.
#[derive(Debug, Clone)]
pub struct Memctrl {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for Memctrl {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the CMAC's areas are, as SysRAM offsets (what the `CMI_*` fields hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CmacWindow {
    /// `CMI_CODE_BASE_REG`: the image's first byte (CMAC address 0).
    pub code: u32,
    /// `CMI_DATA_BASE_REG`.
    pub data: u32,
    /// `CMI_SHARED_BASE_REG`: the shared area.
    pub shared: u32,
    /// `CMI_END_REG`: the last byte (bits 0..=9 read as 0).
    pub end: u32,
}

impl Memctrl {
    /// At power-on.
    pub fn new() -> Memctrl {
        Memctrl {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
        }
    }

    /// The CMAC areas software configured.
    pub fn cmac_window(&self) -> CmacWindow {
        CmacWindow {
            code: self.regs.get(CMI_CODE_BASE_REG::OFFSET),
            data: self.regs.get(CMI_DATA_BASE_REG::OFFSET),
            shared: self.regs.get(CMI_SHARED_BASE_REG::OFFSET),
            end: self.regs.get(CMI_END_REG::OFFSET),
        }
    }

    /// `BUSY_STAT_REG` now.
    pub fn busy(&self) -> u32 {
        self.regs.get(BUSY_STAT_REG::OFFSET)
    }
}

impl Device for Memctrl {
    fn name(&self) -> &'static str {
        "MEMCTRL"
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
            .write("MEMCTRL", &mut self.regs, offset, size, value)?;
        let mut stat = self.regs.get(BUSY_STAT_REG::OFFSET);
        for field in 0..16 {
            let shift = 2 * field;
            let want = w.written >> shift & 3;
            let have = stat >> shift & 3;
            if want == 0 {
                continue;
            }
            match w.offset {
                BUSY_SET_REG::OFFSET if have == 0 => stat |= want << shift,
                BUSY_RESET_REG::OFFSET if have == want => stat &= !(3 << shift),
                _ => {}
            }
        }
        self.regs.set(BUSY_STAT_REG::OFFSET, stat);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use mb4_periph::time::Instant;

    #[test]
    fn cmi_bases_keep_the_sysram_offset() {
        let mut m = Memctrl::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        // cmac_load_image with the RAM area at 0x2001_0000 (1 KiB aligned).
        m.write(CMI_CODE_BASE_REG::OFFSET, 4, 0x2001_0000, &mut cx)
            .unwrap();
        m.write(
            CMI_SHARED_BASE_REG::OFFSET,
            4,
            0x2001_0000 + 0x7c00,
            &mut cx,
        )
        .unwrap();
        m.write(CMI_DATA_BASE_REG::OFFSET, 4, 0x2001_0000 + 0x6004, &mut cx)
            .unwrap();
        let w = m.cmac_window();
        assert_eq!((w.code, w.shared, w.data), (0x1_0000, 0x1_7c00, 0x1_6004));
    }

    #[test]
    fn busy_semaphore_as_cmac_shm_lock_uses_it() {
        let mut m = Memctrl::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        m.write(BUSY_SET_REG::OFFSET, 4, 0x4000_0000, &mut cx)
            .unwrap();
        assert_eq!(
            m.read(BUSY_STAT_REG::OFFSET, 4, &mut cx).unwrap(),
            0x4000_0000
        );
        // Another owner (value 2) cannot take it nor free it.
        m.write(BUSY_SET_REG::OFFSET, 4, 0x8000_0000, &mut cx)
            .unwrap();
        m.write(BUSY_RESET_REG::OFFSET, 4, 0x8000_0000, &mut cx)
            .unwrap();
        assert_eq!(m.busy(), 0x4000_0000);
        m.write(BUSY_RESET_REG::OFFSET, 4, 0x4000_0000, &mut cx)
            .unwrap();
        assert_eq!(m.busy(), 0);
    }
}
