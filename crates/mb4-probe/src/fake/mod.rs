//! Test doubles: a fake DA1469x behind [`crate::Target`], the same with a
//! stand-in for the flash loader, and an in-process GDB server that serves
//! any `Target`.
//!
//! They are public so the `mb4` command's tests can run its commands end to
//! end over a real TCP link. They model only what the tools touch, strictly:
//! a QSPI flash command sent while the part would ignore it is recorded as a
//! violation, so a test fails when the sequence is wrong.

mod chip;
mod loader;
mod nor;
mod server;

pub use chip::{FakeChip, FakeChipConfig};
pub use loader::{FakeLoaderChip, LoaderFault};
pub use nor::{FakeNor, Transaction};
pub use server::{GdbServer, ServerConfig};
