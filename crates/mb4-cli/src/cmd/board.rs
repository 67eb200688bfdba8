//! `mb4 board`: show the board descriptions the emulator and the Zephyr port use.

use anyhow::Result;
use clap::{Args, Subcommand};
use mb4_board::Board;

/// List the built-in boards, or show one board's wiring with what is verified and what is a guess.
#[derive(Debug, Args)]
pub struct Cmd {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Names of the built-in boards.
    List,
    /// A board's SoC, flash, clocks, buses and parts, each marked verified or not, with sources.
    Show {
        /// Board name, e.g. xiaomi_mi_band_4 or da1469x_dk_pro.
        #[arg(default_value = "xiaomi_mi_band_4")]
        name: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        match self.what {
            What::List => {
                for name in mb4_board::builtin_names() {
                    let board = Board::builtin(name)?;
                    println!("{name:<20} {} ({})", board.board.full_name, board.board.soc);
                }
            }
            What::Show { name, json } => {
                let board = Board::builtin(&name)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&board)?);
                } else {
                    print_board(&board);
                }
            }
        }
        Ok(())
    }
}

fn mark(verified: bool) -> &'static str {
    if verified { "verified  " } else { "UNVERIFIED" }
}

fn pins(map: &std::collections::BTreeMap<String, mb4_board::Pin>) -> String {
    map.iter()
        .map(|(role, pin)| format!("{role}={pin}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_board(b: &Board) {
    println!("{} — {} ({})", b.board.name, b.board.full_name, b.board.soc);
    println!(
        "  [{}] flash  {}  ({})",
        mark(b.flash.verified),
        b.flash.part,
        b.flash.source
    );
    println!(
        "  [{}] clocks xtal32m {} Hz, xtal32k {}, lp clock {}  ({})",
        mark(b.clocks.verified),
        b.clocks.xtal32m_hz,
        b.clocks
            .xtal32k_hz
            .map_or("none".into(), |hz| format!("{hz} Hz")),
        b.clocks.lp_clock,
        b.clocks.source
    );
    if let Some(c) = &b.console {
        println!(
            "  [{}] console {} at {} baud  ({})",
            mark(c.verified),
            c.uart,
            c.baud,
            c.source
        );
    }
    println!("buses:");
    for bus in &b.buses {
        println!(
            "  [{}] {:<6} {:?} on {}: {}",
            mark(bus.verified),
            bus.id,
            bus.kind,
            bus.controller,
            pins(&bus.pins)
        );
        println!("               source: {}", bus.source);
    }
    println!("parts:");
    for part in &b.parts {
        let at = match (&part.bus, part.address) {
            (Some(bus), Some(addr)) => format!(" on {bus} @ {addr:#04x}"),
            (Some(bus), None) => format!(" on {bus}"),
            _ => String::new(),
        };
        println!(
            "  [{}] {:<8} {}{} {}",
            mark(part.verified),
            part.id,
            part.model,
            at,
            pins(&part.pins)
        );
        println!("               source: {}", part.source);
    }
}
