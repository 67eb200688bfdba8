//! The DA1469x system as the application core sees it: every memory and
//! register block at its address, emulated time, interrupt lines, and loud
//! reports of whatever is not modelled.
//!
//! Address decoding (regions from `mb4_da1469x::memory_map`, blocks from
//! `mb4_da1469x::peripherals`):
//!
//! | range | what |
//! | --- | --- |
//! | 0x0000_0000 + 8 MiB | remap window: `SYS_CTRL_REG.REMAP_ADR0` 0 ROM, 1 OTP, 2 the flash region of `CACHE_FLASH_REG`, 3 SysRAM; with `REMAP_INTVECT` the first 0x200 bytes are SysRAM's |
//! | 0x0080_0000 + 512 KiB | SysRAM (code-bus alias; inferred) |
//! | 0x0090_0000 + 128 KiB | boot ROM (its contents are not public: the boot is [`crate::boot_rom`]) |
//! | 0x1008_0000, 0x3008_0000 + 64 KiB | OTP cells through OTPC |
//! | 0x1600_0000 + 32 MiB | flash, cached (QSPIC auto mode) |
//! | 0x2000_0000 + 512 KiB | SysRAM |
//! | 0x3600_0000 + 32 MiB | flash, uncached |
//! | register blocks | their models; blocks without one answer reads with 0, ignore writes, and are reported |
//!
//! Anything else is a bus error (a BusFault in the guest). Every first
//! access to something not modelled — an unmodelled block, an undeclared
//! register offset, a tag field changing, a flash read the QSPIC could not
//! serve on silicon — is a [`Report`] with the address; the machine adds the
//! PC. RAM and flash reads take a flat path ([`Soc::read`] tests them first).

use std::collections::HashSet;
use std::ops::ControlFlow;

use mb4_da1469x::memory_map;
use mb4_periph::device::{Context, Device, IrqLines};
use mb4_periph::part::DbiTarget;
use mb4_periph::regmap::RegError;
use mb4_periph::time::Instant;

use crate::flash::NorFlash;
use crate::periph::{
    self, Plain, Unmodelled, anamisc_bif::AnamiscBif, cache::Cache, charger::Charger, cmac::Cmac,
    crg_com::CrgCom, crg_per::CrgPer, crg_top::CrgTop, crg_xtal::CrgXtal, dma::Dma, gpadc::Gpadc,
    gpio::Gpio, gpreg::Gpreg, i2c::I2c, lcdc::Lcdc, memctrl::Memctrl, otpc::Otpc, pdc::Pdc,
    qspic::Qspic, rtc::Rtc, spi::Spi, sys_wdog::SysWdog, timer::Timer, trng::Trng, uart::Uart,
    wakeup::Wakeup,
};

/// SysRAM size (DA14695/97/99).
pub const SYSRAM_SIZE: usize = 512 << 10;
/// Boot ROM size.
pub const ROM_SIZE: usize = 128 << 10;
/// Bytes of SysRAM `REMAP_INTVECT` shows at 0.
pub const INTVECT_BYTES: u32 = 0x200;
/// The QSPI windows.
pub const QSPI_WINDOW: u32 = 32 << 20;

/// A bus error: nothing answers at `addr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("bus error at {addr:#010x}")]
pub struct BusFault {
    /// The address.
    pub addr: u32,
}

/// Something the model did not do as silicon would, or does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// No memory or block at the address: the access is a bus error.
    Unmapped {
        /// Address.
        addr: u32,
        /// Whether it was a write.
        write: bool,
    },
    /// A block with no model yet: reads return 0, writes are dropped.
    UnmodelledBlock {
        /// Block name.
        block: &'static str,
        /// Address.
        addr: u32,
        /// Whether it was a write (and its value).
        write: Option<u32>,
    },
    /// An offset the block's header declares no register at, or an access
    /// width it refuses: reads return 0, writes are dropped.
    BadRegister {
        /// Block name.
        block: &'static str,
        /// Address.
        addr: u32,
        /// What the register table said.
        error: RegError,
    },
    /// A write changed fields whose behaviour is not modelled.
    UnmodelledField {
        /// Register address.
        addr: u32,
        /// What changed.
        what: Unmodelled,
    },
    /// A read-only memory was written (ROM, OTP, flash windows): dropped.
    ReadOnly {
        /// What was written.
        region: &'static str,
        /// Address.
        addr: u32,
    },
    /// A model's own warning (flash part, QSPIC, LCDC, OTP).
    Warning {
        /// Who says it.
        block: &'static str,
        /// What.
        text: String,
    },
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Report::Unmapped { addr, write } => write!(
                f,
                "bus error: {} {addr:#010x}: nothing is mapped there",
                if *write { "write to" } else { "read of" }
            ),
            Report::UnmodelledBlock { block, addr, write } => match write {
                Some(v) => write!(
                    f,
                    "{block} is not modelled: write of {v:#x} to {addr:#010x} dropped"
                ),
                None => write!(f, "{block} is not modelled: read of {addr:#010x} returns 0"),
            },
            Report::BadRegister { block, addr, error } => {
                write!(f, "{block} at {addr:#010x}: {error} (access ignored)")
            }
            Report::UnmodelledField { addr, what } => write!(
                f,
                "{}.{} at {addr:#010x} = {:#x}: {} not modelled",
                what.block,
                what.register,
                what.value,
                if what.fields.is_empty() {
                    "register".to_string()
                } else {
                    what.fields.join(", ")
                }
            ),
            Report::ReadOnly { region, addr } => {
                write!(
                    f,
                    "write to {region} at {addr:#010x} dropped: read-only here"
                )
            }
            Report::Warning { block, text } => write!(f, "{block}: {text}"),
        }
    }
}

/// A report with when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noted {
    /// Emulated time.
    pub at: Instant,
    /// What.
    pub report: Report,
}

/// Clock frequencies the board decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    /// Frequency of the XTAL32K crystal, if the board has one.
    pub xtal32k_hz: Option<u64>,
}

/// The whole SoC outside the CPU.
pub struct Soc {
    /// Emulated time of the accesses now being made.
    pub now: Instant,
    /// Interrupt lines into the NVIC.
    pub irqs: IrqLines,
    /// System RAM.
    pub sysram: Vec<u8>,
    /// Boot ROM contents (zero: the boot is behaviour, see [`crate::boot_rom`]).
    pub rom: Vec<u8>,
    /// CRG_TOP.
    pub crg_top: CrgTop,
    /// CRG_XTAL.
    pub crg_xtal: CrgXtal,
    /// CRG_SYS.
    pub crg_sys: Plain,
    /// CRG_PER.
    pub crg_per: CrgPer,
    /// CRG_COM.
    pub crg_com: CrgCom,
    /// ANAMISC_BIF.
    pub anamisc: AnamiscBif,
    /// GPREG.
    pub gpreg: Gpreg,
    /// PDC.
    pub pdc: Pdc,
    /// WAKEUP.
    pub wakeup: Wakeup,
    /// GPIO.
    pub gpio: Gpio,
    /// OTPC and the OTP cells.
    pub otpc: Otpc,
    /// CACHE.
    pub cache: Cache,
    /// CHIP_VERSION.
    pub chip_version: Plain,
    /// SYS_WDOG.
    pub sys_wdog: SysWdog,
    /// TIMER, TIMER2, TIMER3, TIMER4.
    pub timers: [Timer; 4],
    /// UART, UART2, UART3.
    pub uarts: [Uart; 3],
    /// RTC.
    pub rtc: Rtc,
    /// DMA (its channels run in [`Soc::service_dma`]).
    pub dma: Dma,
    in_dma: bool,
    /// CHARGER (VBUS and the battery come from [`Soc::set_vbus`] and [`Soc::set_battery`]).
    pub charger: Charger,
    /// TRNG (deterministic: seed it with `trng.set_seed`).
    pub trng: Trng,
    /// GPADC and the voltages at its inputs.
    pub gpadc: Gpadc,
    /// SPI and SPI2, with the targets on their buses.
    pub spi: [Spi; 2],
    /// I2C and I2C2, with the targets on their buses.
    pub i2c: [I2c; 2],
    /// QSPIC and the flash part.
    pub qspic: Qspic,
    /// LCDC.
    pub lcdc: Lcdc,
    /// MEMCTRL (the CMAC's SysRAM windows, the busy semaphores).
    pub memctrl: Memctrl,
    /// The CMAC stand-in (the Bluetooth controller, without a radio).
    pub cmac: Cmac,
    /// The panel on the LCDC's link, if the board has one.
    pub panel: Option<Box<dyn DbiTarget>>,
    clocks: Clocks,
    reports: Vec<Noted>,
    seen: HashSet<(u8, u32)>,
    /// Address ranges whose contents changed behind the CPU's back (flash
    /// program and erase): the machine drops decoded instructions there.
    code_dirty: Vec<(u32, u32)>,
    /// A chip reset was requested (SWD_RESET_REG): the machine re-runs the boot.
    pub chip_reset_requested: bool,
    /// `SYS_CTRL_REG.SW_RESET`: the CPU restarts with the current remap.
    pub cpu_reset_requested: bool,
    frozen: u32,
    lp_hz: u64,
}

impl std::fmt::Debug for Soc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Soc")
            .field("now", &self.now)
            .field("irqs", &self.irqs)
            .finish_non_exhaustive()
    }
}

/// Nominal low-power clock for `LP_CLK_SEL`.
fn lp_hz(sel: u32, clocks: Clocks) -> u64 {
    match sel {
        1 => 15_000,
        2 | 3 => clocks.xtal32k_hz.unwrap_or(32_768),
        _ => 32_000,
    }
}

impl Soc {
    /// A powered-on SoC with `flash` on its QSPI controller.
    pub fn new(flash: NorFlash, clocks: Clocks) -> Soc {
        let lp = lp_hz(0, clocks);
        Soc {
            now: Instant::ZERO,
            irqs: IrqLines::default(),
            sysram: vec![0; SYSRAM_SIZE],
            rom: vec![0; ROM_SIZE],
            crg_top: CrgTop::new(),
            crg_xtal: CrgXtal::new(),
            crg_sys: periph::crg_sys::new(),
            crg_per: CrgPer::new(),
            crg_com: CrgCom::new(),
            anamisc: AnamiscBif::new(),
            gpreg: Gpreg::new(),
            pdc: Pdc::new(),
            wakeup: Wakeup::new(),
            gpio: Gpio::new(),
            otpc: Otpc::default(),
            cache: Cache::new(),
            chip_version: periph::chip_version::new(),
            sys_wdog: SysWdog::new(32_000),
            timers: [
                Timer::new(periph::timer::TIMER, lp),
                Timer::new(periph::timer::TIMER2, lp),
                Timer::new(periph::timer::TIMER3, lp),
                Timer::new(periph::timer::TIMER4, lp),
            ],
            uarts: [
                Uart::new(periph::uart::UART),
                Uart::new(periph::uart::UART2),
                Uart::new(periph::uart::UART3),
            ],
            rtc: Rtc::new(),
            dma: Dma::new(),
            in_dma: false,
            charger: Charger::new(),
            trng: Trng::default(),
            gpadc: Gpadc::new(),
            spi: [Spi::new(periph::spi::SPI), Spi::new(periph::spi::SPI2)],
            i2c: [I2c::new(periph::i2c::I2C), I2c::new(periph::i2c::I2C2)],
            qspic: Qspic::new(flash),
            lcdc: Lcdc::new(),
            memctrl: Memctrl::new(),
            cmac: Cmac::new(),
            panel: None,
            clocks,
            reports: Vec::new(),
            seen: HashSet::new(),
            code_dirty: Vec::new(),
            chip_reset_requested: false,
            cpu_reset_requested: false,
            frozen: 0,
            lp_hz: lp,
        }
    }

    /// Ranges whose contents changed behind the CPU's back since the last call.
    pub fn take_code_dirty(&mut self) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.code_dirty)
    }

    /// The board's clocks.
    pub fn clocks(&self) -> Clocks {
        self.clocks
    }

    /// Reports collected since the last call.
    pub fn take_reports(&mut self) -> Vec<Noted> {
        std::mem::take(&mut self.reports)
    }

    /// Whether reports wait.
    pub fn has_reports(&self) -> bool {
        !self.reports.is_empty()
    }

    fn report(&mut self, key: (u8, u32), report: Report) {
        if self.seen.insert(key) {
            self.reports.push(Noted {
                at: self.now,
                report,
            });
        }
    }

    /// The flash region the remap window shows (flash offset, length).
    fn remap(&self) -> (u32, u32, u32) {
        let ctrl = self.crg_top.sys_ctrl();
        let (off, len) = self.cache.remap_region();
        (ctrl, off, len)
    }

    /// Reads `size` (1, 2, 4) bytes at `addr`, little-endian.
    #[inline]
    pub fn read(&mut self, addr: u32, size: u8) -> Result<u32, BusFault> {
        // Fast paths: SysRAM, then flash through the cache.
        if let Some(v) = mem_read(&self.sysram, addr.wrapping_sub(0x2000_0000), size) {
            return Ok(v);
        }
        if (0x1600_0000..0x1800_0000).contains(&addr) || (0x3600_0000..0x3800_0000).contains(&addr)
        {
            return Ok(self.flash_read(addr & (QSPI_WINDOW - 1), addr, size));
        }
        self.slow_read(addr, size)
    }

    fn flash_read(&mut self, offset: u32, addr: u32, size: u8) -> u32 {
        if let Some(why) = self.qspic.xip_problem(self.now) {
            self.report(
                (1, 0),
                Report::Warning {
                    block: "QSPIC",
                    text: format!(
                        "flash read at {addr:#010x} while {why}; returning the contents anyway"
                    ),
                },
            );
        }
        let len = self.qspic.flash.size() as u32;
        if offset.checked_add(u32::from(size)).is_none_or(|e| e > len) {
            self.report(
                (2, addr & !0xFFF),
                Report::Warning {
                    block: "QSPIC",
                    text: format!(
                        "read at {addr:#010x} is past the end of the {len:#x}-byte flash: the address wraps"
                    ),
                },
            );
        }
        let data = self.qspic.flash.data();
        (0..u32::from(size)).fold(0, |v, i| {
            v | u32::from(data[((offset + i) % len.max(1)) as usize]) << (8 * i)
        })
    }

    fn slow_read(&mut self, addr: u32, size: u8) -> Result<u32, BusFault> {
        match addr {
            0..0x0080_0000 => self.remap_read(addr, size),
            0x0080_0000..0x0090_0000 => {
                mem_read(&self.sysram, addr - 0x0080_0000, size).ok_or(BusFault { addr })
            }
            0x0090_0000..0x00A0_0000 => {
                mem_read(&self.rom, addr - 0x0090_0000, size).ok_or(BusFault { addr })
            }
            0x1008_0000..0x1009_0000 | 0x3008_0000..0x3009_0000 => Ok(self.otp_read(addr, size)),
            _ => self.io(addr, size, None),
        }
    }

    fn remap_read(&mut self, addr: u32, size: u8) -> Result<u32, BusFault> {
        let (ctrl, off, len) = self.remap();
        if ctrl & 0x8 != 0 && addr < INTVECT_BYTES {
            return mem_read(&self.sysram, addr, size).ok_or(BusFault { addr });
        }
        match ctrl & 7 {
            0 => mem_read(&self.rom, addr, size).ok_or(BusFault { addr }),
            1 => Ok(self.otp_read(addr, size)),
            2 if addr < len => {
                Ok(self.flash_read(off.wrapping_add(addr) % QSPI_WINDOW, addr, size))
            }
            3 => mem_read(&self.sysram, addr, size).ok_or(BusFault { addr }),
            _ => {
                self.report((3, addr), Report::Unmapped { addr, write: false });
                Err(BusFault { addr })
            }
        }
    }

    fn otp_read(&mut self, addr: u32, size: u8) -> u32 {
        if !self.otpc.readable() {
            self.report(
                (4, 0),
                Report::Warning {
                    block: "OTPC",
                    text: format!(
                        "OTP read at {addr:#010x} while OTPC is not in READ mode (mode {}); returning the cells anyway",
                        self.otpc.mode()
                    ),
                },
            );
        }
        self.otpc.read_cells(addr & 0xFFFF, size)
    }

    /// Writes the low `size` bytes of `value` at `addr`.
    #[inline]
    pub fn write(&mut self, addr: u32, size: u8, value: u32) -> Result<(), BusFault> {
        if mem_write(
            &mut self.sysram,
            addr.wrapping_sub(0x2000_0000),
            size,
            value,
        ) {
            return Ok(());
        }
        match addr {
            0..0x0080_0000 => {
                let ctrl = self.crg_top.sys_ctrl();
                let to_ram = (ctrl & 0x8 != 0 && addr < INTVECT_BYTES) || ctrl & 7 == 3;
                if to_ram && mem_write(&mut self.sysram, addr, size, value) {
                    return Ok(());
                }
                self.report(
                    (5, addr),
                    Report::ReadOnly {
                        region: "the remap window",
                        addr,
                    },
                );
                Ok(())
            }
            0x0080_0000..0x0090_0000 => {
                if mem_write(&mut self.sysram, addr - 0x0080_0000, size, value) {
                    Ok(())
                } else {
                    Err(BusFault { addr })
                }
            }
            0x0090_0000..0x00A0_0000 => {
                self.report(
                    (5, addr),
                    Report::ReadOnly {
                        region: "ROM",
                        addr,
                    },
                );
                Ok(())
            }
            0x1008_0000..0x1009_0000 | 0x3008_0000..0x3009_0000 => {
                self.report(
                    (5, addr),
                    Report::ReadOnly {
                        region: "OTP (program it through OTPC)",
                        addr,
                    },
                );
                Ok(())
            }
            0x1600_0000..0x1800_0000 | 0x3600_0000..0x3800_0000 => {
                self.report(
                    (5, addr & !0xFFF),
                    Report::ReadOnly {
                        region: "a QSPI flash window",
                        addr,
                    },
                );
                Ok(())
            }
            _ => self.io(addr, size, Some(value)).map(|_| ()),
        }
    }

    /// Reads without side effects where possible (memories); registers are not read.
    pub fn peek(&self, addr: u32, size: u8) -> Option<u32> {
        if let Some(v) = mem_read(&self.sysram, addr.wrapping_sub(0x2000_0000), size) {
            return Some(v);
        }
        let flash = self.qspic.flash.data();
        let from_flash = |off: u32| {
            (0..u32::from(size)).try_fold(0u32, |v, i| {
                flash
                    .get((off + i) as usize)
                    .map(|b| v | u32::from(*b) << (8 * i))
            })
        };
        match addr {
            0x1600_0000..0x1800_0000 | 0x3600_0000..0x3800_0000 => {
                from_flash(addr & (QSPI_WINDOW - 1))
            }
            0..0x0080_0000 => {
                let ctrl = self.crg_top.sys_ctrl();
                let (off, len) = self.cache.remap_region();
                if ctrl & 0x8 != 0 && addr < INTVECT_BYTES {
                    return mem_read(&self.sysram, addr, size);
                }
                match ctrl & 7 {
                    0 => mem_read(&self.rom, addr, size),
                    2 if addr < len => from_flash(off.wrapping_add(addr) % QSPI_WINDOW),
                    3 => mem_read(&self.sysram, addr, size),
                    _ => None,
                }
            }
            0x0080_0000..0x0090_0000 => mem_read(&self.sysram, addr - 0x0080_0000, size),
            0x0090_0000..0x00A0_0000 => mem_read(&self.rom, addr - 0x0090_0000, size),
            _ => None,
        }
    }

    /// Whether `addr` holds plain memory whose contents change only through
    /// this bus's writes (SysRAM) or as [`Soc::take_code_dirty`] reports
    /// (flash). The remap window is not: its mapping changes with registers.
    pub fn is_memory(&self, addr: u32) -> bool {
        matches!(addr, 0x2000_0000..0x2008_0000 | 0x1600_0000..0x1800_0000 | 0x3600_0000..0x3800_0000)
    }

    /// A register access: find the block, call its model, collect what it says.
    fn io(&mut self, addr: u32, size: u8, write: Option<u32>) -> Result<u32, BusFault> {
        if (periph::cmac::INT_ADDR..periph::cmac::INT_ADDR + 4).contains(&addr) {
            return Ok(self.cmac_int(addr, size, write));
        }
        let Some(p) = mb4_da1469x::peripherals::peripheral_at(addr) else {
            self.report(
                (3, addr),
                Report::Unmapped {
                    addr,
                    write: write.is_some(),
                },
            );
            return Err(BusFault { addr });
        };
        let offset = addr - p.base;
        if p.name == "TRNG_FIFO" {
            return Ok(self.trng_fifo(addr, size, write));
        }
        let now = self.now;
        let mut irqs = std::mem::take(&mut self.irqs);
        let result = {
            let mut cx = Context {
                now,
                irqs: &mut irqs,
            };
            self.block(p.name).map(|dev| match write {
                Some(v) => dev.write(offset, size, v, &mut cx).map(|_| 0),
                None => dev.read(offset, size, &mut cx),
            })
        };
        self.irqs = irqs;
        let value = match result {
            None => {
                self.report(
                    (6, addr),
                    Report::UnmodelledBlock {
                        block: p.name,
                        addr,
                        write,
                    },
                );
                0
            }
            Some(Ok(v)) => v,
            Some(Err(error)) => {
                self.report(
                    (7, addr),
                    Report::BadRegister {
                        block: p.name,
                        addr,
                        error,
                    },
                );
                0
            }
        };
        if write.is_some() {
            self.after_write(p.name);
        }
        self.collect_notes(p.base);
        Ok(value)
    }

    fn block(&mut self, name: &str) -> Option<&mut dyn Device> {
        Some(match name {
            "CRG_TOP" => {
                let (x, p) = (self.crg_xtal.xtal_ready(), self.crg_xtal.pll_locked());
                self.crg_top.set_clock_inputs(x, p, self.now);
                &mut self.crg_top
            }
            "CRG_XTAL" => &mut self.crg_xtal,
            "CRG_SYS" => &mut self.crg_sys,
            "CRG_PER" => &mut self.crg_per,
            "CRG_COM" => &mut self.crg_com,
            "ANAMISC_BIF" => &mut self.anamisc,
            "GPREG" => &mut self.gpreg,
            "PDC" => &mut self.pdc,
            "WAKEUP" => &mut self.wakeup,
            "GPIO" => &mut self.gpio,
            "OTPC" => &mut self.otpc,
            "CACHE" => &mut self.cache,
            "CHIP_VERSION" => &mut self.chip_version,
            "SYS_WDOG" => &mut self.sys_wdog,
            "TIMER" => &mut self.timers[0],
            "TIMER2" => &mut self.timers[1],
            "TIMER3" => &mut self.timers[2],
            "TIMER4" => &mut self.timers[3],
            "UART" => &mut self.uarts[0],
            "UART2" => &mut self.uarts[1],
            "UART3" => &mut self.uarts[2],
            "GPADC" => &mut self.gpadc,
            "RTC" => &mut self.rtc,
            "DMA" => &mut self.dma,
            "CHARGER" => &mut self.charger,
            "TRNG" => &mut self.trng,
            "SPI" => &mut self.spi[0],
            "SPI2" => &mut self.spi[1],
            "I2C" => &mut self.i2c[0],
            "I2C2" => &mut self.i2c[1],
            "QSPIC" => &mut self.qspic,
            "LCDC" => &mut self.lcdc,
            "MEMCTRL" => &mut self.memctrl,
            _ => return None,
        })
    }

    /// Cross-block effects of a write.
    fn after_write(&mut self, block: &str) {
        let now = self.now;
        let mut irqs = std::mem::take(&mut self.irqs);
        let mut cx = Context {
            now,
            irqs: &mut irqs,
        };
        match block {
            "CRG_TOP" => {
                if self.crg_top.take_sw_reset() {
                    self.cpu_reset_requested = true;
                }
                self.gpio.set_pad_latches(self.crg_top.pad_latches(), now);
                self.sync_pins(&mut cx);
                let lp = lp_hz(self.crg_top.lp_clk_sel(), self.clocks);
                if lp != self.lp_hz {
                    self.lp_hz = lp;
                    for t in &mut self.timers {
                        t.set_lp_hz(lp, now);
                    }
                    // The watchdog runs on RCX when that is the lp clock, else on
                    // RC32K (Zephyr smartbond_timer.c), never on XTAL32K.
                    let wdog_hz = if self.crg_top.lp_clk_sel() == 1 {
                        15_000
                    } else {
                        32_000
                    };
                    self.sys_wdog.set_lp_hz(wdog_hz, now);
                }
                self.rtc
                    .set_divider(self.crg_top.clk_rtcdiv(), self.lp_hz, &mut cx);
                self.cmac
                    .set_clk_radio(self.crg_top.clk_radio(), now, &mut cx);
            }
            "GPIO" => self.sync_pins(&mut cx),
            "CACHE" if self.cache.take_swd_reset() => {
                self.chip_reset_requested = true;
            }
            "PDC" => {
                if self.pdc.wants_xtal() {
                    self.crg_xtal.set_pdc_request(true, &mut cx);
                }
                // hal's cmac_signal: the host set the CMAC's wake-up entry.
                if self.cmac.is_up()
                    && self
                        .pdc
                        .acknowledge_master(periph::pdc::MASTER_CMAC, &mut cx)
                {
                    self.cmac.signal(now);
                }
            }
            "GPREG" => {
                let frozen = self.gpreg.frozen();
                if frozen != self.frozen {
                    self.frozen = frozen;
                    for t in &mut self.timers {
                        let bit = t.which().freeze_bit;
                        t.set_frozen(frozen & bit != 0, now);
                    }
                    self.sys_wdog
                        .set_frozen(frozen & periph::gpreg::frz::SYS_WDOG != 0, now);
                }
            }
            "QSPIC" => {
                if let Some((start, end)) = self.qspic.flash.take_dirty() {
                    let len = (end - start) as u32;
                    for window in [0x1600_0000u32, 0x3600_0000] {
                        self.code_dirty.push((window + start as u32, len));
                    }
                }
            }
            "LCDC" => {}
            _ => {}
        }
        if self.rtc.take_pdc_alarm() {
            self.pdc.trigger(periph::rtc::PDC_ALARM, &mut cx);
        }
        self.irqs = irqs;
        if self.lcdc.wants_service() {
            self.service_lcdc();
        }
        self.service_dma();
    }

    /// Whether channel `ch`'s peripheral asks for a transfer now (`None`:
    /// a requester the model does not know how to ask).
    fn dma_request(&self, ch: usize) -> Option<bool> {
        let rx = ch.is_multiple_of(2);
        Some(match self.dma.requester(ch) {
            0 | 1 => {
                let spi = &self.spi[self.dma.requester(ch) as usize];
                !rx || spi.dma_rx_ready()
            }
            4 | 5 => {
                let i2c = &self.i2c[self.dma.requester(ch) as usize - 4];
                if rx {
                    i2c.dma_rx_ready()
                } else {
                    i2c.dma_tx_ready()
                }
            }
            _ => return None,
        })
    }

    /// Run the active DMA channels until none can move: memory-to-memory
    /// channels to the end, peripheral ones while their peripheral asks.
    /// Transfers go through [`Soc::read`] and [`Soc::write`].
    pub fn service_dma(&mut self) {
        if self.in_dma || self.dma.active() == 0 {
            return;
        }
        self.in_dma = true;
        // A bound on the work of one call (a full 64 Ki-transfer channel x 8).
        let mut budget = 8 * 65_536 + 8;
        loop {
            let mut moved = false;
            for ch in 0..periph::dma::CHANNELS {
                if self.dma.active() >> ch & 1 == 0 {
                    continue;
                }
                let c = self.dma.channel(ch);
                if c.hw {
                    match self.dma_request(ch) {
                        Some(true) => {}
                        Some(false) => continue,
                        None => {
                            let sel = self.dma.requester(ch);
                            self.report(
                                (9, sel),
                                Report::Warning {
                                    block: "DMA",
                                    text: format!(
                                        "channel {ch} waits for requests from {} (DMA_REQ_MUX_REG {sel:#x}): not modelled, it never moves",
                                        periph::dma::requester_name(sel)
                                    ),
                                },
                            );
                            continue;
                        }
                    }
                }
                let step = u32::from(c.width);
                let src = c.a.wrapping_add(if c.ainc { c.idx * step } else { 0 });
                let dst = c.b.wrapping_add(if c.binc { c.idx * step } else { 0 });
                let ok = self
                    .read(src, c.width)
                    .and_then(|v| self.write(dst, c.width, v));
                match ok {
                    Ok(()) => self.with_cx(|soc, cx| soc.dma.transferred(ch, cx)),
                    Err(BusFault { addr }) => {
                        self.with_cx(|soc, cx| soc.dma.bus_error(ch, cx));
                        self.reports.push(Noted {
                            at: self.now,
                            report: Report::Warning {
                                block: "DMA",
                                text: format!(
                                    "channel {ch}: bus error at {addr:#010x}; channel stopped"
                                ),
                            },
                        });
                    }
                }
                moved = true;
                budget -= 1;
            }
            if !moved || budget <= 0 {
                break;
            }
        }
        self.in_dma = false;
    }

    /// An access to the word hal's CMAC2SYS handler clears the interrupt at.
    fn cmac_int(&mut self, addr: u32, size: u8, write: Option<u32>) -> u32 {
        let shift = 8 * (addr & 3);
        let v = match write {
            Some(v) => {
                self.with_cx(|soc, cx| soc.cmac.int_write(v << shift, cx));
                0
            }
            None => self.cmac.int_read() >> shift,
        };
        if size < 4 {
            v & ((1 << (8 * u32::from(size))) - 1)
        } else {
            v
        }
    }

    /// The CMAC stand-in's warnings and notices, as reports.
    fn cmac_reports(&mut self) {
        let w = self.cmac.warnings.drain(..).map(|t| ("CMAC", t));
        let n = self.cmac.notices.drain(..).map(|t| ("bluetooth", t));
        let all: Vec<_> = w.chain(n).collect();
        for (block, text) in all {
            self.reports.push(Noted {
                at: self.now,
                report: Report::Warning { block, text },
            });
        }
    }

    /// An access to the TRNG's FIFO port: word reads pop, anything else is refused.
    fn trng_fifo(&mut self, addr: u32, size: u8, write: Option<u32>) -> u32 {
        if write.is_some() || size != 4 {
            self.report(
                (7, addr),
                Report::Warning {
                    block: "TRNG",
                    text: format!(
                        "{}-byte {} at the FIFO port {addr:#010x}: only word reads are modelled (ignored)",
                        size,
                        if write.is_some() { "write" } else { "read" }
                    ),
                },
            );
            return 0;
        }
        let w = self.with_cx(|soc, cx| soc.trng.fifo_read(cx));
        self.collect_notes(0x3005_0000);
        w
    }

    /// Run `f` with a device context at the bus's time: the interrupt lines
    /// are lent to it and put back afterwards (what every call from the bus
    /// into a block's non-register API needs). `f` must not make bus accesses.
    fn with_cx<R>(&mut self, f: impl FnOnce(&mut Soc, &mut Context<'_>) -> R) -> R {
        let now = self.now;
        let mut irqs = std::mem::take(&mut self.irqs);
        let r = f(
            self,
            &mut Context {
                now,
                irqs: &mut irqs,
            },
        );
        self.irqs = irqs;
        r
    }

    /// Hand the pads' levels to WAKEUP (edges become events and interrupts)
    /// and its GPIO events to the PDC.
    fn sync_pins(&mut self, cx: &mut Context<'_>) {
        let gpio = &self.gpio;
        for spi in &mut self.spi {
            spi.set_cs_levels(|p| gpio.level(p), cx.now);
        }
        self.wakeup.pins(self.gpio.levels(), cx);
        for t in self.wakeup.take_pdc_triggers() {
            self.pdc
                .trigger_from(u32::from(t >> 5), u32::from(t & 31), cx);
        }
    }

    /// VBUS (the USB/charging cable) plugged in or pulled out: CRG_TOP's
    /// VBUS status and interrupt, and the charger's power.
    pub fn set_vbus(&mut self, present: bool) {
        self.with_cx(|soc, cx| {
            soc.crg_top.set_vbus(present, cx);
            soc.charger.set_vbus(present, cx);
        });
    }

    /// The battery now: its voltage (seen by the charger and by GPADC's
    /// VBAT input) and the current it takes (mA, for the charger's end of
    /// charge). Returns the current the charger pushes into it (mA).
    pub fn set_battery(&mut self, volts: f64, current_ma: f64) -> f64 {
        self.gpadc.set_input(periph::gpadc::Input::Vbat, volts);
        self.with_cx(|soc, cx| {
            soc.charger.set_vbat(volts, cx);
            soc.charger.set_battery_current_ma(current_ma, cx);
        });
        self.charger.charge_current_ma()
    }

    /// The board drives `pin` to `level` (`None` releases it). Edges reach
    /// WAKEUP (GPIO_P0/P1 and KEY_WKUP_GPIO interrupts, PDC) at once.
    pub fn gpio_drive(&mut self, pin: periph::gpio::Pin, level: Option<bool>) {
        self.gpio.drive(pin, level);
        self.with_cx(|soc, cx| soc.sync_pins(cx));
    }

    fn service_lcdc(&mut self) {
        let sysram = &self.sysram;
        let flash = self.qspic.flash.data();
        let mut dma = |addr: u32, buf: &mut [u8]| -> Result<(), u32> {
            for (i, b) in buf.iter_mut().enumerate() {
                let a = addr.wrapping_add(i as u32);
                *b = if let Some(&v) = sysram.get(a.wrapping_sub(0x2000_0000) as usize) {
                    v
                } else if (0x1600_0000..0x1800_0000).contains(&a)
                    || (0x3600_0000..0x3800_0000).contains(&a)
                {
                    flash
                        .get((a & (QSPI_WINDOW - 1)) as usize)
                        .copied()
                        .ok_or(a)?
                } else {
                    return Err(a);
                };
            }
            Ok(())
        };
        let mut sink = NullPanel;
        let panel: &mut dyn DbiTarget = match self.panel.as_mut() {
            Some(p) => p.as_mut(),
            None => &mut sink,
        };
        self.lcdc.service(&mut dma, panel);
        for r in self.lcdc.take_reports() {
            self.reports.push(Noted {
                at: self.now,
                report: Report::Warning {
                    block: "LCDC",
                    text: format!("{r:?}"),
                },
            });
        }
    }

    /// Visit every place a block leaves something for the bus to report,
    /// in report order, until `f` breaks. The one list of these places:
    /// [`Soc::nothing_to_collect`] and [`Soc::collect_notes`] both walk it,
    /// so a new source is added here and nowhere else.
    #[inline]
    fn each_note_source(
        &mut self,
        mut f: impl FnMut(NoteSource<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        for notes in [
            &mut self.crg_top.notes,
            &mut self.crg_xtal.notes,
            &mut self.crg_sys.notes,
            &mut self.crg_per.notes,
            &mut self.crg_com.notes,
            &mut self.anamisc.notes,
            &mut self.gpreg.notes,
            &mut self.pdc.notes,
            &mut self.wakeup.notes,
            &mut self.gpio.notes,
            &mut self.gpadc.notes,
            &mut self.rtc.notes,
            &mut self.dma.notes,
            &mut self.charger.notes,
            &mut self.trng.notes,
            &mut self.otpc.notes,
            &mut self.cache.notes,
            &mut self.chip_version.notes,
            &mut self.sys_wdog.notes,
            &mut self.qspic.notes,
            &mut self.lcdc.notes,
            &mut self.memctrl.notes,
        ] {
            f(NoteSource::Fields(notes))?;
        }
        for t in &mut self.timers {
            f(NoteSource::Fields(&mut t.notes))?;
        }
        for u in &mut self.uarts {
            f(NoteSource::Fields(&mut u.notes))?;
        }
        for i in &mut self.i2c {
            f(NoteSource::Fields(&mut i.notes))?;
        }
        for i in &mut self.spi {
            f(NoteSource::Fields(&mut i.notes))?;
        }
        f(NoteSource::Warnings("QSPIC", &mut self.qspic.warnings))?;
        f(NoteSource::Warnings("flash", &mut self.qspic.flash.notes))?;
        f(NoteSource::Warnings("GPADC", &mut self.gpadc.warnings))?;
        f(NoteSource::Warnings("TRNG", &mut self.trng.warnings))?;
        for i in &mut self.spi {
            f(NoteSource::Warnings(i.which().name, &mut i.warnings))?;
        }
        for i in &mut self.i2c {
            f(NoteSource::Warnings(i.which().name, &mut i.warnings))?;
        }
        ControlFlow::Continue(())
    }

    /// Whether no block has anything to report: the common case after an
    /// I/O access, checked first because collecting costs far more (it was
    /// half the DA1469x machine's time).
    fn nothing_to_collect(&mut self) -> bool {
        self.each_note_source(|source| {
            if source.is_empty() {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })
        .is_continue()
    }

    /// Report what the blocks left: unmodelled fields at `base` (the block
    /// just accessed) plus their offsets, then warnings.
    fn collect_notes(&mut self, base: u32) {
        if self.nothing_to_collect() {
            return;
        }
        let mut notes: Vec<Unmodelled> = Vec::new();
        let mut warnings: Vec<(&'static str, String)> = Vec::new();
        let _ = self.each_note_source(|source| {
            match source {
                NoteSource::Fields(n) => {
                    if !n.is_empty() {
                        notes.extend(n.drain());
                    }
                }
                NoteSource::Warnings(block, w) => {
                    warnings.extend(w.drain(..).map(|text| (block, text)));
                }
            }
            ControlFlow::Continue(())
        });
        for what in notes {
            let addr = base + what.offset;
            self.report((8, addr), Report::UnmodelledField { addr, what });
        }
        for (block, text) in warnings {
            self.reports.push(Noted {
                at: self.now,
                report: Report::Warning { block, text },
            });
        }
    }

    /// The earliest instant a block changes state on its own.
    pub fn next_event(&self) -> Option<Instant> {
        let devs: [&dyn Device; 11] = [
            &self.gpadc,
            &self.trng,
            &self.rtc,
            &self.sys_wdog,
            &self.crg_top,
            &self.crg_xtal,
            &self.anamisc,
            &self.otpc,
            &self.lcdc,
            &self.timers[0],
            &self.timers[1],
        ];
        devs.iter()
            .filter_map(|d| d.next_event())
            .chain(self.timers[2..].iter().filter_map(|t| t.next_event()))
            .chain(self.uarts.iter().filter_map(|u| u.next_event()))
            .chain(self.cmac.next_event())
            .min()
    }

    /// Bring every block up to `now` (which becomes the bus's time).
    pub fn advance(&mut self, now: Instant) {
        self.now = self.now.max(now);
        let now = self.now;
        let mut irqs = std::mem::take(&mut self.irqs);
        {
            let mut cx = Context {
                now,
                irqs: &mut irqs,
            };
            self.crg_xtal.advance(&mut cx);
            let (x, p) = (self.crg_xtal.xtal_ready(), self.crg_xtal.pll_locked());
            self.crg_top.set_clock_inputs(x, p, now);
            self.crg_top.advance(&mut cx);
            self.anamisc.advance(&mut cx);
            self.otpc.advance(&mut cx);
            self.lcdc.advance(&mut cx);
            self.gpadc.advance(&mut cx);
            self.rtc.advance(&mut cx);
            self.trng.advance(&mut cx);
            for i in 0..4 {
                self.timers[i].advance(&mut cx);
                if self.timers[i].take_fired() {
                    let id = self.timers[i].which().pdc_trigger;
                    self.pdc.trigger(id, &mut cx);
                }
            }
            for u in &mut self.uarts {
                u.advance(&mut cx);
            }
            self.sys_wdog.advance(&mut cx);
            self.cmac
                .advance(self.memctrl.cmac_window(), &mut self.sysram, &mut cx);
            if self.rtc.take_pdc_alarm() {
                self.pdc.trigger(periph::rtc::PDC_ALARM, &mut cx);
            }
        }
        self.irqs = irqs;
        self.cmac_reports();
        if self.sys_wdog.take_nmi() {
            self.reports.push(Noted {
                at: now,
                report: Report::Warning {
                    block: "SYS_WDOG",
                    text: "watchdog reached 0: NMI (not delivered: the core model has no NMI input); reset in 16 steps unless fed".into(),
                },
            });
        }
        if self.sys_wdog.take_reset() {
            self.reports.push(Noted {
                at: now,
                report: Report::Warning {
                    block: "SYS_WDOG",
                    text: "watchdog expired: chip reset".into(),
                },
            });
            self.chip_reset_requested = true;
        }
        if self.lcdc.wants_service() {
            self.service_lcdc();
        }
        self.service_dma();
    }

    /// The CPU clock now (Hz), from CRG_TOP.
    pub fn cpu_hz(&self) -> u64 {
        self.crg_top.sys_clock().hz()
    }

    /// Bytes the UARTs sent since the last call, per UART.
    pub fn take_uart_output(&mut self) -> [Vec<u8>; 3] {
        [
            self.uarts[0].take_output(),
            self.uarts[1].take_output(),
            self.uarts[2].take_output(),
        ]
    }

    /// Feed bytes to a UART's RX; returns how many were taken.
    pub fn uart_input(&mut self, which: usize, bytes: &[u8]) -> usize {
        let n = bytes.len().min(self.uarts[which].rx_room());
        let now = self.now;
        let mut irqs = std::mem::take(&mut self.irqs);
        self.uarts[which].inject(
            &bytes[..n],
            &mut Context {
                now,
                irqs: &mut irqs,
            },
        );
        self.irqs = irqs;
        n
    }

    #[doc(hidden)]
    pub fn peek_reg_dbg(&self) -> u32 {
        0
    }

    /// The region list of the memory map, for debuggers.
    pub fn regions() -> &'static [memory_map::Region] {
        memory_map::REGIONS
    }
}

/// A place where a block leaves something for the bus to report
/// ([`Soc::each_note_source`]).
enum NoteSource<'a> {
    /// Writes to unmodelled register fields.
    Fields(&'a mut periph::Notes),
    /// Free-text warnings from the block named.
    Warnings(&'static str, &'a mut Vec<String>),
}

impl NoteSource<'_> {
    /// Whether nothing is waiting here.
    #[inline]
    fn is_empty(&self) -> bool {
        match self {
            NoteSource::Fields(n) => n.is_empty(),
            NoteSource::Warnings(_, w) => w.is_empty(),
        }
    }
}

struct NullPanel;

impl DbiTarget for NullPanel {
    fn command(&mut self, _cmd: u8, _now: Instant) {}
    fn data(&mut self, _bytes: &[u8], _now: Instant) {}
}

#[inline]
fn mem_read(mem: &[u8], off: u32, size: u8) -> Option<u32> {
    let off = off as usize;
    let b = mem.get(off..off.checked_add(usize::from(size))?)?;
    Some(match size {
        1 => u32::from(b[0]),
        2 => u32::from(u16::from_le_bytes([b[0], b[1]])),
        _ => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
    })
}

#[inline]
fn mem_write(mem: &mut [u8], off: u32, size: u8, value: u32) -> bool {
    let off = off as usize;
    let Some(end) = off.checked_add(usize::from(size)) else {
        return false;
    };
    match mem.get_mut(off..end) {
        Some(b) => {
            b.copy_from_slice(&value.to_le_bytes()[..usize::from(size)]);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soc() -> Soc {
        let mut f = NorFlash::new([0xEF, 0x60, 0x18], 16 << 20);
        f.load(0x2400, &[0x11, 0x22, 0x33, 0x44]).unwrap();
        Soc::new(
            f,
            Clocks {
                xtal32k_hz: Some(32_768),
            },
        )
    }

    #[test]
    fn ram_flash_and_remap_window() {
        let mut s = soc();
        s.write(0x2000_0010, 4, 0xDEAD_BEEF).unwrap();
        assert_eq!(s.read(0x2000_0012, 2).unwrap(), 0xDEAD);
        assert_eq!(
            s.read(0x0080_0010, 4).unwrap(),
            0xDEAD_BEEF,
            "code-bus alias"
        );
        assert_eq!(s.read(0x1600_2400, 4).unwrap(), 0x4433_2211);
        assert_eq!(s.read(0x3600_2401, 1).unwrap(), 0x22);
        // The XiP read in manual mode is reported once.
        let r = s.take_reports();
        assert_eq!(r.len(), 1, "{r:?}");
        // Remap: region at 0x2400 shown at 0.
        s.cache
            .set_flash_reg(crate::periph::cache::encode_flash_reg(0, 0x2400, 0));
        s.crg_top.set_sys_ctrl(2);
        assert_eq!(s.read(0, 4).unwrap(), 0x4433_2211);
        // REMAP_INTVECT: the first 0x200 bytes come from SysRAM.
        s.crg_top.set_sys_ctrl(2 | 8);
        s.write(0x2000_0000, 4, 0x2000_8000).unwrap();
        assert_eq!(s.read(0, 4).unwrap(), 0x2000_8000);
        assert_eq!(
            s.read(0x200, 4).unwrap(),
            0xFFFF_FFFF,
            "past 0x200: flash again"
        );
    }

    #[test]
    fn registers_and_reports() {
        let mut s = soc();
        // CHIP_ID1..4.
        let id: Vec<u8> = (0..4)
            .map(|i| s.read(0x5004_0200 + 4 * i, 4).unwrap() as u8)
            .collect();
        assert_eq!(id, b"3080");
        // An unmodelled block reads 0 and is reported once.
        assert_eq!(s.read(0x5004_0000, 4).unwrap(), 0);
        assert_eq!(s.read(0x5004_0000, 4).unwrap(), 0);
        let r = s.take_reports();
        assert_eq!(r.len(), 1);
        assert!(
            r[0].report.to_string().contains("USB is not modelled"),
            "{}",
            r[0].report
        );
        // A hole between blocks is a bus error.
        assert_eq!(s.read(0x5000_0600, 4), Err(BusFault { addr: 0x5000_0600 }));
        // Unmapped space.
        assert!(s.read(0x4000_0000, 4).is_err());
        // A tag field write is reported with its register's name.
        s.write(0x5000_0060, 4, 0x8).unwrap(); // BOD_CTRL_REG
        let r = s.take_reports();
        assert!(
            r.iter()
                .any(|n| n.report.to_string().contains("BOD_CTRL_REG")),
            "{r:?}"
        );
    }

    #[test]
    fn timer2_event_reaches_irq_line_and_pdc() {
        let mut s = soc();
        // A PDC entry for TIMER2 (trigger 0x41), master M33.
        s.write(0x5000_0200, 4, 2 | 1 << 2 | 1 << 11).unwrap();
        // TIMER2: reload 32, free-running, IRQ, enabled.
        s.write(0x5001_0314, 4, 32).unwrap();
        s.write(0x5001_0300, 4, 1 << 8 | 1 << 6 | 1 << 5 | 1)
            .unwrap();
        let t = s.next_event().unwrap();
        assert_eq!(
            t,
            mb4_periph::time::Clock::new(32_000, Instant::ZERO).instant_of_tick(32)
        );
        s.advance(t);
        assert!(s.irqs.is_high(17));
        assert!(s.irqs.is_high(20), "PDC pending for the M33");
        // The lp clock follows LP_CLK_SEL (2 = XTAL32K).
        s.write(0x5000_0014, 4, 0x2001 | 2 << 2).unwrap();
        assert_eq!(s.lp_hz, 32_768);
    }

    #[test]
    fn cmac_stand_in_through_the_bus() {
        use crate::periph::cmac::{self, HDR_INFO, HDR_SHARED_ADDR, HDR_SHM_CONFIG};
        let mut s = soc();
        // An image header as hal's cmac_load_image leaves it at 0x2001_0000,
        // shared area at +0x8000 (CMAC address 0x2000_8000).
        let code = 0x2001_0000u32;
        let put = |s: &mut Soc, a: u32, v: u32| s.write(a, 4, v).unwrap();
        put(&mut s, code + HDR_INFO, cmac::IMG_MAGIC);
        put(&mut s, code + HDR_SHARED_ADDR, 0x2000_8000);
        put(&mut s, code + HDR_SHM_CONFIG, 0x400);
        put(&mut s, code + HDR_SHM_CONFIG + 4, 0x2000_8000);
        put(&mut s, code + HDR_SHM_CONFIG + 8, 0x2000_8010);
        put(&mut s, code + HDR_SHM_CONFIG + 12, 0x2000_8100);
        put(&mut s, code + 0x400, 64 | 64 << 16);
        put(&mut s, 0x5005_0020, code); // CMI_CODE_BASE_REG
        put(&mut s, 0x5005_0028, code + 0x8000); // CMI_SHARED_BASE_REG
        // cmac_configure_pdc: entry 0, MAC timer trigger, master CMAC, EN_XTAL.
        put(&mut s, 0x5000_0200, 2 | 6 << 2 | 1 << 7 | 2 << 11);
        // cmac_enable.
        put(&mut s, 0x5000_0010, 0x34);
        put(&mut s, 0x5000_0010, 0x24);
        let t = s.next_event().unwrap();
        s.advance(t);
        assert_eq!(s.read(code + 0x8000, 2).unwrap(), 0xC3AC, "ctrl->magic");
        let t = s.next_event().unwrap();
        s.advance(t);
        assert!(s.irqs.is_high(cmac::IRQ), "Command Complete for NOP waits");
        s.write(cmac::INT_ADDR, 4, 2).unwrap();
        assert!(!s.irqs.is_high(cmac::IRQ));
        s.write(code + 0x8100, 2, 6).unwrap(); // the host read the NOP event
        // HCI Reset in the host's ring, then cmac_signal.
        for (i, b) in [1u32, 0x03, 0x0C, 0].iter().enumerate() {
            s.write(code + 0x8014 + i as u32, 1, *b).unwrap();
        }
        s.write(code + 0x8012, 2, 4).unwrap();
        put(&mut s, 0x5000_0294, 0); // PDC_SET_PENDING_REG
        assert_eq!(s.pdc.pending(), 0, "the CMAC acknowledged its entry");
        let t = s.next_event().unwrap();
        s.advance(t);
        assert!(s.irqs.is_high(cmac::IRQ));
        let ev: Vec<u32> = (0..7)
            .map(|i| s.read(code + 0x8104 + 6 + i, 1).unwrap())
            .collect();
        assert_eq!(ev, [4, 0x0E, 4, 1, 0x03, 0x0C, 0]);
    }

    #[test]
    fn uart_bytes_come_out() {
        let mut s = soc();
        s.write(0x5002_0000, 4, u32::from(b'A')).unwrap();
        let t = s.next_event().unwrap();
        s.advance(t);
        assert_eq!(s.take_uart_output()[0], b"A");
    }
}
