//! Translated code gives exactly the interpreter's results: registers,
//! flags, memory, cycle and instruction counts, where faults and interrupts
//! land, whatever the cycle budgets. Each program runs interpreted only, with
//! every block translated at once (threshold 0), after a few runs, and with
//! direct memory access, and every run must end in the same state.
//!
//! The programs were assembled with `arm-none-eabi-as -mcpu=cortex-m33`; the
//! comments are the disassembly.

use mb4_armv8m::{Bus, Cpu, Reg, Size, StopReason};

mod common;

use common::{DirectRam, Ram, machine_jit};

/// Everything a program can observe or leave behind.
#[derive(Debug, PartialEq, Eq)]
struct State {
    regs: Vec<u32>,
    cycles: u64,
    instructions: u64,
    ram: Vec<u8>,
    stops: Vec<StopReason>,
}

fn state(cpu: &Cpu, ram: &Ram, stops: Vec<StopReason>) -> State {
    let mut regs: Vec<u32> = (0..16).map(|r| cpu.reg(Reg::R(r))).collect();
    for r in [
        Reg::Xpsr,
        Reg::Msp,
        Reg::Psp,
        Reg::Primask,
        Reg::Basepri,
        Reg::Faultmask,
        Reg::Control,
    ] {
        regs.push(cpu.reg(r));
    }
    State {
        regs,
        cycles: cpu.cycles(),
        instructions: cpu.instructions(),
        ram: ram.0.clone(),
        stops,
    }
}

/// Runs until semihosting or lockup in slices of `budget` cycles (at most
/// `max` cycles in all); returns every stop other than the budget's.
fn run<B: Bus>(cpu: &mut Cpu, bus: &mut B, budget: u64, max: u64) -> Vec<StopReason> {
    let mut stops = Vec::new();
    while cpu.cycles() < max {
        match cpu.run(bus, budget) {
            StopReason::Budget => {}
            s @ (StopReason::Semihosting | StopReason::Lockup) => {
                stops.push(s);
                break;
            }
            s => stops.push(s),
        }
    }
    stops
}

/// The program's end state for each way of running it; all must agree.
fn all_ways(code: &[u16], setup: impl Fn(&mut Cpu, &mut Ram), budget: u64) -> State {
    let once = |threshold: Option<u32>, direct: bool, budget: u64| {
        let (mut cpu, mut ram) = machine_jit(code, threshold);
        setup(&mut cpu, &mut ram);
        let stops = if direct {
            let mut d = DirectRam(ram);
            let s = run(&mut cpu, &mut d, budget, 50_000_000);
            ram = d.0;
            s
        } else {
            run(&mut cpu, &mut ram, budget, 50_000_000)
        };
        if threshold == Some(0) && cfg!(feature = "jit") {
            assert!(cpu.translated_blocks() > 0, "nothing was translated");
        }
        state(&cpu, &ram, stops)
    };
    let reference = once(None, false, budget);
    for (threshold, direct, b) in [
        (Some(0), false, budget),
        (Some(0), true, budget),
        (Some(3), true, budget),
        (Some(0), true, 7),
        (Some(0), true, 1),
    ] {
        let got = once(threshold, direct, b);
        assert_eq!(
            got, reference,
            "threshold {threshold:?}, direct memory {direct}, budget {b}"
        );
    }
    reference
}

#[test]
fn a_loop_with_an_it_block_loads_and_stores_runs_as_interpreted() {
    let s = all_ways(
        &[
            0x2000, 0x2100, // 40: movs r0, #0; movs r1, #0
            0xf44f, 0x5280, // 44: mov.w r2, #4096
            0xf640, 0x33b8, // 48: movw r3, #3000
            0x18c0, // 4c: adds r0, r0, r3
            0x00dc, // 4e: lsls r4, r3, #3
            0x4060, // 50: eors r0, r4
            0xf5b3, 0x6f80, // 52: cmp.w r3, #1024
            0xbfcc, // 56: ite gt
            0x3101, // 58: addgt r1, #1
            0x3902, // 5a: suble r1, #2
            0xf003, 0x053f, // 5c: and.w r5, r3, #63
            0xf842, 0x0025, // 60: str.w r0, [r2, r5, lsl #2]
            0xf852, 0x6025, // 64: ldr.w r6, [r2, r5, lsl #2]
            0xfb16, 0x1103, // 68: smlabb r1, r6, r3, r1
            0x5d57, // 6c: ldrb r7, [r2, r5]
            0xf8a2, 0x7200, // 6e: strh.w r7, [r2, #512]
            0x41ef, // 72: rors r7, r5
            0x4179, // 74: adcs r1, r7
            0x3b01, // 76: subs r3, #1
            0xd1e8, // 78: bne.n 4c
            0xbeab, // 7a: bkpt 0x00ab
        ],
        |_, _| {},
        1 << 20,
    );
    assert_eq!(s.stops, [StopReason::Semihosting]);
    assert_eq!(s.regs[3], 0);
    assert_eq!(s.instructions, 4 + 3000 * 17 + 1);
}

#[test]
fn a_fault_in_translated_code_is_taken_at_its_instruction() {
    let s = all_ways(
        &[
            0xf44f, 0x5280, // 40: mov.w r2, #4096
            0xf240, 0x73d0, // 44: movw r3, #2000
            0x2100, // 48: movs r1, #0
            0x6810, // 4a: ldr r0, [r2]   (faults once r2 is past the RAM)
            0x1809, // 4c: adds r1, r1, r0
            0x3003, // 4e: adds r0, #3
            0x6010, // 50: str r0, [r2]
            0x3b01, // 52: subs r3, #1
            0xd1f9, // 54: bne.n 4a
            0xf44f, 0x3200, // 56: mov.w r2, #131072
            0x2301, // 5a: movs r3, #1
            0xe7f5, // 5c: b.n 4a
            0xbeab, // 5e: bkpt 0x00ab (the HardFault handler)
        ],
        |_, ram| ram.write(0x0c, Size::Word, 0x5f).unwrap(),
        1 << 20,
    );
    assert_eq!(s.stops, [StopReason::Semihosting]);
    // The frame the fault stacked holds the faulting load's address as PC.
    let sp = s.regs[13] as usize;
    let stacked_pc = u32::from_le_bytes(s.ram[sp + 24..sp + 28].try_into().unwrap());
    assert_eq!(stacked_pc, 0x4a);
}

#[test]
fn systick_interrupts_land_on_the_same_instruction_whatever_the_budgets() {
    let s = all_ways(
        &[
            0x4809, // 40: ldr r0, [pc, #36]  (0xe000e010)
            0xf240, 0x31e5, // 42: movw r1, #997
            0x6041, // 46: str r1, [r0, #4]   (SYST_RVR)
            0x6081, // 48: str r1, [r0, #8]   (SYST_CVR)
            0x2107, // 4a: movs r1, #7
            0x6001, // 4c: str r1, [r0, #0]   (SYST_CSR: enable, interrupt, core clock)
            0xf44f, 0x5280, // 4e: mov.w r2, #4096
            0xf644, 0x6320, // 52: movw r3, #20000
            0x2400, // 56: movs r4, #0
            0x18e4, // 58: adds r4, r4, r3
            0x6c15, // 5a: ldr r5, [r2, #64]
            0x3501, // 5c: adds r5, #1
            0x6415, // 5e: str r5, [r2, #64]
            0x3b01, // 60: subs r3, #1
            0xd1f9, // 62: bne.n 58
            0xbeab, // 64: bkpt 0x00ab
            0x0000, 0xe010, 0xe000, // 66: (pad), 68: .word 0xe000e010
            0xf44f, 0x5088, // 6c: mov.w r0, #4352  (SysTick handler)
            0x6801, // 70: ldr r1, [r0, #0]
            0x3101, // 72: adds r1, #1
            0x6001, // 74: str r1, [r0, #0]
            0x4770, // 76: bx lr
        ],
        |_, ram| ram.write(0x3c, Size::Word, 0x6d).unwrap(),
        1 << 20,
    );
    assert_eq!(s.stops, [StopReason::Semihosting]);
    let ticks = u32::from_le_bytes(s.ram[0x1100..0x1104].try_into().unwrap());
    assert!(ticks > 50, "{ticks} SysTick interrupts");
}

#[test]
fn code_a_hot_loop_rewrites_runs_as_rewritten() {
    let s = all_ways(
        &[
            0x2001, // 40: movs r0, #1   (becomes movs r0, #9 on pass 100)
            0x3301, // 42: adds r3, #1
            0x2b64, // 44: cmp r3, #100
            0xd100, // 46: bne.n 4a
            0x8011, // 48: strh r1, [r2]
            0x2bc8, // 4a: cmp r3, #200
            0xd1f8, // 4c: bne.n 40
            0xbeab, // 4e: bkpt 0x00ab
        ],
        |cpu, _| {
            cpu.set_reg(Reg::R(1), 0x2009);
            cpu.set_reg(Reg::R(2), 0x40);
        },
        1 << 20,
    );
    assert_eq!((s.regs[0], s.regs[3]), (9, 200));
}

#[test]
fn loads_stores_and_branches_inside_it_blocks_of_a_host_loop_run_as_interpreted() {
    // The loop at 5e branches back to its own start from the middle of its
    // block (bne at 8c), so its translation loops in host code; inside it,
    // IT blocks make loads, stores (one to SysTick, which ends an IT block
    // and needs the run loop) and a branch conditional.
    let s = all_ways(
        &[
            0x4818, // 40: ldr r0, [pc, #96]  (0xe000e010)
            0xf240, 0x118d, // 42: movw r1, #397
            0x6041, // 46: str r1, [r0, #4]   (SYST_RVR)
            0x6081, // 48: str r1, [r0, #8]   (SYST_CVR)
            0x2107, // 4a: movs r1, #7
            0x6001, // 4c: str r1, [r0, #0]   (SYST_CSR: enable, interrupt, core clock)
            0xea4f, 0x0800, // 4e: mov.w r8, r0
            0xf44f, 0x5280, // 52: mov.w r2, #4096
            0xf640, 0x33b8, // 56: movw r3, #3000
            0x2100, // 5a: movs r1, #0
            0x2400, // 5c: movs r4, #0
            0xf003, 0x051f, // 5e: and.w r5, r3, #31
            0x2d10, // 62: cmp r5, #16
            0xbfb4, // 64: ite lt
            0xf852, 0x0025, // 66: ldrlt.w r0, [r2, r5, lsl #2]
            0xf842, 0x3025, // 6a: strge.w r3, [r2, r5, lsl #2]
            0xbf04, // 6e: itt eq
            0x78d6, // 70: ldrbeq r6, [r2, #3]
            0x1989, // 72: addeq r1, r1, r6
            0x4401, // 74: add r1, r0
            0x2d09, // 76: cmp r5, #9
            0xbf04, // 78: itt eq
            0x2700, // 7a: moveq r7, #0
            0xf8c8, 0x7008, // 7c: streq.w r7, [r8, #8]  (SYST_CVR)
            0xf013, 0x0f07, // 80: tst.w r3, #7
            0xbf08, // 84: it eq
            0xe003, // 86: beq.n 90
            0x3401, // 88: adds r4, #1
            0x3b01, // 8a: subs r3, #1
            0xd1e7, // 8c: bne.n 5e
            0xe002, // 8e: b.n 96
            0x3402, // 90: adds r4, #2
            0x3b01, // 92: subs r3, #1
            0xd1e3, // 94: bne.n 5e
            0xbeab, // 96: bkpt 0x00ab
            0xf44f, 0x5088, // 98: mov.w r0, #4352  (SysTick handler)
            0x6801, // 9c: ldr r1, [r0, #0]
            0x3101, // 9e: adds r1, #1
            0x6001, // a0: str r1, [r0, #0]
            0x4770, // a2: bx lr
            0xe010, 0xe000, // a4: .word 0xe000e010
        ],
        |_, ram| ram.write(0x3c, Size::Word, 0x99).unwrap(),
        1 << 20,
    );
    assert_eq!(s.stops, [StopReason::Semihosting]);
    assert_eq!(s.regs[3], 0);
    // One pass in eight (r3 a multiple of 8) takes the IT branch.
    assert_eq!(s.regs[4], 3000 + 3000 / 8);
    let ticks = u32::from_le_bytes(s.ram[0x1100..0x1104].try_into().unwrap());
    assert!(ticks > 20, "{ticks} SysTick interrupts");
}
