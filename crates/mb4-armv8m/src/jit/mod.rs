//! The block translator: a block the interpreter has run often enough
//! ([`Config::jit_threshold`](crate::Config::jit_threshold) times) is turned
//! into host code with Cranelift, which then runs it with the same outcome,
//! cycle for cycle, as the interpreter.
//!
//! How a translated block keeps the interpreter's semantics:
//!
//! * Registers and flags live in host values while the block runs and are
//!   written back to the [`Cpu`] at every exit; instructions that are
//!   translated take exactly one cycle, so the block is entered only when it
//!   cannot cross the cycle limit (see [`translate`]).
//! * Loads and stores call back into the core ([`helpers`]): the same
//!   alignment, PPB, bus and code-coherence path as interpreted ones. A
//!   faulting access leaves the block *before* its instruction, which the run
//!   loop then executes interpreted, taking the fault exactly as it would.
//! * Anything not translated (multi-register transfers, system instructions,
//!   floating point, divides, writes to SP or PC, ...) runs through the
//!   interpreter from inside the block, one call per instruction.
//! * A store that empties a slot holding code flushes the block table (see
//!   [`crate::block`]); the host code of the old generation stays mapped until
//!   the next translation, which is never made while host code runs.
//!
//! The translation depends only on the guest's instructions and on how often
//! blocks ran, so runs stay deterministic.

mod direct;
mod helpers;
mod translate;

pub(crate) use direct::DirectPages;

use crate::block::{HeadTable, HostCode};
use crate::bus::Bus;
use crate::cache::Slot;
use crate::cpu::Cpu;
use cranelift_codegen::ir::{AbiParam, InstBuilder, types};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, ir};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;

/// Host code for one generation of the block table, and the decoded
/// instructions it hands to the interpreter (their addresses are baked in).
struct Generation {
    module: Option<JITModule>,
    blocks_generation: u64,
    /// Each translated block's instructions, which its code hands to the
    /// interpreter by address (boxed: they never move).
    kept: Vec<Box<[Slot]>>,
}

impl Drop for Generation {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: nothing references this generation's code any more: the
            // block table moved on, and no host code is running (generations
            // are dropped only from the run loop or with the core).
            unsafe { m.free_memory() };
        }
    }
}

/// How Rust enters translated code: calls the block at `code` (which uses
/// the `tail` convention) with the core, the bus and the cycle limit.
pub(crate) type Enter = unsafe extern "C" fn(cpu: *mut Cpu, bus: *mut u8, limit: u64, code: usize);

/// The translator and the code it made.
pub(crate) struct Engine {
    isa: OwnedTargetIsa,
    /// Holds [`Engine::enter`]'s code for the engine's lifetime.
    _trampoline: Generation,
    enter: Enter,
    current: Option<Generation>,
    ctx: Context,
    fctx: FunctionBuilderContext,
    /// The bus type the current code calls back into (an address of one of
    /// its monomorphised helpers): code made for one bus type must never run
    /// with another.
    bus_type: usize,
    /// Blocks translated so far.
    pub translated: u64,
    /// With `MB4_PERF_MAP` set: `/tmp/perf-PID.map`, so that `perf report`
    /// names translated blocks by their guest address.
    perf_map: Option<std::fs::File>,
    /// With `MB4_JIT_DISASM` set: each block's host code on stderr.
    disasm: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("translated", &self.translated)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// A translator for this host, or `None` where Cranelift has no backend.
    pub fn for_host() -> Option<Engine> {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").ok()?;
        flags.set("enable_verifier", "false").ok()?;
        // As cranelift-jit itself requires: code and helpers may be far apart.
        flags.set("use_colocated_libcalls", "false").ok()?;
        flags.set("is_pic", "false").ok()?;
        // Cranelift's x86-64 tail calls (block to block) need frame pointers.
        flags.set("preserve_frame_pointers", "true").ok()?;
        let isa = cranelift_native::builder()
            .ok()?
            .finish(settings::Flags::new(flags))
            .ok()?;
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let mut trampoline = Generation::new(isa.clone(), u64::MAX);
        let enter = trampoline.make_enter(&mut ctx, &mut fctx)?;
        Some(Engine {
            isa,
            _trampoline: trampoline,
            enter,
            current: None,
            ctx,
            fctx,
            bus_type: 0,
            translated: 0,
            perf_map: std::env::var_os("MB4_PERF_MAP").and_then(|_| {
                std::fs::File::create(format!("/tmp/perf-{}.map", std::process::id())).ok()
            }),
            disasm: std::env::var_os("MB4_JIT_DISASM").is_some(),
        })
    }

    /// The function that enters translated code from Rust.
    pub fn enter(&self) -> Enter {
        self.enter
    }

    /// Whether code made so far calls a bus of type `B`; if it was made for
    /// another, the caller must flush the block table before running any.
    pub fn serves<B: Bus>(&mut self) -> bool {
        let id = helpers::bus_type::<B>();
        if self.bus_type == id {
            return true;
        }
        let first = self.bus_type == 0;
        self.bus_type = id;
        first
    }

    /// Translates the block of `slots` starting at `pc`; `None` if Cranelift
    /// refused it (the block then stays interpreted).
    pub fn translate<B: Bus>(
        &mut self,
        slots: &[Slot],
        pc: u32,
        blocks_generation: u64,
        direct: &DirectPages,
        heads: HeadTable,
    ) -> Option<HostCode> {
        if self
            .current
            .as_ref()
            .is_some_and(|g| g.blocks_generation != blocks_generation)
        {
            // Safe point: called from the run loop, never from host code.
            self.current = None;
        }
        let isa = self.isa.clone();
        let generation = self
            .current
            .get_or_insert_with(|| Generation::new(isa, blocks_generation));
        let module = generation.module.as_mut()?;
        let ptr = module.target_config().pointer_type();
        let sig = block_signature(ptr);
        let id = module.declare_anonymous_function(&sig).ok()?;
        let env = translate::Env {
            ptr,
            call_conv: module.isa().default_call_conv(),
            helpers: helpers::Addrs::for_bus::<B>(),
            tables: direct.tables(),
            heads,
        };
        let kept: Box<[Slot]> = slots.into();
        let mut build = |looping: Option<translate::Summary>| {
            self.ctx.func =
                ir::Function::with_name_signature(ir::UserFuncName::default(), sig.clone());
            let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fctx);
            let summary = translate::block(&mut b, &env, &kept, pc, looping);
            b.seal_all_blocks();
            b.finalize();
            summary
        };
        let mut summary = build(None);
        if summary.loops && !summary.failed {
            // Again, now knowing what the loop must carry round (cheap next
            // to compiling).
            summary = build(Some(summary));
        }
        if summary.failed {
            self.ctx.clear();
            return None;
        }
        generation.kept.push(kept);
        self.ctx.set_disasm(self.disasm);
        let defined = module.define_function(id, &mut self.ctx);
        let size = self.ctx.compiled_code().map(|c| c.code_info().total_size);
        if let Some(text) = self.ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
            eprintln!(
                "mb4 jit: block {pc:#010x}, {} instructions:\n{text}",
                slots.len()
            );
        }
        module.clear_context(&mut self.ctx);
        defined.ok()?;
        module.finalize_definitions().ok()?;
        let code = module.get_finalized_function(id);
        self.translated += 1;
        if let (Some(map), Some(size)) = (&mut self.perf_map, size) {
            use std::io::Write;
            // Best effort: a profiling aid, nothing depends on it.
            let _ = writeln!(map, "{:x} {size:x} mb4 block {pc:#010x}", code as usize);
        }
        std::num::NonZeroUsize::new(code as usize).map(HostCode)
    }
}

/// A block's signature: (core, bus, cycle limit), `tail` convention.
fn block_signature(ptr: ir::Type) -> ir::Signature {
    let mut sig = ir::Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(ptr)); // cpu
    sig.params.push(AbiParam::new(ptr)); // bus
    sig.params.push(AbiParam::new(types::I64)); // cycle limit
    sig
}

impl Generation {
    fn new(isa: OwnedTargetIsa, blocks_generation: u64) -> Generation {
        Generation {
            module: Some(JITModule::new(JITBuilder::with_isa(
                isa,
                cranelift_module::default_libcall_names(),
            ))),
            blocks_generation,
            kept: Vec::new(),
        }
    }

    /// Makes the trampoline: a C-convention function that calls its fourth
    /// argument as a block.
    fn make_enter(
        &mut self,
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
    ) -> Option<Enter> {
        let module = self.module.as_mut()?;
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        for t in [ptr, ptr, types::I64, ptr] {
            sig.params.push(AbiParam::new(t));
        }
        let id = module.declare_anonymous_function(&sig).ok()?;
        ctx.func = ir::Function::with_name_signature(ir::UserFuncName::default(), sig);
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let p = b.block_params(entry).to_vec();
            let block = b.import_signature(block_signature(ptr));
            b.ins().call_indirect(block, p[3], &[p[0], p[1], p[2]]);
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize();
        }
        let defined = module.define_function(id, ctx);
        module.clear_context(ctx);
        defined.ok()?;
        module.finalize_definitions().ok()?;
        let code = module.get_finalized_function(id);
        // SAFETY: built above with exactly this signature, C convention.
        Some(unsafe { std::mem::transmute::<*const u8, Enter>(code) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Blocks;
    use crate::bus::{BusError, Size};
    use crate::decode::{Op, decode, is_32bit};

    /// A bus no code runs on: translation only needs its type.
    struct NoBus;

    impl Bus for NoBus {
        fn read(&mut self, addr: u32, _: Size) -> Result<u32, BusError> {
            Err(BusError { addr })
        }
        fn write(&mut self, addr: u32, _: Size, _: u32) -> Result<(), BusError> {
            Err(BusError { addr })
        }
    }

    /// Inside an IT block the translator emits the branch around an access
    /// before translating it, trusting `access_translated`; if that ever
    /// claimed an access `Tx::instruction` then refused, the block would
    /// stay interpreted (and a debug build panics). Tries every 16-bit
    /// encoding and a spread of 32-bit ones.
    #[test]
    fn every_access_claimed_translatable_inside_it_blocks_is_translated() {
        let Some(mut engine) = Engine::for_host() else {
            return; // no Cranelift backend for this host: nothing to check
        };
        let direct = DirectPages::new();
        let heads = Blocks::new().head_table();
        let it = Slot {
            op: Op::IT {
                cond: 0, // EQ
                mask: 8, // one instruction
            },
            len: 2,
        };
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u16
        };
        // One translation per shape: what the guards look at (operation,
        // flags, whether a register is R0-R12, SP, LR or PC), not the
        // immediates or which low register.
        let shape = |op: &Op| {
            let text = format!("{op:?}");
            let fields = text.split([' ', ',', '{', '}']).filter(|f| !f.is_empty());
            let mut key = Vec::new();
            let mut name = "";
            for f in fields {
                if let Some(n) = f.strip_suffix(':') {
                    name = n;
                    continue;
                }
                match (name, f.parse::<u32>()) {
                    ("imm", _) => {}
                    (_, Ok(r)) if name.starts_with('r') && r < 13 => key.push(format!("{name}=lo")),
                    _ => key.push(format!("{name}={f}")),
                }
            }
            key.join(" ")
        };
        let mut shapes = std::collections::HashSet::new();
        let mut checked = 0;
        for hw1 in 0..=u16::MAX {
            let tries = if is_32bit(hw1) { 8 } else { 1 };
            for _ in 0..tries {
                let d = decode(hw1, next());
                let Some(op) = d.op else { continue };
                if !translate::access_translated(&op) || !shapes.insert(shape(&op)) {
                    continue;
                }
                let slots = [it, Slot { op, len: d.len }];
                let code = engine.translate::<NoBus>(&slots, 0x1000, 0, &direct, heads);
                assert!(code.is_some(), "{op:?} inside an IT block");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} shapes of access tried");
        eprintln!("{checked} shapes of access translated inside an IT block");
    }
}
