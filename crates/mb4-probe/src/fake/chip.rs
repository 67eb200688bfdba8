//! [`FakeChip`]: a DA1469x as seen through a debug probe, just deep enough
//! for the probe, dump and flash tools.
//!
//! Modelled: SysRAM; CRG_TOP (`SYS_CTRL_REG`, `SECURE_BOOT_REG`) and
//! CHIP_VERSION as plain memory with reset values; the Cortex-M debug
//! registers for a vector-catch reset; the QSPI controller at 0x3800_0000
//! in manual mode (chip select, bus width, `WRITEDATA`/`READDATA` whose access
//! width sets how many bytes cross the bus) and auto mode (the flash windows
//! at 0x1600_0000 and 0x3600_0000 read the part's contents, and fail in manual
//! mode — on silicon they return garbage); a [`FakeNor`] behind it.
//! Reset restores what the boot ROM leaves: auto mode, the part in
//! continuous-read mode.

use super::nor::{FakeNor, Lines};
use crate::rsp::dialect::scs;
use crate::{ProbeError, Registers, StopReason, Target};

/// QSPIC register block.
pub const QSPIC: u32 = 0x3800_0000;
const CTRLBUS: u32 = QSPIC;
const CTRLMODE: u32 = QSPIC + 0x04;
const BURSTCMDA: u32 = QSPIC + 0x0C;
const BURSTCMDB: u32 = QSPIC + 0x10;
const STATUS: u32 = QSPIC + 0x14;
const WRITEDATA: u32 = QSPIC + 0x18;
const READDATA: u32 = QSPIC + 0x1C;
const DUMMYDATA: u32 = QSPIC + 0x20;
const CACHED: u32 = 0x1600_0000;
const UNCACHED: u32 = 0x3600_0000;

/// What the fake chip is.
#[derive(Debug, Clone)]
pub struct FakeChipConfig {
    /// `CHIP_ID1..4`, ASCII.
    pub chip_id: [u8; 4],
    /// `CHIP_REVISION_REG`, ASCII.
    pub revision: u8,
    /// `SYS_CTRL_REG` after reset.
    pub sys_ctrl: u32,
    /// `SECURE_BOOT_REG`.
    pub secure_boot: u32,
    /// Flash JEDEC ID.
    pub jedec: [u8; 3],
    /// Flash size.
    pub flash_size: usize,
    /// Whether a reset runs the boot ROM's QSPIC set-up before the core
    /// halts (true: the emulator's way, or a band reset without halting;
    /// false: silicon halted at the ROM's first instruction).
    pub rom_sets_up_qspic: bool,
}

impl Default for FakeChipConfig {
    fn default() -> Self {
        FakeChipConfig {
            chip_id: *b"3080",
            revision: b'A',
            sys_ctrl: 0xA0,
            secure_boot: 0,
            // Winbond W25Q32JW-like: 4 MiB.
            jedec: [0xEF, 0x60, 0x16],
            flash_size: 4 << 20,
            rom_sets_up_qspic: true,
        }
    }
}

/// Plain memory: a base and its bytes.
#[derive(Debug, Clone)]
struct Block {
    base: u32,
    bytes: Vec<u8>,
}

/// The fake chip.
#[derive(Debug, Clone)]
pub struct FakeChip {
    /// The flash part on the QSPI controller.
    pub nor: FakeNor,
    blocks: Vec<Block>,
    ctrlmode: u32,
    burst: [u32; 2],
    lines: Lines,
    halted: bool,
    /// Resets seen (halting or not).
    pub resets: u32,
    /// QSPIC misuse (manual-mode access in auto mode, bad access widths).
    pub violations: Vec<String>,
    regs: Registers,
    config: FakeChipConfig,
}

impl FakeChip {
    /// A chip just reset and halted, flash erased.
    pub fn new(config: FakeChipConfig) -> FakeChip {
        let mut chip = FakeChip {
            nor: FakeNor::new(config.jedec, config.flash_size),
            blocks: vec![
                Block {
                    base: 0x2000_0000,
                    bytes: vec![0; 512 << 10],
                },
                Block {
                    base: 0x5000_0000,
                    bytes: vec![0; 0x100],
                },
                Block {
                    base: 0x5004_0200,
                    bytes: vec![0; 0x100],
                },
                Block {
                    base: 0x100C_0000,
                    bytes: vec![0; 0x100],
                },
                Block {
                    base: 0xE000_E000,
                    bytes: vec![0; 0x1000],
                },
            ],
            ctrlmode: 0,
            burst: [0; 2],
            lines: Lines::Quad,
            halted: true,
            resets: 0,
            violations: Vec::new(),
            regs: Registers::default(),
            config,
        };
        chip.power_on();
        chip
    }

    /// What the boot ROM leaves behind.
    fn power_on(&mut self) {
        let c = self.config.clone();
        self.poke32(0x5000_0024, c.sys_ctrl);
        self.poke32(0x5000_00CC, c.secure_boot);
        for (i, b) in c.chip_id.iter().enumerate() {
            self.poke32(0x5004_0200 + 4 * i as u32, u32::from(*b));
        }
        self.poke32(0x5004_0214, u32::from(c.revision));
        if c.rom_sets_up_qspic {
            // Auto mode, quad I/O continuous read (0xEB, mode byte 0xA0).
            self.ctrlmode = 0x1;
            self.burst = [0xA8A0_00EB, 0x0000_0066];
            self.lines = Lines::Quad;
            self.nor.continuous = true;
        } else {
            // Controller reset state: manual mode, no burst set up.
            self.ctrlmode = 0;
            self.burst = [0, 0];
            self.lines = Lines::Single;
            self.nor.continuous = false;
        }
        self.regs = Registers::default();
        self.regs.r[13] = 0x2000_8000;
        self.regs.r[15] = 0x0000_0400;
        self.regs.xpsr = Some(0x0100_0000);
    }

    /// Load flash contents (as if programmed at the factory).
    pub fn load_flash(&mut self, offset: usize, data: &[u8]) {
        self.nor.data[offset..offset + data.len()].copy_from_slice(data);
    }

    /// Whether the QSPIC is in auto mode.
    pub fn auto_mode(&self) -> bool {
        self.ctrlmode & 1 != 0
    }

    /// The core registers as they stand.
    pub fn registers(&self) -> Registers {
        self.regs
    }

    /// A word of plain memory (RAM, system registers), for tests.
    pub fn word(&mut self, addr: u32) -> u32 {
        self.peek32(addr)
    }

    /// Whether the core is halted.
    pub fn halted(&self) -> bool {
        self.halted
    }

    fn block_mut(&mut self, addr: u32, len: usize) -> Option<&mut [u8]> {
        self.blocks.iter_mut().find_map(|b| {
            let off = addr.checked_sub(b.base)? as usize;
            b.bytes.get_mut(off..off.checked_add(len)?)
        })
    }

    fn poke32(&mut self, addr: u32, v: u32) {
        if let Some(s) = self.block_mut(addr, 4) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    }

    fn peek32(&mut self, addr: u32) -> u32 {
        self.block_mut(addr, 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .unwrap_or(0)
    }

    fn flash_window(&self, addr: u32, len: usize) -> Option<usize> {
        let size = self.nor.data.len();
        [CACHED, UNCACHED].into_iter().find_map(|w| {
            let off = addr.checked_sub(w)? as usize;
            (off + len <= size).then_some(off)
        })
    }

    fn fault(addr: u32, len: usize, why: &str) -> ProbeError {
        ProbeError::Memory {
            addr,
            len,
            reason: Some(why.to_string()),
        }
    }

    fn qspic_read(&mut self, addr: u32, len: usize) -> Result<u32, ProbeError> {
        if !matches!(len, 1 | 2 | 4) || !addr.is_multiple_of(len as u32) {
            return Err(Self::fault(
                addr,
                len,
                "QSPIC registers take aligned 1/2/4-byte accesses",
            ));
        }
        let reg = addr & !3;
        Ok(match reg {
            CTRLMODE => self.ctrlmode,
            BURSTCMDA => self.burst[0],
            BURSTCMDB => self.burst[1],
            STATUS => 0,
            READDATA => {
                if self.auto_mode() {
                    self.violations.push("READDATA read in auto mode".into());
                }
                let mut v = 0u32;
                for i in 0..len {
                    v |= u32::from(self.nor.read()) << (8 * i);
                }
                v
            }
            _ => 0,
        })
    }

    fn qspic_write(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        let len = data.len();
        if !matches!(len, 1 | 2 | 4) || !addr.is_multiple_of(len as u32) {
            return Err(Self::fault(
                addr,
                len,
                "QSPIC registers take aligned 1/2/4-byte accesses",
            ));
        }
        let mut w = [0u8; 4];
        w[..len].copy_from_slice(data);
        let v = u32::from_le_bytes(w);
        let manual = |chip: &mut FakeChip, what: &str| {
            if chip.auto_mode() {
                chip.violations.push(format!("{what} in auto mode"));
            }
        };
        match addr & !3 {
            CTRLBUS => {
                manual(self, "CTRLBUS write");
                if v & 0x1 != 0 {
                    self.lines = Lines::Single;
                }
                if v & 0x4 != 0 {
                    self.lines = Lines::Quad;
                }
                if v & 0x8 != 0 {
                    self.nor.select(self.lines);
                }
                if v & 0x10 != 0 {
                    self.nor.deselect();
                }
            }
            CTRLMODE => {
                if v & 1 != 0 && self.ctrlmode & 1 == 0 {
                    // Entering auto mode: the controller's first burst puts a
                    // continuous-read part back into that mode.
                    if let Err(why) = self.nor.readable() {
                        self.violations
                            .push(format!("auto mode entered while {why}"));
                    }
                    self.nor.continuous = self.burst[1] & 0x40 != 0;
                }
                self.ctrlmode = v;
            }
            BURSTCMDA => self.burst[0] = v,
            BURSTCMDB => self.burst[1] = v,
            WRITEDATA => {
                manual(self, "WRITEDATA write");
                for b in &data[..len] {
                    self.nor.write(*b);
                }
            }
            DUMMYDATA => {
                manual(self, "DUMMYDATA write");
                for _ in 0..len {
                    self.nor.write(0);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn system_reset(&mut self, halt: bool) {
        self.resets += 1;
        // A reset mid-transaction releases chip select.
        self.nor.deselect();
        self.power_on();
        self.halted = halt;
    }
}

impl Target for FakeChip {
    fn describe(&self) -> String {
        "fake DA1469x".into()
    }

    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        if !self.halted {
            return Err(ProbeError::Running);
        }
        if (QSPIC..QSPIC + 0x100).contains(&addr) {
            let v = self.qspic_read(addr, buf.len())?;
            buf.copy_from_slice(&v.to_le_bytes()[..buf.len()]);
            return Ok(());
        }
        if addr == scs::DHCSR {
            let v = if self.halted { scs::DHCSR_S_HALT } else { 0 };
            buf.copy_from_slice(&v.to_le_bytes()[..buf.len().min(4)]);
            return Ok(());
        }
        if let Some(off) = self.flash_window(addr, buf.len()) {
            if !self.auto_mode() {
                return Err(Self::fault(
                    addr,
                    buf.len(),
                    "QSPI window read in manual mode",
                ));
            }
            if self.burst[0] & 0xFF == 0 {
                return Err(Self::fault(
                    addr,
                    buf.len(),
                    "QSPI window read with no burst read instruction set",
                ));
            }
            if let Err(why) = self.nor.readable() {
                return Err(Self::fault(addr, buf.len(), &why));
            }
            buf.copy_from_slice(&self.nor.data[off..off + buf.len()]);
            return Ok(());
        }
        let len = buf.len();
        let src = self
            .block_mut(addr, len)
            .ok_or_else(|| Self::fault(addr, len, "nothing mapped there"))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        if !self.halted {
            return Err(ProbeError::Running);
        }
        if (QSPIC..QSPIC + 0x100).contains(&addr) {
            return self.qspic_write(addr, data);
        }
        if self.flash_window(addr, data.len()).is_some() {
            return Err(Self::fault(
                addr,
                data.len(),
                "the flash windows are read-only",
            ));
        }
        if addr == scs::AIRCR && data.len() == 4 {
            let v = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
            if v == scs::AIRCR_SYSRESETREQ {
                let vc = self.peek32(scs::DEMCR) & scs::DEMCR_VC_CORERESET != 0;
                self.system_reset(vc);
            }
            return Ok(());
        }
        let len = data.len();
        let dst = self
            .block_mut(addr, len)
            .ok_or_else(|| Self::fault(addr, len, "nothing mapped there"))?;
        dst.copy_from_slice(data);
        Ok(())
    }

    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        let was = self.halted;
        self.halted = true;
        Ok(StopReason::Signal(if was { 5 } else { 2 }))
    }

    fn resume(&mut self) -> Result<(), ProbeError> {
        self.halted = false;
        Ok(())
    }

    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        self.system_reset(halt);
        Ok(())
    }

    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        if !self.halted {
            return Err(ProbeError::Running);
        }
        Ok(self.regs)
    }

    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        if !self.halted {
            return Err(ProbeError::Running);
        }
        match n {
            0..=15 => self.regs.r[n as usize] = value,
            crate::target::XPSR => self.regs.xpsr = Some(value),
            _ => {
                return Err(ProbeError::Refused {
                    command: format!("P{n:x}"),
                    code: 1,
                });
            }
        }
        Ok(())
    }
}
