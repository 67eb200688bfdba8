//! The vibration motor: an ERM ("pager") motor seen on the band's PCB
//! (research/hardware.md §1). How the SoC drives it is unknown: a GPIO and a
//! transistor is assumed (`enable` pin), and a PWM or the SoC's LRA/ERM
//! block may later set a strength. The model records every change with its
//! time, which is what tests and the `mb4 emu` summary look at.

use mb4_periph::part::Part;
use mb4_periph::time::Instant;

/// One change of the motor's drive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotorEvent {
    /// When.
    pub at: Instant,
    /// Spinning or not.
    pub on: bool,
    /// Drive strength, 0.0..=1.0 (1.0 for a plain GPIO switch).
    pub strength: f64,
}

/// The ERM motor model.
#[derive(Debug, Default)]
pub struct ErmMotor {
    on: bool,
    strength: f64,
    log: Vec<MotorEvent>,
}

impl ErmMotor {
    /// A motor at rest, full strength when enabled.
    pub fn new() -> ErmMotor {
        ErmMotor {
            on: false,
            strength: 1.0,
            log: Vec::new(),
        }
    }

    /// Every on/off/strength change so far.
    pub fn log(&self) -> &[MotorEvent] {
        &self.log
    }

    /// Whether the motor spins.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Set the drive strength (a PWM duty or an LRA/ERM block's level),
    /// clamped to 0.0..=1.0. Logged if it changes while on.
    pub fn set_strength(&mut self, strength: f64, now: Instant) {
        let s = strength.clamp(0.0, 1.0);
        if s != self.strength {
            self.strength = s;
            if self.on {
                self.push(now);
            }
        }
    }

    /// Total time spent on from power-on to `until`.
    pub fn time_on(&self, until: Instant) -> u64 {
        let mut total = 0;
        let mut since = None;
        for e in &self.log {
            match (e.on, since) {
                (true, None) => since = Some(e.at),
                (false, Some(s)) => {
                    total += e.at.since(s);
                    since = None;
                }
                _ => {}
            }
        }
        total + since.map_or(0, |s| until.since(s))
    }

    fn push(&mut self, at: Instant) {
        self.log.push(MotorEvent {
            at,
            on: self.on,
            strength: self.strength,
        });
    }
}

impl Part for ErmMotor {
    fn model(&self) -> &'static str {
        "erm-motor"
    }

    fn reset(&mut self) {
        self.on = false;
        self.strength = 1.0;
    }

    fn input(&mut self, role: &str, level: bool, now: Instant) {
        if role == "enable" && level != self.on {
            self.on = level;
            self.push(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_pin_is_logged_with_times_and_strength() {
        let mut m = ErmMotor::new();
        m.input("enable", true, Instant::from_millis(100));
        m.input("enable", true, Instant::from_millis(150)); // no change
        m.set_strength(0.5, Instant::from_millis(200));
        m.input("enable", false, Instant::from_millis(400));
        let log = m.log();
        assert_eq!(log.len(), 3);
        assert_eq!(
            (log[0].at, log[0].on, log[0].strength),
            (Instant::from_millis(100), true, 1.0)
        );
        assert_eq!((log[1].on, log[1].strength), (true, 0.5));
        assert_eq!((log[2].at, log[2].on), (Instant::from_millis(400), false));
        assert_eq!(
            m.time_on(Instant::from_secs(1)),
            Instant::from_millis(300).0
        );
        m.input("enable", true, Instant::from_millis(900));
        assert_eq!(
            m.time_on(Instant::from_secs(1)),
            Instant::from_millis(400).0
        );
    }
}
