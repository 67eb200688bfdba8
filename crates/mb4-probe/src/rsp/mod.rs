//! The GDB remote serial protocol, client side.
//!
//! * [`packet`]: framing, checksums, escapes, run-length encoding, hex.
//! * [`client`]: [`GdbClient`], a [`crate::Target`] over TCP.
//! * [`dialect`]: which server we talk to and how it resets.
//! * [`tdesc`]: register numbers from the server's target description.

pub mod client;
pub mod dialect;
pub mod packet;
pub mod tdesc;

pub use client::{GdbClient, GdbOptions, WireStats};
pub use dialect::Server;
