//! Emulated machines built on the [`mb4_armv8m`] core.
//!
//! * [`bare_m33`]: a Cortex-M33 with RAM where QEMU's `mps2-an505` has code and
//!   SRAM, for CPU test programs linked to run unchanged on QEMU.
//! * [`semihosting`]: the ARM semihosting calls test programs use to print and exit.
//! * [`elf`]: loading ELF program segments.

#![forbid(unsafe_code)]

pub mod bare_m33;
pub mod elf;
pub mod ram;
pub mod semihosting;
