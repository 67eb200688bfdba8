//! Blocks: straight-line runs of decoded instructions, found by their first
//! address, so the run loop executes one instruction after another without
//! looking each up (MPU check, page lookup, slot test) again.
//!
//! A block is a copy of slots of the [`CodeCache`](crate::cache::CodeCache):
//! it is built only from cached slots, and whenever a store empties a slot
//! that held an instruction the cache forgets every block (see
//! [`Blocks::flush`]). Code that changes is rare (loaders, flash drivers
//! copying routines to RAM); data written next to code empties no slot and
//! costs nothing.
//!
//! Storage: one arena of slots and a direct-mapped table of block heads. A
//! head that collides replaces the old one; the old block's slots stay in the
//! arena until it fills up and everything is flushed. Nothing here depends on
//! anything but the guest's instruction stream, so runs stay deterministic.

use crate::cache::Slot;

/// A block translated to host code (see [`crate::jit`]): the address of a
/// function that runs the block from its first instruction (and the blocks
/// it goes to), never past a cycle limit, and leaves the core exactly as the
/// interpreter would. It uses Cranelift's `tail` calling convention, so Rust
/// enters it through the engine's trampoline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostCode(pub std::num::NonZeroUsize);

/// Most instructions in one block: bounds the work of building one that is
/// left early (a taken conditional branch, a fault).
pub const MAX_LEN: usize = 32;
const TABLE_BITS: u32 = 14;
/// Arena size at which everything is flushed (16 bytes a slot: 16 MiB).
const ARENA_LIMIT: usize = 1 << 20;

/// A block's entry in the table. `repr(C)`: translated code reads heads
/// directly to go from block to block (see [`HeadTable`]).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Head {
    pc: u32,
    start: u32,
    /// Instructions in the block; 0: empty.
    len: u32,
    /// Times the block was entered interpreted (counts up to the
    /// translation threshold).
    runs: u32,
    /// The block's host code, once translated.
    code: Option<HostCode>,
}

const NO_HEAD: Head = Head {
    pc: 0,
    start: 0,
    len: 0,
    runs: 0,
    code: None,
};

/// Where translated code finds a block's head: the head of the block at
/// `pc` is at `base + ((pc >> 1) & mask) * size`; its `pc`, `len` (u32) and
/// `code` (a pointer, 0 if none) are at the given offsets.
#[derive(Debug, Clone, Copy)]
pub struct HeadTable {
    pub base: usize,
    pub mask: u32,
    pub size: usize,
    pub pc: usize,
    pub len: usize,
    pub code: usize,
}

/// A block found by [`Blocks::find`]: its slots in the arena and its entry in
/// the table of heads.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub head: usize,
}

#[derive(Debug)]
pub struct Blocks {
    heads: Box<[Head]>,
    arena: Vec<Slot>,
    /// Counts flushes: a block run with the arena lent out (see
    /// [`Blocks::lend`]) learns whether its slots are still current.
    generation: u64,
}

impl Blocks {
    pub fn new() -> Blocks {
        Blocks {
            heads: vec![NO_HEAD; 1 << TABLE_BITS].into_boxed_slice(),
            arena: Vec::new(),
            generation: 0,
        }
    }

    #[inline(always)]
    fn index(pc: u32) -> usize {
        ((pc >> 1) as usize) & ((1 << TABLE_BITS) - 1)
    }

    /// The block starting at `pc`.
    #[inline(always)]
    pub fn find(&self, pc: u32) -> Option<Found> {
        let head = Self::index(pc);
        let h = &self.heads[head];
        if h.len != 0 && h.pc == pc {
            Some(Found {
                start: h.start as usize,
                end: (h.start + h.len) as usize,
                head,
            })
        } else {
            None
        }
    }

    /// The table's layout for translated code; the table never moves.
    pub fn head_table(&self) -> HeadTable {
        HeadTable {
            base: self.heads.as_ptr() as usize,
            mask: (1 << TABLE_BITS) - 1,
            size: std::mem::size_of::<Head>(),
            pc: std::mem::offset_of!(Head, pc),
            len: std::mem::offset_of!(Head, len),
            code: std::mem::offset_of!(Head, code),
        }
    }

    /// The host code of the block at `head`, if translated.
    #[inline(always)]
    pub fn code(&self, head: usize) -> Option<HostCode> {
        self.heads[head].code
    }

    /// Counts one interpreted run of the block at `head`; returns the count.
    #[inline(always)]
    pub fn count_run(&mut self, head: usize) -> u32 {
        let h = &mut self.heads[head];
        h.runs = h.runs.saturating_add(1);
        h.runs
    }

    /// Starts counting the runs of the block at `head` again (its translation
    /// failed).
    pub fn reset_runs(&mut self, head: usize) {
        self.heads[head].runs = 0;
    }

    /// Attaches host code to the block at `head`.
    pub fn set_code(&mut self, head: usize, code: HostCode) {
        self.heads[head].code = Some(code);
    }

    /// Flushes so far: host code made before the current generation is
    /// unreachable from the table.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Lends the arena out, so the run loop can read slots in place while it
    /// executes them with the core borrowed mutably. Give it back with
    /// [`Blocks::give_back`] and the generation `lend` returned.
    #[inline(always)]
    pub fn lend(&mut self) -> (Vec<Slot>, u64) {
        (std::mem::take(&mut self.arena), self.generation)
    }

    /// Takes the lent arena back; if a flush happened meanwhile, its slots are stale
    /// and it is emptied (keeping its allocation).
    #[inline(always)]
    pub fn give_back(&mut self, mut arena: Vec<Slot>, generation: u64) {
        if generation != self.generation {
            arena.clear();
        }
        self.arena = arena;
    }

    /// Records the block at `pc` made of `slots`.
    pub fn insert(&mut self, pc: u32, slots: &[Slot]) -> Found {
        if self.arena.len() + slots.len() > ARENA_LIMIT {
            self.flush();
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(slots);
        let head = Self::index(pc);
        self.heads[head] = Head {
            pc,
            start: start as u32,
            len: slots.len() as u32,
            runs: 0,
            code: None,
        };
        Found {
            start,
            end: start + slots.len(),
            head,
        }
    }

    /// Forgets every block.
    pub fn flush(&mut self) {
        self.heads.fill(NO_HEAD);
        self.arena.clear();
        self.generation += 1;
    }
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks::new()
    }
}
