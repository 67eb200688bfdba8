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

/// Most instructions in one block: bounds the work of building one that is
/// left early (a taken conditional branch, a fault).
pub const MAX_LEN: usize = 32;
const TABLE_BITS: u32 = 12;
/// Arena size at which everything is flushed (16 bytes a slot: 16 MiB).
const ARENA_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy)]
struct Head {
    pc: u32,
    start: u32,
    /// Instructions in the block; 0: empty.
    len: u32,
}

const NO_HEAD: Head = Head {
    pc: 0,
    start: 0,
    len: 0,
};

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

    /// The block starting at `pc`: the arena range of its slots.
    #[inline(always)]
    pub fn find(&self, pc: u32) -> Option<(usize, usize)> {
        let h = self.heads[Self::index(pc)];
        if h.len != 0 && h.pc == pc {
            Some((h.start as usize, (h.start + h.len) as usize))
        } else {
            None
        }
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

    /// Records the block at `pc` made of `slots`; returns its arena range.
    pub fn insert(&mut self, pc: u32, slots: &[Slot]) -> (usize, usize) {
        if self.arena.len() + slots.len() > ARENA_LIMIT {
            self.flush();
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(slots);
        self.heads[Self::index(pc)] = Head {
            pc,
            start: start as u32,
            len: slots.len() as u32,
        };
        (start, start + slots.len())
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
