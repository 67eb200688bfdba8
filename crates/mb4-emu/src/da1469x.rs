//! `da1469x`: a DA1469x SoC (the Mi Band 4's DA14697, Renesas' dev kit's
//! DA14699) with its flash, booting the flash image a user would write.
//!
//! The machine owns the core and the SoC ([`mb4_soc::bus::Soc`]) and keeps
//! time: emulated time follows the core's cycles at the clock CRG_TOP says
//! the core runs at (RC32M, XTAL32M, PLL96), and while the core sleeps it
//! jumps to the next event of a peripheral. Power-on runs the boot ROM's
//! behaviour ([`mb4_soc::boot_rom`]), then resets the core from the
//! remapped vector table.
//!
//! Register accesses are serviced with the time at the start of the current
//! slice of at most [`MAX_SLICE`] of emulated time, so a register polled in a
//! loop moves on at least that often.

use std::io::Write;

use crate::board_parts::{I2cLink, LcdcLink, PanelHandle, PartHandle, Wiring};
use mb4_armv8m::{Bus, BusError, Config, Cpu, Size, StopReason};
use mb4_periph::time::{Instant, PS_PER_SECOND};
use mb4_soc::boot_rom::{self, BootError, BootState};
use mb4_soc::bus::{Clocks, Noted, Soc};
use mb4_soc::flash::NorFlash;

/// Longest slice the core runs before the peripherals catch up.
pub const MAX_SLICE: Instant = Instant::from_micros(50);
/// Emulated time one debugger access takes (about a probe's round trip).
pub const DEBUG_ACCESS_TIME: Instant = Instant::from_micros(10);
/// External interrupt lines.
pub const NUM_IRQ: u32 = mb4_da1469x::irq::COUNT as u32;
/// Default active image address when an ELF or a bare image is given.
pub const DEFAULT_IMAGE_ADDRESS: u32 = 0x2000;

/// Why the machine cannot be built or loaded.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The board names a flash part the table does not have.
    #[error("board {board}: unknown flash part {part:?}")]
    UnknownFlash {
        /// Board name.
        board: String,
        /// Part name.
        part: String,
    },
    /// The input does not fit the flash.
    #[error("the flash image ({len} bytes) does not fit the {size}-byte {part}")]
    TooBig {
        /// Input length.
        len: usize,
        /// Flash size.
        size: usize,
        /// Part name.
        part: String,
    },
    /// The board's parts cannot be built.
    #[error("{0}")]
    Parts(String),
    /// Building a flash image from an ELF or a bare image failed.
    #[error("cannot make a flash image: {0}")]
    Build(String),
}

/// The bus as the core sees it.
struct SocBus<'a>(&'a mut Soc);

fn size_bytes(s: Size) -> u8 {
    s.bytes() as u8
}

impl Bus for SocBus<'_> {
    #[inline]
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.0
            .read(addr, size_bytes(size))
            .map_err(|f| BusError { addr: f.addr })
    }

    #[inline]
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        self.0
            .write(addr, size_bytes(size), value)
            .map_err(|f| BusError { addr: f.addr })
    }

    fn peek(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.0.peek(addr, size_bytes(size)).ok_or(BusError { addr })
    }

    fn code_cacheable(&self, addr: u32) -> bool {
        self.0.is_memory(addr)
    }
}

/// When to stop a run.
#[derive(Debug, Clone, Default)]
pub struct Until {
    /// At this emulated time.
    pub time: Option<Instant>,
    /// When the console has printed this text.
    pub uart_text: Option<String>,
    /// When the core is about to execute this address.
    pub pc: Option<u32>,
    /// After this many instructions (a safety stop).
    pub max_instructions: Option<u64>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The emulated time limit was reached.
    Time,
    /// The console printed the awaited text.
    UartText,
    /// The core reached the awaited PC.
    Pc,
    /// The instruction limit was reached.
    InstructionLimit,
    /// The core locked up.
    Lockup {
        /// Where.
        pc: u32,
    },
    /// A BKPT with no debugger attached.
    Bkpt {
        /// Where.
        pc: u32,
        /// Its immediate.
        imm: u8,
    },
    /// The core sleeps and nothing can wake it.
    AsleepForever {
        /// Where.
        pc: u32,
    },
    /// The boot ROM found nothing to boot.
    BootFailed(BootError),
    /// The core is at a debugger breakpoint.
    Breakpoint {
        /// Where.
        addr: u32,
    },
    /// An instruction touched a debugger watchpoint.
    Watchpoint {
        /// The address touched.
        addr: u32,
        /// How.
        kind: mb4_armv8m::WatchKind,
    },
}

/// Figures of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// Emulated time at the end.
    pub emulated: Instant,
    /// Instructions executed.
    pub instructions: u64,
    /// Emulated time the core spent asleep.
    pub asleep: Instant,
}

/// The machine.
#[derive(Debug)]
pub struct Da1469x {
    /// The core.
    pub cpu: Cpu,
    /// Everything else.
    pub soc: Soc,
    /// Which UART is the console (0 = UART).
    pub console: usize,
    /// What the boot ROM found, after [`Da1469x::power_on`].
    pub boot: Option<BootState>,
    /// Cycle count and time at the last clock change, and the clock.
    base: (u64, Instant, u64),
    asleep: Instant,
    slept_last_slice: bool,
    console_text: Vec<u8>,
    /// The display on the LCDC, kept across chip resets (it has its own
    /// supply), for screenshots.
    pub panel: Option<PanelHandle>,
    /// Parts on the I²C controllers: (controller, address, part), attached
    /// again after a chip reset.
    pub i2c_parts: Vec<(usize, u8, PartHandle)>,
    /// Every part of the board but the panel, by board id, for events.
    pub parts: Vec<(String, PartHandle)>,
    /// Part pins the SoC drives: (GPIO pin, the part's role for it, part).
    pin_inputs: Vec<(mb4_soc::periph::gpio::Pin, String, PartHandle)>,
    /// The battery, fed to GPADC and the charger.
    battery: Option<PartHandle>,
}

impl Da1469x {
    /// A machine with `flash` and the board's clocks, not yet powered on.
    pub fn new(flash: NorFlash, clocks: Clocks) -> Da1469x {
        let soc = Soc::new(flash, clocks);
        let hz = soc.cpu_hz();
        // DA1469xAB.h: __NVIC_PRIO_BITS 4 (Zephyr's dtsi agrees); Zephyr's
        // irq_lock masks with BASEPRI 0x10, which 3 bits would round to 0.
        let config = Config {
            prio_bits: mb4_da1469x::irq::PRIORITY_BITS,
            ..Config::cortex_m33(NUM_IRQ)
        };
        Da1469x {
            cpu: Cpu::new(config),
            soc,
            console: 0,
            boot: None,
            base: (0, Instant::ZERO, hz),
            asleep: Instant::ZERO,
            slept_last_slice: false,
            console_text: Vec::new(),
            panel: None,
            i2c_parts: Vec::new(),
            parts: Vec::new(),
            pin_inputs: Vec::new(),
            battery: None,
        }
    }

    /// A machine for `board` (its flash part and clocks) with `image` in flash.
    pub fn for_board(board: &mb4_board::Board, image: &[u8]) -> Result<Da1469x, SetupError> {
        let part = mb4_da1469x::flash::parts()
            .find(&board.flash.part)
            .ok_or_else(|| SetupError::UnknownFlash {
                board: board.board.name.clone(),
                part: board.flash.part.clone(),
            })?;
        let flash_image = flash_image_from(image, part)?;
        let mut flash = NorFlash::from_part(part);
        if flash_image.len() > flash.size() {
            return Err(SetupError::TooBig {
                len: flash_image.len(),
                size: flash.size(),
                part: part.name.clone(),
            });
        }
        flash.data_mut()[..flash_image.len()].copy_from_slice(&flash_image);
        let clocks = Clocks {
            xtal32k_hz: board.clocks.xtal32k_hz.map(u64::from),
        };
        let mut m = Da1469x::new(flash, clocks);
        let wiring = Wiring::from_board(board).map_err(|e| SetupError::Parts(e.to_string()))?;
        if let Some(panel) = wiring.panel {
            m.attach_panel(panel);
        }
        m.parts = wiring.parts;
        m.battery = wiring.battery;
        m.pin_inputs = wiring
            .pin_inputs
            .into_iter()
            .filter_map(|(pin, role, part)| {
                Some((
                    mb4_soc::periph::gpio::Pin::new(pin.port, pin.number)?,
                    role,
                    part,
                ))
            })
            .collect();
        m.push_battery();
        for (controller, address, part) in wiring.i2c {
            m.attach_i2c(controller, address, part)
                .map_err(|e| SetupError::Parts(e.to_string()))?;
        }
        if let Some(c) = &board.console {
            m.console = match c.uart.to_ascii_lowercase().as_str() {
                "uart2" => 1,
                "uart3" => 2,
                _ => 0,
            };
        }
        Ok(m)
    }

    /// Puts `panel` on the LCDC's link.
    pub fn attach_panel(&mut self, panel: PanelHandle) {
        self.soc.panel = Some(Box::new(LcdcLink(panel.clone())));
        self.panel = Some(panel);
    }

    /// Hands what the SoC drives on its GPIO outputs to the parts wired there
    /// (the motor's enable, a part's reset line), at the time it changed.
    fn sync_board(&mut self) {
        if self.pin_inputs.is_empty() {
            return;
        }
        let (changes, _) = self.soc.gpio.take_changes();
        for c in changes {
            for (pin, role, part) in &self.pin_inputs {
                if *pin == c.pin {
                    part.borrow_mut()
                        .part()
                        .input(role, c.level.unwrap_or(false), c.at);
                }
            }
        }
    }

    /// The battery as the SoC sees it: VBAT for GPADC and the charger, and
    /// whether the cradle supplies VBUS.
    fn push_battery(&mut self) {
        let Some(b) = &self.battery else { return };
        let mut b = b.borrow_mut();
        if let mb4_parts::world::AnyPart::LiPo(cell) = &mut *b {
            let (volts, ma, vbus) = (cell.voltage(), cell.current_ma(), cell.vbus_present());
            drop(b);
            self.soc.set_vbus(vbus);
            self.soc.set_battery(volts, ma);
        }
    }

    /// Bytes typed on the console's UART (they arrive in its RX FIFO now).
    pub fn uart_input(&mut self, bytes: &[u8]) {
        let now = self.now();
        let mut irqs = std::mem::take(&mut self.soc.irqs);
        let mut cx = mb4_periph::device::Context {
            now,
            irqs: &mut irqs,
        };
        self.soc.uarts[self.console].inject(bytes, &mut cx);
        self.soc.irqs = irqs;
    }

    /// Something happens to the band now (a touch, steps, a heart rate…):
    /// every part that senses it takes it. Returns the ids of those that did.
    pub fn apply(&mut self, event: &mb4_parts::world::World) -> Vec<String> {
        let now = self.now();
        let took: Vec<String> = self
            .parts
            .iter()
            .filter(|(_, p)| p.borrow_mut().sense(event, now))
            .map(|(id, _)| id.clone())
            .collect();
        self.push_battery();
        took
    }

    /// Puts `part` on I2C (`controller` 0) or I2C2 (1) at `address`.
    pub fn attach_i2c(
        &mut self,
        controller: usize,
        address: u8,
        part: PartHandle,
    ) -> Result<(), mb4_soc::periph::i2c::AttachError> {
        self.soc.i2c[controller].attach(address, Box::new(I2cLink(part.clone())))?;
        self.i2c_parts.push((controller, address, part));
        Ok(())
    }

    /// Emulated time at the core's current cycle.
    pub fn now(&self) -> Instant {
        let (c0, t0, hz) = self.base;
        let dc = self.cpu.cycles().saturating_sub(c0) as u128;
        Instant(t0.0 + (dc * PS_PER_SECOND as u128 / hz as u128) as u64)
    }

    /// Cycles from now until `t` at the current clock (at least 1).
    fn cycles_until(&self, t: Instant) -> u64 {
        let (_, _, hz) = self.base;
        let dt = t.since(self.now()) as u128;
        ((dt * hz as u128).div_ceil(PS_PER_SECOND as u128) as u64).max(1)
    }

    /// Power on: the boot ROM runs, then the core resets from the vector
    /// table it mapped at 0.
    pub fn power_on(&mut self) -> Result<&BootState, BootError> {
        let state = boot_rom::boot(&mut self.soc)?;
        // Time goes on from where the ROM left it, at the clock it left.
        self.base = (self.cpu.cycles(), self.soc.now, self.soc.cpu_hz());
        self.reset_core();
        self.boot = Some(state);
        Ok(self.boot.as_ref().expect("just set"))
    }

    fn reset_core(&mut self) {
        let mut bus = SocBus(&mut self.soc);
        // A vector table that cannot be read locks the core up, as silicon would.
        let _ = self.cpu.reset(&mut bus, 0);
        self.cpu.invalidate_code(0, 0x0080_0000);
    }

    /// Run until `until` says stop. Console bytes go to `console`, reports
    /// (unmodelled accesses and the like) to `reports` with the PC.
    pub fn run(&mut self, until: &Until, console: &mut dyn Write, reports: &mut dyn Write) -> Exit {
        if self.boot.is_none()
            && let Err(e) = self.power_on()
        {
            return Exit::BootFailed(e);
        }
        let insn_limit = until
            .max_instructions
            .map(|n| self.cpu.instructions().saturating_add(n));
        if let Some(pc) = until.pc {
            self.cpu.add_breakpoint(pc);
        }
        loop {
            let now = self.now();
            self.soc.advance(now);
            let woken = self.deliver_irqs();
            self.flush(console, reports);
            if let Some(text) = &until.uart_text
                && contains(&self.console_text, text.as_bytes())
            {
                return Exit::UartText;
            }
            if until.time.is_some_and(|t| now >= t) {
                return Exit::Time;
            }
            if insn_limit.is_some_and(|l| self.cpu.instructions() >= l) {
                return Exit::InstructionLimit;
            }
            if std::mem::take(&mut self.soc.cpu_reset_requested) {
                self.reset_core();
            }
            if std::mem::take(&mut self.soc.chip_reset_requested)
                && let Err(e) = self.chip_reset()
            {
                return Exit::BootFailed(e);
            }

            // The slice: up to the next peripheral event, MAX_SLICE at most
            // while the core runs (registers it polls move on at least that
            // often); a sleeping core jumps straight to the next event.
            // Only a core that slept through the last slice, and that no
            // interrupt has just woken, may jump far: once awake it would run
            // the whole budget with the peripherals' time standing still.
            let idle = self.cpu.is_sleeping() && self.slept_last_slice && !woken;
            let cap = if idle {
                Instant::from_secs(1)
            } else {
                MAX_SLICE
            };
            let mut end = Instant(now.0 + cap.0);
            if let Some(c) = self.cpu.next_own_event() {
                end = end.min(self.time_of_cycle(c).max(now));
            }
            if let Some(t) = self.soc.next_event() {
                end = end.min(t.max(now));
            }
            if let Some(t) = until.time {
                end = end.min(t);
            }
            let mut budget = self.cycles_until(end);
            if let Some(l) = insn_limit {
                budget = budget.min(l.saturating_sub(self.cpu.instructions()).max(1));
            }
            self.soc.now = now;
            let stop = {
                let mut bus = SocBus(&mut self.soc);
                self.cpu.run(&mut bus, budget)
            };
            for (addr, len) in self.soc.take_code_dirty() {
                self.cpu.invalidate_code(addr, len);
            }
            self.sync_board();
            self.rebase_clock();
            self.slept_last_slice = stop == StopReason::Sleeping;
            match stop {
                StopReason::Budget | StopReason::Stepped => {}
                StopReason::Watchpoint { addr, kind } => {
                    self.flush(console, reports);
                    return Exit::Watchpoint { addr, kind };
                }
                StopReason::Sleeping => {
                    self.asleep = Instant(self.asleep.0 + self.now().since(now));
                    let wakeable = self.soc.next_event().is_some()
                        || self.cpu.next_own_event().is_some()
                        || self.soc.irqs.levels() != 0
                        || until.time.is_some();
                    if !wakeable {
                        self.flush(console, reports);
                        return Exit::AsleepForever { pc: self.cpu.pc() };
                    }
                }
                StopReason::Breakpoint { addr } => {
                    self.flush(console, reports);
                    if Some(addr) == until.pc {
                        self.cpu.remove_breakpoint(addr);
                        return Exit::Pc;
                    }
                    return Exit::Breakpoint { addr };
                }
                StopReason::Semihosting | StopReason::Bkpt { .. } => {
                    let imm = match stop {
                        StopReason::Bkpt { imm } => imm,
                        _ => 0xAB,
                    };
                    self.flush(console, reports);
                    return Exit::Bkpt {
                        pc: self.cpu.pc(),
                        imm,
                    };
                }
                StopReason::Lockup => {
                    self.flush(console, reports);
                    return Exit::Lockup { pc: self.cpu.pc() };
                }
                StopReason::ResetRequest => {
                    // AIRCR.SYSRESETREQ: the core restarts; the remap stays,
                    // as with SYS_CTRL_REG.SW_RESET (inferred).
                    self.reset_core();
                }
            }
        }
    }

    /// A reset of the whole chip, as the reset pin gives: every block back to
    /// its reset state (the flash keeps its contents), then power-on, with
    /// the boot ROM reading the product header again. The SoC's clock starts
    /// again from zero, as its blocks' counters do.
    pub fn chip_reset(&mut self) -> Result<(), BootError> {
        let mut flash = self.soc.qspic.flash.clone();
        flash.restart_clock(self.now());
        self.soc = Soc::new(flash, self.soc_clocks());
        if let Some(panel) = self.panel.clone() {
            self.soc.panel = Some(Box::new(LcdcLink(panel)));
        }
        for (controller, address, part) in &self.i2c_parts {
            // Cannot fail: the same parts were on the same fresh buses before.
            let _ = self.soc.i2c[*controller].attach(*address, Box::new(I2cLink(part.clone())));
        }
        self.boot = None;
        self.power_on().map(|_| ())
    }

    /// Executes one instruction (or takes one exception), with the
    /// peripherals brought up to date first, as [`Da1469x::run`] does.
    pub fn step(&mut self, console: &mut dyn Write, reports: &mut dyn Write) -> StopReason {
        let now = self.now();
        self.soc.advance(now);
        self.deliver_irqs();
        self.soc.now = now;
        let stop = {
            let mut bus = SocBus(&mut self.soc);
            self.cpu.step(&mut bus)
        };
        for (addr, len) in self.soc.take_code_dirty() {
            self.cpu.invalidate_code(addr, len);
        }
        self.rebase_clock();
        self.flush(console, reports);
        if stop == StopReason::ResetRequest {
            self.reset_core();
        }
        stop
    }

    /// One access by a debugger (through the chip's debug port): device
    /// registers see it as the core's access would, with side effects. Time
    /// passes while a debugger works on a halted core: each access takes
    /// [`DEBUG_ACCESS_TIME`] of emulated time, so a flash that a probe tool
    /// erases finishes while the tool polls its status, as on the bench.
    pub fn debug_read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.debug_tick();
        let mut bus = SocBus(&mut self.soc);
        if mb4_armv8m::system::is_ppb(addr) {
            self.cpu.debug_read(&mut bus, addr, size)
        } else {
            bus.read(addr, size)
        }
    }

    /// See [`Da1469x::debug_read`].
    pub fn debug_write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        self.debug_tick();
        let result = {
            let mut bus = SocBus(&mut self.soc);
            self.cpu.debug_write(&mut bus, addr, size, value)
        };
        for (addr, len) in self.soc.take_code_dirty() {
            self.cpu.invalidate_code(addr, len);
        }
        if std::mem::take(&mut self.soc.chip_reset_requested) {
            let _ = self.chip_reset();
        }
        result
    }

    fn debug_tick(&mut self) {
        // The watchdog stands still while a debugger holds the core, or no
        // probe could flash a band whose firmware armed it (inferred: the
        // DA1469x family's watchdog halts with the core in debug state; the
        // real ROM and SDK flash tools also freeze it through GPREG).
        let before = self.now();
        self.soc.sys_wdog.set_frozen(true, before);
        self.base.1 = Instant(self.base.1.0 + DEBUG_ACCESS_TIME.0);
        let now = self.now();
        self.soc.advance(now);
        self.soc.now = now;
        let frozen_by_firmware =
            self.soc.gpreg.frozen() & mb4_soc::periph::gpreg::frz::SYS_WDOG != 0;
        self.soc.sys_wdog.set_frozen(frozen_by_firmware, now);
    }

    fn soc_clocks(&self) -> Clocks {
        self.soc.clocks()
    }

    /// When CRG_TOP switched the core's clock, time goes on from here at the new rate.
    fn rebase_clock(&mut self) {
        let hz = self.soc.cpu_hz();
        if hz != self.base.2 {
            self.base = (self.cpu.cycles(), self.now(), hz);
        }
    }

    /// Pend the interrupt lines that are high or pulsed; whether any became
    /// newly pending (which may wake a sleeping core).
    fn deliver_irqs(&mut self) -> bool {
        let mut lines = self.soc.irqs.levels() | self.soc.irqs.take_pulses();
        let mut any = false;
        while lines != 0 {
            let n = lines.trailing_zeros();
            lines &= lines - 1;
            if n < NUM_IRQ && !self.cpu.irq_pending(n) {
                self.cpu.set_irq_pending(n);
                any = true;
            }
        }
        any
    }

    /// Emulated time of a future cycle count at the current clock.
    fn time_of_cycle(&self, cycle: u64) -> Instant {
        let (c0, t0, hz) = self.base;
        let dc = cycle.saturating_sub(c0) as u128;
        Instant(t0.0 + (dc * PS_PER_SECOND as u128 / hz as u128) as u64)
    }

    fn flush(&mut self, console: &mut dyn Write, reports: &mut dyn Write) {
        let out = self.soc.take_uart_output();
        for (i, bytes) in out.iter().enumerate() {
            if bytes.is_empty() {
                continue;
            }
            if i == self.console {
                let _ = console.write_all(bytes);
                self.console_text.extend_from_slice(bytes);
                if self.console_text.len() > 1 << 16 {
                    self.console_text.drain(..1 << 15);
                }
            }
        }
        if self.soc.has_reports() {
            let pc = self.cpu.pc();
            for Noted { at, report } in self.soc.take_reports() {
                let _ = writeln!(reports, "mb4 emu: [{at}] near pc {pc:#010x}: {report}");
            }
        }
        let _ = console.flush();
    }

    /// Figures so far.
    pub fn stats(&self) -> Stats {
        Stats {
            emulated: self.now(),
            instructions: self.cpu.instructions(),
            asleep: self.asleep,
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// The flash contents for an input file: a flash image or dump (taken as
/// is), a bare 'Qq' image or an ELF (put at [`DEFAULT_IMAGE_ADDRESS`] behind
/// product headers for `part`, as `mb4 image build` does).
pub fn flash_image_from(
    input: &[u8],
    part: &mb4_da1469x::flash::FlashPart,
) -> Result<Vec<u8>, SetupError> {
    use mb4_image::builder;
    let err = |e: &dyn std::fmt::Display| SetupError::Build(e.to_string());
    let image = if mb4_image::elf::is_elf(input) {
        let loaded = mb4_image::elf::load(input).map_err(|e| err(&e))?;
        loaded
            .check_image_address(DEFAULT_IMAGE_ADDRESS)
            .map_err(|e| err(&e))?;
        let options = builder::ImageOptions {
            version: "mb4-emu".into(),
            timestamp: 0,
        };
        builder::make_image(&loaded.payload, &options).map_err(|e| err(&e))?
    } else if input.starts_with(b"Qq") {
        input.to_vec()
    } else {
        return Ok(input.to_vec());
    };
    builder::make_flash_image(&image, part, DEFAULT_IMAGE_ADDRESS, DEFAULT_IMAGE_ADDRESS)
        .map_err(|e| err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program: vector table at image+0x400 (SP, reset), then code that
    /// writes "OK\n" to UART's THR and sleeps in WFI forever.
    fn program() -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&0x2000_8000u32.to_le_bytes());
        p.extend_from_slice(&0x1600_2409u32.to_le_bytes()); // code at 0x1600_2408
        // ldr r0, =0x50020000 (pc-relative literal); FCR = 1 (FIFOs on);
        // movs r1, #'O'; str r1,[r0]; 'K'; '\n'; wfi; b (to the wfi)
        let code: [u16; 12] = [
            0x4805, // ldr r0, [pc, #20]
            0x2101, // movs r1, #1
            0x6081, // str r1, [r0, #8]
            0x214F, // movs r1, #'O'
            0x6001, // str r1, [r0]
            0x214B, // movs r1, #'K'
            0x6001, // str r1, [r0]
            0x210A, // movs r1, #'\n'
            0x6001, // str r1, [r0]
            0xBF30, // wfi
            0xE7FD, // b (back to wfi)
            0x0000,
        ];
        for h in code {
            p.extend_from_slice(&h.to_le_bytes());
        }
        p.extend_from_slice(&0x5002_0000u32.to_le_bytes()); // literal at 0x1600_2420
        p.resize(0x100, 0);
        p
    }

    fn machine() -> Da1469x {
        let board = mb4_board::Board::builtin("da1469x_dk_pro").unwrap();
        let image = mb4_image::builder::make_image(
            &program(),
            &mb4_image::builder::ImageOptions {
                version: "t".into(),
                timestamp: 0,
            },
        )
        .unwrap();
        Da1469x::for_board(&board, &image).unwrap()
    }

    #[test]
    fn boots_a_flash_image_and_prints_on_the_console() {
        let mut m = machine();
        let mut out = Vec::new();
        let mut rep = Vec::new();
        let until = Until {
            time: Some(Instant::from_millis(50)),
            ..Until::default()
        };
        let exit = m.run(&until, &mut out, &mut rep);
        assert_eq!(m.boot.as_ref().unwrap().image_address, 0x2000);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "OK\n",
            "{}",
            String::from_utf8_lossy(&rep)
        );
        assert!(
            matches!(exit, Exit::Time | Exit::AsleepForever { .. }),
            "{exit:?}"
        );
    }

    #[test]
    fn erased_flash_does_not_boot() {
        let board = mb4_board::Board::builtin("da1469x_dk_pro").unwrap();
        let mut m = Da1469x::for_board(&board, &[]).unwrap();
        let exit = m.run(&Until::default(), &mut Vec::new(), &mut Vec::new());
        assert!(
            matches!(exit, Exit::BootFailed(BootError::NoProductHeader { .. })),
            "{exit:?}"
        );
    }
}
