//! QSPI flash parts, kept as data in `data/flash-parts.toml`.
//!
//! The table is compiled in with `include_str!`, parsed once on first use and
//! checked by [`FlashParts::validate`]; a unit test makes sure the shipped file
//! passes, so [`parts`] cannot fail at run time.
//!
//! The Mi Band 4's own flash part is unknown: [`FlashParts::default_part`] is an
//! assumption, explained in the data file.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::Confidence;

/// The shipped table, as text.
pub const FLASH_PARTS_TOML: &str = include_str!("../data/flash-parts.toml");

/// The three bytes a flash returns for READ JEDEC ID (command 0x9F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JedecId {
    /// JEDEC manufacturer code (0xEF Winbond, 0xC2 Macronix, …).
    pub manufacturer: u8,
    /// Vendor-specific memory type.
    pub memory_type: u8,
    /// Density (capacity) code.
    pub density: u8,
}

impl JedecId {
    /// The capacity in bytes that the ID encodes, where the encoding is one
    /// we know; `None` otherwise.
    ///
    /// * Most vendors: density code = log2(bytes) (0x18 → 16 MiB).
    /// * Macronix 0x3x codes: the low five bits are log2(bytes) (0x36 → 4 MiB).
    /// * Adesto AT25FF (density byte 0x08): the low five bits of the memory
    ///   type give the size in steps of powers of two from 32 KiB (0x05 → 1 MiB).
    pub fn capacity_bytes(self) -> Option<u64> {
        match (self.manufacturer, self.density) {
            (0x1F, 0x08) => Some(1u64 << ((self.memory_type & 0x1F) + 15)),
            (_, d @ 0x10..=0x20) => Some(1u64 << d),
            (0xC2, d @ 0x30..=0x3F) => Some(1u64 << (d & 0x1F)),
            _ => None,
        }
    }
}

impl std::fmt::Display for JedecId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02X} {:02X} {:02X}",
            self.manufacturer, self.memory_type, self.density
        )
    }
}

/// One flash part, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashPart {
    /// Part name, as the vendor and ezFlashCLI spell it (`--flash` takes it).
    pub name: String,
    /// Maker.
    pub vendor: String,
    /// READ JEDEC ID answer.
    pub jedec: JedecId,
    /// Capacity in bytes.
    pub size: u32,
    /// Supply range, when known.
    pub voltage: Option<String>,
    /// Value for QSPIC_BURSTCMDA_REG (read command, mode byte, bus widths).
    pub burstcmda: u32,
    /// Value for QSPIC_BURSTCMDB_REG (dummy bytes, burst options).
    pub burstcmdb: u32,
    /// Value for QSPIC_CTRLMODE_REG, for product headers that carry one (DA1470x).
    pub ctrlmode: Option<u32>,
    /// Bytes of the product header's flash-config section (0xAA11).
    pub config: Vec<u8>,
    /// Where the entry comes from.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// The whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashParts {
    /// Name of the part assumed for the Mi Band 4.
    pub default: String,
    /// Every part, in file order.
    pub parts: Vec<FlashPart>,
}

/// What can be wrong with a flash-part table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlashPartsError {
    /// The TOML does not match the schema.
    #[error("flash-part table: {message}")]
    Syntax {
        /// What the TOML parser said (with line and column).
        message: String,
    },
    /// A hex field is not `0x` followed by hex digits that fit.
    #[error(
        "flash part {part}: field `{field}` = {value:?} is not a hex number that fits in {bits} bits"
    )]
    BadHex {
        /// Part name.
        part: String,
        /// Field name.
        field: &'static str,
        /// The offending text.
        value: String,
        /// Width of the field.
        bits: u32,
    },
    /// Unknown confidence word.
    #[error("flash part {part}: confidence {value:?} is not one of confirmed, single, inferred")]
    BadConfidence {
        /// Part name.
        part: String,
        /// The offending text.
        value: String,
    },
    /// Two parts share a name.
    #[error("flash part {name} is listed twice")]
    DuplicateName {
        /// Part name.
        name: String,
    },
    /// Two parts share a JEDEC ID, so a probe could not tell them apart.
    #[error("flash parts {first} and {second} share the JEDEC ID {jedec}")]
    DuplicateJedec {
        /// First part.
        first: String,
        /// Second part.
        second: String,
        /// The shared ID.
        jedec: JedecId,
    },
    /// The size disagrees with what the JEDEC density code says.
    #[error("flash part {part}: size {size:#x} but JEDEC ID {jedec} means {expected:#x} bytes")]
    SizeMismatch {
        /// Part name.
        part: String,
        /// Size in the table.
        size: u32,
        /// The ID.
        jedec: JedecId,
        /// Size the ID encodes.
        expected: u64,
    },
    /// The size is not a power of two of at least 64 KiB.
    #[error("flash part {part}: size {size:#x} is not a power of two of at least 64 KiB")]
    ImpossibleSize {
        /// Part name.
        part: String,
        /// Size in the table.
        size: u32,
    },
    /// The config section would not fit a product header.
    #[error("flash part {part}: {len} config bytes; a product header sector holds at most {max}")]
    ConfigTooLong {
        /// Part name.
        part: String,
        /// Number of bytes.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// The default part is not in the table.
    #[error("the default flash part {name} is not in the table")]
    MissingDefault {
        /// The name given as default.
        name: String,
    },
}

/// Largest flash-config section that fits a 4 KiB product-header sector next to
/// the fixed fields (22 bytes incl. an optional CTRLMODE word = 26) and the CRC.
pub const MAX_CONFIG_BYTES: usize = 0x1000 - 26 - 2;

// ---- the schema as written in the TOML file --------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    default: String,
    part: Vec<RawPart>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    name: String,
    vendor: String,
    jedec: [String; 3],
    size: String,
    voltage: Option<String>,
    burstcmda: String,
    burstcmdb: String,
    ctrlmode: Option<String>,
    config: Vec<String>,
    source: String,
    confidence: String,
}

fn hex(part: &str, field: &'static str, value: &str, bits: u32) -> Result<u64, FlashPartsError> {
    let bad = || FlashPartsError::BadHex {
        part: part.to_owned(),
        field,
        value: value.to_owned(),
        bits,
    };
    let digits = value.strip_prefix("0x").ok_or_else(bad)?;
    let n = u64::from_str_radix(digits, 16).map_err(|_| bad())?;
    if bits < 64 && n >> bits != 0 {
        return Err(bad());
    }
    Ok(n)
}

impl RawPart {
    fn into_part(self) -> Result<FlashPart, FlashPartsError> {
        let n = &self.name;
        let byte = |field, v: &str| hex(n, field, v, 8).map(|x| x as u8);
        let word = |field, v: &str| hex(n, field, v, 32).map(|x| x as u32);
        let confidence = match self.confidence.as_str() {
            "confirmed" => Confidence::Confirmed,
            "single" => Confidence::Single,
            "inferred" => Confidence::Inferred,
            _ => {
                return Err(FlashPartsError::BadConfidence {
                    part: n.clone(),
                    value: self.confidence,
                });
            }
        };
        Ok(FlashPart {
            jedec: JedecId {
                manufacturer: byte("jedec", &self.jedec[0])?,
                memory_type: byte("jedec", &self.jedec[1])?,
                density: byte("jedec", &self.jedec[2])?,
            },
            size: word("size", &self.size)?,
            burstcmda: word("burstcmda", &self.burstcmda)?,
            burstcmdb: word("burstcmdb", &self.burstcmdb)?,
            ctrlmode: self
                .ctrlmode
                .as_deref()
                .map(|v| word("ctrlmode", v))
                .transpose()?,
            config: self
                .config
                .iter()
                .map(|v| byte("config", v))
                .collect::<Result<_, _>>()?,
            confidence,
            name: self.name,
            vendor: self.vendor,
            voltage: self.voltage,
            source: self.source,
        })
    }
}

impl FlashParts {
    /// Parse a table from TOML text and [`validate`](Self::validate) it.
    pub fn from_toml(text: &str) -> Result<Self, FlashPartsError> {
        let raw: RawTable = toml::from_str(text).map_err(|e| FlashPartsError::Syntax {
            message: e.to_string(),
        })?;
        let parts = raw
            .part
            .into_iter()
            .map(RawPart::into_part)
            .collect::<Result<_, _>>()?;
        let table = FlashParts {
            default: raw.default,
            parts,
        };
        table.validate()?;
        Ok(table)
    }

    /// Run every consistency check, stopping at the first problem.
    pub fn validate(&self) -> Result<(), FlashPartsError> {
        self.ensure_unique_names()?;
        self.ensure_unique_jedec_ids()?;
        self.ensure_sizes_possible()?;
        self.ensure_sizes_match_jedec()?;
        self.ensure_config_fits()?;
        self.ensure_default_exists()
    }

    fn ensure_unique_names(&self) -> Result<(), FlashPartsError> {
        let mut seen = HashSet::new();
        for p in &self.parts {
            if !seen.insert(p.name.to_ascii_uppercase()) {
                return Err(FlashPartsError::DuplicateName {
                    name: p.name.clone(),
                });
            }
        }
        Ok(())
    }

    fn ensure_unique_jedec_ids(&self) -> Result<(), FlashPartsError> {
        for (i, a) in self.parts.iter().enumerate() {
            if let Some(b) = self.parts[i + 1..].iter().find(|b| b.jedec == a.jedec) {
                return Err(FlashPartsError::DuplicateJedec {
                    first: a.name.clone(),
                    second: b.name.clone(),
                    jedec: a.jedec,
                });
            }
        }
        Ok(())
    }

    fn ensure_sizes_possible(&self) -> Result<(), FlashPartsError> {
        match self
            .parts
            .iter()
            .find(|p| !p.size.is_power_of_two() || p.size < 0x1_0000)
        {
            Some(p) => Err(FlashPartsError::ImpossibleSize {
                part: p.name.clone(),
                size: p.size,
            }),
            None => Ok(()),
        }
    }

    fn ensure_sizes_match_jedec(&self) -> Result<(), FlashPartsError> {
        for p in &self.parts {
            if let Some(expected) = p.jedec.capacity_bytes()
                && expected != u64::from(p.size)
            {
                return Err(FlashPartsError::SizeMismatch {
                    part: p.name.clone(),
                    size: p.size,
                    jedec: p.jedec,
                    expected,
                });
            }
        }
        Ok(())
    }

    fn ensure_config_fits(&self) -> Result<(), FlashPartsError> {
        match self
            .parts
            .iter()
            .find(|p| p.config.len() > MAX_CONFIG_BYTES)
        {
            Some(p) => Err(FlashPartsError::ConfigTooLong {
                part: p.name.clone(),
                len: p.config.len(),
                max: MAX_CONFIG_BYTES,
            }),
            None => Ok(()),
        }
    }

    fn ensure_default_exists(&self) -> Result<(), FlashPartsError> {
        match self.find(&self.default) {
            Some(_) => Ok(()),
            None => Err(FlashPartsError::MissingDefault {
                name: self.default.clone(),
            }),
        }
    }

    /// The part with this name (case-insensitive).
    pub fn find(&self, name: &str) -> Option<&FlashPart> {
        self.parts
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The part with this JEDEC ID.
    pub fn by_jedec(&self, jedec: JedecId) -> Option<&FlashPart> {
        self.parts.iter().find(|p| p.jedec == jedec)
    }

    /// The part whose product-header values (burst commands and config bytes)
    /// are these; used to name the part an existing image was built for.
    /// Several parts can share values; the first in file order wins.
    pub fn by_header_values(
        &self,
        burstcmda: u32,
        burstcmdb: u32,
        config: &[u8],
    ) -> Vec<&FlashPart> {
        self.parts
            .iter()
            .filter(|p| p.burstcmda == burstcmda && p.burstcmdb == burstcmdb && p.config == config)
            .collect()
    }

    /// The part assumed for the Mi Band 4 (ASSUMED: the band's part is unknown).
    pub fn default_part(&self) -> &FlashPart {
        // validate() guarantees the default exists.
        self.find(&self.default).unwrap_or_else(|| &self.parts[0])
    }

    /// Part names, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| p.name.as_str())
    }
}

static PARTS: LazyLock<FlashParts> = LazyLock::new(|| {
    FlashParts::from_toml(FLASH_PARTS_TOML)
        .expect("data/flash-parts.toml is checked by the flash::tests unit tests")
});

/// The shipped flash-part table, parsed and validated once.
pub fn parts() -> &'static FlashParts {
    &PARTS
}

/// Common SPI NOR flash command codes, for naming the bytes of a flash-config
/// section. Codes vary a little between vendors; these are the ones in the
/// JEDEC-style command sets of the parts in the table.
pub fn command_name(code: u8) -> Option<&'static str> {
    Some(match code {
        0x01 => "WRSR (write status register)",
        0x02 => "PP (page program)",
        0x03 => "READ (read data)",
        0x04 => "WRDI (write disable)",
        0x05 => "RDSR (read status register)",
        0x06 => "WREN (write enable)",
        0x0B => "FAST_READ",
        0x11 => "WRSR3 (write status register-3)",
        0x20 => "SE (sector erase 4 KiB)",
        0x31 => "WRSR2 (write status register-2)",
        0x35 => "RDSR2 (read status register-2)",
        0x38 => "EQIO (enter QPI mode)",
        0x50 => "WREN_VSR (volatile status register write enable)",
        0x66 => "RSTEN (reset enable)",
        0x72 => "WRCR2 (write configuration register 2)",
        0x99 => "RST (reset)",
        0x9F => "RDID (read JEDEC ID)",
        0xAB => "RES (release from deep power-down)",
        0xB9 => "DP (deep power-down)",
        0xEB => "4READ (fast read quad I/O)",
        0xFF => "reset continuous read mode",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_parses_and_validates() {
        let table = FlashParts::from_toml(FLASH_PARTS_TOML).unwrap();
        assert!(
            table.parts.len() >= 18,
            "every ezFlashCLI DA1469x part is listed"
        );
        assert_eq!(parts(), &table);
    }

    #[test]
    fn default_is_a_16_mib_1v8_part() {
        let p = parts().default_part();
        assert_eq!(p.name, "W25Q128JW");
        assert_eq!(p.size, 16 * 1024 * 1024);
        assert!(p.voltage.as_deref().unwrap().starts_with("1.7"));
    }

    #[test]
    fn hex_stays_hex_and_parses() {
        let p = parts().find("mx25u3235f").unwrap();
        assert_eq!(p.burstcmda, 0xA8A5_00EB);
        assert_eq!(p.burstcmdb, 0x66);
        assert_eq!(p.config, [0x01, 0x40, 0x07]);
        assert_eq!(p.jedec.to_string(), "C2 25 36");
        assert_eq!(parts().by_jedec(p.jedec).unwrap().name, "MX25U3235F");
    }

    #[test]
    fn every_part_has_a_known_size_rule() {
        for p in &parts().parts {
            assert_eq!(
                p.jedec.capacity_bytes(),
                Some(u64::from(p.size)),
                "{}",
                p.name
            );
        }
    }

    fn one_part(fields: &str) -> String {
        format!(
            "default = \"X\"\n[[part]]\nname = \"X\"\nvendor = \"V\"\n{fields}\nsource = \"s\"\nconfidence = \"single\"\n"
        )
    }
    const GOOD: &str = "jedec = [\"0xEF\", \"0x60\", \"0x18\"]\nsize = \"0x1000000\"\nburstcmda = \"0xA8A500EB\"\nburstcmdb = \"0x66\"\nconfig = [\"0x07\"]";

    #[test]
    fn a_minimal_part_is_accepted() {
        FlashParts::from_toml(&one_part(GOOD)).unwrap();
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err =
            FlashParts::from_toml(&one_part(&format!("{GOOD}\nspeed = \"fast\""))).unwrap_err();
        assert!(matches!(err, FlashPartsError::Syntax { .. }), "{err}");
        assert!(err.to_string().contains("speed"), "{err}");
    }

    #[test]
    fn decimal_or_oversized_numbers_are_refused() {
        let err =
            FlashParts::from_toml(&one_part(&GOOD.replace("\"0x66\"", "\"102\""))).unwrap_err();
        assert!(
            matches!(
                err,
                FlashPartsError::BadHex {
                    field: "burstcmdb",
                    ..
                }
            ),
            "{err}"
        );
        let err =
            FlashParts::from_toml(&one_part(&GOOD.replace("\"0x07\"", "\"0x107\""))).unwrap_err();
        assert!(
            matches!(
                err,
                FlashPartsError::BadHex {
                    field: "config",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn size_must_match_the_jedec_density() {
        // ezFlashCLI's W25Q128JW entry says 1 MiB; the ID says 16 MiB.
        let err =
            FlashParts::from_toml(&one_part(&GOOD.replace("0x1000000", "0x100000"))).unwrap_err();
        assert!(
            matches!(
                err,
                FlashPartsError::SizeMismatch {
                    expected: 0x100_0000,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn duplicates_and_missing_default_are_refused() {
        let twice = format!(
            "{}{}",
            one_part(GOOD),
            one_part(GOOD).replace("default = \"X\"\n", "")
        );
        assert!(matches!(
            FlashParts::from_toml(&twice).unwrap_err(),
            FlashPartsError::DuplicateName { .. }
        ));
        let other = one_part(GOOD).replace("default = \"X\"", "default = \"Y\"");
        assert!(matches!(
            FlashParts::from_toml(&other).unwrap_err(),
            FlashPartsError::MissingDefault { .. }
        ));
    }

    #[test]
    fn commands_are_named() {
        assert_eq!(command_name(0x01), Some("WRSR (write status register)"));
        assert_eq!(command_name(0x31), Some("WRSR2 (write status register-2)"));
        assert_eq!(command_name(0x07), None);
    }
}
