//! Code that the program itself overwrites runs as written: the decoded
//! slots and the blocks built from them never outlive a store to their bytes,
//! whether the store hits the block being run or one that runs again later.

use mb4_armv8m::{Bus, Reg, Size, StopReason};

mod common;

use common::machine;

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
