//! `mb4 bench flash`: the two ways of programming the band's flash, over the
//! emulator's GDB link.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use mb4_emu::gdb_child::{GdbChild, spinning_flash_image};
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::rsp::{GdbClient, GdbOptions};
use mb4_probe::write::WritePlan;
use mb4_probe::{Target, band};

use super::flash::{Method, write_by};

/// Arguments of `mb4 bench flash`.
#[derive(Debug, Args)]
pub struct FlashArgs {
    /// KiB to write with each method (whole 4 KiB sectors).
    #[arg(long, default_value_t = 256)]
    kib: u32,
    /// Round-trip time of a real probe, for the estimate line (USB probes:
    /// about 1 ms per GDB packet).
    #[arg(long, value_name = "MS", default_value_t = 1.0)]
    probe_rtt_ms: f64,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
}

/// What one method cost.
#[derive(Debug, serde::Serialize)]
struct Figures {
    method: &'static str,
    bytes: u64,
    seconds: f64,
    kib_per_s: f64,
    packets: u64,
    wire_bytes: u64,
    wire_bytes_per_byte: f64,
    /// Seconds a probe with `probe_rtt_ms` per packet adds in round trips.
    probe_round_trip_seconds: f64,
}

/// Boots `mb4 emu run --gdb 0` on a small flash image, writes `kib` KiB of
/// varied data at 1 MiB with each method (a fresh emulator each, so both
/// start from erased flash), and prints time and traffic. The emulator is
/// this same `mb4` executable; build it with --release for fair figures.
pub fn run(args: FlashArgs) -> Result<()> {
    if args.kib == 0 || !args.kib.is_multiple_of(4) || args.kib > 8192 {
        bail!("--kib {}: give a multiple of 4 from 4 to 8192", args.kib);
    }
    let dir = std::env::temp_dir().join(format!("mb4-bench-flash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let result = run_in(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(args: &FlashArgs, dir: &Path) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the mb4 executable")?;
    let boot = dir.join("boot.bin");
    std::fs::write(&boot, spinning_flash_image("bench", &[])?)?;
    let len = args.kib as usize * 1024;
    // Varied bytes, none of them all-0xFF pages: every page gets programmed.
    let data: Vec<u8> = (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    let plan = WritePlan::for_image_at(&data, 1 << 20);
    let mut all = Vec::new();
    for method in [Method::Qspic, Method::Loader] {
        let emu = GdbChild::start(&exe, &boot, &dir.join("emu.log"))?;
        let figures = measure(emu.addr(), method, &plan, len as u64, args.probe_rtt_ms);
        drop(emu);
        all.push(figures?);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    println!(
        "writing {} KiB over the emulator's GDB link (loopback; erase, program, verify):",
        args.kib
    );
    for f in &all {
        println!(
            "  {:<7} {:>8.1} KiB/s  {:>6.2} s  {:>7} packets  {:>5.2} wire bytes per byte flashed  \
             (+{:.1} s of round trips through a probe at {} ms per packet)",
            f.method,
            f.kib_per_s,
            f.seconds,
            f.packets,
            f.wire_bytes_per_byte,
            f.probe_round_trip_seconds,
            args.probe_rtt_ms
        );
    }
    println!(
        "notes: the chip's own erase and program time (emulated W25Q: 45 ms per sector, 0.4 ms per \
         page) is the same for both and bounds the loader on a band; qspic's packets are mostly \
         status polls, since the emulator lets {} µs pass per debugger access (a probe at 1 ms \
         polls ~100x less)",
        mb4_emu::da1469x::DEBUG_ACCESS_TIME.0 / 1_000_000
    );
    let (q, l) = (&all[0], &all[1]);
    println!(
        "loader vs qspic: {:.1}x the throughput, {:.1}x fewer wire bytes, {:.0}x fewer packets",
        l.kib_per_s / q.kib_per_s,
        q.wire_bytes_per_byte / l.wire_bytes_per_byte,
        q.packets as f64 / l.packets.max(1) as f64
    );
    Ok(())
}

fn measure(
    addr: &str,
    method: Method,
    plan: &WritePlan,
    bytes: u64,
    rtt_ms: f64,
) -> Result<Figures> {
    let mut client = GdbClient::connect(addr, &GdbOptions::default())?;
    client.reset(true)?;
    let mut flash = QspiFlash::new(client);
    band::probe(&mut flash)?;
    let before = flash.target_mut().stats();
    let started = Instant::now();
    let (mut flash, stats) = write_by(flash, method, plan, &mut |_, _| {})?;
    let seconds = started.elapsed().as_secs_f64();
    let after = flash.target_mut().stats();
    if stats.written as u64 * 4096 != bytes {
        bail!(
            "{method:?}: wrote {} sectors, expected {}",
            stats.written,
            bytes / 4096
        );
    }
    let mut check = vec![0u8; bytes as usize];
    flash.read(plan.steps[0].offset, &mut check)?;
    if plan
        .steps
        .iter()
        .flat_map(|s| s.data.iter())
        .ne(check.iter())
    {
        bail!("{method:?}: the flash does not hold what was written");
    }
    let packets = after.packets_sent - before.packets_sent;
    let wire =
        (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    let _ = flash.into_inner().detach();
    Ok(Figures {
        method: match method {
            Method::Loader => "loader",
            Method::Qspic => "qspic",
        },
        bytes,
        seconds,
        kib_per_s: bytes as f64 / 1024.0 / seconds,
        packets,
        wire_bytes: wire,
        wire_bytes_per_byte: wire as f64 / bytes as f64,
        probe_round_trip_seconds: packets as f64 * rtt_ms / 1000.0,
    })
}
