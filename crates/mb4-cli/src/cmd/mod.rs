//! One module per `mb4` subcommand.

pub mod chip;
