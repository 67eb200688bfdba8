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
    /// Run a program on an emulated machine.
    ///
    /// bare-m33: an ELF program runs until it exits through semihosting; its
    /// output goes to stdout (fd 2 to stderr) and its exit status becomes
    /// this command's.
    ///
    /// da1469x (chosen by --machine da1469x or --board): the input is the
    /// flash image a user would write (`mb4 image build` output, or a dump),
    /// a bare 'Qq' image, or an ELF linked for image address 0x2000. The boot
    /// ROM's behaviour boots it; the board's console UART goes to stdout;
    /// accesses to what is not modelled are reported on stderr with the PC.
    /// It runs until --until-time/--until-uart/--until-pc (or forever).
    ///
    /// A summary line (instructions, emulated time, speed) goes to stderr at the end.
    ///
    /// With --gdb PORT the machine waits, halted at its first instruction,
    /// for a debugger on 127.0.0.1:PORT (0 picks a free port; the address is
    /// printed on stderr): gdb-multiarch (`target extended-remote :PORT`), or
    /// mb4's own `mb4 probe|dump|flash --gdb 127.0.0.1:PORT`. When a debugger
    /// detaches the machine runs on, and the next one can attach. `monitor
    /// reset` resets the whole system (boot ROM included) and halts.
    ///
    ///   mb4 emu run --machine bare-m33 hello.elf
    ///   mb4 emu run --machine bare-m33 --gdb 3333 hello.elf
    ///   mb4 emu run flash.bin --board da1469x_dk_pro --until-uart 'Hello World'
    ///   mb4 emu run flash.bin --board mi_band_4 --until-time 2s --screenshot face.png
    ///   mb4 emu run flash.bin --board mi_band_4 --until-time 10s --events walk.txt --preview
    ///   mb4 emu run flash.bin --board mi_band_4 --uart tcp:4444     (then: nc 127.0.0.1 4444)
    ///   mb4 emu run flash.bin --board mi_band_4 --gdb 0
    #[command(verbatim_doc_comment)]
    Run(RunArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Machine {
    /// A Cortex-M33 with 4 MiB RAM regions where QEMU mps2-an505 has code and
    /// SRAM (0x0, 0x1000_0000, 0x2000_0000, 0x2800_0000, 0x3000_0000, 0x3800_0000);
    /// boots from 0x1000_0000 when the program loads there. Programs linked for
    /// `qemu-system-arm -M mps2-an505 -semihosting` run unchanged.
    BareM33,
    /// A DA1469x SoC with its flash on a board (`--board`, default
    /// da1469x_dk_pro), booting a flash image through the boot ROM's behaviour.
    Da1469x,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The machine to emulate (default: bare-m33, or da1469x with --board).
    #[arg(long, value_enum)]
    machine: Option<Machine>,
    /// The board (da1469x machine): its flash part, clocks and console.
    /// `mb4 board list` shows them.
    #[arg(long)]
    board: Option<String>,
    /// da1469x: stop at this emulated time (`10s`, `250ms`, `1h`).
    #[arg(long, value_parser = parse_duration)]
    until_time: Option<u64>,
    /// da1469x: stop once the console has printed this text.
    #[arg(long)]
    until_uart: Option<String>,
    /// da1469x: stop when the core reaches this address (hex with 0x).
    #[arg(long, value_parser = parse_address)]
    until_pc: Option<u32>,
    /// Stop after this many instructions (a safety stop; exit status 124).
    #[arg(long, default_value_t = 10_000_000_000)]
    max_instructions: u64,
    /// Print each instruction to stderr before it runs (slow).
    #[arg(long)]
    trace: bool,
    /// Do not print the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Print the summary as JSON (bare-m33; still on stderr: stdout is the guest's).
    #[arg(long)]
    json: bool,
    /// da1469x: write what the board's panel shows at the end of the run as
    /// a PNG (the glass only: 120x240 on the Mi Band 4).
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// da1469x: where the console UART goes. `stdio` (default): its output on
    /// stdout. `tcp:PORT`: a terminal on 127.0.0.1:PORT both ways (the run
    /// waits for it to connect; `nc 127.0.0.1 PORT` or `telnet`), so Zephyr's
    /// shell can be used.
    #[arg(long, value_name = "stdio|tcp:PORT", default_value = "stdio")]
    uart: String,
    /// da1469x: a script of what happens to the band, and when: touches, the
    /// touch key, steps, heart rate, wear, charger, battery. One event per
    /// line, e.g. `1.5s key down`, `3s walk 110`, `4s heart-rate 72`;
    /// `crates/mb4-emu/src/events.rs` lists them all.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// da1469x: show what the panel shows at the end, in colour, on stderr
    /// (a terminal with 24-bit colour).
    #[arg(long)]
    preview: bool,
    /// When to translate a block of guest code to host code: after it has
    /// run N times interpreted (0: at once), or `off` to interpret only.
    /// Changes speed, never results: runs are identical, instruction for
    /// instruction, either way.
    #[arg(long, value_name = "N|off", default_value_t = JitSetting(Some(mb4_emu::DEFAULT_JIT_THRESHOLD)))]
    jit: JitSetting,
    /// Serve the GDB remote protocol on 127.0.0.1:PORT (0: any free port)
    /// and wait for a debugger before running. The --until options do not
    /// apply: the debugger decides.
    #[arg(long, value_name = "PORT")]
    gdb: Option<u16>,
    /// The program: an ELF (bare-m33, da1469x) or a flash image (da1469x).
    elf: PathBuf,
}

/// `--jit N|off`.
#[derive(Debug, Clone, Copy)]
pub struct JitSetting(pub Option<u32>);

impl std::str::FromStr for JitSetting {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "off" {
            return Ok(JitSetting(None));
        }
        s.parse()
            .map(|n| JitSetting(Some(n)))
            .map_err(|_| format!("expected a number of runs or `off`, not `{s}`"))
    }
}

impl std::fmt::Display for JitSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "off"),
        }
    }
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
    let machine = args.machine.unwrap_or(if args.board.is_some() {
        Machine::Da1469x
    } else {
        Machine::BareM33
    });
    if let Machine::Da1469x = machine {
        return crate::cmd::emu_da1469x::run(
            &bytes,
            &args.elf,
            crate::cmd::emu_da1469x::Options {
                board: args.board.as_deref().unwrap_or("da1469x_dk_pro"),
                until_time_ps: args.until_time,
                until_uart: args.until_uart.clone(),
                until_pc: args.until_pc,
                max_instructions: args.max_instructions,
                quiet: args.quiet,
                gdb: args.gdb,
                screenshot: args.screenshot.clone(),
                events: args.events.clone(),
                uart: args.uart.clone(),
                preview: args.preview,
                jit: args.jit.0,
            },
        );
    }
    let mut m = BareM33::new();
    m.cpu.set_jit_threshold(args.jit.0);
    m.load_elf(&bytes)
        .with_context(|| format!("cannot load {}", args.elf.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let mut stdin = std::io::stdin();
    let mut trace_err = std::io::stderr();
    let started = Instant::now();
    if let Some(port) = args.gdb {
        let listener = listen_for_gdb(port)?;
        let mut host = Host {
            stdout: &mut out,
            stderr: &mut err,
            stdin: None,
            clock_hz: bare_m33::CLOCK_HZ,
        };
        let mut target = mb4_emu::debug::DebugBareM33 {
            machine: &mut m,
            host: &mut host,
        };
        let ended = mb4_gdb::serve(&mut target, &listener, &mut std::io::stderr())?;
        out.flush()?;
        return Ok(std::process::ExitCode::from(gdb_exit_code(ended)));
    }
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
    let mips = insns as f64 / secs.max(1e-9) / 1e6;
    let (unmodelled, last_unmodelled) = m.cpu.unmodelled_system_accesses();
    if args.json {
        let summary = serde_json::json!({
            "exit": format!("{exit:?}"),
            "instructions": insns,
            "cycles": m.cpu.cycles(),
            "seconds": secs,
            "mips": mips,
            "translated_blocks": m.cpu.translated_blocks(),
            "unmodelled_system_register_accesses": unmodelled,
        });
        eprintln!("{summary}");
    } else if !args.quiet {
        eprintln!(
            "mb4 emu: {insns} instructions, {} cycles, {secs:.3} s, {mips:.1} MIPS, {} blocks translated",
            m.cpu.cycles(),
            m.cpu.translated_blocks()
        );
    }
    if unmodelled > 0 && !args.json {
        eprintln!(
            "mb4 emu: warning: {unmodelled} accesses to system registers mb4 does not model \
             (read as zero, writes ignored); the last at {last_unmodelled:#010x}"
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

/// Opens the GDB port and says where it is (tests read the line to find port 0's pick).
pub(crate) fn listen_for_gdb(port: u16) -> Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen for gdb on 127.0.0.1:{port}"))?;
    let addr = listener.local_addr()?;
    eprintln!("mb4 emu: waiting for gdb on {addr} (target extended-remote {addr})");
    Ok(listener)
}

/// The exit status for how a debugged run ended.
pub(crate) fn gdb_exit_code(ended: mb4_gdb::Ended) -> u8 {
    match ended {
        mb4_gdb::Ended::Exited(code) => code as u8,
        mb4_gdb::Ended::Killed => {
            eprintln!("mb4 emu: killed by the debugger");
            0
        }
    }
}

/// `10s`, `250ms`, `30us`, `2m`, `1h` (or plain seconds) → picoseconds.
fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a number with a unit, like 10s or 250ms"))?;
    let ps_per_unit: f64 = match unit {
        "" | "s" => 1e12,
        "ms" => 1e9,
        "us" => 1e6,
        "ns" => 1e3,
        "m" | "min" => 60e12,
        "h" => 3600e12,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?} (use h, m, s, ms, us, ns)"
            ));
        }
    };
    Ok((value * ps_per_unit).round() as u64)
}

fn parse_address(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let hex = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"));
    match hex {
        Some(h) => u32::from_str_radix(&h.replace('_', ""), 16),
        None => t.parse(),
    }
    .map_err(|_| format!("{s:?} is not an address (write hex as 0x1600_2400)"))
}
