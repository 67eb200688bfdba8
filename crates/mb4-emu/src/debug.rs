//! The machines as a debugger drives them ([`mb4_gdb::Machine`]), for
//! `mb4 emu run --gdb PORT`.
//!
//! A debugged run goes a slice at a time, so the stub can look for the
//! debugger's interrupt in between. Slices are cut by instruction count and
//! emulated time only, never by the wall clock: the same program and the
//! same debugger commands give the same run.

use crate::bare_m33::BareM33;
use crate::da1469x::{Da1469x, Exit, Until};
use crate::semihosting::{self, Host, Outcome};
use mb4_armv8m::{Bus, BusError, Cpu, Size, StopReason};
use mb4_gdb::{Halt, Machine, Slice};
use mb4_periph::time::Instant;
use std::io::Write;

/// Core cycles in one slice of a debugged bare-m33 run (a few ms of host time).
const BARE_SLICE_CYCLES: u64 = 200_000;
/// Instructions in one slice of a debugged da1469x run.
const DA_SLICE_INSTRUCTIONS: u64 = 200_000;
/// Emulated time in one slice of a debugged da1469x run, so that a sleeping
/// core still hands control back often.
const DA_SLICE_TIME: Instant = Instant::from_millis(10);

/// A bare-m33 machine under a debugger, with semihosting going to `host`.
#[derive(Debug)]
pub struct DebugBareM33<'a, 'h> {
    pub machine: &'a mut BareM33,
    pub host: &'a mut Host<'h>,
}

impl DebugBareM33<'_, '_> {
    fn after(&mut self, stop: StopReason) -> Slice {
        let m = &mut *self.machine;
        match stop {
            StopReason::Budget => Slice::Running,
            StopReason::Stepped => Slice::Stopped(Halt::Stepped),
            StopReason::Semihosting => {
                match semihosting::service(&mut m.cpu, &mut m.ram, self.host) {
                    Outcome::Exit(code) => Slice::Stopped(Halt::Exited(code)),
                    Outcome::Continue => Slice::Running,
                }
            }
            StopReason::Sleeping if m.cpu.next_own_event().is_none() => Slice::Idle,
            StopReason::Sleeping => Slice::Running,
            StopReason::Bkpt { .. } => Slice::Stopped(Halt::Bkpt),
            StopReason::Breakpoint { .. } => Slice::Stopped(Halt::Breakpoint),
            StopReason::Watchpoint { addr, kind } => {
                Slice::Stopped(Halt::Watchpoint { addr, kind })
            }
            StopReason::Lockup => Slice::Stopped(Halt::Lockup),
            StopReason::ResetRequest => match m.reset() {
                Ok(()) => Slice::Running,
                Err(_) => Slice::Stopped(Halt::Lockup),
            },
        }
    }
}

impl Machine for DebugBareM33<'_, '_> {
    fn cpu(&mut self) -> &mut Cpu {
        &mut self.machine.cpu
    }

    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        let m = &mut *self.machine;
        if mb4_armv8m::system::is_ppb(addr) {
            m.cpu.debug_read(&mut m.ram, addr, size)
        } else {
            m.ram.read(addr, size)
        }
    }

    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        let m = &mut *self.machine;
        m.cpu.debug_write(&mut m.ram, addr, size, value)
    }

    fn run_slice(&mut self) -> Slice {
        let stop = self
            .machine
            .cpu
            .run(&mut self.machine.ram, BARE_SLICE_CYCLES);
        let slice = self.after(stop);
        let _ = self.host.stdout.flush();
        slice
    }

    fn step(&mut self) -> Slice {
        let stop = self.machine.cpu.step(&mut self.machine.ram);
        match self.after(stop) {
            Slice::Running | Slice::Idle => Slice::Stopped(Halt::Stepped),
            s => s,
        }
    }

    fn reset(&mut self) -> Result<(), String> {
        self.machine.reset().map_err(|e| e.to_string())
    }

    fn describe(&self) -> String {
        "bare-m33 (Cortex-M33 with RAM where QEMU mps2-an505 has it)".into()
    }
}

/// A DA1469x machine under a debugger; the console and reports go where a
/// plain run sends them.
pub struct DebugDa1469x<'a> {
    pub machine: &'a mut Da1469x,
    pub console: &'a mut dyn Write,
    pub reports: &'a mut dyn Write,
    /// A name for `monitor version` (the board).
    pub name: String,
}

impl std::fmt::Debug for DebugDa1469x<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DebugDa1469x")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Machine for DebugDa1469x<'_> {
    fn cpu(&mut self) -> &mut Cpu {
        &mut self.machine.cpu
    }

    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError> {
        self.machine.debug_read(addr, size)
    }

    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError> {
        self.machine.debug_write(addr, size, value)
    }

    fn run_slice(&mut self) -> Slice {
        let until = Until {
            time: Some(Instant(self.machine.now().0 + DA_SLICE_TIME.0)),
            max_instructions: Some(DA_SLICE_INSTRUCTIONS),
            ..Until::default()
        };
        match self.machine.run(&until, self.console, self.reports) {
            Exit::Time | Exit::InstructionLimit | Exit::UartText | Exit::Pc => Slice::Running,
            Exit::Breakpoint { .. } => Slice::Stopped(Halt::Breakpoint),
            Exit::Watchpoint { addr, kind } => Slice::Stopped(Halt::Watchpoint { addr, kind }),
            Exit::Lockup { .. } => Slice::Stopped(Halt::Lockup),
            Exit::Bkpt { .. } => Slice::Stopped(Halt::Bkpt),
            // Nothing runs until the debugger resets or rewrites something.
            Exit::AsleepForever { .. } | Exit::BootFailed(_) => Slice::Idle,
        }
    }

    fn step(&mut self) -> Slice {
        match self.machine.step(self.console, self.reports) {
            StopReason::Lockup => Slice::Stopped(Halt::Lockup),
            StopReason::Bkpt { .. } | StopReason::Semihosting => Slice::Stopped(Halt::Bkpt),
            StopReason::Watchpoint { addr, kind } => {
                Slice::Stopped(Halt::Watchpoint { addr, kind })
            }
            _ => Slice::Stopped(Halt::Stepped),
        }
    }

    fn reset(&mut self) -> Result<(), String> {
        self.machine.chip_reset().map_err(|e| e.to_string())
    }

    fn describe(&self) -> String {
        format!("da1469x on board {}", self.name)
    }
}
