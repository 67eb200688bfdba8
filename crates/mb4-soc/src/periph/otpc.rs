//! OTPC: the OTP controller, and the 4 KiB of OTP cells behind it.
//!
//! Modelled: `OTPC_MODE_MODE` (hal `enum otpc_mode_val`: 0 PDOWN, 1 DSTBY,
//! 2 STBY, 3 READ, 4 PROG, 5 PVFY, 6 RINI), with `OTPC_STAT_MRDY` set once a
//! mode is entered; programming in PROG mode (`OTPC_PWORD_REG`, then the word
//! address in `OTPC_PADDR_REG` starts it): cells can only go from 0 to 1,
//! `OTPC_STAT_PRDY` is low for [`PROGRAM_TIME`], `OTPC_STAT_PBUF_EMPTY` once
//! the word is taken. The cells are read through the bus (0x1008_0000 and
//! 0x3008_0000), which asks [`Otpc::read_cells`]; reads outside READ/PVFY
//! mode are noted, as on silicon they return nothing useful. Timing
//! registers keep what is written.
//!
//! The OTP image ([`blank_otp`]): all zero (unprogrammed cells read 0) except
//! an empty configuration script at 0xC00 (start word 0xA5A5A5A5, then the
//! end word 0), so code walking the script (hal `da1469x_trimv.c`) finds a
//! valid, empty one, as on a part whose trims were never written. Real parts
//! carry factory trims there; none are public.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// OTPC registers (`OTPC_Type`, base 0x3007_0000).
    pub mod regs {
        /// Mode register.
        OTPC_MODE_REG @ 0x00 = 0 {
            OTPC_MODE_MODE: 0..=2 RW,
            OTPC_MODE_USE_TST_ROW: 4..=4 Tag,
            OTPC_MODE_HT_MARG_EN: 5..=5 Tag,
            OTPC_MODE_PRG_SEL: 6..=7 Tag,
        }
        /// Status register.
        OTPC_STAT_REG @ 0x04 = 0x7 {
            OTPC_STAT_PRDY: 0..=0 RO,
            OTPC_STAT_PBUF_EMPTY: 1..=1 RO,
            OTPC_STAT_MRDY: 2..=2 RO,
        }
        /// The address of the word that will be programmed,.
        OTPC_PADDR_REG @ 0x08 = 0 {
            OTPC_PADDR: 0..=9 RW,
        }
        /// The 32-bit word that will be programmed, when.
        OTPC_PWORD_REG @ 0x0c = 0 {
            OTPC_PWORD: 0..=31 RW,
        }
        /// Various timing parameters of the OTP cell.
        OTPC_TIM1_REG @ 0x10 = 0 {
            OTPC_TIM1_CC_T_1US: 0..=6 RW,
            OTPC_TIM1_CC_T_20NS: 8..=9 RW,
            OTPC_TIM1_CC_T_RD: 12..=14 RW,
            OTPC_TIM1_US_T_PL: 16..=19 RW,
            OTPC_TIM1_US_T_CS: 20..=23 RW,
            OTPC_TIM1_US_T_CSP: 24..=30 RW,
        }
        /// Various timing parameters of the OTP cell.
        OTPC_TIM2_REG @ 0x14 = 0 {
            OTPC_TIM2_US_T_PW: 0..=4 RW,
            OTPC_TIM2_US_T_PWI: 5..=7 RW,
            OTPC_TIM2_US_T_PPR: 8..=14 RW,
            OTPC_TIM2_US_T_PPS: 16..=20 RW,
            OTPC_TIM2_US_T_VDS: 21..=23 RW,
            OTPC_TIM2_US_T_PPH: 24..=28 RW,
            OTPC_TIM2_US_T_SAS: 29..=30 RW,
            OTPC_TIM2_US_ADD_CC_EN: 31..=31 RW,
        }
    }
}

use regs::{OTPC_MODE_REG, OTPC_PADDR_REG, OTPC_PWORD_REG, OTPC_STAT_REG};

/// Bytes of OTP cells.
pub const OTP_SIZE: usize = 4096;
/// Offset of the configuration script.
pub const CS_OFFSET: usize = 0xC00;
/// Time to program one word (order of magnitude from the timing presets).
pub const PROGRAM_TIME: Instant = Instant::from_micros(20);

/// Modes of `OTPC_MODE_MODE`.
pub mod mode {
    /// Deep standby.
    pub const DSTBY: u32 = 1;
    /// Read.
    pub const READ: u32 = 3;
    /// Program.
    pub const PROG: u32 = 4;
    /// Program verify.
    pub const PVFY: u32 = 5;
}

/// A blank OTP with an empty configuration script.
pub fn blank_otp() -> Vec<u8> {
    let mut otp = vec![0u8; OTP_SIZE];
    otp[CS_OFFSET..CS_OFFSET + 4].copy_from_slice(&0xA5A5_A5A5u32.to_le_bytes());
    otp
}

/// OTPC model with its cells.
#[derive(Debug, Clone)]
pub struct Otpc {
    regs: Regs,
    cells: Vec<u8>,
    busy_until: Option<Instant>,
    /// Unmodelled writes and suspicious reads, for the bus to report.
    pub notes: Notes,
}

impl Default for Otpc {
    fn default() -> Self {
        Self::new(blank_otp())
    }
}

impl Otpc {
    /// A controller over `cells` (padded or cut to 4 KiB).
    pub fn new(mut cells: Vec<u8>) -> Otpc {
        cells.resize(OTP_SIZE, 0);
        Otpc {
            regs: Regs::new(regs::BLOCK),
            cells,
            busy_until: None,
            notes: Notes::default(),
        }
    }

    /// The cells.
    pub fn cells(&self) -> &[u8] {
        &self.cells
    }

    /// The current mode.
    pub fn mode(&self) -> u32 {
        OTPC_MODE_REG::OTPC_MODE_MODE.get(self.regs.get(OTPC_MODE_REG::OFFSET))
    }

    /// Whether the cells can be read now (READ or PVFY mode).
    pub fn readable(&self) -> bool {
        matches!(self.mode(), mode::READ | mode::PVFY)
    }

    /// Little-endian value of `size` bytes at byte `offset` of the 64 KiB
    /// window (the 4 KiB of cells repeat; inferred).
    pub fn read_cells(&self, offset: u32, size: u8) -> u32 {
        (0..u32::from(size)).fold(0, |v, i| {
            let a = ((offset + i) as usize) % OTP_SIZE;
            v | u32::from(self.cells[a]) << (8 * i)
        })
    }

    fn update(&mut self, now: Instant) {
        let busy = self.busy_until.is_some_and(|t| now < t);
        if !busy {
            self.busy_until = None;
        }
        let mut st =
            OTPC_STAT_REG::OTPC_STAT_MRDY.mask() | OTPC_STAT_REG::OTPC_STAT_PBUF_EMPTY.mask();
        if !busy {
            st |= OTPC_STAT_REG::OTPC_STAT_PRDY.mask();
        }
        self.regs.set(OTPC_STAT_REG::OFFSET, st);
    }
}

impl Device for Otpc {
    fn name(&self) -> &'static str {
        "OTPC"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.update(cx.now);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.update(cx.now);
        let w = self
            .notes
            .write("OTPC", &mut self.regs, offset, size, value)?;
        if w.offset == OTPC_PADDR_REG::OFFSET
            && self.mode() == mode::PROG
            && self.busy_until.is_none()
        {
            let addr = (OTPC_PADDR_REG::OTPC_PADDR.get(w.new) * 4) as usize;
            let word = self.regs.get(OTPC_PWORD_REG::OFFSET).to_le_bytes();
            for (c, b) in self.cells[addr..addr + 4].iter_mut().zip(word) {
                *c |= b;
            }
            self.busy_until = Some(Instant(cx.now.0 + PROGRAM_TIME.0));
        }
        self.update(cx.now);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.busy_until
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.update(cx.now);
    }

    fn reset(&mut self) {
        let cells = std::mem::take(&mut self.cells);
        *self = Otpc::new(cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    #[test]
    fn program_a_word_like_hal_otp_write() {
        let mut o = Otpc::default();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        assert_eq!(o.read_cells(0xC00, 4), 0xA5A5_A5A5);
        o.write(OTPC_MODE_REG::OFFSET, 4, mode::PROG, &mut cx)
            .unwrap();
        let st = o.read(OTPC_STAT_REG::OFFSET, 4, &mut cx).unwrap();
        assert_eq!(st & 0b111, 0b111, "PRDY, PBUF_EMPTY, MRDY");
        o.write(OTPC_PWORD_REG::OFFSET, 4, 0x1234_0001, &mut cx)
            .unwrap();
        o.write(OTPC_PADDR_REG::OFFSET, 4, 0x10, &mut cx).unwrap();
        assert_eq!(
            o.read(OTPC_STAT_REG::OFFSET, 4, &mut cx).unwrap() & 1,
            0,
            "programming"
        );
        cx.now = o.next_event().unwrap();
        assert_eq!(o.read(OTPC_STAT_REG::OFFSET, 4, &mut cx).unwrap() & 1, 1);
        assert_eq!(o.read_cells(0x40, 4), 0x1234_0001);
        // Bits only go from 0 to 1.
        o.write(OTPC_PWORD_REG::OFFSET, 4, 0x0000_0010, &mut cx)
            .unwrap();
        o.write(OTPC_PADDR_REG::OFFSET, 4, 0x10, &mut cx).unwrap();
        assert_eq!(o.read_cells(0x40, 4), 0x1234_0011);
        assert!(!o.readable());
        o.write(OTPC_MODE_REG::OFFSET, 4, mode::READ, &mut cx)
            .unwrap();
        assert!(o.readable());
    }
}
