//! What the core's integration tests share: a plain RAM bus and a machine
//! that boots a few hand-assembled halfwords.
#![allow(dead_code)] // each test file uses its own part of this

use mb4_armv8m::{Bus, BusError, Config, Cpu, Size};

/// 64 KiB of plain RAM at address 0.
pub struct Ram(pub Vec<u8>);

impl Bus for Ram {
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        let a = addr as usize;
        let b = self
            .0
            .get(a..a + size.bytes() as usize)
            .ok_or(BusError { addr })?;
        Ok(b.iter().rev().fold(0, |v, &x| (v << 8) | u32::from(x)))
    }
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        let a = addr as usize;
        let b = self
            .0
            .get_mut(a..a + size.bytes() as usize)
            .ok_or(BusError { addr })?;
        b.copy_from_slice(&value.to_le_bytes()[..size.bytes() as usize]);
        Ok(())
    }
    fn code_cacheable(&self, _addr: u32) -> bool {
        true
    }
}

/// Vector table at 0 (SP 0x8000, reset at 0x40), `code` at 0x40, reset.
pub fn machine(code: &[u16]) -> (Cpu, Ram) {
    let mut ram = Ram(vec![0; 0x10000]);
    ram.write(0, Size::Word, 0x8000).unwrap(); // initial SP
    ram.write(4, Size::Word, 0x41).unwrap(); // reset vector (Thumb)
    for (i, hw) in code.iter().enumerate() {
        ram.write(0x40 + 2 * i as u32, Size::Half, u32::from(*hw))
            .unwrap();
    }
    let mut cpu = Cpu::new(Config::cortex_m33(8));
    cpu.reset(&mut ram, 0).unwrap();
    (cpu, ram)
}

/// [`Ram`] that also hands its bytes to the core as direct memory, as the
/// emulator's machines do (translated loads and stores then skip the bus).
pub struct DirectRam(pub Ram);

impl Bus for DirectRam {
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.0.read(addr, size)
    }
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        self.0.write(addr, size, value)
    }
    fn code_cacheable(&self, _addr: u32) -> bool {
        true
    }
    fn direct_memory(&mut self) -> mb4_armv8m::DirectWindows {
        let mut w = [None; 8];
        w[0] = Some(mb4_armv8m::DirectMemory {
            base: 0,
            len: self.0.0.len() as u32,
            host: self.0.0.as_mut_ptr(),
            writable: true,
        });
        w
    }
}

/// [`machine`] with the given translation threshold.
pub fn machine_jit(code: &[u16], jit_threshold: Option<u32>) -> (Cpu, Ram) {
    let (mut cpu, ram) = machine(code);
    cpu.set_jit_threshold(jit_threshold);
    (cpu, ram)
}
