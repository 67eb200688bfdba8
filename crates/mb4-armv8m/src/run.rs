//! The run loop: fetch (through the decoded-instruction cache), IT handling,
//! execute, and — only when flagged — the between-instruction work: timers,
//! exceptions, sleep and fast-forward.

use crate::block;
use crate::bus::{Bus, Size};
use crate::cache::{PAGE_SHIFT, Slot};
use crate::cpu::{Cpu, StopReason, exc};
use crate::decode::{Op, decode, is_32bit};
use crate::exception::Fault;
use crate::system::is_ppb;

/// What an executed instruction asks of the run loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Continue with the next instruction.
    Next,
    /// Continue at this address.
    Branch(u32),
    /// The PC was set by an exception entry or return: go on from `self.pc`.
    Taken,
    /// Semihosting call: stop after the BKPT.
    Semihost,
    /// BKPT other than semihosting: stop at it.
    Bkpt(u8),
    /// WFI/WFE decided to sleep: go to sleep after this instruction.
    Sleep,
}

impl Cpu {
    /// Runs until `budget` cycles have passed or something needs the machine
    /// (see [`StopReason`]). Deterministic: the same state and bus give the same
    /// run, whatever the budget slicing.
    pub fn run<B: Bus>(&mut self, bus: &mut B, budget: u64) -> StopReason {
        let end = self.cycles.saturating_add(budget);
        #[cfg(feature = "jit")]
        if let Some(e) = &mut self.jit {
            if !e.serves::<B>() {
                // Host code calls the bus type it was made for: forget it all.
                self.cache.blocks.flush();
            }
            if let Some(d) = &mut self.direct {
                d.update(bus.direct_memory(), &self.cache);
            }
        }
        if self.breakpoints.is_empty() {
            self.run_loop::<B, false>(bus, end)
        } else {
            self.run_loop::<B, true>(bus, end)
        }
    }

    /// The hot loop. Per instruction it tests only `attention` and the cycle
    /// limit; everything rare (timers, exceptions, sleep, T bit) is behind
    /// `attention`. `BREAKPOINTS` compiles the breakpoint test in or out;
    /// without breakpoints (and with the MPU off, whose execute checks are
    /// per instruction) instructions come from blocks.
    fn run_loop<B: Bus, const BREAKPOINTS: bool>(&mut self, bus: &mut B, end: u64) -> StopReason {
        loop {
            if let Some(stop) = self.between_instructions(bus, end) {
                return stop;
            }
            let limit = end.min(self.sys.systick.next_fire.unwrap_or(u64::MAX));
            while !self.attention && self.cycles < limit {
                if BREAKPOINTS {
                    if self.breakpoints.contains(&self.pc) && self.resume_past != Some(self.pc) {
                        self.resume_past = Some(self.pc);
                        return StopReason::Breakpoint { addr: self.pc };
                    }
                    self.resume_past = None;
                } else if !self.mpu_on()
                    && self.it == 0
                    && let Some(found) = self.block_at(bus, self.pc)
                {
                    if let Some(stop) = self.run_block(bus, found, limit) {
                        return stop;
                    }
                    continue;
                }
                if let Some(stop) = self.step_one(bus) {
                    return stop;
                }
            }
        }
    }

    /// Runs the block `found` from its first instruction, exactly as
    /// [`Cpu::step_one`] would one by one (outside an IT block, where the
    /// caller starts it), while the next instruction is the next in the block
    /// and nothing needs the loop (a store that changes code sets
    /// `attention`); then the block the PC went to, if it is already built.
    /// A block with host code runs that instead (see [`crate::jit`]).
    #[inline(always)]
    fn run_block<B: Bus>(
        &mut self,
        bus: &mut B,
        mut found: block::Found,
        limit: u64,
    ) -> Option<StopReason> {
        let (arena, generation) = self.cache.blocks.lend();
        let mut stop = None;
        loop {
            let head = self.pc;
            if !self.run_host_code(bus, found, limit, &arena, &mut stop) {
                for d in arena.get(found.start..found.end).unwrap_or(&[]) {
                    let pc = self.pc;
                    let retired = if self.it == 0 {
                        self.retire_outside_it(bus, pc, d)
                    } else {
                        self.retire(bus, pc, d)
                    };
                    if let Err(s) = retired {
                        // Not the next instruction of the block (or a stop).
                        stop = s;
                        break;
                    }
                    if self.attention || self.cycles >= limit {
                        break;
                    }
                }
            }
            // A block may hold IT blocks; one that ends inside an IT block
            // (page end, length limit) leaves the rest to `step_one`.
            if stop.is_some() || self.attention || self.cycles >= limit || self.it != 0 {
                break;
            }
            // The arena is still current: a flush sets `attention`. A loop
            // that branches back to its own head needs no lookup.
            if self.pc != head {
                match self.cache.blocks.find(self.pc) {
                    Some(f) => found = f,
                    None => break,
                }
            }
        }
        self.cache.blocks.give_back(arena, generation);
        stop
    }

    /// Runs the host code of block `found` if it has some and it cannot cross
    /// `limit`; otherwise counts the run, translating the block once it has
    /// run [`Config::jit_threshold`](crate::Config::jit_threshold) times.
    /// Returns whether the block ran.
    #[cfg(feature = "jit")]
    #[inline(always)]
    fn run_host_code<B: Bus>(
        &mut self,
        bus: &mut B,
        found: block::Found,
        limit: u64,
        arena: &[Slot],
        stop: &mut Option<StopReason>,
    ) -> bool {
        // Host code starts outside IT blocks (it keeps ITSTATE statically).
        if !self.watchpoints.is_empty() || self.it != 0 {
            return false;
        }
        let code = match self.cache.blocks.code(found.head) {
            Some(code) => code,
            None => {
                // Runs counted include this one: translated on run N + 1.
                let Some(threshold) = self.config.jit_threshold else {
                    return false;
                };
                if self.cache.blocks.count_run(found.head) <= threshold {
                    return false;
                }
                self.translate_block(bus, found, arena);
                match self.cache.blocks.code(found.head) {
                    Some(code) => code,
                    None => return false,
                }
            }
        };
        // Translated instructions take one cycle each; the code checks the
        // limit itself after any instruction it hands to the interpreter.
        if self.cycles + (found.end - found.start) as u64 > limit {
            return false;
        }
        let enter = self.jit.as_ref().expect("code implies an engine").enter();
        let cpu: *mut Cpu = self;
        // SAFETY: the code was made for this bus type (`Cpu::run` checks),
        // and it holds the core and the bus only while it runs.
        unsafe { enter(cpu, (bus as *mut B).cast::<u8>(), limit, code.0.get()) };
        if let Some(s) = self.jit_stop.take() {
            *stop = Some(s);
        } else if self.jit_retry {
            // An access faulted: the instruction, interpreted, takes the fault.
            self.jit_retry = false;
            *stop = self.step_one(bus);
        }
        true
    }

    #[cfg(not(feature = "jit"))]
    #[inline(always)]
    fn run_host_code<B: Bus>(
        &mut self,
        _: &mut B,
        _: block::Found,
        _: u64,
        _: &[Slot],
        _: &mut Option<StopReason>,
    ) -> bool {
        false
    }

    /// Translates the block `found` (slots in `arena`) and attaches its code.
    #[cfg(feature = "jit")]
    #[inline(never)]
    fn translate_block<B: Bus>(&mut self, bus: &mut B, found: block::Found, arena: &[Slot]) {
        if self.jit.is_none() {
            match crate::jit::Engine::for_host() {
                Some(mut e) => {
                    e.serves::<B>();
                    self.jit = Some(Box::new(e));
                    let mut d = crate::jit::DirectPages::new();
                    d.update(bus.direct_memory(), &self.cache);
                    self.direct = Some(Box::new(d));
                }
                None => {
                    self.config.jit_threshold = None; // no backend: interpret
                    return;
                }
            }
        }
        let Some(slots) = arena.get(found.start..found.end) else {
            return;
        };
        let pc = self.pc;
        let generation = self.cache.blocks.generation();
        let engine = self.jit.as_mut().expect("made above");
        let direct = self.direct.as_ref().expect("made with the engine");
        let heads = self.cache.blocks.head_table();
        // A panic inside Cranelift must not take the emulator down: the
        // core goes on interpreting, with the same results.
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            engine.translate::<B>(slots, pc, generation, direct, heads)
        }));
        match made {
            Ok(Some(code)) => self.cache.blocks.set_code(found.head, code),
            Ok(None) => self.cache.blocks.reset_runs(found.head),
            Err(_) => self.config.jit_threshold = None,
        }
    }

    /// The block starting at `pc`, built if need be; `None` where code is not
    /// cacheable (or cannot be fetched: [`Cpu::step_one`] raises the fault).
    #[inline(always)]
    fn block_at<B: Bus>(&mut self, bus: &mut B, pc: u32) -> Option<block::Found> {
        match self.cache.blocks.find(pc) {
            Some(r) => Some(r),
            None => self.build_block(bus, pc),
        }
    }

    /// Decodes (through the slot cache) from `pc` to the first branch, the
    /// end of the page, something not cacheable, or [`block::MAX_LEN`].
    #[inline(never)]
    fn build_block<B: Bus>(&mut self, bus: &mut B, pc: u32) -> Option<block::Found> {
        let mut slots = [Slot::EMPTY; block::MAX_LEN];
        let mut n = 0;
        let mut a = pc;
        while n < block::MAX_LEN {
            let Some(d) = self.cached_slot(bus, a) else {
                break;
            };
            slots[n] = d;
            n += 1;
            a = a.wrapping_add(u32::from(d.len));
            if ends_block(&d.op) || a >> PAGE_SHIFT != pc >> PAGE_SHIFT {
                break;
            }
        }
        if n == 0 {
            return None;
        }
        Some(self.cache.blocks.insert(pc, &slots[..n]))
    }

    /// The decoded instruction at `a` from the slot cache, decoding it there
    /// first; `None` unless its bytes are cacheable and readable.
    fn cached_slot<B: Bus>(&mut self, bus: &mut B, a: u32) -> Option<Slot> {
        let page = match self.cache.lookup(a) {
            Some(p) => p,
            None if bus.code_cacheable(a) => self.create_code_page(a),
            None => return None,
        };
        let d = self.cache.slot(page, a);
        if d.len != 0 {
            return Some(d);
        }
        let d = self.decode_at(bus, a).ok()?;
        if !bus.code_cacheable(a.wrapping_add(u32::from(d.len) - 1)) {
            return None;
        }
        self.cache.fill(page, a, d);
        Some(d)
    }

    /// Makes the decoded-code page for `a`; stores there now go through the
    /// core (which keeps decoded code coherent), not straight to memory.
    fn create_code_page(&mut self, a: u32) -> usize {
        #[cfg(feature = "jit")]
        if let Some(d) = &mut self.direct {
            d.code_page(a);
        }
        self.cache.create(a)
    }

    /// Executes exactly one instruction (or takes one pending exception, or
    /// does nothing if asleep).
    pub fn step<B: Bus>(&mut self, bus: &mut B) -> StopReason {
        self.resume_past = None;
        let was_attention = self.attention;
        let end = self.cycles.saturating_add(1);
        if let Some(stop) = self.between_instructions(bus, end) {
            return stop;
        }
        if was_attention && self.attention {
            // An exception was just taken (or a fault raised): that is the step.
            return StopReason::Stepped;
        }
        let stop = self.step_one(bus).unwrap_or(StopReason::Stepped);
        match self.watch_hit.take() {
            Some((addr, kind)) if stop == StopReason::Stepped => {
                StopReason::Watchpoint { addr, kind }
            }
            _ => stop,
        }
    }

    /// Timers, exceptions, sleep. Returns a stop reason, or `None` to go on
    /// (with `attention` still set if it must be called again first).
    fn between_instructions<B: Bus>(&mut self, bus: &mut B, end: u64) -> Option<StopReason> {
        if let Some((addr, kind)) = self.watch_hit.take() {
            return Some(StopReason::Watchpoint { addr, kind });
        }
        if self.locked_up {
            let idle = end.saturating_sub(self.cycles);
            self.stall(idle);
            return Some(StopReason::Lockup);
        }
        if self.reset_requested {
            self.reset_requested = false;
            return Some(StopReason::ResetRequest);
        }
        while let Some(t) = self.sys.systick.next_fire {
            if t > self.cycles {
                break;
            }
            if self.sys.systick.fire(t) {
                self.sys.nvic.set_pending(exc::SYSTICK);
                self.event = true;
            }
        }
        if !self.thumb && !self.sleeping {
            // EPSR.T clear (a BX to an even address): INVSTATE before executing.
            let pc = self.pc;
            self.take_fault(bus, Fault::InvalidState, pc);
            self.attention = true;
            return None;
        }
        if let Some(e) = self.preempting_exception() {
            self.sleeping = false;
            let ret = self.pc;
            self.exception_entry(bus, e, ret);
            self.attention = true;
            return None;
        }
        if self.sleeping {
            if self.wakes_from_sleep() {
                self.sleeping = false;
                self.attention = false;
                return None;
            }
            match self.sys.systick.next_fire {
                Some(t) if t < end => {
                    let idle = t.saturating_sub(self.cycles);
                    self.stall(idle);
                    self.attention = true;
                    return None;
                }
                _ => {
                    let idle = end.saturating_sub(self.cycles);
                    self.stall(idle);
                    self.attention = true;
                    return Some(StopReason::Sleeping);
                }
            }
        }
        self.attention = false;
        if self.cycles >= end {
            self.attention = true; // re-check timers on the next call
            return Some(StopReason::Budget);
        }
        None
    }

    /// WFI wakes on a pending exception that would preempt were PRIMASK clear;
    /// WFE also on the event register.
    fn wakes_from_sleep(&mut self) -> bool {
        if self.event && self.wfe_sleep {
            self.event = false;
            return true;
        }
        let primask = self.primask;
        self.primask = false;
        let wake = self.preempting_exception().is_some();
        self.primask = primask;
        wake
    }

    /// Fetches, decodes (or finds decoded) and executes the instruction at PC.
    #[inline(always)]
    fn step_one<B: Bus>(&mut self, bus: &mut B) -> Option<StopReason> {
        let pc = self.pc;
        let d = match self.fetch(bus, pc) {
            Ok(d) => d,
            Err(f) => {
                self.take_fault(bus, f, pc);
                return None;
            }
        };
        self.retire(bus, pc, &d).err().flatten()
    }

    /// Executes the fetched instruction `d` at `pc`: one cycle, IT, the
    /// outcome's effect on PC. `Ok`: execution went on to the next
    /// instruction in memory (the common case, kept short); `Err`: it went
    /// elsewhere (a branch, an exception), or the loop must stop.
    #[inline(always)]
    pub(crate) fn retire<B: Bus>(
        &mut self,
        bus: &mut B,
        pc: u32,
        d: &Slot,
    ) -> Result<(), Option<StopReason>> {
        let next = pc.wrapping_add(u32::from(d.len));
        self.cycles += 1;
        let in_it = self.it != 0;
        if in_it && !self.cond_passed(self.it >> 4) {
            self.pc = next;
            self.it_advance();
            return Ok(());
        }
        self.r[15] = pc.wrapping_add(4);
        let flow = self.exec(bus, &d.op, pc);
        if let Ok(Flow::Next) = flow {
            self.pc = next;
            if in_it {
                self.it_advance();
            }
            return Ok(());
        }
        Err(self.retire_other(bus, pc, next, in_it, flow))
    }

    /// [`Cpu::retire`] for an instruction outside an IT block (ITSTATE zero,
    /// as for every instruction run from a block): no IT test or advance.
    #[inline(always)]
    pub(crate) fn retire_outside_it<B: Bus>(
        &mut self,
        bus: &mut B,
        pc: u32,
        d: &Slot,
    ) -> Result<(), Option<StopReason>> {
        let next = pc.wrapping_add(u32::from(d.len));
        self.cycles += 1;
        self.r[15] = pc.wrapping_add(4);
        let flow = self.exec(bus, &d.op, pc);
        if let Ok(Flow::Next) = flow {
            self.pc = next;
            return Ok(());
        }
        Err(self.retire_other(bus, pc, next, false, flow))
    }

    /// [`Cpu::retire`] for every outcome but [`Flow::Next`].
    #[inline(always)]
    fn retire_other<B: Bus>(
        &mut self,
        bus: &mut B,
        pc: u32,
        next: u32,
        in_it: bool,
        flow: Result<Flow, Fault>,
    ) -> Option<StopReason> {
        match flow {
            Ok(Flow::Next) => {
                self.pc = next;
                if in_it {
                    self.it_advance();
                }
            }
            Ok(Flow::Branch(t)) => {
                self.pc = t;
                if in_it {
                    self.it_advance();
                }
            }
            Ok(Flow::Taken) => {}
            Ok(Flow::Semihost) => {
                self.pc = next;
                return Some(StopReason::Semihosting);
            }
            Ok(Flow::Bkpt(imm)) => {
                self.other_cycles += 1;
                return Some(StopReason::Bkpt { imm });
            }
            Ok(Flow::Sleep) => {
                self.pc = next;
                if in_it {
                    self.it_advance();
                }
                self.sleeping = true;
                self.attention = true;
            }
            Err(f) => {
                self.other_cycles += 1;
                self.take_fault(bus, f, pc);
            }
        }
        None
    }

    #[inline(always)]
    fn fetch<B: Bus>(&mut self, bus: &mut B, pc: u32) -> Result<Slot, Fault> {
        if self.mpu_on() {
            self.mpu_check(pc, crate::system::mpu::Access::Execute)?;
        }
        if let Some(page) = self.cache.lookup(pc) {
            let d = self.cache.slot(page, pc);
            if d.len != 0 {
                return Ok(d);
            }
            let d = self.decode_at(bus, pc)?;
            self.cache.fill(page, pc, d);
            return Ok(d);
        }
        let d = self.decode_at(bus, pc)?;
        let end = pc.wrapping_add(u32::from(d.len) - 1);
        if bus.code_cacheable(pc) && bus.code_cacheable(end) {
            let page = self.create_code_page(pc);
            self.cache.fill(page, pc, d);
        }
        Ok(d)
    }

    fn decode_at<B: Bus>(&mut self, bus: &mut B, pc: u32) -> Result<Slot, Fault> {
        if is_ppb(pc) || pc >= 0xe000_0000 {
            return Err(Fault::FetchBus { addr: pc });
        }
        let hw1 = bus
            .read(pc, Size::Half)
            .map_err(|_| Fault::FetchBus { addr: pc })? as u16;
        let hw2 = if is_32bit(hw1) {
            let a = pc.wrapping_add(2);
            bus.read(a, Size::Half)
                .map_err(|_| Fault::FetchBus { addr: a })? as u16
        } else {
            0
        };
        let d = decode(hw1, hw2);
        Ok(Slot {
            op: d.op.unwrap_or(Op::UNDEFINED),
            len: d.len,
        })
    }

    /// `ConditionPassed` for a 4-bit condition.
    #[inline(always)]
    pub(crate) fn cond_passed(&self, cond: u8) -> bool {
        let r = match cond >> 1 {
            0 => self.z,
            1 => self.c,
            2 => self.n,
            3 => self.v,
            4 => self.c && !self.z,
            5 => self.n == self.v,
            6 => self.n == self.v && !self.z,
            _ => return true,
        };
        if cond & 1 != 0 { !r } else { r }
    }

    #[inline(always)]
    pub(crate) fn it_advance(&mut self) {
        self.it = if self.it & 7 == 0 {
            0
        } else {
            (self.it & 0xe0) | ((self.it << 1) & 0x1f)
        };
    }
}

/// Whether a block ends after `op`: the instructions that usually branch.
/// (Any other instruction that
/// branches is handled too: a block is left whenever execution does not go
/// on to the next instruction; this only keeps blocks from running on into
/// literal pools and other code's data.)
fn ends_block(op: &Op) -> bool {
    matches!(
        op,
        Op::B16 { .. }
            | Op::B_w { .. }
            | Op::BX { .. }
            | Op::BL { .. }
            | Op::BLX_r { .. }
            | Op::TBB { .. }
            | Op::UNDEFINED
            | Op::BKPT { .. }
    ) || matches!(op, Op::POP16 { p: 1, .. })
        || matches!(op, Op::LDM_w { list, .. } | Op::LDMDB { list, .. } if list & 0x8000 != 0)
        || matches!(
            op,
            Op::MOV_hr16 { rd: 15, .. } | Op::ADD_hr16 { rd: 15, .. }
        )
        || matches!(
            op,
            Op::LDST_i8 { l: 1, rt: 15, .. } | Op::LDST_i12 { l: 1, rt: 15, .. }
        )
}
