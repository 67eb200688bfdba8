//! Plain RAM regions at fixed bases, found by the top address bits (no search).

use mb4_armv8m::{Bus, BusError, DirectMemory, DirectWindows, Size};

/// Regions are looked up by `addr >> GRAIN_SHIFT`: one region per 128 MiB slot.
const GRAIN_SHIFT: u32 = 27;

/// A set of RAM regions, each starting on a 128 MiB boundary.
#[derive(Debug)]
pub struct RamMap {
    slots: [Option<usize>; 32],
    regions: Vec<Region>,
}

#[derive(Debug)]
struct Region {
    base: u32,
    /// Zero-filled on creation: the host OS backs pages only once touched.
    mem: Vec<u8>,
}

/// A region that cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("RAM region at {base:#010x} is not on a 128 MiB boundary")]
    Unaligned { base: u32 },
    #[error("RAM region at {base:#010x} ({size:#x} bytes) is larger than 128 MiB")]
    TooLarge { base: u32, size: u32 },
    #[error("RAM region at {base:#010x} overlaps another")]
    Overlap { base: u32 },
}

impl RamMap {
    pub fn new() -> RamMap {
        RamMap {
            slots: [None; 32],
            regions: Vec::new(),
        }
    }

    /// Adds `size` bytes of zeroed RAM at `base`.
    pub fn add(&mut self, base: u32, size: u32) -> Result<(), MapError> {
        if base & ((1 << GRAIN_SHIFT) - 1) != 0 {
            return Err(MapError::Unaligned { base });
        }
        if size > 1 << GRAIN_SHIFT {
            return Err(MapError::TooLarge { base, size });
        }
        let slot = (base >> GRAIN_SHIFT) as usize;
        if self.slots[slot].is_some() {
            return Err(MapError::Overlap { base });
        }
        self.slots[slot] = Some(self.regions.len());
        self.regions.push(Region {
            base,
            mem: vec![0; size as usize],
        });
        Ok(())
    }

    /// The bytes backing `[addr, addr+len)`, if all inside one region.
    pub fn slice_mut(&mut self, addr: u32, len: usize) -> Option<&mut [u8]> {
        let r = &mut self.regions[self.slots[(addr >> GRAIN_SHIFT) as usize]?];
        let off = (addr - r.base) as usize;
        r.mem.get_mut(off..off.checked_add(len)?)
    }

    /// Whether `addr` is backed.
    pub fn contains(&self, addr: u32) -> bool {
        match self.slots[(addr >> GRAIN_SHIFT) as usize] {
            Some(i) => ((addr - self.regions[i].base) as usize) < self.regions[i].mem.len(),
            None => false,
        }
    }

    /// The base and size of each region.
    pub fn regions(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.regions.iter().map(|r| (r.base, r.mem.len() as u32))
    }
}

impl Default for RamMap {
    fn default() -> Self {
        RamMap::new()
    }
}

impl Bus for RamMap {
    /// The first eight regions: plain memory, never reallocated (a region's
    /// `Vec` is sized once, in [`RamMap::add`]).
    fn direct_memory(&mut self) -> DirectWindows {
        let mut w = [None; 8];
        for (slot, r) in w.iter_mut().zip(self.regions.iter_mut()) {
            *slot = Some(DirectMemory {
                base: r.base,
                len: r.mem.len() as u32 & !0xfff,
                host: r.mem.as_mut_ptr(),
                writable: true,
            });
        }
        w
    }

    #[inline(always)]
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        if let Some(i) = self.slots[(addr >> GRAIN_SHIFT) as usize] {
            let r = &self.regions[i];
            let off = (addr - r.base) as usize;
            match size {
                Size::Word => {
                    if let Some(b) = r.mem.get(off..off + 4) {
                        return Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                    }
                }
                Size::Half => {
                    if let Some(b) = r.mem.get(off..off + 2) {
                        return Ok(u32::from(u16::from_le_bytes([b[0], b[1]])));
                    }
                }
                Size::Byte => {
                    if let Some(b) = r.mem.get(off) {
                        return Ok(u32::from(*b));
                    }
                }
            }
        }
        Err(BusError { addr })
    }

    #[inline(always)]
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        if let Some(i) = self.slots[(addr >> GRAIN_SHIFT) as usize] {
            let r = &mut self.regions[i];
            let off = (addr - r.base) as usize;
            match size {
                Size::Word => {
                    if let Some(b) = r.mem.get_mut(off..off + 4) {
                        b.copy_from_slice(&value.to_le_bytes());
                        return Ok(());
                    }
                }
                Size::Half => {
                    if let Some(b) = r.mem.get_mut(off..off + 2) {
                        b.copy_from_slice(&(value as u16).to_le_bytes());
                        return Ok(());
                    }
                }
                Size::Byte => {
                    if let Some(b) = r.mem.get_mut(off) {
                        *b = value as u8;
                        return Ok(());
                    }
                }
            }
        }
        Err(BusError { addr })
    }

    fn code_cacheable(&self, addr: u32) -> bool {
        self.contains(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_and_faults_outside() {
        let mut m = RamMap::new();
        m.add(0x2000_0000, 0x1000).unwrap();
        m.write(0x2000_0010, Size::Word, 0x1122_3344).unwrap();
        assert_eq!(m.read(0x2000_0011, Size::Byte), Ok(0x33));
        assert_eq!(m.read(0x2000_0012, Size::Half), Ok(0x1122));
        assert_eq!(
            m.read(0x2000_0ffe, Size::Word),
            Err(BusError { addr: 0x2000_0ffe })
        );
        assert_eq!(
            m.read(0x3000_0000, Size::Word),
            Err(BusError { addr: 0x3000_0000 })
        );
        assert_eq!(
            m.add(0x2000_0000, 16),
            Err(MapError::Overlap { base: 0x2000_0000 })
        );
        assert_eq!(
            m.add(0x2000_1000, 16),
            Err(MapError::Unaligned { base: 0x2000_1000 })
        );
    }
}
