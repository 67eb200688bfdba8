//! Emulated time.
//!
//! Time is a count of picoseconds since power-on ([`Instant`]). Clocks of any
//! frequency convert to and from it with exact integer arithmetic from a fixed
//! origin, so a 32768 Hz counter never drifts against a 96 MHz CPU however
//! long the run: tick `n` of a clock started at `t0` is at
//! `t0 + ceil(n * 10^12 / hz)`, computed afresh each time rather than summed.

use std::fmt;

/// Picoseconds in one second.
pub const PS_PER_SECOND: u64 = 1_000_000_000_000;

/// A point in emulated time, in picoseconds since power-on (u64 lasts 213 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

impl Instant {
    /// Power-on.
    pub const ZERO: Instant = Instant(0);

    /// From whole seconds.
    pub const fn from_secs(s: u64) -> Instant {
        Instant(s * PS_PER_SECOND)
    }

    /// From milliseconds.
    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms * 1_000_000_000)
    }

    /// From microseconds.
    pub const fn from_micros(us: u64) -> Instant {
        Instant(us * 1_000_000)
    }

    /// Seconds as a float, for reports only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / PS_PER_SECOND as f64
    }

    /// Picoseconds from `earlier` to `self` (0 if `earlier` is later).
    pub fn since(self, earlier: Instant) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0 / 1_000_000;
        write!(f, "{}.{:06} s", us / 1_000_000, us % 1_000_000)
    }
}

/// A clock of fixed frequency that started ticking at `origin`.
///
/// When a clock changes frequency, start a new `Clock` at the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Frequency in Hz (non-zero).
    pub hz: u64,
    /// When tick 0 happened.
    pub origin: Instant,
}

impl Clock {
    /// A clock of `hz` whose tick 0 is at `origin`.
    ///
    /// # Panics
    /// If `hz` is zero: a stopped clock is modelled by not having a `Clock`.
    pub const fn new(hz: u64, origin: Instant) -> Clock {
        assert!(hz > 0, "a clock needs a non-zero frequency");
        Clock { hz, origin }
    }

    /// Whole ticks completed between `origin` and `now` (0 before `origin`).
    pub fn ticks_at(&self, now: Instant) -> u64 {
        let elapsed = now.since(self.origin) as u128;
        (elapsed * self.hz as u128 / PS_PER_SECOND as u128) as u64
    }

    /// When tick `n` happens (rounded up to the next picosecond).
    pub fn instant_of_tick(&self, n: u64) -> Instant {
        let ps = (n as u128 * PS_PER_SECOND as u128).div_ceil(self.hz as u128);
        Instant(
            self.origin
                .0
                .saturating_add(ps.min(u64::MAX as u128) as u64),
        )
    }

    /// When the clock will have completed `n` more ticks after `now`.
    pub fn instant_after_ticks(&self, now: Instant, n: u64) -> Instant {
        self.instant_of_tick(self.ticks_at(now).saturating_add(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_clock_does_not_drift_over_a_day() {
        let lp = Clock::new(32_768, Instant::ZERO);
        let day = Instant::from_secs(86_400);
        assert_eq!(lp.ticks_at(day), 32_768 * 86_400);
        assert_eq!(lp.instant_of_tick(32_768 * 86_400), day);
    }

    #[test]
    fn tick_instants_round_up_and_invert() {
        let cpu = Clock::new(96_000_000, Instant(5));
        for n in [0u64, 1, 2, 3, 1000, 96_000_001] {
            let t = cpu.instant_of_tick(n);
            assert_eq!(cpu.ticks_at(t), n, "tick {n}");
            assert_eq!(
                cpu.ticks_at(Instant(t.0 - 1)),
                n.saturating_sub(1).min(n),
                "just before tick {n}"
            );
        }
        assert_eq!(cpu.ticks_at(Instant(0)), 0, "before the origin");
    }

    #[test]
    fn displays_seconds() {
        assert_eq!(Instant::from_millis(1500).to_string(), "1.500000 s");
    }
}
