//! `mb4 flash`: write an image to the band.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use mb4_probe::loader::LoaderFlash;
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::write::{self, WritePlan, WriteStats};
use mb4_probe::{Target, backup, band};

use super::link::{Bar, IndexArgs, LinkArgs, parse_u32, require_backup, size};

/// Write a flash image to the band, in an order that survives a cut cable.
///
/// IMAGE is what `mb4 image build` makes: a flash image from offset 0
/// (product header, its copy, then the image). Written in this order: the
/// image, each sector verified; the header copy at 0x1000; the header at 0x0
/// last. A cut during the header writes leaves one valid header. Sectors
/// that already hold the right bytes are skipped, so running the command
/// again after a cut finishes quickly. A bare `Qq` image (from
/// `--image-only`) is written at --address without touching the headers.
///
/// Two methods (--method):
///
///   loader  (default) mb4's flash loader (band/loader, 2 KiB) runs from the
///           band's RAM: the data goes over in bulk and the chip erases,
///           programs and verifies by itself, then a CRC-32 of the result is
///           checked. An image up to 496 KiB is written in one go, so a cut
///           link cannot stop it half way; only a power cut can.
///   qspic   the debugger drives the QSPI controller register by register,
///           as ezFlashCLI does: about 8 bytes on the wire per byte flashed,
///           slow through a real probe, but needs nothing to run on the chip.
///           A cut during the image write leaves the old image bootable only
///           if the new one does not overlap it (a note says when).
///
/// Refuses unless `mb4 dump` has backed up this very band (chip ID, flash ID
/// and product-header hash), or --i-have-a-backup is given. The band is
/// reset and boots the new image at the end.
///
/// Example:
///
///   mb4 image build zephyr.elf -o flash.bin
///   mb4 flash --gdb localhost:3333 flash.bin
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    #[command(flatten)]
    index: IndexArgs,
    /// Flash image (from `mb4 image build`).
    image: PathBuf,
    /// Where a bare `Qq` image goes.
    #[arg(long, value_name = "OFFSET", value_parser = parse_u32, default_value = "0x2000")]
    address: u32,
    /// Write even though mb4 has no verified backup of this band.
    #[arg(long)]
    i_have_a_backup: bool,
    /// Leave the core halted afterwards instead of booting the new image.
    #[arg(long)]
    no_reset: bool,
    /// How to program: loader (fast, runs from RAM) or qspic (register by
    /// register through the debugger).
    #[arg(long, value_enum, default_value_t = Method::Loader)]
    method: Method,
}

/// How the flash gets programmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// mb4's flash loader, run from the band's RAM.
    Loader,
    /// The QSPI controller's manual mode, driven through the debugger.
    Qspic,
}

/// Run `plan` by `method`; hands the manual-mode driver back for what follows.
pub fn write_by<T: Target>(
    flash: QspiFlash<T>,
    method: Method,
    plan: &WritePlan,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(QspiFlash<T>, WriteStats)> {
    let mut flash = flash;
    match method {
        Method::Qspic => {
            let stats = write::write(&mut flash, plan, &mut |d, t, _| progress(d, t))?;
            Ok((flash, stats))
        }
        Method::Loader => {
            let mut loader =
                LoaderFlash::load(flash).context("loading the flash loader into RAM")?;
            let stats = write::write(&mut loader, plan, &mut |d, t, _| progress(d, t))?;
            Ok((loader.into_qspi(), stats))
        }
    }
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        let image = std::fs::read(&self.image)
            .with_context(|| format!("reading {}", self.image.display()))?;
        let bare = match image.get(..4) {
            Some([b'P', b'p', ..]) => false,
            Some([b'Q', b'q', ..]) => true,
            Some([0x7F, b'E', b'L', b'F']) => bail!(
                "{} is an ELF; make a flash image first: mb4 image build {} -o flash.bin",
                self.image.display(),
                self.image.display()
            ),
            _ => bail!(
                "{} starts with neither a product header ('Pp') nor an image header ('Qq'); \
                 `mb4 image inspect` says what it is",
                self.image.display()
            ),
        };
        let mut client = self.link.connect()?;
        client.reset(true).context("resetting into a halted core")?;
        let mut flash = QspiFlash::new(client);
        let report = band::probe(&mut flash)?;
        let backup = require_backup(&self.index, &report.band_id, self.i_have_a_backup)?;
        let flash_size = report.flash.size.context("the flash size is unknown")?;
        let end = if bare { self.address as usize } else { 0 } + image.len();
        if end > flash_size as usize {
            bail!(
                "the image ends at {end:#x}, past the end of the {} flash",
                size(u64::from(flash_size))
            );
        }
        let plan = if bare {
            WritePlan::for_image_at(&image, self.address)
        } else {
            let current = report
                .active_image
                .as_ref()
                .map(|i| (i.address, 0x400 + i.size.unwrap_or(0)));
            WritePlan::for_flash_image(&image, current)
        };
        let one_go = self.method == Method::Loader
            && plan.len() + 12 * plan.steps.len() <= mb4_probe::loader::BUFFER_SIZE as usize;
        if plan.overwrites_active {
            if one_go {
                eprintln!(
                    "note: the new image overlaps the one the band boots now; the loader writes it \
                     in one go, so a cut link cannot interrupt it, but a power cut during the write \
                     leaves no bootable image until this command is run again"
                );
            } else {
                eprintln!(
                    "note: the new image overlaps the one the band boots now; a cut during \
                     the image write leaves no bootable image until this command is run again"
                );
            }
        }
        let mut bar = Bar::new("flash");
        let (mut flash, stats) = write_by(flash, self.method, &plan, &mut |d, t| bar.update(d, t))?;
        // The band keeps its identity across our writes: index the new header
        // hash against the same backup.
        if let Some(m) = &backup {
            let mut region = vec![0u8; band::HEADER_REGION];
            flash.read(0, &mut region)?;
            let chip = band::read_chip_id(flash.target_mut())?;
            let jedec = flash.jedec_id()?;
            let id = band::BandId::new(&chip, jedec, &region).fingerprint();
            let dir = self.index.dir()?;
            let idx = dir.join(format!("{}.json", m.band_id));
            if let Ok(text) = std::fs::read_to_string(&idx)
                && let Ok(entry) = serde_json::from_str::<backup::IndexEntry>(&text)
            {
                backup::register(&dir, &id, &entry.manifest, &entry.sha256)?;
            }
        }
        let mut client = flash.into_inner();
        if !self.no_reset {
            client
                .reset(false)
                .context("resetting into the new image")?;
        }
        println!(
            "{}: {} sectors written and verified, {} already right, {} programmed in {:.1} s ({}){}",
            self.image.display(),
            stats.written,
            stats.skipped,
            size(stats.bytes_programmed as u64),
            bar.elapsed(),
            match self.method {
                Method::Loader => "flash loader",
                Method::Qspic => "QSPIC manual mode",
            },
            if self.no_reset {
                "; core left halted"
            } else {
                "; band reset"
            }
        );
        Ok(())
    }
}
