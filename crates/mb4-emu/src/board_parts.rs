//! The board's parts, built from its description and attached to the SoC.
//!
//! The panel: a part on a `mipi-dbi-spi4` bus whose controller is the LCDC
//! gets every command and pixel the LCDC sends; the machine keeps a handle on
//! it to take screenshots. I²C parts (IMU, PPG, wear sensor, touch) sit on
//! the controller their bus names, at their address. Parts driven by GPIO
//! pins (motor, LED, button, battery) wait for the GPIO model and are listed
//! by [`Wiring::unwired`] so a run can say so. The machine keeps a handle on
//! every part, for the events that move them (steps, heart rate, touches).

use mb4_board::{Board, BusKind};
use mb4_parts::rm69310::Rm69310;
use mb4_parts::world::AnyPart;
use mb4_periph::part::{DbiTarget, I2cTarget};
use mb4_periph::time::Instant;
use std::cell::RefCell;
use std::rc::Rc;

/// The panel, shared between the LCDC (which drives it) and the machine
/// (which shows it).
pub type PanelHandle = Rc<RefCell<Rm69310>>;

/// What the board's description gave the machine.
#[derive(Debug, Default)]
pub struct Wiring {
    /// The display on the LCDC, if the board has one.
    pub panel: Option<PanelHandle>,
    /// Parts on I²C: (controller index 0 = I2C, 1 = I2C2, 7-bit address, part).
    pub i2c: Vec<(usize, u8, PartHandle)>,
    /// Every part but the panel, by board id.
    pub parts: Vec<(String, PartHandle)>,
    /// Part pins the SoC drives through GPIO: (pin, the part's role for it, part).
    pub pin_inputs: Vec<(mb4_board::Pin, String, PartHandle)>,
    /// The battery, seen by GPADC (VBAT) and the charger.
    pub battery: Option<PartHandle>,
    /// Parts the emulator cannot attach yet: (part id, model, why).
    pub unwired: Vec<(String, String, String)>,
}

/// A part, shared between the bus it sits on and the machine.
pub type PartHandle = Rc<RefCell<AnyPart>>;

/// Why a board's parts cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum WiringError {
    /// The part's model or its configuration is wrong.
    #[error("board part {id:?} ({model}): {reason}")]
    Part {
        id: String,
        model: String,
        reason: String,
    },
}

impl Wiring {
    /// Builds the parts `board` lists.
    pub fn from_board(board: &Board) -> Result<Wiring, WiringError> {
        let mut w = Wiring::default();
        for desc in &board.parts {
            let bus = desc.bus.as_deref().and_then(|b| board.bus(b));
            let on_lcdc = bus.is_some_and(|b| {
                b.kind == BusKind::MipiDbiSpi4 && b.controller.eq_ignore_ascii_case("LCDC")
            });
            let i2c_controller = bus.filter(|b| b.kind == BusKind::I2c).and_then(|b| {
                match b.controller.to_ascii_uppercase().as_str() {
                    "I2C" => Some(0),
                    "I2C2" => Some(1),
                    _ => None,
                }
            });
            let mut built =
                mb4_parts::build_any(&desc.model, &desc.config).map_err(|e| WiringError::Part {
                    id: desc.id.clone(),
                    model: desc.model.clone(),
                    reason: e.to_string(),
                })?;
            if on_lcdc && let AnyPart::Rm69310(panel) = built {
                w.panel = Some(Rc::new(RefCell::new(panel)));
                continue;
            }
            let on_i2c = match (i2c_controller, desc.address, built.i2c().is_some()) {
                (Some(c), Some(a), true) => Some((c, a)),
                (Some(_), None, true) => {
                    return Err(WiringError::Part {
                        id: desc.id.clone(),
                        model: desc.model.clone(),
                        reason: "an I2C part needs an address".into(),
                    });
                }
                _ => None,
            };
            let is_battery = matches!(built, AnyPart::LiPo(_));
            let handle = Rc::new(RefCell::new(built));
            for (role, pin) in &desc.pins {
                w.pin_inputs.push((*pin, role.clone(), handle.clone()));
            }
            match on_i2c {
                Some((controller, address)) => w.i2c.push((controller, address, handle.clone())),
                None if is_battery => w.battery = Some(handle.clone()),
                None if !desc.pins.is_empty() => {}
                None => w.unwired.push((
                    desc.id.clone(),
                    desc.model.clone(),
                    match bus {
                        Some(b) => {
                            format!("its bus {} ({}) is not modelled yet", b.id, b.controller)
                        }
                        None => "it has no bus and no pins".into(),
                    },
                )),
            }
            w.parts.push((desc.id.clone(), handle));
        }
        Ok(w)
    }
}

/// An I²C controller's end of a shared part.
#[derive(Debug)]
pub struct I2cLink(pub PartHandle);

impl I2cTarget for I2cLink {
    fn start(&mut self, read: bool, now: Instant) -> bool {
        self.0
            .borrow_mut()
            .i2c()
            .is_some_and(|t| t.start(read, now))
    }

    fn write(&mut self, byte: u8, now: Instant) -> bool {
        self.0
            .borrow_mut()
            .i2c()
            .is_some_and(|t| t.write(byte, now))
    }

    fn read(&mut self, now: Instant) -> u8 {
        self.0.borrow_mut().i2c().map_or(0xff, |t| t.read(now))
    }

    fn stop(&mut self, now: Instant) {
        if let Some(t) = self.0.borrow_mut().i2c() {
            t.stop(now);
        }
    }
}

/// The LCDC's end of a shared panel.
#[derive(Debug)]
pub struct LcdcLink(pub PanelHandle);

impl DbiTarget for LcdcLink {
    fn command(&mut self, cmd: u8, now: Instant) {
        self.0.borrow_mut().command(cmd, now);
    }

    fn data(&mut self, bytes: &[u8], now: Instant) {
        self.0.borrow_mut().data(bytes, now);
    }

    fn read(&mut self, n: usize, now: Instant) -> Vec<u8> {
        self.0.borrow_mut().read(n, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_gets_its_panel_and_says_what_is_not_attached() {
        let board = Board::builtin("xiaomi_mi_band_4").expect("built in");
        let w = Wiring::from_board(&board).expect("parts build");
        assert!(w.panel.is_some(), "the RM69310 is on the LCDC");
        let ids: Vec<&str> = w.unwired.iter().map(|(id, _, _)| id.as_str()).collect();
        assert!(!ids.contains(&"display"));
        // IMU, PPG, wear sensor on I2C; touch on I2C2.
        let mut on_i2c: Vec<(usize, u8)> = w.i2c.iter().map(|(c, a, _)| (*c, *a)).collect();
        on_i2c.sort();
        assert_eq!(on_i2c, [(0, 0x44), (0, 0x5b), (0, 0x68), (1, 0x20)]);
        assert!(w.battery.is_some(), "the Li-po feeds VBAT");
        assert!(
            w.pin_inputs
                .iter()
                .any(|(p, role, _)| role == "enable" && p.to_string() == "P1_12"),
            "the motor's enable pin"
        );
        assert!(ids.is_empty(), "nothing left unattached: {ids:?}");
    }

    #[test]
    fn pixels_sent_through_the_link_reach_the_shared_panel() {
        let board = Board::builtin("xiaomi_mi_band_4").expect("built in");
        let panel = Wiring::from_board(&board).unwrap().panel.unwrap();
        let mut link = LcdcLink(panel.clone());
        link.command(0x11, Instant::ZERO); // sleep out
        link.command(0x29, Instant::ZERO); // display on
        assert!(!panel.borrow().asleep());
        assert!(panel.borrow().display_on());
    }
}
