//! `bare-m33`: a Cortex-M33 with RAM where QEMU's `mps2-an505` has its code and
//! SRAM regions, so CPU test programs linked for `qemu-system-arm -M mps2-an505`
//! run here unchanged. Output and exit go through semihosting.
//!
//! Memory: 4 MiB of RAM at each of [`RAM_BASES`]. Nothing else is mapped:
//! any other access is a BusFault in the guest.

use crate::elf::{self, ElfError};
use crate::ram::RamMap;
use crate::semihosting::{self, Host, Outcome};
use mb4_armv8m::{Bus, Config, Cpu, Reg, Size, StopReason, disasm};
use std::io::Write;

/// Where RAM is: QEMU mps2-an505's code and SRAM windows (secure and
/// non-secure aliases alike are plain, separate RAM here).
pub const RAM_BASES: [u32; 6] = [
    0x0000_0000,
    0x1000_0000,
    0x2000_0000,
    0x2800_0000,
    0x3000_0000,
    0x3800_0000,
];
/// Size of each RAM region.
pub const RAM_SIZE: u32 = 4 << 20;
/// The notional core clock, for semihosting's SYS_CLOCK/SYS_TIME only.
pub const CLOCK_HZ: u64 = 20_000_000;
/// Where QEMU's an505 boots from (its INITSVTOR).
pub const DEFAULT_VTOR: u32 = 0x1000_0000;
/// External interrupt lines on the NVIC (QEMU's an505 has 96).
pub const NUM_IRQ: u32 = 96;

/// The core as QEMU's mps2-an505 shows it to programs (so that test programs
/// print the same on both): 8 priority bits, 16 MPU regions, SysTick without
/// a reference clock (CALIB.NOREF).
pub fn bare_config() -> Config {
    Config {
        prio_bits: 8,
        mpu_regions: 16,
        systick_calib: 0x8000_0000,
        ..Config::cortex_m33(NUM_IRQ)
    }
}

/// Why a program cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Elf(#[from] ElfError),
    #[error("segment at {addr:#010x} ({size:#x} bytes) is not inside the machine's RAM")]
    Unbacked { addr: u32, size: u32 },
    #[error("cannot read the vector table at {vtor:#010x}")]
    NoVectors { vtor: u32 },
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// SYS_EXIT / SYS_EXIT_EXTENDED with this status.
    Exited(i32),
    /// The instruction limit was reached.
    InstructionLimit,
    /// The core locked up (a fault it could not escalate).
    Lockup { pc: u32 },
    /// A BKPT other than semihosting: no debugger to take it.
    Bkpt { pc: u32, imm: u8 },
    /// The core sleeps and nothing can wake it.
    AsleepForever { pc: u32 },
}

/// The machine.
#[derive(Debug)]
pub struct BareM33 {
    pub cpu: Cpu,
    pub ram: RamMap,
    vtor: u32,
}

impl Default for BareM33 {
    fn default() -> Self {
        BareM33::new()
    }
}

impl BareM33 {
    pub fn new() -> BareM33 {
        let mut ram = RamMap::new();
        for base in RAM_BASES {
            // Cannot fail: the bases are fixed, aligned and distinct.
            let _ = ram.add(base, RAM_SIZE);
        }
        BareM33 {
            cpu: Cpu::new(bare_config()),
            ram,
            vtor: DEFAULT_VTOR,
        }
    }

    /// Loads an ELF image and resets the core: VTOR is 0x1000_0000 when the image
    /// puts something there (as QEMU's an505 boots), else its lowest address.
    pub fn load_elf(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        let segs = elf::segments(bytes)?;
        for s in &segs {
            let size = s.mem_size.max(s.data.len() as u32);
            let Some(mem) = self.ram.slice_mut(s.addr, size as usize) else {
                return Err(LoadError::Unbacked { addr: s.addr, size });
            };
            mem[..s.data.len()].copy_from_slice(&s.data);
            mem[s.data.len()..].fill(0);
            self.cpu.invalidate_code(s.addr, size);
        }
        let covers = |a: u32| {
            segs.iter()
                .any(|s| a >= s.addr && a - s.addr < s.mem_size.max(1))
        };
        self.vtor = if covers(DEFAULT_VTOR) {
            DEFAULT_VTOR
        } else {
            segs.iter().map(|s| s.addr).min().unwrap_or(DEFAULT_VTOR)
        };
        self.reset()
    }

    /// Boots the core from the vector table.
    pub fn reset(&mut self) -> Result<(), LoadError> {
        let vtor = self.vtor;
        self.cpu
            .reset(&mut self.ram, vtor)
            .map_err(|_| LoadError::NoVectors { vtor })
    }

    /// Runs until the program exits, the core locks up or sleeps for good, or
    /// `max_instructions` have run. With `trace`, each instruction is
    /// described there before it runs (slow).
    pub fn run(
        &mut self,
        host: &mut Host<'_>,
        max_instructions: u64,
        trace: Option<&mut dyn Write>,
    ) -> Exit {
        self.run_sliced(host, max_instructions, 1 << 24, trace)
    }

    /// [`BareM33::run`], calling the core with budgets of at most `slice`
    /// cycles. The result never depends on the slicing (tests check it).
    pub fn run_sliced(
        &mut self,
        host: &mut Host<'_>,
        max_instructions: u64,
        slice: u64,
        mut trace: Option<&mut dyn Write>,
    ) -> Exit {
        let limit = self.cpu.instructions().saturating_add(max_instructions);
        loop {
            let left = limit.saturating_sub(self.cpu.instructions());
            if left == 0 {
                return Exit::InstructionLimit;
            }
            let stop = match trace.as_deref_mut() {
                Some(t) => {
                    self.trace_one(t);
                    self.cpu.step(&mut self.ram)
                }
                None => self.cpu.run(&mut self.ram, left.min(slice.max(1))),
            };
            match stop {
                StopReason::Budget
                | StopReason::Stepped
                | StopReason::Breakpoint { .. }
                | StopReason::Watchpoint { .. } => {}
                StopReason::Semihosting => {
                    if let Outcome::Exit(code) =
                        semihosting::service(&mut self.cpu, &mut self.ram, host)
                    {
                        return Exit::Exited(code);
                    }
                }
                StopReason::Sleeping => {
                    if self.cpu.next_own_event().is_none() {
                        return Exit::AsleepForever { pc: self.cpu.pc() };
                    }
                }
                StopReason::Bkpt { imm } => {
                    return Exit::Bkpt {
                        pc: self.cpu.pc(),
                        imm,
                    };
                }
                StopReason::Lockup => return Exit::Lockup { pc: self.cpu.pc() },
                StopReason::ResetRequest => {
                    if self.reset().is_err() {
                        return Exit::Lockup { pc: self.cpu.pc() };
                    }
                }
            }
        }
    }

    fn trace_one(&mut self, out: &mut dyn Write) {
        let pc = self.cpu.pc();
        let hw1 = self.ram.peek(pc, Size::Half).unwrap_or(0) as u16;
        let hw2 = self.ram.peek(pc.wrapping_add(2), Size::Half).unwrap_or(0) as u16;
        let text = disasm::describe(pc, hw1, hw2);
        let _ = writeln!(
            out,
            "{pc:08x}: {text}  [sp={:08x}]",
            self.cpu.reg(Reg::R(13))
        );
    }
}
