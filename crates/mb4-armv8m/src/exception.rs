//! Exceptions: priorities, entry (stacking), return (unstacking), tail-chaining,
//! and synchronous faults with their escalation to HardFault and lockup.
//! Pseudocode names: ARMv8-M ARM B3 "Exception model" (ExceptionEntry, PushStack,
//! ExceptionReturn, PopStack, ExecutionPriority).

use crate::bus::{Bus, Size};
use crate::cpu::{Cpu, exc};
use crate::system::*;

/// A synchronous fault raised by an instruction (or its fetch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// UNDEFINED instruction (UsageFault UNDEFINSTR).
    Undefined,
    /// Executing with EPSR.T clear (UsageFault INVSTATE).
    InvalidState,
    /// Bad EXC_RETURN or exception return integrity failure (UsageFault INVPC).
    InvalidPc,
    /// Coprocessor access while disabled or absent (UsageFault NOCP).
    NoCoprocessor,
    /// Unaligned access where alignment is required (UsageFault UNALIGNED).
    Unaligned,
    /// SDIV/UDIV by zero with CCR.DIV_0_TRP (UsageFault DIVBYZERO).
    DivideByZero,
    /// SP lowered below MSPLIM/PSPLIM (UsageFault STKOF).
    StackOverflow,
    /// Data access bus error (BusFault PRECISERR, BFAR valid).
    DataBus { addr: u32 },
    /// Instruction fetch bus error (BusFault IBUSERR).
    FetchBus { addr: u32 },
    /// Data access refused by the MPU (MemManage DACCVIOL, MMFAR valid).
    MemManageData { addr: u32 },
    /// Instruction fetch refused by the MPU (MemManage IACCVIOL).
    MemManageFetch { addr: u32 },
    /// The fault is already recorded and pended (lazy FP state preservation
    /// failed): take the pending exception now, returning to the instruction.
    Pended,
}

/// EXC_RETURN bits (v8-M, as a core without the Security Extension that
/// reports Secure-state values, like QEMU's mps2-an505): prefix 0xFF, S, DCRS,
/// FType (no FP frame), ES.
const EXC_RETURN_BASE: u32 = 0xffff_ffe1 | EXC_RETURN_FTYPE;
/// Set: standard 8-word frame; clear: extended frame with FP state.
const EXC_RETURN_FTYPE: u32 = 1 << 4;
const EXC_RETURN_MODE_THREAD: u32 = 1 << 3;
const EXC_RETURN_SPSEL: u32 = 1 << 2;

impl Cpu {
    /// Group priority of a raw priority value under the current PRIGROUP.
    pub(crate) fn group_priority(&self, raw: i32) -> i32 {
        if raw < 0 {
            return raw;
        }
        let mask = 0xffu32 << (self.sys.scb.prigroup + 1);
        (raw as u32 & mask & 0xff) as i32
    }

    /// `ExecutionPriority()`: the priority the core runs at now.
    pub(crate) fn execution_priority(&self) -> i32 {
        let mut p = 256;
        let n = &self.sys.nvic;
        for e in 1..n.count {
            if n.active[e as usize] {
                p = p.min(self.group_priority(n.raw_priority(e)));
            }
        }
        if self.basepri != 0 {
            p = p.min(self.group_priority(i32::from(self.basepri & n.prio_mask)));
        }
        if self.primask {
            p = p.min(0);
        }
        if self.faultmask {
            p = p.min(-1);
        }
        p
    }

    /// The pending, enabled exception with the highest priority (lowest raw
    /// priority, then lowest number), if any.
    pub(crate) fn highest_pending(&self) -> Option<u32> {
        let n = &self.sys.nvic;
        let mut best: Option<(i32, u32)> = None;
        for e in 1..n.count {
            let i = e as usize;
            if n.pending[i] && n.enabled[i] {
                let p = n.raw_priority(e);
                if best.is_none_or(|(bp, _)| p < bp) {
                    best = Some((p, e));
                }
            }
        }
        best.map(|(_, e)| e)
    }

    /// The pending exception that would preempt now, if any.
    pub(crate) fn preempting_exception(&self) -> Option<u32> {
        let e = self.highest_pending()?;
        let p = self.group_priority(self.sys.nvic.raw_priority(e));
        (p < self.execution_priority()).then_some(e)
    }

    /// Takes a synchronous fault: records it in CFSR, then enters the fault
    /// handler, escalating to HardFault (or locking up) as the architecture says.
    /// `return_addr` is the faulting instruction's address.
    #[inline(never)]
    pub(crate) fn take_fault<B: Bus>(&mut self, bus: &mut B, fault: Fault, return_addr: u32) {
        if fault == Fault::Pended {
            if !self.locked_up
                && let Some(e) = self.preempting_exception()
            {
                self.exception_entry(bus, e, return_addr);
            }
            return;
        }
        let scb = &mut self.sys.scb;
        let (e, bits) = match fault {
            Fault::Undefined => (exc::USAGE_FAULT, CFSR_UNDEFINSTR),
            Fault::InvalidState => (exc::USAGE_FAULT, CFSR_INVSTATE),
            Fault::InvalidPc => (exc::USAGE_FAULT, CFSR_INVPC),
            Fault::NoCoprocessor => (exc::USAGE_FAULT, CFSR_NOCP),
            Fault::Unaligned => (exc::USAGE_FAULT, CFSR_UNALIGNED),
            Fault::DivideByZero => (exc::USAGE_FAULT, CFSR_DIVBYZERO),
            Fault::StackOverflow => (exc::USAGE_FAULT, CFSR_STKOF),
            Fault::DataBus { addr } => {
                scb.bfar = addr;
                (exc::BUS_FAULT, CFSR_PRECISERR | CFSR_BFARVALID)
            }
            Fault::FetchBus { .. } => (exc::BUS_FAULT, CFSR_IBUSERR),
            Fault::MemManageData { addr } => {
                scb.mmfar = addr;
                (exc::MEM_MANAGE, CFSR_DACCVIOL | CFSR_MMARVALID)
            }
            Fault::MemManageFetch { .. } => (exc::MEM_MANAGE, CFSR_IACCVIOL),
            Fault::Pended => return,
        };
        scb.cfsr |= bits;
        self.raise_sync(bus, e, return_addr);
    }

    /// Raises synchronous exception `e` (a fault or SVCall) now: escalate to
    /// HardFault if it is disabled or cannot preempt; lock up if HardFault
    /// cannot preempt either.
    #[inline(never)]
    pub(crate) fn raise_sync<B: Bus>(&mut self, bus: &mut B, e: u32, return_addr: u32) {
        if let Some(target) = self.sync_target(e) {
            self.exception_entry(bus, target, return_addr);
        }
    }

    /// Where synchronous exception `e` goes from the current priority: itself,
    /// or HardFault (HFSR.FORCED); `None` after locking up.
    fn sync_target(&mut self, e: u32) -> Option<u32> {
        let prio = self.execution_priority();
        let mut target = e;
        let enabled = self.sys.nvic.enabled[e as usize];
        let own = self.group_priority(self.sys.nvic.raw_priority(e));
        if !enabled || own >= prio {
            target = exc::HARD_FAULT;
            if e != exc::HARD_FAULT {
                self.sys.scb.hfsr |= HFSR_FORCED;
            }
        }
        if target == exc::HARD_FAULT && prio <= -1 {
            self.locked_up = true;
            self.pc = 0xefff_fffe;
            return None;
        }
        Some(target)
    }

    /// `ExceptionEntry`: stacks the context (with `return_addr`) on the current
    /// stack and starts the handler of `e`.
    #[inline(never)]
    pub(crate) fn exception_entry<B: Bus>(&mut self, bus: &mut B, e: u32, return_addr: u32) {
        let was_thread = self.ipsr == 0;
        let was_psp = self.psp_active();
        let sp = self.r[13];
        let align = sp & 4 != 0;
        // With an active FP context (CONTROL.FPCA) the frame is extended with
        // room for S0-S15 and FPSCR (written now or lazily: `fp_context`).
        let fp = self.control & 4 != 0;
        let size = if fp { 0x68 } else { 0x20 };
        let frame = sp.wrapping_sub(size) & !7;
        let xpsr = (self.xpsr() & !(1 << 9)) | (u32::from(align) << 9);
        let words = [
            self.r[0],
            self.r[1],
            self.r[2],
            self.r[3],
            self.r[12],
            self.r[14],
            return_addr,
            xpsr,
        ];
        let limit = if was_psp {
            self.splim[1]
        } else {
            self.splim[0]
        };
        // Stacking below the stack limit: nothing is pushed, SP stops at the
        // limit and a UsageFault (STKOF) is pended. The FP context is still
        // handled (a lazy save is reserved and records the violation).
        let limit_violated = frame < limit;
        let mut stack_ok = !limit_violated;
        if limit_violated {
            self.sys.scb.cfsr |= CFSR_STKOF;
            self.sys.nvic.set_pending(exc::USAGE_FAULT);
        } else {
            for (i, w) in words.iter().enumerate() {
                let a = frame.wrapping_add(4 * i as u32);
                if self.bus_write(bus, a, Size::Word, *w).is_err() {
                    self.sys.scb.cfsr |= CFSR_STKERR;
                    self.sys.nvic.set_pending(exc::BUS_FAULT);
                    stack_ok = false;
                    break;
                }
            }
        }
        if fp && !self.push_fp_state(bus, frame, stack_ok, limit_violated) {
            self.sys.scb.cfsr |= CFSR_STKERR;
            self.sys.nvic.set_pending(exc::BUS_FAULT);
        }
        self.r[13] = if limit_violated { limit } else { frame };
        let mut lr = EXC_RETURN_BASE;
        if fp {
            lr &= !EXC_RETURN_FTYPE;
        }
        if was_thread {
            lr |= EXC_RETURN_MODE_THREAD;
        }
        if was_psp {
            lr |= EXC_RETURN_SPSEL;
        }
        self.r[14] = lr;
        self.enter_handler(bus, e);
        self.stall(12);
    }

    /// The part of entry shared with tail-chaining: switch to Handler mode on
    /// MSP and fetch the vector.
    fn enter_handler<B: Bus>(&mut self, bus: &mut B, e: u32) {
        let was_psp = self.psp_active();
        self.ipsr = e;
        self.control &= !2; // SPSEL = 0 in Handler mode
        self.control &= !4; // FPCA = 0: the handler starts without FP context
        self.switch_stacks_if(was_psp, false);
        self.it = 0;
        self.monitor = None;
        self.sys.nvic.pending[e as usize] = false;
        self.sys.nvic.active[e as usize] = true;
        self.attention = true;
        let vtor = self.sys.scb.vtor;
        match bus.read(vtor.wrapping_add(4 * e), Size::Word) {
            Ok(v) => {
                self.pc = v & !1;
                self.thumb = v & 1 != 0;
            }
            Err(_) => {
                // Vector fetch failed: HardFault with VECTTBL (or lockup).
                self.sys.scb.hfsr |= HFSR_VECTTBL;
                if e == exc::HARD_FAULT || self.execution_priority() <= -1 {
                    self.locked_up = true;
                    self.pc = 0xefff_fffe;
                } else {
                    self.sys.nvic.active[e as usize] = false;
                    self.ipsr = exc::HARD_FAULT;
                    self.sys.nvic.active[exc::HARD_FAULT as usize] = true;
                    match bus.read(vtor.wrapping_add(12), Size::Word) {
                        Ok(v) => {
                            self.pc = v & !1;
                            self.thumb = v & 1 != 0;
                        }
                        Err(_) => {
                            self.locked_up = true;
                            self.pc = 0xefff_fffe;
                        }
                    }
                }
            }
        }
    }

    /// `ExceptionReturn`: called when Handler mode writes an EXC_RETURN value to
    /// the PC. Deactivates the handler, then tail-chains to a pending exception
    /// or unstacks the frame.
    #[inline(never)]
    pub(crate) fn exception_return<B: Bus>(
        &mut self,
        bus: &mut B,
        exc_return: u32,
    ) -> Result<(), Fault> {
        let e = self.ipsr;
        let to_thread = exc_return & EXC_RETURN_MODE_THREAD != 0;
        let to_psp = exc_return & EXC_RETURN_SPSEL != 0;
        // (IPSR may hold any value a debugger or a corrupt frame put there.)
        if e == 0
            || e >= self.sys.nvic.count
            || !self.sys.nvic.active[e as usize]
            || (!to_thread && to_psp)
            || exc_return & 0x02 != 0
        {
            return Err(Fault::InvalidPc);
        }
        self.sys.nvic.active[e as usize] = false;
        if e != exc::NMI {
            self.faultmask = false;
        }
        self.monitor = None;
        self.attention = true;
        // Tail-chain: a pending exception that would preempt the context we are
        // returning to is taken without unstacking.
        let returning_prio = {
            let was = self.ipsr;
            self.ipsr = if to_thread { 0 } else { 1 };
            let p = self.execution_priority();
            self.ipsr = was;
            p
        };
        if let Some(next) = self.highest_pending() {
            let p = self.group_priority(self.sys.nvic.raw_priority(next));
            if p < returning_prio {
                self.r[14] = exc_return;
                self.enter_handler(bus, next);
                self.stall(6);
                return Ok(());
            }
        }
        let fp = exc_return & EXC_RETURN_FTYPE == 0;
        let lazy_pending = self.sys.fpu.fpccr & FPCCR_LSPACT != 0;
        if fp && !lazy_pending {
            // The FP registers will be restored: the context returned to must
            // be allowed the FPU, else UsageFault NOCP on the existing frame.
            let privileged = !to_thread || self.control & 1 == 0;
            if !self.cp10_enabled(privileged) {
                self.sys.scb.cfsr |= CFSR_NOCP;
                if let Some(target) = self.sync_target(exc::USAGE_FAULT) {
                    self.r[14] = exc_return;
                    self.enter_handler(bus, target);
                }
                return Ok(());
            }
        }
        // Select the stack to pop from.
        let was_psp = self.psp_active();
        self.ipsr = if to_thread { 0 } else { 0x1ff }; // provisional, fixed from the frame below
        if to_psp {
            self.control |= 2;
        } else {
            self.control &= !2;
        }
        let now_psp = to_thread && to_psp;
        self.switch_stacks_if(was_psp, now_psp);
        let frame = self.r[13];
        let mut w = [0u32; 8];
        for (i, slot) in w.iter_mut().enumerate() {
            match self.bus_read(bus, frame.wrapping_add(4 * i as u32), Size::Word) {
                Ok(v) => *slot = v,
                Err(_) => {
                    self.sys.scb.cfsr |= CFSR_UNSTKERR;
                    self.ipsr = if to_thread { 0 } else { exc::HARD_FAULT };
                    self.sys.nvic.set_pending(exc::BUS_FAULT);
                    return Ok(());
                }
            }
        }
        if fp && lazy_pending {
            // The handler never used the FPU, so the registers still hold
            // the values the frame would have: nothing to restore.
            self.sys.fpu.fpccr &= !FPCCR_LSPACT;
            self.control |= 4;
        } else if fp {
            for i in 0..17u32 {
                match self.bus_read(bus, frame.wrapping_add(0x20 + 4 * i), Size::Word) {
                    Ok(v) if i < 16 => self.s[i as usize] = v,
                    Ok(v) => self.fpscr = v & 0xf7c0_009f,
                    Err(_) => {
                        self.sys.scb.cfsr |= CFSR_UNSTKERR;
                        self.sys.nvic.set_pending(exc::BUS_FAULT);
                        return Ok(());
                    }
                }
            }
            self.control |= 4;
        } else {
            self.control &= !4;
        }
        let xpsr = w[7];
        self.r[0] = w[0];
        self.r[1] = w[1];
        self.r[2] = w[2];
        self.r[3] = w[3];
        self.r[12] = w[4];
        self.r[14] = w[5];
        self.pc = w[6] & !1;
        let size = if fp { 0x68 } else { 0x20 };
        self.r[13] = frame
            .wrapping_add(size)
            .wrapping_add(if xpsr & (1 << 9) != 0 { 4 } else { 0 });
        self.set_apsr(xpsr, true);
        self.it = (((xpsr >> 25) & 3) | (((xpsr >> 10) & 0x3f) << 2)) as u8;
        self.thumb = xpsr & (1 << 24) != 0;
        let frame_ipsr = xpsr & 0x1ff;
        self.ipsr = frame_ipsr;
        if to_thread != (frame_ipsr == 0) {
            // Integrity check: mode in EXC_RETURN and the stacked IPSR disagree.
            self.ipsr = if to_thread { 0 } else { frame_ipsr.max(1) };
            return Err(Fault::InvalidPc);
        }
        self.stall(10);
        if to_thread && self.sys.scb.scr & SCR_SLEEPONEXIT != 0 {
            self.sleeping = true;
        }
        Ok(())
    }
}
