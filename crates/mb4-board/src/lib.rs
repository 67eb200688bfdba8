//! Board descriptions as data.
//!
//! A board file (`boards/<name>.toml`) says which SoC a board has, which flash
//! part, which clocks, and which parts sit on which buses and pins. The
//! emulator builds a machine from it; the Zephyr board's device tree is checked
//! against it. Each bus and part says whether its wiring is verified and where
//! the fact or guess comes from — this is the one place unverified pins live.
//!
//! Files are parsed strictly (unknown keys are errors) and then checked by
//! [`Board::validate`], so a typo fails loudly when the board is loaded.

#![forbid(unsafe_code)]

mod pin;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use pin::{Pin, PinParseError};
pub use validate::ValidationError;

/// Errors from loading a board description.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// The TOML text does not follow the schema.
    #[error("board file {file}: {source}")]
    Parse {
        /// File name, for the message.
        file: String,
        /// What the TOML parser said.
        #[source]
        source: toml::de::Error,
    },
    /// The description parsed but contradicts itself.
    #[error("board file {file}: {source}")]
    Invalid {
        /// File name, for the message.
        file: String,
        /// The first failed check.
        #[source]
        source: ValidationError,
    },
    /// No built-in board has this name.
    #[error("unknown board `{name}`; known boards: {known}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// Comma-separated list of built-in names.
        known: String,
    },
}

/// A whole board.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Identity and SoC.
    pub board: Identity,
    /// The QSPI flash chip.
    pub flash: Flash,
    /// Crystal frequencies and the low-power clock choice.
    pub clocks: Clocks,
    /// Where the console goes, if anywhere.
    pub console: Option<Console>,
    /// Buses from SoC controllers to parts, with the pins they use.
    #[serde(default, rename = "bus")]
    pub buses: Vec<Bus>,
    /// Parts on the board.
    #[serde(default, rename = "part")]
    pub parts: Vec<Part>,
}

/// Name and SoC of a board.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Machine name, as in Zephyr (`xiaomi_mi_band_4`).
    pub name: String,
    /// Name for people.
    pub full_name: String,
    /// SoC variant: `da14695`, `da14697` or `da14699`.
    pub soc: String,
    /// Where this comes from.
    pub source: String,
    /// Whether checked on real hardware or an authoritative source.
    pub verified: bool,
}

/// The QSPI NOR flash.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Flash {
    /// Part name, a key of the flash-part table in `mb4-da1469x`.
    pub part: String,
    /// Where this comes from.
    pub source: String,
    /// Whether checked.
    pub verified: bool,
}

/// Crystals and the low-power clock.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clocks {
    /// Main crystal, Hz (32 MHz on every DA1469x board: the radio needs it).
    pub xtal32m_hz: u32,
    /// 32 kHz crystal, Hz, if fitted.
    pub xtal32k_hz: Option<u32>,
    /// Low-power clock source: `xtal32k`, `rcx` or `rc32k`.
    pub lp_clock: String,
    /// Where this comes from.
    pub source: String,
    /// Whether checked.
    pub verified: bool,
}

/// The serial console.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Console {
    /// Id of a `uart` bus.
    pub uart: String,
    /// Baud rate.
    pub baud: u32,
    /// Where this comes from.
    pub source: String,
    /// Whether checked.
    pub verified: bool,
}

/// Kinds of bus a board wires up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BusKind {
    /// Asynchronous serial (pins `tx`, `rx`).
    Uart,
    /// I²C (pins `scl`, `sda`).
    I2c,
    /// SPI (pins `clk`, `sdo`, `sdi`, optional `cs`).
    Spi,
    /// MIPI-DBI type C option 3 (SPI with a D/C line) from the LCD controller
    /// (pins `clk`, `sdo`, `dc`, `cs`, optional `te`).
    MipiDbiSpi4,
}

impl BusKind {
    /// Pin roles the bus must have, then those it may have.
    pub fn pin_roles(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            BusKind::Uart => (&["tx", "rx"], &["rts", "cts"]),
            BusKind::I2c => (&["scl", "sda"], &[]),
            BusKind::Spi => (&["clk", "sdo", "sdi"], &["cs"]),
            BusKind::MipiDbiSpi4 => (&["clk", "sdo", "dc", "cs"], &["te", "sdi"]),
        }
    }
}

/// One bus: a SoC controller, its pins, and (through [`Part::bus`]) its parts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bus {
    /// Id parts refer to.
    pub id: String,
    /// What kind of bus.
    pub kind: BusKind,
    /// SoC controller block as named in `DA1469xAB.h` (`I2C`, `UART2`, `LCDC`…).
    pub controller: String,
    /// Signal role → pin.
    pub pins: BTreeMap<String, Pin>,
    /// Where this comes from.
    pub source: String,
    /// Whether checked.
    pub verified: bool,
}

/// One part on the board.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Id, unique on the board.
    pub id: String,
    /// Which model the emulator instantiates (`rm69310`, `bmi270`, …).
    pub model: String,
    /// Bus id, for parts on a bus.
    pub bus: Option<String>,
    /// Address on an I²C bus.
    pub address: Option<u8>,
    /// Part-private signal role → pin (interrupts, resets, enables).
    #[serde(default)]
    pub pins: BTreeMap<String, Pin>,
    /// Model parameters (sizes, capacities).
    #[serde(default)]
    pub config: BTreeMap<String, i64>,
    /// Where this comes from.
    pub source: String,
    /// Whether checked.
    pub verified: bool,
}

/// Built-in board files: (name, TOML text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "xiaomi_mi_band_4",
        include_str!("../boards/xiaomi_mi_band_4.toml"),
    ),
    (
        "da1469x_dk_pro",
        include_str!("../boards/da1469x_dk_pro.toml"),
    ),
];

impl Board {
    /// Parse and validate a board description; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Board, BoardError> {
        let board: Board = toml::from_str(text).map_err(|source| BoardError::Parse {
            file: file.to_owned(),
            source,
        })?;
        board.validate().map_err(|source| BoardError::Invalid {
            file: file.to_owned(),
            source,
        })?;
        Ok(board)
    }

    /// A board shipped with mb4, by name (`mi_band_4` is short for
    /// `xiaomi_mi_band_4`).
    pub fn builtin(name: &str) -> Result<Board, BoardError> {
        let name = if name == "mi_band_4" {
            "xiaomi_mi_band_4"
        } else {
            name
        };
        let (_, text) =
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| BoardError::Unknown {
                    name: name.to_owned(),
                    known: builtin_names().collect::<Vec<_>>().join(", "),
                })?;
        Board::from_toml(&format!("boards/{name}.toml"), text)
    }

    /// The bus with this id.
    pub fn bus(&self, id: &str) -> Option<&Bus> {
        self.buses.iter().find(|b| b.id == id)
    }

    /// The part with this id.
    pub fn part(&self, id: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.id == id)
    }

    /// Parts attached to a bus.
    pub fn parts_on<'a>(&'a self, bus: &'a str) -> impl Iterator<Item = &'a Part> + 'a {
        self.parts
            .iter()
            .filter(move |p| p.bus.as_deref() == Some(bus))
    }
}

/// Names of the built-in boards.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_board_loads_and_validates() {
        for name in builtin_names() {
            let board = Board::builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(board.board.name, name);
        }
    }

    #[test]
    fn mi_band_4_wiring_is_marked_unverified() {
        let band = Board::builtin("xiaomi_mi_band_4").unwrap();
        assert_eq!(band.board.soc, "da14697");
        // Nobody has measured a band's pins: nothing may claim otherwise until someone does.
        assert!(band.buses.iter().all(|b| !b.verified));
        assert!(band.parts.iter().all(|p| !p.verified));
        let display = band.part("display").unwrap();
        assert_eq!(display.model, "rm69310");
        assert_eq!(display.config["width"], 120);
        assert_eq!(band.parts_on("i2c").count(), 3);
    }

    #[test]
    fn unknown_board_lists_the_known_ones() {
        let err = Board::builtin("mi_band_9").unwrap_err().to_string();
        assert!(
            err.contains("xiaomi_mi_band_4") && err.contains("da1469x_dk_pro"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text =
            include_str!("../boards/da1469x_dk_pro.toml").replace("[flash]", "[flash]\nspeed = 1");
        let err = Board::from_toml("x.toml", &text).unwrap_err().to_string();
        assert!(err.contains("speed"), "{err}");
    }
}

#[cfg(test)]
mod alias_tests {
    #[test]
    fn mi_band_4_is_short_for_the_xiaomi_board() {
        let b = super::Board::builtin("mi_band_4").expect("alias");
        assert_eq!(b.board.name, "xiaomi_mi_band_4");
        assert!(super::Board::builtin("mi_band_5").is_err());
    }
}
