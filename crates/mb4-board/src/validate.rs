//! Consistency checks run on every board right after parsing.
//!
//! Each check is a small named function, so a failure says which rule broke.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Board, BusKind, Pin};

/// A broken rule in a board description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// SoC name not in the DA1469x family list.
    #[error("unknown SoC `{0}`; expected da14695, da14697 or da14699")]
    UnknownSoc(String),
    /// A pin the SoC variant does not have.
    #[error("{owner}: pin {pin} does not exist on the {soc} (port {port} has {count} pins)", port = pin.port)]
    NoSuchPin {
        /// Bus or part using it.
        owner: String,
        /// The pin.
        pin: Pin,
        /// SoC variant.
        soc: String,
        /// Pins on that port.
        count: u8,
    },
    /// One pin wired to two signals.
    #[error("pin {pin} is used by both {first} and {second}")]
    PinUsedTwice {
        /// The pin.
        pin: Pin,
        /// First user (`bus i2c: scl`).
        first: String,
        /// Second user.
        second: String,
    },
    /// Two buses or two parts share an id.
    #[error("id `{0}` is used twice")]
    DuplicateId(String),
    /// A part refers to a bus that is not described.
    #[error("part {part}: no bus `{bus}`")]
    NoSuchBus {
        /// Part id.
        part: String,
        /// Missing bus id.
        bus: String,
    },
    /// A bus lacks a required signal or names one its kind does not have.
    #[error("bus {bus}: {problem}")]
    BadBusPins {
        /// Bus id.
        bus: String,
        /// What is wrong.
        problem: String,
    },
    /// I²C address missing, out of the 7-bit range, given where it has no meaning, or shared.
    #[error("part {part}: {problem}")]
    BadAddress {
        /// Part id.
        part: String,
        /// What is wrong.
        problem: String,
    },
    /// The console refers to something other than a UART bus.
    #[error("console: `{0}` is not a uart bus")]
    BadConsole(String),
}

impl Board {
    /// Run every check; the first failure is returned.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let pins_per_port = pins_per_port(&self.board.soc)?;
        self.ids_are_unique()?;
        self.pins_exist(pins_per_port)?;
        self.pins_are_used_once()?;
        self.buses_have_their_signals()?;
        self.parts_sit_on_described_buses()?;
        self.i2c_addresses_are_sane()?;
        self.console_is_a_uart()?;
        Ok(())
    }

    fn ids_are_unique(&self) -> Result<(), ValidationError> {
        let mut seen = BTreeSet::new();
        let ids = self
            .buses
            .iter()
            .map(|b| &b.id)
            .chain(self.parts.iter().map(|p| &p.id));
        for id in ids {
            if !seen.insert(id) {
                return Err(ValidationError::DuplicateId(id.clone()));
            }
        }
        Ok(())
    }

    /// Every (owner, role, pin) on the board.
    fn pin_uses(&self) -> impl Iterator<Item = (String, Pin)> + '_ {
        let bus_pins = self.buses.iter().flat_map(|b| {
            b.pins
                .iter()
                .map(move |(role, pin)| (format!("bus {}: {role}", b.id), *pin))
        });
        let part_pins = self.parts.iter().flat_map(|p| {
            p.pins
                .iter()
                .map(move |(role, pin)| (format!("part {}: {role}", p.id), *pin))
        });
        bus_pins.chain(part_pins)
    }

    fn pins_exist(&self, pins_per_port: [u8; 2]) -> Result<(), ValidationError> {
        for (owner, pin) in self.pin_uses() {
            let count = pins_per_port[pin.port as usize];
            if pin.number >= count {
                return Err(ValidationError::NoSuchPin {
                    owner,
                    pin,
                    soc: self.board.soc.clone(),
                    count,
                });
            }
        }
        Ok(())
    }

    fn pins_are_used_once(&self) -> Result<(), ValidationError> {
        let mut users: BTreeMap<Pin, String> = BTreeMap::new();
        for (owner, pin) in self.pin_uses() {
            if let Some(first) = users.get(&pin) {
                return Err(ValidationError::PinUsedTwice {
                    pin,
                    first: first.clone(),
                    second: owner,
                });
            }
            users.insert(pin, owner);
        }
        Ok(())
    }

    fn buses_have_their_signals(&self) -> Result<(), ValidationError> {
        for bus in &self.buses {
            let (required, optional) = bus.kind.pin_roles();
            let bad = |problem: String| ValidationError::BadBusPins {
                bus: bus.id.clone(),
                problem,
            };
            if let Some(missing) = required.iter().find(|r| !bus.pins.contains_key(**r)) {
                return Err(bad(format!("missing pin `{missing}`")));
            }
            if let Some(extra) = bus
                .pins
                .keys()
                .find(|r| !required.contains(&r.as_str()) && !optional.contains(&r.as_str()))
            {
                return Err(bad(format!("a {:?} bus has no signal `{extra}`", bus.kind)));
            }
        }
        Ok(())
    }

    fn parts_sit_on_described_buses(&self) -> Result<(), ValidationError> {
        for part in &self.parts {
            if let Some(bus) = &part.bus
                && self.bus(bus).is_none()
            {
                return Err(ValidationError::NoSuchBus {
                    part: part.id.clone(),
                    bus: bus.clone(),
                });
            }
        }
        Ok(())
    }

    fn i2c_addresses_are_sane(&self) -> Result<(), ValidationError> {
        let mut taken: BTreeMap<(&str, u8), &str> = BTreeMap::new();
        for part in &self.parts {
            let on_i2c = part
                .bus
                .as_deref()
                .and_then(|b| self.bus(b))
                .is_some_and(|b| b.kind == BusKind::I2c);
            let bad = |problem: String| ValidationError::BadAddress {
                part: part.id.clone(),
                problem,
            };
            match (on_i2c, part.address) {
                (true, None) => return Err(bad("a part on an I2C bus needs an address".into())),
                (false, Some(_)) => {
                    return Err(bad("an address only means something on an I2C bus".into()));
                }
                (true, Some(addr)) if addr > 0x7F => {
                    return Err(bad(format!("{addr:#04x} is not a 7-bit I2C address")));
                }
                (true, Some(addr)) => {
                    let bus = part.bus.as_deref().unwrap_or_default();
                    if let Some(other) = taken.insert((bus, addr), &part.id) {
                        return Err(bad(format!(
                            "address {addr:#04x} on bus {bus} is also used by {other}"
                        )));
                    }
                }
                (false, None) => {}
            }
        }
        Ok(())
    }

    fn console_is_a_uart(&self) -> Result<(), ValidationError> {
        match &self.console {
            Some(c) if self.bus(&c.uart).is_none_or(|b| b.kind != BusKind::Uart) => {
                Err(ValidationError::BadConsole(c.uart.clone()))
            }
            _ => Ok(()),
        }
    }
}

/// GPIO pins on ports 0 and 1 for each SoC variant (Zephyr's da14695/7/9 dtsi files).
fn pins_per_port(soc: &str) -> Result<[u8; 2], ValidationError> {
    match soc {
        "da14695" => Ok([32, 12]),
        "da14697" | "da14699" => Ok([32, 23]),
        other => Err(ValidationError::UnknownSoc(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use crate::Board;

    const DK: &str = include_str!("../boards/da1469x_dk_pro.toml");

    fn check(edit: impl Fn(&str) -> String) -> String {
        Board::from_toml("t.toml", &edit(DK))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn each_rule_fires() {
        assert!(check(|t| t.replace("\"da14699\"", "\"da14580\"")).contains("unknown SoC"));
        assert!(check(|t| t.replace("P1_01", "P1_30")).contains("does not exist"));
        assert!(check(|t| t.replace("P1_01", "P0_09")).contains("used by both"));
        assert!(check(|t| t.replace("id = \"i2c2\"", "id = \"i2c\"")).contains("used twice"));
        assert!(
            check(|t| t.replace(
                "pins = { scl = \"P0_29\", sda = \"P0_28\" }",
                "pins = { scl = \"P0_29\" }"
            ))
            .contains("missing pin `sda`")
        );
        assert!(
            check(|t| t.replace("tx = \"P0_09\"", "tx = \"P0_09\", dc = \"P0_10\""))
                .contains("no signal `dc`")
        );
        assert!(
            check(|t| t.replace(
                "id = \"led\"\nmodel = \"led\"",
                "id = \"led\"\nmodel = \"led\"\naddress = 0x10"
            ))
            .contains("only means something")
        );
        assert!(check(|t| t.replace("uart = \"uart\"", "uart = \"i2c\"")).contains("not a uart"));
        assert!(
            check(|t| t.replace(
                "id = \"led\"\nmodel = \"led\"",
                "id = \"led\"\nmodel = \"led\"\nbus = \"spi9\""
            ))
            .contains("no bus `spi9`")
        );
    }
}
