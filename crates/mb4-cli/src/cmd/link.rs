//! What the probe commands share: reaching the band (`--gdb` or `--probe`),
//! the backup index, the backup guard, numbers and a progress bar.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use mb4_probe::backup;
use mb4_probe::rsp::{GdbClient, GdbOptions, Server, WireStats};
use mb4_probe::{ProbeError, Registers, StopReason, Target};

/// How to reach the band.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// GDB server in front of the probe, as HOST:PORT: J-Link GDB Server
    /// (default port 2331), OpenOCD or pyOCD (3333), Black Magic Probe over
    /// TCP, `mb4 emu --gdb`.
    #[arg(
        long,
        value_name = "HOST:PORT",
        env = "MB4_GDB",
        conflicts_with = "probe"
    )]
    pub gdb: Option<String>,
    /// A USB probe driven directly through probe-rs (J-Link, CMSIS-DAP v2,
    /// ST-Link): VID:PID or VID:PID:SERIAL, or `auto` for the only one
    /// plugged in. Needs mb4 built with the `probe-rs` feature.
    #[arg(long, value_name = "SELECTOR", env = "MB4_PROBE")]
    pub probe: Option<String>,
    /// The chip behind --probe: DA14697 (Mi Band 4) or DA14699 (dev kit).
    #[arg(long, value_name = "NAME", default_value = "DA14697")]
    pub chip: String,
    /// Which server it is, if detection guesses wrong: openocd, jlink, pyocd,
    /// bmp, mb4-emu (decides how "reset and halt" is said).
    #[arg(long, value_name = "KIND")]
    pub gdb_server: Option<String>,
    /// Seconds to wait for any one answer before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub timeout: f64,
}

impl LinkArgs {
    /// Connect and stop the core.
    pub fn connect(&self) -> Result<Link> {
        if let Some(selector) = &self.probe {
            return connect_direct(selector, &self.chip);
        }
        let Some(addr) = &self.gdb else {
            bail!(
                "no link to the band: give --gdb HOST:PORT (a GDB server such as OpenOCD, \
                 J-Link GDB Server or `mb4 emu --gdb`), or --probe for a USB probe; \
                 or set MB4_GDB / MB4_PROBE"
            );
        };
        let server = match &self.gdb_server {
            None => None,
            Some(name) => Some(Server::from_name(name).with_context(|| {
                let names: Vec<_> = Server::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "--gdb-server {name:?}: expected one of {}",
                    names.join(", ")
                )
            })?),
        };
        if !(self.timeout > 0.0 && self.timeout < 3600.0) {
            bail!(
                "--timeout {}: give a number of seconds between 0 and 3600",
                self.timeout
            );
        }
        let options = GdbOptions {
            timeout: Duration::from_secs_f64(self.timeout),
            server,
            ..GdbOptions::default()
        };
        let mut client = GdbClient::connect(addr, &options)?;
        client.halt().context("stopping the core")?;
        Ok(Link::Gdb(client))
    }
}

#[cfg(feature = "probe-rs")]
fn connect_direct(selector: &str, chip: &str) -> Result<Link> {
    let mut probe = mb4_probe::direct::DirectProbe::open(selector, chip)?;
    probe.halt().context("stopping the core")?;
    Ok(Link::Direct(Box::new(probe)))
}

#[cfg(not(feature = "probe-rs"))]
fn connect_direct(_: &str, _: &str) -> Result<Link> {
    bail!(
        "this mb4 was built without direct probe support; rebuild it with \
         `cargo install --path crates/mb4-cli --features probe-rs`, or put a GDB server \
         (OpenOCD, J-Link GDB Server, pyOCD, probe-rs gdb) in front of the probe and use --gdb"
    )
}

/// The band, through whichever link was asked for.
#[derive(Debug)]
pub enum Link {
    /// A GDB remote-protocol server.
    Gdb(GdbClient),
    /// A USB probe through probe-rs.
    #[cfg(feature = "probe-rs")]
    Direct(Box<mb4_probe::direct::DirectProbe>),
}

impl Link {
    /// Bytes and packets on the wire, for GDB links.
    pub fn wire_stats(&self) -> Option<WireStats> {
        match self {
            Link::Gdb(c) => Some(c.stats()),
            #[cfg(feature = "probe-rs")]
            Link::Direct(_) => None,
        }
    }

    fn target(&mut self) -> &mut dyn Target {
        match self {
            Link::Gdb(c) => c,
            #[cfg(feature = "probe-rs")]
            Link::Direct(p) => p.as_mut(),
        }
    }
}

impl Target for Link {
    fn describe(&self) -> String {
        match self {
            Link::Gdb(c) => c.describe(),
            #[cfg(feature = "probe-rs")]
            Link::Direct(p) => p.describe(),
        }
    }
    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        self.target().read_memory(addr, buf)
    }
    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        self.target().write_memory(addr, data)
    }
    fn read_u32(&mut self, addr: u32) -> Result<u32, ProbeError> {
        self.target().read_u32(addr)
    }
    fn write_u32(&mut self, addr: u32, value: u32) -> Result<(), ProbeError> {
        self.target().write_u32(addr, value)
    }
    fn read_u8(&mut self, addr: u32) -> Result<u8, ProbeError> {
        self.target().read_u8(addr)
    }
    fn write_u8(&mut self, addr: u32, value: u8) -> Result<(), ProbeError> {
        self.target().write_u8(addr, value)
    }
    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        self.target().halt()
    }
    fn resume(&mut self) -> Result<(), ProbeError> {
        self.target().resume()
    }
    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        self.target().wait_for_halt(limit)
    }
    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        self.target().reset(halt)
    }
    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        self.target().read_registers()
    }
    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        self.target().write_register(n, value)
    }
}

/// Where backups are indexed by band id.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Directory of the backup index (one small JSON file per band, pointing
    /// at its backup). Default: $XDG_DATA_HOME/mb4/backups, else
    /// ~/.local/share/mb4/backups.
    #[arg(long, value_name = "DIR", env = "MB4_BACKUP_DIR")]
    pub backup_index: Option<PathBuf>,
}

impl IndexArgs {
    /// The directory.
    pub fn dir(&self) -> Result<PathBuf> {
        if let Some(d) = &self.backup_index {
            return Ok(d.clone());
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
            return Ok(PathBuf::from(x).join("mb4/backups"));
        }
        match std::env::var_os("HOME") {
            Some(h) => Ok(PathBuf::from(h).join(".local/share/mb4/backups")),
            None => bail!("no HOME: give --backup-index DIR"),
        }
    }
}

/// Refuse to change a band nobody backed up.
pub fn require_backup(
    index: &IndexArgs,
    band_id: &str,
    override_: bool,
) -> Result<Option<backup::Manifest>> {
    let dir = index.dir()?;
    match backup::find_backup(&dir, band_id) {
        Ok(Some(m)) => Ok(Some(m)),
        Ok(None) if override_ => Ok(None),
        Ok(None) => bail!(
            "no verified backup of this band (id {band_id}) in {}.\n\
             Back it up first:  mb4 dump --gdb … -o band-backup.bin\n\
             or, if you have one made otherwise, pass --i-have-a-backup",
            dir.display()
        ),
        Err(e) if override_ => {
            eprintln!("warning: {e}");
            Ok(None)
        }
        Err(e) => Err(e).context("the backup of this band failed its check; refusing to write"),
    }
}

/// Parse `0x…` or decimal.
pub fn parse_u32(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(&h.replace('_', ""), 16),
        None => s.replace('_', "").parse(),
    };
    r.map_err(|_| format!("{s:?} is not a number (decimal or 0x hex)"))
}

/// A progress line with throughput on stderr, drawn only on a terminal.
#[derive(Debug)]
pub struct Bar {
    label: &'static str,
    start: Instant,
    last: Option<Instant>,
    tty: bool,
}

impl Bar {
    /// Start timing.
    pub fn new(label: &'static str) -> Bar {
        Bar {
            label,
            start: Instant::now(),
            last: None,
            tty: std::io::stderr().is_terminal(),
        }
    }

    /// Bytes per second so far.
    pub fn rate(&self, done: u64) -> f64 {
        done as f64 / self.start.elapsed().as_secs_f64().max(1e-6)
    }

    /// Seconds since start.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Redraw (at most 10 times a second).
    pub fn update(&mut self, done: u64, total: u64) {
        if !self.tty {
            return;
        }
        let now = Instant::now();
        if done < total
            && self
                .last
                .is_some_and(|l| now - l < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let frac = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        let width = 30;
        let fill = (frac * width as f64) as usize;
        let rate = self.rate(done);
        let eta = if rate > 0.0 {
            (total - done) as f64 / rate
        } else {
            0.0
        };
        eprint!(
            "\r{} [{}{}] {:5.1}%  {} / {}  {}/s  eta {:.0}s   ",
            self.label,
            "#".repeat(fill),
            ".".repeat(width - fill),
            frac * 100.0,
            size(done),
            size(total),
            size(rate as u64),
            eta
        );
        if done >= total {
            eprintln!();
        }
    }
}

/// Bytes as B/KiB/MiB.
pub fn size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.2} MiB", n as f64 / (1 << 20) as f64)
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}
