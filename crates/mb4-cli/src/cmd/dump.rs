//! `mb4 dump`: back up the whole flash.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use mb4_probe::Target;
use mb4_probe::backup::{self, Manifest};
use mb4_probe::band;
use mb4_probe::qspi::{QspiFlash, Window};
use serde_json::json;

use super::link::{Bar, IndexArgs, LinkArgs, parse_u32, size};

/// Read the whole flash into a file: every sector read twice and compared,
/// a SHA-256 manifest beside it, resumable.
///
/// The chip is reset and halted first (so the stock firmware cannot touch
/// the flash), and let run again at the end. The size comes from the flash's
/// JEDEC ID. An interrupted dump leaves OUT.part; run the same command again
/// to go on from there. When done:
///
///   OUT                   the flash, byte for byte
///   OUT.sha256            for `sha256sum -c`
///   OUT.manifest.json     chip, flash part, band id, hash
///
/// and the band id is recorded in the backup index, which `mb4 flash` checks.
///
/// Example:
///
///   mb4 dump --gdb localhost:2331 -o miband4-stock.bin
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    #[command(flatten)]
    index: IndexArgs,
    /// Where to write the dump.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Flash size in bytes, when the JEDEC ID does not tell it.
    #[arg(long, value_name = "BYTES", value_parser = parse_u32)]
    flash_size: Option<u32>,
    /// Which memory window to read through.
    #[arg(long, value_enum, default_value_t = WindowArg::Uncached)]
    window: WindowArg,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum WindowArg {
    /// 0x3600_0000, no cache.
    Uncached,
    /// 0x1600_0000, through the cache.
    Cached,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        let mut client = self.link.connect()?;
        client.reset(true).context("resetting into a halted core")?;
        let window = match self.window {
            WindowArg::Uncached => Window::Uncached,
            WindowArg::Cached => Window::Cached,
        };
        let mut flash = QspiFlash::new(client).with_window(window);
        let report = band::probe(&mut flash)?;
        let Some(size_bytes) = self.flash_size.or(report.flash.size) else {
            bail!(
                "the flash size is unknown (JEDEC ID {}); give it with --flash-size",
                report.flash.jedec
            );
        };
        flash.set_size(size_bytes);
        let mut bar = Bar::new("dump");
        let sha = backup::dump(&mut flash, size_bytes, &self.output, &mut |d, t| {
            bar.update(d, t)
        })?;
        let (secs, rate) = (bar.elapsed(), bar.rate(u64::from(size_bytes)));
        let file = self
            .output
            .file_name()
            .context("--output has no file name")?
            .to_string_lossy()
            .into_owned();
        let manifest = Manifest {
            kind: "mb4 flash backup".into(),
            file,
            size: size_bytes,
            sha256: sha.clone(),
            band_id: report.band_id.clone(),
            chip: format!("{}{}", report.chip.id, report.chip.revision),
            jedec: report.flash.jedec.clone(),
            part: report.flash.part.clone(),
            verified_reads: 2,
        };
        backup::write_manifest(&self.output, &manifest)?;
        let index = self.index.dir()?;
        backup::register(
            &index,
            &report.band_id,
            &backup::manifest_path(&self.output),
            &sha,
        )?;
        let mut client = flash.into_inner();
        client.reset(false).context("letting the band boot again")?;
        if self.json {
            let v = json!({"file": self.output, "size": size_bytes, "sha256": sha,
                "band_id": report.band_id, "seconds": secs, "bytes_per_second": rate,
                "wire": client.wire_stats().map(|w| json!({"bytes_sent": w.bytes_sent, "bytes_received": w.bytes_received}))});
            println!("{}", serde_json::to_string_pretty(&v)?);
        } else {
            println!(
                "{}: {} of flash ({}) in {:.1} s, {}/s, every sector read twice\nsha256 {}\nband id {} recorded in {}",
                self.output.display(),
                size(u64::from(size_bytes)),
                report.flash.part.as_deref().unwrap_or(&report.flash.jedec),
                secs,
                size(rate as u64),
                sha,
                report.band_id,
                index.display()
            );
        }
        Ok(())
    }
}
