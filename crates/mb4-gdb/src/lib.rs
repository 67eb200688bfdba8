//! A GDB remote stub for emulated Cortex-M machines.
//!
//! The protocol comes from the `gdbstub` crate; this crate adds what an
//! ARMv8-M core looks like to GDB ([`arch`]: the target description and the
//! register layout) and what a debugger needs of a machine ([`Machine`]).
//! It knows nothing of any particular chip or board: `mb4-emu`'s machines
//! implement [`Machine`], and `mb4 emu run --gdb PORT` calls [`serve`].
//!
//! ```text
//!  gdb / mb4 dump --gdb ──TCP──► serve ─► gdbstub ─► Session ─► Machine (mb4-emu)
//! ```

#![forbid(unsafe_code)]

pub mod arch;
mod conn;
pub mod machine;
mod stub;

pub use machine::{Halt, Machine, Slice};
pub use stub::{Ended, MONITOR_HELP, ServeError, serve};
