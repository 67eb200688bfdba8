//! `mb4 emu`: run programs on an emulated machine.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use mb4_emu::bare_m33::{self, BareM33, Exit};
use mb4_emu::semihosting::Host;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Run firmware or test programs on an emulated machine.
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Run an ELF program until it exits through semihosting.
    ///
    /// The guest's semihosting output goes to stdout (and its fd 2 to stderr);
    /// its exit status becomes this command's. A summary line (instructions,
    /// emulated cycles, speed) goes to stderr at the end.
    ///
    ///   mb4 emu run --machine bare-m33 hello.elf
    Run(RunArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Machine {
    /// A Cortex-M33 with 4 MiB RAM regions where QEMU mps2-an505 has code and
    /// SRAM (0x0, 0x1000_0000, 0x2000_0000, 0x2800_0000, 0x3000_0000, 0x3800_0000);
    /// boots from 0x1000_0000 when the program loads there. Programs linked for
    /// `qemu-system-arm -M mps2-an505 -semihosting` run unchanged.
    BareM33,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The machine to emulate.
    #[arg(long, value_enum, default_value = "bare-m33")]
    machine: Machine,
    /// Stop after this many instructions (a safety stop; exit status 124).
    #[arg(long, default_value_t = 10_000_000_000)]
    max_instructions: u64,
    /// Print each instruction to stderr before it runs (slow).
    #[arg(long)]
    trace: bool,
    /// Do not print the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// The ELF program.
    elf: PathBuf,
}

impl Cmd {
    pub fn run(self) -> Result<std::process::ExitCode> {
        match self.what {
            What::Run(args) => run(args),
        }
    }
}

fn run(args: RunArgs) -> Result<std::process::ExitCode> {
    let bytes =
        std::fs::read(&args.elf).with_context(|| format!("cannot read {}", args.elf.display()))?;
    let Machine::BareM33 = args.machine;
    let mut m = BareM33::new();
    m.load_elf(&bytes)
        .with_context(|| format!("cannot load {}", args.elf.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let mut stdin = std::io::stdin();
    let mut trace_err = std::io::stderr();
    let started = Instant::now();
    let exit = {
        let mut host = Host {
            stdout: &mut out,
            stderr: &mut err,
            stdin: Some(&mut stdin),
            clock_hz: bare_m33::CLOCK_HZ,
        };
        let trace: Option<&mut dyn Write> = if args.trace {
            Some(&mut trace_err)
        } else {
            None
        };
        m.run(&mut host, args.max_instructions, trace)
    };
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    let insns = m.cpu.instructions();
    if !args.quiet {
        eprintln!(
            "mb4 emu: {insns} instructions, {} cycles, {:.3} s, {:.1} MIPS",
            m.cpu.cycles(),
            secs,
            insns as f64 / secs.max(1e-9) / 1e6
        );
    }
    let code = match exit {
        Exit::Exited(code) => code,
        Exit::InstructionLimit => {
            eprintln!(
                "mb4 emu: stopped after {} instructions (--max-instructions)",
                args.max_instructions
            );
            124
        }
        Exit::Lockup { pc } => {
            bail!("the core locked up (a fault during a fault handler), PC {pc:#010x}")
        }
        Exit::Bkpt { pc, imm } => bail!("BKPT #{imm:#x} at {pc:#010x} with no debugger attached"),
        Exit::AsleepForever { pc } => {
            bail!("the core sleeps (WFI/WFE at {pc:#010x}) and nothing can wake it")
        }
    };
    Ok(std::process::ExitCode::from(code as u8))
}
