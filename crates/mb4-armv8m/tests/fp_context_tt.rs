//! Lazy FP context preservation and TT, on hand-assembled code stepped through
//! the debug API. The differential versions (compiled C against QEMU) are
//! `tests/cpu/c/lazyfp.c` and `tests/cpu/c/tt.c`; these pin the mechanics:
//! what is in memory and in FPCCR/FPCAR at each step.

use mb4_armv8m::{Bus, Config, Cpu, Reg, Size, StopReason};

mod common;

use common::Ram;

const FPCCR: u32 = 0xe000_ef34;
const FPCAR: u32 = 0xe000_ef38;
const CFSR: u32 = 0xe000_ed28;
const LSPACT: u32 = 1;
const ASPEN: u32 = 1 << 31;
const LSPEN: u32 = 1 << 30;

const THREAD: u32 = 0x100;
const IRQ_FP: u32 = 0x180;
const IRQ_PLAIN: u32 = 0x1c0;
const HARD_FAULT: u32 = 0x200;

/// Vector table at 0 (SP 0x8000, reset, HardFault, IRQ0), `code` at 0x100,
/// IRQ0 handlers at 0x180 (`vmov r0, s0; bx lr`) and 0x1c0 (`bx lr`), a
/// HardFault handler at 0x200 (`b .`); FPU enabled, IRQ0 enabled.
fn machine(code: &[u16]) -> (Cpu, Ram) {
    let mut ram = Ram(vec![0; 0x10000]);
    let words = [
        (0x00, 0x8000),
        (0x04, THREAD | 1),
        (0x0c, HARD_FAULT | 1),
        (0x40, IRQ_FP | 1),
    ];
    for (a, v) in words {
        ram.write(a, Size::Word, v).unwrap();
    }
    let put = |ram: &mut Ram, at: u32, hws: &[u16]| {
        for (i, hw) in hws.iter().enumerate() {
            ram.write(at + 2 * i as u32, Size::Half, u32::from(*hw))
                .unwrap();
        }
    };
    put(&mut ram, THREAD, code);
    put(&mut ram, IRQ_FP, &[0xee10, 0x0a10, 0x4770]); // vmov r0, s0; bx lr
    put(&mut ram, IRQ_PLAIN, &[0x4770]); // bx lr
    put(&mut ram, HARD_FAULT, &[0xe7fe]); // b .
    let mut cpu = Cpu::new(Config::cortex_m33(8));
    cpu.reset(&mut ram, 0).unwrap();
    cpu.debug_write(&mut ram, 0xe000_ed88, Size::Word, 0xf << 20)
        .unwrap(); // CPACR: CP10/CP11 full access
    cpu.debug_write(&mut ram, 0xe000_e100, Size::Word, 1)
        .unwrap(); // NVIC_ISER0: IRQ0
    (cpu, ram)
}

fn rd(cpu: &mut Cpu, ram: &mut Ram, addr: u32) -> u32 {
    cpu.debug_read(ram, addr, Size::Word).unwrap()
}

fn wr(cpu: &mut Cpu, ram: &mut Ram, addr: u32, v: u32) {
    cpu.debug_write(ram, addr, Size::Word, v).unwrap();
}

/// vmov s0, r2; nop; nop; b .
const THREAD_FP: [u16; 5] = [0xee00, 0x2a10, 0xbf00, 0xbf00, 0xe7fe];

/// Runs the thread's `vmov s0, r2` (S0 = 1.0), fills the stack below SP with
/// a pattern, then takes IRQ0 with the vector `handler`. Returns the frame.
fn interrupt_live_fp(cpu: &mut Cpu, ram: &mut Ram, handler: u32) -> u32 {
    cpu.set_reg(Reg::R(2), 0x3f80_0000);
    assert_eq!(cpu.step(ram), StopReason::Stepped);
    assert_eq!(cpu.reg(Reg::Control) & 4, 4, "FP context active (FPCA)");
    for a in (0x7f00..0x8000).step_by(4) {
        wr(cpu, ram, a, 0xa5a5_a5a5);
    }
    wr(cpu, ram, 0x40, handler | 1);
    cpu.set_irq_pending(0);
    assert_eq!(cpu.step(ram), StopReason::Stepped);
    assert_eq!(cpu.pc(), handler);
    assert_eq!(
        cpu.reg(Reg::R(14)),
        0xffff_ffe9,
        "extended frame, Thread, MSP"
    );
    let frame = cpu.reg(Reg::Msp);
    assert_eq!(frame, 0x8000 - 0x68);
    frame
}

#[test]
fn lazy_save_happens_at_the_handlers_first_fp_instruction() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    assert_eq!(rd(&mut cpu, &mut ram, FPCCR), ASPEN | LSPEN, "reset value");
    let frame = interrupt_live_fp(&mut cpu, &mut ram, IRQ_FP);
    let fpccr = rd(&mut cpu, &mut ram, FPCCR);
    // LSPACT, THREAD (3), HFRDY (4); no USER, faults disabled so not ready.
    assert_eq!(fpccr, ASPEN | LSPEN | LSPACT | 1 << 3 | 1 << 4);
    assert_eq!(rd(&mut cpu, &mut ram, FPCAR), frame + 0x20);
    assert_eq!(
        rd(&mut cpu, &mut ram, frame + 0x20),
        0xa5a5_a5a5,
        "not yet written"
    );
    assert_eq!(
        cpu.reg(Reg::Control) & 4,
        0,
        "handler starts without FP context"
    );

    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // vmov r0, s0
    assert_eq!(cpu.reg(Reg::R(0)), 0x3f80_0000);
    assert_eq!(rd(&mut cpu, &mut ram, FPCCR) & LSPACT, 0);
    assert_eq!(
        rd(&mut cpu, &mut ram, frame + 0x20),
        0x3f80_0000,
        "S0 saved"
    );
    assert_eq!(rd(&mut cpu, &mut ram, frame + 0x60), 0, "FPSCR saved");
    assert_eq!(cpu.reg(Reg::Control) & 4, 4);

    cpu.set_reg(Reg::S(0), 0xdead_beef); // the handler's own use of S0
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // bx lr
    assert_eq!(cpu.pc(), THREAD + 4);
    assert_eq!(cpu.reg(Reg::S(0)), 0x3f80_0000, "restored from the frame");
    assert_eq!(cpu.reg(Reg::Msp), 0x8000);
}

#[test]
fn return_with_lazy_save_pending_skips_the_restore() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    let frame = interrupt_live_fp(&mut cpu, &mut ram, IRQ_PLAIN);
    assert_eq!(rd(&mut cpu, &mut ram, FPCCR) & LSPACT, LSPACT);
    // The frame's S0 slot is never read: the registers were never touched.
    wr(&mut cpu, &mut ram, frame + 0x20, 0x1234_5678);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // bx lr
    assert_eq!(cpu.pc(), THREAD + 4);
    assert_eq!(cpu.reg(Reg::S(0)), 0x3f80_0000);
    assert_eq!(rd(&mut cpu, &mut ram, FPCCR) & LSPACT, 0);
    assert_eq!(
        cpu.reg(Reg::Control) & 4,
        4,
        "FPCA back from EXC_RETURN.FType"
    );
}

#[test]
fn eager_stacking_without_lspen() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    wr(&mut cpu, &mut ram, FPCCR, ASPEN);
    wr(&mut cpu, &mut ram, FPCAR, 0x1230);
    let frame = interrupt_live_fp(&mut cpu, &mut ram, IRQ_FP);
    assert_eq!(
        rd(&mut cpu, &mut ram, FPCCR),
        ASPEN,
        "no lazy state recorded"
    );
    assert_eq!(rd(&mut cpu, &mut ram, FPCAR), 0x1230, "FPCAR untouched");
    assert_eq!(
        rd(&mut cpu, &mut ram, frame + 0x20),
        0x3f80_0000,
        "written at entry"
    );
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // vmov r0, s0
    assert_eq!(
        cpu.reg(Reg::R(0)),
        0,
        "saved registers read as zero (as QEMU)"
    );
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // bx lr
    assert_eq!(cpu.reg(Reg::S(0)), 0x3f80_0000);
}

#[test]
fn lazy_save_bus_error_escalates_when_busfault_was_not_ready() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    let _ = interrupt_live_fp(&mut cpu, &mut ram, IRQ_FP);
    wr(&mut cpu, &mut ram, FPCAR, 0x0002_0000); // beyond the RAM
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // vmov r0, s0: faults
    assert_eq!(cpu.pc(), HARD_FAULT);
    assert_eq!(rd(&mut cpu, &mut ram, CFSR), 1 << 13, "LSPERR");
    assert_eq!(rd(&mut cpu, &mut ram, 0xe000_ed2c), 1 << 30, "HFSR.FORCED");
    assert_eq!(
        rd(&mut cpu, &mut ram, FPCCR) & LSPACT,
        LSPACT,
        "still pending"
    );
    // The HardFault frame returns to the FP instruction, which runs again.
    let hf_frame = cpu.reg(Reg::Msp);
    assert_eq!(rd(&mut cpu, &mut ram, hf_frame + 24), IRQ_FP);
}

#[test]
fn return_restoring_fp_state_the_thread_may_not_use_is_nocp() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    let frame = interrupt_live_fp(&mut cpu, &mut ram, IRQ_FP);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // vmov r0, s0: saves
    wr(&mut cpu, &mut ram, 0xe000_ed88, 0); // CPACR: no FPU for anyone
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // bx lr
    // UsageFault is disabled: HardFault, entered on the existing frame.
    assert_eq!(cpu.pc(), HARD_FAULT);
    assert_eq!(rd(&mut cpu, &mut ram, CFSR), 1 << 19, "NOCP");
    assert_eq!(cpu.reg(Reg::R(14)), 0xffff_ffe9, "EXC_RETURN kept");
    assert_eq!(cpu.reg(Reg::Msp), frame, "nothing unstacked or stacked");
}

#[test]
fn lazy_save_past_the_stack_limit_writes_nothing() {
    // msr msplim, r3; vmov s0, r2; nop; nop; b .
    let (mut cpu, mut ram) = machine(&[0xf383, 0x880a, 0xee00, 0x2a10, 0xbf00, 0xbf00, 0xe7fe]);
    cpu.set_reg(Reg::R(3), 0x7fa0); // above the extended frame's base (0x7f98)
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    cpu.set_reg(Reg::R(2), 0x3f80_0000);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    for a in (0x7f00..0x8000).step_by(4) {
        wr(&mut cpu, &mut ram, a, 0xa5a5_a5a5);
    }
    cpu.set_irq_pending(0);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    assert_eq!(cpu.pc(), IRQ_FP);
    assert_eq!(cpu.reg(Reg::Msp), 0x7fa0, "SP stops at the limit");
    assert_eq!(rd(&mut cpu, &mut ram, CFSR), 1 << 20, "STKOF");
    let fpccr = rd(&mut cpu, &mut ram, FPCCR);
    assert_eq!(
        fpccr & (LSPACT | 1 << 9),
        LSPACT | 1 << 9,
        "SPLIMVIOL recorded"
    );
    assert_eq!(rd(&mut cpu, &mut ram, FPCAR), 0x7f98 + 0x20);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped); // vmov r0, s0
    assert_eq!(rd(&mut cpu, &mut ram, FPCCR) & LSPACT, 0);
    assert_eq!(
        rd(&mut cpu, &mut ram, 0x7f98 + 0x20),
        0xa5a5_a5a5,
        "nothing written"
    );
}

#[test]
fn nocp_when_the_fpu_is_disabled() {
    let (mut cpu, mut ram) = machine(&THREAD_FP);
    wr(&mut cpu, &mut ram, 0xe000_ed88, 0);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    assert_eq!(cpu.pc(), HARD_FAULT);
    assert_eq!(rd(&mut cpu, &mut ram, CFSR), 1 << 19, "NOCP");
}

/// tt r0, r1 / ttt r0, r1 / tta r0, r1 at 0x100.
fn tt_machine(second: u16) -> (Cpu, Ram) {
    machine(&[0xe841, second, 0xe7fe])
}

#[test]
fn tt_reports_the_mpu_region_and_permissions() {
    // MPU off: the default map grants read and write; no region.
    let (mut cpu, mut ram) = tt_machine(0xf000);
    cpu.set_reg(Reg::R(1), 0x4000);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    assert_eq!(cpu.reg(Reg::R(0)), 0x000c_0000);

    // Region 3: [0, 0xffff], read-only for privileged code only (AP = 2).
    for ttt in [false, true] {
        let (mut cpu, mut ram) = tt_machine(if ttt { 0xf040 } else { 0xf000 });
        wr(&mut cpu, &mut ram, 0xe000_ed98, 3); // RNR
        wr(&mut cpu, &mut ram, 0xe000_ed9c, 2 << 1); // RBAR: base 0, AP 2
        wr(&mut cpu, &mut ram, 0xe000_eda0, 0xffe0 | 1); // RLAR: limit, enable
        wr(&mut cpu, &mut ram, 0xe000_ed94, 1); // MPU on
        cpu.set_reg(Reg::R(1), 0x4000);
        assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
        // MREGION 3, MRVALID; R for privileged (TT), nothing unprivileged (TTT).
        let r = if ttt { 0 } else { 1 << 18 };
        assert_eq!(cpu.reg(Reg::R(0)), 3 | 1 << 16 | r, "ttt {ttt}");
    }
}

#[test]
fn tta_is_undefined_without_the_security_extension() {
    let (mut cpu, mut ram) = tt_machine(0xf080);
    assert_eq!(cpu.step(&mut ram), StopReason::Stepped);
    assert_eq!(cpu.pc(), HARD_FAULT);
    assert_eq!(rd(&mut cpu, &mut ram, CFSR), 1 << 16, "UNDEFINSTR");
}

#[test]
fn tt_disassembles() {
    assert_eq!(
        mb4_armv8m::disasm::describe(0x100, 0xe841, 0xf0c0),
        "ttat r0, r1"
    );
    assert_eq!(
        mb4_armv8m::disasm::describe(0x100, 0xe841, 0xf040),
        "ttt r0, r1"
    );
}
