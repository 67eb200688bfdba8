//! `mb4 erase`: erase flash sectors or the whole part.

use anyhow::{Result, bail};
use clap::Args;
use mb4_probe::qspi::{FlashAccess, QspiFlash, SECTOR};
use mb4_probe::{Target, band};

use super::link::{IndexArgs, LinkArgs, parse_u32, require_backup};

/// Erase a range of 4 KiB sectors, or the whole flash.
///
/// Like `mb4 flash`, refuses unless this band has a verified backup (or
/// --i-have-a-backup). Erasing the product header at 0x0–0x1FFF leaves the
/// band unbootable until something is flashed.
///
/// Examples:
///
///   mb4 erase --gdb localhost:3333 --offset 0x40000 --length 0x10000
///   mb4 erase --gdb localhost:3333 --all
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    #[command(flatten)]
    index: IndexArgs,
    /// First byte to erase (sector-aligned).
    #[arg(long, value_parser = parse_u32, requires = "length", conflicts_with = "all")]
    offset: Option<u32>,
    /// Bytes to erase (a multiple of 4 KiB).
    #[arg(long, value_parser = parse_u32, requires = "offset")]
    length: Option<u32>,
    /// Erase the whole part (chip erase).
    #[arg(long)]
    all: bool,
    /// Erase even though mb4 has no verified backup of this band.
    #[arg(long)]
    i_have_a_backup: bool,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        if !self.all && self.offset.is_none() {
            bail!("say what to erase: --offset and --length, or --all");
        }
        if let (Some(o), Some(l)) = (self.offset, self.length)
            && (o % SECTOR != 0 || l % SECTOR != 0 || l == 0)
        {
            bail!(
                "--offset {o:#x} and --length {l:#x} must be non-zero multiples of 4 KiB (0x1000)"
            );
        }
        let mut client = self.link.connect()?;
        client.reset(true)?;
        let mut flash = QspiFlash::new(client);
        let report = band::probe(&mut flash)?;
        require_backup(&self.index, &report.band_id, self.i_have_a_backup)?;
        match (self.offset, self.length) {
            (Some(o), Some(l)) => {
                flash.erase(o, l as usize)?;
                println!("erased {l:#x} bytes at {o:#x}");
            }
            _ => {
                flash.erase_chip()?;
                println!("erased the whole flash");
            }
        }
        flash.into_inner().resume()?;
        Ok(())
    }
}
