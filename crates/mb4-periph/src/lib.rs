//! Building blocks for emulated peripherals.
//!
//! * [`regmap`]: registers declared as data — offset, reset value, fields with
//!   their access mode (read/write, read-only, write-1-to-clear, …) — in the
//!   manner of Renode's register collections. A model declares its block with
//!   [`regmap!`](crate::regmap!) using the names of `DA1469xAB.h`, and reacts to
//!   the [`regmap::Write`] effects a bus write produces.
//! * [`time`]: emulated time in picoseconds and drift-free clock arithmetic.
//!   Nothing here reads the wall clock: the same inputs give the same run.
//! * [`device`]: the interface every memory-mapped model implements, and the
//!   context through which it raises interrupts.
//! * [`part`]: the interface of board parts (I²C targets, MIPI-DBI panels, pins).

#![forbid(unsafe_code)]

pub mod device;
pub mod part;
pub mod regmap;
pub mod time;
