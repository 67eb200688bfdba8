//! Talk to a halted DA1469x through a debug probe, and read and write its flash.
//!
//! Layers, bottom up:
//!
//! * [`target`]: the [`Target`] trait — what a tool needs of a halted chip
//!   (memory in bulk and by single accesses of a given width, halt, resume,
//!   reset, registers). Every transport implements it.
//! * [`rsp`]: a GDB remote-serial-protocol client, [`rsp::GdbClient`], the
//!   transport for J-Link GDB Server, OpenOCD, pyOCD, Black Magic Probe,
//!   probe-rs's GDB server and `mb4 emu --gdb`. Server differences (how to
//!   say "reset and halt") live in [`rsp::dialect`].
//! * [`qspi`]: the DA1469x QSPI controller in manual mode, driving the NOR
//!   flash command by command ([`qspi::QspiFlash`]), as ezFlashCLI does.
//! * [`loader`]: the RAM-resident flash loader (`band/loader`), the same
//!   [`qspi::FlashAccess`] as `QspiFlash` at a fraction of the wire traffic.
//! * [`fake`]: test doubles — a fake DA1469x ([`fake::FakeChip`]: RAM,
//!   chip-ID registers, QSPIC with a NOR part behind it) and an in-process GDB
//!   server ([`fake::GdbServer`]) that serves any `Target`, with faults to
//!   inject. Used by the tests here and by the `mb4` command's tests.
//!
//! * `direct` (cargo feature `probe-rs`): USB probes (J-Link, CMSIS-DAP v2,
//!   ST-Link) through the probe-rs crate, a second [`Target`]; nothing above
//!   [`target`] depends on GDB.

#![forbid(unsafe_code)]

pub mod backup;
pub mod band;
#[cfg(feature = "probe-rs")]
pub mod direct;
pub mod fake;
pub mod loader;
pub mod qspi;
pub mod rsp;
pub mod target;
pub mod write;

mod error;

pub use error::ProbeError;
pub use target::{Registers, StopReason, Target, XPSR};
