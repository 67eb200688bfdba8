//! `mb4 reset`: reset the band.

use anyhow::Result;
use clap::Args;
use mb4_probe::Target;

use super::link::LinkArgs;

/// Reset the chip, and let it boot (or, with --halt, stop at the reset vector).
///
/// The reset is said the way the GDB server understands it (`monitor reset
/// halt` for OpenOCD and pyOCD, `monitor reset` for J-Link, a vector-catch
/// reset through the debug registers otherwise).
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(flatten)]
    link: LinkArgs,
    /// Stay halted at the first instruction.
    #[arg(long)]
    halt: bool,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        let mut client = self.link.connect()?;
        client.reset(self.halt)?;
        eprintln!(
            "reset {} ({})",
            if self.halt {
                "and halted"
            } else {
                "and running"
            },
            client.describe()
        );
        Ok(())
    }
}
