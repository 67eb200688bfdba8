//! `mb4 chip`: print what mb4 knows about the DA1469x.

use anyhow::Result;
use clap::{Args, Subcommand};
use mb4_da1469x::{irq, memory_map, peripherals};
use serde_json::json;

/// Print the DA1469x memory map, register blocks or interrupt lines.
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(subcommand)]
    what: What,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Address regions: ROM, OTP, flash windows, RAM, peripherals (with source and confidence).
    Map,
    /// Register blocks and their base addresses, named as in DA1469xAB.h.
    Peripherals,
    /// The 40 external interrupt lines of the application core.
    Irqs,
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        match self.what {
            What::Map => {
                if self.json {
                    let rows: Vec<_> = memory_map::REGIONS
                        .iter()
                        .map(|r| {
                            json!({"name": r.name, "start": r.start, "size": r.size,
                                   "kind": format!("{:?}", r.kind), "source": r.source,
                                   "confidence": format!("{:?}", r.confidence)})
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else {
                    println!(
                        "{:<14} {:>10} .. {:>10}  {:<20} {:<10} source",
                        "region", "start", "end", "kind", "confidence"
                    );
                    for r in memory_map::REGIONS {
                        println!(
                            "{:<14} {:#010x} .. {:#010x}  {:<20} {:<10} {}",
                            r.name,
                            r.start,
                            r.end() - 1,
                            format!("{:?}", r.kind),
                            format!("{:?}", r.confidence),
                            r.source
                        );
                    }
                }
            }
            What::Peripherals => {
                if self.json {
                    let rows: Vec<_> = peripherals::ALL
                        .iter()
                        .map(|p| json!({"name": p.name, "base": p.base, "size": p.size}))
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else {
                    for p in peripherals::ALL {
                        println!("{:<14} {:#010x}  {:#06x} bytes", p.name, p.base, p.size);
                    }
                }
            }
            What::Irqs => {
                if self.json {
                    println!("{}", serde_json::to_string_pretty(&irq::NAMES[..])?);
                } else {
                    for (n, name) in irq::NAMES.iter().enumerate() {
                        println!("{n:>2}  {name}");
                    }
                }
            }
        }
        Ok(())
    }
}
