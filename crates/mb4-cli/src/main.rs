//! `mb4`: free a Xiaomi Mi Band 4, and develop firmware for it without a band.
//!
//! One file per command under `cmd/`, each with a clap `Cmd` and a `run()`.

#![forbid(unsafe_code)]

mod cmd;

use clap::{Parser, Subcommand};

/// Tools for the Xiaomi Mi Band 4 (DA14697): flash images, an emulator, and a flasher.
///
/// Typical first steps with no band at hand:
///
///   mb4 chip map                   where things live on the DA1469x
///   mb4 board show                 the Mi Band 4's wiring, verified or guessed
///   mb4 image build zephyr.elf -o flash.bin   a flash image the boot ROM accepts
///   mb4 image inspect flash.bin    decode and check an image or a flash dump
///
/// With a band on a debug probe (through its GDB server):
///
///   mb4 probe --gdb localhost:3333 what chip, flash, lock state and firmware it has
///   mb4 dump --gdb localhost:3333 -o backup.bin    back it up first
///   mb4 flash --gdb localhost:3333 flash.bin       then write your own
///
/// Every report takes --json for scripts.
#[derive(Debug, Parser)]
#[command(name = "mb4", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Facts about the DA1469x: memory map, register blocks, interrupts.
    Chip(cmd::chip::Cmd),
    /// Board descriptions: which part sits on which pin, and what is verified.
    Board(cmd::board::Cmd),
    // Its help (with examples) is the doc comment of `cmd::image::Cmd`.
    Image(cmd::image::Cmd),
    /// Run programs on an emulated machine (bare-m33 for CPU tests; DA1469x boards).
    Emu(cmd::emu::Cmd),
    /// Measure the emulator's speed (the CPU core against QEMU).
    Bench(cmd::bench::Cmd),
    /// Identify a band over SWD: chip, flash part, debugger and secure-boot state, headers.
    Probe(cmd::probe::Cmd),
    /// Back up the whole flash of a band (read twice, SHA-256 manifest, resumable).
    Dump(cmd::dump::Cmd),
    /// Write a flash image to a band, power-cut-safe, after a backup.
    Flash(cmd::flash::Cmd),
    /// Erase flash sectors or the whole part.
    Erase(cmd::erase::Cmd),
    /// Reset the band (and let it boot, or halt it).
    Reset(cmd::reset::Cmd),
    /// Load a RAM-linked ELF into the band's SysRAM and run it; flash untouched.
    Run(cmd::run::Cmd),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Chip(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Board(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Image(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        // Passes on the guest program's exit status.
        Command::Emu(cmd) => cmd.run(),
        Command::Bench(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Probe(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Dump(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Flash(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Erase(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Reset(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
        Command::Run(cmd) => cmd.run().map(|()| std::process::ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
