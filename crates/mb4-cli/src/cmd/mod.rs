//! One module per `mb4` subcommand.

pub mod board;
pub mod chip;
pub mod emu;
pub mod emu_da1469x;
pub mod image;
