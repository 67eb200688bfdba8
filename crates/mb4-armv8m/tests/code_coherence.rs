//! Code that the program itself overwrites runs as written: the decoded
//! slots and the blocks built from them never outlive a store to their bytes,
//! whether the store hits the block being run or one that runs again later.

use mb4_armv8m::{Bus, BusError, Config, Cpu, Reg, Size, StopReason};

/// 64 KiB of plain RAM at address 0.
struct Ram(Vec<u8>);

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

fn machine(code: &[u16]) -> (Cpu, Ram) {
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

#[test]
fn a_store_to_the_next_instruction_of_the_block_takes_effect() {
    let (mut cpu, mut ram) = machine(&[
        0x8011, // 40: strh r1, [r2]
        0x2001, // 42: movs r0, #1   (becomes movs r0, #7)
        0xbeab, // 44: bkpt 0xab
    ]);
    cpu.set_reg(Reg::R(1), 0x2007);
    cpu.set_reg(Reg::R(2), 0x42);
    assert_eq!(cpu.run(&mut ram, 100), StopReason::Semihosting);
    assert_eq!(cpu.reg(Reg::R(0)), 7);
    assert_eq!(cpu.instructions(), 3);
}

#[test]
fn a_store_to_a_block_that_runs_again_takes_effect() {
    let (mut cpu, mut ram) = machine(&[
        0x2001, // 40: movs r0, #1   (becomes movs r0, #9 after the first pass)
        0x3301, // 42: adds r3, #1
        0x8011, // 44: strh r1, [r2]
        0x2b02, // 46: cmp r3, #2
        0xd1fa, // 48: bne 40
        0xbeab, // 4a: bkpt 0xab
    ]);
    cpu.set_reg(Reg::R(1), 0x2009);
    cpu.set_reg(Reg::R(2), 0x40);
    assert_eq!(cpu.run(&mut ram, 100), StopReason::Semihosting);
    assert_eq!((cpu.reg(Reg::R(0)), cpu.reg(Reg::R(3))), (9, 2));
    assert_eq!(cpu.instructions(), 11);
}

#[test]
fn a_machine_write_reported_with_invalidate_code_takes_effect() {
    let (mut cpu, mut ram) = machine(&[
        0x2001, // 40: movs r0, #1   (the machine makes it movs r0, #5)
        0xbeab, // 42: bkpt 0xab
    ]);
    assert_eq!(cpu.run(&mut ram, 100), StopReason::Semihosting);
    assert_eq!(cpu.reg(Reg::R(0)), 1);
    ram.write(0x40, Size::Half, 0x2005).unwrap();
    cpu.invalidate_code(0x40, 2);
    cpu.set_pc(0x40);
    assert_eq!(cpu.run(&mut ram, 100), StopReason::Semihosting);
    assert_eq!(cpu.reg(Reg::R(0)), 5);
}
