//! Emulated machines built on the [`mb4_armv8m`] core.
//!
//! * [`bare_m33`]: a Cortex-M33 with RAM where QEMU's `mps2-an505` has code and
//!   SRAM, for CPU test programs linked to run unchanged on QEMU.
//! * [`da1469x`]: the DA1469x SoC with its flash, booting a flash image
//!   through the boot ROM's behaviour (boards `da1469x_dk_pro`, `mi_band_4`).
//! * [`semihosting`]: the ARM semihosting calls test programs use to print and exit.
//! * [`elf`]: loading ELF program segments.
//! * [`gdb_child`]: the band served to a debugger from a child `mb4 emu`,
//!   booting a flash image that only spins (benches and tests of GDB-side tools).

#![forbid(unsafe_code)]

/// After how many interpreted runs the core translates a block (`--jit`).
pub use mb4_armv8m::DEFAULT_JIT_THRESHOLD;

pub mod bare_m33;
pub mod board_parts;
pub mod da1469x;
pub mod debug;
pub mod elf;
pub mod events;
pub mod gdb_child;
pub mod ram;
pub mod semihosting;
