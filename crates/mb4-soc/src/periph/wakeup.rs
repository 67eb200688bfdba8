//! WAKEUP: interrupts on GPIO pin edges, for both ports.
//!
//! Two paths, as `DA1469xAB.h` names them:
//! * `WKUP_SEL_GPIO_Px_REG` pins raise the port's own line (`GPIO_P0`,
//!   `GPIO_P1`) while any of their `WKUP_STATUS_Px_REG` events stands;
//!   software clears events with `WKUP_CLEAR_Px_REG` (this is the path
//!   Zephyr's `gpio_smartbond.c` uses).
//! * `WKUP_SELECT_Px_REG` pins raise `KEY_WKUP_GPIO` (when
//!   `WKUP_CTRL_REG.WKUP_ENABLE_IRQ` is set) until `WKUP_RESET_IRQ_REG` is
//!   written; `WKUP_SFT_KEYHIT` raises it from software.
//!
//! An event is an edge into the active level: high (rising) when the pin's
//! `WKUP_POL_Px_REG` bit is 0, low (falling) when it is 1. Only pin changes
//! make edges: changing the polarity re-arms without firing, which is what
//! Zephyr's both-edges emulation (flip `POL` to the level not present)
//! relies on. Each GPIO event also triggers the PDC (trigger select 0/1 =
//! port, id = pin), as Zephyr's PDC entries for GPIO expect.
//!
//! Not modelled: the debounce time `WKUP_DEB_VALUE` (events are immediate).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// WAKEUP registers (`WAKEUP_Type`, base 0x5000_0100).
    pub mod regs {
        /// Control register for the wakeup counter.
        WKUP_CTRL_REG @ 0x00 = 0 {
            WKUP_DEB_VALUE: 0..=5 RW,
            WKUP_SFT_KEYHIT: 6..=6 RW,
            WKUP_ENABLE_IRQ: 7..=7 RW,
        }
        /// Reset wakeup interrupt (any write).
        WKUP_RESET_IRQ_REG @ 0x08 = 0 {
            WKUP_IRQ_RST: 0..=15 WO,
        }
        /// select which inputs from P0 port can trigger.
        WKUP_SELECT_P0_REG @ 0x14 = 0 {
            WKUP_SELECT_P0: 0..=31 RW,
        }
        /// select which inputs from P1 port can trigger.
        WKUP_SELECT_P1_REG @ 0x18 = 0 {
            WKUP_SELECT_P1: 0..=22 RW,
        }
        /// select the sesitivity polarity for each P0 input.
        WKUP_POL_P0_REG @ 0x28 = 0 {
            WKUP_POL_P0: 0..=31 RW,
        }
        /// select the sesitivity polarity for each P1 input.
        WKUP_POL_P1_REG @ 0x2c = 0 {
            WKUP_POL_P1: 0..=22 RW,
        }
        /// Event status register for P0.
        WKUP_STATUS_P0_REG @ 0x3c = 0 {
            WKUP_STAT_P0: 0..=31 RO,
        }
        /// Event status register for P1.
        WKUP_STATUS_P1_REG @ 0x40 = 0 {
            WKUP_STAT_P1: 0..=22 RO,
        }
        /// Clear event register for P0.
        WKUP_CLEAR_P0_REG @ 0x48 = 0 {
            WKUP_CLEAR_P0: 0..=31 WO,
        }
        /// Clear event register for P1.
        WKUP_CLEAR_P1_REG @ 0x4c = 0 {
            WKUP_CLEAR_P1: 0..=22 WO,
        }
        /// select which inputs from P0 port can trigger.
        WKUP_SEL_GPIO_P0_REG @ 0x54 = 0 {
            WKUP_SEL_GPIO_P0: 0..=31 RW,
        }
        /// select which inputs from P1 port can trigger.
        WKUP_SEL_GPIO_P1_REG @ 0x58 = 0 {
            WKUP_SEL_GPIO_P1: 0..=22 RW,
        }
    }
}

use regs::*;

/// `KEY_WKUP_GPIO` interrupt line.
pub const IRQ_KEY: u32 = 19;
/// `GPIO_P0` and `GPIO_P1` interrupt lines.
pub const IRQ_PORT: [u32; 2] = [38, 39];

const SELECT: [u32; 2] = [WKUP_SELECT_P0_REG::OFFSET, WKUP_SELECT_P1_REG::OFFSET];
const POL: [u32; 2] = [WKUP_POL_P0_REG::OFFSET, WKUP_POL_P1_REG::OFFSET];
const STATUS: [u32; 2] = [WKUP_STATUS_P0_REG::OFFSET, WKUP_STATUS_P1_REG::OFFSET];
const CLEAR: [u32; 2] = [WKUP_CLEAR_P0_REG::OFFSET, WKUP_CLEAR_P1_REG::OFFSET];
const SEL_GPIO: [u32; 2] = [WKUP_SEL_GPIO_P0_REG::OFFSET, WKUP_SEL_GPIO_P1_REG::OFFSET];

/// The WAKEUP block.
#[derive(Debug, Clone)]
pub struct Wakeup {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Pad levels last seen.
    levels: [u32; 2],
    /// The key interrupt is pending.
    key_pending: bool,
    /// PDC triggers (`select << 5 | pin`) since the last call.
    pdc: Vec<u8>,
}

impl Default for Wakeup {
    fn default() -> Self {
        Self::new()
    }
}

impl Wakeup {
    /// At power-on.
    pub fn new() -> Wakeup {
        Wakeup {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            levels: [0; 2],
            key_pending: false,
            pdc: Vec::new(),
        }
    }

    /// The pads now stand at `levels` (from GPIO): latch events on edges.
    pub fn pins(&mut self, levels: [u32; 2], cx: &mut Context<'_>) {
        for port in 0..2 {
            let pol = self.regs.get(POL[port]);
            let before = self.levels[port] ^ pol;
            let after = levels[port] ^ pol;
            let edges = !before & after;
            let gpio = edges & self.regs.get(SEL_GPIO[port]);
            let key = edges & self.regs.get(SELECT[port]);
            if gpio | key != 0 {
                let status = self.regs.get(STATUS[port]) | gpio | key;
                self.regs.set(STATUS[port], status);
            }
            for pin in 0..32 {
                if gpio >> pin & 1 != 0 {
                    self.pdc.push((port as u8) << 5 | pin);
                }
            }
            if key != 0 {
                self.key_pending = true;
            }
        }
        self.levels = levels;
        self.update_irq(cx);
    }

    /// PDC triggers raised since the last call (`port << 5 | pin`).
    pub fn take_pdc_triggers(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pdc)
    }

    fn update_irq(&mut self, cx: &mut Context<'_>) {
        for port in 0..2 {
            let on = self.regs.get(STATUS[port]) & self.regs.get(SEL_GPIO[port]) != 0;
            cx.irqs.set(IRQ_PORT[port], on);
        }
        let enabled = WKUP_CTRL_REG::WKUP_ENABLE_IRQ.is_set(self.regs.get(WKUP_CTRL_REG::OFFSET));
        cx.irqs.set(IRQ_KEY, enabled && self.key_pending);
    }
}

impl Device for Wakeup {
    fn name(&self) -> &'static str {
        "WAKEUP"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let w = self
            .notes
            .write("WAKEUP", &mut self.regs, offset, size, value)?;
        match w.offset {
            WKUP_RESET_IRQ_REG::OFFSET => self.key_pending = false,
            WKUP_CTRL_REG::OFFSET if w.rose(WKUP_CTRL_REG::WKUP_SFT_KEYHIT) => {
                self.key_pending = true;
            }
            o if CLEAR.contains(&o) => {
                let port = usize::from(o == CLEAR[1]);
                let status = self.regs.get(STATUS[port]) & !w.written;
                self.regs.set(STATUS[port], status);
            }
            _ => {}
        }
        self.update_irq(cx);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
        self.key_pending = false;
        self.pdc.clear();
    }
}
