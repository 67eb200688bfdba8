//! The core's architectural state and its public face: reset, registers,
//! memory access for debuggers, breakpoints.

use crate::bus::{Bus, BusError, Size};
use crate::cache::CodeCache;
use crate::system::System;

/// What varies between Cortex-M33 implementations.
#[derive(Debug, Clone)]
pub struct Config {
    /// External interrupt lines (IRQ0..IRQn-1) on the NVIC.
    pub num_irq: u32,
    /// Implemented priority bits (the top bits of each 8-bit priority field).
    pub prio_bits: u8,
    /// MPU regions (0: no MPU).
    pub mpu_regions: u8,
    /// Value of SCB->CPUID.
    pub cpuid: u32,
    /// Processor cycles per SysTick tick when SysTick uses its external
    /// reference clock (CSR.CLKSOURCE = 0).
    pub systick_ext_divider: u32,
    /// Value of SYST_CALIB (NOREF bit 31, SKEW bit 30, TENMS).
    pub systick_calib: u32,
    /// ID_PFR0..ID_ISAR5 (0xE000ED40..0xE000ED74), in address order.
    pub id_regs: [u32; 14],
    /// Translate a block to host code once it has run this many times
    /// interpreted (0: at once); `None`: interpret only. Changes speed only,
    /// never results. Without the crate's `jit` feature, or on a host
    /// Cranelift does not support, the core always interprets.
    pub jit_threshold: Option<u32>,
}

/// The default [`Config::jit_threshold`]: enough runs that code run once
/// (start-up, initialisation) is not worth translating.
pub const DEFAULT_JIT_THRESHOLD: u32 = 1000;

impl Config {
    /// A Cortex-M33 r0p3 (the revision QEMU's mps2-an505 reports) with `num_irq`
    /// interrupt lines and 3 priority bits.
    pub fn cortex_m33(num_irq: u32) -> Config {
        Config {
            num_irq,
            prio_bits: 3,
            mpu_regions: 8,
            cpuid: 0x410f_d213,
            systick_ext_divider: 1,
            systick_calib: 0x4000_0000,
            id_regs: CORTEX_M33_ID_REGS,
            jit_threshold: Some(DEFAULT_JIT_THRESHOLD),
        }
    }
}

/// ID_PFR0, ID_PFR1, ID_DFR0, ID_AFR0, ID_MMFR0..3, ID_ISAR0..5 of a Cortex-M33
/// with DSP and FPU. Source: read from QEMU 7.2's cortex-m33 model (which
/// takes them from the Cortex-M33 TRM); confidence: medium (not checked on silicon).
pub const CORTEX_M33_ID_REGS: [u32; 14] = [
    0x0000_0030,
    0x0000_0210,
    0x0020_0000,
    0x0000_0000,
    0x0010_1f40,
    0x0000_0000,
    0x0100_0000,
    0x0000_0000,
    0x0110_1110,
    0x0221_2000,
    0x2023_2232,
    0x0111_1131,
    0x0131_0132,
    0x0000_0000,
];

/// Why [`Cpu::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The cycle budget is spent.
    Budget,
    /// The core sleeps (WFI, WFE, sleep-on-exit) and nothing it knows of (SysTick)
    /// wakes it within the budget; the budget was spent idle. The machine may
    /// fast-forward to its next event and call [`Cpu::run`] again; a pending
    /// interrupt wakes the core.
    Sleeping,
    /// A semihosting call (`BKPT 0xAB`): the operation is in R0, its argument
    /// in R1. The PC is already past the BKPT: service it, put the result in R0,
    /// and resume.
    Semihosting,
    /// A `BKPT` with another immediate; the PC is at the BKPT.
    Bkpt { imm: u8 },
    /// A debugger breakpoint ([`Cpu::add_breakpoint`]) at the PC, not yet executed.
    Breakpoint { addr: u32 },
    /// A watched address was accessed ([`Cpu::add_watchpoint`]); the accessing
    /// instruction has completed.
    Watchpoint { addr: u32, kind: WatchKind },
    /// One instruction executed ([`Cpu::step`]).
    Stepped,
    /// A fault the core could not escalate: it is locked up, as silicon would be.
    Lockup,
    /// The guest asked for a system reset (AIRCR.SYSRESETREQ).
    ResetRequest,
}

/// Which accesses a watchpoint stops on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchKind {
    Read,
    Write,
    Access,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Watchpoint {
    pub addr: u32,
    pub len: u32,
    pub kind: WatchKind,
}

/// Fixed exception numbers.
pub mod exc {
    pub const RESET: u32 = 1;
    pub const NMI: u32 = 2;
    pub const HARD_FAULT: u32 = 3;
    pub const MEM_MANAGE: u32 = 4;
    pub const BUS_FAULT: u32 = 5;
    pub const USAGE_FAULT: u32 = 6;
    pub const SVCALL: u32 = 11;
    pub const DEBUG_MONITOR: u32 = 12;
    pub const PENDSV: u32 = 14;
    pub const SYSTICK: u32 = 15;
    /// Exception number of IRQ0.
    pub const IRQ0: u32 = 16;
}

/// Registers as a debugger names them (the order of GDB's M-profile target
/// description: r0..r15, then xPSR, then the system registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reg {
    /// R0..R12, SP (13, the active stack pointer), LR (14), PC (15).
    R(u8),
    Xpsr,
    Msp,
    Psp,
    Primask,
    Basepri,
    Faultmask,
    Control,
    /// S0..S31.
    S(u8),
    Fpscr,
}

/// The Cortex-M33 core.
#[derive(Debug)]
pub struct Cpu {
    /// R0..R15. R13 is the active stack pointer (the other is in `sp_other`).
    /// While an instruction executes, R15 reads as its address + 4.
    pub(crate) r: [u32; 16],
    /// Address of the next instruction to execute.
    pub(crate) pc: u32,
    /// The banked stack pointer that is not selected.
    pub(crate) sp_other: u32,
    pub(crate) n: bool,
    pub(crate) z: bool,
    pub(crate) c: bool,
    pub(crate) v: bool,
    pub(crate) q: bool,
    pub(crate) ge: u8,
    /// ITSTATE (IT[7:0] of the EPSR); 0 outside an IT block.
    pub(crate) it: u8,
    /// EPSR.T; executing with T clear raises INVSTATE.
    pub(crate) thumb: bool,
    /// IPSR: the exception number being handled, 0 in Thread mode.
    pub(crate) ipsr: u32,
    pub(crate) primask: bool,
    pub(crate) faultmask: bool,
    pub(crate) basepri: u8,
    /// CONTROL: bit 0 nPRIV, bit 1 SPSEL, bit 2 FPCA.
    pub(crate) control: u32,
    /// FPU registers S0..S31 (D0..D15 are pairs) and FPSCR.
    pub(crate) s: [u32; 32],
    pub(crate) fpscr: u32,
    /// The local exclusive monitor: the address LDREX tagged.
    pub(crate) monitor: Option<u32>,
    /// The WFE event register.
    pub(crate) event: bool,
    pub(crate) sleeping: bool,
    /// The current sleep came from WFE (so the event register wakes it).
    pub(crate) wfe_sleep: bool,
    /// MSPLIM and PSPLIM (checked by `check_sp_limit` and exception entry).
    pub(crate) splim: [u32; 2],
    pub(crate) locked_up: bool,
    pub(crate) reset_requested: bool,
    /// Set whenever something may make an exception ready to be taken or the
    /// core ready to leave sleep; the run loop then re-evaluates.
    pub(crate) attention: bool,
    pub(crate) cycles: u64,
    /// Cycles not spent retiring an instruction (stalls, exception entry,
    /// sleep): instructions = cycles - other_cycles, so the hot loop counts once.
    pub(crate) other_cycles: u64,
    pub(crate) sys: System,
    pub(crate) cache: CodeCache,
    pub(crate) breakpoints: Vec<u32>,
    /// The breakpoint the core last stopped at: the next run executes that
    /// instruction instead of stopping there again.
    pub(crate) resume_past: Option<u32>,
    pub(crate) watchpoints: Vec<Watchpoint>,
    /// The first watchpoint hit since the last stop (address, kind of access).
    pub(crate) watch_hit: Option<(u32, WatchKind)>,
    pub(crate) config: Config,
    /// The block translator, made on first use (see [`crate::jit`]).
    #[cfg(feature = "jit")]
    pub(crate) jit: Option<Box<crate::jit::Engine>>,
    /// Plain memory translated code accesses directly; made with the engine.
    #[cfg(feature = "jit")]
    pub(crate) direct: Option<Box<crate::jit::DirectPages>>,
    /// Set by host code that left before an instruction whose access
    /// faulted: the run loop executes that instruction interpreted.
    pub(crate) jit_retry: bool,
    /// A stop asked for by an instruction host code handed to the interpreter.
    pub(crate) jit_stop: Option<StopReason>,
}

impl Cpu {
    /// A core in its reset state, not yet booted: call [`Cpu::reset`] with the
    /// machine's bus to load SP and PC from the vector table at `vtor`.
    pub fn new(config: Config) -> Cpu {
        Cpu {
            r: [0; 16],
            pc: 0,
            sp_other: 0,
            n: false,
            z: false,
            c: false,
            v: false,
            q: false,
            ge: 0,
            it: 0,
            thumb: true,
            ipsr: 0,
            primask: false,
            faultmask: false,
            basepri: 0,
            control: 0,
            s: [0; 32],
            fpscr: 0,
            monitor: None,
            event: false,
            sleeping: false,
            wfe_sleep: false,
            splim: [0; 2],
            locked_up: false,
            reset_requested: false,
            attention: true,
            cycles: 0,
            other_cycles: 0,
            sys: System::new(&config),
            cache: CodeCache::new(),
            breakpoints: Vec::new(),
            resume_past: None,
            watchpoints: Vec::new(),
            watch_hit: None,
            config,
            #[cfg(feature = "jit")]
            jit: None,
            #[cfg(feature = "jit")]
            direct: None,
            jit_retry: false,
            jit_stop: None,
        }
    }

    /// Resets the core as a power-on reset does and boots from the vector table
    /// at `vtor`: SP = word 0, PC = word 1. The cycle counter keeps counting.
    pub fn reset<B: Bus>(&mut self, bus: &mut B, vtor: u32) -> Result<(), BusError> {
        let cycles = self.cycles;
        let other_cycles = self.other_cycles;
        let breakpoints = std::mem::take(&mut self.breakpoints);
        let watchpoints = std::mem::take(&mut self.watchpoints);
        *self = Cpu::new(self.config.clone());
        self.cycles = cycles;
        self.other_cycles = other_cycles;
        self.breakpoints = breakpoints;
        self.watchpoints = watchpoints;
        self.sys.scb.vtor = vtor & !0x7f;
        let sp = bus.read(vtor, Size::Word)?;
        let pc = bus.read(vtor.wrapping_add(4), Size::Word)?;
        self.r[13] = sp & !3;
        self.r[14] = 0xffff_ffff;
        self.pc = pc & !1;
        self.thumb = pc & 1 != 0;
        Ok(())
    }

    /// The configuration the core was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Processor cycles since power-on (the time base of everything).
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// Sets [`Config::jit_threshold`]: from now on, blocks are translated
    /// after this many interpreted runs (`None`: never). Code already
    /// translated stays in use.
    pub fn set_jit_threshold(&mut self, threshold: Option<u32>) {
        self.config.jit_threshold = threshold;
    }

    /// Blocks translated to host code so far (0 when the core only interprets).
    pub fn translated_blocks(&self) -> u64 {
        #[cfg(feature = "jit")]
        if let Some(e) = &self.jit {
            return e.translated;
        }
        0
    }

    /// Instructions retired since power-on.
    pub fn instructions(&self) -> u64 {
        self.cycles - self.other_cycles
    }

    /// Spends `n` cycles that retire no instruction.
    #[inline(always)]
    pub(crate) fn stall(&mut self, n: u64) {
        self.cycles += n;
        self.other_cycles += n;
    }

    /// Address of the next instruction.
    pub fn pc(&self) -> u32 {
        self.pc
    }

    /// Sets the address of the next instruction (bit 0 ignored).
    pub fn set_pc(&mut self, pc: u32) {
        self.pc = pc & !1;
        self.thumb = true;
    }

    /// Whether the core is asleep (WFI/WFE).
    pub fn is_sleeping(&self) -> bool {
        self.sleeping
    }

    /// Whether the core is locked up.
    pub fn is_locked_up(&self) -> bool {
        self.locked_up
    }

    /// Whether the core is in Handler mode (IPSR != 0).
    pub fn in_handler_mode(&self) -> bool {
        self.ipsr != 0
    }

    /// The xPSR as MRS/debuggers see it (APSR, IPSR and EPSR merged).
    pub fn xpsr(&self) -> u32 {
        let mut x = (u32::from(self.n) << 31)
            | (u32::from(self.z) << 30)
            | (u32::from(self.c) << 29)
            | (u32::from(self.v) << 28)
            | (u32::from(self.q) << 27)
            | (u32::from(self.ge) << 16)
            | (u32::from(self.thumb) << 24)
            | self.ipsr;
        x |= (u32::from(self.it) & 0x3) << 25;
        x |= (u32::from(self.it) >> 2) << 10;
        x
    }

    /// Sets N, Z, C, V, Q, GE, IT, T and IPSR from an xPSR value.
    pub fn set_xpsr(&mut self, x: u32) {
        self.set_apsr(x, true);
        self.it = (((x >> 25) & 3) | (((x >> 10) & 0x3f) << 2)) as u8;
        self.thumb = x & (1 << 24) != 0;
        self.ipsr = x & 0x1ff;
        self.attention = true;
    }

    pub(crate) fn set_apsr(&mut self, x: u32, with_ge: bool) {
        self.n = x & (1 << 31) != 0;
        self.z = x & (1 << 30) != 0;
        self.c = x & (1 << 29) != 0;
        self.v = x & (1 << 28) != 0;
        self.q = x & (1 << 27) != 0;
        if with_ge {
            self.ge = ((x >> 16) & 0xf) as u8;
        }
    }

    /// Whether the process stack is the active one.
    pub(crate) fn psp_active(&self) -> bool {
        self.ipsr == 0 && self.control & 2 != 0
    }

    /// Current MSP value.
    pub fn msp(&self) -> u32 {
        if self.psp_active() {
            self.sp_other
        } else {
            self.r[13]
        }
    }

    /// Current PSP value.
    pub fn psp(&self) -> u32 {
        if self.psp_active() {
            self.r[13]
        } else {
            self.sp_other
        }
    }

    pub(crate) fn set_msp(&mut self, v: u32) {
        if self.psp_active() {
            self.sp_other = v & !3;
        } else {
            self.r[13] = v & !3;
        }
    }

    pub(crate) fn set_psp(&mut self, v: u32) {
        if self.psp_active() {
            self.r[13] = v & !3;
        } else {
            self.sp_other = v & !3;
        }
    }

    /// Changes which stack is active (mode or SPSEL changed): call with the
    /// state before the change, then apply the change.
    pub(crate) fn switch_stacks_if(&mut self, was_psp: bool, now_psp: bool) {
        if was_psp != now_psp {
            std::mem::swap(&mut self.r[13], &mut self.sp_other);
        }
    }

    /// Writes CONTROL (privilege checks are the caller's).
    pub(crate) fn write_control(&mut self, value: u32) {
        let was = self.psp_active();
        self.control = value & 0x7;
        let now = self.psp_active();
        self.switch_stacks_if(was, now);
    }

    /// Reads a register as a debugger sees it.
    pub fn reg(&self, reg: Reg) -> u32 {
        match reg {
            Reg::R(15) => self.pc,
            Reg::R(n) => self.r[usize::from(n & 15)],
            Reg::Xpsr => self.xpsr(),
            Reg::Msp => self.msp(),
            Reg::Psp => self.psp(),
            Reg::Primask => u32::from(self.primask),
            Reg::Basepri => u32::from(self.basepri),
            Reg::Faultmask => u32::from(self.faultmask),
            Reg::Control => self.control,
            Reg::S(n) => self.s[usize::from(n & 31)],
            Reg::Fpscr => self.fpscr,
        }
    }

    /// Writes a register as a debugger would.
    pub fn set_reg(&mut self, reg: Reg, value: u32) {
        match reg {
            Reg::R(15) => self.set_pc(value),
            Reg::R(13) => self.r[13] = value & !3,
            Reg::R(n) => self.r[usize::from(n & 15)] = value,
            Reg::Xpsr => self.set_xpsr(value),
            Reg::Msp => self.set_msp(value),
            Reg::Psp => self.set_psp(value),
            Reg::Primask => self.primask = value & 1 != 0,
            Reg::Basepri => self.basepri = value as u8,
            Reg::Faultmask => self.faultmask = value & 1 != 0,
            Reg::Control => self.write_control(value),
            Reg::S(n) => self.s[usize::from(n & 31)] = value,
            Reg::Fpscr => self.fpscr = value & 0xf7c0_009f,
        }
        self.attention = true;
    }

    /// Reads memory as the debugger sees it: the core's own system registers,
    /// then the bus (without side effects where the bus can).
    pub fn debug_read<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
    ) -> Result<u32, BusError> {
        if crate::system::is_ppb(addr) {
            return Ok(self.ppb_read(addr, size));
        }
        bus.peek(addr, size)
    }

    /// Writes memory for a debugger (or loader), keeping decoded code coherent.
    pub fn debug_write<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
        value: u32,
    ) -> Result<(), BusError> {
        if crate::system::is_ppb(addr) {
            self.ppb_write(addr, size, value);
            return Ok(());
        }
        bus.write(addr, size, value)?;
        self.invalidate_code(addr, size.bytes());
        Ok(())
    }

    /// Forgets decoded instructions in `[addr, addr+len)`. A machine calls this
    /// when something other than this core (DMA, a loader) writes memory the core
    /// may have executed.
    pub fn invalidate_code(&mut self, addr: u32, len: u32) {
        self.forget_code(addr, len);
    }

    /// Empties the decoded slots overlapping `[addr, addr+len)`; if one held an
    /// instruction, the blocks are gone too and the run loop must look up
    /// its next instruction afresh.
    pub(crate) fn forget_code(&mut self, addr: u32, len: u32) {
        if self.cache.invalidate(addr, len) {
            self.attention = true;
        }
    }

    /// A store of `len` bytes at `addr` by the core: keeps decoded code
    /// coherent at the cost of two bit tests when the store is not near any.
    #[inline(always)]
    pub(crate) fn stored(&mut self, addr: u32, len: u32) {
        // [addr-2, addr+len) spans at most two pages, the first and the last:
        // a 32-bit instruction may start in the halfword before the store.
        if self.cache.may_hold_code(addr.wrapping_sub(2))
            || self.cache.may_hold_code(addr.wrapping_add(len - 1))
        {
            self.forget_code(addr, len);
        }
    }

    /// Stops [`Cpu::run`] before the instruction at `addr` executes.
    pub fn add_breakpoint(&mut self, addr: u32) {
        let addr = addr & !1;
        if !self.breakpoints.contains(&addr) {
            self.breakpoints.push(addr);
        }
    }

    /// Removes a breakpoint; returns whether it was set.
    pub fn remove_breakpoint(&mut self, addr: u32) -> bool {
        let addr = addr & !1;
        let before = self.breakpoints.len();
        self.breakpoints.retain(|&a| a != addr);
        before != self.breakpoints.len()
    }

    /// Stops [`Cpu::run`] after an instruction that accesses `[addr, addr+len)`
    /// the way `kind` says (data accesses by the core, including exception
    /// stacking; debugger accesses never trigger).
    pub fn add_watchpoint(&mut self, addr: u32, len: u32, kind: WatchKind) {
        let w = Watchpoint {
            addr,
            len: len.max(1),
            kind,
        };
        if !self.watchpoints.contains(&w) {
            self.watchpoints.push(w);
        }
    }

    /// Removes a watchpoint; returns whether it was set.
    pub fn remove_watchpoint(&mut self, addr: u32, len: u32, kind: WatchKind) -> bool {
        let w = Watchpoint {
            addr,
            len: len.max(1),
            kind,
        };
        let before = self.watchpoints.len();
        self.watchpoints.retain(|x| *x != w);
        before != self.watchpoints.len()
    }

    /// Records a watchpoint hit for an access by the core (cold path: only
    /// called when watchpoints exist).
    #[cold]
    pub(crate) fn check_watch(&mut self, addr: u32, size: Size, write: bool) {
        if self.watch_hit.is_some() {
            return;
        }
        let end = addr.wrapping_add(size.bytes());
        for w in &self.watchpoints {
            let kind_ok = match w.kind {
                WatchKind::Read => !write,
                WatchKind::Write => write,
                WatchKind::Access => true,
            };
            let wend = w.addr.wrapping_add(w.len);
            if kind_ok && addr < wend && w.addr < end {
                let kind = if write {
                    WatchKind::Write
                } else {
                    WatchKind::Read
                };
                self.watch_hit = Some((addr.max(w.addr), kind));
                self.attention = true;
                return;
            }
        }
    }

    /// Raises (pends) an external interrupt line, as a peripheral does.
    pub fn set_irq_pending(&mut self, irq: u32) {
        let e = exc::IRQ0 + irq;
        // SCR.SEVONPEND: an interrupt becoming pending is a WFE wake-up event,
        // even when it is masked or disabled (the DA1469x clock code waits for
        // XTAL32M_RDY this way, with BASEPRI raised).
        if !self.sys.nvic.is_pending(e) && self.sys.scb.scr & crate::system::SCR_SEVONPEND != 0 {
            self.event = true;
        }
        self.sys.nvic.set_pending(e);
        self.attention = true;
    }

    /// Whether an external interrupt is pending.
    pub fn irq_pending(&self, irq: u32) -> bool {
        self.sys.nvic.is_pending(exc::IRQ0 + irq)
    }

    /// Accesses to Private Peripheral Bus addresses the core does not model
    /// (they read as zero and ignore writes): how many, and the last address.
    pub fn unmodelled_system_accesses(&self) -> (u64, u32) {
        self.sys.unmodelled
    }

    /// The earliest cycle at which the core's own timers (SysTick) need the run
    /// loop, if any: a machine with a sleeping core may fast-forward to it.
    pub fn next_own_event(&self) -> Option<u64> {
        self.sys.systick.next_fire
    }
}
