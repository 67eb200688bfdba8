//! The Mi Band 4's parts as emulator models, each at its own register
//! interface on its bus (research/hardware.md §1, §3, §4).
//!
//! Every model implements [`mb4_periph::part::Part`] and, where it sits on a
//! bus, [`I2cTarget`](mb4_periph::part::I2cTarget) or
//! [`DbiTarget`](mb4_periph::part::DbiTarget). Each also has a *physics API*
//! on its concrete type (`walk`, `set_heart_rate`, `touch`, `plug_charger`…),
//! as Zephyr's sensor emulators have `set_channel`, so tests and event
//! scripts move the world rather than poke registers.
//!
//! | model (board files) | type | bus |
//! |---|---|---|
//! | `rm69310` | [`rm69310::Rm69310`] | MIPI-DBI |
//! | `afe4900` | [`afe4900::Afe4900`] | I²C |
//! | `iqs620a` | [`iqs620a::Iqs620a`] | I²C |
//! | `bmi270` | [`bmi270::Bmi270`] (config `chip_id` 0x24 or 0x27 for a BMI260) | I²C |
//! | `zinitix` | [`zinitix::Zinitix`] (config `width`, `height`, `keys`) | I²C |
//! | `erm-motor` | [`erm_motor::ErmMotor`] | pin `enable` |
//! | `li-po` | [`li_po::LiPo`] (config `capacity_mah`) | read by GPADC/CHARGER |
//! | `led`, `push-button` | [`simple::Led`], [`simple::PushButton`] (config `active_low`) | pins |
//!
//! [`build`] makes a part from its board-file model name and config map;
//! [`build_any`] keeps its concrete type in an [`AnyPart`], to which a
//! machine broadcasts [`World`] events (touches, heart rate, wrist, charger).
//!
//! # Wiring a part into a machine
//!
//! * **I²C:** for a transfer to the part's address, `as_i2c()` then `start`
//!   (false = NACK the address), `write`/`read` per byte, `stop`.
//! * **MIPI-DBI:** the LCDC's `service(mem, part.as_dbi())` (see the
//!   `lcdc_to_panel` test).
//! * **Pins:** GPIO outputs of the SoC go to `input(role, level, now)`
//!   (`reset`, `enable`, `anode`); after any access or `advance`, read
//!   `output(role)` for the part's pin roles (`int1`, `ready`, `int`, `te`,
//!   `contact`) and drive the GPIO inputs. `None` means the part does not
//!   drive that pin.
//! * **Time:** schedule the earliest `next_event()` of all parts and call
//!   `advance(now)` then; parts with no event (`None`) may be skipped by an
//!   idle fast-forward. Parts also catch up lazily on every access.
//! * **Reports:** drain `take_reports()` and print them loudly.
//! * **Battery:** the SoC's GPADC reads [`li_po::LiPo::voltage`], its
//!   CHARGER [`li_po::LiPo::vbus_present`] and sets the charge current.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt;

use mb4_periph::part::Part;
use mb4_periph::time::Instant;

pub mod afe4900;
pub mod bmi270;
pub mod erm_motor;
mod i2c;
pub mod iqs620a;
pub mod li_po;
pub mod rm69310;
pub mod simple;
pub mod world;
pub mod zinitix;

pub use world::{AnyPart, World};

/// Something a part refused or does not model, with when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Emulated time of the access.
    pub at: Instant,
    /// What happened, in words.
    pub what: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.at, self.what)
    }
}

/// Errors from [`build`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartError {
    /// No model of this name.
    #[error("unknown part model `{model}`; known models: {known}")]
    UnknownModel {
        /// The name asked for.
        model: String,
        /// Comma-separated list of models.
        known: String,
    },
    /// The config map has a key the model does not take.
    #[error("part model `{model}` takes no config key `{key}`; it takes: {known}")]
    UnknownKey {
        /// Model name.
        model: &'static str,
        /// The key given.
        key: String,
        /// Keys the model takes.
        known: String,
    },
    /// A config value out of range.
    #[error("part model `{model}`: config `{key}` = {value} is not allowed: {why}")]
    BadValue {
        /// Model name.
        model: &'static str,
        /// The key.
        key: String,
        /// The value given.
        value: i64,
        /// What is allowed.
        why: &'static str,
    },
}

/// Config keys a model accepts, and reads of them with checks.
struct Config<'a> {
    model: &'static str,
    map: &'a BTreeMap<String, i64>,
}

impl<'a> Config<'a> {
    /// Refuse keys outside `known`.
    fn new(
        model: &'static str,
        map: &'a BTreeMap<String, i64>,
        known: &[&str],
    ) -> Result<Config<'a>, PartError> {
        if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(PartError::UnknownKey {
                model,
                key: key.clone(),
                known: if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                },
            });
        }
        Ok(Config { model, map })
    }

    /// A value that must equal `fixed` if given (sizes the model cannot change).
    fn fixed(&self, key: &str, fixed: i64) -> Result<(), PartError> {
        match self.map.get(key) {
            Some(&v) if v != fixed => Err(self.bad(key, v, "the model has this size built in")),
            _ => Ok(()),
        }
    }

    /// A value in `range`, or `default`.
    fn range(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        default: i64,
        why: &'static str,
    ) -> Result<i64, PartError> {
        match self.map.get(key) {
            Some(&v) if !range.contains(&v) => Err(self.bad(key, v, why)),
            Some(&v) => Ok(v),
            None => Ok(default),
        }
    }

    fn bad(&self, key: &str, value: i64, why: &'static str) -> PartError {
        PartError::BadValue {
            model: self.model,
            key: key.to_owned(),
            value,
            why,
        }
    }
}

/// Model names [`build`] knows.
pub const MODELS: &[&str] = &[
    "rm69310",
    "bmi270",
    "afe4900",
    "iqs620a",
    "zinitix",
    "erm-motor",
    "li-po",
    "led",
    "push-button",
];

/// Make a part from its model name and config map, as a board file gives them.
pub fn build(model: &str, config: &BTreeMap<String, i64>) -> Result<Box<dyn Part>, PartError> {
    build_any(model, config).map(AnyPart::into_boxed)
}

/// Like [`build`], keeping the concrete type (and so the physics API).
pub fn build_any(model: &str, config: &BTreeMap<String, i64>) -> Result<AnyPart, PartError> {
    Ok(match model {
        "rm69310" => {
            let c = Config::new(
                "rm69310",
                config,
                &["width", "height", "column_offset", "controller_columns"],
            )?;
            c.fixed("width", rm69310::GLASS_WIDTH as i64)?;
            c.fixed("height", rm69310::GLASS_HEIGHT as i64)?;
            c.fixed("column_offset", rm69310::COLUMN_OFFSET as i64)?;
            c.fixed("controller_columns", rm69310::RAM_COLUMNS as i64)?;
            AnyPart::Rm69310(rm69310::Rm69310::new())
        }
        "bmi270" => {
            let c = Config::new("bmi270", config, &["chip_id"])?;
            let variant = match c.range(
                "chip_id",
                0x24..=0x27,
                0x24,
                "0x24 (BMI270) or 0x27 (BMI260)",
            )? {
                0x27 => bmi270::Variant::Bmi260,
                0x24 => bmi270::Variant::Bmi270,
                v => return Err(c.bad("chip_id", v, "0x24 (BMI270) or 0x27 (BMI260)")),
            };
            AnyPart::Bmi270(bmi270::Bmi270::new(variant))
        }
        "afe4900" => {
            Config::new("afe4900", config, &[])?;
            AnyPart::Afe4900(afe4900::Afe4900::new())
        }
        "iqs620a" => {
            Config::new("iqs620a", config, &[])?;
            AnyPart::Iqs620a(iqs620a::Iqs620a::new())
        }
        "zinitix" => {
            let c = Config::new("zinitix", config, &["width", "height", "keys"])?;
            let w = c.range("width", 1..=4095, 120, "1..=4095 pixels")?;
            let h = c.range("height", 1..=4095, 240, "1..=4095 pixels")?;
            let k = c.range("keys", 0..=16, 1, "0..=16 touch keys")?;
            AnyPart::Zinitix(zinitix::Zinitix::new(w as u16, h as u16, k as u16))
        }
        "erm-motor" => {
            Config::new("erm-motor", config, &[])?;
            AnyPart::ErmMotor(erm_motor::ErmMotor::new())
        }
        "li-po" => {
            let c = Config::new("li-po", config, &["capacity_mah"])?;
            let mah = c.range("capacity_mah", 1..=100_000, 135, "1..=100000 mAh")?;
            AnyPart::LiPo(li_po::LiPo::new(mah as f64))
        }
        "led" => {
            Config::new("led", config, &[])?;
            AnyPart::Led(simple::Led::new())
        }
        "push-button" => {
            let c = Config::new("push-button", config, &["active_low"])?;
            let low = c.range("active_low", 0..=1, 0, "0 or 1")?;
            AnyPart::PushButton(simple::PushButton::new(low == 1))
        }
        _ => {
            return Err(PartError::UnknownModel {
                model: model.to_owned(),
                known: MODELS.join(", "),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_the_builtin_boards_can_be_made() {
        for name in mb4_board::builtin_names() {
            let board = mb4_board::Board::builtin(name).unwrap();
            for p in &board.parts {
                let part = build(&p.model, &p.config)
                    .unwrap_or_else(|e| panic!("board {name}, part {}: {e}", p.id));
                assert_eq!(part.model(), p.model, "board {name}, part {}", p.id);
            }
        }
    }

    #[test]
    fn bus_faces_match_the_board() {
        let board = mb4_board::Board::builtin("xiaomi_mi_band_4").unwrap();
        for p in &board.parts {
            let mut part = build(&p.model, &p.config).unwrap();
            let kind = p.bus.as_deref().and_then(|b| board.bus(b)).map(|b| b.kind);
            match kind {
                Some(mb4_board::BusKind::I2c) => assert!(part.as_i2c().is_some(), "{}", p.id),
                Some(mb4_board::BusKind::MipiDbiSpi4) => {
                    assert!(part.as_dbi().is_some(), "{}", p.id)
                }
                _ => assert!(
                    part.as_i2c().is_none() && part.as_dbi().is_none(),
                    "{}",
                    p.id
                ),
            }
        }
    }

    /// Random bus traffic, pin changes and time steps never panic any part,
    /// and time-driven parts always name a future event (or none).
    #[test]
    fn random_traffic_never_panics() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let board = mb4_board::Board::builtin("xiaomi_mi_band_4").unwrap();
        let dk = mb4_board::Board::builtin("da1469x_dk_pro").unwrap();
        for p in board.parts.iter().chain(&dk.parts) {
            let mut part = build(&p.model, &p.config).unwrap();
            let roles: Vec<&str> = p.pins.keys().map(String::as_str).collect();
            let mut now = Instant::ZERO;
            for _ in 0..20_000 {
                let r = rand();
                now = Instant(now.0 + (r >> 40) % 2_000_000_000);
                match r % 11 {
                    0 => {
                        if let Some(i2c) = part.as_i2c() {
                            i2c.start(r & 0x100 != 0, now);
                        }
                    }
                    1..=3 => {
                        if let Some(i2c) = part.as_i2c() {
                            i2c.write((r >> 16) as u8, now);
                        }
                    }
                    4 => {
                        if let Some(i2c) = part.as_i2c() {
                            i2c.read(now);
                            i2c.stop(now);
                        }
                    }
                    5 => {
                        if let Some(dbi) = part.as_dbi() {
                            dbi.command((r >> 16) as u8, now);
                        }
                    }
                    6 | 7 => {
                        if let Some(dbi) = part.as_dbi() {
                            let bytes: Vec<u8> =
                                (0..(r >> 20) % 64).map(|i| (r >> (i % 56)) as u8).collect();
                            dbi.data(&bytes, now);
                        }
                    }
                    8 => {
                        if let Some(dbi) = part.as_dbi() {
                            dbi.read(((r >> 16) % 5) as usize, now);
                        }
                    }
                    9 => {
                        if !roles.is_empty() {
                            let role = roles[(r >> 16) as usize % roles.len()];
                            part.input(role, r & 0x200 != 0, now);
                        }
                    }
                    _ => {
                        part.advance(now);
                        for role in &roles {
                            part.output(role);
                        }
                        if let Some(next) = part.next_event() {
                            assert!(next >= now, "{}: event in the past", p.id);
                        }
                    }
                }
            }
            part.take_reports();
            part.reset();
        }
    }

    #[test]
    fn unknown_model_and_key_are_refused_clearly() {
        let e = build("st7789", &BTreeMap::new()).err().unwrap();
        assert!(e.to_string().contains("unknown part model `st7789`"), "{e}");
        let mut c = BTreeMap::new();
        c.insert("widht".to_owned(), 120);
        let e = build("rm69310", &c).err().unwrap();
        assert!(e.to_string().contains("no config key `widht`"), "{e}");
        c.clear();
        c.insert("width".to_owned(), 128);
        let e = build("rm69310", &c).err().unwrap();
        assert!(matches!(e, PartError::BadValue { .. }), "{e}");
    }
}
