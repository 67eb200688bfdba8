//! Page tables for translated loads and stores: for each 4 KiB guest page,
//! the host address of its bytes where the bus handed the page out as plain
//! memory ([`Bus::direct_memory`](crate::Bus::direct_memory)), else 0.
//!
//! Stores have their own table, which also leaves out every page holding
//! decoded code: a store there goes through the core, which keeps decoded
//! code coherent. Host code reads both tables at fixed addresses (they are
//! allocated once), so updating them never invalidates a translation.

use crate::bus::DirectWindows;
use crate::cache::{CodeCache, PAGE_SHIFT};

const PAGES: usize = 1 << (32 - PAGE_SHIFT);

pub(crate) struct DirectPages {
    windows: DirectWindows,
    read: Box<[usize]>,
    write: Box<[usize]>,
}

impl std::fmt::Debug for DirectPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectPages")
            .field("windows", &self.windows)
            .finish_non_exhaustive()
    }
}

impl DirectPages {
    pub fn new() -> DirectPages {
        // Zeroed allocations: the host backs only the entries written.
        DirectPages {
            windows: [None; 8],
            read: vec![0; PAGES].into_boxed_slice(),
            write: vec![0; PAGES].into_boxed_slice(),
        }
    }

    /// Where host code finds the load and store tables.
    pub fn tables(&self) -> (usize, usize) {
        (self.read.as_ptr() as usize, self.write.as_ptr() as usize)
    }

    /// Takes the bus's current windows (cheap when unchanged).
    pub fn update(&mut self, windows: DirectWindows, code: &CodeCache) {
        if windows == self.windows {
            return;
        }
        // Windows not on page boundaries are not used (slower, still correct).
        let aligned =
            |w: &&crate::bus::DirectMemory| (w.base | w.len) & ((1 << PAGE_SHIFT) - 1) == 0;
        for w in self.windows.iter().flatten().filter(aligned) {
            for p in pages(w.base, w.len) {
                self.read[p] = 0;
                self.write[p] = 0;
            }
        }
        for w in windows.iter().flatten().filter(aligned) {
            for (i, p) in pages(w.base, w.len).enumerate() {
                let host = w.host as usize + (i << PAGE_SHIFT);
                self.read[p] = host;
                let page_addr = (p as u32) << PAGE_SHIFT;
                if w.writable && !code.may_hold_code(page_addr) {
                    self.write[p] = host;
                }
            }
        }
        self.windows = windows;
    }

    /// The page holding `addr` now holds decoded code: stores there must go
    /// through the core.
    pub fn code_page(&mut self, addr: u32) {
        self.write[(addr >> PAGE_SHIFT) as usize] = 0;
    }
}

/// The page numbers of `[base, base + len)` (whole pages, inside 4 GiB).
fn pages(base: u32, len: u32) -> impl Iterator<Item = usize> {
    let first = (base >> PAGE_SHIFT) as usize;
    let n = (len >> PAGE_SHIFT) as usize;
    first..(first + n).min(PAGES)
}
