//! The debug interface a GDB stub relies on: breakpoints, single step,
//! watchpoints, register and memory access, on a hand-assembled program.

use mb4_armv8m::{Reg, Size, StopReason, WatchKind};

mod common;

use common::machine;

/// r0 = 5; r1 = sum 5..1; store r1 at [r2]; semihosting BKPT.
const SUM: [u16; 7] = [
    0x2005, // 40: movs r0, #5
    0x2100, // 42: movs r1, #0
    0x1809, // 44: adds r1, r1, r0
    0x3801, // 46: subs r0, #1
    0xd1fc, // 48: bne 44
    0x6011, // 4a: str r1, [r2]
    0xbeab, // 4c: bkpt 0xab
];

#[test]
fn breakpoint_step_watchpoint_and_memory() {
    let (mut cpu, mut ram) = machine(&SUM);
    assert_eq!(cpu.reg(Reg::R(13)), 0x8000);
    assert_eq!(cpu.pc(), 0x40);
    cpu.set_reg(Reg::R(2), 0x1000);

    cpu.add_breakpoint(0x46);
    assert_eq!(
        cpu.run(&mut ram, 1000),
        StopReason::Breakpoint { addr: 0x46 }
    );
    assert_eq!((cpu.reg(Reg::R(0)), cpu.reg(Reg::R(1))), (5, 5));
    // Resuming from a breakpoint executes it, then stops there again next time round.
    assert_eq!(
        cpu.run(&mut ram, 1000),
        StopReason::Breakpoint { addr: 0x46 }
    );
    assert_eq!(cpu.reg(Reg::R(1)), 9);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    assert_eq!(cpu.pc(), 0x48);
    assert!(cpu.remove_breakpoint(0x46));

    cpu.add_watchpoint(0x1000, 4, WatchKind::Write);
    assert_eq!(
        cpu.run(&mut ram, 1000),
        StopReason::Watchpoint {
            addr: 0x1000,
            kind: WatchKind::Write
        }
    );
    assert_eq!(cpu.pc(), 0x4c, "stops after the storing instruction");
    assert_eq!(cpu.debug_read(&mut ram, 0x1000, Size::Word), Ok(15));
    assert_eq!(cpu.run(&mut ram, 1000), StopReason::Semihosting);
    assert_eq!(cpu.pc(), 0x4e);
    assert_eq!(cpu.instructions(), 2 + 5 * 3 + 2);
}

#[test]
fn debugger_writes_to_code_take_effect() {
    let (mut cpu, mut ram) = machine(&SUM);
    cpu.set_reg(Reg::R(2), 0x1000);
    cpu.add_breakpoint(0x4a);
    assert_eq!(
        cpu.run(&mut ram, 1000),
        StopReason::Breakpoint { addr: 0x4a }
    );
    // Patch the store into "movs r1, #7; " — the decoded copy must be dropped.
    cpu.debug_write(&mut ram, 0x4a, Size::Half, 0x2107).unwrap();
    cpu.remove_breakpoint(0x4a);
    assert_eq!(cpu.run(&mut ram, 1000), StopReason::Semihosting);
    assert_eq!(cpu.reg(Reg::R(1)), 7);
}

#[test]
fn budget_and_sleep() {
    // 40: wfi; 42: b 40
    let (mut cpu, mut ram) = machine(&[0xbf30, 0xe7fd]);
    assert_eq!(cpu.run(&mut ram, 100), StopReason::Sleeping);
    assert!(cpu.is_sleeping());
    assert_eq!(cpu.cycles(), 100, "idle time is counted");
    // A pending, enabled interrupt wakes the core (its vector is 0: fetching it faults,
    // but waking is what is tested here).
    cpu.debug_write(&mut ram, 0xe000_e100, Size::Word, 1)
        .unwrap(); // NVIC_ISER0: IRQ0
    cpu.set_irq_pending(0);
    assert!(cpu.irq_pending(0));
    let _ = cpu.run(&mut ram, 1);
    assert!(!cpu.is_sleeping());
}

#[test]
fn undefined_instruction_without_handler_locks_up() {
    // 40: udf #0. HardFault vector (0x0c) is 0: not Thumb, so the handler's
    // first instruction faults again at priority -1: lockup.
    let (mut cpu, mut ram) = machine(&[0xde00]);
    assert_eq!(cpu.run(&mut ram, 1000), StopReason::Lockup);
    assert!(cpu.is_locked_up());
}

#[test]
fn bogus_ipsr_from_a_debugger_faults_instead_of_panicking() {
    // 40: bx lr, with LR an EXC_RETURN value and IPSR set out of range.
    let (mut cpu, mut ram) = machine(&[0x4770]);
    cpu.set_reg(Reg::Xpsr, (1 << 24) | 0x1ff);
    cpu.set_reg(Reg::R(14), 0xffff_fff9);
    let _ = cpu.run(&mut ram, 100);
}
