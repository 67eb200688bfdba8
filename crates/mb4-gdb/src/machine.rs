//! What the stub needs of a machine. The machines of `mb4-emu` implement
//! [`Machine`]; the stub knows nothing else of them.

use mb4_armv8m::{BusError, Cpu, Size, WatchKind};

/// An emulated machine with a Cortex-M core, as a debugger drives it.
pub trait Machine {
    /// The core: registers, breakpoints and watchpoints go straight to it.
    fn cpu(&mut self) -> &mut Cpu;

    /// One access of `size` at `addr` (aligned to `size`), with the side effects
    /// an access through the chip's debug port has: reading a FIFO register pops
    /// it, writing a flash controller's data register clocks the byte out.
    /// The core's own registers (0xE000_0000..0xE010_0000) included.
    fn read(&mut self, addr: u32, size: Size) -> Result<u32, BusError>;

    /// See [`Machine::read`]. Code the core decoded from memory the write
    /// changes must be forgotten.
    fn write(&mut self, addr: u32, size: Size, value: u32) -> Result<(), BusError>;

    /// Runs for a while: short enough (in real time) that the stub sees a
    /// debugger's interrupt promptly, and the same length for the same state,
    /// so a debugged run is as deterministic as the debugger's commands.
    fn run_slice(&mut self) -> Slice;

    /// Executes one instruction (or takes one exception).
    fn step(&mut self) -> Slice;

    /// Resets the whole system as the reset pin would and leaves the core
    /// halted before its first instruction.
    fn reset(&mut self) -> Result<(), String>;

    /// One line naming the machine, for `monitor version`.
    fn describe(&self) -> String;
}

/// What a slice of running ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// Still running; nothing for the debugger.
    Running,
    /// Nothing will happen until the debugger acts (the core sleeps and no
    /// event can wake it): the stub may wait for the debugger without burning
    /// the host's CPU.
    Idle,
    /// The core stopped.
    Stopped(Halt),
}

/// Why the core stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// One instruction done ([`Machine::step`]).
    Stepped,
    /// At a debugger breakpoint, not yet executed.
    Breakpoint,
    /// After an instruction that touched a watched address.
    Watchpoint { addr: u32, kind: WatchKind },
    /// At a `BKPT` instruction in the program.
    Bkpt,
    /// The program exited (semihosting) with this status.
    Exited(i32),
    /// The core locked up.
    Lockup,
}
