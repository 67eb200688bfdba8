//! `mb4 probe`: the first command to run on a band.

use anyhow::Result;
use clap::Args;
use mb4_probe::Target;
use mb4_probe::band;
use mb4_probe::qspi::QspiFlash;

use super::link::LinkArgs;

/// Identify the chip and its flash over SWD, and say what state it is in.
///
/// Reads CHIP_ID and revision, the flash JEDEC ID (part and size from our
/// table), SYS_CTRL_REG (debugger enabled? what shows at address 0),
/// SECURE_BOOT_REG (secure boot, debugger forced off), both product-header
/// copies and the active image's header. The core is halted while it reads
/// and let run again afterwards.
///
/// Example:
///
///   openocd -f interface/cmsis-dap.cfg -c 'transport select swd' -f target/da1469x.cfg &
///   mb4 probe --gdb localhost:3333
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Leave the core halted afterwards.
    #[arg(long)]
    keep_halted: bool,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        let client = self.link.connect()?;
        let mut flash = QspiFlash::new(client);
        let report = band::probe(&mut flash)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("{report}");
        }
        let mut client = flash.into_inner();
        if !self.keep_halted {
            client.resume()?;
        }
        Ok(())
    }
}
