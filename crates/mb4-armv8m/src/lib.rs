//! An ARMv8-M Mainline core — the Cortex-M33 of the DA1469x — generic over a [`Bus`].
//!
//! * [`Cpu`]: architectural state, [`Cpu::run`] with a cycle budget and a
//!   [`StopReason`], [`Cpu::step`], debug access (registers, memory, breakpoints).
//! * [`Bus`]: what the machine provides: sized reads and writes that can fail
//!   with a [`BusError`] (a BusFault in the guest, never a panic).
//! * The core's own system blocks (NVIC, SCB, SysTick, MPU registers, DWT,
//!   FPU control) are served by the core before the bus is asked.
//! * Decoding is generated from pattern tables (`decode/*.decode`) into the
//!   [`decode::Op`] enum that the executor and the disassembler share.
//!
//! Hot blocks are translated to host code (`jit` feature, on by default; see
//! `src/jit/`), with the interpreter's results cycle for cycle.
//!
//! Time is counted in cycles (one per instruction plus simple extras for
//! multi-register transfers, divides and exception entry): the same program
//! and inputs give the same run.

mod alu;
mod block;
pub mod bus;
mod cache;
mod cpu;
pub mod decode;
pub mod disasm;
mod exception;
mod exec;
mod exec_fp;
mod fp_context;
pub mod fpu;
#[cfg(feature = "jit")]
mod jit;
mod run;
pub mod system;

pub use bus::{Bus, BusError, DirectMemory, DirectWindows, Size};
pub use cpu::{Config, Cpu, DEFAULT_JIT_THRESHOLD, Reg, StopReason, WatchKind, exc};
pub use exception::Fault;
