//! The band's Li-po cell: 135 mAh (research/hardware.md §1, several
//! reviews), charged by the DA1469x's own charger from the pogo pins' 5 V.
//!
//! Model: state of charge integrates current over emulated time, in steps of
//! at most one second so a long fast-forward gives the same answer as many
//! short ones. The open-circuit voltage comes from a typical Li-ion curve
//! (table below, **assumed**, not measured on this cell); the terminal
//! voltage is OCV − I·R with an internal resistance of 0.5 Ω (assumed for a
//! small cell). Charging is constant current (default 50 mA ≈ 0.37 C,
//! assumed; the SoC's CHARGER model may set it) until the terminal voltage
//! reaches 4.2 V, then constant voltage with a falling current, ending below
//! C/10. The load (what the band draws) is set by the machine or a test.
//!
//! The SoC's GPADC reads [`LiPo::voltage`] (VBAT) and its CHARGER reads
//! [`LiPo::vbus_present`] and sets [`LiPo::set_charge_current_ma`].

use mb4_periph::part::Part;
use mb4_periph::time::{Instant, PS_PER_SECOND};

/// OCV (V) at state of charge 0 %, 10 %, …, 100 %.
const OCV: [f64; 11] = [
    3.30, 3.62, 3.69, 3.73, 3.77, 3.80, 3.84, 3.89, 3.95, 4.04, 4.20,
];
/// Internal resistance, Ω (assumed).
pub const INTERNAL_OHMS: f64 = 0.5;
/// Charge termination voltage.
pub const CV_VOLTS: f64 = 4.2;

/// The battery model.
#[derive(Debug)]
pub struct LiPo {
    capacity_mah: f64,
    /// Charge in mAh.
    charge_mah: f64,
    load_ma: f64,
    charge_ma: f64,
    plugged: bool,
    charging_done: bool,
    /// Current into the cell at the last step (positive = charging), mA.
    current_ma: f64,
    now: Instant,
}

impl LiPo {
    /// A cell of `capacity_mah`, half charged, no load, charger unplugged.
    pub fn new(capacity_mah: f64) -> LiPo {
        LiPo {
            capacity_mah,
            charge_mah: capacity_mah / 2.0,
            load_ma: 0.0,
            charge_ma: 50.0,
            plugged: false,
            charging_done: false,
            current_ma: 0.0,
            now: Instant::ZERO,
        }
    }

    // ---- physics ----

    /// Set the state of charge, 0.0..=1.0.
    pub fn set_state_of_charge(&mut self, soc: f64, now: Instant) {
        self.advance_to(now);
        self.charge_mah = soc.clamp(0.0, 1.0) * self.capacity_mah;
        self.charging_done = false;
        self.current_ma = self.net_current();
    }

    /// Put the band on (or off) its charging cradle.
    pub fn plug_charger(&mut self, plugged: bool, now: Instant) {
        self.advance_to(now);
        self.plugged = plugged;
        self.charging_done = false;
        self.current_ma = self.net_current();
    }

    /// What the band draws from the cell, mA.
    pub fn set_load_ma(&mut self, ma: f64, now: Instant) {
        self.advance_to(now);
        self.load_ma = ma.max(0.0);
        self.current_ma = self.net_current();
    }

    /// The charge current the charger is programmed for, mA.
    pub fn set_charge_current_ma(&mut self, ma: f64, now: Instant) {
        self.advance_to(now);
        self.charge_ma = ma.max(0.0);
        self.current_ma = self.net_current();
    }

    // ---- what the SoC sees ----

    /// State of charge, 0.0..=1.0.
    pub fn state_of_charge(&self) -> f64 {
        self.charge_mah / self.capacity_mah
    }

    /// Open-circuit voltage at the present state of charge.
    pub fn open_circuit_voltage(&self) -> f64 {
        let x = self.state_of_charge() * 10.0;
        let i = (x.floor() as usize).min(9);
        OCV[i] + (OCV[i + 1] - OCV[i]) * (x - i as f64)
    }

    /// Terminal voltage (VBAT), what the GPADC measures.
    pub fn voltage(&self) -> f64 {
        self.open_circuit_voltage() + self.current_ma / 1000.0 * INTERNAL_OHMS
    }

    /// Whether the cradle supplies VBUS.
    pub fn vbus_present(&self) -> bool {
        self.plugged
    }

    /// Current into the cell, mA (negative when discharging).
    pub fn current_ma(&self) -> f64 {
        self.current_ma
    }

    /// Whether charging has ended (CV phase current below C/10).
    pub fn charging_done(&self) -> bool {
        self.charging_done
    }

    // ---- internals ----

    /// The current into the cell now, mA.
    fn net_current(&mut self) -> f64 {
        let ocv = self.open_circuit_voltage();
        let mut into = 0.0;
        if self.plugged && !self.charging_done {
            // Constant current, limited so the terminal stays at CV_VOLTS.
            let cv_limit = (CV_VOLTS - ocv).max(0.0) / INTERNAL_OHMS * 1000.0;
            into = self.charge_ma.min(cv_limit);
            if into < self.capacity_mah / 10.0 && cv_limit < self.charge_ma {
                self.charging_done = true;
                into = 0.0;
            }
        }
        // While plugged the charger also feeds the load.
        if self.plugged {
            into
        } else {
            into - self.load_ma
        }
    }

    fn advance_to(&mut self, now: Instant) {
        while self.now < now {
            let step = now.since(self.now).min(PS_PER_SECOND);
            let i = self.net_current();
            self.current_ma = i;
            let hours = step as f64 / PS_PER_SECOND as f64 / 3600.0;
            self.charge_mah = (self.charge_mah + i * hours).clamp(0.0, self.capacity_mah);
            self.now = Instant(self.now.0 + step);
        }
        self.current_ma = self.net_current();
    }
}

impl Part for LiPo {
    fn model(&self) -> &'static str {
        "li-po"
    }

    fn reset(&mut self) {
        // The cell keeps its charge across a band reset.
    }

    fn advance(&mut self, now: Instant) {
        self.advance_to(now);
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "vbus").then_some(self.plugged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocv_rises_with_charge() {
        let mut b = LiPo::new(135.0);
        let mut last = 0.0;
        for i in 0..=20 {
            b.set_state_of_charge(i as f64 / 20.0, Instant::ZERO);
            let v = b.open_circuit_voltage();
            assert!(v > last, "monotonic at {i}");
            last = v;
        }
        assert_eq!(last, 4.20);
    }

    #[test]
    fn discharge_integrates_current_and_sags_under_load() {
        let mut b = LiPo::new(135.0);
        b.set_state_of_charge(1.0, Instant::ZERO);
        let idle = b.voltage();
        b.set_load_ma(13.5, Instant::ZERO); // 0.1 C
        assert!((idle - b.voltage() - 0.00675).abs() < 1e-9, "I·R sag");
        b.advance(Instant::from_secs(3600));
        assert!(
            (b.state_of_charge() - 0.9).abs() < 1e-9,
            "{}",
            b.state_of_charge()
        );
        // Same answer in many small steps.
        let mut c = LiPo::new(135.0);
        c.set_state_of_charge(1.0, Instant::ZERO);
        c.set_load_ma(13.5, Instant::ZERO);
        for ms in (0..=3_600_000).step_by(777) {
            c.advance(Instant::from_millis(ms));
        }
        c.advance(Instant::from_secs(3600));
        assert!((c.state_of_charge() - b.state_of_charge()).abs() < 1e-9);
    }

    #[test]
    fn charging_goes_cc_then_cv_then_stops() {
        let mut b = LiPo::new(135.0);
        b.set_state_of_charge(0.2, Instant::ZERO);
        b.set_load_ma(5.0, Instant::ZERO);
        b.plug_charger(true, Instant::ZERO);
        assert_eq!(b.output("vbus"), Some(true));
        assert_eq!(b.current_ma(), 50.0, "constant current");
        assert!(b.voltage() > b.open_circuit_voltage());
        b.advance(Instant::from_secs(3600));
        assert!(b.voltage() <= CV_VOLTS + 1e-9);
        b.advance(Instant::from_secs(4 * 3600));
        assert!(b.charging_done());
        assert!(b.state_of_charge() > 0.95, "{}", b.state_of_charge());
        b.plug_charger(false, Instant::from_secs(4 * 3600));
        assert_eq!(b.current_ma(), -5.0);
    }
}
