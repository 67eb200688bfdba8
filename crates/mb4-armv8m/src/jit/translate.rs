//! One block of decoded instructions to Cranelift IR.
//!
//! The generated function runs the block's instructions in order along one
//! straight path; every way out (the block's end, a branch, a faulting
//! access, a stop asked for by an interpreted instruction) is a side exit
//! that writes the registers and flags the block changed back to the core,
//! with the PC and the cycle count the interpreter would have at that point.
//!
//! Registers and flags are read from the core the first time the block needs
//! them and kept in SSA values; because the path is straight, a value made
//! earlier on it is valid everywhere after, including in the side exits.
//!
//! Only instructions that take one cycle and need no system state are
//! translated; [`Tx::instruction`] returns [`Done::Interpret`] for the rest,
//! before emitting anything, and the block calls the interpreter for them.
//! Semantics mirror `exec.rs` line for line (the differential tests run the
//! same programs both ways).

use super::helpers::{Addrs, READ_FAULT, READ_SIGNED};
use crate::alu::{ASR, LSL, LSR, ROR};
use crate::block::HeadTable;
use crate::cache::Slot;
use crate::cpu::Cpu;
use crate::decode::Op;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I8, I32, I64};
use cranelift_codegen::ir::{
    AbiParam, Block, Endianness, InstBuilder, MemFlags, SigRef, Signature, Type, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Variable};
use std::mem::offset_of;

/// Flag indices into [`Tx::flags`].
const N: usize = 0;
const Z: usize = 1;
const C: usize = 2;
const V: usize = 3;

fn flag_offset(i: usize) -> usize {
    match i {
        N => offset_of!(Cpu, n),
        Z => offset_of!(Cpu, z),
        C => offset_of!(Cpu, c),
        _ => offset_of!(Cpu, v),
    }
}

/// How an instruction was translated.
enum Done {
    /// Emitted; execution goes on to the next instruction.
    Next,
    /// Emitted, and it ended the function (a branch).
    Exited,
    /// Nothing emitted: run it with the interpreter.
    Interpret,
    /// The translation cannot go on (the function is left well formed but
    /// is thrown away).
    Failed,
}

/// Where a side exit leaves the PC.
#[derive(Clone, Copy)]
enum Pc {
    Const(u32),
    Dyn(Value),
}

/// A carry-in for [`Tx::add_with_carry`].
#[derive(Clone, Copy)]
enum Carry {
    Zero,
    One,
    Flag(Value),
}

/// A block that branches back to its own start runs that loop in host code:
/// the registers and flags it touches travel round the loop as SSA values
/// (Cranelift's variables give the loop head a parameter for each one the
/// block reads), and only leaving the loop writes them to the core.
#[derive(Clone, Copy)]
struct Loop {
    head: Block,
    regs: [Variable; 15],
    flags: [Variable; 4],
    /// The core's cycle count at the loop head.
    base: Variable,
}

/// What translating a block found out (see [`block`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Summary {
    /// Every register and flag the translated code writes.
    pub written: u16,
    pub flags_written: u8,
    /// A translated branch goes back to the block's start.
    pub loops: bool,
    /// The last such branch (its index in the block): a looping translation
    /// ends there, so that registers only the code after the loop uses are
    /// not carried round it (that code becomes a block of its own).
    pub last_back_edge: usize,
    /// What the instructions up to that branch write: the loop's exits
    /// write these back.
    pub loop_written: u16,
    pub loop_flags_written: u8,
    /// The translation gave up (the block stays interpreted).
    pub failed: bool,
}

struct Sigs {
    /// A block's own signature, for going to the next block.
    block: SigRef,
    read: SigRef,
    write: SigRef,
    interpret: SigRef,
    pure4: SigRef,
}

struct Tx<'a, 'f> {
    b: &'a mut FunctionBuilder<'f>,
    ptr: Type,
    cpu: Value,
    bus: Value,
    limit: Value,
    /// R0..R14 as known on the path so far; `dirty`: changed by the block.
    regs: [Option<Value>; 15],
    dirty: u16,
    flags: [Option<Value>; 4],
    flags_dirty: u8,
    /// The core's cycle count when the block (or the last interpreted
    /// instruction) started, and the instructions retired since.
    base: Value,
    retired: i64,
    sigs: Sigs,
    helpers: Addrs,
    /// The direct-memory page tables (see `direct.rs`) for loads and stores.
    tables: (usize, usize),
    heads: HeadTable,
    /// Set by the last access: whether the core wants the run loop now
    /// (only an access through the bus can make it so).
    attention: Option<Value>,
    /// ITSTATE for the instruction being translated, known statically: the
    /// block starts outside IT blocks and IT sets it from its encoding.
    it: u8,
    /// The interpreter ran an instruction of the current IT block, so the
    /// core's ITSTATE was written and must be cleared when the block ends.
    it_written: bool,
    /// The block's first address and length (a loop goes round only when a
    /// whole pass fits in the cycle limit).
    pc0: u32,
    len: i64,
    /// Set when the block loops in host code.
    lp: Option<Loop>,
    /// An instruction was interpreted on this pass of the path: registers
    /// and flags not known since are read from the core, not the loop head.
    core_truth: bool,
    /// The instruction being translated is the block's last (or the
    /// translation's: see [`Summary::last_back_edge`]), and its index.
    last: bool,
    index: usize,
    summary: Summary,
}

/// What a translation needs besides the block: where things are on the host.
pub(super) struct Env {
    /// The host's pointer type.
    pub ptr: Type,
    /// The calling convention of the Rust helpers (`extern "C"`).
    pub call_conv: CallConv,
    pub helpers: Addrs,
    /// The direct-memory page tables for loads and stores.
    pub tables: (usize, usize),
    pub heads: HeadTable,
}

/// Builds the function for the block of `slots` starting at `pc0`. The
/// instructions it hands to the interpreter are read from `kept` (a copy of
/// `slots` that lives as long as the code).
///
/// `looping`: what a first translation of the same block said it writes;
/// with it, branches back to `pc0` loop inside the function. Without it,
/// they leave it like any other branch.
pub(super) fn block(
    b: &mut FunctionBuilder,
    env: &Env,
    kept: &[Slot],
    pc0: u32,
    looping: Option<Summary>,
) -> Summary {
    let slots = kept;
    let ptr = env.ptr;
    let sig = |params: &[Type], ret: Option<Type>| {
        let mut s = Signature::new(env.call_conv);
        s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        s.returns.extend(ret.map(AbiParam::new));
        s
    };
    let own = b.func.signature.clone();
    let sigs = Sigs {
        block: b.import_signature(own),
        read: b.import_signature(sig(&[ptr, ptr, I32, I32], Some(I64))),
        write: b.import_signature(sig(&[ptr, ptr, I32, I32, I32], Some(I32))),
        interpret: b.import_signature(sig(&[ptr, ptr, ptr, I32], Some(I32))),
        pure4: b.import_signature(sig(&[I32, I32, I32, I32], Some(I64))),
    };
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let (cpu, bus, limit) = (params[0], params[1], params[2]);
    let mut base = b.ins().load(
        I64,
        MemFlags::trusted(),
        cpu,
        offset_of!(Cpu, cycles) as i32,
    );
    let lp = looping.map(|_| {
        // Every register and flag starts from the core; Cranelift drops the
        // loads of those the loop never reads (`readonly`: pure, so
        // removable; nothing stores to the core before the loop head).
        let mem = MemFlags::trusted().with_readonly().with_can_move();
        let regs = std::array::from_fn(|r| {
            let var = b.declare_var(I32);
            let off = offset_of!(Cpu, r) + 4 * r;
            let v = b.ins().load(I32, mem, cpu, off as i32);
            b.def_var(var, v);
            var
        });
        let flags = std::array::from_fn(|i| {
            let var = b.declare_var(I8);
            let v = b.ins().load(I8, mem, cpu, flag_offset(i) as i32);
            b.def_var(var, v);
            var
        });
        let base_var = b.declare_var(I64);
        b.def_var(base_var, base);
        let head = b.create_block();
        b.ins().jump(head, &[]);
        // Sealed at the end, once the back edges are known.
        b.switch_to_block(head);
        base = b.use_var(base_var);
        Loop {
            head,
            regs,
            flags,
            base: base_var,
        }
    });
    let mut tx = Tx {
        b,
        ptr,
        cpu,
        bus,
        limit,
        regs: [None; 15],
        dirty: 0,
        flags: [None; 4],
        flags_dirty: 0,
        base,
        retired: 0,
        sigs,
        helpers: env.helpers,
        tables: env.tables,
        heads: env.heads,
        attention: None,
        it: 0,
        it_written: false,
        pc0,
        len: slots.len() as i64,
        lp,
        core_truth: false,
        last: false,
        index: 0,
        summary: Summary::default(),
    };
    if let Some(s) = looping {
        // Any register the block writes may have been written on an earlier
        // pass round the loop: every exit writes it back.
        tx.dirty = s.loop_written;
        tx.flags_dirty = s.loop_flags_written;
    }
    let mut pc = pc0;
    for (i, slot) in slots.iter().enumerate() {
        let next = pc.wrapping_add(u32::from(slot.len));
        let last = i + 1 == slots.len() || looping.is_some_and(|s| s.last_back_edge == i);
        let remaining = (slots.len() - i - 1) as i64;
        let it = tx.it;
        tx.last = last;
        tx.index = i;
        let done = match slot.op {
            // IT only sets ITSTATE, which the translation follows statically.
            Op::IT { cond, mask } if it == 0 => {
                tx.it = (cond << 4) | mask;
                Done::Next
            }
            _ if it == 0 => tx.instruction(&slot.op, pc, next),
            _ => tx.conditional(&slot.op, pc, next, it),
        };
        match done {
            Done::Next => {
                tx.retired += 1;
                if it != 0 {
                    tx.it_advanced(it);
                }
                if last {
                    tx.exit_to(Pc::Const(next), tx.retired);
                    return tx.summary;
                }
            }
            Done::Exited => return tx.summary,
            Done::Failed => {
                tx.summary.failed = true;
                return tx.summary;
            }
            Done::Interpret => {
                if !tx.interpret(slot as *const Slot, pc, remaining, last, it) {
                    return tx.summary;
                }
                if it != 0 {
                    tx.it_advanced(it);
                }
            }
        }
        pc = next;
    }
    tx.summary
}

impl Tx<'_, '_> {
    // ---- state --------------------------------------------------------------

    fn c32(&mut self, v: u32) -> Value {
        self.b.ins().iconst(I32, i64::from(v as i32))
    }

    fn c8(&mut self, v: bool) -> Value {
        self.b.ins().iconst(I8, i64::from(v))
    }

    /// Register `r` as the instruction at `pc` reads it (R15: `pc + 4`).
    fn reg(&mut self, r: u8, pc: u32) -> Value {
        let r = usize::from(r & 15);
        if r == 15 {
            return self.c32(pc.wrapping_add(4));
        }
        let v = self.peek_reg(r);
        self.regs[r] = Some(v);
        v
    }

    /// R0..R14 now, without keeping the value for later instructions (for
    /// code off the main path: side exits, the untaken side of a condition).
    fn peek_reg(&mut self, r: usize) -> Value {
        if let Some(v) = self.regs[r] {
            return v;
        }
        match self.lp {
            Some(lp) if !self.core_truth => self.b.use_var(lp.regs[r]),
            _ => {
                let off = offset_of!(Cpu, r) + 4 * r;
                self.b
                    .ins()
                    .load(I32, MemFlags::trusted(), self.cpu, off as i32)
            }
        }
    }

    fn peek_flag(&mut self, i: usize) -> Value {
        if let Some(v) = self.flags[i] {
            return v;
        }
        match self.lp {
            Some(lp) if !self.core_truth => self.b.use_var(lp.flags[i]),
            _ => self
                .b
                .ins()
                .load(I8, MemFlags::trusted(), self.cpu, flag_offset(i) as i32),
        }
    }

    /// Writes R0..R14 (callers never write R15: that is a branch, interpreted).
    fn set_reg(&mut self, r: u8, v: Value) {
        let r = usize::from(r & 15);
        debug_assert!(r < 15);
        self.regs[r] = Some(v);
        self.dirty |= 1 << r;
        self.summary.written |= 1 << r;
    }

    fn flag(&mut self, i: usize) -> Value {
        let v = self.peek_flag(i);
        self.flags[i] = Some(v);
        v
    }

    fn set_flag(&mut self, i: usize, v: Value) {
        self.flags[i] = Some(v);
        self.flags_dirty |= 1 << i;
        self.summary.flags_written |= 1 << i;
    }

    fn set_nz(&mut self, r: Value) {
        let n = self.b.ins().icmp_imm(IntCC::SignedLessThan, r, 0);
        let z = self.b.ins().icmp_imm(IntCC::Equal, r, 0);
        self.set_flag(N, n);
        self.set_flag(Z, z);
    }

    fn set_nzcv(&mut self, (r, c, v): (Value, Value, Value)) {
        self.set_nz(r);
        self.set_flag(C, c);
        self.set_flag(V, v);
    }

    /// Writes back everything the block changed, so the core is up to date.
    fn write_back(&mut self) {
        for r in 0..15 {
            if self.dirty & (1 << r) != 0 {
                let v = self.peek_reg(r);
                let off = offset_of!(Cpu, r) + 4 * r;
                self.b
                    .ins()
                    .store(MemFlags::trusted(), v, self.cpu, off as i32);
            }
        }
        for i in 0..4 {
            if self.flags_dirty & (1 << i) != 0 {
                let v = self.peek_flag(i);
                self.b
                    .ins()
                    .store(MemFlags::trusted(), v, self.cpu, flag_offset(i) as i32);
            }
        }
    }

    fn store_cycles(&mut self, retired: i64) {
        let c = self.b.ins().iadd_imm(self.base, retired);
        self.b.ins().store(
            MemFlags::trusted(),
            c,
            self.cpu,
            offset_of!(Cpu, cycles) as i32,
        );
    }

    /// Emits a return that leaves the core at `pc` with `retired`
    /// instructions of the block counted; `retry`: the run loop must execute
    /// the instruction at `pc` interpreted (it faulted here).
    fn exit(&mut self, pc: Pc, retired: i64, retry: bool) {
        self.leave(pc, retired, retry, false);
    }

    /// [`Tx::exit`] that goes straight on to the block at `pc` when it is
    /// translated and fits in the cycle limit (a tail call: the host stack
    /// does not grow); otherwise it returns to the run loop.
    fn exit_to(&mut self, pc: Pc, retired: i64) {
        self.leave(pc, retired, false, true);
    }

    fn leave(&mut self, pc: Pc, retired: i64, retry: bool, chain: bool) {
        self.write_back();
        let pc_value = match pc {
            Pc::Const(a) => self.c32(a),
            Pc::Dyn(v) => v,
        };
        self.b.ins().store(
            MemFlags::trusted(),
            pc_value,
            self.cpu,
            offset_of!(Cpu, pc) as i32,
        );
        self.store_cycles(retired);
        if self.it != 0 || self.it_written {
            // Left inside an IT block: the run loop goes on from this ITSTATE
            // (or the interpreter's copy of an ended one is cleared).
            let it = self.b.ins().iconst(I8, i64::from(self.it));
            self.b.ins().store(
                MemFlags::trusted(),
                it,
                self.cpu,
                offset_of!(Cpu, it) as i32,
            );
        }
        if retry {
            let one = self.c8(true);
            self.b.ins().store(
                MemFlags::trusted(),
                one,
                self.cpu,
                offset_of!(Cpu, jit_retry) as i32,
            );
        }
        // Translated code starts outside IT blocks.
        if chain && self.it == 0 {
            self.chain(pc_value, retired);
        }
        self.b.ins().return_(&[]);
    }

    /// Tail-calls the block at `pc` if the table has code for it and its
    /// instructions cannot cross the limit; falls through otherwise.
    fn chain(&mut self, pc: Value, retired: i64) {
        let h = self.heads;
        let half = self.b.ins().ushr_imm(pc, 1);
        let index = self.b.ins().band_imm(half, i64::from(h.mask));
        let index = self.b.ins().uextend(I64, index);
        let off = self.b.ins().imul_imm(index, h.size as i64);
        let base = self.b.ins().iconst(self.ptr, h.base as i64);
        let head = self.b.ins().iadd(base, off);
        let mem = MemFlags::trusted();
        let head_pc = self.b.ins().load(I32, mem, head, h.pc as i32);
        let code = self.b.ins().load(self.ptr, mem, head, h.code as i32);
        let len = self.b.ins().load(I32, mem, head, h.len as i32);
        let same = self.b.ins().icmp(IntCC::Equal, head_pc, pc);
        let has_code = self.b.ins().icmp_imm(IntCC::NotEqual, code, 0);
        let len = self.b.ins().uextend(I64, len);
        let now = self.b.ins().iadd_imm(self.base, retired);
        let end = self.b.ins().iadd(now, len);
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, end, self.limit);
        let ok = self.b.ins().band(same, has_code);
        let ok = self.b.ins().band(ok, fits);
        let (go, stay) = self.fork(ok);
        self.b.switch_to_block(go);
        self.b
            .ins()
            .return_call_indirect(self.sigs.block, code, &[self.cpu, self.bus, self.limit]);
        self.b.switch_to_block(stay);
    }

    /// Branches on `cond` (nonzero: the first) to two new blocks, each with
    /// this branch as its only predecessor (so both are sealed).
    fn fork(&mut self, cond: Value) -> (Block, Block) {
        let yes = self.b.create_block();
        let no = self.b.create_block();
        self.b.ins().brif(cond, yes, &[], no, &[]);
        self.b.seal_block(yes);
        self.b.seal_block(no);
        (yes, no)
    }

    /// A side exit taken when `cond` (nonzero) holds; the path goes on after it.
    fn exit_if(&mut self, cond: Value, pc: Pc, retired: i64, retry: bool) {
        let (out, on) = self.fork(cond);
        self.b.set_cold_block(out);
        self.b.switch_to_block(out);
        self.exit(pc, retired, retry);
        self.b.switch_to_block(on);
    }

    /// A return for when the core is already up to date (after the interpreter).
    fn return_if(&mut self, cond: Value) {
        let (out, on) = self.fork(cond);
        self.b.set_cold_block(out);
        self.b.switch_to_block(out);
        self.b.ins().return_(&[]);
        self.b.switch_to_block(on);
    }

    /// Leaves after the current instruction if its access made the core want
    /// the run loop (an exception pended, code changed: `attention`).
    fn exit_on_attention(&mut self, next: u32) {
        if let Some(a) = self.attention.take() {
            let r = self.retired + 1;
            // Leaving after the instruction: with ITSTATE past it.
            let (it, written) = (self.it, self.it_written);
            self.it = it_after(it);
            self.exit_if(a, Pc::Const(next), r, false);
            (self.it, self.it_written) = (it, written);
        }
    }

    /// Runs the instruction at `pc` with the interpreter (`it`: its
    /// ITSTATE). Returns whether the path goes on (false: the function has
    /// ended).
    fn interpret(
        &mut self,
        slot: *const Slot,
        pc: u32,
        remaining: i64,
        last: bool,
        it: u8,
    ) -> bool {
        self.write_back();
        let r = self.retired;
        self.store_cycles(r);
        let helper = if it != 0 {
            let v = self.b.ins().iconst(I8, i64::from(it));
            self.b
                .ins()
                .store(MemFlags::trusted(), v, self.cpu, offset_of!(Cpu, it) as i32);
            self.it_written = true;
            self.helpers.interpret_it
        } else {
            self.helpers.interpret
        };
        let slot = self.b.ins().iconst(self.ptr, slot as i64);
        let pcv = self.c32(pc);
        let f = self.b.ins().iconst(self.ptr, helper as i64);
        let call =
            self.b
                .ins()
                .call_indirect(self.sigs.interpret, f, &[self.cpu, self.bus, slot, pcv]);
        let went_elsewhere = self.b.inst_results(call)[0];
        // The interpreter may have changed anything.
        self.regs = [None; 15];
        self.dirty = 0;
        self.flags = [None; 4];
        self.flags_dirty = 0;
        self.core_truth = true;
        if last {
            self.b.ins().return_(&[]);
            return false;
        }
        self.return_if(went_elsewhere);
        let attention = self.attention_now();
        self.return_if(attention);
        // It may have stalled: go on only if the rest cannot cross the limit.
        self.base = self.b.ins().load(
            I64,
            MemFlags::trusted(),
            self.cpu,
            offset_of!(Cpu, cycles) as i32,
        );
        self.retired = 0;
        let end = self.b.ins().iadd_imm(self.base, remaining);
        let over = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThan, end, self.limit);
        self.return_if(over);
        true
    }

    /// ITSTATE moves on past an instruction that ran with `it`, as
    /// `it_advance` does; at the IT block's end the core's copy is cleared
    /// if the interpreter wrote it.
    fn it_advanced(&mut self, it: u8) {
        self.it = it_after(it);
        if self.it == 0 && self.it_written {
            let z = self.b.ins().iconst(I8, 0);
            self.b
                .ins()
                .store(MemFlags::trusted(), z, self.cpu, offset_of!(Cpu, it) as i32);
            self.it_written = false;
        }
    }

    /// Whether 16-bit data-processing instructions set the flags: outside
    /// IT blocks only.
    fn setflags16(&self) -> bool {
        self.it == 0
    }

    /// An instruction inside an IT block, run if `cond` passes.
    /// (Indexed loops: each step also emits code through `self.b`.)
    /// Register-only instructions are translated with their results chosen
    /// by the condition; loads and stores run on a branch of their own; a
    /// branch that ends the IT block is a conditional branch; anything else
    /// is interpreted.
    #[allow(clippy::needless_range_loop)]
    fn conditional(&mut self, op: &Op, pc: u32, next: u32, it: u8) -> Done {
        let cond = it >> 4;
        if matches!(op, Op::IT { .. }) {
            return Done::Interpret;
        }
        if let Op::B16 { off } | Op::B_w { off } = *op {
            if it & 7 != 0 || cond >= 14 {
                return Done::Interpret; // not last in its IT block
            }
            let taken = self.cond_parts(cond);
            // The IT block ends with the branch, taken or not.
            self.it_advanced(it);
            return self.branch_if(taken, pc.wrapping_add(4).wrapping_add(off), next, self.last);
        }
        if is_access(op) {
            if !access_translated(op) {
                return Done::Interpret;
            }
            if cond >= 14 {
                return self.instruction(op, pc, next);
            }
            return self.conditional_access(op, pc, next, cond);
        }
        if branches(op) {
            return Done::Interpret;
        }
        if cond >= 14 {
            return self.instruction(op, pc, next);
        }
        let passed = self.cond(cond);
        let (regs, flags) = (self.regs, self.flags);
        let done = self.instruction(op, pc, next);
        if !matches!(done, Done::Next) {
            return done;
        }
        for r in 0..15 {
            if self.regs[r] != regs[r] && self.dirty & (1 << r) != 0 {
                let new = self.regs[r].expect("changed");
                let old = match regs[r] {
                    Some(v) => v,
                    None => {
                        self.regs[r] = None;
                        self.peek_reg(r)
                    }
                };
                self.regs[r] = Some(self.b.ins().select(passed, new, old));
            }
        }
        for i in 0..4 {
            if self.flags[i] != flags[i] && self.flags_dirty & (1 << i) != 0 {
                let new = self.flags[i].expect("changed");
                let old = match flags[i] {
                    Some(v) => v,
                    None => {
                        self.flags[i] = None;
                        self.peek_flag(i)
                    }
                };
                self.flags[i] = Some(self.b.ins().select(passed, new, old));
            }
        }
        Done::Next
    }

    /// A load or store inside an IT block: it runs (and may fault, or touch
    /// a device) only on the branch where `cond` passes; the registers it
    /// changed or first read meet the untouched ones after it.
    fn conditional_access(&mut self, op: &Op, pc: u32, next: u32, cond: u8) -> Done {
        let passed = self.cond(cond);
        let (regs, flags) = (self.regs, self.flags);
        let (run, skip) = self.fork(passed);
        let join = self.b.create_block();
        self.b.switch_to_block(run);
        if !matches!(self.instruction(op, pc, next), Done::Next) {
            // `access_translated` disagrees with `instruction`: a bug; give
            // the block back to the interpreter rather than guess.
            debug_assert!(false, "{op:?} in an IT block was not translated");
            self.b.ins().return_(&[]);
            self.b.switch_to_block(skip);
            self.b.ins().return_(&[]);
            return Done::Failed;
        }
        let changed: Vec<usize> = (0..15).filter(|&r| self.regs[r] != regs[r]).collect();
        let flags_changed: Vec<usize> = (0..4).filter(|&i| self.flags[i] != flags[i]).collect();
        let mut ran = Vec::new();
        for &r in &changed {
            self.b.append_block_param(join, I32);
            ran.push(self.regs[r].expect("changed").into());
        }
        for &i in &flags_changed {
            self.b.append_block_param(join, I8);
            ran.push(self.flags[i].expect("changed").into());
        }
        self.b.ins().jump(join, &ran);
        self.b.switch_to_block(skip);
        let after = (self.regs, self.flags);
        (self.regs, self.flags) = (regs, flags);
        let mut skipped = Vec::new();
        for &r in &changed {
            skipped.push(self.peek_reg(r).into());
        }
        for &i in &flags_changed {
            skipped.push(self.peek_flag(i).into());
        }
        self.b.ins().jump(join, &skipped);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        (self.regs, self.flags) = after;
        let params = self.b.block_params(join).to_vec();
        for (k, &r) in changed.iter().enumerate() {
            self.regs[r] = Some(params[k]);
        }
        for (k, &i) in flags_changed.iter().enumerate() {
            self.flags[i] = Some(params[changed.len() + k]);
        }
        Done::Next
    }

    // ---- memory ---------------------------------------------------------------

    /// Goes to `fast` with the host address for an access of `bytes` at
    /// `addr` through page table `table`, or to `slow` where the access must
    /// go through the core (no direct page, or unaligned: the core checks
    /// alignment traps). Seals both.
    fn direct(&mut self, table: usize, addr: Value, bytes: u32, fast: Block, slow: Block) -> Value {
        let page = self.b.ins().ushr_imm(addr, 12);
        let page = self.b.ins().uextend(I64, page);
        let off = self.b.ins().ishl_imm(page, 3);
        let t = self.b.ins().iconst(self.ptr, table as i64);
        let entry_at = self.b.ins().iadd(t, off);
        let entry = self.b.ins().load(I64, MemFlags::trusted(), entry_at, 0);
        let in_page = self.b.ins().band_imm(addr, 0xfff);
        let in_page = self.b.ins().uextend(I64, in_page);
        let host = self.b.ins().iadd(entry, in_page);
        if bytes > 1 {
            let low = self.b.ins().band_imm(addr, i64::from(bytes - 1));
            let aligned = self.b.create_block();
            self.b.ins().brif(low, slow, &[], aligned, &[]);
            self.b.seal_block(aligned);
            self.b.switch_to_block(aligned);
        }
        self.b.ins().brif(entry, fast, &[], slow, &[]);
        self.b.seal_block(fast);
        self.b.seal_block(slow);
        host
    }

    fn attention_now(&mut self) -> Value {
        self.b.ins().load(
            I8,
            MemFlags::trusted(),
            self.cpu,
            offset_of!(Cpu, attention) as i32,
        )
    }

    /// Loads `bytes` at `addr` for the instruction at `pc`: straight from
    /// host memory where the page is direct, else through the core, where a
    /// fault leaves the block before the instruction.
    fn load(&mut self, addr: Value, bytes: u32, signed: bool, pc: u32) -> Value {
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        // Devices, faults, code pages: off the hot path.
        self.b.set_cold_block(slow);
        let join = self.b.create_block();
        self.b.append_block_param(join, I32);
        self.b.append_block_param(join, I8);
        let host = self.direct(self.tables.0, addr, bytes, fast, slow);

        self.b.switch_to_block(fast);
        let mem = MemFlags::trusted().with_endianness(Endianness::Little);
        let v = match (bytes, signed) {
            (1, false) => self.b.ins().uload8(I32, mem, host, 0),
            (1, true) => self.b.ins().sload8(I32, mem, host, 0),
            (2, false) => self.b.ins().uload16(I32, mem, host, 0),
            (2, true) => self.b.ins().sload16(I32, mem, host, 0),
            _ => self.b.ins().load(I32, mem, host, 0),
        };
        let no = self.c8(false);
        self.b.ins().jump(join, &[v.into(), no.into()]);

        self.b.switch_to_block(slow);
        let r = self.retired;
        self.store_cycles(r + 1); // as the interpreter counts during an instruction
        let kind = self.c32(bytes | if signed { READ_SIGNED } else { 0 });
        let f = self.b.ins().iconst(self.ptr, self.helpers.read as i64);
        let call = self
            .b
            .ins()
            .call_indirect(self.sigs.read, f, &[self.cpu, self.bus, addr, kind]);
        let res = self.b.inst_results(call)[0];
        let fault =
            self.b
                .ins()
                .icmp_imm(IntCC::UnsignedGreaterThanOrEqual, res, READ_FAULT as i64);
        self.exit_if(fault, Pc::Const(pc), r, true);
        let v = self.b.ins().ireduce(I32, res);
        let a = self.attention_now();
        self.b.ins().jump(join, &[v.into(), a.into()]);

        self.b.switch_to_block(join);
        let p = self.b.block_params(join).to_vec();
        self.attention = Some(p[1]);
        p[0]
    }

    fn store(&mut self, addr: Value, bytes: u32, value: Value, pc: u32) {
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        // Devices, faults, code pages: off the hot path.
        self.b.set_cold_block(slow);
        let join = self.b.create_block();
        self.b.append_block_param(join, I8);
        let host = self.direct(self.tables.1, addr, bytes, fast, slow);

        self.b.switch_to_block(fast);
        let mem = MemFlags::trusted().with_endianness(Endianness::Little);
        match bytes {
            1 => self.b.ins().istore8(mem, value, host, 0),
            2 => self.b.ins().istore16(mem, value, host, 0),
            _ => self.b.ins().store(mem, value, host, 0),
        };
        let no = self.c8(false);
        self.b.ins().jump(join, &[no.into()]);

        self.b.switch_to_block(slow);
        let r = self.retired;
        self.store_cycles(r + 1);
        let size = self.c32(bytes);
        let f = self.b.ins().iconst(self.ptr, self.helpers.write as i64);
        let call = self.b.ins().call_indirect(
            self.sigs.write,
            f,
            &[self.cpu, self.bus, addr, size, value],
        );
        let fault = self.b.inst_results(call)[0];
        self.exit_if(fault, Pc::Const(pc), r, true);
        let a = self.attention_now();
        self.b.ins().jump(join, &[a.into()]);

        self.b.switch_to_block(join);
        self.attention = Some(self.b.block_params(join)[0]);
    }

    // ---- arithmetic ---------------------------------------------------------

    /// `AddWithCarry(x, y, carry)`: (result, carry out, overflow).
    fn add_with_carry(&mut self, x: Value, y: Value, carry: Carry) -> (Value, Value, Value) {
        let (res, c) = match carry {
            Carry::Zero => {
                let res = self.b.ins().iadd(x, y);
                let c = self.b.ins().icmp(IntCC::UnsignedLessThan, res, x);
                (res, c)
            }
            Carry::One => {
                let s = self.b.ins().iadd(x, y);
                let res = self.b.ins().iadd_imm(s, 1);
                // x + y + 1 wrapped exactly when the result is not above x.
                let c = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, res, x);
                (res, c)
            }
            Carry::Flag(cin) => {
                let wx = self.b.ins().uextend(I64, x);
                let wy = self.b.ins().uextend(I64, y);
                let wc = self.b.ins().uextend(I64, cin);
                let s = self.b.ins().iadd(wx, wy);
                let w = self.b.ins().iadd(s, wc);
                let res = self.b.ins().ireduce(I32, w);
                let hi = self.b.ins().ushr_imm(w, 32);
                let c = self.b.ins().ireduce(I8, hi);
                (res, c)
            }
        };
        let xr = self.b.ins().bxor(x, res);
        let yr = self.b.ins().bxor(y, res);
        let both = self.b.ins().band(xr, yr);
        let v = self.b.ins().icmp_imm(IntCC::SignedLessThan, both, 0);
        (res, c, v)
    }

    fn not8(&mut self, v: Value) -> Value {
        self.b.ins().bxor_imm(v, 1)
    }

    /// Bit `bit` of `v` as a flag value.
    fn bit(&mut self, v: Value, bit: u32) -> Value {
        let s = self.b.ins().ushr_imm(v, i64::from(bit));
        let b = self.b.ins().band_imm(s, 1);
        self.b.ins().ireduce(I8, b)
    }

    /// `Shift_C` with an immediate as encoded (`DecodeImmShift`): the value,
    /// and the carry out (`None`: the carry flag, unchanged).
    fn shift_imm(&mut self, v: Value, ty: u8, imm5: u8) -> (Value, Option<Value>) {
        let n = i64::from(imm5);
        match (ty, imm5) {
            (LSL, 0) => (v, None),
            (LSL, _) => {
                let r = self.b.ins().ishl_imm(v, n);
                let c = self.bit(v, 32 - u32::from(imm5));
                (r, Some(c))
            }
            (LSR, 0) => {
                let r = self.c32(0);
                let c = self.bit(v, 31);
                (r, Some(c))
            }
            (LSR, _) => {
                let r = self.b.ins().ushr_imm(v, n);
                let c = self.bit(v, u32::from(imm5) - 1);
                (r, Some(c))
            }
            (ASR, 0) => {
                let r = self.b.ins().sshr_imm(v, 31);
                let c = self.bit(v, 31);
                (r, Some(c))
            }
            (ASR, _) => {
                let r = self.b.ins().sshr_imm(v, n);
                let c = self.bit(v, u32::from(imm5) - 1);
                (r, Some(c))
            }
            (_, 0) => {
                // RRX
                let c_in = self.flag(C);
                let c32 = self.b.ins().uextend(I32, c_in);
                let top = self.b.ins().ishl_imm(c32, 31);
                let s = self.b.ins().ushr_imm(v, 1);
                let r = self.b.ins().bor(s, top);
                let c = self.bit(v, 0);
                (r, Some(c))
            }
            _ => {
                let r = self.b.ins().rotr_imm(v, n);
                let c = self.bit(r, 31);
                (r, Some(c))
            }
        }
    }

    /// `Shift_C` by a register amount (`amount` already masked to 8 bits),
    /// through the shared Rust implementation.
    fn shift_reg(&mut self, v: Value, ty: u8, amount: Value) -> (Value, Value) {
        let t = self.c32(u32::from(ty));
        let c_in = self.flag(C);
        let c32 = self.b.ins().uextend(I32, c_in);
        let f = self.b.ins().iconst(self.ptr, self.helpers.shift as i64);
        let call = self
            .b
            .ins()
            .call_indirect(self.sigs.pure4, f, &[v, t, amount, c32]);
        let res = self.b.inst_results(call)[0];
        let r = self.b.ins().ireduce(I32, res);
        let hi = self.b.ins().ushr_imm(res, 32);
        let c = self.b.ins().ireduce(I8, hi);
        (r, c)
    }

    /// `ConditionPassed` for `cond` < 14, as a flag value.
    fn cond(&mut self, cond: u8) -> Value {
        let (r, inverted) = self.cond_parts(cond);
        if inverted { self.not8(r) } else { r }
    }

    /// `ConditionPassed` as a flag value and whether to invert it (a branch
    /// swaps its targets instead).
    fn cond_parts(&mut self, cond: u8) -> (Value, bool) {
        let r = match cond >> 1 {
            0 => self.flag(Z),
            1 => self.flag(C),
            2 => self.flag(N),
            3 => self.flag(V),
            4 => {
                let c = self.flag(C);
                let z = self.flag(Z);
                self.b.ins().band_not(c, z)
            }
            5 => {
                let n = self.flag(N);
                let v = self.flag(V);
                self.b.ins().icmp(IntCC::Equal, n, v)
            }
            _ => {
                let n = self.flag(N);
                let v = self.flag(V);
                let z = self.flag(Z);
                let ge = self.b.ins().icmp(IntCC::Equal, n, v);
                self.b.ins().band_not(ge, z)
            }
        };
        (r, cond & 1 != 0)
    }

    /// A conditional branch: taken, it leaves the path (or goes round the
    /// loop); not taken, the block goes on (`last`: it ends here).
    /// `(taken, inverted)`: the condition, and whether it holds when
    /// `taken` is zero.
    fn branch_if(
        &mut self,
        (taken, inverted): (Value, bool),
        target: u32,
        next: u32,
        last: bool,
    ) -> Done {
        let r = self.retired + 1;
        let (if_set, if_clear) = if inverted {
            (next, target)
        } else {
            (target, next)
        };
        if last && !self.loops_to(target) {
            // One exit, to whichever address.
            let t = self.c32(if_set);
            let n = self.c32(if_clear);
            let pc = self.b.ins().select(taken, t, n);
            self.exit_to(Pc::Dyn(pc), r);
            return Done::Exited;
        }
        let (go, on) = if inverted {
            let (on, go) = self.fork(taken);
            (go, on)
        } else {
            self.fork(taken)
        };
        self.b.switch_to_block(go);
        self.go_to(target, r);
        self.b.switch_to_block(on);
        if last {
            self.exit_to(Pc::Const(next), r);
            return Done::Exited;
        }
        Done::Next
    }

    fn branch(&mut self, target: u32) -> Done {
        let r = self.retired + 1;
        self.go_to(target, r);
        Done::Exited
    }

    /// Whether a branch to `target` here goes back to the block's start, and
    /// so can loop in host code.
    fn loops_to(&mut self, target: u32) -> bool {
        let back = target == self.pc0 && self.it == 0;
        if back {
            self.summary.loops = true;
            self.summary.last_back_edge = self.index;
            self.summary.loop_written = self.summary.written;
            self.summary.loop_flags_written = self.summary.flags_written;
        }
        back && self.lp.is_some()
    }

    /// Ends the path at a branch to `target`, `retired` instructions in.
    fn go_to(&mut self, target: u32, retired: i64) {
        if self.loops_to(target) {
            self.back_edge(retired);
        } else {
            self.exit_to(Pc::Const(target), retired);
        }
    }

    /// Goes round the loop again if a whole pass still fits in the cycle
    /// limit; otherwise leaves at the block's start.
    fn back_edge(&mut self, retired: i64) {
        let lp = self.lp.expect("only loops have back edges");
        let base = self.b.ins().iadd_imm(self.base, retired);
        let end = self.b.ins().iadd_imm(base, self.len);
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, end, self.limit);
        let (again, out) = self.fork(fits);
        self.b.set_cold_block(out);
        self.b.switch_to_block(out);
        self.exit(Pc::Const(self.pc0), retired, false);
        self.b.switch_to_block(again);
        // What the loop head sees next time round. Registers not known since
        // the head keep their value, unless the interpreter ran (then the
        // core has them).
        for r in 0..15 {
            if self.regs[r].is_some() || self.core_truth {
                let v = self.peek_reg(r);
                self.b.def_var(lp.regs[r], v);
            }
        }
        for i in 0..4 {
            if self.flags[i].is_some() || self.core_truth {
                let v = self.peek_flag(i);
                self.b.def_var(lp.flags[i], v);
            }
        }
        self.b.def_var(lp.base, base);
        self.b.ins().jump(lp.head, &[]);
    }

    /// The T32 data-processing operations (`DP_r`/`DP_i`) once operand 2
    /// is known: its value and the shifter's carry out (`None`: the carry
    /// flag).
    fn data_processing(
        &mut self,
        op: u8,
        s: u8,
        rn: u8,
        rd: u8,
        (b, sc): (Value, Option<Value>),
        pc: u32,
    ) {
        let a = if rn == 15 && (op == 2 || op == 3) {
            self.c32(0)
        } else {
            self.reg(rn, pc)
        };
        let res = match op {
            0..=4 => {
                let r = match op {
                    0 => self.b.ins().band(a, b),
                    1 => self.b.ins().band_not(a, b),
                    2 => self.b.ins().bor(a, b),
                    3 => self.b.ins().bor_not(a, b),
                    _ => self.b.ins().bxor(a, b),
                };
                if s != 0 {
                    self.set_nz(r);
                    if let Some(c) = sc {
                        self.set_flag(C, c);
                    }
                }
                r
            }
            _ => {
                let (x, y, carry) = match op {
                    8 => (a, b, Carry::Zero),
                    10 => (a, b, Carry::Flag(self.flag(C))),
                    11 => (a, self.b.ins().bnot(b), Carry::Flag(self.flag(C))),
                    13 => (a, self.b.ins().bnot(b), Carry::One),
                    _ => (self.b.ins().bnot(a), b, Carry::One), // 14: RSB
                };
                let out = self.add_with_carry(x, y, carry);
                if s != 0 {
                    self.set_nzcv(out);
                }
                out.0
            }
        };
        if !(rd == 15 && s != 0 && matches!(op, 0 | 4 | 8 | 13)) {
            self.set_reg(rd, res);
        }
    }

    // ---- instructions ---------------------------------------------------------

    /// Translates the instruction `op` at `pc` (next instruction at `next`),
    /// outside an IT block as every block instruction is.
    fn instruction(&mut self, op: &Op, pc: u32, next: u32) -> Done {
        let pc4 = pc.wrapping_add(4);
        // Writes to SP (stack limit check) and PC (branch) are interpreted.
        let plain = |rd: u8| rd < 13;
        match *op {
            // -- t16: shifts, add, subtract, move, compare
            Op::LSL_i16 { imm, rm, rd }
            | Op::LSR_i16 { imm, rm, rd }
            | Op::ASR_i16 { imm, rm, rd } => {
                let ty = match op {
                    Op::LSL_i16 { .. } => LSL,
                    Op::LSR_i16 { .. } => LSR,
                    _ => ASR,
                };
                let v = self.reg(rm, pc);
                let (r, c) = self.shift_imm(v, ty, imm);
                if self.setflags16() {
                    self.set_nz(r);
                    if let Some(c) = c {
                        self.set_flag(C, c);
                    }
                }
                self.set_reg(rd, r);
            }
            Op::ADD_r16 { rm, rn, rd } | Op::SUB_r16 { rm, rn, rd } => {
                let a = self.reg(rn, pc);
                let b = self.reg(rm, pc);
                let out = if let Op::ADD_r16 { .. } = op {
                    self.add_with_carry(a, b, Carry::Zero)
                } else {
                    let nb = self.b.ins().bnot(b);
                    self.add_with_carry(a, nb, Carry::One)
                };
                if self.setflags16() {
                    self.set_nzcv(out);
                }
                self.set_reg(rd, out.0);
            }
            Op::ADD_i16 { imm, rn, rd } | Op::SUB_i16 { imm, rn, rd } => {
                let a = self.reg(rn, pc);
                let out = if let Op::ADD_i16 { .. } = op {
                    let b = self.c32(u32::from(imm));
                    self.add_with_carry(a, b, Carry::Zero)
                } else {
                    let b = self.c32(!u32::from(imm));
                    self.add_with_carry(a, b, Carry::One)
                };
                if self.setflags16() {
                    self.set_nzcv(out);
                }
                self.set_reg(rd, out.0);
            }
            Op::MOV_i16 { rd, imm } => {
                let r = self.c32(u32::from(imm));
                if self.setflags16() {
                    self.set_nz(r);
                }
                self.set_reg(rd, r);
            }
            Op::CMP_i16 { rn, imm } => {
                let a = self.reg(rn, pc);
                let b = self.c32(!u32::from(imm));
                let out = self.add_with_carry(a, b, Carry::One);
                self.set_nzcv(out);
            }

            // -- t16: data processing (register)
            Op::AND_r16 { rm, rd }
            | Op::EOR_r16 { rm, rd }
            | Op::ORR_r16 { rm, rd }
            | Op::BIC_r16 { rm, rd }
            | Op::MVN_r16 { rm, rd }
            | Op::TST_r16 { rm, rd } => {
                let a = self.reg(rd, pc);
                let b = self.reg(rm, pc);
                let r = match op {
                    Op::AND_r16 { .. } | Op::TST_r16 { .. } => self.b.ins().band(a, b),
                    Op::EOR_r16 { .. } => self.b.ins().bxor(a, b),
                    Op::ORR_r16 { .. } => self.b.ins().bor(a, b),
                    Op::BIC_r16 { .. } => self.b.ins().band_not(a, b),
                    _ => self.b.ins().bnot(b),
                };
                let tst = matches!(op, Op::TST_r16 { .. });
                if tst || self.setflags16() {
                    self.set_nz(r);
                }
                if !tst {
                    self.set_reg(rd, r);
                }
            }
            Op::LSL_r16 { rm, rd }
            | Op::LSR_r16 { rm, rd }
            | Op::ASR_r16 { rm, rd }
            | Op::ROR_r16 { rm, rd } => {
                let ty = match op {
                    Op::LSL_r16 { .. } => LSL,
                    Op::LSR_r16 { .. } => LSR,
                    Op::ASR_r16 { .. } => ASR,
                    _ => ROR,
                };
                let v = self.reg(rd, pc);
                let m = self.reg(rm, pc);
                let amount = self.b.ins().band_imm(m, 0xff);
                let (r, c) = self.shift_reg(v, ty, amount);
                if self.setflags16() {
                    self.set_nz(r);
                    self.set_flag(C, c);
                }
                self.set_reg(rd, r);
            }
            Op::ADC_r16 { rm, rd } | Op::SBC_r16 { rm, rd } => {
                let a = self.reg(rd, pc);
                let m = self.reg(rm, pc);
                let b = if let Op::ADC_r16 { .. } = op {
                    m
                } else {
                    self.b.ins().bnot(m)
                };
                let c = self.flag(C);
                let out = self.add_with_carry(a, b, Carry::Flag(c));
                if self.setflags16() {
                    self.set_nzcv(out);
                }
                self.set_reg(rd, out.0);
            }
            Op::RSB_i16 { rm, rd } => {
                let m = self.reg(rm, pc);
                let a = self.b.ins().bnot(m);
                let z = self.c32(0);
                let out = self.add_with_carry(a, z, Carry::One);
                if self.setflags16() {
                    self.set_nzcv(out);
                }
                self.set_reg(rd, out.0);
            }
            Op::CMP_r16 { rm, rd } | Op::CMN_r16 { rm, rd } => {
                let a = self.reg(rd, pc);
                let m = self.reg(rm, pc);
                let out = if let Op::CMP_r16 { .. } = op {
                    let b = self.b.ins().bnot(m);
                    self.add_with_carry(a, b, Carry::One)
                } else {
                    self.add_with_carry(a, m, Carry::Zero)
                };
                self.set_nzcv(out);
            }
            Op::MUL_r16 { rm, rd } => {
                let a = self.reg(rd, pc);
                let b = self.reg(rm, pc);
                let r = self.b.ins().imul(a, b);
                if self.setflags16() {
                    self.set_nz(r);
                }
                self.set_reg(rd, r);
            }

            // -- t16: special data (writes to SP or PC are interpreted)
            Op::ADD_hr16 { rm, rd } if plain(rd) => {
                let a = self.reg(rd, pc);
                let b = self.reg(rm, pc);
                let r = self.b.ins().iadd(a, b);
                self.set_reg(rd, r);
            }
            Op::CMP_hr16 { rm, rn } => {
                let a = self.reg(rn, pc);
                let m = self.reg(rm, pc);
                let b = self.b.ins().bnot(m);
                let out = self.add_with_carry(a, b, Carry::One);
                self.set_nzcv(out);
            }
            Op::MOV_hr16 { rm, rd } if plain(rd) => {
                let v = self.reg(rm, pc);
                self.set_reg(rd, v);
            }

            // -- t16: loads and stores
            Op::LDR_lit16 { rt, imm } => {
                let a = self.c32((pc4 & !3).wrapping_add(imm));
                let v = self.load(a, 4, false, pc);
                self.set_reg(rt, v);
                self.exit_on_attention(next);
            }
            Op::STR_r16 { rm, rn, rt }
            | Op::STRH_r16 { rm, rn, rt }
            | Op::STRB_r16 { rm, rn, rt } => {
                let bytes = match op {
                    Op::STR_r16 { .. } => 4,
                    Op::STRH_r16 { .. } => 2,
                    _ => 1,
                };
                let base = self.reg(rn, pc);
                let off = self.reg(rm, pc);
                let a = self.b.ins().iadd(base, off);
                let v = self.reg(rt, pc);
                self.store(a, bytes, v, pc);
                self.exit_on_attention(next);
            }
            Op::LDR_r16 { rm, rn, rt }
            | Op::LDRH_r16 { rm, rn, rt }
            | Op::LDRB_r16 { rm, rn, rt }
            | Op::LDRSB_r16 { rm, rn, rt }
            | Op::LDRSH_r16 { rm, rn, rt } => {
                let (bytes, signed) = match op {
                    Op::LDR_r16 { .. } => (4, false),
                    Op::LDRH_r16 { .. } => (2, false),
                    Op::LDRB_r16 { .. } => (1, false),
                    Op::LDRSB_r16 { .. } => (1, true),
                    _ => (2, true),
                };
                let base = self.reg(rn, pc);
                let off = self.reg(rm, pc);
                let a = self.b.ins().iadd(base, off);
                let v = self.load(a, bytes, signed, pc);
                self.set_reg(rt, v);
                self.exit_on_attention(next);
            }
            Op::STR_i16 { rn, rt, imm } | Op::STRH_i16 { rn, rt, imm } => {
                let bytes = if let Op::STR_i16 { .. } = op { 4 } else { 2 };
                let base = self.reg(rn, pc);
                let a = self.b.ins().iadd_imm(base, i64::from(imm));
                let v = self.reg(rt, pc);
                self.store(a, bytes, v, pc);
                self.exit_on_attention(next);
            }
            Op::STRB_i16 { imm, rn, rt } => {
                let base = self.reg(rn, pc);
                let a = self.b.ins().iadd_imm(base, i64::from(imm));
                let v = self.reg(rt, pc);
                self.store(a, 1, v, pc);
                self.exit_on_attention(next);
            }
            Op::LDR_i16 { rn, rt, imm } | Op::LDRH_i16 { rn, rt, imm } => {
                let bytes = if let Op::LDR_i16 { .. } = op { 4 } else { 2 };
                let base = self.reg(rn, pc);
                let a = self.b.ins().iadd_imm(base, i64::from(imm));
                let v = self.load(a, bytes, false, pc);
                self.set_reg(rt, v);
                self.exit_on_attention(next);
            }
            Op::LDRB_i16 { imm, rn, rt } => {
                let base = self.reg(rn, pc);
                let a = self.b.ins().iadd_imm(base, i64::from(imm));
                let v = self.load(a, 1, false, pc);
                self.set_reg(rt, v);
                self.exit_on_attention(next);
            }
            Op::ADR16 { rd, imm } => {
                let v = self.c32((pc4 & !3).wrapping_add(imm));
                self.set_reg(rd, v);
            }
            Op::ADD_sp16 { rd, imm } => {
                let sp = self.reg(13, pc);
                let v = self.b.ins().iadd_imm(sp, i64::from(imm));
                self.set_reg(rd, v);
            }

            // -- t16: miscellaneous
            Op::ADD_spi16 { imm } => {
                // No stack-limit check: SP only grows.
                let sp = self.reg(13, pc);
                let v = self.b.ins().iadd_imm(sp, i64::from(imm));
                self.set_reg(13, v);
            }
            Op::CBZ { nz, rn, imm } => {
                let v = self.reg(rn, pc);
                let zero = self.b.ins().icmp_imm(IntCC::Equal, v, 0);
                let taken = (zero, nz != 0);
                return self.branch_if(taken, pc4.wrapping_add(imm), next, self.last);
            }
            Op::SXTH_r16 { rm, rd }
            | Op::SXTB_r16 { rm, rd }
            | Op::UXTH_r16 { rm, rd }
            | Op::UXTB_r16 { rm, rd } => {
                let v = self.reg(rm, pc);
                let r = match op {
                    Op::SXTH_r16 { .. } => {
                        let s = self.b.ins().ishl_imm(v, 16);
                        self.b.ins().sshr_imm(s, 16)
                    }
                    Op::SXTB_r16 { .. } => {
                        let s = self.b.ins().ishl_imm(v, 24);
                        self.b.ins().sshr_imm(s, 24)
                    }
                    Op::UXTH_r16 { .. } => self.b.ins().band_imm(v, 0xffff),
                    _ => self.b.ins().band_imm(v, 0xff),
                };
                self.set_reg(rd, r);
            }
            Op::REV_r16 { rm, rd } => {
                let v = self.reg(rm, pc);
                let r = self.b.ins().bswap(v);
                self.set_reg(rd, r);
            }
            Op::REV16_r16 { rm, rd } => {
                let v = self.reg(rm, pc);
                let r = self.rev16(v);
                self.set_reg(rd, r);
            }
            Op::REVSH_r16 { rm, rd } => {
                let v = self.reg(rm, pc);
                let r = self.revsh(v);
                self.set_reg(rd, r);
            }
            Op::NOP16
            | Op::YIELD16
            | Op::HINT16
            | Op::NOP_w
            | Op::YIELD_w
            | Op::HINT_w
            | Op::DSB { .. }
            | Op::DMB { .. }
            | Op::ISB { .. } => {}
            Op::B_cond16 { cond, off } | Op::B_cond { cond, off } if cond < 14 => {
                let taken = self.cond_parts(cond);
                return self.branch_if(taken, pc4.wrapping_add(off), next, self.last);
            }
            Op::B16 { off } | Op::B_w { off } => return self.branch(pc4.wrapping_add(off)),
            Op::BL { off } => {
                let lr = self.c32(pc4 | 1);
                self.set_reg(14, lr);
                return self.branch(pc4.wrapping_add(off));
            }

            // -- t32: data processing
            Op::DP_r {
                op,
                s,
                rn,
                rd,
                ty,
                rm,
                imm,
            } if op != 6 && dp_translated(op, s, rd) => {
                let v = self.reg(rm, pc);
                let (b, sc) = self.shift_imm(v, ty, imm);
                self.data_processing(op, s, rn, rd, (b, sc), pc);
            }
            Op::DP_i {
                op,
                s,
                rn,
                rd,
                imm,
                rot,
            } if dp_translated(op, s, rd) => {
                let b = self.c32(imm);
                let sc = if rot != 0 {
                    Some(self.c8(imm >> 31 != 0))
                } else {
                    None
                };
                self.data_processing(op, s, rn, rd, (b, sc), pc);
            }
            Op::ADDW { rn, rd, imm } | Op::SUBW { rn, rd, imm } if plain(rd) => {
                let base = if rn == 15 {
                    self.c32(pc4 & !3)
                } else {
                    self.reg(rn, pc)
                };
                let k = if let Op::ADDW { .. } = op {
                    imm
                } else {
                    imm.wrapping_neg()
                };
                let r = self.b.ins().iadd_imm(base, i64::from(k as i32));
                self.set_reg(rd, r);
            }
            Op::MOVW { rd, imm } if plain(rd) => {
                let r = self.c32(imm);
                self.set_reg(rd, r);
            }
            Op::MOVT { rd, imm } if plain(rd) => {
                let v = self.reg(rd, pc);
                let lo = self.b.ins().band_imm(v, 0xffff);
                let r = self.b.ins().bor_imm(lo, i64::from((imm << 16) as i32));
                self.set_reg(rd, r);
            }
            Op::SBFX { rn, rd, wm1, lsb } | Op::UBFX { rn, rd, wm1, lsb }
                if plain(rd) && u32::from(lsb) + u32::from(wm1) < 32 =>
            {
                let width = i64::from(wm1) + 1;
                let v = self.reg(rn, pc);
                let r = if let Op::SBFX { .. } = op {
                    // Field to the top, then arithmetic shift down.
                    let up = self.b.ins().ishl_imm(v, 32 - i64::from(lsb) - width);
                    self.b.ins().sshr_imm(up, 32 - width)
                } else {
                    let s = self.b.ins().ushr_imm(v, i64::from(lsb));
                    if width == 32 {
                        s
                    } else {
                        self.b.ins().band_imm(s, (1i64 << width) - 1)
                    }
                };
                self.set_reg(rd, r);
            }
            Op::BFI { rn, rd, msb, lsb } if plain(rd) && msb >= lsb => {
                let width = u32::from(msb - lsb) + 1;
                let field = if width == 32 {
                    u32::MAX
                } else {
                    (1u32 << width) - 1
                };
                let mask = field << lsb;
                let d = self.reg(rd, pc);
                let kept = self.b.ins().band_imm(d, i64::from(!mask as i32));
                let r = if rn == 15 {
                    kept
                } else {
                    let src = self.reg(rn, pc);
                    let s = self.b.ins().ishl_imm(src, i64::from(lsb));
                    let ins = self.b.ins().band_imm(s, i64::from(mask as i32));
                    self.b.ins().bor(kept, ins)
                };
                self.set_reg(rd, r);
            }

            // -- t32: load/store single
            Op::LDR_lit { s, u, sz, rt, imm } if plain(rt) && single_ok(s, sz, 1) => {
                let base = pc4 & !3;
                let a = if u != 0 {
                    base.wrapping_add(imm)
                } else {
                    base.wrapping_sub(imm)
                };
                let a = self.c32(a);
                let v = self.load(a, 1 << sz, s != 0, pc);
                self.set_reg(rt, v);
                self.exit_on_attention(next);
            }
            Op::LDST_i12 {
                s,
                sz,
                l,
                rn,
                rt,
                imm,
            } if rn != 15 && plain(rt) && single_ok(s, sz, l) => {
                let base = self.reg(rn, pc);
                let a = self.b.ins().iadd_imm(base, i64::from(imm));
                self.single(l, s, sz, a, rt, pc);
                self.exit_on_attention(next);
            }
            Op::LDST_i8 {
                s,
                sz,
                l,
                rn,
                rt,
                p,
                u,
                w,
                imm,
            } if rn != 15
                && !(p == 0 && w == 0)
                && !(rn == 13 && w != 0)
                && plain(rt)
                && single_ok(s, sz, l) =>
            {
                let base = self.reg(rn, pc);
                let k = if u != 0 {
                    i64::from(imm)
                } else {
                    -i64::from(imm)
                };
                let oa = self.b.ins().iadd_imm(base, k);
                let a = if p != 0 { oa } else { base };
                self.single(l, s, sz, a, rt, pc);
                // Written back after the access succeeded; a loaded Rn wins.
                if w != 0 && !(l != 0 && rt == rn) {
                    self.set_reg(rn, oa);
                }
                self.exit_on_attention(next);
            }
            Op::LDST_r {
                s,
                sz,
                l,
                rn,
                rt,
                sh,
                rm,
            } if rn != 15 && plain(rt) && single_ok(s, sz, l) => {
                let base = self.reg(rn, pc);
                let m = self.reg(rm, pc);
                let off = self.b.ins().ishl_imm(m, i64::from(sh));
                let a = self.b.ins().iadd(base, off);
                self.single(l, s, sz, a, rt, pc);
                self.exit_on_attention(next);
            }

            // -- t32: data processing (register)
            Op::SHIFT_r { ty, s, rn, rd, rm } if plain(rd) => {
                let v = self.reg(rn, pc);
                let m = self.reg(rm, pc);
                let amount = self.b.ins().band_imm(m, 0xff);
                let (r, c) = self.shift_reg(v, ty, amount);
                if s != 0 {
                    self.set_nz(r);
                    self.set_flag(C, c);
                }
                self.set_reg(rd, r);
            }
            Op::EXTEND {
                op: xop,
                rn,
                rd,
                rot,
                rm,
            } if plain(rd) && matches!(xop, 0 | 1 | 4 | 5) => {
                let m = self.reg(rm, pc);
                let v = if rot != 0 {
                    self.b.ins().rotr_imm(m, 8 * i64::from(rot))
                } else {
                    m
                };
                let x = match xop {
                    0 => {
                        let s = self.b.ins().ishl_imm(v, 16);
                        self.b.ins().sshr_imm(s, 16)
                    }
                    1 => self.b.ins().band_imm(v, 0xffff),
                    4 => {
                        let s = self.b.ins().ishl_imm(v, 24);
                        self.b.ins().sshr_imm(s, 24)
                    }
                    _ => self.b.ins().band_imm(v, 0xff),
                };
                let r = if rn == 15 {
                    x
                } else {
                    let a = self.reg(rn, pc);
                    self.b.ins().iadd(a, x)
                };
                self.set_reg(rd, r);
            }
            Op::REV_w { rd, rm, .. } if plain(rd) => {
                let v = self.reg(rm, pc);
                let r = self.b.ins().bswap(v);
                self.set_reg(rd, r);
            }
            Op::REV16_w { rd, rm, .. } if plain(rd) => {
                let v = self.reg(rm, pc);
                let r = self.rev16(v);
                self.set_reg(rd, r);
            }
            Op::REVSH_w { rd, rm, .. } if plain(rd) => {
                let v = self.reg(rm, pc);
                let r = self.revsh(v);
                self.set_reg(rd, r);
            }
            Op::RBIT { rd, rm, .. } if plain(rd) => {
                let v = self.reg(rm, pc);
                let r = self.b.ins().bitrev(v);
                self.set_reg(rd, r);
            }
            Op::CLZ { rd, rm, .. } if plain(rd) => {
                let v = self.reg(rm, pc);
                let r = self.b.ins().clz(v);
                self.set_reg(rd, r);
            }

            // -- t32: multiply
            Op::MLA { rn, ra, rd, rm } if plain(rd) => {
                let a = self.reg(rn, pc);
                let b = self.reg(rm, pc);
                let p = self.b.ins().imul(a, b);
                let r = if ra == 15 {
                    p
                } else {
                    let acc = self.reg(ra, pc);
                    self.b.ins().iadd(p, acc)
                };
                self.set_reg(rd, r);
            }
            Op::MLS { rn, ra, rd, rm } if plain(rd) => {
                let a = self.reg(rn, pc);
                let b = self.reg(rm, pc);
                let p = self.b.ins().imul(a, b);
                let acc = self.reg(ra, pc);
                let r = self.b.ins().isub(acc, p);
                self.set_reg(rd, r);
            }
            Op::SMULL { rn, rdlo, rdhi, rm }
            | Op::UMULL { rn, rdlo, rdhi, rm }
            | Op::SMLAL { rn, rdlo, rdhi, rm }
            | Op::UMLAL { rn, rdlo, rdhi, rm }
                if plain(rdlo) && plain(rdhi) =>
            {
                let a = self.reg(rn, pc);
                let b = self.reg(rm, pc);
                let signed = matches!(op, Op::SMULL { .. } | Op::SMLAL { .. });
                let (wa, wb) = if signed {
                    (self.b.ins().sextend(I64, a), self.b.ins().sextend(I64, b))
                } else {
                    (self.b.ins().uextend(I64, a), self.b.ins().uextend(I64, b))
                };
                let mut p = self.b.ins().imul(wa, wb);
                if matches!(op, Op::SMLAL { .. } | Op::UMLAL { .. }) {
                    let lo = self.reg(rdlo, pc);
                    let hi = self.reg(rdhi, pc);
                    let lo = self.b.ins().uextend(I64, lo);
                    let hi = self.b.ins().uextend(I64, hi);
                    let hi = self.b.ins().ishl_imm(hi, 32);
                    let acc = self.b.ins().bor(hi, lo);
                    p = self.b.ins().iadd(p, acc);
                }
                let lo = self.b.ins().ireduce(I32, p);
                let top = self.b.ins().ushr_imm(p, 32);
                let hi = self.b.ins().ireduce(I32, top);
                self.set_reg(rdlo, lo);
                self.set_reg(rdhi, hi);
            }

            Op::SMLAxy {
                rn,
                ra,
                rd,
                n,
                m,
                rm,
            } if plain(rd) => {
                let a = self.reg(rn, pc);
                let a = self.half(a, n);
                let b = self.reg(rm, pc);
                let b = self.half(b, m);
                let p = self.b.ins().imul(a, b);
                let r = if ra == 15 {
                    p
                } else {
                    let acc = self.reg(ra, pc);
                    let (r, overflow) = self.b.ins().sadd_overflow(p, acc);
                    self.set_q_if(overflow);
                    r
                };
                self.set_reg(rd, r);
            }

            _ => return Done::Interpret,
        }
        Done::Next
    }

    /// The signed bottom (`top` = 0) or top halfword of `v`.
    fn half(&mut self, v: Value, top: u8) -> Value {
        if top != 0 {
            self.b.ins().sshr_imm(v, 16)
        } else {
            let up = self.b.ins().ishl_imm(v, 16);
            self.b.ins().sshr_imm(up, 16)
        }
    }

    /// Sets the sticky Q flag if `saturated` (kept in the core, not cached:
    /// only the interpreter reads it).
    fn set_q_if(&mut self, saturated: Value) {
        // Rare: a store only when it saturates.
        let set = self.b.create_block();
        let on = self.b.create_block();
        self.b.set_cold_block(set);
        self.b.ins().brif(saturated, set, &[], on, &[]);
        self.b.seal_block(set);
        self.b.switch_to_block(set);
        let one = self.c8(true);
        let off = offset_of!(Cpu, q) as i32;
        self.b.ins().store(MemFlags::trusted(), one, self.cpu, off);
        self.b.ins().jump(on, &[]);
        self.b.seal_block(on);
        self.b.switch_to_block(on);
    }

    /// A T32 single load or store (`ldst_single`), after the checks that
    /// leave only plain registers and valid sizes.
    fn single(&mut self, l: u8, s: u8, sz: u8, addr: Value, rt: u8, pc: u32) {
        let bytes = 1 << sz;
        if l == 0 {
            let v = self.reg(rt, pc);
            self.store(addr, bytes, v, pc);
        } else {
            let v = self.load(addr, bytes, s != 0, pc);
            self.set_reg(rt, v);
        }
    }

    fn rev16(&mut self, v: Value) -> Value {
        let lo = self.b.ins().band_imm(v, 0x00ff_00ff);
        let up = self.b.ins().ishl_imm(lo, 8);
        let s = self.b.ins().ushr_imm(v, 8);
        let down = self.b.ins().band_imm(s, 0x00ff_00ff);
        self.b.ins().bor(up, down)
    }

    fn revsh(&mut self, v: Value) -> Value {
        // Low byte to the top, sign-extended down; the second byte below it.
        let top = self.b.ins().ishl_imm(v, 24);
        let hi = self.b.ins().sshr_imm(top, 16);
        let s = self.b.ins().ushr_imm(v, 8);
        let lo = self.b.ins().band_imm(s, 0xff);
        self.b.ins().bor(hi, lo)
    }
}

/// ITSTATE after an instruction that ran with `it` (`ITAdvance`).
fn it_after(it: u8) -> u8 {
    if it & 7 == 0 {
        0
    } else {
        (it & 0xe0) | ((it << 1) & 0x1f)
    }
}

/// The loads and stores [`Tx::instruction`] may translate.
fn is_access(op: &Op) -> bool {
    matches!(
        op,
        Op::LDR_lit16 { .. }
            | Op::STR_r16 { .. }
            | Op::STRH_r16 { .. }
            | Op::STRB_r16 { .. }
            | Op::LDR_r16 { .. }
            | Op::LDRH_r16 { .. }
            | Op::LDRB_r16 { .. }
            | Op::LDRSB_r16 { .. }
            | Op::LDRSH_r16 { .. }
            | Op::STR_i16 { .. }
            | Op::STRH_i16 { .. }
            | Op::STRB_i16 { .. }
            | Op::LDR_i16 { .. }
            | Op::LDRH_i16 { .. }
            | Op::LDRB_i16 { .. }
            | Op::LDR_lit { .. }
            | Op::LDST_i12 { .. }
            | Op::LDST_i8 { .. }
            | Op::LDST_r { .. }
    )
}

/// Whether [`Tx::instruction`] translates the access `op` (the same guards
/// as its match arms): inside an IT block the branch around it is emitted
/// before the access, so this must be known first.
pub(super) fn access_translated(op: &Op) -> bool {
    let plain = |r: u8| r < 13;
    match *op {
        Op::LDR_lit { s, sz, rt, .. } => plain(rt) && single_ok(s, sz, 1),
        Op::LDST_i12 {
            s, sz, l, rn, rt, ..
        }
        | Op::LDST_r {
            s, sz, l, rn, rt, ..
        } => rn != 15 && plain(rt) && single_ok(s, sz, l),
        Op::LDST_i8 {
            s,
            sz,
            l,
            rn,
            rt,
            p,
            w,
            ..
        } => {
            rn != 15
                && !(p == 0 && w == 0)
                && !(rn == 13 && w != 0)
                && plain(rt)
                && single_ok(s, sz, l)
        }
        // The 16-bit forms name only R0..R7.
        _ => is_access(op),
    }
}

/// The branches [`Tx::instruction`] translates (inside an IT block only
/// [`Tx::conditional`]'s own forms are).
fn branches(op: &Op) -> bool {
    matches!(
        op,
        Op::CBZ { .. }
            | Op::B_cond16 { .. }
            | Op::B_cond { .. }
            | Op::B16 { .. }
            | Op::B_w { .. }
            | Op::BL { .. }
    )
}

/// Whether `DP_r`/`DP_i` with this `op`, `s` and `rd` is translated: the
/// defined operations, writing a plain register or (compare forms) nothing.
fn dp_translated(op: u8, s: u8, rd: u8) -> bool {
    let defined = matches!(op, 0..=4 | 8 | 10 | 11 | 13 | 14);
    let compare = rd == 15 && s != 0 && matches!(op, 0 | 4 | 8 | 13);
    defined && (rd < 13 || compare)
}

/// Whether a T32 single load/store of this kind is defined (`ldst_single`).
fn single_ok(s: u8, sz: u8, l: u8) -> bool {
    !(sz == 3 || (s != 0 && (l == 0 || sz == 2)))
}
