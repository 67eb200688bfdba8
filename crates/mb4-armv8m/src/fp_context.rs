//! The FP context around exceptions: lazy state preservation (ARMv8-M ARM
//! B3.21 "Lazy Floating-point context preservation"; pseudocode PushStack,
//! UpdateFPCCR, PreserveFPState, ExecuteFPCheck and PopStack).
//!
//! When an exception interrupts a context with live FP state (CONTROL.FPCA),
//! the extended frame always gets room for S0-S15 and FPSCR. With FPCCR.LSPEN
//! the registers are not written then: FPCAR records where they go, FPCCR
//! records who owned them (privilege, mode, which faults could have been taken)
//! and LSPACT says the save is pending. The first FP instruction that needs the
//! registers writes them ([`Cpu::preserve_fp_state`]); an exception return that
//! finds LSPACT still set knows the registers were never touched and skips the
//! restore. Handlers that never use the FPU so never pay for it — and a program
//! can see the difference: in the frame's contents and in FPCCR/FPCAR.

use crate::bus::{Bus, Size};
use crate::cpu::{Cpu, exc};
use crate::exception::Fault;
use crate::system::mpu::Access;
use crate::system::*;

/// Offset of S0 in the extended frame; FPSCR follows S15.
pub(crate) const FP_FRAME_S0: u32 = 0x20;

impl Cpu {
    /// CPACR.CP10 grants the FPU to code at `privileged` (CP11 must match it;
    /// the core looks at CP10 only, as the architecture allows).
    pub(crate) fn cp10_enabled(&self, privileged: bool) -> bool {
        match (self.sys.scb.cpacr >> 20) & 3 {
            3 => true,
            1 => privileged,
            _ => false,
        }
    }

    /// Whether exception `e` is "ready": enabled and able to preempt now
    /// (the xRDY bits of FPCCR; HardFault is ready above priority -1).
    fn exception_ready(&self, e: u32) -> bool {
        let prio = self.execution_priority();
        if e == exc::HARD_FAULT {
            return prio > -1;
        }
        let n = &self.sys.nvic;
        n.enabled[e as usize] && self.group_priority(n.raw_priority(e)) < prio
    }

    /// The FP part of exception entry with CONTROL.FPCA set, called with the
    /// pre-empted context still current. `frame` is the extended frame's base;
    /// `write` is false when the basic frame already failed (or broke the stack
    /// limit), so nothing more may be written. Returns false if a register
    /// could not be written (the caller reports the stacking error).
    pub(crate) fn push_fp_state<B: Bus>(
        &mut self,
        bus: &mut B,
        frame: u32,
        write: bool,
        limit_violated: bool,
    ) -> bool {
        let s0 = frame.wrapping_add(FP_FRAME_S0);
        if self.sys.fpu.fpccr & FPCCR_LSPEN != 0 {
            self.update_fpccr(s0, limit_violated);
            return true;
        }
        // Eager: CheckCPEnabled for the pre-empted context, then write.
        let allowed = self.cp10_enabled(self.privileged());
        let mut write = write;
        if write && !allowed {
            self.sys.scb.cfsr |= CFSR_NOCP;
            self.sys.nvic.set_pending(exc::USAGE_FAULT);
            write = false;
        }
        let mut ok = true;
        if write {
            for i in 0..17u32 {
                let v = if i < 16 {
                    self.s[i as usize]
                } else {
                    self.fpscr
                };
                if self
                    .bus_write(bus, s0.wrapping_add(4 * i), Size::Word, v)
                    .is_err()
                {
                    ok = false;
                    break;
                }
            }
        }
        if allowed {
            // The saved registers are UNKNOWN in the handler; they read as
            // zero here, as on QEMU (the differential tests' oracle).
            self.s[..16].fill(0);
            self.fpscr = 0;
        }
        ok
    }

    /// UpdateFPCCR: reserve the lazy save at `s0` for the current context.
    fn update_fpccr(&mut self, s0: u32, limit_violated: bool) {
        self.sys.fpu.fpcar = s0 & !7;
        let mut v = self.sys.fpu.fpccr
            & !(FPCCR_USER
                | FPCCR_THREAD
                | FPCCR_HFRDY
                | FPCCR_MMRDY
                | FPCCR_BFRDY
                | FPCCR_MONRDY
                | FPCCR_SPLIMVIOL
                | FPCCR_UFRDY);
        v |= FPCCR_LSPACT;
        let bits = [
            (!self.privileged(), FPCCR_USER),
            (self.ipsr == 0, FPCCR_THREAD),
            (self.exception_ready(exc::HARD_FAULT), FPCCR_HFRDY),
            (self.exception_ready(exc::MEM_MANAGE), FPCCR_MMRDY),
            (self.exception_ready(exc::BUS_FAULT), FPCCR_BFRDY),
            (self.exception_ready(exc::USAGE_FAULT), FPCCR_UFRDY),
            (
                self.sys.scb.demcr & DEMCR_MON_EN != 0 && self.exception_ready(exc::DEBUG_MONITOR),
                FPCCR_MONRDY,
            ),
            (limit_violated, FPCCR_SPLIMVIOL),
        ];
        for (set, bit) in bits {
            if set {
                v |= bit;
            }
        }
        self.sys.fpu.fpccr = v;
    }

    /// PreserveFPState, run by an FP instruction that finds FPCCR.LSPACT set:
    /// write S0-S15 and FPSCR to FPCAR with the privilege and priority that
    /// FPCCR recorded. A fault is pended as that context would have taken it
    /// (escalating when its xRDY bit is clear); if it can be taken now the
    /// instruction is abandoned ([`Fault::Pended`]) and LSPACT stays set, so
    /// it runs again after the handler. Otherwise LSPACT is cleared.
    pub(crate) fn preserve_fp_state<B: Bus>(&mut self, bus: &mut B) -> Result<(), Fault> {
        let fpccr = self.sys.fpu.fpccr;
        let privileged = fpccr & FPCCR_USER == 0;
        let negative = fpccr & FPCCR_HFRDY == 0;
        let mut ok = true;
        if !self.cp10_enabled(privileged) {
            self.sys.scb.cfsr |= CFSR_NOCP;
            self.pend_lazy_fault(exc::USAGE_FAULT);
            ok = false;
        }
        // Past the stack limit nothing is written (the entry pended STKOF).
        if ok && fpccr & FPCCR_SPLIMVIOL == 0 {
            let base = self.sys.fpu.fpcar;
            for i in 0..17u32 {
                let v = if i < 16 {
                    self.s[i as usize]
                } else {
                    self.fpscr
                };
                if let Err(e) =
                    self.lazy_store(bus, base.wrapping_add(4 * i), v, privileged, negative)
                {
                    self.pend_lazy_fault(e);
                    ok = false;
                    break;
                }
            }
        }
        if !ok && (self.locked_up || self.preempting_exception().is_some()) {
            return Err(Fault::Pended);
        }
        self.sys.fpu.fpccr &= !FPCCR_LSPACT;
        Ok(())
    }

    /// One word of the lazy save; on failure the fault status is recorded and
    /// the exception to pend returned.
    fn lazy_store<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        v: u32,
        privileged: bool,
        negative: bool,
    ) -> Result<(), u32> {
        if !self.watchpoints.is_empty() {
            self.check_watch(addr, Size::Word, true);
        }
        if self.mpu_on()
            && self
                .mpu_check_as(addr, Access::Write, privileged, negative)
                .is_err()
        {
            self.sys.scb.cfsr |= CFSR_MLSPERR;
            return Err(exc::MEM_MANAGE);
        }
        if is_ppb(addr) || bus.write(addr, Size::Word, v).is_err() {
            self.sys.scb.cfsr |= CFSR_LSPERR;
            return Err(exc::BUS_FAULT);
        }
        self.stored(addr, 4);
        Ok(())
    }

    /// Pends a fault raised by lazy preservation. Whether it escalates to
    /// HardFault depends on FPCCR's record of the owning context, not on the
    /// current state; if even HardFault was not ready there, the core locks up.
    fn pend_lazy_fault(&mut self, e: u32) {
        let fpccr = self.sys.fpu.fpccr;
        let ready = match e {
            exc::MEM_MANAGE => fpccr & FPCCR_MMRDY != 0,
            exc::BUS_FAULT => fpccr & FPCCR_BFRDY != 0,
            _ => fpccr & FPCCR_UFRDY != 0,
        };
        let target = if ready { e } else { exc::HARD_FAULT };
        if !self.exception_ready(target) && fpccr & FPCCR_HFRDY == 0 {
            self.locked_up = true;
            self.pc = 0xefff_fffe;
            self.attention = true;
            return;
        }
        if !ready {
            self.sys.scb.hfsr |= HFSR_FORCED;
        }
        self.sys.nvic.set_pending(target);
        self.attention = true;
    }
}
