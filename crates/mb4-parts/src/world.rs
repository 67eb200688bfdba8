//! The world around the band, as events a script or a test applies to the
//! parts, and a typed holder of any part so the machine keeps the physics
//! API after building parts from a board file.
//!
//! A machine holds one [`AnyPart`] per board part and *broadcasts* each
//! [`World`] event to all of them: every part that senses it reacts (putting
//! the band on a wrist reaches both the wear sensor and the PPG). [`apply`]
//! says how many parts took an event, so a script line nothing senses is an
//! error rather than silence.

use std::fmt;

use mb4_periph::part::Part;
use mb4_periph::time::Instant;

use crate::afe4900::Afe4900;
use crate::bmi270::Bmi270;
use crate::erm_motor::ErmMotor;
use crate::iqs620a::Iqs620a;
use crate::li_po::LiPo;
use crate::rm69310::Rm69310;
use crate::simple::{Led, PushButton};
use crate::zinitix::Zinitix;

/// Something that happens to the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum World {
    /// A finger on the screen at (x, y) pixels (press, or move if down).
    Touch {
        /// Column, 0 = left.
        x: u16,
        /// Line, 0 = top.
        y: u16,
    },
    /// The finger lifts.
    Release,
    /// The touch key below the screen goes down (`true`) or up.
    Key(bool),
    /// The wearer's heart rate, beats per minute.
    HeartRate(f64),
    /// The band goes on (`true`) or off the wrist.
    Worn(bool),
    /// Walking at this many steps per minute (0 stands still).
    Walk(f64),
    /// Holding still with this acceleration, in g (gravity included).
    Acceleration([f64; 3]),
    /// The charging cradle plugged in (`true`) or removed.
    Charger(bool),
    /// The battery's state of charge, 0.0..=1.0.
    StateOfCharge(f64),
    /// A push-button pressed (`true`) or released.
    Button(bool),
}

impl fmt::Display for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            World::Touch { x, y } => write!(f, "touch {x} {y}"),
            World::Release => write!(f, "release"),
            World::Key(d) => write!(f, "key {}", if *d { "down" } else { "up" }),
            World::HeartRate(b) => write!(f, "heart-rate {b}"),
            World::Worn(w) => write!(f, "worn {w}"),
            World::Walk(s) => write!(f, "walk {s}"),
            World::Acceleration([x, y, z]) => write!(f, "acceleration {x} {y} {z}"),
            World::Charger(c) => write!(f, "charger {}", if *c { "on" } else { "off" }),
            World::StateOfCharge(s) => write!(f, "state-of-charge {s}"),
            World::Button(p) => write!(f, "button {}", if *p { "down" } else { "up" }),
        }
    }
}

/// Any part model, with its concrete type kept.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum AnyPart {
    /// The AMOLED controller.
    Rm69310(Rm69310),
    /// The IMU.
    Bmi270(Bmi270),
    /// The PPG front end.
    Afe4900(Afe4900),
    /// The wear sensor.
    Iqs620a(Iqs620a),
    /// The touch controller.
    Zinitix(Zinitix),
    /// The vibration motor.
    ErmMotor(ErmMotor),
    /// The battery.
    LiPo(LiPo),
    /// An LED.
    Led(Led),
    /// A push-button.
    PushButton(PushButton),
}

impl AnyPart {
    /// The part through its common interface.
    pub fn part(&mut self) -> &mut dyn Part {
        match self {
            AnyPart::Rm69310(p) => p,
            AnyPart::Bmi270(p) => p,
            AnyPart::Afe4900(p) => p,
            AnyPart::Iqs620a(p) => p,
            AnyPart::Zinitix(p) => p,
            AnyPart::ErmMotor(p) => p,
            AnyPart::LiPo(p) => p,
            AnyPart::Led(p) => p,
            AnyPart::PushButton(p) => p,
        }
    }

    /// The part's I²C interface, for parts that sit on an I²C bus.
    pub fn i2c(&mut self) -> Option<&mut dyn mb4_periph::part::I2cTarget> {
        match self {
            AnyPart::Bmi270(p) => Some(p),
            AnyPart::Afe4900(p) => Some(p),
            AnyPart::Iqs620a(p) => Some(p),
            AnyPart::Zinitix(p) => Some(p),
            _ => None,
        }
    }

    /// Boxed, for code that needs only the common interface.
    pub fn into_boxed(self) -> Box<dyn Part> {
        match self {
            AnyPart::Rm69310(p) => Box::new(p),
            AnyPart::Bmi270(p) => Box::new(p),
            AnyPart::Afe4900(p) => Box::new(p),
            AnyPart::Iqs620a(p) => Box::new(p),
            AnyPart::Zinitix(p) => Box::new(p),
            AnyPart::ErmMotor(p) => Box::new(p),
            AnyPart::LiPo(p) => Box::new(p),
            AnyPart::Led(p) => Box::new(p),
            AnyPart::PushButton(p) => Box::new(p),
        }
    }

    /// Let this part sense `event` at `now`; whether it did.
    pub fn sense(&mut self, event: &World, now: Instant) -> bool {
        match (self, *event) {
            (AnyPart::Zinitix(t), World::Touch { x, y }) => t.touch(x, y),
            (AnyPart::Zinitix(t), World::Release) => t.release(),
            (AnyPart::Zinitix(t), World::Key(true)) => t.press_key(),
            (AnyPart::Zinitix(t), World::Key(false)) => t.release_key(),
            (AnyPart::Afe4900(p), World::HeartRate(bpm)) => p.set_heart_rate(bpm, now),
            (AnyPart::Afe4900(p), World::Worn(w)) => p.set_worn(w, now),
            (AnyPart::Iqs620a(p), World::Worn(w)) => p.set_worn(w, now),
            (AnyPart::Bmi270(p), World::Walk(spm)) => p.walk(spm, now),
            (AnyPart::Bmi270(p), World::Acceleration(g)) => p.set_acceleration(g, now),
            (AnyPart::LiPo(b), World::Charger(on)) => b.plug_charger(on, now),
            (AnyPart::LiPo(b), World::StateOfCharge(s)) => b.set_state_of_charge(s, now),
            (AnyPart::PushButton(b), World::Button(true)) => b.press(),
            (AnyPart::PushButton(b), World::Button(false)) => b.release(),
            _ => return false,
        }
        true
    }
}

/// Broadcast `event` to every part; how many sensed it.
pub fn apply<'a>(
    parts: impl IntoIterator<Item = &'a mut AnyPart>,
    event: &World,
    now: Instant,
) -> usize {
    parts
        .into_iter()
        .map(|p| p.sense(event, now) as usize)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_any;

    fn band() -> Vec<AnyPart> {
        let board = mb4_board::Board::builtin("xiaomi_mi_band_4").unwrap();
        board
            .parts
            .iter()
            .map(|p| build_any(&p.model, &p.config).unwrap())
            .collect()
    }

    #[test]
    fn wearing_reaches_both_the_wear_sensor_and_the_ppg() {
        let mut parts = band();
        assert_eq!(apply(&mut parts, &World::Worn(true), Instant::ZERO), 2);
        assert_eq!(apply(&mut parts, &World::HeartRate(80.0), Instant::ZERO), 1);
        assert_eq!(
            apply(&mut parts, &World::Touch { x: 5, y: 6 }, Instant::ZERO),
            1
        );
        assert_eq!(apply(&mut parts, &World::Walk(100.0), Instant::ZERO), 1);
        assert_eq!(apply(&mut parts, &World::Charger(true), Instant::ZERO), 1);
        // The band has no push-button: nothing senses it.
        assert_eq!(apply(&mut parts, &World::Button(true), Instant::ZERO), 0);
        let touch = parts
            .iter_mut()
            .find(|p| matches!(p, AnyPart::Zinitix(_)))
            .unwrap();
        assert_eq!(touch.part().output("int"), Some(false), "touch pending");
    }

    #[test]
    fn events_print_as_script_lines() {
        assert_eq!(World::Touch { x: 1, y: 2 }.to_string(), "touch 1 2");
        assert_eq!(World::Charger(false).to_string(), "charger off");
    }
}
