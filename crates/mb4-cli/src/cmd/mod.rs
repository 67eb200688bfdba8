//! One module per `mb4` subcommand.

pub mod bench;
pub mod bench_flash;
pub mod board;
pub mod chip;
pub mod dump;
pub mod emu;
pub mod emu_da1469x;
pub mod erase;
pub mod flash;
pub mod image;
pub mod link;
pub mod probe;
pub mod reset;
pub mod run;
