//! The board's parts, built from its description and attached to the SoC.
//!
//! Today the panel: a part on a `mipi-dbi-spi4` bus whose controller is the
//! LCDC gets every command and pixel the LCDC sends. The machine keeps a
//! handle on it to take screenshots. Parts on buses the SoC does not model
//! yet (I2C, GPIO-driven parts) are listed by [`Wiring::unwired`] so a run can
//! say so.

use mb4_board::{Board, BusKind};
use mb4_parts::rm69310::Rm69310;
use mb4_parts::world::AnyPart;
use mb4_periph::part::DbiTarget;
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
    /// Parts the emulator cannot attach yet: (part id, model, why).
    pub unwired: Vec<(String, String, String)>,
}

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
        for part in &board.parts {
            let bus = part.bus.as_deref().and_then(|b| board.bus(b));
            let on_lcdc = bus.is_some_and(|b| {
                b.kind == BusKind::MipiDbiSpi4 && b.controller.eq_ignore_ascii_case("LCDC")
            });
            let built =
                mb4_parts::build_any(&part.model, &part.config).map_err(|e| WiringError::Part {
                    id: part.id.clone(),
                    model: part.model.clone(),
                    reason: e.to_string(),
                })?;
            match built {
                AnyPart::Rm69310(panel) if on_lcdc => {
                    w.panel = Some(Rc::new(RefCell::new(panel)));
                }
                _ => w.unwired.push((
                    part.id.clone(),
                    part.model.clone(),
                    match bus {
                        Some(b) => {
                            format!("its bus {} ({}) is not modelled yet", b.id, b.controller)
                        }
                        None => "parts on GPIO pins are not attached yet".into(),
                    },
                )),
            }
        }
        Ok(w)
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
        assert_eq!(ids.len(), board.parts.len() - 1, "{ids:?}");
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
