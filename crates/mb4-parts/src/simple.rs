//! Tiny parts of the dev kit: an LED and a push-button.

use mb4_periph::part::Part;
use mb4_periph::time::Instant;

/// An LED on a GPIO (`anode`: high lights it).
#[derive(Debug, Default)]
pub struct Led {
    lit: bool,
    changes: Vec<(Instant, bool)>,
}

impl Led {
    /// A dark LED.
    pub fn new() -> Led {
        Led::default()
    }

    /// Whether it is lit.
    pub fn is_lit(&self) -> bool {
        self.lit
    }

    /// Every change, with its time.
    pub fn changes(&self) -> &[(Instant, bool)] {
        &self.changes
    }
}

impl Part for Led {
    fn model(&self) -> &'static str {
        "led"
    }

    fn reset(&mut self) {
        self.lit = false;
    }

    fn input(&mut self, role: &str, level: bool, now: Instant) {
        if role == "anode" && level != self.lit {
            self.lit = level;
            self.changes.push((now, level));
        }
    }
}

/// A push-button on a GPIO (`contact`), pulled to its idle level.
#[derive(Debug)]
pub struct PushButton {
    active_low: bool,
    pressed: bool,
}

impl PushButton {
    /// A released button; `active_low` if pressing pulls the pin low.
    pub fn new(active_low: bool) -> PushButton {
        PushButton {
            active_low,
            pressed: false,
        }
    }

    /// Press it.
    pub fn press(&mut self) {
        self.pressed = true;
    }

    /// Let go.
    pub fn release(&mut self) {
        self.pressed = false;
    }
}

impl Part for PushButton {
    fn model(&self) -> &'static str {
        "push-button"
    }

    fn reset(&mut self) {
        self.pressed = false;
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "contact").then_some(self.pressed != self.active_low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn led_follows_its_pin() {
        let mut l = Led::new();
        l.input("anode", true, Instant::from_millis(5));
        assert!(l.is_lit());
        l.input("anode", false, Instant::from_millis(9));
        assert_eq!(
            l.changes(),
            [
                (Instant::from_millis(5), true),
                (Instant::from_millis(9), false)
            ]
        );
    }

    #[test]
    fn active_low_button_pulls_low_when_pressed() {
        let mut b = PushButton::new(true);
        assert_eq!(b.output("contact"), Some(true));
        b.press();
        assert_eq!(b.output("contact"), Some(false));
        let mut b = PushButton::new(false);
        b.press();
        assert_eq!(b.output("contact"), Some(true));
    }
}
