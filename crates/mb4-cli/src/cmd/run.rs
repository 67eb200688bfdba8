//! `mb4 run`: load a program into RAM and run it, flash untouched.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use mb4_da1469x::memory_map::SYSRAM;
use mb4_probe::{Target, XPSR};

use super::link::{LinkArgs, parse_u32, size};

/// Vector Table Offset Register.
const VTOR: u32 = 0xE000_ED08;

/// Load an ELF into SysRAM and run it, leaving the flash alone.
///
/// The chip is reset and halted, every loadable segment is written (the
/// part past the file data zeroed), VTOR points at the vector table, and SP
/// and PC are taken from its first two words — as ZSband's ram-load script
/// does with OpenOCD. Good for trying firmware without flashing it; a reset
/// brings back what is in flash. Every segment must lie in SysRAM
/// (0x2000_0000, 512 KiB).
///
/// Example:
///
///   mb4 run --gdb localhost:3333 build/zephyr/zephyr.elf
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    /// The program (linked for RAM).
    elf: PathBuf,
    /// Vector table address (default: the lowest segment's address).
    #[arg(long, value_name = "ADDR", value_parser = parse_u32)]
    vector_table: Option<u32>,
    /// Load and set up, but leave the core halted at the entry.
    #[arg(long)]
    halt: bool,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        let bytes =
            std::fs::read(&self.elf).with_context(|| format!("reading {}", self.elf.display()))?;
        let segments = mb4_emu::elf::segments(&bytes)
            .with_context(|| format!("{} is not an ELF mb4 can load", self.elf.display()))?;
        if segments.is_empty() {
            bail!("{} has no loadable segments", self.elf.display());
        }
        let ram = u64::from(SYSRAM.start)..u64::from(SYSRAM.start) + u64::from(SYSRAM.size);
        for s in &segments {
            let end = u64::from(s.addr) + u64::from(s.mem_size);
            if !ram.contains(&u64::from(s.addr)) || end > ram.end {
                bail!(
                    "segment {:#010x}..{end:#010x} is not in SysRAM ({:#010x}..{:#010x}); \
                     `mb4 run` loads into RAM only — for flash-linked programs use `mb4 image build` and `mb4 flash`",
                    s.addr,
                    ram.start,
                    ram.end
                );
            }
        }
        let vt = self.vector_table.unwrap_or_else(|| {
            segments
                .iter()
                .map(|s| s.addr)
                .min()
                .unwrap_or(SYSRAM.start)
        });
        let mut client = self.link.connect()?;
        client.reset(true).context("resetting into a halted core")?;
        let mut total = 0u64;
        for s in &segments {
            let mut data = s.data.clone();
            data.resize(s.mem_size as usize, 0);
            client
                .write_memory(s.addr, &data)
                .with_context(|| format!("loading the segment at {:#010x}", s.addr))?;
            total += data.len() as u64;
        }
        let sp = client.read_u32(vt)?;
        let pc = client.read_u32(vt + 4)?;
        if pc & 1 == 0 {
            bail!(
                "the reset vector at {:#010x} is {pc:#010x}, not a Thumb address (bit 0 clear): is {vt:#010x} really the vector table?",
                vt + 4
            );
        }
        client.write_u32(VTOR, vt)?;
        client.write_register(13, sp)?;
        client.write_register(15, pc & !1)?;
        client.write_register(XPSR, 1 << 24)?;
        if !self.halt {
            client.resume()?;
        }
        println!(
            "loaded {} in {} segment(s); vector table {vt:#010x}, SP {sp:#010x}, PC {:#010x}; {}",
            size(total),
            segments.len(),
            pc & !1,
            if self.halt { "halted" } else { "running" }
        );
        Ok(())
    }
}
