//! QSPIC: the QSPI flash controller, with the flash part behind it.
//!
//! Modelled:
//! * manual mode, as ezFlashCLI, hal `da1469x_qspic.c` and Zephyr's
//!   `flash_smartbond.c` drive it: `QSPIC_CTRLBUS_REG` `QSPIC_EN_CS` /
//!   `QSPIC_DIS_CS` move chip select, `QSPIC_SET_SINGLE/DUAL/QUAD` the bus
//!   width; `QSPIC_WRITEDATA_REG` sends the written bytes (8/16/32-bit
//!   accesses send 1/2/4 bytes, lowest address first, so Zephyr's
//!   `be32(addr) | 0x02` goes out as 02 A23..A0), `QSPIC_READDATA_REG` clocks
//!   in as many, `QSPIC_DUMMYDATA_REG` clocks dummy bytes. Transfers are
//!   instantaneous (`QSPIC_BUSY` reads 0); the flash's own busy time is real.
//! * auto mode (`QSPIC_CTRLMODE_REG.QSPIC_AUTO_MD`): reads of the QSPI windows
//!   go to the flash contents. [`Qspic::xip_problem`] says why such a read
//!   would not return flash data on silicon (manual mode, the part busy or
//!   powered down, a quad read with the quad-enable bit clear, an
//!   instruction that is not a read); the bus reports it and still returns
//!   the contents. Entering auto mode with a continuous-read burst
//!   (`QSPIC_INST_MD` = 1 and an extra byte whose bits 5:4 are `10`) puts
//!   the part in continuous-read mode, which software must leave with
//!   `FF FF` before manual commands, as on silicon.
//! * Not modelled (tags): the auto-mode erase engine (`QSPIC_ERASECTRL_REG`),
//!   suspend/resume, the microcode, AES-CTR decryption (`QSPIC_CTR_*`), pad
//!   drive settings.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;
use crate::flash::NorFlash;

mb4_periph::regmap! {
    /// QSPIC registers (`QSPIC_Type`, base 0x3800_0000).
    pub mod regs {
        /// SPI Bus control register for the Manual mode.
        QSPIC_CTRLBUS_REG @ 0x00 = 0 {
            QSPIC_SET_SINGLE: 0..=0 WO,
            QSPIC_SET_DUAL: 1..=1 WO,
            QSPIC_SET_QUAD: 2..=2 WO,
            QSPIC_EN_CS: 3..=3 WO,
            QSPIC_DIS_CS: 4..=4 WO,
        }
        /// Mode Control register.
        QSPIC_CTRLMODE_REG @ 0x04 = 0 {
            QSPIC_AUTO_MD: 0..=0 RW,
            QSPIC_CLK_MD: 1..=1 RW,
            QSPIC_IO2_OEN: 2..=2 RW,
            QSPIC_IO3_OEN: 3..=3 RW,
            QSPIC_IO2_DAT: 4..=4 RW,
            QSPIC_IO3_DAT: 5..=5 RW,
            QSPIC_HRDY_MD: 6..=6 RW,
            QSPIC_RXD_NEG: 7..=7 RW,
            QSPIC_RPIPE_EN: 8..=8 RW,
            QSPIC_PCLK_MD: 9..=11 RW,
            QSPIC_BUF_LIM_EN: 12..=12 RW,
            QSPIC_USE_32BA: 13..=13 RW,
        }
        /// Received data for the Manual mode.
        QSPIC_RECVDATA_REG @ 0x08 = 0 {
            QSPIC_RECVDATA: 0..=31 RO,
        }
        /// The way of reading in Auto mode (command register.
        QSPIC_BURSTCMDA_REG @ 0x0c = 0 {
            QSPIC_INST: 0..=7 RW,
            QSPIC_INST_WB: 8..=15 RW,
            QSPIC_EXT_BYTE: 16..=23 RW,
            QSPIC_INST_TX_MD: 24..=25 RW,
            QSPIC_ADR_TX_MD: 26..=27 RW,
            QSPIC_EXT_TX_MD: 28..=29 RW,
            QSPIC_DMY_TX_MD: 30..=31 RW,
        }
        /// The way of reading in Auto mode (command register.
        QSPIC_BURSTCMDB_REG @ 0x10 = 0 {
            QSPIC_DAT_RX_MD: 0..=1 RW,
            QSPIC_EXT_BYTE_EN: 2..=2 RW,
            QSPIC_EXT_HF_DS: 3..=3 RW,
            QSPIC_DMY_NUM: 4..=5 RW,
            QSPIC_INST_MD: 6..=6 RW,
            QSPIC_WRAP_MD: 7..=7 RW,
            QSPIC_WRAP_LEN: 8..=9 RW,
            QSPIC_WRAP_SIZE: 10..=11 RW,
            QSPIC_CS_HIGH_MIN: 12..=14 RW,
            QSPIC_DMY_FORCE: 15..=15 RW,
        }
        /// The status register of the QSPI controller.
        QSPIC_STATUS_REG @ 0x14 = 0 {
            QSPIC_BUSY: 0..=0 RO,
        }
        /// Write data to SPI Bus for the Manual mode.
        QSPIC_WRITEDATA_REG @ 0x18 = 0 {
            QSPIC_WRITEDATA: 0..=31 WO,
        }
        /// Read data from SPI Bus for the Manual mode.
        QSPIC_READDATA_REG @ 0x1c = 0 {
            QSPIC_READDATA: 0..=31 RO,
        }
        /// Send dummy clocks to SPI Bus for the Manual mode.
        QSPIC_DUMMYDATA_REG @ 0x20 = 0 {
            QSPIC_DUMMYDATA: 0..=31 WO,
        }
        /// QSPI Erase control register.
        QSPIC_ERASECTRL_REG @ 0x24 = 0 {
            QSPIC_ERS_ADDR: 4..=23 Tag,
            QSPIC_ERASE_EN: 24..=24 Tag,
            QSPIC_ERS_STATE: 25..=27 Tag,
        }
        /// The way of erasing in Auto mode (command register.
        QSPIC_ERASECMDA_REG @ 0x28 = 0 {
            QSPIC_ERS_INST: 0..=7 RW,
            QSPIC_WEN_INST: 8..=15 RW,
            QSPIC_SUS_INST: 16..=23 RW,
            QSPIC_RES_INST: 24..=31 RW,
        }
        /// The way of erasing in Auto mode (command register.
        QSPIC_ERASECMDB_REG @ 0x2c = 0 {
            QSPIC_ERS_TX_MD: 0..=1 RW,
            QSPIC_WEN_TX_MD: 2..=3 RW,
            QSPIC_SUS_TX_MD: 4..=5 RW,
            QSPIC_RES_TX_MD: 6..=7 RW,
            QSPIC_EAD_TX_MD: 8..=9 RW,
            QSPIC_ERS_CS_HI: 10..=14 RW,
            QSPIC_ERSRES_HLD: 16..=19 RW,
            QSPIC_RESSUS_DLY: 24..=29 RW,
        }
        /// Read break sequence in Auto mode.
        QSPIC_BURSTBRK_REG @ 0x30 = 0 {
            QSPIC_BRK_WRD: 0..=15 RW,
            QSPIC_BRK_EN: 16..=16 RW,
            QSPIC_BRK_SZ: 17..=17 RW,
            QSPIC_BRK_TX_MD: 18..=19 RW,
            QSPIC_SEC_HF_DS: 20..=20 RW,
        }
        /// The way of reading the status of external device.
        QSPIC_STATUSCMD_REG @ 0x34 = 0 {
            QSPIC_RSTAT_INST: 0..=7 RW,
            QSPIC_RSTAT_TX_MD: 8..=9 RW,
            QSPIC_RSTAT_RX_MD: 10..=11 RW,
            QSPIC_BUSY_POS: 12..=14 RW,
            QSPIC_BUSY_VAL: 15..=15 RW,
            QSPIC_RESSTS_DLY: 16..=21 RW,
            QSPIC_STSDLY_SEL: 22..=22 RW,
        }
        /// Check erase progress in Auto mode.
        QSPIC_CHCKERASE_REG @ 0x38 = 0 {
            QSPIC_CHCKERASE: 0..=31 Tag,
        }
        /// QSPI General Purpose control register.
        QSPIC_GP_REG @ 0x3c = 0 {
            QSPIC_PADS_DRV: 1..=2 RW,
            QSPIC_PADS_SLEW: 3..=4 RW,
        }
        /// QSPIC uCode memory.
        QSPIC_UCODE_START @ 0x40 = 0 {
            QSPIC_UCODE_X: 0..=31 Tag,
        }
        /// Control register for the decryption engine of.
        QSPIC_CTR_CTRL_REG @ 0x80 = 0 {
            QSPIC_CTR_EN: 0..=0 Tag,
        }
        /// Start address of the encrypted content in the.
        QSPIC_CTR_SADDR_REG @ 0x84 = 0 {
            QSPIC_CTR_SADDR: 10..=31 Tag,
        }
        /// End address of the encrypted content in the QSPI.
        QSPIC_CTR_EADDR_REG @ 0x88 = 0 {
            QSPIC_CTR_EADDR: 10..=31 Tag,
        }
        /// Nonce bytes 0 to 3 for the AES-CTR algorithm.
        QSPIC_CTR_NONCE_0_3_REG @ 0x8c = 0 {
            QSPIC_CTR_NONCE_0_3: 0..=31 Tag,
        }
        /// Nonce bytes 4 to 7 for the AES-CTR algorithm.
        QSPIC_CTR_NONCE_4_7_REG @ 0x90 = 0 {
            QSPIC_CTR_NONCE_4_7: 0..=31 Tag,
        }
        /// Key bytes 0 to 3 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_0_3_REG @ 0x94 = 0 {
            QSPIC_CTR_KEY_0_3: 0..=31 Tag,
        }
        /// Key bytes 4 to 7 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_4_7_REG @ 0x98 = 0 {
            QSPIC_CTR_KEY_4_7: 0..=31 Tag,
        }
        /// Key bytes 8 to 11 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_8_11_REG @ 0x9c = 0 {
            QSPIC_CTR_KEY_8_11: 0..=31 Tag,
        }
        /// Key bytes 12 to 15 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_12_15_REG @ 0xa0 = 0 {
            QSPIC_CTR_KEY_12_15: 0..=31 Tag,
        }
        /// Key bytes 16 to 19 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_16_19_REG @ 0xa4 = 0 {
            QSPIC_CTR_KEY_16_19: 0..=31 Tag,
        }
        /// Key bytes 20 to 23 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_20_23_REG @ 0xa8 = 0 {
            QSPIC_CTR_KEY_20_23: 0..=31 Tag,
        }
        /// Key bytes 24 to 27 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_24_27_REG @ 0xac = 0 {
            QSPIC_CTR_KEY_24_27: 0..=31 Tag,
        }
        /// Key bytes 28 to 31 for the AES-CTR algorithm.
        QSPIC_CTR_KEY_28_31_REG @ 0xb0 = 0 {
            QSPIC_CTR_KEY_28_31: 0..=31 Tag,
        }
    }
}

use regs::{
    QSPIC_BURSTCMDA_REG as CMDA, QSPIC_BURSTCMDB_REG as CMDB, QSPIC_CTRLBUS_REG as CTRLBUS,
    QSPIC_CTRLMODE_REG as CTRLMODE, QSPIC_DUMMYDATA_REG, QSPIC_READDATA_REG, QSPIC_RECVDATA_REG,
    QSPIC_WRITEDATA_REG,
};

/// Read instructions a burst may use.
const READ_OPS: &[u8] = &[
    0x03, 0x0B, 0x3B, 0x6B, 0xBB, 0xEB, 0xE7, 0x0C, 0x3C, 0x6C, 0xBC, 0xEC,
];

/// Bus width of the manual-mode transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusMode {
    /// One data line.
    Single,
    /// Two.
    Dual,
    /// Four.
    Quad,
}

/// QSPIC model.
#[derive(Debug, Clone)]
pub struct Qspic {
    regs: Regs,
    /// The flash part on the controller.
    pub flash: NorFlash,
    cs: bool,
    bus: BusMode,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Misuse the part or the controller would not survive on silicon.
    pub warnings: Vec<String>,
}

impl Qspic {
    /// A controller at power-on, in manual mode, with `flash` on it.
    pub fn new(flash: NorFlash) -> Qspic {
        Qspic {
            regs: Regs::new(regs::BLOCK),
            flash,
            cs: false,
            bus: BusMode::Single,
            notes: Notes::default(),
            warnings: Vec::new(),
        }
    }

    /// Whether auto (execute-in-place) mode is on.
    pub fn auto_mode(&self) -> bool {
        CTRLMODE::QSPIC_AUTO_MD.is_set(self.regs.get(CTRLMODE::OFFSET))
    }

    /// Chip select asserted (manual mode).
    pub fn cs(&self) -> bool {
        self.cs
    }

    /// Manual-mode bus width.
    pub fn bus_mode(&self) -> BusMode {
        self.bus
    }

    /// Set a register from the hardware side (the boot ROM).
    pub fn poke(&mut self, offset: u32, value: u32) {
        self.regs.set(offset, value);
    }

    /// A register's value.
    pub fn peek(&self, offset: u32) -> u32 {
        self.regs.get(offset)
    }

    /// Why an execute-in-place read at `now` would not return flash data on
    /// silicon, if it would not.
    pub fn xip_problem(&self, now: mb4_periph::time::Instant) -> Option<String> {
        if !self.auto_mode() {
            return Some("QSPIC is in manual mode (QSPIC_AUTO_MD = 0)".into());
        }
        if self.flash.powered_down() {
            return Some("the flash is in deep power-down".into());
        }
        if self.flash.busy(now) {
            return Some("the flash is busy programming or erasing".into());
        }
        let a = self.regs.get(CMDA::OFFSET);
        let b = self.regs.get(CMDB::OFFSET);
        let inst = CMDA::QSPIC_INST.get(a) as u8;
        if !READ_OPS.contains(&inst) {
            return Some(format!(
                "QSPIC_BURSTCMDA_REG instruction {inst:#04x} is not a read"
            ));
        }
        let quad = CMDB::QSPIC_DAT_RX_MD.get(b) == 2 || CMDA::QSPIC_ADR_TX_MD.get(a) == 2;
        if quad && !self.flash.quad_enabled() {
            return Some("a quad burst while the flash's quad-enable bit is clear".into());
        }
        None
    }

    /// Whether the burst set-up leaves the part in continuous-read mode.
    fn burst_is_continuous(&self) -> bool {
        let a = self.regs.get(CMDA::OFFSET);
        let b = self.regs.get(CMDB::OFFSET);
        CMDB::QSPIC_INST_MD.is_set(b)
            && CMDB::QSPIC_EXT_BYTE_EN.is_set(b)
            && CMDA::QSPIC_EXT_BYTE.get(a) & 0x30 == 0x20
    }

    fn warn(&mut self, what: String) {
        self.warnings.push(what);
    }
}

impl Device for Qspic {
    fn name(&self) -> &'static str {
        "QSPIC"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        let v = self.regs.read(offset, size)?;
        match offset & !3 {
            QSPIC_READDATA_REG::OFFSET => {
                if self.auto_mode() || !self.cs {
                    self.warn(
                        "QSPIC_READDATA_REG read with chip select high or in auto mode".into(),
                    );
                }
                let mut v = 0u32;
                for i in 0..u32::from(size) {
                    v |= u32::from(self.flash.read_byte(cx.now)) << (8 * i);
                }
                self.regs.set(QSPIC_RECVDATA_REG::OFFSET, v);
                Ok(v)
            }
            _ => Ok(v),
        }
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let was_auto = self.auto_mode();
        let w = self
            .notes
            .write("QSPIC", &mut self.regs, offset, size, value)?;
        let bytes = w.written.to_le_bytes();
        let lanes = (offset & 3) as usize..(offset & 3) as usize + usize::from(size);
        match w.offset {
            CTRLBUS::OFFSET => {
                let v = w.written;
                if CTRLBUS::QSPIC_SET_SINGLE.is_set(v) {
                    self.bus = BusMode::Single;
                }
                if CTRLBUS::QSPIC_SET_DUAL.is_set(v) {
                    self.bus = BusMode::Dual;
                }
                if CTRLBUS::QSPIC_SET_QUAD.is_set(v) {
                    self.bus = BusMode::Quad;
                }
                if CTRLBUS::QSPIC_EN_CS.is_set(v) {
                    if self.auto_mode() {
                        self.warn("QSPIC_EN_CS in auto mode: ignored".into());
                    } else {
                        self.cs = true;
                        self.flash.select(cx.now);
                    }
                }
                if CTRLBUS::QSPIC_DIS_CS.is_set(v) {
                    self.cs = false;
                    self.flash.deselect(cx.now);
                }
                self.regs.set(CTRLBUS::OFFSET, 0);
            }
            QSPIC_WRITEDATA_REG::OFFSET | QSPIC_DUMMYDATA_REG::OFFSET => {
                if self.auto_mode() || !self.cs {
                    self.warn(format!(
                        "{} written with chip select high or in auto mode",
                        if w.offset == QSPIC_WRITEDATA_REG::OFFSET {
                            "QSPIC_WRITEDATA_REG"
                        } else {
                            "QSPIC_DUMMYDATA_REG"
                        }
                    ));
                }
                let dummy = w.offset == QSPIC_DUMMYDATA_REG::OFFSET;
                for &b in &bytes[lanes] {
                    self.flash.write_byte(if dummy { 0 } else { b }, cx.now);
                }
                self.regs.set(w.offset, 0);
            }
            CTRLMODE::OFFSET => {
                let auto = CTRLMODE::QSPIC_AUTO_MD.is_set(w.new);
                if auto && !was_auto {
                    if self.cs {
                        self.warn("auto mode entered with chip select still asserted".into());
                        self.cs = false;
                        self.flash.deselect(cx.now);
                    }
                    if self.flash.continuous() && !self.burst_is_continuous() {
                        self.warn("auto mode entered while the flash is in continuous-read mode but the burst does not continue it".into());
                    }
                    if self.burst_is_continuous() {
                        self.flash.set_continuous(true);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn reset(&mut self) {
        let mut flash = self.flash.clone();
        flash.reset();
        *self = Qspic::new(flash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use mb4_periph::time::Instant;

    const EN_CS: u32 = 8;
    const DIS_CS: u32 = 16;

    fn qspic() -> Qspic {
        Qspic::new(NorFlash::new([0xEF, 0x60, 0x18], 16 << 20))
    }

    #[test]
    fn manual_mode_jedec_id_and_page_program_like_zephyr() {
        let mut q = qspic();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        let wd = QSPIC_WRITEDATA_REG::OFFSET;
        let rd = QSPIC_READDATA_REG::OFFSET;
        // ezFlashCLI: RDID in single mode, one byte at a time.
        q.write(CTRLBUS::OFFSET, 4, 1, &mut cx).unwrap();
        q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
        q.write(wd, 1, 0x9F, &mut cx).unwrap();
        let id: Vec<u32> = (0..3).map(|_| q.read(rd, 1, &mut cx).unwrap()).collect();
        q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        assert_eq!(id, [0xEF, 0x60, 0x18]);
        // Zephyr qspic_write_page: WREN; be32(addr) | 0x02 as a word; data words.
        q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
        q.write(wd, 1, 0x06, &mut cx).unwrap();
        q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
        q.write(wd, 4, 0x0030_1000u32.swap_bytes() | 0x02, &mut cx)
            .unwrap();
        q.write(wd, 4, u32::from_le_bytes(*b"mb4!"), &mut cx)
            .unwrap();
        q.write(wd, 2, u32::from(u16::from_le_bytes(*b"ok")), &mut cx)
            .unwrap();
        q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        assert_eq!(&q.flash.data()[0x30_1000..0x30_1006], b"mb4!ok");
        // RDSR polling: busy, then done.
        q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
        q.write(wd, 1, 0x05, &mut cx).unwrap();
        assert_eq!(q.read(rd, 1, &mut cx).unwrap() & 1, 1);
        cx.now = q.flash.busy_until().unwrap();
        assert_eq!(q.read(rd, 1, &mut cx).unwrap() & 1, 0);
        q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        assert!(q.warnings.is_empty(), "{:?}", q.warnings);
    }

    #[test]
    fn auto_mode_checks_and_continuous_read() {
        let mut q = qspic();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        assert!(q.xip_problem(cx.now).unwrap().contains("manual"));
        // W25Q128JW burst: EB, extra byte 0x20, quad, continuous.
        q.write(CMDA::OFFSET, 4, 0xA820_F0EB, &mut cx).unwrap();
        q.write(CMDB::OFFSET, 4, 0x0000_0066, &mut cx).unwrap();
        q.write(CTRLMODE::OFFSET, 4, 1, &mut cx).unwrap();
        assert!(q.xip_problem(cx.now).unwrap().contains("quad-enable"));
        assert!(q.flash.continuous());
        // Leave auto mode: manual commands need the FF FF exit first.
        q.write(CTRLMODE::OFFSET, 4, 0, &mut cx).unwrap();
        q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
        q.write(QSPIC_WRITEDATA_REG::OFFSET, 1, 0xFF, &mut cx)
            .unwrap();
        q.write(QSPIC_WRITEDATA_REG::OFFSET, 1, 0xFF, &mut cx)
            .unwrap();
        q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        assert!(!q.flash.continuous());
        // Set QE (WREN; 31 02), wait, then auto mode is fine.
        for bytes in [&[0x06u8][..], &[0x31, 0x02]] {
            q.write(CTRLBUS::OFFSET, 4, EN_CS, &mut cx).unwrap();
            for b in bytes {
                q.write(QSPIC_WRITEDATA_REG::OFFSET, 1, u32::from(*b), &mut cx)
                    .unwrap();
            }
            q.write(CTRLBUS::OFFSET, 4, DIS_CS, &mut cx).unwrap();
        }
        q.write(CTRLMODE::OFFSET, 4, 1, &mut cx).unwrap();
        assert!(q.xip_problem(cx.now).unwrap().contains("busy"));
        cx.now = q.flash.busy_until().unwrap();
        assert_eq!(q.xip_problem(cx.now), None);
    }
}
