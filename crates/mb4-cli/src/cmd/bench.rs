//! `mb4 bench`: speed figures, printed (never asserted in tests).

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use mb4_emu::bare_m33::{BareM33, Exit};
use mb4_emu::semihosting::Host;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Measure how fast the emulator runs.
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// The Cortex-M33 core against QEMU's deterministic mode.
    ///
    /// Runs mb4's CoreMark-like benchmark (tests/cpu/bench/bench.c: linked
    /// lists, a matrix multiply, a lexer state machine, CRC-16; self-checking)
    /// on the bare-m33 machine and on `qemu-system-arm -M mps2-an505 -icount
    /// shift=0,align=off,sleep=off` (one instruction per virtual nanosecond:
    /// QEMU's deterministic mode, the fair comparison for a deterministic
    /// emulator). Prints millions of guest instructions per second for each
    /// and the ratio.
    ///
    /// Both run the same ELF, so they execute the same instructions: mb4's
    /// count is used for both. QEMU's start-up time, measured on an empty
    /// program, is subtracted from its time. Each side's best of --runs.
    ///
    /// The program is compiled with arm-none-eabi-gcc -O2 unless an ELF is
    /// given (any program linked for mps2-an505 that exits through semihosting).
    ///
    ///   mb4 bench cpu
    ///   mb4 bench cpu --iterations 10000 --runs 5
    ///   mb4 bench cpu my-program.elf --no-qemu
    #[command(verbatim_doc_comment)]
    Cpu(CpuArgs),
    /// Programming the flash: the loader against QSPIC manual mode.
    ///
    /// Starts this mb4's emulator with a GDB stub (`mb4 emu run --gdb 0`),
    /// writes the same data with `mb4 flash --method qspic` and `--method
    /// loader` (a fresh emulator for each), checks the flash holds it, and
    /// prints throughput, packets and bytes on the wire per byte flashed,
    /// plus an estimate for a real probe (its round trip per packet
    /// dominates there). Build mb4 with --release for meaningful times.
    ///
    ///   mb4 bench flash
    ///   mb4 bench flash --kib 1024 --probe-rtt-ms 2
    #[command(verbatim_doc_comment)]
    Flash(super::bench_flash::FlashArgs),
}

#[derive(Debug, Args)]
struct CpuArgs {
    /// Iterations of the benchmark's main loop (about 46,000 instructions each).
    #[arg(long, default_value_t = 4000)]
    iterations: u32,
    /// Runs on each side; the best counts.
    #[arg(long, default_value_t = 3)]
    runs: u32,
    /// Only mb4 (no QEMU comparison).
    #[arg(long)]
    no_qemu: bool,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
    /// Benchmark this ELF instead of the built-in program.
    elf: Option<PathBuf>,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        match self.what {
            What::Cpu(args) => cpu(args),
            What::Flash(args) => super::bench_flash::run(args),
        }
    }
}

/// The benchmark and its runtime, built into mb4 so it works from any directory.
const SOURCES: [(&str, &str); 4] = [
    (
        "bench.c",
        include_str!("../../../../tests/cpu/bench/bench.c"),
    ),
    ("start.c", include_str!("../../../../tests/cpu/rt/start.c")),
    ("rt.h", include_str!("../../../../tests/cpu/rt/rt.h")),
    ("link.ld", include_str!("../../../../tests/cpu/rt/link.ld")),
];

const EMPTY_PROGRAM: &str = "#include \"rt.h\"\nint main(void) { return 0; }\n";

const QEMU_ARGS: [&str; 16] = [
    "-M",
    "mps2-an505",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "null",
    "-chardev",
    "stdio,id=semihosting,signal=off",
    "-semihosting-config",
    "enable=on,target=native,chardev=semihosting",
    "-icount",
    "shift=0,align=off,sleep=off",
    "-kernel",
    "", // the ELF
];

fn cpu(args: CpuArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("mb4-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let result = cpu_in(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn cpu_in(args: &CpuArgs, dir: &Path) -> Result<()> {
    let elf = match &args.elf {
        Some(p) => p.clone(),
        None => {
            for (name, text) in SOURCES {
                std::fs::write(dir.join(name), text)?;
            }
            std::fs::write(dir.join("empty.c"), EMPTY_PROGRAM)?;
            compile(dir, "bench.c", "bench.elf", args.iterations)?;
            dir.join("bench.elf")
        }
    };
    let bytes = std::fs::read(&elf).with_context(|| format!("cannot read {}", elf.display()))?;
    let runs = args.runs.max(1);

    let mut best_mb4 = f64::MAX;
    let mut instructions = 0;
    let mut output = Vec::new();
    for _ in 0..runs {
        let mut m = BareM33::new();
        m.load_elf(&bytes)
            .with_context(|| format!("cannot load {}", elf.display()))?;
        output.clear();
        let mut err = Vec::new();
        let started = Instant::now();
        let exit = {
            let mut host = Host {
                stdout: &mut output,
                stderr: &mut err,
                stdin: None,
                clock_hz: mb4_emu::bare_m33::CLOCK_HZ,
            };
            m.run(&mut host, u64::MAX, None)
        };
        let secs = started.elapsed().as_secs_f64();
        if exit != Exit::Exited(0) {
            bail!("the benchmark did not exit cleanly on mb4: {exit:?}");
        }
        instructions = m.cpu.instructions();
        best_mb4 = best_mb4.min(secs);
    }
    let printed = String::from_utf8_lossy(&output).trim().to_string();
    let mb4_mips = instructions as f64 / best_mb4 / 1e6;

    let qemu = if args.no_qemu {
        None
    } else if Command::new("qemu-system-arm")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "mb4 bench: qemu-system-arm not found; mb4's figure only (Debian: qemu-system-arm)"
        );
        None
    } else {
        let startup = if args.elf.is_none() {
            compile(dir, "empty.c", "empty.elf", 0)?;
            best_qemu(&dir.join("empty.elf"), runs, None)?
        } else {
            0.0
        };
        let total = best_qemu(&elf, runs, Some(&printed))?;
        let secs = (total - startup).max(1e-6);
        Some((secs, startup, instructions as f64 / secs / 1e6))
    };

    if args.json {
        let mut j = serde_json::json!({
            "program": elf.display().to_string(),
            "output": printed,
            "instructions": instructions,
            "mb4": { "seconds": best_mb4, "mips": mb4_mips },
        });
        if let Some((secs, startup, mips)) = qemu {
            j["qemu_icount"] = serde_json::json!({
                "seconds": secs, "startup_seconds": startup, "mips": mips,
            });
            j["ratio"] = serde_json::json!(mb4_mips / mips);
        }
        println!("{j}");
        return Ok(());
    }
    println!("program       {} ({printed})", elf.display());
    println!("instructions  {instructions} (counted by mb4; QEMU runs the same ones)");
    println!("mb4 bare-m33  {best_mb4:8.3} s  {mb4_mips:8.1} MIPS   (best of {runs})");
    if let Some((secs, startup, mips)) = qemu {
        println!(
            "QEMU icount   {secs:8.3} s  {mips:8.1} MIPS   (best of {runs}, {startup:.3} s start-up subtracted)"
        );
        println!("ratio         {:.2}x QEMU -icount shift=0", mb4_mips / mips);
    }
    Ok(())
}

fn compile(dir: &Path, source: &str, out: &str, iterations: u32) -> Result<()> {
    let status = Command::new("arm-none-eabi-gcc")
        .current_dir(dir)
        .args([
            "-mcpu=cortex-m33",
            "-mthumb",
            "-mfloat-abi=hard",
            "-mfpu=fpv5-sp-d16",
            "-ffreestanding",
            "-fno-builtin-printf",
            "-nostdlib",
            "-nostartfiles",
            "-O2",
            "-I.",
            "-T",
            "link.ld",
            &format!("-DITERATIONS={iterations}"),
            "-o",
            out,
            "start.c",
            source,
            "-lgcc",
        ])
        .status()
        .context("cannot run arm-none-eabi-gcc (Debian: gcc-arm-none-eabi), or pass an ELF")?;
    if !status.success() {
        bail!("arm-none-eabi-gcc failed on the benchmark ({status})");
    }
    Ok(())
}

/// Best wall time of `runs` QEMU runs; checks the output when given.
fn best_qemu(elf: &Path, runs: u32, expect: Option<&str>) -> Result<f64> {
    let mut args = QEMU_ARGS.map(String::from);
    args[QEMU_ARGS.len() - 1] = elf.display().to_string();
    let mut best = f64::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new("qemu-system-arm")
            .args(&args)
            .output()
            .context("cannot run qemu-system-arm")?;
        let secs = started.elapsed().as_secs_f64();
        if let Some(want) = expect {
            let got = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if got != want {
                bail!("QEMU printed {got:?}, mb4 printed {want:?}: the two disagree");
            }
        }
        best = best.min(secs);
    }
    Ok(best)
}
