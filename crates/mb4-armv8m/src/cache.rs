//! Decoded-instruction cache: each instruction is decoded once per address and
//! kept in a slot per halfword of a 4 KiB page, for pages the bus calls plain
//! memory ([`Bus::code_cacheable`](crate::Bus::code_cacheable)).
//!
//! Coherence: every store the core makes tests one bit (does this page hold
//! decoded code?) and, only then, empties the slots the store overlaps — so
//! firmware that writes data next to its code pays nothing for it, unlike a
//! translator that must throw away a whole translated block.

use crate::block::Blocks;
use crate::decode::Op;
use std::collections::HashMap;

pub const PAGE_SHIFT: u32 = 12;
const SLOTS: usize = 1 << (PAGE_SHIFT - 1);

/// A decoded instruction as the run loop wants it: flat, 16 bytes.
/// `len == 0` marks an empty slot. Aligned so that it is copied whole (one
/// 16-byte move): copied field by field, the run loop's wider reads of the
/// copy stalled on store forwarding (a quarter of the run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(16))]
pub struct Slot {
    pub op: Op,
    pub len: u8,
}

impl Slot {
    pub const EMPTY: Slot = Slot {
        op: Op::UNDEFINED,
        len: 0,
    };
}

/// One 4 KiB page of slots.
#[derive(Debug)]
pub struct Page {
    pub slots: Box<[Slot; SLOTS]>,
}

#[derive(Debug)]
pub struct CodeCache {
    pages: Vec<Page>,
    index: HashMap<u32, usize>,
    /// One bit per page of the 4 GiB space: the page has a cache page.
    present: Vec<u64>,
    /// The page of the last lookup: straight-line code stays in one page.
    last: Option<(u32, usize)>,
    /// Runs of these slots; forgotten whenever a slot that held an instruction is emptied.
    pub blocks: Blocks,
}

impl CodeCache {
    pub fn new() -> CodeCache {
        CodeCache {
            pages: Vec::new(),
            index: HashMap::new(),
            present: vec![0; 1 << (32 - PAGE_SHIFT - 6)],
            last: None,
            blocks: Blocks::new(),
        }
    }

    /// The page index for `addr`, if the page is cached.
    #[inline]
    pub fn page_of(&self, addr: u32) -> Option<usize> {
        let p = addr >> PAGE_SHIFT;
        if self.present[(p >> 6) as usize] & (1 << (p & 63)) == 0 {
            return None;
        }
        self.index.get(&p).copied()
    }

    /// Like [`CodeCache::page_of`], remembering the page for the next call.
    #[inline(always)]
    pub fn lookup(&mut self, addr: u32) -> Option<usize> {
        let p = addr >> PAGE_SHIFT;
        if let Some((lp, li)) = self.last
            && lp == p
        {
            return Some(li);
        }
        let i = self.page_of(addr)?;
        self.last = Some((p, i));
        Some(i)
    }

    /// Creates the cache page for `addr`.
    pub fn create(&mut self, addr: u32) -> usize {
        let p = addr >> PAGE_SHIFT;
        if let Some(&i) = self.index.get(&p) {
            return i;
        }
        let i = self.pages.len();
        self.pages.push(Page {
            slots: Box::new([Slot::EMPTY; SLOTS]),
        });
        self.index.insert(p, i);
        self.present[(p >> 6) as usize] |= 1 << (p & 63);
        i
    }

    #[inline]
    pub fn slot(&self, page: usize, addr: u32) -> Slot {
        self.pages[page].slots[slot_index(addr)]
    }

    #[inline]
    pub fn fill(&mut self, page: usize, addr: u32, d: Slot) {
        self.pages[page].slots[slot_index(addr)] = d;
    }

    /// Whether a store to `addr` may touch cached code (one bit test).
    #[inline(always)]
    pub fn may_hold_code(&self, addr: u32) -> bool {
        let p = addr >> PAGE_SHIFT;
        self.present[(p >> 6) as usize] & (1 << (p & 63)) != 0
    }

    /// Empties the slots of every instruction that overlaps `[addr, addr+len)`:
    /// those starting in it, and a 32-bit one starting the halfword before.
    /// Returns whether one held an instruction (then every block is forgotten,
    /// and a block being run must be left).
    pub fn invalidate(&mut self, addr: u32, len: u32) -> bool {
        if len == 0 {
            return false;
        }
        let mut changed = false;
        let before = addr.wrapping_sub(2) & !1;
        if let Some(page) = self.page_of(before) {
            let s = &mut self.pages[page].slots[slot_index(before)];
            // A 16-bit instruction there ends at or before `addr`.
            if s.len == 4 {
                *s = Slot::EMPTY;
                changed = true;
            }
        }
        // The halfwords holding the bytes, counted (any `len`, wrapping at
        // 4 GiB), a page at a time so that pages without code cost one test.
        let first = addr & !1;
        let last = addr.wrapping_add(len - 1) & !1;
        let mut left = u64::from(last.wrapping_sub(first) >> 1) + 1;
        let mut a = first;
        while left > 0 {
            let to_page_end = (1u32 << PAGE_SHIFT) - (a & ((1 << PAGE_SHIFT) - 1));
            let n = u64::from(to_page_end >> 1).min(left);
            if let Some(page) = self.page_of(a) {
                let i = slot_index(a);
                for s in &mut self.pages[page].slots[i..i + n as usize] {
                    if s.len != 0 {
                        *s = Slot::EMPTY;
                        changed = true;
                    }
                }
            }
            a = a.wrapping_add((n as u32) << 1);
            left -= n;
        }
        if changed {
            self.blocks.flush();
        }
        changed
    }
}

impl Default for CodeCache {
    fn default() -> Self {
        CodeCache::new()
    }
}

#[inline(always)]
fn slot_index(addr: u32) -> usize {
    ((addr >> 1) as usize) & (SLOTS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache with the page at 0x1000 holding `slots` (address, length).
    fn cache_with(slots: &[(u32, u8)]) -> CodeCache {
        let mut c = CodeCache::new();
        let page = c.create(0x1000);
        for &(a, len) in slots {
            c.fill(
                page,
                a,
                Slot {
                    op: Op::UNDEFINED,
                    len,
                },
            );
        }
        c
    }

    fn held(c: &CodeCache, a: u32) -> bool {
        c.slot(c.page_of(a).unwrap(), a).len != 0
    }

    #[test]
    fn invalidation_empties_exactly_the_overlapping_instructions() {
        // 16-bit at 0x1100, 32-bit at 0x1102, 16-bit at 0x1106.
        let slots = [(0x1100, 2), (0x1102, 4), (0x1106, 2)];
        // A byte in the second half of the 32-bit one.
        let mut c = cache_with(&slots);
        assert!(c.invalidate(0x1105, 1));
        assert!(held(&c, 0x1100) && !held(&c, 0x1102) && held(&c, 0x1106));
        // The halfword after a 16-bit instruction: nothing held there.
        let mut c = cache_with(&[(0x1100, 2)]);
        assert!(!c.invalidate(0x1102, 2));
        assert!(held(&c, 0x1100));
        // An odd address inside a 16-bit instruction.
        let mut c = cache_with(&slots);
        assert!(c.invalidate(0x1107, 1));
        assert!(held(&c, 0x1102) && !held(&c, 0x1106));
        // A word over all three, and nothing when nothing is written.
        let mut c = cache_with(&slots);
        assert!(!c.invalidate(0x1100, 0));
        assert!(c.invalidate(0x1101, 6));
        assert!(!held(&c, 0x1100) && !held(&c, 0x1102) && !held(&c, 0x1106));
    }

    #[test]
    fn invalidating_all_of_memory_ends_quickly() {
        let mut c = cache_with(&[(0x1ffe, 2)]);
        assert!(c.invalidate(0, u32::MAX));
        assert!(!held(&c, 0x1ffe));
    }
}
